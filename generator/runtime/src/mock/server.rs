//! The server behind a generated crate's `mock::Server`: a `wiremock` server on loopback (its own, or a
//! [`FakeTokens`]'), the expectations mounted on it, and their verification.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::json;
use wiremock::{Mock, MockServer, Request as Incoming, ResponseTemplate};

use super::report::Redactor;
use super::tokens::FakeTokens;

/// The priority of expectations: after a fake token server's own answers (so expectations only see valid
/// tokens), before the answer to a request nothing matched.
pub(super) const EXPECTATIONS: u8 = 5;

/// Where an API's credentials go, from its spec, so that a report redacts them: the names of its credential
/// headers and query parameters, and of the body properties its spec says are secrets.
#[derive(Debug)]
pub struct Secrets {
    /// Header names (any case).
    pub headers: &'static [&'static str],
    /// Query parameter names.
    pub query: &'static [&'static str],
    /// Body property names, at any depth.
    pub fields: &'static [&'static str],
}

/// An expectation as verification sees it.
pub(super) struct Registered {
    /// The operation and the request it expects, redacted.
    pub(super) what: String,
    pub(super) times: Option<u64>,
    pub(super) calls: Arc<AtomicU64>,
}

/// The server the expectations are mounted on.
enum Backing {
    Own(MockServer),
    Tokens(FakeTokens),
}

/// A mock of an API on loopback: see the [module](super) docs. Generated crates wrap it in their
/// `mock::Server`, whose methods start the typed expectations.
pub struct MockApi {
    backing: Backing,
    redactor: Redactor,
    expectations: Mutex<Vec<Registered>>,
    /// Every request that came, in order, and whether an expectation or the token fake answered it.
    log: Arc<Mutex<Vec<(Incoming, bool)>>>,
}

impl MockApi {
    /// A mock on a server of its own.
    pub async fn start(secrets: &'static Secrets) -> Self {
        let server = MockServer::builder().disable_request_recording().start().await;
        Self::on(Backing::Own(server), secrets).await
    }

    /// A mock behind the fake token server `tokens`: requests with tokens it did not issue, or expired
    /// ones, never reach the expectations.
    pub async fn with_tokens(tokens: FakeTokens, secrets: &'static Secrets) -> Self {
        Self::on(Backing::Tokens(tokens), secrets).await
    }

    async fn on(backing: Backing, secrets: &'static Secrets) -> Self {
        let api = Self {
            backing,
            redactor: Redactor { secrets },
            expectations: Mutex::new(Vec::new()),
            log: Arc::new(Mutex::new(Vec::new())),
        };
        // First of all: every request is logged (the matcher never matches).
        let log = api.log.clone();
        api.mount(
            Mock::given(move |request: &Incoming| {
                log.lock().unwrap_or_else(PoisonError::into_inner).push((request.clone(), true));
                false
            })
            .respond_with(ResponseTemplate::new(500))
            .with_priority(1),
        )
        .await;
        // Last of all: a request nothing matched is marked so, and answered 404.
        let log = api.log.clone();
        api.mount(
            Mock::given(move |_: &Incoming| true)
                .respond_with(move |request: &Incoming| {
                    let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
                    if let Some(entry) = log.iter_mut().rev().find(|(logged, _)| same(logged, request)) {
                        entry.1 = false;
                    }
                    ResponseTemplate::new(404)
                        .set_body_json(json!({"error": "no expectation of the mock server matches this request"}))
                })
                .with_priority(u8::MAX),
        )
        .await;
        api
    }

    fn server(&self) -> &MockServer {
        match &self.backing {
            Backing::Own(server) => server,
            Backing::Tokens(tokens) => tokens.server(),
        }
    }

    pub(super) async fn mount(&self, mock: Mock) {
        self.server().register(mock).await;
    }

    pub(super) fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    pub(super) fn register(&self, expectation: Registered) {
        self.expectations.lock().unwrap_or_else(PoisonError::into_inner).push(expectation);
    }

    /// The server's base URL: the client's base URL in a test.
    pub fn uri(&self) -> String {
        self.server().uri()
    }

    /// The `wiremock` server, to mount mocks of one's own (of what the spec does not describe).
    pub fn wiremock(&self) -> &MockServer {
        self.server()
    }

    /// The fake token server this mock stands behind, if any (its counts of logins and refreshes).
    pub fn tokens(&self) -> Option<&FakeTokens> {
        match &self.backing {
            Backing::Own(_) => None,
            Backing::Tokens(tokens) => Some(tokens),
        }
    }

    /// The requests that came so far, in order, one line each with every credential `[REDACTED]`.
    pub fn received(&self) -> Vec<String> {
        let log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        log.iter().map(|(request, _)| self.redactor.incoming(request)).collect()
    }

    /// What is wrong: expectations met another number of times than they expect, and requests no
    /// expectation matched, with the requests that came.
    fn problems(&self) -> Option<String> {
        let mut problems = Vec::new();
        for expectation in self.expectations.lock().unwrap_or_else(PoisonError::into_inner).iter() {
            let calls = expectation.calls.load(Ordering::SeqCst);
            if let Some(times) = expectation.times.filter(|&times| times != calls) {
                let plural = |n: u64| if n == 1 { "" } else { "s" };
                problems.push(format!(
                    "expected {times} request{} of {}, got {calls}",
                    plural(times),
                    expectation.what
                ));
            }
        }
        let log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        for (request, _) in log.iter().filter(|(_, matched)| !matched) {
            problems.push(format!("no expectation matches the request {}", self.redactor.incoming(request)));
        }
        if problems.is_empty() {
            return None;
        }
        let came: Vec<String> =
            log.iter().map(|(request, _)| format!("  - {}", self.redactor.incoming(request))).collect();
        Some(format!(
            "mock server {}:{}\n\nthe requests that came ({}):\n{}",
            self.uri(),
            problems.iter().map(|problem| format!("\n  - {problem}")).collect::<String>(),
            came.len(),
            came.join("\n")
        ))
    }

    /// Panics, with a report, if an expectation was met another number of times than its `times` says, or
    /// a request came that no expectation matches. Dropping the server verifies too (unless the thread is
    /// already panicking).
    pub fn verify(&self) {
        if let Some(report) = self.problems() {
            panic!("{report}");
        }
    }
}

/// Whether two requests are the same request.
fn same(a: &Incoming, b: &Incoming) -> bool {
    a.url == b.url && a.method == b.method && a.headers == b.headers && a.body == b.body
}

impl Drop for MockApi {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        if let Some(report) = self.problems() {
            panic!("{report}");
        }
    }
}

impl std::fmt::Debug for MockApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockApi").field("uri", &self.uri()).finish_non_exhaustive()
    }
}
