//! The value builder's tests: each property of a valid value, checked over many seeds.

use super::*;

fn doc() -> Value {
    json!({"components": {"schemas": {
        "Pet": {"type": "object", "required": ["id", "kind"], "properties": {
            "id": {"type": "integer", "format": "int64", "minimum": 1},
            "kind": {"type": "string", "enum": ["cat", "dog"]},
            "born": {"type": "string", "format": "date-time"},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
            "parent": {"$ref": "#/components/schemas/Pet"},
        }},
        "Shape": {"oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}],
            "discriminator": {"propertyName": "type", "mapping": {"round": "#/components/schemas/Circle"}}},
        "Circle": {"type": "object", "required": ["r"], "properties": {"r": {"type": "number", "minimum": 0, "maximum": 1}}},
        "Square": {"type": "object", "required": ["side"], "properties": {"side": {"type": "integer", "maximum": 3, "minimum": 3}}},
    }}})
}

#[test]
fn values_satisfy_required_properties_enums_bounds_and_recursion_ends() {
    let doc = doc();
    let mut values = Values::new(&doc, 42);
    let pet = &doc["components"]["schemas"]["Pet"];
    for _ in 0..500 {
        let value = values.valid(pet);
        let mut node = &value;
        // Down the `parent` chain, every level is a whole pet.
        loop {
            assert!(node["id"].as_i64().is_some_and(|id| id >= 1), "{value}");
            assert!(["cat", "dog"].contains(&node["kind"].as_str().unwrap()), "{value}");
            assert!(node.get("tags").is_none_or(|tags| tags.as_array().unwrap().len() <= 2), "{value}");
            match node.get("parent") {
                Some(parent) => node = parent,
                None => break,
            }
        }
    }
}

#[test]
fn a_discriminated_branch_carries_its_tag() {
    let doc = doc();
    let mut values = Values::new(&doc, 1);
    let (mut circles, mut squares) = (0, 0);
    for _ in 0..200 {
        let shape = values.valid(&doc["components"]["schemas"]["Shape"]);
        match shape["type"].as_str() {
            Some("round") => {
                circles += 1;
                assert!((0.0..=1.0).contains(&shape["r"].as_f64().unwrap()), "{shape}");
            }
            Some("Square") => {
                squares += 1;
                assert_eq!(shape["side"], 3, "{shape}");
            }
            other => panic!("{other:?}: {shape}"),
        }
    }
    assert!(circles > 50 && squares > 50, "{circles} {squares}");
}

#[test]
fn bounds_hold_in_both_spellings_with_multiples_and_safe_integers() {
    let doc = json!({});
    let mut values = Values::new(&doc, 3).safe_integers();
    // 3.0: a boolean beside the bound; 3.1: the exclusive bound as a number.
    let open30 =
        json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 5, "exclusiveMaximum": true});
    let open31 = json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 5});
    let number31 = json!({"type": "number", "exclusiveMinimum": 0, "maximum": 1});
    let even = json!({"type": "integer", "minimum": -7, "maximum": 9, "multipleOf": 2});
    let wide = json!({"type": "integer", "format": "int64"});
    let safe = (1i64 << 53) - 1;
    for _ in 0..500 {
        for schema in [&open30, &open31] {
            let n = values.valid(schema).as_i64().unwrap();
            assert!((1..=4).contains(&n), "{n} for {schema}");
        }
        let x = values.valid(&number31).as_f64().unwrap();
        assert!(x > 0.0 && x <= 1.0, "{x}");
        let n = values.valid(&even).as_i64().unwrap();
        assert!(n % 2 == 0 && (-7..=9).contains(&n), "{n}");
        let n = values.valid(&wide).as_i64().unwrap();
        assert!((-safe..=safe).contains(&n), "{n}");
    }
    // Without `safe_integers`, the whole int64 range is used.
    let mut values = Values::new(&doc, 3);
    assert!((0..200).any(|_| values.valid(&wide).as_i64().unwrap().abs() > safe));
}

#[test]
fn properties_beside_a_one_of_are_built_with_the_branch() {
    let doc = json!({});
    let schema = json!({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}},
        "oneOf": [{"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
                  {"type": "object", "required": ["b"], "properties": {"b": {"type": "boolean"}}}]});
    let mut values = Values::new(&doc, 4);
    for _ in 0..100 {
        let value = values.valid(&schema);
        assert!(value["name"].is_string() && (value["a"].is_i64() || value["b"].is_boolean()), "{value}");
    }
}

#[test]
fn a_branch_without_a_kind_takes_the_type_beside_the_one_of_and_unsigned_formats_start_at_zero() {
    let doc = json!({});
    let event = json!({"type": "string", "oneOf": [{"description": "one"}, {"description": "two"}]});
    let unsigned = json!({"type": "integer", "format": "uint32"});
    let mut values = Values::new(&doc, 2);
    for _ in 0..200 {
        assert!(values.valid(&event).is_string());
        assert!(values.valid(&unsigned).as_i64().unwrap() >= 0);
    }
}

#[test]
fn a_union_part_of_an_all_of_is_built_with_the_other_parts() {
    let doc = json!({"components": {"schemas": {
        "Agent": {"type": "object", "oneOf": [
            {"type": "object", "required": ["type", "id"], "properties": {"type": {"enum": ["ref"]}, "id": {"type": "string"}}},
            {"type": "object", "required": ["type"], "properties": {"type": {"enum": ["ask"]}}}]},
    }}});
    let alone = json!({"allOf": [{"$ref": "#/components/schemas/Agent"}, {"description": "The agent."}]});
    let with = json!({"allOf": [{"$ref": "#/components/schemas/Agent"},
        {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}]});
    let mut values = Values::new(&doc, 6);
    for _ in 0..100 {
        for schema in [&alone, &with] {
            let value = values.valid(schema);
            assert!(["ref", "ask"].contains(&value["type"].as_str().unwrap_or_default()), "{value}");
        }
        assert!(values.valid(&with)["name"].is_string());
    }
}

#[test]
fn each_variant_of_a_union_can_be_asked_for() {
    let doc = doc();
    let shape = &doc["components"]["schemas"]["Shape"];
    let mut values = Values::new(&doc, 8);
    assert_eq!(values.variants(shape), 2);
    assert_eq!(values.variants(&doc["components"]["schemas"]["Pet"]), 0);
    for _ in 0..20 {
        assert_eq!(values.valid_variant(shape, 0)["type"], "round");
        assert_eq!(values.valid_variant(shape, 1)["type"], "Square");
    }
}

#[test]
fn a_property_another_branch_requires_is_left_out() {
    let doc = json!({});
    let search = json!({"type": "object", "properties": {"ids": {"type": "integer"}, "stores": {"type": "integer"}},
        "oneOf": [{"required": ["ids"]}, {"required": ["stores"]}]});
    let mut values = Values::new(&doc, 5);
    for _ in 0..100 {
        let value = values.valid(&search);
        assert!(value.get("ids").is_some() != value.get("stores").is_some(), "{value}");
    }
}

#[test]
fn a_branch_may_require_a_property_declared_beside_the_union() {
    let doc = json!({});
    let gist = json!({"type": "object", "properties": {"description": {"type": "string"}, "files": {"type": "object"}},
        "anyOf": [{"required": ["description"]}, {"required": ["files"]}]});
    let mut values = Values::new(&doc, 7);
    for _ in 0..100 {
        let value = values.valid(&gist);
        assert!(value.get("description").is_some() || value.get("files").is_some(), "{value}");
    }
}

#[test]
fn references_by_id_and_anchor_are_followed() {
    let doc = json!({"components": {"schemas": {"Details": {"$id": "/schemas/details", "type": "object",
        "properties": {"id": {"$anchor": "details_id", "type": "integer", "minimum": 5, "maximum": 5}}}}}});
    let values = Values::new(&doc, 1);
    let by_anchor = json!({"$ref": "/schemas/details#details_id"});
    assert_eq!(values.resolve(&by_anchor)["minimum"], 5);
    let by_id = json!({"$ref": "/schemas/details"});
    assert_eq!(values.resolve(&by_id)["$id"], "/schemas/details");
    let by_pointer = json!({"$ref": "/schemas/details#/properties/id"});
    assert_eq!(values.resolve(&by_pointer)["$anchor"], "details_id");
    let mut values = Values::new(&doc, 1);
    assert_eq!(values.valid(&by_anchor), 5);
}

#[test]
fn strict_date_times_have_an_offset_and_a_t() {
    let doc = json!({});
    let schema = json!({"type": "string", "format": "date-time"});
    let mut strict = Values::new(&doc, 9).strict_dates();
    for _ in 0..300 {
        let text = strict.valid(&schema).as_str().unwrap().to_owned();
        let offset = text.ends_with('Z') || text[19..].contains(['+', '-']);
        assert!(text.as_bytes()[10] == b'T' && offset, "{text}");
    }
    let mut lenient = Values::new(&doc, 9);
    assert!((0..300).any(|_| !lenient.valid(&schema).as_str().unwrap().contains('T')));
}

#[test]
fn a_pointer_is_followed_through_references() {
    let doc = json!({
        "paths": {"/pets": {"get": {"responses": {"200": {"$ref": "#/components/responses/Pets"}}}}},
        "components": {"responses": {"Pets": {"content": {"application/json": {"schema": {"type": "integer"}}}}}},
    });
    let values = Values::new(&doc, 0);
    let schema = values.at("/paths/~1pets/get/responses/200/content/application~1json/schema");
    assert_eq!(schema, Some(&json!({"type": "integer"})));
    assert_eq!(values.at("/paths/~1pets/post"), None);
}

#[test]
fn the_same_seed_gives_the_same_values() {
    let doc = doc();
    let pet = &doc["components"]["schemas"]["Pet"];
    let run = |seed| {
        let mut values = Values::new(&doc, seed);
        (0..20).map(|_| values.valid(pet)).collect::<Vec<_>>()
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4));
}
