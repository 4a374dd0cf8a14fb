//! `src/types.rs`: one item per named type — structs, enums with their fallback, integer enums read and
//! written as the integer, unions (untagged, or dispatched on their discriminator), aliases and newtypes.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::custom::derive_attr;
use super::docs::{Facts, code, doc_attrs, facts, lines, spec};
use super::gate::{self, MemberGate};
use super::operations::deprecated_attr;
use super::unions::{tagged_union, untagged_union, variant_gates};
use super::wire::{enum_impls, struct_reader};
use super::{ident, lit, ty_tokens};
use crate::model::{Api, Field, Gate, Serde, Ty, TypeDef, TypeKind};

/// How structs and string enums are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decoding {
    /// By the `Deserialize` impls `wire` writes out: what every generated crate has.
    WrittenOut,
    /// By serde's derive, with the attributes that give the same reading: the reference the differential
    /// decoder test holds the written-out impls to, never a crate's code.
    Derived,
}

/// The items of `src/types.rs` for the types in `range` (the piece starting at 0 also holds the module docs
/// and imports), to render side by side: the rendered pieces joined by a blank line are the file.
pub(crate) fn types_file_part(api: &Api, range: std::ops::Range<usize>) -> syn::Result<syn::File> {
    types_file_part_decoding(api, range, Decoding::WrittenOut)
}

/// [`types_file_part`], reading as `decoding` says.
pub(crate) fn types_file_part_decoding(
    api: &Api,
    range: std::ops::Range<usize>,
    decoding: Decoding,
) -> syn::Result<syn::File> {
    let first = range.start == 0;
    let derives = |i: usize| api.derives.get(i).map_or(&[][..], Vec::as_slice);
    let gate_of = |i: usize| api.gates.get(i).and_then(|gate| gate::cfg(api, gate));
    let items = api.types.get(range.clone()).unwrap_or_default().iter().zip(range).map(|(def, i)| {
        gate::parsed_items(type_def(api, def, derives(i), api.serde[i], decoding), gate_of(i).as_ref())
    });
    let mut file = syn::File { shebang: None, attrs: Vec::new(), items: Vec::new() };
    if first {
        file = syn::parse2(types_head(api, decoding))?;
    }
    for part in items {
        file.items.extend(part?);
    }
    Ok(file)
}

/// The module docs and imports of `types.rs`.
fn types_head(api: &Api, decoding: Decoding) -> TokenStream {
    // Each derive's import, compiled with the types that use it.
    let gate_of_those = |pick: fn(Serde) -> bool| {
        let mut deriving =
            (0..api.types.len()).filter(|&i| pick(unqualified(&api.types[i].kind, api.serde[i], decoding))).peekable();
        deriving.peek().is_some().then(|| gate::union(deriving.filter_map(|i| api.gates.get(i))))
    };
    let cfg = |gate: &Gate| gate::cfg(api, gate);
    let imports = match (gate_of_those(|s| s.serialize), gate_of_those(|s| s.deserialize)) {
        (Some(both), Some(other)) if both == other => {
            let cfg = cfg(&both);
            quote!(
                #cfg
                use serde::{Deserialize, Serialize};
            )
        }
        (serialize, deserialize) => {
            let serialize = serialize.map(|gate| {
                let cfg = cfg(&gate);
                quote!(
                    #cfg
                    use serde::Serialize;
                )
            });
            let deserialize = deserialize.map(|gate| {
                let cfg = cfg(&gate);
                quote!(
                    #cfg
                    use serde::Deserialize;
                )
            });
            quote!(#serialize #deserialize)
        }
    };
    let reference = (decoding == Decoding::Derived).then(|| {
        reference_readers(api.types.iter().any(|def| match &def.kind {
            TypeKind::Struct { fields, .. } => fields.iter().any(|f| api.is_datetime(&f.ty)),
            _ => false,
        }))
    });
    quote! {
        //! The types of the API's schemas, request bodies and responses.
        #imports
        #reference
    }
}

/// What the derived reading of [`Decoding::Derived`] names for the fields serde's derive cannot read
/// alone: optional and nullable properties (absent, `null` and a value apart) and date-times in the
/// runtime's lenient forms.
fn reference_readers(dates: bool) -> TokenStream {
    let dates = dates.then(|| {
        quote! {
            type At = chrono::DateTime<chrono::Utc>;

            fn at<E: Error>(text: String) -> Result<At, E> {
                clientgen_runtime::datetime::parse(&text).ok_or_else(|| {
                    E::custom(format_args!("{text:?} is not a date-time (RFC 3339, or without an offset, read as UTC)"))
                })
            }

            pub fn datetime<'de, D: Deserializer<'de>>(deserializer: D) -> Result<At, D::Error> {
                at(String::deserialize(deserializer)?)
            }

            pub fn datetime_option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<At>, D::Error> {
                Option::<String>::deserialize(deserializer)?.map(at).transpose()
            }

            pub fn datetime_double_option<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Option<Option<At>>, D::Error> {
                datetime_option(deserializer).map(Some)
            }
        }
    });
    quote! {
        mod reference {
            use serde::de::{Deserialize, Deserializer, Error};

            pub fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
                deserializer: D,
            ) -> Result<Option<Option<T>>, D::Error> {
                Option::<T>::deserialize(deserializer).map(Some)
            }

            #dates
        }
    }
}

/// The serde traits a type of `kind` names unqualified, derived or implemented (what `types.rs` imports):
/// those of its directions, but for a struct, which writes out its `Deserialize`, and a string enum, which
/// writes out both, with the traits' paths (see `wire`); an alias names none. Read by serde's derive
/// ([`Decoding::Derived`]), a struct and a string enum derive `Deserialize` too.
fn unqualified(kind: &TypeKind, serde: Serde, decoding: Decoding) -> Serde {
    let derived = decoding == Decoding::Derived;
    match kind {
        TypeKind::Struct { .. } => Serde { deserialize: derived && serde.deserialize, ..serde },
        TypeKind::Enum { .. } => Serde { serialize: false, deserialize: derived && serde.deserialize },
        TypeKind::Alias(_) => Serde { serialize: false, deserialize: false },
        _ => serde,
    }
}

/// The serde derives of a type that crosses the wire in the directions `serde` gives.
fn serde_derives(serde: Serde) -> TokenStream {
    let serialize = serde.serialize.then(|| quote!(Serialize,));
    let deserialize = serde.deserialize.then(|| quote!(Deserialize,));
    quote!(#serialize #deserialize)
}

fn type_def(api: &Api, def: &TypeDef, derives: &[String], serde: Serde, decoding: Decoding) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref());
    let extra = derive_attr(derives);
    let serde_derive = serde_derives(unqualified(&def.kind, serde, decoding));
    let derived = decoding == Decoding::Derived && serde.deserialize;
    let mock = mock_only(serde);
    let mock_derive = mock.then(|| quote!(#[cfg_attr(feature = "mock", derive(serde::Serialize))]));
    let writes = match (serde.serialize, mock) {
        (true, _) => Writes::Always,
        (false, true) => Writes::Mock,
        (false, false) => Writes::Never,
    };
    match &def.kind {
        TypeKind::Struct { fields, additional, .. } => {
            // An error detail is compiled with its type (see the model's `groups`).
            let own = api.type_gate(&def.name).unwrap_or(&Gate::Always);
            let gates: Vec<Option<MemberGate>> =
                fields.iter().map(|f| if f.error_detail { gate::member(api, own, &f.ty) } else { None }).collect();
            let cfgs: Vec<Option<TokenStream>> = gates.iter().map(|g| g.as_ref().map(MemberGate::cfg)).collect();
            let constructor = constructor(&name, fields, &cfgs, additional.is_some());
            let default = (!fields.iter().any(|f| f.required)).then(|| quote!(Default,));
            let reader = (serde.deserialize && !derived).then(|| {
                let dates: Vec<bool> = fields.iter().map(|f| api.is_datetime(&f.ty)).collect();
                struct_reader(&name, fields, &dates, &cfgs, additional.as_ref())
            });
            let members = fields.iter().zip(&gates).map(|(f, gate)| field(api, f, gate.as_ref(), writes, derived));
            let additional = additional.as_ref().map(|ty| {
                let ty = ty_tokens(ty, true);
                let flatten = match writes {
                    _ if serde.serialize || derived => Some(quote!(#[serde(flatten)])),
                    Writes::Mock => Some(quote!(#[cfg_attr(feature = "mock", serde(flatten))])),
                    _ => None,
                };
                quote! {
                    /// Further properties, by name.
                    #flatten
                    pub additional_properties: std::collections::BTreeMap<String, #ty>,
                }
            });
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, #default #serde_derive)]
                #mock_derive
                #extra
                #[non_exhaustive]
                pub struct #name {
                    #(#members)*
                    #additional
                }

                #constructor
                #reader
            }
        }
        TypeKind::Enum { variants } => {
            let impls =
                enum_impls(&name, variants, Serde { deserialize: serde.deserialize && !derived, ..serde }, mock);
            let variants = variants.iter().map(|(variant, wire)| {
                let variant_ident = ident(variant);
                let doc = format!(" {}", code(wire));
                let rename = derived.then(|| {
                    let wire = lit(wire);
                    quote!(#[serde(rename = #wire)])
                });
                quote! {
                    #[doc = #doc]
                    #rename
                    #variant_ident,
                }
            });
            let untagged = derived.then(|| quote!(#[serde(untagged)]));
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Eq, Hash, #serde_derive)]
                #extra
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                    /// A value the spec does not list, kept as sent.
                    #untagged
                    Other(String),
                }

                #impls
            }
        }
        TypeKind::IntEnum { repr, variants } => {
            int_enum(&name, docs, quote!(#mock_derive #extra), serde_derive, repr, variants)
        }
        TypeKind::Union { variants, tag: Some(tag) } => tagged_union(&name, docs, extra, serde, variants, tag),
        TypeKind::Union { variants, tag: None } => {
            untagged_union(&name, docs, extra, serde, variants, &variant_gates(api, def, variants))
        }
        TypeKind::Newtype(ty) => {
            let ty = ty_tokens(ty, true);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, #serde_derive)]
                #mock_derive
                #extra
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
fn int_enum(
    name: &Ident,
    docs: TokenStream,
    extra: TokenStream,
    serde_derive: TokenStream,
    repr: &Ty,
    variants: &[(String, i64)],
) -> TokenStream {
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
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #serde_derive)]
        #extra
        #[serde(from = #repr_name, into = #repr_name)]
        #[non_exhaustive]
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

/// `new`, taking the required fields in order (the optional ones start as `None`, further properties
/// empty): with `#[non_exhaustive]` on the struct, the one way to build it outside the crate (with
/// `Default`, for a struct without required fields), so that a property the spec adds later breaks no caller.
fn constructor(name: &Ident, fields: &[Field], cfgs: &[Option<TokenStream>], additional: bool) -> TokenStream {
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    // Nothing required: the struct derives `Default`, which is how it is built.
    if required.is_empty() {
        return TokenStream::new();
    }
    let args = required.iter().map(|f| {
        let name = ident(&f.ident);
        let ty = ty_tokens(&f.ty, true);
        match (&f.ty, f.nullable) {
            (Ty::String, false) => quote!(#name: impl Into<String>),
            (_, false) => quote!(#name: #ty),
            (_, true) => quote!(#name: Option<#ty>),
        }
    });
    let inits = fields.iter().zip(cfgs).map(|(f, cfg)| {
        let name = ident(&f.ident);
        match (f.required, &f.ty, f.nullable) {
            (true, Ty::String, false) => quote!(#name: #name.into(),),
            (true, _, _) => quote!(#name,),
            (false, _, _) => quote!(#cfg #name: None,),
        }
    });
    let additional = additional.then(|| quote!(additional_properties: std::collections::BTreeMap::new(),));
    let doc = " A value with the required properties given and the optional ones unset.";
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let deprecated = fields.iter().any(|f| f.deprecated).then(|| quote!(#[allow(deprecated)]));
    quote! {
        impl #name {
            #[doc = #doc]
            #many
            #deprecated
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits)* #additional }
            }
        }
    }
}

/// Whether a type serializes only with the `mock` feature: it is received alone, and a mock server answers
/// with values of it.
pub(super) fn mock_only(serde: Serde) -> bool {
    serde.deserialize && !serde.serialize
}

/// When a struct serializes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writes {
    Always,
    /// With the `mock` feature.
    Mock,
    Never,
}

/// A struct's field, with the attributes its `Serialize` derive reads where it has one (its reading is
/// `wire::struct_reader`), and those its `Deserialize` derive reads where it is `derived`.
fn field(api: &Api, field: &Field, gate: Option<&MemberGate>, writes: Writes, derived: bool) -> TokenStream {
    let name = ident(&field.ident);
    let mut paragraphs = Vec::new();
    paragraphs.extend(field.doc.as_deref().map(spec).filter(|d| !d.is_empty()));
    if let Some(gate) = gate {
        paragraphs.push(format!(
            "Compiled with {} (those that compile its type): without them, the property is not read.",
            gate.features
        ));
    }
    let cfg = gate.map(MemberGate::cfg);
    if field.nullable && !field.required {
        paragraphs.push("Optional and nullable: `None` is absent (not sent), `Some(None)` is `null`.".to_owned());
    }
    paragraphs.extend(facts(&Facts {
        names: (&field.ident, &field.wire),
        constraints: &field.constraints,
        list_values: !api.is_enum(&field.ty),
        deprecated: field.deprecated,
    }));
    let docs = lines(&paragraphs.join("\n\n"));
    let ty = ty_tokens(&field.ty, true);
    let deprecated = deprecated_attr(field.deprecated, field.doc.as_deref(), "property");
    let ty = match (field.required, field.nullable) {
        (true, false) => ty,
        // Optional and nullable: absent, `null` and a value are three different things on the wire.
        (false, true) => quote!(Option<Option<#ty>>),
        // Required but nullable: always sent, `null` when `None`.
        _ => quote!(Option<#ty>),
    };
    let serialize = writes == Writes::Always;
    let wire = lit(&field.wire);
    let rename = match writes {
        _ if field.ident == field.wire => None,
        _ if serialize || derived => Some(quote!(#[serde(rename = #wire)])),
        Writes::Mock => Some(quote!(#[cfg_attr(feature = "mock", serde(rename = #wire))])),
        _ => None,
    };
    let skip = match writes {
        _ if field.required => None,
        Writes::Always => Some(quote!(#[serde(skip_serializing_if = "Option::is_none")])),
        Writes::Mock => Some(quote!(#[cfg_attr(feature = "mock", serde(skip_serializing_if = "Option::is_none"))])),
        Writes::Never => None,
    };
    let read = derived.then(|| derived_reading(field, api.is_datetime(&field.ty))).flatten();
    quote! {
        #docs
        #cfg
        #deprecated
        #rename
        #skip
        #read
        pub #name: #ty,
    }
}

/// How serde's derive reads `field` as `wire::struct_reader` does, where its own reading differs: an
/// optional and nullable property with `null` apart from absent, a date-time in the lenient forms (absent
/// and `null` read as `None` where the field is an `Option`).
fn derived_reading(field: &Field, date: bool) -> Option<TokenStream> {
    let with = match (date, field.required, field.nullable) {
        (false, false, true) => "reference::double_option",
        (false, ..) => return None,
        (true, true, false) => "reference::datetime",
        (true, false, true) => "reference::datetime_double_option",
        (true, ..) => "reference::datetime_option",
    };
    let default = (!field.required || field.nullable).then(|| quote!(default,));
    Some(quote!(#[serde(#default deserialize_with = #with)]))
}
