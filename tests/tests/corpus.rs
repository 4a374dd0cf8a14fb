//! The generator on real-world documents (`../shared/corpus`): every OpenAPI 3.0 and 3.1 document generates and its
//! output parses as Rust; those up to `CHECK_LIMIT` bytes also pass `cargo check` with no warnings.
//! `cargo xtask corpus` runs the whole set, the largest included, and prints timings.

use std::path::PathBuf;

/// Documents up to this size are compiled here: all but the three largest (Stripe, GitHub and Svix, whose
/// checks take minutes on two cores); `.ci/run` checks those with `cargo xtask corpus --min-bytes=2000000`.
const CHECK_LIMIT: u64 = 2_000_000;

/// GitHub's and Stripe's documents: their descriptions are Markdown with links (GitHub) and HTML (Stripe).
const LINKS_AND_HTML: &[&str] = &["progenitor/api.github.com.json", "stripe/spec3.yaml"];

fn corpus_dir() -> Option<PathBuf> {
    let dir = xtask::repo_root().join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

#[test]
fn every_document_generates_and_parses_as_rust() {
    let Some(dir) = corpus_dir() else {
        panic!("the corpus is missing: expected ../shared/corpus beside the repository");
    };
    let documents = xtask::corpus::documents(&dir);
    assert!(documents.len() >= 41, "found {} documents (27 OpenAPI 3.0, 14 3.1)", documents.len());
    let mut escaped_markup = Vec::new();
    for path in documents {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut options = clientgen::Options::for_spec(&path, xtask::RUNTIME_DEPENDENCY);
        options.lenient = true;
        let files = clientgen::generate(&path, &text, &options).unwrap_or_else(|err| panic!("{err}"));
        for file in files.iter().filter(|f| f.path.extension().is_some_and(|e| e == "rs")) {
            if let Err(err) = syn::parse_file(&file.contents) {
                panic!("{}: {} does not parse: {err}", path.display(), file.path.display());
            }
        }
        // Links written as escaped text (`\[text\](<https://…>)`) and HTML shown as text (`&lt;p&gt;`), in the
        // docs of the two largest documents, which write Markdown links and HTML on every page.
        let shown = path.strip_prefix(&dir).unwrap_or(&path).display().to_string();
        if LINKS_AND_HTML.contains(&shown.as_str()) {
            let docs = files.iter().filter(|f| f.path.extension().is_some_and(|e| e == "rs" || e == "md"));
            let (links, html) = docs.fold((0, 0), |(links, html), file| {
                (links + file.contents.matches("\\](<http").count(), html + file.contents.matches("&lt;").count())
            });
            escaped_markup.push(format!("{shown}: {links} escaped link(s), {html} `&lt;`"));
        }
        // The Rust files are rendered on threads, a large `types.rs` in pieces: cut into three pieces or
        // rendered whole on one thread, every file is the same.
        for rendering in [clientgen::Rendering::Sequential, clientgen::Rendering::Pieces(3)] {
            options.rendering = rendering;
            let other = clientgen::generate(&path, &text, &options).unwrap_or_else(|err| panic!("{err}"));
            assert!(other == files, "{}: {rendering:?} renders other files", path.display());
        }
    }
    let expected: Vec<String> =
        LINKS_AND_HTML.iter().map(|doc| format!("{doc}: 0 escaped link(s), 0 `&lt;`")).collect();
    assert_eq!(escaped_markup, expected);
}

#[test]
fn documents_up_to_2_mb_compile_without_warnings() {
    let Some(dir) = corpus_dir() else {
        panic!("the corpus is missing: expected ../shared/corpus beside the repository");
    };
    let rows = xtask::corpus::run(&xtask::repo_root(), &dir, xtask::corpus::Check::UpTo(CHECK_LIMIT)).unwrap();
    let table = xtask::corpus::table(&rows);
    println!("{table}");
    assert!(rows.iter().filter(|r| r.checked).count() >= 38, "{table}");
    assert!(rows.iter().all(|r| r.result.is_ok()), "{table}");
}
