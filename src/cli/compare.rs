//! `ssosim compare RUN_DIR RUN_DIR... [--format table|csv|markdown|json]`: the
//! headline metrics of several run folders side by side, read from their
//! `summary.csv`, with 95% intervals, the relative difference to the first run
//! and a `*` where the run's interval does not overlap the first run's (only
//! runs with replicas have intervals). Printed on stdout.
//!
//! `ssosim compare SWEEP_DIR` compares the points of a sweep folder, in sweep
//! order (the order of `sweep.csv`), the first point as the reference.
//!
//! Headline metrics and the comparison itself: `report::comparison` (shared
//! with `comparison.html`). A metric missing from a run shows `-`. Runs with
//! the same seed and replica count as the first (and `replicas.csv`) are
//! compared replica by replica: the paired difference and its interval.
//!
//! A folder without `summary.csv` is refused (exit 2); a `summary.csv` that
//! cannot be read or parsed is a failure (exit 1) naming the file and line.

use super::Error;
use super::summary::round;
use crate::metrics::stats::fmt_num;
use crate::report::comparison::{Cell, Row, Tables, Value, compare, mark};
use crate::report::data::{Replicas, SUMMARY_CSV, Segments, Summary, load_tables};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Output format of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for the terminal.
    Table,
    /// One line per metric, scope and run.
    Csv,
    /// A Markdown table, one column per run.
    Markdown,
    /// One JSON document.
    Json,
}

/// Arguments of `ssosim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Run folders (each with a summary.csv), the first the reference; or one
    /// sweep folder, whose points are compared in sweep order.
    #[arg(required = true, num_args = 1.., value_name = "RUN_DIR")]
    pub runs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also draw the runs overlaid on charts (PNG, SVG, comparison.html) into this folder.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
}

/// Reads `dir/summary.csv` and `dir/segments.csv` (optional).
pub(super) fn read_tables(dir: &Path) -> Result<(Summary, Segments), Error> {
    if !dir.join(SUMMARY_CSV).is_file() {
        return Err(Error::refused(format!(
            "{}: not a run folder (no summary.csv); give folders written by ssosim run or sweep",
            dir.display()
        )));
    }
    load_tables(dir).map_err(|e| Error::failed(e.to_string()))
}

/// A value for people: 4 significant digits, interval in brackets.
fn short(v: &Value) -> String {
    let n = |x: f64| fmt_num(round(x));
    match (v.ci95_low, v.ci95_high) {
        (Some(lo), Some(hi)) => format!("{} [{}, {}]", n(v.value), n(lo), n(hi)),
        _ => n(v.value),
    }
}

/// A cell for people: value, relative difference (not for the first run), mark.
fn human(cell: &Cell, first: bool) -> String {
    let Some(v) = &cell.value else {
        return "-".to_string();
    };
    short(v) + &mark(cell, first)
}

const LEGEND: &str = "(relative difference to the first run in parentheses; * where the 95% intervals do not overlap, or, for runs paired with the first (same seed and replica count), where the paired difference's 95% interval excludes 0)";

fn table(labels: &[String], rows: &[Row]) -> String {
    let mut lines: Vec<Vec<String>> = vec![
        ["metric", "scope"]
            .iter()
            .map(|s| s.to_string())
            .chain(labels.iter().cloned())
            .collect(),
    ];
    for r in rows {
        let mut line = vec![r.metric.clone(), r.scope.clone()];
        line.extend(r.runs.iter().enumerate().map(|(i, c)| human(c, i == 0)));
        lines.push(line);
    }
    let columns = lines.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            lines
                .iter()
                .map(|l| l.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for l in &lines {
        let cells: Vec<String> = l
            .iter()
            .zip(&widths)
            .map(|(s, w)| format!("{s:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str(LEGEND);
    out.push('\n');
    out
}

fn markdown(labels: &[String], rows: &[Row]) -> String {
    let escape = |s: &str| s.replace('|', "\\|");
    let mut out = format!(
        "| metric | scope | {} |\n|---|---|{}\n",
        labels
            .iter()
            .map(|l| escape(l))
            .collect::<Vec<_>>()
            .join(" | "),
        "---:|".repeat(labels.len())
    );
    for r in rows {
        let cells: Vec<String> = r
            .runs
            .iter()
            .enumerate()
            .map(|(i, c)| escape(&human(c, i == 0)))
            .collect();
        out += &format!("| {} | {} | {} |\n", r.metric, r.scope, cells.join(" | "));
    }
    out += &format!("\n{LEGEND}\n");
    out
}

fn csv_text(rows: &[Row]) -> String {
    let opt = |x: Option<f64>| x.map(fmt_num).unwrap_or_default();
    let field = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from(
        "metric,scope,run,value,ci95_low,ci95_high,rel_diff,differs,paired_diff,paired_ci95_low,paired_ci95_high\n",
    );
    for r in rows {
        for c in &r.runs {
            let (v, lo, hi) = match &c.value {
                Some(v) => (Some(v.value), v.ci95_low, v.ci95_high),
                None => (None, None, None),
            };
            let p = c.paired;
            out += &format!(
                "{},{},{},{},{},{},{},{},{},{},{}\n",
                r.metric,
                r.scope,
                field(&c.run),
                opt(v),
                opt(lo),
                opt(hi),
                opt(c.rel_diff),
                c.differs,
                opt(p.map(|p| p.paired_diff)),
                opt(p.map(|p| p.paired_ci95_low)),
                opt(p.map(|p| p.paired_ci95_high)),
            );
        }
    }
    out
}

fn json(labels: &[String], rows: &[Row]) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        runs: &'a [String],
        rows: &'a [Row],
    }
    serde_json::to_string_pretty(&Doc { runs: labels, rows }).unwrap_or_default() + "\n"
}

/// Reads the folders and prints the comparison.
pub fn exec(args: CompareArgs) -> Result<(), Error> {
    let dirs = match args.runs.as_slice() {
        [one] if super::sweep_folder::is_sweep_folder(one) => {
            super::sweep_folder::point_folders(one)?
        }
        [one] => {
            return Err(Error::refused(format!(
                "{}: one folder to compare; give two or more run folders, or one sweep folder (with sweep.csv)",
                one.display()
            )));
        }
        many => many.to_vec(),
    };
    let runs: Vec<(Summary, Segments)> = dirs
        .iter()
        .map(|d| read_tables(d))
        .collect::<Result<_, _>>()?;
    let replicas: Vec<Option<Replicas>> = dirs
        .iter()
        .map(|d| Replicas::load(d).map_err(|e| Error::failed(e.to_string())))
        .collect::<Result<_, _>>()?;
    let labels: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    let tables: Vec<Tables<'_>> = runs
        .iter()
        .zip(&replicas)
        .map(|((summary, segments), replicas)| Tables {
            summary,
            segments,
            replicas: replicas.as_ref(),
        })
        .collect();
    let rows = compare(&labels, &tables);
    let text = match args.format {
        Format::Table => table(&labels, &rows),
        Format::Csv => csv_text(&rows),
        Format::Markdown => markdown(&labels, &rows),
        Format::Json => json(&labels, &rows),
    };
    if let Some(dir) = &args.charts {
        let runs: Vec<(String, PathBuf)> =
            labels.iter().cloned().zip(dirs.iter().cloned()).collect();
        crate::report::render_comparison(&runs, dir).map_err(|e| Error::failed(e.to_string()))?;
    }
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Error::Failed(format!("cannot write to stdout: {e}")))
}
