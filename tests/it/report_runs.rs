//! Charts and report on real runs (issue 5): the real binary runs every bundled
//! scenario (small and short), then the run folder must hold every chart as a
//! decodable PNG and a well-formed SVG of the same size, and a report.html that
//! loads nothing from anywhere; `ssosim chart RUN_DIR` must redraw the very
//! same bytes. A two-app run with replicas covers the multi-app layout and
//! confidence bands.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::support::cli::{bundled_scenarios, metric};

/// The charts every run draws, in report order.
/// The charts every run folder gets, as the library lists them.
const STEMS: [&str; 9] = ssosim::report::RUN_CHART_STEMS;

/// The charts of the run folder `dir`: every run's, and the browser chart
/// when its `segments.csv` has a browser mix.
fn stems(dir: &Path) -> Vec<&'static str> {
    let mut stems = STEMS.to_vec();
    let segments = fs::read_to_string(dir.join("segments.csv")).unwrap_or_default();
    if segments.contains("\nbrowser=") {
        stems.push(ssosim::report::BROWSER_CHART_STEM);
    }
    stems
}

fn ssosim(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_ssosim"))
        .args(args)
        .output()
        .expect("run ssosim");
    assert!(
        out.status.success(),
        "ssosim {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `scenario` small and short into `out`, with extra `--set`s.
fn run(scenario: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--set",
        "simulation.users=300",
        "--set",
        "simulation.duration=3d",
    ];
    for set in extra {
        args.extend(["--set", set]);
    }
    ssosim(&args);
}

fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(fs::File::open(path).unwrap());
    let mut reader = decoder
        .read_info()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader
        .next_frame(&mut buf)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (info.width, info.height)
}

/// The `width` and `height` of the SVG's root element.
fn svg_size(path: &Path) -> (u32, u32) {
    let text = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not XML: {e}", path.display()));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{}", path.display());
    let dim = |name: &str| {
        root.attribute(name)
            .and_then(|v| v.trim_end_matches("px").parse().ok())
            .unwrap_or_else(|| panic!("{}: no {name}", path.display()))
    };
    (dim("width"), dim("height"))
}

/// Checks the charts and report of `dir`; returns each chart's PNG size.
fn check_run_folder(dir: &Path) -> BTreeMap<&'static str, (u32, u32)> {
    let html = fs::read_to_string(dir.join("report.html")).expect("report.html");
    let mut sizes = BTreeMap::new();
    for stem in stems(dir) {
        let png = dir.join(format!("{stem}.png"));
        let size = png_size(&png);
        assert_eq!(size.0, ssosim::report::style::WIDTH, "{}", png.display());
        assert!(
            (250..=1200).contains(&size.1),
            "{}: {size:?}",
            png.display()
        );
        let svg = dir.join(format!("{stem}.svg"));
        assert_eq!(svg_size(&svg), size, "{} and its PNG differ", svg.display());
        // The page sizes the image as it is, so the browser keeps its shape.
        let tag = format!("width=\"{}\" height=\"{}\" alt=", size.0, size.1);
        let figure = html
            .split(&format!("<figure id=\"{stem}\">"))
            .nth(1)
            .unwrap_or_else(|| panic!("report.html has no figure {stem}"));
        let img = &figure[..figure.find("</figure>").unwrap()];
        assert!(
            img.contains(&tag),
            "{stem}: {tag} not in {}",
            &img[img.len().saturating_sub(300)..]
        );
        sizes.insert(stem, size);
    }
    // Self-contained: every image inlined, nothing fetched.
    for bad in [
        "http://", "https://", "src=\"//", "<link", "<script", "@import", "url(", "<iframe",
    ] {
        assert!(
            !html.contains(bad),
            "{}: report.html contains {bad}",
            dir.display()
        );
    }
    assert_eq!(
        html.matches("src=\"").count(),
        html.matches("src=\"data:image/png;base64,").count(),
        "every src is a data URI"
    );
    assert_eq!(
        html.matches("src=\"data:image/png;base64,").count(),
        stems(dir).len()
    );
    assert!(
        html.match_indices("href=\"")
            .all(|(i, _)| html[i + 6..].starts_with('#')),
        "only in-page links"
    );
    // The login paths add up: the six parts explain every protected visit.
    let paths = fs::read_to_string(dir.join("login_paths.svg")).unwrap();
    assert!(
        !paths.contains("not accounted for"),
        "{}: protected visits the login-path parts do not explain",
        dir.display()
    );
    sizes
}

/// Every file the charts step writes, with its bytes.
fn chart_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for stem in stems(dir) {
        for ext in ["png", "svg"] {
            let name = format!("{stem}.{ext}");
            files.insert(name.clone(), fs::read(dir.join(&name)).unwrap());
        }
    }
    files.insert(
        "report.html".to_string(),
        fs::read(dir.join("report.html")).unwrap(),
    );
    files
}

/// `ssosim chart RUN_DIR` redraws every file byte for byte; a deleted chart
/// comes back too.
fn check_redraw(dir: &Path) {
    let before = chart_files(dir);
    fs::remove_file(dir.join("login_paths.png")).unwrap();
    fs::write(dir.join("report.html"), "stale").unwrap();
    ssosim(&["chart", dir.to_str().unwrap()]);
    let after = chart_files(dir);
    for (name, bytes) in &before {
        assert!(
            after[name] == *bytes,
            "{}: ssosim chart wrote a different {name}",
            dir.display()
        );
    }
}

#[test]
fn every_bundled_scenario_gets_its_charts_and_report() {
    let tmp = tempfile::tempdir().unwrap();
    for scenario in bundled_scenarios() {
        let name = scenario.file_stem().unwrap().to_string_lossy().into_owned();
        let out = tmp.path().join(&name);
        run(&scenario, &out, &[]);
        check_run_folder(&out);
        // `ssosim chart` redraws the same bytes: checked on the scenario with
        // the most charts (the browser mix adds one).
        if name == "browsers" {
            check_redraw(&out);
        }
    }
}

/// Two apps (a regular web app and an implicit SPA), three IdPs, half the
/// browsers blocking third-party cookies, session-only AS cookie, 3 replicas.
const TWO_APPS: &str = r#"
name = "two_apps"
[simulation]
users = 300
duration = "3d"
seed = 11
sample_every = "1h"
replicas = 3
[network]
latency = "40ms"
[authorization_server]
plan = "self_service"
cookie = "non_persistent"
idle_timeout = "3d"
absolute_timeout = "30d"
mfa = false
[identity_providers.facebook]
idle_timeout = "60d"
absolute_timeout = "90d"
[identity_providers.google]
idle_timeout = "14d"
absolute_timeout = "180d"
[[apps]]
name = "web"
kind = "regular_web"
visit_share = 0.5
local_session = { idle_timeout = "2h", absolute_timeout = "1d", cookie = "non_persistent" }
[[apps]]
name = "spa"
kind = "spa_implicit"
visit_share = 0.5
[users]
visits_per_day = 3.0
protected_share = 0.5
connections = { password = 0.5, facebook = 0.25, google = 0.25 }
browser_closes_per_day = 2.0
logout_share = 0.05
password_resets_per_year = 1.0
third_party_cookies_blocked = 0.5
"#;

#[test]
fn two_apps_with_replicas() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("two_apps.toml");
    fs::write(&scenario, TWO_APPS).unwrap();
    let out = tmp.path().join("two_apps");
    run(&scenario, &out, &[]);
    let sizes = check_run_folder(&out);
    // Three bars (all apps, web, spa) need a taller image than one bar.
    let one_bar = {
        let text = TWO_APPS
            .replace(
                "[[apps]]\nname = \"spa\"\nkind = \"spa_implicit\"\nvisit_share = 0.5\n",
                "",
            )
            .replace("visit_share = 0.5\n", "")
            .replace("replicas = 3\n", "");
        let scenario = tmp.path().join("one_app.toml");
        fs::write(&scenario, text).unwrap();
        let single = tmp.path().join("one_app");
        run(&scenario, &single, &[]);
        check_run_folder(&single)["login_paths"]
    };
    assert!(
        sizes["login_paths"].1 > one_bar.1,
        "{sizes:?} vs {one_bar:?}"
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("3 replicas"), "replicas named in the report");
    assert!(html.contains("all apps"), "login paths add the apps up");
    assert!(
        html.contains("Left out, with no session: app spa."),
        "an implicit SPA has no local session: no empty bar, named in the caption"
    );
    // The causes of the prompts under the headline, each cause's count as in
    // summary.csv; the segments of users in their own table.
    assert!(html.contains("Why users typed their credentials again"));
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    let closes = metric(&summary, "interactive_logins_by_browser_close", "all");
    assert!(
        closes > 0.0,
        "two closes a day drop the session-only AS cookie"
    );
    assert!(html.contains("interactive_<wbr>logins_<wbr>by_<wbr>browser_<wbr>close"));
    assert!(html.contains("By segment of users"));
    for segment in ["connection=google", "cookies=blocked"] {
        assert!(
            html.contains(segment),
            "{segment} missing from the segments table"
        );
    }
    // The bands are drawn: translucent fills in the sessions chart.
    let sessions = fs::read_to_string(out.join("sessions.svg")).unwrap();
    assert!(
        sessions.contains("opacity=\"0.2\""),
        "no band in sessions.svg"
    );
    check_redraw(&out);
}

/// The report's sequence diagram is the model's own trace of the first user
/// who logs in: a password login to a regular web app, the seed flow's hops
/// in order, drawn as inline SVG (no script, nothing fetched), and
/// `ssosim chart` draws it again byte for byte (`check_redraw`).
#[test]
fn report_draws_the_first_login_as_inline_svg() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/storezero.toml");
    let out = tmp.path().join("storezero");
    run(&scenario, &out, &["users.connections={ password = 1.0 }"]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let start = html
        .find("<svg class=\"sequence\"")
        .expect("sequence diagram");
    let end = start + html[start..].find("</svg>").unwrap() + "</svg>".len();
    let svg = &html[start..end];
    let doc = roxmltree::Document::parse(svg).unwrap();
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    // The seed flow (design §5), in this order; other hops may come between.
    let seed = [
        "GET /page",
        "302 /authorize",
        "GET /authorize",
        "302 /login",
        "GET /login",
        "200 login prompt",
        "POST /login (username, password)",
        "302 /callback",
        "GET /callback",
        "POST /oauth/token (back channel)",
        "200 tokens (back channel)",
        "200 page",
    ];
    let mut rest = texts.iter();
    for hop in seed {
        assert!(
            rest.any(|t| *t == hop),
            "{hop} missing or out of order in {texts:?}"
        );
    }
    // One arrow per hop of the model's trace of that user.
    let run = ssosim::report::RunData::load(&out).unwrap();
    let login = ssosim::report::sequence::sample_login(&run).unwrap();
    let hops = login.lines.iter().filter(|l| l.hop.is_some()).count();
    assert_eq!(svg.matches("<line class=\"hop\"").count(), hops);
    assert!(html.contains(&format!("First login of user {}", login.user)));
    check_run_folder(&out);
    check_redraw(&out);
}
