//! `[authorization_server.rate_limits]` (issue 17): token buckets on the AS's
//! load series, alone or from a preset of Auth0's documented Authentication
//! API limits.
//!
//! Each key is a load series — an endpoint (`authorize`, `login_post`,
//! `token_code`, ...), `authorize_all`, `token_all` or `total` — set to
//! `{ per_second, burst }`: a bucket of `burst` tokens refilled at
//! `per_second`, one token per request (Auth0's rate-limit algorithm). A
//! preset gives the plan's buckets; keys given beside it replace the
//! preset's bucket of that series.

use std::fmt::Write as _;

use toml::Value;

use super::reader::{Problems, Section, describe};
use crate::metrics::{SERIES, series_name};

/// One token bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    /// Tokens added per second (the sustained limit).
    pub per_second: f64,
    /// Tokens the bucket holds at most (the burst limit).
    pub burst: u64,
}

/// Auth0's documented Authentication API limits per subscription (Auth0
/// docs, *Rate Limit Configurations*: Free, Essentials and Professional,
/// Enterprise; read 2026-12-02).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// No preset: only the buckets given.
    None,
    /// Free: the Authentication API 300 burst, 300/minute; `/oauth/token`
    /// 30 burst, 30/s; credential POSTs 5 burst, 5/s.
    Auth0Free,
    /// Essentials and Professional: the Authentication API 25 burst, 25/s.
    Auth0Essentials,
    /// Enterprise (public cloud, production): the Authentication API 100
    /// burst, 100/s.
    Auth0Enterprise,
}

/// Scenario spellings of the presets.
pub const PRESETS: &[(&str, Preset)] = &[
    ("none", Preset::None),
    ("auth0_free", Preset::Auth0Free),
    ("auth0_essentials", Preset::Auth0Essentials),
    ("auth0_professional", Preset::Auth0Essentials),
    ("auth0_enterprise", Preset::Auth0Enterprise),
];

impl Preset {
    /// The preset's buckets, by series name.
    pub fn buckets(self) -> &'static [(&'static str, Bucket)] {
        const fn b(per_second: f64, burst: u64) -> Bucket {
            Bucket { per_second, burst }
        }
        const FREE: [(&str, Bucket); 3] = [
            ("login_post", b(5.0, 5)),
            ("token_all", b(30.0, 30)),
            ("total", b(5.0, 300)),
        ];
        const ESSENTIALS: [(&str, Bucket); 1] = [("total", b(25.0, 25))];
        const ENTERPRISE: [(&str, Bucket); 1] = [("total", b(100.0, 100))];
        match self {
            Preset::None => &[],
            Preset::Auth0Free => &FREE,
            Preset::Auth0Essentials => &ESSENTIALS,
            Preset::Auth0Enterprise => &ENTERPRISE,
        }
    }
}

/// The rate limits of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimits {
    /// `preset`, as written (`none` by default).
    pub preset: &'static str,
    /// Buckets given beside the preset, by series index.
    pub given: Vec<(usize, Bucket)>,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            preset: "none",
            given: Vec::new(),
        }
    }
}

impl RateLimits {
    /// Every bucket that applies, by series index in series order: the
    /// preset's, each replaced by a bucket given for the same series.
    pub fn buckets(&self) -> Vec<(usize, Bucket)> {
        let preset = PRESETS
            .iter()
            .find(|(n, _)| *n == self.preset)
            .map_or(Preset::None, |p| p.1);
        let mut out: Vec<(usize, Bucket)> = self.given.clone();
        for &(name, bucket) in preset.buckets() {
            let i = (0..SERIES).find(|&i| series_name(i) == name).unwrap_or(0);
            if !out.iter().any(|(j, _)| *j == i) {
                out.push((i, bucket));
            }
        }
        out.sort_by_key(|b| b.0);
        out
    }

    /// True when no bucket applies (the table is then left out of the
    /// canonical scenario).
    pub fn is_empty(&self) -> bool {
        self.preset == "none" && self.given.is_empty()
    }

    /// The `[authorization_server.rate_limits]` table in canonical form.
    pub fn write(&self, out: &mut String) {
        if self.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n[authorization_server.rate_limits]");
        let _ = writeln!(out, "preset = \"{}\"", self.preset);
        for (i, b) in &self.given {
            let _ = writeln!(
                out,
                "{} = {{ per_second = {}, burst = {} }}",
                series_name(*i),
                b.per_second,
                b.burst
            );
        }
    }
}

/// Most tokens per second or in a bucket.
const MAX_RATE: f64 = 1e9;

/// Reads `[authorization_server.rate_limits]`; absent, no limit.
pub(crate) fn read(p: &mut Problems, s: &mut Section) -> Option<RateLimits> {
    let mut rs = s.section(p, "rate_limits")?;
    let preset = rs.choice(p, "preset", Some("none"), &PRESETS_BY_NAME);
    let mut given = Vec::new();
    let mut ok = true;
    for i in 0..SERIES {
        let name = series_name(i);
        let key = rs.key(name);
        let Some(v) = rs.get(name) else { continue };
        let example = format!("use {name} = {{ per_second = 25, burst = 25 }}");
        let Value::Table(t) = v else {
            p.at(
                &key,
                format!("expected a table, found {}; {example}", describe(v)),
            );
            ok = false;
            continue;
        };
        let mut bs = Section::new(t, key.clone());
        for field in ["per_second", "burst"] {
            if !bs.has(field) {
                p.at(
                    &bs.key(field),
                    format!("missing; a bucket needs per_second and burst: {example}"),
                );
                ok = false;
            }
        }
        let per_second = bs.number(p, "per_second", 0.0, MAX_RATE);
        let burst = bs.integer(p, "burst", 1, (1, MAX_RATE as u64));
        if per_second == Some(0.0) && bs.has("per_second") {
            p.at(
                &bs.key("per_second"),
                "must be above 0: a bucket that never refills refuses everything after its burst; use a positive number",
            );
        }
        bs.finish(p);
        match (per_second, burst) {
            (Some(per_second), Some(burst)) if per_second > 0.0 && burst > 0 => {
                given.push((i, Bucket { per_second, burst }));
            }
            _ => ok = false,
        }
    }
    rs.finish(p);
    let preset = preset?;
    ok.then_some(RateLimits { preset, given })
}

/// [`PRESETS`] keyed by their own spelling, for [`Section::choice`].
const PRESETS_BY_NAME: [(&str, &str); 5] = [
    ("none", "none"),
    ("auth0_free", "auth0_free"),
    ("auth0_essentials", "auth0_essentials"),
    ("auth0_professional", "auth0_professional"),
    ("auth0_enterprise", "auth0_enterprise"),
];
