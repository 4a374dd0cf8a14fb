//! Helpers shared by the end-to-end tests: loopback servers and clients with short timeouts.

use std::time::Duration;

pub use wiremock::matchers::{body_json, header, method, path};
pub use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A `reqwest` client for tests: short timeouts so a hanging server fails fast.
pub fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(2))
        .build()
        .expect("a plain reqwest client builds")
}

/// A JSON response with `status`.
pub fn json(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// An unsigned JWT (as a server would issue, signature not checked by clients) issued now and valid for
/// `lifetime_secs`, with `id` in its `jti` so tokens are distinguishable.
pub fn jwt(id: &str, lifetime_secs: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = URL_SAFE_NO_PAD.encode(
        serde_json::json!({"token_type": "access", "iat": now, "exp": now + lifetime_secs, "jti": id}).to_string(),
    );
    format!("{header}.{claims}.c2lnbmF0dXJl")
}

/// A responder that counts its calls and answers the n-th (1-based) with `answer(n, request)`.
pub struct Counted<F> {
    count: Arc<AtomicUsize>,
    answer: F,
}

/// A counted responder and its counter.
pub fn counted<F>(answer: F) -> (Counted<F>, Arc<AtomicUsize>)
where
    F: Fn(usize, &Request) -> ResponseTemplate + Send + Sync + 'static,
{
    let count = Arc::new(AtomicUsize::new(0));
    (Counted { count: count.clone(), answer }, count)
}

impl<F> wiremock::Respond for Counted<F>
where
    F: Fn(usize, &Request) -> ResponseTemplate + Send + Sync + 'static,
{
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        (self.answer)(n, request)
    }
}

/// The value of a request header, or `""`.
pub fn header_of(request: &Request, name: &str) -> String {
    request.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// Reads an HTTP/1.1 request's head from `socket` (the body, if any, is left unread) and returns its path;
/// `None` if the connection closes first. For the raw loopback servers of tests that stream bodies.
pub async fn request_path(socket: &mut tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if socket.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&head).split(' ').nth(1).unwrap_or("/").to_owned())
}

/// Reads a counter.
pub fn hits(count: &AtomicUsize) -> usize {
    count.load(Ordering::SeqCst)
}

/// Everything a `tracing` subscriber writes, for tests that inspect traces.
#[derive(Clone, Default)]
pub struct Capture(Arc<std::sync::Mutex<Vec<u8>>>);

impl Capture {
    /// Installs a subscriber for the current thread that writes every event at TRACE and every span (with its
    /// fields, when it closes) here; tracing goes here until the guard is dropped.
    pub fn install(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)).into_owned()
    }
}

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
