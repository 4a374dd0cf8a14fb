//! Serde support for unions chosen by a tag property: a `discriminator`, or a property whose schema in each
//! variant is a single value (`enum: [x]` or `const: x`). A variant is carried whole (its type may keep the
//! tag among its own fields, which serde's internal tagging cannot express), as the content of one other
//! property (`{"type": "vpc", "value": …}` read as `Vpc(value)`: adjacently tagged), or as the tag alone.

use serde::de::DeserializeOwned;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Serializes a variant, adding `property: tag` when the variant did not write it itself.
pub fn serialize<S: Serializer, T: Serialize>(
    serializer: S,
    property: &str,
    tag: &str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(value).map_err(S::Error::custom)?;
    if let Value::Object(object) = &mut json {
        object.entry(property).or_insert_with(|| Value::String(tag.to_owned()));
    }
    json.serialize(serializer)
}

/// Reads a value and its discriminator (`""` when the property is missing or not a string).
pub fn split<'de, D: Deserializer<'de>>(deserializer: D, property: &str) -> Result<(String, Value), D::Error> {
    let value = Value::deserialize(deserializer)?;
    let tag = value.get(property).and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok((tag, value))
}

/// Decodes the value as the variant its discriminator names.
pub fn variant<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// Serializes a variant carried as the content of `key`: `{property: tag, key: content}`.
pub fn adjacent<S: Serializer, T: Serialize>(
    serializer: S,
    property: &str,
    tag: &str,
    key: &str,
    content: &T,
) -> Result<S::Ok, S::Error> {
    let content = serde_json::to_value(content).map_err(S::Error::custom)?;
    let mut object = serde_json::Map::new();
    object.insert(property.to_owned(), Value::String(tag.to_owned()));
    object.insert(key.to_owned(), content);
    Value::Object(object).serialize(serializer)
}

/// Serializes a variant that is the tag alone: `{property: tag}`.
pub fn unit<S: Serializer>(serializer: S, property: &str, tag: &str) -> Result<S::Ok, S::Error> {
    let mut object = serde_json::Map::new();
    object.insert(property.to_owned(), Value::String(tag.to_owned()));
    Value::Object(object).serialize(serializer)
}

/// Decodes the content of `key` as the variant its tag names.
pub fn content<T: DeserializeOwned, E: serde::de::Error>(mut value: Value, key: &str) -> Result<T, E> {
    match value.as_object_mut().and_then(|object| object.remove(key)) {
        Some(content) => serde_json::from_value(content).map_err(|err| E::custom(format!("{key}: {err}"))),
        None => Err(E::custom(format_args!("missing field `{key}`"))),
    }
}

/// Decodes the content of `key`, which may be absent or `null`.
pub fn optional_content<T: DeserializeOwned, E: serde::de::Error>(mut value: Value, key: &str) -> Result<Option<T>, E> {
    match value.as_object_mut().and_then(|object| object.remove(key)) {
        Some(content) => serde_json::from_value(content).map_err(|err| E::custom(format!("{key}: {err}"))),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Cat {
        name: String,
    }

    #[test]
    fn adds_the_tag_unless_present_and_reads_it_back() {
        let json = serialize(serde_json::value::Serializer, "kind", "cat", &Cat { name: "Tom".into() }).unwrap();
        assert_eq!(json, serde_json::json!({"name": "Tom", "kind": "cat"}));
        let (tag, value) = split(json, "kind").unwrap();
        assert_eq!(tag, "cat");
        let cat: Cat = variant::<Cat, serde_json::Error>(value).unwrap();
        assert_eq!(cat.name, "Tom");
        let (tag, _) = split(serde_json::json!({"name": 1}), "kind").unwrap();
        assert_eq!(tag, "");
    }

    #[test]
    fn adjacent_variants_carry_their_content_under_its_key() {
        let json = adjacent(serde_json::value::Serializer, "type", "vpc", "value", &"net").unwrap();
        assert_eq!(json, serde_json::json!({"type": "vpc", "value": "net"}));
        let name: String = content::<String, serde_json::Error>(json, "value").unwrap();
        assert_eq!(name, "net");
        let missing = content::<String, serde_json::Error>(serde_json::json!({"type": "vpc"}), "value");
        assert_eq!(missing.unwrap_err().to_string(), "missing field `value`");
        let absent = optional_content::<String, serde_json::Error>(serde_json::json!({"type": "all"}), "value");
        assert_eq!(absent.unwrap(), None);
        let present = optional_content::<String, serde_json::Error>(serde_json::json!({"value": "net"}), "value");
        assert_eq!(present.unwrap().as_deref(), Some("net"));
        let null = optional_content::<String, serde_json::Error>(serde_json::json!({"value": null}), "value");
        assert_eq!(null.unwrap(), None);
        let wrong = optional_content::<String, serde_json::Error>(serde_json::json!({"value": 1}), "value");
        assert_eq!(wrong.unwrap_err().to_string(), "value: invalid type: integer `1`, expected a string");
        let json = unit(serde_json::value::Serializer, "type", "all").unwrap();
        assert_eq!(json, serde_json::json!({"type": "all"}));
    }
}
