//! `cargo xtask bench-compile DOC`: what a generated crate costs its users at every build. Generates the
//! crate for one document (and, with `--vs-progenitor`, cargo-progenitor's for the same document), builds
//! their dependencies once, then times `cargo check` and `cargo build` (debug) of each crate alone, runs
//! interleaved, `CARGO_INCREMENTAL=0`, after touching the crate's sources, and prints the medians and the
//! ratio. A benchmark: it reports, it asserts nothing, and CI does not run it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

/// What to measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bench {
    /// The OpenAPI document.
    pub document: PathBuf,
    /// Also generate and time cargo-progenitor's crate.
    pub vs_progenitor: bool,
    /// Timed runs of each command per crate.
    pub runs: usize,
    /// Only these cargo features of our crate (`--no-default-features --features …`); `None`: the default.
    pub features: Option<Vec<String>>,
    /// Also time these crates of the crates registry (`--vs=name[@version][:feature,…][+name…]`), the
    /// crates users of the API pick today; the crates of one `--vs` are timed together.
    pub vs: Vec<Peer>,
}

/// Crates of the crates registry timed together, as one subject: an API split into several crates
/// (async-stripe 1.0's), each rebuilt before every run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer(pub Vec<Registry>);

impl Peer {
    /// Reads `name[@version][:feature,…]`, or several joined by `+`.
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split('+').map(Registry::parse).collect::<Result<_, _>>().map(Self)
    }

    /// How the report names it: the first crate, and how many more.
    fn label(&self) -> String {
        let first = self.0.first().map_or("", |c| c.name.as_str());
        let features = if self.0.iter().any(|c| !c.features.is_empty()) { "+" } else { "" };
        match self.0.len() {
            0 | 1 => format!("{first}{features}"),
            n => format!("{first}{features} & {} more", n - 1),
        }
    }
}

/// A crate of the crates registry to time beside ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    /// Its name.
    pub name: String,
    /// Its version requirement (`*`: the newest the registry serves).
    pub version: String,
    /// The features turned on (beside its default ones).
    pub features: Vec<String>,
}

impl Registry {
    /// Reads `name[@version][:feature,…]`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (crate_part, features) = text.split_once(':').unwrap_or((text, ""));
        let (name, version) = crate_part.split_once('@').unwrap_or((crate_part, "*"));
        let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
        if !valid(name) || version.is_empty() {
            return Err(format!("--vs: `{text}`: expected a crate name, then `@version` and `:feature,…` if wanted"));
        }
        let features: Vec<String> =
            features.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_owned).collect();
        if let Some(bad) = features.iter().find(|f| !f.chars().all(|c| c.is_ascii_alphanumeric() || "-_/".contains(c)))
        {
            return Err(format!("--vs: `{text}`: `{bad}` is not a feature name"));
        }
        Ok(Self { name: name.to_owned(), version: version.to_owned(), features })
    }
}

/// One crate's figures.
struct Measured {
    label: String,
    lines: usize,
    check: Vec<Duration>,
    build: Vec<Duration>,
}

/// A crate to time: where it is, the cargo arguments that select it, and how it is made to build again.
struct Subject {
    label: String,
    dir: PathBuf,
    cargo_args: Vec<String>,
    /// Whose sources are touched before each run; `None`: registry crates, cleaned (`cargo clean -p`
    /// of each of `cargo_args`' packages).
    sources: Option<PathBuf>,
    /// Its own target directory, where it has one: a registry crate's, so that cleaning it rebuilds no
    /// other subject's dependency (`itoa` is also serde_json's).
    target: Option<PathBuf>,
}

/// Runs the benchmark and returns its report.
pub fn run(root: &Path, bench: &Bench) -> Result<String, String> {
    let scratch = root.join("target").join("bench-compile");
    let target_dir = scratch.join("target");
    let text = fs::read_to_string(&bench.document).map_err(|e| format!("{}: {e}", bench.document.display()))?;
    let ours = scratch.join("clientgen");
    let _ = fs::remove_dir_all(&ours);
    let runtime = root.join("generator").join("runtime");
    let mut options =
        clientgen::Options::for_spec(&bench.document, &format!("{{ path = {:?} }}", runtime.display().to_string()));
    options.crate_name = "bench-clientgen".to_owned();
    options.lenient = true;
    let files = clientgen::generate(&bench.document, &text, &options).map_err(|e| e.to_string())?;
    for file in &files {
        write(&ours.join(&file.path), &file.contents)?;
    }
    // Its own workspace, with the repository's lock file: the dependency versions the project tests.
    append_workspace(&ours.join("Cargo.toml"))?;
    let _ = fs::copy(root.join("Cargo.lock"), ours.join("Cargo.lock"));
    let mut cargo_args = vec!["-p".to_owned(), "bench-clientgen".to_owned()];
    if let Some(features) = &bench.features {
        cargo_args.push("--no-default-features".to_owned());
        if !features.is_empty() {
            cargo_args.push(format!("--features={}", features.join(",")));
        }
    }
    let sources = Some(ours.join("src"));
    let mut subjects = vec![Subject { label: "clientgen".to_owned(), dir: ours, cargo_args, sources, target: None }];
    if bench.vs_progenitor {
        let theirs = scratch.join("progenitor");
        let _ = fs::remove_dir_all(&theirs);
        let status = Command::new(env!("CARGO"))
            .args(["progenitor", "-i"])
            .arg(&bench.document)
            .arg("-o")
            .arg(&theirs)
            .args(["-n", "bench-progenitor", "-v", "0.1.0"])
            // It prints its type space.
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| {
                format!("cannot run `cargo progenitor` ({e}): install it with `cargo install cargo-progenitor`")
            })?;
        if !status.success() {
            return Err("cargo progenitor failed (install it with `cargo install cargo-progenitor`)".into());
        }
        append_workspace(&theirs.join("Cargo.toml"))?;
        subjects.push(Subject {
            label: "progenitor".to_owned(),
            sources: Some(theirs.join("src")),
            target: None,
            dir: theirs,
            cargo_args: vec!["-p".to_owned(), "bench-progenitor".to_owned()],
        });
    }
    for peer in &bench.vs {
        // A crate of its own that depends on the registry crates: only the latter are timed.
        let name: Vec<&str> = peer.0.iter().map(|c| c.name.as_str()).collect();
        // Named by the first crate (and how many more: a path holds no long list).
        let key = match name.len() {
            1 => name[0].to_owned(),
            n => format!("{}-and-{}", name[0], n - 1),
        };
        let dir = scratch.join(format!("vs-{key}"));
        let mut manifest = "[package]\nname = \"bench-vs\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
                            publish = false\n\n[dependencies]\n"
            .to_owned();
        for registry in &peer.0 {
            let features: Vec<String> = registry.features.iter().map(|f| format!("{f:?}")).collect();
            let _ = writeln!(
                manifest,
                "{} = {{ version = {:?}, features = [{}] }}",
                registry.name,
                registry.version,
                features.join(", ")
            );
        }
        manifest.push_str("\n[workspace]\n");
        write(&dir.join("Cargo.toml"), &manifest)?;
        write(&dir.join("src").join("lib.rs"), "")?;
        let target = Some(scratch.join(format!("target-vs-{key}")));
        let cargo_args = name.iter().flat_map(|n| ["-p".to_owned(), (*n).to_owned()]).collect();
        subjects.push(Subject { label: peer.label(), dir, cargo_args, sources: None, target });
    }
    // Dependencies built once per profile, so that each timing is the crate's own.
    for subject in &subjects {
        for command in ["check", "build"] {
            cargo(subject, command, &target_dir)?;
        }
    }
    let mut measured: Vec<Measured> = subjects
        .iter()
        .map(|s| Measured {
            label: s.label.clone(),
            lines: match &s.sources {
                Some(sources) => rust_lines(sources),
                None => registry_sources(s, &target_dir).iter().map(|src| rust_lines(src)).sum(),
            },
            check: vec![],
            build: vec![],
        })
        .collect();
    for run in 0..bench.runs {
        for (subject, figures) in subjects.iter().zip(&mut measured) {
            for command in ["check", "build"] {
                match &subject.sources {
                    Some(sources) => touch(sources)?,
                    None => clean(subject, &target_dir)?,
                }
                let took = cargo(subject, command, &target_dir)?;
                eprintln!("run {}/{}: {} {command}: {:.2} s", run + 1, bench.runs, subject.label, took.as_secs_f64());
                if command == "check" { figures.check.push(took) } else { figures.build.push(took) }
            }
        }
    }
    Ok(report(bench, &measured))
}

/// `cargo <command>` of the subject, timed.
fn cargo(subject: &Subject, command: &str, target_dir: &Path) -> Result<Duration, String> {
    let started = Instant::now();
    let output = Command::new(env!("CARGO"))
        .arg(command)
        .arg("--quiet")
        .args(&subject.cargo_args)
        .current_dir(&subject.dir)
        .env("CARGO_TARGET_DIR", subject.target.as_deref().unwrap_or(target_dir))
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let took = started.elapsed();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!("cargo {command} of {} failed:\n{}", subject.label, tail.join("\n")));
    }
    Ok(took)
}

/// Removes a registry crate's build, so that cargo builds it (alone) again.
fn clean(subject: &Subject, target_dir: &Path) -> Result<(), String> {
    let output = Command::new(env!("CARGO"))
        .args(["clean", "--quiet"])
        .args(&subject.cargo_args)
        .current_dir(&subject.dir)
        .env("CARGO_TARGET_DIR", subject.target.as_deref().unwrap_or(target_dir))
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("cargo clean of {} failed: {}", subject.label, String::from_utf8_lossy(&output.stderr)))
    }
}

/// Where the registry crates' sources are (from `cargo metadata`).
fn registry_sources(subject: &Subject, target_dir: &Path) -> Vec<PathBuf> {
    let Ok(output) = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1"])
        .current_dir(&subject.dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
    else {
        return Vec::new();
    };
    let Ok(metadata) = serde_json::from_slice::<serde_json::Value>(&output.stdout) else { return Vec::new() };
    let names: Vec<&str> = subject.cargo_args.iter().filter(|a| *a != "-p").map(String::as_str).collect();
    let packages = metadata["packages"].as_array().map(Vec::as_slice).unwrap_or_default();
    packages
        .iter()
        .filter(|p| p["name"].as_str().is_some_and(|n| names.contains(&n)))
        .filter_map(|p| Some(Path::new(p["manifest_path"].as_str()?).parent()?.to_path_buf()))
        .collect()
}

/// Makes the crate its own workspace, so that it builds outside this repository's.
fn append_workspace(manifest: &Path) -> Result<(), String> {
    let text = fs::read_to_string(manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    if text.lines().any(|line| line.trim() == "[workspace]") {
        return Ok(());
    }
    write(manifest, &format!("{text}\n[workspace]\n"))
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}

/// Sets every Rust file's modification time to now, so that cargo rebuilds the crate.
fn touch(dir: &Path) -> Result<(), String> {
    let now = SystemTime::now();
    for file in crate::files_under(dir).into_iter().filter(|p| p.extension().is_some_and(|e| e == "rs")) {
        fs::File::options()
            .append(true)
            .open(&file)
            .and_then(|f| f.set_modified(now))
            .map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(())
}

fn rust_lines(dir: &Path) -> usize {
    crate::files_under(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter_map(|p| fs::read_to_string(p).ok())
        .map(|text| text.lines().count())
        .sum()
}

/// The median of some durations, in seconds.
fn median(times: &[Duration]) -> f64 {
    let mut secs: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
    secs.sort_by(f64::total_cmp);
    match secs.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => secs[n / 2],
        n => (secs[n / 2 - 1] + secs[n / 2]) / 2.0,
    }
}

fn report(bench: &Bench, measured: &[Measured]) -> String {
    let mut out = format!("{} ({} runs, CARGO_INCREMENTAL=0", bench.document.display(), bench.runs);
    match &bench.features {
        Some(features) => {
            let _ =
                write!(out, ", features: {}", if features.is_empty() { "none".to_owned() } else { features.join(",") });
        }
        None => out.push_str(", default features"),
    }
    out.push_str(")\n");
    let width = measured.iter().map(|m| m.label.chars().count() + 2).max().unwrap_or(0).max(12);
    let _ = writeln!(out, "{:<width$} {:>9} {:>10} {:>10}", "crate", "lines", "check s", "build s");
    for m in measured {
        let _ =
            writeln!(out, "{:<width$} {:>9} {:>10.2} {:>10.2}", m.label, m.lines, median(&m.check), median(&m.build));
    }
    if let [ours, others @ ..] = measured {
        for theirs in others {
            let _ = writeln!(
                out,
                "{:<width$} {:>9} {:>9.2}× {:>9.2}×",
                format!("÷ {}", theirs.label),
                "",
                median(&ours.check) / median(&theirs.check),
                median(&ours.build) / median(&theirs.build)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_crates_are_named_with_a_version_and_features() {
        let parsed = Registry::parse("async-stripe@1.0.0-alpha.2:full,billing").unwrap();
        assert_eq!(
            parsed,
            Registry {
                name: "async-stripe".into(),
                version: "1.0.0-alpha.2".into(),
                features: vec!["full".into(), "billing".into()]
            }
        );
        assert_eq!(Registry::parse("octocrab").unwrap().version, "*");
        assert!(Registry::parse("").is_err());
        assert!(Registry::parse("a b").is_err());
        assert!(Registry::parse("x:\"evil").is_err());
        let split = Peer::parse("async-stripe-core:full+async-stripe-shared").unwrap();
        assert_eq!(split.0.len(), 2);
        assert_eq!((split.0[1].name.as_str(), split.0[1].features.len()), ("async-stripe-shared", 0));
        assert_eq!(split.label(), "async-stripe-core+ & 1 more");
        assert!(Peer::parse("a+").is_err());
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        let secs = |list: &[u64]| list.iter().map(|&s| Duration::from_secs(s)).collect::<Vec<_>>();
        assert_eq!(median(&secs(&[5, 1, 3])), 3.0);
        assert_eq!(median(&secs(&[4, 1, 3, 2])), 2.5);
        assert!(median(&[]).is_nan());
    }
}
