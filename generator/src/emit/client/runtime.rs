//! The fixed part of every client file: `Client` and its builder, the error
//! type, the lenient-decoding wrapper and the helpers the operations call.
//! What varies between APIs (the models path, whether requests carry a bearer
//! token, the error body type) comes in as [`Runtime`].

use proc_macro2::TokenStream;
use quote::quote;

/// What the fixed part needs to know about the API.
pub struct Runtime {
    /// The models path prefix, ending in `::`.
    pub models: TokenStream,
    /// Some operation sends `Authorization: Bearer <token>`.
    pub bearer: bool,
    /// The Rust type of the documented error bodies, and its spec name.
    pub error_body: Option<(TokenStream, String)>,
    /// Which helpers the operations call (only those are emitted).
    pub uses: Uses,
}

/// Helpers some APIs need and others do not.
#[derive(Debug, Clone, Copy, Default)]
pub struct Uses {
    pub path_segment: bool,
    /// Percent-encoding of path segments (query strings always encode).
    pub encode: bool,
    pub query_value: bool,
    pub query_joined: bool,
    /// `deepObject` entries.
    pub query_deep: bool,
    /// Items of delimited lists checked not to contain the delimiter.
    pub check_delimited: bool,
    pub date_time: bool,
    pub decode: bool,
    pub decode_lenient: bool,
    pub text: bool,
    pub bytes: bool,
    pub undecodable: bool,
    /// Some operation has `servers` of its own (`RequestParts::server`).
    pub operation_servers: bool,
    /// Some operation sends a `multipart/form-data` body.
    pub multipart: bool,
    /// Some operation sends header or cookie parameters: requests carry
    /// them (`RequestParts::headers`, `HeaderParams`).
    pub headers: bool,
    /// Which `HeaderParams` methods the operations call.
    pub header_value: bool,
    pub header_list: bool,
    pub cookie_value: bool,
    pub cookie_list: bool,
}

impl Runtime {
    pub fn tokens(&self) -> TokenStream {
        let items = [self.client(), self.builder(), self.error(), decoded(), self.helpers()];
        quote!(#(#items)*)
    }

    fn client(&self) -> TokenStream {
        let servers = self.uses.operation_servers;
        let servers_init = servers.then(|| quote!(servers: ::std::vec::Vec::new(),));
        let servers_field = servers.then(|| {
            quote! {
                /// Replacements for operations' own servers: (spec URL, URL).
                servers: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
            }
        });
        let base = if servers {
            quote! {
                // An operation's own server, unless replaced; a relative one
                // (`/uploads`) is taken as relative to the base URL.
                let joined: ::std::string::String;
                let base: &str = match parts.server {
                    ::std::option::Option::None => &self.base_url,
                    ::std::option::Option::Some(spec) => match self.servers.iter().find(|(from, _)| from == spec) {
                        ::std::option::Option::Some((_, to)) => to,
                        ::std::option::Option::None if spec.starts_with('/') => {
                            joined = format!("{}{}", self.base_url, spec.trim_end_matches('/'));
                            &joined
                        }
                        ::std::option::Option::None => spec.trim_end_matches('/'),
                    },
                };
            }
        } else {
            quote!(let base: &str = &self.base_url;)
        };
        let (auth_field, auth_debug, auth_new_doc, new_args, new_call, builder_args, builder_init) = if self.bearer {
            (
                quote! {
                    /// `Bearer <token>`, marked sensitive.
                    authorization: ::reqwest::header::HeaderValue,
                },
                quote!(.field("token", &"<redacted>")),
                quote! {
                    /// A client for the API at `base_url` (a path prefix such as
                    /// `https://api.example.com/psa` is kept) that sends `token` as
                    /// `Authorization: Bearer <token>`, with the default settings of
                    /// [`ClientBuilder`].
                },
                quote!(base_url: impl ::std::convert::Into<::std::string::String>, token: impl ::std::convert::Into<::std::string::String>),
                quote!(Self::builder(base_url, token).build()),
                quote!(base_url: impl ::std::convert::Into<::std::string::String>, token: impl ::std::convert::Into<::std::string::String>),
                quote!(token: token.into(),),
            )
        } else {
            (
                quote!(),
                quote!(),
                quote! {
                    /// A client for the API at `base_url` (a path prefix such as
                    /// `https://api.example.com/psa` is kept), with the default
                    /// settings of [`ClientBuilder`].
                },
                quote!(base_url: impl ::std::convert::Into<::std::string::String>),
                quote!(Self::builder(base_url).build()),
                quote!(base_url: impl ::std::convert::Into<::std::string::String>),
                quote!(),
            )
        };
        let builder_doc = if self.bearer {
            quote!(#[doc = " A builder for a client of the API at `base_url` that authenticates with `token`."])
        } else {
            quote!(#[doc = " A builder for a client of the API at `base_url`."])
        };
        let auth_header = self.bearer.then(|| {
            quote! {
                if auth {
                    request = request.header(::reqwest::header::AUTHORIZATION, self.authorization.clone());
                }
            }
        });
        let auth_param = if self.bearer { quote!(auth: bool) } else { quote!(_auth: bool) };
        let multipart_body = self.uses.multipart.then(|| {
            quote! {
                if let ::std::option::Option::Some(form) = parts.multipart {
                    request = request.multipart(form);
                }
            }
        });
        let param_headers = self.uses.headers.then(|| {
            // Header parameters replace the client's headers of the same name
            // (`RequestBuilder::headers` replaces); their cookies follow the
            // default `Cookie`s in one header.
            quote! {
                let mut headers = parts.headers;
                if headers.contains_key(::reqwest::header::COOKIE) && self.default_headers.contains_key(::reqwest::header::COOKIE) {
                    let mut joined: ::std::vec::Vec<u8> = ::std::vec::Vec::new();
                    for value in self.default_headers.get_all(::reqwest::header::COOKIE).iter().chain(headers.get_all(::reqwest::header::COOKIE).iter()) {
                        if !joined.is_empty() {
                            joined.extend_from_slice(b"; ");
                        }
                        joined.extend_from_slice(value.as_bytes());
                    }
                    if let ::std::result::Result::Ok(value) = ::reqwest::header::HeaderValue::from_bytes(&joined) {
                        headers.insert(::reqwest::header::COOKIE, value);
                    }
                }
                request = request.headers(headers);
            }
        });
        quote! {
            /// How long one request may take, from connecting until the whole
            /// response body is read, unless [`ClientBuilder::timeout`] says otherwise.
            pub const DEFAULT_TIMEOUT: ::std::time::Duration = ::std::time::Duration::from_secs(30);

            /// The most of a response body that is read; a longer body is an error.
            pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

            /// How much of an unexpected response body an [`Error`] keeps.
            pub const SNIPPET_BYTES: usize = 512;

            /// The API client: one async method per operation. Cheap to clone
            /// (clones share the connection pool).
            #[derive(Clone)]
            pub struct Client {
                http: ::reqwest::Client,
                /// Scheme, host and path prefix, without a trailing `/`.
                base_url: ::std::string::String,
                #auth_field
                timeout: ::std::option::Option<::std::time::Duration>,
                user_agent: ::reqwest::header::HeaderValue,
                default_headers: ::reqwest::header::HeaderMap,
                #servers_field
            }

            impl ::std::fmt::Debug for Client {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct("Client")
                        .field("base_url", &self.base_url)
                        #auth_debug
                        .field("timeout", &self.timeout)
                        .field("user_agent", &self.user_agent)
                        .finish_non_exhaustive()
                }
            }

            impl Client {
                #auth_new_doc
                pub fn new(#new_args) -> ::std::result::Result<Self, Error> {
                    #new_call
                }

                #builder_doc
                pub fn builder(#builder_args) -> ClientBuilder {
                    ClientBuilder {
                        base_url: base_url.into(),
                        #builder_init
                        timeout: ::std::option::Option::Some(DEFAULT_TIMEOUT),
                        user_agent: ::std::option::Option::None,
                        headers: ::std::vec::Vec::new(),
                        http: ::std::option::Option::None,
                        #servers_init
                    }
                }

                /// The base URL requests go to (without a trailing `/`).
                pub fn base_url(&self) -> &str {
                    &self.base_url
                }

                /// Sends one request and reads the whole response.
                async fn send(&self, parts: RequestParts, #auth_param) -> ::std::result::Result<RawResponse, Error> {
                    #base
                    let mut url = ::std::string::String::with_capacity(base.len() + parts.path.len() + parts.query.0.len() + 1);
                    url.push_str(base);
                    url.push_str(&parts.path);
                    if !parts.query.0.is_empty() {
                        url.push('?');
                        url.push_str(&parts.query.0);
                    }
                    let url = ::reqwest::Url::parse(&url).map_err(|e| Error::InvalidConfig(format!("`{url}` is not a valid URL: {e}")))?;
                    let mut request = self.http.request(parts.method, url);
                    for (name, value) in &self.default_headers {
                        request = request.header(name, value);
                    }
                    if !self.default_headers.contains_key(::reqwest::header::USER_AGENT) {
                        request = request.header(::reqwest::header::USER_AGENT, self.user_agent.clone());
                    }
                    if parts.accept_json && !self.default_headers.contains_key(::reqwest::header::ACCEPT) {
                        request = request.header(::reqwest::header::ACCEPT, "application/json");
                    }
                    #param_headers
                    #auth_header
                    if let ::std::option::Option::Some(timeout) = self.timeout {
                        request = request.timeout(timeout);
                    }
                    if let ::std::option::Option::Some((content_type, body)) = parts.body {
                        request = request.header(::reqwest::header::CONTENT_TYPE, content_type).body(body);
                    }
                    #multipart_body
                    let mut response = request.send().await.map_err(Error::from_reqwest)?;
                    let status = response.status();
                    let content_type = response
                        .headers()
                        .get(::reqwest::header::CONTENT_TYPE)
                        .map(|v| ::std::string::String::from_utf8_lossy(v.as_bytes()).into_owned());
                    let mut body = ::std::vec::Vec::new();
                    let mut too_large = false;
                    while let ::std::option::Option::Some(chunk) = response.chunk().await.map_err(Error::from_reqwest)? {
                        if body.len() + chunk.len() > MAX_BODY_BYTES {
                            too_large = true;
                            break;
                        }
                        body.extend_from_slice(&chunk);
                    }
                    ::std::result::Result::Ok(RawResponse { status, content_type, body, too_large })
                }
            }
        }
    }

    fn builder(&self) -> TokenStream {
        let (token_field, token_debug, authorization) = if self.bearer {
            (
                quote!(token: ::std::string::String,),
                quote!(.field("token", &"<redacted>")),
                quote! {
                    let mut authorization = ::reqwest::header::HeaderValue::from_str(&format!("Bearer {}", self.token))
                        .map_err(|_| Error::InvalidConfig("the token cannot be sent in an HTTP header (it has control characters or non-ASCII text)".to_owned()))?;
                    authorization.set_sensitive(true);
                },
            )
        } else {
            (quote!(), quote!(), quote!())
        };
        let authorization_field = self.bearer.then(|| quote!(authorization,));
        let servers = self.uses.operation_servers;
        let servers_field =
            servers.then(|| quote!(servers: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,));
        let servers_build = servers.then(|| quote!(servers,));
        let servers_normalize = servers.then(|| {
            quote! {
                let servers = self
                    .servers
                    .iter()
                    .map(|(from, to)| ::std::result::Result::Ok((from.clone(), normalize_base_url(to)?)))
                    .collect::<::std::result::Result<::std::vec::Vec<_>, Error>>()?;
            }
        });
        let server_setter = servers.then(|| {
            quote! {
                /// Sends the operations the spec serves at `spec_url` (their own
                /// `servers`, named in each method's docs) to `url` instead, as
                /// the base URL replaces the API's. Checked by [`ClientBuilder::build`].
                pub fn operation_server(mut self, spec_url: impl ::std::convert::Into<::std::string::String>, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.servers.push((spec_url.into(), url.into()));
                    self
                }
            }
        });
        quote! {
            /// Settings for a [`Client`]: timeout, user agent, extra headers, or an
            /// HTTP client of the caller's own (for proxies, custom TLS roots or
            /// middleware). The timeout, user agent and headers are applied to each
            /// request, so they hold for a caller-supplied client too.
            pub struct ClientBuilder {
                base_url: ::std::string::String,
                #token_field
                timeout: ::std::option::Option<::std::time::Duration>,
                user_agent: ::std::option::Option<::std::string::String>,
                headers: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
                http: ::std::option::Option<::reqwest::Client>,
                #servers_field
            }

            impl ::std::fmt::Debug for ClientBuilder {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct("ClientBuilder")
                        .field("base_url", &self.base_url)
                        #token_debug
                        .field("timeout", &self.timeout)
                        .field("user_agent", &self.user_agent)
                        .finish_non_exhaustive()
                }
            }

            impl ClientBuilder {
                /// The longest one request may take, from connecting until its response
                /// body is read; past it the call fails with [`Error::Timeout`].
                /// Default: [`DEFAULT_TIMEOUT`].
                pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                    self.timeout = ::std::option::Option::Some(timeout);
                    self
                }

                /// No time limit per request (not recommended: a server that never
                /// answers blocks the call forever).
                pub fn no_timeout(mut self) -> Self {
                    self.timeout = ::std::option::Option::None;
                    self
                }

                /// The `User-Agent` header. Default: this crate's name and version.
                pub fn user_agent(mut self, user_agent: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.user_agent = ::std::option::Option::Some(user_agent.into());
                    self
                }

                /// A header sent with every request (checked by [`ClientBuilder::build`]).
                /// A `User-Agent` or `Accept` given here replaces the client's own.
                pub fn default_header(mut self, name: impl ::std::convert::Into<::std::string::String>, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.headers.push((name.into(), value.into()));
                    self
                }

                /// Headers sent with every request.
                pub fn default_headers(mut self, headers: &::reqwest::header::HeaderMap) -> Self {
                    for (name, value) in headers {
                        self.headers.push((name.as_str().to_owned(), ::std::string::String::from_utf8_lossy(value.as_bytes()).into_owned()));
                    }
                    self
                }

                /// Sends requests through this HTTP client instead of a new one.
                ///
                /// reqwest is used with rustls but without a built-in crypto provider,
                /// and `reqwest::Client::builder().build()` panics when no process-wide
                /// provider is installed: call [`install_crypto_provider`] (or install
                /// one of your own) before building it.
                pub fn http_client(mut self, http: ::reqwest::Client) -> Self {
                    self.http = ::std::option::Option::Some(http);
                    self
                }
                #server_setter

                /// The client, or [`Error::InvalidConfig`] naming what is wrong (a base
                /// URL that is not `http`/`https` or has a query, a token or header that
                /// cannot be sent).
                pub fn build(self) -> ::std::result::Result<Client, Error> {
                    let base_url = normalize_base_url(&self.base_url)?;
                    #servers_normalize
                    #authorization
                    let agent = self.user_agent.unwrap_or_else(|| concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned());
                    let user_agent = ::reqwest::header::HeaderValue::from_str(&agent)
                        .map_err(|_| Error::InvalidConfig(format!("`{agent}` cannot be sent as a User-Agent header")))?;
                    let mut default_headers = ::reqwest::header::HeaderMap::new();
                    for (name, value) in &self.headers {
                        let header = ::reqwest::header::HeaderName::from_bytes(name.as_bytes())
                            .map_err(|_| Error::InvalidConfig(format!("`{name}` is not a valid header name")))?;
                        let value = ::reqwest::header::HeaderValue::from_str(value)
                            .map_err(|_| Error::InvalidConfig(format!("the value of header `{name}` cannot be sent in an HTTP header")))?;
                        default_headers.append(header, value);
                    }
                    let http = match self.http {
                        ::std::option::Option::Some(http) => http,
                        ::std::option::Option::None => {
                            install_crypto_provider();
                            ::reqwest::Client::builder()
                                .build()
                                .map_err(|e| Error::InvalidConfig(format!("the HTTP client cannot be built: {e}")))?
                        }
                    };
                    ::std::result::Result::Ok(Client {
                        http,
                        base_url,
                        #authorization_field
                        timeout: self.timeout,
                        user_agent,
                        default_headers,
                        #servers_build
                    })
                }
            }

            /// Installs rustls's *ring* crypto provider as the process default, unless
            /// one is installed already. [`ClientBuilder::build`] calls it; call it
            /// yourself before building a `reqwest::Client` of your own.
            pub fn install_crypto_provider() {
                if ::rustls::crypto::CryptoProvider::get_default().is_none() {
                    // An error means another thread installed one first: fine.
                    let _ = ::rustls::crypto::ring::default_provider().install_default();
                }
            }

            /// `http`/`https`, no query or fragment; the path prefix is kept without its trailing `/`.
            fn normalize_base_url(base_url: &str) -> ::std::result::Result<::std::string::String, Error> {
                let url = ::reqwest::Url::parse(base_url)
                    .map_err(|e| Error::InvalidConfig(format!("the base URL `{base_url}` is not a valid URL: {e}")))?;
                if !matches!(url.scheme(), "http" | "https") {
                    return ::std::result::Result::Err(Error::InvalidConfig(format!("the base URL `{base_url}` must be http or https")));
                }
                if url.query().is_some() || url.fragment().is_some() {
                    return ::std::result::Result::Err(Error::InvalidConfig(format!("the base URL `{base_url}` must not have a query or fragment")));
                }
                ::std::result::Result::Ok(url.as_str().trim_end_matches('/').to_owned())
            }
        }
    }

    fn error(&self) -> TokenStream {
        let m = &self.models;
        let (api_variant, api_display, api_status, api_decode) = match &self.error_body {
            Some((ty, name)) => {
                let doc = format!(" The server answered with an error status the spec documents, and a `{name}` body.");
                let reason = format!("the body is not a `{name}`");
                (
                    quote! {
                        #[doc = #doc]
                        Api {
                            status: ::reqwest::StatusCode,
                            body: #ty,
                        },
                    },
                    quote! {
                        Error::Api { status, body } => {
                            let body = ::serde_json::to_string(body).unwrap_or_default();
                            write!(f, "the server answered {status}: {body}")
                        }
                    },
                    quote!(Error::Api { status, .. } => ::std::option::Option::Some(*status),),
                    quote! {
                        match ::serde_json::from_slice::<#ty>(&raw.body) {
                            ::std::result::Result::Ok(body) => Error::Api { status: raw.status, body },
                            ::std::result::Result::Err(e) => raw.unexpected(format!("{}: {e}", #reason)),
                        }
                    },
                )
            }
            None => (
                quote!(),
                quote!(),
                quote!(),
                quote!(raw.unexpected("the spec documents no body for this status".to_owned())),
            ),
        };
        quote! {
            /// Why a call failed. Every variant that comes from a response keeps its
            /// HTTP status; nothing a server sends makes the client panic.
            #[derive(Debug)]
            #[non_exhaustive]
            pub enum Error {
                /// The arguments break constraints the spec states; nothing was sent.
                Validation(#m validation::Violations),
                /// The client's settings cannot be used (base URL, token, headers).
                InvalidConfig(::std::string::String),
                /// The request body could not be serialized as JSON.
                Encode(::serde_json::Error),
                /// No complete response within the timeout.
                Timeout(::reqwest::Error),
                /// The request could not be sent or the response not read
                /// (connection refused or reset, TLS, DNS, ...).
                Transport(::reqwest::Error),
                #api_variant
                /// A status that is not a success, with a body that is not what the
                /// spec documents for it (an HTML error page, truncated or empty JSON,
                /// another content type, or a status the spec does not document).
                UnexpectedResponse {
                    status: ::reqwest::StatusCode,
                    content_type: ::std::option::Option<::std::string::String>,
                    /// The start of the body (at most [`SNIPPET_BYTES`], lossy UTF-8).
                    snippet: ::std::string::String,
                    /// What is wrong with it.
                    reason: ::std::string::String,
                },
                /// A success status whose body is not what the spec documents for it.
                Decode {
                    status: ::reqwest::StatusCode,
                    content_type: ::std::option::Option<::std::string::String>,
                    /// The start of the body (at most [`SNIPPET_BYTES`], lossy UTF-8).
                    snippet: ::std::string::String,
                    /// What is wrong with it.
                    reason: ::std::string::String,
                },
            }

            impl Error {
                /// The HTTP status of the response this error comes from, if any.
                pub fn status(&self) -> ::std::option::Option<::reqwest::StatusCode> {
                    match self {
                        #api_status
                        Error::UnexpectedResponse { status, .. } | Error::Decode { status, .. } => ::std::option::Option::Some(*status),
                        Error::Timeout(e) | Error::Transport(e) => e.status(),
                        Error::Validation(_) | Error::InvalidConfig(_) | Error::Encode(_) => ::std::option::Option::None,
                    }
                }

                fn from_reqwest(e: ::reqwest::Error) -> Self {
                    if e.is_timeout() { Error::Timeout(e) } else { Error::Transport(e) }
                }

                /// The error for a response whose status is not a success.
                fn from_failure(raw: RawResponse, documented: bool) -> Self {
                    if raw.too_large {
                        return raw.unexpected(format!("the body is larger than {MAX_BODY_BYTES} bytes"));
                    }
                    if !documented {
                        return raw.unexpected("the spec documents no body for this status".to_owned());
                    }
                    if let ::std::option::Option::Some(problem) = raw.content_type_problem() {
                        return raw.unexpected(problem);
                    }
                    #api_decode
                }
            }

            impl ::std::fmt::Display for Error {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        Error::Validation(violations) => write!(f, "invalid request, not sent: {violations}"),
                        Error::InvalidConfig(message) => write!(f, "invalid client settings: {message}"),
                        Error::Encode(e) => write!(f, "the request body cannot be encoded as JSON: {e}"),
                        Error::Timeout(e) => write!(f, "no complete response in time: {e}"),
                        Error::Transport(e) => write!(f, "the request failed: {e}"),
                        #api_display
                        Error::UnexpectedResponse { status, content_type, snippet, reason } => {
                            write!(f, "the server answered {status} ({}): {reason}; body starts: {snippet:?}", content_type.as_deref().unwrap_or("no content type"))
                        }
                        Error::Decode { status, content_type, snippet, reason } => {
                            write!(f, "the server answered {status} ({}) with a body that cannot be decoded: {reason}; body starts: {snippet:?}", content_type.as_deref().unwrap_or("no content type"))
                        }
                    }
                }
            }

            impl ::std::error::Error for Error {
                fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                    match self {
                        Error::Validation(e) => ::std::option::Option::Some(e),
                        Error::Encode(e) => ::std::option::Option::Some(e),
                        Error::Timeout(e) | Error::Transport(e) => ::std::option::Option::Some(e),
                        _ => ::std::option::Option::None,
                    }
                }
            }

            impl ::std::convert::From<#m validation::Violations> for Error {
                fn from(violations: #m validation::Violations) -> Self {
                    Error::Validation(violations)
                }
            }
        }
    }
}

/// `Decoded<T>` and `SkippedItem`.
fn decoded() -> TokenStream {
    quote! {
        /// A success body, decoded leniently: items of its lists that could not be
        /// decoded (an unknown enum value such as a new `status`, a missing
        /// required field) are taken out of the list and reported in `skipped`
        /// with their raw JSON, instead of failing the whole response. Counts the
        /// server sent are left as they were. Derefs to the value.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Decoded<T> {
            /// The body without the skipped items.
            pub value: T,
            /// The items left out, in the order they came.
            pub skipped: ::std::vec::Vec<SkippedItem>,
        }

        impl<T> Decoded<T> {
            /// The value, dropping the report of skipped items.
            pub fn into_inner(self) -> T {
                self.value
            }
        }

        impl<T> ::std::ops::Deref for Decoded<T> {
            type Target = T;

            fn deref(&self) -> &T {
                &self.value
            }
        }

        /// An item of a response list that could not be decoded.
        #[derive(Debug, Clone, PartialEq)]
        pub struct SkippedItem {
            /// Where it was: `results[3]` (`[3]` for a list that is the whole body).
            pub path: ::std::string::String,
            /// Why it could not be decoded.
            pub reason: ::std::string::String,
            /// The item as the server sent it.
            pub raw: ::serde_json::Value,
        }

        impl ::std::fmt::Display for SkippedItem {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}: {}", self.path, self.reason)
            }
        }
    }
}

impl Runtime {
    /// Request building and response decoding.
    fn helpers(&self) -> TokenStream {
        let m = &self.models;
        let u = self.uses;
        let server_part = u.operation_servers.then(|| {
            quote! {
                /// The operation's own server, as the spec writes it (`None`: the base URL).
                server: ::std::option::Option<&'static str>,
            }
        });
        let encode = (u.encode || u.query_value || u.query_joined || u.query_deep).then(|| {
            quote! {
            /// Percent-encodes everything but `A-Z a-z 0-9 - . _ ~`.
            fn encode_into(out: &mut ::std::string::String, value: &str) {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                for &byte in value.as_bytes() {
                    if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                        out.push(char::from(byte));
                    } else {
                        out.push('%');
                        out.push(char::from(HEX[usize::from(byte >> 4)]));
                        out.push(char::from(HEX[usize::from(byte & 0xF)]));
                    }
                }
            }
            }
        });
        let push = u.query_value.then(|| {
            quote! {
                    /// `name=value`.
                    fn push(&mut self, name: &str, value: &str) {
                        if !self.0.is_empty() {
                            self.0.push('&');
                        }
                        encode_into(&mut self.0, name);
                        self.0.push('=');
                        encode_into(&mut self.0, value);
                    }
            }
        });
        let push_joined = u.query_joined.then(|| {
            quote! {
                    /// `name=a<delimiter>b`: the values encoded, the delimiter as given
                    /// (`,` for `form`, `%20` for `spaceDelimited`, `|` for `pipeDelimited`).
                    fn push_joined(&mut self, name: &str, values: &[::std::string::String], delimiter: &str) {
                        if !self.0.is_empty() {
                            self.0.push('&');
                        }
                        encode_into(&mut self.0, name);
                        self.0.push('=');
                        for (i, value) in values.iter().enumerate() {
                            if i > 0 {
                                self.0.push_str(delimiter);
                            }
                            encode_into(&mut self.0, value);
                        }
                    }
            }
        });
        let push_deep = u.query_deep.then(|| {
            quote! {
                    /// `name[key]=value` (`deepObject`): name, key and value encoded, the brackets literal.
                    fn push_deep(&mut self, name: &str, key: &str, value: &str) {
                        if !self.0.is_empty() {
                            self.0.push('&');
                        }
                        encode_into(&mut self.0, name);
                        self.0.push('[');
                        encode_into(&mut self.0, key);
                        self.0.push_str("]=");
                        encode_into(&mut self.0, value);
                    }
            }
        });
        let check_delimited = u.check_delimited.then(|| {
            quote! {
                /// The items of a `form`, `spaceDelimited` or `pipeDelimited` list sent in
                /// one value cannot contain the delimiter: a server decodes the value
                /// before splitting it, so it could not tell them apart.
                fn check_delimited(
                    items: impl ::std::iter::Iterator<Item = ::std::string::String>,
                    delimiter: char,
                    style: &str,
                    path: &str,
                    out: &mut ::std::vec::Vec<#m validation::Violation>,
                ) {
                    for item in items {
                        if item.contains(delimiter) {
                            let message = format!("the item `{item}` contains `{delimiter}`, which separates the items of a `{style}` list");
                            out.push(#m validation::Violation { path: path.to_owned(), message });
                        }
                    }
                }
            }
        });
        let segment = u.path_segment.then(|| {
            quote! {
                /// `.`, `..` and the empty string cannot be a path segment.
                fn check_segment(value: &str, path: &str, out: &mut ::std::vec::Vec<#m validation::Violation>) {
                    let message = if value.is_empty() {
                        "must not be empty (it is a path segment)".to_owned()
                    } else if value == "." || value == ".." {
                        format!("cannot be `{value}` (it is a path segment)")
                    } else {
                        return;
                    };
                    out.push(#m validation::Violation { path: path.to_owned(), message });
                }
            }
        });
        let date_time = u.date_time.then(|| {
            quote! {
                /// RFC 3339 with `Z` and as many fractional digits as needed.
                fn date_time(value: &::chrono::DateTime<::chrono::Utc>) -> ::std::string::String {
                    value.to_rfc3339_opts(::chrono::SecondsFormat::AutoSi, true)
                }
            }
        });
        let decode = u.decode.then(|| {
            quote! {
                    /// The body as a `T`, for a success status.
                    fn decode<T: ::serde::de::DeserializeOwned>(&self) -> ::std::result::Result<T, Error> {
                        let value = self.json()?;
                        T::deserialize(&value).map_err(|e| self.undecodable(e.to_string()))
                    }
            }
        });
        let lenient = u.decode_lenient.then(|| {
            quote! {
                    /// The body as a `T`, taking the items `skip` rejects out of its lists first.
                    fn decode_lenient<T: ::serde::de::DeserializeOwned>(
                        &self,
                        skip: impl FnOnce(&mut ::serde_json::Value, &mut ::std::vec::Vec<SkippedItem>),
                    ) -> ::std::result::Result<Decoded<T>, Error> {
                        let mut value = self.json()?;
                        let mut skipped = ::std::vec::Vec::new();
                        skip(&mut value, &mut skipped);
                        let value = T::deserialize(&value).map_err(|e| self.undecodable(e.to_string()))?;
                        ::std::result::Result::Ok(Decoded { value, skipped })
                    }
            }
        });
        let json = (u.decode || u.decode_lenient).then(|| quote! {
            /// The body as JSON, for a success status.
            fn json(&self) -> ::std::result::Result<::serde_json::Value, Error> {
                if self.too_large {
                    return ::std::result::Result::Err(self.undecodable(format!("the body is larger than {MAX_BODY_BYTES} bytes")));
                }
                if let ::std::option::Option::Some(problem) = self.content_type_problem() {
                    return ::std::result::Result::Err(self.undecodable(problem));
                }
                if self.body.iter().all(u8::is_ascii_whitespace) {
                    return ::std::result::Result::Err(self.undecodable("the body is empty".to_owned()));
                }
                ::serde_json::from_slice(&self.body).map_err(|e| self.undecodable(format!("not valid JSON: {e}")))
            }

    });
        let undecodable = (u.decode || u.decode_lenient || u.text || u.bytes || u.undecodable).then(|| quote! {
            fn undecodable(&self, reason: ::std::string::String) -> Error {
                Error::Decode { status: self.status, content_type: self.content_type.clone(), snippet: self.snippet(), reason }
            }
        });
        let text = u.text.then(|| quote! {
            /// The body as UTF-8 text, for a success status.
            fn text(self) -> ::std::result::Result<::std::string::String, Error> {
                if self.too_large {
                    return ::std::result::Result::Err(self.undecodable(format!("the body is larger than {MAX_BODY_BYTES} bytes")));
                }
                match ::std::string::String::from_utf8(self.body) {
                    ::std::result::Result::Ok(text) => ::std::result::Result::Ok(text),
                    ::std::result::Result::Err(e) => {
                        let raw = RawResponse { status: self.status, content_type: self.content_type, body: e.into_bytes(), too_large: false };
                        ::std::result::Result::Err(raw.undecodable("the body is not UTF-8 text".to_owned()))
                    }
                }
            }
        });
        let bytes = u.bytes.then(|| quote! {
            /// The body as it came, for a success status.
            fn bytes(self) -> ::std::result::Result<::std::vec::Vec<u8>, Error> {
                if self.too_large {
                    return ::std::result::Result::Err(self.undecodable(format!("the body is larger than {MAX_BODY_BYTES} bytes")));
                }
                ::std::result::Result::Ok(self.body)
            }
        });
        let skip_items = u.decode_lenient.then(|| quote! {
        /// Takes the items that do not decode as an `I` out of the list at
        /// `field` of `value` (or `value` itself when `field` is `None`).
        fn skip_items<I: ::serde::de::DeserializeOwned>(
            value: &mut ::serde_json::Value,
            field: ::std::option::Option<&str>,
            skipped: &mut ::std::vec::Vec<SkippedItem>,
        ) {
            let list = match field {
                ::std::option::Option::Some(name) => value.get_mut(name),
                ::std::option::Option::None => ::std::option::Option::Some(value),
            };
            let ::std::option::Option::Some(::serde_json::Value::Array(items)) = list else { return };
            let prefix = field.unwrap_or_default();
            let mut index = 0usize;
            items.retain(|item| {
                let at = index;
                index += 1;
                match I::deserialize(item) {
                    ::std::result::Result::Ok(_) => true,
                    ::std::result::Result::Err(e) => {
                        skipped.push(SkippedItem { path: format!("{prefix}[{at}]"), reason: e.to_string(), raw: item.clone() });
                        false
                    }
                }
            });
        }
    });
        let multipart_field = u.multipart.then(|| {
            quote! {
                /// A `multipart/form-data` body (reqwest sets its content type and boundary).
                multipart: ::std::option::Option<::reqwest::multipart::Form>,
            }
        });
        let headers_field = u.headers.then(|| {
            quote! {
                /// Header and cookie parameters, checked (see [`HeaderParams`]).
                /// They replace the client's default headers of the same name;
                /// their cookies follow the default `Cookie`s in one header.
                headers: ::reqwest::header::HeaderMap,
            }
        });
        let header_params = u.headers.then(|| header_params(m, u));
        quote! {
            /// One request, before the client's own headers are added.
            struct RequestParts {
                method: ::reqwest::Method,
                /// The path after the base URL, its parameters already encoded.
                path: ::std::string::String,
                query: QueryString,
                #headers_field
                accept_json: bool,
                /// Content type and bytes.
                body: ::std::option::Option<(&'static str, ::std::vec::Vec<u8>)>,
                #server_part
                #multipart_field
            }

            /// A query string built in spec order, every name and value
            /// percent-encoded (all but RFC 3986's unreserved characters).
            #[derive(Default)]
            struct QueryString(::std::string::String);

            impl QueryString {
                #push
                #push_joined
                #push_deep
            }

            #encode

            #header_params
            #segment
            #check_delimited
            #date_time

            /// Status, content type and body of a response, read in full.
            struct RawResponse {
                status: ::reqwest::StatusCode,
                content_type: ::std::option::Option<::std::string::String>,
                body: ::std::vec::Vec<u8>,
                too_large: bool,
            }

            impl RawResponse {
                fn snippet(&self) -> ::std::string::String {
                    let mut end = self.body.len().min(SNIPPET_BYTES);
                    // Cut on a character boundary when the body is UTF-8.
                    while end > 0 && end < self.body.len() && (self.body[end] & 0xC0) == 0x80 {
                        end -= 1;
                    }
                    ::std::string::String::from_utf8_lossy(&self.body[..end]).into_owned()
                }

                fn unexpected(&self, reason: ::std::string::String) -> Error {
                    Error::UnexpectedResponse { status: self.status, content_type: self.content_type.clone(), snippet: self.snippet(), reason }
                }

                /// Why the content type is not JSON, if it is not (a missing one is accepted).
                fn content_type_problem(&self) -> ::std::option::Option<::std::string::String> {
                    let content_type = self.content_type.as_deref()?;
                    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
                    if essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json")) {
                        ::std::option::Option::None
                    } else {
                        ::std::option::Option::Some(format!("expected a JSON body, got content type `{content_type}`"))
                    }
                }

                #json
                #undecodable
                #decode
                #lenient
                #text
                #bytes
            }

            #skip_items
        }
    }
}

/// `HeaderParams`: header and cookie parameters, checked as they are added.
fn header_params(m: &TokenStream, u: Uses) -> TokenStream {
    let headers = u.header_value || u.header_list;
    let cookies = u.cookie_value || u.cookie_list;
    let header = u.header_value.then(|| {
        quote! {
            /// `name: value`.
            fn header(&mut self, name: &str, value: &str) {
                match header_problem(value) {
                    ::std::option::Option::Some(message) => self.refuse(name, message),
                    ::std::option::Option::None => self.insert(name, value),
                }
            }
        }
    });
    let header_list = u.header_list.then(|| {
        quote! {
            /// `name: a,b`.
            fn header_list(&mut self, name: &str, items: &[::std::string::String]) {
                for item in items {
                    let problem = if item.contains(',') {
                        ::std::option::Option::Some(format!("the item {item:?} cannot be sent in a comma-separated header: it contains `,`"))
                    } else {
                        header_problem(item)
                    };
                    if let ::std::option::Option::Some(message) = problem {
                        return self.refuse(name, message);
                    }
                }
                self.insert(name, &items.join(","));
            }
        }
    });
    let insert = headers.then(|| {
        quote! {
            fn insert(&mut self, name: &str, value: &str) {
                let header = ::reqwest::header::HeaderName::from_bytes(name.as_bytes());
                match (header, ::reqwest::header::HeaderValue::from_str(value)) {
                    (::std::result::Result::Ok(header), ::std::result::Result::Ok(value)) => {
                        self.headers.append(header, value);
                    }
                    _ => self.refuse(name, "cannot be sent in an HTTP header".to_owned()),
                }
            }
        }
    });
    let cookie = u.cookie_value.then(|| {
        quote! {
            /// `name=value` in the `Cookie` header, the value percent-encoded.
            fn cookie(&mut self, name: &str, value: &str) {
                self.start_cookie(name);
                encode_cookie_into(&mut self.cookies, value);
            }
        }
    });
    let cookie_list = u.cookie_list.then(|| {
        quote! {
            /// `name=a,b` in the `Cookie` header: each item percent-encoded, the commas literal.
            fn cookie_list(&mut self, name: &str, items: &[::std::string::String]) {
                self.start_cookie(name);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.cookies.push(',');
                    }
                    encode_cookie_into(&mut self.cookies, item);
                }
            }
        }
    });
    let start_cookie = cookies.then(|| {
        quote! {
            fn start_cookie(&mut self, name: &str) {
                if !self.cookies.is_empty() {
                    self.cookies.push_str("; ");
                }
                self.cookies.push_str(name);
                self.cookies.push('=');
            }
        }
    });
    let header_problem = headers.then(|| {
        quote! {
            /// Why `value` cannot be sent as a header value as it is, if it cannot.
            fn header_problem(value: &str) -> ::std::option::Option<::std::string::String> {
                if let ::std::option::Option::Some(c) = value.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ' || *c == '\t')) {
                    return ::std::option::Option::Some(format!("{c:?} cannot be sent in an HTTP header (only visible ASCII, spaces and tabs)"));
                }
                if value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']) {
                    return ::std::option::Option::Some("cannot start or end with a space or tab in an HTTP header (it would be lost)".to_owned());
                }
                ::std::option::Option::None
            }
        }
    });
    let encode_cookie = cookies.then(|| {
        quote! {
            /// Percent-encodes everything but RFC 6265's cookie octets (visible
            /// ASCII but `"` `,` `;` `\`), and `%` itself.
            fn encode_cookie_into(out: &mut ::std::string::String, value: &str) {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                for &byte in value.as_bytes() {
                    if byte.is_ascii_graphic() && !matches!(byte, b'"' | b',' | b';' | b'\\' | b'%') {
                        out.push(char::from(byte));
                    } else {
                        out.push('%');
                        out.push(char::from(HEX[usize::from(byte >> 4)]));
                        out.push(char::from(HEX[usize::from(byte & 0xF)]));
                    }
                }
            }
        }
    });
    quote! {
        /// The header and cookie parameters of one request, checked as they
        /// are added. A header value is sent as it is, so it must be visible
        /// ASCII with spaces or tabs only inside, and a header list's items
        /// cannot contain `,`; anything else is an [`Error::Validation`] and
        /// nothing is sent. Cookies go into one `Cookie` header (`a=1; b=2`),
        /// their values percent-encoded (all but RFC 6265's cookie octets, and
        /// `%`), so any text can be sent.
        #[derive(Default)]
        struct HeaderParams {
            headers: ::reqwest::header::HeaderMap,
            /// `a=1; b=2`.
            cookies: ::std::string::String,
            violations: ::std::vec::Vec<#m validation::Violation>,
        }

        impl HeaderParams {
            #header
            #header_list
            #insert

            fn refuse(&mut self, name: &str, message: ::std::string::String) {
                self.violations.push(#m validation::Violation { path: name.to_owned(), message });
            }

            #cookie
            #cookie_list
            #start_cookie

            /// The headers, or [`Error::Validation`] naming every value that cannot be sent.
            fn finish(mut self) -> ::std::result::Result<::reqwest::header::HeaderMap, Error> {
                if !self.cookies.is_empty() {
                    match ::reqwest::header::HeaderValue::from_str(&self.cookies) {
                        ::std::result::Result::Ok(value) => {
                            self.headers.insert(::reqwest::header::COOKIE, value);
                        }
                        ::std::result::Result::Err(_) => self.refuse("Cookie", "cannot be sent in an HTTP header".to_owned()),
                    }
                }
                #m validation::Violations::check(self.violations)?;
                ::std::result::Result::Ok(self.headers)
            }
        }

        #header_problem
        #encode_cookie
    }
}
