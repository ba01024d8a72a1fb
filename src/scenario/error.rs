//! [`ScenarioError`]: every problem found in a scenario, printed in the project format
//! `error: FILE: KEY: what is wrong; what is accepted` (design §8, §10).

use std::fmt;

/// Where a problem comes from: the scenario file or one `--set` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The scenario file (or text) being loaded.
    File,
    /// A `--set` flag, kept as written (`KEY=VALUE`), so the message can name it.
    Flag(String),
    /// A value of a `--vary` flag (`sweep`, `tune`), as the `--set` it stands
    /// for (`KEY=VALUE`).
    Vary(String),
}

/// What part of the input a problem is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A dotted scenario key, e.g. `authorization_server.idle_timeout` or `apps.0.kind`.
    Key(String),
    /// A line and column (1-based) of the file: TOML syntax errors.
    Position {
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
    },
    /// The input as a whole (an unreadable file, a malformed flag).
    Whole,
}

/// One problem: where it is and what is wrong; what is accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The file or the `--set` flag the problem is in.
    pub origin: Origin,
    /// The key or position within it.
    pub place: Place,
    /// "what is wrong; what is accepted".
    pub message: String,
}

impl Problem {
    /// The dotted key this problem is about, if it is about one.
    pub fn key(&self) -> Option<&str> {
        match &self.place {
            Place::Key(k) => Some(k),
            _ => None,
        }
    }

    /// Writes the problem as one line, `error: FILE: KEY: message`.
    fn write(&self, file: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            Origin::File => write!(f, "error: {file}: ")?,
            Origin::Flag(flag) => write!(f, "error: --set {flag}: ")?,
            Origin::Vary(flag) => write!(f, "error: --vary {flag}: ")?,
        }
        match &self.place {
            Place::Key(k) => write!(f, "{k}: ")?,
            Place::Position { line, column } => write!(f, "line {line}, column {column}: ")?,
            Place::Whole => {}
        }
        f.write_str(&self.message)
    }
}

/// Every problem found in a scenario: the loader collects them all before refusing,
/// so one `ssosim check` shows everything to fix.
///
/// Displays as one line per problem in the project format
/// `error: FILE: KEY: what is wrong; what is accepted`; a problem from a `--set` flag
/// names the flag instead of the file (`error: --set KEY=VALUE: KEY: ...`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", Lines(self))]
pub struct ScenarioError {
    /// The file the problems are in, as given by the caller.
    pub file: String,
    /// Every problem, in the order found; never empty.
    pub problems: Vec<Problem>,
}

impl ScenarioError {
    /// An error made of a single problem.
    pub(crate) fn single(file: &str, origin: Origin, place: Place, message: String) -> Self {
        ScenarioError {
            file: file.to_string(),
            problems: vec![Problem {
                origin,
                place,
                message,
            }],
        }
    }

    /// The problems found, in order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The same problems, those of a `--set` of one of `keys` named as the
    /// `--vary` flag the user wrote for it.
    pub fn varied(mut self, keys: &[&str]) -> Self {
        for p in &mut self.problems {
            if let Origin::Flag(flag) = &p.origin
                && keys
                    .iter()
                    .any(|k| flag.strip_prefix(k).is_some_and(|v| v.starts_with('=')))
            {
                p.origin = Origin::Vary(flag.clone());
            }
        }
        self
    }

    /// Adds the problems of `other` not already here (the points of a grid
    /// share most of theirs).
    pub fn absorb(&mut self, other: ScenarioError) {
        for p in other.problems {
            if !self.problems.contains(&p) {
                self.problems.push(p);
            }
        }
    }

    /// Each problem as its printed line (`error: FILE: KEY: ...`), in order.
    pub fn lines(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| Line(&self.file, p).to_string())
            .collect()
    }
}

/// One problem displayed with its file.
struct Line<'a>(&'a str, &'a Problem);

impl fmt::Display for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.1.write(self.0, f)
    }
}

/// All problems, one per line, no trailing newline.
struct Lines<'a>(&'a ScenarioError);

impl fmt::Display for Lines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            p.write(&self.0.file, f)?;
        }
        Ok(())
    }
}
