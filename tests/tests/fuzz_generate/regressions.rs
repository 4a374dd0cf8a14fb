//! The regression cases of `tests/fuzz/regressions`, and replaying one in a child process.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::REPLAY_TEST;
use crate::check::Failure;
use crate::seeds::fuzz_dir;

/// A regression case: its path, its text, and the failure key it is known to fail with, if not fixed yet.
pub(crate) struct Regression {
    pub(crate) path: PathBuf,
    pub(crate) known: Option<String>,
}

pub(crate) fn regressions() -> Vec<Regression> {
    let dir = fuzz_dir().join("regressions");
    // A missing folder is an error, not an empty list: the replay would pass having checked nothing.
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("the regression cases in {} cannot be read: {err}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a regression file is readable");
            let known =
                text.lines().next().and_then(|l| l.strip_prefix("# known-failure:")).map(|s| s.trim().to_owned());
            Regression { path, known }
        })
        .collect()
}

/// The failure keys of the known, unfixed failures: the fuzz run counts these without failing.
pub(crate) fn known_failures() -> Vec<String> {
    regressions().into_iter().filter_map(|r| r.known).collect()
}

pub(crate) const VERDICT: &str = "fuzz-verdict: ";

/// Replays one file in a child process (this test binary, running this test with `CLIENTGEN_FUZZ_REPLAY`),
/// so that a stack overflow or a hang is a failure like any other.
pub(crate) fn replay_in_child(path: &Path, timeout: Duration) -> Result<(), Failure> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(std::env::current_exe().expect("the test binary is known"))
        .args([REPLAY_TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env("CLIENTGEN_FUZZ_REPLAY", path)
        .env("CLIENTGEN_FUZZ_TIMEOUT", (timeout.as_secs() * 10).to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the test binary can be started");
    let readers: Vec<_> =
        [Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>, Box::new(child.stderr.take().unwrap())]
            .into_iter()
            .map(|mut pipe| {
                std::thread::spawn(move || {
                    let mut text = String::new();
                    let _ = pipe.read_to_string(&mut text);
                    text
                })
            })
            .collect();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break Some(status);
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut outputs = readers.into_iter().map(|r| r.join().unwrap_or_default());
    let (stdout, stderr) = (outputs.next().unwrap(), outputs.next().unwrap());
    let Some(status) = status else {
        return Err(Failure {
            key: "hang".into(),
            detail: format!("generate ran for more than {} s", timeout.as_secs()),
        });
    };
    // The verdict may follow the harness's `test … ` on its line.
    match stdout.lines().find_map(|l| l.find(VERDICT).map(|at| &l[at + VERDICT.len()..])) {
        Some("ok") => Ok(()),
        Some(verdict) => {
            let [key, detail]: [String; 2] = serde_json::from_str(verdict).expect("the child's verdict reads back");
            Err(Failure { key, detail })
        }
        None => {
            let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            let overflow = stderr.contains("has overflowed its stack");
            Err(Failure {
                key: if overflow { "stack overflow".into() } else { format!("crash ({status})") },
                detail: format!("the replay died ({status}):\n{}", tail.join("\n")),
            })
        }
    }
}
