//! Property tests (issue 9): the duration parser and the scenario loader never
//! panic, whatever they are fed; valid random scenarios run to the end with
//! every invariant holding.
//!
//! Case counts are set per property so that the file runs in a few seconds in
//! release; each property's count is part of the tally in the README
//! ("Guarantees").

use proptest::prelude::*;
use proptest::test_runner::Config;
use ssosim::metrics::invariants::{Facts, check};
use ssosim::output::run_files;
use ssosim::runner::{Progress, RunError, RunOptions, run};
use ssosim::scenario::{Override, from_str, load, parse_override};
use ssosim::time::{DAY, Dur, HOUR, MINUTE, SECOND, parse_duration};
use toml::{Table, Value};

/// Cases of each property (also quoted in the README's "Guarantees").
const STRING_CASES: u32 = 5000;
/// Cases of the file test: each writes a file; `from_str` is fuzzed with
/// arbitrary text `STRING_CASES` times already.
const FILE_CASES: u32 = 500;
const TREE_CASES: u32 = 4000;
const OVERRIDE_CASES: u32 = 3000;
const RUN_CASES: u32 = 2000;
const FAST_PATH_CASES: u32 = 100;

fn config(cases: u32) -> Config {
    Config {
        cases,
        ..Config::default()
    }
}

// ---- the duration parser -------------------------------------------------

/// Strings that look like durations, and some that almost do.
fn duration_like() -> impl Strategy<Value = String> {
    let part = (
        prop_oneof![
            Just(String::new()),
            "[0-9]{1,3}",
            "[0-9]{15,25}",
            Just("18446744073709551615".to_string())
        ],
        prop_oneof![
            Just("d"),
            Just("h"),
            Just("m"),
            Just("s"),
            Just("ms"),
            Just(""),
            Just("w"),
            Just("µs"),
            Just(" "),
            Just("."),
            Just("-")
        ],
    )
        .prop_map(|(n, u)| format!("{n}{u}"));
    proptest::collection::vec(part, 0..6).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(config(STRING_CASES))]

    /// Never panics; what it accepts prints back to the same milliseconds.
    #[test]
    fn the_duration_parser_never_panics(text in prop_oneof![any::<String>(), duration_like()]) {
        if let Ok(ms) = parse_duration(&text) {
            prop_assert_eq!(parse_duration(&Dur(ms).to_string()), Ok(ms));
        }
    }

    /// Arbitrary text is refused with a message, never a panic.
    #[test]
    fn the_loader_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = from_str(&text, "fuzz.toml", &[]);
    }
}

proptest! {
    #![proptest_config(config(FILE_CASES))]

    /// Arbitrary bytes in a file (non-UTF-8 included) are refused with a
    /// message naming the file, never a panic.
    #[test]
    fn the_loader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("fuzz.toml");
        std::fs::write(&path, &bytes).expect("write");
        if let Err(e) = load(&path, &[]) {
            prop_assert!(e.to_string().contains("fuzz.toml"), "{}", e);
        }
    }
}

// ---- arbitrary TOML trees ------------------------------------------------

/// Keys that the loader knows (at some level), so that random trees reach
/// deep into validation, plus a few it does not.
const KEYS: &[&str] = &[
    "name",
    "simulation",
    "users",
    "duration",
    "seed",
    "sample_every",
    "replicas",
    "network",
    "latency",
    "authorization_server",
    "plan",
    "cookie",
    "idle_timeout",
    "absolute_timeout",
    "mfa",
    "mfa_remember_browser",
    "custom_domain",
    "backchannel_logout",
    "identity_providers",
    "facebook",
    "apps",
    "kind",
    "local_session",
    "token_lifetime",
    "visit_share",
    "refresh_tokens",
    "enabled",
    "absolute_lifetime",
    "idle_lifetime",
    "rotation",
    "reuse_interval",
    "visits_per_day",
    "protected_share",
    "connections",
    "password",
    "browser_closes_per_day",
    "logout_share",
    "federated_logout_share",
    "password_resets_per_year",
    "third_party_cookies_blocked",
    "visit_length",
    "login_think_time",
    "third_party_cookies_partitioned",
    "cookie_clears_per_month",
    "app_only_logout_share",
    "daily_profile",
    "visit_rate_distribution",
    "visit_rate_shape",
    "processing_time",
    "median",
    "p90",
    "x",
    "",
    "é",
    "a.b",
    "0",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::Integer),
        prop_oneof![Just(0i64), Just(1), Just(-1), Just(1_000_000_000_000)]
            .prop_map(Value::Integer),
        any::<f64>().prop_map(Value::Float),
        prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.0),
            Just(0.5),
            Just(1e300)
        ]
        .prop_map(Value::Float),
        any::<bool>().prop_map(Value::Boolean),
        any::<String>().prop_map(Value::String),
        duration_like().prop_map(Value::String),
        prop_oneof![
            Just("regular_web"),
            Just("spa_implicit"),
            Just("native"),
            Just("spa_backend"),
            Just("enterprise"),
            Just("self_service"),
            Just("persistent"),
            Just("non_persistent"),
            Just("gamma"),
            Just("constant")
        ]
        .prop_map(|s| Value::String(s.to_string())),
        Just(Value::Datetime(
            "1979-05-27T07:32:00Z".parse().expect("a TOML date-time")
        )),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(KEYS).prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

fn tree() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..8)
                .prop_map(|m| Value::Table(m.into_iter().collect())),
        ]
    })
}

fn root() -> impl Strategy<Value = Table> {
    proptest::collection::btree_map(key(), tree(), 0..10).prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(config(TREE_CASES))]

    /// Any TOML tree, serialized then loaded, is accepted or refused with
    /// problems, never a panic; a refusal always says something.
    #[test]
    fn the_loader_never_panics_on_arbitrary_toml_trees(t in root()) {
        let Ok(text) = toml::to_string(&t) else {
            return Ok(()); // not representable as TOML text
        };
        match from_str(&text, "tree.toml", &[]) {
            Ok(s) => prop_assert!(!s.apps.is_empty()),
            Err(e) => prop_assert!(!e.problems().is_empty()),
        }
    }
}

// ---- arbitrary --set overrides -------------------------------------------

/// A valid scenario with several apps and an IdP, target of random flags.
const BASE: &str = r#"
[simulation]
users = 5
duration = "1d"
[identity_providers.facebook]
[[apps]]
name = "web"
kind = "regular_web"
[[apps]]
name = "spa"
kind = "spa_implicit"
[users]
connections = { password = 0.5, facebook = 0.5 }
"#;

fn flag() -> impl Strategy<Value = String> {
    let dotted = proptest::collection::vec(
        prop_oneof![
            3 => proptest::sample::select(KEYS).prop_map(str::to_string),
            1 => "[0-9]{1,3}",
            1 => Just("web".to_string()),
            1 => any::<String>(),
        ],
        0..7,
    )
    .prop_map(|parts| parts.join("."));
    let value = prop_oneof![
        any::<String>(),
        duration_like(),
        "[0-9.e+-]{0,12}",
        Just("{ a = 1 }".to_string()),
        Just("[1, [2, [3]]]".to_string()),
        Just("true".to_string()),
        Just("\"unterminated".to_string()),
    ];
    prop_oneof![
        (dotted, value).prop_map(|(k, v)| format!("{k}={v}")),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(config(OVERRIDE_CASES))]

    /// Any `--set` flags: parsed or refused, then applied and validated or
    /// refused, never a panic.
    #[test]
    fn overrides_never_panic(flags in proptest::collection::vec(flag(), 1..4)) {
        let parsed: Vec<Override> = flags.iter().filter_map(|f| parse_override(f).ok()).collect();
        let _ = from_str(BASE, "base.toml", &parsed);
        // Overrides built in code skip the parser: raw keys go through too.
        let raw: Vec<Override> = flags
            .iter()
            .map(|f| {
                let (k, v) = f.split_once('=').unwrap_or((f, ""));
                Override { key: k.to_string(), value: v.to_string() }
            })
            .collect();
        let _ = from_str(BASE, "base.toml", &raw);
    }
}

// ---- valid random scenarios run with every invariant ----------------------

/// Reads numbers in `[0, 1)` off a tape (proptest shrinks it towards zeros).
struct Tape(Vec<f64>, usize);

impl Tape {
    fn unit(&mut self) -> f64 {
        let x = self.0.get(self.1).copied().unwrap_or(0.0);
        self.1 += 1;
        x
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n - 1)
    }
    /// Log-uniform in `[lo, hi]` (both > 0), rounded to whole ms.
    fn log(&mut self, lo: u64, hi: u64) -> u64 {
        let (a, b) = ((lo as f64).ln(), (hi as f64).ln());
        ((a + self.unit() * (b - a)).exp().round() as u64).clamp(lo, hi)
    }
    fn dur(&mut self, lo: u64, hi: u64) -> Value {
        Value::String(Dur(self.log(lo, hi)).to_string())
    }
    /// `n` shares summing to 1, some of them 0.
    fn shares(&mut self, n: usize) -> Vec<f64> {
        let w: Vec<f64> = (0..n)
            .map(|_| {
                if self.chance(0.2) {
                    0.0
                } else {
                    self.unit() + 0.01
                }
            })
            .collect();
        let total: f64 = w.iter().sum();
        if total == 0.0 {
            let mut even = vec![0.0; n];
            even[0] = 1.0;
            return even;
        }
        let mut s: Vec<f64> = w.iter().map(|x| x / total).collect();
        // Put the rounding error on the last share so the sum is 1 within 1e-12.
        let rest: f64 = s[..n - 1].iter().sum();
        s[n - 1] = (1.0 - rest).max(0.0);
        s
    }
    /// Idle and absolute timeouts with idle ≤ absolute ≤ `max_abs`, idle ≤ `max_idle`.
    fn timeouts(&mut self, t: &mut Table, max_idle: u64, max_abs: u64) {
        let absolute = self.log(MINUTE, max_abs);
        let idle = self.log(SECOND, absolute.min(max_idle));
        t.insert("idle_timeout".into(), Value::String(Dur(idle).to_string()));
        t.insert(
            "absolute_timeout".into(),
            Value::String(Dur(absolute).to_string()),
        );
    }
}

fn table(pairs: Vec<(&str, Value)>) -> Value {
    Value::Table(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A random delay of at most `max` ms: a constant, or log-normal by its
/// median and 90th percentile.
fn delay(tape: &mut Tape, max: u64) -> Value {
    if tape.chance(0.5) {
        return Value::String(Dur(tape.below(max as usize) as u64).to_string());
    }
    let median = 1 + tape.below(max as usize) as u64;
    let p90 = median + tape.below(4 * max as usize) as u64;
    table(vec![
        ("median", Value::String(Dur(median).to_string())),
        ("p90", Value::String(Dur(p90).to_string())),
    ])
}

/// A random valid scenario: 1–4 apps of random kinds, 0–3 IdPs, timeouts
/// within the plan's limits, every key of the model's breadth.
fn scenario(tape: &mut Tape) -> Table {
    let cookie = |t: &mut Tape| {
        Value::String(
            if t.chance(0.5) {
                "persistent"
            } else {
                "non_persistent"
            }
            .into(),
        )
    };
    let mut root = Table::new();
    let duration = tape.log(HOUR, 3 * DAY);
    let sample_every = if tape.chance(0.5) {
        HOUR.min(duration)
    } else {
        tape.log((duration / 500).max(1), duration)
    };
    root.insert(
        "simulation".into(),
        table(vec![
            ("users", Value::Integer(1 + tape.below(20) as i64)),
            ("duration", Value::String(Dur(duration).to_string())),
            ("sample_every", Value::String(Dur(sample_every).to_string())),
            ("seed", Value::Integer((tape.unit() * 1e12) as i64)),
            ("replicas", Value::Integer(1 + tape.below(2) as i64)),
        ]),
    );
    root.insert("network".into(), table(vec![("latency", delay(tape, 200))]));
    let enterprise = tape.chance(0.3);
    let (max_idle, max_abs) = if enterprise {
        (100 * DAY, 365 * DAY)
    } else {
        (3 * DAY, 30 * DAY)
    };
    let mut auth = Table::new();
    auth.insert(
        "plan".into(),
        Value::String(
            if enterprise {
                "enterprise"
            } else {
                "self_service"
            }
            .into(),
        ),
    );
    auth.insert("cookie".into(), cookie(tape));
    tape.timeouts(&mut auth, max_idle, max_abs);
    let mfa = tape.chance(0.4);
    auth.insert("mfa".into(), Value::Boolean(mfa));
    if tape.chance(0.5) {
        auth.insert("mfa_remember_browser".into(), tape.dur(MINUTE, 30 * DAY));
    }
    auth.insert("custom_domain".into(), Value::Boolean(tape.chance(0.3)));
    auth.insert(
        "backchannel_logout".into(),
        Value::Boolean(tape.chance(0.4)),
    );
    if tape.chance(0.3) {
        auth.insert("processing_time".into(), delay(tape, 300));
    }
    root.insert("authorization_server".into(), Value::Table(auth));

    let idps = tape.below(4);
    let mut idp_table = Table::new();
    for i in 0..idps {
        let mut t = Table::new();
        tape.timeouts(&mut t, 400 * DAY, 400 * DAY);
        t.insert("cookie".into(), cookie(tape));
        if tape.chance(0.3) {
            t.insert("processing_time".into(), delay(tape, 300));
        }
        idp_table.insert(format!("idp{i}"), Value::Table(t));
    }
    if idps > 0 {
        root.insert("identity_providers".into(), Value::Table(idp_table));
    }

    let n_apps = 1 + tape.below(4);
    let shares = tape.shares(n_apps);
    let with_shares = tape.chance(0.5);
    let kinds = ["regular_web", "spa_backend", "native", "spa_implicit"];
    let mut apps = Vec::new();
    for (a, share) in shares.iter().enumerate() {
        let kind = kinds[tape.below(4)];
        let mut t = Table::new();
        t.insert("name".into(), Value::String(format!("app{a}")));
        t.insert("kind".into(), Value::String(kind.into()));
        if kind != "spa_implicit" && tape.chance(0.7) {
            let mut ls = Table::new();
            tape.timeouts(&mut ls, 30 * DAY, 30 * DAY);
            // A native app's session lives in the app: only `persistent` applies.
            let c = cookie(tape);
            if kind != "native" {
                ls.insert("cookie".into(), c);
            }
            t.insert("local_session".into(), Value::Table(ls));
        }
        if kind == "spa_implicit" {
            t.insert("token_lifetime".into(), tape.dur(MINUTE, 3 * HOUR));
        }
        if matches!(kind, "spa_implicit" | "native") && tape.chance(0.6) {
            let absolute = tape.log(MINUTE, 60 * DAY);
            let idle = tape.log(SECOND, absolute);
            t.insert(
                "refresh_tokens".into(),
                table(vec![
                    ("enabled", Value::Boolean(tape.chance(0.8))),
                    (
                        "absolute_lifetime",
                        Value::String(Dur(absolute).to_string()),
                    ),
                    ("idle_lifetime", Value::String(Dur(idle).to_string())),
                    ("rotation", Value::Boolean(tape.chance(0.7))),
                    (
                        "reuse_interval",
                        Value::String(Dur(tape.below(60_000) as u64).to_string()),
                    ),
                ]),
            );
        }
        if with_shares {
            t.insert("visit_share".into(), Value::Float(*share));
        }
        apps.push(Value::Table(t));
    }
    root.insert("apps".into(), Value::Array(apps));

    let mut users = Table::new();
    let conn = tape.shares(idps + 1);
    let mut connections = Table::new();
    connections.insert("password".into(), Value::Float(conn[0]));
    for i in 0..idps {
        connections.insert(format!("idp{i}"), Value::Float(conn[i + 1]));
    }
    users.insert("connections".into(), Value::Table(connections));
    let mut number = |k: &str, v: f64| {
        users.insert(k.into(), Value::Float(v));
    };
    number("visits_per_day", tape.unit() * 40.0);
    number("protected_share", tape.unit());
    number("browser_closes_per_day", tape.unit() * 6.0);
    number("logout_share", tape.unit());
    let logout = tape.shares(3);
    number("federated_logout_share", logout[0]);
    number("app_only_logout_share", logout[1]);
    number("password_resets_per_year", tape.unit() * 300.0);
    let cookies = tape.shares(3);
    number("third_party_cookies_blocked", cookies[0]);
    number("third_party_cookies_partitioned", cookies[1]);
    number("cookie_clears_per_month", tape.unit() * 20.0);
    if tape.chance(0.4) {
        number("visit_rate_shape", 0.1 + tape.unit() * 5.0);
        users.insert(
            "visit_rate_distribution".into(),
            Value::String("gamma".into()),
        );
    }
    if tape.chance(0.4) {
        let mut profile: Vec<Value> = (0..24).map(|_| Value::Float(tape.unit() * 3.0)).collect();
        profile[tape.below(24)] = Value::Float(1.0);
        users.insert("daily_profile".into(), Value::Array(profile));
    }
    users.insert("visit_length".into(), tape.dur(SECOND, 2 * HOUR));
    users.insert("login_think_time".into(), delay(tape, 30_000));
    root.insert("users".into(), Value::Table(users));
    root
}

proptest! {
    #![proptest_config(config(RUN_CASES))]

    /// A valid random scenario loads, runs to the end on one thread and passes
    /// every invariant — including "virtual time never goes back" and "no
    /// session used after its expiry", counted on the hot path.
    #[test]
    fn valid_random_scenarios_run_with_every_invariant(tape in proptest::collection::vec(0.0f64..1.0, 200)) {
        let t = scenario(&mut Tape(tape, 0));
        let text = toml::to_string(&t).expect("a scenario tree serializes");
        let s = match from_str(&text, "random.toml", &[]) {
            Ok(s) => s,
            Err(e) => return Err(TestCaseError::fail(format!("refused:\n{e}\n{text}"))),
        };
        let opts = RunOptions { threads: 1, shard: None, logs: None, reference_path: false };
        let result = match run(&s, &opts, &Progress::default()) {
            Ok(r) => r,
            Err(RunError::Invariant(e)) => {
                return Err(TestCaseError::fail(format!("{e}\n{text}")));
            }
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        let facts = Facts::of(&s);
        for m in &result.replicas {
            prop_assert_eq!(check(m, &facts), vec![]);
            prop_assert_eq!(m.anomalies.expired_session_uses, 0);
            prop_assert_eq!(m.anomalies.late_events, 0);
        }
    }
}

proptest! {
    #![proptest_config(config(FAST_PATH_CASES))]

    /// The hop-chain fast path (issue 20) gives the reference path's bytes
    /// in every output file but `run.json` (wall time) on a valid random
    /// scenario, the fast path on 2 threads, the reference on 1.
    #[test]
    fn the_fast_path_gives_the_reference_bytes(tape in proptest::collection::vec(0.0f64..1.0, 200)) {
        let t = scenario(&mut Tape(tape, 0));
        let text = toml::to_string(&t).expect("a scenario tree serializes");
        let s = match from_str(&text, "random.toml", &[]) {
            Ok(s) => s,
            Err(e) => return Err(TestCaseError::fail(format!("refused:\n{e}\n{text}"))),
        };
        let files = |threads: usize, reference_path: bool| {
            let opts = RunOptions { threads, shard: None, logs: None, reference_path };
            let r = run(&s, &opts, &Progress::default()).map_err(|e| e.to_string())?;
            let mut files = run_files(&s, &[], None, &r);
            files.retain(|(name, _)| *name != "run.json");
            Ok::<_, String>(files)
        };
        let fast = files(2, false).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let reference = files(1, true).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(fast.len(), reference.len());
        for ((name, a), (_, b)) in fast.iter().zip(&reference) {
            prop_assert!(a == b, "{} differs\n{}", name, text);
        }
    }
}
