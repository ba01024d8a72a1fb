//! `ssosim tune SCENARIO --vary KEY=LOW..HIGH --target 'METRIC<=VALUE'
//! [--scope SCOPE] [--tolerance X] [--set ...] [--replicas N] [--threads N]
//! [--out DIR] [--no-charts] [--quiet] [--force]`.
//!
//! Finds the value of one duration or numeric key at which a metric of
//! `summary.csv` meets a target (the search: `decide::tune`). Both ends are
//! validated before anything runs; each value tried is a full run, with the
//! scenario's seed (common random numbers), published as a run folder of
//! `DIR` (default `output/<name>-tune/`) named like a sweep point
//! (`idle_timeout-23h58m`). Then `tune.json` and the response curve
//! (`tune_curve.{png,svg}`) are written beside them, and one line on stdout
//! gives the answer. A target met nowhere in the range is exit 0 with
//! `met: false` and the closest value. Ctrl-C keeps the points already run and
//! writes no `tune.json` (exit 130).

use super::progress::{Display, run_watched};
use super::summary::show;
use super::{
    Error, REPLICAS_RANGE, ScenarioArgs, THREADS_RANGE, refuse_if_too_big, replicas_override,
    threads_or_all,
};
use crate::decide::axis::Range;
use crate::decide::grid::{labels, point_names};
use crate::decide::target::Target;
use crate::decide::tune::{Measure, Tuning, Verdict, tune};
use crate::output::{summary, write_atomic};
use crate::report::chart::{ResponseCurves, render};
use crate::report::publish::publish_run;
use crate::runner::{Progress, RunError, RunOptions};
use crate::scenario::{Override, Scenario, ScenarioError};
use clap::Args;
use std::path::{Path, PathBuf};

/// Arguments of `ssosim tune`.
#[derive(Debug, Args)]
pub struct TuneArgs {
    /// The scenario and its fixed overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The key to vary and its range: two durations or two numbers, e.g.
    /// `--vary authorization_server.idle_timeout=1h..3d`.
    #[arg(long, value_name = "KEY=LOW..HIGH")]
    pub vary: String,
    /// The target, a summary.csv metric and a bound, e.g.
    /// `--target 'silent_auth_failure_share<=0.05'` (or `>=`).
    #[arg(long, value_name = "METRIC<=VALUE")]
    pub target: String,
    /// Scope of the metric [default: all, or the one scope that has it].
    #[arg(long)]
    pub scope: Option<String>,
    /// Stop when the bracket is narrower than this share of the value.
    #[arg(long, default_value_t = 0.02)]
    pub tolerance: f64,
    /// Tune folder [default: output/<scenario name>-tune].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replicas per value; overrides simulation.replicas.
    #[arg(long, value_parser = clap::value_parser!(u64).range(REPLICAS_RANGE))]
    pub replicas: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(THREADS_RANGE))]
    pub threads: Option<u64>,
    /// Point folders get their CSV and JSON files only, no charts or report
    /// (the response curve is still drawn).
    #[arg(long)]
    pub no_charts: bool,
    /// No progress bar and no summary on stderr (the answer is still printed).
    #[arg(long)]
    pub quiet: bool,
    /// Run even when a value's estimated events or memory are beyond the limits.
    #[arg(long)]
    pub force: bool,
}

fn refused(e: impl std::fmt::Display) -> Error {
    Error::refused(e.to_string())
}

/// The scenario with the key at `text`; a problem with the varied key names
/// `--vary`, the flag the user wrote.
fn load_at(args: &TuneArgs, key: &str, text: &str) -> Result<(Scenario, Vec<Override>), Error> {
    let mut extra = vec![Override {
        key: key.to_string(),
        value: text.to_string(),
    }];
    extra.extend(replicas_override(args.replicas));
    args.scenario.load(&extra).map_err(|e| match e {
        Error::Scenario(e) => Error::Scenario(e.varied(&[key])),
        other => other,
    })
}

/// The scope of the target's metric: `--scope`, else `all`, else the only
/// scope that has it; refused when there is none or a choice to make.
fn scope_of(rows: &[summary::Row], metric: &str, wanted: Option<&str>) -> Result<String, Error> {
    let scopes: Vec<&str> = rows
        .iter()
        .filter(|r| r.metric == metric)
        .map(|r| r.scope.as_str())
        .collect();
    let accepted = |why: String| {
        refused(format!(
            "--target: {why}; metrics are the rows of summary.csv (see README, \"Outputs\"), e.g. reauth_rate, silent_auth_failure_share, sso_share"
        ))
    };
    match (wanted, scopes.as_slice()) {
        (_, []) => Err(accepted(format!(
            "no metric {metric} in this scenario's summary"
        ))),
        (Some(w), s) if s.contains(&w) => Ok(w.to_string()),
        (Some(w), s) => Err(refused(format!(
            "--scope {w}: {metric} has no such scope; use one of {}",
            s.join(", ")
        ))),
        (None, s) if s.contains(&"all") => Ok("all".to_string()),
        (None, [one]) => Ok((*one).to_string()),
        (None, s) => Err(refused(format!(
            "--target: {metric} has several scopes; choose one with --scope ({})",
            s.join(", ")
        ))),
    }
}

/// Runs the search and writes the tune folder.
pub(super) fn exec(args: TuneArgs) -> Result<(), Error> {
    let range = Range::parse(&args.vary).map_err(refused)?;
    let target = Target::parse(&args.target).map_err(refused)?;
    if !(args.tolerance > 0.0 && args.tolerance < 1.0) {
        return Err(refused(format!(
            "--tolerance {}: use a share of the value above 0 and below 1, e.g. 0.02",
            args.tolerance
        )));
    }
    let threads = threads_or_all(args.threads);
    let mut problems: Option<ScenarioError> = None;
    let mut name = String::new();
    for end in [range.low, range.high] {
        match load_at(&args, &range.key, &range.text(end)) {
            Ok((s, _)) => {
                refuse_if_too_big(&s, &args.scenario.scenario, threads, args.force)?;
                name.clone_from(&s.name);
            }
            Err(Error::Scenario(e)) => match &mut problems {
                Some(all) => all.absorb(e),
                None => problems = Some(e),
            },
            Err(other) => return Err(other),
        }
    }
    if let Some(e) = problems {
        return Err(Error::Scenario(e));
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{name}-tune")));
    let label = labels(&[range.key.as_str()]);
    let opts = RunOptions {
        threads: args.threads.unwrap_or(0) as usize,
        shard: None,
        logs: None,
        reference_path: false,
    };
    let progress = Progress::default();
    let mut folders: Vec<String> = Vec::new();
    let mut scope: Option<String> = None;
    let tuning = tune(&range, &target, args.tolerance, |_, text| {
        let (s, overrides) = load_at(&args, &range.key, text)?;
        let folder = point_names(&label, &[vec![text.to_string()]]).remove(0);
        let users = s.simulation.users * u64::from(s.simulation.replicas);
        let display = Display::new(args.quiet, users, "user timelines (users x replicas)");
        display.set_prefix(format!("value {} {text} ", folders.len() + 1));
        let result = run_watched(&s, &opts, &progress, &display);
        display.clear();
        let result = result.map_err(|e| match e {
            RunError::Interrupted => Error::Interrupted(format!(
                "interrupted after {} values; their folders in {} are complete, tune.json was not written",
                folders.len(),
                out.display()
            )),
            other => Error::Run(other),
        })?;
        let rows = summary::rows(&s, &result.replicas);
        let sc = match &scope {
            Some(sc) => sc.clone(),
            None => scope_of(&rows, &target.metric, args.scope.as_deref())?,
        };
        let values = rows
            .iter()
            .find(|r| r.metric == target.metric && r.scope == sc)
            .map(|r| r.values.clone())
            .unwrap_or_default();
        scope = Some(sc);
        publish_run(
            &out.join(&folder),
            &s,
            &overrides,
            &result,
            !args.no_charts,
            None,
        )?;
        folders.push(folder);
        Ok::<_, Error>(Measure::of(values))
    })?;
    let scope = scope.unwrap_or_default();
    write_outputs(&args, &out, &tuning, &range, &target, &scope, &folders)?;
    if !args.quiet {
        eprint!("{}", points_text(&tuning, &folders, &out));
    }
    for (a, b) in &tuning.reversals {
        let (a, b) = (&tuning.points[*a], &tuning.points[*b]);
        eprintln!(
            "warning: the response is not monotone: {} is {} at {} and {} at {}, against the trend from {} to {}; the answer assumes a monotone response",
            target.metric,
            show(a.measure.estimate),
            a.text,
            show(b.measure.estimate),
            b.text,
            range.text(range.low),
            range.text(range.high)
        );
    }
    println!("{}", answer_line(&tuning, &range, &target));
    Ok(())
}

/// `tune.json` and the response curve, beside the point folders.
fn write_outputs(
    args: &TuneArgs,
    out: &Path,
    tuning: &Tuning,
    range: &Range,
    target: &Target,
    scope: &str,
    folders: &[String],
) -> Result<(), Error> {
    let failed = |path: &Path, e: &dyn std::fmt::Display| {
        Error::Failed(format!("cannot write {}: {e}", path.display()))
    };
    let doc = tuning.json(range, target, scope, args.tolerance, folders);
    let json = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
    let path = out.join("tune.json");
    write_atomic(&path, json.as_bytes()).map_err(|e| failed(&path, &e))?;
    let chart = render(&ResponseCurves::of_tuning(tuning, range, target, scope))
        .map_err(|e| Error::failed(e.to_string()))?;
    let png = out.join(format!("{}.png", chart.stem));
    write_atomic(&png, &chart.png).map_err(|e| failed(&png, &e))?;
    let svg = out.join(format!("{}.svg", chart.stem));
    write_atomic(&svg, chart.svg.as_bytes()).map_err(|e| failed(&svg, &e))?;
    Ok(())
}

/// The points run, by value, for stderr.
fn points_text(tuning: &Tuning, folders: &[String], out: &Path) -> String {
    let mut text = format!(
        "tune: {} values run in {}\n",
        tuning.points.len(),
        out.display()
    );
    for p in &tuning.points {
        let folder = folders.get(p.order).map_or("", String::as_str);
        let verdict = if p.meets { "meets" } else { "misses" };
        text += &format!("  {folder:<40} {} {verdict}\n", show(p.measure.estimate));
    }
    text
}

/// The answer, in one line.
fn answer_line(tuning: &Tuning, range: &Range, target: &Target) -> String {
    let a = tuning.answer();
    let measured = show(a.measure.estimate);
    let span = format!("{}..{}", range.text(range.low), range.text(range.high));
    match tuning.verdict {
        Verdict::Boundary => {
            let interval = if a.measure.estimate.ci95.is_some() {
                format!(
                    " (95%: {} – {})",
                    range.text(tuning.value_low),
                    range.text(tuning.value_high)
                )
            } else {
                String::new()
            };
            format!(
                "{} = {}{interval} gives {} {} ({measured})",
                range.key,
                a.text,
                target.metric,
                target.condition()
            )
        }
        Verdict::WholeRange => format!(
            "{} = {} gives {} {} ({measured}): every value in {span} meets the target, so the boundary lies beyond {}",
            range.key,
            a.text,
            target.metric,
            target.condition(),
            a.text
        ),
        Verdict::Unmet => format!(
            "no value of {} in {span} gives {} {}: the closest is {} = {}, with {measured}",
            range.key,
            target.metric,
            target.condition(),
            range.key,
            a.text
        ),
    }
}
