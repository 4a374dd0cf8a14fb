//! Project tasks behind `cargo xtask`: `gen` regenerates `generated/` from `specs/`; `check` fails when
//! `generated/` differs from what `gen` would write; `corpus` and `examples` run the generator on the
//! real-world documents; `features` checks one document's crate with each feature alone; `bench-compile`
//! times a crate. A library too, so tests can run the same checks.

pub mod bench;
pub mod cli;
pub mod corpus;
mod diff;
pub mod examples;
pub mod features;
pub mod settings;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clientgen::GeneratedFile;

/// How the generated crates depend on the runtime: by path, inside this repository.
pub const RUNTIME_DEPENDENCY: &str = "{ path = \"../../generator/runtime\" }";

/// The repository root (the parent of `xtask/`).
pub fn repo_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(Path::to_path_buf).unwrap_or(manifest_dir)
}

/// One spec's generated crate, in memory.
pub struct Planned {
    /// The crate name.
    pub name: String,
    /// Its directory.
    pub dir: PathBuf,
    /// Its files.
    pub files: Vec<GeneratedFile>,
    /// How long generation took.
    pub millis: f64,
}

/// The spec files in `specs/`, sorted.
fn spec_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let specs_dir = root.join("specs");
    let mut specs: Vec<PathBuf> = fs::read_dir(&specs_dir)
        .map_err(|err| format!("cannot read {}: {err}", specs_dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    specs.sort();
    Ok(specs)
}

fn stem(spec: &Path) -> String {
    spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Generates every spec in memory. Any failure fails the whole run, before anything is written.
pub fn plan(root: &Path) -> Result<Vec<Planned>, String> {
    plan_specs(root, &[])
}

/// Generates the specs named in `only` (stems or file names; every spec when empty) in memory, with the
/// settings of `specs/clientgen.toml`. Any failure fails the whole run, before anything is written.
pub fn plan_specs(root: &Path, only: &[String]) -> Result<Vec<Planned>, String> {
    let mut specs = spec_files(root)?;
    let stems: Vec<String> = specs.iter().map(|spec| stem(spec)).collect();
    let settings = settings::Settings::load(root, &stems).map_err(|err| format!("error: {err}"))?;
    if let Some(unknown) = only.iter().find(|name| !specs.iter().any(|spec| names_spec(spec, name))) {
        let known = if stems.is_empty() { "there are none".to_owned() } else { stems.join(", ") };
        return Err(format!("error: no spec `{unknown}` in specs/; the specs are: {known}"));
    }
    if !only.is_empty() {
        specs.retain(|spec| only.iter().any(|name| names_spec(spec, name)));
    }
    let mut planned = Vec::new();
    let mut failures = Vec::new();
    for spec in specs {
        let relative = spec.strip_prefix(root).unwrap_or(&spec).to_path_buf();
        let stem = stem(&spec);
        let options = settings.options(&relative, &stem);
        let started = Instant::now();
        let text = fs::read_to_string(&spec);
        let result = match text {
            Ok(text) => clientgen::generate(&relative, &text, &options),
            Err(err) => Err(clientgen::Error::new(&relative, "", clientgen::ErrorKind::Io(err.to_string()))),
        };
        let millis = started.elapsed().as_secs_f64() * 1000.0;
        match result {
            Ok(files) => planned.push(Planned {
                name: options.crate_name,
                dir: root.join("generated").join(stem),
                files,
                millis,
            }),
            Err(err) => match settings.locate(&stem, &err) {
                Some(located) => failures.push(format!("error: {located}")),
                None => failures.push(format!("error: {err}")),
            },
        }
    }
    if failures.is_empty() {
        Ok(planned)
    } else {
        failures.push(format!("{} spec(s) failed; generated/ was not touched", failures.len()));
        Err(failures.join("\n"))
    }
}

/// Whether `name` (a stem or a file name) names the spec file `spec`.
fn names_spec(spec: &Path, name: &str) -> bool {
    stem(spec) == name || spec.file_name().is_some_and(|file| file.to_string_lossy() == name)
}

/// `cargo xtask gen`: regenerates every crate and returns its report (a line per crate, with a
/// `<crate>: breaking: …` line after each rewritten crate whose callers the change breaks); on any spec error
/// writes nothing.
pub fn gen_all(root: &Path) -> Result<Vec<String>, String> {
    gen_specs(root, &[])
}

/// `cargo xtask gen SPEC…`: regenerates the crates of the specs `only` names (every spec when empty) as
/// [`gen_all`] does; crates whose spec is gone are removed only when every spec is regenerated.
pub fn gen_specs(root: &Path, only: &[String]) -> Result<Vec<String>, String> {
    let started = Instant::now();
    let planned = plan_specs(root, only)?;
    let mut lines = Vec::new();
    let mut changes: Vec<(PathBuf, &[u8])> = Vec::new();
    for crate_plan in &planned {
        let before = changes.len();
        for file in &crate_plan.files {
            let path = crate_plan.dir.join(&file.path);
            if fs::read(&path).ok().as_deref() != Some(file.contents.as_bytes()) {
                changes.push((path, file.contents.as_bytes()));
            }
        }
        let written = changes.len() - before;
        let state = if written == 0 { "unchanged".to_owned() } else { format!("written ({written} file(s))") };
        lines.push(format!("{:<24} {:<22} {:>8.1} ms", crate_plan.name, state, crate_plan.millis));
        if written > 0 {
            let breaking = breaking_changes(crate_plan);
            if !breaking.is_empty() {
                lines.push(format!("{}: breaking: {}", crate_plan.name, breaking.join("; ")));
            }
        }
    }
    write_all_atomic(&changes)?;
    let stale = if only.is_empty() { stale_crates(root, &planned) } else { Vec::new() };
    for stale in stale {
        fs::remove_dir_all(&stale).map_err(|err| format!("cannot remove {}: {err}", stale.display()))?;
        lines.push(format!("{:<24} removed (its spec is gone)", stale.display()));
    }
    lines.push(format!("{} crate(s) in {:.1} ms", planned.len(), started.elapsed().as_secs_f64() * 1000.0));
    Ok(lines)
}

/// What regenerating `crate_plan` breaks for code written against the crate now on disk (nothing for a new
/// crate).
fn breaking_changes(crate_plan: &Planned) -> Vec<String> {
    let on_disk: Vec<clientgen::GeneratedFile> = crate_plan
        .files
        .iter()
        .filter_map(|file| {
            let contents = fs::read_to_string(crate_plan.dir.join(&file.path)).ok()?;
            Some(clientgen::GeneratedFile { path: file.path.clone(), contents })
        })
        .collect();
    clientgen::breaking_changes(&on_disk, &crate_plan.files)
}

/// `cargo xtask check`: `Err` naming the files when `generated/` differs from what `gen` would write, with a
/// short unified diff of each stale one (the first few in full, then only their names).
pub fn check(root: &Path) -> Result<(), String> {
    let planned = plan(root)?;
    let mut problems = Vec::new();
    let mut diffs = 0;
    for crate_plan in &planned {
        let expected: BTreeMap<PathBuf, &str> =
            crate_plan.files.iter().map(|f| (crate_plan.dir.join(&f.path), f.contents.as_str())).collect();
        for (path, contents) in &expected {
            match fs::read(path) {
                Ok(bytes) if bytes == contents.as_bytes() => {}
                Ok(bytes) if diffs < MAX_DIFFS => {
                    diffs += 1;
                    let name = display(root, path);
                    let diff = diff::unified(&name, &String::from_utf8_lossy(&bytes), contents);
                    problems.push(format!("stale: {name}\n{}", diff.trim_end()));
                }
                Ok(_) => problems.push(format!("stale: {} (diff not shown)", display(root, path))),
                Err(_) => problems.push(format!("missing: {}", display(root, path))),
            }
        }
        for path in files_under(&crate_plan.dir) {
            if !expected.contains_key(&path) {
                problems.push(format!("not generated (remove it): {}", display(root, &path)));
            }
        }
    }
    for stale in stale_crates(root, &planned) {
        problems.push(format!("no spec for: {}", display(root, &stale)));
    }
    if problems.is_empty() {
        println!("generated/ is up to date ({} crate(s))", planned.len());
        Ok(())
    } else {
        problems.push("run `cargo xtask gen` and commit the result".into());
        Err(problems.join("\n"))
    }
}

/// How many stale files `check` shows a diff of.
const MAX_DIFFS: usize = 5;

fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// Crate directories under `generated/` whose spec is gone.
fn stale_crates(root: &Path, planned: &[Planned]) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(root.join("generated")) else {
        return Vec::new();
    };
    let mut stale: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|path| path.is_dir() && !planned.iter().any(|p| &p.dir == path))
        .collect();
    stale.sort();
    stale
}

/// Every file below `dir`, sorted.
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Writes every file or none: first each one's bytes to a temporary file beside it (any failure, such as a
/// full disk, removes the temporary files and leaves every target as it was), then renames each over its
/// target, so a reader sees old bytes or new ones, never a mix.
fn write_all_atomic(changes: &[(PathBuf, &[u8])]) -> Result<(), String> {
    let mut staged: Vec<(PathBuf, &Path)> = Vec::new();
    for (path, contents) in changes {
        match stage(path, contents) {
            Ok(tmp) => staged.push((tmp, path)),
            Err(message) => {
                for (tmp, _) in &staged {
                    let _ = fs::remove_file(tmp);
                }
                return Err(message);
            }
        }
    }
    for (tmp, path) in &staged {
        fs::rename(tmp, path).map_err(|err| format!("cannot replace {}: {err}", path.display()))?;
    }
    Ok(())
}

fn stage(path: &Path, contents: &[u8]) -> Result<PathBuf, String> {
    let dir = path.parent().ok_or_else(|| format!("{} has no parent directory", path.display()))?;
    fs::create_dir_all(dir).map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    if let Err(err) = fs::write(&tmp, contents) {
        let _ = fs::remove_file(&tmp);
        return Err(format!("cannot write {}: {err}", path.display()));
    }
    Ok(tmp)
}
