//! How the server decodes form (`application/x-www-form-urlencoded`) and
//! multipart (`multipart/form-data`) request bodies; which fields they have
//! and how each travels is decided in [`crate::plan::server`].
//!
//! A generated function per operation, `decode_<op>_form` or
//! `decode_<op>_multipart`, builds the body's struct from the runtime's
//! `FormBody` or `MultipartBody`: a required field that is absent, a value
//! that does not parse (a bad integer, an unknown enum value), a field given
//! twice, text parts that are not UTF-8 and JSON parts that do not decode
//! are `400 INVALID_BODY` naming the field. An absent required array is an
//! empty one (a form cannot tell them apart; `minItems` still applies).
//! Names the schema does not declare are ignored, as in JSON bodies, unless
//! it says `additionalProperties: false`: then they are refused.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::super::{ident, rust_type};
use super::params::parse;
use crate::ir::{Api, Type};
use crate::plan::OperationNames;
use crate::plan::bodies::PartKind;
use crate::plan::server::{FormBody, FormRead, MultipartBody, PartRead};

/// A form or multipart body as the server reads it.
pub(super) struct FormPlan {
    /// The body's Rust type (the model struct, or `{Op}Multipart`).
    pub rust: TokenStream,
    /// `{Op}Multipart`'s definition, for multipart bodies.
    pub definition: Option<TokenStream>,
    /// Constraint checks of a multipart body bound to `present` (forms use
    /// the model's `Validate`).
    pub checks: Option<TokenStream>,
    multipart: bool,
    /// Statements binding `field_<i>`, and the struct literal's fields.
    decode: Vec<TokenStream>,
    assign: Vec<TokenStream>,
    known: Option<Vec<String>>,
}

impl FormPlan {
    pub fn form(plan: &FormBody, ty: &Type, m: &TokenStream) -> Self {
        let mut decode = Vec::new();
        let mut assign = Vec::new();
        for (i, f) in plan.values.iter().enumerate() {
            let var = format_ident!("field_{}", i);
            let wire = &f.field.wire_name;
            let (parse, repeated) = match &f.read {
                FormRead::Scalar { parse: p, repeated } => (parse(p, m), *repeated),
                FormRead::Json | FormRead::Nested => {
                    let read = if f.read == FormRead::Json { quote!(json) } else { quote!(nested) };
                    let ty = rust_type(&f.field.ty, m);
                    let value = quote!(form.#read::<#ty>(#wire)?);
                    decode.push(if f.field.required {
                        quote! {
                            let ::std::option::Option::Some(#var) = #value else {
                                return ::std::result::Result::Err(self::runtime::missing_field(#wire));
                            };
                        }
                    } else {
                        quote!(let #var = #value;)
                    });
                    let field = ident(&f.field.name);
                    assign.push(quote!(#field: #var,));
                    continue;
                }
            };
            let parsed = quote!(self::runtime::body_field(#wire, raw, #parse));
            let value = quote!(#parsed?);
            decode.push(match (repeated, f.field.required) {
                (false, required) => {
                    let (some, none) = present_or_absent(value, wire, required);
                    quote! {
                        let #var = match form.single(#wire)? {
                            ::std::option::Option::Some(raw) => #some,
                            ::std::option::Option::None => #none,
                        };
                    }
                }
                (true, required) => {
                    let all = quote! {
                        raws.into_iter()
                            .map(|raw| #parsed)
                            .collect::<::std::result::Result<::std::vec::Vec<_>, self::runtime::Rejection>>()?
                    };
                    if required {
                        quote!(let raws = form.all(#wire); let #var = #all;)
                    } else {
                        quote! {
                            let raws = form.all(#wire);
                            let #var = if raws.is_empty() { ::std::option::Option::None } else { ::std::option::Option::Some(#all) };
                        }
                    }
                }
            });
            let field = ident(&f.field.name);
            assign.push(quote!(#field: #var,));
        }
        let known = plan.known.clone();
        FormPlan { rust: rust_type(ty, m), definition: None, checks: None, multipart: false, decode, assign, known }
    }

    pub fn multipart(api: &Api, plan: &MultipartBody, m: &TokenStream) -> Self {
        let fields = &plan.fields;
        let name = ident(&plan.name);
        let definition = crate::emit::body_fields::multipart_struct(&name, &plan.schema, fields, m);
        let mut decode = Vec::new();
        let mut assign = Vec::new();
        let mut checks = Vec::new();
        for (i, (p, read)) in fields.iter().zip(&plan.reads).enumerate() {
            let f = &p.field;
            let var = format_ident!("field_{}", i);
            let wire = &f.wire_name;
            let value = match read {
                PartRead::Text(text) => {
                    let parse = parse(text, m);
                    if p.repeated {
                        quote! {
                            multipart.texts(#wire)?.into_iter()
                                .map(|raw| self::runtime::body_field(#wire, raw, #parse))
                                .collect::<::std::result::Result<::std::vec::Vec<_>, self::runtime::Rejection>>()?
                        }
                    } else {
                        quote!(multipart.text(#wire)?.map(|raw| self::runtime::body_field(#wire, raw, #parse)).transpose()?)
                    }
                }
                PartRead::Binary if p.repeated => quote!(multipart.all_bytes(#wire)),
                PartRead::Binary => quote!(multipart.bytes(#wire)?),
                PartRead::Json => {
                    let ty = rust_type(&f.ty, m);
                    quote!(multipart.json::<#ty>(#wire)?)
                }
            };
            decode.push(match (p.repeated, f.required) {
                // A list: absent is empty when required, `None` when optional.
                (true, true) => quote!(let #var = #value;),
                (true, false) => quote! {
                    let #var = #value;
                    let #var = if #var.is_empty() { ::std::option::Option::None } else { ::std::option::Option::Some(#var) };
                },
                (false, true) => quote! {
                    let ::std::option::Option::Some(#var) = #value else {
                        return ::std::result::Result::Err(self::runtime::missing_field(#wire));
                    };
                },
                (false, false) => quote!(let #var = #value;),
            });
            let field = ident(&f.name);
            assign.push(quote!(#field: #var,));
            if p.checked && (p.kind != PartKind::Binary || p.repeated) {
                let check = super::super::validate::checks(api, &f.ty, quote!(given), quote!(#wire), m);
                if !check.is_empty() {
                    checks.push(if f.required {
                        quote!({ let given = &present.#field; #check })
                    } else {
                        quote!(if let ::std::option::Option::Some(given) = &present.#field { #check })
                    });
                }
            }
        }
        FormPlan {
            rust: quote!(#name),
            definition: Some(definition),
            checks: Some(quote!(#(#checks)*)),
            multipart: true,
            decode,
            assign,
            known: plan.known.clone(),
        }
    }

    /// The decoder function's name.
    fn decoder(names: &OperationNames, multipart: bool) -> proc_macro2::Ident {
        ident(if multipart { &names.multipart_decoder } else { &names.form_decoder })
    }

    /// The decoder function (and the multipart struct).
    pub fn items(&self, names: &OperationNames) -> TokenStream {
        let decoder = Self::decoder(names, self.multipart);
        let (rust, decode, assign) = (&self.rust, &self.decode, &self.assign);
        let (input, source) = if self.multipart {
            (quote!(multipart: &self::runtime::MultipartBody), quote!(multipart))
        } else {
            (quote!(form: &self::runtime::FormBody), quote!(form))
        };
        let refuse = self.known.as_ref().map(|known| quote!(#source.refuse_unknown(&[#(#known),*])?;));
        let definition = &self.definition;
        let doc = format!(
            " The body's fields, decoded from the {}; `400 INVALID_BODY` naming the field when one is missing, malformed or repeated.",
            if self.multipart { "parts" } else { "form's pairs" }
        );
        quote! {
            #definition

            #[doc = #doc]
            fn #decoder(#input) -> ::std::result::Result<#rust, self::runtime::Rejection> {
                #refuse
                #(#decode)*
                ::std::result::Result::Ok(#rust { #(#assign)* })
            }
        }
    }

    /// Statements binding `body` (an `Option` of the body) from `bytes` and `parts`.
    pub fn read(&self, names: &OperationNames, media: &[String]) -> TokenStream {
        let decoder = Self::decoder(names, self.multipart);
        if self.multipart {
            quote! {
                let body = match self::runtime::multipart_body(parts, bytes, &[#(#media),*]).await? {
                    ::std::option::Option::Some(multipart) => ::std::option::Option::Some(#decoder(&multipart)?),
                    ::std::option::Option::None => ::std::option::Option::None,
                };
            }
        } else {
            quote! {
                let body = match self::runtime::form_body(&parts.headers, &bytes, &[#(#media),*])? {
                    ::std::option::Option::Some(form) => ::std::option::Option::Some(#decoder(&form)?),
                    ::std::option::Option::None => ::std::option::Option::None,
                };
            }
        }
    }
}

/// The value of a one-value field when present and when absent.
fn present_or_absent(value: TokenStream, wire: &str, required: bool) -> (TokenStream, TokenStream) {
    if required {
        (value, quote!(return ::std::result::Result::Err(self::runtime::missing_field(#wire))))
    } else {
        (quote!(::std::option::Option::Some(#value)), quote!(::std::option::Option::None))
    }
}
