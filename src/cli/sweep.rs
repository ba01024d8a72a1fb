//! `ssosim sweep SCENARIO --vary KEY=V1,V2,... [--vary ...] [--set ...] [--out DIR]
//! [--replicas N] [--threads N] [--list] [--quiet] [--wide] [--frontier FRICTION,EXPOSURE]`.
//!
//! Runs the scenario at every point of the cartesian product of the `--vary`
//! values (the first `--vary` varies slowest), each point a `--set` of its
//! values on top of the `--set` flags. Every point is validated before the
//! first one runs; one refused point refuses the sweep (exit 2, nothing written).
//!
//! # Output
//!
//! `DIR` (default `output/<name>-sweep/`) gets one run folder per point and
//! `sweep.csv`: the varied keys as columns, then `metric,scope,value,ci95_low,
//! ci95_high`, one block of `summary.csv` rows per point. A point's folder is
//! named after its values: for each key, the last part of the dotted key (more
//! parts when two varied keys end alike), `-`, the value; keys joined by `_`:
//! `authorization_server.idle_timeout=1d` → `idle_timeout-1d`. Characters other
//! than ASCII letters, digits, `.`, `_` and `-` become `_`, a leading `.`
//! becomes `_`, each value is cut to 64 characters, and a name already taken
//! gets `-2`, `-3`, ….
//!
//! `--wide` also writes `sweep_wide.csv`: the varied keys, then one column
//! per `summary.csv` row (`METRIC` for scope `all`, `METRIC@SCOPE` otherwise,
//! in order of first appearance), one row per point, each cell the point's
//! `value` exactly as its `summary.csv` writes it (empty when the point has
//! no such row). `--frontier FRICTION,EXPOSURE` adds `frontier.{png,svg}` to
//! the comparison charts and `comparison.html`: each point's friction
//! against its exposure, the Pareto-optimal points marked.
//!
//! `--list` prints one `ssosim run` command line per point instead (for cluster
//! schedulers) and writes nothing. `--collect` runs nothing: it builds
//! `sweep.csv` and the comparison charts from the point folders already there
//! (those commands' results), through the same code as a local sweep, so the
//! bytes are the same. Ctrl-C stops the sweep: folders of points
//! already finished stay (they are complete runs), the point under way writes
//! nothing, `sweep.csv` is not written, and the exit status is 130.

use super::progress::{Display, run_watched};
use super::sweep_folder::{check_collected, collect};
use super::{
    Error, REPLICAS_RANGE, ScenarioArgs, THREADS_RANGE, refuse_if_too_big, replicas_override,
    threads_or_all,
};
use crate::decide::grid::{Vary, grid, labels, parse_vary, point_names};
use crate::report::publish::publish_run;
use crate::runner::{Progress, RunError, RunOptions};
use crate::scenario::{Override, Scenario, ScenarioError};
use clap::Args;
use std::path::{Path, PathBuf};

/// Arguments of `ssosim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario and its fixed overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// A dotted scenario key and its values, comma-separated (repeatable), e.g.
    /// `--vary authorization_server.idle_timeout=1h,1d,3d`.
    #[arg(long = "vary", value_name = "KEY=V1,V2,...", required = true)]
    pub vary: Vec<String>,
    /// Sweep folder [default: output/<scenario name>-sweep].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replicas per point; overrides simulation.replicas.
    #[arg(long, value_parser = clap::value_parser!(u64).range(REPLICAS_RANGE))]
    pub replicas: Option<u64>,
    /// Worker threads [default: all cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(THREADS_RANGE))]
    pub threads: Option<u64>,
    /// Print one `ssosim run` command per point instead of running.
    #[arg(long, conflicts_with = "collect")]
    pub list: bool,
    /// Run nothing: build `sweep.csv` and the comparison charts from the point
    /// folders already in the sweep folder (runs of `--list`'s commands, e.g. on a cluster).
    #[arg(long)]
    pub collect: bool,
    /// No progress bar and no summary.
    #[arg(long)]
    pub quiet: bool,
    /// Run even when a point's estimated events or memory are beyond the limits.
    #[arg(long)]
    pub force: bool,
    /// Draw friction against exposure per point, the Pareto-optimal points
    /// marked, into comparison.html (`frontier.{png,svg}`); each metric is
    /// a summary.csv metric, optionally `@SCOPE`, e.g.
    /// `--frontier reauth_rate,valid_session_hours_per_user_day`.
    #[arg(long, value_name = "FRICTION,EXPOSURE")]
    pub frontier: Option<String>,
    /// Also write `sweep_wide.csv`: one row per point, one column per metric
    /// (`METRIC` for scope `all`, else `METRIC@SCOPE`), for spreadsheets.
    #[arg(long)]
    pub wide: bool,
}

/// What `collect` writes besides `sweep.csv` and the comparison charts.
#[derive(Debug, Clone, Default)]
pub(super) struct Extras {
    /// The axes of the frontier chart, when asked for.
    pub(super) frontier: Option<crate::report::comparison::FrontierAxes>,
    /// Write `sweep_wide.csv`.
    pub(super) wide: bool,
}

/// One point of the grid.
#[derive(Debug)]
pub(super) struct Point {
    /// Folder name.
    pub(super) name: String,
    /// The value of each varied key, in `--vary` order.
    pub(super) values: Vec<String>,
    /// Every override of the point (`--set`, then the varied keys, then `--replicas`).
    overrides: Vec<Override>,
    pub(super) scenario: Scenario,
}

/// A CSV field, quoted when needed.
pub(super) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A shell word, single-quoted when needed.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/=:,+@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Parses the flags and validates every point.
fn plan(args: &SweepArgs) -> Result<(Vec<Vary>, Vec<Point>), Error> {
    let varies: Vec<Vary> = args
        .vary
        .iter()
        .map(|v| parse_vary(v).map_err(|e| Error::refused(e.to_string())))
        .collect::<Result<_, _>>()?;
    for (i, v) in varies.iter().enumerate() {
        if varies[..i].iter().any(|w| w.key == v.key) {
            return Err(Error::refused(format!(
                "--vary {}: the key is varied twice; give each key one --vary with all its values",
                v.key
            )));
        }
    }
    let keys: Vec<&str> = varies.iter().map(|v| v.key.as_str()).collect();
    let values = grid(&varies);
    let names = point_names(&labels(&keys), &values);
    let mut points = Vec::new();
    let mut problems: Option<ScenarioError> = None;
    for (values, name) in values.into_iter().zip(names) {
        let mut extra: Vec<Override> = keys
            .iter()
            .zip(&values)
            .map(|(k, v)| Override {
                key: (*k).to_string(),
                value: v.clone(),
            })
            .collect();
        extra.extend(replicas_override(args.replicas));
        match args.scenario.load(&extra) {
            Ok((scenario, overrides)) => points.push(Point {
                name,
                values,
                overrides,
                scenario,
            }),
            // A problem about a varied key names `--vary`, the flag the user wrote.
            Err(Error::Scenario(e)) => {
                let e = e.varied(&keys);
                match &mut problems {
                    Some(all) => all.absorb(e),
                    None => problems = Some(e),
                }
            }
            Err(other) => return Err(other),
        }
    }
    match problems {
        None => Ok((varies, points)),
        Some(e) => Err(Error::Scenario(e)),
    }
}

/// Parses `--frontier` and checks any `@SCOPE` against the scenario's
/// scopes (`all`, `as`, `app:<name>`, `idp:<name>`), before anything runs.
fn frontier_axes(
    args: &SweepArgs,
    scenario: Option<&Scenario>,
) -> Result<Option<crate::report::comparison::FrontierAxes>, Error> {
    let Some(text) = &args.frontier else {
        return Ok(None);
    };
    let axes = crate::report::comparison::parse_frontier(text).map_err(Error::refused)?;
    if let Some(s) = scenario {
        let mut scopes = vec!["all".to_string(), "as".to_string()];
        scopes.extend(s.apps.iter().map(|a| format!("app:{}", a.name)));
        scopes.extend(
            s.identity_providers
                .iter()
                .map(|i| format!("idp:{}", i.name)),
        );
        for axis in [&axes.friction, &axes.exposure] {
            if let Some(scope) = &axis.scope
                && !scopes.contains(scope)
            {
                return Err(Error::refused(format!(
                    "--frontier {text}: unknown scope \"{scope}\"; this scenario's scopes: {}",
                    scopes.join(", ")
                )));
            }
        }
    }
    Ok(Some(axes))
}

/// Runs the sweep (or lists it).
pub(super) fn exec(args: SweepArgs) -> Result<(), Error> {
    let (varies, points) = plan(&args)?;
    let extras = Extras {
        frontier: frontier_axes(&args, points.first().map(|p| &p.scenario))?,
        wide: args.wide,
    };
    let name = points
        .first()
        .map_or("scenario", |p| p.scenario.name.as_str());
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{name}-sweep")));
    if args.list {
        print!("{}", list(&args, &points, &out));
        return Ok(());
    }
    if args.collect {
        check_collected(&points, &out)?;
    } else {
        run_points(&args, &points, &out)?;
    }
    collect(&varies, &points, &out, args.quiet, &extras)
}

/// Runs every point into its folder of `out`.
fn run_points(args: &SweepArgs, points: &[Point], out: &Path) -> Result<(), Error> {
    for p in points {
        let threads = threads_or_all(args.threads);
        refuse_if_too_big(&p.scenario, &args.scenario.scenario, threads, args.force)?;
    }
    let opts = RunOptions {
        threads: args.threads.unwrap_or(0) as usize,
        shard: None,
        logs: None,
        reference_path: false,
    };
    let total: u64 = points
        .iter()
        .map(|p| p.scenario.simulation.users * u64::from(p.scenario.simulation.replicas))
        .sum();
    let progress = Progress::default();
    let display = Display::new(
        args.quiet,
        total,
        &format!("user timelines (users x replicas, {} points)", points.len()),
    );
    for (i, p) in points.iter().enumerate() {
        display.set_prefix(format!("point {}/{} {} ", i + 1, points.len(), p.name));
        let published = run_watched(&p.scenario, &opts, &progress, &display)
            .map_err(|e| match e {
                RunError::Interrupted => Error::Interrupted(format!(
                    "interrupted after {i} of {} points; their folders in {} are complete, sweep.csv was not written (run the other points with the commands of --list, then --collect)",
                    points.len(),
                    out.display()
                )),
                other => Error::Run(other),
            })
            .and_then(|result| {
                publish_run(&out.join(&p.name), &p.scenario, &p.overrides, &result, true, None)
                    .map_err(Error::from)
            });
        if let Err(e) = published {
            display.clear();
            return Err(e);
        }
    }
    display.clear();
    Ok(())
}

/// One `ssosim run` command line per point.
fn list(args: &SweepArgs, points: &[Point], out: &Path) -> String {
    let mut text = String::new();
    for p in points {
        let mut words = vec![
            "ssosim".to_string(),
            "run".to_string(),
            shell_word(&args.scenario.scenario.display().to_string()),
        ];
        for o in &p.overrides {
            words.push("--set".to_string());
            words.push(shell_word(&o.flag()));
        }
        if let Some(t) = args.threads {
            words.push(format!("--threads {t}"));
        }
        words.push("--out".to_string());
        words.push(shell_word(&out.join(&p.name).display().to_string()));
        text.push_str(&words.join(" "));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("simulation.users=200"), "simulation.users=200");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }
}
