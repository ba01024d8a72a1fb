//! Helpers shared across the integration tests: `cli` runs the real binary
//! in temporary folders, `model` runs scenarios in-process and measures shares.

pub mod cli;
pub mod model;
