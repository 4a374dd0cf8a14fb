//! Focused specs in `tests/constructs/`, one family of OpenAPI constructs per file. Each spec must generate,
//! each generated `.rs` file must parse, and the output is a snapshot (`constructs__<spec>__<file>.snap`) to
//! review with `cargo insta review`. `constructs_compile_without_warnings` builds every generated crate in a
//! scratch workspace under `target/` and fails on any error or warning; `docs_render_as_written` documents the
//! `docs` construct with rustdoc and reads the HTML.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One `#[test]` per spec, and `SPECS` listing them all (for the compile check and the completeness check).
macro_rules! constructs {
    ($($name:ident),* $(,)?) => {
        const SPECS: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                snapshot_spec(stringify!($name));
            }
        )*
    };
}

constructs!(
    refs,
    example_refs,
    all_of,
    one_of_any_of,
    discriminator,
    recursion,
    recursive_aliases,
    enums,
    nullability,
    nullable_elements,
    additional_properties,
    inline_naming,
    operation_naming,
    naming_collisions,
    reexport_names,
    local_names,
    keywords,
    keyword_collisions,
    integers,
    integer_uint64,
    parameters,
    parameter_styles,
    request_bodies,
    request_body_encodings,
    responses,
    success_types,
    yaml_specifics,
    components_only,
    reserved_names,
    unions,
    openapi_31,
    omitted_fields,
    token_resources,
    pagination,
    webhooks,
    webhooks_by_header,
    docs,
    feature_groups,
    mock_server,
);

/// The spec's path relative to the repository root, as shown in generated headers.
fn spec_path(name: &str) -> PathBuf {
    Path::new("tests").join("constructs").join(format!("{name}.yaml"))
}

/// The constructs generated in lenient mode: what they show is what it accepts.
const LENIENT: &[&str] = &["omitted_fields"];

/// Options for a construct's crate (`construct-<name>`), depending on the runtime in this repository.
fn construct_options(name: &str) -> clientgen::Options {
    let runtime = xtask::repo_root().join("generator").join("runtime");
    let mut options =
        clientgen::Options::for_spec(&spec_path(name), &format!("{{ path = {:?} }}", runtime.display().to_string()));
    options.crate_name = format!("construct-{}", name.replace('_', "-"));
    options.lenient = LENIENT.contains(&name);
    options
}

fn generate(name: &str, options: &clientgen::Options) -> Result<Vec<clientgen::GeneratedFile>, clientgen::Error> {
    let relative = spec_path(name);
    let text = fs::read_to_string(xtask::repo_root().join(&relative))
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", relative.display()));
    clientgen::generate(&relative, &text, options)
}

fn snapshot_spec(name: &str) {
    let mut options = clientgen::Options::for_spec(&spec_path(name), xtask::RUNTIME_DEPENDENCY);
    options.lenient = LENIENT.contains(&name);
    let files = generate(name, &options).unwrap_or_else(|err| panic!("{name}.yaml does not generate: {err}"));
    for file in &files {
        let shown = file.path.display().to_string();
        if file.path.extension().is_some_and(|ext| ext == "rs") {
            if let Err(err) = syn::parse_file(&file.contents) {
                panic!("{name}.yaml: generated {shown} does not parse: {err}");
            }
        }
        // The file is named `constructs__<spec>__<file>.snap` (insta prefixes the test binary's name).
        insta::assert_snapshot!(format!("{name}__{}", shown.replace(['/', '.'], "_")), file.contents);
    }
}

/// Every spec in `tests/constructs/` has its test (a new file without one would go unchecked).
#[test]
fn every_construct_spec_is_tested() {
    let dir = xtask::repo_root().join("tests").join("constructs");
    let on_disk: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .filter_map(|path| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let listed: BTreeSet<String> = SPECS.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(on_disk, listed, "tests/constructs/*.yaml and the `constructs!` list differ");
}

/// Writes `contents` unless the file already holds exactly that (keeps mtimes, so cargo rechecks nothing).
fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return;
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|err| panic!("cannot create {}: {err}", parent.display()));
    }
    fs::write(path, contents).unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
}

/// Every generated crate, together in one scratch workspace, passes `cargo check` without a warning, with
/// its default features and with all of them.
/// Slow the first time (it builds reqwest and friends in its own target directory).
#[test]
fn constructs_compile_without_warnings() {
    let root = xtask::repo_root();
    let scratch = root.join("target").join("constructs-check");
    // Crates of specs no longer listed would linger as directories: start from a clean tree of members.
    if let Ok(entries) = fs::read_dir(&scratch) {
        for entry in entries.flatten() {
            let path = entry.path();
            let stale = path.is_dir() && !SPECS.contains(&entry.file_name().to_string_lossy().as_ref());
            if stale {
                fs::remove_dir_all(&path).unwrap_or_else(|err| panic!("cannot remove {}: {err}", path.display()));
            }
        }
    }
    let mut failures = Vec::new();
    let mut members = Vec::new();
    for name in SPECS {
        match generate(name, &construct_options(name)) {
            Ok(files) => {
                for file in files {
                    write_if_changed(&scratch.join(name).join(&file.path), &file.contents);
                }
                members.push(format!("{name:?}"));
            }
            Err(err) => failures.push(format!("{name}.yaml does not generate: {err}")),
        }
    }
    let manifest = format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", "));
    write_if_changed(&scratch.join("Cargo.toml"), &manifest);
    let lock = fs::read_to_string(root.join("Cargo.lock")).expect("the repository has a Cargo.lock");
    write_if_changed(&scratch.join("Cargo.lock"), &lock);

    // With the default features, and with every feature (the test doubles of `mock` among them).
    for features in [None, Some("--all-features")] {
        let output = Command::new(env!("CARGO"))
            .args(["check", "--workspace", "--keep-going", "--message-format", "short"])
            .args(features)
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", root.join("target").join("constructs-check-target"))
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .output()
            .expect("cargo runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let diagnostics = xtask::features::diagnostics(&stderr);
        if !output.status.success() || !diagnostics.is_empty() {
            let shown = if diagnostics.is_empty() {
                stderr.to_string()
            } else {
                diagnostics.iter().take(80).copied().collect::<Vec<_>>().join("\n")
            };
            failures.push(format!(
                "cargo check {} in {} {} with {} warning/error line(s); the first:\n{shown}",
                features.unwrap_or("(default features)"),
                scratch.display(),
                if output.status.success() { "succeeded" } else { "failed" },
                diagnostics.len(),
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The `feature_groups` construct's crate checks without a warning with no feature, each feature alone and
/// the default ones (`cargo xtask features` does the same for a corpus document in CI).
#[test]
fn feature_groups_compile_alone() {
    let root = xtask::repo_root();
    let scratch = root.join("target").join("constructs-features");
    let files = generate("feature_groups", &construct_options("feature_groups"))
        .unwrap_or_else(|err| panic!("does not generate: {err}"));
    for file in files {
        let contents = match file.path.to_str() {
            Some("Cargo.toml") => format!("{}\n[workspace]\n", file.contents),
            _ => file.contents,
        };
        write_if_changed(&scratch.join(&file.path), &contents);
    }
    let lock = fs::read_to_string(root.join("Cargo.lock")).expect("the repository has a Cargo.lock");
    write_if_changed(&scratch.join("Cargo.lock"), &lock);
    // The target directory of `constructs_compile_without_warnings`: its dependencies are checked there.
    let target = root.join("target").join("constructs-check-target");
    let rows = xtask::features::check_each(&scratch, &target).unwrap_or_else(|err| panic!("{err}"));
    let builds: Vec<&str> = rows.iter().map(|row| row.build.as_str()).collect();
    assert_eq!(builds, ["(none)", "full-2", "pets", "store-front", "(default)", "(none) + mock", "(default) + mock"]);
    let failed: Vec<String> = rows
        .iter()
        .filter(|row| !row.ok || !row.diagnostics.is_empty())
        .map(|row| format!("{}:\n{}", row.build, row.diagnostics.join("\n")))
        .collect();
    assert!(failed.is_empty(), "{}\n{}", xtask::features::table(&rows), failed.join("\n"));
}

/// The `docs` construct's crate, documented by rustdoc with warnings as errors: the spec's links are links
/// in the rendered pages (not escaped text), its HTML is gone, its non-links are text.
#[test]
fn docs_render_as_written() {
    let root = xtask::repo_root();
    let scratch = root.join("target").join("constructs-doc");
    let files =
        generate("docs", &construct_options("docs")).unwrap_or_else(|err| panic!("docs.yaml does not generate: {err}"));
    for file in files {
        write_if_changed(&scratch.join("docs").join(&file.path), &file.contents);
    }
    write_if_changed(&scratch.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = [\"docs\"]\n");
    let lock = fs::read_to_string(root.join("Cargo.lock")).expect("the repository has a Cargo.lock");
    write_if_changed(&scratch.join("Cargo.lock"), &lock);
    // The target directory of `constructs_compile_without_warnings`: its dependencies are checked there.
    let target = root.join("target").join("constructs-check-target");
    let output = Command::new(env!("CARGO"))
        .args(["doc", "--no-deps", "-p", "construct-docs"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo doc failed:\n{stderr}");
    assert!(!stderr.contains("warning"), "cargo doc warned:\n{stderr}");
    let page = |name: &str| {
        let path = target.join("doc").join("construct_docs").join(name);
        fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
    };
    let client = page("struct.Client.html");
    // A Markdown link, an HTML link and a bare URL of an operation's and a parameter's descriptions.
    for link in [
        r#"<a href="https://example.com/docs/things#get">Get a thing</a>"#,
        r#"<a href="https://example.com/guide">the guide</a>"#,
        r#"<a href="https://example.com/names">https://example.com/names</a>"#,
    ] {
        assert!(client.contains(link), "struct.Client.html has no {link}");
    }
    assert!(client.contains("<code>Thing</code> objects &amp; their <strong>owners</strong>"), "HTML became Markdown");
    assert!(client.contains("is [optional]; <code>tags</code> is an array[string]."), "bracketed text is text");
    assert!(client.contains("&lt;script&gt;alert"), "a script tag is shown as text");
    assert!(!client.contains("&lt;p&gt;") && !client.contains("\\["), "no escaped markup shows");
    assert!(client.contains("<table>"), "the table is a table");
    // The README is the front page, its link a link.
    let index = page("index.html");
    assert!(index.contains(r#"<a href="https://spec.commonmark.org/0.31.2/">CommonMark spec</a>"#), "{index}");
    let thing = page("types/struct.Thing.html");
    assert!(thing.contains(r#"<a href="https://example.com/notes?a=1&amp;b=2">notes</a>"#), "a property's link");
}
