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
                Some(TypeKind::Enum(_)) => Some(Scalar::Display),
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
            (ParameterEncoding::Content { .. }, location) => {
                return unsupported(format!("`content` parameters in the {}", location.spec_name()));
            }
            (ParameterEncoding::Style(_), Location::Path) => {
                if p.style != Style::Simple {
                    return unsupported(format!("path parameters with `style: {}`", p.style.spec_name()));
                }
                match Scalar::of(api, &ty) {
                    Some(scalar) => Wire::Segment(scalar),
                    None => match union_of(api, &ty) {
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
                                "path parameters that are not a string, number, boolean, enum or a union of them"
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
        Style::DeepObject => return deep_wire(api, p, ty).map(Wire::QueryDeep),
        other => {
            return Err(Error::unsupported(
                &p.pointer,
                format!("query parameters with `style: {}`", other.spec_name()),
            ));
        }
    };
    if let Some(wire) = scalar_or_array(api, ty, p.explode, delimiter, &p.pointer)? {
        return Ok(wire);
    }
    if let Some((union, variants)) = union_of(api, ty) {
        let mut arms = Vec::new();
        for v in variants {
            let wire = if v.boxed { None } else { scalar_or_array(api, &v.ty, p.explode, delimiter, &v.pointer)? };
            let Some(wire) = wire else {
                return Err(Error::unsupported(
                    &v.pointer,
                    "a variant of a query parameter's union that is not a scalar or an array of scalars",
                ));
            };
            arms.push((v.name.clone(), wire));
        }
        return Ok(Wire::QueryUnion { union, arms });
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
fn scalar_or_array(api: &Api, ty: &Type, explode: bool, delimiter: Delimiter, at: &Pointer) -> Result<Option<Wire>> {
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
