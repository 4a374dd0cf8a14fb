//! Pagination: each operation's declaration (its own extension, else the first rule of the crate's settings
//! that matches it) resolved against its success type into the Rust field paths the emitted code reads, and
//! a report of the operations that look paged but that nothing declares (or that declare what cannot be
//! followed). Never guessed: an operation pages only when a declaration or rule says how.

use std::collections::HashMap;
use std::path::Path;

use super::{Operation, ParamLocation, ResponseBody, Ty, TypeDef, TypeKind};
use crate::error::{Error, ErrorKind, pointer_push};
use crate::extensions::{Declared, Items, Match, Next, Omit, PAGINATION, Paging, Rule};

/// How a paged operation's pages follow each other, in Rust terms.
#[derive(Debug, Clone)]
pub(crate) struct Pages {
    /// Where the items are, when a page is one array of them (else the operation has `.pages()` only).
    pub items: Option<ItemsAt>,
    /// How the next page's request is made.
    pub next: PageNext,
    /// The fields to a boolean that is false on the last page.
    pub has_more: Option<Vec<Step>>,
    /// The fields to the number of items in all pages, and its type.
    pub total: Option<(Vec<Step>, Ty)>,
    /// The fields to the number of pages, and its type.
    pub total_pages: Option<(Vec<Step>, Ty)>,
    /// The slots of the query parameters later pages leave out.
    pub omit_later: Vec<u16>,
    /// Who declared it (the extension, or `rule N`).
    pub source: String,
}

/// Where a page's items are.
#[derive(Debug, Clone)]
pub(crate) struct ItemsAt {
    /// The fields from the success body to the array (none: the body is the array).
    pub steps: Vec<Step>,
    /// The type of one item.
    pub item: Ty,
}

/// A field on the way to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    /// The Rust field.
    pub ident: String,
    /// How many `Option`s wrap it: 0 (required), 1 (optional, or required and nullable), 2 (optional and
    /// nullable).
    pub options: u8,
}

/// How the next page's request is made, in Rust terms.
#[derive(Debug, Clone)]
pub(crate) enum PageNext {
    /// The cursor at `from` in the page goes into query parameter `slot`.
    Cursor { slot: u16, wire: String, from: Vec<Step>, ty: Ty },
    /// The value at `field` in the page's last item goes into query parameter `slot`.
    LastItem { slot: u16, wire: String, field: ItemField },
    /// Query parameter `slot` counts pages from `first`.
    Page { slot: u16, wire: String, first: u64 },
    /// Query parameter `slot` counts the items before the page.
    Offset { slot: u16, wire: String },
    /// The next page's URL is at `from` in the page.
    Url { from: Vec<Step> },
    /// The `Link` header's link of relation `rel`.
    Link { rel: String },
}

/// Where a value is in an item.
#[derive(Debug, Clone)]
pub(crate) enum ItemField {
    /// Along these fields, of this type.
    Fields(Vec<Step>, Ty),
    /// In each variant of a union (named `union`): the variant, the fields in its payload and the type there;
    /// with `other`, the union keeps unlisted values as JSON, read at `pointer`.
    Union { union: String, arms: Vec<(String, Vec<Step>, Ty)>, other: bool, pointer: String },
}

/// Resolves the pagination of every operation of `file`; gives the report lines (operations that look paged
/// but are not, declarations another tool wrote that cannot be followed). A malformed or unresolvable
/// `x-clientgen-pagination` is an error.
pub(super) fn resolve(
    file: &Path,
    operations: &mut [Operation],
    types: &[TypeDef],
    rules: &[Rule],
) -> Result<Vec<String>, Error> {
    let types = Types { defs: types, index: types.iter().enumerate().map(|(i, def)| (def.name.as_str(), i)).collect() };
    let mut report = Vec::new();
    for op in operations.iter_mut() {
        let what = format!("`{}` ({} {})", op.id, op.method.as_str(), op.path);
        match op.declared_paging.take() {
            Some(Declared::Paging(paging)) => match types.pages(op, &paging) {
                Ok(pages) => op.pages = Some(pages),
                Err(reason) if paging.source == PAGINATION => {
                    let pointer = pointer_push(&op.pointer, PAGINATION);
                    return Err(Error::new(file, &pointer, ErrorKind::Extension { extension: PAGINATION, reason }));
                }
                Err(reason) => report.push(format!("{what}: its {} is not followed: {reason}", paging.source)),
            },
            Some(Declared::Unsupported { extension, reason }) => {
                report.push(format!("{what}: its {extension} is not followed: {reason}"));
            }
            None => {
                op.pages = rules
                    .iter()
                    .filter(|rule| types.matches(op, &rule.when))
                    .find_map(|rule| types.pages(op, &rule.paging).ok());
                if op.pages.is_none() {
                    if let Some(clue) = types.looks_paged(op) {
                        report.push(format!("{what}: looks paged ({clue}), but no declaration or rule covers it"));
                    }
                }
            }
        }
    }
    Ok(report)
}

/// Query parameters that suggest pages.
const PAGE_PARAMS: &[&str] = &[
    "after",
    "continuation_token",
    "continuationtoken",
    "cursor",
    "marker",
    "next_page_token",
    "next_token",
    "nexttoken",
    "offset",
    "page",
    "page_token",
    "pagetoken",
    "starting_after",
];

/// Success body properties that suggest pages.
const PAGE_FIELDS: &[&str] = &[
    "has_more",
    "hasmore",
    "next",
    "next_cursor",
    "next_link",
    "next_page",
    "next_page_token",
    "next_page_uri",
    "nextlink",
    "nextpagetoken",
];

/// The named types, by name.
struct Types<'t> {
    defs: &'t [TypeDef],
    index: HashMap<&'t str, usize>,
}

impl Types<'_> {
    /// `ty` through aliases and boxes.
    fn deref<'a>(&'a self, mut ty: &'a Ty) -> &'a Ty {
        // Aliases of aliases end (the model makes a type that contains itself a newtype); the bound is for safety.
        for _ in 0..64 {
            ty = match ty {
                Ty::Boxed(inner) => inner,
                Ty::Named(name) => match self.index.get(name.as_str()).map(|&i| &self.defs[i].kind) {
                    Some(TypeKind::Alias(inner)) => inner,
                    _ => return ty,
                },
                _ => return ty,
            };
        }
        ty
    }

    /// The fields from `ty` along JSON pointer `pointer`, and the type found there (as written).
    fn walk(&self, ty: &Ty, pointer: &str) -> Result<(Vec<Step>, Ty), String> {
        let mut steps = Vec::new();
        let mut current = ty.clone();
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            let fields = match self.deref(&current) {
                Ty::Named(name) => match self.index.get(name.as_str()).map(|&i| &self.defs[i].kind) {
                    Some(TypeKind::Struct { fields, .. }) => fields,
                    _ => return Err(format!("`{pointer}`: `{token}` is not a property of an object")),
                },
                _ => return Err(format!("`{pointer}`: `{token}` is not a property of an object")),
            };
            let field = fields
                .iter()
                .find(|field| field.wire == token)
                .ok_or_else(|| format!("`{pointer}`: the object has no property `{token}`"))?;
            let options = match (field.required, field.nullable) {
                (true, false) => 0,
                (false, true) => 2,
                _ => 1,
            };
            steps.push(Step { ident: field.ident.clone(), options });
            current = field.ty.clone();
        }
        Ok((steps, current))
    }

    /// The fields to a value at `pointer` whose type `fits`, and that type (through aliases).
    fn value(&self, ty: &Ty, pointer: &str, what: &str, fits: fn(&Ty) -> bool) -> Result<(Vec<Step>, Ty), String> {
        let (steps, found) = self.walk(ty, pointer)?;
        let found = self.deref(&found).clone();
        if fits(&found) { Ok((steps, found)) } else { Err(format!("`{pointer}` is not {what}")) }
    }

    /// The operation's one JSON success type.
    fn success<'o>(&self, op: &'o Operation) -> Result<&'o Ty, String> {
        let mut bodies = op.success.iter().map(|outcome| &outcome.body);
        match (bodies.next(), op.success_type.is_none()) {
            (Some(ResponseBody::Json(ty)), true) => Ok(ty),
            _ => Err("its success response is not one JSON type".into()),
        }
    }

    /// Whether `op` is one a rule covers.
    fn matches(&self, op: &Operation, when: &Match) -> bool {
        op.method.as_str().eq_ignore_ascii_case(&when.method)
            && when.query.iter().all(|name| query_slot(op, name).is_some())
            && when.response.iter().all(|pointer| self.success(op).is_ok_and(|ty| self.walk(ty, pointer).is_ok()))
            && when.header.as_ref().is_none_or(|header| op.success_headers.contains(&header.to_ascii_lowercase()))
    }

    /// Where the items are: at the declared pointer, or, for `the-array`, the body if it is an array, else
    /// its one array property, else nowhere (a page of no single array: `.pages()` only).
    fn items_at(&self, op: &Operation, items: &Items) -> Result<Option<ItemsAt>, String> {
        let (steps, array) = match items {
            Items::None => return Ok(None),
            Items::At(pointer) => self.walk(self.success(op)?, pointer)?,
            Items::TheArray => {
                let Ok(ty) = self.success(op) else { return Ok(None) };
                if matches!(self.deref(ty), Ty::Vec(_)) {
                    (Vec::new(), ty.clone())
                } else {
                    let mut arrays = self
                        .fields(ty)
                        .iter()
                        .filter(|field| matches!(self.deref(&field.ty), Ty::Vec(_)))
                        .filter_map(|field| self.walk(ty, &pointer_push("", &field.wire)).ok());
                    match (arrays.next(), arrays.next()) {
                        (Some(one), None) => one,
                        _ => return Ok(None),
                    }
                }
            }
        };
        match self.deref(&array) {
            Ty::Vec(item) => Ok(Some(ItemsAt { steps, item: (**item).clone() })),
            _ => Err("its items are not an array".into()),
        }
    }

    /// `paging` resolved against `op`. Only what the declaration reads from the body needs the success
    /// response to be one JSON type (a `Link` header walk does not).
    fn pages(&self, op: &Operation, paging: &Paging) -> Result<Pages, String> {
        let items = self.items_at(op, &paging.items)?;
        let body = || self.success(op);
        let param = |name: &str, fits: fn(&Ty) -> bool| -> Result<(u16, String), String> {
            let slot = query_slot(op, name).ok_or_else(|| format!("it has no query parameter `{name}`"))?;
            let param = &op.params[slot];
            if fits(self.deref(&param.ty)) {
                Ok((slot as u16, param.wire.clone()))
            } else {
                Err(format!("the query parameter `{name}` is not a string or an integer"))
            }
        };
        let next = match &paging.next {
            Next::Cursor { param: name, from } => {
                let (slot, wire) = param(name, is_text)?;
                let (from, ty) = self.value(body()?, from, "a string or an integer", is_text)?;
                PageNext::Cursor { slot, wire, from, ty }
            }
            Next::LastItem { param: name, field } => {
                let (slot, wire) = param(name, is_text)?;
                let item = &items.as_ref().ok_or("a last item needs a page that is one array of items")?.item;
                PageNext::LastItem { slot, wire, field: self.item_field(item, field)? }
            }
            Next::Page { param: name, first } => {
                let (slot, wire) = param(name, is_text)?;
                let default = op.params[slot as usize].constraints.default.as_ref().and_then(serde_json::Value::as_u64);
                PageNext::Page { slot, wire, first: first.or(default).unwrap_or(1) }
            }
            Next::Offset { param: name } => {
                let (slot, wire) = param(name, is_text)?;
                if items.is_none() {
                    return Err("an offset counts items, and a page here is no one array of them".into());
                }
                PageNext::Offset { slot, wire }
            }
            Next::Url { from } => {
                PageNext::Url { from: self.value(body()?, from, "a string", |t| *t == Ty::String)?.0 }
            }
            Next::Link { rel } => PageNext::Link { rel: rel.clone() },
        };
        let has_more =
            paging.has_more.as_ref().map(|p| self.value(body()?, p, "a boolean", |t| *t == Ty::Bool)).transpose()?;
        let count = |pointer: &Option<String>| {
            pointer.as_ref().map(|p| self.value(body()?, p, "an integer", is_integer)).transpose()
        };
        let omit_later = match &paging.omit_later {
            Omit::None => Vec::new(),
            Omit::Listed(names) => names
                .iter()
                .map(|name| {
                    query_slot(op, name)
                        .map(|slot| slot as u16)
                        .ok_or_else(|| format!("it has no query parameter `{name}` to omit"))
                })
                .collect::<Result<_, _>>()?,
            Omit::OptionalBut(keep) => op
                .params
                .iter()
                .enumerate()
                .filter(|(_, p)| p.location == ParamLocation::Query && !p.required && !keep.contains(&p.wire))
                .map(|(slot, _)| slot as u16)
                .collect(),
        };
        Ok(Pages {
            items,
            next,
            has_more: has_more.map(|(steps, _)| steps),
            total: count(&paging.total)?,
            total_pages: count(&paging.total_pages)?,
            omit_later,
            source: paging.source.clone(),
        })
    }

    /// Where the value at `pointer` is in an item of type `item`: along its fields, or, for a union whose
    /// every variant carries an object (Stripe's `bank_account` or `card`), along each variant's.
    fn item_field(&self, item: &Ty, pointer: &str) -> Result<ItemField, String> {
        const WHAT: &str = "a string or an integer in an item";
        let union = match self.deref(item) {
            Ty::Named(name) => match self.index.get(name.as_str()).map(|&i| &self.defs[i].kind) {
                Some(TypeKind::Union { variants, tag }) => Some((name, variants, tag.is_some())),
                _ => None,
            },
            _ => None,
        };
        let Some((union, variants, other)) = union else {
            let (steps, ty) = self.value(item, pointer, WHAT, is_text)?;
            return Ok(ItemField::Fields(steps, ty));
        };
        let arms = variants
            .iter()
            .map(|variant| match &variant.payload {
                super::Payload::Whole(ty) => {
                    let (steps, ty) = self.value(ty, pointer, WHAT, is_text)?;
                    Ok((variant.name.clone(), steps, ty))
                }
                _ => Err(format!("the item's variant `{}` carries no object", variant.name)),
            })
            .collect::<Result<_, String>>()?;
        Ok(ItemField::Union { union: union.clone(), arms, other, pointer: pointer.to_owned() })
    }

    /// The properties of `ty`, when it is an object.
    fn fields(&self, ty: &Ty) -> &[super::Field] {
        match self.deref(ty) {
            Ty::Named(name) => match self.index.get(name.as_str()).map(|&i| &self.defs[i].kind) {
                Some(TypeKind::Struct { fields, .. }) => fields,
                _ => &[],
            },
            _ => &[],
        }
    }

    /// What makes a GET operation that pages by no declaration look paged: a query parameter or a success
    /// property of a paging name.
    fn looks_paged(&self, op: &Operation) -> Option<String> {
        if !op.method.as_str().eq_ignore_ascii_case("get") {
            return None;
        }
        let param = op.params.iter().find(|p| {
            p.location == ParamLocation::Query && PAGE_PARAMS.contains(&p.wire.to_ascii_lowercase().as_str())
        });
        if let Some(param) = param {
            return Some(format!("query parameter `{}`", param.wire));
        }
        let ty = self.success(op).ok()?;
        let field = self.fields(ty).iter().find(|f| PAGE_FIELDS.contains(&f.wire.to_ascii_lowercase().as_str()))?;
        Some(format!("response property `{}`", field.wire))
    }
}

/// The slot of `op`'s query parameter `name`.
fn query_slot(op: &Operation, name: &str) -> Option<usize> {
    op.params.iter().position(|p| p.location == ParamLocation::Query && p.wire == name)
}

fn is_text(ty: &Ty) -> bool {
    matches!(ty, Ty::String | Ty::I32 | Ty::I64 | Ty::U64 | Ty::Uuid)
}

fn is_integer(ty: &Ty) -> bool {
    matches!(ty, Ty::I32 | Ty::I64 | Ty::U64)
}
