//! `ssosim merge SHARD_DIR... --out DIR`: the exact merge of shard folders
//! (design §10, §11). Resolves the arguments, calls [`crate::shard::merge`]
//! and reports; the checks and the format live in [`crate::shard`].

use super::Error;
use crate::report::publish::publish_run;
use crate::shard;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `ssosim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard folders written by `ssosim run --shard I/N`, all N of one run, in any order.
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
    /// Folder of the merged run: the files an unsharded run writes.
    #[arg(long)]
    pub out: PathBuf,
    /// Print nothing on success.
    #[arg(long)]
    pub quiet: bool,
    /// Write the CSV and JSON files only, no charts or report.
    #[arg(long)]
    pub no_charts: bool,
}

/// Merges the shards and writes the run folder.
pub(super) fn exec(args: MergeArgs) -> Result<(), Error> {
    let m = shard::merge(&args.shards)?;
    // Published as an unsharded run's folder, charts and report included.
    publish_run(
        &args.out,
        &m.scenario,
        &m.overrides,
        &m.result,
        !args.no_charts,
        m.log_format,
    )?;
    if !args.quiet {
        eprintln!(
            "merged {} shard(s): {} users, {} events; results in {}",
            m.shards,
            m.scenario.simulation.users,
            m.result.events(),
            args.out.display()
        );
    }
    Ok(())
}

/// Resolves `run --shard I/N` (design §11), refusing a bad value with exit
/// status 2 and the accepted form. Lives here, beside the merge, so that
/// `run.rs` only calls it.
pub(super) fn shard_flag(value: Option<&str>) -> Result<Option<(u64, u64)>, Error> {
    value
        .map(|v| {
            shard::parse_shard(v).map_err(|e| {
                Error::refused(format!("--shard: {e}; accepted: {}", shard::SHARD_FORMS))
            })
        })
        .transpose()
}

/// Default folder of shard `I/N` of scenario `name`: `output/<name>-shard-I-of-N`.
pub(super) fn default_shard_out(name: &str, (i, n): (u64, u64)) -> PathBuf {
    PathBuf::from("output").join(format!("{name}-shard-{i}-of-{n}"))
}
