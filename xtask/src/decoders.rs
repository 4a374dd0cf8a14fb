//! `cargo xtask decoders [--inputs=N] [--seed=S] [--release] DOCUMENT…`: differential testing of the
//! written-out `Deserialize` impls against serde's derive. Per document, a harness crate holds the generated
//! `types.rs` twice — as generated, and with its structs and string enums read by serde's derive
//! (`clientgen::reference_types`) — and one check per JSON response type. The harness (`harness/decoders.rs`)
//! builds values from the response schemas (`clientgen-values`), valid and broken, decodes each text both
//! ways and reports where the two disagree: on accepting, on the value, or on where an error is.
//!
//! The crates are built in `target/decoders/` with the examples harnesses' target directory (the same
//! dependencies, built once).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::examples::harness::{Workspace, add_dependencies, generated_file, harness_manifest, write_if_changed};

/// The decode code of every harness crate.
const RUN_RS: &str = include_str!("../harness/decoders.rs");

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Inputs per document.
    pub inputs: u64,
    /// The seed of the first document (each further one adds 1).
    pub seed: u64,
    /// Build the harnesses optimized (for millions of inputs).
    pub release: bool,
    /// Rewrites the derived `types.rs` before it is built: for the test that shows a decoder that reads
    /// otherwise is caught. `None` in every real run.
    pub tamper: Option<fn(String) -> String>,
}

/// One document's run.
#[derive(Debug, Clone)]
pub struct Row {
    /// The document's file name.
    pub document: String,
    /// Response types checked.
    pub checks: usize,
    /// Inputs decoded.
    pub inputs: u64,
    /// Of those, unbroken values.
    pub valid: u64,
    /// Accepted by both, with the same value.
    pub accepted: u64,
    /// Refused by both, at the same place.
    pub rejected: u64,
    /// Unbroken values both refused: a type that does not fit its schema (or a document's own example that
    /// breaks it).
    pub valid_rejected: u64,
    /// serde's derive's own differences, counted apart (`array`, `flatten`, `enum`, `union`: see the harness).
    pub by_design: u64,
    /// Disagreements and panics: each a JSON line of the harness (at most five per response type).
    pub disagreements: Vec<String>,
    /// Unbroken values both refused: each a JSON line of the harness (at most five per response type).
    pub valid_rejections: Vec<String>,
    /// How many disagreements and panics there were in all.
    pub disagreeing: u64,
    /// Generating, building and running, in seconds.
    pub seconds: f64,
}

/// Runs `plan` on each document.
pub fn run(root: &Path, documents: &[PathBuf], plan: &Plan) -> Result<Vec<Row>, String> {
    let dir = root.join("target").join("decoders");
    let target = root.join("target").join("examples-target");
    let mut prepared = Vec::new();
    for (i, path) in documents.iter().enumerate() {
        let started = Instant::now();
        let (name, checks) = prepare(root, &dir, path, plan)?;
        prepared.push((path, name, checks, plan.seed + i as u64, started.elapsed().as_secs_f64()));
    }
    let members: Vec<String> = prepared.iter().map(|(_, name, ..)| name.clone()).collect();
    Workspace::at(dir.clone(), target.clone()).write_manifest(root, &members)?;
    let started = Instant::now();
    build_harnesses(&dir, &target, &members, plan.release)?;
    let build_share = started.elapsed().as_secs_f64() / members.len().max(1) as f64;
    let profile = if plan.release { "release" } else { "debug" };
    let mut rows = Vec::new();
    for (path, name, checks, seed, prepare_seconds) in prepared {
        let started = Instant::now();
        let crate_dir = dir.join("crates").join(&name);
        let output = Command::new(target.join(profile).join(format!("{name}{}", std::env::consts::EXE_SUFFIX)))
            .arg(crate_dir.join("document.json"))
            .arg(crate_dir.join("cases.json"))
            .arg(crate_dir.join("unions.json"))
            .arg(seed.to_string())
            .arg(plan.inputs.to_string())
            .output()
            .map_err(|err| format!("cannot run the {name} harness: {err}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let summary = stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .find(|line| line.get("summary").is_some())
            .ok_or_else(|| {
                format!("the {name} harness stopped ({}): {}", output.status, String::from_utf8_lossy(&output.stderr))
            })?;
        let count = |class: &str| summary["summary"][class].as_u64().unwrap_or(0);
        rows.push(Row {
            document: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            checks,
            inputs: summary["inputs"].as_u64().unwrap_or(0),
            valid: summary["valid"].as_u64().unwrap_or(0),
            accepted: count("accepted"),
            rejected: count("rejected"),
            valid_rejected: count("valid rejected"),
            by_design: count("array") + count("flatten") + count("enum") + count("union"),
            disagreements: stdout
                .lines()
                .filter(|line| line.starts_with("{\"disagreement\"") || line.starts_with("{\"panic\""))
                .map(str::to_owned)
                .collect(),
            valid_rejections: stdout
                .lines()
                .filter(|line| line.starts_with("{\"valid rejected\""))
                .map(str::to_owned)
                .collect(),
            disagreeing: count("disagreement") + count("panic"),
            seconds: prepare_seconds + build_share + started.elapsed().as_secs_f64(),
        });
    }
    Ok(rows)
}

/// Generates a document's two `types.rs` and writes its harness crate; returns the crate's name and the
/// number of checks.
fn prepare(root: &Path, dir: &Path, path: &Path, plan: &Plan) -> Result<(String, usize), String> {
    let harness = Harness {
        prefix: "decoders-",
        run_rs: RUN_RS,
        main: |types| {
            let mut main = String::from(
                "//! Generated by `cargo xtask decoders`: the generated types read two ways, one check per response type.\n\n\
                 #![allow(dead_code, deprecated, unused_imports)]\n\nmod derived;\nmod run;\nmod types;\n\n\
                 static CHECKS: &[run::Check] = &[\n",
            );
            for ty in types {
                let reference = ty.replace("types ::", "derived ::");
                let _ = writeln!(main, "    run::check::<{ty}, {reference}>,");
            }
            main.push_str("];\n\nfn main() {\n    run::main(CHECKS);\n}\n");
            main
        },
        dependencies: &[],
    };
    write_harness(root, dir, path, plan.tamper, &harness).map(|(name, types)| (name, types.len()))
}

/// Builds the harness crates `members` of the workspace in `dir` into `target` (optimized where `release`).
pub(crate) fn build_harnesses(dir: &Path, target: &Path, members: &[String], release: bool) -> Result<(), String> {
    let mut build = Command::new(env!("CARGO"));
    build.args(["build", "--quiet", "--message-format", "short"]).current_dir(dir).env("CARGO_TARGET_DIR", target);
    if release {
        build.arg("--release");
    }
    for name in members {
        build.args(["-p", name]);
    }
    let output = build.output().map_err(|err| format!("cannot run cargo: {err}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().filter(|line| line.contains("error")).take(5).collect::<Vec<_>>().join("\n");
        return Err(format!("building the harnesses failed:\n{first}"));
    }
    Ok(())
}

/// A harness crate's own parts: its name prefix, its `run.rs`, its `main.rs` (from the response types'
/// Rust paths, each check's index its place) and its dependencies beside the generated crate's and
/// `clientgen-values`.
pub(crate) struct Harness {
    pub prefix: &'static str,
    pub run_rs: &'static str,
    pub main: fn(&[&str]) -> String,
    pub dependencies: &'static [(&'static str, &'static str)],
}

/// Writes the harness crate of the document at `path` under `dir`: the generated `types.rs`, the same
/// types read by serde's derive (`derived.rs`, rewritten by `tamper` if given), the document as JSON, its
/// JSON response cases (`[check, schema pointer, label]`), its untagged unions' variants, and `harness`'s
/// own parts. Returns the crate's name and the checks' response types (their Rust paths), in order.
pub(crate) fn write_harness(
    root: &Path,
    dir: &Path,
    path: &Path,
    tamper: Option<fn(String) -> String>,
    harness: &Harness,
) -> Result<(String, Vec<String>), String> {
    let document = path.display().to_string();
    let text = fs::read_to_string(path).map_err(|err| format!("{document}: {err}"))?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = crate::corpus::crate_name(&file_name).replacen("corpus-", harness.prefix, 1);
    let runtime = root.join("generator").join("runtime");
    let mut options = clientgen::Options::for_spec(path, &format!("{{ path = {:?} }}", runtime.display().to_string()));
    options.crate_name = name.clone();
    // As `cargo xtask corpus` does: real-world documents carry mistakes with one safe reading.
    options.lenient = true;
    let files = clientgen::generate(path, &text, &options).map_err(|err| format!("{document}: {err}"))?;
    let contents = |wanted: &str| generated_file(&files, wanted, &document);
    let mut derived = clientgen::reference_types(path, &text, &options).map_err(|err| format!("{document}: {err}"))?;
    if let Some(tamper) = tamper {
        derived = tamper(derived);
    }
    let responses =
        clientgen::response_types(path, &text, true).map_err(|err| format!("{document}: response types: {err}"))?;
    let mut types: Vec<&str> = Vec::new();
    let (mut cases, mut events) = (Vec::new(), Vec::new());
    for response in &responses {
        let check = match types.iter().position(|t| *t == response.rust_type) {
            Some(check) => check,
            None => {
                types.push(&response.rust_type);
                types.len() - 1
            }
        };
        let label = format!("{} {}", response.operation, response.status);
        let case = serde_json::json!([check, format!("{}/schema", response.media), label]);
        if response.events { events.push(case) } else { cases.push(case) }
    }
    if cases.is_empty() {
        return Err(format!("{document}: no JSON response bodies to decode"));
    }
    let crate_dir = dir.join("crates").join(&name);
    let values = root.join("tests").join("values");
    let mut manifest = harness_manifest(&name, contents("Cargo.toml")?)?;
    let values = format!("{{ path = {:?} }}", values.display().to_string());
    let mut dependencies = vec![("clientgen-values", values.as_str())];
    dependencies.extend(harness.dependencies.iter().copied());
    add_dependencies(&mut manifest, &dependencies);
    write_if_changed(&crate_dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&crate_dir.join("src").join("types.rs"), contents("src/types.rs")?)?;
    write_if_changed(&crate_dir.join("src").join("derived.rs"), &derived)?;
    write_if_changed(&crate_dir.join("src").join("run.rs"), harness.run_rs)?;
    write_if_changed(&crate_dir.join("src").join("main.rs"), &(harness.main)(&types))?;
    let doc = clientgen::read_document(path, &text).map_err(|err| format!("{document}: {err}"))?;
    let doc = serde_json::to_string(&doc).map_err(|err| err.to_string())?;
    write_if_changed(&crate_dir.join("document.json"), &doc)?;
    let cases = serde_json::to_string(&cases).map_err(|err| err.to_string())?;
    write_if_changed(&crate_dir.join("cases.json"), &cases)?;
    // The types of event streams' events, in the same form (`cargo xtask bench-decode` times them).
    let events = serde_json::to_string(&events).map_err(|err| err.to_string())?;
    write_if_changed(&crate_dir.join("events.json"), &events)?;
    let unions = serde_json::to_string(&untagged_variants(contents("src/types.rs")?)).map_err(|err| err.to_string())?;
    write_if_changed(&crate_dir.join("unions.json"), &unions)?;
    Ok((name, types.iter().map(|ty| (*ty).to_owned()).collect()))
}

/// The variant names of the untagged unions of a generated `types.rs`: each decoder of such a union maps
/// its value with `Self::<Variant>` inside a `clientgen_runtime::untagged::deserialize` call.
fn untagged_variants(types: &str) -> Vec<String> {
    let mut names: Vec<String> = types
        .split("clientgen_runtime::untagged::deserialize(")
        .skip(1)
        .flat_map(|call| {
            // The impl ends at the first line that closes an item; long names wrap (`.map(\n Self::Name,\n)`).
            let call: String = call.split("\n}\n").next().unwrap_or_default().split_whitespace().collect();
            call.split(".map(Self::")
                .skip(1)
                .map(|rest| rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
                .collect::<Vec<String>>()
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The table of a run: per document the checks, inputs, agreements and disagreements, then the
/// disagreements themselves.
pub fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<28} {:>7} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>8}\n",
        "document",
        "checks",
        "inputs",
        "valid",
        "accepted",
        "rejected",
        "by design",
        "valid rej",
        "disagree",
        "seconds"
    );
    for row in rows {
        let _ = writeln!(
            out,
            "{:<28} {:>7} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>8.1}",
            row.document,
            row.checks,
            row.inputs,
            row.valid,
            row.accepted,
            row.rejected,
            row.by_design,
            row.valid_rejected,
            row.disagreeing,
            row.seconds
        );
    }
    for row in rows {
        for line in row.disagreements.iter().chain(&row.valid_rejections) {
            let _ = writeln!(out, "{}: {line}", row.document);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untagged_variants_are_read_from_the_union_impls_only_whatever_the_wrapping() {
        let types = "impl<'de> Deserialize<'de> for Source {\n    fn deserialize() {\n        \
                     clientgen_runtime::untagged::deserialize(\n            deserializer,\n            &[\n                \
                     (Shape::of(Kind::String), |value| serde_json::from_value(value).map(Self::Text)),\n                \
                     (\n                    Shape::of(Kind::Object),\n                    |value| {\n                        \
                     serde_json::from_value(value)\n                            .map(\n                                \
                     Self::AVeryLongVariantNameThatWraps,\n                            )\n                    },\n                \
                     ),\n            ],\n        )\n    }\n}\n\n\
                     impl Tagged {\n    fn f() { x.map(Self::NotAUnionVariant) }\n}\n";
        assert_eq!(untagged_variants(types), ["AVeryLongVariantNameThatWraps", "Text"]);
    }
}
