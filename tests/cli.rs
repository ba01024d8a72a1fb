//! Integration tests of the `ssosim` command line: the real binary, run with
//! small scenarios. One test binary, one module per topic.

mod common;

#[path = "cli/atomic.rs"]
mod atomic;
#[path = "cli/check.rs"]
mod check;
#[path = "cli/compare.rs"]
mod compare;
#[cfg(unix)]
#[path = "cli/faults.rs"]
mod faults;
#[path = "cli/refusals.rs"]
mod refusals;
#[path = "cli/run.rs"]
mod run;
#[path = "cli/set.rs"]
mod set;
#[path = "cli/sweep.rs"]
mod sweep;
#[path = "cli/trace.rs"]
mod trace;
