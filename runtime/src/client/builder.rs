//! [`ClientBuilder`]: the settings of a client, checked when it is built.

use std::fmt;
use std::marker::PhantomData;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::{Api, Core, Credentials, DEFAULT_TIMEOUT, Error};

/// Settings for a client: timeout, user agent, extra headers, or an
/// HTTP client of the caller's own (for proxies, custom TLS roots or
/// middleware). The timeout, user agent and headers are applied to each
/// request, so they hold for a caller-supplied client too.
pub struct ClientBuilder<A> {
    base_url: String,
    credentials: Credentials,
    timeout: Option<std::time::Duration>,
    user_agent: Option<String>,
    default_user_agent: &'static str,
    headers: Vec<(String, String)>,
    /// Behind `dyn` (see [`Http`](super::Http)).
    http: Option<super::Http>,
    servers: Vec<(String, String)>,
    api: PhantomData<fn() -> A>,
}

impl<A> fmt::Debug for ClientBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("ClientBuilder");
        out.field("base_url", &self.base_url);
        if !self.credentials.is_empty() {
            out.field("credentials", &self.credentials);
        }
        out.field("timeout", &self.timeout).field("user_agent", &self.user_agent).finish_non_exhaustive()
    }
}

impl<A: Api> ClientBuilder<A> {
    /// A builder for a client of the API at `base_url` (a path prefix such
    /// as `https://api.example.com/psa` is kept) that authenticates with
    /// `credentials` where operations require it, and sends
    /// `default_user_agent` unless [`ClientBuilder::user_agent`] says
    /// otherwise. The generated `Client::builder` calls it.
    pub fn new(base_url: String, credentials: Credentials, default_user_agent: &'static str) -> Self {
        ClientBuilder {
            base_url,
            credentials,
            timeout: Some(DEFAULT_TIMEOUT),
            user_agent: None,
            default_user_agent,
            headers: Vec::new(),
            http: None,
            servers: Vec::new(),
            api: PhantomData,
        }
    }

    /// The credentials, replacing those given so far (the generated
    /// `Credentials` has a setter per security scheme of the spec).
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.credentials = credentials.into();
        self
    }

    /// The longest one request may take, from connecting until its response
    /// body is read; past it the call fails with [`Error::Timeout`].
    /// Default: [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No time limit per request (not recommended: a server that never
    /// answers blocks the call forever).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// The `User-Agent` header. Default: the generated crate's name and version.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A header sent with every request (checked by [`ClientBuilder::build`]).
    /// A `User-Agent` or `Accept` given here replaces the client's own.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Headers sent with every request.
    pub fn default_headers(mut self, headers: &HeaderMap) -> Self {
        for (name, value) in headers {
            self.headers.push((name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()));
        }
        self
    }

    /// Sends requests through this HTTP client instead of a new one.
    ///
    /// reqwest is used with rustls but without a built-in crypto provider,
    /// and `reqwest::Client::builder().build()` panics when no process-wide
    /// provider is installed: call [`install_crypto_provider`] (or install
    /// one of your own) before building it.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(super::Http::new(http));
        self
    }

    /// Sends the operations the spec serves at `spec_url` (their own
    /// `servers`, named in each method's docs) to `url` instead, as
    /// the base URL replaces the API's. Checked by [`ClientBuilder::build`].
    pub fn operation_server(mut self, spec_url: impl Into<String>, url: impl Into<String>) -> Self {
        self.servers.push((spec_url.into(), url.into()));
        self
    }

    /// The client, or [`Error::InvalidConfig`] naming what is wrong (a base
    /// URL that is not `http`/`https` or has a query, a credential or header that
    /// cannot be sent).
    pub fn build(self) -> Result<A, Error<A>> {
        let base_url = normalize_base_url(&self.base_url)?;
        let servers = self
            .servers
            .iter()
            .map(|(from, to)| Ok((from.clone(), normalize_base_url(to)?)))
            .collect::<Result<Vec<_>, Error<A>>>()?;
        if let Some(scheme) = self.credentials.unsendable() {
            return Err(Error::InvalidConfig(format!(
                "the token or key of the security scheme `{scheme}` cannot be sent (it has control characters)"
            )));
        }
        let agent = self.user_agent.unwrap_or_else(|| self.default_user_agent.to_owned());
        let user_agent = HeaderValue::from_str(&agent)
            .map_err(|_| Error::InvalidConfig(format!("`{agent}` cannot be sent as a User-Agent header")))?;
        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::InvalidConfig(format!("`{name}` is not a valid header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::InvalidConfig(format!("the value of header `{name}` cannot be sent in an HTTP header"))
            })?;
            default_headers.append(header, value);
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                install_crypto_provider();
                super::Http::new(
                    reqwest::Client::builder()
                        .build()
                        .map_err(|e| Error::InvalidConfig(format!("the HTTP client cannot be built: {e}")))?,
                )
            }
        };
        Ok(A::from_core(Core::new(super::Settings {
            http,
            base_url,
            credentials: self.credentials,
            timeout: self.timeout,
            user_agent,
            default_headers,
            servers,
        })))
    }
}

/// Installs rustls's *ring* crypto provider as the process default, unless
/// one is installed already. [`ClientBuilder::build`] calls it; call it
/// yourself before building a `reqwest::Client` of your own.
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // An error means another thread installed one first: fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// `http`/`https`, no query or fragment; the path prefix is kept without its trailing `/`.
fn normalize_base_url<A>(base_url: &str) -> Result<String, Error<A>>
where
    A: Api,
{
    let url = reqwest::Url::parse(base_url)
        .map_err(|e| Error::InvalidConfig(format!("the base URL `{base_url}` is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::InvalidConfig(format!("the base URL `{base_url}` must be http or https")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::InvalidConfig(format!("the base URL `{base_url}` must not have a query or fragment")));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}
