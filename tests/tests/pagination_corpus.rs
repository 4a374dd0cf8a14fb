//! The corpus figures of pagination (#28), asserted: nexus pages every operation cargo-progenitor 0.15.1
//! gives a `_stream` method (`tests/pagination/progenitor-nexus-streams.txt`), and Stripe's, GitHub's and
//! OpenAI's lists page by the rules of `tests/pagination/clientgen.toml` (what a user of those APIs writes in
//! their own settings). Which operations are lists is worked out here from the documents themselves, apart
//! from the generator. `cargo xtask pagination` prints the table for the whole corpus.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn corpus(document: &str) -> PathBuf {
    xtask::repo_root().join("..").join("shared").join("corpus").join(document)
}

/// The paged operations of `document` (by operationId) and the document as JSON.
fn paged(document: &str) -> (BTreeSet<String>, Value) {
    let (paged, _, json) = paged_and_pages_only(document);
    (paged, json)
}

/// The paged operations of `document`, those of them with `.pages()` only, and the document as JSON.
fn paged_and_pages_only(document: &str) -> (BTreeSet<String>, BTreeSet<String>, Value) {
    let root = xtask::repo_root();
    let path = corpus(document);
    let rows =
        xtask::pagination::run(&root, &[(document.to_owned(), path.clone())], &root.join(xtask::pagination::SETTINGS))
            .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let json = clientgen::read_document(Path::new(document), &text).unwrap();
    let ids =
        |items: bool| rows[0].probe.paged.iter().filter(move |(.., has)| items || !has).map(|(id, ..)| id.clone());
    (ids(true).collect(), ids(false).collect(), json)
}

/// `value` with a `$ref` followed (local references only).
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut value = value;
    while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        value = doc.pointer(reference.trim_start_matches('#')).unwrap_or(&Value::Null);
    }
    value
}

/// Every GET operation: operationId, query parameter names, and its 200 response (resolved).
fn gets(doc: &Value) -> Vec<(String, BTreeSet<String>, &Value)> {
    let mut found = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        let Some(op) = item.get("get") else { continue };
        let params =
            item.get("parameters").into_iter().chain(op.get("parameters")).flat_map(|list| list.as_array().unwrap());
        let query = params
            .map(|param| resolve(doc, param))
            .filter(|param| param["in"] == "query")
            .map(|param| param["name"].as_str().unwrap().to_owned())
            .collect();
        let ok = resolve(doc, &op["responses"]["200"]);
        found.push((op["operationId"].as_str().unwrap().to_owned(), query, ok));
    }
    found
}

#[test]
fn nexus_pages_every_operation_progenitor_streams_and_every_one_dropshot_declares() {
    let (paged, doc) = paged("progenitor/nexus.json");
    let listed =
        std::fs::read_to_string(xtask::repo_root().join("tests/pagination/progenitor-nexus-streams.txt")).unwrap();
    let streamed: BTreeSet<String> =
        listed.lines().filter(|line| !line.starts_with('#') && !line.is_empty()).map(str::to_owned).collect();
    assert_eq!(streamed.len(), 37);
    assert_eq!(streamed.difference(&paged).collect::<Vec<_>>(), Vec::<&String>::new());
    let declared: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter(|op| op.get("x-dropshot-pagination").is_some())
        .map(|op| op["operationId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!((declared.len(), paged), (43, declared));
}

#[test]
fn every_stripe_list_pages_by_the_rules() {
    let (paged, doc) = paged("stripe/spec3.yaml");
    let lists: BTreeSet<String> = gets(&doc)
        .into_iter()
        .filter(|(_, query, _)| query.contains("starting_after") || query.contains("page"))
        .map(|(id, ..)| id)
        .collect();
    assert_eq!(lists.len(), 107);
    assert_eq!(paged, lists);
}

#[test]
fn github_lists_page_by_their_link_header() {
    let (paged, pages_only, doc) = paged_and_pages_only("progenitor/api.github.com.json");
    let linked: BTreeSet<String> = gets(&doc)
        .into_iter()
        .filter(|(_, _, ok)| ok.get("headers").is_some_and(|headers| headers.get("Link").is_some()))
        .map(|(id, ..)| id)
        .collect();
    assert_eq!(linked.len(), 150);
    assert_eq!(linked.difference(&paged).collect::<Vec<_>>(), Vec::<&String>::new());
    // A page that is no one array has `.pages()` only: a `oneOf` of two arrays that the `Accept` header
    // chooses between (starred, stargazers), two arrays in one page (requested reviewers: users and teams;
    // a commit and a comparison: their commits and files), and a 204 beside the 200 (contributors of an
    // empty repository).
    assert_eq!(
        pages_only.iter().collect::<Vec<_>>(),
        [
            "activity/list-repos-starred-by-user",
            "activity/list-stargazers-for-repo",
            "pulls/list-requested-reviewers",
            "repos/compare-commits",
            "repos/get-commit",
            "repos/list-contributors"
        ]
    );
    // The lists whose `Link` header the document leaves out page too (the rule on `per_page` and `page`).
    assert_eq!(paged.len(), 187);
}

#[test]
fn openai_cursor_lists_page_by_the_rules() {
    let (paged, doc) = paged("openai/openai-openapi.yaml");
    let lists: BTreeSet<String> = gets(&doc)
        .into_iter()
        .filter(|(_, query, ok)| {
            let next_page =
                resolve(&doc, &ok["content"]["application/json"]["schema"]).pointer("/properties/next_page");
            query.contains("after") || (query.contains("page") && next_page.is_some())
        })
        .map(|(id, ..)| id)
        .collect();
    assert_eq!(lists.len(), 39);
    assert_eq!(paged, lists);
}
