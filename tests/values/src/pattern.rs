//! Text that a schema's `pattern` matches, built from the pattern's parse (`regex-syntax`): a literal as it
//! is, one character of a class, one branch of an alternation, a repetition a few times within its bounds.
//! Lookaround, which ECMA-262 patterns may use and `regex-syntax` does not read, is dropped first: a
//! negative lookahead that excludes a form (nexus's names that must not look like a UUID) almost never
//! meets text built from the rest. `None` for a pattern that cannot be read even so.

use regex_syntax::hir::{Class, Hir, HirKind};

use crate::Rng;

/// Most extra repetitions of an open-ended repetition (`*`, `+`, `{2,}`).
const EXTRA: u32 = 8;

/// Text `pattern` matches, if the pattern can be read, of `length` characters where the pattern allows
/// (GitHub's `commit_sha`: `^[0-9a-fA-F]+$` of exactly 40): open-ended repetitions may run up to the
/// length's end, and text outside it is built again, a few times.
pub fn matching(rng: &mut Rng, pattern: &str, length: std::ops::RangeInclusive<usize>) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(&without_lookaround(pattern)).ok()?;
    let most = u32::try_from((*length.start()).min(4096)).unwrap_or(4096);
    let mut out = String::new();
    for _ in 0..50 {
        out.clear();
        build(rng, &hir, &mut out, most)?;
        if length.contains(&out.chars().count()) {
            break;
        }
    }
    Some(out)
}

/// The pattern with its lookaround groups (`(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`) removed.
fn without_lookaround(pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(at) = ["(?=", "(?!", "(?<=", "(?<!"].iter().filter_map(|open| rest.find(open)).min() {
        out.push_str(&rest[..at]);
        let mut depth = 0;
        let mut escaped = false;
        let mut end = rest.len();
        for (i, c) in rest[at..].char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = at + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn build(rng: &mut Rng, hir: &Hir, out: &mut String, most: u32) -> Option<()> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).ok()?),
        HirKind::Class(Class::Unicode(class)) => {
            // Printable ASCII where the class has it, so that the text also fits a header or a path.
            let ranges: Vec<(char, char)> = class.ranges().iter().map(|r| (r.start(), r.end())).collect();
            let ascii: Vec<(char, char)> = ranges
                .iter()
                .filter(|(start, end)| *start <= '~' && *end >= ' ')
                .map(|(start, end)| ((*start).max(' '), (*end).min('~')))
                .collect();
            let (start, end) = *rng.pick(if ascii.is_empty() { &ranges } else { &ascii })?;
            let span = end as u32 - start as u32;
            let code = start as u32 + rng.below(span as usize + 1) as u32;
            out.push(char::from_u32(code).unwrap_or(start));
        }
        HirKind::Class(Class::Bytes(class)) => {
            let range = rng.pick(class.ranges())?;
            let byte = range.start() + rng.below(usize::from(range.end() - range.start()) + 1) as u8;
            out.push(char::from(byte));
        }
        HirKind::Repetition(repetition) => {
            // Up to `EXTRA` more than the least, or up to the length asked for where that is more.
            let cap = repetition.max.unwrap_or(u32::MAX).min((repetition.min + EXTRA).max(most));
            // Half the time the most the repetition may take, so that a long length is reached.
            let times = if rng.chance(50) {
                cap
            } else {
                repetition.min + rng.below((cap - repetition.min) as usize + 1) as u32
            };
            for _ in 0..times {
                build(rng, &repetition.sub, out, most)?;
            }
        }
        HirKind::Capture(capture) => build(rng, &capture.sub, out, most)?,
        HirKind::Concat(parts) => {
            for part in parts {
                build(rng, part, out, most)?;
            }
        }
        HirKind::Alternation(branches) => {
            let branch = rng.pick(branches)?;
            build(rng, branch, out, most)?
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_text_matches_its_pattern() {
        let mut rng = Rng::new(5);
        for pattern in [
            "^AC[0-9a-fA-F]{32}$",
            "^[a-z][a-z0-9-]*[a-zA-Z0-9]$",
            "^(cat|dog|[0-9]{2,4})?x+$",
            r"^\d{3}-\w\s?\.$",
            "^[^a-z]{3}$",
        ] {
            let regex = regex::Regex::new(pattern).unwrap();
            for _ in 0..200 {
                let text = matching(&mut rng, pattern, 0..=usize::MAX).unwrap();
                assert!(regex.is_match(&text), "{text:?} does not match {pattern}");
            }
        }
    }

    #[test]
    fn lookaround_is_dropped_and_the_rest_is_matched() {
        let uuid = "^(?![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$)^[a-z][a-z0-9-]*[a-zA-Z0-9]$";
        assert_eq!(without_lookaround(uuid), "^^[a-z][a-z0-9-]*[a-zA-Z0-9]$");
        assert_eq!(without_lookaround(r"a(?=b\))c(?<!d(e))f"), "acf");
        let regex = regex::Regex::new("^[a-z][a-z0-9-]*[a-zA-Z0-9]$").unwrap();
        let mut rng = Rng::new(1);
        assert!((0..100).all(|_| regex.is_match(&matching(&mut rng, uuid, 0..=usize::MAX).unwrap())));
        assert_eq!(matching(&mut rng, "(unclosed", 0..=usize::MAX), None);
    }

    #[test]
    fn a_length_is_reached_where_the_pattern_allows_it() {
        let mut rng = Rng::new(2);
        for _ in 0..100 {
            assert_eq!(matching(&mut rng, "^[0-9a-fA-F]+$", 40..=40).unwrap().len(), 40);
            let short = matching(&mut rng, "^x*$", 0..=3).unwrap();
            assert!(short.len() <= 3, "{short}");
        }
    }
}
