//! Which way each named type crosses the wire: sent (serialized into a request), received (deserialized
//! from a response or a webhook), or both. Emit derives only the serde half a type needs: `Deserialize` is
//! most of what a type costs to compile, and a request-only type has no use for it, nor a response-only one
//! for `Serialize`. A type no operation reaches, and every type when the user asks for the derive
//! (`derives = ["Serialize", "Deserialize"]`), gets both.

use std::collections::HashMap;

use super::{BodyEncoding, Operation, PartKind, ResponseBody, Ty, TypeDef, Webhook};

/// The serde traits a type implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Serde {
    /// `Serialize`: it is sent.
    pub serialize: bool,
    /// `Deserialize`: it is received.
    pub deserialize: bool,
}

/// The serde traits of each type (parallel to `types`). `force` is what the user asked for every type.
pub(super) fn directions(
    types: &[TypeDef],
    operations: &[Operation],
    webhooks: &[Webhook],
    force: Serde,
) -> Vec<Serde> {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, def)| (def.name.as_str(), i)).collect();
    let mut sent = Vec::new();
    let mut received = Vec::new();
    for op in operations {
        sent.extend(op.params.iter().map(|p| &p.ty));
        if let Some(body) = &op.body {
            if matches!(body.encoding, BodyEncoding::Json | BodyEncoding::Form) {
                sent.push(&body.ty);
            }
            for part in body.form.iter().flat_map(|form| &form.parts) {
                if let PartKind::Text(ty) | PartKind::Json(ty) = &part.kind {
                    sent.push(ty);
                }
            }
        }
        let bodies: Vec<&Ty> = op
            .outcomes()
            .filter_map(|outcome| match &outcome.body {
                ResponseBody::Json(ty) | ResponseBody::Events(ty) => Some(ty),
                _ => None,
            })
            .collect();
        received.extend(&bodies);
        // A session reads the issued token from the login's typed response as JSON (`Session::login`).
        if op.token.is_some() {
            sent.extend(bodies);
        }
    }
    let payloads: Vec<Ty> = webhooks.iter().filter_map(|hook| hook.payload.clone().map(Ty::Named)).collect();
    received.extend(&payloads);
    let (first_sent, first_received) = (reach(types, &index, sent.clone()), reach(types, &index, received.clone()));
    // A type no operation reaches goes both ways, and so must every type it holds.
    let unused: Vec<Ty> = (0..types.len())
        .filter(|&i| !first_sent[i] && !first_received[i])
        .map(|i| Ty::Named(types[i].name.clone()))
        .collect();
    sent.extend(&unused);
    received.extend(&unused);
    let (is_sent, is_received) = (reach(types, &index, sent), reach(types, &index, received));
    (0..types.len())
        .map(|i| Serde { serialize: force.serialize || is_sent[i], deserialize: force.deserialize || is_received[i] })
        .collect()
}

/// The types `roots` mention, and every type those hold, transitively.
fn reach<'a>(types: &'a [TypeDef], index: &HashMap<&str, usize>, roots: Vec<&'a Ty>) -> Vec<bool> {
    let mut seen = vec![false; types.len()];
    let mut stack = roots;
    while let Some(ty) = stack.pop() {
        for name in ty.names() {
            if let Some(&i) = index.get(name.as_str()) {
                if !seen[i] {
                    seen[i] = true;
                    stack.extend(types[i].kind.members().into_iter().map(|(member, _)| member));
                }
            }
        }
    }
    seen
}
