//! Serde support for unions chosen by a discriminator property (`oneOf` + `discriminator`), whose
//! variant types keep the property among their own fields, which serde's internal tagging cannot express.

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
}
