//! The serde impls `types.rs` writes out instead of deriving. A struct's `Deserialize` reads a JSON object
//! through the runtime's `de`: one key type for every struct and no array form (see there). A string enum
//! reads and writes a plain string, with its `Other` fallback. For these two, serde's derives compile to
//! several times the code (a field enum and its visitor per struct, an array reader that JSON objects never
//! use; for an enum with an untagged fallback, a buffered copy of the input and a second pass over it), and
//! reading is most of what a generated crate costs to compile.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{ident, lit, ty_tokens};
use crate::model::{Field, Serde, Ty};

/// The local names of a struct reader besides its fields' slots (a field's slot is named as the field), and
/// its type parameter (`__A`, which a spec's type name, in upper camel case, never is), out of the way of
/// the spec's names.
const MAP: &str = "__map";
const KEY: &str = "__key";

/// `FromObject` and `Deserialize` of the struct `name`: each property read once into its slot by its wire
/// name, unknown properties skipped (or kept in `additional_properties`, of type `additional`); `dates` says
/// which fields are date-times (parallel to `fields`), read in the runtime's lenient forms.
///
/// `cfgs` (parallel to `fields`) gives the `#[cfg]` of a field compiled with fewer features than the struct:
/// without them, its property is skipped as an unknown one.
pub(super) fn struct_reader(
    name: &Ident,
    fields: &[Field],
    dates: &[bool],
    cfgs: &[Option<TokenStream>],
    additional: Option<&Ty>,
) -> TokenStream {
    let (map, key) = (ident(MAP), ident(KEY));
    // A property that must be present with a value reads into `Option<T>`; the others into `Option<Option<T>>`.
    let certain = |f: &Field| f.required && !f.nullable;
    let cfg = |i: usize| cfgs.get(i).cloned().flatten();
    let slots = fields.iter().enumerate().map(|(i, f)| {
        let slot = ident(&f.ident);
        let ty = ty_tokens(&f.ty, true);
        let cfg = cfg(i);
        if certain(f) {
            quote!(#cfg let mut #slot: Option<#ty> = None;)
        } else {
            quote!(#cfg let mut #slot: Option<Option<#ty>> = None;)
        }
    });
    let arms = fields.iter().zip(dates).enumerate().map(|(i, (f, &date))| {
        let (slot, wire) = (ident(&f.ident), lit(&f.wire));
        let cfg = cfg(i);
        // A gated field names the runtime's module by its path: the imports below count the others only.
        let module = if cfg.is_some() { quote!(clientgen_runtime::) } else { TokenStream::new() };
        let read = match (date, certain(f)) {
            (false, _) => quote!(#module de::once),
            (true, true) => quote!(#module datetime::once),
            (true, false) => quote!(#module datetime::once_nullable),
        };
        quote!(#cfg #wire => #read(&mut #map, &mut #slot, #wire)?,)
    });
    let inits = fields.iter().enumerate().map(|(i, f)| {
        let (slot, wire) = (ident(&f.ident), lit(&f.wire));
        let cfg = cfg(i);
        match (f.required, f.nullable) {
            (true, false) => quote!(#cfg #slot: de::required(#slot, #wire)?,),
            // Optional and nullable: absent is `None`, `null` is `Some(None)`.
            (false, true) => quote!(#cfg #slot,),
            // Optional: `null` reads as absent; required and nullable: absent reads as `null`.
            _ => quote!(#cfg #slot: #slot.flatten(),),
        }
    });
    // An unknown property is kept where the schema has `additionalProperties`, else skipped.
    let (keep, other, kept) = match additional {
        Some(ty) => {
            let ty = ty_tokens(ty, true);
            (
                Some(quote!(let mut additional_properties = std::collections::BTreeMap::<String, #ty>::new();)),
                quote!(additional_properties.insert(#key.into_string(), #map.next_value()?);),
                Some(quote!(additional_properties,)),
            )
        }
        // Skipped, and counted as dropped (what an untagged union ranks its variants by).
        None => (None, quote!(clientgen_runtime::de::skip(&mut #map)?;), None),
    };
    let body = if fields.is_empty() {
        other
    } else {
        quote! {
            match #key.as_str() {
                #(#arms)*
                _ => {
                    #other
                }
            }
        }
    };
    // The runtime's modules the body names, imported where used (modules: a field's slot may be named
    // `once` or `required`, but no value shadows a module).
    let ungated = |i: &usize| cfg(*i).is_none();
    let datetime = (0..fields.len()).filter(ungated).any(|i| dates[i]).then(|| {
        quote!(
            use clientgen_runtime::datetime;
        )
    });
    let de = (0..fields.len()).filter(ungated).any(|i| !dates[i] || certain(&fields[i])).then(|| {
        quote!(
            use clientgen_runtime::de;
        )
    });
    let name_lit = lit(&name.to_string());
    let deprecated = fields.iter().any(|f| f.deprecated).then(|| quote!(#[allow(deprecated)]));
    quote! {
        #deprecated
        impl<'de> clientgen_runtime::de::FromObject<'de> for #name {
            const NAME: &'static str = #name_lit;

            fn from_object<__A: serde::de::MapAccess<'de>>(mut #map: __A) -> Result<Self, __A::Error> {
                #datetime
                #de

                #(#slots)*
                #keep
                while let Some(#key) = #map.next_key::<clientgen_runtime::de::Key>()? {
                    #body
                }
                Ok(Self { #(#inits)* #kept })
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                clientgen_runtime::de::object(deserializer)
            }
        }
    }
}

/// `as_str` of the string enum `name`, and its serde impls in the directions `serde` gives (and `Serialize`
/// with the `mock` feature where `mock`): the variant of each listed value (`(variant, wire value)`),
/// `Other` for any other string.
pub(super) fn enum_impls(name: &Ident, variants: &[(String, String)], serde: Serde, mock: bool) -> TokenStream {
    let to_wire = variants.iter().map(|(variant, wire)| {
        let (variant, wire) = (ident(variant), lit(wire));
        quote!(Self::#variant => #wire,)
    });
    let gate = (mock && !serde.serialize).then(|| quote!(#[cfg(feature = "mock")]));
    let serialize = (serde.serialize || mock).then(|| {
        quote! {
            #gate
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
        }
    });
    let deserialize = serde.deserialize.then(|| {
        let from_wire = variants.iter().map(|(variant, wire)| {
            let (variant, wire) = (ident(variant), lit(wire));
            quote!(#wire => Self::#variant,)
        });
        let value = if variants.is_empty() {
            quote!(Self::Other(value.into_owned()))
        } else {
            quote! {
                match &*value {
                    #(#from_wire)*
                    _ => Self::Other(value.into_owned()),
                }
            }
        };
        // Borrowed from the input where it can be: a listed value costs no copy.
        quote! {
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = clientgen_runtime::de::text(deserializer)?;
                    Ok(#value)
                }
            }
        }
    });
    quote! {
        impl #name {
            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::Other(other) => other,
                }
            }
        }

        #serialize
        #deserialize
    }
}
