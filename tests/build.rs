//! Generates the types of a few construct specs (`tests/constructs/`) into `OUT_DIR`, so that
//! `tests/generated_types.rs` can compile them and check what they do on the wire, and the whole clients of
//! `pagination.yaml`, `parameters.yaml`, `request_body_encodings.yaml`, `responses.yaml` and `token_resources.yaml` as modules
//! (`clientgen::generate_module`, what a user's build script includes) for the behaviour tests (`calling_surface`, `downloads`, `events`, `uploads`, `retries`, …), with the
//! generator as it is now (a change to the generator rebuilds them).

use std::path::{Path, PathBuf};

/// The construct specs whose whole client (`lib.rs` as a module, with its `types`) a behaviour test uses.
const CLIENTS: &[&str] = &[
    "mock_server",
    "pagination",
    "parameters",
    "request_body_encodings",
    "responses",
    "token_resources",
    "webhooks",
    "webhooks_by_header",
];

/// The construct specs whose generated types the behaviour tests use.
const SPECS: &[&str] = &[
    "all_of",
    "mock_server",
    "discriminator",
    "enums",
    "nullability",
    "additional_properties",
    "unions",
    "openapi_31",
    "refs",
    "parameters",
    "request_body_encodings",
    "responses",
    "token_resources",
    "pagination",
    "webhooks",
    "webhooks_by_header",
    "feature_groups",
];

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    settings_client(&out);
    gated_types(&out);
    for name in SPECS {
        let relative = Path::new("tests").join("constructs").join(format!("{name}.yaml"));
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("constructs").join(format!("{name}.yaml"));
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let mut options = clientgen::Options::for_spec(&relative, "{ path = \"unused\" }");
        // Included into this crate, which declares none of a crate's features: every operation and type.
        options.group_features = false;
        // The types alone are tested both ways on the wire; the clients' types go the ways their operations
        // send and receive them.
        if !CLIENTS.contains(name) {
            options.derives = vec!["Serialize".to_owned(), "Deserialize".to_owned()];
        }
        let files = clientgen::generate(&relative, &text, &options).unwrap_or_else(|err| panic!("{err}"));
        std::fs::write(out.join(format!("{name}_types.rs")), types_items(&files)).expect("OUT_DIR is writable");
        if CLIENTS.contains(name) {
            // As a module, the way a user's build script includes a client (`clientgen::generate_module`).
            let module = clientgen::generate_module(&relative, &text, &options).unwrap_or_else(|err| panic!("{err}"));
            std::fs::write(out.join(format!("{name}_lib.rs")), module).expect("OUT_DIR is writable");
        }
    }
}

/// The client of `settings/pets.yaml` with the settings of `settings/clientgen.toml` (`tests/settings.rs`
/// checks these options give what `cargo xtask gen` makes of that file), as a module using the replacement
/// type of `fixtures/replacement-types`.
fn settings_client(out: &Path) {
    let relative = Path::new("specs").join("pets.yaml");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("settings").join("pets.yaml");
    println!("cargo::rerun-if-changed={}", path.display());
    let mut options = clientgen::Options::for_spec(&relative, "unused");
    options.lenient = true;
    options.derives = ["Eq", "Hash", "PartialOrd", "Ord", "Serialize"].map(String::from).to_vec();
    options.replacements.insert("Pet".into(), "replacement_types::Pet".into());
    options.group_features = false;
    options.pagination = vec![serde_json::json!({
        "match": {"query": ["page"], "header": "Link"},
        "items": "the-array",
        "link": "next",
    })];
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let files = clientgen::generate(&relative, &text, &options).unwrap_or_else(|err| panic!("{err}"));
    std::fs::write(out.join("settings_types.rs"), types_items(&files)).expect("OUT_DIR is writable");
    let module = clientgen::generate_module(&relative, &text, &options).unwrap_or_else(|err| panic!("{err}"));
    std::fs::write(out.join("settings_lib.rs"), module).expect("OUT_DIR is writable");
}

/// The types of `feature_groups.yaml` with their group features, which this crate does not declare: the
/// build of a user who turned none of them on (`generated_types.rs` reads an expanded object left out so).
fn gated_types(out: &Path) {
    let relative = Path::new("tests").join("constructs").join("feature_groups.yaml");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("constructs").join("feature_groups.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let mut options = clientgen::Options::for_spec(&relative, "{ path = \"unused\" }");
    options.derives = vec!["Serialize".to_owned(), "Deserialize".to_owned()];
    let files = clientgen::generate(&relative, &text, &options).unwrap_or_else(|err| panic!("{err}"));
    std::fs::write(out.join("feature_groups_gated_types.rs"), types_items(&files)).expect("OUT_DIR is writable");
}

/// The generated `types.rs` as items for `include!`: without its inner doc comment.
fn types_items(files: &[clientgen::GeneratedFile]) -> String {
    let types = files.iter().find(|file| file.path.ends_with("types.rs")).expect("a types.rs is generated");
    types.contents.lines().filter(|line| !line.starts_with("//!")).flat_map(|line| [line, "\n"]).collect()
}
