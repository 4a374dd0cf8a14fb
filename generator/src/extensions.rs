//! Our vendor extensions: what a spec says about credentials beyond what OpenAPI 3.0 can.
//!
//! They are documented for users in the README ("Vendor extensions"); this module is their one reader.
//!
//! - `x-clientgen-secret: true` on a string schema: the value is a credential (as `format: password` is).
//! - `x-clientgen-in: body` (with `x-clientgen-body-fields`) on an `apiKey` security scheme: the token
//!   travels in the JSON request body, in the property the scheme's `name` gives.
//! - `x-clientgen-token` on an operation: it issues (`role: exchange`) or refreshes (`role: refresh`) the
//!   token of a security scheme, and says where the token, refresh token and lifetime are.

use indexmap::IndexMap;
use openapiv3::{APIKeyLocation, SecurityScheme};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ErrorKind;
use crate::model::Placement;

/// Marks a string schema as a credential.
pub const SECRET: &str = "x-clientgen-secret";
/// On an `apiKey` scheme: `body` puts the token in the JSON request body.
pub const IN: &str = "x-clientgen-in";
/// On an `apiKey` scheme with `x-clientgen-in: body`: more body properties, filled from kept values.
pub const BODY_FIELDS: &str = "x-clientgen-body-fields";
/// On an operation: the token lifecycle extension.
pub const TOKEN: &str = "x-clientgen-token";

/// `x-clientgen-token`, as written in the spec.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TokenExtension {
    /// Whether the operation issues or refreshes the token.
    pub role: TokenRole,
    /// The security scheme the token is a credential of.
    pub scheme: String,
    /// JSON pointer to the access token in the success body.
    pub access_token: String,
    /// JSON pointer to the refresh token, if the response has one.
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Where the lifetime is.
    #[serde(default)]
    pub lifetime: Option<Lifetime>,
    /// More values to keep for placing credentials: name → `response#/ptr` or `request#/ptr`.
    #[serde(default)]
    pub keep: IndexMap<String, String>,
    /// The exchange request cannot be replayed (a single-use grant).
    #[serde(default)]
    pub single_use: bool,
    /// Refresh role: JSON pointer in the request body where the refresh token goes.
    #[serde(default)]
    pub refresh_token_field: Option<String>,
}

/// What a token operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenRole {
    /// Issues a token from credentials.
    Exchange,
    /// Issues a token from a refresh token.
    Refresh,
}

/// Where a token's lifetime comes from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Lifetime {
    /// Seconds at this pointer, counted from receipt.
    #[serde(default)]
    pub expires_in: Option<String>,
    /// An RFC 3339 timestamp at this pointer.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// The access token is a JWT whose `exp` claim gives the expiry.
    #[serde(default)]
    pub jwt_exp: bool,
}

/// Reads `x-clientgen-token` from an operation's extensions.
pub fn token(extensions: &IndexMap<String, Value>) -> Result<Option<TokenExtension>, ErrorKind> {
    let Some(value) = extensions.get(TOKEN) else {
        return Ok(None);
    };
    let invalid = |reason: String| ErrorKind::Extension { extension: TOKEN, reason };
    let ext: TokenExtension = serde_json::from_value(value.clone()).map_err(|err| invalid(err.to_string()))?;
    let mut pointers: Vec<&str> = vec![&ext.access_token];
    pointers.extend(ext.refresh_token.as_deref());
    pointers.extend(ext.refresh_token_field.as_deref());
    if let Some(lifetime) = &ext.lifetime {
        let set = [lifetime.expires_in.is_some(), lifetime.expires_at.is_some(), lifetime.jwt_exp];
        if set.iter().filter(|s| **s).count() != 1 {
            return Err(invalid("`lifetime` needs exactly one of `expires-in`, `expires-at`, `jwt-exp: true`".into()));
        }
        pointers.extend(lifetime.expires_in.as_deref());
        pointers.extend(lifetime.expires_at.as_deref());
    }
    for (name, source) in &ext.keep {
        match source.split_once('#') {
            Some(("response" | "request", pointer)) => pointers.push(pointer),
            _ => {
                return Err(invalid(format!(
                    "`keep.{name}` must be `response#/pointer` or `request#/pointer`, not {source:?}"
                )));
            }
        }
    }
    if let Some(bad) = pointers.iter().find(|p| !p.starts_with('/')) {
        return Err(invalid(format!("{bad:?} is not a JSON pointer (it must start with `/`)")));
    }
    match (ext.role, &ext.refresh_token_field) {
        (TokenRole::Refresh, None) => {
            return Err(invalid("`role: refresh` needs `refresh-token-field`".into()));
        }
        (TokenRole::Exchange, Some(_)) => {
            return Err(invalid("`refresh-token-field` is only for `role: refresh`".into()));
        }
        _ => {}
    }
    Ok(Some(ext))
}

/// How a security scheme's credential is placed on a request, and its description.
pub fn placement(scheme: &SecurityScheme) -> Result<(Placement, Option<String>), ErrorKind> {
    Ok(match scheme {
        SecurityScheme::HTTP { scheme, description, .. } => {
            // `bearer` and `basic` are case-insensitive registered schemes written capitalized by convention;
            // any other scheme word (e.g. Deskpro's `token`, `key`) is sent exactly as the spec spells it.
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
