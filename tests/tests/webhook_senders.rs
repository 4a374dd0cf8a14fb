//! Webhooks signed by the vendors' own libraries, received on loopback (#30): `tests/webhooks/send.py` signs
//! with `standardwebhooks`, `stripe` and `twilio` from PyPI, `tests/conformance/send_github.mjs` with
//! `@octokit/webhooks-methods` from npm (both installed by the tests, see `xtask/src/tools.rs`), and posts a
//! genuine webhook, one whose body changed after signing and, where the scheme signs a timestamp, one signed
//! ten minutes ago. The receiver answers 204 when the runtime's verifier accepts (and, for Standard Webhooks
//! and GitHub, the generated `webhooks::receive` reads the typed event), 401 when it refuses; the assertions
//! are on the statuses the senders saw.

use std::process::Command;

use clientgen_runtime::Secret;
use clientgen_runtime::webhooks::{Scheme, Verifier};
use clientgen_tests::{Mock, MockServer, Request, ResponseTemplate, path};

mod webhook_clients;

use webhook_clients::{github_like, svix_like};

fn status(accepted: bool) -> ResponseTemplate {
    ResponseTemplate::new(if accepted { 204 } else { 401 })
}

/// A receiver of each scheme at `/<scheme>`.
async fn receiver() -> MockServer {
    let server = MockServer::start().await;
    let standard = svix_like::webhooks::verifier(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    Mock::given(path("/standard"))
        .respond_with(move |request: &Request| {
            let event = svix_like::webhooks::receive(&standard, &request.headers, &request.body);
            status(matches!(event, Ok(svix_like::webhooks::Event::EndpointCreated(created)) if created.data.endpoint_id == "ep_1"))
        })
        .mount(&server)
        .await;
    let stripe = Verifier::new(Scheme::Stripe, Secret::new("whsec_test_secret"));
    Mock::given(path("/stripe"))
        .respond_with(move |request: &Request| status(stripe.verify(&request.headers, &request.body).is_ok()))
        .mount(&server)
        .await;
    let github = github_like::webhooks::verifier(Secret::new("It's a Secret to Everybody"));
    Mock::given(path("/github"))
        .respond_with(move |request: &Request| {
            let event = github_like::webhooks::receive(&github, &request.headers, &request.body);
            status(matches!(event, Ok(github_like::webhooks::Event::Push(push)) if push.r#ref == "refs/heads/main"))
        })
        .mount(&server)
        .await;
    let twilio = Verifier::new(Scheme::Twilio, Secret::new("12345"));
    Mock::given(path("/twilio"))
        .respond_with(move |request: &Request| {
            // The URL as the sender requested it: this server's scheme, the `Host` header, the path and query
            // (wiremock's own `url` names `localhost`), as a receiver rebuilds it.
            let host = request.headers.get("host").and_then(|host| host.to_str().ok()).unwrap_or_default();
            let query = request.url.query().map(|query| format!("?{query}")).unwrap_or_default();
            let url = format!("http://{host}{}{query}", request.url.path());
            status(twilio.verify_url(&url, &request.headers, &request.body).is_ok())
        })
        .mount(&server)
        .await;
    server
}

/// Runs a sender against `base` and returns its `<scheme> <case> <status>` lines.
fn send(program: &std::path::Path, script: &std::path::Path, base: &str) -> Vec<String> {
    let output = Command::new(program).arg(script).arg(base).output().unwrap_or_else(|err| panic!("{err}"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().lines().map(str::to_owned).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_vendors_own_signers_are_accepted_and_their_tampered_and_stale_messages_refused() {
    let root = xtask::repo_root();
    let python = xtask::tools::python(&root).unwrap_or_else(|err| panic!("{err}"));
    // Installs the Node packages (Prism's and GitHub's signer) when they are not.
    xtask::tools::prism(&root).unwrap_or_else(|err| panic!("{err}"));
    let server = receiver().await;
    let base = server.uri();
    let lines = tokio::task::spawn_blocking(move || {
        let mut lines = send(&python, &root.join("tests/webhooks/send.py"), &base);
        lines.extend(send(std::path::Path::new("node"), &root.join("tests/conformance/send_github.mjs"), &base));
        lines
    })
    .await
    .unwrap();
    assert_eq!(
        lines,
        [
            "standard genuine 204",
            "standard tampered 401",
            "standard stale 401",
            "stripe genuine 204",
            "stripe tampered 401",
            "stripe stale 401",
            "twilio genuine 204",
            "twilio tampered 401",
            "github genuine 204",
            "github tampered 401",
        ]
    );
}
