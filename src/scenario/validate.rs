//! TOML tree → validated [`Scenario`]: every key of design §8, every refusal rule.
//!
//! Each `read_*` function reads one section through a [`Section`], which records the
//! keys it asks for and reports the others as unknown. Values that fail a check are
//! `None` after their problem is recorded; the scenario is built only when none failed.

use super::reader::{Problems, Section, child, describe, number_value};
use super::suggest::closest;
use super::*;
use crate::time::{DAY, Dur, HOUR, MINUTE, SECOND, YEAR};
use toml::{Table, Value};

/// Most simulated users in one run (design §8: absurd sizes are refused, issue 9).
pub const MAX_USERS: u64 = 1_000_000_000;
/// Most replicas in one run.
pub const MAX_REPLICAS: u64 = 1_000;
/// Largest rate accepted for `*_per_day` and `*_per_year` keys: a million.
pub const MAX_RATE: f64 = 1e6;
/// Most time-series samples in one run (`duration / sample_every`), which bounds the
/// memory of the per-sample arrays.
pub const MAX_SAMPLES: u64 = 1_000_000;
/// Most events expected in one replica (visits, browser closes, password resets and
/// token renewals): 2^53, beyond which counters summed in `f64` lose exactness and
/// `u64` totals come close to overflowing.
pub const MAX_EVENTS: f64 = 9_007_199_254_740_992.0;
/// Tolerance when checking that shares sum to 1.
pub const SHARE_TOLERANCE: f64 = 1e-9;
/// Most apps in one scenario: the model numbers apps with 16 bits.
pub const MAX_APPS: usize = u16::MAX as usize;
/// Most identity providers in one scenario: the model numbers them with 16 bits.
pub const MAX_IDPS: usize = u16::MAX as usize;

const PLANS: &[(&str, Plan)] = &[
    ("self_service", Plan::SelfService),
    ("enterprise", Plan::Enterprise),
];
const COOKIES: &[(&str, CookieKind)] = &[
    ("persistent", CookieKind::Persistent),
    ("non_persistent", CookieKind::NonPersistent),
];
const KINDS: &[(&str, AppKind)] = &[
    ("regular_web", AppKind::RegularWeb),
    ("spa_backend", AppKind::SpaBackend),
    ("native", AppKind::Native),
    ("spa_implicit", AppKind::SpaImplicit),
];

/// Default `network.latency`: the seeds' constant one-way delay of 40 ms.
const LATENCY_DEFAULT: Delay = Delay::constant(40);
/// Default `users.login_think_time`: the seeds' constant 8 s per prompt.
const THINK_DEFAULT: Delay = Delay::constant(8 * SECOND);
/// Default `processing_time` of the AS and of each IdP: none of its own (the
/// seeds fold server time into `network.latency`).
const PROCESSING_DEFAULT: Delay = Delay::constant(0);

/// Defaults of `[authorization_server]` (design §8).
const AS_DEFAULT: SessionPolicy = SessionPolicy {
    idle_timeout: 3 * DAY,
    absolute_timeout: 30 * DAY,
    cookie: CookieKind::Persistent,
};
/// Defaults of `[identity_providers.<name>]`.
const IDP_DEFAULT: SessionPolicy = SessionPolicy {
    idle_timeout: 60 * DAY,
    absolute_timeout: 90 * DAY,
    cookie: CookieKind::Persistent,
};
/// Defaults of `apps[].local_session`.
const LOCAL_DEFAULT: SessionPolicy = SessionPolicy {
    idle_timeout: 2 * HOUR,
    absolute_timeout: DAY,
    cookie: CookieKind::NonPersistent,
};
/// Defaults of a `native` app's `local_session`: its session lives in the app,
/// which no browser close or cookie clear reaches (`persistent`).
const NATIVE_LOCAL_DEFAULT: SessionPolicy = SessionPolicy {
    cookie: CookieKind::Persistent,
    ..LOCAL_DEFAULT
};

/// Validates the whole tree. `default_name` is used when `name` is absent.
pub(crate) fn validate(root: &Table, default_name: &str, p: &mut Problems) -> Option<Scenario> {
    let mut top = Section::new(root, "");
    let name = read_name(p, &mut top, default_name);
    let simulation = top
        .section(p, "simulation")
        .and_then(|s| read_simulation(p, s));
    let network = top.section(p, "network").and_then(|s| read_network(p, s));
    let auth = top
        .section(p, "authorization_server")
        .and_then(|s| read_auth_server(p, s));
    let idps = read_idps(p, &mut top);
    let apps = read_apps(p, &mut top);
    let idp_names: Vec<&str> = idps.iter().map(|(n, _)| n.as_str()).collect();
    let browsers = super::browsers::read_definitions(p, &mut top);
    let users = top
        .section(p, "users")
        .and_then(|s| read_users(p, s, &idp_names, browsers.as_deref()));
    // Read after the rest (`super::events::read`): a `set` needs the scenario.
    top.get("events");
    top.finish(p);
    if let (Some(sim), Some(users), Some(apps)) = (&simulation, &users, &apps) {
        check_load(p, sim, users, apps);
    }
    let identity_providers = idps
        .into_iter()
        .map(|(name, read)| {
            read.map(|(session, processing_time)| IdpConfig {
                name,
                session,
                processing_time,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Scenario {
        name: name?,
        simulation: simulation?,
        network: network?,
        authorization_server: auth?,
        identity_providers,
        apps: apps?,
        users: users?,
        events: Vec::new(),
    })
}

/// `name`: the run folder's name, so it must be usable as one folder name.
fn read_name(p: &mut Problems, top: &mut Section, default_name: &str) -> Option<String> {
    let explicit = top.has("name");
    let name = top.string(p, "name", Some(default_name))?;
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if explicit && bad {
        p.at(
            "name",
            format!("\"{name}\" cannot name the output folder; use a non-empty name without \"/\", \"\\\" or control characters"),
        );
        return None;
    }
    Some(name)
}

/// `[simulation]`: users, duration, warmup, seed, sample_every, replicas.
fn read_simulation(p: &mut Problems, mut s: Section) -> Option<SimulationConfig> {
    let users = s.integer(p, "users", 1000, (1, MAX_USERS));
    let duration = s.duration(p, "duration", 30 * DAY);
    let duration = positive(p, &s.key("duration"), duration);
    let seed = s.integer(p, "seed", 42, (0, i64::MAX as u64));
    let sample_every = s.duration(p, "sample_every", HOUR);
    let sample_every = positive(p, &s.key("sample_every"), sample_every);
    let replicas = s.integer(p, "replicas", 1, (1, MAX_REPLICAS));
    let warmup = s.duration(p, "warmup", 0);
    let start = read_start(p, &mut s, duration.unwrap_or(0));
    let sample_every = match (duration, sample_every) {
        (Some(d), Some(e)) => check_sampling(p, &s.key("sample_every"), d, e),
        _ => sample_every,
    };
    // The time series cover the warm-up too: its samples count against the limit.
    let sample_every = match (duration, warmup, sample_every) {
        (Some(d), Some(w), Some(e)) if w > 0 => {
            check_sampling(p, &s.key("sample_every"), d.saturating_add(w), e)
        }
        _ => sample_every,
    };
    s.finish(p);
    Some(SimulationConfig {
        users: users?,
        duration: duration?,
        warmup: warmup?,
        seed: seed?,
        start: start?,
        sample_every: sample_every?,
        replicas: u32::try_from(replicas?).ok()?,
    })
}

/// `simulation.start`: an ISO 8601 UTC instant, as a string or a TOML
/// offset date-time; the measured window (and so the last log date) must end
/// before the year 10000.
fn read_start(p: &mut Problems, s: &mut Section, duration: u64) -> Option<u64> {
    let key = s.key("start");
    let text = match s.get("start") {
        None => return Some(DEFAULT_START_MS),
        Some(Value::String(t)) => t.clone(),
        Some(Value::Datetime(d)) => d.to_string(),
        Some(other) => {
            p.at(
                &key,
                format!(
                    "expected a date-time, found {}; use {}",
                    describe(other),
                    crate::calendar::ISO_FORMS
                ),
            );
            return None;
        }
    };
    match crate::calendar::parse_iso(&text) {
        Ok(ms) if ms.saturating_add(duration) < crate::calendar::MAX_INSTANT_MS => Some(ms),
        Ok(_) => {
            p.at(
                &key,
                format!("{text} plus simulation.duration {} ends after the year 9999; use an earlier instant", Dur(duration)),
            );
            None
        }
        Err(why) => {
            p.at(&key, format!("{why}; use {}", crate::calendar::ISO_FORMS));
            None
        }
    }
}

/// `sample_every` must fit in the run at least once and not make more than
/// [`MAX_SAMPLES`] samples.
fn check_sampling(p: &mut Problems, key: &str, duration: u64, every: u64) -> Option<u64> {
    if every > duration {
        p.at(
            key,
            format!(
                "{} is longer than simulation.duration {}; use a period no longer than the run",
                Dur(every),
                Dur(duration)
            ),
        );
        return None;
    }
    let samples = duration / every;
    if samples > MAX_SAMPLES {
        p.at(
            key,
            format!(
                "{} gives {samples} samples over {}, more than the limit of {MAX_SAMPLES}; use a period of at least {}",
                Dur(every),
                Dur(duration),
                Dur(duration.div_ceil(MAX_SAMPLES))
            ),
        );
        return None;
    }
    Some(every)
}

/// Refuses a zero duration where one makes no sense (timeouts, run length, periods).
fn positive(p: &mut Problems, key: &str, value: Option<u64>) -> Option<u64> {
    if value == Some(0) {
        p.at(
            key,
            "must be longer than 0ms; use a positive duration such as \"1h\"",
        );
        return None;
    }
    value
}

/// `[network]`: latency (0ms allowed).
fn read_network(p: &mut Problems, mut s: Section) -> Option<NetworkConfig> {
    let latency = s.delay(p, "latency", LATENCY_DEFAULT);
    s.finish(p);
    Some(NetworkConfig { latency: latency? })
}

/// `[authorization_server]`: plan, cookie, timeouts within the plan limits (design §4), mfa.
fn read_auth_server(p: &mut Problems, mut s: Section) -> Option<AuthServerConfig> {
    let plan = s.choice(p, "plan", Some(Plan::SelfService), PLANS);
    let cookie = s.choice(p, "cookie", Some(AS_DEFAULT.cookie), COOKIES);
    let (idle, absolute) = read_timeouts(p, &mut s, AS_DEFAULT);
    let (idle, absolute) = match plan {
        Some(plan) => (
            within_plan(p, &s.key("idle_timeout"), idle, plan, Plan::idle_limit),
            within_plan(
                p,
                &s.key("absolute_timeout"),
                absolute,
                plan,
                Plan::absolute_limit,
            ),
        ),
        None => (idle, absolute),
    };
    let idle = idle_not_above_absolute(p, &s, idle, absolute);
    let mfa = s.boolean(p, "mfa", false);
    let mfa_remember_browser = s.duration(p, "mfa_remember_browser", 0);
    let custom_domain = s.boolean(p, "custom_domain", false);
    let backchannel_logout = s.boolean(p, "backchannel_logout", false);
    let processing_time = s.delay(p, "processing_time", PROCESSING_DEFAULT);
    let rate_limits = super::rate_limits::read(p, &mut s);
    s.finish(p);
    Some(AuthServerConfig {
        plan: plan?,
        session: SessionPolicy {
            idle_timeout: idle?,
            absolute_timeout: absolute?,
            cookie: cookie?,
        },
        mfa: mfa?,
        mfa_remember_browser: mfa_remember_browser?,
        custom_domain: custom_domain?,
        backchannel_logout: backchannel_logout?,
        processing_time: processing_time?,
        rate_limits: rate_limits?,
    })
}

/// Design §4, plan limits: an authorization-server timeout above the plan's limit is
/// refused, pointing to `enterprise` when that plan would allow it.
fn within_plan(
    p: &mut Problems,
    key: &str,
    value: Option<u64>,
    plan: Plan,
    limit: fn(Plan) -> u64,
) -> Option<u64> {
    let v = value?;
    let max = limit(plan);
    if v <= max {
        return Some(v);
    }
    let wrong = format!(
        "{} is above the {} limit of {}",
        Dur(v),
        plan.as_str(),
        Dur(max)
    );
    let enterprise = limit(Plan::Enterprise);
    let accepted = if plan == Plan::SelfService && v <= enterprise {
        format!("set plan = \"enterprise\" for up to {}", Dur(enterprise))
    } else if plan == Plan::SelfService {
        format!(
            "use at most {} ({} with plan = \"enterprise\")",
            Dur(max),
            Dur(enterprise)
        )
    } else {
        format!("use at most {}", Dur(max))
    };
    p.at(key, format!("{wrong}; {accepted}"));
    None
}

/// `idle_timeout` and `absolute_timeout` of a section, neither zero.
fn read_timeouts(
    p: &mut Problems,
    s: &mut Section,
    defaults: SessionPolicy,
) -> (Option<u64>, Option<u64>) {
    let idle = s.duration(p, "idle_timeout", defaults.idle_timeout);
    let idle = positive(p, &s.key("idle_timeout"), idle);
    let absolute = s.duration(p, "absolute_timeout", defaults.absolute_timeout);
    let absolute = positive(p, &s.key("absolute_timeout"), absolute);
    (idle, absolute)
}

/// Design §4: a session is valid while both deadlines hold, so an idle timeout longer
/// than the absolute one could never apply; refused at every tier.
fn idle_not_above_absolute(
    p: &mut Problems,
    s: &Section,
    idle: Option<u64>,
    absolute: Option<u64>,
) -> Option<u64> {
    match (idle, absolute) {
        (Some(i), Some(a)) if i > a => {
            p.at_pair(
                &s.key("idle_timeout"),
                &s.key("absolute_timeout"),
                format!(
                    "{} is longer than absolute_timeout {}; use an idle timeout no longer than the absolute timeout",
                    Dur(i),
                    Dur(a)
                ),
            );
            None
        }
        _ => idle,
    }
}

/// Timeouts and cookie of an IdP or a local session (no plan limits).
fn read_policy(
    p: &mut Problems,
    s: &mut Section,
    defaults: SessionPolicy,
) -> Option<SessionPolicy> {
    let (idle, absolute) = read_timeouts(p, s, defaults);
    let idle = idle_not_above_absolute(p, s, idle, absolute);
    let cookie = s.choice(p, "cookie", Some(defaults.cookie), COOKIES);
    Some(SessionPolicy {
        idle_timeout: idle?,
        absolute_timeout: absolute?,
        cookie: cookie?,
    })
}

/// True for an IdP name: `[a-z0-9_-]+`.
fn is_idp_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// `[identity_providers.<name>]`, sorted by name. Each well-named IdP is listed (so
/// connections can refer to it) with its policy, `None` when that failed.
fn read_idps(p: &mut Problems, top: &mut Section) -> Vec<(String, Option<(SessionPolicy, Delay)>)> {
    let key = top.key("identity_providers");
    let table = match top.get("identity_providers") {
        None => return Vec::new(),
        Some(Value::Table(t)) => t,
        Some(other) => {
            p.at(
                &key,
                format!(
                    "expected a table, found {}; use [identity_providers.<name>] tables",
                    describe(other)
                ),
            );
            return Vec::new();
        }
    };
    if table.len() > MAX_IDPS {
        p.at(
            &key,
            format!(
                "{} identity providers, more than the limit of {MAX_IDPS}; define at most {MAX_IDPS}",
                table.len()
            ),
        );
        return Vec::new();
    }
    let mut idps = Vec::new();
    for (name, value) in table {
        let idp_key = child(&key, name);
        if name == "password" {
            p.at(&idp_key, "\"password\" is the database connection, not an identity provider; use another name");
            continue;
        }
        if !is_idp_name(name) {
            p.at(&idp_key, "not a valid identity provider name; use lowercase letters, digits, \"_\" and \"-\"");
            continue;
        }
        let policy = match value {
            Value::Table(t) => {
                let mut s = Section::new(t, idp_key);
                let policy = read_policy(p, &mut s, IDP_DEFAULT);
                let processing = s.delay(p, "processing_time", PROCESSING_DEFAULT);
                let policy = policy.zip(processing);
                s.finish(p);
                policy
            }
            other => {
                p.at(
                    &idp_key,
                    format!(
                        "expected a table, found {}; use [{idp_key}]",
                        describe(other)
                    ),
                );
                None
            }
        };
        idps.push((name.clone(), policy));
    }
    idps.sort_by(|a, b| a.0.cmp(&b.0));
    idps
}

/// True for an app name: ASCII letters, digits, `_` and `-`, so it reads well in the
/// `app:<name>` scope and in `--set apps.<name>.KEY`.
fn is_app_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// One app as read: its config parts and whether `visit_share` was given.
struct AppRead {
    name: Option<String>,
    kind: Option<AppKind>,
    local_session: Option<SessionPolicy>,
    token_lifetime: Option<u64>,
    id_token_lifetime: Option<u64>,
    refresh_tokens: Option<RefreshTokenPolicy>,
    token_cache: Option<TokenCache>,
    session_check_expiry: Option<u64>,
    /// `None`: absent; `Some(None)`: present but refused.
    visit_share: Option<Option<f64>>,
}

/// `[[apps]]`: at least one, unique names, known kinds, visit shares on all or none.
fn read_apps(p: &mut Problems, top: &mut Section) -> Option<Vec<AppConfig>> {
    let key = top.key("apps");
    let none = "no apps; add at least one [[apps]] table with name and kind";
    let items = match top.get("apps") {
        None => {
            p.at(&key, none);
            return None;
        }
        Some(Value::Array(items)) if items.is_empty() => {
            p.at(&key, none);
            return None;
        }
        Some(Value::Array(items)) if items.len() > MAX_APPS => {
            p.at(
                &key,
                format!(
                    "{} apps, more than the limit of {MAX_APPS}; use at most {MAX_APPS} [[apps]] tables",
                    items.len()
                ),
            );
            return None;
        }
        Some(Value::Array(items)) => items,
        Some(other) => {
            p.at(
                &key,
                format!(
                    "expected an array of tables ([[apps]]), found {}",
                    describe(other)
                ),
            );
            return None;
        }
    };
    let read: Vec<Option<AppRead>> = items
        .iter()
        .enumerate()
        .map(|(i, v)| read_app(p, &child(&key, &i.to_string()), v))
        .collect();
    let read: Vec<AppRead> = read.into_iter().collect::<Option<_>>()?;
    check_unique_names(p, &read);
    let shares = visit_shares(p, &read);
    let mut apps = Vec::new();
    for (app, share) in read.into_iter().zip(shares?) {
        apps.push(AppConfig {
            name: app.name?,
            kind: app.kind?,
            local_session: app.local_session?,
            token_lifetime: app.token_lifetime?,
            id_token_lifetime: app.id_token_lifetime?,
            visit_share: share,
            refresh_tokens: app.refresh_tokens?,
            token_cache: app.token_cache?,
            session_check_expiry: app.session_check_expiry?,
        });
    }
    Some(apps)
}

/// One `[[apps]]` table at `key` (`apps.<index>`).
fn read_app(p: &mut Problems, key: &str, value: &Value) -> Option<AppRead> {
    let Value::Table(t) = value else {
        p.at(
            key,
            format!(
                "expected a table, found {}; use [[apps]] tables",
                describe(value)
            ),
        );
        return None;
    };
    let mut s = Section::new(t, key);
    let name = s.string(p, "name", None).and_then(|n| {
        if is_app_name(&n) {
            Some(n)
        } else {
            p.at(
                &s.key("name"),
                format!(
                    "\"{n}\" is not a valid app name; use ASCII letters, digits, \"_\" and \"-\""
                ),
            );
            None
        }
    });
    let kind = s.choice(p, "kind", None, KINDS);
    let local_session = read_local_session(p, &mut s, kind);
    let token_lifetime = s.duration(p, "token_lifetime", 2 * HOUR);
    let token_lifetime = positive(p, &s.key("token_lifetime"), token_lifetime);
    let id_token_lifetime = s.duration(p, "id_token_lifetime", 10 * HOUR);
    let id_token_lifetime = positive(p, &s.key("id_token_lifetime"), id_token_lifetime);
    let visit_share = s
        .get("visit_share")
        .map(|v| number_value(p, &s.key("visit_share"), v, 1.0));
    let refresh_tokens = read_refresh_tokens(p, &mut s, kind);
    let (token_cache, session_check_expiry) = read_token_cache(p, &mut s, kind);
    s.finish(p);
    Some(AppRead {
        name,
        kind,
        local_session,
        token_lifetime,
        id_token_lifetime,
        refresh_tokens,
        token_cache,
        session_check_expiry,
        visit_share,
    })
}

const TOKEN_CACHES: &[(&str, TokenCache)] = &[
    ("memory", TokenCache::Memory),
    ("local_storage", TokenCache::LocalStorage),
];

/// `apps[].token_cache` (default `memory`) and `apps[].session_check_expiry`
/// (default `1d`, positive): the auth0-spa-js options `cacheLocation` and
/// `sessionCheckExpiryDays`. Only a `spa_implicit` app runs the SDK in the
/// browser, so giving either on another kind is refused rather than ignored.
fn read_token_cache(
    p: &mut Problems,
    s: &mut Section,
    kind: Option<AppKind>,
) -> (Option<TokenCache>, Option<u64>) {
    let cache = s.choice(p, "token_cache", Some(TokenCache::Memory), TOKEN_CACHES);
    let expiry = s.duration(p, "session_check_expiry", DAY);
    let expiry = positive(p, &s.key("session_check_expiry"), expiry);
    if kind.is_some_and(AppKind::uses_code_grant) {
        for key in ["token_cache", "session_check_expiry"] {
            if s.has(key) {
                p.at(
                    &s.key(key),
                    "applies to spa_implicit apps only (the SDK keeps tokens in the browser); an app with a local session or a native app keeps its own; remove it",
                );
                return (None, None);
            }
        }
    }
    (cache, expiry)
}

/// `apps[].local_session`, inline or as a sub-table. Design §3: a `spa_implicit` app
/// keeps no local session, so giving one is refused rather than silently ignored. A
/// `native` app keeps its session in the app, not in a browser cookie: its cookie
/// is `persistent` (browser closes and cookie clears do not reach it), and
/// `non_persistent` is refused rather than silently ignored.
fn read_local_session(
    p: &mut Problems,
    s: &mut Section,
    kind: Option<AppKind>,
) -> Option<SessionPolicy> {
    let key = s.key("local_session");
    let defaults = match kind {
        Some(AppKind::Native) => NATIVE_LOCAL_DEFAULT,
        _ => LOCAL_DEFAULT,
    };
    match (s.get("local_session"), kind) {
        (None, _) => Some(defaults),
        (Some(_), Some(AppKind::SpaImplicit)) => {
            p.at(
                &key,
                "spa_implicit apps keep no local session; remove local_session or choose a kind with a backend",
            );
            None
        }
        (Some(Value::Table(t)), _) => {
            let mut ls = Section::new(t, key);
            let policy = read_policy(p, &mut ls, defaults);
            let cookie_key = ls.key("cookie");
            ls.finish(p);
            match policy {
                Some(pol)
                    if kind == Some(AppKind::Native) && pol.cookie == CookieKind::NonPersistent =>
                {
                    p.at(
                        &cookie_key,
                        "\"non_persistent\" does not apply to a native app: its session lives in the app, not in a browser cookie, so browser closes and cookie clears do not end it; remove cookie or use \"persistent\"",
                    );
                    None
                }
                other => other,
            }
        }
        (Some(other), _) => {
            p.at(
                &key,
                format!(
                    "expected a table, found {}; use local_session = {{ idle_timeout = \"2h\", absolute_timeout = \"1d\", cookie = \"non_persistent\" }}",
                    describe(other)
                ),
            );
            None
        }
    }
}

/// `apps[].refresh_tokens`, inline or as a sub-table. Auth0 issues rotating refresh
/// tokens to SPAs and native apps; an app with a backend keeps its local session, so
/// enabling them there is refused rather than silently ignored.
fn read_refresh_tokens(
    p: &mut Problems,
    s: &mut Section,
    kind: Option<AppKind>,
) -> Option<RefreshTokenPolicy> {
    let key = s.key("refresh_tokens");
    let d = RefreshTokenPolicy::default();
    let t = match s.get("refresh_tokens") {
        None => return Some(d),
        Some(Value::Table(t)) => t,
        Some(other) => {
            p.at(
                &key,
                format!(
                    "expected a table, found {}; use refresh_tokens = {{ enabled = true, absolute_lifetime = \"30d\", idle_lifetime = \"15d\" }}",
                    describe(other)
                ),
            );
            return None;
        }
    };
    let mut rs = Section::new(t, key.clone());
    let enabled = rs.boolean(p, "enabled", d.enabled);
    let absolute = rs.duration(p, "absolute_lifetime", d.absolute_lifetime);
    let absolute = positive(p, &rs.key("absolute_lifetime"), absolute);
    let idle = rs.duration(p, "idle_lifetime", d.idle_lifetime);
    let idle = positive(p, &rs.key("idle_lifetime"), idle);
    let rotation = rs.boolean(p, "rotation", d.rotation);
    let reuse_interval = rs.duration(p, "reuse_interval", d.reuse_interval);
    let idle = match (idle, absolute) {
        (Some(i), Some(a)) if i > a => {
            p.at_pair(
                &rs.key("idle_lifetime"),
                &rs.key("absolute_lifetime"),
                format!(
                    "{} is longer than absolute_lifetime {}; use an idle lifetime no longer than the absolute one",
                    Dur(i),
                    Dur(a)
                ),
            );
            None
        }
        _ => idle,
    };
    rs.finish(p);
    if enabled == Some(true) && matches!(kind, Some(AppKind::RegularWeb | AppKind::SpaBackend)) {
        p.at(
            &child(&key, "enabled"),
            "refresh tokens are modelled for spa_implicit and native apps; apps with a backend keep a local session instead",
        );
        return None;
    }
    Some(RefreshTokenPolicy {
        enabled: enabled?,
        absolute_lifetime: absolute?,
        idle_lifetime: idle?,
        rotation: rotation?,
        reuse_interval: reuse_interval?,
    })
}

/// App names are scopes (`app:<name>`): each must be unique.
fn check_unique_names(p: &mut Problems, apps: &[AppRead]) {
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (j, app) in apps.iter().enumerate() {
        let Some(name) = &app.name else { continue };
        match first.get(name.as_str()) {
            Some(&i) => p.at(
                &format!("apps.{j}.name"),
                format!("duplicate app name \"{name}\" (apps.{i} has it too); give each app its own name"),
            ),
            None => {
                first.insert(name, j);
            }
        }
    }
}

/// `apps[].visit_share`: on every app or on none (then 1/number of apps each), and
/// summing to 1.
fn visit_shares(p: &mut Problems, apps: &[AppRead]) -> Option<Vec<f64>> {
    let given: Vec<usize> = (0..apps.len())
        .filter(|i| apps.get(*i).is_some_and(|a| a.visit_share.is_some()))
        .collect();
    if given.is_empty() {
        return Some(vec![1.0 / apps.len() as f64; apps.len()]);
    }
    if given.len() < apps.len() {
        let example = given.first().copied().unwrap_or(0);
        for (i, app) in apps.iter().enumerate() {
            if app.visit_share.is_none() {
                p.at(
                    &format!("apps.{i}.visit_share"),
                    format!("missing while apps.{example} sets visit_share; set visit_share on every app or on none"),
                );
            }
        }
        return None;
    }
    let shares: Vec<f64> = apps
        .iter()
        .map(|a| a.visit_share.flatten())
        .collect::<Option<_>>()?;
    let sum: f64 = shares.iter().sum();
    if (sum - 1.0).abs() > SHARE_TOLERANCE {
        p.at(
            "apps",
            format!("visit_share values sum to {sum}; they must sum to 1"),
        );
        return None;
    }
    Some(shares)
}

/// `[users]`: rates, shares, connections and timings of design §6.
fn read_users(
    p: &mut Problems,
    mut s: Section,
    idps: &[&str],
    browser_definitions: Option<&[BrowserProfile]>,
) -> Option<UsersConfig> {
    let legacy_set: Vec<&str> = [
        "third_party_cookies_blocked",
        "third_party_cookies_partitioned",
    ]
    .into_iter()
    .filter(|k| s.has(k))
    .collect();
    let visits_per_day = s.number(p, "visits_per_day", 3.0, MAX_RATE);
    let protected_share = s.number(p, "protected_share", 0.5, 1.0);
    let connections = read_connections(p, &mut s, idps);
    let browser_closes_per_day = s.number(p, "browser_closes_per_day", 0.0, MAX_RATE);
    let logout_share = s.number(p, "logout_share", 0.0, 1.0);
    let federated_logout_share = s.number(p, "federated_logout_share", 0.0, 1.0);
    let password_resets_per_year = s.number(p, "password_resets_per_year", 0.0, MAX_RATE);
    let third_party_cookies_blocked = s.number(p, "third_party_cookies_blocked", 0.0, 1.0);
    let visit_length = s.duration(p, "visit_length", 10 * MINUTE);
    let login_think_time = s.delay(p, "login_think_time", THINK_DEFAULT);
    let partitioned = s.number(p, "third_party_cookies_partitioned", 0.0, 1.0);
    let partitioned = shares_fit(
        p,
        &s.key("third_party_cookies_partitioned"),
        "third_party_cookies_blocked",
        third_party_cookies_blocked,
        partitioned,
    );
    let cookie_clears_per_month = s.number(p, "cookie_clears_per_month", 0.0, MAX_RATE);
    let app_only_logout_share = s.number(p, "app_only_logout_share", 0.0, 1.0);
    let app_only_logout_share = shares_fit(
        p,
        &s.key("app_only_logout_share"),
        "federated_logout_share",
        federated_logout_share,
        app_only_logout_share,
    );
    let daily_profile = read_daily_profile(p, &mut s);
    let visit_rate = read_rate_distribution(p, &mut s);
    let private_browsing_share = s.number(p, "private_browsing_share", 0.0, 1.0);
    let devices = read_devices(p, &mut s);
    let browsers = match browser_definitions {
        Some(defined) => super::browsers::read_mix(p, &mut s, defined, &legacy_set),
        None => {
            s.get("browsers");
            None
        }
    };
    s.finish(p);
    Some(UsersConfig {
        visits_per_day: visits_per_day?,
        protected_share: protected_share?,
        connections: connections?,
        browser_closes_per_day: browser_closes_per_day?,
        logout_share: logout_share?,
        federated_logout_share: federated_logout_share?,
        password_resets_per_year: password_resets_per_year?,
        third_party_cookies_blocked: third_party_cookies_blocked?,
        visit_length: visit_length?,
        login_think_time: login_think_time?,
        third_party_cookies_partitioned: partitioned?,
        cookie_clears_per_month: cookie_clears_per_month?,
        app_only_logout_share: app_only_logout_share?,
        daily_profile: daily_profile?,
        visit_rate: visit_rate?,
        browsers: browsers?,
        private_browsing_share: private_browsing_share?,
        devices: devices?,
    })
}

/// `users.devices`: a count of devices (1 to [`MAX_DEVICES`]) → share of
/// users, summing to 1; stored by count.
fn read_devices(p: &mut Problems, s: &mut Section) -> Option<Vec<(u32, f64)>> {
    let key = s.key("devices");
    let accepted = format!(
        "use a table of device counts (1 to {MAX_DEVICES}) to shares summing to 1, e.g. devices = {{ 1 = 0.6, 2 = 0.4 }}"
    );
    let table = match s.get("devices") {
        None => return Some(vec![(1, 1.0)]),
        Some(Value::Table(t)) if !t.is_empty() => t,
        Some(other) => {
            p.at(
                &key,
                format!("expected a table, found {}; {accepted}", describe(other)),
            );
            return None;
        }
    };
    let mut out = Some(Vec::new());
    for (count, value) in table {
        let d_key = child(&key, count);
        let n = count
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_DEVICES).contains(n));
        if n.is_none() {
            p.at(
                &d_key,
                format!("\"{count}\" is not a number of devices; {accepted}"),
            );
        }
        let share = number_value(p, &d_key, value, 1.0);
        match (n, share, out.as_mut()) {
            (Some(n), Some(x), Some(list)) => list.push((n, x)),
            _ => out = None,
        }
    }
    let mut list = out?;
    list.sort_by_key(|d| d.0);
    let sum: f64 = list.iter().map(|d| d.1).sum();
    if (sum - 1.0).abs() > SHARE_TOLERANCE {
        p.at(&key, format!("shares sum to {sum}; they must sum to 1"));
        return None;
    }
    Some(list)
}

/// Two shares of one population (browsers, logouts) whose sum must not exceed 1.
fn shares_fit(
    p: &mut Problems,
    key: &str,
    other_name: &str,
    other: Option<f64>,
    this: Option<f64>,
) -> Option<f64> {
    match (other, this) {
        (Some(o), Some(t)) if o + t > 1.0 + SHARE_TOLERANCE => {
            p.at(
                key,
                format!("{t} plus users.{other_name} {o} is more than 1; the two shares of one population sum to at most 1"),
            );
            None
        }
        _ => this,
    }
}

/// `users.daily_profile`: empty, or 24 non-negative finite weights, not all zero.
fn read_daily_profile(p: &mut Problems, s: &mut Section) -> Option<Vec<f64>> {
    let key = s.key("daily_profile");
    let accepted = "use 24 non-negative numbers, one per hour from midnight, not all zero (or [] for a flat day)";
    let items = match s.get("daily_profile") {
        None => return Some(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            p.at(
                &key,
                format!("expected an array, found {}; {accepted}", describe(other)),
            );
            return None;
        }
    };
    if items.is_empty() {
        return Some(Vec::new());
    }
    if items.len() != 24 {
        p.at(&key, format!("has {} values; {accepted}", items.len()));
        return None;
    }
    let weights: Vec<f64> = items
        .iter()
        .enumerate()
        .map(|(h, v)| number_value(p, &child(&key, &h.to_string()), v, MAX_RATE))
        .collect::<Option<_>>()?;
    if weights.iter().all(|&w| w == 0.0) {
        p.at(&key, format!("all 24 weights are 0; {accepted}"));
        return None;
    }
    Some(weights)
}

const RATE_DISTRIBUTIONS: &[(&str, bool)] = &[("constant", false), ("gamma", true)];

/// `users.visit_rate_distribution` and `users.visit_rate_shape` (> 0).
fn read_rate_distribution(p: &mut Problems, s: &mut Section) -> Option<RateDistribution> {
    let gamma = s.choice(
        p,
        "visit_rate_distribution",
        Some(false),
        RATE_DISTRIBUTIONS,
    );
    let shape = s.number(p, "visit_rate_shape", 1.0, MAX_RATE);
    let shape = match shape {
        Some(k) if k <= 0.0 => {
            p.at(
                &s.key("visit_rate_shape"),
                format!("{k} is not a gamma shape; use a number above 0 (1 = exponential, smaller = more uneven users)"),
            );
            None
        }
        other => other,
    };
    match (gamma?, shape?) {
        (false, _) => Some(RateDistribution::Constant),
        (true, shape) => Some(RateDistribution::Gamma { shape }),
    }
}

/// `users.connections`: `password` or a defined IdP name → share, summing to 1; stored
/// password first, then IdPs in name order.
fn read_connections(
    p: &mut Problems,
    s: &mut Section,
    idps: &[&str],
) -> Option<Vec<(Connection, f64)>> {
    let key = s.key("connections");
    let table = match s.get("connections") {
        None => return Some(vec![(Connection::Password, 1.0)]),
        Some(Value::Table(t)) => t,
        Some(other) => {
            p.at(
                &key,
                format!(
                    "expected a table, found {}; use connections = {{ password = 1.0 }}",
                    describe(other)
                ),
            );
            return None;
        }
    };
    if table.is_empty() {
        p.at(
            &key,
            "no connection; give at least one, e.g. connections = { password = 1.0 }",
        );
        return None;
    }
    let mut out = Some(Vec::new());
    for (name, value) in table {
        let conn_key = child(&key, name);
        let conn = connection(p, &conn_key, name, idps);
        let share = number_value(p, &conn_key, value, 1.0);
        match (conn, share, out.as_mut()) {
            (Some(c), Some(x), Some(list)) => list.push((c, x)),
            _ => out = None,
        }
    }
    let mut list = out?;
    list.sort_by_key(|(c, _)| match c {
        Connection::Password => 0,
        Connection::Idp(i) => i + 1,
    });
    let sum: f64 = list.iter().map(|(_, x)| x).sum();
    if (sum - 1.0).abs() > SHARE_TOLERANCE {
        p.at(&key, format!("shares sum to {sum}; they must sum to 1"));
        return None;
    }
    Some(list)
}

/// Resolves a connection name: `password` or an IdP defined under `[identity_providers]`.
fn connection(p: &mut Problems, key: &str, name: &str, idps: &[&str]) -> Option<Connection> {
    if name == "password" {
        return Some(Connection::Password);
    }
    if let Some(i) = idps.iter().position(|n| *n == name) {
        return Some(Connection::Idp(i));
    }
    let mut known = vec!["password"];
    known.extend_from_slice(idps);
    let hint = match closest(name, &known) {
        Some(near) => format!("did you mean {near}? "),
        None => String::new(),
    };
    p.at(
        key,
        format!(
            "no identity provider named \"{name}\"; {hint}define [identity_providers.{name}] or use one of: {}",
            known.join(", ")
        ),
    );
    None
}

/// Values that would overflow: the events one replica is expected to simulate (visits,
/// browser closes, password resets, token renewals) must stay below [`MAX_EVENTS`].
fn check_load(p: &mut Problems, sim: &SimulationConfig, users: &UsersConfig, apps: &[AppConfig]) {
    let days = sim.duration as f64 / DAY as f64;
    let renewals_per_visit: f64 = apps
        .iter()
        .filter(|a| a.kind == AppKind::SpaImplicit)
        .map(|a| {
            let renew_every = a.token_lifetime.min(a.id_token_lifetime).max(1);
            a.visit_share * users.visit_length as f64 / renew_every as f64
        })
        .sum();
    let per_day = users.visits_per_day * (1.0 + renewals_per_visit)
        + users.browser_closes_per_day
        + users.cookie_clears_per_month / 30.0
        + users.password_resets_per_year * DAY as f64 / YEAR as f64;
    let events = sim.users as f64 * per_day * days;
    if events > MAX_EVENTS {
        p.at(
            "simulation",
            format!(
                "the run would simulate about {events:.3e} events per replica (users x rates x duration), more than the limit of {MAX_EVENTS:.3e}; lower simulation.users, simulation.duration or the users.* rates"
            ),
        );
    }
}
