//! Response enums: one variant per documented status, carrying its checked
//! status (ranges, `default`), its body and its documented headers.
//!
//! - Bodies: JSON media types carry their schema's type; `text/*` a
//!   `String`; any other media type raw bytes (`Vec<u8>`). When every media
//!   type of a response has the same representation (`application/json` and
//!   `application/scim+json` of one schema) the variant carries it and is
//!   answered with the first media type; otherwise it carries an enum with a
//!   variant per media type (`ApplicationJson(T)`, `ApplicationVndGithubDiff(String)`).
//! - Headers: a struct per response with headers (`{Op}{Variant}Headers`), a
//!   field per header (`Option` unless required); scalars as text, arrays
//!   comma-separated (`simple`). A value that cannot be sent in a header is
//!   a server bug and answered `500`.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};

use super::super::{doc_lines, ident, rust_type};
use super::{status_key, status_type};
use crate::ir::StatusCode;
use crate::plan::responses::{HeaderText, Kind, Representation, ResponseBody, ResponseHeaders, Variant};

/// The Rust type of a body of one media type.
fn body_type(r: &Representation, m: &TokenStream) -> TokenStream {
    match r.kind {
        Kind::Json => rust_type(&r.ty, m),
        Kind::Text => quote!(::std::string::String),
        Kind::Bytes => quote!(::std::vec::Vec<u8>),
    }
}

/// An expression of the text of a header `value`.
fn header_text(text: HeaderText, list: bool) -> TokenStream {
    let function = match text {
        HeaderText::DateTime => quote!(self::runtime::date_time_text),
        HeaderText::Display => quote!(::std::string::ToString::to_string),
        HeaderText::Json => quote!(self::runtime::json_header_text),
        HeaderText::Simple => quote!(self::runtime::simple_header_text),
    };
    if list {
        quote!(value.iter().map(#function).collect::<::std::vec::Vec<_>>().join(","))
    } else {
        quote!(#function(value))
    }
}

/// The response enum `name`, the body enums and header structs of its
/// variants, and `IntoResponse`.
pub(super) fn items(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    variants: &[Variant],
    m: &TokenStream,
) -> TokenStream {
    let mut extra = Vec::new();
    let declared = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let docs = doc_lines([format!("`{}`: {}", status_key(v.status), v.description.trim()).as_str()]);
        let mut fields = Vec::new();
        fields.extend(status_type(v.status));
        match &v.body {
            None => {}
            Some(ResponseBody::One(r)) => fields.push(body_type(r, m)),
            Some(ResponseBody::Choice { name, .. }) => fields.push(ident(name).into_token_stream()),
        }
        if let Some(h) = &v.headers {
            let name = ident(&h.name);
            fields.push(quote!(#name));
        }
        let fields = (!fields.is_empty()).then(|| quote!((#(#fields),*)));
        quote!(#docs #variant #fields,)
    });
    let declared: Vec<TokenStream> = declared.collect();
    for v in variants {
        if let Some(ResponseBody::Choice { name, options }) = &v.body {
            extra.push(choice_enum(name, options, v.status, m));
        }
        if let Some(h) = &v.headers {
            extra.push(header_struct(h, v.status, m));
        }
    }
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let mut pattern = Vec::new();
        let status = match v.status {
            StatusCode::Exact(code) => {
                let code = Literal::u16_unsuffixed(code);
                quote!(self::runtime::status(#code))
            }
            StatusCode::Range(_) => {
                pattern.push(quote!(status));
                quote!(status.status_code())
            }
            StatusCode::Default => {
                pattern.push(quote!(status));
                quote!(status)
            }
        };
        let response = match &v.body {
            None => quote!(self::runtime::empty_response(#status)),
            Some(ResponseBody::One(r)) => {
                pattern.push(quote!(body));
                respond(r, &status)
            }
            Some(ResponseBody::Choice { name, options }) => {
                pattern.push(quote!(body));
                let name = ident(name);
                let arms = options.iter().map(|(option, r)| {
                    let option = ident(option);
                    let respond = respond(r, &status);
                    quote!(#name::#option(body) => #respond,)
                });
                quote!(match body { #(#arms)* })
            }
        };
        let response = match &v.headers {
            None => response,
            Some(h) => {
                pattern.push(quote!(headers));
                let sets = h.fields.iter().map(|f| {
                    let (field, wire, text) = (ident(&f.field), &f.wire, header_text(f.text, f.list));
                    if f.required {
                        quote!({ let value = &headers.#field; self::runtime::set_header(&mut response, #wire, #text); })
                    } else {
                        quote! {
                            if let ::std::option::Option::Some(value) = &headers.#field {
                                self::runtime::set_header(&mut response, #wire, #text);
                            }
                        }
                    }
                });
                quote!({ let mut response = #response; #(#sets)* response })
            }
        };
        let pattern = (!pattern.is_empty()).then(|| quote!((#(#pattern),*)));
        quote!(Self::#variant #pattern => #response,)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name { #(#declared)* }

        #(#extra)*

        impl ::axum::response::IntoResponse for #name {
            fn into_response(self) -> ::axum::response::Response {
                match self { #(#arms)* }
            }
        }
    }
}

fn respond(r: &Representation, status: &TokenStream) -> TokenStream {
    let media = &r.media;
    match r.kind {
        Kind::Json => quote!(self::runtime::json_response_as(#status, &body, #media)),
        Kind::Text | Kind::Bytes => quote!(self::runtime::raw_response(#status, body, #media)),
    }
}

fn choice_enum(name: &str, options: &[(String, Representation)], status: StatusCode, m: &TokenStream) -> TokenStream {
    let name = ident(name);
    let docs = doc_lines([format!(
        "The body of a `{}` response, in one of the media types the spec documents for it.",
        status_key(status)
    )
    .as_str()]);
    let variants = options.iter().map(|(option, r)| {
        let (option, ty) = (ident(option), body_type(r, m));
        let doc = format!(" Sent as `{}`.", r.media);
        quote!(#[doc = #doc] #option(#ty),)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name { #(#variants)* }
    }
}

fn header_struct(h: &ResponseHeaders, status: StatusCode, m: &TokenStream) -> TokenStream {
    let name = ident(&h.name);
    let docs = doc_lines([format!(
        "The headers the spec documents for a `{}` response (`None` leaves an optional one out).",
        status_key(status)
    )
    .as_str()]);
    let fields = h.fields.iter().map(|f| {
        let (field, ty) = (ident(&f.field), rust_type(&f.ty, m));
        let doc = format!(" `{}`{}.", f.wire, if f.required { " (required)" } else { "" });
        let ty = if f.required { quote!(#ty) } else { quote!(::std::option::Option<#ty>) };
        quote!(#[doc = #doc] pub #field: #ty,)
    });
    let default = h.fields.iter().all(|f| !f.required).then(|| quote!(Default,));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name { #(#fields)* }
    }
}
