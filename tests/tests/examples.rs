//! Examples as a test: every documented JSON response example of the corpus documents up to 2 MB is decoded
//! into its generated type and re-encoded (`xtask::examples`, which `cargo xtask examples` runs too). An
//! example that fails and breaks its own schema, as openapi-schema-validator tells, is the spec's fault and
//! is listed; one that fails though valid is ours, and ours must be exactly those that
//! `tests/examples/known_failures.txt` lists, so that a new failure fails here, and so does a fix until its
//! line goes (`CLIENTGEN_EXAMPLES_BLESS=1` rewrites the list). `.ci/run` runs the two largest documents
//! (GitHub's 572 examples, Stripe's none) with `cargo xtask examples --min-bytes=2000000`.
//!
//! Needs the validator, which the run installs itself on first use (`xtask::tools`: a virtual environment in
//! `target/tools/python`).

use std::sync::Mutex;

/// Documents up to this size run here; `.ci/run` runs the larger ones.
const SIZE_LIMIT: u64 = 2_000_000;

/// The runs share their scratch workspace (`target/examples/`): one at a time.
static SCRATCH: Mutex<()> = Mutex::new(());

#[test]
fn corpus_examples_fail_only_as_listed() {
    let root = xtask::repo_root();
    let dir = root.join("../shared/corpus");
    assert!(dir.is_dir(), "the corpus is missing: expected ../shared/corpus beside the repository");
    let _scratch = SCRATCH.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let report = xtask::examples::run(&root, &dir, xtask::examples::Select::UpTo(SIZE_LIMIT))
        .unwrap_or_else(|err| panic!("{err}"));
    let table = xtask::examples::table(&report);
    println!("{table}");
    // Box, Twilio and the small documents with examples: a run that found far fewer examined nothing.
    let examples: usize = report.rows.iter().map(|row| row.examples).sum();
    assert!(examples >= 300, "only {examples} examples found\n{table}");
    if let Err(err) = xtask::examples::enforce(&root, &report) {
        panic!("{table}\n{err}");
    }
}

/// The pipeline on a document of known outcomes: every way of writing an example is found, a valid one
/// passes, one that breaks its schema is the spec's fault, and one without a value is skipped and counted.
#[test]
fn fixture_examples_are_found_and_judged() {
    let root = xtask::repo_root();
    let dir = root.join("tests").join("examples").join("fixture");
    let _scratch = SCRATCH.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let report = xtask::examples::run(&root, &dir, xtask::examples::Select::All).unwrap_or_else(|err| panic!("{err}"));
    let table = xtask::examples::table(&report);
    let [row] = &report.rows[..] else { panic!("one document expected\n{table}") };
    assert_eq!((row.examples, row.skipped, row.passed, row.spec_fault, row.ours), (5, 1, 4, 1, 0), "\n{table}");
    let [failure] = &report.failures[..] else { panic!("one failure expected\n{table}") };
    assert_eq!(failure.key.to_string(), "fixture.yaml list_things 200 wrongType");
    assert_eq!(failure.outcome.kind, "decode");
    let error = failure.verdict.error.as_deref().unwrap_or_default();
    assert!(error.contains("/0/id") && error.contains("integer"), "{error}");
    assert_eq!(report.skipped[0].0.to_string(), "fixture.yaml list_things 200 elsewhere");
}
