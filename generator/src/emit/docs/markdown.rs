//! Spec text → rustdoc Markdown: parsed as CommonMark by pulldown-cmark (the parser rustdoc uses), written
//! back so that it renders as the author meant and rustdoc has nothing to warn about.
//!
//! - Links and images to absolute `http(s)`/`mailto` URLs stay links; relative ones (to the vendor's own
//!   site, which the crate's docs are not on) keep their text. Bare URLs become autolinks (`bare_urls`).
//! - Bracketed text that is not a link (`[optional]`, `array[string]`) is escaped, so rustdoc does not take
//!   it for an intra-doc link; so is every other character that would read as markup it was not.
//! - Headings are one level deeper than written: under the item's own sections (`# Arguments`).
//! - Code blocks are fenced as `text`, never doctests.
//! - HTML becomes Markdown: `p`, `br`, `a`, `code`, `pre`, `strong`/`b`, `em`/`i`, `ul`/`ol`/`li`, `h1`–`h6`,
//!   `table`, `img`, …; tags that only style (`span`, `sub`, …) are dropped with their text kept; anything
//!   else (`<script>`, a `<placeholder>` in prose) is shown as the text it is.

use pulldown_cmark::{Alignment, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::html::{self, Piece};

/// Spec text (trimmed, without control characters) as rustdoc Markdown, lines joined by `\n`.
pub(crate) fn to_rustdoc(text: &str) -> String {
    if is_plain(text) {
        return text.to_owned();
    }
    let mut writer = Writer::default();
    for event in Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        writer.event(event);
    }
    writer.finish()
}

/// One line of text without anything Markdown or rustdoc would read as markup: written as it is, without
/// parsing (most parameter and property descriptions).
fn is_plain(text: &str) -> bool {
    let starts_block = text.starts_with(|c: char| c.is_ascii_digit() || "-+=>#*".contains(c));
    !starts_block
        && !text.contains("://")
        && !text.bytes().any(|b| {
            matches!(
                b,
                b'\n' | b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'&' | b'|' | b'~' | b'!' | b'#'
            )
        })
}

/// What has to be written before the next content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
    #[default]
    Nothing,
    /// A line break.
    Line,
    /// A blank line: a new block.
    Blank,
}

/// A block whose lines carry a prefix.
#[derive(Debug)]
enum Container {
    /// `> `.
    Quote,
    /// A list item: its marker on its first line, as many spaces on the others.
    Item { width: usize, marker: Option<String> },
}

/// What the HTML of a description opened (closed when its Markdown block ends, if it does not close them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opened {
    List,
    Item,
    Heading,
    Table,
}

/// A link or image being written.
#[derive(Debug)]
enum Link {
    /// Kept: closed with `](destination)`.
    Kept(String),
    /// Only its text is kept.
    Dropped,
    /// An autolink, written whole at its start: its text is skipped.
    Auto,
}

/// Text of an HTML `<code>` or `<pre>` being collected.
#[derive(Debug)]
struct Capture {
    tag: String,
    text: String,
}

/// A table being collected: its cells are written into buffers of their own.
#[derive(Debug, Default)]
struct Table {
    alignments: Vec<Alignment>,
    rows: Vec<Vec<String>>,
    row: Option<Vec<String>>,
    /// While a cell is written: the output it interrupted, and that output's state.
    outside: Option<(String, Need, bool, usize)>,
}

#[derive(Debug, Default)]
struct Writer {
    out: String,
    /// Text not yet written.
    pending: String,
    need: Need,
    /// A line has been started (its prefix written).
    line_started: bool,
    /// Where the current line's content starts (after its prefix).
    content_start: usize,
    containers: Vec<Container>,
    /// Per open list: the next number (`None` for bullets).
    lists: Vec<Option<u64>>,
    links: Vec<Link>,
    /// Inside the text of a kept link: no autolinks there.
    link_text: usize,
    /// Inside an autolink.
    autolink: usize,
    /// A code block's text, being collected.
    code_block: Option<String>,
    /// An HTML block's text, being collected (a tag may span its lines).
    html_block: Option<String>,
    capture: Option<Capture>,
    /// Open HTML inline tags: name, and what closes them.
    inline_html: Vec<(String, String)>,
    opened: Vec<Opened>,
    table: Option<Table>,
    /// Inside a heading: line breaks are spaces.
    single_line: usize,
}

impl Writer {
    fn event(&mut self, event: Event<'_>) {
        // Text comes in pieces (split at escapes and entities): written whole, so that what a piece starts or
        // ends with is seen in its context.
        if !matches!(event, Event::Text(_)) && !self.pending.is_empty() {
            let text = std::mem::take(&mut self.pending);
            self.text(&text);
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if let Some(code) = &mut self.code_block {
                    code.push_str(&text);
                } else if let Some(html) = &mut self.html_block {
                    html.push_str(&text);
                } else if let Some(capture) = &mut self.capture {
                    capture.text.push_str(&text);
                } else if self.autolink == 0 {
                    self.pending.push_str(&text);
                }
            }
            Event::Code(code) => match &mut self.capture {
                Some(capture) => capture.text.push_str(&code),
                None => {
                    let span = code_span(&code, self.in_cell());
                    self.raw(&span);
                }
            },
            Event::Html(html) | Event::InlineHtml(html) => match &mut self.html_block {
                Some(block) => block.push_str(&html),
                None => self.html(&html, false),
            },
            Event::SoftBreak => match &mut self.capture {
                Some(capture) => capture.text.push(' '),
                None => self.need = self.need.max(Need::Line),
            },
            Event::HardBreak => {
                if self.in_cell() || self.single_line > 0 {
                    self.raw("<br>");
                } else {
                    self.raw("\\");
                    self.need = self.need.max(Need::Line);
                }
            }
            Event::Rule => {
                self.block();
                self.raw("***");
                self.need = Need::Blank;
            }
            // Footnotes, task lists and math are not enabled.
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.need = self.need.max(Need::Blank),
            Tag::Heading { level, .. } => self.heading(level as usize),
            Tag::BlockQuote(_) => {
                self.block();
                self.containers.push(Container::Quote);
            }
            Tag::CodeBlock(_) => {
                self.block();
                self.code_block = Some(String::new());
            }
            Tag::HtmlBlock => {
                self.block();
                self.html_block = Some(String::new());
            }
            Tag::List(first) => self.list(first),
            Tag::Item => self.item(),
            Tag::Table(alignments) => {
                self.block();
                self.table = Some(Table { alignments, ..Table::default() });
            }
            Tag::TableHead | Tag::TableRow => self.row(),
            Tag::TableCell => self.cell(),
            Tag::Emphasis => self.raw("*"),
            Tag::Strong => self.raw("**"),
            Tag::Strikethrough => self.raw("~~"),
            Tag::Link { link_type: LinkType::Autolink | LinkType::Email, dest_url, .. } => {
                self.raw(&format!("<{dest_url}>"));
                self.links.push(Link::Auto);
                self.autolink += 1;
            }
            Tag::Link { dest_url, .. } => self.open_link("[", &dest_url),
            Tag::Image { dest_url, .. } => self.open_link("![", &dest_url),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.end_block();
                self.need = Need::Blank;
            }
            TagEnd::Heading(_) => {
                self.end_block();
                self.single_line = self.single_line.saturating_sub(1);
                self.need = Need::Blank;
            }
            TagEnd::BlockQuote(_) => {
                self.end_block();
                self.containers.pop();
                self.need = Need::Blank;
            }
            TagEnd::CodeBlock => {
                let code = self.code_block.take().unwrap_or_default();
                self.fenced(&code);
            }
            TagEnd::HtmlBlock => {
                let html = self.html_block.take().unwrap_or_default();
                self.html(&html, true);
                self.end_block();
                self.need = Need::Blank;
            }
            TagEnd::List(_) => {
                self.end_block();
                self.lists.pop();
                self.need = Need::Blank;
            }
            TagEnd::Item => {
                self.end_block();
                self.containers.pop();
                self.need = self.need.max(Need::Line);
            }
            TagEnd::TableCell => {
                self.end_block();
                self.end_cell();
            }
            TagEnd::TableHead | TagEnd::TableRow => self.end_row(),
            TagEnd::Table => self.end_table(),
            TagEnd::Emphasis => self.raw("*"),
            TagEnd::Strong => self.raw("**"),
            TagEnd::Strikethrough => self.raw("~~"),
            TagEnd::Link | TagEnd::Image => match self.links.pop() {
                Some(Link::Kept(destination)) => {
                    self.link_text = self.link_text.saturating_sub(1);
                    self.raw(&format!("]({destination})"));
                }
                Some(Link::Auto) => self.autolink = self.autolink.saturating_sub(1),
                _ => {}
            },
            _ => {}
        }
    }

    fn finish(mut self) -> String {
        let text = std::mem::take(&mut self.pending);
        self.text(&text);
        if let Some(code) = self.code_block.take() {
            self.fenced(&code);
        }
        if let Some(html) = self.html_block.take() {
            self.html(&html, true);
        }
        self.end_block();
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
        self.out
    }

    // --- output

    fn in_cell(&self) -> bool {
        self.table.as_ref().is_some_and(|t| t.outside.is_some())
    }

    /// Writes what is needed before content: a line break or blank line with the containers' prefixes.
    fn flush(&mut self) {
        if self.in_cell() || self.single_line > 0 {
            if self.need > Need::Nothing && self.out.len() > self.content_start && !self.out.ends_with(' ') {
                self.out.push(' ');
            }
            self.need = Need::Nothing;
            return;
        }
        if self.need == Need::Nothing && self.line_started {
            return;
        }
        // Trailing spaces would make a hard break.
        while self.out.len() > self.content_start && self.out.ends_with(' ') {
            self.out.pop();
        }
        if self.need == Need::Blank && !self.out.is_empty() {
            self.out.push('\n');
            let mut prefix = String::new();
            for container in &self.containers {
                match container {
                    Container::Quote => prefix.push_str("> "),
                    Container::Item { width, .. } => prefix.push_str(&" ".repeat(*width)),
                }
            }
            self.out.push_str(prefix.trim_end());
        }
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        for container in &mut self.containers {
            match container {
                Container::Quote => self.out.push_str("> "),
                Container::Item { width, marker } => match marker.take() {
                    Some(marker) => self.out.push_str(&marker),
                    None => self.out.push_str(&" ".repeat(*width)),
                },
            }
        }
        self.line_started = true;
        self.content_start = self.out.len();
        self.need = Need::Nothing;
    }

    /// Writes Markdown as it is.
    fn raw(&mut self, markdown: &str) {
        self.flush();
        self.out.push_str(markdown);
    }

    /// A new block starts.
    fn block(&mut self) {
        self.end_block();
        self.need = Need::Blank;
    }

    /// Writes text, escaped.
    fn text(&mut self, text: &str) {
        let at_start = !self.in_cell()
            && self.single_line == 0
            && (self.need > Need::Nothing || !self.line_started || self.out.len() == self.content_start);
        let text = if at_start { text.trim_start() } else { text };
        if text.is_empty() {
            return;
        }
        self.flush();
        escape(text, at_start, self.in_cell(), self.link_text > 0, &mut self.out);
    }

    /// A fenced code block, tagged `text` (never a doctest).
    fn fenced(&mut self, code: &str) {
        self.block();
        let longest =
            code.lines().map(|line| line.trim_start().chars().take_while(|c| *c == '`').count()).max().unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        self.raw(&format!("{fence}text"));
        for line in code.trim_end_matches('\n').split('\n') {
            self.need = Need::Line;
            self.flush();
            self.out.push_str(line.trim_end());
            if line.trim().is_empty() {
                let trimmed = self.out.trim_end_matches(' ').len();
                self.out.truncate(trimmed);
            }
        }
        self.need = Need::Line;
        self.raw(&fence);
        self.need = Need::Blank;
    }

    fn heading(&mut self, level: usize) {
        self.block();
        // One level deeper than written: under the item's own sections.
        self.raw(&format!("{} ", "#".repeat((level + 1).min(6))));
        self.single_line += 1;
    }

    fn list(&mut self, first: Option<u64>) {
        // In a tight item, a nested list follows its text on the next line; an ordered list that does not
        // start at 1 cannot interrupt a paragraph.
        let mid_line = self.need == Need::Nothing && self.line_started && self.out.len() > self.content_start;
        self.need = if mid_line && first.is_none_or(|n| n == 1) { Need::Line } else { self.need.max(Need::Blank) };
        self.lists.push(first);
    }

    fn item(&mut self) {
        let marker = match self.lists.last_mut() {
            Some(Some(number)) => {
                let marker = format!("{number}. ");
                *number = number.saturating_add(1);
                marker
            }
            _ => "- ".to_owned(),
        };
        self.need = self.need.max(Need::Line);
        self.containers.push(Container::Item { width: marker.len(), marker: Some(marker) });
    }

    fn open_link(&mut self, opening: &str, destination: &str) {
        if self.capture.is_some() {
            self.links.push(Link::Dropped);
        } else if let Some(destination) = absolute(destination) {
            self.raw(opening);
            self.link_text += 1;
            self.links.push(Link::Kept(destination));
        } else {
            self.links.push(Link::Dropped);
        }
    }

    // --- tables

    fn row(&mut self) {
        self.end_row();
        if let Some(table) = &mut self.table {
            table.row = Some(Vec::new());
        }
    }

    fn cell(&mut self) {
        self.end_cell();
        if self.table.as_ref().is_some_and(|t| t.row.is_none()) {
            self.row();
        }
        let Some(table) = &mut self.table else { return };
        let out = std::mem::take(&mut self.out);
        table.outside = Some((out, self.need, self.line_started, self.content_start));
        self.need = Need::Nothing;
        self.line_started = true;
        self.content_start = 0;
    }

    fn end_cell(&mut self) {
        let Some(table) = &mut self.table else { return };
        let Some((out, need, line_started, content_start)) = table.outside.take() else { return };
        let cell = std::mem::replace(&mut self.out, out);
        (self.need, self.line_started, self.content_start) = (need, line_started, content_start);
        if let Some(row) = &mut table.row {
            row.push(cell.trim().to_owned());
        }
    }

    fn end_row(&mut self) {
        self.end_cell();
        if let Some(table) = &mut self.table {
            if let Some(row) = table.row.take() {
                table.rows.push(row);
            }
        }
    }

    fn end_table(&mut self) {
        self.end_row();
        let Some(table) = self.table.take() else { return };
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        let line = |row: &[String]| {
            let mut line = String::from("|");
            for i in 0..columns {
                line.push(' ');
                line.push_str(row.get(i).map_or("", String::as_str));
                line.push_str(" |");
            }
            line
        };
        self.need = self.need.max(Need::Blank);
        self.raw(&line(&table.rows[0]));
        let separator: Vec<String> = (0..columns)
            .map(|i| match table.alignments.get(i) {
                Some(Alignment::Left) => ":--".to_owned(),
                Some(Alignment::Center) => ":-:".to_owned(),
                Some(Alignment::Right) => "--:".to_owned(),
                _ => "---".to_owned(),
            })
            .collect();
        self.need = Need::Line;
        self.raw(&line(&separator));
        for row in &table.rows[1..] {
            self.need = Need::Line;
            self.raw(&line(row));
        }
        self.need = Need::Blank;
    }

    // --- HTML

    /// Closes what HTML left open in the Markdown block that ends.
    fn end_block(&mut self) {
        if let Some(capture) = self.capture.take() {
            self.end_capture(capture);
        }
        self.close_inline_html();
        while let Some(opened) = self.opened.pop() {
            self.close(opened);
        }
    }

    fn close_inline_html(&mut self) {
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

    fn end_capture(&mut self, capture: Capture) {
        if capture.tag == "pre" {
            self.fenced(capture.text.strip_prefix('\n').unwrap_or(&capture.text));
        } else {
            let span = code_span(&capture.text, self.in_cell());
            self.raw(&span);
        }
    }

    fn html(&mut self, chunk: &str, block: bool) {
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

/// `destination` if it is an absolute URL a reader can follow (`http`, `https`, `mailto`), with the characters
/// that would end a Markdown link destination percent-encoded.
fn absolute(destination: &str) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::to_rustdoc;

    #[test]
    fn links_and_autolinks_stay_links() {
        assert_eq!(
            to_rustdoc(
                "Use the \"[List pull requests](https://docs.github.com/rest/pulls#list)\" endpoint, see <https://x.io/a>."
            ),
            "Use the \"[List pull requests](https://docs.github.com/rest/pulls#list)\" endpoint, see <https://x.io/a>."
        );
        // A reference link is written inline; a title is dropped; parentheses in the URL are encoded.
        assert_eq!(to_rustdoc("[guide][g]\n\n[g]: https://x.io/a_(b) \"T\""), "[guide](https://x.io/a_%28b%29)");
        // Relative links point into the vendor's site, which the crate's docs are not on: their text stays.
        assert_eq!(to_rustdoc("See [the guide](/docs/guide) and [that](#anchor)."), "See the guide and that.");
    }

    #[test]
    fn bracketed_text_that_is_no_link_is_escaped() {
        assert_eq!(
            to_rustdoc("[optional] an array[string] or [x]."),
            "\\[optional\\] an array\\[string\\] or \\[x\\]."
        );
    }

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            to_rustdoc("See https://example.com/a_b. Or (https://x.io/p)."),
            "See <https://example.com/a_b>. Or (<https://x.io/p>)."
        );
        // Not inside a link's own text.
        assert_eq!(to_rustdoc("[https://x.io](https://x.io)"), "[https://x.io](https://x.io)");
    }

    #[test]
    fn html_paragraphs_code_and_links_become_markdown() {
        assert_eq!(
            to_rustdoc(
                "<p>Returns a list of <code>Customer</code> objects &amp; more.</p><p>See <a href=\"https://stripe.com/docs\">the docs</a>.</p>"
            ),
            "Returns a list of `Customer` objects & more.\n\nSee [the docs](https://stripe.com/docs)."
        );
        assert_eq!(
            to_rustdoc("Inline <strong>bold</strong>, <em>it</em><br>next &lt;id&gt;"),
            "Inline **bold**, *it*<br>\nnext \\<id>"
        );
        assert_eq!(to_rustdoc("<ul><li>one</li><li>two <code>x</code></li></ul>"), "- one\n- two `x`");
        assert_eq!(to_rustdoc("<pre>let a = 1;\n  b</pre>"), "```text\nlet a = 1;\n  b\n```");
    }

    #[test]
    fn other_html_is_shown_as_text() {
        assert_eq!(
            to_rustdoc("<script>alert(1)</script> and <currency> here"),
            "\\<script>alert(1)\\</script> and \\<currency> here"
        );
        // Unclosed markup is closed, stray closers dropped.
        assert_eq!(to_rustdoc("<p><strong>open</p></em>"), "**open**");
    }

    #[test]
    fn code_blocks_are_fenced_as_text() {
        assert_eq!(to_rustdoc("```rust\nfn main() {}\n```"), "```text\nfn main() {}\n```");
        assert_eq!(to_rustdoc("Example:\n\n    curl -X POST\n"), "Example:\n\n```text\ncurl -X POST\n```");
        assert_eq!(to_rustdoc("`a <b> [c]` and ``x`y``"), "`a <b> [c]` and ``x`y``");
    }

    #[test]
    fn headings_are_one_level_deeper() {
        assert_eq!(
            to_rustdoc("# Title\n\ntext\n\nSub\n---\n\n###### Six"),
            "## Title\n\ntext\n\n### Sub\n\n###### Six"
        );
        assert_eq!(to_rustdoc("<h2>Notes</h2><p>x</p>"), "### Notes\n\nx");
    }

    #[test]
    fn lists_tables_and_emphasis_survive() {
        assert_eq!(
            to_rustdoc("- a\n- b\n  1. c\n  2. d\n\n*e* **f** ~~g~~"),
            "- a\n- b\n  1. c\n  2. d\n\n*e* **f** ~~g~~"
        );
        assert_eq!(
            to_rustdoc("| a | b |\n|:--|--:|\n| `x\\|y` | [l](https://x.io) |"),
            "| a | b |\n| :-- | --: |\n| `x\\|y` | [l](https://x.io) |"
        );
        assert_eq!(
            to_rustdoc("<table><tr><th>k</th><th>v</th></tr><tr><td>1</td><td>a|b</td></tr></table>"),
            "| k | v |\n| --- | --- |\n| 1 | a\\|b |"
        );
    }

    #[test]
    fn text_that_would_read_as_markup_is_escaped() {
        assert_eq!(to_rustdoc("a\n\\- b\n1\\. c\n\\# d"), "a\n\\- b\n1\\. c\n\\# d");
        assert_eq!(to_rustdoc("<p>a<br>- b<br>2) c</p>"), "a<br>\n\\- b<br>\n2\\) c");
        assert_eq!(
            to_rustdoc("\\*not em\\* snake_case \\_x\\_ a&amp;b &copy;"),
            "\\*not em\\* snake_case \\_x\\_ a&b ©"
        );
        assert_eq!(to_rustdoc("&amp;lt;"), "\\&lt;");
    }
}
