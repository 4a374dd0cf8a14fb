//! One expectation of a [`MockApi`]: which requests of an operation it matches (the request the
//! operation's own `Client` method builds from typed inputs), what it answers them, and how often it must be
//! met.

use std::convert::Infallible;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use wiremock::{Mock, Request as Incoming, ResponseTemplate};

use super::server::{MockApi, Registered};
use crate::call::{Operation, Request};

/// A generated crate's `Call`: how an [`Expect`] gets at the request an operation's `Client` method builds.
/// Each generated crate implements it for its `Call` (in its `mock` module); nothing else needs to.
pub trait MockCall<'a>: Sized {
    /// The operation called.
    type Operation: Operation;
    /// The request of the call.
    fn into_request(self) -> Request<'a>;
    /// The call of a request.
    fn from_request(request: Request<'a>) -> Self;
}

/// The answer to one request: status, headers, body, and a delay before it is sent.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    content_type: Option<String>,
    body: Vec<u8>,
    delay: Option<Duration>,
}

impl Reply {
    /// `body` as JSON, with `status`.
    pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Self {
        // A value of a generated type always serializes (its map keys are strings).
        let body = serde_json::to_vec(body).unwrap_or_default();
        Self::raw(status, "application/json", body)
    }

    /// `body` as `text/plain`, with `status`.
    pub fn text(status: u16, body: &str) -> Self {
        Self::raw(status, "text/plain; charset=utf-8", body.as_bytes().to_vec())
    }

    /// No body, with `status`.
    pub fn empty(status: u16) -> Self {
        Self { status, headers: Vec::new(), content_type: None, body: Vec::new(), delay: None }
    }

    /// `body` as it is, sent as `content_type`, with `status`.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self { content_type: Some(content_type.to_owned()), body: body.into(), ..Self::empty(status) }
    }

    /// This answer with a header added (`Retry-After`, `Link`, …).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// This answer sent after `delay` (past the client's timeout, a timeout).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// The status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    fn template(&self) -> ResponseTemplate {
        let mut template = ResponseTemplate::new(self.status);
        for (name, value) in &self.headers {
            template = template.append_header(name.as_str(), value.as_str());
        }
        if let Some(content_type) = &self.content_type {
            template = template.set_body_raw(self.body.clone(), content_type);
        }
        if let Some(delay) = self.delay {
            template = template.set_delay(delay);
        }
        template
    }
}

/// How a typed success value of an operation goes on the wire: each generated crate implements it for the
/// operations whose success bodies are values (not streams).
pub trait Replies: Operation {
    /// The answer that decodes as `output`.
    fn reply(output: &Self::Output) -> Reply;
}

/// How a documented error of an operation goes on the wire: each generated crate implements it for its
/// error enums.
pub trait ErrorReply {
    /// The answer that decodes as this error: its documented status (for a range, its first status the
    /// operation documents no other way), and its body.
    fn reply(&self) -> Reply;
}

impl ErrorReply for Infallible {
    fn reply(&self) -> Reply {
        match *self {}
    }
}

/// One step of an expectation's answers.
#[derive(Debug, Clone)]
enum Step {
    Reply(Reply),
    /// The connection closed without an answer.
    Drop,
}

/// What an expectation compares, built once from the operation's request.
#[derive(Debug)]
pub(super) struct Expected {
    method: reqwest::Method,
    path: String,
    /// The spec's path template, when any path matches (`/pets/{id}`).
    template: Option<&'static str>,
    query: Vec<(String, String)>,
    headers: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    body: Option<Vec<u8>>,
    json: bool,
}

impl Expected {
    fn of(request: reqwest::Request, template: &'static str, any_path: bool, any_body: bool) -> Self {
        let content_type = request
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let json = content_type.contains("json");
        let body = request.body().and_then(reqwest::Body::as_bytes).filter(|_| !any_body).map(<[u8]>::to_vec);
        Self {
            method: request.method().clone(),
            path: request.url().path().to_owned(),
            template: any_path.then_some(template),
            query: request.url().query_pairs().map(|(name, value)| (name.into_owned(), value.into_owned())).collect(),
            headers: request.headers().iter().map(|(name, value)| (name.clone(), value.clone())).collect(),
            body,
            json,
        }
    }

    /// Whether `request` is one this expectation matches: the same method and path (or any path of the
    /// template), every query pair and header of the expected request among the request's (a
    /// `Content-Type` by its media type alone), and the same body (JSON compared as values).
    pub(super) fn matches(&self, request: &Incoming) -> bool {
        if request.method.as_str() != self.method.as_str() {
            return false;
        }
        let path_matches = match self.template {
            Some(template) => fits_template(template, request.url.path()),
            None => request.url.path() == self.path,
        };
        if !path_matches {
            return false;
        }
        let mut pairs: Vec<(String, String)> =
            request.url.query_pairs().map(|(name, value)| (name.into_owned(), value.into_owned())).collect();
        for wanted in &self.query {
            match pairs.iter().position(|pair| pair == wanted) {
                Some(at) => {
                    pairs.swap_remove(at);
                }
                None => return false,
            }
        }
        for (name, value) in &self.headers {
            let sent = request.headers.get_all(name.as_str());
            let fits = if *name == reqwest::header::CONTENT_TYPE {
                let essence = |value: &[u8]| {
                    let text = String::from_utf8_lossy(value).to_ascii_lowercase();
                    text.split(';').next().unwrap_or_default().trim().to_owned()
                };
                sent.iter().any(|sent| essence(sent.as_bytes()) == essence(value.as_bytes()))
            } else {
                sent.iter().any(|sent| sent.as_bytes() == value.as_bytes())
            };
            if !fits {
                return false;
            }
        }
        match &self.body {
            None => true,
            Some(body) if self.json => {
                let value = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).ok();
                match (value(body), value(&request.body)) {
                    (Some(expected), Some(sent)) => expected == sent,
                    _ => *body == request.body,
                }
            }
            Some(body) => *body == request.body,
        }
    }

    /// The expected request in one line, its credentials redacted by `report`.
    pub(super) fn describe(&self, redact: &super::report::Redactor) -> String {
        let path = self.template.unwrap_or(&self.path);
        let headers: Vec<(String, Vec<u8>)> =
            self.headers.iter().map(|(name, value)| (name.to_string(), value.as_bytes().to_vec())).collect();
        redact.line(self.method.as_str(), path, &self.query, &headers, self.body.as_deref())
    }
}

/// Whether `path` is one of `template`'s (each `{…}` of it any text but a `/`, and not empty).
fn fits_template(template: &str, path: &str) -> bool {
    let (template, path): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template.iter().zip(&path).all(|(pattern, segment)| {
            let literals: Vec<&str> =
                pattern.split('{').map(|piece| piece.rsplit('}').next().unwrap_or(piece)).collect();
            if literals.len() == 1 {
                return *pattern == *segment;
            }
            let mut rest = *segment;
            for (i, literal) in literals.iter().enumerate() {
                if i == 0 {
                    let Some(after) = rest.strip_prefix(literal) else { return false };
                    rest = after;
                } else if i + 1 == literals.len() {
                    let Some(before) = rest.strip_suffix(literal).filter(|before| !before.is_empty()) else {
                        return false;
                    };
                    rest = before;
                } else {
                    // Some text, then this literal.
                    let Some(at) = rest.get(1..).and_then(|tail| tail.find(literal)) else { return false };
                    rest = &rest[at + 1 + literal.len()..];
                }
            }
            true
        })
}

/// What requests of an operation a [`MockApi`] expects and what it answers them, started by the
/// operation's method on a generated crate's `mock::Server`: the matching request is the one the
/// operation's `Client` method builds from the same typed inputs (optional ones set with [`Expect::with`]).
/// [`Expect::mount`] puts it on the server.
///
/// Answers are given in order: each answers one request and the last one every request after it (`.error(…)
/// .error(…).answer(…)`: two errors, then the value for good). With no answer given, a request is answered
/// 200 with no body. Where several expectations match a request, the one mounted first answers it.
#[must_use = "an expectation does nothing until it is mounted"]
pub struct Expect<'a, C: MockCall<'a>> {
    api: &'a MockApi,
    request: Request<'a>,
    any_path: bool,
    any_body: bool,
    steps: Vec<Step>,
    delay: Option<Duration>,
    times: Option<u64>,
    call: PhantomData<C>,
}

impl<'a, C: MockCall<'a>> Expect<'a, C> {
    /// An expectation of `call`'s request (a call of the `MockApi`'s own client), on `api`.
    pub fn new(api: &'a MockApi, call: C) -> Self {
        Self {
            api,
            request: call.into_request(),
            any_path: false,
            any_body: false,
            steps: Vec::new(),
            delay: None,
            times: None,
            call: PhantomData,
        }
    }

    /// The request with optional inputs set as on the `Client`'s call (`.with(|call| call.limit(10))`): a
    /// matching request carries them too.
    pub fn with(mut self, set: impl FnOnce(C) -> C) -> Self {
        self.request = set(C::from_request(self.request)).into_request();
        self
    }

    /// Matches any path of the operation's template, whatever its path parameters.
    pub fn any_path(mut self) -> Self {
        self.any_path = true;
        self
    }

    /// Matches any body (by default a body given is compared: JSON as values, other bodies byte for byte;
    /// a multipart body is never compared).
    pub fn any_body(mut self) -> Self {
        self.any_body = true;
        self
    }

    /// Answers with `reply` (next in the sequence).
    pub fn reply(mut self, reply: Reply) -> Self {
        let reply = match self.delay.take() {
            Some(delay) => reply.delay(delay),
            None => reply,
        };
        self.steps.push(Step::Reply(reply));
        self
    }

    /// Answers with the typed success value `output`, at the operation's documented success status.
    pub fn answer(self, output: <C::Operation as Operation>::Output) -> Self
    where
        C::Operation: Replies,
    {
        let reply = C::Operation::reply(&output);
        self.reply(reply)
    }

    /// Answers with the documented error `error`, at its status, with its body.
    pub fn error(self, error: <C::Operation as Operation>::Error) -> Self
    where
        <C::Operation as Operation>::Error: ErrorReply,
    {
        let reply = error.reply();
        self.reply(reply)
    }

    /// Answers with `status` and `body` as it is (sent as `content_type`): what the spec does not document.
    pub fn status(self, status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.reply(Reply::raw(status, content_type, body))
    }

    /// Closes the connection without an answer (next in the sequence).
    pub fn drop_connection(mut self) -> Self {
        self.steps.push(Step::Drop);
        self
    }

    /// Sends the answer given next after `delay` (past the client's timeout: a timeout).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Expects exactly `n` matching requests: [`MockApi::verify`] (and dropping the server) fails otherwise.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Puts the expectation on the server; from now on it answers the requests it matches.
    pub async fn mount(self) -> Mounted {
        let (method, template) = <C::Operation as Operation>::TEMPLATE;
        let id = <C::Operation as Operation>::ID;
        let expected = match self.request.expected(template) {
            Ok(request) => Arc::new(Expected::of(request, template, self.any_path, self.any_body)),
            // The inputs cannot make a request (a path parameter the URL would drop): no request matches.
            Err(err) => panic!("the expectation of `{id}` ({method} {template}) is no request: {err}"),
        };
        let calls = Arc::new(AtomicU64::new(0));
        let mut steps = self.steps;
        if steps.is_empty() {
            steps.push(Step::Reply(Reply::empty(200)));
        }
        let last = steps.len() - 1;
        for (i, step) in steps.into_iter().enumerate() {
            let (matcher, counter) = (expected.clone(), calls.clone());
            let mock = Mock::given(move |request: &Incoming| matcher.matches(request));
            let counter_drop = counter.clone();
            let mock = match step {
                Step::Reply(reply) => mock.respond_with(move |_: &Incoming| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    reply.template()
                }),
                Step::Drop => mock.respond_with_err(move |_: &Incoming| {
                    counter_drop.fetch_add(1, Ordering::SeqCst);
                    std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "the mock dropped the connection")
                }),
            };
            let mock = if i < last { mock.up_to_n_times(1) } else { mock };
            self.api.mount(mock.with_priority(super::server::EXPECTATIONS)).await;
        }
        let what = format!("`{id}` ({method} {template}): {}", expected.describe(self.api.redactor()));
        self.api.register(Registered { what, times: self.times, calls: calls.clone() });
        Mounted { calls }
    }
}

/// A mounted expectation: how many requests it answered so far.
#[derive(Debug, Clone)]
pub struct Mounted {
    calls: Arc<AtomicU64>,
}

impl Mounted {
    /// The requests it answered (or dropped) so far.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::fits_template;

    #[test]
    fn any_path_of_a_template_fits_it_and_no_other() {
        assert!(fits_template("/pets/{id}", "/pets/42"));
        assert!(!fits_template("/pets/{id}", "/pets/"));
        assert!(!fits_template("/pets/{id}", "/pets/42/toys"));
        assert!(!fits_template("/pets/{id}", "/owners/42"));
        assert!(fits_template("/files/{name}.{ext}", "/files/a.b.json"));
        assert!(!fits_template("/files/{name}.json", "/files/.json"));
        assert!(fits_template("/v1/{a}-{b}/x", "/v1/p-q/x"));
        assert!(!fits_template("/v1/{a}-{b}/x", "/v1/pq/x"));
    }
}
