//! The `Paged` impl of each paged operation: where a page's items are and what a page says about the next
//! one, read from its typed fields (the walk itself is the runtime's `pages` module, written once), and the
//! paragraph of the operation's docs that shows the walk.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::code;
use super::{ident, lit, ty_tokens};
use crate::model::{ItemField, Operation, PageNext, Pages, Step, Ty};

/// `impl clientgen_runtime::Paged for operations::…`, for a paged operation.
pub(super) fn paged_impl(op: &Operation) -> Option<TokenStream> {
    let pages = op.pages.as_ref()?;
    let marker = ident(&op.marker);
    let next = match &pages.next {
        PageNext::Cursor { slot, wire, .. } | PageNext::LastItem { slot, wire, .. } => {
            let (slot, name) = (Literal::u16_unsuffixed(*slot), lit(wire));
            quote!(clientgen_runtime::pages::Next::Cursor { slot: #slot, name: #name })
        }
        PageNext::Page { slot, wire, first } => {
            let (slot, name, first) = (Literal::u16_unsuffixed(*slot), lit(wire), Literal::u64_unsuffixed(*first));
            quote!(clientgen_runtime::pages::Next::Page { slot: #slot, name: #name, first: #first })
        }
        PageNext::Offset { slot, wire } => {
            let (slot, name) = (Literal::u16_unsuffixed(*slot), lit(wire));
            quote!(clientgen_runtime::pages::Next::Offset { slot: #slot, name: #name })
        }
        PageNext::Url { .. } => quote!(clientgen_runtime::pages::Next::Url),
        PageNext::Link { rel } => {
            let rel = lit(rel);
            quote!(clientgen_runtime::pages::Next::Link { rel: #rel })
        }
    };
    let omit = (!pages.omit_later.is_empty()).then(|| {
        let slots = pages.omit_later.iter().map(|slot| Literal::u16_unsuffixed(*slot));
        quote!(const OMIT_LATER: &'static [u16] = &[#(#slots),*];)
    });
    // A walk that reads nothing of the page (a `Link` header's, of a page that is no one array) names it `_page`.
    let (info, reads) = page_info(pages);
    let page = if reads { quote!(page) } else { quote!(_page) };
    let items = pages.items.as_ref().map(|at| {
        let item = ty_tokens(&at.item, false);
        let (expr, optional) = by_value(quote!(page), &at.steps);
        let expr = if optional { quote!(#expr.unwrap_or_default()) } else { expr };
        quote! {
            impl clientgen_runtime::PagedItems for operations::#marker {
                type Item = #item;

                fn items(page: Self::Output) -> Vec<Self::Item> {
                    #expr
                }
            }
        }
    });
    Some(quote! {
        impl clientgen_runtime::Paged for operations::#marker {
            const NEXT: clientgen_runtime::pages::Next = #next;
            #omit

            fn page_info(#page: &Self::Output) -> clientgen_runtime::pages::PageInfo {
                #info
            }
        }

        #items
    })
}

/// The `PageInfo` a page gives: its count of items and the signals the declaration names; and whether it
/// reads the page at all.
fn page_info(pages: &Pages) -> (TokenStream, bool) {
    let mut reads = pages.items.is_some();
    let steps = pages.items.as_ref().map_or(&[][..], |at| &at.steps);
    let (list, optional) = by_ref(quote!(page), steps, false);
    let mut info = match pages.items {
        Some(_) if optional => quote!(clientgen_runtime::pages::PageInfo::new(#list.map_or(0, Vec::len))),
        Some(_) => quote!(clientgen_runtime::pages::PageInfo::new(#list.len())),
        None => quote!(clientgen_runtime::pages::PageInfo::uncounted()),
    };
    match &pages.next {
        PageNext::Cursor { from, ty, .. } => {
            let (expr, optional) = by_ref(quote!(page), from, false);
            let cursor = text(expr, optional, ty);
            reads = true;
            info = quote!(#info.cursor(#cursor));
        }
        PageNext::LastItem { field, .. } => {
            let last = if optional { quote!(#list.and_then(|items| items.last())) } else { quote!(#list.last()) };
            let cursor = match field {
                ItemField::Fields(steps, ty) => {
                    let (expr, _) = by_ref(last, steps, true);
                    text(expr, true, ty)
                }
                ItemField::Union { union, arms, other, pointer } => {
                    let union = ident(union);
                    let arms = arms.iter().map(|(variant, steps, ty)| {
                        let variant = ident(variant);
                        let (expr, optional) = by_ref(quote!(value), steps, false);
                        let text = text(expr, optional, ty);
                        quote!(types::#union::#variant(value) => #text,)
                    });
                    let pointer = lit(pointer);
                    let other = other.then(
                        || quote!(types::#union::Other(value) => clientgen_runtime::pages::json_text(value, #pointer),),
                    );
                    quote!(#last.and_then(|item| match item { #(#arms)* #other }))
                }
            };
            reads = true;
            info = quote!(#info.cursor(#cursor));
        }
        PageNext::Url { from } => {
            let (expr, optional) = by_ref(quote!(page), from, false);
            let url = text(expr, optional, &Ty::String);
            reads = true;
            info = quote!(#info.next_url(#url));
        }
        PageNext::Page { .. } | PageNext::Offset { .. } | PageNext::Link { .. } => {}
    }
    if let Some(steps) = &pages.has_more {
        let (expr, optional) = by_ref(quote!(page), steps, false);
        let more = if optional { quote!(#expr.copied()) } else { quote!(Some(#expr)) };
        reads = true;
        info = quote!(#info.has_more(#more));
    }
    if let Some((steps, ty)) = &pages.total {
        let total = count_of(by_ref(quote!(page), steps, false), ty);
        reads = true;
        info = quote!(#info.total(#total));
    }
    if let Some((steps, ty)) = &pages.total_pages {
        let total = count_of(by_ref(quote!(page), steps, false), ty);
        reads = true;
        info = quote!(#info.total_pages(#total));
    }
    (info, reads)
}

/// `Option<String>` of a cursor or URL value (`expr` an `Option<&T>` when `optional`, else a place).
fn text(expr: TokenStream, optional: bool, ty: &Ty) -> TokenStream {
    match (optional, ty) {
        (true, Ty::String) => quote!(#expr.cloned()),
        (true, _) => quote!(#expr.map(ToString::to_string)),
        (false, Ty::String) => quote!(Some(#expr.clone())),
        (false, _) => quote!(Some(#expr.to_string())),
    }
}

/// `Option<u64>` of an integer count.
fn count_of((expr, optional): (TokenStream, bool), ty: &Ty) -> TokenStream {
    match (optional, ty) {
        (true, Ty::U64) => quote!(#expr.copied()),
        (true, _) => quote!(#expr.and_then(|n| u64::try_from(*n).ok())),
        (false, Ty::U64) => quote!(Some(#expr)),
        (false, _) => quote!(u64::try_from(#expr).ok()),
    }
}

/// `root` (an `Option<&T>` when `optional`, else a place) followed by `steps`, by reference: the expression,
/// and whether it is an `Option<&_>` (else a place).
fn by_ref(root: TokenStream, steps: &[Step], optional: bool) -> (TokenStream, bool) {
    let mut optional = optional;
    let mut expr = root;
    for step in steps {
        let field = ident(&step.ident);
        expr = match (optional, step.options) {
            (false, 0) => quote!(#expr.#field),
            (false, 1) => quote!(#expr.#field.as_ref()),
            (false, _) => quote!(#expr.#field.as_ref().and_then(Option::as_ref)),
            (true, 0) => quote!(#expr.map(|value| &value.#field)),
            (true, 1) => quote!(#expr.and_then(|value| value.#field.as_ref())),
            (true, _) => quote!(#expr.and_then(|value| value.#field.as_ref()).and_then(Option::as_ref)),
        };
        optional |= step.options > 0;
    }
    (expr, optional)
}

/// `root` followed by `steps`, moved out: the expression, and whether it is an `Option`.
fn by_value(root: TokenStream, steps: &[Step]) -> (TokenStream, bool) {
    let mut optional = false;
    let mut expr = root;
    for step in steps {
        let field = ident(&step.ident);
        expr = match (optional, step.options) {
            (false, 0 | 1) => quote!(#expr.#field),
            (false, _) => quote!(#expr.#field.flatten()),
            (true, 0) => quote!(#expr.map(|value| value.#field)),
            (true, 1) => quote!(#expr.and_then(|value| value.#field)),
            (true, _) => quote!(#expr.and_then(|value| value.#field.flatten())),
        };
        optional |= step.options > 0;
    }
    (expr, optional)
}

/// The paragraph of a paged operation's docs: how its pages follow each other, and the walk.
pub(super) fn pages_doc(op: &Operation, call: &str) -> Option<String> {
    let pages = op.pages.as_ref()?;
    let how = match &pages.next {
        PageNext::Cursor { wire, .. } => format!("the cursor each page gives goes into {}", code(wire)),
        PageNext::LastItem { wire, .. } => format!("each page's last item goes into {}", code(wire)),
        PageNext::Page { wire, .. } => format!("{} counts the pages", code(wire)),
        PageNext::Offset { wire, .. } => format!("{} counts the items before each page", code(wire)),
        PageNext::Url { .. } => "each page gives the next page's URL".to_owned(),
        PageNext::Link { rel } => format!("the `Link` header names the next page (`rel=\"{rel}\"`)"),
    };
    let source = &pages.source;
    Some(match pages.items {
        Some(_) => format!(
            "# Pages\n\nPaged ({how}; declared by {source}): `.items()` streams the items of every page, `.pages()` \
             the typed pages, until the last page.\n\n```rust,ignore\nuse futures_util::TryStreamExt;\n\nlet mut \
             items = {call}.items();\nwhile let Some(item) = items.try_next().await? {{\n    // …\n}}\n```"
        ),
        None => format!(
            "# Pages\n\nPaged ({how}; declared by {source}): `.pages()` streams the typed pages until the last page \
             (a page is no one array of items, so there is no `.items()`).\n\n```rust,ignore\nuse \
             futures_util::TryStreamExt;\n\nlet mut pages = {call}.pages();\nwhile let Some(page) = \
             pages.try_next().await? {{\n    // …\n}}\n```"
        ),
    })
}
