//! The scenario compiled into what the hot path reads: rates per millisecond,
//! one session policy per tier, cumulative shares for draws.

use super::user::ThirdPartyCookies;
use crate::engine::rng::Z90;
use crate::metrics::Layout;
use crate::scenario::{
    AppKind, Connection, CookieKind, CookiePolicy, Delay, RateDistribution, RefreshTokenPolicy,
    Scenario, SessionPolicy, TenantEventKind, TokenCache,
};
use crate::time::{DAY, YEAR};

/// One app as the model sees it.
#[derive(Debug, Clone)]
pub struct AppModel {
    /// Display name (trace only).
    pub name: String,
    /// Grant type and local-session behaviour.
    pub kind: AppKind,
    /// Tokens of a `spa_implicit` app are renewed after this long: the shorter
    /// of the access- and ID-token lifetimes.
    pub token_lifetime: u64,
    /// Refresh tokens (`spa_implicit`, `native`); `enabled` false when off.
    pub refresh_tokens: RefreshTokenPolicy,
    /// Where a `spa_implicit` app keeps its tokens across page loads.
    pub token_cache: TokenCache,
    /// Life of the SDK's `auth0.is.authenticated` hint cookie, ms.
    pub session_check_expiry: u64,
}

/// One browser kind as the model sees it (`users.browsers`, or the legacy
/// cookie shares as three anonymous kinds).
#[derive(Debug, Clone, PartialEq)]
pub struct BrowserModel {
    /// Name (the `browser=<name>` segment, traces).
    pub name: String,
    /// Third-party cookie policy in the silent-authentication iframe.
    pub third_party: ThirdPartyCookies,
    /// Script-writable storage is deleted after this long without a visit to
    /// the site (Safari ITP), ms.
    pub storage_cap: Option<u64>,
    /// Longest life of a cookie set from JavaScript, ms.
    pub cookie_cap: Option<u64>,
}

/// A delay as the hot path draws it: `median` ms, times `e^(σZ)` when `σ > 0`
/// (log-normal with the scenario's median and 90th percentile).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DelayModel {
    /// Median, ms; every draw when `sigma` is 0.
    pub median: u64,
    /// Standard deviation of the logarithm: `ln(p90 / median) / Z90`.
    pub sigma: f64,
}

impl DelayModel {
    /// Compiles a scenario delay.
    pub fn new(d: Delay) -> Self {
        let sigma = if d.is_constant() {
            0.0
        } else {
            libm::log(d.p90 as f64 / d.median as f64) / Z90
        };
        DelayModel {
            median: d.median,
            sigma,
        }
    }
    /// True when every draw is 0 ms.
    pub fn is_zero(self) -> bool {
        self.median == 0 && self.sigma == 0.0
    }
}

/// Everything a user timeline needs, precomputed once per scenario.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    /// Metric shape.
    pub layout: Layout,
    /// End of simulated time, ms: warm-up plus measured window.
    pub end: u64,
    /// Warm-up, ms: user `u`'s timeline starts at a time drawn uniformly in
    /// `[0, warmup)`; metrics count from `warmup` on.
    pub warmup: u64,
    /// Root seed.
    pub seed: u64,
    /// One-way latency of every hop.
    pub latency: DelayModel,
    /// Time to complete one prompt.
    pub think: DelayModel,
    /// Time the AS takes to answer, per message it sends.
    pub as_processing: DelayModel,
    /// Per IdP: time it takes to answer, per message it sends.
    pub idp_processing: Vec<DelayModel>,
    /// Some server takes time to answer (skips the lookup when none does).
    pub processing: bool,
    /// The delay of every hop when nothing is drawn: a constant latency and
    /// no processing time.
    pub fixed_hop: Option<u64>,
    /// Hop chains run inline when nothing else of the user is due first
    /// (the fast path, on by default); off, every hop goes through the
    /// queue (the reference path, as traces run). Same results either way.
    pub inline_hops: bool,
    /// Dwell on a served page, ms.
    pub visit_length: u64,
    /// Visits per ms.
    pub visit_rate: f64,
    /// Browser closes per ms.
    pub close_rate: f64,
    /// Password resets per ms (password users only).
    pub reset_rate: f64,
    /// Share of visits to protected pages.
    pub protected_share: f64,
    /// Chance of logging out at the end of a protected visit.
    pub logout_share: f64,
    /// Share of logouts that are federated.
    pub federated_logout_share: f64,
    /// Share of logouts that end only the app's local session.
    pub app_only_logout_share: f64,
    /// Cookie-and-site-data clears per ms.
    pub clear_rate: f64,
    /// MFA at each interactive login.
    pub mfa: bool,
    /// How long a browser is remembered after MFA (0: never).
    pub mfa_remember: u64,
    /// The AS is on the apps' site: its cookie is first-party in iframes.
    pub custom_domain: bool,
    /// `/v2/logout` notifies apps holding a local session.
    pub backchannel_logout: bool,
    /// Visit intensity per hour of the day, divided by its mean (empty: flat).
    pub daily_profile: Vec<f64>,
    /// Largest of `daily_profile` (1 when flat).
    pub daily_peak: f64,
    /// How per-user visit rates vary.
    pub visit_rate_distribution: RateDistribution,
    /// Visits per day at the 25, 50 and 75 % points of the gamma rate
    /// distribution (activity quartiles of `segments.csv`); empty when rates are constant.
    pub activity_quartiles: Vec<f64>,
    /// Session policy per tier (AS, IdPs, apps; see [`Layout`]).
    pub policies: Vec<SessionPolicy>,
    /// The tiers whose session cookie the browser holds, so that a cookie
    /// clear reaches them: all but native apps, whose sessions live in the
    /// app.
    pub browser_tiers: Vec<usize>,
    /// Of `browser_tiers`, those whose cookie is session-only
    /// (`non_persistent`): a browser close drops it. Listed once here so
    /// that a close looks only at them (issue 20).
    pub session_cookie_tiers: Vec<usize>,
    /// Apps in scenario order.
    pub apps: Vec<AppModel>,
    /// IdP names in scenario order.
    pub idp_names: Vec<String>,
    /// Cumulative visit shares per app (last is 1).
    pub app_cumulative: Vec<f64>,
    /// Connections with cumulative shares (last is 1).
    pub connection_cumulative: Vec<(Connection, f64)>,
    /// Browser kinds: the mix of `users.browsers`, or without it the legacy
    /// kinds `blocked`, `partitioned`, `allowed` in that order (so the draw is
    /// the one the legacy shares always made).
    pub browsers: Vec<BrowserModel>,
    /// The order in which the draw walks `browsers`: kinds that block
    /// third-party cookies, then those that partition them, then those that
    /// allow them (scenario order within each), as the legacy shares did.
    pub browser_draw_order: Vec<usize>,
    /// Cumulative shares of `browsers` in draw order (last is 1).
    pub browser_cumulative: Vec<f64>,
    /// `users.browsers` is set: the `browser=<name>` segments exist.
    pub browser_mix: bool,
    /// Share of users browsing in a private window.
    pub private_share: f64,
    /// Devices per user with cumulative shares (last is 1).
    pub device_cumulative: Vec<(u32, f64)>,
    /// Tenant events (`[[events]]`), in scenario order, each user's timeline
    /// schedules them all.
    pub events: Vec<ModelEvent>,
    /// Some of `events` is a `set`: the configuration may change during a
    /// timeline.
    pub has_set_events: bool,
}

/// A tenant event as the timelines apply it.
#[derive(Debug, Clone)]
pub struct ModelEvent {
    /// Virtual time: the end of the warm-up plus the event's `at`.
    pub at: u64,
    /// What happens.
    pub kind: ModelEventKind,
}

/// What a tenant event does to a user timeline.
#[derive(Debug, Clone)]
pub enum ModelEventKind {
    /// Every AS session ends; `idp`, `apps`: IdP and local sessions too.
    RevokeSessions {
        /// IdP sessions end too.
        idp: bool,
        /// Apps' local sessions end too.
        apps: bool,
    },
    /// Every refresh-token family is revoked.
    RevokeRefreshTokens,
    /// The AS refuses every request until `until` (virtual time).
    Outage {
        /// End of the outage.
        until: u64,
    },
    /// The configuration in effect from the event on.
    Set(Box<ModelConfig>),
}

impl ModelConfig {
    /// Compiles a validated scenario.
    pub fn new(s: &Scenario) -> Self {
        let layout = Layout {
            apps: s.apps.len(),
            idps: s.identity_providers.len(),
            duration: s.simulation.duration,
            warmup: s.simulation.warmup,
            sample_every: s.simulation.sample_every,
            segments: super::segments::shape(
                s.identity_providers.len(),
                s.users.visit_rate,
                s.users.browsers.as_ref().map_or(0, Vec::len),
            ),
        };
        let mut policies = vec![s.authorization_server.session];
        policies.extend(s.identity_providers.iter().map(|i| i.session));
        policies.extend(s.apps.iter().map(|a| a.local_session));
        let processing = !s.authorization_server.processing_time.is_zero()
            || s.identity_providers
                .iter()
                .any(|i| !i.processing_time.is_zero());
        let mut browser_held = vec![true; 1 + s.identity_providers.len()];
        browser_held.extend(s.apps.iter().map(|a| a.kind != AppKind::Native));
        let browser_tiers: Vec<usize> = (0..policies.len()).filter(|&t| browser_held[t]).collect();
        let session_cookie_tiers = browser_tiers
            .iter()
            .copied()
            .filter(|&t| policies[t].cookie == CookieKind::NonPersistent)
            .collect();
        ModelConfig {
            layout,
            end: s.simulation.warmup.saturating_add(s.simulation.duration),
            warmup: s.simulation.warmup,
            seed: s.simulation.seed,
            latency: DelayModel::new(s.network.latency),
            think: DelayModel::new(s.users.login_think_time),
            as_processing: DelayModel::new(s.authorization_server.processing_time),
            idp_processing: s
                .identity_providers
                .iter()
                .map(|i| DelayModel::new(i.processing_time))
                .collect(),
            processing,
            fixed_hop: (s.network.latency.is_constant() && !processing)
                .then_some(s.network.latency.median),
            inline_hops: true,
            visit_length: s.users.visit_length,
            visit_rate: s.users.visits_per_day / DAY as f64,
            close_rate: s.users.browser_closes_per_day / DAY as f64,
            reset_rate: s.users.password_resets_per_year / YEAR as f64,
            protected_share: s.users.protected_share,
            logout_share: s.users.logout_share,
            federated_logout_share: s.users.federated_logout_share,
            app_only_logout_share: s.users.app_only_logout_share,
            clear_rate: s.users.cookie_clears_per_month / (30 * DAY) as f64,
            mfa: s.authorization_server.mfa,
            mfa_remember: s.authorization_server.mfa_remember_browser,
            custom_domain: s.authorization_server.custom_domain,
            backchannel_logout: s.authorization_server.backchannel_logout,
            daily_profile: normalised(&s.users.daily_profile),
            daily_peak: normalised(&s.users.daily_profile)
                .into_iter()
                .fold(1.0, f64::max),
            visit_rate_distribution: s.users.visit_rate,
            activity_quartiles: super::segments::quartile_thresholds(
                s.users.visit_rate,
                s.users.visits_per_day,
            ),
            policies,
            browser_tiers,
            session_cookie_tiers,
            apps: s
                .apps
                .iter()
                .map(|a| AppModel {
                    name: a.name.clone(),
                    kind: a.kind,
                    token_lifetime: a.token_lifetime.min(a.id_token_lifetime),
                    refresh_tokens: a.refresh_tokens,
                    token_cache: a.token_cache,
                    session_check_expiry: a.session_check_expiry,
                })
                .collect(),
            idp_names: s
                .identity_providers
                .iter()
                .map(|i| i.name.clone())
                .collect(),
            app_cumulative: cumulative(s.apps.iter().map(|a| a.visit_share)),
            connection_cumulative: {
                let c = cumulative(s.users.connections.iter().map(|c| c.1));
                s.users
                    .connections
                    .iter()
                    .zip(c)
                    .map(|(&(conn, _), p)| (conn, p))
                    .collect()
            },
            browser_draw_order: draw_order(&browser_mix(s)),
            browser_cumulative: {
                let mix = browser_mix(s);
                cumulative(draw_order(&mix).into_iter().map(|i| mix[i].1))
            },
            browsers: browser_mix(s).into_iter().map(|b| b.0).collect(),
            browser_mix: s.users.browsers.is_some(),
            private_share: s.users.private_browsing_share,
            device_cumulative: {
                let c = cumulative(s.users.devices.iter().map(|d| d.1));
                s.users
                    .devices
                    .iter()
                    .zip(c)
                    .map(|(d, p)| (d.0, p))
                    .collect()
            },
            events: s
                .events
                .iter()
                .map(|e| {
                    let at = s.simulation.warmup.saturating_add(e.at);
                    let kind = match &e.kind {
                        TenantEventKind::RevokeSessions { idp, apps } => {
                            ModelEventKind::RevokeSessions {
                                idp: *idp,
                                apps: *apps,
                            }
                        }
                        TenantEventKind::RevokeRefreshTokens => ModelEventKind::RevokeRefreshTokens,
                        TenantEventKind::Outage { duration } => ModelEventKind::Outage {
                            until: at.saturating_add(*duration),
                        },
                        TenantEventKind::Set { then, .. } => {
                            ModelEventKind::Set(Box::new(ModelConfig::new(then)))
                        }
                    };
                    ModelEvent { at, kind }
                })
                .collect(),
            has_set_events: s
                .events
                .iter()
                .any(|e| matches!(e.kind, TenantEventKind::Set { .. })),
        }
    }
}

/// Indices of `mix` in draw order: blocking kinds, partitioning kinds, then
/// the others, each in scenario order. With one kind per policy the draw is
/// then the legacy shares' draw (`u < blocked`, `u < blocked + partitioned`).
fn draw_order(mix: &[(BrowserModel, f64)]) -> Vec<usize> {
    let rank = |p: ThirdPartyCookies| match p {
        ThirdPartyCookies::Blocked => 0,
        ThirdPartyCookies::Partitioned => 1,
        ThirdPartyCookies::Allowed => 2,
    };
    let mut order: Vec<usize> = (0..mix.len()).collect();
    order.sort_by_key(|&i| rank(mix[i].0.third_party));
    order
}

/// The browser kinds with their shares: `users.browsers`, or the legacy
/// third-party cookie shares as three kinds without storage caps.
fn browser_mix(s: &Scenario) -> Vec<(BrowserModel, f64)> {
    let policy = |c: CookiePolicy| match c {
        CookiePolicy::Allowed => ThirdPartyCookies::Allowed,
        CookiePolicy::Blocked => ThirdPartyCookies::Blocked,
        CookiePolicy::Partitioned => ThirdPartyCookies::Partitioned,
    };
    match &s.users.browsers {
        Some(mix) => mix
            .iter()
            .map(|b| {
                let p = &b.profile;
                let model = BrowserModel {
                    name: p.name.clone(),
                    third_party: policy(p.third_party_cookies),
                    storage_cap: p.script_storage_cap,
                    cookie_cap: p.script_cookie_cap,
                };
                (model, b.share)
            })
            .collect(),
        None => {
            let blocked = s.users.third_party_cookies_blocked;
            let partitioned = s.users.third_party_cookies_partitioned;
            [
                (CookiePolicy::Blocked, blocked),
                (CookiePolicy::Partitioned, partitioned),
                (CookiePolicy::Allowed, 1.0 - blocked - partitioned),
            ]
            .into_iter()
            .map(|(c, share)| {
                let model = BrowserModel {
                    name: c.as_str().to_string(),
                    third_party: policy(c),
                    storage_cap: None,
                    cookie_cap: None,
                };
                (model, share)
            })
            .collect()
        }
    }
}

/// Hourly weights divided by their mean, so the mean rate is unchanged.
fn normalised(weights: &[f64]) -> Vec<f64> {
    let mean = weights.iter().sum::<f64>() / weights.len().max(1) as f64;
    weights.iter().map(|w| w / mean).collect()
}

/// Running sums of shares, the last forced to 1 so that a draw in [0, 1) always lands.
fn cumulative(shares: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    let mut out: Vec<f64> = shares
        .map(|p| {
            acc += p;
            acc
        })
        .collect();
    if let Some(last) = out.last_mut() {
        *last = 1.0;
    }
    out
}

/// Index of the first cumulative share above `u`.
#[inline]
pub(super) fn pick(cumulative: impl IntoIterator<Item = f64>, u: f64) -> usize {
    let mut last = 0;
    for (i, c) in cumulative.into_iter().enumerate() {
        last = i;
        if u < c {
            return i;
        }
    }
    last
}

impl ModelConfig {
    /// Scope name of a session tier: `as`, `idp:<name>` or `app:<name>`.
    pub fn tier_name(&self, tier: usize) -> String {
        let idps = self.idp_names.len();
        if tier == 0 {
            "as".to_string()
        } else if tier <= idps {
            format!("idp:{}", self.idp_names[tier - 1])
        } else {
            format!("app:{}", self.apps[tier - 1 - idps].name)
        }
    }

    /// Name of an actor in traces.
    pub fn actor_name(&self, a: super::Actor) -> String {
        match a {
            super::Actor::Browser => "browser".to_string(),
            super::Actor::As => "as".to_string(),
            super::Actor::App(i) => self.apps[i as usize].name.clone(),
            super::Actor::Idp(i) => self
                .idp_names
                .get(i as usize)
                .cloned()
                .unwrap_or_else(|| "idp".to_string()),
        }
    }
}
