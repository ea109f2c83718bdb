//! The spec-independent part of the models, clients and servers that the
//! `generator` crate emits for an OpenAPI 3.0 document. Generated files hold
//! only what depends on their spec (types, and per operation a method and a
//! handler) and call this crate for everything else:
//!
//! - [`validation`] (always): [`validation::Violation`], the
//!   [`validation::Validate`] trait the generated models implement, and one
//!   check per constraint keyword of the spec;
//! - [`models`] (always): what the generated model types' `Deserialize`
//!   and string enum impls call (key matching, serde's errors);
//! - `client` (feature `client`): the reqwest client core: the builder,
//!   credentials and token providers, sending, an `Error` generic over the spec's error body, `Decoded`
//!   (lenient list decoding), and the encoders of every path, query, header
//!   and cookie style, form and multipart bodies;
//! - `server` (feature `server`): the axum server core: `Rejection` and its
//!   `Reason`s, the credentials of every security scheme, `RangeStatus`, the path, query, header and
//!   cookie readers, delimited, `deepObject` and union decoders, and the
//!   JSON, form, multipart and strict-JSON body readers.
//!
//! The feature `multipart` adds `multipart/form-data` bodies to both.
//!
//! Standalone crates made by `cargo xtask generate` carry a copy of this
//! crate (these source files unchanged) in their `openapi-runtime/`
//! directory and depend on it by path.

pub mod validation;

pub mod models;

#[cfg(feature = "client")]
pub mod client;

#[cfg(feature = "server")]
pub mod server;

/// The media type of a `Content-Type` header value, without parameters,
/// lowercased: what both the client and the server compare.
#[cfg(any(feature = "client", feature = "server"))]
pub(crate) fn media_type_essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}
