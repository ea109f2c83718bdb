//! The client core: what every generated client shares. The generated
//! `Client` is a newtype around [`Core`] that implements [`Api`] (naming the
//! spec's error body) and adds one async method per operation; each method
//! checks its arguments, encodes a [`Request`] with the encoders of
//! [`request`](self#encoders), [`Core::send`]s it and decodes the
//! [`Response`].
//!
//! # Encoders
//!
//! [`QueryString`] (`form`, delimited and `deepObject` query parameters, and
//! form bodies), [`encode_into`], [`check_segment`] (path segments),
//! [`check_delimited`], [`date_time`], and [`HeaderParams`] (header and
//! cookie parameters).

mod auth;
mod builder;
mod error;
mod form;
mod request;
mod response;

use std::fmt;
use std::marker::PhantomData;

use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

pub use auth::*;
pub use builder::*;
pub use error::*;
pub use form::*;
pub use request::*;
pub use response::*;

/// How long one request may take, from connecting until the whole
/// response body is read, unless [`ClientBuilder::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The most of a response body that is read; a longer body is an error.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// How much of an unexpected response body an [`Error`] keeps.
pub const SNIPPET_BYTES: usize = 512;

/// What the runtime needs to know about a generated client: implemented by
/// the generated `Client` (a newtype around [`Core`]).
pub trait Api: Sized {
    /// The type of the JSON error bodies the spec documents
    /// ([`NoErrorBody`] when it documents none).
    type ErrorBody: serde::de::DeserializeOwned + serde::Serialize + fmt::Debug;

    /// The error body's name in the spec, for messages (`Failure`; `JSON
    /// value` when the spec documents several types).
    const ERROR_BODY: &'static str;

    /// The client around a built core.
    fn from_core(core: Core<Self>) -> Self;
}

/// The error body of a spec that documents none: no value has this type,
/// and an error status is always an [`Error::UnexpectedResponse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoErrorBody {}

impl serde::Serialize for NoErrorBody {
    fn serialize<S: serde::Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
        match *self {}
    }
}

impl<'de> serde::Deserialize<'de> for NoErrorBody {
    fn deserialize<D: serde::Deserializer<'de>>(_deserializer: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom("the spec documents no error body"))
    }
}

/// The HTTP side of a generated client: the connection pool, the base URL,
/// the credentials, the timeout and the default headers. Cheap to clone
/// (clones share the connection pool).
pub struct Core<A> {
    http: reqwest::Client,
    /// Scheme, host and path prefix, without a trailing `/`.
    base_url: String,
    credentials: Credentials,
    timeout: Option<std::time::Duration>,
    user_agent: HeaderValue,
    default_headers: HeaderMap,
    /// Replacements for operations' own servers: (spec URL, URL).
    servers: Vec<(String, String)>,
    api: PhantomData<fn() -> A>,
}

impl<A> Clone for Core<A> {
    fn clone(&self) -> Self {
        Core {
            http: self.http.clone(),
            base_url: self.base_url.clone(),
            credentials: self.credentials.clone(),
            timeout: self.timeout,
            user_agent: self.user_agent.clone(),
            default_headers: self.default_headers.clone(),
            servers: self.servers.clone(),
            api: PhantomData,
        }
    }
}

impl<A> fmt::Debug for Core<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Client");
        out.field("base_url", &self.base_url);
        if !self.credentials.is_empty() {
            out.field("credentials", &self.credentials);
        }
        out.field("timeout", &self.timeout).field("user_agent", &self.user_agent).finish_non_exhaustive()
    }
}

impl<A: Api> Core<A> {
    /// The base URL requests go to (without a trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends one request and reads the whole response, with the credentials
    /// of the first alternative of its security the client can satisfy
    /// ([`Error::MissingCredentials`] when there is none).
    pub async fn send(&self, request: Request) -> Result<Response<A>, Error<A>> {
        let applied = self.credentials.apply(request.security).await.map_err(|e| match e {
            Ok(alternatives) => Error::MissingCredentials { alternatives },
            Err(e) => Error::TokenProvider(e),
        })?;
        // An operation's own server, unless replaced; a relative one
        // (`/uploads`) is taken as relative to the base URL.
        let joined: String;
        let base: &str = match request.server {
            None => &self.base_url,
            Some(spec) => match self.servers.iter().find(|(from, _)| from == spec) {
                Some((_, to)) => to,
                None if spec.starts_with('/') => {
                    joined = format!("{}{}", self.base_url, spec.trim_end_matches('/'));
                    &joined
                }
                None => spec.trim_end_matches('/'),
            },
        };
        let mut query = request.query;
        for (name, key) in &applied.query {
            query.push(name, key.expose());
        }
        let query = query.as_str();
        let mut url = String::with_capacity(base.len() + request.path.len() + query.len() + 1);
        url.push_str(base);
        url.push_str(&request.path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        let url =
            reqwest::Url::parse(&url).map_err(|e| Error::InvalidConfig(format!("`{url}` is not a valid URL: {e}")))?;
        let mut builder = self.http.request(request.method, url);
        for (name, value) in &self.default_headers {
            builder = builder.header(name, value);
        }
        if !self.default_headers.contains_key(USER_AGENT) {
            builder = builder.header(USER_AGENT, self.user_agent.clone());
        }
        if request.accept_json && !self.default_headers.contains_key(ACCEPT) {
            builder = builder.header(ACCEPT, "application/json");
        }
        let mut headers = request.headers;
        if !applied.cookies.is_empty() {
            let mut cookies = String::new();
            for (name, key) in &applied.cookies {
                if !cookies.is_empty() {
                    cookies.push_str("; ");
                }
                cookies.push_str(name);
                cookies.push('=');
                request::encode_cookie_into(&mut cookies, key.expose());
            }
            let mut value = HeaderValue::from_str(&cookies)
                .map_err(|_| Error::InvalidConfig("an API key cookie cannot be sent".to_owned()))?;
            value.set_sensitive(true);
            headers.append(COOKIE, value);
        }
        for (name, secret) in &applied.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::InvalidConfig(format!("`{name}` is not a valid header name")))?;
            let mut value = HeaderValue::from_str(secret.expose()).map_err(|_| {
                Error::InvalidConfig(format!(
                    "the credential for the header `{name}` cannot be sent in an HTTP header (it has non-ASCII text)"
                ))
            })?;
            value.set_sensitive(true);
            headers.append(header, value);
        }
        if !headers.is_empty() {
            // Header parameters (and credentials) replace the client's headers
            // of the same name (`RequestBuilder::headers` replaces); their
            // cookies (parameters, then API keys) follow the default `Cookie`s
            // in one header.
            if headers.get_all(COOKIE).iter().count() + self.default_headers.get_all(COOKIE).iter().count() > 1 {
                let mut joined: Vec<u8> = Vec::new();
                let mut sensitive = false;
                for value in self.default_headers.get_all(COOKIE).iter().chain(headers.get_all(COOKIE).iter()) {
                    if !joined.is_empty() {
                        joined.extend_from_slice(b"; ");
                    }
                    joined.extend_from_slice(value.as_bytes());
                    sensitive |= value.is_sensitive();
                }
                if let Ok(mut value) = HeaderValue::from_bytes(&joined) {
                    value.set_sensitive(sensitive);
                    headers.insert(COOKIE, value);
                }
            }
            builder = builder.headers(headers);
        }
        if let Some((user, password)) = &applied.basic {
            builder = builder.basic_auth(user, Some(password.expose()));
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some((content_type, body)) = request.body {
            builder = match request.content_type {
                Some(given) => builder.header(CONTENT_TYPE, given),
                None => builder.header(CONTENT_TYPE, content_type),
            };
            builder = builder.body(body);
        }
        #[cfg(feature = "multipart")]
        if let Some(form) = request.multipart {
            builder = builder.multipart(form);
        }
        let mut response = builder.send().await.map_err(Error::from_reqwest)?;
        let status = response.status();
        let content_type =
            response.headers().get(CONTENT_TYPE).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let mut body = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = response.chunk().await.map_err(Error::from_reqwest)? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                too_large = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response::new(status, content_type, body, too_large))
    }
}
