//! `ssosim sweep SCENARIO --vary KEY=V1,V2,... [--vary ...] [--set ...] [--out DIR]
//! [--replicas N] [--threads N] [--list] [--quiet]`.
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
//! `--list` prints one `ssosim run` command line per point instead (for cluster
//! schedulers) and writes nothing. Ctrl-C stops the sweep: folders of points
//! already finished stay (they are complete runs), the point under way writes
//! nothing, `sweep.csv` is not written, and the exit status is 130.

use super::progress::{Display, run_watched};
use super::publish::publish_run;
use super::{
    CliError, REPLICAS_RANGE, ScenarioArgs, THREADS_RANGE, refuse_if_too_big, replicas_override,
    threads_or_all,
};
use crate::metrics::stats::Estimate;
use crate::output::write_atomic;
use crate::report::data::Summary;
use crate::runner::{Progress, RunError, RunOptions};
use crate::scenario::{Override, Scenario, to_toml};
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
}

/// One `--vary`: a key and its values.
#[derive(Debug, Clone, PartialEq)]
struct Vary {
    key: String,
    values: Vec<String>,
}

/// One point of the grid.
#[derive(Debug)]
struct Point {
    /// Folder name.
    name: String,
    /// The value of each varied key, in `--vary` order.
    values: Vec<String>,
    /// Every override of the point (`--set`, then the varied keys, then `--replicas`).
    overrides: Vec<Override>,
    scenario: Scenario,
}

fn refuse(message: String) -> CliError {
    CliError::Refused(message)
}

/// Splits `text` at commas that are not inside brackets, braces or quotes, so
/// that TOML arrays and inline tables can be values.
fn split_values(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let (mut depth, mut quote) = (0i32, None::<char>);
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth <= 0 => {
                parts.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current.trim().to_string());
    parts
}

/// Parses `KEY=V1,V2,...`.
fn parse_vary(text: &str) -> Result<Vary, CliError> {
    let example =
        "use --vary KEY=V1,V2,..., e.g. --vary authorization_server.idle_timeout=1h,1d,3d";
    let Some((key, values)) = text.split_once('=') else {
        return Err(refuse(format!(
            "error: --vary {text}: no \"=\" in the flag; {example}"
        )));
    };
    let key = key.trim();
    if key.is_empty() || key.split('.').any(|p| p.trim().is_empty()) {
        return Err(refuse(format!(
            "error: --vary {text}: \"{key}\" is not a dotted key; {example}"
        )));
    }
    let values = split_values(values);
    if values.iter().any(String::is_empty) {
        return Err(refuse(format!(
            "error: --vary {text}: an empty value; give one or more comma-separated values, {example}"
        )));
    }
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            return Err(refuse(format!(
                "error: --vary {text}: the value {v} is given twice; give each value once"
            )));
        }
    }
    Ok(Vary {
        key: key.to_string(),
        values,
    })
}

/// For each key, the shortest suffix of its dotted parts that no other key ends with.
fn labels(keys: &[&str]) -> Vec<String> {
    let parts: Vec<Vec<&str>> = keys.iter().map(|k| k.split('.').collect()).collect();
    parts
        .iter()
        .map(|mine| {
            let suffix = |p: &[&str], n: usize| p[p.len().saturating_sub(n)..].join(".");
            (1..=mine.len())
                .map(|n| suffix(mine, n))
                .find(|s| {
                    parts
                        .iter()
                        .filter(|other| suffix(other, s.matches('.').count() + 1) == *s)
                        .count()
                        == 1
                })
                .unwrap_or_else(|| mine.join("."))
        })
        .collect()
}

/// A value made safe as part of a folder name.
fn safe(value: &str) -> String {
    let mut s: String = value
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if s.starts_with('.') || s.is_empty() {
        s.insert(0, '_');
    }
    s
}

/// Folder names of the points, unique.
fn point_names(labels: &[String], points: &[Vec<String>]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for values in points {
        let base = labels
            .iter()
            .zip(values)
            .map(|(l, v)| format!("{}-{}", safe(l), safe(v)))
            .collect::<Vec<_>>()
            .join("_");
        let mut name = base.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        names.push(name);
    }
    names
}

/// The cartesian product, first key slowest.
fn grid(varies: &[Vary]) -> Vec<Vec<String>> {
    let mut points: Vec<Vec<String>> = vec![Vec::new()];
    for v in varies {
        points = points
            .iter()
            .flat_map(|p| {
                v.values.iter().map(move |x| {
                    let mut q = p.clone();
                    q.push(x.clone());
                    q
                })
            })
            .collect();
    }
    points
}

/// A CSV field, quoted when needed.
fn csv_field(s: &str) -> String {
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
fn plan(args: &SweepArgs) -> Result<(Vec<Vary>, Vec<Point>), CliError> {
    let varies: Vec<Vary> = args
        .vary
        .iter()
        .map(|v| parse_vary(v))
        .collect::<Result<_, _>>()?;
    for (i, v) in varies.iter().enumerate() {
        if varies[..i].iter().any(|w| w.key == v.key) {
            return Err(refuse(format!(
                "error: --vary {}: the key is varied twice; give each key one --vary with all its values",
                v.key
            )));
        }
    }
    let keys: Vec<&str> = varies.iter().map(|v| v.key.as_str()).collect();
    let values = grid(&varies);
    let names = point_names(&labels(&keys), &values);
    let mut points = Vec::new();
    let mut problems: Vec<String> = Vec::new();
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
            Err(e) => {
                for line in e.to_string().lines() {
                    let line = vary_flag(line, &keys);
                    if !problems.contains(&line) {
                        problems.push(line);
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        Ok((varies, points))
    } else {
        Err(refuse(problems.join("\n")))
    }
}

/// A problem about a varied key names `--vary`, the flag the user wrote.
fn vary_flag(line: &str, keys: &[&str]) -> String {
    for k in keys {
        let set = format!("error: --set {k}=");
        if let Some(rest) = line.strip_prefix(&set) {
            return format!("error: --vary {k}={rest}");
        }
    }
    line.to_string()
}

/// Runs the sweep (or lists it).
pub fn exec(args: SweepArgs) -> Result<(), CliError> {
    let (varies, points) = plan(&args)?;
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
    collect(&varies, &points, &out, args.quiet)
}

/// Runs every point into its folder of `out`.
fn run_points(args: &SweepArgs, points: &[Point], out: &Path) -> Result<(), CliError> {
    for p in points {
        let threads = threads_or_all(args.threads);
        refuse_if_too_big(&p.scenario, &args.scenario.scenario, threads, args.force)?;
    }
    let opts = RunOptions {
        threads: args.threads.unwrap_or(0) as usize,
        shard: None,
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
                RunError::Interrupted => CliError::Interrupted(format!(
                    "error: interrupted after {i} of {} points; their folders in {} are complete, sweep.csv was not written",
                    points.len(),
                    out.display()
                )),
                other => CliError::Failed(format!("error: {other}")),
            })
            .and_then(|result| {
                publish_run(&out.join(&p.name), &p.scenario, &p.overrides, &result, true)
            });
        if let Err(e) = published {
            display.clear();
            return Err(e);
        }
    }
    display.clear();
    Ok(())
}

/// `--collect`: every point's folder must hold a finished run of that point
/// (its `summary.csv`, and a `scenario.toml` equal to the point's scenario);
/// otherwise refused, naming the folders and what to do.
fn check_collected(points: &[Point], out: &Path) -> Result<(), CliError> {
    let mut problems = Vec::new();
    for p in points {
        let dir = out.join(&p.name);
        let toml = std::fs::read_to_string(dir.join("scenario.toml"));
        if !dir.join("summary.csv").is_file() || toml.is_err() {
            problems.push(format!(
                "error: --collect: {}: no finished run of this point (summary.csv and scenario.toml); run it first (one of the commands of sweep --list), or merge its shards there",
                dir.display()
            ));
        } else if toml.ok().as_deref() != Some(to_toml(&p.scenario).as_str()) {
            problems.push(format!(
                "error: --collect: {}: its scenario.toml is not this point's scenario; run the point again with the commands of sweep --list and the same --set, --vary and --replicas",
                dir.display()
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(refuse(problems.join("\n")))
    }
}

/// Builds `sweep.csv` from the points' `summary.csv` files (one block of rows
/// per point, prefixed with its values), draws the comparison charts, and
/// prints the summary. A local sweep and `--collect` both end here, so they
/// write the same bytes.
fn collect(varies: &[Vary], points: &[Point], out: &Path, quiet: bool) -> Result<(), CliError> {
    let mut csv = varies
        .iter()
        .map(|v| csv_field(&v.key))
        .collect::<Vec<_>>()
        .join(",");
    csv.push_str(",metric,scope,value,ci95_low,ci95_high\n");
    let mut headline = Vec::new();
    for p in points {
        let dir = out.join(&p.name);
        let path = dir.join("summary.csv");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            CliError::Failed(format!("error: {}: cannot read: {e}", path.display()))
        })?;
        let prefix: String = p.values.iter().map(|v| csv_field(v) + ",").collect();
        for line in text.lines().skip(1) {
            csv.push_str(&prefix);
            csv.push_str(line);
            csv.push('\n');
        }
        headline.push(headline_line(&p.name, &super::compare::read_summary(&dir)?));
    }
    let path = out.join("sweep.csv");
    write_atomic(&path, csv.as_bytes())
        .map_err(|e| CliError::Failed(format!("error: cannot write {}: {e}", path.display())))?;
    // The points overlaid on one chart each, with a legend, beside sweep.csv.
    let runs: Vec<(String, PathBuf)> = points
        .iter()
        .map(|p| (p.name.clone(), out.join(&p.name)))
        .collect();
    crate::report::render_comparison(&runs, out)
        .map_err(|e| CliError::Failed(format!("error: {e}")))?;
    if !quiet {
        eprintln!("sweep: {} points in {}", points.len(), out.display());
        for line in headline {
            eprintln!("{line}");
        }
        eprintln!("  all rows in {}", path.display());
    }
    Ok(())
}

/// A point's line of the sweep summary: its `reauth_rate` and `sso_share`
/// (scope `all`) as its `summary.csv` has them, in the run summary's form
/// (rounded, with 95% intervals).
fn headline_line(name: &str, summary: &Summary) -> String {
    let show = |metric: &str| {
        summary.get(metric, "all").map_or_else(
            || "-".to_string(),
            |r| {
                super::summary::show(Estimate {
                    mean: r.value,
                    ci95: r.ci95,
                })
            },
        )
    };
    format!(
        "  {name:<40} reauth_rate {}  sso_share {}",
        show("reauth_rate"),
        show("sso_share")
    )
}

/// True when `dir` is a sweep folder: it has a `sweep.csv`, or it is no run
/// folder itself but holds run folders (a sweep run on a cluster, not collected).
pub(super) fn is_sweep_folder(dir: &Path) -> bool {
    if dir.join("sweep.csv").is_file() {
        return true;
    }
    let holds_runs = || {
        std::fs::read_dir(dir).is_ok_and(|rd| {
            rd.filter_map(Result::ok)
                .any(|e| e.path().join("summary.csv").is_file())
        })
    };
    !dir.join("summary.csv").exists() && holds_runs()
}

/// The point folders of a sweep folder, in sweep order: the points of its
/// `sweep.csv` (the values before `metric` on each line, in order of
/// appearance), named as the sweep names them.
///
/// # Errors
/// Refused when there is no `sweep.csv` (with the `--collect` that builds it)
/// or a point's folder is missing; failed when `sweep.csv` cannot be read.
pub(super) fn point_folders(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    let path = dir.join("sweep.csv");
    if !path.is_file() {
        return Err(refuse(format!(
            "error: {}: a sweep folder without sweep.csv (its points were run apart, e.g. on a cluster); build it first with ssosim sweep SCENARIO --vary ... --out {} --collect",
            dir.display(),
            dir.display()
        )));
    }
    let failed = |e: String| CliError::Failed(format!("error: {}: {e}", path.display()));
    let mut reader = csv::Reader::from_path(&path).map_err(|e| failed(e.to_string()))?;
    let header = reader.headers().map_err(|e| failed(e.to_string()))?.clone();
    let Some(k) = header.iter().position(|h| h == "metric") else {
        return Err(failed(
            "no metric column; expected KEY...,metric,scope,value,ci95_low,ci95_high".into(),
        ));
    };
    let keys: Vec<&str> = header.iter().take(k).collect();
    let mut points: Vec<Vec<String>> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| failed(e.to_string()))?;
        let values: Vec<String> = record.iter().take(k).map(str::to_string).collect();
        if points.last() != Some(&values) {
            points.push(values);
        }
    }
    let folders: Vec<PathBuf> = point_names(&labels(&keys), &points)
        .iter()
        .map(|n| dir.join(n))
        .collect();
    if let Some(missing) = folders.iter().find(|f| !f.join("summary.csv").is_file()) {
        return Err(refuse(format!(
            "error: {}: a point of {} without its run (no summary.csv); run it, then collect the sweep again",
            missing.display(),
            path.display()
        )));
    }
    Ok(folders)
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
    fn values_split_at_top_level_commas() {
        assert_eq!(split_values("1h, 1d,3d"), ["1h", "1d", "3d"]);
        assert_eq!(
            split_values("{ password = 0.5, facebook = 0.5 },{ password = 1.0 }"),
            ["{ password = 0.5, facebook = 0.5 }", "{ password = 1.0 }"]
        );
        assert_eq!(split_values("\"a,b\",c"), ["\"a,b\"", "c"]);
    }

    #[test]
    fn labels_are_the_shortest_unique_suffix() {
        assert_eq!(
            labels(&["authorization_server.idle_timeout", "users.visits_per_day"]),
            ["idle_timeout", "visits_per_day"]
        );
        assert_eq!(
            labels(&[
                "authorization_server.idle_timeout",
                "identity_providers.facebook.idle_timeout"
            ]),
            ["authorization_server.idle_timeout", "facebook.idle_timeout"]
        );
    }

    #[test]
    fn names_are_safe_and_unique() {
        let labels = vec!["connections".to_string()];
        let points = vec![
            vec!["{ a = 1 }".to_string()],
            vec!["{_a_=_1_}".to_string()],
            vec!["..".to_string()],
        ];
        assert_eq!(
            point_names(&labels, &points),
            [
                "connections-__a___1__",
                "connections-__a___1__-2",
                "connections-_.."
            ]
        );
    }

    #[test]
    fn vary_refusals() {
        assert!(parse_vary("a.b").is_err());
        assert!(parse_vary("=1,2").is_err());
        assert!(parse_vary("a..b=1").is_err());
        assert!(parse_vary("a.b=1,,2").is_err());
        assert!(parse_vary("a.b=1,1").is_err());
        assert_eq!(parse_vary("a.b=1,2").unwrap().values, ["1", "2"]);
    }

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("simulation.users=200"), "simulation.users=200");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }
}
