//! The generated clients against servers that misbehave: bodies cut short, HTML error pages, empty or
//! truncated JSON, huge bodies, servers that stall, rate limits, bytes that are not HTTP and nobody listening.
//!
//! Every case must end in a typed `Error` (never a panic, never a hang) whose `Debug` and `Display` hold none
//! of the secrets sent with the request. Servers are loopback only: wiremock where a well-formed but unhelpful
//! answer is enough, a raw `TcpListener` where the answer must break HTTP itself. Every raw server serves a
//! bounded number of connections and stops by itself; no test asserts on timing, only on outcomes. Retries
//! are off here (one request per call), so each failure is classified as one attempt sees it;
//! `tests/retries.rs` covers what the retry policy does with them.

use std::fmt::{self, Debug};
use std::future::IntoFuture;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clientgen_runtime::ERROR_BODY_LIMIT;
use clientgen_runtime::response::SUCCESS_BODY_LIMIT;
use clientgen_tests::{Mock, MockServer, Request, ResponseTemplate, http_client, json, method};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::any;

// ---------------------------------------------------------------------------------------------------------
// The secrets sent with requests: none of them may appear in an error.

const PASSWORD: &str = "pw-HUNTER2-must-not-leak";
const CLIENT_SECRET: &str = "cs-SWORDFISH-must-not-leak";
const TEMP_TOKEN: &str = "tt-OPEN-SESAME-must-not-leak";
const API_TOKEN: &str = "18:APITOKEN-must-not-leak";
const SECRETS: [&str; 4] = [PASSWORD, CLIENT_SECRET, TEMP_TOKEN, API_TOKEN];

/// A token in a (broken) response of an exchange endpoint: it must not be quoted either.
const RESPONSE_TOKEN: &str = "RESPONSE-TOKEN-must-not-leak";

/// The client's timeout when a test does not want to wait for a slow server.
const SHORT: Duration = Duration::from_millis(300);
/// The client's timeout when the server answers at once.
const NORMAL: Duration = Duration::from_secs(5);
/// How long a call may take before the test counts it as hung; far above every client timeout.
const HANG_GUARD: Duration = Duration::from_secs(30);
/// How long a stalling raw server keeps a connection open without answering.
const STALL: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------------------
// The operations under test, and what their failures look like.

/// An operation of a generated client, called with secrets in its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `POST /api_tokens` (email and password; the response may hold a token).
    DeskproCreateApiToken,
    /// `GET /me` with `Authorization: token …` (`with_api_token`).
    DeskproGetMe,
    /// `POST /accounts/token/obtain/` (username and password).
    ProgenyObtainTokenPair,
    /// `POST /tokens` (client secret and single-use temp token).
    FinqwareExchangeToken,
    /// `POST /api/token` (client secret).
    FormflowGetToken,
}

impl Op {
    const ALL: [Op; 5] = [
        Op::DeskproCreateApiToken,
        Op::DeskproGetMe,
        Op::ProgenyObtainTokenPair,
        Op::FinqwareExchangeToken,
        Op::FormflowGetToken,
    ];

    /// The operations whose responses may carry credentials (the spec marks secret fields in them), so
    /// their errors never quote a body.
    const SENSITIVE: [Op; 4] =
        [Op::DeskproCreateApiToken, Op::ProgenyObtainTokenPair, Op::FinqwareExchangeToken, Op::FormflowGetToken];

    /// The success status the spec documents.
    fn success(self) -> u16 {
        match self {
            Op::DeskproCreateApiToken => 201,
            _ => 200,
        }
    }

    fn is_sensitive(self) -> bool {
        Self::SENSITIVE.contains(&self)
    }

    /// Calls the operation against `base_url` with a client whose timeout is `timeout`.
    ///
    /// Panics if the call succeeds or hangs past [`HANG_GUARD`], or if its error shows a secret.
    async fn fail(self, base_url: &str, timeout: Duration) -> Failure {
        let call = self.call(base_url, timeout);
        match tokio::time::timeout(HANG_GUARD, call).await {
            Ok(Ok(())) => panic!("{self:?} succeeded against a faulty server"),
            Ok(Err(failure)) => failure,
            Err(_) => panic!("{self:?} did not return within {HANG_GUARD:?}"),
        }
    }

    async fn call(self, base_url: &str, timeout: Duration) -> Result<(), Failure> {
        let http = http_client(timeout);
        match self {
            Op::DeskproCreateApiToken => {
                let client = deskpro_client::Client::with_http_client(base_url, http)
                    .unwrap()
                    .with_retry(clientgen_runtime::RetryPolicy::none());
                let body = deskpro_client::types::ApiTokenRequest::new("john@example.com", PASSWORD.into());
                client.create_api_token(&body).await.map(drop).map_err(|err| Failure::new(self, err))
            }
            Op::DeskproGetMe => {
                let client = deskpro_client::Client::with_http_client(base_url, http)
                    .unwrap()
                    .with_retry(clientgen_runtime::RetryPolicy::none())
                    .with_api_token(API_TOKEN.into());
                client.get_me().await.map(drop).map_err(|err| Failure::new(self, err))
            }
            Op::ProgenyObtainTokenPair => {
                let client = progeny_client::Client::with_http_client(base_url, http)
                    .unwrap()
                    .with_retry(clientgen_runtime::RetryPolicy::none());
                let body = progeny_client::types::TokenObtainPairRequest::new("tenant", PASSWORD.into());
                client.obtain_token_pair(&body).await.map(drop).map_err(|err| Failure::new(self, err))
            }
            Op::FinqwareExchangeToken => {
                let client = finqware_client::Client::with_http_client(base_url, http)
                    .unwrap()
                    .with_retry(clientgen_runtime::RetryPolicy::none());
                let body = finqware_client::types::TokenExchangeRequest::new(
                    "tenant-app",
                    CLIENT_SECRET.into(),
                    TEMP_TOKEN.into(),
                );
                client.exchange_token(&body).await.map(drop).map_err(|err| Failure::new(self, err))
            }
            Op::FormflowGetToken => {
                let client = formflow_client::Client::with_http_client(base_url, http)
                    .unwrap()
                    .with_retry(clientgen_runtime::RetryPolicy::none());
                let body =
                    formflow_client::types::ApiClientsRequestDto::new("api-client", CLIENT_SECRET.into(), "org-1");
                client.get_token(&body).await.map(drop).map_err(|err| Failure::new(self, err))
            }
        }
    }
}

/// What a failed call returned, with the operation's own error enum reduced to its variant name so that
/// one test can cover every client.
struct Failure {
    op: Op,
    kind: Kind,
    status: Option<u16>,
    retry_after: Option<Duration>,
    /// `Debug` and `Display` of the error and of every source below it.
    rendered: String,
}

#[derive(Debug)]
enum Kind {
    Api { variant: String },
    UnexpectedStatus { body: Vec<u8>, truncated: bool },
    Decode { message: String, snippet: String },
    Transport { timeout: bool, connect: bool },
    BodyTooLarge { limit: usize },
    Auth,
}

impl Failure {
    /// Summarizes `err`, after checking that it shows none of the request's secrets.
    fn new<E: Debug>(op: Op, err: clientgen_runtime::Error<E>) -> Self {
        use clientgen_runtime::Error;

        let rendered = render_without_secrets(&err);
        let status = err.status().map(|status| status.as_u16());
        let retry_after = err.retry_after();
        let timeout = err.is_timeout();
        let kind = match err {
            Error::Api { error, .. } => {
                let debug = format!("{error:?}");
                Kind::Api { variant: debug.split('(').next().unwrap_or_default().to_owned() }
            }
            Error::UnexpectedStatus { body, truncated, .. } => {
                Kind::UnexpectedStatus { body: body.to_vec(), truncated }
            }
            Error::Decode { message, snippet, .. } => Kind::Decode { message, snippet },
            Error::BodyTooLarge { limit, .. } => Kind::BodyTooLarge { limit },
            Error::Transport(err) => Kind::Transport { timeout, connect: err.is_connect() },
            Error::Auth(_) => Kind::Auth,
            // These clients have no middleware (and `Error` may grow).
            other => panic!("a failure these tests do not provoke: {other:?}"),
        };
        Self { op, kind, status, retry_after, rendered }
    }

    /// Asserts that a sensitive operation's error quotes nothing of the response body.
    fn assert_quotes_no_body(&self) {
        match &self.kind {
            Kind::UnexpectedStatus { body, .. } => assert!(body.is_empty(), "{self:?}"),
            Kind::Decode { message, snippet } => {
                assert!(snippet.is_empty(), "{self:?}");
                assert!(message.starts_with("invalid body at line"), "{self:?}");
            }
            _ => {}
        }
        assert!(!self.rendered.contains(RESPONSE_TOKEN), "{self:?}");
    }
}

/// `Debug` and `Display` of `err` and of every source below it; panics if a request secret shows.
fn render_without_secrets<E: Debug>(err: &clientgen_runtime::Error<E>) -> String {
    let mut rendered = format!("{err:?}\n{err}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        rendered.push_str(&format!("\n{cause:?}\n{cause}"));
        source = cause.source();
    }
    for secret in SECRETS {
        assert!(!rendered.contains(secret), "the error shows a request secret:\n{rendered}");
    }
    rendered
}

impl Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} -> status {:?}, {:?}\n{}", self.op, self.status, self.kind, self.rendered)
    }
}

// ---------------------------------------------------------------------------------------------------------
// Servers.

/// A raw loopback server that reads each request (head and `Content-Length` body), writes `reply`, keeps the
/// connection open for `hold` and then closes it. It serves at most 8 connections and stops accepting after
/// a minute with none. Returns the base URL and the number of requests read.
async fn raw_server(reply: impl Into<Vec<u8>>, hold: Duration) -> (String, Arc<AtomicUsize>) {
    let reply = Arc::new(reply.into());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    tokio::spawn(async move {
        for _ in 0..8 {
            let Ok(Ok((mut stream, _))) = tokio::time::timeout(Duration::from_secs(60), listener.accept()).await else {
                return;
            };
            let (reply, counter) = (reply.clone(), counter.clone());
            tokio::spawn(async move {
                if read_request(&mut stream).await.is_some() {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
                // The client may hang up first (a timeout, or it read enough): that is not the server's problem.
                let _ = stream.write_all(&reply).await;
                let _ = stream.flush().await;
                tokio::time::sleep(hold).await;
            });
        }
    });
    (base_url, requests)
}

/// Reads one request: its head and as many body bytes as its `Content-Length` says, within 5 seconds.
async fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let read = async {
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            if let Some(end) = request.windows(4).position(|window| window == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if request.len() >= end + 4 + length {
                    return Some(request);
                }
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), read).await.ok().flatten()
}

/// An HTTP/1.1 response head; `Connection: close` so that every request comes on a connection of its own.
fn head(status: u16, content_type: &str, content_length: usize) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} Whatever\r\nContent-Type: {content_type}\r\nContent-Length: {content_length}\r\n\
         Connection: close\r\n\r\n"
    )
    .into_bytes()
}

/// A wiremock server that answers every request with `response`.
async fn mock_server(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    server
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.expect("request recording is on").len()
}

/// A body of `len` bytes that is not JSON.
fn junk(len: usize) -> Vec<u8> {
    b"<junk> \x01\x02 not json ".iter().copied().cycle().take(len).collect()
}

const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                        <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                        </body>\r\n</html>\r\n";

// ---------------------------------------------------------------------------------------------------------
// 1. The connection closes in the middle of the body.

#[tokio::test]
async fn connection_closed_mid_body_is_a_transport_error() {
    for op in Op::ALL {
        for status in [op.success(), 502] {
            // Promise 1000 bytes, send 10, hang up.
            let mut reply = head(status, "application/json", 1000);
            reply.extend_from_slice(br#"{"token":"#);
            let (base_url, requests) = raw_server(reply, Duration::ZERO).await;
            let failure = op.fail(&base_url, NORMAL).await;
            assert!(
                matches!(failure.kind, Kind::Transport { timeout: false, connect: false }),
                "status {status}: {failure:?}"
            );
            assert_eq!(
                requests.load(Ordering::SeqCst),
                1,
                "{op:?}: one request (retries are off here; tests/retries.rs covers them)"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// 2. A proxy's HTML error page.

#[tokio::test]
async fn html_502_page_is_an_unexpected_status_with_its_body() {
    for op in Op::ALL {
        let server = mock_server(ResponseTemplate::new(502).set_body_raw(HTML_502, "text/html")).await;
        let failure = op.fail(&server.uri(), NORMAL).await;
        assert_eq!(failure.status, Some(502), "{failure:?}");
        match op {
            // The only operation here whose errors may quote the body: the page is kept, byte for byte.
            Op::DeskproGetMe => assert!(
                matches!(&failure.kind, Kind::UnexpectedStatus { body, truncated: false } if body == HTML_502.as_bytes()),
                "{failure:?}"
            ),
            // Finqware documents every 5xx with its JSON error body, which an HTML page is not.
            Op::FinqwareExchangeToken => {
                assert!(matches!(failure.kind, Kind::Decode { .. }), "{failure:?}");
                failure.assert_quotes_no_body();
            }
            // An exchange endpoint's body may hold credentials, so the error keeps the status, not the body.
            _ => {
                assert!(
                    matches!(&failure.kind, Kind::UnexpectedStatus { body, truncated: false } if body.is_empty()),
                    "{failure:?}"
                );
            }
        }
        assert_eq!(
            request_count(&server).await,
            1,
            "{op:?}: one request (retries are off here; tests/retries.rs covers them)"
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// 3. A success status without a usable body.

#[tokio::test]
async fn success_with_an_empty_body_is_a_decode_error() {
    for op in Op::ALL {
        let server = mock_server(ResponseTemplate::new(op.success())).await;
        let failure = op.fail(&server.uri(), NORMAL).await;
        assert!(matches!(failure.kind, Kind::Decode { .. }), "{failure:?}");
        assert_eq!(failure.status, Some(op.success()), "{failure:?}");
        if op.is_sensitive() {
            failure.assert_quotes_no_body();
        }
        assert_eq!(
            request_count(&server).await,
            1,
            "{op:?}: one request (retries are off here; tests/retries.rs covers them)"
        );
    }
}

#[tokio::test]
async fn success_with_truncated_json_is_a_decode_error() {
    for op in Op::ALL {
        let body = format!(r#"{{"data": {{"person_id": 2, "token": "{RESPONSE_TOKEN}"#);
        let server = mock_server(ResponseTemplate::new(op.success()).set_body_raw(body, "application/json")).await;
        let failure = op.fail(&server.uri(), NORMAL).await;
        let Kind::Decode { message, .. } = &failure.kind else { panic!("{failure:?}") };
        assert_eq!(failure.status, Some(op.success()), "{failure:?}");
        if op.is_sensitive() {
            // The start of the body holds what looks like a token: only its position is reported.
            failure.assert_quotes_no_body();
        } else {
            assert!(message.contains("EOF"), "{failure:?}");
        }
        assert_eq!(
            request_count(&server).await,
            1,
            "{op:?}: one request (retries are off here; tests/retries.rs covers them)"
        );
    }
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_a_decode_error_naming_the_field() {
    // A number where the spec says string, deep in a success body that holds no credential.
    let body = r#"{"data": {"auth_method": "api_key", "person_id": 7, "person": {"id": 7, "name": 12}}}"#;
    let server = mock_server(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let failure = Op::DeskproGetMe.fail(&server.uri(), NORMAL).await;
    let Kind::Decode { message, .. } = &failure.kind else { panic!("{failure:?}") };
    assert!(message.starts_with("at `data.person.name`: invalid type: integer `12`"), "{failure:?}");
}

// ---------------------------------------------------------------------------------------------------------
// 4. Bodies far larger than any documented one: memory stays bounded.

#[tokio::test]
async fn huge_undocumented_error_body_is_cut_at_the_error_body_limit() {
    // 409 is documented for none of the operations.
    let server = mock_server(ResponseTemplate::new(409).set_body_raw(junk(10 << 20), "text/plain")).await;
    for op in Op::ALL {
        let failure = op.fail(&server.uri(), NORMAL).await;
        assert_eq!(failure.status, Some(409), "{failure:?}");
        let Kind::UnexpectedStatus { body, truncated } = &failure.kind else { panic!("{failure:?}") };
        assert!(truncated, "{failure:?}");
        if op.is_sensitive() {
            assert!(body.is_empty(), "{failure:?}");
        } else {
            assert_eq!(body.len(), ERROR_BODY_LIMIT, "{op:?}");
            assert_eq!(body, &junk(ERROR_BODY_LIMIT), "{op:?}: the kept body is the start of the sent one");
        }
    }
    assert_eq!(request_count(&server).await, Op::ALL.len(), "one request per call, no retry");
}

#[tokio::test]
async fn huge_junk_body_on_a_documented_error_status_is_a_decode_error() {
    for op in Op::ALL {
        // A documented error status of each operation (`get_me` with a static token is sent through the
        // session, which handles 401 itself, so it gets 403).
        let status = if op == Op::DeskproGetMe { 403 } else { 401 };
        let server = mock_server(ResponseTemplate::new(status).set_body_raw(junk(10 << 20), "application/json")).await;
        let failure = op.fail(&server.uri(), NORMAL).await;
        assert_eq!(failure.status, Some(status), "{failure:?}");
        let Kind::Decode { snippet, .. } = &failure.kind else { panic!("{failure:?}") };
        if op.is_sensitive() {
            failure.assert_quotes_no_body();
        } else {
            assert!(!snippet.is_empty() && snippet.chars().count() <= 256, "{failure:?}");
        }
        assert_eq!(
            request_count(&server).await,
            1,
            "{op:?}: one request (retries are off here; tests/retries.rs covers them)"
        );
    }
}

#[tokio::test]
async fn documented_error_body_over_the_error_body_limit_decodes_whole() {
    // A 400 listing a thousand field errors: far beyond what an undocumented body keeps, still the typed body.
    let fields: serde_json::Map<String, serde_json::Value> = (0..1000)
        .map(|i| {
            let message = format!("field {i} is invalid: {}", "x".repeat(200));
            (format!("field{i}"), json!({"errors": [{"code": "invalid", "message": message}], "fields": {}}))
        })
        .collect();
    let body = json!({"status": 400, "code": "invalid_input", "message": "Request input is invalid.",
                      "errors": {"errors": [], "fields": fields}});
    assert!(body.to_string().len() > 4 * ERROR_BODY_LIMIT);
    let server = mock_server(json(400, body)).await;
    let client = deskpro_client::Client::with_http_client(&server.uri(), http_client(NORMAL))
        .unwrap()
        .with_retry(clientgen_runtime::RetryPolicy::none());
    let login = deskpro_client::types::ApiTokenRequest::new("me@example.com", clientgen_runtime::Secret::new(PASSWORD));
    let err = client.create_api_token(&login).await.unwrap_err();
    let clientgen_runtime::Error::Api { error: deskpro_client::CreateApiTokenError::BadRequest(body), .. } = err else {
        panic!("{err:?}")
    };
    let fields = body.errors.and_then(|tree| tree.fields).unwrap_or_default();
    assert_eq!(fields.len(), 1000);
    assert_eq!(fields["field999"].errors.as_ref().unwrap()[0].code, "invalid");
}

#[tokio::test]
async fn success_or_documented_error_body_over_the_read_limit_is_an_error() {
    // A token response, and a documented 401 with a JSON body, that never end: the runtime reads
    // `SUCCESS_BODY_LIMIT` bytes and stops (bounded memory), and a cut body is not decoded as if it were whole.
    for (status, start) in [(200, &br#"{"token": ""#[..]), (401, &br#"{"message": ""#[..])] {
        let length = SUCCESS_BODY_LIMIT + (1 << 20);
        let mut reply = head(status, "application/json", length);
        reply.extend_from_slice(start);
        reply.resize(reply.len() + length - start.len(), b'a');
        let (base_url, requests) = raw_server(reply, Duration::ZERO).await;
        let failure = Op::FormflowGetToken.fail(&base_url, Duration::from_secs(20)).await;
        assert!(matches!(failure.kind, Kind::BodyTooLarge { limit } if limit == SUCCESS_BODY_LIMIT), "{failure:?}");
        assert_eq!(failure.status, Some(status), "{failure:?}");
        assert_eq!(requests.load(Ordering::SeqCst), 1);
    }
}

// ---------------------------------------------------------------------------------------------------------
// 5. Slow servers: the client's timeout ends the call.

#[tokio::test]
async fn server_that_never_answers_times_out() {
    for op in Op::ALL {
        let (base_url, requests) = raw_server(Vec::new(), STALL).await;
        let failure = op.fail(&base_url, SHORT).await;
        assert!(matches!(failure.kind, Kind::Transport { timeout: true, .. }), "{failure:?}");
        assert_eq!(failure.status, None, "{failure:?}");
        assert_eq!(
            requests.load(Ordering::SeqCst),
            1,
            "{op:?}: one request (retries are off here; tests/retries.rs covers them)"
        );
    }
}

#[tokio::test]
async fn server_that_stalls_in_the_body_times_out() {
    for op in Op::ALL {
        for status in [op.success(), 502] {
            let mut reply = head(status, "application/json", 100);
            reply.extend_from_slice(br#"{"tok"#);
            let (base_url, requests) = raw_server(reply, STALL).await;
            let failure = op.fail(&base_url, SHORT).await;
            assert!(matches!(failure.kind, Kind::Transport { timeout: true, .. }), "status {status}: {failure:?}");
            assert_eq!(
                requests.load(Ordering::SeqCst),
                1,
                "{op:?}: one request (retries are off here; tests/retries.rs covers them)"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// 6. Rate limits and maintenance: typed errors with `Retry-After`, and no retry by the client.

#[tokio::test]
async fn documented_429_with_retry_after_is_a_typed_api_error() {
    let limited = |body: serde_json::Value| json(429, body).insert_header("retry-after", "7");

    let server =
        mock_server(limited(json!({"status": 429, "code": "too_many_requests", "message": "Slow down"}))).await;
    let client = deskpro_client::Client::with_http_client(&server.uri(), http_client(NORMAL))
        .unwrap()
        .with_retry(clientgen_runtime::RetryPolicy::none())
        .with_api_token(API_TOKEN.into());
    let err = guard(client.get_me()).await.unwrap_err();
    render_without_secrets(&err);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)), "{err:?}");
    let deskpro_client::Error::Api { status, error: deskpro_client::GetMeError::TooManyRequests(body), .. } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((status.as_u16(), body.code.as_str()), (429, "too_many_requests"));
    assert_eq!(request_count(&server).await, 1, "one request (retries are off here; tests/retries.rs covers them)");

    let server =
        mock_server(limited(json!({"statusCode": 429, "message": "ThrottlerException: Too Many Requests"}))).await;
    let client = formflow_client::Client::with_http_client(&server.uri(), http_client(NORMAL))
        .unwrap()
        .with_retry(clientgen_runtime::RetryPolicy::none());
    let credentials = formflow_client::types::ApiClientsRequestDto::new("api-client", CLIENT_SECRET.into(), "org-1");
    let err = guard(client.get_token(&credentials)).await.unwrap_err();
    render_without_secrets(&err);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)), "{err:?}");
    let formflow_client::Error::Api { status, error: formflow_client::GetTokenError::TooManyRequests(body), .. } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 429);
    assert_eq!(body.status_code, Some(429));
    assert_eq!(request_count(&server).await, 1, "one request (retries are off here; tests/retries.rs covers them)");

    // An empty 429 body: Formflow's loose `ErrorBody` reads it as `{}`, Deskpro's error body has required
    // members and does not decode; either way the delay is there.
    for op in [Op::DeskproGetMe, Op::FormflowGetToken] {
        let server = mock_server(ResponseTemplate::new(429).insert_header("retry-after", "7")).await;
        let failure = op.fail(&server.uri(), NORMAL).await;
        assert_eq!(failure.retry_after, Some(Duration::from_secs(7)), "{failure:?}");
        match op {
            Op::DeskproGetMe => assert!(matches!(failure.kind, Kind::Decode { .. }), "{failure:?}"),
            _ => assert!(matches!(&failure.kind, Kind::Api { variant } if variant == "TooManyRequests"), "{failure:?}"),
        }
        assert_eq!(
            request_count(&server).await,
            1,
            "{op:?}: one request (retries are off here; tests/retries.rs covers them)"
        );
    }
}

#[tokio::test]
async fn undocumented_503_with_retry_after_is_an_unexpected_status() {
    for op in Op::ALL {
        let body = json!({"id": "0b7e3d1e-8a45-4bb0-9b7c-2a3f1c9d6e10", "type": "internal_error", "http": 503,
                          "code": "maintenance", "message": "Back soon"});
        let server = mock_server(json(503, body).insert_header("retry-after", "7")).await;
        let failure = op.fail(&server.uri(), NORMAL).await;
        assert_eq!(failure.status, Some(503), "{failure:?}");
        assert_eq!(failure.retry_after, Some(Duration::from_secs(7)), "{failure:?}");
        match op {
            // Finqware documents 5xx (with this very body).
            Op::FinqwareExchangeToken => {
                assert!(matches!(&failure.kind, Kind::Api { variant } if variant == "ServerError"), "{failure:?}")
            }
            _ => assert!(matches!(failure.kind, Kind::UnexpectedStatus { truncated: false, .. }), "{failure:?}"),
        }
        assert_eq!(
            request_count(&server).await,
            1,
            "{op:?}: one request (retries are off here; tests/retries.rs covers them)"
        );
    }
}

#[tokio::test]
async fn retry_after_as_an_http_date_gives_the_remaining_delay() {
    let at = chrono::Utc::now() + chrono::Duration::seconds(120);
    let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    for (op, status) in [(Op::DeskproGetMe, 429), (Op::FormflowGetToken, 429), (Op::ProgenyObtainTokenPair, 503)] {
        let server = mock_server(ResponseTemplate::new(status).insert_header("retry-after", date.as_str())).await;
        let failure = op.fail(&server.uri(), NORMAL).await;
        assert_eq!(failure.status, Some(status), "{failure:?}");
        let delay = failure.retry_after.unwrap_or_else(|| panic!("no delay from {date:?}: {failure:?}"));
        // Two minutes ahead, less the (second-rounded) time the test took so far.
        assert!(delay > Duration::from_secs(60) && delay <= Duration::from_secs(120), "{delay:?}");
        assert_eq!(
            request_count(&server).await,
            1,
            "{op:?}: one request (retries are off here; tests/retries.rs covers them)"
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// 7. Something that is not HTTP at all.

#[tokio::test]
async fn garbage_instead_of_http_is_a_transport_error() {
    let replies: [&[u8]; 5] = [
        b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n",
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03 binary \x00\xff\xfe\r\n\r\n",
        b"HTTP/1.1 9999 Not A Status\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: banana\r\n\r\n{}",
        // Hang up without a byte.
        b"",
    ];
    for reply in replies {
        for op in Op::ALL {
            let (base_url, requests) = raw_server(reply, Duration::ZERO).await;
            let failure = op.fail(&base_url, NORMAL).await;
            assert!(
                matches!(failure.kind, Kind::Transport { timeout: false, .. }),
                "reply {:?}: {failure:?}",
                String::from_utf8_lossy(reply)
            );
            assert_eq!(failure.status, None, "{failure:?}");
            assert_eq!(
                requests.load(Ordering::SeqCst),
                1,
                "{op:?}: one request (retries are off here; tests/retries.rs covers them)"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// 8. Nobody listening.

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    for op in Op::ALL {
        let failure = op.fail(&base_url, NORMAL).await;
        assert!(matches!(failure.kind, Kind::Transport { connect: true, timeout: false }), "{failure:?}");
        assert_eq!(failure.status, None, "{failure:?}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// 9. A server that reflects the request back: the secrets it sent still stay out of the error.

#[tokio::test]
async fn server_echoing_the_request_body_leaks_no_secret_into_errors() {
    for op in Op::SENSITIVE {
        for status in [op.success(), 400, 401, 502] {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(move |request: &Request| {
                    ResponseTemplate::new(status).set_body_raw(request.body.clone(), "application/json")
                })
                .mount(&server)
                .await;
            // `Failure::new` asserts that no secret shows; here the kinds are only checked to be typed.
            let failure = op.fail(&server.uri(), NORMAL).await;
            assert_eq!(failure.status, Some(status), "{failure:?}");
            assert!(!matches!(failure.kind, Kind::Transport { .. } | Kind::Auth), "{failure:?}");
            failure.assert_quotes_no_body();
            assert_eq!(
                request_count(&server).await,
                1,
                "{op:?}: one request (retries are off here; tests/retries.rs covers them)"
            );
        }
    }
}

/// Fails the test if `call` does not return within [`HANG_GUARD`].
async fn guard<T>(call: impl IntoFuture<Output = T>) -> T {
    tokio::time::timeout(HANG_GUARD, call).await.expect("the call returned within the hang guard")
}
