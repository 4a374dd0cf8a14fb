//! HTML in descriptions, as Markdown: the writer's handling of tags (what each becomes) and of what HTML
//! leaves open when its Markdown block ends.

use super::{Capture, Need, Opened, Table, Writer};
use crate::emit::docs::escape::{absolute, code_span, escape};
use crate::emit::docs::html::{self, Piece};

impl Writer {
    /// Closes what HTML left open in the Markdown block that ends.
    pub(super) fn end_block(&mut self) {
        if let Some(capture) = self.capture.take() {
            self.end_capture(capture);
        }
        self.close_inline_html();
        while let Some(opened) = self.opened.pop() {
            self.close(opened);
        }
    }

    pub(super) fn close_inline_html(&mut self) {
        while let Some((_, closer)) = self.inline_html.pop() {
            if !closer.is_empty() {
                self.raw(&closer);
            }
            if closer.starts_with(']') {
                self.link_text = self.link_text.saturating_sub(1);
            }
        }
    }

    fn close(&mut self, opened: Opened) {
        match opened {
            Opened::List => {
                self.lists.pop();
                self.need = Need::Blank;
            }
            Opened::Item => {
                self.close_inline_html();
                self.containers.pop();
                self.need = self.need.max(Need::Line);
            }
            Opened::Heading => {
                self.close_inline_html();
                self.single_line = self.single_line.saturating_sub(1);
                self.need = Need::Blank;
            }
            Opened::Table => self.end_table(),
        }
    }

    /// Closes what HTML opened, down to and including the innermost `what`, if it is open.
    fn close_to(&mut self, what: Opened) {
        if !self.opened.contains(&what) {
            return;
        }
        while let Some(opened) = self.opened.pop() {
            self.close(opened);
            if opened == what {
                break;
            }
        }
    }

    pub(super) fn end_capture(&mut self, capture: Capture) {
        if capture.tag == "pre" {
            self.fenced(capture.text.strip_prefix('\n').unwrap_or(&capture.text));
        } else {
            let span = code_span(&capture.text, self.in_cell());
            self.raw(&span);
        }
    }

    pub(super) fn html(&mut self, chunk: &str, block: bool) {
        for piece in html::pieces(chunk) {
            match piece {
                Piece::Text(text) => match &mut self.capture {
                    Some(capture) => capture.text.push_str(&text),
                    None if block => {
                        let mut collapsed = String::with_capacity(text.len());
                        for (i, word) in text.split(|c: char| c.is_ascii_whitespace()).enumerate() {
                            if i > 0 && !collapsed.ends_with(' ') {
                                collapsed.push(' ');
                            }
                            collapsed.push_str(word);
                        }
                        self.text(&collapsed);
                    }
                    None => self.text(&text),
                },
                Piece::Autolink(url) => match &mut self.capture {
                    Some(capture) => capture.text.push_str(url),
                    None => self.raw(&format!("<{url}>")),
                },
                Piece::Nothing => {}
                Piece::Raw(raw) => match &mut self.capture {
                    Some(capture) => capture.text.push_str(raw),
                    None => self.text(raw),
                },
                Piece::Tag(tag) => self.tag(&tag),
            }
        }
    }

    fn tag(&mut self, tag: &html::Tag<'_>) {
        let name = tag.name.as_str();
        if let Some(capture) = &mut self.capture {
            if tag.closing && name == capture.tag {
                if let Some(capture) = self.capture.take() {
                    self.end_capture(capture);
                }
            } else if name == "br" {
                capture.text.push('\n');
            }
            return;
        }
        let in_table = self.table.is_some();
        match (name, tag.closing) {
            (
                "p" | "div" | "blockquote" | "section" | "article" | "header" | "footer" | "nav" | "main" | "aside"
                | "figure" | "figcaption" | "address" | "center" | "details" | "summary" | "dl" | "dt" | "dd",
                _,
            ) => {
                self.close_inline_html();
                self.need = Need::Blank;
            }
            ("br", _) => {
                if self.line_started && self.out.len() > self.content_start && self.need == Need::Nothing {
                    self.raw("<br>");
                    self.need = Need::Line;
                }
            }
            ("hr", _) => {
                self.block();
                self.raw("***");
                self.need = Need::Blank;
            }
            ("a", false) => match tag.attribute("href").as_deref().and_then(absolute) {
                Some(destination) => {
                    self.raw("[");
                    self.link_text += 1;
                    self.inline_html.push(("a".to_owned(), format!("]({destination})")));
                }
                None => self.inline_html.push(("a".to_owned(), String::new())),
            },
            ("strong" | "b", false) => self.open_inline(name, "**"),
            ("em" | "i", false) => self.open_inline(name, "*"),
            ("s" | "del" | "strike", false) => self.open_inline(name, "~~"),
            ("a" | "strong" | "b" | "em" | "i" | "s" | "del" | "strike", true) => {
                if let Some(at) = self.inline_html.iter().rposition(|(open, _)| open == name) {
                    while self.inline_html.len() > at {
                        if let Some((_, closer)) = self.inline_html.pop() {
                            if closer.starts_with(']') {
                                self.link_text = self.link_text.saturating_sub(1);
                            }
                            self.raw(&closer);
                        }
                    }
                }
            }
            ("code" | "tt" | "kbd" | "samp" | "var", false) => {
                self.capture = Some(Capture { tag: name.to_owned(), text: String::new() });
            }
            ("pre", false) => {
                self.block();
                self.capture = Some(Capture { tag: "pre".to_owned(), text: String::new() });
            }
            ("code" | "tt" | "kbd" | "samp" | "var" | "pre", true) => {}
            ("ul" | "ol", false) => {
                self.close_inline_html();
                let first =
                    (name == "ol").then(|| tag.attribute("start").and_then(|s| s.trim().parse().ok()).unwrap_or(1));
                self.list(first);
                self.opened.push(Opened::List);
            }
            ("ul" | "ol", true) => self.close_to(Opened::List),
            ("li", false) => {
                self.close_inline_html();
                if self.opened.last() == Some(&Opened::Item) {
                    self.close_to(Opened::Item);
                }
                if self.opened.last() != Some(&Opened::List) {
                    self.list(None);
                    self.opened.push(Opened::List);
                }
                self.item();
                self.opened.push(Opened::Item);
            }
            ("li", true) => self.close_to(Opened::Item),
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) if !in_table => {
                self.heading(usize::from(name.as_bytes()[1] - b'0'));
                self.opened.push(Opened::Heading);
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => self.close_to(Opened::Heading),
            ("table", false) if !in_table => {
                self.block();
                self.table = Some(Table::default());
                self.opened.push(Opened::Table);
            }
            ("table", true) => self.close_to(Opened::Table),
            ("tr", false) if self.opened.contains(&Opened::Table) => self.row(),
            ("td" | "th", false) if self.opened.contains(&Opened::Table) => self.cell(),
            ("td" | "th", true) if self.opened.contains(&Opened::Table) => {
                self.close_inline_html();
                self.end_cell();
            }
            ("tr", true) if self.opened.contains(&Opened::Table) => self.end_row(),
            ("img", false) => {
                let alt = tag.attribute("alt").unwrap_or_default();
                match tag.attribute("src").as_deref().and_then(absolute) {
                    Some(source) => {
                        let mut text = String::new();
                        escape(&alt, false, self.in_cell(), true, &mut text);
                        self.raw(&format!("![{text}]({source})"));
                    }
                    None => self.text(&alt),
                }
            }
            (
                "span" | "font" | "small" | "big" | "u" | "ins" | "sub" | "sup" | "abbr" | "cite" | "q" | "mark"
                | "time" | "wbr" | "label" | "nobr" | "thead" | "tbody" | "tfoot" | "caption" | "colgroup" | "col"
                | "table" | "tr" | "td" | "th" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6",
                _,
            ) => {}
            // Not markup we keep: the text it is.
            _ => self.text(tag.source),
        }
    }

    fn open_inline(&mut self, name: &str, marker: &str) {
        self.raw(marker);
        self.inline_html.push((name.to_owned(), marker.to_owned()));
    }
}
