//! Progeny's generated client against a loopback server that answers as djangorestframework-simplejwt does.

use std::time::Duration;

use clientgen_tests::{Mock, MockServer, ResponseTemplate, body_json, http_client, json, method, path};
use progeny_client::types::{TokenObtainPairRequest, TokenRefreshRequest};
use progeny_client::{Client, Error, ObtainTokenPairError, RefreshTokenPairError, Secret};
use serde_json::json;

fn login() -> TokenObtainPairRequest {
    TokenObtainPairRequest::new("alice", Secret::new("pa55word"))
}

async fn client(server: &MockServer) -> Client {
    Client::with_http_client(&format!("{}/api/v3", server.uri()), http_client(Duration::from_secs(5))).unwrap()
}

#[tokio::test]
async fn obtain_returns_the_typed_pair_and_keeps_the_trailing_slash() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v3/accounts/token/obtain/"))
        .and(body_json(json!({"username": "alice", "password": "pa55word"})))
        .respond_with(json(200, json!({"refresh": "r.jwt.1", "access": "a.jwt.1"})))
        .expect(1)
        .mount(&server)
        .await;
    let pair = client(&server).await.obtain_token_pair(&login()).await.unwrap();
    assert_eq!(pair.access.expose(), "a.jwt.1");
    assert_eq!(pair.refresh.expose(), "r.jwt.1");
}

#[tokio::test]
async fn obtain_errors_are_typed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(400, json!({"password": ["This field may not be blank."]})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(401, json!({"detail": "No active account found with the given credentials"})))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let err = client.obtain_token_pair(&login()).await.unwrap_err();
    let Error::Api { error: ObtainTokenPairError::BadRequest(fields), .. } = err else { panic!("{err:?}") };
    assert_eq!(fields["password"], vec!["This field may not be blank.".to_owned()]);
    let err = client.obtain_token_pair(&login()).await.unwrap_err();
    let Error::Api { error: ObtainTokenPairError::Unauthorized(body), .. } = err else { panic!("{err:?}") };
    assert_eq!(body.detail, "No active account found with the given credentials");
    assert_eq!(body.code, None);
}

#[tokio::test]
async fn refresh_accepts_a_response_without_a_rotated_refresh_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v3/accounts/token/refresh/"))
        .and(body_json(json!({"refresh": "r.jwt.1"})))
        .respond_with(json(200, json!({"access": "a.jwt.2"})))
        .mount(&server)
        .await;
    let body = TokenRefreshRequest::new(Secret::new("r.jwt.1"));
    let refreshed = client(&server).await.refresh_token_pair(&body).await.unwrap();
    assert_eq!(refreshed.access.expose(), "a.jwt.2");
    assert!(refreshed.refresh.is_none());
}

#[tokio::test]
async fn a_rejected_refresh_token_is_a_typed_401() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            json(401, json!({"detail": "Token is invalid or expired", "code": "token_not_valid"}))
                .insert_header("WWW-Authenticate", "Bearer realm=\"api\""),
        )
        .mount(&server)
        .await;
    let body = TokenRefreshRequest::new(Secret::new("r.jwt.old"));
    let err = client(&server).await.refresh_token_pair(&body).await.unwrap_err();
    let Error::Api { error: RefreshTokenPairError::Unauthorized(body), headers, .. } = &err else { panic!("{err:?}") };
    assert_eq!(body.code.as_deref(), Some("token_not_valid"));
    assert_eq!(headers["www-authenticate"], "Bearer realm=\"api\"");
    assert!(!format!("{err:?}").contains("r.jwt.old"));
}

#[tokio::test]
async fn undocumented_status_and_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v3/accounts/token/obtain/"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<h1>Server Error (500)</h1>"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v3/accounts/token/refresh/"))
        .respond_with(json(200, json!({})).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client =
        Client::with_http_client(&format!("{}/api/v3", server.uri()), http_client(Duration::from_millis(300))).unwrap();
    let err = client.obtain_token_pair(&login()).await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus { status, .. } if status == 500), "{err:?}");
    let err = client.refresh_token_pair(&TokenRefreshRequest::new(Secret::new("r"))).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}
