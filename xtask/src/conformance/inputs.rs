//! The inputs of every call: for each operation a minimal call (its required inputs only), a full one
//! (every input set), and for a body that is a union one call per variant. Each value is the spec's own
//! example where it gives one and a value built from the schema (`clientgen-values`) after it, as candidates
//! the driver tries in turn (an example that does not fit its own schema's type is passed over).

use clientgen::{Input, InputKind, OperationInputs};
use clientgen_values::Values;
use serde_json::{Map, Value, json};

/// One call: the operation's method, `minimal` or `full`, and its inputs.
pub fn calls(doc: &Value, operations: &[OperationInputs], seed: u64) -> Vec<Value> {
    // Prism reads numbers as JavaScript does: an `int64` beyond 2⁵³ is refused though the schema allows it.
    // A request's date-times are RFC 3339, as `format: date-time` says (servers check them).
    let mut values = Values::new(doc, seed).safe_integers().strict_dates().without_schema_examples();
    let mut out = Vec::new();
    for op in operations {
        let schemas = Schemas::of(&values, op);
        for (kind, all) in [("minimal", false), ("full", true)] {
            let mut input = Map::new();
            for item in op.inputs.iter().filter(|item| all || item.required) {
                // An optional input with no sendable value (a nullable map that came out `null` every time)
                // is left unset.
                let candidates = candidates(&mut values, &schemas, item);
                if item.required || !candidates.is_empty() {
                    input.insert(item.name.clone(), Value::Array(candidates));
                }
            }
            if all && op.credential.as_ref().is_some_and(|c| c.optional) {
                input.insert("$credential".to_owned(), Value::Bool(true));
            }
            out.push(json!({"operation": op.method, "kind": kind, "input": input}));
        }
        // A union body: one call per variant besides (`variant1`, …), every other input as the full call
        // has it (which took one variant at random).
        let body = op.inputs.iter().find(|item| item.location == "body" && item.kind == InputKind::Json);
        let schema = body.and_then(|body| schemas.described(body)).and_then(|media| media.get("schema"));
        if let (Some(body), Some(schema)) = (body, schema) {
            for variant in 0..values.variants(schema) {
                let mut input = out.last().and_then(|call| call["input"].as_object().cloned()).unwrap_or_default();
                input.insert(body.name.clone(), json!([values.valid_variant(schema, variant)]));
                out.push(json!({"operation": op.method, "kind": format!("variant{}", variant + 1), "input": input}));
            }
        }
    }
    out
}

/// Where an operation's parameters and body are described in the document.
struct Schemas<'d> {
    /// `(name, in, parameter object)`, the operation's over its path item's.
    params: Vec<(String, String, &'d Value)>,
    /// The request body object.
    body: Option<&'d Value>,
}

impl<'d> Schemas<'d> {
    fn of(values: &Values<'d>, op: &OperationInputs) -> Schemas<'d> {
        let path_item = op.pointer.rsplit_once('/').map_or("", |(item, _)| item);
        let mut params: Vec<(String, String, &'d Value)> = Vec::new();
        for list in [format!("{}/parameters", op.pointer), format!("{path_item}/parameters")] {
            let Some(Value::Array(items)) = values.at(&list).map(|v| values.resolve(v)) else { continue };
            for item in items {
                let item = values.resolve(item);
                let name = item.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
                let location = item.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
                if !params.iter().any(|(n, l, _)| *n == name && *l == location) {
                    params.push((name, location, item));
                }
            }
        }
        let body = values.at(&format!("{}/requestBody", op.pointer)).map(|v| values.resolve(v));
        Schemas { params, body }
    }

    /// The parameter object or the body's media type object of `input`.
    fn described(&self, input: &Input) -> Option<&'d Value> {
        if input.location == "body" {
            let content = self.body?.get("content")?;
            return content.get(input.media.as_deref()?).or_else(|| content.as_object()?.values().next());
        }
        self.params.iter().find(|(name, location, _)| *name == input.wire && *location == input.location).map(|p| p.2)
    }
}

/// The example the spec gives on `described` (a parameter or media type object): `example`, else the first
/// of `examples` with a `value`.
fn example(values: &Values<'_>, described: &Value) -> Option<Value> {
    if let Some(example) = described.get("example") {
        return Some(example.clone());
    }
    let examples = described.get("examples")?.as_object()?;
    examples.values().find_map(|example| values.resolve(example).get("value").cloned())
}

/// The candidate values of one input: the spec's example, then a generated one.
fn candidates<'d>(values: &mut Values<'d>, schemas: &Schemas<'d>, input: &Input) -> Vec<Value> {
    let described = schemas.described(input);
    let schema = described
        .and_then(|d| d.get("schema").or_else(|| d.get("content")?.as_object()?.values().next()?.get("schema")));
    let mut out = Vec::new();
    // A query parameter's text may be empty only where the spec says `allowEmptyValue` (OpenAPI 3.0: false
    // by default), and a required one must send something; an optional empty map or list just sends nothing.
    let empty_allowed = described.and_then(|d| d.get("allowEmptyValue")) == Some(&Value::Bool(true));
    let wire_location = matches!(input.location.as_str(), "path" | "header" | "cookie");
    let empty_query = |value: &Value| {
        input.location == "query" && !empty_allowed && is_empty(value) && (value.is_string() || input.required)
    };
    // A parameter's `null` is no value to send (a nullable optional parameter is left out instead), and on
    // the wire an empty path, header or cookie value reads as no value (`/users/` has no user name, an empty
    // header is no header to Prism): such values are passed over, and built again until one is sendable.
    // (The client itself refuses `.`, `..` and empty path values: `tests/tests/calling_surface.rs`.)
    let dots = |value: &Value| input.location == "path" && matches!(value.as_str(), Some("." | ".."));
    // A body's `null` is left out too: the typed body takes no `null` (leaving the body out is the way).
    let unsendable =
        |value: &Value| (wire_location && is_empty(value)) || empty_query(value) || value.is_null() || dots(value);
    if let Some(example) = described.and_then(|d| example(values, d)).filter(|e| !unsendable(e)) {
        out.push(example);
    }
    for _ in 0..50 {
        let generated = match schema {
            Some(schema) => values.valid(schema),
            None => Value::String("value".to_owned()),
        };
        if !unsendable(&generated) {
            out.push(generated);
            break;
        }
    }
    // A parameter described by `content` (`application/json`) is sent as the text of its JSON: its value
    // is that text.
    let by_content = described.is_some_and(|d| d.get("schema").is_none() && d.get("content").is_some());
    if by_content && input.location != "body" && input.rust_type == "String" {
        for value in &mut out {
            if !value.is_string() {
                *value = Value::String(value.to_string());
            }
        }
    }
    if matches!(input.location.as_str(), "header" | "cookie") || input.kind == InputKind::Secret {
        out.iter_mut().for_each(|value| visible_ascii(value, input.location == "cookie"));
    }
    if let InputKind::Form(_) = input.kind {
        // A form's parts are built from one object; a file part's value is text either way.
        out.retain(Value::is_object);
    }
    out
}

/// An empty string, array or object, or `null`, or one holding such a value (an array `[""]` in a path is
/// an empty segment too).
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty() || items.iter().any(is_empty),
        Value::Object(map) => map.is_empty() || map.values().any(is_empty),
        _ => false,
    }
}

/// Replaces what a header (or a cookie) cannot carry in every string of `value`: characters outside
/// visible ASCII and space (and for cookies the separators), each with `x`. Such a value is the caller's
/// mistake, not a value to send.
fn visible_ascii(value: &mut Value, cookie: bool) {
    match value {
        Value::String(text) => {
            *text = text
                .chars()
                .map(|c| {
                    let invisible = !(' '..='~').contains(&c);
                    let separator = cookie && matches!(c, ' ' | '"' | ',' | ';' | '\\');
                    if invisible || separator { 'x' } else { c }
                })
                .collect();
        }
        Value::Array(items) => items.iter_mut().for_each(|item| visible_ascii(item, cookie)),
        Value::Object(map) => map.values_mut().for_each(|item| visible_ascii(item, cookie)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_keep_only_visible_ascii() {
        let mut value = json!({"a": "é\nb", "c": ["x;y z"]});
        visible_ascii(&mut value, false);
        assert_eq!(value, json!({"a": "xxb", "c": ["x;y z"]}));
        visible_ascii(&mut value, true);
        assert_eq!(value, json!({"a": "xxb", "c": ["xxyxz"]}));
    }
}

#[cfg(test)]
mod calls_tests {
    use super::*;
    use crate::conformance::driver::tests::{SPEC, operations};

    #[test]
    fn minimal_calls_set_the_required_inputs_and_full_ones_every_input_examples_first() {
        let doc = clientgen::read_document(std::path::Path::new("t.yaml"), SPEC).unwrap();
        for seed in 0..20 {
            let calls = calls(&doc, &operations(), seed);
            let names =
                |i: usize| -> Vec<&str> { calls[i]["input"].as_object().unwrap().keys().map(String::as_str).collect() };
            assert_eq!((calls[0]["operation"].as_str(), calls[0]["kind"].as_str()), (Some("put_pet"), Some("minimal")));
            assert_eq!(names(0), ["id", "body"]);
            assert_eq!(names(1), ["id", "body", "dry_run", "x_trace", "type"]);
            // The spec's example comes first, a generated value after it.
            assert_eq!(calls[1]["input"]["dry_run"][0], true);
            assert_eq!(calls[1]["input"]["dry_run"].as_array().unwrap().len(), 2);
            assert!(calls[1]["input"]["body"][0]["name"].is_string(), "{}", calls[1]);
            // Header values stay within visible ASCII; path values are never empty.
            let trace = calls[1]["input"]["x_trace"][0].as_str().unwrap();
            assert!(trace.chars().all(|c| (' '..='~').contains(&c)), "{trace:?}");
            let photo_id = calls[2]["input"]["id"][0].as_str().unwrap();
            assert!(!photo_id.is_empty());
            assert!(calls[3]["input"]["body"][0]["file"].is_string(), "{}", calls[3]);
            // A union body: a call per variant, after the minimal and full ones.
            let kinds: Vec<&str> = calls[4..].iter().map(|call| call["kind"].as_str().unwrap()).collect();
            assert_eq!(kinds, ["minimal", "full", "variant1", "variant2"]);
            assert!(calls[6]["input"]["body"][0]["r"].is_number(), "{}", calls[6]);
            assert!(calls[7]["input"]["body"][0]["side"].is_i64(), "{}", calls[7]);
        }
    }
}
