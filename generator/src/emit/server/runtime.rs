//! The spec-independent part of a generated server: rejections and their
//! machine-readable reasons, bearer tokens, status codes checked to lie in a
//! range, and the decoding of query strings, path segments and JSON bodies.
//!
//! Nothing here depends on the spec; the generated code calls it with what
//! the spec says (names, styles, types, media types).
//!
//! # Reasons
//!
//! Every request the generated router refuses before the API is called gets
//! a [`Rejection`]: a status, one of these machine-readable reasons and a
//! details text that names the offending parameter or field.
//!
//! | reason | status | when |
//! |---|---|---|
//! | `BAD_REQUEST` | 400 | the request cannot be read at all (a query string that is not UTF-8, a body that breaks off) |
//! | `INVALID_PARAMETER` | 400 | a path or query parameter is missing, given more than once, malformed, or breaks a constraint of the spec |
//! | `INVALID_BODY` | 400 | the body is missing, not JSON, not the schema's shape, or breaks a constraint of the spec |
//! | `UNSUPPORTED_MEDIA_TYPE` | 415 | a body without a `Content-Type`, or with one the operation does not accept |
//! | `PAYLOAD_TOO_LARGE` | 413 | a body larger than [`Config::body_limit`] |
//! | `UNAUTHORIZED` | 401 | credentials missing, malformed, or rejected by the authentication hook |
//! | `NOT_FOUND` | 404 | no operation has this path |
//! | `METHOD_NOT_ALLOWED` | 405 | the path exists, the method does not (the `Allow` header lists the ones that do) |
//! | `INTERNAL_SERVER_ERROR` | 500 | a fault of the server itself, never of the request |
//!
//! This file is not a module of the generator: the server emitter embeds it,
//! item for item, as the `runtime` module of every server file it writes, so
//! standalone crates carry it too.

use std::borrow::Cow;
use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The machine-readable reason of a [`Rejection`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// `BAD_REQUEST`: the request cannot be read at all.
    BadRequest,
    /// `INVALID_PARAMETER`: a path or query parameter is missing, repeated, malformed or out of bounds.
    InvalidParameter,
    /// `INVALID_BODY`: the body is missing, malformed, of the wrong shape or out of bounds.
    InvalidBody,
    /// `UNSUPPORTED_MEDIA_TYPE`: a body without an accepted `Content-Type`.
    UnsupportedMediaType,
    /// `PAYLOAD_TOO_LARGE`: a body over the configured limit.
    PayloadTooLarge,
    /// `UNAUTHORIZED`: missing, malformed or rejected credentials.
    Unauthorized,
    /// `NOT_FOUND`: no operation has this path.
    NotFound,
    /// `METHOD_NOT_ALLOWED`: the path exists, the method does not.
    MethodNotAllowed,
    /// `INTERNAL_SERVER_ERROR`: a fault of the server, not of the request.
    InternalServerError,
}

impl Reason {
    /// Every reason, in the order of the table above.
    pub const ALL: [Reason; 9] = [
        Reason::BadRequest,
        Reason::InvalidParameter,
        Reason::InvalidBody,
        Reason::UnsupportedMediaType,
        Reason::PayloadTooLarge,
        Reason::Unauthorized,
        Reason::NotFound,
        Reason::MethodNotAllowed,
        Reason::InternalServerError,
    ];

    /// The reason as sent: `SCREAMING_SNAKE_CASE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::BadRequest => "BAD_REQUEST",
            Reason::InvalidParameter => "INVALID_PARAMETER",
            Reason::InvalidBody => "INVALID_BODY",
            Reason::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Reason::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Reason::Unauthorized => "UNAUTHORIZED",
            Reason::NotFound => "NOT_FOUND",
            Reason::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Reason::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The status every rejection with this reason has.
    pub fn status(self) -> StatusCode {
        match self {
            Reason::BadRequest | Reason::InvalidParameter | Reason::InvalidBody => StatusCode::BAD_REQUEST,
            Reason::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Reason::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Reason::Unauthorized => StatusCode::UNAUTHORIZED,
            Reason::NotFound => StatusCode::NOT_FOUND,
            Reason::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Reason::InternalServerError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request the router answers itself, without calling the API: bad input,
/// failed authentication, unknown routes. The API's `rejection` method turns
/// it into the spec's error body; the status comes from the [`Reason`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    reason: Reason,
    details: String,
    challenge: Option<&'static str>,
}

impl Rejection {
    /// A rejection with this reason and details (the status follows from the reason).
    pub fn new(reason: Reason, details: impl Into<String>) -> Self {
        Rejection { reason, details: details.into(), challenge: None }
    }

    /// `401 UNAUTHORIZED`: what an authentication hook returns for a token it does not accept.
    pub fn unauthorized(details: impl Into<String>) -> Self {
        Rejection::new(Reason::Unauthorized, details)
    }

    /// `500 INTERNAL_SERVER_ERROR`: what an authentication hook returns when it
    /// cannot decide (its store is down); never for a bad request.
    pub fn internal(details: impl Into<String>) -> Self {
        Rejection::new(Reason::InternalServerError, details)
    }

    /// `400 INVALID_PARAMETER` for the parameter `name`.
    pub fn invalid_parameter(name: &str, message: impl fmt::Display) -> Self {
        Rejection::new(Reason::InvalidParameter, format!("{name}: {message}"))
    }

    /// `400 INVALID_BODY`.
    pub fn invalid_body(details: impl Into<String>) -> Self {
        Rejection::new(Reason::InvalidBody, details)
    }

    /// `400 INVALID_BODY` for a required body that is absent.
    pub fn missing_body() -> Self {
        Rejection::invalid_body("a request body is required")
    }

    /// `400 INVALID_PARAMETER` listing every broken constraint (each shown
    /// as `parameter: message`).
    pub fn invalid_parameters(violations: impl IntoIterator<Item = impl fmt::Display>) -> Self {
        Rejection::new(Reason::InvalidParameter, join(violations))
    }

    /// `400 INVALID_BODY` listing every broken constraint of the body (each
    /// shown as `field.path: message`, or the message alone for the body itself).
    pub fn invalid_body_fields(violations: impl IntoIterator<Item = impl fmt::Display>) -> Self {
        Rejection::new(Reason::InvalidBody, join(violations))
    }

    /// `404 NOT_FOUND` for a path no operation has.
    pub fn not_found(path: &str) -> Self {
        Rejection::new(Reason::NotFound, format!("no operation at `{path}`"))
    }

    /// `405 METHOD_NOT_ALLOWED` for a method the path does not have.
    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Rejection::new(Reason::MethodNotAllowed, format!("`{method}` is not an operation of `{path}`"))
    }

    /// The same rejection, answered with a `WWW-Authenticate` challenge if it
    /// is a `401` (unchanged otherwise).
    pub fn with_challenge(mut self, challenge: &'static str) -> Self {
        if self.reason == Reason::Unauthorized {
            self.challenge = Some(challenge);
        }
        self
    }

    pub fn reason(&self) -> Reason {
        self.reason
    }

    pub fn status(&self) -> StatusCode {
        self.reason.status()
    }

    /// Human-readable details; names the offending parameter or field.
    pub fn details(&self) -> &str {
        &self.details
    }

    /// The response: this rejection's status, `body` as JSON, and the
    /// `WWW-Authenticate` challenge if there is one.
    pub fn into_response_with<B: serde::Serialize>(self, body: &B) -> Response {
        let mut response = json_response(self.status(), body);
        if let Some(challenge) = self.challenge {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        response
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status().as_u16(), self.reason, self.details)
    }
}

impl std::error::Error for Rejection {}

fn join(violations: impl IntoIterator<Item = impl fmt::Display>) -> String {
    violations.into_iter().map(|v| v.to_string()).collect::<Vec<_>>().join("; ")
}

/// Settings of the generated router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    body_limit: usize,
}

impl Config {
    /// The default limit on request bodies: 1 MiB.
    pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

    /// The largest request body accepted, in bytes; larger ones get `413 PAYLOAD_TOO_LARGE`.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// These settings with another body limit.
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }
}

impl Default for Config {
    fn default() -> Self {
        Config { body_limit: Config::DEFAULT_BODY_LIMIT }
    }
}

/// A status code checked to lie in the range `D`XX (`4` for `4XX`): the
/// status of a response the spec documents by range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RangeStatus<const D: u16>(u16);

/// `1XX`.
pub type InformationalStatus = RangeStatus<1>;
/// `2XX`.
pub type SuccessStatus = RangeStatus<2>;
/// `3XX`.
pub type RedirectionStatus = RangeStatus<3>;
/// `4XX`.
pub type ClientErrorStatus = RangeStatus<4>;
/// `5XX`.
pub type ServerErrorStatus = RangeStatus<5>;

impl<const D: u16> RangeStatus<D> {
    /// The code, if it lies in the range; [`StatusOutOfRange`] otherwise.
    pub const fn new(code: u16) -> Result<Self, StatusOutOfRange> {
        if code / 100 == D { Ok(RangeStatus(code)) } else { Err(StatusOutOfRange { code, range: D }) }
    }

    pub const fn code(self) -> u16 {
        self.0
    }

    pub fn status_code(self) -> StatusCode {
        status(self.0)
    }
}

impl<const D: u16> TryFrom<u16> for RangeStatus<D> {
    type Error = StatusOutOfRange;

    fn try_from(code: u16) -> Result<Self, Self::Error> {
        RangeStatus::new(code)
    }
}

impl<const D: u16> TryFrom<StatusCode> for RangeStatus<D> {
    type Error = StatusOutOfRange;

    fn try_from(code: StatusCode) -> Result<Self, Self::Error> {
        RangeStatus::new(code.as_u16())
    }
}

impl<const D: u16> From<RangeStatus<D>> for StatusCode {
    fn from(status: RangeStatus<D>) -> Self {
        status.status_code()
    }
}

impl<const D: u16> fmt::Display for RangeStatus<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A code given for a status range it is not in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusOutOfRange {
    pub code: u16,
    /// The first digit of the range.
    pub range: u16,
}

impl fmt::Display for StatusOutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not a status of the range {}XX", self.code, self.range)
    }
}

impl std::error::Error for StatusOutOfRange {}

/// The status for a code the generator checked (100..=599); 500 for anything else.
pub fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The token of an `Authorization: Bearer` header (RFC 6750). Its `Debug`
/// output hides the token.
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

/// The bearer token of a request: exactly one `Authorization` header, scheme
/// `Bearer` (any case), one token of visible ASCII characters.
pub fn bearer_token(headers: &HeaderMap) -> Result<BearerToken, Rejection> {
    let reject = |details: &str| Rejection::unauthorized(details).with_challenge("Bearer");
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(if headers.contains_key(header::AUTHORIZATION) {
            reject("more than one `Authorization` header")
        } else {
            reject("the `Authorization: Bearer <token>` header is missing")
        });
    };
    let Ok(value) = value.to_str() else {
        return Err(reject("the `Authorization` header is not visible ASCII"));
    };
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return Err(reject("the `Authorization` header is not `Bearer <token>`"));
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(reject("the `Authorization` header does not use the `Bearer` scheme"));
    }
    let token = token.trim_start_matches(' ');
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(reject("the bearer token is empty or contains spaces"));
    }
    Ok(BearerToken(token.to_owned()))
}

/// A parsed query string: every `key=value` pair, keys decoded, values still raw.
#[derive(Debug, Clone, Default)]
pub struct QueryString<'a> {
    pairs: Vec<(String, &'a str)>,
}

impl<'a> QueryString<'a> {
    /// Splits the query at `&` and each pair at its first `=`; empty pairs are skipped.
    pub fn parse(query: Option<&'a str>) -> Result<Self, Rejection> {
        let mut pairs = Vec::new();
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let Some(key) = decode_form(key) else {
                return Err(Rejection::new(Reason::BadRequest, "a query parameter name is not UTF-8"));
            };
            pairs.push((key.into_owned(), value));
        }
        Ok(QueryString { pairs })
    }

    /// The raw value of a parameter that takes one value; an error if it is repeated.
    pub fn single(&self, name: &str) -> Result<Option<&'a str>, Rejection> {
        let mut values = self.pairs.iter().filter(|(key, _)| key == name).map(|(_, value)| *value);
        match (values.next(), values.next()) {
            (Some(_), Some(_)) => Err(Rejection::invalid_parameter(name, "given more than once")),
            (value, _) => Ok(value),
        }
    }

    /// A `content: application/json` parameter: `name=<JSON>` as the spec
    /// says, or, when that is absent, `name[key]=value` entries (brackets
    /// literal or percent-encoded), read as a JSON object of strings: the
    /// form openapi-generator's TypeScript clients send objects in (the
    /// IPFS ecosystem's JS client sends `meta` so). Entries whose values are
    /// not strings in the schema are refused as the JSON would be.
    pub fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Rejection> {
        let mut entries = serde_json::Map::new();
        for (key, raw) in &self.pairs {
            let Some(inner) = bracketed(key, name) else { continue };
            let value = query_value(name, raw, |_, value| Ok(value.to_owned()))?;
            if entries.insert(inner.to_owned(), serde_json::Value::String(value)).is_some() {
                return Err(Rejection::invalid_parameter(&format!("{name}[{inner}]"), "given more than once"));
            }
        }
        match self.single(name)? {
            Some(_) if !entries.is_empty() => Err(Rejection::invalid_parameter(
                name,
                "given both as JSON and as `name[key]=value` entries",
            )),
            Some(raw) => query_value(name, raw, from_json_param).map(Some),
            None if entries.is_empty() => Ok(None),
            None => from_json_param(name, &serde_json::Value::Object(entries).to_string()).map(Some),
        }
    }

    /// Every raw value of a parameter that may repeat (an exploded array).
    pub fn all(&self, name: &str) -> Vec<&'a str> {
        self.pairs.iter().filter(|(key, _)| key == name).map(|(_, value)| *value).collect()
    }
}

/// `key` inside `name[key]` (a decoded query key), if it is that.
fn bracketed<'k>(key: &'k str, name: &str) -> Option<&'k str> {
    key.strip_prefix(name)?.strip_prefix('[')?.strip_suffix(']')
}

/// Percent-decodes a query component, `+` standing for a space; `None` if not UTF-8.
fn decode_form(raw: &str) -> Option<Cow<'_, str>> {
    let spaced: Cow<'_, str> = if raw.contains('+') { Cow::Owned(raw.replace('+', " ")) } else { Cow::Borrowed(raw) };
    let decoded = percent_encoding::percent_decode_str(&spaced).decode_utf8().ok()?;
    Some(Cow::Owned(decoded.into_owned()))
}

/// One query value: percent-decoded, then parsed by `parse`.
pub fn query_value<T>(
    name: &str,
    raw: &str,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<T, Rejection> {
    match decode_form(raw) {
        Some(value) => parse(name, &value),
        None => Err(Rejection::invalid_parameter(name, "not UTF-8 once percent-decoded")),
    }
}

/// A list in one query value (`form`, `spaceDelimited`, `pipeDelimited`,
/// `explode: false`): the value percent-decoded (`+` a space) first, then
/// split at `delimiter` (`,`, ` ` or `|`), each item parsed. Real clients
/// (Go's `net/url`, the JS client, oapi-codegen's runtime) encode the whole
/// joined value, so `queued%2Cpinning` is two items as `queued,pinning` is.
/// The cost: an item cannot contain the delimiter in any encoding (the
/// generated client refuses to send one). An empty value is an empty list.
pub fn query_list<T>(
    name: &str,
    raw: &str,
    delimiter: char,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<Vec<T>, Rejection> {
    let Some(value) = decode_form(raw) else {
        return Err(Rejection::invalid_parameter(name, "not UTF-8 once percent-decoded"));
    };
    if value.is_empty() {
        return Ok(Vec::new());
    }
    value.split(delimiter).map(|item| parse(name, item)).collect()
}

/// A list in a decoded path segment (`simple`: `a,b,c`); an empty segment is an empty list.
pub fn path_list<T>(
    name: &str,
    value: &str,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<Vec<T>, Rejection> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    value.split(',').map(|item| parse(name, item)).collect()
}

/// The path parameters axum matched, percent-decoded.
#[derive(Debug)]
pub struct PathParams(Vec<(String, String)>);

impl PathParams {
    pub async fn from_parts(parts: &mut Parts) -> Result<Self, Rejection> {
        match RawPathParams::from_request_parts(parts, &()).await {
            Ok(params) => Ok(PathParams(params.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())),
            Err(rejection) => Err(match rejection {
                axum::extract::rejection::RawPathParamsRejection::InvalidUtf8InPathParam(inner) => {
                    Rejection::new(Reason::InvalidParameter, inner.body_text())
                }
                other => Rejection::internal(other.body_text()),
            }),
        }
    }

    /// The operation's own parameters, when its route was named after
    /// another template of the same shape: each capture (by route name) is
    /// read along the operation's template for that segment, parameters
    /// separated by the first occurrence of the literal text after them (a
    /// literal that ends the segment is its suffix: `{name}.json` reads
    /// `a.json.json` as `a.json`).
    /// A segment that does not fit is `404` (`path` is the request's path).
    pub fn matched(&self, segments: &[(&str, &[PathPiece])], path: &str) -> Result<Self, Rejection> {
        let mut out = Vec::new();
        for (capture, pieces) in segments {
            let text = self.get(capture)?;
            let mut rest = text;
            for (i, piece) in pieces.iter().enumerate() {
                match piece {
                    PathPiece::Literal(literal) => {
                        rest = rest.strip_prefix(literal).ok_or_else(|| Rejection::not_found(path))?;
                    }
                    PathPiece::Param(name) => {
                        let end = match pieces.get(i + 1) {
                            // A literal that ends the segment: everything before it.
                            Some(PathPiece::Literal(last)) if i + 2 == pieces.len() => {
                                rest.strip_suffix(last).map(str::len).ok_or_else(|| Rejection::not_found(path))?
                            }
                            Some(PathPiece::Literal(next)) => {
                                // At least one character for the parameter.
                                let from = rest.chars().next().map_or(rest.len(), char::len_utf8);
                                rest[from..].find(next).map(|at| at + from).ok_or_else(|| Rejection::not_found(path))?
                            }
                            _ => rest.len(),
                        };
                        if end == 0 {
                            return Err(Rejection::not_found(path));
                        }
                        out.push(((*name).to_owned(), rest[..end].to_owned()));
                        rest = &rest[end..];
                    }
                }
            }
            if !rest.is_empty() {
                return Err(Rejection::not_found(path));
            }
        }
        Ok(PathParams(out))
    }

    /// The decoded value of the path parameter `name`.
    pub fn get(&self, name: &str) -> Result<&str, Rejection> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .ok_or_else(|| Rejection::internal(format!("the router matched no path parameter `{name}`")))
    }
}

/// A piece of an operation's template for one path segment (see
/// [`PathParams::matched`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPiece {
    /// Text that must appear as it is.
    Literal(&'static str),
    /// A parameter, by its name in the spec.
    Param(&'static str),
}

/// A value parsed from its text in a path segment, query or header: the
/// primitives of the spec (strings, integers, numbers, booleans, RFC 3339
/// date-times and dates).
pub trait FromParam: Sized {
    /// What a value of this type is, for error messages.
    const EXPECTED: &'static str;

    fn from_param(text: &str) -> Option<Self>;
}

impl FromParam for String {
    const EXPECTED: &'static str = "a string";

    fn from_param(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

impl FromParam for i32 {
    const EXPECTED: &'static str = "an integer (int32)";

    fn from_param(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl FromParam for i64 {
    const EXPECTED: &'static str = "an integer (int64)";

    fn from_param(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl FromParam for f32 {
    const EXPECTED: &'static str = "a number";

    fn from_param(text: &str) -> Option<Self> {
        text.parse::<f32>().ok().filter(|v| v.is_finite())
    }
}

impl FromParam for f64 {
    const EXPECTED: &'static str = "a number";

    fn from_param(text: &str) -> Option<Self> {
        text.parse::<f64>().ok().filter(|v| v.is_finite())
    }
}

impl FromParam for bool {
    const EXPECTED: &'static str = "`true` or `false`";

    fn from_param(text: &str) -> Option<Self> {
        match text {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

impl FromParam for chrono::DateTime<chrono::Utc> {
    const EXPECTED: &'static str = "an RFC 3339 date-time";

    fn from_param(text: &str) -> Option<Self> {
        chrono::DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&chrono::Utc))
    }
}

impl FromParam for chrono::NaiveDate {
    const EXPECTED: &'static str = "an RFC 3339 full-date";

    fn from_param(text: &str) -> Option<Self> {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    }
}

/// Parses a primitive parameter value.
pub fn from_param<T: FromParam>(name: &str, text: &str) -> Result<T, Rejection> {
    T::from_param(text).ok_or_else(|| Rejection::invalid_parameter(name, format!("`{text}` is not {}", T::EXPECTED)))
}

/// Parses a parameter value with `FromStr` (the spec's string enums).
pub fn from_str_param<T>(name: &str, text: &str) -> Result<T, Rejection>
where
    T: std::str::FromStr,
    T::Err: fmt::Display,
{
    text.parse().map_err(|error| Rejection::invalid_parameter(name, error))
}

/// Parses a parameter whose content is JSON (`content: application/json`).
pub fn from_json_param<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T, Rejection> {
    decode_json(text.as_bytes()).map_err(|error| Rejection::invalid_parameter(name, error))
}

/// Decodes one JSON document; the error names the path of the offending value.
fn decode_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        // `.` is the root; `?` a place serde could not name (a map key).
        if path == "." || path == "?" { error.inner().to_string() } else { format!("{path}: {}", error.inner()) }
    })?;
    deserializer.end().map_err(|error| error.to_string())?;
    Ok(value)
}

/// The body of a request, at most `limit` bytes (`413 PAYLOAD_TOO_LARGE` past
/// that, decided from `Content-Length` before reading when it is given).
pub async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, Rejection> {
    let too_large = || {
        Rejection::new(Reason::PayloadTooLarge, format!("the request body is larger than the limit of {limit} bytes"))
    };
    if let Some(length) = headers.get(header::CONTENT_LENGTH) {
        match length.to_str().ok().and_then(|l| l.parse::<u64>().ok()) {
            Some(length) if length > limit as u64 => return Err(too_large()),
            Some(_) => {}
            None => return Err(Rejection::new(Reason::BadRequest, "the `Content-Length` header is not a number")),
        }
    }
    let mut body = body;
    let mut buffer: Vec<u8> = Vec::new();
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|error| {
            Rejection::new(Reason::BadRequest, format!("the request body could not be read: {error}"))
        })?;
        if let Ok(data) = frame.into_data() {
            if buffer.len() + data.len() > limit {
                return Err(too_large());
            }
            buffer.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(buffer))
}

/// The media type of a `Content-Type` header value, without parameters, lowercased.
fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// Refuses a body whose `Content-Type` is missing or not one of `accepted` (`415`).
fn check_content_type(headers: &HeaderMap, accepted: &[&str]) -> Result<(), Rejection> {
    let expected = accepted.join(", ");
    let content_type = match headers.get(header::CONTENT_TYPE) {
        None => {
            return Err(Rejection::new(
                Reason::UnsupportedMediaType,
                format!("the `Content-Type` header is missing; expected {expected}"),
            ));
        }
        Some(value) => value.to_str().map(essence).unwrap_or_default(),
    };
    if !accepted.iter().any(|a| essence(a) == content_type) {
        return Err(Rejection::new(
            Reason::UnsupportedMediaType,
            format!("`Content-Type: {content_type}` is not accepted; expected {expected}"),
        ));
    }
    Ok(())
}

/// A JSON body of one of the `accepted` media types, decoded; `None` when the
/// body is empty. Fields the schema does not declare are ignored.
pub fn json_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    bytes: &[u8],
    accepted: &[&str],
) -> Result<Option<T>, Rejection> {
    if bytes.is_empty() {
        return Ok(None);
    }
    check_content_type(headers, accepted)?;
    decode_json(bytes).map(Some).map_err(Rejection::invalid_body)
}

/// A text body of one of the `accepted` media types (UTF-8); `None` when the body is empty.
pub fn text_body(headers: &HeaderMap, bytes: &[u8], accepted: &[&str]) -> Result<Option<String>, Rejection> {
    if bytes.is_empty() {
        return Ok(None);
    }
    check_content_type(headers, accepted)?;
    String::from_utf8(bytes.to_vec()).map(Some).map_err(|_| Rejection::invalid_body("the body is not UTF-8 text"))
}

/// A body of one of the `accepted` media types, as it came; `None` when it is empty.
pub fn bytes_body(headers: &HeaderMap, bytes: &[u8], accepted: &[&str]) -> Result<Option<Vec<u8>>, Rejection> {
    if bytes.is_empty() {
        return Ok(None);
    }
    check_content_type(headers, accepted)?;
    Ok(Some(bytes.to_vec()))
}

/// A response with `status` and `body` as JSON (`Content-Type: application/json`).
pub fn json_response<B: serde::Serialize>(status: StatusCode, body: &B) -> Response {
    json_response_as(status, body, "application/json")
}

/// A response with `status` and `body` as JSON, labelled with `media_type`.
pub fn json_response_as<B: serde::Serialize>(status: StatusCode, body: &B, media_type: &'static str) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media_type))], bytes).into_response(),
        // Only a map with non-string keys fails to serialize: a server bug.
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A response with `status` and `body` as it is, labelled with `media_type`.
pub fn raw_response(status: StatusCode, body: impl Into<Body>, media_type: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media_type))], body.into()).into_response()
}

/// Adds a documented response header (`name` lowercase). A value that cannot
/// be sent in a header is a bug of the server: the response becomes a `500`.
pub fn set_header(response: &mut Response, name: &'static str, value: String) {
    match HeaderValue::try_from(value) {
        Ok(value) => {
            response.headers_mut().append(header::HeaderName::from_static(name), value);
        }
        Err(_) => *response = StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// RFC 3339 with `Z` and as many fractional digits as needed (date-time headers).
pub fn date_time_text(value: &chrono::DateTime<chrono::Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A response with `status` and no body.
pub fn empty_response(status: StatusCode) -> Response {
    status.into_response()
}
