//! A logged-in session: holds the tokens, places them on requests, and renews them.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, HeaderName, HeaderValue};
use reqwest::{Request, Response, StatusCode, Url};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::spec::{AuthSpec, EndpointSpec, Placement, RefreshSpec};
use super::store::{StoredTokens, TokenStore};
use super::tokens::{Freshness, RefreshMargin, TokenSet};
use super::{AuthError, SendError};
use crate::Secret;
use crate::retry::{self, RetryPolicy};
use crate::secret::{WipedJson, wiped_body};
use crate::transport::{Failure, Transport};

/// The most of a token response body that is read.
const TOKEN_BODY_LIMIT: usize = 1024 * 1024;

/// A callback told about every new token set.
type OnChange = Arc<dyn Fn(&TokenSet) + Send + Sync>;

/// How a [`Session`] behaves. The default keeps no login, no store, no callback, and renews a token in the
/// last tenth of its lifetime (at most the last 60 s).
#[derive(Clone, Default)]
pub struct SessionOptions {
    /// The session holds a credential the caller supplied (not from a login): a 401 is the caller's to see.
    pub(crate) fixed_credential: bool,
    reexchange: bool,
    kept_login: Option<Secret>,
    store: Option<Arc<dyn TokenStore>>,
    on_change: Option<OnChange>,
    margin: RefreshMargin,
    retry: RetryPolicy,
}

impl SessionOptions {
    /// The default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opts in (or out) of keeping the login request, credentials included, in memory so that the session
    /// can log in again by itself when its token cannot be refreshed. Off by default. A generated `login`
    /// method checks [`SessionOptions::wants_reexchange`] and supplies the body with
    /// [`SessionOptions::keep_login`]. Never used when the spec marks the exchange as single-use.
    pub fn reexchange(mut self, enabled: bool) -> Self {
        self.reexchange = enabled;
        if !enabled {
            self.kept_login = None;
        }
        self
    }

    /// How the session's own token requests (refresh, re-exchange) are retried when the server answers 408,
    /// 429, 502, 503 or 504 or the connection fails: [`RetryPolicy::default`] unless set. These requests count
    /// as idempotent (a repeated login or refresh issues another token; none is lost).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Whether the user opted in to re-exchange.
    pub fn wants_reexchange(&self) -> bool {
        self.reexchange
    }

    /// Keeps this serialized JSON login request body for re-exchange (and opts in to it).
    pub fn keep_login(mut self, login_body: Secret) -> Self {
        self.reexchange = true;
        self.kept_login = Some(login_body);
        self
    }

    /// Saves the tokens to `store` whenever they change.
    pub fn store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The store set with [`SessionOptions::store`], for loading tokens to resume a session.
    pub fn token_store(&self) -> Option<&Arc<dyn TokenStore>> {
        self.store.as_ref()
    }

    /// Calls `callback` with every new token set (after login and after each renewal). It runs while the
    /// session's renewal is in progress, so it must not block for long.
    pub fn on_change(mut self, callback: impl Fn(&TokenSet) + Send + Sync + 'static) -> Self {
        self.on_change = Some(Arc::new(callback));
        self
    }

    /// Sets how long before expiry a token is renewed.
    pub fn refresh_margin(mut self, margin: RefreshMargin) -> Self {
        self.margin = margin;
        self
    }
}

impl fmt::Debug for SessionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionOptions")
            .field("reexchange", &self.reexchange)
            .field("login_kept", &self.kept_login.is_some())
            .field("store", &self.store.is_some())
            .field("on_change", &self.on_change.is_some())
            .field("margin", &self.margin)
            .field("retry", &self.retry)
            .finish()
    }
}

/// The credentials of one security scheme, and the machinery that keeps them valid.
///
/// Cheap to clone: clones share the tokens, so a renewal by one is seen by all. `Debug` shows the scheme
/// and the expiry state, never a secret.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    spec: &'static AuthSpec,
    options: SessionOptions,
    state: Mutex<State>,
    /// Held by the one caller renewing the tokens; the others wait for it (single flight).
    renewing: tokio::sync::Mutex<()>,
}

struct State {
    tokens: Arc<TokenSet>,
    /// Counts token sets: each renewal or replacement adds one.
    generation: u64,
    /// Counts finished renewal attempts, successful or not.
    attempts: u64,
    /// Why the last attempt failed, if it did.
    last_error: Option<AuthError>,
}

/// A snapshot of the state.
#[derive(Clone)]
struct Held {
    tokens: Arc<TokenSet>,
    generation: u64,
    attempts: u64,
}

impl State {
    fn held(&self) -> Held {
        Held { tokens: self.tokens.clone(), generation: self.generation, attempts: self.attempts }
    }
}

impl Session {
    /// A session holding `tokens` just obtained (by a login), for requests to `base_url`.
    ///
    /// The tokens are handed to the store and the `on_change` callback of `options` once, as they are new.
    pub fn new(
        http: reqwest::Client,
        base_url: Url,
        spec: &'static AuthSpec,
        tokens: TokenSet,
        options: SessionOptions,
    ) -> Self {
        let session = Self::build(http, base_url, spec, tokens, options);
        session.publish(&session.current());
        session
    }

    /// A session resuming tokens from a [`TokenStore`]; nothing is saved until they change.
    ///
    /// Tokens stored for another scheme or another server are refused with [`AuthError::NoCredentials`],
    /// so that they are never sent where they do not belong.
    pub fn resume(
        http: reqwest::Client,
        base_url: Url,
        spec: &'static AuthSpec,
        stored: StoredTokens,
        options: SessionOptions,
    ) -> Result<Self, AuthError> {
        if stored.scheme != spec.scheme || stored.base_url != base_url.as_str().trim_end_matches('/') {
            tracing::debug!(scheme = spec.scheme, "the stored tokens are for another scheme or server");
            return Err(AuthError::NoCredentials { schemes: spec.scheme.to_owned() });
        }
        Ok(Self::build(http, base_url, spec, stored.to_tokens(), options))
    }

    fn build(
        http: reqwest::Client,
        base_url: Url,
        spec: &'static AuthSpec,
        tokens: TokenSet,
        options: SessionOptions,
    ) -> Self {
        let state = State { tokens: Arc::new(tokens), generation: 0, attempts: 0, last_error: None };
        Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                spec,
                options,
                state: Mutex::new(state),
                renewing: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The security scheme whose credentials this session holds.
    pub fn scheme(&self) -> &'static str {
        self.inner.spec.scheme
    }

    /// The spec description the session follows.
    pub fn spec(&self) -> &'static AuthSpec {
        self.inner.spec
    }

    /// The tokens held now, whether or not they are still valid.
    pub fn current(&self) -> Arc<TokenSet> {
        self.state().tokens.clone()
    }

    /// How many times the tokens have been replaced (renewed or set) since the session began.
    pub fn generation(&self) -> u64 {
        self.state().generation
    }

    /// The kept value of that name (see [`TokenSpec::keep`](super::TokenSpec::keep)).
    pub fn value(&self, name: &str) -> Option<Secret> {
        self.state().tokens.value(name).cloned()
    }

    /// The tokens held now in their storable form.
    pub fn stored(&self) -> StoredTokens {
        StoredTokens::new(self.scheme(), self.inner.base_url.as_str(), &self.current())
    }

    /// Replaces the tokens (for example after the user logged in again), saving them and telling the
    /// `on_change` callback.
    pub fn set_tokens(&self, tokens: TokenSet) {
        let tokens = Arc::new(tokens);
        let generation = {
            let mut state = self.state();
            state.tokens = tokens.clone();
            state.generation += 1;
            state.last_error = None;
            state.generation
        };
        tracing::debug!(scheme = self.scheme(), generation, "tokens replaced");
        self.publish(&tokens);
    }

    /// A valid access token: the one held, or a renewed one if it is due.
    pub async fn access_token(&self) -> Result<Secret, AuthError> {
        Ok(self.tokens().await?.access_token().clone())
    }

    /// Valid tokens: those held, or renewed ones if they are due.
    ///
    /// A token within its renewal margin is renewed if possible; if that fails while it is still valid, it
    /// is used anyway (the next call tries again). An expired token that cannot be renewed gives
    /// [`AuthError::LoginRequired`], one past its hard deadline [`AuthError::Expired`].
    pub async fn tokens(&self) -> Result<Arc<TokenSet>, AuthError> {
        Ok(self.valid().await?.tokens)
    }

    /// Renews the tokens now, whatever their expiry (one renewal even if several callers ask at once).
    pub async fn renew(&self) -> Result<Arc<TokenSet>, AuthError> {
        let held = self.held();
        if !self.can_renew(&held.tokens) {
            return Err(self.cannot_renew(&held.tokens));
        }
        Ok(self.renew_from(held.generation, held.attempts).await?.tokens)
    }

    /// Sends a request with the credentials, renewing them first if due.
    ///
    /// If the server answers 401, the tokens are renewed once (unless another caller already did) and the
    /// request is sent once more; that second answer is returned whatever it is. A request whose body
    /// cannot be cloned (a stream) is not retried: its 401 answer is returned. When a 401 cannot be
    /// answered by renewing, a session that came from a login gives [`AuthError::LoginRequired`] and one
    /// with a static credential returns the 401 answer.
    ///
    /// The request must be for the session's server (same scheme, host and port as its base URL).
    pub async fn send(&self, request: Request) -> Result<Response, SendError> {
        self.send_with(request, true, None, false).await.map(|(response, _)| response)
    }

    /// [`Session::send`], renewing after a 401 only when `may_renew` (a call that already renewed once, on an
    /// earlier attempt, gets the 401 answer back instead); also says whether this send renewed. The request
    /// goes out through `via` (a client's transport, with its middleware) when given, as one that carries
    /// a `secret` if it does or if this scheme puts the credential in the query string or the body.
    pub(crate) async fn send_with(
        &self,
        mut request: Request,
        may_renew: bool,
        via: Option<&Transport>,
        secret: bool,
    ) -> Result<(Response, bool), SendError> {
        let secret = secret || matches!(self.inner.spec.placement, Placement::Query { .. } | Placement::Body { .. });
        if request.url().origin() != self.inner.base_url.origin() {
            return Err(self.unplaceable("the request is not for the session's server").into());
        }
        let retry = if may_renew { request.try_clone() } else { None };
        let held = self.valid().await?;
        self.place(&mut request, &held.tokens)?;
        let response = self.execute(request, via, secret).await?;
        if response.status() != StatusCode::UNAUTHORIZED || !may_renew {
            return Ok((response, false));
        }
        let Some(mut retry) = retry else {
            tracing::debug!(scheme = self.scheme(), "401 answer; the request body cannot be replayed, so no retry");
            return Ok((response, false));
        };
        tracing::debug!(scheme = self.scheme(), generation = held.generation, "401 answer; renewing once");
        let Some(renewed) = self.after_rejection(held.generation).await? else {
            return Ok((response, false));
        };
        drop(response);
        self.place(&mut retry, &renewed.tokens)?;
        tracing::debug!(scheme = self.scheme(), generation = renewed.generation, "resending the request once");
        let response = self.execute(retry, via, secret).await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            tracing::debug!(scheme = self.scheme(), "401 again after renewal; returning it");
        }
        Ok((response, true))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic elsewhere cannot have broken it.
        self.inner.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn held(&self) -> Held {
        self.state().held()
    }

    /// The login body to re-exchange with, if re-exchange is possible.
    fn reexchange_with(&self) -> Option<(&'static EndpointSpec, &Secret)> {
        let options = &self.inner.options;
        let exchange = self.inner.spec.exchange.as_ref()?;
        if self.inner.spec.single_use || !options.reexchange {
            return None;
        }
        Some((exchange, options.kept_login.as_ref()?))
    }

    fn can_renew(&self, tokens: &TokenSet) -> bool {
        (self.inner.spec.refresh.is_some() && tokens.usable_refresh_token().is_some())
            || self.reexchange_with().is_some()
    }

    /// The error for tokens that are not valid and cannot be renewed.
    fn cannot_renew(&self, tokens: &TokenSet) -> AuthError {
        match tokens.freshness(&self.inner.options.margin) {
            Freshness::PastDeadline(at) => AuthError::Expired { scheme: self.scheme(), at },
            _ => AuthError::LoginRequired { scheme: self.scheme() },
        }
    }

    async fn valid(&self) -> Result<Held, AuthError> {
        let held = self.held();
        match held.tokens.freshness(&self.inner.options.margin) {
            Freshness::Fresh => Ok(held),
            Freshness::Due if !self.can_renew(&held.tokens) => Ok(held),
            Freshness::Due => match self.renew_from(held.generation, held.attempts).await {
                Ok(renewed) => Ok(renewed),
                Err(_) => {
                    tracing::debug!(
                        scheme = self.scheme(),
                        "renewing ahead of expiry failed; the token is still valid"
                    );
                    Ok(held)
                }
            },
            Freshness::Expired | Freshness::PastDeadline(_) if self.can_renew(&held.tokens) => {
                self.renew_from(held.generation, held.attempts).await
            }
            Freshness::Expired | Freshness::PastDeadline(_) => {
                tracing::debug!(scheme = self.scheme(), "the token expired and cannot be renewed; nothing sent");
                Err(self.cannot_renew(&held.tokens))
            }
        }
    }

    /// After a 401 to the token of generation `rejected`: tokens to retry with, `None` to give the 401
    /// answer back (a static credential), or the error.
    async fn after_rejection(&self, rejected: u64) -> Result<Option<Held>, AuthError> {
        let held = self.held();
        if held.generation != rejected {
            tracing::debug!(scheme = self.scheme(), generation = held.generation, "already renewed by another caller");
            return Ok(Some(held));
        }
        if self.can_renew(&held.tokens) {
            return self.renew_from(rejected, held.attempts).await.map(Some);
        }
        // A credential the caller supplied (an API key, a token from elsewhere) cannot be renewed here: the
        // 401 answer goes back with its body. A login's token can: the caller must log in again.
        let spec = self.inner.spec;
        if !self.inner.options.fixed_credential && (spec.exchange.is_some() || spec.refresh.is_some()) {
            Err(AuthError::LoginRequired { scheme: self.scheme() })
        } else {
            Ok(None)
        }
    }

    /// Renews the tokens of generation `generation`, unless another caller already did (then its tokens
    /// are used) or an attempt made after `attempts` were counted failed (then its error is shared).
    async fn renew_from(&self, generation: u64, attempts: u64) -> Result<Held, AuthError> {
        let _turn = self.inner.renewing.lock().await;
        let current = {
            let state = self.state();
            if state.generation != generation {
                return Ok(state.held());
            }
            // An attempt finished while this caller waited: share its outcome (a failure, as the
            // generation did not change) instead of trying again at once.
            if let Some(err) = state.last_error.as_ref().filter(|_| state.attempts != attempts) {
                return Err(err.clone());
            }
            state.tokens.clone()
        };
        // If this future is dropped from here on, the lock is released with nothing counted, and the next
        // waiter makes its own attempt.
        let result = self.obtain(&current).await;
        let renewed = {
            let mut state = self.state();
            state.attempts += 1;
            match result {
                Err(err) => {
                    state.last_error = Some(err.clone());
                    drop(state);
                    tracing::debug!(scheme = self.scheme(), generation, "renewal failed");
                    return Err(err);
                }
                // Replaced with `set_tokens` meanwhile: those win.
                Ok(_) if state.generation != generation => return Ok(state.held()),
                Ok(tokens) => {
                    state.last_error = None;
                    state.tokens = Arc::new(tokens);
                    state.generation += 1;
                    state.held()
                }
            }
        };
        tracing::debug!(scheme = self.scheme(), generation = renewed.generation, "tokens renewed");
        self.publish(&renewed.tokens);
        Ok(renewed)
    }

    /// New tokens, by refresh, else by re-exchange.
    async fn obtain(&self, current: &TokenSet) -> Result<TokenSet, AuthError> {
        let scheme = self.scheme();
        // A refresh token known to have expired is not tried: straight to logging in again, or LoginRequired.
        if current.refresh_token().is_some() && current.usable_refresh_token().is_none() {
            tracing::debug!(scheme, "the refresh token has expired");
        }
        if let (Some(refresh), Some(token)) = (&self.inner.spec.refresh, current.usable_refresh_token()) {
            match self.refresh(refresh, token).await {
                Ok(tokens) => {
                    if tokens.refresh_token().is_some() {
                        tracing::debug!(scheme, "the refresh token was rotated");
                    }
                    return Ok(tokens.merged_over(current, true));
                }
                Err(AuthError::Rejected { status: status @ (400 | 401 | 403), .. }) => {
                    tracing::debug!(scheme, status, "the refresh token was rejected");
                }
                Err(err) => return Err(err),
            }
        }
        match self.reexchange_with() {
            Some((exchange, login)) => {
                tracing::debug!(scheme, "logging in again with the kept login request");
                let body = WipedJson(
                    serde_json::from_str(login.expose())
                        .map_err(|_| self.unplaceable("the kept login request is not JSON"))?,
                );
                let response = match self.call(exchange, &body, "exchange").await {
                    Ok(response) => response,
                    Err(AuthError::Rejected { status: status @ (400 | 401 | 403), .. }) => {
                        tracing::debug!(scheme, status, "the kept login request was rejected");
                        return Err(AuthError::LoginRequired { scheme });
                    }
                    Err(err) => return Err(err),
                };
                let (response, server_now) = response;
                Ok(TokenSet::from_response_at(&exchange.token, &body, &response, server_now)?
                    .merged_over(current, false))
            }
            None => Err(AuthError::LoginRequired { scheme }),
        }
    }

    async fn refresh(&self, refresh: &'static RefreshSpec, token: &Secret) -> Result<TokenSet, AuthError> {
        tracing::debug!(scheme = self.scheme(), "refreshing the access token");
        let mut body = WipedJson(Value::Object(Map::new()));
        set_pointer(&mut body.0, refresh.refresh_token_field, Value::String(token.expose().to_owned()));
        let (response, server_now) = self.call(&refresh.endpoint, &body, "refresh").await?;
        TokenSet::from_response_at(&refresh.endpoint.token, &body, &response, server_now)
    }

    /// Sends a token request and reads its JSON success body, with the server's clock when it answered (its
    /// `Date` header), if it said.
    async fn call(
        &self,
        endpoint: &EndpointSpec,
        body: &Value,
        operation: &'static str,
    ) -> Result<(WipedJson, Option<DateTime<Utc>>), AuthError> {
        let url = format!("{}{}", self.inner.base_url.as_str().trim_end_matches('/'), endpoint.path);
        let url = Url::parse(&url).map_err(|_| self.unplaceable(format!("the {operation} path makes no valid URL")))?;
        let bytes =
            serde_json::to_vec(body).map_err(|_| self.unplaceable("the token request body cannot be written"))?;
        let request = self
            .inner
            .http
            .request(endpoint.method.clone(), url)
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .body(wiped_body(bytes))
            .build()
            .map_err(|err| AuthError::Transport(Arc::new(err)))?;
        let http = &self.inner.http;
        // Token requests count as idempotent (a repeated login or refresh issues another token; none is lost).
        let (result, _) =
            retry::run(self.inner.options.retry, true, request, async |request| http.execute(request).await).await;
        let mut response = result.map_err(|err| AuthError::Transport(Arc::new(err)))?;
        let status = response.status();
        tracing::trace!(scheme = self.scheme(), operation, status = status.as_u16(), "token response");
        if !status.is_success() {
            return Err(AuthError::Rejected { scheme: self.scheme(), status: status.as_u16(), operation });
        }
        let server_now = crate::response::server_date(response.headers());
        let mut read = Zeroizing::new(Vec::new());
        while let Some(chunk) = response.chunk().await.map_err(|err| AuthError::Transport(Arc::new(err)))? {
            if read.len() + chunk.len() > TOKEN_BODY_LIMIT {
                return Err(AuthError::InvalidTokenResponse { pointer: "" });
            }
            read.extend_from_slice(&chunk);
        }
        let json = serde_json::from_slice(&read).map_err(|_| AuthError::InvalidTokenResponse { pointer: "" })?;
        Ok((WipedJson(json), server_now))
    }

    /// Puts the credential on the request, as the spec's placement says.
    fn place(&self, request: &mut Request, tokens: &TokenSet) -> Result<(), AuthError> {
        let token = tokens.access_token().expose();
        match self.inner.spec.placement {
            Placement::Header { name, prefix } => {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| self.unplaceable("the header name in the spec is not valid"))?;
                let value = Zeroizing::new(format!("{prefix}{token}"));
                request.headers_mut().insert(name, self.sensitive(value.as_bytes())?);
            }
            Placement::Cookie { name } => {
                let mut value = Zeroizing::new(Vec::new());
                if let Some(existing) = request.headers().get(COOKIE) {
                    value.extend_from_slice(existing.as_bytes());
                    value.extend_from_slice(b"; ");
                }
                value.extend_from_slice(format!("{name}=").as_bytes());
                value.extend_from_slice(token.as_bytes());
                request.headers_mut().insert(COOKIE, self.sensitive(&value)?);
            }
            Placement::Query { name } => {
                request.url_mut().query_pairs_mut().append_pair(name, token);
            }
            Placement::Body { token_field, fields } => {
                let mut object = match request.body() {
                    None => Map::new(),
                    Some(body) => {
                        let bytes = body.as_bytes().ok_or_else(|| self.unplaceable("the request body is a stream"))?;
                        match serde_json::from_slice(bytes) {
                            _ if bytes.is_empty() => Map::new(),
                            Ok(Value::Object(object)) => object,
                            _ => return Err(self.unplaceable("the request body is not a JSON object")),
                        }
                    }
                };
                object.insert(token_field.to_owned(), Value::String(token.to_owned()));
                for &field in fields {
                    let value = tokens
                        .value(field)
                        .ok_or_else(|| self.unplaceable(format!("no value `{field}` was kept at login")))?;
                    object.insert(field.to_owned(), Value::String(value.expose().to_owned()));
                }
                let bytes = serde_json::to_vec(&Value::Object(object))
                    .map_err(|_| self.unplaceable("the request body cannot be written"))?;
                let headers = request.headers_mut();
                headers.insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
                headers.entry(CONTENT_TYPE).or_insert(HeaderValue::from_static("application/json"));
                *request.body_mut() = Some(bytes.into());
            }
        }
        Ok(())
    }

    /// A header value marked sensitive (kept out of HTTP/2 header compression tables and debug output).
    fn sensitive(&self, bytes: &[u8]) -> Result<HeaderValue, AuthError> {
        let mut value = HeaderValue::from_bytes(bytes)
            .map_err(|_| self.unplaceable("the token has characters a header cannot hold"))?;
        value.set_sensitive(true);
        Ok(value)
    }

    async fn execute(&self, request: Request, via: Option<&Transport>, secret: bool) -> Result<Response, SendError> {
        let result = match via {
            Some(transport) => transport.send(request, secret).await,
            None => self.inner.http.execute(request).await.map_err(Failure::Transport),
        };
        result.map_err(|failure| match failure {
            // Only a query placement puts the credential in the URL.
            Failure::Transport(err) if matches!(self.inner.spec.placement, Placement::Query { .. }) => {
                SendError::Transport(err.without_url())
            }
            failure => failure.into(),
        })
    }

    /// Hands new tokens to the store and the callback.
    fn publish(&self, tokens: &TokenSet) {
        let options = &self.inner.options;
        if let Some(store) = &options.store {
            store.save(&StoredTokens::new(self.scheme(), self.inner.base_url.as_str(), tokens));
        }
        if let Some(on_change) = &options.on_change {
            on_change(tokens);
        }
    }

    fn unplaceable(&self, reason: impl Into<String>) -> AuthError {
        AuthError::Unplaceable { scheme: self.scheme(), reason: reason.into() }
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = self.held();
        f.debug_struct("Session")
            .field("scheme", &self.scheme())
            .field("generation", &held.generation)
            .field("expires_in", &held.tokens.expires_in())
            .field("deadline", &held.tokens.deadline())
            .field("refreshable", &held.tokens.refresh_token().is_some())
            .finish()
    }
}

/// Sets the value at an RFC 6901 pointer, creating objects on the way (and replacing non-objects).
fn set_pointer(target: &mut Value, pointer: &str, value: Value) {
    let Some(path) = pointer.strip_prefix('/') else {
        // Not a pointer: `""` is the whole document; anything else is taken as one property name.
        if pointer.is_empty() {
            *target = value;
        } else {
            set_pointer(target, &format!("/{pointer}"), value);
        }
        return;
    };
    let mut node = target;
    let mut keys = path.split('/').map(|key| key.replace("~1", "/").replace("~0", "~")).peekable();
    while let Some(key) = keys.next() {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(object) = node else { return };
        if keys.peek().is_none() {
            object.insert(key, value);
            return;
        }
        node = object.entry(key).or_insert(Value::Null);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sets_values_at_pointers() {
        let mut body = json!({});
        set_pointer(&mut body, "/refresh", json!("r"));
        set_pointer(&mut body, "/auth/a~1b", json!(1));
        set_pointer(&mut body, "plain", json!(true));
        assert_eq!(body, json!({"refresh": "r", "auth": {"a/b": 1}, "plain": true}));
        set_pointer(&mut body, "", json!("whole"));
        assert_eq!(body, json!("whole"));
    }

    static PLAIN: AuthSpec = PLAIN_SPEC;

    const PLAIN_SPEC: AuthSpec = AuthSpec {
        scheme: "s",
        placement: Placement::Header { name: "authorization", prefix: "Bearer " },
        exchange: None,
        refresh: None,
        single_use: false,
    };

    #[test]
    fn options_say_what_they_hold_and_debug_shows_no_secret() {
        let options = SessionOptions::new();
        assert!(!options.wants_reexchange());
        assert!(options.token_store().is_none());
        let kept = options.clone().keep_login(Secret::new("{\"password\":\"SECRET\"}"));
        assert!(kept.wants_reexchange(), "keeping the login opts in");
        let shown = format!("{kept:?}");
        assert!(
            shown.starts_with("SessionOptions { reexchange: true, login_kept: true, store: false, on_change: false"),
            "{shown}"
        );
        assert!(!shown.contains("SECRET"), "{shown}");
        // Opting out drops the kept login; opting in keeps none until one is given.
        let dropped = kept.reexchange(false);
        assert!(!dropped.wants_reexchange());
        assert!(format!("{dropped:?}").contains("reexchange: false, login_kept: false"), "{dropped:?}");
        assert!(SessionOptions::new().reexchange(true).wants_reexchange());
        let store: Arc<dyn TokenStore> = Arc::new(super::super::MemoryStore::new());
        let stored = SessionOptions::new().store(store.clone()).on_change(|_| {});
        assert!(stored.token_store().is_some_and(|kept| Arc::ptr_eq(kept, &store)));
        assert!(format!("{stored:?}").contains("store: true, on_change: true"), "{stored:?}");
    }

    #[test]
    fn set_tokens_replaces_counts_saves_and_tells() {
        let store = Arc::new(super::super::MemoryStore::new());
        let told = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = told.clone();
        let options = SessionOptions::new().store(store.clone()).on_change(move |_| {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
        let url = Url::parse("http://127.0.0.1:1").unwrap();
        let session = Session::new(reqwest::Client::new(), url, &PLAIN, TokenSet::new(Secret::new("a")), options);
        let (start, told_before) = (session.generation(), told.load(std::sync::atomic::Ordering::SeqCst));
        for (i, token) in ["b", "c"].into_iter().enumerate() {
            let tokens = TokenSet::new(Secret::new(token)).with_value("tenant", Secret::new(format!("t{i}")));
            session.set_tokens(tokens);
        }
        assert_eq!(session.generation(), start + 2);
        assert_eq!(session.current().access_token().expose(), "c");
        assert_eq!(session.value("tenant").map(|v| v.expose().to_owned()).as_deref(), Some("t1"));
        assert!(session.value("other").is_none());
        assert_eq!(told.load(std::sync::atomic::Ordering::SeqCst), told_before + 2);
        assert!(store.load().is_some(), "saved");
    }

    fn session(spec: &'static AuthSpec, base: &str) -> Session {
        let url = Url::parse(base).unwrap();
        Session::new(reqwest::Client::new(), url, spec, TokenSet::new(Secret::new("TOKEN")), SessionOptions::default())
    }

    #[test]
    fn debug_shows_the_state_and_no_token() {
        let shown = format!("{:?}", session(&PLAIN, "http://127.0.0.1:1"));
        assert_eq!(
            shown,
            "Session { scheme: \"s\", generation: 0, expires_in: None, deadline: None, refreshable: false }"
        );
    }

    #[test]
    fn a_body_credential_goes_into_an_empty_body_and_refuses_one_not_an_object() {
        static BODY: AuthSpec =
            AuthSpec { placement: Placement::Body { token_field: "token", fields: &[] }, ..PLAIN_SPEC };
        let session = session(&BODY, "http://127.0.0.1:1");
        let tokens = TokenSet::new(Secret::new("TOKEN"));
        for body in [None, Some("")] {
            let mut request = Request::new(reqwest::Method::POST, Url::parse("http://127.0.0.1:1/x").unwrap());
            *request.body_mut() = body.map(reqwest::Body::from);
            session.place(&mut request, &tokens).unwrap();
            let sent = request.body().and_then(reqwest::Body::as_bytes).unwrap();
            assert_eq!(serde_json::from_slice::<Value>(sent).unwrap(), json!({"token": "TOKEN"}), "{body:?}");
        }
        let mut request = Request::new(reqwest::Method::POST, Url::parse("http://127.0.0.1:1/x").unwrap());
        *request.body_mut() = Some(reqwest::Body::from("[1]"));
        assert!(matches!(session.place(&mut request, &tokens), Err(AuthError::Unplaceable { .. })));
    }

    #[tokio::test]
    async fn a_failure_to_connect_keeps_its_url_unless_the_credential_is_in_it() {
        static QUERY: AuthSpec = AuthSpec { placement: Placement::Query { name: "key" }, ..PLAIN_SPEC };
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let base = format!("http://127.0.0.1:{port}");
        for (spec, keeps_url) in [(&PLAIN, true), (&QUERY, false)] {
            let session = session(spec, &base);
            let request = Request::new(reqwest::Method::GET, Url::parse(&format!("{base}/x")).unwrap());
            let Err(SendError::Transport(err)) = session.send(request).await else { panic!("a transport error") };
            assert_eq!(err.url().is_some(), keeps_url, "{err:?}");
            assert!(!format!("{err:?} {err}").contains("TOKEN"), "{err:?}");
        }
    }

    #[cfg(feature = "middleware")]
    #[tokio::test]
    async fn a_credential_in_the_query_keeps_the_request_from_the_middleware() {
        use std::sync::Mutex;

        struct Seen(Arc<Mutex<usize>>);

        #[async_trait::async_trait]
        impl reqwest_middleware::Middleware for Seen {
            async fn handle(
                &self,
                request: Request,
                extensions: &mut http::Extensions,
                next: reqwest_middleware::Next<'_>,
            ) -> reqwest_middleware::Result<Response> {
                *self.0.lock().unwrap() += 1;
                next.run(request, extensions).await
            }
        }

        static QUERY: AuthSpec = AuthSpec { placement: Placement::Query { name: "key" }, ..PLAIN_SPEC };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n").await;
            }
        });
        let seen = Arc::new(Mutex::new(0));
        let transport = Transport::new(reqwest::Client::new()).with_middleware(Seen(seen.clone()));
        for (spec, sees) in [(&PLAIN, 1), (&QUERY, 0)] {
            *seen.lock().unwrap() = 0;
            let request = Request::new(reqwest::Method::GET, Url::parse(&format!("{base}/x")).unwrap());
            let (response, _) = session(spec, &base).send_with(request, true, Some(&transport), false).await.unwrap();
            assert_eq!(response.status(), 204);
            assert_eq!(*seen.lock().unwrap(), sees, "{}", spec.scheme);
        }
    }

    #[test]
    fn sending_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        let session = session(&PLAIN, "http://127.0.0.1:1");
        let future = session.send(Request::new(reqwest::Method::GET, Url::parse("http://127.0.0.1:1").unwrap()));
        assert_send(&future);
    }
}
