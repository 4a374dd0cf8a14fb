//! What an operation answers: its success type (or success enum), its error enum with a variant per
//! documented status, and the `match` on the status that decodes a response into them.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::doc_attrs;
use super::{ident, ty_tokens};
use crate::model::{Operation, Outcome, ResponseBody, StatusMatch, Ty};

/// The success type of an operation (whose successes are `success`, their enum `success_type` if they
/// differ), as seen from the crate root.
pub(super) fn success_ty(success: &[Outcome], success_type: Option<&String>) -> TokenStream {
    if let Some(name) = success_type {
        let name = ident(name);
        return quote!(#name);
    }
    match success.first().map(|o| &o.body) {
        None | Some(ResponseBody::Empty) => quote!(()),
        Some(ResponseBody::Json(ty)) => ty_tokens(ty, false),
        Some(ResponseBody::Text) => quote!(String),
        Some(ResponseBody::Bytes) => quote!(stream::ByteStream),
        Some(ResponseBody::Events(ty)) => {
            let ty = ty_tokens(ty, false);
            quote!(events::EventStream<#ty>)
        }
    }
}

/// The error type parameter of an operation's `Error`.
pub(super) fn error_ty(op: &Operation) -> TokenStream {
    match &op.error_type {
        Some(name) => {
            let name = ident(name);
            quote!(#name)
        }
        None => quote!(std::convert::Infallible),
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

/// The statuses whose success bodies stream (binary ones and events), as a closure for `Request::streams`,
/// if any.
pub(super) fn streamed_statuses(success: &[Outcome]) -> Option<TokenStream> {
    let patterns: Vec<TokenStream> = success
        .iter()
        .filter(|o| o.body.streams())
        .map(|o| status_pattern(if o.status == StatusMatch::Default { StatusMatch::Range(2) } else { o.status }))
        .collect();
    (!patterns.is_empty()).then(|| quote!(|status| matches!(status, #(#patterns)|*)))
}

/// The arms of the `match` on the status that decodes a response into `success` (their enum `success_type`
/// if they differ) or the operation's errors.
pub(super) fn decode_arms(op: &Operation, success: &[Outcome], success_type: Option<&String>) -> TokenStream {
    let mut arms: Vec<(StatusMatch, TokenStream)> = Vec::new();
    for outcome in success {
        let read = match &outcome.body {
            ResponseBody::Empty => quote!(response.empty()),
            ResponseBody::Json(_) => quote!(response.json()),
            ResponseBody::Text => quote!(response.text()),
            ResponseBody::Bytes => quote!(response.stream()),
            ResponseBody::Events(Ty::String) => quote!(response.text_events()),
            ResponseBody::Events(_) => quote!(response.events()),
        };
        let expr = match success_type {
            Some(name) => {
                let name = ident(name);
                let variant = ident(&outcome.variant);
                // Inside `.map(|value| …)` the body type cannot be inferred: name it.
                let read = match &outcome.body {
                    ResponseBody::Json(ty) => {
                        let ty = ty_tokens(ty, false);
                        quote!(response.json::<#ty, _>())
                    }
                    ResponseBody::Events(ty) if *ty != Ty::String => {
                        let ty = ty_tokens(ty, false);
                        quote!(response.events::<#ty, _>())
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
    // The enum itself, not an alias of it, names the variants.
    if let Some(error_type) = op.error_shared.as_ref().or(op.error_type.as_ref()) {
        let error_type = ident(error_type);
        for outcome in &op.errors {
            let variant = ident(&outcome.variant);
            let expr = match &outcome.body {
                ResponseBody::Empty => quote!(response.error_empty(#error_type::#variant)),
                ResponseBody::Json(_) => quote!(response.error(#error_type::#variant)),
                ResponseBody::Text | ResponseBody::Bytes | ResponseBody::Events(_) => {
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
        // Only success bodies stream (error bodies of non-JSON responses are read as text).
        ResponseBody::Bytes => quote!(stream::ByteStream),
        ResponseBody::Events(ty) => {
            let ty = ty_tokens(ty, false);
            quote!(events::EventStream<#ty>)
        }
    };
    Some(if boxed { quote!(Box<#ty>) } else { ty })
}

/// The error enum and the success enum (where successes differ) of an operation; where its errors are an
/// earlier operation's, an alias of that one's enum. `sharers` counts the aliases of each enum.
pub(super) fn operation_types(op: &Operation, sharers: &BTreeMap<&str, usize>) -> (TokenStream, TokenStream) {
    let outcome_enum = |name: &Option<String>, what: &str, outcomes: &[Outcome], boxed: bool| {
        name.as_ref().map(|name| {
            let mut doc = format!(" The documented {what} responses of [`Client::{}`]", op.fn_name);
            match sharers.get(name.as_str()).filter(|_| boxed) {
                Some(1) => doc.push_str(", and of one other operation, whose error type is an alias of this one."),
                Some(n) => {
                    doc.push_str(&format!(", and of {n} other operations, whose error types are aliases of this one."))
                }
                None => doc.push('.'),
            }
            let name = ident(name);
            let variants = outcomes.iter().map(|outcome| variant(outcome, boxed));
            // A streamed body is read once: it can be neither cloned nor compared.
            let derives = if outcomes.iter().any(|o| o.body.streams()) && !boxed {
                quote!(#[derive(Debug)])
            } else {
                quote!(#[derive(Debug, Clone, PartialEq)])
            };
            quote! {
                #[doc = #doc]
                #derives
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                }
            }
        })
    };
    let error = match (&op.error_type, &op.error_shared) {
        (Some(name), Some(target)) => {
            let doc = format!(
                " The documented error responses of [`Client::{}`], the same as other operations': an alias of the enum they share.",
                op.fn_name
            );
            let (name, target) = (ident(name), ident(target));
            Some(quote! {
                #[doc = #doc]
                pub type #name = #target;
            })
        }
        _ => outcome_enum(&op.error_type, "error", &op.errors, true),
    };
    let success = outcome_enum(&op.success_type, "successful", &op.success, false);
    (error.unwrap_or_default(), success.unwrap_or_default())
}

fn variant(outcome: &Outcome, boxed: bool) -> TokenStream {
    let docs = doc_attrs(Some(&outcome_doc(outcome)));
    let variant = ident(&outcome.variant);
    let body = match (&outcome.body, boxed) {
        // Error bodies of non-JSON responses are read as text.
        (ResponseBody::Bytes | ResponseBody::Events(_), true) => &ResponseBody::Text,
        (body, _) => body,
    };
    match outcome_payload(body, boxed) {
        Some(ty) => quote! { #docs #variant(#ty), },
        None => quote! { #docs #variant, },
    }
}
