//! Helpers shared by the model's statistical tests (closed forms, breadth).

use ssosim::metrics::{Metrics, SeriesCounter};
use ssosim::runner::{Progress, RunOptions, run};
use ssosim::scenario::{Scenario, from_str};

/// Runs one replica of `s` on `threads` threads (0: all cores).
pub(crate) fn simulate(s: &Scenario, threads: usize) -> Metrics {
    let opts = RunOptions {
        threads,
        shard: None,
        logs: None,
        reference_path: false,
    };
    let mut r = run(s, &opts, &Progress::default()).expect("run");
    r.replicas.remove(0)
}

/// Silent failures and attempts of the first app from sample `from` to the end.
pub(crate) fn silent_after(m: &Metrics, from: usize) -> (f64, f64) {
    let ok = m.series.counter(0, SeriesCounter::SilentAuthSuccesses);
    let ko = m.series.counter(0, SeriesCounter::SilentAuthLoginRequired);
    let last = ok.len() - 1;
    let fails = (ko[last] - ko[from]) as f64;
    let attempts = fails + (ok[last] - ok[from]) as f64;
    (fails, attempts)
}

/// Asserts that `hits` out of `n` is within 4 standard errors of share `p`.
pub(crate) fn assert_share(hits: f64, n: f64, p: f64, what: &str) {
    let share = hits / n;
    let se = (p * (1.0 - p) / n).sqrt();
    assert!(
        (share - p).abs() < 4.0 * se,
        "{what}: share {share:.5} vs closed form {p:.5} (4 SE = {:.5}, {n} trials)",
        4.0 * se
    );
}

/// The SPA the closed-form tests share: implicit grant, tokens in local
/// storage, Poisson visits at 3 a day, every visit protected and one minute
/// long, nothing ending sessions but what each test sets. `simulation` goes
/// in `[simulation]`, `extra_as` in `[authorization_server]` (plan
/// `enterprise`), `tail` after the `[users]` keys (more user keys, then any
/// further tables such as `[[events]]`).
pub(crate) fn closed_form_spa(simulation: &str, extra_as: &str, tail: &str) -> Scenario {
    let text = format!(
        r#"
name = "closed-form"
[simulation]
{simulation}
[authorization_server]
plan = "enterprise"
{extra_as}
[[apps]]
name = "spa"
kind = "spa_implicit"
token_cache = "local_storage"
[users]
visits_per_day = 3.0
protected_share = 1.0
visit_length = "1m"
{tail}
"#
    );
    from_str(&text, "closed-form.toml", &[]).expect("valid test scenario")
}
