//! What test tooling that drives a generated crate needs to know of it, read from the model: each documented
//! JSON response body with its Rust type (for the example and decoder tests), and each operation's inputs as
//! a caller gives them (for the request conformance driver). Not part of a generated crate, and not a stage
//! of the pipeline: a view of the model, beside `render`.

use crate::emit;
use crate::model::{self, Api, BodyEncoding, Operation, PartKind, Security, Ty};

/// A documented JSON response body and the Rust type it decodes into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseType {
    /// The operation's method name on `Client`, or `webhook <name>` for a webhook's payload.
    pub operation: String,
    /// The status (`200`, `4XX`, `default`), or a webhook's method (`post`).
    pub status: String,
    /// JSON pointer of the response's media type object, whose `example`/`examples` show the body. It may
    /// pass through a `$ref` (a response defined under `components/responses`): follow those when walking it.
    pub media: String,
    /// The body's Rust type as written from the crate root, in token spacing: `Vec < types :: Pet >`.
    pub rust_type: String,
    /// Whether it is the type of each event of a `text/event-stream` body, not a JSON body.
    pub events: bool,
}

pub(crate) fn response_types(api: &Api) -> Vec<ResponseType> {
    let mut out = Vec::new();
    for op in &api.operations {
        // With the events an operation offers beside its JSON body (its event-stream form).
        for outcome in op.success.iter().chain(&op.errors).chain(op.event_stream.iter().map(|form| &form.outcome)) {
            let (ty, events) = match &outcome.body {
                model::ResponseBody::Json(ty) => (ty, false),
                model::ResponseBody::Events(ty) if *ty != model::Ty::String => (ty, true),
                _ => continue,
            };
            let Some(media) = &outcome.media else { continue };
            let status = match outcome.status {
                model::StatusMatch::Code(code) => code.to_string(),
                model::StatusMatch::Range(digit) => format!("{digit}XX"),
                model::StatusMatch::Default => "default".to_owned(),
            };
            out.push(ResponseType {
                operation: op.fn_name.clone(),
                status,
                media: media.clone(),
                rust_type: emit::rust_type(ty),
                events,
            });
        }
    }
    // Webhook payloads decode as responses do: their examples are checked the same way.
    for hook in &api.webhooks {
        let (Some(payload), Some(media)) = (&hook.payload, &hook.media) else { continue };
        out.push(ResponseType {
            operation: format!("webhook {}", hook.name),
            status: hook.method.to_ascii_lowercase(),
            media: media.clone(),
            rust_type: emit::rust_type(&model::Ty::Named(payload.clone())),
            events: false,
        });
    }
    out
}

/// One operation's inputs, as the generated `Client` method and its `Call`'s setters take them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationInputs {
    /// The `Client` method.
    pub method: String,
    /// The spec's `operationId`, else the method name.
    pub id: String,
    /// JSON pointer of the operation object (`/paths/~1pets/get`).
    pub pointer: String,
    /// The credential the operation is called with, if it takes one.
    pub credential: Option<Credential>,
    /// Its inputs: the method's arguments (required ones, in order), then the setters.
    pub inputs: Vec<Input>,
}

/// The credential of an operation: the first scheme it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The `Client::with_…` method that sets it.
    pub method: String,
    /// HTTP Basic: the method takes a user and a password, else one credential.
    pub basic: bool,
    /// The operation also runs without it.
    pub optional: bool,
}

/// One input of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The argument's or the setter's name.
    pub name: String,
    /// The parameter's name on the wire (empty for a body).
    pub wire: String,
    /// `path`, `query`, `header`, `cookie`, or `body`.
    pub location: String,
    /// A `Client` method argument (else a setter of the `Call`).
    pub required: bool,
    /// The owned Rust type the value is read into from JSON, in token spacing (`Vec < types :: Pet >`);
    /// the argument is a reference to it, except for [`Input::by_value`] scalars.
    pub rust_type: String,
    /// Passed by value (numbers and booleans).
    pub by_value: bool,
    /// How the value is given.
    pub kind: InputKind,
    /// A body's media type.
    pub media: Option<String>,
}

/// How an input's value is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    /// Read from JSON into [`Input::rust_type`] with serde (parameters, JSON and form bodies).
    Json,
    /// Text (`&str`).
    Text,
    /// Bytes (`impl Into<reqwest::Body>`).
    Bytes,
    /// A credential (`Secret`), given as text.
    Secret,
    /// A `multipart/form-data` body of the generated form type [`Input::rust_type`]: built with `new` from
    /// its required parts, its other parts set by field.
    Form(Vec<FormPart>),
    /// A `multipart/form-data` body the caller builds as a `reqwest::multipart::Form`.
    RawMultipart,
}

/// One part of a generated form type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPart {
    /// The field.
    pub field: String,
    /// The property's name in the body's schema.
    pub wire: String,
    /// An argument of the type's `new` (a required part that is not repeated).
    pub in_new: bool,
    /// A `Vec` of values (else one value, optional unless [`FormPart::in_new`]).
    pub repeated: bool,
    /// A file (`FilePart`), else a value of [`FormPart::rust_type`] read from JSON.
    pub file: bool,
    /// The value's Rust type.
    pub rust_type: String,
}

pub(crate) fn operation_inputs(api: &Api) -> Vec<OperationInputs> {
    api.operations
        .iter()
        .map(|op| OperationInputs {
            method: op.fn_name.clone(),
            id: op.id.clone(),
            pointer: op.pointer.clone(),
            credential: credential(api, op),
            inputs: inputs(op),
        })
        .collect()
}

fn credential(api: &Api, op: &Operation) -> Option<Credential> {
    let (schemes, optional) = match &op.security {
        Security::None => return None,
        Security::Required(schemes) => (schemes, false),
        Security::Optional(schemes) => (schemes, true),
    };
    let scheme = schemes.iter().find_map(|key| {
        api.schemes.iter().find(|s| &s.key == key && !matches!(s.placement, model::Placement::Body { .. }))
    })?;
    Some(Credential { method: scheme.method.clone(), basic: scheme.basic, optional })
}

fn inputs(op: &Operation) -> Vec<Input> {
    let param = |p: &model::Param| {
        let (kind, rust_type) = match &p.ty {
            Ty::Secret => (InputKind::Secret, "String".to_owned()),
            other => (InputKind::Json, emit::rust_type(other)),
        };
        Input {
            name: p.ident.clone(),
            wire: p.wire.clone(),
            location: p.location.as_str().to_owned(),
            required: p.required,
            rust_type,
            by_value: matches!(p.ty, Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::F64),
            kind,
            media: None,
        }
    };
    let body = op.body.as_ref().map(|body| {
        let (kind, rust_type) = match body.encoding {
            BodyEncoding::Json | BodyEncoding::Form => (InputKind::Json, emit::rust_type(&body.ty)),
            BodyEncoding::Text => (InputKind::Text, "String".to_owned()),
            BodyEncoding::Bytes => (InputKind::Bytes, "Vec < u8 >".to_owned()),
            BodyEncoding::Multipart => match &body.form {
                Some(form) => (InputKind::Form(form_parts(form)), form.name.clone()),
                None => (InputKind::RawMultipart, "reqwest :: multipart :: Form".to_owned()),
            },
        };
        Input {
            name: "body".to_owned(),
            wire: String::new(),
            location: "body".to_owned(),
            required: body.required || body.encoding == BodyEncoding::Multipart,
            rust_type,
            by_value: matches!(body.encoding, BodyEncoding::Bytes | BodyEncoding::Multipart),
            kind,
            media: Some(body.content_type.clone()),
        }
    });
    // The method's arguments come in this order: required parameters, then a required body.
    let (required, optional): (Vec<Input>, Vec<Input>) =
        op.params.iter().map(param).chain(body).partition(|input| input.required);
    required.into_iter().chain(optional).collect()
}

fn form_parts(form: &model::Form) -> Vec<FormPart> {
    form.parts
        .iter()
        .map(|part| FormPart {
            field: part.ident.clone(),
            wire: part.wire.clone(),
            in_new: part.required && !part.repeated,
            repeated: part.repeated,
            file: part.kind == PartKind::File,
            rust_type: match &part.kind {
                PartKind::File => "multipart :: FilePart".to_owned(),
                PartKind::Text(ty) | PartKind::Json(ty) => emit::rust_type(ty),
            },
        })
        .collect()
}

/// The pagination of a document's operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagingProbe {
    /// How many operations it has.
    pub operations: usize,
    /// The paged ones: operationId (else method name), who declared the pagination (the extension, or
    /// `rule N` of the settings), and whether a page is one array of items (`.items()` beside `.pages()`).
    pub paged: Vec<(String, String, bool)>,
    /// The report `gen` prints (operations that look paged but are not declared so).
    pub report: Vec<String>,
}

pub(crate) fn paging(api: &mut Api) -> PagingProbe {
    PagingProbe {
        operations: api.operations.len(),
        paged: api
            .operations
            .iter()
            .filter_map(|op| {
                op.pages.as_ref().map(|pages| (op.id.clone(), pages.source.clone(), pages.items.is_some()))
            })
            .collect(),
        report: std::mem::take(&mut api.paging_report),
    }
}
