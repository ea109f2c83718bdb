//! The spec-independent part of a generated server: rejections and their
//! machine-readable reasons, the credentials of every security scheme, status codes checked to lie in a
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
//! | `FORBIDDEN` | 403 | an authentication hook refused the credentials it authenticated |
//! | `NOT_FOUND` | 404 | no operation has this path |
//! | `METHOD_NOT_ALLOWED` | 405 | the path exists, the method does not (the `Allow` header lists the ones that do) |
//! | `INTERNAL_SERVER_ERROR` | 500 | a fault of the server itself, never of the request |

//! The generated server refers to this module as its `runtime` (`pub use`
//! of it), so everything is at this module's top level.

mod auth;
mod bodies;
mod form_body;
mod header_params;
#[cfg(feature = "multipart")]
mod multipart_body;
mod params;
mod path_templates;
mod query_styles;

use std::fmt;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub use auth::*;
pub use bodies::*;
pub use form_body::*;
pub use header_params::*;
#[cfg(feature = "multipart")]
pub use multipart_body::*;
pub use params::*;
pub use path_templates::*;
pub use query_styles::*;

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
    /// `FORBIDDEN`: credentials the authentication hook refused access.
    Forbidden,
    /// `NOT_FOUND`: no operation has this path.
    NotFound,
    /// `METHOD_NOT_ALLOWED`: the path exists, the method does not.
    MethodNotAllowed,
    /// `INTERNAL_SERVER_ERROR`: a fault of the server, not of the request.
    InternalServerError,
}

impl Reason {
    /// Every reason, in the order of the table above.
    pub const ALL: [Reason; 10] = [
        Reason::BadRequest,
        Reason::InvalidParameter,
        Reason::InvalidBody,
        Reason::UnsupportedMediaType,
        Reason::PayloadTooLarge,
        Reason::Unauthorized,
        Reason::Forbidden,
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
            Reason::Forbidden => "FORBIDDEN",
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
            Reason::Forbidden => StatusCode::FORBIDDEN,
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
    /// `WWW-Authenticate` challenges of a `401`.
    challenges: Vec<&'static str>,
}

impl Rejection {
    /// A rejection with this reason and details (the status follows from the reason).
    pub fn new(reason: Reason, details: impl Into<String>) -> Self {
        Rejection { reason, details: details.into(), challenges: Vec::new() }
    }

    /// `401 UNAUTHORIZED`: what an authentication hook returns for a token it does not accept.
    pub fn unauthorized(details: impl Into<String>) -> Self {
        Rejection::new(Reason::Unauthorized, details)
    }

    /// `403 FORBIDDEN`: what an authentication hook returns for a caller it
    /// knows but does not let in (the operation is not called).
    pub fn forbidden(details: impl Into<String>) -> Self {
        Rejection::new(Reason::Forbidden, details)
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
    pub fn with_challenge(self, challenge: &'static str) -> Self {
        self.with_challenges(&[challenge])
    }

    /// The same rejection, answered with one `WWW-Authenticate` header per
    /// challenge (those it has already kept) if it is a `401`.
    pub fn with_challenges(mut self, challenges: &[&'static str]) -> Self {
        if self.reason == Reason::Unauthorized {
            for challenge in challenges {
                if !self.challenges.contains(challenge) {
                    self.challenges.push(challenge);
                }
            }
        }
        self
    }

    /// The `WWW-Authenticate` challenges it is answered with.
    pub fn challenges(&self) -> &[&'static str] {
        &self.challenges
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

    /// The response: this rejection's status, `body` as JSON, and a
    /// `WWW-Authenticate` header per challenge.
    pub fn into_response_with<B: serde::Serialize>(self, body: &B) -> Response {
        let mut response = json_response(self.status(), body);
        for challenge in self.challenges {
            if let Ok(value) = HeaderValue::from_str(challenge) {
                response.headers_mut().append(header::WWW_AUTHENTICATE, value);
            }
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
