//! `cargo xtask mutants [FILE…]`: mutation testing of the runtime with cargo-mutants (`cargo install
//! cargo-mutants`): each mutant of a file is built and run against the runtime's tests, and the mutants
//! the tests do not catch are listed. A measure of how much the tests check, not a test: it takes minutes
//! per file on two cores, so CI does not run it.
//!
//! Files whose behaviour the runtime's unit tests cover run against those alone (`cargo test --lib`, one
//! binary to build per mutant); the token lifecycle (`auth/`) runs against those and the session's
//! integration tests (`generator/runtime/tests/auth_*.rs`), where it is exercised against a token server.
//! The store's durability test (child processes killed mid-write) is left out: it tests `store.rs`, and
//! takes seconds a run.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The runtime files measured by default, relative to `generator/runtime/src/`.
pub const FILES: &[&str] = &[
    "retry.rs",
    "transport.rs",
    "events/mod.rs",
    "events/framing.rs",
    "stream.rs",
    "de.rs",
    "untagged.rs",
    "tagged.rs",
    "json_path.rs",
    "params.rs",
    "auth/session.rs",
    "auth/tokens.rs",
];

/// The test targets the token lifecycle's mutants run against.
const AUTH_TESTS: &[&str] = &["--lib", "--test", "auth_session", "--test", "auth_leak", "--test", "auth_store"];

/// One file's outcome.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Mutants a test failed on (a timeout counts: the mutant hung a test).
    pub caught: usize,
    /// Mutants every test passed on.
    pub missed: Vec<String>,
    /// Mutants that do not build (not counted).
    pub unviable: usize,
}

impl Tally {
    /// Caught and missed.
    pub fn total(&self) -> usize {
        self.caught + self.missed.len()
    }
}

/// Runs cargo-mutants on `files` (paths under `generator/runtime/src/`, or all of [`FILES`]) and returns
/// each file's tally.
pub fn run(root: &Path, files: &[String]) -> Result<BTreeMap<String, Tally>, String> {
    let files: Vec<String> =
        if files.is_empty() { FILES.iter().map(|f| (*f).to_owned()).collect() } else { files.to_vec() };
    let (auth, unit): (Vec<&String>, Vec<&String>) = files.iter().partition(|f| f.starts_with("auth/"));
    let mut tallies = BTreeMap::new();
    for (group, files, test_args) in [("unit", unit, vec!["--lib"]), ("auth", auth, AUTH_TESTS.to_vec())] {
        if files.is_empty() {
            continue;
        }
        let out = root.join("target").join("mutants").join(group);
        let _ = fs::remove_dir_all(&out);
        fs::create_dir_all(&out).map_err(|err| format!("cannot create {}: {err}", out.display()))?;
        // Every feature: the middleware stack and multipart forms are runtime code too.
        let mut command = Command::new("cargo");
        command
            .current_dir(root)
            .args(["mutants", "--package", "clientgen-runtime", "--all-features", "--no-shuffle", "--output"])
            .arg(&out);
        for file in &files {
            command.arg("--file").arg(format!("generator/runtime/src/{file}"));
        }
        for arg in test_args {
            command.arg(format!("--cargo-test-arg={arg}"));
        }
        eprintln!("$ {command:?}");
        // cargo-mutants exits non-zero when it misses a mutant: the lists below are the result.
        let status = command
            .status()
            .map_err(|err| format!("cannot run cargo mutants ({err}): `cargo install cargo-mutants`"))?;
        let listed = out.join("mutants.out");
        if !listed.join("caught.txt").exists() {
            return Err(format!("cargo mutants ended with {status} and wrote no results in {}", listed.display()));
        }
        for (name, kind) in [("caught.txt", 0), ("timeout.txt", 0), ("missed.txt", 1), ("unviable.txt", 2)] {
            for line in fs::read_to_string(listed.join(name)).unwrap_or_default().lines().filter(|l| !l.is_empty()) {
                let file = line.split(':').next().unwrap_or_default().trim_start_matches("generator/runtime/src/");
                let tally: &mut Tally = tallies.entry(file.to_owned()).or_default();
                match kind {
                    0 => tally.caught += 1,
                    1 => tally.missed.push(line.to_owned()),
                    _ => tally.unviable += 1,
                }
            }
        }
    }
    Ok(tallies)
}

/// The table: per file caught of total and the share, the sum, then the missed mutants.
pub fn table(tallies: &BTreeMap<String, Tally>) -> String {
    let mut out = format!("{:<22} {:>7} {:>7} {:>7} {:>9}\n", "file", "caught", "total", "share", "unviable");
    let percent = |caught: usize, total: usize| if total == 0 { 100.0 } else { caught as f64 * 100.0 / total as f64 };
    for (file, tally) in tallies {
        out.push_str(&format!(
            "{file:<22} {:>7} {:>7} {:>6.1}% {:>9}\n",
            tally.caught,
            tally.total(),
            percent(tally.caught, tally.total()),
            tally.unviable
        ));
    }
    let caught: usize = tallies.values().map(|t| t.caught).sum();
    let total: usize = tallies.values().map(Tally::total).sum();
    out.push_str(&format!("caught {caught} of {total} ({:.1}%)\n", percent(caught, total)));
    let missed: Vec<&String> = tallies.values().flat_map(|t| &t.missed).collect();
    if !missed.is_empty() {
        out.push_str("\nmissed:\n");
        for line in missed {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

/// Where the lists of a group are, for a reader.
pub fn output(root: &Path) -> PathBuf {
    root.join("target").join("mutants")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_counts_timeouts_as_caught_and_lists_the_missed() {
        let tallies = BTreeMap::from([
            ("retry.rs".to_owned(), Tally { caught: 9, missed: vec!["retry.rs:1:1: replace x".into()], unviable: 2 }),
            ("de.rs".to_owned(), Tally { caught: 4, missed: Vec::new(), unviable: 0 }),
        ]);
        let shown = table(&tallies);
        assert!(shown.contains("retry.rs                     9      10   90.0%         2"), "{shown}");
        assert!(shown.contains("caught 13 of 14 (92.9%)"), "{shown}");
        assert!(shown.contains("missed:\n  retry.rs:1:1: replace x\n"), "{shown}");
    }
}
