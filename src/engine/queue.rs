//! The pending-event queue: a radix heap on event time.
//!
//! Discrete-event simulation is monotone: an event is never scheduled before
//! the one being handled. A radix heap exploits that: bucket `i` holds the
//! events whose time's highest bit differing from the last popped time is bit
//! `i - 1`; bucket 0 holds events at exactly that time. Popping empties the
//! lowest non-empty bucket into lower ones around its minimum. Each event moves
//! down a few buckets in its life, each move a sequential append, so the cost
//! per event stays nearly flat from a handful to millions of pending events —
//! unlike a binary heap, whose sift paths miss the cache once it outgrows it.
//!
//! # Ties
//! Events at equal times pop in scheduling order. Every bucket is always in
//! scheduling order: it is filled either by direct pushes (in order) or by
//! the redistribution of a higher bucket, which happens only when every lower
//! bucket is empty and appends in that bucket's (inductively sorted) order.
//! Bucket 0 is read from the front.

/// Number of buckets: 64 time bits, plus the bucket of the current time.
const BUCKETS: usize = 65;

/// Pending events, popped in (time, scheduling order).
#[derive(Debug)]
pub struct EventQueue<E> {
    buckets: Vec<Vec<(u64, E)>>,
    /// Bit `i` set when bucket `i` is non-empty (bucket 0: has unread events).
    nonempty: u128,
    /// Read position in bucket 0.
    head: usize,
    /// The last time popped (or normalised into bucket 0).
    last: u64,
    /// Smallest time in each non-empty bucket.
    mins: [u64; BUCKETS],
    len: usize,
    /// Pushes asked for a time before the last one popped (a model bug),
    /// moved to that time: see [`EventQueue::late_pushes`].
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
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            nonempty: 0,
            head: 0,
            last: 0,
            mins: [0; BUCKETS],
            len: 0,
            late: 0,
        }
    }

    /// Number of pending events.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is pending.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Drops every pending event, keeping the memory; time starts again at 0.
    pub fn clear(&mut self) {
        let mut bits = self.nonempty;
        while bits != 0 {
            self.buckets[bits.trailing_zeros() as usize].clear();
            bits &= bits - 1;
        }
        self.buckets[0].clear();
        self.nonempty = 0;
        self.head = 0;
        self.last = 0;
        self.len = 0;
    }

    #[inline]
    fn put(&mut self, time: u64, event: E) {
        let b = (64 - (time ^ self.last).leading_zeros()) as usize;
        self.buckets[b].push((time, event));
        let bit = 1u128 << b;
        // Each bucket's minimum is kept as it fills, so that emptying it
        // needs one pass, not two.
        self.mins[b] = if self.nonempty & bit == 0 {
            time
        } else {
            self.mins[b].min(time)
        };
        self.nonempty |= bit;
    }

    /// Adds an event at `time`, which must not be before the last event
    /// popped; among equal times, earlier pushes pop first.
    #[inline]
    pub fn push(&mut self, time: u64, event: E) {
        debug_assert!(time >= self.last, "event scheduled in the past");
        self.late += u64::from(time < self.last);
        self.len += 1;
        self.put(time.max(self.last), event);
    }

    /// Brings the earliest events into bucket 0 and returns their time.
    #[inline]
    fn normalise(&mut self) -> Option<u64> {
        if self.nonempty & 1 != 0 {
            return Some(self.last);
        }
        if self.nonempty == 0 {
            return None;
        }
        let b = self.nonempty.trailing_zeros() as usize;
        self.nonempty &= !(1 << b);
        let mut bucket = std::mem::take(&mut self.buckets[b]);
        let min = self.mins[b];
        self.last = min;
        self.head = 0;
        for (time, event) in bucket.drain(..) {
            self.put(time, event);
        }
        // Keep the emptied vector's memory for the next time this bucket fills.
        self.buckets[b] = bucket;
        Some(min)
    }

    /// Pushes since the queue was created that asked for a time before the
    /// last event popped. Such an event is moved to that time, so the clock
    /// never goes back; a count above 0 means a model scheduled into the past
    /// (a bug that [`crate::metrics::invariants`] reports).
    pub fn late_pushes(&self) -> u64 {
        self.late
    }

    /// Time of the next event, if any.
    #[inline]
    pub fn peek_time(&mut self) -> Option<u64> {
        self.normalise()
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, E)>
    where
        E: Copy,
    {
        let time = self.normalise()?;
        let event = self.buckets[0][self.head].1;
        self.head += 1;
        if self.head == self.buckets[0].len() {
            self.buckets[0].clear();
            self.head = 0;
            self.nonempty &= !1;
        }
        self.len -= 1;
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
