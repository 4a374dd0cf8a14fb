//! What every generated `Client` holds: the HTTP client, the base URL and, once logged in, a credential session.

use std::convert::Infallible;
use std::fmt;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION};
use reqwest::{Method, RequestBuilder};

use crate::Error;
use crate::auth::{AuthError, SendError, Session};
use crate::response::RawResponse;

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
    http: reqwest::Client,
    base_url: String,
    url: reqwest::Url,
    session: Option<Session>,
    credential_headers: &'static [&'static str],
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
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            url,
            session: None,
            credential_headers: &[],
        })
    }

    /// The HTTP client used when the caller brings none: rustls, [`DEFAULT_CONNECT_TIMEOUT`],
    /// [`DEFAULT_TIMEOUT`], and redirects followed only within the same origin (at most 10), so that
    /// credentials in custom headers, query parameters or bodies never follow a redirect to another host.
    pub fn default_http_client(user_agent: &str) -> Result<reqwest::Client, BuildError> {
        let same_origin = reqwest::redirect::Policy::custom(|attempt| {
            let first = attempt.previous().first().map(reqwest::Url::origin);
            if attempt.previous().len() > 10 {
                attempt.error("too many redirects")
            } else if first.is_some_and(|origin| origin == attempt.url().origin()) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        reqwest::Client::builder()
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .timeout(DEFAULT_TIMEOUT)
            .redirect(same_origin)
            .user_agent(user_agent)
            .build()
            .map_err(BuildError::Http)
    }

    /// The HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
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
        self.http.request(method, format!("{}{}", self.base_url, path))
    }

    /// Sends a request built by a generated operation, with the credentials `security` asks for, and reads
    /// the response (bounded) for the operation to decode by status. Not generic: one copy serves every
    /// operation.
    ///
    /// `sensitive` says the response may carry credentials, so errors do not quote its body.
    pub(crate) async fn execute(
        &self,
        request: reqwest::Request,
        security: Security,
        sensitive: bool,
    ) -> Result<RawResponse, Error<Infallible>> {
        tracing::debug!(method = %request.method(), path = request.url().path(), "sending request");
        let response = match (security, self.session_for(security)) {
            (Security::None, _) | (Security::Optional(_), None) => {
                self.http.execute(request).await.map_err(Error::Transport)?
            }
            (Security::Required(schemes), None) => {
                return Err(Error::Auth(AuthError::NoCredentials { schemes: schemes.join(", ") }));
            }
            (_, Some(session)) => session.send(request).await.map_err(|err| match err {
                SendError::Auth(err) => Error::Auth(err),
                SendError::Transport(err) => Error::Transport(err),
            })?,
        };
        tracing::debug!(status = response.status().as_u16(), "received response");
        RawResponse::read(response, sensitive).await
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

    /// Sends any request: through the session (credentials placed, renewed as needed, one retry after a
    /// 401) when there is one, else as it is.
    pub async fn send_raw(&self, request: reqwest::Request) -> Result<reqwest::Response, SendError> {
        match &self.session {
            Some(session) => session.send(request).await,
            None => self.http.execute(request).await.map_err(SendError::Transport),
        }
    }

    fn session_for(&self, security: Security) -> Option<&Session> {
        let schemes = match security {
            Security::None => return None,
            Security::Required(schemes) | Security::Optional(schemes) => schemes,
        };
        self.session.as_ref().filter(|session| schemes.contains(&session.scheme()))
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
    fn refuses_bad_base_urls() {
        let http = reqwest::Client::new();
        assert!(ClientCore::new("not a url", http.clone()).is_err());
        assert!(ClientCore::new("mailto:x@example.com", http.clone()).is_err());
        let core = ClientCore::new("http://127.0.0.1:1/api/", http).unwrap();
        assert_eq!(core.base_url(), "http://127.0.0.1:1/api");
    }
}
