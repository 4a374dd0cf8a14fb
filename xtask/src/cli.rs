//! The command line of `cargo xtask`, parsed with `lexopt`: a command, its flags (`--flag=value` or
//! `--flag value`) and arguments; `--help` (`-h`) on every command; an unknown flag, a missing or bad
//! value, or an argument a command does not take is an error that says what was expected.

use std::ffi::OsString;
use std::path::PathBuf;

use lexopt::{Arg, Parser, ValueExt};

use crate::bench::Bench;
use crate::corpus::Check;
use crate::examples::Select;

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print this text and succeed.
    Help(&'static str),
    /// `gen [SPEC…]`: regenerate these specs' crates (every spec's when none is named).
    Gen {
        /// Spec stems or file names (`pets`, `pets.yaml`).
        specs: Vec<String>,
    },
    /// `check`: fail, showing the differences, when `generated/` is not what `gen` would write.
    Check,
    /// `corpus [DIR]`.
    Corpus {
        /// The corpus directory (default `../shared/corpus`).
        dir: Option<PathBuf>,
        /// Which documents are `cargo check`ed.
        check: Check,
    },
    /// `examples [DIR]`.
    Examples {
        /// The corpus directory (default `../shared/corpus`).
        dir: Option<PathBuf>,
        /// Which documents are run.
        select: Select,
    },
    /// `bench-compile DOC`.
    BenchCompile(Bench),
    /// `features DOC`: check the document's crate with each feature alone.
    Features {
        /// The OpenAPI document.
        document: PathBuf,
    },
    /// `mutants [FILE…]`: mutation testing of the runtime's files.
    Mutants {
        /// Files under `generator/runtime/src/` (default: `mutants::FILES`).
        files: Vec<String>,
    },
    /// `decoders DOCUMENT…`: the written-out decoders against serde's derive, on generated inputs.
    Decoders {
        /// The OpenAPI documents.
        documents: Vec<PathBuf>,
        /// Inputs per document.
        inputs: u64,
        /// The first document's seed.
        seed: u64,
        /// Build the harnesses optimized.
        release: bool,
    },
    /// `bench-decode DOCUMENT…`: decoding speed of large list responses (a benchmark).
    BenchDecode {
        /// The OpenAPI documents.
        documents: Vec<PathBuf>,
        /// Sizes, rounds, seed.
        plan: crate::bench_decode::Plan,
    },
    /// `conformance [DIR|DOC]`: every operation's requests against Prism.
    Conformance {
        /// A document, or a directory of them (default `../shared/corpus`).
        dir: Option<PathBuf>,
        /// Which documents of a directory are run.
        select: Select,
        /// List every rejection, not only ours.
        all: bool,
    },
    /// `pagination [DIR|DOC]`: which operations page, by declaration or rule.
    Pagination {
        /// A document, or a directory of them (default `../shared/corpus`).
        dir: Option<PathBuf>,
        /// The rules file (default `tests/pagination/clientgen.toml`).
        settings: Option<PathBuf>,
        /// List the report lines too.
        verbose: bool,
    },
    /// `orphans REFERENCES`: fail on snapshot files no test referenced.
    Orphans {
        /// The file insta wrote the referenced snapshots to.
        references: PathBuf,
    },
}

/// What `cargo xtask` and `cargo xtask --help` print.
pub const USAGE: &str = "\
usage: cargo xtask <COMMAND> [OPTIONS]

commands:
  gen [SPEC…]        regenerate generated/ from specs/ (the named specs only, when given)
  check              fail, showing the differences, if generated/ is not what `gen` would write
  corpus [DIR]       generate and cargo-check every document in DIR (default ../shared/corpus)
  examples [DIR]     decode the response examples of DIR's documents into their generated types
  bench-compile DOC  time `cargo check` and `cargo build` of DOC's generated crate (a benchmark)
  bench-decode DOC…  MB/s decoding large list responses of DOC's types, against serde's derive,
                     serde_json::Value and sonic-rs (a benchmark)
  features DOC       cargo-check DOC's generated crate with each group feature alone; fail on any warning
  orphans FILE       fail on snapshot files that no test referenced (FILE: INSTA_SNAPSHOT_REFERENCES_FILE)
  mutants [FILE…]    mutation testing of the runtime's files with cargo-mutants (a measure; slow)
  decoders DOC…      decode generated inputs with the written-out decoders and serde's derive; fail
                     where they disagree
  conformance [DIR]  call every operation of DIR's documents (or of one document) through the generated
                     client against Prism, a validating mock; fail on a rejection of ours
  pagination [DIR]   count the paged operations of DIR's documents (or of one document), declared by
                     the document or covered by a rule of tests/pagination/clientgen.toml

Per-spec settings (crate name and version, lenient, derives, replacement types, dependencies, runtime)
are read from specs/clientgen.toml. `cargo xtask <COMMAND> --help` describes a command.
";

const GEN_HELP: &str = "\
usage: cargo xtask gen [SPEC…]

Regenerates generated/<stem>/ from specs/<stem>.yaml (or .yml, .json) with the settings of
specs/clientgen.toml. Every spec and the settings are validated before anything is written; a failure
prints `file:line:column at where: what is wrong` and leaves generated/ untouched. Only files whose bytes
change are written. Each rewritten crate whose public surface breaks callers gets a `breaking:` line.

arguments:
  SPEC…   regenerate these specs only, by stem or file name (`pets`, `pets.yaml`); default: all, and
          crates whose spec is gone are removed

options:
  -h, --help   print this help
";

const CHECK_HELP: &str = "\
usage: cargo xtask check

Fails when generated/ is not what `gen` would write from specs/ and specs/clientgen.toml: names each
stale, missing or extra file and shows a unified diff (3 lines of context, at most 40 lines a file).

options:
  -h, --help   print this help
";

const CORPUS_HELP: &str = "\
usage: cargo xtask corpus [DIR] [--no-check | --max-bytes=SIZE | --min-bytes=SIZE]

Generates a crate (leniently) for every OpenAPI document under DIR (default ../shared/corpus) and
`cargo check`s them in one workspace under target/corpus/, then prints a table and `N passed, M failed`.

options:
  --no-check         generate only
  --max-bytes=SIZE   check only the documents of at most SIZE bytes
  --min-bytes=SIZE   check only the documents of more than SIZE bytes
  -h, --help         print this help

SIZE is bytes, or a whole number with a unit: kB, MB, GB (1000, 1000², 1000³) or KiB, MiB, GiB
(1024, 1024², 1024³), upper or lower case, `B` optional (`2000000`, `2MB`, `2m`, `1536KiB`).
";

const EXAMPLES_HELP: &str = "\
usage: cargo xtask examples [DIR] [--max-bytes=SIZE | --min-bytes=SIZE]

Decodes every response example of DIR's documents (default ../shared/corpus) into its generated type;
fails unless the failures are those tests/examples/known_failures.txt lists
(CLIENTGEN_EXAMPLES_BLESS=1 rewrites it).

options:
  --max-bytes=SIZE   only the documents of at most SIZE bytes
  --min-bytes=SIZE   only the documents of more than SIZE bytes
  -h, --help         print this help

SIZE is bytes, or a whole number with a unit: kB, MB, GB (1000, 1000², 1000³) or KiB, MiB, GiB
(1024, 1024², 1024³), upper or lower case, `B` optional (`2000000`, `2MB`, `2m`, `1536KiB`).
";

const BENCH_HELP: &str = "\
usage: cargo xtask bench-compile DOC [--vs-progenitor] [--vs=CRATE[+CRATE…]]… [--runs=N] [--features=LIST]

Generates DOC's crate (leniently) under target/bench-compile/, builds its dependencies, then times
`cargo check` and `cargo build` (debug) of the crate alone, N runs after touching its sources, with
CARGO_INCREMENTAL=0, and prints the medians. A benchmark: run it on an idle machine.

options:
  --vs-progenitor    also time cargo-progenitor's crate for DOC (runs interleaved) and print the ratio;
                     needs `cargo install cargo-progenitor`
  --vs=CRATE         also time a crate of the crates registry, CRATE = name[@version][:feature,…] (the
                     newest release by default, a pre-release only by name; its default features and
                     those named), rebuilt alone
                     (`cargo clean -p`) before each run, and print the ratio; may be given again;
                     crates joined by `+` are timed together (an API split into several crates)
  --runs=N           timed runs of each command (default 5)
  --features=LIST    build the crate with only these features (comma-separated; empty: none)
  -h, --help         print this help
";

const FEATURES_HELP: &str = "\
usage: cargo xtask features DOC

Generates DOC's crate (leniently) under target/features/ and runs `cargo check` on it with no feature,
with each group feature alone (`--no-default-features --features F`), with the default features (every
group), and with the test doubles (`mock`) with no group and with the default ones, dependencies built once
in target/features-target/. Fails when any build warns or fails, showing the diagnostics. It times nothing.

options:
  -h, --help   print this help
";

const DECODERS_HELP: &str = "\
usage: cargo xtask decoders DOC… [--inputs=N] [--seed=S] [--release]

Differential testing of the generated crates' written-out `Deserialize` impls: for each document, its
`types.rs` is built twice in a harness under target/decoders/ (as generated, and read by serde's derive)
and JSON built at random from its response schemas (valid, and broken: properties removed, added or
twice, wrong types, nulls, unknown enum values, out-of-range numbers, odd date-times) is decoded both
ways. Prints a table per document; fails when the two disagree on accepting, on the value, or on where
an error is, listing the inputs.

options:
  --inputs=N   inputs per document (default 10000)
  --seed=S     the first document's seed (each further document adds 1; default 1)
  --release    build the harnesses optimized (for millions of inputs)
  -h, --help   print this help
";

const BENCH_DECODE_HELP: &str = "\
usage: cargo xtask bench-decode DOC… [--megabytes=N] [--top=N] [--rounds=N] [--seed=S] [--examples] [--debug]

Times decoding of large list responses: for each document, a harness under target/bench-decode/ holds its
generated `types.rs` and the same types read by serde's derive, builds values of every JSON response type
from its schema, and for the largest types decodes a JSON array of their values (a list response of the
size asked) into `Vec<T>`, and the events of every event stream (a stream of that size, each event alone),
with: the generated types (`from_str`, as a client does, and `from_slice`), serde's derive,
`serde_json::Value`, and sonic-rs into the generated types. Rounds alternate the decoders' order;
each figure is the median of the rounds, in MB/s; allocations are counted per decoding. It reports, and
fails only where the generated types and serde's derive read a payload differently.

options:
  --megabytes=N  payload size per response type (default 10)
  --top=N        how many response types per document, the largest (default 4)
  --rounds=N     timed rounds per decoder (default 9)
  --seed=S       the values' seed (default 1)
  --examples     payloads of the document's own response examples (each repeated to the size asked),
                 not values built from the schemas; types without an example are left out
  --debug        build the harnesses unoptimized (a smoke test: its figures mean nothing)
  -h, --help     print this help
";

const CONFORMANCE_HELP: &str = "\
usage: cargo xtask conformance [DIR|DOC] [--max-bytes=SIZE | --min-bytes=SIZE] [--all]

Request conformance at corpus scale: for every document under DIR (default ../shared/corpus), or the one
document DOC, a driver built under target/conformance-corpus/ calls every operation through the generated
client twice, with its required inputs only and with every input set, and once more per variant of a union
body (the spec's examples where it gives them, else values built from the schemas), against Stoplight
Prism validating the same document. Prints per document the operations, calls, accepted and rejected
calls and the rejections by class: ours, the validator's, the document's (the last two listed in
tests/conformance/known_rejections.txt). A document Prism cannot serve (listed there too) still has every
call sent, to a sink that answers 204: unjudged. Fails on a rejection of ours, and on a listed rejection
that no longer shows. The exact bytes of every call are in target/conformance-corpus/calls.jsonl.

options:
  --max-bytes=SIZE   only the documents of DIR up to SIZE bytes
  --min-bytes=SIZE   only the documents of DIR over SIZE bytes
  --all              list every rejection, not only ours
  -h, --help         print this help
";

const PAGINATION_HELP: &str = "\
usage: cargo xtask pagination [DIR|DOC] [--settings=FILE] [--verbose]

For every document under DIR (default ../shared/corpus), or the one document DOC, prints its operations,
the paged ones (declared by the document's own pagination extension, or covered by a rule of FILE) and
those that look paged but that nothing declares (what `gen` reports). It generates nothing.

options:
  --settings=FILE   the pagination rules, as in clientgen.toml (default tests/pagination/clientgen.toml)
  --verbose         list the operations that look paged but that nothing declares
  -h, --help        print this help
";

const MUTANTS_HELP: &str = "\
usage: cargo xtask mutants [FILE…]

Runs cargo-mutants (`cargo install cargo-mutants`) over the runtime's files (paths under
generator/runtime/src/; default: retry.rs transport.rs events/mod.rs events/framing.rs stream.rs de.rs
untagged.rs tagged.rs json_path.rs params.rs auth/session.rs auth/tokens.rs), each mutant against the
runtime's unit tests (auth/: all the runtime's tests), and prints per file `caught X of Y (Z%)` and the
missed mutants. A measure, not a test: minutes per file on two cores. Lists in target/mutants/.

options:
  -h, --help   print this help
";

const ORPHANS_HELP: &str = "\
usage: cargo xtask orphans FILE

Fails, naming them, on the insta snapshot files (*.snap outside target/) that a test run did not
reference. FILE is the list insta writes when INSTA_SNAPSHOT_REFERENCES_FILE names it:

  INSTA_SNAPSHOT_REFERENCES_FILE=$PWD/target/insta-references.txt cargo test --workspace
  cargo xtask orphans target/insta-references.txt

options:
  -h, --help   print this help
";

/// Parses the arguments after `cargo xtask`. `Err` is the message to print (with the command's usage).
pub fn parse(args: impl IntoIterator<Item = impl Into<OsString>>) -> Result<Command, String> {
    let mut parser = Parser::from_args(args);
    let command = match parser.next().map_err(|e| e.to_string())? {
        Some(Arg::Short('h') | Arg::Long("help")) => return Ok(Command::Help(USAGE)),
        Some(Arg::Value(name)) => name.string().map_err(|e| e.to_string())?,
        Some(other) => return Err(format!("{}\n\n{USAGE}", other.unexpected())),
        None => return Err(format!("a command is needed\n\n{USAGE}")),
    };
    let with_usage = |help: &'static str| move |message: String| format!("{message}\n\n{}", usage_line(help));
    match command.as_str() {
        "gen" => parse_gen(&mut parser).map_err(with_usage(GEN_HELP)),
        "check" => parse_check(&mut parser).map_err(with_usage(CHECK_HELP)),
        "corpus" => parse_corpus(&mut parser).map_err(with_usage(CORPUS_HELP)),
        "examples" => parse_examples(&mut parser).map_err(with_usage(EXAMPLES_HELP)),
        "bench-compile" => parse_bench(&mut parser).map_err(with_usage(BENCH_HELP)),
        "features" => parse_features(&mut parser).map_err(with_usage(FEATURES_HELP)),
        "orphans" => parse_orphans(&mut parser).map_err(with_usage(ORPHANS_HELP)),
        "mutants" => parse_mutants(&mut parser).map_err(with_usage(MUTANTS_HELP)),
        "decoders" => parse_decoders(&mut parser).map_err(with_usage(DECODERS_HELP)),
        "bench-decode" => parse_bench_decode(&mut parser).map_err(with_usage(BENCH_DECODE_HELP)),
        "conformance" => parse_conformance(&mut parser).map_err(with_usage(CONFORMANCE_HELP)),
        "pagination" => parse_pagination(&mut parser).map_err(with_usage(PAGINATION_HELP)),
        "help" => Ok(Command::Help(USAGE)),
        other => Err(format!(
            "unknown command `{other}`: expected gen, check, corpus, examples, bench-compile, bench-decode, features, orphans, mutants, decoders, conformance or pagination\n\n{USAGE}"
        )),
    }
}

/// The first line of a command's help, and where to read the rest.
fn usage_line(help: &str) -> String {
    let first = help.lines().next().unwrap_or_default();
    let command = first.trim_start_matches("usage: cargo xtask ").split(' ').next().unwrap_or_default();
    format!("{first}\nRun `cargo xtask {command} --help` for more.")
}

fn parse_gen(parser: &mut Parser) -> Result<Command, String> {
    let mut specs = Vec::new();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Arg::Short('h') | Arg::Long("help") => return Ok(Command::Help(GEN_HELP)),
            Arg::Value(spec) => specs.push(spec.string().map_err(|e| e.to_string())?),
            other => return Err(other.unexpected().to_string()),
        }
    }
    Ok(Command::Gen { specs })
}

fn parse_pagination(parser: &mut Parser) -> Result<Command, String> {
    let (mut dir, mut settings, mut verbose) = (None, None, false);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Arg::Short('h') | Arg::Long("help") => return Ok(Command::Help(PAGINATION_HELP)),
            Arg::Long("settings") => settings = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?)),
            Arg::Long("verbose") => verbose = true,
            Arg::Value(value) if dir.is_none() => dir = Some(PathBuf::from(value)),
            other => return Err(other.unexpected().to_string()),
        }
    }
    Ok(Command::Pagination { dir, settings, verbose })
}

fn parse_check(parser: &mut Parser) -> Result<Command, String> {
    match parser.next().map_err(|e| e.to_string())? {
        None => Ok(Command::Check),
        Some(Arg::Short('h') | Arg::Long("help")) => Ok(Command::Help(CHECK_HELP)),
        Some(Arg::Value(value)) => Err(format!("`check` takes no argument, not {value:?} (it checks every spec)")),
        Some(other) => Err(other.unexpected().to_string()),
    }
}

/// The size flags of `corpus` and `examples`, and `--no-check` where `no_check` allows it: at most one.
#[derive(Debug, PartialEq, Eq)]
enum Limit {
    All,
    None,
    UpTo(u64),
    Over(u64),
}

impl Limit {
    /// The documents a size limit selects (`--no-check` selects them all).
    fn select(self) -> Select {
        match self {
            Limit::UpTo(bytes) => Select::UpTo(bytes),
            Limit::Over(bytes) => Select::Over(bytes),
            Limit::All | Limit::None => Select::All,
        }
    }
}

/// `[DIR] [--max-bytes=SIZE | --min-bytes=SIZE]`, with `--no-check` when `no_check`, and `--all` (setting
/// it) when `all` is given.
fn parse_dir_and_limit(
    parser: &mut Parser,
    no_check: bool,
    mut all: Option<&mut bool>,
) -> Result<(Option<PathBuf>, Limit), String> {
    let mut dir = None;
    let mut limit: Option<(String, Limit)> = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        let (flag, value) = match arg {
            Arg::Short('h') | Arg::Long("help") => return Err(String::new()),
            Arg::Long("no-check") if no_check => ("--no-check", Limit::None),
            Arg::Long("all") if all.is_some() => {
                if let Some(all) = all.as_deref_mut() {
                    *all = true;
                }
                continue;
            }
            Arg::Long("max-bytes") => ("--max-bytes", Limit::UpTo(size(parser, "--max-bytes")?)),
            Arg::Long("min-bytes") => ("--min-bytes", Limit::Over(size(parser, "--min-bytes")?)),
            Arg::Value(value) if dir.is_none() => {
                dir = Some(PathBuf::from(value));
                continue;
            }
            Arg::Value(value) => return Err(format!("one directory is taken, not also {value:?}")),
            other => return Err(other.unexpected().to_string()),
        };
        if let Some((first, _)) = &limit {
            return Err(format!("{flag} and {first} cannot both be given: choose one"));
        }
        limit = Some((flag.to_owned(), value));
    }
    Ok((dir, limit.map_or(Limit::All, |(_, limit)| limit)))
}

fn parse_corpus(parser: &mut Parser) -> Result<Command, String> {
    match parse_dir_and_limit(parser, true, None) {
        Err(message) if message.is_empty() => Ok(Command::Help(CORPUS_HELP)),
        Err(message) => Err(message),
        Ok((dir, limit)) => {
            let check = match limit {
                Limit::All => Check::All,
                Limit::None => Check::None,
                Limit::UpTo(bytes) => Check::UpTo(bytes),
                Limit::Over(bytes) => Check::Over(bytes),
            };
            Ok(Command::Corpus { dir, check })
        }
    }
}

fn parse_examples(parser: &mut Parser) -> Result<Command, String> {
    match parse_dir_and_limit(parser, false, None) {
        Err(message) if message.is_empty() => Ok(Command::Help(EXAMPLES_HELP)),
        Err(message) => Err(message),
        Ok((dir, limit)) => Ok(Command::Examples { dir, select: limit.select() }),
    }
}

fn parse_bench(parser: &mut Parser) -> Result<Command, String> {
    let mut document = None;
    let mut bench = Bench { document: PathBuf::new(), vs_progenitor: false, runs: 5, features: None, vs: Vec::new() };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Arg::Short('h') | Arg::Long("help") => return Ok(Command::Help(BENCH_HELP)),
            Arg::Long("vs-progenitor") => bench.vs_progenitor = true,
            Arg::Long("vs") => {
                let text = parser.value().map_err(|e| e.to_string())?.string().map_err(|e| e.to_string())?;
                bench.vs.push(crate::bench::Peer::parse(&text)?);
            }
            Arg::Long("runs") => {
                let text = parser.value().map_err(|e| e.to_string())?.string().map_err(|e| e.to_string())?;
                bench.runs = text
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--runs={text}: expected a whole number of runs, at least 1"))?;
            }
            Arg::Long("features") => {
                let text = parser.value().map_err(|e| e.to_string())?.string().map_err(|e| e.to_string())?;
                bench.features =
                    Some(text.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_owned).collect());
            }
            Arg::Value(value) if document.is_none() => document = Some(PathBuf::from(value)),
            Arg::Value(value) => return Err(format!("one document is taken, not also {value:?}")),
            other => return Err(other.unexpected().to_string()),
        }
    }
    bench.document = document.ok_or("the OpenAPI document to build is needed")?;
    Ok(Command::BenchCompile(bench))
}

fn parse_features(parser: &mut Parser) -> Result<Command, String> {
    let document = match one_path(parser, "document", "the OpenAPI document to check is needed")? {
        Some(document) => document,
        None => return Ok(Command::Help(FEATURES_HELP)),
    };
    Ok(Command::Features { document })
}

/// The one path argument of a command (`what` names it in the message for a second one, `missing` is the
/// message for none); `None` when `--help` was asked for.
fn one_path(parser: &mut Parser, what: &str, missing: &str) -> Result<Option<PathBuf>, String> {
    let mut path = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Arg::Short('h') | Arg::Long("help") => return Ok(None),
            Arg::Value(value) if path.is_none() => path = Some(PathBuf::from(value)),
            Arg::Value(value) => return Err(format!("one {what} is taken, not also {value:?}")),
            other => return Err(other.unexpected().to_string()),
        }
    }
    path.map(Some).ok_or_else(|| missing.to_owned())
}

fn parse_mutants(parser: &mut Parser) -> Result<Command, String> {
    let mut files = Vec::new();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Arg::Short('h') | Arg::Long("help") => return Ok(Command::Help(MUTANTS_HELP)),
            Arg::Value(value) => files.push(value.string().map_err(|e| e.to_string())?),
            other => return Err(other.unexpected().to_string()),
        }
    }
    Ok(Command::Mutants { files })
}

fn parse_decoders(parser: &mut Parser) -> Result<Command, String> {
    let (mut documents, mut inputs, mut seed, mut release) = (Vec::new(), 10_000, 1, false);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Arg::Short('h') | Arg::Long("help") => return Ok(Command::Help(DECODERS_HELP)),
            Arg::Long("inputs") => inputs = parser.value().and_then(|v| v.parse()).map_err(|e| e.to_string())?,
            Arg::Long("seed") => seed = parser.value().and_then(|v| v.parse()).map_err(|e| e.to_string())?,
            Arg::Long("release") => release = true,
            Arg::Value(value) => documents.push(PathBuf::from(value)),
            other => return Err(other.unexpected().to_string()),
        }
    }
    if documents.is_empty() {
        return Err("at least one document is needed".to_owned());
    }
    Ok(Command::Decoders { documents, inputs, seed, release })
}

fn parse_bench_decode(parser: &mut Parser) -> Result<Command, String> {
    let (mut documents, mut plan) = (Vec::new(), crate::bench_decode::Plan::default());
    fn number<T: std::str::FromStr>(parser: &mut Parser, flag: &str) -> Result<T, String> {
        let text = parser.value().map_err(|e| e.to_string())?.string().map_err(|e| e.to_string())?;
        text.parse().map_err(|_| format!("--{flag}={text}: expected a number"))
    }
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Arg::Short('h') | Arg::Long("help") => return Ok(Command::Help(BENCH_DECODE_HELP)),
            Arg::Long("megabytes") => plan.bytes = (number::<f64>(parser, "megabytes")? * 1e6) as u64,
            Arg::Long("top") => plan.top = number(parser, "top")?,
            Arg::Long("rounds") => plan.rounds = number::<u64>(parser, "rounds")?.max(1),
            Arg::Long("seed") => plan.seed = number(parser, "seed")?,
            Arg::Long("debug") => plan.release = false,
            Arg::Long("examples") => plan.examples = true,
            Arg::Value(value) => documents.push(PathBuf::from(value)),
            other => return Err(other.unexpected().to_string()),
        }
    }
    if documents.is_empty() {
        return Err("at least one document is needed".to_owned());
    }
    Ok(Command::BenchDecode { documents, plan })
}

fn parse_conformance(parser: &mut Parser) -> Result<Command, String> {
    let mut all = false;
    match parse_dir_and_limit(parser, false, Some(&mut all)) {
        Err(message) if message.is_empty() => Ok(Command::Help(CONFORMANCE_HELP)),
        Err(message) => Err(message),
        Ok((dir, limit)) => Ok(Command::Conformance { dir, select: limit.select(), all }),
    }
}

fn parse_orphans(parser: &mut Parser) -> Result<Command, String> {
    let references = match one_path(parser, "file", "the file of referenced snapshots is needed")? {
        Some(references) => references,
        None => return Ok(Command::Help(ORPHANS_HELP)),
    };
    Ok(Command::Orphans { references })
}

/// The value of a size flag.
fn size(parser: &mut Parser, flag: &str) -> Result<u64, String> {
    let value = parser.value().map_err(|e| e.to_string())?;
    let text = value.string().map_err(|e| e.to_string())?;
    parse_size(&text).map_err(|why| format!("{flag}={text}: {why}"))
}

/// Bytes from `2000000`, `2MB`, `2m`, `1536KiB`: a whole number, then an optional unit.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let expected = "expected bytes such as 2000000, or a whole number with a unit: kB, MB, GB (powers of 1000) or \
                    KiB, MiB, GiB (powers of 1024)";
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().map_err(|_| expected.to_owned())?;
    let unit = unit.to_ascii_lowercase();
    let unit = unit.strip_suffix('b').filter(|u| !u.is_empty() || unit.len() == 1).unwrap_or(&unit);
    let factor: u64 = match unit {
        "" => 1,
        "k" => 1000,
        "m" => 1000u64.pow(2),
        "g" => 1000u64.pow(3),
        "ki" => 1024,
        "mi" => 1024u64.pow(2),
        "gi" => 1024u64.pow(3),
        _ => return Err(expected.to_owned()),
    };
    number.checked_mul(factor).ok_or_else(|| format!("{text} is more bytes than fit in 64 bits"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        super::parse(args.iter().copied())
    }

    #[test]
    fn every_command_has_help() {
        assert_eq!(parse(&["--help"]), Ok(Command::Help(USAGE)));
        assert_eq!(parse(&["gen", "--help"]), Ok(Command::Help(GEN_HELP)));
        assert_eq!(parse(&["gen", "pets", "-h"]), Ok(Command::Help(GEN_HELP)));
        assert_eq!(parse(&["check", "--help"]), Ok(Command::Help(CHECK_HELP)));
        assert_eq!(parse(&["corpus", "--help"]), Ok(Command::Help(CORPUS_HELP)));
        assert_eq!(parse(&["examples", "dir", "--help"]), Ok(Command::Help(EXAMPLES_HELP)));
        assert_eq!(parse(&["features", "--help"]), Ok(Command::Help(FEATURES_HELP)));
        assert_eq!(parse(&["bench-decode", "--help"]), Ok(Command::Help(BENCH_DECODE_HELP)));
    }

    #[test]
    fn benchmarks_and_their_arguments() {
        let Ok(Command::BenchCompile(bench)) =
            parse(&["bench-compile", "a.json", "--vs=octocrab", "--vs=async-stripe@1:full"])
        else {
            panic!("not a bench-compile");
        };
        let named: Vec<(&str, &str, Vec<String>)> = bench
            .vs
            .iter()
            .flat_map(|p| &p.0)
            .map(|r| (r.name.as_str(), r.version.as_str(), r.features.clone()))
            .collect();
        assert_eq!(named, [("octocrab", "*", vec![]), ("async-stripe", "1", vec!["full".to_owned()])]);
        assert!(parse(&["bench-compile", "a.json", "--vs=a b"]).is_err());
        let Ok(Command::BenchDecode { documents, plan }) = parse(&[
            "bench-decode",
            "a.json",
            "b.yaml",
            "--megabytes=2.5",
            "--top=2",
            "--rounds=3",
            "--debug",
            "--examples",
        ]) else {
            panic!("not a bench-decode");
        };
        assert_eq!(documents, [PathBuf::from("a.json"), PathBuf::from("b.yaml")]);
        assert_eq!((plan.bytes, plan.top, plan.rounds, plan.release, plan.examples), (2_500_000, 2, 3, false, true));
        assert!(parse(&["bench-decode"]).is_err());
        assert!(parse(&["bench-decode", "a.json", "--top=x"]).is_err());
    }

    #[test]
    fn commands_and_their_arguments() {
        assert_eq!(parse(&["gen"]), Ok(Command::Gen { specs: vec![] }));
        assert_eq!(
            parse(&["gen", "pets", "deskpro.yaml"]),
            Ok(Command::Gen { specs: vec!["pets".into(), "deskpro.yaml".into()] })
        );
        assert_eq!(parse(&["check"]), Ok(Command::Check));
        assert_eq!(parse(&["corpus"]), Ok(Command::Corpus { dir: None, check: Check::All }));
        assert_eq!(
            parse(&["corpus", "some/dir", "--max-bytes=2MB"]),
            Ok(Command::Corpus { dir: Some("some/dir".into()), check: Check::UpTo(2_000_000) })
        );
        assert_eq!(
            parse(&["corpus", "--min-bytes", "2000000"]),
            Ok(Command::Corpus { dir: None, check: Check::Over(2_000_000) })
        );
        assert_eq!(parse(&["corpus", "--no-check"]), Ok(Command::Corpus { dir: None, check: Check::None }));
        assert_eq!(parse(&["features", "a.json"]), Ok(Command::Features { document: "a.json".into() }));
        assert_eq!(
            parse(&["decoders", "a.json", "b.yaml", "--inputs=5", "--seed", "9", "--release"]),
            Ok(Command::Decoders {
                documents: vec!["a.json".into(), "b.yaml".into()],
                inputs: 5,
                seed: 9,
                release: true
            })
        );
        assert_eq!(
            parse(&["decoders", "a.json"]),
            Ok(Command::Decoders { documents: vec!["a.json".into()], inputs: 10_000, seed: 1, release: false })
        );
        assert_eq!(
            parse(&["conformance", "--min-bytes=25kB", "--all", "corpus"]),
            Ok(Command::Conformance { dir: Some("corpus".into()), select: Select::Over(25_000), all: true })
        );
        assert_eq!(parse(&["conformance"]), Ok(Command::Conformance { dir: None, select: Select::All, all: false }));
        assert!(parse(&["corpus", "--all"]).is_err(), "--all is conformance's only");
        assert_eq!(
            parse(&["examples", "--max-bytes=1MiB"]),
            Ok(Command::Examples { dir: None, select: Select::UpTo(1 << 20) })
        );
    }

    #[test]
    fn mistakes_say_what_was_expected() {
        let cases: &[&[&str]] = &[
            &[],
            &["generate"],
            &["gen", "--lenient"],
            &["check", "pets"],
            &["corpus", "--max-bytes=2XB"],
            &["corpus", "--max-bytes"],
            &["corpus", "--no-check", "--min-bytes=1"],
            &["corpus", "a", "b"],
            &["examples", "--no-check"],
        ];
        let shown: Vec<String> = cases
            .iter()
            .map(|args| format!("$ cargo xtask {}\n{}", args.join(" "), parse(args).unwrap_err()))
            .collect();
        insta::assert_snapshot!(shown.join("\n\n"));
    }

    #[test]
    fn sizes_take_decimal_and_binary_units() {
        for (text, bytes) in [
            ("2000000", 2_000_000),
            ("2MB", 2_000_000),
            ("2mb", 2_000_000),
            ("2M", 2_000_000),
            ("2kB", 2_000),
            ("2K", 2_000),
            ("1GB", 1_000_000_000),
            ("2MiB", 2 * 1024 * 1024),
            ("1536KiB", 1536 * 1024),
            ("1Gi", 1 << 30),
            ("7B", 7),
            ("0", 0),
        ] {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
        for bad in ["", "MB", "2XB", "2 MB", "-1", "1.5MB", "2MBB", "99999999999GiB"] {
            assert!(parse_size(bad).is_err(), "{bad} was accepted");
        }
    }
}
