//! `cargo xtask <gen|check>`: see the library docs.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::repo_root();
    let result = match args.first().map(String::as_str) {
        Some("gen") => xtask::gen_all(&root),
        Some("check") => xtask::check(&root),
        Some("corpus") => {
            let dir = args
                .iter()
                .skip(1)
                .find(|a| !a.starts_with("--"))
                .map_or_else(|| root.join("../shared/corpus"), std::path::PathBuf::from);
            let check = if args.iter().any(|a| a == "--no-check") {
                xtask::corpus::Check::None
            } else if let Some(limit) = args.iter().find_map(|a| a.strip_prefix("--max-bytes=")) {
                xtask::corpus::Check::UpTo(limit.parse().unwrap_or(u64::MAX))
            } else if let Some(limit) = args.iter().find_map(|a| a.strip_prefix("--min-bytes=")) {
                xtask::corpus::Check::Over(limit.parse().unwrap_or(0))
            } else {
                xtask::corpus::Check::All
            };
            match xtask::corpus::run(&root, &dir, check) {
                Ok(rows) => {
                    print!("{}", xtask::corpus::table(&rows));
                    if rows.iter().all(|r| r.result.is_ok()) { Ok(()) } else { Err("some documents failed".into()) }
                }
                Err(err) => Err(err),
            }
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <gen|check|corpus [DIR] [--no-check|--max-bytes=N|--min-bytes=N]>\n\n  gen     regenerate generated/ from specs/\n  check   fail if generated/ is stale\n  corpus  generate and cargo-check every document in DIR (default ../shared/corpus)"
            );
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
