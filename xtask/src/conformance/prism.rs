//! Stoplight Prism, the independent implementation the generated client is checked against: found where
//! `npm ci --prefix tests/conformance` installs it (the version `tests/conformance/package-lock.json` pins),
//! started as a validating mock of the spec on a free loopback port, replaced when a request crashes it.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Prism may take to listen (it takes 2-6 s on two cores).
pub const STARTUP: Duration = Duration::from_secs(60);

/// The `prism` executable, installed inside the repository on first use (`crate::tools::prism`); a failure
/// to install it fails the test with the message naming the install command: a missing mock must fail the
/// suite rather than skip the check.
pub fn binary(root: &Path) -> PathBuf {
    crate::tools::prism(root).unwrap_or_else(|message| panic!("{message}"))
}

/// How long a Prism that left a request unanswered may take to exit before it counts as alive: a crashing
/// node process can take seconds to go on a loaded machine, and only a test that fails anyway waits this long.
const CRASH_WAIT: Duration = Duration::from_secs(30);

/// How often a Prism that lost its port to another process is started again on another.
const PORT_ATTEMPTS: usize = 5;

/// A running `prism mock`.
pub struct Prism {
    child: Child,
    /// Where it listens, `127.0.0.1:port`.
    pub address: String,
    log: PathBuf,
    bin: PathBuf,
    spec: PathBuf,
}

impl Prism {
    /// Starts `prism mock --errors` on `spec` without waiting for it to listen (see [`Prism::ready`]).
    /// `--errors` turns violations Prism finds in its own responses into errors too; requests that violate
    /// the spec get the documented `422` (or `401`) with an `sl-violations` header either way. `log` receives
    /// Prism's output.
    pub fn spawn(bin: &Path, spec: &Path, log: PathBuf) -> Prism {
        // A free port, released for Prism to take (Prism has no "any port" option that reports the port).
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a loopback port is free")
            .port();
        let output = File::create(&log).unwrap_or_else(|err| panic!("cannot create {}: {err}", log.display()));
        let errors = output.try_clone().expect("a file handle clones");
        let child = Command::new(bin)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string(), "--errors"])
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(errors)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", bin.display()));
        Prism { child, address: format!("127.0.0.1:{port}"), log, bin: bin.to_owned(), spec: spec.to_owned() }
    }

    /// Waits until Prism accepts connections. The port was free when chosen but released for Prism to take,
    /// so another process may take it first: a Prism that exits for that (`EADDRINUSE`) is started again on
    /// another port, and a connection counts only while this Prism runs (not someone else's listener).
    pub fn ready(self) -> Prism {
        self.try_ready(STARTUP).unwrap_or_else(|message| panic!("{message}"))
    }

    /// Like [`Prism::ready`], waiting up to `startup`; `Err` when Prism exits (a document it cannot read) or
    /// does not listen in time.
    pub fn try_ready(mut self, startup: Duration) -> Result<Prism, String> {
        for _ in 0..PORT_ATTEMPTS {
            let started = Instant::now();
            loop {
                if let Some(crash) = self.exited() {
                    let log = fs::read_to_string(&self.log).unwrap_or_default();
                    if !log.contains("EADDRINUSE") {
                        return Err(format!("Prism exited before it listened on {}: {crash}", self.address));
                    }
                    break;
                }
                if TcpStream::connect(&self.address).is_ok() && self.child.try_wait().ok().flatten().is_none() {
                    return Ok(self);
                }
                if started.elapsed() > startup {
                    return Err(format!("Prism did not listen on {} within {startup:?}", self.address));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let log = self.log.clone();
            self = Prism::spawn(&self.bin, &self.spec, log);
        }
        Err(format!("Prism found its port taken {PORT_ATTEMPTS} times in a row"))
    }

    /// When Prism has exited (after a request crashed it): the error line of its output.
    pub fn exited(&mut self) -> Option<String> {
        self.child.try_wait().ok().flatten()?;
        let output = fs::read_to_string(&self.log).unwrap_or_default();
        let error = output.lines().find(|line| line.contains("Error")).unwrap_or("no error line in its output");
        Some(error.trim().to_owned())
    }

    /// Like [`Prism::exited`], giving a dying process up to `CRASH_WAIT` to go.
    pub fn crashed(&mut self) -> Option<String> {
        let started = Instant::now();
        loop {
            if let Some(error) = self.exited() {
                return Some(error);
            }
            if started.elapsed() > CRASH_WAIT {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends raw request bytes and returns the head of the response (empty when Prism answers nothing).
    pub fn send_raw(&self, request: &[u8]) -> String {
        let Ok(mut stream) = TcpStream::connect(&self.address) else { return String::new() };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        if stream.write_all(request).is_err() {
            return String::new();
        }
        let mut response = Vec::new();
        let mut buf = [0u8; 4096];
        while !response.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => response.extend_from_slice(&buf[..n]),
            }
        }
        String::from_utf8_lossy(&response).into_owned()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
