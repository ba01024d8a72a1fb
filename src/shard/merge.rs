//! `ssosim merge`: the exact merge of shard folders into the run folder an
//! unsharded run writes (design §11).
//!
//! # Steps
//!
//! 1. Read every `shard.json` and check that the folders are the `N` shards
//!    of one run: same format and ssosim version (this binary's), scenario
//!    SHA-256, seed, replicas, users and `N`, each `I` exactly once. Nothing is
//!    read beyond the manifests until this holds.
//! 2. Check each `scenario.toml` against its manifest and load the scenario
//!    from the first folder given.
//! 3. Shard after shard, read each raw file, check its length and SHA-256
//!    against the manifest, decode it against the scenario's layout and add it
//!    into the replica's total ([`Metrics::merge`]: integer sums, exact in any
//!    order). One shard's metrics are in memory at a time. Each file's
//!    metrics must pass the invariants every run checks
//!    ([`crate::metrics::invariants`]), and no sum may overflow.
//! 4. Check that every user was counted once per replica, and that the log
//!    parts (when the shards were logged) agree with the counters, then
//!    return the merged run ([`Merged`]). The caller publishes it with
//!    [`crate::report::publish::publish_run`] — the same function, on the
//!    same metrics, as an unsharded run, hence the same bytes for
//!    `summary.csv`, `timeseries.csv`, `logins.csv`, `scenario.toml`, the log,
//!    the charts and the report.
//!
//! Any problem refuses the merge before anything is written.
//!
//! # `run.json` of a merged run
//!
//! Recomputed from the manifests: `events_processed` is the exact sum over
//! shards; `wall_time_s` is the *sum* of the shards' wall times (the compute
//! spent, not the elapsed time of a parallel job) and `threads` the largest
//! shard's thread count, so `events_per_s` is the mean throughput of one shard
//! process; `peak_rss_bytes` is the largest shard's peak (the memory a node
//! needs), not the merging process's. `shard` is absent, as in an unsharded
//! run; `overrides` are those of the first folder given. Every other field is
//! the same as the unsharded run's.

use super::manifest::{self, MANIFEST, Manifest};
use super::raw::{self, RawReplica};
use super::users_in_shard;
use crate::logs::LogFormat;
use crate::logs::LogRuns;
use crate::metrics::invariants::{self, Facts};
use crate::metrics::{GlobalCounter, Metrics};
use crate::model::ModelConfig;
use crate::output::scenario_sha256;
use crate::runner::RunResult;
use crate::scenario::{self, Override, Scenario};
use std::io;
use std::path::{Path, PathBuf};

/// Why a merge was refused: every variant is refused input (exit status 2),
/// found before anything is written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// No folder was given.
    #[error("no shard folder given; give the N folders written by `ssosim run --shard I/N`")]
    NoShards,
    /// A folder or file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Unreadable {
        /// What could not be read.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A folder given does not exist.
    #[error(
        "{}: no such folder; give the folders written by `ssosim run --shard I/N`",
        dir.display()
    )]
    NoFolder {
        /// The folder.
        dir: PathBuf,
    },
    /// The folder has no manifest: not a shard, or a shard still running.
    #[error(
        "{}: no {MANIFEST}: not a finished shard folder; give folders written by `ssosim run --shard I/N`",
        dir.display()
    )]
    NotAShard {
        /// The folder.
        dir: PathBuf,
    },
    /// A file of a shard is truncated, altered or not in the expected format.
    #[error("{}: damaged: {reason}; run this shard again", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A shard was written by another version of ssosim or of the format.
    #[error(
        "{}: written by ssosim {found} (shard format {format}); this is ssosim {} (shard format {}); run every shard and the merge with one version",
        dir.display(), env!("CARGO_PKG_VERSION"), manifest::FORMAT_VERSION
    )]
    Version {
        /// The shard folder.
        dir: PathBuf,
        /// ssosim version in its manifest.
        found: String,
        /// Format version in its manifest.
        format: u32,
    },
    /// A shard belongs to another run than the first folder given.
    #[error(
        "{}: {field} is {found}, but {expected} in {}; shards merged together must come from one scenario, seed, replica count and N",
        dir.display(), reference.display()
    )]
    Mismatch {
        /// The offending shard folder.
        dir: PathBuf,
        /// Manifest field that differs.
        field: &'static str,
        /// Its value there.
        found: String,
        /// Its value in the reference folder.
        expected: String,
        /// The first folder given, against which others are checked.
        reference: PathBuf,
    },
    /// Two folders hold the same shard.
    #[error(
        "{}: shard {index}/{count} is given twice (also {}); give each shard exactly once",
        dir.display(), other.display()
    )]
    Duplicate {
        /// The second folder with that shard.
        dir: PathBuf,
        /// The first one.
        other: PathBuf,
        /// `I`.
        index: u64,
        /// `N`.
        count: u64,
    },
    /// Some shards of the run were not given.
    #[error(
        "shard{} {} {} missing; give every shard 0/{count} to {}/{count} exactly once",
        if missing.len() == 1 { "" } else { "s" },
        list(missing, *count),
        if missing.len() == 1 { "is" } else { "are" },
        count - 1
    )]
    Missing {
        /// Missing indexes, in order.
        missing: Vec<u64>,
        /// `N`.
        count: u64,
    },
}

/// `3/7, 5/7` — at most ten, then how many more.
fn list(missing: &[u64], count: u64) -> String {
    let mut s: Vec<String> = missing
        .iter()
        .take(10)
        .map(|i| format!("{i}/{count}"))
        .collect();
    if missing.len() > 10 {
        s.push(format!("and {} more", missing.len() - 10));
    }
    s.join(", ")
}

/// The run the shards add up to, ready to publish as an unsharded run's
/// folder.
#[derive(Debug)]
pub struct Merged {
    /// Shards merged (`N`).
    pub shards: u64,
    /// The scenario (from the first folder given).
    pub scenario: Scenario,
    /// The overrides of the first folder given.
    pub overrides: Vec<Override>,
    /// The merged metrics; the log's parts, when the shards were logged.
    pub result: RunResult,
    /// The log file's format, when the shards were logged.
    pub log_format: Option<LogFormat>,
}

fn read(path: &Path) -> Result<Vec<u8>, MergeError> {
    std::fs::read(path).map_err(|source| MergeError::Unreadable {
        path: path.to_path_buf(),
        source,
    })
}

fn damaged(path: &Path, reason: impl Into<String>) -> MergeError {
    MergeError::Damaged {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Reads and parses `dir/shard.json`.
///
/// # Errors
/// [`MergeError::NotAShard`] when it does not exist, [`MergeError::Damaged`]
/// when it does not parse or contradicts itself, [`MergeError::Version`] when
/// another ssosim wrote it.
pub fn read_manifest(dir: &Path) -> Result<Manifest, MergeError> {
    let path = dir.join(MANIFEST);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(if dir.is_dir() {
                MergeError::NotAShard {
                    dir: dir.to_path_buf(),
                }
            } else if !dir.exists() {
                MergeError::NoFolder {
                    dir: dir.to_path_buf(),
                }
            } else {
                MergeError::Unreadable {
                    path: dir.to_path_buf(),
                    source: e,
                }
            });
        }
        Err(source) => return Err(MergeError::Unreadable { path, source }),
    };
    // Format and version first, with a loose read, so that a manifest of a
    // future layout gets the version message rather than a parse error.
    let loose: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| damaged(&path, format!("not JSON: {e}")))?;
    if loose.get("format").and_then(|f| f.as_str()) != Some(manifest::FORMAT) {
        return Err(damaged(
            &path,
            format!(
                "not a shard manifest (\"format\" is not \"{}\")",
                manifest::FORMAT
            ),
        ));
    }
    let found = loose
        .get("ssosim_version")
        .and_then(|v| v.as_str())
        .unwrap_or("?")
        .to_string();
    let format = loose
        .get("format_version")
        .and_then(|v| v.as_u64())
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(0);
    if found != env!("CARGO_PKG_VERSION") || format != manifest::FORMAT_VERSION {
        return Err(MergeError::Version {
            dir: dir.to_path_buf(),
            found,
            format,
        });
    }
    let m: Manifest = serde_json::from_value(loose).map_err(|e| damaged(&path, e.to_string()))?;
    if m.shard_count == 0 || m.shard_index >= m.shard_count {
        return Err(damaged(
            &path,
            format!(
                "shard {}/{} is not I/N with 0 ≤ I < N",
                m.shard_index, m.shard_count
            ),
        ));
    }
    let expected_users = users_in_shard(m.users, (m.shard_index, m.shard_count));
    if m.users_simulated != expected_users {
        return Err(damaged(
            &path,
            format!(
                "users_simulated is {}, but shard {}/{} of {} users has {expected_users}",
                m.users_simulated, m.shard_index, m.shard_count, m.users
            ),
        ));
    }
    let names_ok = m.files.len() == m.replicas as usize
        && (0u32..)
            .zip(&m.files)
            .all(|(r, f)| f.name == raw::file_name(r));
    if !names_ok {
        return Err(damaged(
            &path,
            format!(
                "\"files\" must list replica-0.json to replica-{}.json in order",
                m.replicas.saturating_sub(1)
            ),
        ));
    }
    Ok(m)
}

/// Checks that `shards` (folder, manifest) are the `N` shards of one run and
/// returns them sorted by `I`.
fn check_together(
    shards: Vec<(PathBuf, Manifest)>,
) -> Result<Vec<(PathBuf, Manifest)>, MergeError> {
    let Some((ref_dir, reference)) = shards.first().cloned() else {
        return Err(MergeError::NoShards);
    };
    let key = |m: &Manifest| -> [(&'static str, String); 5] {
        // The plainest differences first, so the message says "seed" rather
        // than only "scenario_sha256" when the seed is what differs.
        [
            ("shard_count (N)", m.shard_count.to_string()),
            ("seed", m.seed.to_string()),
            ("replicas", m.replicas.to_string()),
            ("users", m.users.to_string()),
            ("scenario_sha256", m.scenario_sha256.clone()),
        ]
    };
    let expected = key(&reference);
    for (dir, m) in &shards {
        for ((field, found), (_, want)) in key(m).into_iter().zip(&expected) {
            if &found != want {
                return Err(MergeError::Mismatch {
                    dir: dir.clone(),
                    field,
                    found,
                    expected: want.clone(),
                    reference: ref_dir.clone(),
                });
            }
        }
    }
    let count = reference.shard_count;
    let mut seen: std::collections::BTreeMap<u64, PathBuf> = Default::default();
    for (dir, m) in &shards {
        if let Some(other) = seen.insert(m.shard_index, dir.clone()) {
            return Err(MergeError::Duplicate {
                dir: dir.clone(),
                other,
                index: m.shard_index,
                count,
            });
        }
    }
    // Every index is below N and none repeats: N folders means all are there.
    if shards.len() as u64 != count {
        let missing = (0..count).filter(|i| !seen.contains_key(i)).collect();
        return Err(MergeError::Missing { missing, count });
    }
    let mut shards = shards;
    shards.sort_by_key(|(_, m)| m.shard_index);
    Ok(shards)
}

/// Checks `dir/scenario.toml` against the manifest's hash.
fn check_scenario_file(dir: &Path, m: &Manifest) -> Result<(), MergeError> {
    let path = dir.join("scenario.toml");
    let bytes = read(&path)?;
    if manifest::sha256_hex(&bytes) != m.scenario_sha256 {
        return Err(damaged(
            &path,
            format!(
                "its SHA-256 is not the scenario_sha256 of {}",
                dir.join(MANIFEST).display()
            ),
        ));
    }
    Ok(())
}

/// Reads, verifies and decodes replica `r` of a shard.
fn read_raw(
    dir: &Path,
    m: &Manifest,
    r: u32,
    s: &Scenario,
    cfg: &ModelConfig,
) -> Result<Metrics, MergeError> {
    let Some(listed) = m.files.get(r as usize) else {
        return Err(damaged(
            &dir.join(MANIFEST),
            format!("no raw file listed for replica {r}"),
        ));
    };
    let path = dir.join(&listed.name);
    let bytes = read(&path)?;
    if bytes.len() as u64 != listed.bytes || manifest::sha256_hex(&bytes) != listed.sha256 {
        return Err(damaged(
            &path,
            format!(
                "{} bytes whose SHA-256 is not the one in {} ({} bytes expected): truncated or altered",
                bytes.len(),
                dir.join(MANIFEST).display(),
                listed.bytes
            ),
        ));
    }
    let raw: RawReplica = serde_json::from_slice(&bytes)
        .map_err(|e| damaged(&path, format!("not raw results: {e}")))?;
    if raw.replica != r {
        return Err(damaged(
            &path,
            format!("holds replica {}, expected {r}", raw.replica),
        ));
    }
    let metrics = raw
        .into_metrics(cfg.layout)
        .map_err(|reason| damaged(&path, reason))?;
    // The hash proves the file is the one the shard wrote, not that its
    // numbers make sense (a file rewritten with its manifest): every invariant
    // a run checks must hold here too. They are sums and bounds, so shards
    // that pass each give a merged total that passes.
    let broken = invariants::check(&metrics, &Facts::of(s));
    if let Some(first) = broken.first() {
        return Err(damaged(
            &path,
            format!(
                "its counts break {} invariant{} of a run, first {first}",
                broken.len(),
                if broken.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    let users = metrics.global_value(GlobalCounter::Users);
    if users != m.users_simulated {
        return Err(damaged(
            &path,
            format!(
                "counts {users} users, the shard simulated {} ({} users, scenario {})",
                m.users_simulated, s.simulation.users, s.name
            ),
        ));
    }
    Ok(metrics)
}

/// The log parts of the shards (paths, `--logs-users`, format), checked
/// against their manifests; `None` when no shard has one. Shards with and
/// without a log, or with other `--logs-users` or format, are refused.
fn log_parts(
    shards: &[(PathBuf, Manifest)],
) -> Result<Option<(Vec<PathBuf>, u64, LogFormat)>, MergeError> {
    let Some((first_dir, first)) = shards.first() else {
        return Ok(None);
    };
    let mut parts = Vec::new();
    for (dir, m) in shards {
        let same = match (&m.logs, &first.logs) {
            (Some(a), Some(b)) => a.users == b.users && a.format == b.format,
            (None, None) => true,
            _ => false,
        };
        if !same {
            return Err(damaged(
                &dir.join(MANIFEST),
                format!(
                    "its log ({}) is not the log of {} ({}); run every shard with the same --logs flags",
                    describe_log(m),
                    first_dir.display(),
                    describe_log(first)
                ),
            ));
        }
        let Some(part) = &m.logs else { continue };
        let path = dir.join(&part.name);
        let (sha, bytes) = crate::logs::file_sha256(&path)
            .map_err(|e| damaged(&path, format!("unreadable: {e}")))?;
        if bytes != part.bytes || sha != part.sha256 {
            return Err(damaged(
                &path,
                format!(
                    "{bytes} bytes whose SHA-256 is not the one in {} ({} bytes expected): truncated or altered; run this shard again",
                    dir.join(MANIFEST).display(),
                    part.bytes
                ),
            ));
        }
        parts.push(path);
    }
    Ok(first.logs.as_ref().map(|l| {
        (
            parts,
            l.users,
            LogFormat::from_key(&l.format).unwrap_or_default(),
        )
    }))
}

/// A shard's `--logs` flags, in words.
fn describe_log(m: &Manifest) -> String {
    match &m.logs {
        None => "none".to_string(),
        Some(l) if l.users == u64::MAX => format!("every user, {}", l.format),
        Some(l) => format!("{} users, {}", l.users, l.format),
    }
}

/// Refuses log parts whose events, counted by kind, disagree with the merged
/// counters (a part rewritten with its manifest): read before anything is
/// written.
fn check_log_counts(parts: &[PathBuf], result: &RunResult) -> Result<(), MergeError> {
    let counts = crate::logs::runs::merge_runs(parts, |_| Ok(()))
        .map_err(|e| damaged(&parts[0], format!("not a log part: {e}")))?;
    let problems = match result.replicas.first() {
        Some(m) => crate::logs::check::disagreements(&counts, m),
        None => Vec::new(),
    };
    match problems.first() {
        Some(first) => Err(damaged(
            &parts[0],
            format!("the shards' logs disagree with their counters: {first}"),
        )),
        None => Ok(()),
    }
}

/// Merges the shard folders `dirs` into the run they are shards of (see the
/// module docs for the checks and for what `run.json` will hold), ready to
/// publish like an unsharded run's.
///
/// # Errors
/// A refusal naming the folder or file and what is wrong.
pub fn merge(dirs: &[PathBuf]) -> Result<Merged, MergeError> {
    let shards = dirs
        .iter()
        .map(|d| Ok((d.clone(), read_manifest(d)?)))
        .collect::<Result<Vec<_>, MergeError>>()?;
    let shards = check_together(shards)?;
    for (dir, m) in &shards {
        check_scenario_file(dir, m)?;
    }
    // The first folder given is the reference for the scenario, as for the checks.
    let (ref_dir, reference) = match dirs
        .first()
        .and_then(|d| shards.iter().find(|(x, _)| x == d))
    {
        Some(x) => x.clone(),
        None => return Err(MergeError::NoShards),
    };
    let scenario_path = ref_dir.join("scenario.toml");
    let s = scenario::load(&scenario_path, &[])
        .map_err(|e| damaged(&scenario_path, format!("does not load: {e}")))?;
    if scenario_sha256(&s) != reference.scenario_sha256 {
        return Err(damaged(
            &scenario_path,
            "reads back to another canonical scenario than the one simulated",
        ));
    }
    let cfg = ModelConfig::new(&s);
    let mut totals: Vec<Metrics> = (0..reference.replicas)
        .map(|_| Metrics::new(cfg.layout))
        .collect();
    for (dir, m) in &shards {
        for (r, total) in (0u32..).zip(totals.iter_mut()) {
            let part = read_raw(dir, m, r, &s, &cfg)?;
            if let Some(what) = overflows(total, &part) {
                return Err(damaged(
                    &dir.join(raw::file_name(r)),
                    format!(
                        "adding its {what} to the other shards' overflows; no real run counts that much"
                    ),
                ));
            }
            total.merge(&part);
        }
    }
    let overrides: Vec<Override> = reference
        .overrides
        .iter()
        .map(|o| Override {
            key: o.key.clone(),
            value: o.value.clone(),
        })
        .collect();
    let log_parts = log_parts(&shards)?;
    let mut result = RunResult {
        replicas: totals,
        wall_time_s: shards.iter().map(|(_, m)| m.wall_time_us).sum::<u64>() as f64 / 1e6,
        threads: shards
            .iter()
            .map(|(_, m)| usize::try_from(m.threads).unwrap_or(usize::MAX))
            .max()
            .unwrap_or(1),
        loads: Default::default(),
        logs: None,
        // The shards' peak memory rather than the merger's.
        peak_rss_bytes: shards.iter().filter_map(|(_, m)| m.peak_rss_bytes).max(),
    };
    let mut log_format = None;
    if let Some((parts, users, format)) = log_parts {
        let complete = users >= s.simulation.users;
        if complete {
            check_log_counts(&parts, &result)?;
        }
        result.logs = Some(LogRuns {
            dir: None,
            runs: parts,
            tenant: std::sync::Arc::new(crate::logs::Tenant::new(&s)),
            // Checked above, as a refusal naming the parts.
            complete: false,
            users,
        });
        log_format = Some(format);
    }
    Ok(Merged {
        shards: reference.shard_count,
        scenario: s,
        overrides,
        result,
        log_format,
    })
}

/// The part of `part` whose sum with `total` would not fit its integer type,
/// if any (only a crafted file gets there: checked so that merging never
/// wraps or panics).
fn overflows(total: &Metrics, part: &Metrics) -> Option<&'static str> {
    fn over(a: &[u64], b: &[u64]) -> bool {
        a.iter().zip(b).any(|(x, y)| x.checked_add(*y).is_none())
    }
    fn over64(a: &[i64], b: &[i64]) -> bool {
        a.iter().zip(b).any(|(x, y)| x.checked_add(*y).is_none())
    }
    let (ts, tl, tc) = total.series.raw();
    let (ps, pl, pc) = part.series.raw();
    let logins = |m: &Metrics| m.logins.rows().map(|r| u128::from(r.3)).sum::<u128>();
    if over(&total.app, &part.app)
        || over(&total.global, &part.global)
        || over(&total.idp, &part.idp)
        || over(&total.tier, &part.tier)
        || total.events.checked_add(part.events).is_none()
        || logins(total) + logins(part) > u128::from(u64::MAX)
    {
        Some("counters")
    } else if total.load.merge_overflows(&part.load) {
        Some("per-second request counts")
    } else if over64(ts, ps) || over64(tl, pl) || over64(tc, pc) {
        Some("time series")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_shards_are_listed_then_counted() {
        let e = MergeError::Missing {
            missing: vec![2],
            count: 3,
        };
        assert_eq!(
            e.to_string(),
            "shard 2/3 is missing; give every shard 0/3 to 2/3 exactly once"
        );
        let e = MergeError::Missing {
            missing: (0..15).collect(),
            count: 20,
        };
        let text = e.to_string();
        assert!(text.starts_with("shards 0/20, 1/20,"), "{text}");
        assert!(text.contains("9/20, and 5 more are missing"), "{text}");
    }
}
