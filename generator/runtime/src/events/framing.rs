//! The bytes of an event stream on their way to the parser, watched: how many bytes the event being received
//! has taken so far (an event over the cap ends the stream instead of growing the parser's buffer without
//! bound), whether the body ended in the middle of an event (which the parser would drop silently), and how
//! long it has been since the last event (an idle timeout, when one is set).
//!
//! An event ends at a blank line (`\n\n`, `\r\r` or `\r\n\r\n`, line ends mixed as the format allows); the
//! bytes since the last blank line are the event being received. A blank line after only comments (a
//! keep-alive `: ping`) counts as a sign of life too.

use std::future::Future as _;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;

use crate::stream::{ByteStream, StreamError};

/// The limits of one stream, settable after it is made (before or while it is read).
#[derive(Debug)]
pub(super) struct Limits {
    /// The most bytes one event may take on the wire.
    pub(super) max_event_bytes: AtomicUsize,
    /// The longest wait for the next event, in milliseconds; 0 for none.
    pub(super) idle_millis: AtomicU64,
}

/// What the framing found wrong: the stream ends with it.
#[derive(Debug, thiserror::Error)]
pub(super) enum Framing {
    /// An event went over the cap.
    #[error("an event is over {0} bytes")]
    TooLarge(usize),
    /// The body ended in the middle of an event.
    #[error("the stream ended in the middle of an event")]
    Truncated,
    /// No event within the idle timeout.
    #[error("no event for {0:?}")]
    Idle(Duration),
    /// The body could not be read.
    #[error(transparent)]
    Body(#[from] StreamError),
}

/// The body, watched (see the module docs).
pub(super) struct Framed {
    body: ByteStream,
    limits: Arc<Limits>,
    /// Bytes of the event being received.
    pending: usize,
    /// Whether a line other than a comment was received since the last blank line.
    fields: bool,
    /// At the start of a line.
    line_start: bool,
    /// The last byte was a `\r` (a `\n` right after it ends the same line).
    after_cr: bool,
    idle: Option<Pin<Box<tokio::time::Sleep>>>,
    done: bool,
}

impl Framed {
    pub(super) fn new(body: ByteStream, limits: Arc<Limits>) -> Self {
        Self { body, limits, pending: 0, fields: false, line_start: true, after_cr: false, idle: None, done: false }
    }

    /// Scans a chunk; `Err` when the event being received goes over the cap. Returns whether an event (or a
    /// keep-alive) ended in it.
    fn scan(&mut self, chunk: &[u8], limit: usize) -> Result<bool, Framing> {
        let mut ended = false;
        for &byte in chunk {
            match byte {
                // The `\n` of a `\r\n`: the same line end, counted once.
                b'\n' if self.after_cr => {
                    self.after_cr = false;
                    continue;
                }
                b'\r' | b'\n' => {
                    if self.line_start {
                        // A blank line: the event (or the comments before it) is complete.
                        ended = true;
                        self.pending = 0;
                        self.fields = false;
                        self.after_cr = byte == b'\r';
                        continue;
                    }
                    self.line_start = true;
                    self.after_cr = byte == b'\r';
                }
                _ => {
                    if self.line_start && byte != b':' {
                        self.fields = true;
                    }
                    self.line_start = false;
                    self.after_cr = false;
                }
            }
            self.pending += 1;
            if self.pending > limit {
                return Err(Framing::TooLarge(limit));
            }
        }
        Ok(ended)
    }

    fn idle(&self) -> Option<Duration> {
        match self.limits.idle_millis.load(Ordering::Relaxed) {
            0 => None,
            millis => Some(Duration::from_millis(millis)),
        }
    }

    /// Starts the idle timer again (or first), when one is set.
    fn rearm(&mut self) {
        match (self.idle(), &mut self.idle) {
            (None, timer) => *timer = None,
            (Some(wait), Some(timer)) => timer.as_mut().reset(tokio::time::Instant::now() + wait),
            (Some(wait), timer) => *timer = Some(Box::pin(tokio::time::sleep(wait))),
        }
    }

    fn end(&mut self, error: Framing) -> Poll<Option<Result<Bytes, Framing>>> {
        self.done = true;
        Poll::Ready(Some(Err(error)))
    }
}

impl Stream for Framed {
    type Item = Result<Bytes, Framing>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        if self.idle.is_none() && self.idle().is_some() {
            self.rearm();
        }
        match Pin::new(&mut self.body).poll_next(cx) {
            Poll::Pending => {
                let timed_out = self.idle.as_mut().is_some_and(|timer| timer.as_mut().poll(cx).is_ready());
                match (timed_out, self.idle()) {
                    (true, Some(wait)) => self.end(Framing::Idle(wait)),
                    _ => Poll::Pending,
                }
            }
            Poll::Ready(Some(Ok(chunk))) => {
                let limit = self.limits.max_event_bytes.load(Ordering::Relaxed);
                match self.scan(&chunk, limit) {
                    Err(error) => self.end(error),
                    Ok(ended) => {
                        if ended {
                            self.rearm();
                        }
                        Poll::Ready(Some(Ok(chunk)))
                    }
                }
            }
            Poll::Ready(Some(Err(error))) => self.end(Framing::Body(error)),
            Poll::Ready(None) if self.fields => self.end(Framing::Truncated),
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(limit: usize) -> Framed {
        let limits = Limits { max_event_bytes: AtomicUsize::new(limit), idle_millis: AtomicU64::new(0) };
        Framed::new(ByteStream::from_bytes(Bytes::new()), Arc::new(limits))
    }

    #[test]
    fn blank_lines_end_events_whatever_the_line_ends_and_the_chunking() {
        for text in ["data: a\n\n", "data: a\r\r", "data: a\r\n\r\n", "data: a\r\n\n", "data: a\n\r\n"] {
            // Whole, and cut at every byte.
            for cut in 0..=text.len() {
                let mut framing = framed(1 << 20);
                let (first, second) = text.as_bytes().split_at(cut);
                let ended = framing.scan(first, 1 << 20).unwrap() | framing.scan(second, 1 << 20).unwrap();
                assert!(ended, "{text:?} cut at {cut}");
                assert_eq!((framing.pending, framing.fields), (0, false), "{text:?} cut at {cut}");
            }
        }
        // A blank line right after one that ended an event is a blank line too (a keep-alive of nothing);
        // only a `\n` right after a `\r` is part of the line end before it (`\r\r` then `\n` is no more).
        for (end, next) in [("\n\n", "\n"), ("\r\r", "\r"), ("\r\n\r\n", "\r")] {
            let mut framing = framed(1 << 20);
            assert!(framing.scan(format!("data: a{end}").as_bytes(), 1 << 20).unwrap());
            assert!(framing.scan(next.as_bytes(), 1 << 20).unwrap(), "{end:?} then {next:?}");
        }
        // A `\r\n` is one line end, not a blank line.
        let mut framing = framed(1 << 20);
        assert!(!framing.scan(b"data: a\r\ndata: b\r\n", 1 << 20).unwrap());
        assert!(framing.fields);
        // 18 bytes, each `\r\n` counted as one line end.
        assert_eq!(framing.pending, 16);
    }

    #[test]
    fn comments_alone_are_no_event_and_a_field_is() {
        let mut framing = framed(100);
        framing.scan(b": ping\n", 100).unwrap();
        assert!(!framing.fields, "a comment");
        framing.scan(b"data", 100).unwrap();
        assert!(framing.fields, "a field begun");
    }

    /// Chunks delivered on tokio's clock: each after its delay, then the end of the body (`ends`) or
    /// nothing, ever.
    struct Timed {
        chunks: std::collections::VecDeque<(Duration, &'static str)>,
        timer: Option<Pin<Box<tokio::time::Sleep>>>,
        ends: bool,
    }

    impl Stream for Timed {
        type Item = Result<Bytes, reqwest::Error>;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let Some(&(delay, chunk)) = self.chunks.front() else {
                return if self.ends { Poll::Ready(None) } else { Poll::Pending };
            };
            let timer = self.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(delay)));
            if timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.timer = None;
            self.chunks.pop_front();
            Poll::Ready(Some(Ok(Bytes::from_static(chunk.as_bytes()))))
        }
    }

    fn watched(body: ByteStream, limit: usize, idle: Duration) -> Framed {
        let limits =
            Limits { max_event_bytes: AtomicUsize::new(limit), idle_millis: AtomicU64::new(idle.as_millis() as u64) };
        Framed::new(body, Arc::new(limits))
    }

    /// What the stream yields until it ends (the chunks as text, the errors by name), and that it stays ended.
    async fn drain(mut framed: Framed) -> Vec<String> {
        let mut seen = Vec::new();
        while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut framed).poll_next(cx)).await {
            seen.push(match item {
                Ok(chunk) => String::from_utf8(chunk.to_vec()).unwrap(),
                Err(err) => format!("error: {err}"),
            });
            assert!(seen.len() < 100, "the stream does not end: {seen:?}");
        }
        assert!(std::future::poll_fn(|cx| Pin::new(&mut framed).poll_next(cx)).await.is_none());
        seen
    }

    fn chunks(texts: &[&'static str]) -> ByteStream {
        ByteStream::from_chunks(texts.iter().map(|t| Bytes::from_static(t.as_bytes())).collect())
    }

    #[tokio::test]
    async fn whole_events_and_keep_alives_pass_through_and_the_stream_ends_with_the_body() {
        let seen = drain(watched(chunks(&["data: a\n\n", ": ping\n\n", ": no blank line"]), 100, Duration::ZERO)).await;
        assert_eq!(seen, ["data: a\n\n", ": ping\n\n", ": no blank line"]);
    }

    #[tokio::test]
    async fn a_body_that_ends_inside_an_event_says_so_once() {
        let seen = drain(watched(chunks(&["data: a\n\n", "data: b"]), 100, Duration::ZERO)).await;
        assert_eq!(seen, ["data: a\n\n", "data: b", "error: the stream ended in the middle of an event"]);
        // A field line ended, but not the event: still cut short.
        let seen = drain(watched(chunks(&["data: b\n"]), 100, Duration::ZERO)).await;
        assert_eq!(seen, ["data: b\n", "error: the stream ended in the middle of an event"]);
    }

    #[tokio::test]
    async fn an_event_over_the_cap_ends_the_stream_and_the_cap_can_change_while_reading() {
        let seen = drain(watched(chunks(&["data: 12345678\n\n", "data: a\n\n"]), 10, Duration::ZERO)).await;
        assert_eq!(seen, ["error: an event is over 10 bytes"]);
        // Exactly at the cap is allowed.
        let seen = drain(watched(chunks(&["data: 1234\n\n"]), 11, Duration::ZERO)).await;
        assert_eq!(seen, ["data: 1234\n\n"]);
        let mut framed = watched(chunks(&["data: a\n\n", "data: b\n\n"]), 100, Duration::ZERO);
        let first = std::future::poll_fn(|cx| Pin::new(&mut framed).poll_next(cx)).await;
        assert_eq!(first.unwrap().unwrap(), "data: a\n\n");
        framed.limits.max_event_bytes.store(4, Ordering::Relaxed);
        assert_eq!(drain(framed).await, ["error: an event is over 4 bytes"]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_idle_timeout_counts_from_the_last_event_not_from_the_last_byte() {
        let idle = Duration::from_millis(100);
        let timed = |chunks: &[(u64, &'static str)], ends: bool| {
            ByteStream::from_live(Timed {
                chunks: chunks.iter().map(|&(ms, text)| (Duration::from_millis(ms), text)).collect(),
                timer: None,
                ends,
            })
        };
        // Events 80 ms apart: each restarts the timer, which then fires 100 ms after the last.
        let started = tokio::time::Instant::now();
        let seen = drain(watched(timed(&[(80, "data: a\n\n"), (80, ": ping\n\n")], false), 100, idle)).await;
        assert_eq!(seen, ["data: a\n\n", ": ping\n\n", "error: no event for 100ms"]);
        assert_eq!(started.elapsed(), Duration::from_millis(260));
        // Bytes 80 ms apart that do not end an event leave the timer running: it fires at 100 ms.
        let started = tokio::time::Instant::now();
        let seen = drain(watched(timed(&[(80, "data: a\n"), (80, "\n")], false), 100, idle)).await;
        assert_eq!(seen, ["data: a\n", "error: no event for 100ms"]);
        assert_eq!(started.elapsed(), Duration::from_millis(100));
        // Without an idle timeout, a quiet stream is waited for.
        let seen = drain(watched(timed(&[(500, "data: a\n\n")], true), 100, Duration::ZERO)).await;
        assert_eq!(seen, ["data: a\n\n"]);
    }

    #[test]
    fn the_cap_counts_the_bytes_of_one_event_only() {
        let mut framing = framed(10);
        // Events of 10 bytes each, blank line included, any number of them.
        for _ in 0..100 {
            assert!(framing.scan(b"data: 12\n\n", 10).unwrap());
        }
        assert!(matches!(framing.scan(b"data: 1234\n", 10), Err(Framing::TooLarge(10))));
    }
}
