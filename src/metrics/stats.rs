//! Means and 95% confidence intervals over replicas (Student t), and the one
//! number format used by every output file.

/// Two-sided 97.5% quantiles of Student's t for 1..=30 degrees of freedom.
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The t quantile for a 95% two-sided interval with `df` degrees of freedom.
pub fn t975(df: usize) -> f64 {
    match df {
        0 => f64::NAN,
        1..=30 => T975[df - 1],
        31..=60 => 2.042 - (df - 30) as f64 * (2.042 - 2.000) / 30.0,
        61..=120 => 2.000 - (df - 60) as f64 * (2.000 - 1.980) / 60.0,
        _ => 1.960,
    }
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

/// Formats a number the same way everywhere: integers without a decimal
/// point, others with up to 9 decimals, trailing zeros removed.
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let s = format!("{x:.9}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_of_known_values() {
        let e = Estimate::from_replicas(&[1.0, 2.0, 3.0]);
        assert_eq!(e.mean, 2.0);
        let (lo, hi) = e.ci95.unwrap();
        // sd = 1, n = 3, t = 4.303: half-width 4.303 / sqrt(3).
        assert!((hi - 2.0 - 4.303 / 3f64.sqrt()).abs() < 1e-12);
        assert!((2.0 - lo - 4.303 / 3f64.sqrt()).abs() < 1e-12);
        assert_eq!(Estimate::from_replicas(&[5.0]).ci95, None);
    }

    #[test]
    fn numbers_print_the_same_way() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(0.25), "0.25");
        assert_eq!(fmt_num(1.0 / 3.0), "0.333333333");
        assert_eq!(fmt_num(-0.0000000001), "0");
        assert_eq!(fmt_num(f64::NAN), "");
    }
}
