//! The two webhook receivers `build.rs` generates, shared by `webhooks.rs` and `webhook_senders.rs`:
//! `tests/constructs/webhooks.yaml`'s (3.1 `webhooks`, a `type` property, Standard Webhooks) and
//! `webhooks_by_header.yaml`'s (3.0 `x-webhooks`, `X-GitHub-Event`, GitHub's signature).

// Crate roots used as modules: what the crates re-export for their users is unused here.
#[allow(dead_code, unused_imports, clippy::all)]
pub mod svix_like {
    include!(concat!(env!("OUT_DIR"), "/webhooks_lib.rs"));
}

#[allow(dead_code, unused_imports, clippy::all)]
pub mod github_like {
    include!(concat!(env!("OUT_DIR"), "/webhooks_by_header_lib.rs"));
}
