//! Unknown fields in request bodies whose schema (or a schema nested in it)
//! says `additionalProperties: false`.
//!
//! The model types stay lenient (a client must decode responses with fields
//! a newer server adds), so the server checks the body as a JSON value
//! before decoding it: one function per named type that can contain such a
//! schema, `unknown_fields_<type>(value, path, out)`, pushes the path of
//! every field the schema does not allow. The functions follow the IR:
//! struct fields (allOf-merged structs are structs), arrays, maps, aliases,
//! `additionalProperties` schemas, and unions (with a discriminator: the
//! variant it selects; without one: the first variant the value decodes
//! as, which is the variant the typed decoding picks; JSON Schema would
//! rather try every variant, so with overlapping variants a value can be
//! refused that another variant would accept). Types that cannot
//! contain a closed schema are not visited.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::super::rust_type;
use crate::ir::{Additional, Api, Shape, Type, TypeKind};

/// The checkers of one server file, by named type.
#[derive(Default)]
pub(super) struct Strict {
    /// Type name → function name, for every named type that needs a checker.
    functions: BTreeMap<String, proc_macro2::Ident>,
    /// Type names in the order their checkers were asked for.
    order: Vec<String>,
}

impl Strict {
    /// A closure `|value: &serde_json::Value, out: &mut Vec<String>|` that
    /// checks a body of `ty`, registering the named types it needs.
    pub fn body_checker(&mut self, api: &Api, ty: &Type, m: &TokenStream) -> TokenStream {
        let check = self.check(api, ty, &quote!(value), &quote!(""), m, 0);
        quote!(|value: &::serde_json::Value, out: &mut ::std::vec::Vec<::std::string::String>| { #check })
    }

    /// Statements checking `value` (a `&serde_json::Value`) of `ty` at `path` (a `&str`).
    fn check(
        &mut self,
        api: &Api,
        ty: &Type,
        value: &TokenStream,
        path: &TokenStream,
        m: &TokenStream,
        depth: usize,
    ) -> TokenStream {
        if !crate::plan::server::forbids_unknown_fields(api, ty) {
            return quote!();
        }
        match &ty.shape {
            Shape::Array(item) => {
                let (i, v, p) =
                    (format_ident!("index_{depth}"), format_ident!("item_{depth}"), format_ident!("path_{depth}"));
                let each = self.check(api, item, &quote!(#v), &quote!(&#p), m, depth + 1);
                quote! {
                    if let ::serde_json::Value::Array(items) = #value {
                        for (#i, #v) in items.iter().enumerate() {
                            let #p = #m validation::index(#path, #i);
                            #each
                        }
                    }
                }
            }
            Shape::Map(item) => self.map(api, item, value, path, m, depth),
            Shape::Named(name) => {
                let function = self.function(name);
                quote!(#function(#value, #path, out);)
            }
            Shape::Primitive(_) | Shape::Any => quote!(),
        }
    }

    fn map(
        &mut self,
        api: &Api,
        item: &Type,
        value: &TokenStream,
        path: &TokenStream,
        m: &TokenStream,
        depth: usize,
    ) -> TokenStream {
        let (k, v, p) = (format_ident!("key_{depth}"), format_ident!("item_{depth}"), format_ident!("path_{depth}"));
        let each = self.check(api, item, &quote!(#v), &quote!(&#p), m, depth + 1);
        quote! {
            if let ::serde_json::Value::Object(entries) = #value {
                for (#k, #v) in entries {
                    let #p = #m validation::key(#path, #k);
                    #each
                }
            }
        }
    }

    /// The function checking values of the named type `name`.
    fn function(&mut self, name: &str) -> proc_macro2::Ident {
        if let Some(function) = self.functions.get(name) {
            return function.clone();
        }
        let base = format!("unknown_fields_{}", crate::naming::unraw(&crate::naming::value_name(name)));
        let mut candidate = base.clone();
        let mut n = 2;
        while self.functions.values().any(|f| *f == candidate) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        let function = format_ident!("{}", candidate);
        self.functions.insert(name.to_owned(), function.clone());
        self.order.push(name.to_owned());
        function
    }

    /// Every checker function asked for (and those they call).
    pub fn items(&mut self, api: &Api, m: &TokenStream) -> TokenStream {
        let mut items = Vec::new();
        let mut done = 0;
        while done < self.order.len() {
            let name = self.order[done].clone();
            done += 1;
            let function = self.functions[&name].clone();
            let Some(def) = api.type_def(&name) else { continue };
            let body = match &def.kind {
                TypeKind::Struct(s) => {
                    // (condition, statements, is a declared field)
                    let mut branches: Vec<(TokenStream, TokenStream, bool)> = Vec::new();
                    for f in &s.fields {
                        let check = self.check(api, &f.ty, &quote!(item), &quote!(&field_path), m, 0);
                        if !check.is_empty() {
                            let wire = &f.wire_name;
                            branches.push((
                                quote!(if key == #wire),
                                quote!(let field_path = #m validation::field(path, key); #check),
                                true,
                            ));
                        }
                    }
                    let known = s.fields.iter().map(|f| f.wire_name.as_str());
                    // Without declared fields every key is unknown (and there are no other branches).
                    let unknown =
                        if s.fields.is_empty() { quote!() } else { quote!(if !matches!(key.as_str(), #(#known)|*)) };
                    match &s.additional_properties {
                        Additional::Forbidden => {
                            branches.push((unknown, quote!(out.push(#m validation::field(path, key));), false));
                        }
                        Additional::Typed(extra) => {
                            let check = self.check(api, extra, &quote!(item), &quote!(&field_path), m, 0);
                            if !check.is_empty() {
                                branches.push((
                                    unknown,
                                    quote!(let field_path = #m validation::field(path, key); #check),
                                    false,
                                ));
                            }
                        }
                        Additional::Unspecified => {}
                    }
                    let mut chain = quote!();
                    for (i, (condition, statements, _)) in branches.iter().enumerate() {
                        let els = (i > 0).then(|| quote!(else));
                        chain = quote!(#chain #els #condition { #statements });
                    }
                    let uses_item = branches.iter().any(|(_, _, declared)| *declared)
                        || matches!(s.additional_properties, Additional::Typed(_));
                    let each = if uses_item { quote!((key, item) in fields) } else { quote!(key in fields.keys()) };
                    quote! {
                        if let ::serde_json::Value::Object(fields) = value {
                            for #each {
                                #chain
                            }
                        }
                    }
                }
                TypeKind::Alias(target) => self.check(api, target, &quote!(value), &quote!(path), m, 0),
                TypeKind::Map(item) => self.map(api, item, &quote!(value), &quote!(path), m, 0),
                TypeKind::Union(u) => match &u.discriminator {
                    Some(d) => {
                        let property = &d.property;
                        let arms: Vec<TokenStream> = d
                            .mapping
                            .iter()
                            .filter_map(|(tag, index)| {
                                let variant = u.variants.get(*index)?;
                                let check = self.check(api, &variant.ty, &quote!(value), &quote!(path), m, 0);
                                (!check.is_empty()).then(|| quote!(::std::option::Option::Some(#tag) => { #check }))
                            })
                            .collect();
                        quote! {
                            match value.get(#property).and_then(::serde_json::Value::as_str) {
                                #(#arms)*
                                _ => {}
                            }
                        }
                    }
                    None => {
                        // `if decodes as A { check A } else if decodes as B { check B } ...`,
                        // up to the last variant that has something to check.
                        let mut tries: Vec<(TokenStream, TokenStream)> = u
                            .variants
                            .iter()
                            .map(|variant| {
                                let check = self.check(api, &variant.ty, &quote!(value), &quote!(path), m, 0);
                                (rust_type(&variant.ty, m), check)
                            })
                            .collect();
                        while tries.last().is_some_and(|(_, check)| check.is_empty()) {
                            tries.pop();
                        }
                        let tries = tries.iter().enumerate().map(|(i, (ty, check))| {
                            let els = (i > 0).then(|| quote!(else));
                            quote!(#els if <#ty as ::serde::Deserialize>::deserialize(value).is_ok() { #check })
                        });
                        quote!(#(#tries)*)
                    }
                },
                TypeKind::Enum(_) | TypeKind::ValueEnum(_) => quote!(),
            };
            let doc = format!(
                " Pushes the path of every field of a `{name}` value (at `path`) that a schema with `additionalProperties: false` does not declare."
            );
            items.push(quote! {
                #[doc = #doc]
                fn #function(value: &::serde_json::Value, path: &str, out: &mut ::std::vec::Vec<::std::string::String>) {
                    #body
                }
            });
        }
        quote!(#(#items)*)
    }
}
