//! `cargo xtask` acts on the checkout it runs in, found at run time: two checkouts that share one target
//! directory (and so one xtask binary) each regenerate their own `generated/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A second checkout in a temporary directory: a workspace manifest, `xtask/Cargo.toml` and one spec.
fn other_checkout(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("clientgen-root-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("xtask")).unwrap();
    fs::create_dir_all(root.join("specs")).unwrap();
    fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = [\"xtask\"]\n").unwrap();
    fs::write(root.join("xtask/Cargo.toml"), "[package]\nname = \"xtask\"\nversion = \"0.1.0\"\n").unwrap();
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/evolution/v1.yaml");
    fs::copy(spec, root.join("specs/shop.yaml")).unwrap();
    root
}

fn xtask(cwd: &Path, manifest_dir: Option<&Path>, args: &[&str]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).current_dir(cwd);
    match manifest_dir {
        Some(dir) => command.env("CARGO_MANIFEST_DIR", dir),
        None => command.env_remove("CARGO_MANIFEST_DIR"),
    };
    command.output().unwrap()
}

#[test]
fn gen_acts_on_the_checkout_cargo_runs_it_in() {
    let root = other_checkout("manifest");
    let this_repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    // As `cargo xtask gen` runs it in the other checkout: CARGO_MANIFEST_DIR is that checkout's xtask/.
    let output = xtask(&root, Some(&root.join("xtask")), &["gen"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("shop-client"));
    let manifest = fs::read_to_string(root.join("generated/shop/Cargo.toml")).unwrap();
    assert!(manifest.contains("from specs/shop.yaml"), "{manifest}");
    assert!(!this_repo.join("generated/shop").exists(), "gen wrote into the checkout it was compiled in");
    // `check` reads the same checkout: clean now, stale after the spec changes.
    assert!(xtask(&root, Some(&root.join("xtask")), &["check"]).status.success());
    let spec = root.join("specs/shop.yaml");
    fs::write(&spec, fs::read_to_string(&spec).unwrap().replace("title:", "title: Changed")).unwrap();
    let output = xtask(&root, Some(&root.join("xtask")), &["check"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("stale: generated/shop/"));
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn without_cargo_the_current_directory_decides() {
    let root = other_checkout("cwd");
    let output = xtask(&root.join("specs"), None, &["gen"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(root.join("generated/shop/src/lib.rs").exists());
    // Outside any checkout: an error that says so, not a guess.
    let outside = root.join("generated");
    fs::remove_file(root.join("xtask/Cargo.toml")).unwrap();
    let output = xtask(&outside, None, &["check"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not inside a clientgen checkout"), "{stderr}");
    fs::remove_dir_all(&root).unwrap();
}
