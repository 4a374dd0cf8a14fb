//! Which builds of a crate compile an item, read from its `#[cfg]`, and the items a change compiles in
//! fewer builds: code that names one breaks in the builds that lost it (a crate used with some of its
//! group features, not `full`).

use std::collections::{BTreeMap, BTreeSet};

/// How many items compiled in fewer builds the report names before counting the rest.
const NAMED: usize = 12;

/// How many features a report line names before counting the rest.
const FEATURES_NAMED: usize = 6;

/// The builds that compile an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Gate {
    /// Every build: no `#[cfg]`.
    Always,
    /// Builds with any of these features (`#[cfg(feature = "a")]`, `#[cfg(any(feature = "a", …))]`).
    Any(BTreeSet<String>),
    /// A `cfg` of another form, which generated items' gates never take: not compared.
    Other,
}

impl Gate {
    /// The gate of an item with these attributes.
    pub fn of(attrs: &[syn::Attribute]) -> Self {
        let mut cfgs = attrs.iter().filter(|attr| attr.path().is_ident("cfg"));
        let (Some(cfg), None) = (cfgs.next(), cfgs.next()) else {
            return if attrs.iter().any(|attr| attr.path().is_ident("cfg")) { Self::Other } else { Self::Always };
        };
        let Ok(meta) = cfg.parse_args::<syn::Meta>() else { return Self::Other };
        let mut features = BTreeSet::new();
        let read = match &meta {
            syn::Meta::NameValue(_) => feature(&meta).map(|name| {
                features.insert(name);
            }),
            syn::Meta::List(list) if list.path.is_ident("any") => list
                .parse_nested_meta(|nested| {
                    let value: syn::LitStr = nested.value()?.parse()?;
                    if !nested.path.is_ident("feature") {
                        return Err(nested.error("not a feature"));
                    }
                    features.insert(value.value());
                    Ok(())
                })
                .ok(),
            syn::Meta::Path(_) | syn::Meta::List(_) => None,
        };
        match read {
            Some(()) => Self::Any(features),
            None => Self::Other,
        }
    }

    /// Whether every build that compiles what `old` gates compiles what `self` gates (the feature `full`
    /// turns every group feature on).
    fn covers(&self, old: &Gate, full: &str) -> bool {
        match (self, old) {
            (Gate::Always, _) | (_, Gate::Other) | (Gate::Other, _) => true,
            (Gate::Any(_), Gate::Always) => false,
            (Gate::Any(new), Gate::Any(old)) => {
                old.iter().all(|feature| new.contains(feature) || (feature == full && !new.is_empty()))
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Gate::Always | Gate::Other => "every build".to_owned(),
            Gate::Any(features) => {
                let mut named: Vec<String> = features.iter().take(FEATURES_NAMED).map(|f| format!("`{f}`")).collect();
                if features.len() > FEATURES_NAMED {
                    named.push(format!("{} more", features.len() - FEATURES_NAMED));
                }
                named.join(", ")
            }
        }
    }
}

/// `feature = "name"`'s name.
fn feature(meta: &syn::Meta) -> Option<String> {
    let syn::Meta::NameValue(pair) = meta else { return None };
    let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. }) = &pair.value else { return None };
    pair.path.is_ident("feature").then(|| name.value())
}

/// The items (by path) present in both that `new` compiles in fewer builds than `old`, as report lines: the
/// first few named, the rest counted. `full` is the feature that turns every group on.
pub(super) fn narrowed(
    old: &BTreeMap<String, Gate>,
    new: &BTreeMap<String, Gate>,
    full: &str,
    found: &mut Vec<String>,
) {
    let lines: Vec<String> = old
        .iter()
        .filter_map(|(path, before)| {
            let after = new.get(path)?;
            (!after.covers(before, full))
                .then(|| format!("`{path}` is now compiled only with {} (was {})", after.describe(), before.describe()))
        })
        .collect();
    let more = lines.len().saturating_sub(NAMED);
    found.extend(lines.into_iter().take(NAMED));
    if more > 0 {
        found.push(format!("{more} more items are compiled with fewer features"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(attr: &str) -> Gate {
        let item: syn::ItemStruct = syn::parse_str(&format!("{attr}\nstruct S;")).expect("parses");
        Gate::of(&item.attrs)
    }

    fn any(features: &[&str]) -> Gate {
        Gate::Any(features.iter().map(|f| (*f).to_owned()).collect())
    }

    #[test]
    fn cfgs_read_as_the_features_that_compile() {
        assert_eq!(gate("/// Docs."), Gate::Always);
        assert_eq!(gate(r#"#[cfg(feature = "a")]"#), any(&["a"]));
        assert_eq!(gate(r#"#[cfg(any(feature = "a", feature = "b"))]"#), any(&["a", "b"]));
        assert_eq!(gate(r#"#[cfg(not(feature = "a"))]"#), Gate::Other);
        assert_eq!(gate(r#"#[cfg(any(feature = "a", test))]"#), Gate::Other);
        assert_eq!(gate(r#"#[cfg(feature = "a")] #[cfg(feature = "b")]"#), Gate::Other);
    }

    #[test]
    fn fewer_builds_break_more_do_not() {
        assert!(Gate::Always.covers(&any(&["a"]), "full"));
        assert!(!any(&["a"]).covers(&Gate::Always, "full"));
        assert!(any(&["a", "b"]).covers(&any(&["a"]), "full"));
        assert!(!any(&["b"]).covers(&any(&["a", "b"]), "full"));
        // `full` turns every group on: from `full` alone to a group is no loss; the other way is.
        assert!(any(&["a"]).covers(&any(&["full"]), "full"));
        assert!(!any(&["full"]).covers(&any(&["a"]), "full"));
    }

    #[test]
    fn the_report_names_a_few_and_counts_the_rest() {
        let old: BTreeMap<String, Gate> = (0..15).map(|i| (format!("types::T{i:02}"), Gate::Always)).collect();
        let mut new = old.clone();
        for gate in new.values_mut().take(14) {
            *gate = any(&["a", "b", "c", "d", "e", "f", "g", "h"]);
        }
        let mut found = Vec::new();
        narrowed(&old, &new, "full", &mut found);
        assert_eq!(found.len(), 13);
        assert_eq!(
            found[0],
            "`types::T00` is now compiled only with `a`, `b`, `c`, `d`, `e`, `f`, 2 more (was every build)"
        );
        assert_eq!(found[12], "2 more items are compiled with fewer features");
    }
}
