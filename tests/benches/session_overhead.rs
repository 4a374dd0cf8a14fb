//! What a session costs per call: a generated client's authenticated call (token check, header placement,
//! response decoding) against the same request made with bare `reqwest`, both on loopback.
//!
//! `cargo bench -p clientgen-tests --bench session_overhead`

use std::time::Duration;

use clientgen_tests::{Mock, MockServer, json, jwt, method, path};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    let access = jwt("bench", 3600);
    let body = json!({"data": {"auth_method": "api_token", "app_id": null, "person_id": 1, "person": {"name": "A"}}, "meta": {}, "linked": {}});
    let (server, session, bare, url) = runtime.block_on(async {
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
        (server, session, http, url)
    });
    let mut group = c.benchmark_group("get_me");
    group.bench_function("bare reqwest + serde_json", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = bare.get(&url).header("authorization", format!("token {access}")).send().await.unwrap();
            let value: serde_json::Value = response.json().await.unwrap();
            value
        });
    });
    group.bench_function("generated client with session", |b| {
        b.to_async(&runtime).iter(|| async { session.get_me().await.unwrap().into_inner() });
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, bench);
criterion_main!(benches);
