//! URL templates (`/pets/{id}`, `https://{host}/v1`): their literal text and `{variables}`.

/// One piece of a URL template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Segment<'a> {
    /// Text as it is.
    Literal(&'a str),
    /// A `{name}`.
    Variable(&'a str),
}

/// Splits a template such as `/pets/{id}` into literal text and `{variables}` (the first `}` after a `{`
/// ends it; an unclosed `{` is text).
pub(crate) fn split_template(template: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        if start > 0 {
            segments.push(Segment::Literal(&rest[..start]));
        }
        segments.push(Segment::Variable(&rest[start + 1..start + len]));
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        segments.push(Segment::Literal(rest));
    }
    segments
}

/// The `{names}` in a template, in order, each once.
pub(crate) fn template_names(template: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for segment in split_template(template) {
        if let Segment::Variable(name) = segment {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_text_and_variables() {
        assert_eq!(
            split_template("/a/{x}/{y}.json"),
            vec![
                Segment::Literal("/a/"),
                Segment::Variable("x"),
                Segment::Literal("/"),
                Segment::Variable("y"),
                Segment::Literal(".json")
            ]
        );
        assert_eq!(
            split_template("/{{x}}"),
            vec![Segment::Literal("/"), Segment::Variable("{x"), Segment::Literal("}")]
        );
    }

    #[test]
    fn template_names_in_order_once() {
        assert_eq!(template_names("/a/{x}/b/{y}/{x}"), vec!["x", "y"]);
        assert_eq!(template_names("/a/{unclosed"), Vec::<String>::new());
    }
}
