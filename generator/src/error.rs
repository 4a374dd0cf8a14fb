//! Every way generation can fail, as a value that says where in which spec and what to do about it.

use std::fmt;
use std::path::PathBuf;

/// A failure to turn a spec into a crate, located in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The spec file (as given to the generator).
    pub file: PathBuf,
    /// RFC 6901 JSON pointer to the offending place (`""` is the whole document).
    pub pointer: String,
    /// 1-based line and column, where the parser gives them.
    pub position: Option<(u32, u32)>,
    /// What is wrong.
    pub kind: ErrorKind,
}

/// What is wrong with a spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Io(String),
    /// The text is not YAML (nor JSON, which is YAML too).
    #[error("not valid YAML or JSON: {0}")]
    Syntax(String),
    /// The document is not an OpenAPI document at all.
    #[error("not an OpenAPI document: {0}")]
    NotOpenApi(String),
    /// The document is OpenAPI, but of a version this generator does not read.
    #[error("{found} is not supported: this generator reads OpenAPI 3.0.x and 3.1.x documents{hint}")]
    UnsupportedVersion {
        /// The version the document declares.
        found: String,
        /// What to do.
        hint: &'static str,
    },
    /// The document does not follow the schema of the OpenAPI version it declares.
    #[error("does not follow OpenAPI {version}: {reason}")]
    Invalid {
        /// The version the document declares (`3.0.3`, `3.1.0`).
        version: String,
        /// What is wrong.
        reason: String,
    },
    /// A `$ref` points at nothing.
    #[error("`$ref` {0:?} points at nothing in this document; define its target or fix the reference")]
    DanglingRef(String),
    /// A `$ref` points at a component of the wrong kind.
    #[error("`$ref` {reference:?} must point into `#/components/{expected}/`")]
    WrongRefKind {
        /// The reference.
        reference: String,
        /// The components section it must point into.
        expected: String,
    },
    /// A `$ref` points outside the document.
    #[error("`$ref` {0:?} points outside this document; bundle the spec into one file first")]
    ExternalRef(String),
    /// `$ref`s that only lead to each other.
    #[error("`$ref` {0:?} is part of a loop of references that never reaches a definition")]
    RefLoop(String),
    /// Inline schemas nest too deep.
    #[error(
        "inline schemas nest more than {limit} levels deep here; move inner schemas to `components/schemas` and `$ref` them"
    )]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// Two operations share an operationId.
    #[error("operationId {id:?} is also used at {other}; operationIds must be unique")]
    DuplicateOperationId {
        /// The operationId.
        id: String,
        /// Where the first use is.
        other: String,
    },
    /// A path parameter is used without a declaration, or declared without use.
    #[error("{0}")]
    PathParameter(String),
    /// One of our vendor extensions is malformed.
    #[error("invalid {extension}: {reason}")]
    Extension {
        /// The extension's name.
        extension: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A replacement names a schema the document does not define.
    #[error("no schema {0:?} in `components/schemas` to replace (keys are written as in the spec)")]
    UnknownReplacement(String),
    /// A replacement's target is not a Rust type.
    #[error("the replacement of {schema:?} must be a Rust type path such as `my_crate::Pet`, not {path:?}")]
    BadReplacement {
        /// The schema key.
        schema: String,
        /// What was given.
        path: String,
    },
    /// A derive asked for cannot be added.
    #[error("derive {derive:?}: {reason}")]
    BadDerive {
        /// The derive as given.
        derive: String,
        /// Why not.
        reason: String,
    },
    /// A dependency asked for cannot be added to the generated manifest.
    #[error("dependency {name:?}: {reason}")]
    BadDependency {
        /// The dependency's name.
        name: String,
        /// Why not.
        reason: String,
    },
    /// A pagination rule of the settings is malformed.
    #[error("pagination rule {} of the settings: {reason}", index + 1)]
    BadPaginationRule {
        /// Its index (0-based) in the list.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// The generated code could not be formatted (a generator bug: please report it with the spec).
    #[error("internal error, please report it with this spec: {0}")]
    Internal(String),
}

impl Error {
    /// An error at `pointer` in `file`.
    pub fn new(file: impl Into<PathBuf>, pointer: impl Into<String>, kind: ErrorKind) -> Self {
        Self { file: file.into(), pointer: pointer.into(), position: None, kind }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " at #{}", self.pointer)?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for Error {}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn pointer_push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}
