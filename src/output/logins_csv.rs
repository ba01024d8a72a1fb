//! `logins.csv`: the exact distribution of login flows, `kind,latency_ms,hops,count`
//! summed over replicas.

use crate::metrics::{Logins, Metrics};

/// `logins.csv` bytes.
pub(super) fn to_csv(replicas: &[Metrics]) -> Vec<u8> {
    let mut all = Logins::default();
    for m in replicas {
        all.merge(&m.logins);
    }
    let mut out = String::from("kind,latency_ms,hops,count\n");
    for (kind, latency, hops, count) in all.rows() {
        out.push_str(&format!("{},{latency},{hops},{count}\n", kind.name()));
    }
    out.into_bytes()
}
