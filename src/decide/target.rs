//! A target on one metric of `summary.csv`: `METRIC<=VALUE` (at most) or
//! `METRIC>=VALUE` (at least), met by a replicated mean.

use super::FlagError;
use crate::metrics::stats::fmt_num;

/// Which side of the value meets the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `<=`: the metric must be at most the value.
    AtMost,
    /// `>=`: the metric must be at least the value.
    AtLeast,
}

/// `METRIC<=VALUE` or `METRIC>=VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// A `summary.csv` metric name.
    pub metric: String,
    /// At most or at least.
    pub direction: Direction,
    /// The threshold.
    pub value: f64,
}

impl Target {
    /// Parses `--target` text.
    ///
    /// # Errors
    /// [`FlagError`] naming `--target` when there is no `<=`/`>=`, no metric
    /// name, or a value that is not a finite number.
    pub fn parse(text: &str) -> Result<Self, FlagError> {
        let bad = |why: &str| FlagError {
            flag: "--target",
            text: text.to_string(),
            why: format!(
                "{why}; use METRIC<=VALUE or METRIC>=VALUE, e.g. --target 'silent_auth_failure_share<=0.05'"
            ),
        };
        let (metric, direction, value) = if let Some((m, v)) = text.split_once("<=") {
            (m, Direction::AtMost, v)
        } else if let Some((m, v)) = text.split_once(">=") {
            (m, Direction::AtLeast, v)
        } else {
            return Err(bad("no <= or >="));
        };
        let metric = metric.trim();
        if metric.is_empty()
            || !metric
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(bad(&format!("\"{metric}\" is not a metric name")));
        }
        let value: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| bad(&format!("\"{}\" is not a number", value.trim())))?;
        Ok(Self {
            metric: metric.to_string(),
            direction,
            value,
        })
    }

    /// True when `mean` meets the target.
    pub fn meets(&self, mean: f64) -> bool {
        match self.direction {
            Direction::AtMost => mean <= self.value,
            Direction::AtLeast => mean >= self.value,
        }
    }

    /// `<=` or `>=`.
    pub fn operator(&self) -> &'static str {
        match self.direction {
            Direction::AtMost => "<=",
            Direction::AtLeast => ">=",
        }
    }

    /// `<= 0.05`: the target without its metric.
    pub fn condition(&self) -> String {
        format!("{} {}", self.operator(), fmt_num(self.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_directions_and_refuses_the_rest() {
        let t = Target::parse("silent_auth_failure_share<=0.05").unwrap();
        assert_eq!(t.direction, Direction::AtMost);
        assert!(t.meets(0.05) && !t.meets(0.0501));
        assert_eq!(t.condition(), "<= 0.05");
        let t = Target::parse(" sso_share >= 0.9 ").unwrap();
        assert_eq!((t.metric.as_str(), t.value), ("sso_share", 0.9));
        assert!(t.meets(0.95) && !t.meets(0.8));
        for bad in ["sso_share=0.9", "<=0.1", "sso share<=1", "x<=abc", "x<=inf"] {
            let e = Target::parse(bad).unwrap_err();
            assert!(
                e.to_string().starts_with(&format!("--target {bad}: ")),
                "{e}"
            );
        }
    }
}
