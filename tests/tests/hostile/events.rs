//! Event streams that would hold the client forever or grow its memory without bound: an event over the cap,
//! a body that ends in the middle of an event, a stream that goes quiet. Each ends the stream with its own
//! typed error.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clientgen_tests::http_client;
use tokio::io::AsyncWriteExt as _;

use super::api::events::{DEFAULT_MAX_EVENT_BYTES, EventError};
use super::api::{Client, RetryPolicy};
use super::server::{head, serve};

fn client(url: &str) -> Client {
    Client::with_http_client(url, http_client(Duration::from_secs(60))).unwrap().with_retry(RetryPolicy::none())
}

fn event_head() -> Vec<u8> {
    head("200 OK", &[("content-type", "text/event-stream")])
}

/// Serves one connection: the event-stream head, then `chunks` written one by one, `pause` apart.
async fn stream(chunks: Vec<Vec<u8>>, pause: Duration) -> String {
    let chunks = Arc::new(chunks);
    let (url, _) = serve(1, move |mut socket, _| {
        let chunks = chunks.clone();
        async move {
            if socket.write_all(&event_head()).await.is_err() {
                return;
            }
            for chunk in chunks.iter() {
                tokio::time::sleep(pause).await;
                if socket.write_all(chunk).await.is_err() || socket.flush().await.is_err() {
                    return;
                }
            }
        }
    })
    .await;
    url
}

#[tokio::test]
async fn an_event_over_the_default_cap_ends_the_stream_and_the_client_stops_reading() {
    // One `data:` line that never ends: up to 64 MiB are offered, a MiB at a time.
    let written = Arc::new(AtomicUsize::new(0));
    let counter = written.clone();
    let (url, _) = serve(1, move |mut socket, _| {
        let written = counter.clone();
        async move {
            let mut answer = event_head();
            answer.extend_from_slice(b"data: ");
            if socket.write_all(&answer).await.is_err() {
                return;
            }
            let chunk = vec![b'x'; 1 << 20];
            for _ in 0..64 {
                if socket.write_all(&chunk).await.is_err() {
                    return;
                }
                written.fetch_add(chunk.len(), Ordering::SeqCst);
            }
        }
    })
    .await;
    let mut events = client(&url).stream_text().await.unwrap().into_inner();
    let err = events.next_event().await.unwrap().unwrap_err();
    assert!(matches!(err, EventError::TooLarge { limit: DEFAULT_MAX_EVENT_BYTES }), "{err:?}");
    assert!(events.next_event().await.is_none(), "the stream ended");
    drop(events);
    // The client read a little over the cap and hung up: what the server wrote beyond it went into the
    // sockets' buffers, far from the 64 MiB on offer.
    let sent = written.load(Ordering::SeqCst);
    assert!(sent < 48 << 20, "the server wrote {sent} bytes: the client kept reading");
}

#[tokio::test]
async fn the_cap_is_set_per_stream_and_counts_one_event_at_a_time() {
    let small = format!("data: {}\n\n", "a".repeat(500));
    let chunks =
        vec![small.clone().into_bytes(), small.into_bytes(), format!("data: {}\n\n", "b".repeat(2000)).into_bytes()];
    let url = stream(chunks, Duration::ZERO).await;
    let mut events = client(&url).stream_text().await.unwrap().into_inner().max_event_bytes(1024);
    assert_eq!(events.next_event().await.unwrap().unwrap().data.len(), 500);
    assert_eq!(events.next_event().await.unwrap().unwrap().data.len(), 500);
    let err = events.next_event().await.unwrap().unwrap_err();
    assert!(matches!(err, EventError::TooLarge { limit: 1024 }), "{err:?}");
    assert!(events.next_event().await.is_none());
}

#[tokio::test]
async fn a_stream_that_ends_in_the_middle_of_an_event_says_so() {
    let url = stream(vec![b"data: one\n\n".to_vec(), b"event: x\ndata: tw".to_vec()], Duration::ZERO).await;
    let mut events = client(&url).stream_text().await.unwrap().into_inner();
    assert_eq!(events.next_event().await.unwrap().unwrap().data, "one");
    let err = events.next_event().await.unwrap().unwrap_err();
    assert!(matches!(err, EventError::Truncated), "{err:?}");
    assert!(events.next_event().await.is_none());
    // A body that ends after a complete event, or after a comment, ends quietly.
    for tail in [&b"data: two\n\n"[..], b": bye\n"] {
        let url = stream(vec![b"data: one\n\n".to_vec(), tail.to_vec()], Duration::ZERO).await;
        let mut events = client(&url).stream_text().await.unwrap().into_inner();
        let mut seen = Vec::new();
        while let Some(event) = events.next_event().await {
            seen.push(event.unwrap().data);
        }
        assert_eq!(seen.first().map(String::as_str), Some("one"), "{tail:?}");
    }
}

#[tokio::test]
async fn a_quiet_stream_ends_at_its_idle_timeout_and_keep_alives_count_as_life() {
    // One event, then nothing for up to a minute (the server gives up by itself).
    let url = stream(vec![b"data: one\n\n".to_vec(), b"data: late\n\n".to_vec()], Duration::from_secs(60)).await;
    let response = client(&url).stream_text().await.unwrap();
    let mut events = response.into_inner().idle_timeout(Duration::from_millis(300));
    // The first chunk comes after the pause too: the timeout counts from the first read.
    let err = events.next_event().await.unwrap().unwrap_err();
    assert!(matches!(err, EventError::Idle { timeout } if timeout == Duration::from_millis(300)), "{err:?}");
    assert!(events.next_event().await.is_none());

    // Keep-alive comments every 100 ms for three seconds, then an event: quiet for far less than two seconds
    // at a time, though the whole wait is longer.
    let mut chunks = vec![b": ping\n\n".to_vec(); 30];
    chunks.push(b"data: after the pings\n\n".to_vec());
    let url = stream(chunks, Duration::from_millis(100)).await;
    let mut events = client(&url).stream_text().await.unwrap().into_inner().idle_timeout(Duration::from_secs(2));
    assert_eq!(events.next_event().await.unwrap().unwrap().data, "after the pings");
}
