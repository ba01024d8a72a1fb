//! Traces: every hop of one user with its virtual time (design §5, `ssosim
//! trace`), and scripted users whose visits are given rather than drawn.
//!
//! Each line says what it records ([`LineKind`]) so that formats and filters
//! need not read its text: a hop, the start of a visit, the outcome of a visit
//! ([`Outcome`]: how the page was served, or that the login was abandoned, or
//! that a token renewal failed), a session created or ended, or another note.

use super::user::UserProfile;
use crate::metrics::LoginKind;
use crate::time::Clock;
use std::fmt;

/// One line of a trace: a hop between two actors, or a note (visit, prompt,
/// session created or ended, outcome of a visit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLine {
    /// Virtual time, ms.
    pub time: u64,
    /// Sender and receiver of a hop; `None` for a note.
    pub hop: Option<(String, String)>,
    /// The HTTP line of the hop, or the note.
    pub what: String,
    /// What the line records.
    pub kind: LineKind,
}

/// What a trace line records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// An HTTP hop between two actors (`hop` is set).
    Hop,
    /// A visit starts: the user navigates to an app's page.
    Visit,
    /// How the visit under way was served, or that it ended without a login,
    /// or that a token renewal failed.
    Outcome(Outcome),
    /// A session of scope `scope` (`as`, `idp:<name>`, `app:<name>`) is
    /// created or ends.
    Session {
        /// The session's scope.
        scope: String,
    },
    /// Anything else: browser close, password reset, prompt answered, logout…
    Note,
}

/// The outcome of a visit, one per visit (except [`Outcome::RenewalFailed`],
/// which follows the visit's outcome when a token renewal fails during it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An anonymous page served without a login.
    Anonymous,
    /// A protected page served from the app's valid local session.
    LocalSession,
    /// A top-level `/authorize` found a valid AS session: no prompt.
    Sso,
    /// `prompt=none` in a hidden iframe returned tokens: no prompt.
    Silent,
    /// The AS prompt was shown and completed.
    Interactive,
    /// A refresh-token exchange returned tokens: no prompt.
    RefreshToken,
    /// The visit ended (browser close, end of the run) before its login completed.
    Abandoned,
    /// A `spa_implicit` token renewal during the visit got `login_required`:
    /// the page holds no tokens until the next visit.
    RenewalFailed,
    /// The AS refused a request of the visit during an outage (`[[events]]`):
    /// the user leaves and comes back at the next visit.
    Refused,
}

impl Outcome {
    /// The outcome of a served page: the login flow that served it, else a
    /// local-session hit (protected page) or no login (anonymous page).
    pub fn served(login: Option<LoginKind>, protected: bool) -> Outcome {
        match login {
            Some(LoginKind::Interactive) => Outcome::Interactive,
            Some(LoginKind::Sso) => Outcome::Sso,
            Some(LoginKind::Silent) => Outcome::Silent,
            Some(LoginKind::RefreshToken) => Outcome::RefreshToken,
            None if protected => Outcome::LocalSession,
            None => Outcome::Anonymous,
        }
    }

    /// Machine name (`jsonl`, filters): `anonymous`, `local_session`, `sso`,
    /// `silent`, `interactive`, `refresh_token`, `abandoned`, `renewal_failed`,
    /// `refused`.
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Anonymous => "anonymous",
            Outcome::LocalSession => "local_session",
            Outcome::Sso => "sso",
            Outcome::Silent => "silent",
            Outcome::Interactive => "interactive",
            Outcome::RefreshToken => "refresh_token",
            Outcome::Abandoned => "abandoned",
            Outcome::RenewalFailed => "renewal_failed",
            Outcome::Refused => "refused",
        }
    }

    /// The outcome in words.
    pub fn words(self) -> &'static str {
        match self {
            Outcome::Anonymous => "anonymous page, no login",
            Outcome::LocalSession => "local-session hit",
            Outcome::Sso => "SSO",
            Outcome::Silent => "silent authentication",
            Outcome::Interactive => "interactive login",
            Outcome::RefreshToken => "refresh token",
            Outcome::Abandoned => "login abandoned",
            Outcome::RenewalFailed => {
                "token renewal failed: the page has no tokens until the next visit"
            }
            Outcome::Refused => "the AS refused the request (outage): the user leaves",
        }
    }

    /// The text of the outcome line: `served: <words>` for a page served.
    pub fn line(self) -> String {
        match self {
            Outcome::Abandoned | Outcome::RenewalFailed | Outcome::Refused => {
                self.words().to_string()
            }
            served => format!("served: {}", served.words()),
        }
    }

    /// True when the visit went through a login flow (at the AS, in an iframe
    /// or at `/oauth/token`), completed or abandoned.
    pub fn is_login(self) -> bool {
        !matches!(
            self,
            Outcome::Anonymous | Outcome::LocalSession | Outcome::RenewalFailed
        )
    }
}

impl fmt::Display for TraceLine {
    /// `TIME  FROM -> TO  WHAT` for a hop, `* WHAT` for a note, `= WHAT` for an outcome.
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
            None => {
                let mark = if matches!(self.kind, LineKind::Outcome(_)) {
                    '='
                } else {
                    '*'
                };
                write!(
                    f,
                    "{}  {:>10}    {:<10}  {mark} {}",
                    Clock(self.time),
                    "",
                    "",
                    self.what
                )
            }
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
