//! The raw, mergeable results of one replica of one shard (design §11): every
//! integer of a [`Metrics`], as a JSON object, and back.
//!
//! # Format `ssosim-raw`, version 6
//!
//! One file `replica-<r>.json` per replica, a JSON object with exactly these
//! keys (unknown keys are refused). Every number is an integer: nothing is
//! rounded on the way to the merge, which is what makes it exact (design §1).
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `format` | `"ssosim-raw"` | |
//! | `format_version` | `1` | bumped on any change of this table |
//! | `replica` | u32 | replica index |
//! | `layout` | object | `apps`, `idps`, `duration_ms`, `warmup_ms`, `sample_every_ms` ([`Layout`]) |
//! | `events` | u64 | engine events (a cost figure) |
//! | `global` | [u64] | [`crate::metrics::GlobalCounter`] order |
//! | `app` | [u64] | `[app][AppCounter]`, row-major |
//! | `idp` | [u64] | `[idp][IdpCounter]` |
//! | `tier` | [u64] | `[tier][TierCounter]`, tiers: AS, IdPs, apps |
//! | `logins` | [[kind, latency_ms, hops, count]] | exact login histogram, `kind` = `interactive`, `sso`, `silent` or `refresh_token` |
//! | `load` | [[endpoint, zero-run list]] | requests per one-second bucket, one row per AS endpoint ([`Endpoint::ALL`] order and names) |
//! | `series_sessions` | [i64] | difference arrays `[valid, orphaned][tier][sample]` |
//! | `series_logged_in` | [i64] | difference array `[sample]` |
//! | `series_counters` | [i64] | difference arrays `[app][SeriesCounter][sample]` |
//! | `causes` | [u64] | `[app][interactive, mfa, silent failures][Cause]`, then `[idp][Cause]` |
//! | `distributions` | [[metric, scope, count, users]] | per-user histograms; `scope` is `all` or an app index |
//! | `segments` | [u64] | `[segment][users, UserCounter…]` |
//! | `exposure` | [buckets, age_sq, [older_1d, older_7d], orphaned] | AS exposure sums ([`crate::metrics::exposure`]): `buckets` = `[[index, full, part]]` for the age buckets where either is not zero, by index; the others are integers (ms, ms²), possibly above 2^64 |
//!
//! A *zero-run list* is the per-second array with each run of `k` zero buckets
//! written as the single number `-k` (counts are never negative, so this is
//! unambiguous): a month of mostly idle seconds costs a few bytes instead of
//! 2.6 million zeros. Decoding checks that the result has exactly
//! [`Layout::seconds`] buckets. Version 3 (issue 17) replaced version 2's
//! `authorize_per_s` and `token_per_s` by `load`; version 4 (issue 14) added
//! the causes `storage_purged` to the `causes` counts and the browser
//! segments; version 5 (issue 17, tenant events) added the app counters
//! `logins_failed_outage` and `visits_failed_outage`, the tier counter
//! `sessions_ended_revoked` and the cause `revoked`; version 6 (issue 16)
//! added `exposure`.

use crate::metrics::per_user::{DISTRIBUTED, TailScope};
use crate::metrics::{
    AppCounter, Causes, Endpoint, GlobalCounter, IdpCounter, Layout, LoginKind, Logins, Metrics,
    PerSecond, Series, TierCounter,
};
use serde::{Deserialize, Serialize};

/// Value of `format` in a raw file.
pub const FORMAT: &str = "ssosim-raw";
/// Version of the raw format this build writes and reads.
pub const FORMAT_VERSION: u32 = 6;

/// File name of replica `r`'s raw results inside a shard folder.
pub fn file_name(replica: u32) -> String {
    format!("replica-{replica}.json")
}

/// [`Layout`] as written in a raw file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLayout {
    /// Apps.
    pub apps: usize,
    /// Identity providers.
    pub idps: usize,
    /// Measured run length, ms.
    pub duration_ms: u64,
    /// Warm-up, ms.
    pub warmup_ms: u64,
    /// Time-series period, ms.
    pub sample_every_ms: u64,
}

impl From<Layout> for RawLayout {
    fn from(l: Layout) -> Self {
        RawLayout {
            apps: l.apps,
            idps: l.idps,
            duration_ms: l.duration,
            warmup_ms: l.warmup,
            sample_every_ms: l.sample_every,
        }
    }
}

/// One replica's metrics as stored on disk; see the module docs for each key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReplica {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// Replica index.
    pub replica: u32,
    /// Shape of the arrays below.
    pub layout: RawLayout,
    /// Engine events.
    pub events: u64,
    /// Global counters.
    pub global: Vec<u64>,
    /// Per-app counters.
    pub app: Vec<u64>,
    /// Per-IdP counters.
    pub idp: Vec<u64>,
    /// Per-tier session counters.
    pub tier: Vec<u64>,
    /// Login histogram rows `(kind, latency_ms, hops, count)`.
    pub logins: Vec<(String, u64, u32, u64)>,
    /// Per endpoint, its name and its requests per second, zero-run encoded.
    pub load: Vec<(String, Vec<i64>)>,
    /// Session difference arrays.
    pub series_sessions: Vec<i64>,
    /// Logged-in difference array.
    pub series_logged_in: Vec<i64>,
    /// Counter difference arrays.
    pub series_counters: Vec<i64>,
    /// Prompts by cause.
    pub causes: Vec<u64>,
    /// Per-user histogram rows `(metric, scope, count, users)`; scope `all`
    /// or the app's index.
    pub distributions: Vec<(String, String, u64, u64)>,
    /// Segment sums.
    pub segments: Vec<u64>,
    /// AS exposure sums.
    pub exposure: crate::metrics::exposure::RawExposure,
}

impl RawReplica {
    /// Captures every integer of replica `replica`'s metrics.
    pub fn from_metrics(replica: u32, m: &Metrics) -> Self {
        let (sessions, logged_in, counters) = m.series.raw();
        RawReplica {
            format: FORMAT.to_string(),
            format_version: FORMAT_VERSION,
            replica,
            layout: m.layout.into(),
            events: m.events,
            global: m.global.clone(),
            app: m.app.clone(),
            idp: m.idp.clone(),
            tier: m.tier.clone(),
            logins: m
                .logins
                .rows()
                .map(|(k, l, h, c)| (k.name().to_string(), l, h, c))
                .collect(),
            load: Endpoint::ALL
                .into_iter()
                .map(|e| (e.name().to_string(), encode_per_second(m.load.endpoint(e))))
                .collect(),
            series_sessions: sessions.to_vec(),
            series_logged_in: logged_in.to_vec(),
            series_counters: counters.to_vec(),
            causes: m.causes.raw().to_vec(),
            distributions: m
                .per_user
                .rows()
                .map(|(c, s, n, u)| {
                    let scope = match s {
                        TailScope::All => "all".to_string(),
                        TailScope::App(a) => a.to_string(),
                    };
                    (c.name().to_string(), scope, n, u)
                })
                .collect(),
            segments: m.per_user.raw_segments().to_vec(),
            exposure: m.exposure.raw(),
        }
    }

    /// Rebuilds the metrics, checking every array against `layout` (the
    /// scenario's), so that a damaged file is refused here and never reaches
    /// [`Metrics::merge`].
    ///
    /// # Errors
    /// What does not fit, in words, for a message naming the file.
    pub fn into_metrics(self, layout: Layout) -> Result<Metrics, String> {
        if self.format != FORMAT || self.format_version != FORMAT_VERSION {
            return Err(format!(
                "format \"{}\" version {}; this ssosim reads \"{FORMAT}\" version {FORMAT_VERSION}",
                self.format, self.format_version
            ));
        }
        if self.layout != RawLayout::from(layout) {
            return Err(format!(
                "layout {:?} does not match the scenario's {:?}",
                self.layout,
                RawLayout::from(layout)
            ));
        }
        let mut m = Metrics::new(layout);
        let check = |what: &str, found: usize, expected: usize| {
            if found == expected {
                Ok(())
            } else {
                Err(format!("{what}: {found} values, expected {expected}"))
            }
        };
        check("global", self.global.len(), GlobalCounter::COUNT)?;
        check("app", self.app.len(), layout.apps * AppCounter::COUNT)?;
        check("idp", self.idp.len(), layout.idps * IdpCounter::COUNT)?;
        check("tier", self.tier.len(), layout.tiers() * TierCounter::COUNT)?;
        m.global = self.global;
        m.app = self.app;
        m.idp = self.idp;
        m.tier = self.tier;
        m.events = self.events;
        let mut logins = Logins::default();
        let mut seen = std::collections::BTreeSet::new();
        for (kind, latency, hops, count) in self.logins {
            // The writer gives each (kind, latency, hops) one row; a repeat
            // is damage (and adding it could overflow).
            if !seen.insert((kind.clone(), latency, hops)) {
                return Err(format!(
                    "logins: the row ({kind}, {latency}, {hops}) appears twice"
                ));
            }
            let kind = LoginKind::ALL
                .into_iter()
                .find(|k| k.name() == kind)
                .ok_or_else(|| {
                    format!("logins: unknown kind \"{kind}\"; accepted: interactive, sso, silent, refresh_token")
                })?;
            logins.add(kind, latency, hops, count);
        }
        m.logins = logins;
        let names: Vec<&str> = self.load.iter().map(|(n, _)| n.as_str()).collect();
        let expected: Vec<&str> = Endpoint::ALL.iter().map(|e| e.name()).collect();
        if names != expected {
            return Err(format!(
                "load: endpoints {names:?}; expected {expected:?} in that order"
            ));
        }
        for (e, (name, encoded)) in Endpoint::ALL.into_iter().zip(&self.load) {
            let per_second = m.load.endpoint_mut(e);
            decode_zero_runs(encoded, layout.seconds(), |s, n| per_second.add(s, n))
                .map_err(|why| format!("load: {name}: {why}"))?;
        }
        m.series = Series::from_raw(
            &layout,
            self.series_sessions,
            self.series_logged_in,
            self.series_counters,
        )
        .ok_or("series: array lengths do not match the scenario's samples, tiers and apps")?;
        m.causes = Causes::from_raw(layout.apps, layout.idps, self.causes)
            .ok_or("causes: array length does not match the scenario's apps and IdPs")?;
        let mut seen = std::collections::BTreeSet::new();
        for (metric, scope, count, users) in self.distributions {
            if !seen.insert((metric.clone(), scope.clone(), count)) {
                return Err(format!(
                    "distributions: the row ({metric}, {scope}, {count}) appears twice"
                ));
            }
            let c = DISTRIBUTED
                .into_iter()
                .find(|c| c.name() == metric)
                .ok_or_else(|| format!("distributions: unknown metric \"{metric}\""))?;
            let s = match scope.as_str() {
                "all" => TailScope::All,
                a => match a.parse::<usize>() {
                    Ok(a) if a < layout.apps => TailScope::App(a),
                    _ => return Err(format!("distributions: unknown scope \"{scope}\"")),
                },
            };
            m.per_user.add_row(c, s, count, users);
        }
        if !m.per_user.set_raw_segments(self.segments) {
            return Err("segments: array length does not match the scenario's segments".into());
        }
        m.exposure = crate::metrics::exposure::Exposure::from_raw(self.exposure)?;
        Ok(m)
    }
}

/// The zero-run list of one endpoint's counts, page by page.
fn encode_per_second(p: &PerSecond) -> Vec<i64> {
    encode_zero_runs((0..p.page_count()).flat_map(|i| p.page_counts(i)))
}

/// Writes each run of `k` zeros as `-k`, other counts as they are.
pub fn encode_zero_runs(values: impl IntoIterator<Item = u32>) -> Vec<i64> {
    let mut out = Vec::new();
    let mut zeros = 0i64;
    for v in values {
        if v == 0 {
            zeros += 1;
            continue;
        }
        if zeros > 0 {
            out.push(-zeros);
            zeros = 0;
        }
        out.push(i64::from(v));
    }
    if zeros > 0 {
        out.push(-zeros);
    }
    out
}

/// Inverse of [`encode_zero_runs`]: calls `put(second, count)` for each
/// non-zero count, refusing anything that does not give exactly `len`
/// buckets or a count above `u32::MAX`.
///
/// # Errors
/// What is wrong, in words.
pub fn decode_zero_runs(
    encoded: &[i64],
    len: usize,
    mut put: impl FnMut(u64, u32),
) -> Result<(), String> {
    let mut at = 0usize;
    for &v in encoded {
        if v < 0 {
            let run = usize::try_from(v.unsigned_abs()).unwrap_or(usize::MAX);
            if run > len - at {
                return Err(format!("more than the {len} one-second buckets of the run"));
            }
            at += run;
        } else {
            if at == len {
                return Err(format!("more than the {len} one-second buckets of the run"));
            }
            let n = u32::try_from(v).map_err(|_| format!("count {v} is above {}", u32::MAX))?;
            put(at as u64, n);
            at += 1;
        }
    }
    if at != len {
        return Err(format!("{at} one-second buckets, expected {len}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_runs_round_trip_and_refuse_wrong_lengths() {
        for v in [
            vec![],
            vec![0, 0, 0],
            vec![1, 2, 3],
            vec![0, 5, 0, 0, 7, 0],
            vec![u32::MAX, 0],
        ] {
            let e = encode_zero_runs(v.iter().copied());
            let mut back = vec![0u32; v.len()];
            assert_eq!(
                decode_zero_runs(&e, v.len(), |s, n| back[s as usize] = n),
                Ok(())
            );
            assert_eq!(back, v, "{e:?}");
            assert!(decode_zero_runs(&e, v.len() + 1, |_, _| {}).is_err());
            if !v.is_empty() {
                assert!(decode_zero_runs(&e, v.len() - 1, |_, _| {}).is_err());
            }
        }
        assert_eq!(encode_zero_runs([0, 0, 4, 0]), vec![-2, 4, -1]);
        assert!(decode_zero_runs(&[i64::MIN], 3, |_, _| {}).is_err());
        assert!(decode_zero_runs(&[1 << 40], 1, |_, _| {}).is_err());
    }

    #[test]
    fn metrics_round_trip_exactly() {
        let layout = Layout {
            apps: 2,
            idps: 1,
            duration: 10_000,
            warmup: 0,
            segments: Default::default(),
            sample_every: 1000,
        };
        let mut m = Metrics::new(layout);
        m.count_app(1, AppCounter::Visits, 1500);
        m.count_tier(2, TierCounter::SessionsCreated);
        m.count_global(GlobalCounter::Users);
        m.count_idp(0, IdpCounter::IdpPrompts);
        m.series.interval_in(&layout, Series::ORPHANED, 3, 0, 4000);
        m.series.logged_in(&layout, 2000, 9000);
        m.logins.record(LoginKind::Silent, 320, 4);
        m.request(Endpoint::Authorize, 9999);
        m.request(Endpoint::TokenCode, 0);
        m.request(Endpoint::BackchannelLogout, 5000);
        m.events = 77;
        m.count_cause(
            crate::metrics::Family::InteractiveLogins,
            1,
            crate::metrics::Cause::Logout,
        );
        m.per_user.tally(
            crate::metrics::per_user::UserCounter::InteractiveLogins,
            Some(1),
        );
        m.per_user.end_user(Default::default());
        m.valid_piece(Layout::AS_TIER, 100, 9000);
        m.exposure.add_valid(0, u64::MAX >> 20);
        m.orphaned(Layout::AS_TIER, 500, 700);
        m.flush();
        let raw = RawReplica::from_metrics(0, &m);
        let text = serde_json::to_string(&raw).unwrap();
        let back: RawReplica = serde_json::from_str(&text).unwrap();
        assert_eq!(back.into_metrics(layout), Ok(m));
        let other = Layout { apps: 1, ..layout };
        assert!(raw.into_metrics(other).is_err());
    }
}
