//! One name per metric (issue 19): every metric a run writes is described by
//! the catalog, every catalog entry is written by some bundled scenario, and
//! the README's glossary lists each with the catalog's meaning.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use ssosim::metrics::catalog;

/// Metric names of a CSV whose `metric` column is `column`.
fn names(path: &Path, column: usize) -> BTreeSet<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(column).map(str::to_string))
        .collect()
}

#[test]
fn every_written_metric_is_described_and_every_entry_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let mut written = BTreeSet::new();
    for scenario in crate::support::cli::bundled_scenarios() {
        let out = tmp.path().join(scenario.file_stem().unwrap());
        let status = Command::new(env!("CARGO_BIN_EXE_ssosim"))
            .args(["run", scenario.to_str().unwrap(), "--out"])
            .arg(&out)
            .args(["--quiet", "--no-charts", "--set", "simulation.users=50"])
            .args([
                "--set",
                "simulation.duration=2d",
                "--set",
                "simulation.warmup=0s",
            ])
            .status()
            .unwrap();
        assert!(status.success(), "{}", scenario.display());
        for name in names(&out.join("summary.csv"), 0) {
            assert!(
                catalog::describe(&name).is_some(),
                "{name} ({}) is not in src/metrics/catalog.rs",
                scenario.display()
            );
            written.insert(name);
        }
        written.extend(names(&out.join("segments.csv"), 1));
    }
    for m in catalog::ALL {
        assert!(
            written.contains(m.name),
            "{} is in the catalog but no bundled scenario writes it",
            m.name
        );
    }
}

#[test]
fn the_readme_glossary_is_the_catalog() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for m in catalog::ALL {
        let row = format!("| `{}` | {} |", m.name, m.meaning);
        assert!(
            readme.contains(&row),
            "README.md has no glossary row `{row}`: the metric catalog and the README disagree"
        );
    }
}
