//! A string enum's items written as text ([`super::text`]): the same items
//! `string_enum` in [`super::models`] quotes, byte for byte, or `None`
//! where a name is too long for the layout written here (the caller then
//! quotes them).

use super::text::{Lines, call, impl_header, lit, signature};
use crate::ir::StringEnum;
use crate::naming::UNKNOWN_ENUM_VALUE;

/// The enum's items (definition, inherent impl, `Display`, `FromStr`,
/// `Serialize`, `Deserialize`), each one item's text.
pub fn string_enum(name: &str, docs: &[String], e: &StringEnum) -> Option<Vec<String>> {
    if e.variants.is_empty() {
        return None;
    }
    let mut items = Vec::with_capacity(6);

    let mut lines = Lines::new();
    lines.docs(0, docs);
    let default = if e.default.is_some() { ", Default" } else { "" };
    lines.raw(0, &format!("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord{default})]"));
    lines.raw(0, &format!("pub enum {name} {{"));
    for v in &e.variants {
        if e.default.as_deref() == Some(v.wire_name.as_str()) {
            lines.raw(4, "#[default]");
        }
        lines.raw(4, &format!("{},", v.name));
    }
    lines.raw(0, "}");
    items.push(lines.finish()?);

    let mut lines = Lines::new();
    lines.raw(0, &format!("impl {name} {{"));
    lines.raw(4, "/// Every value, in the order the spec lists them.");
    let all: Vec<String> = e.variants.iter().map(|v| format!("Self::{}", v.name)).collect();
    array(&mut lines, &format!("pub const ALL: [Self; {}] = ", e.variants.len()), &all);
    lines.raw(4, "/// The wire strings, in the order of [`Self::ALL`].");
    let wire: Vec<String> = e.variants.iter().map(|v| lit(&v.wire_name)).collect();
    array(&mut lines, "const WIRE: &'static [&'static str] = &", &wire);
    lines.raw(4, "/// The value as it appears on the wire.");
    lines.raw(4, "pub fn as_str(self) -> &'static str {");
    lines.raw(8, "Self::WIRE[self as usize]");
    lines.raw(4, "}");
    lines.raw(0, "}");
    items.push(lines.finish()?);

    let mut lines = Lines::new();
    impl_header(&mut lines, "impl ::std::fmt::Display", name);
    lines.raw(4, "fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {");
    lines.raw(8, "f.write_str(self.as_str())");
    lines.raw(4, "}");
    lines.raw(0, "}");
    items.push(lines.finish()?);

    let mut lines = Lines::new();
    impl_header(&mut lines, "impl ::std::str::FromStr", name);
    lines.raw(4, &format!("type Err = {UNKNOWN_ENUM_VALUE};"));
    lines.raw(4, "fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {");
    call(&mut lines, 8, "rt::parse_enum", &[&lit(name), "value", "&Self::ALL", "Self::WIRE"], "");
    lines.raw(4, "}");
    lines.raw(0, "}");
    items.push(lines.finish()?);

    let mut lines = Lines::new();
    impl_header(&mut lines, "impl ::serde::Serialize", name);
    signature(&mut lines, 4, "fn serialize<S: ::serde::Serializer>", &["&self", "serializer: S"]);
    lines.raw(4, ") -> ::std::result::Result<S::Ok, S::Error> {");
    lines.raw(8, "serializer.serialize_str(self.as_str())");
    lines.raw(4, "}");
    lines.raw(0, "}");
    items.push(lines.finish()?);

    let mut lines = Lines::new();
    impl_header(&mut lines, "impl<'de> ::serde::Deserialize<'de>", name);
    signature(&mut lines, 4, "fn deserialize<D: ::serde::Deserializer<'de>>", &["deserializer: D"]);
    lines.raw(4, ") -> ::std::result::Result<Self, D::Error> {");
    lines.raw(8, "rt::deserialize_enum(deserializer, &Self::ALL, Self::WIRE)");
    lines.raw(4, "}");
    lines.raw(0, "}");
    items.push(lines.finish()?);
    Some(items)
}

/// `head[a, b];` at 4 spaces: on one line when it fits, else an element a
/// line (`prettyplease` breaks an array of paths or strings consistently).
fn array(lines: &mut Lines, head: &str, elements: &[String]) {
    let flat = format!("{head}[{}];", elements.join(", "));
    if Lines::fits(4, flat.len()) {
        lines.raw(4, &flat);
        return;
    }
    lines.line(4, &format!("{head}["));
    for element in elements {
        lines.raw(8, &format!("{element},"));
    }
    lines.raw(4, "];");
}
