//! Formflow's generated client against a loopback server that answers as Formflow does (api-notes.md).

use std::time::Duration;

use clientgen_tests::{Mock, MockServer, ResponseTemplate, body_json, http_client, json, method, path};
use formflow_client::types::{ApiClientsRequestDto, ErrorBodyMessage};
use formflow_client::{Client, Error, GetTokenError, Secret};
use serde_json::json;

fn credentials() -> ApiClientsRequestDto {
    ApiClientsRequestDto::new("client-1", Secret::new("s3cr3t-client"), "org-9")
}

async fn client(server: &MockServer) -> Client {
    Client::with_http_client(&server.uri(), http_client(Duration::from_secs(5))).unwrap()
}

#[tokio::test]
async fn exchange_returns_the_typed_bearer_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/token"))
        .and(body_json(json!({"clientId": "client-1", "clientSecret": "s3cr3t-client", "organizationId": "org-9"})))
        .respond_with(json(
            200,
            json!({"token": "eyJhbGciOiJIUzI1NiJ9.e30.sig", "expires_in": 3600, "token_type": "Bearer"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let token = client(&server).await.get_token(&credentials()).await.unwrap().into_inner();
    assert_eq!(token.token.expose(), "eyJhbGciOiJIUzI1NiJ9.e30.sig");
    assert_eq!(token.expires_in, 3600.0);
    assert_eq!(token.token_type, "Bearer");
}

#[tokio::test]
async fn bad_request_decodes_a_list_of_messages() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(
            400,
            json!({"statusCode": 400, "message": ["clientId must be a string"], "error": "Bad Request"}),
        ))
        .mount(&server)
        .await;
    let err = client(&server).await.get_token(&credentials()).await.unwrap_err();
    let Error::Api { error: GetTokenError::BadRequest(body), .. } = err else { panic!("{err:?}") };
    assert_eq!(body.status_code, Some(400));
    assert_eq!(body.message, Some(ErrorBodyMessage::Array(vec!["clientId must be a string".into()])));
}

#[tokio::test]
async fn unauthorized_decodes_a_single_message_and_an_empty_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(401, json!({"statusCode": 401, "message": "Unauthorized"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    let client = client(&server).await;
    let err = client.get_token(&credentials()).await.unwrap_err();
    let Error::Api { error: GetTokenError::Unauthorized(body), .. } = &err else { panic!("{err:?}") };
    assert_eq!(body.message, Some(ErrorBodyMessage::String("Unauthorized".into())));
    assert!(!format!("{err:?}").contains("s3cr3t"));
    let err = client.get_token(&credentials()).await.unwrap_err();
    let Error::Api { error: GetTokenError::Unauthorized(body), .. } = &err else { panic!("{err:?}") };
    assert_eq!(body.status_code, None);
}

#[tokio::test]
async fn a_non_json_error_body_is_a_decode_error_with_status_and_snippet() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string("<html><h1>Bad Request</h1></html>"))
        .mount(&server)
        .await;
    let err = client(&server).await.get_token(&credentials()).await.unwrap_err();
    let Error::Decode { status, snippet, .. } = &err else { panic!("{err:?}") };
    assert_eq!(*status, 400);
    assert!(snippet.is_empty(), "the token operation's bodies may hold credentials: {snippet}");
}

#[tokio::test]
async fn rate_limited_is_typed_and_exposes_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            json(429, json!({"statusCode": 429, "message": "ThrottlerException: Too Many Requests"}))
                .insert_header("Retry-After", "42"),
        )
        .mount(&server)
        .await;
    let err = client(&server).await.get_token(&credentials()).await.unwrap_err();
    assert!(matches!(err, Error::Api { error: GetTokenError::TooManyRequests(_), .. }), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(42)));
}

#[tokio::test]
async fn an_undocumented_status_of_the_token_request_is_kept_without_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .mount(&server)
        .await;
    let err = client(&server).await.get_token(&credentials()).await.unwrap_err();
    let Error::UnexpectedStatus { status, body, truncated, .. } = &err else { panic!("{err:?}") };
    assert_eq!(*status, 502);
    // The token request's answers may hold a credential: an undocumented one is not quoted.
    assert!(body.is_empty(), "{body:?}");
    assert!(!truncated);
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(200, json!({})).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = Client::with_http_client(&server.uri(), http_client(Duration::from_millis(200))).unwrap();
    assert!(client.get_token(&credentials()).await.unwrap_err().is_timeout());
}

#[test]
fn the_default_server_is_the_documented_one() {
    assert_eq!(Client::new().unwrap().base_url(), "https://main.formflow-dev.net");
}
