//! Exposure of the authorization server's sessions (issue 16): how much
//! valid and orphaned AS session-time the users carry, and how old the valid
//! sessions are.
//!
//! Everything is measured over the measured window `[warmup, warmup +
//! duration)` of the layout, the same for every user, in integer
//! milliseconds:
//!
//! - **Valid session-time**: the time AS sessions the browser can reach are
//!   valid (the `valid` series of tier `as`), clipped to the window.
//! - **Orphaned session-time**: the time AS sessions whose cookie was lost
//!   stay alive server-side (the `orphaned` series), clipped to the window.
//! - **Age** of a valid session at time t: `t − created`, `created` being the
//!   start of its absolute timeout (the login that created it, or the last
//!   interactive login within it, which restarts it). The age distribution
//!   is over valid session-time: a session valid for an hour at age 3 days
//!   puts an hour at age 3 days. Its mean is `∫ Σ_valid (t − created) dt /
//!   ∫ N_valid(t) dt` over the window: the time-averaged age of the valid
//!   sessions, each session weighted by the number valid at each instant.
//!
//! Each stretch of a session during which `created` does not change is one
//! *piece*: ages `[a0, a1)` lived over times `[created + a0, created + a1)`.
//! A piece adds, exactly and in O(1):
//! - `a1 − a0` ms to an age histogram of [`BUCKETS`] log-linear buckets
//!   (1 ms wide up to 128 ms, then 64 buckets per power of two: each bucket
//!   is at most 1/64 of its lower bound wide), kept as a difference array of
//!   buckets the piece covers whole plus the partial milliseconds of its
//!   first and last buckets;
//! - `a1² − a0²` (ms², twice the integral of the age) to `age_sq`;
//! - its milliseconds at an age of at least 1 day and 7 days to `older`.
//!
//! All are integer sums, so threads and shards merge exactly in any order.

use crate::time::DAY;

/// Buckets per power of two above the linear range (6 bits of mantissa).
const SUB_BITS: u32 = 6;
/// Ages below `2 << SUB_BITS` ms (128 ms) have one bucket per millisecond.
const LINEAR: u64 = 2 << SUB_BITS;
/// Ages are below 2^44 ms (557 years): a session's age never exceeds the
/// simulated time, at most twice [`crate::scenario::MAX_DURATION`].
const MAX_AGE_BITS: u32 = 44;
/// Number of age buckets.
pub const BUCKETS: usize = ((MAX_AGE_BITS - SUB_BITS + 1) << SUB_BITS) as usize;
/// The ages from which [`Exposure::older_share`] counts: 1 day and 7 days.
pub const OLDER_THAN: [u64; 2] = [DAY, 7 * DAY];

/// Index of the bucket holding age `a` ms.
fn bucket(a: u64) -> usize {
    let a = a.min((1 << MAX_AGE_BITS) - 1);
    if a < LINEAR {
        return a as usize;
    }
    let shift = 63 - a.leading_zeros() - SUB_BITS;
    (((shift as u64) << SUB_BITS) + (a >> shift)) as usize
}

/// Lower bound and width (ms) of bucket `i`.
fn bounds(i: usize) -> (u64, u64) {
    let i = i as u64;
    if i < LINEAR {
        return (i, 1);
    }
    let shift = (i >> SUB_BITS) - 1;
    let mantissa = i - (shift << SUB_BITS);
    (mantissa << shift, 1 << shift)
}

/// Exact sums of AS session-time and age over the measured window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// Difference array over buckets of the number of pieces covering a
    /// bucket whole (+1 at the first such bucket, −1 after the last).
    full: Vec<i64>,
    /// Per bucket, the ms of pieces that cover it in part.
    part: Vec<u128>,
    /// Σ over pieces of `a1² − a0²`, ms².
    age_sq: u128,
    /// Valid ms at an age of at least [`OLDER_THAN`]`[k]`.
    older: [u128; 2],
    /// Orphaned ms.
    orphaned: u128,
}

impl Default for Exposure {
    fn default() -> Self {
        Exposure {
            full: vec![0; BUCKETS + 1],
            part: vec![0; BUCKETS],
            age_sq: 0,
            older: [0; 2],
            orphaned: 0,
        }
    }
}

/// The integers of an [`Exposure`] as the shard raw format keeps them:
/// `(buckets, age_sq, older, orphaned)`, `buckets` being `(index, full, part)`
/// for each bucket where either is not zero, by index.
pub type RawExposure = (Vec<(u32, i64, u128)>, u128, [u128; 2], u128);

impl Exposure {
    /// A valid piece with ages `[a0, a1)` ms (nothing when empty).
    pub fn add_valid(&mut self, a0: u64, a1: u64) {
        if a1 <= a0 {
            return;
        }
        let (i, j) = (bucket(a0), bucket(a1 - 1));
        if i == j {
            self.part[i] += u128::from(a1 - a0);
        } else {
            let (lo_i, w_i) = bounds(i);
            self.part[i] += u128::from(lo_i + w_i - a0);
            self.part[j] += u128::from(a1 - bounds(j).0);
            self.full[i + 1] += 1;
            self.full[j] -= 1;
        }
        self.age_sq += u128::from(a1) * u128::from(a1) - u128::from(a0) * u128::from(a0);
        for (k, &d) in OLDER_THAN.iter().enumerate() {
            self.older[k] += u128::from(a1.saturating_sub(a0.max(d)));
        }
    }

    /// `ms` of orphaned session-time.
    pub fn add_orphaned(&mut self, ms: u64) {
        self.orphaned += u128::from(ms);
    }

    /// Adds another part's sums.
    pub fn merge(&mut self, other: &Exposure) {
        for (a, b) in self.full.iter_mut().zip(&other.full) {
            *a += b;
        }
        for (a, b) in self.part.iter_mut().zip(&other.part) {
            *a += b;
        }
        self.age_sq += other.age_sq;
        for k in 0..self.older.len() {
            self.older[k] += other.older[k];
        }
        self.orphaned += other.orphaned;
    }

    /// Valid ms in each bucket.
    fn masses(&self) -> impl Iterator<Item = u128> + '_ {
        let mut covering = 0i64;
        self.part.iter().enumerate().map(move |(i, &part)| {
            covering += self.full[i];
            u128::from(covering.unsigned_abs()) * u128::from(bounds(i).1) + part
        })
    }

    /// Valid session-time, ms.
    pub fn valid_ms(&self) -> u128 {
        self.masses().sum()
    }

    /// Orphaned session-time, ms.
    pub fn orphaned_ms(&self) -> u128 {
        self.orphaned
    }

    /// Mean age of valid session-time, ms (0 without any).
    pub fn mean_age_ms(&self) -> f64 {
        match self.valid_ms() {
            0 => 0.0,
            v => self.age_sq as f64 / (2.0 * v as f64),
        }
    }

    /// The age below which a share `q` of valid session-time lies, ms: the
    /// bucket where the cumulative time reaches `q`, linearly interpolated
    /// within it (exact to the bucket's width, at most 1/64 of the age).
    /// 0 without any valid time.
    pub fn age_quantile_ms(&self, q: f64) -> f64 {
        let total = self.valid_ms();
        if total == 0 {
            return 0.0;
        }
        let goal = q * total as f64;
        let mut below = 0u128;
        for (i, mass) in self.masses().enumerate() {
            if mass > 0 && (below + mass) as f64 >= goal {
                let (lo, width) = bounds(i);
                let within = ((goal - below as f64) / mass as f64).clamp(0.0, 1.0);
                return lo as f64 + within * width as f64;
            }
            below += mass;
        }
        let last = bounds(BUCKETS - 1);
        (last.0 + last.1) as f64
    }

    /// Share of valid session-time at an age of at least [`OLDER_THAN`]`[k]`.
    pub fn older_share(&self, k: usize) -> f64 {
        match self.valid_ms() {
            0 => 0.0,
            v => self.older[k] as f64 / v as f64,
        }
    }

    /// Every integer, for the shard raw format.
    pub fn raw(&self) -> RawExposure {
        let buckets = (0..BUCKETS)
            .filter(|&i| self.full[i] != 0 || self.part[i] != 0)
            .map(|i| (i as u32, self.full[i], self.part[i]))
            .collect();
        (buckets, self.age_sq, self.older, self.orphaned)
    }

    /// Rebuilds from [`Exposure::raw`]'s integers.
    ///
    /// # Errors
    /// A bucket index out of range or given twice, in words.
    pub fn from_raw(raw: RawExposure) -> Result<Exposure, String> {
        let (buckets, age_sq, older, orphaned) = raw;
        let mut e = Exposure {
            age_sq,
            older,
            orphaned,
            ..Exposure::default()
        };
        let mut last = None;
        for (i, full, part) in buckets {
            if i as usize >= BUCKETS || last.is_some_and(|l| i <= l) {
                return Err(format!(
                    "exposure: bucket {i} out of order or beyond the {BUCKETS} age buckets"
                ));
            }
            last = Some(i);
            e.full[i as usize] = full;
            e.part[i as usize] = part;
        }
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_tile_the_ages_and_are_at_most_a_64th_wide() {
        let mut next = 0;
        for i in 0..BUCKETS {
            let (lo, w) = bounds(i);
            assert_eq!(lo, next, "bucket {i} starts where {} ends", i.max(1) - 1);
            assert_eq!(bucket(lo), i);
            assert_eq!(bucket(lo + w - 1), i);
            assert!(lo < LINEAR || w * 64 <= lo, "bucket {i}: {lo} +{w}");
            next = lo + w;
        }
        assert_eq!(next, 1 << MAX_AGE_BITS);
        assert_eq!(bucket(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn pieces_add_their_exact_time_age_and_shares() {
        let mut e = Exposure::default();
        // Ages 0 to 2 days, then 6 to 8 days: 4 days of time.
        e.add_valid(0, 2 * DAY);
        e.add_valid(6 * DAY, 8 * DAY);
        e.add_valid(5, 5);
        assert_eq!(e.valid_ms(), u128::from(4 * DAY));
        // Mean age: (1 day · 2 days + 7 days · 2 days) / 4 days = 4 days.
        assert!((e.mean_age_ms() - (4 * DAY) as f64).abs() < 1e-6);
        // 3 of the 4 days are at 1 day or more, 1 of them at 7 days or more.
        assert_eq!(e.older_share(0), 0.75);
        assert_eq!(e.older_share(1), 0.25);
        // The median is at 2 days (where the first piece's time ends), to
        // within a bucket.
        let median = e.age_quantile_ms(0.5);
        assert!((median - (2 * DAY) as f64).abs() <= (2 * DAY) as f64 / 64.0);
        let p95 = e.age_quantile_ms(0.95);
        let exact = (7.8 * DAY as f64) as u64;
        assert!((p95 - exact as f64).abs() <= exact as f64 / 64.0, "{p95}");
        e.add_orphaned(7);
        assert_eq!(e.orphaned_ms(), 7);
    }

    #[test]
    fn uniform_ages_give_exact_quantiles_at_bucket_bounds() {
        // One piece over ages [0, 2^20): every bucket whole, so the
        // interpolation is exact.
        let mut e = Exposure::default();
        e.add_valid(0, 1 << 20);
        for q in [0.1, 0.5, 0.95] {
            let x = e.age_quantile_ms(q);
            assert!((x - q * (1u64 << 20) as f64).abs() < 1e-6, "{q}: {x}");
        }
    }

    #[test]
    fn merge_and_raw_round_trip_are_exact() {
        let mut a = Exposure::default();
        let mut b = Exposure::default();
        a.add_valid(3, 90_000_000);
        b.add_valid(1000, 1001);
        b.add_valid(10 * DAY, 12 * DAY);
        b.add_orphaned(42);
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, ba);
        assert_eq!(ab.valid_ms(), a.valid_ms() + b.valid_ms());
        assert_eq!(Exposure::from_raw(ab.raw()), Ok(ab.clone()));
        let (mut buckets, s, o, r) = ab.raw();
        buckets.push((BUCKETS as u32, 1, 1));
        assert!(Exposure::from_raw((buckets, s, o, r)).is_err());
    }
}
