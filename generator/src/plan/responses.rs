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
//!   comma-separated (`simple`). A `Content-Type` header is ignored (the
//!   media type says it).
//!
//! Refused here: media types or headers whose Rust names collide, and
//! headers that are not scalars or arrays of scalars.

use super::client::same_rust_type;
use crate::error::{Error, Result};
use crate::ir::{Api, Content, Primitive, Response, Shape, StatusCode, Type, TypeKind, is_json};
use crate::naming::{type_name, value_name};
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
    /// `prefix`: `{Op}{Status}`, the start of the names of the response's types.
    pub fn new(api: &Api, response: &Response, prefix: &str) -> Result<Self> {
        let name = crate::naming::status_variant(response.status);
        let body = body(&response.content, &response.pointer, prefix)?;
        let headers = headers(api, response, prefix)?;
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

fn body(content: &[Content], at: &Pointer, prefix: &str) -> Result<Option<ResponseBody>> {
    let all: Vec<Representation> = content.iter().map(representation).collect();
    let Some(first) = all.first() else { return Ok(None) };
    let same = all.iter().all(|r| r.kind == first.kind && same_rust_type(&r.ty, &first.ty));
    if same {
        return Ok(all.into_iter().next().map(ResponseBody::One));
    }
    let mut options: Vec<(String, Representation)> = Vec::new();
    for r in all {
        let variant = type_name(&r.media);
        if options.iter().any(|(v, _)| *v == variant) {
            return Err(Error::unsupported(
                &at.join("content").join(&r.media),
                format!("media types whose names collide as a Rust variant (`{variant}`)"),
            ));
        }
        options.push((variant, r));
    }
    Ok(Some(ResponseBody::Choice { name: format!("{prefix}Body"), options }))
}

fn headers(api: &Api, response: &Response, prefix: &str) -> Result<Option<ResponseHeaders>> {
    if response.headers.is_empty() {
        return Ok(None);
    }
    let mut fields: Vec<HeaderField> = Vec::new();
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
        let field = value_name(&header.name);
        if fields.iter().any(|f| f.field == field) {
            return Err(Error::unsupported(&at, format!("headers whose names collide as a Rust field (`{field}`)")));
        }
        let (text, list) = header_text(api, &header.ty).ok_or_else(|| {
            Error::unsupported(&at.join("schema"), "a response header that is not a scalar or an array of scalars")
        })?;
        fields.push(HeaderField {
            field,
            wire: header.name.to_ascii_lowercase(),
            ty: Type { nullable: false, ..header.ty.clone() },
            required: header.required,
            text,
            list,
        });
    }
    if fields.is_empty() {
        return Ok(None);
    }
    Ok(Some(ResponseHeaders { name: format!("{prefix}Headers"), fields }))
}

/// How a header of `ty` is text, and whether it is a list.
fn header_text(api: &Api, ty: &Type) -> Option<(HeaderText, bool)> {
    let resolved = api.resolve_aliases(ty);
    if let Shape::Array(item) = &resolved.shape {
        return Some((scalar_text(api, item)?, true));
    }
    Some((scalar_text(api, ty)?, false))
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
