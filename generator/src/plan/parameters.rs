//! How the client sends each parameter: the wire form of path, query,
//! header and cookie parameters (styles, `explode`, unions, `deepObject`,
//! JSON content), decided from the IR, and what it cannot send refused
//! with the parameter's pointer.

use super::delimiter::Delimiter;
use crate::error::{Error, Result};
use crate::ir::{Api, Location, Parameter, ParameterEncoding, Primitive, Shape, Style, Type, TypeKind, is_json};
use crate::pointer::Pointer;

/// How a scalar value becomes text on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// A string: sent as it is.
    Text,
    /// RFC 3339.
    DateTime,
    /// Numbers, booleans, dates, enums: their `Display` (enums: the wire value).
    Display,
}

impl Scalar {
    /// How a value of `ty` is text, or `None` when it is not a scalar.
    pub fn of(api: &Api, ty: &Type) -> Option<Scalar> {
        let ty = api.resolve_aliases(ty);
        if ty.nullable {
            return None;
        }
        match &ty.shape {
            Shape::Primitive(Primitive::String | Primitive::Bytes(_)) => Some(Scalar::Text),
            Shape::Primitive(Primitive::DateTime) => Some(Scalar::DateTime),
            Shape::Primitive(_) => Some(Scalar::Display),
            Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
                // A value enum's `Display` is its wire text too.
                Some(TypeKind::Enum(_) | TypeKind::ValueEnum(_)) => Some(Scalar::Display),
                _ => None,
            },
            Shape::Array(_) | Shape::Map(_) | Shape::Any => None,
        }
    }
}

/// How the client puts one parameter's value on the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum Wire {
    /// A path segment.
    Segment(Scalar),
    /// A path segment from a union of scalars (`union`, the named type):
    /// the variant's text; `arms` are the variants' names and scalars.
    SegmentUnion { union: Type, arms: Vec<(String, Scalar)> },
    /// `name=value`.
    Query(Scalar),
    /// An array: `name=a,b` (joined at the style's delimiter) or
    /// `name=a&name=b`; `guard`: items may contain the delimiter, so they
    /// are checked before sending.
    QueryArray { item: Scalar, item_type: Type, explode: bool, delimiter: Delimiter, guard: bool },
    /// `name=<JSON>`.
    QueryJson,
    /// An object, a map or an untyped value in a `form` or delimited style,
    /// sent from its JSON form by the runtime's `QueryString::push_value`:
    /// exploded, `key=value` per property; not exploded, `name=k,v,k,v`.
    QueryValue { explode: bool, delimiter: Delimiter },
    /// A header, its value as it is (`style: simple`).
    Header(Scalar),
    /// A header list, `a,b` (`style: simple`; `explode` makes no difference).
    HeaderArray { item: Scalar, item_type: Type },
    /// `name=value` in the `Cookie` header, percent-encoded (`style: form`).
    Cookie(Scalar),
    /// `name=a,b` in the `Cookie` header (`style: form`, `explode: false`).
    CookieArray { item: Scalar, item_type: Type },
    /// `deepObject`: `name[key]=value` per property or entry.
    QueryDeep(Deep),
    /// A union (`union`, the named type): the variant it holds, as a scalar
    /// or an array would be sent.
    QueryUnion { union: Type, arms: Vec<(String, Wire)> },
    /// A value OpenAPI gives no query serialization (objects or arrays
    /// inside a `deepObject` or `form` object, arrays of objects, a
    /// `deepObject` that is not an object, a union with an object variant),
    /// sent from its JSON form the `qs` way by the runtime's `push_nested`:
    /// `name[a][b]=x`, `name[a][0]=x`; `members` (an exploded `form`
    /// object): each property under its own name, `a[b]=x`.
    QueryNested { members: bool },
    /// A path segment in `style` (`simple`, `label`, `matrix`) and
    /// `explode` from the value's JSON form (RFC 6570; the runtime's
    /// `styled_text`): arrays and objects of scalars, and scalars in
    /// `label` or `matrix`.
    SegmentStyled { style: Style, explode: bool },
    /// A path segment holding the value's JSON (`content: application/json`).
    SegmentJson,
    /// A header holding an object of scalars (`style: simple`): `k,v,k,v`,
    /// exploded `k=v,k=v`.
    HeaderStyled { explode: bool },
    /// A header holding the value's JSON (`content: application/json`).
    HeaderJson,
}

/// What a parameter value is, for the styles that carry one level of
/// structure (path and header styles, `form` objects, `deepObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flat {
    /// A string, number, boolean, date or enum.
    Scalar,
    /// An array of scalars.
    Array,
    /// A struct of scalar properties (and scalar `additionalProperties`),
    /// or a map of scalars.
    Object,
}

impl Flat {
    /// What `ty` is; `None` for nullable values, untyped values, unions and
    /// values with objects or arrays inside.
    pub fn of(api: &Api, ty: &Type) -> Option<Flat> {
        let resolved = api.resolve_aliases(ty);
        if resolved.nullable {
            return None;
        }
        let scalar = |ty: &Type| Scalar::of(api, &Type { nullable: false, ..ty.clone() }).is_some();
        if scalar(resolved) {
            return Some(Flat::Scalar);
        }
        let object = match &resolved.shape {
            Shape::Array(item) => return scalar(item).then_some(Flat::Array),
            Shape::Map(value) => scalar(value),
            Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
                Some(TypeKind::Map(value)) => scalar(value),
                Some(TypeKind::Struct(s)) => {
                    s.fields.iter().all(|f| !f.boxed && scalar(&f.ty))
                        && match &s.additional_properties {
                            crate::ir::Additional::Typed(value) => scalar(value),
                            _ => true,
                        }
                }
                _ => false,
            },
            _ => false,
        };
        object.then_some(Flat::Object)
    }
}

/// The properties or entries of a `deepObject` parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Deep {
    /// A struct of scalar properties: field, wire name, scalar, `Option` in
    /// the struct; then the map of other properties (`additionalProperties`).
    Struct { fields: Vec<(String, String, Scalar, bool)>, others: Option<(String, Scalar)> },
    /// A map of scalars.
    Map(Scalar),
}

/// One parameter as the client sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientParameter {
    /// Its index in [`crate::ir::Operation::parameters`].
    pub index: usize,
    /// The parameter's type without `nullable` (a parameter has no null).
    pub ty: Type,
    pub wire: Wire,
    /// `allowReserved: true` (query only): the values keep reserved
    /// characters that do not change the query's structure (see the
    /// runtime's `QueryString::set_allow_reserved`).
    pub allow_reserved: bool,
}

impl ClientParameter {
    /// How the client sends `p` (the `index`th parameter of its operation).
    pub fn new(api: &Api, index: usize, p: &Parameter) -> Result<Self> {
        let unsupported = |message: String| Err(Error::unsupported(&p.pointer, message));
        let ty = Type { nullable: false, ..p.ty().clone() };
        let wire = match (&p.encoding, p.location) {
            (ParameterEncoding::Content { media_type, .. }, Location::Query) => {
                if !is_json(media_type) {
                    return unsupported(format!("query parameters encoded as `{media_type}`"));
                }
                Wire::QueryJson
            }
            (ParameterEncoding::Content { media_type, .. }, Location::Path) if is_json(media_type) => Wire::SegmentJson,
            (ParameterEncoding::Content { media_type, .. }, Location::Header) if is_json(media_type) => {
                Wire::HeaderJson
            }
            (ParameterEncoding::Content { .. }, location) => {
                return unsupported(format!("`content` parameters in the {}", location.spec_name()));
            }
            (ParameterEncoding::Style(_), Location::Path) => {
                if !matches!(p.style, Style::Simple | Style::Label | Style::Matrix) {
                    return unsupported(format!("path parameters with `style: {}`", p.style.spec_name()));
                }
                let flat = Flat::of(api, &ty);
                match Scalar::of(api, &ty) {
                    Some(scalar) if p.style == Style::Simple => Wire::Segment(scalar),
                    _ if flat.is_some() => Wire::SegmentStyled { style: p.style, explode: p.explode },
                    _ if p.style != Style::Simple => {
                        return unsupported(format!(
                            "path parameters with `style: {}` that are not a scalar, an array of scalars or an object of scalars",
                            p.style.spec_name()
                        ));
                    }
                    _ => match union_of(api, &ty) {
                        Some((union, variants)) => {
                            let mut arms = Vec::new();
                            for v in variants {
                                let Some(scalar) = Scalar::of(api, &v.ty).filter(|_| !v.boxed) else {
                                    return Err(Error::unsupported(
                                        &v.pointer,
                                        "a variant of a path parameter's union that is not a string, number, boolean or enum",
                                    ));
                                };
                                arms.push((v.name.clone(), scalar));
                            }
                            Wire::SegmentUnion { union, arms }
                        }
                        None => {
                            return unsupported(
                                "path parameters that are not a scalar, an array or an object of scalars, or a union of scalars"
                                    .to_owned(),
                            );
                        }
                    },
                }
            }
            (ParameterEncoding::Style(_), Location::Query) => query_wire(api, p, &ty)?,
            (ParameterEncoding::Style(_), Location::Header | Location::Cookie) => header_wire(api, p, &ty)?,
        };
        // `allowReserved` is the query's alone (OpenAPI ignores it elsewhere).
        let allow_reserved = p.allow_reserved && p.location == Location::Query;
        Ok(ClientParameter { index, ty, wire, allow_reserved })
    }
}

/// How a header (`style: simple`) or cookie (`style: form`) parameter is
/// sent: scalars and arrays of scalars; cookie arrays only with `explode: false`.
fn header_wire(api: &Api, p: &Parameter, ty: &Type) -> Result<Wire> {
    let cookie = p.location == Location::Cookie;
    if let Some(scalar) = Scalar::of(api, ty) {
        return Ok(if cookie { Wire::Cookie(scalar) } else { Wire::Header(scalar) });
    }
    let where_ = if cookie { "cookies" } else { "headers" };
    if !cookie && Flat::of(api, ty) == Some(Flat::Object) {
        return Ok(Wire::HeaderStyled { explode: p.explode });
    }
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
    let item_type = (**item).clone();
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

/// How a styled query parameter of type `ty` (without `nullable`) is sent:
/// `form`, `spaceDelimited` and `pipeDelimited` send a scalar as
/// `name=value` and an array per the style and `explode`; a union sends the
/// variant it holds; `deepObject` sends objects and maps.
fn query_wire(api: &Api, p: &Parameter, ty: &Type) -> Result<Wire> {
    let delimiter = match p.style {
        Style::Form | Style::SpaceDelimited | Style::PipeDelimited => Delimiter::of(p.style),
        Style::DeepObject if Flat::of(api, ty) == Some(Flat::Object) => {
            return deep_wire(api, p, ty).map(Wire::QueryDeep);
        }
        Style::DeepObject => return Ok(Wire::QueryNested { members: false }),
        other => {
            return Err(Error::unsupported(
                &p.pointer,
                format!("query parameters with `style: {}`", other.spec_name()),
            ));
        }
    };
    if let Some(wire) = scalar_or_array(api, ty, p.explode, delimiter)? {
        return Ok(wire);
    }
    if let Some((union, variants)) = union_of(api, ty) {
        let mut arms = Vec::new();
        for v in variants {
            let wire = if v.boxed { None } else { scalar_or_array(api, &v.ty, p.explode, delimiter)? };
            // A variant OpenAPI gives no query form: the whole union nested.
            let Some(wire) = wire.filter(|wire| !matches!(wire, Wire::QueryNested { .. })) else {
                return Ok(Wire::QueryNested { members: false });
            };
            arms.push((v.name.clone(), wire));
        }
        return Ok(Wire::QueryUnion { union, arms });
    }
    let resolved = api.resolve_aliases(ty);
    let object = match &resolved.shape {
        Shape::Map(_) | Shape::Any => true,
        Shape::Named(name) => {
            matches!(api.type_def(name).map(|d| &d.kind), Some(TypeKind::Struct(_) | TypeKind::Map(_)))
        }
        _ => false,
    };
    if object && !resolved.nullable {
        // Objects or arrays inside: the `qs` way, as the server reads them.
        if !matches!(resolved.shape, Shape::Any) && Flat::of(api, ty).is_none() {
            return Ok(Wire::QueryNested { members: p.explode });
        }
        return Ok(Wire::QueryValue { explode: p.explode, delimiter });
    }
    Err(Error::unsupported(
        &p.pointer,
        format!(
            "objects, maps or untyped values in the query with `style: {}` (`deepObject` or JSON content can carry objects)",
            p.style.spec_name()
        ),
    ))
}

/// A scalar or an array of scalars (an array of other values: nested,
/// `name[0][key]=value`); `None` for other types.
fn scalar_or_array(api: &Api, ty: &Type, explode: bool, delimiter: Delimiter) -> Result<Option<Wire>> {
    if let Some(scalar) = Scalar::of(api, ty) {
        return Ok(Some(Wire::Query(scalar)));
    }
    let resolved = api.resolve_aliases(ty);
    let Shape::Array(item) = &resolved.shape else { return Ok(None) };
    if resolved.nullable {
        return Ok(None);
    }
    let Some(scalar) = Scalar::of(api, item) else {
        return Ok(Some(Wire::QueryNested { members: false }));
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
    Ok(Some(Wire::QueryArray { item: scalar, item_type: (**item).clone(), explode, delimiter, guard }))
}

/// The Rust type and variants of `ty` when it is a union.
fn union_of<'a>(api: &'a Api, ty: &'a Type) -> Option<(Type, &'a [crate::ir::UnionVariant])> {
    let resolved = api.resolve_aliases(ty);
    if resolved.nullable {
        return None;
    }
    match &api.type_def(resolved.named()?)?.kind {
        TypeKind::Union(u) => Some((Type::new(resolved.shape.clone()), &u.variants)),
        _ => None,
    }
}

/// `deepObject`: an object of scalar properties or a map of scalars.
/// (`explode: false`, which OpenAPI defines no serialization for, is sent
/// as `explode: true`; the server's plan warns.)
fn deep_wire(api: &Api, p: &Parameter, ty: &Type) -> Result<Deep> {
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
                        fields.push((f.name.clone(), f.wire_name.clone(), scalar(&f.ty, &f.pointer)?, optional));
                    }
                    let others = match &s.additional_properties {
                        crate::ir::Additional::Typed(value) => {
                            // The models' name for the map of other properties.
                            let mut name = "additional_properties".to_owned();
                            while s.fields.iter().any(|f| f.name == name) {
                                name.push('_');
                            }
                            Some((name, scalar(value, &def.pointer.join("additionalProperties"))?))
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
