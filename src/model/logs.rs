//! Tenant log records (issue 15): what Auth0 would write to the tenant's log
//! for one user, as compact records. The model only emits them; the `logs`
//! module formats them as Auth0 log events and writes them in time order.
//!
//! Rules:
//! - A record is emitted where the AS (or the user's password change) does
//!   what Auth0 logs, at the virtual time it does it, and only while the
//!   user's events count (the measured window, see `warmup.rs`): each record
//!   matches one counter increment of `summary.csv` (`s` = interactive + SSO
//!   logins, `ssa` = silent successes, `fsa` = `login_required`, `seacft` =
//!   code exchanges, `sertft`/`fertft`/`ferrt` = refresh-token exchanges,
//!   `gd_start_auth` = MFA prompts, `scp` = password resets), checked as run
//!   invariants.
//! - Only replica 0 is logged (one tenant, one log), and only users below
//!   `--logs-users`.
//! - Records of one user are numbered in emission order (`seq`): with the
//!   time and the user id it orders the log totally, whatever the thread.
//! - The user's identity in the log (user id, IP address, user agent) comes
//!   from 64 bits of the user's own stream [`super::user`] purpose
//!   `LOG_IDENTITY`, drawn only when the user is logged: no other draw moves.

use super::world::UserWorld;
use crate::engine::rng;
use crate::scenario::Connection;
use rand_chacha::rand_core::RngCore;

/// What Auth0 logged; the Auth0 event type is [`LogKind::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum LogKind {
    /// `s`: an interactive login completed (the AS prompt was answered).
    LoginInteractive,
    /// `s`: an SSO login (a top-level `/authorize` found the AS session).
    LoginSso,
    /// `ssa`: `prompt=none` answered with tokens.
    SilentSuccess,
    /// `fsa`: `prompt=none` answered `login_required`.
    SilentFailure,
    /// `seacft`: an authorization code exchanged at `/oauth/token`.
    CodeExchange,
    /// `sertft`: a refresh token exchanged.
    RefreshExchange,
    /// `fertft`: a refresh-token exchange refused (expired or unknown family).
    RefreshFailed,
    /// `ferrt`: a rotated refresh token reused: the family is revoked.
    RefreshReused,
    /// `slo`: `/v2/logout` reached the AS.
    Logout,
    /// `gd_start_auth`: the MFA challenge started.
    MfaStarted,
    /// `gd_auth_succeed`: the MFA challenge was answered.
    MfaSucceeded,
    /// `scp`: the user changed (reset) the password.
    PasswordChanged,
}

impl LogKind {
    /// Every kind, in code order.
    pub const ALL: [LogKind; 12] = [
        LogKind::LoginInteractive,
        LogKind::LoginSso,
        LogKind::SilentSuccess,
        LogKind::SilentFailure,
        LogKind::CodeExchange,
        LogKind::RefreshExchange,
        LogKind::RefreshFailed,
        LogKind::RefreshReused,
        LogKind::Logout,
        LogKind::MfaStarted,
        LogKind::MfaSucceeded,
        LogKind::PasswordChanged,
    ];

    /// Auth0's event type code (`type` of the log event).
    pub fn code(self) -> &'static str {
        match self {
            LogKind::LoginInteractive | LogKind::LoginSso => "s",
            LogKind::SilentSuccess => "ssa",
            LogKind::SilentFailure => "fsa",
            LogKind::CodeExchange => "seacft",
            LogKind::RefreshExchange => "sertft",
            LogKind::RefreshFailed => "fertft",
            LogKind::RefreshReused => "ferrt",
            LogKind::Logout => "slo",
            LogKind::MfaStarted => "gd_start_auth",
            LogKind::MfaSucceeded => "gd_auth_succeed",
            LogKind::PasswordChanged => "scp",
        }
    }

    /// The kind stored as `byte` (see `repr(u8)`), if any.
    pub fn from_byte(byte: u8) -> Option<LogKind> {
        LogKind::ALL.get(usize::from(byte)).copied()
    }
}

/// One log event of one user, before formatting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogRecord {
    /// Virtual time, ms (from the start of the warm-up).
    pub time: u64,
    /// User id.
    pub user: u64,
    /// 64 random bits of the user's identity in the log (user id, IP, agent).
    pub identity: u64,
    /// The AS session concerned (the time it became valid), or the refresh
    /// token family (the time it was issued); 0 when none.
    pub session: u64,
    /// Emission order within the user.
    pub seq: u32,
    /// `s`: the user's interactive logins so far (Auth0's `loginsCount`);
    /// `sertft`/`ferrt`: the token counter presented; `fsa`: 1 when the
    /// iframe carried no AS cookie; `slo`: 1 when federated.
    pub count: u32,
    /// `ferrt`: the family's latest token counter.
    pub latest: u32,
    /// App index.
    pub app: u16,
    /// The user's connection: 0 password, `i + 1` identity provider `i`.
    pub connection: u16,
    /// The device's browser kind: `k + 1` for kind `k` of
    /// [`super::ModelConfig::browsers`], 0 when unknown (kinds past 254).
    pub browser: u8,
    /// What happened.
    pub kind: LogKind,
}

/// Stream purpose of the user's log identity (see [`super::user`]).
pub(super) const LOG_IDENTITY: u64 = 8;

/// The log of the user being simulated, when logging.
#[derive(Debug, Default)]
pub(super) struct LogBook {
    /// Users `0..users` are logged (replica 0 only).
    pub users: u64,
    /// This user is logged.
    pub active: bool,
    /// The user's identity bits.
    pub identity: u64,
    /// Records so far (all users since the last [`super::Simulator::take_logs`]).
    pub records: Vec<LogRecord>,
    /// Records of this user so far.
    pub seq: u32,
    /// Interactive logins of this user so far, warm-up included.
    pub logins: u32,
}

impl UserWorld<'_> {
    /// Starts the log of user `id` (at its reset).
    pub(super) fn start_log(&mut self, id: u64) {
        let (seed, replica) = (self.cfg.seed, self.replica);
        if let Some(book) = &mut self.logs {
            book.active = replica == 0 && id < book.users;
            book.seq = 0;
            book.logins = 0;
            if book.active {
                book.identity = rng::stream(seed, replica, id, LOG_IDENTITY).next_u64();
            }
        }
    }

    /// Emits a record of `kind` for app `app` at `t`, when this user is
    /// logged and its events count.
    #[inline]
    pub(super) fn log(&mut self, t: u64, kind: LogKind, app: u16, session: u64, count: u32) {
        if self.logs.is_some() && self.metrics.measuring {
            self.push_log(t, kind, app, session, count, 0);
        }
    }

    /// An interactive login completed: one more for `loginsCount` (warm-up
    /// included), then its `s` record.
    #[inline]
    pub(super) fn log_interactive(&mut self, t: u64, app: u16, session: u64) {
        if let Some(book) = &mut self.logs {
            book.logins = book.logins.saturating_add(1);
            let n = book.logins;
            self.log(t, LogKind::LoginInteractive, app, session, n);
        }
    }

    #[cold]
    #[inline(never)]
    pub(super) fn push_log(
        &mut self,
        t: u64,
        kind: LogKind,
        app: u16,
        session: u64,
        count: u32,
        latest: u32,
    ) {
        let connection = match self.user.profile.connection {
            Connection::Password => 0,
            Connection::Idp(i) => i as u16 + 1,
        };
        let browser = self
            .user
            .profile
            .browser
            .and_then(|k| u8::try_from(u32::from(k) + 1).ok())
            .unwrap_or(0);
        let Some(book) = &mut self.logs else { return };
        if !book.active {
            return;
        }
        // An SSO login leaves `loginsCount` as the last interactive one set it.
        let count = if kind == LogKind::LoginSso {
            book.logins
        } else {
            count
        };
        book.records.push(LogRecord {
            time: t,
            user: self.user_id,
            identity: book.identity,
            session,
            seq: book.seq,
            count,
            latest,
            app,
            connection,
            browser,
            kind,
        });
        book.seq += 1;
    }

    /// The time the reachable AS session became valid, or 0.
    pub(super) fn as_session_since(&self) -> u64 {
        self.sessions[crate::metrics::Layout::AS_TIER].map_or(0, |s| s.since)
    }
}
