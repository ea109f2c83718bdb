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
            Encoding::Json(_) => {
                let inner = match &plan.slice {
                    Some(item) => {
                        let item = rust_type(item, m);
                        quote!([#item])
                    }
                    None => rust_type(&plan.ty, m),
                };
                if plan.required { quote!(&#inner) } else { quote!(::std::option::Option<&#inner>) }
            }
            Encoding::Raw(_) | Encoding::Ranged => {
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
            choice: plan.choice.clone(),
            owned: quote!(#name),
            name,
            ty: plan.ty.clone(),
            arg,
            required: plan.required,
            slice: plan.slice.is_some(),
            slice_item: plan.slice.clone(),
            encoding: plan.encoding.clone(),
        }
    }
}

/// The value of `{Op}RequestBody` an option's variant holds.
pub(super) fn option_type(option: &ClientOption, m: &TokenStream) -> TokenStream {
    match &option.encoding {
        Encoding::Json(_) | Encoding::Form(_) => rust_type(&option.ty, m),
        Encoding::Raw(_) if option.ty.shape == Shape::Primitive(Primitive::String) => quote!(::std::string::String),
        Encoding::Raw(_) => quote!(::std::vec::Vec<u8>),
        Encoding::Multipart(plan) => ident(&plan.name).to_token_stream(),
        Encoding::Ranged => quote!((::std::string::String, ::std::vec::Vec<u8>)),
    }
}

/// Statements setting the body of `request` (a `runtime::Request`) to
/// `value` (a `&` of the option's value).
pub(super) fn option_body(option: &ClientOption, value: &TokenStream) -> TokenStream {
    match &option.encoding {
        Encoding::Json(media) => {
            quote!(request.body = ::std::option::Option::Some((#media, ::serde_json::to_vec(#value).map_err(Error::Encode)?));)
        }
        Encoding::Raw(media) if option.ty.shape == Shape::Primitive(Primitive::String) => {
            quote!(request.body = ::std::option::Option::Some((#media, ::std::vec::Vec::from(#value.as_bytes())));)
        }
        Encoding::Raw(media) => {
            quote!(request.body = ::std::option::Option::Some((#media, ::std::clone::Clone::clone(#value)));)
        }
        Encoding::Form(plan) => {
            let encode = super::form_encoding::encode_form(plan, value);
            quote!(request.body = ::std::option::Option::Some(#encode);)
        }
        Encoding::Multipart(plan) => {
            let encode = super::form_encoding::encode_multipart(plan, value);
            quote!(request.multipart = ::std::option::Option::Some(#encode);)
        }
        Encoding::Ranged => quote! {
            let (content_type, bytes) = #value;
            request.body = ::std::option::Option::Some(("application/octet-stream", ::std::clone::Clone::clone(bytes)));
            request.content_type = ::std::option::Option::Some(::std::clone::Clone::clone(content_type));
        },
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

/// The runs of consecutive statuses in `codes` (`400..=401`, `404..=404`).
pub(super) fn status_runs(codes: &BTreeSet<u16>) -> Vec<(u16, u16)> {
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for &code in codes {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == code => *end = code,
            _ => runs.push((code, code)),
        }
    }
    runs
}

/// `matches!(raw.status.as_u16(), 400..=599)` for a set of statuses, as runs.
pub(super) fn status_pattern(codes: &BTreeSet<u16>) -> TokenStream {
    let runs = status_runs(codes);
    if runs.is_empty() {
        return quote!(false);
    }
    let patterns = runs.iter().map(|&(start, end)| {
        let (s, e) = (Literal::u16_unsuffixed(start), Literal::u16_unsuffixed(end));
        if start == end { quote!(#s) } else { quote!(#s..=#e) }
    });
    quote!(matches!(raw.status.as_u16(), #(#patterns)|*))
}
