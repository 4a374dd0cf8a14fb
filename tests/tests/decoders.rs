//! The written-out decoders against serde's derive (`xtask::decoders`, which `cargo xtask decoders` runs
//! with more inputs): a fixed-seed slice on nexus, where the two must agree on every input, and a fixture
//! whose reference is tampered with, where they must not, so that the comparison is shown to see a decoder
//! that reads otherwise; and `cargo xtask bench-decode`'s smoke run.

use std::path::PathBuf;
use std::sync::Mutex;

/// The runs share their scratch workspace (`target/decoders/`): one at a time.
static SCRATCH: Mutex<()> = Mutex::new(());

fn plan(inputs: u64, tamper: Option<fn(String) -> String>) -> xtask::decoders::Plan {
    xtask::decoders::Plan { inputs, seed: 1, release: false, tamper }
}

#[test]
fn nexus_decoders_agree_with_serde_derive() {
    let root = xtask::repo_root();
    let nexus = root.join("../shared/corpus/progenitor/nexus.json");
    assert!(nexus.is_file(), "the corpus is missing: expected ../shared/corpus beside the repository");
    let _scratch = SCRATCH.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let rows = xtask::decoders::run(&root, &[nexus], &plan(20_000, None)).unwrap_or_else(|err| panic!("{err}"));
    let table = xtask::decoders::table(&rows);
    println!("{table}");
    let [row] = &rows[..] else { panic!("one row expected\n{table}") };
    assert_eq!(row.disagreeing, 0, "\n{table}");
    // Built to fit their schemas, the unbroken values must all read: a refusal is a type that does not fit.
    assert_eq!(row.valid_rejected, 0, "\n{table}");
    // Both outcomes were exercised, over most of the response types.
    assert!(row.checks >= 60, "\n{table}");
    assert_eq!(row.inputs, 20_000, "\n{table}");
    assert!(row.accepted >= 5_000 && row.rejected >= 5_000, "\n{table}");
}

#[test]
fn a_reference_that_reads_otherwise_is_caught() {
    let root = xtask::repo_root();
    let fixture: PathBuf = root.join("tests").join("decoders").join("fixture.yaml");
    let _scratch = SCRATCH.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let honest = xtask::decoders::run(&root, std::slice::from_ref(&fixture), &plan(3_000, None))
        .unwrap_or_else(|err| panic!("{err}"));
    let table = xtask::decoders::table(&honest);
    assert_eq!((honest[0].disagreeing, honest[0].valid_rejected), (0, 0), "\n{table}");
    assert!(honest[0].accepted >= 500 && honest[0].rejected >= 500, "\n{table}");
    // The optional and nullable `note` read as a plain option: `null` becomes absent in the reference only.
    let tampered = xtask::decoders::run(
        &root,
        &[fixture],
        &plan(
            3_000,
            Some(|derived| derived.replacen("default, deserialize_with = \"reference::double_option\"", "default", 1)),
        ),
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let table = xtask::decoders::table(&tampered);
    assert!(tampered[0].disagreeing > 0, "the tampered reference went unnoticed\n{table}");
    // Where they disagree is that `null`: ours keeps it (`Some(None)`), the tampered reference drops it.
    assert!(tampered[0].disagreements.iter().all(|line| line.contains("note: Some(None)")), "\n{table}");
}

/// `cargo xtask bench-decode` in its smoke form (unoptimized, a small payload, one round; CI times
/// nothing): every decoder reads each payload, and the generated types and serde's derive read it to the
/// same value.
#[test]
fn bench_decode_reads_every_payload_with_every_decoder() {
    let root = xtask::repo_root();
    let fixture: PathBuf = root.join("tests").join("decoders").join("fixture.yaml");
    // Values built from the schemas, then the document's own example (the fixture's one list response has
    // one, through a `$ref`), repeated.
    for examples in [false, true] {
        let plan = xtask::bench_decode::Plan { bytes: 100_000, top: 4, rounds: 1, seed: 1, release: false, examples };
        let rows = xtask::bench_decode::run(&root, std::slice::from_ref(&fixture), &plan)
            .unwrap_or_else(|err| panic!("{err}"));
        let table = xtask::bench_decode::table(&rows);
        assert!(!rows.is_empty(), "no payload\n{table}");
        let read: Vec<(&str, bool)> = rows.iter().map(|row| (row.ty.as_str(), row.events)).collect();
        if examples {
            // Only the list response has an example (through a `$ref`); the event stream has none.
            assert_eq!(read, [("Vec<types::Thing>", false)], "\n{table}");
            assert_eq!(rows[0].document, "fixture.yaml (ex.)");
        } else {
            assert_eq!(read, [("Vec<types::Thing>", false), ("types::Thing", true)], "\n{table}");
        }
        for row in &rows {
            assert!(row.agree && row.items > 0 && row.bytes >= plan.bytes, "\n{table}");
            assert!(row.mbps.iter().all(Option::is_some), "a decoder refused a payload\n{table}");
            assert!(row.allocations.iter().all(|&(count, _)| count > 0), "\n{table}");
        }
    }
}
