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
//!   security scheme in use; and `rejection`, which turns a [`runtime`]
//!   rejection into the spec's error body (provided when the schema of the
//!   spec's bad-request response can be filled mechanically, see
//!   [`error_body`]).
//! - A response enum per operation: a variant per documented status, named
//!   after the status's standard reason phrase (`Ok`, `BadRequest`), ranges
//!   carrying a status checked to lie in the range (`ClientError(ClientErrorStatus, _)`),
//!   `default` carrying any status, then the body (JSON, text or bytes, or
//!   an enum of the media types when they differ) and a struct of the
//!   documented headers (see `server/responses.rs`).
//! - The router: a handler per operation that authenticates, decodes path,
//!   query, header and cookie parameters per their style (`form`,
//!   `spaceDelimited`, `pipeDelimited`, `deepObject`, `simple`; `explode`;
//!   unions tried variant by variant; `nullable` ignored, see
//!   `server/params.rs`) or content (JSON), applies defaults, reads and
//!   decodes the body within the size limit (JSON; form and multipart bodies
//!   field by field, see `server/forms.rs`; without a JSON media type, a
//!   `String` when every media type
//!   is `text/*`, else the bytes; each documented media type accepted), runs every constraint check of the spec, and only then calls the
//!   trait; fallbacks for unknown paths (404) and methods (405). One route
//!   serves each path shape, so templates that differ only in parameter
//!   names, and parameters inside a segment, are routed too (see
//!   `server/routes.rs`).
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
//! What it cannot express yet is refused with [`Error::Unsupported`] at the
//! spec's pointer: `matrix` and `label` path styles, objects outside JSON
//! content and `deepObject`, `content` header and cookie parameters, cookie
//! arrays with `explode: true`, unions in headers and cookies, form bodies
//! with nested values, multipart media types other than
//! `multipart/form-data`, a form or multipart media type beside others, and
//! security other than one HTTP bearer scheme per operation.
//!
//! [`runtime`]: the spec-independent part (`server/runtime.rs`), embedded
//! into every server file as its `runtime` module.

mod deep_object;
mod error_body;
mod forms;
mod headers;
mod params;
mod responses;
mod routes;
mod strict;
mod union_params;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_lines, format, ident, rust_type};
use crate::error::{Error, Result};
use crate::ir::{Api, Location, Operation, Shape, StatusCode, Type, is_json};
use crate::pointer::Pointer;

use self::error_body::ErrorBody;
use self::forms::FormPlan;
use self::params::ParamPlan;
use self::responses::Variant;
use self::strict::Strict;

/// Dependencies the generated server code uses (name, Cargo requirement),
/// added as optional dependencies behind the `server` feature of standalone
/// crates (the runtime's `multipart` feature adds axum's for APIs with
/// multipart bodies).
pub const DEPENDENCIES: &[(&str, &str)] =
    &[("axum", r#""0.8""#), ("percent-encoding", r#""2""#), ("serde_path_to_error", r#""0.1""#)];

/// The server file. `models` is the path of the models module as seen from
/// the generated file (`::ipfs_pinning_models` or `crate::models`); the
/// runtime is the workspace's `openapi-runtime` crate.
pub fn server(api: &Api, header: &str, models: &str) -> Result<String> {
    server_in(api, header, models, super::RUNTIME_CRATE)
}

/// [`server`] with the runtime at `runtime` (`crate::runtime` in a standalone crate).
pub fn server_in(api: &Api, header: &str, models: &str, runtime: &str) -> Result<String> {
    let paths = Pointer::root().join("paths");
    let rt = super::runtime_path(runtime, &paths)?;
    let m: TokenStream = format!("{models}::")
        .parse()
        .map_err(|e| Error::Emit { pointer: paths.clone(), message: format!("models path `{models}`: {e}") })?;
    let error = ErrorBody::find(api, &m)?;
    let schemes = bearer_schemes(api)?;
    let mut ops =
        api.operations.iter().map(|op| OpPlan::new(api, op, &m, &error, &schemes)).collect::<Result<Vec<_>>>()?;
    let routes = routes::routes(ops.iter().map(|plan| plan.op))?;
    for route in &routes {
        for &i in &route.operations {
            ops[i].path_match = routes::path_match(&route.template, ops[i].op)?;
        }
    }

    let mut strict = Strict::default();
    let checkers: Vec<Option<TokenStream>> = ops
        .iter()
        .map(|op| match &op.body {
            Some(BodyPlan { kind: BodyKind::Json { strict: true }, ty, .. }) => Some(strict.body_checker(api, ty, &m)),
            _ => None,
        })
        .collect();
    let api_trait = api_trait(api, &ops, &error, &schemes);
    let items: Vec<TokenStream> =
        ops.iter().zip(&checkers).map(|(op, checker)| op.items(api, checker.as_ref())).collect::<Result<_>>()?;
    let strict_items = strict.items(api, &m);
    let router = router(&ops, &routes, &error)?;
    let title = format!(" Server for {} {}.", api.title, api.version);
    let tokens = quote! {
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
            BearerToken, ClientErrorStatus, Config, InformationalStatus, RangeStatus, Reason, RedirectionStatus,
            Rejection, ServerErrorStatus, StatusOutOfRange, SuccessStatus,
        };

        #api_trait
        #(#items)*
        #strict_items
        #router

        /// The spec-independent part of the server (rejections and their
        /// reasons, parameter and body readers), from the runtime crate.
        pub use #rt server as runtime;
    };
    format(header, tokens, &paths)
}

/// Security schemes the server can check: HTTP bearer. (name → hook name)
fn bearer_schemes(api: &Api) -> Result<BTreeMap<String, proc_macro2::Ident>> {
    let mut out = BTreeMap::new();
    for op in &api.operations {
        if let Some((name, hook)) = bearer_scheme(api, op)? {
            out.insert(name, hook);
        }
    }
    Ok(out)
}

/// The bearer scheme an operation requires (name, hook name), if any.
fn bearer_scheme(api: &Api, op: &Operation) -> Result<Option<(String, proc_macro2::Ident)>> {
    let at = op.pointer.join("security");
    match op.security.as_slice() {
        [] => Ok(None),
        [requirement] => match requirement.schemes.as_slice() {
            [scheme] => {
                let Some(def) = api.security_schemes.iter().find(|s| s.name == scheme.scheme) else {
                    return Err(Error::unsupported(&at, format!("unknown security scheme `{}`", scheme.scheme)));
                };
                match &def.kind {
                    crate::ir::SecuritySchemeKind::Http { scheme: s, .. } if s == "bearer" => {
                        let hook = format_ident!(
                            "authenticate_{}",
                            crate::naming::unraw(&crate::naming::value_name(&def.name))
                        );
                        Ok(Some((def.name.clone(), hook)))
                    }
                    _ => Err(Error::unsupported(&def.pointer, "security schemes other than HTTP `bearer` in a server")),
                }
            }
            [] => Err(Error::unsupported(&at, "optional security (an empty requirement) in a server")),
            _ => Err(Error::unsupported(&at, "a security requirement of several schemes together")),
        },
        _ => Err(Error::unsupported(&at, "alternative security requirements in a server")),
    }
}

/// The operations this emitter cannot express, by index, with the reason
/// (see [`crate::skip`]). Refusals of the API as a whole (bad requests
/// answered with several schemas, routes axum cannot tell apart) are left
/// to [`server`].
pub fn refusals(api: &Api) -> Result<Vec<(usize, Error)>> {
    let m = quote!(crate::models::);
    let Ok(error) = ErrorBody::find(api, &m) else { return Ok(Vec::new()) };
    let mut schemes = BTreeMap::new();
    let mut refused = Vec::new();
    for (i, op) in api.operations.iter().enumerate() {
        match bearer_scheme(api, op) {
            Ok(Some((name, hook))) => {
                schemes.insert(name, hook);
            }
            Ok(None) => {}
            Err(error @ Error::Unsupported { .. }) => refused.push((i, error)),
            Err(error) => return Err(error),
        }
    }
    for (i, op) in api.operations.iter().enumerate() {
        if refused.iter().any(|(r, _)| *r == i) {
            continue;
        }
        match OpPlan::new(api, op, &m, &error, &schemes) {
            Ok(_) => {}
            Err(error @ Error::Unsupported { .. }) => refused.push((i, error)),
            Err(error) => return Err(error),
        }
    }
    Ok(refused)
}

/// Everything the emitter decided about one operation.
struct OpPlan<'a> {
    op: &'a Operation,
    /// The authentication hook, when the operation has security.
    auth: Option<proc_macro2::Ident>,
    /// Path parameters in template order.
    path: Vec<ParamPlan<'a>>,
    query: Vec<ParamPlan<'a>>,
    /// Header and cookie parameters, in spec order.
    headers: Vec<ParamPlan<'a>>,
    body: Option<BodyPlan>,
    variants: Vec<Variant>,
    /// The trait method that makes this operation's rejection bodies, when
    /// it is not `rejection` (another bad-request schema).
    reject_hook: Option<proc_macro2::Ident>,
    /// How the path parameters are read from the route's captures, when the
    /// route is not this operation's own template (see `server/routes.rs`).
    path_match: Option<TokenStream>,
    m: TokenStream,
}

struct BodyPlan {
    ty: Type,
    required: bool,
    media_types: Vec<String>,
    kind: BodyKind,
}

/// How a request body is read.
enum BodyKind {
    /// JSON of the body's type; `strict`: its schema forbids unknown fields
    /// somewhere (see [`strict`]).
    Json { strict: bool },
    /// A `text/*` body: a `String`.
    Text,
    /// Raw bytes: `Vec<u8>`.
    Bytes,
    /// A form or multipart body (see [`forms`]).
    Form(FormPlan),
}

impl<'a> OpPlan<'a> {
    fn new(
        api: &'a Api,
        op: &'a Operation,
        m: &TokenStream,
        error: &ErrorBody,
        schemes: &BTreeMap<String, proc_macro2::Ident>,
    ) -> Result<Self> {
        let auth = op.security.first().and_then(|r| r.schemes.first()).and_then(|s| schemes.get(&s.scheme)).cloned();
        let reject_hook = error.hook_for(op, auth.is_some())?;
        let mut path = Vec::new();
        let mut query = Vec::new();
        let mut header_params = Vec::new();
        for p in &op.parameters {
            match p.location {
                Location::Path => path.push(ParamPlan::new(api, p, m)?),
                Location::Query => query.push(ParamPlan::new(api, p, m)?),
                Location::Header | Location::Cookie => header_params.push(headers::plan(api, p, m)?),
            }
        }
        let position = |p: &ParamPlan<'_>| op.path.find(&format!("{{{}}}", p.param.wire_name)).unwrap_or(usize::MAX);
        path.sort_by_key(position);
        let body = match &op.request_body {
            None => None,
            Some(body)
                if body.content.first().is_some_and(|c| {
                    super::forms::is_form(&c.media_type) || super::forms::is_multipart(&c.media_type)
                }) =>
            {
                // Form and multipart bodies: one schema, one media type.
                let first = &body.content[0];
                let at = body.pointer.join("content").join(&first.media_type);
                if let Some(other) = body.content.get(1) {
                    let at = body.pointer.join("content").join(&other.media_type);
                    return Err(Error::unsupported(
                        &at,
                        format!("a request body of `{}` beside `{}`", other.media_type, first.media_type),
                    ));
                }
                let Some(ty) = &first.ty else {
                    return Err(Error::unsupported(
                        &at,
                        format!("a `{}` request body without a schema", first.media_type),
                    ));
                };
                let plan = if super::forms::is_form(&first.media_type) {
                    FormPlan::form(api, ty, &at, m)?
                } else {
                    FormPlan::multipart(api, ty, &op.type_name, &at, m)?
                };
                let media_types = vec![first.media_type.clone()];
                Some(BodyPlan { ty: ty.clone(), required: body.required, media_types, kind: BodyKind::Form(plan) })
            }
            Some(body) if !body.content.iter().any(|c| is_json(&c.media_type)) => {
                // Raw bodies: text when every media type is `text/*`, else bytes.
                let mut media_types = Vec::new();
                for content in &body.content {
                    let essence = content.media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
                    if essence == "application/x-www-form-urlencoded" || essence.starts_with("multipart/") {
                        let at = body.pointer.join("content").join(&content.media_type);
                        return Err(Error::unsupported(&at, format!("request bodies of `{}`", content.media_type)));
                    }
                    media_types.push(content.media_type.clone());
                }
                let text = media_types.iter().all(|m| m.trim().to_ascii_lowercase().starts_with("text/"));
                let shape = if text {
                    crate::ir::Primitive::String
                } else {
                    crate::ir::Primitive::Bytes(crate::ir::BytesEncoding::Binary)
                };
                let ty = Type::new(Shape::Primitive(shape));
                let kind = if text { BodyKind::Text } else { BodyKind::Bytes };
                Some(BodyPlan { ty, required: body.required, media_types, kind })
            }
            Some(body) => {
                let mut ty: Option<&Type> = None;
                let mut media_types = Vec::new();
                for (i, content) in body.content.iter().enumerate() {
                    let at = body.pointer.join("content").join(&content.media_type);
                    if !is_json(&content.media_type) {
                        return Err(Error::unsupported(&at, format!("request bodies of `{}`", content.media_type)));
                    }
                    let Some(this) = &content.ty else {
                        return Err(Error::unsupported(&at, "a request body without `schema`"));
                    };
                    if i > 0 && ty != Some(this) {
                        return Err(Error::unsupported(&at, "media types of one request body with different schemas"));
                    }
                    ty = Some(this);
                    media_types.push(content.media_type.clone());
                }
                let Some(ty) = ty else {
                    return Err(Error::malformed(&body.pointer.join("content"), "a request body without content"));
                };
                let kind = BodyKind::Json { strict: Strict::needed(api, ty) };
                Some(BodyPlan { ty: ty.clone(), required: body.required, media_types, kind })
            }
        };
        let variants =
            op.responses.iter().map(|response| Variant::new(api, op, response, m)).collect::<Result<Vec<_>>>()?;
        if variants.is_empty() {
            return Err(Error::malformed(&op.pointer.join("responses"), "an operation without responses"));
        }
        Ok(OpPlan {
            op,
            auth,
            path,
            query,
            headers: header_params,
            body,
            variants,
            reject_hook,
            path_match: None,
            m: m.clone(),
        })
    }

    fn response_type(&self) -> proc_macro2::Ident {
        format_ident!("{}Response", self.op.type_name)
    }

    fn query_type(&self) -> Option<proc_macro2::Ident> {
        (!self.query.is_empty()).then(|| format_ident!("{}Query", self.op.type_name))
    }

    /// `{Op}Headers`, when the operation has header or cookie parameters.
    fn headers_type(&self) -> Option<proc_macro2::Ident> {
        (!self.headers.is_empty()).then(|| headers::struct_name(self.op))
    }

    fn method_name(&self) -> proc_macro2::Ident {
        ident(&self.op.name)
    }

    fn handler_name(&self) -> proc_macro2::Ident {
        format_ident!("handle_{}", crate::naming::unraw(&self.op.name))
    }

    fn query_decoder_name(&self) -> proc_macro2::Ident {
        format_ident!("decode_{}_query", crate::naming::unraw(&self.op.name))
    }

    fn body_type(&self) -> Option<TokenStream> {
        self.body.as_ref().map(|b| {
            let ty = match &b.kind {
                BodyKind::Json { .. } => rust_type(&b.ty, &self.m),
                BodyKind::Text => quote!(::std::string::String),
                BodyKind::Bytes => quote!(::std::vec::Vec<u8>),
                BodyKind::Form(plan) => plan.rust.clone(),
            };
            if b.required { ty } else { quote!(::std::option::Option<#ty>) }
        })
    }

    /// `GET /pins` (`getPins`), summary, description.
    fn docs(&self) -> Vec<String> {
        let op = self.op;
        let mut paragraphs = Vec::new();
        paragraphs.extend(op.summary.clone());
        paragraphs.extend(op.description.clone());
        paragraphs.push(format!("`{} {}` (`{}`).", op.method.as_str(), op.path, op.id));
        if let Some(url) = op.servers.first() {
            paragraphs.push(format!(
                "The spec serves this operation at `{url}`, not at the API's base URL; the router serves it with \
                 the others, so route that server's requests here."
            ));
        }
        paragraphs.extend(op.ignored_parameters.iter().map(|p| p.note()));
        if op.deprecated {
            paragraphs.push("**Deprecated** in the spec.".to_owned());
        }
        paragraphs
    }

    /// The trait method.
    fn trait_method(&self) -> TokenStream {
        let mut docs = self.docs();
        let mut inputs = Vec::new();
        let mut taken: Vec<String> = Vec::new();
        if let Some(hook) = &self.auth {
            inputs.push(quote!(caller: Self::Caller));
            taken.push("caller".to_owned());
            docs.push(format!("`caller` is who [`Api::{hook}`] authenticated."));
        }
        let query_type = self.query_type();
        let mut names = Vec::new();
        for p in &self.path {
            let mut name = crate::naming::unraw(&p.param.name).to_owned();
            if ["caller", "query", "headers", "body"].contains(&name.as_str()) {
                name.push_str("_param");
            }
            names.push(name);
        }
        for (p, name) in self.path.iter().zip(&names) {
            let name = ident(&crate::naming::value_name(name));
            let ty = &p.field_type;
            inputs.push(quote!(#name: #ty));
        }
        if let Some(q) = &query_type {
            inputs.push(quote!(query: #q));
        }
        if let Some(h) = self.headers_type() {
            inputs.push(quote!(headers: #h));
            docs.push(format!("`headers` are the header and cookie parameters ([`{h}`]), decoded and checked."));
        }
        if let Some(ty) = self.body_type() {
            inputs.push(quote!(body: #ty));
            if let Some(body) = &self.body {
                docs.push(format!(
                    "`body` is the decoded request body{}, checked against the spec's constraints.",
                    if body.required { "" } else { " (`None` when the request has none)" }
                ));
            }
        }
        let docs = doc_lines(docs.iter().map(String::as_str));
        let name = self.method_name();
        let response = self.response_type();
        quote! {
            #docs
            fn #name(&self, #(#inputs),*) -> impl ::std::future::Future<Output = #response> + ::std::marker::Send;
        }
    }

    /// The query struct, the headers struct, their decoders, the form
    /// struct, the response enum and the handler.
    fn items(&self, api: &Api, unknown_fields: Option<&TokenStream>) -> Result<TokenStream> {
        let query = self.query_items(api);
        let headers =
            if self.headers.is_empty() { quote!() } else { headers::items(api, self.op, &self.headers, &self.m)? };
        let response = self.response_items();
        let handler = self.handler(api, unknown_fields);
        let form = match &self.body {
            Some(BodyPlan { kind: BodyKind::Form(plan), .. }) => Some(plan.items(&self.op.name)),
            _ => None,
        };
        Ok(quote!(#query #headers #form #response #handler))
    }

    fn query_items(&self, api: &Api) -> TokenStream {
        let Some(name) = self.query_type() else { return quote!() };
        let op = self.op;
        let docs = doc_lines([format!(
            "The query parameters of [`Api::{}`] (`{} {}`), decoded, with the spec's defaults applied and its constraints checked.",
            crate::naming::unraw(&op.name),
            op.method.as_str(),
            op.path
        )
        .as_str()]);
        let declared = self.query.iter().map(|p| {
            let field = ident(&p.param.name);
            let ty = &p.field_type;
            let docs = p.docs();
            quote!(#docs pub #field: #ty,)
        });
        let default_impl = params::default_impl(&name, &self.query);
        let decoder = self.query_decoder_name();
        let vars: Vec<_> = (0..self.query.len()).map(|i| format_ident!("query_param_{}", i)).collect();
        let decode = self.query.iter().zip(&vars).map(|(p, var)| p.decode_query(var));
        let checks = params::checks(api, &self.query, &vars, &self.m);
        let assigned = self.query.iter().zip(&vars).map(|(p, var)| {
            let field = ident(&p.param.name);
            quote!(#field: #var,)
        });
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq)]
            pub struct #name { #(#declared)* }

            #default_impl

            fn #decoder(raw: ::std::option::Option<&str>) -> ::std::result::Result<#name, self::runtime::Rejection> {
                let query = self::runtime::QueryString::parse(raw)?;
                #(#decode)*
                #checks
                ::std::result::Result::Ok(#name { #(#assigned)* })
            }
        }
    }

    fn response_items(&self) -> TokenStream {
        let op = self.op;
        let docs = doc_lines([format!(
            "What [`Api::{}`] answers (`{} {}`): one variant per response the spec documents.",
            crate::naming::unraw(&op.name),
            op.method.as_str(),
            op.path
        )
        .as_str()]);
        responses::items(&self.response_type(), docs, &self.variants)
    }

    /// The axum handler: authenticate, decode, check, call, answer.
    /// `unknown_fields` checks a strict JSON body (see [`strict`]).
    fn handler(&self, api: &Api, unknown_fields: Option<&TokenStream>) -> TokenStream {
        let handler = self.handler_name();
        let method = self.method_name();
        let mut steps = Vec::new();
        let mut args = Vec::new();
        if let Some(hook) = &self.auth {
            steps.push(quote! {
                let caller = shared
                    .api
                    .#hook(self::runtime::bearer_token(&parts.headers)?)
                    .await
                    .map_err(|rejection| rejection.with_challenge("Bearer"))?;
            });
            args.push(quote!(caller));
        }
        if !self.path.is_empty() {
            steps.push(match &self.path_match {
                None => quote!(let path = self::runtime::PathParams::from_parts(&mut parts).await?;),
                Some(segments) => quote! {
                    let path = self::runtime::PathParams::from_parts(&mut parts)
                        .await?
                        .matched(#segments, parts.uri.path())?;
                },
            });
            let vars: Vec<_> = (0..self.path.len()).map(|i| format_ident!("path_param_{}", i)).collect();
            for (p, var) in self.path.iter().zip(&vars) {
                steps.push(p.decode_path(var));
                args.push(quote!(#var));
            }
            steps.push(params::checks(api, &self.path, &vars, &self.m));
        }
        if self.query_type().is_some() {
            let decoder = self.query_decoder_name();
            steps.push(quote!(let query = #decoder(parts.uri.query())?;));
            args.push(quote!(query));
        }
        if self.headers_type().is_some() {
            let decoder = headers::decoder_name(self.op);
            steps.push(quote!(let headers = #decoder(&parts.headers)?;));
            args.push(quote!(headers));
        }
        if let Some(body) = &self.body {
            let ty = rust_type(&body.ty, &self.m);
            let media = &body.media_types;
            let decode = match (&body.kind, unknown_fields) {
                (BodyKind::Json { .. }, Some(check)) => quote! {
                    self::runtime::strict_json_body::<#ty>(&parts.headers, &bytes, &[#(#media),*], #check)?
                },
                (BodyKind::Json { .. }, None) => {
                    quote!(self::runtime::json_body::<#ty>(&parts.headers, &bytes, &[#(#media),*])?)
                }
                (BodyKind::Text, _) => quote!(self::runtime::text_body(&parts.headers, &bytes, &[#(#media),*])?),
                (BodyKind::Bytes, _) => quote!(self::runtime::bytes_body(&parts.headers, &bytes, &[#(#media),*])?),
                (BodyKind::Form(_), _) => quote!(),
            };
            let read = match &body.kind {
                BodyKind::Form(plan) => plan.read(&self.op.name, media),
                _ => quote!(let body = #decode;),
            };
            steps.push(quote! {
                let bytes = self::runtime::read_body(&parts.headers, body, shared.config.body_limit()).await?;
                #read
            });
            let checks = match &body.kind {
                BodyKind::Json { .. } | BodyKind::Form(FormPlan { checks: None, .. }) => {
                    super::validate::checks(api, &body.ty, quote!(present), quote!(""), &self.m)
                }
                BodyKind::Form(FormPlan { checks: Some(checks), .. }) => checks.clone(),
                BodyKind::Text | BodyKind::Bytes => quote!(),
            };
            let m = &self.m;
            let check = |value: TokenStream| {
                if checks.is_empty() {
                    return quote!();
                }
                quote! {
                    let mut found: ::std::vec::Vec<#m validation::Violation> = ::std::vec::Vec::new();
                    {
                        let out = &mut found;
                        #value
                    }
                    if !found.is_empty() {
                        return ::std::result::Result::Err(self::runtime::Rejection::invalid_body_fields(&found));
                    }
                }
            };
            if body.required {
                let check = check(quote!(let present = &body; #checks));
                steps.push(quote! {
                    let body = body.ok_or_else(self::runtime::Rejection::missing_body)?;
                    #check
                });
            } else {
                steps.push(check(quote!(if let ::std::option::Option::Some(present) = &body { #checks })));
            }
            args.push(quote!(body));
        }
        let uses_parts = self.auth.is_some()
            || !self.path.is_empty()
            || self.query_type().is_some()
            || self.headers_type().is_some()
            || self.body.is_some();
        let parts = match (uses_parts, self.path.is_empty()) {
            (false, _) => quote!(_parts),
            (true, true) => quote!(parts),
            (true, false) => quote!(mut parts),
        };
        let body = if self.body.is_some() { quote!(body) } else { quote!(_body) };
        let reject = match &self.reject_hook {
            None => quote!(shared.reject(rejection)),
            Some(hook) => quote!(shared.reject_with(rejection, |api, rejection| api.#hook(rejection))),
        };
        quote! {
            async fn #handler<A: Api>(
                ::axum::extract::State(shared): ::axum::extract::State<::std::sync::Arc<Shared<A>>>,
                request: ::axum::extract::Request,
            ) -> ::axum::response::Response {
                let (#parts, #body) = request.into_parts();
                let result = async {
                    #(#steps)*
                    ::std::result::Result::<_, self::runtime::Rejection>::Ok(shared.api.#method(#(#args),*).await)
                }
                .await;
                match result {
                    ::std::result::Result::Ok(response) => ::axum::response::IntoResponse::into_response(response),
                    ::std::result::Result::Err(rejection) => #reject,
                }
            }
        }
    }
}

/// The trait an implementer writes.
fn api_trait(
    api: &Api,
    ops: &[OpPlan<'_>],
    error: &ErrorBody,
    schemes: &BTreeMap<String, proc_macro2::Ident>,
) -> TokenStream {
    let caller = (!schemes.is_empty()).then(|| {
        quote! {
            /// Who made a request, as the authentication hook found out.
            type Caller: ::std::marker::Send;
        }
    });
    let hooks = api.security_schemes.iter().filter_map(|scheme| {
        let hook = schemes.get(&scheme.name)?;
        let mut paragraphs = vec![format!(
            "The `{}` security scheme (HTTP bearer): turns the token of `Authorization: Bearer <token>` into a caller, or rejects it with [`Rejection::unauthorized`] (answered `401`; the operation is not called).",
            scheme.name
        )];
        paragraphs.extend(scheme.docs.clone());
        paragraphs.push("A request without a well-formed bearer token is answered `401` before this is called.".to_owned());
        let docs = doc_lines(paragraphs.iter().map(String::as_str));
        Some(quote! {
            #docs
            fn #hook(&self, token: self::runtime::BearerToken)
                -> impl ::std::future::Future<Output = ::std::result::Result<Self::Caller, self::runtime::Rejection>> + ::std::marker::Send;
        })
    });
    let methods = ops.iter().map(OpPlan::trait_method);
    let rejection = error.trait_method();
    let alternates = error.alternate_methods();
    let title = format!("{} {}", api.title, api.version);
    let docs = doc_lines([
        format!("The operations of {title}: implement this, then serve [`router`]`(api)`.").as_str(),
        "Every method is called only for a request that passed authentication and whose parameters and body decoded and satisfied every constraint of the spec; everything else is answered by the router with the spec's error body (see [`Api::rejection`]).",
    ]);
    quote! {
        #docs
        pub trait Api: ::std::marker::Send + ::std::marker::Sync + 'static {
            #caller
            #(#hooks)*
            #(#methods)*
            #rejection
            #alternates
        }
    }
}

/// `router`, `router_with_config`, the shared state and the fallbacks.
fn router(ops: &[OpPlan<'_>], routes: &[routes::Route], error: &ErrorBody) -> Result<TokenStream> {
    let operations: Vec<&Operation> = ops.iter().map(|plan| plan.op).collect();
    let mut dispatchers = Vec::new();
    let mut registered = Vec::new();
    for route in routes {
        let path = &route.template;
        let mut methods = Vec::new();
        for (method, candidates) in routes::by_method(route, &operations)? {
            let verb = format_ident!("{}", method.as_str().to_ascii_lowercase());
            let [.., last] = candidates.as_slice() else { continue };
            let handler = if candidates.len() == 1 {
                ops[*last].handler_name()
            } else {
                let (handler, dispatcher) = dispatcher(ops, &candidates, method, path)?;
                dispatchers.push(dispatcher);
                handler
            };
            methods.push((verb, handler));
        }
        let mut methods = methods.into_iter();
        let Some((first, first_handler)) = methods.next() else { continue };
        let rest = methods.map(|(method, handler)| quote!(.#method(#handler::<A>)));
        registered.push(quote! {
            .route(#path, ::axum::routing::#first(#first_handler::<A>) #(#rest)* .fallback(method_not_allowed::<A>))
        });
    }
    let routes = registered;
    // The configuration is the body size limit: unread without bodies.
    let config_unread = ops.iter().all(|op| op.body.is_none()).then(|| quote!(#[allow(dead_code)]));
    let reject_with = error.has_alternates().then(|| {
        quote! {
            /// The response to a rejected request of an operation whose bad
            /// requests the spec answers with another schema.
            fn reject_with<B: ::serde::Serialize>(
                &self,
                rejection: self::runtime::Rejection,
                body: impl ::std::ops::FnOnce(&A, &self::runtime::Rejection) -> B,
            ) -> ::axum::response::Response {
                let body = body(&self.api, &rejection);
                rejection.into_response_with(&body)
            }
        }
    });
    Ok(quote! {
        /// The router for `api` with the default [`Config`]. Nest it under a
        /// prefix (`Router::new().nest("/v1", router(api))`) and wrap it in
        /// tower layers as any axum router.
        pub fn router<A: Api>(api: A) -> ::axum::Router {
            router_with_config(api, self::runtime::Config::default())
        }

        /// The router for `api` with these settings (the body size limit).
        pub fn router_with_config<A: Api>(api: A, config: self::runtime::Config) -> ::axum::Router {
            let shared = ::std::sync::Arc::new(Shared { api, config });
            ::axum::Router::new()
                #(#routes)*
                .fallback(not_found::<A>)
                .with_state(shared)
        }

        /// What every handler sees.
        struct Shared<A> {
            api: A,
            #config_unread
            config: self::runtime::Config,
        }

        impl<A: Api> Shared<A> {
            /// The response to a rejected request: its status and the API's error body.
            fn reject(&self, rejection: self::runtime::Rejection) -> ::axum::response::Response {
                let body = self.api.rejection(&rejection);
                rejection.into_response_with(&body)
            }
            #reject_with
        }

        async fn not_found<A: Api>(
            ::axum::extract::State(shared): ::axum::extract::State<::std::sync::Arc<Shared<A>>>,
            request: ::axum::extract::Request,
        ) -> ::axum::response::Response {
            shared.reject(self::runtime::Rejection::not_found(request.uri().path()))
        }

        async fn method_not_allowed<A: Api>(
            ::axum::extract::State(shared): ::axum::extract::State<::std::sync::Arc<Shared<A>>>,
            request: ::axum::extract::Request,
        ) -> ::axum::response::Response {
            shared.reject(self::runtime::Rejection::method_not_allowed(request.method().as_str(), request.uri().path()))
        }

        #(#dispatchers)*
    })
}

/// The handler of one method on a route several operations share: the
/// request goes to the first candidate (most specific first) whose template
/// its path fits, else to the last.
fn dispatcher(
    ops: &[OpPlan<'_>],
    candidates: &[usize],
    method: crate::ir::Method,
    route: &str,
) -> Result<(proc_macro2::Ident, TokenStream)> {
    let [tried @ .., last] = candidates else {
        return Err(Error::Emit {
            pointer: Pointer::root().join("paths"),
            message: "a dispatcher without operations".to_owned(),
        });
    };
    let name = format_ident!("dispatch_{}", ops[*last].handler_name());
    let mut arms = Vec::new();
    for &i in tried {
        let plan = &ops[i];
        let Some(segments) = &plan.path_match else {
            return Err(Error::Emit {
                pointer: plan.op.pointer.clone(),
                message: "a more specific template that reads the route's captures as they are".to_owned(),
            });
        };
        let handler = plan.handler_name();
        arms.push(quote! {
            if path.as_ref().is_some_and(|path| path.matched(#segments, "").is_ok()) {
                return #handler::<A>(state, ::axum::extract::Request::from_parts(parts, body)).await;
            }
        });
    }
    let last_handler = ops[*last].handler_name();
    let doc = format!(" `{}` on `{route}`: the most specific operation whose template the path fits.", method.as_str());
    Ok((
        name.clone(),
        quote! {
            #[doc = #doc]
            async fn #name<A: Api>(
                state: ::axum::extract::State<::std::sync::Arc<Shared<A>>>,
                request: ::axum::extract::Request,
            ) -> ::axum::response::Response {
                let (mut parts, body) = request.into_parts();
                let path = self::runtime::PathParams::from_parts(&mut parts).await.ok();
                #(#arms)*
                #last_handler::<A>(state, ::axum::extract::Request::from_parts(parts, body)).await
            }
        },
    ))
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
            let name = format_ident!("{}Status", range_name(digit));
            Some(quote!(self::runtime::#name))
        }
        StatusCode::Default => Some(quote!(::axum::http::StatusCode)),
    }
}

fn range_name(digit: u8) -> &'static str {
    match digit {
        1 => "Informational",
        2 => "Success",
        3 => "Redirection",
        4 => "ClientError",
        _ => "ServerError",
    }
}

/// A variant name from a status: the standard reason phrase (RFC 9110 and
/// registered extensions) in UpperCamelCase, `Status<code>` for others.
pub(crate) fn variant_name(status: StatusCode) -> proc_macro2::Ident {
    match status {
        StatusCode::Exact(code) => match reason_phrase(code) {
            Some(name) => format_ident!("{}", name),
            None => format_ident!("Status{}", code),
        },
        StatusCode::Range(digit) => format_ident!("{}", range_name(digit)),
        StatusCode::Default => format_ident!("Default"),
    }
}

fn reason_phrase(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Continue",
        101 => "SwitchingProtocols",
        102 => "Processing",
        103 => "EarlyHints",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        208 => "AlreadyReported",
        226 => "ImUsed",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        305 => "UseProxy",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        407 => "ProxyAuthenticationRequired",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "ContentTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        418 => "ImATeapot",
        421 => "MisdirectedRequest",
        422 => "UnprocessableContent",
        423 => "Locked",
        424 => "FailedDependency",
        425 => "TooEarly",
        426 => "UpgradeRequired",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        431 => "RequestHeaderFieldsTooLarge",
        451 => "UnavailableForLegalReasons",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        505 => "HttpVersionNotSupported",
        506 => "VariantAlsoNegotiates",
        507 => "InsufficientStorage",
        508 => "LoopDetected",
        510 => "NotExtended",
        511 => "NetworkAuthenticationRequired",
        _ => return None,
    })
}
