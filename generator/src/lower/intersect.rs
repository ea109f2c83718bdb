//! Schemas that are the intersection of others, where no struct is merged:
//!
//! - `allOf` whose parts are not objects (a scalar with added constraints:
//!   `allOf: [{$ref: Id}, {maxLength: 36}]`, `allOf` beside `type: string`):
//!   one schema whose constraints are those of every part (the tighter
//!   bound, the common `enum` values). When the parts add nothing to a
//!   referenced schema, it is that schema's type.
//! - `oneOf`/`anyOf` beside `type` or keywords of a type (`type: string`
//!   beside `anyOf: [<string enum>, <object>]`): the keywords beside apply
//!   to every alternative, so each alternative is narrowed by them, and an
//!   alternative no value of which can fit them (an object beside
//!   `type: string`) is left out (`{not: {}}`, which
//!   [`super::compose::composite`] skips).
//!
//! Where two constraints cannot be written as one (two different
//! `pattern`s, `multipleOf`s that do not divide), the first is kept and a
//! warning says the other is not checked.

use std::borrow::Cow;

use openapiv3::{Schema, SchemaKind};
use serde_json::{Map, Value, json};

use super::Lowerer;
use super::enums::of_type;
use crate::error::{Error, Result};
use crate::pointer::Pointer;

/// Keywords that do not constrain values.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "default",
    "nullable",
    "discriminator",
];

/// Keywords that make a schema (part of) an object or a composition: such
/// parts are merged as structs or unions elsewhere.
const STRUCTURED: &[&str] = &[
    "properties",
    "additionalProperties",
    "required",
    "minProperties",
    "maxProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
];

/// Keywords that only constrain objects.
const OBJECT_KEYWORDS: &[&str] = &["properties", "additionalProperties", "required", "minProperties", "maxProperties"];

/// Whether no value of a schema (its constraints) can be an object: its
/// `type` is another, or its `enum` lists no object.
fn not_an_object(schema: &Map<String, Value>) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => t != "object",
        None => schema.get("enum").and_then(Value::as_array).is_some_and(|v| v.iter().all(|v| !v.is_object())),
    }
}

fn is_annotation(key: &str) -> bool {
    key.starts_with("x-") || ANNOTATIONS.contains(&key)
}

/// Whether a (resolved) schema is an object or a composition.
fn structured(schema: &Map<String, Value>) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object") || STRUCTURED.iter().any(|k| schema.contains_key(*k))
}

/// The keywords of a schema that do not constrain values.
fn annotations(schema: &Map<String, Value>) -> Map<String, Value> {
    schema.iter().filter(|(k, _)| is_annotation(k)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The keywords of a schema that constrain values.
fn constraints(schema: &Map<String, Value>) -> Map<String, Value> {
    schema.iter().filter(|(k, _)| !is_annotation(k)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The one schema whose values are those of both `a` and `b` (their
/// constraint keywords; annotations are the caller's), or `None` when no
/// value (but perhaps `null`) fits both. What cannot be intersected keeps
/// `a`'s keyword, and a message for the warning.
fn intersect(a: &Map<String, Value>, b: &Map<String, Value>, notes: &mut Vec<String>) -> Option<Map<String, Value>> {
    let mut out = a.clone();
    for (key, theirs) in b {
        let Some(ours) = a.get(key) else {
            out.insert(key.clone(), theirs.clone());
            continue;
        };
        if ours == theirs {
            continue;
        }
        let number = |v: &Value| v.as_f64();
        match key.as_str() {
            "type" => match (ours.as_str(), theirs.as_str()) {
                (Some("integer"), Some("number")) | (Some("number"), Some("integer")) => {
                    out.insert(key.clone(), json!("integer"));
                }
                _ => return None,
            },
            "enum" => {
                let theirs = theirs.as_array().cloned().unwrap_or_default();
                let common: Vec<Value> =
                    ours.as_array().into_iter().flatten().filter(|v| theirs.contains(v)).cloned().collect();
                out.insert(key.clone(), Value::Array(common));
            }
            "minimum" | "minLength" | "minItems" => {
                if number(theirs) > number(ours) {
                    out.insert(key.clone(), theirs.clone());
                    let exclusive = if key == "minimum" { b.get("exclusiveMinimum") } else { None };
                    if let Some(exclusive) = exclusive {
                        out.insert("exclusiveMinimum".to_owned(), exclusive.clone());
                    }
                }
            }
            "maximum" | "maxLength" | "maxItems" => {
                if number(theirs) < number(ours) {
                    out.insert(key.clone(), theirs.clone());
                    let exclusive = if key == "maximum" { b.get("exclusiveMaximum") } else { None };
                    if let Some(exclusive) = exclusive {
                        out.insert("exclusiveMaximum".to_owned(), exclusive.clone());
                    }
                }
            }
            // Set together with their bounds above; at equal bounds, either.
            "exclusiveMinimum" | "exclusiveMaximum" => {
                let bound = if key == "exclusiveMinimum" { "minimum" } else { "maximum" };
                if a.get(bound) == b.get(bound) && theirs.as_bool() == Some(true) {
                    out.insert(key.clone(), theirs.clone());
                }
            }
            "uniqueItems" => {
                out.insert(key.clone(), json!(ours.as_bool() == Some(true) || theirs.as_bool() == Some(true)));
            }
            "multipleOf" => match (number(ours), number(theirs)) {
                (Some(x), Some(y)) if (x / y).fract() == 0.0 => {}
                (Some(x), Some(y)) if (y / x).fract() == 0.0 => {
                    out.insert(key.clone(), theirs.clone());
                }
                _ => notes.push(format!("`multipleOf: {theirs}` (only `multipleOf: {ours}` is checked)")),
            },
            "items" => {
                let empty = |v: &Value| v.as_object().is_some_and(Map::is_empty);
                if empty(ours) {
                    out.insert(key.clone(), theirs.clone());
                } else if !empty(theirs) {
                    out.insert(key.clone(), json!({"allOf": [ours, theirs]}));
                }
            }
            "format" => notes.push(format!("`format: {theirs}` (the value is read as `format: {ours}`)")),
            _ => notes.push(format!("`{key}: {theirs}` (only `{key}: {ours}` is checked)")),
        }
    }
    if let (Some(typ), Some(Value::Array(values))) = (out.get("type").and_then(Value::as_str), out.get("enum")) {
        let fitting: Vec<Value> = values.iter().filter(|v| v.is_null() || of_type(v, typ)).cloned().collect();
        out.insert("enum".to_owned(), Value::Array(fitting));
    }
    if out.get("enum").and_then(Value::as_array).is_some_and(|values| values.iter().all(Value::is_null)) {
        return None;
    }
    Some(out)
}

impl Lowerer<'_> {
    /// The string values an inline schema (at `at` in the document) lists
    /// in the `enum` of its property `property`, directly or in its `allOf`
    /// parts.
    pub(super) fn tag_values(&self, at: &Pointer, property: &str) -> Vec<String> {
        let Some(schema) = at.lookup(self.raw).and_then(|s| self.resolved_raw(s)) else {
            return Vec::new();
        };
        let mut schemas = vec![schema];
        let mut tags = Vec::new();
        while let Some(schema) = schemas.pop() {
            let property = schema.get("properties").and_then(|p| p.get(property)).and_then(|p| self.resolved_raw(p));
            for value in property.iter().filter_map(|p| p.get("enum")).filter_map(Value::as_array).flatten() {
                if let Some(tag) = value.as_str().filter(|t| !tags.iter().any(|known: &String| known == t)) {
                    tags.push(tag.to_owned());
                }
            }
            let parts = schema.get("allOf").and_then(Value::as_array).into_iter().flatten();
            schemas.extend(parts.filter_map(|p| self.resolved_raw(p)));
        }
        tags
    }

    /// A schema through its `$ref`s (to components or any other place).
    fn resolved_raw(&self, schema: &Value) -> Option<Map<String, Value>> {
        let mut schema = schema.as_object()?.clone();
        for _ in 0..64 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else { return Some(schema) };
            let target = Pointer::from_ref(reference)?;
            schema = target.lookup(self.raw)?.as_object()?.clone();
        }
        None
    }

    /// `schema` with `allOf` of parts that are not objects folded into one
    /// schema, and `oneOf`/`anyOf` narrowed by the keywords beside it (see
    /// the module docs); otherwise `schema` itself.
    pub(super) fn intersected<'s>(&mut self, schema: &'s Schema, at: &Pointer) -> Result<Cow<'s, Schema>> {
        let (SchemaKind::Any(_) | SchemaKind::AllOf { .. }) = &schema.schema_kind else {
            return Ok(Cow::Borrowed(schema));
        };
        let Ok(Value::Object(raw)) = serde_json::to_value(schema) else { return Ok(Cow::Borrowed(schema)) };
        let folded = if raw.contains_key("allOf") && !raw.contains_key("oneOf") && !raw.contains_key("anyOf") {
            self.fold_all_of(&raw, at)
        } else if raw.contains_key("oneOf") != raw.contains_key("anyOf") && !raw.contains_key("allOf") {
            self.narrow_alternatives(&raw, at)
        } else {
            None
        };
        let Some(folded) = folded else { return Ok(Cow::Borrowed(schema)) };
        serde_json::from_value(Value::Object(folded))
            .map(Cow::Owned)
            .map_err(|e| Error::malformed(at, format!("a schema that cannot be read: {e}")))
    }

    /// `allOf` of parts none of which is an object or a composition, beside
    /// keywords that are not an object's: one schema.
    fn fold_all_of(&mut self, raw: &Map<String, Value>, at: &Pointer) -> Option<Map<String, Value>> {
        let parts = raw.get("allOf")?.as_array()?;
        let mut resolved = Vec::new();
        for part in parts {
            let schema = self.resolved_raw(part)?;
            if structured(&schema) {
                return None;
            }
            resolved.push((part, constraints(&schema)));
        }
        let mut own: Map<String, Value> = constraints(raw).into_iter().filter(|(k, _)| k != "allOf").collect();
        // Beside parts that are not objects, object keywords
        // (`additionalProperties: false` beside a string enum) constrain
        // nothing: a value that is not an object satisfies them.
        if resolved.iter().any(|(_, c)| not_an_object(c)) {
            own.retain(|k, _| !OBJECT_KEYWORDS.contains(&k.as_str()));
        }
        if structured(&own) {
            return None;
        }
        let mut constraining = resolved.iter().filter(|(_, c)| !c.is_empty()).count();
        if !own.is_empty() {
            constraining += 1;
        }
        // One part that constrains: `compose::composite` reads that as the part.
        if constraining < 2 {
            return None;
        }
        let mut notes = Vec::new();
        let mut merged = Map::new();
        for (_, part) in &resolved {
            merged = match intersect(&merged, part, &mut notes) {
                Some(merged) => merged,
                None => return Some(self.no_value_fits(raw, parts, at)),
            };
        }
        merged = match intersect(&merged, &own, &mut notes) {
            Some(merged) => merged,
            None => return Some(self.no_value_fits(raw, parts, at)),
        };
        for note in notes {
            self.warn(&at.join("allOf"), format!("the parts of this `allOf` all apply, but {note}"));
        }
        let mut out = annotations(raw);
        // `nullable` in any part (models decode leniently, as struct merges do).
        if parts.iter().filter_map(|p| self.resolved_raw(p)).any(|p| p.get("nullable") == Some(&json!(true))) {
            out.insert("nullable".to_owned(), json!(true));
        }
        // The parts add nothing to a referenced schema: it is that schema.
        if let Some((part, _)) = resolved.iter().find(|(part, c)| part.get("$ref").is_some() && *c == merged) {
            out.insert("allOf".to_owned(), json!([part]));
            return Some(out);
        }
        out.extend(merged);
        Some(out)
    }

    /// An `allOf` of scalars no value of which fits every part: the first
    /// part, with a warning.
    fn no_value_fits(&mut self, raw: &Map<String, Value>, parts: &[Value], at: &Pointer) -> Map<String, Value> {
        self.warn(
            &at.join("allOf"),
            "no value fits every part of this `allOf` (their types or `enum`s exclude each other): the first part's type is generated",
        );
        let mut out = annotations(raw);
        out.insert("allOf".to_owned(), json!([parts[0]]));
        out
    }

    /// `oneOf`/`anyOf` beside `type` (not `object`) or keywords of a type:
    /// each alternative narrowed by them.
    fn narrow_alternatives(&mut self, raw: &Map<String, Value>, at: &Pointer) -> Option<Map<String, Value>> {
        let key = if raw.contains_key("oneOf") { "oneOf" } else { "anyOf" };
        let beside: Map<String, Value> = constraints(raw).into_iter().filter(|(k, _)| k != key).collect();
        let typ = beside.get("type").and_then(Value::as_str).map(str::to_owned);
        let typ = typ.as_deref();
        let object_keywords = OBJECT_KEYWORDS;
        let scalar = beside.keys().any(|k| k != "type" && !object_keywords.contains(&k.as_str()));
        if typ.is_none_or(|t| t == "object") && !scalar {
            return self.drop_scalar_alternatives(raw, key, typ.is_some(), at);
        }
        // Object keywords mean nothing beside a type that is not `object`.
        let beside: Map<String, Value> = if typ.is_some_and(|t| t != "object") {
            beside.into_iter().filter(|(k, _)| !object_keywords.contains(&k.as_str())).collect()
        } else {
            beside
        };
        let only_type = beside.keys().all(|k| k == "type");
        let mut parts = Vec::new();
        let mut fitting = 0;
        for part in raw.get(key)?.as_array()? {
            let resolved = self.resolved_raw(part)?;
            let part_type = resolved.get("type").and_then(Value::as_str);
            let mut notes = Vec::new();
            let narrowed = if part.get("$ref").is_some() && only_type && part_type == typ {
                Some(part.clone())
            } else {
                let mut own = annotations(&resolved);
                intersect(&constraints(&resolved), &beside, &mut notes).map(|merged| {
                    own.extend(merged);
                    Value::Object(own)
                })
            };
            for note in notes {
                self.warn(
                    &at.join(key),
                    format!("the keywords beside this `{key}` apply to each alternative, but {note}"),
                );
            }
            match narrowed {
                Some(part) => {
                    fitting += 1;
                    parts.push(part);
                }
                None => parts.push(json!({"not": {}})),
            }
        }
        let mut out = annotations(raw);
        if fitting == 0 {
            self.warn(
                &at.join(key),
                format!("no alternative of this `{key}` fits the keywords beside it: the type is generated from those keywords alone"),
            );
            out.extend(beside);
            return Some(out);
        }
        out.insert(key.to_owned(), Value::Array(parts));
        Some(out)
    }

    /// `oneOf`/`anyOf` beside object keywords (`type: object`,
    /// `properties`): alternatives that can only be scalars or arrays are
    /// left out; the others are read as they are.
    fn drop_scalar_alternatives(
        &mut self,
        raw: &Map<String, Value>,
        key: &str,
        typed: bool,
        at: &Pointer,
    ) -> Option<Map<String, Value>> {
        if !typed {
            return None;
        }
        let scalar =
            |schema: &Map<String, Value>| not_an_object(schema) && (schema.contains_key("type") || !structured(schema));
        let parts = raw.get(key)?.as_array()?;
        let resolved: Vec<Map<String, Value>> = parts.iter().map(|p| self.resolved_raw(p)).collect::<Option<_>>()?;
        if !resolved.iter().any(scalar) {
            return None;
        }
        let mut out = raw.clone();
        if resolved.iter().all(scalar) {
            self.warn(
                &at.join(key),
                format!("no alternative of this `{key}` is an object, as `type: object` beside it requires: the type is generated from the keywords beside it alone"),
            );
            out.remove(key);
            return Some(out);
        }
        let kept = parts.iter().zip(&resolved).map(|(p, r)| if scalar(r) { json!({"not": {}}) } else { p.clone() });
        out.insert(key.to_owned(), Value::Array(kept.collect()));
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn constraints_intersect_to_the_tighter_one() {
        let mut notes = Vec::new();
        let a = map(json!({"type": "number", "minimum": 1, "maximum": 10, "enum": [1, 2, "x", 3]}));
        let b =
            map(json!({"type": "integer", "minimum": 2, "exclusiveMinimum": true, "maximum": 20, "enum": [2, 3, 4]}));
        let got = intersect(&a, &b, &mut notes).unwrap();
        assert_eq!(
            Value::Object(got),
            json!({"type": "integer", "minimum": 2, "exclusiveMinimum": true, "maximum": 10, "enum": [2, 3]})
        );
        assert!(notes.is_empty());
        // Patterns cannot be joined: the first is kept, with a note.
        let got = intersect(&map(json!({"pattern": "^a"})), &map(json!({"pattern": "b$"})), &mut notes).unwrap();
        assert_eq!(Value::Object(got), json!({"pattern": "^a"}));
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn types_or_enums_that_exclude_each_other_have_no_intersection() {
        let mut notes = Vec::new();
        assert!(intersect(&map(json!({"type": "string"})), &map(json!({"type": "object"})), &mut notes).is_none());
        assert!(intersect(&map(json!({"enum": ["a"]})), &map(json!({"enum": ["b"]})), &mut notes).is_none());
        assert!(intersect(&map(json!({"enum": [1, null]})), &map(json!({"type": "string"})), &mut notes).is_none());
    }
}
