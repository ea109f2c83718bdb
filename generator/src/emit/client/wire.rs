//! How each parameter travels: the wire form of path, query, header and
//! cookie parameters (styles, `explode`, unions, `deepObject`, JSON
//! content), and the statements that encode and check them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::*;

/// How a scalar value becomes text on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scalar {
    /// A string: sent as it is.
    Text,
    /// RFC 3339.
    DateTime,
    /// Numbers, booleans, dates, enums: their `Display` (enums: the wire value).
    Display,
}

impl Scalar {
    pub(super) fn of(api: &Api, ty: &Type) -> Option<Scalar> {
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
    pub(super) fn function(self) -> TokenStream {
        match self {
            Scalar::DateTime => quote!(date_time),
            Scalar::Text | Scalar::Display => quote!(::std::string::ToString::to_string),
        }
    }

    /// An expression of type `String` for `value` (a `&T`).
    pub(super) fn to_string(self, value: &TokenStream) -> TokenStream {
        let function = self.function();
        quote!(#function(#value))
    }
}

/// How one parameter's value is put on the wire.
#[derive(Debug, Clone)]
pub(super) enum Wire {
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

/// The properties or entries of a `deepObject` parameter.
#[derive(Debug, Clone)]
pub(super) enum Deep {
    /// A struct of scalar properties: field, wire name, scalar, `Option` in
    /// the struct; then the map of other properties (`additionalProperties`).
    Struct { fields: Vec<(proc_macro2::Ident, String, Scalar, bool)>, others: Option<(proc_macro2::Ident, Scalar)> },
    /// A map of scalars.
    Map(Scalar),
}

pub(super) struct Param<'a> {
    pub(super) p: &'a Parameter,
    /// The parameter's type without `nullable` (a parameter has no null).
    pub(super) ty: Type,
    /// `rust_type(ty)`.
    pub(super) rust: TokenStream,
    pub(super) wire: Wire,
}

impl<'a> Param<'a> {
    pub(super) fn new(api: &Api, p: &'a Parameter, models: &TokenStream) -> Result<Self> {
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
    pub(super) fn name(&self) -> proc_macro2::Ident {
        ident(&self.p.name)
    }

    /// The argument name: the parameter's, unless the method body uses it
    /// for a local (argument names are not part of a Rust function's API).
    pub(super) fn arg(&self) -> proc_macro2::Ident {
        arg_ident(&self.p.name)
    }
}

/// How a header (`style: simple`) or cookie (`style: form`) parameter is
/// sent: scalars and arrays of scalars; cookie arrays only with `explode: false`.
pub(super) fn header_wire(api: &Api, p: &Parameter, ty: &Type, models: &TokenStream) -> Result<Wire> {
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
pub(super) const LOCALS: &[&str] = &[
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

pub(super) fn arg_ident(name: &str) -> proc_macro2::Ident {
    let bare = crate::naming::unraw(name);
    if LOCALS.contains(&bare) { format_ident!("{}_", bare) } else { ident(name) }
}

/// Statements adding a parameter to `query_string`; `value` is a `&T`.
pub(super) fn query_push(p: &Param<'_>, value: TokenStream) -> Option<TokenStream> {
    push_wire(&p.p.wire_name, &p.wire, value)
}

/// Statements adding `value` (a `&T`) to `query_string` as `wire` says.
pub(super) fn push_wire(wire_name: &str, wire: &Wire, value: TokenStream) -> Option<TokenStream> {
    Some(match wire {
        Wire::Segment(_)
        | Wire::SegmentUnion { .. }
        | Wire::Header(_)
        | Wire::HeaderArray { .. }
        | Wire::Cookie(_)
        | Wire::CookieArray { .. } => return None,
        Wire::Query(scalar) => match scalar {
            Scalar::Text => quote!(query_string.push(#wire_name, #value);),
            _ => {
                let text = scalar.to_string(&value);
                quote!(query_string.push(#wire_name, &#text);)
            }
        },
        Wire::QueryArray { item, explode, delimiter, .. } => {
            let text = item.to_string(&quote!(item));
            let function = item.function();
            if *explode {
                quote! {
                    for item in #value {
                        query_string.push(#wire_name, &#text);
                    }
                }
            } else {
                let delimiter = delimiter.encoded();
                let iter = iter(&value);
                quote! {
                    let items: ::std::vec::Vec<::std::string::String> = #iter.map(#function).collect();
                    query_string.push_joined(#wire_name, &items, #delimiter);
                }
            }
        }
        Wire::QueryDeep(deep) => {
            let text = |scalar: Scalar, item: TokenStream| match scalar {
                Scalar::Text => item,
                _ => {
                    let text = scalar.to_string(&item);
                    quote!(&#text)
                }
            };
            match deep {
                Deep::Map(scalar) => {
                    let text = text(*scalar, quote!(item));
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
                            let text = text(*scalar, quote!(item));
                            pushes.push(quote! {
                                if let ::std::option::Option::Some(item) = &object.#field {
                                    query_string.push_deep(#wire_name, #key, #text);
                                }
                            });
                        } else {
                            let text = text(*scalar, quote!(&object.#field));
                            pushes.push(quote!(query_string.push_deep(#wire_name, #key, #text);));
                        }
                    }
                    if let Some((field, scalar)) = others {
                        let text = text(*scalar, quote!(item));
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
                let push = push_wire(wire_name, wire, quote!(value));
                quote!(#rust::#variant(value) => { #push })
            });
            quote!(match #value { #(#arms)* })
        }
        Wire::QueryJson => {
            quote! {
                let json = ::serde_json::to_string(#value).map_err(Error::Encode)?;
                query_string.push(#wire_name, &json);
            }
        }
    })
}

/// Statements adding a header or cookie parameter to `headers` (a
/// `HeaderParams`); `value` is a `&T`.
pub(super) fn header_push(p: &Param<'_>, value: TokenStream) -> Option<TokenStream> {
    let wire_name = &p.p.wire_name;
    let (scalar, add) = match &p.wire {
        Wire::Header(scalar) => (*scalar, quote!(header)),
        Wire::HeaderArray { item, .. } => (*item, quote!(header_list)),
        Wire::Cookie(scalar) => (*scalar, quote!(cookie)),
        Wire::CookieArray { item, .. } => (*item, quote!(cookie_list)),
        // Path and query parameters.
        _ => return None,
    };
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
pub(super) fn query_wire(api: &Api, p: &Parameter, ty: &Type, models: &TokenStream) -> Result<Wire> {
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
pub(super) fn scalar_or_array(
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
pub(super) fn union_of<'a>(
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
pub(super) fn deep_wire(api: &Api, p: &Parameter, ty: &Type) -> Result<Deep> {
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
pub(super) fn delimiter_checks(wire: &Wire, value: TokenStream, wire_name: &str) -> Option<TokenStream> {
    match wire {
        Wire::QueryArray { item, guard: true, delimiter, .. } => {
            let function = item.function();
            let character = delimiter.char();
            let style = delimiter.style().spec_name();
            let iter = iter(&value);
            Some(quote!(check_delimited(#iter.map(#function), #character, #style, #wire_name, out);))
        }
        Wire::QueryUnion { rust, arms } => {
            let checked: Vec<TokenStream> = arms
                .iter()
                .filter_map(|(variant, wire)| {
                    let check = delimiter_checks(wire, quote!(value), wire_name)?;
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
pub(super) fn iter(value: &TokenStream) -> TokenStream {
    let mut tokens = value.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(proc_macro2::TokenTree::Ident(_)), None) => quote!(#value.iter()),
        _ => quote!(::std::iter::IntoIterator::into_iter(#value)),
    }
}
