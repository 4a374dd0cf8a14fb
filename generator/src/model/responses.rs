//! Responses: each documented status classified as a success or an error, its body's type, and the media
//! type to ask for.

use indexmap::IndexMap;
use openapiv3::{MediaType, ReferenceOr, Response, StatusCode};

use super::schemas::Builder;
use super::{BodyEncoding, Outcome, ResponseBody, StatusMatch, Ty};
use crate::error::{Error, pointer_push};
use crate::names::{Scope, pascal};

/// An operation's responses.
pub(super) struct Responses {
    /// Successes.
    pub success: Vec<Outcome>,
    /// Documented errors.
    pub errors: Vec<Outcome>,
    /// The media type to ask for.
    pub accept: Option<String>,
    /// The first success that offers `text/event-stream` beside the media type it is read as, read as events.
    pub event_stream: Option<Outcome>,
    /// The headers the success responses document (lowercase).
    pub success_headers: Vec<String>,
}

impl Builder<'_> {
    pub(super) fn responses(
        &mut self,
        op: &openapiv3::Operation,
        type_stem: &str,
        pointer: &str,
    ) -> Result<Responses, Error> {
        let responses_pointer = pointer_push(pointer, "responses");
        let mut accept = None;
        let mut event_stream = None;
        let mut entries: Vec<(StatusMatch, &ReferenceOr<Response>, String)> = op
            .responses
            .responses
            .iter()
            .map(|(code, response)| {
                let status = match code {
                    StatusCode::Code(code) => StatusMatch::Code(*code),
                    StatusCode::Range(digit) => StatusMatch::Range(*digit),
                };
                (status, response, pointer_push(&responses_pointer, &code.to_string()))
            })
            .collect();
        let has_success = entries.iter().any(|(status, ..)| is_success(*status));
        if let Some(default) = &op.responses.default {
            entries.push((StatusMatch::Default, default, pointer_push(&responses_pointer, "default")));
        }
        entries.sort_by_key(|(status, ..)| *status);
        let mut success = Vec::new();
        let mut errors = Vec::new();
        let mut success_headers = Vec::new();
        let mut success_scope = Scope::default();
        let mut error_scope = Scope::default();
        for (status, response, response_pointer) in entries {
            let response = self.refs.resolve(response, "responses", |c| &c.responses, &response_pointer)?;
            // With no 2xx documented, `default` describes the successful answer too.
            let is_ok = is_success(status) || (status == StatusMatch::Default && !has_success);
            let label = status_label(status);
            if let Some((content_type, _)) = pick_media(&response.content).filter(|_| is_ok) {
                if accept.is_none() && !content_type.contains('*') {
                    accept = Some(content_type.to_owned());
                }
            }
            let media_at = pick_media(&response.content)
                .map(|(content_type, _)| pointer_push(&pointer_push(&response_pointer, "content"), content_type));
            // Events offered beside another media type: the operation's event-stream form reads them.
            let offered_events = response.content.iter().find(|(media, _)| is_event_stream(media));
            if let (Some((media, offered)), true, None) = (offered_events, is_ok, &event_stream) {
                if pick_media(&response.content).is_some_and(|(picked, _)| !is_event_stream(picked)) {
                    let at = pointer_push(&pointer_push(&response_pointer, "content"), media);
                    let ty = self.event_ty(offered, &format!("{type_stem}{label}Event"), &at)?;
                    event_stream = Some(Outcome {
                        status,
                        variant: label.clone(),
                        body: ResponseBody::Events(ty),
                        media: Some(at),
                        doc: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
                        example: None,
                    });
                }
            }
            let body = match pick_media(&response.content) {
                None => ResponseBody::Empty,
                // `*/*` with no schema, and any media type whose schema is a binary string, is bytes.
                Some((_, media)) if media.schema.as_ref().is_some_and(is_binary_string) => ResponseBody::Bytes,
                Some((content_type, media)) if media.schema.is_none() && is_any(content_type) => ResponseBody::Bytes,
                Some((content_type, media)) if is_event_stream(content_type) => {
                    let at = media_at.as_deref().unwrap_or_default();
                    ResponseBody::Events(self.event_ty(media, &format!("{type_stem}{label}Event"), at)?)
                }
                Some((content_type, media)) => match encoding_of(content_type) {
                    BodyEncoding::Json => match &media.schema {
                        Some(schema) => {
                            let hint = if is_ok {
                                format!("{type_stem}{label}Response")
                            } else {
                                format!("{type_stem}{label}Error")
                            };
                            let media_pointer = media_at.as_deref().unwrap_or_default();
                            ResponseBody::Json(self.schema_ty(
                                schema,
                                &hint,
                                &pointer_push(media_pointer, "schema"),
                                false,
                            )?)
                        }
                        None => ResponseBody::Json(Ty::Json),
                    },
                    BodyEncoding::Text | BodyEncoding::Form => ResponseBody::Text,
                    BodyEncoding::Bytes | BodyEncoding::Multipart => ResponseBody::Bytes,
                },
            };
            let example = pick_media(&response.content).and_then(|(_, media)| {
                media.example.clone().or_else(|| {
                    media.examples.values().find_map(|example| match example {
                        ReferenceOr::Item(example) => example.value.clone(),
                        ReferenceOr::Reference { .. } => None,
                    })
                })
            });
            let outcome = |scope: &mut Scope| Outcome {
                status,
                variant: scope.claim(label.clone()),
                body: body.clone(),
                media: media_at.clone(),
                doc: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
                example: example.clone(),
            };
            if is_ok {
                for name in response.headers.keys() {
                    let name = name.to_ascii_lowercase();
                    if !success_headers.contains(&name) {
                        success_headers.push(name);
                    }
                }
                success.push(outcome(&mut success_scope));
            } else {
                errors.push(outcome(&mut error_scope));
            }
        }
        Ok(Responses { success, errors, accept, event_stream, success_headers })
    }

    /// The type of each event of the `text/event-stream` media type at `at`: its schema's (an inline one
    /// named `hint`), or the event's text where it has none.
    fn event_ty(&mut self, media: &openapiv3::MediaType, hint: &str, at: &str) -> Result<Ty, Error> {
        match &media.schema {
            Some(schema) => self.schema_ty(schema, hint, &pointer_push(at, "schema"), false),
            None => Ok(Ty::String),
        }
    }
}

fn is_success(status: StatusMatch) -> bool {
    match status {
        StatusMatch::Code(code) => (200..300).contains(&code),
        StatusMatch::Range(digit) => digit == 2,
        StatusMatch::Default => false,
    }
}

/// A variant name for a status: its canonical reason (`Unauthorized`), `ClientError` for `4XX`, …
fn status_label(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match reason(code) {
            Some(reason) => pascal(reason),
            None => format!("Status{code}"),
        },
        StatusMatch::Range(1) => "Informational".into(),
        StatusMatch::Range(2) => "Success".into(),
        StatusMatch::Range(3) => "Redirection".into(),
        StatusMatch::Range(4) => "ClientError".into(),
        StatusMatch::Range(5) => "ServerError".into(),
        StatusMatch::Range(digit) => format!("Status{digit}xx"),
        StatusMatch::Default => "Default".into(),
    }
}

fn reason(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "Im A Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// The media type to use from a `content` map: JSON first, then form, text, anything, and server-sent events
/// only when nothing else is offered (an operation offering both has an event-stream form for them).
pub(super) fn pick_media(content: &IndexMap<String, MediaType>) -> Option<(&str, &MediaType)> {
    let rank = |media: &str| match encoding_of(media) {
        _ if is_event_stream(media) => 5,
        BodyEncoding::Json => 0,
        BodyEncoding::Form => 1,
        BodyEncoding::Text => 2,
        BodyEncoding::Multipart => 3,
        BodyEncoding::Bytes => 4,
    };
    content.iter().min_by_key(|(media, _)| rank(media)).map(|(media, value)| (media.as_str(), value))
}

/// An inline `type: string, format: binary` schema: raw bytes, whatever the media type says.
fn is_binary_string(schema: &openapiv3::ReferenceOr<openapiv3::Schema>) -> bool {
    use openapiv3::{ReferenceOr, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
    matches!(
        schema,
        ReferenceOr::Item(openapiv3::Schema {
            schema_kind: SchemaKind::Type(Type::String(openapiv3::StringType {
                format: VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
                ..
            })),
            ..
        })
    )
}

/// `text/event-stream`: server-sent events.
fn is_event_stream(media: &str) -> bool {
    media.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("text/event-stream")
}

/// `*/*`: any media type.
fn is_any(media: &str) -> bool {
    media.split(';').next().unwrap_or("").trim() == "*/*"
}

pub(super) fn encoding_of(media: &str) -> BodyEncoding {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" {
        BodyEncoding::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if essence == "multipart/form-data" || essence == "multipart/mixed" {
        BodyEncoding::Multipart
    } else if essence.starts_with("text/") {
        BodyEncoding::Text
    } else {
        BodyEncoding::Bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_classified() {
        assert_eq!(encoding_of("application/json; charset=utf-8"), BodyEncoding::Json);
        assert_eq!(encoding_of("application/merge-patch+json"), BodyEncoding::Json);
        assert_eq!(encoding_of("application/x-www-form-urlencoded"), BodyEncoding::Form);
        assert_eq!(encoding_of("text/plain"), BodyEncoding::Text);
        assert_eq!(encoding_of("application/octet-stream"), BodyEncoding::Bytes);
    }

    #[test]
    fn statuses_are_labelled() {
        assert_eq!(status_label(StatusMatch::Code(429)), "TooManyRequests");
        assert_eq!(status_label(StatusMatch::Code(499)), "Status499");
        assert_eq!(status_label(StatusMatch::Range(5)), "ServerError");
        assert_eq!(status_label(StatusMatch::Default), "Default");
    }
}
