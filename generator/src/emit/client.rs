//! IR → the async HTTP client: a `Client` over reqwest (rustls with the ring
//! provider), one method per operation (it checks and encodes the request
//! and returns the runtime's `Call`, a future: no async code is generated), a typed query struct for the
//! optional parameters of each operation, and an error enum that keeps the
//! HTTP status.
//!
//! Everything on the wire is derived from the IR's facts, never from names:
//!
//! - path parameters (`style: simple`, scalar or a union of scalars) become
//!   one percent-encoded segment each; an empty value, `.` or `..` is
//!   refused before sending;
//! - query parameters with `style: form`, `spaceDelimited` or
//!   `pipeDelimited` are `name=value` for scalars; arrays are joined once
//!   (`explode: false`) with `,`, `%20` or a literal `|` (items of the last
//!   two cannot contain a space or `|`: refused before sending, as a server
//!   cannot tell them from the delimiter) or repeat the key (`explode:
//!   true`); a union sends the variant it holds as a scalar or an array
//!   would be; `deepObject` sends `name[key]=value` for each property of an
//!   object of scalars (optional ones when set) or entry of a map of
//!   scalars; `nullable` is dropped (a query cannot say `null`);
//!   `content: application/json` parameters are JSON, percent-encoded;
//!   date-times are RFC 3339; every name and value is percent-encoded except
//!   RFC 3986's unreserved characters;
//! - header parameters (`style: simple`) as they are, arrays joined with `,`
//!   (`explode` makes no difference); a value that cannot be sent as it is
//!   (control characters, CR/LF, non-ASCII, leading or trailing spaces, a
//!   list item with `,`) is an `Error::Validation` before anything is sent;
//!   they replace the client's default headers of the same name;
//! - cookie parameters (`style: form`) as `name=value` pairs in one `Cookie`
//!   header (`a=1; b=2`, after the client's default cookies), values
//!   percent-encoded except RFC 6265's cookie octets; arrays as `name=a,b`
//!   (`explode: false`);
//! - header parameters named `Accept`, `Content-Type` or `Authorization` are
//!   ignored, as OpenAPI 3.0.3 requires (lowering sets them apart); the
//!   method's docs say so;
//! - credentials per the operation's `security` (see `client/auth.rs`): API
//!   keys as a header, a query parameter (encoded like the others) or a
//!   cookie (joining the one `Cookie` header), `Authorization: Basic`,
//!   `Bearer` (HTTP bearer, OAuth2 and OpenID Connect tokens, the latter
//!   possibly from a token provider) or, for other HTTP schemes, the
//!   application's own `Authorization` value; the first alternative the
//!   client's `Credentials` satisfy, anonymous access last;
//! - an operation with `servers` of its own (or of its path item) goes to the
//!   first of them (variables at their defaults; a relative one under the
//!   base URL) unless `ClientBuilder::operation_server` replaces it;
//! - request bodies in their default media type: JSON (as the first
//!   documented JSON media type) when there is one, else the first: a form
//!   (`application/x-www-form-urlencoded`) or multipart
//!   (`multipart/form-data`) body (see `client/form_encoding.rs`), or a raw
//!   body (`&str` for `text/*`, `&[u8]` otherwise) sent as it is; a body of
//!   several media types also gets `{op}_with_body`, taking an
//!   `{Op}RequestBody` with a variant per media type (see
//!   [`crate::plan::bodies::options`]), which the operation's own method
//!   calls with the default one;
//! - any 2xx is a success and its body is read as the one body the spec's
//!   2xx responses document: JSON (the first JSON media type of a response
//!   with several) as its type, `text/*` as a `String`, any other media type
//!   as bytes, `()` when they document none (or document no 2xx at all:
//!   redirects are followed); when the 2xx responses' bodies differ, an
//!   enum `{Op}Success` with a variant per documented status; bodies of lists of named types are decoded
//!   item by item (see `Decoded`); error statuses the spec documents with a
//!   JSON body are decoded as that type (as a JSON value when the spec
//!   documents several error types). Response headers are not read.
//!
//! Required parameters are arguments (path parameters first, in template
//! order); optional ones are fields of the operation's `{Op}Query` struct,
//! whatever their location, each documented with how it is sent.
//!
//! Every decision above is made by [`crate::plan::client`], which refuses
//! what the client cannot express (`matrix` and `label` path styles,
//! objects in the query outside `deepObject` and JSON content, objects or
//! arrays inside a `deepObject`, untyped query values, objects and unions in
//! headers and cookies, `content` header and cookie parameters, cookie
//! arrays with `explode: true`, form bodies with nested values, multipart
//! media types other than `multipart/form-data`)
//! with an `Error::Unsupported` naming the place in the spec. This emitter
//! turns the plan into tokens and refuses nothing.

mod auth;
mod client_type;
mod exchange;
mod form_encoding;
mod method;
mod method_text;
mod query_struct;
mod wire;

use std::collections::BTreeSet;

use quote::quote;

use super::{FileText, describe_constraints, doc_lines, ident, rust_type, validate};
use crate::error::{Error, Result};
use crate::ir::{Api, Operation, Parameter, Primitive, Shape, StatusCode, Type};
use crate::plan::OperationNames;
use crate::plan::client::{
    BodyChoice, ClientBody, ClientOperation, ClientOption, ClientPlan, Encoding, PathPiece, Read, Success,
};
use crate::plan::delimiter::Delimiter;
use crate::plan::parameters::{ClientParameter, Deep, Scalar, Wire};
use crate::pointer::Pointer;
use exchange::*;
use method::*;
use method_text::Piece;
use wire::*;

/// Dependencies the generated client code uses (name, Cargo requirement),
/// added as optional dependencies behind the `client` feature of standalone
/// crates (the runtime's `multipart` feature adds reqwest's for APIs with
/// multipart bodies). The same requirements as the workspace's `ipfs-pinning-client`.
pub const DEPENDENCIES: &[(&str, &str)] = &[
    ("reqwest", r#"{ version = "0.13", default-features = false, features = ["rustls-no-provider"] }"#),
    ("rustls", r#"{ version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }"#),
];

/// The client file. `models` is the path of the models module as seen from
/// the generated file (`::ipfs_pinning_models` or `crate::models`); the
/// runtime is the workspace's `openapi-runtime` crate.
pub fn client(api: &Api, header: &str, models: &str) -> Result<String> {
    client_in(api, header, models, super::RUNTIME_CRATE)
}

/// [`client`] with the runtime at `runtime` (`crate::runtime` in a standalone crate).
pub fn client_in(api: &Api, header: &str, models: &str, runtime: &str) -> Result<String> {
    client_planned(api, &ClientPlan::new(api)?, header, models, runtime)
}

/// [`client_in`] from the client's plan of `api`, made before (`ApiPlan::client`).
pub fn client_planned(api: &Api, plan: &ClientPlan, header: &str, models: &str, runtime: &str) -> Result<String> {
    let paths = Pointer::root().join("paths");
    let rt = super::runtime_path(runtime, &paths)?;
    let text = format!("{models}::");
    let tokens = text
        .parse()
        .map_err(|e| Error::Emit { pointer: paths.clone(), message: format!("models path `{models}`: {e}") })?;
    let models_path = ModelsPath { tokens, text };
    let models = &models_path.tokens;
    let mut helpers = BTreeSet::new();
    let mut items = Vec::new();
    for (i, ((op, names), p)) in api.operations.iter().zip(&plan.names.operations).zip(&plan.operations).enumerate() {
        for piece in OpPlan::new(api, op, names, p, &models_path, &plan.security, i).pieces()? {
            match &piece {
                Piece::Text(text) => client_type::helpers_in_text(text, &mut helpers),
                Piece::Tokens(tokens) => client_type::helpers_in_tokens(tokens.clone(), &mut helpers),
            }
            items.push(piece);
        }
    }
    let imports = client_type::imports(&rt, &helpers);
    let client_type = client_type::tokens(
        &rt,
        &plan.security,
        plan.error_body.as_ref().map(|(ty, name)| (rust_type(ty, models), name.clone())),
    );
    let title = format!(" Client for {} {}.", api.title, api.version);
    let tokens = quote! {
        #![doc = #title]
        //!
        //! One method of [`Client`] per operation, returning a call to
        //! `.await`. Arguments are checked against the spec's constraints
        //! before anything is sent ([`Error::Validation`]); any 2xx is a
        //! success; error responses keep their status ([`Error`]).
        // A `{Op}Success` enum is as large as its largest documented body;
        // descriptions are the spec's own Markdown. Each method checks and
        // encodes its request in a closure called at once (for `?`).
        #![allow(clippy::large_enum_variant, clippy::doc_lazy_continuation, clippy::redundant_closure_call)]
        #imports
        #client_type
    };
    let mut file = FileText::new(header);
    file.tokens(tokens, &paths)?;
    for piece in items {
        match piece {
            Piece::Text(text) => file.text(&text),
            Piece::Tokens(tokens) => file.tokens(tokens, &paths)?,
        }
    }
    Ok(file.finish())
}
