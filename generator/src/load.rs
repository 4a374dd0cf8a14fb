//! Load: spec text → `openapiv3::OpenAPI`, through serde_yaml (JSON is YAML too).

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
}

/// Parses `text`, read from `file`, as an OpenAPI 3.0.x document.
pub fn load(file: &Path, text: &str) -> Result<Loaded, Error> {
    let fail = |pointer: &str, kind| Error::new(file, pointer, kind);
    if text.trim().is_empty() {
        return Err(fail("", ErrorKind::NotOpenApi("the file is empty".into())));
    }
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|err| {
        let mut error = fail("", ErrorKind::Syntax(strip_location(&err.to_string())));
        error.position = err.location().map(|at| (at.line(), at.column()));
        error
    })?;
    yaml.apply_merge().map_err(|err| fail("", ErrorKind::Syntax(err.to_string())))?;
    let raw = to_json(file, "", yaml)?;
    let Value::Object(top) = &raw else {
        return Err(fail("", ErrorKind::NotOpenApi("the top level is not a mapping".into())));
    };
    check_version(top).map_err(|kind| fail("/openapi", kind))?;
    for key in ["info", "paths"] {
        if !top.contains_key(key) {
            return Err(fail("", ErrorKind::Invalid(format!("the required field `{key}` is missing"))));
        }
    }
    let doc: openapiv3::OpenAPI = serde_path_to_error::deserialize(&raw).map_err(|err| {
        let pointer = path_to_pointer(err.path());
        fail(&pointer, ErrorKind::Invalid(err.into_inner().to_string()))
    })?;
    let sha256 = Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(Loaded { doc, sha256 })
}

fn check_version(top: &serde_json::Map<String, Value>) -> Result<(), ErrorKind> {
    let version = match (top.get("openapi"), top.get("swagger")) {
        (Some(Value::String(version)), _) => version.as_str(),
        (Some(other), _) => return Err(ErrorKind::NotOpenApi(format!("`openapi` is {other}, not a version string"))),
        (None, Some(swagger)) => {
            return Err(ErrorKind::UnsupportedVersion {
                found: format!("Swagger {}", swagger.as_str().unwrap_or("2.0")),
                hint: "; convert it to OpenAPI 3.0 first (for example with swagger2openapi)",
            });
        }
        (None, None) => return Err(ErrorKind::NotOpenApi("there is no `openapi` version field".into())),
    };
    if version.starts_with("3.0.") || version == "3.0" {
        return Ok(());
    }
    let hint = if version.starts_with("3.1") {
        "; 3.1 support is planned: until then, express the document in 3.0 (nullable instead of type lists)"
    } else {
        ""
    };
    Err(ErrorKind::UnsupportedVersion { found: format!("OpenAPI {version}"), hint })
}

/// serde_yaml's messages end with " at line L column C"; the position is reported separately.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// YAML → JSON: mapping keys become strings (YAML allows `200:` as an integer status key).
fn to_json(file: &Path, pointer: &str, yaml: serde_yaml::Value) -> Result<Value, Error> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| to_json(file, &pointer_push(pointer, &i.to_string()), item))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut object = serde_json::Map::new();
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    _ => {
                        return Err(Error::new(
                            file,
                            pointer,
                            ErrorKind::Invalid("a mapping key is itself a list or mapping".into()),
                        ));
                    }
                };
                let value = to_json(file, &pointer_push(pointer, &key), value)?;
                object.insert(key, value);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => to_json(file, pointer, tagged.value)?,
    })
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
