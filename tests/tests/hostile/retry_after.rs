//! `Retry-After` values a server should not send: garbage and negative numbers are no wait at all (the
//! policy's own backoff applies), an enormous one ends the retries with the answer (as any wait over the
//! policy's longest does), an HTTP date in the past is no wait. None panics or waits for ever.

use std::time::Duration;

use clientgen_runtime::Error;
use clientgen_tests::{Mock, MockServer, ResponseTemplate, http_client, method, path};

use super::api::{Client, RetryPolicy};

/// The number of requests a call made against a server that answers every one with a 503 carrying
/// `retry_after`, and what the call's error says of the wait and the status.
async fn attempts(retry_after: &str) -> (usize, Retried) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/only-default"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", retry_after))
        .mount(&server)
        .await;
    let policy = RetryPolicy::default().initial_backoff(Duration::from_millis(1));
    let client = Client::with_http_client(&server.uri(), http_client(Duration::from_secs(10))).unwrap();
    let err = client.with_retry(policy).only_default().await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus { .. } | Error::Api { .. }), "{err:?}");
    let retried = Retried { retry_after: err.retry_after(), status: err.status().map(|s| s.as_u16()) };
    (server.received_requests().await.unwrap().len(), retried)
}

/// What a call's error says of the last answer.
struct Retried {
    retry_after: Option<Duration>,
    status: Option<u16>,
}

#[tokio::test]
async fn garbage_and_negative_values_are_no_wait() {
    for value in ["soon", "-5", "1.5", "0x10", "Tomorrow, 25 Dec 2026"] {
        let (attempts, err) = attempts(value).await;
        assert_eq!(attempts, 3, "{value:?}: the default policy's three attempts");
        assert_eq!(err.retry_after, None, "{value:?}");
    }
}

#[tokio::test]
async fn an_enormous_value_ends_the_retries_with_the_answer() {
    for (value, asked) in [
        ("99999999999999999999999", Duration::MAX),
        ("18446744073709551615", Duration::from_secs(u64::MAX)),
        ("3600", Duration::from_secs(3600)),
    ] {
        let (attempts, err) = attempts(value).await;
        assert_eq!(attempts, 1, "{value:?}");
        assert_eq!(err.retry_after, Some(asked), "{value:?}");
        assert_eq!(err.status, Some(503));
    }
}

#[tokio::test]
async fn a_date_in_the_past_is_no_wait() {
    let (attempts, err) = attempts("Thu, 01 Jan 1970 00:00:00 GMT").await;
    assert_eq!(attempts, 3);
    assert_eq!(err.retry_after, Some(Duration::ZERO));
}
