//! The fit report: what was read and skipped (with line numbers), each
//! estimate with its interval, and the observed statistics beside those of
//! the fitted scenario's simulated log.

use super::estimate::{Fit, short};
use super::read::LogSet;
use super::stats::ObservedKind;
use std::fmt::Write;

/// What was read: events used and skipped, by reason, with their first places.
pub fn reading(logs: &LogSet) -> String {
    let mut out = format!(
        "read {} events: {} used, of {} users\n",
        logs.read,
        logs.events.len(),
        logs.users.len()
    );
    for (why, n, places) in &logs.skipped {
        let _ = writeln!(
            out,
            "skipped {n} ({}): {}{}",
            why.words(),
            places.join(", "),
            if *n > places.len() as u64 {
                ", ..."
            } else {
                ""
            }
        );
    }
    out
}

/// Estimates, then observed against simulated statistics.
pub fn text(fit: &Fit) -> String {
    let mut out = String::from("estimates (95% intervals):\n");
    for e in fit.estimates.iter().filter(|e| !e.key.contains('[')) {
        let _ = writeln!(
            out,
            "  {:<34} {:>10}  [{}, {}]  from {}",
            e.key,
            short(e.value),
            short(e.low),
            short(e.high),
            e.from
        );
    }
    let profile: Vec<String> = fit
        .estimates
        .iter()
        .filter(|e| e.key.starts_with("users.daily_profile["))
        .map(|e| short(e.value))
        .collect();
    let _ = writeln!(
        out,
        "  users.daily_profile (00h..23h UTC): {}",
        profile.join(" ")
    );
    let (o, s) = (&fit.observed, &fit.simulated);
    let _ = writeln!(
        out,
        "\nstatistic                          observed    simulated (fitted scenario)"
    );
    let mut row = |name: &str, a: String, b: String| {
        let _ = writeln!(out, "  {name:<32} {a:>10}  {b:>10}");
    };
    row(
        "active users",
        o.active_users.to_string(),
        s.active_users.to_string(),
    );
    row(
        "activity events / user-day",
        short(o.activity_rate),
        short(s.activity_rate),
    );
    row(
        "dispersion of per-user counts",
        short(o.dispersion),
        short(s.dispersion),
    );
    row(
        "slo per s",
        short(o.logouts_per_login),
        short(s.logouts_per_login),
    );
    let per_user_day = |st: &super::stats::Stats, k: ObservedKind| {
        st.count(k) as f64 / (st.active_users.max(1) as f64 * st.days.max(1.0))
    };
    for k in ObservedKind::ALL {
        if o.count(k) + s.count(k) > 0 {
            row(
                &format!("{} / user-day", k.code()),
                short(per_user_day(o, k)),
                short(per_user_day(s, k)),
            );
        }
    }
    let (os, ss) = (o.hour_shares(), s.hour_shares());
    let worst = (0..24)
        .max_by(|&a, &b| (os[a] - ss[a]).abs().total_cmp(&(os[b] - ss[b]).abs()))
        .unwrap_or(0);
    row(
        &format!("share of activity at {worst:02}h"),
        short(os[worst]),
        short(ss[worst]),
    );
    for r in &fit.remarks {
        let _ = writeln!(out, "\nnote: {r}");
    }
    out
}
