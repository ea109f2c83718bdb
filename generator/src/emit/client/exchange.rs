//! Request bodies and responses as tokens: the body argument, its
//! encoding, and the statuses whose bodies are the error type (decided in
//! [`crate::plan::client`]).

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};

use super::*;

impl Body {
    /// The body argument of a method, from its plan.
    pub(super) fn new(plan: &ClientBody, m: &TokenStream) -> Body {
        let name = ident(&plan.name);
        let arg = match &plan.encoding {
            Encoding::Json => {
                let inner = match &plan.slice {
                    Some(item) => {
                        let item = rust_type(item, m);
                        quote!([#item])
                    }
                    None => rust_type(&plan.ty, m),
                };
                if plan.required { quote!(&#inner) } else { quote!(::std::option::Option<&#inner>) }
            }
            Encoding::Raw(_) => {
                let inner =
                    if plan.ty.shape == Shape::Primitive(Primitive::String) { quote!(&str) } else { quote!(&[u8]) };
                if plan.required { inner } else { quote!(::std::option::Option<#inner>) }
            }
            Encoding::Form(_) | Encoding::Multipart(_) => {
                let rust = match &plan.encoding {
                    Encoding::Multipart(multipart) => ident(&multipart.name).to_token_stream(),
                    _ => rust_type(&plan.ty, m),
                };
                if plan.required { quote!(&#rust) } else { quote!(::std::option::Option<&#rust>) }
            }
        };
        Body {
            owned: quote!(#name),
            name,
            ty: plan.ty.clone(),
            arg,
            required: plan.required,
            slice: plan.slice.is_some(),
            encoding: plan.encoding.clone(),
        }
    }
}

/// `Some(encode)` for the body argument `name`, or, for an optional body,
/// `encode` of the body when there is one.
pub(super) fn encoded_body(required: bool, name: &proc_macro2::Ident, encode: &TokenStream) -> TokenStream {
    if required {
        quote!(::std::option::Option::Some(#encode))
    } else {
        quote! {
            match #name {
                ::std::option::Option::Some(#name) => ::std::option::Option::Some(#encode),
                ::std::option::Option::None => ::std::option::Option::None,
            }
        }
    }
}

/// `matches!(raw.status.as_u16(), 400..=599)` for a set of statuses, as runs.
pub(super) fn status_pattern(codes: &BTreeSet<u16>) -> TokenStream {
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for &code in codes {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == code => *end = code,
            _ => runs.push((code, code)),
        }
    }
    if runs.is_empty() {
        return quote!(false);
    }
    let patterns = runs.iter().map(|&(start, end)| {
        let (s, e) = (Literal::u16_unsuffixed(start), Literal::u16_unsuffixed(end));
        if start == end { quote!(#s) } else { quote!(#s..=#e) }
    });
    quote!(matches!(raw.status.as_u16(), #(#patterns)|*))
}
