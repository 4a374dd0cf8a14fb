//! `oneOf`/`anyOf` as Rust enums whose variants mean something.
//!
//! A union is chosen by a tag when it has one: the `discriminator` (every variant a `$ref` it can name), or
//! else an implicit tag — a property that every variant requires and whose schema in each variant is one
//! distinct value (`enum: [vpc]`, or `const: vpc`), found through `$ref`s and `allOf`. An inline variant of
//! a tagged union that holds only the tag and one other property is that property's value
//! (`Vpc(Name)` for `{type: vpc, value: <Name>}`), or nothing for the tag alone; a larger inline variant
//! is a struct without the tag, which the union writes. A union without a tag is chosen by the shape of the
//! JSON (see `graph` for the shapes and the runtime's `untagged` for the order).
//!
//! Variant names come from the `$ref`'d schema, the tag value, the variant's `title`, a property only it
//! has, or its JSON kind (`String`, `Integer`, `Array`, `Empty` for `enum: [""]`), numbered only when
//! these meet.

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, Discriminator, ReferenceOr, Schema, SchemaKind, Type};

use super::schemas::{Builder, doc_of};
use super::{Payload, Shape, Tag, Ty, TypeDef, TypeKind, Variant};
use crate::error::{Error, pointer_push};
use crate::names::{Scope, pascal};

/// How deep `allOf` is followed to see a variant's properties.
const MAX_VIEW_DEPTH: usize = 16;

/// An object schema's properties as a union sees them: merged through `$ref` and `allOf`.
struct ObjectView<'s> {
    properties: IndexMap<String, &'s ReferenceOr<Box<Schema>>>,
    required: Vec<String>,
}

/// The parts of a plain object schema (no composition, no typed further properties): it can be rebuilt
/// without its tag, or read as tag and content.
type PlainObject<'s> =
    (&'s IndexMap<String, ReferenceOr<Box<Schema>>>, &'s Vec<String>, Option<&'s AdditionalProperties>);

impl<'a> Builder<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn union_ty(
        &mut self,
        schema: &Schema,
        keyword: &str,
        variants: &[ReferenceOr<Schema>],
        hint: &str,
        pointer: &str,
        named: bool,
    ) -> Result<Ty, Error> {
        if variants.is_empty() {
            return Ok(Ty::Json);
        }
        // A union of one variant is that variant (Stripe's `anyOf: [$ref]` beside `nullable`).
        if let ([only], None) = (variants, &schema.schema_data.discriminator) {
            return self.schema_ty(only, hint, &pointer_push(&pointer_push(pointer, keyword), "0"), named);
        }
        // `anyOf: [string, enum]` (known values, and any other string) is an open enum, which a string enum
        // here already is (unknown values are kept in `Other`).
        if let [a, b] = variants {
            let known = match (self.string_kind(a), self.string_kind(b)) {
                (Some(false), Some(true)) => Some((1, b)),
                (Some(true), Some(false)) => Some((0, a)),
                _ => None,
            };
            match known {
                Some((
                    _,
                    ReferenceOr::Item(known @ Schema { schema_kind: SchemaKind::Type(Type::String(string)), .. }),
                )) => {
                    let name = self.new_type_name(hint, named);
                    let values: Vec<&str> = string.enumeration.iter().flatten().map(String::as_str).collect();
                    self.push_enum(name.clone(), doc_of(schema).or_else(|| doc_of(known)), &values);
                    return Ok(Ty::Named(name));
                }
                Some((i, variant)) => {
                    let variant_pointer = pointer_push(&pointer_push(pointer, keyword), &i.to_string());
                    return self.schema_ty(variant, hint, &variant_pointer, named);
                }
                None => {}
            }
        }
        let name = self.new_type_name(hint, named);
        let views: Vec<Option<ObjectView<'_>>> = variants.iter().map(|v| self.object_view(v, 0)).collect();
        let discriminator = schema.schema_data.discriminator.as_ref();
        let all_refs = variants.iter().all(|v| matches!(v, ReferenceOr::Reference { .. }));
        // The discriminator names `$ref`s; an implicit tag is looked for only where it cannot.
        let implicit = if discriminator.is_some() && all_refs { None } else { self.implicit_tag(&views) };
        let labels: Vec<String> = match &implicit {
            Some((_, values)) => {
                values.iter().map(|value| if value.is_empty() { "Empty".into() } else { value.clone() }).collect()
            }
            None => {
                let mut labels: Vec<String> =
                    (0..variants.len()).map(|i| self.label(&name, &variants[i], &views, i)).collect();
                // Several arrays are told apart by their items (`StringList`, `IntegerListList`).
                if labels.iter().filter(|label| *label == "Array").count() > 1 {
                    for (label, variant) in labels.iter_mut().zip(variants) {
                        if let ("Array", ReferenceOr::Item(schema)) = (label.as_str(), variant) {
                            *label = self.list_label(&name, array_items(schema));
                        }
                    }
                }
                labels
            }
        };
        let mut scope = Scope::with_reserved(self.reserved.variants);
        let mut out: Vec<Variant> = Vec::with_capacity(variants.len());
        // The component each variant refers to, for discriminator values.
        let mut refs: Vec<Option<String>> = Vec::with_capacity(variants.len());
        for (i, variant) in variants.iter().enumerate() {
            let variant_pointer = pointer_push(&pointer_push(pointer, keyword), &i.to_string());
            let hint = format!("{name} {}", labels[i]);
            let literal = match (&implicit, variant) {
                (None, ReferenceOr::Item(schema)) => literal(schema),
                _ => None,
            };
            let payload = match (&implicit, plain_object(variant), literal) {
                (Some((property, _)), Some(plain), _) => {
                    self.tagged_payload(variant, plain, property, &hint, &variant_pointer)?
                }
                (None, _, Some(value)) => Payload::Literal(value),
                _ => Payload::Whole(self.schema_ty(variant, &hint, &variant_pointer, false)?),
            };
            // A variant that repeats an earlier one adds nothing (unless a tag tells them apart).
            if implicit.is_none() && out.iter().any(|seen| seen.payload == payload) {
                continue;
            }
            out.push(Variant {
                name: scope.claim(pascal(&labels[i])),
                payload,
                shape: Shape::default(),
                expansion: false,
            });
            refs.push(match variant {
                ReferenceOr::Reference { reference } => Some(reference.clone()),
                ReferenceOr::Item(_) => None,
            });
        }
        let tag = match implicit {
            Some((property, values)) => {
                Some(Tag { property, values: values.into_iter().enumerate().map(|(i, value)| (value, i)).collect() })
            }
            None => discriminator.and_then(|d| discriminator_tag(d, &refs)),
        };
        if tag.is_none() {
            mark_expansions(&mut out, &refs, &schema.schema_data.extensions)
                .map_err(|kind| self.error(pointer, kind))?;
        }
        self.types.push(TypeDef {
            name: name.clone(),
            doc: doc_of(schema),
            kind: TypeKind::Union { variants: out, tag },
            sensitive: false,
        });
        Ok(Ty::Named(name))
    }

    /// An inline object variant of a tagged union: the tag alone, the tag and one other property (its
    /// content), or a struct of the other properties.
    fn tagged_payload(
        &mut self,
        variant: &ReferenceOr<Schema>,
        (properties, required, additional): PlainObject<'_>,
        property: &str,
        hint: &str,
        pointer: &str,
    ) -> Result<Payload, Error> {
        let ReferenceOr::Item(schema) = variant else {
            return Ok(Payload::Whole(self.schema_ty(variant, hint, pointer, false)?));
        };
        let rest: IndexMap<String, ReferenceOr<Box<Schema>>> =
            properties.iter().filter(|(key, _)| *key != property).map(|(k, v)| (k.clone(), v.clone())).collect();
        let typed_rest = matches!(additional, Some(AdditionalProperties::Schema(_)));
        Ok(match rest.first() {
            None if !typed_rest => Payload::Unit,
            Some((key, content)) if rest.len() == 1 && !typed_rest => {
                let content_pointer = pointer_push(&pointer_push(pointer, "properties"), key);
                let ty = self.boxed_schema_ty(content, hint, &content_pointer)?;
                Payload::Content {
                    key: key.clone(),
                    ty: self.nullable_if(content, ty),
                    required: required.contains(key),
                }
            }
            _ => Payload::Whole(self.object_ty(schema, &rest, required, additional, hint, pointer, false)?),
        })
    }

    /// The properties of an object variant (through `$ref`s and `allOf`), or `None` for a variant that is
    /// not an object.
    fn object_view<'s>(&self, variant: &'s ReferenceOr<Schema>, depth: usize) -> Option<ObjectView<'s>>
    where
        'a: 's,
    {
        let schema: &'s Schema = match variant {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => self.refs.schema(reference, "").ok()?.0,
        };
        if depth > MAX_VIEW_DEPTH {
            return None;
        }
        let (own, own_required, parts): (_, _, &[ReferenceOr<Schema>]) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => (&object.properties, &object.required, &[]),
            SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "object") => {
                if any.properties.is_empty() && any.all_of.is_empty() {
                    return None;
                }
                (&any.properties, &any.required, &any.all_of)
            }
            SchemaKind::AllOf { all_of } => {
                let mut view = ObjectView { properties: IndexMap::new(), required: Vec::new() };
                merge_parts(self, &mut view, all_of, depth);
                return Some(view);
            }
            _ => return None,
        };
        let mut view = ObjectView { properties: IndexMap::new(), required: Vec::new() };
        merge_parts(self, &mut view, parts, depth);
        for (key, value) in own {
            view.properties.entry(key.clone()).or_insert(value);
        }
        view.required
            .extend(own_required.iter().filter(|key| !view.required.contains(key)).cloned().collect::<Vec<_>>());
        Some(view)
    }

    /// A property every variant requires whose schema in each is one distinct string value: the tag, with
    /// each variant's value.
    fn implicit_tag(&self, views: &[Option<ObjectView<'_>>]) -> Option<(String, Vec<String>)> {
        let views: Vec<&ObjectView<'_>> = views.iter().map(Option::as_ref).collect::<Option<_>>()?;
        let first = views.first()?;
        'candidates: for property in first.properties.keys() {
            let mut values: Vec<String> = Vec::with_capacity(views.len());
            for view in &views {
                let value = view
                    .properties
                    .get(property)
                    .filter(|_| view.required.contains(property))
                    .and_then(|schema| self.single_value(schema));
                match value {
                    Some(value) if !values.contains(&value) => values.push(value),
                    _ => continue 'candidates,
                }
            }
            return Some((property.clone(), values));
        }
        None
    }

    /// The one string value a property schema allows (`enum: [x]`; a `const` reads as that).
    fn single_value(&self, schema: &ReferenceOr<Box<Schema>>) -> Option<String> {
        match schema {
            ReferenceOr::Item(schema) => literal(schema),
            ReferenceOr::Reference { reference } => literal(self.refs.schema(reference, "").ok()?.0),
        }
    }

    /// A name for variant `index` of a union without a tag value to name it by.
    fn label(
        &self,
        union: &str,
        variant: &ReferenceOr<Schema>,
        views: &[Option<ObjectView<'_>>],
        index: usize,
    ) -> String {
        let schema = match variant {
            ReferenceOr::Reference { reference } => return self.ref_label(union, reference),
            ReferenceOr::Item(schema) => schema,
        };
        if let Some(value) = literal(schema) {
            return if value.is_empty() { "Empty".to_owned() } else { value };
        }
        if let Some(title) = schema.schema_data.title.as_deref().filter(|t| !t.trim().is_empty()) {
            return title.to_owned();
        }
        if let Some(view) = &views[index] {
            // The first property (required ones first) that no other variant declares.
            let others = |key: &String| {
                views
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != index && other.as_ref().is_some_and(|o| o.properties.contains_key(key)))
            };
            let own = view.required.iter().chain(view.properties.keys()).find(|key| !others(key));
            return own.map_or_else(|| "Object".to_owned(), Clone::clone);
        }
        kind_label(schema).to_owned()
    }
}

impl Builder<'_> {
    /// `Some(true)` for a string schema with an `enum`, `Some(false)` for a plain string (no enum, format
    /// or secret), `None` for anything else.
    fn string_kind(&self, schema: &ReferenceOr<Schema>) -> Option<bool> {
        let schema: &Schema = match schema {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => self.refs.schema(reference, "").ok()?.0,
        };
        if schema.schema_data.extensions.contains_key(crate::extensions::SECRET) {
            return None;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) if string.enumeration.is_empty() => {
                matches!(string.format, openapiv3::VariantOrUnknownOrEmpty::Empty).then_some(false)
            }
            SchemaKind::Type(Type::String(string)) => Some(string.enumeration.iter().all(Option::is_some)),
            _ => None,
        }
    }

    /// The name of the component a variant refers to, without the union's name where it starts with it.
    fn ref_label(&self, union: &str, reference: &str) -> String {
        let named = self
            .refs
            .component_key(reference, "schemas", "")
            .ok()
            .and_then(|key| self.component_names.get(&key).cloned());
        named.map_or_else(|| "Value".to_owned(), |named| variant_label(union, &named))
    }

    /// A name for an array variant from its items: `StringList`, `IntegerListList`, `PetList`.
    fn list_label(&self, union: &str, items: Option<&ReferenceOr<Box<Schema>>>) -> String {
        let item = match items {
            None => "Value".to_owned(),
            Some(ReferenceOr::Reference { reference }) => self.ref_label(union, reference),
            Some(ReferenceOr::Item(schema)) => match &schema.schema_kind {
                SchemaKind::Type(Type::Array(array)) => self.list_label(union, array.items.as_ref()),
                _ => kind_label(schema).to_owned(),
            },
        };
        format!("{item}List")
    }
}

/// Marks the variants of a union without a tag that hold the objects of an "ID or the object" field (the
/// extension the module `extensions` reads), when some other variant (the ID) stays: a union of expansions
/// alone is an ordinary union.
fn mark_expansions(
    variants: &mut [Variant],
    refs: &[Option<String>],
    extensions: &IndexMap<String, serde_json::Value>,
) -> Result<(), crate::error::ErrorKind> {
    let expansions = crate::extensions::expansions(extensions, refs.iter().flatten().map(String::as_str))?;
    let flags: Vec<bool> = variants
        .iter()
        .zip(refs)
        .map(|(variant, reference)| {
            matches!(variant.payload, Payload::Whole(_))
                && reference.as_deref().is_some_and(|reference| expansions.contains(&reference))
        })
        .collect();
    if flags.contains(&false) {
        for (variant, flag) in variants.iter_mut().zip(flags) {
            variant.expansion = flag;
        }
    }
    Ok(())
}

/// Merges the properties and `required` of `allOf` parts into `view` (earlier parts win).
fn merge_parts<'a, 's>(builder: &Builder<'a>, view: &mut ObjectView<'s>, parts: &'s [ReferenceOr<Schema>], depth: usize)
where
    'a: 's,
{
    for part in parts {
        let Some(inner) = builder.object_view(part, depth + 1) else { continue };
        for (key, value) in inner.properties {
            view.properties.entry(key).or_insert(value);
        }
        for key in inner.required {
            if !view.required.contains(&key) {
                view.required.push(key);
            }
        }
    }
}

/// The JSON kind a schema declares, as a variant name (`Value` for any).
fn kind_label(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Boolean",
        SchemaKind::Type(Type::Array(_)) => "Array",
        SchemaKind::Type(Type::Object(_)) => "Object",
        SchemaKind::Any(any) => match any.typ.as_deref() {
            None if any.additional_properties.is_some() || !any.properties.is_empty() => "Object",
            Some("string") => "String",
            Some("integer") => "Integer",
            Some("number") => "Number",
            Some("boolean") => "Boolean",
            Some("array") => "Array",
            Some("object") => "Object",
            _ => "Value",
        },
        _ => "Value",
    }
}

/// The items of an array schema.
fn array_items(schema: &Schema) -> Option<&ReferenceOr<Box<Schema>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => array.items.as_ref(),
        SchemaKind::Any(any) => any.items.as_ref(),
        _ => None,
    }
}

/// The one string value a schema allows (`enum: [x]`).
fn literal(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
            [Some(value)] => Some(value.clone()),
            _ => None,
        },
        SchemaKind::Any(any) => match any.enumeration.as_slice() {
            [serde_json::Value::String(value)] => Some(value.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The parts of an inline variant that is a plain object.
fn plain_object(variant: &ReferenceOr<Schema>) -> Option<PlainObject<'_>> {
    let ReferenceOr::Item(schema) = variant else { return None };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            Some((&object.properties, &object.required, object.additional_properties.as_ref()))
        }
        SchemaKind::Any(any)
            if any.typ.as_deref().is_none_or(|t| t == "object")
                && !any.properties.is_empty()
                && any.all_of.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty() =>
        {
            Some((&any.properties, &any.required, any.additional_properties.as_ref()))
        }
        _ => None,
    }
}

/// The tag values of a discriminated union: each `mapping` entry naming a variant's `$ref` (by the whole
/// reference or the component name), else the component name itself (OpenAPI's implicit mapping). `None`
/// when some variant is not a `$ref`, so it could not be named.
pub(super) fn discriminator_tag(discriminator: &Discriminator, refs: &[Option<String>]) -> Option<Tag> {
    let mut values = Vec::new();
    for (i, reference) in refs.iter().enumerate() {
        let reference = reference.as_deref()?;
        let escaped = reference.rsplit('/').next().unwrap_or(reference);
        let component = escaped.replace("~1", "/").replace("~0", "~");
        let component = component.as_str();
        let mapped: Vec<&String> = discriminator
            .mapping
            .iter()
            .filter(|(_, target)| target.as_str() == reference || target.as_str() == component)
            .map(|(value, _)| value)
            .collect();
        let named: Vec<String> =
            if mapped.is_empty() { vec![component.to_owned()] } else { mapped.into_iter().cloned().collect() };
        // A value names one variant: the first that claims it.
        for value in named {
            if !values.iter().any(|(seen, _)| *seen == value) {
                values.push((value, i));
            }
        }
    }
    Some(Tag { property: discriminator.property_name.clone(), values })
}

/// The variant name for a named type inside a union: without the union's name where it starts with it
/// (`Pet` + `PetCat` → `Cat`).
pub(super) fn variant_label(union: &str, variant: &str) -> String {
    variant.strip_prefix(union).filter(|rest| !rest.is_empty()).unwrap_or(variant).to_owned()
}
