//! Charts and the self-contained HTML report of a run folder (design §9, issue 5).
//!
//! [`render_run`] reads a run folder (`summary.csv`, `timeseries.csv`,
//! `logins.csv`, `load.csv`, `run.json`, `scenario.toml`) and writes into it, each file
//! atomically:
//!
//! | file | what it shows |
//! |---|---|
//! | `sessions.{png,svg}` | valid sessions over time per tier; orphaned sessions per tier in their own panel |
//! | `logged_in_users.{png,svg}` | share of users logged in, against the share with a valid AS session |
//! | `session_endings.{png,svg}` | why sessions end, per tier |
//! | `login_paths.{png,svg}` | how protected visits were served, per app |
//! | `login_latency.{png,svg}` | login latency distribution and hops, per kind |
//! | `as_load.{png,svg}` | the busiest second per hour (or longer window): all requests, `/authorize`, `/oauth/token`, rate limits drawn |
//! | `prompt_causes.{png,svg}` | why users typed their credentials again, per app |
//! | `reauth_over_time.{png,svg}` | reauth rate per day (or week), the warm-up shaded |
//! | `prompt_tails.{png,svg}` | share of users by their number of prompts in the measured window |
//! | `report.html` | key settings, headline and per-app tables, all of the above inlined, a sample user's first login as an SVG sequence diagram, the scenario |
//!
//! [`render_comparison`] overlays several runs (`ssosim compare`, `ssosim sweep`)
//! and writes `compare_as_sessions`, `compare_logged_in_users`, `compare_rates`
//! (PNG and SVG) and `comparison.html`, naming each run by the scenario keys
//! that vary between them ([`comparison::points`]) and linking its report;
//! [`render_comparison_with`] adds `frontier` (`sweep --frontier`).
//!
//! # Determinism
//! Only the input files decide the output: the font is embedded, PNGs are
//! encoded with fixed settings, nothing reads the clock. The same run folder
//! gives the same bytes, so `ssosim chart` reproduces what `ssosim run` wrote.
//!
//! # Missing data
//! Unknown metrics, scopes and columns are ignored; a chart leaves out what the
//! run lacks and says "no ..." when nothing is left. A missing or malformed input
//! file is a [`ReportError`] naming it.

pub mod capacity;
pub mod chart;
pub mod comparison;
pub mod comparison_text;
pub mod data;
mod error;
pub mod events;
pub mod html;
pub mod publish;
pub mod sequence;
pub mod style;

use std::fs;
use std::path::{Path, PathBuf};

pub use data::RunData;
pub use error::ReportError;

use chart::{
    AsLoad, BrowserPrompts, CompareRates, CompareSeries, FrontierChart, LoggedInUsers,
    LoginLatency, PromptTails, ReauthOverTime, Rendered, ValidSessions, login_paths, prompt_causes,
    rate_curves, render, session_endings,
};

/// Name of the report page in a run folder.
pub const REPORT_HTML: &str = "report.html";
/// Name of the comparison page.
pub const COMPARISON_HTML: &str = "comparison.html";

/// Draws every chart of the run folder `dir` and writes them, with
/// `report.html`, into `dir`.
///
/// Returns the paths written, charts first (PNG then SVG of each), then the page.
///
/// # Errors
/// [`ReportError`] naming the input file that is missing or malformed, or the
/// output file that could not be written.
pub fn render_run(dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let run = RunData::load(dir)?;
    let charts = run_charts(&run)?;
    let login = sequence::sample_login(&run);
    let mut written = write_charts(dir, &charts)?;
    written.push(write(
        &dir.join(REPORT_HTML),
        html::run_report(&run, &charts, &login).as_bytes(),
    )?);
    Ok(written)
}

/// Draws the charts of one run, in report order, without writing anything.
///
/// # Errors
/// [`ReportError::Draw`] when plotters fails.
pub fn run_charts(run: &RunData) -> Result<Vec<Rendered>, ReportError> {
    let mut charts = vec![
        render(&ValidSessions { run })?,
        render(&LoggedInUsers { run })?,
        render(&session_endings(run))?,
        render(&login_paths(run))?,
        render(&LoginLatency { run })?,
        render(&AsLoad { run })?,
        render(&prompt_causes(run))?,
        render(&ReauthOverTime { run })?,
        render(&PromptTails { run })?,
    ];
    if BrowserPrompts::applies(run) {
        charts.push(render(&BrowserPrompts { run })?);
    }
    Ok(charts)
}

/// Overlays the runs `runs` (label, run folder) and writes the comparison charts
/// and `comparison.html` into `out` (created if needed).
///
/// Returns the paths written, charts first, then the page.
///
/// # Errors
/// [`ReportError::NoRuns`] for an empty list; otherwise as [`render_run`].
pub fn render_comparison(
    runs: &[(String, PathBuf)],
    out: &Path,
) -> Result<Vec<PathBuf>, ReportError> {
    render_comparison_with(runs, out, None)
}

/// [`render_comparison`], plus, with `frontier`, the friction–exposure chart
/// `frontier.{png,svg}` ([`chart::FrontierChart`]) after the others, each
/// run labelled with its values of the varied keys.
///
/// # Errors
/// As [`render_comparison`]; a run without one of the frontier's metrics is
/// [`ReportError::Input`] naming its `summary.csv`.
pub fn render_comparison_with(
    runs: &[(String, PathBuf)],
    out: &Path,
    frontier: Option<&comparison::FrontierAxes>,
) -> Result<Vec<PathBuf>, ReportError> {
    if runs.is_empty() {
        return Err(ReportError::NoRuns);
    }
    let loaded = runs
        .iter()
        .map(|(label, dir)| Ok((label.clone(), RunData::load(dir)?)))
        .collect::<Result<Vec<_>, ReportError>>()?;
    let points = comparison::points(&loaded);
    // Charts name each run by its point (`idle_timeout=1d`), not its folder.
    let by_point: Vec<(String, RunData)> = points
        .labels
        .iter()
        .zip(&loaded)
        .map(|(label, (_, run))| (label.clone(), run.clone()))
        .collect();
    let x_desc = if points.keys.is_empty() {
        "run".to_string()
    } else {
        points.keys.join(", ")
    };
    // One varied duration or numeric key: the shares as curves against its
    // value; otherwise (a categorical key, several keys) one bar per run.
    let curves = match points.keys.as_slice() {
        [key] => rate_curves(&by_point, key, &points.values),
        _ => None,
    };
    let rates = match &curves {
        Some(c) => render(c)?,
        None => render(&CompareRates {
            runs: &by_point,
            axis: &points.values,
            x_desc: &x_desc,
        })?,
    };
    let mut charts = vec![
        render(&CompareSeries::as_sessions(&by_point))?,
        render(&CompareSeries::logged_in_users(&by_point))?,
        rates,
    ];
    if let Some(axes) = frontier {
        let tables: Vec<comparison::Tables<'_>> = loaded.iter().map(|(_, r)| r.into()).collect();
        let f = comparison::frontier(axes, &points.labels, &tables).map_err(|e| {
            crate::output::read::ReadError::Malformed {
                path: runs[e.run.unwrap_or(0)].1.join("summary.csv"),
                line: None,
                message: format!("--frontier: {}", e.message),
            }
        })?;
        charts.push(render(&FrontierChart {
            frontier: &f,
            labels: &points.values,
        })?);
    }
    fs::create_dir_all(out).map_err(|source| ReportError::Write {
        path: out.to_path_buf(),
        source,
    })?;
    let links: Vec<Option<String>> = runs.iter().map(|(_, dir)| report_link(out, dir)).collect();
    let mut written = write_charts(out, &charts)?;
    written.push(write(
        &out.join(COMPARISON_HTML),
        html::comparison_report(&loaded, &points, &links, &charts).as_bytes(),
    )?);
    Ok(written)
}

/// The address of `run/report.html` relative to the folder `from`, with `/`
/// separators, when that report exists.
fn report_link(from: &Path, run: &Path) -> Option<String> {
    let target = run.join(REPORT_HTML);
    if !target.is_file() {
        return None;
    }
    let (from, target) = (
        fs::canonicalize(from).ok()?,
        fs::canonicalize(&target).ok()?,
    );
    let common = from
        .components()
        .zip(target.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = from.components().count() - common;
    let parts: Vec<String> = std::iter::repeat_n("..".to_string(), ups)
        .chain(
            target
                .components()
                .skip(common)
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        )
        .collect();
    Some(parts.join("/"))
}

fn write_charts(dir: &Path, charts: &[Rendered]) -> Result<Vec<PathBuf>, ReportError> {
    let mut written = Vec::with_capacity(charts.len() * 2);
    for chart in charts {
        written.push(write(&dir.join(format!("{}.png", chart.stem)), &chart.png)?);
        written.push(write(
            &dir.join(format!("{}.svg", chart.stem)),
            chart.svg.as_bytes(),
        )?);
    }
    Ok(written)
}

fn write(path: &Path, bytes: &[u8]) -> Result<PathBuf, ReportError> {
    crate::output::write_atomic(path, bytes).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(path.to_path_buf())
}

/// The stem of the chart [`render_run`] adds after [`RUN_CHART_STEMS`] for
/// a run with a browser mix (`browser=` segments).
pub const BROWSER_CHART_STEM: &str = "prompts_by_browser";

/// The file stems [`render_run`] draws, in report order.
pub const RUN_CHART_STEMS: [&str; 9] = [
    "sessions",
    "logged_in_users",
    "session_endings",
    "login_paths",
    "login_latency",
    "as_load",
    "prompt_causes",
    "reauth_over_time",
    "prompt_tails",
];
