//! Schemas → types: the builder that names and records every type, and the scalar, enum and object
//! shapes. Compositions (`allOf`, `oneOf`/`anyOf`, discriminators) are in `compose`.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::compose::narrows;
use super::refs::Refs;
use super::{Constraints, Field, Reserved, Ty, TypeDef, TypeKind};
use crate::error::{Error, ErrorKind, pointer_push};
use crate::extensions;
use crate::names::{Scope, pascal, snake};

/// Where a property is declared: the type that names its inline schemas, and the pointer of the
/// `properties` holding it.
#[derive(Debug, Clone)]
pub(super) struct Origin {
    pub owner: String,
    pub pointer: String,
}

/// A property to make a field of: its wire name, its schema and where it is declared.
pub(super) type Property<'s> = (String, &'s ReferenceOr<Box<Schema>>, Origin);

/// Builds the types of a document's schemas: decides their names once and records each type once.
pub(super) struct Builder<'a> {
    pub refs: Refs<'a>,
    pub reserved: &'a Reserved,
    pub lenient: bool,
    /// Component schema key → Rust type name.
    pub component_names: HashMap<String, String>,
    /// Every type name a user can import from the crate: the spec's types and the per-operation ones.
    pub type_scope: Scope,
    pub types: Vec<TypeDef>,
    /// References to schemas that do not exist, kept as JSON in lenient mode.
    pub dangling: Vec<String>,
    /// How deep `inline_ty` is nested now.
    depth: usize,
    /// The type already built for an inline property schema, by its JSON pointer: a property that allOf
    /// merges into several structs gets one type, named from the schema that declares it.
    property_types: HashMap<String, Ty>,
    /// Component schema key → the user's Rust type used instead of generating one.
    replacements: BTreeMap<String, String>,
}

impl<'a> Builder<'a> {
    pub fn new(file: &'a Path, doc: &'a OpenAPI, lenient: bool, reserved: &'a Reserved) -> Self {
        let mut type_scope = Scope::with_reserved(reserved.type_names);
        for name in reserved.root_names {
            type_scope.claim((*name).to_owned());
        }
        Self {
            refs: Refs { file, doc },
            reserved,
            lenient,
            component_names: HashMap::new(),
            type_scope,
            types: Vec::new(),
            dangling: Vec::new(),
            depth: 0,
            property_types: HashMap::new(),
            replacements: BTreeMap::new(),
        }
    }

    /// Replaces component schemas by the user's types (key → Rust type path): each must be a schema of the
    /// document, and each path a Rust type.
    pub fn replace(&mut self, replacements: &BTreeMap<String, String>) -> Result<(), Error> {
        let schemas = self.refs.doc.components.as_ref().map(|c| &c.schemas);
        for (key, path) in replacements {
            if !schemas.is_some_and(|schemas| schemas.contains_key(key)) {
                return Err(self.error("/components/schemas", ErrorKind::UnknownReplacement(key.clone())));
            }
            if syn::parse_str::<syn::Type>(path).is_err() {
                let kind = ErrorKind::BadReplacement { schema: key.clone(), path: path.clone() };
                return Err(self.error(&pointer_push("/components/schemas", key), kind));
            }
        }
        self.replacements = replacements.clone();
        Ok(())
    }

    /// The types built, in the order they were made, and the dangling references kept as JSON.
    pub fn into_types(self) -> (Vec<TypeDef>, Vec<String>) {
        (self.types, self.dangling)
    }

    /// The error for `pointer` in this spec.
    pub fn error(&self, pointer: &str, kind: ErrorKind) -> Error {
        self.refs.error(pointer, kind)
    }

    /// Names every component schema, then builds its type (an alias where it becomes another type).
    pub fn register_components(&mut self) -> Result<(), Error> {
        let Some(components) = &self.refs.doc.components else {
            return Ok(());
        };
        for key in components.schemas.keys() {
            // A schema named like a name the crate root exports (`Error`) is `types::ErrorBody`, so that glob
            // imports of the root and of `types` never meet.
            let mut name = pascal(key);
            if self.reserved.root_names.contains(&name.as_str()) {
                name.push_str("Body");
            }
            let name = self.type_scope.claim(name);
            self.component_names.insert(key.clone(), name);
        }
        let extensions = self.extensions_by_discriminator(&components.schemas);
        for (key, schema) in &components.schemas {
            let pointer = pointer_push("/components/schemas", key);
            let name = self.component_names[key].clone();
            if let Some(path) = self.replacements.get(key) {
                let doc = format!("The schema `{key}`, replaced by the existing type `{path}` (not generated).");
                let kind = TypeKind::Alias(Ty::External(path.clone()));
                self.types.push(TypeDef { name, doc: Some(doc), kind, sensitive: false });
                continue;
            }
            if let (Some(children), ReferenceOr::Item(base)) = (extensions.get(key), schema) {
                self.push_base_union(name, base, children);
                continue;
            }
            if let ReferenceOr::Reference { reference } = schema {
                // A component that only refers on: make sure the chain ends in a definition.
                if let Err(err) = self.refs.schema(reference, &pointer) {
                    if !self.lenient && self.refs.inner_schema(reference).is_none() {
                        return Err(err);
                    }
                }
            }
            let ty = self.schema_ty(schema, &name, &pointer, true)?;
            // A component that became something other than its own named type is an alias.
            if ty != Ty::Named(name.clone()) {
                let doc = match schema {
                    ReferenceOr::Item(schema) => {
                        // Enums of numbers or booleans have no Rust enum here: list the values.
                        let values = enum_values(schema);
                        match (doc_of(schema), values) {
                            (doc, None) => doc,
                            (None, Some(values)) => Some(values),
                            (Some(doc), Some(values)) => Some(format!("{doc}\n\n{values}")),
                        }
                    }
                    ReferenceOr::Reference { .. } => None,
                };
                self.types.push(TypeDef { name, doc, kind: TypeKind::Alias(ty), sensitive: false });
            }
        }
        Ok(())
    }

    /// The type of a schema. `hint` names any type this creates; `named` says the hint is a component's
    /// own name, which an object or enum takes.
    pub(super) fn schema_ty(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
        named: bool,
    ) -> Result<Ty, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_ty(reference, pointer),
            ReferenceOr::Item(schema) => self.inline_ty(schema, hint, pointer, named),
        }
    }

    pub(super) fn boxed_schema_ty(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &str,
    ) -> Result<Ty, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_ty(reference, pointer),
            ReferenceOr::Item(schema) => self.inline_ty(schema, hint, pointer, false),
        }
    }

    /// `ty` as `Option<ty>` when the (possibly referenced) schema is nullable: for array items and map
    /// values, where no field-level `Option` carries it.
    pub(super) fn nullable_if<S: Borrow<Schema>>(&self, schema: &ReferenceOr<S>, ty: Ty) -> Ty {
        if self.refs.nullable(schema) && ty != Ty::Json { Ty::Nullable(Box::new(ty)) } else { ty }
    }

    fn ref_ty(&mut self, reference: &str, pointer: &str) -> Result<Ty, Error> {
        let found = self.refs.component_key(reference, "schemas", pointer).and_then(|key| {
            self.component_names
                .get(&key)
                .cloned()
                .ok_or_else(|| self.error(pointer, ErrorKind::DanglingRef(reference.to_owned())))
        });
        match found {
            Ok(name) => Ok(Ty::Named(name)),
            // A pointer into a component schema (`#/components/schemas/Tag/allOf/0`) is that inner schema.
            Err(err) => match self.refs.inner_schema(reference) {
                Some(target) => {
                    let target_pointer = reference.trim_start_matches('#').to_owned();
                    if let Some(ty) = self.property_types.get(&target_pointer) {
                        return Ok(ty.clone());
                    }
                    let hint = target_pointer.trim_start_matches("/components/schemas/").replace('/', " ");
                    let ty = self.inline_ty(target, &hint, &target_pointer, false)?;
                    self.property_types.insert(target_pointer, ty.clone());
                    Ok(ty)
                }
                // Lenient: a reference to nothing is JSON under a name whose docs say so.
                None if self.lenient
                    && matches!(err.kind, ErrorKind::DanglingRef(_) | ErrorKind::WrongRefKind { .. }) =>
                {
                    let name = self.type_scope.claim(pascal(reference.rsplit('/').next().unwrap_or("Dangling")));
                    let doc = format!(
                        "Kept as JSON: the spec refers to `{}`, which is not a schema of this document (at `#{pointer}`).",
                        reference.replace('`', "'")
                    );
                    self.types.push(TypeDef {
                        name: name.clone(),
                        doc: Some(doc),
                        kind: TypeKind::Alias(Ty::Json),
                        sensitive: false,
                    });
                    self.dangling.push(reference.to_owned());
                    Ok(Ty::Named(name))
                }
                None => Err(err),
            },
        }
    }

    pub(super) fn new_type_name(&mut self, hint: &str, named: bool) -> String {
        if named { hint.to_owned() } else { self.type_scope.claim(pascal(hint)) }
    }

    /// Inline schemas nested deeper than this (through allOf merges that reach themselves, say) are kept
    /// as JSON rather than followed further.
    const MAX_DEPTH: usize = 64;

    fn inline_ty(&mut self, schema: &Schema, hint: &str, pointer: &str, named: bool) -> Result<Ty, Error> {
        if self.depth >= Self::MAX_DEPTH {
            let why = "Kept as JSON: inline schemas nest deeper here than the generator follows.";
            return Ok(self.degraded(schema, hint, named, why));
        }
        self.depth += 1;
        let ty = self.inline_ty_at_depth(schema, hint, pointer, named);
        self.depth -= 1;
        ty
    }

    fn inline_ty_at_depth(&mut self, schema: &Schema, hint: &str, pointer: &str, named: bool) -> Result<Ty, Error> {
        let data = &schema.schema_data;
        let secret = data.extensions.get(extensions::SECRET).and_then(Value::as_bool).unwrap_or(false);
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                let values: Vec<&str> = string.enumeration.iter().flatten().map(String::as_str).collect();
                if secret || matches!(string.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password)) {
                    Ty::Secret
                } else if !values.is_empty() {
                    let name = self.new_type_name(hint, named);
                    self.push_enum(name.clone(), doc_of(schema), &values);
                    Ty::Named(name)
                } else {
                    match &string.format {
                        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
                        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Ty::Date,
                        VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => Ty::Uuid,
                        _ => Ty::String,
                    }
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                let values: Vec<i64> = integer.enumeration.iter().flatten().copied().collect();
                let repr = match &integer.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32)
                        if values.iter().all(|v| i32::try_from(*v).is_ok()) =>
                    {
                        Ty::I32
                    }
                    VariantOrUnknownOrEmpty::Unknown(format)
                        if (format == "uint64" || format == "uint32") && values.iter().all(|v| *v >= 0) =>
                    {
                        Ty::U64
                    }
                    _ => Ty::I64,
                };
                if values.is_empty() {
                    repr
                } else {
                    let name = self.new_type_name(hint, named);
                    self.push_int_enum(name.clone(), doc_of(schema), repr, &values);
                    Ty::Named(name)
                }
            }
            SchemaKind::Type(Type::Number(_)) => Ty::F64,
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Array(array)) => {
                let item = match &array.items {
                    Some(items) => {
                        let ty =
                            self.boxed_schema_ty(items, &format!("{hint}Item"), &pointer_push(pointer, "items"))?;
                        self.nullable_if(items, ty)
                    }
                    None => Ty::Json,
                };
                Ty::Vec(Box::new(item))
            }
            SchemaKind::Type(Type::Object(object)) => self.object_ty(
                schema,
                &object.properties,
                &object.required,
                object.additional_properties.as_ref(),
                hint,
                pointer,
                named,
            )?,
            // `type` (or properties) beside a composition keyword: openapiv3 reads such a schema as "any".
            SchemaKind::Any(any) if !any.all_of.is_empty() && any.one_of.is_empty() && any.any_of.is_empty() => {
                self.all_of_ty(schema, &any.all_of, hint, pointer, named)?
            }
            // Variants that only narrow the object (`anyOf: [{required: [a]}, {required: [b]}]`) leave its type
            // as it is; variants that add shapes make a union, or JSON when the schema has properties too.
            SchemaKind::Any(any)
                if any.all_of.is_empty()
                    && !any.one_of.iter().chain(&any.any_of).all(|part| narrows(part, &any.properties)) =>
            {
                let own = !any.properties.is_empty() || any.additional_properties.is_some();
                if !own && (any.one_of.is_empty() || any.any_of.is_empty()) {
                    let (keyword, variants) =
                        if any.one_of.is_empty() { ("anyOf", &any.any_of) } else { ("oneOf", &any.one_of) };
                    self.union_ty(schema, keyword, variants, hint, pointer, named)?
                } else {
                    let why = "Kept as JSON: this schema combines `oneOf`/`anyOf` with properties of its own or \
                               with each other, which no single Rust type expresses.";
                    self.degraded(schema, hint, named, why)
                }
            }
            SchemaKind::Any(any) if !any.all_of.is_empty() => {
                let why = "Kept as JSON: this schema combines `allOf` with `oneOf`/`anyOf`, which no single Rust \
                           type expresses.";
                self.degraded(schema, hint, named, why)
            }
            // `type` wins over keywords that do not apply to it (`type: string` with `additionalProperties`).
            SchemaKind::Any(any) if any.typ.as_deref().is_some_and(|t| matches!(t, "string" | "boolean" | "array")) => {
                let typed = Schema { schema_data: schema.schema_data.clone(), schema_kind: typed_kind(any) };
                self.inline_ty_at_depth(&typed, hint, pointer, named)?
            }
            SchemaKind::Any(any) if !any.properties.is_empty() || any.additional_properties.is_some() => self
                .object_ty(
                    schema,
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    hint,
                    pointer,
                    named,
                )?,
            SchemaKind::AllOf { all_of } => self.all_of_ty(schema, all_of, hint, pointer, named)?,
            SchemaKind::OneOf { one_of: variants } => self.union_ty(schema, "oneOf", variants, hint, pointer, named)?,
            SchemaKind::AnyOf { any_of: variants } => self.union_ty(schema, "anyOf", variants, hint, pointer, named)?,
            // Bounds beyond i64 make openapiv3 read an integer schema as "any": keep its type.
            SchemaKind::Any(any) if any.typ.as_deref() == Some("integer") => {
                let unsigned = any.format.as_deref().is_some_and(|f| f.starts_with("uint"))
                    || any.minimum.is_some_and(|min| min >= 0.0)
                        && any.maximum.is_some_and(|max| max > i64::MAX as f64);
                if unsigned { Ty::U64 } else { Ty::I64 }
            }
            SchemaKind::Any(any) if any.typ.as_deref() == Some("number") => Ty::F64,
            SchemaKind::Not { .. } | SchemaKind::Any(_) => Ty::Json,
        })
    }

    /// A named `serde_json::Value` for a schema that no exact Rust type can express, documented with `why`.
    pub(super) fn degraded(&mut self, schema: &Schema, hint: &str, named: bool, why: &str) -> Ty {
        let name = self.new_type_name(hint, named);
        let doc = match doc_of(schema) {
            Some(doc) => format!("{doc}\n\n{why}"),
            None => why.to_owned(),
        };
        self.types.push(TypeDef {
            name: name.clone(),
            doc: Some(doc),
            kind: TypeKind::Alias(Ty::Json),
            sensitive: false,
        });
        Ty::Named(name)
    }

    pub(super) fn push_enum(&mut self, name: String, doc: Option<String>, values: &[&str]) {
        let mut scope = Scope::with_reserved(self.reserved.variants);
        let mut seen = BTreeSet::new();
        let variants = values
            .iter()
            .filter(|value| seen.insert(**value))
            .map(|value| {
                (scope.claim(if value.is_empty() { "Empty".to_owned() } else { pascal(value) }), (*value).to_owned())
            })
            .collect();
        self.types.push(TypeDef { name, doc, kind: TypeKind::Enum { variants }, sensitive: false });
    }

    fn push_int_enum(&mut self, name: String, doc: Option<String>, repr: Ty, values: &[i64]) {
        let mut scope = Scope::with_reserved(self.reserved.variants);
        let mut seen = BTreeSet::new();
        let variants = values
            .iter()
            .filter(|value| seen.insert(**value))
            .map(|&value| {
                let label =
                    if value < 0 { format!("ValueMinus{}", value.unsigned_abs()) } else { format!("Value{value}") };
                (scope.claim(label), value)
            })
            .collect();
        self.types.push(TypeDef { name, doc, kind: TypeKind::IntEnum { repr, variants }, sensitive: false });
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn object_ty(
        &mut self,
        schema: &Schema,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        hint: &str,
        pointer: &str,
        named: bool,
    ) -> Result<Ty, Error> {
        let additional_ty = match additional {
            Some(AdditionalProperties::Schema(item)) => {
                let ty = self.schema_ty(
                    item,
                    &format!("{hint}Value"),
                    &pointer_push(pointer, "additionalProperties"),
                    false,
                )?;
                Some(self.nullable_if(item.as_ref(), ty))
            }
            Some(AdditionalProperties::Any(true)) => Some(Ty::Json),
            _ => None,
        };
        if properties.is_empty() {
            return Ok(match additional_ty {
                Some(Ty::Json) | None => Ty::JsonObject,
                Some(ty) => Ty::Map(Box::new(ty)),
            });
        }
        let name = self.new_type_name(hint, named);
        let origin = Origin { owner: name.clone(), pointer: pointer_push(pointer, "properties") };
        let properties: Vec<Property<'_>> =
            properties.iter().map(|(wire, schema)| (wire.clone(), schema, origin.clone())).collect();
        let fields = self.fields(&properties, required)?;
        // Unknown properties are tolerated anyway; a map is kept only when the spec types them.
        let closed = matches!(additional, Some(AdditionalProperties::Any(false)));
        let additional = additional_ty.filter(|ty| *ty != Ty::Json);
        self.types.push(TypeDef {
            name: name.clone(),
            doc: doc_of(schema),
            kind: TypeKind::Struct { fields, additional, closed },
            sensitive: false,
        });
        Ok(Ty::Named(name))
    }

    /// The fields of a struct from its properties, each typed where it is declared (`origin`).
    pub(super) fn fields(&mut self, properties: &[Property<'_>], required: &[String]) -> Result<Vec<Field>, Error> {
        let mut scope = Scope::with_reserved(self.reserved.fields);
        let mut fields = Vec::with_capacity(properties.len());
        for (wire, property, origin) in properties {
            let field_pointer = pointer_push(&origin.pointer, wire);
            let ty = match self.property_types.get(&field_pointer) {
                Some(ty) => ty.clone(),
                None => {
                    let ty = self.boxed_schema_ty(property, &format!("{} {wire}", origin.owner), &field_pointer)?;
                    if matches!(property, ReferenceOr::Item(_)) {
                        self.property_types.insert(field_pointer.clone(), ty.clone());
                    }
                    ty
                }
            };
            let (doc, nullable, deprecated, constraints) = match property {
                ReferenceOr::Item(schema) => (
                    doc_of(schema),
                    super::refs::says_nullable(schema),
                    schema.schema_data.deprecated,
                    self.constraints(schema),
                ),
                ReferenceOr::Reference { reference } => match self.refs.schema(reference, &field_pointer) {
                    Ok((schema, _)) => (None, super::refs::says_nullable(schema), false, constraints_of(schema)),
                    Err(_) => (None, false, false, Constraints::default()),
                },
            };
            fields.push(Field {
                ident: scope.claim(snake(wire)),
                wire: wire.clone(),
                doc,
                ty,
                required: required.contains(wire),
                nullable,
                deprecated,
                constraints,
                error_detail: false,
            });
        }
        Ok(fields)
    }

    /// The constraints of a schema, through an `allOf` of one reference (how a `$ref` with a description
    /// beside it is read): its own default first.
    pub(super) fn constraints(&self, schema: &Schema) -> Constraints {
        if let SchemaKind::AllOf { all_of } = &schema.schema_kind {
            if let [ReferenceOr::Reference { reference }] = all_of.as_slice() {
                let mut constraints = match self.refs.inner_schema(reference) {
                    Some(target) => constraints_of(target),
                    None => Constraints::default(),
                };
                if schema.schema_data.default.is_some() {
                    constraints.default.clone_from(&schema.schema_data.default);
                }
                return constraints;
            }
        }
        constraints_of(schema)
    }
}

/// What a schema states about its values beyond its type.
pub(super) fn constraints_of(schema: &Schema) -> Constraints {
    let mut c = Constraints { default: schema.schema_data.default.clone(), ..Constraints::default() };
    let kind = match &schema.schema_kind {
        SchemaKind::Any(any) => {
            let number = |n: Option<f64>, exclusive: Option<bool>| n.map(|n| (n.to_string(), exclusive == Some(true)));
            c.minimum = number(any.minimum, any.exclusive_minimum);
            c.maximum = number(any.maximum, any.exclusive_maximum);
            c.multiple_of = any.multiple_of.map(|n| n.to_string());
            (c.min_length, c.max_length, c.pattern) = (any.min_length, any.max_length, any.pattern.clone());
            c.format.clone_from(&any.format);
            c.values.clone_from(&any.enumeration);
            (c.min_items, c.max_items, c.unique_items) = (any.min_items, any.max_items, any.unique_items == Some(true));
            return c;
        }
        other => other,
    };
    fn format<T: std::fmt::Debug>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
        match format {
            VariantOrUnknownOrEmpty::Item(item) => {
                // `DateTime` → `date-time`.
                let name = format!("{item:?}");
                Some(heck::ToKebabCase::to_kebab_case(name.as_str()))
            }
            VariantOrUnknownOrEmpty::Unknown(name) => Some(name.clone()),
            VariantOrUnknownOrEmpty::Empty => None,
        }
    }
    match kind {
        SchemaKind::Type(Type::String(s)) => {
            c.format = format(&s.format);
            (c.min_length, c.max_length, c.pattern) = (s.min_length, s.max_length, s.pattern.clone());
            c.values = s.enumeration.iter().cloned().map(|v| v.map_or(Value::Null, Value::String)).collect();
        }
        SchemaKind::Type(Type::Integer(i)) => {
            c.format = format(&i.format);
            c.minimum = i.minimum.map(|n| (n.to_string(), i.exclusive_minimum));
            c.maximum = i.maximum.map(|n| (n.to_string(), i.exclusive_maximum));
            c.multiple_of = i.multiple_of.map(|n| n.to_string());
            c.values = i.enumeration.iter().copied().map(|v| v.map_or(Value::Null, Value::from)).collect();
        }
        SchemaKind::Type(Type::Number(n)) => {
            c.format = format(&n.format);
            c.minimum = n.minimum.map(|v| (v.to_string(), n.exclusive_minimum));
            c.maximum = n.maximum.map(|v| (v.to_string(), n.exclusive_maximum));
            c.multiple_of = n.multiple_of.map(|v| v.to_string());
            c.values = n.enumeration.iter().copied().map(|v| v.map_or(Value::Null, Value::from)).collect();
        }
        SchemaKind::Type(Type::Boolean(b)) => {
            c.values = b.enumeration.iter().copied().map(|v| v.map_or(Value::Null, Value::Bool)).collect();
        }
        SchemaKind::Type(Type::Array(a)) => {
            (c.min_items, c.max_items, c.unique_items) = (a.min_items, a.max_items, a.unique_items);
        }
        _ => {}
    }
    c
}

/// "Allowed values: …" for an enum of numbers or booleans (string and integer enums become Rust enums).
fn enum_values(schema: &Schema) -> Option<String> {
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(integer)) => integer.enumeration.iter().flatten().map(i64::to_string).collect(),
        SchemaKind::Type(Type::Number(number)) => number.enumeration.iter().flatten().map(f64::to_string).collect(),
        SchemaKind::Type(Type::Boolean(boolean)) => boolean.enumeration.iter().flatten().map(bool::to_string).collect(),
        _ => Vec::new(),
    };
    (!values.is_empty()).then(|| format!("Allowed values: {}.", values.join(", ")))
}

/// The doc text of a schema: its title and description.
pub(super) fn doc_of(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    match (&data.title, &data.description) {
        (Some(title), Some(description)) if !description.starts_with(title.as_str()) => {
            Some(format!("{title}\n\n{description}"))
        }
        (_, Some(description)) => Some(description.clone()),
        (Some(title), None) => Some(title.clone()),
        (None, None) => None,
    }
}

/// The typed schema kind of a schema openapiv3 read as "any" because it mixes keywords of several types:
/// `type` decides (for `string`, `boolean` and `array`, whose keywords openapiv3 keeps in `AnySchema`).
fn typed_kind(any: &openapiv3::AnySchema) -> SchemaKind {
    let format = |format: &Option<String>| match format.as_deref() {
        None => VariantOrUnknownOrEmpty::Empty,
        Some("date-time") => VariantOrUnknownOrEmpty::Item(StringFormat::DateTime),
        Some("date") => VariantOrUnknownOrEmpty::Item(StringFormat::Date),
        Some("password") => VariantOrUnknownOrEmpty::Item(StringFormat::Password),
        Some("byte") => VariantOrUnknownOrEmpty::Item(StringFormat::Byte),
        Some("binary") => VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
        Some(other) => VariantOrUnknownOrEmpty::Unknown(other.to_owned()),
    };
    SchemaKind::Type(match any.typ.as_deref() {
        Some("boolean") => {
            Type::Boolean(openapiv3::BooleanType { enumeration: any.enumeration.iter().map(Value::as_bool).collect() })
        }
        Some("array") => Type::Array(openapiv3::ArrayType {
            items: any.items.clone(),
            min_items: any.min_items,
            max_items: any.max_items,
            unique_items: any.unique_items.unwrap_or(false),
        }),
        _ => Type::String(openapiv3::StringType {
            format: format(&any.format),
            pattern: any.pattern.clone(),
            enumeration: any.enumeration.iter().map(|value| value.as_str().map(str::to_owned)).collect(),
            min_length: any.min_length,
            max_length: any.max_length,
        }),
    })
}
