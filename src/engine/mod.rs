//! A generic discrete-event engine: virtual time, a pending-event queue and the
//! loop that hands each event to a model. It knows nothing of single sign-on.
//!
//! # Vocabulary
//! - *Time* is a `u64` count of milliseconds since the start of the run.
//! - A *model* owns all simulated state and implements [`Model::handle`].
//! - A [`Context`] is the model's only door to the engine while it handles an
//!   event: the current time and scheduling of new events.
//! - The [`Simulation`] owns the clock and the [`EventQueue`], and steps.
//!
//! # Ordering and determinism
//! Events pop in (time, sequence) order, the sequence being the order in which
//! they were scheduled on this simulation. A simulation runs on one thread, so
//! the order never depends on thread scheduling; ssosim runs one simulation per
//! user timeline (design §1), and that timeline's events are ordered the same
//! whatever thread or shard runs it.
//!
//! An event scheduled with [`Context::schedule_next`] may be handled inline,
//! within the step, when it is the next one due ([`Context::take_next`]):
//! the order is the same as through the queue, without the push and pop
//! (a redirect chain's hops and the end of the dwell after it, issue 20).
//! Within [`Simulation::run_until`], `take_next` also hands over the
//! queue's next events, so that a model that loops on it runs a whole
//! timeline in one call instead of one call per queued event.
//!
//! ```
//! use ssosim::engine::{Context, Model, Simulation};
//! struct Ticker { ticks: u32 }
//! impl Model for Ticker {
//!     type Event = ();
//!     fn handle(&mut self, _: (), ctx: &mut Context<'_, ()>) {
//!         self.ticks += 1;
//!         ctx.schedule_in(10, ());
//!     }
//! }
//! let mut sim = Simulation::new();
//! sim.schedule_at(0, ());
//! let mut model = Ticker { ticks: 0 };
//! sim.run_until(&mut model, 100);
//! assert_eq!(model.ticks, 10); // t = 0, 10, ..., 90
//! ```
//!
//! # Time never goes back
//! By construction: [`EventQueue::push`] moves an event asked for before the
//! last popped time to that time, and the queue pops its minimum, so each
//! popped time is at least the previous one; [`Simulation::step`] asserts it in
//! debug builds. A model that schedules into the past is a bug all the same:
//! the queue counts such pushes ([`Simulation::late_events`]) so that the run's
//! invariants refuse the results instead of hiding the bug.

mod queue;
pub mod rng;

pub use queue::EventQueue;

/// A simulated system: receives every event in time order.
pub trait Model {
    /// What the model schedules for itself.
    type Event;
    /// Handles one event at `ctx.now()`; may schedule more through `ctx`.
    fn handle(&mut self, event: Self::Event, ctx: &mut Context<'_, Self::Event>);
}

/// What a model sees of the engine while handling an event.
#[derive(Debug)]
pub struct Context<'a, E> {
    now: u64,
    /// Events at or after this time are not handled in this step.
    end: u64,
    queue: &'a mut EventQueue<E>,
    /// The last event scheduled with [`Context::schedule_next`], not yet in
    /// the queue: see [`Context::take_next`].
    held: Option<(u64, E)>,
    /// Events handled inline ([`Context::take_next`]) in this step.
    inline: u64,
    /// [`Context::take_next`] also hands over the queue's next event due
    /// before `end` ([`Simulation::run_until`]; not [`Simulation::step`]).
    drain: bool,
    /// Events popped from the queue by [`Context::take_next`] in this step.
    popped: u64,
}

impl<E> Context<'_, E> {
    /// Current virtual time (ms).
    #[inline]
    pub fn now(&self) -> u64 {
        self.now
    }
    /// Schedules `event` at absolute time `at`, which must not be in the past.
    #[inline(always)]
    pub fn schedule_at(&mut self, at: u64, event: E) {
        debug_assert!(at >= self.now, "event scheduled in the past");
        self.release();
        // The queue moves an event in the past to `now` and counts it.
        self.queue.push(at, event);
    }
    /// Schedules `event` after `delay` ms (saturating at the end of time).
    #[inline(always)]
    pub fn schedule_in(&mut self, delay: u64, event: E) {
        self.release();
        self.queue.push(self.now.saturating_add(delay), event);
    }

    /// Schedules `event` at `at` like [`Context::schedule_at`], keeping it
    /// out of the queue for as long as nothing else is scheduled in this
    /// step, so that the model may handle it inline ([`Context::take_next`])
    /// when it is the next event due. Whatever the model does next, the
    /// order of events is the same as with `schedule_at`: any later
    /// scheduling first puts the held event in the queue (its push order),
    /// and so does the end of the step.
    #[inline(always)]
    pub fn schedule_next(&mut self, at: u64, event: E) {
        debug_assert!(at >= self.now, "event scheduled in the past");
        self.release();
        self.held = Some((at, event));
    }

    /// The next event for the model to handle now, within this call of
    /// [`Model::handle`]: the event held by [`Context::schedule_next`] when
    /// it is the one the queue would hand over next (due before `end` and
    /// strictly before every pending event, since one pending at the same
    /// time was scheduled earlier and goes first), without a queue
    /// operation; otherwise, within [`Simulation::run_until`], the queue's
    /// next event due before `end`, so that a timeline runs in one call of
    /// the model instead of one per queued event (issue 20). The clock
    /// moves to the event's time; the order is the queue's either way.
    #[inline]
    pub fn take_next(&mut self) -> Option<E> {
        if let Some((t, _)) = self.held.as_ref()
            && *t < self.end
            && self.queue.next_time().is_none_or(|q| q > *t)
        {
            let (t, event) = self.held.take()?;
            self.queue.advance(t);
            self.now = t;
            self.inline += 1;
            return Some(event);
        }
        if !self.drain {
            return None;
        }
        self.release();
        if self.queue.next_time()? >= self.end {
            return None;
        }
        let (t, event) = self.queue.pop()?;
        self.now = t;
        self.popped += 1;
        Some(event)
    }

    /// Puts the held event, if any, in the queue.
    #[inline(always)]
    fn release(&mut self) {
        if let Some((t, e)) = self.held.take() {
            self.queue.push(t, e);
        }
    }
}

/// The clock and the pending events of one simulation.
#[derive(Debug)]
pub struct Simulation<E> {
    now: u64,
    queue: EventQueue<E>,
    processed: u64,
    /// Of `processed`, the events that went through the queue.
    queued: u64,
}

impl<E: Copy> Default for Simulation<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> Simulation<E> {
    /// An empty simulation at time 0.
    pub fn new() -> Self {
        Simulation {
            now: 0,
            queue: EventQueue::new(),
            processed: 0,
            queued: 0,
        }
    }

    /// Back to time 0 with no pending event, keeping the queue's memory
    /// (one simulation object serves many user timelines without allocating).
    pub fn reset(&mut self) {
        self.now = 0;
        self.queue.clear();
    }

    /// Current virtual time: the time of the last event handled.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Events handled since this simulation was created, inline ones
    /// ([`Context::take_next`]) included.
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// Of [`Simulation::processed`], the events popped from the queue (the
    /// others were handled inline, without a queue operation).
    pub fn queued(&self) -> u64 {
        self.queued
    }

    /// Events scheduled before the current time since this simulation was
    /// created, each moved to the current time (0 unless a model has a bug).
    pub fn late_events(&self) -> u64 {
        self.queue.late_pushes()
    }

    /// Number of pending events.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Schedules an event from outside a handler (initial events).
    pub fn schedule_at(&mut self, at: u64, event: E) {
        self.queue.push(at.max(self.now), event);
    }

    /// Handles the next event if it is due before `end` (and the events held
    /// for inline handling after it); returns whether one was.
    pub fn step<M: Model<Event = E>>(&mut self, model: &mut M, end: u64) -> bool {
        self.step_with(model, end, false)
    }

    /// [`Simulation::step`]; with `drain`, the model may go on with the
    /// queue's next events due before `end` ([`Context::take_next`]).
    #[inline]
    fn step_with<M: Model<Event = E>>(&mut self, model: &mut M, end: u64, drain: bool) -> bool {
        match self.queue.peek_time() {
            Some(t) if t < end => {}
            _ => return false,
        }
        let Some((time, event)) = self.queue.pop() else {
            return false;
        };
        debug_assert!(time >= self.now, "virtual time went back");
        let mut ctx = Context {
            now: time,
            end,
            queue: &mut self.queue,
            held: None,
            inline: 0,
            drain,
            popped: 0,
        };
        model.handle(event, &mut ctx);
        ctx.release();
        self.now = ctx.now;
        self.processed += 1 + ctx.inline + ctx.popped;
        self.queued += 1 + ctx.popped;
        true
    }

    /// Handles every event due strictly before `end`, in order; returns how many.
    /// Events at or after `end` stay pending.
    pub fn run_until<M: Model<Event = E>>(&mut self, model: &mut M, end: u64) -> u64 {
        let before = self.processed;
        while self.step_with(model, end, true) {}
        self.processed - before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what it sees; each event may ask for follow-ups.
    struct Recorder {
        seen: Vec<(u64, u32)>,
    }
    impl Model for Recorder {
        type Event = u32;
        fn handle(&mut self, e: u32, ctx: &mut Context<'_, u32>) {
            self.seen.push((ctx.now(), e));
            if e == 1 {
                // Same-time follow-ups pop after everything already due at that time.
                ctx.schedule_in(0, 10);
                ctx.schedule_in(0, 11);
                ctx.schedule_in(5, 12);
            }
        }
    }

    #[test]
    fn events_pop_by_time_then_scheduling_order() {
        let mut sim = Simulation::new();
        sim.schedule_at(7, 3);
        sim.schedule_at(2, 1);
        sim.schedule_at(2, 2);
        let mut m = Recorder { seen: vec![] };
        let n = sim.run_until(&mut m, u64::MAX);
        assert_eq!(
            m.seen,
            vec![(2, 1), (2, 2), (2, 10), (2, 11), (7, 3), (7, 12)]
        );
        assert_eq!(n, 6);
        assert_eq!(sim.now(), 7);
    }

    /// Schedules its follow-up 5 ms in the past: a model bug.
    struct BackInTime {
        seen: Vec<u64>,
    }
    impl Model for BackInTime {
        type Event = ();
        fn handle(&mut self, _: (), ctx: &mut Context<'_, ()>) {
            self.seen.push(ctx.now());
            if self.seen.len() < 3 {
                ctx.schedule_at(ctx.now().saturating_sub(5), ());
            }
        }
    }

    /// Debug builds stop at the bug; release builds keep time monotone and
    /// count it, for the run's invariants to refuse the results.
    #[test]
    #[cfg_attr(
        debug_assertions,
        should_panic(expected = "event scheduled in the past")
    )]
    fn an_event_in_the_past_is_counted_and_time_does_not_go_back() {
        let mut sim = Simulation::new();
        sim.schedule_at(10, ());
        let mut m = BackInTime { seen: vec![] };
        sim.run_until(&mut m, u64::MAX);
        assert_eq!(m.seen, vec![10, 10, 10]);
        assert_eq!(sim.late_events(), 2);
    }

    /// Schedules like [`Recorder`], holding its first follow-up for inline
    /// handling, and handles inline whatever [`Context::take_next`] gives.
    struct Inline {
        seen: Vec<(u64, u32)>,
    }
    impl Inline {
        fn one(&mut self, e: u32, ctx: &mut Context<'_, u32>) {
            self.seen.push((ctx.now(), e));
            match e {
                1 => {
                    ctx.schedule_next(2, 10); // behind 2, due at the same time
                    ctx.schedule_next(3, 11); // queues 10 first
                }
                11 => {
                    ctx.schedule_next(4, 12);
                    ctx.schedule_at(4, 13); // queues 12 first: 12 before 13
                }
                13 => ctx.schedule_next(5, 14), // inline: 7 comes later
                14 => ctx.schedule_next(30, 15), // past the step's end
                _ => {}
            }
        }
    }
    impl Model for Inline {
        type Event = u32;
        fn handle(&mut self, e: u32, ctx: &mut Context<'_, u32>) {
            self.one(e, ctx);
            while let Some(next) = ctx.take_next() {
                self.one(next, ctx);
            }
        }
    }

    #[test]
    fn held_events_keep_the_order_of_scheduled_ones() {
        let mut sim = Simulation::new();
        sim.schedule_at(2, 1);
        sim.schedule_at(2, 2);
        sim.schedule_at(7, 3);
        let mut m = Inline { seen: vec![] };
        assert_eq!(sim.run_until(&mut m, 20), 8);
        let order = [
            (2, 1),
            (2, 2),
            (2, 10),
            (3, 11),
            (4, 12),
            (4, 13),
            (5, 14),
            (7, 3),
        ];
        assert_eq!(m.seen, order);
        // 10 and 11 went through the queue (another event came first), 12
        // and 13 too (scheduled after 12); 14 was handled inline after 13.
        assert_eq!(sim.queued(), 7);
        assert_eq!(sim.now(), 7);
        // 15 was held past the end of the step: queued, handled later.
        assert_eq!(sim.pending(), 1);
        sim.run_until(&mut m, u64::MAX);
        assert_eq!(m.seen.last(), Some(&(30, 15)));
        assert_eq!(sim.late_events(), 0);
    }

    /// Counts its calls, and handles whatever [`Context::take_next`] gives.
    struct Calls {
        calls: u32,
        seen: Vec<u64>,
    }
    impl Model for Calls {
        type Event = ();
        fn handle(&mut self, (): (), ctx: &mut Context<'_, ()>) {
            self.calls += 1;
            self.seen.push(ctx.now());
            while ctx.take_next().is_some() {
                self.seen.push(ctx.now());
            }
        }
    }

    #[test]
    fn run_until_hands_queued_events_over_in_one_call_and_step_one_by_one() {
        let mut sim = Simulation::new();
        for t in [5, 10, 15, 20, 25] {
            sim.schedule_at(t, ());
        }
        let mut m = Calls {
            calls: 0,
            seen: vec![],
        };
        assert!(sim.step(&mut m, 30));
        assert_eq!((m.calls, sim.now()), (1, 5), "a step is one event");
        assert_eq!(sim.run_until(&mut m, 20), 2);
        assert_eq!(m.calls, 2, "one call for the events before 20");
        assert_eq!(m.seen, vec![5, 10, 15]);
        assert_eq!((sim.queued(), sim.processed(), sim.pending()), (3, 3, 2));
    }

    #[test]
    fn run_until_leaves_later_events_pending() {
        let mut sim = Simulation::new();
        for t in [5, 10, 15] {
            sim.schedule_at(t, 0);
        }
        let mut m = Recorder { seen: vec![] };
        assert_eq!(sim.run_until(&mut m, 10), 1);
        assert_eq!(sim.pending(), 2);
        sim.reset();
        assert_eq!(sim.pending(), 0);
        assert_eq!(sim.now(), 0);
    }
}
