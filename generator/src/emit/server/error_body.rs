//! The body of the responses the router makes itself (bad input, failed
//! authentication, unknown routes): the schema the spec gives its
//! bad-request responses, filled from a `Rejection`.
//!
//! The schema is the JSON schema of the operations' `400` response (else
//! their `4XX`, else `default`; else, when no operation documents one, their
//! `401`) of the first operation that has one. An operation that documents
//! another bad-request schema gets it, through a trait method of its own
//! (`rejection_as_<type>`, filled the same way), as do the `401` and `403`
//! responses of an operation that authenticates when their schema differs
//! (see `plan/errors.rs`).
//!
//! `Api::rejection` gets a provided body when the schema can be filled by
//! its structure alone, read in spec order, nested structs included (only
//! required ones):
//!
//! - string fields: the reason goes to the first required one, the details
//!   to the first optional one, else to a second required one, else the
//!   first required one gets `"REASON: details"`; optional ones beyond are
//!   `None`. (No required string at all: the first two optional ones, or
//!   `"REASON: details"` in the only one.)
//! - integer fields: the first required one gets the HTTP status code.
//! - other optional fields: `None`; a map of additional properties: empty.
//!
//! `{ error: { reason, details? } }` and `{ code: integer, message }` both
//! fill. Any other required field (a third required string, an enum, an
//! array) leaves `rejection` for the implementer to write.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::{ident, rust_type};
use crate::ir::{Additional, Api, Primitive, Shape, Type, TypeKind};
use crate::plan::errors::ErrorPlan;
use crate::pointer::Pointer;

pub(super) struct ErrorBody {
    /// The schema's Rust type (`serde_json::Value` without a schema).
    ty: TokenStream,
    /// An expression of `ty` built from `rejection: &Rejection`, when the
    /// schema can be filled mechanically.
    fill: Option<TokenStream>,
    /// The other bad-request schemas some operations document, each with
    /// its own trait method (`rejection_as_<type>`), in spec order.
    alternates: Vec<Alternate>,
}

struct Alternate {
    at: Pointer,
    ty: TokenStream,
    fill: Option<TokenStream>,
    hook: proc_macro2::Ident,
}

impl ErrorBody {
    /// The tokens of the error bodies `plan` decided.
    pub fn new(api: &Api, plan: &ErrorPlan, m: &TokenStream) -> Self {
        let filler = Filler { api, m };
        let alternates = plan
            .alternates
            .iter()
            .map(|a| Alternate {
                ty: rust_type(&a.schema, m),
                fill: filler.fill(&a.schema),
                at: a.at.clone(),
                hook: ident(&a.hook),
            })
            .collect();
        match &plan.schema {
            Some((ty, _)) => ErrorBody { ty: rust_type(ty, m), fill: filler.fill(ty), alternates },
            None => ErrorBody {
                ty: quote!(::serde_json::Value),
                fill: Some(quote! {
                    ::serde_json::json!({ "reason": rejection.reason().as_str(), "details": rejection.details() })
                }),
                alternates,
            },
        }
    }

    /// Whether some operation answers with an alternate schema.
    pub fn has_alternates(&self) -> bool {
        !self.alternates.is_empty()
    }

    /// The `rejection_as_<type>` methods.
    pub fn alternate_methods(&self) -> TokenStream {
        let methods = self.alternates.iter().map(|a| {
            let (hook, ty) = (&a.hook, &a.ty);
            let doc = format!(
                " The error body of a request the router rejects itself, for the operations whose bad requests the spec answers with the schema at {} (see [`Api::rejection`]).",
                a.at
            );
            let signature = quote!(fn #hook(&self, rejection: &self::runtime::Rejection) -> #ty);
            match &a.fill {
                Some(fill) => quote!(#[doc = #doc] #signature { #fill }),
                None => quote!(#[doc = #doc] #signature;),
            }
        });
        quote!(#(#methods)*)
    }

    /// `Api::rejection`, provided when the schema fills mechanically.
    pub fn trait_method(&self) -> TokenStream {
        let ty = &self.ty;
        let signature = quote!(fn rejection(&self, rejection: &self::runtime::Rejection) -> #ty);
        match &self.fill {
            Some(fill) => quote! {
                /// The error body of a request the router rejects itself (bad input, failed
                /// authentication, unknown route or method): the spec's bad-request schema,
                /// with the rejection's machine-readable reason (see [`Reason`]) and its
                /// details, which name the offending parameter or field. The status is the
                /// rejection's. Override it to add to the details; keep the reason.
                #signature { #fill }
            },
            None => quote! {
                /// The error body of a request the router rejects itself (bad input, failed
                /// authentication, unknown route or method), in the spec's bad-request
                /// schema: carry [`Rejection::reason`] (machine-readable, see [`Reason`]) and
                /// [`Rejection::details`] (names the offending parameter or field) into it.
                /// The status is the rejection's.
                #signature;
            },
        }
    }
}

/// The role of a string slot of the error schema.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Reason,
    Details,
    Both,
    Nothing,
}

struct Filler<'a> {
    api: &'a Api,
    m: &'a TokenStream,
}

/// Where the walk is: string slots seen (with whether each is required), and
/// whether the integer slot is taken.
struct Walk<'r> {
    slots: Vec<bool>,
    roles: Option<&'r [Role]>,
    integer_taken: bool,
}

impl Filler<'_> {
    fn fill(&self, ty: &Type) -> Option<TokenStream> {
        // First walk: the string slots, and whether everything else fills.
        let mut first = Walk { slots: Vec::new(), roles: None, integer_taken: false };
        self.value(ty, true, &mut first)?;
        let required: Vec<usize> = (0..first.slots.len()).filter(|&i| first.slots[i]).collect();
        let optional: Vec<usize> = (0..first.slots.len()).filter(|&i| !first.slots[i]).collect();
        let mut roles = vec![Role::Nothing; first.slots.len()];
        match (required.as_slice(), optional.as_slice()) {
            ([r], [d, ..]) => (roles[*r], roles[*d]) = (Role::Reason, Role::Details),
            ([r], []) => roles[*r] = Role::Both,
            ([r, d], _) => (roles[*r], roles[*d]) = (Role::Reason, Role::Details),
            ([], [r, d, ..]) => (roles[*r], roles[*d]) = (Role::Reason, Role::Details),
            ([], [r]) => roles[*r] = Role::Both,
            _ => return None,
        }
        // Second walk: the expression.
        let mut second = Walk { slots: Vec::new(), roles: Some(&roles), integer_taken: false };
        self.value(ty, true, &mut second)
    }

    /// An expression for a value of `ty`; `required` says whether the place
    /// must have a value (a required field, or the root).
    fn value(&self, ty: &Type, required: bool, walk: &mut Walk<'_>) -> Option<TokenStream> {
        let inner = self.shape(&ty.shape, required && !ty.nullable, walk)?;
        Some(if ty.nullable { quote!(::std::option::Option::Some(#inner)) } else { inner })
    }

    fn shape(&self, shape: &Shape, required: bool, walk: &mut Walk<'_>) -> Option<TokenStream> {
        match shape {
            Shape::Primitive(Primitive::String) => {
                let index = walk.slots.len();
                walk.slots.push(required);
                Some(match walk.roles.map(|roles| roles[index]) {
                    None | Some(Role::Nothing) => quote!(::std::string::String::new()),
                    Some(Role::Reason) => quote!(::std::string::String::from(rejection.reason().as_str())),
                    Some(Role::Details) => quote!(::std::string::String::from(rejection.details())),
                    Some(Role::Both) => {
                        quote!(::std::format!("{}: {}", rejection.reason().as_str(), rejection.details()))
                    }
                })
            }
            Shape::Primitive(p @ (Primitive::Int32 | Primitive::Int64)) if !walk.integer_taken => {
                walk.integer_taken = true;
                let int = if *p == Primitive::Int32 { quote!(i32) } else { quote!(i64) };
                Some(quote!(#int::from(rejection.status().as_u16())))
            }
            Shape::Named(name) => {
                let def = self.api.type_def(name)?;
                match &def.kind {
                    TypeKind::Struct(s) => {
                        let m = self.m;
                        let ty = ident(&def.name);
                        let mut fields = Vec::new();
                        for f in &s.fields {
                            let field = ident(&f.name);
                            let optional = !f.required || f.ty.nullable;
                            let value = if f.required {
                                let inner = Type { nullable: false, ..f.ty.clone() };
                                let value = self.value(&inner, !f.ty.nullable, walk)?;
                                let value = if f.boxed { quote!(::std::boxed::Box::new(#value)) } else { value };
                                if optional { quote!(::std::option::Option::Some(#value)) } else { value }
                            } else if is_string(self.api, &f.ty) {
                                // An optional string: a slot that may stay empty.
                                let index = walk.slots.len();
                                let inner = Type { nullable: false, ..f.ty.clone() };
                                let value = self.value(&inner, false, walk)?;
                                match walk.roles.map(|roles| roles[index]) {
                                    Some(Role::Nothing) => quote!(::std::option::Option::None),
                                    _ => quote!(::std::option::Option::Some(#value)),
                                }
                            } else {
                                quote!(::std::option::Option::None)
                            };
                            fields.push(quote!(#field: #value,));
                        }
                        if let Additional::Typed(_) = &s.additional_properties {
                            let mut name = "additional_properties".to_owned();
                            while s.fields.iter().any(|f| f.name == name) {
                                name.push('_');
                            }
                            let name = ident(&name);
                            fields.push(quote!(#name: ::std::default::Default::default(),));
                        }
                        Some(quote!(#m #ty { #(#fields)* }))
                    }
                    TypeKind::Alias(target) => self.value(target, required, walk),
                    TypeKind::Enum(_) | TypeKind::ValueEnum(_) | TypeKind::Union(_) | TypeKind::Map(_) => None,
                }
            }
            _ => None,
        }
    }
}

/// Whether `ty` is a string (through aliases).
fn is_string(api: &Api, ty: &Type) -> bool {
    match &ty.shape {
        Shape::Primitive(Primitive::String) => true,
        Shape::Named(name) => {
            matches!(api.type_def(name).map(|d| &d.kind), Some(TypeKind::Alias(t)) if is_string(api, t))
        }
        _ => false,
    }
}
