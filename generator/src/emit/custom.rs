//! What the user's options add to the emitted code: derives beyond the generated ones, replacement types
//! written by their paths, and dependencies in the manifest; checked here before anything is generated.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;

use super::manifest::OWN_DEPENDENCIES;
use crate::error::{Error, ErrorKind};

/// What every type of `types.rs` derives (or implements) already, and what no set of types could take.
const REFUSED: &[(&str, &str)] = &[
    ("Debug", "every generated type has it already"),
    ("Clone", "every generated type has it already"),
    ("PartialEq", "every generated type has it already"),
    ("Default", "structs with no required property derive it already; the others have no default value"),
    ("Copy", "generated types hold strings, vectors and maps, which are not `Copy`"),
];

/// Fails on a derive that is not a path, is listed twice, is generated already, or needs another one that
/// is not listed (`Ord` needs `Eq` and `PartialOrd`); and on a dependency the manifest declares itself or
/// whose name is no package name.
pub(crate) fn check_options(file: &Path, derives: &[String], dependencies: &[(String, String)]) -> Result<(), Error> {
    let derive_error =
        |derive: &str, reason: String| Error::new(file, "", ErrorKind::BadDerive { derive: derive.to_owned(), reason });
    for (i, derive) in derives.iter().enumerate() {
        if syn::parse_str::<syn::Path>(derive).is_err() {
            return Err(derive_error(
                derive,
                "not a path to a derive macro (such as `Hash` or `schemars::JsonSchema`)".into(),
            ));
        }
        if let Some((_, why)) = REFUSED.iter().find(|(name, _)| name == derive) {
            return Err(derive_error(derive, (*why).to_owned()));
        }
        if derives[..i].contains(derive) {
            return Err(derive_error(derive, "listed twice".into()));
        }
        let needs: &[&str] = match derive.as_str() {
            "Ord" => &["Eq", "PartialOrd"],
            _ => &[],
        };
        if let Some(missing) = needs.iter().find(|need| !derives.iter().any(|d| d == *need)) {
            return Err(derive_error(derive, format!("needs `{missing}` listed too")));
        }
    }
    for (name, _) in dependencies {
        let reason = if OWN_DEPENDENCIES.contains(&name.as_str()) {
            "the generated manifest declares it itself"
        } else if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            "not a package name (letters, digits, `-` and `_`)"
        } else {
            continue;
        };
        return Err(Error::new(file, "", ErrorKind::BadDependency { name: name.clone(), reason: reason.into() }));
    }
    Ok(())
}

/// A replacement type, by its path (checked to be a type when the model was built).
pub(super) fn external(path: &str) -> TokenStream {
    syn::parse_str::<syn::Type>(path).map_or_else(|err| err.to_compile_error(), |ty| quote!(#ty))
}

/// The `#[derive(…)]` of the derives a type takes beyond its own (nothing when there are none).
pub(super) fn derive_attr(derives: &[String]) -> TokenStream {
    let paths = derives.iter().filter_map(|derive| syn::parse_str::<syn::Path>(derive).ok());
    if derives.is_empty() {
        return TokenStream::new();
    }
    quote!(#[derive(#(#paths),*)])
}
