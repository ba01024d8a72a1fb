//! Chart 3: why sessions end, per tier.

use crate::metrics::catalog;
use plotters::prelude::*;

use super::bars::{Stack, Stacked, drop_zero_parts, thin_parts};
use crate::report::data::{RunData, Summary, scope_label};
use crate::report::style::{self, FILL_COLOURS};

/// The parts of a tier's sessions: (metric, legend label).
const CAUSES: [(&str, &str); 7] = [
    (catalog::SESSIONS_ENDED_IDLE.name, "idle timeout"),
    (catalog::SESSIONS_ENDED_ABSOLUTE.name, "absolute timeout"),
    (catalog::SESSIONS_ENDED_BROWSER_CLOSE.name, "browser close"),
    (catalog::SESSIONS_ENDED_LOGOUT.name, "logout"),
    (
        catalog::SESSIONS_ENDED_PASSWORD_RESET.name,
        "password reset",
    ),
    (
        catalog::SESSIONS_ENDED_COOKIES_CLEARED.name,
        "cookies cleared",
    ),
    (catalog::SESSIONS_ALIVE_AT_END.name, "alive at end"),
];

/// Grey for sessions still alive: not an ending, so no Okabe–Ito hue.
const ALIVE: RGBColor = RGBColor(200, 200, 200);

/// Stacked bars per tier: the share of its sessions that ended by each cause,
/// and the share still alive at the end of the run.
pub fn session_endings(run: &RunData) -> Stacked {
    let (parts, bars) = stacks(&run.summary);
    let empty = empty_tiers(&run.summary);
    let left_out = if empty.is_empty() {
        String::new()
    } else {
        format!(" Left out, with no session: {}.", empty.join(", "))
    };
    Stacked {
        stem: "session_endings",
        title: "Why sessions end, per tier",
        caption: format!(
            "For each tier, the share of the sessions of the measured window (alive when the \
             warm-up ended, or created after) that ended by each cause (the first one that \
             applied) or were still alive at the end; the number in brackets is how many \
             sessions that is.{}{left_out}",
            thin_parts(&parts, &bars)
        ),
        legend_heading: "ended by:",
        parts,
        bars,
        x_desc: "share of the window's sessions (%)",
        empty_note: "no sessions_ended_* metrics in summary.csv",
        none_note: "no sessions created",
    }
}

/// The causes that ended at least one session, and one bar per tier that has any.
fn stacks(summary: &Summary) -> (Vec<(String, RGBColor)>, Vec<Stack>) {
    let (parts, bars) = all_stacks(summary);
    let bars = bars
        .into_iter()
        .filter(|b| b.parts.iter().any(|v| *v > 0.0))
        .collect();
    drop_zero_parts(parts, bars)
}

/// The tiers that created no session (an SPA without a local session): left
/// out of the chart, named in its caption.
fn empty_tiers(summary: &Summary) -> Vec<String> {
    all_stacks(summary)
        .1
        .into_iter()
        .filter(|b| b.parts.iter().all(|v| *v <= 0.0))
        .map(|b| match b.label.rsplit_once(" (") {
            Some((name, _)) => name.to_string(),
            None => b.label,
        })
        .collect()
}

/// Every part the summary has a metric for, zero or not, and the bars.
fn all_stacks(summary: &Summary) -> (Vec<(String, RGBColor)>, Vec<Stack>) {
    let present: Vec<usize> = (0..CAUSES.len())
        .filter(|&i| summary.rows.iter().any(|r| r.metric == CAUSES[i].0))
        .collect();
    let parts = present
        .iter()
        .map(|&i| {
            let colour = if i == CAUSES.len() - 1 {
                ALIVE
            } else {
                FILL_COLOURS[i]
            };
            (CAUSES[i].1.to_string(), colour)
        })
        .collect();
    let bars = summary
        .tiers()
        .into_iter()
        .filter_map(|scope| {
            let values: Vec<Option<f64>> = present
                .iter()
                .map(|&i| summary.value(CAUSES[i].0, &scope))
                .collect();
            if values.iter().all(Option::is_none) {
                return None;
            }
            let values: Vec<f64> = values.into_iter().map(|v| v.unwrap_or(0.0)).collect();
            // Sessions of the measured window: alive when the warm-up ended,
            // or created after (conservation: the causes plus alive at end).
            let created = summary
                .value(catalog::SESSIONS_CREATED.name, &scope)
                .map(|c| {
                    c + summary
                        .value(catalog::SESSIONS_ALIVE_AT_WARMUP_END.name, &scope)
                        .unwrap_or(0.0)
                })
                .unwrap_or_else(|| values.iter().sum());
            Some(Stack {
                label: format!(
                    "{} ({})",
                    scope_label(&scope),
                    style::number(created.round())
                ),
                parts: values,
            })
        })
        .collect();
    (parts, bars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn tiers_without_endings_are_left_out() {
        let summary = Summary::parse(
            Path::new("summary.csv"),
            "metric,scope,value,ci95_low,ci95_high\n\
             sessions_created,as,10,,\nsessions_ended_idle,as,4,,\nsessions_alive_at_end,as,6,,\n\
             visits,app:a,3,,\n",
        )
        .unwrap();
        let (parts, bars) = stacks(&summary);
        assert_eq!(parts.len(), 2);
        assert_eq!(bars.len(), 1);
        assert_eq!(bars[0].label, "AS (10)");
        assert_eq!(bars[0].parts, vec![4.0, 6.0]);
    }

    #[test]
    fn sessions_alive_when_the_warm_up_ended_count_in_the_window() {
        let summary = Summary::parse(
            Path::new("summary.csv"),
            "metric,scope,value,ci95_low,ci95_high\n\
             sessions_created,as,10,,\nsessions_alive_at_warmup_end,as,5,,\n\
             sessions_ended_idle,as,9,,\nsessions_alive_at_end,as,6,,\n",
        )
        .unwrap();
        let (_, bars) = stacks(&summary);
        assert_eq!(
            bars[0].label, "AS (15)",
            "5 alive at the start + 10 created"
        );
        assert_eq!(bars[0].parts.iter().sum::<f64>(), 15.0);
    }
}
