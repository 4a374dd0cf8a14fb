//! Deskpro's generated client against a loopback server that answers as Deskpro does (api-notes.md).

use std::time::Duration;

use clientgen_tests::{Mock, MockServer, ResponseTemplate, body_json, header, http_client, json, method, path};
use deskpro_client::types::{ApiTokenRequest, AuthMethod};
use deskpro_client::{AuthError, Client, CreateApiTokenError, Error, GetMeError, Secret};
use serde_json::json;

fn login() -> ApiTokenRequest {
    ApiTokenRequest::new("john@example.com", Secret::new("foobar"))
}

async fn client(server: &MockServer) -> Client {
    Client::with_http_client(&format!("{}/api/v2", server.uri()), http_client(Duration::from_secs(5))).unwrap()
}

#[tokio::test]
async fn exchange_returns_the_typed_token_from_the_201_envelope() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/api_tokens"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"email": "john@example.com", "password": "foobar"})))
        .respond_with(json(
            201,
            json!({"data": {"person_id": 2, "token": "18:BZWWGQ58QDX8H5B4W4RAJ978Q", "discover": true}, "meta": {}, "linked": {}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).await.create_api_token(&login()).await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.data.person_id, 2);
    assert_eq!(response.data.token.expose(), "18:BZWWGQ58QDX8H5B4W4RAJ978Q");
    assert!(!format!("{response:?}").contains("BZWWGQ58"), "Debug must not show the token");
}

#[tokio::test]
async fn bad_input_decodes_the_nested_field_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/api_tokens"))
        .respond_with(json(
            400,
            json!({"status": 400, "code": "invalid_input", "message": "Request input is invalid.",
                   "errors": {"errors": [], "fields": {"email": {"errors": [{"code": "required", "message": "This value should not be blank."}], "fields": {}}}}}),
        ))
        .mount(&server)
        .await;
    let err = client(&server).await.create_api_token(&login()).await.unwrap_err();
    let Error::Api { status, error: CreateApiTokenError::BadRequest(body), .. } = err else { panic!("{err:?}") };
    assert_eq!(status, 400);
    assert_eq!(body.code, "invalid_input");
    let fields = body.errors.unwrap().fields.unwrap();
    assert_eq!(fields["email"].errors.as_ref().unwrap()[0].code, "required");
}

#[tokio::test]
async fn wrong_password_is_a_typed_401_with_its_challenge_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/api_tokens"))
        .respond_with(
            json(401, json!({"status": 401, "code": "bad_credentials", "message": "Bad credentials."}))
                .insert_header("WWW-Authenticate", "session,token,key realm=\"DeskPRO API\""),
        )
        .mount(&server)
        .await;
    let err = client(&server).await.create_api_token(&login()).await.unwrap_err();
    assert_eq!(err.headers().unwrap()["www-authenticate"], "session,token,key realm=\"DeskPRO API\"");
    let Error::Api { error: CreateApiTokenError::Unauthorized(body), .. } = &err else { panic!("{err:?}") };
    assert_eq!(body.code, "bad_credentials");
    assert!(!format!("{err:?} {err}").contains("foobar"));
}

#[tokio::test]
async fn an_undocumented_status_of_the_login_keeps_status_and_headers_but_not_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/api_tokens"))
        .respond_with(ResponseTemplate::new(503).set_body_string("maintenance").insert_header("retry-after", "30"))
        .mount(&server)
        .await;
    let err = client(&server).await.create_api_token(&login()).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    let Error::UnexpectedStatus { status, headers, body, truncated } = &err else { panic!("{err:?}") };
    assert_eq!(*status, 503);
    assert_eq!(headers["retry-after"], "30");
    // The login's answers may hold a credential: an undocumented one is not quoted.
    assert_eq!((&body[..], *truncated), (&b""[..], false));
}

#[tokio::test]
async fn a_non_json_success_body_is_a_decode_error_that_does_not_quote_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/api_tokens"))
        .respond_with(ResponseTemplate::new(201).set_body_string("<html>token 18:SECRETSECRET</html>"))
        .mount(&server)
        .await;
    let err = client(&server).await.create_api_token(&login()).await.unwrap_err();
    let Error::Decode { status, snippet, message, .. } = &err else { panic!("{err:?}") };
    assert_eq!(*status, 201);
    // The token response may hold a credential, so the body is not quoted.
    assert!(snippet.is_empty());
    assert!(!message.contains("SECRET") && !format!("{err:?}").contains("SECRET"));
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(201, json!({})).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client =
        Client::with_http_client(&format!("{}/api/v2", server.uri()), http_client(Duration::from_millis(200))).unwrap();
    let err = client.create_api_token(&login()).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn me_needs_credentials_and_sends_nothing_without_them() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(json(200, json!({}))).expect(0).mount(&server).await;
    let err = client(&server).await.get_me().await.unwrap_err();
    assert!(matches!(err, Error::Auth(AuthError::NoCredentials { .. })), "{err:?}");
}

#[tokio::test]
async fn me_decodes_auth_method_and_unknown_values() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/me"))
        .and(header("authorization", "key 1:ADMINKEY"))
        .respond_with(json(
            200,
            json!({"data": {"auth_method": "api_key", "app_id": null, "person_id": 1, "person": {"id": 1, "name": "Admin", "extra": 5}}, "meta": {}, "linked": {}}),
        ))
        .mount(&server)
        .await;
    let client = client(&server).await.with_api_key(Secret::new("1:ADMINKEY"));
    let me = client.get_me().await.unwrap();
    assert_eq!(me.data.auth_method, AuthMethod::ApiKey);
    assert_eq!(me.data.app_id, None);
    assert_eq!(me.data.person.name, Some(Some("Admin".to_owned())));
    let parsed: AuthMethod = serde_json::from_value(json!("sso")).unwrap();
    assert_eq!(parsed, AuthMethod::Other("sso".into()));
}

#[tokio::test]
async fn me_errors_are_typed_per_status() {
    let server = MockServer::start().await;
    for (status, code) in [(403, "forbidden"), (423, "helpdesk_offline"), (429, "too_many_requests")] {
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(json(status, json!({"status": status, "code": code, "message": "no"})))
            .mount(&server)
            .await;
        let client = client(&server).await.with_api_token(Secret::new("2:TOKEN"));
        let err = client.get_me().await.unwrap_err();
        // Each status its own variant: a 403 read as `Locked` would fail here.
        let body = match (status, err) {
            (403, Error::Api { error: GetMeError::Forbidden(body), .. })
            | (423, Error::Api { error: GetMeError::Locked(body), .. })
            | (429, Error::Api { error: GetMeError::TooManyRequests(body), .. }) => body,
            (status, other) => panic!("{status}: {other:?}"),
        };
        assert_eq!(body.code, code);
    }
}

#[tokio::test]
async fn the_default_client_follows_redirects_only_within_the_origin() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET")).respond_with(json(200, json!({}))).expect(0).mount(&elsewhere).await;
    Mock::given(method("GET"))
        .and(path("/api/v2/me"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/steal", elsewhere.uri())))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/moved"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/api/v2/me2"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/me2"))
        .and(header("authorization", "token 2:TOKEN"))
        .respond_with(json(200, json!({"ok": true})))
        .mount(&server)
        .await;
    let client =
        Client::with_base_url(&format!("{}/api/v2", server.uri())).unwrap().with_api_token(Secret::new("2:TOKEN"));
    let err = client.get_me().await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus { status, .. } if status == 302), "{err:?}");
    let moved = client.request(reqwest::Method::GET, "/moved").build().unwrap();
    assert_eq!(client.send(moved).await.unwrap().status(), 200);
}
