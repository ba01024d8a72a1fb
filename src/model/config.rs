//! The scenario compiled into what the hot path reads: rates per millisecond,
//! one session policy per tier, cumulative shares for draws.

use crate::metrics::Layout;
use crate::scenario::{AppKind, Connection, Scenario, SessionPolicy};
use crate::time::{DAY, YEAR};

/// One app as the model sees it.
#[derive(Debug, Clone)]
pub struct AppModel {
    /// Display name (trace only).
    pub name: String,
    /// Grant type and local-session behaviour.
    pub kind: AppKind,
    /// Access-token lifetime (`spa_implicit`).
    pub token_lifetime: u64,
}

/// Everything a user timeline needs, precomputed once per scenario.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    /// Metric shape.
    pub layout: Layout,
    /// Run length, ms.
    pub duration: u64,
    /// Root seed.
    pub seed: u64,
    /// One-way latency of every hop, ms.
    pub latency: u64,
    /// Time to complete one prompt, ms.
    pub think: u64,
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
    /// Share of browsers blocking third-party cookies.
    pub third_party_blocked: f64,
    /// MFA at each interactive login.
    pub mfa: bool,
    /// Session policy per tier (AS, IdPs, apps; see [`Layout`]).
    pub policies: Vec<SessionPolicy>,
    /// Apps in scenario order.
    pub apps: Vec<AppModel>,
    /// IdP names in scenario order.
    pub idp_names: Vec<String>,
    /// Cumulative visit shares per app (last is 1).
    pub app_cumulative: Vec<f64>,
    /// Connections with cumulative shares (last is 1).
    pub connection_cumulative: Vec<(Connection, f64)>,
}

impl ModelConfig {
    /// Compiles a validated scenario.
    pub fn new(s: &Scenario) -> Self {
        let layout = Layout {
            apps: s.apps.len(),
            idps: s.identity_providers.len(),
            duration: s.simulation.duration,
            sample_every: s.simulation.sample_every,
        };
        let mut policies = vec![s.authorization_server.session];
        policies.extend(s.identity_providers.iter().map(|i| i.session));
        policies.extend(s.apps.iter().map(|a| a.local_session));
        ModelConfig {
            layout,
            duration: s.simulation.duration,
            seed: s.simulation.seed,
            latency: s.network.latency,
            think: s.users.login_think_time,
            visit_length: s.users.visit_length,
            visit_rate: s.users.visits_per_day / DAY as f64,
            close_rate: s.users.browser_closes_per_day / DAY as f64,
            reset_rate: s.users.password_resets_per_year / YEAR as f64,
            protected_share: s.users.protected_share,
            logout_share: s.users.logout_share,
            federated_logout_share: s.users.federated_logout_share,
            third_party_blocked: s.users.third_party_cookies_blocked,
            mfa: s.authorization_server.mfa,
            policies,
            apps: s
                .apps
                .iter()
                .map(|a| AppModel {
                    name: a.name.clone(),
                    kind: a.kind,
                    token_lifetime: a.token_lifetime,
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
        }
    }
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
pub fn pick(cumulative: impl IntoIterator<Item = f64>, u: f64) -> usize {
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
