//! One input: a mutated seed, a generated document or a garbled seed text, and the text it makes.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

use crate::generated_docs::generated_doc;
use crate::mutate::{Mutation, mutation};
use crate::raw_edits::{RawEdit, raw_edit};
use crate::seeds::seeds;

/// How a document is written out.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Format {
    Yaml,
    Json,
    JsonPretty,
}

pub(crate) fn render_value(value: &Value, format: Format) -> String {
    match format {
        Format::Yaml => serde_yaml::to_string(value).expect("JSON values are YAML"),
        Format::Json => serde_json::to_string(value).expect("JSON values serialize"),
        Format::JsonPretty => serde_json::to_string_pretty(value).expect("JSON values serialize"),
    }
}

/// One input.
#[derive(Debug, Clone)]
pub(crate) enum Case {
    /// A seed, mutated structurally.
    Mutated { seed: Index, mutations: Vec<Mutation>, format: Format },
    /// A small document generated whole.
    Generated { doc: Value, format: Format },
    /// A seed's text, garbled.
    Raw { seed: Index, edits: Vec<RawEdit> },
}

impl Case {
    pub(crate) fn text(&self) -> String {
        let seeds = seeds();
        match self {
            Case::Mutated { seed, mutations, format } => {
                let mut doc = seeds[seed.index(seeds.len())].value.clone();
                for mutation in mutations {
                    mutation.apply(&mut doc);
                }
                render_value(&doc, *format)
            }
            Case::Generated { doc, format } => render_value(doc, *format),
            Case::Raw { seed, edits } => {
                let mut bytes = seeds[seed.index(seeds.len())].text.clone().into_bytes();
                for edit in edits {
                    edit.apply(&mut bytes);
                }
                String::from_utf8_lossy(&bytes).into_owned()
            }
        }
    }

    pub(crate) fn seed_name(&self) -> Option<&'static str> {
        let seeds = seeds();
        match self {
            Case::Mutated { seed, .. } | Case::Raw { seed, .. } => Some(seeds[seed.index(seeds.len())].name.as_str()),
            Case::Generated { .. } => None,
        }
    }
}

pub(crate) fn case_strategy() -> impl Strategy<Value = Case> {
    let format = prop_oneof![
        3 => Just(Format::Yaml),
        1 => Just(Format::Json),
        1 => Just(Format::JsonPretty),
    ];
    prop_oneof![
        12 => (any::<Index>(), vec(mutation(), 0..10), format.clone()).prop_map(
            |(seed, mutations, format)| Case::Mutated { seed, mutations, format }
        ),
        6 => (generated_doc(), format).prop_map(|(doc, format)| Case::Generated { doc, format }),
        2 => (any::<Index>(), vec(raw_edit(), 1..4)).prop_map(|(seed, edits)| Case::Raw { seed, edits }),
    ]
}
