//! Written into every harness crate by `cargo xtask bench-decode` (from `xtask/harness/bench_decode.rs`; it
//! is not part of the xtask build). `main` takes the document (JSON), the cases file (a JSON list of
//! `[check, schema pointer, label]`), a seed, the payload size in bytes and how many response types to
//! time. It builds values of every response type from its schema (`clientgen-values`), keeps the types
//! whose values both decoders read, and times the largest ones: a payload per type is a JSON array of its
//! values (a list response) of the size asked, decoded into `Vec<T>`:
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
}

/// The decoders of the generated type `Ours` and its derived reading `Reference`.
pub fn decoders<Ours: DeserializeOwned + Debug, Reference: DeserializeOwned + Debug>() -> Decoders {
    Decoders {
        ours: |body| serde_json::from_slice::<Vec<Ours>>(body).ok().map(|items| items.len()),
        ours_str: |text| serde_json::from_str::<Vec<Ours>>(text).ok().map(|items| items.len()),
        derive: |body| serde_json::from_slice::<Vec<Reference>>(body).ok().map(|items| items.len()),
        value: |body| serde_json::from_slice::<Value>(body).ok().map(|value| value.as_array().map_or(0, Vec::len)),
        sonic: |body| sonic_rs::from_slice::<Vec<Ours>>(body).ok().map(|items| items.len()),
        agree: |body| match (serde_json::from_slice::<Vec<Ours>>(body), serde_json::from_slice::<Vec<Reference>>(body)) {
            (Ok(ours), Ok(reference)) => format!("{ours:?}") == format!("{reference:?}"),
            _ => false,
        },
    }
}

const NAMES: [&str; 5] = ["ours", "ours_str", "derive", "value", "sonic"];

/// Decodes `body` with decoder `which`; `None` if it refused.
fn decode(decoders: &Decoders, which: usize, body: &[u8]) -> Option<usize> {
    match which {
        0 => (decoders.ours)(body),
        1 => std::str::from_utf8(body).ok().and_then(decoders.ours_str),
        2 => (decoders.derive)(body),
        3 => (decoders.value)(body),
        _ => (decoders.sonic)(body),
    }
}

fn median(mut seconds: Vec<f64>) -> f64 {
    seconds.sort_by(f64::total_cmp);
    seconds[seconds.len() / 2]
}

/// Times the payloads (see the module docs) and prints a JSON line per response type.
pub fn main(checks: &'static [Decoders]) {
    let args: Vec<String> = std::env::args().collect();
    let [_, document, cases, seed, bytes, top, rounds] = &args[..] else {
        eprintln!("usage: harness DOCUMENT.json CASES.json SEED BYTES TOP ROUNDS");
        std::process::exit(2);
    };
    let read = |path: &str| -> Value {
        let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{path}: {err}"));
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{path}: {err}"))
    };
    let doc = read(document);
    let cases: Vec<(usize, String, String)> =
        serde_json::from_value(read(cases)).unwrap_or_else(|err| panic!("{cases}: {err}"));
    let number = |text: &str, what: &str| -> u64 { text.parse().unwrap_or_else(|_| panic!("{what}: {text}")) };
    let (seed, size, top, rounds) =
        (number(seed, "SEED"), number(bytes, "BYTES") as usize, number(top, "TOP") as usize, number(rounds, "ROUNDS"));
    let mut values = Values::new(&doc, seed).safe_integers().strict_dates();
    // One case per response type; a sample of its values, the ones both decoders read as the same value.
    let mut sampled = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (check, pointer, label) in &cases {
        if !seen.insert(*check) {
            continue;
        }
        let Some(schema) = values.at(pointer) else { continue };
        let texts: Vec<String> = (0..16)
            .map(|_| values.valid(schema).to_string())
            .filter(|text| (checks[*check].agree)(format!("[{text}]").as_bytes()))
            .collect();
        if texts.len() < 8 {
            continue;
        }
        let mean = texts.iter().map(String::len).sum::<usize>() / texts.len();
        sampled.push((mean, *check, pointer.clone(), label.clone()));
    }
    sampled.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, check, pointer, label) in sampled.into_iter().take(top) {
        let decoders = &checks[check];
        let schema = values.at(&pointer).expect("sampled above");
        let mut body = String::from("[");
        let mut items = 0usize;
        while body.len() < size {
            let text = values.valid(schema).to_string();
            if !(decoders.agree)(format!("[{text}]").as_bytes()) {
                continue;
            }
            if items > 0 {
                body.push(',');
            }
            body.push_str(&text);
            items += 1;
        }
        body.push(']');
        let body = body.into_bytes();
        let agree = (decoders.agree)(&body);
        // Allocations of one decoding each.
        let mut allocations = serde_json::Map::new();
        for (which, name) in NAMES.iter().enumerate() {
            let (count, bytes) = (ALLOCATIONS.load(Ordering::SeqCst), ALLOCATED.load(Ordering::SeqCst));
            let read = decode(decoders, which, &body);
            let (count, bytes) =
                (ALLOCATIONS.load(Ordering::SeqCst) - count, ALLOCATED.load(Ordering::SeqCst) - bytes);
            allocations.insert((*name).to_owned(), json!({"read": read, "allocations": count, "bytes": bytes}));
        }
        let mut seconds: Vec<Vec<f64>> = vec![Vec::new(); NAMES.len()];
        for round in 0..rounds as usize {
            for k in 0..NAMES.len() {
                // Each round starts with another decoder, so none always runs first.
                let which = (round + k) % NAMES.len();
                let started = Instant::now();
                let read = decode(decoders, which, &body);
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
            "check": check, "case": label, "bytes": body.len(), "items": items, "agree": agree,
            "mbps": speeds, "allocations": allocations,
        });
        println!("{line}");
    }
}
