//! The validated scenario: plain data the model reads, every value already checked.
//!
//! Field names follow the TOML keys of design §8; each field's doc gives its key,
//! its default and its meaning. Durations are milliseconds of virtual time.

/// A scenario that passed validation. Built only by [`crate::scenario::load`] and friends.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// `name`: the run folder's default name (`output/<name>/`). Default: the file stem.
    pub name: String,
    /// `[simulation]`.
    pub simulation: SimulationConfig,
    /// `[network]`.
    pub network: NetworkConfig,
    /// `[authorization_server]`.
    pub authorization_server: AuthServerConfig,
    /// `[identity_providers.<name>]`, sorted by name; the `idp:<name>` scopes.
    pub identity_providers: Vec<IdpConfig>,
    /// `[[apps]]`, in file order; at least one.
    pub apps: Vec<AppConfig>,
    /// `[users]`.
    pub users: UsersConfig,
    /// `[[events]]`: tenant events on the timeline, in file order (issue 17).
    pub events: Vec<super::TenantEvent>,
}

/// Default `simulation.start`: 2026-01-01T00:00:00Z, in ms since the Unix epoch.
pub const DEFAULT_START_MS: u64 = 1_767_225_600_000;

/// How a browser treats cookies of another site in a cross-site iframe
/// (`[browsers.<name>].third_party_cookies`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookiePolicy {
    /// `allowed`: sent in cross-site iframes.
    Allowed,
    /// `blocked`: never sent in cross-site iframes.
    Blocked,
    /// `partitioned`: kept in a jar per top-level site (Total Cookie
    /// Protection, CHIPS): the AS cookie of a top-level login is not the one
    /// the app's iframe sees.
    Partitioned,
}

impl CookiePolicy {
    /// The scenario spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CookiePolicy::Allowed => "allowed",
            CookiePolicy::Blocked => "blocked",
            CookiePolicy::Partitioned => "partitioned",
        }
    }
}

/// A browser kind: its name and the policies that decide SSO outcomes
/// (README, "Browsers as they are"). Built in: `chrome`, `edge`, `safari`,
/// `firefox`, `brave`; `[browsers.<name>]` defines others or overrides a
/// built-in's policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserProfile {
    /// The name (`[a-z0-9_-]+`), used in `users.browsers` and in the
    /// `browser=<name>` segment.
    pub name: String,
    /// `third_party_cookies`: `allowed`, `blocked` or `partitioned`.
    pub third_party_cookies: CookiePolicy,
    /// `script_storage_cap`: storage scripts wrote on a site (local storage,
    /// IndexedDB) is deleted when the site was not visited for this long
    /// (Safari ITP: 7 days). `None`: kept.
    pub script_storage_cap: Option<u64>,
    /// `script_cookie_cap`: longest life of a cookie set from JavaScript
    /// (Safari ITP: 7 days). `None`: as the script asked.
    pub script_cookie_cap: Option<u64>,
}

/// A share of users (devices) on one browser kind.
#[derive(Debug, Clone, PartialEq)]
pub struct BrowserShare {
    /// The browser kind.
    pub profile: BrowserProfile,
    /// Its share, in (0, 1]; the mix sums to 1.
    pub share: f64,
}

/// `[simulation]`: how big and how long a run is.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationConfig {
    /// `simulation.users`: number of simulated users (browsers), at least 1. Default 1000.
    pub users: u64,
    /// `simulation.duration`: virtual time measured, after the warm-up. Default `30d`.
    pub duration: u64,
    /// `simulation.warmup`: virtual time simulated before the measured
    /// window, counted in no metric, so that sessions and tokens reach their
    /// steady state (README, "Warm-up and steady state"). Default `0s`.
    pub warmup: u64,
    /// `simulation.seed`: root of every random stream. Default 42.
    pub seed: u64,
    /// `simulation.start`: the calendar instant (UTC ms since the Unix epoch)
    /// at which the measured window starts, i.e. the end of the warm-up; it
    /// dates log events (`--logs`) and nothing else. Default
    /// [`DEFAULT_START_MS`], 2026-01-01T00:00:00Z.
    pub start: u64,
    /// `simulation.sample_every`: time-series sampling period. Default `1h`.
    pub sample_every: u64,
    /// `simulation.replicas`: independent replicas (own streams each). Default 1.
    pub replicas: u32,
}

/// `[network]`.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkConfig {
    /// `network.latency`: one-way delay of every hop (request, response,
    /// redirect, back-channel call), drawn per hop. Default `40ms` (constant).
    pub latency: Delay,
}

/// A random delay in ms: a constant (`"40ms"`, `median == p90`), or
/// log-normal given by its median and 90th percentile
/// (`{ median = "8s", p90 = "30s" }`, `p90 > median > 0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delay {
    /// Median, ms (the value itself for a constant).
    pub median: u64,
    /// 90th percentile, ms, at least the median (equal for a constant).
    pub p90: u64,
}

impl Delay {
    /// The same delay every time.
    pub const fn constant(ms: u64) -> Self {
        Delay {
            median: ms,
            p90: ms,
        }
    }
    /// True when every draw is the median.
    pub fn is_constant(self) -> bool {
        self.median == self.p90
    }
    /// True when every draw is 0 ms.
    pub fn is_zero(self) -> bool {
        self.p90 == 0
    }
}

impl std::fmt::Display for Delay {
    /// `40ms` for a constant, `log-normal, median 8s, p90 30s` otherwise.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::time::Dur;
        if self.is_constant() {
            write!(f, "{}", Dur(self.median))
        } else {
            write!(
                f,
                "log-normal, median {}, p90 {}",
                Dur(self.median),
                Dur(self.p90)
            )
        }
    }
}

/// Auth0 plans and their session lifetime limits (design §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// `self_service`: idle ≤ 3 days, absolute ≤ 30 days.
    SelfService,
    /// `enterprise`: idle ≤ 100 days, absolute ≤ 365 days.
    Enterprise,
}

impl Plan {
    /// The scenario spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::SelfService => "self_service",
            Plan::Enterprise => "enterprise",
        }
    }
    /// Largest idle timeout the plan allows, in ms.
    pub fn idle_limit(self) -> u64 {
        match self {
            Plan::SelfService => 3 * crate::time::DAY,
            Plan::Enterprise => 100 * crate::time::DAY,
        }
    }
    /// Largest absolute timeout the plan allows, in ms.
    pub fn absolute_limit(self) -> u64 {
        match self {
            Plan::SelfService => 30 * crate::time::DAY,
            Plan::Enterprise => 365 * crate::time::DAY,
        }
    }
}

/// How a session cookie is stored by the browser (design §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieKind {
    /// `persistent`: has an Expires in the future, survives the browser closing.
    Persistent,
    /// `non_persistent`: `Expires=0`, dropped when the browser closes.
    NonPersistent,
}

impl CookieKind {
    /// The scenario spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CookieKind::Persistent => "persistent",
            CookieKind::NonPersistent => "non_persistent",
        }
    }
}

/// Idle and absolute timeouts of one tier's sessions, with their cookie kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Longest inactivity before the session expires, in ms.
    pub idle_timeout: u64,
    /// Longest life from `created`, whatever the activity, in ms.
    pub absolute_timeout: u64,
    /// How the browser keeps the session cookie.
    pub cookie: CookieKind,
}

/// `[authorization_server]`: the Auth0 tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthServerConfig {
    /// `authorization_server.plan`: `self_service` (default) or `enterprise`.
    pub plan: Plan,
    /// `cookie` (default `persistent`), `idle_timeout` (default `3d`),
    /// `absolute_timeout` (default `30d`), within the plan's limits.
    pub session: SessionPolicy,
    /// `authorization_server.mfa`: ask for MFA at each interactive login. Default false.
    pub mfa: bool,
    /// `authorization_server.mfa_remember_browser`: after an MFA prompt, the browser
    /// keeps a persistent cookie that skips MFA for this long (Guardian's "remember
    /// this browser"), independent of any session. Default `0s`: off.
    pub mfa_remember_browser: u64,
    /// `authorization_server.custom_domain`: the tenant is served on a custom domain
    /// on the apps' site, so its cookie is first-party in the silent-authentication
    /// iframe and third-party cookie policies do not apply. Default false.
    pub custom_domain: bool,
    /// `authorization_server.backchannel_logout`: `/v2/logout` notifies every app
    /// holding a local session of the user (OIDC Back-Channel Logout), which ends it.
    /// Default false.
    pub backchannel_logout: bool,
    /// `authorization_server.processing_time`: time the AS takes to answer each
    /// request, drawn per request, added to the latency of its answer. Default
    /// `0ms` (folded into `network.latency`).
    pub processing_time: Delay,
    /// `[authorization_server.rate_limits]`: token buckets on the AS's load,
    /// evaluated on the run's per-second counts (issue 17). Default: none.
    pub rate_limits: super::rate_limits::RateLimits,
}

/// `[identity_providers.<name>]`: a social or enterprise identity provider.
#[derive(Debug, Clone, PartialEq)]
pub struct IdpConfig {
    /// The table name, used in `connections` and in the `idp:<name>` scope.
    pub name: String,
    /// `idle_timeout` (default `60d`), `absolute_timeout` (default `90d`),
    /// `cookie` (default `persistent`).
    pub session: SessionPolicy,
    /// `processing_time`: time the IdP takes to answer each request, drawn per
    /// request, added to the latency of its answer. Default `0ms`.
    pub processing_time: Delay,
}

/// The four application kinds of design §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppKind {
    /// `regular_web`: server-side web app, authorization code grant, local session.
    RegularWeb,
    /// `spa_backend`: SPA with a light backend, authorization code grant, local session.
    SpaBackend,
    /// `native`: native app, authorization code grant, local session.
    Native,
    /// `spa_implicit`: SPA without backend, implicit grant, no local session;
    /// silent authentication on every load.
    SpaImplicit,
}

impl AppKind {
    /// The scenario spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AppKind::RegularWeb => "regular_web",
            AppKind::SpaBackend => "spa_backend",
            AppKind::Native => "native",
            AppKind::SpaImplicit => "spa_implicit",
        }
    }
    /// True for the kinds that use the authorization code grant and keep a local session.
    pub fn uses_code_grant(self) -> bool {
        !matches!(self, AppKind::SpaImplicit)
    }
}

/// `[[apps]]`: one relying party of the tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct AppConfig {
    /// `apps[].name`: unique; the `app:<name>` scope.
    pub name: String,
    /// `apps[].kind`.
    pub kind: AppKind,
    /// `apps[].local_session` (`idle_timeout` default `2h`, `absolute_timeout` default
    /// `1d`, `cookie` default `non_persistent`). Ignored for `spa_implicit`, which has
    /// no local session (the defaults are stored; giving the key is refused). A
    /// `native` app keeps its session in the app, not in a browser cookie: its
    /// `cookie` is `persistent` (the default; `non_persistent` is refused), and
    /// browser closes and cookie clears do not end it.
    pub local_session: SessionPolicy,
    /// `apps[].token_lifetime`: access-token lifetime of a `spa_implicit` app,
    /// renewed silently during longer visits. Default `2h`.
    pub token_lifetime: u64,
    /// `apps[].id_token_lifetime`: ID-token lifetime. A `spa_implicit` app renews
    /// its tokens when the first of its access and ID tokens expires. Default
    /// `10h` (Auth0's 36 000 s).
    pub id_token_lifetime: u64,
    /// `apps[].visit_share`: share of a user's visits that go to this app.
    /// Default: visits split evenly over the apps. Shares sum to 1.
    pub visit_share: f64,
    /// `apps[].refresh_tokens`: refresh tokens with rotation (`spa_implicit` and
    /// `native` apps only). Default: disabled.
    pub refresh_tokens: RefreshTokenPolicy,
    /// `apps[].token_cache`: where a `spa_implicit` app keeps its tokens
    /// (auth0-spa-js `cacheLocation`). Default `memory`, as in the SDK.
    pub token_cache: TokenCache,
    /// `apps[].session_check_expiry`: life of the SDK's `auth0.is.authenticated`
    /// hint cookie (`sessionCheckExpiryDays`), set at each token response.
    /// Default `1d`, as in the SDK.
    pub session_check_expiry: u64,
}

/// Where a single-page app keeps its tokens (auth0-spa-js `cacheLocation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCache {
    /// `memory`: gone at every page load, refresh token included.
    Memory,
    /// `local_storage`: survives page loads and browser closes; lost to cookie
    /// clears, to a script-storage cap and when a private window closes.
    LocalStorage,
}

impl TokenCache {
    /// The scenario spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenCache::Memory => "memory",
            TokenCache::LocalStorage => "local_storage",
        }
    }
}

/// `apps[].refresh_tokens = { enabled, absolute_lifetime, idle_lifetime, rotation,
/// reuse_interval }`: Auth0 refresh-token rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshTokenPolicy {
    /// `enabled`: the app asks for a refresh token at each login (`offline_access`).
    /// Default false.
    pub enabled: bool,
    /// `absolute_lifetime`: a token family's longest life from the login that
    /// issued it; rotated tokens keep it. Default `30d` (Auth0's 2 592 000 s).
    pub absolute_lifetime: u64,
    /// `idle_lifetime`: longest time between two exchanges. Default `15d`
    /// (Auth0's 1 296 000 s).
    pub idle_lifetime: u64,
    /// `rotation`: each exchange returns a new refresh token and invalidates the
    /// one presented; presenting an invalidated one again (reuse) revokes the
    /// whole family. Default true.
    pub rotation: bool,
    /// `reuse_interval`: leeway after a rotation during which the previous token is
    /// still accepted (Auth0's "reuse interval"). Default `0s`.
    pub reuse_interval: u64,
}

impl Default for RefreshTokenPolicy {
    fn default() -> Self {
        RefreshTokenPolicy {
            enabled: false,
            absolute_lifetime: 30 * crate::time::DAY,
            idle_lifetime: 15 * crate::time::DAY,
            rotation: true,
            reuse_interval: 0,
        }
    }
}

/// How per-user visit rates vary (design §6: "optionally varying across users").
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RateDistribution {
    /// `constant`: every user visits at `visits_per_day`.
    Constant,
    /// `gamma`: each user's rate is drawn once from a gamma distribution with
    /// mean `visits_per_day` and shape `visit_rate_shape` (coefficient of variation
    /// 1/√shape): a few heavy users, many rare ones.
    Gamma {
        /// Shape parameter k > 0.
        shape: f64,
    },
}

/// How a user signs in at the authorization server's prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Username and password (Auth0 database connection).
    Password,
    /// An identity provider, by index into [`Scenario::identity_providers`].
    Idp(usize),
}

/// `[users]`: behaviour of the simulated population (design §6).
#[derive(Debug, Clone, PartialEq)]
pub struct UsersConfig {
    /// `users.visits_per_day`: Poisson rate of visits. Default 3.0.
    pub visits_per_day: f64,
    /// `users.protected_share`: share of visits that open pages requiring login. Default 0.5.
    pub protected_share: f64,
    /// `users.connections`: share of users per connection (`password` or an IdP name),
    /// summing to 1; drawn once per user. Default `{ password = 1.0 }`.
    pub connections: Vec<(Connection, f64)>,
    /// `users.browser_closes_per_day`: Poisson rate of browser closes. Default 0.
    pub browser_closes_per_day: f64,
    /// `users.logout_share`: chance of logging out at the end of a protected visit. Default 0.
    pub logout_share: f64,
    /// `users.federated_logout_share`: share of logouts that also log out of the
    /// IdP (`/v2/logout?federated`). Default 0.
    pub federated_logout_share: f64,
    /// `users.password_resets_per_year`: Poisson rate, password users only. Default 0.
    pub password_resets_per_year: f64,
    /// `users.third_party_cookies_blocked`: share of browsers blocking third-party
    /// cookies, drawn once per user. Default 0.
    pub third_party_cookies_blocked: f64,
    /// `users.visit_length`: dwell on the page once it is served. Default `10m`.
    pub visit_length: u64,
    /// `users.login_think_time`: time to complete one prompt (AS prompt, IdP dialog,
    /// MFA), drawn per prompt. Default `8s` (constant).
    pub login_think_time: Delay,
    /// `users.third_party_cookies_partitioned`: share of browsers that partition
    /// third-party cookies by top-level site (CHIPS-style storage partitioning); with
    /// `third_party_cookies_blocked` at most 1, the rest allow them. Default 0.
    pub third_party_cookies_partitioned: f64,
    /// `users.cookie_clears_per_month`: Poisson rate (per 30 days) at which a user
    /// deletes all cookies and site data. Default 0.
    pub cookie_clears_per_month: f64,
    /// `users.app_only_logout_share`: share of logouts that end only the app's
    /// local session (no `/v2/logout`). With `federated_logout_share` at most 1; the
    /// rest log out of the AS. Default 0.
    pub app_only_logout_share: f64,
    /// `users.daily_profile`: 24 relative visit intensities, one per hour of the
    /// day from midnight (virtual time 0); empty = flat. The mean rate stays
    /// `visits_per_day`. Default `[]`.
    pub daily_profile: Vec<f64>,
    /// `users.visit_rate_distribution` (`constant` or `gamma`) with
    /// `users.visit_rate_shape` (default 1.0). Default `constant`.
    pub visit_rate: RateDistribution,
    /// `users.browsers`: the browser mix (name → share, summing to 1), or
    /// `"default"` for the built-in mix. `None` when absent: browsers follow
    /// the legacy `third_party_cookies_blocked` / `_partitioned` shares (refused
    /// together with `browsers`).
    pub browsers: Option<Vec<BrowserShare>>,
    /// `users.private_browsing_share`: share of devices browsing in a private
    /// window, drawn once per device: every cookie and all storage last until
    /// the browser closes. Default 0.
    pub private_browsing_share: f64,
    /// `users.devices`: number of devices → share of users, summing to 1,
    /// drawn once per user, counts from 1 to [`MAX_DEVICES`]. Each device is
    /// a browser of its own; the user's visits are spread evenly over them.
    /// Default `{ 1 = 1.0 }`.
    pub devices: Vec<(u32, f64)>,
}

/// Most devices one user may have (`users.devices`).
pub const MAX_DEVICES: u32 = 16;

impl Scenario {
    /// Name of the connection, as written in `users.connections`.
    pub fn connection_name(&self, c: Connection) -> &str {
        match c {
            Connection::Password => "password",
            Connection::Idp(i) => &self.identity_providers[i].name,
        }
    }
}
