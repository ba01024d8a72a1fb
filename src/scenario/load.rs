//! Reading and validating scenario files (placeholder until the loader lands).

use super::Scenario;
use std::path::Path;

/// A `--set KEY=VALUE` override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Dotted key, e.g. `authorization_server.idle_timeout`.
    pub key: String,
    /// The value as given on the command line.
    pub value: String,
}

/// Every problem found in a scenario.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("error: {file}: scenario loader not implemented")]
pub struct ScenarioError {
    /// The file the problems are in.
    pub file: String,
}

/// Parses `KEY=VALUE`.
pub fn parse_override(_text: &str) -> Result<Override, ScenarioError> {
    unimplemented!()
}
/// Loads, overrides and validates a scenario file.
pub fn load(_path: &Path, _overrides: &[Override]) -> Result<Scenario, ScenarioError> {
    unimplemented!()
}
/// Same as [`load`] from text; `file` names it in messages.
pub fn from_str(
    _text: &str,
    _file: &str,
    _overrides: &[Override],
) -> Result<Scenario, ScenarioError> {
    unimplemented!()
}
/// The scenario as run, as canonical TOML (every key, defaults filled in).
pub fn to_toml(_s: &Scenario) -> String {
    unimplemented!()
}
