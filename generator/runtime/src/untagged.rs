//! Serde support for unions without a tag (`oneOf`/`anyOf` with neither a `discriminator` nor a property
//! that tells the variants apart): the variant is chosen by the shape of the JSON, most specific first.
//!
//! serde's `#[serde(untagged)]` takes the first variant that decodes, so a variant with only optional
//! properties, or with an open-ended enum, swallows the ones after it. Here each variant carries a
//! [`Shape`] (from its schema), and the variants are tried in this order:
//! 1. variants whose shape the value fits fully — its JSON kind, every required property present, no
//!    unknown property where the schema is closed (`additionalProperties: false`), and enum-valued
//!    properties (and a string variant's own enum) holding listed values — before those it fits only in
//!    kind and required properties, before those it fits in kind only, before the rest;
//! 2. then the variant that declares more of the value's properties, knows of fewer it does not declare,
//!    and declares fewer the value lacks (the tightest fit);
//! 3. then more required properties, then closed schemas, then spec order.
//!
//! The first variant in that order that decodes and drops nothing (no property, at any depth, that its
//! types do not keep) is the value's variant; only when the first to decode drops something are the others
//! decoded too, and the one that drops the fewest wins (the earlier in that order among equals). So a
//! variant that fits at the top but loses `commands[0].value.op` one level down gives way to one that keeps
//! it, and a variant that drops nothing costs no second look.
//!
//! The value is held as its JSON text, borrowed from the input when serde_json reads text (as a client
//! does), its shape read from the text by one pass that keeps only the top-level keys and string values,
//! and each variant tried decodes from the text. A union inside a variant does the same with its part of
//! the text, so a deeply nested union (Stripe's expandable fields: an ID or the object, whose fields are
//! expandable in turn) costs a scan of its text per level, not a tree of `Value`s built (and copied) at
//! every level. Another deserializer (a `Value`'s gives its text, another format's a `Value` written out as
//! text) reads the same way.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::fmt;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::de::Key;

/// The JSON kind a variant's schema declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any JSON (no type, or a union).
    Any,
    /// An object.
    Object,
    /// An array.
    Array,
    /// A string.
    String,
    /// An integral number.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
}

/// The order in which variants are tried (smaller first): the tier, the declared properties present (more
/// first), the unknown ones, the declared ones absent, the required ones (more first), closed before open,
/// spec order.
type Rank = (u8, Reverse<usize>, usize, usize, Reverse<usize>, bool, usize);

/// What a variant's schema says a value looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// The JSON kind.
    pub kind: Kind,
    /// Properties an object must have.
    pub required: &'static [&'static str],
    /// Every property the schema declares.
    pub properties: &'static [&'static str],
    /// No property beyond `properties` is allowed.
    pub closed: bool,
    /// Properties whose values are listed: `(property, allowed string values)`.
    pub enums: &'static [(&'static str, &'static [&'static str])],
    /// For a string variant with an `enum`: its values.
    pub values: &'static [&'static str],
}

impl Shape {
    /// A value of this kind, with no more to say.
    pub const fn of(kind: Kind) -> Self {
        Self { kind, required: &[], properties: &[], closed: false, enums: &[], values: &[] }
    }

    /// An object with these required and declared properties.
    pub const fn object(required: &'static [&'static str], properties: &'static [&'static str]) -> Self {
        Self { required, properties, ..Self::of(Kind::Object) }
    }

    /// A string, one of `values`.
    pub const fn strings(values: &'static [&'static str]) -> Self {
        Self { values, ..Self::of(Kind::String) }
    }

    /// The same, allowing no property beyond those declared.
    pub const fn closed(self) -> Self {
        Self { closed: true, ..self }
    }

    /// The same, with properties whose values are listed.
    pub const fn enums(self, enums: &'static [(&'static str, &'static [&'static str])]) -> Self {
        Self { enums, ..self }
    }

    /// Whether a value whose text starts with `first` may be of this kind (a number: of both numeric kinds).
    fn kind_fits(&self, first: Option<u8>) -> bool {
        matches!(
            (self.kind, first),
            (Kind::Any, _)
                | (Kind::Object, Some(b'{'))
                | (Kind::Array, Some(b'['))
                | (Kind::String, Some(b'"'))
                | (Kind::Integer | Kind::Number, Some(b'-' | b'0'..=b'9'))
                | (Kind::Boolean, Some(b't' | b'f'))
        )
    }

    /// How well a value of shape `probe` fits, smaller is better: the order of the module docs.
    fn rank(&self, probe: &Probe<'_>, index: usize) -> Rank {
        let kind = match (self.kind, probe) {
            (Kind::Any, _)
            | (Kind::Object, Probe::Object(_))
            | (Kind::Array, Probe::Array)
            | (Kind::String, Probe::String(_))
            | (Kind::Number, Probe::Number { .. })
            | (Kind::Boolean, Probe::Bool) => true,
            (Kind::Integer, Probe::Number { integer }) => *integer,
            _ => false,
        };
        let (mut overlap, mut unknown, mut structure, mut listed) = (0, 0, true, true);
        match probe {
            Probe::Object(members) if self.kind == Kind::Object => {
                let get = |name: &str| members.iter().rev().find(|(key, _)| key.as_str() == name);
                overlap = members.iter().filter(|(key, _)| self.properties.contains(&key.as_str())).count();
                unknown = members.len() - overlap;
                structure = self.required.iter().all(|key| get(key).is_some()) && !(self.closed && unknown > 0);
                listed = self.enums.iter().all(|(property, values)| match get(property) {
                    Some((_, Some(text))) => values.contains(&text.as_ref()),
                    _ => true,
                });
            }
            Probe::String(text) if !self.values.is_empty() => listed = self.values.contains(&text.as_ref()),
            _ => {}
        }
        let tier = match (kind, structure, listed) {
            (true, true, true) => 0,
            (true, true, false) => 1,
            (true, false, _) => 2,
            (false, ..) => 3,
        };
        let missing = self.properties.len().saturating_sub(overlap);
        (tier, Reverse(overlap), unknown, missing, Reverse(self.required.len()), !self.closed, index)
    }
}

/// What ranking needs of a value: its kind; an object's top-level keys, each with its value when that is a
/// string (enum-valued properties); a string's text. Read from the value's text, borrowing where no escape
/// stands in the way.
#[derive(Debug)]
enum Probe<'a> {
    Object(Vec<(Key<'a>, Option<Cow<'a, str>>)>),
    Array,
    String(Cow<'a, str>),
    Number { integer: bool },
    Bool,
    Null,
}

impl<'de> Deserialize<'de> for Probe<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ProbeVisitor)
    }
}

struct ProbeVisitor;

impl<'de> Visitor<'de> for ProbeVisitor {
    type Value = Probe<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Probe<'de>, E> {
        Ok(Probe::Bool)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Probe<'de>, E> {
        Ok(Probe::Number { integer: true })
    }

    fn visit_u64<E>(self, _: u64) -> Result<Probe<'de>, E> {
        Ok(Probe::Number { integer: true })
    }

    fn visit_f64<E>(self, _: f64) -> Result<Probe<'de>, E> {
        Ok(Probe::Number { integer: false })
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Probe<'de>, E> {
        Ok(Probe::String(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Probe<'de>, E> {
        Ok(Probe::String(Cow::Owned(text.to_owned())))
    }

    fn visit_unit<E>(self) -> Result<Probe<'de>, E> {
        Ok(Probe::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Probe<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Probe::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Probe<'de>, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            members.push((key, map.next_value::<MaybeText<'de>>()?.0));
        }
        Ok(Probe::Object(members))
    }
}

/// A value's text if it is a string; any other value is skipped.
struct MaybeText<'a>(Option<Cow<'a, str>>);

impl<'de> Deserialize<'de> for MaybeText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match deserializer.deserialize_any(ProbeVisitor)? {
            Probe::String(text) => Ok(Self(Some(text))),
            _ => Ok(Self(None)),
        }
    }
}

/// The name under which serde_json's deserializers hand over a value's text as it is (what its `RawValue`
/// asks for). A deserializer that does not know it (another format's; a serde_json that renamed it) takes
/// it as any newtype struct: the value is read, then written out as text.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// A value's JSON text.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE, TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    /// serde_json: one entry under the name, whose value is the text (borrowed from the input where it can
    /// be). Another deserializer that reads a newtype struct as its content may hand over an object: it is
    /// read whole and written out.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text<'de>, A::Error> {
        let mut object = serde_json::Map::new();
        if let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() == RAW_VALUE {
                return Ok(Text(map.next_value_seed(RawText)?));
            }
            object.insert(key.into_string(), map.next_value()?);
        }
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            object.insert(key, value);
        }
        Ok(Self::written(Value::Object(object)))
    }

    /// A deserializer that reads a newtype struct as a newtype: the value, written out.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Text<'de>, D::Error> {
        Value::deserialize(deserializer).map(Self::written)
    }

    // A deserializer that reads a newtype struct as its content, any other value.

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text<'de>, A::Error> {
        Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(Self::written)
    }

    fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
        Ok(Self::written(Value::from(text)))
    }

    fn visit_bool<E>(self, value: bool) -> Result<Text<'de>, E> {
        Ok(Self::written(Value::from(value)))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Text<'de>, E> {
        Ok(Self::written(Value::from(value)))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Text<'de>, E> {
        Ok(Self::written(Value::from(value)))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Text<'de>, E> {
        Ok(Self::written(Value::from(value)))
    }

    fn visit_unit<E>(self) -> Result<Text<'de>, E> {
        Ok(Self::written(Value::Null))
    }

    fn visit_none<E>(self) -> Result<Text<'de>, E> {
        Ok(Self::written(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Text<'de>, D::Error> {
        Value::deserialize(deserializer).map(Self::written)
    }
}

impl TextVisitor {
    fn written<'de>(value: Value) -> Text<'de> {
        Text(Cow::Owned(value.to_string()))
    }
}

/// The text serde_json hands over for a raw value: a string, borrowed from the input where it can be.
struct RawText;

impl<'de> DeserializeSeed<'de> for RawText {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        crate::de::text(deserializer)
    }
}

/// Decodes a variant that is exactly the string `expected`, from the value's JSON text.
pub fn literal(json: &str, expected: &str) -> Result<(), serde_json::Error> {
    match serde_json::from_str::<Probe<'_>>(json) {
        Ok(Probe::String(text)) if text == expected => Ok(()),
        _ => Err(serde_json::Error::custom(format_args!("expected the string {expected:?}, not {json}"))),
    }
}

/// The error of a variant this build leaves out: the expanded object of an "ID or the object" field whose
/// type (`ty`) is compiled only with other features (`features`, as the generated crate lists them). The
/// field still decodes the ID.
pub fn left_out(ty: &str, features: &str) -> serde_json::Error {
    serde_json::Error::custom(format_args!(
        "an expanded `{ty}` is not compiled into this build of the crate: turn on {features}"
    ))
}

/// Decodes one variant from the value's JSON text.
pub type Decoder<T> = fn(&str) -> Result<T, serde_json::Error>;

/// How deep unions may nest inside one another: serde_json's own limit on nesting, which a union's variant,
/// read with a reader of its own, would otherwise start over at every level.
const MAX_DEPTH: usize = 128;

thread_local! {
    /// The unions being read on this thread, one inside the other.
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts a union's reading in [`DEPTH`] while it lasts.
struct Nested;

impl Nested {
    fn enter() -> Option<Self> {
        DEPTH.with(|depth| (depth.get() < MAX_DEPTH).then(|| depth.set(depth.get() + 1))).map(|()| Self)
    }
}

impl Nested {
    /// Whether this is the outermost union being read.
    fn outermost(&self) -> bool {
        DEPTH.with(|depth| depth.get() == 1)
    }
}

/// How deep arrays and objects nest in `json` (text that serde_json has read: strings are closed).
fn nesting(json: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for byte in json.bytes() {
        match (in_string, escaped, byte) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, ..) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'[' | b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, _, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

impl Drop for Nested {
    fn drop(&mut self) {
        DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
    }
}

/// Reads a union value: the variants, each with its shape and decoder, are tried in the order of the
/// module docs; the first that decodes wins.
pub fn deserialize<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    variants: &[(Shape, Decoder<T>)],
) -> Result<T, D::Error> {
    // Only the text is read through the deserializer: the rest is compiled once per union, not once per
    // union and deserializer.
    let Some(nested) = Nested::enter() else {
        return Err(D::Error::custom(format_args!("unions nested too deep (over {MAX_DEPTH} levels)")));
    };
    let text = Text::deserialize(deserializer)?;
    read(&text.0, variants, nested.outermost()).map_err(D::Error::custom)
}

/// Chooses and decodes the variant of the value whose text is `json`; `outermost`: no union encloses it.
/// Only the decoding and the keeping of its value are generic: the choosing ([`choose`]) is compiled once.
fn read<T>(json: &str, variants: &[(Shape, Decoder<T>)], outermost: bool) -> Result<T, String> {
    let mut kept: Option<T> = None;
    let dropped = choose(json, outermost, variants.len(), &|index| &variants[index].0, &mut |index, fewer_than| {
        let (decoded, dropped) = crate::de::dropped_by(|| (variants[index].1)(json));
        let decoded = decoded?;
        if dropped < fewer_than {
            kept = Some(decoded);
        }
        Ok(dropped)
    })?;
    let decoded = kept.ok_or_else(|| "the union has no variants".to_owned())?;
    if dropped > 0 {
        crate::de::add_dropped(dropped);
    }
    Ok(decoded)
}

/// Tries the variants of a union (`count` of them, `shape` giving each one's) in the order of the module
/// docs: `attempt(index, fewer_than)` decodes one and says how many properties it dropped, keeping its value
/// when that is fewer than `fewer_than`. Stops at the first that drops nothing; says how many the kept value
/// dropped, or why none decoded.
fn choose<'v>(
    json: &str,
    outermost: bool,
    count: usize,
    shape: &dyn Fn(usize) -> &'v Shape,
    attempt: &mut dyn FnMut(usize, usize) -> Result<usize, serde_json::Error>,
) -> Result<usize, String> {
    // serde_json copies a value's text without counting its nesting: the outermost union counts it once,
    // so that the unions inside, each reading its part anew, never read text nested deeper than serde_json
    // reads anything.
    if outermost && nesting(json) > MAX_DEPTH {
        return Err(format!("JSON nested too deep (over {MAX_DEPTH} levels)"));
    }
    let shapes = || (0..count).map(shape);
    // When the JSON kind leaves one variant (an expandable field's object, or its ID), that variant comes
    // first in any order: tried before the shape is read, and if it decodes and drops nothing, the shape is
    // never read (a value that drops something is not kept: the order below decides among those).
    if let Some(only) = only_fitting(json, &mut shapes())
        && let Ok(0) = attempt(only, 1)
    {
        return Ok(0);
    }
    let mut first_error = None;
    let mut fewest: Option<usize> = None;
    for index in ranked(json, &mut shapes())? {
        match attempt(index, fewest.unwrap_or(usize::MAX)) {
            Ok(0) => return Ok(0),
            Ok(dropped) => fewest = Some(fewest.map_or(dropped, |fewest| fewest.min(dropped))),
            Err(err) => {
                first_error.get_or_insert(err);
            }
        }
    }
    match (fewest, first_error) {
        (Some(dropped), _) => Ok(dropped),
        (None, Some(err)) => Err(format!("no variant of the union matches: {err}")),
        (None, None) => Err("the union has no variants".to_owned()),
    }
}

/// The one variant (of several) whose kind the value's text can be, if only one can.
fn only_fitting(json: &str, shapes: &mut dyn ExactSizeIterator<Item = &Shape>) -> Option<usize> {
    if shapes.len() < 2 {
        return None;
    }
    let kind = json.trim_start().as_bytes().first().copied();
    let mut fitting = shapes.enumerate().filter(|(_, shape)| shape.kind_fits(kind)).map(|(index, _)| index);
    match (fitting.next(), fitting.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// The variants in the order they are tried (the module docs), the value's shape read from its text.
fn ranked(json: &str, shapes: &mut dyn ExactSizeIterator<Item = &Shape>) -> Result<Vec<usize>, String> {
    if shapes.len() < 2 {
        return Ok((0..shapes.len()).collect());
    }
    // The text is JSON already read once: its shape reads.
    let probe = serde_json::from_str::<Probe<'_>>(json).map_err(|err| err.to_string())?;
    let mut ranks: Vec<(Rank, usize)> =
        shapes.enumerate().map(|(index, shape)| (shape.rank(&probe, index), index)).collect();
    ranks.sort();
    Ok(ranks.into_iter().map(|(_, index)| index).collect())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Loose {
        a: Option<String>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Wide {
        b: Option<String>,
        c: Option<String>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Kind2 {
        kind: String,
        url: String,
    }

    #[derive(Debug, PartialEq)]
    enum Union {
        Loose(Loose),
        Wide(Wide),
        Kind2(Kind2),
        Empty,
        Text(String),
    }

    impl<'de> Deserialize<'de> for Union {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(deserializer, UNION)
        }
    }

    const UNION: &[(Shape, Decoder<Union>)] = &[
        (Shape::object(&[], &["a"]).closed(), |v| serde_json::from_str(v).map(Union::Loose)),
        (Shape::object(&[], &["b", "c"]), |v| serde_json::from_str(v).map(Union::Wide)),
        (Shape::object(&["kind", "url"], &["kind", "url"]).enums(&[("kind", &["v2"])]), |v| {
            serde_json::from_str(v).map(Union::Kind2)
        }),
        (Shape::strings(&[""]), |_| Ok(Union::Empty)),
        (Shape::of(Kind::String), |v| serde_json::from_str(v).map(Union::Text)),
    ];

    fn read(value: Value) -> Union {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn optional_only_variants_are_told_apart_by_their_properties() {
        assert_eq!(read(json!({"c": "x"})), Union::Wide(Wide { b: None, c: Some("x".into()) }));
        assert_eq!(read(json!({"a": "x"})), Union::Loose(Loose { a: Some("x".into()) }));
    }

    #[test]
    fn required_properties_and_enums_come_before_looser_variants() {
        let v2 = json!({"kind": "v2", "url": "u"});
        assert_eq!(read(v2), Union::Kind2(Kind2 { kind: "v2".into(), url: "u".into() }));
    }

    #[test]
    fn a_closed_schema_refuses_unknown_properties() {
        // `Loose` is closed: `{a, z}` is not a `Loose`, so the open `Wide` (which decodes it) wins.
        assert_eq!(read(json!({"a": "x", "z": 1})), Union::Wide(Wide { b: None, c: None }));
    }

    #[test]
    fn a_string_enum_variant_takes_only_its_values() {
        assert_eq!(read(json!("")), Union::Empty);
        assert_eq!(read(json!("abc")), Union::Text("abc".into()));
    }

    /// An "ID or the object" field in a build without the object's type: the ID decodes; the object is the
    /// error that names the type and what to turn on, also where another object variant was compiled in.
    #[test]
    fn a_left_out_expansion_is_an_error_that_names_its_features() {
        #[derive(Debug, PartialEq)]
        enum Field {
            Id(String),
            Kind2(Kind2),
        }
        const FIELD: &[(Shape, Decoder<Field>)] = &[
            (Shape::of(Kind::String), |v| serde_json::from_str(v).map(Field::Id)),
            (Shape::object(&["kind", "url"], &["kind", "url"]), |v| serde_json::from_str(v).map(Field::Kind2)),
            (Shape::of(Kind::Object), |_| Err(left_out("Customer", "`customers` or `full`"))),
        ];
        let read = |json: &str| super::read(json, FIELD, true);
        assert_eq!(read("\"cus_1\"").ok(), Some(Field::Id("cus_1".into())));
        let kind2 = Kind2 { kind: "v1".into(), url: "u".into() };
        assert_eq!(read(r#"{"kind": "v1", "url": "u"}"#).ok(), Some(Field::Kind2(kind2)));
        let err = read(r#"{"id": "cus_1", "object": "customer"}"#).err().unwrap_or_default();
        assert_eq!(
            err,
            "no variant of the union matches: an expanded `Customer` is not compiled into this build of the \
             crate: turn on `customers` or `full`"
        );
    }

    /// An object with one optional integer property `a` (`'a'`) or `b`, read as generated structs are:
    /// other properties skipped and counted as dropped.
    #[derive(Debug, PartialEq)]
    struct One<const NAME: char>(Option<i64>);

    impl<'de, const NAME: char> crate::de::FromObject<'de> for One<NAME> {
        const NAME: &'static str = "One";

        fn from_object<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut slot: Option<Option<i64>> = None;
            while let Some(key) = map.next_key::<crate::de::Key>()? {
                if key.as_str().starts_with(NAME) {
                    crate::de::once(&mut map, &mut slot, "the property")?;
                } else {
                    crate::de::skip(&mut map)?;
                }
            }
            Ok(Self(slot.flatten()))
        }
    }

    impl<'de, const NAME: char> Deserialize<'de> for One<NAME> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            crate::de::object(deserializer)
        }
    }

    #[derive(Debug, PartialEq)]
    enum Inner {
        A(One<'a'>),
        B(One<'b'>),
    }

    impl<'de> Deserialize<'de> for Inner {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let variants: &[(Shape, Decoder<Inner>)] = &[
                (Shape::of(Kind::Object), |v| serde_json::from_str(v).map(Inner::A)),
                (Shape::of(Kind::Object), |v| serde_json::from_str(v).map(Inner::B)),
            ];
            super::deserialize(deserializer, variants)
        }
    }

    #[derive(Debug, PartialEq)]
    enum Outer {
        Typed(Inner),
        Raw(Value),
    }

    fn outer(value: Value) -> Outer {
        let variants: &[(Shape, Decoder<Outer>)] = &[
            (Shape::of(Kind::Object), |v| serde_json::from_str(v).map(Outer::Typed)),
            (Shape::of(Kind::Object), |v| serde_json::from_str(v).map(Outer::Raw)),
        ];
        deserialize(value, variants).unwrap()
    }

    #[test]
    fn the_variant_that_drops_nothing_wins_and_a_nested_unions_drops_count() {
        // Alone: each variant drops one of `{a, b}`; the first of the two that drop least wins.
        let both = json!({"a": 1, "b": 2});
        assert_eq!(serde_json::from_value::<Inner>(both.clone()).unwrap(), Inner::A(One(Some(1))));
        assert_eq!(serde_json::from_value::<Inner>(json!({"b": 2})).unwrap(), Inner::B(One(Some(2))));
        // Inside another union, what the chosen inner variant dropped counts: the variant that keeps all wins.
        assert_eq!(outer(both.clone()), Outer::Raw(both));
        assert_eq!(outer(json!({"a": 1})), Outer::Typed(Inner::A(One(Some(1)))));
        // The count of an enclosing decoding is what it was, plus what the chosen variant dropped.
        let (_, dropped) = crate::de::dropped_by(|| serde_json::from_value::<Inner>(json!({"a": 1, "b": 2, "c": 3})));
        assert_eq!(dropped, 2);
    }

    /// The index of the variant chosen among `shapes` when every variant decodes anything and drops
    /// nothing: the order of the module docs, alone.
    fn chosen(shapes: &[Shape], value: Value) -> usize {
        let decoders: [Decoder<usize>; 4] = [|_| Ok(0), |_| Ok(1), |_| Ok(2), |_| Ok(3)];
        let variants: Vec<(Shape, Decoder<usize>)> = shapes.iter().copied().zip(decoders).collect();
        deserialize(value, &variants).unwrap()
    }

    #[test]
    fn a_variant_missing_a_required_property_gives_way() {
        let shapes = [Shape::object(&["x"], &["x", "y"]), Shape::object(&[], &["x", "y"])];
        assert_eq!(chosen(&shapes, json!({"y": 1})), 1);
        assert_eq!(chosen(&shapes, json!({"x": 1})), 0, "all else equal, more required properties first");
    }

    #[test]
    fn a_property_holding_an_unlisted_value_gives_way() {
        let shapes = [Shape::object(&[], &["k"]).enums(&[("k", &["a"])]), Shape::object(&[], &["k"])];
        assert_eq!(chosen(&shapes, json!({"k": "b"})), 1);
        assert_eq!(chosen(&shapes, json!({"k": "a"})), 0);
        // A value of another type is for the decoder to judge, not the listing.
        assert_eq!(chosen(&shapes, json!({"k": 1})), 0);
    }

    #[test]
    fn integers_fit_integer_variants_and_fractions_only_number_ones() {
        let shapes = [Shape::of(Kind::String), Shape::of(Kind::Integer), Shape::of(Kind::Number)];
        assert_eq!(chosen(&shapes, json!(5)), 1);
        assert_eq!(chosen(&shapes, json!(-5)), 1);
        assert_eq!(chosen(&shapes, json!(u64::MAX)), 1);
        assert_eq!(chosen(&shapes, json!(5.5)), 2);
    }

    #[test]
    fn a_variant_of_any_kind_counts_no_property_as_unknown() {
        let shapes = [Shape::object(&[], &[]), Shape::of(Kind::Any)];
        assert_eq!(chosen(&shapes, json!({"z": 1})), 1);
        assert_eq!(chosen(&shapes, json!({})), 0);
    }

    #[test]
    fn a_closed_schema_comes_before_an_open_one_that_fits_as_well() {
        let shapes = [Shape::object(&[], &["a"]), Shape::object(&[], &["a"]).closed()];
        assert_eq!(chosen(&shapes, json!({"a": 1})), 1);
    }

    #[test]
    fn a_literal_variant_is_that_string_and_nothing_else() {
        assert!(literal(r#""auto""#, "auto").is_ok());
        assert!(literal(r#""a\u0075to""#, "auto").is_ok(), "an escaped letter is the letter");
        for other in [r#""none""#, r#""Auto""#, r#""""#, "1", "null", r#"{"auto": 1}"#] {
            let err = literal(other, "auto").unwrap_err();
            assert_eq!(err.to_string(), format!("expected the string \"auto\", not {other}"));
        }
    }

    /// A recursive union: a number, or a list of itself.
    #[derive(Debug, PartialEq)]
    enum Tree {
        Leaf(i64),
        Branch(Vec<Tree>),
    }

    impl<'de> Deserialize<'de> for Tree {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(
                deserializer,
                &[
                    (Shape::of(Kind::Integer), |v| serde_json::from_str(v).map(Tree::Leaf)),
                    (Shape::of(Kind::Array), |v| serde_json::from_str(v).map(Tree::Branch)),
                ],
            )
        }
    }

    #[test]
    fn nested_unions_stop_at_a_depth_as_serde_json_does() {
        let nested = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let tree = serde_json::from_str::<Tree>(&nested(3)).unwrap();
        assert_eq!(tree, Tree::Branch(vec![Tree::Branch(vec![Tree::Branch(vec![Tree::Leaf(1)])])]));
        assert!(serde_json::from_str::<Tree>(&nested(100)).is_ok());
        // Each level decodes its part of the text with a new reader: without a count of its own, a hostile
        // body would nest until the stack overflows.
        for depth in [200, 100_000] {
            let err = serde_json::from_str::<Tree>(&nested(depth)).unwrap_err();
            assert!(err.to_string().contains("nested too deep"), "{depth}: {err}");
        }
        // Brackets inside strings do not count; escaped quotes do not end a string.
        assert_eq!(nesting(r#"{"a": "[[[{\"]]", "b": [[1]]}"#), 3);
    }

    #[test]
    fn a_union_borrows_its_text_from_a_text_input() {
        // What keeps a nested union from copying: serde_json hands over the text itself.
        let text: Text<'_> = serde_json::from_str(r#" {"a": [1, "x"]} "#).unwrap();
        assert!(matches!(text.0, Cow::Borrowed(r#"{"a": [1, "x"]}"#)), "{:?}", text.0);
        let text = Text::deserialize(json!({"a": [1, "x"]})).unwrap();
        assert_eq!(text.0, r#"{"a":[1,"x"]}"#);
    }

    #[test]
    fn a_union_reads_from_text_and_from_a_value_alike() {
        // From text (a client's body: each variant decodes its part of the text) and from a `Value`.
        let text = r#"[{"c": "x"}, "", {"kind": "v2", "url": "u"}, "abc"]"#;
        let from_text: Vec<Union> = serde_json::from_str(text).unwrap();
        let from_value: Vec<Union> = serde_json::from_value(serde_json::from_str(text).unwrap()).unwrap();
        let expected = [
            Union::Wide(Wide { b: None, c: Some("x".into()) }),
            Union::Empty,
            Union::Kind2(Kind2 { kind: "v2".into(), url: "u".into() }),
            Union::Text("abc".into()),
        ];
        assert_eq!((from_text.as_slice(), from_value.as_slice()), (&expected[..], &expected[..]));
        // An escaped key and an escaped enum value rank as their text: `Kind2` by its required `kind`, `v2`.
        let escaped = serde_json::from_str::<Union>(r#"{"k\u0069nd": "v\u0032", "url": "u"}"#).unwrap();
        assert_eq!(escaped, Union::Kind2(Kind2 { kind: "v2".into(), url: "u".into() }));
        // Invalid JSON fails where it is, before any variant is tried.
        let err = serde_json::from_str::<Vec<Union>>(r#"[{"c": }]"#).unwrap_err();
        assert_eq!((err.line(), err.column()), (1, 8), "{err}");
        // A deserializer of another kind, which reads a newtype struct as its content, reads the same.
        use serde::de::IntoDeserializer as _;
        let other = |value: &str| Union::deserialize(value.into_deserializer()).map_err(|e: serde::de::value::Error| e);
        assert_eq!(other("abc").unwrap(), Union::Text("abc".into()));
        assert_eq!(other("").unwrap(), Union::Empty);
        let map = [("c", "x")].into_iter().collect::<std::collections::BTreeMap<_, _>>();
        let object = Union::deserialize(map.into_deserializer()).map_err(|e: serde::de::value::Error| e);
        assert_eq!(object.unwrap(), Union::Wide(Wide { b: None, c: Some("x".into()) }));
    }

    #[test]
    fn among_variants_that_drop_something_the_one_that_drops_the_fewest_wins() {
        // `A` keeps `a` and drops `b` and `x`; `B`, tried after it, keeps `b` and drops only `x`.
        assert_eq!(serde_json::from_value::<Inner>(json!({"b": 1, "x": 2})).unwrap(), Inner::B(One(Some(1))));
        let (_, dropped) = crate::de::dropped_by(|| serde_json::from_value::<Inner>(json!({"b": 1, "x": 2})));
        assert_eq!(dropped, 1);
    }

    #[test]
    fn nothing_that_decodes_is_an_error() {
        let variants: &[(Shape, Decoder<Union>)] =
            &[(Shape::of(Kind::String), |v| serde_json::from_str(v).map(Union::Text))];
        let err = deserialize(json!(5), variants).unwrap_err();
        assert!(err.to_string().starts_with("no variant of the union matches"), "{err}");
    }
}
