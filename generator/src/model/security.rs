//! Security: the schemes with where each credential goes, what each operation requires, and the token
//! extensions checked against both.

use std::path::Path;

use openapiv3::SecurityRequirement;

use super::refs::Refs;
use super::{BodyEncoding, Operation, Reserved, Security, SecurityScheme, TokenRole};
use crate::error::{Error, ErrorKind, pointer_push};
use crate::extensions::{self, TOKEN};
use crate::names::{Scope, snake};

/// The document's security schemes, in spec order, each with its `with_<scheme>` method and static name.
pub(super) fn schemes(refs: &Refs<'_>, reserved: &Reserved) -> Result<Vec<SecurityScheme>, Error> {
    let Some(components) = &refs.doc.components else {
        return Ok(Vec::new());
    };
    let mut schemes = Vec::new();
    // `with_<scheme>` methods live beside the client's own methods.
    let mut methods = Scope::with_reserved(reserved.client_methods);
    let mut statics = Scope::default();
    for (key, scheme) in &components.security_schemes {
        let pointer = pointer_push("/components/securitySchemes", key);
        let scheme = refs.resolve(scheme, "securitySchemes", |c| &c.security_schemes, &pointer)?;
        let (placement, description) = extensions::placement(scheme).map_err(|kind| refs.error(&pointer, kind))?;
        let basic =
            matches!(scheme, openapiv3::SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic"));
        let method = methods.claim(format!("with_{}", snake(key).trim_end_matches('_')));
        let static_name = statics.claim(snake(key).trim_end_matches('_').to_uppercase());
        schemes.push(SecurityScheme { key: key.clone(), method, static_name, description, placement, basic });
    }
    Ok(schemes)
}

/// What an operation's security requirements (its own, else the document's) ask of a caller.
pub(super) fn security_of(requirements: Option<&Vec<SecurityRequirement>>) -> Security {
    let Some(requirements) = requirements else {
        return Security::None;
    };
    let anonymous = requirements.iter().any(|req| req.is_empty());
    let mut schemes: Vec<String> = Vec::new();
    for req in requirements {
        for key in req.keys() {
            if !schemes.contains(key) {
                schemes.push(key.clone());
            }
        }
    }
    match (schemes.is_empty(), anonymous) {
        (true, _) => Security::None,
        (false, true) => Security::Optional(schemes),
        (false, false) => Security::Required(schemes),
    }
}

/// Checks that each token extension names a scheme that exists, that no scheme has two operations in one
/// role, and that a refresh operation has a JSON body to carry the refresh token.
pub(super) fn validate_tokens(file: &Path, operations: &[Operation], schemes: &[SecurityScheme]) -> Result<(), Error> {
    let invalid = |op: &Operation, reason: String| {
        Error::new(file, &op.pointer, ErrorKind::Extension { extension: TOKEN, reason })
    };
    for (i, op) in operations.iter().enumerate() {
        let Some(token) = &op.token else { continue };
        if !schemes.iter().any(|s| s.key == token.scheme) {
            return Err(invalid(op, format!("scheme {:?} is not in components.securitySchemes", token.scheme)));
        }
        let same_role = |other: &Operation| {
            other.token.as_ref().is_some_and(|t| {
                t.scheme == token.scheme && std::mem::discriminant(&t.role) == std::mem::discriminant(&token.role)
            })
        };
        if let Some(other) = operations[..i].iter().find(|o| same_role(o)) {
            return Err(invalid(op, format!("{} already has this role for scheme {:?}", other.pointer, token.scheme)));
        }
        let json_body = op.body.as_ref().map(|b| b.encoding);
        if matches!(token.role, TokenRole::Refresh { .. }) && json_body != Some(BodyEncoding::Json) {
            return Err(invalid(op, "a refresh operation needs a JSON request body for the refresh token".into()));
        }
    }
    Ok(())
}
