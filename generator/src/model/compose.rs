//! `allOf`: parts merged into one struct, and an object with a discriminator that other schemas extend with
//! `allOf`, read as a union of those extensions. `oneOf`/`anyOf` are in `unions`.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::schemas::{Builder, Origin, Property, doc_of};
use super::unions::{discriminator_tag, variant_label};
use super::{Payload, Shape, Ty, TypeDef, TypeKind, Variant};
use crate::error::{Error, pointer_push};
use crate::names::{Scope, pascal};

/// A property an `allOf` merges: its schema, the component that declares it (`None`: the merging schema),
/// and the pointer of the `properties` holding it.
struct MergedProperty {
    schema: ReferenceOr<Box<Schema>>,
    owner: Option<String>,
    pointer: String,
}

impl<'a> Builder<'a> {
    /// The schemas that extend each object schema with a `discriminator` (through `allOf`, directly or through
    /// one another, or named in its `mapping`), in component order: such a base is read as a union of them.
    pub(super) fn extensions_by_discriminator(
        &self,
        schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    ) -> HashMap<String, Vec<String>> {
        // The components each component's allOf refers to directly, when that allOf adds more than the
        // reference (a lone reference is an alias of the base, not an extension of it).
        let mut parents: HashMap<&str, Vec<String>> = HashMap::new();
        for (key, schema) in schemas {
            let all_of = match schema {
                ReferenceOr::Item(Schema { schema_kind: SchemaKind::AllOf { all_of }, .. }) => Some(all_of),
                ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) if !any.all_of.is_empty() => {
                    Some(&any.all_of)
                }
                _ => None,
            };
            if let Some(all_of) = all_of {
                // Properties beside the allOf count as one more part.
                let own_part = matches!(
                    schema,
                    ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) if !any.properties.is_empty()
                );
                if all_of.iter().filter(|part| !is_annotation_only(part)).count() + usize::from(own_part) >= 2 {
                    let refs = all_of.iter().filter_map(|part| match part {
                        ReferenceOr::Reference { reference } => self.refs.schema(reference, "").ok().map(|r| r.1),
                        ReferenceOr::Item(_) => None,
                    });
                    parents.insert(key.as_str(), refs.collect());
                }
            }
        }
        let mut out = HashMap::new();
        for (key, schema) in schemas {
            let ReferenceOr::Item(base) = schema else { continue };
            let Some(discriminator) = &base.schema_data.discriminator else { continue };
            let is_object = match &base.schema_kind {
                SchemaKind::Type(Type::Object(_)) => true,
                SchemaKind::Any(any) => {
                    any.one_of.is_empty()
                        && any.any_of.is_empty()
                        && (any.typ.is_none() || any.typ.as_deref() == Some("object"))
                }
                _ => false,
            };
            if !is_object {
                continue;
            }
            // Descendants through allOf, breadth first over the ancestry recorded above.
            let mut family: BTreeSet<&str> = BTreeSet::from([key.as_str()]);
            loop {
                let before = family.len();
                for (child, refs) in &parents {
                    if refs.iter().any(|parent| family.contains(parent.as_str())) {
                        family.insert(child);
                    }
                }
                if family.len() == before {
                    break;
                }
            }
            family.remove(key.as_str());
            for target in discriminator.mapping.values() {
                let reference =
                    if target.starts_with('#') { target.clone() } else { format!("#/components/schemas/{target}") };
                let Ok((mapped, mapped_key)) = self.refs.schema(&reference, "") else { continue };
                let extends = parents.contains_key(mapped_key.as_str())
                    || matches!(mapped.schema_kind, SchemaKind::Type(Type::Object(_)));
                if extends && mapped_key != *key {
                    if let Some((stored, _)) = schemas.get_key_value(&mapped_key) {
                        family.insert(stored);
                    }
                }
            }
            let children: Vec<String> = schemas.keys().filter(|k| family.contains(k.as_str())).cloned().collect();
            if !children.is_empty() {
                out.insert(key.clone(), children);
            }
        }
        out
    }

    /// A base schema with a discriminator that other schemas extend: a union of those schemas, chosen by the
    /// discriminator, with the base's own description.
    pub(super) fn push_base_union(&mut self, name: String, base: &Schema, children: &[String]) {
        let mut scope = Scope::with_reserved(self.reserved.variants);
        let mut variants = Vec::with_capacity(children.len());
        let mut refs = Vec::with_capacity(children.len());
        for child in children {
            let child_name = self.component_names[child].clone();
            let variant = scope.claim(pascal(&variant_label(&name, &child_name)));
            let payload = Payload::Whole(Ty::Named(child_name));
            variants.push(Variant { name: variant, payload, shape: Shape::default(), expansion: false });
            refs.push(Some(pointer_push("#/components/schemas", child)));
        }
        let tag = base.schema_data.discriminator.as_ref().and_then(|d| discriminator_tag(d, &refs));
        let note = "One of the schemas that extend this one with `allOf`.";
        let doc = match doc_of(base) {
            Some(doc) => format!("{doc}\n\n{note}"),
            None => note.to_owned(),
        };
        self.types.push(TypeDef { name, doc: Some(doc), kind: TypeKind::Union { variants, tag }, sensitive: false });
    }

    pub(super) fn all_of_ty(
        &mut self,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        hint: &str,
        pointer: &str,
        named: bool,
    ) -> Result<Ty, Error> {
        // Parts that only annotate (a description, `nullable`) add nothing to merge: `allOf: [$ref, {description}]`
        // is the common way to describe a referenced type in place.
        let parts: Vec<(usize, &ReferenceOr<Schema>)> =
            parts.iter().enumerate().filter(|(_, part)| !is_annotation_only(part)).collect();
        // Properties beside the allOf (`type: object` with both), merged after the parts.
        let own = match &schema.schema_kind {
            SchemaKind::Any(any) => Some((&any.properties, &any.required)),
            _ => None,
        };
        let own_properties = own.is_some_and(|(properties, _)| !properties.is_empty());
        if let ([(i, only)], false) = (parts.as_slice(), own_properties) {
            let part_pointer = if schema.schema_data.extensions.contains_key(crate::extensions::REF_SIBLINGS) {
                pointer.to_owned()
            } else {
                pointer_push(&pointer_push(pointer, "allOf"), &i.to_string())
            };
            return self.schema_ty(only, hint, &part_pointer, named);
        }
        // Merge the properties of every part into one struct, each remembering where it is declared: the
        // component a referenced part names, or (`None`) this schema itself.
        let mut properties: IndexMap<String, MergedProperty> = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        // A stack, filled in reverse so that parts (and nested allOf parts) merge in spec order.
        let mut pending: Vec<(&Schema, String, Option<String>)> = Vec::new();
        for (i, part) in parts.iter().copied().rev() {
            let part_pointer = pointer_push(&pointer_push(pointer, "allOf"), &i.to_string());
            pending.push(self.all_of_part(part, part_pointer, None)?);
        }
        // allOf chains that loop back would never end: stop merging after a generous number of parts.
        let mut guard = 0;
        while let Some((part, part_pointer, owner)) = pending.pop() {
            guard += 1;
            if guard > 1024 {
                break;
            }
            let (more, more_required) = match &part.schema_kind {
                SchemaKind::Type(Type::Object(object)) => (&object.properties, &object.required),
                SchemaKind::Any(any) => {
                    for (i, inner) in any.all_of.iter().enumerate().rev() {
                        let inner_pointer = pointer_push(&pointer_push(&part_pointer, "allOf"), &i.to_string());
                        pending.push(self.all_of_part(inner, inner_pointer, owner.clone())?);
                    }
                    (&any.properties, &any.required)
                }
                SchemaKind::AllOf { all_of } => {
                    for (i, inner) in all_of.iter().enumerate().rev() {
                        let inner_pointer = pointer_push(&pointer_push(&part_pointer, "allOf"), &i.to_string());
                        pending.push(self.all_of_part(inner, inner_pointer, owner.clone())?);
                    }
                    continue;
                }
                // A part that is not an object cannot be merged: the whole is kept as JSON, under a name
                // whose doc says why.
                _ => {
                    return Ok(self.degraded(
                        schema,
                        hint,
                        named,
                        "Kept as JSON: this `allOf` combines parts that are not all objects, which no single Rust \
                         type can merge.",
                    ));
                }
            };
            merge_properties(&mut properties, &mut required, (more, more_required), owner, &part_pointer);
        }
        if let Some(own) = own {
            merge_properties(&mut properties, &mut required, own, None, pointer);
        }
        if properties.is_empty() {
            return Ok(Ty::JsonObject);
        }
        let name = self.new_type_name(hint, named);
        let properties: Vec<Property<'_>> = properties
            .iter()
            .map(|(wire, merged)| {
                let owner = merged.owner.clone().unwrap_or_else(|| name.clone());
                (wire.clone(), &merged.schema, Origin { owner, pointer: merged.pointer.clone() })
            })
            .collect();
        let fields = self.fields(&properties, &required)?;
        self.types.push(TypeDef {
            name: name.clone(),
            doc: doc_of(schema),
            kind: TypeKind::Struct { fields, additional: None, closed: false },
            sensitive: false,
        });
        Ok(Ty::Named(name))
    }

    /// A part of an `allOf` to merge: its schema, its pointer, and the component that declares its
    /// properties (a referenced part's own; an inline part's is its parent's).
    fn all_of_part<'s>(
        &self,
        part: &'s ReferenceOr<Schema>,
        pointer: String,
        owner: Option<String>,
    ) -> Result<(&'s Schema, String, Option<String>), Error>
    where
        'a: 's,
    {
        match part {
            ReferenceOr::Item(schema) => Ok((schema, pointer, owner)),
            ReferenceOr::Reference { reference } => {
                let (schema, key) = self.refs.schema(reference, &pointer)?;
                let owner = self.component_names.get(&key).cloned();
                Ok((schema, pointer_push("/components/schemas", &key), owner))
            }
        }
    }
}

/// Whether a `oneOf`/`anyOf` variant only narrows an object with these properties: it adds `required`,
/// or constrains properties the object already has, but no shape of its own.
pub(super) fn narrows(part: &ReferenceOr<Schema>, properties: &IndexMap<String, ReferenceOr<Box<Schema>>>) -> bool {
    let ReferenceOr::Item(schema) = part else { return false };
    let own = match &schema.schema_kind {
        SchemaKind::Any(any) => {
            let composed = !any.one_of.is_empty() || !any.all_of.is_empty() || !any.any_of.is_empty();
            let shaped = any.items.is_some() || any.not.is_some() || !any.enumeration.is_empty() || composed;
            if shaped || any.typ.as_deref().is_some_and(|t| t != "object") {
                return false;
            }
            &any.properties
        }
        SchemaKind::Type(Type::Object(object)) => &object.properties,
        _ => return false,
    };
    own.keys().all(|key| properties.contains_key(key))
}

/// A schema that only annotates: no type, properties, items, composition or enum.
pub(super) fn is_annotation_only(part: &ReferenceOr<Schema>) -> bool {
    match part {
        ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) => {
            any.typ.is_none()
                && any.properties.is_empty()
                && any.items.is_none()
                && any.additional_properties.is_none()
                && any.one_of.is_empty()
                && any.all_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none()
                && any.enumeration.is_empty()
        }
        _ => false,
    }
}

/// Adds the properties (and `required`) of the schema at `pointer` that `allOf` merges; a property already
/// merged from an earlier part stays as it is. `owner` is the component that declares them (`None`: the
/// merging schema).
fn merge_properties(
    properties: &mut IndexMap<String, MergedProperty>,
    required: &mut Vec<String>,
    (more, more_required): (&IndexMap<String, ReferenceOr<Box<Schema>>>, &Vec<String>),
    owner: Option<String>,
    pointer: &str,
) {
    let properties_pointer = pointer_push(pointer, "properties");
    for (key, value) in more {
        properties.entry(key.clone()).or_insert_with(|| MergedProperty {
            schema: value.clone(),
            owner: owner.clone(),
            pointer: properties_pointer.clone(),
        });
    }
    for key in more_required {
        if !required.contains(key) {
            required.push(key.clone());
        }
    }
}
