//! The one secret type used for every credential: passwords, client secrets, access and refresh tokens.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A credential that must never be shown.
///
/// `Debug` and `Display` print a fixed redaction, the memory is zeroized on drop (via
/// [`secrecy::SecretString`]), and the only way to read the value is [`Secret::expose`], which makes every
/// read easy to find. It serializes to the plain string because it has to go on the wire.
#[derive(Clone)]
pub struct Secret(SecretString);

/// A JSON value that may hold credentials (a login or refresh request, a token response): every string in it
/// is zeroized when it is dropped.
pub(crate) struct WipedJson(pub serde_json::Value);

impl std::ops::Deref for WipedJson {
    type Target = serde_json::Value;

    fn deref(&self) -> &serde_json::Value {
        &self.0
    }
}

impl Drop for WipedJson {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Zeroizes every string in `value` (left empty, in place).
fn wipe(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => zeroize::Zeroize::zeroize(text),
        serde_json::Value::Array(items) => items.iter_mut().for_each(wipe),
        serde_json::Value::Object(members) => members.values_mut().for_each(wipe),
        _ => {}
    }
}

/// A request body that holds credentials: its bytes are zeroized when the last copy of the body is dropped
/// (resends share them).
pub(crate) fn wiped_body(bytes: Vec<u8>) -> reqwest::Body {
    struct Wiped(zeroize::Zeroizing<Vec<u8>>);
    impl AsRef<[u8]> for Wiped {
        fn as_ref(&self) -> &[u8] {
            &self.0
        }
    }
    reqwest::Body::from(bytes::Bytes::from_owner(Wiped(zeroize::Zeroizing::new(bytes))))
}

/// What `Debug` and `Display` print instead of a secret.
pub const REDACTED: &str = "[REDACTED]";

impl Secret {
    /// Wraps a value as a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// Reads the secret value. Do not log or display what this returns.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wiping_json_zeroizes_every_string() {
        let mut value = serde_json::json!({"password": "hunter2", "nested": [{"token": "abc"}], "n": 1});
        wipe(&mut value);
        assert_eq!(value, serde_json::json!({"password": "", "nested": [{"token": ""}], "n": 1}));
    }

    #[test]
    fn debug_and_display_redact() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(format!("{s}"), REDACTED);
        assert_eq!(format!("{:?}", Some(&s)), format!("Some({REDACTED})"));
    }

    #[test]
    fn round_trips_through_json() {
        let s: Secret = serde_json::from_str("\"hunter2\"").unwrap();
        assert_eq!(s.expose(), "hunter2");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"hunter2\"");
    }
}
