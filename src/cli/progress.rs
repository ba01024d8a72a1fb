//! Progress on the terminal while a run or a sweep simulates, and the watch for
//! Ctrl-C. The bar (indicatif) counts user timelines simulated — one per user
//! and replica, so its total is users × replicas and its label says so — with
//! events per second and an ETA; it is drawn only on a terminal and never with
//! `--quiet`.

use super::interrupt;
use crate::runner::{self, Progress, RunError, RunOptions, RunResult};
use crate::scenario::Scenario;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A progress bar over a number of simulated users, or nothing.
#[derive(Debug)]
pub(super) struct Display {
    bar: Option<ProgressBar>,
    start: Instant,
}

impl Display {
    /// A bar over `total` user timelines, labelled `unit` (see [`unit`]), when
    /// `quiet` is false and stderr is a terminal.
    pub(super) fn new(quiet: bool, total: u64, unit: &str) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(10));
            let template = format!(
                "{{prefix}}{{wide_bar}} {{human_pos}}/{{human_len}} {unit}  {{msg}}  ETA {{eta}}"
            );
            let style = ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Display {
            bar,
            start: Instant::now(),
        }
    }

    /// Text shown before the bar (e.g. the sweep point).
    pub(super) fn set_prefix(&self, prefix: String) {
        if let Some(bar) = &self.bar {
            bar.set_prefix(prefix);
        }
    }

    /// Updates the bar from `progress` every 100 ms until `done` is set.
    fn follow(&self, progress: &Progress, done: &AtomicBool) {
        let Some(bar) = &self.bar else { return };
        while !done.load(Ordering::Relaxed) {
            bar.set_position(progress.users_done.load(Ordering::Relaxed));
            let events = progress.events_done.load(Ordering::Relaxed) as f64;
            let rate = events / self.start.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!("{:.1} M events/s", rate / 1e6));
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Removes the bar from the terminal.
    pub(super) fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The bar's label for `users` simulated `replicas` times: plain "users" for one
/// replica, else what the total counts, e.g. `user timelines (200,000 users x 5
/// replicas)` beside `0/1,000,000`.
pub(super) fn unit(users: u64, replicas: u32) -> String {
    if replicas == 1 {
        "users".to_string()
    } else {
        format!(
            "user timelines ({} users x {replicas} replicas)",
            grouped(users)
        )
    }
}

/// `1234567` as `1,234,567`, as the bar writes its counts.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs `scenario` while the display follows `progress` and Ctrl-C is
/// watched. The caller clears the display.
///
/// # Errors
/// As [`runner::run`]; [`RunError::Interrupted`] after Ctrl-C or SIGTERM.
pub(super) fn run_watched(
    scenario: &Scenario,
    opts: &RunOptions,
    progress: &Progress,
    display: &Display,
) -> Result<RunResult, RunError> {
    interrupt::install();
    if interrupt::requested() {
        return Err(RunError::Interrupted);
    }
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| interrupt::watch(progress, &done));
        scope.spawn(|| display.follow(progress, &done));
        let result = runner::run(scenario, opts, progress);
        done.store(true, Ordering::Relaxed);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::unit;

    #[test]
    fn the_label_says_what_the_total_counts() {
        assert_eq!(unit(1000, 1), "users");
        assert_eq!(
            unit(200_000, 5),
            "user timelines (200,000 users x 5 replicas)"
        );
        assert_eq!(unit(999, 2), "user timelines (999 users x 2 replicas)");
    }
}
