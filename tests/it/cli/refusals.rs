//! Every validation error class of issue 4, through the binary: the message
//! in the project format, exit status 2, and no output folder.

use crate::support::cli::*;

/// Writes `text` as a scenario, runs it with `--out`, and checks the refusal:
/// exit 2, every `expected` line on stderr, nothing on stdout, nothing written.
fn refused(text: &str, expected: &[&str]) {
    let dir = tmp();
    let path = write(dir.path(), "x.toml", text);
    let out = ssosim(dir.path())
        .args(["run", "x.toml", "--out", "out", "--quiet"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
    assert!(stdout(&out).is_empty());
    assert_eq!(entries(dir.path()), ["x.toml"], "something was written");
    drop(path);
}

/// `BASE` with `from` replaced by `to`.
fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    BASE.replacen(from, to, 1)
}

#[test]
fn unknown_key_suggests_the_closest() {
    refused(
        &with("users = 200", "user = 200"),
        &["error: x.toml: simulation.user: unknown key; did you mean simulation.users?"],
    );
}

#[test]
fn wrong_type() {
    refused(
        &with("users = 200", "users = \"many\""),
        &[
            "error: x.toml: simulation.users: expected a whole number, found the string \"many\"; use a whole number from 1 to 1000000000",
        ],
    );
}

#[test]
fn bare_number_where_a_duration_is_expected() {
    refused(
        &with("duration = \"7d\"", "duration = 30"),
        &[
            "error: x.toml: simulation.duration: bare number 30 is not a duration; use a string such as \"250ms\", \"10s\", \"45m\", \"3h\", \"30d\" or \"1d12h\"",
        ],
    );
}

#[test]
fn malformed_duration() {
    refused(
        &with("duration = \"7d\"", "duration = \"3x\""),
        &[
            "error: x.toml: simulation.duration: \"3x\" has an unknown unit \"x\"; use a string such as",
        ],
    );
    refused(
        &with("duration = \"7d\"", "duration = \"5m1h\""),
        &[
            "error: x.toml: simulation.duration: \"5m1h\" repeats a unit or does not go from largest to smallest",
        ],
    );
}

#[test]
fn negative_and_non_finite_rates() {
    refused(
        &with("[users]", "[users]\nvisits_per_day = -1.0"),
        &["error: x.toml: users.visits_per_day: -1 is negative; use a number from 0 to 1000000"],
    );
    refused(
        &with("[users]", "[users]\nbrowser_closes_per_day = inf"),
        &["error: x.toml: users.browser_closes_per_day: inf is not a finite number"],
    );
    refused(
        &with("[users]", "[users]\npassword_resets_per_year = nan"),
        &["error: x.toml: users.password_resets_per_year: NaN is not a finite number"],
    );
}

#[test]
fn shares_outside_zero_one() {
    refused(
        &with("[users]", "[users]\nprotected_share = 1.5"),
        &[
            "error: x.toml: users.protected_share: 1.5 is above the limit of 1; use a share from 0 to 1",
        ],
    );
    refused(
        &with("[users]", "[users]\nthird_party_cookies_blocked = -0.1"),
        &["error: x.toml: users.third_party_cookies_blocked: -0.1 is negative"],
    );
}

#[test]
fn connection_shares_must_sum_to_one() {
    refused(
        &with("facebook = 0.5 }", "facebook = 0.4 }"),
        &["error: x.toml: users.connections: shares sum to 0.9; they must sum to 1"],
    );
}

#[test]
fn connection_naming_an_undefined_idp() {
    refused(
        &with("facebook = 0.5 }", "facebok = 0.5 }"),
        &[
            "error: x.toml: users.connections.facebok: no identity provider named \"facebok\"; did you mean facebook? define [identity_providers.facebok] or use one of: password, facebook",
        ],
    );
}

#[test]
fn duplicate_app_names() {
    refused(
        &with(
            "[users]",
            "[[apps]]\nname = \"web\"\nkind = \"native\"\n[users]",
        ),
        &[
            "error: x.toml: apps.1.name: duplicate app name \"web\" (apps.0 has it too); give each app its own name",
        ],
    );
}

#[test]
fn no_apps() {
    refused(
        &with("[[apps]]\nname = \"web\"\nkind = \"regular_web\"\n", ""),
        &["error: x.toml: apps: no apps; add at least one [[apps]] table with name and kind"],
    );
}

#[test]
fn unknown_kind_and_plan() {
    refused(
        &with("kind = \"regular_web\"", "kind = \"webapp\""),
        &[
            "error: x.toml: apps.0.kind: unknown value \"webapp\"; use one of \"regular_web\", \"spa_backend\", \"native\", \"spa_implicit\"",
        ],
    );
    refused(
        &with(
            "[authorization_server]",
            "[authorization_server]\nplan = \"free\"",
        ),
        &[
            "error: x.toml: authorization_server.plan: unknown value \"free\"; use one of \"self_service\", \"enterprise\"",
        ],
    );
}

#[test]
fn timeout_above_the_plan_limit() {
    refused(
        &with("idle_timeout = \"3d\"", "idle_timeout = \"5d\""),
        &[
            "error: x.toml: authorization_server.idle_timeout: 5d is above the self_service limit of 3d; set plan = \"enterprise\" for up to 100d",
        ],
    );
    refused(
        &with(
            "idle_timeout = \"3d\"",
            "plan = \"enterprise\"\nidle_timeout = \"3d\"\nabsolute_timeout = \"400d\"",
        ),
        &[
            "error: x.toml: authorization_server.absolute_timeout: 400d is above the enterprise limit of 365d; use at most 365d",
        ],
    );
}

#[test]
fn idle_longer_than_absolute() {
    refused(
        &with(
            "[identity_providers.facebook]",
            "[identity_providers.facebook]\nidle_timeout = \"10d\"\nabsolute_timeout = \"5d\"",
        ),
        &[
            "error: x.toml: identity_providers.facebook.idle_timeout: 10d is longer than absolute_timeout 5d; use an idle timeout no longer than the absolute timeout",
        ],
    );
}

#[test]
fn zero_users() {
    refused(
        &with("users = 200", "users = 0"),
        &["error: x.toml: simulation.users: 0 is below 1; use a whole number from 1 to 1000000000"],
    );
}

#[test]
fn values_that_would_overflow() {
    refused(
        &with("users = 200", "users = 1000000000000"),
        &["simulation.users: 1000000000000 is above the limit of 1000000000"],
    );
    refused(
        &with("duration = \"7d\"", "duration = \"99999999999999d\""),
        &["simulation.duration: \"99999999999999d\" is too long"],
    );
    refused(
        &with("users = 200", "users = 1000000000")
            .replace("duration = \"7d\"", "duration = \"30d\"")
            .replace("[users]", "[users]\nvisits_per_day = 1000000.0"),
        &[
            "error: x.toml: simulation: the run would simulate about",
            "more than the limit of 9.007e15",
        ],
    );
}

#[test]
fn toml_syntax_error_shows_line_and_column() {
    refused(
        "name = \"t\"\n[simulation\nusers = 1\n",
        &[
            "error: x.toml: line 2, column 12: unclosed table, expected `]`; the file must be valid TOML",
        ],
    );
}

#[test]
fn every_problem_is_listed() {
    let text = with("users = 200", "users = 0").replace("kind = \"regular_web\"", "kind = \"x\"");
    refused(
        &text,
        &[
            "simulation.users: 0 is below 1",
            "apps.0.kind: unknown value \"x\"",
        ],
    );
}

#[test]
fn missing_file_and_directory() {
    let dir = tmp();
    for (arg, msg) in [
        (
            "nofile.toml",
            "error: nofile.toml: cannot read: no such file; give the path of a readable scenario file",
        ),
        (
            ".",
            "error: .: is a directory; give the path of a scenario file (.toml)",
        ),
    ] {
        let out = ssosim(dir.path()).args(["run", arg]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains(msg), "{}", stderr(&out));
    }
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn bad_flags_are_refused_with_status_2() {
    let dir = tmp();
    write(dir.path(), "x.toml", BASE);
    for args in [
        vec!["run", "x.toml", "--replicas", "0"],
        vec!["run", "x.toml", "--threads", "0"],
        vec!["run", "x.toml", "--bogus"],
        vec!["run"],
        vec!["frobnicate"],
        vec!["trace", "x.toml", "--user", "999"],
        vec!["trace", "x.toml", "--user", "1", "--until", "2x"],
    ] {
        let out = ssosim(dir.path()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("error"), "{args:?}");
    }
    assert_eq!(entries(dir.path()), ["x.toml"]);
}

#[test]
fn runs_too_big_need_force() {
    let dir = tmp();
    write(
        dir.path(),
        "x.toml",
        &BASE.replace("users = 200", "users = 1000000000"),
    );
    let out = ssosim(dir.path())
        .args(["run", "x.toml", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error: x.toml: simulation: the run would simulate about 1.4e11 events (estimate; about 4 hours at 10 M events/s), more than 1e11 without --force;"),
        "{}",
        stderr(&out)
    );
    let out = ssosim(dir.path())
        .args(["check", "x.toml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("  warning: simulation: the run would simulate about 1.4e11 events")
    );
    let out = ssosim(dir.path())
        .args(["sweep", "x.toml", "--vary", "users.logout_share=0,0.1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(entries(dir.path()), ["x.toml"]);
}
