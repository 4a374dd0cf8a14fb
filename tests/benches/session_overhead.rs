//! What a session costs per call: a generated client's authenticated call (token check, header placement,
//! retry wrapper, span, response decoding) against the same request made with bare `reqwest` and
//! `serde_json`, both on loopback; and, to say where the difference goes, two steps between them:
//! - `bare`: reqwest, the `Authorization` header set by hand, the body read into `serde_json::Value`;
//! - `bare typed`: the same, the body read into the generated response type (`from_slice`): decoding;
//! - `client.send`: the request built by hand and sent through the session's client (`Client::send`:
//!   session check, credential placement, retry wrapper, span, middleware transport), read into `Value`;
//! - `get_me`: the generated call (the above, plus the typed request building, the bounded body read and
//!   the typed decoding).
//!
//! Fair by construction: the sides run in rounds, in rotating order (each round starts with the next
//! side), each round timing the same number of calls of each after a warm-up; the report is each side's
//! median per-call time over the rounds, its spread (fastest and slowest round), and the ratio of its
//! median to bare's. A benchmark, not a test: it times, and asserts nothing.
//!
//! `cargo bench -p clientgen-tests --bench session_overhead` (`ROUNDS=16 CALLS=4000` to change the sizes;
//! `ONLY=<side>`, with `bare`, `typed`, `send` or `client`, times one side alone, for a profiler to record
//! it: `ONLY=client perf record target/release/deps/session_overhead-… --bench`).

use std::time::{Duration, Instant};

use clientgen_tests::{Mock, MockServer, json, jwt, method, path};
use serde_json::json;

fn number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or(default)
}

/// Median, fastest and slowest of `samples` (per-call times).
fn summary(samples: &mut [Duration]) -> (Duration, Duration, Duration) {
    samples.sort();
    let n = samples.len();
    let median = if n % 2 == 1 { samples[n / 2] } else { (samples[n / 2 - 1] + samples[n / 2]) / 2 };
    (median, samples[0], samples[n - 1])
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs the binary too: a single short round then.
    let quick = !std::env::args().any(|arg| arg == "--bench");
    let (rounds, calls) = if quick { (2, 10) } else { (number("ROUNDS", 24), number("CALLS", 2000)) };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    let access = jwt("bench", 3600);
    let body = json!({"data": {"auth_method": "api_token", "app_id": null, "person_id": 1, "person": {"name": "A"}}, "meta": {}, "linked": {}});
    runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/v2/api_tokens"))
            .respond_with(json(201, json!({"data": {"person_id": 1, "token": access}, "meta": {}, "linked": {}})))
            .mount(&server)
            .await;
        Mock::given(method("GET")).and(path("/api/v2/me")).respond_with(json(200, body)).mount(&server).await;
        let http = clientgen_tests::http_client(Duration::from_secs(5));
        let client =
            deskpro_client::Client::with_http_client(&format!("{}/api/v2", server.uri()), http.clone()).unwrap();
        let login = deskpro_client::types::ApiTokenRequest::new("a@example.com", deskpro_client::Secret::new("pw"));
        let session = client.login(&login, deskpro_client::SessionOptions::default()).await.unwrap();
        let url = format!("{}/api/v2/me", server.uri());
        let authorization = format!("token {access}");
        let bare = || async {
            let response = http.get(&url).header("authorization", &authorization).send().await.unwrap();
            let value: serde_json::Value = response.json().await.unwrap();
            std::hint::black_box(value);
        };
        let typed = || async {
            let response = http.get(&url).header("authorization", &authorization).send().await.unwrap();
            let bytes = response.bytes().await.unwrap();
            std::hint::black_box(serde_json::from_slice::<deskpro_client::types::MeResponse>(&bytes).unwrap());
        };
        let send = || async {
            let request = session.request(reqwest::Method::GET, "/me").build().unwrap();
            let value: serde_json::Value = session.send(request).await.unwrap().json().await.unwrap();
            std::hint::black_box(value);
        };
        let generated = || async {
            std::hint::black_box(session.get_me().await.unwrap().into_inner());
        };
        const SIDES: [&str; 4] = ["bare", "typed", "send", "client"];
        let call = |side: usize| async move {
            match side {
                0 => bare().await,
                1 => typed().await,
                2 => send().await,
                _ => generated().await,
            }
        };
        let only = std::env::var("ONLY").ok().and_then(|name| SIDES.iter().position(|side| *side == name));
        // Warm every side up (connections, allocator, caches).
        for _ in 0..calls / 10 + 1 {
            for side in 0..SIDES.len() {
                call(side).await;
            }
        }
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); SIDES.len()];
        for round in 0..rounds {
            for k in 0..SIDES.len() {
                let side = (round + k) % SIDES.len();
                if only.is_some_and(|only| only != side) {
                    continue;
                }
                let started = Instant::now();
                for _ in 0..calls {
                    call(side).await;
                }
                times[side].push(started.elapsed() / u32::try_from(calls).unwrap_or(u32::MAX));
            }
        }
        if let Some(side) = only {
            let (median, fastest, slowest) = summary(&mut times[side]);
            println!(
                "{} alone, {rounds} rounds of {calls} calls: {median:.1?} per call [{fastest:.1?}, {slowest:.1?}]",
                SIDES[side]
            );
            return;
        }
        println!("get_me, {rounds} rounds of {calls} calls each, rotating order (per call: median [fastest, slowest])");
        let labels = [
            "bare reqwest + serde_json::Value",
            "bare reqwest, typed decoding",
            "Client::send (session, retry, span)",
            "generated call with session",
        ];
        let mut bare = Duration::ZERO;
        for (side, label) in labels.iter().enumerate() {
            let (median, fastest, slowest) = summary(&mut times[side]);
            if side == 0 {
                bare = median;
            }
            let ratio = median.as_secs_f64() / bare.as_secs_f64().max(f64::MIN_POSITIVE);
            println!("{label:<38} {median:>9.1?} [{fastest:.1?}, {slowest:.1?}]  {ratio:.3}× bare");
        }
        drop(server);
    });
}
