//! Doc comments from spec text: CommonMark from the spec, made safe for rustdoc (no doctests from
//! example code, no broken intra-doc links, no stray HTML, no bare URLs).

use proc_macro2::TokenStream;
use quote::quote;

/// Text without control characters other than tabs and line breaks (a bare carriage return, say, is not
/// allowed in a doc comment); `\r\n` and a lone `\r` become `\n`.
pub(super) fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// `text` as inline code in a doc comment, whatever backticks or line breaks it holds.
pub(super) fn code(text: &str) -> String {
    let text = clean(text).replace('\n', " ");
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

/// `#[doc = "…"]` attributes for `text` (nothing for `None` or blank text).
pub(super) fn doc_attrs(text: Option<&str>) -> TokenStream {
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
pub(super) fn doc_attrs_with(ours: &str, theirs: Option<&str>) -> TokenStream {
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
pub(super) fn inner_doc_attrs(text: &str) -> TokenStream {
    let text = clean(text);
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

/// Makes spec Markdown safe for rustdoc, line by line.
pub(super) fn sanitize(text: &str) -> Vec<String> {
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
