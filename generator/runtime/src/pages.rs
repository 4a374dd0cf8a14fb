//! Paged operations: a walk from a call's first page to its last, as a `Stream` of typed pages
//! ([`Pages`]) or of their items ([`Items`]).
//!
//! An operation the spec (or a rule of the crate's settings) declares paged gets a small generated
//! [`Paged`] impl: what a page says about the next one ([`PageInfo`]) and how the next request is made
//! ([`Next`]); and, when its page is one array of items, a [`PagedItems`] impl: where they are. Everything else is here, once: the first page's request is the call's own, and
//! each later page is the same request (headers, credentials, per-call timeout and retry policy) with the
//! cursor, page number or offset set, or sent to the URL the page (or its `Link` header) names. Each page goes
//! through the client as any call does: the session renews an expired token in the middle of a walk, and the
//! retry policy applies to every page.
//!
//! A walk ends on an empty page, on the end signal the spec names (`has_more: false`, no cursor, no next
//! URL, the last page by count), or after [`Pages::max_pages`]; a server that gives a cursor or URL it gave
//! before ends it with [`PagingError::Repeated`] rather than an endless loop, and a next URL on another
//! origin than the client's base URL with [`PagingError::ForeignUrl`] (the credentials would go there).

use std::collections::HashSet;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use reqwest::header::HeaderMap;

use crate::call::{Operation, Request};
use crate::{Error, ResponseValue};

/// What the generic walk needs to know of a paged operation; implemented by the generated code.
pub trait Paged: Operation {
    /// How the request for the next page is made.
    const NEXT: Next;
    /// The parameter slots later pages leave out (a cursor stands for them).
    const OMIT_LATER: &'static [u16] = &[];
    /// What the page says about the next one.
    fn page_info(page: &Self::Output) -> PageInfo;
}

/// A paged operation whose page is one array of items (most are): its calls have `.items()` too.
pub trait PagedItems: Paged {
    /// One item of a page.
    type Item;
    /// The page's items, taken out of it.
    fn items(page: Self::Output) -> Vec<Self::Item>;
}

/// How the request for the next page is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Next {
    /// The page's cursor ([`PageInfo::cursor`]) goes into query parameter `slot`, `name` on the wire.
    Cursor {
        /// The parameter's slot.
        slot: u16,
        /// Its wire name.
        name: &'static str,
    },
    /// Query parameter `slot` counts pages: the caller's value (else `first`), plus one per page.
    Page {
        /// The parameter's slot.
        slot: u16,
        /// Its wire name.
        name: &'static str,
        /// The first page's number when the caller sets none.
        first: u64,
    },
    /// Query parameter `slot` is an offset: the caller's value (else 0), plus the items of each page.
    Offset {
        /// The parameter's slot.
        slot: u16,
        /// Its wire name.
        name: &'static str,
    },
    /// The page gives the next page's URL ([`PageInfo::next_url`]), absolute or relative to the base URL.
    Url,
    /// The response's `Link` header gives the next page's URL as the link of relation `rel`.
    Link {
        /// The relation (`next`).
        rel: &'static str,
    },
}

/// What a page says about the next one, read by the generated [`Paged::page_info`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageInfo {
    items: Option<usize>,
    cursor: Option<String>,
    has_more: Option<bool>,
    total: Option<u64>,
    total_pages: Option<u64>,
    next_url: Option<String>,
}

impl PageInfo {
    /// A page of `items` items.
    pub fn new(items: usize) -> Self {
        Self { items: Some(items), ..Self::default() }
    }

    /// A page whose items are not counted (one that is no single array): only the other signals end the
    /// walk.
    pub fn uncounted() -> Self {
        Self::default()
    }

    /// The cursor of the next page (for [`Next::Cursor`]); none or empty ends the walk.
    pub fn cursor(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }

    /// Whether there are more pages; `Some(false)` ends the walk.
    pub fn has_more(mut self, has_more: Option<bool>) -> Self {
        self.has_more = has_more;
        self
    }

    /// The number of items in all pages; the walk ends once it has reached them.
    pub fn total(mut self, total: Option<u64>) -> Self {
        self.total = total;
        self
    }

    /// The number of pages; a page-number walk ends on the last.
    pub fn total_pages(mut self, total_pages: Option<u64>) -> Self {
        self.total_pages = total_pages;
        self
    }

    /// The next page's URL (for [`Next::Url`]); none or empty ends the walk.
    pub fn next_url(mut self, next_url: Option<String>) -> Self {
        self.next_url = next_url;
        self
    }
}

/// The value at JSON `pointer` in `value` as a cursor's text (a string as it is, a number written out): for
/// the generated [`Paged::page_info`] of an item kept as JSON.
pub fn json_text(value: &serde_json::Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Why a walk through pages stopped before its end signal. The pages before were given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PagingError {
    /// The server gave a cursor or next URL it had given before: following it would never end.
    #[error("page {page} gives a cursor or next URL that an earlier page gave; the walk would never end")]
    Repeated {
        /// The page (1-based) that repeated it.
        page: u64,
    },
    /// The next page's URL is on another origin than the client's base URL (the credentials would go there),
    /// or is no URL.
    #[error("page {page} names a next page on another origin than the client's, or no URL; it was not followed")]
    ForeignUrl {
        /// The page (1-based) that named it.
        page: u64,
    },
    /// The request cannot be sent again for a next page (its body is a stream).
    #[error("the request's body cannot be sent again for the next page")]
    NotReplayable,
}

/// The state of a walk: the request for the next page, and what the pages so far said.
struct Walk<'a, O> {
    /// The next page's request; `None` once the walk has ended.
    next: Option<Request<'a>>,
    /// Pages received.
    pages: u64,
    max_pages: Option<u64>,
    /// Items received.
    items: u64,
    /// The page number or offset of the page just asked for (page and offset walks).
    position: Option<u64>,
    /// The cursors and URLs given so far.
    seen: HashSet<String>,
    /// An error to give after the page just given.
    failed: Option<PagingError>,
    operation: PhantomData<fn() -> O>,
}

type Step<'a, O> = Option<Result<ResponseValue<<O as Operation>::Output>, Error<<O as Operation>::Error>>>;

impl<'a, O: Paged> Walk<'a, O> {
    async fn step(mut self) -> (Self, Step<'a, O>) {
        if let Some(err) = self.failed.take() {
            self.next = None;
            return (self, Some(Err(Error::Paging(err))));
        }
        if self.max_pages.is_some_and(|max| self.pages >= max) {
            self.next = None;
        }
        let Some(template) = self.next.take() else { return (self, None) };
        let Some(request) = template.try_clone() else {
            return (self, Some(Err(Error::Paging(PagingError::NotReplayable))));
        };
        self.next = Some(template);
        let page = match request.send::<O>().await {
            Ok(page) => page,
            Err(err) => {
                self.next = None;
                return (self, Some(Err(err)));
            }
        };
        self.pages += 1;
        let info = O::page_info(&page);
        self.items += info.items.unwrap_or_default() as u64;
        if let Err(err) = self.advance(&info, page.headers()) {
            self.failed = Some(err);
        }
        (self, Some(Ok(page)))
    }

    /// Makes the request for the page after the one `info` and `headers` describe, or ends the walk.
    fn advance(&mut self, info: &PageInfo, headers: &HeaderMap) -> Result<(), PagingError> {
        let Some(request) = self.next.as_mut() else { return Ok(()) };
        let page = self.pages;
        let end = info.items == Some(0)
            || info.has_more == Some(false)
            || (info.total.is_some_and(|total| self.items >= total) && !matches!(O::NEXT, Next::Offset { .. }));
        if end {
            self.next = None;
            return Ok(());
        }
        match O::NEXT {
            Next::Cursor { slot, name } => match info.cursor.as_deref().filter(|cursor| !cursor.is_empty()) {
                Some(cursor) => {
                    if !self.seen.insert(cursor.to_owned()) {
                        self.next = None;
                        return Err(PagingError::Repeated { page });
                    }
                    request.set_query_text(slot, name, cursor);
                }
                None => self.next = None,
            },
            Next::Page { slot, name, first } => {
                let current = self
                    .position
                    .or_else(|| request.query_text(slot).and_then(|text| text.parse().ok()))
                    .unwrap_or(first);
                if info.total_pages.is_some_and(|pages| current >= pages) {
                    self.next = None;
                } else {
                    self.position = Some(current + 1);
                    request.set_query_text(slot, name, &(current + 1).to_string());
                }
            }
            Next::Offset { slot, name } => {
                let current =
                    self.position.or_else(|| request.query_text(slot).and_then(|text| text.parse().ok())).unwrap_or(0);
                let next = current + info.items.unwrap_or_default() as u64;
                if info.total.is_some_and(|total| next >= total) {
                    self.next = None;
                } else {
                    self.position = Some(next);
                    request.set_query_text(slot, name, &next.to_string());
                }
            }
            Next::Url => self.follow(info.next_url.as_deref(), page)?,
            Next::Link { rel } => {
                let link = headers
                    .get_all(reqwest::header::LINK)
                    .iter()
                    .filter_map(|value| value.to_str().ok())
                    .find_map(|value| link_target(value, rel));
                self.follow(link, page)?;
            }
        }
        if let Some(request) = self.next.as_mut() {
            for slot in O::OMIT_LATER {
                request.unset(*slot);
            }
        }
        Ok(())
    }

    /// Points the next request at `target` (resolved against the base URL), which must be on the client's
    /// origin and new to this walk; none or empty ends the walk.
    fn follow(&mut self, target: Option<&str>, page: u64) -> Result<(), PagingError> {
        let Some(request) = self.next.as_mut() else { return Ok(()) };
        let Some(target) = target.map(str::trim).filter(|target| !target.is_empty()) else {
            self.next = None;
            return Ok(());
        };
        let base = request.core().url();
        let url = match base.join(target) {
            Ok(url) if url.origin() == base.origin() => url,
            _ => {
                self.next = None;
                return Err(PagingError::ForeignUrl { page });
            }
        };
        if !self.seen.insert(url.as_str().to_owned()) {
            self.next = None;
            return Err(PagingError::Repeated { page });
        }
        request.set_url(url);
        Ok(())
    }
}

/// The target of the first link of relation `rel` in a `Link` header value (RFC 8288:
/// `<https://…?page=2>; rel="next", <…>; rel="last"`).
fn link_target<'v>(value: &'v str, rel: &str) -> Option<&'v str> {
    let mut rest = value;
    loop {
        let start = rest.find('<')?;
        let end = start + rest[start..].find('>')?;
        let target = &rest[start + 1..end];
        let params_end = rest[end..].find('<').map_or(rest.len(), |next| end + next);
        let params = &rest[end + 1..params_end];
        let names_rel = params.split(';').any(|param| {
            let Some((key, value)) = param.split_once('=') else { return false };
            key.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_end_matches(',')
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case(rel))
        });
        if names_rel {
            return Some(target);
        }
        rest = &rest[params_end..];
    }
}

type StepFuture<'a, O> = Pin<Box<dyn Future<Output = (Walk<'a, O>, Step<'a, O>)> + Send + 'a>>;

/// The pages of a paged call, each a typed [`ResponseValue`] (with its status and headers), as a
/// `Stream`; from a generated `Call`'s `pages()`. A failed page ends the stream after giving its error.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<'a, O: Paged> {
    walk: Option<Walk<'a, O>>,
    pending: Option<StepFuture<'a, O>>,
}

impl<'a, O: Paged> Pages<'a, O> {
    /// The walk that starts with `first`, the call's own request.
    pub fn new(first: Request<'a>) -> Self {
        let walk = Walk {
            next: Some(first),
            pages: 0,
            max_pages: None,
            items: 0,
            position: None,
            seen: HashSet::new(),
            failed: None,
            operation: PhantomData,
        };
        Self { walk: Some(walk), pending: None }
    }

    /// Asks for at most `max` pages (the stream ends after them).
    pub fn max_pages(mut self, max: u64) -> Self {
        if let Some(walk) = &mut self.walk {
            walk.max_pages = Some(max);
        }
        self
    }
}

impl<'a, O: PagedItems> Pages<'a, O> {
    /// The items of every page, in order.
    pub fn items(self) -> Items<'a, O> {
        Items { pages: self, current: Vec::new().into_iter() }
    }
}

impl<'a, O> Stream for Pages<'a, O>
where
    O: Paged + 'a,
    O::Output: Send + 'a,
    O::Error: Send + 'a,
{
    type Item = Result<ResponseValue<O::Output>, Error<O::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            let Some(walk) = this.walk.take() else { return Poll::Ready(None) };
            this.pending = Some(Box::pin(walk.step()));
        }
        let Some(pending) = this.pending.as_mut() else { return Poll::Ready(None) };
        match pending.as_mut().poll(cx) {
            Poll::Ready((walk, step)) => {
                this.pending = None;
                if step.is_some() {
                    this.walk = Some(walk);
                }
                Poll::Ready(step)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The items of a paged call, page after page, as a `Stream`; from a generated `Call`'s `items()`. A failed
/// page ends the stream after giving its error.
#[must_use = "streams do nothing unless polled"]
pub struct Items<'a, O: PagedItems> {
    pages: Pages<'a, O>,
    current: std::vec::IntoIter<O::Item>,
}

// Nothing of an `Items` is ever pinned in place: the pages' future is boxed, and items are moved out.
impl<O: PagedItems> Unpin for Items<'_, O> {}

impl<O: PagedItems> Items<'_, O> {
    /// Asks for at most `max` pages (the stream ends after their items).
    pub fn max_pages(mut self, max: u64) -> Self {
        self.pages = self.pages.max_pages(max);
        self
    }
}

impl<'a, O> Stream for Items<'a, O>
where
    O: PagedItems + 'a,
    O::Output: Send + 'a,
    O::Error: Send + 'a,
{
    type Item = Result<O::Item, Error<O::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Ready(Some(Ok(page))) => this.current = O::items(page.into_inner()).into_iter(),
                Poll::Ready(Some(Err(err))) => return Poll::Ready(Some(Err(err))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers_are_read_by_relation() {
        let github = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
        assert_eq!(link_target(github, "next"), Some("https://api.github.com/repositories/1/issues?page=2"));
        assert_eq!(link_target(github, "last"), Some("https://api.github.com/repositories/1/issues?page=5"));
        assert_eq!(link_target(github, "prev"), None);
        // Several relations in one `rel`, unquoted values, other parameters, commas inside the target.
        let mixed = r#"</a?x=1,2>; title="a, b"; rel="prev first", </b>;rel=next"#;
        assert_eq!(link_target(mixed, "first"), Some("/a?x=1,2"));
        assert_eq!(link_target(mixed, "NEXT"), Some("/b"));
        assert_eq!(link_target("no links here", "next"), None);
        assert_eq!(link_target("<unclosed; rel=next", "next"), None);
    }
}
