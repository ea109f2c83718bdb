//! Text (YAML or JSON) → [`Document`]: the typed `openapiv3` model plus the
//! raw JSON tree it came from.
//!
//! OpenAPI 3.0 documents are read as they are; 3.1 documents go through
//! [`v31`] first, a translation of the JSON tree into the 3.0 one that says
//! the same (with warnings where it cannot say all of it).
//!
//! The raw tree is kept because `openapiv3` ignores keywords it does not know
//! (the pinning spec's `minProperties` inside `additionalProperties`, or a
//! misspelt `requried`), and lowering must see them rather than drop them.

use openapiv3::OpenAPI;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Result, Warning};
use crate::pointer::Pointer;

mod tolerate;
pub mod v31;
mod walk;

use walk::METHODS;

/// Every keyword of the OpenAPI 3.0 Schema Object. Lowering refuses anything
/// else that is not an `x-` extension, so a misspelt `requried` or a JSON
/// Schema 2020-12 keyword in a 3.0 document is reported instead of silently
/// ignored; the 3.1 translation ([`v31`]) leaves only these.
pub const SCHEMA_KEYWORDS: &[&str] = &[
    "$ref",
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

/// A parsed OpenAPI document, as 3.0.
#[derive(Debug, Clone)]
pub struct Document {
    pub openapi: OpenAPI,
    /// The JSON tree `openapi` was read from (a 3.1 document's translation).
    pub raw: Value,
    /// What reading the document approximated (the 3.1 translation's).
    pub warnings: Vec<Warning>,
    /// Where places of `raw` are in the original document.
    pub moves: v31::Moves,
}

impl Document {
    /// The place in the original document of a place in `raw`.
    pub fn original(&self, at: &Pointer) -> Pointer {
        self.moves.original(at)
    }
}

/// JSON documents at least this large are read twice at once (see [`parse`]).
const READ_TYPED_BESIDE: usize = 1 << 20;

/// Parses YAML or JSON text. JSON is recognised by its leading `{` and read
/// with `serde_json` (faster on large specs); anything else is read as YAML.
///
/// A large JSON document is also read straight into the typed model on a
/// second thread while this one builds the JSON tree and repairs it; when
/// the document is 3.0 and needed no repair, that model is the one the tree
/// would give, and reading it again from the tree is skipped (GitHub's
/// description, each step timed on one thread: ~366 ms before lowering
/// becomes ~180 ms when the second core is free).
pub fn parse(text: &str) -> Result<Document> {
    let json = text.trim_start().starts_with('{');
    if json && text.len() >= READ_TYPED_BESIDE {
        return std::thread::scope(|scope| {
            // No thread to be had: the tree alone, as for a small document.
            let typed =
                std::thread::Builder::new().spawn_scoped(scope, || serde_json::from_str::<OpenAPI>(text).ok()).ok();
            let raw = read_json(text)?;
            read_document(raw, || typed.and_then(|typed| typed.join().ok().flatten()))
        });
    }
    let raw: Value = if json {
        read_json(text)?
    } else {
        yaml_serde::from_str(text).map_err(|e| {
            let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
            Error::Syntax { pointer: Pointer::root(), line, column, message: e.to_string() }
        })?
    };
    from_value(raw)
}

fn read_json(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| Error::Syntax {
        pointer: Pointer::root(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// Checks the version and deserializes the typed model from a JSON tree.
pub fn from_value(raw: Value) -> Result<Document> {
    read_document(raw, || None)
}

/// [`from_value`], taking the typed model from `read_beside` (the same
/// document read straight from its text) when the tree is a 3.0 document
/// the repairs left as it was.
fn read_document(raw: Value, read_beside: impl FnOnce() -> Option<OpenAPI>) -> Result<Document> {
    let root = Pointer::root();
    let Some(object) = raw.as_object() else {
        return Err(Error::malformed(&root, "an OpenAPI document must be an object"));
    };
    // Read as written: neither translated from 3.1 nor (below) repaired.
    let written_3_0 = matches!(object.get("openapi"), Some(Value::String(v)) if is_3_0(v));
    let (mut raw, mut warnings, mut moves) = match object.get("openapi") {
        Some(Value::String(v)) if is_3_0(v) => (raw, Vec::new(), v31::Moves::default()),
        Some(Value::String(v)) if v.starts_with("3.1.") || v == "3.1" => {
            let translation = v31::translate(raw);
            (translation.raw, translation.warnings, translation.moves)
        }
        Some(Value::String(v)) => {
            return Err(Error::unsupported(
                &root.join("openapi"),
                format!("OpenAPI version {v}; this generator reads OpenAPI 3.0.x and 3.1.x"),
            ));
        }
        Some(_) => return Err(Error::malformed(&root.join("openapi"), "`openapi` must be a string")),
        None if object.contains_key("swagger") => {
            return Err(Error::unsupported(
                &root.join("swagger"),
                "Swagger 2.0; convert the document to OpenAPI 3.0 first",
            ));
        }
        None => return Err(Error::malformed(&root, "missing the `openapi` version field")),
    };
    warnings.extend(tolerate::tolerate(&mut raw, &mut moves));
    // Every repair is a warning or a move (`tolerate`'s invariant).
    let as_written = written_3_0 && warnings.is_empty() && moves.is_empty();
    if as_written && let Some(openapi) = read_beside() {
        return Ok(Document { openapi, raw, warnings, moves });
    }
    // Without tracking the path first (that costs a third of the read): the
    // path is only wanted for an error, so a document that fails is read
    // again with it.
    if let Ok(openapi) = OpenAPI::deserialize(&raw) {
        return Ok(Document { openapi, raw, warnings, moves });
    }
    match serde_path_to_error::deserialize::<_, OpenAPI>(&raw) {
        Ok(openapi) => Ok(Document { openapi, raw, warnings, moves }),
        Err(coarse) => {
            let fallback = Error::malformed(&to_pointer(&root, coarse.path()), coarse.inner().to_string());
            let error = locate(&raw, Node::Document, &root).unwrap_or(fallback);
            Err(moves.relocate(error))
        }
    }
}

fn is_3_0(version: &str) -> bool {
    version.starts_with("3.0.") || version == "3.0"
}

/// The kinds of OpenAPI objects `locate` knows how to descend into.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Node {
    Document,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Schema,
    SecurityScheme,
    Example,
}

/// `openapiv3` deserializes through untagged enums (`ReferenceOr`, schema
/// kinds), which hide where inside them an error is. This re-deserializes
/// each sub-object on its own, deepest first, so the error names the exact
/// object (`#/paths/~1pins/get/responses/200`) and not just `#/paths`.
fn locate(value: &Value, node: Node, at: &Pointer) -> Option<Error> {
    let object = value.as_object()?;
    let mut children: Vec<Child<'_>> = Vec::new();
    let out = &mut children;
    let is_ref = object.contains_key("$ref");
    match node {
        Node::Document => {
            each(out, value, "paths", Node::PathItem, at);
            if let Some(components) = object.get("components") {
                let base = at.join("components");
                for (key, kind) in [
                    ("schemas", Node::Schema),
                    ("parameters", Node::Parameter),
                    ("responses", Node::Response),
                    ("requestBodies", Node::RequestBody),
                    ("headers", Node::Header),
                    ("securitySchemes", Node::SecurityScheme),
                    ("examples", Node::Example),
                ] {
                    each(out, components, key, kind, &base);
                }
            }
        }
        _ if is_ref => {}
        Node::PathItem => {
            for method in METHODS {
                one(out, value, method, Node::Operation, at);
            }
            each(out, value, "parameters", Node::Parameter, at);
        }
        Node::Operation => {
            each(out, value, "parameters", Node::Parameter, at);
            one(out, value, "requestBody", Node::RequestBody, at);
            each(out, value, "responses", Node::Response, at);
        }
        Node::Parameter | Node::Header => {
            one(out, value, "schema", Node::Schema, at);
            each(out, value, "content", Node::MediaType, at);
        }
        Node::RequestBody | Node::Response => {
            each(out, value, "content", Node::MediaType, at);
            each(out, value, "headers", Node::Header, at);
        }
        Node::MediaType => {
            one(out, value, "schema", Node::Schema, at);
            each(out, value, "examples", Node::Example, at);
        }
        Node::Schema => {
            each(out, value, "properties", Node::Schema, at);
            one(out, value, "items", Node::Schema, at);
            one(out, value, "additionalProperties", Node::Schema, at);
            one(out, value, "not", Node::Schema, at);
            for key in ["allOf", "oneOf", "anyOf"] {
                each(out, value, key, Node::Schema, at);
            }
        }
        Node::SecurityScheme | Node::Example => {}
    }
    for (pointer, child, kind) in children {
        if let Some(error) = locate(child, kind, &pointer) {
            return Some(error);
        }
    }
    // Inside an untagged `ReferenceOr<T>` an error loses its path, so an
    // object that is not a `$ref` is checked as the `T` itself.
    use openapiv3::ReferenceOr as R;
    let own = match (node, is_ref) {
        (Node::Document, _) => check::<OpenAPI>(value),
        (Node::Operation, _) => check::<openapiv3::Operation>(value),
        (Node::MediaType, _) => check::<openapiv3::MediaType>(value),
        (Node::PathItem, false) => check::<openapiv3::PathItem>(value),
        (Node::Parameter, false) => check::<openapiv3::Parameter>(value),
        (Node::RequestBody, false) => check::<openapiv3::RequestBody>(value),
        (Node::Response, false) => check::<openapiv3::Response>(value),
        (Node::Header, false) => check::<openapiv3::Header>(value),
        (Node::Schema, false) => check::<openapiv3::Schema>(value),
        (Node::SecurityScheme, false) => check::<openapiv3::SecurityScheme>(value),
        (Node::Example, false) => check::<openapiv3::Example>(value),
        (_, true) => check::<R<()>>(value),
    };
    own.map(|(path, message)| Error::malformed(&to_pointer(at, &path), message))
}

type Child<'v> = (Pointer, &'v Value, Node);

/// Every member of `parent[key]` (an object's values or an array's items).
fn each<'v>(out: &mut Vec<Child<'v>>, parent: &'v Value, key: &str, kind: Node, base: &Pointer) {
    match parent.get(key) {
        Some(Value::Object(map)) => {
            out.extend(map.iter().map(|(k, v)| (base.join(key).join(k), v, kind)));
        }
        Some(Value::Array(items)) => {
            out.extend(items.iter().enumerate().map(|(i, v)| (base.join(key).join(i), v, kind)));
        }
        _ => {}
    }
}

/// `parent[key]` itself, when it is an object.
fn one<'v>(out: &mut Vec<Child<'v>>, parent: &'v Value, key: &str, kind: Node, at: &Pointer) {
    if let Some(v) = parent.get(key).filter(|v| v.is_object()) {
        out.push((at.join(key), v, kind));
    }
}

fn check<T: DeserializeOwned>(value: &Value) -> Option<(serde_path_to_error::Path, String)> {
    serde_path_to_error::deserialize::<_, T>(value).err().map(|e| (e.path().clone(), e.inner().to_string()))
}

fn to_pointer(base: &Pointer, path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter().fold(base.clone(), |p, segment| match segment {
        Segment::Seq { index } => p.join(index),
        Segment::Map { key } => p.join(key),
        Segment::Enum { .. } | Segment::Unknown => p,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> Error {
        parse(text).expect_err("the document is broken")
    }

    /// `yaml` as JSON text over [`READ_TYPED_BESIDE`] (a long description).
    fn large_json(yaml: &str) -> String {
        let mut value: Value = yaml_serde::from_str(yaml).expect("the fixture is YAML");
        value["info"]["description"] = Value::String("x".repeat(READ_TYPED_BESIDE));
        serde_json::to_string(&value).expect("it prints")
    }

    /// What the one-thread path reads from `text`.
    fn read_in_turn(text: &str) -> Document {
        from_value(serde_json::from_str(text).expect("JSON")).expect("it reads")
    }

    #[test]
    fn a_large_document_read_on_two_threads_is_the_one_read_in_turn() {
        for fixture in [
            include_str!("../tests/fixtures/responses.yaml"),
            include_str!("../tests/fixtures/openapi_3_1.yaml"),
            // Repaired before the typed parse (`maximum: "10"` and others).
            include_str!("../tests/fixtures/schema_compositions_2.yaml"),
        ] {
            let text = large_json(fixture);
            assert!(text.len() > READ_TYPED_BESIDE);
            let (both, in_turn) = (parse(&text).expect("it reads"), read_in_turn(&text));
            assert_eq!(both.openapi, in_turn.openapi);
            assert_eq!(both.raw, in_turn.raw);
            assert_eq!(both.warnings.len(), in_turn.warnings.len());
        }
    }

    #[test]
    fn the_model_read_beside_is_taken_only_for_a_3_0_document_left_as_written() {
        let beside = || Some(OpenAPI { openapi: "beside".into(), ..OpenAPI::default() });
        let read = |yaml: &str| {
            let raw: Value = yaml_serde::from_str(yaml).expect("YAML");
            read_document(raw, beside).expect("it reads").openapi.openapi
        };
        assert_eq!(read(include_str!("../tests/fixtures/responses.yaml")), "beside");
        assert_ne!(read(include_str!("../tests/fixtures/openapi_3_1.yaml")), "beside");
        assert_ne!(read(include_str!("../tests/fixtures/schema_compositions_2.yaml")), "beside");
    }

    #[test]
    fn yaml_syntax_errors_carry_line_and_column() {
        match err("openapi: 3.0.0\ninfo: [1,\n  b: }\n") {
            Error::Syntax { line, .. } => assert!(line >= 2),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn type_errors_name_the_innermost_object() {
        let text = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},
            "paths":{"/pins":{"get":{"responses":{"200":{"description":5}}}}}}"#;
        let e = err(text);
        assert_eq!(e.pointer().to_string(), "#/paths/~1pins/get/responses/200/description", "{e}");
    }

    #[test]
    fn other_versions_are_refused() {
        let e = err("openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
        assert!(matches!(e, Error::Unsupported { .. }), "{e}");
        assert_eq!(e.pointer().to_string(), "#/openapi");
        let e = err("swagger: '2.0'\n");
        assert_eq!(e.pointer().to_string(), "#/swagger");
    }

    #[test]
    fn openapi_3_1_is_read_through_the_translation() {
        let text = r#"{"openapi":"3.1.0","info":{"title":"t","version":"1","summary":"s"},
            "components":{"schemas":{"A":{"type":["string","null"],"examples":["x"]}}}}"#;
        let doc = parse(text).expect("a 3.1 document without paths is read");
        assert!(doc.openapi.paths.paths.is_empty());
        assert_eq!(doc.openapi.info.description.as_deref(), Some("s"));
        let a = &doc.openapi.components.as_ref().unwrap().schemas["A"];
        let openapiv3::ReferenceOr::Item(a) = a else { panic!("{a:?}") };
        assert!(a.schema_data.nullable);
        assert_eq!(a.schema_data.example, Some(serde_json::json!("x")));
        let example = Pointer::root().join("components").join("schemas").join("A").join("example");
        assert_eq!(doc.original(&example).to_string(), "#/components/schemas/A/examples/0");
    }

    #[test]
    fn errors_in_a_3_1_document_name_the_original_place() {
        let text = r#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},
            "components":{"schemas":{"A":{"type":["string","integer"],"maxLength":"five","externalDocs":5}}}}"#;
        // Read as `oneOf/1` of the rewritten tree, which the original does not have.
        let e = err(text);
        assert_eq!(e.pointer().to_string(), "#/components/schemas/A", "{e}");
    }
}
