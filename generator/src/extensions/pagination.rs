//! Pagination declarations, read into one form ([`Paging`]) whoever wrote them: our `x-clientgen-pagination`,
//! Speakeasy's `x-speakeasy-pagination`, Fern's `x-fern-pagination` and Dropshot's `x-dropshot-pagination` on an
//! operation, and the rules of a crate's settings (our form with a `match`, for documents that declare nothing).
//!
//! Ours, as the README documents it:
//!
//! ```yaml
//! x-clientgen-pagination:
//!   items: /data                 # JSON pointer to the array of items in the success body ("" is the body);
//!                                # in a rule also `the-array`: the body if it is one, else its one array
//!                                # property, else none; without `items`, a call has `.pages()` only
//!   # how the next page is asked for, exactly one of:
//!   cursor: { param: page_token, from: /next_page }     # a cursor the page gives, into a query parameter
//!   last-item: { param: starting_after, field: /id }    # a field of the page's last item
//!   page: { param: page, first: 1 }                     # page numbers (`first`: the parameter's default, else 1)
//!   offset: { param: offset }                           # an offset, grown by the items received
//!   next-url: /next_page_uri                            # a URL (or path) the page gives
//!   link: next                                          # the `Link` header's URL of this relation
//!   # optional:
//!   has-more: /has_more          # a boolean, false on the last page
//!   total: /total                # the number of items in all pages
//!   total-pages: /num_pages      # the number of pages
//!   omit-later: [sort_by]        # query parameters not sent again once a cursor stands for them
//! ```

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use crate::error::ErrorKind;

/// Our extension.
pub(crate) const CLIENTGEN: &str = "x-clientgen-pagination";
const SPEAKEASY: &str = "x-speakeasy-pagination";
const FERN: &str = "x-fern-pagination";
const DROPSHOT: &str = "x-dropshot-pagination";

/// How an operation's pages follow each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Paging {
    /// Where a page's items are.
    pub items: Items,
    /// How the request for the next page is made.
    pub next: Next,
    /// JSON pointer to a boolean that is false on the last page.
    pub has_more: Option<String>,
    /// JSON pointer to the number of items in all pages.
    pub total: Option<String>,
    /// JSON pointer to the number of pages.
    pub total_pages: Option<String>,
    /// The query parameters later pages leave out.
    pub omit_later: Omit,
    /// Who declared it: the extension, or `rule N` of the settings.
    pub source: String,
}

/// Where a page's items are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Items {
    /// At this JSON pointer (`""`: the body).
    At(String),
    /// The body if it is an array, else its one array property, else none (rules only).
    TheArray,
    /// Not said: a page is no one array of items (`.pages()` only).
    None,
}

/// How the request for the next page is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// The value at JSON pointer `from` in the page goes into query parameter `param`.
    Cursor { param: String, from: String },
    /// The value at JSON pointer `field` in the page's last item goes into query parameter `param`.
    LastItem { param: String, field: String },
    /// Query parameter `param` counts pages, from `first` (else the parameter's default, else 1).
    Page { param: String, first: Option<u64> },
    /// Query parameter `param` counts the items received before the page.
    Offset { param: String },
    /// The page gives the next page's URL (absolute, or relative to the base URL) at JSON pointer `from`.
    Url { from: String },
    /// The `Link` header gives the next page's URL, as the link of this relation (`next`).
    Link { rel: String },
}

/// The query parameters later pages leave out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Omit {
    /// None.
    #[default]
    None,
    /// These (wire names).
    Listed(Vec<String>),
    /// Every optional one but these (Dropshot: a page token stands for the scan's parameters).
    OptionalBut(Vec<String>),
}

/// A rule of a crate's settings: the operations it covers, and how they page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    /// Which operations.
    pub when: Match,
    /// How they page.
    pub paging: Paging,
}

/// Which operations a rule covers: every one that has all of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Match {
    /// The HTTP method, lowercase (`get` unless the rule says otherwise).
    pub method: String,
    /// Query parameters (wire names).
    pub query: Vec<String>,
    /// JSON pointers that resolve in the success body's type.
    pub response: Vec<String>,
    /// A header the success response documents.
    pub header: Option<String>,
}

/// What an operation declares about its pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Declared {
    /// Pages this way.
    Paging(Paging),
    /// Another tool's extension that says something this generator cannot follow: reported, not an error
    /// (the document is valid for its own tool).
    Unsupported {
        /// The extension.
        extension: &'static str,
        /// What cannot be followed.
        reason: String,
    },
}

/// The pagination an operation declares (ours first, then Speakeasy's, Fern's, Dropshot's); `doc` holds the
/// document's own extensions (Fern's `x-fern-pagination: true` refers to the document's). A malformed
/// `x-clientgen-pagination` is an error.
pub(crate) fn declared(
    operation: &IndexMap<String, Value>,
    doc: &IndexMap<String, Value>,
) -> Result<Option<Declared>, ErrorKind> {
    if let Some(value) = operation.get(CLIENTGEN) {
        let raw: RawPaging = serde_json::from_value(value.clone()).map_err(|err| bad(err.to_string()))?;
        if raw.when.is_some() {
            return Err(bad("`match` belongs to the rules of clientgen.toml, not to the extension".into()));
        }
        return raw.into_paging(CLIENTGEN.to_owned(), false).map(|paging| Some(Declared::Paging(paging))).map_err(bad);
    }
    let unsupported = |extension, reason| Ok(Some(Declared::Unsupported { extension, reason }));
    if let Some(value) = operation.get(SPEAKEASY) {
        return match speakeasy(value) {
            Ok(paging) => Ok(Some(Declared::Paging(paging))),
            Err(reason) => unsupported(SPEAKEASY, reason),
        };
    }
    if let Some(value) = operation.get(FERN) {
        let value = match value {
            Value::Bool(true) => doc.get(FERN).unwrap_or(&Value::Null),
            Value::Bool(false) => return Ok(None),
            other => other,
        };
        return match fern(value) {
            Ok(paging) => Ok(Some(Declared::Paging(paging))),
            Err(reason) => unsupported(FERN, reason),
        };
    }
    match operation.get(DROPSHOT) {
        Some(Value::Bool(true)) => Ok(Some(Declared::Paging(dropshot(&[])))),
        Some(Value::Object(object)) => {
            let required: Vec<String> = object
                .get("required")
                .and_then(Value::as_array)
                .map(|names| names.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default();
            Ok(Some(Declared::Paging(dropshot(&required))))
        }
        Some(_) | None => Ok(None),
    }
}

/// The rules of a crate's settings, in order; the index of a malformed one and what is wrong with it.
pub(crate) fn rules(values: &[Value]) -> Result<Vec<Rule>, (usize, String)> {
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let raw: RawPaging = serde_json::from_value(value.clone()).map_err(|err| (index, err.to_string()))?;
            let Some(when) = raw.when.clone() else {
                return Err((index, "a rule needs a `match` (which operations it covers)".to_owned()));
            };
            let when = when.into_match().map_err(|reason| (index, reason))?;
            let paging = raw.into_paging(format!("rule {}", index + 1), true).map_err(|reason| (index, reason))?;
            Ok(Rule { when, paging })
        })
        .collect()
}

fn bad(reason: String) -> ErrorKind {
    ErrorKind::Extension { extension: CLIENTGEN, reason }
}

/// Our form as written, in the extension or a rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawPaging {
    #[serde(rename = "match")]
    when: Option<RawMatch>,
    items: Option<String>,
    cursor: Option<RawCursor>,
    last_item: Option<RawLastItem>,
    page: Option<RawPage>,
    offset: Option<RawOffset>,
    next_url: Option<String>,
    link: Option<String>,
    has_more: Option<String>,
    total: Option<String>,
    total_pages: Option<String>,
    #[serde(default)]
    omit_later: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCursor {
    param: String,
    from: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLastItem {
    param: String,
    field: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    param: String,
    first: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffset {
    param: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatch {
    method: Option<String>,
    #[serde(default)]
    query: Vec<String>,
    #[serde(default)]
    response: Vec<String>,
    header: Option<String>,
}

impl RawMatch {
    fn into_match(self) -> Result<Match, String> {
        for pointer in &self.response {
            check_pointer("match.response", pointer)?;
        }
        if self.query.is_empty() && self.response.is_empty() && self.header.is_none() {
            return Err(
                "`match` names nothing to match (query, response or header): it would cover every operation".into()
            );
        }
        let method = self.method.unwrap_or_else(|| "get".to_owned()).to_ascii_lowercase();
        Ok(Match { method, query: self.query, response: self.response, header: self.header })
    }
}

impl RawPaging {
    fn into_paging(self, source: String, rule: bool) -> Result<Paging, String> {
        let items = match self.items {
            None => Items::None,
            Some(items) if items == "the-array" => {
                if !rule {
                    return Err("`items: the-array` is for rules; an operation says where its items are".into());
                }
                Items::TheArray
            }
            Some(pointer) => {
                check_pointer("items", &pointer)?;
                Items::At(pointer)
            }
        };
        let mut next = Vec::new();
        if let Some(RawCursor { param, from }) = self.cursor {
            check_pointer("cursor.from", &from)?;
            next.push(Next::Cursor { param, from });
        }
        if let Some(RawLastItem { param, field }) = self.last_item {
            check_pointer("last-item.field", &field)?;
            next.push(Next::LastItem { param, field });
        }
        if let Some(RawPage { param, first }) = self.page {
            next.push(Next::Page { param, first });
        }
        if let Some(RawOffset { param }) = self.offset {
            next.push(Next::Offset { param });
        }
        if let Some(from) = self.next_url {
            check_pointer("next-url", &from)?;
            next.push(Next::Url { from });
        }
        if let Some(rel) = self.link {
            next.push(Next::Link { rel });
        }
        if next.len() != 1 {
            return Err(
                "give exactly one of `cursor`, `last-item`, `page`, `offset`, `next-url` and `link`: how the next page is asked for"
                    .into(),
            );
        }
        for (key, pointer) in [("has-more", &self.has_more), ("total", &self.total), ("total-pages", &self.total_pages)]
        {
            if let Some(pointer) = pointer {
                check_pointer(key, pointer)?;
            }
        }
        let omit_later = if self.omit_later.is_empty() { Omit::None } else { Omit::Listed(self.omit_later) };
        Ok(Paging {
            items,
            next: next.remove(0),
            has_more: self.has_more,
            total: self.total,
            total_pages: self.total_pages,
            omit_later,
            source,
        })
    }
}

fn check_pointer(key: &str, pointer: &str) -> Result<(), String> {
    if pointer.is_empty() || pointer.starts_with('/') {
        Ok(())
    } else {
        Err(format!("`{key}` must be a JSON pointer such as `/data` (or `\"\"` for the whole body), not {pointer:?}"))
    }
}

/// Dropshot's paginated operations: `page_token` from `next_page`, items in `items`; a page token stands
/// for the scan's parameters, so later pages send only it, `limit` and the parameters Dropshot lists as
/// `required`.
fn dropshot(required: &[String]) -> Paging {
    let mut keep = vec!["page_token".to_owned(), "limit".to_owned()];
    keep.extend(required.iter().cloned());
    Paging {
        items: Items::At("/items".into()),
        next: Next::Cursor { param: "page_token".into(), from: "/next_page".into() },
        has_more: None,
        total: None,
        total_pages: None,
        omit_later: Omit::OptionalBut(keep),
        source: DROPSHOT.into(),
    }
}

#[derive(Deserialize)]
struct SpeakeasyRaw {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    inputs: Vec<SpeakeasyInput>,
    #[serde(default)]
    outputs: IndexMap<String, String>,
}

#[derive(Deserialize)]
struct SpeakeasyInput {
    name: String,
    #[serde(rename = "in")]
    place: String,
    #[serde(rename = "type")]
    kind: String,
}

/// `x-speakeasy-pagination`: `type` `offsetLimit` (an `offset` or `page` input), `cursor` (a `cursor` input
/// and `outputs.nextCursor`, which may name the last item: `$.data[-1].id`) or `url` (`outputs.nextUrl`);
/// `outputs.results` are the items, `outputs.numPages` the number of pages.
fn speakeasy(value: &Value) -> Result<Paging, String> {
    let raw: SpeakeasyRaw = serde_json::from_value(value.clone()).map_err(|err| err.to_string())?;
    let output = |key: &str| raw.outputs.get(key).map(|path| json_path(path)).transpose();
    let input = |kinds: &[&str]| -> Result<Option<(String, String)>, String> {
        match raw.inputs.iter().find(|input| kinds.contains(&input.kind.as_str())) {
            Some(input) if input.place != "parameters" => {
                Err(format!("the `{}` input goes in `{}`; only query parameters are followed", input.name, input.place))
            }
            Some(input) => Ok(Some((input.name.clone(), input.kind.clone()))),
            None => Ok(None),
        }
    };
    let items = match output("results")? {
        Some((pointer, None)) => pointer,
        Some((_, Some(_))) => return Err("`outputs.results` names one item, not the array".into()),
        None => String::new(),
    };
    let total_pages = match output("numPages")? {
        Some((pointer, None)) => Some(pointer),
        Some(_) => return Err("`outputs.numPages` names an item's field".into()),
        None => None,
    };
    let next = match raw.kind.as_str() {
        "offsetLimit" => match input(&["offset", "page"])? {
            Some((param, kind)) if kind == "page" => Next::Page { param, first: None },
            Some((param, _)) => Next::Offset { param },
            None => return Err("an `offsetLimit` pagination without an `offset` or `page` input".into()),
        },
        "cursor" => {
            let Some((param, _)) = input(&["cursor"])? else {
                return Err("a `cursor` pagination without a `cursor` input".into());
            };
            match output("nextCursor")? {
                Some((from, None)) => Next::Cursor { param, from },
                Some((array, Some(field))) if array == items => Next::LastItem { param, field },
                Some(_) => return Err("`outputs.nextCursor` names an item of another array than the results".into()),
                None => return Err("a `cursor` pagination without `outputs.nextCursor`".into()),
            }
        }
        "url" => match output("nextUrl")? {
            Some((from, None)) => Next::Url { from },
            _ => return Err("a `url` pagination without `outputs.nextUrl`".into()),
        },
        other => return Err(format!("pagination type {other:?} is not one of `offsetLimit`, `cursor` and `url`")),
    };
    Ok(Paging {
        items: Items::At(items),
        next,
        has_more: None,
        total: None,
        total_pages,
        omit_later: Omit::None,
        source: SPEAKEASY.into(),
    })
}

#[derive(Deserialize)]
struct FernRaw {
    cursor: Option<String>,
    next_cursor: Option<String>,
    results: Option<String>,
    offset: Option<String>,
    step: Option<String>,
    #[serde(alias = "has-next-page")]
    has_next_page: Option<String>,
    next_uri: Option<String>,
    next_path: Option<String>,
}

/// `x-fern-pagination`: `cursor` + `next_cursor`, `offset` (page numbers, or offsets with `step`), or
/// `next_uri` / `next_path`; `results` are the items, `has-next-page` the end signal. Inputs are written
/// `$request.name`, outputs `$response.path`.
fn fern(value: &Value) -> Result<Paging, String> {
    let raw: FernRaw = serde_json::from_value(value.clone()).map_err(|err| err.to_string())?;
    let request = |path: &str| -> Result<String, String> {
        match path.strip_prefix("$request.") {
            Some(name) if !name.contains('.') => Ok(name.to_owned()),
            _ => Err(format!("{path:?} is not a query parameter (`$request.name`); only those are followed")),
        }
    };
    let response = |path: &str| -> Result<String, String> {
        let rest = path.strip_prefix("$response").ok_or_else(|| format!("{path:?} does not start with `$response`"))?;
        match json_path(&format!("${rest}"))? {
            (pointer, None) => Ok(pointer),
            _ => Err(format!("{path:?} names an item")),
        }
    };
    let items = raw.results.as_deref().map(response).transpose()?.unwrap_or_default();
    let next = if let Some(cursor) = &raw.cursor {
        let from = raw.next_cursor.as_deref().ok_or("a `cursor` without `next_cursor`")?;
        Next::Cursor { param: request(cursor)?, from: response(from)? }
    } else if let Some(offset) = &raw.offset {
        let param = request(offset)?;
        if raw.step.is_some() { Next::Offset { param } } else { Next::Page { param, first: None } }
    } else if let Some(uri) = raw.next_uri.as_deref().or(raw.next_path.as_deref()) {
        Next::Url { from: response(uri)? }
    } else {
        return Err("none of `cursor`, `offset`, `next_uri` and `next_path`".into());
    };
    let has_more = raw.has_next_page.as_deref().map(response).transpose()?;
    Ok(Paging {
        items: Items::At(items),
        next,
        has_more,
        total: None,
        total_pages: None,
        omit_later: Omit::None,
        source: FERN.into(),
    })
}

/// A JSONPath of the simple kind pagination extensions write (`$`, `$.a.b`, `$['a'].b`, `$.a[-1].b`) as a
/// JSON pointer, and, after a `[-1]` (the last item), the pointer within that item.
fn json_path(path: &str) -> Result<(String, Option<String>), String> {
    let mut rest = path.trim().strip_prefix('$').ok_or_else(|| format!("{path:?} is not a JSONPath (`$.a.b`)"))?;
    let mut before = String::new();
    let mut after: Option<String> = None;
    let push = |token: &str, before: &mut String, after: &mut Option<String>| {
        let escaped = token.replace('~', "~0").replace('/', "~1");
        match after {
            Some(after) => after.push_str(&format!("/{escaped}")),
            None => before.push_str(&format!("/{escaped}")),
        }
    };
    while !rest.is_empty() {
        if let Some(tail) = rest.strip_prefix("[-1]") {
            if after.is_some() {
                return Err(format!("{path:?} names the last item twice"));
            }
            after = Some(String::new());
            rest = tail;
        } else if let Some(tail) = rest.strip_prefix("['").or_else(|| rest.strip_prefix("[\"")) {
            let end = tail.find(['\'', '"']).ok_or_else(|| format!("{path:?}: an unclosed `[`"))?;
            push(&tail[..end], &mut before, &mut after);
            rest = tail[end + 1..].strip_prefix(']').ok_or_else(|| format!("{path:?}: an unclosed `[`"))?;
        } else if let Some(tail) = rest.strip_prefix('.') {
            let end = tail.find(['.', '[']).unwrap_or(tail.len());
            if end == 0 {
                return Err(format!("{path:?}: an empty name"));
            }
            push(&tail[..end], &mut before, &mut after);
            rest = &tail[end..];
        } else {
            return Err(format!("{path:?}: only `.name`, `['name']` and `[-1]` are followed"));
        }
    }
    Ok((before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(name: &str, value: Value) -> IndexMap<String, Value> {
        IndexMap::from([(name.to_owned(), value)])
    }

    fn paging(name: &str, value: Value) -> Paging {
        match declared(&on(name, value), &IndexMap::new()) {
            Ok(Some(Declared::Paging(paging))) => paging,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn json_paths_become_pointers_and_the_last_item() {
        assert_eq!(json_path("$").unwrap(), (String::new(), None));
        assert_eq!(json_path("$.data.items").unwrap(), ("/data/items".into(), None));
        assert_eq!(json_path("$['a/b'].c").unwrap(), ("/a~1b/c".into(), None));
        assert_eq!(json_path("$.data[-1].created_at").unwrap(), ("/data".into(), Some("/created_at".into())));
        assert!(json_path("$.data[0]").is_err());
        assert!(json_path("data").is_err());
    }

    #[test]
    fn each_tool_reads_into_one_form() {
        let ours = paging(
            CLIENTGEN,
            serde_json::json!({"items": "/data", "last-item": {"param": "starting_after", "field": "/id"}, "has-more": "/has_more"}),
        );
        assert_eq!(ours.next, Next::LastItem { param: "starting_after".into(), field: "/id".into() });
        assert_eq!(ours.has_more.as_deref(), Some("/has_more"));
        let speakeasy = paging(
            SPEAKEASY,
            serde_json::json!({"type": "cursor", "inputs": [{"name": "since", "in": "parameters", "type": "cursor"}],
                "outputs": {"results": "$.data", "nextCursor": "$.data[-1].created_at"}}),
        );
        assert_eq!(speakeasy.items, Items::At("/data".into()));
        assert_eq!(speakeasy.next, Next::LastItem { param: "since".into(), field: "/created_at".into() });
        let pages = paging(
            SPEAKEASY,
            serde_json::json!({"type": "offsetLimit", "inputs": [{"name": "p", "in": "parameters", "type": "page"}],
                "outputs": {"results": "$.items", "numPages": "$.pages"}}),
        );
        assert_eq!(
            (pages.next, pages.total_pages),
            (Next::Page { param: "p".into(), first: None }, Some("/pages".into()))
        );
        let fern = paging(
            FERN,
            serde_json::json!({"offset": "$request.offset", "step": "$request.limit", "results": "$response.data",
                "has-next-page": "$response.more"}),
        );
        assert_eq!((fern.next, fern.has_more), (Next::Offset { param: "offset".into() }, Some("/more".into())));
        let url = paging(FERN, serde_json::json!({"next_uri": "$response.links.next", "results": "$response.data"}));
        assert_eq!(url.next, Next::Url { from: "/links/next".into() });
        let dropshot = paging(DROPSHOT, serde_json::json!({"required": ["project"]}));
        assert_eq!(dropshot.next, Next::Cursor { param: "page_token".into(), from: "/next_page".into() });
        assert_eq!(dropshot.omit_later, Omit::OptionalBut(vec!["page_token".into(), "limit".into(), "project".into()]));
    }

    #[test]
    fn what_cannot_be_followed_is_reported_and_our_mistakes_are_errors() {
        let body_cursor = serde_json::json!({"type": "cursor", "inputs": [{"name": "c", "in": "requestBody", "type": "cursor"}],
            "outputs": {"nextCursor": "$.next"}});
        assert!(matches!(
            declared(&on(SPEAKEASY, body_cursor), &IndexMap::new()),
            Ok(Some(Declared::Unsupported { extension: SPEAKEASY, .. }))
        ));
        for (value, says) in [
            (serde_json::json!({"items": "/data"}), "exactly one of"),
            (serde_json::json!({"items": "data", "link": "next"}), "JSON pointer"),
            (serde_json::json!({"items": "/d", "link": "next", "pages": "/n"}), "unknown field"),
            (serde_json::json!({"items": "the-array", "link": "next"}), "for rules"),
        ] {
            let err = declared(&on(CLIENTGEN, value), &IndexMap::new()).unwrap_err().to_string();
            assert!(err.contains(says), "{err}");
        }
        let rule = serde_json::json!({"items": "the-array", "link": "next"});
        assert_eq!(rules(&[rule]).unwrap_err().0, 0);
        let rule = serde_json::json!({"match": {"query": ["page"]}, "items": "the-array", "link": "next"});
        let read = rules(&[rule]).unwrap();
        assert_eq!(read[0].when.method, "get");
        assert_eq!(read[0].paging.source, "rule 1");
    }
}
