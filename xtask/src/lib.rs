//! Project tasks behind `cargo xtask`: `gen` regenerates `generated/` from `specs/`; `check` fails when
//! `generated/` differs from what `gen` would write; `corpus` and `examples` run the generator on the
//! real-world documents; `features` checks one document's crate with each feature alone; `bench-compile`
//! times a crate. A library too, so tests can run the same checks.

pub mod bench;
pub mod bench_decode;
pub mod cli;
pub mod conformance;
pub mod corpus;
pub mod decoders;
pub mod examples;
pub mod features;
pub mod mutants;
pub mod orphans;
pub mod pagination;
pub mod tools;

use std::path::{Path, PathBuf};

pub use clientgen_cli::project::files_under;
pub use clientgen_cli::{Planned, settings};

/// How the generated crates depend on the runtime: by path, inside this repository.
pub const RUNTIME_DEPENDENCY: &str = "{ path = \"../../generator/runtime\" }";

/// The root of the checkout `cargo xtask` (or a test) runs in: the nearest directory, from the running
/// package's directory (`CARGO_MANIFEST_DIR`, which cargo sets when it runs a binary or a test) or else the
/// current directory upwards, that holds `xtask/Cargo.toml` and `specs/`. Found at run time, not where the
/// binary was compiled, so two checkouts sharing one target directory each act on their own files.
pub fn find_root() -> Result<PathBuf, String> {
    let start = match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => std::env::current_dir().map_err(|err| format!("cannot read the current directory: {err}"))?,
    };
    start
        .ancestors()
        .find(|dir| dir.join("xtask").join("Cargo.toml").is_file() && dir.join("specs").is_dir())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "{} is not inside a clientgen checkout (no parent holds xtask/Cargo.toml and specs/): run `cargo \
                 xtask` in the repository",
                start.display()
            )
        })
}

/// [`find_root`], for tests: panics with its message when there is no checkout around.
pub fn repo_root() -> PathBuf {
    find_root().unwrap_or_else(|message| panic!("{message}"))
}

/// This repository's specs and crates: `specs/` → `generated/`, the runtime by path.
pub fn project(root: &Path) -> clientgen_cli::Project {
    clientgen_cli::Project::new(root)
        .with_default_runtime(RUNTIME_DEPENDENCY)
        .with_regenerate_command("cargo xtask gen")
}

/// Generates every spec in memory. Any failure fails the whole run, before anything is written.
pub fn plan(root: &Path) -> Result<Vec<Planned>, String> {
    project(root).plan()
}

/// `cargo xtask gen`: regenerates every crate and returns its report (see [`clientgen_cli::Project::generate`]).
pub fn gen_all(root: &Path) -> Result<Vec<String>, String> {
    project(root).generate(&[])
}

/// `cargo xtask gen SPEC…`: regenerates the crates of the specs `only` names (every spec when empty).
pub fn gen_specs(root: &Path, only: &[String]) -> Result<Vec<String>, String> {
    project(root).generate(only)
}

/// `cargo xtask check`: `Err` naming the files when `generated/` differs from what `gen` would write.
pub fn check(root: &Path) -> Result<(), String> {
    project(root).check().map(|line| println!("{line}"))
}
