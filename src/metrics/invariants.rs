//! Invariants of a replica's metrics, checked at the end of every run (issue 9).
//!
//! Each is an identity or a bound that the model's counting rules (README,
//! "Modelling rules") imply, so a broken one means a bug in ssosim, never a
//! property of the scenario. [`crate::runner::run`] refuses to return results
//! when one breaks: a wrong CSV is never written silently. The checks cost a
//! few passes over the counters and the per-sample and per-second arrays, a
//! few milliseconds for a month of hourly samples: always on.
//!
//! # What is checked
//! - **Shape**: every array has the length the layout gives (so the checks
//!   below never index out of bounds, whatever the input).
//! - **Engine**: no event was scheduled in the past (virtual time never went
//!   back) and no session was used after its expiry ([`super::Anomalies`]).
//! - **Conservation**, per tier (`as`, `idp:*`, `app:*`):
//!   `sessions_alive_at_warmup_end` + `sessions_created` = the six
//!   `sessions_ended_*` causes + `sessions_alive_at_end`; a password
//!   reset ends AS sessions only; a cause whose event never happened (browser
//!   close, cookie clear, password reset) ended nothing; logins create sessions
//!   (`as` ≤ interactive logins, `idp:*` ≤ IdP prompts, `app:*` ≤ token requests).
//! - **Login paths**, per app: `protected_visits` = `local_session_hits` +
//!   `sso_logins` + `protected_silent_logins` + `refresh_token_logins` +
//!   `interactive_logins` + `logins_abandoned`; `interactive_logins` =
//!   `first_logins` + `reauthentications`; `first_logins` ≤ the devices of
//!   the app's users (devices − users + the app's `users`: a first login is
//!   per device), the app's `users` ≤ all users; the subsets (`silent_auth_before_first_login` ≤
//!   `silent_auth_login_required`, `protected_silent_logins` ≤
//!   `silent_auth_successes`, reuse ≤ refresh failures ≤ exchanges, logins by
//!   refresh token ≤ granted exchanges, back-channel logouts ≤ local sessions
//!   ended by logout, logouts ≤ protected visits ≤ visits); every login and
//!   silent attempt went through `/authorize`.
//! - **MFA**: off, no prompt and no skip; on, each interactive login either
//!   skipped MFA (remembered browser) or answered a prompt, and a prompt not
//!   answered belongs to an abandoned login: `skipped ≤ interactive ≤ prompts +
//!   skipped ≤ interactive + abandoned`.
//! - **Time series**: valid and orphaned sessions and logged-in users never
//!   negative, valid sessions and logged-in users never above the users;
//!   cumulative counters never decrease and end at most at their totals —
//!   exactly at them, and valid sessions at `sessions_alive_at_end`, when the
//!   run length is a whole number of sample periods (the last sample is then
//!   the end of the run).
//! - **AS load**: the per-second `/authorize` (top-level and iframe) and
//!   `/oauth/token` (both grants) counts add up to the `authorize_requests`
//!   and `token_requests` totals (every event
//!   happens before the end of the run, so in a counted second).
//! - **Login flows** (`logins.csv`): no more flows of a kind than logins of
//!   that kind (a login cut before its page is served has no flow).
//! - **Causes**: per app, `interactive_logins_by_*`, `mfa_prompts_by_*` and
//!   `silent_auth_failures_by_*` sum exactly to `interactive_logins`,
//!   `mfa_prompts` and `silent_auth_login_required`; per IdP,
//!   `idp_prompts_by_*` to `idp_prompts`; `*_by_first_login` interactive
//!   logins are the `first_logins`.

use super::{AppCounter, GlobalCounter, IdpCounter, Layout, LoginKind, Metrics, SeriesCounter};
use super::{Endpoint, Family, Series, TierCounter};
use crate::scenario::Scenario;
use std::fmt;

/// What the checks need to know beyond the metrics: MFA, and scope names for
/// the messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// MFA is on at the authorization server (at some time of the run).
    pub mfa: bool,
    /// The scenario has a `revoke_sessions` event.
    pub revocations: bool,
    /// The scenario has an `outage` event.
    pub outages: bool,
    /// App names, in scenario order.
    pub apps: Vec<String>,
    /// Identity provider names, in scenario order.
    pub idps: Vec<String>,
}

impl Facts {
    /// The facts of a validated scenario.
    pub fn of(s: &Scenario) -> Self {
        use crate::scenario::TenantEventKind as K;
        let has = |f: &dyn Fn(&K) -> bool| s.events.iter().any(|e| f(&e.kind));
        Facts {
            mfa: s.authorization_server.mfa
                || has(&|k| matches!(k, K::Set { then, .. } if then.authorization_server.mfa)),
            revocations: has(&|k| matches!(k, K::RevokeSessions { .. })),
            outages: has(&|k| matches!(k, K::Outage { .. })),
            apps: s.apps.iter().map(|a| a.name.clone()).collect(),
            idps: s
                .identity_providers
                .iter()
                .map(|i| i.name.clone())
                .collect(),
        }
    }

    fn app(&self, a: usize) -> String {
        match self.apps.get(a) {
            Some(name) => format!("app:{name}"),
            None => format!("app:#{a}"),
        }
    }

    fn tier(&self, layout: &Layout, tier: usize) -> String {
        if tier == Layout::AS_TIER {
            "as".to_string()
        } else if tier <= layout.idps {
            match self.idps.get(tier - 1) {
                Some(name) => format!("idp:{name}"),
                None => format!("idp:#{}", tier - 1),
            }
        } else {
            self.app(tier - 1 - layout.idps)
        }
    }
}

/// One broken invariant: the scope it is about and what does not hold, with
/// the numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// `all`, `as`, `idp:<name>` or `app:<name>`.
    pub scope: String,
    /// The invariant and the values that break it.
    pub message: String,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.scope, self.message)
    }
}

/// Broken invariants of one replica: a bug in ssosim; the run's results are
/// not returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "replica {replica}: {} invariant{} broken, so the results are wrong and were not written (a bug in ssosim; please report it with the scenario):{}",
    broken.len(),
    if broken.len() == 1 { "" } else { "s" },
    broken.iter().map(|b| format!("\n  {b}")).collect::<String>()
)]
pub struct InvariantError {
    /// The replica whose metrics break them.
    pub replica: u32,
    /// Every broken invariant, never empty.
    pub broken: Vec<Broken>,
}

/// Checks every invariant of one replica's metrics (see the module docs) and
/// returns those that break, in a fixed order; empty when all hold. Never
/// panics, whatever the metrics hold.
pub fn check(m: &Metrics, facts: &Facts) -> Vec<Broken> {
    let mut c = Checker {
        m,
        facts,
        broken: Vec::new(),
    };
    if c.shape() {
        c.engine();
        c.tiers();
        c.apps();
        c.series();
        c.load();
        c.logins();
        c.causes();
    }
    c.broken
}

/// [`check`], as a `Result` naming the replica.
///
/// # Errors
/// An [`InvariantError`] listing every broken invariant.
pub fn verify(m: &Metrics, facts: &Facts, replica: u32) -> Result<(), InvariantError> {
    let broken = check(m, facts);
    if broken.is_empty() {
        Ok(())
    } else {
        Err(InvariantError { replica, broken })
    }
}

struct Checker<'a> {
    m: &'a Metrics,
    facts: &'a Facts,
    broken: Vec<Broken>,
}

impl Checker<'_> {
    fn fail(&mut self, scope: String, message: String) {
        self.broken.push(Broken { scope, message });
    }

    fn layout(&self) -> Layout {
        self.m.layout
    }

    fn app(&self, a: usize, c: AppCounter) -> u64 {
        self.m
            .app
            .get(a * AppCounter::COUNT + c as usize)
            .copied()
            .unwrap_or(0)
    }

    fn tier(&self, t: usize, c: TierCounter) -> u64 {
        self.m
            .tier
            .get(t * TierCounter::COUNT + c as usize)
            .copied()
            .unwrap_or(0)
    }

    fn global(&self, c: GlobalCounter) -> u64 {
        self.m.global.get(c as usize).copied().unwrap_or(0)
    }

    fn idp(&self, i: usize, c: IdpCounter) -> u64 {
        self.m
            .idp
            .get(i * IdpCounter::COUNT + c as usize)
            .copied()
            .unwrap_or(0)
    }

    fn app_total(&self, c: AppCounter) -> u128 {
        (0..self.layout().apps)
            .map(|a| u128::from(self.app(a, c)))
            .sum()
    }

    /// `a ≤ b`, reported with both names and values.
    fn at_most(&mut self, scope: &str, a: (&str, u128), b: (&str, u128)) {
        if a.1 > b.1 {
            self.fail(
                scope.to_string(),
                format!("{} ({}) is above {} ({})", a.0, a.1, b.0, b.1),
            );
        }
    }

    /// Every array has the length of the layout; otherwise nothing else is
    /// checked (indexes would not mean what they should).
    fn shape(&mut self) -> bool {
        let l = self.layout();
        let samples = (l.sample_every > 0).then(|| l.samples());
        let (sessions, logged_in, counters) = self.m.series.raw();
        let expected = [
            (
                "global counters",
                self.m.global.len(),
                Some(GlobalCounter::COUNT),
            ),
            (
                "app counters",
                self.m.app.len(),
                Some(l.apps * AppCounter::COUNT),
            ),
            (
                "idp counters",
                self.m.idp.len(),
                Some(l.idps * IdpCounter::COUNT),
            ),
            (
                "tier counters",
                self.m.tier.len(),
                Some(l.tiers() * TierCounter::COUNT),
            ),
            ("facts: apps", self.facts.apps.len(), Some(l.apps)),
            (
                "facts: identity providers",
                self.facts.idps.len(),
                Some(l.idps),
            ),
            (
                "per-second load seconds",
                self.m.load.seconds(),
                Some(l.seconds()),
            ),
            (
                "session series",
                sessions.len(),
                samples.map(|s| 2 * l.tiers() * s),
            ),
            ("logged-in series", logged_in.len(), samples),
            (
                "causes",
                self.m.causes.raw().len(),
                Some((l.apps * Family::PER_APP.len() + l.idps) * super::Cause::COUNT),
            ),
            (
                "counter series",
                counters.len(),
                samples.map(|s| l.apps * SeriesCounter::COUNT * s),
            ),
        ];
        let mut ok = true;
        for (what, found, want) in expected {
            if Some(found) != want {
                ok = false;
                let want = want.map_or("none (sample_every is 0)".to_string(), |w| w.to_string());
                self.fail(
                    "all".to_string(),
                    format!("{what}: {found} values where the layout gives {want}"),
                );
            }
        }
        ok
    }

    fn engine(&mut self) {
        let a = self.m.anomalies;
        if a.late_events > 0 {
            self.fail(
                "all".to_string(),
                format!(
                    "virtual time would have gone back: {} events scheduled in the past",
                    a.late_events
                ),
            );
        }
        if a.expired_session_uses > 0 {
            self.fail(
                "all".to_string(),
                format!(
                    "{} uses of a session after its expiry",
                    a.expired_session_uses
                ),
            );
        }
    }

    fn tiers(&mut self) {
        let l = self.layout();
        let events = [
            (GlobalCounter::BrowserCloses, TierCounter::EndedBrowserClose),
            (
                GlobalCounter::CookieClears,
                TierCounter::EndedCookiesCleared,
            ),
            (
                GlobalCounter::PasswordResets,
                TierCounter::EndedPasswordReset,
            ),
        ];
        for t in 0..l.tiers() {
            let scope = self.facts.tier(&l, t);
            let created = u128::from(self.tier(t, TierCounter::SessionsCreated));
            let before = u128::from(self.tier(t, TierCounter::AliveAtWarmupEnd));
            let outcomes: Vec<TierCounter> = TierCounter::ENDINGS
                .into_iter()
                .chain([TierCounter::AliveAtEnd])
                .collect();
            let accounted: u128 = outcomes.iter().map(|&c| u128::from(self.tier(t, c))).sum();
            if before + created != accounted {
                let parts: Vec<String> = outcomes
                    .iter()
                    .map(|&c| format!("{} {}", c.name(), self.tier(t, c)))
                    .collect();
                self.fail(
                    scope.clone(),
                    format!(
                        "sessions_alive_at_warmup_end ({before}) + sessions_created ({created}) is not the sum of the ended and alive sessions ({accounted}: {})",
                        parts.join(", ")
                    ),
                );
            }
            let revoked = self.tier(t, TierCounter::EndedRevoked);
            if !self.facts.revocations && revoked > 0 {
                self.fail(
                    scope.clone(),
                    format!("sessions_ended_revoked is {revoked}, but the scenario has no revoke_sessions event"),
                );
            }
            let resets = self.tier(t, TierCounter::EndedPasswordReset);
            if t != Layout::AS_TIER && resets > 0 {
                self.fail(
                    scope.clone(),
                    format!("sessions_ended_password_reset is {resets}, but a password reset ends AS sessions only"),
                );
            }
            for (event, cause) in events {
                let ended = self.tier(t, cause);
                if self.global(event) == 0 && ended > 0 {
                    self.fail(
                        scope.clone(),
                        format!(
                            "{} is {ended}, but there was no {}",
                            cause.name(),
                            event.name()
                        ),
                    );
                }
            }
            let (source, bound) = if t == Layout::AS_TIER {
                (
                    "interactive_logins",
                    self.app_total(AppCounter::InteractiveLogins),
                )
            } else if t <= l.idps {
                (
                    "idp_prompts",
                    u128::from(self.idp(t - 1, IdpCounter::IdpPrompts)),
                )
            } else {
                let a = t - 1 - l.idps;
                (
                    "token_requests",
                    u128::from(self.app(a, AppCounter::TokenRequests)),
                )
            };
            self.at_most(&scope, ("sessions_created", created), (source, bound));
        }
    }

    fn apps(&mut self) {
        use AppCounter as C;
        let users = u128::from(self.global(GlobalCounter::Users));
        let devices = u128::from(self.global(GlobalCounter::Devices));
        for a in 0..self.layout().apps {
            let scope = self.facts.app(a);
            let m = self.m;
            let v = |c: C| u128::from(m.app.get(a * C::COUNT + c as usize).copied().unwrap_or(0));
            let local_logouts =
                u128::from(self.tier(self.layout().app_tier(a), TierCounter::EndedLogout));
            let protected = v(C::ProtectedVisits);
            let paths = [
                C::LocalSessionHits,
                C::SsoLogins,
                C::ProtectedSilentLogins,
                C::RefreshTokenLogins,
                C::InteractiveLogins,
                C::LoginsAbandoned,
                C::LoginsFailedOutage,
            ];
            let decided: u128 = paths.iter().map(|&c| v(c)).sum();
            if protected != decided {
                let parts: Vec<String> = paths
                    .iter()
                    .map(|&c| format!("{} {}", c.name(), v(c)))
                    .collect();
                self.fail(
                    scope.clone(),
                    format!(
                        "protected_visits ({protected}) is not the sum of the ways they were decided ({decided}: {})",
                        parts.join(", ")
                    ),
                );
            }
            let interactive = v(C::InteractiveLogins);
            let split = v(C::FirstLogins) + v(C::Reauthentications);
            if interactive != split {
                self.fail(
                    scope.clone(),
                    format!(
                        "interactive_logins ({interactive}) is not first_logins + reauthentications ({split})"
                    ),
                );
            }
            let n = |c: C| (c.name(), v(c));
            // A first login is per device, and a user who never visited the
            // app brought at least one device that did not log in to it.
            let app_devices = (
                "devices of the app's users (devices − users + the app's users)",
                (devices + v(C::Users)).saturating_sub(users),
            );
            let bounds = [
                (n(C::FirstLogins), app_devices),
                (n(C::Users), ("all users", users)),
                (n(C::Users), n(C::Visits)),
                (n(C::ProtectedVisits), n(C::Visits)),
                (n(C::LoginsFailedOutage), n(C::VisitsFailedOutage)),
                (n(C::VisitsFailedOutage), n(C::Visits)),
                (n(C::Logouts), n(C::ProtectedVisits)),
                (
                    n(C::SilentAuthBeforeFirstLogin),
                    n(C::SilentAuthLoginRequired),
                ),
                (n(C::ProtectedSilentLogins), n(C::SilentAuthSuccesses)),
                (n(C::RefreshTokenReuseDetected), n(C::RefreshTokenFailures)),
                (n(C::RefreshTokenFailures), n(C::RefreshTokenExchanges)),
                (
                    n(C::RefreshTokenLogins),
                    (
                        "granted refresh_token_exchanges",
                        v(C::RefreshTokenExchanges).saturating_sub(v(C::RefreshTokenFailures)),
                    ),
                ),
                (n(C::RefreshTokenExchanges), n(C::TokenRequests)),
                (
                    (
                        "sso_logins + interactive_logins + silent attempts",
                        v(C::SsoLogins)
                            + interactive
                            + v(C::SilentAuthSuccesses)
                            + v(C::SilentAuthLoginRequired),
                    ),
                    n(C::AuthorizeRequests),
                ),
                (
                    n(C::BackchannelLogouts),
                    ("local sessions_ended_logout", local_logouts),
                ),
            ];
            for (x, y) in bounds {
                self.at_most(&scope, x, y);
            }
            let failed = v(C::VisitsFailedOutage);
            if !self.facts.outages && failed > 0 {
                self.fail(
                    scope.clone(),
                    format!(
                        "visits_failed_outage is {failed}, but the scenario has no outage event"
                    ),
                );
            }
            let (prompts, skipped) = (v(C::MfaPrompts), v(C::MfaSkippedRememberedBrowser));
            if !self.facts.mfa {
                if prompts + skipped > 0 {
                    self.fail(
                        scope.clone(),
                        format!("MFA is off, yet mfa_prompts is {prompts} and mfa_skipped_remembered_browser {skipped}"),
                    );
                }
            } else {
                let answered = (
                    "mfa_prompts + mfa_skipped_remembered_browser",
                    prompts + skipped,
                );
                self.at_most(
                    &scope,
                    n(C::MfaSkippedRememberedBrowser),
                    n(C::InteractiveLogins),
                );
                self.at_most(&scope, n(C::InteractiveLogins), answered);
                self.at_most(
                    &scope,
                    answered,
                    (
                        "interactive_logins + logins_abandoned",
                        interactive + v(C::LoginsAbandoned),
                    ),
                );
            }
        }
        // A first login is per browser: at most one per device.
        let devices = u128::from(self.global(GlobalCounter::Devices));
        let first = ("first_logins over all apps", self.app_total(C::FirstLogins));
        self.at_most("all", first, ("devices", devices));
    }

    fn series(&mut self) {
        let l = self.layout();
        let samples = l.samples();
        let users = i128::from(self.global(GlobalCounter::Users));
        // A browser reaches at most one session per tier.
        let devices = i128::from(self.global(GlobalCounter::Devices));
        let at_end = l.end().is_multiple_of(l.sample_every);
        let (sessions, logged_in, counters) = self.m.series.raw();
        for kind in [Series::VALID, Series::ORPHANED] {
            let what = if kind == Series::VALID {
                "valid"
            } else {
                "orphaned"
            };
            for t in 0..l.tiers() {
                let base = (kind * l.tiers() + t) * samples;
                let values = prefix(sessions.get(base..base + samples).unwrap_or_default());
                let scope = self.facts.tier(&l, t);
                if let Some((k, x)) = first_where(&values, |x| x < 0) {
                    self.fail(scope.clone(), format!("{x} {what} sessions at sample {k}"));
                }
                if kind == Series::VALID {
                    if let Some((k, x)) = first_where(&values, |x| x > devices) {
                        self.fail(
                            scope.clone(),
                            format!(
                                "{x} valid sessions at sample {k}, more than the {devices} devices"
                            ),
                        );
                    }
                    let alive = i128::from(self.tier(t, TierCounter::AliveAtEnd));
                    match values.last() {
                        Some(&last) if at_end && last != alive => self.fail(
                            scope,
                            format!(
                                "{last} valid sessions at the last sample (the end of the run), but sessions_alive_at_end is {alive}"
                            ),
                        ),
                        _ => {}
                    }
                }
            }
        }
        let logged = prefix(logged_in);
        if let Some((k, x)) = first_where(&logged, |x| x < 0 || x > users) {
            self.fail(
                "all".to_string(),
                format!("{x} logged-in users at sample {k}, outside 0 to {users}"),
            );
        }
        for a in 0..l.apps {
            let scope = self.facts.app(a);
            for s in SeriesCounter::ALL {
                let base = (a * SeriesCounter::COUNT + s as usize) * samples;
                let values = prefix(counters.get(base..base + samples).unwrap_or_default());
                let falls = values.windows(2).position(|w| w[1] < w[0]);
                let negative = values.first().is_some_and(|&x| x < 0);
                if let Some(k) = falls.map(|k| k + 1).or(negative.then_some(0)) {
                    self.fail(
                        scope.clone(),
                        format!("cumulative {} decreases at sample {k}", s.name()),
                    );
                }
                let total = i128::from(self.app(a, s.counter()));
                let last = values.last().copied().unwrap_or(0);
                if last > total || (at_end && last != total) {
                    self.fail(
                        scope.clone(),
                        format!(
                            "cumulative {} ends at {last}, but its total is {total}{}",
                            s.name(),
                            if at_end {
                                " (the last sample is the end of the run)"
                            } else {
                                ""
                            }
                        ),
                    );
                }
            }
        }
    }

    fn load(&mut self) {
        let checks = [
            (
                "authorize_requests",
                [Endpoint::Authorize, Endpoint::AuthorizeIframe],
                AppCounter::AuthorizeRequests,
            ),
            (
                "token_requests",
                [Endpoint::TokenCode, Endpoint::TokenRefresh],
                AppCounter::TokenRequests,
            ),
        ];
        for (name, endpoints, counter) in checks {
            let seconds: u128 = endpoints
                .iter()
                .map(|&e| u128::from(self.m.load.endpoint(e).recorded()))
                .sum();
            let total = self.app_total(counter);
            if seconds != total {
                self.fail(
                    "as".to_string(),
                    format!("per-second {name} add up to {seconds}, but the total is {total}"),
                );
            }
        }
    }

    fn logins(&mut self) {
        use AppCounter as C;
        let count = |kind: LoginKind| -> u128 {
            self.m
                .logins
                .rows()
                .filter(|r| r.0 == kind)
                .map(|r| u128::from(r.3))
                .sum()
        };
        let granted = self
            .app_total(C::RefreshTokenExchanges)
            .saturating_sub(self.app_total(C::RefreshTokenFailures));
        let bounds = [
            (
                LoginKind::Interactive,
                C::InteractiveLogins.name(),
                self.app_total(C::InteractiveLogins),
            ),
            (
                LoginKind::Sso,
                C::SsoLogins.name(),
                self.app_total(C::SsoLogins),
            ),
            (
                LoginKind::Silent,
                C::SilentAuthSuccesses.name(),
                self.app_total(C::SilentAuthSuccesses),
            ),
            (
                LoginKind::RefreshToken,
                "granted refresh_token_exchanges",
                granted,
            ),
        ];
        for (kind, name, bound) in bounds {
            let flows = count(kind);
            if flows > bound {
                self.fail(
                    "all".to_string(),
                    format!(
                        "{flows} {} login flows in logins.csv, more than {name} ({bound})",
                        kind.name()
                    ),
                );
            }
        }
    }
}

impl Checker<'_> {
    /// Every prompt and failed silent authentication has exactly one cause.
    fn causes(&mut self) {
        use AppCounter as C;
        let m = self.m;
        let families = [
            (Family::InteractiveLogins, C::InteractiveLogins),
            (Family::MfaPrompts, C::MfaPrompts),
            (Family::SilentAuthFailures, C::SilentAuthLoginRequired),
        ];
        for a in 0..self.layout().apps {
            for (family, total) in families {
                let by: u64 = family.causes().map(|c| m.causes.get(family, a, c)).sum();
                let total = self.app(a, total);
                if by != total {
                    self.fail(
                        self.facts.app(a),
                        format!(
                            "{}_by_* add up to {by}, but {} is {total}",
                            family.prefix(),
                            family.total_name()
                        ),
                    );
                }
            }
            let first = m
                .causes
                .get(Family::InteractiveLogins, a, super::Cause::FirstLogin);
            let firsts = self.app(a, C::FirstLogins);
            if first != firsts {
                self.fail(
                    self.facts.app(a),
                    format!(
                        "interactive_logins_by_first_login is {first}, but first_logins is {firsts}"
                    ),
                );
            }
        }
        for i in 0..self.layout().idps {
            let family = Family::IdpPrompts;
            let by: u64 = family.causes().map(|c| m.causes.get(family, i, c)).sum();
            let total = self.idp(i, IdpCounter::IdpPrompts);
            if by != total {
                let l = self.layout();
                self.fail(
                    self.facts.tier(&l, l.idp_tier(i)),
                    format!("idp_prompts_by_* add up to {by}, but idp_prompts is {total}"),
                );
            }
        }
    }
}

/// Prefix sums of a difference array, in `i128` (no overflow on any input).
fn prefix(diffs: &[i64]) -> Vec<i128> {
    diffs
        .iter()
        .scan(0i128, |acc, &d| {
            *acc += i128::from(d);
            Some(*acc)
        })
        .collect()
}

/// The first sample whose value satisfies `bad`, with the value.
fn first_where(values: &[i128], bad: impl Fn(i128) -> bool) -> Option<(usize, i128)> {
    values.iter().copied().enumerate().find(|&(_, x)| bad(x))
}

#[cfg(test)]
mod tests;
