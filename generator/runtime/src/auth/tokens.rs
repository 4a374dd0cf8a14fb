//! The tokens a session holds, how they are read from a token response, and when they are due for renewal.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use tokio::time::Instant;

use super::AuthError;

/// How far the server's clock (its `Date` header) may differ from this one before token expiry times are
/// corrected for it: the header has a resolution of one second, and the answer took some time to arrive.
pub const CLOCK_SKEW_TOLERANCE: Duration = Duration::from_secs(5);
use super::spec::{LifetimeSpec, TokenSpec, ValueSource};
use crate::Secret;

/// An access token with what came with it: a refresh token, its expiry and named kept values.
///
/// Expiry is anchored to the local time the token was received (a monotonic clock), so a server clock that
/// is off does not matter; only a hard deadline ([`LifetimeSpec::ExpiresAt`]) is compared with the wall
/// clock. `Debug` shows no secret, only which parts are present.
#[derive(Clone)]
pub struct TokenSet {
    access: Secret,
    refresh: Option<Secret>,
    /// When the token was received, by the monotonic clock.
    received: Instant,
    /// When the token was received, by the wall clock (for storing and for hard deadlines).
    received_at: DateTime<Utc>,
    /// How long after `received` the access token expires; `None` when unknown (never expires by itself).
    lifetime: Option<Duration>,
    /// A hard deadline by the wall clock.
    deadline: Option<DateTime<Utc>>,
    /// When the refresh token stops being accepted, by the wall clock, if known.
    refresh_expires_at: Option<DateTime<Utc>>,
    values: BTreeMap<String, Secret>,
}

impl TokenSet {
    /// A static credential, such as an API key: no refresh token, no expiry, no kept values.
    pub fn new(access_token: Secret) -> Self {
        Self {
            access: access_token,
            refresh: None,
            received: Instant::now(),
            received_at: Utc::now(),
            lifetime: None,
            deadline: None,
            refresh_expires_at: None,
            values: BTreeMap::new(),
        }
    }

    /// Reads the tokens from the success response of an exchange or refresh operation, as `spec` describes.
    ///
    /// `request_body` is the JSON body that was sent (for values kept from the request; pass
    /// [`Value::Null`] if there was none). The token counts as received now. A pointer that finds nothing,
    /// or a value of the wrong type, is [`AuthError::InvalidTokenResponse`] naming the pointer (never the
    /// value). A lifetime the response leaves out (or a JWT lifetime that cannot be read) leaves the token
    /// without a known lifetime: it is renewed when the server answers 401.
    pub fn from_response(spec: &TokenSpec, request_body: &Value, response_body: &Value) -> Result<Self, AuthError> {
        Self::from_response_at(spec, request_body, response_body, None)
    }

    /// [`TokenSet::from_response`], with the server's clock when it answered (the response's `Date` header):
    /// a JWT `exp` without an `iat`, and an absolute expiry (`expires-at`, a JWT refresh token's `exp`), are
    /// times by the server's clock, and are read against it, so a server clock skewed from the local one
    /// neither makes a fresh token look expired (and renewed on every call) nor keeps one past its real
    /// expiry. A skew under [`CLOCK_SKEW_TOLERANCE`] is the header's one-second resolution and the time in
    /// flight, and is ignored. An `iat` claim needs no correction: the lifetime is then `exp - iat`.
    pub fn from_response_at(
        spec: &TokenSpec,
        request_body: &Value,
        response_body: &Value,
        server_now: Option<DateTime<Utc>>,
    ) -> Result<Self, AuthError> {
        let mut tokens = Self::new(Secret::new(string_at(response_body, spec.access_token)?));
        // Local time minus server time, when they differ by more than the tolerance.
        let skew = server_now
            .map(|server_now| tokens.received_at - server_now)
            .filter(|skew| skew.abs() >= TimeDelta::from_std(CLOCK_SKEW_TOLERANCE).unwrap_or(TimeDelta::MAX))
            .unwrap_or(TimeDelta::zero());
        if !skew.is_zero() {
            tracing::debug!(skew_seconds = skew.num_seconds(), "the server's clock differs from this one; corrected");
        }
        let local = |server_time: DateTime<Utc>| server_time.checked_add_signed(skew).unwrap_or(server_time);
        if let Some(pointer) = spec.refresh_token {
            // A refresh response without a refresh token means "keep the one you have" (no rotation).
            tokens.refresh = match response_body.pointer(pointer) {
                None | Some(Value::Null) => None,
                Some(_) => Some(Secret::new(string_at(response_body, pointer)?)),
            };
        }
        // The refresh token's own expiry: as the response states it, else its JWT `exp`.
        tokens.refresh_expires_at = match (spec.refresh_lifetime, &tokens.refresh) {
            (_, None) => None,
            (Some(pointer), Some(_)) if !absent(response_body, pointer) => {
                Some(add(tokens.received_at, seconds_at(response_body, pointer)?))
            }
            (_, Some(refresh)) => super::jwt::expiry(refresh.expose()).map(local),
        };
        match spec.lifetime {
            LifetimeSpec::None => {}
            // A response that leaves the lifetime out has none known: the token is renewed on a 401.
            LifetimeSpec::ExpiresIn(pointer) | LifetimeSpec::ExpiresAt(pointer) if absent(response_body, pointer) => {
                tracing::debug!(pointer, "the token response gives no lifetime; it is renewed on a 401 only");
            }
            LifetimeSpec::ExpiresIn(pointer) => tokens.lifetime = Some(seconds_at(response_body, pointer)?),
            LifetimeSpec::ExpiresAt(pointer) => {
                let text = string_at(response_body, pointer)?;
                let deadline = DateTime::parse_from_rfc3339(&text)
                    .map_err(|_| AuthError::InvalidTokenResponse { pointer })?
                    .with_timezone(&Utc);
                tokens.deadline = Some(local(deadline));
            }
            LifetimeSpec::JwtExp => {
                let server_now = tokens.received_at.checked_sub_signed(skew).unwrap_or(tokens.received_at);
                tokens.lifetime = super::jwt::lifetime(tokens.access.expose(), server_now);
                if tokens.lifetime.is_none() {
                    tracing::debug!("the access token is not a JWT with an `exp` claim; its lifetime is unknown");
                }
            }
        }
        for &(name, source) in spec.keep {
            let (body, pointer) = match source {
                ValueSource::Response(pointer) => (response_body, pointer),
                ValueSource::Request(pointer) => (request_body, pointer),
            };
            tokens.values.insert(name.to_owned(), Secret::new(scalar_at(body, pointer)?));
        }
        Ok(tokens)
    }

    /// This token set with a refresh token (whose expiry is its JWT `exp`, if it is a JWT).
    pub fn with_refresh_token(mut self, refresh_token: Secret) -> Self {
        self.refresh_expires_at = super::jwt::expiry(refresh_token.expose());
        self.refresh = Some(refresh_token);
        self
    }

    /// This token set with a refresh token that stops being accepted at `at`.
    pub fn with_refresh_expiry(mut self, at: DateTime<Utc>) -> Self {
        self.refresh_expires_at = Some(at);
        self
    }

    /// When the refresh token stops being accepted, if known.
    pub fn refresh_expires_at(&self) -> Option<DateTime<Utc>> {
        self.refresh_expires_at
    }

    /// The refresh token, unless it is known to have expired (a refresh with it would be refused).
    pub(crate) fn usable_refresh_token(&self) -> Option<&Secret> {
        self.refresh.as_ref().filter(|_| self.refresh_expires_at.is_none_or(|at| Utc::now() < at))
    }

    /// This token set with an access token that expires `lifetime` after it was received.
    pub fn with_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = Some(lifetime);
        self
    }

    /// This token set with a hard deadline, after which the access token is never sent.
    pub fn with_deadline(mut self, deadline: DateTime<Utc>) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// This token set with a kept value.
    pub fn with_value(mut self, name: impl Into<String>, value: Secret) -> Self {
        self.values.insert(name.into(), value);
        self
    }

    /// The access token.
    pub fn access_token(&self) -> &Secret {
        &self.access
    }

    /// The refresh token, if there is one.
    pub fn refresh_token(&self) -> Option<&Secret> {
        self.refresh.as_ref()
    }

    /// The kept value of that name.
    pub fn value(&self, name: &str) -> Option<&Secret> {
        self.values.get(name)
    }

    /// The names of the kept values.
    pub fn value_names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// The access token's full lifetime, counted from when it was received, if known.
    pub fn lifetime(&self) -> Option<Duration> {
        self.lifetime
    }

    /// How long the access token is still valid by its lifetime, if known (zero once expired). A hard
    /// deadline is not counted here; see [`TokenSet::deadline`].
    pub fn expires_in(&self) -> Option<Duration> {
        let elapsed = Instant::now().saturating_duration_since(self.received);
        self.lifetime.map(|lifetime| lifetime.saturating_sub(elapsed))
    }

    /// When the access token expires by its lifetime, as a wall-clock time (an estimate: expiry is tracked
    /// with the monotonic clock).
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.lifetime.map(|lifetime| add(self.received_at, lifetime))
    }

    /// The hard deadline, if any.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        self.deadline
    }

    /// When the token was received, by the wall clock.
    pub fn received_at(&self) -> DateTime<Utc> {
        self.received_at
    }

    /// Rebuilds a token set from stored parts, re-anchoring the expiry to the monotonic clock.
    pub(crate) fn restore(
        access: Secret,
        refresh: Option<Secret>,
        received_at: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
        deadline: Option<DateTime<Utc>>,
        refresh_expires_at: Option<DateTime<Utc>>,
        values: BTreeMap<String, Secret>,
    ) -> Self {
        let now = Instant::now();
        // A receipt time in the future (the clock went back) counts as now.
        let elapsed = (Utc::now() - received_at).to_std().unwrap_or_default();
        let mut lifetime = expires_at.map(|at| (at - received_at).to_std().unwrap_or_default());
        let received = match now.checked_sub(elapsed) {
            Some(received) => received,
            None => {
                // The monotonic clock cannot go back that far (recent boot): anchor at now with what is left.
                lifetime = lifetime.map(|lifetime| lifetime.saturating_sub(elapsed));
                now
            }
        };
        let refresh_expires_at =
            refresh_expires_at.or_else(|| refresh.as_ref().and_then(|token| super::jwt::expiry(token.expose())));
        Self { access, refresh, received, received_at, lifetime, deadline, refresh_expires_at, values }
    }

    /// The tokens after a renewal: `self` is the new set, `old` what was held. Kept values not renewed keep
    /// their old value; with `keep_refresh` (after a refresh), a missing refresh token keeps the old one
    /// (a server that does not rotate).
    pub(crate) fn merged_over(mut self, old: &TokenSet, keep_refresh: bool) -> Self {
        if keep_refresh && self.refresh.is_none() {
            self.refresh = old.refresh.clone();
            self.refresh_expires_at = old.refresh_expires_at;
        }
        for (name, value) in &old.values {
            self.values.entry(name.clone()).or_insert_with(|| value.clone());
        }
        self
    }

    /// Where the access token stands now.
    pub(crate) fn freshness(&self, margin: &RefreshMargin) -> Freshness {
        let wall = Utc::now();
        if let Some(deadline) = self.deadline.filter(|deadline| wall >= *deadline) {
            return Freshness::PastDeadline(deadline);
        }
        let mut due = false;
        if let Some(lifetime) = self.lifetime {
            let elapsed = Instant::now().saturating_duration_since(self.received);
            if elapsed >= lifetime {
                return Freshness::Expired;
            }
            due |= lifetime - elapsed <= margin.for_lifetime(lifetime);
        }
        if let Some(deadline) = self.deadline {
            let total = (deadline - self.received_at).to_std().unwrap_or_default();
            let left = (deadline - wall).to_std().unwrap_or_default();
            due |= left <= margin.for_lifetime(total);
        }
        if due { Freshness::Due } else { Freshness::Fresh }
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &self.access)
            .field("refresh_token", &self.refresh)
            .field("expires_in", &self.expires_in())
            .field("deadline", &self.deadline)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .field("values", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Where an access token stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// Valid and not yet in its renewal margin.
    Fresh,
    /// Still valid, but within its renewal margin: renew if possible, else use it.
    Due,
    /// Its lifetime is over.
    Expired,
    /// Its hard deadline has passed.
    PastDeadline(DateTime<Utc>),
}

/// How long before expiry a token is renewed: a fraction of its lifetime, capped.
///
/// The default (a tenth of the lifetime, at most 60 s) renews a 5-minute token in its last 30 s and a
/// 1-hour token in its last minute, so a short-lived token is not renewed on every call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefreshMargin {
    /// The fraction of the lifetime, between 0 and 1 (anything else counts as the default, 0.1).
    pub fraction: f64,
    /// The most the margin can be.
    pub cap: Duration,
}

impl RefreshMargin {
    /// A tenth of the lifetime, at most 60 s.
    pub const DEFAULT: Self = Self { fraction: 0.1, cap: Duration::from_secs(60) };

    /// The margin for a token of that lifetime.
    pub fn for_lifetime(&self, lifetime: Duration) -> Duration {
        let fraction = if (0.0..=1.0).contains(&self.fraction) { self.fraction } else { Self::DEFAULT.fraction };
        Duration::try_from_secs_f64(lifetime.as_secs_f64() * fraction).unwrap_or(lifetime).min(self.cap)
    }
}

impl Default for RefreshMargin {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// `at + duration`, saturating far in the future.
pub(crate) fn add(at: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(duration)
        .ok()
        .and_then(|delta| at.checked_add_signed(delta))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Whether the body has nothing (or `null`) at `pointer`.
fn absent(body: &Value, pointer: &str) -> bool {
    matches!(body.pointer(pointer), None | Some(Value::Null))
}

fn string_at(body: &Value, pointer: &'static str) -> Result<String, AuthError> {
    match body.pointer(pointer) {
        Some(Value::String(text)) => Ok(text.clone()),
        _ => Err(AuthError::InvalidTokenResponse { pointer }),
    }
}

/// A string, or a number as its JSON text.
fn scalar_at(body: &Value, pointer: &'static str) -> Result<String, AuthError> {
    match body.pointer(pointer) {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(Value::Number(number)) => Ok(number.to_string()),
        _ => Err(AuthError::InvalidTokenResponse { pointer }),
    }
}

/// A non-negative number of seconds: a JSON number, or a string holding one (some servers quote it).
fn seconds_at(body: &Value, pointer: &'static str) -> Result<Duration, AuthError> {
    let seconds = match body.pointer(pointer) {
        Some(Value::Number(number)) => number.as_f64(),
        Some(Value::String(text)) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    // A lifetime too long for `Duration` is as good as forever.
    seconds
        .filter(|seconds| *seconds >= 0.0)
        .map(|seconds| Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX))
        .ok_or(AuthError::InvalidTokenResponse { pointer })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPEC: TokenSpec = TokenSpec {
        access_token: "/data/access",
        refresh_token: Some("/data/refresh"),
        lifetime: LifetimeSpec::ExpiresIn("/expires_in"),
        refresh_lifetime: None,
        keep: &[("account", ValueSource::Response("/data/account")), ("client_id", ValueSource::Request("/client_id"))],
    };

    /// A token with a hard deadline at `/exp`.
    const AT: TokenSpec = TokenSpec {
        access_token: "/t",
        refresh_token: None,
        lifetime: LifetimeSpec::ExpiresAt("/exp"),
        refresh_lifetime: None,
        keep: &[],
    };

    #[test]
    fn margin_is_a_tenth_of_the_lifetime_capped_at_a_minute() {
        let margin = RefreshMargin::default();
        assert_eq!(margin.for_lifetime(Duration::from_secs(300)), Duration::from_secs(30));
        assert_eq!(margin.for_lifetime(Duration::from_secs(3600)), Duration::from_secs(60));
        assert_eq!(margin.for_lifetime(Duration::from_secs(10)), Duration::from_secs(1));
        assert_eq!(margin.for_lifetime(Duration::ZERO), Duration::ZERO);
        assert_eq!(margin.for_lifetime(Duration::MAX), Duration::from_secs(60));
        let custom = RefreshMargin { fraction: 0.5, cap: Duration::from_secs(600) };
        assert_eq!(custom.for_lifetime(Duration::from_secs(300)), Duration::from_secs(150));
        let nonsense = RefreshMargin { fraction: f64::NAN, cap: Duration::from_secs(60) };
        assert_eq!(nonsense.for_lifetime(Duration::from_secs(300)), Duration::from_secs(30));
    }

    #[test]
    fn reads_tokens_lifetime_and_kept_values() {
        let request = json!({"client_id": "app-1", "client_secret": "s3cret"});
        let response = json!({"data": {"access": "A", "refresh": "R", "account": 42}, "expires_in": 300});
        let tokens = TokenSet::from_response(&SPEC, &request, &response).unwrap();
        assert_eq!(tokens.access_token().expose(), "A");
        assert_eq!(tokens.refresh_token().unwrap().expose(), "R");
        assert_eq!(tokens.lifetime(), Some(Duration::from_secs(300)));
        assert_eq!(tokens.value("account").unwrap().expose(), "42");
        assert_eq!(tokens.value("client_id").unwrap().expose(), "app-1");
        assert_eq!(tokens.freshness(&RefreshMargin::default()), Freshness::Fresh);
        let debug = format!("{tokens:?}");
        assert!(!debug.contains("\"A\"") && !debug.contains("app-1") && debug.contains("client_id"), "{debug}");
    }

    #[test]
    fn a_missing_or_ill_typed_value_names_its_pointer_only() {
        let bad = [
            (json!({"data": {"refresh": "R"}, "expires_in": 1}), "/data/access"),
            (json!({"data": {"access": 7}, "expires_in": 1}), "/data/access"),
            (json!({"data": {"access": "A", "refresh": 5}, "expires_in": 1}), "/data/refresh"),
            (json!({"data": {"access": "A", "account": 1}, "expires_in": "soon"}), "/expires_in"),
            (json!({"data": {"access": "A", "account": 1}, "expires_in": -1}), "/expires_in"),
            (json!({"data": {"access": "A", "account": {}}, "expires_in": 1}), "/data/account"),
            (json!({"data": {"access": "A", "account": 1}, "expires_in": 1}), "/client_id"),
        ];
        for (response, pointer) in bad {
            let err = TokenSet::from_response(&SPEC, &json!({}), &response).unwrap_err();
            assert!(
                matches!(err, AuthError::InvalidTokenResponse { pointer: p } if p == pointer),
                "{response}: {err:?}"
            );
        }
    }

    #[test]
    fn reads_a_hard_deadline_and_quoted_seconds() {
        let tokens =
            TokenSet::from_response(&AT, &Value::Null, &json!({"t": "x", "exp": "2001-02-03T04:05:06Z"})).unwrap();
        assert_eq!(tokens.deadline().unwrap().to_rfc3339(), "2001-02-03T04:05:06+00:00");
        assert!(matches!(tokens.freshness(&RefreshMargin::default()), Freshness::PastDeadline(_)));
        let err = TokenSet::from_response(&AT, &Value::Null, &json!({"t": "x", "exp": "tomorrow"})).unwrap_err();
        assert!(matches!(err, AuthError::InvalidTokenResponse { pointer: "/exp" }), "{err:?}");

        const IN: TokenSpec = TokenSpec {
            access_token: "/t",
            refresh_token: None,
            lifetime: LifetimeSpec::ExpiresIn("/e"),
            refresh_lifetime: None,
            keep: &[],
        };
        let tokens = TokenSet::from_response(&IN, &Value::Null, &json!({"t": "x", "e": "3600"})).unwrap();
        assert_eq!(tokens.lifetime(), Some(Duration::from_secs(3600)));
        let forever = TokenSet::from_response(&IN, &Value::Null, &json!({"t": "x", "e": 1e300})).unwrap();
        assert_eq!(forever.lifetime(), Some(Duration::MAX));
        assert_eq!(forever.freshness(&RefreshMargin::default()), Freshness::Fresh);
        assert_eq!(forever.expires_at(), Some(DateTime::<Utc>::MAX_UTC));
        // What is left of a known lifetime, and nothing known without one.
        let left = tokens.expires_in().unwrap();
        assert!(left > Duration::from_secs(3500) && left <= Duration::from_secs(3600), "{left:?}");
        assert_eq!(TokenSet::new(Secret::new("x")).expires_in(), None);
        assert_eq!(TokenSet::new(Secret::new("x")).with_lifetime(Duration::ZERO).expires_in(), Some(Duration::ZERO));
    }

    #[test]
    fn a_deadline_by_a_skewed_server_clock_is_moved_onto_this_one_past_the_tolerance() {
        let body = json!({"t": "x", "exp": "2030-01-01T00:00:00Z"});
        let stated = DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z").unwrap().with_timezone(&Utc);
        let read =
            |server_now| TokenSet::from_response_at(&AT, &Value::Null, &body, server_now).unwrap().deadline().unwrap();
        // A server an hour behind: its deadline is an hour later by this clock (to the second: the skew is
        // measured between two clocks read a moment apart).
        let behind = read(Some(Utc::now() - TimeDelta::hours(1)));
        assert!((behind - stated - TimeDelta::hours(1)).abs() < TimeDelta::seconds(2), "{behind}");
        let ahead = read(Some(Utc::now() + TimeDelta::hours(1)));
        assert!((ahead - stated + TimeDelta::hours(1)).abs() < TimeDelta::seconds(2), "{ahead}");
        // Within the tolerance (the `Date` header's resolution, the time in flight): taken as stated.
        assert_eq!(read(Some(Utc::now() - TimeDelta::seconds(2))), stated);
        assert_eq!(read(None), stated);
    }

    #[test]
    fn a_response_without_its_lifetime_has_no_known_lifetime() {
        let response = json!({"data": {"access": "A", "account": 1}, "expires_in": null});
        let tokens = TokenSet::from_response(&SPEC, &json!({"client_id": "c"}), &response).unwrap();
        assert_eq!(tokens.lifetime(), None);
        let response = json!({"data": {"access": "A", "account": 1}});
        let tokens = TokenSet::from_response(&SPEC, &json!({"client_id": "c"}), &response).unwrap();
        assert_eq!((tokens.lifetime(), tokens.freshness(&RefreshMargin::default())), (None, Freshness::Fresh));
    }

    fn jwt_expiring(at: i64) -> String {
        use base64::Engine as _;
        let encode = |text: String| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
        format!("{}.{}.sig", encode(r#"{"alg":"none"}"#.to_owned()), encode(format!(r#"{{"exp":{at}}}"#)))
    }

    #[test]
    fn a_deadline_alone_makes_a_token_due_within_the_margin_of_its_span() {
        let tokens = TokenSet::new(Secret::new("x")).with_deadline(Utc::now() + TimeDelta::seconds(100));
        // A tenth of 100 s is 10 s: with about 100 s left, not yet due.
        assert_eq!(tokens.freshness(&RefreshMargin::default()), Freshness::Fresh);
        // A margin of the whole span: due at once.
        let whole = RefreshMargin { fraction: 1.0, cap: Duration::from_secs(3600) };
        assert_eq!(tokens.freshness(&whole), Freshness::Due);
    }

    #[test]
    fn a_refresh_tokens_expiry_is_read_from_the_response_or_its_jwt_exp() {
        const STATED: TokenSpec = TokenSpec {
            access_token: "/a",
            refresh_token: Some("/r"),
            lifetime: LifetimeSpec::None,
            refresh_lifetime: Some("/refresh_expires_in"),
            keep: &[],
        };
        let tokens =
            TokenSet::from_response(&STATED, &Value::Null, &json!({"a": "x", "r": "y", "refresh_expires_in": 60}))
                .unwrap();
        let left = tokens.refresh_expires_at().unwrap() - Utc::now();
        assert!(left > TimeDelta::seconds(55) && left <= TimeDelta::seconds(60), "{left:?}");
        assert!(tokens.usable_refresh_token().is_some());
        // Not stated: a JWT refresh token expires at its `exp`; an opaque one has no known expiry.
        let past = Utc::now().timestamp() - 10;
        let tokens =
            TokenSet::from_response(&STATED, &Value::Null, &json!({"a": "x", "r": jwt_expiring(past)})).unwrap();
        assert_eq!(tokens.refresh_expires_at().map(|at| at.timestamp()), Some(past));
        assert!(tokens.refresh_token().is_some() && tokens.usable_refresh_token().is_none());
        let tokens = TokenSet::from_response(&STATED, &Value::Null, &json!({"a": "x", "r": "opaque"})).unwrap();
        assert_eq!(tokens.refresh_expires_at(), None);
        assert!(tokens.usable_refresh_token().is_some());
    }

    #[test]
    fn freshness_follows_the_margin() {
        let margin = RefreshMargin::default();
        let fresh = TokenSet::new(Secret::new("x")).with_lifetime(Duration::from_secs(3600));
        assert_eq!(fresh.freshness(&margin), Freshness::Fresh);
        let due = TokenSet::new(Secret::new("x")).with_lifetime(Duration::from_secs(5));
        assert_eq!(due.freshness(&margin), Freshness::Fresh);
        let whole = RefreshMargin { fraction: 1.0, cap: Duration::from_secs(60) };
        assert_eq!(due.freshness(&whole), Freshness::Due);
        let expired = TokenSet::new(Secret::new("x")).with_lifetime(Duration::ZERO);
        assert_eq!(expired.freshness(&margin), Freshness::Expired);
        let forever = TokenSet::new(Secret::new("x"));
        assert_eq!(forever.freshness(&margin), Freshness::Fresh);
    }

    #[test]
    fn renewal_keeps_the_old_refresh_token_and_values_when_not_renewed() {
        let old =
            TokenSet::new(Secret::new("a1")).with_refresh_token(Secret::new("r1")).with_value("k", Secret::new("v"));
        let renewed = TokenSet::new(Secret::new("a2")).merged_over(&old, true);
        assert_eq!(renewed.refresh_token().unwrap().expose(), "r1");
        assert_eq!(renewed.value("k").unwrap().expose(), "v");
        let rotated = TokenSet::new(Secret::new("a3")).with_refresh_token(Secret::new("r2")).merged_over(&old, true);
        assert_eq!(rotated.refresh_token().unwrap().expose(), "r2");
    }
}
