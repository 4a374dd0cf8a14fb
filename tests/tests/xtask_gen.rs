//! `cargo xtask gen` writes all or nothing: a bad spec or a failing write leaves `generated/` byte-identical.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// A scratch repository with two of the real specs.
fn scratch(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("clientgen-xtask-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("specs")).unwrap();
    for spec in ["deskpro.yaml", "progeny.yaml"] {
        fs::copy(xtask::repo_root().join("specs").join(spec), root.join("specs").join(spec)).unwrap();
    }
    root
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn a_failing_spec_leaves_generated_untouched() {
    let root = scratch("bad-spec");
    xtask::gen_all(&root).unwrap();
    let before = snapshot(&root.join("generated"));
    // Two crates of four files each (Cargo.toml, README.md, src/lib.rs, src/types.rs).
    assert_eq!(before.len(), 8);
    // One spec changes for the better, the other breaks: neither may be written.
    let progeny = root.join("specs/progeny.yaml");
    fs::write(&progeny, fs::read_to_string(&progeny).unwrap().replace("Progeny API v3", "Progeny API v3 (new)"))
        .unwrap();
    fs::write(root.join("specs/deskpro.yaml"), "openapi: 3.0.3\ninfo: [\n").unwrap();
    let err = xtask::gen_all(&root).unwrap_err();
    assert!(err.contains("specs/deskpro.yaml:"), "the error names the spec and its line: {err}");
    assert!(err.contains("generated/ was not touched"), "{err}");
    assert_eq!(snapshot(&root.join("generated")), before);
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_failing_write_leaves_generated_untouched_and_no_temporary_files() {
    let root = scratch("bad-write");
    xtask::gen_all(&root).unwrap();
    let before = snapshot(&root.join("generated"));
    for spec in ["progeny.yaml", "deskpro.yaml"] {
        let path = root.join("specs").join(spec);
        fs::write(&path, fs::read_to_string(&path).unwrap().replace("version: \"", "version: \"9")).unwrap();
    }
    // Writing the last file fails (as on a full disk): a directory stands where its temporary file goes.
    let blocker = root.join(format!("generated/progeny/src/.types.rs.tmp-{}", std::process::id()));
    fs::create_dir_all(&blocker).unwrap();
    let err = xtask::gen_all(&root).unwrap_err();
    assert!(err.contains("cannot write"), "{err}");
    fs::remove_dir_all(&blocker).unwrap();
    assert_eq!(snapshot(&root.join("generated")), before, "every file keeps its old bytes, no temporary file is left");
    // With the disk fixed, the same run writes everything.
    xtask::gen_all(&root).unwrap();
    assert_ne!(snapshot(&root.join("generated")), before);
    xtask::check(&root).unwrap();
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn check_names_stale_missing_and_stray_files() {
    let root = scratch("check");
    xtask::gen_all(&root).unwrap();
    xtask::check(&root).unwrap();
    fs::write(root.join("generated/deskpro/src/lib.rs"), "// edited by hand\n").unwrap();
    fs::remove_file(root.join("generated/progeny/Cargo.toml")).unwrap();
    fs::write(root.join("generated/progeny/src/extra.rs"), "").unwrap();
    let err = xtask::check(&root).unwrap_err();
    assert!(err.contains("stale: generated/deskpro/src/lib.rs"), "{err}");
    assert!(err.contains("missing: generated/progeny/Cargo.toml"), "{err}");
    assert!(err.contains("generated/progeny/src/extra.rs"), "{err}");
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn changed_settings_make_generated_stale_and_check_shows_how() {
    let root = scratch("settings-stale");
    xtask::gen_all(&root).unwrap();
    xtask::check(&root).unwrap();
    // A settings file that changes nothing leaves the crates as they are.
    fs::write(root.join("specs/clientgen.toml"), "[specs.progeny]\nlenient = false\n").unwrap();
    xtask::check(&root).unwrap();
    fs::write(root.join("specs/clientgen.toml"), "[specs.progeny]\nversion = \"3.1.0\"\n").unwrap();
    let err = xtask::check(&root).unwrap_err();
    insta::assert_snapshot!(err);
    xtask::gen_all(&root).unwrap();
    xtask::check(&root).unwrap();
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn gen_regenerates_only_the_specs_named() {
    let root = scratch("subset");
    xtask::gen_all(&root).unwrap();
    for spec in ["progeny.yaml", "deskpro.yaml"] {
        let path = root.join("specs").join(spec);
        fs::write(&path, fs::read_to_string(&path).unwrap().replace("version: \"", "version: \"9")).unwrap();
    }
    let deskpro = snapshot(&root.join("generated/deskpro"));
    let report = xtask::gen_specs(&root, &["progeny.yaml".to_owned()]).unwrap();
    assert!(report[0].starts_with("progeny-client") && report[0].contains("written"), "{report:?}");
    assert_eq!(report.len(), 2, "one crate and the total: {report:?}");
    assert_eq!(snapshot(&root.join("generated/deskpro")), deskpro, "deskpro is left as it was");
    let err = xtask::check(&root).unwrap_err();
    assert!(err.contains("stale: generated/deskpro/") && !err.contains("generated/progeny/"), "{err}");
    xtask::gen_specs(&root, &["deskpro".to_owned()]).unwrap();
    xtask::check(&root).unwrap();
    let err = xtask::gen_specs(&root, &["pets".to_owned()]).unwrap_err();
    assert_eq!(err, "error: no spec `pets` in specs/; the specs are: deskpro, progeny");
    fs::remove_dir_all(&root).unwrap();
}
