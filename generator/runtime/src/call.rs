//! One call to a generated operation, from the `Client` method that starts it to the awaited result.
//!
//! A generated method encodes the operation's required inputs into a [`Request`] at once; the generated
//! `Call` wrapper lets the caller add optional parameters (each into its own slot, so that the wire order is
//! the spec's whatever order they are set in) and per-call options (timeout, headers, query parameters, an
//! idempotency key); awaiting it sends the request through [`Request::send`]. Everything here is written
//! once: an operation contributes only a `decode` function (its status table), so the sending code is
//! compiled once for all operations, not once per operation.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use serde::Serialize;
use tracing::Instrument;

use crate::params::{self, Style};
use crate::response::{RawResponse, ResponseValue};
use crate::retry::RetryPolicy;
use crate::{ClientCore, Error, Security};

/// The header an idempotency key goes in when the spec declares none for the operation.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// What an operation's marker type tells the generic call machinery: the types it answers with and how a
/// response is decoded into them (the operation's table of documented statuses).
pub trait Operation {
    /// The decoded success body.
    type Output;
    /// The enum of documented error responses.
    type Error;
    /// The operation's `operationId` (its method name when the spec gives none), for traces.
    const ID: &'static str;
    /// The HTTP method and the path template as the spec writes it (`/pets/{id}`), for traces: never the
    /// filled path, which may hold identifiers or secrets.
    const TEMPLATE: (&'static str, &'static str);
    /// Decodes a read response by its status.
    fn decode(response: RawResponse) -> Result<ResponseValue<Self::Output>, Error<Self::Error>>;
}

/// A parameter's encoded value, waiting in its slot until the request is sent.
#[derive(Debug, Clone)]
enum Encoded {
    Query(Vec<(String, String)>),
    Header(&'static str, String),
    Cookie(Vec<String>),
}

/// The request of one call: method, encoded path and body, the encoded parameters by slot, and the
/// caller's per-call options.
pub struct Request<'a> {
    core: &'a ClientCore,
    method: reqwest::Method,
    path: String,
    /// The method, URL and body; everything else is added when the request is built.
    builder: reqwest::RequestBuilder,
    security: Security,
    sensitive: bool,
    /// `(slot, value)`: a slot is the parameter's place in the operation's parameter list.
    params: Vec<(u16, Encoded)>,
    accept: Option<&'static str>,
    timeout: Option<Duration>,
    extra_headers: Vec<(String, String)>,
    extra_query: Vec<(String, String)>,
    idempotency_header: &'static str,
    idempotency_key: Option<String>,
    retry: Option<RetryPolicy>,
    streams: Option<fn(u16) -> bool>,
    /// The URL was given whole (a next page's, from the server), so the path is not the template's.
    whole_url: bool,
}

impl<'a> Request<'a> {
    /// A request for `method` on `path` (already encoded, starting with `/`) under the client's base URL,
    /// sent with the credentials `security` asks for. `sensitive` says the exchange may carry credentials
    /// outside the headers marked sensitive (in a parameter, the body or the response), so errors do not
    /// quote its response body and request middleware does not see it (see [`crate::transport`]).
    pub fn new(core: &'a ClientCore, method: reqwest::Method, path: &str, security: Security, sensitive: bool) -> Self {
        Self {
            builder: core.request(method.clone(), path),
            method,
            path: path.to_owned(),
            core,
            security,
            sensitive,
            params: Vec::new(),
            accept: None,
            timeout: None,
            extra_headers: Vec::new(),
            extra_query: Vec::new(),
            idempotency_header: IDEMPOTENCY_KEY,
            idempotency_key: None,
            retry: None,
            streams: None,
            whole_url: false,
        }
    }

    /// The same request again, for another page; `None` when its body cannot be sent twice (a stream).
    pub(crate) fn try_clone(&self) -> Option<Self> {
        Some(Self {
            core: self.core,
            method: self.method.clone(),
            path: self.path.clone(),
            builder: self.builder.try_clone()?,
            security: self.security,
            sensitive: self.sensitive,
            params: self.params.clone(),
            accept: self.accept,
            timeout: self.timeout,
            extra_headers: self.extra_headers.clone(),
            extra_query: self.extra_query.clone(),
            idempotency_header: self.idempotency_header,
            idempotency_key: self.idempotency_key.clone(),
            retry: self.retry,
            streams: self.streams,
            whole_url: self.whole_url,
        })
    }

    /// The client this request goes through.
    pub(crate) fn core(&self) -> &'a ClientCore {
        self.core
    }

    /// The text of query parameter `slot`, when it is set to one scalar value.
    pub(crate) fn query_text(&self, slot: u16) -> Option<&str> {
        match self.params.iter().find(|(s, _)| *s == slot) {
            Some((_, Encoded::Query(pairs))) if pairs.len() == 1 => Some(pairs[0].1.as_str()),
            _ => None,
        }
    }

    /// Sets query parameter `slot` (`name` on the wire) to the scalar `text`.
    pub(crate) fn set_query_text(&mut self, slot: u16, name: &str, text: &str) {
        self.set(slot, Encoded::Query(vec![(name.to_owned(), text.to_owned())]));
    }

    /// Leaves parameter `slot` out.
    pub(crate) fn unset(&mut self, slot: u16) {
        self.params.retain(|(s, _)| *s != slot);
    }

    /// Sends this request to `url` instead (a next page's URL, which carries its own query): the
    /// operation's query parameters and the caller's extra ones are left out, and so is the body; headers,
    /// cookies, credentials and per-call options stay.
    pub(crate) fn set_url(&mut self, url: reqwest::Url) {
        self.builder = self.core.http().request(self.method.clone(), url);
        self.params.retain(|(_, value)| !matches!(value, Encoded::Query(_)));
        self.extra_query.clear();
        self.whole_url = true;
    }

    /// The statuses whose bodies the operation streams (binary success bodies): their responses are handed
    /// to `decode` unread, for [`RawResponse::stream`].
    pub fn streams(mut self, statuses: fn(u16) -> bool) -> Self {
        self.streams = Some(statuses);
        self
    }

    /// The `Accept` header, from the media types of the operation's success responses.
    pub fn accept(mut self, media_type: &'static str) -> Self {
        self.accept = Some(media_type);
        self
    }

    /// The header the operation's spec declares for idempotency keys (else `Idempotency-Key`).
    pub fn idempotency_header(mut self, name: &'static str) -> Self {
        self.idempotency_header = name;
        self
    }

    fn set(&mut self, slot: u16, value: Encoded) {
        match self.params.iter_mut().find(|(s, _)| *s == slot) {
            Some(entry) => entry.1 = value,
            None => self.params.push((slot, value)),
        }
    }

    /// Sets query parameter `slot` (named `name` on the wire) to `value`, written by `style`.
    pub fn query<T: Serialize + ?Sized>(&mut self, slot: u16, name: &str, value: &T, style: Style, explode: bool) {
        self.set(slot, Encoded::Query(params::query(name, value, style, explode)));
    }

    /// Sets header parameter `slot` to its text.
    pub fn header(&mut self, slot: u16, name: &'static str, text: String) {
        self.set(slot, Encoded::Header(name, text));
    }

    /// Sets cookie parameter `slot` to a plain value (percent-encoded here).
    pub fn cookie(&mut self, slot: u16, name: &str, text: &str) {
        self.set(slot, Encoded::Cookie(vec![format!("{name}={}", crate::encode_path(text))]));
    }

    /// Sets cookie parameter `slot` to an array or object value, written as `form` cookies.
    pub fn cookie_value<T: Serialize + ?Sized>(&mut self, slot: u16, name: &str, value: &T, explode: bool) {
        self.set(slot, Encoded::Cookie(params::cookie(name, value, explode)));
    }

    /// A JSON body, sent as `content_type` (`application/json` or a `+json` type).
    pub fn json<T: Serialize + ?Sized>(self, body: &T, content_type: &'static str) -> Self {
        self.with_body(|builder| builder.header(reqwest::header::CONTENT_TYPE, content_type).json(body))
    }

    /// An `application/x-www-form-urlencoded` body, each property written by its `encoding` style.
    pub fn form<T: Serialize + ?Sized>(self, body: &T, encodings: &[(&str, Style, bool)], json: &[&str]) -> Self {
        let text = params::form(body, encodings, json);
        self.with_body(|builder| {
            builder.header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(text)
        })
    }

    /// A body the underlying `reqwest` request sets itself, such as `multipart/form-data` (which needs a
    /// `reqwest` feature that only crates with multipart operations enable).
    pub fn map(self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        self.with_body(f)
    }

    /// A text or binary body sent as `content_type`.
    pub fn raw(self, body: impl Into<reqwest::Body>, content_type: &'static str) -> Self {
        let body = body.into();
        self.with_body(|builder| builder.header(reqwest::header::CONTENT_TYPE, content_type).body(body))
    }

    /// Sets the body (and its content type) on a fresh request, so that a body set again replaces the first
    /// one and its headers.
    fn with_body(mut self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        self.builder = f(self.core.request(self.method.clone(), &self.path));
        self
    }

    /// A timeout for this call alone (each attempt of it), instead of the HTTP client's.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// A header sent beside those the operation sets. It never replaces the credential the session places;
    /// a header that may carry a credential is marked sensitive.
    pub fn add_header(&mut self, name: &str, value: &str) {
        self.extra_headers.push((name.to_owned(), value.to_owned()));
    }

    /// A query parameter sent after those the operation sets.
    pub fn add_query(&mut self, name: &str, value: &str) {
        self.extra_query.push((name.to_owned(), value.to_owned()));
    }

    /// An idempotency key, sent in the operation's idempotency header; it stays the same on every resend
    /// of this call.
    pub fn set_idempotency_key(&mut self, key: &str) {
        self.idempotency_key = Some(key.to_owned());
    }

    /// A retry policy for this call alone, instead of the client's.
    pub fn set_retry(&mut self, policy: RetryPolicy) {
        self.retry = Some(policy);
    }

    /// Sends the request of operation `O` (in a `tracing` span of its own) and decodes the answer with
    /// `O::decode`.
    pub fn send<O: Operation>(self) -> Pending<'a, O::Output, O::Error> {
        let (method, template) = O::TEMPLATE;
        // OpenTelemetry's HTTP client conventions; the status, resend count and error type are recorded when
        // known. `url.template` is the spec's template: the filled path may hold identifiers or secrets.
        let span = tracing::info_span!(
            "http.client",
            otel.name = format_args!("{method} {template}"),
            otel.kind = "client",
            operation_id = O::ID,
            http.request.method = method,
            url.template = template,
            server.address = self.core.url().host_str().unwrap_or_default(),
            http.response.status_code = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            error.type = tracing::field::Empty,
        );
        Pending { response: Box::pin(self.execute(template).instrument(span)), decode: O::decode }
    }

    /// The request as it goes out; `template` is the spec's path template, which the filled path is
    /// checked against ([`path_problem`]).
    fn build(self, template: &str) -> Result<(reqwest::Request, &'a ClientCore, Security, bool), Error<Infallible>> {
        if let Some(problem) = path_problem(template, &self.path).filter(|_| !self.whole_url) {
            return Err(Error::Input(problem));
        }
        let Self { core, mut builder, security, sensitive, mut params, accept, timeout, .. } = self;
        params.sort_by_key(|(slot, _)| *slot);
        if let Some(key) = &self.idempotency_key {
            // The caller's key replaces a value given for the spec's own idempotency header parameter.
            let header = self.idempotency_header;
            params.retain(|(_, value)| !matches!(value, Encoded::Header(name, _) if name.eq_ignore_ascii_case(header)));
            builder = builder.header(header, key.as_str());
        }
        let mut cookies = Vec::new();
        for (_, value) in params {
            match value {
                Encoded::Query(pairs) => builder = builder.query(&pairs),
                Encoded::Header(name, text) => builder = builder.header(name, text),
                Encoded::Cookie(entries) => cookies.extend(entries),
            }
        }
        if !cookies.is_empty() {
            builder = builder.header(reqwest::header::COOKIE, cookies.join("; "));
        }
        if let Some(accept) = accept {
            builder = builder.header(reqwest::header::ACCEPT, accept);
        }
        if !self.extra_query.is_empty() {
            builder = builder.query(&self.extra_query);
        }
        for (name, value) in &self.extra_headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        let mut request = builder.build().map_err(Error::Transport)?;
        core.mark_sensitive(request.headers_mut());
        Ok((request, core, security, sensitive))
    }

    /// The request as it would go out (without the session's credentials), for a test double to compare
    /// requests with.
    #[cfg(feature = "mock")]
    pub(crate) fn expected(self, template: &str) -> Result<reqwest::Request, Error<Infallible>> {
        self.build(template).map(|(request, ..)| request)
    }

    async fn execute(self, template: &str) -> Result<RawResponse, Error<Infallible>> {
        let policy = self.retry.unwrap_or_else(|| self.core.retry_policy());
        let keyed = self.idempotency_key.is_some();
        let streams = self.streams;
        let (request, core, security, sensitive) = self.build(template).inspect_err(|_| {
            tracing::Span::current().record("error.type", "request");
        })?;
        core.execute(request, security, sensitive, policy, keyed, streams).await
    }
}

/// Why the filled `path` cannot be sent for `template`, if it cannot: a segment that is a path parameter
/// alone (`/{id}/`) became empty, `.` or `..` (also percent-encoded, which URL parsers decode first), which
/// URL normalization removes, so that the request would go to another resource. The message names the
/// parameter, never its value (a path may hold an identifier or a secret).
fn path_problem(template: &str, path: &str) -> Option<String> {
    let dot = |segment: &str| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    };
    let template_segments: Vec<&str> = template.split('/').collect();
    let path_segments: Vec<&str> = path.split('?').next().unwrap_or(path).split('/').collect();
    if template_segments.len() != path_segments.len() {
        return None;
    }
    template_segments.iter().zip(&path_segments).find_map(|(pattern, filled)| {
        let whole = pattern.starts_with('{') && pattern.ends_with('}') && pattern.matches('{').count() == 1;
        let what = if filled.is_empty() { "empty" } else { "`.` or `..`" };
        (whole && (filled.is_empty() || dot(filled))).then(|| {
            format!(
                "the path parameter {pattern} of `{template}` is {what}, which the URL would drop; nothing was sent"
            )
        })
    })
}

/// Declares a generated crate's `Call` type: what every operation's `Client` method returns. Each generated
/// crate invokes it once (`clientgen_runtime::call_type!();` at its root): the type must be the crate's own so
/// that each operation's setters of optional inputs can be inherent methods of `Call<'_, operations::…>`,
/// while its per-call options and its sending are the same everywhere and written here once.
#[macro_export]
macro_rules! call_type {
    () => {
        /// A call to one operation, returned by its `Client` method with the operation's required inputs set.
        /// Optional inputs are set by name (the operation's docs list them) and per-call options with the
        /// `with_…` methods; awaiting the call sends it and gives the operation's typed result.
        #[must_use = "a call is sent only when it is awaited"]
        pub struct Call<'a, O> {
            request: $crate::Request<'a>,
            operation: ::std::marker::PhantomData<O>,
        }

        impl<'a, O> Call<'a, O> {
            fn new(request: $crate::Request<'a>) -> Self {
                Self { request, operation: ::std::marker::PhantomData }
            }

            /// A timeout for this call (each attempt of it), instead of the client's.
            pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.request.set_timeout(timeout);
                self
            }

            /// A header sent with this call beside those the operation sets. It never replaces the credential
            /// the client's session sends, and a header that may carry a credential (`Authorization`, `Cookie`,
            /// or a header a security scheme of the API uses) is marked sensitive.
            pub fn with_header(mut self, name: &str, value: &str) -> Self {
                self.request.add_header(name, value);
                self
            }

            /// A query parameter sent with this call after those the operation sets.
            pub fn with_query(mut self, name: &str, value: &str) -> Self {
                self.request.add_query(name, value);
                self
            }

            /// A retry policy for this call, instead of the client's.
            pub fn with_retry(mut self, policy: $crate::RetryPolicy) -> Self {
                self.request.set_retry(policy);
                self
            }

            /// An idempotency key for this call, sent in the operation's idempotency header (the one its spec
            /// declares, else `Idempotency-Key`); every resend of the call carries the same key.
            pub fn with_idempotency_key(mut self, key: &str) -> Self {
                self.request.set_idempotency_key(key);
                self
            }
        }

        impl<'a, O: $crate::Paged> Call<'a, O> {
            /// The pages of this call, as a `Stream` of typed pages (each with its status and headers): the
            /// first is this call's request, each later one the same request for the next page, until the
            /// last page. Each page goes through the session and the retry policy as any call does.
            pub fn pages(self) -> $crate::Pages<'a, O> {
                $crate::Pages::new(self.request)
            }
        }

        impl<'a, O: $crate::pages::PagedItems> Call<'a, O> {
            /// The items of every page of this call, in order, as a `Stream` (see [`pages`](Self::pages)).
            pub fn items(self) -> $crate::pages::Items<'a, O> {
                self.pages().items()
            }
        }

        impl<'a, O: $crate::Operation> ::std::future::IntoFuture for Call<'a, O> {
            type Output = ::std::result::Result<$crate::ResponseValue<O::Output>, $crate::Error<O::Error>>;
            type IntoFuture = $crate::Pending<'a, O::Output, O::Error>;

            fn into_future(self) -> Self::IntoFuture {
                self.request.send::<O>()
            }
        }
    };
}

/// A call on its way: resolves to the operation's typed result. Returned by awaiting a generated `Call`.
#[must_use = "futures do nothing unless polled"]
pub struct Pending<'a, T, E> {
    response: Pin<Box<dyn Future<Output = Result<RawResponse, Error<Infallible>>> + Send + 'a>>,
    decode: fn(RawResponse) -> Result<ResponseValue<T>, Error<E>>,
}

impl<T, E> Future for Pending<'_, T, E> {
    type Output = Result<ResponseValue<T>, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.response.as_mut().poll(cx).map(|read| match read {
            Ok(response) => (self.decode)(response),
            Err(err) => Err(err.widen()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn core() -> ClientCore {
        ClientCore::new("http://127.0.0.1:1/api", reqwest::Client::new())
            .unwrap()
            .with_credential_headers(&["x-api-key"])
    }

    #[test]
    fn a_path_parameter_that_the_url_would_drop_is_refused() {
        let template = "/apps/{app}/stats/{kind}.json";
        assert_eq!(path_problem(template, "/apps/a%2Fb/stats/x.json"), None);
        assert_eq!(path_problem(template, "/apps/.a/stats/..json"), None, "dots within a segment are text");
        for (path, what) in [
            ("/apps/./stats/x.json", "`.` or `..`"),
            ("/apps/../stats/x.json", "`.` or `..`"),
            ("/apps/%2E%2e/stats/x.json", "`.` or `..`"),
            ("/apps/.%2E/stats/x.json", "`.` or `..`"),
            ("/apps//stats/x.json", "empty"),
        ] {
            let problem = path_problem(template, path).unwrap_or_else(|| panic!("{path} passed"));
            assert_eq!(
                problem,
                format!(
                    "the path parameter {{app}} of `{template}` is {what}, which the URL would drop; nothing was sent"
                )
            );
        }
        // A literal `.` of the template itself is the spec's, and a segment of text and a parameter is never empty.
        assert_eq!(path_problem("/a/./{b}", "/a/./x"), None);
        assert_eq!(path_problem(template, "/apps/a/stats/.json"), None);
        let core = core();
        let request = Request::new(&core, reqwest::Method::GET, "/apps/../stats/x.json", Security::None, false);
        assert!(matches!(request.build(template), Err(Error::Input(_))));
    }

    #[test]
    fn caller_headers_that_may_carry_credentials_are_sensitive() {
        let core = core();
        let mut request = Request::new(&core, reqwest::Method::GET, "/things", Security::None, false);
        for (name, value) in [("Authorization", "Bearer t"), ("X-Api-Key", "k"), ("Cookie", "c=1"), ("X-Trace", "t")] {
            request.add_header(name, value);
        }
        let (request, ..) = request.build("/").unwrap();
        let sensitive: Vec<(&str, bool)> =
            request.headers().iter().map(|(name, value)| (name.as_str(), value.is_sensitive())).collect();
        assert_eq!(sensitive, [("authorization", true), ("x-api-key", true), ("cookie", true), ("x-trace", false)]);
    }

    #[test]
    fn parameters_go_out_in_slot_order_and_a_slot_set_twice_keeps_the_last_value() {
        let core = core();
        let mut request = Request::new(&core, reqwest::Method::GET, "/things", Security::None, false);
        request.query(2, "b", "2", Style::Form, true);
        request.query(0, "a", "1", Style::Form, true);
        request.cookie(3, "c", "x y");
        request.cookie(1, "d", "z");
        request.query(2, "b", "3", Style::Form, true);
        request.add_query("extra", "e");
        let (request, ..) = request.build("/").unwrap();
        assert_eq!(request.url().as_str(), "http://127.0.0.1:1/api/things?a=1&b=3&extra=e");
        assert_eq!(request.headers()["cookie"], "d=z; c=x%20y");
    }

    #[test]
    fn a_body_set_again_replaces_the_first_and_its_content_type() {
        let core = core();
        let request = Request::new(&core, reqwest::Method::POST, "/things", Security::None, false)
            .json(&serde_json::json!({"a": 1}), "application/merge-patch+json")
            .json(&serde_json::json!({"b": 2}), "application/json");
        let (request, ..) = request.build("/").unwrap();
        let types: Vec<_> = request.headers().get_all("content-type").iter().collect();
        assert_eq!(types, ["application/json"]);
        assert_eq!(request.body().and_then(reqwest::Body::as_bytes), Some(&br#"{"b":2}"#[..]));
    }

    #[test]
    fn an_idempotency_key_replaces_the_spec_parameter_of_its_header() {
        let core = core();
        let mut request = Request::new(&core, reqwest::Method::POST, "/things", Security::None, false)
            .idempotency_header("X-Idempotency-Key");
        request.header(0, "X-Idempotency-Key", "from-parameter".to_owned());
        request.set_idempotency_key("from-option");
        let (request, ..) = request.build("/").unwrap();
        let values: Vec<_> = request.headers().get_all("x-idempotency-key").iter().collect();
        assert_eq!(values, ["from-option"]);
    }
}
