//! ssosim: a deterministic discrete-event simulator of multi-party single sign-on.

pub mod cli;
pub mod engine;
pub mod metrics;
pub mod model;
pub mod output;
pub mod runner;
pub mod scenario;
pub mod shard;
pub mod time;
