//! Test doubles for code that calls a generated crate (feature `mock`), on loopback, built on `wiremock`.
//!
//! - [`MockApi`]: the server behind each generated crate's `mock::Server`, whose one method per operation
//!   starts an [`Expect`]: the request the operation's own `Client` method would build from the typed inputs
//!   given (path parameters, query, headers, body), and what to answer it (a typed success body, a typed
//!   documented error, any status with a raw body, a delay, a dropped connection, or a sequence of these).
//!   The real client, its session, retries and middleware run unchanged against it. [`MockApi::verify`]
//!   (also run when the server is dropped) checks how often each expectation was met and that no request
//!   came that none matched; its report shows the requests that came with every credential `[REDACTED]`.
//! - [`FakeTokens`]: a fake of the token server a spec describes, which issues tokens of a lifetime the test
//!   sets, rotates refresh tokens and refuses expired ones; a `MockApi` can stand behind one.
//!
//! Why `wiremock`: it is maintained, already what the fake token server and this runtime's tests use, runs
//! on the tokio runtime a client already has, takes any matching code and any responder (a delay, and a
//! responder error, which closes the connection without an answer), and needs no server of our own. The
//! matching is this module's (the whole request the operation builds, compared part by part), so no
//! per-operation matcher code is generated.

mod expect;
mod report;
mod server;
mod tokens;

pub use expect::{ErrorReply, Expect, MockCall, Mounted, Replies, Reply};
pub use server::{MockApi, Secrets};
pub use tokens::{Answer, Answers, FakeOptions, FakeTokens};
