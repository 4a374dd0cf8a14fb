//! `clientgen.toml`, in the specs directory: the settings of the specs beside it, one `[specs.<stem>]` table
//! per spec, read and validated with errors located like a spec's (`file:line:column at key.path: what is
//! wrong`).
//!
//! ```toml
//! runtime = { git = "https://github.com/you/clientgen" }   # every crate's clientgen-runtime (or per spec)
//!
//! [specs.openai]
//! name = "openai-client"        # the package name (default: `<stem>-client`)
//! version = "0.1.0"             # the package version (default: 0.1.0)
//! lenient = true                # accept mistakes with one safe reading (default: false)
//! derives = ["Eq", "Hash"]      # on every type of `types.rs` that can take them
//! group-features = false        # no cargo feature per group of operations (default: true)
//! runtime = { path = "../../generator/runtime" }   # or { version = "0.1" }, { git = "…", tag = "…" }
//!
//! [specs.openai.replace]        # schema (as in the spec) = an existing Rust type
//! Pet = "pet_types::Pet"
//!
//! [specs.openai.dependencies]   # added to the generated Cargo.toml (paths relative to generated/<stem>/)
//! pet-types = { path = "../../types" }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

/// The settings file's name, in the specs directory.
pub const FILE: &str = "clientgen.toml";

/// A mistake in the settings file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    /// The file, as shown.
    pub file: String,
    /// 1-based line and column, where known.
    pub position: Option<(usize, usize)>,
    /// The dotted key path (`specs.pets.lenient`), where known.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if !self.key.is_empty() {
            write!(f, " at {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    /// Where every generated crate finds `clientgen-runtime`, unless its spec's table says otherwise.
    runtime: Option<Spanned<Dependency>>,
    #[serde(default)]
    specs: BTreeMap<String, Spanned<Spec>>,
}

/// One spec's settings, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    name: Option<Spanned<String>>,
    version: Option<Spanned<String>>,
    #[serde(default)]
    lenient: bool,
    #[serde(default)]
    derives: Vec<Spanned<String>>,
    #[serde(rename = "group-features")]
    group_features: Option<bool>,
    #[serde(default)]
    replace: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    dependencies: BTreeMap<String, Spanned<Dependency>>,
    runtime: Option<Spanned<Dependency>>,
    /// Pagination rules (`[[specs.<stem>.pagination]]`), read by the generator.
    #[serde(default)]
    pagination: Vec<Spanned<toml::Value>>,
}

/// A dependency: a version requirement (`"1"`) or a table of the keys below.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct DependencyTable {
    version: Option<String>,
    path: Option<String>,
    git: Option<String>,
    branch: Option<String>,
    tag: Option<String>,
    rev: Option<String>,
    package: Option<String>,
    default_features: Option<bool>,
    features: Option<Vec<String>>,
}

/// A dependency as written: `name = "1"` as Cargo reads it, or a table.
#[derive(Debug)]
struct Dependency(DependencyTable);

impl<'de> Deserialize<'de> for Dependency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Dependency;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a version requirement or a table with `version`, `path`, `git` (and `branch`, `tag` or `rev`), \
                     `package`, `default-features`, `features`",
                )
            }
            fn visit_str<E: serde::de::Error>(self, version: &str) -> Result<Dependency, E> {
                Ok(Dependency(DependencyTable { version: Some(version.to_owned()), ..DependencyTable::default() }))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Dependency, A::Error> {
                DependencyTable::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Dependency)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Dependency {
    /// The inline TOML value (`{ version = "1", features = ["derive"] }`), keys in a fixed order.
    fn to_toml(&self) -> String {
        let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
        let table = &self.0;
        let mut parts = Vec::new();
        if let Some(package) = &table.package {
            parts.push(format!("package = {}", quote(package)));
        }
        if let Some(version) = &table.version {
            parts.push(format!("version = {}", quote(version)));
        }
        if let Some(path) = &table.path {
            parts.push(format!("path = {}", quote(path)));
        }
        for (key, value) in [("git", &table.git), ("branch", &table.branch), ("tag", &table.tag), ("rev", &table.rev)] {
            if let Some(value) = value {
                parts.push(format!("{key} = {}", quote(value)));
            }
        }
        if let Some(default) = table.default_features {
            parts.push(format!("default-features = {default}"));
        }
        if let Some(features) = &table.features {
            let list: Vec<String> = features.iter().map(|f| quote(f)).collect();
            parts.push(format!("features = [{}]", list.join(", ")));
        }
        format!("{{ {} }}", parts.join(", "))
    }

    /// What is wrong with where the dependency comes from: no source, or a `branch`, `tag` or `rev` without
    /// `git` or more than one of them.
    fn source_error(&self) -> Option<&'static str> {
        let table = &self.0;
        let git_refs = [&table.branch, &table.tag, &table.rev].iter().filter(|r| r.is_some()).count();
        if table.version.is_none() && table.path.is_none() && table.git.is_none() {
            Some("needs a `version`, a `path` or a `git` repository")
        } else if git_refs > 0 && table.git.is_none() {
            Some("`branch`, `tag` and `rev` go with `git`")
        } else if git_refs > 1 {
            Some("give one of `branch`, `tag` and `rev`")
        } else {
            None
        }
    }
}

/// The settings of every spec, from `clientgen.toml` (none when there is no such file).
#[derive(Debug, Default)]
pub struct Settings {
    /// The file as shown in messages.
    file: String,
    /// Its text, to locate spans.
    text: String,
    /// The runtime dependency of every crate whose table names none, as TOML.
    runtime: Option<String>,
    /// By spec stem, with the span of the table's name.
    specs: BTreeMap<String, (Range<usize>, Spec)>,
}

impl Settings {
    /// Reads `clientgen.toml` in the specs directory `dir` (shown in messages as `shown`), for the specs whose
    /// stems are `stems`.
    pub fn load(dir: &Path, shown: &Path, stems: &[String]) -> Result<Self, SettingsError> {
        let path: PathBuf = dir.join(FILE);
        let file = shown.join(FILE).display().to_string();
        match fs::read_to_string(&path) {
            Ok(text) => Self::parse(&file, &text, stems),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Self { file, ..Self::default() }),
            Err(err) => Err(SettingsError { file, position: None, key: String::new(), message: err.to_string() }),
        }
    }

    /// Reads settings text shown as `file`, for the specs whose stems are `stems`: an unknown key, a value
    /// of the wrong type, a table for a spec that is not there, a bad package name or version, a dependency
    /// with neither `version` nor `path`, or two crates of one name are errors.
    pub fn parse(file: &str, text: &str, stems: &[String]) -> Result<Self, SettingsError> {
        let error = |span: Option<Range<usize>>, key: String, message: String| SettingsError {
            file: file.to_owned(),
            position: span.map(|span| position(text, span.start)),
            key,
            message,
        };
        let deserializer = toml::de::Deserializer::parse(text)
            .map_err(|err| error(err.span(), String::new(), err.message().trim_end().to_owned()))?;
        let document: Document = serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let key = key_path(err.path());
            let inner = err.into_inner();
            error(inner.span(), key, inner.message().trim_end().to_owned())
        })?;
        if let Some(error_text) = document.runtime.as_ref().and_then(|dep| dep.get_ref().source_error()) {
            let span = document.runtime.as_ref().map(Spanned::span);
            return Err(error(span, "runtime".into(), error_text.into()));
        }
        let mut specs = BTreeMap::new();
        for (stem, spec) in document.specs {
            let span = spec.span();
            let spec = spec.into_inner();
            let key = format!("specs.{stem}");
            if !stems.contains(&stem) {
                let known = if stems.is_empty() { "there are none".to_owned() } else { stems.join(", ") };
                let message = format!(
                    "no spec `{stem}` beside this file (`{stem}.yaml`, `.yml` or `.json`); the specs are: {known}"
                );
                return Err(error(Some(span), key, message));
            }
            if let Some(name) = &spec.name {
                if !is_package_name(name.get_ref()) {
                    let message = format!(
                        "{:?} is not a package name (a letter, then letters, digits, `-`, `_`)",
                        name.get_ref()
                    );
                    return Err(error(Some(name.span()), format!("{key}.name"), message));
                }
            }
            if let Some(version) = &spec.version {
                if !is_semver(version.get_ref()) {
                    let message = format!("{:?} is not a semantic version such as \"1.2.3\"", version.get_ref());
                    return Err(error(Some(version.span()), format!("{key}.version"), message));
                }
            }
            let dependencies = spec.dependencies.iter().map(|(name, dep)| (format!("dependencies.{name}"), dep));
            for (at, dep) in dependencies.chain(spec.runtime.iter().map(|dep| ("runtime".to_owned(), dep))) {
                if let Some(message) = dep.get_ref().source_error() {
                    return Err(error(Some(dep.span()), format!("{key}.{at}"), message.to_owned()));
                }
            }
            specs.insert(stem, (span, spec));
        }
        let runtime = document.runtime.map(|dep| dep.get_ref().to_toml());
        let settings = Self { file: file.to_owned(), text: text.to_owned(), runtime, specs };
        let mut names: BTreeMap<String, &str> = BTreeMap::new();
        for stem in stems {
            let name = settings.crate_name(stem);
            if let Some(other) = names.insert(name.clone(), stem) {
                let (span, at) = match settings.specs.get(stem).and_then(|(_, spec)| spec.name.as_ref()) {
                    Some(named) => (Some(named.span()), format!("specs.{stem}.name")),
                    None => (
                        settings.specs.get(other).and_then(|(_, s)| s.name.as_ref()).map(Spanned::span),
                        format!("specs.{other}.name"),
                    ),
                };
                let message = format!("the crates of `{other}` and `{stem}` would both be called `{name}`");
                return Err(error(span, at, message));
            }
        }
        Ok(settings)
    }

    /// The package name of the crate of the spec `stem`.
    pub fn crate_name(&self, stem: &str) -> String {
        match self.specs.get(stem).and_then(|(_, spec)| spec.name.as_ref()) {
            Some(name) => name.get_ref().clone(),
            None => clientgen::Options::for_spec(Path::new(stem), "").crate_name,
        }
    }

    /// The `clientgen-runtime` dependency of the crate of `stem` as TOML: its table's `runtime`, else the
    /// file's, else none.
    pub fn runtime(&self, stem: &str) -> Option<String> {
        let own = self.specs.get(stem).and_then(|(_, spec)| spec.runtime.as_ref());
        own.map(|dep| dep.get_ref().to_toml()).or_else(|| self.runtime.clone())
    }

    /// The file as shown in messages.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The generator's options for the spec at `spec` (as shown, relative to the root) with stem `stem`;
    /// `runtime` is the `clientgen-runtime` dependency when the settings name none.
    pub fn options(&self, spec: &Path, stem: &str, runtime: &str) -> clientgen::Options {
        let mut options = clientgen::Options::for_spec(spec, runtime);
        options.crate_name = self.crate_name(stem);
        if let Some(runtime) = self.runtime(stem) {
            options.runtime_dependency = runtime;
        }
        let Some((_, settings)) = self.specs.get(stem) else {
            return options;
        };
        if let Some(version) = &settings.version {
            options.crate_version = version.get_ref().clone();
        }
        options.lenient = settings.lenient;
        options.derives = settings.derives.iter().map(|d| d.get_ref().clone()).collect();
        options.group_features = settings.group_features.unwrap_or(true);
        options.replacements =
            settings.replace.iter().map(|(schema, path)| (schema.clone(), path.get_ref().clone())).collect();
        options.dependencies =
            settings.dependencies.iter().map(|(name, dep)| (name.clone(), dep.get_ref().to_toml())).collect();
        // TOML values are JSON values (a date-time, which no rule takes, becomes its text).
        options.pagination = settings
            .pagination
            .iter()
            .map(|rule| serde_json::to_value(rule.get_ref()).unwrap_or(serde_json::Value::Null))
            .collect();
        options
    }

    /// What to print for a generator error of the spec `stem`: located in the settings file when its settings
    /// caused it (see [`Settings::locate`]), else located in the spec as the error itself says.
    pub fn explain(&self, stem: &str, err: &clientgen::Error) -> String {
        self.locate(stem, err).map_or_else(|| err.to_string(), |located| located.to_string())
    }

    /// A generator error that the settings of `stem` caused (a replacement of a schema the spec lacks, a bad
    /// derive or dependency), located in the settings file; `None` for the spec's own errors.
    pub fn locate(&self, stem: &str, err: &clientgen::Error) -> Option<SettingsError> {
        let (_, spec) = self.specs.get(stem)?;
        let key = format!("specs.{stem}");
        let (span, key) = match &err.kind {
            clientgen::ErrorKind::UnknownReplacement(schema) => {
                (spec.replace.get(schema)?.span(), format!("{key}.replace.{schema}"))
            }
            clientgen::ErrorKind::BadReplacement { schema, .. } => {
                (spec.replace.get(schema)?.span(), format!("{key}.replace.{schema}"))
            }
            clientgen::ErrorKind::BadDerive { derive, .. } => {
                let index = spec.derives.iter().rposition(|d| d.get_ref() == derive)?;
                (spec.derives[index].span(), format!("{key}.derives[{index}]"))
            }
            clientgen::ErrorKind::BadDependency { name, .. } => {
                (spec.dependencies.get(name)?.span(), format!("{key}.dependencies.{name}"))
            }
            clientgen::ErrorKind::BadPaginationRule { index, .. } => {
                (spec.pagination.get(*index)?.span(), format!("{key}.pagination[{index}]"))
            }
            _ => return None,
        };
        let message = match &err.kind {
            clientgen::ErrorKind::UnknownReplacement(schema) => {
                format!("{} has no schema {schema:?} in `components/schemas` to replace", err.file.display())
            }
            kind => kind.to_string(),
        };
        Some(SettingsError { file: self.file.clone(), position: Some(position(&self.text, span.start)), key, message })
    }
}

/// The dotted path of keys (`specs.pets.derives[1]`) where deserialization failed, without the inner keys
/// of `Spanned` values.
fn key_path(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            serde_path_to_error::Segment::Map { key } | serde_path_to_error::Segment::Enum { variant: key } => {
                if !key.starts_with("$__serde_spanned") {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    out
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A Cargo package name: a letter, then letters, digits, `-` and `_`.
fn is_package_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `MAJOR.MINOR.PATCH`, with an optional `-pre` and `+build` of letters, digits, `-` and `.`.
fn is_semver(version: &str) -> bool {
    let (core, rest) = version.split_once(['-', '+']).map_or((version, ""), |(core, rest)| (core, rest));
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0')))
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
        && !version.ends_with(['-', '+', '.'])
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUNTIME: &str = "{ path = \"../../generator/runtime\" }";

    fn stems() -> Vec<String> {
        vec!["deskpro".into(), "pets".into()]
    }

    fn error(text: &str) -> String {
        Settings::parse("specs/clientgen.toml", text, &stems()).unwrap_err().to_string()
    }

    #[test]
    fn every_setting_becomes_an_option() {
        let text = r#"
[specs.pets]
name = "pet-store"
version = "2.1.0-beta.1"
lenient = true
derives = ["Eq", "Hash", "schemars::JsonSchema"]
group-features = false
runtime = { version = "0.1", package = "clientgen-runtime" }

[specs.pets.replace]
Pet = "pet_types::Pet"

[specs.pets.dependencies]
pet-types = { path = "../../types", default-features = false, features = ["serde"] }
schemars = "0.8"
"#;
        let settings = Settings::parse("specs/clientgen.toml", text, &stems()).unwrap();
        let options = settings.options(Path::new("specs/pets.yaml"), "pets", RUNTIME);
        assert_eq!(options.crate_name, "pet-store");
        assert_eq!(options.crate_version, "2.1.0-beta.1");
        assert!(!options.group_features);
        assert!(options.lenient);
        assert_eq!(options.derives, ["Eq", "Hash", "schemars::JsonSchema"]);
        assert_eq!(options.runtime_dependency, r#"{ package = "clientgen-runtime", version = "0.1" }"#);
        assert_eq!(options.replacements, BTreeMap::from([("Pet".to_owned(), "pet_types::Pet".to_owned())]));
        assert_eq!(
            options.dependencies,
            [
                (
                    "pet-types".to_owned(),
                    r#"{ path = "../../types", default-features = false, features = ["serde"] }"#.to_owned()
                ),
                ("schemars".to_owned(), r#"{ version = "0.8" }"#.to_owned()),
            ]
        );
        // A spec without a table keeps the defaults.
        let default = settings.options(Path::new("specs/deskpro.yaml"), "deskpro", RUNTIME);
        let plain = clientgen::Options::for_spec(Path::new("specs/deskpro.yaml"), RUNTIME);
        assert_eq!(format!("{default:?}"), format!("{plain:?}"));
    }

    #[test]
    fn the_runtime_comes_from_the_spec_then_the_file_then_the_default() {
        let text = r#"
runtime = { git = "https://example.com/clientgen", tag = "v0.1.0" }

[specs.pets]
runtime = { path = "../../../clientgen/generator/runtime" }
"#;
        let settings = Settings::parse("specs/clientgen.toml", text, &stems()).unwrap();
        let runtime = |stem: &str| settings.options(Path::new("specs/x.yaml"), stem, RUNTIME).runtime_dependency;
        assert_eq!(runtime("pets"), r#"{ path = "../../../clientgen/generator/runtime" }"#);
        assert_eq!(runtime("deskpro"), r#"{ git = "https://example.com/clientgen", tag = "v0.1.0" }"#);
        let none = Settings::parse("specs/clientgen.toml", "", &stems()).unwrap();
        assert_eq!(none.runtime("pets"), None);
        assert_eq!(none.options(Path::new("specs/pets.yaml"), "pets", RUNTIME).runtime_dependency, RUNTIME);
    }

    #[test]
    fn mistakes_are_located_in_the_file() {
        let cases = [
            ("a syntax error", "[specs.pets]\nlenient = true\nname = \"pets\n"),
            ("an unknown key", "[specs.pets]\nlenient = true\nlenent = false\n"),
            ("an unknown key of the file", "[spec.pets]\nlenient = true\n"),
            ("a value of the wrong type", "[specs.pets]\nlenient = \"yes\"\n"),
            ("a spec that is not there", "[specs.pets]\nlenient = true\n\n[specs.petz]\nlenient = true\n"),
            ("a bad package name", "[specs.pets]\nname = \"pets client\"\n"),
            ("a bad version", "[specs.pets]\nversion = \"1.0\"\n"),
            ("a dependency without a source", "[specs.pets.dependencies]\npet-types = { features = [\"x\"] }\n"),
            ("an unknown dependency key", "[specs.pets.dependencies]\npet-types = { gti = \"https://x\" }\n"),
            ("a tag without git", "[specs.pets.dependencies]\npet-types = { path = \"../x\", tag = \"v1\" }\n"),
            ("two git references", "runtime = { git = \"https://x\", tag = \"v1\", rev = \"abc\" }\n"),
            ("two crates of one name", "[specs.pets]\nname = \"deskpro-client\"\n"),
        ];
        let shown: Vec<String> = cases.iter().map(|(what, text)| format!("{what}:\n{}", error(text))).collect();
        insta::assert_snapshot!(shown.join("\n\n"));
    }

    #[test]
    fn no_file_is_no_settings() {
        let root = std::env::temp_dir().join(format!("clientgen-settings-none-{}", std::process::id()));
        let settings = Settings::load(&root, Path::new("specs"), &stems()).unwrap();
        assert_eq!(settings.crate_name("pets"), "pets-client");
    }

    #[test]
    fn positions_count_lines_and_characters() {
        assert_eq!(position("ab\ncé\nx", 0), (1, 1));
        assert_eq!(position("ab\ncé\nx", 3), (2, 1));
        assert_eq!(position("ab\ncé\nx", 7), (3, 1));
        assert_eq!(position("ab\ncé\nx", 6), (2, 3));
    }

    #[test]
    fn versions_are_semver() {
        for good in ["0.1.0", "1.2.3", "10.0.0-beta.1", "1.0.0+build.5", "1.0.0-rc.1+b"] {
            assert!(is_semver(good), "{good}");
        }
        for bad in ["1.0", "1", "v1.0.0", "1.0.0-", "01.0.0", "1.0.x", "2024-06-01"] {
            assert!(!is_semver(bad), "{bad}");
        }
    }
}
