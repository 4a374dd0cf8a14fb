//! No secret shows up in `Debug` or `Display` output, in errors, or in `tracing` events, whatever the flow.
//!
//! Every secret the fake server or the test makes contains `SECRET`; the flows run with a subscriber that
//! records all events down to TRACE, and the record and the formatted values are searched for it.

mod auth_support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth_support::{BEARER, Fake, login_body};
use chrono::Utc;
use clientgen_runtime::Secret;
use clientgen_runtime::auth::{
    AuthSpec, EndpointSpec, FileStore, LifetimeSpec, MemoryStore, Placement, SessionOptions, StoredTokens, TokenSet,
    TokenSpec, TokenStore, ValueSource,
};
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;

/// A `tracing` writer that appends to a shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

static BODY: AuthSpec = AuthSpec {
    scheme: "accessToken",
    placement: Placement::Body { token_field: "access_token", fields: &["client_secret"] },
    exchange: Some(EndpointSpec {
        method: reqwest::Method::POST,
        path: "/token/",
        token: TokenSpec {
            access_token: "/access",
            refresh_token: None,
            lifetime: LifetimeSpec::JwtExp,
            refresh_lifetime: None,
            keep: &[("client_secret", ValueSource::Request("/password"))],
        },
    }),
    refresh: None,
    single_use: false,
};

static COOKIE: AuthSpec =
    AuthSpec { placement: Placement::Cookie { name: "sid" }, exchange: None, refresh: None, ..BEARER };

static QUERY: AuthSpec =
    AuthSpec { placement: Placement::Query { name: "api_key" }, exchange: None, refresh: None, ..BEARER };

#[tokio::test]
async fn no_flow_shows_a_secret() {
    let capture = Capture::default();
    let subscriber =
        tracing_subscriber::fmt().with_writer(capture.clone()).with_max_level(tracing::Level::TRACE).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut shown = Vec::<String>::new();

    let fake = Fake::start(0).await;
    let store = Arc::new(MemoryStore::new());
    let options = SessionOptions::new().keep_login(Secret::new(login_body())).store(store.clone());
    shown.push(format!("{options:?}"));

    // Refresh with rotation, then a rejected refresh and a re-exchange, then a 401 and a retry.
    let (access, refresh) = fake.issue();
    let tokens =
        TokenSet::new(Secret::new(&*access)).with_refresh_token(Secret::new(&*refresh)).with_lifetime(Duration::ZERO);
    shown.push(format!("{tokens:?}"));
    let session = fake.session(&BEARER, tokens, options);
    shown.push(format!("{session:?}"));
    for _ in 0..2 {
        let response = session.send(fake.resource()).await.unwrap();
        shown.push(format!("{:?}", response.status()));
    }
    fake.state().refreshable.clear();
    session.send(fake.resource()).await.unwrap();
    fake.state().expires_in = 3600;
    session.renew().await.unwrap();
    fake.state().accepted.clear();
    session.send(fake.resource()).await.unwrap();
    shown.push(format!("{session:?} {:?} {:?}", session.current(), session.stored()));
    shown.push(format!("{:?}", store.load()));

    // Failures: a refresh server error, a login that is required, an expired deadline, a bad response.
    fake.state().refresh_failures.push_back(500);
    fake.state().accepted.clear();
    let (_, refresh) = fake.issue();
    let plain = fake.session(
        &BEARER,
        TokenSet::new(Secret::new("SECRET-OLD"))
            .with_refresh_token(Secret::new(&*refresh))
            .with_lifetime(Duration::ZERO),
        SessionOptions::new(),
    );
    let err = plain.send(fake.resource()).await.unwrap_err();
    shown.push(format!("{err:?} {err}"));
    fake.state().refreshable.clear();
    let err = plain.send(fake.resource()).await.unwrap_err();
    shown.push(format!("{err:?} {err}"));
    let expired = fake.session(
        &BEARER,
        TokenSet::new(Secret::new("SECRET-X")).with_deadline(Utc::now() - chrono::TimeDelta::seconds(1)),
        SessionOptions::new(),
    );
    let err = expired.send(fake.resource()).await.unwrap_err();
    shown.push(format!("{err:?} {err}"));
    let bad =
        TokenSet::from_response(&BODY.exchange.as_ref().unwrap().token, &json!({}), &json!({"access": ["SECRET-Y"]}));
    let err = bad.unwrap_err();
    shown.push(format!("{err:?} {err}"));

    // Body placement with a kept value, and an opaque token read as a JWT.
    let body_tokens = TokenSet::from_response(
        &BODY.exchange.as_ref().unwrap().token,
        &json!({"password": "SECRET-CLIENT"}),
        &json!({"access": "SECRET-OPAQUE"}),
    )
    .unwrap();
    shown.push(format!("{body_tokens:?}"));
    let body_session = fake.session(&BODY, body_tokens, SessionOptions::new());
    let mut request = fake.resource();
    *request.method_mut() = reqwest::Method::POST;
    *request.body_mut() = Some(json!({"a": 1}).to_string().into());
    let response = body_session.send(request).await;
    shown.push(format!("{response:?}"));
    let err = body_session.send(fake.resource()).await;
    shown.push(format!("{err:?}"));

    // Cookie and query placements.
    for spec in [&COOKIE, &QUERY] {
        let session = fake.session(spec, TokenSet::new(Secret::new("SECRET-KEY")), SessionOptions::new());
        let response = session.send(fake.resource()).await.unwrap();
        shown.push(format!("{session:?} {:?}", response.status()));
    }
    // A transport error with a query credential: the URL is removed from the error.
    // A port nobody listens on: bound by the system for this test, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let closed = reqwest::Url::parse(&format!("http://127.0.0.1:{port}/api")).unwrap();
    let session = clientgen_runtime::auth::Session::new(
        reqwest::Client::new(),
        closed.clone(),
        &QUERY,
        TokenSet::new(Secret::new("SECRET-KEY")),
        SessionOptions::new(),
    );
    let err = session.send(reqwest::Request::new(reqwest::Method::GET, closed)).await.unwrap_err();
    shown.push(format!("{err:?} {err}"));

    // The file store's own messages.
    let path = std::env::temp_dir().join(format!("clientgen-leak-{}.json", std::process::id()));
    std::fs::write(&path, r#"{"access_token": "SECRET-FILE""#).unwrap();
    // Private, as the store writes its files, so that the corrupt contents are what it reports.
    #[cfg(unix)]
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let file = FileStore::new(&path);
    shown.push(format!("{:?}", file.load()));
    file.save(&StoredTokens::new("s", "http://x", &TokenSet::new(Secret::new("SECRET-Z"))));
    shown.push(format!("{file:?}"));
    file.remove().unwrap();

    drop(_guard);
    let log = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("refresh token was rotated"), "the events were captured:\n{log}");
    assert!(log.contains("401 answer"), "{log}");
    for text in shown.iter().chain([&log]) {
        assert!(!text.contains("SECRET"), "a secret leaked: {text}");
    }
    // The cookie and the query credential did reach the server.
    let received = fake.server.received_requests().await.unwrap();
    assert!(received.iter().any(|r| r.headers.get("cookie").is_some_and(|v| v == "sid=SECRET-KEY")));
    assert!(received.iter().any(|r| r.url.query() == Some("api_key=SECRET-KEY")));
    assert!(received.iter().any(|r| r.body_json::<serde_json::Value>().ok()
        == Some(json!({"a": 1, "access_token": "SECRET-OPAQUE", "client_secret": "SECRET-CLIENT"}))));
}
