//! Shards: one run split by user over independent processes, and their exact
//! merge (design §1 and §11).
//!
//! # Why a split is exact
//!
//! Users share no mutable state and each draws from its own ChaCha stream keyed
//! by (seed, replica, user id) (design §1), so the users with `id % N == I`
//! simulate the same way in shard `I/N` as in the whole run. Every metric is an
//! integer sum over users ([`crate::metrics`]), so the shards' metrics added
//! together are the whole run's metrics, bit for bit, and the run folder written
//! from them ([`crate::output::write_run`]) is the same bytes.
//!
//! # Shard folder
//!
//! `ssosim run SCENARIO --shard I/N` writes, instead of a run folder:
//!
//! - `replica-<r>.json`, one per replica: every integer of that replica's
//!   [`Metrics`](crate::metrics::Metrics), in the raw format of [`raw`];
//! - `scenario.toml`: the scenario as run (canonical TOML, overrides applied);
//! - `shard.json`: the [`manifest`], written last, so a folder without it is an
//!   unfinished shard. It names the scenario (SHA-256), seed, replicas, `I/N`,
//!   versions, and the length and SHA-256 of each raw file, so that a truncated
//!   or altered file is caught before anything is merged.
//!
//! `ssosim merge DIR... --out OUT` ([`merge()`]) checks that the folders are the
//! `N` shards of one run, adds their metrics and writes `OUT` as the unsharded
//! run would.

pub mod manifest;
pub mod merge;
pub mod raw;

pub use manifest::{Manifest, write_shard};
pub use merge::{MergeError, Merged, merge};

/// Accepted forms of `--shard`, for messages.
pub const SHARD_FORMS: &str = "I/N with 0 ≤ I < N";

/// Parses `--shard I/N` (design §11): two unsigned integers with `N ≥ 1` and
/// `I < N`.
///
/// # Errors
/// What is wrong with `text`, ready to follow `--shard: ` in a message.
pub fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let Some((i, n)) = text.split_once('/') else {
        return Err(format!("\"{text}\" has no \"/\""));
    };
    let number = |part: &str, what: &str| {
        part.trim().parse::<u64>().map_err(|_| {
            format!(
                "{what} \"{}\" in \"{text}\" is not an unsigned integer",
                part.trim()
            )
        })
    };
    let (i, n) = (number(i, "I")?, number(n, "N")?);
    if n == 0 {
        return Err(format!(
            "N is 0 in \"{text}\"; a run has at least one shard"
        ));
    }
    if i >= n {
        return Err(format!(
            "I = {i} is not below N = {n}; shards of {n} are numbered 0 to {}",
            n - 1
        ));
    }
    Ok((i, n))
}

/// Number of user ids `id < users` with `id % n == i`: the users shard `i/n`
/// simulates.
pub fn users_in_shard(users: u64, (i, n): (u64, u64)) -> u64 {
    if i >= users || n == 0 {
        0
    } else {
        (users - 1 - i) / n + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_specs_parse_or_say_why_not() {
        assert_eq!(parse_shard("0/1"), Ok((0, 1)));
        assert_eq!(parse_shard("6/7"), Ok((6, 7)));
        assert_eq!(parse_shard(" 2 / 3 "), Ok((2, 3)));
        for bad in [
            "", "3", "1/0", "3/3", "-1/3", "a/3", "1/b", "1/2/3", "1.0/2",
        ] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
        assert!(parse_shard("3/3").unwrap_err().contains("0 to 2"));
    }

    #[test]
    fn shards_cover_every_user_once() {
        for users in [0, 1, 5, 100, 1001] {
            for n in [1, 2, 3, 7, 200] {
                let total: u64 = (0..n).map(|i| users_in_shard(users, (i, n))).sum();
                assert_eq!(total, users, "{users} users in {n} shards");
                for i in 0..n {
                    let direct = (0..users).filter(|id| id % n == i).count() as u64;
                    assert_eq!(users_in_shard(users, (i, n)), direct);
                }
            }
        }
    }
}
