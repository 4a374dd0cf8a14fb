//! Doc comments from spec text: CommonMark from the spec, made safe for rustdoc (no doctests from
//! example code, no broken intra-doc links, no stray HTML, no bare URLs).

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, Operation, Ty, TypeKind};

/// Text without control characters other than tabs and line breaks (a bare carriage return, say, is not
/// allowed in a doc comment); `\r\n` and a lone `\r` become `\n`.
pub fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// `text` as inline code in a doc comment, whatever backticks or line breaks it holds.
pub fn code(text: &str) -> String {
    let text = clean(text).replace('\n', " ");
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

/// `#[doc = "…"]` attributes for `text` (nothing for `None` or blank text).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return TokenStream::new();
    };
    let lines = sanitize(text.trim()).into_iter().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// `#[doc = "…"]` attributes for text the generator wrote itself (intra-doc links kept): `ours`, then the
/// spec's `theirs` (made safe) after a blank line.
pub fn doc_attrs_with(ours: &str, theirs: Option<&str>) -> TokenStream {
    let mut lines: Vec<String> = clean(ours).lines().map(str::to_owned).collect();
    if let Some(theirs) = theirs.filter(|t| !t.trim().is_empty()) {
        lines.push(String::new());
        lines.extend(sanitize(theirs.trim()));
    }
    let lines = lines.into_iter().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Inner `//!` docs for the crate.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    let text = clean(text);
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

/// Makes spec Markdown safe for rustdoc, line by line.
pub fn sanitize(text: &str) -> Vec<String> {
    let text = clean(text);
    let mut out = Vec::new();
    let mut in_fence = false;
    // Code spans may continue over a line break.
    let mut in_code = false;
    for raw in text.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if in_fence {
                out.push("```".to_owned());
            } else {
                // Example code in a spec (whatever its language tag) is never Rust to run: fence it as text.
                out.push("```text".to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        // Indentation of four or more would start an (untagged, so doctested) code block.
        let indent = line.len() - trimmed.len();
        let kept = " ".repeat(indent.min(3));
        out.push(format!("{kept}{}", escape_inline(trimmed, &mut in_code)));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out
}

/// Escapes outside backtick code spans: `[`/`]` (intra-doc links), `<`/`>` (HTML), and wraps bare URLs.
fn escape_inline(line: &str, in_code: &mut bool) -> String {
    let mut out = String::with_capacity(line.len());
    for (i, segment) in line.split('`').enumerate() {
        if i > 0 {
            out.push('`');
            *in_code = !*in_code;
        }
        if *in_code {
            out.push_str(segment);
            continue;
        }
        let mut rest = segment;
        while !rest.is_empty() {
            let next_url = ["https://", "http://"].iter().filter_map(|p| rest.find(p)).min();
            let (plain, url) = match next_url {
                Some(at) => {
                    let end = rest[at..]
                        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
                        .map_or(rest.len(), |len| at + len);
                    let url = rest[at..end].trim_end_matches(['.', ',', ';', ':']);
                    (&rest[..at], Some(url))
                }
                None => (rest, None),
            };
            for c in plain.chars() {
                match c {
                    '[' => out.push_str("\\["),
                    ']' => out.push_str("\\]"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    _ => out.push(c),
                }
            }
            match url {
                Some(url) => {
                    out.push('<');
                    out.push_str(url);
                    out.push('>');
                    rest = &rest[plain.len() + url.len()..];
                }
                None => rest = "",
            }
        }
    }
    out
}

/// The crate docs: the API's description and an example that compiles.
pub fn crate_docs(api: &Api, crate_name: &str) -> TokenStream {
    let mut text = format!("A typed client for the {} (API version {}).\n", api.title.trim(), api.version.trim());
    if let Some(description) = &api.description {
        text.push('\n');
        text.push_str(&sanitize(description.trim()).join("\n"));
        text.push('\n');
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
        .or_else(|| api.operations.iter().find(|op| op.security == crate::model::Security::None))
        .or_else(|| api.operations.first());
    if let Some(op) = op {
        code.push_str(&call_example(api, op, &krate));
    }
    code.push_str("# Ok(())\n# }\n");
    code
}

fn call_example(api: &Api, op: &Operation, krate: &str) -> String {
    let mut args: Vec<String> = op
        .params
        .iter()
        .map(|p| {
            let value = example_value(api, &p.ty, krate, 0);
            let value = match &p.ty {
                Ty::String => "\"value\"".to_owned(),
                Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::F64 => value,
                _ => format!("&{value}"),
            };
            if p.required { value } else { "None".to_owned() }
        })
        .collect();
    let mut code = String::new();
    if let Some(body) = &op.body {
        use crate::model::BodyEncoding;
        let value = match body.encoding {
            BodyEncoding::Json | BodyEncoding::Form => {
                format!("&{}", example_value(api, &body.ty, krate, 0))
            }
            BodyEncoding::Text => "\"text\"".to_owned(),
            BodyEncoding::Bytes if body.required => "Vec::<u8>::new()".to_owned(),
            BodyEncoding::Bytes => "reqwest::Body::from(Vec::<u8>::new())".to_owned(),
            BodyEncoding::Multipart => "reqwest::multipart::Form::new()".to_owned(),
        };
        code.push_str(&format!("let body = {value};\n"));
        args.push(if body.required || body.encoding == BodyEncoding::Multipart {
            "body".into()
        } else {
            "Some(body)".into()
        });
    }
    let method = if crate::names::is_keyword(&op.fn_name) { format!("r#{}", op.fn_name) } else { op.fn_name.clone() };
    code.push_str(&format!("match client.{method}({}).await {{\n", args.join(", ")));
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
                TypeKind::Union { variants, .. } => match variants.first() {
                    Some((variant, inner)) if depth < 4 => {
                        format!("{path}::{variant}({})", example_value(api, inner, krate, depth + 1))
                    }
                    _ => "serde_json::from_str(\"null\")?".into(),
                },
                TypeKind::Struct { fields, additional } if depth < 4 => {
                    let mut parts: Vec<String> = fields
                        .iter()
                        .map(|f| {
                            let value = if f.optional() {
                                "None".to_owned()
                            } else {
                                example_value(api, &f.ty, krate, depth + 1)
                            };
                            let name = if crate::names::is_keyword(&f.ident) {
                                format!("r#{}", f.ident)
                            } else {
                                f.ident.clone()
                            };
                            format!("{name}: {value}")
                        })
                        .collect();
                    if additional.is_some() {
                        parts.push("additional_properties: Default::default()".into());
                    }
                    format!("{path} {{ {} }}", parts.join(", "))
                }
                TypeKind::Struct { .. } => "serde_json::from_str(\"{}\")?".into(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn spec_markdown_becomes_safe_rustdoc() {
        let text = "See [the guide] at https://example.com/a.\n```bash\ncurl -X POST\n```\n    indented\nUse `Bearer <token>` or <b>";
        assert_eq!(
            sanitize(text),
            vec![
                "See \\[the guide\\] at <https://example.com/a>.",
                "```text",
                "curl -X POST",
                "```",
                "   indented",
                "Use `Bearer <token>` or &lt;b&gt;",
            ]
        );
    }

    #[test]
    fn code_spans_continue_over_line_breaks() {
        assert_eq!(sanitize("`key\n<k>` then <x>"), vec!["`key", "<k>` then &lt;x&gt;"]);
    }

    #[test]
    fn an_unclosed_fence_is_closed() {
        assert_eq!(sanitize("```\nx"), vec!["```text", "x", "```"]);
    }
}
