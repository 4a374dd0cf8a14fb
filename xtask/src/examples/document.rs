//! A document's documented response examples: read the document as JSON, walk each JSON response's media
//! type object (following `$ref`s on the way, as `clientgen::ResponseType::media` asks) and take its
//! `example` and `examples`.

use serde_json::Value;

/// Which example: what the known-failures list and the report name it by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// Path relative to the corpus directory.
    pub document: String,
    /// The operation's method name on the generated `Client`.
    pub operation: String,
    /// `200`, `4XX`, `default`.
    pub status: String,
    /// `example` for the media type's single `example`, else its name under `examples`.
    pub name: String,
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {} {}", self.document, self.operation, self.status, self.name)
    }
}

/// One documented response body with the type the generated client decodes it into.
pub struct Example {
    /// Its name.
    pub key: Key,
    /// The body.
    pub value: Value,
    /// JSON pointer of the body's schema, with every `$ref` on the way to it resolved.
    pub schema: String,
    /// The generated Rust type, written from the crate root.
    pub rust_type: String,
}

/// What a document shows: its examples, and those that have no value to decode (`externalValue` only).
#[derive(Default)]
pub struct Examples {
    /// The examples with a value.
    pub examples: Vec<Example>,
    /// Those without one, with why.
    pub skipped: Vec<(Key, String)>,
}

/// Reads a document as JSON, as the generator does (`clientgen::read_document`).
pub fn read(text: &str) -> Result<Value, String> {
    clientgen::read_document(std::path::Path::new("document"), text).map_err(|err| err.kind.to_string())
}

/// The examples of every JSON response body `clientgen::response_types` lists.
pub fn collect(document: &str, doc: &Value, responses: &[clientgen::ResponseType]) -> Result<Examples, String> {
    let mut out = Examples::default();
    for response in responses {
        let (media_pointer, media) = resolve(doc, &response.media).map_err(|err| {
            format!("{} {}: media type {}: {err}", response.operation, response.status, response.media)
        })?;
        let key = |name: &str| Key {
            document: document.to_owned(),
            operation: response.operation.clone(),
            status: response.status.clone(),
            name: name.to_owned(),
        };
        let schema = format!("{media_pointer}/schema");
        let mut push = |name: &str, value: &Value| {
            out.examples.push(Example {
                key: key(name),
                value: value.clone(),
                schema: schema.clone(),
                rust_type: response.rust_type.clone(),
            });
        };
        if let Some(value) = media.get("example") {
            push("example", value);
        }
        let Some(Value::Object(examples)) = media.get("examples") else { continue };
        for (name, example) in examples {
            match follow_refs(doc, String::new(), example) {
                Ok((_, example)) => match example.get("value") {
                    Some(value) => push(name, value),
                    None if example.get("externalValue").is_some() => {
                        out.skipped.push((key(name), "externalValue only".to_owned()));
                    }
                    None => out.skipped.push((key(name), "no value".to_owned())),
                },
                Err(err) => out.skipped.push((key(name), err)),
            }
        }
    }
    Ok(out)
}

/// Walks `pointer` from the document's root, following each `$ref` met on the way; returns where it ends,
/// as a pointer without `$ref`s (what the validator is given), and the value there.
fn resolve<'a>(doc: &'a Value, pointer: &str) -> Result<(String, &'a Value), String> {
    let (mut at, mut value) = follow_refs(doc, String::new(), doc)?;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = match value {
            Value::Object(object) => object.get(&token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        let next = next.ok_or_else(|| format!("nothing at {at}/{}", escape(&token)))?;
        (at, value) = follow_refs(doc, format!("{at}/{}", escape(&token)), next)?;
    }
    Ok((at, value))
}

/// `value`, or what its `$ref` (to this document, `#/…`) leads to, through chains of them.
fn follow_refs<'a>(doc: &'a Value, mut at: String, mut value: &'a Value) -> Result<(String, &'a Value), String> {
    for _ in 0..32 {
        let Some(Value::String(reference)) = value.get("$ref") else {
            return Ok((at, value));
        };
        let Some(fragment) = reference.strip_prefix('#') else {
            return Err(format!("`$ref: {reference}` leaves the document"));
        };
        let pointer = percent_decode(fragment);
        value = doc.pointer(&pointer).ok_or_else(|| format!("`$ref: {reference}` leads nowhere"))?;
        at = pointer;
    }
    Err(format!("the `$ref`s at {at} go round in a circle"))
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A `$ref`'s fragment is a URI fragment: `%7B` stands for `{`.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_follows_refs_on_the_way() {
        let doc: Value = serde_json::json!({
            "paths": {"/a/{id}": {"get": {"responses": {"200": {"$ref": "#/components/responses/Ok"}}}}},
            "components": {"responses": {"Ok": {"content": {"application/json": {"example": 1}}}}},
        });
        let (at, media) = resolve(&doc, "/paths/~1a~1{id}/get/responses/200/content/application~1json").unwrap();
        assert_eq!(at, "/components/responses/Ok/content/application~1json");
        assert_eq!(media["example"], 1);
    }

    #[test]
    fn refs_are_percent_decoded_and_circles_stop() {
        let doc: Value = serde_json::json!({"a b": {"x": 1}, "loop": {"$ref": "#/loop"}});
        assert_eq!(follow_refs(&doc, String::new(), &serde_json::json!({"$ref": "#/a%20b"})).unwrap().0, "/a b");
        assert!(follow_refs(&doc, String::new(), &doc["loop"]).is_err());
    }

    #[test]
    fn yaml_keys_become_strings_and_merges_apply() {
        let doc =
            read("base: &b {x: 1, y: 0}\nresponses:\n  200: {<<: *b, y: 2}\nmin: -9223372036854776000\n").unwrap();
        assert_eq!(doc["responses"]["200"], serde_json::json!({"x": 1, "y": 2}));
        assert!(doc["min"].is_number());
    }
}
