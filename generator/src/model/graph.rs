//! The type graph: one traversal of type expressions ([`Ty::walk`]) and of what a named type holds
//! ([`TypeKind::members`]), and the passes over the finished graph built on them — recursion boxed,
//! self-containing aliases made newtypes, credentials marked — and the questions emit asks of it.

use std::collections::{BTreeSet, HashMap};

use super::{Api, Field, JsonKind, Operation, Payload, ResponseBody, Shape, Ty, TypeDef, TypeKind, Variant};

/// How a named type holds a member type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Held {
    /// In place: a field or a union variant (a value of the type contains the member's value).
    Inline,
    /// Behind a map: the value type of further properties.
    InMap,
    /// As another name for it (an alias) or wrapped by it (a newtype).
    Target,
}

impl Ty {
    /// This type expression and every one inside it, outermost first (`Vec<Option<A>>`, `Option<A>`, `A`).
    pub fn walk(&self) -> impl Iterator<Item = &Ty> {
        std::iter::successors(Some(self), |ty| match ty {
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => Some(inner),
            _ => None,
        })
    }

    /// The named types this expression mentions.
    pub(super) fn names(&self) -> impl Iterator<Item = &String> {
        self.walk().filter_map(|ty| match ty {
            Ty::Named(name) => Some(name),
            _ => None,
        })
    }
}

impl TypeKind {
    /// Every type expression this kind holds directly, with how it holds it.
    pub fn members(&self) -> Vec<(&Ty, Held)> {
        match self {
            TypeKind::Struct { fields, additional, .. } => fields
                .iter()
                .map(|f| (&f.ty, Held::Inline))
                .chain(additional.iter().map(|ty| (ty, Held::InMap)))
                .collect(),
            TypeKind::Union { variants, .. } => {
                variants.iter().filter_map(|variant| variant.payload.ty()).map(|ty| (ty, Held::Inline)).collect()
            }
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![(ty, Held::Target)],
            TypeKind::Enum { .. } | TypeKind::IntEnum { .. } => Vec::new(),
        }
    }

    /// The members held in place, mutably (where boxing breaks recursion).
    fn inline_members_mut(&mut self) -> Vec<&mut Ty> {
        match self {
            TypeKind::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
            TypeKind::Union { variants, .. } => {
                variants.iter_mut().filter_map(|variant| variant.payload.ty_mut()).collect()
            }
            _ => Vec::new(),
        }
    }
}

impl Payload {
    /// The type a variant holds, if it holds one.
    pub fn ty(&self) -> Option<&Ty> {
        match self {
            Payload::Whole(ty) | Payload::Content { ty, .. } => Some(ty),
            Payload::Unit | Payload::Literal(_) => None,
        }
    }

    fn ty_mut(&mut self) -> Option<&mut Ty> {
        match self {
            Payload::Whole(ty) | Payload::Content { ty, .. } => Some(ty),
            Payload::Unit | Payload::Literal(_) => None,
        }
    }
}

/// The passes over the finished graph, in order.
pub(super) fn finish(types: &mut [TypeDef]) {
    wrap_recursive_aliases(types);
    box_recursion(types);
    mark_sensitive(types);
    shape_untagged_unions(types);
}

/// Fills in the shape of each variant of the unions without a tag, from the types the variants hold.
fn shape_untagged_unions(types: &mut [TypeDef]) {
    let index: HashMap<String, usize> = types.iter().enumerate().map(|(i, def)| (def.name.clone(), i)).collect();
    let shapes: Vec<(usize, Vec<Shape>)> = types
        .iter()
        .enumerate()
        .filter_map(|(i, def)| match &def.kind {
            TypeKind::Union { variants, tag: None } => Some((
                i,
                variants
                    .iter()
                    .map(|variant| match &variant.payload {
                        Payload::Literal(value) => {
                            Shape { kind: JsonKind::String, values: vec![value.clone()], ..Shape::default() }
                        }
                        payload => payload.ty().map_or_else(Shape::default, |ty| shape(types, &index, ty, 0)),
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    for (i, found) in shapes {
        if let TypeKind::Union { variants, .. } = &mut types[i].kind {
            for (variant, shape) in variants.iter_mut().zip(found) {
                variant.shape = shape;
            }
        }
    }
}

/// What a JSON value of type `ty` looks like.
fn shape(types: &[TypeDef], index: &HashMap<String, usize>, ty: &Ty, depth: usize) -> Shape {
    let of = |kind| Shape { kind, ..Shape::default() };
    match ty {
        Ty::String | Ty::Secret | Ty::DateTime | Ty::Date | Ty::Uuid => of(JsonKind::String),
        Ty::Bool => of(JsonKind::Boolean),
        Ty::I32 | Ty::I64 | Ty::U64 => of(JsonKind::Integer),
        Ty::F64 => of(JsonKind::Number),
        Ty::Vec(_) => of(JsonKind::Array),
        Ty::Map(_) | Ty::JsonObject => of(JsonKind::Object),
        Ty::Json | Ty::External(_) => of(JsonKind::Any),
        Ty::Boxed(inner) | Ty::Nullable(inner) => shape(types, index, inner, depth),
        Ty::Named(name) => {
            let Some(def) = index.get(name).map(|&i| &types[i]).filter(|_| depth < 16) else {
                return of(JsonKind::Any);
            };
            match &def.kind {
                TypeKind::Struct { fields, additional, closed } => Shape {
                    kind: JsonKind::Object,
                    required: fields.iter().filter(|f| f.required).map(|f| f.wire.clone()).collect(),
                    properties: fields.iter().map(|f| f.wire.clone()).collect(),
                    closed: *closed && additional.is_none(),
                    enums: fields
                        .iter()
                        .filter_map(|f| {
                            let values = string_enum(types, index, &f.ty)?;
                            Some((f.wire.clone(), values))
                        })
                        .collect(),
                    values: Vec::new(),
                },
                TypeKind::Enum { variants } => {
                    Shape { values: variants.iter().map(|(_, wire)| wire.clone()).collect(), ..of(JsonKind::String) }
                }
                TypeKind::IntEnum { .. } => of(JsonKind::Integer),
                TypeKind::Union { .. } => of(JsonKind::Any),
                TypeKind::Alias(inner) | TypeKind::Newtype(inner) => shape(types, index, inner, depth + 1),
            }
        }
    }
}

/// The values of a field whose type is a string enum.
fn string_enum(types: &[TypeDef], index: &HashMap<String, usize>, ty: &Ty) -> Option<Vec<String>> {
    let Ty::Named(name) = ty else { return None };
    match &types[*index.get(name)?].kind {
        TypeKind::Enum { variants } => Some(variants.iter().map(|(_, wire)| wire.clone()).collect()),
        _ => None,
    }
}

/// Whether a type expression that holds no named type has a trait.
type LeafHas = fn(&Ty) -> bool;

/// The derives that hold only where every part of a type has them, and the leaf types that lack each.
const CONDITIONAL: &[(&str, LeafHas)] = &[
    ("Eq", |ty| !matches!(ty, Ty::F64)),
    ("Hash", |ty| !matches!(ty, Ty::F64 | Ty::Secret)),
    ("PartialOrd", |ty| !matches!(ty, Ty::Json | Ty::JsonObject | Ty::Secret)),
    ("Ord", |ty| !matches!(ty, Ty::F64 | Ty::Json | Ty::JsonObject | Ty::Secret)),
];

/// Which of `asked` each type takes (parallel to `types`; aliases take none, having no item to derive on):
/// the derives of [`CONDITIONAL`] where every type the type holds has them (a greatest fixed point, so
/// recursive types keep them), any other on every type. A union's `Other(serde_json::Value)` counts.
pub(super) fn derives(types: &[TypeDef], asked: &[String]) -> Vec<Vec<String>> {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, def)| (def.name.as_str(), i)).collect();
    let mut out = vec![Vec::new(); types.len()];
    for derive in asked {
        let Some((_, leaf_has)) = CONDITIONAL.iter().find(|(name, _)| name == derive) else {
            for (i, def) in types.iter().enumerate() {
                if !matches!(def.kind, TypeKind::Alias(_)) {
                    out[i].push(derive.clone());
                }
            }
            continue;
        };
        let mut has = vec![true; types.len()];
        loop {
            let mut changed = false;
            for (i, def) in types.iter().enumerate() {
                let other = match &def.kind {
                    TypeKind::Union { tag: Some(_), .. } => leaf_has(&Ty::Json),
                    _ => true,
                };
                let holds = |ty: &Ty| {
                    ty.walk().all(|inner| match inner {
                        Ty::Named(name) => index.get(name.as_str()).is_some_and(|&j| has[j]),
                        leaf => leaf_has(leaf),
                    })
                };
                if has[i] && !(other && def.kind.members().into_iter().all(|(ty, _)| holds(ty))) {
                    has[i] = false;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for (i, def) in types.iter().enumerate() {
            // String and integer enums derive `Eq` and `Hash` already.
            let built_in = matches!(def.kind, TypeKind::Enum { .. } | TypeKind::IntEnum { .. })
                && matches!(derive.as_str(), "Eq" | "Hash");
            if has[i] && !built_in && !matches!(def.kind, TypeKind::Alias(_)) {
                out[i].push(derive.clone());
            }
        }
    }
    out
}

/// Turns aliases whose target mentions the alias itself (through other aliases) into newtypes.
fn wrap_recursive_aliases(types: &mut [TypeDef]) {
    let aliases: HashMap<String, Ty> = types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Alias(ty) => Some((def.name.clone(), ty.clone())),
            _ => None,
        })
        .collect();
    for def in types.iter_mut() {
        let TypeKind::Alias(ty) = &def.kind else { continue };
        let mut stack: Vec<&String> = ty.names().collect();
        let mut seen = BTreeSet::new();
        let mut recursive = false;
        while let Some(name) = stack.pop() {
            if *name == def.name {
                recursive = true;
                break;
            }
            if seen.insert(name) {
                if let Some(target) = aliases.get(name) {
                    stack.extend(target.names());
                }
            }
        }
        if recursive {
            def.kind = TypeKind::Newtype(ty.clone());
        }
    }
}

/// Boxes members that would otherwise make a type contain itself: an edge A → B of direct containment (a
/// field or variant whose type is `B` itself; `Vec` and maps already are indirect) is boxed when A and B
/// are in one strongly connected component. Alias and newtype targets are edges too, never boxed
/// themselves. Linear in the size of the graph.
fn box_recursion(types: &mut [TypeDef]) {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, def)| (def.name.as_str(), i)).collect();
    let direct = |ty: &Ty| match ty {
        Ty::Named(name) => index.get(name.as_str()).copied(),
        _ => None,
    };
    // One edge list per type, in the order of `inline_members_mut` (then alias targets), so edges and
    // members can be zipped below.
    let edges: Vec<Vec<Option<usize>>> = types
        .iter()
        .map(|def| {
            def.kind.members().into_iter().filter(|(_, held)| *held != Held::InMap).map(|(ty, _)| direct(ty)).collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    for (i, def) in types.iter_mut().enumerate() {
        for (slot, target) in def.kind.inline_members_mut().into_iter().zip(&edges[i]) {
            if target.is_some_and(|t| component[t] == component[i]) {
                *slot = Ty::Boxed(Box::new(slot.clone()));
            }
        }
    }
}

/// Kosaraju's algorithm, iteratively (deep type graphs must not overflow the stack): a component id per node.
fn strongly_connected(edges: &[Vec<Option<usize>>]) -> Vec<usize> {
    let n = edges.len();
    let out = |v: usize| edges[v].iter().flatten().copied();
    // 1. Nodes in order of finishing a depth-first search.
    let mut order = Vec::with_capacity(n);
    let mut visited = vec![false; n];
    for start in 0..n {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack: Vec<(usize, Vec<usize>)> = vec![(start, out(start).collect())];
        while let Some((node, pending)) = stack.last_mut() {
            if let Some(next) = pending.pop() {
                if !visited[next] {
                    visited[next] = true;
                    stack.push((next, out(next).collect()));
                }
            } else {
                order.push(*node);
                stack.pop();
            }
        }
    }
    // 2. On the reversed graph, in reverse finishing order, each search finds one component.
    let mut reversed = vec![Vec::new(); n];
    for v in 0..n {
        for w in out(v) {
            reversed[w].push(v);
        }
    }
    let mut component = vec![usize::MAX; n];
    let mut next_id = 0;
    for &start in order.iter().rev() {
        if component[start] != usize::MAX {
            continue;
        }
        component[start] = next_id;
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            for &prev in &reversed[node] {
                if component[prev] == usize::MAX {
                    component[prev] = next_id;
                    stack.push(prev);
                }
            }
        }
        next_id += 1;
    }
    component
}

/// Marks the types that hold a credential somewhere inside: a fixed point, since a type is sensitive when
/// anything it holds is.
fn mark_sensitive(types: &mut [TypeDef]) {
    let index: HashMap<String, usize> = types.iter().enumerate().map(|(i, def)| (def.name.clone(), i)).collect();
    let mut sensitive = vec![false; types.len()];
    let holds_secret = |ty: &Ty, sensitive: &[bool]| {
        ty.walk().any(|inner| match inner {
            Ty::Secret => true,
            Ty::Named(name) => index.get(name).is_some_and(|&i| sensitive[i]),
            _ => false,
        })
    };
    loop {
        let mut changed = false;
        for (i, def) in types.iter().enumerate() {
            if !sensitive[i] && def.kind.members().into_iter().any(|(ty, _)| holds_secret(ty, &sensitive)) {
                sensitive[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (def, flag) in types.iter_mut().zip(sensitive) {
        def.sensitive = flag;
    }
}

impl Api {
    /// Whether a type expression holds a credential.
    pub fn is_sensitive(&self, ty: &Ty) -> bool {
        ty.walk().any(|inner| match inner {
            Ty::Secret => true,
            Ty::Named(name) => self.type_def(name).is_some_and(|def| def.sensitive),
            _ => false,
        })
    }

    /// Whether the operation's exchange may carry a credential outside the headers the runtime marks
    /// sensitive: in a parameter, the request body or any response (so errors do not quote its response
    /// body, and request middleware does not see it).
    pub fn carries_credentials(&self, op: &Operation) -> bool {
        op.token.is_some()
            || op.params.iter().any(|p| self.is_sensitive(&p.ty))
            || op.body.as_ref().is_some_and(|b| self.is_sensitive(&b.ty))
            || op
                .outcomes()
                .any(|outcome| matches!(&outcome.body, ResponseBody::Json(ty) | ResponseBody::Events(ty) if self.is_sensitive(ty)))
    }

    /// Whether any generated item uses a type expression that `pred` picks (inside others too): to list only
    /// the dependencies a crate needs.
    pub fn uses(&self, pred: impl Fn(&Ty) -> bool) -> bool {
        let in_types = self.types.iter().flat_map(|def| def.kind.members()).map(|(ty, _)| ty);
        let in_ops = self.operations.iter().flat_map(|op| op.sent_types().chain(op.received_types()));
        in_types.chain(in_ops).any(|ty| ty.walk().any(&pred))
    }
}

/// One member of a named type, as [`reach`] asks whether to follow it.
#[derive(Clone, Copy)]
pub(super) enum Edge<'t> {
    /// A property of a struct.
    Field(&'t Field),
    /// A variant of a union.
    Variant(&'t Variant),
    /// Anything else: further properties, an alias's or newtype's target.
    Other,
}

impl Edge<'_> {
    /// Every edge: what a value of a type may hold.
    pub fn all(self) -> bool {
        true
    }

    /// The edges that make a type compiled with another (the module `groups`): not the expanded object of
    /// an "ID or the object" field ([`Variant::expansion`]).
    pub fn compiles(self) -> bool {
        !matches!(self, Edge::Variant(variant) if variant.expansion)
    }

    /// The edges that make a type compiled with an error body: nor an optional error detail
    /// ([`Field::error_detail`]).
    pub fn compiles_for_errors(self) -> bool {
        self.compiles() && !matches!(self, Edge::Field(field) if field.error_detail)
    }
}

/// Which types (parallel to `types`, `index` naming them) `roots` mention, and every type those hold
/// through the edges `follow` takes, transitively.
pub(super) fn reach<'r>(
    types: &[TypeDef],
    index: &HashMap<&str, usize>,
    roots: impl IntoIterator<Item = &'r Ty>,
    follow: impl Fn(Edge<'_>) -> bool,
) -> Vec<bool> {
    let mut seen = vec![false; types.len()];
    let mut stack = Vec::new();
    let mut visit = |ty: &Ty, stack: &mut Vec<usize>| {
        for name in ty.names() {
            if let Some(&i) = index.get(name.as_str()) {
                if !seen[i] {
                    seen[i] = true;
                    stack.push(i);
                }
            }
        }
    };
    for ty in roots {
        visit(ty, &mut stack);
    }
    while let Some(i) = stack.pop() {
        match &types[i].kind {
            TypeKind::Union { variants, .. } => {
                for variant in variants.iter().filter(|&variant| follow(Edge::Variant(variant))) {
                    if let Some(ty) = variant.payload.ty() {
                        visit(ty, &mut stack);
                    }
                }
            }
            TypeKind::Struct { fields, additional, .. } => {
                for field in fields.iter().filter(|&field| follow(Edge::Field(field))) {
                    visit(&field.ty, &mut stack);
                }
                if let Some(ty) = additional.as_ref().filter(|_| follow(Edge::Other)) {
                    visit(ty, &mut stack);
                }
            }
            kind => {
                for (member, _) in kind.members() {
                    if follow(Edge::Other) {
                        visit(member, &mut stack);
                    }
                }
            }
        }
    }
    seen
}
