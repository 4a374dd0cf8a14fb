//! Fuzzing `clientgen::generate` as a property test.
//!
//! The property: whatever the text, `generate` returns (no panic, no stack overflow, no hang) and never
//! reports an internal error; when it succeeds, every `.rs` file it returns parses as a `syn::File` and the
//! strings of its `Cargo.toml` are valid TOML strings.
//!
//! Inputs come from proptest's RNG, seeded with a fixed value, so a run is the same every time:
//! - seeds (`specs/*.yaml`, `tests/constructs/*.yaml`, and the documents of `shared/corpus` under 500 KB,
//!   3.1 ones of `v31/` too) parsed to JSON and mutated structurally (keys deleted and renamed to awkward names,
//!   values replaced, subtrees copied elsewhere, `$ref`s redirected, types swapped, `oneOf`/`anyOf`/`allOf`
//!   wrappers, awkward enum values, status codes, parameter locations and styles, media types, deep
//!   nesting), then written as YAML or JSON;
//! - small documents generated whole (schemas, refs to a small pool of awkward names, paths with and
//!   without declared parameters, security schemes);
//! - seeds' raw text, cut and garbled (fewer of these).
//!
//! `tests/fuzz/regressions/*.{yaml,json}` are replayed first. A file whose first line is
//! `# known-failure: <what>` records a bug not fixed yet: it is expected to fail, and the test fails once
//! it passes so that the line is removed (and the case guards the fix from then on).
//!
//! Knobs, from the environment:
//! - `CLIENTGEN_FUZZ_CASES`: inputs to try (default 2000: some seconds in a debug build);
//! - `CLIENTGEN_FUZZ_SEED`: the RNG seed (a `u64`), to explore other inputs;
//! - `CLIENTGEN_FUZZ_SECS`: stop trying new inputs after this many seconds;
//! - `CLIENTGEN_FUZZ_KEEP_GOING=1`: a long run. Chunks of `CLIENTGEN_FUZZ_CHUNK_CASES` inputs (default
//!   50000) run in child processes, each with a seed of its own; each distinct failure is minimized and
//!   recorded in the output folder and the run goes on; a chunk that dies (stack overflow) or hangs leaves
//!   its input, which is minimized in child processes too. The test fails at the end if anything was found;
//! - `CLIENTGEN_FUZZ_OUT`: the output folder (default `fuzz_generate` in Cargo's test scratch folder);
//!   `current-input.txt` there is the input being tried, left behind by a run that aborts;
//! - `CLIENTGEN_FUZZ_TIMEOUT`: seconds one input may take before it is called a hang (default 60);
//! - `CLIENTGEN_FUZZ_MAX_NESTING`: the most levels one mutation nests a schema in (default 6);
//! - `CLIENTGEN_FUZZ_REPLAY`: a file that the regression test replays (in process) instead of the cases;
//! - `CLIENTGEN_FUZZ_DUMP`: a folder where each generated crate is written (to look at a replayed one);
//! - `CLIENTGEN_FUZZ_REPLAY_TIMEOUT`: seconds a regression case may take (default 10);
//! - `CLIENTGEN_FUZZ_STACK_KB`: the stack of the thread that runs the generator (default 8192, a main
//!   thread's).
//!
//! A long run: `CLIENTGEN_FUZZ_CASES=1000000 CLIENTGEN_FUZZ_KEEP_GOING=1 cargo test --release -p
//! clientgen-tests --test fuzz_generate -- --nocapture` (add `CLIENTGEN_FUZZ_SECS=3600` to bound it).
//!
//! Known failures: the CI run stops at the first failure except those of the `known-failure` regression
//! cases, which it counts. A hang or a stack overflow cannot be stepped over inside one process, so the
//! fixed seed of the CI run is one whose inputs do not meet the known ones.

mod cases;
mod check;
mod generated_docs;
mod minimize;
mod mutate;
mod raw_edits;
mod regressions;
mod runner;
mod seeds;
mod vocabulary;

use std::time::{Duration, Instant};

use check::{Verdict, bad_format_string, check, check_manifest, duplicate_names};
use minimize::minimize_with;
use regressions::{VERDICT, regressions, replay_in_child};
use runner::{Settings, env_number, guarded, run_in_process, supervise};
use seeds::seeds;

/// The test that runs the cases (a supervised run starts it in its child processes).
const FUZZ_TEST: &str = "generate_upholds_its_promises_on_fuzzed_specs";
/// The test that replays a regression case (started in a child process to replay one).
const REPLAY_TEST: &str = "generate_upholds_its_promises_on_regression_cases";

#[test]
fn generate_upholds_its_promises_on_fuzzed_specs() {
    assert!(!seeds().is_empty(), "no seeds: specs/ should hold some");
    let settings = Settings::from_env();
    let started = Instant::now();
    let (stats, error) =
        if settings.keep_going && !settings.chunk { supervise(&settings) } else { run_in_process(&settings) };
    eprintln!(
        "fuzz_generate: {} inputs in {:.1} s (seed {:#x}): {} generated, refused {:?}, {} skipped after the time limit",
        stats.inputs,
        started.elapsed().as_secs_f64(),
        settings.seed,
        stats.generated,
        stats.refused,
        stats.skipped
    );
    if !stats.known.is_empty() {
        eprintln!("fuzz_generate: known failures met: {:?}", stats.known);
    }
    let mut problems: Vec<String> = error.into_iter().collect();
    if !stats.failures.is_empty() {
        problems.push(stats.report());
    }
    // A run that checked nothing must not pass: every input was run (or skipped by a time limit the caller
    // set), and a quarter of them at least generated a crate (the fixed seed: 756 of 2000), so the checks
    // after generation ran on many, not only the refusals.
    if !settings.chunk && problems.is_empty() {
        let accounted = stats.inputs + stats.skipped;
        assert!(
            accounted == settings.cases && (settings.deadline.is_some() || stats.skipped == 0),
            "the run accounts for {accounted} inputs of {} ({} skipped)",
            settings.cases,
            stats.skipped
        );
        assert!(
            stats.inputs > 0 && stats.generated * 4 >= stats.inputs,
            "only {} of {} inputs generated a crate: the mutations left too few specs valid",
            stats.generated,
            stats.inputs
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn generate_upholds_its_promises_on_regression_cases() {
    // In a child (or by hand): replay one file here and say how it went.
    if let Some(file) = std::env::var_os("CLIENTGEN_FUZZ_REPLAY") {
        let text = std::fs::read_to_string(&file).expect("the replayed file is readable");
        let result = guarded(false, move || check(&text));
        match &result {
            Ok(_) => println!("{VERDICT}ok"),
            Err(failure) => println!("{VERDICT}{}", serde_json::to_string(&[&failure.key, &failure.detail]).unwrap()),
        }
        if let Err(failure) = result {
            panic!("{}", failure.detail);
        }
        return;
    }
    let timeout = Duration::from_secs(env_number("CLIENTGEN_FUZZ_REPLAY_TIMEOUT").unwrap_or(10));
    let mut problems = Vec::new();
    let cases = regressions();
    assert!(!cases.is_empty(), "no regression cases were found: tests/fuzz/regressions/ holds them");
    for case in cases {
        let name = case.path.file_name().unwrap().to_string_lossy().into_owned();
        match (replay_in_child(&case.path, timeout), case.known) {
            (Ok(()), None) => {}
            (Err(failure), None) => problems.push(format!("{name}: {}", failure.detail)),
            (Ok(()), Some(_)) => problems
                .push(format!("{name} passes now: remove its `# known-failure:` line so that it guards the fix")),
            (Err(failure), Some(known)) if failure.key == known => {
                eprintln!("{name}: known failure: {}", failure.detail)
            }
            (Err(failure), Some(known)) => problems.push(format!(
                "{name} was known to fail with {known:?} but now fails with {:?}: {}",
                failure.key, failure.detail
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn the_fuzzer_checks_what_it_claims() {
    // The manifest check knows a good manifest from a bad one.
    assert!(check_manifest("# c\n[package]\nname = \"a\"\nx = { path = \"../r\" }\n").is_ok());
    assert!(check_manifest("description = \"a\nb\"\n").is_err());
    assert!(check_manifest("description = \"a\\q\"\n").is_err());
    assert!(check_manifest("description = \"a\u{1}\"\n").is_err());
    // So do the checks beyond parsing.
    let file = |code: &str| syn::parse_file(code).unwrap();
    assert!(duplicate_names(&file("struct A { a: u8, b: u8 } enum B { A, B } fn f(a: u8, b: u8) {}")).is_none());
    assert!(duplicate_names(&file("struct A { a: u8, r#a: u8 }")).is_some());
    assert!(duplicate_names(&file("enum A { B, B }")).is_some());
    assert!(duplicate_names(&file("struct A; use x::A;")).is_some());
    assert!(duplicate_names(&file("impl A { fn f() {} fn f() {} }")).is_some());
    assert!(duplicate_names(&file("fn f(a: u8, a: u8) {}")).is_some());
    assert!(bad_format_string("fn f(id: u8) { format!(\"{{x}}/{}/{id}/{0}\", 1); }").is_none());
    assert!(bad_format_string("fn f() { format!(\"{x}={}\", 1); }").is_some());
    assert!(bad_format_string("fn f() { format!(\"a{b={}\", 1); }").is_some());
    assert!(bad_format_string("fn f() { format!(\"}\"); }").is_some());
    assert!(bad_format_string("fn f() { format!(\"{} {}\", 1); }").is_some());
    assert!(bad_format_string("fn f() { format!(\"{a b}\"); }").is_some());
    // A good spec generates; bad text is refused without a failure.
    let seed = &seeds()[0];
    assert!(matches!(check(&seed.text), Ok(Verdict::Generated)), "{} generates", seed.name);
    assert!(matches!(check("{"), Ok(Verdict::Refused(_))));
    // The minimizer keeps what matters and drops the rest.
    let big = "a:\n  b: [1, 2, {c: needle, d: 4}]\n  e: {f: 5}\ng: 6\n";
    let small = minimize_with(big, &mut |t: &str| t.contains("needle"));
    assert_eq!(small.trim(), "c: needle", "minimized {big:?}");
    let lines = minimize_with("{\nx\nneedle\ny\n", &mut |t: &str| t.contains("needle"));
    assert_eq!(lines, "needle\n");
}
