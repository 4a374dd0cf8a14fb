//! Defects of the mock, not of the generated client: each names the calls it meets, how it shows, and the
//! upstream Prism issue (or, where none was found, the Prism source that does it). Only these are excluded
//! from the check, by call and symptom; anything else Prism reports fails the test.

use super::verdict::Violation;

/// How a mock bug shows.
pub enum Symptom {
    /// Prism's process dies; its output holds this text.
    Crash(&'static str),
    /// Prism reports violations at this location (or under it) although the bytes are as the spec says.
    Violation(&'static [&'static str]),
}

/// One known defect of the pinned Prism (5.14.2, prism-http 5.12.0).
pub struct MockBug {
    /// The calls it meets.
    pub calls: &'static [&'static str],
    /// How it shows.
    pub symptom: Symptom,
    /// The upstream issue, or where in Prism it happens.
    pub upstream: &'static str,
    /// What Prism does wrong.
    pub why: &'static str,
}

/// The known defects.
pub static MOCK_BUGS: &[MockBug] = &[
    MockBug {
        calls: &["pathSimpleArray", "pathSimpleArrayExploded", "pathSimpleObject", "pathSimpleObjectExploded"],
        symptom: Symptom::Crash("value.split is not a function"),
        upstream: "stoplightio/prism#2710 (open; #2709 closed as its duplicate)",
        why: "Prism matches the path with uri-template-lite, which turns a literal `,` in a path segment into an \
              array; the `simple` deserializer then calls `split` on the array, and the uncaught TypeError ends \
              the process. The commas are the style's delimiters, as the style table writes them.",
    },
    MockBug {
        calls: &["pathLabelArray", "pathLabelObject", "pathMatrixArray", "pathMatrixObject"],
        symptom: Symptom::Crash("startsWith is not a function"),
        upstream: "stoplightio/prism#2710 (same cause, in the label and matrix deserializers)",
        why: "as for `simple`: a literal `,` makes the matched value an array, and `startsWith` on it throws.",
    },
    MockBug {
        calls: &["pathLabelObjectExploded"],
        symptom: Symptom::Violation(&["request", "path", "color"]),
        upstream: "no upstream issue found; prism-http dist/validator/deserializers/style/label.js",
        why: "Prism splits an exploded label object at `,` instead of `.`, so `.R=100.G=200.B=150` (the style \
              table's bytes) reads as `{R: \"100.G\"}`.",
    },
    MockBug {
        calls: &["queryStyles"],
        symptom: Symptom::Violation(&["request", "query", "spaced"]),
        upstream: "no upstream issue found; prism-http dist/validator/deserializers/index.js \
                   (createDelimitedDeserializerStyle('%20'))",
        why: "Prism splits a spaceDelimited value at the text `%20` after it has already decoded the query, so \
              `blue%20black%20brown` (or `blue+black+brown`) reads as one item.",
    },
];

/// The known bug a crash of Prism on `call` is, if any.
pub fn crash(call: &str, error: &str) -> Option<&'static MockBug> {
    MOCK_BUGS
        .iter()
        .find(|bug| bug.calls.contains(&call) && matches!(bug.symptom, Symptom::Crash(text) if error.contains(text)))
}

/// The known bug a violation Prism reported for `call` is, if any.
pub fn violation(call: &str, violation: &Violation) -> Option<&'static MockBug> {
    MOCK_BUGS.iter().find(|bug| {
        bug.calls.contains(&call)
            && matches!(bug.symptom, Symptom::Violation(prefix) if violation.location.starts_with(&prefix.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()))
    })
}
