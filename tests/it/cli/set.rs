//! `--set KEY=VALUE` on nested keys, recorded in run.json, and its errors.

use crate::support::cli::*;

#[test]
fn nested_keys_apply_and_are_recorded() {
    let dir = tmp();
    write(dir.path(), "x.toml", BASE);
    let out = ssosim(dir.path())
        .args([
            "run",
            "x.toml",
            "--quiet",
            "--out",
            "out",
            "--set",
            "authorization_server.idle_timeout=1d",
            "--set",
            "apps.web.kind=native",
            "--set",
            "apps.0.local_session.idle_timeout=1h",
            "--set",
            "identity_providers.facebook.absolute_timeout=120d",
            "--set",
            "simulation.users=50",
            "--replicas",
            "2",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let toml = std::fs::read_to_string(dir.path().join("out/scenario.toml")).unwrap();
    for expected in [
        "idle_timeout = \"1d\"",
        "kind = \"native\"",
        "idle_timeout = \"1h\"",
        "absolute_timeout = \"120d\"",
        "users = 50",
        "replicas = 2",
    ] {
        assert!(toml.contains(expected), "{expected} in\n{toml}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/run.json")).unwrap()).unwrap();
    let recorded: Vec<&str> = json["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(
        recorded,
        [
            "authorization_server.idle_timeout=1d",
            "apps.web.kind=native",
            "apps.0.local_session.idle_timeout=1h",
            "identity_providers.facebook.absolute_timeout=120d",
            "simulation.users=50",
            "simulation.replicas=2",
        ]
    );
    assert_eq!(json["replicas"], 2);
}

#[test]
fn set_errors_name_the_flag() {
    let dir = tmp();
    write(dir.path(), "x.toml", BASE);
    for (flag, message) in [
        (
            "nokey",
            "error: --set nokey: no \"=\" in the flag; use --set KEY=VALUE",
        ),
        ("=1", "error: --set =1: empty key"),
        ("a..b=1", "error: --set a..b=1: \"a..b\" has an empty part"),
        (
            "simulation.userz=5",
            "error: --set simulation.userz=5: simulation.userz: unknown key; did you mean simulation.users?",
        ),
        (
            "apps.5.kind=native",
            "error: --set apps.5.kind=native: apps: no element at index 5; use an index from 0 to 0 or a name: web",
        ),
        (
            "apps.shop.kind=native",
            "error: --set apps.shop.kind=native: apps: no element named \"shop\"",
        ),
        (
            "simulation.users.x=1",
            "error: --set simulation.users.x=1: simulation.users: is the integer 200, not a table",
        ),
        (
            "simulation.users=abc",
            "error: --set simulation.users=abc: simulation.users: expected a whole number, found the string \"abc\"",
        ),
        (
            "authorization_server.idle_timeout=5d",
            "error: --set authorization_server.idle_timeout=5d: authorization_server.idle_timeout: 5d is above the self_service limit of 3d",
        ),
        (
            // The file's idle timeout (3d) is fine alone: the flag made the conflict.
            "authorization_server.absolute_timeout=1d",
            "error: --set authorization_server.absolute_timeout=1d: authorization_server.idle_timeout: 3d is longer than absolute_timeout 1d",
        ),
    ] {
        let out = ssosim(dir.path())
            .args(["run", "x.toml", "--quiet", "--set", flag])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(stderr(&out).contains(message), "{flag}: {}", stderr(&out));
    }
    assert_eq!(entries(dir.path()), ["x.toml"]);
}
