//! A project: a directory of specs with their `clientgen.toml`, and the directory their crates are generated
//! into. [`Project::generate`] regenerates the crates (all or nothing, naming what breaks callers) and
//! [`Project::check`] fails when they are stale; `clientgen gen`/`check` and `cargo xtask gen`/`check` are
//! these two calls.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clientgen::GeneratedFile;

use crate::diff;
use crate::settings::Settings;

/// Where a project's specs are and where its crates go.
#[derive(Debug, Clone)]
pub struct Project {
    root: PathBuf,
    specs: PathBuf,
    out: PathBuf,
    default_runtime: Option<String>,
    regenerate_with: String,
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
    /// What the user may want to declare (operations that look paged but are not declared so): a report.
    pub report: Vec<String>,
}

/// How many pagination report lines `gen` prints per crate.
const REPORTED: usize = 20;

impl Project {
    /// The project at `root`: specs in `root/specs`, crates written to `root/generated/<stem>/`, messages
    /// naming files relative to `root`, and no default for the `clientgen-runtime` dependency (the settings
    /// must say where it comes from).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Self {
            specs: root.join("specs"),
            out: root.join("generated"),
            root,
            default_runtime: None,
            regenerate_with: "clientgen gen".into(),
        }
    }

    /// The specs directory (relative paths are taken from the root).
    pub fn with_specs_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.specs = self.root.join(dir);
        self
    }

    /// The directory the crates are written to, one directory per spec stem (relative paths are taken from
    /// the root).
    pub fn with_out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out = self.root.join(dir);
        self
    }

    /// The `clientgen-runtime` dependency (TOML, such as `{ path = "../../runtime" }`) of crates whose
    /// settings name none.
    pub fn with_default_runtime(mut self, dependency: &str) -> Self {
        self.default_runtime = Some(dependency.to_owned());
        self
    }

    /// The command the generated files' headers name for regenerating them (default `clientgen gen`).
    pub fn with_regenerate_command(mut self, command: &str) -> Self {
        self.regenerate_with = command.to_owned();
        self
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The specs directory.
    pub fn specs_dir(&self) -> &Path {
        &self.specs
    }

    /// The directory the crates are written to.
    pub fn out_dir(&self) -> &Path {
        &self.out
    }

    /// `path` as shown in messages: relative to the root where it is below it.
    fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string()
    }

    /// Generates every spec in memory. Any failure fails the whole run, before anything is written.
    pub fn plan(&self) -> Result<Vec<Planned>, String> {
        self.plan_specs(&[])
    }

    /// Generates the specs named in `only` (stems or file names; every spec when empty) in memory, with the
    /// settings of `clientgen.toml`. Any failure fails the whole run, before anything is written.
    pub fn plan_specs(&self, only: &[String]) -> Result<Vec<Planned>, String> {
        let mut specs = spec_files(&self.specs)
            .map_err(|err| format!("error: cannot read the specs directory {}: {err}", self.specs.display()))?;
        let stems: Vec<String> = specs.iter().map(|spec| stem(spec)).collect();
        let shown_dir = PathBuf::from(self.display(&self.specs));
        let settings = Settings::load(&self.specs, &shown_dir, &stems).map_err(|err| format!("error: {err}"))?;
        if let Some(unknown) = only.iter().find(|name| !specs.iter().any(|spec| names_spec(spec, name))) {
            let known = if stems.is_empty() { "there are none".to_owned() } else { stems.join(", ") };
            return Err(format!("error: no spec `{unknown}` in {}/; the specs are: {known}", shown_dir.display()));
        }
        if !only.is_empty() {
            specs.retain(|spec| only.iter().any(|name| names_spec(spec, name)));
        }
        let mut planned = Vec::new();
        let mut failures = Vec::new();
        for spec in specs {
            let relative = PathBuf::from(self.display(&spec));
            let stem = stem(&spec);
            let Some(runtime) = settings.runtime(&stem).or_else(|| self.default_runtime.clone()) else {
                failures.push(format!(
                    "error: {}: no `runtime` says where the crate of `{stem}` finds clientgen-runtime; set it at the \
                     top of the file (or in [specs.{stem}]), as `runtime = {{ git = \"https://…\" }}`, \
                     `runtime = {{ path = \"…\" }}` (relative to the crate's directory) or `runtime = \"0.1\"`",
                    settings.file()
                ));
                continue;
            };
            let mut options = settings.options(&relative, &stem, &runtime);
            options.regenerate_with = self.regenerate_with.clone();
            let started = Instant::now();
            let result = match fs::read_to_string(&spec) {
                Ok(text) => clientgen::generate_with_report(&relative, &text, &options),
                Err(err) => Err(clientgen::Error::new(&relative, "", clientgen::ErrorKind::Io(err.to_string()))),
            };
            let millis = started.elapsed().as_secs_f64() * 1000.0;
            match result {
                Ok((files, report)) => {
                    planned.push(Planned { name: options.crate_name, dir: self.out.join(stem), files, millis, report })
                }
                Err(err) => failures.push(format!("error: {}", settings.explain(&stem, &err))),
            }
        }
        if failures.is_empty() {
            Ok(planned)
        } else {
            failures.push(format!("{} spec(s) failed; {}/ was not touched", failures.len(), self.display(&self.out)));
            Err(failures.join("\n"))
        }
    }

    /// Regenerates the crates of the specs `only` names (every spec's when empty) and returns the report: a
    /// line per crate, with a `<crate>: breaking: …` line after each rewritten crate whose callers the change
    /// breaks. On any spec error nothing is written. Crates whose spec is gone are removed only when every
    /// spec is regenerated.
    pub fn generate(&self, only: &[String]) -> Result<Vec<String>, String> {
        let started = Instant::now();
        let planned = self.plan_specs(only)?;
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
            // The operations that look paged but that nothing declares: a report, once per crate written.
            if written > 0 {
                let report = &crate_plan.report;
                lines.extend(
                    report.iter().take(REPORTED).map(|line| format!("{}: pagination: {line}", crate_plan.name)),
                );
                if report.len() > REPORTED {
                    lines.push(format!(
                        "{}: pagination: … and {} more operation(s) that look paged but are not declared so",
                        crate_plan.name,
                        report.len() - REPORTED
                    ));
                }
            }
            if written > 0 {
                let breaking = breaking_changes(crate_plan);
                if !breaking.is_empty() {
                    lines.push(format!("{}: breaking: {}", crate_plan.name, breaking.join("; ")));
                }
            }
        }
        write_all_atomic(&changes)?;
        let stale = if only.is_empty() { self.stale_crates(&planned) } else { Vec::new() };
        for stale in stale {
            fs::remove_dir_all(&stale).map_err(|err| format!("cannot remove {}: {err}", stale.display()))?;
            lines.push(format!("{:<24} removed (its spec is gone)", self.display(&stale)));
        }
        lines.push(format!("{} crate(s) in {:.1} ms", planned.len(), started.elapsed().as_secs_f64() * 1000.0));
        Ok(lines)
    }

    /// `Ok` with a line to print when the output directory is what [`Project::generate`] would write; else `Err`
    /// naming each stale, missing or extra file, with a short unified diff of each stale one (the first few in
    /// full, then only their names).
    pub fn check(&self) -> Result<String, String> {
        let planned = self.plan()?;
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
                        let name = self.display(path);
                        let diff = diff::unified(&name, &String::from_utf8_lossy(&bytes), contents);
                        problems.push(format!("stale: {name}\n{}", diff.trim_end()));
                    }
                    Ok(_) => problems.push(format!("stale: {} (diff not shown)", self.display(path))),
                    Err(_) => problems.push(format!("missing: {}", self.display(path))),
                }
            }
            for path in files_under(&crate_plan.dir) {
                if !expected.contains_key(&path) {
                    problems.push(format!("not generated (remove it): {}", self.display(&path)));
                }
            }
        }
        for stale in self.stale_crates(&planned) {
            problems.push(format!("no spec for: {}", self.display(&stale)));
        }
        if problems.is_empty() {
            Ok(format!("{}/ is up to date ({} crate(s))", self.display(&self.out), planned.len()))
        } else {
            problems.push(format!("run `{}` and commit the result", self.regenerate_with));
            Err(problems.join("\n"))
        }
    }

    /// Crate directories under the output directory whose spec is gone.
    fn stale_crates(&self, planned: &[Planned]) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.out) else {
            return Vec::new();
        };
        let mut stale: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|path| path.is_dir() && !planned.iter().any(|p| &p.dir == path))
            .collect();
        stale.sort();
        stale
    }
}

/// The spec files (`.yaml`, `.yml`, `.json`) of `dir`, sorted.
pub(crate) fn spec_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut specs: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    specs.sort();
    Ok(specs)
}

/// A spec file's stem, which names its crate and its table in `clientgen.toml`.
pub(crate) fn stem(spec: &Path) -> String {
    spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Whether `name` (a stem or a file name) names the spec file `spec`.
fn names_spec(spec: &Path, name: &str) -> bool {
    stem(spec) == name || spec.file_name().is_some_and(|file| file.to_string_lossy() == name)
}

/// What regenerating `crate_plan` breaks for code written against the crate now on disk (nothing for a new
/// crate).
fn breaking_changes(crate_plan: &Planned) -> Vec<String> {
    let on_disk: Vec<GeneratedFile> = crate_plan
        .files
        .iter()
        .filter_map(|file| {
            let contents = fs::read_to_string(crate_plan.dir.join(&file.path)).ok()?;
            Some(GeneratedFile { path: file.path.clone(), contents })
        })
        .collect();
    clientgen::breaking_changes(&on_disk, &crate_plan.files)
}

/// How many stale files `check` shows a diff of.
const MAX_DIFFS: usize = 5;

/// Every file below `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
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
pub(crate) fn write_all_atomic(changes: &[(PathBuf, &[u8])]) -> Result<(), String> {
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
