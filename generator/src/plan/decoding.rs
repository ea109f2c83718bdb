//! How the server reads each parameter: path, query, header and cookie
//! parameters by location, style, `explode` and content, with their
//! defaults; what it cannot read is refused here with the pointer.
//!
//! - Path parameters: `style: simple`; query parameters: `form`,
//!   `spaceDelimited`, `pipeDelimited` (arrays split at the delimiter when
//!   not exploded, repeated keys otherwise; a scalar is `name=value` in every
//!   style) and `deepObject` (an object of scalar properties or a map of
//!   scalars, `name[key]=value`); headers `simple`, cookies `form` (arrays
//!   only with `explode: false`).
//! - Unions of scalars and (in the query) arrays of scalars: each variant
//!   tried in the spec's order, the first that accepts the text wins.
//! - `nullable` is ignored: a path or query string cannot say `null`, so the
//!   value is decoded as the non-null type (an absent optional parameter is
//!   its default or `None`).

use serde_json::Value;

use super::delimiter::Delimiter;
use super::parameters::Flat;
use crate::error::{Error, Result, Warning};
use crate::ir::{Additional, Api, Location, Parameter, ParameterEncoding, Primitive, Shape, Style, Type, TypeKind};
use crate::pointer::Pointer;

/// How a scalar is parsed from text by the runtime: `from_param::<T>`
/// (`FromStr` of primitives) or `from_str_param::<T>` (enums).
#[derive(Debug, Clone, PartialEq)]
pub struct Parse {
    /// The Rust type parsed (aliases resolved to their scalar).
    pub ty: Box<Type>,
    /// An enum of the models: parsed with `from_str_param`.
    pub enumeration: bool,
    /// An enum of numbers or booleans (a value enum): parsed with
    /// `from_value_param` (the text as JSON, else as a string).
    pub json: bool,
}

/// How one parameter is decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Decode {
    /// One value.
    Scalar(Parse),
    /// A list of values, split at the style's delimiter in one value or
    /// (`explode`, query only) one per repeated key.
    List { parse: Parse, explode: bool, delimiter: Delimiter },
    /// JSON content (`content: application/json`) of this type.
    Json(Type),
    /// `deepObject`: `name[key]=value` entries.
    Deep(Deep),
    /// A union: its variants tried in order.
    Union(Union),
    /// An object or a map in a `form` (or delimited) query parameter.
    Form(Form),
    /// An untyped value in the query: the text given (a string, or an
    /// array of strings when repeated).
    Untyped,
    /// A query value OpenAPI gives no serialization (objects or arrays
    /// inside a `deepObject` or a `form` object not exploded, arrays of
    /// objects, a `deepObject` that is not an object, a union with an
    /// object variant) of this type, read the `qs` way: `name[a][b]=x`,
    /// `name[a][0]=x` or `name[a][]=x` (runtime `QueryString::nested`).
    Nested(Type),
    /// A path or header value in `style` (`simple`, `label`, `matrix`):
    /// an array or an object of scalars, or a scalar in `label` or
    /// `matrix` (runtime `styled_param`, RFC 6570).
    Styled { style: Style, explode: bool, flat: Flat },
}

/// An object or a map in a `form`, `spaceDelimited` or `pipeDelimited`
/// query parameter: exploded, one `key=value` per property; not exploded,
/// `name=k<d>v<d>k<d>v`.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// Its properties, read as a `deepObject`'s are.
    pub deep: Deep,
    pub explode: bool,
    pub delimiter: Delimiter,
    /// Exploded: the keys are the declared properties alone (`false`: every
    /// key not claimed, for a map or `additionalProperties`).
    pub declared_only: bool,
    /// Exploded: the names of the operation's other query parameters, whose
    /// keys are theirs (set by [`claim_keys`]).
    pub claimed: Vec<String>,
}

/// A `deepObject` parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Deep {
    /// A struct (`ty`) of scalar properties.
    Struct { ty: Box<Type>, fields: Vec<DeepField>, others: Others },
    /// A map of scalars.
    Map { parse: Parse },
    /// An exploded `form` object (`ty`) some of whose properties are objects
    /// or arrays: every key not claimed (only the declared `keys` unless
    /// `declared_only` is false), nested ones the `qs` way, `b[c]=2`
    /// (runtime `QueryString::nested_members`).
    Nested { ty: Box<Type>, keys: Vec<String> },
}

/// One property of a `deepObject` struct.
#[derive(Debug, Clone, PartialEq)]
pub struct DeepField {
    pub field: String,
    pub wire: String,
    pub parse: Parse,
    /// Absent (or nullable) is `None`.
    pub optional: bool,
}

/// Keys of a `deepObject` beyond the struct's properties.
#[derive(Debug, Clone, PartialEq)]
pub enum Others {
    /// Nothing said: ignored.
    Ignored,
    /// `additionalProperties: false`: refused.
    Refused,
    /// `additionalProperties` with a scalar schema: kept in this field.
    Kept { field: String, parse: Parse },
}

/// A union parameter: its variants tried in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The union's named type.
    pub ty: Type,
    pub arms: Vec<Arm>,
    pub explode: bool,
    pub delimiter: Delimiter,
    /// What the `400` says was expected.
    pub expected: String,
}

/// One variant of a union parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    pub variant: String,
    pub parse: Parse,
    /// An array variant: a list of `parse`'s type.
    pub list: bool,
}

/// The spec's default of a parameter, as a value of its Rust type.
#[derive(Debug, Clone, PartialEq)]
pub enum Default {
    Int32(i32),
    Int64(i64),
    Float(f32),
    Double(f64),
    Bool(bool),
    String(String),
    Array(Vec<Default>),
    /// An RFC 3339 date-time, as seconds and nanoseconds since the epoch (UTC).
    DateTime {
        seconds: i64,
        nanos: u32,
    },
    /// An RFC 3339 full-date.
    Date {
        year: i32,
        month: u32,
        day: u32,
    },
    /// A variant of an enum of the models: type and variant names.
    Variant {
        ty: String,
        variant: String,
    },
}

/// One path, query, header or cookie parameter as the server reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerParameter {
    /// Its index in [`crate::ir::Operation::parameters`].
    pub index: usize,
    /// The parameter's type, without `nullable` for styled parameters.
    pub ty: Type,
    pub decode: Decode,
    /// The spec's default of an optional parameter.
    pub default: Option<Default>,
    /// `None` when absent: optional and without a default.
    pub optional: bool,
    /// What the server reads less precisely than the spec says (a default
    /// that is not a value of the type, dropped).
    pub warnings: Vec<Warning>,
}

impl ServerParameter {
    /// How the server reads a path or query parameter.
    pub fn new(api: &Api, index: usize, param: &Parameter) -> Result<Self> {
        let at = &param.pointer;
        let (decode, ty) = match &param.encoding {
            ParameterEncoding::Content { ty, .. } => (Decode::Json(ty.clone()), ty.clone()),
            ParameterEncoding::Style(ty) => {
                // A path or query string cannot say `null`: the non-null type.
                let ty = Type { nullable: false, ..ty.clone() };
                (styled(api, param, &ty)?, ty)
            }
        };
        let mut warnings = Vec::new();
        if param.style == Style::DeepObject && !param.explode {
            warnings.push(Warning::new(
                &at.join("explode"),
                "`style: deepObject` with `explode: false`, which OpenAPI defines no serialization for: \
                 sent and read as `explode: true` (`name[key]=value`)",
            ));
        }
        if matches!(decode, Decode::Nested(_) | Decode::Form(Form { deep: Deep::Nested { .. }, .. })) {
            warnings.push(Warning::new(
                at,
                "a query parameter OpenAPI defines no serialization for (objects or arrays inside an object, \
                 arrays of objects, or a `deepObject` that is not an object): sent the `qs` way (PHP, Rails, \
                 Express): `name[key][inner]=value` for members, `name[key][0]=item` for items (properties of \
                 an exploded `form` object under their own names, `key[inner]=value`); the server also reads \
                 `[]` items and indices in any order, each text as the type asks",
            ));
        }
        if decode == Decode::Untyped {
            warnings.push(Warning::new(
                at,
                "an untyped query parameter: the client sends strings, numbers and booleans as text, arrays \
                 and objects per the style, and the server reads the text given (a JSON string, or an array \
                 of strings when the parameter is repeated), as the query cannot say which JSON type it was",
            ));
        }
        let default = match default_value(api, &ty) {
            // `default: null`: absent is `None`, as without a default.
            Some(value) if !param.required && !value.is_null() => {
                let default = default_of(api, &ty, &value);
                if default.is_none() {
                    warnings.push(Warning::new(
                        at,
                        format!(
                            "the default `{value}` is not a value of the parameter's type (or not one a parameter's \
                             default can be): dropped, an absent parameter is `None`"
                        ),
                    ));
                }
                default
            }
            _ => None,
        };
        let optional = !param.required && default.is_none();
        Ok(ServerParameter { index, ty, decode, default, optional, warnings })
    }

    /// How the server reads a header or cookie parameter: scalars and lists.
    pub fn header(api: &Api, index: usize, p: &Parameter) -> Result<Self> {
        let json_header = p.location == Location::Header
            && matches!(&p.encoding, ParameterEncoding::Content { media_type, .. } if crate::ir::is_json(media_type));
        if let ParameterEncoding::Content { .. } = p.encoding
            && !json_header
        {
            return Err(Error::unsupported(
                &p.pointer,
                format!("`content` parameters in the {}", p.location.spec_name()),
            ));
        }
        let plan = ServerParameter::new(api, index, p)?;
        if matches!(plan.decode, Decode::Union(_) | Decode::Deep(_) | Decode::Nested(_) | Decode::Form(_)) {
            return Err(Error::unsupported(
                &p.pointer,
                format!("a union or an object as a parameter in the {}", p.location.spec_name()),
            ));
        }
        if p.location == Location::Cookie && matches!(plan.decode, Decode::Styled { .. }) {
            return Err(Error::unsupported(&p.pointer, "an object as a cookie parameter"));
        }
        if p.location == Location::Cookie && p.explode && matches!(plan.decode, Decode::List { .. }) {
            return Err(Error::unsupported(
                &p.pointer,
                "a cookie array with `explode: true` (the default of `style: form`): cookies have no form for it; `explode: false` sends `name=a,b`",
            ));
        }
        Ok(plan)
    }
}

/// How a styled (`schema`) parameter of type `ty` (without `nullable`) is decoded.
fn styled(api: &Api, param: &Parameter, ty: &Type) -> Result<Decode> {
    let at = &param.pointer;
    let flat = Flat::of(api, ty);
    match (param.location, param.style) {
        (Location::Query, Style::Form | Style::SpaceDelimited | Style::PipeDelimited)
        | (Location::Path | Location::Header, Style::Simple)
        | (Location::Cookie, Style::Form) => {}
        (Location::Query, Style::DeepObject) if flat == Some(Flat::Object) => {
            return object(api, param, ty).map(Decode::Deep);
        }
        (Location::Query, Style::DeepObject) => return Ok(Decode::Nested(ty.clone())),
        (Location::Path, style @ (Style::Label | Style::Matrix)) if flat.is_some() => {
            return Ok(Decode::Styled { style, explode: param.explode, flat: flat.unwrap_or(Flat::Scalar) });
        }
        (_, style) => {
            return Err(Error::unsupported(
                &at.join("style"),
                format!(
                    "`{style:?}` style parameters in a server (only query `form`, `spaceDelimited`, \
                     `pipeDelimited`, `deepObject`, path and header `simple`, cookie `form`)"
                ),
            ));
        }
    }
    let delimiter = Delimiter::of(param.style);
    let explode = param.explode && param.location == Location::Query;
    let query = param.location == Location::Query;
    if let Some(parse) = scalar_parse(api, ty, at)? {
        Ok(Decode::Scalar(parse))
    } else if let Some(item) = array_item(api, ty) {
        let Some(parse) = scalar_parse(api, item, at)? else {
            if query {
                return Ok(Decode::Nested(ty.clone()));
            }
            return Err(Error::unsupported(
                &at.join("schema"),
                "arrays of arrays or objects in a path, header or cookie parameter (only JSON content can carry them)",
            ));
        };
        Ok(Decode::List { parse, explode, delimiter })
    } else if let Some(union) = union(api, param, ty, explode, delimiter)? {
        Ok(union)
    } else if param.location != Location::Cookie && !query && flat == Some(Flat::Object) {
        Ok(Decode::Styled { style: param.style, explode: param.explode, flat: Flat::Object })
    } else if query && is_object(api, ty) && flat.is_none() {
        if !param.explode {
            return Ok(Decode::Nested(ty.clone()));
        }
        let (keys, declared_only) =
            match &api.type_def(api.resolve_aliases(ty).named().unwrap_or_default()).map(|d| &d.kind) {
                Some(TypeKind::Struct(s)) => (
                    s.fields.iter().map(|f| f.wire_name.clone()).collect(),
                    matches!(s.additional_properties, Additional::Unspecified | Additional::Forbidden),
                ),
                _ => (Vec::new(), false),
            };
        let deep = Deep::Nested { ty: Box::new(Type::new(api.resolve_aliases(ty).shape.clone())), keys };
        Ok(Decode::Form(Form { deep, explode: true, delimiter, declared_only, claimed: Vec::new() }))
    } else if query && is_object(api, ty) {
        let deep = object(api, param, ty)?;
        let declared_only = match &deep {
            Deep::Map { .. } | Deep::Struct { others: Others::Kept { .. }, .. } | Deep::Nested { .. } => false,
            Deep::Struct { .. } => true,
        };
        Ok(Decode::Form(Form { deep, explode: param.explode, delimiter, declared_only, claimed: Vec::new() }))
    } else if param.location == Location::Query && matches!(api.resolve_aliases(ty).shape, Shape::Any) {
        Ok(Decode::Untyped)
    } else {
        Err(Error::unsupported(
            &at.join("schema"),
            "objects or untyped values as styled parameters (only `deepObject` or JSON content can carry them)",
        ))
    }
}

/// How a scalar type is parsed; `None` for arrays and objects.
pub fn scalar_parse(api: &Api, ty: &Type, at: &Pointer) -> Result<Option<Parse>> {
    if ty.nullable {
        return Err(Error::unsupported(&at.join("schema"), "nullable values inside a styled parameter in a server"));
    }
    Ok(match &ty.shape {
        Shape::Primitive(_) => Some(Parse { ty: Box::new(ty.clone()), enumeration: false, json: false }),
        Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => Some(Parse { ty: Box::new(ty.clone()), enumeration: true, json: false }),
            Some(TypeKind::ValueEnum(_)) => Some(Parse { ty: Box::new(ty.clone()), enumeration: false, json: true }),
            Some(TypeKind::Alias(target)) => scalar_parse(api, target, at)?,
            _ => None,
        },
        Shape::Array(_) | Shape::Map(_) | Shape::Any => None,
    })
}

/// The item type of an array (through named aliases).
fn array_item<'t>(api: &'t Api, ty: &'t Type) -> Option<&'t Type> {
    match &ty.shape {
        Shape::Array(item) => Some(item),
        Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Alias(target)) if !target.nullable => array_item(api, target),
            _ => None,
        },
        _ => None,
    }
}

/// Sets what the `form` objects of an operation's `query` parameters leave
/// to the others: their names, and the properties of exploded `form`
/// objects (top-level keys too).
pub fn claim_keys(op: &crate::ir::Operation, query: &mut [ServerParameter]) {
    let mut names: Vec<(usize, String)> =
        query.iter().map(|p| (p.index, op.parameters[p.index].wire_name.clone())).collect();
    for p in query.iter() {
        if let Decode::Form(Form { explode: true, deep: Deep::Struct { fields, .. }, .. }) = &p.decode {
            names.extend(fields.iter().map(|f| (p.index, f.wire.clone())));
        }
        if let Decode::Form(Form { explode: true, deep: Deep::Nested { keys, .. }, .. }) = &p.decode {
            names.extend(keys.iter().map(|key| (p.index, key.clone())));
        }
    }
    for p in query {
        if let Decode::Form(form) = &mut p.decode {
            form.claimed = names.iter().filter(|(i, _)| *i != p.index).map(|(_, name)| name.clone()).collect();
        }
    }
}

/// A struct or a map (through aliases), not nullable.
fn is_object(api: &Api, ty: &Type) -> bool {
    let resolved = api.resolve_aliases(ty);
    !resolved.nullable
        && match &resolved.shape {
            Shape::Map(_) => true,
            Shape::Named(name) => {
                matches!(api.type_def(name).map(|d| &d.kind), Some(TypeKind::Struct(_) | TypeKind::Map(_)))
            }
            _ => false,
        }
}

/// The properties of an object parameter (`deepObject`, `form`): an
/// object of scalar properties or a map of scalars.
fn object(api: &Api, param: &Parameter, ty: &Type) -> Result<Deep> {
    let at = &param.pointer;
    let style = param.style.spec_name();
    let not_object = || {
        Error::unsupported(&at.join("schema"), format!("`style: {style}` for a value that is not an object or a map"))
    };
    let resolved = api.resolve_aliases(ty);
    if resolved.nullable {
        return Err(not_object());
    }
    let nested = |at: &Pointer| {
        Error::unsupported(
            at,
            format!("objects or arrays inside a `{style}` parameter (OpenAPI defines no serialization for them)"),
        )
    };
    let value_parse = |value: &Type, at: &Pointer| -> Result<Parse> {
        let value = Type { nullable: false, ..value.clone() };
        scalar_parse(api, &value, at)?.ok_or_else(|| nested(at))
    };
    match &resolved.shape {
        Shape::Map(value) => Ok(Deep::Map { parse: value_parse(value, &at.join("schema"))? }),
        Shape::Named(name) => {
            let def = api.type_def(name).ok_or_else(not_object)?;
            match &def.kind {
                TypeKind::Map(value) => Ok(Deep::Map { parse: value_parse(value, &def.pointer)? }),
                TypeKind::Struct(s) => {
                    let mut fields = Vec::new();
                    for f in &s.fields {
                        if f.boxed {
                            return Err(nested(&f.pointer));
                        }
                        fields.push(DeepField {
                            field: f.name.clone(),
                            wire: f.wire_name.clone(),
                            parse: value_parse(&f.ty, &f.pointer)?,
                            optional: !f.required || f.ty.nullable,
                        });
                    }
                    let others = match &s.additional_properties {
                        Additional::Unspecified => Others::Ignored,
                        Additional::Forbidden => Others::Refused,
                        Additional::Typed(value) => {
                            // The models' name for the map of other properties.
                            let mut name = "additional_properties".to_owned();
                            while s.fields.iter().any(|f| f.name == name) {
                                name.push('_');
                            }
                            let parse = value_parse(value, &def.pointer.join("additionalProperties"))?;
                            Others::Kept { field: name, parse }
                        }
                    };
                    Ok(Deep::Struct { ty: Box::new(Type::new(resolved.shape.clone())), fields, others })
                }
                _ => Err(not_object()),
            }
        }
        _ => Err(not_object()),
    }
}

/// A union of scalars and (in the query) arrays of scalars, as GitHub's
/// `workflow_id: oneOf [integer, string]`; `None` when `ty` is no union.
/// Array variants in the path, nested unions and objects are refused at the
/// variant's pointer.
fn union(api: &Api, param: &Parameter, ty: &Type, explode: bool, delimiter: Delimiter) -> Result<Option<Decode>> {
    let resolved = api.resolve_aliases(ty);
    let Some(def) = resolved.named().and_then(|name| api.type_def(name)) else { return Ok(None) };
    let TypeKind::Union(union) = &def.kind else { return Ok(None) };
    if resolved.nullable {
        return Ok(None);
    }
    let mut arms = Vec::new();
    let mut expected = Vec::new();
    for v in &union.variants {
        let refuse =
            |what: &str| Err(Error::unsupported(&v.pointer, format!("{what} as a variant of a parameter's union")));
        if v.boxed || v.ty.nullable {
            return refuse("a recursive or nullable schema");
        }
        let variant = v.name.clone();
        if let Some(parse) = scalar_parse(api, &v.ty, &v.pointer)? {
            arms.push(Arm { variant, parse, list: false });
            expected.push(describe(api, &v.ty));
        } else if let Some(item) = array_item(api, &v.ty) {
            if param.location == Location::Path {
                return refuse("an array in a path parameter");
            }
            let Some(parse) = scalar_parse(api, item, &v.pointer)? else {
                if param.location == Location::Query {
                    return Ok(Some(Decode::Nested(Type::new(resolved.shape.clone()))));
                }
                return refuse("an array of arrays or objects");
            };
            arms.push(Arm { variant, parse, list: true });
            expected.push(format!("a list of {}", describe_plural(api, item)));
        } else if param.location == Location::Query {
            // A variant OpenAPI gives no query form: the whole union nested.
            return Ok(Some(Decode::Nested(Type::new(resolved.shape.clone()))));
        } else {
            return refuse("an object, a union or an untyped value");
        }
    }
    let expected = format!("matches none of the schemas it may be: {}", expected.join("; "));
    Ok(Some(Decode::Union(Union { ty: Type::new(resolved.shape.clone()), arms, explode, delimiter, expected })))
}
fn describe(api: &Api, ty: &Type) -> String {
    match &api.resolve_aliases(ty).shape {
        Shape::Primitive(p) => match p {
            Primitive::String | Primitive::Bytes(_) => "a string",
            Primitive::DateTime => "an RFC 3339 date-time",
            Primitive::Date => "an RFC 3339 full-date",
            Primitive::Int32 | Primitive::Int64 => "an integer",
            Primitive::Float | Primitive::Double => "a number",
            Primitive::Bool => "`true` or `false`",
        }
        .to_owned(),
        Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Enum(e)) => {
                let values: Vec<String> = e.variants.iter().map(|v| format!("`{}`", v.wire_name)).collect();
                format!("one of {}", values.join(", "))
            }
            _ => format!("a {name}"),
        },
        _ => "a value".to_owned(),
    }
}

/// The same for the items of a list (`integers`).
fn describe_plural(api: &Api, ty: &Type) -> String {
    match describe(api, ty).as_str() {
        "a string" => "strings".to_owned(),
        "an integer" => "integers".to_owned(),
        "a number" => "numbers".to_owned(),
        other => format!("items that are {other}"),
    }
}

/// The spec's default for a parameter: on the use, else on the named type.
fn default_value(api: &Api, ty: &Type) -> Option<Value> {
    if let Some(value) = &ty.default {
        return Some(value.clone());
    }
    let def = api.type_def(ty.named()?)?;
    match &def.kind {
        TypeKind::Enum(e) => e.default.clone().map(Value::String),
        TypeKind::ValueEnum(e) => e.default.clone(),
        TypeKind::Alias(target) => default_value(api, target),
        TypeKind::Struct(_) | TypeKind::Map(_) | TypeKind::Union(_) => None,
    }
}

/// The default as a value of `ty`'s Rust type; `None` when `value` is not
/// one. Tolerant of documents that write a default in another JSON type: a
/// string that parses as the number or boolean is that value (`"100"` on an
/// integer), a number or boolean on a string is its text, an integral
/// number on an integer is that integer, a single value on an array is an
/// array of it. Date-times and dates are parsed (RFC 3339). Objects, maps
/// and unions have no default a constant can hold: `None`.
fn default_of(api: &Api, ty: &Type, value: &Value) -> Option<Default> {
    if ty.nullable {
        return None;
    }
    let integer = || match value {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
        }
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    let number = || match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    };
    Some(match &ty.shape {
        Shape::Primitive(p) => match p {
            Primitive::Int32 => Default::Int32(i32::try_from(integer()?).ok()?),
            Primitive::Int64 => Default::Int64(integer()?),
            Primitive::Float => Default::Float(number()? as f32),
            Primitive::Double => Default::Double(number()?),
            Primitive::Bool => Default::Bool(match value {
                Value::Bool(b) => *b,
                Value::String(s) if s == "true" => true,
                Value::String(s) if s == "false" => false,
                _ => return None,
            }),
            Primitive::String | Primitive::Bytes(_) => Default::String(match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return None,
            }),
            Primitive::DateTime => {
                let time = chrono::DateTime::parse_from_rfc3339(value.as_str()?).ok()?;
                Default::DateTime { seconds: time.timestamp(), nanos: time.timestamp_subsec_nanos() }
            }
            Primitive::Date => {
                use chrono::Datelike;
                let date = chrono::NaiveDate::parse_from_str(value.as_str()?, "%Y-%m-%d").ok()?;
                Default::Date { year: date.year(), month: date.month(), day: date.day() }
            }
        },
        Shape::Array(item) => match value {
            Value::Array(items) => {
                Default::Array(items.iter().map(|v| default_of(api, item, v)).collect::<Option<Vec<_>>>()?)
            }
            single => Default::Array(vec![default_of(api, item, single)?]),
        },
        Shape::Named(name) => {
            let def = api.type_def(name)?;
            match &def.kind {
                TypeKind::Enum(e) => {
                    let wire = match value {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => return None,
                    };
                    let variant = e.variants.iter().find(|v| v.wire_name == wire)?;
                    Default::Variant { ty: def.name.clone(), variant: variant.name.clone() }
                }
                TypeKind::ValueEnum(e) => {
                    let variant = e.variants.iter().find(|v| v.value == *value)?;
                    Default::Variant { ty: def.name.clone(), variant: variant.name.clone() }
                }
                TypeKind::Alias(target) => default_of(api, target, value)?,
                TypeKind::Struct(_) | TypeKind::Map(_) | TypeKind::Union(_) => return None,
            }
        }
        Shape::Map(_) | Shape::Any => return None,
    })
}
