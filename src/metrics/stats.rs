//! Means and 95% confidence intervals over replicas (Student t), and the one
//! number format used by every output file.

/// The t quantile for a 95% two-sided interval with `df` degrees of freedom:
/// the 0.975 quantile of Student's t, computed (no table), NaN for `df` 0.
pub fn t975(df: usize) -> f64 {
    t_quantile(0.975, df)
}

/// The `p` quantile of Student's t with `df` degrees of freedom, `p` in
/// [0.5, 1): the root of [`t_cdf`]`(t) = p`, by bisection on a bracket
/// doubled until it holds the root, to the last bits of an `f64`.
pub fn t_quantile(p: f64, df: usize) -> f64 {
    if df == 0 || !(0.5..1.0).contains(&p) {
        return f64::NAN;
    }
    let mut hi = 1.0;
    while t_cdf(hi, df) < p {
        hi *= 2.0;
    }
    let mut lo = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Student's t distribution function at `t` with `df` degrees of freedom:
/// `1 − I_x(df/2, 1/2) / 2` with `x = df / (df + t²)` for `t ≥ 0`, and by
/// symmetry below 0 (Abramowitz & Stegun 26.7.1 with 26.5.27).
pub fn t_cdf(t: f64, df: usize) -> f64 {
    let nu = df as f64;
    let tail = 0.5 * incomplete_beta(nu / (nu + t * t), 0.5 * nu, 0.5);
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// The regularized incomplete beta function `I_x(a, b)`, by its continued
/// fraction (modified Lentz), on the side of `x` where it converges fast.
fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = libm::lgamma(a + b) - libm::lgamma(a) - libm::lgamma(b)
        + a * libm::log(x)
        + b * libm::log(1.0 - x);
    let front = libm::exp(ln_front);
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

/// The continued fraction of `I_x(a, b)` (Numerical Recipes' `betacf`).
fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=1000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// Mean of replicas' values and, with two or more, the 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Mean over replicas.
    pub mean: f64,
    /// 95% confidence interval, `None` with one replica.
    pub ci95: Option<(f64, f64)>,
}

impl Estimate {
    /// Estimate from one value per replica.
    pub fn from_replicas(values: &[f64]) -> Estimate {
        let n = values.len();
        if n == 0 {
            return Estimate {
                mean: 0.0,
                ci95: None,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        if n < 2 {
            return Estimate { mean, ci95: None };
        }
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
        let half = t975(n - 1) * (var / n as f64).sqrt();
        Estimate {
            mean,
            ci95: Some((mean - half, mean + half)),
        }
    }
}

/// The paired difference `b − a` of two runs that share their random numbers
/// replica by replica (same seed, same replica count): the mean of the
/// per-replica differences `b[r] − a[r]` and its 95% Student interval with
/// `n − 1` degrees of freedom. Common random numbers make the differences
/// vary far less than either run, so this interval is much narrower than two
/// independent intervals. `None` unless both have the same number (≥ 2) of
/// values.
pub fn paired_difference(a: &[f64], b: &[f64]) -> Option<Estimate> {
    if a.len() != b.len() || a.len() < 2 {
        return None;
    }
    let diffs: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    Some(Estimate::from_replicas(&diffs))
}

/// Rounds to four significant digits: plenty on a terminal; the files keep
/// every digit.
pub fn round4(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 4 - 1 - x.abs().log10().floor() as i32;
    if digits <= 0 {
        return x.round();
    }
    let scale = 10f64.powi(digits.min(12));
    (x * scale).round() / scale
}

/// Formats a number the same way everywhere: integers without a decimal
/// point, others with up to 9 decimals, trailing zeros removed.
pub fn fmt_num(x: f64) -> String {
    let mut out = String::new();
    write_num(&mut out, x);
    out
}

/// Appends [`fmt_num`]`(x)` to `out`, without a string of its own (the
/// time series write one per cell).
pub fn write_num(out: &mut String, x: f64) {
    use std::fmt::Write;
    if !x.is_finite() {
        return;
    }
    // Writing to a `String` cannot fail.
    if x == x.trunc() && x.abs() < 1e15 {
        let _ = write!(out, "{}", x as i64);
        return;
    }
    let start = out.len();
    let _ = write!(out, "{x:.9}");
    let kept = out[start..]
        .trim_end_matches('0')
        .trim_end_matches('.')
        .len();
    out.truncate(start + kept);
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rounds_to_four_significant_digits() {
        assert_eq!(super::round4(0.058664547), 0.05866);
        assert_eq!(super::round4(12345.6), 12346.0);
        assert_eq!(super::round4(0.0), 0.0);
        assert_eq!(super::round4(1.0), 1.0);
    }

    use super::*;

    #[test]
    fn interval_of_known_values() {
        let e = Estimate::from_replicas(&[1.0, 2.0, 3.0]);
        assert_eq!(e.mean, 2.0);
        let (lo, hi) = e.ci95.unwrap();
        // sd = 1, n = 3, t = 4.3027: half-width t / sqrt(3).
        let half = t975(2) / 3f64.sqrt();
        assert!((hi - 2.0 - half).abs() < 1e-12);
        assert!((2.0 - lo - half).abs() < 1e-12);
        assert!((half - 4.302_652_729_749_464 / 3f64.sqrt()).abs() < 1e-9);
        assert_eq!(Estimate::from_replicas(&[5.0]).ci95, None);
    }

    #[test]
    fn t_quantiles_match_published_values() {
        // 0.975 quantiles of Student's t (any table, e.g. NIST/SEMATECH
        // e-Handbook 1.3.6.7.2), to the 4 decimals they are printed with.
        for (df, t) in [
            (1, 12.7062),
            (2, 4.3027),
            (3, 3.1824),
            (5, 2.5706),
            (10, 2.2281),
            (30, 2.0423),
            (60, 2.0003),
            (120, 1.9799),
            (121, 1.9798),
            (1000, 1.9623),
        ] {
            assert!((t975(df) - t).abs() < 5e-5, "df {df}: {} vs {t}", t975(df));
        }
        // Closed forms: df 1 is Cauchy, tan(π(p − 1/2)); df 2 is
        // (2p − 1) / √(2p(1 − p)).
        let cauchy = (std::f64::consts::PI * 0.475).tan();
        assert!((t975(1) - cauchy).abs() < 1e-9 * cauchy);
        let two = 0.95 / (2.0f64 * 0.975 * 0.025).sqrt();
        assert!((t975(2) - two).abs() < 1e-12 * two);
        // Decreasing in df, above the normal quantile 1.959964, and close to
        // it for large df (no jump to 1.960 after 120 as the old table had).
        let z = 1.959_963_984_540_054;
        let mut last = f64::INFINITY;
        for df in 1..=1000 {
            let t = t975(df);
            assert!(t < last && t > z, "df {df}: {t}");
            last = t;
        }
        assert!((t975(100_000) - z) < 1e-4);
        assert!(t975(0).is_nan());
        // The distribution function at the quantile gives p back.
        for df in [1, 4, 29, 999] {
            assert!((t_cdf(t975(df), df) - 0.975).abs() < 1e-13);
            assert!((t_cdf(-t975(df), df) - 0.025).abs() < 1e-13);
        }
    }

    #[test]
    fn paired_difference_is_the_interval_of_the_differences() {
        // Differences 1, 2, 3: mean 2, sd 1, as interval_of_known_values.
        let a = [10.0, 20.0, 30.0];
        let b = [11.0, 22.0, 33.0];
        let d = paired_difference(&a, &b).unwrap();
        assert_eq!(d, Estimate::from_replicas(&[1.0, 2.0, 3.0]));
        // The runs themselves vary by 10 a replica; their difference does not.
        let (lo, hi) = d.ci95.unwrap();
        let (alo, ahi) = Estimate::from_replicas(&a).ci95.unwrap();
        assert!(hi - lo < (ahi - alo) / 5.0);
        assert_eq!(paired_difference(&a, &b[..2]), None);
        assert_eq!(paired_difference(&a[..1], &b[..1]), None);
    }

    #[test]
    fn numbers_print_the_same_way() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(0.25), "0.25");
        assert_eq!(fmt_num(1.0 / 3.0), "0.333333333");
        assert_eq!(fmt_num(-0.0000000001), "0");
        assert_eq!(fmt_num(f64::NAN), "");
        // Appended after a row's cells, trimmed within its own digits only.
        let mut row = String::from("3600000,as,10");
        for x in [0.5, -0.0000000001, 2.0000000001, 100.0, f64::INFINITY] {
            row.push(',');
            write_num(&mut row, x);
        }
        assert_eq!(row, "3600000,as,10,0.5,0,2,100,");
    }
}
