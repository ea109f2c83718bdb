//! Enumerations: string enums (`enum` of a `type: string` schema) and enums
//! of other JSON values, with their variant names. Values listed twice are
//! kept once and a default outside the list is kept as given, each with a
//! warning.

use openapiv3::{SchemaData, StringType};
use serde_json::Value;

use crate::error::{Error, Result, Warning};
use crate::ir::{EnumVariant, StringEnum, ValueEnum, ValueVariant};
use crate::naming::type_name;
use crate::pointer::Pointer;

pub(super) fn string_enum(s: &StringType, data: &SchemaData, at: &Pointer, warnings: &mut Vec<Warning>) -> StringEnum {
    // `null` in the list goes with `nullable: true`; it is not a variant.
    let mut values: Vec<&String> = Vec::new();
    for (i, value) in s.enumeration.iter().enumerate() {
        match value {
            Some(value) if values.contains(&value) => warnings.push(listed_twice(&at.join("enum").join(i), value)),
            Some(value) => values.push(value),
            None => {}
        }
    }
    let names = variant_names(values.iter().map(|v| v.as_str()));
    let variants: Vec<EnumVariant> =
        values.iter().zip(names).map(|(value, name)| EnumVariant { name, wire_name: (*value).clone() }).collect();
    let default = match &data.default {
        None => None,
        Some(Value::String(d)) if variants.iter().any(|v| &v.wire_name == d) => Some(d.clone()),
        Some(other) => {
            warnings.push(default_not_listed(&at.join("default"), other));
            None
        }
    };
    StringEnum { variants, default }
}

/// A value an `enum` lists twice: the variant is generated once.
fn listed_twice(at: &Pointer, value: impl std::fmt::Display) -> Warning {
    Warning::new(at, format!("`{value}` is listed twice in the `enum`; the variant is generated once"))
}

/// A `default` that is none of the `enum`'s values: there is no default.
fn default_not_listed(at: &Pointer, value: &Value) -> Warning {
    Warning::new(at, format!("the default {value} is not one of the enum's values; the type has no default"))
}

/// Variant names for enum values: `type_name` of each; values whose names
/// collide (`reactions-+1`, `reactions--1`) spell their signs
/// (`ReactionsPlus1`, `ReactionsMinus1`), and any still equal get their
/// position appended (`FooBar`, `FooBar2`).
fn variant_names<'v>(values: impl Iterator<Item = &'v str>) -> Vec<String> {
    let values: Vec<&str> = values.collect();
    let plain: Vec<String> = values.iter().map(|v| type_name(v)).collect();
    let spelled: Vec<String> = values
        .iter()
        .zip(&plain)
        .map(|(value, name)| {
            if plain.iter().filter(|n| *n == name).count() < 2 {
                return name.clone();
            }
            let mut text = String::new();
            let chars: Vec<char> = value.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                match c {
                    '+' => text.push_str(" plus "),
                    '-' if chars.get(i + 1).is_some_and(char::is_ascii_digit) => text.push_str(" minus "),
                    '.' if i > 0 && chars.get(i + 1).is_some_and(char::is_ascii_digit) => text.push_str(" point "),
                    c => text.push(*c),
                }
            }
            type_name(&text)
        })
        .collect();
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for (i, name) in spelled.into_iter().enumerate() {
        let name = if out.contains(&name) {
            let mut n = i + 1;
            loop {
                let candidate = format!("{name}{n}");
                if !out.contains(&candidate) {
                    break candidate;
                }
                n += 1;
            }
        } else {
            name
        };
        out.push(name);
    }
    out
}

/// Whether `value` is of JSON Schema type `typ` (an unknown `typ` fits all).
pub(super) fn of_type(value: &Value, typ: &str) -> bool {
    match typ {
        "string" => value.is_string(),
        "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// An enum of JSON values that are not all strings. `null` in the list goes
/// with `nullable: true`; it is not a variant.
pub(super) fn value_enum(
    values: &[Value],
    data: &SchemaData,
    typ: Option<&str>,
    at: &Pointer,
    warnings: &mut Vec<Warning>,
) -> Result<ValueEnum> {
    let mut kept: Vec<&Value> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let text = match value {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            Value::Bool(true) => "true".to_owned(),
            Value::Bool(false) => "false".to_owned(),
            Value::Number(n) => n.to_string().replace('.', " point "),
            // Compared as whole JSON values, like the others.
            Value::Array(_) | Value::Object(_) => value.to_string(),
        };
        if let Some(typ) = typ.filter(|t| !of_type(value, t)) {
            warnings.push(Warning::new(
                &at.join("enum").join(i),
                format!(
                    "{value} in the `enum` is not of `type: {typ}`: the type accepts the listed values as they are"
                ),
            ));
        }
        if kept.contains(&value) {
            warnings.push(listed_twice(&at.join("enum").join(i), value));
            continue;
        }
        kept.push(value);
        texts.push(text);
    }
    let names = variant_names(texts.iter().map(String::as_str));
    let variants: Vec<ValueVariant> =
        kept.into_iter().zip(names).map(|(value, name)| ValueVariant { name, value: value.clone() }).collect();
    if variants.is_empty() {
        return Err(Error::unsupported(&at.join("enum"), "an `enum` whose only value is `null`"));
    }
    let default = match &data.default {
        None => None,
        Some(d) if variants.iter().any(|v| &v.value == d) => Some(d.clone()),
        Some(other) => {
            warnings.push(default_not_listed(&at.join("default"), other));
            None
        }
    };
    Ok(ValueEnum { variants, default })
}
