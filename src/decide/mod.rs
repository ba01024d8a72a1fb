//! Decisions rather than grids (issue 16): the pieces that turn runs into an
//! answer to a question, with no I/O and no command-line types.
//!
//! - [`axis`]: the key `tune` varies, its range (`KEY=LOW..HIGH`, durations or
//!   numbers) and the values it may try, rounded in the key's own syntax;
//! - [`grid`]: a sweep's grid of `--vary` values and its points' names;
//! - [`target`]: `METRIC<=VALUE` or `METRIC>=VALUE`;
//! - [`tune`]: bisection on the replicated mean of a monotone response, every
//!   candidate run with the same seeds (common random numbers), the answer's
//!   95% interval from where the metric's 95% band crosses the target, and the
//!   points that contradict monotonicity.

pub mod axis;
pub mod grid;
pub mod target;
pub mod tune;

/// A flag of a decision command that cannot be used, with why and what is
/// accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag} {text}: {why}")]
pub struct FlagError {
    /// The flag, e.g. `--vary`.
    pub flag: &'static str,
    /// What was given.
    pub text: String,
    /// What is wrong and what is accepted.
    pub why: String,
}
