//! `cargo xtask <gen|check>`: see the library docs.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::repo_root();
    let result = match args.first().map(String::as_str) {
        Some("gen") => xtask::gen_all(&root),
        Some("check") => xtask::check(&root),
        _ => {
            eprintln!("usage: cargo xtask <gen|check>\n\n  gen    regenerate generated/ from specs/\n  check  fail if generated/ is stale");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

