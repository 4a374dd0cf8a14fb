//! Model: the spec resolved, named and validated once, as plain data that `emit` turns into code.
//!
//! Every `$ref` is followed here ([`refs`]), every Rust name is decided here (so two spec names that map to
//! one Rust name get distinct names in a deterministic way, and no spec name meets a name the generated code
//! reserves: see [`Reserved`]), and every response is classified by status here. The stages of [`build`]:
//! component schemas become types ([`schemas`], with `allOf`/`oneOf`/`anyOf`/discriminators in
//! [`compose`]), security schemes are read ([`security`]), operations with their parameters, bodies and
//! responses are built ([`operations`], [`responses`]), operations are put into groups, one cargo feature each
//! ([`groups`]), and the finished type graph gets its recursion boxed and its credentials marked ([`graph`]),
//! and each type the features that compile it ([`groups`]).

mod compose;
mod directions;
mod graph;
mod groups;
mod http;
mod operations;
mod pagination;
mod refs;
mod responses;
mod schemas;
mod security;
mod templates;
mod unions;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use openapiv3::OpenAPI;

use crate::error::{Error, ErrorKind};
pub(crate) use crate::extensions::{
    Declared, Discriminator, EventsExtension, Lifetime, Placement, SignatureScheme, TokenExtension, TokenRole,
    ValueSource,
};
use crate::names::{Scope, snake};
pub(crate) use directions::Serde;
pub(crate) use groups::{Gate, Group, GroupSource};
pub(crate) use http::*;
pub(crate) use pagination::{ItemField, PageNext, Pages, Step};
pub(crate) use templates::{Segment, split_template};

/// The names generated code reserves, by scope: spec names are kept off them. Declared by `emit` (which
/// writes the code that uses them) and consulted here, where names are decided.
#[derive(Debug)]
pub(crate) struct Reserved {
    /// Type names generated code uses unqualified (`Option`, `Result`, …): a spec type named so would shadow
    /// them, so it is numbered (`Result2`).
    pub type_names: &'static [&'static str],
    /// Names the crate root exports beside the spec's types (`Client`, `Error`, …): a component schema named
    /// so takes the suffix `Body` (`types::ErrorBody`), so that glob imports of the root and of `types`
    /// never meet; per-operation types are numbered.
    pub root_names: &'static [&'static str],
    /// The `Client`'s own methods, which operation methods must not take.
    pub client_methods: &'static [&'static str],
    /// Identifiers an operation method introduces beside the operation's parameters (locals, closure
    /// arguments, the body argument).
    pub operation_locals: &'static [&'static str],
    /// Identifiers a `login` method introduces beside the parameters of its exchange operation.
    pub login_locals: &'static [&'static str],
    /// Identifiers the default-server constructor introduces beside the server's variables.
    pub constructor_locals: &'static [&'static str],
    /// Field names a struct has beside its properties.
    pub fields: &'static [&'static str],
    /// Variant names an enum or union has beside the spec's values.
    pub variants: &'static [&'static str],
    /// Cargo features the manifest declares beside one per group of operations.
    pub features: &'static [&'static str],
}

/// The whole API, ready to emit.
#[derive(Debug)]
pub(crate) struct Api {
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
    index: HashMap<String, usize>,
    /// Lenient mode: references to schemas that do not exist, each kept as JSON.
    pub dangling: Vec<String>,
    /// The webhooks the API sends (OpenAPI 3.1, or 3.0's `x-webhooks`): no client method, a payload type to
    /// decode them with, and a variant of the crate's `webhooks::Event`.
    pub webhooks: Vec<Webhook>,
    /// How the webhooks name their event and are signed (`x-clientgen-events`).
    pub events: Option<EventsExtension>,
    /// The derives asked for beyond the generated ones, per type (parallel to `types`): those each type can
    /// take (see [`Custom::derives`]).
    pub derives: Vec<Vec<String>>,
    /// The serde traits each type implements (parallel to `types`): only the directions it crosses the wire in.
    pub serde: Vec<Serde>,
    /// The groups of operations, one cargo feature each, by feature name (none with fewer than two).
    pub groups: Vec<Group>,
    /// The features that compile each type (parallel to `types`).
    pub gates: Vec<Gate>,
    /// Operations that look paged but that nothing declares, and declarations that cannot be followed: a
    /// report for the user, one line each.
    pub paging_report: Vec<String>,
}

/// What the user asks of the generated code beyond what the spec says.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Custom<'a> {
    /// Accept mistakes that have one safe reading (see [`build`]).
    pub lenient: bool,
    /// Component schema key → the path of an existing Rust type used instead: the schema is not generated,
    /// its name becomes an alias of that type.
    pub replacements: &'a BTreeMap<String, String>,
    /// Derives to add to every generated type. `Eq`, `Hash`, `PartialOrd` and `Ord` go only on the types
    /// whose every part has them (no `f64` for `Eq`, `Hash` and `Ord`, no `serde_json::Value` for the
    /// orderings, no `Secret` for `Hash` and the orderings); a replacement type is taken to have them all.
    /// Any other derive goes on every type.
    pub derives: &'a [String],
    /// One cargo feature per group of operations ([`groups`]); without, every item is always compiled.
    pub group_features: bool,
    /// Pagination rules for operations that declare nothing (our extension's form with a `match`).
    pub pagination: &'a [serde_json::Value],
}

impl Custom<'static> {
    /// Nothing beyond the spec (strict or `lenient`).
    pub fn none(lenient: bool) -> Self {
        static NONE: BTreeMap<String, String> = BTreeMap::new();
        Self { lenient, replacements: &NONE, derives: &[], group_features: true, pagination: &[] }
    }
}

/// A webhook the API sends.
#[derive(Debug)]
pub(crate) struct Webhook {
    /// Its name in the spec.
    pub name: String,
    /// The HTTP method it is sent with.
    pub method: String,
    /// The type of its payload.
    pub payload: Option<String>,
    /// Its summary.
    pub doc: Option<String>,
    /// The event name its discriminator gives.
    pub event: String,
    /// Its variant of the crate's `webhooks::Event` (the first webhook of each event name has one).
    pub variant: Option<String>,
    /// JSON pointer of its payload's media type object in the document as written.
    pub media: Option<String>,
}

/// A server URL, possibly with `{variables}`.
#[derive(Debug)]
pub(crate) struct Server {
    /// The URL template.
    pub url: String,
    /// Its description.
    pub description: Option<String>,
    /// Its variables in order of appearance in the URL.
    pub variables: Vec<ServerVariable>,
}

/// A `{variable}` of a server URL.
#[derive(Debug)]
pub(crate) struct ServerVariable {
    /// The name in the URL.
    pub wire: String,
    /// The Rust parameter name.
    pub ident: String,
    /// Its description.
    pub description: Option<String>,
}

/// A named Rust type.
#[derive(Debug)]
pub(crate) struct TypeDef {
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
pub(crate) enum TypeKind {
    /// An object with known properties.
    Struct {
        /// The properties.
        fields: Vec<Field>,
        /// The type of further properties (`additionalProperties`), kept in a flattened map.
        additional: Option<Ty>,
        /// `additionalProperties: false`: no property beyond the fields is allowed.
        closed: bool,
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
    /// `oneOf` / `anyOf`: chosen by a tag property when there is one (a `discriminator`, or a property whose
    /// schema in each variant is a single distinct value), with an `Other` variant for tags the spec does
    /// not list; else by the shape of the JSON, most specific variant first.
    Union {
        /// The variants, in spec order.
        variants: Vec<Variant>,
        /// The tag property and which variant each value names.
        tag: Option<Tag>,
    },
    /// Another name for a type.
    Alias(Ty),
    /// A type of its own wrapping another (serde-transparent): for a component that contains itself
    /// (`A = Vec<A>`), which an alias cannot express.
    Newtype(Ty),
}

/// A variant of a union.
#[derive(Debug)]
pub(crate) struct Variant {
    /// The Rust variant name.
    pub name: String,
    /// What the variant holds.
    pub payload: Payload,
    /// For a union without a tag: what a value of this variant looks like (filled in once every type is
    /// known).
    pub shape: Shape,
    /// The object of an "ID or the object" field, sent when the caller asks to expand it (a documented
    /// extension says so): compiled with its own type's features, and not what makes a group reach that type.
    pub expansion: bool,
}

/// What a union variant holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Payload {
    /// The whole value, as this type (which may keep the tag among its fields).
    Whole(Ty),
    /// The value of one property beside the tag (`{"type": "vpc", "value": …}`).
    Content {
        /// The property.
        key: String,
        /// Its type.
        ty: Ty,
        /// Whether it must be present.
        required: bool,
    },
    /// Nothing beside the tag.
    Unit,
    /// In a union without a tag: exactly this string (an `enum` of one value, such as Stripe's `""` that
    /// clears a field).
    Literal(String),
}

/// What a JSON value of a union variant looks like, to choose among variants without a tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    /// The JSON kind.
    pub kind: JsonKind,
    /// Properties an object must have (wire names).
    pub required: Vec<String>,
    /// Every property declared (wire names).
    pub properties: Vec<String>,
    /// No property beyond those declared is allowed.
    pub closed: bool,
    /// Properties whose values are listed (string enums): `(wire name, values)`.
    pub enums: Vec<(String, Vec<String>)>,
    /// A string variant's own enum values.
    pub values: Vec<String>,
}

/// The JSON kind of a value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum JsonKind {
    /// Any (no type, or a union).
    #[default]
    Any,
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
}

/// A discriminator: the property holding the tag, and each tag value with the index of its variant.
#[derive(Debug)]
pub(crate) struct Tag {
    /// The property name.
    pub property: String,
    /// `(tag value, variant index)`, in spec order; several values may name one variant.
    pub values: Vec<(String, usize)>,
}

/// A property of an object.
#[derive(Debug)]
pub(crate) struct Field {
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
    /// What the spec states about its values.
    pub constraints: Constraints,
    /// An optional property of the error body every build reads, whose type a request or a success
    /// response reaches too (Stripe's `api_errors.payment_intent`): compiled with that type's features, and
    /// not what makes a group's errors reach that type (see `groups`).
    pub error_detail: bool,
}

/// What a spec states about the values of a parameter or property beyond their type, for its docs.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Constraints {
    /// `default`, as JSON.
    pub default: Option<serde_json::Value>,
    /// `minimum`, and whether it is exclusive.
    pub minimum: Option<(String, bool)>,
    /// `maximum`, and whether it is exclusive.
    pub maximum: Option<(String, bool)>,
    /// `multipleOf`.
    pub multiple_of: Option<String>,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `format`.
    pub format: Option<String>,
    /// `enum`: the allowed values, as JSON.
    pub values: Vec<serde_json::Value>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `uniqueItems`.
    pub unique_items: bool,
}

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Ty {
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
    /// A type of the user's, by its path (a replaced schema's target, `pet_types::Pet`).
    External(String),
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `Box<T>`, to break a recursive type.
    Boxed(Box<Ty>),
    /// `Option<T>`: an array item or map value that may be `null`.
    Nullable(Box<Ty>),
}

/// A security scheme and how its credential is placed on a request.
#[derive(Debug)]
pub(crate) struct SecurityScheme {
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
    /// HTTP Basic: the credential is made from a user name and a password (RFC 7617).
    pub basic: bool,
}

/// Builds the model of `doc`, read from `file`, keeping spec names off the names in `reserved`.
///
/// `custom.lenient` accepts mistakes that real-world specs make and that have one safe reading (a path
/// parameter used in the path but never declared becomes a required string), noting it in the docs.
pub(crate) fn build(file: &Path, doc: &OpenAPI, custom: Custom<'_>, reserved: &Reserved) -> Result<Api, Error> {
    let mut builder = schemas::Builder::new(file, doc, custom.lenient, reserved);
    builder.replace(custom.replacements)?;
    builder.register_components()?;
    let schemes = security::schemes(&builder.refs, reserved)?;
    let mut operations = builder.operations(&schemes)?;
    security::validate_tokens(file, &operations, &schemes)?;
    let groups = if custom.group_features { groups::assign(doc, &mut operations, reserved) } else { Vec::new() };
    // One variant of `webhooks::Event` per event name, kept off the variant that holds unlisted events.
    let mut variants = Scope::with_reserved(reserved.variants);
    let mut events_seen = std::collections::HashSet::new();
    let webhooks: Vec<Webhook> = crate::extensions::webhooks(&doc.extensions)
        .into_iter()
        .map(|hook| {
            let event = if hook.event.is_empty() { hook.name.clone() } else { hook.event };
            let variant = events_seen.insert(event.clone()).then(|| variants.claim(crate::names::pascal(&event)));
            Webhook {
                payload: hook.payload.and_then(|key| builder.component_names.get(&key).cloned()),
                name: hook.name,
                method: hook.method,
                doc: hook.doc,
                event,
                variant,
                media: hook.media,
            }
        })
        .collect();
    let events = crate::extensions::events(&doc.extensions)
        .map_err(|kind| Error::new(file, format!("/{}", crate::extensions::EVENTS), kind))?;
    let (mut types, dangling) = builder.into_types();
    graph::finish(&mut types);
    let rules = crate::extensions::pagination_rules(custom.pagination)
        .map_err(|(index, reason)| Error::new(file, "", ErrorKind::BadPaginationRule { index, reason }))?;
    let paging_report = pagination::resolve(file, &mut operations, &types, &rules)?;
    // `Serialize` and `Deserialize` asked for are on every type; the rest go where each type can take them.
    let is_serde = |derive: &str, name: &str| derive == name || derive == format!("serde::{name}");
    let force = Serde {
        serialize: custom.derives.iter().any(|d| is_serde(d, "Serialize")),
        deserialize: custom.derives.iter().any(|d| is_serde(d, "Deserialize")),
    };
    let others: Vec<String> =
        custom.derives.iter().filter(|d| !is_serde(d, "Serialize") && !is_serde(d, "Deserialize")).cloned().collect();
    let derives = graph::derives(&types, &others);
    let serde = directions::directions(&types, &operations, &webhooks, force);
    if !groups.is_empty() {
        groups::mark_error_details(&mut types, &operations, groups.len());
    }
    let gates = groups::type_gates(&types, &operations, groups.len());
    let servers = doc.servers.iter().map(|server| self::server(server, reserved)).collect();
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
        dangling,
        webhooks,
        events,
        derives,
        serde,
        groups,
        gates,
        paging_report,
    })
}

fn server(server: &openapiv3::Server, reserved: &Reserved) -> Server {
    let mut scope = Scope::with_reserved(reserved.constructor_locals);
    let variables = templates::template_names(&server.url)
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
}

impl Api {
    /// The named type called `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.index.get(name).map(|&i| &self.types[i])
    }

    /// The features that compile the named type called `name`.
    pub fn type_gate(&self, name: &str) -> Option<&Gate> {
        self.index.get(name).and_then(|&i| self.gates.get(i))
    }

    /// Whether `ty` is a date-time: itself, boxed, or a named alias of one (`$ref` to a `format: date-time`
    /// schema), which structs read in the runtime's lenient forms as they do a date-time field.
    pub fn is_datetime(&self, ty: &Ty) -> bool {
        let mut ty = ty;
        for _ in 0..64 {
            ty = match ty {
                Ty::DateTime => return true,
                Ty::Boxed(inner) => inner,
                Ty::Named(name) => match self.type_def(name).map(|def| &def.kind) {
                    Some(TypeKind::Alias(inner)) => inner,
                    _ => return false,
                },
                _ => return false,
            };
        }
        false
    }

    /// Whether `ty` (or the item type of an array of it) is a Rust enum of the spec's values.
    pub fn is_enum(&self, ty: &Ty) -> bool {
        let mut ty = ty;
        // Aliases of aliases end (the model makes a type that contains itself a newtype); the bound is for safety.
        for _ in 0..64 {
            ty = match ty {
                Ty::Vec(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => inner,
                Ty::Named(name) => match self.type_def(name).map(|def| &def.kind) {
                    Some(TypeKind::Enum { .. } | TypeKind::IntEnum { .. }) => return true,
                    Some(TypeKind::Alias(inner)) => inner,
                    _ => return false,
                },
                _ => return false,
            };
        }
        false
    }
}
