//! The IR of an operation: its HTTP method, parameters (locations and styles), request body (with multipart
//! forms), documented responses (statuses and bodies) and security requirement.

use super::{Constraints, Declared, Gate, Pages, TokenExtension, Ty};

/// An HTTP method an operation is declared under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    /// The operations of a path item, in the order OpenAPI lists the methods.
    pub(super) fn operations(item: &openapiv3::PathItem) -> impl Iterator<Item = (Self, &openapiv3::Operation)> {
        [
            (Self::Get, &item.get),
            (Self::Put, &item.put),
            (Self::Post, &item.post),
            (Self::Delete, &item.delete),
            (Self::Options, &item.options),
            (Self::Head, &item.head),
            (Self::Patch, &item.patch),
            (Self::Trace, &item.trace),
        ]
        .into_iter()
        .filter_map(|(method, op)| op.as_ref().map(|op| (method, op)))
    }

    /// The path item's key for this method (`get`).
    pub(super) fn key(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Put => "put",
            Self::Post => "post",
            Self::Delete => "delete",
            Self::Options => "options",
            Self::Head => "head",
            Self::Patch => "patch",
            Self::Trace => "trace",
        }
    }

    /// The method as sent, upper case.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }
}

/// An operation.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The Rust method name.
    pub fn_name: String,
    /// The spec's `operationId`, else the method name: how traces name the operation.
    pub id: String,
    /// The name of the operation's marker type in the generated `operations` module (`GetEntry`).
    pub marker: String,
    /// The header a spec-declared idempotency key parameter goes in (`Idempotency-Key`), if there is one.
    pub idempotency_header: Option<String>,
    /// The HTTP method.
    pub method: HttpMethod,
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
    /// The enum `error_type` is an alias of, when an earlier operation has the same documented errors
    /// (statuses, variants, bodies and descriptions): operations share one enum and its compiled code.
    pub error_shared: Option<String>,
    /// The success enum's name, when successes have different types.
    pub success_type: Option<String>,
    /// The media type to ask for (`Accept`), from the success responses.
    pub accept: Option<String>,
    /// The event-stream form, when a success response offers `text/event-stream` beside another media type.
    pub event_stream: Option<EventStreamForm>,
    /// Which credentials it needs.
    pub security: Security,
    /// Our token extension, if this operation issues or refreshes a token.
    pub token: Option<TokenExtension>,
    /// The `Client` method that logs in through this operation (exchange operations only).
    pub login_method: Option<String>,
    /// The spec's `tags`, in spec order.
    pub tags: Vec<String>,
    /// The cargo features that compile it ([`Gate::Always`] or [`Gate::Groups`]).
    pub gate: Gate,
    /// JSON pointer of the operation (for messages).
    pub pointer: String,
    /// The headers its success responses document (lowercase), for pagination rules.
    pub success_headers: Vec<String>,
    /// What the operation's extensions say about its pages, before it is resolved into `pages`.
    pub declared_paging: Option<Declared>,
    /// How its pages follow each other, when it is paged.
    pub pages: Option<Pages>,
}

impl Operation {
    /// Every documented response: successes, errors, and the event-stream form's success.
    pub fn outcomes(&self) -> impl Iterator<Item = &Outcome> {
        self.success.iter().chain(&self.errors).chain(self.event_stream.iter().map(|form| &form.outcome))
    }

    /// The types the operation sends, serialized: its parameters, a JSON or form body, a multipart form's
    /// text and JSON parts.
    pub fn sent_types(&self) -> impl Iterator<Item = &Ty> {
        let body = self.body.iter().filter(|b| matches!(b.encoding, BodyEncoding::Json | BodyEncoding::Form));
        let parts =
            self.body.iter().filter_map(|b| b.form.as_ref()).flat_map(|form| &form.parts).filter_map(
                |part| match &part.kind {
                    PartKind::Text(ty) | PartKind::Json(ty) => Some(ty),
                    PartKind::File => None,
                },
            );
        self.params.iter().map(|p| &p.ty).chain(body.map(|b| &b.ty)).chain(parts)
    }

    /// The types the operation receives, deserialized: its JSON and event-stream response bodies.
    pub fn received_types(&self) -> impl Iterator<Item = &Ty> {
        self.outcomes().filter_map(|outcome| match &outcome.body {
            ResponseBody::Json(ty) | ResponseBody::Events(ty) => Some(ty),
            _ => None,
        })
    }
}

/// The second form of an operation whose success response offers server-sent events (`text/event-stream`)
/// beside another media type (OpenAI's chat completions answer JSON or events): the operation's call turns
/// into it by asking for the events, and answers an event stream, with the same errors.
#[derive(Debug)]
pub(crate) struct EventStreamForm {
    /// The name of its marker type in the generated `operations` module (`CreateCompletionEvents`).
    pub marker: String,
    /// The success response, its body [`ResponseBody::Events`].
    pub outcome: Outcome,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
}

impl ParamLocation {
    /// The word OpenAPI uses (`in: query`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// A parameter.
#[derive(Debug)]
pub(crate) struct Param {
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
    /// The OpenAPI `style` (by default `simple` in the path and headers, `form` in the query and cookies).
    pub style: Style,
    /// `explode` (by default true for `form`, false for the other styles).
    pub explode: bool,
    /// Marked deprecated.
    pub deprecated: bool,
    /// What the spec states about its values.
    pub constraints: Constraints,
}

/// How a parameter or a form-body property is written (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `simple`.
    Simple,
    /// `label`.
    Label,
    /// `matrix`.
    Matrix,
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
pub(crate) enum BodyEncoding {
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
pub(crate) struct Body {
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
    /// Form bodies: how properties the `encoding` map names are written (`property`, style, explode).
    pub encodings: Vec<(String, Style, bool)>,
    /// Form bodies: properties the `encoding` map sends as JSON text (`contentType: application/json`).
    pub json_properties: Vec<String>,
    /// Multipart bodies whose schema is an object: the generated type with a field per part.
    pub form: Option<Form>,
}

/// A `multipart/form-data` body as a type of its own: one field per part.
#[derive(Debug)]
pub(crate) struct Form {
    /// The type's name (at the crate root, beside the operation's other types).
    pub name: String,
    /// The parts, in the schema's property order.
    pub parts: Vec<Part>,
}

/// One part (or, for an array, a repeated part) of a multipart body.
#[derive(Debug)]
pub(crate) struct Part {
    /// The field name.
    pub ident: String,
    /// The part's name on the wire.
    pub wire: String,
    /// Whether the schema requires it.
    pub required: bool,
    /// An array: one part per item, all of that name.
    pub repeated: bool,
    /// What the part holds.
    pub kind: PartKind,
    /// The part's media type from the spec's `encoding` map (its first, when it lists several).
    pub content_type: Option<String>,
    /// The headers the spec's `encoding` map declares for the part (their values are the caller's).
    pub headers: Vec<String>,
    /// Doc text.
    pub doc: Option<String>,
}

/// What a multipart part holds.
#[derive(Debug, PartialEq)]
pub(crate) enum PartKind {
    /// A file (`type: string, format: binary`): bytes or a stream, with a file name and media type.
    File,
    /// A scalar, sent as its text.
    Text(Ty),
    /// Anything else, sent as JSON.
    Json(Ty),
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum StatusMatch {
    /// One code.
    Code(u16),
    /// `4XX`: the first digit.
    Range(u16),
    /// `default`.
    Default,
}

/// How a response body is read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ResponseBody {
    /// No body.
    Empty,
    /// JSON of this type.
    Json(Ty),
    /// Text.
    Text,
    /// Bytes, streamed.
    Bytes,
    /// Server-sent events (`text/event-stream`), each payload of this type (`Ty::String`: text as it is).
    Events(Ty),
}

impl ResponseBody {
    /// Whether a success body of this kind is handed over unread, to stream.
    pub fn streams(&self) -> bool {
        matches!(self, Self::Bytes | Self::Events(_))
    }
}

/// A documented response.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// Which statuses.
    pub status: StatusMatch,
    /// The variant name in the operation's success or error enum.
    pub variant: String,
    /// The body.
    pub body: ResponseBody,
    /// JSON pointer of the media type object the body is read as (it may pass through a `$ref`).
    pub media: Option<String>,
    /// The response description.
    pub doc: Option<String>,
    /// The body's example in the spec (the media type's `example`, else its first inline `examples` value):
    /// what a fake token server answers for the documented status.
    pub example: Option<serde_json::Value>,
}

/// What credentials an operation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Security {
    /// None.
    None,
    /// One of these schemes.
    Required(Vec<String>),
    /// One of these schemes if held; anonymous otherwise.
    Optional(Vec<String>),
}
