//! The credentials part of a generated client, from the spec: one `AuthSpec` per security scheme (where its
//! credential goes, which operations issue and refresh it), `with_<scheme>` for credentials the caller
//! already has, and `login` for each operation marked `x-clientgen-token: {role: exchange}`.
//!
//! All behaviour (expiry, refresh, single-flight, retry on 401, stores) lives in `clientgen-runtime`; the
//! generated code only describes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{code, doc_attrs_with};
use super::operations::param_ty;
use super::outcomes::error_ty;
use super::{ident, lit, ty_tokens};
use crate::model::{
    Api, BodyEncoding, Lifetime, Operation, Placement, SecurityScheme, TokenExtension, TokenRole, ValueSource,
};

pub(super) fn spec_ident(scheme: &SecurityScheme) -> proc_macro2::Ident {
    format_ident!("{}", scheme.static_name)
}

/// The operation that issues (`exchange`) or renews (not `exchange`) the token of `scheme`.
pub(super) fn token_op<'a>(api: &'a Api, scheme: &str, exchange: bool) -> Option<(&'a Operation, &'a TokenExtension)> {
    api.operations.iter().find_map(|op| {
        let token = op.token.as_ref()?;
        (token.scheme == scheme && token.role.is_exchange() == exchange).then_some((op, token))
    })
}

fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

fn endpoint(op: &Operation, token: &TokenExtension) -> TokenStream {
    let method = format_ident!("{}", op.method.as_str());
    let path = &op.path;
    let access = &token.access_token;
    let refresh = opt_str(token.refresh_token.as_deref());
    let refresh_lifetime = opt_str(token.refresh_expires_in.as_deref());
    let lifetime = match &token.lifetime {
        None => quote!(clientgen_runtime::auth::LifetimeSpec::None),
        Some(Lifetime::ExpiresIn(pointer)) => quote!(clientgen_runtime::auth::LifetimeSpec::ExpiresIn(#pointer)),
        Some(Lifetime::ExpiresAt(pointer)) => quote!(clientgen_runtime::auth::LifetimeSpec::ExpiresAt(#pointer)),
        Some(Lifetime::JwtExp) => quote!(clientgen_runtime::auth::LifetimeSpec::JwtExp),
    };
    let keep = token.keep.iter().map(|(name, source)| {
        let source = match source {
            ValueSource::Request(pointer) => quote!(clientgen_runtime::auth::ValueSource::Request(#pointer)),
            ValueSource::Response(pointer) => quote!(clientgen_runtime::auth::ValueSource::Response(#pointer)),
        };
        quote!((#name, #source))
    });
    quote! {
        clientgen_runtime::auth::EndpointSpec {
            method: reqwest::Method::#method,
            path: #path,
            token: clientgen_runtime::auth::TokenSpec {
                access_token: #access,
                refresh_token: #refresh,
                lifetime: #lifetime,
                refresh_lifetime: #refresh_lifetime,
                keep: &[#(#keep),*],
            },
        }
    }
}

/// A `static` `AuthSpec` per security scheme.
pub(super) fn schemes(api: &Api) -> TokenStream {
    let items = api.schemes.iter().map(|scheme| {
        let name = spec_ident(scheme);
        let key = &scheme.key;
        let placement = placement_tokens(&scheme.placement);
        let exchange = token_op(api, key, true);
        let single_use =
            exchange.is_some_and(|(_, token)| matches!(token.role, TokenRole::Exchange { single_use: true }));
        let exchange = match exchange {
            Some((op, token)) => {
                let endpoint = endpoint(op, token);
                quote!(Some(#endpoint))
            }
            None => quote!(None),
        };
        let refresh = match token_op(api, key, false) {
            Some((op, token @ TokenExtension { role: TokenRole::Refresh { refresh_token_field }, .. })) => {
                let endpoint = endpoint(op, token);
                quote!(Some(clientgen_runtime::auth::RefreshSpec {
                    endpoint: #endpoint,
                    refresh_token_field: #refresh_token_field,
                }))
            }
            _ => quote!(None),
        };
        let doc = format!(" How credentials of the {} security scheme are sent, issued and refreshed.", code(key));
        quote! {
            #[doc = #doc]
            static #name: clientgen_runtime::auth::AuthSpec = clientgen_runtime::auth::AuthSpec {
                scheme: #key,
                placement: #placement,
                exchange: #exchange,
                refresh: #refresh,
                single_use: #single_use,
            };
        }
    });
    quote!(#(#items)*)
}

/// `session`, `request`, `send`, one `with_<scheme>` per scheme and one `login` per exchange operation.
pub(super) fn login_methods(api: &Api) -> TokenStream {
    let with_schemes = api.schemes.iter().filter(|s| !matches!(s.placement, Placement::Body { .. })).map(|scheme| {
        let spec = spec_ident(scheme);
        let method = format_ident!("{}", scheme.method);
        if scheme.basic {
            let doc = format!(
                "This client with HTTP Basic credentials of the `{}` security scheme: `user` and `password`, sent\n\
                 as `Authorization: Basic` and the base64 of `user:password` (RFC 7617) on every operation that\n\
                 accepts them.",
                scheme.key
            );
            let docs = doc_attrs_with(&doc, scheme.description.as_deref());
            return quote! {
                #docs
                pub fn #method(&self, user: Secret, password: Secret) -> Self {
                    let credential = clientgen_runtime::auth::basic_credential(&user, &password);
                    let session = Session::with_credential(self.core.http().clone(), self.core.url().clone(), &#spec, credential);
                    Self { core: self.core.with_session(session) }
                }
            };
        }
        let doc = format!(
            "This client with a credential of the `{}` security scheme that the caller already has\n({}), sent on \
             every operation that accepts it. It is never renewed.",
            scheme.key,
            placement_words(&scheme.placement)
        );
        let docs = doc_attrs_with(&doc, scheme.description.as_deref());
        quote! {
            #docs
            pub fn #method(&self, credential: Secret) -> Self {
                let session = Session::with_credential(self.core.http().clone(), self.core.url().clone(), &#spec, credential);
                Self { core: self.core.with_session(session) }
            }
        }
    });
    // Exchange operations, each with its scheme (the model checked that it exists).
    let exchanges = api.operations.iter().filter_map(|op| {
        let token = op.token.as_ref()?;
        Some((op, token, op.login_method.as_ref()?, api.schemes.iter().find(|s| s.key == token.scheme)?))
    });
    let logins = exchanges.map(|(op, token, method, scheme)| {
        let spec = spec_ident(scheme);
        let method = ident(method);
        let op_fn = ident(&op.fn_name);
        let error = error_ty(op);
        let lifetime = match &token.lifetime {
            None => "The token carries no lifetime: it is replaced when a call answers 401.".to_owned(),
            Some(Lifetime::JwtExp) => "Its expiry is read from the JWT's `exp` claim.".to_owned(),
            Some(Lifetime::ExpiresIn(p)) => {
                format!("Its lifetime is the seconds at `{p}` in the response, counted from receipt.")
            }
            Some(Lifetime::ExpiresAt(p)) => format!("It is valid until the time at `{p}` in the response."),
        };
        let single_use = matches!(token.role, TokenRole::Exchange { single_use: true });
        let renewal = match (token_op(api, &token.scheme, false), single_use) {
            (Some((refresh, _)), _) => format!(
                "Before it expires (or on a 401) the session refreshes it with [`Client::{}`]; if that is refused, it \
                 logs in again when `options` keeps the credentials, else calls fail with `AuthError::LoginRequired`.",
                refresh.fn_name
            ),
            (None, true) => "The exchange is single-use, so an expired token cannot be renewed: calls then fail \
                             with `AuthError::Expired` without sending anything."
                .to_owned(),
            (None, false) => "When it expires (or a call answers 401) the session logs in again if `options` keeps \
                              the credentials, else calls fail with `AuthError::LoginRequired`."
                .to_owned(),
        };
        let doc = format!(
            "Logs in with [`Client::{}`] and returns a client whose calls carry the issued token as the\n`{}` \
             credential ({}).\n\n{lifetime} {renewal}",
            op.fn_name,
            token.scheme,
            placement_words(&scheme.placement)
        );
        let docs = doc_attrs_with(&doc, None);
        let (param, arg, request) = match &op.body {
            Some(body) if matches!(body.encoding, BodyEncoding::Json | BodyEncoding::Form) && body.required => {
                let ty = ty_tokens(&body.ty, false);
                (quote!(body: &#ty,), quote!(body), quote!(body))
            }
            _ => (TokenStream::new(), TokenStream::new(), quote!(&())),
        };
        // The exchange operation's required inputs (its optional ones keep their defaults).
        let params = op.params.iter().filter(|p| p.required).map(|p| {
            let name = ident(&p.ident);
            quote!(#name)
        });
        let param_decls = op.params.iter().filter(|p| p.required).map(|p| {
            let name = ident(&p.ident);
            let ty = param_ty(p);
            quote!(#name: #ty,)
        });
        // Logging in through a deprecated operation is not a use the caller wrote.
        let allow = op.deprecated.then(|| quote!(#[allow(deprecated)]));
        quote! {
            #docs
            #allow
            pub async fn #method(&self, #(#param_decls)* #param options: SessionOptions) -> Result<Self, Error<#error>> {
                let response = self.#op_fn(#(#params,)* #arg).await?;
                let session = Session::login(self.core.http().clone(), self.core.url().clone(), &#spec, #request, &response, options)?;
                Ok(Self { core: self.core.with_session(session) })
            }
        }
    });
    let all_specs = api.schemes.iter().map(spec_ident);
    let resume = (!api.schemes.is_empty()).then(|| {
        quote! {
            /// This client with a session resumed from tokens saved by a [`TokenStore`] (for example by a CLI
            /// in an earlier run). Tokens saved for another scheme or server are refused.
            pub fn resume(&self, stored: StoredTokens, options: SessionOptions) -> Result<Self, AuthError> {
                let spec = [#(&#all_specs),*]
                    .into_iter()
                    .find(|spec| spec.scheme == stored.scheme)
                    .ok_or_else(|| AuthError::NoCredentials { schemes: stored.scheme.clone() })?;
                let session = Session::resume(self.core.http().clone(), self.core.url().clone(), spec, stored, options)?;
                Ok(Self { core: self.core.with_session(session) })
            }
        }
    });
    quote! {
        #resume

        /// The credential session, once this client has one (after `login` or `with_…`).
        pub fn session(&self) -> Option<&Session> {
            self.core.session()
        }

        /// A request to `path` under the base URL, for endpoints the spec does not describe; send it with
        /// [`Client::send`].
        pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
            self.core.request(method, path)
        }

        /// Sends any request (built with [`Client::request`], say) the way an operation's call is sent: with the
        /// session's current credentials (renewed as needed, one resend after a 401; as it is when the client
        /// has no session), retried by the client's [`RetryPolicy`] (the method decides idempotency, and an
        /// `Idempotency-Key` header counts as a key), through the middleware, in an `http.client` span. The
        /// response is returned unread, whatever its status.
        pub async fn send(&self, request: reqwest::Request) -> Result<reqwest::Response, SendError> {
            self.core.send_raw(request).await
        }

        #(#with_schemes)*
        #(#logins)*
    }
}

pub(super) fn placement_words(placement: &Placement) -> String {
    match placement {
        Placement::Header { name, prefix } if name == "authorization" => {
            format!("`Authorization: {prefix}…`")
        }
        Placement::Header { name, prefix } => format!("header `{name}: {prefix}…`"),
        Placement::Body { token_field, .. } => format!("in the JSON body as `{token_field}`"),
        Placement::Query { name } => format!("query parameter `{name}`"),
        Placement::Cookie { name } => format!("cookie `{name}`"),
    }
}

/// Placement as tokens of `clientgen_runtime::auth::Placement`.
fn placement_tokens(placement: &Placement) -> TokenStream {
    match placement {
        Placement::Header { name, prefix } => {
            let name = lit(name);
            let prefix = lit(prefix);
            quote!(clientgen_runtime::auth::Placement::Header { name: #name, prefix: #prefix })
        }
        Placement::Body { token_field, fields } => {
            let token_field = lit(token_field);
            let fields = fields.iter().map(|f| lit(f));
            quote!(clientgen_runtime::auth::Placement::Body { token_field: #token_field, fields: &[#(#fields),*] })
        }
        Placement::Query { name } => {
            let name = lit(name);
            quote!(clientgen_runtime::auth::Placement::Query { name: #name })
        }
        Placement::Cookie { name } => {
            let name = lit(name);
            quote!(clientgen_runtime::auth::Placement::Cookie { name: #name })
        }
    }
}
