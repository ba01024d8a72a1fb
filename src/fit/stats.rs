//! The statistics of a log that the fit matches: computed the same way from
//! the tenant's events and from a candidate scenario's simulated log.
//!
//! - *Activity events* are those a visit leaves at the AS: `s`, `ssa`,
//!   `fsa`, `sertft`, `fertft`, `ferrt`. A visit served by an app's own
//!   session leaves none: that is why visit rates are matched by simulation.
//! - Per active user (a user with at least one event): activity events per
//!   day (mean, and its standard error over users), their dispersion index
//!   (variance over mean of the per-user counts, with a bootstrap standard
//!   error over users), `slo` per `s`, and the hour of day (UTC) of the
//!   activity events.

use crate::engine::rng;

/// The event types the fit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObservedKind {
    /// `s`.
    Login,
    /// `ssa`.
    SilentOk,
    /// `fsa`.
    SilentFailed,
    /// `seacft`.
    CodeExchange,
    /// `sertft`.
    RefreshOk,
    /// `fertft`.
    RefreshFailed,
    /// `ferrt`.
    RefreshReused,
    /// `slo`.
    Logout,
    /// `gd_start_auth`.
    MfaStarted,
    /// `gd_auth_succeed`.
    MfaOk,
    /// `scp`.
    PasswordChanged,
}

impl ObservedKind {
    /// Every kind, in the order of [`ObservedKind::code`].
    pub const ALL: [ObservedKind; 11] = [
        ObservedKind::Login,
        ObservedKind::SilentOk,
        ObservedKind::SilentFailed,
        ObservedKind::CodeExchange,
        ObservedKind::RefreshOk,
        ObservedKind::RefreshFailed,
        ObservedKind::RefreshReused,
        ObservedKind::Logout,
        ObservedKind::MfaStarted,
        ObservedKind::MfaOk,
        ObservedKind::PasswordChanged,
    ];

    /// Auth0's type code.
    pub fn code(self) -> &'static str {
        match self {
            ObservedKind::Login => "s",
            ObservedKind::SilentOk => "ssa",
            ObservedKind::SilentFailed => "fsa",
            ObservedKind::CodeExchange => "seacft",
            ObservedKind::RefreshOk => "sertft",
            ObservedKind::RefreshFailed => "fertft",
            ObservedKind::RefreshReused => "ferrt",
            ObservedKind::Logout => "slo",
            ObservedKind::MfaStarted => "gd_start_auth",
            ObservedKind::MfaOk => "gd_auth_succeed",
            ObservedKind::PasswordChanged => "scp",
        }
    }

    /// The kind of type code `code`, if the fit reads it.
    pub fn from_code(code: &str) -> Option<ObservedKind> {
        ObservedKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The kind of a simulated record.
    pub fn of(kind: crate::model::LogKind) -> ObservedKind {
        ObservedKind::from_code(kind.code()).unwrap_or(ObservedKind::Login)
    }

    /// True for the events a visit leaves at the AS.
    pub fn is_activity(self) -> bool {
        matches!(
            self,
            ObservedKind::Login
                | ObservedKind::SilentOk
                | ObservedKind::SilentFailed
                | ObservedKind::RefreshOk
                | ObservedKind::RefreshFailed
                | ObservedKind::RefreshReused
        )
    }
}

/// One usable event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation {
    /// User index (dense from 0).
    pub user: u32,
    /// Event type.
    pub kind: ObservedKind,
    /// Calendar time, ms since the epoch.
    pub time: u64,
    /// App index (`u16::MAX`: none).
    pub app: u16,
    /// Connection index (`u16::MAX`: none).
    pub connection: u16,
}

/// What the fit compares.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Users with at least one event.
    pub active_users: u64,
    /// Days observed.
    pub days: f64,
    /// Events by kind (order of [`ObservedKind::ALL`]).
    pub counts: [u64; 11],
    /// Activity events per active user and day.
    pub activity_rate: f64,
    /// Its standard error (over users).
    pub activity_rate_se: f64,
    /// Variance over mean of the per-user activity counts.
    pub dispersion: f64,
    /// Its bootstrap standard error (over users).
    pub dispersion_se: f64,
    /// Bootstrap covariance of the activity rate and the dispersion index.
    pub rate_dispersion_cov: f64,
    /// `slo` per `s`.
    pub logouts_per_login: f64,
    /// Its standard error (binomial).
    pub logouts_per_login_se: f64,
    /// Activity events by hour of day (UTC).
    pub hours: [u64; 24],
}

impl Stats {
    /// The statistics of `events` over `days` days (users numbered densely
    /// from 0; users without events do not count).
    pub fn of(events: &[Observation], days: f64) -> Stats {
        let users = events
            .iter()
            .map(|e| e.user as usize + 1)
            .max()
            .unwrap_or(0);
        let mut per_user = vec![0u64; users];
        let mut seen = vec![false; users];
        let mut counts = [0u64; 11];
        let mut hours = [0u64; 24];
        for e in events {
            counts[e.kind as usize] += 1;
            seen[e.user as usize] = true;
            if e.kind.is_activity() {
                per_user[e.user as usize] += 1;
                hours[(e.time / 3_600_000 % 24) as usize] += 1;
            }
        }
        let active: Vec<f64> = per_user
            .iter()
            .zip(&seen)
            .filter(|(_, s)| **s)
            .map(|(n, _)| *n as f64)
            .collect();
        let n = active.len() as f64;
        let (mean, var) = mean_var(&active);
        let dispersion = if mean > 0.0 { var / mean } else { 0.0 };
        let (dispersion_se, cov) = bootstrap(&active, days);
        let logins = counts[ObservedKind::Login as usize] as f64;
        let logouts = counts[ObservedKind::Logout as usize] as f64;
        let p = if logins > 0.0 { logouts / logins } else { 0.0 };
        Stats {
            active_users: active.len() as u64,
            days,
            counts,
            activity_rate: if n > 0.0 { mean / days } else { 0.0 },
            activity_rate_se: if n > 1.0 {
                (var / n).sqrt() / days
            } else {
                0.0
            },
            dispersion,
            dispersion_se,
            rate_dispersion_cov: cov,
            logouts_per_login: p,
            logouts_per_login_se: if logins > 0.0 {
                (p.max(1.0 / logins) * (1.0 - p).max(0.0) / logins).sqrt()
            } else {
                0.0
            },
            hours,
        }
    }

    /// Events of `kind`.
    pub fn count(&self, kind: ObservedKind) -> u64 {
        self.counts[kind as usize]
    }

    /// Share of the activity events in each hour.
    pub fn hour_shares(&self) -> [f64; 24] {
        let total: u64 = self.hours.iter().sum();
        let mut out = [0.0; 24];
        for (o, h) in out.iter_mut().zip(self.hours) {
            *o = if total > 0 {
                h as f64 / total as f64
            } else {
                1.0 / 24.0
            };
        }
        out
    }
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    if n < 2.0 {
        return (x.first().copied().unwrap_or(0.0), 0.0);
    }
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// Standard error of the dispersion index, and its covariance with the
/// activity rate, by 200 bootstrap resamples of the users (a fixed stream:
/// the same input gives the same figures).
fn bootstrap(x: &[f64], days: f64) -> (f64, f64) {
    if x.len() < 2 {
        return (0.0, 0.0);
    }
    let mut r = rng::stream(0, 0, 0, 0);
    let mut sample = vec![0.0; x.len()];
    let pairs: Vec<(f64, f64)> = (0..200)
        .map(|_| {
            for s in sample.iter_mut() {
                *s = x[((rng::unit(&mut r) * x.len() as f64) as usize).min(x.len() - 1)];
            }
            let (m, v) = mean_var(&sample);
            (m / days, if m > 0.0 { v / m } else { 0.0 })
        })
        .collect();
    let n = pairs.len() as f64;
    let (mr, md) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let var_d = pairs.iter().map(|p| (p.1 - md).powi(2)).sum::<f64>() / (n - 1.0);
    let cov = pairs.iter().map(|p| (p.0 - mr) * (p.1 - md)).sum::<f64>() / (n - 1.0);
    (var_d.sqrt(), cov)
}
