//! What every generated `Client` holds: the HTTP client, the base URL and, once logged in, a credential session.

use std::convert::Infallible;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION};
use reqwest::{Method, RequestBuilder};
use tracing::Instrument as _;

use crate::Error;
use crate::auth::{AuthError, SendError, Session};
use crate::response::RawResponse;
use crate::retry::{self, RetryPolicy};
use crate::transport::{Failure, Transport};

/// How long connecting may take with the default HTTP client.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole request may take with the default HTTP client.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The base URL is not an absolute `http` or `https` URL.
    #[error("invalid base URL {url:?}: {reason}")]
    BaseUrl {
        /// The URL given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The HTTP client could not be set up (TLS back end).
    #[error("could not build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// Which credentials an operation needs, from its `security` requirement in the spec.
#[derive(Debug, Clone, Copy)]
pub enum Security {
    /// No credentials are sent.
    None,
    /// Credentials of one of these security schemes are required.
    Required(&'static [&'static str]),
    /// Credentials of one of these schemes are sent if the client has them; the call is made anyway.
    Optional(&'static [&'static str]),
}

/// The shared part of a generated client.
#[derive(Clone)]
pub struct ClientCore {
    transport: Transport,
    base_url: String,
    url: reqwest::Url,
    session: Option<Session>,
    credential_headers: &'static [&'static str],
    retry: RetryPolicy,
}

impl ClientCore {
    /// A core for `base_url` (an absolute `http`/`https` URL; a trailing `/` is ignored) using `http`.
    pub fn new(base_url: &str, http: reqwest::Client) -> Result<Self, BuildError> {
        let url = reqwest::Url::parse(base_url)
            .map_err(|err| BuildError::BaseUrl { url: base_url.to_owned(), reason: err.to_string() })?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(BuildError::BaseUrl { url: base_url.to_owned(), reason: "not an http(s) base URL".to_owned() });
        }
        Ok(Self {
            transport: Transport::new(http),
            base_url: base_url.trim_end_matches('/').to_owned(),
            url,
            session: None,
            credential_headers: &[],
            retry: RetryPolicy::default(),
        })
    }

    /// The HTTP client used when the caller brings none: rustls, [`DEFAULT_CONNECT_TIMEOUT`],
    /// [`DEFAULT_TIMEOUT`], and [`ClientCore::same_origin_redirects`].
    pub fn default_http_client(user_agent: &str) -> Result<reqwest::Client, BuildError> {
        reqwest::Client::builder()
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .timeout(DEFAULT_TIMEOUT)
            .redirect(Self::same_origin_redirects())
            .user_agent(user_agent)
            .build()
            .map_err(BuildError::Http)
    }

    /// The redirect policy of the default HTTP client: a redirect is followed only within the origin (scheme,
    /// host and port) of the request, at most [`MAX_REDIRECTS`] times (more is an error, so a loop ends);
    /// a redirect anywhere else, `https` to `http` included, is not followed and its answer is returned as it
    /// is. So a credential in any form (a header, a query parameter, a cookie, the body) never reaches
    /// another origin. reqwest's own default policy follows redirects to other hosts, dropping
    /// `Authorization`, `Cookie` and `Proxy-Authorization` but not a custom header or a query parameter:
    /// set this policy on a `reqwest::Client` of your own (`ClientBuilder::redirect`) to keep the guarantee.
    pub fn same_origin_redirects() -> reqwest::redirect::Policy {
        reqwest::redirect::Policy::custom(|attempt| {
            match redirect_decision(attempt.previous().first(), attempt.url(), attempt.previous().len()) {
                Redirect::Follow => attempt.follow(),
                Redirect::Stop => attempt.stop(),
                Redirect::TooMany => attempt.error("too many redirects"),
            }
        })
    }

    /// The HTTP client (without the middleware).
    pub fn http(&self) -> &reqwest::Client {
        self.transport.http()
    }

    /// This core with `middleware` added to its stack (after those added before: the first added sees a
    /// request first). What the stack sees, and what bypasses it, is said in [`crate::transport`].
    #[cfg(feature = "middleware")]
    pub fn with_middleware(&self, middleware: impl reqwest_middleware::Middleware) -> Self {
        Self { transport: self.transport.with_middleware(middleware), ..self.clone() }
    }

    /// This core with its middleware also handed the requests that carry a secret no header marking can
    /// hide (login and token operations, credentials in the query string or body). Off by default.
    #[cfg(feature = "middleware")]
    pub fn middleware_sees_secrets(&self, sees_secrets: bool) -> Self {
        Self { transport: self.transport.middleware_sees_secrets(sees_secrets), ..self.clone() }
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL, parsed.
    pub fn url(&self) -> &reqwest::Url {
        &self.url
    }

    /// The credential session, once there is one.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// This core with a credential session attached.
    pub fn with_session(&self, session: Session) -> Self {
        Self { session: Some(session), ..self.clone() }
    }

    /// A request to `path` (already encoded, starting with `/`) under the base URL.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http().request(method, format!("{}{}", self.base_url, path))
    }

    /// Sends a request built by a generated operation, with the credentials `security` asks for, retrying as
    /// `policy` says (`keyed`: the call carries an idempotency key), and reads the response (bounded) for the
    /// operation to decode by status. Not generic: one copy serves every operation.
    ///
    /// A 401 makes the session renew its tokens and resend at most once per call, whatever the retry policy:
    /// a later attempt that meets a 401 again gets that answer. Each retry re-places the current credentials,
    /// so attempts made while another call renews wait for that one renewal.
    ///
    /// `sensitive` says the exchange may carry credentials outside the marked headers, so errors do not quote
    /// its response body and the middleware does not see it. A response whose status `streams` picks is
    /// returned unread, for the operation to stream.
    pub(crate) async fn execute(
        &self,
        request: reqwest::Request,
        security: Security,
        sensitive: bool,
        policy: RetryPolicy,
        keyed: bool,
        streams: Option<fn(u16) -> bool>,
    ) -> Result<RawResponse, Error<Infallible>> {
        let span = tracing::Span::current();
        let session = match (security, self.session_for(security)) {
            (Security::None, _) | (Security::Optional(_), None) => None,
            (Security::Required(schemes), None) => {
                span.record("error.type", "auth");
                return Err(Error::Auth(AuthError::NoCredentials { schemes: schemes.join(", ") }));
            }
            (_, Some(session)) => Some(session),
        };
        let response = self.exchange(request, session, sensitive, policy, keyed).await.map_err(Error::from)?;
        if streams.is_some_and(|streams| streams(response.status().as_u16())) {
            return Ok(RawResponse::unread(response, sensitive));
        }
        RawResponse::read(response, sensitive).await
    }

    /// Sends `request` through `session` (when given) and the transport, retrying as `policy` says (`keyed`:
    /// the request carries an idempotency key), renewing at most once after a 401; records the resend count,
    /// the status and the error type on the current span. The one sending path of typed calls and
    /// [`ClientCore::send_raw`].
    async fn exchange(
        &self,
        request: reqwest::Request,
        session: Option<&Session>,
        sensitive: bool,
        policy: RetryPolicy,
        keyed: bool,
    ) -> Result<reqwest::Response, Failure> {
        let span = tracing::Span::current();
        let may_retry = policy.allows(request.method(), keyed);
        // Set once an attempt renewed the tokens after a 401: later attempts get a 401 answer back as it is.
        let renewed = AtomicBool::new(false);
        let (result, attempts) = retry::run(policy, may_retry, request, |request| {
            let renewed = &renewed;
            async move {
                let Some(session) = session else { return self.transport.send(request, sensitive).await };
                let may_renew = !renewed.load(Ordering::Relaxed);
                let (response, renewal) = session
                    .send_with(request, may_renew, Some(&self.transport), sensitive)
                    .await
                    .map_err(SendError::into_failure)?;
                renewed.fetch_or(renewal, Ordering::Relaxed);
                Ok(response)
            }
        })
        .await;
        // Every attempt after the first is a resend, and so is the one after a renewal.
        let resends = attempts - 1 + u32::from(renewed.into_inner());
        if resends > 0 {
            span.record("http.request.resend_count", resends);
        }
        match &result {
            Ok(response) => {
                span.record("http.response.status_code", response.status().as_u16());
                if response.status().as_u16() >= 400 {
                    span.record("error.type", response.status().as_str());
                }
            }
            Err(failure) => {
                span.record("error.type", error_type(failure));
            }
        }
        result
    }

    /// The retry policy of calls that set none of their own.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// This core with another retry policy.
    pub fn with_retry(&self, policy: RetryPolicy) -> Self {
        Self { retry: policy, ..self.clone() }
    }

    /// Names the headers that carry this API's credentials (those its security schemes place in headers),
    /// beside `Authorization`, `Proxy-Authorization` and `Cookie`: a caller's per-call header of one of these
    /// names is marked sensitive.
    pub fn with_credential_headers(mut self, names: &'static [&'static str]) -> Self {
        self.credential_headers = names;
        self
    }

    /// Marks every header that may carry a credential as sensitive (kept out of `Debug` output and HTTP/2
    /// header compression tables).
    pub(crate) fn mark_sensitive(&self, headers: &mut reqwest::header::HeaderMap) {
        for (name, value) in headers.iter_mut() {
            let credential = [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE].contains(name)
                || self.credential_headers.iter().any(|c| c.eq_ignore_ascii_case(name.as_str()));
            if credential {
                value.set_sensitive(true);
            }
        }
    }

    /// Sends any request the way a typed call is sent: in an `http.client` span (with the method as its name
    /// and no `url.template`, which a raw request does not have), retried by the client's policy (the method
    /// decides idempotency, and an `Idempotency-Key` header counts as a key), through the session when there
    /// is one (credentials placed, renewed as needed, one resend after a 401), and through the middleware,
    /// if any. The response is returned unread, whatever its status.
    pub async fn send_raw(&self, request: reqwest::Request) -> Result<reqwest::Response, SendError> {
        let method = request.method().clone();
        let span = tracing::info_span!(
            "http.client",
            otel.name = %method,
            otel.kind = "client",
            http.request.method = %method,
            server.address = request.url().host_str().unwrap_or_default(),
            http.response.status_code = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            error.type = tracing::field::Empty,
        );
        let keyed = request.headers().contains_key("idempotency-key");
        let sent = self.exchange(request, self.session.as_ref(), false, self.retry, keyed);
        sent.instrument(span).await.map_err(SendError::from)
    }

    fn session_for(&self, security: Security) -> Option<&Session> {
        let schemes = match security {
            Security::None => return None,
            Security::Required(schemes) | Security::Optional(schemes) => schemes,
        };
        self.session.as_ref().filter(|session| schemes.contains(&session.scheme()))
    }
}

/// How many redirects within one origin a request follows.
pub const MAX_REDIRECTS: usize = 10;

/// What [`ClientCore::same_origin_redirects`] does with one redirect.
#[derive(Debug, PartialEq, Eq)]
enum Redirect {
    Follow,
    Stop,
    TooMany,
}

/// The decision for a redirect to `next`, the request having started at `first` and followed `hops`
/// redirects so far (`previous` holds the URLs requested, so `hops` counts the first request too).
fn redirect_decision(first: Option<&reqwest::Url>, next: &reqwest::Url, hops: usize) -> Redirect {
    if hops > MAX_REDIRECTS {
        Redirect::TooMany
    } else if first.is_some_and(|first| first.origin() == next.origin()) {
        Redirect::Follow
    } else {
        Redirect::Stop
    }
}

/// OpenTelemetry's `error.type` for a failure without a response.
fn error_type(failure: &Failure) -> &'static str {
    match failure {
        Failure::Transport(err) if err.is_timeout() => "timeout",
        Failure::Transport(err) if err.is_connect() => "connect",
        Failure::Transport(_) => "transport",
        Failure::Auth(_) => "auth",
        Failure::Middleware(_) => "middleware",
    }
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCore").field("base_url", &self.base_url).field("session", &self.session).finish()
    }
}

/// Percent-encodes a value for one path segment (everything but RFC 3986 unreserved characters).
pub fn encode_path(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

const PATH_SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_path_segments() {
        assert_eq!(encode_path("a b/c?d"), "a%20b%2Fc%3Fd");
        assert_eq!(encode_path("x-1_2.3~"), "x-1_2.3~");
    }

    #[test]
    fn redirects_are_followed_within_the_origin_only_and_not_forever() {
        let url = |text: &str| reqwest::Url::parse(text).unwrap();
        let first = url("https://api.example.com/v1/things");
        let decide = |next: &str, hops| redirect_decision(Some(&first), &url(next), hops);
        assert_eq!(decide("https://api.example.com/v2/things?page=2", 1), Redirect::Follow);
        assert_eq!(decide("https://api.example.com:443/x", 1), Redirect::Follow, "the default port is the origin's");
        assert_eq!(decide("http://api.example.com/v1/things", 1), Redirect::Stop, "https to http");
        assert_eq!(decide("https://api.example.com:8443/x", 1), Redirect::Stop, "another port");
        assert_eq!(decide("https://evil.example.com/x", 1), Redirect::Stop, "another host");
        assert_eq!(decide("https://api.example.com.evil.com/x", 1), Redirect::Stop);
        assert_eq!(decide("https://api.example.com/x", MAX_REDIRECTS), Redirect::Follow);
        assert_eq!(decide("https://api.example.com/x", MAX_REDIRECTS + 1), Redirect::TooMany);
        assert_eq!(redirect_decision(None, &first, 0), Redirect::Stop);
    }

    #[test]
    fn refuses_bad_base_urls() {
        let http = reqwest::Client::new();
        assert!(ClientCore::new("not a url", http.clone()).is_err());
        assert!(ClientCore::new("mailto:x@example.com", http.clone()).is_err());
        let core = ClientCore::new("http://127.0.0.1:1/api/", http).unwrap();
        assert_eq!(core.base_url(), "http://127.0.0.1:1/api");
    }
}
