//! Reading a response once, with bounded memory, and decoding it for a generated operation.

use std::convert::Infallible;
use std::ops::Deref;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::Error;
use crate::events::EventStream;
use crate::json_path;
use crate::stream::ByteStream;

/// The most of an undocumented response's body that is kept in [`Error::UnexpectedStatus`].
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;
/// The most of any body that is read: a success or documented error body that is longer is
/// [`Error::BodyTooLarge`].
pub const SUCCESS_BODY_LIMIT: usize = 64 * 1024 * 1024;
/// How much of an undecodable body is quoted in [`Error::Decode`].
const SNIPPET_CHARS: usize = 256;

/// A successful response: the decoded body, with the status and headers it came with.
///
/// It dereferences to the body, so `response.field` works; [`ResponseValue::into_inner`] takes the body out.
#[derive(Debug, Clone)]
pub struct ResponseValue<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> ResponseValue<T> {
    /// The status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// Maps the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue { status: self.status, headers: self.headers, body: f(self.body) }
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// A response whose body has been read (up to a limit), ready for a generated operation to decode by status.
#[derive(Debug)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    truncated: bool,
    /// Whether the body may hold credentials (the operation's spec marks secret fields in it).
    sensitive: bool,
    /// The response itself, its body not read, when the operation streams this status's body.
    unread: Option<reqwest::Response>,
}

impl RawResponse {
    /// Reads a response's body, up to [`SUCCESS_BODY_LIMIT`] bytes whatever the status: a documented error
    /// body decodes as whole as a success body does (an undocumented one is cut to [`ERROR_BODY_LIMIT`] when
    /// it becomes an error value).
    pub(crate) async fn read<E>(mut response: reqwest::Response, sensitive: bool) -> Result<Self, Error<E>> {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let limit = SUCCESS_BODY_LIMIT;
        // Sized by `Content-Length` where it is given (up to the limit): the chunks are copied once into one
        // buffer of the body's size, never into a smaller one that grows (and copies) as they come.
        let expected = response.content_length().map_or(0, |length| length.min(limit as u64) as usize);
        let mut body = BytesMut::with_capacity(expected);
        let mut truncated = false;
        while let Some(chunk) = response.chunk().await.map_err(Error::Transport)? {
            let room = limit - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        if truncated && status.is_success() {
            return Err(Error::BodyTooLarge { status, headers: Box::new(headers), limit });
        }
        Ok(Self { status, headers, body: body.freeze(), truncated, sensitive, unread: None })
    }

    /// A response whose body is left to stream.
    pub(crate) fn unread(mut response: reqwest::Response, sensitive: bool) -> Self {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        Self { status, headers, body: Bytes::new(), truncated: false, sensitive, unread: Some(response) }
    }

    /// The status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Decodes a JSON success body.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        match self.decode() {
            Ok(body) => Ok(ResponseValue { status: self.status, headers: self.headers, body }),
            Err(err) => Err(err.widen()),
        }
    }

    /// A success that has no body (any body sent is ignored).
    pub fn empty<E>(self) -> Result<ResponseValue<()>, Error<E>> {
        Ok(ResponseValue { status: self.status, headers: self.headers, body: () })
    }

    /// A success whose body is text.
    pub fn text<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        let body = String::from_utf8_lossy(&self.body).into_owned();
        Ok(ResponseValue { status: self.status, headers: self.headers, body })
    }

    /// A success whose body streams: unread when the operation asked for it ([`crate::Request::streams`]),
    /// else over the bytes read.
    pub fn stream<E>(self) -> Result<ResponseValue<ByteStream>, Error<E>> {
        let body = match self.unread {
            Some(response) => ByteStream::new(response),
            None => ByteStream::from_bytes(self.body),
        };
        Ok(ResponseValue { status: self.status, headers: self.headers, body })
    }

    /// A success whose body is a stream of server-sent events with JSON payloads.
    pub fn events<T: DeserializeOwned, E>(self) -> Result<ResponseValue<EventStream<T>>, Error<E>> {
        let sensitive = self.sensitive;
        self.stream().map(|value| value.map(|body| EventStream::json(body, sensitive)))
    }

    /// A success whose body is a stream of server-sent events with text payloads.
    pub fn text_events<E>(self) -> Result<ResponseValue<EventStream<String>>, Error<E>> {
        let sensitive = self.sensitive;
        self.stream().map(|value| value.map(|body| EventStream::text(body, sensitive)))
    }

    /// Decodes a documented JSON error body and wraps it with `variant` into [`Error::Api`].
    pub fn error<B: DeserializeOwned, T, E>(self, variant: fn(Box<B>) -> E) -> Result<T, Error<E>> {
        Err(self.api_error(variant))
    }

    /// A documented error status that has no body (or whose body is not documented).
    pub fn error_empty<T, E>(self, error: E) -> Result<T, Error<E>> {
        Err(Error::Api { status: self.status, headers: Box::new(self.headers), error })
    }

    /// A documented error status whose body is kept as text.
    pub fn error_text<T, E>(self, variant: fn(Box<String>) -> E) -> Result<T, Error<E>> {
        match self.whole() {
            Ok(()) => {
                let body = Box::new(String::from_utf8_lossy(&self.body).into_owned());
                Err(Error::Api { status: self.status, headers: Box::new(self.headers), error: variant(body) })
            }
            Err(err) => Err(err.widen()),
        }
    }

    /// A status the spec does not document for the operation: the error keeps the first
    /// [`ERROR_BODY_LIMIT`] bytes of the body.
    pub fn unexpected<T, E>(self) -> Result<T, Error<E>> {
        Err(self.undocumented().widen())
    }

    // What follows is not generic in the operation's types, or generic in the body type alone: it is compiled
    // once, or once per body type, not once per operation.

    fn undocumented(self) -> Error<Infallible> {
        let truncated = self.truncated || self.body.len() > ERROR_BODY_LIMIT;
        let body = if self.sensitive { Bytes::new() } else { self.body.slice(..self.body.len().min(ERROR_BODY_LIMIT)) };
        Error::UnexpectedStatus { status: self.status, headers: Box::new(self.headers), body, truncated }
    }

    /// Not generic in the operation's success type: one copy per error enum variant, shared by the operations
    /// that share the enum.
    fn api_error<B: DeserializeOwned, E>(self, variant: fn(Box<B>) -> E) -> Error<E> {
        match self.error_body() {
            Ok((status, headers, body)) => Error::Api { status, headers, error: variant(body) },
            Err(err) => err.widen(),
        }
    }

    /// A documented error's status, headers and body, decoded whole.
    #[allow(clippy::type_complexity)]
    fn error_body<B: DeserializeOwned>(self) -> Result<(StatusCode, Box<HeaderMap>, Box<B>), Error<Infallible>> {
        self.whole()?;
        let body = Box::new(self.decode::<B>()?);
        Ok((self.status, Box::new(self.headers), body))
    }

    /// Fails with [`Error::BodyTooLarge`] when reading stopped at the limit: a cut body is not the documented one.
    fn whole(&self) -> Result<(), Error<Infallible>> {
        if self.truncated {
            return Err(Error::BodyTooLarge {
                status: self.status,
                headers: Box::new(self.headers.clone()),
                limit: SUCCESS_BODY_LIMIT,
            });
        }
        Ok(())
    }

    /// Decodes the body as JSON into `B`.
    fn decode<B: DeserializeOwned>(&self) -> Result<B, Error<Infallible>> {
        // JSON is UTF-8 (RFC 8259): the body is checked once, whole, and then read as text, which spares
        // serde_json checking each string again (`from_str` reads list responses 12–33% faster than
        // `from_slice`, which reqwest's `.json()` uses: `cargo xtask bench-decode`).
        let text = match std::str::from_utf8(&self.body) {
            Ok(text) => text,
            Err(err) => {
                // Where the JSON goes wrong before the first bad byte (gzip, HTML), that is the error, as
                // `from_slice` would give it; else the bad byte is.
                let valid = std::str::from_utf8(&self.body[..err.valid_up_to()]).unwrap_or_default();
                return Err(match serde_json::from_str::<B>(valid) {
                    Err(json) if !json.is_eof() => self.decode_error(json),
                    _ => self.not_utf8(err.valid_up_to()),
                });
            }
        };
        // An empty body is no data: it decodes as JSON `null` (an optional or loose body) or, failing that,
        // as `{}` (an object whose members are all optional). Every attempt goes through the one
        // deserializer `serde_json::from_str` instantiates for `B`.
        if text.trim_ascii().is_empty() {
            if let Ok(value) = serde_json::from_str("null") {
                return Ok(value);
            }
            if let Ok(value) = serde_json::from_str("{}") {
                return Ok(value);
            }
        }
        serde_json::from_str(text).map_err(|err| self.decode_error(err))
    }

    /// The error of a body that is not UTF-8 from byte `at` on (so not JSON), placed by line and column.
    fn not_utf8(&self, at: usize) -> Error<Infallible> {
        let before = &self.body[..at];
        let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
        let column = at - before.iter().rposition(|&byte| byte == b'\n').map_or(0, |newline| newline + 1) + 1;
        let message = format!("invalid unicode (a byte that is not UTF-8, so not JSON) at line {line} column {column}");
        let snippet = if self.sensitive {
            String::new()
        } else {
            String::from_utf8_lossy(&self.body).chars().take(SNIPPET_CHARS).collect()
        };
        Error::Decode { status: self.status, headers: Box::new(self.headers.clone()), message, snippet }
    }

    fn decode_error(&self, err: serde_json::Error) -> Error<Infallible> {
        // The path names the field (`data[0].created_at`), from the spec's property names.
        let path = json_path::path_at(&self.body, err.line(), err.column());
        let at = if path == "." { String::new() } else { format!("at `{path}`: ") };
        let (message, snippet) = if self.sensitive {
            // serde quotes offending values, and a path may hold a map's keys from the body: either may be a
            // credential, so keep only the position.
            (format!("invalid body at line {} column {}", err.line(), err.column()), String::new())
        } else {
            let snippet: String = String::from_utf8_lossy(&self.body).chars().take(SNIPPET_CHARS).collect();
            (format!("{at}{err}"), snippet)
        };
        Error::Decode { status: self.status, headers: Box::new(self.headers.clone()), message, snippet }
    }
}

/// Reads `Retry-After` as a delay: delta-seconds, or an HTTP date (a date in the past gives zero).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More seconds than fit in 64 bits is as good as forever (and over any policy's longest wait).
        return Some(value.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// The server's clock when it answered: the `Date` header, if it is a valid HTTP date.
pub(crate) fn server_date(headers: &HeaderMap) -> Option<chrono::DateTime<chrono::Utc>> {
    let value = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    httpdate::parse_http_date(value.trim()).ok().map(chrono::DateTime::<chrono::Utc>::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn raw(body: &'static [u8], sensitive: bool) -> RawResponse {
        let headers = HeaderMap::new();
        let body = Bytes::from_static(body);
        RawResponse { status: StatusCode::OK, headers, body, truncated: false, sensitive, unread: None }
    }

    #[test]
    fn a_body_that_is_not_utf8_is_a_decode_error_placed_at_its_first_bad_byte() {
        let err = raw(b"{\"a\":\n  \"x\xffy\"}", false).json::<serde_json::Value, ()>().unwrap_err();
        match err {
            Error::Decode { message, snippet, .. } => {
                assert_eq!(message, "invalid unicode (a byte that is not UTF-8, so not JSON) at line 2 column 5");
                assert_eq!(snippet, "{\"a\":\n  \"x\u{fffd}y\"}");
            }
            other => panic!("{other:?}"),
        }
        // JSON that goes wrong before the bad byte is that error (gzip's first byte is no JSON value).
        match raw(b"\x1f\x8b\x08", false).json::<serde_json::Value, ()>().unwrap_err() {
            Error::Decode { message, .. } => {
                assert!(message.starts_with("expected value at line 1 column 1"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        // A body that may hold credentials is not quoted.
        match raw(b"\xff", true).json::<serde_json::Value, ()>().unwrap_err() {
            Error::Decode { snippet, .. } => assert_eq!(snippet, ""),
            other => panic!("{other:?}"),
        }
        // Text, empty and not, reads as before.
        assert_eq!(raw(br#"{"a": "\u00e9"}"#, false).json::<serde_json::Value, ()>().unwrap().into_inner()["a"], "é");
        assert_eq!(raw(b"  ", false).json::<Option<u8>, ()>().unwrap().into_inner(), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(120)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn hostile_retry_after_values_never_panic_and_mean_what_they_can() {
        let mut headers = HeaderMap::new();
        for (value, expected) in [
            ("-5", None),
            ("1.5", None),
            ("", None),
            ("  ", None),
            ("0x10", None),
            ("18446744073709551615", Some(Duration::from_secs(u64::MAX))),
            ("99999999999999999999999999", Some(Duration::MAX)),
            ("Thu, 01 Jan 1970 00:00:00 GMT", Some(Duration::ZERO)),
            ("Fri, 31 Dec 9999 23:59:59 GMT", None),
        ] {
            headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
            let got = retry_after(&headers);
            match expected {
                Some(expected) => assert_eq!(got, Some(expected), "{value:?}"),
                // A date far in the future is a long wait, not an error: only check what is refused.
                None if value.starts_with("Fri") => assert!(got.is_none_or(|wait| wait > Duration::from_secs(1 << 30))),
                None => assert_eq!(got, None, "{value:?}"),
            }
        }
    }

    #[test]
    fn the_server_date_is_read_from_the_date_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(server_date(&headers), None);
        headers.insert(reqwest::header::DATE, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(server_date(&headers), chrono::DateTime::from_timestamp(1_445_412_480, 0));
        headers.insert(reqwest::header::DATE, HeaderValue::from_static("yesterday"));
        assert_eq!(server_date(&headers), None);
    }
}
