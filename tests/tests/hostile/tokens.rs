//! Token responses a server should not send, and a server that refuses every renewed token: each is a
//! typed error or a session that still works, and no renewal loops.

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clientgen_runtime::Error;
use clientgen_tests::{Mock, MockServer, ResponseTemplate, counted, http_client, json, method, path};
use serde_json::{Value, json};

use super::token_api::{Client, RetryPolicy, Secret, SessionOptions};

/// An unsigned JWT with these claims.
pub fn token(claims: Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    format!("{header}.{}.c2ln", URL_SAFE_NO_PAD.encode(claims.to_string()))
}

/// Seconds since the epoch, by this machine's clock.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A token server whose login and refresh answer with `access` (the n-th token), and a resource answering
/// `things` (the n-th call); the counters of the refreshes and of the resource's calls.
pub async fn token_server(
    access: impl Fn(usize) -> (String, Option<String>) + Send + Sync + Copy + 'static,
    things: impl Fn(usize) -> ResponseTemplate + Send + Sync + 'static,
) -> (MockServer, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let answer = move |n: usize| {
        let (token, date) = access(n);
        let template = json(200, json!({"access": token, "refresh": format!("refresh-{n}")}));
        match date {
            Some(date) => template.insert_header("date", date.as_str()),
            None => template,
        }
    };
    let (login, _) = counted(move |n, _| answer(n));
    Mock::given(method("POST")).and(path("/token")).respond_with(login).mount(&server).await;
    let (refresh, refreshes) = counted(move |n, _| answer(n + 100));
    Mock::given(method("POST")).and(path("/token/refresh")).respond_with(refresh).mount(&server).await;
    let (resource, calls) = counted(move |n, _| things(n));
    Mock::given(method("GET")).and(path("/things")).respond_with(resource).mount(&server).await;
    (server, refreshes, calls)
}

pub async fn logged_in(server: &MockServer) -> Result<Client, Error<std::convert::Infallible>> {
    let client = Client::with_http_client(&server.uri(), http_client(Duration::from_secs(10))).unwrap();
    let login = super::token_api::types::ObtainTokenRequest::new("alice", Secret::new("SECRET-PASSWORD"));
    client.with_retry(RetryPolicy::none()).login(&login, SessionOptions::default()).await
}

pub fn ok(_: usize) -> ResponseTemplate {
    json(200, json!({"ok": true}))
}

pub fn hits(counter: &AtomicUsize) -> usize {
    counter.load(std::sync::atomic::Ordering::SeqCst)
}

#[tokio::test]
async fn a_jwt_without_exp_has_no_known_lifetime_and_is_renewed_on_a_401_only() {
    let (server, refreshes, calls) =
        token_server(|n| (token(json!({"jti": n})), None), |n| if n == 3 { ResponseTemplate::new(401) } else { ok(n) })
            .await;
    let client = logged_in(&server).await.unwrap();
    for _ in 0..3 {
        client.list_things().await.unwrap();
    }
    // Two calls, then a 401, one refresh and the resend.
    assert_eq!((hits(&refreshes), hits(&calls)), (1, 4));
}

#[tokio::test]
async fn a_jwt_whose_exp_has_passed_is_renewed_once_per_call_not_in_a_loop() {
    // Issued already expired, by the claims and by both clocks (no `Date` skew): each call renews once, and
    // the renewed token (expired too) is sent as it is, for the server to judge.
    let (server, refreshes, calls) = token_server(|n| (token(json!({"exp": now() - 600, "jti": n})), None), ok).await;
    let client = logged_in(&server).await.unwrap();
    for _ in 0..3 {
        client.list_things().await.unwrap();
    }
    assert_eq!((hits(&refreshes), hits(&calls)), (3, 3));
}

#[tokio::test]
async fn a_401_after_every_renewal_renews_once_and_returns_the_401() {
    let (server, refreshes, calls) = token_server(
        |n| (token(json!({"exp": now() + 300, "iat": now(), "jti": n})), None),
        |_| ResponseTemplate::new(401),
    )
    .await;
    let client = logged_in(&server).await.unwrap();
    let err = client.list_things().await.unwrap_err();
    assert!(matches!(err.api_error(), Some(super::token_api::ListThingsError::Unauthorized)), "{err:?}");
    assert_eq!((hits(&refreshes), hits(&calls)), (1, 2), "one renewal, one resend, then the 401");
    // The next call does the same, once again: no loop, no renewal storm.
    client.list_things().await.unwrap_err();
    assert_eq!((hits(&refreshes), hits(&calls)), (2, 4));
}

mod expires_in {
    //! Formflow's token response states its lifetime in `expires_in` (a number of seconds).

    use super::*;
    use formflow_client::types::ApiClientsRequestDto;

    /// Logs in against a server whose token response holds `expires_in`; the server is returned too, to
    /// outlive the session.
    async fn login(expires_in: Value) -> (MockServer, Result<formflow_client::Client, String>) {
        let server = MockServer::start().await;
        let body = json!({"token": "SECRET-TOKEN", "expires_in": expires_in, "token_type": "Bearer"});
        Mock::given(method("POST")).and(path("/api/token")).respond_with(json(200, body)).mount(&server).await;
        let client = formflow_client::Client::with_http_client(&server.uri(), http_client(Duration::from_secs(5)));
        let credentials = ApiClientsRequestDto::new("c", Secret::new("SECRET-CLIENT"), "o");
        let result = client.unwrap().login(&credentials, formflow_client::SessionOptions::default()).await;
        let result = result.map_err(|err| {
            let shown = format!("{err:?} {err}");
            assert!(!shown.contains("SECRET"), "{shown}");
            shown
        });
        (server, result)
    }

    #[tokio::test]
    async fn garbage_and_negative_lifetimes_are_typed_errors() {
        // Not a number: the typed response does not decode.
        let err = login(json!("soon")).await.1.unwrap_err();
        assert!(err.starts_with("Decode"), "{err}");
        // A negative number decodes, and the session refuses it, naming where.
        for value in [json!(-1), json!(-1e300)] {
            let err = login(value).await.1.unwrap_err();
            assert!(err.contains("InvalidTokenResponse") && err.contains("/expires_in"), "{err}");
        }
    }

    #[tokio::test]
    async fn an_enormous_lifetime_is_as_good_as_forever() {
        for value in [json!(1e300), json!(u64::MAX), json!(f64::MAX)] {
            let (_server, client) = login(value.clone()).await;
            let client = client.unwrap();
            let tokens = client.session().unwrap().current();
            assert_eq!(tokens.lifetime(), Some(Duration::MAX), "{value}");
            assert!(tokens.expires_in().is_some_and(|left| left > Duration::from_secs(1 << 40)), "{value}");
        }
    }
}
