//! Parameters and form bodies on the wire, by OpenAPI style and `explode`, as OpenAPI 3.0's style tables
//! write them: `simple`, `label` and `matrix` in the path, `simple` in headers, `form` in cookies, and
//! `form`, `spaceDelimited`, `pipeDelimited` and `deepObject` in the query and in form bodies (where the
//! request body's `encoding` map gives them per property). `deepObject` arrays are indexed
//! (`name[0]=a&name[1]=b`), the form Rack-style servers (Stripe's) read.

use serde::Serialize;
use serde_json::Value;

/// How a parameter is written (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `simple` (path and header): `a,b`; an object `k,v,k2,v2`, exploded `k=v,k2=v2`.
    Simple,
    /// `label` (path): `.a,b`, exploded `.a.b`; an object `.k,v`, exploded `.k=v`.
    Label,
    /// `matrix` (path): `;name=a,b`, exploded `;name=a;name=b`; an object exploded `;k=v;k2=v2`.
    Matrix,
    /// `form`: `name=a&name=b` when exploded, `name=a,b` when not.
    Form,
    /// `spaceDelimited`: `name=a b`.
    SpaceDelimited,
    /// `pipeDelimited`: `name=a|b`.
    PipeDelimited,
    /// `deepObject`: `name[key]=value`.
    DeepObject,
}

/// The value as JSON, the one part of each writer here that is generic in the value's type (the rest is
/// compiled once, not once per parameter type).
fn json<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The `name=value` pairs of a query parameter (nothing for `null`).
pub fn query<T: Serialize + ?Sized>(name: &str, value: &T, style: Style, explode: bool) -> Vec<(String, String)> {
    query_value(name, &json(value), style, explode)
}

fn query_value(name: &str, value: &Value, style: Style, explode: bool) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    match (value, style) {
        (Value::Null, _) => {}
        (Value::Object(_) | Value::Array(_), Style::DeepObject) => deep(name, value, &mut pairs),
        (Value::Object(object), _) if explode => {
            pairs.extend(object.iter().map(|(key, item)| (key.clone(), scalar(item))));
        }
        (Value::Array(items), Style::Form) if explode => {
            pairs.extend(items.iter().map(|item| (name.to_owned(), scalar(item))));
        }
        (Value::Array(_) | Value::Object(_), _) => {
            let delimiter = match style {
                Style::SpaceDelimited => " ",
                Style::PipeDelimited => "|",
                _ => ",",
            };
            pairs.push((name.to_owned(), joined(value, delimiter)));
        }
        _ => pairs.push((name.to_owned(), scalar(value))),
    }
    pairs
}

/// A path parameter as it goes in the URL, percent-encoded but for the style's own delimiters: `simple`
/// (`a,b`), `label` (`.a.b`) or `matrix` (`;name=a;name=b`), exploded or not.
pub fn path<T: Serialize + ?Sized>(name: &str, value: &T, style: Style, explode: bool) -> String {
    path_value(name, &json(value), style, explode)
}

fn path_value(name: &str, value: &Value, style: Style, explode: bool) -> String {
    let encode = |text: &str| crate::encode_path(text);
    let name = encode(name);
    let items: Vec<(Option<String>, String)> = match value {
        Value::Array(items) => items.iter().map(|item| (None, encode(&scalar(item)))).collect(),
        Value::Object(object) => object.iter().map(|(key, item)| (Some(encode(key)), encode(&scalar(item)))).collect(),
        other => vec![(None, encode(&scalar(other)))],
    };
    let object = value.is_object();
    // One item of a list: `k=v` when an exploded object, `k,v` when not, `v` for an array.
    let item = |(key, text): &(Option<String>, String), pair: &str| match key {
        Some(key) => format!("{key}{pair}{text}"),
        None => text.clone(),
    };
    match (style, explode) {
        (Style::Label, true) => items.iter().map(|it| format!(".{}", item(it, "="))).collect(),
        (Style::Label, false) => format!(".{}", items.iter().map(|it| item(it, ",")).collect::<Vec<_>>().join(",")),
        (Style::Matrix, true) if object => items.iter().map(|it| format!(";{}", item(it, "="))).collect(),
        (Style::Matrix, true) => items.iter().map(|(_, text)| format!(";{name}={text}")).collect(),
        (Style::Matrix, false) => {
            format!(";{name}={}", items.iter().map(|it| item(it, ",")).collect::<Vec<_>>().join(","))
        }
        (_, true) => items.iter().map(|it| item(it, "=")).collect::<Vec<_>>().join(","),
        (_, false) => items.iter().map(|it| item(it, ",")).collect::<Vec<_>>().join(","),
    }
}

/// A header parameter's value (`simple`): `a,b`; an object `k,v,k2,v2`, exploded `k=v,k2=v2`.
pub fn header<T: Serialize + ?Sized>(value: &T, explode: bool) -> String {
    header_value(&json(value), explode)
}

fn header_value(value: &Value, explode: bool) -> String {
    match value {
        Value::Object(object) if explode => {
            object.iter().map(|(key, item)| format!("{key}={}", scalar(item))).collect::<Vec<_>>().join(",")
        }
        Value::Array(_) | Value::Object(_) => joined(value, ","),
        _ => scalar(value),
    }
}

/// A cookie parameter's `name=value` pairs (`form`), values percent-encoded so none can end the cookie:
/// one pair (`name=a,b`), or exploded one per item (`name=a`, `name=b`; an object's `k=v` pairs).
pub fn cookie<T: Serialize + ?Sized>(name: &str, value: &T, explode: bool) -> Vec<String> {
    cookie_value(name, &json(value), explode)
}

fn cookie_value(name: &str, value: &Value, explode: bool) -> Vec<String> {
    let encode = |text: &str| crate::encode_path(text);
    match value {
        Value::Null => Vec::new(),
        Value::Array(items) if explode => {
            items.iter().map(|item| format!("{name}={}", encode(&scalar(item)))).collect()
        }
        Value::Object(object) if explode => {
            object.iter().map(|(key, item)| format!("{}={}", encode(key), encode(&scalar(item)))).collect()
        }
        Value::Array(_) | Value::Object(_) => vec![format!("{name}={}", encode(&joined(value, ",")))],
        other => vec![format!("{name}={}", encode(&scalar(other)))],
    }
}

/// An `application/x-www-form-urlencoded` body: each property a field, written as `encodings` says for it
/// (`(property, style, explode)`, from the request body's `encoding` map), else arrays of scalars repeated
/// and nested objects and arrays of objects as `key[inner]=value` / `key[0][inner]=value`. Properties
/// `json` names are written as JSON text (an `encoding` with `contentType: application/json`).
pub fn form<T: Serialize + ?Sized>(body: &T, encodings: &[(&str, Style, bool)], json: &[&str]) -> String {
    form_value(&self::json(body), encodings, json)
}

fn form_value(value: &Value, encodings: &[(&str, Style, bool)], json: &[&str]) -> String {
    let mut pairs = Vec::new();
    if let Value::Object(object) = value {
        for (key, item) in object {
            let encoding = encodings.iter().find(|(name, ..)| name == key);
            match (item, encoding) {
                (Value::Null, _) => {}
                (_, _) if json.contains(&key.as_str()) => pairs.push((key.clone(), item.to_string())),
                (_, Some((_, style, explode))) => pairs.extend(query_value(key, item, *style, *explode)),
                (Value::Array(items), None) if items.iter().all(is_scalar) => {
                    pairs.extend(items.iter().map(|item| (key.clone(), scalar(item))));
                }
                (Value::Array(_) | Value::Object(_), None) => deep(key, item, &mut pairs),
                (_, None) => pairs.push((key.clone(), scalar(item))),
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

    /// OpenAPI 3.0's style table, with its `color` examples.
    #[test]
    fn path_styles_follow_the_style_table() {
        let (blue, colors, rgb) =
            (json!("blue"), json!(["blue", "black", "brown"]), json!({"R": 100, "G": 200, "B": 150}));
        let cases = [
            (Style::Simple, false, &blue, "blue"),
            (Style::Simple, true, &blue, "blue"),
            (Style::Simple, false, &colors, "blue,black,brown"),
            (Style::Simple, true, &colors, "blue,black,brown"),
            (Style::Simple, false, &rgb, "R,100,G,200,B,150"),
            (Style::Simple, true, &rgb, "R=100,G=200,B=150"),
            (Style::Label, false, &blue, ".blue"),
            (Style::Label, true, &blue, ".blue"),
            (Style::Label, false, &colors, ".blue,black,brown"),
            (Style::Label, true, &colors, ".blue.black.brown"),
            (Style::Label, false, &rgb, ".R,100,G,200,B,150"),
            (Style::Label, true, &rgb, ".R=100.G=200.B=150"),
            (Style::Matrix, false, &blue, ";color=blue"),
            (Style::Matrix, true, &blue, ";color=blue"),
            (Style::Matrix, false, &colors, ";color=blue,black,brown"),
            (Style::Matrix, true, &colors, ";color=blue;color=black;color=brown"),
            (Style::Matrix, false, &rgb, ";color=R,100,G,200,B,150"),
            (Style::Matrix, true, &rgb, ";R=100;G=200;B=150"),
        ];
        for (style, explode, value, wire) in cases {
            assert_eq!(path("color", value, style, explode), wire, "{style:?} explode={explode} {value}");
        }
        assert_eq!(path("p", &json!("a/b c"), Style::Simple, false), "a%2Fb%20c");
    }

    #[test]
    fn headers_and_cookies_follow_the_style_table() {
        let (colors, rgb) = (json!(["blue", "black", "brown"]), json!({"R": 100, "G": 200, "B": 150}));
        assert_eq!(header(&colors, false), "blue,black,brown");
        assert_eq!(header(&rgb, false), "R,100,G,200,B,150");
        assert_eq!(header(&rgb, true), "R=100,G=200,B=150");
        assert_eq!(cookie("color", &json!("blue"), true), ["color=blue"]);
        assert_eq!(cookie("color", &colors, false), ["color=blue%2Cblack%2Cbrown"]);
        assert_eq!(cookie("color", &colors, true), ["color=blue", "color=black", "color=brown"]);
        assert_eq!(cookie("color", &rgb, true), ["R=100", "G=200", "B=150"]);
        assert_eq!(cookie("color", &rgb, false), ["color=R%2C100%2CG%2C200%2CB%2C150"]);
        assert_eq!(cookie("c", &json!("a; b=c"), true), ["c=a%3B%20b%3Dc"]);
    }

    #[test]
    fn deep_object_arrays_are_indexed() {
        let expand = json!(["data.default_source", "data.test_clock"]);
        assert_eq!(
            query("expand", &expand, Style::DeepObject, true),
            pairs(&[("expand[0]", "data.default_source"), ("expand[1]", "data.test_clock")])
        );
    }

    #[test]
    fn form_bodies_repeat_arrays_and_nest_objects() {
        let body = json!({"scope": ["read", "write"], "metadata": {"k": "v"}, "items": [{"price": "p1"}], "n": 1, "none": null});
        assert_eq!(form(&body, &[], &[]), "scope=read&scope=write&metadata%5Bk%5D=v&items%5B0%5D%5Bprice%5D=p1&n=1");
    }

    #[test]
    fn form_bodies_follow_their_encoding_map() {
        let body = json!({"expand": ["a", "b"], "tags": ["x", "y"], "meta": {"k": "v"}, "doc": {"a": 1}});
        let encodings = [("expand", Style::DeepObject, true), ("tags", Style::Form, false)];
        assert_eq!(
            form(&body, &encodings, &["doc"]),
            "expand%5B0%5D=a&expand%5B1%5D=b&tags=x%2Cy&meta%5Bk%5D=v&doc=%7B%22a%22%3A1%7D"
        );
    }
}
