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

mod html_tags;

use super::escape::{absolute, code_span, escape};

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
