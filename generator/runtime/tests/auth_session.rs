//! The token lifecycle of `Session` against a fake token server on loopback.

mod auth_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use auth_support::{BEARER, Fake, SINGLE_USE, login_body};
use chrono::Utc;
use clientgen_runtime::auth::{
    AuthError, AuthSpec, LifetimeSpec, Placement, SendError, SessionOptions, StoredTokens, TokenSet, TokenSpec,
};
use clientgen_runtime::{RetryPolicy, Secret};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A token pair the client believes is expired.
fn expired(access: &str, refresh: &str) -> TokenSet {
    TokenSet::new(Secret::new(access)).with_refresh_token(Secret::new(refresh)).with_lifetime(Duration::ZERO)
}

/// A token pair the client believes is valid for an hour.
fn fresh(access: &str, refresh: &str) -> TokenSet {
    TokenSet::new(Secret::new(access)).with_refresh_token(Secret::new(refresh)).with_lifetime(Duration::from_secs(3600))
}

#[tokio::test]
async fn a_fresh_token_is_sent_as_is() {
    let fake = Fake::start(300).await;
    let (access, refresh) = fake.issue();
    let session = fake.session(&BEARER, fresh(&access, &refresh), SessionOptions::new());
    let response = session.send(fake.resource()).await.unwrap();
    assert_eq!(response.status(), 200);
    let state = fake.state();
    assert_eq!((state.resources, state.refreshes), (1, 0));
    assert_eq!(state.resource_auth, [format!("Bearer {access}")]);
}

#[tokio::test]
async fn a_token_in_its_margin_is_refreshed_ahead_once_and_the_new_one_used() {
    let fake = Fake::start(300).await;
    let (access, refresh) = fake.issue();
    // A 5-minute token received 290 s ago: 10 s left, inside the default 30 s margin.
    let received_at = Utc::now() - chrono::TimeDelta::seconds(290);
    let stored = StoredTokens {
        scheme: "jwtAccess".into(),
        base_url: fake.base_url().to_string(),
        access_token: Secret::new(&*access),
        refresh_token: Some(Secret::new(&*refresh)),
        received_at,
        expires_at: Some(received_at + chrono::TimeDelta::seconds(300)),
        deadline: None,
        refresh_expires_at: None,
        values: Default::default(),
    };
    let session = clientgen_runtime::auth::Session::resume(
        reqwest::Client::new(),
        fake.base_url(),
        &BEARER,
        stored,
        SessionOptions::new(),
    )
    .unwrap();
    for _ in 0..3 {
        assert_eq!(session.send(fake.resource()).await.unwrap().status(), 200);
    }
    let state = fake.state();
    assert_eq!(state.refreshes, 1, "one refresh ahead, then the new 5-minute token is fresh");
    assert_eq!(state.refresh_tokens_sent, [refresh]);
    assert!(state.resource_auth.iter().all(|auth| auth == "Bearer SECRET-ACCESS-2"), "{:?}", state.resource_auth);
    assert_eq!(session.generation(), 1);
}

#[tokio::test]
async fn a_failed_refresh_ahead_falls_back_to_the_still_valid_token() {
    let fake = Fake::start(300).await;
    let (access, refresh) = fake.issue();
    fake.state().refresh_failures.push_back(503);
    let tokens = TokenSet::new(Secret::new(&*access))
        .with_refresh_token(Secret::new(&*refresh))
        .with_lifetime(Duration::from_secs(3600));
    // Margin = the whole lifetime: always due. No retries: the refresh is to fail.
    let options = SessionOptions::new()
        .retry(RetryPolicy::none())
        .refresh_margin(clientgen_runtime::auth::RefreshMargin { fraction: 1.0, cap: Duration::from_secs(7200) });
    let session = fake.session(&BEARER, tokens, options);
    assert_eq!(session.send(fake.resource()).await.unwrap().status(), 200);
    let state = fake.state();
    assert_eq!(state.refreshes, 1);
    assert_eq!(state.resource_auth, [format!("Bearer {access}")]);
}

#[tokio::test]
async fn rotated_refresh_tokens_replace_the_old_ones() {
    // Issued tokens expire at once, so every call refreshes.
    let fake = Fake::start(0).await;
    let (_, refresh) = fake.issue();
    let session = fake.session(&BEARER, expired("old", &refresh), SessionOptions::new());
    for _ in 0..3 {
        assert_eq!(session.send(fake.resource()).await.unwrap().status(), 200);
    }
    let state = fake.state();
    assert_eq!(state.refresh_tokens_sent, ["SECRET-REFRESH-1", "SECRET-REFRESH-2", "SECRET-REFRESH-3"]);
    assert_eq!(session.current().refresh_token().unwrap().expose(), "SECRET-REFRESH-4");
}

#[tokio::test]
async fn without_rotation_the_old_refresh_token_is_kept() {
    let fake = Fake::start(0).await;
    fake.state().rotate = false;
    let (_, refresh) = fake.issue();
    let session = fake.session(&BEARER, expired("old", &refresh), SessionOptions::new());
    for _ in 0..2 {
        assert_eq!(session.send(fake.resource()).await.unwrap().status(), 200);
    }
    assert_eq!(fake.state().refresh_tokens_sent, [refresh.clone(), refresh]);
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries_once() {
    let fake = Fake::start(300).await;
    let (_, refresh) = fake.issue();
    // The client thinks the token is good; the server has revoked it.
    let session = fake.session(&BEARER, fresh("revoked", &refresh), SessionOptions::new());
    let response = session.send(fake.resource()).await.unwrap();
    assert_eq!(response.status(), 200);
    let state = fake.state();
    assert_eq!((state.resources, state.refreshes), (2, 1));
    assert_eq!(state.resource_auth, ["Bearer revoked", "Bearer SECRET-ACCESS-2"]);
}

#[tokio::test]
async fn a_token_response_is_read_up_to_a_mebibyte_and_refused_past_it() {
    // The body the fake server sends for its second token, without filler (its length, whatever the order).
    let bare = json!({"access": "SECRET-ACCESS-2", "expires_in": 300, "padding": "", "refresh": "SECRET-REFRESH-2"});
    let filler = 1024 * 1024 - bare.to_string().len();
    for (padding, accepted) in [(filler, true), (filler + 1, false)] {
        let fake = Fake::start(300).await;
        let (_, refresh) = fake.issue();
        fake.state().padding = padding;
        let session = fake.session(&BEARER, expired("old", &refresh), SessionOptions::new());
        let result = session.send(fake.resource()).await;
        assert_eq!(result.is_ok(), accepted, "{padding}: {result:?}");
        if !accepted {
            assert!(matches!(result, Err(SendError::Auth(AuthError::InvalidTokenResponse { .. }))), "{result:?}");
        }
        assert_eq!(fake.state().refreshes, 1);
    }
}

#[tokio::test]
async fn tokens_set_while_a_renewal_is_under_way_win_over_the_renewed_ones() {
    let fake = Fake::start(300).await;
    let (_, refresh) = fake.issue();
    fake.state().refresh_delay = Duration::from_millis(500);
    let session = fake.session(&BEARER, expired("old", &refresh), SessionOptions::new());
    let sending = tokio::spawn({
        let (session, request) = (session.clone(), fake.resource());
        async move { session.send(request).await.map(|r| r.status()) }
    });
    // Once the refresh request has reached the server (its answer is half a second away), the user logs in
    // again by other means.
    while fake.state().refreshes == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (manual, manual_refresh) = fake.issue();
    session.set_tokens(fresh(&manual, &manual_refresh));
    assert_eq!(sending.await.unwrap().unwrap(), 200);
    assert_eq!(session.current().access_token().expose(), manual);
    assert_eq!(fake.state().resource_auth, [format!("Bearer {manual}")]);
}

#[tokio::test]
async fn a_token_past_its_deadline_without_a_refresh_token_is_expired_and_nothing_is_sent() {
    let fake = Fake::start(300).await;
    let past = Utc::now() - chrono::TimeDelta::seconds(5);
    let session = fake.session(&BEARER, TokenSet::new(Secret::new("old")).with_deadline(past), SessionOptions::new());
    let result = session.send(fake.resource()).await;
    assert!(matches!(result, Err(SendError::Auth(AuthError::Expired { at, .. })) if at == past), "{result:?}");
    let state = fake.state();
    assert_eq!((state.resources, state.refreshes, state.exchanges), (0, 0, 0));
}

#[tokio::test]
async fn a_second_401_is_returned_as_is() {
    let fake = Fake::start(300).await;
    let (access, refresh) = fake.issue();
    fake.state().reject_all = true;
    let session = fake.session(&BEARER, fresh(&access, &refresh), SessionOptions::new());
    let response = session.send(fake.resource()).await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap(), json!({"code": "token_not_valid"}));
    let state = fake.state();
    assert_eq!((state.resources, state.refreshes), (2, 1));
}

#[tokio::test]
async fn a_request_with_a_streamed_body_is_not_retried() {
    let fake = Fake::start(300).await;
    let (_, refresh) = fake.issue();
    let session = fake.session(&BEARER, fresh("revoked", &refresh), SessionOptions::new());
    let mut request = fake.resource();
    *request.method_mut() = reqwest::Method::POST;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(1);
    drop(sender);
    let stream = StreamBody(receiver);
    *request.body_mut() = Some(reqwest::Body::wrap(stream));
    let response = session.send(request).await.unwrap();
    assert_eq!(response.status(), 401);
    let state = fake.state();
    assert_eq!((state.resources, state.refreshes), (1, 0));
}

/// An empty streaming body (its length is unknown, so reqwest cannot clone the request).
struct StreamBody(tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>);

impl http_body::Body for StreamBody {
    type Data = bytes::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        self.0.poll_recv(cx).map(|chunk| chunk.map(|chunk| chunk.map(|bytes| http_body::Frame::data(bytes.into()))))
    }
}

#[tokio::test]
async fn a_rejected_refresh_re_exchanges_with_the_kept_login() {
    let fake = Fake::start(300).await;
    let options = SessionOptions::new().keep_login(Secret::new(login_body()));
    let session = fake.session(&BEARER, expired("old", "unknown-refresh"), options);
    assert_eq!(session.send(fake.resource()).await.unwrap().status(), 200);
    let state = fake.state();
    assert_eq!((state.refreshes, state.exchanges, state.resources), (1, 1, 1));
    assert_eq!(state.resource_auth, ["Bearer SECRET-ACCESS-1"]);
    assert_eq!(session.current().refresh_token().unwrap().expose(), "SECRET-REFRESH-1");
}

#[tokio::test]
async fn a_rejected_refresh_without_a_kept_login_requires_login() {
    let fake = Fake::start(300).await;
    let session = fake.session(&BEARER, expired("old", "unknown-refresh"), SessionOptions::new());
    let err = session.send(fake.resource()).await.unwrap_err();
    assert!(matches!(err, SendError::Auth(AuthError::LoginRequired { scheme: "jwtAccess" })), "{err:?}");
    let state = fake.state();
    assert_eq!((state.refreshes, state.exchanges, state.resources), (1, 0, 0));
}

#[tokio::test]
async fn a_rejected_re_exchange_requires_login() {
    let fake = Fake::start(300).await;
    let wrong = serde_json::json!({"username": "user", "password": "wrong"}).to_string();
    let session =
        fake.session(&BEARER, expired("old", "unknown-refresh"), SessionOptions::new().keep_login(Secret::new(wrong)));
    let err = session.send(fake.resource()).await.unwrap_err();
    assert!(matches!(err, SendError::Auth(AuthError::LoginRequired { .. })), "{err:?}");
    let state = fake.state();
    assert_eq!((state.refreshes, state.exchanges, state.resources), (1, 1, 0));
}

#[tokio::test]
async fn a_single_use_exchange_is_never_replayed() {
    let fake = Fake::start(300).await;
    let options = SessionOptions::new().keep_login(Secret::new(login_body()));
    let session = fake.session(&SINGLE_USE, expired("old", "unknown-refresh"), options);
    let err = session.send(fake.resource()).await.unwrap_err();
    assert!(matches!(err, SendError::Auth(AuthError::LoginRequired { .. })), "{err:?}");
    assert_eq!(fake.state().exchanges, 0);
}

#[tokio::test]
async fn a_refresh_failing_otherwise_is_reported_with_its_status() {
    let fake = Fake::start(300).await;
    let (_, refresh) = fake.issue();
    fake.state().refresh_failures.push_back(500);
    let options = SessionOptions::new().keep_login(Secret::new(login_body()));
    let session = fake.session(&BEARER, expired("old", &refresh), options);
    let err = session.send(fake.resource()).await.unwrap_err();
    let SendError::Auth(AuthError::Rejected { status: 500, operation: "refresh", .. }) = err else { panic!("{err:?}") };
    // No re-exchange on a server error: the refresh token may still be good.
    assert_eq!(fake.state().exchanges, 0);
}

static DEADLINE: AuthSpec = AuthSpec {
    scheme: "accessToken",
    placement: Placement::Body { token_field: "access_token", fields: &["credentials_id", "client_id"] },
    exchange: Some(clientgen_runtime::auth::EndpointSpec {
        method: reqwest::Method::POST,
        path: "/token/",
        token: TokenSpec {
            access_token: "/access",
            refresh_token: None,
            lifetime: LifetimeSpec::ExpiresAt("/exp"),
            refresh_lifetime: None,
            keep: &[],
        },
    }),
    refresh: None,
    single_use: true,
};

#[tokio::test]
async fn a_passed_deadline_fails_fast_without_sending_anything() {
    let server = MockServer::start().await;
    let at = Utc::now() - chrono::TimeDelta::seconds(1);
    let tokens = TokenSet::new(Secret::new("SECRET-A")).with_deadline(at);
    let base = reqwest::Url::parse(&server.uri()).unwrap();
    let options = SessionOptions::new().keep_login(Secret::new(login_body()));
    let session =
        clientgen_runtime::auth::Session::new(reqwest::Client::new(), base.clone(), &DEADLINE, tokens, options);
    let request = reqwest::Request::new(reqwest::Method::POST, base.join("/accounts/get").unwrap());
    let err = session.send(request).await.unwrap_err();
    let SendError::Auth(AuthError::Expired { scheme: "accessToken", at: reported }) = err else { panic!("{err:?}") };
    assert_eq!(reported, at);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn body_placement_sets_the_token_and_kept_values() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accounts/get"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let tokens = TokenSet::new(Secret::new("SECRET-A"))
        .with_deadline(Utc::now() + chrono::TimeDelta::days(90))
        .with_value("credentials_id", Secret::new("cred-1"))
        .with_value("client_id", Secret::new("app-1"));
    let base = reqwest::Url::parse(&server.uri()).unwrap();
    let session = clientgen_runtime::auth::Session::new(
        reqwest::Client::new(),
        base.clone(),
        &DEADLINE,
        tokens,
        Default::default(),
    );
    let request = reqwest::Client::new()
        .post(base.join("/accounts/get").unwrap())
        .json(&json!({"tenant_user_id": "u-1", "client_id": ""}))
        .build()
        .unwrap();
    assert_eq!(session.send(request).await.unwrap().status(), 200);
    let received = server.received_requests().await.unwrap();
    let body: serde_json::Value = received[0].body_json().unwrap();
    assert_eq!(
        body,
        json!({"tenant_user_id": "u-1", "client_id": "app-1", "access_token": "SECRET-A", "credentials_id": "cred-1"})
    );
    assert_eq!(received[0].headers["content-length"], received[0].body.len().to_string());
    assert_eq!(received[0].headers["content-type"], "application/json");
}

#[tokio::test]
async fn body_placement_without_a_kept_value_sends_nothing() {
    let server = MockServer::start().await;
    let base = reqwest::Url::parse(&server.uri()).unwrap();
    let tokens = TokenSet::new(Secret::new("SECRET-A"));
    let session = clientgen_runtime::auth::Session::new(
        reqwest::Client::new(),
        base.clone(),
        &DEADLINE,
        tokens,
        Default::default(),
    );
    let request = reqwest::Client::new().post(base.join("/x").unwrap()).json(&json!({})).build().unwrap();
    let err = session.send(request).await.unwrap_err();
    assert!(matches!(err, SendError::Auth(AuthError::Unplaceable { .. })), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn header_values_are_exact() {
    static SPECS: [AuthSpec; 4] = [
        header_spec("authorization", "Bearer "),
        header_spec("authorization", "token "),
        header_spec("authorization", "key "),
        header_spec("x-api-key", ""),
    ];
    let expected =
        [("authorization", "Bearer x"), ("authorization", "token x"), ("authorization", "key x"), ("x-api-key", "x")];
    for (spec, (name, value)) in SPECS.iter().zip(expected) {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::header(name, value))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        let base = reqwest::Url::parse(&server.uri()).unwrap();
        let session = clientgen_runtime::auth::Session::new(
            reqwest::Client::new(),
            base.clone(),
            spec,
            TokenSet::new(Secret::new("x")),
            Default::default(),
        );
        let mut request = reqwest::Request::new(reqwest::Method::GET, base.join("/me").unwrap());
        // A header of the same name set by the caller is replaced, not doubled.
        request.headers_mut().insert(name, "stale".parse().unwrap());
        assert_eq!(session.send(request).await.unwrap().status(), 204, "{name}: {value}");
        let received = server.received_requests().await.unwrap();
        assert_eq!(received[0].headers.get_all(name).iter().count(), 1);
    }
}

const fn header_spec(name: &'static str, prefix: &'static str) -> AuthSpec {
    AuthSpec {
        scheme: "key",
        placement: Placement::Header { name, prefix },
        exchange: None,
        refresh: None,
        single_use: false,
    }
}

#[tokio::test]
async fn a_static_credential_gets_its_401_back() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).expect(1).mount(&server).await;
    static KEY: AuthSpec = header_spec("authorization", "key ");
    let base = reqwest::Url::parse(&server.uri()).unwrap();
    let session = clientgen_runtime::auth::Session::new(
        reqwest::Client::new(),
        base.clone(),
        &KEY,
        TokenSet::new(Secret::new("k")),
        Default::default(),
    );
    let response = session.send(reqwest::Request::new(reqwest::Method::GET, base)).await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_token_without_lifetime_re_exchanges_only_on_401() {
    static TOKEN_ONLY: AuthSpec = AuthSpec {
        refresh: None,
        exchange: Some(clientgen_runtime::auth::EndpointSpec {
            method: reqwest::Method::POST,
            path: "/token/",
            token: TokenSpec {
                access_token: "/access",
                refresh_token: None,
                lifetime: LifetimeSpec::None,
                refresh_lifetime: None,
                keep: &[],
            },
        }),
        ..BEARER
    };
    let fake = Fake::start(300).await;
    let (access, _) = fake.issue();
    let options = SessionOptions::new().keep_login(Secret::new(login_body()));
    let session = fake.session(&TOKEN_ONLY, TokenSet::new(Secret::new(&*access)), options);
    assert_eq!(session.send(fake.resource()).await.unwrap().status(), 200);
    assert_eq!(fake.state().exchanges, 0);
    fake.state().accepted.clear();
    assert_eq!(session.send(fake.resource()).await.unwrap().status(), 200);
    {
        let state = fake.state();
        assert_eq!((state.exchanges, state.resources), (1, 3));
    }

    // Without a kept login, a 401 means logging in again.
    let session = fake.session(&TOKEN_ONLY, TokenSet::new(Secret::new("revoked")), SessionOptions::new());
    let err = session.send(fake.resource()).await.unwrap_err();
    assert!(matches!(err, SendError::Auth(AuthError::LoginRequired { .. })), "{err:?}");
}

#[tokio::test]
async fn requests_for_another_server_are_refused() {
    let fake = Fake::start(300).await;
    let session = fake.session(&BEARER, fresh("a", "r"), SessionOptions::new());
    let request = reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.2:9/".parse().unwrap());
    let err = session.send(request).await.unwrap_err();
    assert!(matches!(err, SendError::Auth(AuthError::Unplaceable { .. })), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_refresh() {
    let fake = Fake::start(300).await;
    let (_, refresh) = fake.issue();
    // A slow refresh, so that callers pile up behind it.
    fake.state().refresh_delay = Duration::from_millis(200);
    let session = fake.session(&BEARER, expired("old", &refresh), SessionOptions::new());
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let session = session.clone();
        let request = fake.resource();
        tasks.spawn(async move { session.send(request).await.map(|r| r.status()) });
    }
    while let Some(result) = tasks.join_next().await {
        assert_eq!(result.unwrap().unwrap(), 200);
    }
    let state = fake.state();
    assert_eq!(state.refreshes, 1);
    assert_eq!(state.resources, 64);
    assert!(state.resource_auth.iter().all(|auth| auth == "Bearer SECRET-ACCESS-2"));
}

#[tokio::test]
async fn a_failed_refresh_is_seen_by_all_waiters_and_the_next_call_tries_again() {
    let fake = Fake::start(300).await;
    let (_, refresh) = fake.issue();
    {
        let mut state = fake.state();
        state.refresh_delay = Duration::from_millis(300);
        state.refresh_failures.push_back(503);
    }
    // No retries: the refresh is to fail.
    let session = fake.session(&BEARER, expired("old", &refresh), SessionOptions::new().retry(RetryPolicy::none()));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let session = session.clone();
        let request = fake.resource();
        tasks.spawn(async move { session.send(request).await.map(|r| r.status()) });
    }
    while let Some(result) = tasks.join_next().await {
        let err = result.unwrap().unwrap_err();
        assert!(matches!(err, SendError::Auth(AuthError::Rejected { status: 503, .. })), "{err:?}");
    }
    assert_eq!(fake.state().refreshes, 1);
    assert_eq!(fake.state().resources, 0);

    assert_eq!(session.send(fake.resource()).await.unwrap().status(), 200);
    let state = fake.state();
    assert_eq!((state.refreshes, state.resources), (2, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_rejected_with_a_replaced_token_use_the_newer_one() {
    let fake = Fake::start(300).await;
    let (_, refresh) = fake.issue();
    fake.state().refresh_delay = Duration::from_millis(100);
    let session = fake.session(&BEARER, fresh("revoked", &refresh), SessionOptions::new());
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let session = session.clone();
        let request = fake.resource();
        tasks.spawn(async move { session.send(request).await.map(|r| r.status()) });
    }
    while let Some(result) = tasks.join_next().await {
        assert_eq!(result.unwrap().unwrap(), 200);
    }
    assert_eq!(fake.state().refreshes, 1);
}

#[tokio::test]
async fn changes_are_reported_and_access_token_refreshes_ahead() {
    let fake = Fake::start(300).await;
    let (_, refresh) = fake.issue();
    let changes = Arc::new(AtomicUsize::new(0));
    let counter = changes.clone();
    let options = SessionOptions::new().on_change(move |_tokens| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let session = fake.session(&BEARER, expired("old", &refresh), options);
    assert_eq!(changes.load(Ordering::SeqCst), 1, "once at creation");
    assert_eq!(session.access_token().await.unwrap().expose(), "SECRET-ACCESS-2");
    assert_eq!(session.access_token().await.unwrap().expose(), "SECRET-ACCESS-2");
    assert_eq!(changes.load(Ordering::SeqCst), 2);
    assert_eq!(fake.state().refreshes, 1);
    session.renew().await.unwrap();
    assert_eq!(session.current().access_token().expose(), "SECRET-ACCESS-3");
    assert_eq!(changes.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn jwt_lifetimes_are_read_from_token_responses() {
    use base64::Engine as _;
    let encode = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    let jwt = format!("{}.{}.sig", encode(r#"{"alg":"none"}"#), encode(r#"{"exp":2000000300,"iat":2000000000}"#));
    let spec = TokenSpec {
        access_token: "/access",
        refresh_token: Some("/refresh"),
        lifetime: LifetimeSpec::JwtExp,
        refresh_lifetime: None,
        keep: &[],
    };
    let tokens = TokenSet::from_response(&spec, &json!(null), &json!({"access": jwt})).unwrap();
    assert_eq!(tokens.lifetime(), Some(Duration::from_secs(300)));
    assert!(tokens.refresh_token().is_none());
    let opaque = TokenSet::from_response(&spec, &json!(null), &json!({"access": "18:ABC"})).unwrap();
    assert_eq!(opaque.lifetime(), None);
}

/// HTTP Basic credentials (RFC 7617) leave the client as `Basic` and the base64 of `user:password`, byte for
/// byte.
#[tokio::test]
async fn basic_credentials_are_sent_as_rfc_7617_says() {
    static BASIC: clientgen_runtime::auth::AuthSpec = clientgen_runtime::auth::AuthSpec {
        scheme: "basicAuth",
        placement: clientgen_runtime::auth::Placement::Header { name: "authorization", prefix: "Basic " },
        exchange: None,
        refresh: None,
        single_use: false,
    };
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/me")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let base_url = reqwest::Url::parse(&server.uri()).unwrap();
    let credential = clientgen_runtime::auth::basic_credential(&Secret::new("Aladdin"), &Secret::new("open sesame"));
    let session =
        clientgen_runtime::auth::Session::with_credential(reqwest::Client::new(), base_url.clone(), &BASIC, credential);
    let response =
        session.send(reqwest::Request::new(reqwest::Method::GET, base_url.join("/me").unwrap())).await.unwrap();
    assert_eq!(response.status(), 200);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].headers.get("authorization").unwrap().as_bytes(), b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

#[tokio::test]
async fn a_429_on_the_refresh_is_retried_by_the_policy_and_waiters_share_the_outcome() {
    let fake = Fake::start(300).await;
    let (_, refresh) = fake.issue();
    {
        let mut state = fake.state();
        state.refresh_delay = Duration::from_millis(100);
        state.refresh_failures.extend([429, 503]);
    }
    let options = SessionOptions::new().retry(RetryPolicy::default().initial_backoff(Duration::from_millis(20)));
    let session = fake.session(&BEARER, expired("old", &refresh), options);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let session = session.clone();
        let request = fake.resource();
        tasks.spawn(async move { session.send(request).await.map(|r| r.status()) });
    }
    while let Some(result) = tasks.join_next().await {
        assert_eq!(result.unwrap().unwrap(), 200);
    }
    let state = fake.state();
    // One renewal: its request answered 429, then 503, then issued the tokens.
    assert_eq!((state.refreshes, state.resources), (3, 32));
    assert_eq!(session.generation(), 1);
}
