//! The segments a user belongs to (issue 13, `segments.csv`): its
//! connection, its browser's third-party cookie policy, its browser kind
//! (with a `users.browsers` mix) and, when visit rates
//! are gamma-distributed, its activity quartile — the quartile of its drawn
//! rate in the gamma distribution itself (fixed thresholds, so a user's
//! segment does not depend on the other users, and shards merge exactly).

use super::user::ThirdPartyCookies;
use super::world::UserWorld;
use crate::metrics::per_user::{SegmentShape, UserSegments};
use crate::scenario::{Connection, RateDistribution};

/// Segment dimensions of a scenario with `idps` IdPs and `browsers` kinds
/// in its `users.browsers` mix (0 without one).
pub(super) fn shape(idps: usize, rates: RateDistribution, browsers: usize) -> SegmentShape {
    SegmentShape {
        browsers,
        connections: 1 + idps,
        cookies: 3,
        quartiles: match rates {
            RateDistribution::Gamma { .. } => 4,
            RateDistribution::Constant => 0,
        },
    }
}

/// Quartile thresholds (25, 50, 75 %) of visits per day when they are
/// gamma-distributed with this shape and mean; empty otherwise.
pub(super) fn quartile_thresholds(rates: RateDistribution, mean: f64) -> Vec<f64> {
    match rates {
        RateDistribution::Gamma { shape } => [0.25, 0.5, 0.75]
            .iter()
            .map(|&p| gamma_quantile(shape, p) * mean / shape)
            .collect(),
        RateDistribution::Constant => Vec::new(),
    }
}

impl UserWorld<'_> {
    /// The user's segments.
    pub(super) fn segments(&self) -> UserSegments {
        let p = self.user.profile;
        UserSegments {
            connection: match p.connection {
                Connection::Password => 0,
                Connection::Idp(i) => 1 + i,
            },
            cookies: match p.third_party_cookies {
                ThirdPartyCookies::Allowed => 0,
                ThirdPartyCookies::Blocked => 1,
                ThirdPartyCookies::Partitioned => 2,
            },
            quartile: self
                .cfg
                .activity_quartiles
                .iter()
                .filter(|&&q| p.visits_per_day >= q)
                .count(),
            browser: p.browser.map_or(0, usize::from),
        }
    }
}

/// `x` with P(shape, x) = p for the unit-scale gamma distribution, by bisection.
fn gamma_quantile(shape: f64, p: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, shape.max(1.0));
    while lower_regularized_gamma(shape, hi) < p {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if lower_regularized_gamma(shape, mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// P(a, x), the regularized lower incomplete gamma function: a series below
/// `a + 1`, a continued fraction above (Numerical Recipes, §6.2).
fn lower_regularized_gamma(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let log_prefix = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let (mut sum, mut term, mut n) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1000 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term.abs() < sum.abs() * 1e-15 {
                break;
            }
        }
        sum * log_prefix.exp()
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            d = if d.abs() < tiny { tiny } else { d };
            c = b + an / c;
            c = if c.abs() < tiny { tiny } else { c };
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-15 {
                break;
            }
        }
        1.0 - log_prefix.exp() * h
    }
}

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, &c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_quantiles_match_known_values() {
        // Shape 1 is the exponential: quantile = -ln(1 - p).
        for p in [0.25, 0.5, 0.75] {
            let q = gamma_quantile(1.0, p);
            assert!((q + (1.0f64 - p).ln()).abs() < 1e-9, "{p}: {q}");
        }
        // Shape 2: median 1.678346990.
        assert!((gamma_quantile(2.0, 0.5) - 1.678_346_990).abs() < 1e-6);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
    }
}
