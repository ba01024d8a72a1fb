//! The short summary `ssosim run` prints on stderr once a run is written: key
//! rates with their 95% intervals when there are replicas, sessions alive at the
//! end per tier, and where the files went. Numbers are those of `summary.csv`.
//! A shard (`run --shard I/N`) says how many users it simulated and lists the
//! files of its folder, which the merge turns into a run folder.

use crate::metrics::catalog;
use crate::metrics::stats::{Estimate, fmt_num, round4};
use crate::output::summary::{Row, limits, rows_with};
use crate::runner::RunResult;
use crate::scenario::Scenario;
use crate::time::Dur;
use std::path::{Path, PathBuf};

/// The values of one metric of one scope, per replica.
fn values<'a>(rows: &'a [Row], metric: &str, scope: &str) -> &'a [f64] {
    rows.iter()
        .find(|r| r.metric == metric && r.scope == scope)
        .map_or(&[], |r| r.values.as_slice())
}

/// A mean, with `[low, high]` when there is an interval, each rounded by
/// [`round4`]: the form of every rate the command line prints.
pub(super) fn show(e: Estimate) -> String {
    match e.ci95 {
        Some((lo, hi)) => format!(
            "{} [{}, {}]",
            fmt_num(round4(e.mean)),
            fmt_num(round4(lo)),
            fmt_num(round4(hi))
        ),
        None => fmt_num(round4(e.mean)),
    }
}

/// The summary text, one item per line.
pub(super) fn text(s: &Scenario, result: &RunResult, out: &Path) -> String {
    let loads = result.load_stats(&limits(s));
    let rows = rows_with(s, &result.replicas, loads);
    let est = |metric: &str, scope: &str| Estimate::from_replicas(values(&rows, metric, scope));
    let mut t = header(s, &format!("{} users", s.simulation.users), result);
    t += &format!(
        "  reauth_rate                 {}   (re-authentications / protected visits)\n",
        show(est(catalog::REAUTH_RATE.name, "all"))
    );
    t += &format!(
        "  sso_share                   {}   (sso_logins / (sso_logins + interactive_logins))\n",
        show(est(catalog::SSO_SHARE.name, "all"))
    );
    t += &format!(
        "  silent_auth_failure_share   {}\n",
        show(est(catalog::SILENT_AUTH_FAILURE_SHARE.name, "all"))
    );
    let alive: Vec<String> = rows
        .iter()
        .filter(|r| r.metric == catalog::SESSIONS_ALIVE_AT_END.name)
        .map(|r| format!("{} {}", r.scope, show(Estimate::from_replicas(&r.values))))
        .collect();
    t += &format!("  sessions alive at end       {}\n", alive.join(", "));
    let charts = if out.join("report.html").exists() {
        "; open report.html for the charts"
    } else {
        ""
    };
    t += &format!(
        "results in {} (summary.csv, timeseries.csv, logins.csv, run.json, scenario.toml{charts})\n",
        out.display()
    );
    t
}

/// The first line: scenario, users, replicas, virtual duration, events and speed.
fn header(s: &Scenario, users: &str, result: &RunResult) -> String {
    let events = result.events();
    format!(
        "{}: {users} x {} replica(s) over {}; {} events in {:.2}s ({:.1} M events/s)\n",
        s.name,
        s.simulation.replicas,
        Dur(s.simulation.duration),
        events,
        result.wall_time_s,
        events as f64 / result.wall_time_s.max(1e-9) / 1e6
    )
}

/// The summary of a shard: the users it simulated, the files its folder holds
/// (`files`, as written) and the merge that turns the shards into a run folder.
pub(super) fn shard_text(
    s: &Scenario,
    result: &RunResult,
    (i, n): (u64, u64),
    out: &Path,
    files: &[PathBuf],
) -> String {
    let users = crate::shard::users_in_shard(s.simulation.users, (i, n));
    let mut t = header(
        s,
        &format!("shard {i}/{n}: {users} of {} users", s.simulation.users),
        result,
    );
    let mut names: Vec<String> = files
        .iter()
        .filter_map(|f| f.file_name())
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    names.sort();
    t += &format!("shard folder {} ({})\n", out.display(), names.join(", "));
    t += &format!(
        "merge the {n} shard folders into a run folder: ssosim merge SHARD_DIR... --out DIR\n"
    );
    t
}
