//! Constraint checks: the spec's validation keywords turned into code.
//!
//! The checks themselves are the runtime crate's `validation` module
//! (`Violation`, `Violations`, the `Validate` trait and one function per
//! keyword), which the models file re-exports as its `validation`; this
//! emits an `impl Validate` for every struct and union (a union checks the variant
//! it holds). Client and server emitters call
//! [`checks`] for values that are not structs (parameters).
//!
//! Constraints of a named alias or map (`Origins`: `maxItems: 20`) are checked
//! where the alias is used: a type alias cannot carry a trait impl of its own.
//! `required` is enforced by the types themselves (a required field is not an
//! `Option`, so decoding fails without it). `pattern` is not enforced yet: it
//! would need a regex engine in every generated crate; the IR keeps it and the
//! docs list it.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::ident;
use crate::ir::{Additional, Api, Constraints, Field, Primitive, Shape, Struct, Type, TypeKind, Union};

/// Statements that push a `Violation` onto `out` (a `&mut Vec<Violation>` in
/// scope) for every constraint `ty` states for `value`, reported under `path`.
///
/// - `value`: an expression of type `&T`, where `T` is
///   [`rust_type(ty, models)`](super::rust_type) (so `&Option<U>` when `ty` is nullable).
/// - `path`: an expression of type `&str` naming the value (`"limit"`).
/// - `models`: the path prefix of the model types, as for `rust_type`: empty
///   inside the models module, otherwise ending in `::` (`::ipfs_pinning_models::`).
///
/// Empty when there is nothing to check.
pub fn checks(api: &Api, ty: &Type, value: TokenStream, path: TokenStream, models: &TokenStream) -> TokenStream {
    let (v, p) = (format_ident!("value"), format_ident!("path"));
    let body = Checks { api, models, checked: None }.of(ty, &ty.constraints, &v, &quote!(#p), 0);
    if body.is_empty() {
        return body;
    }
    quote! {{
        let #v = #value;
        let #p: &str = #path;
        #body
    }}
}

struct Checks<'a> {
    api: &'a Api,
    models: &'a TokenStream,
    /// The structs and unions whose `Validate` checks anything ([`checked_types`]):
    /// the others are not called. `None`: call every one.
    checked: Option<&'a BTreeSet<String>>,
}

/// The structs and unions whose `impl Validate` checks anything: a
/// constraint of their own fields or variants, or a value of such a type
/// inside them. The others get an empty impl that nothing calls.
pub fn checked_types(api: &Api) -> BTreeSet<String> {
    let mut checked = BTreeSet::new();
    loop {
        let before = checked.len();
        for def in &api.types {
            let needed = match &def.kind {
                TypeKind::Struct(s) => {
                    s.fields.iter().any(|f| needs(api, &checked, &f.ty.shape, &f.ty.constraints))
                        || matches!(&s.additional_properties, Additional::Typed(value)
                            if needs(api, &checked, &value.shape, &value.constraints))
                }
                TypeKind::Union(u) => u.variants.iter().any(|v| needs(api, &checked, &v.ty.shape, &v.ty.constraints)),
                TypeKind::Enum(_) | TypeKind::ValueEnum(_) | TypeKind::Map(_) | TypeKind::Alias(_) => false,
            };
            if needed {
                checked.insert(def.name.clone());
            }
        }
        if checked.len() == before {
            return checked;
        }
    }
}

/// Whether [`Checks::shape`] emits anything for `shape` with `c`, given the
/// types known to check something.
fn needs(api: &Api, checked: &BTreeSet<String>, shape: &Shape, c: &Constraints) -> bool {
    match shape {
        Shape::Primitive(Primitive::String | Primitive::Bytes(_)) => {
            c.min_length.is_some_and(|n| n > 0) || c.max_length.is_some()
        }
        Shape::Primitive(Primitive::Int32 | Primitive::Int64 | Primitive::Float | Primitive::Double) => {
            c.minimum.is_some() || c.maximum.is_some() || c.multiple_of.is_some()
        }
        Shape::Primitive(Primitive::Bool | Primitive::Date | Primitive::DateTime) | Shape::Any => false,
        Shape::Array(item) => {
            c.min_items.is_some_and(|n| n > 0)
                || c.max_items.is_some()
                || c.unique_items
                || needs(api, checked, &item.shape, &item.constraints)
        }
        Shape::Map(value) => map_needs(api, checked, value, c),
        Shape::Named(name) => match api.type_def(name).map(|d| (&d.kind, &d.constraints)) {
            Some((TypeKind::Struct(_) | TypeKind::Union(_), _)) => checked.contains(name),
            Some((TypeKind::Map(value), defined)) => map_needs(api, checked, value, defined),
            Some((TypeKind::Alias(target), defined)) => needs(api, checked, &target.shape, defined),
            Some((TypeKind::Enum(_) | TypeKind::ValueEnum(_), _)) | None => false,
        },
    }
}

fn map_needs(api: &Api, checked: &BTreeSet<String>, value: &Type, c: &Constraints) -> bool {
    c.min_properties.is_some_and(|n| n > 0)
        || c.max_properties.is_some()
        || needs(api, checked, &value.shape, &value.constraints)
}

impl Checks<'_> {
    /// Checks for the value bound to `v`, of `ty` with `constraints` (the use
    /// site's, or a named alias's definition), reported under `path` (a `&str`).
    fn of(&self, ty: &Type, constraints: &Constraints, v: &Ident, path: &TokenStream, depth: usize) -> TokenStream {
        if !ty.nullable {
            return self.shape(&ty.shape, constraints, quote!(#v), path.clone(), depth);
        }
        let inner = format_ident!("value_{depth}");
        let body = self.shape(&ty.shape, constraints, quote!(#inner), path.clone(), depth);
        if body.is_empty() {
            return body;
        }
        quote! { if let ::std::option::Option::Some(#inner) = ::std::option::Option::as_ref(#v) { #body } }
    }

    fn shape(&self, shape: &Shape, c: &Constraints, v: TokenStream, path: TokenStream, depth: usize) -> TokenStream {
        let m = self.models;
        let mut out = Vec::new();
        match shape {
            Shape::Primitive(Primitive::String | Primitive::Bytes(_)) => {
                if let Some(n) = c.min_length.filter(|&n| n > 0).map(Literal::u64_unsuffixed) {
                    out.push(quote!(#m validation::min_length(#v, #n, #path, out);));
                }
                if let Some(n) = c.max_length.map(Literal::u64_unsuffixed) {
                    out.push(quote!(#m validation::max_length(#v, #n, #path, out);));
                }
            }
            Shape::Primitive(p @ (Primitive::Int32 | Primitive::Int64)) => {
                let as_i64 = if *p == Primitive::Int32 { quote!(i64::from(*#v)) } else { quote!(*#v) };
                if let Some(b) = c.minimum {
                    let (bound, exclusive) = (Literal::i64_unsuffixed(b.value.ceil() as i64), b.exclusive);
                    out.push(quote!(#m validation::minimum_int(#as_i64, #bound, #exclusive, #path, out);));
                }
                if let Some(b) = c.maximum {
                    let (bound, exclusive) = (Literal::i64_unsuffixed(b.value.floor() as i64), b.exclusive);
                    out.push(quote!(#m validation::maximum_int(#as_i64, #bound, #exclusive, #path, out);));
                }
                if let Some(f) = c.multiple_of.map(Literal::f64_unsuffixed) {
                    out.push(quote!(#m validation::multiple_of(#as_i64 as f64, #f, #path, out);));
                }
            }
            Shape::Primitive(p @ (Primitive::Float | Primitive::Double)) => {
                let as_f64 = if *p == Primitive::Float { quote!(f64::from(*#v)) } else { quote!(*#v) };
                if let Some(b) = c.minimum {
                    let (bound, exclusive) = (Literal::f64_unsuffixed(b.value), b.exclusive);
                    out.push(quote!(#m validation::minimum(#as_f64, #bound, #exclusive, #path, out);));
                }
                if let Some(b) = c.maximum {
                    let (bound, exclusive) = (Literal::f64_unsuffixed(b.value), b.exclusive);
                    out.push(quote!(#m validation::maximum(#as_f64, #bound, #exclusive, #path, out);));
                }
                if let Some(f) = c.multiple_of.map(Literal::f64_unsuffixed) {
                    out.push(quote!(#m validation::multiple_of(#as_f64, #f, #path, out);));
                }
            }
            Shape::Primitive(Primitive::Bool | Primitive::Date | Primitive::DateTime) | Shape::Any => {}
            Shape::Array(item) => {
                if let Some(n) = c.min_items.filter(|&n| n > 0).map(Literal::u64_unsuffixed) {
                    out.push(quote!(#m validation::min_items(#v.len(), #n, #path, out);));
                }
                if let Some(n) = c.max_items.map(Literal::u64_unsuffixed) {
                    out.push(quote!(#m validation::max_items(#v.len(), #n, #path, out);));
                }
                // Never hash an array already over `maxItems`.
                match (c.unique_items, c.max_items.map(Literal::u64_unsuffixed)) {
                    (true, Some(n)) => out.push(quote!(#m validation::unique_items_up_to(#v, #n, #path, out);)),
                    (true, None) => out.push(quote!(#m validation::unique_items(#v, #path, out);)),
                    (false, _) => {}
                }
                let (i, item_v, p) =
                    (format_ident!("index_{depth}"), format_ident!("item_{depth}"), format_ident!("path_{depth}"));
                let each = self.of(item, &item.constraints, &item_v, &quote!(#p), depth + 1);
                if !each.is_empty() {
                    out.push(quote! {
                        for (#i, #item_v) in #v.iter().enumerate() {
                            let #p: &str = &#m validation::index(#path, #i);
                            #each
                        }
                    });
                }
            }
            Shape::Map(value) => out.push(self.map(value, c, &v, &path, depth)),
            Shape::Named(name) => match self.api.type_def(name).map(|d| (&d.kind, &d.constraints)) {
                Some((TypeKind::Struct(_) | TypeKind::Union(_), _)) => {
                    if self.checked.is_none_or(|checked| checked.contains(name)) {
                        out.push(quote!(#m validation::Validate::validate_at(#v, #path, out);));
                    }
                }
                Some((TypeKind::Map(value), defined)) => out.push(self.map(value, defined, &v, &path, depth)),
                Some((TypeKind::Alias(target), defined)) => {
                    let body = self.shape(&target.shape, defined, v.clone(), path.clone(), depth);
                    if !body.is_empty() {
                        out.push(body);
                    }
                }
                Some((TypeKind::Enum(_) | TypeKind::ValueEnum(_), _)) | None => {}
            },
        }
        quote!(#(#out)*)
    }

    fn map(&self, value: &Type, c: &Constraints, v: &TokenStream, path: &TokenStream, depth: usize) -> TokenStream {
        let m = self.models;
        let mut out = Vec::new();
        if let Some(n) = c.min_properties.filter(|&n| n > 0).map(Literal::u64_unsuffixed) {
            out.push(quote!(#m validation::min_properties(#v.len(), #n, #path, out);));
        }
        if let Some(n) = c.max_properties.map(Literal::u64_unsuffixed) {
            out.push(quote!(#m validation::max_properties(#v.len(), #n, #path, out);));
        }
        let (k, item_v, p) =
            (format_ident!("key_{depth}"), format_ident!("item_{depth}"), format_ident!("path_{depth}"));
        let each = self.of(value, &value.constraints, &item_v, &quote!(#p), depth + 1);
        if !each.is_empty() {
            out.push(quote! {
                for (#k, #item_v) in #v {
                    let #p: &str = &#m validation::key(#path, #k);
                    #each
                }
            });
        }
        quote!(#(#out)*)
    }
}

/// `impl Validate` for a struct of the models file.
pub fn validate_impl(api: &Api, checked: &BTreeSet<String>, name: &str, s: &Struct) -> TokenStream {
    let none = quote!();
    let checks = Checks { api, models: &none, checked: Some(checked) };
    let mut body: Vec<TokenStream> = s.fields.iter().map(|f| field_checks(&checks, f)).collect();
    if let Additional::Typed(value) = &s.additional_properties {
        let mut field = "additional_properties".to_owned();
        while s.fields.iter().any(|f| f.name == field) {
            field.push('_');
        }
        let field = ident(&field);
        body.push(checks.map(value, &Constraints::default(), &quote!(&self.#field), &quote!(path), 0));
        // (`path` is the struct's own: extra keys sit beside the declared fields.)
    }
    body.retain(|b| !b.is_empty());
    let name = ident(name);
    let (path, out) = if body.is_empty() { (quote!(_path), quote!(_out)) } else { (quote!(path), quote!(out)) };
    quote! {
        impl validation::Validate for #name {
            fn validate_at(&self, #path: &str, #out: &mut ::std::vec::Vec<validation::Violation>) {
                #(#body)*
            }
        }
    }
}

/// `impl Validate` for a union: the checks of whichever variant the value is,
/// reported under the union's own path.
pub fn union_validate_impl(api: &Api, checked: &BTreeSet<String>, name: &str, u: &Union) -> TokenStream {
    let none = quote!();
    let checks = Checks { api, models: &none, checked: Some(checked) };
    let arms: Vec<(Ident, bool, TokenStream)> = u
        .variants
        .iter()
        .map(|v| {
            let body = checks.of(&v.ty, &v.ty.constraints, &format_ident!("value"), &quote!(path), 0);
            (ident(&v.name), v.boxed, body)
        })
        .collect();
    let name = ident(name);
    if arms.iter().all(|(_, _, body)| body.is_empty()) {
        return quote! {
            impl validation::Validate for #name {
                fn validate_at(&self, _path: &str, _out: &mut ::std::vec::Vec<validation::Violation>) {}
            }
        };
    }
    let arms = arms.into_iter().map(|(variant, boxed, body)| {
        if body.is_empty() {
            quote!(Self::#variant(_) => {})
        } else if boxed {
            quote!(Self::#variant(value) => { let value = &**value; #body })
        } else {
            quote!(Self::#variant(value) => { #body })
        }
    });
    quote! {
        impl validation::Validate for #name {
            fn validate_at(&self, path: &str, out: &mut ::std::vec::Vec<validation::Violation>) {
                match self { #(#arms)* }
            }
        }
    }
}

fn field_checks(checks: &Checks<'_>, f: &Field) -> TokenStream {
    let field = ident(&f.name);
    let wire = &f.wire_name;
    let inner = Type { nullable: false, ..f.ty.clone() };
    let body = checks.of(&inner, &inner.constraints, &format_ident!("value"), &quote!(path), 0);
    if body.is_empty() {
        return body;
    }
    let body = quote! {
        let path: &str = &validation::field(path, #wire);
        #body
    };
    let optional = !f.required || f.ty.nullable;
    match (optional, f.boxed) {
        (true, true) => quote!(if let ::std::option::Option::Some(value) = self.#field.as_deref() { #body }),
        (true, false) => quote!(if let ::std::option::Option::Some(value) = &self.#field { #body }),
        (false, true) => quote!({ let value = &*self.#field; #body }),
        (false, false) => quote!({ let value = &self.#field; #body }),
    }
}
