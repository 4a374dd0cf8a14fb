//! Redirects: one to another origin is never followed, so no credential in any form (the session's
//! `Authorization` header, an API key in the query string, a cookie) reaches it; a loop ends with an error.
//! reqwest's own default policy would follow it, dropping `Authorization`, `Cookie` and
//! `Proxy-Authorization` but not a custom header or the query string: the default client uses
//! `ClientCore::same_origin_redirects` instead, and a caller's own client can too. (`https` to `http` is
//! another origin: `client.rs`'s unit test decides it, as no TLS server runs here.)

use std::time::Duration;

use clientgen_runtime::{ClientCore, Error};
use tokio::io::AsyncWriteExt as _;

use super::server::{count, head, serve};
use super::token_api::{Client, RetryPolicy, Secret};

/// A server that counts what reaches it and answers 200.
async fn elsewhere() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    serve(8, |mut socket, _| async move {
        let answer = head("200 OK", &[("content-type", "application/json"), ("content-length", "2")]);
        let _ = socket.write_all(&answer).await;
        let _ = socket.write_all(b"{}").await;
    })
    .await
}

/// A server whose every answer is a 302 to `location`.
async fn redirecting(location: String, connections: usize) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    serve(connections, move |mut socket, _| {
        let location = location.clone();
        async move {
            let answer = head("302 Found", &[("location", &location), ("content-length", "0")]);
            let _ = socket.write_all(&answer).await;
        }
    })
    .await
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_and_carries_no_credential() {
    let (other, reached) = elsewhere().await;
    let (url, served) = redirecting(format!("{other}/steal"), 2).await;
    // The default client, as `Client::new` builds it; and a caller's own client with the same policy.
    let own = reqwest::Client::builder()
        .redirect(ClientCore::same_origin_redirects())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let clients = [Client::with_base_url(&url).unwrap(), Client::with_http_client(&url, own).unwrap()];
    for client in clients {
        let client = client.with_retry(RetryPolicy::none()).with_bearer(Secret::new("SECRET-BEARER"));
        let err = client
            .list_things()
            .with_query("api_key", "SECRET-QUERY")
            .with_header("Cookie", "sid=SECRET-COOKIE")
            .await
            .unwrap_err();
        // The 302 is the answer, undocumented for this operation.
        assert!(matches!(&err, Error::UnexpectedStatus { status, .. } if status.as_u16() == 302), "{err:?}");
        assert!(!format!("{err:?} {err}").contains("SECRET"), "{err:?}");
    }
    assert_eq!((count(&served), count(&reached)), (2, 0), "nothing reached the other origin");
}

#[tokio::test]
async fn a_redirect_loop_ends_with_an_error() {
    let (url, served) = serve(20, |mut socket, _| async move {
        let answer = head("302 Found", &[("location", "/things"), ("content-length", "0")]);
        let _ = socket.write_all(&answer).await;
    })
    .await;
    let client = Client::with_base_url(&url).unwrap().with_retry(RetryPolicy::none());
    let err = client.with_bearer(Secret::new("SECRET-BEARER")).list_things().await.unwrap_err();
    match &err {
        Error::Transport(err) => assert!(err.is_redirect(), "{err:?}"),
        other => panic!("{other:?}"),
    }
    // The request and ten redirects within the origin, then the error.
    assert_eq!(count(&served), 11);
}
