//! JSON text of a value: compact or indented (so that errors fall on other lines and columns), and with a
//! property written twice now and then (which a `serde_json::Value` cannot hold, and a decoder must refuse
//! or read as the JSON parser it stands for would).

use serde_json::Value;

use crate::Rng;

/// `value` as JSON text: indented when `pretty`, each object with two or more properties writing its
/// first one again at its end `duplicate` times in a hundred.
pub fn write(rng: &mut Rng, value: &Value, pretty: bool, duplicate: u64) -> String {
    let mut out = String::new();
    node(rng, value, pretty, duplicate, 0, &mut out);
    out
}

fn node(rng: &mut Rng, value: &Value, pretty: bool, duplicate: u64, depth: usize, out: &mut String) {
    let newline = |out: &mut String, depth: usize| {
        if pretty {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        }
    };
    match value {
        Value::Object(object) if !object.is_empty() => {
            out.push('{');
            let again = (object.len() >= 2 && rng.chance(duplicate)).then(|| object.iter().next()).flatten();
            for (i, (key, item)) in object.iter().chain(again).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                out.push_str(&Value::String(key.clone()).to_string());
                out.push_str(if pretty { ": " } else { ":" });
                node(rng, item, pretty, duplicate, depth + 1, out);
            }
            newline(out, depth);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                node(rng, item, pretty, duplicate, depth + 1, out);
            }
            newline(out, depth);
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_text_reads_back_as_the_value_and_duplicates_repeat_the_first_property() {
        let value = json!({"a": [1, {"b": "x\"y"}], "c": {}, "d": [], "e": null});
        let mut rng = Rng::new(5);
        for pretty in [false, true] {
            let text = write(&mut rng, &value, pretty, 0);
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value, "{text}");
        }
        assert!(write(&mut rng, &value, true, 0).contains("\n    {\n      \"b\""));
        let twice = write(&mut rng, &value, false, 100);
        assert_eq!(twice, r#"{"a":[1,{"b":"x\"y"}],"c":{},"d":[],"e":null,"a":[1,{"b":"x\"y"}]}"#);
    }
}
