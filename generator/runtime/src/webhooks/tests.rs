//! Each scheme against its published test vectors (the Standard Webhooks libraries' `TestWebhookSign`,
//! GitHub's docs, twilio-python's `test_validation.py`; Stripe publishes none, so its vector was computed with
//! Python's `hmac`, an independent implementation), then tampered bodies, wrong secrets, stale and future
//! timestamps, missing and malformed headers, and replays.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::*;

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    pairs
        .iter()
        .map(|(name, value)| (HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap()))
        .collect()
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STANDARD_BODY: &[u8] = br#"{"test": 2432232314}"#;
const STANDARD_TIME: u64 = 1_614_265_330;

fn standard_headers(signature: &str) -> HeaderMap {
    headers(&[
        ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("webhook-timestamp", "1614265330"),
        ("webhook-signature", signature),
    ])
}

const STANDARD_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

#[test]
fn standard_webhooks_published_vector_and_its_tamperings() {
    let verifier = Verifier::new(Scheme::Standard, Secret::new(STANDARD_SECRET));
    let check = |headers: &HeaderMap, body: &[u8], now: u64| verifier.verify_at(None, headers, body, at(now));
    assert_eq!(check(&standard_headers(STANDARD_SIGNATURE), STANDARD_BODY, STANDARD_TIME), Ok(()));
    // The secret without its prefix is the same key; several signatures, one of them valid, pass.
    let bare = Verifier::new(Scheme::Standard, Secret::new("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    let several = format!("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,xyz {STANDARD_SIGNATURE}");
    assert_eq!(bare.verify_at(None, &standard_headers(&several), STANDARD_BODY, at(STANDARD_TIME)), Ok(()));
    // Svix's header names.
    let svix = headers(&[
        ("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("svix-timestamp", "1614265330"),
        ("svix-signature", STANDARD_SIGNATURE),
    ]);
    assert_eq!(check(&svix, STANDARD_BODY, STANDARD_TIME), Ok(()));
    // A body changed by one byte, re-serialised JSON, a signature of another key, or half a signature fail.
    assert_eq!(
        check(&standard_headers(STANDARD_SIGNATURE), br#"{"test": 2432232315}"#, STANDARD_TIME),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        check(&standard_headers(STANDARD_SIGNATURE), br#"{"test":2432232314}"#, STANDARD_TIME),
        Err(VerifyError::Mismatch)
    );
    let other = Verifier::new(Scheme::Standard, Secret::new("whsec_bm90IHRoZSBzZWNyZXQ="));
    assert_eq!(
        other.verify_at(None, &standard_headers(STANDARD_SIGNATURE), STANDARD_BODY, at(STANDARD_TIME)),
        Err(VerifyError::Mismatch)
    );
    for broken in ["v1,", "v1,g0hM9SsE+OTPJTGt", "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v1,!!!"] {
        assert_eq!(
            check(&standard_headers(broken), STANDARD_BODY, STANDARD_TIME),
            Err(VerifyError::Mismatch),
            "{broken}"
        );
    }
    // The timestamp is signed: another one fails even when it is within the tolerance.
    let mut moved = standard_headers(STANDARD_SIGNATURE);
    moved.insert("webhook-timestamp", HeaderValue::from_static("1614265331"));
    assert_eq!(check(&moved, STANDARD_BODY, STANDARD_TIME), Err(VerifyError::Mismatch));
    // Stale and future beyond five minutes, at the edge within.
    let signed = standard_headers(STANDARD_SIGNATURE);
    assert_eq!(check(&signed, STANDARD_BODY, STANDARD_TIME + 300), Ok(()));
    assert_eq!(check(&signed, STANDARD_BODY, STANDARD_TIME + 301), Err(VerifyError::Stale { age_secs: 301 }));
    assert_eq!(check(&signed, STANDARD_BODY, STANDARD_TIME - 301), Err(VerifyError::Future { ahead_secs: 301 }));
    let lenient = Verifier::new(Scheme::Standard, Secret::new(STANDARD_SECRET)).tolerance(Duration::from_secs(3600));
    assert_eq!(lenient.verify_at(None, &signed, STANDARD_BODY, at(STANDARD_TIME + 3000)), Ok(()));
    // Missing and malformed headers, a secret that is no base64.
    for missing in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let mut partial = standard_headers(STANDARD_SIGNATURE);
        partial.remove(missing);
        assert!(
            matches!(check(&partial, STANDARD_BODY, STANDARD_TIME), Err(VerifyError::MissingHeader(_))),
            "{missing}"
        );
    }
    let mut malformed = standard_headers(STANDARD_SIGNATURE);
    malformed.insert("webhook-timestamp", HeaderValue::from_static("yesterday"));
    assert_eq!(check(&malformed, STANDARD_BODY, STANDARD_TIME), Err(VerifyError::Malformed("webhook-timestamp")));
    let bad = Verifier::new(Scheme::Standard, Secret::new("whsec_not base64!"));
    assert_eq!(bad.verify_at(None, &signed, STANDARD_BODY, at(STANDARD_TIME)), Err(VerifyError::BadSecret));
}

#[test]
fn a_replay_within_the_tolerance_is_refused_and_forgotten_after_it() {
    let verifier = Verifier::new(Scheme::Standard, Secret::new(STANDARD_SECRET)).reject_replays();
    let signed = standard_headers(STANDARD_SIGNATURE);
    let check = |now: u64| verifier.verify_at(None, &signed, STANDARD_BODY, at(now));
    assert_eq!(check(STANDARD_TIME), Ok(()));
    assert_eq!(check(STANDARD_TIME + 10), Err(VerifyError::Replayed));
    // Past the tolerance the message is stale, whatever is remembered.
    assert_eq!(check(STANDARD_TIME + 400), Err(VerifyError::Stale { age_secs: 400 }));
    // A failed verification is not remembered: the genuine message is still accepted once.
    let fresh = Verifier::new(Scheme::Standard, Secret::new(STANDARD_SECRET)).reject_replays();
    assert_eq!(fresh.verify_at(None, &signed, b"forged", at(STANDARD_TIME)), Err(VerifyError::Mismatch));
    assert_eq!(fresh.verify_at(None, &signed, STANDARD_BODY, at(STANDARD_TIME)), Ok(()));
}

const STRIPE_BODY: &[u8] = b"{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}";
const STRIPE_SIGNATURE: &str = "c2f890decbc5ede7c5060bb9a6d31e0626a4342bacb9aeae2adb1bcea72f9812";

#[test]
fn stripe_signatures_with_their_timestamp_and_tolerance() {
    let verifier = Verifier::new(Scheme::Stripe, Secret::new("whsec_test_secret"));
    let signed = |value: &str| headers(&[("stripe-signature", value)]);
    let check = |value: &str, body: &[u8], now: u64| verifier.verify_at(None, &signed(value), body, at(now));
    let good = format!(
        "t=1492774577,v1={STRIPE_SIGNATURE},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"
    );
    assert_eq!(check(&good, STRIPE_BODY, 1_492_774_577), Ok(()));
    // Several v1 signatures (a secret being rolled), one valid.
    let rolled = format!("t=1492774577,v1=00{},v1={STRIPE_SIGNATURE}", &STRIPE_SIGNATURE[2..]);
    assert_eq!(check(&rolled, STRIPE_BODY, 1_492_774_577), Ok(()));
    assert_eq!(
        check(&good, b"{\"id\": \"evt_test_webhook\", \"object\": \"event\"}", 1_492_774_577),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        check(&good.replace("t=1492774577", "t=1492774578"), STRIPE_BODY, 1_492_774_577),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(check(&good, STRIPE_BODY, 1_492_774_577 + 301), Err(VerifyError::Stale { age_secs: 301 }));
    // Only v0 (a test-mode scheme Stripe retired), no timestamp, an unreadable one.
    let v0_only = "t=1492774577,v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39";
    assert_eq!(check(v0_only, STRIPE_BODY, 1_492_774_577), Err(VerifyError::Mismatch));
    assert_eq!(
        check(&format!("v1={STRIPE_SIGNATURE}"), STRIPE_BODY, 1),
        Err(VerifyError::Malformed("stripe-signature"))
    );
    assert_eq!(check("t=soon,v1=00", STRIPE_BODY, 1), Err(VerifyError::Malformed("stripe-signature")));
    let wrong = Verifier::new(Scheme::Stripe, Secret::new("whsec_other"));
    assert_eq!(wrong.verify_at(None, &signed(&good), STRIPE_BODY, at(1_492_774_577)), Err(VerifyError::Mismatch));
}

#[test]
fn github_signatures_of_the_body() {
    let verifier = Verifier::new(Scheme::GitHub, Secret::new("It's a Secret to Everybody")).reject_replays();
    let signed = |signature: &str, delivery: &str| {
        headers(&[("x-hub-signature-256", signature), ("x-github-delivery", delivery)])
    };
    let good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    assert_eq!(verifier.verify(&signed(good, "d-1"), b"Hello, World!"), Ok(()));
    assert_eq!(verifier.verify(&signed(good, "d-1"), b"Hello, World!"), Err(VerifyError::Replayed));
    assert_eq!(verifier.verify(&signed(good, "d-2"), b"Hello, World?"), Err(VerifyError::Mismatch));
    assert_eq!(
        verifier.verify(&signed(&good.replace("sha256=", "sha1="), "d-3"), b"Hello, World!"),
        Err(VerifyError::Malformed("x-hub-signature-256"))
    );
    assert_eq!(
        verifier.verify(&headers(&[]), b"Hello, World!"),
        Err(VerifyError::MissingHeader("x-hub-signature-256"))
    );
}

#[test]
fn twilio_signatures_of_the_url_and_the_sorted_parameters() {
    let verifier = Verifier::new(Scheme::Twilio, Secret::new("12345"));
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let form = b"CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212";
    let signed = |signature: &str| headers(&[("x-twilio-signature", signature)]);
    assert_eq!(verifier.verify_url(url, &signed("0/KCTR6DLpKmkAf8muzZqo1nDgQ="), form), Ok(()));
    // The parameters in another order are the same parameters; another value is not.
    let reordered =
        b"To=%2B18005551212&Digits=1234&CallSid=CA1234567890ABCDE&From=%2B12349013030&Caller=%2B12349013030";
    assert_eq!(verifier.verify_url(url, &signed("0/KCTR6DLpKmkAf8muzZqo1nDgQ="), reordered), Ok(()));
    let tampered = String::from_utf8_lossy(form).replace("Digits=1234", "Digits=1235");
    assert_eq!(
        verifier.verify_url(url, &signed("0/KCTR6DLpKmkAf8muzZqo1nDgQ="), tampered.as_bytes()),
        Err(VerifyError::Mismatch)
    );
    // The URL with its default port written out is the URL Twilio may have signed.
    assert_eq!(
        verifier.verify_url(
            "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            &signed("0/KCTR6DLpKmkAf8muzZqo1nDgQ="),
            form
        ),
        Ok(())
    );
    // A JSON body: the URL carries its SHA-256 and is signed alone.
    let body = br#"{"property": "value", "boolean": true}"#;
    let json_url = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    assert_eq!(verifier.verify_url(json_url, &signed("a9nBmqA0ju/hNViExpshrM61xv4="), body), Ok(()));
    assert_eq!(
        verifier.verify_url(
            json_url,
            &signed("a9nBmqA0ju/hNViExpshrM61xv4="),
            br#"{"property": "value", "boolean": false}"#
        ),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(verifier.verify(&signed("a9nBmqA0ju/hNViExpshrM61xv4="), body), Err(VerifyError::UrlNeeded));
}

#[test]
fn signing_gives_the_published_signatures_and_verifies() {
    let standard = Verifier::new(Scheme::Standard, Secret::new(STANDARD_SECRET));
    let signed = standard.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", STANDARD_TIME, STANDARD_BODY).unwrap();
    assert_eq!(signed, standard_headers(STANDARD_SIGNATURE));
    let stripe = Verifier::new(Scheme::Stripe, Secret::new("whsec_test_secret"));
    let signed = stripe.sign("unused", 1_492_774_577, STRIPE_BODY).unwrap();
    assert_eq!(signed["stripe-signature"], format!("t=1492774577,v1={STRIPE_SIGNATURE}").as_str());
    let github = Verifier::new(Scheme::GitHub, Secret::new("It's a Secret to Everybody"));
    let signed = github.sign("d-1", 0, b"Hello, World!").unwrap();
    assert_eq!(
        signed["x-hub-signature-256"],
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    );
    let twilio = Verifier::new(Scheme::Twilio, Secret::new("12345"));
    let form = b"CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212";
    let signed = twilio.sign_url("https://mycompany.com/myapp.php?foo=1&bar=2", form).unwrap();
    assert_eq!(signed["x-twilio-signature"], "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    assert_eq!(twilio.sign("x", 0, form), Err(VerifyError::UrlNeeded));
}

#[test]
fn the_event_name_comes_from_a_header_or_a_body_property() {
    let body = br#"{"data": {"type": "nested", "list": [1, {"type": "deeper"}]}, "type": "endpoint.created", "type": "again"}"#;
    assert_eq!(event_in_body(body, "type").unwrap(), "endpoint.created");
    assert!(matches!(event_in_body(br#"{"kind": "x"}"#, "type"), Err(WebhookError::NoEvent("type"))));
    assert!(matches!(event_in_body(br#"{"type": 3}"#, "type"), Err(WebhookError::NoEvent("type"))));
    assert!(matches!(event_in_body(b"[1, 2]", "type"), Err(WebhookError::NoEvent("type"))));
    let headers = headers(&[("x-github-event", "push")]);
    assert_eq!(event_in_header(&headers, "x-github-event").unwrap(), "push");
    assert!(matches!(event_in_header(&headers, "x-other"), Err(WebhookError::NoEvent("x-other"))));
}

#[test]
fn the_secret_never_shows() {
    let verifier = Verifier::new(Scheme::Stripe, Secret::new("whsec_very_secret_value"));
    assert!(!format!("{verifier:?}").contains("very_secret"), "{verifier:?}");
}
