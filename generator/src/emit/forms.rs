//! Multipart bodies as types: for an operation whose `multipart/form-data` schema is an object, a struct
//! with a field per part (files as `FilePart`, scalars as their text, the rest as JSON), and the code that
//! writes it part by part through the runtime's `multipart::Form`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::{ident, lit, ty_tokens};
use crate::model::{Form, Operation, Part, PartKind};

/// The form type of an operation, if its body has one.
pub(super) fn form_type(op: &Operation) -> Option<TokenStream> {
    let form = op.body.as_ref()?.form.as_ref()?;
    let name = ident(&form.name);
    let doc = format!(" The `multipart/form-data` body of [`Client::{}`]: a field per part.", op.fn_name);
    let fields = form.parts.iter().map(|part| {
        let docs = doc_attrs(Some(&part_doc(part)));
        let field = ident(&part.ident);
        let ty = field_ty(part);
        quote!(#docs pub #field: #ty,)
    });
    let required: Vec<&Part> = form.parts.iter().filter(|p| p.required && !p.repeated).collect();
    let args = required.iter().map(|part| {
        let field = ident(&part.ident);
        let ty = element_ty(&part.kind);
        quote!(#field: #ty)
    });
    let inits = form.parts.iter().map(|part| {
        let field = ident(&part.ident);
        if part.required && !part.repeated { quote!(#field) } else { quote!(#field: Default::default()) }
    });
    let writes = form.parts.iter().map(write_part);
    let new_doc = new_doc(form);
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }

            fn into_form(self) -> clientgen_runtime::multipart::Form {
                clientgen_runtime::multipart::Form::new() #(#writes)*
            }
        }
    })
}

/// The type's name, for the operation's body argument.
pub(super) fn form_name(form: &Form) -> TokenStream {
    let name = ident(&form.name);
    quote!(#name)
}

fn new_doc(form: &Form) -> String {
    let required: Vec<String> =
        form.parts.iter().filter(|p| p.required && !p.repeated).map(|p| format!("`{}`", p.ident)).collect();
    if required.is_empty() {
        " The body with no parts set.".to_owned()
    } else {
        format!(" The body with its required parts, {}; the others are empty until set.", required.join(", "))
    }
}

fn part_doc(part: &Part) -> String {
    let what = match (&part.kind, part.repeated) {
        (PartKind::File, false) => "a file part",
        (PartKind::File, true) => "file parts, one per file",
        (PartKind::Text(_), false) => "a text part",
        (PartKind::Text(_), true) => "text parts, one per value",
        (PartKind::Json(_), false) => "a JSON part",
        (PartKind::Json(_), true) => "JSON parts, one per value",
    };
    let mut doc = format!("`{}`: {what}", part.wire);
    if let Some(media) = &part.content_type {
        doc.push_str(&format!(" (`{media}`)"));
    }
    doc.push('.');
    if !part.headers.is_empty() {
        let names: Vec<String> = part.headers.iter().map(|name| format!("`{name}`")).collect();
        let how = if part.kind == PartKind::File { "set them with `FilePart::header`" } else { "not sent" };
        doc.push_str(&format!(" The spec declares part headers {} ({how}).", names.join(", ")));
    }
    if let Some(text) = part.doc.as_deref().filter(|t| !t.trim().is_empty()) {
        doc.push_str("\n\n");
        doc.push_str(text.trim());
    }
    doc
}

fn element_ty(kind: &PartKind) -> TokenStream {
    match kind {
        PartKind::File => quote!(multipart::FilePart),
        PartKind::Text(ty) | PartKind::Json(ty) => ty_tokens(ty, false),
    }
}

fn field_ty(part: &Part) -> TokenStream {
    let element = element_ty(&part.kind);
    match (part.repeated, part.required) {
        (true, _) => quote!(Vec<#element>),
        (false, true) => element,
        (false, false) => quote!(Option<#element>),
    }
}

/// `.text("name", values, media)` and the like, for one field of `self`.
fn write_part(part: &Part) -> TokenStream {
    let field = ident(&part.ident);
    let wire = lit(&part.wire);
    let media = match &part.content_type {
        Some(media) => {
            let media = lit(media);
            quote!(Some(#media))
        }
        None => quote!(None),
    };
    let single = part.required && !part.repeated;
    match &part.kind {
        PartKind::File if single => quote!(.file(#wire, [self.#field], #media)),
        PartKind::File => quote!(.file(#wire, self.#field, #media)),
        PartKind::Text(_) | PartKind::Json(_) => {
            let method = if matches!(part.kind, PartKind::Text(_)) { quote!(text) } else { quote!(json) };
            let values = if single { quote!(std::slice::from_ref(&self.#field)) } else { quote!(&self.#field) };
            quote!(.#method(#wire, #values, #media))
        }
    }
}
