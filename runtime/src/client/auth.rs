//! Authentication on the client side: the credentials an application has
//! ([`Credentials`], one [`Credential`] per security scheme of the spec,
//! secrets redacted in `Debug` and never logged), the security schemes and
//! requirements the generated code describes per operation ([`Scheme`],
//! [`Requirement`]), an async [`TokenProvider`] for OAuth2 and OpenID
//! Connect tokens that expire, and [`Applied`]: what one request sends.
//!
//! Per operation the client applies the first alternative of the spec's
//! `security` list whose schemes all have a credential; an alternative
//! without schemes (the spec's `{}`, anonymous access) is the last resort
//! wherever the spec lists it, so credentials the client has are sent when
//! the operation takes them. When no alternative can be satisfied, the call
//! fails with [`Error::MissingCredentials`](super::Error::MissingCredentials)
//! before anything is sent.
//!
//! API keys in the query end up in URLs, and so in the access logs of every
//! server and proxy on the way: prefer a header or cookie where the API
//! offers one.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// How a security scheme of the spec sends its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// `type: apiKey`: the key as the header, query parameter or cookie `name`.
    ApiKey { location: KeyLocation, name: &'static str },
    /// `type: http`, `scheme: basic`: `Authorization: Basic base64(user:password)`.
    Basic,
    /// `type: http`, `scheme: bearer`, and `oauth2` and `openIdConnect`
    /// (whose access tokens are bearer tokens, RFC 6750):
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// Any other `type: http` scheme (`digest`, `hoba`, `negotiate`, ...):
    /// the application's own `Authorization` value, sent as it is.
    Authorization,
}

/// A security scheme of the spec, as the generated client describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// The key under `components/securitySchemes`.
    pub name: &'static str,
    pub kind: SchemeKind,
}

/// One scheme of one alternative of an operation's `security`, with the
/// scopes the operation asks for (given to a [`TokenProvider`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub scheme: &'static Scheme,
    pub scopes: &'static [&'static str],
}

/// An operation's `security`: alternatives (OR), each a set of schemes that
/// must all be sent (AND); an empty alternative allows anonymous access.
/// Empty: the operation sends no credentials.
pub type Security = &'static [&'static [Requirement]];

/// A secret (API key, token, password, raw `Authorization` value): its
/// `Debug` output is `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(secret: impl Into<String>) -> Self {
        Secret(secret.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Into<String>> From<T> for Secret {
    fn from(secret: T) -> Self {
        Secret::new(secret)
    }
}

/// The error a [`TokenProvider`] returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future of [`TokenProvider::token`].
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret, BoxError>> + Send + 'a>>;

/// Gives the access token of an OAuth2 or OpenID Connect scheme for each
/// request, so it can be fetched and refreshed as it expires (cache it: it
/// is asked for once per request). `scopes`: what the operation requires.
///
/// Any `Fn(Vec<String>) -> impl Future<Output = Result<Secret, BoxError>>`
/// (`Send + Sync`, its future `Send + 'static`) is one.
pub trait TokenProvider: Send + Sync + 'static {
    fn token<'a>(&'a self, scopes: &'a [&'static str]) -> TokenFuture<'a>;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn(Vec<String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Secret, BoxError>> + Send + 'static,
{
    fn token<'a>(&'a self, scopes: &'a [&'static str]) -> TokenFuture<'a> {
        Box::pin(self(scopes.iter().map(|s| (*s).to_owned()).collect()))
    }
}

/// What the application gives for one security scheme.
#[derive(Clone)]
pub enum Credential {
    /// An API key, a bearer token, or a raw `Authorization` value.
    Secret(Secret),
    /// HTTP basic: a user and a password.
    Basic { user: String, password: Secret },
    /// A bearer token asked for per request.
    Provider(Arc<dyn TokenProvider>),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Secret(_) => f.write_str("<redacted>"),
            Credential::Basic { user, .. } => f.debug_struct("Basic").field("user", user).finish_non_exhaustive(),
            Credential::Provider(_) => f.write_str("<token provider>"),
        }
    }
}

/// The credentials of a client, by scheme name. The generated `Credentials`
/// has one typed setter per scheme of its spec and turns into this.
#[derive(Clone, Default)]
pub struct Credentials(Vec<(&'static str, Credential)>);

impl Credentials {
    /// Sets (or replaces) the credential of the scheme named `scheme`.
    pub fn set(&mut self, scheme: &'static str, credential: Credential) {
        match self.0.iter_mut().find(|(name, _)| *name == scheme) {
            Some(entry) => entry.1 = credential,
            None => self.0.push((scheme, credential)),
        }
    }

    /// The credential of the scheme named `scheme`, if the client has one.
    pub fn get(&self, scheme: &str) -> Option<&Credential> {
        self.0.iter().find(|(name, _)| *name == scheme).map(|(_, c)| c)
    }

    /// Whether no scheme has a credential.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The name of a scheme whose secret has control characters (no header,
    /// query or cookie could carry it as it is meant), if one has.
    pub fn unsendable(&self) -> Option<&'static str> {
        let bad = |text: &str| text.chars().any(char::is_control);
        self.0.iter().find_map(|(name, credential)| match credential {
            Credential::Secret(secret) if bad(secret.expose()) => Some(*name),
            Credential::Basic { user, password } if bad(user) || bad(password.expose()) => Some(*name),
            _ => None,
        })
    }

    /// The alternative of `security` to apply: the first whose schemes all
    /// have a credential (`Some(&[])` for anonymous access); `None` when
    /// none can be satisfied (nothing is sent).
    pub fn choose(&self, security: Security) -> Option<&'static [Requirement]> {
        security
            .iter()
            .copied()
            .find(|alternative| {
                !alternative.is_empty() && alternative.iter().all(|r| self.get(r.scheme.name).is_some())
            })
            .or_else(|| security.iter().copied().find(|alternative| alternative.is_empty()))
    }

    /// What a request of an operation with `security` sends: the headers,
    /// query pairs and cookies of the chosen alternative, tokens asked of
    /// the providers. `Err(Ok(alternatives))`: no alternative can be
    /// satisfied (each as its scheme names); `Err(Err(e))`: a provider failed.
    pub async fn apply(&self, security: Security) -> Result<Applied, Result<Vec<Vec<&'static str>>, BoxError>> {
        let mut applied = Applied::default();
        if security.is_empty() {
            return Ok(applied);
        }
        let Some(alternative) = self.choose(security) else {
            return Err(Ok(security.iter().map(|a| a.iter().map(|r| r.scheme.name).collect()).collect()));
        };
        for requirement in alternative {
            let scheme = requirement.scheme;
            let Some(credential) = self.get(scheme.name) else { continue };
            let secret = match credential {
                Credential::Secret(secret) => secret.clone(),
                Credential::Basic { user, password } => {
                    applied.basic = Some((user.clone(), password.clone()));
                    continue;
                }
                Credential::Provider(provider) => provider.token(requirement.scopes).await.map_err(Err)?,
            };
            match scheme.kind {
                SchemeKind::ApiKey { location: KeyLocation::Header, name } => applied.headers.push((name, secret)),
                SchemeKind::ApiKey { location: KeyLocation::Query, name } => applied.query.push((name, secret)),
                SchemeKind::ApiKey { location: KeyLocation::Cookie, name } => applied.cookies.push((name, secret)),
                SchemeKind::Bearer => {
                    applied.headers.push(("authorization", Secret(format!("Bearer {}", secret.expose()))))
                }
                SchemeKind::Authorization => applied.headers.push(("authorization", secret)),
                // A basic scheme given a single secret: it is `user:password`.
                SchemeKind::Basic => match secret.expose().split_once(':') {
                    Some((user, password)) => applied.basic = Some((user.to_owned(), Secret::new(password))),
                    None => applied.basic = Some((secret.expose().to_owned(), Secret::new(""))),
                },
            }
        }
        Ok(applied)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter().map(|(name, credential)| (name, credential))).finish()
    }
}

/// What one request sends for its security, secrets still wrapped.
#[derive(Debug, Default)]
pub struct Applied {
    /// Header name (or `authorization`) and value.
    pub headers: Vec<(&'static str, Secret)>,
    /// Query parameter name and value (encoded like other query parameters).
    pub query: Vec<(&'static str, Secret)>,
    /// Cookie name and value (joining the request's one `Cookie` header).
    pub cookies: Vec<(&'static str, Secret)>,
    /// HTTP basic user and password.
    pub basic: Option<(String, Secret)>,
}
