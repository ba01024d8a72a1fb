//! ssosim: a deterministic discrete-event simulator of multi-party single sign-on.

pub mod output;
pub mod report;
pub mod scenario;
pub mod time;
