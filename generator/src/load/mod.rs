//! Load: spec text → `openapiv3::OpenAPI`, through serde_yaml (JSON is YAML too), with errors located by
//! line and JSON pointer. OpenAPI 3.1 documents, and a few things openapiv3 reads wrong, are normalized to
//! the 3.0 shapes it reads first (`normalize`).

mod inner_refs;
mod locate;
mod normalize;

use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, pointer_push};

/// A parsed spec, with the JSON form it was read from (for the vendor extensions and for locating errors).
pub struct Loaded {
    /// The typed document.
    pub doc: openapiv3::OpenAPI,
    /// SHA-256 of the file's bytes, in hex.
    pub sha256: String,
    /// Required fields the document leaves out that have one safe reading, read that way (see
    /// [`omissions`]): an error unless the generator is lenient.
    pub omitted: Vec<Error>,
}

/// Parses `text`, read from `file`, as an OpenAPI 3.0.x document.
pub fn load(file: &Path, text: &str) -> Result<Loaded, Error> {
    finish(file, text, json(file, text)?)
}

pub(crate) use locate::position;

/// The document as JSON, as written (YAML read straight into JSON values, see `Json`).
pub(crate) fn json(file: &Path, text: &str) -> Result<Value, Error> {
    let fail = |pointer: &str, kind| Error::new(file, pointer, kind);
    if text.trim().is_empty() {
        return Err(fail("", ErrorKind::NotOpenApi("the file is empty".into())));
    }
    // JSON documents are read as JSON first: the YAML parser refuses some valid JSON (surrogate-pair escapes).
    if text.trim_start().starts_with('{') {
        if let Ok(Json(json)) = serde_json::from_str::<Json>(text) {
            return Ok(json);
        }
    }
    let Json(raw) = serde_yaml::from_str(text).map_err(|err| {
        let mut error = fail("", ErrorKind::Syntax(strip_location(&err.to_string())));
        error.position = err.location().map(|at| (clamp(at.line()), clamp(at.column())));
        error
    })?;
    Ok(raw)
}

fn finish(file: &Path, text: &str, mut raw: Value) -> Result<Loaded, Error> {
    let fail = |pointer: &str, kind| Error::new(file, pointer, kind);
    // `version: 1.0` unquoted is common; it is the version's text either way.
    if let Some(version) = raw.pointer_mut("/info/version") {
        if let Value::Number(number) = version {
            *version = Value::String(number.to_string());
        }
    }
    let Value::Object(top) = &raw else {
        return Err(fail("", ErrorKind::NotOpenApi("the top level is not a mapping".into())));
    };
    check_version(top).map_err(|kind| fail("/openapi", kind))?;
    let version = top.get("openapi").and_then(Value::as_str).unwrap_or_default().to_owned();
    let invalid = |reason: String| ErrorKind::Invalid { version: version.clone(), reason };
    // OpenAPI 3.1 makes `paths` optional (a document of components or webhooks only).
    let v31 = top.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.1"));
    for key in ["info", "paths"] {
        let optional = v31 && key == "paths";
        if !(top.contains_key(key) || optional) {
            return Err(fail("", invalid(format!("the required field `{key}` is missing"))));
        }
    }
    if let Some(pointer) = too_deep(&raw, "", 0) {
        return Err(fail(&pointer, ErrorKind::TooDeep { limit: MAX_SCHEMA_DEPTH }));
    }
    let omitted = omissions(&mut raw)
        .into_iter()
        .map(|(pointer, reason)| Error { position: position(text, &pointer), ..fail(&pointer, invalid(reason)) })
        .collect();
    // Inner pointers first, against the document as written (normalization moves what they name).
    inner_refs::hoist(&mut raw);
    if v31 {
        normalize::from_v31(&mut raw);
    } else {
        // A 3.0 document's `x-webhooks` (3.1 `webhooks` are read with the rest of 3.1).
        normalize::webhooks(&mut raw);
    }
    normalize::const_as_enum(&mut raw, "");
    normalize::default_form_explode(&mut raw, false);
    let doc: openapiv3::OpenAPI = serde_path_to_error::deserialize(raw).map_err(|err| {
        let pointer = path_to_pointer(err.path());
        let mut error = fail(&pointer, invalid(err.into_inner().to_string()));
        // Reading the text again, straight into the typed document, gives the line where YAML can tell it.
        // openapiv3 can panic on some invalid input read this way (an `expect` in its `ReferenceOr`): the
        // position is only a nicety, so such a panic just means no position.
        error.position = if v31 {
            // A 3.1 text read as it is fails first wherever 3.1 differs from 3.0: its position is only the
            // error's when the path it fails at is the error's too.
            std::panic::catch_unwind(|| {
                serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(serde_yaml::Deserializer::from_str(text))
                    .err()
                    .filter(|err| path_to_pointer(err.path()) == pointer)
                    .and_then(|err| err.into_inner().location())
            })
            .ok()
            .flatten()
        } else {
            std::panic::catch_unwind(|| serde_yaml::from_str::<openapiv3::OpenAPI>(text).err())
                .ok()
                .flatten()
                .and_then(|err| err.location())
        }
        .map(|at| (clamp(at.line()), clamp(at.column())));
        error
    })?;
    let sha256 = Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(Loaded { doc, sha256, omitted })
}

/// Required fields that real documents leave out although nothing hangs on them, each read the one way it
/// can be (and listed by pointer, with what was assumed): a response without a `description` (an empty one),
/// `info` without a `version` (an empty one), a `license` without a `name` (an empty one), and a server
/// without a `url` (no server: it says nothing to reach). In the order a document is usually written.
fn omissions(doc: &mut Value) -> Vec<(String, String)> {
    const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    let mut omitted = Vec::new();
    if let Some(Value::Object(info)) = doc.get_mut("info") {
        fill(&mut omitted, info, "/info".to_owned(), "version", "`info`");
        if let Some(Value::Object(license)) = info.get_mut("license") {
            fill(&mut omitted, license, "/info/license".to_owned(), "name", "the license");
        }
    }
    if let Some(Value::Array(servers)) = doc.get_mut("servers") {
        let mut index = 0;
        servers.retain(|server| {
            let keep = !server.is_object() || server.get("url").is_some();
            if !keep {
                let reason = "a server has no `url`, which is required (lenient mode leaves the server out)";
                omitted.push((format!("/servers/{index}"), reason.to_owned()));
            }
            index += 1;
            keep
        });
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            for method in METHODS {
                let Some(Value::Object(responses)) = item.get_mut(*method).and_then(|op| op.get_mut("responses"))
                else {
                    continue;
                };
                for (status, response) in responses.iter_mut() {
                    let Some(response) = response.as_object_mut() else { continue };
                    let pointer = pointer_push(&pointer_push(&pointer_push("/paths", path), method), "responses");
                    let pointer = pointer_push(&pointer, status);
                    fill(&mut omitted, response, pointer, "description", "a response");
                }
            }
        }
    }
    if let Some(Value::Object(responses)) = doc.pointer_mut("/components/responses") {
        for (name, response) in responses.iter_mut() {
            if let Some(response) = response.as_object_mut() {
                fill(&mut omitted, response, pointer_push("/components/responses", name), "description", "a response");
            }
        }
    }
    omitted
}

/// Sets `object`'s missing `field` to an empty string (unless the object is a reference), noting it.
fn fill(
    omitted: &mut Vec<(String, String)>,
    object: &mut serde_json::Map<String, Value>,
    pointer: String,
    field: &str,
    what: &str,
) {
    if !object.contains_key(field) && !object.contains_key("$ref") {
        object.insert(field.to_owned(), Value::String(String::new()));
        omitted.push((pointer, format!("{what} has no `{field}`, which is required (lenient mode reads it as empty)")));
    }
}

/// How many inline schemas may nest in one another. Real documents stay under a dozen; the OpenAPI parser
/// slows down exponentially with depth on documents that turn out invalid deep inside.
pub const MAX_SCHEMA_DEPTH: usize = 20;

/// The pointer of a schema nested deeper than [`MAX_SCHEMA_DEPTH`] inline schemas, if any.
fn too_deep(value: &Value, pointer: &str, depth: usize) -> Option<String> {
    if depth > MAX_SCHEMA_DEPTH {
        return Some(pointer.to_owned());
    }
    match value {
        Value::Object(object) => object.iter().find_map(|(key, item)| {
            let here = pointer_push(pointer, key);
            let nested = |item: &Value, at: &str| too_deep(item, at, depth + 1);
            match (key.as_str(), item) {
                ("properties", Value::Object(properties)) => {
                    properties.iter().find_map(|(name, schema)| nested(schema, &pointer_push(&here, name)))
                }
                ("items" | "additionalProperties" | "not", Value::Object(_)) => nested(item, &here),
                ("allOf" | "oneOf" | "anyOf", Value::Array(parts)) => {
                    parts.iter().enumerate().find_map(|(i, part)| nested(part, &pointer_push(&here, &i.to_string())))
                }
                _ => too_deep(item, &here, depth),
            }
        }),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| too_deep(item, &pointer_push(pointer, &i.to_string()), depth))
        }
        _ => None,
    }
}

fn check_version(top: &serde_json::Map<String, Value>) -> Result<(), ErrorKind> {
    let version = match (top.get("openapi"), top.get("swagger")) {
        (Some(Value::String(version)), _) => version.as_str(),
        (Some(other), _) => {
            return Err(ErrorKind::NotOpenApi(format!(
                "`openapi` is {other}, not a version string: write it quoted, such as `openapi: \"3.0.3\"`"
            )));
        }
        (None, Some(swagger)) => {
            return Err(ErrorKind::UnsupportedVersion {
                found: format!("Swagger {}", swagger.as_str().unwrap_or("2.0")),
                hint: "; convert it to OpenAPI 3.0 first (for example with swagger2openapi)",
            });
        }
        (None, None) => {
            return Err(ErrorKind::NotOpenApi("there is no `openapi` version field".into()));
        }
    };
    if version.starts_with("3.0.") || version == "3.0" || version.starts_with("3.1.") || version == "3.1" {
        return Ok(());
    }
    Err(ErrorKind::UnsupportedVersion { found: format!("OpenAPI {version}"), hint: "" })
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// serde_yaml's messages end with " at line L column C"; the position is reported separately.
fn strip_location(message: &str) -> String {
    let Some(at) = message.find(" at line ") else {
        return message.to_owned();
    };
    // Drop " at line L column C", keep what follows (", while parsing …").
    let rest = &message[at + " at line ".len()..];
    let after_numbers = rest
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches(" column ")
        .trim_start_matches(|c: char| c.is_ascii_digit());
    format!("{}{after_numbers}", &message[..at])
}

/// A YAML document read straight into JSON: mapping keys become strings (YAML allows `200:` as an integer
/// status key), `<<` merge keys are applied, and integers beyond 64 bits become floats instead of errors.
struct Json(Value);

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor).map(Json)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(float_value(v as f64))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(float_value(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // Only integers too large for exact floats were meant as integers (int64 bounds); `1.0` stays a float.
        if v.abs() >= 9_007_199_254_740_992.0 {
            Ok(float_value(v))
        } else {
            Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
        }
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    /// A value with a YAML tag (`!Tag value`): the tag is dropped.
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        let (Json(_tag), variant) = data.variant()?;
        variant.newtype_variant::<Json>().map(|Json(value)| value)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Json(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        let mut merged = Vec::new();
        while let Some(Json(key)) = map.next_key()? {
            let Json(value) = map.next_value()?;
            let key = match key {
                Value::String(s) => s,
                Value::Null => "null".to_owned(),
                Value::Bool(_) | Value::Number(_) => key.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(serde::de::Error::custom("a mapping key is itself a list or mapping"));
                }
            };
            if key == "<<" {
                merged.push(value);
            } else if object.contains_key(&key) {
                // YAML and JSON want unique keys; a repeated one would silently lose data.
                return Err(serde::de::Error::custom(format!("the key `{key}` appears twice in one mapping")));
            } else {
                object.insert(key, value);
            }
        }
        // Merged mappings fill in keys the mapping does not set itself (YAML merge-key semantics).
        for source in merged.into_iter().flat_map(|v| match v {
            Value::Array(items) => items,
            other => vec![other],
        }) {
            if let Value::Object(source) = source {
                for (k, v) in source {
                    object.entry(k).or_insert(v);
                }
            }
        }
        Ok(Value::Object(object))
    }
}

/// A float with no fraction that fits an `i64` is read as an integer: documents write int64 bounds such as
/// `-9223372036854775808`, which parsers return as the float `-9.223372036854776e18`.
fn float_value(f: f64) -> Value {
    // i64::MIN is exactly representable as f64; i64::MAX rounds up to 2^63, which does not fit.
    if f.fract() == 0.0 && f >= i64::MIN as f64 && f < 9_223_372_036_854_775_808.0 {
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = pointer_push(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = pointer_push(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}
