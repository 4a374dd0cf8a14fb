//! The shared part of every request conformance driver (`cargo xtask conformance`), written into each
//! driver crate as `src/wire.rs` beside the generated client and the per-document `main.rs` that holds one
//! function per operation.
//!
//! `driver CALLS.json` reads the calls (operation, inputs as JSON), then lines `INDEX ADDRESS` on standard
//! input: each makes call INDEX through a fresh logging proxy in front of the validator at ADDRESS and prints
//! one JSON line: the client's outcome and the bytes the proxy saw (the whole request, the head of the
//! response). The harness decides the pace, so that it can restart a validator that a request crashed and
//! go on with the next call.
//!
//! The wire test's driver (`tests/conformance/driver.rs`) uses its logging proxy too.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

/// An operation's call: base URL and inputs in, the client's outcome (or why no call was made) out.
pub type Op = fn(String, Value) -> Pin<Box<dyn Future<Output = Result<String, String>>>>;

/// How long one call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// `ok STATUS`, or the error as the client reports it.
pub fn outcome<T, E>(result: Result<clientgen_runtime::ResponseValue<T>, clientgen_runtime::Error<E>>) -> String
where
    clientgen_runtime::Error<E>: std::fmt::Display,
{
    match result {
        Ok(value) => format!("ok {}", value.status().as_u16()),
        Err(err) => format!("error: {err}"),
    }
}

/// The input `name` read as `T`: the first of its candidate values (the spec's example, then a generated
/// value) that `T` reads.
pub fn arg<T: DeserializeOwned>(input: &Value, name: &str) -> Result<T, String> {
    opt(input, name)?.ok_or_else(|| format!("no value for {name}"))
}

/// Like [`arg`], `None` when the call does not set the input.
pub fn opt<T: DeserializeOwned>(input: &Value, name: &str) -> Result<Option<T>, String> {
    let Some(candidates) = input.get(name).and_then(Value::as_array) else { return Ok(None) };
    let mut errors = Vec::new();
    for candidate in candidates {
        match serde_json::from_value(candidate.clone()) {
            Ok(value) => return Ok(Some(value)),
            Err(err) => errors.push(err.to_string()),
        }
    }
    Err(format!("no candidate value of {name} fits its type: {}", errors.join("; ")))
}

/// The input `name` as text (a string as it is, anything else as its JSON).
pub fn text(input: &Value, name: &str) -> Result<Option<String>, String> {
    Ok(opt::<Value>(input, name)?.map(|value| match value {
        Value::String(text) => text,
        other => other.to_string(),
    }))
}

/// The input `name` as bytes: its text.
pub fn bytes(input: &Value, name: &str) -> Result<Option<Vec<u8>>, String> {
    Ok(text(input, name)?.map(String::into_bytes))
}

/// Each value of a repeated input (an array of candidates, each an array of values).
pub fn many<T: DeserializeOwned>(input: &Value, name: &str) -> Result<Vec<T>, String> {
    Ok(opt::<Vec<T>>(input, name)?.unwrap_or_default())
}

/// The bytes of each value of a repeated input: a string's text, anything else's JSON.
pub fn many_bytes(input: &Value, name: &str) -> Result<Vec<Vec<u8>>, String> {
    Ok(many::<Value>(input, name)?
        .into_iter()
        .map(|value| value.as_str().map_or_else(|| value.to_string(), str::to_owned).into_bytes())
        .collect())
}

/// The bytes that went each way through the proxy.
#[derive(Default)]
pub struct Wire {
    /// Everything the client sent.
    pub request: Vec<u8>,
    /// Everything the server answered.
    pub response: Vec<u8>,
}

/// Copies `from` to `to` until end of stream, recording every chunk with `record` before forwarding it.
async fn pump(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    wire: Arc<Mutex<Wire>>,
    record: fn(&mut Wire) -> &mut Vec<u8>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        record(&mut wire.lock().expect("the wire record is not poisoned")).extend_from_slice(&buf[..n]);
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// A proxy on a free loopback port forwarding every connection to `upstream`: its address, its record, and
/// its task (abort it to stop the proxy).
pub async fn proxy(upstream: String) -> (String, Arc<Mutex<Wire>>, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port is free");
    let address = listener.local_addr().expect("a bound listener has an address").to_string();
    let wire = Arc::new(Mutex::new(Wire::default()));
    let record = Arc::clone(&wire);
    let task = tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = TcpStream::connect(&upstream).await else { continue };
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            tokio::spawn(pump(client_read, server_write, Arc::clone(&record), |w| &mut w.request));
            tokio::spawn(pump(server_read, client_write, Arc::clone(&record), |w| &mut w.response));
        }
    });
    (address, wire, task)
}

/// Reads the calls file, then runs calls as standard input asks (see the module docs).
pub async fn main(ops: &[(&str, Op)]) {
    let path = std::env::args().nth(1).expect("usage: driver CALLS.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read {path}: {err}"));
    let calls: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{path}: {err}"));
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut stdout = tokio::io::stdout();
    while let Ok(Some(line)) = lines.next_line().await {
        let Some((index, upstream)) = line.split_once(' ') else { continue };
        let call = index.parse::<usize>().ok().and_then(|i| calls.get(i)).expect("a call index");
        let op_name = call["operation"].as_str().unwrap_or_default();
        let op = ops.iter().find(|(name, _)| *name == op_name).map(|(_, op)| *op);
        let (address, wire, task) = proxy(upstream.to_owned()).await;
        let outcome = match op {
            None => Err(format!("no operation {op_name}")),
            Some(op) => match tokio::time::timeout(CALL_TIMEOUT, op(format!("http://{address}"), call["input"].clone()))
                .await
            {
                Ok(result) => result.map_err(|err| format!("not sent: {err}")),
                Err(_) => Ok("timeout".to_owned()),
            },
        };
        task.abort();
        let wire = std::mem::take(&mut *wire.lock().expect("the wire record is not poisoned"));
        // The head, and the start of the body: where the validator says why it answered an error.
        let head_end = wire.response.windows(4).position(|w| w == b"\r\n\r\n").map_or(wire.response.len(), |i| i + 4);
        let end = wire.response.len().min(head_end + 8192);
        let line = serde_json::json!({
            "index": index,
            "outcome": outcome.unwrap_or_else(|err| err),
            "request": String::from_utf8_lossy(&wire.request),
            "response": String::from_utf8_lossy(&wire.response[..end]),
        });
        let _ = stdout.write_all(format!("{line}\n").as_bytes()).await;
        let _ = stdout.flush().await;
    }
}
