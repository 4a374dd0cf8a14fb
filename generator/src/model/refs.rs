//! `$ref`s: following a reference chain to what it names, with located errors for references that lead
//! nowhere, outside the document, into the wrong section, or round in a loop.

use std::borrow::Borrow;
use std::path::Path;

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, PathItem, ReferenceOr, Schema, SchemaKind, Type};

use crate::error::{Error, ErrorKind};

/// How many references a chain may hop through before it is called a loop.
const MAX_REF_HOPS: usize = 64;

/// The document's references, resolved on demand.
#[derive(Clone, Copy)]
pub(super) struct Refs<'a> {
    pub file: &'a Path,
    pub doc: &'a OpenAPI,
}

impl<'a> Refs<'a> {
    /// An error at `pointer` in this spec.
    pub fn error(&self, pointer: &str, kind: ErrorKind) -> Error {
        Error::new(self.file, pointer, kind)
    }

    /// Follows a `#/components/schemas/…` reference chain to a schema and its component key.
    pub fn schema(&self, reference: &str, pointer: &str) -> Result<(&'a Schema, String), Error> {
        let mut reference = reference.to_owned();
        for _ in 0..MAX_REF_HOPS {
            let key = self.component_key(&reference, "schemas", pointer)?;
            let schema = self
                .doc
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&key))
                .ok_or_else(|| self.error(pointer, ErrorKind::DanglingRef(reference.clone())))?;
            match schema {
                ReferenceOr::Item(schema) => return Ok((schema, key)),
                ReferenceOr::Reference { reference: next } => reference = next.clone(),
            }
        }
        Err(self.error(pointer, ErrorKind::RefLoop(reference)))
    }

    /// The schema a pointer into a component schema names (`#/components/schemas/Tag/allOf/0`,
    /// `…/properties/id`, `…/items`), following the schema's own structure; `None` when it names nothing.
    pub fn inner_schema(&self, reference: &str) -> Option<&'a Schema> {
        let rest = reference.strip_prefix("#/components/schemas/")?;
        let mut segments = rest.split('/').map(|s| s.replace("~1", "/").replace("~0", "~"));
        let key = segments.next()?;
        let mut schema: &'a Schema = match self.doc.components.as_ref()?.schemas.get(&key)? {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => self.schema(reference, "").ok()?.0,
        };
        let mut any = false;
        while let Some(segment) = segments.next() {
            any = true;
            let next: &'a ReferenceOr<Schema> = match (&schema.schema_kind, segment.as_str()) {
                (SchemaKind::AllOf { all_of: parts }, "allOf")
                | (SchemaKind::OneOf { one_of: parts }, "oneOf")
                | (SchemaKind::AnyOf { any_of: parts }, "anyOf") => {
                    parts.get(segments.next()?.parse::<usize>().ok()?)?
                }
                (SchemaKind::Any(any), "allOf") => any.all_of.get(segments.next()?.parse::<usize>().ok()?)?,
                (SchemaKind::Any(any), "oneOf") => any.one_of.get(segments.next()?.parse::<usize>().ok()?)?,
                (SchemaKind::Any(any), "anyOf") => any.any_of.get(segments.next()?.parse::<usize>().ok()?)?,
                (SchemaKind::Type(Type::Object(object)), "properties") => {
                    return self.boxed(object.properties.get(&segments.next()?)?, segments);
                }
                (SchemaKind::Any(any), "properties") => {
                    return self.boxed(any.properties.get(&segments.next()?)?, segments);
                }
                (SchemaKind::Type(Type::Array(array)), "items") => return self.boxed(array.items.as_ref()?, segments),
                _ => return None,
            };
            schema = match next {
                ReferenceOr::Item(schema) => schema,
                ReferenceOr::Reference { reference } => self.schema(reference, "").ok()?.0,
            };
        }
        any.then_some(schema)
    }

    /// Continues `inner_schema` from a boxed schema.
    fn boxed(
        &self,
        schema: &'a ReferenceOr<Box<Schema>>,
        mut rest: impl Iterator<Item = String>,
    ) -> Option<&'a Schema> {
        let schema: &'a Schema = match schema {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => self.schema(reference, "").ok()?.0,
        };
        match rest.next() {
            None => Some(schema),
            // Deeper still: rare in real specs; not followed.
            Some(_) => None,
        }
    }

    /// Whether a (possibly referenced) schema is `nullable`; a reference that leads nowhere is not.
    pub fn nullable<S: Borrow<Schema>>(&self, schema: &ReferenceOr<S>) -> bool {
        match schema {
            ReferenceOr::Item(schema) => says_nullable(schema.borrow()),
            ReferenceOr::Reference { reference } => {
                self.schema(reference, "").is_ok_and(|(schema, _)| says_nullable(schema))
            }
        }
    }

    /// The component key a local reference into `#/components/<section>/` names, unescaped.
    pub fn component_key(&self, reference: &str, section: &str, pointer: &str) -> Result<String, Error> {
        let Some(local) = reference.strip_prefix('#') else {
            return Err(self.error(pointer, ErrorKind::ExternalRef(reference.to_owned())));
        };
        let prefix = format!("/components/{section}/");
        let key = local.strip_prefix(&prefix).filter(|key| !key.contains('/')).ok_or_else(|| {
            let kind = if local.starts_with("/components/") && local.matches('/').count() == 3 {
                ErrorKind::WrongRefKind { reference: reference.to_owned(), expected: section.to_owned() }
            } else {
                ErrorKind::DanglingRef(reference.to_owned())
            };
            self.error(pointer, kind)
        })?;
        Ok(key.replace("~1", "/").replace("~0", "~"))
    }

    /// Follows a reference to a component of another kind (parameters, responses, request bodies, security
    /// schemes): `section` is its name under `components`, `map` picks it.
    pub fn resolve<T>(
        &self,
        item: &'a ReferenceOr<T>,
        section: &str,
        map: impl Fn(&'a Components) -> &'a IndexMap<String, ReferenceOr<T>>,
        pointer: &str,
    ) -> Result<&'a T, Error> {
        let mut item = item;
        for _ in 0..MAX_REF_HOPS {
            match item {
                ReferenceOr::Item(value) => return Ok(value),
                ReferenceOr::Reference { reference } => {
                    let key = self.component_key(reference, section, pointer)?;
                    item = self
                        .doc
                        .components
                        .as_ref()
                        .and_then(|c| map(c).get(&key))
                        .ok_or_else(|| self.error(pointer, ErrorKind::DanglingRef(reference.clone())))?;
                }
            }
        }
        let reference = match item {
            ReferenceOr::Reference { reference } => reference.clone(),
            ReferenceOr::Item(_) => String::new(),
        };
        Err(self.error(pointer, ErrorKind::RefLoop(reference)))
    }

    /// A path item; OpenAPI 3.0 only allows references to other documents here.
    pub fn path_item(&self, item: &'a ReferenceOr<PathItem>, pointer: &str) -> Result<&'a PathItem, Error> {
        match item {
            ReferenceOr::Item(item) => Ok(item),
            ReferenceOr::Reference { reference } => Err(self.error(pointer, ErrorKind::ExternalRef(reference.clone()))),
        }
    }
}

/// Whether `schema` admits `null`: it says `nullable`, or it is an `allOf` one of whose parts only annotates
/// and says `nullable` (`allOf: [{$ref: X}, {nullable: true}]`, how OpenAI's and other documents make a
/// referenced type nullable in place; a strict reading of 3.0.3 would ignore it, and refuse the `null`s
/// those APIs send).
pub(crate) fn says_nullable(schema: &Schema) -> bool {
    schema.schema_data.nullable
        || matches!(&schema.schema_kind, openapiv3::SchemaKind::AllOf { all_of } | openapiv3::SchemaKind::Any(openapiv3::AnySchema { all_of, .. })
            if all_of.iter().any(|part| super::compose::is_annotation_only(part)
                && matches!(part, ReferenceOr::Item(part) if part.schema_data.nullable)))
}
