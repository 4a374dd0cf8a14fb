//! Written into every harness crate by `cargo xtask bench-decode` (from `xtask/harness/bench_decode.rs`; it
//! is not part of the xtask build). `main` takes the document (JSON), the cases file (a JSON list of
//! `[check, schema pointer, label]`), a seed, the payload size in bytes, how many response types to time
//! and where values come from (`schemas` or `examples`). It builds values of every response type from its
//! schema (`clientgen-values`), or takes the example the document gives beside it (`example`, or the first
//! of `examples`, `$ref`s followed), keeps the types whose values both decoders read, and times the largest
//! ones: a payload per type is a JSON array of its values (a list response) of the size asked (an example
//! repeated), decoded into `Vec<T>`; and the type of each event of an event stream (`events.json`, beside
//! the cases) as a stream of its values (`data: <value>` and a blank line each), every event decoded alone,
//! as a client reads a stream:
//! - `ours`: the generated types, `serde_json::from_slice`;
//! - `ours_str`: the same from the body checked as UTF-8 once and read as text (`from_utf8` + `from_str`:
//!   what a generated client does with a body, `RawResponse::json`);
//! - `derive`: the same types read by serde's derive, `from_slice` (what reqwest's `.json()` does);
//! - `value`: `serde_json::Value`;
//! - `sonic`: the generated types through `sonic_rs::from_slice`.
//!
//! Rounds alternate the order of the decoders; each decoder's time is the median of its rounds, and a
//! decoding includes dropping what it made. Allocations are counted by a counting global allocator around
//! one decoding of each. Each type's result is a JSON line; nothing is asserted but that both decoders read
//! the payload to the same value.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use clientgen_values::Values;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The system allocator, counting allocations and bytes asked for.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call goes to the system allocator unchanged; the counters are atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        ALLOCATED.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        ALLOCATED.fetch_add(new_size as u64, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The decoders of one response type, each giving the number of items read.
pub struct Decoders {
    pub ours: fn(&[u8]) -> Option<usize>,
    pub ours_str: fn(&str) -> Option<usize>,
    pub derive: fn(&[u8]) -> Option<usize>,
    pub value: fn(&[u8]) -> Option<usize>,
    pub sonic: fn(&[u8]) -> Option<usize>,
    /// Whether both read the text to the same value (their `Debug` output).
    pub agree: fn(&[u8]) -> bool,
    /// Decodes every event of a `text/event-stream` text (blocks of one `data: ` line each) with decoder
    /// `which` (in the order of [`NAMES`]), giving the number of events read: each payload alone, as a
    /// client reads a stream.
    pub events: fn(usize, &str) -> Option<usize>,
}

/// The decoders of the generated type `Ours` and its derived reading `Reference`.
pub fn decoders<Ours: DeserializeOwned + Debug, Reference: DeserializeOwned + Debug>() -> Decoders {
    Decoders {
        ours: |body| serde_json::from_slice::<Vec<Ours>>(body).ok().map(|items| items.len()),
        ours_str: |text| serde_json::from_str::<Vec<Ours>>(text).ok().map(|items| items.len()),
        derive: |body| serde_json::from_slice::<Vec<Reference>>(body).ok().map(|items| items.len()),
        value: |body| serde_json::from_slice::<Value>(body).ok().map(|value| value.as_array().map_or(0, Vec::len)),
        sonic: |body| sonic_rs::from_slice::<Vec<Ours>>(body).ok().map(|items| items.len()),
        agree: |body| match (serde_json::from_slice::<Vec<Ours>>(body), serde_json::from_slice::<Vec<Reference>>(body))
        {
            (Ok(ours), Ok(reference)) => format!("{ours:?}") == format!("{reference:?}"),
            _ => false,
        },
        events: |which, text| {
            let mut read = 0;
            for data in text.split("\n\n").filter_map(|block| block.strip_prefix("data: ")) {
                let bytes = data.as_bytes();
                let decoded = match which {
                    0 => serde_json::from_slice::<Ours>(bytes).is_ok(),
                    // The runtime's event stream hands each payload over as text.
                    1 => serde_json::from_str::<Ours>(data).is_ok(),
                    2 => serde_json::from_slice::<Reference>(bytes).is_ok(),
                    3 => serde_json::from_slice::<Value>(bytes).is_ok(),
                    _ => sonic_rs::from_slice::<Ours>(bytes).is_ok(),
                };
                if !decoded {
                    return None;
                }
                read += 1;
            }
            Some(read)
        },
    }
}

const NAMES: [&str; 5] = ["ours", "ours_str", "derive", "value", "sonic"];

/// Decodes `body` with decoder `which`; `None` if it refused.
fn decode(decoders: &Decoders, which: usize, body: &[u8], events: bool) -> Option<usize> {
    if events {
        return std::str::from_utf8(body).ok().and_then(|text| (decoders.events)(which, text));
    }
    match which {
        0 => (decoders.ours)(body),
        1 => std::str::from_utf8(body).ok().and_then(decoders.ours_str),
        2 => (decoders.derive)(body),
        3 => (decoders.value)(body),
        _ => (decoders.sonic)(body),
    }
}

/// The example the document gives for the response whose schema is at `pointer` (`…/content/<media
/// type>/schema`, which may pass through a `$ref`): the media type's `example`, or the value of the first
/// of its `examples`.
fn example<'d>(doc: &'d Value, pointer: &str) -> Option<&'d Value> {
    let resolve = |mut value: &'d Value| {
        for _ in 0..16 {
            match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                Some(target) => value = doc.pointer(target)?,
                None => return Some(value),
            }
        }
        None
    };
    let mut media = doc;
    for token in pointer.strip_suffix("/schema")?.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        media = resolve(media)?.get(token.as_str())?;
    }
    let media = resolve(media)?;
    if let Some(example) = media.get("example") {
        return Some(example);
    }
    let first = media.get("examples")?.as_object()?.values().next()?;
    resolve(first)?.get("value")
}

fn median(mut seconds: Vec<f64>) -> f64 {
    seconds.sort_by(f64::total_cmp);
    seconds[seconds.len() / 2]
}

/// Times the payloads (see the module docs) and prints a JSON line per response type.
pub fn main(checks: &'static [Decoders]) {
    let args: Vec<String> = std::env::args().collect();
    let [_, document, cases, seed, bytes, top, rounds, source] = &args[..] else {
        eprintln!("usage: harness DOCUMENT.json CASES.json SEED BYTES TOP ROUNDS schemas|examples");
        std::process::exit(2);
    };
    let from_examples = source == "examples";
    let read = |path: &str| -> Value {
        let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{path}: {err}"));
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{path}: {err}"))
    };
    let doc = read(document);
    // The types of event streams' events are listed beside the cases (same form), when the document has any.
    let events_file = std::path::Path::new(cases).with_file_name("events.json");
    let cases: Vec<(usize, String, String)> =
        serde_json::from_value(read(cases)).unwrap_or_else(|err| panic!("{cases}: {err}"));
    let events: Vec<(usize, String, String)> = match std::fs::read_to_string(&events_file) {
        Ok(text) => serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", events_file.display())),
        Err(_) => Vec::new(),
    };
    let number = |text: &str, what: &str| -> u64 { text.parse().unwrap_or_else(|_| panic!("{what}: {text}")) };
    let (seed, size, top, rounds) =
        (number(seed, "SEED"), number(bytes, "BYTES") as usize, number(top, "TOP") as usize, number(rounds, "ROUNDS"));
    let mut values = Values::new(&doc, seed).safe_integers().strict_dates();
    // One case per response type; a sample of its values, the ones both decoders read as the same value.
    let mut sampled = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let all = cases.iter().map(|case| (case, false)).chain(events.iter().map(|case| (case, true)));
    for ((check, pointer, label), stream) in all {
        if !seen.insert((*check, stream)) {
            continue;
        }
        let texts: Vec<String> = if from_examples {
            let Some(example) = example(&doc, pointer) else { continue };
            let text = example.to_string();
            if (checks[*check].agree)(format!("[{text}]").as_bytes()) { vec![text] } else { Vec::new() }
        } else {
            let Some(schema) = values.at(pointer) else { continue };
            (0..16)
                .map(|_| values.valid(schema).to_string())
                .filter(|text| (checks[*check].agree)(format!("[{text}]").as_bytes()))
                .collect()
        };
        if texts.len() < if from_examples { 1 } else { 8 } {
            continue;
        }
        let mean = texts.iter().map(String::len).sum::<usize>() / texts.len();
        sampled.push((mean, *check, pointer.clone(), label.clone(), stream));
    }
    // The largest response types, and every event type (a stream's events are small, but many).
    sampled.sort_by(|a, b| a.4.cmp(&b.4).then(b.0.cmp(&a.0)).then(a.1.cmp(&b.1)));
    let lists = sampled.iter().filter(|case| !case.4).count();
    let chosen =
        sampled.into_iter().enumerate().filter(|(i, case)| case.4 || *i < top.min(lists)).map(|(_, case)| case);
    for (_, check, pointer, label, stream) in chosen {
        let decoders = &checks[check];
        let example = if from_examples { example(&doc, &pointer).map(|value| value.to_string()) } else { None };
        let schema = values.at(&pointer).expect("sampled above");
        // A JSON array of the values, or an event stream of them (`data: <value>` and a blank line each).
        let mut body = String::from(if stream { "" } else { "[" });
        let mut items = 0usize;
        while body.len() < size {
            let text = example.clone().unwrap_or_else(|| values.valid(schema).to_string());
            // An example was checked once, when it was sampled.
            if example.is_none() && !(decoders.agree)(format!("[{text}]").as_bytes()) {
                continue;
            }
            if stream {
                body.push_str("data: ");
                body.push_str(&text);
                body.push_str("\n\n");
            } else {
                if items > 0 {
                    body.push(',');
                }
                body.push_str(&text);
            }
            items += 1;
        }
        if !stream {
            body.push(']');
        }
        let body = body.into_bytes();
        // Both decoders read the whole payload to the same value; a stream's events were each checked so
        // above, and here the generated types read every event of the stream.
        let agree = if stream {
            (decoders.events)(0, std::str::from_utf8(&body).unwrap_or_default()) == Some(items)
        } else {
            (decoders.agree)(&body)
        };
        // Allocations of one decoding each.
        let mut allocations = serde_json::Map::new();
        for (which, name) in NAMES.iter().enumerate() {
            let (count, bytes) = (ALLOCATIONS.load(Ordering::SeqCst), ALLOCATED.load(Ordering::SeqCst));
            let read = decode(decoders, which, &body, stream);
            let (count, bytes) = (ALLOCATIONS.load(Ordering::SeqCst) - count, ALLOCATED.load(Ordering::SeqCst) - bytes);
            allocations.insert((*name).to_owned(), json!({"read": read, "allocations": count, "bytes": bytes}));
        }
        let mut seconds: Vec<Vec<f64>> = vec![Vec::new(); NAMES.len()];
        for round in 0..rounds as usize {
            for k in 0..NAMES.len() {
                // Each round starts with another decoder, so none always runs first.
                let which = (round + k) % NAMES.len();
                let started = Instant::now();
                let read = decode(decoders, which, &body, stream);
                seconds[which].push(started.elapsed().as_secs_f64());
                std::hint::black_box(read);
            }
        }
        let megabytes = body.len() as f64 / 1e6;
        let speeds: serde_json::Map<String, Value> = NAMES
            .iter()
            .zip(seconds)
            .map(|(name, seconds)| ((*name).to_owned(), json!(megabytes / median(seconds))))
            .collect();
        let line = json!({
            "check": check, "case": label, "bytes": body.len(), "items": items, "agree": agree, "events": stream,
            "mbps": speeds, "allocations": allocations,
        });
        println!("{line}");
    }
}
