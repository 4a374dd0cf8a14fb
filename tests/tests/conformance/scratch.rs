//! The driver crate: the client generated from `tests/conformance/wire.yaml` and `tests/conformance/driver.rs`
//! as its `main`, in a scratch workspace under `target/` with its own target directory (so the shared one is
//! not locked while it builds) and the repository's `Cargo.lock` (so it builds the versions the
//! workspace pins, and builds them once).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The spec, relative to the repository root (as shown in the generated headers).
pub const SPEC: &str = "tests/conformance/wire.yaml";

/// The driver program's source, relative to the repository root.
const DRIVER: &str = "tests/conformance/driver.rs";

/// The shared part of the corpus conformance drivers, whose logging proxy the driver uses.
const WIRE: &str = "xtask/harness/conformance.rs";

/// The driver's manifest: the generated client, and what the driver's own logging proxy needs.
const DRIVER_MANIFEST: &str = r#"[package]
name = "conformance-driver"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
wire-client = { path = "../wire" }
reqwest = { version = "0.12.28", default-features = false, features = ["multipart"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread", "net", "io-util", "io-std", "time"] }
serde = "1"
serde_json = "1"
clientgen-runtime = { path = "../../../generator/runtime" }
"#;

/// Writes `contents` unless the file already holds exactly that (keeps mtimes, so cargo rebuilds nothing).
fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return;
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|err| panic!("cannot create {}: {err}", parent.display()));
    }
    fs::write(path, contents).unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
}

/// Generates the client with the current generator, writes the workspace, and builds the driver; returns the
/// driver binary. Panics with cargo's diagnostics when the driver does not build (as after a change of a
/// generated signature the driver has not followed yet).
pub fn build_driver(root: &Path) -> PathBuf {
    let scratch = root.join("target").join("conformance");
    let target = root.join("target").join("conformance-target");
    let runtime = root.join("generator").join("runtime");
    let mut options =
        clientgen::Options::for_spec(Path::new(SPEC), &format!("{{ path = {:?} }}", runtime.display().to_string()));
    options.crate_name = "wire-client".into();
    let text = fs::read_to_string(root.join(SPEC)).unwrap_or_else(|err| panic!("cannot read {SPEC}: {err}"));
    let files = clientgen::generate(Path::new(SPEC), &text, &options)
        .unwrap_or_else(|err| panic!("{SPEC} does not generate: {err}"));
    for file in files {
        write_if_changed(&scratch.join("wire").join(&file.path), &file.contents);
    }
    let driver = fs::read_to_string(root.join(DRIVER)).unwrap_or_else(|err| panic!("cannot read {DRIVER}: {err}"));
    write_if_changed(&scratch.join("driver").join("src").join("main.rs"), &driver);
    let wire = fs::read_to_string(root.join(WIRE)).unwrap_or_else(|err| panic!("cannot read {WIRE}: {err}"));
    write_if_changed(&scratch.join("driver").join("src").join("wire.rs"), &wire);
    write_if_changed(&scratch.join("driver").join("Cargo.toml"), DRIVER_MANIFEST);
    write_if_changed(&scratch.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = [\"wire\", \"driver\"]\n");
    // Only the first time: later runs keep the lock cargo completed (the driver's own packages).
    if !scratch.join("Cargo.lock").exists() {
        let lock = fs::read_to_string(root.join("Cargo.lock")).expect("the repository has a Cargo.lock");
        write_if_changed(&scratch.join("Cargo.lock"), &lock);
    }
    let output = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--message-format", "short", "-p", "conformance-driver"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the conformance driver does not build against the client generated from {SPEC} (has a generated \
         signature changed? adapt {DRIVER}):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target.join("debug").join(format!("conformance-driver{}", std::env::consts::EXE_SUFFIX))
}
