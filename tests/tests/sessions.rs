//! The token lifecycle of the generated clients, driven by each spec's `x-clientgen-token`, against
//! loopback servers issuing short-lived tokens. Assertions are on what the servers saw, never on timings.

use std::sync::Arc;
use std::time::Duration;

use clientgen_tests::{
    Mock, MockServer, ResponseTemplate, body_json, counted, header_of, hits, http_client, json, jwt, method, path,
};
use serde_json::json;

const SHORT: Duration = Duration::from_millis(1200);

mod progeny {
    use super::*;
    use progeny_client::auth::{MemoryStore, RefreshMargin, TokenStore};
    use progeny_client::types::TokenObtainPairRequest;
    use progeny_client::{AuthError, Client, Secret, SendError, SessionOptions};

    fn login() -> TokenObtainPairRequest {
        TokenObtainPairRequest::new("alice", Secret::new("pa55word-progeny"))
    }

    async fn client(server: &MockServer) -> Client {
        Client::with_http_client(&format!("{}/api/v3", server.uri()), http_client(Duration::from_secs(5))).unwrap()
    }

    /// `/api/v3/things/` answers 200 for the listed access tokens and 401 (simplejwt's body) otherwise.
    async fn resource(server: &MockServer, accepted: &'static [&'static str]) -> Arc<std::sync::atomic::AtomicUsize> {
        let (responder, count) = counted(move |_, request| {
            let auth = header_of(request, "authorization");
            let ok = accepted.iter().any(|id| auth.starts_with("Bearer ") && token_id(&auth[7..]) == *id);
            if ok {
                json(200, json!({"ok": true}))
            } else {
                json(401, json!({"detail": "Given token not valid for any token type", "code": "token_not_valid"}))
            }
        });
        Mock::given(method("GET")).and(path("/api/v3/things/")).respond_with(responder).mount(server).await;
        count
    }

    /// The `jti` of one of our test JWTs.
    fn token_id(token: &str) -> String {
        use base64::Engine as _;
        let claims = token.split('.').nth(1).unwrap_or_default();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(claims).unwrap_or_default();
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        value["jti"].as_str().unwrap_or_default().to_owned()
    }

    async fn get(client: &Client) -> Result<reqwest::Response, SendError> {
        let request = client.request(reqwest::Method::GET, "/things/").build().unwrap();
        client.send(request).await
    }

    #[tokio::test]
    async fn refreshes_ahead_of_expiry_and_takes_the_rotated_refresh_token() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/v3/accounts/token/obtain/"))
            .respond_with(json(200, json!({"access": jwt("a1", 60), "refresh": "r1"})))
            .expect(1)
            .mount(&server)
            .await;
        for (old, new) in [("r1", "2"), ("r2", "3")] {
            Mock::given(method("POST"))
                .and(path("/api/v3/accounts/token/refresh/"))
                .and(body_json(json!({"refresh": old})))
                .respond_with(json(200, json!({"access": jwt(&format!("a{new}"), 60), "refresh": format!("r{new}")})))
                .expect(1)
                .mount(&server)
                .await;
        }
        let resource = resource(&server, &["a1", "a2", "a3"]).await;
        // A margin of the whole lifetime: every token is due for renewal at once, though still valid.
        let options =
            SessionOptions::default().refresh_margin(RefreshMargin { fraction: 1.0, cap: Duration::from_secs(3600) });
        let client = client(&server).await.login(&login(), options).await.unwrap();
        for _ in 0..2 {
            assert_eq!(get(&client).await.unwrap().status(), 200);
        }
        assert_eq!(hits(&resource), 2);
        // The second refresh sent the rotated refresh token (the mocks' `expect` checks one call each).
        assert_eq!(client.session().unwrap().current().refresh_token().unwrap().expose(), "r3");
    }

    #[tokio::test]
    async fn a_5_minute_token_is_not_refreshed_on_every_call() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/v3/accounts/token/obtain/"))
            .respond_with(json(200, json!({"access": jwt("a1", 300), "refresh": "r1"})))
            .mount(&server)
            .await;
        let (refresh, refreshes) = counted(|_, _| json(200, json!({"access": jwt("a2", 300)})));
        Mock::given(path("/api/v3/accounts/token/refresh/")).respond_with(refresh).mount(&server).await;
        let resource = resource(&server, &["a1"]).await;
        let client = client(&server).await.login(&login(), SessionOptions::default()).await.unwrap();
        for _ in 0..5 {
            assert_eq!(get(&client).await.unwrap().status(), 200);
        }
        assert_eq!((hits(&resource), hits(&refreshes)), (5, 0));
    }

    #[tokio::test]
    async fn a_401_refreshes_once_and_retries_once() {
        let server = MockServer::start().await;
        Mock::given(path("/api/v3/accounts/token/obtain/"))
            .respond_with(json(200, json!({"access": jwt("revoked", 300), "refresh": "r1"})))
            .mount(&server)
            .await;
        let (refresh, refreshes) = counted(|_, _| json(200, json!({"access": jwt("a2", 300), "refresh": "r2"})));
        Mock::given(path("/api/v3/accounts/token/refresh/")).respond_with(refresh).mount(&server).await;
        let resource = resource(&server, &["a2"]).await;
        let client = client(&server).await.login(&login(), SessionOptions::default()).await.unwrap();
        assert_eq!(get(&client).await.unwrap().status(), 200);
        assert_eq!((hits(&resource), hits(&refreshes)), (2, 1));
    }

    #[tokio::test]
    async fn a_second_401_is_returned_not_looped() {
        let server = MockServer::start().await;
        Mock::given(path("/api/v3/accounts/token/obtain/"))
            .respond_with(json(200, json!({"access": jwt("a1", 300), "refresh": "r1"})))
            .mount(&server)
            .await;
        let (refresh, refreshes) = counted(|n, _| json(200, json!({"access": jwt(&format!("a{}", n + 1), 300)})));
        Mock::given(path("/api/v3/accounts/token/refresh/")).respond_with(refresh).mount(&server).await;
        let resource = resource(&server, &[]).await;
        let client = client(&server).await.login(&login(), SessionOptions::default()).await.unwrap();
        assert_eq!(get(&client).await.unwrap().status(), 401);
        assert_eq!((hits(&resource), hits(&refreshes)), (2, 1));
    }

    #[tokio::test]
    async fn a_rejected_refresh_logs_in_again_when_credentials_are_kept() {
        let server = MockServer::start().await;
        let (obtain, logins) =
            counted(|n, _| json(200, json!({"access": jwt(&format!("login{n}"), 1), "refresh": format!("r{n}")})));
        Mock::given(path("/api/v3/accounts/token/obtain/"))
            .and(body_json(json!({"username": "alice", "password": "pa55word-progeny"})))
            .respond_with(obtain)
            .mount(&server)
            .await;
        Mock::given(path("/api/v3/accounts/token/refresh/"))
            .respond_with(json(401, json!({"detail": "Token is invalid or expired", "code": "token_not_valid"})))
            .mount(&server)
            .await;
        let resource = resource(&server, &["login2"]).await;
        let client = client(&server).await.login(&login(), SessionOptions::default().reexchange(true)).await.unwrap();
        tokio::time::sleep(SHORT).await;
        assert_eq!(get(&client).await.unwrap().status(), 200);
        assert_eq!((hits(&logins), hits(&resource)), (2, 1));
    }

    #[tokio::test]
    async fn a_rejected_refresh_is_login_required_without_kept_credentials() {
        let server = MockServer::start().await;
        Mock::given(path("/api/v3/accounts/token/obtain/"))
            .respond_with(json(200, json!({"access": jwt("a1", 1), "refresh": "r1"})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path("/api/v3/accounts/token/refresh/"))
            .respond_with(json(401, json!({"detail": "Token is expired", "code": "token_not_valid"})))
            .expect(1)
            .mount(&server)
            .await;
        let resource = resource(&server, &["a1"]).await;
        let client = client(&server).await.login(&login(), SessionOptions::default()).await.unwrap();
        tokio::time::sleep(SHORT).await;
        let err = get(&client).await.unwrap_err();
        assert!(matches!(err, SendError::Auth(AuthError::LoginRequired { .. })), "{err:?}");
        assert_eq!(hits(&resource), 0, "an expired token that cannot be renewed is not sent");
    }

    #[tokio::test]
    async fn fifty_concurrent_calls_on_an_expired_token_cause_one_refresh() {
        let server = MockServer::start().await;
        Mock::given(path("/api/v3/accounts/token/obtain/"))
            .respond_with(json(200, json!({"access": jwt("a1", 1), "refresh": "r1"})))
            .mount(&server)
            .await;
        let (refresh, refreshes) = counted(|_, _| {
            json(200, json!({"access": jwt("a2", 300), "refresh": "r2"})).set_delay(Duration::from_millis(100))
        });
        Mock::given(path("/api/v3/accounts/token/refresh/")).respond_with(refresh).mount(&server).await;
        let resource = resource(&server, &["a2"]).await;
        let client = client(&server).await.login(&login(), SessionOptions::default()).await.unwrap();
        tokio::time::sleep(SHORT).await;
        let calls = (0..60).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { get(&client).await.map(|r| r.status().as_u16()) })
        });
        for call in calls.collect::<Vec<_>>() {
            assert_eq!(call.await.unwrap().unwrap(), 200);
        }
        assert_eq!((hits(&refreshes), hits(&resource)), (1, 60));
    }

    #[tokio::test]
    async fn a_failed_refresh_reaches_every_waiter_and_the_next_call_tries_again() {
        let server = MockServer::start().await;
        Mock::given(path("/api/v3/accounts/token/obtain/"))
            .respond_with(json(200, json!({"access": jwt("a1", 1), "refresh": "r1"})))
            .mount(&server)
            .await;
        let (refresh, refreshes) = counted(|n, _| {
            if n == 1 {
                ResponseTemplate::new(503).set_delay(Duration::from_millis(100))
            } else {
                json(200, json!({"access": jwt("a2", 300), "refresh": "r2"}))
            }
        });
        Mock::given(path("/api/v3/accounts/token/refresh/")).respond_with(refresh).mount(&server).await;
        let resource = resource(&server, &["a2"]).await;
        // No retries: the refresh is to fail (the runtime's auth_session tests retry a 429 on the refresh).
        let options = SessionOptions::default().retry(progeny_client::RetryPolicy::none());
        let client = client(&server).await.login(&login(), options).await.unwrap();
        tokio::time::sleep(SHORT).await;
        let calls: Vec<_> = (0..50)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { get(&client).await.map(|r| r.status().as_u16()) })
            })
            .collect();
        for call in calls {
            let err = call.await.unwrap().unwrap_err();
            assert!(matches!(err, SendError::Auth(AuthError::Rejected { status: 503, .. })), "{err:?}");
        }
        assert_eq!(hits(&refreshes), 1);
        assert_eq!(get(&client).await.unwrap().status(), 200);
        assert_eq!((hits(&refreshes), hits(&resource)), (2, 1));
    }

    #[tokio::test]
    async fn tokens_are_stored_and_resumed_and_changes_are_reported() {
        let server = MockServer::start().await;
        Mock::given(path("/api/v3/accounts/token/obtain/"))
            .respond_with(json(200, json!({"access": jwt("a1", 300), "refresh": "r1"})))
            .expect(1)
            .mount(&server)
            .await;
        let resource = resource(&server, &["a1"]).await;
        let store = Arc::new(MemoryStore::new());
        let changes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = changes.clone();
        let options = SessionOptions::default().store(store.clone()).on_change(move |_| {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
        let first = client(&server).await.login(&login(), options).await.unwrap();
        assert_eq!(get(&first).await.unwrap().status(), 200);
        assert_eq!(hits(&changes), 1);
        // A later run: no login, the stored tokens are used.
        let stored = store.load().expect("saved at login");
        assert!(!format!("{stored:?}").contains("r1"));
        let second = client(&server).await.resume(stored, SessionOptions::default()).unwrap();
        assert_eq!(get(&second).await.unwrap().status(), 200);
        assert_eq!(hits(&resource), 2);
    }
}

mod formflow {
    use super::*;
    use formflow_client::types::ApiClientsRequestDto;
    use formflow_client::{AuthError, Client, Secret, SendError, SessionOptions};

    fn credentials() -> ApiClientsRequestDto {
        ApiClientsRequestDto::new("c", Secret::new("formflow-client-secret"), "o")
    }

    /// A token server issuing tokens that expire in `expires_in` seconds, and a resource echoing the
    /// credential it gets.
    async fn setup(
        server: &MockServer,
        expires_in: u64,
    ) -> (Client, Arc<std::sync::atomic::AtomicUsize>, Arc<std::sync::atomic::AtomicUsize>) {
        let (issue, issued) = counted(move |n, _| {
            json(200, json!({"token": format!("jwt-{n}"), "expires_in": expires_in, "token_type": "Bearer"}))
        });
        Mock::given(method("POST")).and(path("/api/token")).respond_with(issue).mount(server).await;
        let (forms, seen) = counted(|_, request| json(200, json!({"auth": header_of(request, "authorization")})));
        Mock::given(method("GET")).and(path("/api/forms")).respond_with(forms).mount(server).await;
        let client = Client::with_http_client(&server.uri(), http_client(Duration::from_secs(5))).unwrap();
        (client, issued, seen)
    }

    async fn forms(client: &Client) -> Result<serde_json::Value, SendError> {
        let response = client.send(client.request(reqwest::Method::GET, "/api/forms").build().unwrap()).await?;
        Ok(response.json().await.unwrap())
    }

    #[tokio::test]
    async fn re_exchanges_before_expires_in_runs_out_when_credentials_are_kept() {
        let server = MockServer::start().await;
        // Three seconds, renewed from 2.7 s on: the first call has that long to come, however loaded the
        // machine.
        let (client, issued, _) = setup(&server, 3).await;
        let client = client.login(&credentials(), SessionOptions::default().reexchange(true)).await.unwrap();
        assert_eq!(forms(&client).await.unwrap()["auth"], "Bearer jwt-1");
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(forms(&client).await.unwrap()["auth"], "Bearer jwt-2");
        assert_eq!(hits(&issued), 2);
    }

    #[tokio::test]
    async fn without_kept_credentials_an_expired_token_needs_a_new_login() {
        let server = MockServer::start().await;
        let (client, issued, seen) = setup(&server, 1).await;
        let client = client.login(&credentials(), SessionOptions::default()).await.unwrap();
        tokio::time::sleep(SHORT).await;
        let err = forms(&client).await.unwrap_err();
        assert!(matches!(err, SendError::Auth(AuthError::LoginRequired { .. })), "{err:?}");
        assert_eq!((hits(&issued), hits(&seen)), (1, 0));
    }
}

mod deskpro {
    use super::*;
    use deskpro_client::types::ApiTokenRequest;
    use deskpro_client::{AuthError, Client, Error, Secret, SessionOptions};

    fn login() -> ApiTokenRequest {
        ApiTokenRequest::new("agent@example.com", Secret::new("deskpro-pass-xyz"))
    }

    async fn setup(
        server: &MockServer,
    ) -> (Client, Arc<std::sync::atomic::AtomicUsize>, Arc<std::sync::atomic::AtomicUsize>) {
        let (issue, issued) = counted(|n, _| {
            json(201, json!({"data": {"person_id": 7, "token": format!("7:TOKEN{n}")}, "meta": {}, "linked": {}}))
        });
        Mock::given(method("POST")).and(path("/api/v2/api_tokens")).respond_with(issue).mount(server).await;
        // The first token is revoked server-side: only `token 7:TOKEN2` is accepted.
        let (me, seen) = counted(|_, request| {
            if header_of(request, "authorization") == "token 7:TOKEN2" {
                json(
                    200,
                    json!({"data": {"auth_method": "api_token", "app_id": null, "person_id": 7, "person": {}}, "meta": {}, "linked": {}}),
                )
            } else {
                json(401, json!({"status": 401, "code": "invalid_api_token", "message": "Invalid API token."}))
            }
        });
        Mock::given(method("GET")).and(path("/api/v2/me")).respond_with(me).mount(server).await;
        let client =
            Client::with_http_client(&format!("{}/api/v2", server.uri()), http_client(Duration::from_secs(5))).unwrap();
        (client, issued, seen)
    }

    #[tokio::test]
    async fn a_401_invalid_api_token_re_exchanges_once_when_credentials_are_kept() {
        let server = MockServer::start().await;
        let (client, issued, seen) = setup(&server).await;
        let client = client.login(&login(), SessionOptions::default().reexchange(true)).await.unwrap();
        let me = client.get_me().await.unwrap();
        assert_eq!(me.data.person_id, 7);
        assert_eq!((hits(&issued), hits(&seen)), (2, 2));
    }

    /// The `/me` requests the server saw: their `Authorization` and `Idempotency-Key` values.
    async fn me_requests(server: &MockServer) -> Vec<(Vec<String>, String)> {
        let requests = server.received_requests().await.unwrap();
        requests
            .iter()
            .filter(|r| r.url.path() == "/api/v2/me")
            .map(|r| {
                let auth = r.headers.get_all("authorization").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
                (auth, header_of(r, "idempotency-key"))
            })
            .collect()
    }

    #[tokio::test]
    async fn an_idempotency_key_is_kept_across_the_401_resend() {
        let server = MockServer::start().await;
        let (client, issued, seen) = setup(&server).await;
        let client = client.login(&login(), SessionOptions::default().reexchange(true)).await.unwrap();
        client.get_me().with_idempotency_key("op-42").await.unwrap();
        assert_eq!((hits(&issued), hits(&seen)), (2, 2));
        let sent = me_requests(&server).await;
        assert_eq!(
            sent,
            [
                (vec!["token 7:TOKEN1".to_owned()], "op-42".to_owned()),
                (vec!["token 7:TOKEN2".to_owned()], "op-42".to_owned())
            ]
        );
    }

    #[tokio::test]
    async fn a_per_call_authorization_header_never_replaces_the_sessions_credential() {
        let server = MockServer::start().await;
        let (client, issued, seen) = setup(&server).await;
        let client = client.login(&login(), SessionOptions::default().reexchange(true)).await.unwrap();
        client.get_me().with_header("Authorization", "token 7:FORGED").await.unwrap();
        assert_eq!((hits(&issued), hits(&seen)), (2, 2));
        let sent = me_requests(&server).await;
        let auth: Vec<Vec<String>> = sent.into_iter().map(|(auth, _)| auth).collect();
        assert_eq!(auth, [vec!["token 7:TOKEN1".to_owned()], vec!["token 7:TOKEN2".to_owned()]]);
    }

    #[tokio::test]
    async fn without_kept_credentials_a_401_is_login_required() {
        let server = MockServer::start().await;
        let (client, issued, seen) = setup(&server).await;
        let client = client.login(&login(), SessionOptions::default()).await.unwrap();
        let err = client.get_me().await.unwrap_err();
        assert!(matches!(err, Error::Auth(AuthError::LoginRequired { .. })), "{err:?}");
        assert_eq!((hits(&issued), hits(&seen)), (1, 1));
    }

    #[tokio::test]
    async fn a_401_to_a_supplied_token_is_the_typed_error_not_a_login() {
        let server = MockServer::start().await;
        let (client, issued, seen) = setup(&server).await;
        let err = client.with_api_token(Secret::new("7:TOKEN1")).get_me().await.unwrap_err();
        let Error::Api { error: deskpro_client::GetMeError::Unauthorized(body), .. } = &err else { panic!("{err:?}") };
        assert_eq!(body.code, "invalid_api_token");
        assert_eq!((hits(&issued), hits(&seen)), (0, 1));
    }

    #[tokio::test]
    async fn an_admin_api_key_is_sent_as_key() {
        let server = MockServer::start().await;
        let (me, seen) = counted(|_, request| {
            assert_eq!(header_of(request, "authorization"), "key 1:ADMIN");
            json(
                200,
                json!({"data": {"auth_method": "api_key", "app_id": 3, "person_id": 1, "person": {}}, "meta": {}, "linked": {}}),
            )
        });
        Mock::given(method("GET")).and(path("/api/v2/me")).respond_with(me).mount(&server).await;
        let client = Client::with_http_client(&format!("{}/api/v2", server.uri()), http_client(Duration::from_secs(5)))
            .unwrap()
            .with_api_key(Secret::new("1:ADMIN"));
        assert_eq!(client.get_me().await.unwrap().data.app_id, Some(3));
        assert_eq!(hits(&seen), 1);
    }
}

mod finqware {
    use super::*;
    use finqware_client::types::{DataRequest, TokenExchangeRequest};
    use finqware_client::{AuthError, Client, Error, Secret, SessionOptions};

    fn request() -> TokenExchangeRequest {
        TokenExchangeRequest::new("tenant-app", Secret::new("finq-app-secret"), Secret::new("finq-temp-once"))
    }

    async fn setup(server: &MockServer, consent_in: chrono::Duration) -> (Client, Arc<std::sync::atomic::AtomicUsize>) {
        let consent_exp = (chrono::Utc::now() + consent_in).to_rfc3339();
        Mock::given(method("POST"))
            .and(path("/v1/tokens"))
            .respond_with(json(
                200,
                json!({"credentials_id": "242a5690-1b2c-4d3e-8f90-b4ed02bebd7f", "access_token": "finq-access-tok",
                       "consent_exp": consent_exp, "max_data_retention": consent_exp}),
            ))
            .expect(1)
            .mount(server)
            .await;
        let (accounts, seen) = counted(|_, _| json(200, json!({"accounts": []})));
        Mock::given(method("POST"))
            .and(path("/v1/accounts/get"))
            .and(body_json(json!({
                "tenant_user_id": "user-1",
                "access_token": "finq-access-tok",
                "credentials_id": "242a5690-1b2c-4d3e-8f90-b4ed02bebd7f",
                "client_id": "tenant-app",
                "client_secret": "finq-app-secret",
            })))
            .respond_with(accounts)
            .mount(server)
            .await;
        let client =
            Client::with_http_client(&format!("{}/v1", server.uri()), http_client(Duration::from_secs(5))).unwrap();
        (client, seen)
    }

    fn data() -> DataRequest {
        DataRequest::new("user-1")
    }

    #[tokio::test]
    async fn the_token_and_kept_values_travel_in_the_body() {
        let server = MockServer::start().await;
        let (client, seen) = setup(&server, chrono::Duration::hours(1)).await;
        let client = client.login(&request(), SessionOptions::default()).await.unwrap();
        let accounts = client.get_accounts(&data()).await.unwrap();
        assert!(accounts.contains_key("accounts"));
        assert_eq!(hits(&seen), 1);
    }

    #[tokio::test]
    async fn past_consent_exp_calls_fail_fast_with_nothing_sent() {
        let server = MockServer::start().await;
        let (client, seen) = setup(&server, chrono::Duration::seconds(1)).await;
        // Opting in to re-exchange changes nothing: the temp_token is single-use.
        let client = client.login(&request(), SessionOptions::default().reexchange(true)).await.unwrap();
        tokio::time::sleep(SHORT).await;
        let err = client.get_accounts(&data()).await.unwrap_err();
        assert!(matches!(err, Error::Auth(AuthError::Expired { .. })), "{err:?}");
        assert_eq!(hits(&seen), 0);
    }
}
