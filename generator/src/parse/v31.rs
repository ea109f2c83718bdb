//! OpenAPI 3.1 → the OpenAPI 3.0 model the rest of the generator reads.
//!
//! `openapiv3` reads 3.0 only, so a 3.1 document is rewritten, as a JSON
//! tree and before it is deserialized, into the 3.0 document that says the
//! same (or, where 3.0 cannot, a faithful less precise one, with a
//! [`Warning`] naming the place in the original document):
//!
//! - `type: [T, "null"]` → `type: T, nullable: true`; `type` lists of several
//!   types → a `oneOf` of one schema per type, each with the keywords that
//!   apply to it (`enum` beside them: the enum alone, whose values say it).
//! - `const` → a single-value `enum`; `null` in an `enum` → `nullable`.
//! - `exclusiveMinimum`/`exclusiveMaximum` as numbers → `minimum`/`maximum`
//!   with the 3.0 booleans (the stricter bound when both are given).
//! - `examples` (an array, on a schema) → `example` (the first one).
//! - `$ref` beside other keywords: annotations (`description`, `title`,
//!   `readOnly`, ...) are read by 3.0 lowering where they are; keywords that
//!   constrain (`nullable`, `maxLength`, `properties`, ...) make it
//!   `allOf: [{$ref}]` beside them, the 3.0 form of the same meaning.
//! - `contentEncoding: base64` → `format: byte`; `contentMediaType` of
//!   non-text data → `format: binary`.
//! - `prefixItems` (tuples) → `items`: the one schema all places share, or
//!   any value (warned); `patternProperties` → `additionalProperties`
//!   (warned: the pattern is not checked); boolean schemas → `{}` and
//!   `{not: {}}`.
//! - `paths` may be missing; `webhooks` (kept in the tree; lowering
//!   generates their types like callbacks'), `pathItems` in `components`,
//!   `$defs` (reachable by `$ref` as any place is) are walked like the rest;
//!   `jsonSchemaDialect` other than the OpenAPI one is warned about;
//!   `info.summary` is the description when there is none.
//! - Keywords 3.0 has no form for (`if`/`then`/`else`, `dependentSchemas`,
//!   `unevaluatedProperties`, `contains`, `propertyNames`, ...) are not
//!   checked, with a warning.
//!
//! Only schema positions are rewritten (found by walking the document's
//! structure), so example payloads and extensions stay as written. Where a
//! rewrite moves a schema (into a `oneOf` or `allOf`), the move is recorded,
//! and [`Moves::original`] maps pointers into the rewritten tree back to the
//! original document.

use serde_json::{Map, Value};

use super::walk::{SchemaPass, each, one};
use crate::error::{Error, Warning};
use crate::pointer::Pointer;

/// A 3.1 document rewritten as 3.0.
#[derive(Debug, Clone)]
pub struct Translation {
    pub raw: Value,
    pub warnings: Vec<Warning>,
    pub moves: Moves,
}

/// Places of the rewritten tree that came from elsewhere in the original.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Moves {
    /// (rewritten place, original place), inner rewrites first.
    moves: Vec<(Pointer, Pointer)>,
}

impl Moves {
    /// Where a place of the rewritten tree is in the original document.
    pub fn original(&self, at: &Pointer) -> Pointer {
        // Outer rewrites were recorded after the inner ones; undoing them
        // first brings the pointer into the space the inner ones used.
        self.moves.iter().rev().fold(at.clone(), |at, (to, from)| {
            if !at.starts_with(to) {
                return at;
            }
            at.segments().skip(to.segments().count()).fold(from.clone(), |p, s| p.join(s))
        })
    }
}

impl Moves {
    /// Records that `to` (a place of the rewritten tree) came from `from`,
    /// after every move recorded so far.
    /// Whether nothing was moved.
    pub(crate) fn is_empty(&self) -> bool {
        self.moves.is_empty()
    }

    pub(crate) fn push(&mut self, to: Pointer, from: Pointer) {
        self.moves.push((to, from));
    }

    /// The error with its places in the original document.
    pub fn relocate(&self, error: Error) -> Error {
        if self.moves.is_empty() {
            return error;
        }
        match error {
            Error::Syntax { pointer, line, column, message } => {
                Error::Syntax { pointer: self.original(&pointer), line, column, message }
            }
            Error::Malformed { pointer, message } => Error::Malformed { pointer: self.original(&pointer), message },
            Error::Reference { pointer, reference, problem } => {
                Error::Reference { pointer: self.original(&pointer), reference, problem }
            }
            Error::Unsupported { pointer, message } => Error::Unsupported { pointer: self.original(&pointer), message },
            Error::Collision { pointer, what, name, other } => {
                Error::Collision { pointer: self.original(&pointer), what, name, other: self.original(&other) }
            }
            Error::Emit { pointer, message } => Error::Emit { pointer: self.original(&pointer), message },
        }
    }

    /// The warning with its place in the original document.
    pub fn relocate_warning(&self, warning: Warning) -> Warning {
        Warning { pointer: self.original(&warning.pointer), ..warning }
    }
}

/// The dialects whose keywords this translation reads.
const DIALECTS: [&str; 2] =
    ["https://spec.openapis.org/oas/3.1/dialect/base", "https://json-schema.org/draft/2020-12/schema"];

/// Keywords that say something about a value beside a `$ref` (3.1 applies
/// both): the others are annotations.
fn annotation(keyword: &str) -> bool {
    keyword.starts_with("x-")
        || matches!(
            keyword,
            "$ref"
                | "description"
                | "title"
                | "summary"
                | "deprecated"
                | "readOnly"
                | "writeOnly"
                | "example"
                | "examples"
                | "default"
                | "externalDocs"
                | "xml"
                | "$comment"
                | "$id"
                | "$anchor"
                | "$schema"
        )
}

/// Object keywords beside a `$ref`: `allOf` of the two says the same in 3.0.
const EXTENDS_A_REF: [&str; 7] =
    ["nullable", "properties", "required", "additionalProperties", "minProperties", "maxProperties", "allOf"];

/// 3.1 keywords that only annotate: dropped without a warning.
const ANNOTATIONS_3_1: [&str; 7] =
    ["$id", "$schema", "$comment", "$anchor", "$dynamicAnchor", "$vocabulary", "contentSchema"];

/// 3.1 keywords with no 3.0 form: read as annotations, with a warning.
const UNCHECKED: [&str; 12] = [
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "$dynamicRef",
];

/// Which keywords of a schema with several types go to the part of one type.
fn applies_to(keyword: &str, typ: &str, format: Option<&str>) -> bool {
    let numeric_format = matches!(format, Some("int32" | "int64" | "float" | "double"));
    match keyword {
        "format" => match typ {
            "string" => !numeric_format,
            "integer" | "number" => numeric_format,
            _ => false,
        },
        "maxLength" | "minLength" | "pattern" | "contentEncoding" | "contentMediaType" => typ == "string",
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
            matches!(typ, "integer" | "number")
        }
        "items" | "minItems" | "maxItems" | "uniqueItems" => typ == "array",
        "properties" | "additionalProperties" | "required" | "minProperties" | "maxProperties" | "discriminator" => {
            typ == "object"
        }
        _ => false,
    }
}

/// Rewrites a 3.1 document (the whole tree, `openapi` already checked).
pub fn translate(mut raw: Value) -> Translation {
    let mut t = Translator::default();
    if let Value::Object(doc) = &mut raw {
        t.translate_document(doc);
    }
    if !t.hoisted.is_empty() {
        let targets = t.hoist(&mut raw);
        repoint(&mut raw, &targets);
    }
    Translation { raw, warnings: t.warnings, moves: Moves { moves: t.moves } }
}

impl SchemaPass for Translator {
    /// A schema: its subschemas first (at their original places), then its
    /// own keywords.
    fn schema(&mut self, schema: &mut Value, at: &Pointer) {
        self.schema_in(schema, at, false);
    }
}

#[derive(Default)]
struct Translator {
    warnings: Vec<Warning>,
    moves: Vec<(Pointer, Pointer)>,
    /// Schemas of `$defs` and `definitions`, to become component schemas:
    /// (wanted key, original place, schema), inner ones first.
    hoisted: Vec<(String, Pointer, Value)>,
}

impl Translator {
    /// Moves the schemas of `$defs` and `definitions` into
    /// `components/schemas` (under their owner's key and their own, the
    /// first free one), where they are named types like any component
    /// (references among them may be cycles). Returns the moves, original
    /// place → component, for the `$ref`s.
    fn hoist(&mut self, raw: &mut Value) -> Vec<(Pointer, Pointer)> {
        // Only what a `$ref` reaches: the others are no part of the API.
        let mut references = Vec::new();
        references_in(raw, &mut references);
        self.hoisted.iter().for_each(|(_, _, schema)| references_in(schema, &mut references));
        let Value::Object(doc) = raw else { return Vec::new() };
        let components = doc.entry("components").or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(components) = components else { return Vec::new() };
        let schemas = components.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(schemas) = schemas else { return Vec::new() };
        let base = Pointer::root().join("components").join("schemas");
        let mut targets = Vec::new();
        for (wanted, from, schema) in std::mem::take(&mut self.hoisted) {
            if !references.iter().any(|r| r.starts_with(&from)) {
                continue;
            }
            let key = std::iter::once(wanted.clone())
                .chain((2..).map(|n| format!("{wanted}{n}")))
                .find(|k| !schemas.contains_key(k))
                .unwrap_or(wanted);
            self.moves.push((base.join(&key), from.clone()));
            targets.push((from, base.join(&key)));
            schemas.insert(key, schema);
        }
        targets
    }

    fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        self.warnings.push(Warning::new(at, message));
    }

    /// The document's own keywords, then every schema.
    fn translate_document(&mut self, doc: &mut Map<String, Value>) {
        let root = Pointer::root();
        if let Some(dialect) = doc.remove("jsonSchemaDialect") {
            if !dialect.as_str().is_some_and(|d| DIALECTS.contains(&d)) {
                self.warn(
                    &root.join("jsonSchemaDialect"),
                    format!("schemas are read as the OpenAPI 3.1 dialect, not {dialect}"),
                );
            }
        }
        if let Some(Value::Object(info)) = doc.get_mut("info") {
            if !info.contains_key("description") {
                if let Some(summary) = info.get("summary").cloned() {
                    info.insert("description".to_owned(), summary);
                }
            }
        }
        doc.entry("paths").or_insert_with(|| Value::Object(Map::new()));
        SchemaPass::document(self, doc);
    }

    /// A schema; `part`: a part of an `allOf`, `oneOf` or `anyOf`.
    fn schema_in(&mut self, schema: &mut Value, at: &Pointer, part: bool) {
        match schema {
            Value::Bool(true) => *schema = Value::Object(Map::new()),
            Value::Bool(false) => *schema = serde_json::json!({"not": {}}),
            Value::Object(object) => {
                self.forbidden_properties(object, at);
                for key in ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"] {
                    each(object, key, at, |v, at| self.schema(v, at));
                }
                for key in ["allOf", "oneOf", "anyOf"] {
                    each(object, key, at, |v, at| self.schema_in(v, at, true));
                }
                each(object, "prefixItems", at, |v, at| self.schema(v, at));
                for key in ["items", "not", "if", "then", "else", "contains", "propertyNames", "unevaluatedItems"] {
                    one_schema(object, key, at, |v, at| self.schema(v, at));
                }
                // `true`/`false` stay booleans here: 3.0 reads them.
                for key in ["additionalProperties", "unevaluatedProperties"] {
                    if object.get(key).is_some_and(Value::is_object) {
                        one(object, key, at, |v, at| self.schema(v, at));
                    }
                }
                self.keywords(object, at, part);
            }
            _ => {}
        }
    }

    /// `properties: {a: false}`: `a` may not be present. Not generated (an
    /// object ignores what it does not declare), with a warning.
    fn forbidden_properties(&mut self, s: &mut Map<String, Value>, at: &Pointer) {
        let Some(Value::Object(properties)) = s.get_mut("properties") else { return };
        let forbidden: Vec<String> =
            properties.iter().filter(|(_, v)| **v == Value::Bool(false)).map(|(k, _)| k.clone()).collect();
        for name in forbidden {
            properties.shift_remove(&name);
            self.warn(
                &at.join("properties").join(&name),
                format!("property `{name}` may not be present (`false`): not generated, and not refused when present"),
            );
        }
    }

    fn keywords(&mut self, s: &mut Map<String, Value>, at: &Pointer, part: bool) {
        if let Some(value) = s.remove("const") {
            s.insert("enum".to_owned(), Value::Array(vec![value]));
        }
        if let Some(Value::Array(values)) = s.get_mut("enum") {
            if values.iter().any(Value::is_null) && values.iter().any(|v| !v.is_null()) {
                values.retain(|v| !v.is_null());
                s.insert("nullable".to_owned(), Value::Bool(true));
            }
        }
        exclusive(s, "exclusiveMinimum", "minimum", |bound, other| bound >= other);
        exclusive(s, "exclusiveMaximum", "maximum", |bound, other| bound <= other);
        content(s);
        if let Some(Value::Array(examples)) = s.get("examples") {
            if let Some(first) = examples.first().cloned() {
                if !s.contains_key("example") {
                    s.insert("example".to_owned(), first);
                    self.moves.push((at.join("example"), at.join("examples").join(0)));
                }
            }
            s.remove("examples");
        }
        self.tuple(s, at);
        self.pattern_properties(s, at);
        for keyword in UNCHECKED {
            if s.contains_key(keyword) {
                self.warn(&at.join(keyword), format!("`{keyword}` (OpenAPI 3.1) is not checked"));
            }
        }
        self.types(s, at);
        enum_type(s);
        distribute(s);
        self.only_null(s, at, part);
        self.reference(s, at);
        self.unknown_keywords(s, at);
    }

    /// `type: null`: 3.0 has no type whose one value is `null`. A part of a
    /// composition that only allows `null` makes the composition nullable
    /// (`{nullable: true}` says that to lowering); elsewhere it is a
    /// nullable value of any type, with a warning.
    fn only_null(&mut self, s: &mut Map<String, Value>, at: &Pointer, part: bool) {
        if s.get("type").is_none_or(|t| t != "null") {
            return;
        }
        s.remove("type");
        s.insert("nullable".to_owned(), Value::Bool(true));
        if !part {
            self.warn(&at.join("type"), "`type: null` (only `null`): read as a nullable value of any JSON type");
        }
    }

    /// `prefixItems`: a tuple, as an array of what its places have in common.
    fn tuple(&mut self, s: &mut Map<String, Value>, at: &Pointer) {
        let Some(Value::Array(places)) = s.remove("prefixItems") else { return };
        // `items: false` (already `{not: {}}`) closes the tuple; other
        // `items` are the places after it. Without `items`, the rest is read
        // as the places are (a tuple's extra values are rare and loose).
        let rest = s.remove("items");
        let closed = rest.as_ref().is_some_and(|r| r == &Value::Bool(false) || r == &serde_json::json!({"not": {}}));
        let mut kinds: Vec<&Value> = places.iter().collect();
        kinds.extend(rest.iter().filter(|_| !closed));
        kinds.dedup();
        let items = match kinds.as_slice() {
            [one] => {
                self.moves.push((at.join("items"), at.join("prefixItems").join(0)));
                (*one).clone()
            }
            _ => {
                self.warn(
                    &at.join("prefixItems"),
                    "a tuple (`prefixItems`) whose places differ: an array of any JSON values",
                );
                Value::Object(Map::new())
            }
        };
        s.insert("items".to_owned(), items);
        if closed && !s.contains_key("maxItems") {
            s.insert("maxItems".to_owned(), places.len().into());
        }
    }

    /// `patternProperties`: the values of keys that match, as the values of
    /// a map (the pattern itself is not checked).
    fn pattern_properties(&mut self, s: &mut Map<String, Value>, at: &Pointer) {
        let Some(Value::Object(patterns)) = s.remove("patternProperties") else { return };
        let mut schemas: Vec<&Value> = patterns.values().collect();
        schemas.dedup();
        let values = match schemas.as_slice() {
            [] => return,
            [one] => (*one).clone(),
            _ => Value::Object(Map::new()),
        };
        match s.get("additionalProperties") {
            None | Some(Value::Bool(false)) => {
                self.warn(
                    &at.join("patternProperties"),
                    "`patternProperties`: keys are not checked against the patterns; their values are \
                     read as a map's",
                );
                s.insert("additionalProperties".to_owned(), values);
            }
            Some(_) => self.warn(
                &at.join("patternProperties"),
                "`patternProperties` beside `additionalProperties`: the values of keys that match are read \
                 as `additionalProperties` says",
            ),
        }
    }

    /// `type` as a list.
    fn types(&mut self, s: &mut Map<String, Value>, at: &Pointer) {
        let composed = ["oneOf", "anyOf", "allOf"].iter().any(|k| s.contains_key(*k));
        if composed && s.get("type").is_some_and(|t| t == "null") {
            // Null and one of the parts: no value is both; read as "or null".
            s.remove("type");
            s.insert("nullable".to_owned(), Value::Bool(true));
            self.warn(&at.join("type"), "`type: null` beside a composition: read as a nullable composition");
            return;
        }
        let Some(Value::Array(list)) = s.get("type") else { return };
        let mut types: Vec<String> = list.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect();
        types.dedup();
        if types.iter().any(|t| t == "null") {
            types.retain(|t| t != "null");
            if types.is_empty() {
                s.insert("type".to_owned(), "null".into());
                return;
            }
            s.insert("nullable".to_owned(), Value::Bool(true));
        }
        match types.as_slice() {
            [] => {
                s.remove("type");
            }
            [one] => {
                s.insert("type".to_owned(), one.as_str().into());
            }
            _ if s.contains_key("enum") => {
                // An enum without `type` is read by its values' JSON types.
                s.remove("type");
            }
            _ if ["oneOf", "anyOf", "allOf"].iter().any(|k| s.contains_key(*k)) => {
                s.remove("type");
                self.warn(
                    &at.join("type"),
                    format!(
                        "several types ({}) beside a composition: the types are taken from the composition's parts",
                        types.join(", ")
                    ),
                );
            }
            _ => {
                s.remove("type");
                // An integer is also a number: the integer part first.
                types.sort_by_key(|t| t != "integer");
                let format = s.get("format").and_then(Value::as_str).map(str::to_owned);
                let parts: Vec<Value> = types
                    .iter()
                    .map(|typ| {
                        let mut part = Map::new();
                        part.insert("type".to_owned(), typ.as_str().into());
                        for (k, v) in s.iter() {
                            if applies_to(k, typ, format.as_deref()) {
                                part.insert(k.clone(), v.clone());
                            }
                        }
                        Value::Object(part)
                    })
                    .collect();
                s.retain(|k, _| !types.iter().any(|typ| applies_to(k, typ, format.as_deref())));
                for i in 0..parts.len() {
                    self.moves.push((at.join("oneOf").join(i), at.clone()));
                }
                s.insert("oneOf".to_owned(), Value::Array(parts));
            }
        }
    }

    /// `$ref` beside other keywords. Annotations stay beside it (3.0
    /// lowering reads them there); `nullable` and keywords that add to an
    /// object make it `allOf: [{$ref}]` beside them, the 3.0 form of what 3.1
    /// says; other constraints are not checked (warned), the referenced
    /// schema is used as it is.
    fn reference(&mut self, s: &mut Map<String, Value>, at: &Pointer) {
        if !s.contains_key("$ref") || s.keys().all(|k| annotation(k)) {
            return;
        }
        let unchecked: Vec<String> =
            s.keys().filter(|k| !annotation(k) && !EXTENDS_A_REF.contains(&k.as_str())).cloned().collect();
        if !unchecked.is_empty() {
            s.retain(|k, _| !unchecked.contains(k));
            let list = unchecked.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
            self.warn(at, format!("{list} beside `$ref`: not checked; the referenced schema is used as it is"));
        }
        if s.get("nullable") == Some(&Value::Bool(false)) {
            s.remove("nullable");
        }
        if s.keys().all(|k| annotation(k)) {
            return;
        }
        let reference = s.remove("$ref").unwrap_or_default();
        let mut part = Map::new();
        part.insert("$ref".to_owned(), reference);
        match s.get_mut("allOf") {
            Some(Value::Array(parts)) => {
                self.moves.push((at.join("allOf").join(parts.len()), at.clone()));
                parts.push(Value::Object(part));
            }
            _ => {
                self.moves.push((at.join("allOf").join(0), at.clone()));
                s.insert("allOf".to_owned(), Value::Array(vec![Value::Object(part)]));
            }
        }
    }

    /// Keywords 3.0 does not have: `$defs` and `definitions` become
    /// extensions (`x-$defs`, where `$ref`s into them are pointed), 3.1
    /// annotations go, and anything else (a keyword of no dialect, such as
    /// a property written beside `properties`) is ignored, as JSON Schema
    /// ignores unknown keywords, with a warning.
    fn unknown_keywords(&mut self, s: &mut Map<String, Value>, at: &Pointer) {
        let unknown: Vec<String> = s
            .keys()
            .filter(|k| !k.starts_with("x-") && *k != "$ref" && !super::SCHEMA_KEYWORDS.contains(&k.as_str()))
            .cloned()
            .collect();
        for key in unknown {
            let Some(value) = s.remove(&key) else { continue };
            if key == "$defs" || key == "definitions" {
                if let Value::Object(defs) = value {
                    let owner = owner_key(at);
                    for (name, schema) in defs {
                        self.hoisted.push((format!("{owner}{name}"), at.join(&key).join(name), schema));
                    }
                }
            } else if !ANNOTATIONS_3_1.contains(&key.as_str()) && !UNCHECKED.contains(&key.as_str()) {
                self.warn(
                    &at.join(&key),
                    format!("`{key}` is not a schema keyword of OpenAPI 3.1; ignored, as JSON Schema ignores unknown keywords"),
                );
            }
        }
    }
}

/// The key a schema's `$defs` are hoisted under: the component it is in and
/// the names of the places inside it (`A/properties/b` → `A.b.`, a key
/// whose type name is `AB...`), so the hoisted schema is named as it would
/// be where it is.
fn owner_key(at: &Pointer) -> String {
    let segments: Vec<String> = at.segments().collect();
    let inside = match segments.as_slice() {
        [components, schemas, rest @ ..] if components == "components" && schemas == "schemas" => rest,
        _ => &segments[segments.len().saturating_sub(1)..],
    };
    inside
        .iter()
        .filter(|s| !STRUCTURAL.contains(&s.as_str()) && s.parse::<usize>().is_err())
        .map(|s| format!("{s}."))
        .collect()
}

/// Keywords that hold subschemas: not names of anything.
const STRUCTURAL: [&str; 11] = [
    "properties",
    "items",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "prefixItems",
    "$defs",
    "definitions",
    "schema",
    "not",
];

/// The places every local `$ref` in `value` points at.
fn references_in(value: &Value, out: &mut Vec<Pointer>) {
    match value {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(Value::as_str).and_then(Pointer::from_ref) {
                out.push(target);
            }
            map.values().for_each(|v| references_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references_in(v, out)),
        _ => {}
    }
}

/// Points `$ref`s into hoisted `$defs` at the component schemas they are
/// now (the longest place that moved, so nested `$defs` go to their own).
fn repoint(value: &mut Value, targets: &[(Pointer, Pointer)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                let target = Pointer::from_ref(reference);
                let moved = targets
                    .iter()
                    .filter(|(from, _)| target.as_ref().is_some_and(|t| t.starts_with(from)))
                    .max_by_key(|(from, _)| from.as_json_pointer().len());
                if let (Some(target), Some((from, to))) = (&target, moved) {
                    let rest = target.segments().skip(from.segments().count());
                    *reference = rest.fold(to.clone(), |p, s| p.join(s)).to_string();
                }
            }
            map.values_mut().for_each(|v| repoint(v, targets));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| repoint(v, targets)),
        _ => {}
    }
}

/// An `enum` (or `const`) without `type` whose values share one JSON type
/// has that type (3.1 documents often leave it out: the values say it).
fn enum_type(s: &mut Map<String, Value>) {
    if ["type", "$ref", "oneOf", "anyOf", "allOf", "not"].iter().any(|k| s.contains_key(*k)) {
        return;
    }
    let Some(Value::Array(values)) = s.get("enum") else { return };
    let kind = |v: &Value| match v {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        _ => None,
    };
    let mut kinds: Vec<&str> = values.iter().filter(|v| !v.is_null()).filter_map(kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let typ = match kinds.as_slice() {
        [one] => *one,
        ["integer", "number"] => "number",
        _ => return,
    };
    if values.iter().all(|v| v.is_null() || kind(v).is_some()) {
        s.insert("type".to_owned(), typ.into());
    }
}

/// Keywords of a type beside a `oneOf`/`anyOf` of typed parts, without a
/// `type` of their own: each applies to the values of its type, so it goes
/// into the parts of that type (`items` and `maxItems` beside
/// `oneOf: [{type: array}, {type: string}]` are the array part's). A keyword
/// of a type no part has constrains nothing.
fn distribute(s: &mut Map<String, Value>) {
    if s.contains_key("type") {
        return;
    }
    let Some(key) = ["oneOf", "anyOf"].into_iter().find(|k| s.contains_key(*k)) else { return };
    let format = s.get("format").and_then(Value::as_str).map(str::to_owned);
    let applies = |k: &str| {
        ["string", "integer", "number", "array", "object"].iter().any(|t| applies_to(k, t, format.as_deref()))
    };
    let moving: Vec<(String, Value)> =
        s.iter().filter(|(k, _)| applies(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    let Some(Value::Array(parts)) = s.get_mut(key) else { return };
    let typed = |p: &Value| p.get("type").and_then(Value::as_str).is_some() && p.get("$ref").is_none();
    if moving.is_empty() || !parts.iter().all(typed) {
        return;
    }
    for part in parts.iter_mut() {
        let Value::Object(part) = part else { continue };
        let typ = part.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
        for (k, v) in &moving {
            if applies_to(k, &typ, format.as_deref()) && !part.contains_key(k) {
                part.insert(k.clone(), v.clone());
            }
        }
    }
    s.retain(|k, _| !applies(k));
}

/// 3.1's numeric `exclusiveMinimum` beside (or instead of) `minimum`.
fn exclusive(s: &mut Map<String, Value>, key: &str, inclusive: &str, stricter: fn(f64, f64) -> bool) {
    let Some(bound) = s.get(key).filter(|v| v.is_number()).cloned() else { return };
    let other = s.get(inclusive).and_then(Value::as_f64);
    match (bound.as_f64(), other) {
        (Some(b), Some(o)) if !stricter(b, o) => {
            s.remove(key);
        }
        _ => {
            s.insert(inclusive.to_owned(), bound);
            s.insert(key.to_owned(), Value::Bool(true));
        }
    }
}

/// `contentEncoding`/`contentMediaType` of a string → the 3.0 formats.
fn content(s: &mut Map<String, Value>) {
    let encoding = s.remove("contentEncoding");
    let media = s.remove("contentMediaType");
    if s.contains_key("format") || s.get("type").is_some_and(|t| t != "string") {
        return;
    }
    let format = match (encoding.as_ref().and_then(Value::as_str), media.as_ref().and_then(Value::as_str)) {
        (Some("base64" | "base64url"), _) => "byte",
        (None, Some(media)) if !textual(media) => "binary",
        _ => return,
    };
    s.insert("format".to_owned(), format.into());
}

/// Media types whose content is text (a string as it is).
fn textual(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    media.starts_with("text/") || media.ends_with("json") || media.ends_with("xml") || media.ends_with("+yaml")
}

/// Calls `f` on `parent[key]` when it is a schema (an object or a boolean).
fn one_schema(parent: &mut Map<String, Value>, key: &str, at: &Pointer, f: impl FnOnce(&mut Value, &Pointer)) {
    if let Some(v) = parent.get_mut(key).filter(|v| v.is_object() || v.is_boolean()) {
        f(v, &at.join(key));
    }
}

#[cfg(test)]
#[path = "v31_tests.rs"]
mod tests;
