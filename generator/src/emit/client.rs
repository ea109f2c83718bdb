//! IR → the async HTTP client: a `Client` over reqwest (rustls with the ring
//! provider), one async method per operation, a typed query struct for the
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
//! - JSON request bodies with `Content-Type: application/json`; without a
//!   JSON media type, a form (`application/x-www-form-urlencoded`) or
//!   multipart (`multipart/form-data`) body when the first documented media
//!   type is one (see `client/form_encoding.rs`), else a raw body (`&str` for
//!   `text/*`, `&[u8]` otherwise) sent as it is with the first documented
//!   media type;
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
//! What the emitter cannot express (`matrix` and `label` path styles,
//! objects in the query outside `deepObject` and JSON content, objects or
//! arrays inside a `deepObject`, untyped query values, objects and unions in
//! headers and cookies, `content` header and cookie parameters, cookie
//! arrays with `explode: true`, form bodies with nested values, multipart
//! media types other than `multipart/form-data`) is an
//! [`Error::Unsupported`] naming the place in the spec.

mod auth;
mod client_type;
mod exchange;
mod form_encoding;
mod method;
mod wire;

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::delimiter::Delimiter;
use super::{describe_constraints, doc_lines, format, ident, rust_type, validate};
use crate::error::{Error, Result};
use crate::ir::{
    Api, Content, Location, Operation, Parameter, ParameterEncoding, Primitive, Response, Shape, StatusCode, Style,
    Type, TypeKind, is_json,
};
use crate::plan::security::Security;
use crate::pointer::Pointer;
use exchange::*;
use method::*;
use wire::*;

/// Dependencies the generated client code uses (name, Cargo requirement),
/// added as optional dependencies behind the `client` feature of standalone
/// crates (the runtime's `multipart` feature adds reqwest's for APIs with
/// multipart bodies). The same requirements as the workspace's `ipfs-pinning-client`.
pub const DEPENDENCIES: &[(&str, &str)] = &[
    ("reqwest", r#"{ version = "0.13", default-features = false, features = ["rustls-no-provider"] }"#),
    ("rustls", r#"{ version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }"#),
];

/// Method names the client itself uses.
const RESERVED_METHODS: &[&str] = &["new", "builder", "base_url", "send"];

/// The client file. `models` is the path of the models module as seen from
/// the generated file (`::ipfs_pinning_models` or `crate::models`); the
/// runtime is the workspace's `openapi-runtime` crate.
pub fn client(api: &Api, header: &str, models: &str) -> Result<String> {
    client_in(api, header, models, super::RUNTIME_CRATE)
}

/// [`client`] with the runtime at `runtime` (`crate::runtime` in a standalone crate).
pub fn client_in(api: &Api, header: &str, models: &str, runtime: &str) -> Result<String> {
    let paths = Pointer::root().join("paths");
    let rt = super::runtime_path(runtime, &paths)?;
    let models: TokenStream = format!("{models}::")
        .parse()
        .map_err(|e| Error::Emit { pointer: paths.clone(), message: format!("models path `{models}`: {e}") })?;
    let error_body = error_body(api)?;
    let security = Security::plan(api)?;
    let plans = api
        .operations
        .iter()
        .map(|op| OpPlan::new(api, op, &models, error_body.as_ref().map(|(t, _)| t), &security))
        .collect::<Result<Vec<_>>>()?;
    let items = plans.iter().map(OpPlan::emit).collect::<Result<Vec<_>>>()?;
    let imports = client_type::imports(&rt, &items);
    let client_type = client_type::tokens(&rt, &security, error_body.map(|(ty, name)| (rust_type(&ty, &models), name)));
    let title = format!(" Client for {} {}.", api.title, api.version);
    let tokens = quote! {
        #![doc = #title]
        //!
        //! One async method of [`Client`] per operation. Arguments are checked
        //! against the spec's constraints before anything is sent
        //! ([`Error::Validation`]); any 2xx is a success; error responses keep
        //! their status ([`Error`]).
        // A `{Op}Success` enum is as large as its largest documented body;
        // descriptions are the spec's own Markdown.
        #![allow(clippy::large_enum_variant, clippy::doc_lazy_continuation)]
        #imports
        #client_type
        #(#items)*
    };
    format(header, tokens, &paths)
}

/// The one type of every JSON error body the spec documents, with a name for
/// messages; the JSON value itself when the spec documents several types
/// (`Error::Api`'s body is then a `serde_json::Value` to decode further).
fn error_body(api: &Api) -> Result<Option<(Type, String)>> {
    let mut found: Option<(Type, String)> = None;
    for op in &api.operations {
        for response in op.responses.iter().filter(|r| !is_success(r.status)) {
            let Some(body) = json_body(response)? else { continue };
            let ty = body.unwrap_or_else(|| Type::new(Shape::Any));
            let key = Type { constraints: Default::default(), default: None, ..ty.clone() };
            match &found {
                None => {
                    let name = ty.named().map(str::to_owned).unwrap_or_else(|| "JSON value".to_owned());
                    found = Some((key, name));
                }
                Some((known, _)) if *known == key => {}
                Some(_) => return Ok(Some((Type::new(Shape::Any), "JSON value".to_owned()))),
            }
        }
    }
    Ok(found)
}

/// The client's refusal of `api` as a whole, if it refuses it: what
/// [`client`] would fail with, decided without writing the file (every
/// refusal is made while planning the operations).
pub fn check(api: &Api) -> Result<()> {
    let models = quote!(crate::models::);
    let error_body = error_body(api)?;
    let security = Security::plan(api)?;
    for op in &api.operations {
        OpPlan::new(api, op, &models, error_body.as_ref().map(|(t, _)| t), &security)?;
    }
    Ok(())
}

/// The operations this emitter cannot express, by index, with the reason
/// (see [`crate::skip`]).
pub fn refusals(api: &Api) -> Result<Vec<(usize, Error)>> {
    let models = quote!(crate::models::);
    let error_body = error_body(api)?;
    let security = Security::plan(api)?;
    let mut refused = Vec::new();
    for (i, op) in api.operations.iter().enumerate() {
        match OpPlan::new(api, op, &models, error_body.as_ref().map(|(t, _)| t), &security) {
            Ok(_) => {}
            Err(error @ Error::Unsupported { .. }) => refused.push((i, error)),
            Err(error) => return Err(error),
        }
    }
    Ok(refused)
}

fn is_success(status: StatusCode) -> bool {
    match status {
        StatusCode::Exact(code) => (200..300).contains(&code),
        StatusCode::Range(digit) => digit == 2,
        StatusCode::Default => false,
    }
}

/// The JSON content of a list of media types: `None` when there is no
/// content at all, `Some(None)` for JSON without a schema.
fn json_content(content: &[Content], at: &Pointer) -> Result<Option<Option<Type>>> {
    if content.is_empty() {
        return Ok(None);
    }
    match content.iter().find(|c| is_json(&c.media_type)) {
        Some(c) => Ok(Some(c.ty.clone())),
        None => {
            let types: Vec<&str> = content.iter().map(|c| c.media_type.as_str()).collect();
            Err(Error::unsupported(&at.join("content"), format!("bodies that are not JSON ({})", types.join(", "))))
        }
    }
}
