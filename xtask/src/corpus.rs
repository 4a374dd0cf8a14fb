//! `cargo xtask corpus [DIR]`: generate a crate for every OpenAPI 3.0 document under DIR and `cargo check`
//! each (one shared target directory), then print a table and `N passed, M failed`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// One document's outcome.
pub struct Row {
    /// Path relative to the corpus directory.
    pub document: String,
    /// Operations in the generated client (`-` when generation failed).
    pub operations: Option<usize>,
    /// Generation time.
    pub generate_ms: f64,
    /// Lines of generated Rust.
    pub lines: usize,
    /// `ok`, or the first error.
    pub result: Result<(), String>,
    /// `cargo check` time.
    pub check_s: f64,
    /// Warnings from `cargo check`.
    pub warnings: usize,
    /// Lenient mode's warnings: `$ref`s to schemas that do not exist, kept as JSON.
    pub dangling_refs: usize,
    /// Whether it was checked.
    pub checked: bool,
}

/// The OpenAPI 3.0 and 3.1 documents under `dir` (`v31/` holds the 3.1 ones), sorted.
pub fn documents(dir: &Path) -> Vec<PathBuf> {
    crate::files_under(dir)
        .into_iter()
        .filter(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect()
}

/// The crate name of a corpus document: `corpus-` and its path with every other character a `-`.
pub(crate) fn crate_name(document: &str) -> String {
    let stem: String = document
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml")
        .trim_end_matches(".json")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    format!("corpus-{stem}")
}

/// Which documents `run` also `cargo check`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// None: generate only.
    None,
    /// Every document.
    All,
    /// Documents up to this many bytes.
    UpTo(u64),
    /// Documents over this many bytes (what `UpTo` of the same size leaves out).
    Over(u64),
}

/// Generates every document and `cargo check`s those `check` selects.
pub fn run(root: &Path, dir: &Path, check: Check) -> Result<Vec<Row>, String> {
    let scratch = root.join("target").join("corpus");
    let _ = fs::remove_dir_all(scratch.join("crates"));
    fs::create_dir_all(scratch.join("crates")).map_err(|e| e.to_string())?;
    let runtime = root.join("generator").join("runtime");
    let runtime_dep = format!("{{ path = {:?} }}", runtime.display().to_string());
    let mut rows = Vec::new();
    let mut members = Vec::new();
    for path in documents(dir) {
        let document = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
        let name = crate_name(&document);
        let mut options = clientgen::Options::for_spec(Path::new(&document), &runtime_dep);
        options.crate_name = name.clone();
        // Real-world documents carry mistakes; accept those with one safe reading.
        options.lenient = true;
        let text = fs::read_to_string(&path).map_err(|e| format!("{document}: {e}"))?;
        let to_check = match check {
            Check::None => false,
            Check::All => true,
            Check::UpTo(limit) => text.len() as u64 <= limit,
            Check::Over(limit) => text.len() as u64 > limit,
        };
        let started = Instant::now();
        let generated = clientgen::generate(Path::new(&document), &text, &options);
        let generate_ms = started.elapsed().as_secs_f64() * 1000.0;
        let mut row = Row {
            document: document.clone(),
            operations: None,
            generate_ms,
            lines: 0,
            result: Ok(()),
            check_s: 0.0,
            warnings: 0,
            dangling_refs: 0,
            checked: false,
        };
        match generated {
            Ok(files) => {
                let crate_dir = scratch.join("crates").join(&name);
                for file in &files {
                    let target = crate_dir.join(&file.path);
                    if let Some(parent) = target.parent() {
                        fs::create_dir_all(parent).map_err(|e| e.to_string())?;
                    }
                    fs::write(&target, &file.contents).map_err(|e| e.to_string())?;
                    if file.path.extension().is_some_and(|e| e == "rs") {
                        row.lines += file.contents.lines().count();
                    }
                }
                // Counted apart from the timing: the operations the model found.
                let summary = clientgen::summarize(Path::new(&document), &text, true).ok();
                row.operations = summary.map(|summary| summary.operations);
                row.dangling_refs = summary.map_or(0, |summary| summary.dangling_refs);
                if to_check {
                    members.push(name);
                }
            }
            Err(err) => row.result = Err(format!("generate: {}", err.kind)),
        }
        rows.push(row);
    }
    let mut manifest = String::from("[workspace]\nresolver = \"3\"\nmembers = [\n");
    for member in &members {
        let _ = writeln!(manifest, "    \"crates/{member}\",");
    }
    manifest.push_str("]\n");
    fs::write(scratch.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    // The repository's lock file pins the same dependency versions the project uses.
    let _ = fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"));
    if !members.is_empty() {
        // Build the shared dependencies first, so that each document's time is its own crate's.
        let warm_up = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "-p", "clientgen-runtime"])
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", root.join("target").join("corpus-target"))
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !warm_up.success() {
            return Err("cargo check of the runtime failed".into());
        }
    }
    for row in rows.iter_mut().filter(|row| row.result.is_ok()) {
        let name = crate_name(&row.document);
        if members.contains(&name) {
            row.checked = true;
            let started = Instant::now();
            let output = Command::new(env!("CARGO"))
                .args(["check", "--quiet", "--message-format", "short", "-p", &name])
                .current_dir(&scratch)
                .env("CARGO_TARGET_DIR", root.join("target").join("corpus-target"))
                .output()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            row.check_s = started.elapsed().as_secs_f64();
            let stderr = String::from_utf8_lossy(&output.stderr);
            row.warnings = stderr.lines().filter(|l| l.contains(": warning: ")).count();
            if !output.status.success() {
                let first = stderr.lines().find(|l| l.contains(": error")).unwrap_or("cargo check failed");
                row.result = Err(format!("check: {first}"));
            } else if row.warnings > 0 {
                let first = stderr.lines().find(|l| l.contains(": warning: ")).unwrap_or("");
                row.result = Err(format!("warnings: {first}"));
            }
        }
    }
    Ok(rows)
}

/// The table, with `N passed, M failed` last.
pub fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<44} {:>5} {:>9} {:>7} {:>8} {:>5} {:>5}  result\n",
        "document", "ops", "gen ms", "lines", "check s", "warn", "refs"
    );
    for row in rows {
        let ops = row.operations.map_or("-".to_owned(), |n| n.to_string());
        let check_s = if row.checked { format!("{:.1}", row.check_s) } else { "-".to_owned() };
        let result = match &row.result {
            Ok(()) => "ok".to_owned(),
            Err(err) => err.chars().take(160).collect(),
        };
        let _ = writeln!(
            out,
            "{:<44} {:>5} {:>9.1} {:>7} {:>8} {:>5} {:>5}  {}",
            row.document, ops, row.generate_ms, row.lines, check_s, row.warnings, row.dangling_refs, result
        );
    }
    let passed = rows.iter().filter(|r| r.result.is_ok()).count();
    let dangling: usize = rows.iter().map(|r| r.dangling_refs).sum();
    if dangling > 0 {
        let _ = writeln!(out, "refs: {dangling} `$ref`(s) to nothing, kept as JSON (lenient mode's warnings)");
    }
    let _ = writeln!(out, "{} passed, {} failed", passed, rows.len() - passed);
    out
}
