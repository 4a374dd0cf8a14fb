//! Operations: their method names, parameters (path parameters checked against the template) and request
//! bodies. Responses are in `responses`.

use std::collections::{BTreeMap, BTreeSet, HashMap, btree_map};

use indexmap::IndexMap;
use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody};

use super::refs::Refs;
use super::responses::{Responses, encoding_of, pick_media};
use super::schemas::Builder;
use super::security::security_of;
use super::templates::template_names;
use super::{
    Body, BodyEncoding, Constraints, EventStreamForm, Form, Gate, HttpMethod, Operation, Param, ParamLocation, Part,
    PartKind, ResponseBody, SecurityScheme, StatusMatch, Style, Ty,
};
use crate::error::{Error, ErrorKind, pointer_push};
use crate::extensions;
use crate::names::{Scope, pascal, snake};

/// An operation found in `paths`, before it is built.
struct Found<'a> {
    path: &'a str,
    method: HttpMethod,
    item: &'a PathItem,
    op: &'a openapiv3::Operation,
    pointer: String,
}

impl<'a> Builder<'a> {
    /// Every operation of the document, in spec order, each with a method name of its own.
    pub(super) fn operations(&mut self, schemes: &[SecurityScheme]) -> Result<Vec<Operation>, Error> {
        let mut fn_scope = Scope::with_reserved(self.reserved.client_methods);
        for scheme in schemes {
            fn_scope.claim(scheme.method.clone());
        }
        let mut found = Vec::new();
        let mut ids: HashMap<String, String> = HashMap::new();
        let doc = self.refs.doc;
        for (path, item) in doc.paths.iter() {
            let item_pointer = pointer_push("/paths", path);
            let item = self.refs.path_item(item, &item_pointer)?;
            for (method, op) in HttpMethod::operations(item) {
                let pointer = pointer_push(&item_pointer, method.key());
                if let Some(id) = &op.operation_id {
                    if let Some(other) = ids.insert(id.clone(), pointer.clone()) {
                        return Err(self.error(
                            &pointer,
                            ErrorKind::DuplicateOperationId { id: id.clone(), other: format!("#{other}") },
                        ));
                    }
                }
                found.push(Found { path, method, item, op, pointer });
            }
        }
        // Names the spec gives come first; names derived from method and path take what is left.
        let mut fn_names: Vec<Option<String>> =
            found.iter().map(|f| f.op.operation_id.as_ref().map(|id| fn_scope.claim(snake(id)))).collect();
        for (f, name) in found.iter().zip(fn_names.iter_mut()) {
            if name.is_none() {
                *name = Some(fn_scope.claim(snake(&format!("{} {}", f.method.key(), f.path.replace(['{', '}'], " ")))));
            }
        }
        let mut operations = Vec::with_capacity(found.len());
        let mut markers = Scope::default();
        for (f, fn_name) in found.into_iter().zip(fn_names) {
            let fn_name = fn_name.unwrap_or_default();
            let marker = markers.claim(pascal(&fn_name));
            operations.push(self.operation(f, fn_name, marker)?);
        }
        share_error_enums(&mut operations);
        // Event-stream forms are named after every operation is, so that adding one renames no operation.
        for op in &mut operations {
            if let Some(form) = &mut op.event_stream {
                form.marker = markers.claim(format!("{}Events", op.marker));
            }
        }
        // `login` for the one exchange operation; with several, `login_with_<operation>` each.
        let exchanges = operations.iter().filter(|op| op.token.as_ref().is_some_and(|t| t.role.is_exchange())).count();
        for op in &mut operations {
            if op.token.as_ref().is_some_and(|t| t.role.is_exchange()) {
                op.login_method = Some(if exchanges == 1 {
                    "login".to_owned()
                } else {
                    fn_scope.claim(format!("login_with_{}", op.fn_name))
                });
            }
        }
        Ok(operations)
    }

    fn operation(&mut self, found: Found<'a>, fn_name: String, marker: String) -> Result<Operation, Error> {
        let Found { path, method, item, op, pointer } = found;
        // The operation's PascalCase stem, for its error and response types.
        let type_stem = pascal(&fn_name).trim_end_matches('_').to_owned();
        let token = extensions::token(&op.extensions).map_err(|kind| self.error(&pointer, kind))?;
        let exchange = token.as_ref().is_some_and(|t| t.role.is_exchange());
        let params = self.params(path, item, op, &type_stem, &pointer, exchange)?;
        let body = match &op.request_body {
            Some(body) => {
                let body_pointer = pointer_push(&pointer, "requestBody");
                let body = self.refs.resolve(body, "requestBodies", |c| &c.request_bodies, &body_pointer)?;
                self.body(method, body, &format!("{type_stem}Request"), &body_pointer)?
            }
            None => None,
        };
        let Responses { success, errors, accept, event_stream, success_headers } =
            self.responses(op, &type_stem, &pointer)?;
        let paging = extensions::pagination(&op.extensions, &self.refs.doc.extensions)
            .map_err(|kind| self.error(&pointer_push(&pointer, extensions::PAGINATION), kind))?;
        let success_types: BTreeSet<&ResponseBody> = success.iter().map(|o| &o.body).collect();
        let success_type = (success_types.len() > 1).then(|| self.type_scope.claim(format!("{type_stem}Response")));
        let error_type = (!errors.is_empty()).then(|| self.type_scope.claim(format!("{type_stem}Error")));
        let security = security_of(op.security.as_ref().or(self.refs.doc.security.as_ref()));
        // A header parameter named like `Idempotency-Key` (or `X-Idempotency-Key`) is where per-call
        // idempotency keys go for this operation.
        let idempotency_header = params
            .iter()
            .find(|p| p.location == ParamLocation::Header && p.wire.to_ascii_lowercase().ends_with("idempotency-key"))
            .map(|p| p.wire.clone());
        Ok(Operation {
            id: op.operation_id.clone().unwrap_or_else(|| fn_name.clone()),
            fn_name,
            marker,
            idempotency_header,
            method,
            path: path.to_owned(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            body,
            success,
            errors,
            error_type,
            error_shared: None,
            success_type,
            accept,
            event_stream: event_stream.map(|outcome| EventStreamForm { marker: String::new(), outcome }),
            security,
            token,
            login_method: None,
            tags: op.tags.clone(),
            gate: Gate::Always,
            pointer,
            success_headers,
            declared_paging: paging,
            pages: None,
        })
    }

    fn params(
        &mut self,
        path: &str,
        item: &'a PathItem,
        op: &'a openapiv3::Operation,
        type_stem: &str,
        pointer: &str,
        exchange: bool,
    ) -> Result<Vec<Param>, Error> {
        // Operation parameters override path-item ones with the same name and location.
        let mut merged: IndexMap<(String, ParamLocation), (&Parameter, String)> = IndexMap::new();
        let item_pointer = pointer.rsplit_once('/').map_or("", |(head, _)| head).to_owned();
        for (list, list_pointer) in [(&item.parameters, item_pointer), (&op.parameters, pointer.to_owned())] {
            for (i, param) in list.iter().enumerate() {
                let param_pointer = pointer_push(&pointer_push(&list_pointer, "parameters"), &i.to_string());
                let param = self.refs.resolve(param, "parameters", |c| &c.parameters, &param_pointer)?;
                let location = match param {
                    Parameter::Path { .. } => ParamLocation::Path,
                    Parameter::Query { .. } => ParamLocation::Query,
                    Parameter::Header { .. } => ParamLocation::Header,
                    Parameter::Cookie { .. } => ParamLocation::Cookie,
                };
                merged.insert((param.parameter_data_ref().name.clone(), location), (param, param_pointer));
            }
        }
        let in_path = template_names(path);
        let mut undeclared = Vec::new();
        for name in &in_path {
            if !merged.contains_key(&(name.clone(), ParamLocation::Path)) {
                if self.lenient {
                    undeclared.push(name.clone());
                    continue;
                }
                return Err(self.error(
                    pointer,
                    ErrorKind::PathParameter(format!(
                        "the path uses {{{name}}} but declares no path parameter `{name}`; declare it under \
                         `parameters` with `in: path`"
                    )),
                ));
            }
        }
        for ((name, location), (_, param_pointer)) in &merged {
            // Lenient: a declared path parameter the path never uses cannot be sent anywhere; it is left out.
            if *location == ParamLocation::Path && !in_path.contains(name) && !self.lenient {
                return Err(self.error(
                    param_pointer,
                    ErrorKind::PathParameter(format!(
                        "path parameter `{name}` is declared but the path {path:?} has no {{{name}}}"
                    )),
                ));
            }
        }
        // The parameters share the method's scope with what its body introduces, and an exchange operation's
        // with what its `login` method introduces too.
        let mut scope = Scope::with_reserved(self.reserved.operation_locals);
        if exchange {
            for name in self.reserved.login_locals {
                scope.claim((*name).to_owned());
            }
        }
        let mut params = Vec::new();
        for name in undeclared {
            params.push(Param {
                ident: scope.claim(snake(&name)),
                wire: name.clone(),
                location: ParamLocation::Path,
                ty: Ty::String,
                required: true,
                doc: Some(format!(
                    "`{{{name}}}` in the path; the spec does not declare it, so it is taken as a string."
                )),
                style: Style::Simple,
                explode: false,
                deprecated: false,
                constraints: Constraints::default(),
            });
        }
        // Path parameters first, in the order the path uses them, then the rest in spec order.
        let mut ordered: Vec<&(&Parameter, String)> =
            in_path.iter().filter_map(|name| merged.get(&(name.clone(), ParamLocation::Path))).collect();
        ordered.extend(merged.iter().filter(|((_, location), _)| *location != ParamLocation::Path).map(|(_, v)| v));
        for (param, param_pointer) in ordered {
            let data = param.parameter_data_ref();
            let (location, style) = match param {
                Parameter::Query { style, .. } => (ParamLocation::Query, query_style(style)),
                Parameter::Path { style, .. } => (
                    ParamLocation::Path,
                    match style {
                        openapiv3::PathStyle::Simple => Style::Simple,
                        openapiv3::PathStyle::Label => Style::Label,
                        openapiv3::PathStyle::Matrix => Style::Matrix,
                    },
                ),
                Parameter::Header { .. } => (ParamLocation::Header, Style::Simple),
                Parameter::Cookie { .. } => (ParamLocation::Cookie, Style::Form),
            };
            // `form` explodes by default, and `deepObject` always does; the others do not.
            let explode = data.explode.unwrap_or(matches!(style, Style::Form | Style::DeepObject));
            let hint = format!("{type_stem} {}", data.name);
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    self.schema_ty(schema, &hint, &pointer_push(param_pointer, "schema"), false)?
                }
                ParameterSchemaOrContent::Content(_) => Ty::String,
            };
            let constraints = match &data.format {
                ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => self.constraints(schema),
                ParameterSchemaOrContent::Schema(ReferenceOr::Reference { reference }) => {
                    self.refs.inner_schema(reference).map(super::schemas::constraints_of).unwrap_or_default()
                }
                ParameterSchemaOrContent::Content(_) => Constraints::default(),
            };
            params.push(Param {
                ident: scope.claim(snake(&data.name)),
                wire: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                doc: data.description.clone(),
                style,
                explode,
                deprecated: data.deprecated == Some(true),
                constraints,
            });
        }
        Ok(params)
    }

    fn body(
        &mut self,
        method: HttpMethod,
        body: &RequestBody,
        hint: &str,
        pointer: &str,
    ) -> Result<Option<Body>, Error> {
        let Some((content_type, media)) = pick_media(&body.content) else {
            return Ok(None);
        };
        // A method that carries no body, with a body that holds nothing (Stripe declares an empty form body on
        // every GET): no argument for it.
        let bodiless = matches!(
            method,
            HttpMethod::Get | HttpMethod::Head | HttpMethod::Delete | HttpMethod::Options | HttpMethod::Trace
        );
        if bodiless && media.schema.as_ref().is_none_or(|schema| self.holds_nothing(schema)) {
            return Ok(None);
        }
        let encoding = encoding_of(content_type);
        let media_pointer = pointer_push(&pointer_push(pointer, "content"), content_type);
        let ty = match (&media.schema, encoding) {
            (Some(schema), BodyEncoding::Json | BodyEncoding::Form) => {
                self.schema_ty(schema, hint, &pointer_push(&media_pointer, "schema"), false)?
            }
            (None, BodyEncoding::Json | BodyEncoding::Form) => Ty::Json,
            (_, BodyEncoding::Text) => Ty::String,
            (_, BodyEncoding::Bytes | BodyEncoding::Multipart) => Ty::Json,
        };
        let (mut encodings, mut json_properties) = (Vec::new(), Vec::new());
        if encoding == BodyEncoding::Form {
            for (property, how) in &media.encoding {
                if how.content_type.as_deref().is_some_and(|media| encoding_of(media) == BodyEncoding::Json) {
                    json_properties.push(property.clone());
                } else if let Some(style) = &how.style {
                    // `load` wrote OpenAPI's default `explode` (true for `form`) where the spec says none.
                    let style = query_style(style);
                    encodings.push((property.clone(), style, how.explode || style == Style::DeepObject));
                }
            }
        }
        let form = match (&media.schema, encoding) {
            (Some(schema), BodyEncoding::Multipart) => {
                self.form(schema, media, hint, &pointer_push(&media_pointer, "schema"))?
            }
            _ => None,
        };
        Ok(Some(Body {
            ty,
            encoding,
            content_type: content_type.to_owned(),
            required: body.required,
            doc: body.description.clone(),
            encodings,
            json_properties,
            form,
        }))
    }

    /// The parts of a multipart body whose schema is an object with properties (`None` for any other
    /// schema, which stays an untyped form).
    fn form(
        &mut self,
        schema: &openapiv3::ReferenceOr<openapiv3::Schema>,
        media: &openapiv3::MediaType,
        hint: &str,
        pointer: &str,
    ) -> Result<Option<Form>, Error> {
        use openapiv3::{ReferenceOr, SchemaKind, Type};
        let (schema, pointer) = match schema {
            ReferenceOr::Item(schema) => (schema, pointer.to_owned()),
            ReferenceOr::Reference { reference } => match self.refs.schema(reference, pointer) {
                Ok((schema, at)) => (schema, at),
                Err(_) => return Ok(None),
            },
        };
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else { return Ok(None) };
        if object.properties.is_empty() {
            return Ok(None);
        }
        let stem = hint.strip_suffix("Request").unwrap_or(hint);
        let mut fields = Scope::default();
        let mut parts = Vec::with_capacity(object.properties.len());
        for (wire, property) in &object.properties {
            let property_pointer = pointer_push(&pointer_push(&pointer, "properties"), wire);
            let resolved = match property {
                ReferenceOr::Item(schema) => Some(schema.as_ref()),
                ReferenceOr::Reference { reference } => self.refs.schema(reference, "").ok().map(|(s, _)| s),
            };
            let items = resolved.and_then(|schema| match &schema.schema_kind {
                SchemaKind::Type(Type::Array(array)) => array.items.as_ref(),
                _ => None,
            });
            let (repeated, element) = match items {
                Some(items) => (true, items.clone().unbox()),
                None => (false, property.clone().unbox()),
            };
            let element_pointer = if repeated { pointer_push(&property_pointer, "items") } else { property_pointer };
            let part_hint = format!("{stem}{}", pascal(wire));
            let kind = if is_binary(&self.refs, &element) {
                PartKind::File
            } else {
                let ty = self.schema_ty(&element, &part_hint, &element_pointer, false)?;
                // Scalars (and enums of them) go as their text, anything else as JSON.
                if is_scalar(&self.refs, &element) { PartKind::Text(ty) } else { PartKind::Json(ty) }
            };
            let content_type = media
                .encoding
                .get(wire)
                .and_then(|how| how.content_type.as_deref())
                .and_then(|types| types.split(',').next())
                .map(|media| media.trim().to_owned())
                .filter(|media| !media.is_empty());
            let doc = resolved.and_then(|schema| schema.schema_data.description.clone());
            let headers = media.encoding.get(wire).map(|how| how.headers.keys().cloned().collect()).unwrap_or_default();
            parts.push(Part {
                ident: fields.claim(snake(wire)),
                wire: wire.clone(),
                required: object.required.contains(wire),
                repeated,
                kind,
                content_type,
                headers,
                doc,
            });
        }
        Ok(Some(Form { name: self.type_scope.claim(format!("{stem}Form")), parts }))
    }

    /// Whether a body schema holds nothing: an object with no properties and no further ones.
    fn holds_nothing(&self, schema: &openapiv3::ReferenceOr<openapiv3::Schema>) -> bool {
        let schema = match schema {
            openapiv3::ReferenceOr::Item(schema) => schema,
            openapiv3::ReferenceOr::Reference { reference } => match self.refs.schema(reference, "") {
                Ok((schema, _)) => schema,
                Err(_) => return false,
            },
        };
        let no_more = |more: Option<&openapiv3::AdditionalProperties>| {
            matches!(more, None | Some(openapiv3::AdditionalProperties::Any(false)))
        };
        match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) => {
                object.properties.is_empty() && no_more(object.additional_properties.as_ref())
            }
            _ => false,
        }
    }
}

/// A schema, through a `$ref` (`None` for a dangling one).
fn resolved<'a>(
    refs: &Refs<'a>,
    schema: &'a openapiv3::ReferenceOr<openapiv3::Schema>,
) -> Option<&'a openapiv3::Schema> {
    match schema {
        openapiv3::ReferenceOr::Item(schema) => Some(schema),
        openapiv3::ReferenceOr::Reference { reference } => refs.schema(reference, "").ok().map(|(schema, _)| schema),
    }
}

/// Whether a schema is a string, number, integer or boolean (an enum of them too), but not binary.
fn is_scalar(refs: &Refs<'_>, schema: &openapiv3::ReferenceOr<openapiv3::Schema>) -> bool {
    use openapiv3::{SchemaKind, Type};
    resolved(refs, schema).is_some_and(|schema| match &schema.schema_kind {
        SchemaKind::Type(Type::String(_) | Type::Number(_) | Type::Integer(_) | Type::Boolean(_)) => true,
        // A scalar behind a one-part `allOf` (how FastAPI gives an enum a default) is that scalar.
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => is_scalar(refs, &all_of[0]),
        _ => false,
    })
}

/// Whether a schema is `type: string, format: binary` (through a `$ref` too): a file part.
fn is_binary(refs: &Refs<'_>, schema: &openapiv3::ReferenceOr<openapiv3::Schema>) -> bool {
    use openapiv3::{SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
    let Some(schema) = resolved(refs, schema) else { return false };
    matches!(
        &schema.schema_kind,
        SchemaKind::Type(Type::String(string)) if string.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
    )
}

/// The style of a query parameter or a form-body property.
fn query_style(style: &openapiv3::QueryStyle) -> Style {
    match style {
        openapiv3::QueryStyle::Form => Style::Form,
        openapiv3::QueryStyle::SpaceDelimited => Style::SpaceDelimited,
        openapiv3::QueryStyle::PipeDelimited => Style::PipeDelimited,
        openapiv3::QueryStyle::DeepObject => Style::DeepObject,
    }
}

/// Operations whose documented errors are the same (statuses, variant names, bodies, descriptions) share
/// one error enum: the first such operation's, in spec order; the others' names become aliases of it, so
/// every operation keeps its `…Error` name while the enum, its derives and the runtime's code for it are
/// compiled once (most of a large API's operations answer the same few errors).
fn share_error_enums(operations: &mut [Operation]) {
    /// What makes two operations' errors the same: per documented error, its status, variant, body, words.
    type Shape<'a> = Vec<(StatusMatch, &'a str, &'a ResponseBody, Option<&'a str>)>;
    let mut first: BTreeMap<Shape, &str> = BTreeMap::new();
    let mut shared = Vec::with_capacity(operations.len());
    for op in operations.iter() {
        let target = op.error_type.as_deref().and_then(|name| {
            let shape = op.errors.iter().map(|o| (o.status, o.variant.as_str(), &o.body, o.doc.as_deref())).collect();
            match first.entry(shape) {
                btree_map::Entry::Occupied(entry) => Some(entry.get().to_string()),
                btree_map::Entry::Vacant(entry) => {
                    entry.insert(name);
                    None
                }
            }
        });
        shared.push(target);
    }
    for (op, target) in operations.iter_mut().zip(shared) {
        op.error_shared = target;
    }
}
