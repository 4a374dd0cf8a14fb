//! `tests/examples/known_failures.txt`: the examples that fail although they are valid against their own
//! schema (ours to fix), one per line as `document operation status example  # cause`. A run must fail on
//! exactly those of its documents: a new failure fails it, and so does a fixed one until its line is
//! removed, so that the list only shrinks on purpose. `CLIENTGEN_EXAMPLES_BLESS=1` rewrites the lines of
//! the documents the run covered.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use super::Report;

/// Set to `1` to rewrite the list from the run instead of comparing.
pub const BLESS_VAR: &str = "CLIENTGEN_EXAMPLES_BLESS";

/// The list's path in the repository.
pub fn path(root: &Path) -> PathBuf {
    root.join("tests").join("examples").join("known_failures.txt")
}

const HEADER: &str = "\
# Response examples of ../shared/corpus that are valid against their own schema (openapi-schema-validator)
# yet fail to decode into the generated type or to round-trip: ours to fix. One per line,
# `document operation status example  # cause`. `cargo xtask examples` and tests/tests/examples.rs fail
# when a document they run fails otherwise: a new failure, or one listed here that passes now.
# Rewrite the lines of the documents a run covers with CLIENTGEN_EXAMPLES_BLESS=1 (see README.md).
";

/// The listed failures: key (`document operation status example`) → cause.
pub fn read(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(format!("cannot read {}: {err}", path.display())),
    };
    Ok(text
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| match line.split_once("  # ") {
            Some((key, cause)) => (key.trim().to_owned(), cause.trim().to_owned()),
            None => (line.trim().to_owned(), String::new()),
        })
        .collect())
}

/// `Err` naming every difference between the run's own failures and the list, for the run's documents.
pub fn compare(known: &BTreeMap<String, String>, report: &Report) -> Result<(), String> {
    let covered: BTreeSet<&str> = report.rows.iter().map(|row| row.document.as_str()).collect();
    let ours: BTreeMap<String, String> =
        report.failures.iter().filter(|f| f.is_ours()).map(|f| (f.key.to_string(), f.cause())).collect();
    let expected: BTreeMap<&String, &String> =
        known.iter().filter(|(key, _)| covered.contains(document_of(key))).collect();
    let mut problems = String::new();
    for (key, cause) in &ours {
        match expected.get(key) {
            None => {
                let _ = writeln!(problems, "  new failure: {key}  # {cause}");
            }
            Some(recorded) if *recorded != cause => {
                let _ = writeln!(problems, "  fails for another cause: {key}  # {cause} (listed: {recorded})");
            }
            Some(_) => {}
        }
    }
    for key in expected.keys() {
        if !ours.contains_key(key.as_str()) {
            let _ = writeln!(problems, "  not failing any more (remove its line): {key}");
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "our failures differ from tests/examples/known_failures.txt:\n{problems}\
         After a fix, or to accept the change, rerun with {BLESS_VAR}=1 to rewrite the list, and review its diff."
    ))
}

/// Rewrites the list: the lines of the run's documents become the run's own failures; others stay.
pub fn bless(path: &Path, report: &Report) -> Result<(), String> {
    let covered: BTreeSet<&str> = report.rows.iter().map(|row| row.document.as_str()).collect();
    let mut entries = read(path)?;
    entries.retain(|key, _| !covered.contains(document_of(key)));
    for failure in report.failures.iter().filter(|f| f.is_ours()) {
        entries.insert(failure.key.to_string(), failure.cause());
    }
    let mut text = HEADER.to_owned();
    for (key, cause) in &entries {
        let _ = writeln!(text, "{key}  # {cause}");
    }
    fs::write(path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

fn document_of(key: &str) -> &str {
    key.split(' ').next().unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::{Failure, Key, Row, harness, validate};

    fn report(failing: &[(&str, bool)]) -> Report {
        let row = |document: &str| Row {
            document: document.to_owned(),
            examples: 3,
            skipped: 0,
            passed: 0,
            spec_fault: 0,
            ours: 0,
            seconds: 0.0,
            result: Ok(()),
        };
        let failures = failing
            .iter()
            .map(|(name, valid)| Failure {
                key: Key {
                    document: "a.yaml".into(),
                    operation: "get".into(),
                    status: "200".into(),
                    name: (*name).into(),
                },
                outcome: harness::Outcome {
                    kind: "decode".into(),
                    message: "missing field `id` at line 1 column 9".into(),
                },
                verdict: validate::Verdict { valid: *valid, error: None, format: None },
            })
            .collect();
        Report { rows: vec![row("a.yaml")], failures, skipped: Vec::new(), warm_up_seconds: 0.0 }
    }

    /// Listed failures with the cause `report` gives them.
    fn known(keys: &[&str]) -> BTreeMap<String, String> {
        keys.iter().map(|key| ((*key).to_owned(), "decode: missing field `id`".to_owned())).collect()
    }

    #[test]
    fn a_listed_failure_with_another_cause_fails_the_run() {
        let mut listed = known(&["a.yaml get 200 x"]);
        assert_eq!(compare(&listed, &report(&[("x", true)])), Ok(()));
        listed.insert("a.yaml get 200 x".into(), "decode: invalid type: string".into());
        let err = compare(&listed, &report(&[("x", true)])).unwrap_err();
        assert!(
            err.contains(
                "fails for another cause: a.yaml get 200 x  # decode: missing field `id` (listed: decode: invalid type: string)"
            ),
            "{err}"
        );
    }

    #[test]
    fn only_our_failures_of_the_documents_run_are_compared() {
        // `spec` breaks its schema: not ours, so not listed; b.yaml was not run, so its line is not checked.
        let report = report(&[("x", true), ("spec", false)]);
        assert_eq!(compare(&known(&["a.yaml get 200 x", "b.yaml get 200 y"]), &report), Ok(()));
    }

    #[test]
    fn a_new_failure_and_a_fixed_one_both_fail_the_run() {
        let err = compare(&known(&["a.yaml get 200 fixed"]), &report(&[("new", true)])).unwrap_err();
        assert!(err.contains("new failure: a.yaml get 200 new  # decode: missing field `id`\n"), "{err}");
        assert!(err.contains("not failing any more (remove its line): a.yaml get 200 fixed"), "{err}");
    }

    #[test]
    fn bless_rewrites_the_run_documents_lines_only() {
        let path = std::env::temp_dir().join(format!("known-failures-{}.txt", std::process::id()));
        fs::write(&path, "# old header\na.yaml get 200 gone  # was\nb.yaml get 200 y  # kept\n").unwrap();
        bless(&path, &report(&[("x", true)])).unwrap();
        let entries = read(&path).unwrap();
        let _ = fs::remove_file(&path);
        assert_eq!(
            entries.into_iter().collect::<Vec<_>>(),
            [
                ("a.yaml get 200 x".to_owned(), "decode: missing field `id`".to_owned()),
                ("b.yaml get 200 y".to_owned(), "kept".to_owned())
            ]
        );
    }
}
