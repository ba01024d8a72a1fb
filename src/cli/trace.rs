//! `ssosim trace SCENARIO --user ID [--until DURATION] [--set ...]
//! [--format text|mermaid|jsonl] [--only logins|visits|sessions]...`: every hop
//! of one user (replica 0), with virtual times, on stdout.
//!
//! The trace starts with the user's profile (the device followed when the
//! user has several, `--device K`; the browser kind when the scenario has a
//! browser mix; a private window; connection, third-party cookie policy,
//! visit rate, and the AS cookie kind), then one line per hop or event;
//! each visit gets an outcome line (how its page was served — anonymous page,
//! local-session hit, SSO, silent authentication, interactive login, refresh
//! token — or that its login was abandoned), and a failed token renewal says
//! what follows. It ends with the sessions valid at the end. The formats are in
//! [`super::trace_format`].
//!
//! # Filters (`--only`, repeatable, lines kept if any filter keeps them)
//!
//! - `logins`: the lines of each visit that went through a login flow (SSO,
//!   silent, interactive, refresh token, or abandoned), from the visit's start
//!   to its outcome; local-session hits, anonymous pages, token renewals and
//!   logouts are left out.
//! - `visits`: the start and the outcome of every visit (and failed renewals).
//! - `sessions`: sessions created and ended, every tier.

use super::trace_format::{self, Header};
use super::{Error, parse_overrides};
use crate::model::{Device, LineKind, ModelConfig, Outcome, Simulator, TraceLine};
use crate::scenario;
use crate::time::{DURATION_FORMS, parse_duration};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// Output format of `trace`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned lines for the terminal.
    Text,
    /// A Mermaid `sequenceDiagram`: hops as messages, everything else as notes.
    Mermaid,
    /// One JSON object per line.
    Jsonl,
}

/// Which lines `--only` keeps (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Only {
    /// The lines of visits that went through a login flow.
    Logins,
    /// The start and the outcome of every visit.
    Visits,
    /// Sessions created and ended.
    Sessions,
}

/// Arguments of `ssosim trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// User id (0 ≤ ID < simulation.users).
    #[arg(long)]
    pub user: u64,
    /// Which of the user's devices to follow, from 1 (`users.devices`).
    #[arg(long, default_value_t = 1)]
    pub device: u32,
    /// Stop after this much virtual time [default: the scenario's warm-up plus duration].
    #[arg(long)]
    pub until: Option<String>,
    /// Override a scenario key: dotted key, TOML value (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Keep only these lines (repeatable): logins, visits or sessions.
    #[arg(long, value_enum)]
    pub only: Vec<Only>,
}

/// Prints the trace on stdout.
pub(super) fn exec(args: TraceArgs) -> Result<(), Error> {
    let overrides = parse_overrides(&args.sets)?;
    let s = scenario::load(&args.scenario, &overrides)?;
    if args.user >= s.simulation.users {
        return Err(Error::refused(format!(
            "--user: {} is not a user of this scenario; accepted: 0 to {}",
            args.user,
            s.simulation.users - 1
        )));
    }
    let until = match &args.until {
        None => s.simulation.warmup + s.simulation.duration,
        Some(text) => parse_duration(text)
            .map_err(|e| Error::refused(format!("--until: {e}; use {DURATION_FORMS}")))?,
    };
    let cfg = ModelConfig::new(&s);
    let mut sim = Simulator::new(&cfg, 0);
    let count = sim.devices(args.user);
    if args.device == 0 || args.device > count {
        return Err(Error::refused(format!(
            "--device: user {} has {count} device{}; accepted: 1 to {count}",
            args.user,
            if count == 1 { "" } else { "s" }
        )));
    }
    let index = args.device - 1;
    let (lines, valid) = sim.trace_device(args.user, index, until);
    let device = Device { index, count };
    let header = Header::new(&s, &cfg, args.user, device, sim.profile());
    let kept = select(&lines, &args.only);
    let text = match args.format {
        Format::Text => trace_format::text(&header, &kept, until, &valid),
        Format::Mermaid => trace_format::mermaid(&header, &kept, until, &valid),
        Format::Jsonl => trace_format::jsonl(&header, &kept, until, &valid),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Error::Failed(format!("cannot write the trace: {e}")))
}

/// The lines that `only` keeps, in order; all of them when `only` is empty.
fn select<'a>(lines: &'a [TraceLine], only: &[Only]) -> Vec<&'a TraceLine> {
    if only.is_empty() {
        return lines.iter().collect();
    }
    let mut keep = vec![false; lines.len()];
    let mut visit_start = None;
    for (i, l) in lines.iter().enumerate() {
        let visits = matches!(l.kind, LineKind::Visit | LineKind::Outcome(_));
        let sessions = matches!(l.kind, LineKind::Session { .. });
        keep[i] |= (visits && only.contains(&Only::Visits))
            || (sessions && only.contains(&Only::Sessions));
        match l.kind {
            LineKind::Visit => visit_start = Some(i),
            LineKind::Outcome(Outcome::RenewalFailed) => {}
            LineKind::Outcome(o) => {
                if let Some(start) = visit_start.take()
                    && o.is_login()
                    && only.contains(&Only::Logins)
                {
                    keep[start..=i].iter_mut().for_each(|k| *k = true);
                }
            }
            _ => {}
        }
    }
    lines
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(l, _)| l)
        .collect()
}
