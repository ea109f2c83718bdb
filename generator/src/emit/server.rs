//! IR → an axum server: one trait for the API, a typed query struct and a
//! response enum per operation, and `router(api)`, which does every piece of
//! HTTP work (authentication, decoding, constraint checks, error bodies)
//! before the trait is called.
//!
//! What is emitted, per the IR's facts and never per the spec's names:
//!
//! - `trait Api`: one `fn ... -> impl Future<Output = Response> + Send` per
//!   operation, taking the caller (when the operation has security), the
//!   path parameters in template order, the query struct (when it has query
//!   parameters), the `{Op}Headers` struct (when it has header or cookie
//!   parameters, see [`headers`]) and the body (when it has one); one authentication hook per
//!   security scheme in use, taking what the request presented for it
//!   (see `server/auth.rs`); and `rejection`, which turns a [`runtime`]
//!   rejection into the spec's error body (provided when the schema of the
//!   spec's bad-request response can be filled mechanically, see
//!   [`error_body`]).
//! - A response enum per operation: a variant per documented status, named
//!   after the status's standard reason phrase (`Ok`, `BadRequest`), ranges
//!   carrying a status checked to lie in the range (`ClientError(ClientErrorStatus, _)`),
//!   `default` carrying any status, then the body (JSON, text or bytes, or
//!   an enum of the media types when they differ) and a struct of the
//!   documented headers (see `server/responses.rs`).
//! - The router: a handler per operation that authenticates (the first of
//!   the operation's security alternatives the request presents completely,
//!   anonymous access last; else `401` with a `WWW-Authenticate` challenge
//!   per HTTP scheme), decodes path,
//!   query, header and cookie parameters per their style (`form`,
//!   `spaceDelimited`, `pipeDelimited`, `deepObject`, `simple`; `explode`;
//!   unions tried variant by variant; `nullable` ignored, see
//!   `server/params.rs`) or content (JSON), applies defaults, reads and
//!   decodes the body within the size limit (JSON; form and multipart bodies
//!   field by field, see `server/form_decoding.rs`; `text/*` as a `String`;
//!   other media types as bytes; a body of several media types as the
//!   variant of `{Op}RequestBody` its `Content-Type` names, ranges matched
//!   as RFC 9110 says, none read as the first, others `415`), runs every constraint check of the spec, and only then calls the
//!   trait; fallbacks for unknown paths (404) and methods (405). One route
//!   serves each path shape, so templates that differ only in parameter
//!   names, and parameters inside a segment, are routed too; several
//!   operations of one method on a shape are tried in the plan's order by a
//!   dispatcher (see `plan::routes`).
//! - JSON bodies whose schema (or a schema inside it) says
//!   `additionalProperties: false` are checked for unknown fields as JSON
//!   values before they are decoded (`server/strict.rs`): the models stay
//!   lenient for clients. Unknown fields are otherwise ignored, as JSON
//!   Schema allows.
//!
//! Header parameters named `Accept`, `Content-Type` or `Authorization` are
//! ignored, as OpenAPI 3.0.3 requires (lowering sets them apart); the trait
//! method's docs say so.
//!
//! Every decision is made by [`crate::plan::server`], which refuses what
//! the server cannot express yet with an `Error::Unsupported` at the spec's
//! pointer (this emitter turns the plan into tokens and refuses nothing): `matrix` and `label` path styles, objects outside JSON
//! content and `deepObject`, `content` header and cookie parameters, cookie
//! arrays with `explode: true`, unions in headers and cookies, form bodies
//! with nested values, and a multipart media type other than
//! `multipart/form-data` as a body's only one.
//!
//! [`runtime`]: the spec-independent part (`server/runtime.rs`), embedded
//! into every server file as its `runtime` module.

mod auth;
mod deep_object;
mod error_body;
mod form_decoding;
mod handler;
mod handler_text;
mod headers;
mod params;
mod query_text;
mod response_text;
mod responses;
mod router;
mod router_text;
mod strict;
mod trait_text;
mod union_params;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{FileText, doc_lines, doc_text, ident, rust_type};
use crate::error::{Error, Result};
use crate::ir::{Api, Operation, StatusCode, Type};
use crate::plan::OperationNames;
use crate::plan::security::Security;
use crate::pointer::Pointer;

use self::auth::AuthPlan;
use self::error_body::ErrorBody;
use self::form_decoding::FormPlan;
use self::params::ParamPlan;
use self::strict::Strict;
use crate::plan::decoding::ServerParameter;
use crate::plan::responses::Variant;
use crate::plan::routes::{PathMatch, Piece, Route};
use crate::plan::server::{self as plan, ServerOperation, ServerPlan};
use handler::*;
use router::*;

/// Dependencies the generated server code uses (name, Cargo requirement),
/// added as optional dependencies behind the `server` feature of standalone
/// crates (the runtime's `multipart` feature adds axum's for APIs with
/// multipart bodies).
pub const DEPENDENCIES: &[(&str, &str)] = &[
    ("axum", r#""0.8""#),
    ("base64", r#""0.22""#),
    ("percent-encoding", r#""2""#),
    ("serde_path_to_error", r#""0.1""#),
];

/// The server file. `models` is the path of the models module as seen from
/// the generated file (`::ipfs_pinning_models` or `crate::models`); the
/// runtime is the workspace's `openapi-runtime` crate.
pub fn server(api: &Api, header: &str, models: &str) -> Result<String> {
    server_in(api, header, models, super::RUNTIME_CRATE)
}

/// [`server`] with the runtime at `runtime` (`crate::runtime` in a standalone crate).
pub fn server_in(api: &Api, header: &str, models: &str, runtime: &str) -> Result<String> {
    server_planned(api, &ServerPlan::new(api)?, header, models, runtime)
}

/// [`server_in`] from the server's plan of `api`, made before (`ApiPlan::server`).
pub fn server_planned(api: &Api, plan: &ServerPlan, header: &str, models: &str, runtime: &str) -> Result<String> {
    Ok(emit(api, plan, header, models, runtime, true)?.0)
}

/// [`server_in`], with the regular items written as text (`text`: see
/// `server/response_text.rs`, `server/handler_text.rs`) or all quoted (the
/// tests compare both); with the number of items written as text.
fn emit(
    api: &Api,
    plan: &ServerPlan,
    header: &str,
    models: &str,
    runtime: &str,
    text: bool,
) -> Result<(String, usize)> {
    let paths = Pointer::root().join("paths");
    let rt = super::runtime_path(runtime, &paths)?;
    let m: TokenStream = format!("{models}::")
        .parse()
        .map_err(|e| Error::Emit { pointer: paths.clone(), message: format!("models path `{models}`: {e}") })?;
    let Plan { error, security, ops, routes } = Plan::new(api, plan, &m);

    let mut strict = Strict::default();
    let checkers: Vec<Vec<Option<TokenStream>>> = ops
        .iter()
        .map(|op| {
            let options = op.body.iter().flat_map(|b| &b.options);
            options
                .map(|o| match o.kind {
                    BodyKind::Json { strict: true } => Some(strict.body_checker(api, &o.ty, &m)),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let auth_functions = auth::functions(security);
    let title = format!(" Server for {} {}.", api.title, api.version);
    let mut file = FileText::new(header);
    file.tokens(
        quote! {
            #![doc = #title]
            #![doc = ""]
            #![doc = " Implement [`Api`], then serve [`router`]: every request is authenticated, decoded and"]
            #![doc = " checked against the spec before a method of the trait is called, and every bad"]
            #![doc = " request is answered with the spec's error body (see [`runtime`] for the reasons)."]
            // Response enums are as large as their largest documented body (boxing
            // it would change the API the spec describes); descriptions are the
            // spec's own Markdown.
            #![allow(clippy::too_many_arguments, clippy::large_enum_variant, clippy::doc_lazy_continuation)]

            pub use self::runtime::{
                ApiKey, AuthorizationValue, BasicCredentials, BearerToken, ClientErrorStatus, Config, InformationalStatus, RangeStatus, Reason, RedirectionStatus,
                Rejection, ServerErrorStatus, StatusOutOfRange, SuccessStatus,
            };
        },
        &paths,
    )?;
    let models_text = m.to_string().replace(' ', "");
    let mut texts = 0;
    if text {
        let (api_trait, methods) = trait_text::api_trait(api, &ops, &error, security, &models_text, &paths)?;
        file.text(&api_trait);
        texts += methods;
    } else {
        file.tokens(api_trait(api, &ops, &error, security), &paths)?;
    }
    // Item by item, so that the whole file's syntax tree never exists at once.
    for (op, checkers) in ops.iter().zip(&checkers) {
        texts += op.items(api, checkers, &mut file, &paths, text)?;
    }
    let strict_items = strict.items(api, &m);
    let Routing { router, routes, rest } = router(&ops, &routes, &error)?;
    file.tokens(quote!(#strict_items #router), &paths)?;
    let with_config = text.then(|| router_text::with_config(&routes)).flatten();
    texts += usize::from(with_config.is_some());
    file.text_or_tokens(with_config, || self::router::with_config(&routes), &paths)?;
    file.tokens(
        quote! {
            #rest
            #auth_functions

            /// The spec-independent part of the server (rejections and their
            /// reasons, parameter and body readers), from the runtime crate.
            pub use #rt server as runtime;
        },
        &paths,
    )?;
    Ok((file.finish(), texts))
}

/// The server's plan with the tokens its pieces need: the error body, the
/// authentication hooks, each operation's handler plan and the routes.
struct Plan<'a> {
    error: ErrorBody,
    security: &'a Security,
    ops: Vec<OpPlan<'a>>,
    routes: Vec<Route>,
}

impl<'a> Plan<'a> {
    fn new(api: &'a Api, plan: &'a ServerPlan, m: &TokenStream) -> Self {
        let ops = api
            .operations
            .iter()
            .zip(&plan.names.operations)
            .zip(&plan.operations)
            .map(|((op, names), p)| OpPlan::new(api, op, names.clone(), p, m, &plan.security))
            .collect();
        Plan { error: ErrorBody::new(api, &plan.error, m), security: &plan.security, ops, routes: plan.routes.clone() }
    }
}

/// The spec's key for a status: `200`, `4XX`, `default`.
fn status_key(status: StatusCode) -> String {
    match status {
        StatusCode::Exact(code) => code.to_string(),
        StatusCode::Range(digit) => format!("{digit}XX"),
        StatusCode::Default => "default".to_owned(),
    }
}

/// The status carried by a range or `default` variant.
fn status_type(status: StatusCode) -> Option<TokenStream> {
    match status {
        StatusCode::Exact(_) => None,
        StatusCode::Range(digit) => {
            let name = format_ident!("{}Status", crate::naming::status_range(digit));
            Some(quote!(self::runtime::#name))
        }
        StatusCode::Default => Some(quote!(::axum::http::StatusCode)),
    }
}
