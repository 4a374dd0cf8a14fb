//! Model: the spec resolved, named and validated once, as plain data that `emit` turns into code.
//!
//! Every `$ref` is followed here, every Rust name is decided here (so two spec names that map to one Rust
//! name get distinct names in a deterministic way), and every response is classified by status here.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody,
    Response, Schema, SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::error::{Error, ErrorKind, pointer_push};
use crate::extensions::{self, TokenExtension};
use crate::names::{Scope, pascal, snake};

/// The whole API, ready to emit.
#[derive(Debug)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The servers, in spec order (the first is the default).
    pub servers: Vec<Server>,
    /// Every named type, in a stable order.
    pub types: Vec<TypeDef>,
    /// Every operation, in spec order.
    pub operations: Vec<Operation>,
    /// The security schemes, in spec order.
    pub schemes: Vec<SecurityScheme>,
    /// Type name → index in `types`.
    pub index: HashMap<String, usize>,
}

/// A server URL, possibly with `{variables}`.
#[derive(Debug)]
pub struct Server {
    /// The URL template.
    pub url: String,
    /// Its description.
    pub description: Option<String>,
    /// Its variables in order of appearance in the URL.
    pub variables: Vec<ServerVariable>,
}

/// A `{variable}` of a server URL.
#[derive(Debug)]
pub struct ServerVariable {
    /// The name in the URL.
    pub wire: String,
    /// The Rust parameter name.
    pub ident: String,
    /// Its description.
    pub description: Option<String>,
}

/// A named Rust type.
#[derive(Debug)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// Doc text.
    pub doc: Option<String>,
    /// What it is.
    pub kind: TypeKind,
    /// Whether it holds a credential somewhere inside (computed after all types are known).
    pub sensitive: bool,
}

/// The shape of a named type.
#[derive(Debug)]
pub enum TypeKind {
    /// An object with known properties.
    Struct {
        /// The properties.
        fields: Vec<Field>,
        /// The type of further properties (`additionalProperties`), kept in a flattened map.
        additional: Option<Ty>,
    },
    /// A string enum; unknown values are kept in an `Other(String)` variant.
    Enum {
        /// `(variant, wire value)`.
        variants: Vec<(String, String)>,
    },
    /// An integer enum; unknown values are kept in an `Other` variant.
    IntEnum {
        /// The integer type on the wire (`Ty::I32`, `Ty::I64` or `Ty::U64`).
        repr: Ty,
        /// `(variant, value)`.
        variants: Vec<(String, i64)>,
    },
    /// `oneOf` / `anyOf`: chosen by the discriminator property when the spec names one (with an `Other`
    /// variant for values it does not list), else the first variant whose shape matches the JSON.
    Union {
        /// `(variant, type)`.
        variants: Vec<(String, Ty)>,
        /// The discriminator, when every variant is a `$ref` it can name.
        tag: Option<Tag>,
    },
    /// Another name for a type.
    Alias(Ty),
    /// A type of its own wrapping another (serde-transparent): for a component that contains itself
    /// (`A = Vec<A>`), which an alias cannot express.
    Newtype(Ty),
}

/// A discriminator: the property holding the tag, and each tag value with the index of its variant.
#[derive(Debug)]
pub struct Tag {
    /// The property name.
    pub property: String,
    /// `(tag value, variant index)`, in spec order; several values may name one variant.
    pub values: Vec<(String, usize)>,
}

/// A property of an object.
#[derive(Debug)]
pub struct Field {
    /// Rust field name.
    pub ident: String,
    /// Name on the wire.
    pub wire: String,
    /// Doc text.
    pub doc: Option<String>,
    /// The type, without the `Option` that `required`/`nullable` add.
    pub ty: Ty,
    /// Listed in `required`.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// Marked deprecated.
    pub deprecated: bool,
}

impl Field {
    /// Whether the Rust field is an `Option`.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ty {
    /// `String`.
    String,
    /// A credential: `clientgen_runtime::Secret`.
    Secret,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u64` (`format: uint64`, or an integer whose bounds do not fit `i64`).
    U64,
    /// `f64`.
    F64,
    /// `chrono::DateTime<chrono::Utc>`.
    DateTime,
    /// `chrono::NaiveDate`.
    Date,
    /// `uuid::Uuid`.
    Uuid,
    /// Any JSON: `serde_json::Value`.
    Json,
    /// A JSON object with unknown properties.
    JsonObject,
    /// A named type.
    Named(String),
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `Box<T>`, to break a recursive type.
    Boxed(Box<Ty>),
    /// `Option<T>`: an array item or map value that may be `null`.
    Nullable(Box<Ty>),
}

/// An operation.
#[derive(Debug)]
pub struct Operation {
    /// The Rust method name.
    pub fn_name: String,
    /// The operation's PascalCase stem, for its error and response types.
    pub type_stem: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// Summary.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// Parameters: path ones first, in path order, then the rest in spec order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// Success responses.
    pub success: Vec<Outcome>,
    /// Documented error responses.
    pub errors: Vec<Outcome>,
    /// The error enum's name, when there are documented errors.
    pub error_type: Option<String>,
    /// The success enum's name, when successes have different types.
    pub success_type: Option<String>,
    /// The media type to ask for (`Accept`), from the success responses.
    pub accept: Option<String>,
    /// Which credentials it needs.
    pub security: Security,
    /// Our token extension, if this operation issues or refreshes a token.
    pub token: Option<TokenExtension>,
    /// JSON pointer of the operation (for messages).
    pub pointer: String,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
}

/// A parameter.
#[derive(Debug)]
pub struct Param {
    /// Rust name.
    pub ident: String,
    /// Name on the wire.
    pub wire: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub ty: Ty,
    /// Required.
    pub required: bool,
    /// Doc text.
    pub doc: Option<String>,
    /// Query parameters: the OpenAPI `style`.
    pub style: QueryStyle,
    /// Query parameters: `explode` (by default true for `form`, false for the other styles).
    pub explode: bool,
}

/// The style of a query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`.
    Form,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json` and `+json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// Text.
    Text,
    /// `multipart/form-data`: the caller builds the parts (`reqwest::multipart::Form`).
    Multipart,
    /// Raw bytes (octet-stream and anything else, sent as given).
    Bytes,
}

/// A request body.
#[derive(Debug)]
pub struct Body {
    /// Its type (`Ty::String` for text, ignored for bytes).
    pub ty: Ty,
    /// Encoding.
    pub encoding: BodyEncoding,
    /// The media type.
    pub content_type: String,
    /// Required.
    pub required: bool,
    /// Doc text.
    pub doc: Option<String>,
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One code.
    Code(u16),
    /// `4XX`: the first digit.
    Range(u16),
    /// `default`.
    Default,
}

/// How a response body is read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ResponseBody {
    /// No body.
    Empty,
    /// JSON of this type.
    Json(Ty),
    /// Text.
    Text,
    /// Bytes.
    Bytes,
}

/// A documented response.
#[derive(Debug)]
pub struct Outcome {
    /// Which statuses.
    pub status: StatusMatch,
    /// The variant name in the operation's success or error enum.
    pub variant: String,
    /// The body.
    pub body: ResponseBody,
    /// The response description.
    pub doc: Option<String>,
}

/// What credentials an operation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    /// None.
    None,
    /// One of these schemes.
    Required(Vec<String>),
    /// One of these schemes if held; anonymous otherwise.
    Optional(Vec<String>),
}

/// Where a property is declared: the type that names its inline schemas, and the pointer of the
/// `properties` holding it.
#[derive(Debug, Clone)]
struct Origin {
    owner: String,
    pointer: String,
}

/// A property an `allOf` merges: its schema, the component that declares it (`None`: the merging schema),
/// and the pointer of the `properties` holding it.
struct MergedProperty {
    schema: ReferenceOr<Box<Schema>>,
    owner: Option<String>,
    pointer: String,
}

/// A property to make a field of: its wire name, its schema and where it is declared.
type Property<'s> = (String, &'s ReferenceOr<Box<Schema>>, Origin);

/// An operation's responses: successes, documented errors, and the media type to ask for.
type Responses = (Vec<Outcome>, Vec<Outcome>, Option<String>);

/// A security scheme and how its credential is placed on a request.
#[derive(Debug)]
pub struct SecurityScheme {
    /// The key in `components.securitySchemes`.
    pub key: String,
    /// The `Client::with_…` method for a credential the caller holds.
    pub method: String,
    /// The `static` holding its `AuthSpec`.
    pub static_name: String,
    /// Description.
    pub description: Option<String>,
    /// Placement.
    pub placement: Placement,
}

/// Where a credential goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// A header value: `prefix` + credential.
    Header {
        /// Lower-case header name.
        name: String,
        /// Text before the credential (`"Bearer "`, `"token "`, or empty).
        prefix: String,
    },
    /// JSON request-body properties (our `x-clientgen-in: body`).
    Body {
        /// The property that receives the token.
        token_field: String,
        /// Properties filled from values kept at login.
        fields: Vec<String>,
    },
    /// A query parameter.
    Query {
        /// The parameter name.
        name: String,
    },
    /// A cookie.
    Cookie {
        /// The cookie name.
        name: String,
    },
}

const MAX_REF_HOPS: usize = 64;

/// Builds the model of `doc`, read from `file`.
///
/// `lenient` accepts mistakes that real-world specs make and that have one safe reading (a path
/// parameter used in the path but never declared becomes a required string), noting it in the docs.
pub fn build(file: &Path, doc: &OpenAPI, lenient: bool) -> Result<Api, Error> {
    let mut builder = Builder::new(file, doc);
    builder.lenient = lenient;
    builder.register_components()?;
    let schemes = builder.security_schemes()?;
    let operations = builder.operations(&schemes)?;
    let mut types = std::mem::take(&mut builder.types);
    wrap_recursive_aliases(&mut types);
    box_recursion(&mut types);
    mark_sensitive(&mut types);
    let servers = doc
        .servers
        .iter()
        .map(|server| {
            let mut scope = Scope::with_reserved(&["base_url", "http"]);
            let variables = template_names(&server.url)
                .into_iter()
                .map(|wire| ServerVariable {
                    ident: scope.claim(snake(&wire)),
                    description: server
                        .variables
                        .as_ref()
                        .and_then(|vars| vars.get(&wire))
                        .and_then(|var| var.description.clone()),
                    wire,
                })
                .collect();
            Server { url: server.url.clone(), description: server.description.clone(), variables }
        })
        .collect();
    let index = types.iter().enumerate().map(|(i, def)| (def.name.clone(), i)).collect();
    Ok(Api {
        index,
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        servers,
        types,
        operations,
        schemes,
    })
}

/// One piece of a URL template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Text as it is.
    Literal(&'a str),
    /// A `{name}`.
    Variable(&'a str),
}

/// Splits a template such as `/pets/{id}` into literal text and `{variables}` (the first `}` after a `{`
/// ends it; an unclosed `{` is text).
pub fn split_template(template: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        if start > 0 {
            segments.push(Segment::Literal(&rest[..start]));
        }
        segments.push(Segment::Variable(&rest[start + 1..start + len]));
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        segments.push(Segment::Literal(rest));
    }
    segments
}

/// The `{names}` in a template, in order, each once.
pub fn template_names(template: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for segment in split_template(template) {
        if let Segment::Variable(name) = segment {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
    }
    names
}

struct Builder<'a> {
    file: &'a Path,
    doc: &'a OpenAPI,
    /// Component schema key → Rust type name.
    component_names: HashMap<String, String>,
    type_scope: Scope,
    types: Vec<TypeDef>,
    lenient: bool,
    /// How deep `inline_ty` is nested now.
    depth: usize,
    /// The type already built for an inline property schema, by its JSON pointer: a property that allOf
    /// merges into several structs gets one type, named from the schema that declares it.
    property_types: HashMap<String, Ty>,
}

impl<'a> Builder<'a> {
    fn new(file: &'a Path, doc: &'a OpenAPI) -> Self {
        // Names that generated code uses unqualified: a type named so would shadow them. (Spec types live in
        // `types`, so a schema may be called `Error` or `Client`; per-operation types share this scope.)
        let type_scope = Scope::with_reserved(&[
            "Box",
            "Deserialize",
            "Err",
            "None",
            "Ok",
            "Option",
            "Result",
            "Serialize",
            "Some",
            "String",
            "Vec",
        ]);
        Self {
            file,
            doc,
            component_names: HashMap::new(),
            type_scope,
            types: Vec::new(),
            lenient: false,
            depth: 0,
            property_types: HashMap::new(),
        }
    }

    fn error(&self, pointer: &str, kind: ErrorKind) -> Error {
        Error::new(self.file, pointer, kind)
    }

    fn register_components(&mut self) -> Result<(), Error> {
        let Some(components) = &self.doc.components else {
            return Ok(());
        };
        for key in components.schemas.keys() {
            let name = self.type_scope.claim(pascal(key));
            self.component_names.insert(key.clone(), name);
        }
        let extensions = self.extensions_by_discriminator(&components.schemas);
        for (key, schema) in &components.schemas {
            let pointer = pointer_push("/components/schemas", key);
            let name = self.component_names[key].clone();
            if let (Some(children), ReferenceOr::Item(base)) = (extensions.get(key), schema) {
                self.push_base_union(name, base, children);
                continue;
            }
            if let ReferenceOr::Reference { reference } = schema {
                // A component that only refers on: make sure the chain ends in a definition.
                self.resolve_schema(reference, &pointer)?;
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

    /// The schemas that extend each object schema with a `discriminator` (through `allOf`, directly or through
    /// one another, or named in its `mapping`), in component order: such a base is read as a union of them.
    fn extensions_by_discriminator(
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
                        ReferenceOr::Reference { reference } => self.resolve_schema(reference, "").ok().map(|r| r.1),
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
                let Ok((mapped, mapped_key)) = self.resolve_schema(&reference, "") else { continue };
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
    fn push_base_union(&mut self, name: String, base: &Schema, children: &[String]) {
        let mut scope = Scope::with_reserved(&["Other"]);
        let mut variants = Vec::with_capacity(children.len());
        let mut refs = Vec::with_capacity(children.len());
        for child in children {
            let child_name = self.component_names[child].clone();
            variants.push((scope.claim(pascal(&variant_label(&name, &child_name))), Ty::Named(child_name)));
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

    /// Follows a `#/components/schemas/…` reference chain to a schema.
    fn resolve_schema(&self, reference: &str, pointer: &str) -> Result<(&'a Schema, String), Error> {
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

    fn component_key(&self, reference: &str, section: &str, pointer: &str) -> Result<String, Error> {
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

    /// Follows a reference to a component of another kind (parameters, responses, request bodies).
    fn resolve<T>(
        &self,
        item: &'a ReferenceOr<T>,
        section: &str,
        map: impl Fn(&'a openapiv3::Components) -> &'a IndexMap<String, ReferenceOr<T>>,
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

    /// The type of a schema. `hint` names any type this creates; `named` says the hint is a component's
    /// own name, which an object or enum takes.
    fn schema_ty(&mut self, schema: &ReferenceOr<Schema>, hint: &str, pointer: &str, named: bool) -> Result<Ty, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_ty(reference, pointer),
            ReferenceOr::Item(schema) => self.inline_ty(schema, hint, pointer, named),
        }
    }

    fn boxed_schema_ty(&mut self, schema: &ReferenceOr<Box<Schema>>, hint: &str, pointer: &str) -> Result<Ty, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_ty(reference, pointer),
            ReferenceOr::Item(schema) => self.inline_ty(schema, hint, pointer, false),
        }
    }

    /// `ty` as `Option<ty>` when the (possibly referenced) schema is nullable: for array items and map
    /// values, where no field-level `Option` carries it.
    fn nullable_if(&self, schema: &ReferenceOr<Box<Schema>>, ty: Ty) -> Ty {
        let nullable = match schema {
            ReferenceOr::Item(schema) => schema.schema_data.nullable,
            ReferenceOr::Reference { reference } => {
                self.resolve_schema(reference, "").is_ok_and(|(schema, _)| schema.schema_data.nullable)
            }
        };
        if nullable && ty != Ty::Json { Ty::Nullable(Box::new(ty)) } else { ty }
    }

    fn ref_ty(&mut self, reference: &str, pointer: &str) -> Result<Ty, Error> {
        let key = self.component_key(reference, "schemas", pointer)?;
        match self.component_names.get(&key) {
            Some(name) => Ok(Ty::Named(name.clone())),
            None => Err(self.error(pointer, ErrorKind::DanglingRef(reference.to_owned()))),
        }
    }

    fn new_type_name(&mut self, hint: &str, named: bool) -> String {
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
    fn degraded(&mut self, schema: &Schema, hint: &str, named: bool, why: &str) -> Ty {
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

    fn push_enum(&mut self, name: String, doc: Option<String>, values: &[&str]) {
        let mut scope = Scope::with_reserved(&["Other"]);
        let mut seen = BTreeSet::new();
        let variants = values
            .iter()
            .filter(|value| seen.insert(**value))
            .map(|value| (scope.claim(pascal(value)), (*value).to_owned()))
            .collect();
        self.types.push(TypeDef { name, doc, kind: TypeKind::Enum { variants }, sensitive: false });
    }

    fn push_int_enum(&mut self, name: String, doc: Option<String>, repr: Ty, values: &[i64]) {
        let mut scope = Scope::with_reserved(&["Other"]);
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
    fn object_ty(
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
                let nullable = match item.as_ref() {
                    ReferenceOr::Item(schema) => schema.schema_data.nullable,
                    ReferenceOr::Reference { reference } => {
                        self.resolve_schema(reference, pointer).is_ok_and(|(schema, _)| schema.schema_data.nullable)
                    }
                };
                Some(if nullable && ty != Ty::Json { Ty::Nullable(Box::new(ty)) } else { ty })
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
        let additional = additional_ty.filter(|ty| *ty != Ty::Json);
        self.types.push(TypeDef {
            name: name.clone(),
            doc: doc_of(schema),
            kind: TypeKind::Struct { fields, additional },
            sensitive: false,
        });
        Ok(Ty::Named(name))
    }

    /// The fields of a struct from its properties, each typed where it is declared (`origin`).
    fn fields(&mut self, properties: &[Property<'_>], required: &[String]) -> Result<Vec<Field>, Error> {
        let mut scope = Scope::with_reserved(&["additional_properties"]);
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
            let (doc, nullable, deprecated) = match property {
                ReferenceOr::Item(schema) => {
                    (doc_of(schema), schema.schema_data.nullable, schema.schema_data.deprecated)
                }
                ReferenceOr::Reference { reference } => match self.resolve_schema(reference, &field_pointer) {
                    Ok((schema, _)) => (None, schema.schema_data.nullable, false),
                    Err(_) => (None, false, false),
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
            });
        }
        Ok(fields)
    }

    fn all_of_ty(
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
            return self.schema_ty(only, hint, &pointer_push(&pointer_push(pointer, "allOf"), &i.to_string()), named);
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
            kind: TypeKind::Struct { fields, additional: None },
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
                let (schema, key) = self.resolve_schema(reference, &pointer)?;
                let owner = self.component_names.get(&key).cloned();
                Ok((schema, pointer_push("/components/schemas", &key), owner))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn union_ty(
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
        let name = self.new_type_name(hint, named);
        let mut scope = Scope::with_reserved(&["Other"]);
        let mut out = Vec::with_capacity(variants.len());
        // The component each variant refers to, for discriminator values.
        let mut refs: Vec<Option<String>> = Vec::with_capacity(variants.len());
        for (i, variant) in variants.iter().enumerate() {
            let variant_pointer = pointer_push(&pointer_push(pointer, keyword), &i.to_string());
            let ty = self.schema_ty(variant, &format!("{name}Variant{i}"), &variant_pointer, false)?;
            let label = match &ty {
                Ty::Named(named) => variant_label(&name, named),
                Ty::Vec(_) => "Array".to_owned(),
                Ty::Map(_) | Ty::JsonObject => "Object".to_owned(),
                Ty::String | Ty::Secret => "String".to_owned(),
                Ty::I32 | Ty::I64 => "Integer".to_owned(),
                Ty::F64 => "Number".to_owned(),
                Ty::Bool => "Boolean".to_owned(),
                other => pascal(&format!("{other:?}")),
            };
            if out.iter().any(|(_, seen)| *seen == ty) {
                continue;
            }
            out.push((scope.claim(pascal(&label)), ty));
            refs.push(match variant {
                ReferenceOr::Reference { reference } => Some(reference.clone()),
                ReferenceOr::Item(_) => None,
            });
        }
        let tag = schema.schema_data.discriminator.as_ref().and_then(|d| discriminator_tag(d, &refs));
        self.types.push(TypeDef {
            name: name.clone(),
            doc: doc_of(schema),
            kind: TypeKind::Union { variants: out, tag },
            sensitive: false,
        });
        Ok(Ty::Named(name))
    }

    fn security_schemes(&mut self) -> Result<Vec<SecurityScheme>, Error> {
        let Some(components) = &self.doc.components else {
            return Ok(Vec::new());
        };
        let mut schemes = Vec::new();
        // `with_<scheme>` methods live beside the constructors.
        let mut methods = Scope::with_reserved(&["with_base_url", "with_http_client"]);
        let mut statics = Scope::default();
        for (key, scheme) in &components.security_schemes {
            let pointer = pointer_push("/components/securitySchemes", key);
            let scheme = self.resolve(scheme, "securitySchemes", |c| &c.security_schemes, &pointer)?;
            let (placement, description) = extensions::placement(scheme).map_err(|kind| self.error(&pointer, kind))?;
            let method = methods.claim(format!("with_{}", snake(key).trim_end_matches('_')));
            let static_name = statics.claim(snake(key).trim_end_matches('_').to_uppercase());
            schemes.push(SecurityScheme { key: key.clone(), method, static_name, description, placement });
        }
        Ok(schemes)
    }

    fn operations(&mut self, schemes: &[SecurityScheme]) -> Result<Vec<Operation>, Error> {
        // The client's own methods.
        let mut fn_scope = Scope::with_reserved(&[
            "new",
            "with_base_url",
            "with_http_client",
            "base_url",
            "login",
            "resume",
            "session",
            "request",
            "send",
        ]);
        for scheme in schemes {
            fn_scope.claim(scheme.method.clone());
        }
        // Names at the crate root beside the per-operation types.
        let mut root_scope = Scope::with_reserved(&[
            "AuthError",
            "BuildError",
            "Client",
            "ClientCore",
            "Error",
            "ResponseValue",
            "Secret",
            "Security",
            "SendError",
            "Session",
            "SessionOptions",
            "StoredTokens",
            "TokenStore",
        ]);
        let mut found = Vec::new();
        let mut ids: HashMap<String, String> = HashMap::new();
        for (path, item) in self.doc.paths.iter() {
            let item_pointer = pointer_push("/paths", path);
            let item = self.resolve_path_item(item, &item_pointer)?;
            for (method, op) in item.iter() {
                let pointer = pointer_push(&item_pointer, method);
                if let Some(id) = &op.operation_id {
                    if let Some(other) = ids.insert(id.clone(), pointer.clone()) {
                        return Err(self.error(
                            &pointer,
                            ErrorKind::DuplicateOperationId { id: id.clone(), other: format!("#{other}") },
                        ));
                    }
                }
                found.push((path, method, item, op, pointer));
            }
        }
        // Names the spec gives come first; names derived from method and path take what is left.
        let mut fn_names: Vec<Option<String>> =
            found.iter().map(|(.., op, _)| op.operation_id.as_ref().map(|id| fn_scope.claim(snake(id)))).collect();
        for ((path, method, ..), name) in found.iter().zip(fn_names.iter_mut()) {
            if name.is_none() {
                *name = Some(fn_scope.claim(snake(&format!("{method} {}", path.replace(['{', '}'], " ")))));
            }
        }
        let mut operations = Vec::with_capacity(found.len());
        for ((path, method, item, op, pointer), fn_name) in found.into_iter().zip(fn_names) {
            let fn_name = fn_name.unwrap_or_default();
            let type_stem = pascal(&fn_name).trim_end_matches('_').to_owned();
            operations.push(self.operation(path, method, item, op, fn_name, type_stem, pointer, &mut root_scope)?);
        }
        Ok(operations)
    }

    fn resolve_path_item(
        &self,
        item: &'a ReferenceOr<openapiv3::PathItem>,
        pointer: &str,
    ) -> Result<&'a openapiv3::PathItem, Error> {
        match item {
            ReferenceOr::Item(item) => Ok(item),
            ReferenceOr::Reference { reference } => Err(self.error(pointer, ErrorKind::ExternalRef(reference.clone()))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: &str,
        item: &openapiv3::PathItem,
        op: &openapiv3::Operation,
        fn_name: String,
        type_stem: String,
        pointer: String,
        root_scope: &mut Scope,
    ) -> Result<Operation, Error> {
        let params = self.params(path, item, op, &type_stem, &pointer)?;
        let body = match &op.request_body {
            Some(body) => {
                let body_pointer = pointer_push(&pointer, "requestBody");
                let body = self.resolve(body, "requestBodies", |c| &c.request_bodies, &body_pointer)?;
                self.body(body, &format!("{type_stem}Request"), &body_pointer)?
            }
            None => None,
        };
        let (success, errors, accept) = self.responses(op, &type_stem, &pointer)?;
        let success_types: BTreeSet<&ResponseBody> = success.iter().map(|o| &o.body).collect();
        let success_type = (success_types.len() > 1).then(|| root_scope.claim(format!("{type_stem}Response")));
        let error_type = (!errors.is_empty()).then(|| root_scope.claim(format!("{type_stem}Error")));
        let security = security_of(op.security.as_ref().or(self.doc.security.as_ref()));
        let token = extensions::token(&op.extensions).map_err(|kind| self.error(&pointer, kind))?;
        Ok(Operation {
            fn_name,
            type_stem,
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            body,
            success,
            errors,
            error_type,
            success_type,
            accept,
            security,
            token,
            pointer,
        })
    }

    fn params(
        &mut self,
        path: &str,
        item: &openapiv3::PathItem,
        op: &openapiv3::Operation,
        type_stem: &str,
        pointer: &str,
    ) -> Result<Vec<Param>, Error> {
        // Operation parameters override path-item ones with the same name and location.
        let mut merged: IndexMap<(String, &'static str), (&Parameter, String)> = IndexMap::new();
        let item_pointer = pointer.rsplit_once('/').map_or("", |(head, _)| head).to_owned();
        for (list, list_pointer) in [(&item.parameters, item_pointer), (&op.parameters, pointer.to_owned())] {
            for (i, param) in list.iter().enumerate() {
                let param_pointer = pointer_push(&pointer_push(&list_pointer, "parameters"), &i.to_string());
                let param = self.resolve(param, "parameters", |c| &c.parameters, &param_pointer)?;
                let location = match param {
                    Parameter::Path { .. } => "path",
                    Parameter::Query { .. } => "query",
                    Parameter::Header { .. } => "header",
                    Parameter::Cookie { .. } => "cookie",
                };
                merged.insert((param.parameter_data_ref().name.clone(), location), (param, param_pointer));
            }
        }
        let in_path = template_names(path);
        let mut undeclared = Vec::new();
        for name in &in_path {
            if !merged.contains_key(&(name.clone(), "path")) {
                if self.lenient {
                    undeclared.push(name.clone());
                    continue;
                }
                return Err(self.error(
                    pointer,
                    ErrorKind::PathParameter(format!("the path uses {{{name}}} but declares no path parameter `{name}`; declare it under `parameters` with `in: path`")),
                ));
            }
        }
        // The method's own locals and arguments.
        let mut scope = Scope::with_reserved(&["body", "self", "request", "response", "value", "joined", "cookies"]);
        let mut params = Vec::new();
        // Path parameters first, in the order the path uses them.
        let mut ordered: Vec<&(&Parameter, String)> =
            in_path.iter().filter_map(|name| merged.get(&(name.clone(), "path"))).collect();
        ordered.extend(merged.iter().filter(|((_, location), _)| *location != "path").map(|(_, v)| v));
        for ((name, location), (_, param_pointer)) in &merged {
            // Lenient: a declared path parameter the path never uses cannot be sent anywhere; it is left out.
            if *location == "path" && !in_path.contains(name) && !self.lenient {
                return Err(self.error(
                    param_pointer,
                    ErrorKind::PathParameter(format!(
                        "path parameter `{name}` is declared but the path {path:?} has no {{{name}}}"
                    )),
                ));
            }
        }
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
                style: QueryStyle::Form,
                explode: false,
            });
        }
        for (param, param_pointer) in ordered {
            let data = param.parameter_data_ref();
            let (location, style, explode) = match param {
                Parameter::Query { parameter_data, style, .. } => {
                    let style = match style {
                        openapiv3::QueryStyle::Form => QueryStyle::Form,
                        openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
                        openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
                        openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
                    };
                    let default = matches!(style, QueryStyle::Form | QueryStyle::DeepObject);
                    (ParamLocation::Query, style, parameter_data.explode.unwrap_or(default))
                }
                Parameter::Path { .. } => (ParamLocation::Path, QueryStyle::Form, false),
                Parameter::Header { .. } => (ParamLocation::Header, QueryStyle::Form, false),
                Parameter::Cookie { .. } => (ParamLocation::Cookie, QueryStyle::Form, false),
            };
            let hint = format!("{type_stem} {}", data.name);
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    self.schema_ty(schema, &hint, &pointer_push(param_pointer, "schema"), false)?
                }
                ParameterSchemaOrContent::Content(_) => Ty::String,
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
            });
        }
        Ok(params)
    }

    fn body(&mut self, body: &RequestBody, hint: &str, pointer: &str) -> Result<Option<Body>, Error> {
        let Some((content_type, media)) = pick_media(&body.content) else {
            return Ok(None);
        };
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
        Ok(Some(Body {
            ty,
            encoding,
            content_type: content_type.to_owned(),
            required: body.required,
            doc: body.description.clone(),
        }))
    }

    fn responses(&mut self, op: &openapiv3::Operation, type_stem: &str, pointer: &str) -> Result<Responses, Error> {
        let responses_pointer = pointer_push(pointer, "responses");
        let mut accept = None;
        let mut entries: Vec<(StatusMatch, &ReferenceOr<Response>, String)> = op
            .responses
            .responses
            .iter()
            .map(|(code, response)| {
                let status = match code {
                    StatusCode::Code(code) => StatusMatch::Code(*code),
                    StatusCode::Range(digit) => StatusMatch::Range(*digit),
                };
                (status, response, pointer_push(&responses_pointer, &code.to_string()))
            })
            .collect();
        let has_success = entries.iter().any(|(status, ..)| is_success(*status));
        if let Some(default) = &op.responses.default {
            entries.push((StatusMatch::Default, default, pointer_push(&responses_pointer, "default")));
        }
        entries.sort_by_key(|(status, ..)| *status);
        let mut success = Vec::new();
        let mut errors = Vec::new();
        let mut success_scope = Scope::default();
        let mut error_scope = Scope::default();
        for (status, response, response_pointer) in entries {
            let response = self.resolve(response, "responses", |c| &c.responses, &response_pointer)?;
            // With no 2xx documented, `default` describes the successful answer too.
            let is_ok = is_success(status) || (status == StatusMatch::Default && !has_success);
            let label = status_label(status);
            if let Some((content_type, _)) = pick_media(&response.content).filter(|_| is_ok) {
                if accept.is_none() && !content_type.contains('*') {
                    accept = Some(content_type.to_owned());
                }
            }
            let body = match pick_media(&response.content) {
                None => ResponseBody::Empty,
                Some((content_type, media)) => match encoding_of(content_type) {
                    BodyEncoding::Json => match &media.schema {
                        Some(schema) => {
                            let hint = if is_ok {
                                format!("{type_stem}{label}Response")
                            } else {
                                format!("{type_stem}{label}Error")
                            };
                            let media_pointer = pointer_push(&pointer_push(&response_pointer, "content"), content_type);
                            ResponseBody::Json(self.schema_ty(
                                schema,
                                &hint,
                                &pointer_push(&media_pointer, "schema"),
                                false,
                            )?)
                        }
                        None => ResponseBody::Json(Ty::Json),
                    },
                    BodyEncoding::Text | BodyEncoding::Form => ResponseBody::Text,
                    BodyEncoding::Bytes | BodyEncoding::Multipart => ResponseBody::Bytes,
                },
            };
            let outcome = |scope: &mut Scope| Outcome {
                status,
                variant: scope.claim(label.clone()),
                body: body.clone(),
                doc: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
            };
            if is_ok {
                success.push(outcome(&mut success_scope));
            } else {
                errors.push(outcome(&mut error_scope));
            }
        }
        Ok((success, errors, accept))
    }
}

/// The tag values of a discriminated union: each `mapping` entry naming a variant's `$ref` (by the whole
/// reference or the component name), else the component name itself (OpenAPI's implicit mapping). `None`
/// when some variant is not a `$ref`, so it could not be named.
fn discriminator_tag(discriminator: &openapiv3::Discriminator, refs: &[Option<String>]) -> Option<Tag> {
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
fn variant_label(union: &str, variant: &str) -> String {
    variant.strip_prefix(union).filter(|rest| !rest.is_empty()).unwrap_or(variant).to_owned()
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

/// A schema that only annotates: no type, properties, items, composition or enum.
/// Whether a `oneOf`/`anyOf` variant only narrows an object with these properties: it adds `required`,
/// or constrains properties the object already has, but no shape of its own.
fn narrows(part: &ReferenceOr<Schema>, properties: &IndexMap<String, ReferenceOr<Box<Schema>>>) -> bool {
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

fn is_annotation_only(part: &ReferenceOr<Schema>) -> bool {
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

fn is_success(status: StatusMatch) -> bool {
    match status {
        StatusMatch::Code(code) => (200..300).contains(&code),
        StatusMatch::Range(digit) => digit == 2,
        StatusMatch::Default => false,
    }
}

/// A variant name for a status: its canonical reason (`Unauthorized`), `ClientError` for `4XX`, …
fn status_label(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match reason(code) {
            Some(reason) => pascal(reason),
            None => format!("Status{code}"),
        },
        StatusMatch::Range(1) => "Informational".into(),
        StatusMatch::Range(2) => "Success".into(),
        StatusMatch::Range(3) => "Redirection".into(),
        StatusMatch::Range(4) => "ClientError".into(),
        StatusMatch::Range(5) => "ServerError".into(),
        StatusMatch::Range(digit) => format!("Status{digit}xx"),
        StatusMatch::Default => "Default".into(),
    }
}

fn reason(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "Im A Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// The media type to use from a `content` map: JSON first, then form, text, anything.
fn pick_media(content: &IndexMap<String, openapiv3::MediaType>) -> Option<(&str, &openapiv3::MediaType)> {
    let rank = |media: &str| match encoding_of(media) {
        BodyEncoding::Json => 0,
        BodyEncoding::Form => 1,
        BodyEncoding::Text => 2,
        BodyEncoding::Multipart => 3,
        BodyEncoding::Bytes => 4,
    };
    content.iter().min_by_key(|(media, _)| rank(media)).map(|(media, value)| (media.as_str(), value))
}

fn encoding_of(media: &str) -> BodyEncoding {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" {
        BodyEncoding::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if essence == "multipart/form-data" || essence == "multipart/mixed" {
        BodyEncoding::Multipart
    } else if essence.starts_with("text/") {
        BodyEncoding::Text
    } else {
        BodyEncoding::Bytes
    }
}

fn security_of(requirements: Option<&Vec<openapiv3::SecurityRequirement>>) -> Security {
    let Some(requirements) = requirements else {
        return Security::None;
    };
    let anonymous = requirements.iter().any(|req| req.is_empty());
    let mut schemes: Vec<String> = Vec::new();
    for req in requirements {
        for key in req.keys() {
            if !schemes.contains(key) {
                schemes.push(key.clone());
            }
        }
    }
    match (schemes.is_empty(), anonymous) {
        (true, _) => Security::None,
        (false, true) => Security::Optional(schemes),
        (false, false) => Security::Required(schemes),
    }
}

fn doc_of(schema: &Schema) -> Option<String> {
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

/// Boxes fields that would otherwise make a type contain itself: an edge A → B of direct containment (a
/// field of type B or `Option<B>`; `Vec` and maps already are indirect) is boxed when A and B are in one
/// strongly connected component. Linear in the size of the type graph.
fn box_recursion(types: &mut [TypeDef]) {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, def)| (def.name.as_str(), i)).collect();
    let targets = |def: &TypeDef| -> Vec<Option<usize>> {
        let named_index = |ty: &Ty| named(ty).and_then(|name| index.get(name.as_str()).copied());
        match &def.kind {
            TypeKind::Struct { fields, .. } => fields.iter().map(|f| named_index(&f.ty)).collect(),
            TypeKind::Union { variants, .. } => variants.iter().map(|(_, ty)| named_index(ty)).collect(),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![named_index(ty)],
            TypeKind::Enum { .. } | TypeKind::IntEnum { .. } => Vec::new(),
        }
    };
    let edges: Vec<Vec<Option<usize>>> = types.iter().map(targets).collect();
    let component = strongly_connected(&edges);
    for (i, def) in types.iter_mut().enumerate() {
        let slots: Vec<&mut Ty> = match &mut def.kind {
            TypeKind::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
            TypeKind::Union { variants, .. } => variants.iter_mut().map(|(_, ty)| ty).collect(),
            _ => continue,
        };
        for (slot, target) in slots.into_iter().zip(&edges[i]) {
            if target.is_some_and(|t| component[t] == component[i]) {
                *slot = Ty::Boxed(Box::new(slot.clone()));
            }
        }
    }
}

/// Turns aliases whose target mentions the alias itself (through other aliases) into newtypes.
fn wrap_recursive_aliases(types: &mut [TypeDef]) {
    fn names(ty: &Ty, out: &mut Vec<String>) {
        match ty {
            Ty::Named(name) => out.push(name.clone()),
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => names(inner, out),
            _ => {}
        }
    }
    let aliases: HashMap<String, Ty> = types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Alias(ty) => Some((def.name.clone(), ty.clone())),
            _ => None,
        })
        .collect();
    for def in types.iter_mut() {
        let TypeKind::Alias(ty) = &def.kind else { continue };
        let mut stack = Vec::new();
        names(ty, &mut stack);
        let mut seen = BTreeSet::new();
        let mut recursive = false;
        while let Some(name) = stack.pop() {
            if name == def.name {
                recursive = true;
                break;
            }
            if seen.insert(name.clone()) {
                if let Some(target) = aliases.get(&name) {
                    names(target, &mut stack);
                }
            }
        }
        if recursive {
            def.kind = TypeKind::Newtype(ty.clone());
        }
    }
}

/// Kosaraju's algorithm, iteratively (deep type graphs must not overflow the stack): a component id per node.
fn strongly_connected(edges: &[Vec<Option<usize>>]) -> Vec<usize> {
    let n = edges.len();
    let out = |v: usize| edges[v].iter().flatten().copied();
    // 1. Nodes in order of finishing a depth-first search.
    let mut order = Vec::with_capacity(n);
    let mut visited = vec![false; n];
    for start in 0..n {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack: Vec<(usize, Vec<usize>)> = vec![(start, out(start).collect())];
        while let Some((node, pending)) = stack.last_mut() {
            if let Some(next) = pending.pop() {
                if !visited[next] {
                    visited[next] = true;
                    stack.push((next, out(next).collect()));
                }
            } else {
                order.push(*node);
                stack.pop();
            }
        }
    }
    // 2. On the reversed graph, in reverse finishing order, each search finds one component.
    let mut reversed = vec![Vec::new(); n];
    for v in 0..n {
        for w in out(v) {
            reversed[w].push(v);
        }
    }
    let mut component = vec![usize::MAX; n];
    let mut next_id = 0;
    for &start in order.iter().rev() {
        if component[start] != usize::MAX {
            continue;
        }
        component[start] = next_id;
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            for &prev in &reversed[node] {
                if component[prev] == usize::MAX {
                    component[prev] = next_id;
                    stack.push(prev);
                }
            }
        }
        next_id += 1;
    }
    component
}

fn named(ty: &Ty) -> Option<&String> {
    match ty {
        Ty::Named(name) => Some(name),
        _ => None,
    }
}

/// Marks the types that hold a credential somewhere inside.
fn mark_sensitive(types: &mut [TypeDef]) {
    let index: HashMap<String, usize> = types.iter().enumerate().map(|(i, def)| (def.name.clone(), i)).collect();
    let mut sensitive = vec![false; types.len()];
    // Fixed point: a type is sensitive if any type it mentions is.
    loop {
        let mut changed = false;
        for (i, def) in types.iter().enumerate() {
            if sensitive[i] {
                continue;
            }
            let mut tys: Vec<&Ty> = Vec::new();
            match &def.kind {
                TypeKind::Struct { fields, additional } => {
                    tys.extend(fields.iter().map(|f| &f.ty));
                    tys.extend(additional.iter());
                }
                TypeKind::Union { variants, .. } => tys.extend(variants.iter().map(|(_, ty)| ty)),
                TypeKind::Alias(ty) | TypeKind::Newtype(ty) => tys.push(ty),
                TypeKind::Enum { .. } | TypeKind::IntEnum { .. } => {}
            }
            if tys.iter().any(|ty| ty_sensitive(ty, &index, &sensitive)) {
                sensitive[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (def, flag) in types.iter_mut().zip(sensitive) {
        def.sensitive = flag;
    }
}

fn ty_sensitive(ty: &Ty, index: &HashMap<String, usize>, sensitive: &[bool]) -> bool {
    match ty {
        Ty::Secret => true,
        Ty::Named(name) => index.get(name).is_some_and(|&i| sensitive[i]),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => {
            ty_sensitive(inner, index, sensitive)
        }
        _ => false,
    }
}

impl Api {
    /// Whether a type expression holds a credential.
    pub fn is_sensitive(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Secret => true,
            Ty::Named(name) => self.type_def(name).is_some_and(|def| def.sensitive),
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => self.is_sensitive(inner),
            _ => false,
        }
    }

    /// The named type called `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.index.get(name).map(|&i| &self.types[i])
    }

    /// Whether any response of the operation may carry a credential.
    pub fn response_sensitive(&self, op: &Operation) -> bool {
        op.token.is_some()
            || op
                .success
                .iter()
                .chain(&op.errors)
                .any(|outcome| matches!(&outcome.body, ResponseBody::Json(ty) if self.is_sensitive(ty)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_text_and_variables() {
        assert_eq!(
            split_template("/a/{x}/{y}.json"),
            vec![
                Segment::Literal("/a/"),
                Segment::Variable("x"),
                Segment::Literal("/"),
                Segment::Variable("y"),
                Segment::Literal(".json")
            ]
        );
        assert_eq!(
            split_template("/{{x}}"),
            vec![Segment::Literal("/"), Segment::Variable("{x"), Segment::Literal("}")]
        );
    }

    #[test]
    fn template_names_in_order_once() {
        assert_eq!(template_names("/a/{x}/b/{y}/{x}"), vec!["x", "y"]);
        assert_eq!(template_names("/a/{unclosed"), Vec::<String>::new());
    }

    #[test]
    fn media_types_are_classified() {
        assert_eq!(encoding_of("application/json; charset=utf-8"), BodyEncoding::Json);
        assert_eq!(encoding_of("application/merge-patch+json"), BodyEncoding::Json);
        assert_eq!(encoding_of("application/x-www-form-urlencoded"), BodyEncoding::Form);
        assert_eq!(encoding_of("text/plain"), BodyEncoding::Text);
        assert_eq!(encoding_of("application/octet-stream"), BodyEncoding::Bytes);
    }

    #[test]
    fn statuses_are_labelled() {
        assert_eq!(status_label(StatusMatch::Code(429)), "TooManyRequests");
        assert_eq!(status_label(StatusMatch::Code(499)), "Status499");
        assert_eq!(status_label(StatusMatch::Range(5)), "ServerError");
        assert_eq!(status_label(StatusMatch::Default), "Default");
    }
}
