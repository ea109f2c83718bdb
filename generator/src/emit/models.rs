//! IR types → Rust model types with serde derives.
//!
//! - Structs: optional fields are `Option` and skipped when `None`; wire names
//!   are kept with `#[serde(rename)]`; unknown fields are ignored on input (a
//!   client must accept what deployed servers add); `additionalProperties`
//!   beside `properties` are kept in a flattened map.
//! - String enums: closed, with `as_str`, `Display`, `FromStr` and, where the
//!   spec gives a default, `Default`.
//! - Maps and everything else named: type aliases (`BTreeMap` for maps, so
//!   output order is deterministic).
//!
//! Constraints are not checked by deserialization (a client decodes what a
//! server sends leniently); they are listed in the docs, and every struct
//! implements `validation::Validate` (see [`super::validate`]) for the places
//! that check input.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::{describe_constraints, doc_lines, format, ident, rust_type};
use crate::error::Result;
use crate::ir::{Additional, Api, Field, Primitive, Shape, StringEnum, Struct, Type, TypeDef, TypeKind};
use crate::pointer::Pointer;

/// The name of the error type `FromStr` of every enum returns. Lowering
/// reserves it, so no schema can take it.
pub const UNKNOWN_ENUM_VALUE: &str = "UnknownEnumValue";

/// The models file for an API.
pub fn models(api: &Api, header: &str) -> Result<String> {
    let eq = EqTypes::new(api);
    let items = api.types.iter().map(|def| {
        let item = type_def(def, &eq);
        match &def.kind {
            TypeKind::Struct(s) => {
                let validate = super::validate::validate_impl(api, &def.name, s);
                quote!(#item #validate)
            }
            _ => item,
        }
    });
    let support = api.types.iter().any(|d| matches!(d.kind, TypeKind::Enum(_))).then(unknown_enum_value);
    let validation = super::validate::runtime();
    let title = format!(" Model types of {} {}.", api.title, api.version);
    let tokens = quote! {
        #![doc = #title]
        #(#items)*
        #support
        #validation
    };
    format(header, tokens, &Pointer::root().join("components").join("schemas"))
}

fn type_def(def: &TypeDef, eq: &EqTypes) -> TokenStream {
    let name = ident(&def.name);
    let mut paragraphs: Vec<String> = def.docs.iter().cloned().collect();
    paragraphs.extend(describe_constraints(&def.constraints));
    if def.deprecated {
        paragraphs.push("**Deprecated** in the spec.".to_owned());
    }
    let docs = doc_lines(paragraphs.iter().map(String::as_str));
    match &def.kind {
        TypeKind::Struct(s) => {
            let derive_eq = eq.derives_eq(&def.name).then(|| quote!(Eq,));
            let body = struct_body(s);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, #derive_eq ::serde::Serialize, ::serde::Deserialize)]
                pub struct #name { #body }
            }
        }
        TypeKind::Enum(e) => string_enum(&def.name, e, docs),
        TypeKind::Map(value) => {
            let ty = rust_type(&Type::new(Shape::Map(Box::new(value.clone()))), &quote!());
            quote! { #docs pub type #name = #ty; }
        }
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty, &quote!());
            quote! { #docs pub type #name = #ty; }
        }
    }
}

fn struct_body(s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(field);
    let extra = match &s.additional_properties {
        Additional::Typed(value) => {
            let mut name = "additional_properties".to_owned();
            while s.fields.iter().any(|f| f.name == name) {
                name.push('_');
            }
            let name = ident(&name);
            let ty = rust_type(&Type::new(Shape::Map(value.clone())), &quote!());
            Some(quote! {
                /// Properties beyond the declared ones (`additionalProperties`).
                #[serde(flatten)]
                pub #name: #ty,
            })
        }
        Additional::Unspecified | Additional::Forbidden => None,
    };
    quote!(#(#fields)* #extra)
}

fn field(f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let mut ty = rust_type(&Type { nullable: false, ..f.ty.clone() }, &quote!());
    if f.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    let optional = !f.required || f.ty.nullable;
    if optional {
        ty = quote!(::std::option::Option<#ty>);
    }
    let mut paragraphs: Vec<String> = f.docs.iter().cloned().collect();
    paragraphs.extend(describe_constraints(&f.ty.constraints));
    if let Some(default) = &f.default {
        paragraphs.push(format!("Default: `{default}`."));
    }
    if f.read_only {
        paragraphs.push("Read-only: sent by servers, not accepted from clients.".to_owned());
    }
    if f.write_only {
        paragraphs.push("Write-only: accepted from clients, never sent by servers.".to_owned());
    }
    if f.deprecated {
        paragraphs.push("**Deprecated** in the spec.".to_owned());
    }
    let docs = doc_lines(paragraphs.iter().map(String::as_str));
    let wire = &f.wire_name;
    let rename = (crate::lower::names::unraw(&f.name) != wire).then(|| quote!(#[serde(rename = #wire)]));
    let skip = (!f.required).then(|| quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]));
    quote! {
        #docs
        #rename
        #skip
        pub #name: #ty,
    }
}

fn string_enum(type_name: &str, e: &StringEnum, docs: TokenStream) -> TokenStream {
    let name = ident(type_name);
    let count = proc_macro2::Literal::usize_unsuffixed(e.variants.len());
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire_name;
        let rename = (v.name != v.wire_name).then(|| quote!(#[serde(rename = #wire)]));
        let default = (e.default.as_deref() == Some(wire.as_str())).then(|| quote!(#[default]));
        quote!(#rename #default #variant,)
    });
    let all = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote!(Self::#variant)
    });
    let as_str = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire_name;
        quote!(Self::#variant => #wire,)
    });
    let from_str = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire_name;
        quote!(#wire => ::std::result::Result::Ok(Self::#variant),)
    });
    let all_wire = e.variants.iter().map(|v| &v.wire_name);
    let derive_default = e.default.is_some().then(|| quote!(Default,));
    let unknown = ident(UNKNOWN_ENUM_VALUE);
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, #derive_default ::serde::Serialize, ::serde::Deserialize)]
        pub enum #name { #(#variants)* }

        impl #name {
            /// Every value, in the order the spec lists them.
            pub const ALL: [Self; #count] = [#(#all),*];

            /// The value as it appears on the wire.
            pub fn as_str(self) -> &'static str {
                match self { #(#as_str)* }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = #unknown;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                match value {
                    #(#from_str)*
                    _ => ::std::result::Result::Err(#unknown {
                        type_name: #type_name,
                        value: value.to_owned(),
                        expected: &[#(#all_wire),*],
                    }),
                }
            }
        }
    }
}

fn unknown_enum_value() -> TokenStream {
    let name = ident(UNKNOWN_ENUM_VALUE);
    quote! {
        /// A string that is none of an enum's values: the error of the enums' `FromStr`.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #name {
            /// The enum's name.
            pub type_name: &'static str,
            /// What was given.
            pub value: ::std::string::String,
            /// The values the spec allows.
            pub expected: &'static [&'static str],
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "`{}` is not a valid {}; expected one of: {}", self.value, self.type_name, self.expected.join(", "))
            }
        }

        impl ::std::error::Error for #name {}
    }
}

/// Which structs can derive `Eq`: those that contain no float anywhere.
struct EqTypes<'a> {
    types: BTreeMap<&'a str, &'a TypeDef>,
}

impl<'a> EqTypes<'a> {
    fn new(api: &'a Api) -> Self {
        EqTypes { types: api.types.iter().map(|t| (t.name.as_str(), t)).collect() }
    }

    fn derives_eq(&self, name: &str) -> bool {
        !self.has_float(name, &mut Vec::new())
    }

    fn has_float(&self, name: &str, visiting: &mut Vec<String>) -> bool {
        if visiting.iter().any(|v| v == name) {
            return false;
        }
        let Some(def) = self.types.get(name) else { return false };
        visiting.push(name.to_owned());
        let found = match &def.kind {
            TypeKind::Struct(s) => {
                s.fields.iter().any(|f| self.type_has_float(&f.ty, visiting))
                    || matches!(&s.additional_properties, Additional::Typed(t) if self.type_has_float(t, visiting))
            }
            TypeKind::Map(ty) | TypeKind::Alias(ty) => self.type_has_float(ty, visiting),
            TypeKind::Enum(_) => false,
        };
        visiting.pop();
        found
    }

    fn type_has_float(&self, ty: &Type, visiting: &mut Vec<String>) -> bool {
        match &ty.shape {
            Shape::Primitive(p) => matches!(p, Primitive::Float | Primitive::Double),
            Shape::Array(inner) | Shape::Map(inner) => self.type_has_float(inner, visiting),
            Shape::Named(name) => self.has_float(name, visiting),
            Shape::Any => false,
        }
    }
}
