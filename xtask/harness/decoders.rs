//! Written into every harness crate by `cargo xtask decoders` (from `xtask/harness/decoders.rs`; it is not
//! part of the xtask build). `main` takes the document (JSON), the cases file (a JSON list of
//! `[check, schema pointer, label]`), the names of the untagged unions' variants (JSON), a seed and a
//! number of inputs. For each input it builds a value from a
//! case's schema (`clientgen-values`), breaks it most of the time, writes it as text (compact or indented,
//! a property twice now and then) and decodes the text twice with `CHECKS[check]`: into the generated
//! types, read by their written-out impls, and into the same types read by serde's derive. The two must
//! agree: both accept with the same value (their `Debug` output), or both refuse at the same line and
//! column (so at the same JSON path). It prints each disagreement as a JSON line, then a summary line.
//!
//! Four differences are serde's derive's own, by design, and counted apart instead of compared:
//! - `array`: serde's derive also reads a JSON array as a struct (its fields in order); the written-out
//!   impls read an object only;
//! - `flatten`: where a struct keeps further properties (`additionalProperties`), serde's derive buffers the
//!   object before reading it (`#[serde(flatten)]`), so its errors lose their position or fall at the end of
//!   the object: counted so where both refuse and serde's error has no position, is at the `}` of an object
//!   enclosing ours, or is a property sent twice after ours within such an object;
//! - `union`: an untagged union takes the variant that drops the fewest properties, which only the
//!   written-out readers count (serde's derive skips them uncounted): where the value fits no variant fully,
//!   the two may choose differently; counted so only where the two readings first differ at the name of a
//!   variant of an untagged union;
//! - `enum`: a string enum keeps unlisted values in `Other(String)`, which serde's derive can only express as
//!   an untagged variant; it buffers the value and refuses a non-string after it, ours where it starts.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::panic::AssertUnwindSafe;

use clientgen_values::{Mutation, Values, write};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// What one decoding made of a text.
pub enum Verdict {
    /// Read: the value's `Debug` output.
    Accept(String),
    /// Refused: serde's message and where.
    Reject { message: String, line: usize, column: usize },
}

impl Verdict {
    /// Where a refusal stopped.
    fn position(&self) -> Option<(usize, usize)> {
        match self {
            Verdict::Accept(_) => None,
            Verdict::Reject { line, column, .. } => Some((*line, *column)),
        }
    }

    fn show(&self) -> Value {
        match self {
            Verdict::Accept(debug) => json!({"accept": debug}),
            Verdict::Reject { message, line, column } => json!({"reject": message, "at": [line, column]}),
        }
    }
}

fn verdict<T: DeserializeOwned + Debug>(text: &str) -> Verdict {
    match serde_json::from_str::<T>(text) {
        Ok(value) => Verdict::Accept(format!("{value:?}")),
        Err(err) => Verdict::Reject { message: err.to_string(), line: err.line(), column: err.column() },
    }
}

/// One response type: the text read as the written-out type and as the derived one.
pub type Check = fn(&str) -> (Verdict, Verdict);

/// The check of one response type.
pub fn check<Ours: DeserializeOwned + Debug, Reference: DeserializeOwned + Debug>(text: &str) -> (Verdict, Verdict) {
    (verdict::<Ours>(text), verdict::<Reference>(text))
}

/// Where the objects that enclose the place at `line` and `column` of `text` end (the `}` of each, innermost
/// first, as serde_json gives positions: 1-based lines, the column of the last character read). A
/// flattened struct's errors are reported there by serde's derive, which reads the object whole first.
fn object_ends(text: &str, line: usize, column: usize) -> Vec<(usize, usize)> {
    let start = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>() + column;
    let (mut ends, mut depth, mut in_string, mut escaped) = (Vec::new(), 0usize, false, false);
    let (mut at_line, mut at_column) = (line, column);
    for byte in text.bytes().skip(start) {
        if byte == b'\n' {
            (at_line, at_column) = (at_line + 1, 0);
            continue;
        }
        at_column += 1;
        match (in_string, byte) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'{' | b'[') => depth += 1,
            (false, b'}') if depth == 0 => ends.push((at_line, at_column)),
            (false, b'}' | b']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    ends
}

/// How a pair of verdicts is counted (`text`: what both read).
fn class(text: &str, ours: &Verdict, reference: &Verdict) -> &'static str {
    match (ours, reference) {
        (Verdict::Accept(a), Verdict::Accept(b)) if a == b => "accepted",
        (Verdict::Reject { line: l1, column: c1, .. }, Verdict::Reject { line: l2, column: c2, .. })
            if (l1, c1) == (l2, c2) =>
        {
            "rejected"
        }
        (Verdict::Reject { .. }, Verdict::Reject { line: 0, .. }) => "flatten",
        // At the end of an object around ours; or, a property sent twice being refused as it is read, at a
        // duplicate after ours within it.
        (Verdict::Reject { line, column, .. }, Verdict::Reject { message, line: l2, column: c2 })
            if object_ends(text, *line, *column).iter().any(|end| {
                end == &(*l2, *c2) || (message.starts_with("duplicate field") && (*line, *column) < (*l2, *c2) && (*l2, *c2) < *end)
            }) =>
        {
            "flatten"
        }
        // Where ours refuses an array for a struct, serde's derive reads it as the struct's fields in order:
        // what it makes of them is its own (unless it stopped before reaching the array).
        (Verdict::Reject { message, line, column }, reference)
            if message.contains("invalid type: sequence, expected struct")
                && reference.position().is_none_or(|at| at >= (*line, *column)) =>
        {
            "array"
        }
        // A string enum's fallback (`#[serde(untagged)] Other(String)`) makes serde's derive buffer the value
        // and refuse a non-string after it; ours refuses it where it starts.
        (Verdict::Reject { message, line, column }, Verdict::Reject { message: theirs, line: l2, column: c2 })
            if message.contains(", expected a string at ")
                && theirs.starts_with("data did not match any variant of untagged enum")
                && (line, column) <= (l2, c2) =>
        {
            "enum"
        }
        _ => "disagreement",
    }
}

/// Both read the value, differently: `union` where the two first differ in which variant of an untagged
/// union they chose (`variants`: the variant names of the crate's untagged unions), else a disagreement.
/// An untagged union takes the variant that drops the fewest properties, counted by the written-out
/// readers as they skip them; serde's derive skips them uncounted, so the derived reading takes the first
/// variant that decodes at all. Where the value fits one variant fully, both choose it.
fn union_choice(ours: &str, reference: &str, variants: &[String]) -> &'static str {
    let Some(at) = ours.bytes().zip(reference.bytes()).position(|(a, b)| a != b) else { return "disagreement" };
    let word = |text: &str| -> Option<String> {
        let bytes = text.as_bytes();
        let start = bytes[..at].iter().rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'_')).map_or(0, |i| i + 1);
        let end = bytes[at..].iter().position(|b| !(b.is_ascii_alphanumeric() || *b == b'_')).map_or(bytes.len(), |i| at + i);
        (bytes.get(end) == Some(&b'(')).then(|| text[start..end].to_owned())
    };
    match (word(ours), word(reference)) {
        (Some(a), Some(b)) if variants.contains(&a) && variants.contains(&b) => "union",
        _ => "disagreement",
    }
}

/// Runs the inputs and prints the disagreements and the summary (see the module docs).
pub fn main(checks: &'static [Check]) {
    let args: Vec<String> = std::env::args().collect();
    let [_, document, cases, unions, seed, inputs] = &args[..] else {
        eprintln!("usage: harness DOCUMENT.json CASES.json UNIONS.json SEED INPUTS");
        std::process::exit(2);
    };
    let read = |path: &str| -> Value {
        let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{path}: {err}"));
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{path}: {err}"))
    };
    let doc = read(document);
    let cases: Vec<(usize, String, String)> =
        serde_json::from_value(read(cases)).unwrap_or_else(|err| panic!("{cases}: {err}"));
    let variants: Vec<String> = serde_json::from_value(read(unions)).unwrap_or_else(|err| panic!("{unions}: {err}"));
    let (seed, inputs): (u64, u64) = (seed.parse().expect("SEED"), inputs.parse().expect("INPUTS"));
    let mut values = Values::new(&doc, seed);
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut valid, mut mutated) = (0u64, BTreeMap::<String, u64>::new());
    // Panics are counted, not printed as they happen.
    std::panic::set_hook(Box::new(|_| {}));
    for i in 0..inputs {
        let (check, pointer, label) = &cases[(i % cases.len() as u64) as usize];
        let Some(schema) = values.at(pointer) else { panic!("{label}: no schema at {pointer}") };
        let mut value = values.valid(schema);
        let broken = values.rng.chance(70).then(|| Mutation::apply(&mut values.rng, &mut value));
        match broken {
            Some(kind) => *mutated.entry(format!("{kind:?}")).or_default() += 1,
            None => valid += 1,
        }
        let pretty = values.rng.chance(30);
        // A property written twice is one more way to break a value.
        let text = write(&mut values.rng, &value, pretty, if broken.is_some() { 5 } else { 0 });
        let class = match std::panic::catch_unwind(AssertUnwindSafe(|| checks[*check](&text))) {
            Ok((ours, reference)) => {
                let class = match class(&text, &ours, &reference) {
                    // A value built to fit its schema that neither reads: the types do not fit the schema.
                    "rejected" if broken.is_none() => "valid rejected",
                    "disagreement" => match (&ours, &reference) {
                        (Verdict::Accept(a), Verdict::Accept(b)) => union_choice(a, b, &variants),
                        _ => "disagreement",
                    },
                    class => class,
                };
                let seen = shown.entry(label.as_str()).or_default();
                if matches!(class, "disagreement" | "valid rejected") && *seen < 5 {
                    *seen += 1;
                    let line = json!({class: label, "input": text, "ours": ours.show(), "reference": reference.show()});
                    println!("{line}");
                }
                class
            }
            Err(_) => {
                println!("{}", json!({"panic": label, "input": text}));
                "panic"
            }
        };
        *counts.entry(class).or_default() += 1;
    }
    let mut summary = json!({"summary": counts, "valid": valid, "mutated": mutated, "cases": cases.len()});
    summary["inputs"] = json!(inputs);
    println!("{summary}");
}
