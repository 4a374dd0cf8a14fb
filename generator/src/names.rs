//! Rust names for spec names: decided once, valid, and distinct.

use std::collections::BTreeSet;

use heck::{ToKebabCase, ToPascalCase, ToSnakeCase};

/// Keywords that cannot be used as raw identifiers either.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum",
    "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move",
    "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Replaces what cannot be in an identifier, keeping word boundaries for heck. Comparison operators, which
/// APIs put in parameter names (Twilio's `DateSent<` and `DateSent>`), become words (`lt`, `gt`, `lte`,
/// `gte`, `ne`), so names that differ only by them stay apart.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        let then_eq = chars.peek() == Some(&'=');
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c),
            '+' => out.push_str(" plus "),
            '-' if out.is_empty() => out.push_str("minus "),
            '*' => out.push_str(" star "),
            '<' | '>' | '!' if then_eq => {
                chars.next();
                out.push_str(match c {
                    '<' => " lte ",
                    '>' => " gte ",
                    _ => " ne ",
                });
            }
            '<' => out.push_str(" lt "),
            '>' => out.push_str(" gt "),
            _ => out.push(' '),
        }
    }
    out
}

fn finish(name: String, fallback: &str) -> String {
    let name = if name.is_empty() { fallback.to_owned() } else { name };
    if name.starts_with(|c: char| c.is_ascii_digit()) { format!("{fallback}{name}") } else { name }
}

/// A `snake_case` identifier for a field, parameter or function (a keyword becomes a raw identifier,
/// or gets a `_` suffix where raw is not allowed).
pub fn snake(raw: &str) -> String {
    let name = finish(words(raw).to_snake_case(), "n");
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) { format!("n{name}") } else { name };
    if NOT_RAW.contains(&name.as_str()) { format!("{name}_") } else { name }
}

/// A `PascalCase` identifier for a type or variant.
pub fn pascal(raw: &str) -> String {
    let name = finish(words(raw).to_pascal_case(), "T");
    if NOT_RAW.contains(&name.as_str()) { format!("{name}_") } else { name }
}

/// A `kebab-case` name of ASCII letters, digits and dashes, such as a cargo feature takes (`API Token` →
/// `api-token`, `images:global` → `images-global`); `fallback` when nothing of `raw` is left.
pub fn kebab(raw: &str, fallback: &str) -> String {
    let name = words(raw).to_kebab_case();
    if name.is_empty() { fallback.to_owned() } else { name }
}

/// Whether `name` must be written as `r#name`.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Hands out names that are distinct within one scope, deterministically: the second `Foo` is `Foo2`.
#[derive(Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self { taken: reserved.iter().map(|s| (*s).to_owned()).collect() }
    }

    /// `name`, or `name2`, `name3`… if taken; the result is now taken. Snake names get `_2`.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        // `self_` (a keyword made usable) numbers as `self_2`, `Self_` as `Self2`.
        let base = name.trim_end_matches('_');
        let snake = name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        let sep = if snake && !base.is_empty() { "_" } else { "" };
        (2..).map(|n| format!("{base}{sep}{n}")).find(|candidate| self.taken.insert(candidate.clone())).unwrap_or(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake("clientId"), "client_id");
        assert_eq!(snake("type"), "type");
        assert!(is_keyword(&snake("type")));
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa"), "n2fa");
        assert_eq!(snake("+1"), "plus_1");
        assert_eq!(snake("-1"), "minus_1");
        assert_eq!(snake("DateSent<"), "date_sent_lt");
        assert_eq!(snake("DateSent>"), "date_sent_gt");
        assert_eq!(snake("StartTime>="), "start_time_gte");
        assert_eq!(snake("a!=b"), "a_ne_b");
        assert_eq!(snake(""), "n");
        assert_eq!(pascal("api_tokens"), "ApiTokens");
        assert_eq!(pascal("Self"), "Self_");
        assert_eq!(pascal("404"), "T404");
        assert_eq!(kebab("API Token", "g"), "api-token");
        assert_eq!(kebab("images:global", "g"), "images-global");
        assert_eq!(kebab("test_helpers", "g"), "test-helpers");
        assert_eq!(kebab("Ünïcode", "g"), "n-code");
        assert_eq!(kebab("!!", "g"), "g");
    }

    #[test]
    fn scope_disambiguates() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("Foo".into()), "Foo");
        assert_eq!(scope.claim("Foo".into()), "Foo2");
        assert_eq!(scope.claim("foo_bar".into()), "foo_bar");
        assert_eq!(scope.claim("foo_bar".into()), "foo_bar_2");
        assert_eq!(scope.claim("self_".into()), "self_");
        assert_eq!(scope.claim("self_".into()), "self_2");
        assert_eq!(scope.claim("Self_".into()), "Self_");
        assert_eq!(scope.claim("Self_".into()), "Self2");
    }
}
