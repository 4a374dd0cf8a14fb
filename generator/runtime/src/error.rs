//! The error every generated operation returns, generic over the operation's own enum of documented errors.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::auth::AuthError;
use crate::transport::MiddlewareError;

/// How a call to an operation failed.
///
/// `E` is the operation's enum of documented error responses (one variant per documented error status), so
/// every outcome is reachable by matching on this one type. No variant holds a credential: request bodies are
/// never kept, and bodies of responses that may carry credentials are not quoted. Headers are boxed (and
/// generated error enums box their bodies) so that `Result<T, Error<E>>` stays small on the happy path.
/// Non-exhaustive: a later runtime may tell more kinds of failure apart.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with a status the spec documents as an error, and its body decoded.
    #[error("the server answered {status} (a documented error)")]
    Api {
        /// The status.
        status: StatusCode,
        /// The response headers (useful for `Retry-After` and request ids).
        headers: Box<HeaderMap>,
        /// The typed error body.
        error: E,
    },
    /// The server answered with a status the spec does not document for this operation.
    #[error("the server answered {status}, which the spec does not document for this operation")]
    UnexpectedStatus {
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: Box<HeaderMap>,
        /// The start of the body, at most [`crate::ERROR_BODY_LIMIT`] bytes.
        body: Bytes,
        /// Whether the body was longer than what `body` holds.
        truncated: bool,
    },
    /// The status is documented but its body did not decode into the documented type.
    #[error("the {status} response body does not match the spec: {message}")]
    Decode {
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: Box<HeaderMap>,
        /// What did not match (from serde; reduced to a position when the body may hold credentials).
        message: String,
        /// The start of the body as text (empty when the body may hold credentials).
        snippet: String,
    },
    /// A success or documented error body was longer than [`crate::response::SUCCESS_BODY_LIMIT`]; reading
    /// stopped there.
    #[error("the {status} response body is longer than {limit} bytes; reading stopped there")]
    BodyTooLarge {
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: Box<HeaderMap>,
        /// The limit that was reached.
        limit: usize,
    },
    /// The request could not be sent or the response not read: connection, TLS, timeout, or body.
    #[error("the request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// Credentials could not be supplied for an operation that needs them.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// A request middleware of the client failed (see [`crate::transport`]).
    #[error(transparent)]
    Middleware(MiddlewareError),
    /// An input cannot be sent as given, so nothing was sent: a path parameter whose value is empty, `.` or
    /// `..`. URL normalization drops such a segment (RFC 3986, section 5.2.4), and the request would reach
    /// another resource (`/apps/{app}/stats` with `..` is `/stats`).
    #[error("{0}")]
    Input(String),
    /// A walk through the pages of a paged operation cannot go on (see [`crate::pages`]); the pages before
    /// it were given.
    #[error(transparent)]
    Paging(crate::pages::PagingError),
}

impl<E> Error<E> {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. }
            | Self::UnexpectedStatus { status, .. }
            | Self::Decode { status, .. }
            | Self::BodyTooLarge { status, .. } => Some(*status),
            Self::Transport(err) => err.status(),
            Self::Auth(_) | Self::Middleware(_) | Self::Input(_) | Self::Paging(_) => None,
        }
    }

    /// The response headers, when there was a response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Self::Api { headers, .. }
            | Self::UnexpectedStatus { headers, .. }
            | Self::Decode { headers, .. }
            | Self::BodyTooLarge { headers, .. } => Some(headers),
            Self::Transport(_) | Self::Auth(_) | Self::Middleware(_) | Self::Input(_) | Self::Paging(_) => None,
        }
    }

    /// Whether the call ran out of time (the client's timeout fired).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Transport(err) if err.is_timeout())
    }

    /// The delay the server asked for with `Retry-After` (in seconds or as an HTTP date), if any.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        crate::response::retry_after(self.headers()?)
    }

    /// The typed body of a documented error response.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Self::Api { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl Error<std::convert::Infallible> {
    /// The same failure as an error of any operation (it holds no documented error body).
    pub fn widen<E>(self) -> Error<E> {
        match self {
            Self::Api { error, .. } => match error {},
            Self::UnexpectedStatus { status, headers, body, truncated } => {
                Error::UnexpectedStatus { status, headers, body, truncated }
            }
            Self::Decode { status, headers, message, snippet } => Error::Decode { status, headers, message, snippet },
            Self::BodyTooLarge { status, headers, limit } => Error::BodyTooLarge { status, headers, limit },
            Self::Transport(err) => Error::Transport(err),
            Self::Auth(err) => Error::Auth(err),
            Self::Middleware(err) => Error::Middleware(err),
            Self::Input(message) => Error::Input(message),
            Self::Paging(err) => Error::Paging(err),
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api { status, headers, error } => {
                f.debug_struct("Api").field("status", status).field("headers", headers).field("error", error).finish()
            }
            Self::UnexpectedStatus { status, headers, body, truncated } => f
                .debug_struct("UnexpectedStatus")
                .field("status", status)
                .field("headers", headers)
                .field("body", &String::from_utf8_lossy(body))
                .field("truncated", truncated)
                .finish(),
            Self::Decode { status, headers, message, snippet } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("headers", headers)
                .field("message", message)
                .field("snippet", snippet)
                .finish(),
            Self::BodyTooLarge { status, headers, limit } => f
                .debug_struct("BodyTooLarge")
                .field("status", status)
                .field("headers", headers)
                .field("limit", limit)
                .finish(),
            Self::Transport(err) => f.debug_tuple("Transport").field(err).finish(),
            Self::Auth(err) => f.debug_tuple("Auth").field(err).finish(),
            Self::Middleware(err) => f.debug_tuple("Middleware").field(err).finish(),
            Self::Input(message) => f.debug_tuple("Input").field(message).finish(),
            Self::Paging(err) => f.debug_tuple("Paging").field(err).finish(),
        }
    }
}
