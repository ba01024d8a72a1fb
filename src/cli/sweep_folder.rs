//! A sweep folder as a whole: `sweep.csv` and the comparison charts built
//! from its point folders (after a local sweep, or by `sweep --collect` from
//! points run apart), and the points of a sweep folder in sweep order (for
//! `compare SWEEP_DIR`, and for `chart` to recognise one).

use super::Error;
use super::sweep::{Extras, Point, csv_field};
use crate::decide::grid::{Vary, labels, point_names};
use crate::metrics::catalog;
use crate::metrics::stats::Estimate;
use crate::output::{SCENARIO_TOML, SUMMARY_CSV, write_atomic};
use crate::report::data::Summary;
use crate::scenario::to_toml;
use std::path::{Path, PathBuf};

/// `--collect`: every point's folder must hold a finished run of that point
/// (its `summary.csv`, and a `scenario.toml` equal to the point's scenario);
/// otherwise refused, naming the folders and what to do.
pub(super) fn check_collected(points: &[Point], out: &Path) -> Result<(), Error> {
    let mut problems = Vec::new();
    for p in points {
        let dir = out.join(&p.name);
        let toml = std::fs::read_to_string(dir.join(SCENARIO_TOML));
        if !dir.join(SUMMARY_CSV).is_file() || toml.is_err() {
            problems.push(format!(
                "--collect: {}: no finished run of this point (summary.csv and scenario.toml); run it first (one of the commands of sweep --list), or merge its shards there",
                dir.display()
            ));
        } else if toml.ok().as_deref() != Some(to_toml(&p.scenario).as_str()) {
            problems.push(format!(
                "--collect: {}: its scenario.toml is not this point's scenario; run the point again with the commands of sweep --list and the same --set, --vary and --replicas",
                dir.display()
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Refused(problems))
    }
}

/// Builds `sweep.csv` from the points' `summary.csv` files (one block of rows
/// per point, prefixed with its values), draws the comparison charts, and
/// prints the summary. A local sweep and `--collect` both end here, so they
/// write the same bytes.
pub(super) fn collect(
    varies: &[Vary],
    points: &[Point],
    out: &Path,
    quiet: bool,
    extras: &Extras,
) -> Result<(), Error> {
    let mut csv = varies
        .iter()
        .map(|v| csv_field(&v.key))
        .collect::<Vec<_>>()
        .join(",");
    csv.push_str(",metric,scope,value,ci95_low,ci95_high\n");
    let mut headline = Vec::new();
    let mut summaries = Vec::new();
    for p in points {
        let dir = out.join(&p.name);
        let path = dir.join("summary.csv");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::Failed(format!("{}: cannot read: {e}", path.display())))?;
        if extras.wide {
            summaries.push((p.values.clone(), text.clone()));
        }
        let prefix: String = p.values.iter().map(|v| csv_field(v) + ",").collect();
        for line in text.lines().skip(1) {
            csv.push_str(&prefix);
            csv.push_str(line);
            csv.push('\n');
        }
        headline.push(headline_line(
            &p.name,
            &super::compare::read_tables(&dir)?.0,
        ));
    }
    let path = out.join("sweep.csv");
    write_atomic(&path, csv.as_bytes())
        .map_err(|e| Error::Failed(format!("cannot write {}: {e}", path.display())))?;
    if extras.wide {
        let keys: Vec<&str> = varies.iter().map(|v| v.key.as_str()).collect();
        let wide = wide_csv(&keys, &summaries);
        let wide_path = out.join(SWEEP_WIDE_CSV);
        write_atomic(&wide_path, wide.as_bytes())
            .map_err(|e| Error::Failed(format!("cannot write {}: {e}", wide_path.display())))?;
    }
    // The points overlaid on one chart each, with a legend, beside sweep.csv.
    let runs: Vec<(String, PathBuf)> = points
        .iter()
        .map(|p| (p.name.clone(), out.join(&p.name)))
        .collect();
    crate::report::render_comparison_with(&runs, out, extras.frontier.as_ref())
        .map_err(|e| Error::failed(e.to_string()))?;
    if !quiet {
        eprintln!("sweep: {} points in {}", points.len(), out.display());
        for line in headline {
            eprintln!("{line}");
        }
        eprintln!("  all rows in {}", path.display());
        if extras.wide {
            eprintln!(
                "  one row per point in {}",
                out.join(SWEEP_WIDE_CSV).display()
            );
        }
        if extras.frontier.is_some() {
            eprintln!(
                "  friction against exposure in {}",
                out.join("frontier.svg").display()
            );
        }
    }
    Ok(())
}

/// File name of the wide form of `sweep.csv` (`sweep --wide`).
pub(super) const SWEEP_WIDE_CSV: &str = "sweep_wide.csv";

/// The wide form of a sweep: a header of the varied `keys`, then one column
/// per (metric, scope) of the points' `summary.csv` texts (`METRIC` for
/// scope `all`, `METRIC@SCOPE` otherwise, in order of first appearance);
/// one row per point (`values`, `summary`), each cell the `value` field as
/// the summary writes it, empty where the point has no such row.
fn wide_csv(keys: &[&str], points: &[(Vec<String>, String)]) -> String {
    let rows: Vec<Vec<(String, String)>> = points
        .iter()
        .map(|(_, summary)| {
            crate::output::read::csv_reader(summary)
                .records()
                .filter_map(Result::ok)
                .filter_map(|f| {
                    let column = match (f.get(0), f.get(1)) {
                        (Some(m), Some("all")) => m.to_string(),
                        (Some(m), Some(s)) => format!("{m}@{s}"),
                        _ => return None,
                    };
                    Some((column, f.get(2).unwrap_or_default().to_string()))
                })
                .collect()
        })
        .collect();
    let mut columns: Vec<&str> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in &rows {
        for (c, _) in row {
            if seen.insert(c.as_str()) {
                columns.push(c);
            }
        }
    }
    let mut out: Vec<String> = keys.iter().map(|k| csv_field(k)).collect();
    out.extend(columns.iter().map(|c| csv_field(c)));
    let mut text = out.join(",") + "\n";
    for ((values, _), row) in points.iter().zip(&rows) {
        let by_column: std::collections::HashMap<&str, &str> =
            row.iter().map(|(c, v)| (c.as_str(), v.as_str())).collect();
        let mut line: Vec<String> = values.iter().map(|v| csv_field(v)).collect();
        line.extend(
            columns
                .iter()
                .map(|c| csv_field(by_column.get(c).copied().unwrap_or(""))),
        );
        text.push_str(&line.join(","));
        text.push('\n');
    }
    text
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
        show(catalog::REAUTH_RATE.name),
        show(catalog::SSO_SHARE.name)
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
pub(super) fn point_folders(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let path = dir.join("sweep.csv");
    if !path.is_file() {
        return Err(Error::refused(format!(
            "{}: a sweep folder without sweep.csv (its points were run apart, e.g. on a cluster); build it first with ssosim sweep SCENARIO --vary ... --out {} --collect",
            dir.display(),
            dir.display()
        )));
    }
    let failed = |e: String| Error::Failed(format!("{}: {e}", path.display()));
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
        return Err(Error::refused(format!(
            "{}: a point of {} without its run (no summary.csv); run it, then collect the sweep again",
            missing.display(),
            path.display()
        )));
    }
    Ok(folders)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wide_form_has_one_row_per_point_and_one_column_per_row() {
        let a = "metric,scope,value,ci95_low,ci95_high\n\
                 reauth_rate,all,0.1,0.09,0.11\n\
                 sessions_created,as,5,,\n\
                 sessions_created,\"app:a,b\",3,,\n";
        let b = "metric,scope,value,ci95_low,ci95_high\n\
                 reauth_rate,all,0.2,,\n\
                 sessions_created,idp:fb,7,,\n";
        let text = wide_csv(
            &["authorization_server.idle_timeout"],
            &[
                (vec!["1h".into()], a.into()),
                (vec!["1,5".into()], b.into()),
            ],
        );
        assert_eq!(
            text,
            "authorization_server.idle_timeout,reauth_rate,sessions_created@as,\"sessions_created@app:a,b\",sessions_created@idp:fb\n\
             1h,0.1,5,3,\n\
             \"1,5\",0.2,,,7\n"
        );
    }
}
