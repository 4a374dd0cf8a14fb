//! The facts line of a parameter or property: what the spec states about it beyond its description and
//! type, in one form everywhere:
//!
//! `Wire name: `per-page` · default: `30` · range: 1..=100 · length: ..=64 · pattern: `^[a-z]+$` ·
//! format: `email` · one of: `a`, `b` · items: 1..=10, unique · deprecated`
//!
//! Bounds are Rust ranges (an exclusive minimum, which a range cannot say, reads `0 < x ≤ 1`).
//!
//! Each part only when the spec states it; the wire name only where it differs from the Rust name; the
//! allowed values only where they did not become a Rust enum (whose variants list them).

use serde_json::Value;

use super::escape::code_span;
use crate::model::Constraints;

/// Formats the type already states (`chrono::DateTime`, `uuid::Uuid`, `i32`, `Secret`, …), not repeated.
const STATED_BY_TYPE: &[&str] =
    &["date-time", "date", "uuid", "int32", "int64", "float", "double", "binary", "password"];

/// What the facts line says about a parameter or property.
pub(crate) struct Facts<'a> {
    /// The Rust name and the wire name.
    pub names: (&'a str, &'a str),
    pub constraints: &'a Constraints,
    /// Whether its allowed values are listed (no Rust enum lists them).
    pub list_values: bool,
    pub deprecated: bool,
}

/// The facts line, or `None` when the spec states nothing beyond description and type.
pub(in crate::emit) fn facts(facts: &Facts<'_>) -> Option<String> {
    let c = facts.constraints;
    let mut parts = Vec::new();
    let (ident, wire) = facts.names;
    if ident != wire {
        parts.push(format!("wire name: {}", code_span(wire, false)));
    }
    if let Some(default) = &c.default {
        parts.push(format!("default: {}", value(default)));
    }
    if let Some(range) = range("x", c.minimum.as_ref(), c.maximum.as_ref()) {
        parts.push(format!("range: {range}"));
    }
    if let Some(step) = &c.multiple_of {
        parts.push(format!("multiple of: {step}"));
    }
    let count = |n: &Option<usize>| n.map(|n| (n.to_string(), false));
    if let Some(length) = range("len", count(&c.min_length).as_ref(), count(&c.max_length).as_ref()) {
        parts.push(format!("length: {length}"));
    }
    if let Some(pattern) = &c.pattern {
        parts.push(format!("pattern: {}", code_span(pattern, false)));
    }
    if let Some(format) = c.format.as_deref().filter(|f| !f.is_empty() && !STATED_BY_TYPE.contains(f)) {
        parts.push(format!("format: {}", code_span(format, false)));
    }
    if facts.list_values && !c.values.is_empty() {
        let values: Vec<String> = c.values.iter().map(value).collect();
        parts.push(format!("one of: {}", values.join(", ")));
    }
    let items = range("n", count(&c.min_items).as_ref(), count(&c.max_items).as_ref());
    match (items, c.unique_items) {
        (Some(items), true) => parts.push(format!("items: {items}, unique")),
        (Some(items), false) => parts.push(format!("items: {items}")),
        (None, true) => parts.push("items: unique".to_owned()),
        (None, false) => {}
    }
    if facts.deprecated {
        parts.push("deprecated".to_owned());
    }
    let line = parts.join(" · ");
    let mut chars = line.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// Bounds `(value, exclusive)` as a Rust range (`1..=100`, `..100`, `0..`), or, where the minimum is
/// exclusive (which a Rust range cannot say), as `0 < x ≤ 1`.
fn range(var: &str, min: Option<&(String, bool)>, max: Option<&(String, bool)>) -> Option<String> {
    let text = match (min, max) {
        (None, None) => return None,
        (Some((min, true)), Some((max, max_ex))) => format!("{min} < {var} {} {max}", if *max_ex { "<" } else { "≤" }),
        (Some((min, true)), None) => format!("{var} > {min}"),
        (min, max) => {
            let start = min.map_or("", |(min, _)| min.as_str());
            match max {
                Some((max, true)) => format!("{start}..{max}"),
                Some((max, false)) => format!("{start}..={max}"),
                None => format!("{start}.."),
            }
        }
    };
    Some(text)
}

/// A JSON value as inline code: strings as written (quoted only when blank or padded), others as JSON.
fn value(value: &Value) -> String {
    let text = match value {
        Value::String(s) if !s.is_empty() && s.trim() == s => s.clone(),
        other => other.to_string(),
    };
    code_span(&text, false)
}

#[cfg(test)]
mod tests {
    use super::{Facts, facts};
    use crate::model::Constraints;

    #[test]
    fn every_kind_of_fact_in_one_line() {
        let constraints = Constraints {
            default: Some(serde_json::json!(30)),
            minimum: Some(("1".into(), false)),
            maximum: Some(("100".into(), true)),
            multiple_of: Some("5".into()),
            min_length: Some(2),
            max_length: None,
            pattern: Some("^a`b$".into()),
            format: Some("email".into()),
            values: vec![serde_json::json!("a"), serde_json::json!(""), serde_json::json!(null)],
            min_items: None,
            max_items: Some(3),
            unique_items: true,
        };
        let line = facts(&Facts {
            names: ("per_page", "per-page"),
            constraints: &constraints,
            list_values: true,
            deprecated: true,
        });
        assert_eq!(
            line.as_deref(),
            Some(
                "Wire name: `per-page` · default: `30` · range: 1..100 · multiple of: 5 · length: 2.. · \
                 pattern: ``^a`b$`` · format: `email` · one of: `a`, `\"\"`, `null` · items: ..=3, unique · deprecated"
            )
        );
        let exclusive = Constraints {
            minimum: Some(("0".into(), true)),
            maximum: Some(("1.5".into(), false)),
            ..Constraints::default()
        };
        let line = facts(&Facts { names: ("a", "a"), constraints: &exclusive, list_values: true, deprecated: false });
        assert_eq!(line.as_deref(), Some("Range: 0 < x ≤ 1.5"));
        let none = Constraints::default();
        assert_eq!(facts(&Facts { names: ("a", "a"), constraints: &none, list_values: true, deprecated: false }), None);
        let formats = Constraints { format: Some("date-time".into()), ..Constraints::default() };
        assert_eq!(
            facts(&Facts { names: ("a", "a"), constraints: &formats, list_values: true, deprecated: false }),
            None
        );
    }
}
