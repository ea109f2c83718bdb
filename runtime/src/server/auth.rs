//! Authentication on the server side: what a request presents for each kind
//! of security scheme, typed ([`ApiKey`], [`BearerToken`], [`BasicCredentials`],
//! [`AuthorizationValue`] for other HTTP schemes), every secret hidden in
//! `Debug`. Each reader answers `Ok(None)` when the request does not present
//! that kind of credential (so the generated router can try the next
//! alternative of an operation's `security`), and a `401` [`Rejection`] when
//! it presents one that cannot be read.
//!
//! The generated router evaluates the alternatives in the spec's order
//! (anonymous access last), calls the `Api`'s authentication hook of every
//! scheme of the first alternative the request presents completely, and
//! answers `401` with one `WWW-Authenticate` challenge per HTTP scheme of the
//! operation (RFC 9110 §11.6.1) when none is presented, or when a hook
//! refuses with [`Rejection::unauthorized`]; a hook's
//! [`Rejection::forbidden`] is a `403`.

use std::fmt;

use axum::http::{HeaderMap, header};
use base64::Engine;

use super::header_params::Cookies;
use super::params::QueryString;
use super::{Rejection, header_single};

/// A secret the request presented: an API key. `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(..)")
    }
}

/// The token of an `Authorization: Bearer` header (RFC 6750): an HTTP bearer
/// scheme's, or an OAuth2 or OpenID Connect access token. `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(String);

impl BearerToken {
    pub fn new(token: impl Into<String>) -> Self {
        BearerToken(token.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(..)")
    }
}

/// The user and password of an `Authorization: Basic` header (RFC 7617).
/// `Debug` shows the user only.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    pub user: String,
    pub password: String,
}

impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials").field("user", &self.user).finish_non_exhaustive()
    }
}

/// The `Authorization` header of an HTTP scheme other than basic and bearer
/// (`Digest ...`, `HOBA ...`), as the request sent it: the generator passes
/// it through for the hook to verify. `Debug` shows the scheme only.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthorizationValue {
    /// The auth-scheme as sent (compared case-insensitively).
    pub scheme: String,
    /// What follows the scheme (its token or parameters), trimmed.
    pub credentials: String,
}

impl fmt::Debug for AuthorizationValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationValue").field("scheme", &self.scheme).finish_non_exhaustive()
    }
}

/// The one `Authorization` header, split into its scheme and the rest;
/// `None` without one.
fn authorization(headers: &HeaderMap) -> Result<Option<(&str, &str)>, Rejection> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let value = match (values.next(), values.next()) {
        (None, _) => return Ok(None),
        (Some(_), Some(_)) => return Err(Rejection::unauthorized("more than one `Authorization` header")),
        (Some(value), None) => value,
    };
    let Ok(value) = value.to_str() else {
        return Err(Rejection::unauthorized("the `Authorization` header is not visible ASCII"));
    };
    let value = value.trim();
    Ok(Some(match value.split_once(' ') {
        Some((scheme, rest)) => (scheme, rest.trim_start_matches(' ')),
        None => (value, ""),
    }))
}

/// The bearer token of a request, if its `Authorization` header uses the
/// `Bearer` scheme (any case): one token of visible ASCII characters.
pub fn bearer(headers: &HeaderMap) -> Result<Option<BearerToken>, Rejection> {
    match authorization(headers)? {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            if token.is_empty() {
                return Err(Rejection::unauthorized("the `Authorization` header is not `Bearer <token>`"));
            }
            if !token.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Rejection::unauthorized("the bearer token is empty or contains spaces"));
            }
            Ok(Some(BearerToken(token.to_owned())))
        }
        _ => Ok(None),
    }
}

/// The user and password of a request, if its `Authorization` header uses
/// the `Basic` scheme (any case): base64 of `user:password` in UTF-8.
pub fn basic(headers: &HeaderMap) -> Result<Option<BasicCredentials>, Rejection> {
    let Some((scheme, encoded)) = authorization(headers)? else { return Ok(None) };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let malformed = || Rejection::unauthorized("the `Authorization: Basic` header is not base64 of `user:password`");
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (user, password) = text.split_once(':').ok_or_else(malformed)?;
    Ok(Some(BasicCredentials { user: user.to_owned(), password: password.to_owned() }))
}

/// The `Authorization` header of a request, if it uses the HTTP scheme
/// `scheme` (any case).
pub fn authorization_value(headers: &HeaderMap, scheme: &str) -> Result<Option<AuthorizationValue>, Rejection> {
    Ok(authorization(headers)?
        .filter(|(sent, _)| sent.eq_ignore_ascii_case(scheme))
        .map(|(sent, credentials)| AuthorizationValue { scheme: sent.to_owned(), credentials: credentials.to_owned() }))
}

/// An API key in the header `name`, if the request has it (non-empty).
pub fn api_key_header(headers: &HeaderMap, name: &str) -> Result<Option<ApiKey>, Rejection> {
    let value =
        header_single(headers, name).map_err(|_| Rejection::unauthorized(format!("`{name}`: not one header")))?;
    Ok(value.filter(|v| !v.is_empty()).map(|v| ApiKey(v.to_owned())))
}

/// An API key in the query parameter `name` (percent-decoded), if the
/// request has it (non-empty).
pub fn api_key_query(query: Option<&str>, name: &str) -> Result<Option<ApiKey>, Rejection> {
    let query = QueryString::parse(query)?;
    let Some(raw) =
        query.single(name).map_err(|_| Rejection::unauthorized(format!("`{name}`: given more than once")))?
    else {
        return Ok(None);
    };
    let value = super::params::decode_form(raw)
        .ok_or_else(|| Rejection::unauthorized(format!("`{name}`: not UTF-8 once percent-decoded")))?;
    Ok((!value.is_empty()).then(|| ApiKey(value.into_owned())))
}

/// An API key in the cookie `name` (percent-decoded), if the request has it
/// (non-empty).
pub fn api_key_cookie(headers: &HeaderMap, name: &str) -> Result<Option<ApiKey>, Rejection> {
    let cookies = Cookies::parse(headers);
    let Some(raw) = cookies.single(name).map_err(|_| Rejection::unauthorized(format!("`{name}`: not one cookie")))?
    else {
        return Ok(None);
    };
    let raw = match raw {
        [b'"', inner @ .., b'"'] => inner,
        _ => raw,
    };
    let value = percent_encoding::percent_decode(raw)
        .decode_utf8()
        .map_err(|_| Rejection::unauthorized(format!("`{name}`: not UTF-8 once percent-decoded")))?;
    Ok((!value.is_empty()).then(|| ApiKey(value.into_owned())))
}

/// The `401` for a request that presents no alternative of an operation's
/// security completely; `needs` says what would do (the schemes by name).
pub fn unauthenticated(needs: &str) -> Rejection {
    Rejection::unauthorized(format!("credentials required: {needs}"))
}
