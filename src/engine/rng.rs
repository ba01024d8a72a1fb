//! Random streams: one independent ChaCha8 stream per (seed, replica, entity,
//! purpose), so an entity's draws never depend on which thread or shard runs it
//! (design §1), and each purpose keeps its own sequence (common random numbers:
//! two scenarios that differ only in a timeout see the same arrivals).
//!
//! The 256-bit ChaCha key is `seed ‖ replica ‖ 0`, little-endian; the 64-bit
//! stream number is `entity << 4 | purpose`.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

/// Number of distinct purposes an entity may draw for.
pub const PURPOSES: u64 = 16;

/// The random stream of `entity` for `purpose` (< [`PURPOSES`]).
pub fn stream(seed: u64, replica: u32, entity: u64, purpose: u64) -> ChaCha8Rng {
    debug_assert!(purpose < PURPOSES);
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..12].copy_from_slice(&replica.to_le_bytes());
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(entity.wrapping_mul(PURPOSES) | purpose);
    rng
}

/// A uniform draw in (0, 1]: 53 random bits, never 0 (safe under `ln`).
#[inline]
pub fn unit_open0(rng: &mut impl RngCore) -> f64 {
    ((rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform draw in [0, 1).
#[inline]
pub fn unit(rng: &mut impl RngCore) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// True with probability `p`.
#[inline]
pub fn bernoulli(rng: &mut impl RngCore, p: f64) -> bool {
    unit(rng) < p
}

/// An exponential waiting time, in ms, for events at `rate_per_ms`; `None` when
/// the rate is 0 (the event never happens). Uses `libm::log` so the draw is the
/// same bit for bit on every platform.
#[inline]
pub fn exponential_ms(rng: &mut impl RngCore, rate_per_ms: f64) -> Option<u64> {
    if rate_per_ms <= 0.0 {
        return None;
    }
    Some(exponential_wait_ms(rng, rate_per_ms))
}

/// [`exponential_ms`] for a rate known to be positive.
#[inline(always)]
pub fn exponential_wait_ms(rng: &mut impl RngCore, rate_per_ms: f64) -> u64 {
    let wait = -libm::log(unit_open0(rng)) / rate_per_ms;
    // Rounded to the nearest ms (the wait is positive); f64 → u64 casts
    // saturate far beyond any run.
    (wait + 0.5) as u64
}

/// A standard normal draw (Box–Muller, one of the pair), with `libm`.
#[inline]
pub fn normal(rng: &mut impl RngCore) -> f64 {
    let u1 = unit_open0(rng);
    let u2 = unit(rng);
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
}

/// The standard normal's 90th percentile, Φ⁻¹(0.9): a log-normal of median
/// `m` has its 90th percentile at `m · e^(σ · Z90)`.
pub const Z90: f64 = 1.281_551_565_544_600_4;

/// A log-normal draw of median `median` and shape `sigma` (the standard
/// deviation of its logarithm): `median · e^(σZ)`, Z standard normal, with
/// `libm` so it is the same on every platform.
#[inline]
pub fn lognormal(rng: &mut impl RngCore, median: f64, sigma: f64) -> f64 {
    median * libm::exp(sigma * normal(rng))
}

/// A gamma draw of shape `k > 0` and scale 1 (Marsaglia–Tsang; for `k < 1`,
/// `Gamma(k+1)·U^(1/k)`), with `libm` so it is the same on every platform.
pub fn gamma(rng: &mut impl RngCore, k: f64) -> f64 {
    if k < 1.0 {
        let u = unit_open0(rng);
        return gamma(rng, k + 1.0) * libm::pow(u, 1.0 / k);
    }
    let d = k - 1.0 / 3.0;
    let c = 1.0 / libm::sqrt(9.0 * d);
    loop {
        let x = normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = unit_open0(rng);
        if libm::log(u) < 0.5 * x * x + d - d * v + d * libm::log(v) {
            return d * v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(stream(42, 0, 7, 1), |r, _| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(stream(42, 0, 7, 1), |r, _| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b);
        for other in [
            stream(43, 0, 7, 1),
            stream(42, 1, 7, 1),
            stream(42, 0, 8, 1),
            stream(42, 0, 7, 2),
        ] {
            let c: Vec<u64> = (0..4)
                .map(|_| 0)
                .scan(other, |r, _| Some(r.next_u64()))
                .collect();
            assert_ne!(a, c);
        }
    }

    #[test]
    fn gamma_mean_and_variance_match_the_shape() {
        // Gamma(k, 1): mean k, variance k. 200k draws, 4 standard errors.
        for k in [0.3, 1.0, 2.5] {
            let mut rng = stream(5, 0, 0, 0);
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| gamma(&mut rng, k)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
            assert!(
                (mean - k).abs() < 4.0 * (k / n as f64).sqrt(),
                "k {k}: mean {mean}"
            );
            // Var of the sample variance of a gamma ≈ (μ4 − σ⁴)/n, μ4 = 3k² + 6k.
            let se_var = ((3.0 * k * k + 6.0 * k - k * k) / n as f64).sqrt();
            assert!((var - k).abs() < 4.0 * se_var, "k {k}: variance {var}");
        }
    }

    #[test]
    fn lognormal_draws_have_the_median_and_90th_percentile_asked_for() {
        // Median 8 s and p90 30 s: σ = ln(30/8)/Z90. Of 200 000 draws, the
        // share at or below the median is 1/2 and at or below p90 is 0.9,
        // each within 4 binomial standard errors; the sample quantiles are
        // within 1.5% of the asked ones.
        let (median, p90) = (8000.0f64, 30_000.0f64);
        let sigma = (p90 / median).ln() / Z90;
        let mut rng = stream(9, 0, 0, 6);
        let n = 200_000;
        let mut xs: Vec<f64> = (0..n).map(|_| lognormal(&mut rng, median, sigma)).collect();
        for (q, x) in [(0.5, median), (0.9, p90)] {
            let below = xs.iter().filter(|&&v| v <= x).count() as f64 / n as f64;
            let se = (q * (1.0 - q) / n as f64).sqrt();
            assert!(
                (below - q).abs() < 4.0 * se,
                "P(X <= {x}) = {below}, not {q}"
            );
        }
        xs.sort_by(f64::total_cmp);
        let quantile = |q: f64| xs[(q * n as f64) as usize];
        assert!(
            (quantile(0.5) / median - 1.0).abs() < 0.015,
            "{}",
            quantile(0.5)
        );
        assert!(
            (quantile(0.9) / p90 - 1.0).abs() < 0.015,
            "{}",
            quantile(0.9)
        );
        // Z90 is the normal's 90th percentile.
        assert!((libm::erf(Z90 / std::f64::consts::SQRT_2) - 0.8).abs() < 1e-15);
    }

    #[test]
    fn exponential_mean_matches_rate() {
        // Mean of Exp(rate) is 1/rate; 200k draws: standard error 1/rate/447.
        let mut rng = stream(1, 0, 0, 0);
        let rate = 1.0 / 1000.0;
        let n = 200_000;
        let sum: u64 = (0..n)
            .map(|_| exponential_ms(&mut rng, rate).unwrap())
            .sum();
        let mean = sum as f64 / n as f64;
        assert!(
            (mean - 1000.0).abs() < 4.0 * 1000.0 / (n as f64).sqrt(),
            "mean {mean}"
        );
        assert_eq!(exponential_ms(&mut rng, 0.0), None);
    }
}
