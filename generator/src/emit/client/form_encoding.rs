//! How the client encodes form (`application/x-www-form-urlencoded`) and
//! multipart (`multipart/form-data`) request bodies; which fields they have
//! and how each travels is decided in [`crate::plan::client`].
//!
//! - Form bodies: `name=value` pairs in property order, every name and value
//!   percent-encoded (all but RFC 3986's unreserved characters, so a space
//!   is `%20` and `+` is `%2B`), one pair per item of an array, none for an
//!   absent optional property.
//! - Multipart bodies: a reqwest `multipart::Form`, a part per property in
//!   property order (one per item of an array of text or bytes): text parts
//!   without a content type, `application/octet-stream` parts for bytes,
//!   `application/json` parts for everything else; an `encoding`
//!   `contentType` replaces the part's media type. Form properties that
//!   are not scalars: their JSON in one pair, or nested `name[key]=value`
//!   pairs (`push_nested`), as the plan says.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Scalar, validate};
use crate::emit::ident;
use crate::ir::Api;
use crate::plan::bodies::PartKind;
use crate::plan::client::{FormPlan, FormSend, MultipartPlan};

/// An expression of type `(&'static str, Vec<u8>)`: the media type and
/// the encoded pairs of `value` (a `&T`).
pub(super) fn encode_form(plan: &FormPlan, value: &TokenStream) -> TokenStream {
    let pushes = plan.values.iter().map(|v| {
        let (field, wire) = (&ident(&v.field), &v.wire);
        match v.send {
            FormSend::Scalar { scalar, repeated } => {
                let push = |item: TokenStream| match scalar {
                    Scalar::Text => quote!(form.push(#wire, #item);),
                    scalar => {
                        let text = scalar.to_string(&item);
                        quote!(form.push(#wire, &#text);)
                    }
                };
                each_value(value, field, repeated, v.required, push)
            }
            FormSend::Json => each_value(
                value,
                field,
                false,
                v.required,
                |item| quote!(form.push(#wire, &::serde_json::to_string(#item).map_err(Error::Encode)?);),
            ),
            FormSend::Nested => each_value(
                value,
                field,
                false,
                v.required,
                |item| quote!(push_nested(&mut form, #wire, &::serde_json::to_value(#item).map_err(Error::Encode)?);),
            ),
        }
    });
    let media = &plan.media;
    let mutable = (!plan.values.is_empty()).then(|| quote!(mut));
    quote! {{
        let #mutable form = QueryString::default();
        #(#pushes)*
        (#media, form.into_bytes())
    }}
}

/// The `{Op}Multipart` struct.
pub(super) fn multipart_definition(plan: &MultipartPlan, m: &TokenStream) -> TokenStream {
    crate::emit::body_fields::multipart_struct(&ident(&plan.name), &plan.schema, &plan.fields, m)
}

/// Statements checking the constraints of `value` (a `&{Op}Multipart`),
/// pushing onto `out`.
pub(super) fn multipart_checks(api: &Api, plan: &MultipartPlan, value: &TokenStream, m: &TokenStream) -> TokenStream {
    let checks = plan.fields.iter().filter_map(|p| {
        let f = &p.field;
        let wire = &f.wire_name;
        let checks = match p.kind {
            PartKind::Binary if !p.repeated || !p.checked => return None,
            _ => validate::checks(api, &f.ty, quote!(given), quote!(#wire), m),
        };
        if checks.is_empty() {
            return None;
        }
        let field = ident(&f.name);
        Some(if f.required {
            quote!({ let given = &#value.#field; #checks })
        } else {
            quote!(if let ::std::option::Option::Some(given) = &#value.#field { #checks })
        })
    });
    quote!(#(#checks)*)
}

/// An expression of type `reqwest::multipart::Form` with the parts of
/// `value` (a `&{Op}Multipart`); it may return `Error::Encode`.
pub(super) fn encode_multipart(plan: &MultipartPlan, value: &TokenStream) -> TokenStream {
    let parts = plan.fields.iter().zip(&plan.scalars).map(|(p, scalar)| {
        let (field, wire) = (&ident(&p.field.name), &p.field.wire_name);
        let binary = p.media.as_deref().unwrap_or("application/octet-stream");
        let json_media = p.media.as_deref().unwrap_or("application/json");
        let part = |item: TokenStream| match (p.kind, scalar) {
            // A text part: without a content type unless the `encoding` gives one.
            (PartKind::Text, Some(scalar)) => {
                let text = match scalar {
                    Scalar::Text => quote!(::std::clone::Clone::clone(#item)),
                    scalar => scalar.to_string(&item),
                };
                match &p.media {
                    None => quote!(form = form.text(#wire, #text);),
                    Some(media) => quote! {
                        let part = ::reqwest::multipart::Part::text(#text).mime_str(#media).map_err(Error::from_reqwest)?;
                        form = form.part(#wire, part);
                    },
                }
            }
            (PartKind::Binary, _) => quote! {
                let part = ::reqwest::multipart::Part::bytes(::std::clone::Clone::clone(#item))
                    .mime_str(#binary)
                    .map_err(Error::from_reqwest)?;
                form = form.part(#wire, part);
            },
            (PartKind::Text, None) | (PartKind::Json, _) => quote! {
                let json = ::serde_json::to_string(#item).map_err(Error::Encode)?;
                let part = ::reqwest::multipart::Part::text(json)
                    .mime_str(#json_media)
                    .map_err(Error::from_reqwest)?;
                form = form.part(#wire, part);
            },
        };
        each_value(value, field, p.repeated, p.field.required, part)
    });
    let mutable = (!plan.fields.is_empty()).then(|| quote!(mut));
    quote! {{
        let #mutable form = ::reqwest::multipart::Form::new();
        #(#parts)*
        form
    }}
}

/// `emit` for each value of the field `field` of `value` (a `&T`): each item
/// of a repeated field, nothing for an absent optional one.
fn each_value(
    value: &TokenStream,
    field: &proc_macro2::Ident,
    repeated: bool,
    required: bool,
    emit: impl Fn(TokenStream) -> TokenStream,
) -> TokenStream {
    let one = if repeated {
        let each = emit(quote!(item));
        quote!(for item in given { #each })
    } else {
        emit(quote!(given))
    };
    if required {
        quote!({ let given = &#value.#field; #one })
    } else {
        quote!(if let ::std::option::Option::Some(given) = &#value.#field { #one })
    }
}
