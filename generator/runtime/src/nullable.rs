//! Fields that are optional and nullable: `Option<Option<T>>`, where `None` is absent, `Some(None)` is
//! `null` and `Some(Some(v))` is a value. Serde writes that shape as wanted; reading needs this helper,
//! since by default a `null` would read as `None` (absent).

use serde::{Deserialize, Deserializer};

/// Reads a present field: `null` as `Some(None)`, a value as `Some(Some(value))`. Use with
/// `#[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "…")]`.
pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::deserialize")]
        name: Option<Option<String>>,
    }

    #[test]
    fn absent_null_and_value_stay_apart() {
        for (json, value) in
            [("{}", None), (r#"{"name":null}"#, Some(None)), (r#"{"name":"x"}"#, Some(Some("x".to_owned())))]
        {
            let patch: Patch = serde_json::from_str(json).unwrap();
            assert_eq!(patch.name, value);
            assert_eq!(serde_json::to_string(&patch).unwrap(), json);
        }
    }
}
