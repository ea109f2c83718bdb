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
use super::params::parse;
use crate::plan::decoding::Union;

/// The value of a union query parameter `wire` from `raws`.
pub(super) fn decode_query(union: &Union, wire: &str, m: &TokenStream) -> TokenStream {
    let rust = rust_type(&union.ty, m);
    let delimiter = union.delimiter.char();
    let tries = union.arms.iter().map(|arm| {
        let (variant, parse) = (ident(&arm.variant), parse(&arm.parse, m));
        let attempt = match (arm.list, union.explode) {
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
    first_that_fits(union, wire, tries)
}

/// A block whose value is the first variant that `tries` (each `break
/// 'variants` with it) accepts; else `400` naming `wire`.
fn first_that_fits(union: &Union, wire: &str, tries: impl Iterator<Item = TokenStream>) -> TokenStream {
    let expected = &union.expected;
    quote! {
        'variants: {
            #(#tries)*
            return ::std::result::Result::Err(self::runtime::Rejection::invalid_parameter(#wire, #expected));
        }
    }
}

/// The value from `text` (the decoded path segment of `wire`).
pub(super) fn decode_path(union: &Union, wire: &str, m: &TokenStream) -> TokenStream {
    let rust = rust_type(&union.ty, m);
    let tries = union.arms.iter().map(|arm| {
        let (variant, parse) = (ident(&arm.variant), parse(&arm.parse, m));
        quote! {
            if let ::std::result::Result::Ok(value) = #parse(#wire, text) {
                break 'variants #rust::#variant(value);
            }
        }
    });
    first_that_fits(union, wire, tries)
}
