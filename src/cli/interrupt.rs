//! Ctrl-C and SIGTERM: the first one asks the run to stop at the next block of
//! users (the runner then returns [`crate::runner::RunError::Interrupted`] and
//! nothing is written); a second one exits at once with status 130.
//!
//! The signal handler only sets a flag; [`watch`] copies it into a run's
//! [`Progress::cancel`], so the library never deals with signals.

use crate::runner::Progress;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

static REQUESTED: AtomicBool = AtomicBool::new(false);
static INSTALL: Once = Once::new();

/// Installs the handler (once per process). If it cannot be installed, the
/// default behaviour stays: the signal kills the process, and atomic writes
/// still leave either the old files or the new ones.
pub(super) fn install() {
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if REQUESTED.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    });
}

/// True once Ctrl-C or SIGTERM was received.
pub(super) fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Copies a stop request into `progress.cancel` until `done` is set. Meant to
/// run on a scoped thread beside the run.
pub(super) fn watch(progress: &Progress, done: &AtomicBool) {
    while !done.load(Ordering::Relaxed) {
        if requested() {
            progress.cancel.store(true, Ordering::Relaxed);
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
