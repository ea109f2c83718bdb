//! The client's authentication, from the plan (`plan/security.rs`): a
//! constant describing each security scheme the operations use, the
//! `Credentials` type with one setter per scheme, each operation's
//! requirements as the runtime reads them, and what `Client::new` takes.
//! Choosing the alternative and sending the credential is the runtime's
//! (`runtime/src/client/auth.rs`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_lines, ident};
use crate::emit::stmt_text::Field;
use crate::ir::Location;
use crate::naming::value_name;
use crate::plan::security::{Credential, Requirement, Scheme, Security, capitalized};

/// A generated name as an identifier (keywords raw).
fn name(text: &str) -> proc_macro2::Ident {
    ident(&value_name(text))
}

/// The scheme constants and `Credentials` (nothing when no operation
/// authenticates).
pub(super) fn items(security: &Security) -> TokenStream {
    if !security.any() {
        return quote!();
    }
    let constants = security.schemes.iter().map(|scheme| {
        let constant = format_ident!("{}", scheme.constant);
        let spec_name = &scheme.def.name;
        let kind = match &scheme.credential {
            Credential::ApiKey { location, name } => {
                let location = match location {
                    Location::Header => quote!(Header),
                    Location::Query => quote!(Query),
                    _ => quote!(Cookie),
                };
                quote!(runtime::SchemeKind::ApiKey { location: runtime::KeyLocation::#location, name: #name })
            }
            Credential::Basic => quote!(runtime::SchemeKind::Basic),
            Credential::Bearer | Credential::OAuth => quote!(runtime::SchemeKind::Bearer),
            Credential::Authorization { .. } => quote!(runtime::SchemeKind::Authorization),
        };
        let doc = format!(" The `{spec_name}` security scheme.");
        quote! {
            #[doc = #doc]
            const #constant: runtime::Scheme = runtime::Scheme { name: #spec_name, kind: #kind };
        }
    });
    let setters = security.schemes.iter().map(setters);
    quote! {
        #(#constants)*

        /// The credentials a [`Client`] authenticates with: one setter per
        /// security scheme of the spec (give those you have). Each operation
        /// sends those of the first of its security alternatives the client
        /// has completely (anonymous access last); without any, it fails with
        /// [`Error::MissingCredentials`] before sending. Secrets are never
        /// shown in `Debug` output.
        #[derive(Clone, Default)]
        pub struct Credentials(runtime::Credentials);

        impl ::std::fmt::Debug for Credentials {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl ::std::convert::From<Credentials> for runtime::Credentials {
            fn from(credentials: Credentials) -> Self {
                credentials.0
            }
        }

        impl Credentials {
            #(#setters)*
        }
    }
}

/// The setters of one scheme.
fn setters(scheme: &Scheme) -> TokenStream {
    let spec_name = &scheme.def.name;
    let setter = name(&scheme.setter);
    let what = match &scheme.credential {
        Credential::ApiKey { location: Location::Query, name } => format!(
            "an API key sent as the query parameter `{name}` (beware: URLs, and so the key, end up in the logs of servers and proxies)"
        ),
        Credential::ApiKey { location: Location::Cookie, name } => format!("an API key sent as the cookie `{name}`"),
        Credential::ApiKey { name, .. } => format!("an API key sent as the header `{name}`"),
        Credential::Basic => "HTTP basic: `Authorization: Basic base64(user:password)`".to_owned(),
        Credential::Bearer => "HTTP bearer: `Authorization: Bearer <token>`".to_owned(),
        Credential::OAuth => {
            "an OAuth2 / OpenID Connect access token, sent as `Authorization: Bearer <token>`".to_owned()
        }
        Credential::Authorization { scheme } => format!(
            "HTTP `{scheme}`: the whole `Authorization` value (`{} ...`), made by the application and sent as it is",
            capitalized(scheme)
        ),
    };
    let mut paragraphs = vec![format!("The `{spec_name}` security scheme: {what}.")];
    paragraphs.extend(scheme.def.docs.clone());
    let docs = doc_lines(paragraphs.iter().map(String::as_str));
    let set = |value: TokenStream| quote!(self.0.set(#spec_name, #value); self);
    match &scheme.credential {
        Credential::Basic => {
            let body =
                set(quote!(runtime::Credential::Basic { user: user.into(), password: runtime::Secret::new(password) }));
            quote! {
                #docs
                pub fn #setter(mut self, user: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::std::string::String>) -> Self {
                    #body
                }
            }
        }
        Credential::OAuth => {
            let body = set(quote!(runtime::Credential::Secret(runtime::Secret::new(token))));
            let provider = name(&scheme.provider_setter);
            let provider_doc = format!(
                " The `{spec_name}` security scheme: asks `provider` for the access token of each request (with the scopes the operation requires), so it can be refreshed."
            );
            let provider_body = set(quote!(runtime::Credential::Provider(::std::sync::Arc::new(provider))));
            quote! {
                #docs
                pub fn #setter(mut self, token: impl ::std::convert::Into<::std::string::String>) -> Self {
                    #body
                }

                #[doc = #provider_doc]
                pub fn #provider(mut self, provider: impl TokenProvider) -> Self {
                    #provider_body
                }
            }
        }
        _ => {
            let (arg, var) = match &scheme.credential {
                Credential::ApiKey { .. } => (quote!(key), quote!(key)),
                Credential::Authorization { .. } => (quote!(authorization), quote!(authorization)),
                _ => (quote!(token), quote!(token)),
            };
            let body = set(quote!(runtime::Credential::Secret(runtime::Secret::new(#var))));
            quote! {
                #docs
                pub fn #setter(mut self, #arg: impl ::std::convert::Into<::std::string::String>) -> Self {
                    #body
                }
            }
        }
    }
}

/// `security: &[...]` of an operation's request (nothing when it sends no credentials).
pub(super) fn request_field(security: &Security, requirement: Option<&Requirement>) -> TokenStream {
    let Some(requirement) = requirement else { return quote!() };
    let mut alternatives: Vec<TokenStream> = requirement
        .alternatives
        .iter()
        .map(|all| {
            let uses = all.iter().map(|u| {
                let constant = format_ident!("{}", security.schemes[u.scheme].constant);
                let scopes = &u.scopes;
                quote!(runtime::Requirement { scheme: &#constant, scopes: &[#(#scopes),*] })
            });
            quote!(&[#(#uses),*])
        })
        .collect();
    if requirement.anonymous {
        alternatives.push(quote!(&[]));
    }
    quote!(security: &[#(#alternatives),*],)
}

/// [`request_field`] as text: never on one line (`prettyplease` breaks a
/// struct expression wider than 34 bytes, and a `runtime::Requirement` is),
/// broken a level per array and struct where an alternative does not fit
/// on its line either (else left to `prettyplease`).
pub(super) fn request_field_text(security: &Security, requirement: Option<&Requirement>) -> Option<Field> {
    let requirement = requirement?;
    let mut flat: Vec<String> = Vec::new();
    let mut lines = vec![(0, "security: &[".to_owned())];
    for all in &requirement.alternatives {
        let uses: Vec<(String, String)> = all
            .iter()
            .map(|u| {
                let scopes: Vec<String> = u.scopes.iter().map(|s| crate::emit::text::lit(s)).collect();
                (security.schemes[u.scheme].constant.clone(), format!("&[{}]", scopes.join(", ")))
            })
            .collect();
        let alternative = format!(
            "&[{}]",
            uses.iter()
                .map(|(constant, scopes)| format!("runtime::Requirement {{ scheme: &{constant}, scopes: {scopes} }}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        // Each `runtime::Requirement { .. }` is wider than the 34 bytes up
        // to which `prettyplease` keeps a struct expression on one line,
        // so it is broken, and the arrays around it with it (the width
        // sweep in `method_text/tests.rs` covers constants of 1 to 110 bytes).
        lines.push((4, "&[".to_owned()));
        for (constant, scopes) in uses {
            lines.extend([
                (8, "runtime::Requirement {".to_owned()),
                (12, format!("scheme: &{constant},")),
                (12, format!("scopes: {scopes},")),
                (8, "},".to_owned()),
            ]);
        }
        lines.push((4, "],".to_owned()));
        flat.push(alternative);
    }
    if requirement.anonymous {
        flat.push("&[]".to_owned());
        lines.push((4, "&[],".to_owned()));
    }
    lines.push((0, "],".to_owned()));
    Some(Field { flat: format!("security: &[{}],", flat.join(", ")), broken: Some(lines), may_be_flat: false })
}

/// A paragraph of an operation's docs on what it sends.
pub(super) fn docs(security: &Security, requirement: Option<&Requirement>) -> Option<String> {
    requirement.map(|r| format!("Authenticates with {} (see [`Credentials`]).", security.describe(r)))
}

/// What `Client::new` and `Client::builder` take besides the base URL: the
/// parameter, the runtime credentials made of it, and the docs' words.
pub(super) struct NewArgs {
    pub(super) param: Option<TokenStream>,
    pub(super) arg: Option<TokenStream>,
    pub(super) credentials: TokenStream,
    pub(super) doc: String,
}

/// [`NewArgs`]: the one secret of an API with one scheme that takes one; no
/// credentials otherwise (given with `ClientBuilder::credentials`).
pub(super) fn new_args(security: &Security) -> NewArgs {
    match security.single_secret() {
        Some(scheme) => {
            let setter = name(&scheme.setter);
            let arg = match scheme.credential {
                Credential::ApiKey { .. } => quote!(key),
                Credential::Authorization { .. } => quote!(authorization),
                _ => quote!(token),
            };
            NewArgs {
                param: Some(quote!(#arg: impl ::std::convert::Into<::std::string::String>)),
                arg: Some(arg.clone()),
                credentials: quote!(::std::convert::Into::into(Credentials::default().#setter(#arg))),
                doc: format!("authenticates with `{arg}` (the `{}` security scheme)", scheme.def.name),
            }
        }
        None if security.any() => NewArgs {
            param: None,
            arg: None,
            credentials: quote!(runtime::Credentials::default()),
            doc: "has no credentials yet (give them with `ClientBuilder::credentials`)".to_owned(),
        },
        None => {
            NewArgs { param: None, arg: None, credentials: quote!(runtime::Credentials::default()), doc: String::new() }
        }
    }
}

/// Whether the client re-exports the token provider's items.
pub(super) fn uses_providers(security: &Security) -> bool {
    security.schemes.iter().any(|s| s.credential == Credential::OAuth)
}
