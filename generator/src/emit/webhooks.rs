//! The `webhooks` module of a crate whose API sends webhooks: one `Event` enum of every event it documents
//! (an unlisted one kept as `Other` with its JSON), decoded by name; with `x-clientgen-events`, `parse`, which
//! reads the name where the document says (a body property or a header), and, when the document names the
//! signature scheme, `verifier` and `receive`, which verifies the signature over the raw body before anything
//! is parsed. The verifying and the reading of names are the runtime's `webhooks` module.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, spec};
use super::{gate, ident, lit, ty_tokens};
use crate::model::{Api, Discriminator, Gate, SignatureScheme, Ty};

/// The module, when the API documents webhooks.
pub(super) fn webhooks_module(api: &Api) -> Option<TokenStream> {
    let hooks: Vec<_> = api.webhooks.iter().filter_map(|hook| Some((hook, hook.variant.as_ref()?))).collect();
    if hooks.is_empty() {
        return None;
    }
    // Payload types that only a feature compiles: the module needs every one (`full` turns them all on).
    let gated = hooks
        .iter()
        .filter_map(|(hook, _)| hook.payload.as_deref())
        .any(|name| api.type_gate(name).is_some_and(|gate| *gate != Gate::Always));
    let cfg = gated.then(|| gate::cfg(api, &Gate::Full)).flatten();
    let variants = hooks.iter().map(|(hook, variant)| {
        let name = ident(variant);
        let text = hook.doc.as_deref().map(spec).filter(|d| !d.is_empty());
        let doc = match text {
            Some(text) => format!(" {}: {}", code(&hook.event), text.replace('\n', " ")),
            None => format!(" {}.", code(&hook.event)),
        };
        match &hook.payload {
            Some(payload) => {
                let ty = ty_tokens(&Ty::Named(payload.clone()), false);
                quote!(#[doc = #doc] #name(#ty),)
            }
            None => quote!(#[doc = #doc] #name,),
        }
    });
    let decode_arms = hooks.iter().map(|(hook, variant)| {
        let (name, event) = (ident(variant), lit(&hook.event));
        match &hook.payload {
            Some(_) => quote!(#event => Self::#name(decode(name, body)?),),
            None => quote!(#event => Self::#name,),
        }
    });
    let name_arms = hooks.iter().map(|(hook, variant)| {
        let (name, event) = (ident(variant), lit(&hook.event));
        match &hook.payload {
            Some(_) => quote!(Self::#name(_) => #event,),
            None => quote!(Self::#name => #event,),
        }
    });
    let parse = api.events.as_ref().map(|events| {
        let (read, doc) = match &events.discriminator {
            Discriminator::Property(property) => {
                let doc = format!(" Reads the event the body's {} property names, without verifying it.", code(property));
                let property = lit(property);
                (quote!(clientgen_runtime::webhooks::event_in_body(body, #property)?), doc)
            }
            Discriminator::Header(header) => {
                let doc = format!(" Reads the event the {} header names, without verifying it.", code(header));
                let header = lit(header);
                (quote!(clientgen_runtime::webhooks::event_in_header(headers, #header)?), doc)
            }
        };
        let headers = if matches!(events.discriminator, Discriminator::Header(_)) { quote!(headers) } else { quote!(_headers) };
        let signature = events.signature.map(|scheme| {
            let scheme = ident(match scheme {
                SignatureScheme::Standard => "Standard",
                SignatureScheme::Stripe => "Stripe",
                SignatureScheme::Github => "GitHub",
                SignatureScheme::Twilio => "Twilio",
            });
            // Twilio signs the URL it requested: `receive` takes it.
            let (verify, url_arg, url_doc) = if matches!(events.signature, Some(SignatureScheme::Twilio)) {
                (quote!(verifier.verify_url(url, headers, body)?), quote!(url: &str,), " sent to `url` (the full URL the API requested)")
            } else {
                (quote!(verifier.verify(headers, body)?), TokenStream::new(), "")
            };
            let receive_doc = format!(" Verifies the webhook's signature over `body` as received{url_doc}, then reads its event: nothing is parsed before the signature holds.");
            quote! {
                /// A verifier of this API's webhook signatures with the endpoint's secret (default tolerance of
                /// five minutes; see [`Verifier`] for the tolerance and refusing replays).
                pub fn verifier(secret: clientgen_runtime::Secret) -> Verifier {
                    Verifier::new(clientgen_runtime::webhooks::Scheme::#scheme, secret)
                }

                #[doc = #receive_doc]
                pub fn receive(verifier: &Verifier, #url_arg headers: &HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
                    #verify;
                    parse(headers, body)
                }
            }
        });
        quote! {
            #[doc = #doc]
            pub fn parse(#headers: &HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
                let name = #read;
                Event::from_name(&name, body)
            }

            #signature
        }
    });
    let types = hooks.iter().any(|(hook, _)| hook.payload.is_some()).then(|| {
        quote!(
            use super::types;
        )
    });
    let headers = api.events.is_some().then(|| {
        quote!(
            use reqwest::header::HeaderMap;
        )
    });
    Some(quote! {
        /// The webhooks the API sends: [`Event`], one variant per event the spec documents.
        #cfg
        pub mod webhooks {
            #types
            pub use clientgen_runtime::webhooks::{Verifier, VerifyError, WebhookError};
            #headers

            /// An event the API sends, with its payload.
            #[derive(Debug, Clone, PartialEq)]
            #[allow(clippy::large_enum_variant)]
            #[non_exhaustive]
            pub enum Event {
                #(#variants)*
                /// An event the spec does not list, kept as sent.
                Other {
                    /// Its name.
                    name: String,
                    /// Its body.
                    payload: serde_json::Value,
                },
            }

            impl Event {
                /// The event called `name`, its payload decoded from `body`; a name the spec does not list gives
                /// [`Event::Other`].
                pub fn from_name(name: &str, body: &[u8]) -> Result<Self, WebhookError> {
                    use clientgen_runtime::webhooks::decode;
                    let event = match name {
                        #(#decode_arms)*
                        _ => Self::Other { name: name.to_owned(), payload: decode(name, body)? },
                    };
                    Ok(event)
                }

                /// The event's name.
                pub fn name(&self) -> &str {
                    match self {
                        #(#name_arms)*
                        Self::Other { name, .. } => name,
                    }
                }
            }

            #parse
        }
    })
}
