//! A struct's definition, `Serialize` and `Deserialize` written as text
//! ([`super::text`]): the same items [`super::models`] quotes, byte for
//! byte, or `None` where a name or type is too long for the layout written
//! here (the caller then quotes the item).

use super::text::{Fit, Lines, call, choose, impl_header, lit, signature};
use crate::ir::{Additional, Field, Primitive, Shape, Struct, Type};

/// The Rust type of a use of a type, as `prettyplease` prints
/// [`super::rust_type`]'s tokens inside the models module.
pub fn type_text(ty: &Type, out: &mut String) {
    type_text_in(ty, "", out)
}

/// [`type_text`] with named types behind `models` (`crate::models::`).
pub fn type_text_in(ty: &Type, models: &str, out: &mut String) {
    if ty.nullable {
        out.push_str("::std::option::Option<");
        shape_text_in(&ty.shape, models, out);
        out.push('>');
    } else {
        shape_text_in(&ty.shape, models, out);
    }
}

fn shape_text(shape: &Shape, out: &mut String) {
    shape_text_in(shape, "", out)
}

fn shape_text_in(shape: &Shape, models: &str, out: &mut String) {
    match shape {
        Shape::Primitive(p) => out.push_str(match p {
            Primitive::String | Primitive::Bytes(_) => "::std::string::String",
            Primitive::DateTime => "::chrono::DateTime<::chrono::Utc>",
            Primitive::Date => "::chrono::NaiveDate",
            Primitive::Int32 => "i32",
            Primitive::Int64 => "i64",
            Primitive::Float => "f32",
            Primitive::Double => "f64",
            Primitive::Bool => "bool",
        }),
        Shape::Array(item) => {
            out.push_str("::std::vec::Vec<");
            type_text_in(item, models, out);
            out.push('>');
        }
        Shape::Map(value) => {
            out.push_str("::std::collections::BTreeMap<::std::string::String, ");
            type_text_in(value, models, out);
            out.push('>');
        }
        Shape::Named(name) => {
            out.push_str(models);
            out.push_str(name);
        }
        Shape::Any => out.push_str("::serde_json::Value"),
    }
}

/// The struct's definition: docs, derives, fields.
pub fn definition(name: &str, docs: &[String], derive_eq: bool, s: &Struct, extra: Option<&str>) -> Option<String> {
    let mut lines = Lines::new();
    lines.docs(0, docs);
    lines.raw(
        0,
        if derive_eq { "#[derive(Debug, Clone, PartialEq, Eq)]" } else { "#[derive(Debug, Clone, PartialEq)]" },
    );
    if s.fields.is_empty() && extra.is_none() {
        lines.line(0, &format!("pub struct {name} {{}}"));
        return lines.finish();
    }
    lines.raw(0, &format!("pub struct {name} {{"));
    for f in &s.fields {
        lines.docs(4, &super::doc_text(field_docs(f).iter().map(String::as_str)));
        field_line(&mut lines, &f.name, field_type(f));
    }
    if let (Some(field), Additional::Typed(value)) = (extra, &s.additional_properties) {
        lines.raw(4, "/// Properties beyond the declared ones (`additionalProperties`).");
        let mut text = String::new();
        type_text(value, &mut text);
        field_line(
            &mut lines,
            field,
            Generic::Args("::std::collections::BTreeMap", vec!["::std::string::String".to_owned(), text]),
        );
    }
    lines.raw(0, "}");
    lines.finish()
}

/// A type as its outermost generic and that generic's arguments (where
/// `prettyplease` breaks a type too long for its line), or as text.
enum Generic {
    Args(&'static str, Vec<String>),
    Plain(String),
}

impl Generic {
    fn text(&self) -> String {
        match self {
            Generic::Args(head, args) => format!("{head}<{}>", args.join(", ")),
            Generic::Plain(text) => text.clone(),
        }
    }
}

/// `pub name: Type,` on one line, or the type's arguments a line each.
fn field_line(lines: &mut Lines, name: &str, ty: Generic) {
    let flat = format!("pub {name}: {}", ty.text());
    match (choose(4, flat.len() + 1), &ty) {
        (Fit::Broken, Generic::Args(head, args)) => {
            lines.line(4, &format!("pub {name}: {head}<"));
            for arg in args {
                lines.line(8, &format!("{arg},"));
            }
            lines.raw(4, ">,");
        }
        (Fit::Flat, _) => lines.raw(4, &format!("{flat},")),
        // A name or a path: nothing to break.
        (Fit::Broken, Generic::Plain(_)) => lines.raw(4, &format!("{flat},")),
    }
}

/// A field's type: `Option` when optional or nullable, `Box` when boxed.
fn field_type(f: &Field) -> Generic {
    let optional = !f.required || f.ty.nullable;
    let mut shape = String::new();
    if f.boxed || optional {
        shape_text(&f.ty.shape, &mut shape);
    }
    match (optional, f.boxed) {
        (true, true) => Generic::Args("::std::option::Option", vec![format!("::std::boxed::Box<{shape}>")]),
        (true, false) => Generic::Args("::std::option::Option", vec![shape]),
        (false, true) => Generic::Args("::std::boxed::Box", vec![shape]),
        (false, false) => match &f.ty.shape {
            Shape::Array(item) => {
                let mut text = String::new();
                type_text(item, &mut text);
                Generic::Args("::std::vec::Vec", vec![text])
            }
            Shape::Map(value) => {
                let mut text = String::new();
                type_text(value, &mut text);
                Generic::Args("::std::collections::BTreeMap", vec!["::std::string::String".to_owned(), text])
            }
            shape => {
                let mut text = String::new();
                shape_text(shape, &mut text);
                Generic::Plain(text)
            }
        },
    }
}

/// A field's doc paragraphs: its description, constraints, default and
/// access (shared with the quoted definition).
pub fn field_docs(f: &Field) -> Vec<String> {
    let mut paragraphs: Vec<String> = f.docs.iter().cloned().collect();
    paragraphs.extend(super::describe_constraints(&f.ty.constraints));
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
    paragraphs
}

/// The struct's `Serialize` (see `struct_serialize` in [`super::models`]).
pub fn serialize(name: &str, s: &Struct, extra: Option<&str>) -> Option<String> {
    let mut lines = Lines::new();
    impl_header(&mut lines, "impl ::serde::Serialize", name);
    signature(&mut lines, 4, "fn serialize<S: ::serde::Serializer>", &["&self", "serializer: S"]);
    lines.raw(4, ") -> ::std::result::Result<S::Ok, S::Error> {");
    lines.raw(8, "use ::serde::ser::SerializeMap as _;");
    let map = if s.fields.is_empty() && extra.is_none() { "map" } else { "mut map" };
    lines.raw(8, &format!("let {map} = serializer.serialize_map(::std::option::Option::None)?;"));
    for f in &s.fields {
        let wire = lit(&f.wire_name);
        if f.required {
            call(&mut lines, 8, "map.serialize_entry", &[&wire, &format!("&self.{}", f.name)], "?;");
        } else {
            if_some(&mut lines, &f.name);
            call(&mut lines, 12, "map.serialize_entry", &[&wire, "value"], "?;");
            lines.raw(8, "}");
        }
    }
    if let Some(field) = extra {
        lines.line(8, &format!("for (key, value) in &self.{field} {{"));
        lines.raw(12, "map.serialize_entry(key, value)?;");
        lines.raw(8, "}");
    }
    lines.raw(8, "map.end()");
    lines.raw(4, "}");
    lines.raw(0, "}");
    lines.finish()
}

/// `if let Some(value) = &self.field {` at 8 spaces: on one line, else the
/// brace on the next line, else the field too.
fn if_some(lines: &mut Lines, field: &str) {
    const HEAD: &str = "if let ::std::option::Option::Some(value) = &self";
    let condition = HEAD.len() + 1 + field.len();
    if Lines::fits(8, condition + 2) {
        lines.raw(8, &format!("{HEAD}.{field} {{"));
        return;
    }
    if Lines::fits(8, condition) {
        lines.raw(8, &format!("{HEAD}.{field}"));
    } else {
        lines.raw(8, HEAD);
        lines.raw(12, &format!(".{field}"));
    }
    lines.raw(8, "{");
}

/// The struct's `Deserialize` (see `struct_deserialize` in [`super::models`]).
pub fn deserialize(name: &str, s: &Struct, extra: Option<&str>) -> Option<String> {
    let visitor = if name == "Visitor" { "StructVisitor" } else { "Visitor" };
    let keep = extra.is_some();
    let mut lines = Lines::new();
    impl_header(&mut lines, "impl<'de> ::serde::Deserialize<'de>", name);
    signature(&mut lines, 4, "fn deserialize<D: ::serde::Deserializer<'de>>", &["deserializer: D"]);
    lines.raw(4, ") -> ::std::result::Result<Self, D::Error> {");
    lines.raw(8, "const KEYS: rt::Keys = rt::Keys {");
    keys(&mut lines, s);
    lines.raw(12, &format!("keep: {keep},"));
    lines.raw(8, "};");
    lines.raw(8, &format!("struct {visitor};"));
    lines.raw(8, &format!("impl<'de> ::serde::de::Visitor<'de> for {visitor} {{"));
    lines.raw(12, &format!("type Value = {name};"));
    signature(&mut lines, 12, "fn expecting", &["&self", "f: &mut ::std::fmt::Formatter<'_>"]);
    lines.raw(12, ") -> ::std::fmt::Result {");
    call(&mut lines, 16, "f.write_str", &[&lit(&format!("struct {name}"))], "");
    lines.raw(12, "}");
    signature(&mut lines, 12, "fn visit_map<A: ::serde::de::MapAccess<'de>>", &["self", "mut map: A"]);
    let flat = format!(") -> ::std::result::Result<{name}, A::Error>");
    match choose(12, flat.len() + 2) {
        Fit::Flat => lines.raw(12, &format!("{flat} {{")),
        Fit::Broken => {
            lines.raw(12, ") -> ::std::result::Result<");
            lines.line(16, &format!("{name},"));
            lines.raw(16, "A::Error,");
            lines.raw(12, "> {");
        }
    }
    for i in 0..s.fields.len() {
        lines.raw(16, &format!("let mut field_{i} = ::std::option::Option::None;"));
    }
    if keep {
        lines.raw(16, "let mut additional = ::std::collections::BTreeMap::new();");
    }
    if s.fields.is_empty() && !keep {
        lines.raw(16, "while map.next_key_seed(KEYS)?.is_some() {");
        lines.raw(20, "rt::skip(&mut map)?;");
        lines.raw(16, "}");
    } else {
        lines.raw(16, "while let ::std::option::Option::Some(key) = map.next_key_seed(KEYS)? {");
        lines.raw(20, "match key {");
        for (i, f) in s.fields.iter().enumerate() {
            arm(&mut lines, i, &f.wire_name);
        }
        if keep {
            lines.raw(24, "rt::Key::Other(key) => {");
            lines.raw(28, "additional.insert(key.into_owned(), map.next_value()?);");
            lines.raw(24, "}");
        }
        lines.raw(24, "_ => rt::skip(&mut map)?,");
        lines.raw(20, "}");
        lines.raw(16, "}");
    }
    construct(&mut lines, name, s, extra)?;
    lines.raw(12, "}");
    lines.raw(8, "}");
    let args = [lit(name), "KEYS.fields".to_owned(), visitor.to_owned()];
    let flat = format!("deserializer.deserialize_struct({})", args.join(", "));
    if Lines::fits(8, flat.len()) {
        lines.line(8, &flat);
    } else {
        lines.raw(8, "deserializer");
        call(&mut lines, 12, ".deserialize_struct", &args.each_ref().map(String::as_str), "");
    }
    lines.raw(4, "}");
    lines.raw(0, "}");
    lines.finish()
}

/// `fields: &[..],` of `KEYS`: on one line when it fits, else a string a
/// line.
fn keys(lines: &mut Lines, s: &Struct) {
    let wires: Vec<String> = s.fields.iter().map(|f| lit(&f.wire_name)).collect();
    let flat = format!("fields: &[{}]", wires.join(", "));
    // Unlike the other constructs here, the array counts the comma after it.
    if Lines::fits(12, flat.len() + 1) {
        lines.raw(12, &format!("{flat},"));
        return;
    }
    lines.raw(12, "fields: &[");
    for wire in &wires {
        lines.raw(16, &format!("{wire},"));
    }
    lines.raw(12, "],");
}

/// One match arm that reads field `i`: on one line when it fits, else its
/// body in a block.
fn arm(lines: &mut Lines, i: usize, wire: &str) {
    let (wire, slot) = (lit(wire), format!("&mut field_{i}"));
    let flat = format!("rt::Key::Field({i}) => rt::next(&mut map, {slot}, {wire})?");
    match choose(24, flat.len()) {
        Fit::Flat => lines.raw(24, &format!("{flat},")),
        Fit::Broken => {
            lines.raw(24, &format!("rt::Key::Field({i}) => {{"));
            call(lines, 28, "rt::next", &["&mut map", &slot, &wire], "?");
            lines.raw(24, "}");
        }
    }
}

/// `Ok(Name { .. })`: on one line when `prettyplease` keeps the struct
/// expression flat (it fits and is at most 34 wide), else a field a line.
fn construct(lines: &mut Lines, name: &str, s: &Struct, extra: Option<&str>) -> Option<()> {
    let required = |f: &Field| f.required && !f.ty.nullable;
    let mut values: Vec<String> = s
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if required(f) {
                format!("{}: rt::required(field_{i}, {})?", f.name, lit(&f.wire_name))
            } else {
                format!("{}: field_{i}.flatten()", f.name)
            }
        })
        .collect();
    values.extend(extra.map(|field| format!("{field}: additional")));
    // `prettyplease` breaks a struct expression wider than 34 bytes, even
    // one without fields (`Name {` and `}` on two lines), unless the
    // name is so long that the printer has already given up on the line
    // (the width where it does is not modelled here: those are quoted).
    if values.is_empty() {
        if name.len() > 45 {
            return None;
        } else if name.len() + 3 > 34 {
            lines.raw(16, &format!("::std::result::Result::Ok({name} {{"));
            lines.raw(16, "})");
        } else {
            lines.raw(16, &format!("::std::result::Result::Ok({name} {{}})"));
        }
        return Some(());
    }
    let flat = format!("{name} {{ {} ", values.join(", "));
    if flat.len() <= 34 {
        lines.line(16, &format!("::std::result::Result::Ok({flat}}})"));
        return Some(());
    }
    lines.raw(16, &format!("::std::result::Result::Ok({name} {{"));
    for (i, f) in s.fields.iter().enumerate() {
        if required(f) {
            let slot = format!("field_{i}");
            call(lines, 20, &format!("{}: rt::required", f.name), &[&slot, &lit(&f.wire_name)], "?,");
        } else {
            lines.line(20, &format!("{}: field_{i}.flatten(),", f.name));
        }
    }
    if let Some(field) = extra {
        lines.line(20, &format!("{field}: additional,"));
    }
    lines.raw(16, "})");
    Some(())
}

#[cfg(test)]
mod tests {
    use super::super::models::{additional_field, struct_definition, struct_deserialize, struct_serialize};
    use super::super::{FileText, doc_lines, doc_text};
    use super::*;
    use crate::pointer::Pointer;

    fn field(name: &str, wire: &str, shape: Shape, required: bool, nullable: bool, boxed: bool) -> Field {
        Field {
            name: name.to_owned(),
            wire_name: wire.to_owned(),
            pointer: Pointer::root(),
            docs: Some("A field.".to_owned()),
            ty: Type { nullable, ..Type::new(shape) },
            required,
            default: None,
            boxed,
            read_only: false,
            write_only: false,
            deprecated: false,
        }
    }

    /// The three items of `name` as text and as formatted tokens; counts
    /// the items written as text.
    fn compare(name: &str, s: &Struct, texts: &mut usize, total: &mut usize) {
        let extra = additional_field(s).map(|(field, _)| field);
        let extra = extra.as_deref();
        let docs = ["A struct.".to_owned()];
        let items = [
            (definition(name, &doc_text(docs.iter().map(String::as_str)), true, s, extra), {
                struct_definition(name, doc_lines(docs.iter().map(String::as_str)), true, s)
            }),
            (serialize(name, s, extra), struct_serialize(name, s)),
            (deserialize(name, s, extra), struct_deserialize(name, s)),
        ];
        for (text, tokens) in items {
            *total += 1;
            let Some(text) = text else { continue };
            *texts += 1;
            let mut quoted = FileText::new("");
            quoted.tokens(tokens, &Pointer::root()).expect("tokens parse");
            let mut written = FileText::new("");
            written.text(&text);
            assert_eq!(written.finish(), quoted.finish(), "{name}");
        }
    }

    /// Names and wire strings of every length around `prettyplease`'s
    /// margin: the text is the printed tokens, or is not written.
    #[test]
    fn text_is_what_prettyplease_prints_at_every_width() {
        let (mut texts, mut total) = (0, 0);
        for len in 1..=110 {
            let long = format!("T{}", "x".repeat(len - 1));
            let snake = "f".repeat(len);
            let wire = "w".repeat(len);
            let named = |n: &str| Shape::Named(n.to_owned());
            let array = |n: &str| Shape::Array(Box::new(Type::new(named(n))));
            let map = |n: &str| Shape::Map(Box::new(Type::new(named(n))));
            let structs = [
                (
                    long.clone(),
                    Struct {
                        fields: vec![
                            field("a", "a", named(&long), true, false, false),
                            field("b", "bb", named(&long), false, false, false),
                            field("c", "c", array(&long), true, true, false),
                            field("d", "d", map(&long), true, false, false),
                            field("e", "e", named(&long), true, false, true),
                            field("g", "g", array(&long), false, false, true),
                        ],
                        additional_properties: Additional::Unspecified,
                    },
                ),
                (
                    "Visitor".to_owned(),
                    Struct {
                        fields: vec![
                            field(&snake, &wire, Shape::Primitive(Primitive::String), true, false, false),
                            field(
                                &format!("{snake}_2"),
                                &wire,
                                Shape::Primitive(Primitive::DateTime),
                                false,
                                false,
                                false,
                            ),
                            field("x", &wire, map("Y"), true, false, false),
                            field("y", &wire, array("Y"), false, false, false),
                        ],
                        additional_properties: Additional::Typed(Box::new(Type::new(named(&long)))),
                    },
                ),
                (
                    long[..len.min(20)].to_owned(),
                    Struct {
                        fields: vec![field("r#type", "type", named("A"), true, false, false)],
                        additional_properties: Additional::Unspecified,
                    },
                ),
                (
                    long[..len.min(30)].to_owned(),
                    Struct {
                        fields: vec![field("a", "a", named("A"), false, false, false)],
                        additional_properties: Additional::Unspecified,
                    },
                ),
                (long.clone(), Struct { fields: Vec::new(), additional_properties: Additional::Unspecified }),
                (
                    long.clone(),
                    Struct {
                        fields: Vec::new(),
                        additional_properties: Additional::Typed(Box::new(Type::new(Shape::Any))),
                    },
                ),
            ];
            for (name, s) in &structs {
                compare(name, s, &mut texts, &mut total);
            }
        }
        // Most items are written as text (the rest, with names longer than
        // any line, are quoted).
        assert!(texts * 10 > total * 7, "{texts} of {total} items as text");
    }
}
