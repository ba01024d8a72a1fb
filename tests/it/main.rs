//! The integration tests: one test binary (one link of the library), a module
//! per topic, helpers in `support`.
//!
//! - `flows`: the seeds' flows hop by hop; `closed_forms`, `breadth`,
//!   `steady_state`: the model against closed forms and exact comparisons;
//! - `cli`: the real `ssosim` binary, a module per command;
//! - `report_charts`, `report_runs`: charts and `report.html`;
//! - `capacity`: AS load per second and rate limits (issue 17);
//! - `shard`: sharded runs merge into the unsharded bytes;
//! - `robust_*`: hostile inputs, faults and property tests.

mod breadth;
mod capacity;
mod catalog;
mod cli;
mod closed_forms;
mod flows;
mod report_charts;
mod report_runs;
mod robust_faults;
mod robust_inputs;
mod robust_props;
mod shard;
mod steady_state;
mod support;
