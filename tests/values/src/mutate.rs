//! Broken values: one change at one place of a valid value, of the kinds decoders get wrong — a property
//! removed, a value of another type, `null`, a property nobody declared, a string no enum lists, numbers out
//! of every integer type's range, and date-times in odd forms.

use serde_json::{Value, json};

use crate::Rng;

/// What [`Mutation::apply`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    /// A property removed.
    Remove,
    /// A value replaced by one of another JSON type.
    WrongType,
    /// A value replaced by `null`.
    Null,
    /// A property added that no schema declares.
    Unknown,
    /// A string replaced by one no enum lists.
    Unlisted,
    /// A number replaced by one out of range, fractional or huge.
    Number,
    /// A string replaced by a date-time in an odd (or broken) form.
    DateTime,
}

impl Mutation {
    /// Every kind, in order.
    pub const ALL: [Mutation; 7] = [
        Mutation::Remove,
        Mutation::WrongType,
        Mutation::Null,
        Mutation::Unknown,
        Mutation::Unlisted,
        Mutation::Number,
        Mutation::DateTime,
    ];

    /// A mutation of a kind drawn at random, applied to a node of `value` drawn at random (the whole value
    /// counts as a node). Returns the kind.
    pub fn apply(rng: &mut Rng, value: &mut Value) -> Mutation {
        let mut nodes = Vec::new();
        pointers(value, String::new(), &mut nodes);
        let kind = Self::ALL[rng.below(Self::ALL.len())];
        let pointer = nodes[rng.below(nodes.len())].clone();
        let Some(node) = value.pointer_mut(&pointer) else { return kind };
        match kind {
            Mutation::Remove => match node {
                Value::Object(object) if !object.is_empty() => {
                    let key = object.keys().nth(rng.below(object.len())).cloned().unwrap_or_default();
                    object.shift_remove(&key);
                }
                Value::Array(items) if !items.is_empty() => {
                    items.remove(rng.below(items.len()));
                }
                other => *other = Value::Null,
            },
            Mutation::WrongType => *node = other_type(rng, node),
            Mutation::Null => *node = Value::Null,
            Mutation::Unknown => match node {
                Value::Object(object) => {
                    object.insert(format!("unknown_{}", rng.below(100)), json!({"nested": [1, "two", null]}));
                }
                other => *other = json!({"unknown": true}),
            },
            Mutation::Unlisted => *node = Value::String(format!("not-listed-{}", rng.below(100))),
            Mutation::Number => {
                const ODD: [&str; 10] = [
                    "9223372036854775808",
                    "-9223372036854775809",
                    "18446744073709551616",
                    "4294967296",
                    "2147483648",
                    "-1",
                    "1.5",
                    "1.0",
                    "1e400",
                    "-0",
                ];
                *node = serde_json::from_str(ODD[rng.below(ODD.len())]).unwrap_or(Value::Null);
            }
            Mutation::DateTime => {
                const ODD: [&str; 10] = [
                    "2024-05-01T10:00:00z",
                    "2024-05-01t10:00:00Z",
                    " 2024-05-01T10:00:00Z ",
                    "2024-05-01",
                    "2024-13-01T10:00:00Z",
                    "2024-05-01T25:00:00Z",
                    "2024-05-01T10:00:00+2400",
                    "1714557600",
                    "",
                    "2024-02-30 10:00:00",
                ];
                *node = Value::String(ODD[rng.below(ODD.len())].to_owned());
            }
        }
        kind
    }
}

/// A value of another JSON type than `node`'s.
fn other_type(rng: &mut Rng, node: &Value) -> Value {
    let choices = [json!("text"), json!(7), json!(-2.5), json!(true), json!([]), json!([1]), json!({}), Value::Null];
    loop {
        let choice = &choices[rng.below(choices.len())];
        let same = std::mem::discriminant(choice) == std::mem::discriminant(node);
        if !same {
            return choice.clone();
        }
    }
}

/// The JSON pointer of every node of `value`, the root first.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (key, item) in object {
                pointers(item, format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mutation_changes_the_value_and_every_kind_occurs() {
        let mut rng = Rng::new(9);
        let valid = json!({"id": 1, "name": "x", "tags": ["a", "b"], "owner": {"at": "2024-05-01T10:00:00Z"}});
        let mut seen = Vec::new();
        for _ in 0..500 {
            let mut value = valid.clone();
            let kind = Mutation::apply(&mut rng, &mut value);
            if !seen.contains(&kind) {
                seen.push(kind);
            }
            // A date-time or a number may be put where the same was; anything else differs.
            if !matches!(kind, Mutation::DateTime | Mutation::Number | Mutation::Unlisted | Mutation::Null) {
                assert_ne!(value, valid, "{kind:?}");
            }
        }
        assert_eq!(seen.len(), Mutation::ALL.len(), "{seen:?}");
    }
}
