//! The property: `generate` returns without panicking or an internal error, and what it generates parses,
//! declares no name twice, has sound format strings and a sound manifest.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use crate::runner::WATCH;

/// A broken promise of the generator.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    /// What went wrong, the same for the same bug (deduplicates failures).
    pub(crate) key: String,
    /// The whole message.
    pub(crate) detail: String,
}

/// What the generator did with a good input.
#[derive(Debug, Clone)]
pub(crate) enum Verdict {
    Generated,
    Refused(&'static str),
}

thread_local! {
    /// Set while the generator runs on this thread: its panics are recorded, not printed.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// The last recorded panic: location, message.
    static LAST_PANIC: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.get() {
                let location = info
                    .location()
                    .map_or_else(|| "?".to_owned(), |l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                let payload = info.payload();
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(no message)".to_owned());
                LAST_PANIC.set(Some((location, message)));
            } else {
                previous(info);
            }
        }));
    });
}

fn catching<T>(f: impl FnOnce() -> T) -> Result<T, (String, String)> {
    install_panic_hook();
    CATCHING.set(true);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.set(false);
    result.map_err(|_| LAST_PANIC.take().unwrap_or_else(|| ("?".into(), "(no message)".into())))
}

fn error_kind_name(kind: &clientgen::ErrorKind) -> &'static str {
    use clientgen::ErrorKind as K;
    match kind {
        K::Io(_) => "io",
        K::Syntax(_) => "syntax",
        K::NotOpenApi(_) => "not-openapi",
        K::UnsupportedVersion { .. } => "unsupported-version",
        K::Invalid { .. } => "invalid",
        K::DanglingRef(_) => "dangling-ref",
        K::WrongRefKind { .. } => "wrong-ref-kind",
        K::ExternalRef(_) => "external-ref",
        K::RefLoop(_) => "ref-loop",
        K::DuplicateOperationId { .. } => "duplicate-operation-id",
        K::PathParameter(_) => "path-parameter",
        K::Extension { .. } => "extension",
        K::Internal(_) => "internal",
        #[allow(unreachable_patterns)]
        _ => "other",
    }
}

/// Runs the generator on `text` and checks the property.
pub(crate) fn check(text: &str) -> Result<Verdict, Failure> {
    let watch = WATCH.with_borrow(Clone::clone);
    if let Some(watch) = &watch {
        watch.start(text);
    }
    let result = check_unwatched(text);
    if let Some(watch) = &watch {
        watch.stop();
    }
    result
}

fn check_unwatched(text: &str) -> Result<Verdict, Failure> {
    let spec = Path::new("fuzz.yaml");
    let options = clientgen::Options::for_spec(spec, "{ path = \"../runtime\" }");
    let panicked = |what: &str, (location, message): (String, String)| {
        // A dependency's file is named from its crate folder, the same on every machine.
        let location = match location.find("/registry/src/") {
            Some(at) => {
                let rest = &location[at + "/registry/src/".len()..];
                rest.split_once('/').map_or(rest, |(_, r)| r).to_owned()
            }
            None => location,
        };
        Failure { key: format!("panic at {location}"), detail: format!("{what} panicked at {location}: {message}") }
    };
    let files = match catching(|| clientgen::generate(spec, text, &options)) {
        Err(panic) => return Err(panicked("generate", panic)),
        Ok(Err(err)) => {
            let shown = catching(|| err.to_string()).map_err(|panic| panicked("Error's Display", panic))?;
            if let clientgen::ErrorKind::Internal(message) = &err.kind {
                let first: String = message.lines().next().unwrap_or("").chars().take(120).collect();
                return Err(Failure { key: format!("internal error: {first}"), detail: shown });
            }
            return Ok(Verdict::Refused(error_kind_name(&err.kind)));
        }
        Ok(Ok(files)) => files,
    };
    if let Some(dir) = std::env::var_os("CLIENTGEN_FUZZ_DUMP") {
        for file in &files {
            let path = Path::new(&dir).join(&file.path);
            let _ = std::fs::create_dir_all(path.parent().unwrap());
            let _ = std::fs::write(path, &file.contents);
        }
    }
    for file in &files {
        let name = file.path.display().to_string();
        if name.ends_with(".rs") {
            let syntax = syn::parse_file(&file.contents).map_err(|err| Failure {
                key: format!("{name} does not parse: {err}"),
                detail: format!("{name} does not parse: {err}"),
            })?;
            let problem = duplicate_names(&syntax)
                .map(|(what, detail)| (format!("duplicate {what}"), detail))
                .or_else(|| bad_format_string(&file.contents).map(|(what, detail)| (what.to_owned(), detail)));
            if let Some((what, detail)) = problem {
                return Err(Failure { key: format!("{name}: {what}"), detail: format!("{name}: {detail}") });
            }
        } else if name == "Cargo.toml" {
            if let Err(err) = check_manifest(&file.contents) {
                return Err(Failure {
                    key: format!("Cargo.toml: {}", err.0),
                    detail: format!("Cargo.toml: {}: {:?}", err.0, err.1),
                });
            }
        }
    }
    Ok(Verdict::Generated)
}

/// Names declared twice in one scope, which cannot compile (a cheap check beyond parsing): items of the
/// file, fields of a struct, variants of an enum, functions of an impl block, parameters of a function.
pub(crate) fn duplicate_names(file: &syn::File) -> Option<(&'static str, String)> {
    use std::collections::BTreeSet;
    use syn::ext::IdentExt;
    fn twice(
        what: &'static str,
        scope: &str,
        names: impl IntoIterator<Item = String>,
    ) -> Option<(&'static str, String)> {
        let mut seen = BTreeSet::new();
        names
            .into_iter()
            .find(|n| !seen.insert(n.clone()))
            .map(|n| (what, format!("{what} `{n}` declared twice in {scope}")))
    }
    fn use_names(tree: &syn::UseTree, out: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(path) => use_names(&path.tree, out),
            syn::UseTree::Name(name) => out.push(name.ident.unraw().to_string()),
            syn::UseTree::Rename(rename) => out.push(rename.rename.unraw().to_string()),
            syn::UseTree::Glob(_) => {}
            syn::UseTree::Group(group) => group.items.iter().for_each(|t| use_names(t, out)),
        }
    }
    fn params(sig: &syn::Signature) -> Vec<String> {
        sig.inputs
            .iter()
            .filter_map(|arg| match arg {
                syn::FnArg::Typed(pat) => match pat.pat.as_ref() {
                    syn::Pat::Ident(ident) => Some(ident.ident.unraw().to_string()),
                    _ => None,
                },
                syn::FnArg::Receiver(_) => Some("self".into()),
            })
            .collect()
    }
    let mut types = Vec::new();
    let mut values = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Struct(s) => {
                types.push(s.ident.unraw().to_string());
                if !matches!(s.fields, syn::Fields::Named(_)) {
                    values.push(s.ident.unraw().to_string());
                }
                let fields = s.fields.iter().filter_map(|f| f.ident.as_ref()).map(|i| i.unraw().to_string());
                if let found @ Some(_) = twice("field", &format!("struct {}", s.ident), fields) {
                    return found;
                }
            }
            syn::Item::Enum(e) => {
                types.push(e.ident.unraw().to_string());
                if let found @ Some(_) = twice(
                    "variant",
                    &format!("enum {}", e.ident),
                    e.variants.iter().map(|v| v.ident.unraw().to_string()),
                ) {
                    return found;
                }
            }
            syn::Item::Type(t) => types.push(t.ident.unraw().to_string()),
            syn::Item::Trait(t) => types.push(t.ident.unraw().to_string()),
            syn::Item::Mod(m) => types.push(m.ident.unraw().to_string()),
            syn::Item::Use(u) => use_names(&u.tree, &mut types),
            syn::Item::Fn(f) => {
                values.push(f.sig.ident.unraw().to_string());
                if let found @ Some(_) = twice("parameter", &format!("fn {}", f.sig.ident), params(&f.sig)) {
                    return found;
                }
            }
            syn::Item::Const(c) => values.push(c.ident.unraw().to_string()),
            syn::Item::Static(s) => values.push(s.ident.unraw().to_string()),
            syn::Item::Impl(i) => {
                let mut fns = Vec::new();
                for item in &i.items {
                    match item {
                        syn::ImplItem::Fn(f) => {
                            fns.push(f.sig.ident.unraw().to_string());
                            if let found @ Some(_) = twice("parameter", &format!("fn {}", f.sig.ident), params(&f.sig))
                            {
                                return found;
                            }
                        }
                        syn::ImplItem::Const(c) => fns.push(c.ident.unraw().to_string()),
                        _ => {}
                    }
                }
                if let found @ Some(_) = twice("associated item", "an impl block", fns) {
                    return found;
                }
            }
            _ => {}
        }
    }
    // `use` names and items share the type namespace (a `use` of a function is counted there too: a
    // generated file does not import functions).
    if let found @ Some(_) = twice("type name", "the file", types) {
        return found;
    }
    twice("value name", "the file", values)
}

/// A `format!` whose string cannot compile with its arguments (another cheap check beyond parsing): braces
/// that do not pair, placeholders that are not a number or a name, positional placeholders that do not
/// match the arguments, or a captured name that is nowhere in the file.
pub(crate) fn bad_format_string(code: &str) -> Option<(&'static str, String)> {
    use proc_macro2::{TokenStream, TokenTree};
    fn idents(stream: &TokenStream, out: &mut std::collections::BTreeSet<String>) {
        for tree in stream.clone() {
            match tree {
                TokenTree::Ident(ident) => {
                    out.insert(ident.to_string().trim_start_matches("r#").to_owned());
                }
                TokenTree::Group(group) => idents(&group.stream(), out),
                _ => {}
            }
        }
    }
    fn calls(stream: &TokenStream, out: &mut Vec<(String, usize, Vec<String>)>) {
        let trees: Vec<TokenTree> = stream.clone().into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            let TokenTree::Group(group) = tree else { continue };
            calls(&group.stream(), out);
            let is_format = matches!(
                (i.checked_sub(2).map(|j| &trees[j]), i.checked_sub(1).map(|j| &trees[j])),
                (Some(TokenTree::Ident(name)), Some(TokenTree::Punct(bang)))
                    if name == "format" && bang.as_char() == '!'
            );
            if !is_format {
                continue;
            }
            let args: Vec<TokenTree> = group.stream().into_iter().collect();
            let Some(Ok(template)) = args.first().map(|t| syn::parse2::<syn::LitStr>(t.clone().into())) else {
                continue;
            };
            // Arguments after the string: split at top-level commas; `name = value` ones are named.
            let mut positional = 0;
            let mut named = Vec::new();
            let mut current: Vec<&TokenTree> = Vec::new();
            for tree in args
                .iter()
                .skip(2)
                .chain(std::iter::once(&TokenTree::Punct(proc_macro2::Punct::new(',', proc_macro2::Spacing::Alone))))
            {
                if matches!(tree, TokenTree::Punct(p) if p.as_char() == ',') {
                    match current.as_slice() {
                        [] => {}
                        [TokenTree::Ident(name), TokenTree::Punct(eq), ..] if eq.as_char() == '=' => {
                            named.push(name.to_string())
                        }
                        _ => positional += 1,
                    }
                    current.clear();
                } else {
                    current.push(tree);
                }
            }
            out.push((template.value(), positional, named));
        }
    }
    let stream: TokenStream = code.parse().ok()?;
    let mut known = std::collections::BTreeSet::new();
    idents(&stream, &mut known);
    let mut found = Vec::new();
    calls(&stream, &mut found);
    for (template, positional, named) in found {
        let problem = |what: &str| Some(("bad format string", format!("format!({template:?}) {what}")));
        let mut chars = template.chars().peekable();
        let mut implicit = 0;
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                }
                '}' => return problem("has a `}` that closes nothing"),
                '{' => {
                    let mut inside = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some('{') | None => return problem("has a `{` that is not closed"),
                            Some(c) => inside.push(c),
                        }
                    }
                    let argument = inside.split(':').next().unwrap_or("");
                    if argument.is_empty() {
                        implicit += 1;
                    } else if argument.chars().all(|c| c.is_ascii_digit()) {
                        if argument.parse::<usize>().map_or(true, |n| n >= positional) {
                            return problem(&format!("refers to argument {argument} of {positional}"));
                        }
                    } else if syn::parse_str::<syn::Ident>(argument).is_err() {
                        return problem(&format!("has the placeholder {{{inside}}}"));
                    } else if !named.contains(&argument.to_owned()) && !known.contains(argument) {
                        return problem(&format!("captures `{argument}`, which is nowhere in the file"));
                    }
                }
                _ => {}
            }
        }
        if implicit > positional {
            return problem(&format!("has {implicit} `{{}}` for {positional} arguments"));
        }
    }
    None
}

/// A light TOML check of the manifest (no TOML parser in the lock file): each line is blank, a comment, a
/// `[table]` or `key = value`, and every string in a value is a valid one-line basic string.
pub(crate) fn check_manifest(text: &str) -> Result<(), (&'static str, String)> {
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            if !line.ends_with(']') {
                return Err(("bad table header", line.to_owned()));
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(("line is not `key = value`", line.to_owned()));
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(("bad key", line.to_owned()));
        }
        let mut chars = value.trim().chars();
        let mut depth = 0i32;
        let mut seen_value = false;
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    seen_value = true;
                    loop {
                        match chars.next() {
                            None => return Err(("unterminated string", line.to_owned())),
                            Some('"') => break,
                            Some('\\') => match chars.next() {
                                Some('b' | 't' | 'n' | 'f' | 'r' | '"' | '\\') => {}
                                Some('u') => {
                                    let hex: String = chars.by_ref().take(4).collect();
                                    if hex.len() != 4 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                                        return Err(("bad \\u escape", line.to_owned()));
                                    }
                                }
                                _ => return Err(("bad escape in string", line.to_owned())),
                            },
                            Some(c) if (c < ' ' && c != '\t') || c == '\u{7f}' => {
                                return Err(("control character in string", line.to_owned()));
                            }
                            Some(_) => {}
                        }
                    }
                }
                // An array or table is a value, empty or not (`group = []` in `[features]`).
                '{' | '[' => {
                    depth += 1;
                    seen_value = true;
                }
                '}' | ']' => depth -= 1,
                c if c.is_ascii_alphanumeric() || " ,=._-+".contains(c) => seen_value = true,
                _ => return Err(("unexpected character in value", line.to_owned())),
            }
            if depth < 0 {
                return Err(("unbalanced brackets", line.to_owned()));
            }
        }
        if depth != 0 || !seen_value {
            return Err(("incomplete value", line.to_owned()));
        }
    }
    Ok(())
}
