//! Wire fidelity checked by an independent implementation: the client generated from
//! `tests/conformance/wire.yaml` (every cell of the path style table, query, header and cookie styles, JSON,
//! form and multipart bodies, each kind of credential) calls Stoplight Prism, a validating mock of the same
//! spec, and the test fails on any request Prism reports as violating it, except the listed defects of Prism
//! itself (`mock_bugs.rs`). Our own tests check our encodings against our reading of the spec; this checks
//! them against someone else's.
//!
//! Prism is installed by `npm ci --prefix tests/conformance` (.ci/run does it); without it the test fails
//! and says so. The first run builds the driver crate and reqwest in `target/conformance-target` (about two
//! minutes on two cores); later runs rebuild only what changed. Run with `-- --nocapture` to see the bytes.

mod corpus;
mod mock_bugs;
mod scratch;
mod wire_table;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use xtask::conformance::prism::{self, Prism};
use xtask::conformance::verdict::{self, Violation};

/// What one call did.
struct Call {
    name: String,
    /// The client's own view: `ok 204` or its error.
    outcome: String,
    /// The request as sent, byte for byte (lossy UTF-8).
    request: String,
    /// The head of Prism's response (empty when Prism died on the request).
    response: String,
    /// Prism's error when the request crashed it.
    crash: Option<String>,
    /// When a known crash hid Prism's verdict: the head of its response to the same request with the path's
    /// literal commas written `%2C` (Prism decodes before it splits, so it still checks every item).
    retried: Option<String>,
}

impl Call {
    /// The response head the verdict is read from.
    fn verdict_head(&self) -> &str {
        self.retried.as_deref().unwrap_or(&self.response)
    }
}

/// The driver's call names.
fn call_names(driver: &Path) -> Vec<String> {
    let output = Command::new(driver).arg("--list").output().expect("the driver runs");
    assert!(output.status.success(), "driver --list failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect()
}

/// Runs the driver for one call against Prism at `address`.
fn run_call(driver: &Path, address: &str, name: &str) -> Result<Call, String> {
    let output = Command::new(driver)
        .arg(name)
        .env("CONFORMANCE_PRISM", address)
        .output()
        .map_err(|err| format!("the driver does not run: {err}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line =
        stdout.lines().last().filter(|_| output.status.success()).ok_or_else(|| {
            format!("the driver failed on {name}: {}", String::from_utf8_lossy(&output.stderr).trim())
        })?;
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|err| format!("the driver printed {line:?} for {name}: {err}"))?;
    let text = |key: &str| value[key].as_str().unwrap_or_default().to_owned();
    Ok(Call {
        name: name.to_owned(),
        outcome: text("outcome"),
        request: text("request"),
        response: text("response"),
        crash: None,
        retried: None,
    })
}

/// The request with the literal commas of its path written `%2C` (query and headers untouched).
fn commas_encoded(request: &str) -> String {
    let (line, rest) = request.split_once("\r\n").unwrap_or((request, ""));
    let mut parts = line.splitn(3, ' ');
    let (method, target, version) =
        (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (path, query) = target.split_once('?').map_or((target, None), |(p, q)| (p, Some(q)));
    let path = path.replace(',', "%2C");
    let target = query.map_or(path.clone(), |q| format!("{path}?{q}"));
    format!("{method} {target} {version}\r\n{rest}")
}

#[test]
fn generated_client_requests_satisfy_prism() {
    let root = xtask::repo_root();
    let bin = prism::binary(&root);
    let started = Instant::now();
    let driver = scratch::build_driver(&root);
    let build_time = started.elapsed();

    let spec = root.join(scratch::SPEC);
    let logs = root.join("target").join("conformance");
    let mut starts = 1;
    let started = Instant::now();
    let mut prism = Prism::spawn(&bin, &spec, logs.join("prism-1.log")).ready();
    let startup_time = started.elapsed();
    // Some requests crash Prism (a known bug): a spare started in the background takes over at once.
    let spawn_spare = |starts: usize| Prism::spawn(&bin, &spec, logs.join(format!("prism-{}.log", starts + 1)));
    let mut spare = spawn_spare(starts);

    let started = Instant::now();
    let mut calls = Vec::new();
    let mut failures = Vec::new();
    for name in call_names(&driver) {
        let mut call = match run_call(&driver, &prism.address, &name) {
            Ok(call) => call,
            Err(err) => {
                failures.push(err);
                continue;
            }
        };
        if verdict::status(&call.response).is_none() {
            if let Some(error) = prism.crashed() {
                starts += 1;
                prism = std::mem::replace(&mut spare, spawn_spare(starts)).ready();
                if mock_bugs::crash(&name, &error).is_some() {
                    call.retried = Some(prism.send_raw(commas_encoded(&call.request).as_bytes()));
                } else {
                    failures.push(format!("{name}: Prism crashed, and no known bug explains it: {error}"));
                }
                call.crash = Some(error);
            }
        }
        calls.push(call);
    }
    drop(spare);
    let calls_time = started.elapsed();

    println!(
        "driver build {build_time:.1?}, Prism startup {startup_time:.1?} ({starts} start(s)), {} calls {calls_time:.1?}",
        calls.len()
    );
    println!("\n== the style table on the wire (location, style, explode, shape: bytes sent)");
    for call in &calls {
        for cell in wire_table::cells(&call.name, &call.request) {
            println!(
                "{:6} {:14} explode={:5} {:6}: {}",
                cell.location, cell.style, cell.explode, cell.shape, cell.bytes
            );
        }
    }
    println!("\n== bodies and credentials");
    for call in &calls {
        for line in wire_table::extras(&call.name, &call.request) {
            println!("{:14} {line}", call.name);
        }
    }

    println!("\n== Prism's verdicts");
    let mut excluded: Vec<Vec<String>> = vec![Vec::new(); mock_bugs::MOCK_BUGS.len()];
    let index = |bug: &mock_bugs::MockBug| mock_bugs::MOCK_BUGS.iter().position(|b| std::ptr::eq(b, bug)).unwrap_or(0);
    for call in &calls {
        let head = call.verdict_head();
        let status = verdict::status(head);
        let (known, unknown): (Vec<Violation>, Vec<Violation>) =
            verdict::violations(head).into_iter().partition(|v| mock_bugs::violation(&call.name, v).is_some());
        let shown = status.map_or_else(|| "no response".to_owned(), |s| s.to_string());
        let crash = call.crash.as_deref().map(|e| format!(" [Prism crashed: {e}; verdict from the retry]"));
        println!("{:26} {shown:11} client: {}{}", call.name, call.outcome, crash.unwrap_or_default());
        for violation in &unknown {
            println!("{:26}   VIOLATION {violation}", "");
            failures.push(format!("{}: {violation}", call.name));
        }
        for violation in &known {
            let bug = mock_bugs::violation(&call.name, violation).expect("partitioned as known");
            println!("{:26}   mock bug: {violation}", "");
            excluded[index(bug)].push(format!("{}: {violation}", call.name));
        }
        if let Some(error) = &call.crash {
            if let Some(bug) = mock_bugs::crash(&call.name, error) {
                excluded[index(bug)].push(format!("{}: crashed Prism ({error})", call.name));
            }
        }
        let success = status.is_some_and(|s| (200..300).contains(&s));
        if !success && unknown.is_empty() && known.is_empty() {
            failures.push(format!(
                "{}: Prism answered {shown} without a violation (see {})",
                call.name,
                logs.display()
            ));
        }
    }
    println!("\n== excluded as defects of Prism");
    let crash_of = |name: &str| calls.iter().find(|c| c.name == name).and_then(|c| c.crash.clone());
    let violations_of = |name: &str| {
        calls.iter().find(|c| c.name == name).map_or_else(Vec::new, |c| verdict::violations(c.verdict_head()))
    };
    for (bug, seen) in mock_bugs::MOCK_BUGS.iter().zip(&excluded) {
        println!("{}: {}", bug.upstream, bug.why);
        seen.iter().for_each(|line| println!("    {line}"));
        // A listed defect that no longer shows is stale: the list must say what Prism gets wrong today.
        for unmet in bug.unmet(crash_of, violations_of) {
            println!("    NOT MET {unmet}");
            failures
                .push(format!("the known Prism defect {} no longer shows: {unmet}; update mock_bugs.rs", bug.upstream));
        }
    }

    assert!(
        failures.is_empty(),
        "{} request(s) the generated client sent violate tests/conformance/wire.yaml by Prism's reading:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn path_commas_are_encoded_only_in_the_path() {
    let request = "GET /path/simple/array/a,b?x=1,2 HTTP/1.1\r\nx-list: a,b\r\n\r\n";
    assert_eq!(commas_encoded(request), "GET /path/simple/array/a%2Cb?x=1,2 HTTP/1.1\r\nx-list: a,b\r\n\r\n");
}
