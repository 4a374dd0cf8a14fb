//! The fake token server: [`FakeTokens`].

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::auth::{AuthSpec, EndpointSpec, LifetimeSpec, Placement, ValueSource};

/// What the fake issued and refused, and the tokens it knows.
#[derive(Default)]
struct State {
    /// Access tokens issued, with their expiry (unix milliseconds; `None`: no lifetime).
    access: HashMap<String, Option<u64>>,
    /// Refresh tokens that may still be used once, with their expiry (unix milliseconds).
    refresh: HashMap<String, Option<u64>>,
    /// Refresh tokens used or refused, so a reuse is told apart.
    spent: HashSet<String>,
    /// Bodies of single-use exchanges already made.
    exchanged: HashSet<Vec<u8>>,
}

/// Counters of a [`FakeTokens`].
#[derive(Default)]
struct Counters {
    logins: AtomicU64,
    refreshes: AtomicU64,
    refused: AtomicU64,
}

/// A fake of the token server of one security scheme, on loopback, built on `wiremock`.
///
/// From a scheme's [`AuthSpec`] (what the generated crate reads from the spec's `x-clientgen-token`) the fake
/// answers the exchange and refresh operations at their paths with tokens of a lifetime the test sets, in the
/// shape the spec reads them (a JWT with `exp` and `iat`, or an opaque token with `expires_in` or an
/// `expires_at` deadline at the spec's pointers), rotates refresh tokens and refuses a reused or unknown one,
/// honours single-use exchanges (the same exchange request twice is refused), and refuses, with 401, any other
/// request that carries an access token it did not issue or that has expired, so that the test's own mocks of
/// the API's resources only ever see valid tokens. It counts what it did, so a test asserts exact numbers:
/// logins, refreshes, refusals.
pub struct FakeTokens {
    server: MockServer,
    state: Arc<Mutex<State>>,
    counters: Arc<Counters>,
}

/// What a token operation answers: its success status, and a body its generated type decodes (the
/// generated `mock` module builds it from the spec), into which the fake writes the tokens; and how it
/// refuses (a reused refresh token, a repeated single-use exchange): the status and body the spec documents.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// The body, as JSON text.
    pub body: &'static str,
    /// The refusal: its status, and its body as JSON text (empty: no body).
    pub refused: (u16, &'static str),
}

/// The answers of a scheme's token operations, and of a request whose access token is expired or unknown.
#[derive(Debug, Clone, Copy)]
pub struct Answers {
    /// The exchange's.
    pub exchange: Answer,
    /// The refresh's, when the spec has one.
    pub refresh: Option<Answer>,
    /// The body of the 401 answer to a request with an expired or unknown access token, as JSON text (empty:
    /// no body): the one the spec documents for the scheme's operations.
    pub unauthorized: &'static str,
}

/// How a [`FakeTokens`] issues tokens.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FakeOptions {
    /// The access tokens' lifetime.
    pub access_lifetime: Duration,
    /// The refresh tokens' lifetime (`None`: until used).
    pub refresh_lifetime: Option<Duration>,
    /// The body of a 401 answer to an expired or unknown access token, instead of the spec's.
    pub unauthorized: Option<Value>,
}

impl Default for FakeOptions {
    fn default() -> Self {
        Self { access_lifetime: Duration::from_secs(300), refresh_lifetime: None, unauthorized: None }
    }
}

impl FakeOptions {
    /// Access tokens that live `lifetime`.
    pub fn access_lifetime(mut self, lifetime: Duration) -> Self {
        self.access_lifetime = lifetime;
        self
    }

    /// Refresh tokens that live `lifetime`.
    pub fn refresh_lifetime(mut self, lifetime: Duration) -> Self {
        self.refresh_lifetime = Some(lifetime);
        self
    }

    /// The body of a 401 answer to an expired or unknown access token, instead of the spec's.
    pub fn unauthorized(mut self, body: Value) -> Self {
        self.unauthorized = Some(body);
        self
    }
}

/// An answer of `status` with `body` (JSON text; empty: none).
fn respond(status: u16, body: &str) -> ResponseTemplate {
    let template = ResponseTemplate::new(status);
    if body.is_empty() { template } else { template.set_body_raw(body.as_bytes().to_vec(), "application/json") }
}

/// The clock in milliseconds: expiries are kept to the millisecond, so a token the client holds for its
/// lifetime is never refused a moment before (JWT claims are whole seconds).
fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

static SERIAL: AtomicU64 = AtomicU64::new(0);

impl FakeTokens {
    /// A fake of `spec`'s token server, listening on loopback. Point the client at [`FakeTokens::uri`].
    pub async fn start(spec: &'static AuthSpec, answers: Answers, options: FakeOptions) -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        let counters = Arc::new(Counters::default());
        let fake = Self { server, state, counters };
        if let Some(exchange) = &spec.exchange {
            let (state, counters, options) = (fake.state.clone(), fake.counters.clone(), options.clone());
            let single_use = spec.single_use;
            Mock::given(wiremock::matchers::method(exchange.method.as_str()))
                .and(wiremock::matchers::path(exchange.path))
                .respond_with(move |request: &Request| {
                    let mut state = state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    if single_use && !state.exchanged.insert(request.body.clone()) {
                        counters.refused.fetch_add(1, Ordering::SeqCst);
                        let (status, body) = answers.exchange.refused;
                        return respond(status, body);
                    }
                    counters.logins.fetch_add(1, Ordering::SeqCst);
                    let answer = &answers.exchange;
                    ResponseTemplate::new(answer.status).set_body_json(issue(&mut state, exchange, answer, &options))
                })
                .with_priority(1)
                .mount(&fake.server)
                .await;
        }
        if let Some(refresh) = &spec.refresh {
            let (state, counters, options) = (fake.state.clone(), fake.counters.clone(), options.clone());
            Mock::given(wiremock::matchers::method(refresh.endpoint.method.as_str()))
                .and(wiremock::matchers::path(refresh.endpoint.path))
                .respond_with(move |request: &Request| {
                    let mut state = state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    let sent = serde_json::from_slice::<Value>(&request.body)
                        .ok()
                        .and_then(|body| body.pointer(refresh.refresh_token_field)?.as_str().map(str::to_owned));
                    let valid = sent
                        .as_ref()
                        .and_then(|token| state.refresh.remove(token))
                        .is_some_and(|expiry| expiry.is_none_or(|at| now_ms() < at));
                    if let Some(token) = sent {
                        state.spent.insert(token);
                    }
                    if !valid {
                        counters.refused.fetch_add(1, Ordering::SeqCst);
                        let (status, body) = answers.refresh.unwrap_or(answers.exchange).refused;
                        return respond(status, body);
                    }
                    counters.refreshes.fetch_add(1, Ordering::SeqCst);
                    let answer = answers.refresh.unwrap_or(answers.exchange);
                    ResponseTemplate::new(answer.status).set_body_json(issue(
                        &mut state,
                        &refresh.endpoint,
                        &answer,
                        &options,
                    ))
                })
                .with_priority(1)
                .mount(&fake.server)
                .await;
        }
        // Every other request that carries an access token this fake did not issue, or one that expired.
        let (state, counters) = (fake.state.clone(), fake.counters.clone());
        let placement = spec.placement;
        let unauthorized = match &options.unauthorized {
            Some(body) => body.to_string(),
            None => answers.unauthorized.to_owned(),
        };
        Mock::given(move |request: &Request| {
            let Some(token) = credential(&placement, request) else { return false };
            let state = state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            !state.access.get(&token).is_some_and(|expiry| expiry.is_none_or(|at| now_ms() < at))
        })
        .respond_with(move |_: &Request| {
            counters.refused.fetch_add(1, Ordering::SeqCst);
            respond(401, &unauthorized)
        })
        .with_priority(2)
        .mount(&fake.server)
        .await;
        fake
    }

    /// The fake's base URL: the client's base URL in a test.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The server, to mount the test's own mocks of the API's resources (they see valid tokens only).
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Exchanges answered with tokens.
    pub fn logins(&self) -> u64 {
        self.counters.logins.load(Ordering::SeqCst)
    }

    /// Refreshes answered with tokens.
    pub fn refreshes(&self) -> u64 {
        self.counters.refreshes.load(Ordering::SeqCst)
    }

    /// Requests refused: expired or unknown access tokens, reused or unknown refresh tokens, repeated
    /// single-use exchanges.
    pub fn refused(&self) -> u64 {
        self.counters.refused.load(Ordering::SeqCst)
    }

    /// Ends every access token issued so far now, as if their lifetime had passed.
    pub fn expire_access_tokens(&self) {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for expiry in state.access.values_mut() {
            *expiry = Some(0);
        }
    }
}

/// A token pair in the shape `endpoint` reads it, recorded as issued.
fn issue(state: &mut State, endpoint: &EndpointSpec, answer: &Answer, options: &FakeOptions) -> Value {
    let serial = SERIAL.fetch_add(1, Ordering::SeqCst);
    let issued_ms = now_ms();
    let issued = issued_ms / 1000;
    let lifetime = options.access_lifetime.as_secs();
    let access = match endpoint.token.lifetime {
        LifetimeSpec::JwtExp => jwt(&format!("access-{serial}"), issued, issued + lifetime),
        _ => format!("access-{serial}-{issued}"),
    };
    let mut body = serde_json::from_str(answer.body).unwrap_or_else(|_| Value::Object(Map::new()));
    set(&mut body, endpoint.token.access_token, Value::String(access.clone()));
    match endpoint.token.lifetime {
        LifetimeSpec::ExpiresIn(at) => set(&mut body, at, json!(lifetime)),
        LifetimeSpec::ExpiresAt(at) => {
            let deadline = chrono::DateTime::from_timestamp((issued + lifetime) as i64, 0).unwrap_or_default();
            set(&mut body, at, Value::String(deadline.to_rfc3339()));
        }
        LifetimeSpec::JwtExp | LifetimeSpec::None => {}
    }
    // Values the client keeps from the answer for later requests (a consent's id): the answer's own (of the
    // type the spec says), else a value of their own.
    for (name, source) in endpoint.token.keep {
        if let ValueSource::Response(at) = source {
            if body.pointer(at).is_none() {
                set(&mut body, at, Value::String(format!("{name}-{serial}")));
            }
        }
    }
    let lifetime_ms = options.access_lifetime.as_millis() as u64;
    let expiry = (endpoint.token.lifetime != LifetimeSpec::None).then_some(issued_ms + lifetime_ms);
    state.access.insert(access, expiry);
    if let Some(at) = endpoint.token.refresh_token {
        let refresh_lifetime = options.refresh_lifetime;
        let refresh = match refresh_lifetime {
            Some(lifetime) => jwt(&format!("refresh-{serial}"), issued, issued + lifetime.as_secs()),
            None => format!("refresh-{serial}"),
        };
        set(&mut body, at, Value::String(refresh.clone()));
        if let (Some(at), Some(lifetime)) = (endpoint.token.refresh_lifetime, refresh_lifetime) {
            set(&mut body, at, json!(lifetime.as_secs()));
        }
        state.refresh.insert(refresh, refresh_lifetime.map(|lifetime| issued_ms + lifetime.as_millis() as u64));
    }
    body
}

/// An unsigned JWT (clients read its claims, never its signature) with `jti`, `iat` and `exp`.
fn jwt(id: &str, issued: u64, expires: u64) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = URL_SAFE_NO_PAD.encode(json!({"jti": id, "iat": issued, "exp": expires}).to_string());
    format!("{header}.{claims}.ZmFrZQ")
}

/// Sets the value at JSON pointer `pointer` in `body`, making the objects on the way.
fn set(body: &mut Value, pointer: &str, value: Value) {
    let mut target = body;
    let tokens: Vec<String> = pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    for (i, token) in tokens.iter().enumerate() {
        let Value::Object(map) = target else { return };
        if i + 1 == tokens.len() {
            map.insert(token.clone(), value);
            return;
        }
        target = map.entry(token.clone()).or_insert_with(|| Value::Object(Map::new()));
    }
}

/// The access token a request carries where `placement` puts it.
fn credential(placement: &Placement, request: &Request) -> Option<String> {
    match placement {
        Placement::Header { name, prefix } => {
            let value = request.headers.get(*name)?.to_str().ok()?;
            Some(value.strip_prefix(prefix).unwrap_or(value).to_owned())
        }
        Placement::Query { name } => {
            request.url.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
        }
        Placement::Cookie { name } => request
            .headers
            .get("cookie")?
            .to_str()
            .ok()?
            .split(';')
            .find_map(|cookie| cookie.trim().strip_prefix(&format!("{name}=")).map(str::to_owned)),
        Placement::Body { token_field, .. } => {
            serde_json::from_slice::<Value>(&request.body).ok()?.get(*token_field)?.as_str().map(str::to_owned)
        }
    }
}
