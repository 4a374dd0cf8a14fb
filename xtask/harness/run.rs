//! Written into every harness crate by `cargo xtask examples` (from `xtask/harness/run.rs`; it is not part of
//! the xtask build). `main` reads the examples file named by its first argument, a JSON list of
//! `[check, body text]`, runs each body through `CHECKS[check]` and prints one JSON line per example:
//! `{"index": i, "outcome": "pass" | "decode" | "encode" | "unstable" | "panic", "message": …}`.

use std::io::Write as _;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What one example did.
pub enum Outcome {
    /// Decoded, re-encoded, and decoded again to the same value.
    Pass,
    /// `serde_json::from_str` refused it.
    Decode(String),
    /// Decoded, but `serde_json::to_value` refused the result.
    Encode(String),
    /// The re-encoded value decodes to something else, or not at all.
    Unstable(String),
    /// The decoding panicked.
    Panic(String),
}

/// Decodes `json` as `T`, re-encodes it and decodes that again: both decodings must encode alike. The
/// second decoding reads the re-encoded value's text rather than the value, so that each type instantiates
/// one deserializer (`serde_json::from_value` too would double the code every harness compiles).
pub fn check<T: DeserializeOwned + Serialize>(json: &str) -> Outcome {
    let first: T = match serde_json::from_str(json) {
        Ok(decoded) => decoded,
        Err(err) => return Outcome::Decode(err.to_string()),
    };
    let encoded = match serde_json::to_value(&first) {
        Ok(encoded) => encoded,
        Err(err) => return Outcome::Encode(err.to_string()),
    };
    let second: T = match serde_json::from_str(&encoded.to_string()) {
        Ok(decoded) => decoded,
        Err(err) => return Outcome::Unstable(format!("the re-encoded body does not decode: {err}")),
    };
    match serde_json::to_value(&second) {
        Ok(again) if again == encoded => Outcome::Pass,
        Ok(again) => Outcome::Unstable(difference(&encoded, &again, String::new())),
        Err(err) => Outcome::Encode(err.to_string()),
    }
}

/// Where the first and the second decoding differ, as `pointer: first then second`.
fn difference(first: &Value, second: &Value, at: String) -> String {
    match (first, second) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                match b.get(key) {
                    Some(other) if other != value => return difference(value, other, format!("{at}/{key}")),
                    None => return format!("{at}/{key}: dropped by the second decoding"),
                    Some(_) => {}
                }
            }
            if let Some(key) = b.keys().find(|key| !a.contains_key(*key)) {
                return format!("{at}/{key}: added by the second decoding");
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            if let Some(i) = (0..a.len()).find(|&i| a[i] != b[i]) {
                return difference(&a[i], &b[i], format!("{at}/{i}"));
            }
        }
        _ => {}
    }
    let at = if at.is_empty() { "/".to_owned() } else { at };
    format!("{at}: {} then {}", short(first), short(second))
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 { format!("{}…", text.chars().take(80).collect::<String>()) } else { text }
}

/// Runs the examples file's examples and prints their outcomes (see the module docs).
pub fn main(checks: &'static [fn(&str) -> Outcome]) {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: harness EXAMPLES.json");
        std::process::exit(2);
    };
    let cases: Vec<(usize, String)> = match std::fs::read_to_string(&path).map(|text| serde_json::from_str(&text)) {
        Ok(Ok(cases)) => cases,
        Ok(Err(err)) => fail(&format!("{path}: {err}")),
        Err(err) => fail(&format!("{path}: {err}")),
    };
    // A panic is an outcome, reported on its line; the default hook would print it to stderr too.
    std::panic::set_hook(Box::new(|_| {}));
    // Deeply nested bodies decode recursively: a large stack keeps an unoptimized build from overflowing.
    let run = std::thread::Builder::new().stack_size(256 << 20).spawn(move || run(checks, &cases));
    match run.map(|handle| handle.join()) {
        Ok(Ok(())) => {}
        Ok(Err(_)) => fail("the run panicked outside a check"),
        Err(err) => fail(&format!("cannot start a thread: {err}")),
    }
}

fn run(checks: &[fn(&str) -> Outcome], cases: &[(usize, String)]) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (index, (check, json)) in cases.iter().enumerate() {
        let Some(check) = checks.get(*check) else { fail(&format!("example {index}: no check {check}")) };
        let outcome = std::panic::catch_unwind(|| check(json)).unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Outcome::Panic(message)
        });
        let (kind, message) = match outcome {
            Outcome::Pass => ("pass", String::new()),
            Outcome::Decode(message) => ("decode", message),
            Outcome::Encode(message) => ("encode", message),
            Outcome::Unstable(message) => ("unstable", message),
            Outcome::Panic(message) => ("panic", message),
        };
        let line = serde_json::json!({"index": index, "outcome": kind, "message": message});
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            std::process::exit(1);
        }
    }
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(2);
}
