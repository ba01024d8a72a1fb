//! The key `tune` varies and its range, `KEY=LOW..HIGH`: two durations
//! (`1h..3d`, values in milliseconds, written back as `19h20m`), two whole
//! numbers (`100..5000`) or two numbers (`0.5..10`). Every value tried is
//! rounded in the key's own syntax to a step no coarser than a quarter of the
//! tolerance, so a folder name and `tune.json` say exactly what ran.

use super::FlagError;
use crate::metrics::stats::fmt_num;
use crate::time::{DAY, Dur, HOUR, MINUTE, SECOND, parse_duration};

/// What the values of the key are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A duration; values in milliseconds.
    Duration,
    /// A whole number.
    Integer,
    /// Any number.
    Real,
}

/// `KEY=LOW..HIGH`.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    /// The dotted scenario key.
    pub key: String,
    /// Durations or numbers.
    pub kind: Kind,
    /// Lower end (milliseconds for a duration).
    pub low: f64,
    /// Upper end, above `low`.
    pub high: f64,
}

impl Range {
    /// Parses `--vary` text of `tune`.
    ///
    /// # Errors
    /// [`FlagError`] naming `--vary` for a missing `=` or `..`, an empty key,
    /// ends that are not two durations or two numbers, or `LOW >= HIGH`.
    pub fn parse(text: &str) -> Result<Self, FlagError> {
        let bad = |why: String| FlagError {
            flag: "--vary",
            text: text.to_string(),
            why: format!(
                "{why}; use KEY=LOW..HIGH with two durations or two numbers, e.g. --vary authorization_server.idle_timeout=1h..3d"
            ),
        };
        let (key, ends) = text
            .split_once('=')
            .ok_or_else(|| bad("no \"=\" in the flag".to_string()))?;
        let key = key.trim();
        if key.is_empty() || key.split('.').any(|p| p.trim().is_empty()) {
            return Err(bad(format!("\"{key}\" is not a dotted key")));
        }
        let (low, high) = ends
            .split_once("..")
            .ok_or_else(|| bad(format!("\"{ends}\" is not a range LOW..HIGH")))?;
        let (low, high) = (low.trim(), high.trim());
        let whole = |s: &str| s.parse::<i64>().ok().map(|v| v as f64);
        let real = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite());
        let (kind, lo, hi) = if let (Some(a), Some(b)) = (whole(low), whole(high)) {
            (Kind::Integer, a, b)
        } else if let (Some(a), Some(b)) = (real(low), real(high)) {
            (Kind::Real, a, b)
        } else {
            match (parse_duration(low), parse_duration(high)) {
                (Ok(a), Ok(b)) => (Kind::Duration, a as f64, b as f64),
                _ => {
                    return Err(bad(format!(
                        "\"{low}\" and \"{high}\" are not two durations nor two numbers"
                    )));
                }
            }
        };
        if lo >= hi {
            return Err(bad(format!("{low} is not below {high}")));
        }
        Ok(Self {
            key: key.to_string(),
            kind,
            low: lo,
            high: hi,
        })
    }

    /// `x` in the key's own syntax: `19h20m`, `1500`, `2.25`.
    pub fn text(&self, x: f64) -> String {
        match self.kind {
            Kind::Duration => Dur(x.round().max(0.0) as u64).to_string(),
            Kind::Integer => format!("{}", x.round() as i64),
            Kind::Real => fmt_num(x),
        }
    }

    /// True when the range spans more than 10×: values are tried, and drawn,
    /// on a logarithmic scale.
    pub fn is_wide(&self) -> bool {
        self.low > 0.0 && self.high / self.low > 10.0
    }

    /// `x` rounded to the coarsest step no larger than `tolerance · |x| / 4`:
    /// for a duration a whole number of days, hours, minutes, seconds or
    /// milliseconds; a whole number for an integer key; a power of ten for
    /// a real one.
    pub fn round(&self, x: f64, tolerance: f64) -> f64 {
        self.steps(x, tolerance)
            .first()
            .map_or(x, |step| (x / step).round() * step)
    }

    /// The rounding steps for `x`, coarsest first.
    fn steps(&self, x: f64, tolerance: f64) -> Vec<f64> {
        let fine = (tolerance * x.abs() / 4.0).max(f64::MIN_POSITIVE);
        match self.kind {
            Kind::Duration => [DAY, HOUR, MINUTE, SECOND, 1]
                .into_iter()
                .map(|u| u as f64)
                .filter(|&u| u <= fine || u == 1.0)
                .collect(),
            Kind::Integer => vec![1.0],
            Kind::Real => {
                let top = 10f64.powf(fine.log10().floor());
                (0..6).map(|i| top / 10f64.powi(i)).collect()
            }
        }
    }

    /// The next value to try between `a` and `b`: their middle (geometric
    /// when the range [`is_wide`](Self::is_wide)), rounded by
    /// [`round`](Self::round) — or more finely when that lands on an end.
    /// `None` when no value of the key lies strictly between them.
    pub fn middle(&self, a: f64, b: f64, tolerance: f64) -> Option<f64> {
        let (lo, hi) = (a.min(b), a.max(b));
        let m = if self.is_wide() {
            (lo * hi).sqrt()
        } else {
            (lo + hi) / 2.0
        };
        self.steps(m, tolerance)
            .into_iter()
            .map(|step| (m / step).round() * step)
            .find(|&r| r > lo && r < hi)
    }
}

/// A value of a scenario key as a number: a duration in milliseconds or a
/// number; `None` for anything else (a cookie kind, a table).
pub fn numeric_value(text: &str) -> Option<(Kind, f64)> {
    let text = text.trim();
    if let Ok(v) = text.parse::<i64>() {
        return Some((Kind::Integer, v as f64));
    }
    if let Some(v) = text.parse::<f64>().ok().filter(|v| v.is_finite()) {
        return Some((Kind::Real, v));
    }
    parse_duration(text)
        .ok()
        .map(|ms| (Kind::Duration, ms as f64))
}

/// The values of one varied key as numbers, when every one is a duration or
/// every one a number (whole or not): `(true, values)` for durations (in
/// milliseconds). `None` when a value is neither, or durations and numbers mix.
pub fn numeric_values(texts: &[String]) -> Option<(bool, Vec<f64>)> {
    let parsed: Vec<(Kind, f64)> = texts
        .iter()
        .map(|t| numeric_value(t))
        .collect::<Option<_>>()?;
    let durations = parsed.iter().filter(|p| p.0 == Kind::Duration).count();
    if durations != 0 && durations != parsed.len() {
        return None;
    }
    Some((durations > 0, parsed.into_iter().map(|p| p.1).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_of_durations_and_numbers() {
        let r = Range::parse("authorization_server.idle_timeout=1h..3d").unwrap();
        assert_eq!(r.kind, Kind::Duration);
        assert_eq!((r.low, r.high), (HOUR as f64, (3 * DAY) as f64));
        assert!(r.is_wide());
        assert_eq!(r.text(19.0 * HOUR as f64 + 20.0 * MINUTE as f64), "19h20m");
        assert_eq!(
            Range::parse("simulation.users=10..5000").unwrap().kind,
            Kind::Integer
        );
        let r = Range::parse("users.visits_per_day=0.5..2").unwrap();
        assert_eq!((r.kind, r.is_wide()), (Kind::Real, false));
        for bad in [
            "a.b",
            "=1..2",
            "a.b=1,2",
            "a.b=3..1",
            "a.b=1h..1h",
            "a.b=1h..3",
            "a.b=x..y",
        ] {
            let e = Range::parse(bad).unwrap_err();
            assert!(e.to_string().starts_with(&format!("--vary {bad}: ")), "{e}");
        }
    }

    #[test]
    fn values_of_a_sweep_are_numeric_or_not() {
        let v = |xs: &[&str]| numeric_values(&xs.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(
            v(&["1h", "1d"]),
            Some((true, vec![HOUR as f64, DAY as f64]))
        );
        assert_eq!(v(&["1", "2.5"]), Some((false, vec![1.0, 2.5])));
        assert_eq!(v(&["1h", "2"]), None, "durations and numbers mix");
        assert_eq!(v(&["persistent", "non_persistent"]), None);
    }

    #[test]
    fn middles_are_rounded_in_the_keys_syntax_and_strictly_inside() {
        let r = Range::parse("k=1h..3d").unwrap();
        // Geometric middle of 1h and 72h: 8.485h, rounded to the minute
        // (2% of 8.5h / 4 = 2.5 min).
        let m = r.middle(r.low, r.high, 0.02).unwrap();
        assert_eq!(r.text(m), "8h29m");
        // Two values one minute apart: the middle is 30 s.
        let (a, b) = (10.0 * HOUR as f64, 10.0 * HOUR as f64 + MINUTE as f64);
        assert_eq!(r.text(r.middle(a, b, 0.02).unwrap()), "10h30s");
        assert_eq!(r.middle(1.0, 2.0, 0.02), None, "no millisecond between");
        let n = Range::parse("k=1..4").unwrap();
        assert_eq!(n.middle(1.0, 4.0, 0.02), Some(3.0));
        assert_eq!(n.middle(2.0, 3.0, 0.02), None);
        let x = Range::parse("k=0.5..2.0").unwrap();
        assert_eq!(x.text(x.middle(0.5, 2.0, 0.02).unwrap()), "1.25");
        assert_eq!(x.text(x.round(1.234_567, 0.02)), "1.235");
    }
}
