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
//!   parameters) and the body (when it has one); one authentication hook per
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
//! - The router: a handler per operation that authenticates, decodes path and
//!   query parameters per their style (`form`, `spaceDelimited`,
//!   `pipeDelimited`, `deepObject`, `simple`; `explode`; unions tried variant
//!   by variant; `nullable` ignored, see `server/params.rs`) or content
//!   (JSON), applies defaults, reads and decodes the body within the size
//!   limit (JSON; without a JSON media type, a `String` when every media type
//!   is `text/*`, else the bytes; each documented media type accepted), runs every constraint check of the spec, and only then calls the
//!   trait; fallbacks for unknown paths (404) and methods (405).
//!
//! What it cannot express yet is refused with [`Error::Unsupported`] at the
//! spec's pointer: header and cookie parameters, `matrix` and `label` path
//! styles, objects outside JSON content and `deepObject`, form and multipart request bodies,
//! security other than one HTTP bearer scheme per operation, and
//! request bodies with `additionalProperties: false` (unknown fields are
//! otherwise ignored, as JSON Schema allows).
//!
//! [`runtime`]: the spec-independent part (`server/runtime.rs`), embedded
//! into every server file as its `runtime` module.

mod deep_object;
mod error_body;
mod params;
mod responses;
mod union_params;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_lines, format, ident, rust_type};
use crate::error::{Error, Result};
use crate::ir::{Additional, Api, Location, Operation, Shape, StatusCode, Type, TypeKind, is_json};
use crate::pointer::Pointer;

use self::error_body::ErrorBody;
use self::params::ParamPlan;
use self::responses::Variant;

/// Dependencies the generated server code uses (name, Cargo requirement),
/// added as optional dependencies behind the `server` feature of standalone crates.
pub const DEPENDENCIES: &[(&str, &str)] =
    &[("axum", r#""0.8""#), ("percent-encoding", r#""2""#), ("serde_path_to_error", r#""0.1""#)];

/// The spec-independent runtime, embedded as the `runtime` module.
const RUNTIME: &str = include_str!("server/runtime.rs");

/// More of the runtime, appended to it when some parameter needs it
/// (`spaceDelimited`/`pipeDelimited` lists, `deepObject`, unions).
const STYLES_RUNTIME: &str = include_str!("server/styles_runtime.rs");

/// The server file. `models` is the path of the models module as seen from
/// the generated file (`::ipfs_pinning_models` or `crate::models`).
pub fn server(api: &Api, header: &str, models: &str) -> Result<String> {
    let paths = Pointer::root().join("paths");
    let m: TokenStream = format!("{models}::")
        .parse()
        .map_err(|e| Error::Emit { pointer: paths.clone(), message: format!("models path `{models}`: {e}") })?;
    let error = ErrorBody::find(api, &m)?;
    let schemes = bearer_schemes(api)?;
    let ops = api.operations.iter().map(|op| OpPlan::new(api, op, &m, &error, &schemes)).collect::<Result<Vec<_>>>()?;
    check_routes(&ops)?;

    let styles = ops.iter().any(|op| op.path.iter().chain(&op.query).any(ParamPlan::uses_styles_runtime));
    let runtime = runtime(&paths, styles)?;
    let api_trait = api_trait(api, &ops, &error, &schemes);
    let items = ops.iter().map(|op| op.items(api));
    let router = router(&ops, &error, ops.iter().any(|op| op.body.is_some()));
    let title = format!(" Server for {} {}.", api.title, api.version);
    let tokens = quote! {
        #![doc = #title]
        #![doc = ""]
        #![doc = " Implement [`Api`], then serve [`router`]: every request is authenticated, decoded and"]
        #![doc = " checked against the spec before a method of the trait is called, and every bad"]
        #![doc = " request is answered with the spec's error body (see [`runtime`] for the reasons)."]
        #![allow(clippy::too_many_arguments)]

        pub use self::runtime::{
            BearerToken, ClientErrorStatus, Config, InformationalStatus, RangeStatus, Reason, RedirectionStatus,
            Rejection, ServerErrorStatus, StatusOutOfRange, SuccessStatus,
        };

        #api_trait
        #(#items)*
        #router
        #runtime
    };
    format(header, tokens, &paths)
}

fn runtime(at: &Pointer, styles: bool) -> Result<TokenStream> {
    let parse = |text: &str| {
        syn::parse_file(text).map_err(|e| Error::Emit { pointer: at.clone(), message: format!("server runtime: {e}") })
    };
    let file = parse(RUNTIME)?;
    let attrs = &file.attrs;
    let items = &file.items;
    let styles = if styles { parse(STYLES_RUNTIME)?.items } else { Vec::new() };
    Ok(quote! {
        pub mod runtime {
            #(#attrs)*
            #(#items)*
            #(#styles)*
        }
    })
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
                            crate::lower::names::unraw(&crate::lower::names::value_name(&def.name))
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
    body: Option<BodyPlan>,
    variants: Vec<Variant>,
    /// The trait method that makes this operation's rejection bodies, when
    /// it is not `rejection` (another bad-request schema).
    reject_hook: Option<proc_macro2::Ident>,
    m: TokenStream,
}

struct BodyPlan {
    ty: Type,
    required: bool,
    media_types: Vec<String>,
    /// `None` for JSON; `Some(true)` for a `text/*` body (a `String`),
    /// `Some(false)` for raw bytes (`Vec<u8>`).
    raw_text: Option<bool>,
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
        for p in &op.parameters {
            match p.location {
                Location::Path => path.push(ParamPlan::new(api, p, m)?),
                Location::Query => query.push(ParamPlan::new(api, p, m)?),
                Location::Header => return Err(Error::unsupported(&p.pointer, "header parameters in a server")),
                Location::Cookie => return Err(Error::unsupported(&p.pointer, "cookie parameters in a server")),
            }
        }
        let position = |p: &ParamPlan<'_>| op.path.find(&format!("{{{}}}", p.param.wire_name)).unwrap_or(usize::MAX);
        path.sort_by_key(position);
        let body = match &op.request_body {
            None => None,
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
                Some(BodyPlan { ty, required: body.required, media_types, raw_text: Some(text) })
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
                if let Some(at) = forbids_unknown_fields(api, ty, &mut Vec::new()) {
                    return Err(Error::unsupported(
                        &at,
                        "`additionalProperties: false` in a request body (unknown fields are ignored otherwise)",
                    ));
                }
                Some(BodyPlan { ty: ty.clone(), required: body.required, media_types, raw_text: None })
            }
        };
        let variants =
            op.responses.iter().map(|response| Variant::new(api, op, response, m)).collect::<Result<Vec<_>>>()?;
        if variants.is_empty() {
            return Err(Error::malformed(&op.pointer.join("responses"), "an operation without responses"));
        }
        Ok(OpPlan { op, auth, path, query, body, variants, reject_hook, m: m.clone() })
    }

    fn response_type(&self) -> proc_macro2::Ident {
        format_ident!("{}Response", self.op.type_name)
    }

    fn query_type(&self) -> Option<proc_macro2::Ident> {
        (!self.query.is_empty()).then(|| format_ident!("{}Query", self.op.type_name))
    }

    fn method_name(&self) -> proc_macro2::Ident {
        ident(&self.op.name)
    }

    fn handler_name(&self) -> proc_macro2::Ident {
        format_ident!("handle_{}", crate::lower::names::unraw(&self.op.name))
    }

    fn query_decoder_name(&self) -> proc_macro2::Ident {
        format_ident!("decode_{}_query", crate::lower::names::unraw(&self.op.name))
    }

    fn body_type(&self) -> Option<TokenStream> {
        self.body.as_ref().map(|b| {
            let ty = match b.raw_text {
                None => rust_type(&b.ty, &self.m),
                Some(true) => quote!(::std::string::String),
                Some(false) => quote!(::std::vec::Vec<u8>),
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
            let mut name = crate::lower::names::unraw(&p.param.name).to_owned();
            if ["caller", "query", "body"].contains(&name.as_str()) {
                name.push_str("_param");
            }
            names.push(name);
        }
        for (p, name) in self.path.iter().zip(&names) {
            let name = ident(&crate::lower::names::value_name(name));
            let ty = &p.field_type;
            inputs.push(quote!(#name: #ty));
        }
        if let Some(q) = &query_type {
            inputs.push(quote!(query: #q));
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

    /// The query struct, its decoder, the response enum and the handler.
    fn items(&self, api: &Api) -> TokenStream {
        let query = self.query_items(api);
        let response = self.response_items();
        let handler = self.handler(api);
        quote!(#query #response #handler)
    }

    fn query_items(&self, api: &Api) -> TokenStream {
        let Some(name) = self.query_type() else { return quote!() };
        let op = self.op;
        let docs = doc_lines([format!(
            "The query parameters of [`Api::{}`] (`{} {}`), decoded, with the spec's defaults applied and its constraints checked.",
            crate::lower::names::unraw(&op.name),
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
        let default_impl = self.query.iter().all(|p| !p.param.required).then(|| {
            let fields = self.query.iter().map(|p| {
                let field = ident(&p.param.name);
                let value = p.default.clone().unwrap_or_else(|| quote!(::std::option::Option::None));
                quote!(#field: #value,)
            });
            quote! {
                impl ::std::default::Default for #name {
                    /// Every parameter absent: the spec's defaults, `None` elsewhere.
                    fn default() -> Self {
                        #name { #(#fields)* }
                    }
                }
            }
        });
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
            crate::lower::names::unraw(&op.name),
            op.method.as_str(),
            op.path
        )
        .as_str()]);
        responses::items(&self.response_type(), docs, &self.variants)
    }

    /// The axum handler: authenticate, decode, check, call, answer.
    fn handler(&self, api: &Api) -> TokenStream {
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
            steps.push(quote! {
                let path = self::runtime::PathParams::from_parts(&mut parts).await?;
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
        if let Some(body) = &self.body {
            let ty = rust_type(&body.ty, &self.m);
            let media = &body.media_types;
            let decode = match body.raw_text {
                None => quote!(self::runtime::json_body::<#ty>(&parts.headers, &bytes, &[#(#media),*])?),
                Some(true) => quote!(self::runtime::text_body(&parts.headers, &bytes, &[#(#media),*])?),
                Some(false) => quote!(self::runtime::bytes_body(&parts.headers, &bytes, &[#(#media),*])?),
            };
            steps.push(quote! {
                let bytes = self::runtime::read_body(&parts.headers, body, shared.config.body_limit()).await?;
                let body = #decode;
            });
            let checks = match body.raw_text {
                None => super::validate::checks(api, &body.ty, quote!(present), quote!(""), &self.m),
                Some(_) => quote!(),
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
        let uses_parts =
            self.auth.is_some() || !self.path.is_empty() || self.query_type().is_some() || self.body.is_some();
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
fn router(ops: &[OpPlan<'_>], error: &ErrorBody, bodies: bool) -> TokenStream {
    // Operations grouped by path, in spec order.
    let mut paths: Vec<(&str, Vec<&OpPlan<'_>>)> = Vec::new();
    for op in ops {
        match paths.iter_mut().find(|(p, _)| *p == op.op.path) {
            Some((_, list)) => list.push(op),
            None => paths.push((&op.op.path, vec![op])),
        }
    }
    let routes = paths.iter().map(|(path, list)| {
        let mut methods = list.iter().map(|op| {
            let handler = op.handler_name();
            let method = format_ident!("{}", op.op.method.as_str().to_ascii_lowercase());
            (method, handler)
        });
        let (first, first_handler) = methods.next().expect("a path has at least one operation");
        let rest = methods.map(|(method, handler)| quote!(.#method(#handler::<A>)));
        quote! {
            .route(#path, ::axum::routing::#first(#first_handler::<A>) #(#rest)* .fallback(method_not_allowed::<A>))
        }
    });
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
    // Only request bodies read the settings (their size limit).
    let unread = (!bodies).then(|| quote!(#[allow(dead_code)]));
    quote! {
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
            #unread
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
    }
}

/// Paths axum can route: parameters are whole segments, and no two templates
/// differ only in parameter names (axum would panic on either).
fn check_routes(ops: &[OpPlan<'_>]) -> Result<()> {
    let mut shapes: BTreeMap<String, &Pointer> = BTreeMap::new();
    let mut seen_paths: Vec<&str> = Vec::new();
    for op in ops {
        let path = op.op.path.as_str();
        if seen_paths.contains(&path) {
            continue;
        }
        seen_paths.push(path);
        let at = &op.op.pointer;
        let mut shape = String::new();
        for segment in path.split('/').skip(1) {
            shape.push('/');
            let is_param = segment.starts_with('{') && segment.ends_with('}') && segment.matches('{').count() == 1;
            if is_param {
                shape.push_str("{}");
            } else if segment.contains(['{', '}', '*']) {
                return Err(Error::unsupported(
                    at,
                    format!("the path `{path}`: a parameter must be a whole segment, and `*` cannot be routed"),
                ));
            } else {
                shape.push_str(segment);
            }
        }
        if let Some(other) = shapes.insert(shape, at) {
            return Err(Error::unsupported(
                at,
                format!("the path `{path}` cannot be told apart from the one at {other}"),
            ));
        }
    }
    Ok(())
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

/// The pointer of a struct reachable from `ty` that forbids unknown fields.
fn forbids_unknown_fields(api: &Api, ty: &Type, visiting: &mut Vec<String>) -> Option<Pointer> {
    match &ty.shape {
        Shape::Array(item) | Shape::Map(item) => forbids_unknown_fields(api, item, visiting),
        Shape::Named(name) => {
            if visiting.contains(name) {
                return None;
            }
            let def = api.type_def(name)?;
            visiting.push(name.clone());
            let found = match &def.kind {
                TypeKind::Struct(s) => {
                    if s.additional_properties == Additional::Forbidden {
                        Some(def.pointer.clone())
                    } else {
                        s.fields.iter().find_map(|f| forbids_unknown_fields(api, &f.ty, visiting)).or_else(|| match &s
                            .additional_properties
                        {
                            Additional::Typed(value) => forbids_unknown_fields(api, value, visiting),
                            _ => None,
                        })
                    }
                }
                TypeKind::Map(value) | TypeKind::Alias(value) => forbids_unknown_fields(api, value, visiting),
                TypeKind::Union(u) => u.variants.iter().find_map(|v| forbids_unknown_fields(api, &v.ty, visiting)),
                TypeKind::Enum(_) | TypeKind::ValueEnum(_) => None,
            };
            visiting.pop();
            found
        }
        Shape::Primitive(_) | Shape::Any => None,
    }
}
