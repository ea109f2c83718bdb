//! Comparing values: uses of types (shape, constraints, nullability,
//! defaults) and named type definitions (fields, enum values, map values,
//! aliases).

use std::cmp::Ordering;

use serde_json::Value;

use super::usage::Direction;
use super::{Class, Context, Out, at};
use crate::ir::{
    Additional, Bound, BytesEncoding, Constraints, Field, Primitive, Shape, Struct, Type, TypeDef, TypeKind,
};

/// Where a use of a type is, for the rules that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A field, an item, a body: defaults are the spec's documentation.
    Value,
    /// A parameter: its default is compared by the operation, with the
    /// default of its named type (the generated server applies either).
    Parameter,
}

/// Which way a change moves the set of valid values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Fewer values are valid.
    Tightened,
    /// More values are valid.
    Loosened,
    /// Neither contains the other (a changed `pattern`).
    Changed,
}

impl Verdict {
    /// Tightening is breaking: whoever sends the value may send one that is
    /// no longer valid (clients for requests, servers for responses).
    /// Loosening is additive for values only clients send, and breaking for
    /// values servers send: clients may now receive values they were promised
    /// not to.
    pub fn class(self, dir: Direction) -> Class {
        if dir == Direction::NONE {
            return Class::Info;
        }
        match self {
            Verdict::Tightened | Verdict::Changed => Class::Breaking,
            Verdict::Loosened if dir.output => Class::Breaking,
            Verdict::Loosened => Class::Additive,
        }
    }

    pub fn note(self, dir: Direction) -> &'static str {
        match self {
            Verdict::Tightened => "(tightened)",
            Verdict::Changed => "(changed)",
            Verdict::Loosened if dir.output => "(loosened; responses may now carry such values)",
            Verdict::Loosened => "(loosened)",
        }
    }

    fn push(self, out: &mut Out, dir: Direction, message: String) {
        out.push(self.class(dir), format!("{message} {}", self.note(dir)));
    }
}

/// A type in the spec's words, for messages: `string`, `date-time`,
/// `array of Pin`, `map of string`.
pub fn describe(ty: &Type) -> String {
    match &ty.shape {
        Shape::Primitive(p) => primitive_name(*p).to_owned(),
        Shape::Array(item) => format!("array of {}", describe(item)),
        Shape::Map(values) => format!("map of {}", describe(values)),
        Shape::Named(name) => name.clone(),
        Shape::Any => "any value".to_owned(),
    }
}

fn primitive_name(p: Primitive) -> &'static str {
    match p {
        Primitive::String => "string",
        Primitive::DateTime => "date-time",
        Primitive::Date => "date",
        Primitive::Bytes(BytesEncoding::Base64) => "byte",
        Primitive::Bytes(BytesEncoding::Binary) => "binary",
        Primitive::Int32 => "int32",
        Primitive::Int64 => "int64",
        Primitive::Float => "float",
        Primitive::Double => "double",
        Primitive::Bool => "boolean",
    }
}

/// Compares two uses of a type at `what` (``field `name` ``, empty for a
/// type definition's own value).
pub fn compare_use(cx: &Context, out: &mut Out, what: &str, old: &Type, new: &Type, dir: Direction, role: Role) {
    if !compare_shape(cx, out, what, old, new, dir) {
        return;
    }
    compare_constraints(out, what, &old.constraints, &new.constraints, dir);
    if old.nullable != new.nullable {
        let detail = if new.nullable { "now nullable" } else { "no longer nullable" };
        out.push(Class::Breaking, at(what, &format!("{detail} (the Rust type changes)")));
    }
    if role == Role::Value {
        compare_default(out, what, old.default.as_ref(), new.default.as_ref(), dir);
    }
}

/// Compares shapes, descending into arrays and maps. False when they differ
/// (and that was reported): constraints of different shapes do not compare.
fn compare_shape(cx: &Context, out: &mut Out, what: &str, old: &Type, new: &Type, dir: Direction) -> bool {
    match (&old.shape, &new.shape) {
        (Shape::Array(a), Shape::Array(b)) => {
            compare_use(cx, out, &at(what, "items"), a, b, dir, Role::Value);
            true
        }
        (Shape::Map(a), Shape::Map(b)) => {
            compare_use(cx, out, &at(what, "values"), a, b, dir, Role::Value);
            true
        }
        (Shape::Named(a), Shape::Named(b)) if a == b => true,
        (Shape::Named(a), Shape::Named(b)) if cx.types.get(a) == Some(b.as_str()) => {
            out.push(Class::Info, at(what, &format!("type `{a}` → `{b}` (the type was renamed; same shape)")));
            true
        }
        (Shape::Primitive(a), Shape::Primitive(b)) if a == b => true,
        (Shape::Any, Shape::Any) => true,
        _ => {
            out.push(Class::Breaking, at(what, &format!("type `{}` → `{}`", describe(old), describe(new))));
            false
        }
    }
}

fn compare_default(out: &mut Out, what: &str, old: Option<&Value>, new: Option<&Value>, dir: Direction) {
    match (old, new) {
        (Some(a), Some(b)) if a != b => {
            if dir.input {
                out.push(
                    Class::Breaking,
                    at(what, &format!("default `{a}` → `{b}` (requests that leave it out mean something else)")),
                );
            } else {
                out.push(Class::Info, at(what, &format!("default `{a}` → `{b}`")));
            }
        }
        (None, Some(b)) => out.push(Class::Info, at(what, &format!("default `{b}` added"))),
        (Some(a), None) => out.push(Class::Info, at(what, &format!("default `{a}` removed"))),
        _ => {}
    }
}

/// Every keyword that changed, tightened or loosened.
pub fn compare_constraints(out: &mut Out, what: &str, old: &Constraints, new: &Constraints, dir: Direction) {
    let mut report = |keyword: &str, verdict: Option<Verdict>, old: Option<String>, new: Option<String>| {
        let Some(verdict) = verdict else { return };
        let change = match (old, new) {
            (Some(o), Some(n)) => format!("{keyword} {o} → {n}"),
            (None, Some(n)) => format!("{keyword} {n} added"),
            (Some(o), None) => format!("{keyword} {o} removed"),
            (None, None) => format!("{keyword} changed"),
        };
        verdict.push(out, dir, at(what, &change));
    };
    let count = |v: Option<u64>| v.map(|v| v.to_string());
    for (keyword, o, n) in [
        ("minLength", old.min_length, new.min_length),
        ("minItems", old.min_items, new.min_items),
        ("minProperties", old.min_properties, new.min_properties),
    ] {
        report(keyword, lower_count(o, n), count(o), count(n));
    }
    for (keyword, o, n) in [
        ("maxLength", old.max_length, new.max_length),
        ("maxItems", old.max_items, new.max_items),
        ("maxProperties", old.max_properties, new.max_properties),
    ] {
        report(keyword, upper_count(o, n), count(o), count(n));
    }
    let bound = |b: Option<Bound>| {
        b.map(|b| if b.exclusive { format!("{} (exclusive)", b.value) } else { b.value.to_string() })
    };
    report("minimum", lower_bound(old.minimum, new.minimum), bound(old.minimum), bound(new.minimum));
    report("maximum", upper_bound(old.maximum, new.maximum), bound(old.maximum), bound(new.maximum));
    report(
        "multipleOf",
        multiple_of(old.multiple_of, new.multiple_of),
        old.multiple_of.map(|v| v.to_string()),
        new.multiple_of.map(|v| v.to_string()),
    );
    let pattern = |p: &Option<String>| p.as_ref().map(|p| format!("`{p}`"));
    let pattern_verdict = match (&old.pattern, &new.pattern) {
        (a, b) if a == b => None,
        (None, Some(_)) => Some(Verdict::Tightened),
        (Some(_), None) => Some(Verdict::Loosened),
        _ => Some(Verdict::Changed),
    };
    report("pattern", pattern_verdict, pattern(&old.pattern), pattern(&new.pattern));
    match (old.unique_items, new.unique_items) {
        (false, true) => Verdict::Tightened.push(out, dir, at(what, "uniqueItems added")),
        (true, false) => Verdict::Loosened.push(out, dir, at(what, "uniqueItems removed")),
        _ => {}
    }
}

/// A lower limit on a count; absent is 0.
fn lower_count(old: Option<u64>, new: Option<u64>) -> Option<Verdict> {
    match old.unwrap_or(0).cmp(&new.unwrap_or(0)) {
        Ordering::Less => Some(Verdict::Tightened),
        Ordering::Greater => Some(Verdict::Loosened),
        Ordering::Equal => None,
    }
}

/// An upper limit on a count; absent is no limit.
fn upper_count(old: Option<u64>, new: Option<u64>) -> Option<Verdict> {
    match (old, new) {
        (None, None) => None,
        (None, Some(_)) => Some(Verdict::Tightened),
        (Some(_), None) => Some(Verdict::Loosened),
        (Some(o), Some(n)) => match n.cmp(&o) {
            Ordering::Less => Some(Verdict::Tightened),
            Ordering::Greater => Some(Verdict::Loosened),
            Ordering::Equal => None,
        },
    }
}

fn lower_bound(old: Option<Bound>, new: Option<Bound>) -> Option<Verdict> {
    bound(old, new, Ordering::Less)
}

fn upper_bound(old: Option<Bound>, new: Option<Bound>) -> Option<Verdict> {
    bound(old, new, Ordering::Greater)
}

/// `tighter` is how the old value compares with a tighter new one
/// (`Less` for a minimum: the new minimum is greater).
fn bound(old: Option<Bound>, new: Option<Bound>, tighter: Ordering) -> Option<Verdict> {
    match (old, new) {
        (None, None) => None,
        (None, Some(_)) => Some(Verdict::Tightened),
        (Some(_), None) => Some(Verdict::Loosened),
        (Some(o), Some(n)) if o == n => None,
        (Some(o), Some(n)) => match o.value.partial_cmp(&n.value) {
            Some(Ordering::Equal) => Some(if n.exclusive { Verdict::Tightened } else { Verdict::Loosened }),
            Some(order) if order == tighter => Some(Verdict::Tightened),
            Some(_) => Some(Verdict::Loosened),
            None => Some(Verdict::Changed),
        },
    }
}

fn multiple_of(old: Option<f64>, new: Option<f64>) -> Option<Verdict> {
    let divides = |a: f64, b: f64| a != 0.0 && (b % a) == 0.0;
    match (old, new) {
        (None, None) => None,
        (None, Some(_)) => Some(Verdict::Tightened),
        (Some(_), None) => Some(Verdict::Loosened),
        (Some(o), Some(n)) if o == n => None,
        // Multiples of 4 are all multiples of 2: 2 → 4 tightens.
        (Some(o), Some(n)) if divides(o, n) => Some(Verdict::Tightened),
        (Some(o), Some(n)) if divides(n, o) => Some(Verdict::Loosened),
        _ => Some(Verdict::Changed),
    }
}

/// Compares two definitions of one named type (or of a renamed pair).
pub fn compare_def(cx: &Context, out: &mut Out, old: &TypeDef, new: &TypeDef, dir: Direction) {
    match (&old.kind, &new.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => compare_struct(cx, out, a, b, dir),
        (TypeKind::Enum(a), TypeKind::Enum(b)) => {
            for variant in &a.variants {
                match b.variants.iter().find(|v| v.wire_name == variant.wire_name) {
                    None => out.push(Class::Breaking, format!("value `{}` removed", variant.wire_name)),
                    Some(v) if v.name != variant.name => out.push(
                        Class::Breaking,
                        format!("value `{}`: Rust variant `{}` → `{}`", variant.wire_name, variant.name, v.name),
                    ),
                    Some(_) => {}
                }
            }
            for variant in b.variants.iter().filter(|v| !a.variants.iter().any(|o| o.wire_name == v.wire_name)) {
                Verdict::Loosened.push(out, dir, format!("value `{}` added", variant.wire_name));
            }
            match (&a.default, &b.default) {
                (Some(x), Some(y)) if x != y => out.push(Class::Breaking, format!("default `{x}` → `{y}`")),
                (None, Some(y)) => {
                    out.push(Class::Additive, format!("default `{y}` added (the Rust enum implements `Default`)"))
                }
                (Some(x), None) => out.push(
                    Class::Breaking,
                    format!("default `{x}` removed (the Rust enum no longer implements `Default`)"),
                ),
                _ => {}
            }
        }
        (TypeKind::ValueEnum(a), TypeKind::ValueEnum(b)) => {
            for variant in a.variants.iter().filter(|v| !b.variants.iter().any(|n| n.value == v.value)) {
                out.push(Class::Breaking, format!("value `{}` removed", variant.value));
            }
            for variant in b.variants.iter().filter(|v| !a.variants.iter().any(|o| o.value == v.value)) {
                Verdict::Loosened.push(out, dir, format!("value `{}` added", variant.value));
            }
            if a.default != b.default {
                out.push(Class::Breaking, "default changed (the Rust enum's `Default`)".to_owned());
            }
        }
        (TypeKind::Union(a), TypeKind::Union(b)) => {
            for variant in &a.variants {
                match b.variants.iter().find(|v| v.name == variant.name) {
                    None => out.push(Class::Breaking, format!("variant `{}` removed", variant.name)),
                    Some(v) => {
                        compare_use(cx, out, &format!("variant `{}`", v.name), &variant.ty, &v.ty, dir, Role::Value)
                    }
                }
            }
            for variant in b.variants.iter().filter(|v| !a.variants.iter().any(|o| o.name == v.name)) {
                Verdict::Loosened.push(out, dir, format!("variant `{}` added", variant.name));
            }
            if a.discriminator != b.discriminator {
                out.push(Class::Breaking, "discriminator changed".to_owned());
            }
        }
        (TypeKind::Map(a), TypeKind::Map(b)) => compare_use(cx, out, "values", a, b, dir, Role::Value),
        (TypeKind::Alias(a), TypeKind::Alias(b)) => compare_use(cx, out, "", a, b, dir, Role::Value),
        (a, b) => {
            out.push(Class::Breaking, format!("{} → {}", kind_name(a), kind_name(b)));
            return;
        }
    }
    compare_constraints(out, "", &old.constraints, &new.constraints, dir);
    if old.nullable != new.nullable {
        let detail = if new.nullable { "now nullable" } else { "no longer nullable" };
        out.push(Class::Breaking, format!("{detail} (the Rust type of every use changes)"));
    }
    if old.deprecated != new.deprecated {
        out.push(Class::Info, if new.deprecated { "deprecated" } else { "no longer deprecated" });
    }
}

pub fn kind_name(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Struct(_) => "struct".to_owned(),
        TypeKind::Enum(_) => "string enum".to_owned(),
        TypeKind::ValueEnum(_) => "enum".to_owned(),
        TypeKind::Union(u) if u.discriminator.is_some() => "union with a discriminator".to_owned(),
        TypeKind::Union(_) => "union".to_owned(),
        TypeKind::Map(values) => format!("map of {}", describe(values)),
        TypeKind::Alias(target) => format!("alias of {}", describe(target)),
    }
}

fn compare_struct(cx: &Context, out: &mut Out, old: &Struct, new: &Struct, dir: Direction) {
    for field in &old.fields {
        match new.fields.iter().find(|f| f.wire_name == field.wire_name) {
            Some(f) => compare_field(cx, out, field, f, dir),
            None => out.push(Class::Breaking, format!("field `{}` removed", field.wire_name)),
        }
    }
    for field in new.fields.iter().filter(|f| !old.fields.iter().any(|o| o.wire_name == f.wire_name)) {
        let dir = field_direction(field, dir);
        if !field.required {
            out.push(Class::Additive, format!("optional field `{}` added", field.wire_name));
        } else if dir == Direction::NONE {
            out.push(Class::Info, format!("required field `{}` added (never sent this way)", field.wire_name));
        } else {
            let who = match (dir.input, dir.output) {
                (true, true) => "clients and servers must send it",
                (true, false) => "clients must send it",
                _ => "servers must send it",
            };
            out.push(Class::Breaking, format!("required field `{}` added ({who})", field.wire_name));
        }
    }
    compare_additional(cx, out, &old.additional_properties, &new.additional_properties, dir);
}

/// A field's directions: read-only fields are not in requests, write-only
/// ones not in responses.
fn field_direction(field: &Field, dir: Direction) -> Direction {
    Direction { input: dir.input && !field.read_only, output: dir.output && !field.write_only }
}

fn compare_field(cx: &Context, out: &mut Out, old: &Field, new: &Field, dir: Direction) {
    let what = format!("field `{}`", old.wire_name);
    if old.name != new.name {
        out.push(Class::Breaking, format!("{what}: Rust name `{}` → `{}`", old.name, new.name));
    }
    if old.required != new.required {
        let detail = if new.required { "now required" } else { "now optional" };
        out.push(Class::Breaking, format!("{what}: {detail} (the Rust type changes between `T` and `Option<T>`)"));
    }
    if old.boxed != new.boxed {
        let detail = if new.boxed { "now boxed" } else { "no longer boxed" };
        out.push(Class::Breaking, format!("{what}: {detail} (the Rust type changes)"));
    }
    for (flag, was, is) in [("read-only", old.read_only, new.read_only), ("write-only", old.write_only, new.write_only)]
    {
        if was != is {
            let detail = if is { format!("now {flag}") } else { format!("no longer {flag}") };
            out.push(Class::Info, format!("{what}: {detail}"));
        }
    }
    if old.deprecated != new.deprecated {
        out.push(
            Class::Info,
            format!("{what}: {}", if new.deprecated { "deprecated" } else { "no longer deprecated" }),
        );
    }
    let dir = field_direction(old, dir).union(field_direction(new, dir));
    compare_use(cx, out, &what, &old.ty, &new.ty, dir, Role::Value);
}

fn compare_additional(cx: &Context, out: &mut Out, old: &Additional, new: &Additional, dir: Direction) {
    let what = "additional properties";
    match (old, new) {
        (Additional::Typed(a), Additional::Typed(b)) => compare_use(cx, out, what, a, b, dir, Role::Value),
        (Additional::Unspecified, Additional::Forbidden) => {
            Verdict::Tightened.push(out, dir, format!("{what}: now forbidden"))
        }
        (Additional::Forbidden, Additional::Unspecified) => {
            Verdict::Loosened.push(out, dir, format!("{what}: now allowed"))
        }
        (a, b) if a == b => {}
        (a, b) => out.push(
            Class::Breaking,
            format!("{what}: {} → {} (the Rust struct changes)", additional_name(a), additional_name(b)),
        ),
    }
}

fn additional_name(a: &Additional) -> String {
    match a {
        Additional::Unspecified => "unspecified".to_owned(),
        Additional::Forbidden => "forbidden".to_owned(),
        Additional::Typed(ty) => format!("kept as `{}`", describe(ty)),
    }
}
