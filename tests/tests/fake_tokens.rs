//! The fake token servers of the generated crates (feature `mock`, #29): a test of code that calls a crate
//! drives renewal, rotation and "log in again" against a fake that really expires tokens, in seconds. Each
//! assertion counts what the fake did.

use std::time::Duration;

use clientgen_tests::{Mock, json, path};
use futures_util::future::join_all;
use progeny_client::mock::{FakeOptions, token_server};
use progeny_client::types::{TokenObtainPairRequest, TokenRefreshRequest};
use progeny_client::{Client, Secret, SessionOptions};

fn login() -> TokenObtainPairRequest {
    TokenObtainPairRequest::new("alice", Secret::new("pa55word"))
}

#[tokio::test]
async fn fifty_concurrent_calls_across_an_expiry_see_exactly_one_refresh() {
    let fake = token_server(FakeOptions::default()).await;
    Mock::given(path("/projects")).respond_with(json(200, serde_json::json!([{"id": 1}]))).mount(fake.server()).await;
    let client = Client::with_base_url(&fake.uri()).unwrap();
    let session = client.login(&login(), SessionOptions::default()).await.unwrap();
    let call = || async {
        let request = session.request(reqwest::Method::GET, "/projects").build().unwrap();
        session.send(request).await.unwrap().status().as_u16()
    };
    assert_eq!(call().await, 200);
    // The server ends the access token early (its `exp` says five minutes): every call in flight meets a 401.
    fake.expire_access_tokens();
    let statuses = join_all((0..50).map(|_| call())).await;
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
    assert_eq!((fake.logins(), fake.refreshes()), (1, 1));
    assert!((1..=50).contains(&fake.refused()), "{}", fake.refused());
}

#[tokio::test]
async fn a_token_that_lives_one_second_is_renewed_ahead_of_its_expiry() {
    let fake = token_server(FakeOptions::default().access_lifetime(Duration::from_secs(1))).await;
    Mock::given(path("/projects")).respond_with(json(200, serde_json::json!([]))).mount(fake.server()).await;
    let session = Client::with_base_url(&fake.uri()).unwrap().login(&login(), SessionOptions::default()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let request = session.request(reqwest::Method::GET, "/projects").build().unwrap();
    assert_eq!(session.send(request).await.unwrap().status().as_u16(), 200);
    // Renewed before it was sent: the fake refused nothing.
    assert_eq!((fake.logins(), fake.refreshes(), fake.refused()), (1, 1, 0));
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_is_refused() {
    let fake = token_server(FakeOptions::default()).await;
    let client = Client::with_base_url(&fake.uri()).unwrap();
    let pair = client.obtain_token_pair(&login()).await.unwrap().into_inner();
    let first = pair.refresh.expose().to_owned();
    let rotated = client.refresh_token_pair(&TokenRefreshRequest::new(Secret::new(first.clone()))).await.unwrap();
    assert_ne!(rotated.refresh.as_ref().map(Secret::expose), Some(first.as_str()));
    let reused = client.refresh_token_pair(&TokenRefreshRequest::new(Secret::new(first))).await.unwrap_err();
    assert_eq!(reused.status().map(|s| s.as_u16()), Some(401), "{reused:?}");
    // Refused the way the spec documents it: its 401 variant, with the body of its example.
    match reused.api_error() {
        Some(progeny_client::RefreshTokenPairError::Unauthorized(body)) => {
            assert_eq!(
                (body.detail.as_str(), body.code.as_deref()),
                ("Token is invalid or expired", Some("token_not_valid"))
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!((fake.logins(), fake.refreshes(), fake.refused()), (1, 1, 1));
}

#[tokio::test]
async fn deskpro_tokens_without_a_lifetime_are_replaced_by_logging_in_again_after_a_401() {
    use deskpro_client::types::ApiTokenRequest;
    let fake = deskpro_client::mock::token_server(deskpro_client::mock::FakeOptions::default()).await;
    let me = serde_json::json!({
        "data": {"auth_method": "api_token", "app_id": null, "person_id": 1, "person": {"name": "John"}},
        "meta": {},
        "linked": {}
    });
    Mock::given(path("/me")).respond_with(json(200, me)).mount(fake.server()).await;
    let login = ApiTokenRequest::new("john@example.com", deskpro_client::Secret::new("foobar"));
    let client = deskpro_client::Client::with_base_url(&fake.uri()).unwrap();
    let session = client.login(&login, deskpro_client::SessionOptions::default().reexchange(true)).await.unwrap();
    session.get_me().await.unwrap();
    fake.expire_access_tokens();
    session.get_me().await.unwrap();
    assert_eq!((fake.logins(), fake.refused()), (2, 1));
}

#[tokio::test]
async fn formflow_tokens_of_expires_in_are_renewed_by_a_new_login_ahead_of_their_end() {
    use formflow_client::types::ApiClientsRequestDto;
    let options = formflow_client::mock::FakeOptions::default().access_lifetime(Duration::from_secs(1));
    let fake = formflow_client::mock::token_server(options).await;
    Mock::given(path("/api/policies")).respond_with(json(200, serde_json::json!([]))).mount(fake.server()).await;
    let login = ApiClientsRequestDto::new("client-1", formflow_client::Secret::new("s3cr3t-client"), "org-9");
    let client = formflow_client::Client::with_base_url(&fake.uri()).unwrap();
    let session = client.login(&login, formflow_client::SessionOptions::default().reexchange(true)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let request = session.request(reqwest::Method::GET, "/api/policies").build().unwrap();
    assert_eq!(session.send(request).await.unwrap().status().as_u16(), 200);
    assert_eq!((fake.logins(), fake.refused()), (2, 0));
}

#[tokio::test]
async fn finqware_single_use_exchanges_are_refused_twice_and_the_token_rides_in_the_body() {
    use finqware_client::types::{DataRequest, TokenExchangeRequest};
    let fake = finqware_client::mock::token_server(finqware_client::mock::FakeOptions::default()).await;
    Mock::given(path("/accounts/get"))
        .respond_with(json(200, serde_json::json!({"accounts": []})))
        .mount(fake.server())
        .await;
    let exchange = TokenExchangeRequest::new(
        "tenant-app",
        finqware_client::Secret::new("app-secret-123"),
        finqware_client::Secret::new("temp-once-456"),
    );
    let client = finqware_client::Client::with_base_url(&fake.uri()).unwrap();
    let session = client.login(&exchange, finqware_client::SessionOptions::default()).await.unwrap();
    session.get_accounts(&DataRequest::new("user-1")).await.unwrap();
    // The temp token was spent: the same exchange again is refused, and so is an expired access token.
    let again = client.exchange_token(&exchange).await.unwrap_err();
    assert!(matches!(again.api_error(), Some(finqware_client::ExchangeTokenError::Unauthorized(_))), "{again:?}");
    fake.expire_access_tokens();
    // The session cannot exchange again: the caller is told to log in, with a new temp token.
    let err = session.get_accounts(&DataRequest::new("user-1")).await.unwrap_err();
    assert!(matches!(err, finqware_client::Error::Auth(finqware_client::AuthError::LoginRequired { .. })), "{err:?}");
    assert_eq!((fake.logins(), fake.refused()), (1, 2));
}
