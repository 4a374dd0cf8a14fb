//! Small documents generated whole: schemas, refs among a small pool of names, paths, operations and
//! security schemes.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};

use crate::mutate::{escape_ref_token, walk};
use crate::vocabulary::{
    ENUM_VALUES, FORMATS, LOCATIONS, MEDIA, METHODS, PATHS, POOL, SERVERS, STATUS, STYLES, name_strategy,
    text_strategy, token_extension,
};

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{}", escape_ref_token(name)) })
}

fn gen_schema() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        3 => (
            select(&["string", "integer", "number", "boolean"][..]),
            proptest::option::of(select(FORMATS)),
        )
            .prop_map(|(t, f)| {
                let mut s = json!({ "type": t });
                if let Some(f) = f {
                    s["format"] = json!(f);
                }
                s
            }),
        2 => vec(select(ENUM_VALUES), 1..5).prop_map(|v| json!({ "type": "string", "enum": v })),
        4 => select(POOL).prop_map(schema_ref),
        1 => Just(json!({})),
        1 => Just(json!({ "type": "string", "format": "password" })),
        1 => Just(json!({ "type": "string", "x-clientgen-secret": true })),
        1 => Just(json!({ "type": "integer", "enum": [1, 2] })),
    ];
    let tree = leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            4 => (
                vec((name_strategy(), inner.clone()), 0..5),
                vec(name_strategy(), 0..2),
                any::<u16>(),
                inner.clone(),
            )
                .prop_map(|(props, extra_required, flags, additional)| {
                    let mut s = Map::new();
                    if flags & 1 != 0 {
                        s.insert("type".into(), json!("object"));
                    }
                    let required: Vec<Value> = props
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| flags & (1 << (4 + i)) != 0)
                        .map(|(_, (name, _))| json!(name))
                        .chain(extra_required.into_iter().map(Value::String))
                        .collect();
                    if !props.is_empty() {
                        s.insert("properties".into(), Value::Object(props.into_iter().collect()));
                    }
                    if !required.is_empty() {
                        s.insert("required".into(), Value::Array(required));
                    }
                    match (flags >> 1) & 3 {
                        1 => {
                            s.insert("additionalProperties".into(), json!(true));
                        }
                        2 => {
                            s.insert("additionalProperties".into(), json!(false));
                        }
                        3 => {
                            s.insert("additionalProperties".into(), additional);
                        }
                        _ => {}
                    }
                    Value::Object(s)
                }),
            2 => proptest::option::of(inner.clone()).prop_map(|items| match items {
                Some(items) => json!({ "type": "array", "items": items }),
                None => json!({ "type": "array" }),
            }),
            2 => (select(&["allOf", "oneOf", "anyOf"][..]), vec(inner.clone(), 0..4))
                .prop_map(|(k, parts)| json!({ k: parts })),
            1 => inner.prop_map(|s| json!({ "not": s })),
        ]
    });
    (tree, any::<u8>(), proptest::option::of(text_strategy()))
        .prop_map(|(mut s, flags, text)| {
            if let Value::Object(map) = &mut s {
                if flags & 3 == 0 {
                    map.insert("nullable".into(), json!(true));
                }
                if flags & 4 != 0 {
                    if let Some(text) = text {
                        let field = if flags & 8 != 0 { "title" } else { "description" };
                        map.insert(field.into(), json!(text));
                    }
                }
                if flags & 0xf0 == 0x10 {
                    map.insert("deprecated".into(), json!(true));
                }
            }
            s
        })
        .boxed()
}

pub(crate) fn parameter() -> impl Strategy<Value = Value> {
    (
        name_strategy(),
        prop_oneof![6 => select(&["query", "header", "cookie", "path"][..]), 1 => select(LOCATIONS)],
        gen_schema(),
        proptest::option::of(select(STYLES)),
        proptest::option::of(any::<bool>()),
        any::<u8>(),
        proptest::option::of(text_strategy()),
    )
        .prop_map(|(name, location, schema, style, explode, flags, doc)| {
            let mut p = json!({ "name": name, "in": location });
            if flags & 1 != 0 {
                p["required"] = json!(true);
            }
            if flags & 6 == 6 {
                p["content"] = json!({ "application/json": { "schema": schema } });
            } else {
                p["schema"] = schema;
            }
            if let Some(style) = style {
                p["style"] = json!(style);
            }
            if let Some(explode) = explode {
                p["explode"] = json!(explode);
            }
            if let Some(doc) = doc {
                p["description"] = json!(doc);
            }
            p
        })
}

fn media_map() -> impl Strategy<Value = Value> {
    vec((select(MEDIA), proptest::option::of(gen_schema())), 0..3).prop_map(|entries| {
        Value::Object(
            entries
                .into_iter()
                .map(|(media, schema)| {
                    let value = match schema {
                        Some(schema) => json!({ "schema": schema }),
                        None => json!({}),
                    };
                    (media.to_owned(), value)
                })
                .collect(),
        )
    })
}

fn operation() -> impl Strategy<Value = Value> {
    (
        proptest::option::of(name_strategy()),
        vec(parameter(), 0..4),
        proptest::option::of((media_map(), any::<bool>())),
        vec((select(STATUS), text_strategy(), media_map()), 0..4),
        any::<u8>(),
        proptest::option::of(text_strategy()),
        proptest::option::of(token_extension()),
    )
        .prop_map(|(id, params, body, responses, flags, summary, token)| {
            let mut op = Map::new();
            if let Some(id) = id {
                op.insert("operationId".into(), json!(id));
            }
            if let Some(summary) = summary {
                op.insert("summary".into(), json!(summary));
            }
            if !params.is_empty() {
                op.insert("parameters".into(), Value::Array(params));
            }
            if let Some((content, required)) = body {
                op.insert("requestBody".into(), json!({ "content": content, "required": required }));
            }
            let responses: Map<String, Value> = responses
                .into_iter()
                .map(|(code, description, content)| {
                    (code.to_owned(), json!({ "description": description, "content": content }))
                })
                .collect();
            op.insert("responses".into(), Value::Object(responses));
            if flags & 1 != 0 {
                op.insert("deprecated".into(), json!(true));
            }
            if flags & 6 == 2 {
                op.insert("security".into(), json!([]));
            }
            if flags & 6 == 4 {
                op.insert("security".into(), json!([{}, { "key": [] }]));
            }
            if flags & 0x18 == 0x18 {
                if let Some(token) = token {
                    op.insert("x-clientgen-token".into(), token);
                }
            }
            Value::Object(op)
        })
}

fn path_item() -> impl Strategy<Value = (String, Value)> {
    (select(PATHS), vec((select(METHODS), operation()), 1..3), any::<u8>()).prop_map(|(template, ops, flags)| {
        let mut item = Map::new();
        let names = template_names(template);
        let declared: Vec<Value> = names
            .iter()
            .enumerate()
            .filter(|(i, _)| flags & (1 << (i % 6)) != 0 || flags & 0x80 != 0)
            .map(|(_, n)| json!({ "name": n, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        for (method, mut op) in ops {
            if flags & 0x40 == 0 && !declared.is_empty() {
                if let Some(Value::Array(params)) = op.get_mut("parameters") {
                    params.extend(declared.iter().cloned());
                } else {
                    op["parameters"] = Value::Array(declared.clone());
                }
            }
            item.insert(method.to_owned(), op);
        }
        if flags & 0x40 != 0 && !declared.is_empty() {
            item.insert("parameters".into(), Value::Array(declared));
        }
        (template.to_owned(), Value::Object(item))
    })
}

fn template_names(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = rest[start + 1..start + len].to_owned();
        if !names.contains(&name) {
            names.push(name);
        }
        rest = &rest[start + len + 1..];
    }
    names
}

fn security_scheme() -> impl Strategy<Value = Value> {
    (0u8..10, name_strategy()).prop_map(|(kind, name)| match kind {
        0 => json!({ "type": "http", "scheme": "bearer" }),
        1 => json!({ "type": "http", "scheme": "basic" }),
        2 => json!({ "type": "http", "scheme": name }),
        3 => json!({ "type": "apiKey", "in": "header", "name": name }),
        4 => json!({ "type": "apiKey", "in": "query", "name": name }),
        5 => json!({ "type": "apiKey", "in": "cookie", "name": name }),
        6 => json!({ "type": "oauth2", "flows": { "clientCredentials": { "tokenUrl": "https://x/t", "scopes": {} } } }),
        7 => json!({ "type": "openIdConnect", "openIdConnectUrl": "https://x" }),
        8 => json!({ "type": "apiKey", "in": "header", "name": name, "x-clientgen-in": "body", "x-clientgen-body-fields": ["a", name] }),
        _ => json!({ "type": "mutualTLS" }),
    })
}

pub(crate) fn generated_doc() -> impl Strategy<Value = Value> {
    (
        select(&["3.0.3", "3.0.0", "3.0", "3.0.99"][..]),
        text_strategy(),
        proptest::option::of(text_strategy()),
        vec((select(SERVERS), proptest::option::of(text_strategy())), 0..3),
        vec(path_item(), 0..4),
        vec((select(POOL), gen_schema()), 0..6),
        vec((name_strategy(), security_scheme()), 0..3),
        any::<u8>(),
    )
        .prop_map(|(version, title, description, servers, paths, schemas, schemes, flags)| {
            let mut doc = json!({ "openapi": version, "info": { "title": title, "version": "1" } });
            if let Some(description) = description {
                doc["info"]["description"] = json!(description);
            }
            if !servers.is_empty() {
                doc["servers"] = servers
                    .into_iter()
                    .map(|(url, description)| match description {
                        Some(d) => json!({ "url": url, "description": d }),
                        None => json!({ "url": url }),
                    })
                    .collect();
            }
            doc["paths"] = Value::Object(paths.into_iter().collect());
            let mut components = Map::new();
            let mut defined: Map<String, Value> = schemas.into_iter().map(|(n, s)| (n.to_owned(), s)).collect();
            // Most documents define every schema they refer to (else they are only refused).
            if flags & 3 != 0 {
                let mut refs = Vec::new();
                collect_schema_refs(&doc, &mut refs);
                for schema in defined.values() {
                    collect_schema_refs(schema, &mut refs);
                }
                for name in refs {
                    defined.entry(name).or_insert_with(|| json!({ "type": "string" }));
                }
            }
            if !defined.is_empty() {
                components.insert("schemas".into(), Value::Object(defined));
            }
            if !schemes.is_empty() {
                let keys: Vec<String> = schemes.iter().map(|(k, _)| k.clone()).collect();
                // Most token extensions name a scheme that exists (else they are only refused).
                if flags & 16 == 0 {
                    for item in doc["paths"].as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                        for op in item.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                            if let Some(token) = op.get_mut("x-clientgen-token").and_then(Value::as_object_mut) {
                                token.insert("scheme".into(), json!(keys[0]));
                            }
                        }
                    }
                }
                components.insert("securitySchemes".into(), Value::Object(schemes.into_iter().collect()));
                if flags & 4 != 0 {
                    doc["security"] = json!([{ keys[0].clone(): [] }]);
                }
                if flags & 8 != 0 {
                    doc["security"] = json!([{}, { keys[keys.len() - 1].clone(): [] }]);
                }
            }
            if !components.is_empty() {
                doc["components"] = Value::Object(components);
            }
            doc
        })
}

fn collect_schema_refs(v: &Value, out: &mut Vec<String>) {
    walk(v, &mut Vec::new(), None, None, &mut |_, v, k, _| {
        if k == Some("$ref") {
            if let Some(name) = v.as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
                let name = name.replace("~1", "/").replace("~0", "~");
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        true
    });
}
