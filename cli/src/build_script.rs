//! For a crate that does not commit generated code: its `build.rs` generates the client into `OUT_DIR` on
//! every change of the spec, and its `lib.rs` includes it as a module.
//!
//! ```no_run
//! // build.rs (with `clientgen-cli` among the [build-dependencies])
//! fn main() -> Result<(), clientgen_cli::build_script::Error> {
//!     clientgen_cli::build_script::generate("specs/pets.yaml")?;
//!     Ok(())
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! pub mod pets {
//!     include!(concat!(env!("OUT_DIR"), "/pets.rs"));
//! }
//! ```
//!
//! The spec's table in a `clientgen.toml` beside it applies (name, lenient, derives, replacements), as for
//! `clientgen gen`; the crate declares the dependencies the generated `Cargo.toml` would list
//! (`clientgen-runtime`, `reqwest`, `serde`, `serde_json`, and `chrono` or `uuid` where the spec has such
//! formats). Every operation and type is compiled: the including crate declares no group features.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use crate::project::{spec_files, stem};
use crate::settings::{self, Settings};

/// A spec that does not generate, located as `gen` locates it (`specs/pets.yaml:12:5 at #/paths/…: …`), or
/// a build script run outside cargo.
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// As `Display`, so that a build script's `main` returning this error prints the located message as it is.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Generates the client of `spec` (a path relative to the crate's directory) into `$OUT_DIR/<stem>.rs`, to be
/// `include!`d as a module, and tells cargo to run the build script again when the spec or its
/// `clientgen.toml` changes. Returns the file written. The file is rewritten only when its bytes change.
pub fn generate(spec: impl AsRef<Path>) -> Result<PathBuf, Error> {
    let var = |name: &str| {
        std::env::var_os(name).map(PathBuf::from).ok_or_else(|| Error(format!("{name} is not set: run from build.rs")))
    };
    let (manifest_dir, out_dir) = (var("CARGO_MANIFEST_DIR")?, var("OUT_DIR")?);
    let shown = spec.as_ref();
    let path = manifest_dir.join(shown);
    let dir = path.parent().unwrap_or(&manifest_dir).to_path_buf();
    let settings_file = dir.join(settings::FILE);
    println!("cargo::rerun-if-changed={}", path.display());
    // A file that does not exist would rerun the script on every build: watch the directory for its arrival.
    let watched = if settings_file.exists() { &settings_file } else { &dir };
    println!("cargo::rerun-if-changed={}", watched.display());
    let module = module(&path, shown)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let target = out_dir.join(format!("{stem}.rs"));
    if fs::read(&target).ok().as_deref() != Some(module.as_bytes()) {
        crate::project::write_all_atomic(&[(target.clone(), module.as_bytes())]).map_err(Error)?;
    }
    Ok(target)
}

/// The module text of the spec at `path` (shown as `shown`), with the settings of the `clientgen.toml` beside
/// it.
fn module(path: &Path, shown: &Path) -> Result<String, Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let shown_dir = shown.parent().unwrap_or(Path::new(""));
    let stems: Vec<String> = spec_files(dir)
        .map_err(|err| Error(format!("cannot read {}: {err}", dir.display())))?
        .iter()
        .map(|spec| stem(spec))
        .collect();
    let settings = Settings::load(dir, shown_dir, &stems).map_err(|err| Error(err.to_string()))?;
    let stem = stem(path);
    // The runtime dependency goes into a manifest, which a build script does not write.
    let mut options = settings.options(shown, &stem, "{ version = \"*\" }");
    options.group_features = false;
    options.regenerate_with = "cargo build".into();
    let text = fs::read_to_string(path).map_err(|err| Error(format!("cannot read {}: {err}", shown.display())))?;
    clientgen::generate_module(shown, &text, &options).map_err(|err| Error(settings.explain(&stem, &err)))
}
