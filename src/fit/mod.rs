//! `ssosim fit`: a scenario from a tenant's log (issue 15).
//!
//! - [`read`]: Auth0 log events from JSON lines, JSON arrays and log-stream
//!   deliveries; hostile input counted and skipped;
//! - [`stats`]: the log statistics matched (the same for the tenant's log
//!   and a simulated one);
//! - [`estimate`]: direct estimates, then the method of simulated moments;
//!   the fitted scenario with a comment on each fitted key;
//! - [`report`]: the fit report, observed against simulated.

pub mod estimate;
pub mod read;
pub mod report;
pub mod stats;

pub use estimate::{Estimate, Fit, FitError, fit};
pub use read::{LogSet, Skip};
