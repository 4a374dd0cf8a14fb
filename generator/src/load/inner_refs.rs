//! `$ref`s that point inside a schema (`#/components/schemas/Tag/allOf/0`, `…/properties/id/items`, a
//! response's `…/content/application~1json/schema`), resolved against the document as written: before
//! anything else rewrites its shapes (3.1 normalization turns type lists into unions and `$ref` siblings
//! into `allOf`s, which moves what such a pointer names), each target moves into a component schema of its
//! own, a `$ref` to it left in its place, and the references are pointed at it. The schema still exists
//! once (its enums and objects are generated once, whoever refers to it), and from then on it is an
//! ordinary component reference wherever it stands (an `allOf`/`oneOf`/`anyOf` part, `items`,
//! `additionalProperties`, a property, a parameter or response schema): the rest of the pipeline needs no
//! notion of inner pointers.
//!
//! A pointer that names nothing is left as it is, for the model to report (or, leniently, to read as JSON).
//! Pointers through `$defs` are 3.1 normalization's (it hoists `$defs`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::pointer_push;

/// The schema keywords whose value is a schema, and those whose value is a list or map of schemas.
const ONE: &[&str] = &["items", "additionalProperties", "not", "contains", "propertyNames", "unevaluatedProperties"];
const MANY: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems", "properties", "patternProperties"];

/// Moves the targets of inner schema pointers into `#/components/schemas/` and rewrites the references.
pub(super) fn hoist(doc: &mut Value) {
    let mut pointers = Vec::new();
    collect(doc, &mut pointers);
    pointers.sort();
    pointers.dedup();
    // Deepest first: a target inside another moves out before its ancestor does, while its path is still
    // the one written.
    pointers.sort_by_key(|pointer| std::cmp::Reverse(pointer.matches('/').count()));
    let mut taken: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut moved: Vec<(String, Value)> = Vec::new();
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    for pointer in pointers {
        let Some(target) = doc.pointer_mut(&pointer[1..]).filter(|target| target.is_object() || target.is_boolean())
        else {
            continue;
        };
        let key = unique(&component_name(&pointer), &taken);
        taken.push(key.clone());
        let reference = format!("#{}", pointer_push("/components/schemas", &key));
        let mut placeholder = Map::new();
        placeholder.insert("$ref".to_owned(), Value::String(reference.clone()));
        moved.push((key, std::mem::replace(target, Value::Object(placeholder))));
        renames.insert(pointer, reference);
    }
    if moved.is_empty() {
        return;
    }
    rewrite(doc, &renames);
    let Some(schemas) = components(doc) else { return };
    for (key, mut target) in moved {
        rewrite(&mut target, &renames);
        schemas.insert(key, target);
    }
}

/// Every local `$ref` below `value` that points inside a schema.
fn collect(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                if is_inner_schema_pointer(reference) {
                    into.push(reference.clone());
                }
            }
            object.values().for_each(|item| collect(item, into));
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, into)),
        _ => {}
    }
}

/// Whether `reference` is a local pointer to a schema nested in another (not a component itself): one that
/// starts at a component schema or at a `schema` keyword and then goes through schema keywords only.
fn is_inner_schema_pointer(reference: &str) -> bool {
    let Some(local) = reference.strip_prefix("#/") else { return false };
    let segments: Vec<&str> = local.split('/').collect();
    let rest = match segments.as_slice() {
        ["components", "schemas", _, rest @ ..] => rest,
        _ => match segments.iter().rposition(|s| *s == "schema") {
            Some(at) if at > 0 => &segments[at + 1..],
            _ => return false,
        },
    };
    // A component (or a `schema` keyword's value) itself is no inner pointer, and `$defs` are normalization's.
    if rest.is_empty() && segments[0] == "components" || segments.contains(&"$defs") {
        return false;
    }
    let mut steps = rest.iter();
    while let Some(step) = steps.next() {
        if MANY.contains(step) {
            if steps.next().is_none() {
                return false;
            }
        } else if !ONE.contains(step) {
            return false;
        }
    }
    true
}

/// A component name for the schema at `pointer`: its segments after `components/schemas` (or after the
/// last `schema` keyword, under the name of what holds it), joined, without the `properties` keyword
/// (`Tag/allOf/0` → `Tag_allOf_0`, `Tag/allOf/0/properties/color` → `Tag_allOf_0_color`), unescaped.
fn component_name(pointer: &str) -> String {
    let local = pointer.trim_start_matches("#/");
    let segments: Vec<String> = local.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
    let start = match segments.iter().rposition(|s| s == "schema") {
        _ if local.starts_with("components/schemas/") => 2,
        // `paths/~1pets/get/responses/200/content/application~1json/schema/items`: the path and what follows.
        Some(at) => return [&segments[1..2], &segments[at + 1..]].concat().join("_").trim_matches('_').to_owned(),
        None => 0,
    };
    segments[start..].iter().filter(|s| *s != "properties").cloned().collect::<Vec<_>>().join("_")
}

/// `name`, numbered if a component has it already.
fn unique(name: &str, taken: &[String]) -> String {
    let mut candidate = name.to_owned();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    candidate
}

/// Points every `$ref` that `renames` lists at its new place.
fn rewrite(value: &mut Value, renames: &BTreeMap<String, String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get_mut("$ref") {
                if let Some(renamed) = renames.get(reference.as_str()) {
                    *reference = renamed.clone();
                }
            }
            object.values_mut().for_each(|item| rewrite(item, renames));
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite(item, renames)),
        _ => {}
    }
}

/// `components/schemas`, made where it is missing; `None` when the document's `components` is no mapping.
fn components(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    let components = doc.as_object_mut()?.entry("components").or_insert_with(|| Value::Object(Map::new()));
    components.as_object_mut()?.entry("schemas").or_insert_with(|| Value::Object(Map::new())).as_object_mut()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn inner_schema_pointers_are_told_from_components_and_other_pointers() {
        for inner in [
            "#/components/schemas/Tag/allOf/0",
            "#/components/schemas/Tag/allOf/3/allOf/1",
            "#/components/schemas/Tag/properties/id",
            "#/components/schemas/Tag/properties/tags/items",
            "#/components/schemas/Tag/additionalProperties",
            "#/components/responses/Ok/content/application~1json/schema/properties/data",
            "#/paths/~1pets/get/responses/200/content/application~1json/schema/items",
            "#/paths/~1pets/get/responses/200/content/application~1json/schema",
        ] {
            assert!(is_inner_schema_pointer(inner), "{inner}");
        }
        for not in [
            "#/components/schemas/Tag",
            "#/components/parameters/Limit",
            "#/components/schemas/Tag/properties",
            "#/components/schemas/Tag/required/0",
            "#/components/schemas/Tag/$defs/Inner",
            "other.yaml#/components/schemas/Tag/allOf/0",
            "#/paths/~1pets/get/parameters/0",
        ] {
            assert!(!is_inner_schema_pointer(not), "{not}");
        }
    }

    #[test]
    fn names_come_from_the_pointer() {
        assert_eq!(component_name("#/components/schemas/Tag/allOf/0"), "Tag_allOf_0");
        assert_eq!(component_name("#/components/schemas/Tag/allOf/0/properties/color"), "Tag_allOf_0_color");
        assert_eq!(component_name("#/components/schemas/A~1B/items"), "A/B_items");
        assert_eq!(
            component_name("#/paths/~1pets/get/responses/200/content/application~1json/schema/items"),
            "/pets_items"
        );
    }

    #[test]
    fn targets_become_components_and_references_follow() {
        let mut doc = json!({
            "components": {"schemas": {
                "Tag": {"allOf": [{"type": "object", "properties": {"id": {"type": "string"}}},
                                  {"$ref": "#/components/schemas/Tag/allOf/0/properties/id"}]},
                "Tag_allOf_0": {"type": "integer"},
                "Runner": {"allOf": [{"$ref": "#/components/schemas/Tag/allOf/0"}, {"$ref": "#/nowhere/schema/x"}]}
            }}
        });
        hoist(&mut doc);
        let schemas = &doc["components"]["schemas"];
        // Moved out, numbered past the component of that name, a reference left in its place.
        assert_eq!(schemas["Runner"]["allOf"][0]["$ref"], "#/components/schemas/Tag_allOf_0_2");
        assert_eq!(schemas["Tag"]["allOf"][0]["$ref"], "#/components/schemas/Tag_allOf_0_2");
        // The inner target moved first, so its ancestor moved with a reference to it.
        let id = json!({"$ref": "#/components/schemas/Tag_allOf_0_id"});
        assert_eq!(schemas["Tag_allOf_0_2"], json!({"type": "object", "properties": {"id": id}}));
        assert_eq!(schemas["Tag"]["allOf"][1]["$ref"], "#/components/schemas/Tag_allOf_0_id");
        assert_eq!(schemas["Tag_allOf_0_id"], json!({"type": "string"}));
        // A pointer to nothing stays, for the model to report.
        assert_eq!(schemas["Runner"]["allOf"][1]["$ref"], "#/nowhere/schema/x");
    }
}
