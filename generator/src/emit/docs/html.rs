//! The HTML inside spec descriptions, read as far as the Markdown writer needs: tags (name, whether it
//! closes, its `href`/`src`/`alt`), comments, and text with its character references decoded.

/// A piece of an HTML chunk.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Piece<'a> {
    /// Text, character references decoded.
    Text(String),
    /// A tag: `name` lower case.
    Tag(Tag<'a>),
    /// `<https://…>`: an autolink, as in Markdown.
    Autolink(&'a str),
    /// A comment, a declaration or a processing instruction: nothing to show.
    Nothing,
    /// Something that looks like a tag but is not one a reader should see as markup (`<currency>` is, but
    /// it is not a tag we keep: the caller decides); kept as its source text.
    Raw(&'a str),
}

/// An HTML tag.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Tag<'a> {
    /// Lower-case name.
    pub name: String,
    /// `</name>`.
    pub closing: bool,
    /// The tag's source text, `<` to `>`.
    pub source: &'a str,
    /// Its attributes' source text.
    attributes: &'a str,
}

impl Tag<'_> {
    /// The value of attribute `name`, character references decoded.
    pub fn attribute(&self, name: &str) -> Option<String> {
        let mut rest = self.attributes;
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() {
                return None;
            }
            let end = rest.find(|c: char| c.is_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
            let key = &rest[..end];
            rest = rest[end..].trim_start();
            let mut value = None;
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                let (raw, next) = match after.chars().next() {
                    Some(quote @ ('"' | '\'')) => match after[1..].find(quote) {
                        Some(close) => (&after[1..1 + close], &after[close + 2..]),
                        None => (&after[1..], ""),
                    },
                    _ => {
                        let end = after.find(char::is_whitespace).unwrap_or(after.len());
                        (&after[..end], &after[end..])
                    }
                };
                value = Some(decode(raw));
                rest = next;
            }
            if key.eq_ignore_ascii_case(name) {
                return Some(value.unwrap_or_default());
            }
            if key.is_empty() {
                return None;
            }
        }
    }
}

/// Splits an HTML chunk into pieces.
pub(super) fn pieces(html: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(at) = rest.find('<') else {
            out.push(Piece::Text(decode(rest)));
            break;
        };
        if at > 0 {
            out.push(Piece::Text(decode(&rest[..at])));
        }
        rest = &rest[at..];
        let (piece, len) = markup(rest);
        out.push(piece);
        rest = &rest[len..];
    }
    out
}

/// The markup at the start of `text` (which starts with `<`) and its length in bytes.
fn markup(text: &str) -> (Piece<'_>, usize) {
    for (open, close) in [("<!--", "-->"), ("<?", "?>"), ("<![CDATA[", "]]>"), ("<!", ">")] {
        if let Some(inner) = text.strip_prefix(open) {
            let len = inner.find(close).map_or(text.len(), |end| open.len() + end + close.len());
            return (Piece::Nothing, len);
        }
    }
    let bytes = text.as_bytes();
    let closing = bytes.get(1) == Some(&b'/');
    let start = if closing { 2 } else { 1 };
    let name_len = text[start..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(text.len() - start);
    let name = &text[start..start + name_len];
    // An autolink: `<scheme:…>` without spaces.
    if !closing && text[start + name_len..].starts_with(':') && name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        if let Some(end) = text.find('>') {
            let inner = &text[1..end];
            if !inner.contains(|c: char| c.is_whitespace() || c == '<') {
                return (Piece::Autolink(inner), end + 1);
            }
        }
    }
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return (Piece::Raw("<"), 1);
    }
    // The attributes run to the first `>` outside quotes.
    let mut quote = None;
    let mut end = None;
    for (i, c) in text.char_indices().skip(start + name_len) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => {
                end = Some(i);
                break;
            }
            (None, '<') => break,
            _ => {}
        }
    }
    let after_name = &text[start + name_len..];
    // A tag name must end at whitespace, `/` or `>`.
    let well_formed = after_name.starts_with(|c: char| c.is_whitespace() || c == '/' || c == '>');
    match end {
        Some(end) if well_formed => {
            let tag = Tag {
                name: name.to_ascii_lowercase(),
                closing,
                source: &text[..=end],
                attributes: &text[start + name_len..end],
            };
            (Piece::Tag(tag), end + 1)
        }
        _ => (Piece::Raw("<"), 1),
    }
}

/// Decodes character references (`&lt;`, `&#39;`, `&#x2014;`, a few common names); others stay as written.
pub(super) fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).map(|i| i + 1);
        let decoded = match end {
            Some(end) if rest[end..].starts_with(';') => reference(&rest[1..end]).map(|c| (c, end + 1)),
            _ => None,
        };
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a reference (without `&` and `;`) names.
fn reference(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "rarr" => '→',
        "larr" => '←',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "times" => '×',
        "laquo" => '«',
        "raquo" => '»',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{Piece, decode, pieces};

    #[test]
    fn tags_text_and_references() {
        let found = pieces("<p>a &lt;b&gt; <a href=\"https://x.io/?a=1&amp;b=2\">x</a><!-- c --></p>");
        let names: Vec<String> = found
            .iter()
            .map(|p| match p {
                Piece::Text(t) => format!("text {t}"),
                Piece::Tag(tag) => format!("{}{}", if tag.closing { "/" } else { "" }, tag.name),
                Piece::Autolink(url) => format!("link {url}"),
                Piece::Nothing => "nothing".to_owned(),
                Piece::Raw(raw) => format!("raw {raw}"),
            })
            .collect();
        assert_eq!(names, ["p", "text a <b> ", "a", "text x", "/a", "nothing", "/p"]);
        let Piece::Tag(a) = &found[2] else { panic!() };
        assert_eq!(a.attribute("href").as_deref(), Some("https://x.io/?a=1&b=2"));
    }

    #[test]
    fn what_is_not_a_tag_is_raw() {
        assert_eq!(pieces("a < b"), [Piece::Text("a ".into()), Piece::Raw("<"), Piece::Text(" b".into())]);
        assert_eq!(pieces("<https://x.io/a>"), [Piece::Autolink("https://x.io/a")]);
        assert_eq!(decode("&#x41;&#66;&bogus;&"), "AB&bogus;&");
    }
}
