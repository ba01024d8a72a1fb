//! ssosim: a deterministic discrete-event simulator of multi-party single sign-on.
//!
//! # Concepts
//! - [`engine`]: a generic discrete-event engine — virtual time in `u64`
//!   milliseconds, a pending-event queue ordered by (time, scheduling order),
//!   models that handle events through a context. It knows nothing of SSO.
//! - [`model`]: the SSO world of the design: a browser per user, apps, the
//!   authorization server and identity providers exchanging one message per
//!   hop; sessions of every tier with idle and absolute timeouts. No I/O.
//! - [`scenario`]: TOML scenario files, validated into a [`scenario::Scenario`].
//! - [`metrics`]: integer counters, exact histograms and difference-array time
//!   series, summed over users; [`runner`] runs users in parallel and merges.
//! - [`cost`] estimates a run's events, memory and AS load before it runs
//!   (`ssosim check`, the refusal of absurd runs).
//! - [`output`] writes run folders atomically and reads them back (each
//!   file's reader beside its writer); [`report`] draws charts and the HTML
//!   report; [`shard`] writes raw results and merges them exactly.
//! - [`logs`] writes the tenant's log as Auth0 does, [`fit`] reads one back
//!   into a scenario, [`decide`] holds the sweep grid and `tune`'s search.
//! - [`time`]: virtual time and the durations of scenario files;
//!   [`calendar`]: UTC instants as ISO 8601 (the log's dates, `simulation.start`).
//! - [`cli`] is the binary's own thin layer: arguments, progress, one error
//!   type that knows its exit status.
//!
//! # Determinism
//! Every user draws from its own ChaCha8 streams keyed by (seed, replica) and
//! numbered by (user id, purpose); users share no state, so each user's
//! timeline runs alone, and metrics are integer sums merged exactly. The same
//! scenario and seed give byte-identical `summary.csv`, `timeseries.csv` and
//! `logins.csv` whatever the thread count, shard count or machine.
//!
//! # Example
//! ```
//! use ssosim::{runner, scenario};
//! let s = scenario::from_str(
//!     "[simulation]\nusers = 50\nduration = \"2d\"\n[[apps]]\nname = \"web\"\nkind = \"regular_web\"\n",
//!     "example.toml",
//!     &[],
//! )
//! .unwrap();
//! let result = runner::run(&s, &runner::RunOptions::default(), &runner::Progress::default()).unwrap();
//! let m = &result.replicas[0];
//! assert_eq!(m.global_value(ssosim::metrics::GlobalCounter::Users), 50);
//! ```

pub mod calendar;
pub mod cli;
pub mod cost;
pub mod decide;
pub mod engine;
pub mod fit;
pub mod logs;
pub mod metrics;
pub mod model;
pub mod output;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod shard;
pub mod time;
