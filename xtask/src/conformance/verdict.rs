//! Prism's verdict on one request, read from the head of its response: the status, and the violations of its
//! `sl-violations` header (a JSON array of `{location, severity, code, message}`; Prism sets it on every
//! response to a request, or from a response, that breaks the spec, warnings included).

use serde_json::Value;

/// One violation Prism reported.
#[derive(Debug, Clone)]
pub struct Violation {
    /// Where, as Prism says it: `["request", "query", "spaced", "0"]`.
    pub location: Vec<String>,
    /// `Error` or `Warning`.
    pub severity: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}: {}", self.severity, self.location.join("."), self.message)
    }
}

/// The status of a response head (`HTTP/1.1 204 No Content`), if there is one.
pub fn status(head: &str) -> Option<u16> {
    head.lines().next()?.split(' ').nth(1)?.parse().ok()
}

/// The violations in a response head's `sl-violations` header (none without the header).
pub fn violations(head: &str) -> Vec<Violation> {
    let Some(value) = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim().eq_ignore_ascii_case("sl-violations").then(|| value.trim())
    }) else {
        return Vec::new();
    };
    let whole = || Violation { location: Vec::new(), severity: "Error".into(), message: value.to_owned() };
    // Prism cuts a long list short behind "Too many violations!"; that is one violation, shown whole.
    let Ok(Value::Array(list)) = serde_json::from_str::<Value>(value) else { return vec![whole()] };
    list.iter()
        .map(|item| Violation {
            location: item["location"]
                .as_array()
                .map(|parts| parts.iter().map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned)).collect())
                .unwrap_or_default(),
            severity: item["severity"].as_str().unwrap_or("Error").to_owned(),
            message: item["message"].as_str().map_or_else(|| item.to_string(), str::to_owned),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_and_violations() {
        let head = "HTTP/1.1 422 Unprocessable Entity\r\nsl-violations: [{\"location\":[\"request\",\"query\",\"spaced\"],\
                    \"severity\":\"Error\",\"code\":\"minItems\",\"message\":\"too few\"}]\r\n\r\n";
        assert_eq!(status(head), Some(422));
        let found = violations(head);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].location, ["request", "query", "spaced"]);
        assert_eq!(found[0].to_string(), "Error at request.query.spaced: too few");
        assert!(violations("HTTP/1.1 204 No Content\r\n\r\n").is_empty());
        assert_eq!(status(""), None);
    }
}
