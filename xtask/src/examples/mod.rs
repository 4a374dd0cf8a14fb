//! `cargo xtask examples [DIR]`: every documented JSON response example of the OpenAPI 3.0 documents under
//! DIR, decoded into its generated Rust type and re-encoded. Examples a real server would send are the best
//! test data there is; a failure is either the spec's fault (the example breaks its own schema, as an
//! independent validator tells) or ours (it is valid, and the generated type should have read it).
//!
//! Per document: the examples are read from the document (`document`), a harness crate of the generated
//! `types.rs` and one check per response type is built and run (`harness`), and the failures are judged by
//! the validator (`validate`). Our failures must match `tests/examples/known_failures.txt` (`known`).

pub mod document;
pub mod harness;
pub mod known;
pub mod report;
pub mod validate;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Instant;

pub use document::Key;
pub use report::table;

/// Which documents to run, by size in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    /// Every document.
    All,
    /// Documents up to this many bytes.
    UpTo(u64),
    /// Documents over this many bytes (what `UpTo` of the same size leaves out).
    Over(u64),
}

/// One document's counts.
pub struct Row {
    /// Path relative to the corpus directory.
    pub document: String,
    /// Examples with a value, all run.
    pub examples: usize,
    /// Examples without a value (`externalValue` only), not run.
    pub skipped: usize,
    /// Examples that decode and round-trip.
    pub passed: usize,
    /// Failing examples that break their own schema.
    pub spec_fault: usize,
    /// Failing examples that are valid: ours.
    pub ours: usize,
    /// Generating, building, running and validating, in seconds.
    pub seconds: f64,
    /// `Err` when the document could not be run at all.
    pub result: Result<(), String>,
}

/// One example that failed, with the validator's verdict on it.
pub struct Failure {
    /// Which example.
    pub key: Key,
    /// What the harness reported.
    pub outcome: harness::Outcome,
    /// What the validator said.
    pub verdict: validate::Verdict,
}

impl Failure {
    /// Valid against its schema, so the generated type should have read it.
    pub fn is_ours(&self) -> bool {
        self.verdict.valid
    }

    /// The cause, short: the kind of failure and serde's message without its position.
    pub fn cause(&self) -> String {
        let message = strip_position(&self.outcome.message);
        let cause = match self.outcome.kind.as_str() {
            "decode" => format!("decode: {message}"),
            "encode" => format!("re-encode: {message}"),
            "unstable" => format!("unstable round trip: {message}"),
            kind => format!("{kind}: {message}"),
        };
        let cause = cause.replace('\n', " ");
        if cause.chars().count() > 160 { format!("{}…", cause.chars().take(160).collect::<String>()) } else { cause }
    }
}

/// Everything a run found.
pub struct Report {
    /// One row per document run.
    pub rows: Vec<Row>,
    /// Every failing example.
    pub failures: Vec<Failure>,
    /// Examples without a value, with why.
    pub skipped: Vec<(Key, String)>,
    /// Seconds spent building the harnesses' shared dependencies.
    pub warm_up_seconds: f64,
}

/// Runs the examples of the documents under `dir` that `select` picks. `Err` when the run itself cannot go
/// on (no validator, no cargo); a document that cannot be run is an `Err` in its row.
pub fn run(root: &Path, dir: &Path, select: Select) -> Result<Report, String> {
    let validator = validate::Validator::find(root)?;
    let workspace = harness::Workspace::new(root);
    let scratch = root.join("target").join("examples");
    fs::create_dir_all(scratch.join("documents"))
        .map_err(|err| format!("cannot create {}: {err}", scratch.display()))?;
    let runtime = root.join("generator").join("runtime");
    let runtime_dependency = format!("{{ path = {:?} }}", runtime.display().to_string());

    let mut prepared = Vec::new();
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for path in crate::corpus::documents(dir) {
        let document = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
        let text = fs::read_to_string(&path).map_err(|err| format!("{document}: {err}"))?;
        let size = text.len() as u64;
        let picked = match select {
            Select::All => true,
            Select::UpTo(limit) => size <= limit,
            Select::Over(limit) => size > limit,
        };
        if !picked {
            continue;
        }
        let started = Instant::now();
        let mut row = Row {
            document: document.clone(),
            examples: 0,
            skipped: 0,
            passed: 0,
            spec_fault: 0,
            ours: 0,
            seconds: 0.0,
            result: Ok(()),
        };
        match prepare(&workspace, &document, &text, &runtime_dependency) {
            Ok(found) => {
                row.examples = found.examples.examples.len();
                row.skipped = found.examples.skipped.len();
                skipped.extend(found.examples.skipped.iter().cloned());
                if !found.examples.examples.is_empty() {
                    prepared.push((rows.len(), found));
                }
            }
            Err(err) => row.result = Err(err),
        }
        row.seconds = started.elapsed().as_secs_f64();
        rows.push(row);
    }

    let members: Vec<String> = prepared.iter().map(|(_, p)| p.name.clone()).collect();
    workspace.write_manifest(root, &members)?;
    // Build the shared dependencies first, so that each document's time is its own harness's.
    let started = Instant::now();
    if !members.is_empty() {
        workspace.build(&["clientgen-runtime", "serde_json"])?;
    }
    let warm_up_seconds = started.elapsed().as_secs_f64();

    let mut failures = Vec::new();
    for (index, found) in prepared {
        let row = &mut rows[index];
        let started = Instant::now();
        match check(&workspace, &validator, &scratch, &found) {
            Ok(found_failures) => {
                row.spec_fault = found_failures.iter().filter(|f| !f.is_ours()).count();
                row.ours = found_failures.len() - row.spec_fault;
                row.passed = row.examples - found_failures.len();
                failures.extend(found_failures);
            }
            Err(err) => row.result = Err(err),
        }
        row.seconds += started.elapsed().as_secs_f64();
    }
    Ok(Report { rows, failures, skipped, warm_up_seconds })
}

/// A document whose harness is written.
struct Prepared {
    name: String,
    doc: serde_json::Value,
    examples: document::Examples,
}

/// Reads the document's examples and, when it has any, generates it and writes its harness crate.
fn prepare(
    workspace: &harness::Workspace,
    document: &str,
    text: &str,
    runtime_dependency: &str,
) -> Result<Prepared, String> {
    let file = Path::new(document);
    let mut responses = clientgen::response_types(file, text, true).map_err(|err| format!("response types: {err}"))?;
    // An event stream's examples are its text on the wire, not one JSON value.
    responses.retain(|response| !response.events);
    let doc = document::read(text)?;
    let examples = document::collect(document, &doc, &responses)?;
    let name = crate::corpus::crate_name(document).replacen("corpus-", "examples-", 1);
    if examples.examples.is_empty() {
        return Ok(Prepared { name, doc, examples });
    }
    let mut options = clientgen::Options::for_spec(file, runtime_dependency);
    options.crate_name = name.clone();
    // As `cargo xtask corpus` does: real-world documents carry mistakes with one safe reading.
    options.lenient = true;
    // Each example is decoded and encoded again: response types need `Serialize` too.
    options.derives = vec!["Serialize".to_owned(), "Deserialize".to_owned()];
    let files = clientgen::generate(file, text, &options).map_err(|err| format!("generate: {err}"))?;
    let contents = |wanted: &str| harness::generated_file(&files, wanted, "generate");
    workspace.write_crate(&name, contents("Cargo.toml")?, contents("src/types.rs")?, &examples.examples)?;
    Ok(Prepared { name, doc, examples })
}

/// Builds and runs a document's harness, and has the validator judge its failures.
fn check(
    workspace: &harness::Workspace,
    validator: &validate::Validator,
    scratch: &Path,
    found: &Prepared,
) -> Result<Vec<Failure>, String> {
    workspace.build(&[&found.name])?;
    let outcomes = workspace.run(&found.name, found.examples.examples.len())?;
    let failing: Vec<(&document::Example, harness::Outcome)> =
        found.examples.examples.iter().zip(outcomes).filter(|(_, outcome)| outcome.kind != "pass").collect();
    if failing.is_empty() {
        return Ok(Vec::new());
    }
    // The validator reads the document as JSON, as read here (YAML too).
    let document_json = scratch.join("documents").join(format!("{}.json", found.name));
    let text = serde_json::to_string(&found.doc).map_err(|err| err.to_string())?;
    fs::write(&document_json, text).map_err(|err| format!("cannot write {}: {err}", document_json.display()))?;
    let items: Vec<(&str, &serde_json::Value)> =
        failing.iter().map(|(example, _)| (example.schema.as_str(), &example.value)).collect();
    let items_file = scratch.join("documents").join(format!("{}.items.json", found.name));
    let verdicts = validator.validate(&document_json, &items, &items_file)?;
    Ok(failing
        .into_iter()
        .zip(verdicts)
        .map(|((example, outcome), verdict)| Failure { key: example.key.clone(), outcome, verdict })
        .collect())
}

/// serde_json's messages end with ` at line L column C`; the position in a one-line body says little.
fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) if message[at + " at line ".len()..].split(" column ").all(|n| n.parse::<u64>().is_ok()) => {
            &message[..at]
        }
        _ => message,
    }
}

/// Fails unless the run's own failures are exactly those `tests/examples/known_failures.txt` lists for its
/// documents and every document ran; with `CLIENTGEN_EXAMPLES_BLESS=1`, rewrites the list instead.
pub fn enforce(root: &Path, report: &Report) -> Result<(), String> {
    let broken: Vec<String> = report
        .rows
        .iter()
        .filter_map(|row| row.result.as_ref().err().map(|err| format!("  {}: {err}", row.document)))
        .collect();
    if !broken.is_empty() {
        return Err(format!("some documents could not be run:\n{}", broken.join("\n")));
    }
    let path = known::path(root);
    if std::env::var(known::BLESS_VAR).is_ok_and(|v| v == "1") {
        known::bless(&path, report)?;
        println!("{} rewritten ({}=1)", path.display(), known::BLESS_VAR);
        return Ok(());
    }
    known::compare(&known::read(&path)?, report)
}

/// The run's own failures by cause, for the report.
pub fn ours_by_cause(report: &Report) -> BTreeMap<String, Vec<&Failure>> {
    let mut out: BTreeMap<String, Vec<&Failure>> = BTreeMap::new();
    for failure in report.failures.iter().filter(|f| f.is_ours()) {
        out.entry(report::cause_group(failure)).or_default().push(failure);
    }
    out
}
