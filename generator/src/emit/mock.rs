//! The `mock` module (feature `mock`) of a crate whose spec issues tokens: a fake of each issuing scheme's
//! token server. The fake itself is the runtime's `mock::FakeTokens`; this writes what only the spec knows:
//! the scheme's `AuthSpec`, and the answer each token operation gives (its success status, and a body its
//! generated type decodes, built here from the type with the required properties only, into which the fake
//! writes the tokens).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};

use super::auth::{spec_ident, token_op};
use super::docs::code;
use crate::model::{Api, Operation, ResponseBody, SecurityScheme, StatusMatch, Ty, TypeKind};

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

/// The module, when the spec issues tokens.
pub(super) fn mock_module(api: &Api) -> Option<TokenStream> {
    let schemes = issuing_schemes(api);
    if schemes.is_empty() {
        return None;
    }
    let servers = schemes.iter().zip(token_server_names(api)).map(|(scheme, name)| {
        let name = format_ident!("{}", name);
        let spec = spec_ident(scheme);
        let exchange = token_op(api, &scheme.key, true).map(|(op, _)| answer(api, op));
        let refresh = match token_op(api, &scheme.key, false) {
            Some((op, _)) => {
                let answer = answer(api, op);
                quote!(Some(#answer))
            }
            None => quote!(None),
        };
        let doc = format!(
            " A fake of the {} token server on loopback: it issues tokens of the lifetime `options` sets in the \
             shape the spec reads them, rotates refresh tokens and refuses a reused one, and answers 401 to a \
             request with an expired or unknown access token. Point a client at its `uri()`; mount mocks of the \
             API's resources on its `server()`.",
            code(&scheme.key)
        );
        quote! {
            #[doc = #doc]
            pub async fn #name(options: FakeOptions) -> FakeTokens {
                let answers = clientgen_runtime::mock::Answers { exchange: #exchange, refresh: #refresh };
                FakeTokens::start(&super::#spec, answers, options).await
            }
        }
    });
    Some(quote! {
        /// Test doubles for code that calls this crate (feature `mock`): fakes of the API's token servers.
        #[cfg(feature = "mock")]
        pub mod mock {
            pub use clientgen_runtime::mock::{FakeOptions, FakeTokens};

            #(#servers)*
        }
    })
}

/// `clientgen_runtime::mock::Answer` of a token operation: its first success status and a body of its type.
fn answer(api: &Api, op: &Operation) -> TokenStream {
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
    quote!(clientgen_runtime::mock::Answer { status: #status, body: #body })
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
                let first = variants.first().map(|variant| &variant.payload);
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
