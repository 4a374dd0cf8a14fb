//! Reading the lifetime of a JWT access token from its `exp` and `iat` claims, and the expiry of a JWT
//! refresh token from its `exp`.
//!
//! The signature is not checked: the token is the server's business, and the claims only tell the client
//! when to renew it ahead of time. A token that cannot be read simply has no known lifetime.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The lifetime of a JWT counted from when it was received, or `None` if the token is not a readable JWT
/// with a numeric `exp` claim.
///
/// With an `iat` claim the lifetime is `exp - iat`, which does not depend on the two clocks agreeing;
/// without it, `exp - now` by the local wall clock. A lifetime that is already over is zero.
pub fn lifetime(token: &str, now: DateTime<Utc>) -> Option<Duration> {
    let claims = claims(token)?;
    let exp = claims.get("exp").and_then(Value::as_f64)?;
    let start = match claims.get("iat").and_then(Value::as_f64) {
        Some(iat) => iat,
        // Milliseconds are enough precision for deciding when to renew.
        None => now.timestamp_millis() as f64 / 1000.0,
    };
    let seconds = exp - start;
    if !seconds.is_finite() {
        return None;
    }
    Some(Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::MAX))
}

/// When a JWT expires by its `exp` claim (wall clock), or `None` if it is not a readable JWT with one.
pub fn expiry(token: &str) -> Option<DateTime<Utc>> {
    let exp = claims(token)?.get("exp").and_then(Value::as_f64)?;
    DateTime::from_timestamp_millis((exp * 1000.0) as i64)
}

/// The claims of a JWT (its payload, read without checking the signature).
fn claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE;

    fn jwt(claims: &str) -> String {
        format!("{}.{}.sig", URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#), URL_SAFE_NO_PAD.encode(claims))
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    #[test]
    fn uses_exp_minus_iat_when_iat_is_present() {
        // The local clock is far off: the lifetime still comes from the token alone.
        let token = jwt(r#"{"token_type":"access","exp":1700000300,"iat":1700000000,"jti":"x"}"#);
        assert_eq!(lifetime(&token, at(1_000)), Some(Duration::from_secs(300)));
    }

    #[test]
    fn uses_exp_minus_now_without_iat() {
        let token = jwt(r#"{"exp":1700000120}"#);
        assert_eq!(lifetime(&token, at(1_700_000_000)), Some(Duration::from_secs(120)));
        // Already past: zero, not negative.
        assert_eq!(lifetime(&token, at(1_700_000_500)), Some(Duration::ZERO));
    }

    #[test]
    fn accepts_padded_payloads_and_fractional_claims() {
        let payload = URL_SAFE.encode(r#"{"exp":1700000001.5,"iat":1700000000}"#);
        let token = format!("h.{payload}.s");
        assert_eq!(lifetime(&token, at(0)), Some(Duration::from_millis(1500)));
    }

    #[test]
    fn unreadable_tokens_have_no_lifetime() {
        let now = at(1_700_000_000);
        assert_eq!(lifetime("18:BZWWGQ58QDX8H5B4W4RAJ978Q", now), None);
        assert_eq!(lifetime("a.%%%.c", now), None);
        assert_eq!(lifetime(&jwt("not json"), now), None);
        assert_eq!(lifetime(&jwt(r#"{"iat":1}"#), now), None);
        assert_eq!(lifetime(&jwt(r#"{"exp":"soon"}"#), now), None);
    }
}
