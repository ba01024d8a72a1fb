//! Tenant events on the timeline (issue 17, point 3): revocations against
//! their closed form, a `set` of the idle timeout against a run with the new
//! value from the start, outages, exact results across threads and shards,
//! and the refusals of bad events.

use crate::support::cli::*;
use crate::support::model::{assert_share, closed_form_spa, silent_after, simulate};
use ssosim::metrics::{AppCounter, Cause, Family, Layout, SeriesCounter, TierCounter};
use ssosim::scenario::{Scenario, from_str};

/// A regular web app, every visit protected, Poisson visits at 3 a day,
/// sessions that end only as each test says; local sessions of one second,
/// so every visit goes to the AS.
fn web(users: u64, days: u64, extra: &str) -> Scenario {
    let text = format!(
        r#"
name = "events"
[simulation]
users = {users}
duration = "{days}d"
sample_every = "1h"
[authorization_server]
plan = "enterprise"
idle_timeout = "100d"
absolute_timeout = "365d"
[[apps]]
name = "web"
kind = "regular_web"
local_session = {{ idle_timeout = "1s", absolute_timeout = "1s", cookie = "persistent" }}
[users]
visits_per_day = 3.0
protected_share = 1.0
visit_length = "1m"
{extra}
"#
    );
    from_str(&text, "events.toml", &[]).expect("valid test scenario")
}

#[test]
fn revoking_every_session_prompts_each_holder_at_its_first_visit_after() {
    // t0 = day 5: by then every user logged in (P(no visit in 5 days) = e^-15)
    // and holds a session that nothing else ends.
    let s = web(
        20_000,
        8,
        "[[events]]\nat = \"5d\"\nkind = \"revoke_sessions\"",
    );
    let m = simulate(&s, 0);
    let revoked = m.tier_value(Layout::AS_TIER, TierCounter::EndedRevoked);
    assert!(revoked > 19_900, "{revoked}");
    let prompts = m.causes.get(Family::InteractiveLogins, 0, Cause::Revoked);
    // Every holder comes back within the 3 days left (e^-9 per user).
    assert!(
        prompts <= revoked && prompts + 10 >= revoked,
        "{prompts} of {revoked}"
    );
    // The share of holders whose first visit after t0 falls within h hours
    // is 1 - e^(-λh), λ = 3/day: the interactive logins in those hours.
    let c = m.series.counter(0, SeriesCounter::InteractiveLogins);
    let t0 = 5 * 24;
    assert!(
        c[t0] - c[t0 - 24] < 5,
        "logins before t0: {}",
        c[t0] - c[t0 - 24]
    );
    for h in [1usize, 4, 8, 24] {
        let within = (c[t0 + h] - c[t0]) as f64;
        let p = 1.0 - (-3.0 * h as f64 / 24.0).exp();
        assert_share(within, revoked as f64, p, &format!("prompts within {h}h"));
    }
    // The sessions stay conserved, the orphans untouched.
    let created = m.tier_value(0, TierCounter::SessionsCreated);
    let ended: u64 = TierCounter::ENDINGS
        .iter()
        .chain([TierCounter::AliveAtEnd].iter())
        .map(|&t| m.tier_value(0, t))
        .sum();
    assert_eq!(created, ended);
}

/// An SPA on the implicit grant: every visit (protected) runs silent
/// authentication, which fails when the AS session's idle timeout passed.
fn spa(days: u64, idle: &str, events: &str) -> Scenario {
    let simulation = format!("users = 20000\nduration = \"{days}d\"\nsample_every = \"1d\"");
    let extra_as = format!("idle_timeout = \"{idle}\"\nabsolute_timeout = \"365d\"");
    closed_form_spa(&simulation, &extra_as, events)
}

#[test]
fn a_shorter_idle_timeout_applies_at_once_and_matches_a_run_that_had_it_from_the_start() {
    // Idle 1 day, shortened to 12 h at day 10: every session is then held to
    // 12 h from its last activity (Auth0: a reduction applies at the next
    // activity), so from day 11 on silent failures are e^(-λ·12h) = e^-1.5,
    // as in a run with 12 h from the start.
    let changed = spa(
        20,
        "1d",
        "[[events]]\nat = \"10d\"\nkind = \"set\"\nkey = \"authorization_server.idle_timeout\"\nvalue = \"12h\"",
    );
    let (fails, attempts) = silent_after(&simulate(&changed, 0), 11);
    assert_share(fails, attempts, (-1.5f64).exp(), "after the change");
    let from_start = spa(20, "12h", "");
    let (f2, a2) = silent_after(&simulate(&from_start, 0), 11);
    let (p1, p2) = (fails / attempts, f2 / a2);
    let se = (p1 * (1.0 - p1) / attempts + p2 * (1.0 - p2) / a2).sqrt();
    assert!(
        (p1 - p2).abs() < 4.0 * se,
        "{p1} vs {p2} (4 SE {})",
        4.0 * se
    );
    // Before the change: e^-3.
    let m = simulate(&changed, 0);
    let ok = m.series.counter(0, SeriesCounter::SilentAuthSuccesses);
    let ko = m.series.counter(0, SeriesCounter::SilentAuthLoginRequired);
    let fails = (ko[10] - ko[3]) as f64;
    assert_share(
        fails,
        fails + (ok[10] - ok[3]) as f64,
        (-3.0f64).exp(),
        "before",
    );
}

#[test]
fn a_longer_idle_timeout_applies_only_to_sessions_created_after_it() {
    // Idle 12 h, lengthened to 1 day at day 10: sessions valid then keep
    // 12 h (Auth0: a longer limit waits for the next login), so on day 10
    // the failures stay at e^-1.5; once they all ended and were replaced,
    // e^-3 as with 1 day from the start.
    let s = spa(
        30,
        "12h",
        "[[events]]\nat = \"10d\"\nkind = \"set\"\nkey = \"authorization_server.idle_timeout\"\nvalue = \"1d\"",
    );
    let m = simulate(&s, 0);
    let ok = m.series.counter(0, SeriesCounter::SilentAuthSuccesses);
    let ko = m.series.counter(0, SeriesCounter::SilentAuthLoginRequired);
    let share = |a: usize, b: usize| {
        let f = (ko[b] - ko[a]) as f64;
        (f, f + (ok[b] - ok[a]) as f64)
    };
    let (f, n) = share(10, 11);
    // A session valid at day 10 ends at its first 12 h gap: the first day
    // after the change fails about as often as before it, far above e^-3.
    assert!(f / n > 0.15, "{}", f / n);
    let (f, n) = share(20, 30);
    assert_share(f, n, (-3.0f64).exp(), "long after the change");
}

#[test]
fn an_outage_refuses_every_login_and_users_come_back_after_it() {
    let s = web(
        5_000,
        4,
        "[[events]]\nat = \"2d\"\nkind = \"outage\"\nduration = \"3h\"",
    );
    let m = simulate(&s, 0);
    for counter in [
        SeriesCounter::InteractiveLogins,
        SeriesCounter::SsoLogins,
        SeriesCounter::AuthorizeRequests,
        SeriesCounter::TokenRequests,
    ] {
        let c = m.series.counter(0, counter);
        assert_eq!(c[48], c[51], "{counter:?} during the outage");
        assert!(c[54] > c[51], "{counter:?} resumes after it");
        assert!(c[48] > c[45], "{counter:?} before it");
    }
    let failed = m.app_value(0, AppCounter::VisitsFailedOutage);
    let logins = m.app_value(0, AppCounter::LoginsFailedOutage);
    // Every visit of those 3 hours fails: 5 000 users × 3/day × 3 h.
    let expected = 5_000.0 * 3.0 / 8.0;
    assert!(
        (failed as f64 - expected).abs() < 4.0 * expected.sqrt(),
        "{failed} vs {expected}"
    );
    assert_eq!(
        logins, failed,
        "every visit is protected and decided at the AS"
    );
}

#[test]
fn revoking_refresh_tokens_makes_the_next_exchange_fail_and_prompts_under_revoked() {
    let text = r#"
name = "rt"
[simulation]
users = 2000
duration = "6d"
sample_every = "1h"
[authorization_server]
plan = "enterprise"
idle_timeout = "1h"
absolute_timeout = "365d"
[[apps]]
name = "phone"
kind = "native"
refresh_tokens = { enabled = true, absolute_lifetime = "365d", idle_lifetime = "100d", rotation = true }
[users]
visits_per_day = 3.0
protected_share = 1.0
[[events]]
at = "3d"
kind = "revoke_refresh_tokens"
"#;
    let s = from_str(text, "rt.toml", &[]).unwrap();
    let m = simulate(&s, 0);
    let by = m.causes.get(Family::InteractiveLogins, 0, Cause::Revoked);
    let failures = m.app_value(0, AppCounter::RefreshTokenFailures);
    assert!(by > 1_900, "{by}");
    assert!(failures >= by, "{failures} < {by}");
}

#[test]
fn events_are_exact_across_threads_and_shards_and_their_logs_agree() {
    let dir = tmp();
    let sc = bundled("incident");
    let events = [
        "--set",
        "simulation.users=600",
        "--set",
        "simulation.duration=3d",
        "--set",
        "simulation.warmup=3d",
        "--set",
        r#"events=[{ at = "1d9h", kind = "revoke_sessions", idp = true, apps = true }, { at = "1d12h", kind = "outage", duration = "1h" }, { at = "2d", kind = "set", key = "authorization_server.idle_timeout", value = "1h" }]"#,
    ];
    let run = |extra: &[&str], out: &str| {
        let o = ssosim(dir.path())
            .arg("run")
            .arg(&sc)
            .args(events)
            .args(["--quiet", "--no-charts", "--out", out])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    };
    run(&["--threads", "1", "--logs"], "one");
    run(&["--threads", "2"], "two");
    run(&["--shard", "0/2"], "s0");
    run(&["--shard", "1/2"], "s1");
    let o = ssosim(dir.path())
        .args([
            "merge",
            "s0",
            "s1",
            "--out",
            "merged",
            "--quiet",
            "--no-charts",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["summary.csv", "load.csv", "timeseries.csv", "logins.csv"] {
        let one = std::fs::read(dir.path().join("one").join(f)).unwrap();
        let two = std::fs::read(dir.path().join("two").join(f)).unwrap();
        let merged = std::fs::read(dir.path().join("merged").join(f)).unwrap();
        assert_eq!(one, two, "{f}");
        assert_eq!(one, merged, "{f}");
    }
    let text = std::fs::read_to_string(dir.path().join("one/summary.csv")).unwrap();
    assert!(metric(&text, "sessions_ended_revoked", "as") > 0.0);
    assert!(metric(&text, "sessions_ended_revoked", "idp:facebook") > 0.0);
    assert!(metric(&text, "visits_failed_outage", "all") > 0.0);
    assert!(metric(&text, "interactive_logins_by_revoked", "all") > 0.0);
}

/// The problems of `events` added to a valid scenario, as printed lines.
fn refusal(events: &str) -> String {
    let text = format!("{BASE}{events}");
    match from_str(&text, "bad.toml", &[]) {
        Ok(_) => panic!("accepted:\n{events}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_events_are_refused_naming_file_key_and_what_is_accepted() {
    let e = refusal("[[events]]\nat = \"1d\"\nkind = \"reboot\"\n");
    assert!(
        e.contains("bad.toml: events.0.kind: unknown value \"reboot\""),
        "{e}"
    );
    assert!(
        e.contains("\"revoke_sessions\", \"revoke_refresh_tokens\", \"outage\", \"set\""),
        "{e}"
    );
    let e = refusal("[[events]]\nat = \"7d\"\nkind = \"revoke_sessions\"\n");
    assert!(
        e.contains("bad.toml: events.0.at: 7d is not within the run"),
        "{e}"
    );
    assert!(e.contains("less than 7d"), "{e}");
    let e = refusal("[[events]]\nat = \"1d\"\nkind = \"outage\"\n");
    assert!(e.contains("bad.toml: events.0.duration: missing"), "{e}");
    let e = refusal(
        "[[events]]\nat = \"1d\"\nkind = \"set\"\nkey = \"authorization_server.idle_timout\"\nvalue = \"1d\"\n",
    );
    assert!(e.contains("bad.toml: events.0.key:"), "{e}");
    assert!(e.contains("idle_timeout"), "{e}");
    let e = refusal(
        "[[events]]\nat = \"1d\"\nkind = \"set\"\nkey = \"authorization_server.idle_timeout\"\nvalue = \"1 week\"\n",
    );
    assert!(
        e.contains("bad.toml: events.0.value: set authorization_server.idle_timeout = \"1 week\""),
        "{e}"
    );
    let e =
        refusal("[[events]]\nat = \"1d\"\nkind = \"set\"\nkey = \"simulation.users\"\nvalue = 5\n");
    assert!(
        e.contains("events.0.key: \"simulation.users\" cannot change during a run"),
        "{e}"
    );
    assert!(e.contains("authorization_server.idle_timeout"), "{e}");
    let e =
        refusal("[[events]]\nat = \"1d\"\nkind = \"revoke_refresh_tokens\"\nduration = \"1h\"\n");
    assert!(e.contains("events.0.duration"), "{e}");
    let e = refusal("[[events]]\nkind = \"revoke_sessions\"\n");
    assert!(e.contains("events.0.at: missing"), "{e}");
}

#[test]
fn a_scenario_with_events_round_trips_through_its_canonical_toml() {
    let s = web(
        10,
        3,
        "[[events]]\nat = \"1d\"\nkind = \"set\"\nkey = \"authorization_server.idle_timeout\"\nvalue = \"2h\"\n[[events]]\nat = \"2d\"\nkind = \"outage\"\nduration = \"30m\"\n[[events]]\nat = \"12h\"\nkind = \"revoke_sessions\"\napps = true\n",
    );
    let text = ssosim::scenario::to_toml(&s);
    assert_eq!(from_str(&text, "again.toml", &[]).unwrap(), s, "{text}");
    assert!(
        text.contains("[[events]]\nat = \"1d\"\nkind = \"set\""),
        "{text}"
    );
}

#[test]
fn the_report_marks_each_event_and_compares_the_days_around_it() {
    let dir = tmp();
    let o = ssosim(dir.path())
        .arg("run")
        .arg(bundled("incident"))
        .args([
            "--set",
            "simulation.users=400",
            "--set",
            "simulation.warmup=6d",
        ])
        .args(["--set", "simulation.duration=4d", "--quiet", "--out", "r"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for chart in ["as_load", "sessions", "logged_in_users", "reauth_over_time"] {
        let svg =
            std::fs::read_to_string(dir.path().join("r").join(format!("{chart}.svg"))).unwrap();
        assert!(svg.contains("revoke_sessions"), "{chart} has no event mark");
    }
    let html = std::fs::read_to_string(dir.path().join("r/report.html")).unwrap();
    assert!(html.contains("<h2>Before and after each tenant event</h2>"));
    assert!(
        html.contains("<td>revoke_sessions</td><td>before (1d)</td>"),
        "{html}"
    );
    assert!(html.contains("<td>revoke_sessions</td><td>after (1d)</td>"));
    // The settings list the scenario's events, with their keys.
    assert!(html.contains("<h3>Tenant events (1)</h3>"), "{html}");
    assert!(
        html.contains("<tr><td>1d9h</td><td><code>revoke_<wbr>sessions</code></td>"),
        "{html}"
    );
    // Monday 09:00: the warm-up of 6 days starts the window on a Sunday.
    assert!(
        html.contains("revoke_sessions at 7d+09:00:00.000 (Mon)"),
        "{html}"
    );
}
