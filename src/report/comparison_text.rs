//! The comparison of run folders as text (`ssosim compare --format`):
//! aligned columns, Markdown, CSV and JSON. The rows come from
//! [`super::comparison::compare`], shared with `comparison.html`.

use super::comparison::{Cell, Row, Value, mark};
use crate::metrics::stats::{fmt_num, round4};
use serde::Serialize;

/// A value for people: 4 significant digits, interval in brackets.
fn short(v: &Value) -> String {
    let n = |x: f64| fmt_num(round4(x));
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

/// Aligned columns for the terminal, the legend last.
pub fn table(labels: &[String], rows: &[Row]) -> String {
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

/// A Markdown table, one column per run, the legend last.
pub fn markdown(labels: &[String], rows: &[Row]) -> String {
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

/// One line per metric, scope and run, with the paired columns.
pub fn csv(rows: &[Row]) -> String {
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

/// One JSON document: the runs' labels and the rows.
pub fn json(labels: &[String], rows: &[Row]) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        runs: &'a [String],
        rows: &'a [Row],
    }
    serde_json::to_string_pretty(&Doc { runs: labels, rows }).unwrap_or_default() + "\n"
}
