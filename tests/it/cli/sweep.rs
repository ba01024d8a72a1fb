//! `ssosim sweep`: folders per point, sweep.csv, the idle-timeout trend,
//! `--list`, and refusals.

use crate::support::cli::*;

#[test]
fn idle_timeout_sweep_writes_points_and_reauth_falls() {
    let dir = tmp();
    let out = ssosim(dir.path())
        .arg("sweep")
        .arg(bundled("storezero"))
        .args([
            "--set",
            "simulation.users=300",
            "--set",
            "simulation.duration=14d",
            "--vary",
            "authorization_server.idle_timeout=1h,1d,3d",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let sweep = dir.path().join("output/storezero-sweep");
    assert_eq!(
        entries(&sweep),
        [
            "compare_as_sessions.png",
            "compare_as_sessions.svg",
            "compare_logged_in_users.png",
            "compare_logged_in_users.svg",
            "compare_rates.png",
            "compare_rates.svg",
            "comparison.html",
            "idle_timeout-1d",
            "idle_timeout-1h",
            "idle_timeout-3d",
            "sweep.csv"
        ]
    );
    let csv = std::fs::read_to_string(sweep.join("sweep.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("authorization_server.idle_timeout,metric,scope,value,ci95_low,ci95_high")
    );
    // Each point's block is its summary.csv, prefixed with the value.
    for v in ["1h", "1d", "3d"] {
        let summary =
            std::fs::read_to_string(sweep.join(format!("idle_timeout-{v}/summary.csv"))).unwrap();
        let block: Vec<String> = summary
            .lines()
            .skip(1)
            .map(|l| format!("{v},{l}"))
            .collect();
        let found: Vec<&str> = csv
            .lines()
            .filter(|l| l.starts_with(&format!("{v},")))
            .collect();
        assert_eq!(found, block);
        let json =
            std::fs::read_to_string(sweep.join(format!("idle_timeout-{v}/run.json"))).unwrap();
        assert!(json.contains(&format!("authorization_server.idle_timeout={v}")));
    }
    let reauth: Vec<f64> = csv
        .lines()
        .filter(|l| l.contains(",reauth_rate,all,"))
        .map(|l| l.split(',').nth(3).unwrap().parse().unwrap())
        .collect();
    assert_eq!(reauth.len(), 3);
    assert!(
        reauth[0] > reauth[1] && reauth[1] > reauth[2],
        "reauth_rate should fall as the idle timeout grows: {reauth:?}"
    );
    // One duration key varied: the shares are curves against its value, the
    // key named on a log axis (1h to 3d spans 72×), one panel per share.
    let svg = std::fs::read_to_string(sweep.join("compare_rates.svg")).unwrap();
    let texts = svg_texts(&svg);
    assert!(
        texts.contains(&"authorization_server.idle_timeout (days, log scale)".to_string()),
        "{texts:?}"
    );
    assert!(texts.contains(&"reauth_rate".to_string()) && texts.contains(&"sso_share".to_string()));
    assert!(
        texts.contains(&"Re-authentication and SSO against".to_string()),
        "{texts:?}"
    );
}

/// The text of every element of an SVG document, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    roxmltree::Document::parse(svg)
        .unwrap()
        .descendants()
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

#[test]
fn two_keys_make_a_grid_and_list_prints_commands() {
    let dir = tmp();
    let out = ssosim(dir.path())
        .args(["sweep", "s.toml"])
        .args([
            "--set",
            "simulation.users=100",
            "--vary",
            "authorization_server.idle_timeout=1h,1d",
            "--vary",
            "users.connections={ password = 1.0 },{ password = 0.5, facebook = 0.5 }",
            "--replicas",
            "2",
            "--out",
            "sw",
            "--list",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    // The scenario does not exist yet: refused, nothing written.
    assert_eq!(out.status.code(), Some(2));
    write(dir.path(), "s.toml", BASE);
    let out = ssosim(dir.path())
        .args(["sweep", "s.toml"])
        .args([
            "--set",
            "simulation.users=100",
            "--vary",
            "authorization_server.idle_timeout=1h,1d",
            "--vary",
            "users.connections={ password = 1.0 },{ password = 0.5, facebook = 0.5 }",
            "--replicas",
            "2",
            "--out",
            "sw",
            "--list",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = [
        "ssosim run s.toml --set simulation.users=100 --set authorization_server.idle_timeout=1h --set 'users.connections={ password = 1.0 }' --set simulation.replicas=2 --out sw/idle_timeout-1h_connections-__password___1.0__",
        "ssosim run s.toml --set simulation.users=100 --set authorization_server.idle_timeout=1h --set 'users.connections={ password = 0.5, facebook = 0.5 }' --set simulation.replicas=2 --out sw/idle_timeout-1h_connections-__password___0.5__facebook___0.5__",
        "ssosim run s.toml --set simulation.users=100 --set authorization_server.idle_timeout=1d --set 'users.connections={ password = 1.0 }' --set simulation.replicas=2 --out sw/idle_timeout-1d_connections-__password___1.0__",
        "ssosim run s.toml --set simulation.users=100 --set authorization_server.idle_timeout=1d --set 'users.connections={ password = 0.5, facebook = 0.5 }' --set simulation.replicas=2 --out sw/idle_timeout-1d_connections-__password___0.5__facebook___0.5__",
    ];
    assert_eq!(stdout(&out).lines().collect::<Vec<_>>(), expected);
    assert_eq!(entries(dir.path()), ["s.toml"], "--list writes nothing");
    // The listed commands are what the sweep runs: the same folders.
    let out = ssosim(dir.path())
        .args(["sweep", "s.toml", "--quiet"])
        .args([
            "--set",
            "simulation.users=100",
            "--vary",
            "authorization_server.idle_timeout=1h,1d",
            "--vary",
            "users.connections={ password = 1.0 },{ password = 0.5, facebook = 0.5 }",
            "--replicas",
            "2",
            "--out",
            "sw",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut folders: Vec<String> = expected
        .iter()
        .map(|l| l.rsplit("sw/").next().unwrap().to_string())
        .collect();
    folders.push("sweep.csv".to_string());
    folders.sort();
    let written: Vec<String> = entries(&dir.path().join("sw"))
        .into_iter()
        .filter(|n| !n.starts_with("compar"))
        .collect();
    assert_eq!(written, folders);
    let csv = std::fs::read_to_string(dir.path().join("sw/sweep.csv")).unwrap();
    assert!(csv.starts_with(
        "authorization_server.idle_timeout,users.connections,metric,scope,value,ci95_low,ci95_high\n1h,{ password = 1.0 },users,all,"
    ));
    assert!(csv.contains("\n1d,\"{ password = 0.5, facebook = 0.5 }\",reauth_rate,all,"));
    // Two keys, one of them a table: one bar per point, labelled by its values.
    let svg = std::fs::read_to_string(dir.path().join("sw/compare_rates.svg")).unwrap();
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|t| t.ends_with("by run")), "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("log scale")), "{texts:?}");
}

#[test]
fn refused_points_refuse_the_sweep() {
    let dir = tmp();
    write(dir.path(), "s.toml", BASE);
    for (vary, message) in [
        (
            "authorization_server.idle_timeout=1h,5d,6d",
            "error: --vary authorization_server.idle_timeout=5d: authorization_server.idle_timeout: 5d is above the self_service limit of 3d",
        ),
        ("authorization_server.idle_timeout", "no \"=\" in the flag"),
        ("authorization_server.idle_timeout=1h,,1d", "an empty value"),
        (
            "authorization_server.idle_timeout=1h,1h",
            "the value 1h is given twice",
        ),
    ] {
        let out = ssosim(dir.path())
            .args(["sweep", "s.toml", "--vary", vary])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{vary}");
        assert!(stderr(&out).contains(message), "{vary}: {}", stderr(&out));
    }
    let out = ssosim(dir.path())
        .args([
            "sweep",
            "s.toml",
            "--vary",
            "users.logout_share=0.1",
            "--vary",
            "users.logout_share=0.2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the key is varied twice"));
    let out = ssosim(dir.path())
        .args(["sweep", "s.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--vary is required");
    assert_eq!(entries(dir.path()), ["s.toml"]);
}

/// Runs the idle-timeout sweep of storezero used below (values in an order
/// that is not alphabetical: sweep order must be kept), with `extra` flags.
fn idle_sweep(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    ssosim(dir)
        .arg("sweep")
        .arg(bundled("storezero"))
        .args(SMALL)
        .args([
            "--vary",
            "authorization_server.idle_timeout=1h,1d",
            "--replicas",
            "2",
            "--out",
            "sw",
        ])
        .args(extra)
        .output()
        .unwrap()
}

/// The sweep's own files (not the point folders), name → bytes.
fn sweep_files(sweep: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    entries(sweep)
        .into_iter()
        .filter(|n| sweep.join(n).is_file())
        .map(|n| {
            let bytes = std::fs::read(sweep.join(&n)).unwrap();
            (n, bytes)
        })
        .collect()
}

/// True when every number of `text` has at most four significant digits.
fn rounded(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|t| t.contains(|c: char| c.is_ascii_digit()))
        .all(|t| t.trim_start_matches(['0', '.']).replace('.', "").len() <= 4)
}

#[test]
fn summary_is_rounded_and_collect_rebuilds_the_sweep_files_byte_for_byte() {
    let dir = tmp();
    let out = idle_sweep(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let points: Vec<&str> = err.lines().filter(|l| l.contains("reauth_rate")).collect();
    assert_eq!(points.len(), 2, "{err}");
    for line in &points {
        // `reauth_rate 0.7984 [0.7175, 0.8794]  sso_share ...`: as run's summary.
        let rates = line.split_once("reauth_rate").unwrap().1;
        assert!(rates.contains(" [") && rates.contains(", "), "{line}");
        assert!(rounded(rates), "{line}");
    }
    assert!(points[0].contains("idle_timeout-1h"), "sweep order: {err}");
    let sweep = dir.path().join("sw");
    let local = sweep_files(&sweep);
    let names: Vec<&str> = local.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"sweep.csv") && names.contains(&"comparison.html"));
    assert!(names.len() >= 8, "{names:?}");
    // As a cluster leaves it: point folders only.
    for (name, _) in &local {
        std::fs::remove_file(sweep.join(name)).unwrap();
    }
    let out = idle_sweep(dir.path(), &["--collect", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        sweep_files(&sweep),
        local,
        "--collect writes a local sweep's bytes"
    );

    // compare SWEEP_DIR: the points, in sweep order (1h before 1d).
    let whole = ssosim(dir.path()).args(["compare", "sw"]).output().unwrap();
    assert!(whole.status.success(), "{}", stderr(&whole));
    let each = ssosim(dir.path())
        .args(["compare", "sw/idle_timeout-1h", "sw/idle_timeout-1d"])
        .output()
        .unwrap();
    assert_eq!(stdout(&whole), stdout(&each));

    // chart on a sweep folder: says what it is, writes nothing.
    let out = ssosim(dir.path()).args(["chart", "sw"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("sw: a sweep folder"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sweep_files(&sweep), local);

    // Collecting points of another scenario, or a missing point, is refused.
    let out = idle_sweep(dir.path(), &["--collect", "--set", "simulation.users=100"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("its scenario.toml is not this point's scenario"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(sweep.join("idle_timeout-1d")).unwrap();
    let out = idle_sweep(dir.path(), &["--collect"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("idle_timeout-1d: no finished run of this point"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sweep_files(&sweep), local, "nothing written");
    let out = ssosim(dir.path()).args(["compare", "sw"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a point is missing");
}

/// The circles of an SVG as `(cx, cy, fill, stroke)`.
fn circles(svg: &str) -> Vec<(f64, f64, String, String)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("circle"))
        .map(|n| {
            let num = |a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
            let text = |a: &str| n.attribute(a).unwrap_or("").to_string();
            (num("cx"), num("cy"), text("fill"), text("stroke"))
        })
        .collect()
}

/// The `(x, y)` of the SVG `<text>` whose trimmed text is `label`.
fn text_at(svg: &str, label: &str) -> (f64, f64) {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let n = doc
        .descendants()
        .find(|n| n.has_tag_name("text") && n.text().map(str::trim) == Some(label))
        .unwrap_or_else(|| panic!("no text {label}"));
    let num = |a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
    (num("x"), num("y"))
}

/// Per point of `sweep_wide.csv`, its first column and the values of `columns`.
fn wide_values(wide: &str, columns: [&str; 2]) -> Vec<(String, [f64; 2])> {
    let mut reader = csv::Reader::from_reader(wide.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = columns.map(|c| {
        header
            .iter()
            .position(|h| h == c)
            .unwrap_or_else(|| panic!("no column {c}"))
    });
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), at.map(|i| r[i].parse::<f64>().unwrap()))
        })
        .collect()
}

/// Checks `frontier.svg` against the Pareto set computed from the wide
/// form: filled vermillion circles at the optimal points' labels, hollow grey
/// ones at the others (plus one of each in the legend).
fn check_frontier_svg(sweep: &std::path::Path, points: &[(String, [f64; 2])], optimal: &[bool]) {
    let svg = std::fs::read_to_string(sweep.join("frontier.svg")).unwrap();
    let all = circles(&svg);
    let filled = all.iter().filter(|c| c.2 == "#D55E00").count();
    let hollow = all.iter().filter(|c| c.3 == "#969696").count();
    let n_opt = optimal.iter().filter(|&&o| o).count();
    assert_eq!(
        filled,
        n_opt + 1,
        "optimal points and the legend's: {all:?}"
    );
    assert_eq!(hollow, points.len() - n_opt + 1, "{all:?}");
    for ((label, _), &opt) in points.iter().zip(optimal) {
        let (x, y) = text_at(&svg, label);
        let nearest = all
            .iter()
            .min_by(|a, b| {
                let d = |c: &(f64, f64, String, String)| (c.0 - x).powi(2) + (c.1 - y).powi(2);
                d(a).total_cmp(&d(b))
            })
            .unwrap();
        assert_eq!(nearest.2 == "#D55E00", opt, "{label}: {nearest:?}");
    }
}

#[test]
fn frontier_marks_the_pareto_points_and_wide_has_one_row_per_point() {
    let dir = tmp();
    let sweep_with = |extra: &[&str]| {
        ssosim(dir.path())
            .arg("sweep")
            .arg(bundled("storezero"))
            .args(SMALL)
            .args([
                "--set",
                "simulation.warmup=5d",
                "--vary",
                "authorization_server.idle_timeout=1h,1d,3d",
                "--replicas",
                "2",
                "--out",
                "sw",
                "--quiet",
                "--wide",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = sweep_with(&["--frontier", "reauth_rate,valid_session_hours_per_user_day"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sweep = dir.path().join("sw");

    // The wide form holds every value of the long form, one row per point.
    let long = std::fs::read_to_string(sweep.join("sweep.csv")).unwrap();
    let wide = std::fs::read_to_string(sweep.join("sweep_wide.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(wide.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(header[0], "authorization_server.idle_timeout");
    let keys: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(keys, ["1h", "1d", "3d"]);
    let mut cells = 0;
    for line in long.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let column = if f[2] == "all" {
            f[1].to_string()
        } else {
            format!("{}@{}", f[1], f[2])
        };
        let c = header.iter().position(|h| *h == column).unwrap();
        let row = rows.iter().find(|r| r[0] == f[0]).unwrap();
        assert_eq!(row[c], f[3], "{line}");
        cells += 1;
    }
    let filled: usize = rows.iter().map(|r| r[1..].len()).sum();
    assert_eq!(filled, cells, "no cell the long form lacks");
    assert_eq!(
        header.len() - 1,
        cells / 3,
        "one column per metric and scope"
    );
    assert!(header.contains(&"valid_session_hours_per_user_day@as".to_string()));

    // The frontier: a longer idle timeout prompts less and exposes more, so
    // the three points trade off and all are optimal.
    let html = std::fs::read_to_string(sweep.join("comparison.html")).unwrap();
    assert!(html.contains("<figure id=\"frontier\">"), "embedded");
    assert!(sweep.join("frontier.png").is_file());
    let points = wide_values(
        &wide,
        ["reauth_rate", "valid_session_hours_per_user_day@as"],
    );
    let means: Vec<(f64, f64)> = points.iter().map(|p| (p.1[0], p.1[1])).collect();
    assert!(
        means[0].0 > means[1].0 && means[1].0 > means[2].0,
        "{means:?}"
    );
    assert!(
        means[0].1 < means[1].1 && means[1].1 < means[2].1,
        "{means:?}"
    );
    let optimal = ssosim::report::comparison::pareto_optimal(&means, (true, true));
    assert_eq!(optimal, [true, true, true]);
    check_frontier_svg(&sweep, &points, &optimal);
    let svg = std::fs::read_to_string(sweep.join("frontier.svg")).unwrap();
    let texts = svg_texts(&svg);
    for wanted in [
        "reauth_rate (friction)",
        "valid_session_hours_per_user_day (exposure)",
        "Pareto-optimal",
        "beaten on both",
    ] {
        assert!(texts.contains(&wanted.to_string()), "{wanted}: {texts:?}");
    }

    // Another frontier from the same points: interactive logins fall with
    // reauth_rate, so the 3-day point beats the others on both.
    let out = sweep_with(&["--collect", "--frontier", "reauth_rate,interactive_logins"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let wide = std::fs::read_to_string(sweep.join("sweep_wide.csv")).unwrap();
    let points = wide_values(&wide, ["reauth_rate", "interactive_logins"]);
    let means: Vec<(f64, f64)> = points.iter().map(|p| (p.1[0], p.1[1])).collect();
    let optimal = ssosim::report::comparison::pareto_optimal(&means, (true, true));
    assert_eq!(optimal, [false, false, true], "{means:?}");
    check_frontier_svg(&sweep, &points, &optimal);

    // An unknown metric is refused before anything runs, naming the
    // accepted ones; so is an unknown scope.
    let with_frontier = |frontier: &str| {
        ssosim(dir.path())
            .arg("sweep")
            .arg(bundled("storezero"))
            .args(SMALL)
            .args([
                "--vary",
                "authorization_server.idle_timeout=1h,1d",
                "--out",
                "sw2",
            ])
            .args(["--frontier", frontier])
            .output()
            .unwrap()
    };
    let out = with_frontier("reauth_rat,valid_session_hours_per_user_day");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown metric \"reauth_rat\""), "{err}");
    assert!(err.contains("accepted: users, visits,"), "{err}");
    assert!(err.contains("valid_session_hours_per_user_day"), "{err}");
    let out = with_frontier("reauth_rate@app:nope,valid_session_hours_per_user_day");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown scope \"app:nope\"; this scenario's scopes: all, as, app:storezero, idp:facebook"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("sw2").exists(), "nothing written");
}
