//! Date-times as real APIs send them. A `format: date-time` field reads RFC 3339 (`2024-05-01T10:00:00Z`,
//! `…+02:00`), and also the forms many servers send instead: a space for the `T`
//! (`2024-05-01 10:00:00+00:00`), and no offset at all (`2024-05-01T10:00:00`, `2024-05-01 10:00:00.5`),
//! which is read as UTC. Anything else is an error that names the value's field. Values are written as RFC
//! 3339 in UTC, as chrono writes them.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::de::Error as _;
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

fn read<'de, D: Deserializer<'de>>(text: &str) -> Result<DateTime<Utc>, D::Error> {
    parse(text).ok_or_else(|| {
        D::Error::custom(format_args!("{text:?} is not a date-time (RFC 3339, or without an offset, read as UTC)"))
    })
}

/// Reads a required date-time: `#[serde(deserialize_with = "…::datetime::deserialize")]`.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    read::<D>(&String::deserialize(deserializer)?)
}

/// Reads an `Option` date-time (`null` is `None`); with `default` when the field may be absent.
pub fn deserialize_option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Option::<String>::deserialize(deserializer)?.map(|text| read::<D>(&text)).transpose()
}

/// Reads an optional and nullable date-time: present `null` is `Some(None)` (see `nullable`).
pub fn deserialize_nullable<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<DateTime<Utc>>>, D::Error> {
    deserialize_option(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Event {
        #[serde(deserialize_with = "super::deserialize")]
        at: DateTime<Utc>,
        #[serde(default, deserialize_with = "super::deserialize_option")]
        until: Option<DateTime<Utc>>,
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
    }
}
