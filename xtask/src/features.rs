//! `cargo xtask features DOC`: the generated crate of one document, `cargo check`ed with no feature, with
//! each group feature alone (`--no-default-features --features F`) and with the default (every group), in
//! one target directory so that dependencies are built once. Any warning or error fails it. A check, not a
//! benchmark: it times nothing.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One build of the crate.
pub struct Row {
    /// What was built: `(none)`, a feature, or `(default)`.
    pub build: String,
    /// Its warning and error lines (`--message-format short`), empty when clean.
    pub diagnostics: Vec<String>,
    /// Whether cargo succeeded.
    pub ok: bool,
}

/// Generates `document`'s crate under `target/features/` and checks it with each feature: the table, or an
/// error holding the table and the first diagnostics when any build warned or failed.
pub fn run(root: &Path, document: &Path) -> Result<String, String> {
    let text = fs::read_to_string(document).map_err(|e| format!("{}: {e}", document.display()))?;
    let runtime = root.join("generator").join("runtime");
    let mut options =
        clientgen::Options::for_spec(document, &format!("{{ path = {:?} }}", runtime.display().to_string()));
    options.lenient = true;
    let files = clientgen::generate(document, &text, &options).map_err(|e| e.to_string())?;
    let dir = root.join("target").join("features").join(&options.crate_name);
    let _ = fs::remove_dir_all(&dir);
    for file in &files {
        write(&dir.join(&file.path), &file.contents)?;
    }
    let manifest = dir.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    write(&manifest, &format!("{text}\n[workspace]\n"))?;
    let _ = fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
    let rows = check_each(&dir, &root.join("target").join("features-target"))?;
    let table = table(&rows);
    if rows.iter().all(|row| row.ok && row.diagnostics.is_empty()) {
        Ok(table)
    } else {
        let mut shown = table;
        for row in rows.iter().filter(|row| !row.ok || !row.diagnostics.is_empty()) {
            let _ = writeln!(shown, "\n{}:", row.build);
            for line in row.diagnostics.iter().take(20) {
                let _ = writeln!(shown, "  {line}");
            }
        }
        Err(shown)
    }
}

/// The group features the manifest in `dir` declares (beside `default`, `full`, `middleware` and `mock`), in
/// order.
pub fn group_features(dir: &Path) -> Result<Vec<String>, String> {
    let path = dir.join("Cargo.toml");
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let manifest: toml::Table = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let Some(features) = manifest.get("features").and_then(|f| f.as_table()) else { return Ok(Vec::new()) };
    Ok(features
        .keys()
        .filter(|name| !matches!(name.as_str(), "default" | "full" | "middleware" | "mock"))
        .cloned()
        .collect())
}

/// `cargo check` of the crate in `dir` (its own workspace) with no feature, each group feature alone, the
/// default features, and the test doubles (`mock`) with no group and with the default ones, in `target_dir`.
pub fn check_each(dir: &Path, target_dir: &Path) -> Result<Vec<Row>, String> {
    let features = group_features(dir)?;
    let mut builds: Vec<(String, Vec<String>)> = vec![("(none)".to_owned(), vec!["--no-default-features".to_owned()])];
    builds.extend(
        features.iter().map(|f| (f.clone(), vec!["--no-default-features".to_owned(), format!("--features={f}")])),
    );
    builds.push(("(default)".to_owned(), Vec::new()));
    // The test doubles, with no operation and with the default ones.
    builds.push(("(none) + mock".to_owned(), vec!["--no-default-features".to_owned(), "--features=mock".to_owned()]));
    builds.push(("(default) + mock".to_owned(), vec!["--features=mock".to_owned()]));
    let mut rows = Vec::with_capacity(builds.len());
    for (build, args) in builds {
        let output = Command::new(env!("CARGO"))
            .args(["check", "--message-format", "short"])
            .args(&args)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target_dir)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let diagnostics = diagnostics(&stderr).into_iter().map(str::to_owned).collect();
        eprintln!("{build}: {}", if output.status.success() { "checked" } else { "failed" });
        rows.push(Row { build, diagnostics, ok: output.status.success() });
    }
    Ok(rows)
}

/// The rows as a table, and a last line `N clean, M not`.
pub fn table(rows: &[Row]) -> String {
    let mut out = format!("{:<32} {:>9}  result\n", "build", "warnings");
    for row in rows {
        let result = match (row.ok, row.diagnostics.is_empty()) {
            (true, true) => "ok",
            (true, false) => "warned",
            (false, _) => "failed",
        };
        let _ = writeln!(out, "{:<32} {:>9}  {result}", row.build, row.diagnostics.len());
    }
    let clean = rows.iter().filter(|row| row.ok && row.diagnostics.is_empty()).count();
    let _ = writeln!(out, "{clean} clean, {} not", rows.len() - clean);
    out
}

/// The diagnostics in the stderr of `cargo … --message-format short`: each is one line
/// (`path:line:col: warning: …`), beside cargo's own `warning:`/`error:` lines; progress lines
/// (`Checking …`) are not diagnostics.
pub fn diagnostics(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| {
            line.starts_with("warning")
                || line.starts_with("error")
                || line.contains(": warning")
                || line.contains(": error")
        })
        .collect()
}

fn write(path: &PathBuf, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}
