//! The pending-event queue of one timeline: a small vector kept sorted.
//!
//! ssosim runs one simulation per user timeline (design §1), and a timeline
//! never holds more than a handful of pending events: the next visit, the
//! next browser close, cookie clear and password reset, and the hop or timer
//! of the visit under way. At that size the fastest queue is a short array
//! sorted latest first, so that the next event is its last element: a pop is
//! a `Vec::pop`, and a push scans from the end past the events due no later
//! than it (a hop, due before everything else pending, is a plain append).
//! A push costs O(pending), so this queue is not for thousands of pending
//! events (the radix heap it replaced was; on ssosim's timelines its bucket
//! redistribution took 32% of a storezero run: issue 20).
//!
//! # Ties
//! Events at equal times pop in scheduling order: a push goes below (before,
//! in array order) every event due at or before its time, so one pushed
//! earlier at the same time stays nearer the end and pops first.

/// Pending events, popped in (time, scheduling order).
#[derive(Debug)]
pub struct EventQueue<E> {
    /// Sorted by time, latest first; among equal times, latest pushed first.
    events: Vec<(u64, E)>,
    /// The last time popped (or peeked): the earliest a push may ask for.
    last: u64,
    /// Pushes asked for a time before `last` (a model bug), moved to that
    /// time: see [`EventQueue::late_pushes`].
    late: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            events: Vec::new(),
            last: 0,
            late: 0,
        }
    }

    /// Number of pending events.
    #[inline]
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when nothing is pending.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Drops every pending event, keeping the memory; time starts again at 0.
    pub fn clear(&mut self) {
        self.events.clear();
        self.last = 0;
    }

    /// Adds an event at `time`, which must not be before the last event
    /// popped; among equal times, earlier pushes pop first.
    #[inline]
    pub fn push(&mut self, time: u64, event: E) {
        debug_assert!(time >= self.last, "event scheduled in the past");
        self.late += u64::from(time < self.last);
        let time = time.max(self.last);
        let len = self.events.len();
        let mut i = len;
        while i > 0 && self.events[i - 1].0 <= time {
            i -= 1;
        }
        // Appended, then moved down to `i`: a hop (due before everything
        // pending) does not move; anything else passes a handful of events,
        // for which swaps beat the `memmove` call of `Vec::insert`.
        self.events.push((time, event));
        for j in (i..len).rev() {
            self.events.swap(j, j + 1);
        }
    }

    /// Pushes since the queue was created that asked for a time before the
    /// last event popped (or peeked). Such an event is moved to that time, so
    /// the clock never goes back; a count above 0 means a model scheduled
    /// into the past (a bug that [`crate::metrics::invariants`] reports).
    pub fn late_pushes(&self) -> u64 {
        self.late
    }

    /// Time of the next event, if any. Like a pop, it sets the earliest time
    /// a push may ask for (the events before it are all handled).
    #[inline]
    pub fn peek_time(&mut self) -> Option<u64> {
        let t = self.events.last()?.0;
        self.last = t;
        Some(t)
    }

    /// Time of the next event, if any, without moving the earliest time a
    /// push may ask for.
    #[inline]
    pub fn next_time(&self) -> Option<u64> {
        self.events.last().map(|e| e.0)
    }

    /// Moves the earliest time a push may ask for to `t`, as the pop of an
    /// event at `t` would (an event handled without going through the queue).
    #[inline]
    pub fn advance(&mut self, t: u64) {
        debug_assert!(t >= self.last && self.next_time().is_none_or(|q| q > t));
        self.last = t;
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, E)> {
        let (time, event) = self.events.pop()?;
        self.last = time;
        Some((time, event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_then_fifo_order_like_a_sort() {
        // Pushes interleaved with pops, never in the past, checked against
        // a stable sort of what was pushed.
        let mut q = EventQueue::new();
        let mut now = 0u64;
        let mut pending: Vec<(u64, u64, u32)> = Vec::new(); // (time, seq, id)
        let mut seq = 0;
        let mut x: u64 = 12345;
        let mut popped = Vec::new();
        for i in 0..20_000u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            if (x >> 60) < 10 || pending.is_empty() {
                let t = now + (x >> 33) % 50;
                q.push(t, i);
                pending.push((t, seq, i));
                seq += 1;
            } else {
                let (t, e) = q.pop().unwrap();
                let k = pending
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, p)| (p.0, p.1))
                    .unwrap()
                    .0;
                let expected = pending.remove(k);
                assert_eq!((t, e), (expected.0, expected.2));
                now = t;
                popped.push(e);
            }
        }
        assert_eq!(q.len(), pending.len());
        q.clear();
        assert!(q.is_empty());
        assert_eq!(q.pop(), None);
        q.push(3, 7);
        assert_eq!(q.peek_time(), Some(3));
        assert_eq!(q.pop(), Some((3, 7)));
    }
}
