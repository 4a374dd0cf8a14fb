//! When a failed attempt is tried again, and how long to wait first.
//!
//! A [`RetryPolicy`] is set per client and may be replaced for one call. It retries what is worth
//! retrying — a connection that failed or closed before any answer, an attempt that timed out, and the
//! statuses 408, 429, 502, 503 and
//! 504 — with exponential backoff and equal jitter, honouring `Retry-After` (seconds or an HTTP date) up to the
//! cap on one wait, within a time budget for the whole call. It never retries a request whose body cannot be
//! replayed (a stream), and never a non-idempotent one (POST, PATCH) unless the call carries an idempotency
//! key or the policy opts in with [`RetryPolicy::non_idempotent`].

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use reqwest::{Method, Request, Response, StatusCode};

use crate::transport::Failure;

/// How a client retries failed attempts. The default makes at most 3 attempts (2 retries), waits 250 ms
/// before the first retry and doubles that each time (with equal jitter), waits at most 8 s at once (a
/// `Retry-After` asking for more ends the retries), and stops once the call has taken 30 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_wait: Duration,
    budget: Duration,
    non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_wait: Duration::from_secs(8),
            budget: Duration::from_secs(30),
            non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call makes one attempt.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// At most `attempts` attempts in all (1 makes no retry; 0 is taken as 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry; it doubles for each further one (each wait is drawn uniformly
    /// between half that bound and the bound).
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest single wait. A `Retry-After` asking for longer ends the retries: the answer is returned.
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// The time the whole call may take, attempts and waits included: no retry starts after it.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Retries POST and PATCH requests too, with or without an idempotency key. Off by default: the server
    /// may have acted on an attempt whose answer was lost.
    pub fn non_idempotent(mut self, enabled: bool) -> Self {
        self.non_idempotent = enabled;
        self
    }

    /// Whether a request with `method` may be retried at all (`keyed`: it carries an idempotency key).
    pub(crate) fn allows(&self, method: &Method, keyed: bool) -> bool {
        self.max_attempts > 1 && (keyed || self.non_idempotent || method != Method::POST && method != Method::PATCH)
    }

    /// The wait before attempt `attempt + 1` (`attempt` counts from 1) after a failure, or `None` to stop:
    /// out of attempts, out of budget, or a `Retry-After` over the cap.
    pub(crate) fn wait(&self, attempt: u32, started: Instant, retry_after: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let wait = match retry_after {
            Some(asked) if asked > self.max_wait => return None,
            Some(asked) => asked,
            None => {
                let exponent = attempt.saturating_sub(1).min(20);
                let bound = self.initial_backoff.saturating_mul(1 << exponent).min(self.max_wait);
                // "Equal jitter": half the bound, plus up to as much again at random. Never zero (a retry
                // straight after a failure is the storm retries must not make), and each wait's least is
                // the previous wait's most, so waits grow while they spread.
                bound / 2 + (bound / 2).mul_f64(jitter())
            }
        };
        (started.elapsed().saturating_add(wait) < self.budget).then_some(wait)
    }
}

/// Whether a status is worth another attempt.
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

/// Why a failed attempt is worth another one (a status, `"connect"`, `"timeout"` or `"closed"`), and the wait its
/// answer asked for; `None` for an outcome to keep.
pub(crate) fn reason<E: SendFailure>(result: &Result<Response, E>) -> Option<(Cow<'static, str>, Option<Duration>)> {
    match result {
        Ok(response) if retryable_status(response.status()) => {
            Some((response.status().as_str().to_owned().into(), crate::response::retry_after(response.headers())))
        }
        Ok(_) => None,
        Err(err) => match err.transport() {
            Some(err) if err.is_timeout() => Some(("timeout".into(), None)),
            Some(err) if err.is_connect() => Some(("connect".into(), None)),
            Some(err) if closed_unanswered(err) => Some(("closed".into(), None)),
            _ => None,
        },
    }
}

/// Whether the server closed the connection before any of an answer came (a keep-alive connection it had
/// dropped, a server that went away mid-request): what reqwest-retry counts as transient too. Nothing was
/// answered, so an idempotent request may be sent again; a body cut short after its status never gets here.
fn closed_unanswered(err: &reqwest::Error) -> bool {
    use std::io::ErrorKind;
    if !err.is_request() {
        return false;
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if cause.downcast_ref::<hyper::Error>().is_some_and(|err| err.is_incomplete_message()) {
            return true;
        }
        let reset = [ErrorKind::ConnectionReset, ErrorKind::ConnectionAborted, ErrorKind::BrokenPipe];
        if cause.downcast_ref::<std::io::Error>().is_some_and(|err| reset.contains(&err.kind())) {
            return true;
        }
        source = cause.source();
    }
    false
}

/// A failure to send: reqwest's own, or one that may hold it.
pub(crate) trait SendFailure {
    /// reqwest's failure, if this is one.
    fn transport(&self) -> Option<&reqwest::Error>;
}

impl SendFailure for reqwest::Error {
    fn transport(&self) -> Option<&reqwest::Error> {
        Some(self)
    }
}

impl SendFailure for Failure {
    fn transport(&self) -> Option<&reqwest::Error> {
        match self {
            Self::Transport(err) => Some(err),
            Self::Middleware(_) | Self::Auth(_) => None,
        }
    }
}

/// Sends `request` with `send` and retries as `policy` says while [`reason`] finds the outcome worth it
/// (`may_retry`: the request's method and key allow retries at all; a body that cannot be cloned, a
/// stream, is never retried). Returns the last outcome and the number of attempts made. The one retry
/// loop of the runtime: operations and the session's token requests both go through it.
pub(crate) async fn run<E: SendFailure, F: Future<Output = Result<Response, E>>>(
    policy: RetryPolicy,
    may_retry: bool,
    mut request: Request,
    mut send: impl FnMut(Request) -> F,
) -> (Result<Response, E>, u32) {
    let started = Instant::now();
    let mut attempt = 1;
    loop {
        let again = if may_retry { request.try_clone() } else { None };
        let result = send(request).await;
        let Some((reason, asked)) = reason(&result) else { return (result, attempt) };
        let (Some(again), Some(wait)) = (again, policy.wait(attempt, started, asked)) else {
            return (result, attempt);
        };
        tracing::info!(attempt, reason = reason.as_ref(), wait_ms = wait.as_millis() as u64, "retrying");
        drop(result);
        tokio::time::sleep(wait).await;
        attempt += 1;
        request = again;
    }
}

/// A number drawn uniformly from [0, 1) (the standard library's randomly keyed hasher is random enough to
/// spread retries; no crate needed).
fn jitter() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(Instant::now().elapsed().as_nanos() as u64);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_exponentially_within_the_cap_and_stop_at_the_attempt_limit() {
        let policy = RetryPolicy::default().max_attempts(5).initial_backoff(Duration::from_millis(100));
        let started = Instant::now();
        // Each wait lies in [bound / 2, bound]: never zero, and never shorter than the wait before could be;
        // and the waits spread over that range (jitter), not all at one point.
        for (attempt, bound) in [(1, 100), (2, 200), (3, 400), (4, 800)] {
            let mut waits = std::collections::BTreeSet::new();
            for _ in 0..200 {
                let wait = policy.wait(attempt, started, None).unwrap();
                let bound = Duration::from_millis(bound);
                assert!(wait >= bound / 2 && wait <= bound, "attempt {attempt}: {wait:?}");
                waits.insert(wait);
            }
            assert!(waits.len() > 100, "attempt {attempt}: {} distinct waits of 200", waits.len());
        }
        assert_eq!(policy.wait(5, started, None), None);
        let capped = policy.max_wait(Duration::from_millis(150));
        let wait = capped.wait(4, started, None).unwrap();
        assert!(wait >= Duration::from_millis(75) && wait <= Duration::from_millis(150), "{wait:?}");
        // A wait asked for beyond any duration's reach ends the retries; it does not overflow.
        assert_eq!(RetryPolicy::default().max_wait(Duration::MAX).wait(1, started, Some(Duration::MAX)), None);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap_and_the_budget() {
        let policy = RetryPolicy::default();
        let started = Instant::now();
        assert_eq!(policy.wait(1, started, Some(Duration::from_secs(2))), Some(Duration::from_secs(2)));
        assert_eq!(
            policy.wait(1, started, Some(Duration::from_secs(8))),
            Some(Duration::from_secs(8)),
            "the cap itself"
        );
        assert_eq!(policy.wait(1, started, Some(Duration::from_secs(9))), None);
        let tight = policy.budget(Duration::from_secs(1));
        assert_eq!(tight.wait(1, started, Some(Duration::from_secs(2))), None);
        // A wait that would end exactly at the budget's end is not started (`started` in the future: no time
        // has passed, whatever the machine's speed).
        let now = Instant::now() + Duration::from_secs(60);
        assert_eq!(policy.budget(Duration::from_secs(2)).wait(1, now, Some(Duration::from_secs(2))), None);
        assert!(policy.budget(Duration::from_secs(3)).wait(1, now, Some(Duration::from_secs(2))).is_some());
        assert_eq!(RetryPolicy::none().wait(1, started, Some(Duration::ZERO)), None);
    }

    #[test]
    fn only_idempotent_methods_retry_unless_keyed_or_opted_in() {
        let policy = RetryPolicy::default();
        for method in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS] {
            assert!(policy.allows(&method, false), "{method}");
        }
        assert!(!policy.allows(&Method::POST, false));
        assert!(!policy.allows(&Method::PATCH, false));
        assert!(policy.allows(&Method::POST, true));
        assert!(policy.non_idempotent(true).allows(&Method::PATCH, false));
        assert!(!RetryPolicy::none().allows(&Method::GET, true));
    }

    #[test]
    fn jitter_stays_in_the_unit_interval() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }

    /// A response of `status`, with a `Retry-After` of `after` when given.
    fn answer(status: u16, after: Option<&str>) -> Response {
        let mut response = http::Response::builder().status(status);
        if let Some(after) = after {
            response = response.header("retry-after", after);
        }
        Response::from(response.body(Vec::<u8>::new()).unwrap())
    }

    /// reqwest's failure to connect: a loopback port nothing listens on (bound, then released).
    async fn connect_failure() -> reqwest::Error {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        reqwest::get(format!("http://127.0.0.1:{port}/")).await.unwrap_err()
    }

    #[tokio::test]
    async fn the_reason_names_a_retryable_status_or_a_connection_failure_and_keeps_the_rest() {
        let reason_of = |result: Result<Response, reqwest::Error>| reason(&result);
        assert_eq!(reason_of(Ok(answer(503, Some("2")))), Some(("503".into(), Some(Duration::from_secs(2)))));
        assert_eq!(reason_of(Ok(answer(429, None))), Some(("429".into(), None)));
        for kept in [200, 201, 400, 401, 404, 500, 501] {
            assert_eq!(reason_of(Ok(answer(kept, Some("1")))), None, "{kept}");
        }
        assert_eq!(reason_of(Err(connect_failure().await)), Some(("connect".into(), None)));
        // A failure of the request itself (here a URL reqwest cannot send) is no reason to try again.
        let unsendable = reqwest::Client::new().get("file:///etc/hosts").send().await.unwrap_err();
        assert_eq!(reason_of(Err(unsendable)), None);
        // A middleware's or the session's failure is the caller's to see, whatever it says.
        let middleware: Result<Response, Failure> =
            Err(Failure::Middleware(crate::transport::MiddlewareError("refused".into())));
        assert_eq!(reason(&middleware), None);
        let transport: Result<Response, Failure> = Err(Failure::Transport(connect_failure().await));
        assert_eq!(reason(&transport), Some(("connect".into(), None)));
    }

    #[tokio::test]
    async fn an_attempt_that_times_out_is_retried_as_a_timeout() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        // Accepts, and never answers.
        let _held = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                open.push(socket);
            }
        });
        let client = reqwest::Client::builder().timeout(Duration::from_millis(50)).build().unwrap();
        let result = client.get(url).send().await;
        assert_eq!(reason(&result), Some(("timeout".into(), None)));
    }

    /// Runs `policy` over answers of `statuses` in turn (the last repeated), counting the attempts sent, on
    /// tokio's paused clock: returns the final status, the attempts `run` counted, those sent, and the
    /// time waited.
    async fn run_over(
        policy: RetryPolicy,
        may_retry: bool,
        request: Request,
        statuses: &[(u16, Option<&str>)],
    ) -> (u16, u32, usize, Duration) {
        let sent = std::sync::atomic::AtomicUsize::new(0);
        let started = tokio::time::Instant::now();
        let (result, attempts) = run(policy, may_retry, request, |_| {
            let n = sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let (status, after) = statuses[n.min(statuses.len() - 1)];
            std::future::ready(Ok::<_, reqwest::Error>(answer(status, after)))
        })
        .await;
        (result.unwrap().status().as_u16(), attempts, sent.into_inner(), started.elapsed())
    }

    /// A body of one chunk, streamed: it cannot be cloned for another attempt.
    struct OneChunk(Option<bytes::Bytes>);

    impl futures_core::Stream for OneChunk {
        type Item = Result<bytes::Bytes, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.take().map(Ok))
        }
    }

    fn get() -> Request {
        Request::new(Method::GET, "http://127.0.0.1:1/".parse().unwrap())
    }

    #[tokio::test(start_paused = true)]
    async fn run_retries_until_an_answer_to_keep_waiting_a_growing_backoff_between_attempts() {
        let policy = RetryPolicy::default().max_attempts(4).initial_backoff(Duration::from_millis(100));
        let (status, attempts, sent, waited) =
            run_over(policy, true, get(), &[(503, None), (502, None), (200, None)]).await;
        assert_eq!((status, attempts, sent), (200, 3, 3));
        // Two waits, in [50, 100] and [100, 200] ms: each drawn, neither zero.
        assert!(waited >= Duration::from_millis(150) && waited <= Duration::from_millis(300), "{waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn run_waits_what_retry_after_asks_and_stops_at_the_attempt_limit() {
        let policy = RetryPolicy::default().max_attempts(3);
        let (status, attempts, sent, waited) = run_over(policy, true, get(), &[(429, Some("2"))]).await;
        assert_eq!((status, attempts, sent), (429, 3, 3));
        assert_eq!(waited, Duration::from_secs(4));
        // Asked for longer than one wait may be: the answer is returned at once.
        let (status, attempts, sent, waited) = run_over(policy, true, get(), &[(503, Some("60")), (200, None)]).await;
        assert_eq!((status, attempts, sent, waited), (503, 1, 1, Duration::ZERO));
    }

    #[tokio::test(start_paused = true)]
    async fn run_makes_one_attempt_when_retries_are_not_allowed_or_the_body_cannot_be_replayed() {
        let policy = RetryPolicy::default();
        let (status, attempts, sent, _) = run_over(policy, false, get(), &[(503, None), (200, None)]).await;
        assert_eq!((status, attempts, sent), (503, 1, 1));
        let mut streamed = Request::new(Method::PUT, "http://127.0.0.1:1/".parse().unwrap());
        *streamed.body_mut() = Some(reqwest::Body::wrap_stream(OneChunk(Some(bytes::Bytes::from_static(b"x")))));
        let (status, attempts, sent, _) = run_over(policy, true, streamed, &[(503, None), (200, None)]).await;
        assert_eq!((status, attempts, sent), (503, 1, 1));
        // An answer to keep ends the loop at once, whatever the policy allows.
        let (status, attempts, sent, waited) = run_over(policy, true, get(), &[(500, None), (200, None)]).await;
        assert_eq!((status, attempts, sent, waited), (500, 1, 1, Duration::ZERO));
    }

    #[test]
    fn retryable_statuses_are_the_documented_ones() {
        let retried: Vec<u16> = (100..600).filter(|s| retryable_status(StatusCode::from_u16(*s).unwrap())).collect();
        assert_eq!(retried, [408, 429, 502, 503, 504]);
    }
}
