//! `cargo xtask <gen|check|corpus|examples>`: see the library docs.

use std::process::ExitCode;

// See the note on the dependency in Cargo.toml: the generator is allocation-heavy.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::repo_root();
    let result = match args.first().map(String::as_str) {
        Some("gen") => xtask::gen_all(&root).map(|report| {
            for line in report {
                println!("{line}");
            }
        }),
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
        Some("examples") => {
            let dir = args
                .iter()
                .skip(1)
                .find(|a| !a.starts_with("--"))
                .map_or_else(|| root.join("../shared/corpus"), std::path::PathBuf::from);
            let select = if let Some(limit) = args.iter().find_map(|a| a.strip_prefix("--max-bytes=")) {
                limit.parse().map(xtask::examples::Select::UpTo).map_err(|e| format!("--max-bytes={limit}: {e}"))
            } else if let Some(limit) = args.iter().find_map(|a| a.strip_prefix("--min-bytes=")) {
                limit.parse().map(xtask::examples::Select::Over).map_err(|e| format!("--min-bytes={limit}: {e}"))
            } else {
                Ok(xtask::examples::Select::All)
            };
            select.and_then(|select| xtask::examples::run(&root, &dir, select)).and_then(|report| {
                print!("{}", xtask::examples::table(&report));
                xtask::examples::enforce(&root, &report)
            })
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <gen|check|corpus [DIR] [--no-check|--max-bytes=N|--min-bytes=N]|examples [DIR] [--max-bytes=N|--min-bytes=N]>\n\n  gen       regenerate generated/ from specs/\n  check     fail if generated/ is stale\n  corpus    generate and cargo-check every document in DIR (default ../shared/corpus)\n  examples  decode every response example of DIR's documents into its generated type; fail unless our\n            failures are those tests/examples/known_failures.txt lists (CLIENTGEN_EXAMPLES_BLESS=1 rewrites it)"
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
