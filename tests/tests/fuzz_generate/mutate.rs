//! Structural mutations of a seed document, and the node selection they rely on.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Map, Value, json};

use crate::runner::env_number;
use crate::vocabulary::{
    MEDIA, METHODS, REFS, SCHEMA_KEYS, STATUS, field_and_value, name_strategy, small_schema, weird_value,
};

/// Which nodes a mutation may pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Any,
    Object,
    Schema,
    /// A map from names to things: schemas, properties, paths, responses, content, …
    NamedMap,
    Parameter,
    Responses,
    Content,
    Operation,
    PathItem,
    /// `components.schemas` (or any `schemas` map).
    Schemas,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    At(usize),
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum SegRef<'a> {
    Key(&'a str),
    At(usize),
}

fn is_target(target: Target, v: &Value, key: Option<&str>, container: Option<&str>) -> bool {
    let Some(object) = v.as_object() else {
        return target == Target::Any;
    };
    match target {
        Target::Any | Target::Object => true,
        Target::Schema => {
            SCHEMA_KEYS.iter().any(|k| object.contains_key(*k))
                || matches!(key, Some("schema" | "items" | "additionalProperties" | "not"))
                || matches!(container, Some("schemas" | "properties" | "allOf" | "oneOf" | "anyOf"))
        }
        Target::NamedMap => matches!(
            key,
            Some(
                "schemas"
                    | "properties"
                    | "paths"
                    | "responses"
                    | "content"
                    | "parameters"
                    | "securitySchemes"
                    | "requestBodies"
                    | "variables"
                    | "headers"
            )
        ),
        Target::Parameter => object.contains_key("in") || container == Some("parameters"),
        Target::Responses => key == Some("responses"),
        Target::Content => key == Some("content"),
        Target::Operation => key.is_some_and(|k| METHODS.contains(&k)),
        Target::PathItem => container == Some("paths"),
        Target::Schemas => key == Some("schemas"),
    }
}

/// What `walk` calls on each node: its path, the node, its key and its container's key; false stops.
pub(crate) type Visitor<'f, 'v> = dyn FnMut(&[SegRef<'v>], &'v Value, Option<&'v str>, Option<&'v str>) -> bool + 'f;

/// Calls `f` on every node in pre-order with its path, its key and its container's key; stops when `f`
/// returns false.
pub(crate) fn walk<'v>(
    v: &'v Value,
    path: &mut Vec<SegRef<'v>>,
    key: Option<&'v str>,
    container: Option<&'v str>,
    f: &mut Visitor<'_, 'v>,
) -> bool {
    if !f(path, v, key, container) {
        return false;
    }
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                path.push(SegRef::Key(k));
                let go = walk(child, path, Some(k), key, f);
                path.pop();
                if !go {
                    return false;
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(SegRef::At(i));
                let go = walk(child, path, None, key, f);
                path.pop();
                if !go {
                    return false;
                }
            }
        }
        _ => {}
    }
    true
}

/// The path of one node of the kind `target`, chosen by `at`.
fn select_node(root: &Value, target: Target, at: Index) -> Option<Vec<Seg>> {
    let mut count = 0usize;
    walk(root, &mut Vec::new(), None, None, &mut |_, v, k, c| {
        count += usize::from(is_target(target, v, k, c));
        true
    });
    if count == 0 {
        return None;
    }
    let mut wanted = at.index(count);
    let mut found = None;
    walk(root, &mut Vec::new(), None, None, &mut |path, v, k, c| {
        if is_target(target, v, k, c) {
            if wanted == 0 {
                found = Some(
                    path.iter()
                        .map(|seg| match seg {
                            SegRef::Key(k) => Seg::Key((*k).to_owned()),
                            SegRef::At(i) => Seg::At(*i),
                        })
                        .collect(),
                );
                return false;
            }
            wanted -= 1;
        }
        true
    });
    found
}

pub(crate) fn get<'a>(v: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, seg| match seg {
        Seg::Key(k) => v.get(k.as_str()),
        Seg::At(i) => v.get(*i),
    })
}

pub(crate) fn get_mut<'a>(v: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, seg| match seg {
        Seg::Key(k) => v.get_mut(k.as_str()),
        Seg::At(i) => v.get_mut(*i),
    })
}

fn node_count(v: &Value) -> usize {
    let mut n = 0;
    walk(v, &mut Vec::new(), None, None, &mut |_, _, _, _| {
        n += 1;
        true
    });
    n
}

/// The keys of every `schemas` map (so refs can point at existing names).
fn schema_names(doc: &Value) -> Vec<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

pub(crate) fn escape_ref_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Where a `$ref` points.
#[derive(Debug, Clone)]
pub(crate) enum RefTo {
    /// An existing component schema, or `Missing…` if there is none.
    Existing(Index),
    /// A name that may or may not exist.
    Named(String),
    /// A ref string as is.
    Literal(&'static str),
}

impl RefTo {
    pub(crate) fn resolve(&self, names: &[String]) -> String {
        match self {
            RefTo::Existing(at) if !names.is_empty() => {
                format!("#/components/schemas/{}", escape_ref_token(&names[at.index(names.len())]))
            }
            RefTo::Existing(_) => "#/components/schemas/Missing".to_owned(),
            RefTo::Named(name) => format!("#/components/schemas/{}", escape_ref_token(name)),
            RefTo::Literal(r) => (*r).to_owned(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Mutation {
    target: Target,
    at: Index,
    op: Op,
}

#[derive(Debug, Clone)]
enum Op {
    /// Removes one entry of an object or array.
    Delete(Index),
    /// Replaces the node.
    Replace(Value),
    /// Renames one key of an object.
    Rename(Index, String),
    /// Sets a field of an object.
    Set(&'static str, Value),
    /// Copies another node here (into an object under a key, onto an array, or instead of a scalar).
    Copy { from: Target, from_at: Index, key: String },
    /// Replaces the node by a `$ref` (or adds `$ref` beside its fields).
    Ref { to: RefTo, keep_fields: bool },
    /// `oneOf`/`anyOf`/`allOf` around the node, with an optional second part.
    Wrap { keyword: &'static str, second: Option<Value>, nullable: bool },
    /// Marks some properties required, and maybe names that are not properties.
    Require { mask: u32, extra: Vec<String> },
    /// Adds a property.
    AddProperty(String, Value),
    /// Renames or adds a response status.
    Status { key: Index, code: &'static str, add: bool },
    /// Renames or adds a media type.
    Media { key: Index, media: &'static str, add: bool },
    /// Nests the node this many levels deep.
    Deepen { levels: usize, how: u8 },
    /// Keeps `keep` entries of an object, from a chosen one on (to make big seeds small).
    Prune { keep: usize, from: Index },
}

pub(crate) fn mutation() -> impl Strategy<Value = Mutation> {
    let m = |target: Target, op: BoxedStrategy<Op>| {
        (any::<Index>(), op).prop_map(move |(at, op)| Mutation { target, at, op })
    };
    let any_target = select(
        &[
            Target::Any,
            Target::Object,
            Target::Schema,
            Target::NamedMap,
            Target::Parameter,
            Target::Responses,
            Target::Content,
            Target::Operation,
            Target::PathItem,
            Target::Schemas,
        ][..],
    );
    let name = || name_strategy().boxed();
    // Deeper nesting of a schema that does not parse takes exponential time (see the regression cases).
    let max_nesting: usize = env_number("CLIENTGEN_FUZZ_MAX_NESTING").unwrap_or(6).max(1);
    prop_oneof![
        4 => (any_target.clone(), any::<Index>(), any::<Index>())
            .prop_map(|(target, at, key)| Mutation { target, at, op: Op::Delete(key) }),
        3 => (select(&[Target::Any, Target::Schema, Target::Parameter][..]), any::<Index>(), weird_value())
            .prop_map(|(target, at, v)| Mutation { target, at, op: Op::Replace(v) }),
        5 => (select(&[Target::NamedMap, Target::Schemas, Target::Object, Target::Responses][..]), any::<Index>(), any::<Index>(), name())
            .prop_map(|(target, at, key, name)| Mutation { target, at, op: Op::Rename(key, name) }),
        6 => (select(&[Target::Schema, Target::Parameter, Target::Operation, Target::Object][..]), any::<Index>(), field_and_value())
            .prop_map(|(target, at, (field, v))| Mutation { target, at, op: Op::Set(field, v) }),
        2 => (any_target.clone(), any::<Index>(), any_target, any::<Index>(), name())
            .prop_map(|(target, at, from, from_at, key)| Mutation { target, at, op: Op::Copy { from, from_at, key } }),
        4 => m(Target::Schema, (ref_to(), any::<bool>()).prop_map(|(to, keep_fields)| Op::Ref { to, keep_fields }).boxed()),
        3 => m(Target::Schema, (select(&["oneOf", "anyOf", "allOf"][..]), proptest::option::of(small_schema()), any::<bool>())
            .prop_map(|(keyword, second, nullable)| Op::Wrap { keyword, second, nullable }).boxed()),
        2 => m(Target::Schema, (any::<u32>(), vec(name(), 0..2)).prop_map(|(mask, extra)| Op::Require { mask, extra }).boxed()),
        2 => m(Target::Schema, (name(), small_schema()).prop_map(|(n, s)| Op::AddProperty(n, s)).boxed()),
        3 => m(Target::Responses, (any::<Index>(), select(STATUS), any::<bool>()).prop_map(|(key, code, add)| Op::Status { key, code, add }).boxed()),
        2 => m(Target::Content, (any::<Index>(), select(MEDIA), any::<bool>()).prop_map(|(key, media, add)| Op::Media { key, media, add }).boxed()),
        1 => m(Target::Schema, (prop_oneof![4 => 1..=max_nesting.min(8), 1 => 1..=max_nesting], 0u8..5).prop_map(|(levels, how)| Op::Deepen { levels, how }).boxed()),
        2 => m(Target::NamedMap, (0usize..4, any::<Index>()).prop_map(|(keep, from)| Op::Prune { keep, from }).boxed()),
    ]
}

pub(crate) fn ref_to() -> impl Strategy<Value = RefTo> {
    prop_oneof![
        5 => any::<Index>().prop_map(RefTo::Existing),
        2 => name_strategy().prop_map(RefTo::Named),
        2 => select(REFS).prop_map(RefTo::Literal),
    ]
}

impl Mutation {
    pub(crate) fn apply(&self, doc: &mut Value) {
        let Some(path) = select_node(doc, self.target, self.at) else {
            return;
        };
        // What the operation needs from elsewhere in the document, read before borrowing the node.
        let names = match &self.op {
            Op::Ref { .. } => schema_names(doc),
            _ => Vec::new(),
        };
        let copied = match &self.op {
            Op::Copy { from, from_at, .. } => {
                select_node(doc, *from, *from_at).and_then(|p| get(doc, &p)).filter(|v| node_count(v) <= 2_000).cloned()
            }
            _ => None,
        };
        let Some(node) = get_mut(doc, &path) else {
            return;
        };
        match &self.op {
            Op::Delete(at) => match node {
                Value::Object(map) if !map.is_empty() => {
                    let key = map.keys().nth(at.index(map.len())).cloned().unwrap();
                    map.shift_remove(&key);
                }
                Value::Array(items) if !items.is_empty() => {
                    items.remove(at.index(items.len()));
                }
                _ => {}
            },
            Op::Replace(v) => *node = v.clone(),
            Op::Rename(at, name) => {
                if let Value::Object(map) = node {
                    if !map.is_empty() {
                        let old = map.keys().nth(at.index(map.len())).cloned().unwrap();
                        let taken = std::mem::take(map);
                        *map =
                            taken.into_iter().map(|(k, v)| if k == old { (name.clone(), v) } else { (k, v) }).collect();
                    }
                }
            }
            Op::Set(field, v) => {
                if let Value::Object(map) = node {
                    map.insert((*field).to_owned(), v.clone());
                }
            }
            Op::Copy { key, .. } => {
                let Some(copied) = copied else { return };
                match node {
                    Value::Object(map) => {
                        map.insert(key.clone(), copied);
                    }
                    Value::Array(items) => items.push(copied),
                    other => *other = copied,
                }
            }
            Op::Ref { to, keep_fields } => {
                let reference = Value::String(to.resolve(&names));
                match node {
                    Value::Object(map) if *keep_fields => {
                        map.insert("$ref".into(), reference);
                    }
                    other => *other = json!({ "$ref": reference }),
                }
            }
            Op::Wrap { keyword, second, nullable } => {
                let mut parts = vec![node.take()];
                parts.extend(second.clone());
                let mut wrapper = Map::new();
                wrapper.insert((*keyword).to_owned(), Value::Array(parts));
                if *nullable {
                    wrapper.insert("nullable".into(), Value::Bool(true));
                }
                *node = Value::Object(wrapper);
            }
            Op::Require { mask, extra } => {
                if let Value::Object(map) = node {
                    let mut required: Vec<Value> = map
                        .get("properties")
                        .and_then(Value::as_object)
                        .map(|props| {
                            props
                                .keys()
                                .enumerate()
                                .filter(|(i, _)| mask & (1 << (i % 32)) != 0)
                                .map(|(_, k)| Value::String(k.clone()))
                                .collect()
                        })
                        .unwrap_or_default();
                    required.extend(extra.iter().cloned().map(Value::String));
                    map.insert("required".into(), Value::Array(required));
                }
            }
            Op::AddProperty(name, schema) => {
                if let Value::Object(map) = node {
                    let properties = map.entry("properties").or_insert_with(|| json!({}));
                    if let Value::Object(properties) = properties {
                        properties.insert(name.clone(), schema.clone());
                    }
                }
            }
            Op::Status { key, code, add } => rename_or_add(node, *key, code, *add, json!({ "description": "added" })),
            Op::Media { key, media, add } => {
                rename_or_add(node, *key, media, *add, json!({ "schema": { "type": "string" } }))
            }
            Op::Deepen { levels, how } => {
                for _ in 0..*levels {
                    let inner = node.take();
                    *node = match how {
                        0 => json!({ "type": "array", "items": inner }),
                        1 => json!({ "allOf": [inner] }),
                        2 => json!({ "oneOf": [inner, { "type": "string" }] }),
                        3 => json!({ "type": "object", "properties": { "a": inner } }),
                        _ => json!({ "type": "object", "additionalProperties": inner }),
                    };
                }
            }
            Op::Prune { keep, from } => {
                if let Value::Object(map) = node {
                    if map.len() > *keep {
                        let start = from.index(map.len());
                        let taken = std::mem::take(map);
                        let len = taken.len();
                        *map = taken
                            .into_iter()
                            .enumerate()
                            .filter(|(i, _)| (i + len - start) % len < *keep)
                            .map(|(_, kv)| kv)
                            .collect();
                    }
                }
            }
        }
    }
}

fn rename_or_add(node: &mut Value, key: Index, name: &str, add: bool, fresh: Value) {
    let Value::Object(map) = node else { return };
    if add || map.is_empty() {
        map.insert(name.to_owned(), fresh);
        return;
    }
    let old = map.keys().nth(key.index(map.len())).cloned().unwrap();
    let taken = std::mem::take(map);
    *map = taken.into_iter().map(|(k, v)| if k == old { (name.to_owned(), v) } else { (k, v) }).collect();
}
