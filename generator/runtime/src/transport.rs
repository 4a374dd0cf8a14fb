//! How a request leaves the client: straight to reqwest, or through the caller's middleware stack.
//!
//! With the `middleware` feature, a client takes any [`reqwest_middleware::Middleware`] (so
//! `reqwest-tracing`, `reqwest-retry` or `http-cache-reqwest` work unchanged). The stack sees each request
//! of an operation as it goes on the wire: after its credentials are placed (a signing middleware sees the
//! final request) and once per attempt (retries and the resend after a renewal pass through it again).
//! Credential headers reach it marked sensitive, so their `Debug` output is `Sensitive`; reading one takes
//! an explicit `HeaderValue::to_str` or `as_bytes`. Requests that carry a secret where no marking can hide
//! it — a login or token operation (credentials in the body or the response), a credential the spec puts
//! in the query string or the JSON body, and the session's own refresh and re-exchange requests — bypass
//! the stack, unless the caller lets it see them with `middleware_sees_secrets(true)` (the session's token
//! requests bypass it always).

use std::fmt;

use reqwest::{Request, Response};

/// A request middleware failed: the error it returned, as it returned it. The runtime never puts a
/// credential in one; what a caller's own middleware puts there is the caller's.
#[derive(Debug)]
pub struct MiddlewareError(pub(crate) Box<dyn std::error::Error + Send + Sync>);

impl fmt::Display for MiddlewareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a request middleware failed: {}", self.0)
    }
}

impl std::error::Error for MiddlewareError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// Why sending failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// reqwest could not send the request or receive the answer.
    Transport(reqwest::Error),
    /// A middleware returned an error of its own.
    Middleware(MiddlewareError),
    /// The session could not supply credentials.
    Auth(crate::auth::AuthError),
}

impl From<Failure> for crate::auth::SendError {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Transport(err) => Self::Transport(err),
            Failure::Middleware(err) => Self::Middleware(err),
            Failure::Auth(err) => Self::Auth(err),
        }
    }
}

impl crate::auth::SendError {
    pub(crate) fn into_failure(self) -> Failure {
        match self {
            Self::Transport(err) => Failure::Transport(err),
            Self::Middleware(err) => Failure::Middleware(err),
            Self::Auth(err) => Failure::Auth(err),
        }
    }
}

impl<E> From<Failure> for crate::Error<E> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Transport(err) => Self::Transport(err),
            Failure::Middleware(err) => Self::Middleware(err),
            Failure::Auth(err) => Self::Auth(err),
        }
    }
}

/// The HTTP client, and the middleware stack around it when the caller set one.
#[derive(Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    #[cfg(feature = "middleware")]
    stack: Option<reqwest_middleware::ClientWithMiddleware>,
    #[cfg(feature = "middleware")]
    sees_secrets: bool,
}

impl Transport {
    pub(crate) fn new(http: reqwest::Client) -> Self {
        Self {
            http,
            #[cfg(feature = "middleware")]
            stack: None,
            #[cfg(feature = "middleware")]
            sees_secrets: false,
        }
    }

    /// The HTTP client (without the middleware).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends `request`: through the middleware stack if there is one, unless the request carries a
    /// `secret` the stack may not see.
    pub(crate) async fn send(&self, request: Request, secret: bool) -> Result<Response, Failure> {
        #[cfg(feature = "middleware")]
        if let Some(stack) = self.stack.as_ref().filter(|_| !secret || self.sees_secrets) {
            return stack.execute(request).await.map_err(|err| match err {
                reqwest_middleware::Error::Reqwest(err) => Failure::Transport(err),
                reqwest_middleware::Error::Middleware(err) => Failure::Middleware(MiddlewareError(err.into())),
            });
        }
        #[cfg(not(feature = "middleware"))]
        let _ = secret;
        self.http.execute(request).await.map_err(Failure::Transport)
    }

    /// This transport with `middleware` added as the innermost layer of the stack (the first added sees a
    /// request first).
    #[cfg(feature = "middleware")]
    pub(crate) fn with_middleware(&self, middleware: impl reqwest_middleware::Middleware) -> Self {
        let stack = self.stack.clone().unwrap_or_else(|| self.http.clone().into());
        let stack = reqwest_middleware::ClientBuilder::from_client(stack).with(middleware).build();
        Self { stack: Some(stack), ..self.clone() }
    }

    /// This transport with the stack also seeing requests that carry a secret it cannot be kept from.
    #[cfg(feature = "middleware")]
    pub(crate) fn middleware_sees_secrets(&self, sees_secrets: bool) -> Self {
        Self { sees_secrets, ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server that answers every request 204 and counts them.
    async fn server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            for _ in 0..16 {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n").await;
            }
        });
        (url, count)
    }

    fn request(url: &str) -> Request {
        Request::new(reqwest::Method::GET, url.parse().unwrap())
    }

    #[tokio::test]
    async fn without_a_stack_a_request_goes_to_the_http_client() {
        let (url, count) = server().await;
        let transport = Transport::new(reqwest::Client::new());
        for secret in [false, true] {
            assert_eq!(transport.send(request(&url), secret).await.unwrap().status(), 204);
        }
        assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn the_http_client_is_the_one_given_with_its_settings() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        // Answers with the request's head as its body.
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 4096];
            let n = socket.read(&mut buf).await.unwrap();
            let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {n}\r\nconnection: close\r\n\r\n");
            socket.write_all(head.as_bytes()).await.unwrap();
            socket.write_all(&buf[..n]).await.unwrap();
        });
        let http = reqwest::Client::builder().user_agent("clientgen-probe/1").build().unwrap();
        let seen = Transport::new(http).http().get(url).send().await.unwrap().text().await.unwrap();
        assert!(seen.contains("user-agent: clientgen-probe/1"), "{seen}");
    }

    #[test]
    fn a_middleware_error_says_what_failed_and_keeps_the_error_as_its_source() {
        use std::error::Error as _;
        let err = MiddlewareError("rate limiter closed".into());
        assert_eq!(err.to_string(), "a request middleware failed: rate limiter closed");
        assert_eq!(err.source().map(ToString::to_string).as_deref(), Some("rate limiter closed"));
    }

    #[cfg(feature = "middleware")]
    mod stack {
        use std::sync::{Arc, Mutex};

        use reqwest_middleware::{Middleware, Next};

        use super::*;

        /// Writes its name into the shared log for each request it is handed.
        struct Named(&'static str, Arc<Mutex<Vec<&'static str>>>);

        #[async_trait::async_trait]
        impl Middleware for Named {
            async fn handle(
                &self,
                request: Request,
                extensions: &mut http::Extensions,
                next: Next<'_>,
            ) -> reqwest_middleware::Result<Response> {
                self.1.lock().unwrap().push(self.0);
                next.run(request, extensions).await
            }
        }

        #[tokio::test]
        async fn the_first_middleware_added_sees_a_request_first() {
            let (url, count) = server().await;
            let log = Arc::new(Mutex::new(Vec::new()));
            let transport = Transport::new(reqwest::Client::new())
                .with_middleware(Named("first", log.clone()))
                .with_middleware(Named("second", log.clone()));
            assert_eq!(transport.send(request(&url), false).await.unwrap().status(), 204);
            assert_eq!(*log.lock().unwrap(), ["first", "second"]);
            assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);
        }

        #[tokio::test]
        async fn a_request_with_a_secret_bypasses_the_stack_unless_it_may_see_secrets() {
            let (url, count) = server().await;
            let log = Arc::new(Mutex::new(Vec::new()));
            let transport = Transport::new(reqwest::Client::new()).with_middleware(Named("logger", log.clone()));
            // A credential in the query string or the body: sent, but the stack never sees it.
            assert_eq!(transport.send(request(&url), true).await.unwrap().status(), 204);
            assert!(log.lock().unwrap().is_empty(), "{:?}", log.lock().unwrap());
            // Without a secret, or once the caller lets it see them, the stack is handed the request.
            assert_eq!(transport.send(request(&url), false).await.unwrap().status(), 204);
            let trusting = transport.middleware_sees_secrets(true);
            assert_eq!(trusting.send(request(&url), true).await.unwrap().status(), 204);
            assert_eq!(*log.lock().unwrap(), ["logger", "logger"]);
            assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 3);
        }
    }
}
