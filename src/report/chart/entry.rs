//! Chart 4: how users get in, per app.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::{Stack, StackedBars, draw_stacked};
use super::{DrawResult, Figure, frame};
use crate::report::data::{RunData, Summary, scope_label};
use crate::report::style::{self, FILL_COLOURS};

/// The ways a protected visit is served: (metric, legend label).
const PATHS: [(&str, &str); 6] = [
    ("local_session_hits", "local session"),
    ("sso_logins", "SSO"),
    ("silent_auth_successes", "silent auth"),
    ("first_logins", "first login"),
    ("reauthentications", "re-authentication"),
    ("logins_abandoned", "abandoned"),
];

/// Stacked bars per app (and for all apps when there are several): how protected
/// visits were served.
#[derive(Debug, Clone, Copy)]
pub struct LoginPaths<'a> {
    /// The run.
    pub run: &'a RunData,
}

impl Figure for LoginPaths<'_> {
    fn stem(&self) -> &'static str {
        "login_paths"
    }

    fn title(&self) -> String {
        "How users get in, per app".to_string()
    }

    fn caption(&self) -> String {
        "For each app, how visits to protected pages were served: from the app's own \
         session, by SSO at the AS, by silent authentication, by an interactive login \
         (first ever or re-authentication), or abandoned; the number in brackets is the \
         count of protected visits."
            .to_string()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (plot, legend) = frame(root, &self.title())?;
        let (parts, bars) = stacks(&self.run.summary);
        draw_stacked(
            &plot,
            &legend,
            &StackedBars {
                parts: &parts,
                bars: &bars,
                x_desc: "share of protected visits (%)",
                y_desc: "app (protected visits)",
                legend_heading: "served by",
                empty_note: "no per-app login metrics in summary.csv",
            },
        )
    }
}

fn stacks(summary: &Summary) -> (Vec<(String, RGBColor)>, Vec<Stack>) {
    let present: Vec<usize> = (0..PATHS.len())
        .filter(|&i| summary.rows.iter().any(|r| r.metric == PATHS[i].0))
        .collect();
    let parts = present
        .iter()
        .map(|&i| (PATHS[i].1.to_string(), FILL_COLOURS[i]))
        .collect();
    let apps = summary.apps();
    let mut scopes = Vec::new();
    if apps.len() > 1 {
        scopes.push("all".to_string());
    }
    scopes.extend(apps);
    let bars = scopes
        .into_iter()
        .filter_map(|scope| {
            let values: Vec<Option<f64>> = present
                .iter()
                .map(|&i| summary.value(PATHS[i].0, &scope))
                .collect();
            if values.iter().all(Option::is_none) {
                return None;
            }
            let values: Vec<f64> = values.into_iter().map(|v| v.unwrap_or(0.0)).collect();
            let name = if scope == "all" {
                "all apps".to_string()
            } else {
                scope_label(&scope)
            };
            let label = match summary.value("protected_visits", &scope) {
                Some(n) => format!("{name} ({})", style::number(n)),
                None => name,
            };
            Some(Stack {
                label,
                parts: values,
            })
        })
        .collect();
    (parts, bars)
}
