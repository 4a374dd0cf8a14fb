//! Broken framing and bodies built to hurt a parser: each a typed error, never a panic or a stack overflow.
//! (A body shorter than its `Content-Length` is `faulty_servers::connection_closed_mid_body_is_a_transport_error`.)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clientgen_runtime::Error;
use clientgen_tests::http_client;
use tokio::io::AsyncWriteExt as _;

use super::api::{Client, RetryPolicy};
use super::server::{count, head, serve};

fn client(url: &str) -> Client {
    Client::with_http_client(url, http_client(Duration::from_secs(10))).unwrap().with_retry(RetryPolicy::none())
}

/// Serves `body` after a JSON head of its length, to every request (at most four).
async fn json_body(body: Vec<u8>) -> String {
    let (url, _) = serve(4, move |mut socket, _| {
        let body = body.clone();
        async move {
            let length = body.len().to_string();
            let mut answer = head("200 OK", &[("content-type", "application/json"), ("content-length", &length)]);
            answer.extend_from_slice(&body);
            let _ = socket.write_all(&answer).await;
        }
    })
    .await;
    url
}

#[tokio::test]
async fn broken_chunked_encoding_is_a_transport_error() {
    let (url, _) = serve(1, |mut socket, _| async move {
        let mut answer = head("200 OK", &[("content-type", "application/json"), ("transfer-encoding", "chunked")]);
        // A chunk size that is not hexadecimal.
        answer.extend_from_slice(b"zz\r\n{\"id\":\"a\"}\r\n0\r\n\r\n");
        let _ = socket.write_all(&answer).await;
    })
    .await;
    let err = client(&url).only_default().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn invalid_utf8_inside_json_is_a_decode_error() {
    let url = json_body(b"{\"id\": \"caf\xc3\x28 \xff\xfe\"}".to_vec()).await;
    let client = client(&url);
    let err = client.only_default().await.unwrap_err();
    assert!(matches!(&err, Error::Decode { .. }), "a struct: {err:?}");
    assert!(err.to_string().contains("invalid unicode"), "{err}");
    let err = client.no_schema().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "free-form JSON: {err:?}");
}

#[tokio::test]
async fn ten_thousand_nested_arrays_are_a_decode_error_not_a_stack_overflow() {
    let deep = |open: &str, close: &str| format!("{}{}", open.repeat(10_000), close.repeat(10_000));
    // Free-form JSON: serde_json's depth limit.
    let err = client(&json_body(deep("[", "]").into_bytes()).await).no_schema().await.unwrap_err();
    assert!(matches!(&err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("recursion limit exceeded"), "{err}");
    // A struct given the arrays themselves refuses the first `[` (and the error's path is found by walking
    // the 20,000 brackets, without recursion).
    let err = client(&json_body(deep("[", "]").into_bytes()).await).only_default().await.unwrap_err();
    assert!(err.to_string().contains("invalid type: sequence, expected struct Thing"), "{err}");
    // A struct's unknown property is skipped without recursion, however deep: the struct decodes.
    let unknown = [deep("[", "]"), format!("{}0{}", "{\"a\":".repeat(10_000), "}".repeat(10_000))];
    for extra in unknown {
        let body = format!("{{\"id\": \"a\", \"extra\": {extra}}}");
        let thing = client(&json_body(body.into_bytes()).await).only_default().await.unwrap();
        assert_eq!(thing.id.as_deref(), Some("a"));
    }
}

#[tokio::test]
async fn a_one_megabyte_header_is_a_transport_error() {
    let (url, _) = serve(1, |mut socket, _| async move {
        let big = "a".repeat(1 << 20);
        let answer = head("200 OK", &[("content-type", "application/json"), ("x-big", &big), ("content-length", "2")]);
        let _ = socket.write_all(&answer).await;
        let _ = socket.write_all(b"{}").await;
    })
    .await;
    let err = client(&url).only_default().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn a_body_that_drips_a_byte_a_second_ends_at_the_calls_timeout() {
    let (url, _) = serve(1, |mut socket, _| async move {
        let answer = head("200 OK", &[("content-type", "application/json"), ("content-length", "1000")]);
        if socket.write_all(&answer).await.is_err() {
            return;
        }
        // At most a minute of dripping, whatever the client does.
        for _ in 0..60 {
            if socket.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    let err = client(&url).only_default().with_timeout(Duration::from_millis(2500)).await.unwrap_err();
    match err {
        Error::Transport(err) => assert!(err.is_timeout(), "{err:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_compressed_body_is_not_inflated() {
    // 100 MB of spaces in 97 KB of gzip: inflated, a bomb past the 64 MiB body limit. The runtime turns on no
    // decompression: it asks for none and reads the bytes as they come.
    let bomb = include_bytes!("../../fixtures/bomb-100MB-of-spaces.gz");
    let asked = Arc::new(AtomicBool::new(false));
    let asked_seen = asked.clone();
    let (url, served) = serve(1, move |mut socket, request| {
        let asked = asked_seen.clone();
        async move {
            asked.store(request.lines().any(|line| line.starts_with("accept-encoding:")), Ordering::SeqCst);
            let length = bomb.len().to_string();
            let mut answer = head(
                "200 OK",
                &[("content-type", "application/json"), ("content-encoding", "gzip"), ("content-length", &length)],
            );
            answer.extend_from_slice(bomb);
            let _ = socket.write_all(&answer).await;
        }
    })
    .await;
    let err = client(&url).no_schema().await.unwrap_err();
    assert_eq!(count(&served), 1);
    assert!(!asked.load(Ordering::SeqCst), "the request asked for a compressed answer");
    match &err {
        // The gzip bytes themselves, which are not JSON.
        Error::Decode { message, .. } => assert!(message.contains("line 1 column 1"), "{message}"),
        other => panic!("{other:?}"),
    }
}
