//! Our vendor extensions: what a spec says about credentials beyond what OpenAPI 3.0 can, read once into
//! typed values.
//!
//! They are documented for users in the README ("Vendor extensions"); this module is their one reader and
//! depends on nothing of the pipeline (only on the error kinds).
//!
//! - `x-clientgen-secret: true` on a string schema: the value is a credential (as `format: password` is).
//! - `x-clientgen-in: body` (with `x-clientgen-body-fields`) on an `apiKey` security scheme: the token
//!   travels in the JSON request body, in the property the scheme's `name` gives.
//! - `x-clientgen-token` on an operation: it issues (`role: exchange`) or refreshes (`role: refresh`) the
//!   token of a security scheme, and says where the token, refresh token and lifetime are.
//! - `x-clientgen-expandable: true` on a union (and Stripe's `x-expansionResources`): an "ID or the object"
//!   field, whose objects are compiled only with their own types' features ([`expansions`]).
//! - `x-clientgen-pagination` on an operation (and the pagination extensions of Speakeasy, Fern and Dropshot,
//!   and the rules of a crate's settings): how its pages follow each other ([`pagination`]).

mod pagination;

use indexmap::IndexMap;
use openapiv3::{APIKeyLocation, SecurityScheme};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ErrorKind;

pub(crate) use pagination::{
    CLIENTGEN as PAGINATION, Declared, Items, Match, Next, Omit, Paging, Rule, declared as pagination,
    rules as pagination_rules,
};

/// Marks a string schema as a credential.
pub(crate) const SECRET: &str = "x-clientgen-secret";
/// On an `apiKey` scheme: `body` puts the token in the JSON request body.
const IN: &str = "x-clientgen-in";
/// On an `apiKey` scheme with `x-clientgen-in: body`: more body properties, filled from kept values.
const BODY_FIELDS: &str = "x-clientgen-body-fields";
/// Set by `load` on a schema it rewrote from a 3.1 `$ref` with siblings to `allOf: [$ref]`: the part's
/// pointer is the schema's own.
pub(crate) const REF_SIBLINGS: &str = "x-clientgen-ref-siblings";
/// Set by `load` at the top of a 3.1 document: its webhooks, `[{name, method, payload, doc}]`, `payload`
/// the key of the payload's component schema.
pub(crate) const WEBHOOKS: &str = "x-clientgen-webhooks";
/// On a union: its `$ref` variants are the objects an "ID or the object" field holds when the caller asks
/// for them (expanded).
const EXPANDABLE: &str = "x-clientgen-expandable";
/// Stripe's word for the same, on its expandable fields: `{oneOf: [$ref, …]}`, the objects.
const EXPANSION_RESOURCES: &str = "x-expansionResources";

/// The `$ref`s of a union's variants that are expansions (see [`EXPANDABLE`]): every `$ref` variant with
/// `x-clientgen-expandable: true`, those `x-expansionResources` lists with Stripe's; none without either.
pub(crate) fn expansions<'s>(
    extensions: &'s IndexMap<String, Value>,
    refs: impl IntoIterator<Item = &'s str>,
) -> Result<Vec<&'s str>, ErrorKind> {
    if let Some(value) = extensions.get(EXPANDABLE) {
        return match value {
            Value::Bool(true) => Ok(refs.into_iter().collect()),
            Value::Bool(false) => Ok(Vec::new()),
            _ => Err(ErrorKind::Extension { extension: EXPANDABLE, reason: "expected `true` or `false`".into() }),
        };
    }
    let Some(resources) = extensions.get(EXPANSION_RESOURCES) else { return Ok(Vec::new()) };
    let listed: Vec<&str> = resources
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| item.get("$ref").and_then(Value::as_str))
        .collect();
    Ok(refs.into_iter().filter(|reference| listed.contains(reference)).collect())
}

/// On a webhook: the event name its discriminator gives, when it is not the webhook's name.
pub(crate) const EVENT: &str = "x-clientgen-event";
/// At the top of a document: how its webhooks name their event, and how they are signed.
pub(crate) const EVENTS: &str = "x-clientgen-events";

/// `x-clientgen-events`: where a webhook names its event, and the signature scheme its sender uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventsExtension {
    /// Where the event name is.
    pub discriminator: Discriminator,
    /// The signature scheme, if the API signs its webhooks.
    pub signature: Option<SignatureScheme>,
}

/// Where a webhook names its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Discriminator {
    /// A top-level string property of the JSON body.
    Property(String),
    /// A header.
    Header(String),
}

/// A webhook signature scheme the runtime verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum SignatureScheme {
    /// Standard Webhooks (Svix, Lithic, OpenAI).
    Standard,
    /// Stripe's `Stripe-Signature`.
    Stripe,
    /// GitHub's `X-Hub-Signature-256`.
    Github,
    /// Twilio's `X-Twilio-Signature`.
    Twilio,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawEvents {
    discriminator: RawDiscriminator,
    signature: Option<SignatureScheme>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawDiscriminator {
    property: Option<String>,
    header: Option<String>,
}

/// `x-clientgen-events` at the top of a document, if it is there.
pub(crate) fn events(extensions: &IndexMap<String, Value>) -> Result<Option<EventsExtension>, ErrorKind> {
    let Some(value) = extensions.get(EVENTS) else { return Ok(None) };
    let bad = |reason: String| ErrorKind::Extension { extension: EVENTS, reason };
    let raw: RawEvents = serde_json::from_value(value.clone()).map_err(|err| bad(err.to_string()))?;
    let discriminator = match (raw.discriminator.property, raw.discriminator.header) {
        (Some(property), None) => Discriminator::Property(property),
        (None, Some(header)) => Discriminator::Header(header.to_ascii_lowercase()),
        _ => return Err(bad("`discriminator` names exactly one of `property` and `header`".into())),
    };
    Ok(Some(EventsExtension { discriminator, signature: raw.signature }))
}

/// On an operation: the token lifecycle extension.
pub(crate) const TOKEN: &str = "x-clientgen-token";

/// `x-clientgen-token`, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenExtension {
    /// Whether the operation issues or refreshes the token, with what only that role has.
    pub role: TokenRole,
    /// The security scheme the token is a credential of.
    pub scheme: String,
    /// JSON pointer to the access token in the success body.
    pub access_token: String,
    /// JSON pointer to the refresh token, if the response has one.
    pub refresh_token: Option<String>,
    /// Where the lifetime is (`None`: no known lifetime, renewed on 401 only).
    pub lifetime: Option<Lifetime>,
    /// JSON pointer to the refresh token's lifetime in seconds (`refresh_expires_in`), if the response has
    /// one; without it, a refresh token that is a JWT expires at its `exp` claim.
    pub refresh_expires_in: Option<String>,
    /// More values to keep for placing credentials, by name.
    pub keep: Vec<(String, ValueSource)>,
}

/// What a token operation does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenRole {
    /// Issues a token from credentials.
    Exchange {
        /// The exchange request cannot be replayed (a single-use grant), so the session never logs in again.
        single_use: bool,
    },
    /// Issues a token from a refresh token.
    Refresh {
        /// JSON pointer in the request body where the refresh token goes.
        refresh_token_field: String,
    },
}

impl TokenRole {
    /// Whether this is the exchange role.
    pub fn is_exchange(&self) -> bool {
        matches!(self, Self::Exchange { .. })
    }
}

/// Where a token's lifetime comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lifetime {
    /// Seconds at this JSON pointer, counted from receipt.
    ExpiresIn(String),
    /// An RFC 3339 timestamp at this JSON pointer.
    ExpiresAt(String),
    /// The access token is a JWT whose `exp` claim gives the expiry.
    JwtExp,
}

/// Where a kept value is read: a JSON pointer into the request sent or the response received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValueSource {
    /// `request#/pointer`.
    Request(String),
    /// `response#/pointer`.
    Response(String),
}

/// `x-clientgen-token` as written in the spec.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawToken {
    role: RawRole,
    scheme: String,
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    lifetime: Option<RawLifetime>,
    #[serde(default)]
    refresh_expires_in: Option<String>,
    #[serde(default)]
    keep: IndexMap<String, String>,
    #[serde(default)]
    single_use: bool,
    #[serde(default)]
    refresh_token_field: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum RawRole {
    Exchange,
    Refresh,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawLifetime {
    #[serde(default)]
    expires_in: Option<String>,
    #[serde(default)]
    expires_at: Option<String>,
    #[serde(default)]
    jwt_exp: bool,
}

/// Reads `x-clientgen-token` from an operation's extensions.
pub(crate) fn token(extensions: &IndexMap<String, Value>) -> Result<Option<TokenExtension>, ErrorKind> {
    let Some(value) = extensions.get(TOKEN) else {
        return Ok(None);
    };
    let invalid = |reason: String| ErrorKind::Extension { extension: TOKEN, reason };
    let raw: RawToken = serde_json::from_value(value.clone()).map_err(|err| invalid(err.to_string()))?;
    let lifetime = match raw.lifetime {
        None => None,
        Some(RawLifetime { expires_in: Some(pointer), expires_at: None, jwt_exp: false }) => {
            Some(Lifetime::ExpiresIn(pointer))
        }
        Some(RawLifetime { expires_in: None, expires_at: Some(pointer), jwt_exp: false }) => {
            Some(Lifetime::ExpiresAt(pointer))
        }
        Some(RawLifetime { expires_in: None, expires_at: None, jwt_exp: true }) => Some(Lifetime::JwtExp),
        Some(_) => {
            return Err(invalid("`lifetime` needs exactly one of `expires-in`, `expires-at`, `jwt-exp: true`".into()));
        }
    };
    let mut keep = Vec::with_capacity(raw.keep.len());
    for (name, source) in raw.keep {
        let source = match source.split_once('#') {
            Some(("response", pointer)) => ValueSource::Response(pointer.to_owned()),
            Some(("request", pointer)) => ValueSource::Request(pointer.to_owned()),
            _ => {
                return Err(invalid(format!(
                    "`keep.{name}` must be `response#/pointer` or `request#/pointer`, not {source:?}"
                )));
            }
        };
        keep.push((name, source));
    }
    let mut pointers: Vec<&str> = vec![&raw.access_token];
    pointers.extend(raw.refresh_token.as_deref());
    pointers.extend(raw.refresh_token_field.as_deref());
    pointers.extend(raw.refresh_expires_in.as_deref());
    if let Some(Lifetime::ExpiresIn(pointer) | Lifetime::ExpiresAt(pointer)) = &lifetime {
        pointers.push(pointer);
    }
    pointers.extend(
        keep.iter().map(|(_, ValueSource::Request(pointer) | ValueSource::Response(pointer))| pointer.as_str()),
    );
    if let Some(bad) = pointers.iter().find(|p| !p.starts_with('/')) {
        return Err(invalid(format!("{bad:?} is not a JSON pointer (it must start with `/`)")));
    }
    let role = match (raw.role, raw.refresh_token_field) {
        (RawRole::Refresh, None) => return Err(invalid("`role: refresh` needs `refresh-token-field`".into())),
        (RawRole::Refresh, Some(refresh_token_field)) if !raw.single_use => TokenRole::Refresh { refresh_token_field },
        (RawRole::Refresh, Some(_)) => return Err(invalid("`single-use` is only for `role: exchange`".into())),
        (RawRole::Exchange, Some(_)) => {
            return Err(invalid("`refresh-token-field` is only for `role: refresh`".into()));
        }
        (RawRole::Exchange, None) => TokenRole::Exchange { single_use: raw.single_use },
    };
    Ok(Some(TokenExtension {
        role,
        scheme: raw.scheme,
        access_token: raw.access_token,
        refresh_token: raw.refresh_token,
        lifetime,
        refresh_expires_in: raw.refresh_expires_in,
        keep,
    }))
}

/// A webhook the API sends: its name, method, the component key of its payload schema, and its summary.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct Webhook {
    pub name: String,
    pub method: String,
    pub payload: Option<String>,
    pub doc: Option<String>,
    /// The event name its discriminator gives (`x-clientgen-event`, else the webhook's name).
    #[serde(default)]
    pub event: String,
    /// JSON pointer of its payload's media type object in the document as written (for its examples).
    #[serde(default)]
    pub media: Option<String>,
}

/// Reads the webhooks `load` recorded (none for a 3.0 document).
pub(crate) fn webhooks(extensions: &IndexMap<String, Value>) -> Vec<Webhook> {
    extensions.get(WEBHOOKS).and_then(|value| serde_json::from_value(value.clone()).ok()).unwrap_or_default()
}

/// Where a credential goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Placement {
    /// A header value: `prefix` + credential.
    Header {
        /// Lower-case header name.
        name: String,
        /// Text before the credential (`"Bearer "`, `"token "`, or empty).
        prefix: String,
    },
    /// JSON request-body properties (our `x-clientgen-in: body`).
    Body {
        /// The property that receives the token.
        token_field: String,
        /// Properties filled from values kept at login.
        fields: Vec<String>,
    },
    /// A query parameter.
    Query {
        /// The parameter name.
        name: String,
    },
    /// A cookie.
    Cookie {
        /// The cookie name.
        name: String,
    },
}

/// How a security scheme's credential is placed on a request, and its description.
pub(crate) fn placement(scheme: &SecurityScheme) -> Result<(Placement, Option<String>), ErrorKind> {
    Ok(match scheme {
        SecurityScheme::HTTP { scheme, description, .. } => {
            // `bearer` and `basic` are case-insensitive registered schemes written capitalized by convention;
            // any other scheme word (e.g. a vendor's `token`, `key`) is sent exactly as the spec spells it.
            let word = match scheme.to_ascii_lowercase().as_str() {
                "bearer" => "Bearer".to_owned(),
                "basic" => "Basic".to_owned(),
                _ => scheme.clone(),
            };
            (Placement::Header { name: "authorization".into(), prefix: format!("{word} ") }, description.clone())
        }
        SecurityScheme::OAuth2 { description, .. } | SecurityScheme::OpenIDConnect { description, .. } => {
            (Placement::Header { name: "authorization".into(), prefix: "Bearer ".into() }, description.clone())
        }
        SecurityScheme::APIKey { location, name, description, extensions } => {
            let in_body = match extensions.get(IN) {
                None => false,
                Some(Value::String(s)) if s == "body" => true,
                Some(other) => {
                    return Err(ErrorKind::Extension {
                        extension: IN,
                        reason: format!("only `body` is supported, not {other}"),
                    });
                }
            };
            let placement = if in_body {
                let fields = match extensions.get(BODY_FIELDS) {
                    None => Vec::new(),
                    Some(value) => serde_json::from_value::<Vec<String>>(value.clone())
                        .map_err(|err| ErrorKind::Extension { extension: BODY_FIELDS, reason: err.to_string() })?,
                };
                Placement::Body { token_field: name.clone(), fields }
            } else {
                match location {
                    APIKeyLocation::Header => {
                        Placement::Header { name: name.to_ascii_lowercase(), prefix: String::new() }
                    }
                    APIKeyLocation::Query => Placement::Query { name: name.clone() },
                    APIKeyLocation::Cookie => Placement::Cookie { name: name.clone() },
                }
            };
            (placement, description.clone())
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(value: Value) -> Result<Option<TokenExtension>, ErrorKind> {
        token(&IndexMap::from([(TOKEN.to_owned(), value)]))
    }

    #[test]
    fn token_extensions_read_into_typed_values() {
        let ext = read(json!({
            "role": "refresh", "scheme": "jwt", "access-token": "/access", "refresh-token-field": "/refresh",
            "lifetime": {"expires-in": "/expires_in"}, "keep": {"id": "request#/client_id"},
            "refresh-expires-in": "/refresh_expires_in"
        }))
        .unwrap()
        .unwrap();
        assert_eq!(ext.role, TokenRole::Refresh { refresh_token_field: "/refresh".into() });
        assert_eq!(ext.lifetime, Some(Lifetime::ExpiresIn("/expires_in".into())));
        assert_eq!(ext.refresh_expires_in.as_deref(), Some("/refresh_expires_in"));
        assert_eq!(ext.keep, vec![("id".to_owned(), ValueSource::Request("/client_id".into()))]);
        let ext = read(json!({"role": "exchange", "scheme": "s", "access-token": "/t", "single-use": true}));
        assert_eq!(ext.unwrap().unwrap().role, TokenRole::Exchange { single_use: true });
    }

    #[test]
    fn events_name_one_discriminator_and_a_known_scheme() {
        let read = |value: Value| events(&IndexMap::from([(EVENTS.to_owned(), value)]));
        let by_header = read(serde_json::json!({"discriminator": {"header": "X-GitHub-Event"}, "signature": "github"}));
        assert_eq!(
            by_header,
            Ok(Some(EventsExtension {
                discriminator: Discriminator::Header("x-github-event".into()),
                signature: Some(SignatureScheme::Github)
            }))
        );
        let by_property = read(serde_json::json!({"discriminator": {"property": "type"}}));
        assert_eq!(by_property.unwrap().unwrap().discriminator, Discriminator::Property("type".into()));
        for (value, says) in [
            (serde_json::json!({"discriminator": {"property": "type", "header": "X"}}), "exactly one"),
            (serde_json::json!({"discriminator": {}}), "exactly one"),
            (serde_json::json!({"discriminator": {"property": "type"}, "signature": "hmac"}), "unknown variant"),
            (serde_json::json!({"signature": "stripe"}), "missing field"),
        ] {
            let err = read(value).unwrap_err().to_string();
            assert!(err.contains(says) && err.contains(EVENTS), "{err}");
        }
        assert_eq!(events(&IndexMap::new()), Ok(None));
    }

    #[test]
    fn role_specific_fields_stay_with_their_role() {
        let refresh_without_field = read(json!({"role": "refresh", "scheme": "s", "access-token": "/t"}));
        assert!(matches!(refresh_without_field, Err(ErrorKind::Extension { reason, .. }) if reason.contains("needs")));
        let single_use_refresh = read(json!({
            "role": "refresh", "scheme": "s", "access-token": "/t", "refresh-token-field": "/r", "single-use": true
        }));
        assert!(
            matches!(single_use_refresh, Err(ErrorKind::Extension { reason, .. }) if reason.contains("single-use"))
        );
        let bad_keep = read(json!({"role": "exchange", "scheme": "s", "access-token": "/t", "keep": {"a": "/x"}}));
        assert!(matches!(bad_keep, Err(ErrorKind::Extension { reason, .. }) if reason.contains("keep.a")));
    }
}
