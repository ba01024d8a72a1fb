//! Goal seeking: the value of one key at which a metric meets a target.
//!
//! The response — the metric's mean over replicas as a function of the key —
//! is assumed monotone. Every candidate is a full run with the same seeds
//! (common random numbers), so the response is a deterministic function of
//! the key and differences between candidates are not noise. The search:
//!
//! 1. run both ends of the range; if both meet the target, or neither does,
//!    the answer is the end closest to the target (met or not);
//! 2. otherwise bisect (geometric middle on a range wider than 10×) between
//!    the end that misses and the end that meets, keeping a bracket with one
//!    of each, until it is narrower than `tolerance · |value|` (or no value of
//!    the key lies inside it);
//! 3. one secant step: the value where the line through the bracket's ends
//!    crosses the target is run too, and replaces the end that meets when it
//!    meets the target as well;
//! 4. the answer is the bracket end that meets the target: a value that was
//!    run and met it. Its 95% interval runs from where the lower to where the
//!    upper 95% band of the metric crosses the target (linear interpolation
//!    between the points run, the crossing nearest the answer; the range end
//!    when a band does not cross inside it).
//!
//! The points that contradict monotonicity are reported: two neighbours
//! (by value) whose means go against the direction of the ends, by more than
//! noise when there are replicas (the paired difference's 95% interval
//! excludes 0, replicas sharing their random numbers).

use super::axis::Range;
use super::target::Target;
use crate::metrics::stats::{Estimate, paired_difference};

/// The metric at one value of the key: each replica's value and their mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// Value in each replica.
    pub replicas: Vec<f64>,
    /// Mean and 95% interval over replicas.
    pub estimate: Estimate,
}

impl Measure {
    /// The measure of the values of each replica.
    pub fn of(replicas: Vec<f64>) -> Self {
        let estimate = Estimate::from_replicas(&replicas);
        Self { replicas, estimate }
    }
}

/// One value run.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The key's value (milliseconds for a duration).
    pub value: f64,
    /// The value in the key's syntax.
    pub text: String,
    /// The metric there.
    pub measure: Measure,
    /// 0 for the first point run, 1 for the next…
    pub order: usize,
    /// The mean meets the target.
    pub meets: bool,
}

/// Where the answer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The target is met on one side of the answer and missed on the other:
    /// the answer is within the tolerance of the boundary.
    Boundary,
    /// Every value run meets the target: the boundary lies beyond the end
    /// the answer is.
    WholeRange,
    /// No value run meets the target: the answer is the closest.
    Unmet,
}

/// What `tune` found.
#[derive(Debug, Clone, PartialEq)]
pub struct Tuning {
    /// Every point run, by increasing value.
    pub points: Vec<Point>,
    /// Index in `points` of the answer.
    pub answer: usize,
    /// Lower end of the answer's 95% interval (the answer itself without
    /// replicas).
    pub value_low: f64,
    /// Upper end of the answer's 95% interval.
    pub value_high: f64,
    /// Where the answer stands.
    pub verdict: Verdict,
    /// Pairs of neighbouring points (indices in `points`) whose means go
    /// against the direction of the ends.
    pub reversals: Vec<(usize, usize)>,
}

impl Tuning {
    /// The answer's point.
    pub fn answer(&self) -> &Point {
        &self.points[self.answer]
    }

    /// The target is met at the answer.
    pub fn met(&self) -> bool {
        self.verdict != Verdict::Unmet
    }
}

/// Finds the value of `range`'s key at which `target` is met, calling
/// `measure(value, text)` for each value to run (`text` the value in the
/// key's syntax), in the order of the search.
///
/// # Errors
/// The first error `measure` returns.
pub fn tune<E>(
    range: &Range,
    target: &Target,
    tolerance: f64,
    mut measure: impl FnMut(f64, &str) -> Result<Measure, E>,
) -> Result<Tuning, E> {
    let mut points: Vec<Point> = Vec::new();
    let mut run = |value: f64, points: &mut Vec<Point>| -> Result<bool, E> {
        let text = range.text(value);
        let m = measure(value, &text)?;
        let meets = target.meets(m.estimate.mean);
        points.push(Point {
            value,
            text,
            measure: m,
            order: points.len(),
            meets,
        });
        Ok(meets)
    };
    let low_meets = run(range.low, &mut points)?;
    let high_meets = run(range.high, &mut points)?;
    let closest = |points: &[Point]| {
        let gap = |p: &Point| (p.measure.estimate.mean - target.value).abs();
        if gap(&points[1]) < gap(&points[0]) {
            range.high
        } else {
            range.low
        }
    };
    let (answer, verdict) = match (low_meets, high_meets) {
        (true, true) => (closest(&points), Verdict::WholeRange),
        (false, false) => (closest(&points), Verdict::Unmet),
        _ => {
            let (mut miss, mut meet) = if low_meets {
                (range.high, range.low)
            } else {
                (range.low, range.high)
            };
            while (meet - miss).abs() > tolerance * meet.abs() {
                let Some(m) = range.middle(miss, meet, tolerance) else {
                    break;
                };
                if run(m, &mut points)? {
                    meet = m;
                } else {
                    miss = m;
                }
            }
            // One secant step: where the line through the bracket's ends
            // crosses the target, when a value of the key lies there.
            let mean_at = |x: f64, points: &[Point]| {
                points
                    .iter()
                    .find(|p| p.value == x)
                    .map_or(f64::NAN, |p| p.measure.estimate.mean)
            };
            let (y_miss, y_meet) = (mean_at(miss, &points), mean_at(meet, &points));
            let secant = range.round(
                miss + (target.value - y_miss) * (meet - miss) / (y_meet - y_miss),
                tolerance,
            );
            let inside = secant > miss.min(meet) && secant < miss.max(meet);
            if y_meet != y_miss && inside && run(secant, &mut points)? {
                meet = secant;
            }
            (meet, Verdict::Boundary)
        }
    };
    points.sort_by(|a, b| a.value.total_cmp(&b.value));
    let answer = points
        .iter()
        .position(|p| p.value == answer)
        .unwrap_or_default();
    let at = points[answer].value;
    let (value_low, value_high) = if verdict == Verdict::Boundary {
        let low_band = crossing(&points, range, target.value, at, |e| e.ci95.map(|c| c.0));
        let high_band = crossing(&points, range, target.value, at, |e| e.ci95.map(|c| c.1));
        match (low_band, high_band) {
            (Some(a), Some(b)) => (
                range.round(a.min(b).min(at), tolerance),
                range.round(a.max(b).max(at), tolerance),
            ),
            _ => (at, at),
        }
    } else {
        (at, at)
    };
    let reversals = reversals(&points);
    Ok(Tuning {
        points,
        answer,
        value_low,
        value_high,
        verdict,
        reversals,
    })
}

/// Where the band `band` of the points crosses `level`: the crossing nearest
/// `near`, linearly interpolated between neighbours; the range end where the
/// band is nearest the level when it does not cross; `None` without bands.
fn crossing(
    points: &[Point],
    range: &Range,
    level: f64,
    near: f64,
    band: impl Fn(&Estimate) -> Option<f64>,
) -> Option<f64> {
    let values: Vec<(f64, f64)> = points
        .iter()
        .map(|p| band(&p.measure.estimate).map(|y| (p.value, y)))
        .collect::<Option<_>>()?;
    let crossings = values.windows(2).filter_map(|w| {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let crosses = (y0 - level) * (y1 - level) <= 0.0 && y0 != y1;
        crosses.then(|| x0 + (level - y0) * (x1 - x0) / (y1 - y0))
    });
    let nearest = crossings.min_by(|a, b| (a - near).abs().total_cmp(&(b - near).abs()));
    nearest.or_else(|| {
        let (first, last) = (values.first()?, values.last()?);
        Some(if (first.1 - level).abs() <= (last.1 - level).abs() {
            range.low
        } else {
            range.high
        })
    })
}

/// Neighbours whose means go against the direction from the first point to
/// the last, by more than noise: the paired difference's 95% interval is
/// clear of 0 on the wrong side (with replicas), or any step back (without).
fn reversals(points: &[Point]) -> Vec<(usize, usize)> {
    let mean = |p: &Point| p.measure.estimate.mean;
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Vec::new();
    };
    let direction = (mean(last) - mean(first)).signum();
    if direction == 0.0 {
        return Vec::new();
    }
    (1..points.len())
        .filter(|&i| {
            let (a, b) = (&points[i - 1], &points[i]);
            match paired_difference(&a.measure.replicas, &b.measure.replicas).and_then(|d| d.ci95) {
                Some((lo, hi)) => {
                    if direction > 0.0 {
                        hi < 0.0
                    } else {
                        lo > 0.0
                    }
                }
                None => (mean(b) - mean(a)) * direction < 0.0,
            }
        })
        .map(|i| (i - 1, i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR;

    /// A response known in closed form: e^(−λT) at λ = 3 a day, with a
    /// fixed spread over 4 replicas.
    fn exp_response(t_ms: f64) -> Measure {
        let p = (-3.0 * t_ms / (24.0 * HOUR as f64)).exp();
        Measure::of(vec![p * 0.98, p * 0.99, p * 1.01, p * 1.02])
    }

    #[test]
    fn bisection_finds_the_closed_form_within_the_tolerance() {
        let range = Range::parse("k=1h..3d").unwrap();
        let target = Target::parse("m<=0.05").unwrap();
        let t = tune(&range, &target, 0.02, |x, _| Ok::<_, ()>(exp_response(x))).unwrap();
        let exact = (20f64).ln() / 3.0 * 24.0 * HOUR as f64;
        let answer = t.answer();
        assert_eq!(t.verdict, Verdict::Boundary);
        assert!(answer.meets && answer.value >= exact);
        assert!((answer.value - exact) / exact <= 0.02, "{}", answer.text);
        // The band is ±h of the mean (h = t(3)·sd/√4 of the spreads): the
        // interval spans where (1 ± h)·e^(−λT) cross 0.05, a width of
        // ln((1 + h)/(1 − h))/λ.
        let (lo, hi) = Estimate::from_replicas(&[0.98, 0.99, 1.01, 1.02])
            .ci95
            .unwrap();
        let width = (hi / lo).ln() / 3.0 * 24.0 * HOUR as f64;
        assert!(
            t.value_low < exact && exact < t.value_high,
            "{} {} {:?}",
            t.value_low,
            t.value_high,
            t.points
                .iter()
                .map(|p| (&p.text, p.measure.estimate))
                .collect::<Vec<_>>()
        );
        assert!(
            (t.value_high - t.value_low - width).abs() < 0.1 * width,
            "{} {} {width}",
            t.value_low,
            t.value_high
        );
        assert!(t.reversals.is_empty());
        assert!(t.points.windows(2).all(|w| w[0].value < w[1].value));
        assert!(t.points.len() <= 12, "{} points", t.points.len());
    }

    #[test]
    fn a_target_met_nowhere_or_everywhere_gives_the_closest_end() {
        let range = Range::parse("k=1h..3d").unwrap();
        let run = |target: &str| {
            tune(&range, &Target::parse(target).unwrap(), 0.02, |x, _| {
                Ok::<_, ()>(exp_response(x))
            })
            .unwrap()
        };
        let t = run("m<=0.00001");
        assert_eq!(
            (t.verdict, t.answer().text.as_str()),
            (Verdict::Unmet, "3d")
        );
        assert!(!t.met() && t.points.len() == 2);
        let t = run("m<=0.99");
        assert_eq!(
            (t.verdict, t.answer().text.as_str()),
            (Verdict::WholeRange, "1h")
        );
        let t = run("m>=0.5");
        assert_eq!(t.verdict, Verdict::Boundary);
        assert!(t.answer().value <= 2f64.ln() / 3.0 * 24.0 * HOUR as f64);
    }

    #[test]
    fn a_step_against_the_trend_is_reported() {
        let range = Range::parse("k=0..100").unwrap();
        let target = Target::parse("m>=50").unwrap();
        // Increasing, except between 20 and 30, where the search goes.
        let f = |x: f64| {
            if (20.0..=30.0).contains(&x) {
                100.0 - x
            } else {
                x
            }
        };
        let t = tune(&range, &target, 0.02, |x, _| {
            Ok::<_, ()>(Measure::of(vec![f(x) - 0.1, f(x), f(x) + 0.1]))
        })
        .unwrap();
        assert!(!t.reversals.is_empty(), "{:?}", t.points);
        let failing = tune(&range, &target, 0.02, |_, _| Err::<Measure, _>("boom"));
        assert_eq!(failing.unwrap_err(), "boom");
    }
}

/// `tune.json`: the answer and every point, values in the key's syntax.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TuneJson<'a> {
    /// The dotted key varied.
    pub key: &'a str,
    /// The range searched, `LOW..HIGH`.
    pub range: String,
    /// The answer.
    pub value: String,
    /// Lower end of its 95% interval.
    pub value_low: String,
    /// Upper end of its 95% interval.
    pub value_high: String,
    /// The metric.
    pub metric: &'a str,
    /// Its scope.
    pub scope: &'a str,
    /// `<= 0.05`.
    pub target: String,
    /// The target is met at the answer.
    pub met: bool,
    /// `boundary`, `whole_range` or `unmet` (see [`Verdict`]).
    pub verdict: &'static str,
    /// No two neighbouring points go against the trend.
    pub monotone: bool,
    /// Relative width of the final bracket.
    pub tolerance: f64,
    /// Every point, by increasing value.
    pub points: Vec<PointJson<'a>>,
}

/// One point of `tune.json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PointJson<'a> {
    /// The key's value.
    pub value: &'a str,
    /// Its run folder, relative to the tune folder.
    pub folder: &'a str,
    /// Rank in the order the points were run, from 0.
    pub order: usize,
    /// The metric's mean over replicas.
    pub mean: f64,
    /// Lower end of its 95% interval (with replicas).
    pub ci95_low: Option<f64>,
    /// Upper end of its 95% interval.
    pub ci95_high: Option<f64>,
    /// The mean meets the target.
    pub meets: bool,
}

impl Tuning {
    /// The `tune.json` document; `folders[order]` is the folder of the point
    /// run `order`-th.
    pub fn json<'a>(
        &'a self,
        range: &'a Range,
        target: &'a Target,
        scope: &'a str,
        tolerance: f64,
        folders: &'a [String],
    ) -> TuneJson<'a> {
        TuneJson {
            key: &range.key,
            range: format!("{}..{}", range.text(range.low), range.text(range.high)),
            value: self.answer().text.clone(),
            value_low: range.text(self.value_low),
            value_high: range.text(self.value_high),
            metric: &target.metric,
            scope,
            target: target.condition(),
            met: self.met(),
            verdict: match self.verdict {
                Verdict::Boundary => "boundary",
                Verdict::WholeRange => "whole_range",
                Verdict::Unmet => "unmet",
            },
            monotone: self.reversals.is_empty(),
            tolerance,
            points: self
                .points
                .iter()
                .map(|p| PointJson {
                    value: &p.text,
                    folder: folders.get(p.order).map_or("", String::as_str),
                    order: p.order,
                    mean: p.measure.estimate.mean,
                    ci95_low: p.measure.estimate.ci95.map(|c| c.0),
                    ci95_high: p.measure.estimate.ci95.map(|c| c.1),
                    meets: p.meets,
                })
                .collect(),
        }
    }
}
