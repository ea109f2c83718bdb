//! Repairs, on the JSON tree, what real documents get wrong in ways the
//! typed `openapiv3` parse cannot read, before that parse (for 3.0
//! documents as written and for 3.1 ones after their translation):
//!
//! - a schema keyword holding a value of the wrong JSON type (`pattern: 0`,
//!   `maximum: "10"`, `nullable: "true"`, `type: {…}`): converted where the
//!   conversion says the same (`"10"` → `10`, `"true"` → `true`, a number
//!   in a `description` → its text), otherwise left out (the schema says
//!   less: a dropped `pattern` checks nothing, a dropped `type` allows any
//!   JSON value);
//! - `required: true` on a property (the Swagger 2.0 spelling): the property
//!   is added to its object's `required`;
//! - a callback that is a `$ref` (`#/components/callbacks/…`), which 3.0
//!   allows and `openapiv3` cannot read inside an operation: replaced by
//!   what it points at (errors inside it name the place it came from).
//!
//! Each repair but the last is a [`Warning`] naming the keyword's place.

use serde_json::{Map, Value};

use super::v31::Moves;
use super::walk::{METHODS, SchemaPass, each, one};
use crate::error::Warning;
use crate::pointer::Pointer;

/// The JSON type each scalar keyword of the 3.0 Schema Object must have.
#[derive(Clone, Copy)]
enum Kind {
    /// An annotation: a scalar of another type is written as text.
    Text,
    /// A string that means something (`pattern`, `format`, `type`).
    Word,
    Number,
    Count,
    Flag,
}

const KEYWORDS: [(&str, Kind); 21] = [
    ("title", Kind::Text),
    ("description", Kind::Text),
    ("pattern", Kind::Word),
    ("format", Kind::Word),
    ("type", Kind::Word),
    ("multipleOf", Kind::Number),
    ("maximum", Kind::Number),
    ("minimum", Kind::Number),
    ("maxLength", Kind::Count),
    ("minLength", Kind::Count),
    ("maxItems", Kind::Count),
    ("minItems", Kind::Count),
    ("maxProperties", Kind::Count),
    ("minProperties", Kind::Count),
    ("exclusiveMaximum", Kind::Flag),
    ("exclusiveMinimum", Kind::Flag),
    ("uniqueItems", Kind::Flag),
    ("nullable", Kind::Flag),
    ("readOnly", Kind::Flag),
    ("writeOnly", Kind::Flag),
    ("deprecated", Kind::Flag),
];

/// How many rounds of callback `$ref`s inside copied callbacks are followed
/// (a callback whose operation calls back to itself would never end).
const CALLBACK_ROUNDS: usize = 8;

/// Repairs `raw` in place; returns the warnings, and adds the places
/// callbacks were copied to (and from) to `moves`.
pub fn tolerate(raw: &mut Value, moves: &mut Moves) -> Vec<Warning> {
    let mut t = Tolerance::default();
    t.callback_refs(raw, moves);
    if let Value::Object(doc) = raw {
        t.document(doc);
    }
    t.warnings
}

#[derive(Default)]
struct Tolerance {
    warnings: Vec<Warning>,
}

impl SchemaPass for Tolerance {
    fn schema(&mut self, schema: &mut Value, at: &Pointer) {
        self.repair(schema, at);
    }
}

impl Tolerance {
    fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        self.warnings.push(Warning::new(at, message));
    }

    /// Replaces every operation's callback that is a `$ref` by a copy of
    /// its target (following `$ref`s to `$ref`s), recording the move.
    fn callback_refs(&mut self, raw: &mut Value, moves: &mut Moves) {
        let mut kept: Vec<Pointer> = Vec::new();
        for _ in 0..CALLBACK_ROUNDS {
            let mut places = Vec::new();
            callbacks_in(raw, &Pointer::root(), &mut places);
            places.retain(|p| !kept.contains(p));
            if places.is_empty() {
                return;
            }
            for place in places {
                match resolve(raw, &place) {
                    Some((from, callback)) => {
                        if let Some(slot) = raw.pointer_mut(place.as_json_pointer()) {
                            *slot = callback;
                            moves.push(place, from);
                        }
                    }
                    // A dangling or cyclic `$ref` stays, for the typed parse to name.
                    None => kept.push(place),
                }
            }
        }
    }

    fn repair(&mut self, schema: &mut Value, at: &Pointer) {
        let Value::Object(s) = schema else { return };
        if s.contains_key("$ref") {
            return;
        }
        self.required_flags(s, at);
        each(s, "properties", at, |v, at| self.schema(v, at));
        for key in ["allOf", "oneOf", "anyOf"] {
            each(s, key, at, |v, at| self.schema(v, at));
        }
        for key in ["items", "not", "additionalProperties"] {
            one(s, key, at, |v, at| self.schema(v, at));
        }
        for (keyword, kind) in KEYWORDS {
            self.keyword(s, keyword, kind, at);
        }
        if let Some(Value::Array(required)) = s.get_mut("required") {
            let before = required.len();
            required.retain(Value::is_string);
            if required.len() != before {
                self.warn(&at.join("required"), "`required` lists values that are not property names: left out");
            }
        } else if s.contains_key("required") {
            s.remove("required");
            self.warn(&at.join("required"), "`required` is not a list of property names: left out");
        }
        match s.get("enum") {
            None | Some(Value::Array(_)) => {}
            Some(Value::Null) => {
                s.remove("enum");
                self.warn(&at.join("enum"), "`enum: null` lists nothing: left out (any value of the type)");
            }
            Some(_) => {
                let value = s.remove("enum").unwrap_or_default();
                s.insert("enum".to_owned(), Value::Array(vec![value]));
                self.warn(&at.join("enum"), "`enum` is one value, not a list: read as a list of that value");
            }
        }
    }

    /// `properties: {a: {required: true}}`: `a` is required by its object.
    fn required_flags(&mut self, s: &mut Map<String, Value>, at: &Pointer) {
        let Some(Value::Object(properties)) = s.get_mut("properties") else { return };
        let mut names = Vec::new();
        for (name, property) in properties.iter_mut() {
            let Value::Object(property) = property else { continue };
            let Some(Value::Bool(flag)) = property.get("required").cloned() else { continue };
            property.remove("required");
            self.warn(
                &at.join("properties").join(name).join("required"),
                format!(
                    "`required: {flag}` on a property (Swagger 2.0): read as `{name}` being {}required by its object",
                    if flag { "" } else { "not " }
                ),
            );
            if flag {
                names.push(name.clone());
            }
        }
        if names.is_empty() {
            return;
        }
        let required = s.entry("required").or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = required {
            for name in names {
                if !list.iter().any(|v| v.as_str() == Some(&name)) {
                    list.push(Value::String(name));
                }
            }
        }
    }

    fn keyword(&mut self, s: &mut Map<String, Value>, keyword: &str, kind: Kind, at: &Pointer) {
        let Some(value) = s.get(keyword) else { return };
        let fits = match kind {
            Kind::Text | Kind::Word => value.is_string(),
            Kind::Number => value.is_number(),
            Kind::Count => value.is_u64(),
            Kind::Flag => value.is_boolean(),
        };
        if fits || (value.is_null() && matches!(kind, Kind::Text | Kind::Word)) {
            return;
        }
        let at = at.join(keyword);
        let shown = match value {
            Value::Object(_) => "{…}".to_owned(),
            Value::Array(_) => "[…]".to_owned(),
            _ => value.to_string(),
        };
        let converted = match (kind, value) {
            (Kind::Text, Value::Number(_) | Value::Bool(_)) => Some(Value::String(shown.clone())),
            (Kind::Number, Value::String(text)) => {
                text.trim().parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number)
            }
            (Kind::Count, Value::Number(n)) => n.as_f64().and_then(count),
            (Kind::Count, Value::String(text)) => text.trim().parse::<f64>().ok().and_then(count),
            (Kind::Flag, Value::String(text)) => match text.trim() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            _ => None,
        };
        match converted {
            Some(value) => {
                self.warn(&at, format!("`{keyword}: {shown}` is not a {}: read as `{value}`", kind.name()));
                s.insert(keyword.to_owned(), value);
            }
            None => {
                s.remove(keyword);
                let effect = match keyword {
                    "type" => "the schema allows any JSON type",
                    "pattern" | "format" => "nothing is checked for it",
                    _ => "the schema says less",
                };
                self.warn(&at, format!("`{keyword}: {shown}` is not a {}: left out ({effect})", kind.name()));
            }
        }
    }
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Text | Kind::Word => "string",
            Kind::Number => "number",
            Kind::Count => "non-negative integer",
            Kind::Flag => "boolean",
        }
    }
}

/// A whole, non-negative number as a JSON integer.
fn count(n: f64) -> Option<Value> {
    (n >= 0.0 && n.fract() == 0.0 && n <= u32::MAX as f64).then(|| Value::from(n as u64))
}

/// What the `$ref` at `place` points at (through `$ref`s to `$ref`s), and
/// where; `None` when it dangles, loops or is not an object.
fn resolve(raw: &Value, place: &Pointer) -> Option<(Pointer, Value)> {
    let mut target = place.clone();
    let mut seen = vec![place.clone()];
    loop {
        let value = raw.pointer(target.as_json_pointer())?;
        let Some(reference) = reference_of(value) else {
            return value.is_object().then(|| (target, value.clone()));
        };
        let next = Pointer::from_ref(reference).filter(|next| !seen.contains(next))?;
        seen.push(next.clone());
        target = next;
    }
}

/// The `$ref` of an object that is one.
fn reference_of(value: &Value) -> Option<&str> {
    value.as_object()?.get("$ref")?.as_str()
}

/// The places of operations' callbacks that are `$ref`s (paths, webhooks,
/// components' path items, and callbacks' own operations).
fn callbacks_in(raw: &Value, root: &Pointer, out: &mut Vec<Pointer>) {
    let mut items: Vec<(Pointer, &Value)> = Vec::new();
    items.extend(members(raw.get("paths"), root.join("paths")));
    items.extend(members(raw.get("webhooks"), root.join("webhooks")));
    let components = root.join("components");
    if let Some(c) = raw.get("components") {
        items.extend(members(c.get("pathItems"), components.join("pathItems")));
        for (at, callback) in members(c.get("callbacks"), components.join("callbacks")) {
            items.extend(members(Some(callback), at));
        }
    }
    while let Some((at, item)) = items.pop() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            for (place, callback) in members(op.get("callbacks"), at.join(method).join("callbacks")) {
                if reference_of(callback).is_some() {
                    out.push(place);
                } else {
                    items.extend(members(Some(callback), place));
                }
            }
        }
    }
}

/// The members of an object, each with its place.
fn members(value: Option<&Value>, at: Pointer) -> Vec<(Pointer, &Value)> {
    match value {
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (at.join(k), v)).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::parse::from_value;
    use crate::pointer::Pointer;

    fn document(schemas: serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
        let mut doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": schemas}});
        if let (Some(doc), Some(extra)) = (doc.as_object_mut(), extra.as_object()) {
            doc.extend(extra.clone());
        }
        doc
    }

    fn messages(doc: &crate::parse::Document) -> Vec<String> {
        doc.warnings.iter().map(|w| format!("{} {}", doc.original(&w.pointer), w.message)).collect()
    }

    #[test]
    fn keywords_of_the_wrong_type_are_converted_or_left_out() {
        let doc = from_value(document(
            json!({"A": {"type": "object", "properties": {
                "t": {"type": "string", "pattern": 0, "maxLength": "10", "description": 5},
                "n": {"type": "number", "maximum": "2.5", "nullable": "true", "minimum": "low"},
                "k": {"type": {"type": "string"}, "readOnly": 1}}}}),
            json!({}),
        ))
        .expect("read after the repairs");
        let raw = &doc.raw["components"]["schemas"]["A"]["properties"];
        assert_eq!(raw["t"], json!({"type": "string", "maxLength": 10, "description": "5"}));
        assert_eq!(raw["n"], json!({"type": "number", "maximum": 2.5, "nullable": true}));
        assert_eq!(raw["k"], json!({}));
        let warnings = messages(&doc);
        assert_eq!(warnings.len(), 8, "{warnings:#?}");
        assert!(warnings.contains(&"#/components/schemas/A/properties/t/pattern `pattern: 0` is not a string: left out (nothing is checked for it)".to_owned()), "{warnings:#?}");
        assert!(warnings.contains(&"#/components/schemas/A/properties/k/type `type: {…}` is not a string: left out (the schema allows any JSON type)".to_owned()), "{warnings:#?}");
    }

    #[test]
    fn swagger_required_flags_go_to_the_object() {
        let doc = from_value(document(
            json!({"A": {"type": "object", "required": ["b"], "properties": {
                "a": {"type": "string", "required": true}, "b": {"type": "string"},
                "c": {"type": "string", "required": false}}}}),
            json!({}),
        ))
        .expect("read");
        assert_eq!(doc.raw["components"]["schemas"]["A"]["required"], json!(["b", "a"]));
        assert_eq!(doc.warnings.len(), 2);
    }

    #[test]
    fn referenced_callbacks_are_copied_in_place() {
        let callback = json!({"{$request.body#/url}": {"post": {"responses": {"200": {"description": "ok"}}}}});
        let operation = json!({"responses": {"200": {"description": "ok"}},
            "callbacks": {"done": {"$ref": "#/components/callbacks/Done"}, "gone": {"$ref": "#/components/callbacks/Alias"}}});
        let mut raw = document(json!({}), json!({"paths": {"/jobs": {"post": operation}}}));
        raw["components"]["callbacks"] = json!({"Done": callback, "Alias": {"$ref": "#/components/callbacks/Done"}});
        let doc = from_value(raw).expect("read");
        let op = doc.openapi.paths.paths["/jobs"].as_item().and_then(|i| i.post.as_ref()).expect("post");
        assert_eq!(op.callbacks.len(), 2);
        assert!(op.callbacks["gone"]["{$request.body#/url}"].post.is_some());
        assert!(doc.warnings.is_empty());
        let inside = Pointer::root().join("paths").join("/jobs").join("post").join("callbacks").join("gone").join("x");
        assert_eq!(doc.original(&inside).to_string(), "#/components/callbacks/Done/x");
    }

    #[test]
    fn a_dangling_callback_reference_is_still_an_error() {
        let operation = json!({"responses": {"200": {"description": "ok"}},
            "callbacks": {"done": {"$ref": "#/components/callbacks/Nowhere"}}});
        let raw = document(json!({}), json!({"paths": {"/jobs": {"post": operation}}}));
        assert!(from_value(raw).is_err());
    }
}
