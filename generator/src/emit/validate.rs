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
use quote::quote;

use super::ident;
use super::stmt_text::{Code, tokens};
use super::text::{Lines, lit};
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
    let models = models.to_string().replace(' ', "");
    tokens(&check_codes(api, ty, &value.to_string(), &path.to_string(), &models))
}

/// [`checks`] as pieces of text that lay themselves out at any depth
/// ([`Code`]; [`checks`] lexes them): `{ let value = ..; let path: &str =
/// ..; .. }`, with `value`, `path` and `models` as they read in Rust
/// (`given`, `"limit"`, `crate::models::`).
pub fn check_codes(api: &Api, ty: &Type, value: &str, path: &str, models: &str) -> Vec<Code> {
    let body = Checks { api, models, checked: None }.of(ty, &ty.constraints, "value", "path", 0);
    if body.is_empty() {
        return body;
    }
    let bind = [Code::Fixed(format!("let value = {value};")), Code::Fixed(format!("let path: &str = {path};"))];
    vec![Code::Block("{".to_owned(), bind.into_iter().chain(body).collect())]
}

struct Checks<'a> {
    api: &'a Api,
    /// The models' path prefix, as text (`crate::models::`, or empty).
    models: &'a str,
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
    fn of(&self, ty: &Type, constraints: &Constraints, v: &str, path: &str, depth: usize) -> Vec<Code> {
        if !ty.nullable {
            return self.shape(&ty.shape, constraints, v, path, depth);
        }
        let inner = format!("value_{depth}");
        let body = self.shape(&ty.shape, constraints, &inner, path, depth);
        if body.is_empty() {
            return body;
        }
        let head = format!("if let ::std::option::Option::Some({inner}) = ::std::option::Option::as_ref({v}) {{");
        vec![Code::Block(head, body)]
    }

    fn shape(&self, shape: &Shape, c: &Constraints, v: &str, path: &str, depth: usize) -> Vec<Code> {
        let m = self.models;
        let call = |function: &str, args: Vec<String>| Code::Call(format!("{m}validation::{function}"), args, ";");
        let with = |value: String, bound: String, rest: &[&str]| {
            let mut args = vec![value, bound];
            args.extend(rest.iter().map(|&a| a.to_owned()));
            args.push(path.to_owned());
            args.push("out".to_owned());
            args
        };
        let mut out = Vec::new();
        match shape {
            Shape::Primitive(Primitive::String | Primitive::Bytes(_)) => {
                if let Some(n) = c.min_length.filter(|&n| n > 0) {
                    out.push(call("min_length", with(v.to_owned(), u64_lit(n), &[])));
                }
                if let Some(n) = c.max_length {
                    out.push(call("max_length", with(v.to_owned(), u64_lit(n), &[])));
                }
            }
            Shape::Primitive(p @ (Primitive::Int32 | Primitive::Int64)) => {
                let as_i64 = if *p == Primitive::Int32 { format!("i64::from(*{v})") } else { format!("*{v}") };
                if let Some(b) = c.minimum {
                    let bound = Literal::i64_unsuffixed(b.value.ceil() as i64).to_string();
                    out.push(call("minimum_int", with(as_i64.clone(), bound, &[bool_lit(b.exclusive)])));
                }
                if let Some(b) = c.maximum {
                    let bound = Literal::i64_unsuffixed(b.value.floor() as i64).to_string();
                    out.push(call("maximum_int", with(as_i64.clone(), bound, &[bool_lit(b.exclusive)])));
                }
                if let Some(f) = c.multiple_of {
                    out.push(call("multiple_of", with(format!("{as_i64} as f64"), f64_lit(f), &[])));
                }
            }
            Shape::Primitive(p @ (Primitive::Float | Primitive::Double)) => {
                let as_f64 = if *p == Primitive::Float { format!("f64::from(*{v})") } else { format!("*{v}") };
                if let Some(b) = c.minimum {
                    out.push(call("minimum", with(as_f64.clone(), f64_lit(b.value), &[bool_lit(b.exclusive)])));
                }
                if let Some(b) = c.maximum {
                    out.push(call("maximum", with(as_f64.clone(), f64_lit(b.value), &[bool_lit(b.exclusive)])));
                }
                if let Some(f) = c.multiple_of {
                    out.push(call("multiple_of", with(as_f64.clone(), f64_lit(f), &[])));
                }
            }
            Shape::Primitive(Primitive::Bool | Primitive::Date | Primitive::DateTime) | Shape::Any => {}
            Shape::Array(item) => {
                if let Some(n) = c.min_items.filter(|&n| n > 0) {
                    out.push(call("min_items", with(format!("{v}.len()"), u64_lit(n), &[])));
                }
                if let Some(n) = c.max_items {
                    out.push(call("max_items", with(format!("{v}.len()"), u64_lit(n), &[])));
                }
                // Never hash an array already over `maxItems`.
                match (c.unique_items, c.max_items) {
                    (true, Some(n)) => out.push(call("unique_items_up_to", with(v.to_owned(), u64_lit(n), &[]))),
                    (true, None) => {
                        out.push(call("unique_items", vec![v.to_owned(), path.to_owned(), "out".to_owned()]))
                    }
                    (false, _) => {}
                }
                let (i, item_v, p) = (format!("index_{depth}"), format!("item_{depth}"), format!("path_{depth}"));
                let each = self.of(item, &item.constraints, &item_v, &p, depth + 1);
                if !each.is_empty() {
                    let at = Code::Line(format!("let {p}: &str = &{m}validation::index({path}, {i});"));
                    let head = format!("for ({i}, {item_v}) in {v}.iter().enumerate() {{");
                    out.push(Code::Block(head, std::iter::once(at).chain(each).collect()));
                }
            }
            Shape::Map(value) => out.extend(self.map(value, c, v, path, depth)),
            Shape::Named(name) => match self.api.type_def(name).map(|d| (&d.kind, &d.constraints)) {
                Some((TypeKind::Struct(_) | TypeKind::Union(_), _)) => {
                    if self.checked.is_none_or(|checked| checked.contains(name)) {
                        let args = vec![v.to_owned(), path.to_owned(), "out".to_owned()];
                        out.push(call("Validate::validate_at", args));
                    }
                }
                Some((TypeKind::Map(value), defined)) => out.extend(self.map(value, defined, v, path, depth)),
                Some((TypeKind::Alias(target), defined)) => {
                    out.extend(self.shape(&target.shape, defined, v, path, depth));
                }
                Some((TypeKind::Enum(_) | TypeKind::ValueEnum(_), _)) | None => {}
            },
        }
        out
    }

    fn map(&self, value: &Type, c: &Constraints, v: &str, path: &str, depth: usize) -> Vec<Code> {
        let m = self.models;
        let call = |function: &str, n: u64| {
            let args = vec![format!("{v}.len()"), u64_lit(n), path.to_owned(), "out".to_owned()];
            Code::Call(format!("{m}validation::{function}"), args, ";")
        };
        let mut out = Vec::new();
        if let Some(n) = c.min_properties.filter(|&n| n > 0) {
            out.push(call("min_properties", n));
        }
        if let Some(n) = c.max_properties {
            out.push(call("max_properties", n));
        }
        let (k, item_v, p) = (format!("key_{depth}"), format!("item_{depth}"), format!("path_{depth}"));
        let each = self.of(value, &value.constraints, &item_v, &p, depth + 1);
        if !each.is_empty() {
            let at = Code::Line(format!("let {p}: &str = &{m}validation::key({path}, {k});"));
            out.push(Code::Block(format!("for ({k}, {item_v}) in {v} {{"), std::iter::once(at).chain(each).collect()));
        }
        out
    }
}

fn u64_lit(n: u64) -> String {
    Literal::u64_unsuffixed(n).to_string()
}

fn f64_lit(f: f64) -> String {
    Literal::f64_unsuffixed(f).to_string()
}

fn bool_lit(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// The checks of a struct's fields (and of its additional properties), in
/// `validate_at`'s body.
fn struct_checks(api: &Api, checked: &BTreeSet<String>, s: &Struct) -> Vec<Code> {
    let checks = Checks { api, models: "", checked: Some(checked) };
    let mut body: Vec<Code> = s.fields.iter().filter_map(|f| field_checks(&checks, f)).collect();
    if let Additional::Typed(value) = &s.additional_properties {
        let mut field = "additional_properties".to_owned();
        while s.fields.iter().any(|f| f.name == field) {
            field.push('_');
        }
        let field = ident(&field);
        // (`path` is the struct's own: extra keys sit beside the declared fields.)
        body.extend(checks.map(value, &Constraints::default(), &format!("&self.{field}"), "path", 0));
    }
    body
}

/// The head of `validate_at`, and of its parameters' names (`_path` and
/// `_out` when the body is empty).
fn validate_at(used: bool) -> &'static str {
    if used {
        "fn validate_at(&self, path: &str, out: &mut ::std::vec::Vec<validation::Violation>)"
    } else {
        "fn validate_at(&self, _path: &str, _out: &mut ::std::vec::Vec<validation::Violation>)"
    }
}

/// `impl Validate` for a struct of the models file.
pub fn validate_impl(api: &Api, checked: &BTreeSet<String>, name: &str, s: &Struct) -> TokenStream {
    let body = struct_checks(api, checked, s);
    let signature: TokenStream = validate_at(!body.is_empty()).parse().unwrap_or_default();
    let body = tokens(&body);
    let name = ident(name);
    quote! {
        impl validation::Validate for #name {
            #signature {
                #body
            }
        }
    }
}

/// [`validate_impl`] as text, as `prettyplease` prints it; `None` where a
/// line may not be laid out as modelled here (the caller quotes it then).
pub fn validate_impl_text(api: &Api, checked: &BTreeSet<String>, name: &str, s: &Struct) -> Option<String> {
    let body = struct_checks(api, checked, s);
    let mut lines = Lines::new();
    super::text::impl_header(&mut lines, "impl validation::Validate", &ident(name).to_string());
    // `prettyplease` prints the signature with `path` on one line, and
    // breaks the one with `_path` (two bytes longer).
    if body.is_empty() {
        for (indent, line) in [
            (4, "fn validate_at("),
            (8, "&self,"),
            (8, "_path: &str,"),
            (8, "_out: &mut ::std::vec::Vec<validation::Violation>,"),
            (4, ") {}"),
        ] {
            lines.raw(indent, line);
        }
    } else {
        lines.raw(4, &format!("{} {{", validate_at(true)));
    }
    let mut text = lines.finish()?;
    if !body.is_empty() {
        for code in &body {
            code.write(&mut text, 8)?;
        }
        text.push_str("    }\n");
    }
    text.push_str("}\n");
    Some(text)
}

/// `impl Validate` for a union: the checks of whichever variant the value is,
/// reported under the union's own path.
pub fn union_validate_impl(api: &Api, checked: &BTreeSet<String>, name: &str, u: &Union) -> TokenStream {
    let checks = Checks { api, models: "", checked: Some(checked) };
    let arms: Vec<(Ident, bool, Vec<Code>)> = u
        .variants
        .iter()
        .map(|v| (ident(&v.name), v.boxed, checks.of(&v.ty, &v.ty.constraints, "value", "path", 0)))
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
        let body = tokens(&body);
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

fn field_checks(checks: &Checks<'_>, f: &Field) -> Option<Code> {
    let field = ident(&f.name);
    let inner = Type { nullable: false, ..f.ty.clone() };
    let body = checks.of(&inner, &inner.constraints, "value", "path", 0);
    if body.is_empty() {
        return None;
    }
    let at = Code::Line(format!("let path: &str = &validation::field(path, {});", lit(&f.wire_name)));
    let optional = !f.required || f.ty.nullable;
    let (head, bind) = match (optional, f.boxed) {
        (true, true) => (format!("if let ::std::option::Option::Some(value) = self.{field}.as_deref() {{"), None),
        (true, false) => (format!("if let ::std::option::Option::Some(value) = &self.{field} {{"), None),
        (false, true) => ("{".to_owned(), Some(format!("let value = &*self.{field};"))),
        (false, false) => ("{".to_owned(), Some(format!("let value = &self.{field};"))),
    };
    let bind = bind.map(Code::Line);
    Some(Code::Block(head, bind.into_iter().chain([at]).chain(body).collect()))
}

#[cfg(test)]
mod tests {
    use super::super::FileText;
    use super::*;
    use crate::pointer::Pointer;

    /// A spec whose one struct has fields of every kind of constraint, with
    /// names and wire names `len` bytes long.
    fn spec(len: usize) -> String {
        let long = "x".repeat(len);
        let string = serde_json::json!({"type": "string", "minLength": 1, "maxLength": 10});
        let int =
            serde_json::json!({"type": "integer", "format": "int32", "minimum": -5, "maximum": 1000, "multipleOf": 5});
        let big = serde_json::json!({"type": "integer", "format": "int64", "exclusiveMinimum": true, "minimum": 0});
        let float = serde_json::json!({"type": "number", "format": "float", "minimum": 0.5, "maximum": 2.0});
        let double =
            serde_json::json!({"type": "number", "multipleOf": 0.25, "exclusiveMaximum": true, "maximum": 1e3});
        let array = serde_json::json!({
            "type": "array", "minItems": 1, "maxItems": 5, "uniqueItems": true,
            "items": {"type": "array", "uniqueItems": true, "items": string},
        });
        let map = serde_json::json!({
            "type": "object", "minProperties": 1, "maxProperties": 9,
            "additionalProperties": {"type": "array", "maxItems": 3, "items": int},
        });
        let properties = serde_json::json!({
            format!("s_{long}"): string,
            format!("i_{long}"): int,
            "b": big,
            "f": float,
            format!("d{long}"): double,
            "a": array,
            format!("m{long}"): map,
            "n": {"allOf": [string], "nullable": true},
            "inner": {"$ref": format!("#/components/schemas/I{long}")},
            "self": {"$ref": format!("#/components/schemas/T{long}")},
            "alias": {"$ref": "#/components/schemas/Alias"},
        });
        serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {
                format!("T{long}"): {
                    "type": "object",
                    "required": [format!("s_{long}"), "a", "inner", format!("i_{long}")],
                    "properties": properties,
                    "additionalProperties": {"type": "string", "maxLength": 4},
                },
                format!("I{long}"): {"type": "object", "properties": {"v": string}},
                "E": {"type": "object", "properties": {"v": {"type": "boolean"}}},
                "Alias": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
            }},
        })
        .to_string()
    }

    /// For names of every length around `prettyplease`'s margin: the text
    /// of each struct's `impl Validate` is the printed tokens, or is not
    /// written.
    #[test]
    fn text_is_what_prettyplease_prints_at_every_width() {
        let (mut texts, mut total) = (0, 0);
        for len in 1..=110 {
            let api = crate::lower::lower(&crate::parse::parse(&spec(len)).expect("parse")).expect("lower");
            let checked = checked_types(&api);
            for def in &api.types {
                let TypeKind::Struct(s) = &def.kind else { continue };
                total += 1;
                let Some(text) = validate_impl_text(&api, &checked, &def.name, s) else { continue };
                texts += 1;
                let mut quoted = FileText::new("");
                quoted.tokens(validate_impl(&api, &checked, &def.name, s), &Pointer::root()).expect("tokens parse");
                let mut written = FileText::new("");
                written.text(&text);
                assert_eq!(written.finish(), quoted.finish(), "{} at {len}", def.name);
            }
        }
        assert!(texts * 10 > total * 9, "{texts} of {total} impls as text");
    }
}
