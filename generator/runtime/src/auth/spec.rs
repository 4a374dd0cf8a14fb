//! What the spec says about a credential: where it goes and how tokens are issued and renewed.
//!
//! Generated code emits these descriptions as `static` items (every field is public and every type can be
//! built in a const context); the runtime reads them and holds nothing specific to one API.

/// How one security scheme's credential is obtained, renewed and placed on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSpec {
    /// The key of the scheme in `components.securitySchemes`, used in messages and to match operations.
    pub scheme: &'static str,
    /// Where the credential goes on each request.
    pub placement: Placement,
    /// The operation that issues the token (`x-clientgen-token` role `exchange`), if the spec has one.
    pub exchange: Option<EndpointSpec>,
    /// The operation that renews the token with a refresh token (role `refresh`), if the spec has one.
    pub refresh: Option<RefreshSpec>,
    /// The exchange request cannot be replayed (for instance a one-time authorization code), so the session
    /// never re-exchanges, even when the login request body is kept.
    pub single_use: bool,
}

/// Where a credential goes on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// A header whose value is `prefix` followed by the access token, for example
    /// `("authorization", "Bearer ")` or `("authorization", "token ")`.
    Header {
        /// The header name, lower case.
        name: &'static str,
        /// The text before the token (may be empty).
        prefix: &'static str,
    },
    /// Properties of the JSON request body (which must be an object).
    Body {
        /// The property set to the access token.
        token_field: &'static str,
        /// Properties set to the kept value of the same name (see [`TokenSpec::keep`]), as JSON strings.
        fields: &'static [&'static str],
    },
    /// A query parameter. The URL then holds a credential, so transport errors of such requests have their
    /// URL removed.
    Query {
        /// The parameter name.
        name: &'static str,
    },
    /// A cookie, added to any `Cookie` header the request already has.
    Cookie {
        /// The cookie name.
        name: &'static str,
    },
}

/// An operation that answers with a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSpec {
    /// The HTTP method (`reqwest::Method::POST`).
    pub method: reqwest::Method,
    /// The path relative to the base URL, starting with `/` (for example `"/accounts/token/refresh/"`).
    pub path: &'static str,
    /// Where the token and what goes with it are found in the success response.
    pub token: TokenSpec,
}

/// The operation that renews an access token with a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshSpec {
    /// The operation, and how to read its answer.
    pub endpoint: EndpointSpec,
    /// Where the refresh token goes in the JSON request body: an RFC 6901 JSON pointer such as `"/refresh"`.
    pub refresh_token_field: &'static str,
}

/// Where a token and its companions are found in a success response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSpec {
    /// RFC 6901 JSON pointer to the access token (a string) in the response body, e.g. `"/access_token"`.
    pub access_token: &'static str,
    /// JSON pointer to the refresh token, if the operation issues one. When a response lacks it, the
    /// refresh token held before stays in use (servers that do not rotate).
    pub refresh_token: Option<&'static str>,
    /// How long the access token is valid.
    pub lifetime: LifetimeSpec,
    /// JSON pointer to the refresh token's lifetime in seconds (`refresh_expires_in`), if the response
    /// states it. Without it, a refresh token that is a JWT expires at its `exp` claim, and any other lives
    /// until the server refuses it.
    pub refresh_lifetime: Option<&'static str>,
    /// Values kept for later requests (see [`Placement::Body`]), by name, and where each is read.
    pub keep: &'static [(&'static str, ValueSource)],
}

/// How long an access token is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifetimeSpec {
    /// The spec says nothing: the token is used until the server answers 401.
    None,
    /// JSON pointer to a number of seconds, counted from when the response is received (`expires_in`).
    ExpiresIn(&'static str),
    /// JSON pointer to an RFC 3339 timestamp: an absolute deadline (for example a consent's end), after
    /// which the token is never sent.
    ExpiresAt(&'static str),
    /// The access token is a JWT whose `exp` (and `iat`) claims give its lifetime.
    JwtExp,
}

/// Where a kept value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueSource {
    /// JSON pointer into the success response body.
    Response(&'static str),
    /// JSON pointer into the request body that was sent.
    Request(&'static str),
}
