//! Binary response bodies as streams: read as they arrive, never held whole unless the caller asks.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

/// How reading a streamed body failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The connection failed or the body ended early (fewer bytes than its `Content-Length`), or the call's
    /// timeout fired while reading.
    #[error("reading the response body failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// [`ByteStream::collect`] met more than its limit.
    #[error("the response body is longer than {limit} bytes; reading stopped there")]
    TooLarge {
        /// The limit that was reached.
        limit: usize,
    },
}

impl From<StreamError> for std::io::Error {
    fn from(err: StreamError) -> Self {
        let kind = match &err {
            StreamError::Transport(inner) if inner.is_timeout() => std::io::ErrorKind::TimedOut,
            StreamError::Transport(_) => std::io::ErrorKind::UnexpectedEof,
            StreamError::TooLarge { .. } => std::io::ErrorKind::InvalidData,
        };
        std::io::Error::new(kind, err)
    }
}

type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send + Sync>>;

/// A response body delivered as it arrives, chunk by chunk, with no size limit and no more than a chunk in
/// memory at once: what an operation returns for a binary success response (`application/octet-stream`,
/// `image/*`, `application/pdf`, `format: binary`, …). The status and headers are on the
/// [`ResponseValue`](crate::ResponseValue) around it, there before the body is read.
///
/// Read it with [`ByteStream::chunk`], as a [`Stream`] of `Result<Bytes, StreamError>`, as a
/// [`tokio::io::AsyncRead`] ([`ByteStream::into_async_read`], e.g. for `tokio::io::copy` into a file), or
/// whole, up to a limit, with [`ByteStream::collect`]. The call's timeout (the HTTP client's, or
/// `with_timeout`) covers reading the body too: give a long download a timeout of its own.
pub struct ByteStream {
    source: Source,
    size_hint: Option<u64>,
}

enum Source {
    /// The response's body as it arrives.
    Live(Chunks),
    /// A body already read, until it is taken.
    Read(Option<Bytes>),
}

impl ByteStream {
    pub(crate) fn new(response: reqwest::Response) -> Self {
        let size_hint = response.content_length();
        Self { source: Source::Live(Box::pin(response.bytes_stream())), size_hint }
    }

    /// A stream over bytes already read.
    pub fn from_bytes(bytes: Bytes) -> Self {
        let size_hint = Some(bytes.len() as u64);
        Self { source: Source::Read(Some(bytes).filter(|b| !b.is_empty())), size_hint }
    }

    /// A stream that delivers `chunks` one read at a time, as a body arriving in pieces does (for tests of
    /// what reads a stream).
    #[cfg(test)]
    pub(crate) fn from_chunks(chunks: Vec<Bytes>) -> Self {
        struct Pieces(std::vec::IntoIter<Bytes>);
        impl Stream for Pieces {
            type Item = Result<Bytes, reqwest::Error>;
            fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                Poll::Ready(self.0.next().map(Ok))
            }
        }
        Self::from_live(Pieces(chunks.into_iter()))
    }

    /// A stream that delivers what `live` delivers, when it does (for tests of what reads a stream).
    #[cfg(test)]
    pub(crate) fn from_live(live: impl Stream<Item = Result<Bytes, reqwest::Error>> + Send + Sync + 'static) -> Self {
        Self { source: Source::Live(Box::pin(live)), size_hint: None }
    }

    /// The body's length as the server announced it (`Content-Length`), if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.size_hint
    }

    /// The next chunk, or `None` at the end of the body.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, StreamError> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await.transpose()
    }

    /// The whole body, if it is at most `limit` bytes long ([`StreamError::TooLarge`] otherwise: reading stops
    /// at the limit).
    pub async fn collect(mut self, limit: usize) -> Result<Bytes, StreamError> {
        let mut body = BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            if chunk.len() > limit - body.len() {
                return Err(StreamError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// The body as a [`tokio::io::AsyncRead`] (failures become [`std::io::Error`]s wrapping the
    /// [`StreamError`]).
    pub fn into_async_read(self) -> impl tokio::io::AsyncRead + Send + Sync + Unpin {
        tokio_util::io::StreamReader::new(IoChunks(self))
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.source {
            Source::Live(chunks) => {
                chunks.as_mut().poll_next(cx).map(|item| item.map(|chunk| chunk.map_err(StreamError::Transport)))
            }
            Source::Read(bytes) => Poll::Ready(bytes.take().map(Ok)),
        }
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").field("content_length", &self.size_hint).finish_non_exhaustive()
    }
}

/// The chunks with I/O errors, as `StreamReader` takes them.
struct IoChunks(ByteStream);

impl Stream for IoChunks {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.0).poll_next(cx).map(|item| item.map(|chunk| chunk.map_err(std::io::Error::from)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bytes_already_read_are_one_chunk_and_an_empty_body_none() {
        let mut stream = ByteStream::from_bytes(Bytes::from_static(b"abc"));
        assert_eq!(stream.content_length(), Some(3));
        assert_eq!(stream.chunk().await.unwrap(), Some(Bytes::from_static(b"abc")));
        assert_eq!(stream.chunk().await.unwrap(), None);
        assert_eq!(stream.chunk().await.unwrap(), None, "stays ended");
        let mut empty = ByteStream::from_bytes(Bytes::new());
        assert_eq!((empty.content_length(), empty.chunk().await.unwrap()), (Some(0), None));
    }

    #[test]
    fn debug_shows_the_announced_length_and_no_bytes() {
        let stream = ByteStream::from_bytes(Bytes::from_static(b"SECRET"));
        assert_eq!(format!("{stream:?}"), "ByteStream { content_length: Some(6), .. }");
    }

    #[tokio::test]
    async fn collect_stops_at_its_limit() {
        let pieces = || ByteStream::from_chunks(vec![Bytes::from_static(b"ab"), Bytes::from_static(b"cd")]);
        assert_eq!(pieces().collect(4).await.unwrap(), Bytes::from_static(b"abcd"));
        assert!(matches!(pieces().collect(3).await, Err(StreamError::TooLarge { limit: 3 })));
        assert!(matches!(
            ByteStream::from_bytes(Bytes::from_static(b"ab")).collect(1).await,
            Err(StreamError::TooLarge { limit: 1 })
        ));
        assert_eq!(ByteStream::from_bytes(Bytes::new()).collect(0).await.unwrap(), Bytes::new());
    }

    #[tokio::test]
    async fn errors_become_io_errors_of_their_kind() {
        use tokio::io::AsyncReadExt as _;
        let too_large = std::io::Error::from(StreamError::TooLarge { limit: 1 });
        assert_eq!(too_large.kind(), std::io::ErrorKind::InvalidData);
        // A connection refused: a transport failure that is not a timeout.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let refused = reqwest::get(format!("http://127.0.0.1:{port}/")).await.unwrap_err();
        assert_eq!(std::io::Error::from(StreamError::Transport(refused)).kind(), std::io::ErrorKind::UnexpectedEof);
        // A server that accepts and never answers: a timeout.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_millis(50)).build().unwrap();
        let timeout = client.get(url).send().await.unwrap_err();
        assert!(timeout.is_timeout());
        let err = std::io::Error::from(StreamError::Transport(timeout));
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
        assert!(err.get_ref().is_some_and(|inner| inner.is::<StreamError>()), "the StreamError is kept inside");
        drop(listener);
        // Read through `into_async_read`, the pieces come back whole and in order.
        let mut read =
            ByteStream::from_chunks(vec![Bytes::from_static(b"he"), Bytes::from_static(b"llo")]).into_async_read();
        let mut text = String::new();
        read.read_to_string(&mut text).await.unwrap();
        assert_eq!(text, "hello");
    }
}
