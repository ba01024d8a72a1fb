//! Scenario files: TOML in, a validated [`Scenario`] out (design §8, §10).
//!
//! `types` holds the validated data the model reads; `load` reads a file, applies
//! `--set` overrides to the TOML tree and validates every key, collecting all
//! problems with the file, the dotted key and what is accepted.

mod load;
mod types;

pub use load::{Override, ScenarioError, from_str, load, parse_override, to_toml};
pub use types::*;
