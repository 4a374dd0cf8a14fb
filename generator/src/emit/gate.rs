//! The `#[cfg]` of an operation's or a type's items ("compile only what you use"): the model decides which
//! features compile what ([`Gate`]); here each item emitted for it gets the attribute, whatever its kind,
//! by reading the emitted tokens back as items. A member compiled with its own type rather than with the
//! type that holds it (an expandable field's object, an error detail) gets its `cfg` from [`member`].

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::parse::Parser;

use super::docs::code;
use super::lit;
use super::reserved::FULL_FEATURE;
use crate::model::{Api, Gate, Ty};

/// How many features docs and errors name before counting the rest.
const FEATURES_NAMED: usize = 6;

/// `#[cfg(…)]` for `gate`, or `None` for an item compiled in every build.
pub(super) fn cfg(api: &Api, gate: &Gate) -> Option<TokenStream> {
    let predicate = predicate(api, gate)?;
    Some(quote!(#[cfg(#predicate)]))
}

/// The features that compile what `gate` gates (none: every build does).
pub(super) fn features<'a>(api: &'a Api, gate: &Gate) -> Vec<&'a str> {
    match gate {
        Gate::Always => Vec::new(),
        Gate::Full => vec![FULL_FEATURE],
        Gate::Groups(list) => list.iter().filter_map(|&i| api.groups.get(i)).map(|g| g.feature.as_str()).collect(),
    }
}

/// The `cfg` predicate of `gate` (`feature = "a"`, `any(feature = "a", …)`), `None` for every build.
pub(super) fn predicate(api: &Api, gate: &Gate) -> Option<TokenStream> {
    let features = features(api, gate);
    let mut features = features.into_iter().map(|name| {
        let name = lit(name);
        quote!(feature = #name)
    });
    match features.len() {
        0 => None,
        1 => features.next(),
        _ => Some(quote!(any(#(#features),*))),
    }
}

/// A member (a union's variant, a struct's property) compiled with fewer features than the type that holds
/// it: compiled with its own type, which the holder's features do not all compile (the model's
/// `Variant::expansion` and `Field::error_detail`).
pub(super) struct MemberGate {
    /// The `cfg` predicate that compiles the member (its type's).
    pub predicate: TokenStream,
    /// The type, as the error of a build without it names it.
    pub ty: String,
    /// The features that compile it, as docs and errors list them (`` `a`, `b` or `full` ``).
    pub features: String,
}

impl MemberGate {
    /// `#[cfg(…)]` of the member.
    pub fn cfg(&self) -> TokenStream {
        let predicate = &self.predicate;
        quote!(#[cfg(#predicate)])
    }
}

/// The gate of a member of type `ty` in a type gated by `holder`: `None` where every build of the holder
/// compiles the member's type.
pub(super) fn member(api: &Api, holder: &Gate, ty: &Ty) -> Option<MemberGate> {
    let name = ty.walk().find_map(|inner| match inner {
        Ty::Named(name) => Some(name),
        _ => None,
    })?;
    let gate = api.type_gate(name).filter(|gate| !implies(holder, gate))?;
    let mut features: Vec<String> = features(api, gate).iter().map(|f| code(f)).collect();
    let more = features.len().saturating_sub(FEATURES_NAMED);
    if more > 0 {
        features.truncate(FEATURES_NAMED);
        features.push(format!("… ({more} more)"));
    }
    if *gate != Gate::Full {
        features.push(code(FULL_FEATURE));
    }
    let last = features.pop().unwrap_or_default();
    let features = if features.is_empty() { last } else { format!("{} or {last}", features.join(", ")) };
    Some(MemberGate { predicate: predicate(api, gate)?, ty: name.clone(), features })
}

/// Whether every build that compiles what `outer` gates compiles what `inner` gates too (`full` turns every
/// group on).
pub(super) fn implies(outer: &Gate, inner: &Gate) -> bool {
    match (outer, inner) {
        (_, Gate::Always) | (Gate::Full, Gate::Groups(_) | Gate::Full) => true,
        (Gate::Groups(outer), Gate::Groups(inner)) => outer.iter().all(|group| inner.contains(group)),
        _ => false,
    }
}

/// The gate of whatever any of `gates` compiles (an import they share, say): always when one of them is.
pub(super) fn union<'a>(gates: impl IntoIterator<Item = &'a Gate>) -> Gate {
    let mut groups = Vec::new();
    let mut full = false;
    for gate in gates {
        match gate {
            Gate::Always => return Gate::Always,
            Gate::Full => full = true,
            Gate::Groups(list) => groups.extend(list.iter().copied()),
        }
    }
    groups.sort_unstable();
    groups.dedup();
    // `full` turns every group on: a union holding a group needs nothing more for it; `full` alone stays.
    match (groups.is_empty(), full) {
        (true, true) => Gate::Full,
        (true, false) => Gate::Groups(Vec::new()),
        (false, _) => Gate::Groups(groups),
    }
}

/// `items` (whole items, such as `lib.rs` holds), each with `cfg` after its doc comment. Tokens that do
/// not read as items are returned as they are (the renderer reports them).
pub(super) fn items(tokens: TokenStream, cfg: Option<&TokenStream>) -> TokenStream {
    if cfg.is_none() {
        return tokens;
    }
    match parsed_items(tokens.clone(), cfg) {
        Ok(items) => items.iter().map(ToTokens::to_token_stream).collect(),
        Err(_) => tokens,
    }
}

/// `items` read as syntax, each with `cfg` (if any) after its doc comment: what `types.rs` is made of, so
/// that each type's tokens are read once, by the renderer's parser, gated or not.
pub(super) fn parsed_items(tokens: TokenStream, cfg: Option<&TokenStream>) -> syn::Result<Vec<syn::Item>> {
    let mut items = syn::parse2::<syn::File>(tokens)?.items;
    if let Some(cfg) = cfg {
        for item in &mut items {
            if !item_attrs(item).is_some_and(|attrs| insert(attrs, cfg)) {
                let tokens = item.to_token_stream();
                *item = syn::Item::Verbatim(quote!(#cfg #tokens));
            }
        }
    }
    Ok(items)
}

/// One method of an `impl` block (a `Client` method) with `cfg` after its doc comment.
pub(super) fn method(tokens: TokenStream, cfg: Option<&TokenStream>) -> TokenStream {
    let Some(cfg) = cfg else { return tokens };
    let Ok(mut method) = syn::parse2::<syn::ImplItemFn>(tokens.clone()) else { return tokens };
    if insert(&mut method.attrs, cfg) { method.into_token_stream() } else { tokens }
}

/// Puts `cfg` after the leading doc attributes, where a reader looks for it; false if it does not parse.
fn insert(attrs: &mut Vec<syn::Attribute>, cfg: &TokenStream) -> bool {
    let Ok(cfg) = syn::Attribute::parse_outer.parse2(cfg.clone()) else { return false };
    let docs = attrs.iter().take_while(|attr| attr.path().is_ident("doc")).count();
    attrs.splice(docs..docs, cfg);
    true
}

fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    use syn::Item;
    Some(match item {
        Item::Const(item) => &mut item.attrs,
        Item::Enum(item) => &mut item.attrs,
        Item::ExternCrate(item) => &mut item.attrs,
        Item::Fn(item) => &mut item.attrs,
        Item::ForeignMod(item) => &mut item.attrs,
        Item::Impl(item) => &mut item.attrs,
        Item::Macro(item) => &mut item.attrs,
        Item::Mod(item) => &mut item.attrs,
        Item::Static(item) => &mut item.attrs,
        Item::Struct(item) => &mut item.attrs,
        Item::Trait(item) => &mut item.attrs,
        Item::TraitAlias(item) => &mut item.attrs,
        Item::Type(item) => &mut item.attrs,
        Item::Union(item) => &mut item.attrs,
        Item::Use(item) => &mut item.attrs,
        _ => return None,
    })
}
