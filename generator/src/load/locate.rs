//! The line and column of a JSON pointer in the spec text, for errors found after parsing (the model's, an
//! omitted required field): the text is read again with a deserializer that walks down the pointer's keys,
//! skipping everything else, and stops with an error where the target begins; the YAML (or JSON) parser
//! puts its position on that error.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The message the walk stops with at its target.
const FOUND: &str = "\u{0}clientgen: the pointer's target";

/// 1-based line and column of the value at `pointer` (RFC 6901) in `text`, if it is there.
pub(crate) fn position(text: &str, pointer: &str) -> Option<(u32, u32)> {
    let path: Vec<String> =
        pointer.strip_prefix('/')?.split('/').map(|segment| segment.replace("~1", "/").replace("~0", "~")).collect();
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    if text.trim_start().starts_with('{') {
        let mut json = serde_json::Deserializer::from_str(text);
        if let Err(err) = Seek(&path).deserialize(&mut json) {
            if err.to_string().contains(FOUND) {
                return Some((clamp(err.line()), clamp(err.column())));
            }
        }
    }
    let err = Seek(&path).deserialize(serde_yaml::Deserializer::from_str(text)).err()?;
    // serde_yaml puts the path before the message.
    let at = err.location().filter(|_| err.to_string().contains(FOUND))?;
    Some((clamp(at.line()), clamp(at.column())))
}

/// Walks down `0` and stops with [`FOUND`] where it ends.
struct Seek<'p>(&'p [String]);

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.0.is_empty() {
            // Into the target, so that the parser's position is the target's own.
            return deserializer.deserialize_any(Found);
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // The whole mapping is read (a parser may refuse one left half read).
        while let Some(key) = map.next_key::<Key>()? {
            if key.0.as_deref() == Some(self.0[0].as_str()) {
                map.next_value_seed(Seek(&self.0[1..]))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let index = self.0[0].parse::<usize>().ok();
        let mut at = 0;
        loop {
            let more = if Some(at) == index {
                seq.next_element_seed(Seek(&self.0[1..]))?.is_some()
            } else {
                seq.next_element::<IgnoredAny>()?.is_some()
            };
            if !more {
                return Ok(());
            }
            at += 1;
        }
    }

    // A scalar where the pointer goes on: the target is not there.
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// The target: whatever it is, the walk stops in it.
struct Found;

impl<'de> Visitor<'de> for Found {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
}

/// A mapping key as the pointer spells it: a string, or a number or boolean as its text (YAML allows `200:`).
struct Key(Option<String>);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key(Some(v.to_owned())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
                Ok(Key(Some(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
                Ok(Key(Some(v.to_string())))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
                Ok(Key(Some(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
                Ok(Key(Some(v.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Key, E> {
                Ok(Key(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Key, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Key(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Key(None))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::position;

    #[test]
    fn finds_the_line_of_a_pointer_in_yaml_and_json() {
        let yaml =
            "openapi: 3.0.3\npaths:\n  /a~b/{id}:\n    get:\n      responses:\n        200:\n          content: {}\n";
        assert_eq!(position(yaml, "/paths/~1a~0b~1{id}/get/responses/200"), Some((7, 11)));
        assert_eq!(position(yaml, "/paths"), Some((3, 3)));
        assert_eq!(position(yaml, "/paths/~1nowhere"), None);
        assert_eq!(position(yaml, "/openapi/x"), None);
        let list = "servers:\n  - url: a\n  - description: b\n";
        assert_eq!(position(list, "/servers/1"), Some((3, 5)));
        assert_eq!(position(list, "/servers/2"), None);
        let json = "{\n  \"paths\": {\n    \"/a\": {\"get\": {\"responses\": {\"200\": {}}}}\n  }\n}";
        assert_eq!(position(json, "/paths/~1a/get/responses/200").map(|(line, _)| line), Some(3));
        assert_eq!(position("", "/x"), None);
        // Where the value begins, even in a document broken after it.
        assert_eq!(position("a: [", "/a"), Some((1, 4)));
    }
}
