//! Scenario files: TOML in, a validated [`Scenario`] out (design §8, §10).
//!
//! `types` holds the validated data the model reads; `load` reads a file, applies
//! `--set` overrides to the TOML tree (`overrides`) and validates every key
//! (`validate`, through the typed `reader`), collecting all problems with the file,
//! the dotted key and what is accepted (`error`). `canonical` prints a scenario back
//! as TOML.

mod browsers;
mod canonical;
mod error;
mod events;
mod load;
mod overrides;
pub mod rate_limits;
mod reader;
mod suggest;
mod types;
mod validate;

pub use browsers::{DEFAULT_MIX, built_in, built_in_names};
pub use canonical::to_toml;
pub use error::{Origin, Place, Problem, ScenarioError};
pub use events::{MAX_TENANT_EVENTS, SETTABLE, TenantEvent, TenantEventKind};
pub use load::{MAX_SCENARIO_BYTES, from_str, load};
pub use overrides::{MAX_KEY_PARTS, Override, parse_override};
pub use reader::MAX_DURATION;
pub use types::*;
pub use validate::{
    MAX_APPS, MAX_EVENTS, MAX_IDPS, MAX_RATE, MAX_REPLICAS, MAX_SAMPLES, MAX_USERS, SHARE_TOLERANCE,
};

#[cfg(test)]
mod tests;
