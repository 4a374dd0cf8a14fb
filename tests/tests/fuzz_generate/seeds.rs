//! The seed documents, read once and parsed to JSON.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

pub(crate) struct Seed {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) value: Value,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

pub(crate) fn fuzz_dir() -> PathBuf {
    repo_root().join("tests/fuzz")
}

/// `specs/*.yaml`, and the corpus documents of at most 500 KB (3.0 and 3.1) when the corpus is there.
pub(crate) fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut files: Vec<PathBuf> = Vec::new();
        for dir in [repo_root().join("specs"), repo_root().join("tests").join("constructs")] {
            let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap_or_else(|err| panic!("{} is not readable: {err}", dir.display()))
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
                .collect();
            specs.sort();
            files.extend(specs);
        }
        let corpus = repo_root().join("../shared/corpus");
        match std::fs::read_to_string(corpus.join("MANIFEST.tsv")) {
            Ok(manifest) => {
                for line in manifest.lines().skip(1) {
                    let mut columns = line.split('\t');
                    let Some(path) = columns.next() else { continue };
                    let size: u64 = columns.nth(4).and_then(|s| s.parse().ok()).unwrap_or(0);
                    if size > 500_000 {
                        continue;
                    }
                    let file = corpus.join(path);
                    if std::fs::metadata(&file).is_ok_and(|m| m.len() <= 500_000) {
                        files.push(file);
                    }
                }
            }
            Err(_) => eprintln!("fuzz_generate: no corpus at {}; seeding from specs/ only", corpus.display()),
        }
        files
            .into_iter()
            .filter_map(|file| {
                let text = std::fs::read_to_string(&file).ok()?;
                let value = parse_value(&text)?;
                Some(Seed { name: file.display().to_string(), text, value })
            })
            .collect()
    })
}

/// A YAML or JSON document as JSON (mapping keys as strings, merge keys applied, tags dropped).
pub(crate) fn parse_value(text: &str) -> Option<Value> {
    if text.trim_start().starts_with('{') {
        if let Ok(value) = serde_json::from_str(text) {
            return Some(value);
        }
    }
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
    yaml.apply_merge().ok()?;
    Some(yaml_to_json(yaml))
}

fn yaml_to_json(yaml: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_yaml::to_string(&other).unwrap_or_default().trim_end().to_owned(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}
