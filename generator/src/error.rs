//! The generator's one error type. Every variant names the place in the spec.

use crate::pointer::Pointer;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The text is not YAML or JSON.
    #[error("{pointer}: the spec is not valid YAML or JSON (line {line}, column {column}): {message}")]
    Syntax { pointer: Pointer, line: usize, column: usize, message: String },

    /// The document is YAML/JSON but not a well-formed OpenAPI 3.0 document.
    #[error("{pointer}: {message}")]
    Malformed { pointer: Pointer, message: String },

    /// A `$ref` that points nowhere in the document, or at the wrong kind of object.
    #[error("{pointer}: the reference `{reference}` {problem}")]
    Reference { pointer: Pointer, reference: String, problem: String },

    /// Valid OpenAPI the generator cannot express yet.
    #[error("{pointer}: not supported yet: {message}")]
    Unsupported { pointer: Pointer, message: String },

    /// Two things that need distinct Rust names would get the same one.
    #[error("{pointer}: {what} `{name}` collides with the one at {other}")]
    Collision { pointer: Pointer, what: &'static str, name: String, other: Pointer },

    /// The generator made tokens it could not format: a bug in the generator.
    #[error("{pointer}: internal error while emitting Rust code: {message}")]
    Emit { pointer: Pointer, message: String },
}

impl Error {
    /// Where in the spec the problem is.
    pub fn pointer(&self) -> &Pointer {
        match self {
            Error::Syntax { pointer, .. }
            | Error::Malformed { pointer, .. }
            | Error::Reference { pointer, .. }
            | Error::Unsupported { pointer, .. }
            | Error::Collision { pointer, .. }
            | Error::Emit { pointer, .. } => pointer,
        }
    }

    pub(crate) fn malformed(pointer: &Pointer, message: impl Into<String>) -> Self {
        Error::Malformed { pointer: pointer.clone(), message: message.into() }
    }

    pub(crate) fn unsupported(pointer: &Pointer, message: impl Into<String>) -> Self {
        Error::Unsupported { pointer: pointer.clone(), message: message.into() }
    }
}

/// Something the generator approximated instead of refusing: the spec says
/// more than the generated Rust types can, so a faithful but less precise
/// form was generated (the wire stays exact). `generate` and `codegen`
/// print warnings; `--deny-warnings` makes them errors.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Warning {
    /// Where in the spec the approximated construct is.
    pub pointer: Pointer,
    /// What was approximated, and how.
    pub message: String,
}

impl Warning {
    pub fn new(pointer: &Pointer, message: impl Into<String>) -> Self {
        Warning { pointer: pointer.clone(), message: message.into() }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}
