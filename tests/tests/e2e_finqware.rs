//! Finqware's generated client against a loopback server that answers as Finqware does (api-notes.md).

use std::time::Duration;

use clientgen_tests::{Mock, MockServer, ResponseTemplate, body_json, http_client, json, method, path};
use finqware_client::types::TokenExchangeRequest;
use finqware_client::{Client, Error, ExchangeTokenError, Secret};
use serde_json::json;

fn request() -> TokenExchangeRequest {
    TokenExchangeRequest::new("tenant-app", Secret::new("app-secret-123"), Secret::new("temp-once-456"))
}

async fn client(server: &MockServer) -> Client {
    Client::with_http_client(&format!("{}/v1", server.uri()), http_client(Duration::from_secs(5))).unwrap()
}

fn error_body(http: u16, kind: &str, code: &str) -> serde_json::Value {
    json!({"id": "5b1c8f8e-6f0e-4b7a-9d4e-0c1f2a3b4c5d", "type": kind, "http": http, "code": code, "message": "nope"})
}

#[tokio::test]
async fn exchange_returns_typed_ids_and_timestamps() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/tokens"))
        .and(body_json(
            json!({"client_id": "tenant-app", "client_secret": "app-secret-123", "temp_token": "temp-once-456"}),
        ))
        .respond_with(json(
            200,
            json!({"credentials_id": "242a5690-1b2c-4d3e-8f90-b4ed02bebd7f", "access_token": "MDAxNmxvY-opaque",
                   "consent_exp": "2020-11-03T11:22:54Z", "max_data_retention": "2020-12-03T11:22:54Z"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let consent = client(&server).await.exchange_token(&request()).await.unwrap().into_inner();
    assert_eq!(consent.credentials_id.to_string(), "242a5690-1b2c-4d3e-8f90-b4ed02bebd7f");
    assert_eq!(consent.access_token.expose(), "MDAxNmxvY-opaque");
    assert_eq!(consent.consent_exp.to_rfc3339(), "2020-11-03T11:22:54+00:00");
    assert!(consent.max_data_retention > consent.consent_exp);
}

#[tokio::test]
async fn each_documented_error_status_is_typed() {
    let server = MockServer::start().await;
    let cases = [
        (400, "invalid_request", "missing_fields"),
        (401, "unauthorized", "invalid_temp_token"),
        (404, "invalid_request", "invalid_client_id"),
        (503, "internal_error", "service_unavailable"),
    ];
    for (status, kind, code) in cases {
        server.reset().await;
        Mock::given(method("POST")).respond_with(json(status, error_body(status, kind, code))).mount(&server).await;
        let err = client(&server).await.exchange_token(&request()).await.unwrap_err();
        // Each status its own variant: a 404 read as `BadRequest` would fail here.
        let body = match (status, &err) {
            (400, Error::Api { error: ExchangeTokenError::BadRequest(body), .. })
            | (401, Error::Api { error: ExchangeTokenError::Unauthorized(body), .. })
            | (404, Error::Api { error: ExchangeTokenError::NotFound(body), .. })
            | (503, Error::Api { error: ExchangeTokenError::ServerError(body), .. }) => body,
            (status, other) => panic!("{status}: {other:?}"),
        };
        assert_eq!((i32::from(status), body.r#type.as_str(), body.code.as_str()), (body.http, kind, code));
        let shown = format!("{err:?} {err}");
        assert!(!shown.contains("app-secret-123") && !shown.contains("temp-once-456"));
    }
}

#[tokio::test]
async fn an_undocumented_status_and_a_truncated_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(418).set_body_string("teapot"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"credentials_id": "242a5690"#, "application/json"))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let err = client.exchange_token(&request()).await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus { status, .. } if status == 418), "{err:?}");
    let err = client.exchange_token(&request()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { status, .. } if status == 200), "{err:?}");
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(200, json!({})).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = Client::with_http_client(&server.uri(), http_client(Duration::from_millis(200))).unwrap();
    assert!(client.exchange_token(&request()).await.unwrap_err().is_timeout());
}
