//! Which way each named type crosses the wire: sent (serialized into a request), received (deserialized
//! from a response or a webhook), or both. Emit derives only the serde half a type needs: `Deserialize` is
//! most of what a type costs to compile, and a request-only type has no use for it, nor a response-only one
//! for `Serialize`. A type no operation reaches, and every type when the user asks for the derive
//! (`derives = ["Serialize", "Deserialize"]`), gets both.

use std::collections::HashMap;

use super::graph::reach;
use super::{Operation, Ty, TypeDef, Webhook};

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
    let mut sent: Vec<&Ty> = operations.iter().flat_map(Operation::sent_types).collect();
    let mut received: Vec<&Ty> = operations.iter().flat_map(Operation::received_types).collect();
    // A session reads the issued token from the login's typed response as JSON (`Session::login`).
    sent.extend(operations.iter().filter(|op| op.token.is_some()).flat_map(Operation::received_types));
    let payloads: Vec<Ty> = webhooks.iter().filter_map(|hook| hook.payload.clone().map(Ty::Named)).collect();
    received.extend(&payloads);
    let (first_sent, first_received) = (
        reach(types, &index, sent.clone(), |edge| edge.all()),
        reach(types, &index, received.clone(), |edge| edge.all()),
    );
    // A type no operation reaches goes both ways, and so must every type it holds.
    let unused: Vec<Ty> = (0..types.len())
        .filter(|&i| !first_sent[i] && !first_received[i])
        .map(|i| Ty::Named(types[i].name.clone()))
        .collect();
    sent.extend(&unused);
    received.extend(&unused);
    let (is_sent, is_received) =
        (reach(types, &index, sent, |edge| edge.all()), reach(types, &index, received, |edge| edge.all()));
    (0..types.len())
        .map(|i| Serde { serialize: force.serialize || is_sent[i], deserialize: force.deserialize || is_received[i] })
        .collect()
}
