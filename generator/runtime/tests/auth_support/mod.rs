//! A fake token server on loopback for the `auth_*` tests: it issues, refreshes and checks tokens the way a
//! real API would, and counts every request.
#![allow(dead_code)]

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use clientgen_runtime::auth::{
    AuthSpec, EndpointSpec, LifetimeSpec, Placement, RefreshSpec, Session, SessionOptions, TokenSet, TokenSpec,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The password of the fake user: must never show up in output.
pub const PASSWORD: &str = "SECRET-PASSWORD";

/// How the fake server answers exchanges and refreshes.
pub const TOKEN: TokenSpec = TokenSpec {
    access_token: "/access",
    refresh_token: Some("/refresh"),
    lifetime: LifetimeSpec::ExpiresIn("/expires_in"),
    refresh_lifetime: None,
    keep: &[],
};

/// A bearer token with exchange and refresh, like a JWT pair API.
pub static BEARER: AuthSpec = BEARER_SPEC;

const BEARER_SPEC: AuthSpec = AuthSpec {
    scheme: "jwtAccess",
    placement: Placement::Header { name: "authorization", prefix: "Bearer " },
    exchange: Some(EndpointSpec { method: reqwest::Method::POST, path: "/token/", token: TOKEN }),
    refresh: Some(RefreshSpec {
        endpoint: EndpointSpec { method: reqwest::Method::POST, path: "/token/refresh/", token: TOKEN },
        refresh_token_field: "/refresh",
    }),
    single_use: false,
};

/// The same, but the exchange cannot be replayed.
pub static SINGLE_USE: AuthSpec = AuthSpec { single_use: true, ..BEARER_SPEC };

/// What the fake server knows and has seen.
#[derive(Default)]
pub struct State {
    /// Access tokens the resource accepts.
    pub accepted: HashSet<String>,
    /// Refresh tokens the refresh endpoint accepts.
    pub refreshable: HashSet<String>,
    /// Tokens issued so far (numbers them).
    pub issued: usize,
    /// Whether a refresh issues a new refresh token (and revokes the old one).
    pub rotate: bool,
    /// The `expires_in` of issued tokens.
    pub expires_in: u64,
    /// Statuses to answer the next refreshes with instead of refreshing.
    pub refresh_failures: VecDeque<u16>,
    /// How long the refresh endpoint takes to answer.
    pub refresh_delay: Duration,
    /// Whether the resource answers 401 whatever the token.
    pub reject_all: bool,
    /// Authorization headers the resource saw, in order.
    pub resource_auth: Vec<String>,
    /// Refresh tokens sent to the refresh endpoint, in order.
    pub refresh_tokens_sent: Vec<String>,
    /// Requests per endpoint.
    pub exchanges: usize,
    /// Requests to the refresh endpoint.
    pub refreshes: usize,
    /// Requests to the resource.
    pub resources: usize,
    /// Bytes of filler in every token response (a large response must still be read).
    pub padding: usize,
}

impl State {
    /// Issues a new access token (and, on exchange or rotation, a new refresh token).
    fn issue(&mut self, with_refresh: bool) -> Value {
        self.issued += 1;
        let access = format!("SECRET-ACCESS-{}", self.issued);
        self.accepted.insert(access.clone());
        let mut body = json!({"access": access, "expires_in": self.expires_in});
        if self.padding > 0 {
            body["padding"] = json!("x".repeat(self.padding));
        }
        if with_refresh {
            let refresh = format!("SECRET-REFRESH-{}", self.issued);
            self.refreshable.insert(refresh.clone());
            body["refresh"] = json!(refresh);
        }
        body
    }
}

/// The fake server.
pub struct Fake {
    pub server: MockServer,
    pub state: Arc<Mutex<State>>,
}

impl Fake {
    /// A server whose tokens live `expires_in` seconds, rotating refresh tokens.
    pub async fn start(expires_in: u64) -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State { expires_in, rotate: true, ..State::default() }));

        let s = state.clone();
        Mock::given(method("POST"))
            .and(path("/api/token/"))
            .respond_with(move |request: &Request| {
                let mut state = s.lock().unwrap();
                state.exchanges += 1;
                let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
                if body == json!({"username": "user", "password": PASSWORD}) {
                    ResponseTemplate::new(200).set_body_json(state.issue(true))
                } else {
                    ResponseTemplate::new(401).set_body_json(json!({"detail": "No active account"}))
                }
            })
            .mount(&server)
            .await;

        let s = state.clone();
        Mock::given(method("POST"))
            .and(path("/api/token/refresh/"))
            .respond_with(move |request: &Request| {
                let mut state = s.lock().unwrap();
                state.refreshes += 1;
                let delay = state.refresh_delay;
                let sent = serde_json::from_slice::<Value>(&request.body).unwrap_or_default()["refresh"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                state.refresh_tokens_sent.push(sent.clone());
                let template = if let Some(status) = state.refresh_failures.pop_front() {
                    ResponseTemplate::new(status).set_body_json(json!({"detail": "failure"}))
                } else if state.refreshable.contains(&sent) {
                    let rotate = state.rotate;
                    if rotate {
                        state.refreshable.remove(&sent);
                    }
                    ResponseTemplate::new(200).set_body_json(state.issue(rotate))
                } else {
                    ResponseTemplate::new(401).set_body_json(json!({"code": "token_not_valid"}))
                };
                template.set_delay(delay)
            })
            .mount(&server)
            .await;

        let s = state.clone();
        Mock::given(path("/api/resource"))
            .respond_with(move |request: &Request| {
                let mut state = s.lock().unwrap();
                state.resources += 1;
                let auth = request.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
                state.resource_auth.push(auth.to_owned());
                let token = auth.strip_prefix("Bearer ").unwrap_or("");
                if !state.reject_all && state.accepted.contains(token) {
                    ResponseTemplate::new(200).set_body_json(json!({"ok": true}))
                } else {
                    ResponseTemplate::new(401).set_body_json(json!({"code": "token_not_valid"}))
                }
            })
            .mount(&server)
            .await;

        Self { server, state }
    }

    /// The state, to read counters or change behaviour.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// The base URL of the fake API (a path under the server root).
    pub fn base_url(&self) -> reqwest::Url {
        reqwest::Url::parse(&format!("{}/api", self.server.uri())).unwrap()
    }

    /// Issues a token pair as the exchange would (without a request), for sessions that start logged in.
    pub fn issue(&self) -> (String, String) {
        let body = self.state().issue(true);
        (body["access"].as_str().unwrap().to_owned(), body["refresh"].as_str().unwrap().to_owned())
    }

    /// A session on this server.
    pub fn session(&self, spec: &'static AuthSpec, tokens: TokenSet, options: SessionOptions) -> Session {
        Session::new(reqwest::Client::new(), self.base_url(), spec, tokens, options)
    }

    /// A GET request to the resource.
    pub fn resource(&self) -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::GET, format!("{}/resource", self.base_url()).parse().unwrap())
    }
}

/// The login request body the fake server accepts, serialized.
pub fn login_body() -> String {
    json!({"username": "user", "password": PASSWORD}).to_string()
}
