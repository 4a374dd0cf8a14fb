//! Per-spec settings (`specs/clientgen.toml`) as `cargo xtask gen` applies them: each one's effect on the
//! generated crate (snapshots of `tests/settings/pets.yaml` under `tests/settings/clientgen.toml`), a schema
//! replaced by the type of a local crate (`tests/fixtures/replacement-types`) in a client that compiles and
//! decodes into it, and settings the generator refuses, located in the settings file.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

// The client `build.rs` generates with the options of `tests/settings/clientgen.toml`.
#[allow(dead_code, unused_imports, clippy::all)]
mod api {
    include!(concat!(env!("OUT_DIR"), "/settings_lib.rs"));
}

use api::types::{Kind, Measure, Note, Owner};

/// A scratch repository with `tests/settings/pets.yaml` as its one spec and `settings` as its
/// `specs/clientgen.toml` (none when `None`).
fn scratch(name: &str, settings: Option<&str>) -> PathBuf {
    let root = std::env::temp_dir().join(format!("clientgen-settings-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("specs")).unwrap();
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("settings");
    fs::copy(here.join("pets.yaml"), root.join("specs/pets.yaml")).unwrap();
    if let Some(settings) = settings {
        fs::write(root.join("specs/clientgen.toml"), settings).unwrap();
    }
    root
}

fn settings_file() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("settings/clientgen.toml")).unwrap()
}

/// The one crate `xtask` plans for `root`, as `(path, contents)`.
fn planned(root: &Path) -> Vec<(String, String)> {
    let plan = xtask::plan(root).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(plan.len(), 1);
    plan[0].files.iter().map(|f| (f.path.display().to_string(), f.contents.clone())).collect()
}

#[test]
fn every_setting_shows_in_the_generated_crate() {
    let root = scratch("effects", Some(&settings_file()));
    let files = planned(&root);
    for (path, contents) in &files {
        insta::assert_snapshot!(format!("pets_settings__{}", path.replace(['/', '.'], "_")), contents);
    }
    // What the tests below compile is what `gen` writes with these settings.
    let types = files.iter().find(|(path, _)| path == "src/types.rs").map(|(_, text)| text).unwrap();
    let compiled = include_str!(concat!(env!("OUT_DIR"), "/settings_types.rs"));
    let items: String = types.lines().filter(|l| !l.starts_with("//!")).flat_map(|l| [l, "\n"]).collect();
    assert_eq!(items, compiled, "build.rs's options differ from tests/settings/clientgen.toml");
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn without_settings_the_defaults_hold() {
    // `lenient` is what lets the undeclared path parameter through.
    let strict = settings_file().replace("lenient = true\n", "");
    let err = xtask::plan(&scratch("strict", Some(&strict))).err().unwrap();
    assert!(err.contains("specs/pets.yaml") && err.contains("noteId"), "{err}");
    // With `lenient` alone: `pets-client` 0.1.0, the runtime in this repository, no derives beyond the
    // generated ones, `Pet` generated, no further dependencies.
    let root = scratch("plain", Some("[specs.pets]\nlenient = true\n"));
    let files = planned(&root);
    let file = |name: &str| files.iter().find(|(path, _)| path == name).map(|(_, text)| text.as_str()).unwrap();
    let manifest = file("Cargo.toml");
    assert!(manifest.contains("name = \"pets-client\"\nversion = \"0.1.0\""), "{manifest}");
    assert!(manifest.contains("clientgen-runtime = { path = \"../../generator/runtime\" }"), "{manifest}");
    assert!(!manifest.contains("replacement-types"), "{manifest}");
    let types = file("src/types.rs");
    assert!(types.contains("pub struct Pet {"), "{types}");
    assert!(!types.contains("#[derive(Eq") && !types.contains("#[derive(PartialOrd"), "{types}");
}

#[test]
fn the_replacement_type_is_the_users() {
    let owner: Owner = serde_json::from_value(serde_json::json!({
        "name": "Ann",
        "kind": "person",
        "pets": [{"id": 1, "name": "Rex", "tag": "dog"}],
    }))
    .unwrap();
    let pets: &Vec<replacement_types::Pet> = owner.pets.as_ref().unwrap();
    assert_eq!(pets[0].greeting(), "good Rex");
    assert_eq!(serde_json::to_value(&owner).unwrap()["pets"][0]["tag"], "dog");
}

#[test]
fn types_take_the_derives_they_can() {
    // `Owner` (strings, an enum, the replacement type) takes them all.
    let ann = Owner::new("Ann");
    let bob = Owner::new("Bob");
    assert!(ann < bob);
    assert_eq!(HashSet::from([ann.clone(), ann.clone()]).len(), 1);
    assert_eq!(BTreeSet::from([bob.clone(), ann.clone()]).into_iter().next(), Some(ann));
    assert!(Kind::Company > Kind::Person);
    // `Measure` holds an `f64`: `PartialOrd` only.
    let light = Measure { weight: Some(1.5) };
    assert!(light > Measure::default());
    // `Note` holds JSON: `Eq` and `Hash`, not the orderings.
    assert_eq!(HashSet::from([Note::default(), Note::default()]).len(), 1);
}

#[test]
fn settings_the_generator_refuses_are_located_in_the_settings_file() {
    let cases = [
        ("a replacement of a schema the spec lacks", "[specs.pets.replace]\nPett = \"replacement_types::Pet\"\n"),
        ("a replacement that is not a type", "[specs.pets.replace]\nPet = \"replacement types\"\n"),
        ("a derive every type has", "derives = [\"Hash\", \"Clone\"]\n"),
        ("a derive that needs another", "derives = [\"Eq\", \"Ord\"]\n"),
        ("a derive that is not a path", "derives = [\"Eq + Hash\"]\n"),
        ("a dependency the manifest has", "[specs.pets.dependencies]\nserde = \"1\"\n"),
        (
            "a pagination rule that covers nothing",
            "[[specs.pets.pagination]]\nmatch = {}\nitems = \"\"\nlink = \"next\"\n",
        ),
        (
            "a pagination rule with a typo",
            "[[specs.pets.pagination]]\nmatch = { query = [\"page\"] }\nitems = \"\"\nlinks = \"next\"\n",
        ),
    ];
    let mut shown = Vec::new();
    for (i, (what, settings)) in cases.iter().enumerate() {
        let root = scratch(&format!("refused-{i}"), Some(&format!("[specs.pets]\nlenient = true\n{settings}")));
        let err = xtask::plan(&root).err().unwrap_or_else(|| panic!("{what}: accepted"));
        shown.push(format!("{what}:\n{err}"));
        fs::remove_dir_all(&root).unwrap();
    }
    insta::assert_snapshot!(shown.join("\n\n"));
}

#[tokio::test]
async fn a_pagination_rule_of_the_settings_makes_a_list_page() {
    use clientgen_tests::{Mock, MockServer, Request, json, path};
    use futures_util::TryStreamExt;
    let server = MockServer::start().await;
    let next = format!("<{}/owners?page=2>; rel=\"next\"", server.uri());
    Mock::given(path("/owners"))
        .respond_with(move |request: &Request| match request.url.query() {
            None => json(200, serde_json::json!([{"name": "a"}, {"name": "b"}])).insert_header("link", next.as_str()),
            Some("page=2") => json(200, serde_json::json!([{"name": "c"}])),
            Some(other) => panic!("{other}"),
        })
        .mount(&server)
        .await;
    let client = api::Client::with_base_url(&server.uri()).unwrap();
    let owners: Vec<Owner> = client.list_owners().items().try_collect().await.unwrap();
    let names: Vec<&str> = owners.iter().map(|owner| owner.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
