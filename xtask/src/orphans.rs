//! `cargo xtask orphans REFERENCES`: the insta snapshot files that no test asserted in a run, from the list
//! of referenced snapshots insta writes when `INSTA_SNAPSHOT_REFERENCES_FILE` names a file (what
//! `cargo insta test --unreferenced=reject` does, without cargo-insta). A snapshot left behind by a renamed
//! or removed test would otherwise stay in the tree, reviewed by nobody.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The `.snap` files of the repository (outside `target/`) that `references` (a file of paths, one per line,
/// as insta writes them) does not name; `Err` when it cannot be read or names none.
pub fn run(root: &Path, references: &Path) -> Result<Vec<PathBuf>, String> {
    let text = fs::read_to_string(references).map_err(|err| {
        format!("cannot read {} (run the tests with INSTA_SNAPSHOT_REFERENCES_FILE set): {err}", references.display())
    })?;
    let referenced: BTreeSet<PathBuf> =
        text.lines().filter(|line| !line.trim().is_empty()).map(|line| canonical(Path::new(line.trim()))).collect();
    if referenced.is_empty() {
        return Err(format!("{} names no snapshot: did the tests run?", references.display()));
    }
    let snapshots = crate::files_under(root).into_iter().filter(|path| {
        path.extension().is_some_and(|e| e == "snap")
            && !path.strip_prefix(root).is_ok_and(|relative| relative.starts_with("target"))
    });
    Ok(snapshots.filter(|path| !referenced.contains(&canonical(path))).collect())
}

fn canonical(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_no_test_referenced_is_an_orphan() {
        let root = std::env::temp_dir().join(format!("clientgen-orphans-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for file in ["a/snapshots/x__one.snap", "a/snapshots/x__two.snap", "target/snapshots/y.snap"] {
            fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
            fs::write(root.join(file), "---\n").unwrap();
        }
        let references = root.join("references.txt");
        fs::write(&references, format!("{}\n", root.join("a/snapshots/x__one.snap").display())).unwrap();
        assert_eq!(run(&root, &references).unwrap(), [root.join("a/snapshots/x__two.snap")]);
        fs::write(&references, "").unwrap();
        assert!(run(&root, &references).is_err(), "an empty list is no run");
        fs::remove_dir_all(&root).unwrap();
    }
}
