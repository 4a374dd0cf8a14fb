//! Values from schemas: JSON that an OpenAPI 3.0 or 3.1 schema accepts, built at random from a seed, the
//! ways to break it, and the ways to write it. The test tooling's one source of generated data: the
//! differential decoder test (`cargo xtask decoders`) uses it, and request conformance and the test
//! doubles can.
//!
//! Everything is reproducible: the same document, schema and seed give the same values, in the same order.

mod mutate;
mod pattern;
mod rng;
mod schema;
mod text;

pub use mutate::Mutation;
pub use pattern::matching;
pub use rng::Rng;
pub use schema::Values;
pub use text::write;
