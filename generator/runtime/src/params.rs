//! Parameters and form bodies on the wire, by OpenAPI style: `form` (exploded or comma-joined),
//! `spaceDelimited`, `pipeDelimited`, `deepObject` (`name[key]=value`) and `simple` (path and header).

use serde::Serialize;
use serde_json::Value;

/// How a query parameter is written (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `form`: `name=a&name=b` when exploded, `name=a,b` when not.
    Form,
    /// `spaceDelimited`: `name=a b`.
    SpaceDelimited,
    /// `pipeDelimited`: `name=a|b`.
    PipeDelimited,
    /// `deepObject`: `name[key]=value`.
    DeepObject,
}

/// The `name=value` pairs of a query parameter (nothing for `null`).
pub fn query<T: Serialize + ?Sized>(name: &str, value: &T, style: Style, explode: bool) -> Vec<(String, String)> {
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    let mut pairs = Vec::new();
    match (&value, style) {
        (Value::Null, _) => {}
        (Value::Object(_), Style::DeepObject) => deep(name, &value, &mut pairs),
        (Value::Object(object), _) if explode => {
            pairs.extend(object.iter().map(|(key, item)| (key.clone(), scalar(item))));
        }
        (Value::Array(items), Style::Form | Style::DeepObject) if explode => {
            pairs.extend(items.iter().map(|item| (name.to_owned(), scalar(item))));
        }
        (Value::Array(_) | Value::Object(_), _) => {
            let delimiter = match style {
                Style::SpaceDelimited => " ",
                Style::PipeDelimited => "|",
                Style::Form | Style::DeepObject => ",",
            };
            pairs.push((name.to_owned(), joined(&value, delimiter)));
        }
        _ => pairs.push((name.to_owned(), scalar(&value))),
    }
    pairs
}

/// The `simple` style text of a path or header parameter: a scalar as it is, an array or object
/// comma-joined (`a,b`, `key,value,key,value`).
pub fn text<T: Serialize + ?Sized>(value: &T) -> String {
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    match &value {
        Value::Array(_) | Value::Object(_) => joined(&value, ","),
        _ => scalar(&value),
    }
}

/// An `application/x-www-form-urlencoded` body: each property a field, arrays repeated, nested objects
/// (and arrays of objects) as `key[inner]=value` / `key[0][inner]=value`.
pub fn form<T: Serialize + ?Sized>(body: &T) -> String {
    let value = serde_json::to_value(body).unwrap_or(Value::Null);
    let mut pairs = Vec::new();
    if let Value::Object(object) = &value {
        for (key, item) in object {
            match item {
                Value::Null => {}
                Value::Array(items) if items.iter().all(is_scalar) => {
                    pairs.extend(items.iter().map(|item| (key.clone(), scalar(item))));
                }
                Value::Array(_) | Value::Object(_) => deep(key, item, &mut pairs),
                _ => pairs.push((key.clone(), scalar(item))),
            }
        }
    }
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn joined(value: &Value, delimiter: &str) -> String {
    match value {
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(delimiter),
        Value::Object(object) => {
            object.iter().flat_map(|(key, item)| [key.clone(), scalar(item)]).collect::<Vec<_>>().join(delimiter)
        }
        other => scalar(other),
    }
}

fn deep(prefix: &str, value: &Value, pairs: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            for (key, item) in object {
                deep(&format!("{prefix}[{key}]"), item, pairs);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                deep(&format!("{prefix}[{i}]"), item, pairs);
            }
        }
        Value::Null => {}
        other => pairs.push((prefix.to_owned(), scalar(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn query_styles() {
        let ids = json!([1, 2]);
        assert_eq!(query("id", &ids, Style::Form, true), pairs(&[("id", "1"), ("id", "2")]));
        assert_eq!(query("id", &ids, Style::Form, false), pairs(&[("id", "1,2")]));
        assert_eq!(query("id", &ids, Style::PipeDelimited, false), pairs(&[("id", "1|2")]));
        assert_eq!(query("id", &ids, Style::SpaceDelimited, false), pairs(&[("id", "1 2")]));
        let filter = json!({"status": "open", "tag": {"a": 1}});
        assert_eq!(
            query("filter", &filter, Style::DeepObject, true),
            pairs(&[("filter[status]", "open"), ("filter[tag][a]", "1")])
        );
        assert_eq!(query("p", &json!({"x": 1, "y": 2}), Style::Form, true), pairs(&[("x", "1"), ("y", "2")]));
        assert_eq!(query("p", &json!({"x": 1, "y": 2}), Style::Form, false), pairs(&[("p", "x,1,y,2")]));
        assert_eq!(query("q", "a b", Style::Form, true), pairs(&[("q", "a b")]));
        assert!(query("q", &Value::Null, Style::Form, true).is_empty());
    }

    #[test]
    fn simple_text() {
        assert_eq!(text(&json!([1, 2, 3])), "1,2,3");
        assert_eq!(text(&json!({"a": 1})), "a,1");
        assert_eq!(text(&true), "true");
    }

    #[test]
    fn form_bodies_repeat_arrays_and_nest_objects() {
        let body = json!({"scope": ["read", "write"], "metadata": {"k": "v"}, "items": [{"price": "p1"}], "n": 1, "none": null});
        assert_eq!(form(&body), "scope=read&scope=write&metadata%5Bk%5D=v&items%5B0%5D%5Bprice%5D=p1&n=1");
    }
}
