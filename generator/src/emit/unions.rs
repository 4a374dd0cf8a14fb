//! Unions: a tagged union dispatches on its tag through the runtime's `tagged` helpers (a variant carried
//! whole, as one property's content, or as the tag alone; an unlisted tag kept in `Other`); a union without
//! a tag derives `Serialize` untagged and reads through the runtime's `untagged`, which tries the variants
//! most specific first by the shapes written here.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::docs::code;
use super::gate::{self, MemberGate};
use super::types::mock_only;
use super::{ident, lit, ty_tokens};
use crate::model::{Api, Gate, JsonKind, Payload, Serde, Shape, Tag, TypeDef, Variant};

/// Each variant's gate (parallel to the union's variants): the expanded objects of "ID or the object"
/// fields are compiled with their types ([`gate::member`]); `None` for a variant compiled with the union.
pub(super) fn variant_gates(api: &Api, def: &TypeDef, variants: &[Variant]) -> Vec<Option<MemberGate>> {
    let own = api.type_gate(&def.name).unwrap_or(&Gate::Always);
    variants
        .iter()
        .map(|variant| variant.payload.ty().filter(|_| variant.expansion).and_then(|ty| gate::member(api, own, ty)))
        .collect()
}

/// A variant's declaration.
fn variant_item(variant: &Variant, doc: Option<String>, gate: Option<&MemberGate>) -> TokenStream {
    let name = ident(&variant.name);
    let doc = doc.map(|doc| quote!(#[doc = #doc]));
    let gate = gate.map(|gate| {
        let doc = format!(" The expanded object, compiled with {}.", gate.features);
        let cfg = gate.cfg();
        quote!(#[doc = #doc] #cfg)
    });
    let payload = match &variant.payload {
        Payload::Whole(ty) | Payload::Content { ty, required: true, .. } => {
            let ty = ty_tokens(ty, true);
            quote!((#ty))
        }
        Payload::Content { ty, required: false, .. } => {
            let ty = ty_tokens(ty, true);
            quote!((Option<#ty>))
        }
        Payload::Unit | Payload::Literal(_) => TokenStream::new(),
    };
    quote! {
        #doc
        #gate
        #name #payload,
    }
}

/// A union chosen by its tag: serde cannot express "the variant struct keeps the tag field" nor a fallback
/// that keeps the whole value, so the impls dispatch on the tag through the runtime's `tagged` helpers.
pub(super) fn tagged_union(
    name: &Ident,
    docs: TokenStream,
    extra: TokenStream,
    serde: Serde,
    variants: &[Variant],
    tag: &Tag,
) -> TokenStream {
    let property = lit(&tag.property);
    let values = |i: usize| tag.values.iter().filter(move |(_, index)| *index == i).map(|(value, _)| value);
    let items = variants.iter().enumerate().map(|(i, variant)| {
        let shown: Vec<String> = values(i).map(|value| code(value)).collect();
        variant_item(variant, (!shown.is_empty()).then(|| format!(" {}", shown.join(", "))), None)
    });
    let serialize_arms = variants.iter().enumerate().map(|(i, variant)| {
        let name = ident(&variant.name);
        let value = lit(values(i).next().map_or("", String::as_str));
        match &variant.payload {
            Payload::Whole(_) => {
                quote!(Self::#name(value) => clientgen_runtime::tagged::serialize(serializer, #property, #value, value),)
            }
            Payload::Content { key, required: true, .. } => {
                let key = lit(key);
                quote!(Self::#name(value) => clientgen_runtime::tagged::adjacent(serializer, #property, #value, #key, value),)
            }
            Payload::Content { key, required: false, .. } => {
                let key = lit(key);
                quote! {
                    Self::#name(Some(value)) => clientgen_runtime::tagged::adjacent(serializer, #property, #value, #key, value),
                    Self::#name(None) => clientgen_runtime::tagged::unit(serializer, #property, #value),
                }
            }
            Payload::Unit | Payload::Literal(_) => {
                quote!(Self::#name => clientgen_runtime::tagged::unit(serializer, #property, #value),)
            }
        }
    });
    let deserialize_arms =
        variants.iter().enumerate().filter(|(i, _)| values(*i).next().is_some()).map(|(i, variant)| {
            let name = ident(&variant.name);
            let values = values(i).map(|value| lit(value));
            let read = match &variant.payload {
                Payload::Whole(_) => quote!(clientgen_runtime::tagged::variant(value).map(Self::#name)),
                Payload::Content { key, required: true, .. } => {
                    let key = lit(key);
                    quote!(clientgen_runtime::tagged::content(value, #key).map(Self::#name))
                }
                Payload::Content { key, required: false, .. } => {
                    let key = lit(key);
                    quote!(clientgen_runtime::tagged::optional_content(value, #key).map(Self::#name))
                }
                Payload::Unit | Payload::Literal(_) => quote!(Ok(Self::#name)),
            };
            quote!(#(#values)|* => #read,)
        });
    // A union received alone serializes with the `mock` feature (a mock server answers with it).
    let gate = mock_only(serde).then(|| quote!(#[cfg(feature = "mock")]));
    let serialize_trait = serialize_trait(serde);
    let serialize = (serde.serialize || gate.is_some()).then(|| {
        quote! {
            #gate
            impl #serialize_trait for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(#serialize_arms)*
                        Self::Other(value) => serde::Serialize::serialize(value, serializer),
                    }
                }
            }
        }
    });
    let deserialize = serde.deserialize.then(|| {
        quote! {
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
    });
    let large = large_variants(variants);
    let doc = format!(" Chosen by the {} property.", code(&tag.property));
    let separator = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
    quote! {
        #docs
        #separator
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #extra
        #large
        #[non_exhaustive]
        pub enum #name {
            #(#items)*
            /// A value whose tag the spec does not list, kept as sent.
            Other(serde_json::Value),
        }

        #serialize
        #deserialize
    }
}

/// A union without a tag: written as the variant's own JSON, read by trying the variants in the order
/// their shapes give for the value.
pub(super) fn untagged_union(
    name: &Ident,
    docs: TokenStream,
    extra: TokenStream,
    serde: Serde,
    variants: &[Variant],
    gates: &[Option<MemberGate>],
) -> TokenStream {
    let gate = |i: usize| gates.get(i).and_then(Option::as_ref);
    let cfg = |i: usize| gate(i).map(MemberGate::cfg);
    let items = variants.iter().enumerate().map(|(i, variant)| {
        let doc = match &variant.payload {
            Payload::Literal(value) => Some(format!(" The string {}.", code(&format!("{value:?}")))),
            _ => None,
        };
        variant_item(variant, doc, gate(i))
    });
    let serialize_arms = variants.iter().enumerate().map(|(i, variant)| {
        let name = ident(&variant.name);
        match &variant.payload {
            Payload::Whole(_) | Payload::Content { .. } => {
                let cfg = cfg(i);
                quote!(#cfg Self::#name(value) => serde::Serialize::serialize(value, serializer),)
            }
            Payload::Literal(value) => quote!(Self::#name => serializer.serialize_str(#value),),
            Payload::Unit => quote!(Self::#name => serializer.serialize_unit(),),
        }
    });
    let uses_kind = variants.iter().any(|v| matches!(shape_base(&v.shape), Base::Of(_)));
    let imports = if uses_kind {
        quote!(
            use clientgen_runtime::untagged::{Kind, Shape};
        )
    } else {
        quote!(
            use clientgen_runtime::untagged::Shape;
        )
    };
    let candidates = variants.iter().enumerate().map(|(i, variant)| {
        let name = ident(&variant.name);
        let shape = shape_tokens(&variant.shape);
        let decode = match &variant.payload {
            // Each decodes the value's JSON text (see the runtime's `untagged`).
            Payload::Literal(value) => {
                quote!(|json| clientgen_runtime::untagged::literal(json, #value).map(|()| Self::#name))
            }
            Payload::Unit => quote!(|json| serde_json::from_str(json).map(|()| Self::#name)),
            Payload::Whole(_) | Payload::Content { .. } => {
                quote!(|json| serde_json::from_str(json).map(Self::#name))
            }
        };
        let Some(gate) = gate(i) else { return quote!((#shape, #decode),) };
        // A build without the variant still knows what it would have been: an error that says what to turn on.
        let (predicate, ty, features) = (&gate.predicate, &gate.ty, &gate.features);
        let kind = format_ident!("{}", format!("{:?}", variant.shape.kind));
        quote! {
            #[cfg(#predicate)]
            (#shape, #decode),
            #[cfg(not(#predicate))]
            (
                Shape::of(clientgen_runtime::untagged::Kind::#kind),
                |_| Err(clientgen_runtime::untagged::left_out(#ty, #features)),
            ),
        }
    });
    let large = large_variants(variants);
    // Variants that hold a value write it as it is, which serde's derive does; only a literal needs its own.
    let literal = variants.iter().any(|v| matches!(v.payload, Payload::Literal(_) | Payload::Unit));
    // A union received alone serializes with the `mock` feature (a mock server answers with it).
    let mock = mock_only(serde);
    let gate = mock.then(|| quote!(#[cfg(feature = "mock")]));
    let serialize_trait = serialize_trait(serde);
    let (derive, serialize) = if !serde.serialize && !mock {
        (quote!(#[derive(Debug, Clone, PartialEq)]), TokenStream::new())
    } else if literal {
        let serialize = quote! {
            #gate
            impl #serialize_trait for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(#serialize_arms)*
                    }
                }
            }
        };
        (quote!(#[derive(Debug, Clone, PartialEq)]), serialize)
    } else if mock {
        let derive = quote! {
            #[derive(Debug, Clone, PartialEq)]
            #[cfg_attr(feature = "mock", derive(serde::Serialize), serde(untagged))]
        };
        (derive, TokenStream::new())
    } else {
        (quote!(#[derive(Debug, Clone, PartialEq, Serialize)] #[serde(untagged)]), TokenStream::new())
    };
    let deserialize = serde.deserialize.then(|| {
        quote! {
            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    #imports
                    clientgen_runtime::untagged::deserialize(deserializer, &[#(#candidates)*])
                }
            }
        }
    });
    let separator = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
    quote! {
        #docs
        #separator
        /// Chosen by the shape of the JSON: the variant it fits best (required and known properties, listed
        /// values) that decodes.
        #derive
        #extra
        #large
        #[non_exhaustive]
        pub enum #name {
            #(#items)*
        }

        #serialize
        #deserialize
    }
}

/// The `Serialize` trait as a union's impl names it: imported where the union is sent (`types.rs` imports
/// it for the types that are), by its path where it serializes with the `mock` feature alone.
fn serialize_trait(serde: Serde) -> TokenStream {
    if serde.serialize { quote!(Serialize) } else { quote!(serde::Serialize) }
}

/// Variants hold their values in place, as serde's own types do: boxing the large ones (what
/// `clippy::large_enum_variant` asks) would change every `match` a caller writes, and whether a struct is large
/// is not known here. So a union with a variant holding a named type allows that lint.
fn large_variants(variants: &[Variant]) -> Option<TokenStream> {
    let named = variants.iter().any(|v| matches!(v.payload.ty(), Some(crate::model::Ty::Named(_))));
    named.then(|| quote!(#[allow(clippy::large_enum_variant)]))
}

/// How a shape is built.
enum Base<'s> {
    Object(&'s Shape),
    Strings(&'s [String]),
    Of(Ident),
}

fn shape_base(shape: &Shape) -> Base<'_> {
    match shape.kind {
        JsonKind::Object => Base::Object(shape),
        JsonKind::String if !shape.values.is_empty() => Base::Strings(&shape.values),
        kind => Base::Of(format_ident!("{}", format!("{kind:?}"))),
    }
}

/// The shape as a `clientgen_runtime::untagged::Shape` expression (with `Shape` and `Kind` in scope).
fn shape_tokens(shape: &Shape) -> TokenStream {
    let strings = |values: &[String]| {
        let values = values.iter().map(|v| lit(v));
        quote!(&[#(#values),*])
    };
    let base = match shape_base(shape) {
        Base::Object(shape) => {
            let (required, properties) = (strings(&shape.required), strings(&shape.properties));
            quote!(Shape::object(#required, #properties))
        }
        Base::Strings(values) => {
            let values = strings(values);
            quote!(Shape::strings(#values))
        }
        Base::Of(kind) => quote!(Shape::of(Kind::#kind)),
    };
    let closed = shape.closed.then(|| quote!(.closed()));
    let enums = (!shape.enums.is_empty()).then(|| {
        let enums = shape.enums.iter().map(|(property, values)| {
            let property = lit(property);
            let values = strings(values);
            quote!((#property, #values))
        });
        quote!(.enums(&[#(#enums),*]))
    });
    quote!(#base #closed #enums)
}
