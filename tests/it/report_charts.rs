//! Charts and report from hand-made run folders (the run-folder contract of
//! design §9): one replica, replicas with bands, several apps and IdPs, and
//! broken inputs.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use ssosim::report::{self, ReportError};

const DAY: u64 = 86_400_000;
const HOUR: u64 = 3_600_000;

/// What a fixture run folder holds.
struct Fixture {
    name: &'static str,
    apps: &'static [&'static str],
    idps: &'static [&'static str],
    replicas: u32,
    users: u64,
    duration_ms: u64,
    sample_every_ms: u64,
}

const ONE_REPLICA: Fixture = Fixture {
    name: "storezero",
    apps: &["storezero"],
    idps: &["facebook"],
    replicas: 1,
    users: 10_000,
    duration_ms: 30 * DAY,
    sample_every_ms: 6 * HOUR,
};

const WITH_REPLICAS: Fixture = Fixture {
    name: "storezero-replicas",
    apps: &["storezero"],
    idps: &["facebook"],
    replicas: 5,
    users: 10_000,
    duration_ms: 2 * DAY,
    sample_every_ms: HOUR,
};

const MANY_TIERS: Fixture = Fixture {
    name: "portfolio",
    apps: &["shop", "account-portal", "spa"],
    idps: &["facebook", "google"],
    replicas: 1,
    users: 250_000,
    duration_ms: 90 * DAY,
    sample_every_ms: DAY,
};

/// A deterministic wiggle in [-1, 1].
fn wave(i: u64, k: u64) -> f64 {
    ((i as f64) * 0.7 + k as f64).sin()
}

fn ci_cells(out: &mut String, replicas: u32, v: Option<f64>) {
    if replicas > 1 {
        match v {
            Some(v) => {
                let _ = write!(out, ",{},{}", v * 0.93, v * 1.07);
            }
            None => out.push_str(",,"),
        }
    }
}

const SERIES: [&str; 12] = [
    "valid_sessions",
    "orphaned_sessions",
    "logged_in_users",
    "visits",
    "protected_visits",
    "interactive_logins",
    "reauthentications",
    "sso_logins",
    "silent_auth_successes",
    "silent_auth_login_required",
    "authorize_requests",
    "token_requests",
];

fn timeseries(f: &Fixture) -> String {
    let mut out = String::from("time_ms,scope");
    for s in SERIES {
        out.push_str(&format!(",{s}"));
        if f.replicas > 1 {
            out.push_str(&format!(",{s}_ci95_low,{s}_ci95_high"));
        }
    }
    out.push('\n');
    let mut scopes = vec!["all".to_string(), "as".to_string()];
    scopes.extend(f.idps.iter().map(|i| format!("idp:{i}")));
    scopes.extend(f.apps.iter().map(|a| format!("app:{a}")));
    let users = f.users as f64;
    let mut t = 0;
    let mut i = 0;
    while t <= f.duration_ms {
        let days = t as f64 / DAY as f64;
        let ramp = 1.0 - (-days * 2.0).exp();
        for (k, scope) in scopes.iter().enumerate() {
            let share = match scope.as_str() {
                "all" => 1.6,
                "as" => 0.55,
                s if s.starts_with("idp:") => 0.3 / (k as f64),
                _ => 0.35 / (k as f64 - 1.0),
            };
            let valid = (users * share * ramp * (1.0 + 0.05 * wave(i, k as u64))).round();
            let orphaned = if scope == "all" || scope == "as" {
                (users * 0.04 * ramp).round()
            } else {
                0.0
            };
            let logged = (scope == "all").then(|| (users * 0.7 * ramp).round());
            let tier = scope != "all" && scope != "as" && !scope.starts_with("app:");
            let visits = (!tier && scope != "as").then(|| (users * 3.0 * days).round());
            let at_as = scope == "as";
            let values: [Option<f64>; 12] = [
                Some(valid),
                Some(orphaned),
                logged,
                visits,
                visits.map(|v| (v * 0.5).round()),
                visits.map(|v| (v * 0.08).round()),
                visits.map(|v| (v * 0.05).round()),
                visits.map(|v| (v * 0.1).round()),
                visits.map(|v| (v * 0.04).round()),
                visits.map(|v| (v * 0.01).round()),
                at_as.then(|| (users * 0.9 * days * (1.0 + 0.1 * wave(i, 3))).round()),
                at_as.then(|| (users * 0.5 * days).round()),
            ];
            let _ = write!(out, "{t},{scope}");
            for v in values {
                match v {
                    Some(v) => {
                        let _ = write!(out, ",{v}");
                    }
                    None => out.push(','),
                }
                ci_cells(&mut out, f.replicas, v);
            }
            out.push('\n');
        }
        t += f.sample_every_ms;
        i += 1;
    }
    out
}

fn summary(f: &Fixture) -> String {
    let mut out = String::from("metric,scope,value,ci95_low,ci95_high\n");
    let mut row = |metric: &str, scope: &str, v: f64| {
        let ci = if f.replicas > 1 {
            format!("{},{}", v * 0.95, v * 1.05)
        } else {
            ",".to_string()
        };
        let _ = writeln!(out, "{metric},{scope},{v},{ci}");
    };
    let users = f.users as f64;
    let mut per_visit_scopes = vec!["all".to_string()];
    per_visit_scopes.extend(f.apps.iter().map(|a| format!("app:{a}")));
    for (k, scope) in per_visit_scopes.iter().enumerate() {
        let w = if k == 0 { 1.0 } else { 1.0 / (k as f64 + 0.5) };
        let pv = (users * 40.0 * w).round();
        row("users", scope, users);
        row("visits", scope, pv * 2.0);
        row("protected_visits", scope, pv);
        row("local_session_hits", scope, (pv * 0.55).round());
        row("sso_logins", scope, (pv * 0.2 * w).round());
        row("silent_auth_successes", scope, (pv * 0.1).round());
        row("protected_silent_logins", scope, (pv * 0.05).round());
        row("first_logins", scope, (users * 0.9 * w).round());
        row("reauthentications", scope, (pv * 0.1).round());
        row(
            "interactive_logins",
            scope,
            (users * 0.9 * w + pv * 0.1).round(),
        );
        row("silent_auth_login_required", scope, (pv * 0.03).round());
        row("logins_abandoned", scope, (pv * 0.01).round());
        row("reauth_rate", scope, 0.1);
        row("sso_share", scope, 0.4);
        row("a_metric_from_the_future", scope, 42.0);
    }
    row("login_latency_ms_mean", "all", 4321.5);
    row("login_latency_ms_p95", "all", 17_000.0);
    row("hops_per_login_mean", "all", 6.25);
    let mut tiers = vec!["as".to_string()];
    tiers.extend(f.idps.iter().map(|i| format!("idp:{i}")));
    tiers.extend(f.apps.iter().map(|a| format!("app:{a}")));
    for (k, tier) in tiers.iter().enumerate() {
        let created = (users * (3.0 + k as f64)).round();
        let parts = [0.35, 0.1, 0.2, 0.05, 0.02];
        let names = [
            "idle",
            "absolute",
            "browser_close",
            "logout",
            "password_reset",
        ];
        let mut ended = 0.0;
        row("sessions_created", tier, created);
        for (name, p) in names.iter().zip(parts) {
            let p = if tier.starts_with("idp:") && *name == "password_reset" {
                0.0
            } else {
                p * (1.0 + 0.3 * wave(k as u64, 1))
            };
            let v = (created * p).round();
            ended += v;
            row(&format!("sessions_ended_{name}"), tier, v);
        }
        row("sessions_alive_at_end", tier, created - ended);
    }
    row("authorize_requests_per_s_mean", "as", 10.4);
    row("authorize_requests_per_s_peak", "as", 57.0);
    row("token_requests_per_s_mean", "as", 5.2);
    for idp in f.idps {
        row("idp_prompts", &format!("idp:{idp}"), users * 0.3);
        row("idp_sso_logins", &format!("idp:{idp}"), users * 0.8);
    }
    out
}

fn logins(f: &Fixture) -> String {
    let mut out = String::from("kind,latency_ms,hops,count\n");
    let scale = f.users as f64 / 10_000.0;
    for i in 0..40u64 {
        let _ = writeln!(
            out,
            "interactive,{},{},{}",
            8_000 + i * 600,
            7 + i % 4,
            ((40 - i) as f64 * scale).round()
        );
    }
    for i in 0..30u64 {
        let _ = writeln!(
            out,
            "sso,{},{},{}",
            160 + i * 15,
            4 + i % 2,
            ((60 - 2 * i) as f64 * scale).round()
        );
    }
    for i in 0..20u64 {
        let count = (30.0 - i as f64) * scale / f.replicas as f64;
        let _ = writeln!(out, "silent,{},2,{count}", 120 + i * 10);
    }
    out
}

fn run_json(f: &Fixture) -> String {
    format!(
        r#"{{
  "scenario": "{}",
  "scenario_sha256": "9f2c4e1d3b5a79680f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778",
  "seed": 42,
  "replicas": {},
  "users": {},
  "duration_ms": {},
  "sample_every_ms": {},
  "threads": 2,
  "version": "0.1.0",
  "events_processed": 123456789,
  "wall_time_s": 12.5,
  "events_per_s": 9876543.2,
  "peak_rss_bytes": 104857600
}}
"#,
        f.name, f.replicas, f.users, f.duration_ms, f.sample_every_ms
    )
}

fn scenario_toml(f: &Fixture) -> String {
    let mut s = format!(
        "name = \"{}\"\n[simulation]\nusers = {}\nseed = 42\n\n[authorization_server]\nplan = \"self_service\"\ncookie = \"non_persistent\"  # <not> a tag & co\n",
        f.name, f.users
    );
    for app in f.apps {
        let _ = write!(
            s,
            "\n[[apps]]\nname = \"{app}\"\nkind = \"regular_web\"\nlocal_session = {{ idle_timeout = \"2h\", absolute_timeout = \"1d\", cookie = \"non_persistent\" }}\n"
        );
    }
    s
}

/// Writes the run folder of `f` under `parent` and returns its path.
fn write_fixture(parent: &Path, f: &Fixture) -> PathBuf {
    let dir = parent.join(f.name);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("summary.csv"), summary(f)).unwrap();
    fs::write(dir.join("timeseries.csv"), timeseries(f)).unwrap();
    fs::write(dir.join("logins.csv"), logins(f)).unwrap();
    fs::write(dir.join("run.json"), run_json(f)).unwrap();
    fs::write(dir.join("scenario.toml"), scenario_toml(f)).unwrap();
    dir
}

fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    (info.width, info.height)
}

fn check_outputs(dir: &Path, written: &[PathBuf], html_name: &str, stems: &[&str]) {
    assert_eq!(written.len(), stems.len() * 2 + 1, "{written:?}");
    for stem in stems {
        let png = dir.join(format!("{stem}.png"));
        let svg = dir.join(format!("{stem}.svg"));
        assert!(written.contains(&png) && written.contains(&svg), "{stem}");
        // One width, drawn for a phone; the height follows the content.
        let (w, h) = png_size(&png);
        assert_eq!(w, report::style::WIDTH, "{}", png.display());
        assert!((150..=1200).contains(&h), "{}: {h}", png.display());
        let text = fs::read_to_string(&svg).unwrap();
        let doc =
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", svg.display()));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert_eq!(
            doc.root_element().attribute("height"),
            Some(h.to_string().as_str()),
            "{} and its PNG differ",
            svg.display()
        );
    }
    let html_path = dir.join(html_name);
    assert_eq!(written.last(), Some(&html_path));
    let html = fs::read_to_string(&html_path).unwrap();
    for bad in [
        "http://", "https://", "src=\"//", "<link", "<script", "@import", "url(",
    ] {
        assert!(!html.contains(bad), "{html_name} contains {bad}");
    }
    assert_eq!(
        html.matches("src=\"data:image/png;base64,").count(),
        stems.len()
    );
    let diagram = usize::from(html.contains("<figure id=\"first_login\">"));
    assert_eq!(html.matches("<figcaption>").count(), stems.len() + diagram);
    // No temporary file is left behind by the atomic writes.
    for entry in fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp-"), "{name}");
    }
}

fn render_fixture(f: &Fixture) -> (tempfile::TempDir, PathBuf, Vec<PathBuf>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_fixture(tmp.path(), f);
    let written = report::render_run(&dir).unwrap();
    (tmp, dir, written)
}

#[test]
fn one_replica_gives_every_chart_and_the_report() {
    let (_tmp, dir, written) = render_fixture(&ONE_REPLICA);
    check_outputs(&dir, &written, "report.html", &report::RUN_CHART_STEMS);
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<h1>storezero</h1>"));
    assert!(
        html.contains("&lt;not&gt; a tag &amp; co"),
        "scenario shown, escaped"
    );
    assert!(html.contains("<code>reauth_<wbr>rate</code>"));
    assert!(
        html.contains("a_<wbr>metric_<wbr>from_<wbr>the_<wbr>future"),
        "full table keeps unknown metrics"
    );
}

#[test]
fn replicas_draw_bands() {
    let (_tmp, dir, written) = render_fixture(&WITH_REPLICAS);
    check_outputs(&dir, &written, "report.html", &report::RUN_CHART_STEMS);
    let svg = fs::read_to_string(dir.join("sessions.svg")).unwrap();
    assert!(svg.contains("<polygon"), "confidence bands are polygons");
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains(" – "), "intervals in the table");
    assert!(
        html.contains(">10.0%</td><td class=\"num\">9.5% – 10.5%<"),
        "rates as % with one decimal, interval too"
    );
}

#[test]
fn several_apps_and_idps() {
    let (_tmp, dir, written) = render_fixture(&MANY_TIERS);
    check_outputs(&dir, &written, "report.html", &report::RUN_CHART_STEMS);
    let svg = fs::read_to_string(dir.join("session_endings.svg")).unwrap();
    for label in ["IdP google", "app account-portal", "AS ("] {
        assert!(svg.contains(label), "{label}");
    }
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let (_tmp, dir, written) = render_fixture(&WITH_REPLICAS);
    let first: Vec<Vec<u8>> = written.iter().map(|p| fs::read(p).unwrap()).collect();
    let again = report::render_run(&dir).unwrap();
    assert_eq!(written, again);
    for (path, bytes) in again.iter().zip(first) {
        assert!(
            fs::read(path).unwrap() == bytes,
            "{} changed",
            path.display()
        );
    }
}

#[test]
fn comparison_overlays_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let runs: Vec<(String, PathBuf)> = [&ONE_REPLICA, &WITH_REPLICAS, &MANY_TIERS]
        .iter()
        .map(|f| (format!("run {}", f.name), write_fixture(tmp.path(), f)))
        .collect();
    let out = tmp.path().join("compare").join("out");
    let written = report::render_comparison(&runs, &out).unwrap();
    let stems = [
        "compare_as_sessions",
        "compare_logged_in_users",
        "compare_rates",
    ];
    check_outputs(&out, &written, "comparison.html", &stems);
    let svg = fs::read_to_string(out.join("compare_as_sessions.svg")).unwrap();
    assert!(
        svg.contains("run portfolio"),
        "different scenarios: the legend names the runs by label"
    );
    let again = report::render_comparison(&runs, &out).unwrap();
    assert_eq!(written, again);
    assert!(matches!(
        report::render_comparison(&[], &out),
        Err(ReportError::NoRuns)
    ));
}

fn error_for(file: &str, content: Option<&str>) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_fixture(tmp.path(), &ONE_REPLICA);
    match content {
        Some(text) => fs::write(dir.join(file), text).unwrap(),
        None => fs::remove_file(dir.join(file)).unwrap(),
    }
    let err = report::render_run(&dir).expect_err("must fail").to_string();
    assert!(
        err.contains(&dir.join(file).display().to_string()),
        "error names {file}: {err}"
    );
    assert!(
        !dir.join("report.html").exists(),
        "nothing written on error"
    );
    err
}

#[test]
fn missing_files_are_named() {
    for file in ["summary.csv", "timeseries.csv", "logins.csv", "run.json"] {
        let err = error_for(file, None);
        assert!(err.contains("cannot read"), "{err}");
    }
}

#[test]
fn malformed_files_are_named_with_the_line() {
    let err = error_for("summary.csv", Some("metric,scope,value\nvisits,all,1\n"));
    assert!(err.contains("line 1: header is"), "{err}");
    let err = error_for(
        "timeseries.csv",
        Some("time_ms,scope,valid_sessions\n0,all,1\nsoon,all,2\n"),
    );
    assert!(err.contains("line 3: time_ms `soon`"), "{err}");
    let err = error_for(
        "logins.csv",
        Some("kind,latency_ms,hops,count\nsso,12,x,1\n"),
    );
    assert!(err.contains("line 2: hops `x`"), "{err}");
    let err = error_for("run.json", Some("{\"scenario\": 3}"));
    assert!(err.contains("run.json"), "{err}");
    let err = error_for("summary.csv", Some("\u{0}\u{1}garbage"));
    assert!(err.contains("summary.csv"), "{err}");
}

/// A run folder with headers only (and no scenario.toml).
fn write_empty(parent: &Path) -> PathBuf {
    let dir = parent.join("empty");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("summary.csv"),
        "metric,scope,value,ci95_low,ci95_high\n",
    )
    .unwrap();
    fs::write(dir.join("timeseries.csv"), "time_ms,scope,valid_sessions\n").unwrap();
    fs::write(dir.join("logins.csv"), "kind,latency_ms,hops,count\n").unwrap();
    fs::write(
        dir.join("run.json"),
        r#"{"scenario":"empty","duration_ms":0}"#,
    )
    .unwrap();
    dir
}

#[test]
fn sparse_runs_still_render() {
    // Only the headers: every chart says it has no data, nothing panics.
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_empty(tmp.path());
    let written = report::render_run(&dir).unwrap();
    check_outputs(&dir, &written, "report.html", &report::RUN_CHART_STEMS);
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("no scenario.toml"));
}

/// The text of every `<text>` element of an SVG file, in document order.
fn svg_texts(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// Sets every row of `metric` in `dir/summary.csv` to `value` (interval too).
fn set_metric(dir: &Path, metric: &str, value: f64) {
    let path = dir.join("summary.csv");
    let text = fs::read_to_string(&path).unwrap();
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            if cells[0] == metric {
                let ci = if cells[3].is_empty() {
                    ",".to_string()
                } else {
                    format!("{},{}", value * 0.95, value * 1.05)
                };
                format!("{},{},{value},{ci}", cells[0], cells[1])
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(&path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn legends_and_headline_leave_out_what_is_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_fixture(tmp.path(), &ONE_REPLICA);
    set_metric(&dir, "logins_abandoned", 0.0);
    set_metric(&dir, "sessions_ended_password_reset", 0.0);
    let logins = fs::read_to_string(dir.join("logins.csv")).unwrap();
    let no_silent: String = logins
        .lines()
        .filter(|l| !l.starts_with("silent"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(dir.join("logins.csv"), no_silent).unwrap();
    report::render_run(&dir).unwrap();
    let paths = svg_texts(&dir.join("login_paths.svg"));
    assert!(paths.iter().any(|t| t == "SSO"), "{paths:?}");
    assert!(!paths.iter().any(|t| t.contains("abandoned")), "{paths:?}");
    let endings = svg_texts(&dir.join("session_endings.svg"));
    assert!(endings.iter().any(|t| t == "idle timeout"), "{endings:?}");
    assert!(
        !endings.iter().any(|t| t == "password reset"),
        "{endings:?}"
    );
    let latency = svg_texts(&dir.join("login_latency.svg"));
    assert!(latency.iter().any(|t| t == "interactive"), "{latency:?}");
    assert!(!latency.iter().any(|t| t == "silent"), "{latency:?}");
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    let table = &html[html.find("Headline figures").unwrap()..html.find("<details>").unwrap()];
    assert!(
        !table.contains("<tr><td><code>logins_<wbr>abandoned</code>"),
        "no row of zeros"
    );
    assert!(
        table.contains("Zero in this run, so left out: <code>logins_<wbr>abandoned</code>"),
        "the zero rows are named"
    );
}

#[test]
fn axis_ticks_use_one_unit_and_orphans_have_their_own_panel() {
    let (_tmp, dir, _) = render_fixture(&MANY_TIERS);
    let texts = svg_texts(&dir.join("sessions.svg"));
    let kilo = texts
        .iter()
        .filter(|t| {
            t.strip_suffix('k')
                .is_some_and(|n| n.parse::<f64>().is_ok())
        })
        .count();
    let plain_big: Vec<&String> = texts
        .iter()
        .filter(|t| t.parse::<f64>().is_ok_and(|v| v >= 1000.0))
        .collect();
    assert!(kilo >= 3, "137k valid AS sessions: ticks in k: {texts:?}");
    assert!(
        plain_big.is_empty(),
        "never 8000 next to 10k: {plain_big:?}"
    );
    for wanted in ["valid sessions", "orphaned sessions", "AS", "IdP facebook"] {
        assert!(texts.iter().any(|t| t == wanted), "{wanted}: {texts:?}");
    }
    assert!(
        !texts.iter().any(|t| t.contains("(all)")),
        "orphans are per tier, not summed: {texts:?}"
    );
    // The logged-in chart is a share of the users, against the AS share.
    let users = svg_texts(&dir.join("logged_in_users.svg"));
    for wanted in ["logged in", "valid AS session", "share of users", "60%"] {
        assert!(users.iter().any(|t| t == wanted), "{wanted}: {users:?}");
    }
}

/// The `(x, y)` attributes of the SVG `<text>` whose text is `label`.
fn text_at(svg: &str, label: &str) -> (f64, f64) {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let node = doc
        .descendants()
        .find(|n| n.has_tag_name("text") && n.text().map(str::trim) == Some(label))
        .unwrap_or_else(|| panic!("no text {label}"));
    let num = |a: &str| node.attribute(a).unwrap().parse::<f64>().unwrap();
    (num("x"), num("y"))
}

#[test]
fn latency_lollipops_stand_at_the_mean_with_clear_labels_and_per_replica_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_fixture(tmp.path(), &WITH_REPLICAS);
    // Summed over the 5 replicas, as logins.csv holds them.
    fs::write(
        dir.join("logins.csv"),
        "kind,latency_ms,hops,count\ninteractive,8480,12,89\ninteractive,16720,18,11\nsso,320,8,100\n",
    )
    .unwrap();
    report::render_run(&dir).unwrap();
    let svg = fs::read_to_string(dir.join("login_latency.svg")).unwrap();
    let texts = svg_texts(&dir.join("login_latency.svg"));
    for wanted in ["11% · 16.7 s", "89% · 8.48 s", "100% · 0.32 s"] {
        assert!(texts.iter().any(|t| t == wanted), "{wanted}: {texts:?}");
    }
    assert!(
        !texts.iter().any(|t| t == "120%"),
        "no share tick above 100%"
    );
    // The label sits above its marker: its bottom is above the circle's top.
    let (x, y) = text_at(&svg, "11% · 16.7 s");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let marker = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .map(|n| {
            let num = |a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
            (num("cx"), num("cy"), num("r"))
        })
        .find(|(cx, cy, _)| (cx - x).abs() <= 1.0 && *cy > y)
        .expect("a marker under the label");
    assert!(marker.1 - marker.2 >= y + 2.0, "{marker:?} vs label at {y}");
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.contains(
            "Medians per replica (mean): interactive 8.48 s over 20 logins; SSO 0.32 s over 20 logins."
        ),
        "caption counts are per replica, as the table"
    );
}

#[test]
fn report_puts_settings_first_keeps_apps_open_and_fits_a_phone() {
    let (_tmp, dir, _) = render_fixture(&MANY_TIERS);
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no {s}"));
    assert!(at("<dt>plan</dt><dd>self_service</dd>") < at("Headline figures"));
    assert!(at("<dt>cookie</dt><dd>non_persistent</dd>") < at("Headline figures"));
    assert!(at("<td><code>regular_<wbr>web</code></td>") < at("Headline figures"));
    let per_app = &html[at("<h3>Per app</h3>")..at("<details>")];
    assert!(
        per_app.contains("<tr><td>account-portal<div class=\"what\">regular_<wbr>web</div></td>"),
        "{per_app}"
    );
    assert_eq!(per_app.matches("<td class=\"num\">10.0%</td>").count(), 3);
    assert_eq!(
        per_app.matches("<td class=\"num\">40.0%</td>").count(),
        3,
        "sso_share per app"
    );
    assert!(html.contains(
        "<code>sso_<wbr>share</code><div class=\"what\">sso_logins / (sso_logins + interactive_logins)"
    ));
    // Charts scale to the column; long TOML lines wrap; names break at `_` only.
    assert!(html.contains(".chart img, .chart svg { display: block; max-width: 100%;"));
    assert!(!html.contains("min-width: 640px"));
    assert!(html.contains("white-space: pre-wrap"));
    for code in html.split("<code>").skip(1) {
        let code = &code[..code.find("</code>").unwrap()];
        let rest = code.replace("_<wbr>", "").replace(".<wbr>", "");
        assert!(!rest.contains("<wbr>"), "broken mid-word: {code}");
    }
}

/// A [`WITH_REPLICAS`] run folder whose scenario sets the AS idle timeout to
/// `idle` and whose `reauth_rate` is `reauth`, with no silent attempt.
fn point(parent: &Path, name: &str, idle: &str, reauth: f64) -> PathBuf {
    let dir = write_fixture(parent, &WITH_REPLICAS);
    let dir = {
        let to = parent.join(name);
        fs::rename(&dir, &to).unwrap();
        to
    };
    let toml = fs::read_to_string(dir.join("scenario.toml"))
        .unwrap()
        .replace(
            "plan = \"self_service\"\n",
            &format!("plan = \"self_service\"\nidle_timeout = \"{idle}\"\n"),
        );
    fs::write(dir.join("scenario.toml"), toml).unwrap();
    let mut summary = fs::read_to_string(dir.join("summary.csv")).unwrap();
    summary.push_str("sso_share,all,0.6,0.57,0.63\nsilent_auth_failure_share,all,0,0,0\n");
    fs::write(dir.join("summary.csv"), summary).unwrap();
    set_metric(&dir, "reauth_rate", reauth);
    set_metric(&dir, "silent_auth_successes", 0.0);
    set_metric(&dir, "silent_auth_login_required", 0.0);
    report::render_run(&dir).unwrap();
    dir
}

#[test]
fn comparison_names_the_varied_key_links_reports_and_marks_differences() {
    let tmp = tempfile::tempdir().unwrap();
    let runs: Vec<(String, PathBuf)> = [("p1", "1d", 0.1), ("p2", "3d", 0.1), ("p3", "7d", 0.2)]
        .iter()
        .map(|(name, idle, reauth)| (name.to_string(), point(tmp.path(), name, idle, *reauth)))
        .collect();
    let out = tmp.path().join("cmp");
    report::render_comparison(&runs, &out).unwrap();
    let lines = svg_texts(&out.join("compare_as_sessions.svg"));
    for wanted in ["idle_timeout=1d", "idle_timeout=3d", "idle_timeout=7d"] {
        assert!(lines.iter().any(|t| t == wanted), "{wanted}: {lines:?}");
    }
    assert!(!lines.iter().any(|t| t == "p1"), "not the folder name");
    let rates = svg_texts(&out.join("compare_rates.svg"));
    for wanted in [
        "reauth_rate",
        "sso_share",
        "authorization_server.idle_timeout",
        "1d",
        "7d",
        "+100% *",
        "+0%",
    ] {
        assert!(rates.iter().any(|t| t == wanted), "{wanted}: {rates:?}");
    }
    assert!(
        !rates.iter().any(|t| t.contains("silent")),
        "no silent group when no run made a silent attempt: {rates:?}"
    );
    let html = fs::read_to_string(out.join("comparison.html")).unwrap();
    assert!(html.contains("Varied: <code>authorization_<wbr>server.<wbr>idle_<wbr>timeout</code>"));
    for p in ["p1", "p2", "p3"] {
        assert!(
            html.contains(&format!("href=\"../{p}/report.html\"")),
            "{p}"
        );
    }
    assert!(
        html.contains("<div class=\"mark\">(+100.0%) *</div>"),
        "as `compare` prints"
    );
    assert!(
        !html.contains("ssosim chart RUN_DIR"),
        "chart does not redraw it"
    );
    assert!(
        !html.contains("<code>silent_<wbr>auth_<wbr>failure_<wbr>share</code>"),
        "no row of zeros"
    );
}

/// Writes the fixtures' reports under `$SSOSIM_REPORT_DEMO` to look at them:
/// `SSOSIM_REPORT_DEMO=/tmp/demo cargo test --release --test report_charts -- --ignored`.
#[test]
#[ignore]
fn demo() {
    let root = PathBuf::from(std::env::var("SSOSIM_REPORT_DEMO").expect("SSOSIM_REPORT_DEMO"));
    let mut runs = Vec::new();
    for f in [&ONE_REPLICA, &WITH_REPLICAS, &MANY_TIERS] {
        let dir = write_fixture(&root, f);
        report::render_run(&dir).unwrap();
        runs.push((f.name.to_string(), dir));
    }
    report::render_comparison(&runs, &root.join("compare")).unwrap();
    report::render_run(&write_empty(&root)).unwrap();
}
