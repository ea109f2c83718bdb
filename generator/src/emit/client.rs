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
//! - `Authorization: Bearer <token>` for operations whose security is an HTTP
//!   bearer scheme;
//! - an operation with `servers` of its own (or of its path item) goes to the
//!   first of them (variables at their defaults; a relative one under the
//!   base URL) unless `ClientBuilder::operation_server` replaces it;
//! - JSON request bodies with `Content-Type: application/json`; without a
//!   JSON media type, a form (`application/x-www-form-urlencoded`) or
//!   multipart (`multipart/form-data`) body when the first documented media
//!   type is one (see `client/forms.rs`), else a raw body (`&str` for
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
//! media types other than `multipart/form-data`, other security schemes) is an
//! [`Error::Unsupported`] naming the place in the spec.

mod forms;
mod runtime;

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};

use super::{describe_constraints, doc_lines, format, ident, rust_type, validate};
use crate::error::{Error, Result};
use crate::ir::{
    Api, Content, Location, Operation, Parameter, ParameterEncoding, Primitive, Response, SecuritySchemeKind, Shape,
    StatusCode, Style, Type, TypeKind, is_json,
};
use crate::pointer::Pointer;
use runtime::{Runtime, Uses};

/// Dependencies the generated client code uses (name, Cargo requirement),
/// added as optional dependencies behind the `client` feature of standalone
/// crates. The same requirements as the workspace's `ipfs-pinning-client`
/// (see [`dependencies`] for APIs with multipart bodies).
pub const DEPENDENCIES: &[(&str, &str)] = &[
    ("reqwest", r#"{ version = "0.13", default-features = false, features = ["rustls-no-provider"] }"#),
    ("rustls", r#"{ version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }"#),
];

/// [`DEPENDENCIES`], with reqwest's `multipart` feature when `api` sends
/// `multipart/form-data` bodies.
pub fn dependencies(api: &Api) -> Vec<(&'static str, &'static str)> {
    let multipart = r#"{ version = "0.13", default-features = false, features = ["rustls-no-provider", "multipart"] }"#;
    DEPENDENCIES
        .iter()
        .map(|&(name, req)| (name, if name == "reqwest" && super::forms::has_multipart(api) { multipart } else { req }))
        .collect()
}

/// Method names the client itself uses.
const RESERVED_METHODS: &[&str] = &["new", "builder", "base_url", "send"];

/// The client file. `models` is the path of the models module as seen from
/// the generated file (`::ipfs_pinning_models` or `crate::models`).
pub fn client(api: &Api, header: &str, models: &str) -> Result<String> {
    let paths = Pointer::root().join("paths");
    let models: TokenStream = format!("{models}::")
        .parse()
        .map_err(|e| Error::Emit { pointer: paths.clone(), message: format!("models path `{models}`: {e}") })?;
    let error_body = error_body(api)?;
    let plans = api
        .operations
        .iter()
        .map(|op| OpPlan::new(api, op, &models, error_body.as_ref().map(|(t, _)| t)))
        .collect::<Result<Vec<_>>>()?;
    let mut uses = Uses {
        headers: plans.iter().any(OpPlan::sends_headers),
        operation_servers: api.operations.iter().any(|op| !op.servers.is_empty()),
        // Every request carries the multipart field once one operation sends a multipart body.
        multipart: plans.iter().any(|p| matches!(p.body, Some(Body { encoding: Encoding::Multipart(_), .. }))),
        ..Uses::default()
    };
    let bearer = plans.iter().any(|plan| plan.auth);
    let items = plans.iter().map(|plan| plan.emit(&mut uses)).collect::<Result<Vec<_>>>()?;
    let runtime = Runtime {
        models: models.clone(),
        bearer,
        error_body: error_body.map(|(ty, name)| (rust_type(&ty, &models), name)),
        uses,
    }
    .tokens();
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
        #runtime
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

/// The operations this emitter cannot express, by index, with the reason
/// (see [`crate::skip`]).
pub fn refusals(api: &Api) -> Result<Vec<(usize, Error)>> {
    let models = quote!(crate::models::);
    let error_body = error_body(api)?;
    let mut refused = Vec::new();
    for (i, op) in api.operations.iter().enumerate() {
        match OpPlan::new(api, op, &models, error_body.as_ref().map(|(t, _)| t)) {
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

/// What a response's body is, as the client reads it.
#[derive(Debug, Clone)]
enum Read {
    /// No content documented.
    Nothing,
    /// JSON (the first JSON media type), of this type (`None`: no schema).
    Json(Option<Box<Type>>),
    /// `text/*` without a JSON alternative: a `String`.
    Text,
    /// Any other media type: the bytes.
    Bytes,
}

impl Read {
    fn of(response: &Response) -> Read {
        let Some(first) = response.content.first() else { return Read::Nothing };
        if let Some(json) = response.content.iter().find(|c| is_json(&c.media_type)) {
            return Read::Json(json.ty.clone().map(Box::new));
        }
        let essence = first.media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if essence.starts_with("text/") { Read::Text } else { Read::Bytes }
    }

    /// Whether two responses read the same way (JSON: as the same Rust type).
    fn same(&self, other: &Read, models: &TokenStream) -> bool {
        let json = |t: &Option<Box<Type>>| t.as_ref().map(|t| rust_type(t, models).to_string());
        match (self, other) {
            (Read::Nothing, Read::Nothing) | (Read::Text, Read::Text) | (Read::Bytes, Read::Bytes) => true,
            (Read::Json(a), Read::Json(b)) => json(a) == json(b),
            _ => false,
        }
    }
}

/// The JSON body of a response: `None` when it documents no JSON content
/// (an error status with a text body is then an unexpected response).
fn json_body(response: &Response) -> Result<Option<Option<Type>>> {
    Ok(match Read::of(response) {
        Read::Json(ty) => Some(ty.map(|t| *t)),
        _ => None,
    })
}

/// How a scalar value becomes text on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scalar {
    /// A string: sent as it is.
    Text,
    /// RFC 3339.
    DateTime,
    /// Numbers, booleans, dates, enums: their `Display` (enums: the wire value).
    Display,
}

impl Scalar {
    fn of(api: &Api, ty: &Type) -> Option<Scalar> {
        let ty = api.resolve_aliases(ty);
        if ty.nullable {
            return None;
        }
        match &ty.shape {
            Shape::Primitive(Primitive::String | Primitive::Bytes(_)) => Some(Scalar::Text),
            Shape::Primitive(Primitive::DateTime) => Some(Scalar::DateTime),
            Shape::Primitive(_) => Some(Scalar::Display),
            Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
                Some(TypeKind::Enum(_)) => Some(Scalar::Display),
                _ => None,
            },
            Shape::Array(_) | Shape::Map(_) | Shape::Any => None,
        }
    }

    /// A function from `&T` to `String`.
    fn function(self) -> TokenStream {
        match self {
            Scalar::DateTime => quote!(date_time),
            Scalar::Text | Scalar::Display => quote!(::std::string::ToString::to_string),
        }
    }

    /// An expression of type `String` for `value` (a `&T`).
    fn to_string(self, value: &TokenStream) -> TokenStream {
        let function = self.function();
        quote!(#function(#value))
    }
}

/// How one parameter's value is put on the wire.
#[derive(Debug, Clone)]
enum Wire {
    /// A path segment.
    Segment(Scalar),
    /// A path segment from a union of scalars: the variant's text.
    SegmentUnion { rust: TokenStream, arms: Vec<(proc_macro2::Ident, Scalar)> },
    /// `name=value`.
    Query(Scalar),
    /// An array: `name=a,b` (joined at the style's delimiter) or `name=a&name=b`.
    QueryArray { item: Scalar, item_type: TokenStream, explode: bool, delimiter: Delimiter, guard: bool },
    /// `name=<JSON>`.
    QueryJson,
    /// A header, its value as it is (`style: simple`).
    Header(Scalar),
    /// A header list, `a,b` (`style: simple`; `explode` makes no difference).
    HeaderArray { item: Scalar, item_type: TokenStream },
    /// `name=value` in the `Cookie` header, percent-encoded (`style: form`).
    Cookie(Scalar),
    /// `name=a,b` in the `Cookie` header (`style: form`, `explode: false`).
    CookieArray { item: Scalar, item_type: TokenStream },
    /// `deepObject`: `name[key]=value` per property or entry.
    QueryDeep(Deep),
    /// A union: the variant it holds, as a scalar or an array would be sent.
    QueryUnion { rust: TokenStream, arms: Vec<(proc_macro2::Ident, Wire)> },
}

/// What separates the items of an array sent in one query value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delimiter {
    /// `form`: a literal `,` (servers decode the value before splitting it,
    /// so an item cannot contain a comma in any encoding).
    Comma,
    /// `spaceDelimited`: `%20`.
    Space,
    /// `pipeDelimited`: a literal `|`.
    Pipe,
}

impl Delimiter {
    /// The character items cannot contain (the server splits at it in any encoding).
    fn char(self) -> char {
        match self {
            Delimiter::Comma => ',',
            Delimiter::Space => ' ',
            Delimiter::Pipe => '|',
        }
    }
}

/// The properties or entries of a `deepObject` parameter.
#[derive(Debug, Clone)]
enum Deep {
    /// A struct of scalar properties: field, wire name, scalar, `Option` in
    /// the struct; then the map of other properties (`additionalProperties`).
    Struct { fields: Vec<(proc_macro2::Ident, String, Scalar, bool)>, others: Option<(proc_macro2::Ident, Scalar)> },
    /// A map of scalars.
    Map(Scalar),
}

struct Param<'a> {
    p: &'a Parameter,
    /// The parameter's type without `nullable` (a parameter has no null).
    ty: Type,
    /// `rust_type(ty)`.
    rust: TokenStream,
    wire: Wire,
}

impl<'a> Param<'a> {
    fn new(api: &Api, p: &'a Parameter, models: &TokenStream) -> Result<Self> {
        let unsupported = |message: String| Err(Error::unsupported(&p.pointer, message));
        if p.allow_reserved {
            return unsupported("`allowReserved: true`".to_owned());
        }
        let ty = Type { nullable: false, ..p.ty().clone() };
        let rust = rust_type(&ty, models);
        let wire = match (&p.encoding, p.location) {
            (ParameterEncoding::Content { media_type, .. }, Location::Query) => {
                if !is_json(media_type) {
                    return unsupported(format!("query parameters encoded as `{media_type}`"));
                }
                Wire::QueryJson
            }
            (ParameterEncoding::Content { .. }, location) => {
                return unsupported(format!("`content` parameters in the {}", location.spec_name()));
            }
            (ParameterEncoding::Style(_), Location::Path) => {
                if p.style != Style::Simple {
                    return unsupported(format!("path parameters with `style: {}`", p.style.spec_name()));
                }
                match Scalar::of(api, &ty) {
                    Some(scalar) => Wire::Segment(scalar),
                    None => match union_of(api, &ty, models) {
                        Some((rust, variants)) => {
                            let mut arms = Vec::new();
                            for v in variants {
                                let Some(scalar) = Scalar::of(api, &v.ty).filter(|_| !v.boxed) else {
                                    return Err(Error::unsupported(
                                        &v.pointer,
                                        "a variant of a path parameter's union that is not a string, number, boolean or enum",
                                    ));
                                };
                                arms.push((ident(&v.name), scalar));
                            }
                            Wire::SegmentUnion { rust, arms }
                        }
                        None => {
                            return unsupported(
                                "path parameters that are not a string, number, boolean, enum or a union of them"
                                    .to_owned(),
                            );
                        }
                    },
                }
            }
            (ParameterEncoding::Style(_), Location::Query) => query_wire(api, p, &ty, models)?,
            (ParameterEncoding::Style(_), Location::Header | Location::Cookie) => header_wire(api, p, &ty, models)?,
        };
        Ok(Param { p, ty, rust, wire })
    }

    /// The field name in the query struct.
    fn name(&self) -> proc_macro2::Ident {
        ident(&self.p.name)
    }

    /// The argument name: the parameter's, unless the method body uses it
    /// for a local (argument names are not part of a Rust function's API).
    fn arg(&self) -> proc_macro2::Ident {
        arg_ident(&self.p.name)
    }
}

/// How a header (`style: simple`) or cookie (`style: form`) parameter is
/// sent: scalars and arrays of scalars; cookie arrays only with `explode: false`.
fn header_wire(api: &Api, p: &Parameter, ty: &Type, models: &TokenStream) -> Result<Wire> {
    let cookie = p.location == Location::Cookie;
    if let Some(scalar) = Scalar::of(api, ty) {
        return Ok(if cookie { Wire::Cookie(scalar) } else { Wire::Header(scalar) });
    }
    let where_ = if cookie { "cookies" } else { "headers" };
    let Shape::Array(item) = &api.resolve_aliases(ty).shape else {
        return Err(Error::unsupported(
            &p.pointer.join("schema"),
            format!("objects, maps or untyped values in {where_}"),
        ));
    };
    let Some(scalar) = Scalar::of(api, item) else {
        return Err(Error::unsupported(
            &p.pointer.join("schema"),
            format!("arrays in {where_} whose items are not scalars"),
        ));
    };
    let item_type = rust_type(item, models);
    if !cookie {
        return Ok(Wire::HeaderArray { item: scalar, item_type });
    }
    if p.explode {
        return Err(Error::unsupported(
            &p.pointer,
            "a cookie array with `explode: true` (the default of `style: form`): cookies have no form for it; `explode: false` sends `name=a,b`",
        ));
    }
    Ok(Wire::CookieArray { item: scalar, item_type })
}

/// Locals of the generated methods (and `query`, the query struct argument).
const LOCALS: &[&str] = &[
    "query",
    "out",
    "value",
    "given",
    "item",
    "items",
    "json",
    "path",
    "query_string",
    "parts",
    "raw",
    "documented",
    "violations",
    "form",
    "headers",
];

fn arg_ident(name: &str) -> proc_macro2::Ident {
    let bare = crate::lower::names::unraw(name);
    if LOCALS.contains(&bare) { format_ident!("{}_", bare) } else { ident(name) }
}

/// What a success returns.
enum Success {
    /// No body documented: `()`, whatever the server sends.
    Unit,
    /// A `text/*` body: the `String` (UTF-8).
    Text,
    /// A body of another media type: its bytes.
    Bytes,
    /// 2xx responses with different bodies: an enum named `{Op}Success`
    /// with a variant per documented 2xx response.
    Statuses(Vec<SuccessVariant>),
    /// The body as this type.
    Strict(TokenStream),
    /// The body as this type, `Decoded<T>`, after taking undecodable items out
    /// of these lists (`None`: the body itself is the list).
    Lenient(TokenStream, Vec<(Option<String>, TokenStream)>),
}

struct Body {
    name: proc_macro2::Ident,
    ty: Type,
    /// The argument's type (`&T`, `&[T]`, `Option<&T>`).
    arg: TokenStream,
    /// An expression of type `&rust_type(ty)` (unwrapped when optional).
    owned: TokenStream,
    required: bool,
    /// `[T]`: the argument is a slice.
    slice: bool,
    encoding: Encoding,
}

/// How a request body is sent.
enum Encoding {
    /// JSON of the body's type.
    Json,
    /// The media type of a raw body (`&str` for `text/*`, `&[u8]` for
    /// others), sent as it is.
    Raw(String),
    /// `application/x-www-form-urlencoded` pairs of the body's struct.
    Form(forms::FormPlan),
    /// `multipart/form-data` parts of the operation's `{Op}Multipart`.
    Multipart(forms::MultipartPlan),
}

struct OpPlan<'a> {
    api: &'a Api,
    op: &'a Operation,
    models: &'a TokenStream,
    path: Vec<PathPiece>,
    positional: Vec<Param<'a>>,
    optional: Vec<Param<'a>>,
    body: Option<Body>,
    success: Success,
    /// Statuses (not 2xx) whose documented body is the error type.
    failures: BTreeSet<u16>,
    auth: bool,
}

enum PathPiece {
    Literal(String),
    Param(usize),
}

impl<'a> OpPlan<'a> {
    fn new(api: &'a Api, op: &'a Operation, models: &'a TokenStream, error_type: Option<&Type>) -> Result<Self> {
        if RESERVED_METHODS.contains(&op.name.as_str()) {
            return Err(Error::unsupported(
                &op.pointer,
                format!("an operation named `{}`: the client uses that method name itself", op.name),
            ));
        }
        let mut positional = Vec::new();
        let mut optional = Vec::new();
        for p in &op.parameters {
            let param = Param::new(api, p, models)?;
            if p.required || p.location == Location::Path {
                positional.push(param);
            } else {
                optional.push(param);
            }
        }
        // Path parameters first, in template order; then required query parameters.
        let path = path_pieces(op, &positional)?;
        let mut order: Vec<usize> = path
            .iter()
            .filter_map(|piece| match piece {
                PathPiece::Param(i) => Some(*i),
                PathPiece::Literal(_) => None,
            })
            .collect();
        let rest: Vec<usize> = (0..positional.len()).filter(|i| !order.contains(i)).collect();
        order.extend(rest);
        let mut sorted: Vec<Option<Param<'a>>> = positional.into_iter().map(Some).collect();
        let positional: Vec<Param<'a>> = order.iter().filter_map(|&i| sorted[i].take()).collect();
        let path = path_pieces(op, &positional)?;
        let body = body(api, op, models, &positional)?;
        let success = success(api, op, models)?;
        let failures = failures(op, error_type)?;
        let auth = auth(api, op)?;
        Ok(OpPlan { api, op, models, path, positional, optional, body, success, failures, auth })
    }

    fn query_struct_name(&self) -> proc_macro2::Ident {
        format_ident!("{}Query", self.op.type_name)
    }

    /// Whether the operation sends header or cookie parameters.
    fn sends_headers(&self) -> bool {
        self.positional
            .iter()
            .chain(&self.optional)
            .any(|p| matches!(p.p.location, Location::Header | Location::Cookie))
    }

    fn emit(&self, uses: &mut Uses) -> Result<TokenStream> {
        let m = self.models;
        let op = self.op;
        let name = ident(&op.name);

        // Arguments.
        let mut args = Vec::new();
        let mut owned = Vec::new();
        for p in &self.positional {
            let arg = p.arg();
            let (arg_ty, own) = match &p.wire {
                Wire::Segment(Scalar::Text)
                | Wire::Query(Scalar::Text)
                | Wire::Header(Scalar::Text)
                | Wire::Cookie(Scalar::Text) => {
                    (quote!(&str), quote!(let #arg: ::std::string::String = ::std::borrow::ToOwned::to_owned(#arg);))
                }
                Wire::Segment(_) | Wire::Query(_) | Wire::Header(_) | Wire::Cookie(_) => (p.rust.clone(), quote!()),
                Wire::QueryArray { item_type, .. }
                | Wire::HeaderArray { item_type, .. }
                | Wire::CookieArray { item_type, .. } => {
                    let rust = &p.rust;
                    (quote!(&[#item_type]), quote!(let #arg: #rust = ::std::borrow::ToOwned::to_owned(#arg);))
                }
                Wire::QueryJson | Wire::QueryDeep(_) | Wire::QueryUnion { .. } | Wire::SegmentUnion { .. } => {
                    let rust = &p.rust;
                    (quote!(&#rust), quote!(let #arg: #rust = ::std::clone::Clone::clone(#arg);))
                }
            };
            args.push(quote!(#arg: #arg_ty));
            owned.push(own);
        }
        if let Some(body) = &self.body {
            let (name, arg) = (&body.name, &body.arg);
            args.push(quote!(#name: #arg));
        }
        let query_struct = (!self.optional.is_empty()).then(|| {
            let query = self.query_struct_name();
            args.push(quote!(query: &#query));
            self.query_struct()
        });

        // Constraint checks.
        let mut checks = Vec::new();
        for p in &self.positional {
            let arg = p.arg();
            let wire_name = &p.p.wire_name;
            let mut body = validate::checks(self.api, &p.ty, quote!(&#arg), quote!(#wire_name), m);
            if let Wire::Segment(Scalar::Text) = p.wire {
                uses.path_segment = true;
                body = quote!(check_segment(&#arg, #wire_name, out); #body);
            }
            if let Some(guard) = delimiter_checks(&p.wire, quote!(&#arg), wire_name, uses) {
                body = quote!(#guard #body);
            }
            if !body.is_empty() {
                checks.push(quote! { { let out = &mut violations; #body } });
            }
        }
        for p in &self.optional {
            let field = p.name();
            let wire_name = &p.p.wire_name;
            let mut body = validate::checks(self.api, &p.ty, quote!(given), quote!(#wire_name), m);
            if let Some(guard) = delimiter_checks(&p.wire, quote!(given), wire_name, uses) {
                body = quote!(#guard #body);
            }
            if !body.is_empty() {
                checks.push(quote! {
                    if let ::std::option::Option::Some(given) = &query.#field {
                        let out = &mut violations;
                        #body
                    }
                });
            }
        }
        if let Some(b) = self.body.as_ref().filter(|b| matches!(b.encoding, Encoding::Json | Encoding::Form(_))) {
            let (name, owned_expr) = (&b.name, &b.owned);
            let path = crate::lower::names::unraw(&b.name.to_string()).to_owned();
            let body = validate::checks(self.api, &b.ty, quote!(#owned_expr), quote!(#path), m);
            if !body.is_empty() {
                let slice_owned = b.slice.then(|| {
                    let rust = rust_type(&b.ty, m);
                    quote!(let #name: &#rust = &::std::borrow::ToOwned::to_owned(#name);)
                });
                if b.required {
                    checks.push(quote! { { #slice_owned let out = &mut violations; #body } });
                } else {
                    checks.push(quote! {
                        if let ::std::option::Option::Some(#name) = #name {
                            #slice_owned
                            let out = &mut violations;
                            #body
                        }
                    });
                }
            }
        }
        if let Some(Body { encoding: Encoding::Multipart(plan), name, required, .. }) = &self.body {
            let body = plan.checks(&quote!(#name));
            if !body.is_empty() {
                checks.push(if *required {
                    quote! { { let out = &mut violations; #body } }
                } else {
                    quote! {
                        if let ::std::option::Option::Some(#name) = #name {
                            let out = &mut violations;
                            #body
                        }
                    }
                });
            }
        }
        let validation = (!checks.is_empty()).then(|| {
            quote! {
                let mut violations: ::std::vec::Vec<#m validation::Violation> = ::std::vec::Vec::new();
                #(#checks)*
                #m validation::Violations::check(violations)?;
            }
        });

        // The path.
        let mut path = Vec::new();
        for piece in &self.path {
            match piece {
                // One character is pushed as a `char` (clippy's `single_char_add_str`).
                PathPiece::Literal(text) => path.push(match text.chars().collect::<Vec<_>>().as_slice() {
                    [one] => quote!(path.push(#one);),
                    _ => quote!(path.push_str(#text);),
                }),
                PathPiece::Param(i) => {
                    let p = &self.positional[*i];
                    let arg = p.arg();
                    if let Wire::SegmentUnion { rust, arms } = &p.wire {
                        uses.encode = true;
                        let arms = arms.iter().map(|(variant, scalar)| {
                            uses.date_time |= *scalar == Scalar::DateTime;
                            let text = match scalar {
                                Scalar::Text => quote!(value),
                                _ => {
                                    let text = scalar.to_string(&quote!(value));
                                    quote!(&#text)
                                }
                            };
                            quote!(#rust::#variant(value) => encode_into(&mut path, #text),)
                        });
                        path.push(quote!(match &#arg { #(#arms)* }));
                        continue;
                    }
                    let Wire::Segment(scalar) = p.wire else {
                        return Err(Error::Emit {
                            pointer: p.p.pointer.clone(),
                            message: "a path template names a parameter that is not in the path".to_owned(),
                        });
                    };
                    uses.encode = true;
                    path.push(match scalar {
                        Scalar::Text => quote!(encode_into(&mut path, &#arg);),
                        _ => {
                            let text = scalar.to_string(&quote!(&#arg));
                            if scalar == Scalar::DateTime {
                                uses.date_time = true;
                            }
                            quote!(encode_into(&mut path, &#text);)
                        }
                    });
                }
            }
        }

        // The query.
        let mut query = Vec::new();
        for p in &self.positional {
            let arg = p.arg();
            if let Some(push) = query_push(p, quote!(&#arg), uses) {
                query.push(push);
            }
        }
        for p in &self.optional {
            let field = p.name();
            if let Some(push) = query_push(p, quote!(value), uses) {
                query.push(quote! {
                    if let ::std::option::Option::Some(value) = &query.#field {
                        #push
                    }
                });
            }
        }
        let query_init = if query.is_empty() {
            quote!(let query_string = QueryString::default();)
        } else {
            quote!(let mut query_string = QueryString::default(); #(#query)*)
        };

        // Header and cookie parameters (when the API has any).
        let mut headers = Vec::new();
        for p in &self.positional {
            let arg = p.arg();
            headers.extend(header_push(p, quote!(&#arg), uses));
        }
        for p in &self.optional {
            let field = p.name();
            if let Some(push) = header_push(p, quote!(value), uses) {
                headers.push(quote! {
                    if let ::std::option::Option::Some(value) = &query.#field {
                        #push
                    }
                });
            }
        }
        let (headers_init, headers_field) = match (uses.headers, headers.is_empty()) {
            (false, _) => (quote!(), quote!()),
            (true, true) => (quote!(let headers = ::reqwest::header::HeaderMap::new();), quote!(headers,)),
            (true, false) => (
                quote! {
                    let mut headers = HeaderParams::default();
                    #(#headers)*
                    let headers = headers.finish()?;
                },
                quote!(headers,),
            ),
        };

        // The body.
        let body_expr = match &self.body {
            Some(Body { encoding: Encoding::Multipart(_), .. }) | None => quote!(::std::option::Option::None),
            Some(b) => {
                let name = &b.name;
                let encode = match &b.encoding {
                    Encoding::Json => {
                        quote!(("application/json", ::serde_json::to_vec(#name).map_err(Error::Encode)?))
                    }
                    Encoding::Raw(media) if b.ty.shape == Shape::Primitive(Primitive::String) => {
                        quote!((#media, ::std::vec::Vec::from(#name.as_bytes())))
                    }
                    Encoding::Raw(media) => quote!((#media, ::std::vec::Vec::from(#name))),
                    Encoding::Form(plan) => plan.encode(&quote!(#name), uses),
                    Encoding::Multipart(_) => quote!(::std::option::Option::None),
                };
                if b.required {
                    quote!(::std::option::Option::Some(#encode))
                } else {
                    quote! {
                        match #name {
                            ::std::option::Option::Some(#name) => ::std::option::Option::Some(#encode),
                            ::std::option::Option::None => ::std::option::Option::None,
                        }
                    }
                }
            }
        };

        // The response.
        let documented = status_pattern(&self.failures);
        let (ret, decode, accept_json) = match &self.success {
            Success::Unit => (quote!(()), quote!(::std::result::Result::Ok(())), !self.failures.is_empty()),
            Success::Text => {
                uses.text = true;
                (quote!(::std::string::String), quote!(raw.text()), !self.failures.is_empty())
            }
            Success::Bytes => {
                uses.bytes = true;
                (quote!(::std::vec::Vec<u8>), quote!(raw.bytes()), !self.failures.is_empty())
            }
            Success::Statuses(variants) => {
                let name = self.success_enum_name();
                let mut arms = Vec::new();
                let mut accept_json = !self.failures.is_empty();
                uses.undecodable = true;
                for v in variants {
                    let variant = &v.name;
                    let (pattern, status) = match v.status {
                        StatusCode::Exact(code) => (Literal::u16_unsuffixed(code).into_token_stream(), None),
                        _ => (quote!(code if (200..300).contains(&code)), Some(quote!(raw.status))),
                    };
                    let read = match &v.read {
                        Read::Nothing => None,
                        Read::Json(ty) => {
                            uses.decode = true;
                            accept_json = true;
                            let ty = rust_type(&ty.as_deref().cloned().unwrap_or_else(|| Type::new(Shape::Any)), m);
                            Some(quote!(raw.decode::<#ty>()?))
                        }
                        Read::Text => {
                            uses.text = true;
                            Some(quote!(raw.text()?))
                        }
                        Read::Bytes => {
                            uses.bytes = true;
                            Some(quote!(raw.bytes()?))
                        }
                    };
                    let fields: Vec<TokenStream> = status.into_iter().chain(read).collect();
                    let value =
                        if fields.is_empty() { quote!(#name::#variant) } else { quote!(#name::#variant(#(#fields),*)) };
                    arms.push(quote!(#pattern => ::std::result::Result::Ok(#value),));
                }
                let decode = quote! {
                    match raw.status.as_u16() {
                        #(#arms)*
                        _ => ::std::result::Result::Err(raw.undecodable("the spec documents no response for this success status".to_owned())),
                    }
                };
                (quote!(#name), decode, accept_json)
            }
            Success::Strict(ty) => {
                uses.decode = true;
                (ty.clone(), quote!(raw.decode::<#ty>()), true)
            }
            Success::Lenient(ty, lists) => {
                uses.decode_lenient = true;
                let skips = lists.iter().map(|(field, item)| {
                    let field = match field {
                        Some(f) => quote!(::std::option::Option::Some(#f)),
                        None => quote!(::std::option::Option::None),
                    };
                    quote!(skip_items::<#item>(value, #field, skipped);)
                });
                (quote!(Decoded<#ty>), quote!(raw.decode_lenient::<#ty>(|value, skipped| { #(#skips)* })), true)
            }
        };
        let method = format_ident!("{}", op.method.as_str());
        let auth = self.auth;
        let server = uses.operation_servers.then(|| match op.servers.first() {
            Some(url) => quote!(server: ::std::option::Option::Some(#url),),
            None => quote!(server: ::std::option::Option::None,),
        });

        // Docs.
        let mut paragraphs: Vec<String> = Vec::new();
        paragraphs.extend(op.summary.clone());
        paragraphs.extend(op.description.clone());
        paragraphs.push(format!("`{} {}`", op.method.as_str(), op.path));
        if let Some(b) = &self.body {
            let what = match b.ty.named() {
                Some(name) => format!("`{name}`"),
                None => "the body".to_owned(),
            };
            let name = crate::lower::names::unraw(&b.name.to_string()).to_owned();
            paragraphs.push(match &b.encoding {
                Encoding::Json => format!("`{name}`: {what}, sent as JSON."),
                Encoding::Raw(media) => format!("`{name}`: sent as it is, as `{media}`."),
                Encoding::Form(_) => format!("`{name}`: {what}, sent as `application/x-www-form-urlencoded`."),
                Encoding::Multipart(plan) => {
                    format!("`{name}`: {what}, sent as `multipart/form-data` (see [`{}`]).", plan.name)
                }
            });
        }
        paragraphs.extend(op.ignored_parameters.iter().map(|p| p.note()));
        if let Success::Lenient(..) = self.success {
            paragraphs.push(
                "Items of the response's lists that cannot be decoded are reported in `Decoded::skipped`.".to_owned(),
            );
        }
        if let Some(url) = op.servers.first() {
            paragraphs.push(if url.starts_with('/') {
                format!(
                    "Sent under the base URL followed by `{url}`, the operation's own server (see `ClientBuilder::operation_server`)."
                )
            } else {
                format!(
                    "Sent to `{url}`, the operation's own server, not to the base URL (see `ClientBuilder::operation_server`)."
                )
            });
        }
        if op.deprecated {
            paragraphs.push("**Deprecated** in the spec.".to_owned());
        }
        let docs = doc_lines(paragraphs.iter().map(String::as_str));
        let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

        let success_enum = self.success_enum();
        let multipart_struct = match &self.body {
            Some(Body { encoding: Encoding::Multipart(plan), .. }) => Some(&plan.definition),
            _ => None,
        };
        let multipart = uses.multipart.then(|| {
            let value = match &self.body {
                Some(Body { encoding: Encoding::Multipart(plan), name, required, .. }) => {
                    let encode = plan.encode(&quote!(#name), uses);
                    if *required {
                        quote!(::std::option::Option::Some(#encode))
                    } else {
                        quote! {
                            match #name {
                                ::std::option::Option::Some(#name) => ::std::option::Option::Some(#encode),
                                ::std::option::Option::None => ::std::option::Option::None,
                            }
                        }
                    }
                }
                _ => quote!(::std::option::Option::None),
            };
            quote!(multipart: #value,)
        });
        Ok(quote! {
            #query_struct
            #multipart_struct
            #success_enum

            impl Client {
                #docs
                #deprecated
                pub async fn #name(&self, #(#args),*) -> ::std::result::Result<#ret, Error> {
                    #(#owned)*
                    #validation
                    let mut path = ::std::string::String::new();
                    #(#path)*
                    #query_init
                    #headers_init
                    let parts = RequestParts {
                        method: ::reqwest::Method::#method,
                        path,
                        query: query_string,
                        #headers_field
                        accept_json: #accept_json,
                        body: #body_expr,
                        #server
                        #multipart
                    };
                    let raw = self.send(parts, #auth).await?;
                    if raw.status.is_success() {
                        #decode
                    } else {
                        let documented = #documented;
                        ::std::result::Result::Err(Error::from_failure(raw, documented))
                    }
                }
            }
        })
    }

    fn success_enum_name(&self) -> proc_macro2::Ident {
        format_ident!("{}Success", self.op.type_name)
    }

    /// `{Op}Success`, when the 2xx responses have different bodies.
    fn success_enum(&self) -> Option<TokenStream> {
        let Success::Statuses(variants) = &self.success else { return None };
        let name = self.success_enum_name();
        let m = self.models;
        let declared = variants.iter().map(|v| {
            let variant = &v.name;
            let key = match v.status {
                StatusCode::Exact(code) => code.to_string(),
                _ => "2XX".to_owned(),
            };
            let doc = format!(" `{key}`: {}", v.description.trim().replace('\t', "    "));
            let mut fields: Vec<TokenStream> = Vec::new();
            if !matches!(v.status, StatusCode::Exact(_)) {
                fields.push(quote!(::reqwest::StatusCode));
            }
            match &v.read {
                Read::Nothing => {}
                Read::Json(ty) => {
                    fields.push(rust_type(&ty.as_deref().cloned().unwrap_or_else(|| Type::new(Shape::Any)), m))
                }
                Read::Text => fields.push(quote!(::std::string::String)),
                Read::Bytes => fields.push(quote!(::std::vec::Vec<u8>)),
            }
            let fields = (!fields.is_empty()).then(|| quote!((#(#fields),*)));
            quote!(#[doc = #doc] #variant #fields,)
        });
        let doc = format!(
            " What [`Client::{}`] returns: one variant per 2xx response the spec documents (their bodies differ).",
            crate::lower::names::unraw(&self.op.name)
        );
        Some(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #(#declared)* }
        })
    }

    /// `{Op}Query`: the optional parameters, with `Default` and a builder-style setter per field.
    fn query_struct(&self) -> TokenStream {
        let query = self.query_struct_name();
        let mut fields = Vec::new();
        let mut setters = Vec::new();
        for p in &self.optional {
            let name = p.name();
            let rust = &p.rust;
            let mut paragraphs: Vec<String> = p.p.docs.iter().cloned().collect();
            paragraphs.extend(describe_constraints(&p.ty.constraints));
            if let Some(default) = &p.ty.default {
                paragraphs.push(format!("Default (applied by the server when absent): `{default}`."));
            }
            paragraphs.push(match &p.wire {
                Wire::Query(_) | Wire::Segment(_) | Wire::SegmentUnion { .. } => {
                    format!("Sent as `{}=<value>`.", p.p.wire_name)
                }
                Wire::QueryArray { explode: false, delimiter: Delimiter::Comma, .. } => {
                    format!("Sent once, comma-separated: `{}=a,b`.", p.p.wire_name)
                }
                Wire::QueryArray { explode: false, delimiter: Delimiter::Space, .. } => {
                    format!("Sent once, space-separated: `{}=a%20b` (items cannot contain a space).", p.p.wire_name)
                }
                Wire::QueryArray { explode: false, delimiter: Delimiter::Pipe, .. } => {
                    format!("Sent once, pipe-separated: `{}=a|b` (items cannot contain `|`).", p.p.wire_name)
                }
                Wire::QueryDeep(_) => {
                    format!("Sent as `{0}[key]=value` per property: `{0}[a]=1&{0}[b]=2`.", p.p.wire_name)
                }
                Wire::QueryUnion { .. } => format!(
                    "Sent as the variant it holds: a scalar as `{0}=<value>`, a list as the style sends lists.",
                    p.p.wire_name
                ),
                Wire::QueryArray { explode: true, .. } => {
                    format!("Sent as one `{0}=` per item: `{0}=a&{0}=b`.", p.p.wire_name)
                }
                Wire::QueryJson => format!("Sent as URL-encoded JSON: `{}=%7B...%7D`.", p.p.wire_name),
                Wire::Header(_) => format!("Sent as the `{}` header.", p.p.wire_name),
                Wire::HeaderArray { .. } => format!("Sent as the `{}` header, comma-separated: `a,b`.", p.p.wire_name),
                Wire::Cookie(_) => format!("Sent as the cookie `{}=<value>`, percent-encoded.", p.p.wire_name),
                Wire::CookieArray { .. } => {
                    format!("Sent as the cookie `{}=a,b`, each item percent-encoded.", p.p.wire_name)
                }
            });
            if p.p.deprecated {
                paragraphs.push("**Deprecated** in the spec.".to_owned());
            }
            let docs = doc_lines(paragraphs.iter().map(String::as_str));
            fields.push(quote! {
                #docs
                pub #name: ::std::option::Option<#rust>,
            });
            let setter_doc = format!(" Sets [`{query}::{}`].", crate::lower::names::unraw(&p.p.name));
            setters.push(match &p.wire {
                Wire::QueryArray { item_type, .. }
                | Wire::HeaderArray { item_type, .. }
                | Wire::CookieArray { item_type, .. } => quote! {
                    #[doc = #setter_doc]
                    pub fn #name<I>(mut self, values: I) -> Self
                    where
                        I: ::std::iter::IntoIterator,
                        I::Item: ::std::convert::Into<#item_type>,
                    {
                        self.#name = ::std::option::Option::Some(values.into_iter().map(::std::convert::Into::into).collect());
                        self
                    }
                },
                _ => quote! {
                    #[doc = #setter_doc]
                    pub fn #name(mut self, value: impl ::std::convert::Into<#rust>) -> Self {
                        self.#name = ::std::option::Option::Some(value.into());
                        self
                    }
                },
            });
        }
        let doc = format!(
            " The optional parameters of [`Client::{}`]; `None` leaves a parameter out.",
            crate::lower::names::unraw(&self.op.name)
        );
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Default, PartialEq)]
            pub struct #query {
                #(#fields)*
            }

            impl #query {
                #(#setters)*
            }
        }
    }
}

/// Statements adding a parameter to `query_string`; `value` is a `&T`.
fn query_push(p: &Param<'_>, value: TokenStream, uses: &mut Uses) -> Option<TokenStream> {
    push_wire(&p.p.wire_name, &p.wire, value, uses)
}

/// Statements adding `value` (a `&T`) to `query_string` as `wire` says.
fn push_wire(wire_name: &str, wire: &Wire, value: TokenStream, uses: &mut Uses) -> Option<TokenStream> {
    Some(match wire {
        Wire::Segment(_)
        | Wire::SegmentUnion { .. }
        | Wire::Header(_)
        | Wire::HeaderArray { .. }
        | Wire::Cookie(_)
        | Wire::CookieArray { .. } => return None,
        Wire::Query(scalar) => {
            uses.query_value = true;
            uses.date_time |= *scalar == Scalar::DateTime;
            match scalar {
                Scalar::Text => quote!(query_string.push(#wire_name, #value);),
                _ => {
                    let text = scalar.to_string(&value);
                    quote!(query_string.push(#wire_name, &#text);)
                }
            }
        }
        Wire::QueryArray { item, explode, delimiter, .. } => {
            uses.date_time |= *item == Scalar::DateTime;
            let text = item.to_string(&quote!(item));
            let function = item.function();
            if *explode {
                uses.query_value = true;
                quote! {
                    for item in #value {
                        query_string.push(#wire_name, &#text);
                    }
                }
            } else {
                uses.query_joined = true;
                // Commas and pipes literal; a space as `%20`.
                let delimiter = match delimiter {
                    Delimiter::Comma => ",",
                    Delimiter::Space => "%20",
                    Delimiter::Pipe => "|",
                };
                let iter = iter(&value);
                quote! {
                    let items: ::std::vec::Vec<::std::string::String> = #iter.map(#function).collect();
                    query_string.push_joined(#wire_name, &items, #delimiter);
                }
            }
        }
        Wire::QueryDeep(deep) => {
            uses.query_deep = true;
            let text = |scalar: Scalar, item: TokenStream, uses: &mut Uses| {
                uses.date_time |= scalar == Scalar::DateTime;
                match scalar {
                    Scalar::Text => item,
                    _ => {
                        let text = scalar.to_string(&item);
                        quote!(&#text)
                    }
                }
            };
            match deep {
                Deep::Map(scalar) => {
                    let text = text(*scalar, quote!(item), uses);
                    quote! {
                        for (key, item) in #value {
                            query_string.push_deep(#wire_name, key, #text);
                        }
                    }
                }
                Deep::Struct { fields, others } => {
                    let mut pushes = Vec::new();
                    for (field, key, scalar, optional) in fields {
                        if *optional {
                            let text = text(*scalar, quote!(item), uses);
                            pushes.push(quote! {
                                if let ::std::option::Option::Some(item) = &object.#field {
                                    query_string.push_deep(#wire_name, #key, #text);
                                }
                            });
                        } else {
                            let text = text(*scalar, quote!(&object.#field), uses);
                            pushes.push(quote!(query_string.push_deep(#wire_name, #key, #text);));
                        }
                    }
                    if let Some((field, scalar)) = others {
                        let text = text(*scalar, quote!(item), uses);
                        pushes.push(quote! {
                            for (key, item) in &object.#field {
                                query_string.push_deep(#wire_name, key, #text);
                            }
                        });
                    }
                    quote!({ let object = #value; #(#pushes)* })
                }
            }
        }
        Wire::QueryUnion { rust, arms } => {
            let arms = arms.iter().map(|(variant, wire)| {
                let push = push_wire(wire_name, wire, quote!(value), uses);
                quote!(#rust::#variant(value) => { #push })
            });
            quote!(match #value { #(#arms)* })
        }
        Wire::QueryJson => {
            uses.query_value = true;
            quote! {
                let json = ::serde_json::to_string(#value).map_err(Error::Encode)?;
                query_string.push(#wire_name, &json);
            }
        }
    })
}

/// Statements adding a header or cookie parameter to `headers` (a
/// `HeaderParams`); `value` is a `&T`.
fn header_push(p: &Param<'_>, value: TokenStream, uses: &mut Uses) -> Option<TokenStream> {
    let wire_name = &p.p.wire_name;
    let (scalar, add) = match &p.wire {
        Wire::Header(scalar) => {
            uses.header_value = true;
            (*scalar, quote!(header))
        }
        Wire::HeaderArray { item, .. } => {
            uses.header_list = true;
            (*item, quote!(header_list))
        }
        Wire::Cookie(scalar) => {
            uses.cookie_value = true;
            (*scalar, quote!(cookie))
        }
        Wire::CookieArray { item, .. } => {
            uses.cookie_list = true;
            (*item, quote!(cookie_list))
        }
        // Path and query parameters.
        _ => return None,
    };
    uses.date_time |= scalar == Scalar::DateTime;
    let list = matches!(p.wire, Wire::HeaderArray { .. } | Wire::CookieArray { .. });
    Some(if list {
        let function = scalar.function();
        quote! {
            let items: ::std::vec::Vec<::std::string::String> = #value.iter().map(#function).collect();
            headers.#add(#wire_name, &items);
        }
    } else if scalar == Scalar::Text {
        quote!(headers.#add(#wire_name, #value);)
    } else {
        let text = scalar.to_string(&value);
        quote!(headers.#add(#wire_name, &#text);)
    })
}

/// How a styled query parameter of type `ty` (without `nullable`) is sent:
/// `form`, `spaceDelimited` and `pipeDelimited` send a scalar as
/// `name=value` and an array per the style and `explode`; a union sends the
/// variant it holds; `deepObject` sends objects and maps.
fn query_wire(api: &Api, p: &Parameter, ty: &Type, models: &TokenStream) -> Result<Wire> {
    let delimiter = match p.style {
        Style::Form => Delimiter::Comma,
        Style::SpaceDelimited => Delimiter::Space,
        Style::PipeDelimited => Delimiter::Pipe,
        Style::DeepObject => return deep_wire(api, p, ty).map(Wire::QueryDeep),
        other => {
            return Err(Error::unsupported(
                &p.pointer,
                format!("query parameters with `style: {}`", other.spec_name()),
            ));
        }
    };
    if let Some(wire) = scalar_or_array(api, ty, models, p.explode, delimiter, &p.pointer)? {
        return Ok(wire);
    }
    if let Some((rust, variants)) = union_of(api, ty, models) {
        let mut arms = Vec::new();
        for v in variants {
            let wire =
                if v.boxed { None } else { scalar_or_array(api, &v.ty, models, p.explode, delimiter, &v.pointer)? };
            let Some(wire) = wire else {
                return Err(Error::unsupported(
                    &v.pointer,
                    "a variant of a query parameter's union that is not a scalar or an array of scalars",
                ));
            };
            arms.push((ident(&v.name), wire));
        }
        return Ok(Wire::QueryUnion { rust, arms });
    }
    Err(Error::unsupported(
        &p.pointer,
        format!(
            "objects, maps or untyped values in the query with `style: {}` (`deepObject` or JSON content can carry objects)",
            p.style.spec_name()
        ),
    ))
}

/// A scalar or an array of scalars; `None` for other types.
fn scalar_or_array(
    api: &Api,
    ty: &Type,
    models: &TokenStream,
    explode: bool,
    delimiter: Delimiter,
    at: &Pointer,
) -> Result<Option<Wire>> {
    if let Some(scalar) = Scalar::of(api, ty) {
        return Ok(Some(Wire::Query(scalar)));
    }
    let resolved = api.resolve_aliases(ty);
    let Shape::Array(item) = &resolved.shape else { return Ok(None) };
    if resolved.nullable {
        return Ok(None);
    }
    let Some(scalar) = Scalar::of(api, item) else {
        return Err(Error::unsupported(at, "query arrays whose items are not scalars"));
    };
    // Numbers, booleans and dates never contain a `,`, a space or a `|`;
    // strings may, and enums whose values do.
    let may_contain = |c: char| match api.resolve_aliases(item).named().and_then(|name| api.type_def(name)) {
        Some(def) => match &def.kind {
            TypeKind::Enum(e) => e.variants.iter().any(|v| v.wire_name.contains(c)),
            TypeKind::ValueEnum(e) => e.variants.iter().any(|v| v.value.as_str().is_some_and(|s| s.contains(c))),
            _ => true,
        },
        None => scalar == Scalar::Text,
    };
    let guard = !explode && may_contain(delimiter.char());
    Ok(Some(Wire::QueryArray { item: scalar, item_type: rust_type(item, models), explode, delimiter, guard }))
}

/// The Rust type and variants of `ty` when it is a union.
fn union_of<'a>(
    api: &'a Api,
    ty: &'a Type,
    models: &TokenStream,
) -> Option<(TokenStream, &'a [crate::ir::UnionVariant])> {
    let resolved = api.resolve_aliases(ty);
    if resolved.nullable {
        return None;
    }
    match &api.type_def(resolved.named()?)?.kind {
        TypeKind::Union(u) => Some((rust_type(&Type::new(resolved.shape.clone()), models), &u.variants)),
        _ => None,
    }
}

/// `deepObject`: an object of scalar properties or a map of scalars.
fn deep_wire(api: &Api, p: &Parameter, ty: &Type) -> Result<Deep> {
    if !p.explode {
        return Err(Error::unsupported(
            &p.pointer,
            "`style: deepObject` with `explode: false` (OpenAPI defines no serialization for it)",
        ));
    }
    let nested = |at: &Pointer| {
        Error::unsupported(
            at,
            "objects or arrays inside a `deepObject` parameter (OpenAPI defines no serialization for them)",
        )
    };
    let scalar =
        |ty: &Type, at: &Pointer| Scalar::of(api, &Type { nullable: false, ..ty.clone() }).ok_or_else(|| nested(at));
    let not_object =
        || Error::unsupported(&p.pointer, "`style: deepObject` for a value that is not an object or a map");
    let resolved = api.resolve_aliases(ty);
    if resolved.nullable {
        return Err(not_object());
    }
    match &resolved.shape {
        Shape::Map(value) => Ok(Deep::Map(scalar(value, &p.pointer)?)),
        Shape::Named(name) => {
            let def = api.type_def(name).ok_or_else(not_object)?;
            match &def.kind {
                TypeKind::Map(value) => Ok(Deep::Map(scalar(value, &def.pointer)?)),
                TypeKind::Struct(s) => {
                    let mut fields = Vec::new();
                    for f in &s.fields {
                        if f.boxed {
                            return Err(nested(&f.pointer));
                        }
                        let optional = !f.required || f.ty.nullable;
                        fields.push((ident(&f.name), f.wire_name.clone(), scalar(&f.ty, &f.pointer)?, optional));
                    }
                    let others = match &s.additional_properties {
                        crate::ir::Additional::Typed(value) => {
                            // The models' name for the map of other properties.
                            let mut name = "additional_properties".to_owned();
                            while s.fields.iter().any(|f| f.name == name) {
                                name.push('_');
                            }
                            Some((ident(&name), scalar(value, &def.pointer.join("additionalProperties"))?))
                        }
                        _ => None,
                    };
                    Ok(Deep::Struct { fields, others })
                }
                _ => Err(not_object()),
            }
        }
        _ => Err(not_object()),
    }
}

/// Checks that the items of a `form`/`spaceDelimited`/`pipeDelimited` list
/// sent in one value do not contain the delimiter (`value` is a `&T`).
fn delimiter_checks(wire: &Wire, value: TokenStream, wire_name: &str, uses: &mut Uses) -> Option<TokenStream> {
    match wire {
        Wire::QueryArray { item, guard: true, delimiter, .. } => {
            uses.check_delimited = true;
            uses.date_time |= *item == Scalar::DateTime;
            let function = item.function();
            let character = delimiter.char();
            let style = match delimiter {
                Delimiter::Comma => "form",
                Delimiter::Space => "spaceDelimited",
                Delimiter::Pipe => "pipeDelimited",
            };
            let iter = iter(&value);
            Some(quote!(check_delimited(#iter.map(#function), #character, #style, #wire_name, out);))
        }
        Wire::QueryUnion { rust, arms } => {
            let checked: Vec<TokenStream> = arms
                .iter()
                .filter_map(|(variant, wire)| {
                    let check = delimiter_checks(wire, quote!(value), wire_name, uses)?;
                    Some(quote!(#rust::#variant(value) => { #check }))
                })
                .collect();
            if checked.is_empty() {
                return None;
            }
            let rest = (checked.len() < arms.len()).then(|| quote!(_ => {}));
            Some(quote!(match #value { #(#checked)* #rest }))
        }
        _ => None,
    }
}

/// An iterator over the items of `value` (a `&Vec<T>` or `&[T]` expression):
/// `value.iter()` for a plain name, else `IntoIterator::into_iter(&...)`
/// (`&arg.iter()` would borrow the iterator).
fn iter(value: &TokenStream) -> TokenStream {
    let mut tokens = value.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(proc_macro2::TokenTree::Ident(_)), None) => quote!(#value.iter()),
        _ => quote!(::std::iter::IntoIterator::into_iter(#value)),
    }
}

/// The path template as literal text and parameters (indexes into `params`).
fn path_pieces(op: &Operation, params: &[Param<'_>]) -> Result<Vec<PathPiece>> {
    let mut pieces = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        if open > 0 {
            pieces.push(PathPiece::Literal(rest[..open].to_owned()));
        }
        let name = &rest[open + 1..close];
        let index = params
            .iter()
            .position(|p| p.p.location == Location::Path && p.p.wire_name == name)
            .ok_or_else(|| Error::malformed(&op.pointer, format!("the path parameter `{name}` is not declared")))?;
        pieces.push(PathPiece::Param(index));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(PathPiece::Literal(rest.to_owned()));
    }
    Ok(pieces)
}

/// The JSON request body, named after its type (`pin`) or `body`.
fn body(api: &Api, op: &Operation, models: &TokenStream, params: &[Param<'_>]) -> Result<Option<Body>> {
    let Some(request) = &op.request_body else { return Ok(None) };
    let taken = |name: &str| LOCALS.contains(&name) || params.iter().any(|p| p.arg() == name);
    // No JSON media type: a form or multipart body, or a raw body of the
    // first one (text or bytes).
    if !request.content.iter().any(|c| is_json(&c.media_type))
        && let Some(first) = request.content.first()
    {
        let at = request.pointer.join("content").join(&first.media_type);
        let essence = crate::emit::forms::essence(&first.media_type);
        if crate::emit::forms::is_form(&essence) || crate::emit::forms::is_multipart(&essence) {
            let Some(ty) = &first.ty else {
                return Err(Error::unsupported(&at, format!("a `{}` request body without a schema", first.media_type)));
            };
            let name = ident(if taken("body") { "body_" } else { "body" });
            let (encoding, rust) = if crate::emit::forms::is_form(&essence) {
                (Encoding::Form(forms::FormPlan::new(api, ty, &first.media_type, &at)?), rust_type(ty, models))
            } else {
                let plan = forms::MultipartPlan::new(api, ty, &op.type_name, &at, models)?;
                let rust = plan.name.to_token_stream();
                (Encoding::Multipart(plan), rust)
            };
            let arg = if request.required { quote!(&#rust) } else { quote!(::std::option::Option<&#rust>) };
            return Ok(Some(Body {
                owned: quote!(#name),
                name,
                ty: ty.clone(),
                arg,
                required: request.required,
                slice: false,
                encoding,
            }));
        }
        if essence.starts_with("multipart/") {
            return Err(Error::unsupported(&at, format!("request bodies of `{}`", first.media_type)));
        }
        let text = essence.starts_with("text/");
        let name = ident(if params.iter().any(|p| p.arg() == "body") { "body_" } else { "body" });
        let inner = if text { quote!(&str) } else { quote!(&[u8]) };
        let arg = if request.required { inner } else { quote!(::std::option::Option<#inner>) };
        let ty = Type::new(Shape::Primitive(if text {
            Primitive::String
        } else {
            Primitive::Bytes(crate::ir::BytesEncoding::Binary)
        }));
        return Ok(Some(Body {
            owned: quote!(#name),
            name,
            ty,
            arg,
            required: request.required,
            slice: false,
            encoding: Encoding::Raw(first.media_type.clone()),
        }));
    }
    let ty = match json_content(&request.content, &request.pointer)? {
        None => return Err(Error::unsupported(&request.pointer, "a request body without content")),
        Some(None) => {
            return Err(Error::unsupported(&request.pointer.join("content"), "a JSON request body without a schema"));
        }
        Some(Some(ty)) => ty,
    };
    let mut name = ty.named().map(crate::lower::names::value_name).unwrap_or_else(|| "body".to_owned());
    if taken(crate::lower::names::unraw(&name)) {
        name = "body".to_owned();
    }
    if taken(&name) {
        name = "body_".to_owned();
    }
    let rust = rust_type(&ty, models);
    let slice = match &api.resolve_aliases(&ty).shape {
        Shape::Array(item) if !ty.nullable => Some(rust_type(item, models)),
        _ => None,
    };
    let name = ident(&name);
    let (arg, owned) = match (&slice, request.required) {
        (Some(item), true) => (quote!(&[#item]), quote!(#name)),
        (Some(item), false) => (quote!(::std::option::Option<&[#item]>), quote!(#name)),
        (None, true) => (quote!(&#rust), quote!(#name)),
        (None, false) => (quote!(::std::option::Option<&#rust>), quote!(#name)),
    };
    Ok(Some(Body {
        name,
        ty,
        arg,
        owned,
        required: request.required,
        slice: slice.is_some(),
        encoding: Encoding::Json,
    }))
}

/// One documented 2xx response of an operation whose successes differ.
struct SuccessVariant {
    status: StatusCode,
    name: proc_macro2::Ident,
    description: String,
    read: Read,
}

/// The success type: the one body type of the 2xx responses (`()` when the
/// spec documents no 2xx response: any 2xx is still a success).
fn success(api: &Api, op: &Operation, models: &TokenStream) -> Result<Success> {
    let responses: Vec<&Response> = op.responses.iter().filter(|r| is_success(r.status)).collect();
    let Some(first) = responses.first() else { return Ok(Success::Unit) };
    let read = Read::of(first);
    if responses[1..].iter().any(|other| !read.same(&Read::of(other), models)) {
        let mut variants: Vec<SuccessVariant> = responses
            .iter()
            .map(|r| SuccessVariant {
                status: r.status,
                name: super::server::variant_name(r.status),
                description: r.description.clone(),
                read: Read::of(r),
            })
            .collect();
        // Exact codes before the `2XX` range, as OpenAPI resolves them.
        variants.sort_by_key(|v| matches!(v.status, StatusCode::Range(_)));
        return Ok(Success::Statuses(variants));
    }
    let ty = match read {
        Read::Nothing => return Ok(Success::Unit),
        Read::Text => return Ok(Success::Text),
        Read::Bytes => return Ok(Success::Bytes),
        Read::Json(ty) => ty.map(|t| *t).unwrap_or_else(|| Type::new(Shape::Any)),
    };
    let rust = rust_type(&ty, models);
    let lists = lenient_lists(api, &ty, models);
    Ok(if lists.is_empty() { Success::Strict(rust) } else { Success::Lenient(rust, lists) })
}

/// The lists of a success body whose items are named structs or enums, so an
/// item that does not decode can be reported instead of failing the body:
/// the body itself when it is such a list, else such fields of a struct body.
fn lenient_lists(api: &Api, ty: &Type, models: &TokenStream) -> Vec<(Option<String>, TokenStream)> {
    let item_of = |ty: &Type| -> Option<TokenStream> {
        let ty = api.resolve_aliases(ty);
        if ty.nullable {
            return None;
        }
        let Shape::Array(item) = &ty.shape else { return None };
        let def = item.named().and_then(|n| api.type_def(n))?;
        matches!(def.kind, TypeKind::Struct(_) | TypeKind::Enum(_)).then(|| rust_type(item, models))
    };
    if let Some(item) = item_of(ty) {
        return vec![(None, item)];
    }
    let resolved = api.resolve_aliases(ty);
    if resolved.nullable {
        return Vec::new();
    }
    let Some(TypeKind::Struct(s)) = resolved.named().and_then(|n| api.type_def(n)).map(|d| &d.kind) else {
        return Vec::new();
    };
    s.fields.iter().filter_map(|f| item_of(&f.ty).map(|item| (Some(f.wire_name.clone()), item))).collect()
}

/// The non-2xx statuses whose documented body is the error type: exact codes
/// first, then ranges, then `default`, as OpenAPI resolves them.
fn failures(op: &Operation, error_type: Option<&Type>) -> Result<BTreeSet<u16>> {
    let mut has_body = Vec::new();
    for response in op.responses.iter().filter(|r| !is_success(r.status)) {
        has_body.push((response.status, json_body(response)?.is_some() && error_type.is_some()));
    }
    let lookup = |code: u16| -> bool {
        let exact = has_body.iter().find(|(s, _)| *s == StatusCode::Exact(code));
        let range = has_body.iter().find(|(s, _)| matches!(s, StatusCode::Range(d) if u16::from(*d) == code / 100));
        let default = has_body.iter().find(|(s, _)| *s == StatusCode::Default);
        exact.or(range).or(default).is_some_and(|(_, body)| *body)
    };
    Ok((100..1000).filter(|code| !(200..300).contains(code)).filter(|&code| lookup(code)).collect())
}

/// `matches!(raw.status.as_u16(), 400..=599)` for a set of statuses, as runs.
fn status_pattern(codes: &BTreeSet<u16>) -> TokenStream {
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for &code in codes {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == code => *end = code,
            _ => runs.push((code, code)),
        }
    }
    if runs.is_empty() {
        return quote!(false);
    }
    let patterns = runs.iter().map(|&(start, end)| {
        let (s, e) = (Literal::u16_unsuffixed(start), Literal::u16_unsuffixed(end));
        if start == end { quote!(#s) } else { quote!(#s..=#e) }
    });
    quote!(matches!(raw.status.as_u16(), #(#patterns)|*))
}

/// Whether the operation sends the bearer token: one of its security
/// alternatives is a single HTTP bearer scheme (an empty alternative means
/// anonymous access is allowed too).
fn auth(api: &Api, op: &Operation) -> Result<bool> {
    if op.security.is_empty() {
        return Ok(false);
    }
    let mut anonymous = false;
    for alternative in &op.security {
        match alternative.schemes.as_slice() {
            [] => anonymous = true,
            [one] => {
                let scheme = api.security_schemes.iter().find(|s| s.name == one.scheme).ok_or_else(|| {
                    Error::malformed(&op.pointer, format!("the security scheme `{}` is not declared", one.scheme))
                })?;
                if matches!(&scheme.kind, SecuritySchemeKind::Http { scheme, .. } if scheme == "bearer") {
                    return Ok(true);
                }
            }
            _ => {}
        }
    }
    if anonymous {
        return Ok(false);
    }
    let first = op.security[0].schemes.first().map(|s| s.scheme.as_str()).unwrap_or_default();
    let at =
        api.security_schemes.iter().find(|s| s.name == first).map(|s| s.pointer.clone()).unwrap_or(op.pointer.clone());
    Err(Error::unsupported(&at, "security other than one HTTP bearer scheme (`type: http`, `scheme: bearer`)"))
}
