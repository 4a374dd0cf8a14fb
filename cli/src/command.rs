//! The command line of `clientgen` (and of a user's `cargo xtask` built on this library): `gen [SPEC…]` and
//! `check`, with `--specs DIR` and `--out DIR`, `--help` on each; mistakes say what was expected.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use lexopt::{Arg, Parser, ValueExt};

use crate::Project;

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print this text and succeed.
    Help(String),
    /// `gen [SPEC…]`: regenerate these specs' crates (every spec's when none is named).
    Gen {
        /// Spec stems or file names (`pets`, `pets.yaml`).
        specs: Vec<String>,
    },
    /// `check`: fail, showing the differences, when the crates are not what `gen` would write.
    Check,
}

/// A parsed command line: the command and the directories it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The command.
    pub command: Command,
    /// `--specs DIR`, relative to the root.
    pub specs: Option<PathBuf>,
    /// `--out DIR`, relative to the root.
    pub out: Option<PathBuf>,
}

/// The usage of `program` (`clientgen`, `cargo xtask`).
pub fn usage(program: &str) -> String {
    format!(
        "\
usage: {program} <COMMAND> [--specs DIR] [--out DIR]

commands:
  gen [SPEC…]   regenerate the crates from the specs (the named specs only, when given)
  check         fail, showing the differences, if the crates are not what `gen` would write

options:
  --specs DIR   the specs and their clientgen.toml (default: specs)
  --out DIR     where each spec's crate is written, as DIR/<stem>/ (default: generated)
  -h, --help    print this help

Settings (crate names and versions, lenient, derives, replacement types, dependencies, and where the
crates find clientgen-runtime) are read from clientgen.toml in the specs directory.
`{program} <COMMAND> --help` describes a command.
"
    )
}

/// The help of `gen`.
pub fn gen_help(program: &str) -> String {
    format!(
        "\
usage: {program} gen [SPEC…] [--specs DIR] [--out DIR]

Regenerates <out>/<stem>/ from <specs>/<stem>.yaml (or .yml, .json) with the settings of
<specs>/clientgen.toml. Every spec and the settings are validated before anything is written; a failure
prints `file:line:column at where: what is wrong` and leaves the crates untouched. Only files whose bytes
change are written. Each rewritten crate whose public surface breaks callers gets a `breaking:` line.

arguments:
  SPEC…   regenerate these specs only, by stem or file name (`pets`, `pets.yaml`); default: all, and
          crates whose spec is gone are removed

options:
  --specs DIR   the specs directory (default: specs)
  --out DIR     the crates' directory (default: generated)
  -h, --help    print this help
"
    )
}

/// The help of `check`.
pub fn check_help(program: &str) -> String {
    format!(
        "\
usage: {program} check [--specs DIR] [--out DIR]

Fails when the crates are not what `gen` would write from the specs and their clientgen.toml: names each
stale, missing or extra file and shows a unified diff (3 lines of context, at most 40 lines a file).

options:
  --specs DIR   the specs directory (default: specs)
  --out DIR     the crates' directory (default: generated)
  -h, --help    print this help
"
    )
}

/// Parses the arguments after the program's name. `Err` is the message to print.
pub fn parse(program: &str, args: impl IntoIterator<Item = impl Into<OsString>>) -> Result<Invocation, String> {
    let mut parser = Parser::from_args(args);
    let mut invocation = Invocation { command: Command::Check, specs: None, out: None };
    let mut name: Option<String> = None;
    let mut specs = Vec::new();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        let help = |name: &Option<String>| match name.as_deref() {
            Some("gen") => gen_help(program),
            Some("check") => check_help(program),
            _ => usage(program),
        };
        let with_help = |message: String, name: &Option<String>| {
            let help = help(name);
            let first = help.lines().next().unwrap_or_default().to_owned();
            format!("{message}\n\n{first}\nRun `{program} --help` for more.")
        };
        match arg {
            Arg::Short('h') | Arg::Long("help") => {
                invocation.command = Command::Help(help(&name));
                return Ok(invocation);
            }
            Arg::Long("specs") => {
                invocation.specs = Some(parser.value().map_err(|e| with_help(e.to_string(), &name))?.into())
            }
            Arg::Long("out") => {
                invocation.out = Some(parser.value().map_err(|e| with_help(e.to_string(), &name))?.into())
            }
            Arg::Value(value) if name.is_none() => {
                let value = value.string().map_err(|e| e.to_string())?;
                match value.as_str() {
                    "gen" | "check" => name = Some(value),
                    "help" => {
                        invocation.command = Command::Help(usage(program));
                        return Ok(invocation);
                    }
                    other => {
                        return Err(format!("unknown command `{other}`: expected gen or check\n\n{}", usage(program)));
                    }
                }
            }
            Arg::Value(value) if name.as_deref() == Some("gen") => {
                specs.push(value.string().map_err(|e| e.to_string())?)
            }
            Arg::Value(value) => {
                return Err(with_help(
                    format!("`check` takes no argument, not {value:?} (it checks every spec)"),
                    &name,
                ));
            }
            other => return Err(with_help(other.unexpected().to_string(), &name)),
        }
    }
    invocation.command = match name.as_deref() {
        Some("gen") => Command::Gen { specs },
        Some(_) => Command::Check,
        None => return Err(format!("a command is needed\n\n{}", usage(program))),
    };
    Ok(invocation)
}

/// Runs the command line `args` (after the program's name) on `project`, printing the report to stdout and
/// errors to stderr: what `clientgen` does, and all a user's `xtask/src/main.rs` needs to call. `program`
/// names the command in help and messages.
pub fn run(program: &str, project: Project, args: impl IntoIterator<Item = impl Into<OsString>>) -> ExitCode {
    let invocation = match parse(program, args) {
        Ok(invocation) => invocation,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let mut project = project;
    if let Some(dir) = &invocation.specs {
        project = project.with_specs_dir(dir);
    }
    if let Some(dir) = &invocation.out {
        project = project.with_out_dir(dir);
    }
    let result = match invocation.command {
        Command::Help(text) => {
            print!("{text}");
            Ok(())
        }
        Command::Gen { specs } => project.generate(&specs).map(|report| {
            for line in report {
                println!("{line}");
            }
        }),
        Command::Check => project.check().map(|line| println!("{line}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Invocation, String> {
        super::parse("clientgen", args.iter().copied())
    }

    #[test]
    fn commands_flags_and_help() {
        let generated = parse(&["gen", "pets", "--specs", "api", "--out=crates", "shop.yaml"]).unwrap();
        assert_eq!(generated.command, Command::Gen { specs: vec!["pets".into(), "shop.yaml".into()] });
        assert_eq!((generated.specs, generated.out), (Some("api".into()), Some("crates".into())));
        assert_eq!(parse(&["--out", "x", "check"]).unwrap().command, Command::Check);
        assert_eq!(parse(&["gen", "--help"]).unwrap().command, Command::Help(gen_help("clientgen")));
        assert_eq!(parse(&["check", "-h"]).unwrap().command, Command::Help(check_help("clientgen")));
        assert_eq!(parse(&["--help"]).unwrap().command, Command::Help(usage("clientgen")));
    }

    #[test]
    fn mistakes_say_what_was_expected() {
        let cases: &[&[&str]] = &[&[], &["generate"], &["gen", "--lenient"], &["check", "pets"], &["gen", "--out"]];
        let shown: Vec<String> =
            cases.iter().map(|args| format!("$ clientgen {}\n{}", args.join(" "), parse(args).unwrap_err())).collect();
        insta::assert_snapshot!(shown.join("\n\n"));
    }
}
