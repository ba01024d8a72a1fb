//! The one error type of the command line: it wraps the library's errors
//! (scenario, run, merge, report, fit) and the command line's own, knows
//! the exit status of each (design §10), and prints each problem once,
//! starting a line with `error: `.
//!
//! Exit statuses: 2 for refused input (a bad flag, scenario, `--set`,
//! shard folder, run folder or log file), with nothing written; 130 for an
//! interruption (Ctrl-C, SIGTERM), with no partial output; 1 for anything
//! else (I/O, a bug caught by an invariant).

use crate::fit::FitError;
use crate::report::ReportError;
use crate::report::publish::PublishError;
use crate::runner::RunError;
use crate::scenario::ScenarioError;
use crate::shard::MergeError;
use std::fmt;

/// How a command failed.
#[derive(Debug)]
pub enum Error {
    /// Refused input the command line checks itself (a flag, a folder
    /// given): one problem per entry, each printed on its line. Exit 2.
    Refused(Vec<String>),
    /// A scenario or `--set` was refused. Exit 2.
    Scenario(ScenarioError),
    /// A run stopped: interrupted (exit 130) or failed (exit 1).
    Run(RunError),
    /// A merge of shard folders was refused. Exit 2.
    Merge(MergeError),
    /// A run folder's charts or report: malformed input (exit 2) or a
    /// write that failed (exit 1).
    Report(ReportError),
    /// A fit: no usable log event (exit 2) or a candidate that failed
    /// (exit 1).
    Fit(FitError),
    /// A run folder was not published: as [`Error::Report`] for its charts,
    /// else exit 1.
    Publish(PublishError),
    /// Anything else that failed (I/O): exit 1.
    Failed(String),
    /// Stopped by Ctrl-C or SIGTERM, with what was kept: exit 130.
    Interrupted(String),
}

impl Error {
    /// One refused problem.
    pub fn refused(problem: impl Into<String>) -> Self {
        Error::Refused(vec![problem.into()])
    }

    /// One failure.
    pub fn failed(why: impl Into<String>) -> Self {
        Error::Failed(why.into())
    }

    /// The process exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Refused(_) | Error::Scenario(_) | Error::Merge(_) => 2,
            Error::Run(RunError::Interrupted) | Error::Interrupted(_) => 130,
            Error::Run(_) | Error::Failed(_) => 1,
            Error::Report(ReportError::Write { .. }) => 1,
            Error::Report(_) => 2,
            Error::Fit(FitError::Nothing(_)) => 2,
            Error::Fit(_) => 1,
            Error::Publish(PublishError::Report(ReportError::Write { .. })) => 1,
            Error::Publish(PublishError::Report(_)) => 2,
            Error::Publish(_) => 1,
        }
    }
}

/// Writes `message` after `error: ` (the lines after its first, details of
/// the same problem, as they are).
fn problem(f: &mut fmt::Formatter<'_>, message: &str) -> fmt::Result {
    write!(f, "error: {}", message.trim_end())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Its problems are already `error: FILE: KEY: ...` lines.
            Error::Scenario(e) => f.write_str(e.to_string().trim_end()),
            Error::Refused(problems) => {
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    problem(f, p)?;
                }
                Ok(())
            }
            Error::Run(e) => problem(f, &e.to_string()),
            Error::Merge(e) => problem(f, &e.to_string()),
            Error::Report(e) => problem(f, &e.to_string()),
            Error::Fit(e) => problem(f, &e.to_string()),
            Error::Publish(e) => problem(f, &e.to_string()),
            Error::Failed(m) | Error::Interrupted(m) => problem(f, m),
        }
    }
}

impl std::error::Error for Error {}

impl From<ScenarioError> for Error {
    fn from(e: ScenarioError) -> Self {
        Error::Scenario(e)
    }
}

impl From<RunError> for Error {
    fn from(e: RunError) -> Self {
        Error::Run(e)
    }
}

impl From<MergeError> for Error {
    fn from(e: MergeError) -> Self {
        Error::Merge(e)
    }
}

impl From<ReportError> for Error {
    fn from(e: ReportError) -> Self {
        Error::Report(e)
    }
}

impl From<PublishError> for Error {
    fn from(e: PublishError) -> Self {
        Error::Publish(e)
    }
}

impl From<FitError> for Error {
    fn from(e: FitError) -> Self {
        Error::Fit(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_starts_one_line_with_error_once() {
        let e = Error::Refused(vec!["--a: bad".into(), "--b: worse".into()]);
        assert_eq!(e.to_string(), "error: --a: bad\nerror: --b: worse");
        assert_eq!(e.exit_code(), 2);
        let s = crate::scenario::from_str("[simulation]\nusers = 0\n", "x.toml", &[])
            .expect_err("refused");
        let e = Error::from(s);
        assert!(
            e.to_string().starts_with("error: x.toml: simulation.users"),
            "{e}"
        );
        assert!(!e.to_string().contains("error: error"), "{e}");
        assert_eq!(e.exit_code(), 2);
        assert_eq!(Error::from(RunError::Interrupted).exit_code(), 130);
        assert_eq!(Error::from(RunError::Threads(3)).exit_code(), 1);
        let details = Error::failed("the log disagrees:\n  s: 3 against 4");
        assert_eq!(
            details.to_string(),
            "error: the log disagrees:\n  s: 3 against 4"
        );
    }
}
