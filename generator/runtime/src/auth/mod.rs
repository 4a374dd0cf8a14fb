//! The token lifecycle: holding credentials, placing them on requests, and renewing them.
//!
//! Generated code describes each security scheme that a token feeds with a `static` [`AuthSpec`] (where the
//! credential goes, which operations issue and refresh it, where the token, its lifetime and kept values are
//! in their responses). After a login it builds a [`TokenSet`] from the exchange response with
//! [`TokenSet::from_response`] and wraps it in a [`Session`], through which every authenticated request is
//! sent:
//!
//! - a token is renewed ahead of its expiry, within a margin proportional to its lifetime
//!   ([`RefreshMargin`]); expiry is measured from local receipt, so server clock skew does not matter;
//! - renewal uses the refresh operation when there is a refresh token, else, if the user opted in and the
//!   exchange can be replayed, the kept login request (re-exchange), else [`AuthError::LoginRequired`];
//! - a 401 answer forces one renewal and one retry of the request, never more;
//! - concurrent callers share one renewal (single flight), and a failed renewal is reported to all of them
//!   without blocking the next call from trying again;
//! - tokens can be kept between runs with a [`TokenStore`].
//!
//! No secret appears in an error, a `Debug` output or a `tracing` event.

mod basic;
mod jwt;
mod session;
mod spec;
mod store;
mod tokens;

use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use basic::basic_credential;
pub use session::{Session, SessionOptions};
pub use spec::{AuthSpec, EndpointSpec, LifetimeSpec, Placement, RefreshSpec, TokenSpec, ValueSource};
pub use store::{FileStore, MemoryStore, StoredTokens, TokenStore};
pub use tokens::{CLOCK_SKEW_TOLERANCE, RefreshMargin, TokenSet};

/// Why credentials could not be supplied. Cheap to clone (one renewal failure is reported to every caller
/// that waited for it), and free of secrets.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    /// The operation needs credentials of one of these schemes and the client holds none.
    #[error("no credentials for {schemes}: log in or set a credential first")]
    NoCredentials {
        /// The schemes the operation accepts, comma-separated.
        schemes: String,
    },
    /// The credentials are no longer accepted and cannot be renewed without the user: log in again.
    #[error("the {scheme} credentials are no longer valid and cannot be renewed: log in again")]
    LoginRequired {
        /// The security scheme.
        scheme: &'static str,
    },
    /// The credentials passed their hard deadline (for example the end of a consent) and cannot be
    /// renewed. Nothing was sent.
    #[error("the {scheme} credentials expired at {at}: log in again")]
    Expired {
        /// The security scheme.
        scheme: &'static str,
        /// The deadline.
        at: DateTime<Utc>,
    },
    /// The refresh or re-exchange operation answered with an error status other than 400, 401 or 403
    /// (which mean the refresh token or the kept login is no longer accepted, and lead to a re-exchange or
    /// to [`AuthError::LoginRequired`]): for example 429 or a server error. The tokens are kept, and the
    /// next call tries again.
    #[error("the {scheme} {operation} request was answered with status {status}")]
    Rejected {
        /// The security scheme.
        scheme: &'static str,
        /// The status.
        status: u16,
        /// `"refresh"` or `"exchange"`.
        operation: &'static str,
    },
    /// A token response lacks a value the spec says it has, or the value has the wrong type (or the body is
    /// not JSON: the pointer is then `""`). The value itself is never quoted.
    #[error("the token response has no valid value at JSON pointer {pointer:?}")]
    InvalidTokenResponse {
        /// The RFC 6901 pointer from the spec.
        pointer: &'static str,
    },
    /// The credential cannot be put on this request (for example the body is not a JSON object, a kept
    /// value is missing, or the token has characters a header cannot hold). Nothing was sent.
    #[error("the {scheme} credentials cannot be placed on the request: {reason}")]
    Unplaceable {
        /// The security scheme.
        scheme: &'static str,
        /// What is wrong (never a value).
        reason: String,
    },
    /// The refresh or re-exchange request could not be sent or its answer not read.
    #[error("the token request failed: {0}")]
    Transport(#[source] Arc<reqwest::Error>),
}

/// Why [`Session::send`] failed.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// No valid credentials could be supplied.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The request itself could not be sent or its answer not received.
    #[error("the request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// A request middleware of the client failed (see [`crate::transport`]).
    #[error(transparent)]
    Middleware(crate::MiddlewareError),
}
