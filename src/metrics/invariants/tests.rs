//! Each invariant holds on a real run and fires on a deliberately corrupted copy.

use super::*;
use crate::runner::{Progress, RunOptions, run};
use crate::scenario::from_str;

/// Every feature on, so that every counter moves: MFA with a remembered
/// browser, an IdP, a code-grant app, a native app and an implicit SPA with
/// refresh tokens, closes, clears, resets, every kind of logout, and every
/// kind of tenant event.
const BUSY: &str = r#"
[simulation]
users = 60
duration = "4d"
warmup = "1d"
sample_every = "1h"
[authorization_server]
mfa = true
mfa_remember_browser = "1d"
backchannel_logout = true
cookie = "non_persistent"
idle_timeout = "1d"
absolute_timeout = "3d"
[identity_providers.facebook]
idle_timeout = "2d"
absolute_timeout = "2d"
[[apps]]
name = "web"
kind = "regular_web"
local_session = { idle_timeout = "1h", absolute_timeout = "1d", cookie = "persistent" }
[[apps]]
name = "spa"
kind = "spa_implicit"
token_lifetime = "5m"
refresh_tokens = { enabled = true, absolute_lifetime = "2d", idle_lifetime = "1d" }
token_cache = "local_storage"
[[apps]]
name = "phone"
kind = "native"
refresh_tokens = { enabled = true, absolute_lifetime = "3d", idle_lifetime = "1d" }
[users]
visits_per_day = 12.0
protected_share = 0.7
connections = { password = 0.5, facebook = 0.5 }
browser_closes_per_day = 3.0
logout_share = 0.2
federated_logout_share = 0.3
app_only_logout_share = 0.2
password_resets_per_year = 100.0
cookie_clears_per_month = 6.0
third_party_cookies_blocked = 0.3
visit_length = "20m"
[[events]]
at = "2d"
kind = "revoke_sessions"
idp = true
apps = true
[[events]]
at = "3d"
kind = "outage"
duration = "2h"
[[events]]
at = "3d6h"
kind = "revoke_refresh_tokens"
[[events]]
at = "3d12h"
kind = "set"
key = "authorization_server.idle_timeout"
value = "2h"
"#;

fn busy() -> (Metrics, Facts) {
    let s = from_str(BUSY, "busy.toml", &[]).expect("the test scenario loads");
    let opts = RunOptions {
        threads: 1,
        shard: None,
        logs: None,
        reference_path: false,
    };
    let r = run(&s, &opts, &Progress::default()).expect("a correct run passes its invariants");
    (r.replicas[0].clone(), Facts::of(&s))
}

fn app_index(m: &Metrics, a: usize, c: AppCounter) -> usize {
    assert!(a < m.layout.apps);
    a * AppCounter::COUNT + c as usize
}

fn tier_index(t: usize, c: TierCounter) -> usize {
    t * TierCounter::COUNT + c as usize
}

#[test]
fn a_real_run_moves_every_counter_the_checks_rely_on() {
    let (m, facts) = busy();
    assert_eq!(check(&m, &facts), vec![]);
    for c in [
        AppCounter::LocalSessionHits,
        AppCounter::SsoLogins,
        AppCounter::ProtectedSilentLogins,
        AppCounter::RefreshTokenLogins,
        AppCounter::LoginsAbandoned,
        AppCounter::Reauthentications,
        AppCounter::MfaPrompts,
        AppCounter::MfaSkippedRememberedBrowser,
        AppCounter::RefreshTokenFailures,
        AppCounter::BackchannelLogouts,
        AppCounter::SilentAuthBeforeFirstLogin,
        AppCounter::LoginsFailedOutage,
        AppCounter::VisitsFailedOutage,
    ] {
        assert!(m.app_total(c) > 0, "{} stays 0 in the test run", c.name());
    }
    for c in TierCounter::ALL {
        let total: u64 = (0..m.layout.tiers()).map(|t| m.tier_value(t, c)).sum();
        assert!(total > 0, "{} stays 0 in the test run", c.name());
    }
}

/// Applies `corrupt` to a correct run's metrics and expects a broken
/// invariant whose text contains `needle`.
fn fires(what: &str, needle: &str, corrupt: impl FnOnce(&mut Metrics)) {
    let (mut m, facts) = busy();
    corrupt(&mut m);
    let broken = check(&m, &facts);
    assert!(
        broken.iter().any(|b| b.to_string().contains(needle)),
        "{what}: expected a broken invariant mentioning {needle:?}, got {broken:#?}"
    );
}

#[test]
fn revocations_and_outages_need_their_events() {
    let (m, mut facts) = busy();
    facts.revocations = false;
    facts.outages = false;
    let broken: Vec<String> = check(&m, &facts).iter().map(|b| b.to_string()).collect();
    assert!(
        broken
            .iter()
            .any(|b| b.contains("no revoke_sessions event")),
        "{broken:#?}"
    );
    assert!(
        broken.iter().any(|b| b.contains("no outage event")),
        "{broken:#?}"
    );
    fires(
        "a failed login that is no failed visit",
        "visits_failed_outage",
        |m| {
            let (logins, visits) = (
                app_index(m, 0, AppCounter::LoginsFailedOutage),
                app_index(m, 0, AppCounter::VisitsFailedOutage),
            );
            m.app[logins] += m.app[visits] + 1;
        },
    );
}

#[test]
fn conservation_fires_per_tier() {
    for (t, scope) in [(0, "as:"), (1, "idp:facebook:"), (2, "app:web:")] {
        fires("one more created", scope, |m| {
            m.tier[tier_index(t, TierCounter::SessionsCreated)] += 1;
        });
    }
    fires("one fewer alive", "sessions_created", |m| {
        m.tier[tier_index(0, TierCounter::AliveAtEnd)] += 1;
    });
    fires(
        "one more alive at warm-up end",
        "sessions_alive_at_warmup_end",
        |m| {
            m.tier[tier_index(2, TierCounter::AliveAtWarmupEnd)] += 1;
        },
    );
    fires(
        "a cause counted twice",
        "sessions_ended_cookies_cleared",
        |m| {
            m.tier[tier_index(2, TierCounter::EndedCookiesCleared)] += 1;
            m.tier[tier_index(2, TierCounter::SessionsCreated)] += 1;
            m.tier[tier_index(2, TierCounter::EndedIdle)] += 0;
            m.global[GlobalCounter::CookieClears as usize] = 0;
        },
    );
    fires(
        "password reset at an app",
        "a password reset ends AS sessions only",
        |m| {
            m.tier[tier_index(2, TierCounter::EndedPasswordReset)] += 1;
            m.tier[tier_index(2, TierCounter::SessionsCreated)] += 1;
        },
    );
    fires(
        "browser close without closes",
        "there was no browser_closes",
        |m| {
            m.global[GlobalCounter::BrowserCloses as usize] = 0;
        },
    );
    fires(
        "more AS sessions than logins",
        "above interactive_logins",
        |m| {
            let extra = m.app_total(AppCounter::InteractiveLogins);
            m.tier[tier_index(0, TierCounter::SessionsCreated)] += extra;
            m.tier[tier_index(0, TierCounter::EndedIdle)] += extra;
        },
    );
}

#[test]
fn login_paths_fire_per_app() {
    fires(
        "a protected visit undecided",
        "is not the sum of the ways",
        |m| {
            let i = app_index(m, 1, AppCounter::ProtectedVisits);
            m.app[i] += 1;
        },
    );
    fires(
        "interactive split",
        "first_logins + reauthentications",
        |m| {
            let i = app_index(m, 0, AppCounter::Reauthentications);
            m.app[i] += 1;
        },
    );
    let bound = |c: AppCounter, needle: &'static str| {
        fires(c.name(), needle, move |m| {
            let i = app_index(m, 0, c);
            m.app[i] += 1_000_000;
        });
    };
    bound(AppCounter::FirstLogins, "first_logins");
    bound(AppCounter::Users, "above all users");
    bound(
        AppCounter::SilentAuthBeforeFirstLogin,
        "silent_auth_before_first_login",
    );
    bound(AppCounter::Logouts, "logouts");
    bound(
        AppCounter::RefreshTokenReuseDetected,
        "refresh_token_reuse_detected",
    );
    bound(AppCounter::RefreshTokenFailures, "refresh_token_failures");
    bound(AppCounter::BackchannelLogouts, "backchannel_logouts");
    fires(
        "silent logins above successes",
        "protected_silent_logins",
        |m| {
            let i = app_index(m, 1, AppCounter::ProtectedSilentLogins);
            m.app[i] += 1_000_000;
        },
    );
    fires(
        "refresh logins above grants",
        "granted refresh_token_exchanges",
        |m| {
            let i = app_index(m, 2, AppCounter::RefreshTokenLogins);
            m.app[i] += 1_000_000;
        },
    );
    fires("logins without /authorize", "authorize_requests", |m| {
        let i = app_index(m, 0, AppCounter::AuthorizeRequests);
        m.app[i] = 0;
    });
    fires(
        "all first logins above users",
        "first_logins over all apps",
        |m| {
            let users = m.global[GlobalCounter::Users as usize];
            let i = app_index(m, 0, AppCounter::FirstLogins);
            m.app[i] += users + 1;
        },
    );
}

#[test]
fn mfa_counts_fire() {
    fires(
        "prompt without login",
        "mfa_prompts + mfa_skipped_remembered_browser",
        |m| {
            let i = app_index(m, 0, AppCounter::MfaPrompts);
            m.app[i] += 1_000_000;
        },
    );
    fires(
        "login without prompt",
        "mfa_prompts + mfa_skipped_remembered_browser",
        |m| {
            let i = app_index(m, 0, AppCounter::MfaPrompts);
            m.app[i] = 0;
        },
    );
    fires(
        "skips above logins",
        "mfa_skipped_remembered_browser",
        |m| {
            let i = app_index(m, 0, AppCounter::MfaSkippedRememberedBrowser);
            m.app[i] += 1_000_000;
        },
    );
    let (m, mut facts) = busy();
    facts.mfa = false;
    let broken = check(&m, &facts);
    assert!(
        broken.iter().any(|b| b.message.contains("MFA is off")),
        "{broken:#?}"
    );
}

#[test]
fn time_series_fire() {
    let samples = busy().0.layout.samples();
    /// Edits the raw difference arrays (sessions, logged-in, counters).
    type Edit<'a> = &'a dyn Fn(&mut Vec<i64>, &mut Vec<i64>, &mut Vec<i64>);
    let rebuild = |m: &mut Metrics, edit: Edit<'_>| {
        let (s, l, c) = m.series.raw();
        let (mut s, mut l, mut c) = (s.to_vec(), l.to_vec(), c.to_vec());
        edit(&mut s, &mut l, &mut c);
        m.series = Series::from_raw(&m.layout, s, l, c).expect("same lengths");
    };
    fires("negative valid sessions", "valid sessions at sample", |m| {
        rebuild(m, &|s, _, _| s[5] -= 1_000);
    });
    fires("negative orphans", "orphaned sessions at sample", |m| {
        let tiers = m.layout.tiers();
        rebuild(m, &|s, _, _| s[tiers * samples + 3] -= 1_000);
    });
    fires("more valid than users", "more than the 60 devices", |m| {
        rebuild(m, &|s, _, _| s[2] += 1_000);
    });
    fires("valid at the end", "sessions_alive_at_end", |m| {
        rebuild(m, &|s, _, _| s[samples - 1] += 1);
    });
    fires("logged-in users", "logged-in users at sample", |m| {
        rebuild(m, &|_, l, _| l[1] -= 1_000);
    });
    fires("a counter that falls", "decreases at sample", |m| {
        rebuild(m, &|_, _, c| {
            c[10] += 1_000;
            c[11] -= 1_000;
        });
    });
    fires(
        "a counter above its total",
        "cumulative visits ends at",
        |m| {
            rebuild(m, &|_, _, c| c[0] += 1);
        },
    );
}

#[test]
fn load_logins_engine_and_shape_fire() {
    fires(
        "/authorize per second",
        "per-second authorize_requests",
        |m| {
            m.request(crate::metrics::Endpoint::AuthorizeIframe, 1000);
            m.flush();
        },
    );
    fires(
        "/oauth/token per second",
        "per-second token_requests",
        |m| {
            m.request(crate::metrics::Endpoint::TokenRefresh, 0);
        },
    );
    fires("login flows above logins", "sso login flows", |m| {
        m.logins.add(LoginKind::Sso, 100, 4, 1_000_000);
    });
    fires(
        "time going back",
        "virtual time would have gone back",
        |m| {
            m.anomalies.late_events = 1;
        },
    );
    fires("expired session used", "after its expiry", |m| {
        m.anomalies.expired_session_uses = 2;
    });
    fires("short array", "app counters", |m| {
        m.app.pop();
    });
    fires("another layout", "session series", |m| {
        m.layout.sample_every /= 2;
    });
    let (m, facts) = busy();
    let mut short = facts.clone();
    short.apps.pop();
    assert!(!check(&m, &short).is_empty());
}

#[test]
fn every_prompt_has_exactly_one_cause() {
    use crate::metrics::{Cause, Family};
    let (m, _) = busy();
    for family in Family::PER_APP {
        assert!(
            (0..3).any(|a| family
                .causes()
                .any(|c| c != Cause::FirstLogin && m.causes.get(family, a, c) > 0)),
            "{} has only first logins in the test run",
            family.prefix()
        );
    }
    for (family, needle) in [
        (Family::InteractiveLogins, "interactive_logins_by_* add up"),
        (Family::MfaPrompts, "mfa_prompts_by_* add up"),
        (
            Family::SilentAuthFailures,
            "silent_auth_failures_by_* add up",
        ),
    ] {
        fires(needle, needle, |m| {
            m.causes.count(family, 1, Cause::Logout);
        });
    }
    fires("a cause moved", "first_logins", |m| {
        m.causes
            .count(Family::InteractiveLogins, 0, Cause::FirstLogin);
        let i = app_index(m, 0, AppCounter::InteractiveLogins);
        m.app[i] += 1;
        let r = app_index(m, 0, AppCounter::Reauthentications);
        m.app[r] += 1;
    });
    fires("idp prompt without cause", "idp_prompts_by_* add up", |m| {
        m.count_idp(0, IdpCounter::IdpPrompts);
    });
}

#[test]
fn huge_values_never_overflow_a_check() {
    let (mut m, facts) = busy();
    m.app.iter_mut().for_each(|x| *x = u64::MAX);
    m.tier.iter_mut().for_each(|x| *x = u64::MAX);
    let (s, l, c) = m.series.raw();
    let max = |v: &[i64]| vec![i64::MAX; v.len()];
    m.series = Series::from_raw(&m.layout, max(s), max(l), max(c)).expect("same lengths");
    assert!(!check(&m, &facts).is_empty());
}

#[test]
fn the_error_lists_every_broken_invariant_with_its_scope() {
    let e = InvariantError {
        replica: 1,
        broken: vec![
            Broken {
                scope: "as".into(),
                message: "one".into(),
            },
            Broken {
                scope: "app:web".into(),
                message: "two".into(),
            },
        ],
    };
    let text = e.to_string();
    assert!(text.starts_with("replica 1: 2 invariants broken"), "{text}");
    assert!(text.ends_with("\n  as: one\n  app:web: two"), "{text}");
}
