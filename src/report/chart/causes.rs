//! "Why users typed their credentials again": per app, the interactive logins
//! stacked by cause (`interactive_logins_by_<cause>` of `summary.csv`, issue 13).

use plotters::prelude::*;

use super::bars::{Stack, Stacked, drop_zero_parts, thin_parts};
use crate::metrics::{Cause, Family};
use crate::report::data::{RunData, Summary, scope_label};
use crate::report::style::{self, FILL_COLOURS};

/// Colours beyond the seven Okabe–Ito fills: grey for first logins (not a
/// loss), then two darker tones for the refresh-token causes.
const FIRST: RGBColor = RGBColor(200, 200, 200);
const EXTRA: [RGBColor; 2] = [RGBColor(90, 60, 30), RGBColor(60, 60, 60)];

/// Stacked bars per app: the share of its interactive logins put down to each cause.
pub fn prompt_causes(run: &RunData) -> Stacked {
    let (parts, bars) = stacks(&run.summary);
    Stacked {
        stem: "prompt_causes",
        title: "Why users typed their credentials again",
        caption: format!(
            "For each app, the share of its interactive logins (the AS prompt shown and \
             completed) by cause: the browser's first login, or what ended the credential \
             that last kept the user logged in (the AS session or the app's refresh token, \
             whichever ended last); the number in brackets is how many interactive logins \
             the measured window had.{}",
            thin_parts(&parts, &bars)
        ),
        legend_heading: "cause:",
        parts,
        bars,
        x_desc: "share of interactive logins (%)",
        empty_note: "no interactive_logins_by_* metrics in summary.csv",
        none_note: "no interactive login",
    }
}

/// Colour of cause `i`.
fn colour(i: usize) -> RGBColor {
    match i {
        0 => FIRST,
        i if i <= FILL_COLOURS.len() => FILL_COLOURS[i - 1],
        i => EXTRA[(i - FILL_COLOURS.len() - 1) % EXTRA.len()],
    }
}

/// A cause's legend label: timeouts are the AS session's here.
pub fn label(cause: Cause) -> String {
    match cause {
        Cause::IdleTimeout | Cause::AbsoluteTimeout => format!("AS {}", cause.label()),
        _ => cause.label().to_string(),
    }
}

/// The causes present, and one bar per app with at least one interactive login.
fn stacks(summary: &Summary) -> (Vec<(String, RGBColor)>, Vec<Stack>) {
    let causes = Family::InteractiveLogins.rows();
    let parts = causes
        .iter()
        .enumerate()
        .map(|(i, (cause, _))| (label(*cause), colour(i)))
        .collect();
    let bars = summary
        .apps()
        .into_iter()
        .filter_map(|scope| {
            let values: Vec<f64> = causes
                .iter()
                .map(|(_, metric)| summary.value(metric, &scope).unwrap_or(0.0))
                .collect();
            let total: f64 = values.iter().sum();
            (total > 0.0).then(|| Stack {
                label: format!("{} ({})", scope_label(&scope), style::number(total.round())),
                parts: values,
            })
        })
        .collect();
    drop_zero_parts(parts, bars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn one_bar_per_app_with_prompts_and_only_the_causes_that_occur() {
        let summary = Summary::parse(
            Path::new("summary.csv"),
            "metric,scope,value,ci95_low,ci95_high\n\
             interactive_logins_by_first_login,app:a,2,,\n\
             interactive_logins_by_as_idle_timeout,app:a,6,,\n\
             interactive_logins_by_logout,app:a,0,,\n\
             interactive_logins_by_first_login,app:b,0,,\n",
        )
        .unwrap();
        let (parts, bars) = stacks(&summary);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(parts[1].0, "AS idle timeout");
        assert_eq!(bars.len(), 1);
        assert_eq!(bars[0].parts, vec![2.0, 6.0]);
    }
}
