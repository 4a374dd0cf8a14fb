//! `tests/conformance/known_rejections.txt`: the rejections that are not ours, each with its class and
//! reason: the validator's (a defect of Prism, with its upstream issue where there is one) or the
//! document's (the spec contradicts itself, so that no request satisfies it). One per line:
//! `document | call | place | class | reason`, where `call` is `method minimal`, `method full`, `method *`
//! or `*`, and `place` is the start of the violation's place (`request.query.limit`, `prism.NO_PATH_MATCHED_ERROR`,
//! `crash`, `not-sent`, `unreadable`), optionally followed by ` ~ ` and a text the message must hold. A run holds
//! its documents to the list exactly (see `enforce`).

use std::fs;
use std::path::{Path, PathBuf};

/// Whose fault a rejection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// The generated client's or the runtime's.
    Ours,
    /// The validator's.
    Validator,
    /// The document's.
    Document,
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Ours => "ours",
            Self::Validator => "validator",
            Self::Document => "document",
        })
    }
}

/// One listed rejection.
#[derive(Debug, Clone)]
pub struct Known {
    /// The document's file name.
    pub document: String,
    /// `method kind`, `method *` or `*`.
    pub call: String,
    /// The start of the place.
    pub place: String,
    /// A text the message holds, if the line gives one.
    pub message: Option<String>,
    /// Whose.
    pub class: Class,
    /// Why (and the upstream issue).
    pub reason: String,
    /// The line as written.
    pub line: String,
}

impl Known {
    /// Whether this line covers a rejection at `place` of `call` in `document`, saying `message`.
    pub fn matches(&self, document: &str, call: &str, place: &str, message: &str) -> bool {
        let call_matches = match self.call.strip_suffix(" *") {
            _ if self.call == "*" => true,
            Some(method) => call.split(' ').next() == Some(method),
            None => self.call == call,
        };
        let message_matches = self.message.as_deref().is_none_or(|text| message.contains(text));
        same_document(&self.document, document) && call_matches && place.starts_with(&self.place) && message_matches
    }
}

/// Whether two names are of one document. A document is named by its path under its corpus
/// (`twilio/twilio_api_v2010.json`) whether a run covers the corpus or the one file (see `documents`).
pub fn same_document(a: &str, b: &str) -> bool {
    a == b
}

/// The list's path in the repository.
pub fn path(root: &Path) -> PathBuf {
    root.join("tests").join("conformance").join("known_rejections.txt")
}

/// The listed rejections.
pub fn read(path: &Path) -> Result<Vec<Known>, String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(format!("cannot read {}: {err}", path.display())),
    };
    text.lines().filter(|line| !line.trim().is_empty() && !line.starts_with('#')).map(parse).collect()
}

fn parse(line: &str) -> Result<Known, String> {
    let fields: Vec<&str> = line.splitn(5, " | ").map(str::trim).collect();
    let [document, call, place, class, reason] = fields[..] else {
        return Err(format!("known_rejections.txt: not `document | call | place | class | reason`: {line}"));
    };
    let class = match class {
        "validator" => Class::Validator,
        "document" => Class::Document,
        other => {
            return Err(format!("known_rejections.txt: the class is `validator` or `document`, not `{other}`: {line}"));
        }
    };
    let (place, message) = match place.split_once(" ~ ") {
        Some((place, message)) => (place, Some(message.to_owned())),
        None => (place, None),
    };
    Ok(Known {
        document: document.to_owned(),
        call: call.to_owned(),
        place: place.to_owned(),
        message,
        class,
        reason: reason.to_owned(),
        line: line.to_owned(),
    })
}

/// The first line that covers a rejection.
pub fn find<'k>(known: &'k [Known], document: &str, call: &str, place: &str, message: &str) -> Option<&'k Known> {
    known.iter().find(|k| k.matches(document, call, place, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_match_by_document_call_and_the_start_of_the_place() {
        let known = parse("a.json | list_pets * | request.query | validator | why (stoplightio/prism#1)").unwrap();
        assert!(known.matches("a.json", "list_pets full", "request.query.limit", "m"));
        assert!(!known.matches("a.json", "list_pets_x full", "request.query.limit", "m"));
        assert!(!known.matches("b.json", "list_pets full", "request.query.limit", "m"));
        assert!(!known.matches("ba.json", "list_pets full", "request.query.limit", "m"));
        assert!(!known.matches("a.json", "list_pets full", "request.body", "m"));
        let any = parse("a.json | * | crash | validator | crashes").unwrap();
        assert!(any.matches("a.json", "x minimal", "crash", "m"));
        let one = parse("a.json | x minimal | crash | document | contradicts").unwrap();
        assert!(!one.matches("a.json", "x full", "crash", "m"));
        let said = parse("a.json | * | request.body ~ Reserved characters | validator | allowReserved").unwrap();
        assert!(said.matches("a.json", "x full", "request.body.o", "Reserved characters used in request body"));
        assert!(!said.matches("a.json", "x full", "request.body.o", "must be array"));
        assert!(parse("a.json | x | y | ours | z").is_err());
    }
}
