//! Request bodies of `application/x-www-form-urlencoded` and
//! `multipart/form-data`: which fields a body schema has and how each one
//! travels, decided once from the IR for the client and the server emitters.
//!
//! - Form bodies: an object (named or inline); scalars (strings, numbers,
//!   integers, booleans, string enums, dates, date-times) and arrays of
//!   scalars travel as one `name=value` pair per value (`style: form`,
//!   `explode: true`, OpenAPI's default for forms); a property whose
//!   `encoding` names a JSON `contentType` as one pair holding its JSON;
//!   anything else (nested objects, maps, unions, nullable values) as the
//!   de-facto `deepObject` convention `name[key]=value`, with a warning
//!   unless its `encoding` says `style: deepObject`.
//! - Multipart bodies: an object whose properties travel with OpenAPI's
//!   default per-property content types: scalars as text parts, `format:
//!   binary` strings as `application/octet-stream` parts (the bytes as they
//!   are: `Vec<u8>`), arrays of either as repeated parts, and everything
//!   else (objects, maps, unions, arrays of them, nullable values) as
//!   `application/json` parts. The body is a struct of the operation's own
//!   (`{Op}Multipart`), since the models keep `binary` strings as `String`.
//!   An `encoding` `contentType` sets a part's media type (a JSON one makes
//!   it a JSON part). Length constraints on binary properties are not
//!   checked, with a warning (they are counted in characters for strings).
//!
//! A form or multipart body without a schema, or whose schema is not an
//! object, travels as raw bytes, with a warning. `encoding` headers are
//! neither sent nor read, with a warning.

use crate::error::{Error, Result, Warning};
use crate::ir::{
    Additional, Api, BytesEncoding, Content, Field, Primitive, PropertyEncoding, RequestBody, Shape, Struct, Style,
    Type, TypeKind, is_json,
};
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

/// Whether some operation of `api` has a `multipart/form-data` request
/// body among its media types.
pub fn has_multipart(api: &Api) -> bool {
    api.operations
        .iter()
        .any(|op| op.request_body.as_ref().is_some_and(|b| b.content.iter().any(|c| is_multipart(&c.media_type))))
}

/// How one option of a request body travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// JSON of the schema (every JSON media type of one schema is one option).
    Json,
    /// `application/x-www-form-urlencoded` of an object.
    Form,
    /// `multipart/form-data` of an object (`{Op}Multipart`).
    Multipart,
    /// A `text/*` body: a `String`.
    Text,
    /// Any other media type (and a form or multipart one whose schema is not
    /// an object): the bytes.
    Bytes,
    /// A media type range (`image/*`, `*/*`) or a multipart media type other
    /// than `multipart/form-data`, beside other options: the bytes with
    /// their `Content-Type` (the caller's; the one that arrived).
    Ranged,
}

/// One way a request body can travel: the media types read as one Rust
/// value, a variant of `{Op}RequestBody` when the body has several.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyOption<'a> {
    /// The variant's name: the first media type's, by [`crate::naming::media_type_variants`].
    pub name: String,
    /// The first media type of the option.
    pub content: &'a Content,
    /// Every media type read as this option, in spec order.
    pub media_types: Vec<String>,
    pub kind: OptionKind,
}

impl BodyOption<'_> {
    /// The media type the client sends: the first one, `application/json`
    /// for a JSON range (`application/*+json`).
    pub fn sent_media_type(&self) -> String {
        match self.kind {
            OptionKind::Json if self.content.media_type.contains('*') => "application/json".to_owned(),
            _ => self.content.media_type.clone(),
        }
    }
}

/// The options of a request body, in spec order: every JSON media type of
/// one schema is one option, as is every form or multipart media type of one
/// essence (a later one of another schema is left out, with a warning: the
/// server could not tell them apart); every other media type is an option of
/// its own. Media type ranges and multipart types other than `form-data` are
/// [`OptionKind::Ranged`] beside others, and raw bytes alone (so a body of
/// one media type reads as it always did); alone, such a multipart type is
/// refused. The default option, the one the client's method sends, is
/// [`default_option`].
pub fn options<'a>(api: &'a Api, body: &'a RequestBody, warnings: &mut Vec<Warning>) -> Result<Vec<BodyOption<'a>>> {
    let any = || Type::new(Shape::Any);
    let several = body.content.len() > 1;
    let mut out: Vec<BodyOption<'a>> = Vec::new();
    let mut names = Vec::new();
    for content in &body.content {
        let at = body.pointer.join("content").join(&content.media_type);
        let media = &content.media_type;
        let base = essence(media);
        let kind = if is_json(media) {
            let ty = content.ty.clone().unwrap_or_else(any);
            if let Some(same) =
                out.iter_mut().find(|o| o.kind == OptionKind::Json && o.content.ty.clone().unwrap_or_else(any) == ty)
            {
                same.media_types.push(media.clone());
                continue;
            }
            OptionKind::Json
        } else if is_form(media) || is_multipart(media) {
            if let Some(earlier) = out.iter_mut().find(|o| essence(&o.content.media_type) == base) {
                if earlier.content.ty == content.ty {
                    earlier.media_types.push(media.clone());
                } else {
                    warnings.push(Warning::new(
                        &at,
                        format!(
                            "a second `{base}` body of another schema: the generated code reads `{}` only",
                            earlier.content.media_type
                        ),
                    ));
                }
                continue;
            }
            match structured(api, content, &at, warnings)? {
                Some(_) if is_form(media) => OptionKind::Form,
                Some(_) => OptionKind::Multipart,
                None => OptionKind::Bytes,
            }
        } else if base.starts_with("multipart/") {
            if !several {
                return Err(Error::unsupported(&at, format!("request bodies of `{media}`")));
            }
            warnings.push(Warning::new(
                &at,
                format!("a `{media}` body: the generated code sends and reads its bytes with their `Content-Type`"),
            ));
            OptionKind::Ranged
        } else if base.contains('*') && several {
            OptionKind::Ranged
        } else if base.starts_with("text/") {
            OptionKind::Text
        } else {
            OptionKind::Bytes
        };
        names.push(media.clone());
        out.push(BodyOption { name: String::new(), content, media_types: vec![media.clone()], kind });
    }
    for (option, name) in out.iter_mut().zip(crate::naming::media_type_variants(&names)) {
        option.name = name;
    }
    Ok(out)
}

/// The option the client's method sends: the first JSON one, else the first.
pub fn default_option(options: &[BodyOption<'_>]) -> usize {
    options.iter().position(|o| o.kind == OptionKind::Json).unwrap_or(0)
}

/// The struct of a form or multipart body and whether it forbids unknown keys.
pub struct BodyStruct<'a> {
    pub name: &'a str,
    pub fields: &'a Struct,
    /// `additionalProperties: false`: names the schema does not declare are refused.
    pub closed: bool,
}

/// Whether a media type is a form or a multipart one.
pub fn is_structured(media_type: &str) -> bool {
    let essence = essence(media_type);
    is_form(&essence) || essence.starts_with("multipart/")
}

/// The struct of a form or `multipart/form-data` body (`at`: its media
/// type); `None` when the media type is neither, or when the body has no
/// schema or one that is not an object: then it travels raw (bytes as the
/// caller gives them), with a warning. Other `multipart/*` media types are
/// refused.
pub fn structured<'a>(
    api: &'a Api,
    content: &'a Content,
    at: &Pointer,
    warnings: &mut Vec<Warning>,
) -> Result<Option<BodyStruct<'a>>> {
    let media = &content.media_type;
    if !is_structured(media) {
        return Ok(None);
    }
    if !is_form(media) && !is_multipart(media) {
        return Err(Error::unsupported(at, format!("request bodies of `{media}`")));
    }
    let raw = |what: &str, warnings: &mut Vec<Warning>| {
        warnings.push(Warning::new(
            at,
            format!("a `{media}` body {what}: the generated code sends and reads it as raw bytes"),
        ));
        Ok(None)
    };
    let Some(ty) = &content.ty else { return raw("without a schema", warnings) };
    let what = if is_form(media) { "form" } else { "multipart" };
    match body_struct(api, ty, at, what) {
        Ok(body) => Ok(Some(body)),
        Err(Error::Unsupported { .. }) => raw("whose schema is not an object of properties", warnings),
        Err(other) => Err(other),
    }
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

/// One property of a form body.
#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    pub field: Field,
    pub kind: FormKind,
}

/// How one property of a form body travels.
#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    /// A scalar (`repeated`: an array of them, one pair per item); `scalar`
    /// is the type of each value.
    Scalar { scalar: Box<Type>, repeated: bool },
    /// Its `encoding` names a JSON media type: one pair, the value's JSON.
    Json,
    /// Anything else (objects, maps, arrays of them, unions, nullable
    /// values): the de-facto `deepObject` convention, a pair per scalar
    /// inside, named by its path (`a[b]=c`, `a[list][0]=x`; nulls left out).
    Nested,
}

/// The encoding entry of property `wire` of a media type.
pub fn encoding_of<'a>(content: &'a Content, wire: &str) -> Option<&'a PropertyEncoding> {
    content.encoding.iter().find(|e| e.property == wire)
}

/// Warnings for `encoding` entries the body cannot honour: entries naming no
/// property, and part headers (never sent or read).
fn encoding_warnings(content: &Content, body: &BodyStruct<'_>, warnings: &mut Vec<Warning>) {
    for e in &content.encoding {
        if !body.fields.fields.iter().any(|f| f.wire_name == e.property) {
            warnings.push(Warning::new(
                &e.pointer,
                format!("an `encoding` for `{}`, which the body's schema does not declare: ignored", e.property),
            ));
        }
        if !e.headers.is_empty() {
            warnings.push(Warning::new(
                &e.pointer.join("headers"),
                "per-part headers of an `encoding`: the generated code neither sends nor reads them",
            ));
        }
    }
}

/// The fields of a form body (`content`, of schema `body`); what travels
/// less precisely than the spec says goes to `warnings`.
pub fn form_fields(api: &Api, content: &Content, body: &BodyStruct<'_>, warnings: &mut Vec<Warning>) -> Vec<FormField> {
    encoding_warnings(content, body, warnings);
    let mut out = Vec::new();
    for field in &body.fields.fields {
        let encoding = encoding_of(content, &field.wire_name);
        if let Some(e) = encoding {
            if e.content_type.as_deref().is_some_and(is_json) {
                out.push(FormField { field: field.clone(), kind: FormKind::Json });
                continue;
            }
            if let Some(style) = e.style.filter(|s| *s != Style::Form && *s != Style::DeepObject) {
                warnings.push(Warning::new(
                    &e.pointer.join("style"),
                    format!(
                        "`style: {}` in a form body: sent and read as `style: form`, `explode: true`",
                        style.spec_name()
                    ),
                ));
            } else if !e.explode && e.style == Some(Style::Form) {
                warnings.push(Warning::new(
                    &e.pointer.join("explode"),
                    "`explode: false` in a form body: sent and read as `explode: true` (a pair per value)",
                ));
            }
        }
        if let Some(scalar) = scalar(api, &field.ty) {
            out.push(FormField {
                field: field.clone(),
                kind: FormKind::Scalar { scalar: Box::new(scalar.clone()), repeated: false },
            });
            continue;
        }
        let resolved = api.resolve_aliases(&field.ty);
        if let (Shape::Array(item), false) = (&resolved.shape, resolved.nullable)
            && let Some(scalar) = scalar(api, item)
        {
            out.push(FormField {
                field: field.clone(),
                kind: FormKind::Scalar { scalar: Box::new(scalar.clone()), repeated: true },
            });
            continue;
        }
        if encoding.and_then(|e| e.style) != Some(Style::DeepObject) {
            warnings.push(Warning::new(
                &field.pointer,
                "a form body property that is not a scalar or an array of scalars (`application/x-www-form-urlencoded` has no nesting): sent as `name[key]=value` pairs (the `deepObject` convention), nulls left out, and read leniently",
            ));
        }
        out.push(FormField { field: field.clone(), kind: FormKind::Nested });
    }
    out
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
    /// The part's media type from the `encoding` (`None`: the default of
    /// its kind).
    pub media: Option<String>,
    /// Whether its constraints are checked (not for `format: binary` values
    /// with length or pattern constraints, which are counted in characters).
    pub checked: bool,
}

fn is_binary(api: &Api, ty: &Type) -> bool {
    let ty = api.resolve_aliases(ty);
    !ty.nullable && ty.shape == Shape::Primitive(Primitive::Bytes(BytesEncoding::Binary))
}

/// The parts of a multipart body (`content`, of schema `body`); what travels
/// less precisely than the spec says goes to `warnings`.
pub fn part_fields(api: &Api, content: &Content, body: &BodyStruct<'_>, warnings: &mut Vec<Warning>) -> Vec<PartField> {
    encoding_warnings(content, body, warnings);
    let mut out = Vec::new();
    for field in &body.fields.fields {
        let media = encoding_of(content, &field.wire_name).and_then(|e| e.content_type.clone());
        let resolved = api.resolve_aliases(&field.ty);
        let (value, repeated) = match (&resolved.shape, resolved.nullable) {
            (Shape::Array(item), false) if scalar(api, item).is_some() => (&**item, true),
            _ => (&field.ty, false),
        };
        let mut checked = true;
        let kind = if media.as_deref().is_some_and(is_json) {
            PartKind::Json
        } else if is_binary(api, value) {
            let c = &api.resolve_aliases(value).constraints;
            if c.min_length.is_some() || c.max_length.is_some() || c.pattern.is_some() {
                warnings.push(Warning::new(
                    &field.pointer,
                    "`minLength`, `maxLength` or `pattern` on a `format: binary` multipart property: not checked (they count characters, the part is bytes)",
                ));
                checked = false;
            }
            PartKind::Binary
        } else if scalar(api, value).is_some() {
            PartKind::Text
        } else {
            PartKind::Json
        };
        let value = if kind == PartKind::Json { &field.ty } else { value };
        let repeated = repeated && kind != PartKind::Json;
        out.push(PartField { field: field.clone(), kind, value: value.clone(), repeated, media, checked });
    }
    out
}
