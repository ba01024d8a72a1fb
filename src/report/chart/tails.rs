//! "How prompts fall on users" (issue 13): from `distributions.csv`, the share
//! of users who had exactly k interactive logins, failed silent
//! authentications or lost AS sessions in the measured window. Means hide
//! that a few users suffer most; the right tail of these lines is them.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::lines::{Axes, Line, draw_lines, legend_of};
use super::{DrawResult, Figure, Legend};
use crate::report::data::{Distribution, RunData};
use crate::report::style::line_style;

/// The distributions drawn: (metric, scope, legend label).
const SHOWN: [(&str, &str, &str); 3] = [
    ("interactive_logins", "all", "interactive logins"),
    ("silent_auth_failures", "all", "failed silent auth"),
    ("sessions_lost", "as", "AS sessions lost"),
];

/// Counts above this are drawn as one last point "this many or more".
const TAIL_CAP: u64 = 30;

/// Share of users by their count of prompts, one line per kind of prompt.
#[derive(Debug, Clone, Copy)]
pub struct PromptTails<'a> {
    /// The run.
    pub run: &'a RunData,
}

/// The (count, % of users) points of `metric` at `scope`, counts above
/// [`TAIL_CAP`] folded into it.
pub(super) fn shares(rows: &[Distribution], metric: &str, scope: &str) -> Vec<(f64, f64)> {
    let rows: Vec<&Distribution> = rows
        .iter()
        .filter(|r| r.metric == metric && r.scope == scope)
        .collect();
    let users: u64 = rows.iter().map(|r| r.users).sum();
    if users == 0 {
        return Vec::new();
    }
    let top = rows
        .iter()
        .map(|r| r.count.min(TAIL_CAP))
        .max()
        .unwrap_or(0);
    let mut by_count = vec![0u64; top as usize + 1];
    for r in rows {
        by_count[r.count.min(TAIL_CAP) as usize] += r.users;
    }
    by_count
        .iter()
        .enumerate()
        .map(|(k, n)| (k as f64, 100.0 * *n as f64 / users as f64))
        .collect()
}

impl PromptTails<'_> {
    fn lines(&self) -> Vec<Line> {
        SHOWN
            .iter()
            .enumerate()
            .map(|(i, (metric, scope, label))| Line {
                label: (*label).to_string(),
                points: shares(&self.run.distributions, metric, scope),
                band: Vec::new(),
                style: line_style(i),
            })
            .collect()
    }
}

impl Figure for PromptTails<'_> {
    fn stem(&self) -> &'static str {
        "prompt_tails"
    }

    fn title(&self) -> String {
        "How prompts fall on users".to_string()
    }

    fn caption(&self) -> String {
        format!(
            "Share of users (all replicas together) who had exactly k interactive logins, \
             failed silent authentications or lost AS sessions in the whole measured window \
             ({}; summary.csv scales its per-user percentiles to 30 days); k of {TAIL_CAP} or \
             more is drawn at {TAIL_CAP}. From distributions.csv.",
            crate::time::Dur(self.run.meta.duration_ms)
        )
    }

    fn legend(&self) -> Legend {
        legend_of("", &self.lines())
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        let lines = self.lines();
        let top = lines
            .iter()
            .flat_map(|l| l.points.last().map(|p| p.0))
            .fold(1.0, f64::max);
        draw_lines(
            plot,
            &Axes {
                x_desc: "per user in the measured window (k)",
                y_desc: "share of users (%)",
                x_range: 0.0..top,
                percent: true,
                empty_note: "no distributions.csv in the run folder",
                marks: Vec::new(),
            },
            &lines,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(metric: &str, count: u64, users: u64) -> Distribution {
        Distribution {
            metric: metric.to_string(),
            scope: "all".to_string(),
            count,
            users,
        }
    }

    #[test]
    fn shares_sum_to_100_and_fold_the_tail() {
        let rows = [
            row("interactive_logins", 0, 1),
            row("interactive_logins", 2, 2),
            row("interactive_logins", 40, 1),
            row("silent_auth_failures", 1, 9),
        ];
        let s = shares(&rows, "interactive_logins", "all");
        assert_eq!(s.len(), TAIL_CAP as usize + 1);
        assert_eq!(s[0], (0.0, 25.0));
        assert_eq!(s[1], (1.0, 0.0));
        assert_eq!(s[2], (2.0, 50.0));
        assert_eq!(s[TAIL_CAP as usize], (TAIL_CAP as f64, 25.0));
        assert!((s.iter().map(|p| p.1).sum::<f64>() - 100.0).abs() < 1e-9);
        assert!(shares(&rows, "sessions_lost", "as").is_empty());
    }
}
