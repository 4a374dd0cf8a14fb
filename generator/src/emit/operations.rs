//! One `Client` method per operation: its arguments, the request it builds (path, query, headers, cookies,
//! `Accept`, body) and the call into the runtime that sends it with the operation's credentials.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use super::outcomes::{decode_arms, error_ty, success_ty};
use super::{ident, lit, ty_tokens};
use crate::model::{
    Api, Body, BodyEncoding, Operation, Param, ParamLocation, Security, Segment, Style, Ty, split_template,
};

/// The Rust type of an operation argument.
pub(super) fn param_ty(param: &Param) -> TokenStream {
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

/// The text of a scalar path, header or cookie parameter value (named `value`), or `None` for a value the
/// runtime writes by its style (arrays, objects, and other types through their JSON form).
fn scalar_text(ty: &Ty, value: &TokenStream) -> Option<TokenStream> {
    match ty {
        Ty::String => Some(quote!(#value)),
        Ty::Secret => Some(quote!(#value.expose())),
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::F64 => Some(quote!(&#value.to_string())),
        _ => None,
    }
}

/// A parameter value as a reference the runtime's style functions take (scalars are passed by value).
fn value_ref(ty: &Ty, value: &TokenStream) -> TokenStream {
    match ty {
        Ty::Secret => quote!(#value.expose()),
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::F64 => quote!(&#value),
        _ => quote!(#value),
    }
}

/// `clientgen_runtime::params::Style::…`.
fn style_tokens(style: Style) -> TokenStream {
    let style = format_ident!("{}", format!("{style:?}"));
    quote!(clientgen_runtime::params::Style::#style)
}

/// The request-building part of an operation.
fn build_request(op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.method.as_str());
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
                    let value = quote!(#value);
                    args.push(match (scalar_text(&param.ty, &value), param.style) {
                        (Some(text), Style::Simple) => quote!(clientgen_runtime::encode_path(#text)),
                        _ => {
                            let (wire, style, explode) = (lit(&param.wire), style_tokens(param.style), param.explode);
                            let value = value_ref(&param.ty, &value);
                            quote!(clientgen_runtime::params::path(#wire, #value, #style, #explode))
                        }
                    });
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
                let (style, explode) = (style_tokens(param.style), param.explode);
                quote! {
                    request = request.query(&clientgen_runtime::params::query(#wire, &value, #style, #explode));
                }
            }
            ParamLocation::Header => {
                let explode = param.explode;
                let text = scalar_text(&param.ty, &value).unwrap_or_else(|| {
                    let value = value_ref(&param.ty, &value);
                    quote!(&clientgen_runtime::params::header(#value, #explode))
                });
                quote!(request = request.header(#wire, #text);)
            }
            ParamLocation::Cookie => {
                // Cookie values are percent-encoded, so no value can end the cookie or start another.
                let push = match scalar_text(&param.ty, &value) {
                    Some(text) => {
                        let fmt = lit(&format!("{}={{}}", param.wire.replace('{', "{{").replace('}', "}}")));
                        quote!(cookies.push(format!(#fmt, clientgen_runtime::encode_path(#text)));)
                    }
                    None => {
                        let (explode, value) = (param.explode, value_ref(&param.ty, &value));
                        quote!(cookies.extend(clientgen_runtime::params::cookie(#wire, #value, #explode));)
                    }
                };
                cookies.push((param.required, name.clone(), push));
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
        let pushes = cookies.iter().map(|(required, name, push)| {
            if *required {
                quote! { let value = #name; #push }
            } else {
                quote! { if let Some(value) = #name { #push } }
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
            BodyEncoding::Form => {
                let encodings = body.encodings.iter().map(|(property, style, explode)| {
                    let (property, style) = (lit(property), style_tokens(*style));
                    quote!((#property, #style, #explode))
                });
                let json = body.json_properties.iter().map(|property| lit(property));
                quote! {
                    request = request
                        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(clientgen_runtime::params::form(body, &[#(#encodings),*], &[#(#json),*]));
                }
            }
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

pub(super) fn operation(api: &Api, op: &Operation) -> TokenStream {
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
    doc.push_str(&format!("`{} {}`", op.method.as_str(), op.path));
    match &op.security {
        Security::None => {}
        Security::Required(schemes) => doc.push_str(&format!("; needs credentials: {}", schemes.join(" or "))),
        Security::Optional(schemes) => doc.push_str(&format!("; sends credentials if held: {}", schemes.join(" or "))),
    }
    let param_docs: Vec<String> =
        op.params
            .iter()
            .map(|p| match &p.doc {
                // A wire name that the identifier cannot spell (`DateSent<`) is stated.
                Some(d) if p.wire.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) => {
                    format!("- `{}`: {} (sent as {})", p.ident, d.trim().replace('\n', " "), super::docs::code(&p.wire))
                }
                Some(d) => format!("- `{}`: {}", p.ident, d.trim().replace('\n', " ")),
                None => format!("- `{}`: the {} parameter `{}`", p.ident, p.location.as_str(), p.wire),
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
