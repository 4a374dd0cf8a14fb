//! The crate's front page: the API's title and description, and an example call that compiles (a doctest
//! built `no_run`), chosen from the spec: the token exchange if there is one, else an operation anyone may
//! call.

use proc_macro2::TokenStream;

use super::docs::{code, inner_doc_attrs, sanitize};
use crate::model::{Api, BodyEncoding, Operation, PartKind, Payload, Security, Ty, TypeKind};
use crate::names::is_keyword;

/// The crate docs: the API's description and an example that compiles.
pub(super) fn crate_docs(api: &Api, crate_name: &str) -> TokenStream {
    let mut text = format!("A typed client for the {} (API version {}).\n", api.title.trim(), api.version.trim());
    if let Some(description) = &api.description {
        text.push('\n');
        text.push_str(&sanitize(description.trim()).join("\n"));
        text.push('\n');
    }
    if !api.webhooks.is_empty() {
        text.push_str("\n# Webhooks\n\nRequests the API sends to a receiver of yours; decode their bodies with the payload types:\n\n");
        for hook in &api.webhooks {
            let payload =
                hook.payload.as_ref().map_or_else(|| "no JSON payload".to_owned(), |ty| format!("[`types::{ty}`]"));
            let doc = hook.doc.as_deref().map(|d| format!(": {}", sanitize(d.trim()).join(" "))).unwrap_or_default();
            text.push_str(&format!("- {} ({}), {payload}{doc}\n", code(&hook.name), code(&hook.method)));
        }
    }
    text.push_str("\n# Example\n\n```no_run\n");
    text.push_str(&example(api, crate_name));
    text.push_str("```\n");
    inner_doc_attrs(&text)
}

fn example(api: &Api, crate_name: &str) -> String {
    let krate = crate_name.replace('-', "_");
    let mut code = String::new();
    code.push_str(&format!("use {krate}::{{Client, Error}};\n\n"));
    code.push_str("# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
    let construct = match api.servers.first() {
        Some(server) if server.variables.is_empty() => "Client::new()?".to_owned(),
        Some(server) => {
            let args: Vec<String> =
                server.variables.iter().map(|v| format!("{:?}", format!("{}.example.com", v.ident))).collect();
            format!("Client::new({})?", args.join(", "))
        }
        None => "Client::with_base_url(\"https://api.example.com\")?".to_owned(),
    };
    code.push_str(&format!("let client = {construct};\n"));
    // Prefer the operation that issues a token, then any operation anyone can call.
    let op = api
        .operations
        .iter()
        .find(|op| op.token.is_some())
        .or_else(|| api.operations.iter().find(|op| op.security == Security::None))
        .or_else(|| api.operations.first());
    if let Some(op) = op {
        code.push_str(&call_example(api, op, &krate));
    }
    code.push_str("# Ok(())\n# }\n");
    code
}

fn call_example(api: &Api, op: &Operation, krate: &str) -> String {
    // A parameter value as the `Client` method and the setters take it.
    let arg = |ty: &Ty| match ty {
        Ty::String => "\"value\"".to_owned(),
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::F64 => example_value(api, ty, krate, 0),
        Ty::Vec(_) => "&[]".to_owned(),
        _ => format!("&{}", example_value(api, ty, krate, 0)),
    };
    let mut args: Vec<String> = op.params.iter().filter(|p| p.required).map(|p| arg(&p.ty)).collect();
    let mut code = String::new();
    let mut setters = String::new();
    if let Some(body) = &op.body {
        let value = match body.encoding {
            BodyEncoding::Json | BodyEncoding::Form => {
                format!("&{}", example_value(api, &body.ty, krate, 0))
            }
            BodyEncoding::Text => "\"text\"".to_owned(),
            BodyEncoding::Bytes => "Vec::<u8>::new()".to_owned(),
            BodyEncoding::Multipart => match &body.form {
                Some(form) => {
                    let args: Vec<String> = form
                        .parts
                        .iter()
                        .filter(|part| part.required && !part.repeated)
                        .map(|part| match &part.kind {
                            PartKind::File => format!("{krate}::multipart::FilePart::bytes(Vec::new())"),
                            PartKind::Text(ty) | PartKind::Json(ty) => example_value(api, ty, krate, 0),
                        })
                        .collect();
                    format!("{krate}::{}::new({})", form.name, args.join(", "))
                }
                None => "reqwest::multipart::Form::new()".to_owned(),
            },
        };
        code.push_str(&format!("let body = {value};\n"));
        if body.required || body.encoding == BodyEncoding::Multipart {
            args.push("body".into());
        } else {
            setters.push_str("\n    .body(body)");
        }
    }
    // The first optional parameter shows how optional inputs are set: by name.
    if let Some(p) = op.params.iter().find(|p| !p.required) {
        let name = if is_keyword(&p.ident) { format!("r#{}", p.ident) } else { p.ident.clone() };
        setters.push_str(&format!("\n    .{name}({})", arg(&p.ty)));
    }
    setters.push_str("\n    .with_timeout(std::time::Duration::from_secs(10))");
    let method = if is_keyword(&op.fn_name) { format!("r#{}", op.fn_name) } else { op.fn_name.clone() };
    code.push_str(&format!("let call = client.{method}({}){setters};\n", args.join(", ")));
    code.push_str("match call.await {\n");
    code.push_str("    Ok(response) => println!(\"{} {:?}\", response.status(), response.into_inner()),\n");
    if op.error_type.is_some() {
        code.push_str(
            "    Err(Error::Api { status, error, .. }) => println!(\"documented error {status}: {error:?}\"),\n",
        );
    }
    code.push_str("    Err(other) => return Err(other.into()),\n}\n");
    code
}

/// A Rust expression of type `ty` for the example.
fn example_value(api: &Api, ty: &Ty, krate: &str, depth: usize) -> String {
    match ty {
        Ty::String => "\"…\".to_owned()".into(),
        Ty::Secret => format!("{krate}::Secret::new(\"…\")"),
        Ty::Bool => "false".into(),
        Ty::I32 | Ty::I64 | Ty::U64 => "0".into(),
        Ty::F64 => "0.0".into(),
        Ty::DateTime => "chrono::Utc::now()".into(),
        Ty::Date => "chrono::NaiveDate::default()".into(),
        Ty::Uuid => "uuid::Uuid::nil()".into(),
        Ty::Json => "serde_json::Value::Null".into(),
        Ty::JsonObject => "serde_json::Map::new()".into(),
        Ty::External(_) => "serde_json::from_str(\"null\")?".into(),
        Ty::Vec(_) => "Vec::new()".into(),
        Ty::Map(_) => "std::collections::BTreeMap::new()".into(),
        Ty::Boxed(inner) => format!("Box::new({})", example_value(api, inner, krate, depth + 1)),
        Ty::Nullable(_) => "None".into(),
        Ty::Named(name) => {
            let Some(def) = api.type_def(name) else {
                return "Default::default()".into();
            };
            let path = format!("{krate}::types::{name}");
            match &def.kind {
                TypeKind::Alias(inner) => example_value(api, inner, krate, depth + 1),
                TypeKind::Newtype(inner) => format!("{path}({})", example_value(api, inner, krate, depth + 1)),
                TypeKind::Enum { variants } => match variants.first() {
                    Some((variant, _)) => format!("{path}::{variant}"),
                    None => format!("{path}::Other(String::new())"),
                },
                TypeKind::IntEnum { variants, .. } => match variants.first() {
                    Some((variant, _)) => format!("{path}::{variant}"),
                    None => format!("{path}::Other(0)"),
                },
                TypeKind::Union { variants, .. } => match variants.first().map(|v| (&v.name, &v.payload)) {
                    Some((variant, Payload::Unit)) => format!("{path}::{variant}"),
                    Some((variant, Payload::Content { required: false, .. })) => format!("{path}::{variant}(None)"),
                    Some((variant, Payload::Whole(inner) | Payload::Content { ty: inner, .. })) if depth < 4 => {
                        format!("{path}::{variant}({})", example_value(api, inner, krate, depth + 1))
                    }
                    _ => "serde_json::from_str(\"null\")?".into(),
                },
                TypeKind::Struct { fields, .. } if depth < 4 => {
                    // `new` takes the required properties in order (strings as anything `Into<String>`); a struct with
                    // none is `Default`.
                    let args: Vec<String> = fields
                        .iter()
                        .filter(|f| f.required)
                        .map(|f| match (&f.ty, f.nullable) {
                            (_, true) => "None".to_owned(),
                            (Ty::String, false) => "\"…\"".to_owned(),
                            (ty, false) => example_value(api, ty, krate, depth + 1),
                        })
                        .collect();
                    if args.is_empty() {
                        format!("{path}::default()")
                    } else {
                        format!("{path}::new({})", args.join(", "))
                    }
                }
                TypeKind::Struct { .. } => "serde_json::from_str(\"{}\")?".into(),
            }
        }
    }
}
