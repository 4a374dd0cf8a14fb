//! Edits that cut and garble a seed's raw text.

use proptest::prelude::*;
use proptest::sample::{Index, select};

use crate::vocabulary::RAW_SNIPPETS;

#[derive(Debug, Clone)]
pub(crate) enum RawEdit {
    Truncate(Index),
    Flip(Index, u8),
    Insert(Index, &'static str),
    Delete(Index, u16),
    DuplicateLine(Index),
}

pub(crate) fn raw_edit() -> impl Strategy<Value = RawEdit> {
    prop_oneof![
        1 => any::<Index>().prop_map(RawEdit::Truncate),
        2 => (any::<Index>(), any::<u8>()).prop_map(|(at, bit)| RawEdit::Flip(at, bit)),
        3 => (any::<Index>(), select(RAW_SNIPPETS)).prop_map(|(at, s)| RawEdit::Insert(at, s)),
        2 => (any::<Index>(), 1u16..200).prop_map(|(at, n)| RawEdit::Delete(at, n)),
        1 => any::<Index>().prop_map(RawEdit::DuplicateLine),
    ]
}

impl RawEdit {
    pub(crate) fn apply(&self, bytes: &mut Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let len = bytes.len();
        match self {
            RawEdit::Truncate(at) => bytes.truncate(at.index(len)),
            RawEdit::Flip(at, bit) => bytes[at.index(len)] ^= 1 << (bit % 8),
            RawEdit::Insert(at, snippet) => {
                let at = at.index(len);
                bytes.splice(at..at, snippet.bytes());
            }
            RawEdit::Delete(at, n) => {
                let at = at.index(len);
                let end = (at + usize::from(*n)).min(len);
                bytes.drain(at..end);
            }
            RawEdit::DuplicateLine(at) => {
                let at = at.index(len);
                let start = bytes[..at].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                let end = bytes[at..].iter().position(|b| *b == b'\n').map_or(len, |i| at + i + 1);
                let line = bytes[start..end].to_vec();
                bytes.splice(start..start, line);
            }
        }
    }
}
