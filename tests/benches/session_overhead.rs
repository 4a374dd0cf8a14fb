//! What a session costs per call: a generated client's authenticated call (token check, header placement,
//! retry wrapper, span, response decoding) against the same request made with bare `reqwest` and
//! `serde_json`, both on loopback.
//!
//! Fair by construction: the two run in rounds, in alternating order (bare first in even rounds, the client
//! first in odd ones), each round timing the same number of calls of each after a warm-up; the report is
//! each side's median per-call time over the rounds, its spread (fastest and slowest round), and the
//! ratio of the medians. A benchmark, not a test: it times, and asserts nothing.
//!
//! `cargo bench -p clientgen-tests --bench session_overhead` (`ROUNDS=16 CALLS=4000` to change the sizes)

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
    let (rounds, calls) = if quick { (2, 10) } else { (number("ROUNDS", 8), number("CALLS", 2000)) };
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
        let bare = || async {
            let response = http.get(&url).header("authorization", format!("token {access}")).send().await.unwrap();
            let value: serde_json::Value = response.json().await.unwrap();
            std::hint::black_box(value);
        };
        let generated = || async {
            std::hint::black_box(session.get_me().await.unwrap().into_inner());
        };
        // Warm both up (connections, allocator, caches).
        for _ in 0..calls / 10 + 1 {
            bare().await;
            generated().await;
        }
        let (mut bare_times, mut generated_times) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            for side in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
                let started = Instant::now();
                for _ in 0..calls {
                    if side == 0 { bare().await } else { generated().await }
                }
                let per_call = started.elapsed() / u32::try_from(calls).unwrap_or(u32::MAX);
                if side == 0 { bare_times.push(per_call) } else { generated_times.push(per_call) }
            }
        }
        let (bare_median, bare_min, bare_max) = summary(&mut bare_times);
        let (generated_median, generated_min, generated_max) = summary(&mut generated_times);
        println!(
            "get_me, {rounds} rounds of {calls} calls each, alternating order (per call: median [fastest, slowest])"
        );
        println!("bare reqwest + serde_json      {bare_median:>10.1?} [{bare_min:.1?}, {bare_max:.1?}]");
        println!("generated client with session  {generated_median:>10.1?} [{generated_min:.1?}, {generated_max:.1?}]");
        println!(
            "ratio of the medians           {:>10.3}×",
            generated_median.as_secs_f64() / bare_median.as_secs_f64().max(f64::MIN_POSITIVE)
        );
        drop(server);
    });
}
