//! The end of a user's warm-up (issue 13): from here on its events count.
//!
//! Sessions found expired by then end uncounted (they ended in the warm-up);
//! the sessions still valid and reachable are counted once as
//! `sessions_alive_at_warmup_end`, so that per tier
//! `sessions_alive_at_warmup_end + sessions_created = ended + sessions_alive_at_end`.

use super::world::UserWorld;
use crate::metrics::TierCounter;

impl UserWorld<'_> {
    /// The warm-up ends at `t`: measuring starts. `busy` when the browser
    /// was still in a visit at the end of the run: that visit belongs to the
    /// warm-up and is not counted as abandoned.
    pub(super) fn end_warmup(&mut self, t: u64, busy: bool) {
        for tier in 0..self.sessions.len() {
            self.session_valid(tier, t);
        }
        self.metrics.measuring = true;
        for tier in 0..self.sessions.len() {
            if self.sessions[tier].is_some() {
                self.metrics.count_tier(tier, TierCounter::AliveAtWarmupEnd);
            }
        }
        if busy && let Some(v) = &mut self.browser.visit {
            v.resolved = true;
        }
        self.note(t, || "warm-up ends: metrics count from here".to_string());
    }
}
