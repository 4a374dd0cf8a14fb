//! `multipart/form-data` bodies written from a generated form type (feature `multipart`): each text part as
//! its text, each JSON part as JSON, each file part with its file name and media type, from bytes or a stream
//! that is sent as it is read, never held whole.

use std::fmt;
use std::path::Path;

use bytes::Bytes;
use reqwest::multipart;
use serde::Serialize;

/// A media type that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not a valid media type")]
pub struct InvalidMediaType(String);

/// A part header whose name or value cannot be sent (named by the header, never quoting the value).
#[derive(Debug, thiserror::Error)]
#[error("the part header {0:?} has a name or value that cannot be sent")]
pub struct InvalidHeader(String);

/// The content of a file part: bytes, or a stream sent as it is read.
pub struct FilePart {
    body: reqwest::Body,
    /// The length of a stream, when known (else the part is sent chunked).
    length: Option<u64>,
    streamed: bool,
    file_name: Option<String>,
    media_type: Option<String>,
    headers: reqwest::header::HeaderMap,
}

impl FilePart {
    /// A file part holding `bytes`.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        let length = Some(bytes.len() as u64);
        Self {
            body: bytes.into(),
            length,
            streamed: false,
            file_name: None,
            media_type: None,
            headers: reqwest::header::HeaderMap::new(),
        }
    }

    /// A file part whose content is read from `body` (for example `reqwest::Body::wrap_stream`) while it is
    /// sent, `length` bytes long if known. A request with a streamed part is never retried (it cannot be
    /// replayed).
    pub fn stream(body: impl Into<reqwest::Body>, length: Option<u64>) -> Self {
        Self {
            body: body.into(),
            length,
            streamed: true,
            file_name: None,
            media_type: None,
            headers: reqwest::header::HeaderMap::new(),
        }
    }

    /// A file part streamed from the file at `path`, named by the path's file name.
    pub async fn open(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let file = tokio::fs::File::open(path).await?;
        let length = file.metadata().await?.len();
        let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
        let part = Self::stream(body, Some(length));
        Ok(match path.file_name() {
            Some(name) => part.file_name(name.to_string_lossy()),
            None => part,
        })
    }

    /// The file name sent with the part.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// A header of the part (such as those the spec's `encoding` declares for it).
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, InvalidHeader> {
        let name =
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| InvalidHeader(name.to_owned()))?;
        let value = reqwest::header::HeaderValue::from_str(value).map_err(|_| InvalidHeader(name.to_string()))?;
        self.headers.append(name, value);
        Ok(self)
    }

    /// The part's media type (else the spec's, else `application/octet-stream`).
    pub fn media_type(mut self, media_type: &str) -> Result<Self, InvalidMediaType> {
        if !valid(media_type) {
            return Err(InvalidMediaType(media_type.to_owned()));
        }
        self.media_type = Some(media_type.to_owned());
        Ok(self)
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("length", &self.length)
            .field("streamed", &self.streamed)
            .field("file_name", &self.file_name)
            .field("media_type", &self.media_type)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// A multipart body being written, part by part, by a generated form type.
pub struct Form(multipart::Form);

impl Default for Form {
    fn default() -> Self {
        Self::new()
    }
}

impl Form {
    /// An empty body.
    pub fn new() -> Self {
        Self(multipart::Form::new())
    }

    /// A text part named `name` for each value (none for `None`, one per item of an array): a string as it
    /// is, anything else as its JSON text (`42`, `true`, an enum's wire value), with `media_type` if given.
    pub fn text<'a, T: Serialize + 'a>(
        self,
        name: &'static str,
        values: impl IntoIterator<Item = &'a T>,
        media_type: Option<&'static str>,
    ) -> Self {
        self.parts(name, values, |value| {
            let text = match serde_json::to_value(value).ok()? {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            Some(typed(multipart::Part::text(text), media_type))
        })
    }

    /// A JSON part named `name` for each value, as `media_type` (`application/json` unless the spec says
    /// otherwise).
    pub fn json<'a, T: Serialize + 'a>(
        self,
        name: &'static str,
        values: impl IntoIterator<Item = &'a T>,
        media_type: Option<&'static str>,
    ) -> Self {
        self.parts(name, values, |value| {
            let json = serde_json::to_vec(value).ok()?;
            Some(typed(multipart::Part::bytes(json), Some(media_type.unwrap_or("application/json"))))
        })
    }

    /// A part named `name` for each value that `part` writes (a value serde cannot write is left out).
    fn parts<'a, T: 'a>(
        mut self,
        name: &'static str,
        values: impl IntoIterator<Item = &'a T>,
        part: impl Fn(&T) -> Option<multipart::Part>,
    ) -> Self {
        for value in values {
            if let Some(part) = part(value) {
                self.0 = self.0.part(name, part);
            }
        }
        self
    }

    /// A file part named `name` for each file, with its file name and media type (its own, else
    /// `media_type` from the spec, else `application/octet-stream`).
    pub fn file(
        mut self,
        name: &'static str,
        files: impl IntoIterator<Item = FilePart>,
        media_type: Option<&'static str>,
    ) -> Self {
        for file in files {
            let part = match file.length {
                Some(length) if file.streamed => multipart::Part::stream_with_length(file.body, length),
                _ => multipart::Part::stream(file.body),
            };
            let part = match file.file_name {
                Some(file_name) => part.file_name(file_name),
                None => part,
            };
            let part = if file.headers.is_empty() { part } else { part.headers(file.headers) };
            let media = file.media_type.as_deref().or(media_type).unwrap_or("application/octet-stream");
            self.0 = self.0.part(name, typed(part, Some(media)));
        }
        self
    }

    /// The body, for `reqwest`.
    pub fn into_inner(self) -> multipart::Form {
        self.0
    }
}

/// `part` with `media_type`, if it parses (a spec's `encoding` may name one that does not: then none).
fn typed(part: multipart::Part, media_type: Option<&str>) -> multipart::Part {
    match media_type.filter(|media| valid(media)) {
        // Checked just above, so `mime_str` (which drops the part on failure) cannot fail here.
        Some(media) => part.mime_str(media).unwrap_or_else(|_| multipart::Part::text("")),
        None => part,
    }
}

/// Whether a media type parses.
fn valid(media_type: &str) -> bool {
    multipart::Part::text("").mime_str(media_type).is_ok()
}
