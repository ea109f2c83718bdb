//! How the client encodes form (`application/x-www-form-urlencoded`) and
//! multipart (`multipart/form-data`) request bodies; which fields they have
//! and how each travels is decided in [`crate::emit::body_fields`].
//!
//! - Form bodies: `name=value` pairs in property order, every name and value
//!   percent-encoded (all but RFC 3986's unreserved characters, so a space
//!   is `%20` and `+` is `%2B`), one pair per item of an array, none for an
//!   absent optional property.
//! - Multipart bodies: a reqwest `multipart::Form`, a part per property in
//!   property order (one per item of an array of text or bytes): text parts
//!   without a content type, `application/octet-stream` parts for bytes,
//!   `application/json` parts for everything else.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Scalar, validate};
use crate::emit::body_fields::{self, PartKind};
use crate::emit::ident;
use crate::error::{Error, Result};
use crate::ir::{Api, Type};
use crate::pointer::Pointer;

/// One property of a form body, as the client sends it.
struct FormValue {
    field: proc_macro2::Ident,
    wire: String,
    scalar: Scalar,
    repeated: bool,
    required: bool,
}

/// A form body: its media type and its properties.
pub(super) struct FormPlan {
    media: String,
    values: Vec<FormValue>,
}

impl FormPlan {
    pub fn new(api: &Api, ty: &Type, media: &str, at: &Pointer) -> Result<Self> {
        let body = body_fields::body_struct(api, ty, at, "form")?;
        let mut values = Vec::new();
        for f in body_fields::form_fields(api, &body)? {
            let Some(scalar) = Scalar::of(api, f.scalar) else {
                return Err(Error::unsupported(&f.field.pointer, "a form body property that is not a scalar"));
            };
            values.push(FormValue {
                field: ident(&f.field.name),
                wire: f.field.wire_name.clone(),
                scalar,
                repeated: f.repeated,
                required: f.field.required,
            });
        }
        Ok(FormPlan { media: media.to_owned(), values })
    }

    /// An expression of type `(&'static str, Vec<u8>)`: the media type and
    /// the encoded pairs of `value` (a `&T`).
    pub fn encode(&self, value: &TokenStream) -> TokenStream {
        let pushes = self.values.iter().map(|v| {
            let (field, wire) = (&v.field, &v.wire);
            let push = |item: TokenStream| match v.scalar {
                Scalar::Text => quote!(form.push(#wire, #item);),
                scalar => {
                    let text = scalar.to_string(&item);
                    quote!(form.push(#wire, &#text);)
                }
            };
            each_value(value, field, v.repeated, v.required, push)
        });
        let media = &self.media;
        let mutable = (!self.values.is_empty()).then(|| quote!(mut));
        quote! {{
            let #mutable form = QueryString::default();
            #(#pushes)*
            (#media, form.into_bytes())
        }}
    }
}

/// One property of a multipart body, as the client sends it.
struct PartValue {
    field: proc_macro2::Ident,
    wire: String,
    kind: PartKind,
    /// How text parts become text.
    scalar: Option<Scalar>,
    repeated: bool,
    required: bool,
    /// Constraint checks of the field (`value` bound to a `&T`).
    checks: TokenStream,
}

/// A multipart body: the operation's own struct and its parts.
pub(super) struct MultipartPlan {
    /// `{Op}Multipart`.
    pub name: proc_macro2::Ident,
    /// The struct's definition.
    pub definition: TokenStream,
    values: Vec<PartValue>,
}

impl MultipartPlan {
    pub fn new(api: &Api, ty: &Type, name: &str, at: &Pointer, m: &TokenStream) -> Result<Self> {
        let body = body_fields::body_struct(api, ty, at, "multipart")?;
        let fields = body_fields::part_fields(api, &body)?;
        let name = ident(name);
        let definition = body_fields::multipart_struct(&name, body.name, &fields, m);
        let mut values = Vec::new();
        for p in &fields {
            let f = p.field;
            let scalar = match p.kind {
                PartKind::Text => match Scalar::of(api, p.value) {
                    Some(scalar) => Some(scalar),
                    None => return Err(Error::unsupported(&f.pointer, "a multipart text part that is not a scalar")),
                },
                PartKind::Binary | PartKind::Json => None,
            };
            let wire = &f.wire_name;
            let checks = match p.kind {
                PartKind::Binary if !p.repeated => quote!(),
                _ => validate::checks(api, &f.ty, quote!(given), quote!(#wire), m),
            };
            values.push(PartValue {
                field: ident(&f.name),
                wire: f.wire_name.clone(),
                kind: p.kind,
                scalar,
                repeated: p.repeated,
                required: f.required,
                checks,
            });
        }
        Ok(MultipartPlan { name, definition, values })
    }

    /// Statements checking the constraints of `value` (a `&{Op}Multipart`),
    /// pushing onto `out`.
    pub fn checks(&self, value: &TokenStream) -> TokenStream {
        let checks = self.values.iter().filter(|v| !v.checks.is_empty()).map(|v| {
            let (field, checks) = (&v.field, &v.checks);
            if v.required {
                quote!({ let given = &#value.#field; #checks })
            } else {
                quote!(if let ::std::option::Option::Some(given) = &#value.#field { #checks })
            }
        });
        quote!(#(#checks)*)
    }

    /// An expression of type `reqwest::multipart::Form` with the parts of
    /// `value` (a `&{Op}Multipart`); it may return `Error::Encode`.
    pub fn encode(&self, value: &TokenStream) -> TokenStream {
        let parts = self.values.iter().map(|v| {
            let (field, wire) = (&v.field, &v.wire);
            let part = |item: TokenStream| match (v.kind, v.scalar) {
                (PartKind::Text, Some(Scalar::Text)) => {
                    quote!(form = form.text(#wire, ::std::clone::Clone::clone(#item));)
                }
                (PartKind::Text, Some(scalar)) => {
                    let text = scalar.to_string(&item);
                    quote!(form = form.text(#wire, #text);)
                }
                (PartKind::Binary, _) => quote! {
                    let part = ::reqwest::multipart::Part::bytes(::std::clone::Clone::clone(#item))
                        .mime_str("application/octet-stream")
                        .map_err(Error::from_reqwest)?;
                    form = form.part(#wire, part);
                },
                (PartKind::Text, None) | (PartKind::Json, _) => quote! {
                    let json = ::serde_json::to_string(#item).map_err(Error::Encode)?;
                    let part = ::reqwest::multipart::Part::text(json)
                        .mime_str("application/json")
                        .map_err(Error::from_reqwest)?;
                    form = form.part(#wire, part);
                },
            };
            each_value(value, field, v.repeated, v.required, part)
        });
        let mutable = (!self.values.is_empty()).then(|| quote!(mut));
        quote! {{
            let #mutable form = ::reqwest::multipart::Form::new();
            #(#parts)*
            form
        }}
    }
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
