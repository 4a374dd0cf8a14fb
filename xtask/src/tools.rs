//! The tools the tests use that are not Rust, installed inside the repository on first use, so that
//! `cargo test --workspace` on a fresh clone is the whole set-up:
//!
//! - [`prism`]: Stoplight Prism, the validating mock of `tests/tests/conformance/`, by `npm ci` into
//!   `tests/conformance/node_modules` (the version `tests/conformance/package-lock.json` pins);
//! - [`python`]: the example validator's interpreter, a virtual environment in `target/tools/python` with
//!   `tests/requirements.txt` installed (never the system Python).
//!
//! Each install runs once: a copy of the lock or requirements file it installed from is kept beside it, and
//! a later call with the same file reuses it. Test processes that start together (cargo runs test binaries
//! one after another, nextest side by side) take a file lock, so one installs and the others wait. When a
//! tool cannot be installed (no Node, no registry), the error names the tool and the command that installs
//! it.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;

/// How Prism is installed by hand.
pub const PRISM_INSTALL: &str = "npm ci --prefix tests/conformance";

/// How the validator is installed by hand.
pub const PYTHON_INSTALL: &str = "python3 -m venv target/tools/python && \
     target/tools/python/bin/python -m pip install -r tests/requirements.txt";

/// The `prism` executable, installed first if it is not, or not from the current lock file.
pub fn prism(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("tests").join("conformance");
    let bin = dir.join("node_modules").join(".bin").join("prism");
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules").join(".clientgen-installed-lock.json");
    ensure(root, "Stoplight Prism", &lock, &stamp, &bin, || {
        let mut npm = Command::new("npm");
        npm.args(["ci", "--no-audit", "--no-fund", "--prefix"]).arg(&dir);
        run("Stoplight Prism", &mut npm, PRISM_INSTALL, "it needs Node 18.20+ and npm")
    })?;
    Ok(bin)
}

/// The Python interpreter of the validator's virtual environment, created and filled first if it is not,
/// or not from the current `tests/requirements.txt`.
pub fn python(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join("target").join("tools").join("python");
    let python = venv.join("bin").join("python");
    let requirements = root.join("tests").join("requirements.txt");
    let stamp = venv.join("clientgen-installed-requirements.txt");
    ensure(root, "the example validator (Python)", &requirements, &stamp, &python, || {
        let what = "the example validator's virtual environment";
        let mut create = Command::new("python3");
        create.args(["-m", "venv", "--clear"]).arg(&venv);
        run(
            what,
            &mut create,
            PYTHON_INSTALL,
            "it needs Python 3.9+ with venv (Debian: apt-get install python3-venv)",
        )?;
        let mut pip = Command::new(&python);
        pip.args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"]).arg(&requirements);
        run("the example validator's Python packages", &mut pip, PYTHON_INSTALL, "it needs PyPI")
    })?;
    Ok(python)
}

/// Runs `install` unless `stamp` holds the bytes of `source` and `product` exists, under the repository's
/// tools lock; records `source` in `stamp` after a successful install.
fn ensure(
    root: &Path,
    tool: &str,
    source: &Path,
    stamp: &Path,
    product: &Path,
    install: impl FnOnce() -> Result<(), String>,
) -> Result<(), String> {
    let wanted = fs::read(source).map_err(|err| format!("cannot read {}: {err}", source.display()))?;
    let current = || product.exists() && fs::read(stamp).is_ok_and(|have| have == wanted);
    if current() {
        return Ok(());
    }
    let locks = root.join("target").join("tools");
    fs::create_dir_all(&locks).map_err(|err| format!("cannot create {}: {err}", locks.display()))?;
    let lock_path = locks.join(".install.lock");
    let lock = File::create(&lock_path).map_err(|err| format!("cannot create {}: {err}", lock_path.display()))?;
    lock.lock().map_err(|err| format!("cannot lock {}: {err}", lock_path.display()))?;
    // Another process may have installed it while this one waited.
    if current() {
        return Ok(());
    }
    eprintln!("installing {tool} inside the repository (once) …");
    install()?;
    fs::write(stamp, &wanted).map_err(|err| format!("cannot write {}: {err}", stamp.display()))?;
    Ok(())
}

/// Runs an install step; its failure names the tool, what it needs and the command to run by hand.
fn run(tool: &str, command: &mut Command, by_hand: &str, needs: &str) -> Result<(), String> {
    let shown = format!("{command:?}");
    match command.output() {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(format!(
            "cannot install {tool}: `{shown}` failed ({}):\n{}\n{}\n({needs}; to install it by hand, run `{by_hand}` \
             in the repository root)",
            output.status,
            String::from_utf8_lossy(&output.stdout).trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Err(err) => Err(format!(
            "cannot install {tool}: cannot run `{shown}`: {err} ({needs}; to install it by hand, run `{by_hand}` in \
             the repository root)"
        )),
    }
}
