//! Text as Markdown that reads back as the same text: escaping, code spans, link destinations, bare URLs.

/// `destination` if it is an absolute URL a reader can follow (`http`, `https`, `mailto`), with the characters
/// that would end a Markdown link destination percent-encoded.
pub(super) fn absolute(destination: &str) -> Option<String> {
    let destination = destination.trim();
    let scheme = destination.split_once(':')?.0.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https" | "mailto") {
        return None;
    }
    let mut out = String::with_capacity(destination.len());
    for c in destination.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// `text` as a code span: a fence longer than any run of backticks in it.
pub(super) fn code_span(text: &str, in_cell: bool) -> String {
    let text = text.replace(['\n', '\r'], " ");
    if text.trim().is_empty() {
        return String::new();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = text.starts_with('`') || text.ends_with('`') || (text.starts_with(' ') && text.ends_with(' '));
    let text = if in_cell { text.replace('|', "\\|") } else { text };
    if pad { format!("{fence} {text} {fence}") } else { format!("{fence}{text}{fence}") }
}

/// Writes `text` so that Markdown reads it back as the same text: characters that would start markup
/// escaped (brackets, so nothing reads as an intra-doc link), bare URLs as autolinks (outside link text).
pub(super) fn escape(text: &str, line_start: bool, in_cell: bool, in_link: bool, out: &mut String) {
    let bytes = text.as_bytes();
    let mut i = 0;
    if line_start {
        // An ordered-list marker (`1.`), or a character that starts a block.
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 && matches!(bytes.get(digits), Some(b'.' | b')')) {
            out.push_str(&text[..digits]);
            out.push('\\');
            i = digits;
        } else if matches!(bytes.first(), Some(b'#' | b'>' | b'-' | b'+' | b'=')) {
            out.push('\\');
        }
    }
    while i < text.len() {
        let rest = &text[i..];
        if !in_link && (rest.starts_with("https://") || rest.starts_with("http://")) {
            let previous = text[..i].chars().next_back();
            if previous.is_none_or(|c| !c.is_alphanumeric()) {
                if let Some(url) = bare_url(rest) {
                    out.push('<');
                    out.push_str(url);
                    out.push('>');
                    i += url.len();
                    continue;
                }
            }
        }
        let Some(c) = rest.chars().next() else { break };
        match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '_' => {
                let before = text[..i].chars().next_back();
                let after = text[i + 1..].chars().next();
                if !(before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric)) {
                    out.push('\\');
                }
                out.push('_');
            }
            '&' => {
                let name = rest[1..].bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'#').count();
                if name > 0 && rest.as_bytes().get(1 + name) == Some(&b';') {
                    out.push('\\');
                }
                out.push('&');
            }
            '|' if in_cell => out.push_str("\\|"),
            c => out.push(c),
        }
        i += c.len_utf8();
    }
}

/// The URL at the start of `text`, without the punctuation that ends a sentence after it.
fn bare_url(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| {
            c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '\'' | '[' | ']' | '{' | '}' | '|' | '\\')
        })
        .unwrap_or(text.len());
    let mut url = &text[..end];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '_', '~']);
        // A closing parenthesis the URL did not open is the sentence's.
        let trimmed = match trimmed.strip_suffix(')') {
            Some(inner) if inner.matches('(').count() < inner.matches(')').count() + 1 => inner,
            _ => trimmed,
        };
        if trimmed.len() == url.len() {
            break;
        }
        url = trimmed;
    }
    let host = url.split_once("://").map_or("", |(_, host)| host);
    (!host.is_empty()).then_some(url)
}
