//! How spec names become Rust names, for every stage (lowering names the
//! IR's types and fields; emitters name what they add). Wire names are kept beside them in the
//! IR, so emitters can rename (`#[serde(rename = "...")]`) without loss.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// The name of the error type `FromStr` of every generated enum returns.
/// Lowering reserves it, so no schema can take it.
pub const UNKNOWN_ENUM_VALUE: &str = "UnknownEnumValue";

/// Rust keywords (strict and reserved, all editions up to 2024).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Words turned into names where a name would otherwise lose them (`+1` and
/// `-1` must not both become `1`).
fn spell_signs(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.char_indices() {
        match c {
            '+' if i == 0 => out.push_str("plus "),
            '-' if i == 0 => out.push_str("minus "),
            _ => out.push(c),
        }
    }
    out
}

/// A value (field, parameter, function) name: `snake_case`, keywords raw
/// (`r#match`) or, where Rust allows no raw form, suffixed (`self_`).
pub fn value_name(wire: &str) -> String {
    let mut name = spell_signs(wire).to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    escape_keyword(name)
}

/// A type or variant name: `UpperCamelCase`, never a keyword.
pub fn type_name(wire: &str) -> String {
    let mut name = spell_signs(wire).to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The identifier without a raw prefix, for building other names from it.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// An operation id for an operation without `operationId`: the method, then
/// each path segment, with parameters as `by_<name>`.
/// `GET /pins/{requestid}` → `get_pins_by_requestid`.
pub fn operation_id(method: &str, path: &str) -> String {
    let mut words = vec![method.to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => words.push(format!("by_{}", param.to_snake_case())),
            None => words.push(segment.to_snake_case()),
        }
    }
    words.join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_names() {
        assert_eq!(value_name("match"), "r#match");
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("cid-of-pin-object"), "cid_of_pin_object");
        assert_eq!(value_name("requestId"), "request_id");
        assert_eq!(value_name("+1"), "plus_1");
        assert_eq!(value_name("-1"), "minus_1");
        assert_eq!(value_name("2fa"), "_2fa");
        assert_eq!(value_name("@odata.type"), "odata_type");
    }

    #[test]
    fn type_names() {
        assert_eq!(type_name("pin_status"), "PinStatus");
        assert_eq!(type_name("iexact"), "Iexact");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("+1"), "Plus1");
        assert_eq!(type_name("4XX"), "V4xx");
        assert_eq!(type_name(""), "Empty");
    }

    #[test]
    fn operation_ids_from_method_and_path() {
        assert_eq!(operation_id("get", "/pins"), "get_pins");
        assert_eq!(operation_id("delete", "/pins/{requestid}"), "delete_pins_by_requestid");
        assert_eq!(operation_id("get", "/pins/{cid-of-pin-object}"), "get_pins_by_cid_of_pin_object");
        assert_eq!(operation_id("get", "/"), "get");
    }
}
