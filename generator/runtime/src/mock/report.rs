//! Requests as a failed expectation shows them: one line each, every credential `[REDACTED]`.

use serde_json::Value;

use super::server::Secrets;

/// What stands for a credential in a report.
pub(super) const REDACTED: &str = "[REDACTED]";

/// The most of a body a report shows.
const BODY_SHOWN: usize = 1024;

/// Headers that carry credentials whatever the API.
const CREDENTIAL_HEADERS: [&str; 4] = ["authorization", "proxy-authorization", "cookie", "set-cookie"];

/// Headers a report leaves out: the same on every request, and no help in telling requests apart.
const NOISE: [&str; 4] = ["host", "accept-encoding", "user-agent", "content-length"];

/// Writes requests with the credentials of an API redacted: the headers that carry credentials anywhere,
/// the API's credential headers and query parameters, and the values of the body properties its spec says
/// are secrets (at any depth of a JSON or form body).
#[derive(Debug, Clone, Copy)]
pub(super) struct Redactor {
    pub(super) secrets: &'static Secrets,
}

impl Redactor {
    fn secret_header(&self, name: &str) -> bool {
        CREDENTIAL_HEADERS.iter().chain(self.secrets.headers).any(|secret| secret.eq_ignore_ascii_case(name))
    }

    fn secret_field(&self, name: &str) -> bool {
        self.secrets.fields.contains(&name) || self.secrets.query.contains(&name)
    }

    /// `method path?query headers body` in one line.
    pub(super) fn line(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        headers: &[(String, Vec<u8>)],
        body: Option<&[u8]>,
    ) -> String {
        let mut line = format!("{method} {path}");
        if !query.is_empty() {
            let pairs: Vec<String> = query
                .iter()
                .map(|(name, value)| {
                    let value = if self.secret_field(name) { REDACTED } else { value.as_str() };
                    format!("{name}={value}")
                })
                .collect();
            line.push('?');
            line.push_str(&pairs.join("&"));
        }
        for (name, value) in headers {
            if NOISE.iter().any(|noise| noise.eq_ignore_ascii_case(name)) {
                continue;
            }
            let value = if self.secret_header(name) {
                REDACTED.to_owned()
            } else {
                String::from_utf8_lossy(value).into_owned()
            };
            line.push_str(&format!("\n      {name}: {value}"));
        }
        if let Some(body) = body.filter(|body| !body.is_empty()) {
            line.push_str("\n      body: ");
            line.push_str(&self.body(body));
        }
        line
    }

    /// A body with its secret properties redacted: JSON as JSON, a form as a form, else as text (cut short).
    fn body(&self, body: &[u8]) -> String {
        let text = match serde_json::from_slice::<Value>(body) {
            Ok(mut value) => {
                self.redact_json(&mut value);
                value.to_string()
            }
            Err(_) if body.contains(&b'=') && !body.contains(&b'\n') => {
                let pairs: Vec<String> = form_urlencoded::parse(body)
                    .map(|(name, value)| {
                        let value = if self.secret_field(&name) { REDACTED.into() } else { value };
                        format!("{name}={value}")
                    })
                    .collect();
                pairs.join("&")
            }
            Err(_) => String::from_utf8_lossy(body).into_owned(),
        };
        match text.char_indices().nth(BODY_SHOWN) {
            Some((at, _)) => format!("{}… ({} bytes)", &text[..at], body.len()),
            None => text,
        }
    }

    fn redact_json(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (name, value) in map.iter_mut() {
                    if self.secret_field(name) && !value.is_null() {
                        *value = Value::String(REDACTED.to_owned());
                    } else {
                        self.redact_json(value);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.redact_json(item)),
            _ => {}
        }
    }

    /// A request that came, in one line.
    pub(super) fn incoming(&self, request: &wiremock::Request) -> String {
        let query: Vec<(String, String)> =
            request.url.query_pairs().map(|(name, value)| (name.into_owned(), value.into_owned())).collect();
        let headers: Vec<(String, Vec<u8>)> =
            request.headers.iter().map(|(name, value)| (name.to_string(), value.as_bytes().to_vec())).collect();
        self.line(request.method.as_str(), request.url.path(), &query, &headers, Some(&request.body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SECRETS: Secrets = Secrets { headers: &["x-api-key"], query: &["api_key"], fields: &["password"] };

    #[test]
    fn every_credential_is_redacted_and_the_rest_is_shown() {
        let redactor = Redactor { secrets: &SECRETS };
        let line = redactor.line(
            "POST",
            "/login",
            &[("api_key".into(), "k-SECRET".into()), ("page".into(), "2".into())],
            &[
                ("authorization".into(), b"Bearer t-SECRET".to_vec()),
                ("X-Api-Key".into(), b"h-SECRET".to_vec()),
                ("x-trace".into(), b"abc".to_vec()),
                ("user-agent".into(), b"ua".to_vec()),
            ],
            Some(br#"{"user":{"name":"ann","password":"p-SECRET"},"list":[{"password":"q-SECRET"}]}"#),
        );
        assert!(!line.contains("SECRET"), "{line}");
        assert_eq!(
            line,
            "POST /login?api_key=[REDACTED]&page=2\n      authorization: [REDACTED]\n      X-Api-Key: [REDACTED]\n      \
             x-trace: abc\n      body: {\"user\":{\"name\":\"ann\",\"password\":\"[REDACTED]\"},\"list\":[{\"password\":\"[REDACTED]\"}]}"
        );
        let form = redactor.body(b"user=ann&password=p-SECRET");
        assert_eq!(form, "user=ann&password=[REDACTED]");
    }
}
