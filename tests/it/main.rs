//! The integration tests: one test binary (one link of the library), a module
//! per topic, helpers in `support`.
//!
//! - `flows`: the seeds' flows hop by hop; `closed_forms`, `breadth`,
//!   `steady_state`: the model against closed forms and exact comparisons;
//! - `exposure`: AS session-hours and ages against closed forms (issue 16);
//! - `browsers`: browser kinds, the SDK's token cache, private windows (issue 14);
//! - `cli`: the real `ssosim` binary, a module per command;
//! - `report_charts`, `report_runs`: charts and `report.html`;
//! - `capacity`: AS load per second and rate limits (issue 17); `events`:
//!   tenant events on the timeline (issue 17);
//! - `shard`: sharded runs merge into the unsharded bytes;
//! - `fast_path`: hop chains run inline give the reference path's bytes;
//! - `logs`: the tenant's log (`run --logs`) against Auth0's schemas;
//!   `fit`: a scenario fitted back from its log, hostile log files;
//! - `robust_*`: hostile inputs, faults and property tests.

mod breadth;
mod browsers;
mod capacity;
mod catalog;
mod cli;
mod closed_forms;
mod events;
mod exposure;
mod fast_path;
mod fit;
mod flows;
mod logs;
mod report_charts;
mod report_runs;
mod robust_faults;
mod robust_inputs;
mod robust_props;
mod shard;
mod steady_state;
mod support;
