//! The `mock` module (feature `mock`) of every crate: a typed mock server of the API, and a fake of each
//! issuing scheme's token server. The machinery is the runtime's (`clientgen_runtime::mock`); this writes
//! what only the spec knows: one `mock::Server` method per operation (which builds the expected request with
//! the operation's own `Client` method), how each operation's success values and documented errors go on the
//! wire (`Replies`, `ErrorReply`), where the API's credentials go (so reports redact them), each issuing
//! scheme's `AuthSpec`, and the answer each token operation gives (its success status, and a body its
//! generated type decodes, built here from the type with the required properties only, into which the fake
//! writes the tokens).

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};

use super::auth::{spec_ident, token_op};
use super::docs::code;
use super::operations::required_inputs;
use super::{ident, lit};
use crate::model::{
    Api, Operation, Outcome, ParamLocation, Placement, ResponseBody, Security, SecurityScheme, StatusMatch, Ty,
    TypeKind,
};

/// The schemes whose tokens an operation of the spec issues (`x-clientgen-token`, role `exchange`).
pub(super) fn issuing_schemes(api: &Api) -> Vec<&SecurityScheme> {
    api.schemes.iter().filter(|scheme| token_op(api, &scheme.key, true).is_some()).collect()
}

/// The names of the fakes, one per issuing scheme: `token_server`, or `token_server_<scheme>` beside the
/// scheme's `with_<scheme>` method when there are several.
pub(super) fn token_server_names(api: &Api) -> Vec<String> {
    let schemes = issuing_schemes(api);
    let one = schemes.len() == 1;
    schemes
        .iter()
        .map(|scheme| match scheme.method.strip_prefix("with_") {
            Some(stem) if !one => format!("token_server_{stem}"),
            _ => "token_server".to_owned(),
        })
        .collect()
}

/// The `mock` module: the mock server, and the fakes of the token servers.
pub(super) fn mock_module(api: &Api, operations_cfg: Option<&TokenStream>) -> TokenStream {
    let schemes = issuing_schemes(api);
    let names = token_server_names(api);
    let servers = schemes.iter().zip(&names).map(|(scheme, name)| {
        let name = format_ident!("{}", name);
        let spec = spec_ident(scheme);
        // A repeated single-use exchange and a reused refresh token are refused as the spec documents (401,
        // else 400), else as OAuth 2.0 refuses a used grant.
        let grant = || json!({"error": "invalid_grant"});
        let exchange = token_op(api, &scheme.key, true).map(|(op, _)| answer(api, op, (&[401, 400], grant())));
        let unauthorized = unauthorized(api, scheme);
        let refresh = match token_op(api, &scheme.key, false) {
            Some((op, _)) => {
                let answer = answer(api, op, (&[401, 400], grant()));
                quote!(Some(#answer))
            }
            None => quote!(None),
        };
        let doc = format!(
            " A fake of the {} token server on loopback: it issues tokens of the lifetime `options` sets in the \
             shape the spec reads them, rotates refresh tokens and refuses a reused one, and answers 401 to a \
             request with an expired or unknown access token. Point a client at its `uri()`; mount mocks of the \
             API's resources on its `server()`, or put a [`Server`] in front of it.",
            code(&scheme.key)
        );
        quote! {
            #[doc = #doc]
            pub async fn #name(options: FakeOptions) -> FakeTokens {
                let answers = clientgen_runtime::mock::Answers {
                    exchange: #exchange,
                    refresh: #refresh,
                    unauthorized: #unauthorized,
                };
                FakeTokens::start(&super::#spec, answers, options).await
            }
        }
    });
    let behind = names.iter().map(|name| {
        let (fake, method) = (format_ident!("{}", name), format_ident!("with_{}", name));
        let doc = format!(
            " A mock of the API behind a fake token server ([`{name}`]): expectations see only requests with \
             tokens it issued that have not expired, and [`tokens`](clientgen_runtime::mock::MockApi::tokens) \
             counts its logins and refreshes."
        );
        quote! {
            #[doc = #doc]
            pub async fn #method(options: FakeOptions) -> Self {
                Self::on(MockApi::with_tokens(#fake(options).await, &SECRETS).await)
            }
        }
    });
    let token_exports = (!schemes.is_empty()).then(|| {
        quote!(
            pub use clientgen_runtime::mock::{FakeOptions, FakeTokens};
        )
    });
    let calls = (!api.operations.is_empty()).then(|| {
        quote! {
            /// An expectation of an operation's requests, started by its [`Server`] method.
            #operations_cfg
            pub type Expect<'a, O> = clientgen_runtime::mock::Expect<'a, super::Call<'a, O>>;

            #operations_cfg
            impl<'a, O: clientgen_runtime::Operation> clientgen_runtime::mock::MockCall<'a> for super::Call<'a, O> {
                type Operation = O;

                fn into_request(self) -> clientgen_runtime::Request<'a> {
                    self.request
                }

                fn from_request(request: clientgen_runtime::Request<'a>) -> Self {
                    Self::new(request)
                }
            }
        }
    });
    let secrets = secrets(api);
    quote! {
        /// Test doubles for code that calls this crate (feature `mock`): a typed mock of the API on loopback
        /// ([`Server`](mock::Server)), and fakes of its token servers where the spec issues tokens. See the README's
        /// "Testing" section.
        #[cfg(feature = "mock")]
        pub mod mock {
            use clientgen_runtime::mock::MockApi;
            pub use clientgen_runtime::mock::{Mounted, Reply};
            #token_exports

            #calls

            /// A typed mock of the API on loopback, with one method per operation that starts an
            /// [`Expect`]ation of its requests. Point the code under test at [`uri`](MockApi::uri) (or use
            /// [`client`](Server::client)); the verification of [`MockApi`] runs when it is dropped.
            #[derive(Debug)]
            pub struct Server {
                pub(crate) mock: MockApi,
                pub(crate) client: super::Client,
            }

            impl Server {
                /// A mock of the API on a loopback port of its own.
                pub async fn start() -> Self {
                    Self::on(MockApi::start(&SECRETS).await)
                }

                #(#behind)*

                fn on(mock: MockApi) -> Self {
                    // A loopback URL is always a base URL, and the default HTTP client always builds.
                    let client = super::Client::with_base_url(&mock.uri()).expect("a loopback base URL");
                    Self { mock, client }
                }

                /// A client of this server, without credentials.
                pub fn client(&self) -> super::Client {
                    self.client.clone()
                }
            }

            impl std::ops::Deref for Server {
                type Target = MockApi;

                fn deref(&self) -> &MockApi {
                    &self.mock
                }
            }

            #secrets

            #(#servers)*
        }
    }
}

/// Where the API's credentials go, for the reports of the mock server: the security schemes' headers and
/// query parameters, parameters and body properties of the `Secret` type.
fn secrets(api: &Api) -> TokenStream {
    let (mut headers, mut query, mut fields) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for scheme in &api.schemes {
        match &scheme.placement {
            Placement::Header { name, .. } => headers.insert(name.to_ascii_lowercase()),
            Placement::Query { name } => query.insert(name.clone()),
            Placement::Body { token_field, .. } => fields.insert(token_field.clone()),
            Placement::Cookie { .. } => false,
        };
    }
    for op in &api.operations {
        for param in op.params.iter().filter(|param| is_secret(&param.ty)) {
            match param.location {
                ParamLocation::Header => headers.insert(param.wire.to_ascii_lowercase()),
                ParamLocation::Query => query.insert(param.wire.clone()),
                ParamLocation::Path | ParamLocation::Cookie => false,
            };
        }
    }
    for def in &api.types {
        if let TypeKind::Struct { fields: members, .. } = &def.kind {
            fields.extend(members.iter().filter(|field| is_secret(&field.ty)).map(|field| field.wire.clone()));
        }
    }
    let (headers, query, fields) =
        (headers.iter().map(|h| lit(h)), query.iter().map(|q| lit(q)), fields.iter().map(|f| lit(f)));
    quote! {
        /// Where the API's credentials go: a report of the mock server shows them `[REDACTED]`.
        static SECRETS: clientgen_runtime::mock::Secrets = clientgen_runtime::mock::Secrets {
            headers: &[#(#headers),*],
            query: &[#(#query),*],
            fields: &[#(#fields),*],
        };
    }
}

/// Whether a value of `ty` is a credential (or a list, map or option of them).
fn is_secret(ty: &Ty) -> bool {
    ty.walk().any(|inner| *inner == Ty::Secret)
}

/// The `mock::Server` method of an operation: the expectation of its requests with the inputs given.
pub(super) fn server_method(op: &Operation) -> TokenStream {
    let (name, marker) = (ident(&op.fn_name), ident(&op.marker));
    let (inputs, names) = required_inputs(op);
    let doc = format!(
        "Expects requests of [`Client::{0}`](Client::{0}) (`{1} {2}`) with these inputs.\n\
         Optional inputs are set with [`with`](clientgen_runtime::mock::Expect::with); the answers, on the\n\
         returned expectation.",
        op.fn_name,
        op.method.as_str(),
        op.path.replace('`', "'")
    );
    let doc = super::docs::lines(&doc);
    let deprecated = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#inputs),*) -> mock::Expect<'_, operations::#marker> {
            mock::Expect::new(&self.mock, self.client.#name(#(#names),*))
        }
    }
}

/// The status a mock answers for `status`, among the operation's `taken` codes: a range's first code the
/// operation documents no other way, and for `default` the first such server error (else client error).
fn reply_status(status: StatusMatch, taken: &BTreeSet<u16>) -> u16 {
    let free = |range: std::ops::RangeInclusive<u16>| range.clone().find(|code| !taken.contains(code));
    match status {
        StatusMatch::Code(code) => code,
        StatusMatch::Range(digit) => free(digit * 100..=digit * 100 + 99).unwrap_or(digit * 100),
        StatusMatch::Default => free(500..=599).or_else(|| free(400..=499)).unwrap_or(500),
    }
}

/// The codes an operation documents one by one.
fn taken(op: &Operation) -> BTreeSet<u16> {
    op.outcomes()
        .filter_map(|outcome| match outcome.status {
            StatusMatch::Code(code) => Some(code),
            _ => None,
        })
        .collect()
}

/// The `Reply` of a value (`value`) of an outcome's body, at `status`; `None` for a streamed body.
fn reply_of(body: &ResponseBody, status: u16, value: TokenStream) -> Option<TokenStream> {
    let status = Literal::u16_unsuffixed(status);
    Some(match body {
        ResponseBody::Empty => quote!(clientgen_runtime::mock::Reply::empty(#status)),
        ResponseBody::Json(_) => quote!(clientgen_runtime::mock::Reply::json(#status, #value)),
        ResponseBody::Text => quote!(clientgen_runtime::mock::Reply::text(#status, #value)),
        ResponseBody::Bytes | ResponseBody::Events(_) => return None,
    })
}

/// `Replies` of an operation whose success bodies are values (not streams): each success value as the
/// answer that decodes as it.
pub(super) fn success_reply(op: &Operation) -> TokenStream {
    let marker = ident(&op.marker);
    let taken = taken(op);
    // `default` as the success response stands for any 2xx.
    let status = |outcome: &Outcome| match outcome.status {
        StatusMatch::Default => reply_status(StatusMatch::Range(2), &taken),
        status => reply_status(status, &taken),
    };
    let body = match (&op.success_type, op.success.as_slice()) {
        (_, []) => quote!(clientgen_runtime::mock::Reply::empty(200)),
        (None, [outcome, ..]) => match reply_of(&outcome.body, status(outcome), quote!(output)) {
            Some(reply) => reply,
            None => return TokenStream::new(),
        },
        (Some(name), outcomes) => {
            let name = ident(name);
            let mut arms = Vec::new();
            for outcome in outcomes {
                let variant = ident(&outcome.variant);
                let Some(reply) = reply_of(&outcome.body, status(outcome), quote!(value)) else {
                    return TokenStream::new();
                };
                arms.push(match outcome.body {
                    ResponseBody::Empty => quote!(#name::#variant => #reply,),
                    _ => quote!(#name::#variant(value) => #reply,),
                });
            }
            quote!(match output { #(#arms)* })
        }
    };
    // An operation without a success body has `()` for its output, which the answer does not read.
    let reads = match (&op.success_type, op.success.first()) {
        (Some(_), _) => true,
        (None, first) => first.is_some_and(|outcome| outcome.body != ResponseBody::Empty),
    };
    let output = if reads { quote!(output) } else { quote!(_) };
    quote! {
        #[cfg(feature = "mock")]
        impl clientgen_runtime::mock::Replies for operations::#marker {
            fn reply(#output: &Self::Output) -> clientgen_runtime::mock::Reply {
                #body
            }
        }
    }
}

/// `ErrorReply` of an operation's error enum (where it is the operation's own): each documented error as
/// the answer that decodes as it.
pub(super) fn error_reply(op: &Operation) -> TokenStream {
    let Some(name) = op.error_type.as_ref().filter(|_| op.error_shared.is_none()) else { return TokenStream::new() };
    let name = ident(name);
    let taken = taken(op);
    let arms = op.errors.iter().map(|outcome| {
        let variant = ident(&outcome.variant);
        let status = Literal::u16_unsuffixed(reply_status(outcome.status, &taken));
        match &outcome.body {
            ResponseBody::Empty => quote!(Self::#variant => clientgen_runtime::mock::Reply::empty(#status),),
            ResponseBody::Json(_) => {
                quote!(Self::#variant(body) => clientgen_runtime::mock::Reply::json(#status, body),)
            }
            // Error bodies of non-JSON responses are read as text.
            ResponseBody::Text | ResponseBody::Bytes | ResponseBody::Events(_) => {
                quote!(Self::#variant(body) => clientgen_runtime::mock::Reply::text(#status, body),)
            }
        }
    });
    quote! {
        #[cfg(feature = "mock")]
        impl clientgen_runtime::mock::ErrorReply for #name {
            fn reply(&self) -> clientgen_runtime::mock::Reply {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// `clientgen_runtime::mock::Answer` of a token operation: its first success status and a body of its type,
/// and its refusal (`refused`: the statuses to look for among its documented errors, in order, and what to
/// answer where it documents none of them).
fn answer(api: &Api, op: &Operation, refused: (&[u16], Value)) -> TokenStream {
    let success = op.success.first();
    let status = match success.map(|outcome| outcome.status) {
        Some(StatusMatch::Code(code)) => code,
        _ => 200,
    };
    let body = match success.map(|outcome| &outcome.body) {
        Some(ResponseBody::Json(ty)) => minimal(api, ty, 0),
        _ => json!({}),
    };
    let body = body.to_string();
    let (codes, fallback) = refused;
    let (refused_status, refused_body) =
        documented(api, op, codes).unwrap_or_else(|| (codes.first().copied().unwrap_or(400), fallback.to_string()));
    quote!(clientgen_runtime::mock::Answer {
        status: #status,
        body: #body,
        refused: (#refused_status, #refused_body),
    })
}

/// The first of `codes` that `op` documents as an error, with its body as JSON text (its example in the spec,
/// else a value of its type; empty for none).
fn documented(api: &Api, op: &Operation, codes: &[u16]) -> Option<(u16, String)> {
    codes.iter().find_map(|&code| {
        let outcome = op.errors.iter().find(|outcome| outcome.status == StatusMatch::Code(code))?;
        let body = match (&outcome.example, &outcome.body) {
            (Some(example), ResponseBody::Json(_)) => example.to_string(),
            (None, ResponseBody::Json(ty)) => minimal(api, ty, 0).to_string(),
            _ => String::new(),
        };
        Some((code, body))
    })
}

/// The body of the 401 answer to an expired or unknown access token of `scheme`: what an operation that
/// needs the scheme documents for 401 (its example, else a value of its type), else RFC 6750's
/// `invalid_token` (the exchange's own 401 is about credentials, not tokens).
fn unauthorized(api: &Api, scheme: &SecurityScheme) -> String {
    let mut guarded = api.operations.iter().filter(|op| match &op.security {
        Security::Required(schemes) | Security::Optional(schemes) => schemes.contains(&scheme.key),
        Security::None => false,
    });
    guarded
        .find_map(|op| documented(api, op, &[401]))
        .map_or_else(|| json!({"error": "invalid_token"}).to_string(), |(_, body)| body)
}

/// A JSON value of `ty` with the required properties only: strings in their format's shape, numbers 0,
/// arrays and maps empty, enums their first value, unions their first variant.
fn minimal(api: &Api, ty: &Ty, depth: usize) -> Value {
    if depth > 16 {
        return Value::Null;
    }
    match ty {
        Ty::String | Ty::Secret => json!("x"),
        Ty::Bool => json!(false),
        Ty::I32 | Ty::I64 | Ty::U64 => json!(0),
        Ty::F64 => json!(0.0),
        Ty::DateTime => json!("1970-01-01T00:00:00Z"),
        Ty::Date => json!("1970-01-01"),
        Ty::Uuid => json!("00000000-0000-0000-0000-000000000000"),
        Ty::Json | Ty::JsonObject | Ty::Map(_) | Ty::External(_) => json!({}),
        Ty::Vec(_) => json!([]),
        Ty::Nullable(_) => Value::Null,
        Ty::Boxed(inner) => minimal(api, inner, depth + 1),
        Ty::Named(name) => match api.type_def(name).map(|def| &def.kind) {
            Some(TypeKind::Struct { fields, .. }) => Value::Object(
                fields
                    .iter()
                    .filter(|field| field.required)
                    .map(|field| {
                        let value = if field.nullable { Value::Null } else { minimal(api, &field.ty, depth + 1) };
                        (field.wire.clone(), value)
                    })
                    .collect::<Map<String, Value>>(),
            ),
            Some(TypeKind::Enum { variants }) => variants.first().map_or(json!("x"), |(_, wire)| json!(wire)),
            Some(TypeKind::IntEnum { variants, .. }) => variants.first().map_or(json!(0), |(_, value)| json!(value)),
            Some(TypeKind::Union { variants, tag }) => {
                // Not an expanded object, which a build may leave out (the ID is compiled with the union).
                let first = variants.iter().find(|v| !v.expansion).or(variants.first()).map(|variant| &variant.payload);
                let mut value = match first {
                    Some(crate::model::Payload::Whole(ty)) => minimal(api, ty, depth + 1),
                    Some(crate::model::Payload::Literal(text)) => json!(text),
                    _ => json!({}),
                };
                if let (Some(tag), Value::Object(object)) = (tag, &mut value) {
                    if let Some((tag_value, _)) = tag.values.iter().find(|(_, index)| *index == 0) {
                        object.insert(tag.property.clone(), json!(tag_value));
                    }
                }
                value
            }
            Some(TypeKind::Alias(inner) | TypeKind::Newtype(inner)) => minimal(api, inner, depth + 1),
            None => json!({}),
        },
    }
}
