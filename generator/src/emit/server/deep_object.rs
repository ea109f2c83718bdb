//! `style: deepObject` query parameters in a server (decided in
//! [`crate::plan::decoding`]): an object of scalar
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
use super::params::parse;
use crate::plan::decoding::{Deep, Others};

/// The declared properties' keys of a struct (none for a map).
pub(super) fn keys(deep: &Deep) -> Vec<&str> {
    match deep {
        Deep::Map { .. } => Vec::new(),
        Deep::Struct { fields, .. } => fields.iter().map(|f| f.wire.as_str()).collect(),
        Deep::Nested { keys, .. } => keys.iter().map(String::as_str).collect(),
    }
}

/// The value of a `deepObject` parameter `wire` from its `entries` (also
/// the properties of a `form` object; `wire` empty when they are top-level
/// keys).
pub(super) fn decode(deep: &Deep, wire: &str, m: &TokenStream) -> TokenStream {
    match deep {
        Deep::Map { parse: p } => {
            let parse = parse(p, m);
            quote!(self::runtime::deep_rest(#wire, &entries, &[], #parse)?)
        }
        Deep::Struct { ty, fields, others } => {
            let rust = rust_type(ty, m);
            let keys = keys(deep);
            let assigned = fields.iter().map(|f| {
                let (field, key, parse) = (ident(&f.field), &f.wire, parse(&f.parse, m));
                if f.optional {
                    quote!(#field: self::runtime::deep_optional(#wire, &entries, #key, #parse)?,)
                } else {
                    quote!(#field: self::runtime::deep_required(#wire, &entries, #key, #parse)?,)
                }
            });
            let (check, kept) = match others {
                Others::Ignored => (quote!(), quote!()),
                Others::Refused => (quote!(self::runtime::deep_no_others(#wire, &entries, &[#(#keys),*])?;), quote!()),
                Others::Kept { field, parse: p } => {
                    let (field, parse) = (ident(field), parse(p, m));
                    (quote!(), quote!(#field: self::runtime::deep_rest(#wire, &entries, &[#(#keys),*], #parse)?,))
                }
            };
            quote!({ #check #rust { #(#assigned)* #kept } })
        }
        // Read from the query itself, not from entries (`params.rs`).
        Deep::Nested { .. } => quote! {
            return ::std::result::Result::Err(self::runtime::Rejection::internal(
                "a nested `form` object read as entries",
            ))
        },
    }
}
