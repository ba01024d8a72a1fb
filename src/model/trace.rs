//! Traces: every hop of one user with its virtual time (design §5, `ssosim
//! trace`), and scripted users whose visits are given rather than drawn.

use super::user::UserProfile;
use crate::time::Clock;
use std::fmt;

/// One line of a trace: a hop between two actors, or a note (visit, prompt,
/// session created or ended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLine {
    /// Virtual time, ms.
    pub time: u64,
    /// Sender and receiver of a hop; `None` for a note.
    pub hop: Option<(String, String)>,
    /// The HTTP line of the hop, or the note.
    pub what: String,
}

impl fmt::Display for TraceLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.hop {
            Some((from, to)) => {
                write!(
                    f,
                    "{}  {:>10} -> {:<10}  {}",
                    Clock(self.time),
                    from,
                    to,
                    self.what
                )
            }
            None => write!(
                f,
                "{}  {:>10}    {:<10}  * {}",
                Clock(self.time),
                "",
                "",
                self.what
            ),
        }
    }
}

/// A visit given by a script: when, to which app, protected or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptedVisit {
    /// Arrival time, ms.
    pub at: u64,
    /// App index.
    pub app: u16,
    /// Page requires login.
    pub protected: bool,
}

/// Visits (and optionally the profile) of a scripted user. Browser closes,
/// password resets and logouts still follow the scenario's rates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UserScript {
    /// The user's connection and cookie policy; drawn when `None`.
    pub profile: Option<UserProfile>,
    /// Visits in time order.
    pub visits: Vec<ScriptedVisit>,
}
