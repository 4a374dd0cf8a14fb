//! Defects of the mock, not of the generated client: each names the calls it meets, how it shows, and the
//! upstream Prism issue (or, where none was found, the Prism source that does it). Only these are excluded
//! from the check, by call and exact symptom (the crash's text, or each violation's location and message);
//! anything else Prism reports fails the test, and so does an entry that a run no longer meets, for each of
//! its calls (the bug was fixed, or the request changed): the list says what Prism gets wrong today.

use xtask::conformance::verdict::Violation;

/// How a mock bug shows.
pub enum Symptom {
    /// Prism's process dies; its output holds this text.
    Crash(&'static str),
    /// Prism reports exactly these violations (location, message) although the bytes are as the spec says.
    Violation(&'static [(&'static str, &'static str)]),
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
        symptom: Symptom::Violation(&[
            ("request.path.color", "Request path parameter color must have required property 'G'"),
            ("request.path.color", "Request path parameter color must have required property 'B'"),
            ("request.path.color.R", "Request path parameter color.R must be integer"),
        ]),
        upstream: "no upstream issue found; prism-http dist/validator/deserializers/style/label.js",
        why: "Prism splits an exploded label object at `,` instead of `.`, so `.R=100.G=200.B=150` (the style \
              table's bytes) reads as `{R: \"100.G\"}`.",
    },
    MockBug {
        calls: &["queryStyles"],
        symptom: Symptom::Violation(&[
            ("request.query.spaced", "Request query parameter spaced must NOT have fewer than 3 items"),
            ("request.query.spaced.0", "Request query parameter spaced.0 must match pattern \"^(blue|black|brown)$\""),
        ]),
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

/// The known bug a violation Prism reported for `call` is, if any: one that lists its exact location and
/// message for that call.
pub fn violation(call: &str, violation: &Violation) -> Option<&'static MockBug> {
    MOCK_BUGS.iter().find(|bug| bug.calls.contains(&call) && bug.lists(violation))
}

impl MockBug {
    /// Whether this bug's symptom lists `violation` (its location and message, exactly).
    fn lists(&self, violation: &Violation) -> bool {
        let location = violation.location.join(".");
        matches!(self.symptom, Symptom::Violation(listed)
            if listed.iter().any(|(at, message)| *at == location && *message == violation.message))
    }

    /// What of this bug a run did not meet, given each call's crash and violations: one line per call for a
    /// crash that did not happen or a listed violation that was not reported. Empty when the bug still
    /// shows everywhere it is listed.
    pub fn unmet(
        &self,
        crash: impl Fn(&str) -> Option<String>,
        violations: impl Fn(&str) -> Vec<Violation>,
    ) -> Vec<String> {
        let mut unmet = Vec::new();
        for call in self.calls {
            match self.symptom {
                Symptom::Crash(text) => {
                    if !crash(call).is_some_and(|error| error.contains(text)) {
                        unmet.push(format!("{call}: Prism did not crash with {text:?}"));
                    }
                }
                Symptom::Violation(listed) => {
                    let reported = violations(call);
                    for (at, message) in listed {
                        let seen = reported.iter().any(|v| v.location.join(".") == *at && v.message == *message);
                        if !seen {
                            unmet.push(format!("{call}: Prism did not report {at}: {message}"));
                        }
                    }
                }
            }
        }
        unmet
    }
}
