//! Path and query parameters whose schema is a union (`oneOf`/`anyOf`) of
//! scalars and (in the query) arrays of scalars, as GitHub's
//! `workflow_id: oneOf [integer, string]` and
//! `cwes: oneOf [string, array of string]`.
//!
//! The variants are tried in the spec's order and the first that accepts the
//! text wins:
//!
//! - a scalar variant accepts exactly one value that parses as its type;
//! - an array variant accepts every value of the repeated key
//!   (`explode: true`), or the one value split at the style's delimiter
//!   (`explode: false`), when each item parses.
//!
//! So `cwes=a` is the string `a`, `cwes=a&cwes=b` the list `[a, b]`; a
//! one-item list comes back as whatever variant comes first and accepts it
//! (the wire cannot tell them apart). Nothing accepting the value is `400`
//! naming the parameter and what was expected. Array variants in the path,
//! nested unions and objects are refused at the variant's pointer.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::{ident, rust_type};
use super::params::{array_item, scalar_parse};
use crate::error::{Error, Result};
use crate::ir::{Api, Location, Parameter, Primitive, Shape, Type, TypeKind};
use crate::plan::delimiter::Delimiter;

pub(super) struct UnionPlan {
    /// The union's Rust type.
    rust: TokenStream,
    arms: Vec<Arm>,
    /// Repeated keys (query, `explode: true`).
    pub explode: bool,
    delimiter: Delimiter,
    /// What the variants accept, for the error message.
    expected: String,
}

struct Arm {
    variant: proc_macro2::Ident,
    parse: TokenStream,
    /// An array variant (the items are parsed by `parse`).
    list: bool,
}

impl UnionPlan {
    /// The plan for a union type `ty`; `None` when `ty` is not a union.
    pub fn new(
        api: &Api,
        param: &Parameter,
        ty: &Type,
        explode: bool,
        delimiter: Delimiter,
        m: &TokenStream,
    ) -> Result<Option<UnionPlan>> {
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
            let variant = ident(&v.name);
            if let Some(parse) = scalar_parse(api, &v.ty, m, &v.pointer)? {
                arms.push(Arm { variant, parse, list: false });
                expected.push(describe(api, &v.ty));
            } else if let Some(item) = array_item(api, &v.ty) {
                if param.location == Location::Path {
                    return refuse("an array in a path parameter");
                }
                let Some(parse) = scalar_parse(api, item, m, &v.pointer)? else {
                    return refuse("an array of arrays or objects");
                };
                arms.push(Arm { variant, parse, list: true });
                expected.push(format!("a list of {}", describe_plural(api, item)));
            } else {
                return refuse("an object, a union or an untyped value");
            }
        }
        let rust = rust_type(&Type::new(resolved.shape.clone()), m);
        let expected = format!("matches none of the schemas it may be: {}", expected.join("; "));
        Ok(Some(UnionPlan { rust, arms, explode, delimiter, expected }))
    }

    /// The value from `raws` (the raw query values of `wire`).
    pub fn decode_query(&self, wire: &str) -> TokenStream {
        let rust = &self.rust;
        let delimiter = self.delimiter.char();
        let tries = self.arms.iter().map(|arm| {
            let (variant, parse) = (&arm.variant, &arm.parse);
            let attempt = match (arm.list, self.explode) {
                (false, _) => quote!(self::runtime::variant_single(#wire, &raws, #parse)),
                (true, true) => quote!(self::runtime::variant_all(#wire, &raws, #parse)),
                (true, false) => quote!(self::runtime::variant_list(#wire, &raws, #delimiter, #parse)),
            };
            quote! {
                if let ::std::option::Option::Some(value) = #attempt {
                    break 'variants #rust::#variant(value);
                }
            }
        });
        self.first_that_fits(wire, tries)
    }

    /// A block whose value is the first variant that `tries` (each `break
    /// 'variants` with it) accepts; else `400` naming `wire`.
    fn first_that_fits(&self, wire: &str, tries: impl Iterator<Item = TokenStream>) -> TokenStream {
        let expected = &self.expected;
        quote! {
            'variants: {
                #(#tries)*
                return ::std::result::Result::Err(self::runtime::Rejection::invalid_parameter(#wire, #expected));
            }
        }
    }

    /// The value from `text` (the decoded path segment of `wire`).
    pub fn decode_path(&self, wire: &str) -> TokenStream {
        let rust = &self.rust;
        let tries = self.arms.iter().map(|arm| {
            let (variant, parse) = (&arm.variant, &arm.parse);
            quote! {
                if let ::std::result::Result::Ok(value) = #parse(#wire, text) {
                    break 'variants #rust::#variant(value);
                }
            }
        });
        self.first_that_fits(wire, tries)
    }
}

/// What a value of a scalar type is, for messages (`an integer`).
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
