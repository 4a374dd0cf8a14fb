//! One `Client` method per operation: its arguments, the request it builds (path, query, headers, cookies,
//! `Accept`, body) and the call into the runtime that sends it with the operation's credentials.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{Facts, code, deprecation_note, doc_attrs_with, facts, lines, list_item, spec};
use super::forms::form_name;
use super::outcomes::{decode_arms, error_ty, streamed_statuses, success_ty};
use super::pagination::pages_doc;
use super::{ident, lit, ty_tokens};
use crate::model::{
    Api, Body, BodyEncoding, EventStreamForm, Operation, Outcome, Param, ParamLocation, Security, Segment, Style, Ty,
    split_template,
};

/// The Rust type a parameter value is given as: `&str` for strings, slices for arrays, scalars by value,
/// other types by reference.
pub(super) fn param_ty(param: &Param) -> TokenStream {
    match &param.ty {
        Ty::String => quote!(&str),
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::F64 => ty_tokens(&param.ty, false),
        Ty::Vec(item) => {
            let item = ty_tokens(item, false);
            quote!(&[#item])
        }
        other => {
            let ty = ty_tokens(other, false);
            quote!(&#ty)
        }
    }
}

/// The text of a scalar path, header or cookie parameter value (named `value`), or `None` for a value the
/// runtime writes by its style (arrays, objects, and other types through their JSON form).
fn scalar_text(ty: &Ty, value: &TokenStream) -> Option<TokenStream> {
    match ty {
        Ty::String => Some(quote!(#value)),
        Ty::Secret => Some(quote!(#value.expose())),
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::F64 => Some(quote!(&#value.to_string())),
        _ => None,
    }
}

/// A parameter value as a reference the runtime's style functions take (scalars are passed by value).
fn value_ref(ty: &Ty, value: &TokenStream) -> TokenStream {
    match ty {
        Ty::Secret => quote!(#value.expose()),
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::F64 => quote!(&#value),
        _ => quote!(#value),
    }
}

/// `clientgen_runtime::params::Style::…`.
fn style_tokens(style: Style) -> TokenStream {
    let style = format_ident!("{}", format!("{style:?}"));
    quote!(clientgen_runtime::params::Style::#style)
}

/// The path as it goes in the URL: a literal, or `format!` with each path parameter encoded by its style.
fn path_expr(op: &Operation) -> TokenStream {
    if !op.params.iter().any(|p| p.location == ParamLocation::Path) {
        let path = lit(&op.path);
        return quote!(#path);
    }
    // A format string: literal text with its braces doubled, `{}` for each path parameter.
    let mut template = String::new();
    let mut args = Vec::new();
    for segment in split_template(&op.path) {
        let param = match segment {
            Segment::Variable(name) => op.params.iter().find(|p| p.location == ParamLocation::Path && p.wire == name),
            Segment::Literal(_) => None,
        };
        match (segment, param) {
            (_, Some(param)) => {
                template.push_str("{}");
                let value = ident(&param.ident);
                let value = quote!(#value);
                args.push(match (scalar_text(&param.ty, &value), param.style) {
                    (Some(text), Style::Simple) => quote!(clientgen_runtime::encode_path(#text)),
                    _ => {
                        let (wire, style, explode) = (lit(&param.wire), style_tokens(param.style), param.explode);
                        let value = value_ref(&param.ty, &value);
                        quote!(clientgen_runtime::params::path(#wire, #value, #style, #explode))
                    }
                });
            }
            (Segment::Variable(name), None) => {
                template.push_str(&format!("{{{{{}}}}}", name.replace('{', "{{").replace('}', "}}")))
            }
            (Segment::Literal(text), None) => template.push_str(&text.replace('{', "{{").replace('}', "}}")),
        }
    }
    let template = lit(&template);
    quote!(&format!(#template, #(#args),*))
}

/// The statement that puts a query, header or cookie parameter (its value in `value`) into its slot of
/// the runtime request `request`: the slot is the parameter's place in the operation, so the wire order is the spec's.
fn set_param(request: &TokenStream, slot: usize, param: &Param, value: &TokenStream) -> TokenStream {
    let slot = proc_macro2::Literal::u16_unsuffixed(slot as u16);
    let wire = lit(&param.wire);
    match param.location {
        ParamLocation::Query => {
            let (style, explode) = (style_tokens(param.style), param.explode);
            let value = value_ref(&param.ty, value);
            quote!(#request.query(#slot, #wire, #value, #style, #explode);)
        }
        ParamLocation::Header => {
            let text = match &param.ty {
                Ty::String => quote!(#value.to_owned()),
                Ty::Secret => quote!(#value.expose().to_owned()),
                Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::F64 => quote!(#value.to_string()),
                _ => {
                    let (explode, value) = (param.explode, value_ref(&param.ty, value));
                    quote!(clientgen_runtime::params::header(#value, #explode))
                }
            };
            quote!(#request.header(#slot, #wire, #text);)
        }
        // Cookie values are percent-encoded, so no value can end the cookie or start another.
        ParamLocation::Cookie => match scalar_text(&param.ty, value) {
            Some(text) => quote!(#request.cookie(#slot, #wire, #text);),
            None => {
                let (explode, value) = (param.explode, value_ref(&param.ty, value));
                quote!(#request.cookie_value(#slot, #wire, #value, #explode);)
            }
        },
        ParamLocation::Path => TokenStream::new(),
    }
}

/// The expression that adds a body (named `body`) to the request expression `request`.
fn set_body(body: &Body, request: TokenStream) -> TokenStream {
    let content_type = lit(&body.content_type);
    match body.encoding {
        BodyEncoding::Json => quote!(#request.json(body, #content_type)),
        BodyEncoding::Form => {
            let encodings = body.encodings.iter().map(|(property, style, explode)| {
                let (property, style) = (lit(property), style_tokens(*style));
                quote!((#property, #style, #explode))
            });
            let json = body.json_properties.iter().map(|property| lit(property));
            quote!(#request.form(body, &[#(#encodings),*], &[#(#json),*]))
        }
        BodyEncoding::Multipart if body.form.is_some() => {
            quote!(#request.map(|request| request.multipart(body.into_form().into_inner())))
        }
        BodyEncoding::Multipart => quote!(#request.map(|request| request.multipart(body))),
        BodyEncoding::Text => quote!(#request.raw(body.to_owned(), #content_type)),
        BodyEncoding::Bytes => quote!(#request.raw(body, #content_type)),
    }
}

/// The type the body is given as.
fn body_ty(body: &Body) -> TokenStream {
    match body.encoding {
        BodyEncoding::Json | BodyEncoding::Form => {
            let ty = ty_tokens(&body.ty, false);
            quote!(&#ty)
        }
        BodyEncoding::Text => quote!(&str),
        BodyEncoding::Multipart => match &body.form {
            Some(form) => form_name(form),
            None => quote!(reqwest::multipart::Form),
        },
        BodyEncoding::Bytes => quote!(impl Into<reqwest::Body>),
    }
}

/// Whether the body is given to the `Client` method (else it is set on the call by name).
fn body_required(body: &Body) -> bool {
    body.required || body.encoding == BodyEncoding::Multipart
}

fn security_tokens(security: &Security) -> TokenStream {
    match security {
        Security::None => quote!(Security::None),
        Security::Required(schemes) => {
            let schemes = schemes.iter().map(|s| lit(s));
            quote!(Security::Required(&[#(#schemes),*]))
        }
        Security::Optional(schemes) => {
            let schemes = schemes.iter().map(|s| lit(s));
            quote!(Security::Optional(&[#(#schemes),*]))
        }
    }
}

/// A parameter's facts line: wire name, default, constraints.
fn param_facts(api: &Api, p: &Param) -> Option<String> {
    facts(&Facts {
        names: (&p.ident, &p.wire),
        constraints: &p.constraints,
        list_values: !api.is_enum(&p.ty),
        deprecated: p.deprecated,
    })
}

/// A parameter's item in the argument list: its description, then its facts line.
fn param_doc(api: &Api, p: &Param) -> String {
    let lead = format!("- `{}`:", p.ident);
    let mut item = match &p.doc {
        Some(d) if !d.trim().is_empty() => list_item(&lead, d),
        _ => format!("{lead} {} parameter.", capitalized(p.location.as_str())),
    };
    if let Some(facts) = param_facts(api, p) {
        item.push_str("\n\n  ");
        item.push_str(&facts);
    }
    item
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn body_doc(body: &Body) -> String {
    list_item("- `body`:", body.doc.as_deref().filter(|d| !d.trim().is_empty()).unwrap_or("The request body."))
}

/// `#[deprecated]` with the spec's words on it, if `deprecated`.
pub(super) fn deprecated_attr(deprecated: bool, doc: Option<&str>, what: &str) -> Option<TokenStream> {
    deprecated.then(|| {
        let note = deprecation_note(doc, what);
        quote!(#[deprecated(note = #note)])
    })
}

/// The `Client` method of an operation: it takes the required inputs and returns the operation's `Call`,
/// on which optional ones are set by name and which sends when awaited.
pub(super) fn operation(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.fn_name);
    let marker = ident(&op.marker);
    let mut doc = String::new();
    for text in [&op.summary, &op.description].into_iter().flatten() {
        let text = spec(text);
        if !text.is_empty() {
            doc.push_str(&text);
            doc.push_str("\n\n");
        }
    }
    doc.push_str(&code(&format!("{} {}", op.method.as_str(), op.path)));
    let schemes = |schemes: &[String]| schemes.iter().map(|s| code(s)).collect::<Vec<_>>().join(" or ");
    match &op.security {
        Security::None => {}
        Security::Required(list) => doc.push_str(&format!("; needs credentials: {}", schemes(list))),
        Security::Optional(list) => doc.push_str(&format!("; sends credentials if held: {}", schemes(list))),
    }
    if op.event_stream.is_some() {
        let answer = op.accept.as_deref().map_or_else(|| "its other media type".to_owned(), code);
        doc.push_str(&format!(
            "\n\nAnswers {answer}; `.event_stream()` on the returned `Call` asks for server-sent events instead."
        ));
    }
    let required: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| param_doc(api, p))
        .chain(op.body.iter().filter(|b| body_required(b)).map(body_doc))
        .collect();
    if !required.is_empty() {
        doc.push_str("\n\n# Arguments\n\n");
        doc.push_str(&required.join("\n"));
    }
    let optional: Vec<String> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| param_doc(api, p))
        .chain(op.body.iter().filter(|b| !body_required(b)).map(body_doc))
        .collect();
    if !optional.is_empty() {
        doc.push_str(&format!(
            "\n\n# Optional inputs\n\nSet by name on the returned `Call` (for example `.{}(…)`):\n\n",
            optional_name(op)
        ));
        doc.push_str(&optional.join("\n"));
    }
    let arguments = if required.is_empty() { "" } else { "…" };
    if let Some(pages) = pages_doc(op, &format!("client.{}({arguments})", op.fn_name)) {
        doc.push_str("\n\n");
        doc.push_str(&pages);
    }
    let docs = lines(&doc);
    let deprecated = deprecated_attr(op.deprecated, op.description.as_deref().or(op.summary.as_deref()), "operation");
    let (inputs, _) = required_inputs(op);
    let method = format_ident!("{}", op.method.as_str());
    let path = path_expr(op);
    let security = security_tokens(&op.security);
    let sensitive = api.carries_credentials(op);
    let mut start =
        quote!(clientgen_runtime::Request::new(&self.core, reqwest::Method::#method, #path, #security, #sensitive));
    if let Some(accept) = &op.accept {
        let accept = lit(accept);
        start = quote!(#start.accept(#accept));
    }
    if let Some(statuses) = streamed_statuses(&op.success) {
        start = quote!(#start.streams(#statuses));
    }
    if let Some(header) = &op.idempotency_header {
        let header = lit(header);
        start = quote!(#start.idempotency_header(#header));
    }
    if let Some(body) = op.body.as_ref().filter(|b| body_required(b)) {
        start = set_body(body, start);
    }
    let sets: Vec<TokenStream> = op
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.required && p.location != ParamLocation::Path)
        .map(|(slot, p)| {
            let value = ident(&p.ident);
            set_param(&quote!(request), slot, p, &quote!(#value))
        })
        .collect();
    let build = if sets.is_empty() {
        quote!(Call::new(#start))
    } else {
        quote! {
            let mut request = #start;
            #(#sets)*
            Call::new(request)
        }
    };
    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #(#inputs),*) -> Call<'_, operations::#marker> {
            #build
        }
    }
}

/// The required inputs of an operation's `Client` method, declared (`pet_id: i64`, `body: &types::Pet`),
/// and their names, in order.
pub(super) fn required_inputs(op: &Operation) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let params = op.params.iter().filter(|p| p.required).map(|p| (ident(&p.ident), param_ty(p)));
    let body = op.body.as_ref().filter(|b| body_required(b)).map(|b| (format_ident!("body"), body_ty(b)));
    params.chain(body).map(|(name, ty)| (quote!(#name: #ty), quote!(#name))).unzip()
}

/// The name of an operation's first optional input, for the example in its docs.
fn optional_name(op: &Operation) -> String {
    op.params.iter().find(|p| !p.required).map_or_else(|| "body".to_owned(), |p| p.ident.clone())
}

/// The setters of an operation's optional inputs, on its `Call`.
pub(super) fn setters(api: &Api, op: &Operation) -> TokenStream {
    let marker = ident(&op.marker);
    let mut methods: Vec<TokenStream> = op
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.required)
        .map(|(slot, p)| {
            let name = ident(&p.ident);
            let ty = param_ty(p);
            let set = set_param(&quote!(self.request), slot, p, &quote!(value));
            let mut doc = match p.doc.as_deref().map(spec).filter(|d| !d.is_empty()) {
                Some(d) => d,
                None => format!("The {} parameter {}.", p.location.as_str(), code(&p.wire)),
            };
            if let Some(facts) = param_facts(api, p) {
                doc.push_str("\n\n");
                doc.push_str(&facts);
            }
            let docs = lines(&doc);
            let deprecated = deprecated_attr(p.deprecated, p.doc.as_deref(), "parameter");
            quote! {
                #docs
                #deprecated
                pub fn #name(mut self, value: #ty) -> Self {
                    #set
                    self
                }
            }
        })
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| !body_required(b)) {
        let ty = body_ty(body);
        let set = set_body(body, quote!(self.request));
        let docs = lines(&spec(body.doc.as_deref().filter(|d| !d.trim().is_empty()).unwrap_or("The request body.")));
        methods.push(quote! {
            #docs
            pub fn body(mut self, body: #ty) -> Self {
                self.request = #set;
                self
            }
        });
    }
    let lifetime = match &op.event_stream {
        Some(form) => {
            methods.push(event_stream_method(op, form));
            quote!(<'a>)
        }
        None => TokenStream::new(),
    };
    if methods.is_empty() {
        return TokenStream::new();
    }
    let call_lifetime = if op.event_stream.is_some() { quote!('a) } else { quote!('_) };
    quote! {
        impl #lifetime Call<#call_lifetime, operations::#marker> {
            #(#methods)*
        }
    }
}

/// `Call::event_stream`: the call, asking for the success response as server-sent events instead.
fn event_stream_method(op: &Operation, form: &EventStreamForm) -> TokenStream {
    let events_marker = ident(&form.marker);
    let outcomes = std::slice::from_ref(&form.outcome);
    let statuses = streamed_statuses(outcomes);
    let doc = format!(
        "Asks for the answer as server-sent events (`text/event-stream`) instead of {}: awaiting the call \
         gives an [`EventStream`](events::EventStream) of the events as they arrive, with the same errors.\n\n\
         Only the `Accept` header changes: an API that also decides by the request (a `stream` field of the \
         body, say) needs that set too.",
        op.accept.as_deref().map_or_else(|| "its other media type".to_owned(), code),
    );
    let docs = lines(&doc);
    quote! {
        #docs
        pub fn event_stream(self) -> Call<'a, operations::#events_marker> {
            Call::new(self.request.accept("text/event-stream").streams(#statuses))
        }
    }
}

/// The operation's marker type (and its event-stream form's), in the `operations` module.
pub(super) fn marker(op: &Operation) -> TokenStream {
    let marker = ident(&op.marker);
    let doc =
        format!("[`Client::{}`](super::Client::{}): `{} {}`.", op.fn_name, op.fn_name, op.method.as_str(), op.path);
    let docs = doc_attrs_with(&doc, None);
    let events = op.event_stream.as_ref().map(|form| {
        let marker = ident(&form.marker);
        let doc = format!(
            "[`Client::{}`](super::Client::{}) asking for server-sent events ([`Call::event_stream`](super::Call)).",
            op.fn_name, op.fn_name
        );
        let docs = doc_attrs_with(&doc, None);
        quote! {
            #docs
            #[derive(Debug)]
            pub enum #marker {}
        }
    });
    quote! {
        #docs
        #[derive(Debug)]
        pub enum #marker {}
        #events
    }
}

/// What the operation answers with (and its event-stream form), and the table of statuses that decodes a
/// response into it.
pub(super) fn operation_impl(op: &Operation) -> TokenStream {
    let main = operation_impl_for(op, &op.marker, &op.success, op.success_type.as_ref());
    let events = op
        .event_stream
        .as_ref()
        .map(|form| operation_impl_for(op, &form.marker, std::slice::from_ref(&form.outcome), None));
    quote!(#main #events)
}

fn operation_impl_for(op: &Operation, marker: &str, success: &[Outcome], success_type: Option<&String>) -> TokenStream {
    let marker = ident(marker);
    let success_ty = success_ty(success, success_type);
    let error = error_ty(op);
    let arms = decode_arms(op, success, success_type);
    let (id, method, template) = (lit(&op.id), lit(op.method.as_str()), lit(&op.path));
    quote! {
        impl clientgen_runtime::Operation for operations::#marker {
            type Output = #success_ty;
            type Error = #error;
            const ID: &'static str = #id;
            const TEMPLATE: (&'static str, &'static str) = (#method, #template);

            fn decode(response: RawResponse) -> Result<ResponseValue<Self::Output>, Error<Self::Error>> {
                match response.status().as_u16() {
                    #arms
                }
            }
        }
    }
}
