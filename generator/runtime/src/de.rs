//! What the generated `Deserialize` impls share. A generated struct reads a JSON object and nothing else:
//! serde's derive also reads an array of the fields in order, which no API sends, which could make an
//! untagged union take an array for a struct, and which compiles a second reader per struct. Its
//! properties are matched by name through one [`Key`] type for every struct, instead of a field enum and
//! its visitor per struct; unknown properties are skipped with [`skip`], which counts them for the untagged
//! unions' choice, or kept, where the schema has `additionalProperties`.
//!
//! A struct implements [`FromObject`], and its `Deserialize` is [`object`]. Its fields read as follows:
//! - a required property: [`once`] into an `Option<T>` slot, then [`required`], which names a missing one;
//! - an optional or nullable one: [`once`] into an `Option<Option<T>>` slot, so that `null` reads as
//!   `Some(None)`; the field is then `slot.flatten()` (`None` for absent and for `null`), or the slot itself
//!   where the property is optional *and* nullable (absent is `None`, `null` is `Some(None)`, three
//!   different things on the wire);
//! - date-times through [`crate::datetime::once`] and [`crate::datetime::once_nullable`], which read the
//!   forms real servers send.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Error, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

thread_local! {
    /// Properties skipped (not kept by any field) on this thread: decoding is synchronous, so a count
    /// taken around one decoding is that decoding's.
    static DROPPED: Cell<usize> = const { Cell::new(0) };
}

/// Skips the value of a property the struct does not declare, counting it as dropped.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>()?;
    DROPPED.with(|dropped| dropped.set(dropped.get().saturating_add(1)));
    Ok(())
}

/// Runs `decode` and says how many properties it dropped, at any depth (what an untagged union ranks its
/// decodable variants by); the count of an enclosing decoding is left as it was.
pub(crate) fn dropped_by<T>(decode: impl FnOnce() -> T) -> (T, usize) {
    let outer = swap_dropped(0);
    let result = decode();
    (result, swap_dropped(outer))
}

/// Sets this thread's count of dropped properties, returning what it was: outside [`dropped_by`], which is
/// generic, so that the thread-local access is compiled once, not once per type decoded.
fn swap_dropped(count: usize) -> usize {
    DROPPED.with(|dropped| dropped.replace(count))
}

/// Counts `count` more dropped properties for the enclosing decoding (those of the variant a union chose).
pub(crate) fn add_dropped(count: usize) {
    DROPPED.with(|dropped| dropped.set(dropped.get().saturating_add(count)));
}

/// A string value, borrowed from the input where it can be (a string enum's value: only a value the spec does
/// not list is kept, and only that one is copied).
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Cow<'de, str>, D::Error> {
    deserializer.deserialize_str(TextVisitor)
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_borrowed_str<E: Error>(self, text: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(text))
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text.to_owned()))
    }

    fn visit_string<E: Error>(self, text: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text))
    }
}

/// A property name, borrowed from the input where it can be.
#[derive(Debug)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned (an additional property's key).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a property name")
    }

    fn visit_borrowed_str<E: Error>(self, name: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(name)))
    }

    fn visit_str<E: Error>(self, name: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(name.to_owned())))
    }

    fn visit_string<E: Error>(self, name: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(name)))
    }
}

/// A generated struct, read from the properties of a JSON object.
pub trait FromObject<'de>: Sized {
    /// The type's name, for the error on a value that is not an object (`expected struct Pet`).
    const NAME: &'static str;

    /// Reads the object's properties.
    fn from_object<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of a [`FromObject`] type: an object, and nothing else.
pub fn object<'de, D: Deserializer<'de>, T: FromObject<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: FromObject<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        expecting_struct(T::NAME, formatter)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_object(map)
    }
}

/// What [`ObjectVisitor`] expects, written once rather than once per struct.
fn expecting_struct(name: &str, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(formatter, "struct {name}")
}

/// Reads the value of the property `name` into its slot; a property sent twice is an error, as serde's
/// derive has it.
pub fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The value of the required property `name`, or the error that says it is missing.
pub fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_is_borrowed_from_the_input_unless_it_has_escapes() {
        let mut plain = serde_json::Deserializer::from_str(r#""running""#);
        assert!(matches!(text(&mut plain), Ok(Cow::Borrowed("running"))));
        let mut escaped = serde_json::Deserializer::from_str(r#""a\"b""#);
        assert!(matches!(text(&mut escaped), Ok(Cow::Owned(owned)) if owned == "a\"b"));
        let mut number = serde_json::Deserializer::from_str("1");
        let err = text(&mut number).unwrap_err().to_string();
        assert!(err.contains("expected a string"), "{err}");
    }

    /// What a generated struct's reader looks like: a required field, an optional one, one optional and
    /// nullable, and unknown properties skipped.
    #[derive(Debug, PartialEq)]
    struct Pet {
        name: String,
        tag: Option<String>,
        note: Option<Option<String>>,
    }

    impl<'de> FromObject<'de> for Pet {
        const NAME: &'static str = "Pet";

        fn from_object<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut name: Option<String> = None;
            let mut tag: Option<Option<String>> = None;
            let mut note: Option<Option<String>> = None;
            while let Some(key) = map.next_key::<Key>()? {
                match key.as_str() {
                    "name" => once(&mut map, &mut name, "name")?,
                    "tag" => once(&mut map, &mut tag, "tag")?,
                    "note" => once(&mut map, &mut note, "note")?,
                    _ => skip(&mut map)?,
                }
            }
            Ok(Self { name: required(name, "name")?, tag: tag.flatten(), note })
        }
    }

    impl<'de> Deserialize<'de> for Pet {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object(deserializer)
        }
    }

    fn pet(name: &str, tag: Option<&str>, note: Option<Option<&str>>) -> Pet {
        Pet { name: name.to_owned(), tag: tag.map(str::to_owned), note: note.map(|note| note.map(str::to_owned)) }
    }

    #[test]
    fn objects_are_read_by_property_name() {
        let read = |json: &str| serde_json::from_str::<Pet>(json).map_err(|e| e.to_string());
        assert_eq!(read(r#"{"name":"Rex"}"#), Ok(pet("Rex", None, None)));
        assert_eq!(read(r#"{"tag":null,"name":"Rex","note":null}"#), Ok(pet("Rex", None, Some(None))));
        assert_eq!(
            read(r#"{"x":[1,{"y":2}],"note":"n","name":"R\u00e9x","tag":"t"}"#),
            Ok(pet("Réx", Some("t"), Some(Some("n"))))
        );
        // Escaped names are owned, not borrowed, and still match.
        assert_eq!(read(r#"{"n\u0061me":"Rex"}"#), Ok(pet("Rex", None, None)));
        assert_eq!(read(r#"{"tag":"t"}"#), Err("missing field `name` at line 1 column 11".to_owned()));
        assert_eq!(read(r#"{"name":"a","name":"b"}"#), Err("duplicate field `name` at line 1 column 18".to_owned()));
        assert_eq!(
            read(r#"["Rex"]"#),
            Err("invalid type: sequence, expected struct Pet at line 1 column 0".to_owned())
        );
        // From a `Value` too, as unions read their variants.
        let value = serde_json::json!({"name": "Rex", "note": "n"});
        assert_eq!(serde_json::from_value::<Pet>(value).unwrap(), pet("Rex", None, Some(Some("n"))));
    }

    #[test]
    fn skipped_properties_are_counted_per_decoding() {
        let (pet_read, dropped) = dropped_by(|| serde_json::from_str::<Pet>(r#"{"a":1,"name":"Rex","b":{"c":[2]}}"#));
        assert_eq!((pet_read.unwrap(), dropped), (pet("Rex", None, None), 2));
        // An enclosing count is kept across an inner one, and grows by what is added to it.
        let ((), outer) = dropped_by(|| {
            let (_, inner) = dropped_by(|| serde_json::from_str::<Pet>(r#"{"name":"a","x":1}"#));
            assert_eq!(inner, 1);
            add_dropped(3);
        });
        assert_eq!(outer, 3);
    }

    #[test]
    fn keys_are_names_and_nothing_else() {
        let key: Key<'_> = serde_json::from_str(r#""a\u0062c""#).unwrap();
        assert_eq!(key.as_str(), "abc");
        assert_eq!(key.into_string(), "abc");
        let err = serde_json::from_str::<Key<'_>>("1").unwrap_err();
        assert_eq!(err.to_string(), "invalid type: integer `1`, expected a property name at line 1 column 1");
    }
}
