//! Helpers shared across the integration tests: `cli` runs the real binary
//! in temporary folders, `model` runs scenarios in-process and measures shares.

pub(crate) mod cli;
pub(crate) mod model;
