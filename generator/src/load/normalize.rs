//! Normalizing a document before openapiv3 reads it: OpenAPI 3.1 written as the 3.0 shapes that say the
//! same thing, and two things openapiv3 reads wrong in any version (`const`, a form encoding's default
//! `explode`). Everything is rewritten in place, so JSON pointers in errors stay those of the document
//! (except inside `$defs`, which move to `components/schemas`).

use serde_json::{Map, Value};

/// `const: x` (JSON Schema, and OpenAPI 3.1; some 3.0 documents use it too) read as `enum: [x]`, which
/// openapiv3 keeps: a schema object with `const` and no `enum` gets one. Values that are data, not schemas
/// (`example`, `examples`, `default`, `enum`, vendor extensions) are not looked into, and a `properties` map
/// is not a schema itself (a property may be called `const`).
pub(super) fn const_as_enum(value: &mut Value, key: &str) {
    let Value::Object(object) = value else {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(|item| const_as_enum(item, key));
        }
        return;
    };
    let is_map_of_schemas = matches!(key, "properties" | "patternProperties" | "schemas" | "$defs" | "definitions");
    if !is_map_of_schemas && !object.contains_key("enum") {
        if let Some(constant) = object.get("const").filter(|c| !c.is_object()).cloned() {
            // A `const` alone says its type too.
            let typ = match &constant {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(number) if number.is_f64() => Some("number"),
                Value::Number(_) => Some("integer"),
                _ => None,
            };
            if let (Some(typ), false) = (typ, object.contains_key("type")) {
                object.insert("type".to_owned(), Value::String(typ.to_owned()));
            }
            object.insert("enum".to_owned(), Value::Array(vec![constant]));
        }
    }
    for (child_key, child) in object.iter_mut() {
        let data = matches!(child_key.as_str(), "example" | "examples" | "default" | "enum" | "const")
            || child_key.starts_with("x-");
        if !data {
            // Inside a map of schemas each value is a schema, whatever its key.
            const_as_enum(child, if is_map_of_schemas { "" } else { child_key });
        }
    }
}

/// A request body's `encoding` entry with no `explode` gets OpenAPI's default, true for `style: form` (the
/// default style): openapiv3 reads an absent `explode` as false. `in_content` says `value` is a `content`
/// map (media type → media type object).
pub(super) fn default_form_explode(value: &mut Value, in_content: bool) {
    match value {
        Value::Object(object) => {
            if in_content {
                for media in object.values_mut() {
                    let Some(Value::Object(encodings)) = media.get_mut("encoding") else { continue };
                    for encoding in encodings.values_mut() {
                        let Value::Object(encoding) = encoding else { continue };
                        let form = encoding.get("style").is_none_or(|style| style == "form");
                        if form && !encoding.contains_key("explode") {
                            encoding.insert("style".to_owned(), Value::String("form".to_owned()));
                            encoding.insert("explode".to_owned(), Value::Bool(true));
                        }
                    }
                }
            }
            for (key, child) in object.iter_mut() {
                if !matches!(key.as_str(), "example" | "examples" | "default" | "enum" | "schema") {
                    default_form_explode(child, key == "content");
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| default_form_explode(item, false)),
        _ => {}
    }
}

/// What 3.1 says in shapes openapiv3 (3.0) reads:
/// - the version becomes `3.0.3`, and a missing `paths` an empty one;
/// - `type: [t, "null"]` is `type: t` + `nullable: true`; several types are an `anyOf` of each;
///   `{type: "null"}` among `anyOf`/`oneOf` variants makes the union `nullable` (one variant left is that
///   variant, nullable);
/// - `$ref` with sibling keywords is `allOf: [$ref]` beside them (a description documents the field,
///   `nullable` applies); outside schemas the siblings 3.1 allows (`summary`, `description`) are dropped;
/// - numeric `exclusiveMinimum`/`exclusiveMaximum` are the 3.0 bound + boolean; `examples` gives `example`;
///   `contentEncoding: base64` is `format: byte`, `contentMediaType` of binary data `format: binary`;
/// - `prefixItems` (tuples) are arrays of their items' JSON, `patternProperties` typed further properties;
///   `$defs` move to `components/schemas` (as `<Owner>_<name>`) with the references into them;
/// - `components/pathItems` referenced from `paths` are copied in place;
/// - an operation without `responses` (optional in 3.1) answers any 2XX;
/// - `mutualTLS` security schemes (client certificates, set up on the `reqwest::Client`) are dropped from
///   the schemes and the requirements.
pub(super) fn from_v31(doc: &mut Value) {
    let Value::Object(top) = doc else { return };
    top.insert("openapi".to_owned(), Value::String("3.0.3".to_owned()));
    top.entry("paths").or_insert_with(|| Value::Object(Map::new()));
    hoist_defs(doc);
    resolve_ids(doc);
    inline_path_items(doc);
    default_responses(doc);
    drop_mutual_tls(doc);
    webhooks(doc);
    document(doc);
}

/// `webhooks` (requests the API sends, not operations of a client; OpenAPI 3.0 documents write them as
/// `x-webhooks`): each payload schema becomes a component (an inline one named `<webhook> <method> payload`),
/// so its type is generated for a receiver to decode, and the list is kept under `x-clientgen-webhooks`
/// with each one's event name (its `x-clientgen-event`, else its name).
pub(super) fn webhooks(doc: &mut Value) {
    let Some(top) = doc.as_object_mut() else { return };
    let legacy = top.remove("x-webhooks");
    let (section, hooks) = match (top.remove("webhooks"), legacy) {
        (Some(Value::Object(hooks)), _) => ("webhooks", hooks),
        (_, Some(Value::Object(hooks))) => ("x-webhooks", hooks),
        _ => return,
    };
    let mut listed = Vec::new();
    let mut hoisted = Vec::new();
    for (name, item) in &hooks {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let content = op.pointer("/requestBody/content").and_then(Value::as_object);
            let schema = content.and_then(|content| {
                content.iter().find(|(media, _)| media.contains("json")).or_else(|| content.iter().next())
            });
            // Where its examples are, in the document as written.
            let media = schema.map(|(media, _)| {
                [section, name, method, "requestBody", "content", media.as_str()]
                    .iter()
                    .fold(String::new(), |pointer, token| crate::error::pointer_push(&pointer, token))
            });
            let payload = match schema.and_then(|(_, media)| media.get("schema")) {
                Some(Value::Object(schema)) if schema.len() == 1 && schema.contains_key("$ref") => schema
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    .map(str::to_owned),
                Some(schema) => {
                    let key = format!("{name} {method} payload");
                    hoisted.push((key.clone(), schema.clone()));
                    Some(key)
                }
                None => None,
            };
            let doc = op.get("summary").or_else(|| op.get("description")).cloned().unwrap_or(Value::Null);
            let event = op.get(crate::extensions::EVENT).and_then(Value::as_str).unwrap_or(name);
            listed.push(serde_json::json!({
                "name": name, "method": method.to_uppercase(), "payload": payload, "doc": doc, "event": event,
                "media": media,
            }));
        }
    }
    let Some(top) = doc.as_object_mut() else { return };
    if !hoisted.is_empty() {
        let components = top.entry("components").or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(components) = components {
            if let Value::Object(schemas) = components.entry("schemas").or_insert_with(|| Value::Object(Map::new())) {
                for (key, schema) in hoisted {
                    schemas.entry(key).or_insert(schema);
                }
            }
        }
    }
    top.insert(crate::extensions::WEBHOOKS.to_owned(), Value::Array(listed));
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn default_responses(doc: &mut Value) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else { return };
    for item in paths.values_mut() {
        for method in METHODS {
            let Some(Value::Object(op)) = item.get_mut(method) else { continue };
            op.entry("responses").or_insert_with(
                || serde_json::json!({"2XX": {"description": "Any success (the document describes no responses)."}}),
            );
        }
    }
}

fn drop_mutual_tls(doc: &mut Value) {
    let mut dropped = Vec::new();
    if let Some(Value::Object(schemes)) = doc.pointer_mut("/components/securitySchemes") {
        schemes.retain(|key, scheme| {
            let mutual = scheme.get("type").is_some_and(|t| t == "mutualTLS");
            if mutual {
                dropped.push(key.clone());
            }
            !mutual
        });
    }
    if dropped.is_empty() {
        return;
    }
    fn strip(requirements: &mut Value, dropped: &[String]) {
        if let Value::Array(requirements) = requirements {
            for requirement in requirements.iter_mut() {
                if let Value::Object(requirement) = requirement {
                    requirement.retain(|key, _| !dropped.contains(key));
                }
            }
        }
    }
    if let Some(security) = doc.get_mut("security") {
        strip(security, &dropped);
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            for method in METHODS {
                if let Some(security) = item.get_mut(method).and_then(|op| op.get_mut("security")) {
                    strip(security, &dropped);
                }
            }
        }
    }
}

/// Walks the parts of a document that are not schemas, normalizing each schema it meets.
fn document(value: &mut Value) {
    match value {
        Value::Object(object) => {
            // A Reference Object outside schemas may carry `summary`/`description` in 3.1.
            if object.contains_key("$ref") {
                object.retain(|key, _| key == "$ref");
                return;
            }
            for (key, child) in object.iter_mut() {
                match key.as_str() {
                    "schema" => schema(child),
                    "schemas" => {
                        if let Value::Object(schemas) = child {
                            schemas.values_mut().for_each(schema);
                        }
                    }
                    "example" | "examples" | "default" => {}
                    _ => document(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(document),
        _ => {}
    }
}

/// Normalizes one schema and the schemas inside it.
fn schema(value: &mut Value) {
    // Boolean schemas (JSON Schema 2020-12): `true` is any value, `false` admits none.
    if let Value::Bool(admits) = value {
        *value = boolean_schema(*admits);
    }
    let Value::Object(object) = value else { return };
    boolean_subschemas(object);
    // `$ref` beside other keywords: the reference becomes an `allOf` part.
    if object.len() > 1 {
        if let Some(reference) = object.remove("$ref") {
            let mut part = Map::new();
            part.insert("$ref".to_owned(), reference);
            object.insert("allOf".to_owned(), Value::Array(vec![Value::Object(part)]));
            // Errors about the reference point at the schema that holds it, as the document has it.
            object.insert(crate::extensions::REF_SIBLINGS.to_owned(), Value::Bool(true));
        }
    }
    // A list of types.
    if let Some(Value::Array(types)) = object.get("type").cloned() {
        let null = types.iter().any(|t| t == "null");
        let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
        object.remove("type");
        if null {
            object.insert("nullable".to_owned(), Value::Bool(true));
        }
        match rest.as_slice() {
            [] => {}
            [one] => {
                object.insert("type".to_owned(), one.clone());
            }
            several => {
                let variants = several.iter().map(|t| {
                    let mut variant = Map::new();
                    variant.insert("type".to_owned(), t.clone());
                    Value::Object(variant)
                });
                object.insert("anyOf".to_owned(), Value::Array(variants.collect()));
            }
        }
    } else if object.get("type").is_some_and(|t| t == "null") {
        object.remove("type");
        object.insert("nullable".to_owned(), Value::Bool(true));
    }
    // `{type: "null"}` among the variants of a union.
    for keyword in ["anyOf", "oneOf"] {
        let Some(Value::Array(variants)) = object.get_mut(keyword) else { continue };
        let before = variants.len();
        variants.retain(|variant| !is_null_schema(variant));
        if variants.len() < before {
            object.insert("nullable".to_owned(), Value::Bool(true));
            let Some(Value::Array(variants)) = object.get_mut(keyword) else { continue };
            if let [only] = variants.as_mut_slice() {
                let only = only.take();
                object.remove(keyword);
                match only {
                    Value::Object(only) if only.contains_key("$ref") => {
                        object.insert("allOf".to_owned(), Value::Array(vec![Value::Object(only)]));
                    }
                    Value::Object(only) => {
                        for (key, value) in only {
                            object.entry(key).or_insert(value);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    // Numeric exclusive bounds.
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Number(number)) = object.get(exclusive).cloned() {
            object.insert(bound.to_owned(), Value::Number(number));
            object.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
    if let Some(Value::Array(examples)) = object.remove("examples") {
        if let Some(first) = examples.into_iter().next() {
            object.entry("example").or_insert(first);
        }
    }
    if object.get("contentEncoding").is_some_and(|e| e == "base64") {
        object.entry("format").or_insert_with(|| Value::String("byte".to_owned()));
    } else if object.contains_key("contentMediaType") && object.get("type").is_some_and(|t| t == "string") {
        object.entry("format").or_insert_with(|| Value::String("binary".to_owned()));
    }
    // `unevaluatedProperties: false` closes an object as `additionalProperties: false` does (what the
    // schema's own `allOf` parts declare is merged into its type, so those are its evaluated properties).
    if object.get("unevaluatedProperties") == Some(&Value::Bool(false)) {
        object.remove("unevaluatedProperties");
        object.entry("additionalProperties").or_insert(Value::Bool(false));
    } else if object.get("unevaluatedProperties") == Some(&Value::Bool(true)) {
        object.remove("unevaluatedProperties");
    }
    // What no Rust type here states is said in the schema's docs.
    let unexpressed: Vec<&str> = [
        "prefixItems",
        "patternProperties",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
        "if",
        "dependentSchemas",
        "dependentRequired",
        "contains",
    ]
    .into_iter()
    .filter(|key| object.contains_key(*key))
    .collect();
    if !unexpressed.is_empty() {
        let keywords = unexpressed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        let mut note = format!("The spec's {keywords} cannot be stated by this Rust type and is not checked here");
        if unexpressed.contains(&"prefixItems") {
            note.push_str("; the tuple is read as an array of JSON values");
        }
        if unexpressed.contains(&"patternProperties") {
            note.push_str("; further properties take the first pattern's schema");
        }
        note.push('.');
        let description = match object.get("description").and_then(Value::as_str) {
            Some(description) => format!("{description}\n\n{note}"),
            None => note,
        };
        object.insert("description".to_owned(), Value::String(description));
    }
    if let Some(Value::Array(_)) = object.remove("prefixItems") {
        object.entry("items").or_insert_with(|| Value::Object(Map::new()));
    }
    if let Some(Value::Object(patterns)) = object.remove("patternProperties") {
        if let (Some(first), false) = (patterns.into_iter().next(), object.contains_key("additionalProperties")) {
            object.insert("additionalProperties".to_owned(), first.1);
        }
    }
    for (key, child) in object.iter_mut() {
        match key.as_str() {
            "items" | "not" => schema(child),
            // A boolean `additionalProperties` is 3.0's too, read as it is.
            "additionalProperties" if child.is_object() => schema(child),
            "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(parts) = child {
                    parts.iter_mut().for_each(schema);
                }
            }
            "properties" => {
                if let Value::Object(properties) = child {
                    properties.values_mut().for_each(schema);
                }
            }
            _ => {}
        }
    }
}

/// A boolean schema as the object schema that means the same: `true` any value (`{}`), `false` none
/// (`{not: {}}`).
fn boolean_schema(admits: bool) -> Value {
    let mut object = Map::new();
    if !admits {
        object.insert("not".to_owned(), Value::Object(Map::new()));
    }
    Value::Object(object)
}

/// Boolean schemas inside `object`, read with the meaning they have where they stand, and noted in its docs
/// where no Rust type states it: a property that must be absent (`false`) is not a field; `items: false` is
/// an array with no items past its `prefixItems` (a closed tuple); a `false` variant of a union never
/// matches and a `true` part of an `allOf` adds nothing; `not: false` excludes nothing.
fn boolean_subschemas(object: &mut Map<String, Value>) {
    let mut notes = Vec::new();
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        let absent: Vec<String> = properties
            .iter()
            .filter(|(_, schema)| **schema == Value::Bool(false))
            .map(|(name, _)| name.clone())
            .collect();
        for name in &absent {
            properties.shift_remove(name);
        }
        if !absent.is_empty() {
            let names = absent.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ");
            notes.push(format!("The spec says {names} must be absent (`false` schemas); it is not a field here."));
        }
    }
    if object.get("items") == Some(&Value::Bool(false)) {
        let tuple = object.get("prefixItems").and_then(Value::as_array).map_or(0, Vec::len);
        object.insert("items".to_owned(), Value::Object(Map::new()));
        object.entry("maxItems").or_insert_with(|| Value::from(tuple));
        notes.push(if tuple == 0 {
            "The spec admits no items (`items: false`): the array is always empty.".to_owned()
        } else {
            format!("A closed tuple (`items: false`): at most the {tuple} items of `prefixItems`.")
        });
    }
    for (keyword, drop) in [("anyOf", false), ("oneOf", false), ("allOf", true)] {
        if let Some(Value::Array(parts)) = object.get_mut(keyword) {
            parts.retain(|part| *part != Value::Bool(drop));
        }
    }
    if object.get("not") == Some(&Value::Bool(false)) {
        object.remove("not");
    }
    if !notes.is_empty() {
        let note = notes.join(" ");
        let description = match object.get("description").and_then(Value::as_str) {
            Some(description) => format!("{description}\n\n{note}"),
            None => note,
        };
        object.insert("description".to_owned(), Value::String(description));
    }
}

fn is_null_schema(value: &Value) -> bool {
    match value {
        Value::Object(object) => {
            object
                .get("type")
                .is_some_and(|t| t == "null" || t.as_array().is_some_and(|a| a.len() == 1 && a[0] == "null"))
                && !object.contains_key("properties")
        }
        _ => false,
    }
}

/// Moves the `$defs` of component schemas (and of the document) to `components/schemas`, named
/// `<Owner>_<name>`, and points the references into them there.
fn hoist_defs(doc: &mut Value) {
    let mut moved: Vec<(String, String, Value)> = Vec::new();
    if let Some(Value::Object(defs)) = doc.as_object_mut().and_then(|top| top.remove("$defs")) {
        moved.extend(defs.into_iter().map(|(name, def)| (format!("#/$defs/{name}"), name, def)));
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (owner, schema) in schemas.iter_mut() {
            let Some(Value::Object(defs)) = schema.as_object_mut().and_then(|s| s.remove("$defs")) else { continue };
            for (name, def) in defs {
                let from = format!("#/components/schemas/{}/$defs/{name}", escape(owner));
                moved.push((from, format!("{owner}_{name}"), def));
            }
        }
    }
    if moved.is_empty() {
        return;
    }
    let renames: Vec<(String, String)> =
        moved.iter().map(|(from, to, _)| (from.clone(), format!("#/components/schemas/{}", escape(to)))).collect();
    let Some(top) = doc.as_object_mut() else { return };
    let components = top.entry("components").or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(components) = components {
        let schemas = components.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(schemas) = schemas {
            for (_, to, def) in moved {
                schemas.entry(to).or_insert(def);
            }
        }
    }
    rewrite_refs(doc, &renames);
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn rewrite_refs(value: &mut Value, renames: &[(String, String)]) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get_mut("$ref") {
                if let Some((_, to)) = renames.iter().find(|(from, _)| from == reference) {
                    *reference = to.clone();
                }
            }
            object.values_mut().for_each(|child| rewrite_refs(child, renames));
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs(item, renames)),
        _ => {}
    }
}

/// References by a schema's `$id` (`/components/schemas/petdetails`) or `$anchor`
/// (`…/petdetails#pet_details_id`) become local pointers to that schema. (A `$ref` left empty, as an unquoted
/// `#…` in YAML leaves it, is dropped.)
fn resolve_ids(doc: &mut Value) {
    fn index(value: &Value, pointer: &str, base: &str, out: &mut Vec<(String, String)>) {
        let Value::Object(object) = value else { return };
        let base = match object.get("$id").and_then(Value::as_str) {
            Some(id) => {
                out.push((id.to_owned(), pointer.to_owned()));
                id.to_owned()
            }
            None => base.to_owned(),
        };
        if let Some(anchor) = object.get("$anchor").and_then(Value::as_str) {
            out.push((format!("{base}#{anchor}"), pointer.to_owned()));
            out.push((format!("#{anchor}"), pointer.to_owned()));
        }
        for (key, child) in object {
            let child_pointer = format!("{pointer}/{}", escape(key));
            match child {
                Value::Object(_) => index(child, &child_pointer, &base, out),
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        index(item, &format!("{child_pointer}/{i}"), &base, out);
                    }
                }
                _ => {}
            }
        }
    }
    fn rewrite(value: &mut Value, ids: &[(String, String)]) {
        match value {
            Value::Object(object) => {
                if object.get("$ref").is_some_and(Value::is_null) {
                    object.remove("$ref");
                }
                if let Some(Value::String(reference)) = object.get_mut("$ref") {
                    let by_id = ids.iter().find(|(id, _)| {
                        id == reference || reference.strip_prefix('#').is_some_and(|r| r.eq_ignore_ascii_case(id))
                    });
                    if let Some((_, pointer)) = by_id {
                        *reference = format!("#{pointer}");
                    }
                }
                object.values_mut().for_each(|child| rewrite(child, ids));
            }
            Value::Array(items) => items.iter_mut().for_each(|item| rewrite(item, ids)),
            _ => {}
        }
    }
    let mut ids = Vec::new();
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        for (key, schema) in schemas {
            index(schema, &format!("/components/schemas/{}", escape(key)), "", &mut ids);
        }
    }
    rewrite(doc, &ids);
}

/// Copies `components/pathItems` into the `paths` and `webhooks` that refer to them (openapiv3 follows no
/// path-item references).
fn inline_path_items(doc: &mut Value) {
    let Some(Value::Object(items)) = doc.pointer("/components/pathItems").cloned() else { return };
    for section in ["paths", "webhooks"] {
        let Some(Value::Object(entries)) = doc.get_mut(section) else { continue };
        for item in entries.values_mut() {
            let target =
                item.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/pathItems/"));
            if let Some(found) = target.and_then(|name| items.get(&name.replace("~1", "/").replace("~0", "~"))) {
                *item = found.clone();
            }
        }
    }
}
