//! Date-times as real APIs send them. A `format: date-time` field reads RFC 3339 (`2024-05-01T10:00:00Z`,
//! `…+02:00`), and also the forms many servers send instead: a space for the `T`
//! (`2024-05-01 10:00:00+00:00`), and no offset at all (`2024-05-01T10:00:00`, `2024-05-01 10:00:00.5`),
//! which is read as UTC. Anything else is an error that names the value's field. Values are written as RFC
//! 3339 in UTC, as chrono writes them.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::de::{Error as _, MapAccess};
use serde::{Deserialize, Deserializer};

/// Parses one date-time in the forms of the module docs.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(parsed) = DateTime::parse_from_rfc3339(text) {
        return Some(parsed.with_timezone(&Utc));
    }
    // chrono's `FromStr` is RFC 3339 relaxed to allow a space for the `T`.
    if let Ok(parsed) = text.parse::<DateTime<chrono::FixedOffset>>() {
        return Some(parsed.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| naive.and_utc())
}

fn read<E: serde::de::Error>(text: &str) -> Result<DateTime<Utc>, E> {
    parse(text).ok_or_else(|| {
        E::custom(format_args!("{text:?} is not a date-time (RFC 3339, or without an offset, read as UTC)"))
    })
}

/// A date-time on the wire, in the forms of the module docs.
struct Lenient(DateTime<Utc>);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read(&String::deserialize(deserializer)?).map(Lenient)
    }
}

/// Reads the date-time property `name` into its slot (see [`crate::de::once`]).
pub fn once<'de, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<DateTime<Utc>>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value::<Lenient>()?.0);
    Ok(())
}

/// Reads the date-time property `name`, which may be `null`, into its slot: `null` is `Some(None)`.
pub fn once_nullable<'de, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<Option<DateTime<Utc>>>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value::<Option<Lenient>>()?.map(|at| at.0));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct with a required date-time and an optional one, read as generated structs read them.
    #[derive(Debug)]
    struct Event {
        at: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    }

    impl<'de> crate::de::FromObject<'de> for Event {
        const NAME: &'static str = "Event";

        fn from_object<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let (mut at, mut until) = (None, None);
            while let Some(key) = map.next_key::<crate::de::Key>()? {
                match key.as_str() {
                    "at" => once(&mut map, &mut at, "at")?,
                    "until" => once_nullable(&mut map, &mut until, "until")?,
                    _ => {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
            }
            Ok(Self { at: crate::de::required(at, "at")?, until: until.flatten() })
        }
    }

    impl<'de> Deserialize<'de> for Event {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            crate::de::object(deserializer)
        }
    }

    #[test]
    fn rfc3339_space_separated_and_offsetless_forms_are_read() {
        let utc = |text: &str| parse(text).map(|at| at.to_rfc3339());
        assert_eq!(utc("2024-05-01T10:00:00Z").as_deref(), Some("2024-05-01T10:00:00+00:00"));
        assert_eq!(utc("2024-05-01T12:00:00+02:00").as_deref(), Some("2024-05-01T10:00:00+00:00"));
        assert_eq!(utc("2024-05-01 10:00:00+00:00").as_deref(), Some("2024-05-01T10:00:00+00:00"));
        assert_eq!(utc("2024-05-01T10:00:00").as_deref(), Some("2024-05-01T10:00:00+00:00"));
        assert_eq!(utc("2024-05-01 10:00:00.5").as_deref(), Some("2024-05-01T10:00:00.500+00:00"));
        assert_eq!(utc("yesterday"), None);
        assert_eq!(utc("2024-05-01"), None);
    }

    #[test]
    fn fields_read_them_and_refuse_the_rest() {
        let event: Event = serde_json::from_str(r#"{"at": "2024-05-01 10:00:00"}"#).unwrap();
        assert_eq!(event.at.to_rfc3339(), "2024-05-01T10:00:00+00:00");
        assert_eq!(event.until, None);
        let err = serde_json::from_str::<Event>(r#"{"at": "soon"}"#).unwrap_err();
        assert!(err.to_string().contains("\"soon\" is not a date-time"), "{err}");
        let event: Event = serde_json::from_str(r#"{"until": null, "at": "2024-05-01T10:00:00Z"}"#).unwrap();
        assert_eq!(event.until, None);
        let event: Event =
            serde_json::from_str(r#"{"until": "2024-05-02T10:00:00Z", "at": "2024-05-01T10:00:00Z"}"#).unwrap();
        assert_eq!(event.until.map(|at| at.to_rfc3339()).as_deref(), Some("2024-05-02T10:00:00+00:00"));
        let err = serde_json::from_str::<Event>(r#"{"at": "2024-05-01T10:00:00Z", "at": "2024-05-01T10:00:00Z"}"#)
            .unwrap_err();
        assert!(err.to_string().starts_with("duplicate field `at`"), "{err}");
    }
}
