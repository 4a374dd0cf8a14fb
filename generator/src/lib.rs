//! `clientgen` turns an OpenAPI 3.0 document into a typed Rust HTTP client crate.
//!
//! The pipeline is one module per stage, each importing only from the stages before it:
//! `load` (text → `openapiv3::OpenAPI` via serde_yaml) → `model` (references resolved, names decided,
//! responses classified, validated once) → `emit` (tokens with `quote`, and the manifest) → `render`
//! (`syn` + prettyplease). `error`, `names` and `extensions` (our vendor extensions, read into typed values)
//! are leaves every stage may use.
//!
//! Generated crates depend on `clientgen-runtime`, which holds the machinery that does not vary between
//! APIs. What a client needs beyond standard OpenAPI is said by the spec through our vendor extensions
//! (see the README's "Vendor extensions").

mod emit;
mod error;
mod extensions;
mod load;
mod model;
mod names;
mod probes;
mod render;
mod surface;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use error::{Error, ErrorKind};
#[doc(hidden)]
pub use names::is_keyword;
#[doc(hidden)]
pub use probes::{Credential, FormPart, Input, InputKind, OperationInputs, PagingProbe, ResponseType};
pub use render::Rendering;

/// The generator's version, written into every generated file's header.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How to generate one crate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The package name, e.g. `deskpro-client`.
    pub crate_name: String,
    /// The package version.
    pub crate_version: String,
    /// The `clientgen-runtime` dependency as a TOML value, e.g. `{ path = "../../generator/runtime" }`.
    pub runtime_dependency: String,
    /// The spec's path as shown in headers (relative to the repository, say).
    pub spec_display: String,
    /// Accept mistakes that have one safe reading instead of failing (a path parameter used in the path
    /// but never declared becomes a required string, noted in the docs).
    pub lenient: bool,
    /// Derives added to every type of `types.rs` beside its own (`Debug`, `Clone`, `PartialEq`, and of
    /// `Serialize` and `Deserialize` those its directions need: a type only sent has no `Deserialize`, one
    /// only received no `Serialize`; naming either here puts it on every type), as paths (`Eq`, `Hash`,
    /// `schemars::JsonSchema`). `Eq`, `Hash`, `PartialOrd` and `Ord`
    /// go only on the types whose every part has them (no `f64` for `Eq`, `Hash` or `Ord`; no
    /// `serde_json::Value` for the orderings; no `Secret` for `Hash` or the orderings); any other derive goes
    /// on every type, and its crate must be among `dependencies`.
    pub derives: Vec<String>,
    /// Component schemas replaced by existing Rust types: schema key (as in the spec) → type path
    /// (`pet_types::Pet`). The schema is not generated; `types::<Name>` becomes an alias of the type, which
    /// must (de)serialize as the schema does. Its crate must be among `dependencies`.
    pub replacements: BTreeMap<String, String>,
    /// Further `[dependencies]` of the generated crate: name and TOML value (`{ path = "../../types" }`).
    pub dependencies: Vec<(String, String)>,
    /// One cargo feature per group of operations (their tags, else the first segment of their paths), all on
    /// by default, so a caller compiles only the groups they use (see the README). With `false`, everything
    /// is compiled in every build and the manifest declares no such feature.
    pub group_features: bool,
    /// Pagination rules for the operations whose spec declares none, each our `x-clientgen-pagination` form
    /// with a `match` (which operations it covers), as JSON (see the README, "Pagination"). The first rule
    /// that matches an operation and fits its types makes it paged.
    pub pagination: Vec<serde_json::Value>,
    /// How the Rust files are rendered (threads or not); the output is the same.
    pub rendering: Rendering,
    /// The command the generated files' header tells a reader to run after changing the spec
    /// (`cargo xtask gen`, `clientgen gen`, `cargo build` for a build script's output).
    pub regenerate_with: String,
}

impl Options {
    /// Options for a spec file `name.yaml`: crate `name-client` 0.1.0, runtime at `runtime_dependency`.
    pub fn for_spec(spec: &Path, runtime_dependency: &str) -> Self {
        let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Self {
            crate_name: format!("{}-client", heck::ToKebabCase::to_kebab_case(stem.as_str())),
            crate_version: "0.1.0".into(),
            runtime_dependency: runtime_dependency.into(),
            spec_display: spec.display().to_string(),
            lenient: false,
            derives: Vec::new(),
            replacements: BTreeMap::new(),
            dependencies: Vec::new(),
            group_features: true,
            pagination: Vec::new(),
            rendering: Rendering::default(),
            regenerate_with: "cargo xtask gen".into(),
        }
    }
}

/// One file of a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate's directory.
    pub path: PathBuf,
    /// Contents.
    pub contents: String,
}

/// What a spec describes, counted as the generator reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Operations (each becomes a `Client` method).
    pub operations: usize,
    /// Named types (in `types.rs`).
    pub types: usize,
    /// Lenient mode: references to schemas that do not exist, each kept as JSON (a warning).
    pub dangling_refs: usize,
}

/// Generates a crate from spec text read from `file`. Same input, same bytes.
pub fn generate(file: &Path, text: &str, options: &Options) -> Result<Vec<GeneratedFile>, Error> {
    generate_with_report(file, text, options).map(|(files, _)| files)
}

/// Generates a crate as [`generate`] does, with the report of what the user may want to declare: the
/// operations that look paged (a GET with a `page`, `cursor`, `offset`, … parameter, or a `next`,
/// `has_more`, … property) but that no pagination extension or rule covers, and pagination extensions of
/// other tools that say what cannot be followed, one line each. A report, not an error.
pub fn generate_with_report(
    file: &Path,
    text: &str,
    options: &Options,
) -> Result<(Vec<GeneratedFile>, Vec<String>), Error> {
    let (mut api, header) = model(file, text, options)?;
    let report = std::mem::take(&mut api.paging_report);
    let (lib, types) = render::rust_files(file, &header, &api, options.rendering)?;
    let package = emit::Package {
        name: &options.crate_name,
        version: &options.crate_version,
        runtime_dependency: &options.runtime_dependency,
        dependencies: &options.dependencies,
    };
    let manifest = format!("{}{}", header.replace("// ", "# "), emit::cargo_toml(&api, &package));
    let files = vec![
        GeneratedFile { path: "Cargo.toml".into(), contents: manifest },
        GeneratedFile { path: "README.md".into(), contents: emit::readme(&api, &options.crate_name) },
        GeneratedFile { path: "src/lib.rs".into(), contents: lib },
        GeneratedFile { path: "src/types.rs".into(), contents: types },
    ];
    Ok((files, report))
}

/// Generates the client as the items of one module, for a build script that writes them into `OUT_DIR` and a
/// crate that `include!`s them (`mod pets { include!(concat!(env!("OUT_DIR"), "/pets.rs")); }`): what
/// [`generate`] puts in `lib.rs`, with `types.rs` as an inline `pub mod types`, and without the crate-level
/// attributes (the README front page, `forbid(unsafe_code)`, a raised `recursion_limit`), which only a crate
/// root may carry. The including crate declares the dependencies the generated `Cargo.toml` would list; set
/// `options.group_features` to `false` unless it declares the group features too.
pub fn generate_module(file: &Path, text: &str, options: &Options) -> Result<String, Error> {
    let (api, header) = model(file, text, options)?;
    render::module(file, &header, &api)
}

/// The model of the spec and the header of every file generated from it.
fn model(file: &Path, text: &str, options: &Options) -> Result<(model::Api, String), Error> {
    emit::check_options(file, &options.derives, &options.dependencies)?;
    let custom = model::Custom {
        lenient: options.lenient,
        replacements: &options.replacements,
        derives: &options.derives,
        group_features: options.group_features,
        pagination: &options.pagination,
    };
    let (loaded, api) = read(file, text, custom)?;
    let header = format!(
        "// @generated by clientgen {VERSION} from {} (sha256 {}).\n// Do not edit: change the spec and run `{}`.\n\n",
        options.spec_display, loaded.sha256, options.regenerate_with
    );
    Ok((api, header))
}

/// What `new` (a crate as [`generate`] renders it) breaks for code written against `old` (the same crate's
/// files as they were, for example on disk before regenerating), one line each: removed operations, types,
/// properties, variants and optional inputs; inputs and properties that became required; changed types of
/// arguments, properties and answers; items compiled with fewer features than before. Additions (a new
/// operation, optional input or property, enum value or error status) break nothing and are not listed.
pub fn breaking_changes(old: &[GeneratedFile], new: &[GeneratedFile]) -> Vec<String> {
    surface::breaking_changes(
        old.iter().map(|f| (f.path.as_path(), f.contents.as_str())),
        new.iter().map(|f| (f.path.as_path(), f.contents.as_str())),
        emit::FULL_FEATURE,
    )
}

/// Loads and models the spec: a required field the document leaves out is an error unless `custom` is
/// lenient, and a model error gets the line and column of its pointer.
fn read(file: &Path, text: &str, custom: model::Custom<'_>) -> Result<(load::Loaded, model::Api), Error> {
    let loaded = load::load(file, text)?;
    if let Some(omitted) = loaded.omitted.first().filter(|_| !custom.lenient) {
        return Err(omitted.clone());
    }
    let api = model::build(file, &loaded.doc, custom, &emit::RESERVED).map_err(|mut err| {
        if err.position.is_none() && !err.pointer.is_empty() {
            err.position = load::position(text, &err.pointer);
        }
        err
    })?;
    Ok((loaded, api))
}

/// Reads and generates the spec at `path`.
pub fn generate_file(path: &Path, options: &Options) -> Result<Vec<GeneratedFile>, Error> {
    let text = std::fs::read_to_string(path).map_err(|err| Error::new(path, "", ErrorKind::Io(err.to_string())))?;
    generate(path, &text, options)
}

/// Reads spec text as [`generate`] does and counts what it describes, without generating anything.
pub fn summarize(file: &Path, text: &str, lenient: bool) -> Result<Summary, Error> {
    let (_, api) = read(file, text, model::Custom::none(lenient))?;
    Ok(Summary { operations: api.operations.len(), types: api.types.len(), dangling_refs: api.dangling.len() })
}

/// The spec text as JSON, as the generator reads it (YAML mapping keys as strings, merge keys applied, tags
/// dropped), before any normalization: for tests that walk a spec beside what the generator made of it.
#[doc(hidden)]
pub fn read_document(file: &Path, text: &str) -> Result<serde_json::Value, Error> {
    load::json(file, text)
}

/// The `src/types.rs` that [`generate`] makes with `options`, but with its structs and string enums read by
/// serde's derive instead of the written-out impls: the reference that the differential decoder test
/// holds the written-out impls to (same types, same values; serde's derive reads more code to compile and
/// also takes a JSON array for a struct). Not for a crate's use.
#[doc(hidden)]
pub fn reference_types(file: &Path, text: &str, options: &Options) -> Result<String, Error> {
    let (api, header) = model(file, text, options)?;
    render::derived_types(file, &header, &api)
}

/// Every documented JSON response body of the spec with its Rust type, and the type of each event of an
/// event stream: for tests that decode a spec's own response examples into the generated types.
#[doc(hidden)]
pub fn response_types(file: &Path, text: &str, lenient: bool) -> Result<Vec<ResponseType>, Error> {
    let (_, api) = read(file, text, model::Custom::none(lenient))?;
    Ok(probes::response_types(&api))
}

/// Every operation's inputs as the crate that [`generate`] makes with `options` takes them (arguments and
/// setters, their Rust types, the credential): for test drivers that call every operation.
/// The pagination of a document's operations (see [`PagingProbe`]), for the corpus figures.
#[doc(hidden)]
pub fn paging_probe(file: &Path, text: &str, options: &Options) -> Result<PagingProbe, Error> {
    let (mut api, _) = model(file, text, options)?;
    Ok(probes::paging(&mut api))
}

#[doc(hidden)]
pub fn operation_inputs(file: &Path, text: &str, options: &Options) -> Result<Vec<OperationInputs>, Error> {
    let (api, _) = model(file, text, options)?;
    Ok(probes::operation_inputs(&api))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The modules each stage may import from: the stages before it and the leaves (`error`, `names`,
    /// `extensions`), never a later stage, so imports run one way and no two modules import each other.
    const ALLOWED: &[(&str, &[&str])] = &[
        ("error", &[]),
        ("names", &[]),
        ("extensions", &["error"]),
        ("load", &["error", "extensions"]),
        ("model", &["error", "names", "extensions"]),
        ("emit", &["error", "names", "extensions", "model"]),
        ("render", &["error", "emit", "model"]),
        ("probes", &["emit", "model"]),
        ("surface", &[]),
    ];

    /// Every `crate::<module>` a source file mentions.
    fn crate_paths(text: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for (at, _) in text.match_indices("crate::") {
            let preceded = text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
            let name: String =
                text[at + "crate::".len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !preceded && !name.is_empty() {
                found.insert(name);
            }
        }
        found
    }

    fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn imports_run_one_way_through_the_pipeline() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &mut files);
        let mut checked = 0;
        for file in files {
            let relative = file.strip_prefix(&src).unwrap();
            let stage = relative.iter().next().unwrap().to_string_lossy().trim_end_matches(".rs").to_owned();
            if stage == "lib" {
                continue;
            }
            let Some((_, allowed)) = ALLOWED.iter().find(|(name, _)| *name == stage) else {
                panic!("{}: a module of no known stage; add it to ALLOWED", relative.display());
            };
            let text = std::fs::read_to_string(&file).unwrap();
            for used in crate_paths(&text) {
                assert!(
                    used == stage || allowed.contains(&used.as_str()),
                    "{} ({stage}) imports crate::{used}, which {stage} may not use",
                    relative.display()
                );
            }
            checked += 1;
        }
        assert!(checked >= 20, "only {checked} files checked");
    }

    #[test]
    fn crate_paths_are_found_in_code() {
        let found = crate_paths("use crate::model::{Api};\nlet x = crate::emit::lit(\"\"); // mycrate::nope");
        assert_eq!(found, BTreeSet::from(["emit".to_owned(), "model".to_owned()]));
    }
}
