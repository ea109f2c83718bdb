//! [`Error`]: why a call failed, generic over the spec's error body.

use std::fmt;

use reqwest::StatusCode;

use super::super::validation::Violations;
use super::{Api, MAX_BODY_BYTES, Response};

/// Why a call failed. Every variant that comes from a response keeps its
/// HTTP status; nothing a server sends makes the client panic. `A` is the
/// generated client, which names the spec's error body ([`Api::ErrorBody`]).
#[non_exhaustive]
pub enum Error<A: Api> {
    /// The arguments break constraints the spec states; nothing was sent.
    Validation(Violations),
    /// The client's settings cannot be used (base URL, token, headers).
    InvalidConfig(String),
    /// The operation requires credentials the client does not have: no
    /// alternative of its `security` can be satisfied (each alternative as
    /// the names of its schemes, all needed together). Nothing was sent.
    MissingCredentials { alternatives: Vec<Vec<&'static str>> },
    /// The token provider of an OAuth2 or OpenID Connect scheme failed.
    /// Nothing was sent.
    TokenProvider(super::BoxError),
    /// The request body could not be serialized as JSON.
    Encode(serde_json::Error),
    /// No complete response within the timeout.
    Timeout(reqwest::Error),
    /// The request could not be sent or the response not read
    /// (connection refused or reset, TLS, DNS, ...).
    Transport(reqwest::Error),
    /// The server answered with an error status the spec documents, and a
    /// body of the spec's error type ([`Api::ERROR_BODY`]).
    Api { status: StatusCode, body: A::ErrorBody },
    /// A status that is not a success, with a body that is not what the
    /// spec documents for it (an HTML error page, truncated or empty JSON,
    /// another content type, or a status the spec does not document).
    UnexpectedResponse {
        status: StatusCode,
        content_type: Option<String>,
        /// The start of the body (at most [`SNIPPET_BYTES`](super::SNIPPET_BYTES), lossy UTF-8).
        snippet: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A success status whose body is not what the spec documents for it.
    Decode {
        status: StatusCode,
        content_type: Option<String>,
        /// The start of the body (at most [`SNIPPET_BYTES`](super::SNIPPET_BYTES), lossy UTF-8).
        snippet: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl<A: Api> Error<A> {
    /// The HTTP status of the response this error comes from, if any.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } | Error::UnexpectedResponse { status, .. } | Error::Decode { status, .. } => {
                Some(*status)
            }
            Error::Timeout(e) | Error::Transport(e) => e.status(),
            Error::Validation(_)
            | Error::InvalidConfig(_)
            | Error::MissingCredentials { .. }
            | Error::TokenProvider(_)
            | Error::Encode(_) => None,
        }
    }

    /// [`Error::Timeout`] or [`Error::Transport`].
    pub fn from_reqwest(e: reqwest::Error) -> Self {
        if e.is_timeout() { Error::Timeout(e) } else { Error::Transport(e) }
    }

    /// The error for a response whose status is not a success; `documented`:
    /// the spec documents a JSON error body for this status.
    pub fn from_failure(raw: Response<A>, documented: bool) -> Self {
        if raw.too_large {
            return raw.unexpected(format!("the body is larger than {MAX_BODY_BYTES} bytes"));
        }
        if !documented {
            return raw.unexpected("the spec documents no body for this status".to_owned());
        }
        if let Some(problem) = raw.content_type_problem() {
            return raw.unexpected(problem);
        }
        match serde_json::from_slice::<A::ErrorBody>(&raw.body) {
            Ok(body) => Error::Api { status: raw.status, body },
            Err(e) => raw.unexpected(format!("the body is not a `{}`: {e}", A::ERROR_BODY)),
        }
    }
}

impl<A: Api> fmt::Debug for Error<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(v) => f.debug_tuple("Validation").field(v).finish(),
            Error::InvalidConfig(m) => f.debug_tuple("InvalidConfig").field(m).finish(),
            Error::MissingCredentials { alternatives } => {
                f.debug_struct("MissingCredentials").field("alternatives", alternatives).finish()
            }
            Error::TokenProvider(e) => f.debug_tuple("TokenProvider").field(e).finish(),
            Error::Encode(e) => f.debug_tuple("Encode").field(e).finish(),
            Error::Timeout(e) => f.debug_tuple("Timeout").field(e).finish(),
            Error::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            Error::Api { status, body } => f.debug_struct("Api").field("status", status).field("body", body).finish(),
            Error::UnexpectedResponse { status, content_type, snippet, reason } => f
                .debug_struct("UnexpectedResponse")
                .field("status", status)
                .field("content_type", content_type)
                .field("snippet", snippet)
                .field("reason", reason)
                .finish(),
            Error::Decode { status, content_type, snippet, reason } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("content_type", content_type)
                .field("snippet", snippet)
                .field("reason", reason)
                .finish(),
        }
    }
}

impl<A: Api> fmt::Display for Error<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(violations) => write!(f, "invalid request, not sent: {violations}"),
            Error::InvalidConfig(message) => write!(f, "invalid client settings: {message}"),
            Error::MissingCredentials { alternatives } => {
                let alternatives: Vec<String> = alternatives
                    .iter()
                    .map(|all| all.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(" and "))
                    .collect();
                write!(f, "no credentials for this operation, not sent: it needs {}", alternatives.join(", or "))
            }
            Error::TokenProvider(e) => write!(f, "the token provider failed, not sent: {e}"),
            Error::Encode(e) => write!(f, "the request body cannot be encoded as JSON: {e}"),
            Error::Timeout(e) => write!(f, "no complete response in time: {e}"),
            Error::Transport(e) => write!(f, "the request failed: {e}"),
            Error::Api { status, body } => {
                let body = serde_json::to_string(body).unwrap_or_default();
                write!(f, "the server answered {status}: {body}")
            }
            Error::UnexpectedResponse { status, content_type, snippet, reason } => {
                let content_type = content_type.as_deref().unwrap_or("no content type");
                write!(f, "the server answered {status} ({content_type}): {reason}; body starts: {snippet:?}")
            }
            Error::Decode { status, content_type, snippet, reason } => {
                let content_type = content_type.as_deref().unwrap_or("no content type");
                write!(
                    f,
                    "the server answered {status} ({content_type}) with a body that cannot be decoded: {reason}; body starts: {snippet:?}"
                )
            }
        }
    }
}

impl<A: Api> std::error::Error for Error<A> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(e) => Some(e),
            Error::Encode(e) => Some(e),
            Error::TokenProvider(e) => Some(e.as_ref()),
            Error::Timeout(e) | Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

impl<A: Api> From<Violations> for Error<A> {
    fn from(violations: Violations) -> Self {
        Error::Validation(violations)
    }
}
