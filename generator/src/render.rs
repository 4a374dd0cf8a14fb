//! Render: tokens → `syn::File` → text with prettyplease, under the generated-file header.
//!
//! [`rust_files`] renders a crate's `lib.rs` and `types.rs` side by side on threads, a large `types.rs`
//! (Stripe's) in pieces cut at item boundaries that the threads take in turn; the text is the same however
//! it is cut.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use proc_macro2::TokenStream;

use crate::emit;
use crate::error::{Error, ErrorKind};
use crate::model::{Api, TypeKind};

/// How a crate's Rust files are rendered. The output is the same byte for byte whichever is chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Rendering {
    /// `lib.rs` beside `types.rs`, a large `types.rs` in pieces that threads (one per core) take in turn
    /// (the default: fastest on large specs, and a large spec's memory is reused from piece to piece).
    #[default]
    Parallel,
    /// Each file whole, on the calling thread.
    Sequential,
    /// `types.rs` in this many pieces, whatever its size (to test the cut).
    Pieces(usize),
}

/// `src/types.rs` alone, its structs and string enums read by serde's derive (see
/// [`emit::Decoding::Derived`]), in one piece.
pub(crate) fn derived_types(file: &Path, header: &str, api: &Api) -> Result<String, Error> {
    let types = emit::types_file_part_decoding(api, 0..api.types.len(), emit::Decoding::Derived);
    Ok(format!("{header}{}", render_file(file, types)?))
}

/// `src/lib.rs` and `src/types.rs` of the crate, each under `header`.
pub(crate) fn rust_files(
    file: &Path,
    header: &str,
    api: &Api,
    rendering: Rendering,
) -> Result<(String, String), Error> {
    let pieces = match rendering {
        Rendering::Sequential => {
            let lib = render(file, header, emit::lib_file(api))?;
            let types = format!("{header}{}", render_file(file, emit::types_file_part(api, 0..api.types.len()))?);
            return Ok((lib, types));
        }
        Rendering::Parallel => (types_weight(api) / PIECE_WEIGHT).clamp(1, MAX_PIECES),
        Rendering::Pieces(pieces) => pieces.max(1),
    };
    let ranges = balanced(api, pieces);
    let rendered: Vec<Mutex<Option<Result<String, Error>>>> = ranges.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    // Workers take the pieces in turn; each piece's tokens and syntax tree are freed before its next, so the
    // memory is reused instead of growing with the spec. Token streams are not `Send`: each piece is emitted
    // on the thread that renders it.
    let render_pieces = || loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(range) = ranges.get(index) else { break };
        let text = render_file(file, emit::types_file_part(api, range.clone()));
        *rendered[index].lock().unwrap_or_else(PoisonError::into_inner) = Some(text);
    };
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(pieces);
    let lib = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(render_pieces)).collect();
        let lib = render(file, header, emit::lib_file(api));
        // The calling thread helps with what is left once `lib.rs` is done.
        render_pieces();
        // A worker that panicked leaves its piece empty, reported below as an internal error.
        for handle in handles {
            let _ = handle.join();
        }
        lib
    });
    let mut types = header.to_owned();
    for piece in rendered {
        let text = piece
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .unwrap_or_else(|| Err(Error::new(file, "", ErrorKind::Internal("rendering the types panicked".into()))))?;
        if !text.is_empty() {
            if types.len() > header.len() {
                types.push('\n');
            }
            types.push_str(&text);
        }
    }
    Ok((lib?, types))
}

/// The crate's `lib.rs` as the items of one module (see `clientgen::generate_module`): no crate-level
/// attributes, and `types.rs` inline as `pub mod types { … }`, its module docs on the `mod`.
pub(crate) fn module(file: &Path, header: &str, api: &Api) -> Result<String, Error> {
    let internal =
        |err: syn::Error| Error::new(file, "", ErrorKind::Internal(format!("emitted code does not parse: {err}")));
    let mut lib: syn::File = syn::parse2(emit::lib_file(api)).map_err(internal)?;
    let mut types = emit::types_file_part(api, 0..api.types.len()).map_err(internal)?;
    lib.attrs.clear();
    for item in &mut lib.items {
        if let syn::Item::Mod(module) = item {
            if module.ident == "types" && module.content.is_none() {
                module.attrs.extend(types.attrs.drain(..).map(|mut attr| {
                    attr.style = syn::AttrStyle::Outer;
                    attr
                }));
                module.content = Some((Default::default(), std::mem::take(&mut types.items)));
                module.semi = None;
            }
        }
    }
    Ok(format!("{header}{}", render_file(file, Ok(lib))?))
}

/// The weight of one piece of `types.rs` rendered at a time: small enough that a large spec's memory is
/// reused from piece to piece, large enough that a small spec's `types.rs` is one piece.
const PIECE_WEIGHT: usize = 4000;
/// The most pieces `types.rs` is cut into.
const MAX_PIECES: usize = 32;

/// A rough measure of how much code a type's items hold (items and their members).
fn type_weight(kind: &TypeKind) -> usize {
    match kind {
        TypeKind::Struct { fields, .. } => 2 + fields.len() * 2,
        TypeKind::Enum { variants } => 2 + variants.len() * 2,
        TypeKind::IntEnum { variants, .. } => 8 + variants.len() * 4,
        TypeKind::Union { variants, tag: Some(_) } => 12 + variants.len() * 5,
        TypeKind::Union { variants, tag: None } => 10 + variants.len() * 6,
        TypeKind::Alias(_) | TypeKind::Newtype(_) => 2,
    }
}

/// How much code `types.rs` will hold, in the units of [`type_weight`].
fn types_weight(api: &Api) -> usize {
    api.types.iter().map(|def| type_weight(&def.kind)).sum()
}

/// `pieces` consecutive ranges of the types, of about equal weight.
fn balanced(api: &Api, pieces: usize) -> Vec<std::ops::Range<usize>> {
    let total = types_weight(api).max(1);
    let mut ranges = Vec::with_capacity(pieces);
    let (mut start, mut sum) = (0, 0);
    for (i, def) in api.types.iter().enumerate() {
        sum += type_weight(&def.kind);
        // Close the current piece once it holds its share (the last takes the rest).
        if ranges.len() + 1 < pieces && sum * pieces >= total * (ranges.len() + 1) {
            ranges.push(start..i + 1);
            start = i + 1;
        }
    }
    ranges.push(start..api.types.len());
    ranges
}

/// Formats one generated Rust file. A parse failure is a generator bug and is reported as such.
fn render(file: &Path, header: &str, tokens: TokenStream) -> Result<String, Error> {
    Ok(format!("{header}{}", render_items(file, tokens)?))
}

/// Formats whole items (a piece of a file), without a header.
fn render_items(file: &Path, tokens: TokenStream) -> Result<String, Error> {
    render_file(file, syn::parse2(tokens))
}

/// Formats parsed items (a piece of a file), without a header. A parse failure is a generator bug.
fn render_file(file: &Path, syntax: syn::Result<syn::File>) -> Result<String, Error> {
    let syntax = syntax
        .map_err(|err| Error::new(file, "", ErrorKind::Internal(format!("emitted code does not parse: {err}"))))?;
    Ok(space_items(&prettyplease::unparse(&syntax)))
}

/// prettyplease puts items back to back; a blank line between them reads like hand-written code.
fn space_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut previous: Option<&str> = None;
    for line in code.lines() {
        if let Some(prev) = previous {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let trimmed = line.trim_start();
            let starts_item =
                ["///", "#[", "pub ", "impl", "fn ", "use ", "const ", "type ", "async fn", "struct ", "enum "]
                    .iter()
                    .any(|p| trimmed.starts_with(p));
            let prev_trimmed = prev.trim();
            // A whole `use` or `pub mod` line (not the first line of a `use` whose list goes on below).
            let after_use = (prev_trimmed.starts_with("use ")
                || prev_trimmed.starts_with("pub use ")
                || prev_trimmed.starts_with("pub mod "))
                && prev_trimmed.ends_with(';');
            // An item that ends in `;` (a type alias, a const) rather than a block; `use` lines group.
            let ends_declaration = prev_trimmed.ends_with(';')
                && !prev_trimmed.starts_with("//")
                && !after_use
                && !trimmed.starts_with("let ");
            let ends_item = matches!(prev_trimmed, "}" | "};") || prev_trimmed.starts_with("#![") || ends_declaration;
            let group_change =
                after_use && !(trimmed.starts_with("use ") || trimmed.starts_with("pub use ")) && !trimmed.is_empty();
            let kind_change = after_use && prev_trimmed.starts_with("pub mod ") != trimmed.starts_with("pub mod ");
            let after_crate_docs =
                prev_trimmed.starts_with("//!") && !trimmed.starts_with("//!") && !trimmed.is_empty();
            if (starts_item && ends_item && indent(prev) == indent(line))
                || group_change
                || kind_change
                || after_crate_docs
            {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::space_items;

    #[test]
    fn a_use_list_over_several_lines_stays_whole() {
        let code = "pub use a::{\n    B, C,\n};\nuse d::E;\n";
        assert_eq!(space_items(code), "pub use a::{\n    B, C,\n};\n\nuse d::E;\n");
    }

    #[test]
    fn items_are_spaced_and_use_groups_kept() {
        let code = "use a::B;\nuse c::D;\npub struct S;\npub struct T {\n    x: u8,\n}\nimpl T {}\n";
        assert_eq!(
            space_items(code),
            "use a::B;\nuse c::D;\n\npub struct S;\n\npub struct T {\n    x: u8,\n}\n\nimpl T {}\n"
        );
    }
}
