//! Snapshots of what the generator writes for each spec in `specs/`. A change in output shows up here as a
//! diff to review with `cargo insta review`; `generated_is_fresh` fails when the committed crates are stale.

use std::path::Path;

fn snapshot_spec(name: &str) {
    let root = xtask::repo_root();
    let relative = Path::new("specs").join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(root.join(&relative)).expect("the spec exists");
    let options = clientgen::Options::for_spec(&relative, xtask::RUNTIME_DEPENDENCY);
    let files = clientgen::generate(&relative, &text, &options).unwrap_or_else(|err| panic!("{err}"));
    for file in files {
        let snapshot = format!("{name}__{}", file.path.display().to_string().replace(['/', '.'], "_"));
        insta::assert_snapshot!(snapshot, file.contents);
    }
}

#[test]
fn deskpro() {
    snapshot_spec("deskpro");
}

#[test]
fn formflow() {
    snapshot_spec("formflow");
}

#[test]
fn finqware() {
    snapshot_spec("finqware");
}

#[test]
fn progeny() {
    snapshot_spec("progeny");
}

#[test]
fn generation_is_deterministic() {
    let root = xtask::repo_root();
    let first: Vec<_> = xtask::plan(&root).expect("specs generate").into_iter().map(|p| p.files).collect();
    let second: Vec<_> = xtask::plan(&root).expect("specs generate").into_iter().map(|p| p.files).collect();
    assert_eq!(first, second);
}

#[test]
fn generated_is_fresh() {
    if let Err(problems) = xtask::check(&xtask::repo_root()) {
        panic!("generated/ is stale:\n{problems}");
    }
}
