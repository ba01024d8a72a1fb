//! The `ssosim` binary: parse, run, print the error once, pick the exit status.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match ssosim::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match ssosim::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}
