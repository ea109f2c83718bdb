//! Path, query, header and cookie parameters: their Rust types, defaults,
//! and the decoding their location, style, `explode` and content call for
//! (headers and cookies: see `headers.rs`).
//!
//! - Path parameters: `style: simple`; query parameters: `form`,
//!   `spaceDelimited`, `pipeDelimited` (arrays split at `%20`/`+`/space or
//!   `|`/`%7C` when not exploded, repeated keys otherwise; a scalar is
//!   `name=value` in every style) and `deepObject` (see `deep_object.rs`).
//! - Unions of scalars and arrays of scalars: each variant tried in order
//!   (see `union_params.rs`).
//! - `nullable` is ignored: a path or query string cannot say `null`, so the
//!   value is decoded as the non-null type (an absent optional parameter is
//!   its default or `None`).

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::super::{describe_constraints, doc_lines, ident, rust_type};
use super::deep_object::DeepPlan;
use super::union_params::UnionPlan;
use crate::error::{Error, Result};
use crate::ir::{Api, Location, Parameter, ParameterEncoding, Primitive, Shape, Style, Type, TypeKind};
use crate::plan::delimiter::Delimiter;
use crate::pointer::Pointer;

/// How one parameter is decoded.
pub(super) enum Decode {
    /// One value: `parse` is a `fn(name, text) -> Result<T, Rejection>` of the runtime.
    Scalar(TokenStream),
    /// A list of values, split at the style's delimiter in one value or
    /// (`explode`, query only) one per repeated key.
    List { parse: TokenStream, explode: bool, delimiter: Delimiter },
    /// JSON content (`content: application/json`) of this Rust type.
    Json(TokenStream),
    /// `deepObject`: `name[key]=value` entries.
    Deep(DeepPlan),
    /// A union: its variants tried in order.
    Union(UnionPlan),
}

/// What the emitter decided about one path or query parameter.
pub(super) struct ParamPlan<'a> {
    pub param: &'a Parameter,
    /// The type of the query struct's field or of the method's argument:
    /// `Option<T>` for optional parameters without a default.
    pub field_type: TokenStream,
    /// The spec's default, as an expression of `field_type`.
    pub default: Option<TokenStream>,
    /// The parameter's type, without `nullable` for styled parameters.
    pub ty: Type,
    pub(super) decode: Decode,
    /// `None` when absent: optional and without a default.
    pub(super) optional: bool,
}

impl<'a> ParamPlan<'a> {
    pub fn new(api: &Api, param: &'a Parameter, m: &TokenStream) -> Result<Self> {
        let at = &param.pointer;
        let (decode, ty) = match &param.encoding {
            ParameterEncoding::Content { ty, .. } => (Decode::Json(rust_type(ty, m)), ty.clone()),
            ParameterEncoding::Style(ty) => {
                // A path or query string cannot say `null`: the non-null type.
                let ty = Type { nullable: false, ..ty.clone() };
                (styled(api, param, &ty, m)?, ty)
            }
        };
        let value = default_value(api, &ty);
        let default = match (&value, param.required) {
            (Some(value), false) => Some(default_expr(api, &ty, value, m, at)?),
            _ => None,
        };
        let optional = !param.required && default.is_none();
        let rust = rust_type(&ty, m);
        let field_type = if optional { quote!(::std::option::Option<#rust>) } else { rust };
        Ok(ParamPlan { param, field_type, default, ty, decode, optional })
    }

    /// The docs of the query struct's field.
    pub fn docs(&self) -> TokenStream {
        self.docs_saying(&format!("`{}`", self.param.wire_name))
    }

    /// A field's docs: the spec's description, `source` (where the value
    /// comes from) with whether it is required, constraints, default.
    pub(super) fn docs_saying(&self, source: &str) -> TokenStream {
        let p = self.param;
        let mut paragraphs: Vec<String> = p.docs.iter().cloned().collect();
        let presence = match (p.required, &self.default) {
            (true, _) => " (required)",
            (false, Some(_)) => "",
            (false, None) => " (optional)",
        };
        paragraphs.push(format!("{source}{presence}."));
        paragraphs.extend(describe_constraints(&self.ty.constraints));
        if let Some(default) = default_value_text(p) {
            paragraphs.push(format!("Default: `{default}` (applied when the parameter is absent)."));
        }
        if p.deprecated {
            paragraphs.push("**Deprecated** in the spec.".to_owned());
        }
        doc_lines(paragraphs.iter().map(String::as_str))
    }

    /// The value of an absent parameter: `400` when it is required, else its
    /// default or `None`.
    pub(super) fn missing(&self) -> TokenStream {
        let wire = &self.param.wire_name;
        if self.param.required {
            quote!(return ::std::result::Result::Err(self::runtime::Rejection::invalid_parameter(#wire, "is required")))
        } else if let Some(default) = &self.default {
            default.clone()
        } else {
            quote!(::std::option::Option::None)
        }
    }

    /// `let #var = ...;` from the `QueryString` named `query`.
    pub fn decode_query(&self, var: &proc_macro2::Ident) -> TokenStream {
        let wire = &self.param.wire_name;
        let missing = self.missing();
        let wrap = |value: TokenStream| {
            if self.optional { quote!(::std::option::Option::Some(#value)) } else { value }
        };
        let one = |decode: TokenStream| {
            let value = wrap(decode);
            quote! {
                let #var = match query.single(#wire)? {
                    ::std::option::Option::Some(raw) => #value,
                    ::std::option::Option::None => #missing,
                };
            }
        };
        match &self.decode {
            Decode::Scalar(parse) => one(quote!(self::runtime::query_value(#wire, raw, #parse)?)),
            Decode::List { parse, explode: false, delimiter } => {
                let delimiter = delimiter.char();
                one(quote!(self::runtime::query_list(#wire, raw, #delimiter, #parse)?))
            }
            Decode::Json(ty) if self.optional => quote!(let #var = query.json::<#ty>(#wire)?;),
            Decode::Json(ty) => quote! {
                let #var = match query.json::<#ty>(#wire)? {
                    ::std::option::Option::Some(value) => value,
                    ::std::option::Option::None => #missing,
                };
            },
            Decode::List { parse, explode: true, .. } => {
                let value = wrap(quote! {
                    raws.into_iter()
                        .map(|raw| self::runtime::query_value(#wire, raw, #parse))
                        .collect::<::std::result::Result<::std::vec::Vec<_>, self::runtime::Rejection>>()?
                });
                quote! {
                    let raws = query.all(#wire);
                    let #var = if raws.is_empty() { #missing } else { #value };
                }
            }
            Decode::Deep(deep) => {
                let value = wrap(deep.decode(wire));
                quote! {
                    let entries = query.deep(#wire)?;
                    let #var = if entries.is_empty() { #missing } else { #value };
                }
            }
            Decode::Union(union) => {
                let value = wrap(union.decode_query(wire));
                let raws = if union.explode {
                    quote!(let raws = query.all(#wire);)
                } else {
                    quote!(let raws: ::std::vec::Vec<&str> = query.single(#wire)?.into_iter().collect();)
                };
                quote! {
                    #raws
                    let #var = if raws.is_empty() { #missing } else { #value };
                }
            }
        }
    }

    /// `let #var = ...;` from the `PathParams` named `path`.
    pub fn decode_path(&self, var: &proc_macro2::Ident) -> TokenStream {
        let wire = &self.param.wire_name;
        let value = match &self.decode {
            Decode::Scalar(parse) => quote!(#parse(#wire, path.get(#wire)?)?),
            Decode::List { parse, .. } => quote!(self::runtime::path_list(#wire, path.get(#wire)?, #parse)?),
            Decode::Json(ty) => quote!(self::runtime::from_json_param::<#ty>(#wire, path.get(#wire)?)?),
            Decode::Union(union) => {
                let decode = union.decode_path(wire);
                quote!({ let text = path.get(#wire)?; #decode })
            }
            // `deepObject` is a query style: lowering never puts it in a path.
            Decode::Deep(_) => quote! {
                return ::std::result::Result::Err(self::runtime::Rejection::internal(
                    "a `deepObject` parameter in the path",
                ))
            },
        };
        quote!(let #var = #value;)
    }
}

/// `impl Default for #name` (a struct of `params`, one field each) when
/// every parameter is optional: the spec's defaults, `None` elsewhere.
pub(super) fn default_impl(name: &proc_macro2::Ident, params: &[ParamPlan<'_>]) -> Option<TokenStream> {
    params.iter().all(|p| !p.param.required).then(|| {
        let fields = params.iter().map(|p| {
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
    })
}

/// Statements that check every constraint of `params` (decoded into `vars`)
/// and return `400 INVALID_PARAMETER` listing every violation.
pub(super) fn checks(api: &Api, params: &[ParamPlan<'_>], vars: &[proc_macro2::Ident], m: &TokenStream) -> TokenStream {
    let mut statements = Vec::new();
    for (p, var) in params.iter().zip(vars) {
        let wire = &p.param.wire_name;
        let checks = super::super::validate::checks(api, &p.ty, quote!(present), quote!(#wire), m);
        if checks.is_empty() {
            continue;
        }
        statements.push(if p.optional {
            quote!(if let ::std::option::Option::Some(present) = &#var { #checks })
        } else {
            quote!({ let present = &#var; #checks })
        });
    }
    if statements.is_empty() {
        return quote!();
    }
    quote! {
        let mut found: ::std::vec::Vec<#m validation::Violation> = ::std::vec::Vec::new();
        {
            let out = &mut found;
            #(#statements)*
        }
        if !found.is_empty() {
            return ::std::result::Result::Err(self::runtime::Rejection::invalid_parameters(&found));
        }
    }
}

/// How a styled (`schema`) parameter of type `ty` (without `nullable`) is decoded.
fn styled(api: &Api, param: &Parameter, ty: &Type, m: &TokenStream) -> Result<Decode> {
    let at = &param.pointer;
    match (param.location, param.style) {
        (Location::Query, Style::Form | Style::SpaceDelimited | Style::PipeDelimited)
        | (Location::Path | Location::Header, Style::Simple)
        | (Location::Cookie, Style::Form) => {}
        (Location::Query, Style::DeepObject) => return DeepPlan::new(api, param, ty, m).map(Decode::Deep),
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
    if let Some(parse) = scalar_parse(api, ty, m, at)? {
        Ok(Decode::Scalar(parse))
    } else if let Some(item) = array_item(api, ty) {
        let Some(parse) = scalar_parse(api, item, m, at)? else {
            return Err(Error::unsupported(
                &at.join("schema"),
                "arrays of arrays or objects as parameters (only JSON content can carry them)",
            ));
        };
        Ok(Decode::List { parse, explode, delimiter })
    } else if let Some(union) = UnionPlan::new(api, param, ty, explode, delimiter, m)? {
        Ok(Decode::Union(union))
    } else {
        Err(Error::unsupported(
            &at.join("schema"),
            "objects or untyped values as styled parameters (only `deepObject` or JSON content can carry them)",
        ))
    }
}

/// The runtime parser of a scalar type (`from_param::<i32>`,
/// `from_str_param::<Status>`); `None` for arrays and objects.
pub(super) fn scalar_parse(api: &Api, ty: &Type, m: &TokenStream, at: &Pointer) -> Result<Option<TokenStream>> {
    if ty.nullable {
        return Err(Error::unsupported(&at.join("schema"), "nullable values inside a styled parameter in a server"));
    }
    let rust = rust_type(ty, m);
    Ok(match &ty.shape {
        Shape::Primitive(_) => Some(quote!(self::runtime::from_param::<#rust>)),
        Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => Some(quote!(self::runtime::from_str_param::<#rust>)),
            Some(TypeKind::Alias(target)) => scalar_parse(api, target, m, at)?,
            _ => None,
        },
        Shape::Array(_) | Shape::Map(_) | Shape::Any => None,
    })
}

/// The item type of an array (through named aliases).
pub(super) fn array_item<'t>(api: &'t Api, ty: &'t Type) -> Option<&'t Type> {
    match &ty.shape {
        Shape::Array(item) => Some(item),
        Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Alias(target)) if !target.nullable => array_item(api, target),
            _ => None,
        },
        _ => None,
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

fn default_value_text(p: &Parameter) -> Option<String> {
    if p.required {
        return None;
    }
    p.ty().default.as_ref().map(|v| v.to_string())
}

/// The default as a Rust expression of `ty`'s type.
fn default_expr(api: &Api, ty: &Type, value: &Value, m: &TokenStream, at: &Pointer) -> Result<TokenStream> {
    let refuse = || {
        Error::unsupported(
            at,
            format!("the default `{value}` (only numbers, booleans, strings, enum values and arrays of them)"),
        )
    };
    if ty.nullable {
        return Err(refuse());
    }
    Ok(match &ty.shape {
        Shape::Primitive(p) => match p {
            Primitive::Int32 => {
                let v = value.as_i64().and_then(|v| i32::try_from(v).ok()).ok_or_else(refuse)?;
                let v = Literal::i32_suffixed(v);
                quote!(#v)
            }
            Primitive::Int64 => {
                let v = Literal::i64_suffixed(value.as_i64().ok_or_else(refuse)?);
                quote!(#v)
            }
            Primitive::Float => {
                let v = Literal::f32_suffixed(value.as_f64().ok_or_else(refuse)? as f32);
                quote!(#v)
            }
            Primitive::Double => {
                let v = Literal::f64_suffixed(value.as_f64().ok_or_else(refuse)?);
                quote!(#v)
            }
            Primitive::Bool => {
                let v = value.as_bool().ok_or_else(refuse)?;
                quote!(#v)
            }
            Primitive::String | Primitive::Bytes(_) => {
                let v = value.as_str().ok_or_else(refuse)?;
                quote!(::std::string::String::from(#v))
            }
            Primitive::DateTime | Primitive::Date => return Err(refuse()),
        },
        Shape::Array(item) => {
            let items = value
                .as_array()
                .ok_or_else(refuse)?
                .iter()
                .map(|v| default_expr(api, item, v, m, at))
                .collect::<Result<Vec<_>>>()?;
            quote!(::std::vec![#(#items),*])
        }
        Shape::Named(name) => {
            let def = api.type_def(name).ok_or_else(refuse)?;
            match &def.kind {
                TypeKind::Enum(e) => {
                    let wire = value.as_str().ok_or_else(refuse)?;
                    let variant = e.variants.iter().find(|v| v.wire_name == wire).ok_or_else(refuse)?;
                    let (ty, variant) = (ident(&def.name), ident(&variant.name));
                    quote!(#m #ty::#variant)
                }
                TypeKind::ValueEnum(e) => {
                    let variant = e.variants.iter().find(|v| v.value == *value).ok_or_else(refuse)?;
                    let (ty, variant) = (ident(&def.name), ident(&variant.name));
                    quote!(#m #ty::#variant)
                }
                TypeKind::Alias(target) => default_expr(api, target, value, m, at)?,
                TypeKind::Struct(_) | TypeKind::Map(_) | TypeKind::Union(_) => return Err(refuse()),
            }
        }
        Shape::Map(_) | Shape::Any => return Err(refuse()),
    })
}
