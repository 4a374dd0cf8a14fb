//! Request conformance at corpus scale, the smallest documents: `cargo xtask conformance` on every corpus
//! document up to [`MAX_BYTES`] — each operation called with its required inputs only and with every input
//! set, through the generated client, against Prism — must find no rejection of ours, and every rejection
//! `tests/conformance/known_rejections.txt` lists for these documents must still show. CI runs every document up to
//! 700 kB by the command (.ci/run), and the command the rest.

use xtask::conformance;
use xtask::examples::Select;

/// The documents the test covers: the 25 smallest of the corpus (2-3 seconds of calls each).
const MAX_BYTES: u64 = 25_000;

#[test]
fn every_operation_of_the_small_documents_satisfies_prism() {
    let root = xtask::repo_root();
    let corpus = root.join("..").join("shared").join("corpus");
    let documents = conformance::documents(&corpus, Select::UpTo(MAX_BYTES));
    assert!(documents.len() >= 20, "the corpus at {} has {} small documents", corpus.display(), documents.len());
    let report = conformance::run(&root, &documents, 1).unwrap_or_else(|err| panic!("{err}"));
    println!("{}", conformance::table(&report, true));
    let calls: usize = report.rows.iter().map(|row| row.calls).sum();
    assert!(calls > 200, "only {calls} calls were made");
    if let Err(problems) = conformance::enforce(&root, &report) {
        panic!("{problems}");
    }
}
