//! Helpers shared by the end-to-end tests: loopback servers and clients with short timeouts.

use std::time::Duration;

pub use wiremock::matchers::{body_json, header, method, path};
pub use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A `reqwest` client for tests: short timeouts so a hanging server fails fast.
pub fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(2))
        .build()
        .expect("a plain reqwest client builds")
}

/// A JSON response with `status`.
pub fn json(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}
