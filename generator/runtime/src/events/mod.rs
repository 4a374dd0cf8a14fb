//! Server-sent events (`text/event-stream` responses) as a stream of typed events. The wire format is parsed
//! by `sse-stream`; here each event's `data` is decoded into the type the spec gives, and the bytes on their
//! way to the parser are watched (`framing.rs`): an event over the cap, a body that ends in the middle of an
//! event, and a stream idle for longer than its idle timeout each end the stream with a typed error.

mod framing;

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::stream::ByteStream;

/// The payload that ends a stream the way OpenAI-style APIs end theirs.
const DONE: &str = "[DONE]";

/// How much of an undecodable payload [`EventError::Decode`] quotes.
const SNIPPET_CHARS: usize = 256;

/// The most bytes one event may take on the wire by default (its field names, values and line ends): 16 MiB.
/// Real events are small (a chat completion's delta is under a kilobyte; the largest seen, a whole final
/// response in one event, a few hundred kilobytes), and a JSON response body stops at 64 MiB: 16 MiB is far
/// above any real event, and bounds what a broken or hostile server can make the client hold (the parser's
/// buffer, then the event's data, about twice the cap at most). [`EventStream::max_event_bytes`] changes it.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 << 20;

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
    /// An event took more bytes than the stream's cap ([`EventStream::max_event_bytes`]). The stream ends:
    /// what is left of the event is not read.
    #[error("an event is over {limit} bytes, the stream's cap")]
    TooLarge {
        /// The cap.
        limit: usize,
    },
    /// The body ended in the middle of an event (after some of its fields, before the blank line that ends
    /// it), which the format would drop without a word. The stream ends.
    #[error("the event stream ended in the middle of an event")]
    Truncated,
    /// No event (nor keep-alive comment) came within the stream's idle timeout
    /// ([`EventStream::idle_timeout`]). The stream ends.
    #[error("no event for {timeout:?}, the stream's idle timeout")]
    Idle {
        /// The idle timeout.
        timeout: Duration,
    },
}

impl From<sse_stream::Error> for EventError {
    fn from(err: sse_stream::Error) -> Self {
        let sse_stream::Error::Body(body) = err else { return Self::Stream(Box::new(err)) };
        match body.downcast::<framing::Framing>() {
            Ok(framing) => match *framing {
                framing::Framing::TooLarge(limit) => Self::TooLarge { limit },
                framing::Framing::Truncated => Self::Truncated,
                framing::Framing::Idle(timeout) => Self::Idle { timeout },
                framing::Framing::Body(err) => Self::Stream(Box::new(err)),
            },
            Err(other) => Self::Stream(other),
        }
    }
}

type Blocks = Pin<Box<sse_stream::SseByteStream<framing::Framed>>>;

/// The events of a `text/event-stream` response, as they arrive: a [`Stream`] of
/// `Result<Event<T>, EventError>` (or [`EventStream::next_event`]). It ends at the end of the body or at a
/// `[DONE]` payload, or with an error: a body that ends in the middle of an event ([`EventError::Truncated`]),
/// an event over the cap ([`EventStream::max_event_bytes`]), a wait over the idle timeout
/// ([`EventStream::idle_timeout`]), or a failed read. Blocks without data (comments, lone `retry:` or `id:`
/// fields) are not events and are skipped. The call's timeout covers reading the stream too: give a long
/// stream a timeout of its own.
pub struct EventStream<T> {
    blocks: Blocks,
    limits: Arc<framing::Limits>,
    decode: fn(&str) -> Result<T, serde_json::Error>,
    sensitive: bool,
    done: bool,
    data: PhantomData<fn() -> T>,
}

impl<T> EventStream<T> {
    fn with(body: ByteStream, sensitive: bool, decode: fn(&str) -> Result<T, serde_json::Error>) -> Self {
        let limits = Arc::new(framing::Limits {
            max_event_bytes: AtomicUsize::new(DEFAULT_MAX_EVENT_BYTES),
            idle_millis: AtomicU64::new(0),
        });
        let blocks = Box::pin(sse_stream::SseByteStream::new(framing::Framed::new(body, limits.clone())));
        Self { blocks, limits, decode, sensitive, done: false, data: PhantomData }
    }

    /// This stream with another cap on the bytes of one event ([`DEFAULT_MAX_EVENT_BYTES`] by default): an
    /// event that goes over it ends the stream with [`EventError::TooLarge`].
    pub fn max_event_bytes(self, limit: usize) -> Self {
        self.limits.max_event_bytes.store(limit, Ordering::Relaxed);
        self
    }

    /// This stream ended by [`EventError::Idle`] when no event (nor keep-alive comment) comes for `timeout`,
    /// counted from the first read and from each event. None by default: the call's timeout
    /// (`with_timeout`) bounds the whole stream; this bounds the wait between events of a long stream.
    pub fn idle_timeout(self, timeout: Duration) -> Self {
        let millis = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX).max(1);
        self.limits.idle_millis.store(millis, Ordering::Relaxed);
        self
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
                    return Poll::Ready(Some(Err(err.into())));
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

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Delta {
        index: i64,
    }

    async fn all<T>(mut events: EventStream<T>) -> Vec<Result<Event<T>, EventError>> {
        let mut seen = Vec::new();
        while let Some(event) = events.next_event().await {
            seen.push(event);
        }
        seen
    }

    #[tokio::test]
    async fn events_split_across_reads_anywhere_come_out_whole() {
        let text =
            "event: a\ndata: {\"index\":1}\n\n: note\r\n\r\ndata: {\"index\":\r\ndata: 2}\r\n\r\ndata: [DONE]\n\n";
        // Every way to cut the body in two reads, and one byte per read.
        let mut cuts: Vec<Vec<Bytes>> = (0..=text.len())
            .map(|at| {
                vec![Bytes::copy_from_slice(&text.as_bytes()[..at]), Bytes::copy_from_slice(&text.as_bytes()[at..])]
            })
            .collect();
        cuts.push(text.bytes().map(|b| Bytes::copy_from_slice(&[b])).collect());
        for chunks in cuts {
            let shown = format!("{chunks:?}");
            let events = all(EventStream::<Delta>::json(ByteStream::from_chunks(chunks), false)).await;
            let data: Vec<i64> = events.iter().map(|e| e.as_ref().unwrap().data.index).collect();
            assert_eq!(data, [1, 2], "{shown}");
            assert_eq!(events[0].as_ref().unwrap().event.as_deref(), Some("a"), "{shown}");
        }
    }

    #[tokio::test]
    async fn debug_says_whether_the_stream_ended_and_nothing_else() {
        let mut events =
            EventStream::<String>::text(ByteStream::from_bytes(Bytes::from_static(b"data: SECRET\n\n")), true);
        assert_eq!(format!("{events:?}"), "EventStream { done: false, .. }");
        while events.next_event().await.is_some() {}
        assert_eq!(format!("{events:?}"), "EventStream { done: true, .. }");
    }

    #[tokio::test]
    async fn an_undecodable_event_of_a_sensitive_stream_quotes_nothing() {
        let body = || {
            ByteStream::from_bytes(Bytes::from_static(
                b"data: {\"index\": \"SECRET-VALUE\"}\n\ndata: {\"index\": 3}\n\n",
            ))
        };
        let plain = all(EventStream::<Delta>::json(body(), false)).await;
        let Err(EventError::Decode { message, data, .. }) = &plain[0] else { panic!("{plain:?}") };
        assert!(message.contains("invalid type: string"), "{message}");
        assert!(data.contains("SECRET-VALUE"), "an ordinary stream quotes the payload: {data}");
        let sensitive = all(EventStream::<Delta>::json(body(), true)).await;
        let Err(err @ EventError::Decode { message, data, .. }) = &sensitive[0] else { panic!("{sensitive:?}") };
        assert_eq!((message.as_str(), data.as_str()), ("invalid payload at line 1 column 24", ""));
        assert!(!format!("{err:?} {err}").contains("SECRET"), "{err:?}");
        // The stream goes on after the bad event.
        assert_eq!(sensitive[1].as_ref().unwrap().data, Delta { index: 3 });
    }
}
