//! Groups of operations, each a cargo feature of the generated crate ("compile only what you use"), and
//! the features that compile each named type.
//!
//! The rules:
//! - An operation's groups are its tags. In a document where no operation (beside token operations) has a
//!   tag, such as Stripe's, an operation's group is the first segment of its path after any version or
//!   `api` prefix and before any `{parameter}` (`/v1/customers/{customer}/sources` → `customers`).
//! - An operation with several tags is compiled when any of their features is on.
//! - An operation without a group (untagged in a document that has tags, or a path with no such segment)
//!   and every token operation (`x-clientgen-token`: the session's logins and refreshes use them) are
//!   always compiled. With fewer than two groups there are no group features at all.
//! - A named type is compiled when any group reaching it is on (through parameters, bodies, form parts,
//!   responses and then the types' members), always when an always-compiled operation or every group reaches
//!   it, and with the `full` feature when no operation reaches it (webhook payloads, unused schemas).
//! - The object of an "ID or the object" field (`x-clientgen-expandable`, Stripe's `x-expansionResources`)
//!   is not reached through that field: a customer's expandable `default_source` does not compile `Source`
//!   into the `customers` group. The variant holding it is compiled with its type (emit's `unions`); without
//!   it, the field decodes the ID, and an expanded object is an error that names the features to turn on.
//! - Likewise an optional property of the shared error body (what the errors of every group, or of the
//!   always-compiled operations, hold) whose type a request or a success response reaches: Stripe's
//!   `api_errors.payment_intent`. The error body is compiled always, and each such detail with its own
//!   type's features (without them, it is not read).
//! - A feature is named by the kebab case of its tag or segment (`API Token` → `api-token`), kept off the
//!   features the manifest declares itself (`full`, `default`, `middleware`) and off each other by a number
//!   (`full-2`); groups are listed by feature name.

use std::collections::{BTreeSet, HashMap};

use openapiv3::OpenAPI;

use super::graph::{self, Edge};
use super::{Field, Operation, Reserved, ResponseBody, Ty, TypeDef, TypeKind};
use crate::names::kebab;

/// Which cargo features compile an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Gate {
    /// Every build.
    Always,
    /// Any of these groups (indices into [`Api::groups`](super::Api::groups), ascending, never all of them).
    Groups(Vec<usize>),
    /// The `full` feature only: no operation reaches it.
    Full,
}

/// A group of operations: one cargo feature.
#[derive(Debug)]
pub(crate) struct Group {
    /// The feature's name.
    pub feature: String,
    /// What the group is made from.
    pub source: GroupSource,
    /// How many operations it holds.
    pub operations: usize,
}

/// What a group is made from.
#[derive(Debug)]
pub(crate) enum GroupSource {
    /// A tag, with its description from the document's `tags`.
    Tag { name: String, description: Option<String> },
    /// The first path segment after any version prefix (documents without tags).
    Path(String),
}

/// The groups of the operations, each operation's [`Gate`] set.
pub(super) fn assign(doc: &OpenAPI, operations: &mut [Operation], reserved: &Reserved) -> Vec<Group> {
    let gated = |op: &Operation| op.token.is_none();
    let tagged = operations.iter().any(|op| gated(op) && !op.tags.is_empty());
    // Each operation's keys (tags, or its path segment), and every key in order of first appearance: the
    // document's `tags` list first, so that numbering follows the document.
    let keys: Vec<Vec<String>> = operations
        .iter()
        .map(|op| match (gated(op), tagged) {
            (false, _) => Vec::new(),
            (true, true) => {
                let mut seen = BTreeSet::new();
                op.tags.iter().filter(|tag| seen.insert(tag.as_str())).cloned().collect()
            }
            (true, false) => path_group(&op.path).into_iter().collect(),
        })
        .collect();
    let used: BTreeSet<&String> = keys.iter().flatten().collect();
    if used.len() < 2 {
        return Vec::new();
    }
    let declared = if tagged { doc.tags.iter().map(|tag| &tag.name).collect() } else { Vec::new() };
    let mut order: Vec<&String> = Vec::new();
    for key in declared.into_iter().chain(keys.iter().flatten()) {
        if used.contains(key) && !order.contains(&key) {
            order.push(key);
        }
    }
    let mut taken: BTreeSet<String> = reserved.features.iter().map(|name| (*name).to_owned()).collect();
    let mut groups: Vec<(String, &String)> = order
        .into_iter()
        .map(|key| {
            let base = kebab(key, "group");
            let feature = std::iter::once(base.clone())
                .chain((2..).map(|n| format!("{base}-{n}")))
                .find(|name| !taken.contains(name))
                .unwrap_or(base);
            taken.insert(feature.clone());
            (feature, key)
        })
        .collect();
    groups.sort();
    let index: HashMap<&String, usize> = groups.iter().enumerate().map(|(i, (_, key))| (*key, i)).collect();
    let mut counts = vec![0; groups.len()];
    for (op, keys) in operations.iter_mut().zip(&keys) {
        let mut members: Vec<usize> = keys.iter().filter_map(|key| index.get(key).copied()).collect();
        members.sort_unstable();
        members.dedup();
        for &i in &members {
            counts[i] += 1;
        }
        // An operation in every group is compiled whatever the features, as a type every group reaches is.
        op.gate =
            if members.is_empty() || members.len() == groups.len() { Gate::Always } else { Gate::Groups(members) };
    }
    groups
        .into_iter()
        .zip(counts)
        .map(|((feature, key), operations)| {
            let source = if tagged {
                let description = doc.tags.iter().find(|tag| &tag.name == key).and_then(|tag| tag.description.clone());
                GroupSource::Tag { name: key.clone(), description }
            } else {
                GroupSource::Path(key.clone())
            };
            Group { feature, source, operations }
        })
        .collect()
}

/// The group of an operation of a document without tags: the first path segment that is neither a version
/// (`v1`, `v2beta`, `2023-10-01`), nor `api`, nor a `{parameter}`.
fn path_group(path: &str) -> Option<String> {
    path.split('/')
        .filter(|segment| !segment.is_empty())
        .find(|segment| {
            let lower = segment.to_ascii_lowercase();
            let version = lower.starts_with(|c: char| c.is_ascii_digit())
                || lower.strip_prefix('v').is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
            !(version || lower == "api" || segment.contains('{'))
        })
        .map(str::to_owned)
}

/// Marks the properties that are error details (see the module docs and [`Field::error_detail`]): the
/// optional properties of the shared error body (the types that every build compiles for the errors it
/// reads: those of the always-compiled operations, or of every group's) whose type a request or a success
/// response reaches.
pub(super) fn mark_error_details(types: &mut [TypeDef], operations: &[Operation], groups: usize) {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, def)| (def.name.as_str(), i)).collect();
    let requests_and_successes = operations.iter().flat_map(|op| op.sent_types().chain(answered(op, false)));
    let main = graph::reach(types, &index, requests_and_successes, |edge| edge.all());
    let is_detail = |field: &Field| {
        !field.required
            && field
                .ty
                .walk()
                .any(|inner| matches!(inner, Ty::Named(name) if index.get(name.as_str()).is_some_and(|&i| main[i])))
    };
    // What the errors of some operations hold, up to the properties that may be details.
    let held = |ops: &dyn Fn(&Operation) -> bool| {
        let errors = operations.iter().filter(|op| ops(op)).flat_map(|op| answered(op, true));
        graph::reach(types, &index, errors, |edge| match edge {
            Edge::Field(field) => !is_detail(field),
            edge => edge.compiles(),
        })
    };
    let mut shared = vec![groups > 0; types.len()];
    for g in 0..groups {
        let in_group = held(&|op| matches!(&op.gate, Gate::Groups(list) if list.contains(&g)));
        for (shared, held) in shared.iter_mut().zip(in_group) {
            *shared &= held;
        }
    }
    for (shared, held) in shared.iter_mut().zip(held(&|op| op.gate == Gate::Always)) {
        *shared |= held;
    }
    let details: Vec<(usize, usize)> = types
        .iter()
        .enumerate()
        .filter(|(i, _)| shared[*i])
        .flat_map(|(i, def)| match &def.kind {
            TypeKind::Struct { fields, .. } => {
                fields.iter().enumerate().filter(|(_, field)| is_detail(field)).map(|(f, _)| (i, f)).collect()
            }
            _ => Vec::new(),
        })
        .collect();
    for (i, f) in details {
        if let TypeKind::Struct { fields, .. } = &mut types[i].kind {
            fields[f].error_detail = true;
        }
    }
}

/// The types of an operation's success responses (its event streams among them), or of its errors.
fn answered(op: &Operation, errors: bool) -> impl Iterator<Item = &Ty> {
    let outcomes = if errors { &op.errors[..] } else { &op.success[..] };
    let forms = op.event_stream.iter().filter(move |_| !errors).map(|form| &form.outcome);
    outcomes.iter().chain(forms).filter_map(|outcome| match &outcome.body {
        ResponseBody::Json(ty) | ResponseBody::Events(ty) => Some(ty),
        _ => None,
    })
}

/// Each type's gate (parallel to `types`): see the module docs.
pub(super) fn type_gates(types: &[TypeDef], operations: &[Operation], groups: usize) -> Vec<Gate> {
    if groups == 0 {
        return vec![Gate::Always; types.len()];
    }
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, def)| (def.name.as_str(), i)).collect();
    // What operations compile: what they send and answer on success, and what their error bodies hold but
    // the error details.
    let reach = |ops: &dyn Fn(&Operation) -> bool| {
        let ops = || operations.iter().filter(|op| ops(op));
        let main =
            graph::reach(types, &index, ops().flat_map(|op| op.sent_types().chain(answered(op, false))), |edge| {
                edge.compiles()
            });
        let errors =
            graph::reach(types, &index, ops().flat_map(|op| answered(op, true)), |edge| edge.compiles_for_errors());
        main.into_iter().zip(errors).map(|(main, errors)| main || errors).collect::<Vec<bool>>()
    };
    let always = reach(&|op| op.gate == Gate::Always);
    let mut by_group: Vec<Vec<usize>> = vec![Vec::new(); types.len()];
    for g in 0..groups {
        let seen = reach(&|op| matches!(&op.gate, Gate::Groups(list) if list.contains(&g)));
        for (list, _) in by_group.iter_mut().zip(seen).filter(|(_, seen)| *seen) {
            list.push(g);
        }
    }
    by_group
        .into_iter()
        .zip(always)
        .map(|(list, always)| match list.len() {
            _ if always => Gate::Always,
            0 => Gate::Full,
            n if n == groups => Gate::Always,
            _ => Gate::Groups(list),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::path_group;

    #[test]
    fn paths_group_by_their_first_named_segment() {
        let group = |path: &str| path_group(path);
        assert_eq!(group("/v1/customers/{customer}/sources").as_deref(), Some("customers"));
        assert_eq!(group("/v1/test_helpers/terminal/readers").as_deref(), Some("test_helpers"));
        assert_eq!(group("/api/v2beta1/users").as_deref(), Some("users"));
        assert_eq!(group("/2010-04-01/Accounts.json").as_deref(), Some("Accounts.json"));
        assert_eq!(group("/{tenant}/vehicles").as_deref(), Some("vehicles"));
        assert_eq!(group("/videos").as_deref(), Some("videos"));
        assert_eq!(group("/v1").as_deref(), None);
        assert_eq!(group("/").as_deref(), None);
    }
}
