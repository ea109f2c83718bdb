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
use quote::{format_ident, quote};

use super::super::{doc_lines, ident, rust_type};
use super::{status_key, status_type};
use crate::error::{Error, Result};
use crate::ir::{Api, Content, Primitive, Response, Shape, StatusCode, Type, TypeKind, is_json};
use crate::naming::{type_name, value_name};

/// What a variant's body is made of.
#[derive(Clone, PartialEq)]
enum Kind {
    Json,
    Text,
    Bytes,
}

struct Representation {
    kind: Kind,
    ty: TokenStream,
    media: String,
}

/// The body of one variant.
enum Body {
    /// One representation, answered with its media type.
    One(Representation),
    /// One per media type, in spec order: an enum named `name`.
    Choice { name: proc_macro2::Ident, options: Vec<(proc_macro2::Ident, Representation)> },
}

struct HeaderField {
    field: proc_macro2::Ident,
    wire: String,
    ty: TokenStream,
    required: bool,
    /// An expression of type `String` from `value: &T`.
    text: TokenStream,
}

struct Headers {
    name: proc_macro2::Ident,
    fields: Vec<HeaderField>,
}

pub(super) struct Variant {
    status: StatusCode,
    name: proc_macro2::Ident,
    description: String,
    body: Option<Body>,
    headers: Option<Headers>,
}

impl Variant {
    /// `prefix`: `{Op}{Status}`, the start of the names of the response's types.
    pub fn new(api: &Api, response: &Response, prefix: &str, m: &TokenStream) -> Result<Self> {
        let name = format_ident!("{}", crate::naming::status_variant(response.status));
        let body = body(&response.content, &response.pointer, prefix, m)?;
        let headers = headers(api, response, prefix, m)?;
        Ok(Variant { status: response.status, name, description: response.description.clone(), body, headers })
    }
}

fn representation(content: &Content, m: &TokenStream) -> Representation {
    let media = content.media_type.clone();
    let essence = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if is_json(&media) {
        let ty = match &content.ty {
            Some(ty) => rust_type(ty, m),
            None => quote!(::serde_json::Value),
        };
        Representation { kind: Kind::Json, ty, media }
    } else if essence.starts_with("text/") {
        Representation { kind: Kind::Text, ty: quote!(::std::string::String), media }
    } else {
        Representation { kind: Kind::Bytes, ty: quote!(::std::vec::Vec<u8>), media }
    }
}

fn body(content: &[Content], at: &crate::Pointer, prefix: &str, m: &TokenStream) -> Result<Option<Body>> {
    let all: Vec<Representation> = content.iter().map(|c| representation(c, m)).collect();
    let Some(first) = all.first() else { return Ok(None) };
    let same = all.iter().all(|r| r.kind == first.kind && r.ty.to_string() == first.ty.to_string());
    if same {
        let first = all.into_iter().next().map(Body::One);
        return Ok(first);
    }
    let mut options: Vec<(proc_macro2::Ident, Representation)> = Vec::new();
    for r in all {
        let variant = format_ident!("{}", type_name(&r.media));
        if options.iter().any(|(v, _)| *v == variant) {
            return Err(Error::unsupported(
                &at.join("content").join(&r.media),
                format!("media types whose names collide as a Rust variant (`{variant}`)"),
            ));
        }
        options.push((variant, r));
    }
    Ok(Some(Body::Choice { name: format_ident!("{}Body", prefix), options }))
}

fn headers(api: &Api, response: &Response, prefix: &str, m: &TokenStream) -> Result<Option<Headers>> {
    if response.headers.is_empty() {
        return Ok(None);
    }
    let mut fields: Vec<HeaderField> = Vec::new();
    for header in &response.headers {
        let at = response.pointer.join("headers").join(&header.name);
        // OpenAPI: a `Content-Type` response header is ignored (the media type says it).
        if header.name.eq_ignore_ascii_case("content-type") {
            continue;
        }
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if header.name.is_empty() || !header.name.chars().all(token) {
            return Err(Error::malformed(&at, format!("`{}` is not an HTTP header name", header.name)));
        }
        let field = ident(&value_name(&header.name));
        if fields.iter().any(|f| f.field == field) {
            return Err(Error::unsupported(&at, format!("headers whose names collide as a Rust field (`{field}`)")));
        }
        let text = header_text(api, &header.ty).ok_or_else(|| {
            Error::unsupported(&at.join("schema"), "a response header that is not a scalar or an array of scalars")
        })?;
        fields.push(HeaderField {
            field,
            wire: header.name.to_ascii_lowercase(),
            ty: rust_type(&Type { nullable: false, ..header.ty.clone() }, m),
            required: header.required,
            text,
        });
    }
    if fields.is_empty() {
        return Ok(None);
    }
    Ok(Some(Headers { name: format_ident!("{}Headers", prefix), fields }))
}

/// An expression of type `String` from `value: &T`, for scalars and arrays of them.
fn header_text(api: &Api, ty: &Type) -> Option<TokenStream> {
    let resolved = api.resolve_aliases(ty);
    if let Shape::Array(item) = &resolved.shape {
        let function = scalar_text(api, item)?;
        return Some(quote!(value.iter().map(#function).collect::<::std::vec::Vec<_>>().join(",")));
    }
    let function = scalar_text(api, ty)?;
    Some(quote!(#function(value)))
}

/// A function from `&T` to `String` for a scalar type.
fn scalar_text(api: &Api, ty: &Type) -> Option<TokenStream> {
    let ty = api.resolve_aliases(ty);
    match &ty.shape {
        Shape::Primitive(Primitive::DateTime) => Some(quote!(self::runtime::date_time_text)),
        Shape::Primitive(_) => Some(quote!(::std::string::ToString::to_string)),
        Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => Some(quote!(::std::string::ToString::to_string)),
            _ => None,
        },
        Shape::Array(_) | Shape::Map(_) | Shape::Any => None,
    }
}

/// The response enum `name`, the body enums and header structs of its
/// variants, and `IntoResponse`.
pub(super) fn items(name: &proc_macro2::Ident, docs: TokenStream, variants: &[Variant]) -> TokenStream {
    let mut extra = Vec::new();
    let declared = variants.iter().map(|v| {
        let variant = &v.name;
        let docs = doc_lines([format!("`{}`: {}", status_key(v.status), v.description.trim()).as_str()]);
        let mut fields = Vec::new();
        fields.extend(status_type(v.status));
        match &v.body {
            None => {}
            Some(Body::One(r)) => fields.push(r.ty.clone()),
            Some(Body::Choice { name, .. }) => fields.push(quote!(#name)),
        }
        if let Some(h) = &v.headers {
            let name = &h.name;
            fields.push(quote!(#name));
        }
        let fields = (!fields.is_empty()).then(|| quote!((#(#fields),*)));
        quote!(#docs #variant #fields,)
    });
    let declared: Vec<TokenStream> = declared.collect();
    for v in variants {
        if let Some(Body::Choice { name, options }) = &v.body {
            extra.push(choice_enum(name, options, v.status));
        }
        if let Some(h) = &v.headers {
            extra.push(header_struct(h, v.status));
        }
    }
    let arms = variants.iter().map(|v| {
        let variant = &v.name;
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
            Some(Body::One(r)) => {
                pattern.push(quote!(body));
                respond(r, &status)
            }
            Some(Body::Choice { name, options }) => {
                pattern.push(quote!(body));
                let arms = options.iter().map(|(option, r)| {
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
                    let (field, wire, text) = (&f.field, &f.wire, &f.text);
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

fn choice_enum(
    name: &proc_macro2::Ident,
    options: &[(proc_macro2::Ident, Representation)],
    status: StatusCode,
) -> TokenStream {
    let docs = doc_lines([format!(
        "The body of a `{}` response, in one of the media types the spec documents for it.",
        status_key(status)
    )
    .as_str()]);
    let variants = options.iter().map(|(option, r)| {
        let ty = &r.ty;
        let doc = format!(" Sent as `{}`.", r.media);
        quote!(#[doc = #doc] #option(#ty),)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name { #(#variants)* }
    }
}

fn header_struct(h: &Headers, status: StatusCode) -> TokenStream {
    let name = &h.name;
    let docs = doc_lines([format!(
        "The headers the spec documents for a `{}` response (`None` leaves an optional one out).",
        status_key(status)
    )
    .as_str()]);
    let fields = h.fields.iter().map(|f| {
        let (field, ty) = (&f.field, &f.ty);
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
