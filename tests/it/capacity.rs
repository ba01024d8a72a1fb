//! AS load per second and rate limits (issue 17): the summary's percentiles
//! against a direct computation from the per-second counts, token buckets
//! against the load they limit, and exact results across threads and shards.

use crate::support::cli::*;
use crate::support::model::simulate;
use ssosim::metrics::load_stats::{Limit, LoadStats};
use ssosim::metrics::{Endpoint, GROUPS};
use ssosim::output::summary;
use ssosim::scenario::{Override, Scenario, from_str};

/// A busy small tenant: 3 000 users visiting 200 times a day for 2 hours,
/// so that most seconds have requests.
const BUSY: &str = r#"
name = "busy"
[simulation]
users = 3000
duration = "2h"
sample_every = "10m"
[authorization_server]
idle_timeout = "10m"
absolute_timeout = "1h"
[users]
visits_per_day = 200
protected_share = 1.0
visit_length = "1m"
connections = { password = 0.5, facebook = 0.5 }
logout_share = 0.1
[identity_providers.facebook]
[[apps]]
name = "shop"
kind = "regular_web"
local_session = { idle_timeout = "5m", absolute_timeout = "30m", cookie = "non_persistent" }
"#;

fn busy(flags: &[(&str, &str)]) -> Scenario {
    let o: Vec<Override> = flags
        .iter()
        .map(|(k, v)| Override {
            key: k.to_string(),
            value: v.to_string(),
        })
        .collect();
    from_str(BUSY, "busy.toml", &o).expect("valid")
}

/// Every second's count of all received requests, read page by page.
fn direct_totals(m: &ssosim::metrics::Metrics) -> Vec<u32> {
    let total: Vec<Endpoint> = GROUPS[2].1.to_vec();
    let seconds = m.load.seconds();
    let mut out = vec![0u32; seconds];
    for e in total {
        let p = m.load.endpoint(e);
        let counts: Vec<u32> = (0..p.page_count()).flat_map(|i| p.page_counts(i)).collect();
        for (o, c) in out.iter_mut().zip(counts) {
            *o += c;
        }
    }
    out
}

#[test]
fn summary_percentiles_are_those_of_the_per_second_counts() {
    let s = busy(&[]);
    let m = simulate(&s, 2);
    let mut counts = direct_totals(&m);
    let n = counts.len();
    assert_eq!(n, 7200);
    let minute_max = counts
        .chunks(60)
        .map(|c| c.iter().sum::<u32>())
        .max()
        .unwrap();
    counts.sort_unstable();
    let rank = |q: f64| f64::from(counts[((q * n as f64).ceil() as usize).max(1) - 1]);
    let rows = summary::rows(&s, std::slice::from_ref(&m));
    let get = |metric: &str| {
        rows.iter()
            .find(|r| r.metric == metric && r.scope == "as")
            .unwrap_or_else(|| panic!("{metric}"))
            .values[0]
    };
    assert!(rank(0.5) >= 3.0, "a busy tenant: median {}", rank(0.5));
    assert_eq!(get("load_total_per_s_p50"), rank(0.5));
    assert_eq!(get("load_total_per_s_p95"), rank(0.95));
    assert_eq!(get("load_total_per_s_p99"), rank(0.99));
    assert_eq!(get("load_total_per_s_p99_9"), rank(0.999));
    assert_eq!(get("load_total_per_s_max"), f64::from(counts[n - 1]));
    assert_eq!(get("load_total_per_min_max"), f64::from(minute_max));
    let sum: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    assert!((get("load_total_per_s_mean") - sum as f64 / n as f64).abs() < 1e-9);
    // A code is exchanged at most once per /authorize (a browser close can
    // cut the flow before its exchange).
    let (codes, authorize) = (
        get("load_token_code_per_s_mean"),
        get("load_authorize_per_s_mean"),
    );
    assert!(
        codes <= authorize && codes > 0.95 * authorize,
        "{codes} {authorize}"
    );
}

#[test]
fn a_limit_above_the_peak_throttles_nothing_one_below_the_median_most_seconds() {
    let s = busy(&[]);
    let m = simulate(&s, 1);
    let free = LoadStats::of(&m.load, &[]);
    let total = LoadStats::TOTAL;
    let (peak, median) = (free.total().max(), free.total().quantile(0.5));
    assert!(median >= 3, "{median}");
    let limit = |per_second: u64, burst: u64| Limit {
        series: total,
        refill_milli: per_second * 1000,
        burst,
    };
    let stats = LoadStats::of(&m.load, &[limit(peak, peak), limit(median - 1, median - 1)]);
    let (_, above) = &stats.limits[0];
    assert_eq!((above.requests, above.seconds), (0, 0));
    let (_, below) = &stats.limits[1];
    assert!(
        below.seconds * 2 > stats.seconds,
        "{} of {} seconds throttled",
        below.seconds,
        stats.seconds
    );
    assert!(below.warning_seconds >= below.seconds);
    // Each second serves at most the refill (the bucket holds no more than
    // it), so the requests let through are at most (median - 1) a second.
    let served = stats.total().requests - below.requests;
    assert!(served <= (median - 1) * stats.seconds, "{served}");
}

#[test]
fn rate_limits_are_exact_across_threads_and_shards() {
    let dir = tmp();
    let sc = write(dir.path(), "busy.toml", BUSY);
    let limits = [
        "--set",
        "authorization_server.rate_limits.preset=auth0_essentials",
        "--set",
        "authorization_server.rate_limits.authorize_all={ per_second = 2, burst = 4 }",
    ];
    let run = |extra: &[&str], out: &str| {
        let o = ssosim(dir.path())
            .arg("run")
            .arg(&sc)
            .args(limits)
            .args(["--quiet", "--no-charts", "--out", out])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    };
    run(&["--threads", "1"], "one");
    run(&["--threads", "2"], "two");
    run(&["--shard", "0/2"], "s0");
    run(&["--shard", "1/2"], "s1");
    let o = ssosim(dir.path())
        .args([
            "merge",
            "s0",
            "s1",
            "--out",
            "merged",
            "--quiet",
            "--no-charts",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["summary.csv", "load.csv", "timeseries.csv"] {
        let one = std::fs::read(dir.path().join("one").join(f)).unwrap();
        assert_eq!(
            one,
            std::fs::read(dir.path().join("two").join(f)).unwrap(),
            "{f}"
        );
        assert_eq!(
            one,
            std::fs::read(dir.path().join("merged").join(f)).unwrap(),
            "{f}"
        );
    }
    let text = std::fs::read_to_string(dir.path().join("one/summary.csv")).unwrap();
    assert!(metric(&text, "rate_limit_authorize_all_requests_throttled", "as") > 0.0);
    assert_eq!(metric(&text, "rate_limit_total_per_s", "as"), 25.0);
    let load = std::fs::read_to_string(dir.path().join("one/load.csv")).unwrap();
    let throttled: u64 = load
        .lines()
        .filter(|l| l.split(',').nth(1) == Some("authorize_all"))
        .map(|l| l.split(',').nth(5).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(
        throttled as f64,
        metric(&text, "rate_limit_authorize_all_requests_throttled", "as")
    );
}
