//! `load.csv` (issue 17): per hour of the measured window and per load
//! series (each AS endpoint, then `/authorize` all, `/oauth/token` all and
//! the AS's total), the requests, the busiest second and the busiest minute:
//! `time_ms,series,requests,max_per_s,max_per_min,throttled,seconds_throttled`
//! (the last two: what the series' rate limit would have refused in the
//! hour, and in how many seconds; 0 without a limit). `time_ms` is the hour's
//! start in virtual time (the warm-up's end plus whole hours); with
//! replicas, `requests` is the sum over replicas and the maxima the largest
//! of any replica; `throttled` and `seconds_throttled` are sums over
//! replicas. Series that had no request in any replica are left out.

use crate::metrics::load_stats::{HOUR_SECONDS, LoadStats};
use crate::metrics::{Metrics, SERIES, series_name};

/// `load.csv` bytes.
pub(super) fn to_csv(replicas: &[Metrics], loads: &[LoadStats]) -> Vec<u8> {
    let mut out =
        String::from("time_ms,series,requests,max_per_s,max_per_min,throttled,seconds_throttled\n");
    let warmup = replicas.first().map_or(0, |m| m.layout.warmup);
    for i in 0..SERIES {
        if loads.iter().all(|l| l.series[i].requests == 0) {
            continue;
        }
        let hours = loads.first().map_or(0, |l| l.series[i].hours.len());
        for h in 0..hours {
            let (mut requests, mut per_s, mut per_min) = (0u64, 0u32, 0u32);
            let (mut throttled, mut seconds) = (0u64, 0u64);
            for l in loads {
                let x = l.series[i].hours[h];
                requests += x.requests;
                per_s = per_s.max(x.max_per_s);
                per_min = per_min.max(x.max_per_min);
                for (_, t) in l.limits.iter().filter(|(limit, _)| limit.series == i) {
                    throttled += t.hours[h].0;
                    seconds += u64::from(t.hours[h].1);
                }
            }
            let t = warmup + h as u64 * HOUR_SECONDS * 1000;
            out.push_str(&format!(
                "{t},{},{requests},{per_s},{per_min},{throttled},{seconds}\n",
                series_name(i)
            ));
        }
    }
    out.into_bytes()
}
