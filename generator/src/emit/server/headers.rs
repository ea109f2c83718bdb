//! Header and cookie parameters: the `{Op}Headers` struct an operation's
//! trait method receives (one field per header or cookie parameter, decoded,
//! with the spec's defaults applied and its constraints checked), and the
//! decoder that reads it from the request's headers.
//!
//! Headers (`style: simple`) carry scalars or comma-separated lists; cookies
//! (`style: form`) carry scalars or, with `explode: false`, `name=a,b` lists.
//! How values are read (case, repeated headers, cookie syntax, percent-decoding)
//! is the runtime's part (`runtime_headers.rs`), embedded only into servers
//! that have such parameters.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::super::{doc_lines, ident};
use super::params::ParamPlan;
use crate::error::{Error, Result};
use crate::ir::{Api, Location, Operation};
use crate::plan::OperationNames;
use crate::plan::decoding::Decode;

/// `{Op}Headers`, its `Default` (when every parameter is optional) and its decoder.
pub(super) fn items(
    api: &Api,
    op: &Operation,
    names: &OperationNames,
    params: &[ParamPlan<'_>],
    m: &TokenStream,
) -> Result<TokenStream> {
    let name = ident(&names.headers);
    let docs = doc_lines([
        format!(
            "The header and cookie parameters of [`Api::{}`] (`{} {}`), decoded, with the spec's defaults applied and its constraints checked.",
            crate::naming::unraw(&op.name),
            op.method.as_str(),
            op.path
        )
        .as_str(),
        "Header names match in any case; a header given in several lines is refused unless it is a list (its lines are then one comma-separated list). Cookies come from the `Cookie` header(s), percent-decoded.",
    ]);
    let declared = params.iter().map(|p| {
        let field = ident(&p.param.name);
        let ty = &p.field_type;
        let docs = field_docs(p);
        quote!(#docs pub #field: #ty,)
    });
    let default_impl = super::params::default_impl(&name, params);
    let decoder = ident(&names.headers_decoder);
    let vars: Vec<_> = (0..params.len()).map(|i| format_ident!("header_param_{}", i)).collect();
    let cookies = params
        .iter()
        .any(|p| p.param.location == Location::Cookie)
        .then(|| quote!(let cookies = self::runtime::Cookies::parse(headers);));
    let decode = params.iter().zip(&vars).map(|(p, var)| decode(p, var, m)).collect::<Result<Vec<_>>>()?;
    let checks = super::params::checks(api, params, &vars, m);
    let assigned = params.iter().zip(&vars).map(|(p, var)| {
        let field = ident(&p.param.name);
        quote!(#field: #var,)
    });
    Ok(quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name { #(#declared)* }

        #default_impl

        fn #decoder(headers: &::axum::http::HeaderMap) -> ::std::result::Result<#name, self::runtime::Rejection> {
            #cookies
            #(#decode)*
            #checks
            ::std::result::Result::Ok(#name { #(#assigned)* })
        }
    })
}

/// A field's docs: the spec's description, where the value comes from,
/// constraints, default.
fn field_docs(plan: &ParamPlan<'_>) -> TokenStream {
    let p = plan.param;
    plan.docs_saying(&match p.location {
        Location::Cookie => format!("The cookie `{}`", p.wire_name),
        _ => format!("The `{}` header", p.wire_name),
    })
}

/// `let #var = ...;` from the `HeaderMap` named `headers` (and the `Cookies` named `cookies`).
fn decode(p: &ParamPlan<'_>, var: &proc_macro2::Ident, m: &TokenStream) -> Result<TokenStream> {
    let wire = &p.param.wire_name;
    let missing = p.missing();
    let cookie = p.param.location == Location::Cookie;
    let special = match (p.decode, cookie) {
        (Decode::Styled { style, explode, flat }, false) => {
            Some(super::params::styled(&p.ty, wire, *style, *explode, *flat, quote!(raw), m))
        }
        (Decode::Json(ty), false) => {
            let ty = super::super::rust_type(ty, m);
            Some(quote!(self::runtime::from_json_param::<#ty>(#wire, raw)?))
        }
        _ => None,
    };
    if let Some(value) = special {
        let value = if p.optional { quote!(::std::option::Option::Some(#value)) } else { value };
        return Ok(quote! {
            let #var = match self::runtime::header_single(headers, #wire)? {
                ::std::option::Option::Some(raw) => #value,
                ::std::option::Option::None => #missing,
            };
        });
    }
    let parse = match p.decode {
        Decode::Scalar(parse) | Decode::List { parse, .. } => super::params::parse(parse, m),
        // Unions, objects and `content` parameters are refused by the plan.
        _ => {
            return Err(Error::Emit {
                pointer: p.param.pointer.clone(),
                message: "a header or cookie parameter that is neither a scalar nor a list".to_owned(),
            });
        }
    };
    let (lookup, value) = match (p.decode, cookie) {
        (Decode::Scalar(_), false) => {
            (quote!(self::runtime::header_single(headers, #wire)?), quote!(#parse(#wire, raw)?))
        }
        (Decode::List { .. }, false) => (
            quote!(self::runtime::header_joined(headers, #wire)?),
            quote!(self::runtime::header_list(#wire, &raw, #parse)?),
        ),
        (Decode::Scalar(_), true) => {
            (quote!(cookies.single(#wire)?), quote!(self::runtime::cookie_value(#wire, raw, #parse)?))
        }
        (Decode::List { .. }, true) => {
            (quote!(cookies.single(#wire)?), quote!(self::runtime::cookie_list(#wire, raw, #parse)?))
        }
        _ => {
            return Err(Error::Emit {
                pointer: p.param.pointer.clone(),
                message: "a header or cookie parameter that is neither a scalar nor a list".to_owned(),
            });
        }
    };
    let value = if p.optional { quote!(::std::option::Option::Some(#value)) } else { value };
    Ok(quote! {
        let #var = match #lookup {
            ::std::option::Option::Some(raw) => #value,
            ::std::option::Option::None => #missing,
        };
    })
}
