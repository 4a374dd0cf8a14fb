//! The public surface of a generated crate, read back from its rendered `lib.rs` and `types.rs`, and what a
//! change of it breaks for code written against the old crate.
//!
//! Not a stage of the pipeline: it compares two outputs. Read from the Rust (not the spec) so it names what a
//! caller's code meets: `Client` methods and their required arguments, the setters of optional inputs, what
//! an operation answers, and the types with their fields, constructors and variants. Additions are not
//! reported — the crates are built so that they break nobody (optional inputs are setters, structs and enums
//! are `#[non_exhaustive]` and built with `new`). An item compiled in fewer builds than before (a group
//! feature's `#[cfg]`) is named too ([`gates`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use quote::ToTokens;

mod gates;

use gates::Gate;

/// What a caller's code can name in one crate.
#[derive(Debug, Default)]
struct Surface {
    /// `Client`'s public methods: arguments (name, type) and return type.
    methods: BTreeMap<String, Method>,
    /// Per operation marker: its setters (name → argument type).
    setters: BTreeMap<String, BTreeMap<String, String>>,
    /// Per operation marker: (`Output`, `Error`).
    answers: BTreeMap<String, (String, String)>,
    /// The markers of the paged operations (`.pages()`).
    pages: BTreeSet<String>,
    /// Per marker of a paged operation with `.items()`: its `Item`.
    items: BTreeMap<String, String>,
    /// Types by path (`types::Pet`, or `GetPetError` at the root).
    types: BTreeMap<String, Type>,
    /// The traits each type derives or implements, by the trait's last path segment (`Serialize`).
    traits: BTreeMap<String, BTreeSet<String>>,
    /// The builds that compile each type, property (`types::Pet.tag`), variant (`types::Kind::Cat`) and
    /// `Client` method (`Client::get_pet`).
    gates: BTreeMap<String, Gate>,
}

#[derive(Debug)]
struct Method {
    args: Vec<(String, String)>,
    returns: String,
}

impl Method {
    /// The operation marker of a method that returns a `Call`.
    fn marker(&self) -> Option<&str> {
        let rest = self.returns.strip_prefix("Call<'_, operations::")?;
        rest.strip_suffix('>')
    }
}

#[derive(Debug)]
enum Type {
    Struct { fields: BTreeMap<String, String>, new: Option<Vec<(String, String)>> },
    Tuple(String),
    Enum(BTreeMap<String, String>),
    Alias(String),
}

impl Type {
    fn kind(&self) -> &'static str {
        match self {
            Self::Struct { .. } | Self::Tuple(_) => "a struct",
            Self::Enum(_) => "an enum",
            Self::Alias(_) => "an alias",
        }
    }
}

/// `Vec < types :: Pet >` → `Vec<types::Pet>`.
fn text(tokens: &impl ToTokens) -> String {
    let mut s = tokens.to_token_stream().to_string();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& ", "&"),
        ("' _", "'_"),
    ] {
        s = s.replace(from, to);
    }
    s
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// The last segment of a type path and its generic arguments.
fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last(),
        _ => None,
    }
}

fn args_of(sig: &syn::Signature) -> Vec<(String, String)> {
    sig.inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(arg) => Some((text(&arg.pat), text(&arg.ty))),
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

fn returns_of(sig: &syn::Signature) -> String {
    match &sig.output {
        syn::ReturnType::Default => "()".to_owned(),
        syn::ReturnType::Type(_, ty) => text(ty),
    }
}

impl Surface {
    fn read<'a>(files: impl IntoIterator<Item = (&'a Path, &'a str)>) -> Self {
        let mut surface = Self::default();
        for (path, contents) in files {
            let prefix = match path.file_name().and_then(|n| n.to_str()) {
                Some("lib.rs") => "",
                Some("types.rs") => "types::",
                _ => continue,
            };
            // A file that does not parse (edited by hand, or not ours) has no surface to compare.
            let Ok(parsed) = syn::parse_file(contents) else { continue };
            for item in &parsed.items {
                surface.item(prefix, item);
            }
        }
        surface
    }

    /// Records the traits `#[derive(…)]` attributes give the type `name`.
    fn derives(&mut self, name: &str, attrs: &[syn::Attribute]) {
        for attr in attrs.iter().filter(|attr| attr.path().is_ident("derive")) {
            let parser = syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated;
            let Ok(paths) = attr.parse_args_with(parser) else { continue };
            let traits = self.traits.entry(name.to_owned()).or_default();
            traits.extend(paths.iter().filter_map(|path| path.segments.last()).map(|s| s.ident.to_string()));
        }
    }

    fn item(&mut self, prefix: &str, item: &syn::Item) {
        match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => self.derives(&format!("{prefix}{}", s.ident), &s.attrs),
            syn::Item::Enum(e) if is_pub(&e.vis) => self.derives(&format!("{prefix}{}", e.ident), &e.attrs),
            _ => {}
        }
        match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                let name = format!("{prefix}{}", s.ident);
                self.gates.insert(name.clone(), Gate::of(&s.attrs));
                for field in s.fields.iter().filter(|f| is_pub(&f.vis)) {
                    if let Some(ident) = &field.ident {
                        self.gates.insert(format!("{name}.{ident}"), Gate::of(&field.attrs));
                    }
                }
                let ty = match &s.fields {
                    syn::Fields::Named(named) => Type::Struct {
                        fields: named
                            .named
                            .iter()
                            .filter(|f| is_pub(&f.vis))
                            .filter_map(|f| Some((f.ident.as_ref()?.to_string(), text(&f.ty))))
                            .collect(),
                        new: None,
                    },
                    other => Type::Tuple(text(other)),
                };
                // The `impl` with `new` may come first.
                match (self.types.remove(&name), ty) {
                    (Some(Type::Struct { new, .. }), Type::Struct { fields, .. }) => {
                        self.types.insert(name, Type::Struct { fields, new });
                    }
                    (_, ty) => {
                        self.types.insert(name, ty);
                    }
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let name = format!("{prefix}{}", e.ident);
                self.gates.insert(name.clone(), Gate::of(&e.attrs));
                for variant in &e.variants {
                    self.gates.insert(format!("{name}::{}", variant.ident), Gate::of(&variant.attrs));
                }
                let variants = e.variants.iter().map(|v| (v.ident.to_string(), text(&v.fields))).collect();
                self.types.insert(name, Type::Enum(variants));
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                self.gates.insert(format!("{prefix}{}", t.ident), Gate::of(&t.attrs));
                self.types.insert(format!("{prefix}{}", t.ident), Type::Alias(text(&t.ty)));
            }
            syn::Item::Impl(imp) => self.impl_block(prefix, imp),
            // The crate's `webhooks` module: its `Event` enum, which receivers match on.
            syn::Item::Mod(module) if is_pub(&module.vis) && prefix.is_empty() && module.ident == "webhooks" => {
                for item in module.content.iter().flat_map(|(_, items)| items) {
                    self.item("webhooks::", item);
                }
            }
            _ => {}
        }
    }

    fn impl_block(&mut self, prefix: &str, imp: &syn::ItemImpl) {
        let Some(segment) = last_segment(&imp.self_ty) else { return };
        let self_name = segment.ident.to_string();
        let fns = || {
            imp.items.iter().filter_map(|item| match item {
                syn::ImplItem::Fn(f) if is_pub(&f.vis) => Some(&f.sig),
                _ => None,
            })
        };
        if let Some((_, trait_path, _)) = &imp.trait_ {
            if let Some(last) = trait_path.segments.last() {
                self.traits.entry(format!("{prefix}{self_name}")).or_default().insert(last.ident.to_string());
            }
            // `impl clientgen_runtime::Operation for operations::Marker`: what the operation answers.
            if trait_path.segments.last().is_some_and(|s| s.ident == "Operation") {
                let assoc = |name: &str| {
                    imp.items.iter().find_map(|item| match item {
                        syn::ImplItem::Type(t) if t.ident == name => Some(text(&t.ty)),
                        _ => None,
                    })
                };
                self.answers
                    .insert(self_name, (assoc("Output").unwrap_or_default(), assoc("Error").unwrap_or_default()));
            } else if trait_path.segments.last().is_some_and(|s| s.ident == "Paged") {
                // `impl clientgen_runtime::Paged for operations::Marker`: `.pages()`.
                self.pages.insert(self_name);
            } else if trait_path.segments.last().is_some_and(|s| s.ident == "PagedItems") {
                // `impl clientgen_runtime::PagedItems for operations::Marker`: `.items()`.
                let item = imp.items.iter().find_map(|item| match item {
                    syn::ImplItem::Type(t) if t.ident == "Item" => Some(text(&t.ty)),
                    _ => None,
                });
                self.items.insert(self_name, item.unwrap_or_default());
            }
            return;
        }
        if prefix.is_empty() && self_name == "Client" {
            for item in &imp.items {
                if let syn::ImplItem::Fn(f) = item
                    && is_pub(&f.vis)
                {
                    self.gates.insert(format!("Client::{}", f.sig.ident), Gate::of(&f.attrs));
                }
            }
            for sig in fns() {
                self.methods.insert(sig.ident.to_string(), Method { args: args_of(sig), returns: returns_of(sig) });
            }
        } else if prefix.is_empty() && self_name == "Call" {
            // `impl Call<'_, operations::Marker>`: the setters of that operation's optional inputs.
            let syn::PathArguments::AngleBracketed(generics) = &segment.arguments else { return };
            let Some(syn::GenericArgument::Type(marker)) = generics.args.iter().nth(1) else { return };
            let Some(marker) = last_segment(marker) else { return };
            let setters = self.setters.entry(marker.ident.to_string()).or_default();
            for sig in fns() {
                let arg = args_of(sig).into_iter().next().map(|(_, ty)| ty).unwrap_or_default();
                setters.insert(sig.ident.to_string(), arg);
            }
        } else if let Some(sig) = fns().find(|sig| sig.ident == "new") {
            let name = format!("{prefix}{self_name}");
            let args = args_of(sig);
            match self.types.get_mut(&name) {
                Some(Type::Struct { new, .. }) => *new = Some(args),
                Some(_) => {}
                None => {
                    self.types.insert(name, Type::Struct { fields: BTreeMap::new(), new: Some(args) });
                }
            }
        }
    }
}

/// What changed between two renderings of a crate's files (`old` as it is on disk, `new` as it will be written)
/// that breaks code written against `old`, one line each, in a stable order; empty when nothing breaks.
/// `full` names the feature that turns every group feature on.
pub(crate) fn breaking_changes<'a>(
    old: impl IntoIterator<Item = (&'a Path, &'a str)>,
    new: impl IntoIterator<Item = (&'a Path, &'a str)>,
    full: &str,
) -> Vec<String> {
    let (old, new) = (Surface::read(old), Surface::read(new));
    let mut found = Vec::new();
    operations(&old, &new, &mut found);
    types(&old, &new, &mut found);
    gates::narrowed(&old.gates, &new.gates, full, &mut found);
    found
}

fn operations(old: &Surface, new: &Surface, found: &mut Vec<String>) {
    let no_setters = BTreeMap::new();
    for (name, before) in &old.methods {
        let Some(after) = new.methods.get(name) else {
            found.push(match before.marker() {
                Some(_) => format!("removed operation `{name}`"),
                None => format!("removed method `Client::{name}`"),
            });
            continue;
        };
        let (Some(old_marker), Some(new_marker)) = (before.marker(), after.marker()) else {
            if before.args != after.args || before.returns != after.returns {
                found.push(format!("`Client::{name}` changed signature"));
            }
            continue;
        };
        let old_setters = old.setters.get(old_marker).unwrap_or(&no_setters);
        let new_setters = new.setters.get(new_marker).unwrap_or(&no_setters);
        for (arg, ty) in &before.args {
            match after.args.iter().find(|(a, _)| a == arg) {
                Some((_, now)) if now != ty => found.push(format!("`{name}`: `{arg}` is now `{now}` (was `{ty}`)")),
                Some(_) => {}
                None if new_setters.contains_key(arg) => found.push(format!(
                    "`{name}`: `{arg}` is now optional (no longer an argument: set it with `.{arg}(…)`)"
                )),
                None => found.push(format!("`{name}` no longer takes `{arg}`")),
            }
        }
        for (arg, _) in &after.args {
            if before.args.iter().any(|(a, _)| a == arg) {
                continue;
            }
            if old_setters.contains_key(arg) {
                found.push(format!("`{name}`: `{arg}` is now required (an argument, no longer `.{arg}(…)`)"));
            } else {
                found.push(format!("`{name}` takes a new required input `{arg}`"));
            }
        }
        let kept: Vec<&String> =
            before.args.iter().map(|(a, _)| a).filter(|a| after.args.iter().any(|(b, _)| b == *a)).collect();
        let kept_after: Vec<&String> = after.args.iter().map(|(a, _)| a).filter(|a| kept.contains(a)).collect();
        if kept != kept_after {
            found.push(format!("`{name}`: its arguments changed order"));
        }
        for (setter, ty) in old_setters {
            match new_setters.get(setter) {
                Some(now) if now != ty => {
                    found.push(format!("`{name}`: `.{setter}(…)` now takes `{now}` (was `{ty}`)"))
                }
                Some(_) => {}
                // Reported above when it became an argument.
                None if after.args.iter().any(|(a, _)| a == setter) => {}
                None => found.push(format!("`{name}`: removed optional input `.{setter}(…)`")),
            }
        }
        if let (Some((old_out, old_err)), Some((new_out, new_err))) =
            (old.answers.get(old_marker), new.answers.get(new_marker))
        {
            if old_out != new_out {
                found.push(format!("`{name}` now answers `{new_out}` (was `{old_out}`)"));
            }
            if old_err != new_err {
                found.push(format!("`{name}`: its error type is now `{new_err}` (was `{old_err}`)"));
            }
        }
        if old.pages.contains(old_marker) && !new.pages.contains(new_marker) {
            found.push(format!("`{name}` no longer pages (`.pages()`, `.items()`)"));
        } else {
            match (old.items.get(old_marker), new.items.get(new_marker)) {
                (Some(_), None) => found.push(format!("`{name}` no longer has `.items()` (`.pages()` only)")),
                (Some(before), Some(now)) if before != now => {
                    found.push(format!("`{name}`: `.items()` now gives `{now}` (was `{before}`)"))
                }
                _ => {}
            }
        }
    }
}

fn types(old: &Surface, new: &Surface, found: &mut Vec<String>) {
    let no_traits = BTreeSet::new();
    for (name, before) in &old.types {
        let Some(after) = new.types.get(name) else {
            found.push(format!("removed type `{name}`"));
            continue;
        };
        // An alias has the traits of what it names, which this reading does not follow.
        if !matches!(after, Type::Alias(_)) {
            let now = new.traits.get(name).unwrap_or(&no_traits);
            for lost in old.traits.get(name).unwrap_or(&no_traits).difference(now) {
                found.push(format!("`{name}` no longer implements `{lost}`"));
            }
        }
        match (before, after) {
            (Type::Struct { fields: old_fields, new: old_new }, Type::Struct { fields: new_fields, new: new_new }) => {
                for (field, ty) in old_fields {
                    match new_fields.get(field) {
                        None => found.push(format!("removed property `{name}.{field}`")),
                        Some(now)
                            if *now == ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')).unwrap_or("") =>
                        {
                            found.push(format!("property `{name}.{field}` is now required"))
                        }
                        Some(now) if now != ty => {
                            found.push(format!("property `{name}.{field}` is now `{now}` (was `{ty}`)"))
                        }
                        Some(_) => {}
                    }
                }
                let old_args: Vec<&String> = old_new.iter().flatten().map(|(a, _)| a).collect();
                for (arg, _) in new_new.iter().flatten() {
                    if !old_args.contains(&arg) && !old_fields.contains_key(arg) {
                        found.push(format!("`{name}` has a new required property `{arg}` (`{name}::new` takes it)"));
                    }
                }
            }
            (Type::Enum(old_variants), Type::Enum(new_variants)) => {
                for (variant, payload) in old_variants {
                    match new_variants.get(variant) {
                        None => found.push(format!("removed variant `{name}::{variant}`")),
                        Some(now) if now != payload => {
                            found.push(format!("variant `{name}::{variant}` now holds `{now}` (was `{payload}`)"))
                        }
                        Some(_) => {}
                    }
                }
            }
            (Type::Alias(old_ty), Type::Alias(new_ty)) | (Type::Tuple(old_ty), Type::Tuple(new_ty)) => {
                if old_ty != new_ty {
                    found.push(format!("`{name}` is now `{new_ty}` (was `{old_ty}`)"));
                }
            }
            (before, after) => found.push(format!("`{name}` is now {} (was {})", after.kind(), before.kind())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_of<'a>(lib: &'a str, types: &'a str) -> [(&'a Path, &'a str); 2] {
        [(Path::new("src/lib.rs"), lib), (Path::new("src/types.rs"), types)]
    }

    const LIB: &str = r"
        impl Client {
            pub fn new() -> Result<Self, BuildError> { todo() }
            pub fn get_pet(&self, id: &str) -> Call<'_, operations::GetPet> { todo() }
            pub fn list_pets(&self) -> Call<'_, operations::ListPets> { todo() }
        }
        impl Call<'_, operations::ListPets> {
            pub fn limit(mut self, value: i32) -> Self { self }
            pub fn tag(mut self, value: &str) -> Self { self }
        }
        impl clientgen_runtime::Operation for operations::GetPet { type Output = types::Pet; type Error = GetPetError; }
        pub enum GetPetError { NotFound(Box<types::Problem>) }
    ";
    const TYPES: &str = r"
        pub struct Pet { pub name: String, pub tag: Option<String>, pub age: Option<i64> }
        impl Pet { pub fn new(name: impl Into<String>) -> Self { todo() } }
        pub enum Kind { Cat, Dog, Other(String) }
        pub type Pets = Vec<Pet>;
    ";

    #[test]
    fn additions_break_nothing() {
        let lib = LIB
            .replace("pub fn tag(", "pub fn color(mut self, value: &str) -> Self { self }\n pub fn tag(")
            .replace(
                "pub fn list_pets(",
                "pub fn delete_pet(&self, id: &str) -> Call<'_, operations::DeletePet> { todo() }\npub fn list_pets(",
            )
            .replace("NotFound(Box<types::Problem>)", "NotFound(Box<types::Problem>), Gone");
        let types = TYPES
            .replace("pub age: Option<i64>", "pub age: Option<i64>, pub color: Option<String>")
            .replace("Dog,", "Dog, Fish,");
        assert_eq!(breaking_changes(crate_of(LIB, TYPES), crate_of(&lib, &types), "full"), Vec::<String>::new());
    }

    #[test]
    fn removals_type_changes_and_new_requirements_are_named() {
        let lib = LIB
            .replace("pub fn get_pet(&self, id: &str)", "pub fn get_pet(&self, id: i64)")
            .replace("pub fn list_pets(&self)", "pub fn list_pets(&self, limit: i32)")
            .replace("pub fn limit(mut self, value: i32) -> Self { self }", "")
            .replace("pub fn tag(mut self, value: &str)", "pub fn tag(mut self, value: &[String])")
            .replace("type Output = types::Pet;", "type Output = Vec<types::Pet>;");
        let types = TYPES
            .replace("pub tag: Option<String>, pub age: Option<i64>", "pub tag: String, pub owner: String")
            .replace(
                "new(name: impl Into<String>)",
                "new(name: impl Into<String>, tag: impl Into<String>, owner: impl Into<String>)",
            )
            .replace("Cat, ", "")
            .replace("Vec<Pet>", "Vec<Kind>");
        assert_eq!(
            breaking_changes(crate_of(LIB, TYPES), crate_of(&lib, &types), "full"),
            [
                "`get_pet`: `id` is now `i64` (was `&str`)",
                "`get_pet` now answers `Vec<types::Pet>` (was `types::Pet`)",
                "`list_pets`: `limit` is now required (an argument, no longer `.limit(…)`)",
                "`list_pets`: `.tag(…)` now takes `&[String]` (was `&str`)",
                "removed variant `types::Kind::Cat`",
                "removed property `types::Pet.age`",
                "property `types::Pet.tag` is now required",
                "`types::Pet` has a new required property `owner` (`types::Pet::new` takes it)",
                "`types::Pets` is now `Vec<Kind>` (was `Vec<Pet>`)",
            ]
        );
    }

    #[test]
    fn removed_operations_and_types_are_named() {
        let lib = LIB.replace("pub fn get_pet(&self, id: &str) -> Call<'_, operations::GetPet> { todo() }", "");
        let types = TYPES.replace("pub type Pets = Vec<Pet>;", "");
        assert_eq!(
            breaking_changes(crate_of(LIB, TYPES), crate_of(&lib, &types), "full"),
            ["removed operation `get_pet`", "removed type `types::Pets`"]
        );
    }

    #[test]
    fn an_operation_that_no_longer_pages_or_pages_other_items_is_named() {
        let paged = format!(
            "{LIB}\nimpl clientgen_runtime::Paged for operations::ListPets {{ }}\n\
             impl clientgen_runtime::PagedItems for operations::ListPets {{ type Item = types::Pet; }}\n\
             impl clientgen_runtime::Operation for operations::ListPets {{ type Output = types::Pets; type Error = E; }}"
        );
        let items = "impl clientgen_runtime::PagedItems for operations::ListPets { type Item = types::Pet; }";
        let unpaged =
            paged.replace("impl clientgen_runtime::Paged for operations::ListPets { }", "").replace(items, "");
        let pages_only = paged.replace(items, "");
        let other = paged.replace("type Item = types::Pet;", "type Item = types::Kind;");
        assert_eq!(breaking_changes(crate_of(&unpaged, TYPES), crate_of(&paged, TYPES), "full"), Vec::<String>::new());
        assert_eq!(
            breaking_changes(crate_of(&paged, TYPES), crate_of(&unpaged, TYPES), "full"),
            ["`list_pets` no longer pages (`.pages()`, `.items()`)"]
        );
        assert_eq!(
            breaking_changes(crate_of(&paged, TYPES), crate_of(&other, TYPES), "full"),
            ["`list_pets`: `.items()` now gives `types::Kind` (was `types::Pet`)"]
        );
        assert_eq!(
            breaking_changes(crate_of(&paged, TYPES), crate_of(&pages_only, TYPES), "full"),
            ["`list_pets` no longer has `.items()` (`.pages()` only)"]
        );
    }

    #[test]
    fn a_webhook_event_removed_or_retyped_is_named() {
        let lib = format!(
            "{LIB}\npub mod webhooks {{ pub enum Event {{ Created(types::Pet), Deleted, Other {{ name: String }} }} }}"
        );
        let removed = lib.replace(" Deleted,", "");
        let retyped = lib.replace("Created(types::Pet)", "Created(types::Kind)");
        let added = lib.replace(" Deleted,", " Deleted, Updated(types::Pet),");
        assert_eq!(breaking_changes(crate_of(&lib, TYPES), crate_of(&added, TYPES), "full"), Vec::<String>::new());
        assert_eq!(
            breaking_changes(crate_of(&lib, TYPES), crate_of(&removed, TYPES), "full"),
            ["removed variant `webhooks::Event::Deleted`"]
        );
        assert_eq!(
            breaking_changes(crate_of(&lib, TYPES), crate_of(&retyped, TYPES), "full"),
            ["variant `webhooks::Event::Created` now holds `(types::Kind)` (was `(types::Pet)`)"]
        );
    }

    #[test]
    fn items_compiled_in_fewer_builds_are_named() {
        let lib = LIB
            .replace("pub fn list_pets(", "#[cfg(any(feature = \"pets\", feature = \"stores\"))]\n pub fn list_pets(");
        let gated = TYPES
            .replace("pub enum Kind { Cat, Dog,", "pub enum Kind { Cat, #[cfg(feature = \"dogs\")] Dog,")
            .replace("pub tag: Option<String>", "#[cfg(feature = \"tags\")] pub tag: Option<String>");
        let narrower = lib.replace("feature = \"pets\", ", "");
        // More builds (a gate removed, a feature added) break nothing.
        assert_eq!(breaking_changes(crate_of(&lib, &gated), crate_of(LIB, TYPES), "full"), Vec::<String>::new());
        assert_eq!(breaking_changes(crate_of(&narrower, TYPES), crate_of(&lib, TYPES), "full"), Vec::<String>::new());
        assert_eq!(
            breaking_changes(crate_of(LIB, TYPES), crate_of(&narrower, &gated), "full"),
            [
                "`Client::list_pets` is now compiled only with `stores` (was every build)",
                "`types::Kind::Dog` is now compiled only with `dogs` (was every build)",
                "`types::Pet.tag` is now compiled only with `tags` (was every build)",
            ]
        );
        assert_eq!(
            breaking_changes(crate_of(&lib, TYPES), crate_of(&narrower, TYPES), "full"),
            ["`Client::list_pets` is now compiled only with `stores` (was `pets`, `stores`)"]
        );
    }

    #[test]
    fn traits_a_type_no_longer_has_are_named() {
        let derived = r"
            #[derive(Debug, Clone, serde::Serialize, Deserialize)]
            pub struct Pet { pub name: String }
            pub enum Shape { Round }
            impl Serialize for Shape { }
            impl<'de> Deserialize<'de> for Shape { }
        ";
        let fewer = derived.replace("serde::Serialize, ", "").replace("impl Serialize for Shape { }", "");
        let more = derived.replace("Clone,", "Clone, Eq,");
        assert_eq!(breaking_changes(crate_of(LIB, derived), crate_of(LIB, &more), "full"), Vec::<String>::new());
        assert_eq!(
            breaking_changes(crate_of(LIB, derived), crate_of(LIB, &fewer), "full"),
            ["`types::Pet` no longer implements `Serialize`", "`types::Shape` no longer implements `Serialize`"]
        );
    }
}
