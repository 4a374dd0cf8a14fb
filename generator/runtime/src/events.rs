//! Server-sent events (`text/event-stream` responses) as a stream of typed events. The wire format is parsed
//! by `sse-stream`; here each event's `data` is decoded into the type the spec gives.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::stream::ByteStream;

/// The payload that ends a stream the way OpenAI-style APIs end theirs.
const DONE: &str = "[DONE]";

/// How much of an undecodable payload [`EventError::Decode`] quotes.
const SNIPPET_CHARS: usize = 256;

/// One server-sent event: its payload decoded, with the event's name, id and reconnection delay when the
/// server sent them.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The `event:` field (the event's type), if any.
    pub event: Option<String>,
    /// The `id:` field, if any.
    pub id: Option<String>,
    /// The `retry:` field, if any.
    pub retry: Option<Duration>,
    /// The `data:` payload (its lines joined with `\n`), decoded.
    pub data: T,
}

/// A failure while reading an event stream. [`EventError::Decode`] concerns one event and the stream goes on
/// after it; the others end the stream.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// An event's payload does not decode into the documented type. The stream goes on.
    #[error("event {event:?} does not match the spec: {message}")]
    Decode {
        /// The event's name, if any.
        event: Option<String>,
        /// What did not match (from serde; only a position when the stream may carry credentials).
        message: String,
        /// The start of the payload (empty when the stream may carry credentials).
        data: String,
    },
    /// The body could not be read (the connection failed, or the call's timeout fired) or is not valid
    /// event-stream text. The stream ends.
    #[error("reading the event stream failed: {0}")]
    Stream(#[source] Box<dyn std::error::Error + Send + Sync>),
}

type Blocks = Pin<Box<dyn Stream<Item = Result<sse_stream::Sse, sse_stream::Error>> + Send + Sync>>;

/// The events of a `text/event-stream` response, as they arrive: a [`Stream`] of
/// `Result<Event<T>, EventError>` (or [`EventStream::next_event`]). It ends at the end of the body or at a
/// `[DONE]` payload. Blocks without data (comments, lone `retry:` or `id:` fields) are not events and are
/// skipped. The call's timeout covers reading the stream too: give a long stream a timeout of its own.
pub struct EventStream<T> {
    blocks: Blocks,
    decode: fn(&str) -> Result<T, serde_json::Error>,
    sensitive: bool,
    done: bool,
    data: PhantomData<fn() -> T>,
}

impl<T> EventStream<T> {
    fn with(body: ByteStream, sensitive: bool, decode: fn(&str) -> Result<T, serde_json::Error>) -> Self {
        let blocks = Box::pin(sse_stream::SseByteStream::new(body));
        Self { blocks, decode, sensitive, done: false, data: PhantomData }
    }

    /// The next event, or `None` once the stream has ended.
    pub async fn next_event(&mut self) -> Option<Result<Event<T>, EventError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<T: DeserializeOwned> EventStream<T> {
    /// Events whose payloads are JSON of type `T`.
    pub(crate) fn json(body: ByteStream, sensitive: bool) -> Self {
        Self::with(body, sensitive, |data| serde_json::from_str(data))
    }
}

impl EventStream<String> {
    /// Events whose payloads are text, kept as they are.
    pub(crate) fn text(body: ByteStream, sensitive: bool) -> Self {
        Self::with(body, sensitive, |data| Ok(data.to_owned()))
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, EventError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if self.done {
                return Poll::Ready(None);
            }
            let block = match self.blocks.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    self.done = true;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Err(err))) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(EventError::Stream(Box::new(err)))));
                }
                Poll::Ready(Some(Ok(block))) => block,
            };
            let Some(data) = block.data else { continue };
            if data == DONE {
                self.done = true;
                return Poll::Ready(None);
            }
            let event = block.event;
            let decoded = match (self.decode)(&data) {
                Ok(decoded) => decoded,
                Err(err) => {
                    let (message, data) = if self.sensitive {
                        (format!("invalid payload at line {} column {}", err.line(), err.column()), String::new())
                    } else {
                        (err.to_string(), data.chars().take(SNIPPET_CHARS).collect())
                    };
                    return Poll::Ready(Some(Err(EventError::Decode { event, message, data })));
                }
            };
            let retry = block.retry.map(Duration::from_millis);
            return Poll::Ready(Some(Ok(Event { event, id: block.id, retry, data: decoded })));
        }
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").field("done", &self.done).finish_non_exhaustive()
    }
}
