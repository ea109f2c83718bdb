//! Constraint checks: the spec's validation keywords turned into code.
//!
//! The models file gets a `validation` module (the [`runtime`]: `Violation`,
//! `Violations`, the `Validate` trait and one small function per keyword) and
//! an `impl Validate` for every struct and union (a union checks the variant
//! it holds). Client and server emitters call
//! [`checks`] for values that are not structs (parameters).
//!
//! Constraints of a named alias or map (`Origins`: `maxItems: 20`) are checked
//! where the alias is used: a type alias cannot carry a trait impl of its own.
//! `required` is enforced by the types themselves (a required field is not an
//! `Option`, so decoding fails without it). `pattern` is not enforced yet: it
//! would need a regex engine in every generated crate; the IR keeps it and the
//! docs list it.

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
    let body = Checks { api, models }.of(ty, &ty.constraints, &v, &quote!(#p), 0);
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
                if c.unique_items {
                    out.push(quote!(#m validation::unique_items(#v, #path, out);));
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
                    out.push(quote!(#m validation::Validate::validate_at(#v, #path, out);));
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
pub fn validate_impl(api: &Api, name: &str, s: &Struct) -> TokenStream {
    let none = quote!();
    let checks = Checks { api, models: &none };
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
pub fn union_validate_impl(api: &Api, name: &str, u: &Union) -> TokenStream {
    let none = quote!();
    let checks = Checks { api, models: &none };
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

/// The `validation` module of the models file.
pub fn runtime() -> TokenStream {
    quote! {
        /// Checks for the constraints the spec states (`maxLength`, `maxItems`,
        /// `uniqueItems`, `minimum`, ...). Servers run them on what they receive,
        /// clients on what they are about to send. `pattern` is not checked yet.
        pub mod validation {
            /// One broken constraint. `path` names the parameter or field
            /// (`name`, `pin.origins[3]`, `meta["app_id"]`; empty for the value itself).
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct Violation {
                pub path: ::std::string::String,
                pub message: ::std::string::String,
            }

            impl ::std::fmt::Display for Violation {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    if self.path.is_empty() {
                        f.write_str(&self.message)
                    } else {
                        write!(f, "{}: {}", self.path, self.message)
                    }
                }
            }

            /// Every violation found in a value; never empty.
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct Violations(pub ::std::vec::Vec<Violation>);

            impl Violations {
                /// `Err` with the violations, `Ok` when there are none.
                pub fn check(found: ::std::vec::Vec<Violation>) -> ::std::result::Result<(), Self> {
                    if found.is_empty() { ::std::result::Result::Ok(()) } else { ::std::result::Result::Err(Violations(found)) }
                }

                pub fn iter(&self) -> ::std::slice::Iter<'_, Violation> {
                    self.0.iter()
                }
            }

            impl ::std::fmt::Display for Violations {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    for (i, violation) in self.0.iter().enumerate() {
                        if i > 0 {
                            f.write_str("; ")?;
                        }
                        write!(f, "{violation}")?;
                    }
                    ::std::result::Result::Ok(())
                }
            }

            impl ::std::error::Error for Violations {}

            impl ::std::iter::IntoIterator for Violations {
                type Item = Violation;
                type IntoIter = ::std::vec::IntoIter<Violation>;

                fn into_iter(self) -> Self::IntoIter {
                    self.0.into_iter()
                }
            }

            /// A value with constraints to check.
            pub trait Validate {
                /// Pushes every violation in `self` onto `out`, with paths under `path`.
                fn validate_at(&self, path: &str, out: &mut ::std::vec::Vec<Violation>);

                /// Every violation in `self`, or `Ok`.
                fn validate(&self) -> ::std::result::Result<(), Violations> {
                    let mut found = ::std::vec::Vec::new();
                    self.validate_at("", &mut found);
                    Violations::check(found)
                }
            }

            /// `path.name`.
            pub fn field(path: &str, name: &str) -> ::std::string::String {
                if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") }
            }

            /// `path[index]`.
            pub fn index(path: &str, index: usize) -> ::std::string::String {
                format!("{path}[{index}]")
            }

            /// `path["key"]`.
            pub fn key(path: &str, key: &str) -> ::std::string::String {
                format!("{path}[{key:?}]")
            }

            /// `1 item`, `2 items`.
            fn count(n: u64, one: &str, many: &str) -> ::std::string::String {
                if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
            }

            fn push(out: &mut ::std::vec::Vec<Violation>, path: &str, message: ::std::string::String) {
                out.push(Violation { path: path.to_owned(), message });
            }

            /// `minLength`, in characters (Unicode scalar values), as JSON Schema counts.
            pub fn min_length(value: &str, min: u64, path: &str, out: &mut ::std::vec::Vec<Violation>) {
                let n = value.chars().count();
                if (n as u64) < min {
                    push(out, path, format!("must have at least {} (has {n})", count(min, "character", "characters")));
                }
            }

            /// `maxLength`, in characters (Unicode scalar values).
            pub fn max_length(value: &str, max: u64, path: &str, out: &mut ::std::vec::Vec<Violation>) {
                let n = value.chars().count();
                if n as u64 > max {
                    push(out, path, format!("must have at most {} (has {n})", count(max, "character", "characters")));
                }
            }

            /// `minimum` / `exclusiveMinimum` for integers.
            pub fn minimum_int(value: i64, bound: i64, exclusive: bool, path: &str, out: &mut ::std::vec::Vec<Violation>) {
                if exclusive && value <= bound {
                    push(out, path, format!("must be greater than {bound} (is {value})"));
                } else if value < bound {
                    push(out, path, format!("must be at least {bound} (is {value})"));
                }
            }

            /// `maximum` / `exclusiveMaximum` for integers.
            pub fn maximum_int(value: i64, bound: i64, exclusive: bool, path: &str, out: &mut ::std::vec::Vec<Violation>) {
                if exclusive && value >= bound {
                    push(out, path, format!("must be less than {bound} (is {value})"));
                } else if value > bound {
                    push(out, path, format!("must be at most {bound} (is {value})"));
                }
            }

            /// `minimum` / `exclusiveMinimum` for numbers.
            pub fn minimum(value: f64, bound: f64, exclusive: bool, path: &str, out: &mut ::std::vec::Vec<Violation>) {
                if exclusive && value <= bound {
                    push(out, path, format!("must be greater than {bound} (is {value})"));
                } else if value < bound {
                    push(out, path, format!("must be at least {bound} (is {value})"));
                }
            }

            /// `maximum` / `exclusiveMaximum` for numbers.
            pub fn maximum(value: f64, bound: f64, exclusive: bool, path: &str, out: &mut ::std::vec::Vec<Violation>) {
                if exclusive && value >= bound {
                    push(out, path, format!("must be less than {bound} (is {value})"));
                } else if value > bound {
                    push(out, path, format!("must be at most {bound} (is {value})"));
                }
            }

            /// `multipleOf`.
            pub fn multiple_of(value: f64, factor: f64, path: &str, out: &mut ::std::vec::Vec<Violation>) {
                let quotient = value / factor;
                if factor > 0.0 && (quotient - quotient.round()).abs() > 1e-9 {
                    push(out, path, format!("must be a multiple of {factor} (is {value})"));
                }
            }

            /// `minItems`.
            pub fn min_items(len: usize, min: u64, path: &str, out: &mut ::std::vec::Vec<Violation>) {
                if (len as u64) < min {
                    push(out, path, format!("must have at least {} (has {len})", count(min, "item", "items")));
                }
            }

            /// `maxItems`.
            pub fn max_items(len: usize, max: u64, path: &str, out: &mut ::std::vec::Vec<Violation>) {
                if len as u64 > max {
                    push(out, path, format!("must have at most {} (has {len})", count(max, "item", "items")));
                }
            }

            /// `uniqueItems: true`: reports the first repeated item.
            pub fn unique_items<T: ::std::cmp::PartialEq>(items: &[T], path: &str, out: &mut ::std::vec::Vec<Violation>) {
                for (later, item) in items.iter().enumerate() {
                    if let ::std::option::Option::Some(earlier) = items[..later].iter().position(|other| other == item) {
                        push(out, path, format!("items must be unique; item {later} repeats item {earlier}"));
                        return;
                    }
                }
            }

            /// `minProperties`.
            pub fn min_properties(len: usize, min: u64, path: &str, out: &mut ::std::vec::Vec<Violation>) {
                if (len as u64) < min {
                    push(out, path, format!("must have at least {} (has {len})", count(min, "entry", "entries")));
                }
            }

            /// `maxProperties`.
            pub fn max_properties(len: usize, max: u64, path: &str, out: &mut ::std::vec::Vec<Violation>) {
                if len as u64 > max {
                    push(out, path, format!("must have at most {} (has {len})", count(max, "entry", "entries")));
                }
            }
        }
    }
}
