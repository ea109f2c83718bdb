//! Why a command failed, and its exit code: 1 when it failed at the service
//! or on the way (transport, a `failed` pin, a timeout), 2 for bad usage or
//! configuration (clap's own usage errors exit 2 too).

use std::fmt;
use std::process::ExitCode;

use ipfs_pinning_client::Error as ClientError;

/// A failed command: what to print on stderr, and how to exit.
#[derive(Debug)]
pub struct Failure {
    kind: Kind,
    message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Exit 1.
    Remote,
    /// Exit 2.
    Usage,
}

impl Failure {
    /// Failed at the service or on the way (exit 1).
    pub fn remote(message: impl Into<String>) -> Failure {
        Failure { kind: Kind::Remote, message: message.into() }
    }

    /// Bad usage or configuration (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure { kind: Kind::Usage, message: message.into() }
    }

    /// A client error while doing `what`: the service's `Failure` reason and
    /// details, or the transport error. Arguments the client refused before
    /// sending (constraints of the spec) and unusable settings are usage
    /// errors; everything else happened at the service or on the way.
    pub fn client(what: &str, error: ClientError) -> Failure {
        let message = format!("{what}: {}", describe(&error));
        match error {
            ClientError::Validation(_) | ClientError::InvalidConfig(_) => Failure::usage(message),
            _ => Failure::remote(message),
        }
    }

    /// 1 or 2.
    pub fn code(&self) -> u8 {
        match self.kind {
            Kind::Remote => 1,
            Kind::Usage => 2,
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A client error in words: `the service answered 401 Unauthorized:
/// UNAUTHORIZED (details)` for a `Failure` body, the error and its causes
/// otherwise (reqwest keeps the useful part, "connection refused", in its
/// sources).
pub fn describe(error: &ClientError) -> String {
    match error {
        ClientError::Api { status, body } => {
            let mut text = format!("the service answered {status}: {}", body.error.reason);
            if let Some(details) = body.error.details.as_deref().filter(|d| !d.is_empty()) {
                text.push_str(&format!(" ({details})"));
            }
            text
        }
        ClientError::Validation(violations) => format!("not sent, the request is invalid: {violations}"),
        other => {
            let mut text = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(cause) = source {
                let cause_text = cause.to_string();
                if !text.contains(&cause_text) {
                    text.push_str(&format!(": {cause_text}"));
                }
                source = cause.source();
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipfs_pinning_client::models::{Failure as Body, FailureError};

    #[test]
    fn a_failure_body_shows_reason_and_details() {
        let error = ClientError::Api {
            status: reqwest_status(401),
            body: Body {
                error: FailureError { reason: "UNAUTHORIZED".into(), details: Some("the token is wrong".into()) },
            },
        };
        let failure = Failure::client("listing pins", error);
        assert_eq!(
            failure.to_string(),
            "listing pins: the service answered 401 Unauthorized: UNAUTHORIZED (the token is wrong)"
        );
        assert_eq!(failure.code(), 1);
    }

    #[test]
    fn refused_settings_are_usage_errors() {
        let failure = Failure::client("x", ClientError::InvalidConfig("bad URL".into()));
        assert_eq!(failure.code(), 2);
    }

    fn reqwest_status(code: u16) -> http::StatusCode {
        http::StatusCode::from_u16(code).unwrap()
    }
}
