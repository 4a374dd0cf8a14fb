//! Emit: the model → Rust tokens (with `quote`) and the crate's manifest text.
//!
//! One module per part of a generated crate: [`types`] (`src/types.rs`, with [`wire`]: the serde impls it
//! writes out rather than derives), [`client`] (the `Client` and the
//! skeleton of `src/lib.rs`), [`operations`] (one method per operation) with [`outcomes`] (its success and
//! error enums and how a response is decoded into them), [`auth`] (credentials: specs, `with_…`, `login`),
//! [`docs`] (doc comments from spec text), [`readme`] (the crate's `README.md`, its front page, with an example), and
//! [`manifest`] (`Cargo.toml`, with a feature per group of operations). [`gate`] puts the `#[cfg]` of a
//! group's features on every item of its operations and types. [`reserved`] declares every name this code
//! introduces, which the model keeps spec names off.

mod auth;
mod client;
mod custom;
mod docs;
mod forms;
mod gate;
mod manifest;
mod mock;
mod operations;
mod outcomes;
mod pagination;
mod readme;
mod reserved;
mod types;
mod unions;
mod webhooks;
mod wire;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

pub(crate) use client::lib_file;
pub(crate) use custom::check_options;
pub(crate) use manifest::{Package, cargo_toml};
pub(crate) use readme::readme;
pub(crate) use reserved::FULL_FEATURE;
pub(crate) use reserved::RESERVED;
pub(crate) use types::{Decoding, types_file_part, types_file_part_decoding};

use crate::model::Ty;
use crate::names::is_keyword;

/// A type as written from the crate root (`Vec < types :: Pet >`: token spacing), for tests that write
/// code naming it.
pub(crate) fn rust_type(ty: &Ty) -> String {
    ty_tokens(ty, false).to_string()
}

/// An identifier, raw where it is a keyword.
fn ident(name: &str) -> Ident {
    if is_keyword(name) { Ident::new_raw(name, Span::call_site()) } else { Ident::new(name, Span::call_site()) }
}

/// A string literal.
fn lit(s: &str) -> Literal {
    Literal::string(s)
}

/// The Rust type for `ty`, as seen from the crate root (`types::` prefix on named types) or from `types`.
fn ty_tokens(ty: &Ty, in_types: bool) -> TokenStream {
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
        Ty::External(path) => custom::external(path),
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
