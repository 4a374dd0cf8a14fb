//! No secret ever shows: full login / refresh / error flows run with `tracing` at TRACE (events, and each
//! operation's span with its fields), and the `Debug` and `Display` of every value a user can touch are
//! captured; no secret string may appear in any of it.

use std::time::Duration;

use clientgen_tests::{Capture, Mock, MockServer, ResponseTemplate, counted, http_client, json, jwt, method, path};
use serde_json::json;

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} shows the secret {secret:?}:\n{text}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn progeny_flows_leak_nothing() {
    let capture = Capture::default();
    let _guard = capture.install();

    let access1 = jwt("first-access", 1);
    let access2 = jwt("second-access", 300);
    let secrets = ["pa55word-leak", "refresh-one-leak", "refresh-two-leak", access1.as_str(), access2.as_str()];

    let server = MockServer::start().await;
    // The explicit exchange, the login, the session's own re-login, then a refused login.
    let (obtain, obtained) = counted({
        let access1 = access1.clone();
        move |n, _| {
            if n < 4 {
                json(200, json!({"access": access1, "refresh": "refresh-one-leak"}))
            } else {
                json(401, json!({"detail": "No active account found with the given credentials"}))
            }
        }
    });
    Mock::given(path("/api/v3/accounts/token/obtain/")).respond_with(obtain).mount(&server).await;
    let (refresh, refreshed) = counted({
        let access2 = access2.clone();
        move |n, _| {
            if n == 1 {
                json(200, json!({"access": access2, "refresh": "refresh-two-leak"}))
            } else {
                json(401, json!({"detail": "Token is invalid or expired", "code": "token_not_valid"}))
            }
        }
    });
    Mock::given(path("/api/v3/accounts/token/refresh/")).respond_with(refresh).mount(&server).await;
    let (things, things_seen) = counted(|_, _| ResponseTemplate::new(401).set_body_string("nope"));
    Mock::given(method("GET")).and(path("/api/v3/things/")).respond_with(things).mount(&server).await;

    use progeny_client::types::{TokenObtainPairRequest, TokenRefreshRequest};
    use progeny_client::{Client, Secret, SessionOptions};
    let mut shown = Vec::new();
    let client =
        Client::with_http_client(&format!("{}/api/v3", server.uri()), http_client(Duration::from_secs(5))).unwrap();
    let login = TokenObtainPairRequest::new("alice", Secret::new("pa55word-leak"));
    shown.push(format!("{login:?} {client:?}"));
    let pair = client.obtain_token_pair(&login).await.unwrap();
    shown.push(format!("{pair:?} {:?} {}", pair.access, pair.refresh));
    let options = SessionOptions::default().reexchange(true);
    shown.push(format!("{options:?}"));
    let session = client.login(&login, options).await.unwrap();
    shown.push(format!("{session:?} {:?}", session.session()));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    // Expired: refresh (rotating), then the resource answers 401: a forced refresh is rejected, so the
    // session logs in again and retries once.
    let request = session.request(reqwest::Method::GET, "/things/").build().unwrap();
    let outcome = session.send(request).await;
    shown.push(format!("{outcome:?}"));
    // The renewal path ran: a refresh ahead of the call (rotating), the call's 401, a refused refresh, a
    // login with the kept request, the resend, and its 401 back to the caller.
    assert_eq!(outcome.as_ref().map(reqwest::Response::status).ok(), Some(reqwest::StatusCode::UNAUTHORIZED));
    let count = |counter: &std::sync::atomic::AtomicUsize| counter.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!((count(&refreshed), count(&obtained), count(&things_seen)), (2, 3, 2));
    let current = session.session().unwrap().current();
    shown.push(format!("{current:?} {:?}", session.session().unwrap().stored()));
    let refresh_err =
        client.refresh_token_pair(&TokenRefreshRequest::new(Secret::new("refresh-two-leak"))).await.unwrap_err();
    shown.push(format!("{refresh_err:?} {refresh_err}"));
    let bad_login = client.obtain_token_pair(&login).await;
    assert!(bad_login.is_err(), "the fourth login is refused");
    shown.push(format!("{bad_login:?}"));

    let logs = capture.text();
    // The session's own events of the renewal, and the spans of the explicit calls, were all captured.
    for event in [
        "refreshing the access token",
        "the refresh token was rotated",
        "401 answer; renewing once",
        "the refresh token was rejected",
        "logging in again with the kept login request",
        "resending the request once",
    ] {
        assert!(logs.contains(event), "the session's event {event:?} was captured:\n{logs}");
    }
    assert!(logs.contains("url.template=\"/accounts/token/refresh/\""), "operation spans were captured:\n{logs}");
    assert_clean("tracing output", &logs, &secrets);
    for text in &shown {
        assert_clean("a Debug or Display", text, &secrets);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn finqware_and_deskpro_values_leak_nothing() {
    let capture = Capture::default();
    let _guard = capture.install();
    let secrets = ["finq-secret-leak", "finq-temp-leak", "finq-access-leak", "desk-pass-leak", "9:DESKTOKENLEAK"];
    let server = MockServer::start().await;
    Mock::given(path("/v1/tokens"))
        .respond_with(json(
            200,
            json!({"credentials_id": "242a5690-1b2c-4d3e-8f90-b4ed02bebd7f", "access_token": "finq-access-leak",
                   "consent_exp": "2999-01-01T00:00:00Z", "max_data_retention": "2999-01-01T00:00:00Z"}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/v1/accounts/get"))
        .respond_with(json(401, json!({"id": "242a5690-1b2c-4d3e-8f90-b4ed02bebd7f", "type": "unauthorized", "http": 401, "code": "invalid_access_token", "message": "bad"})))
        .mount(&server)
        .await;
    Mock::given(path("/api/v2/api_tokens"))
        .respond_with(json(
            201,
            json!({"data": {"person_id": 9, "token": "9:DESKTOKENLEAK"}, "meta": {}, "linked": {}}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/api/v2/me"))
        .respond_with(json(401, json!({"status": 401, "code": "invalid_api_token", "message": "no"})))
        .mount(&server)
        .await;

    let mut shown = Vec::new();
    {
        use finqware_client::types::{DataRequest, TokenExchangeRequest};
        use finqware_client::{Client, Secret, SessionOptions};
        let client =
            Client::with_http_client(&format!("{}/v1", server.uri()), http_client(Duration::from_secs(5))).unwrap();
        let request = TokenExchangeRequest::new("app", Secret::new("finq-secret-leak"), Secret::new("finq-temp-leak"));
        let session = client.login(&request, SessionOptions::default()).await.unwrap();
        let err = session.get_accounts(&DataRequest::new("u")).await.unwrap_err();
        shown.push(format!("{request:?} {session:?} {err:?} {err} {:?}", session.session().unwrap().current()));
    }
    {
        use deskpro_client::types::ApiTokenRequest;
        use deskpro_client::{Client, Secret, SessionOptions};
        let client =
            Client::with_http_client(&format!("{}/api/v2", server.uri()), http_client(Duration::from_secs(5))).unwrap();
        let login = ApiTokenRequest::new("a@example.com", Secret::new("desk-pass-leak"));
        let token = client.create_api_token(&login).await.unwrap();
        let session = client.login(&login, SessionOptions::default().reexchange(true)).await.unwrap();
        let err = session.get_me().await.unwrap_err();
        shown.push(format!("{login:?} {token:?} {session:?} {err:?} {err}"));
    }
    let logs = capture.text();
    assert!(logs.contains("url.template=\"/me\""), "operation spans were captured:\n{logs}");
    assert_clean("tracing output", &logs, &secrets);
    for text in &shown {
        assert_clean("a Debug or Display", text, &secrets);
    }
}
