//! The path in a JSON text at which a decode error stopped (`data[0].created_at`), found from the error's
//! line and column by walking the text once.
//!
//! A decode error names the field it is about. `serde_path_to_error` tracks the path while decoding, but it
//! does so by wrapping the deserializer, which compiles a second copy of every response type's decoding
//! code: about a fifth of a generated crate's machine code. Walking the text after a failure costs nothing
//! until a body fails to decode, and is compiled once.

/// One open container on the way to the error.
enum Frame {
    /// In an object, after this key (`None` between a `,` and the next key).
    Object(Option<String>),
    /// In an array, at this element.
    Array(usize),
}

/// The path to the value being read at `line` and `column` (as `serde_json::Error` gives them) in `text`:
/// keys joined by `.`, array elements as `[i]`, and `.` for the top level.
pub(crate) fn path_at(text: &[u8], line: usize, column: usize) -> String {
    let line_start = if line <= 1 {
        0
    } else {
        text.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1)
    };
    let end = line_start.saturating_add(column).min(text.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < end {
        match text[i] {
            b'{' => {
                stack.push(Frame::Object(None));
                expect_key = true;
            }
            b'[' => {
                stack.push(Frame::Array(0));
                expect_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key)) => {
                    *key = None;
                    expect_key = true;
                }
                Some(Frame::Array(index)) => *index += 1,
                None => {}
            },
            b'"' => {
                let close = string_end(text, i);
                if expect_key {
                    if let Some(Frame::Object(key)) = stack.last_mut() {
                        let raw = &text[i..close.min(text.len())];
                        *key =
                            Some(serde_json::from_slice::<String>(raw).unwrap_or_else(|_| {
                                String::from_utf8_lossy(&raw[1..]).trim_end_matches('"').to_owned()
                            }));
                    }
                    expect_key = false;
                }
                i = close;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() { ".".to_owned() } else { path }
}

/// The index just past the string that opens at `start` (its closing quote included), or the text's end.
fn string_end(text: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
        next: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: u32,
        tags: Vec<String>,
        owner: Owner,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Owner {
        name: String,
    }

    /// The path of the error decoding `text` as a `T`, as the runtime reports it.
    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let err = serde_json::from_str::<T>(text).unwrap_err();
        path_at(text.as_bytes(), err.line(), err.column())
    }

    #[test]
    fn a_wrong_type_is_found_by_keys_and_indexes() {
        let text = r#"{"data": [{"id": 1, "tags": [], "owner": {"name": "a"}},
            {"id": 2, "tags": ["x", 3], "owner": {"name": "b"}}]}"#;
        assert_eq!(path_of::<Page>(text), "data[1].tags[1]");
        assert_eq!(path_of::<Page>(r#"{"data": [{"id": "one"}]}"#), "data[0].id");
        assert_eq!(path_of::<Page>(r#"{"next": 5, "data": []}"#), "next");
        assert_eq!(
            path_of::<Page>(r#"{"data": [{"id": 1, "tags": [], "owner": {"name": 12}}]}"#),
            "data[0].owner.name"
        );
    }

    #[test]
    fn a_missing_field_names_the_object_that_lacks_it() {
        assert_eq!(path_of::<Page>(r#"{"data": [{"id": 1, "tags": [], "owner": {}}]}"#), "data[0].owner");
        assert_eq!(path_of::<Page>(r#"{"next": null}"#), ".");
    }

    #[test]
    fn escaped_keys_and_strings_with_brackets_do_not_mislead() {
        let text = r#"{"weird \"key\" {[": "]}", "data": [{"id": true}]}"#;
        assert_eq!(path_of::<Page>(text), "data[0].id");
        assert_eq!(path_at(br#"{"a\"b": 1}"#, 1, 10), "a\"b");
    }

    #[test]
    fn the_top_level_is_a_dot_and_top_level_arrays_start_with_an_index() {
        assert_eq!(path_of::<Vec<Owner>>(r#"[{"name": "a"}, {"name": 1}]"#), "[1].name");
        assert_eq!(path_of::<Owner>("12"), ".");
        assert_eq!(path_of::<Owner>(r#"{"name": "a"} trailing"#), ".");
    }

    #[test]
    fn a_line_starts_just_after_its_newline() {
        // Column 2 of line 2 is the `,` after `2`: one character less or more is another element.
        assert_eq!(path_at(b"[1,\n2,3]", 2, 2), "[2]");
        assert_eq!(path_at(b"[1,\n2,3]", 2, 1), "[1]");
    }

    #[test]
    fn an_escape_skips_one_character_and_an_unterminated_string_ends_the_text() {
        // Long escaped strings early on: an escape that skipped more than its character would land inside
        // the structure after them.
        let text = br#"{"k""""""""": "\\\\\\", "data": [{"id": 1}, {"id": 2}]}"#;
        assert_eq!(path_at(text, 1, text.len() - 3), "data[1].id");
        assert_eq!(path_at(br#"{"a": "unterminated"#, 1, 40), "a");
        assert_eq!(path_at(br#"{"a": "ends in "#, 1, 40), "a");
    }

    #[test]
    fn positions_on_later_lines_count_from_their_line_start() {
        let text = "{\n  \"data\": [\n    {\"id\": 1, \"tags\": [], \"owner\": {\"name\": []}}\n  ]\n}";
        assert_eq!(path_of::<Page>(text), "data[0].owner.name");
    }
}
