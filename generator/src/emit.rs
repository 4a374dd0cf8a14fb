//! Emit: the model → Rust tokens (with `quote`), one token stream per generated file.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::docs::doc_attrs;
use crate::model::{
    Api, Body, BodyEncoding, Field, Operation, Outcome, Param, ParamLocation, Placement, QueryStyle, ResponseBody,
    Security, Segment, StatusMatch, Tag, Ty, TypeDef, TypeKind, split_template,
};
use crate::names::is_keyword;

/// An identifier, raw where it is a keyword.
pub fn ident(name: &str) -> Ident {
    if is_keyword(name) { Ident::new_raw(name, Span::call_site()) } else { Ident::new(name, Span::call_site()) }
}

fn lit(s: &str) -> Literal {
    Literal::string(s)
}

/// The Rust type for `ty`, as seen from the crate root (`types::` prefix on named types) or from `types`.
pub fn ty_tokens(ty: &Ty, in_types: bool) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Secret => quote!(clientgen_runtime::Secret),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::U64 => quote!(u64),
        Ty::F64 => quote!(f64),
        Ty::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        Ty::Date => quote!(chrono::NaiveDate),
        Ty::Uuid => quote!(uuid::Uuid),
        Ty::Json => quote!(serde_json::Value),
        Ty::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        Ty::Named(name) => {
            let name = ident(name);
            if in_types { quote!(#name) } else { quote!(types::#name) }
        }
        Ty::Vec(inner) => {
            let inner = ty_tokens(inner, in_types);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(inner, in_types);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Boxed(inner) => {
            let inner = ty_tokens(inner, in_types);
            quote!(Box<#inner>)
        }
        Ty::Nullable(inner) => {
            let inner = ty_tokens(inner, in_types);
            quote!(Option<#inner>)
        }
    }
}

/// `src/types.rs`: one item per named type.
pub fn types_file(api: &Api) -> TokenStream {
    types_file_part(api, 0, 1)
}

/// A rough measure of how much code `types.rs` will hold (items and their members).
pub fn types_weight(api: &Api) -> usize {
    api.types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Struct { fields, .. } => 2 + fields.len() * 2,
            TypeKind::Enum { variants } => 2 + variants.len() * 2,
            TypeKind::IntEnum { variants, .. } => 8 + variants.len() * 4,
            TypeKind::Union { variants, tag } => 3 + variants.len() * if tag.is_some() { 4 } else { 1 },
            TypeKind::Alias(_) | TypeKind::Newtype(_) => 2,
        })
        .sum()
}

/// A rough measure of how much code `lib.rs` will hold, in the units of [`types_weight`].
pub fn lib_weight(api: &Api) -> usize {
    api.operations.iter().map(|op| 12 + op.params.len() * 4 + (op.success.len() + op.errors.len()) * 3).sum()
}

/// Piece `index` of `src/types.rs` cut into `parts` consecutive pieces of whole items (the first also holds
/// the module docs and imports), to render side by side: the rendered pieces joined by a blank line are the
/// file.
pub fn types_file_part(api: &Api, index: usize, parts: usize) -> TokenStream {
    let size = api.types.len().div_ceil(parts.max(1)).max(1);
    let items = api.types.chunks(size).nth(index).unwrap_or_default().iter().map(type_def);
    if index > 0 {
        return items.collect();
    }
    let derives = api.types.iter().any(|def| !matches!(def.kind, TypeKind::Alias(_)));
    let imports = derives.then(|| {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    });
    quote! {
        //! The types of the API's schemas, request bodies and responses.
        #imports
        #(#items)*
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref());
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            let fields = fields.iter().map(field);
            let additional = additional.as_ref().map(|ty| {
                let ty = ty_tokens(ty, true);
                quote! {
                    /// Further properties, by name.
                    #[serde(flatten)]
                    pub additional_properties: std::collections::BTreeMap<String, #ty>,
                }
            });
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
                pub struct #name {
                    #(#fields)*
                    #additional
                }
            }
        }
        TypeKind::Enum { variants } => {
            let variants = variants.iter().map(|(variant, wire)| {
                let variant_ident = ident(variant);
                let doc = format!(" {}", crate::docs::code(wire));
                let rename = (variant != wire).then(|| {
                    let wire = lit(wire);
                    quote!(#[serde(rename = #wire)])
                });
                quote! {
                    #[doc = #doc]
                    #rename
                    #variant_ident,
                }
            });
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
                pub enum #name {
                    #(#variants)*
                    /// A value the spec does not list, kept as sent.
                    #[serde(untagged)]
                    Other(String),
                }
            }
        }
        TypeKind::IntEnum { repr, variants } => int_enum(&name, docs, repr, variants),
        TypeKind::Union { variants, tag: Some(tag) } => tagged_union(&name, docs, variants, tag),
        TypeKind::Union { variants, tag: None } => {
            let variants = variants.iter().map(|(variant, ty)| {
                let variant = ident(variant);
                let ty = ty_tokens(ty, true);
                quote!(#variant(#ty),)
            });
            let separator = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
            quote! {
                #docs
                #separator
                /// The first variant whose shape matches the JSON is chosen.
                #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#variants)*
                }
            }
        }
        TypeKind::Newtype(ty) => {
            let ty = ty_tokens(ty, true);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #ty);
            }
        }
        TypeKind::Alias(ty) => {
            let ty = ty_tokens(ty, true);
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    }
}

/// An integer enum, read and written as the integer through `From` conversions (serde `from`/`into`), so a
/// value the spec does not list is kept in `Other`.
fn int_enum(name: &Ident, docs: TokenStream, repr: &Ty, variants: &[(String, i64)]) -> TokenStream {
    let repr_tokens = ty_tokens(repr, true);
    let repr_name = lit(&repr_tokens.to_string());
    let literal = |value: i64| match repr {
        Ty::I32 => proc_macro2::Literal::i32_unsuffixed(value as i32),
        _ => proc_macro2::Literal::i64_unsuffixed(value),
    };
    let items = variants.iter().map(|(variant, value)| {
        let variant = ident(variant);
        let doc = format!(" `{value}`");
        quote! {
            #[doc = #doc]
            #variant,
        }
    });
    let from_arms = variants.iter().map(|(variant, value)| {
        let variant = ident(variant);
        let value = literal(*value);
        quote!(#value => Self::#variant,)
    });
    let into_arms = variants.iter().map(|(variant, value)| {
        let variant = ident(variant);
        let value = literal(*value);
        quote!(#name::#variant => #value,)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = #repr_name, into = #repr_name)]
        pub enum #name {
            #(#items)*
            /// A value the spec does not list, kept as sent.
            Other(#repr_tokens),
        }

        impl From<#repr_tokens> for #name {
            fn from(value: #repr_tokens) -> Self {
                match value {
                    #(#from_arms)*
                    other => Self::Other(other),
                }
            }
        }

        impl From<#name> for #repr_tokens {
            fn from(value: #name) -> Self {
                match value {
                    #(#into_arms)*
                    #name::Other(other) => other,
                }
            }
        }
    }
}

/// A union chosen by its discriminator: serde cannot express "the variant struct keeps the tag field",
/// so the impls dispatch on the tag through the runtime's `tagged` helpers.
fn tagged_union(name: &Ident, docs: TokenStream, variants: &[(String, Ty)], tag: &Tag) -> TokenStream {
    let property = lit(&tag.property);
    let variant_items = variants.iter().map(|(variant, ty)| {
        let variant = ident(variant);
        let ty = ty_tokens(ty, true);
        quote!(#variant(#ty),)
    });
    let serialize_arms = variants.iter().enumerate().map(|(i, (variant, _))| {
        let variant = ident(variant);
        let value =
            tag.values.iter().find(|(_, index)| *index == i).map(|(value, _)| value.clone()).unwrap_or_default();
        let value = lit(&value);
        quote!(Self::#variant(value) => clientgen_runtime::tagged::serialize(serializer, #property, #value, value),)
    });
    let deserialize_arms = variants.iter().enumerate().map(|(i, (variant, _))| {
        let variant = ident(variant);
        let values = tag.values.iter().filter(|(_, index)| *index == i).map(|(value, _)| lit(value));
        quote!(#(#values)|* => clientgen_runtime::tagged::variant(value).map(Self::#variant),)
    });
    let doc = format!(" Chosen by the {} property.", crate::docs::code(&tag.property));
    let separator = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
    quote! {
        #docs
        #separator
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variant_items)*
            /// A value whose discriminator the spec does not list, kept as sent.
            Other(serde_json::Value),
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::Other(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (tag, value) = clientgen_runtime::tagged::split(deserializer, #property)?;
                match tag.as_str() {
                    #(#deserialize_arms)*
                    _ => Ok(Self::Other(value)),
                }
            }
        }
    }
}

fn field(field: &Field) -> TokenStream {
    let name = ident(&field.ident);
    let mut doc = field.doc.clone().unwrap_or_default();
    if field.nullable && !field.required {
        let note = "Optional and nullable: `None` is absent (not sent), `Some(None)` is `null`.";
        doc = if doc.is_empty() { note.to_owned() } else { format!("{doc}\n\n{note}") };
    }
    let docs = doc_attrs(Some(&doc).filter(|d| !d.is_empty()).map(String::as_str));
    let ty = ty_tokens(&field.ty, true);
    let rename = (field.ident != field.wire).then(|| {
        let wire = lit(&field.wire);
        quote!(#[serde(rename = #wire)])
    });
    let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
    let (ty, skip) = match (field.required, field.nullable) {
        (true, false) => (ty, None),
        // Required but nullable: always sent, `null` when `None`.
        (true, true) => (quote!(Option<#ty>), None),
        (false, false) => {
            (quote!(Option<#ty>), Some(quote!(#[serde(default, skip_serializing_if = "Option::is_none")])))
        }
        // Optional and nullable: absent, `null` and a value are three different things on the wire.
        (false, true) => (
            quote!(Option<Option<#ty>>),
            Some(quote!(#[serde(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "clientgen_runtime::nullable::deserialize"
            )])),
        ),
    };
    quote! {
        #docs
        #deprecated
        #rename
        #skip
        pub #name: #ty,
    }
}

/// `src/lib.rs`: crate docs, the client, and one method and error type per operation.
pub fn lib_file(api: &Api, crate_name: &str) -> TokenStream {
    let crate_docs = crate::docs::crate_docs(api, crate_name);
    let constructors = constructors(api);
    let operations = api.operations.iter().map(|op| operation(api, op));
    let op_types = api.operations.iter().map(operation_types);
    let schemes = crate::auth::schemes(api);
    let login = crate::auth::login_methods(api);
    let core_import = if api.operations.is_empty() {
        quote!(
            use clientgen_runtime::ClientCore;
        )
    } else {
        quote!(
            use clientgen_runtime::{ClientCore, Security};
        )
    };
    quote! {
        #crate_docs
        #![forbid(unsafe_code)]

        pub mod types;

        pub use clientgen_runtime::{BuildError, Error, ResponseValue, Secret};
        /// Sessions, token stores and their errors (the whole credentials API of the runtime).
        pub use clientgen_runtime::auth;
        pub use clientgen_runtime::auth::{AuthError, SendError, Session, SessionOptions, StoredTokens, TokenStore};

        #core_import

        /// A client for the API. Cheap to clone: clones share the connection pool and the session.
        #[derive(Debug, Clone)]
        pub struct Client {
            core: ClientCore,
        }

        impl Client {
            #constructors

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            #login

            #(#operations)*
        }

        #schemes

        #(#op_types)*
    }
}

fn constructors(api: &Api) -> TokenStream {
    let user_agent = quote!(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")));
    let default = api.servers.first().map(|server| {
        let mut doc = format!("A client for the spec's default server, `{}`.", server.url);
        if let Some(description) = &server.description {
            doc = format!("{doc}\n\n{description}");
        }
        let docs = doc_attrs(Some(&doc));
        if server.variables.is_empty() {
            let url = lit(&server.url);
            quote! {
                /// The spec's default server.
                pub const DEFAULT_BASE_URL: &'static str = #url;

                #docs
                pub fn new() -> Result<Self, BuildError> {
                    Self::with_base_url(Self::DEFAULT_BASE_URL)
                }
            }
        } else {
            // `https://{helpdesk}/api/v2` → format!("https://{}/api/v2", helpdesk)
            let mut template = server.url.replace('{', "\u{0}").replace('}', "\u{1}");
            template = template.replace('\u{0}', "{{").replace('\u{1}', "}}");
            let mut args = Vec::new();
            let mut params = Vec::new();
            let mut arg_docs = String::from("\n\n# Arguments\n");
            for var in &server.variables {
                let var_ident = ident(&var.ident);
                // Inline plain identifiers in the format string (as clippy prefers); raw ones cannot be.
                if is_keyword(&var.ident) {
                    template = template.replace(&format!("{{{{{}}}}}", var.wire), "{}");
                    args.push(quote!(#var_ident));
                } else {
                    template = template.replace(&format!("{{{{{}}}}}", var.wire), &format!("{{{}}}", var.ident));
                }
                params.push(quote!(#var_ident: &str));
                arg_docs.push_str(&format!(
                    "\n- `{}`: {}",
                    var.ident,
                    var.description.as_deref().unwrap_or("the server variable of that name").replace('\n', " ").trim()
                ));
            }
            let docs = doc_attrs(Some(&format!("{doc}{arg_docs}")));
            let template = lit(&template);
            quote! {
                #docs
                pub fn new(#(#params),*) -> Result<Self, BuildError> {
                    Self::with_base_url(&format!(#template #(, #args)*))
                }
            }
        }
    });
    quote! {
        #default

        /// A client for `base_url` (for example a test server), with default timeouts.
        pub fn with_base_url(base_url: &str) -> Result<Self, BuildError> {
            Self::with_http_client(base_url, ClientCore::default_http_client(#user_agent)?)
        }

        /// A client for `base_url` that sends through `http`, a `reqwest::Client` set up by the caller
        /// (timeouts, proxies, TLS).
        pub fn with_http_client(base_url: &str, http: reqwest::Client) -> Result<Self, BuildError> {
            Ok(Self { core: ClientCore::new(base_url, http)? })
        }
    }
}

/// The success type of an operation, as seen from the crate root.
pub fn success_ty(op: &Operation) -> TokenStream {
    if let Some(name) = &op.success_type {
        let name = ident(name);
        return quote!(#name);
    }
    match op.success.first().map(|o| &o.body) {
        None | Some(ResponseBody::Empty) => quote!(()),
        Some(ResponseBody::Json(ty)) => ty_tokens(ty, false),
        Some(ResponseBody::Text) => quote!(String),
        Some(ResponseBody::Bytes) => quote!(bytes::Bytes),
    }
}

/// The error type parameter of an operation's `Error`.
pub fn error_ty(op: &Operation) -> TokenStream {
    match &op.error_type {
        Some(name) => {
            let name = ident(name);
            quote!(#name)
        }
        None => quote!(std::convert::Infallible),
    }
}

/// The Rust type of an operation argument.
pub fn param_ty(param: &Param) -> TokenStream {
    let ty = match &param.ty {
        Ty::String => quote!(&str),
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::F64 => ty_tokens(&param.ty, false),
        other => {
            let ty = ty_tokens(other, false);
            quote!(&#ty)
        }
    };
    if param.required { ty } else { quote!(Option<#ty>) }
}

/// The text form of a path, header or cookie parameter value (named `value`).
fn param_text(ty: &Ty, value: &TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote!(#value),
        Ty::Secret => quote!(#value.expose()),
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::F64 => quote!(&#value.to_string()),
        _ => quote!(&clientgen_runtime::params::text(#value)),
    }
}

/// The request-building part of an operation.
fn build_request(op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.method);
    let path = if op.params.iter().any(|p| p.location == ParamLocation::Path) {
        // A format string: literal text with its braces doubled, `{}` for each path parameter.
        let mut template = String::new();
        let mut args = Vec::new();
        for segment in split_template(&op.path) {
            let param = match segment {
                Segment::Variable(name) => {
                    op.params.iter().find(|p| p.location == ParamLocation::Path && p.wire == name)
                }
                Segment::Literal(_) => None,
            };
            match (segment, param) {
                (_, Some(param)) => {
                    template.push_str("{}");
                    let value = ident(&param.ident);
                    let text = param_text(&param.ty, &quote!(#value));
                    args.push(quote!(clientgen_runtime::encode_path(#text)));
                }
                (Segment::Variable(name), None) => {
                    template.push_str(&format!("{{{{{}}}}}", name.replace('{', "{{").replace('}', "}}")))
                }
                (Segment::Literal(text), None) => template.push_str(&text.replace('{', "{{").replace('}', "}}")),
            }
        }
        let template = lit(&template);
        quote!(&format!(#template, #(#args),*))
    } else {
        let path = lit(&op.path);
        quote!(#path)
    };
    let mut steps = Vec::new();
    let mut cookies = Vec::new();
    for param in op.params.iter().filter(|p| p.location != ParamLocation::Path) {
        let name = ident(&param.ident);
        let wire = lit(&param.wire);
        let value = quote!(value);
        let add = match param.location {
            ParamLocation::Query => {
                let style = format_ident!(
                    "{}",
                    match param.style {
                        QueryStyle::Form => "Form",
                        QueryStyle::SpaceDelimited => "SpaceDelimited",
                        QueryStyle::PipeDelimited => "PipeDelimited",
                        QueryStyle::DeepObject => "DeepObject",
                    }
                );
                let explode = param.explode;
                quote! {
                    request = request.query(&clientgen_runtime::params::query(#wire, &value, clientgen_runtime::params::Style::#style, #explode));
                }
            }
            ParamLocation::Header => {
                let text = param_text(&param.ty, &value);
                quote!(request = request.header(#wire, #text);)
            }
            ParamLocation::Cookie => {
                let text = param_text(&param.ty, &value);
                let fmt = lit(&format!("{}={{}}", param.wire.replace('{', "{{").replace('}', "}}")));
                // Cookie values are percent-encoded, so no value can end the cookie or start another.
                cookies.push((
                    param.required,
                    name.clone(),
                    quote!(format!(#fmt, clientgen_runtime::encode_path(#text))),
                ));
                continue;
            }
            ParamLocation::Path => continue,
        };
        steps.push(if param.required {
            quote! { let value = #name; #add }
        } else {
            quote! { if let Some(value) = #name { #add } }
        });
    }
    if !cookies.is_empty() {
        let pushes = cookies.iter().map(|(required, name, text)| {
            if *required {
                quote! { let value = #name; cookies.push(#text); }
            } else {
                quote! { if let Some(value) = #name { cookies.push(#text); } }
            }
        });
        steps.push(quote! {
            let mut cookies: Vec<String> = Vec::new();
            #(#pushes)*
            if !cookies.is_empty() { request = request.header(reqwest::header::COOKIE, cookies.join("; ")); }
        });
    }
    if let Some(accept) = &op.accept {
        let accept = lit(accept);
        steps.push(quote!(request = request.header(reqwest::header::ACCEPT, #accept);));
    }
    if let Some(body) = &op.body {
        let content_type = lit(&body.content_type);
        let set = match body.encoding {
            BodyEncoding::Json if body.content_type == "application/json" => quote!(request = request.json(body);),
            // `+json` media types keep their own name on the wire.
            BodyEncoding::Json => {
                quote!(request = request.header(reqwest::header::CONTENT_TYPE, #content_type).json(body);)
            }
            BodyEncoding::Form => quote! {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(clientgen_runtime::params::form(body));
            },
            BodyEncoding::Multipart => quote!(request = request.multipart(body);),
            BodyEncoding::Text | BodyEncoding::Bytes => {
                let value = if body.encoding == BodyEncoding::Text { quote!(body.to_owned()) } else { quote!(body) };
                quote!(request = request.header(reqwest::header::CONTENT_TYPE, #content_type).body(#value);)
            }
        };
        let optional = !body.required && body.encoding != BodyEncoding::Multipart;
        steps.push(if optional { quote!(if let Some(body) = body { #set }) } else { set });
    }
    let mutability = (!steps.is_empty()).then(|| quote!(mut));
    quote! {
        let #mutability request = self.core.request(reqwest::Method::#method, #path);
        #(#steps)*
    }
}

fn body_param(body: &Body) -> TokenStream {
    let ty = match body.encoding {
        BodyEncoding::Json | BodyEncoding::Form => {
            let ty = ty_tokens(&body.ty, false);
            quote!(&#ty)
        }
        BodyEncoding::Text => quote!(&str),
        BodyEncoding::Multipart => quote!(reqwest::multipart::Form),
        // An optional body takes `reqwest::Body` itself, so that `None` needs no type annotation.
        BodyEncoding::Bytes if body.required => quote!(impl Into<reqwest::Body>),
        BodyEncoding::Bytes => quote!(reqwest::Body),
    };
    if body.required || body.encoding == BodyEncoding::Multipart {
        quote!(body: #ty)
    } else {
        quote!(body: Option<#ty>)
    }
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(digit) => {
            let low = Literal::u16_unsuffixed(digit * 100);
            let high = Literal::u16_unsuffixed(digit * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

fn decode_arms(op: &Operation) -> TokenStream {
    let mut arms: Vec<(StatusMatch, TokenStream)> = Vec::new();
    for outcome in &op.success {
        let read = match &outcome.body {
            ResponseBody::Empty => quote!(response.empty()),
            ResponseBody::Json(_) => quote!(response.json()),
            ResponseBody::Text => quote!(response.text()),
            ResponseBody::Bytes => quote!(response.bytes()),
        };
        let expr = match &op.success_type {
            Some(name) => {
                let name = ident(name);
                let variant = ident(&outcome.variant);
                // Inside `.map(|value| …)` the body type cannot be inferred: name it.
                let read = match &outcome.body {
                    ResponseBody::Json(ty) => {
                        let ty = ty_tokens(ty, false);
                        quote!(response.json::<#ty, _>())
                    }
                    _ => read,
                };
                if outcome.body == ResponseBody::Empty {
                    quote!(#read.map(|value| value.map(|()| #name::#variant)))
                } else {
                    quote!(#read.map(|value| value.map(#name::#variant)))
                }
            }
            None => read,
        };
        // `default` as the success response stands for any 2xx.
        let status = if outcome.status == StatusMatch::Default { StatusMatch::Range(2) } else { outcome.status };
        arms.push((status, expr));
    }
    if let Some(error_type) = &op.error_type {
        let error_type = ident(error_type);
        for outcome in &op.errors {
            let variant = ident(&outcome.variant);
            let expr = match &outcome.body {
                ResponseBody::Empty => quote!(response.error_empty(#error_type::#variant)),
                ResponseBody::Json(_) => quote!(response.error(#error_type::#variant)),
                ResponseBody::Text | ResponseBody::Bytes => {
                    quote!(response.error_text(#error_type::#variant))
                }
            };
            arms.push((outcome.status, expr));
        }
    }
    arms.sort_by_key(|(status, _)| *status);
    let has_default = arms.iter().any(|(status, _)| *status == StatusMatch::Default);
    let arms = arms.into_iter().map(|(status, expr)| {
        let pattern = status_pattern(status);
        quote!(#pattern => #expr,)
    });
    let fallback = (!has_default).then(|| quote!(_ => response.unexpected(),));
    quote!(#(#arms)* #fallback)
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

fn operation(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.fn_name);
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(summary.trim());
        doc.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        doc.push_str(description.trim());
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("`{} {}`", op.method, op.path));
    match &op.security {
        Security::None => {}
        Security::Required(schemes) => doc.push_str(&format!("; needs credentials: {}", schemes.join(" or "))),
        Security::Optional(schemes) => doc.push_str(&format!("; sends credentials if held: {}", schemes.join(" or "))),
    }
    let param_docs: Vec<String> =
        op.params
            .iter()
            .map(|p| match &p.doc {
                Some(d) => format!("- `{}`: {}", p.ident, d.trim().replace('\n', " ")),
                None => format!("- `{}`: the {} parameter `{}`", p.ident, location_word(p.location), p.wire),
            })
            .chain(op.body.iter().map(|b| {
                format!("- `body`: {}", b.doc.as_deref().unwrap_or("the request body").trim().replace('\n', " "))
            }))
            .collect();
    if !param_docs.is_empty() {
        doc.push_str("\n\n# Arguments\n\n");
        doc.push_str(&param_docs.join("\n"));
    }
    let docs = doc_attrs(Some(&doc));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let params = op.params.iter().map(|p| {
        let name = ident(&p.ident);
        let ty = param_ty(p);
        quote!(#name: #ty)
    });
    let body = op.body.as_ref().map(body_param);
    let build = build_request(op);
    let success = success_ty(op);
    let error = error_ty(op);
    let security = security_tokens(&op.security);
    let sensitive = api.response_sensitive(op);
    let arms = decode_arms(op);
    quote! {
        #docs
        #deprecated
        pub async fn #name(&self, #(#params,)* #body) -> Result<ResponseValue<#success>, Error<#error>> {
            #build
            self.core
                .send(request, #security, #sensitive, |response| match response.status().as_u16() {
                    #arms
                })
                .await
        }
    }
}

fn location_word(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn outcome_doc(outcome: &Outcome) -> String {
    let status = match outcome.status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(digit) => format!("{digit}XX"),
        StatusMatch::Default => "Any other status".to_owned(),
    };
    match &outcome.doc {
        Some(doc) => format!("{status}: {}", doc.trim()),
        None => status,
    }
}

/// The payload of a success or error enum variant. Error bodies are boxed, so that every operation's
/// `Result` stays small whatever its error bodies weigh.
fn outcome_payload(body: &ResponseBody, boxed: bool) -> Option<TokenStream> {
    let ty = match body {
        ResponseBody::Empty => return None,
        ResponseBody::Json(ty) => ty_tokens(ty, false),
        ResponseBody::Text => quote!(String),
        ResponseBody::Bytes => quote!(bytes::Bytes),
    };
    Some(if boxed { quote!(Box<#ty>) } else { ty })
}

/// The error enum (and success enum, where successes differ) of an operation.
fn operation_types(op: &Operation) -> TokenStream {
    let outcome_enum = |name: &Option<String>, what: &str, outcomes: &[Outcome], boxed: bool| {
        name.as_ref().map(|name| {
            let name = ident(name);
            let doc = format!(" The documented {what} responses of [`Client::{}`].", op.fn_name);
            let variants = outcomes.iter().map(|outcome| variant(outcome, boxed));
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq)]
                pub enum #name {
                    #(#variants)*
                }
            }
        })
    };
    let error = outcome_enum(&op.error_type, "error", &op.errors, true);
    let success = outcome_enum(&op.success_type, "successful", &op.success, false);
    quote!(#error #success)
}

fn variant(outcome: &Outcome, boxed: bool) -> TokenStream {
    let docs = doc_attrs(Some(&outcome_doc(outcome)));
    let variant = ident(&outcome.variant);
    let body = match (&outcome.body, boxed) {
        // Error bodies of non-JSON responses are read as text.
        (ResponseBody::Bytes, true) => &ResponseBody::Text,
        (body, _) => body,
    };
    match outcome_payload(body, boxed) {
        Some(ty) => quote! { #docs #variant(#ty), },
        None => quote! { #docs #variant, },
    }
}

/// Whether any generated item uses this kind of type, to list only the dependencies the crate needs.
pub fn uses(api: &Api, pred: &dyn Fn(&Ty) -> bool) -> bool {
    fn walk(ty: &Ty, pred: &dyn Fn(&Ty) -> bool) -> bool {
        pred(ty)
            || match ty {
                Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => walk(inner, pred),
                _ => false,
            }
    }
    let in_types = api.types.iter().any(|def| match &def.kind {
        TypeKind::Struct { fields, additional } => {
            fields.iter().any(|f| walk(&f.ty, pred)) || additional.as_ref().is_some_and(|ty| walk(ty, pred))
        }
        TypeKind::Union { variants, .. } => variants.iter().any(|(_, ty)| walk(ty, pred)),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => walk(ty, pred),
        TypeKind::Enum { .. } | TypeKind::IntEnum { .. } => false,
    });
    let in_ops = api.operations.iter().any(|op| {
        op.params.iter().any(|p| walk(&p.ty, pred))
            || op
                .body
                .as_ref()
                .filter(|b| matches!(b.encoding, BodyEncoding::Json | BodyEncoding::Form))
                .is_some_and(|b| walk(&b.ty, pred))
            || op.success.iter().chain(&op.errors).any(|o| matches!(&o.body, ResponseBody::Json(ty) if walk(ty, pred)))
    });
    in_types || in_ops
}

/// Placement as tokens of `clientgen_runtime::auth::Placement`.
pub fn placement_tokens(placement: &Placement) -> TokenStream {
    match placement {
        Placement::Header { name, prefix } => {
            let name = lit(name);
            let prefix = lit(prefix);
            quote!(clientgen_runtime::auth::Placement::Header { name: #name, prefix: #prefix })
        }
        Placement::Body { token_field, fields } => {
            let token_field = lit(token_field);
            let fields = fields.iter().map(|f| lit(f));
            quote!(clientgen_runtime::auth::Placement::Body { token_field: #token_field, fields: &[#(#fields),*] })
        }
        Placement::Query { name } => {
            let name = lit(name);
            quote!(clientgen_runtime::auth::Placement::Query { name: #name })
        }
        Placement::Cookie { name } => {
            let name = lit(name);
            quote!(clientgen_runtime::auth::Placement::Cookie { name: #name })
        }
    }
}
