//! The places of an OpenAPI document that hold schemas, walked on the JSON
//! tree (for the passes that rewrite it before the typed parse: the 3.1
//! translation and the repairs).

use serde_json::{Map, Value};

use crate::pointer::Pointer;

pub(super) const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// A pass over every schema a document holds (each top-level one; its
/// subschemas are the pass's own business), at its place.
pub(super) trait SchemaPass {
    fn schema(&mut self, schema: &mut Value, at: &Pointer);

    /// Paths, webhooks and components.
    fn document(&mut self, doc: &mut Map<String, Value>) {
        let root = Pointer::root();
        for key in ["paths", "webhooks"] {
            each(doc, key, &root, |item, at| self.path_item(item, at));
        }
        let at = root.join("components");
        let Some(Value::Object(components)) = doc.get_mut("components") else { return };
        each(components, "schemas", &at, |v, at| self.schema(v, at));
        each(components, "parameters", &at, |v, at| self.parameter(v, at));
        each(components, "headers", &at, |v, at| self.parameter(v, at));
        each(components, "responses", &at, |v, at| self.body(v, at));
        each(components, "requestBodies", &at, |v, at| self.body(v, at));
        each(components, "pathItems", &at, |v, at| self.path_item(v, at));
        each(components, "callbacks", &at, |v, at| self.callback(v, at));
    }

    fn path_item(&mut self, item: &mut Value, at: &Pointer) {
        let Value::Object(item) = item else { return };
        each(item, "parameters", at, |v, at| self.parameter(v, at));
        for method in METHODS {
            let Some(Value::Object(op)) = item.get_mut(method) else { continue };
            let at = at.join(method);
            each(op, "parameters", &at, |v, at| self.parameter(v, at));
            one(op, "requestBody", &at, |v, at| self.body(v, at));
            each(op, "responses", &at, |v, at| self.body(v, at));
            each(op, "callbacks", &at, |v, at| self.callback(v, at));
        }
    }

    fn callback(&mut self, callback: &mut Value, at: &Pointer) {
        if let Value::Object(callback) = callback {
            for (expression, item) in callback.iter_mut() {
                self.path_item(item, &at.join(expression));
            }
        }
    }

    /// A parameter or a header.
    fn parameter(&mut self, parameter: &mut Value, at: &Pointer) {
        let Value::Object(parameter) = parameter else { return };
        one(parameter, "schema", at, |v, at| self.schema(v, at));
        each(parameter, "content", at, |v, at| self.media(v, at));
    }

    /// A request body or a response.
    fn body(&mut self, body: &mut Value, at: &Pointer) {
        let Value::Object(body) = body else { return };
        each(body, "content", at, |v, at| self.media(v, at));
        each(body, "headers", at, |v, at| self.parameter(v, at));
    }

    fn media(&mut self, media: &mut Value, at: &Pointer) {
        let Value::Object(media) = media else { return };
        one(media, "schema", at, |v, at| self.schema(v, at));
        let Some(Value::Object(encodings)) = media.get_mut("encoding") else { return };
        for (name, encoding) in encodings.iter_mut() {
            if let Value::Object(encoding) = encoding {
                each(encoding, "headers", &at.join("encoding").join(name), |v, at| self.parameter(v, at));
            }
        }
    }
}

/// Calls `f` on every member of `parent[key]` (an object's values or an
/// array's items), at its original place.
pub(super) fn each(parent: &mut Map<String, Value>, key: &str, at: &Pointer, mut f: impl FnMut(&mut Value, &Pointer)) {
    let at = at.join(key);
    match parent.get_mut(key) {
        Some(Value::Object(map)) => map.iter_mut().for_each(|(k, v)| f(v, &at.join(k))),
        Some(Value::Array(items)) => items.iter_mut().enumerate().for_each(|(i, v)| f(v, &at.join(i))),
        _ => {}
    }
}

/// Calls `f` on `parent[key]` when it is an object.
pub(super) fn one(parent: &mut Map<String, Value>, key: &str, at: &Pointer, f: impl FnOnce(&mut Value, &Pointer)) {
    if let Some(v) = parent.get_mut(key).filter(|v| v.is_object()) {
        f(v, &at.join(key));
    }
}
