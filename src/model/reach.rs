//! The time a user is logged in (design §7, `logged_in_users`): the union of
//! the intervals during which some device would serve them without a
//! credential prompt (reachable valid AS and app sessions, usable refresh
//! tokens).

/// A union of half-open intervals `[since, until)`, kept as its maximal
/// pieces in time order: pieces that overlap or touch are one, and an empty
/// interval adds nothing (it covers no instant, so no sample of the series).
///
/// Built as intervals arrive (a session's at its end, a refresh token's when
/// it changes), so the end of a user needs no sort of everything it pushed
/// (issue 20): the pieces are the same whatever order the intervals came in.
#[derive(Debug, Default)]
pub(super) struct Reach {
    pieces: Vec<(u64, u64)>,
}

impl Reach {
    /// Adds `[since, until)`.
    pub(super) fn add(&mut self, since: u64, until: u64) {
        if until <= since {
            return;
        }
        let pieces = &mut self.pieces;
        // Most intervals start within or after the last piece (the pieces
        // before it end before it starts).
        match pieces.last_mut() {
            None => return pieces.push((since, until)),
            Some(last) if since > last.1 => return pieces.push((since, until)),
            Some(last) if since >= last.0 => {
                last.1 = last.1.max(until);
                return;
            }
            Some(_) => {}
        }
        // The pieces it overlaps or touches are `first..last`.
        let first = pieces.partition_point(|&(_, b)| b < since);
        let last = first + pieces[first..].partition_point(|&(a, _)| a <= until);
        if first == last {
            pieces.insert(first, (since, until));
            return;
        }
        let merged = (since.min(pieces[first].0), until.max(pieces[last - 1].1));
        pieces[first] = merged;
        pieces.drain(first + 1..last);
    }

    /// Forgets every interval (a new user).
    pub(super) fn clear(&mut self) {
        self.pieces.clear();
    }

    /// The maximal pieces, in time order.
    pub(super) fn pieces(&self) -> &[(u64, u64)] {
        &self.pieces
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The union as the end of a user computed it before: sort, then sweep,
    /// merging pieces that overlap or touch; empty pieces dropped.
    fn swept(mut intervals: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
        intervals.sort_unstable();
        let mut out: Vec<(u64, u64)> = Vec::new();
        for (a, b) in intervals {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        out.retain(|&(a, b)| a < b);
        out
    }

    #[test]
    fn nested_and_touching_intervals_are_one_piece() {
        let mut r = Reach::default();
        r.add(10, 12);
        r.add(20, 22);
        r.add(30, 30);
        assert_eq!(r.pieces(), [(10, 12), (20, 22)]);
        r.add(5, 100);
        assert_eq!(r.pieces(), [(5, 100)]);
        r.add(100, 110);
        r.add(0, 5);
        r.add(200, 190);
        assert_eq!(r.pieces(), [(0, 110)]);
        r.clear();
        assert!(r.pieces().is_empty());
    }

    proptest! {
        #[test]
        fn the_pieces_are_the_sorted_sweep_of_what_was_added(
            intervals in prop::collection::vec((0u64..200, 0u64..60), 0..40)
        ) {
            let intervals: Vec<(u64, u64)> =
                intervals.into_iter().map(|(a, len)| (a, a + len)).collect();
            let mut r = Reach::default();
            for &(a, b) in &intervals {
                r.add(a, b);
            }
            let expected = swept(intervals);
            prop_assert_eq!(r.pieces(), expected.as_slice());
        }
    }
}
