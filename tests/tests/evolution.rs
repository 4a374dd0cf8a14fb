//! Regenerating never breaks a caller silently. `tests/evolution/caller.rs` is written against the crate of
//! `v1.yaml`; it compiles against it and, unchanged, against the crate of `v2.yaml` (additive changes only);
//! it does not compile against `v3.yaml`'s, and `cargo xtask gen` names every change that breaks it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn evolution(file: &str) -> PathBuf {
    xtask::repo_root().join("tests").join("evolution").join(file)
}

fn generate(version: &str) -> Vec<clientgen::GeneratedFile> {
    let spec = Path::new("tests").join("evolution").join(format!("{version}.yaml"));
    let text = fs::read_to_string(evolution(&format!("{version}.yaml"))).unwrap();
    let runtime = xtask::repo_root().join("generator").join("runtime");
    let mut options = clientgen::Options::for_spec(&spec, &format!("{{ path = {:?} }}", runtime.display().to_string()));
    options.crate_name = "api".to_owned();
    clientgen::generate(&spec, &text, &options).unwrap_or_else(|err| panic!("{version}.yaml: {err}"))
}

fn write(path: &Path, contents: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    if fs::read_to_string(path).ok().as_deref() != Some(contents) {
        fs::write(path, contents).unwrap();
    }
}

/// `cargo check` of the caller against the crate of `version`: `Ok` when it compiles without warnings, else
/// the diagnostics.
fn check_caller(scratch: &Path, version: &str) -> Result<(), String> {
    let api = scratch.join("api");
    let _ = fs::remove_dir_all(&api);
    for file in generate(version) {
        write(&api.join(&file.path), &file.contents);
    }
    let caller = fs::read_to_string(evolution("caller.rs")).unwrap();
    write(&scratch.join("caller/src/lib.rs"), &caller);
    write(
        &scratch.join("caller/Cargo.toml"),
        "[package]\nname = \"caller\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\napi = { path = \"../api\" }\n",
    );
    write(&scratch.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = [\"api\", \"caller\"]\n");
    write(&scratch.join("Cargo.lock"), &fs::read_to_string(xtask::repo_root().join("Cargo.lock")).unwrap());
    let output = Command::new(env!("CARGO"))
        .args(["check", "--workspace", "--message-format", "short"])
        .current_dir(scratch)
        // The constructs test builds the same dependencies there: share them.
        .env("CARGO_TARGET_DIR", xtask::repo_root().join("target").join("constructs-check-target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let diagnostics: Vec<&str> =
        stderr.lines().filter(|line| line.contains(": warning") || line.contains(": error")).collect();
    if output.status.success() && diagnostics.is_empty() {
        Ok(())
    } else {
        Err(if diagnostics.is_empty() { stderr.to_string() } else { diagnostics.join("\n") })
    }
}

#[test]
fn a_caller_of_v1_compiles_against_v2_and_not_against_v3() {
    let scratch = xtask::repo_root().join("target").join("evolution");
    check_caller(&scratch, "v1").unwrap_or_else(|err| panic!("the caller does not compile against v1:\n{err}"));
    check_caller(&scratch, "v2").unwrap_or_else(|err| panic!("an additive change broke the caller:\n{err}"));
    let err = check_caller(&scratch, "v3").expect_err("v3 breaks the caller");
    // Each break the caller meets is one the report below names.
    for expected in ["`GetPetError`", "`get_pet`", "`limit`", "`Sold`", "field `tag`"] {
        assert!(err.contains(expected), "the compiler should meet `{expected}`:\n{err}");
    }
}

#[test]
fn additive_changes_are_not_reported_as_breaking() {
    assert_eq!(clientgen::breaking_changes(&generate("v1"), &generate("v2")), Vec::<String>::new());
}

#[test]
fn cargo_xtask_gen_names_each_breaking_change() {
    let root = std::env::temp_dir().join(format!("clientgen-evolution-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("specs")).unwrap();
    let spec = root.join("specs").join("pets.yaml");
    fs::copy(evolution("v1.yaml"), &spec).unwrap();
    let first = xtask::gen_all(&root).unwrap();
    assert!(!first.iter().any(|line| line.contains("breaking")), "{first:?}");
    fs::copy(evolution("v2.yaml"), &spec).unwrap();
    let additive = xtask::gen_all(&root).unwrap();
    assert!(additive[0].starts_with("pets-client") && additive[0].contains("written"), "{additive:?}");
    assert!(!additive.iter().any(|line| line.contains("breaking")), "{additive:?}");
    fs::copy(evolution("v3.yaml"), &spec).unwrap();
    let report = xtask::gen_all(&root).unwrap();
    fs::remove_dir_all(&root).unwrap();
    let breaking: Vec<&str> = report
        .iter()
        .filter_map(|line| line.strip_prefix("pets-client: breaking: "))
        .flat_map(|line| line.split("; "))
        .collect();
    assert_eq!(
        breaking,
        [
            "removed operation `get_pet`",
            "`list_pets`: `limit` is now required (an argument, no longer `.limit(…)`)",
            "removed type `GetPetError`",
            "property `types::NewPet.tag` is now required",
            "property `types::Pet.id` is now `String` (was `i64`)",
            "removed property `types::Pet.tag`",
            "removed variant `types::Status::Sold`",
        ]
    );
}
