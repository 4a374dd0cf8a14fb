//! The independent judge: `tests/examples/validate.py` (openapi-schema-validator's `OAS30Validator`, or `OAS31Validator` for 3.1) tells
//! whether a failing example is valid against its own schema. Python, because no Rust validator knows
//! OpenAPI 3.0's schema dialect (`nullable`), and a judge written apart from the generator is the point.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// What the validator said of one example.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// Whether the example is valid against its schema.
    pub valid: bool,
    /// The validator's most relevant error, for an invalid example.
    pub error: Option<String>,
    /// For a valid example, the first `format` it breaks (reported, not judged: see validate.py).
    pub format: Option<String>,
}

/// The validator script and the interpreter that runs it.
pub struct Validator {
    python: PathBuf,
    script: PathBuf,
}

impl Validator {
    /// The validator, installed first where it is not (see [`crate::tools::python`]); `Err` naming the
    /// install command when it cannot be installed or imported.
    pub fn find(root: &Path) -> Result<Validator, String> {
        let python = crate::tools::python(root)?;
        let script = root.join("tests").join("examples").join("validate.py");
        let output = Command::new(&python)
            .arg(&script)
            .arg("--check")
            .output()
            .map_err(|err| format!("cannot run {} ({err})", python.display()))?;
        if output.status.success() {
            Ok(Validator { python, script })
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let install = crate::tools::PYTHON_INSTALL;
            Err(format!("the example validator cannot run: {}\n(install it with `{install}`)", stderr.trim()))
        }
    }

    /// Validates each `(schema pointer, example)` against `document` (a JSON file); one verdict each, in order.
    /// `scratch` is a file to write the items to.
    pub fn validate(&self, document: &Path, items: &[(&str, &Value)], scratch: &Path) -> Result<Vec<Verdict>, String> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<Value> = items
            .iter()
            .map(|(pointer, example)| serde_json::json!({"document": document, "pointer": pointer, "example": example}))
            .collect();
        let text = serde_json::to_string(&list).map_err(|err| err.to_string())?;
        std::fs::write(scratch, text).map_err(|err| format!("cannot write {}: {err}", scratch.display()))?;
        let output = Command::new(&self.python)
            .arg(&self.script)
            .arg(scratch)
            .output()
            .map_err(|err| format!("cannot run {}: {err}", self.python.display()))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!("validate.py failed on {}: {}", scratch.display(), stderr.trim()));
        }
        let verdicts: Vec<Verdict> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| {
                let parsed: Value =
                    serde_json::from_str(line).map_err(|err| format!("validate.py printed `{line}`: {err}"))?;
                let text = |field: &str| parsed[field].as_str().map(str::to_owned);
                Ok(Verdict {
                    valid: parsed["valid"] == Value::Bool(true),
                    error: text("error"),
                    format: text("format"),
                })
            })
            .collect::<Result<_, String>>()?;
        if verdicts.len() != items.len() {
            return Err(format!("validate.py answered {} of {} examples", verdicts.len(), items.len()));
        }
        Ok(verdicts)
    }
}
