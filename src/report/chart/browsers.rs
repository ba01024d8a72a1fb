//! "Prompts per user-month by browser" (issue 14): for each browser kind of
//! the run's `users.browsers` mix, the interactive logins per user and 30
//! days of the measured window (`segments.csv`, segment `browser=<name>`,
//! metric `interactive_logins_per_user_month`, scope `all`), with its 95 %
//! interval when the run has replicas. Drawn only for runs with a mix.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::{Bar, BarValue, Bars, draw_bars};
use super::{DrawResult, Figure};
use crate::report::data::RunData;
use crate::report::style::{self, BLUE};

/// The metric drawn.
const METRIC: &str = "interactive_logins_per_user_month";

/// One browser kind's figure.
struct Row {
    /// The kind's name.
    browser: String,
    /// Prompts per user-month.
    value: f64,
    /// Its 95 % interval, with replicas.
    interval: Option<(f64, f64)>,
    /// Users of the kind (mean over replicas).
    users: f64,
}

/// One bar per browser kind.
#[derive(Debug, Clone, Copy)]
pub struct BrowserPrompts<'a> {
    /// The run.
    pub run: &'a RunData,
}

impl BrowserPrompts<'_> {
    /// True when the run has browser segments (a `users.browsers` mix).
    pub fn applies(run: &RunData) -> bool {
        run.segments
            .rows
            .iter()
            .any(|(s, _)| s.starts_with("browser="))
    }

    /// The kinds in `segments.csv` order.
    fn rows(&self) -> Vec<Row> {
        let segs = &self.run.segments.rows;
        segs.iter()
            .filter(|(s, r)| s.starts_with("browser=") && r.metric == METRIC && r.scope == "all")
            .map(|(s, r)| {
                let users = segs
                    .iter()
                    .find(|(t, u)| t == s && u.metric == "users")
                    .map_or(0.0, |(_, u)| u.value);
                Row {
                    browser: s.trim_start_matches("browser=").to_string(),
                    value: r.value,
                    interval: r.ci95,
                    users,
                }
            })
            .collect()
    }
}

impl Figure for BrowserPrompts<'_> {
    fn stem(&self) -> &'static str {
        crate::report::BROWSER_CHART_STEM
    }

    fn title(&self) -> String {
        "Prompts per user-month by browser".to_string()
    }

    fn caption(&self) -> String {
        let rows = self.rows();
        let parts: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} ({} users)",
                    r.browser,
                    style::significant(r.value, 3),
                    style::number(r.users.round())
                )
            })
            .collect();
        format!(
            "Interactive logins (the AS prompt shown and completed) per user and 30 days of \
             the measured window, for the users of each browser kind; whiskers are 95 % \
             intervals over replicas. {}.",
            parts.join(", ")
        )
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        let bars: Vec<Bar> = self
            .rows()
            .into_iter()
            .map(|r| Bar {
                label: r.browser,
                value: Some(BarValue {
                    value: r.value,
                    interval: r.interval,
                }),
                note: String::new(),
            })
            .collect();
        draw_bars(
            plot,
            &Bars {
                bars: &bars,
                colour: BLUE,
                x_desc: "browser",
                y_desc: "prompts per user-month",
                format: |v| style::significant(v, 3),
                caption: "",
                empty_note: "no browser segment in segments.csv",
            },
        )
    }
}
