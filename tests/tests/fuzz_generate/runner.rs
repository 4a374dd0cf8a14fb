//! Running the cases: settings from the environment, a guarded thread watched for hangs, the in-process
//! run, the supervised run in child processes, and the findings it writes.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::panic;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{Map, Value, json};

use crate::FUZZ_TEST;
use crate::cases::{Case, case_strategy};
use crate::check::{Failure, Verdict, check};
use crate::minimize::{minimize, minimize_with};
use crate::regressions::{known_failures, replay_in_child};

thread_local! {
    /// The watch of the run on this thread.
    pub(crate) static WATCH: RefCell<Option<Arc<Watch>>> = const { RefCell::new(None) };
}

/// The input the guarded thread is running the generator on, and since when (read by the watchdog of
/// `guarded`).
pub(crate) struct Watch {
    current: Mutex<Option<(Instant, Arc<str>)>>,
    trace: Option<PathBuf>,
}

impl Watch {
    pub(crate) fn start(&self, text: &str) {
        if let Some(trace) = &self.trace {
            let _ = std::fs::write(trace, text);
        }
        *self.current.lock().unwrap() = Some((Instant::now(), Arc::from(text)));
    }

    pub(crate) fn stop(&self) {
        *self.current.lock().unwrap() = None;
    }
}

pub(crate) fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

fn out_dir() -> PathBuf {
    std::env::var_os("CLIENTGEN_FUZZ_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz_generate"))
}

/// Runs `f` on a thread with the configured stack, failing if one generator run takes too long.
pub(crate) fn guarded<T: Send + 'static>(trace: bool, f: impl FnOnce() -> T + Send + 'static) -> T {
    let timeout = Duration::from_secs(env_number("CLIENTGEN_FUZZ_TIMEOUT").unwrap_or(60));
    let stack = env_number::<usize>("CLIENTGEN_FUZZ_STACK_KB").unwrap_or(8 * 1024) * 1024;
    let trace = trace.then(|| {
        let dir = out_dir();
        std::fs::create_dir_all(&dir).expect("the output folder can be made");
        dir.join("current-input.txt")
    });
    let watch = Arc::new(Watch { current: Mutex::new(None), trace });
    let worker_watch = Arc::clone(&watch);
    let handle = std::thread::Builder::new()
        .name("fuzz-generate".into())
        .stack_size(stack)
        .spawn(move || {
            WATCH.set(Some(worker_watch));
            f()
        })
        .expect("a thread can be started");
    loop {
        if handle.is_finished() {
            return match handle.join() {
                Ok(value) => value,
                Err(panic) => panic::resume_unwind(panic),
            };
        }
        let hung = watch
            .current
            .lock()
            .unwrap()
            .as_ref()
            .filter(|(started, _)| started.elapsed() > timeout)
            .map(|(_, text)| Arc::clone(text));
        if let Some(text) = hung {
            let dir = out_dir();
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join("hang.txt");
            let _ = std::fs::write(&file, text.as_bytes());
            panic!(
                "generate ran for more than {} s on an input (saved to {}); its start:\n{}",
                timeout.as_secs(),
                file.display(),
                text.chars().take(2_000).collect::<String>()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What a fuzz run saw.
#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) inputs: u64,
    pub(crate) generated: u64,
    pub(crate) refused: BTreeMap<String, u64>,
    /// Known failures (of the regression cases marked `known-failure`), by key.
    pub(crate) known: BTreeMap<String, u64>,
    pub(crate) skipped: u64,
    /// Distinct failures: key → (count, minimized text, detail, original size).
    pub(crate) failures: BTreeMap<String, (u64, String, String, usize)>,
}

impl Stats {
    fn to_json(&self) -> Value {
        let failures: Map<String, Value> = self
            .failures
            .iter()
            .map(|(key, (count, minimized, detail, size))| {
                (key.clone(), json!({ "count": count, "minimized": minimized, "detail": detail, "size": size }))
            })
            .collect();
        json!({
            "inputs": self.inputs,
            "generated": self.generated,
            "skipped": self.skipped,
            "refused": self.refused,
            "known": self.known,
            "failures": failures,
        })
    }

    /// Adds the counts of another run's `to_json`; a failure seen before keeps its first minimized text.
    fn add_json(&mut self, other: &Value) {
        let number = |v: &Value| v.as_u64().unwrap_or(0);
        self.inputs += number(&other["inputs"]);
        self.generated += number(&other["generated"]);
        self.skipped += number(&other["skipped"]);
        for (field, into) in [("refused", &mut self.refused), ("known", &mut self.known)] {
            for (key, count) in other[field].as_object().into_iter().flatten() {
                *into.entry(key.clone()).or_default() += number(count);
            }
        }
        for (key, found) in other["failures"].as_object().into_iter().flatten() {
            let text = |field: &str| found[field].as_str().unwrap_or("").to_owned();
            let entry = self
                .failures
                .entry(key.clone())
                .or_insert_with(|| (0, text("minimized"), text("detail"), number(&found["size"]) as usize));
            entry.0 += number(&found["count"]);
            if entry.1.is_empty() {
                (entry.1, entry.2) = (text("minimized"), text("detail"));
            }
        }
    }

    pub(crate) fn report(&self) -> String {
        let mut report = format!("{} distinct failures:\n", self.failures.len());
        for (count, minimized, detail, size) in self.failures.values() {
            report.push_str(&format!(
                "\n== {detail}\n   seen {count} times; first input {size} bytes; minimized:\n{minimized}\n"
            ));
        }
        report
    }
}

fn write_found(stem: &str, failure: &Failure, minimized: &str, original: &str, case: Option<&Case>) {
    let dir = out_dir();
    let _ = std::fs::create_dir_all(&dir);
    let header: String = failure.detail.lines().map(|l| format!("# {l}\n")).collect();
    let _ = std::fs::write(dir.join(format!("{stem}.yaml")), format!("{header}{minimized}"));
    let _ = std::fs::write(dir.join(format!("{stem}-original.txt")), original);
    if let Some(case) = case {
        let _ = std::fs::write(dir.join(format!("{stem}-case.txt")), format!("{case:#?}"));
    }
}

/// How a fuzz run goes, from the environment.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) cases: u64,
    pub(crate) seed: u64,
    pub(crate) deadline: Option<Instant>,
    pub(crate) keep_going: bool,
    /// A child of a supervised run.
    pub(crate) chunk: bool,
}

impl Settings {
    pub(crate) fn from_env() -> Self {
        Self {
            cases: env_number("CLIENTGEN_FUZZ_CASES").unwrap_or(DEFAULT_CASES),
            seed: env_number("CLIENTGEN_FUZZ_SEED").unwrap_or(0x5eed_c11e_0001),
            deadline: env_number("CLIENTGEN_FUZZ_SECS").map(|s| Instant::now() + Duration::from_secs(s)),
            keep_going: std::env::var("CLIENTGEN_FUZZ_KEEP_GOING").is_ok_and(|v| v == "1"),
            chunk: std::env::var_os("CLIENTGEN_FUZZ_CHUNK").is_some(),
        }
    }
}

/// Inputs of a CI run (a few seconds in a debug build).
const DEFAULT_CASES: u64 = 2_000;

/// Runs the cases on a guarded thread of this process.
pub(crate) fn run_in_process(settings: &Settings) -> (Stats, Option<String>) {
    let settings = settings.clone();
    let known = known_failures();
    // In a supervised run, failures that earlier chunks found are only counted.
    let seen: Vec<String> = std::fs::read_to_string(out_dir().join("seen-keys.json"))
        .ok()
        .filter(|_| settings.chunk)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let started = Instant::now();
    guarded(true, move || {
        let config = Config {
            cases: u32::try_from(settings.cases).unwrap_or(u32::MAX),
            failure_persistence: None,
            max_shrink_iters: 0,
            max_global_rejects: u32::MAX,
            ..Config::default()
        };
        let mut seed_bytes = [0u8; 32];
        seed_bytes[..8].copy_from_slice(&settings.seed.to_le_bytes());
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let stats = RefCell::new(Stats::default());
        let progress = Cell::new(Instant::now());
        let stats_file = out_dir().join(format!("chunk-{:x}.json", settings.seed));
        let result = runner.run(&case_strategy(), |case| {
            let mut stats = stats.borrow_mut();
            if settings.deadline.is_some_and(|d| Instant::now() > d) {
                stats.skipped += 1;
                return Ok(());
            }
            let text = case.text();
            stats.inputs += 1;
            if settings.chunk && stats.inputs % 1_000 == 0 {
                let _ = std::fs::write(&stats_file, stats.to_json().to_string());
            }
            if progress.get().elapsed() > Duration::from_secs(60) {
                progress.set(Instant::now());
                eprintln!(
                    "fuzz_generate: {} inputs in {:.0} s, {} generated, {} distinct failures",
                    stats.inputs,
                    started.elapsed().as_secs_f64(),
                    stats.generated,
                    stats.failures.len()
                );
            }
            match check(&text) {
                Ok(Verdict::Generated) => stats.generated += 1,
                Ok(Verdict::Refused(kind)) => *stats.refused.entry(kind.to_owned()).or_default() += 1,
                Err(failure) if known.contains(&failure.key) => {
                    *stats.known.entry(failure.key).or_default() += 1;
                }
                Err(failure) if settings.keep_going && seen.contains(&failure.key) => {
                    stats.failures.entry(failure.key).or_default().0 += 1;
                }
                Err(failure) => {
                    if let Some(again) = stats.failures.get_mut(&failure.key) {
                        again.0 += 1;
                        if settings.keep_going {
                            return Ok(());
                        }
                    }
                    let minimized = minimize(&text, &failure, 20_000);
                    let stem = format!("found-{:x}-{:02}", settings.seed, stats.failures.len() + 1);
                    write_found(&stem, &failure, &minimized, &text, Some(&case));
                    eprintln!(
                        "fuzz_generate: failure {stem} (input {}, seed {:?}): {}\nminimized:\n{minimized}",
                        stats.inputs,
                        case.seed_name(),
                        failure.detail
                    );
                    stats
                        .failures
                        .insert(failure.key.clone(), (1, minimized.clone(), failure.detail.clone(), text.len()));
                    if !settings.keep_going {
                        return Err(TestCaseError::fail(format!(
                            "{}\n\nminimized input:\n{minimized}\n(saved in {})",
                            failure.detail,
                            out_dir().display()
                        )));
                    }
                }
            }
            Ok(())
        });
        let stats = stats.into_inner();
        if settings.chunk {
            let _ = std::fs::write(&stats_file, stats.to_json().to_string());
        }
        (stats, result.err().map(|e| e.to_string()))
    })
}

/// A long run: chunks of cases, each in a child process with a seed of its own, so that an input that kills
/// the process (a stack overflow) or hangs it is recorded, minimized (each try in a child too), and the run
/// goes on with the next chunk.
pub(crate) fn supervise(settings: &Settings) -> (Stats, Option<String>) {
    use std::process::Command;
    let out = out_dir();
    std::fs::create_dir_all(&out).expect("the output folder can be made");
    for entry in std::fs::read_dir(&out).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("chunk-") || name == "seen-keys.json" || name == "hang.txt" {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let chunk_cases: u64 = env_number("CLIENTGEN_FUZZ_CHUNK_CASES").unwrap_or(50_000);
    let mut total = Stats::default();
    let mut chunk = 0u64;
    let mut crashes: Vec<String> = Vec::new();
    while total.inputs < settings.cases && settings.deadline.is_none_or(|d| Instant::now() < d) {
        let seed = settings.seed.wrapping_add(chunk);
        chunk += 1;
        let cases = chunk_cases.min(settings.cases - total.inputs);
        let mut command = Command::new(std::env::current_exe().expect("the test binary is known"));
        command
            .args([FUZZ_TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env("CLIENTGEN_FUZZ_CHUNK", "1")
            .env("CLIENTGEN_FUZZ_KEEP_GOING", "1")
            .env("CLIENTGEN_FUZZ_OUT", &out)
            .env("CLIENTGEN_FUZZ_SEED", seed.to_string())
            .env("CLIENTGEN_FUZZ_CASES", cases.to_string());
        if let Some(deadline) = settings.deadline {
            let left = deadline.saturating_duration_since(Instant::now()).as_secs().max(1);
            command.env("CLIENTGEN_FUZZ_SECS", left.to_string());
        }
        let status = command.status().expect("the test binary can be started");
        let chunk_stats: Option<Value> = std::fs::read_to_string(out.join(format!("chunk-{seed:x}.json")))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok());
        let inputs_before = total.inputs;
        if let Some(chunk_stats) = &chunk_stats {
            total.add_json(chunk_stats);
        }
        let seen: Vec<&String> = total.failures.keys().collect();
        let _ = std::fs::write(out.join("seen-keys.json"), serde_json::to_string(&seen).unwrap());
        // A child that died, or whose watchdog gave up, left the input it was on.
        let hang = out.join("hang.txt");
        let died = status.code().is_none() || hang.exists();
        if died {
            let input_file = if hang.exists() { hang.clone() } else { out.join("current-input.txt") };
            let text = std::fs::read_to_string(&input_file).unwrap_or_default();
            let stem = format!("crash-{seed:x}");
            let kept = out.join(format!("{stem}-original.txt"));
            let _ = std::fs::write(&kept, &text);
            let _ = std::fs::remove_file(&hang);
            let timeout = Duration::from_secs(env_number("CLIENTGEN_FUZZ_REPLAY_TIMEOUT").unwrap_or(10));
            let failure = replay_in_child(&kept, timeout).err().unwrap_or_else(|| Failure {
                key: format!("crash ({status}), not reproduced alone"),
                detail: format!("the chunk died ({status}) on this input, which passes when replayed alone"),
            });
            let candidate = out.join(format!("{stem}-candidate.txt"));
            let mut tries = 0;
            let minimized = minimize_with(&text, &mut |t: &str| {
                tries += 1;
                tries <= 300
                    && std::fs::write(&candidate, t).is_ok()
                    && replay_in_child(&candidate, timeout).is_err_and(|f| f.key == failure.key)
            });
            let _ = std::fs::remove_file(&candidate);
            write_found(&stem, &failure, &minimized, &text, None);
            eprintln!("fuzz_generate: chunk {seed:#x} died: {}; minimized:\n{minimized}", failure.detail);
            crashes.push(format!("{} (minimized in {}.yaml)", failure.detail, out.join(&stem).display()));
            let entry = total
                .failures
                .entry(failure.key.clone())
                .or_insert_with(|| (0, minimized.clone(), failure.detail.clone(), text.len()));
            entry.0 += 1;
            total.inputs += 1;
        }
        if total.inputs == inputs_before && !died {
            // A child that ran nothing (all skipped by the deadline) ends the run.
            break;
        }
    }
    let error = (!crashes.is_empty()).then(|| format!("{} chunks died:\n{}", crashes.len(), crashes.join("\n")));
    (total, error)
}
