//! The Rust side of form and multipart bodies, shared by the client and the
//! server emitters: the types of a multipart body's fields and the
//! `{Op}Multipart` struct. Which fields a body has and how each travels is
//! decided in [`crate::plan::bodies`].

use proc_macro2::TokenStream;
use quote::quote;

use super::{describe_constraints, doc_lines, ident, rust_type};
use crate::plan::bodies::{PartField, PartKind};

impl PartField {
    /// The Rust type of one part's value.
    pub fn value_type(&self, m: &TokenStream) -> TokenStream {
        match self.kind {
            PartKind::Binary => quote!(::std::vec::Vec<u8>),
            PartKind::Text | PartKind::Json => rust_type(&self.value, m),
        }
    }

    /// The Rust type of the field (without the `Option` of an optional one).
    pub fn field_type(&self, m: &TokenStream) -> TokenStream {
        let value = self.value_type(m);
        if self.repeated { quote!(::std::vec::Vec<#value>) } else { value }
    }
}

/// `{Op}Multipart`: the struct of a multipart body, the same in the client
/// and the server file. Fields keep the property names; optional ones are
/// `Option`s.
pub(crate) fn multipart_struct(
    name: &proc_macro2::Ident,
    schema: &str,
    fields: &[PartField],
    m: &TokenStream,
) -> TokenStream {
    let declared = fields.iter().map(|p| {
        let f = &p.field;
        let field = ident(&f.name);
        let mut ty = p.field_type(m);
        if !f.required {
            ty = quote!(::std::option::Option<#ty>);
        }
        let mut paragraphs: Vec<String> = f.docs.iter().cloned().collect();
        paragraphs.extend(describe_constraints(&f.ty.constraints));
        let each = if p.repeated { "one part per item" } else { "a part" };
        paragraphs.push(match p.kind {
            PartKind::Text => format!("The part `{}`: {each}, as text.", f.wire_name),
            PartKind::Binary => format!("The part `{}`: {each}, `application/octet-stream`.", f.wire_name),
            PartKind::Json => format!("The part `{}`: `application/json`.", f.wire_name),
        });
        if !f.required {
            paragraphs.push("Optional: `None` sends no part.".to_owned());
        }
        let docs = doc_lines(paragraphs.iter().map(String::as_str));
        quote!(#docs pub #field: #ty,)
    });
    let doc = format!(
        " A `multipart/form-data` body of the schema `{schema}`: one field per property, binary ones as bytes."
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name { #(#declared)* }
    }
}
