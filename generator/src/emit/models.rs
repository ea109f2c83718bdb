//! IR types → Rust model types with serde impls.
//!
//! - Structs: optional fields are `Option` and left out when `None`; unknown
//!   fields are ignored on input (a client must accept what deployed servers
//!   add); `additionalProperties` beside `properties` are kept in a map
//!   field. `Serialize` and `Deserialize` are written out, not derived: a
//!   map of the fields, and one map visitor that matches keys by index,
//!   the rest in the runtime's `models` module (a derived impl is several
//!   times the code, and `cargo check` of a crate pays for every line); the
//!   wire and serde's error messages are as derived, except that a JSON
//!   array is not read as a struct.
//! - String enums: closed, with `as_str`, `Display`, `FromStr` and, where the
//!   spec gives a default, `Default`; their wire strings are one table that
//!   `as_str`, `FromStr`, `Serialize` and `Deserialize` share (the latter
//!   three through runtime functions).
//! - Value enums (integers, numbers, booleans, mixed): closed, (de)serialized
//!   as their exact JSON values; `to_json`, `Display`.
//! - Unions (`oneOf`/`anyOf`): without a discriminator, `#[serde(untagged)]`
//!   enums (the first variant that decodes wins); with one, enums whose
//!   `Deserialize` reads the property and decodes the variant it maps to,
//!   with the property still in the variant's struct, and whose `Serialize`
//!   writes the variant (adding the property only if the struct lacks it).
//! - Maps and everything else named: type aliases (`BTreeMap` for maps, so
//!   output order is deterministic).
//! - A type with the same body as an earlier one: an alias of that one
//!   ([`crate::lower::dedupe`]), so each body is compiled once.
//!
//! Constraints are not checked by deserialization (a client decodes what a
//! server sends leniently); they are listed in the docs, and every struct
//! implements `validation::Validate` (see [`super::validate`]) for the places
//! that check input.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::{FileText, describe_constraints, doc_lines, enum_text, ident, rust_type, struct_text};
use crate::error::Result;
use crate::ir::{
    Additional, Api, Field, Primitive, Reached, Shape, StringEnum, Struct, Type, TypeDef, TypeKind, Union, ValueEnum,
    reaches,
};
use crate::pointer::Pointer;

pub use crate::naming::UNKNOWN_ENUM_VALUE;

/// The models file for an API, on the workspace's runtime crate.
pub fn models(api: &Api, header: &str) -> Result<String> {
    models_in(api, header, super::RUNTIME_CRATE)
}

/// [`models`] with the runtime at `runtime` (`crate::runtime` in a standalone crate).
pub fn models_in(api: &Api, header: &str, runtime: &str) -> Result<String> {
    let at = Pointer::root().join("components").join("schemas");
    // A runtime path that is not a path is refused; the text written is
    // the path as tokens print it.
    let runtime = super::runtime_path(runtime, &at)?.to_string().replace(' ', "");
    let runtime = runtime.trim_end_matches("::");
    let eq = EqTypes::new(api);
    let same = crate::lower::dedupe::duplicates(api);
    let checked = super::validate::checked_types(api);
    let title = format!("Model types of {} {}.", api.title, api.version);
    let approximations = super::approximations(api);
    let mut file = FileText::new(header);
    // A union is as large as its largest variant (boxing would change the
    // types the spec describes); descriptions are the spec's own Markdown.
    // (Written as `prettyplease` prints these attributes and items.)
    let mut head = super::inner_doc_text([title.as_str()].into_iter().chain(approximations.as_deref()));
    head.push_str("#![allow(clippy::large_enum_variant, clippy::doc_lazy_continuation)]");
    file.text(&head);
    file.text(&format!("#[allow(unused_imports)]\nuse {runtime}::models as rt;"));
    // Each item is printed as soon as it is made: the tokens of the whole
    // file never exist at once.
    for def in &api.types {
        if let Some(canonical) = same.get(&def.name) {
            file.text(&same_as(def, canonical));
            continue;
        }
        match &def.kind {
            TypeKind::Struct(s) => {
                let extra = additional_field(s).map(|(name, _)| name);
                let extra = extra.as_deref();
                let docs = super::doc_text(type_docs(def).iter().map(String::as_str));
                let definition = struct_text::definition(&def.name, &docs, eq.derives_eq(&def.name), s, extra);
                file.text_or_tokens(definition, || type_def(def, &eq), &at)?;
                let serialize = struct_text::serialize(&def.name, s, extra);
                file.text_or_tokens(serialize, || struct_serialize(&def.name, s), &at)?;
                let deserialize = struct_text::deserialize(&def.name, s, extra);
                file.text_or_tokens(deserialize, || struct_deserialize(&def.name, s), &at)?;
                let validate = super::validate::validate_impl_text(api, &checked, &def.name, s);
                file.text_or_tokens(validate, || super::validate::validate_impl(api, &checked, &def.name, s), &at)?;
            }
            TypeKind::Union(u) => {
                let item = type_def(def, &eq);
                let validate = super::validate::union_validate_impl(api, &checked, &def.name, u);
                file.tokens(quote!(#item #validate), &at)?;
            }
            TypeKind::Enum(e) => {
                let docs = super::doc_text(type_docs(def).iter().map(String::as_str));
                match enum_text::string_enum(&def.name, &docs, e) {
                    Some(items) => items.iter().for_each(|item| file.text(item)),
                    None => file.tokens(type_def(def, &eq), &at)?,
                }
            }
            TypeKind::Map(value) => {
                let map = Type::new(Shape::Map(Box::new(value.clone())));
                file.text_or_tokens(alias_text(def, &map), || type_def(def, &eq), &at)?;
            }
            TypeKind::Alias(target) => file.text_or_tokens(alias_text(def, target), || type_def(def, &eq), &at)?,
            _ => file.tokens(type_def(def, &eq), &at)?,
        }
    }
    if api.types.iter().any(|d| matches!(d.kind, TypeKind::Enum(_))) {
        file.text(&format!("pub use {runtime}::models::{UNKNOWN_ENUM_VALUE};"));
    }
    file.text(&format!(
        "/// The constraint checks of the runtime crate: `Violation`, the\n\
         /// `Validate` trait every struct and union here implements, and one\n\
         /// check per keyword.\n\
         pub use {runtime}::validation;"
    ));
    Ok(file.finish())
}

/// A type with the same body as an earlier one: an alias of it, with its own
/// docs (see [`crate::lower::dedupe`]), written as text (a path alias has
/// nothing `prettyplease` would break).
fn same_as(def: &TypeDef, canonical: &str) -> String {
    let mut lines = super::text::Lines::new();
    lines.docs(0, &super::doc_text(same_as_docs(def, canonical).iter().map(String::as_str)));
    lines.raw(0, &format!("pub type {} = {canonical};", def.name));
    lines.into_text()
}

fn same_as_docs(def: &TypeDef, canonical: &str) -> Vec<String> {
    let mut paragraphs: Vec<String> = def.docs.iter().cloned().collect();
    if def.deprecated {
        paragraphs.push("**Deprecated** in the spec.".to_owned());
    }
    paragraphs.push(format!("The same type as [`{canonical}`]: the spec describes both alike."));
    paragraphs
}

/// A type's doc paragraphs: its description, constraints, deprecation.
fn type_docs(def: &TypeDef) -> Vec<String> {
    let mut paragraphs: Vec<String> = def.docs.iter().cloned().collect();
    paragraphs.extend(describe_constraints(&def.constraints));
    if def.deprecated {
        paragraphs.push("**Deprecated** in the spec.".to_owned());
    }
    paragraphs
}

/// A named map or alias as text ([`super::alias_text`]).
fn alias_text(def: &TypeDef, ty: &Type) -> Option<String> {
    let mut text = String::new();
    struct_text::type_text_in(ty, "", &mut text);
    super::alias_text::alias(&def.name, &super::doc_text(type_docs(def).iter().map(String::as_str)), &text)
}

fn type_def(def: &TypeDef, eq: &EqTypes) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_lines(type_docs(def).iter().map(String::as_str));
    match &def.kind {
        TypeKind::Struct(s) => struct_definition(&def.name, docs, eq.derives_eq(&def.name), s),
        TypeKind::Enum(e) => string_enum(&def.name, e, docs),
        TypeKind::ValueEnum(e) => value_enum(&def.name, e, docs),
        TypeKind::Union(u) => {
            let derive_eq = eq.derives_eq(&def.name).then(|| quote!(Eq,));
            union(&def.name, u, docs, derive_eq)
        }
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

/// A struct's definition: docs, derives, fields.
pub(super) fn struct_definition(type_name: &str, docs: TokenStream, derive_eq: bool, s: &Struct) -> TokenStream {
    let name = ident(type_name);
    let derive_eq = derive_eq.then(|| quote!(Eq,));
    let body = struct_body(s);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_eq)]
        pub struct #name { #body }
    }
}

/// The name of the field that keeps a struct's `additionalProperties`, if
/// it has one, and their type.
pub(super) fn additional_field(s: &Struct) -> Option<(String, &Type)> {
    let Additional::Typed(value) = &s.additional_properties else { return None };
    let mut name = "additional_properties".to_owned();
    while s.fields.iter().any(|f| f.name == name) {
        name.push('_');
    }
    Some((name, value))
}

fn struct_body(s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(field);
    let extra = match additional_field(s) {
        Some((name, value)) => {
            let name = ident(&name);
            let ty = rust_type(&Type::new(Shape::Map(Box::new(value.clone()))), &quote!());
            Some(quote! {
                /// Properties beyond the declared ones (`additionalProperties`).
                pub #name: #ty,
            })
        }
        None => None,
    };
    quote!(#(#fields)* #extra)
}

/// A struct's `Serialize`: a map of the fields in order, optional ones
/// left out when `None`, then the `additionalProperties` (what the derive
/// wrote, in a third of the code).
pub(super) fn struct_serialize(type_name: &str, s: &Struct) -> TokenStream {
    let name = ident(type_name);
    let entries = s.fields.iter().map(|f| {
        let (field, wire) = (ident(&f.name), &f.wire_name);
        if f.required {
            quote!(map.serialize_entry(#wire, &self.#field)?;)
        } else {
            quote! {
                if let ::std::option::Option::Some(value) = &self.#field {
                    map.serialize_entry(#wire, value)?;
                }
            }
        }
    });
    let extra = additional_field(s).map(|(field, _)| {
        let field = ident(&field);
        quote! {
            for (key, value) in &self.#field {
                map.serialize_entry(key, value)?;
            }
        }
    });
    let map = if s.fields.is_empty() && extra.is_none() { quote!(map) } else { quote!(mut map) };
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let #map = serializer.serialize_map(::std::option::Option::None)?;
                #(#entries)*
                #extra
                map.end()
            }
        }
    }
}

/// A struct's `Deserialize`: a visitor of maps that reads each declared
/// field by the index of its key (serde's `duplicate field` and `missing
/// field` errors), skips other keys or, with `additionalProperties`, keeps
/// them. Optional and nullable fields are `None` when absent, as derived.
pub(super) fn struct_deserialize(type_name: &str, s: &Struct) -> TokenStream {
    let name = ident(type_name);
    let visitor = ident(if type_name == "Visitor" { "StructVisitor" } else { "Visitor" });
    let expecting = format!("struct {type_name}");
    let slots: Vec<_> = (0..s.fields.len()).map(|i| quote::format_ident!("field_{i}")).collect();
    let wires = s.fields.iter().map(|f| f.wire_name.as_str());
    let arms = s.fields.iter().zip(&slots).enumerate().map(|(i, (f, slot))| {
        let (index, wire) = (Literal::usize_unsuffixed(i), &f.wire_name);
        quote!(rt::Key::Field(#index) => rt::next(&mut map, &mut #slot, #wire)?,)
    });
    let values = s.fields.iter().zip(&slots).map(|(f, slot)| {
        let (field, wire) = (ident(&f.name), &f.wire_name);
        if !f.required || f.ty.nullable {
            quote!(#field: #slot.flatten(),)
        } else {
            quote!(#field: rt::required(#slot, #wire)?,)
        }
    });
    let additional = additional_field(s);
    let keep = additional.is_some();
    let (extra_slot, extra_arm, extra_value) = match &additional {
        Some((field, _)) => {
            let field = ident(field);
            (
                Some(quote!(let mut additional = ::std::collections::BTreeMap::new();)),
                Some(quote!(rt::Key::Other(key) => {
                    additional.insert(key.into_owned(), map.next_value()?);
                })),
                Some(quote!(#field: additional,)),
            )
        }
        None => (None, None, None),
    };
    let read = if s.fields.is_empty() && !keep {
        quote! {
            while map.next_key_seed(KEYS)?.is_some() {
                rt::skip(&mut map)?;
            }
        }
    } else {
        quote! {
            while let ::std::option::Option::Some(key) = map.next_key_seed(KEYS)? {
                match key {
                    #(#arms)*
                    #extra_arm
                    _ => rt::skip(&mut map)?,
                }
            }
        }
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                const KEYS: rt::Keys = rt::Keys { fields: &[#(#wires),*], keep: #keep };
                struct #visitor;
                impl<'de> ::serde::de::Visitor<'de> for #visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#name, A::Error> {
                        #(let mut #slots = ::std::option::Option::None;)*
                        #extra_slot
                        #read
                        ::std::result::Result::Ok(#name { #(#values)* #extra_value })
                    }
                }
                deserializer.deserialize_struct(#type_name, KEYS.fields, #visitor)
            }
        }
    }
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
    let paragraphs = struct_text::field_docs(f);
    let docs = doc_lines(paragraphs.iter().map(String::as_str));
    quote! {
        #docs
        pub #name: #ty,
    }
}

fn string_enum(type_name: &str, e: &StringEnum, docs: TokenStream) -> TokenStream {
    let name = ident(type_name);
    let count = proc_macro2::Literal::usize_unsuffixed(e.variants.len());
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let default = (e.default.as_deref() == Some(v.wire_name.as_str())).then(|| quote!(#[default]));
        quote!(#default #variant,)
    });
    let all = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote!(Self::#variant)
    });
    let wire = e.variants.iter().map(|v| &v.wire_name);
    let derive_default = e.default.is_some().then(|| quote!(Default,));
    let unknown = ident(UNKNOWN_ENUM_VALUE);
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, #derive_default)]
        pub enum #name { #(#variants)* }

        impl #name {
            /// Every value, in the order the spec lists them.
            pub const ALL: [Self; #count] = [#(#all),*];

            /// The wire strings, in the order of [`Self::ALL`].
            const WIRE: &'static [&'static str] = &[#(#wire),*];

            /// The value as it appears on the wire.
            pub fn as_str(self) -> &'static str {
                Self::WIRE[self as usize]
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
                rt::parse_enum(#type_name, value, &Self::ALL, Self::WIRE)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                rt::deserialize_enum(deserializer, &Self::ALL, Self::WIRE)
            }
        }
    }
}

/// A JSON scalar as a Rust literal expression (`1`, `-1`, `1.5`, `true`, `"x"`).
fn json_literal(value: &Value) -> TokenStream {
    match value {
        Value::Bool(b) => quote!(#b),
        Value::String(s) => quote!(#s),
        Value::Number(n) => {
            if let Some(i) = n.as_u64() {
                let lit = Literal::u64_unsuffixed(i);
                quote!(#lit)
            } else if let Some(i) = n.as_i64() {
                let lit = Literal::u64_unsuffixed(i.unsigned_abs());
                quote!(-#lit)
            } else {
                let f = n.as_f64().unwrap_or_default();
                let lit = Literal::f64_unsuffixed(f.abs());
                if f < 0.0 { quote!(-#lit) } else { quote!(#lit) }
            }
        }
        Value::Null => quote!(null),
        Value::Array(items) => {
            let items = items.iter().map(json_literal);
            quote!([#(#items),*])
        }
        Value::Object(members) => {
            let members = members.iter().map(|(k, v)| {
                let v = json_literal(v);
                quote!(#k: #v)
            });
            quote!({#(#members),*})
        }
    }
}

/// An enum of integers, numbers, booleans or mixed JSON scalars: closed,
/// (de)serialized as the exact JSON values.
fn value_enum(type_name: &str, e: &ValueEnum, docs: TokenStream) -> TokenStream {
    let name = ident(type_name);
    let count = Literal::usize_unsuffixed(e.variants.len());
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let default = (e.default.as_ref() == Some(&v.value)).then(|| quote!(#[default]));
        let wire = format!(" `{}` on the wire.", v.value);
        quote!(#[doc = #wire] #default #variant,)
    });
    let all = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote!(Self::#variant)
    });
    let to_json = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let lit = json_literal(&v.value);
        quote!(Self::#variant => ::serde_json::json!(#lit),)
    });
    let from_json = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let lit = json_literal(&v.value);
        quote!(if value == ::serde_json::json!(#lit) { return ::std::result::Result::Ok(Self::#variant); })
    });
    let expected = e.variants.iter().map(|v| v.value.to_string()).collect::<Vec<_>>().join(", ");
    // Objects in the list: their braces are text, not format arguments.
    let expected = expected.replace('{', "{{").replace('}', "}}");
    let message = format!("`{{value}}` is not a valid {type_name}; expected one of: {expected}");
    let derive_default = e.default.is_some().then(|| quote!(Default,));
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, #derive_default)]
        pub enum #name { #(#variants)* }

        impl #name {
            /// Every value, in the order the spec lists them.
            pub const ALL: [Self; #count] = [#(#all),*];

            /// The value as it appears on the wire.
            pub fn to_json(self) -> ::serde_json::Value {
                match self { #(#to_json)* }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.to_json() {
                    ::serde_json::Value::String(s) => f.write_str(&s),
                    other => write!(f, "{other}"),
                }
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(&self.to_json(), serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #(#from_json)*
                ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom(format_args!(#message)))
            }
        }
    }
}

/// `oneOf`/`anyOf`: an untagged enum, or, with a discriminator, an enum that
/// dispatches on the property and keeps it on the wire.
fn union(type_name: &str, u: &Union, docs: TokenStream, derive_eq: Option<TokenStream>) -> TokenStream {
    let name = ident(type_name);
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let mut ty = rust_type(&v.ty, &quote!());
        if v.boxed {
            ty = quote!(::std::boxed::Box<#ty>);
        }
        quote!(#variant(#ty),)
    });
    let Some(d) = &u.discriminator else {
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, #derive_eq ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name { #(#variants)* }
        };
    };
    let property = &d.property;
    let tags: Vec<&str> = (0..u.variants.len())
        .map(|i| d.mapping.iter().find(|(_, index)| *index == i).map_or("", |(value, _)| value.as_str()))
        .collect();
    let to_value = u.variants.iter().zip(&tags).map(|(v, tag)| {
        let variant = ident(&v.name);
        quote!(Self::#variant(value) => (#tag, ::serde_json::to_value(value)),)
    });
    let wrap = |v: &crate::ir::UnionVariant| {
        let variant = ident(&v.name);
        if v.boxed { quote!(|v| Self::#variant(::std::boxed::Box::new(v))) } else { quote!(Self::#variant) }
    };
    let from_value = u.variants.iter().enumerate().map(|(i, v)| {
        let values = d.mapping.iter().filter(|(_, index)| *index == i).map(|(value, _)| value);
        let wrap = wrap(v);
        quote! {
            #(#values)|* => ::serde_json::from_value(value).map(#wrap),
        }
    });
    let expected = d.mapping.iter().map(|(value, _)| value.as_str()).collect::<Vec<_>>().join(", ");
    let unknown = format!("unknown `{property}` value `{{other}}` for {type_name}; expected one of: {expected}");
    let otherwise = match d.fallback.and_then(|i| u.variants.get(i)) {
        // A value of a schema the spec does not list decodes as the base.
        Some(v) => {
            let wrap = wrap(v);
            quote!(_ => ::serde_json::from_value(value).map(#wrap),)
        }
        None => quote! {
            other => return ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom(format_args!(#unknown))),
        },
    };
    let missing = format!("{type_name}: no string property `{property}` to tell which schema the value is");
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_eq)]
        pub enum #name { #(#variants)* }

        impl #name {
            /// The property whose value selects the variant (`discriminator`).
            pub const DISCRIMINATOR: &'static str = #property;
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let (tag, value) = match self { #(#to_value)* };
                let mut value = value.map_err(<S::Error as ::serde::ser::Error>::custom)?;
                // The variant's own property is kept as it is; it is added
                // only when the variant's schema does not declare it.
                if let ::serde_json::Value::Object(map) = &mut value {
                    map.entry(Self::DISCRIMINATOR).or_insert_with(|| ::serde_json::Value::String(tag.to_owned()));
                }
                ::serde::Serialize::serialize(&value, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = match value.get(Self::DISCRIMINATOR) {
                    ::std::option::Option::Some(::serde_json::Value::String(tag)) => tag.clone(),
                    _ => return ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom(#missing)),
                };
                let decoded = match tag.as_str() {
                    #(#from_value)*
                    #otherwise
                };
                decoded.map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
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
        let named = Type::new(Shape::Named(name.to_owned()));
        let has_float = reaches(&named, &|name| self.types.get(name).copied(), &|at| {
            matches!(at, Reached::Shape(Shape::Primitive(Primitive::Float | Primitive::Double)))
        });
        !has_float
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A string enum's text is what `prettyplease` prints for its tokens,
    /// at every length of its name, variants and wire strings.
    #[test]
    fn string_enum_text_is_the_printed_tokens() {
        let (mut texts, mut total) = (0, 0);
        for len in 1..=100 {
            let name = format!("E{}", "n".repeat(len));
            for (count, variant_len) in [(1, len), (2, len / 2 + 1), (5, len / 5 + 1), (12, 3)] {
                let variants = (0..count)
                    .map(|i| crate::ir::EnumVariant {
                        name: format!("V{i}{}", "v".repeat(variant_len)),
                        wire_name: format!("w{i}{}", "w".repeat(variant_len)),
                    })
                    .collect::<Vec<_>>();
                let default = (count > 1).then(|| variants[1].wire_name.clone());
                let e = StringEnum { variants, default };
                let docs = ["An enum.".to_owned()];
                total += 1;
                let Some(items) =
                    enum_text::string_enum(&name, &super::super::doc_text(docs.iter().map(String::as_str)), &e)
                else {
                    continue;
                };
                texts += 1;
                let mut quoted = FileText::new("");
                let tokens = string_enum(&name, &e, doc_lines(docs.iter().map(String::as_str)));
                quoted.tokens(tokens, &Pointer::root()).expect("tokens parse");
                let mut written = FileText::new("");
                items.iter().for_each(|item| written.text(item));
                assert_eq!(written.finish(), quoted.finish(), "{name} {count}");
            }
        }
        assert!(texts * 10 > total * 8, "{texts} of {total} enums as text");
    }

    /// The alias text is what `prettyplease` prints for its tokens, at every
    /// name length.
    #[test]
    fn same_as_text_is_the_printed_tokens() {
        for len in [1, 40, 80, 120] {
            let name = format!("A{}", "b".repeat(len));
            let canonical = format!("C{}", "d".repeat(len));
            let def = TypeDef {
                name: name.clone(),
                pointer: Pointer::root(),
                docs: Some("An alias.\n\nTwo paragraphs.".to_owned()),
                kind: TypeKind::Alias(Type::new(Shape::Named(canonical.clone()))),
                constraints: Default::default(),
                nullable: false,
                deprecated: len > 50,
            };
            let (name, target) = (ident(&name), ident(&canonical));
            let docs = doc_lines(same_as_docs(&def, &canonical).iter().map(String::as_str));
            let mut quoted = FileText::new("");
            quoted.tokens(quote! { #docs pub type #name = #target; }, &Pointer::root()).expect("tokens parse");
            let mut written = FileText::new("");
            written.text(&same_as(&def, &canonical));
            assert_eq!(written.finish(), quoted.finish());
        }
    }
}
