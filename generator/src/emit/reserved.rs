//! Every name the emitted code introduces beside the spec's names, by scope. The model consults this list
//! when it decides names, so a spec name never shadows or meets one of them; a name added to the emitted
//! code is added here, next to the code that owns it.

use crate::model::Reserved;

/// The names the emitted code reserves.
pub(crate) const RESERVED: Reserved = Reserved {
    // `types.rs` and `lib.rs` write these unqualified: `Option<…>`, `Box<…>`, `Result<…>`, `Some`/`None`,
    // `Ok`/`Err` in impls, the serde derives and traits, and `From` in integer enums' conversions.
    type_names: &[
        "Box",
        "Deserialize",
        "Err",
        "From",
        "None",
        "Ok",
        "Option",
        "Result",
        "Serialize",
        "Some",
        "String",
        "Vec",
    ],
    // `client::lib_file`: the runtime names the crate root re-exports or imports, and the client itself.
    root_names: &[
        "AuthError",
        "BuildError",
        "Call",
        "Client",
        "ClientCore",
        "Error",
        "RawResponse",
        "ResponseValue",
        "RetryPolicy",
        "Secret",
        "Security",
        "SendError",
        "Session",
        "SessionOptions",
        "StoredTokens",
        "TokenStore",
    ],
    // `client` (constructors, `base_url`) and `auth` (`resume`, `session`, `request`, `send`, `login`).
    client_methods: &[
        "base_url",
        "login",
        "middleware_sees_secrets",
        "new",
        "request",
        "resume",
        "send",
        "session",
        "with_base_url",
        "with_http_client",
        "with_middleware",
        "with_retry",
    ],
    // `operations::operation` and `operations::setters`: `&self`, the `body` argument, the `request` being
    // built, the setters' `value`; the methods every `Call` has (`client::CALL`), which setters of
    // optional inputs share a namespace with, `event_stream`, which some calls have
    // (`operations::event_stream_method`), and `pages` and `items`, which paged calls have (the runtime's
    // `call_type!`, for `pagination::paged_impl`).
    operation_locals: &[
        "body",
        "event_stream",
        "into_future",
        "items",
        "new",
        "pages",
        "request",
        "self",
        "value",
        "with_header",
        "with_idempotency_key",
        "with_query",
        "with_retry",
        "with_timeout",
    ],
    // `auth::login_methods`, which takes the exchange operation's parameters: the `options` argument and the
    // `response` and `session` locals.
    login_locals: &["options", "response", "session"],
    // `client::constructors`: `new(<server variables>)` builds its URL with `format!` and introduces nothing.
    constructor_locals: &[],
    // `types::type_def`: the flattened map of further properties.
    fields: &["additional_properties"],
    // `types`: the variant that keeps values (and tags) the spec does not list.
    variants: &["Other"],
    // `manifest`: cargo's `default`, `full` (every group of operations and the schemas no operation reaches),
    // `middleware` (forwarded to the runtime) and `mock` (the runtime's test doubles).
    features: &[FULL_FEATURE, "default", "middleware", "mock"],
};

/// The feature that turns every group of operations on, and the schemas no operation reaches.
pub(crate) const FULL_FEATURE: &str = "full";
