//! Request bodies of `application/x-www-form-urlencoded` and
//! `multipart/form-data`: which fields a body schema has and how each one
//! travels, decided once from the IR for the client and the server emitters.
//!
//! - Form bodies: an object (named or inline) whose properties are scalars
//!   (strings, numbers, integers, booleans, string enums, dates, date-times)
//!   or arrays of scalars, one `name=value` pair per value (`style: form`,
//!   `explode: true`, OpenAPI's default for forms). Nested objects, maps,
//!   unions, untyped and nullable properties, and `additionalProperties`
//!   schemas are refused: the format has no nesting and no null.
//! - Multipart bodies: an object whose properties travel with OpenAPI's
//!   default per-property content types: scalars as text parts, `format:
//!   binary` strings as `application/octet-stream` parts (the bytes as they
//!   are: `Vec<u8>`), arrays of either as repeated parts, and everything
//!   else (objects, maps, unions, arrays of them, nullable values) as
//!   `application/json` parts. The body is a struct of the operation's own
//!   (`{Op}Multipart`), since the models keep `binary` strings as `String`.
//!   Length constraints on binary properties are refused (they are counted
//!   in characters for strings).
//!
//! The `encoding` object of a media type (per-property content types,
//! headers, styles) is refused by lowering.

use crate::error::{Error, Result};
use crate::ir::{Additional, Api, BytesEncoding, Field, Primitive, Shape, Struct, Type, TypeKind};
use crate::pointer::Pointer;

/// The essence of a media type: without parameters, lowercased.
pub fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

pub fn is_form(media_type: &str) -> bool {
    essence(media_type) == "application/x-www-form-urlencoded"
}

pub fn is_multipart(media_type: &str) -> bool {
    essence(media_type) == "multipart/form-data"
}

/// Whether some operation of `api` has a multipart request body (its
/// first media type, the one client and server use).
pub fn has_multipart(api: &Api) -> bool {
    api.operations
        .iter()
        .any(|op| op.request_body.as_ref().and_then(|b| b.content.first()).is_some_and(|c| is_multipart(&c.media_type)))
}

/// One property of a form body.
#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    pub field: Field,
    /// The scalar type of each value (the item type of an array).
    pub scalar: Type,
    /// An array: one pair per item.
    pub repeated: bool,
}

/// The struct of a form or multipart body and whether it forbids unknown keys.
pub struct BodyStruct<'a> {
    pub name: &'a str,
    pub fields: &'a Struct,
    /// `additionalProperties: false`: names the schema does not declare are refused.
    pub closed: bool,
}

/// The struct a form or multipart body of `ty` is (`at`: the media type).
pub fn body_struct<'a>(api: &'a Api, ty: &'a Type, at: &Pointer, what: &str) -> Result<BodyStruct<'a>> {
    let resolved = api.resolve_aliases(ty);
    let def = resolved.named().and_then(|name| api.type_def(name));
    match def.map(|d| (d, &d.kind)) {
        Some((def, TypeKind::Struct(s))) if !resolved.nullable => {
            if let Additional::Typed(_) = s.additional_properties {
                return Err(Error::unsupported(
                    &def.pointer,
                    format!("`additionalProperties` beside `properties` in a {what} body"),
                ));
            }
            Ok(BodyStruct { name: &def.name, fields: s, closed: s.additional_properties == Additional::Forbidden })
        }
        _ => Err(Error::unsupported(&at.join("schema"), format!("a {what} body whose schema is not an object"))),
    }
}

/// Whether `ty` (aliases resolved) is a scalar a form or text part can
/// carry: a primitive or a string enum, not nullable.
fn scalar<'a>(api: &'a Api, ty: &'a Type) -> Option<&'a Type> {
    let ty = api.resolve_aliases(ty);
    if ty.nullable {
        return None;
    }
    match &ty.shape {
        Shape::Primitive(_) => Some(ty),
        Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => Some(ty),
            _ => None,
        },
        Shape::Array(_) | Shape::Map(_) | Shape::Any => None,
    }
}

/// The fields of a form body, each a scalar or an array of scalars.
pub fn form_fields(api: &Api, body: &BodyStruct<'_>) -> Result<Vec<FormField>> {
    let mut out = Vec::new();
    for field in &body.fields.fields {
        if let Some(scalar) = scalar(api, &field.ty) {
            out.push(FormField { field: field.clone(), scalar: scalar.clone(), repeated: false });
            continue;
        }
        let resolved = api.resolve_aliases(&field.ty);
        if let (Shape::Array(item), false) = (&resolved.shape, resolved.nullable)
            && let Some(scalar) = scalar(api, item)
        {
            out.push(FormField { field: field.clone(), scalar: scalar.clone(), repeated: true });
            continue;
        }
        return Err(Error::unsupported(
            &field.pointer,
            "a form body property that is not a scalar or an array of scalars (`application/x-www-form-urlencoded` has no nesting and no null)",
        ));
    }
    Ok(out)
}

/// How one property of a multipart body travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// A text part with the value's text.
    Text,
    /// An `application/octet-stream` part with the bytes (`Vec<u8>`).
    Binary,
    /// An `application/json` part.
    Json,
}

/// One property of a multipart body.
#[derive(Debug, Clone, PartialEq)]
pub struct PartField {
    pub field: Field,
    pub kind: PartKind,
    /// The type of each part's value (the item type of a repeated part).
    pub value: Type,
    /// An array of text or binary values: one part per item.
    pub repeated: bool,
}

fn is_binary(api: &Api, ty: &Type) -> bool {
    let ty = api.resolve_aliases(ty);
    !ty.nullable && ty.shape == Shape::Primitive(Primitive::Bytes(BytesEncoding::Binary))
}

/// The parts of a multipart body.
pub fn part_fields(api: &Api, body: &BodyStruct<'_>) -> Result<Vec<PartField>> {
    let mut out = Vec::new();
    for field in &body.fields.fields {
        let resolved = api.resolve_aliases(&field.ty);
        let (value, repeated) = match (&resolved.shape, resolved.nullable) {
            (Shape::Array(item), false) if scalar(api, item).is_some() => (&**item, true),
            _ => (&field.ty, false),
        };
        let kind = if is_binary(api, value) {
            let c = &api.resolve_aliases(value).constraints;
            if c.min_length.is_some() || c.max_length.is_some() || c.pattern.is_some() {
                return Err(Error::unsupported(
                    &field.pointer,
                    "`minLength`, `maxLength` or `pattern` on a `format: binary` multipart property",
                ));
            }
            PartKind::Binary
        } else if scalar(api, value).is_some() {
            PartKind::Text
        } else {
            PartKind::Json
        };
        let value = if kind == PartKind::Json { &field.ty } else { value };
        let repeated = repeated && kind != PartKind::Json;
        out.push(PartField { field: field.clone(), kind, value: value.clone(), repeated });
    }
    Ok(out)
}
