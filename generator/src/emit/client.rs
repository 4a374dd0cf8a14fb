//! The skeleton of `src/lib.rs` — crate docs, re-exports, the `Client` with its constructors — around the
//! operation methods, the credential items and the per-operation types the other modules emit.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::auth::{login_methods, schemes};
use super::docs::{code, lines, list_item, spec};
use super::forms::form_type;
use super::gate;
use super::mock::{error_reply, mock_module, server_method, success_reply};
use super::operations::{marker, operation, operation_impl, setters};
use super::outcomes::operation_types;
use super::pagination::paged_impl;
use super::webhooks::webhooks_module;
use super::{ident, lit};
use crate::model::{Api, Gate, Operation, Placement, ResponseBody, Ty};
use crate::names::is_keyword;

/// `src/lib.rs`: the README as crate docs, the client, and one method and error type per operation.
pub(crate) fn lib_file(api: &Api) -> TokenStream {
    let constructors = constructors(api);
    // Each operation's items carry the `#[cfg]` of its groups' features.
    let cfg = |op: &Operation| gate::cfg(api, &op.gate);
    let operations = api.operations.iter().map(|op| gate::method(operation(api, op), cfg(op).as_ref()));
    // The operations sharing each error enum (see `model::operations::share_error_enums`): the enum is
    // compiled with any of them.
    let mut sharers: BTreeMap<&str, Vec<&Gate>> = BTreeMap::new();
    for op in &api.operations {
        if let Some(target) = &op.error_shared {
            sharers.entry(target).or_default().push(&op.gate);
        }
    }
    let counts = sharers.iter().map(|(name, gates)| (*name, gates.len())).collect();
    let op_types = api.operations.iter().map(|op| {
        let (error, success) = operation_types(op, &counts);
        let error_reply = error_reply(op);
        let error = quote!(#error #error_reply);
        let shared = op.error_type.as_deref().filter(|_| op.error_shared.is_none()).and_then(|n| sharers.get(n));
        let error_gate = match shared {
            Some(gates) => gate::union(std::iter::once(&op.gate).chain(gates.iter().copied())),
            None => op.gate.clone(),
        };
        let error = gate::items(error, gate::cfg(api, &error_gate).as_ref());
        let success = gate::items(success, cfg(op).as_ref());
        quote!(#error #success)
    });
    let forms = api.operations.iter().filter_map(|op| Some(gate::items(form_type(op)?, cfg(op).as_ref())));
    let schemes = schemes(api);
    let login = login_methods(api);
    // What the operations use, compiled with them.
    let operations_cfg = gate::cfg(api, &gate::union(api.operations.iter().map(|op| &op.gate)));
    let imports = match (&operations_cfg, api.operations.is_empty()) {
        (_, true) => quote!(
            use clientgen_runtime::ClientCore;
        ),
        (None, false) => quote!(
            use clientgen_runtime::{ClientCore, RawResponse, Security};
        ),
        (Some(cfg), false) => quote!(
            use clientgen_runtime::ClientCore;
            #cfg
            use clientgen_runtime::{RawResponse, Security};
        ),
    };
    // Binary and event-stream success bodies stream: the types a caller reads them with.
    let answers =
        |pred: fn(&ResponseBody) -> bool| api.operations.iter().any(|op| op.outcomes().any(|o| pred(&o.body)));
    let stream_exports = answers(|body| *body == ResponseBody::Bytes).then(|| {
        quote!(
            /// Streamed response bodies: [`ByteStream`](stream::ByteStream) and its errors.
            pub use clientgen_runtime::stream;
        )
    });
    let event_exports = answers(|body| matches!(body, ResponseBody::Events(_))).then(|| {
        quote!(
            /// Server-sent events: [`EventStream`](events::EventStream), its events and errors.
            pub use clientgen_runtime::events;
        )
    });
    let form_exports = api.operations.iter().any(|op| op.body.as_ref().is_some_and(|b| b.form.is_some())).then(|| {
        quote!(
            /// Multipart bodies: [`FilePart`](multipart::FilePart), a file part's content.
            pub use clientgen_runtime::multipart;
        )
    });
    let webhooks = webhooks_module(api);
    let mock = mock_module(api, operations_cfg.as_ref());
    let calls = (!api.operations.is_empty()).then(|| {
        let markers = api.operations.iter().map(|op| gate::items(marker(op), cfg(op).as_ref()));
        let impls = api.operations.iter().map(|op| {
            let (main, paged, reply) = (operation_impl(op), paged_impl(op), success_reply(op));
            gate::items(quote!(#main #paged #reply), cfg(op).as_ref())
        });
        let mock_methods = api.operations.iter().map(|op| gate::method(server_method(op), cfg(op).as_ref()));
        let setters = api.operations.iter().map(|op| gate::items(setters(api, op), cfg(op).as_ref()));
        quote! {
            // `Call`, what every operation returns: the same in every crate, so written once in the runtime.
            #operations_cfg
            clientgen_runtime::call_type!();

            /// One marker type per operation, naming its [`Call`] (`Call<'_, operations::…>`).
            #operations_cfg
            pub mod operations {
                #(#markers)*
            }

            #(#impls)*

            #(#setters)*

            #[cfg(feature = "mock")]
            #operations_cfg
            impl mock::Server {
                #(#mock_methods)*
            }
        }
    });
    // rustdoc works out the auto traits (`Send`, `RefUnwindSafe`, …) of every type, through each `Box` of a
    // recursive one: deep graphs such as Stripe's exceed the default limit of 128 there (E0275).
    let recursion_limit = api.uses(|ty| matches!(ty, Ty::Boxed(_))).then(|| quote!(#![recursion_limit = "256"]));
    quote! {
        // The front page is the README (`readme.rs`), which the package also shows.
        #![doc = include_str!("../README.md")]
        #![forbid(unsafe_code)]
        #recursion_limit

        pub mod types;

        pub use clientgen_runtime::{BuildError, Error, ResponseValue, RetryPolicy, Secret};
        #stream_exports
        #event_exports
        #form_exports
        /// Sessions, token stores and their errors (the whole credentials API of the runtime).
        pub use clientgen_runtime::auth;
        pub use clientgen_runtime::auth::{AuthError, SendError, Session, SessionOptions, StoredTokens, TokenStore};

        #imports

        /// A client for the API. Cheap to clone: clones share the connection pool and the session.
        #[derive(Debug, Clone)]
        pub struct Client {
            core: ClientCore,
        }

        impl Client {
            #constructors

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            /// This client with another retry policy for its calls (a call may still set its own). The default,
            /// [`RetryPolicy::default`], retries idempotent requests (and those with an idempotency key) up to
            /// twice after a failed connection (or one closed unanswered), a timeout, or a 408, 429, 502, 503 or 504 answer.
            pub fn with_retry(&self, policy: RetryPolicy) -> Self {
                Self { core: self.core.with_retry(policy) }
            }

            /// This client with `middleware` added to its request middleware (after any added before: the
            /// first added sees a request first), with the `middleware` feature. Any
            /// [`reqwest_middleware::Middleware`](clientgen_runtime::reqwest_middleware::Middleware) fits:
            /// `reqwest-tracing`, `reqwest-retry`, `http-cache-reqwest` or one's own.
            ///
            /// The middleware sees each attempt of a call as it goes on the wire, credentials placed (a
            /// signing middleware sees the final request); credential headers are marked sensitive, so
            /// `Debug` shows them as `Sensitive`. Calls whose request or response carries a credential no
            /// marking can hide (logins and token operations, credentials in the query string or the body)
            /// bypass it, unless [`Client::middleware_sees_secrets`] says otherwise; the session's own
            /// refresh and re-exchange requests always do.
            #[cfg(feature = "middleware")]
            pub fn with_middleware(&self, middleware: impl clientgen_runtime::reqwest_middleware::Middleware) -> Self {
                Self { core: self.core.with_middleware(middleware) }
            }

            /// This client with its middleware also seeing the calls that carry a credential no header marking
            /// can hide (see [`Client::with_middleware`]); off by default.
            #[cfg(feature = "middleware")]
            pub fn middleware_sees_secrets(&self, sees_secrets: bool) -> Self {
                Self { core: self.core.middleware_sees_secrets(sees_secrets) }
            }

            #login

            #(#operations)*
        }

        #calls

        #webhooks

        #mock

        #schemes

        #(#op_types)*

        #(#forms)*
    }
}

fn constructors(api: &Api) -> TokenStream {
    // Headers the API's security schemes carry credentials in (beside `Authorization`, which the runtime
    // always treats as one): a caller's per-call header of such a name is marked sensitive.
    let mut credential_headers: Vec<&str> = api
        .schemes
        .iter()
        .filter_map(|s| match &s.placement {
            Placement::Header { name, .. } if name != "authorization" => Some(name.as_str()),
            _ => None,
        })
        .collect();
    credential_headers.sort_unstable();
    credential_headers.dedup();
    let core = if credential_headers.is_empty() {
        quote!(ClientCore::new(base_url, http)?)
    } else {
        quote!(ClientCore::new(base_url, http)?.with_credential_headers(&[#(#credential_headers),*]))
    };
    let user_agent = quote!(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")));
    let default = api.servers.first().map(|server| {
        let mut doc = format!("A client for the spec's default server, {}.", code(&server.url));
        if let Some(description) = server.description.as_deref().map(spec).filter(|d| !d.is_empty()) {
            doc = format!("{doc}\n\n{description}");
        }
        let docs = lines(&doc);
        if server.variables.is_empty() {
            let url = lit(&server.url);
            quote! {
                /// The spec's default server.
                pub const DEFAULT_BASE_URL: &'static str = #url;

                #docs
                pub fn new() -> Result<Self, BuildError> {
                    Self::with_base_url(Self::DEFAULT_BASE_URL)
                }
            }
        } else {
            // `https://{helpdesk}/api/v2` → format!("https://{}/api/v2", helpdesk)
            let mut template = server.url.replace('{', "\u{0}").replace('}', "\u{1}");
            template = template.replace('\u{0}', "{{").replace('\u{1}', "}}");
            let mut args = Vec::new();
            let mut params = Vec::new();
            let mut arg_docs = String::from("\n\n# Arguments\n");
            for var in &server.variables {
                let var_ident = ident(&var.ident);
                // Inline plain identifiers in the format string (as clippy prefers); raw ones cannot be.
                if is_keyword(&var.ident) {
                    template = template.replace(&format!("{{{{{}}}}}", var.wire), "{}");
                    args.push(quote!(#var_ident));
                } else {
                    template = template.replace(&format!("{{{{{}}}}}", var.wire), &format!("{{{}}}", var.ident));
                }
                params.push(quote!(#var_ident: &str));
                arg_docs.push('\n');
                arg_docs.push_str(&list_item(
                    &format!("- `{}`:", var.ident),
                    var.description
                        .as_deref()
                        .filter(|d| !d.trim().is_empty())
                        .unwrap_or("The server variable of that name."),
                ));
            }
            let docs = lines(&format!("{doc}{arg_docs}"));
            let template = lit(&template);
            quote! {
                #docs
                pub fn new(#(#params),*) -> Result<Self, BuildError> {
                    Self::with_base_url(&format!(#template #(, #args)*))
                }
            }
        }
    });
    quote! {
        #default

        /// A client for `base_url` (for example a test server), with default timeouts.
        pub fn with_base_url(base_url: &str) -> Result<Self, BuildError> {
            Self::with_http_client(base_url, ClientCore::default_http_client(#user_agent)?)
        }

        /// A client for `base_url` that sends through `http`, a `reqwest::Client` set up by the caller
        /// (timeouts, proxies, TLS).
        pub fn with_http_client(base_url: &str, http: reqwest::Client) -> Result<Self, BuildError> {
            Ok(Self { core: #core })
        }
    }
}
