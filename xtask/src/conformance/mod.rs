//! `cargo xtask conformance [DOCUMENT|DIR]`: every operation of each document called through the generated
//! client — with its required inputs only, with every input set, and once per variant of a union body —
//! against Stoplight Prism, a validating mock of the same document, and each request's verdict classed:
//! accepted, or rejected by a fault of ours, of the validator, or of the document (the last two listed in
//! `tests/conformance/known_rejections.txt`, which a run holds exactly: a listed rejection that no longer
//! shows fails it, as a new one of ours does).
//!
//! Per document a driver crate in `target/conformance-corpus/` (apart from the wire test's
//! `target/conformance/`, which runs beside it) holds the generated crate (every type both ways, no group
//! features, so that one build calls everything), `src/main.rs` with one function per operation
//! (`driver.rs`) and the shared `harness/conformance.rs`; `calls.json` holds each call's inputs
//! (`inputs.rs`). The crates build with the examples harnesses' target directory.

pub mod driver;
pub mod inputs;
pub mod known;
pub mod prism;
mod sink;
pub mod verdict;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use crate::examples::Select;
use crate::examples::harness::{Workspace, add_dependencies, generated_file, harness_manifest, write_if_changed};
use known::{Class, Known};
use prism::Prism;

/// The shared part of every driver.
const WIRE_RS: &str = include_str!("../../harness/conformance.rs");

/// One call's record.
#[derive(Debug, Clone)]
pub struct Call {
    /// `method minimal` or `method full`.
    pub name: String,
    /// The client's outcome: `ok 200`, `error: …`, `not sent: …`, `timeout`.
    pub outcome: String,
    /// The request as sent (lossy UTF-8).
    pub request: String,
    /// The head of the validator's response and the start of its body.
    pub response: String,
    /// The rejections: each a place (`request.query.limit`, `prism`, `not sent`, `crash`) and a message.
    pub rejections: Vec<(String, String)>,
}

/// One rejection, with its class.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// `document call place`.
    pub key: String,
    /// The validator's message.
    pub message: String,
    /// Whose fault.
    pub class: Class,
    /// Why, for a listed one.
    pub reason: String,
}

/// One document's run.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// The document's file name.
    pub document: String,
    /// Operations in the document.
    pub operations: usize,
    /// Operations the driver cannot call, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Calls made.
    pub calls: usize,
    /// Calls the validator accepted.
    pub accepted: usize,
    /// Calls it rejected.
    pub rejected: usize,
    /// Calls sent where the validator could not serve the document: sent, without a verdict.
    pub unvalidated: usize,
    /// Rejections by class: ours, the validator's, the document's.
    pub ours: usize,
    /// The validator's.
    pub validator: usize,
    /// The document's.
    pub document_faults: usize,
    /// Times the validator was started (more than once when requests crashed it).
    pub starts: usize,
    /// Generating, building (its share) and calling, in seconds.
    pub seconds: f64,
}

/// A whole run.
#[derive(Debug, Default)]
pub struct Report {
    /// Per document.
    pub rows: Vec<Row>,
    /// Every rejection, classed.
    pub rejections: Vec<Rejection>,
    /// Every call, for `--verbose` and the log.
    pub calls: Vec<(String, Call)>,
    /// The documents the validator could not serve, with its error.
    pub unreadable: Vec<(String, String)>,
}

/// A document's driver, ready to build.
struct Prepared {
    document: String,
    name: String,
    operations: usize,
    skipped: Vec<(String, String)>,
    seconds: f64,
}

/// The documents a run covers: `path` itself when it is a file (named by its file name), else the documents
/// under it (named by their path under it) that `select` takes by size.
pub fn documents(path: &Path, select: Select) -> Vec<(String, PathBuf)> {
    if path.is_file() {
        // A corpus document keeps the name a run of its corpus gives it (its path under the directory that
        // holds the corpus's MANIFEST.tsv), so that the known rejections name it one way.
        let corpus = path.ancestors().skip(1).find(|dir| dir.join("MANIFEST.tsv").is_file());
        let name = match corpus.and_then(|dir| path.strip_prefix(dir).ok()) {
            Some(relative) => relative.display().to_string(),
            None => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        };
        return vec![(name, path.to_owned())];
    }
    crate::corpus::documents(path)
        .into_iter()
        .filter(|document| {
            let size = fs::metadata(document).map_or(0, |m| m.len());
            match select {
                Select::All => true,
                Select::UpTo(bytes) => size <= bytes,
                Select::Over(bytes) => size > bytes,
            }
        })
        .map(|document| (document.strip_prefix(path).unwrap_or(&document).display().to_string(), document))
        .collect()
}

/// Runs every document of `documents` (name and file, in order) against Prism.
pub fn run(root: &Path, documents: &[(String, PathBuf)], seed: u64) -> Result<Report, String> {
    let dir = root.join("target").join("conformance-corpus");
    let target = root.join("target").join("examples-target");
    let bin = crate::tools::prism(root)?;
    let mut prepared = Vec::new();
    for (document, path) in documents {
        let started = Instant::now();
        let mut one = prepare(root, &dir, document, path, seed ^ name_hash(document))?;
        one.seconds = started.elapsed().as_secs_f64();
        prepared.push(one);
    }
    let members: Vec<String> = prepared.iter().map(|p| p.name.clone()).collect();
    let workspace = Workspace::at(dir.clone(), target.clone());
    workspace.write_manifest(root, &members)?;
    let started = Instant::now();
    workspace.build(&members.iter().map(String::as_str).collect::<Vec<_>>())?;
    let build_share = started.elapsed().as_secs_f64() / members.len().max(1) as f64;
    let known = known::read(&known::path(root))?;
    let mut report = Report::default();
    let logs = dir.join("logs");
    fs::create_dir_all(&logs).map_err(|err| format!("cannot create {}: {err}", logs.display()))?;
    for one in prepared {
        let started = Instant::now();
        let crate_dir = dir.join("crates").join(&one.name);
        let driver = target.join("debug").join(format!("{}{}", one.name, std::env::consts::EXE_SUFFIX));
        eprintln!("conformance: {} ({} operations)", one.document, one.operations);
        let (calls, starts, unreadable) = call_all(&bin, &crate_dir, &driver, &logs)?;
        let validated = unreadable.is_none();
        if let Some(error) = unreadable {
            report.unreadable.push((one.document.clone(), error));
        }
        let mut row = Row {
            document: one.document.clone(),
            operations: one.operations,
            skipped: one.skipped,
            calls: calls.len(),
            starts,
            ..Row::default()
        };
        for call in calls {
            if !call.rejections.is_empty() {
                row.rejected += 1;
            } else if validated {
                row.accepted += 1;
            } else {
                row.unvalidated += 1;
            }
            for (place, message) in &call.rejections {
                let key = format!("{} {} {place}", one.document, call.name);
                let (class, reason) = match known::find(&known, &one.document, &call.name, place, message) {
                    Some(Known { class, reason, .. }) => (*class, reason.clone()),
                    None => (Class::Ours, String::new()),
                };
                match class {
                    Class::Ours => row.ours += 1,
                    Class::Validator => row.validator += 1,
                    Class::Document => row.document_faults += 1,
                }
                report.rejections.push(Rejection { key, message: message.clone(), class, reason });
            }
            report.calls.push((one.document.clone(), call));
        }
        row.seconds = one.seconds + build_share + started.elapsed().as_secs_f64();
        report.rows.push(row);
    }
    Ok(report)
}

/// FNV-1a of a document's name: its values depend on the name and the seed, not on which other documents
/// a run covers.
fn name_hash(name: &str) -> u64 {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Generates a document's crate, its driver and its calls.
fn prepare(root: &Path, dir: &Path, document: &str, path: &Path, seed: u64) -> Result<Prepared, String> {
    let shown = path.display().to_string();
    let text = fs::read_to_string(path).map_err(|err| format!("{shown}: {err}"))?;
    let name = crate::corpus::crate_name(document).replacen("corpus-", "conformance-", 1);
    let runtime = root.join("generator").join("runtime");
    let mut options = clientgen::Options::for_spec(path, &format!("{{ path = {:?} }}", runtime.display().to_string()));
    options.crate_name = name.clone();
    // As `cargo xtask corpus` does: real-world documents carry mistakes with one safe reading.
    options.lenient = true;
    // Every type both ways, so that the driver reads each input from JSON; one build for every operation.
    options.derives = vec!["Serialize".to_owned(), "Deserialize".to_owned()];
    options.group_features = false;
    let files = clientgen::generate(path, &text, &options).map_err(|err| format!("{shown}: {err}"))?;
    let contents = |wanted: &str| generated_file(&files, wanted, &shown);
    let operations = clientgen::operation_inputs(path, &text, &options).map_err(|err| format!("{shown}: {err}"))?;
    let driver = driver::main_rs(&name, &operations);
    let crate_dir = dir.join("crates").join(&name);
    let mut manifest = harness_manifest(&name, contents("Cargo.toml")?)?;
    add_dependencies(
        &mut manifest,
        &[
            ("serde", "{ version = \"1\", features = [\"derive\"] }"),
            (
                "tokio",
                "{ version = \"1\", features = [\"macros\", \"rt\", \"net\", \"io-util\", \"io-std\", \"time\"] }",
            ),
        ],
    );
    write_if_changed(&crate_dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&crate_dir.join("README.md"), contents("README.md")?)?;
    write_if_changed(&crate_dir.join("src").join("lib.rs"), contents("src/lib.rs")?)?;
    write_if_changed(&crate_dir.join("src").join("types.rs"), contents("src/types.rs")?)?;
    write_if_changed(&crate_dir.join("src").join("main.rs"), &driver.main)?;
    write_if_changed(&crate_dir.join("src").join("wire.rs"), WIRE_RS)?;
    let doc = clientgen::read_document(path, &text).map_err(|err| format!("{shown}: {err}"))?;
    let driven: Vec<clientgen::OperationInputs> =
        operations.iter().filter(|op| !driver.skipped.iter().any(|(m, _)| *m == op.method)).cloned().collect();
    let calls = inputs::calls(&doc, &driven, seed);
    write_if_changed(&crate_dir.join("calls.json"), &serde_json::to_string_pretty(&calls).map_err(|e| e.to_string())?)?;
    // Prism gets the document as JSON (read quicker than the YAML), without its examples: they play no part
    // in validating a request, and Prism resolves `$ref` keys inside example values (GitHub's SCIM examples
    // hold `https://api.github.com/…` ones) by fetching them, which fails with no network and ends Prism.
    let mut for_prism = doc.clone();
    drop_examples(&mut for_prism);
    write_if_changed(&crate_dir.join("document.json"), &serde_json::to_string(&for_prism).map_err(|e| e.to_string())?)?;
    Ok(Prepared {
        document: document.to_owned(),
        name,
        operations: operations.len(),
        skipped: driver.skipped,
        seconds: 0.0,
    })
}

/// Removes every `example` and `examples` of a document, but not properties of those names (the keys of a
/// schema's `properties`).
fn drop_examples(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("example");
            map.remove("examples");
            for (key, item) in map.iter_mut() {
                match (key.as_str(), item) {
                    ("properties", serde_json::Value::Object(properties)) => {
                        properties.values_mut().for_each(drop_examples)
                    }
                    (_, item) => drop_examples(item),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_examples),
        _ => {}
    }
}

/// The driver, running: calls go in on its standard input, verdicts come out.
struct Running {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Running {
    fn start(driver: &Path, calls: &Path) -> Result<Running, String> {
        let mut child = Command::new(driver)
            .arg(calls)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|err| format!("cannot run {}: {err}", driver.display()))?;
        let stdin = child.stdin.take().ok_or("the driver has no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("the driver has no stdout")?);
        Ok(Running { child, stdin, stdout })
    }

    /// Makes call `index` against `address`; `None` when the driver died on it.
    fn call(&mut self, index: usize, address: &str) -> Option<serde_json::Value> {
        writeln!(self.stdin, "{index} {address}").ok()?;
        self.stdin.flush().ok()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line).ok().filter(|n| *n > 0)?;
        serde_json::from_str(&line).ok()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes every call of a driver crate against a Prism of its document; the calls and how often Prism started.
/// Makes every call of a driver crate against a Prism of its document: the calls, how often Prism started,
/// and why Prism could not serve the document, when it could not (the calls then went to a sink).
fn call_all(
    bin: &Path,
    crate_dir: &Path,
    driver: &Path,
    logs: &Path,
) -> Result<(Vec<Call>, usize, Option<String>), String> {
    let calls_path = crate_dir.join("calls.json");
    let text = fs::read_to_string(&calls_path).map_err(|err| format!("{}: {err}", calls_path.display()))?;
    let planned: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|err| err.to_string())?;
    if planned.is_empty() {
        // Nothing to call (a document of webhooks only): Prism refuses to start on it anyway.
        return Ok((Vec::new(), 0, None));
    }
    let spec = crate_dir.join("document.json");
    let stem = crate_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let log = |n: usize| logs.join(format!("{stem}-prism-{n}.log"));
    let mut starts = 1;
    // Where Prism cannot serve the document, every call still goes out, to a sink, without a verdict.
    let (mut prism, unreadable) = match Prism::spawn(bin, &spec, log(starts)).try_ready(prism::STARTUP) {
        Ok(prism) => (Some(prism), None),
        Err(error) => (None, Some(error)),
    };
    let sink = if prism.is_none() { sink::start()? } else { String::new() };
    let mut running = Running::start(driver, &calls_path)?;
    let mut calls = Vec::new();
    for (index, plan) in planned.iter().enumerate() {
        let name = format!("{} {}", plan["operation"].as_str().unwrap_or(""), plan["kind"].as_str().unwrap_or(""));
        let answer = running.call(index, prism.as_ref().map_or(&sink, |prism| &prism.address));
        let text = |key: &str| answer.as_ref().and_then(|a| a[key].as_str()).unwrap_or_default().to_owned();
        let mut call = Call {
            name,
            outcome: text("outcome"),
            request: text("request"),
            response: text("response"),
            rejections: vec![],
        };
        if answer.is_none() {
            call.outcome = "the driver died".to_owned();
            running = Running::start(driver, &calls_path)?;
        }
        let unanswered = !call.request.is_empty() && verdict::status(&call.response).is_none();
        if let Some(error) = prism.as_mut().filter(|_| unanswered).and_then(Prism::crashed) {
            starts += 1;
            prism = Some(Prism::spawn(bin, &spec, log(starts)).try_ready(prism::STARTUP)?);
            call.rejections.push(("crash".to_owned(), error));
        }
        call.rejections.extend(rejections(&call));
        calls.push(call);
    }
    Ok((calls, starts, unreadable))
}

/// The rejections of a call that did not crash the validator: each error among its violations, the
/// validator's own error when it found no route or credential, or the client's refusal to send.
fn rejections(call: &Call) -> Vec<(String, String)> {
    if call.rejections.iter().any(|(place, _)| place == "crash") {
        return Vec::new();
    }
    if let Some(reason) = call.outcome.strip_prefix("not sent: ") {
        return vec![("not-sent".to_owned(), reason.to_owned())];
    }
    if call.outcome == "the driver died" || call.request.is_empty() {
        return vec![("not-sent".to_owned(), call.outcome.clone())];
    }
    let Some(status) = verdict::status(&call.response) else {
        return vec![("no-answer".to_owned(), call.outcome.clone())];
    };
    // Prism's own view of the response it made up (`response.…`) is no verdict on the request.
    let mut errors: Vec<(String, String)> = verdict::violations(&call.response)
        .into_iter()
        .filter(|v| v.severity == "Error" && v.location.first().is_some_and(|at| at == "request"))
        .map(|v| (v.location.join("."), v.message))
        .collect();
    let problem = problem(&call.response);
    if errors.is_empty() {
        // Without a documented validation response Prism puts the violations in its problem document.
        errors = problem["validation"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| v["severity"] == "Error" && v["location"][0] != "response")
            .map(|v| {
                let mut place = vec!["request".to_owned()];
                place.extend(
                    v["location"].as_array().into_iter().flatten().filter_map(|p| p.as_str().map(str::to_owned)),
                );
                (place.join("."), v["message"].as_str().unwrap_or_default().to_owned())
            })
            .collect();
    }
    if !errors.is_empty() {
        return errors;
    }
    // A request Prism cannot route or authorize gets a problem document naming its error; errors in making
    // up a response (no response documented, no example it can write) come after the request passed.
    let kind = problem["type"].as_str().and_then(|t| t.split("prism/errors#").nth(1)).unwrap_or_default();
    match kind {
        "" | "NO_RESPONSE_RESPONSE_DEFINED" | "NO_COMPLEX_OBJECT_TEXT" | "NO_RESPONSE_DEFINED" | "VIOLATIONS" => {
            Vec::new()
        }
        _ if (200..300).contains(&status) => Vec::new(),
        kind => vec![(format!("prism.{kind}"), format!("Prism answered {status} {kind}"))],
    }
}

/// The JSON body of a response (Prism's problem document), or `null`.
fn problem(response: &str) -> serde_json::Value {
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    serde_json::from_str(body).unwrap_or_default()
}

/// The per-document table, then every rejection of ours (and, with `all`, the others) with its message.
pub fn table(report: &Report, all: bool) -> String {
    let mut out = format!(
        "{:<34} {:>6} {:>6} {:>6} {:>9} {:>9} {:>7} {:>6} {:>10} {:>9} {:>7} {:>8}\n",
        "document",
        "ops",
        "driven",
        "calls",
        "accepted",
        "rejected",
        "unjudged",
        "ours",
        "validator",
        "document",
        "starts",
        "seconds"
    );
    let mut total = Row { document: "total".to_owned(), ..Row::default() };
    for row in &report.rows {
        let _ = writeln!(out, "{}", line(row));
        total.operations += row.operations;
        total.skipped.extend(row.skipped.iter().cloned());
        total.calls += row.calls;
        total.accepted += row.accepted;
        total.rejected += row.rejected;
        total.unvalidated += row.unvalidated;
        total.ours += row.ours;
        total.validator += row.validator;
        total.document_faults += row.document_faults;
        total.starts += row.starts;
        total.seconds += row.seconds;
    }
    if report.rows.len() > 1 {
        let _ = writeln!(out, "{}", line(&total));
    }
    for (document, error) in &report.unreadable {
        let _ = writeln!(out, "not validated (calls sent to a sink, unjudged): {document}: {error}");
    }
    for row in &report.rows {
        for (op, why) in &row.skipped {
            let _ = writeln!(out, "not driven: {} {op}: {why}", row.document);
        }
    }
    let mut by_reason: BTreeMap<(String, &str), Vec<&Rejection>> = BTreeMap::new();
    for rejection in &report.rejections {
        if all || rejection.class == Class::Ours {
            by_reason.entry((rejection.class.to_string(), rejection.reason.as_str())).or_default().push(rejection);
        }
    }
    for ((class, reason), list) in by_reason {
        let _ = writeln!(out, "\n{class} ({}): {reason}", list.len());
        for rejection in list {
            let _ = writeln!(out, "  {}: {}", rejection.key, rejection.message);
        }
    }
    out
}

fn line(row: &Row) -> String {
    format!(
        "{:<34} {:>6} {:>6} {:>6} {:>9} {:>9} {:>7} {:>6} {:>10} {:>9} {:>7} {:>8.1}",
        row.document,
        row.operations,
        row.operations - row.skipped.len(),
        row.calls,
        row.accepted,
        row.rejected,
        row.unvalidated,
        row.ours,
        row.validator,
        row.document_faults,
        row.starts,
        row.seconds
    )
}

/// `Err` when the run has rejections of ours, or the known list says what the run did not show.
pub fn enforce(root: &Path, report: &Report) -> Result<(), String> {
    let known = known::read(&known::path(root))?;
    let covered: Vec<&str> = report.rows.iter().map(|row| row.document.as_str()).collect();
    let mut problems = String::new();
    let ours = report.rejections.iter().filter(|r| r.class == Class::Ours).count();
    if ours > 0 {
        let _ = writeln!(problems, "  {ours} rejection(s) of ours (listed above)");
    }
    // A document Prism cannot read is a rejection of every call, at the place `unreadable`.
    for (document, error) in &report.unreadable {
        if known::find(&known, document, "*", "unreadable", error).is_none() {
            let _ = writeln!(problems, "  Prism cannot read {document}, and the list does not say why: {error}");
        }
    }
    for entry in known.iter().filter(|k| covered.iter().any(|document| known::same_document(&k.document, document))) {
        let unreadable =
            report.unreadable.iter().any(|(document, error)| entry.matches(document, "*", "unreadable", error));
        let shows = unreadable
            || report.calls.iter().any(|(document, call)| {
                call.rejections.iter().any(|(place, message)| entry.matches(document, &call.name, place, message))
            });
        if !shows {
            let _ = writeln!(problems, "  listed but not shown any more (remove its line): {}", entry.line);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("the conformance run differs from tests/conformance/known_rejections.txt:\n{problems}"))
    }
}

/// Writes every call of the run, with the exact bytes sent, to `target/conformance-corpus/calls.jsonl`.
pub fn write_log(root: &Path, report: &Report) -> Result<(), String> {
    let mut out = String::new();
    for (document, call) in &report.calls {
        let line = serde_json::json!({
            "document": document,
            "call": call.name,
            "outcome": call.outcome,
            "rejections": call.rejections,
            "request": call.request,
            "response": call.response,
        });
        let _ = writeln!(out, "{line}");
    }
    let path = root.join("target").join("conformance-corpus").join("calls.jsonl");
    fs::write(&path, out).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_go_but_properties_named_example_stay() {
        let mut doc = serde_json::json!({
            "paths": {"/examples": {"get": {"parameters": [{"name": "example", "example": 1}]}}},
            "components": {"schemas": {"A": {"example": {"$ref": "https://x"}, "properties": {
                "example": {"type": "string", "example": "x"}, "examples": {"type": "array"}}}}}
        });
        drop_examples(&mut doc);
        assert_eq!(
            doc,
            serde_json::json!({
                "paths": {"/examples": {"get": {"parameters": [{"name": "example"}]}}},
                "components": {"schemas": {"A": {"properties": {
                    "example": {"type": "string"}, "examples": {"type": "array"}}}}}
            })
        );
    }

    #[test]
    fn rejections_come_from_request_violations_and_routing_errors_only() {
        let call = |response: &str| Call {
            name: "x full".into(),
            outcome: "ok 200".into(),
            request: "GET / HTTP/1.1\r\n\r\n".into(),
            response: response.into(),
            rejections: vec![],
        };
        let header = "HTTP/1.1 422 Unprocessable Entity\r\nsl-violations: [{\"location\":[\"request\",\"query\",\"a\"],\
                      \"severity\":\"Error\",\"message\":\"bad\"},{\"location\":[\"response\",\"body\"],\
                      \"severity\":\"Error\",\"message\":\"mine\"}]\r\n\r\n";
        assert_eq!(rejections(&call(header)), [("request.query.a".to_owned(), "bad".to_owned())]);
        let body = "HTTP/1.1 422 Unprocessable Entity\r\n\r\n{\"type\":\"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY\",\
                    \"validation\":[{\"location\":[\"body\",\"id\"],\"severity\":\"Error\",\"message\":\"must be integer\"},\
                    {\"location\":[\"query\"],\"severity\":\"Warning\",\"message\":\"w\"}]}";
        assert_eq!(rejections(&call(body)), [("request.body.id".to_owned(), "must be integer".to_owned())]);
        let unrouted =
            "HTTP/1.1 404 Not Found\r\n\r\n{\"type\":\"https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR\"}";
        assert_eq!(rejections(&call(unrouted))[0].0, "prism.NO_PATH_MATCHED_ERROR");
        let no_mock = "HTTP/1.1 500 Internal Server Error\r\n\r\n{\"type\":\"https://stoplight.io/prism/errors#NO_RESPONSE_RESPONSE_DEFINED\"}";
        assert!(rejections(&call(no_mock)).is_empty());
        assert!(rejections(&call("HTTP/1.1 404 Not Found\r\n\r\n{\"message\":\"documented\"}")).is_empty());
        let unsent = Call { outcome: "not sent: bad header".into(), request: String::new(), ..call("") };
        assert_eq!(rejections(&unsent)[0].0, "not-sent");
    }
}
