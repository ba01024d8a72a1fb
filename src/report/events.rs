//! The report's tenant-event section (issue 17): for each `[[events]]` entry,
//! the measured window just before it against the one just after it —
//! protected visits, interactive logins, the re-authentication rate, the
//! AS's requests, its busiest second and the requests over its rate limit —
//! and how long the AS load took to come back to the day before's level.
//!
//! Windows are [`WINDOW_MS`] long, clipped to the measured window. Counters
//! come from `timeseries.csv` (cumulative, at its samples), the load from
//! `load.csv` (the hours starting in the window).

use std::fmt::Write as _;

use super::data::{EventMark, LoadHour, RunData};
use super::html::escape;
use super::style;
use crate::time::{Clock, Dur, HOUR};

/// Length of the windows compared: a day before, a day after.
pub const WINDOW_MS: u64 = 24 * HOUR;

/// A window's figures.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Window {
    /// Start, virtual ms.
    pub from: u64,
    /// End (excluded), virtual ms.
    pub to: u64,
    /// Protected visits (mean over replicas).
    pub protected: f64,
    /// Interactive logins.
    pub interactive: f64,
    /// Re-authentications.
    pub reauth: f64,
    /// AS requests (all, summed over replicas).
    pub requests: u64,
    /// Busiest second.
    pub max_per_s: u64,
    /// Requests over the `total` rate limit.
    pub throttled: u64,
}

/// The cumulative value of `column` (scope `all`) at the last sample at or
/// before `t`; 0 before the first.
fn cumulative(run: &RunData, column: &str, t: u64) -> f64 {
    run.series
        .get("all", column)
        .iter()
        .take_while(|s| s.time_ms <= t)
        .last()
        .map_or(0.0, |s| s.value)
}

/// The figures of `[from, to)`.
pub fn window(run: &RunData, from: u64, to: u64) -> Window {
    let delta = |c: &str| cumulative(run, c, to) - cumulative(run, c, from);
    let hours: Vec<&LoadHour> = run
        .load
        .get("total")
        .iter()
        .filter(|h| h.time_ms >= from && h.time_ms < to)
        .collect();
    Window {
        from,
        to,
        protected: delta("protected_visits"),
        interactive: delta("interactive_logins"),
        reauth: delta("reauthentications"),
        requests: hours.iter().map(|h| h.requests).sum(),
        max_per_s: hours.iter().map(|h| h.max_per_s).max().unwrap_or(0),
        throttled: hours.iter().map(|h| h.throttled).sum(),
    }
}

/// The first hour after the event's whose AS requests are back within 10 %
/// of the same hour of the day on the last day before the event (measured),
/// in hours after the event's hour; `None` when it never is within the run
/// or there is nothing to compare with.
pub fn recovery_hours(run: &RunData, at: u64) -> Option<u64> {
    const DAY: u64 = 24 * HOUR;
    let hours = run.load.get("total");
    let start = at / HOUR * HOUR;
    let before = |t: u64| {
        let back = ((t - start) / DAY + 1) * DAY;
        let reference = t.checked_sub(back)?;
        hours
            .iter()
            .find(|h| h.time_ms == reference)
            .map(|h| h.requests)
    };
    hours
        .iter()
        .filter(|h| h.time_ms > start)
        .find(|h| before(h.time_ms).is_some_and(|b| h.requests as f64 <= 1.1 * b as f64))
        .map(|h| (h.time_ms - start) / HOUR)
}

/// The section, when the scenario has events.
pub fn section(out: &mut String, run: &RunData) {
    if run.events.is_empty() {
        return;
    }
    let start = run.meta.warmup_ms;
    let end = run.meta.end_ms();
    out.push_str("<section>\n<h2>Before and after each tenant event</h2>\n");
    let _ = writeln!(
        out,
        "<p>The {} before each event against the {} after it (clipped to the measured \
         window): counters from timeseries.csv, AS requests from load.csv (the hours \
         starting in the window). Users do not retry a throttled request. \
         <em>Back to normal</em> is the first hour whose AS requests are within 10% of \
         the same hour of the day on the last day before the event.</p>",
        Dur(WINDOW_MS),
        Dur(WINDOW_MS)
    );
    out.push_str(
        "<table>\n<tr><th>event</th><th>window</th><th>protected visits</th>\
         <th>interactive logins</th><th>reauth rate</th><th>AS requests</th>\
         <th>busiest second</th><th>throttled (all requests)</th></tr>\n",
    );
    for e in &run.events {
        row(
            out,
            run,
            e,
            "before",
            window(
                run,
                e.time_ms.saturating_sub(WINDOW_MS).max(start),
                e.time_ms,
            ),
        );
        row(
            out,
            run,
            e,
            "after",
            window(run, e.time_ms, (e.time_ms + WINDOW_MS).min(end)),
        );
    }
    out.push_str("</table>\n");
    for e in &run.events {
        let day = super::capacity::WEEKDAYS[((e.time_ms / (24 * HOUR)) % 7) as usize];
        let at = format!("{} ({day})", Clock(e.time_ms));
        let back = match recovery_hours(run, e.time_ms) {
            Some(h) => format!("back to normal after {h} h"),
            None => "not back to the day before's level within the run".to_string(),
        };
        let _ = writeln!(out, "<p>{} at {at}: AS load {back}.</p>", escape(&e.label));
    }
    out.push_str("</section>\n");
}

fn row(out: &mut String, run: &RunData, e: &EventMark, side: &str, w: Window) {
    let replicas = run.meta.replicas.max(1) as f64;
    let rate = if w.protected > 0.0 {
        style::number(w.reauth / w.protected)
    } else {
        "–".to_string()
    };
    let _ = writeln!(
        out,
        "<tr><td>{}</td><td>{side} ({})</td><td>{}</td><td>{}</td><td>{rate}</td>\
         <td>{}</td><td>{}</td><td>{}</td></tr>",
        escape(&e.label),
        Dur(w.to - w.from),
        style::number(w.protected),
        style::number(w.interactive),
        style::number(w.requests as f64 / replicas),
        w.max_per_s,
        style::number(w.throttled as f64 / replicas),
    );
}
