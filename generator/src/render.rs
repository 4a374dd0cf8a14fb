//! Render: tokens → `syn::File` → text with prettyplease, under the generated-file header.

use std::path::Path;

use proc_macro2::TokenStream;

use crate::error::{Error, ErrorKind};

/// Formats one generated Rust file. A parse failure is a generator bug and is reported as such.
pub fn render(file: &Path, header: &str, tokens: TokenStream) -> Result<String, Error> {
    Ok(format!("{header}{}", render_items(file, tokens)?))
}

/// Formats whole items (a piece of a file), without a header.
pub fn render_items(file: &Path, tokens: TokenStream) -> Result<String, Error> {
    let syntax: syn::File = syn::parse2(tokens)
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
            let after_use = prev_trimmed.starts_with("use ")
                || prev_trimmed.starts_with("pub use ")
                || prev_trimmed.starts_with("pub mod ");
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
