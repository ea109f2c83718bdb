//! The server's responses per operation: a variant per documented status,
//! carrying its checked status (ranges, `default`), its body and its
//! documented headers.
//!
//! - Bodies: JSON media types carry their schema's type; `text/*` a
//!   `String`; any other media type raw bytes (`Vec<u8>`). When every media
//!   type of a response has the same representation (`application/json` and
//!   `application/scim+json` of one schema) the variant carries it and is
//!   answered with the first media type; otherwise it carries an enum with a
//!   variant per media type (`ApplicationJson(T)`, `ApplicationVndGithubDiff(String)`).
//! - Headers: a struct per response with headers (`{Op}{Variant}Headers`), a
//!   field per header (`Option` unless required); scalars as text, arrays
//!   comma-separated and objects of scalars `k,v,k,v` (`simple`), headers
//!   with `content: application/json` as the value's JSON. A header of any
//!   other schema (nested objects, unions) is sent as JSON, with a warning.
//!   A `Content-Type` header is ignored (the media type says it).
//!
//! Media types and headers whose Rust names collide follow
//! [`crate::naming::disambiguate`] (`ApplicationJson2`, `x_rate_2`).

use super::client::same_rust_type;
use crate::error::{Error, Result, Warning};
use crate::ir::{Additional, Api, Content, Header, Primitive, Response, Shape, StatusCode, Type, TypeKind, is_json};
use crate::naming::value_name;
use crate::pointer::Pointer;

/// How a body of one media type is represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Json,
    Text,
    Bytes,
}

/// A body of one media type.
#[derive(Debug, Clone, PartialEq)]
pub struct Representation {
    pub kind: Kind,
    /// The Rust type of the body: the schema's (`Any` without one) for
    /// JSON, `String` for text, bytes otherwise.
    pub ty: Box<Type>,
    pub media: String,
}

/// The body of a response.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// Every media type has the same representation: it, sent as the first.
    One(Representation),
    /// An enum (`name`) with a variant per media type.
    Choice { name: String, options: Vec<(String, Representation)> },
}

/// How a response header's value becomes text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderText {
    /// RFC 3339.
    DateTime,
    /// Its `Display`.
    Display,
    /// Its JSON (`content: application/json`, and structured values).
    Json,
    /// An object's `k,v,k,v` (`style: simple`).
    Simple,
}

/// One documented response header.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderField {
    pub field: String,
    /// The header name, lowercase.
    pub wire: String,
    /// Its type, without `nullable`.
    pub ty: Type,
    pub required: bool,
    pub text: HeaderText,
    /// An array: items joined with `,`.
    pub list: bool,
}

/// The struct of a response's headers.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeaders {
    pub name: String,
    pub fields: Vec<HeaderField>,
}

/// One documented response: a variant of `{Op}Response`.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub status: StatusCode,
    /// The variant's name (`Ok`, `NotFound`).
    pub name: String,
    pub description: String,
    pub body: Option<ResponseBody>,
    pub headers: Option<ResponseHeaders>,
}

impl Variant {
    /// `body_name`, `headers_name`: the names of the response's enum of
    /// media types and struct of headers (`{Op}{Status}Body`, `{Op}{Status}Headers`).
    /// What it sends less precisely than the spec says goes to `warnings`.
    pub fn new(
        api: &Api,
        response: &Response,
        body_name: &str,
        headers_name: &str,
        warnings: &mut Vec<Warning>,
    ) -> Result<Self> {
        let name = crate::naming::status_variant(response.status);
        let body = body(&response.content, body_name);
        let headers = headers(api, response, headers_name, warnings)?;
        Ok(Variant { status: response.status, name, description: response.description.clone(), body, headers })
    }
}

fn representation(content: &Content) -> Representation {
    let media = content.media_type.clone();
    let essence = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if is_json(&media) {
        let ty = content.ty.clone().unwrap_or_else(|| Type::new(Shape::Any));
        Representation { kind: Kind::Json, ty: Box::new(ty), media }
    } else if essence.starts_with("text/") {
        Representation { kind: Kind::Text, ty: Box::new(Type::new(Shape::Primitive(Primitive::String))), media }
    } else {
        let bytes = Primitive::Bytes(crate::ir::BytesEncoding::Binary);
        Representation { kind: Kind::Bytes, ty: Box::new(Type::new(Shape::Primitive(bytes))), media }
    }
}

fn body(content: &[Content], name: &str) -> Option<ResponseBody> {
    let all: Vec<Representation> = content.iter().map(representation).collect();
    let first = all.first()?;
    let same = all.iter().all(|r| r.kind == first.kind && same_rust_type(&r.ty, &first.ty));
    if same {
        return all.into_iter().next().map(ResponseBody::One);
    }
    // Media types whose names collide as a variant (`application/json` and
    // `application/json; charset=utf-8`) follow the renaming rule.
    let media: Vec<String> = all.iter().map(|r| r.media.clone()).collect();
    let options = crate::naming::media_type_variants(&media).into_iter().zip(all).collect();
    Some(ResponseBody::Choice { name: name.to_owned(), options })
}

fn headers(api: &Api, response: &Response, name: &str, warnings: &mut Vec<Warning>) -> Result<Option<ResponseHeaders>> {
    let mut sent = Vec::new();
    for header in &response.headers {
        let at = response.pointer.join("headers").join(&header.name);
        // OpenAPI: a `Content-Type` response header is ignored (the media type says it).
        if header.name.eq_ignore_ascii_case("content-type") {
            continue;
        }
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if header.name.is_empty() || !header.name.chars().all(token) {
            return Err(Error::malformed(&at, format!("`{}` is not an HTTP header name", header.name)));
        }
        sent.push((header, at));
    }
    if sent.is_empty() {
        return Ok(None);
    }
    // Names that collide as a field (`X-Rate` and `x_rate`) follow the renaming rule.
    let names: Vec<(String, String)> = sent.iter().map(|(h, _)| (value_name(&h.name), h.name.clone())).collect();
    let fields = crate::naming::disambiguate(&names, &[]);
    let mut out = Vec::new();
    for ((header, at), field) in sent.into_iter().zip(fields) {
        let (text, list) = header_text(api, header, &at, warnings);
        out.push(HeaderField {
            field,
            wire: header.name.to_ascii_lowercase(),
            ty: Type { nullable: false, ..header.ty.clone() },
            required: header.required,
            text,
            list,
        });
    }
    Ok(Some(ResponseHeaders { name: name.to_owned(), fields: out }))
}

/// How a header is text, and whether it is a list. `content` of a JSON
/// media type is the value's JSON; objects and maps of scalars are
/// `simple` (`k,v,k,v`); anything else is sent as JSON, with a warning.
fn header_text(api: &Api, header: &Header, at: &Pointer, warnings: &mut Vec<Warning>) -> (HeaderText, bool) {
    let ty = &header.ty;
    if let Some(media) = &header.content_type {
        if !is_json(media) && scalar_text(api, ty).is_none() {
            warnings.push(Warning::new(
                &at.join("content").join(media),
                format!("a `{media}` header of a structured schema: the generated server sends its JSON"),
            ));
        }
        return match scalar_text(api, ty) {
            Some(text) if !is_json(media) => (text, false),
            _ => (HeaderText::Json, false),
        };
    }
    let resolved = api.resolve_aliases(ty);
    if let Shape::Array(item) = &resolved.shape
        && let Some(text) = scalar_text(api, item)
    {
        return (text, true);
    }
    if let Some(text) = scalar_text(api, ty) {
        return (text, false);
    }
    if simple_object(api, ty) {
        return (HeaderText::Simple, false);
    }
    warnings.push(Warning::new(
        &at.join("schema"),
        "a header that is not a scalar, an array of scalars or an object of scalars: the generated server sends its JSON",
    ));
    (HeaderText::Json, false)
}

/// Whether `ty` is an object or a map whose values are all scalars (the
/// `simple` style writes it `k,v,k,v`).
fn simple_object(api: &Api, ty: &Type) -> bool {
    let resolved = api.resolve_aliases(ty);
    match &resolved.shape {
        Shape::Map(value) => scalar_text(api, value).is_some(),
        Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => {
                let extra = match &s.additional_properties {
                    Additional::Typed(value) => scalar_text(api, value).is_some(),
                    Additional::Unspecified | Additional::Forbidden => true,
                };
                extra && s.fields.iter().all(|f| scalar_text(api, &f.ty).is_some())
            }
            _ => false,
        },
        _ => false,
    }
}

fn scalar_text(api: &Api, ty: &Type) -> Option<HeaderText> {
    let ty = api.resolve_aliases(ty);
    match &ty.shape {
        Shape::Primitive(Primitive::DateTime) => Some(HeaderText::DateTime),
        Shape::Primitive(_) => Some(HeaderText::Display),
        Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => Some(HeaderText::Display),
            _ => None,
        },
        Shape::Array(_) | Shape::Map(_) | Shape::Any => None,
    }
}
