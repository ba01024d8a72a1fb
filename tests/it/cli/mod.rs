//! Integration tests of the `ssosim` command line: the real binary, run with
//! small scenarios. One test binary, one module per topic.

mod atomic;
mod check;
mod compare;
#[cfg(target_os = "linux")]
mod faults;
mod refusals;
mod run;
mod set;
mod sweep;
mod trace;
