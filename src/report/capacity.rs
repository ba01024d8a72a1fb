//! The report's capacity section (issue 17): when in the week the AS is
//! busiest, read from `load.csv` — per day of the week and hour of the day,
//! the mean requests per second and the busiest second.
//!
//! Rule: virtual time 0 (the start of the warm-up) is a Monday at 00:00, so
//! day `d` of the run is weekday `d mod 7` (0 = Monday) and hour `h` of a
//! day is `time mod 24 h`; a daily profile's hours are these hours.

use std::fmt::Write as _;

use super::data::RunData;
use super::html::escape;
use super::style;

/// Names of the days, Monday first.
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Mean requests per second and busiest second of one (weekday, hour) cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cell {
    /// Mean requests per second over the hours of this cell (and replicas).
    pub mean: f64,
    /// Busiest second in any hour of this cell.
    pub max: u64,
    /// Hours of the measured window in this cell.
    pub hours: u64,
}

/// `[weekday][hour]` cells of series `series` of `load.csv`.
pub fn week(run: &RunData, series: &str) -> [[Cell; 24]; 7] {
    let mut cells = [[Cell::default(); 24]; 7];
    let mut requests = [[0u64; 24]; 7];
    for h in run.load.get(series) {
        let hour = h.time_ms / 3_600_000;
        let (day, hod) = (((hour / 24) % 7) as usize, (hour % 24) as usize);
        let c = &mut cells[day][hod];
        c.hours += 1;
        c.max = c.max.max(h.max_per_s);
        requests[day][hod] += h.requests;
    }
    let replicas = run.meta.replicas.max(1) as f64;
    for (row, reqs) in cells.iter_mut().zip(&requests) {
        for (c, &r) in row.iter_mut().zip(reqs) {
            if c.hours > 0 {
                c.mean = r as f64 / (c.hours as f64 * 3600.0 * replicas);
            }
        }
    }
    cells
}

/// The capacity section: the week table of all requests, when the run has
/// `load.csv`.
pub fn section(out: &mut String, run: &RunData) {
    if run.load.get("total").is_empty() {
        return;
    }
    out.push_str("<section>\n<h2>Load by day of the week and hour</h2>\n");
    out.push_str(
        "<p>All requests to the authorization server: in each cell the mean requests per \
         second over the hours of the measured window that fall there, then, in brackets, \
         the busiest second. Virtual time 0 (the start of the warm-up) is a Monday at 00:00. \
         Users do not retry a refused request: the load is the demand.</p>\n",
    );
    let cells = week(run, "total");
    out.push_str("<div class=\"table-wrap\"><table>\n<thead><tr><th>hour</th>");
    for d in WEEKDAYS {
        let _ = write!(out, "<th>{d}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for hod in 0..24 {
        let _ = write!(out, "<tr><td>{hod:02}:00</td>");
        for day in &cells {
            let c = day[hod];
            if c.hours == 0 {
                out.push_str("<td>–</td>");
            } else {
                let _ = write!(
                    out,
                    "<td>{} ({})</td>",
                    escape(&style::significant(c.mean, 3)),
                    c.max
                );
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n</section>\n");
}
