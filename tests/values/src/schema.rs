//! Valid values: JSON built from a schema so that the schema accepts it — `$ref`s followed, `allOf` merged,
//! one branch of a `oneOf`/`anyOf` (with its discriminator's tag), enums and `const`, formats, bounds on
//! numbers, lengths and item counts, patterns (`pattern.rs`), required properties always and optional ones at
//! random, and `null` now and then where the schema allows it.

use serde_json::{Map, Value, json};

use crate::Rng;

/// Deeper than this, only what the schema requires is built (recursive schemas end).
const FULL_DEPTH: usize = 6;
/// Deeper than this, nothing more is built: `null`.
const MAX_DEPTH: usize = 24;

/// A source of values for the schemas of one document.
#[derive(Debug)]
pub struct Values<'d> {
    doc: &'d Value,
    /// The random numbers, for callers that choose too.
    pub rng: Rng,
    /// Each `allOf` schema met, merged into one object schema (by the address of the schema).
    merged: std::collections::HashMap<usize, &'d Value>,
    /// The union parts of each merged `allOf` (see `all_of`).
    unions: std::collections::HashMap<usize, Vec<&'d Value>>,
    /// The branch the next union takes (see [`Values::valid_variant`]).
    variant: Option<usize>,
    /// `int64` integers within ±(2⁵³ − 1) (see [`Values::safe_integers`]).
    safe_integers: bool,
    /// Date-times in RFC 3339 form only (see [`Values::strict_dates`]).
    strict_dates: bool,
    /// A schema's `example` is a value now and then (see [`Values::without_schema_examples`]).
    schema_examples: bool,
    /// The schemas that name themselves: `$id` → schema, and `$id#anchor` → the schema with that `$anchor`.
    named: std::collections::HashMap<String, &'d Value>,
}

/// Every `$id` and `$anchor` of `node` and below (JSON Schema 2020-12, which OpenAPI 3.1 uses), into `named`:
/// an anchor under `base` is `base#anchor`.
fn index_names<'d>(node: &'d Value, base: &str, named: &mut std::collections::HashMap<String, &'d Value>) {
    match node {
        Value::Object(map) => {
            let base = match map.get("$id").and_then(Value::as_str) {
                Some(id) => {
                    named.insert(id.to_owned(), node);
                    id.to_owned()
                }
                None => base.to_owned(),
            };
            if let Some(anchor) = map.get("$anchor").and_then(Value::as_str) {
                named.insert(format!("{base}#{anchor}"), node);
            }
            map.values().for_each(|value| index_names(value, &base, named));
        }
        Value::Array(items) => items.iter().for_each(|item| index_names(item, base, named)),
        _ => {}
    }
}

impl<'d> Values<'d> {
    /// Values for the schemas of `doc` (the whole document, where `$ref`s point), from `seed`.
    pub fn new(doc: &'d Value, seed: u64) -> Self {
        Self {
            doc,
            rng: Rng::new(seed),
            merged: std::collections::HashMap::new(),
            unions: std::collections::HashMap::new(),
            variant: None,
            safe_integers: false,
            strict_dates: false,
            schema_examples: true,
            named: {
                let mut named = std::collections::HashMap::new();
                index_names(doc, "", &mut named);
                named
            },
        }
    }

    /// Keeps `int64` integers within ±(2⁵³ − 1), the integers a JavaScript number holds exactly: for a
    /// validator written in JavaScript (Prism, through ajv-formats, refuses a larger `int64` that the schema
    /// allows).
    pub fn safe_integers(mut self) -> Self {
        self.safe_integers = true;
        self
    }

    /// Builds `date-time` strings in RFC 3339 form only, as `format: date-time` defines them. By default half
    /// are the other forms that clients read from real servers (no offset, a space for the `T`): a decoder
    /// test wants those, a request, whose values a server checks, does not.
    pub fn strict_dates(mut self) -> Self {
        self.strict_dates = true;
        self
    }

    /// Never takes a schema's own `example` for a value. Documents often give examples that break their
    /// schema (svix: `example: []` under `minItems: 1`); a decoder test wants them, a request check takes
    /// the examples of parameters and bodies only, where it can say whose fault a rejection is.
    pub fn without_schema_examples(mut self) -> Self {
        self.schema_examples = false;
        self
    }

    /// The schema a `$ref` chain ends at (the schema itself when it is no reference; `{}` when one dangles).
    pub fn resolve(&self, mut schema: &'d Value) -> &'d Value {
        static ANY: Value = Value::Bool(true);
        for _ in 0..32 {
            let Some(target) = schema.get("$ref").and_then(Value::as_str) else { return schema };
            // `#/pointer` in the document; else a schema's `$id`, with an `$anchor` or a pointer after `#`.
            let next = match target.strip_prefix('#') {
                Some(pointer) => self.doc.pointer(pointer),
                None => self.named.get(target).copied().or_else(|| {
                    let (base, pointer) = target.split_once('#')?;
                    self.named.get(base)?.pointer(pointer)
                }),
            };
            match next {
                Some(next) => schema = next,
                None => return &ANY,
            }
        }
        &ANY
    }

    /// The node at the JSON `pointer` of the document, following `$ref`s met on the way (a response or
    /// parameter defined under `components` and referenced from an operation).
    pub fn at(&self, pointer: &str) -> Option<&'d Value> {
        let mut node = self.doc;
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match self.resolve(node) {
                Value::Object(object) => object.get(&token)?,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// A value `schema` accepts.
    pub fn valid(&mut self, schema: &'d Value) -> Value {
        self.build(schema, 0)
    }

    /// The branches of the union `schema` is (a `oneOf` or `anyOf`, through `$ref`s and `allOf`), if it is one.
    pub fn variants(&self, schema: &'d Value) -> usize {
        let schema = self.resolve(schema);
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = schema.get(key) {
                return branches.len();
            }
        }
        match schema.get("allOf") {
            Some(Value::Array(parts)) => parts.iter().map(|part| self.variants(part)).find(|n| *n > 0).unwrap_or(0),
            _ => 0,
        }
    }

    /// A value `schema` accepts, of the union's branch `variant` (see [`Values::variants`]): one request per
    /// variant of a union body.
    pub fn valid_variant(&mut self, schema: &'d Value, variant: usize) -> Value {
        self.variant = Some(variant);
        let value = self.build(schema, 0);
        self.variant = None;
        value
    }

    fn build(&mut self, schema: &'d Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        let Some(object) = schema.as_object() else {
            return if schema == &Value::Bool(false) { Value::Null } else { self.anything(depth) };
        };
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if nullable(object) && self.rng.chance(8) {
            return Value::Null;
        }
        if let Some(value) = object.get("const") {
            return value.clone();
        }
        if let Some(Value::Array(values)) = object.get("enum") {
            let listed: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if let Some(value) = self.rng.pick(&listed) {
                return (*value).clone();
            }
        }
        if let Some(example) = object.get("example").filter(|_| self.schema_examples && self.rng.chance(15)) {
            return example.clone();
        }
        if let Some(Value::Array(parts)) = object.get("allOf") {
            return self.all_of(object, parts, depth);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) =
                object.get(key).filter(|b| b.as_array().is_some_and(|b| !b.is_empty()))
            {
                return self.one_of(object, branches, depth);
            }
        }
        self.by_type(object, depth)
    }

    /// A value of the schema's `type` (anything without one).
    fn by_type(&mut self, object: &'d Map<String, Value>, depth: usize) -> Value {
        match kind(object).as_deref() {
            Some("object") => self.object(object, depth),
            Some("array") => self.array(object, depth),
            Some("string") => self.string(object),
            Some("integer") => Value::from(self.integer(object)),
            Some("number") => self.number(object),
            Some("boolean") => Value::Bool(self.rng.chance(50)),
            Some("null") => Value::Null,
            _ => self.anything(depth),
        }
    }

    /// The parts' object schemas merged into one (their properties, and every part's required names, the
    /// schema's own beside its `allOf` included) and built as one, so that a name one part requires and
    /// another declares is there; a part that is no object schema is built alone, and its value is taken
    /// where no part declares properties.
    fn all_of(&mut self, schema: &'d Map<String, Value>, parts: &'d [Value], depth: usize) -> Value {
        let key = schema as *const Map<String, Value> as usize;
        if let Some(merged) = self.merged.get(&key).copied() {
            let unions = self.unions.get(&key).cloned().unwrap_or_default();
            return self.with_unions(merged, &unions, depth);
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut other = None;
        // Parts that are unions (`oneOf`/`anyOf`, Box's `allOf: [{$ref: AiAskAgent}, {description}]`): each
        // built on its own, its properties added to the merged ones.
        let mut unions: Vec<&'d Value> = Vec::new();
        let mut pending: Vec<&'d Value> = parts.iter().rev().collect();
        let own =
            Value::Object(schema.iter().filter(|(k, _)| *k != "allOf").map(|(k, v)| (k.clone(), v.clone())).collect());
        let mut take = |part: &Map<String, Value>| {
            if let Some(Value::Object(declared)) = part.get("properties") {
                properties.extend(declared.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            if let Some(Value::Array(names)) = part.get("required") {
                required.extend(names.iter().cloned());
            }
        };
        if let Value::Object(own) = &own {
            take(own);
        }
        while let Some(part) = pending.pop() {
            let part = self.resolve(part);
            match part.as_object() {
                Some(object) if object.get("allOf").is_some() => {
                    take(object);
                    if let Some(Value::Array(inner)) = object.get("allOf") {
                        pending.extend(inner.iter().rev());
                    }
                }
                Some(object) if ["oneOf", "anyOf"].iter().any(|k| object.get(*k).is_some_and(Value::is_array)) => {
                    take(object);
                    unions.push(part);
                }
                Some(object) if object.contains_key("properties") || kind(object).as_deref() == Some("object") => {
                    take(object)
                }
                // The first part that says what the value is; a part of annotations only (`nullable`,
                // `description`) says nothing of it.
                Some(object) if other.is_none() && SHAPES.iter().any(|key| object.contains_key(*key)) => {
                    other = Some(part)
                }
                _ => {}
            }
        }
        if properties.is_empty() && other.is_none() && unions.len() == 1 {
            other = unions.pop();
        }
        if properties.is_empty() {
            if let Some(part) = other {
                let nullable = parts.iter().any(|p| self.resolve(p).get("nullable") == Some(&Value::Bool(true)));
                if nullable && self.rng.chance(8) {
                    return Value::Null;
                }
                return self.build(part, depth);
            }
        }
        let merged = json!({"type": "object", "properties": properties, "required": required});
        // Kept for the rest of the run, once per `allOf` of the document (a bounded number).
        let merged: &'d Value = Box::leak(Box::new(merged));
        self.merged.insert(key, merged);
        self.unions.insert(key, unions.clone());
        self.with_unions(merged, &unions, depth)
    }

    /// A value of `merged`, with the properties of a value of each union part added.
    fn with_unions(&mut self, merged: &'d Value, unions: &[&'d Value], depth: usize) -> Value {
        let mut value = self.build(merged, depth);
        for union in unions {
            if let (Value::Object(fields), Value::Object(more)) = (&mut value, self.build(union, depth)) {
                for (name, item) in more {
                    fields.entry(name).or_insert(item);
                }
            }
        }
        value
    }

    /// One branch, with the tag its discriminator gives it.
    fn one_of(&mut self, schema: &'d Map<String, Value>, branches: &'d [Value], depth: usize) -> Value {
        let index = match self.variant.take() {
            Some(variant) if variant < branches.len() => variant,
            _ => self.rng.below(branches.len()),
        };
        let branch = &branches[index];
        // A branch that says nothing of the value's kind (`{description: …}`) takes the `type` declared
        // beside the `oneOf` (readme's `event: {type: string, oneOf: [{description}, …]}`).
        let says_nothing = self.resolve(branch).as_object().is_some_and(|b| {
            !["type", "properties", "items", "enum", "const", "allOf", "oneOf", "anyOf"]
                .iter()
                .any(|k| b.contains_key(*k))
        });
        let mut value = if says_nothing && schema.contains_key("type") {
            self.by_type(schema, depth)
        } else {
            self.build(branch, depth)
        };
        // Properties declared beside the `oneOf` hold whichever branch is taken (svix's `IngestSourceIn`:
        // `name` required beside a `oneOf` of source types), and a branch may only require some of them
        // (GitHub's gist update: `anyOf: [{required: [description]}, {required: [files]}]`).
        if let (Some(Value::Object(declared)), Value::Object(fields)) = (schema.get("properties"), &mut value) {
            // Not a property another branch requires and this one does not: with it the value would match
            // that branch too (OpenAI's `file_search`: `vector_store_ids` or `vector_stores`, not both).
            let required_of = |values: &Self, branch: &'d Value| -> Vec<&'d str> {
                let required = values.resolve(branch).get("required").and_then(Value::as_array);
                required.into_iter().flatten().filter_map(Value::as_str).collect()
            };
            let own_required = required_of(self, branch);
            let others: Vec<&str> = branches
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != index)
                .flat_map(|(_, other)| required_of(self, other))
                .filter(|name| !own_required.contains(name))
                .collect();
            if let Value::Object(own) = self.object(schema, depth) {
                for (name, own_value) in own {
                    fields.entry(name).or_insert(own_value);
                }
            }
            fields.retain(|name, _| !others.contains(&name.as_str()));
            let required = self.resolve(branch).get("required").and_then(Value::as_array);
            for name in required.into_iter().flatten().filter_map(Value::as_str) {
                if let (false, Some(property)) = (fields.contains_key(name), declared.get(name)) {
                    let built = self.build(property, depth + 1);
                    fields.insert(name.to_owned(), built);
                }
            }
        }
        let Some(discriminator) = schema.get("discriminator").and_then(Value::as_object) else { return value };
        let (Some(property), Value::Object(fields)) =
            (discriminator.get("propertyName").and_then(Value::as_str), &mut value)
        else {
            return value;
        };
        let target = branch.get("$ref").and_then(Value::as_str).unwrap_or_default();
        let mapped = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .and_then(|mapping| mapping.iter().find(|(_, to)| to.as_str() == Some(target)).map(|(tag, _)| tag.clone()));
        // Without a mapping, a branch that lists its own tag values has one already; else its name is the tag.
        let listed = self.resolve(branch).pointer(&format!("/properties/{property}")).is_some_and(|p| {
            let p = self.resolve(p);
            p.get("enum").is_some() || p.get("const").is_some()
        });
        if mapped.is_none() && listed {
            return value;
        }
        let tag = mapped.or_else(|| target.rsplit('/').next().filter(|name| !name.is_empty()).map(str::to_owned));
        if let Some(tag) = tag {
            fields.insert(property.to_owned(), Value::String(tag));
        }
        value
    }

    fn object(&mut self, schema: &'d Map<String, Value>, depth: usize) -> Value {
        let required: Vec<&str> = match schema.get("required") {
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let full = depth < FULL_DEPTH;
        let mut out = Map::new();
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, property) in properties {
                if required.contains(&name.as_str()) || (full && self.rng.chance(50)) {
                    out.insert(name.clone(), self.build(property, depth + 1));
                }
            }
        }
        if let Some(extra @ Value::Object(_)) = schema.get("additionalProperties") {
            for _ in 0..if full { self.rng.below(3) } else { 0 } {
                let name = format!("extra_{}", self.rng.below(1000));
                if !out.contains_key(&name) {
                    out.insert(name, self.build(extra, depth + 1));
                }
            }
        }
        Value::Object(out)
    }

    fn array(&mut self, schema: &'d Map<String, Value>, depth: usize) -> Value {
        let least = bound(schema, "minItems").unwrap_or(0).max(0) as usize;
        let most = bound(schema, "maxItems").map_or(least + 3, |most| (most.max(0) as usize).min(least + 3));
        let count = if depth < FULL_DEPTH { least + self.rng.below(most.saturating_sub(least) + 1) } else { least };
        let items = schema.get("items").unwrap_or(&Value::Bool(true));
        let mut built: Vec<Value> = (0..count).map(|_| self.build(items, depth + 1)).collect();
        if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
            let mut seen = Vec::new();
            built.retain(|item| {
                let fresh = !seen.contains(item);
                seen.push(item.clone());
                fresh
            });
        }
        Value::Array(built)
    }

    fn string(&mut self, schema: &Map<String, Value>) -> Value {
        let format = schema.get("format").and_then(Value::as_str).unwrap_or_default();
        let text = match format {
            "date-time" => self.date_time(),
            "date" => self.date(),
            "uuid" => self.uuid(),
            "email" => format!("user{}@example.com", self.rng.below(1000)),
            "uri" | "url" => format!("https://example.com/{}", self.rng.below(1000)),
            "ipv4" => format!("10.{}.{}.{}", self.rng.below(256), self.rng.below(256), self.rng.below(256)),
            "ipv6" => format!("fd00::{:x}:{:x}", self.rng.below(0x10000), self.rng.below(0x10000)),
            "duration" => format!("PT{}M{}S", self.rng.below(60), self.rng.below(60)),
            "byte" => "aGVsbG8=".to_owned(),
            _ if schema.get("pattern").is_some() => {
                let pattern = schema.get("pattern").and_then(Value::as_str).unwrap_or_default();
                let least = bound(schema, "minLength").unwrap_or(0).max(0) as usize;
                let most = bound(schema, "maxLength").map_or(usize::MAX, |m| m.max(0) as usize);
                match crate::pattern::matching(&mut self.rng, pattern, least..=most) {
                    Some(text) => text,
                    None => self.text(4),
                }
            }
            _ => {
                let least = bound(schema, "minLength").unwrap_or(0).max(0) as usize;
                let most = bound(schema, "maxLength").map_or(least + 12, |m| (m.max(0) as usize).min(least + 12));
                let chars = least + self.rng.below(most.saturating_sub(least) + 1);
                self.text(chars)
            }
        };
        Value::String(text)
    }

    /// Text of `chars` characters, with quotes, escapes and characters beyond ASCII now and then.
    fn text(&mut self, chars: usize) -> String {
        const ODD: [char; 8] = ['"', '\\', '\n', 'é', '€', '😀', '\u{7f}', '/'];
        (0..chars)
            .map(|_| {
                if self.rng.chance(10) {
                    ODD[self.rng.below(ODD.len())]
                } else {
                    (b'a' + self.rng.below(26) as u8) as char
                }
            })
            .collect()
    }

    /// A date-time in one of the forms the runtime reads.
    fn date_time(&mut self) -> String {
        let date = self.date();
        let time = format!("{:02}:{:02}:{:02}", self.rng.below(24), self.rng.below(60), self.rng.below(60));
        // Strict: the three forms that are RFC 3339 date-times (an offset, a `T`).
        let form = if self.strict_dates { [0, 1, 5][self.rng.below(3)] } else { self.rng.below(6) };
        match form {
            0 => format!("{date}T{time}Z"),
            1 => format!("{date}T{time}.{}+02:00", self.rng.below(1000)),
            2 => format!("{date} {time}+00:00"),
            3 => format!("{date}T{time}"),
            4 => format!("{date} {time}.5"),
            _ => format!("{date}T{time}-05:30"),
        }
    }

    fn date(&mut self) -> String {
        format!("{}-{:02}-{:02}", 1970 + self.rng.below(100), 1 + self.rng.below(12), 1 + self.rng.below(28))
    }

    fn uuid(&mut self) -> String {
        let hex = format!("{:016x}{:016x}", self.rng.next_u64(), self.rng.next_u64());
        format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
    }

    fn integer(&mut self, schema: &Map<String, Value>) -> i64 {
        let format = schema.get("format").and_then(Value::as_str).unwrap_or_default();
        let wide = matches!(format, "int64" | "uint64");
        const SAFE: i64 = (1 << 53) - 1;
        let (floor, ceiling) = match (wide, self.safe_integers) {
            (true, false) => (i64::MIN, i64::MAX),
            (true, true) => (-SAFE, SAFE),
            (false, _) => (i32::MIN as i64, i32::MAX as i64),
        };
        // Unsigned formats (`uint8` … `uint64`) start at zero.
        let floor = if format.starts_with("uint") { floor.max(0) } else { floor };
        // 3.0 marks a bound exclusive with a boolean beside it, 3.1 gives the exclusive bound as a number.
        let low = bound(schema, "minimum")
            .map(|m| m + i64::from(exclusive(schema, "exclusiveMinimum")))
            .into_iter()
            .chain(bound(schema, "exclusiveMinimum").map(|m| m.saturating_add(1)))
            .max()
            .unwrap_or(floor);
        let high = bound(schema, "maximum")
            .map(|m| m - i64::from(exclusive(schema, "exclusiveMaximum")))
            .into_iter()
            .chain(bound(schema, "exclusiveMaximum").map(|m| m.saturating_sub(1)))
            .min()
            .unwrap_or(ceiling);
        let (low, high) = (low.max(floor), high.min(ceiling));
        let value = match self.rng.below(4) {
            0 => low,
            1 => high,
            // Small numbers are what most fields hold.
            2 => self.rng.between(low.max(-100), high.min(100).max(low.max(-100))),
            _ => self.rng.between(low, high),
        };
        match bound(schema, "multipleOf").filter(|step| *step > 0) {
            // The nearest multiple within the bounds (rounding towards zero stays within them when `value` is).
            Some(step) => {
                let multiple = value / step * step;
                if multiple < low { multiple + step } else { multiple }
            }
            None => value,
        }
    }

    fn number(&mut self, schema: &Map<String, Value>) -> Value {
        let given = |key: &str| schema.get(key).and_then(Value::as_f64);
        let (low, high) =
            (given("minimum").or(given("exclusiveMinimum")), given("maximum").or(given("exclusiveMaximum")));
        let low_open = given("exclusiveMinimum").is_some() || exclusive(schema, "exclusiveMinimum");
        let high_open = given("exclusiveMaximum").is_some() || exclusive(schema, "exclusiveMaximum");
        let low = low.unwrap_or(-1e6);
        let high = high.unwrap_or(1e6).max(low);
        let unit = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let value = low + (high - low) * unit;
        let inside = |v: f64| (v > low || (!low_open && v == low)) && (v < high || (!high_open && v == high));
        if self.rng.chance(30) && inside(value.round()) {
            return json!(value.round() as i64);
        }
        if inside(value) { json!(value) } else { json!((low + high) / 2.0) }
    }

    /// A value of no declared type: small, of any kind.
    fn anything(&mut self, depth: usize) -> Value {
        match self.rng.below(if depth < FULL_DEPTH { 6 } else { 4 }) {
            0 => Value::Null,
            1 => Value::Bool(self.rng.chance(50)),
            2 => json!(self.rng.between(-1000, 1000)),
            3 => Value::String(self.text(5)),
            4 => json!([self.rng.below(10), "x"]),
            _ => json!({"key": self.rng.below(10)}),
        }
    }
}

/// The keywords that say what a value is (beside annotations such as `nullable` or `description`).
const SHAPES: [&str; 8] = ["type", "oneOf", "anyOf", "allOf", "enum", "const", "items", "format"];

/// The schema's type: `type` (the first that is not `"null"` of a 3.1 list), else what its keywords imply.
fn kind(schema: &Map<String, Value>) -> Option<String> {
    match schema.get("type") {
        Some(Value::String(kind)) => Some(kind.clone()),
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).find(|k| *k != "null").map(str::to_owned),
        _ if schema.contains_key("properties") || schema.contains_key("additionalProperties") => Some("object".into()),
        _ if schema.contains_key("items") => Some("array".into()),
        _ => None,
    }
}

/// Whether `null` is allowed: 3.0's `nullable`, or `"null"` among 3.1's types.
fn nullable(schema: &Map<String, Value>) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
        || matches!(schema.get("type"), Some(Value::Array(kinds)) if kinds.iter().any(|k| k == "null"))
}

fn bound(schema: &Map<String, Value>, key: &str) -> Option<i64> {
    schema.get(key).and_then(|value| value.as_i64().or_else(|| value.as_f64().map(|f| f as i64)))
}

/// Whether 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` is set.
fn exclusive(schema: &Map<String, Value>, key: &str) -> bool {
    schema.get(key) == Some(&Value::Bool(true))
}

#[cfg(test)]
mod tests;
