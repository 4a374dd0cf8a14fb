//! Verifying the webhooks an API sends, before anything of them is parsed: the signature schemes of the
//! field, each checked over the raw body bytes as received (never re-serialised JSON), compared in constant
//! time (`hmac`'s `verify_slice`), with the sender's timestamp within a tolerance (5 minutes by default) and,
//! on request, a memory of the messages seen so that a replay within that window is refused. The secret is a
//! [`Secret`]: never printed, never in an error.
//!
//! - [`Scheme::Standard`]: [Standard Webhooks](https://www.standardwebhooks.com/) (Svix, Lithic, OpenAI, …):
//!   `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64>` (Svix's `svix-*` names too), an
//!   HMAC-SHA256 of `id.timestamp.body` keyed by the base64 secret after `whsec_`.
//! - [`Scheme::Stripe`]: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, an HMAC-SHA256 of `t.body` keyed by the
//!   endpoint secret as written (`whsec_…`).
//! - [`Scheme::GitHub`]: `X-Hub-Signature-256: sha256=<hex>`, an HMAC-SHA256 of the body. GitHub sends no
//!   timestamp: only [`Verifier::reject_replays`] (by `X-GitHub-Delivery`) guards against a replay.
//! - [`Scheme::Twilio`]: `X-Twilio-Signature`, the base64 HMAC-SHA1 of the URL Twilio requested followed by
//!   the sorted form parameters (names then values), or, for a JSON body, of the URL alone, whose `bodySHA256`
//!   parameter is the body's SHA-256; keyed by the auth token. It signs the URL, so it is verified with
//!   [`Verifier::verify_url`]. Twilio sends no timestamp either (replays by `I-Twilio-Idempotency-Token`).

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use reqwest::header::HeaderMap;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::Secret;

/// How far a message's timestamp may be from the receiver's clock unless [`Verifier::tolerance`] says
/// otherwise: 5 minutes, as every scheme's own libraries default to.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// A signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// Standard Webhooks (and Svix's header names).
    Standard,
    /// Stripe's `Stripe-Signature`.
    Stripe,
    /// GitHub's `X-Hub-Signature-256`.
    GitHub,
    /// Twilio's `X-Twilio-Signature`.
    Twilio,
}

/// Why a webhook is not accepted. It never holds the secret, a signature or the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header the scheme needs is not there.
    #[error("the `{0}` header is missing")]
    MissingHeader(&'static str),
    /// A header the scheme needs does not read as the scheme writes it.
    #[error("the `{0}` header is malformed")]
    Malformed(&'static str),
    /// The message's timestamp is older than the tolerance: a late delivery or a replay.
    #[error("the message was signed {age_secs} s ago, longer than the tolerance allows")]
    Stale {
        /// How old it is, in seconds.
        age_secs: u64,
    },
    /// The message's timestamp is later than the tolerance allows.
    #[error("the message is dated {ahead_secs} s ahead, more than the tolerance allows")]
    Future {
        /// How far ahead, in seconds.
        ahead_secs: u64,
    },
    /// No signature of the message matches its body under the secret.
    #[error("no signature matches the body")]
    Mismatch,
    /// A message with this id was accepted before, within the tolerance (see [`Verifier::reject_replays`]).
    #[error("this message was accepted before (a replay)")]
    Replayed,
    /// The secret is no key of this scheme (a Standard Webhooks secret is base64 after `whsec_`).
    #[error("the secret is not a valid key for this scheme")]
    BadSecret,
    /// Twilio signs the URL it requested: verify with [`Verifier::verify_url`].
    #[error("this scheme signs the request URL: verify with `verify_url`")]
    UrlNeeded,
}

/// Why a webhook was not received as an event: its signature failed (nothing was parsed), it names no event,
/// or its body is not the event's payload.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature did not verify; the body was not parsed.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The header or body property that names the event is missing or not a string.
    #[error("the webhook does not name its event in `{0}`")]
    NoEvent(&'static str),
    /// The body is not the named event's payload.
    #[error("the `{event}` webhook's body does not match its payload type: {source}")]
    Decode {
        /// The event.
        event: String,
        /// What did not match.
        #[source]
        source: serde_json::Error,
    },
}

/// The payload of event `event`, decoded from `body`.
pub fn decode<T: serde::de::DeserializeOwned>(event: &str, body: &[u8]) -> Result<T, WebhookError> {
    serde_json::from_slice(body).map_err(|source| WebhookError::Decode { event: event.to_owned(), source })
}

/// The event name a webhook's header `name` gives.
pub fn event_in_header(headers: &HeaderMap, name: &'static str) -> Result<String, WebhookError> {
    headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_owned).ok_or(WebhookError::NoEvent(name))
}

/// The event name a webhook's JSON body gives in its top-level string property `property`, read without
/// building the rest of the body.
pub fn event_in_body(body: &[u8], property: &'static str) -> Result<String, WebhookError> {
    struct Find(&'static str);
    impl<'de> serde::de::DeserializeSeed<'de> for Find {
        type Value = Option<String>;
        fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_map(self)
        }
    }
    impl<'de> serde::de::Visitor<'de> for Find {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == self.0 && found.is_none() {
                    found = map.next_value::<serde_json::Value>()?.as_str().map(str::to_owned);
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde::de::DeserializeSeed::deserialize(Find(property), &mut deserializer)
        .ok()
        .flatten()
        .ok_or(WebhookError::NoEvent(property))
}

/// Verifies the webhooks of one endpoint secret under one scheme.
pub struct Verifier {
    scheme: Scheme,
    secret: Secret,
    tolerance: Duration,
    /// Message ids accepted, with when (unix seconds), when replays are refused.
    seen: Option<Mutex<HashMap<String, u64>>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.scheme)
            .field("secret", &self.secret)
            .field("tolerance", &self.tolerance)
            .field("reject_replays", &self.seen.is_some())
            .finish()
    }
}

type HmacSha256 = Hmac<Sha256>;

impl Verifier {
    /// A verifier of `scheme` with the endpoint's `secret` (Twilio: the auth token), the default tolerance, and
    /// no memory of messages.
    pub fn new(scheme: Scheme, secret: Secret) -> Self {
        Self { scheme, secret, tolerance: DEFAULT_TOLERANCE, seen: None }
    }

    /// How far a message's timestamp may be from this clock (schemes that sign one).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Refuses a message whose id was accepted before within the tolerance ([`VerifyError::Replayed`]): the
    /// id is `webhook-id` (Standard Webhooks), the timestamp and signature (Stripe), `X-GitHub-Delivery`,
    /// `I-Twilio-Idempotency-Token`. Ids are kept for the tolerance; older messages are refused as stale where
    /// the scheme signs a timestamp.
    pub fn reject_replays(mut self) -> Self {
        self.seen = Some(Mutex::new(HashMap::new()));
        self
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The headers a sender of this scheme puts on `body` for message `id` sent at `timestamp` (unix
    /// seconds): to test a receiver. Twilio signs the URL: see [`Verifier::sign_url`].
    pub fn sign(&self, id: &str, timestamp: u64, body: &[u8]) -> Result<HeaderMap, VerifyError> {
        let mut headers = HeaderMap::new();
        let mut put = |name: &'static str, value: String| {
            if let Ok(value) = reqwest::header::HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        };
        let timestamp = timestamp.to_string();
        match self.scheme {
            Scheme::Standard => {
                let mac = self.standard_mac(id, &timestamp, body)?;
                put("webhook-id", id.to_owned());
                put("webhook-timestamp", timestamp);
                put("webhook-signature", format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())));
            }
            Scheme::Stripe => {
                let mac = self.stripe_mac(&timestamp, body)?;
                put("stripe-signature", format!("t={timestamp},v1={}", to_hex(&mac.finalize().into_bytes())));
            }
            Scheme::GitHub => {
                let mac = self.github_mac(body)?;
                put("x-hub-signature-256", format!("sha256={}", to_hex(&mac.finalize().into_bytes())));
                put("x-github-delivery", id.to_owned());
            }
            Scheme::Twilio => return Err(VerifyError::UrlNeeded),
        }
        Ok(headers)
    }

    /// The `X-Twilio-Signature` header Twilio puts on a form `body` it sends to `url`.
    pub fn sign_url(&self, url: &str, body: &[u8]) -> Result<HeaderMap, VerifyError> {
        let mac = self.twilio_mac(url, &twilio_tail(body))?;
        let mut headers = HeaderMap::new();
        let signature = STANDARD.encode(mac.finalize().into_bytes());
        headers.insert("x-twilio-signature", signature.parse().map_err(|_| VerifyError::BadSecret)?);
        Ok(headers)
    }

    /// Verifies a webhook by its headers and its body as received. For Twilio use [`Verifier::verify_url`].
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), VerifyError> {
        self.verify_at(None, headers, body, SystemTime::now())
    }

    /// Verifies a webhook that was sent to `url` (the full URL the sender requested, with its query), by its
    /// headers and its body as received.
    pub fn verify_url(&self, url: &str, headers: &HeaderMap, body: &[u8]) -> Result<(), VerifyError> {
        self.verify_at(Some(url), headers, body, SystemTime::now())
    }

    /// [`Verifier::verify_url`] (or, without a URL, [`Verifier::verify`]) against the clock reading `now`.
    pub fn verify_at(
        &self,
        url: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), VerifyError> {
        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let id = match self.scheme {
            Scheme::Standard => self.standard(headers, body, now)?,
            Scheme::Stripe => self.stripe(headers, body, now)?,
            Scheme::GitHub => {
                let signature = header(headers, &["x-hub-signature-256"])?;
                let hex = signature.strip_prefix("sha256=").ok_or(VerifyError::Malformed("x-hub-signature-256"))?;
                let expected = from_hex(hex).ok_or(VerifyError::Malformed("x-hub-signature-256"))?;
                self.github_mac(body)?.verify_slice(&expected).map_err(|_| VerifyError::Mismatch)?;
                header(headers, &["x-github-delivery"]).ok().map(str::to_owned)
            }
            Scheme::Twilio => {
                self.twilio(url.ok_or(VerifyError::UrlNeeded)?, headers, body)?;
                header(headers, &["i-twilio-idempotency-token"]).ok().map(str::to_owned)
            }
        };
        self.remember(id, now)
    }

    /// Standard Webhooks: the HMAC-SHA256 of `id.timestamp.body`, keyed by the base64 secret after `whsec_`.
    fn standard_mac(&self, id: &str, timestamp: &str, body: &[u8]) -> Result<HmacSha256, VerifyError> {
        let secret = self.secret.expose();
        let key = Zeroizing::new(
            STANDARD.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).map_err(|_| VerifyError::BadSecret)?,
        );
        let mut mac = hmac_sha256(&key)?;
        for part in [id.as_bytes(), b".", timestamp.as_bytes(), b".", body] {
            mac.update(part);
        }
        Ok(mac)
    }

    /// Stripe: the HMAC-SHA256 of `timestamp.body`, keyed by the endpoint secret as written.
    fn stripe_mac(&self, timestamp: &str, body: &[u8]) -> Result<HmacSha256, VerifyError> {
        let mut mac = hmac_sha256(self.secret.expose().as_bytes())?;
        for part in [timestamp.as_bytes(), b".", body] {
            mac.update(part);
        }
        Ok(mac)
    }

    /// GitHub: the HMAC-SHA256 of the body.
    fn github_mac(&self, body: &[u8]) -> Result<HmacSha256, VerifyError> {
        let mut mac = hmac_sha256(self.secret.expose().as_bytes())?;
        mac.update(body);
        Ok(mac)
    }

    /// Twilio: the HMAC-SHA1 of the URL followed by the form parameters as [`twilio_tail`] writes them.
    fn twilio_mac(&self, url: &str, tail: &str) -> Result<Hmac<Sha1>, VerifyError> {
        let mut mac =
            Hmac::<Sha1>::new_from_slice(self.secret.expose().as_bytes()).map_err(|_| VerifyError::BadSecret)?;
        mac.update(url.as_bytes());
        mac.update(tail.as_bytes());
        Ok(mac)
    }

    /// Refuses a replay of `id`, and remembers it.
    fn remember(&self, id: Option<String>, now: u64) -> Result<(), VerifyError> {
        let (Some(seen), Some(id)) = (&self.seen, id) else { return Ok(()) };
        let mut seen = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let window = self.tolerance.as_secs();
        seen.retain(|_, at| now.saturating_sub(*at) <= window);
        if seen.contains_key(&id) {
            return Err(VerifyError::Replayed);
        }
        seen.insert(id, now);
        Ok(())
    }

    /// Whether `signed` (unix seconds) is within the tolerance of `now`; `future` checks the later side too.
    fn within(&self, signed: u64, now: u64, future: bool) -> Result<(), VerifyError> {
        let tolerance = self.tolerance.as_secs();
        if now > signed && now - signed > tolerance {
            return Err(VerifyError::Stale { age_secs: now - signed });
        }
        if future && signed > now && signed - now > tolerance {
            return Err(VerifyError::Future { ahead_secs: signed - now });
        }
        Ok(())
    }

    fn standard(&self, headers: &HeaderMap, body: &[u8], now: u64) -> Result<Option<String>, VerifyError> {
        let id = header(headers, &["webhook-id", "svix-id"])?;
        let timestamp = header(headers, &["webhook-timestamp", "svix-timestamp"])?;
        let signed: u64 = timestamp.parse().map_err(|_| VerifyError::Malformed("webhook-timestamp"))?;
        self.within(signed, now, true)?;
        let mac = self.standard_mac(id, timestamp, body)?;
        let signatures = header(headers, &["webhook-signature", "svix-signature"])?;
        let matched = signatures
            .split_ascii_whitespace()
            .filter_map(|signature| signature.strip_prefix("v1,"))
            .filter_map(|encoded| STANDARD.decode(encoded).ok())
            .any(|signature| mac.clone().verify_slice(&signature).is_ok());
        if matched { Ok(Some(id.to_owned())) } else { Err(VerifyError::Mismatch) }
    }

    fn stripe(&self, headers: &HeaderMap, body: &[u8], now: u64) -> Result<Option<String>, VerifyError> {
        const NAME: &str = "stripe-signature";
        let value = header(headers, &[NAME])?;
        let pairs = value.split(',').filter_map(|pair| pair.trim().split_once('='));
        let mut timestamp = None;
        let mut signatures = Vec::new();
        for (key, text) in pairs {
            match key {
                "t" if timestamp.is_none() => timestamp = Some(text),
                "v1" => signatures.push(text),
                _ => {}
            }
        }
        let timestamp = timestamp.ok_or(VerifyError::Malformed(NAME))?;
        let signed: u64 = timestamp.parse().map_err(|_| VerifyError::Malformed(NAME))?;
        // Stripe's own libraries refuse only what is too old.
        self.within(signed, now, false)?;
        let mac = self.stripe_mac(timestamp, body)?;
        let matched = signatures
            .iter()
            .filter_map(|hex| from_hex(hex))
            .any(|signature| mac.clone().verify_slice(&signature).is_ok());
        if matched { Ok(Some(format!("{timestamp},{}", signatures.join(",")))) } else { Err(VerifyError::Mismatch) }
    }

    fn twilio(&self, url: &str, headers: &HeaderMap, body: &[u8]) -> Result<(), VerifyError> {
        const NAME: &str = "x-twilio-signature";
        let signature = STANDARD.decode(header(headers, &[NAME])?).map_err(|_| VerifyError::Malformed(NAME))?;
        let parsed = reqwest::Url::parse(url).map_err(|_| VerifyError::Malformed("url"))?;
        let body_hash = parsed.query_pairs().find(|(key, _)| key == "bodySHA256").map(|(_, value)| value.into_owned());
        let tail = match &body_hash {
            // A JSON body: the URL carries its hash, and the URL alone is signed.
            Some(expected) => {
                let actual = to_hex(&Sha256::digest(body));
                if !constant_time_eq(actual.as_bytes(), expected.to_ascii_lowercase().as_bytes()) {
                    return Err(VerifyError::Mismatch);
                }
                String::new()
            }
            None => twilio_tail(body),
        };
        // Twilio signs the URL as it requested it, with or without the scheme's default port.
        let matched = url_forms(url, &parsed)
            .iter()
            .any(|form| self.twilio_mac(form, &tail).is_ok_and(|mac| mac.verify_slice(&signature).is_ok()));
        if matched { Ok(()) } else { Err(VerifyError::Mismatch) }
    }
}

/// The forms of the URL a signature may cover: as given, and with the scheme's default port written out or
/// left out, as Twilio's own libraries try.
fn url_forms(given: &str, url: &reqwest::Url) -> Vec<String> {
    let host = url.host_str().unwrap_or_default();
    let mut forms = vec![given.to_owned()];
    if let Some(port) = url.port_or_known_default() {
        let with_port = format!("{host}:{port}");
        if given.contains(&with_port) {
            forms.push(given.replacen(&with_port, host, 1));
        } else {
            forms.push(given.replacen(host, &with_port, 1));
        }
    }
    forms
}

/// The form parameters of `body` as Twilio signs them: names in order, each name's distinct values in order,
/// each written name then value.
fn twilio_tail(body: &[u8]) -> String {
    let params: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let mut names: Vec<&str> = params.iter().map(|(name, _)| name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut tail = String::new();
    for name in names {
        let mut values: Vec<&str> =
            params.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str()).collect();
        values.sort_unstable();
        values.dedup();
        for value in values {
            tail.push_str(name);
            tail.push_str(value);
        }
    }
    tail
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn hmac_sha256(key: &[u8]) -> Result<HmacSha256, VerifyError> {
    HmacSha256::new_from_slice(key).map_err(|_| VerifyError::BadSecret)
}

/// The first of the `names` present, as text.
fn header<'h>(headers: &'h HeaderMap, names: &[&'static str]) -> Result<&'h str, VerifyError> {
    let first = names.first().copied().unwrap_or_default();
    let value = names.iter().find_map(|name| headers.get(*name)).ok_or(VerifyError::MissingHeader(first))?;
    value.to_str().map_err(|_| VerifyError::Malformed(first))
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// Byte equality whose time does not depend on where the inputs differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests;
