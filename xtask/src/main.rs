//! `cargo xtask <gen|check|corpus|examples|bench-compile|features|mutants|decoders|orphans>`: see the library docs.

use std::process::ExitCode;

use xtask::cli::Command;

// See the note on the dependency in Cargo.toml: the generator is allocation-heavy.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let command = match xtask::cli::parse(std::env::args_os().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let root = match xtask::find_root() {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let corpus_dir = |dir: Option<std::path::PathBuf>| dir.unwrap_or_else(|| root.join("../shared/corpus"));
    let result = match command {
        Command::Help(text) => {
            print!("{text}");
            Ok(())
        }
        Command::Gen { specs } => xtask::gen_specs(&root, &specs).map(|report| {
            for line in report {
                println!("{line}");
            }
        }),
        Command::Check => xtask::check(&root),
        Command::Corpus { dir, check } => xtask::corpus::run(&root, &corpus_dir(dir), check).and_then(|rows| {
            print!("{}", xtask::corpus::table(&rows));
            if rows.iter().all(|r| r.result.is_ok()) { Ok(()) } else { Err("some documents failed".into()) }
        }),
        Command::Examples { dir, select } => xtask::examples::run(&root, &corpus_dir(dir), select).and_then(|report| {
            print!("{}", xtask::examples::table(&report));
            xtask::examples::enforce(&root, &report)
        }),
        Command::BenchCompile(bench) => xtask::bench::run(&root, &bench).map(|report| print!("{report}")),
        Command::Features { document } => xtask::features::run(&root, &document).map(|table| print!("{table}")),
        Command::Mutants { files } => xtask::mutants::run(&root, &files).map(|tallies| {
            print!("{}", xtask::mutants::table(&tallies));
            println!("(lists in {})", xtask::mutants::output(&root).display());
        }),
        Command::Decoders { documents, inputs, seed, release } => {
            let plan = xtask::decoders::Plan { inputs, seed, release, tamper: None };
            xtask::decoders::run(&root, &documents, &plan).and_then(|rows| {
                print!("{}", xtask::decoders::table(&rows));
                match rows.iter().map(|row| row.disagreeing).sum::<u64>() {
                    0 => Ok(()),
                    n => Err(format!("{n} inputs where the written-out decoders and serde's derive disagree")),
                }
            })
        }
        Command::BenchDecode { documents, plan } => {
            xtask::bench_decode::run(&root, &documents, &plan).and_then(|rows| {
                print!("{}", xtask::bench_decode::table(&rows));
                match rows.iter().filter(|row| !row.agree).count() {
                    0 => Ok(()),
                    n => Err(format!("{n} payloads the generated types and serde's derive read differently")),
                }
            })
        }
        Command::Conformance { dir, select, all } => {
            let documents = xtask::conformance::documents(&corpus_dir(dir), select);
            xtask::conformance::run(&root, &documents, 1).and_then(|report| {
                print!("{}", xtask::conformance::table(&report, all));
                xtask::conformance::write_log(&root, &report)?;
                xtask::conformance::enforce(&root, &report)
            })
        }
        Command::Pagination { dir, settings, verbose } => {
            let documents = xtask::conformance::documents(&corpus_dir(dir), xtask::examples::Select::All);
            let settings = settings.unwrap_or_else(|| root.join(xtask::pagination::SETTINGS));
            xtask::pagination::run(&root, &documents, &settings)
                .map(|rows| print!("{}", xtask::pagination::table(&rows, verbose)))
        }
        Command::Orphans { references } => xtask::orphans::run(&root, &references).and_then(|orphans| {
            if orphans.is_empty() {
                println!("every snapshot was referenced");
                Ok(())
            } else {
                let list: Vec<String> = orphans.iter().map(|p| format!("  {}", p.display())).collect();
                Err(format!("snapshots no test referenced (remove them):\n{}", list.join("\n")))
            }
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
