//! How a generated client starts a [`Session`]: from a login's request and response, or from a credential
//! the caller already holds.

use serde::Serialize;

use crate::auth::{AuthError, AuthSpec, Session, SessionOptions, TokenSet};
use crate::secret::WipedJson;
use crate::{ResponseValue, Secret};

impl Session {
    /// A session from a successful login: the token set is read from `response` (and `request`, for kept
    /// values) as `spec.exchange` says, expiry times against the server's clock (its `Date` header; see
    /// [`TokenSet::from_response_at`]). If the caller opted in with [`SessionOptions::reexchange`] and the
    /// exchange is not single-use, the login request is kept (as a secret) to log in again when needed.
    pub fn login<Req: Serialize + ?Sized, Resp: Serialize>(
        http: reqwest::Client,
        base_url: reqwest::Url,
        spec: &'static AuthSpec,
        request: &Req,
        response: &ResponseValue<Resp>,
        mut options: SessionOptions,
    ) -> Result<Self, AuthError> {
        let invalid = || AuthError::InvalidTokenResponse { pointer: "" };
        let exchange = spec.exchange.as_ref().ok_or_else(invalid)?;
        let server_now = crate::response::server_date(response.headers());
        // Both hold credentials: their strings are zeroized when dropped, and the kept copy is a `Secret`.
        let request = WipedJson(serde_json::to_value(request).map_err(|_| invalid())?);
        let response = WipedJson(serde_json::to_value(&**response).map_err(|_| invalid())?);
        let tokens = TokenSet::from_response_at(&exchange.token, &request, &response, server_now)?;
        if options.wants_reexchange() && !spec.single_use {
            options = options.keep_login(Secret::new(request.to_string()));
        }
        Ok(Self::new(http, base_url, spec, tokens, options))
    }

    /// A session holding a credential the caller already has (an API key, or a token obtained elsewhere):
    /// it never expires by itself and is not renewed, so a 401 answer is returned to the caller as it is.
    pub fn with_credential(
        http: reqwest::Client,
        base_url: reqwest::Url,
        spec: &'static AuthSpec,
        credential: Secret,
    ) -> Self {
        let mut options = SessionOptions::default();
        options.fixed_credential = true;
        Self::new(http, base_url, spec, TokenSet::new(credential), options)
    }
}
