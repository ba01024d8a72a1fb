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
    let wait = -libm::log(unit_open0(rng)) / rate_per_ms;
    // Rounded to the nearest ms (the wait is positive); f64 → u64 casts
    // saturate far beyond any run.
    Some((wait + 0.5) as u64)
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
