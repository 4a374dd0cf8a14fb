//! Shrinking a failing input to a smaller one that fails the same way.

use serde_json::Value;

use crate::cases::{Format, render_value};
use crate::check::{Failure, check};
use crate::mutate::{Seg, get, get_mut};
use crate::seeds::parse_value;

/// A smaller text that fails the same way, within a budget of generator runs.
pub(crate) fn minimize(text: &str, failure: &Failure, budget: usize) -> String {
    let mut runs = 0usize;
    minimize_with(text, &mut |candidate: &str| -> bool {
        runs += 1;
        runs <= budget && matches!(check(candidate), Err(f) if f.key == failure.key)
    })
}

/// A smaller text for which `same` still holds: as a document if it is one, else line by line.
pub(crate) fn minimize_with(text: &str, same: &mut dyn FnMut(&str) -> bool) -> String {
    if let Some(mut value) = parse_value(text) {
        for format in [Format::Yaml, Format::JsonPretty] {
            if same(&render_value(&value, format)) {
                let mut fails = |v: &Value| same(&render_value(v, format));
                shrink(&mut value, &mut Vec::new(), &mut fails);
                shrink(&mut value, &mut Vec::new(), &mut fails);
                return render_value(&value, format);
            }
        }
    }
    // Not a document (or one that fails only as written): drop lines.
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut chunk = lines.len().div_ceil(2).max(1);
    loop {
        let mut i = 0;
        while i < lines.len() {
            let end = (i + chunk).min(lines.len());
            let candidate: String = lines[..i].concat() + &lines[end..].concat();
            if same(&candidate) {
                lines.drain(i..end);
            } else {
                i = end;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
    lines.concat()
}

/// Shrinks the node at `path` in place while `fails` holds: removes entries in halving chunks, hoists a
/// child in its parent's place, simplifies, then shrinks each child.
fn shrink(root: &mut Value, path: &mut Vec<Seg>, fails: &mut dyn FnMut(&Value) -> bool) {
    let Some(node) = get(root, path).cloned() else {
        return;
    };
    let try_replace = |root: &mut Value, path: &[Seg], fails: &mut dyn FnMut(&Value) -> bool, with: Value| -> bool {
        let old = std::mem::replace(get_mut(root, path).unwrap(), with);
        if fails(root) {
            true
        } else {
            *get_mut(root, path).unwrap() = old;
            false
        }
    };
    // Hoist: a child instead of the node (undoes nesting).
    {
        let children: Vec<Value> = match &node {
            Value::Object(map) => map.values().filter(|v| v.is_object() || v.is_array()).cloned().collect(),
            Value::Array(items) => items.iter().filter(|v| v.is_object() || v.is_array()).cloned().collect(),
            _ => Vec::new(),
        };
        for child in children {
            if try_replace(root, path, fails, child) {
                return shrink(root, path, fails);
            }
        }
    }
    // Remove entries, in chunks of halving size.
    let len = match &node {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    };
    if len > 0 {
        let mut chunk = len.div_ceil(2);
        loop {
            let mut i = 0;
            loop {
                let current = get(root, path).unwrap().clone();
                let n = match &current {
                    Value::Object(map) => map.len(),
                    Value::Array(items) => items.len(),
                    _ => 0,
                };
                if i >= n {
                    break;
                }
                let end = (i + chunk).min(n);
                let smaller = match current {
                    Value::Object(map) => Value::Object(
                        map.into_iter().enumerate().filter(|(j, _)| *j < i || *j >= end).map(|(_, kv)| kv).collect(),
                    ),
                    Value::Array(items) => Value::Array(
                        items.into_iter().enumerate().filter(|(j, _)| *j < i || *j >= end).map(|(_, v)| v).collect(),
                    ),
                    other => other,
                };
                if !try_replace(root, path, fails, smaller) {
                    i = end;
                }
            }
            if chunk == 1 {
                break;
            }
            chunk = chunk.div_ceil(2);
        }
    }
    // Shorten strings: drop chunks of characters, of halving size.
    if let Value::String(s) = &node {
        let mut chars: Vec<char> = s.chars().collect();
        if chars.len() > 2_000 {
            let short: String = chars[..16].iter().collect();
            if try_replace(root, path, fails, Value::String(short)) {
                chars.truncate(16);
            }
        }
        if chars.len() <= 2_000 && !chars.is_empty() {
            let mut chunk = chars.len().div_ceil(2);
            loop {
                let mut i = 0;
                while i < chars.len() {
                    let end = (i + chunk).min(chars.len());
                    let candidate: String = chars[..i].iter().chain(&chars[end..]).collect();
                    if try_replace(root, path, fails, Value::String(candidate)) {
                        chars.drain(i..end);
                    } else {
                        i = end;
                    }
                }
                if chunk == 1 {
                    break;
                }
                chunk = chunk.div_ceil(2);
            }
        }
    }
    // Then each remaining child.
    let children: Vec<Seg> = match get(root, path) {
        Some(Value::Object(map)) => map.keys().map(|k| Seg::Key(k.clone())).collect(),
        Some(Value::Array(items)) => (0..items.len()).map(Seg::At).collect(),
        _ => Vec::new(),
    };
    for child in children {
        path.push(child);
        shrink(root, path, fails);
        path.pop();
    }
}
