//! clientgen in your own workspace: the `clientgen` command (`cargo install --path cli`), the library a
//! workspace's own `cargo xtask` calls, and the helper of a `build.rs` that generates into `OUT_DIR`.
//!
//! - [`Project`]: a directory of specs and their `clientgen.toml`, and the directory their crates go to;
//!   [`Project::generate`] regenerates them (validating everything first, writing all or nothing, naming what
//!   breaks callers) and [`Project::check`] fails when they are stale.
//! - [`command::run`]: the whole command line (`gen [SPEC…]`, `check`, `--specs`, `--out`, `--help`). A
//!   workspace's `xtask/src/main.rs` can be:
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     // The workspace root: cargo runs `cargo xtask` with CARGO_MANIFEST_DIR set to xtask/.
//!     let xtask = std::env::var_os("CARGO_MANIFEST_DIR").expect("run through cargo");
//!     let root = std::path::Path::new(&xtask).parent().expect("xtask/ is in the workspace").to_owned();
//!     let project = clientgen_cli::Project::new(root).with_regenerate_command("cargo xtask gen");
//!     clientgen_cli::command::run("cargo xtask", project, std::env::args_os().skip(1))
//! }
//! ```
//!
//! - [`build_script::generate`]: for a crate that does not commit generated code.
//! - [`settings`]: `clientgen.toml`, read and validated with located errors.

pub mod build_script;
pub mod command;
mod diff;
pub mod project;
pub mod settings;

pub use project::{Planned, Project};
