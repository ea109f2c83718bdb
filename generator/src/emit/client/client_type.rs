//! The `Client` type of a client file: a newtype around the runtime's
//! `Core`, naming the spec's error body for the runtime's generic `Error`,
//! with constructors whose arguments depend on the API's security (one
//! secret for an API with one scheme that takes one: see `auth.rs`). Everything else about sending and decoding is the runtime crate's
//! (`runtime/src/client/`).

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::{format_ident, quote};

/// The runtime's encoders and helpers the operations call by name; a file
/// imports those it names (see [`imports`]).
const HELPERS: &[&str] = &[
    "HeaderParams",
    "QueryString",
    "check_delimited",
    "check_segment",
    "date_time",
    "encode_into",
    "push_nested",
    "push_nested_members",
    "skip_items",
    "styled_text",
];

/// Adds the [`HELPERS`] that `tokens` name to `found`.
pub(super) fn helpers_in_tokens(tokens: TokenStream, found: &mut BTreeSet<&'static str>) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                if let Some(helper) = HELPERS.iter().find(|h| **h == name) {
                    found.insert(helper);
                }
            }
            TokenTree::Group(group) => helpers_in_tokens(group.stream(), found),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// Adds the [`HELPERS`] that the code of `text` (an item as text) names to
/// `found`: identifiers outside comments and string and character literals.
pub(super) fn helpers_in_text(text: &str, found: &mut BTreeSet<&'static str>) {
    for line in text.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let bytes = code.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
                b'\'' => {
                    // A character literal (the client writes no lifetimes).
                    i += if bytes.get(i + 1) == Some(&b'\\') { 3 } else { 2 };
                    while i < bytes.len() && bytes[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                }
                b if b.is_ascii_alphabetic() || b == b'_' => {
                    let start = i;
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                        i += 1;
                    }
                    if let Some(helper) = HELPERS.iter().find(|h| **h == &code[start..i]) {
                        found.insert(helper);
                    }
                }
                _ => i += 1,
            }
        }
    }
}

/// `use <runtime>::client::{...}` of the [`HELPERS`] found in the items, so
/// a file carries no import it does not use.
pub(super) fn imports(rt: &TokenStream, found: &BTreeSet<&'static str>) -> TokenStream {
    if found.is_empty() {
        return quote!();
    }
    let names = found.iter().map(|name| format_ident!("{name}"));
    quote!(use #rt client::{#(#names),*};)
}

/// The items: re-exports of the runtime's public client items, `Client`,
/// `Error`, `ClientBuilder`, the `Api` impl and the constructors. `rt` is
/// the runtime path prefix (`::openapi_runtime::`), `security` the plan of
/// the API's authentication, `error_body` the Rust type of the spec's
/// error bodies and its name in the spec.
pub(super) fn tokens(
    rt: &TokenStream,
    security: &crate::plan::security::Security,
    error_body: Option<(TokenStream, String)>,
) -> TokenStream {
    let (error_ty, error_name, error_doc) = match error_body {
        Some((ty, name)) => {
            let doc = format!(" Why a call failed; [`Error::Api`] carries the spec's error body (`{name}`).");
            (ty, name, doc)
        }
        None => (
            quote!(runtime::NoErrorBody),
            String::new(),
            " Why a call failed (the spec documents no error body).".to_owned(),
        ),
    };
    let new = super::auth::new_args(security);
    let base = quote!(base_url: impl ::std::convert::Into<::std::string::String>);
    let params = match &new.param {
        Some(param) => quote!(#base, #param),
        None => base,
    };
    let args = match &new.arg {
        Some(arg) => quote!(base_url, #arg),
        None => quote!(base_url),
    };
    let credentials = &new.credentials;
    let new_doc = if new.doc.is_empty() {
        " A client for the API at `base_url` (a path prefix such as `https://api.example.com/psa` is kept), with the default settings of [`ClientBuilder`].".to_owned()
    } else {
        format!(
            " A client for the API at `base_url` (a path prefix such as `https://api.example.com/psa` is kept) that {}, with the default settings of [`ClientBuilder`].",
            new.doc
        )
    };
    let builder_doc = if new.doc.is_empty() {
        " A builder for a client of the API at `base_url`.".to_owned()
    } else {
        format!(" A builder for a client of the API at `base_url` that {}.", new.doc)
    };
    let auth_items = super::auth::items(security);
    let providers = super::auth::uses_providers(security)
        .then(|| quote!(pub use #rt client::{BoxError, Secret, TokenFuture, TokenProvider};));
    quote! {
        pub use #rt client::{DEFAULT_TIMEOUT, Decoded, MAX_BODY_BYTES, SNIPPET_BYTES, SkippedItem, install_crypto_provider};
        use #rt client as runtime;
        #providers

        /// The API client: one method per operation, returning a call to
        /// `.await`. Cheap to clone (clones share the connection pool).
        #[derive(Clone)]
        pub struct Client(runtime::Core<Client>);

        #[doc = #error_doc]
        pub type Error = runtime::Error<Client>;

        /// Settings for a [`Client`]: timeout, user agent, extra headers, or an
        /// HTTP client of the caller's own.
        pub type ClientBuilder = runtime::ClientBuilder<Client>;

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl runtime::Api for Client {
            type ErrorBody = #error_ty;
            const ERROR_BODY: &'static str = #error_name;

            fn from_core(core: runtime::Core<Self>) -> Self {
                Client(core)
            }
        }

        impl Client {
            #[doc = #new_doc]
            pub fn new(#params) -> ::std::result::Result<Self, Error> {
                Self::builder(#args).build()
            }

            #[doc = #builder_doc]
            pub fn builder(#params) -> ClientBuilder {
                let user_agent = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
                ClientBuilder::new(base_url.into(), #credentials, user_agent)
            }

            /// The base URL requests go to (without a trailing `/`).
            pub fn base_url(&self) -> &str {
                self.0.base_url()
            }
        }

        #auth_items
    }
}
