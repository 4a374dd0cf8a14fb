//! Doc comments from spec text: the spec's CommonMark (and HTML) rewritten as rustdoc Markdown
//! ([`markdown`], reading tags with [`html`], writing text with [`escape`]), and the line of facts a parameter or property states beside
//! its description ([`constraints`]).

mod constraints;
mod escape;
mod html;
mod markdown;

use proc_macro2::TokenStream;
use quote::quote;

pub(super) use constraints::{Facts, facts};
pub(crate) use markdown::to_rustdoc;

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
    let span = escape::code_span(&clean(text), false);
    if span.is_empty() { format!("`{:?}`", text) } else { span }
}

/// A line of spec text taken as plain text (a title, a version), escaped to read as written mid-line.
pub(super) fn text(text: &str) -> String {
    let mut out = String::new();
    let text = clean(text).split_whitespace().collect::<Vec<_>>().join(" ");
    escape::escape(&text, false, false, false, &mut out);
    out
}

/// Spec text (any Markdown and HTML) as rustdoc Markdown; empty for blank text.
pub(super) fn spec(text: &str) -> String {
    to_rustdoc(clean(text).trim())
}

/// Spec text as the rest of a list item that starts with `lead` (`- `name`:`): its first paragraph on the
/// marker's line, further lines indented under it.
pub(super) fn list_item(lead: &str, text: &str) -> String {
    let body = spec(text);
    let mut item = lead.to_owned();
    let starts_block = body.starts_with("```") || body.starts_with('#') || body.starts_with('|');
    for (i, line) in body.lines().enumerate() {
        if i == 0 && !starts_block {
            item.push(' ');
            item.push_str(line);
            continue;
        }
        if i == 0 {
            item.push('\n');
        }
        item.push('\n');
        if !line.is_empty() {
            item.push_str("  ");
            item.push_str(line);
        }
    }
    item
}

/// `#[doc = "…"]` attributes for rustdoc Markdown, one per line.
pub(super) fn lines(markdown: &str) -> TokenStream {
    let lines = markdown.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// The note of a `#[deprecated]` attribute: the sentence of the spec's text that speaks of the deprecation,
/// else that the spec marks `what` deprecated.
pub(super) fn deprecation_note(text: Option<&str>, what: &str) -> String {
    let fallback = || format!("The API marks this {what} as deprecated.");
    let Some(text) = text else { return fallback() };
    let plain = plain_text(text);
    // ASCII lower case keeps every byte offset of `plain`.
    let lower = plain.to_ascii_lowercase();
    let Some(at) = lower.find("deprecat") else { return fallback() };
    // The sentence around it: from after the previous `. ` to its own end.
    let start = plain[..at].rfind(". ").map_or(0, |i| i + 2);
    let end = plain[at..].find(". ").map_or(plain.len(), |i| at + i + 1);
    let sentence = plain[start..end].trim();
    if sentence.chars().count() > 300 {
        let cut: String = sentence.chars().take(299).collect();
        return format!("{}…", cut.trim_end());
    }
    sentence.to_owned()
}

/// The text of spec Markdown without its markup, whitespace collapsed.
fn plain_text(text: &str) -> String {
    let mut out = String::new();
    for event in pulldown_cmark::Parser::new(&clean(text)) {
        match event {
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => out.push_str(&t),
            pulldown_cmark::Event::Html(t) | pulldown_cmark::Event::InlineHtml(t) => {
                // Tags dropped, their text kept.
                let mut in_tag = false;
                for c in t.chars() {
                    match c {
                        '<' => in_tag = true,
                        '>' => in_tag = false,
                        c if !in_tag => out.push(c),
                        _ => {}
                    }
                }
            }
            pulldown_cmark::Event::End(_) | pulldown_cmark::Event::SoftBreak | pulldown_cmark::Event::HardBreak => {
                out.push(' ')
            }
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `#[doc = "…"]` attributes for `text` (nothing for `None` or blank text).
pub(super) fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return TokenStream::new();
    };
    lines(&spec(text))
}

/// `#[doc = "…"]` attributes for text the generator wrote itself (intra-doc links kept): `ours`, then the
/// spec's `theirs` (made safe) after a blank line.
pub(super) fn doc_attrs_with(ours: &str, theirs: Option<&str>) -> TokenStream {
    let mut text = clean(ours);
    if let Some(theirs) = theirs.filter(|t| !t.trim().is_empty()) {
        text.push_str("\n\n");
        text.push_str(&spec(theirs));
    }
    lines(&text)
}

#[cfg(test)]
mod tests {
    use super::{deprecation_note, list_item};

    #[test]
    fn a_list_item_nests_the_description() {
        assert_eq!(list_item("- `a`:", "One.\n\nTwo [x]."), "- `a`: One.\n\n  Two \\[x\\].");
        assert_eq!(list_item("- `a`:", "```\ncode\n```"), "- `a`:\n\n  ```text\n  code\n  ```");
    }

    #[test]
    fn the_deprecation_note_is_the_specs_sentence() {
        let doc = "Lists things. **Deprecated:** use `list_items` instead. More text.";
        assert_eq!(deprecation_note(Some(doc), "operation"), "Deprecated: use list_items instead.");
        assert_eq!(deprecation_note(None, "property"), "The API marks this property as deprecated.");
    }
}
