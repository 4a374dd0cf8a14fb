//! `clientgen gen|check`: generates typed Rust client crates from the OpenAPI documents of a directory
//! (`specs/` and its `clientgen.toml`, by default) into another (`generated/`), both relative to the current
//! directory. See `clientgen --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let root = match std::env::current_dir() {
        Ok(dir) => dir,
        Err(err) => {
            eprintln!("error: cannot read the current directory: {err}");
            return ExitCode::FAILURE;
        }
    };
    let project = clientgen_cli::Project::new(root);
    clientgen_cli::command::run("clientgen", project, std::env::args_os().skip(1))
}
