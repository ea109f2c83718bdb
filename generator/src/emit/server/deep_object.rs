//! `style: deepObject` query parameters in a server: an object of scalar
//! properties or a map of scalars, sent as one `name[key]=value` per
//! property or entry.
//!
//! A struct is built property by property: a required property missing is
//! `400` naming `name[key]`; a nullable property that is absent is `None`
//! (a query string cannot say `null`); keys beyond the properties are kept
//! in the struct's map (`additionalProperties` with a scalar schema),
//! refused (`additionalProperties: false`) or ignored (nothing said). A map
//! takes every entry. Objects or arrays inside a `deepObject` have no
//! serialization in OpenAPI and are refused at their pointer, as are
//! `explode: false` (undefined) and values that are not objects.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::{ident, rust_type};
use super::params::scalar_parse;
use crate::error::{Error, Result};
use crate::ir::{Additional, Api, Parameter, Shape, Type, TypeKind};
use crate::pointer::Pointer;

/// How a `deepObject` parameter's entries become its value.
pub(super) enum DeepPlan {
    Struct {
        /// The struct's Rust type.
        rust: TokenStream,
        fields: Vec<DeepField>,
        /// Keys that are not properties.
        others: Others,
    },
    /// A map: `parse` for its values.
    Map { parse: TokenStream },
}

pub(super) struct DeepField {
    field: proc_macro2::Ident,
    wire: String,
    parse: TokenStream,
    /// `Option<T>` in the struct (optional or nullable).
    optional: bool,
}

pub(super) enum Others {
    Ignored,
    Refused,
    /// Kept in this field (the struct's `additionalProperties` map).
    Kept {
        field: proc_macro2::Ident,
        parse: TokenStream,
    },
}

impl DeepPlan {
    pub fn new(api: &Api, param: &Parameter, ty: &Type, m: &TokenStream) -> Result<DeepPlan> {
        let at = &param.pointer;
        if !param.explode {
            return Err(Error::unsupported(
                &at.join("explode"),
                "`style: deepObject` with `explode: false` (OpenAPI defines no serialization for it)",
            ));
        }
        let not_object =
            || Error::unsupported(&at.join("schema"), "`style: deepObject` for a value that is not an object or a map");
        let resolved = api.resolve_aliases(ty);
        if resolved.nullable {
            return Err(not_object());
        }
        let nested = |at: &Pointer| {
            Error::unsupported(
                at,
                "objects or arrays inside a `deepObject` parameter (OpenAPI defines no serialization for them)",
            )
        };
        let value_parse = |value: &Type, at: &Pointer| -> Result<TokenStream> {
            let value = Type { nullable: false, ..value.clone() };
            scalar_parse(api, &value, m, at)?.ok_or_else(|| nested(at))
        };
        match &resolved.shape {
            Shape::Map(value) => Ok(DeepPlan::Map { parse: value_parse(value, &at.join("schema"))? }),
            Shape::Named(name) => {
                let def = api.type_def(name).ok_or_else(not_object)?;
                match &def.kind {
                    TypeKind::Map(value) => Ok(DeepPlan::Map { parse: value_parse(value, &def.pointer)? }),
                    TypeKind::Struct(s) => {
                        let mut fields = Vec::new();
                        for f in &s.fields {
                            if f.boxed {
                                return Err(nested(&f.pointer));
                            }
                            fields.push(DeepField {
                                field: ident(&f.name),
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
                                Others::Kept { field: ident(&name), parse }
                            }
                        };
                        Ok(DeepPlan::Struct { rust: rust_type(&Type::new(resolved.shape.clone()), m), fields, others })
                    }
                    _ => Err(not_object()),
                }
            }
            _ => Err(not_object()),
        }
    }

    /// The value from the `entries` of the parameter `wire`.
    pub fn decode(&self, wire: &str) -> TokenStream {
        match self {
            DeepPlan::Map { parse } => quote!(self::runtime::deep_rest(#wire, &entries, &[], #parse)?),
            DeepPlan::Struct { rust, fields, others } => {
                let keys: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
                let assigned = fields.iter().map(|f| {
                    let (field, key, parse) = (&f.field, &f.wire, &f.parse);
                    if f.optional {
                        quote!(#field: self::runtime::deep_optional(#wire, &entries, #key, #parse)?,)
                    } else {
                        quote!(#field: self::runtime::deep_required(#wire, &entries, #key, #parse)?,)
                    }
                });
                let (check, kept) = match others {
                    Others::Ignored => (quote!(), quote!()),
                    Others::Refused => {
                        (quote!(self::runtime::deep_no_others(#wire, &entries, &[#(#keys),*])?;), quote!())
                    }
                    Others::Kept { field, parse } => {
                        (quote!(), quote!(#field: self::runtime::deep_rest(#wire, &entries, &[#(#keys),*], #parse)?,))
                    }
                };
                quote!({ #check #rust { #(#assigned)* #kept } })
            }
        }
    }
}
