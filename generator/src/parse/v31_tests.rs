//! One test per 3.1 keyword the translation rewrites.

use serde_json::{Value, json};

use super::*;

/// Translates a document whose only content is `components.schemas.S`.
fn schema(s: Value) -> (Value, Translation) {
    let t = translate(json!({"openapi": "3.1.0", "components": {"schemas": {"S": s}}}));
    (t.raw["components"]["schemas"]["S"].clone(), t)
}

fn at(path: &str) -> Pointer {
    Pointer::from_ref(path).expect("a local pointer")
}

fn warned(t: &Translation) -> Vec<String> {
    t.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn a_type_list_with_null_is_nullable() {
    let (s, t) = schema(json!({"type": ["string", "null"], "maxLength": 3}));
    assert_eq!(s, json!({"type": "string", "nullable": true, "maxLength": 3}));
    assert!(t.warnings.is_empty());
    assert_eq!(schema(json!({"type": ["null"]})).0, json!({"nullable": true}));
    assert_eq!(schema(json!({"type": ["integer"]})).0, json!({"type": "integer"}));
}

#[test]
fn a_type_list_of_several_types_is_a_one_of_with_each_types_keywords() {
    let (s, t) = schema(json!({
        "type": ["string", "integer", "null"], "description": "d", "maxLength": 3, "minimum": 1, "format": "int64"
    }));
    assert_eq!(
        s,
        json!({
            "description": "d", "nullable": true,
            "oneOf": [{"type": "integer", "minimum": 1, "format": "int64"}, {"type": "string", "maxLength": 3}]
        })
    );
    assert_eq!(
        t.moves.original(&at("#/components/schemas/S/oneOf/1/maxLength")),
        at("#/components/schemas/S/maxLength")
    );
    // Beside an enum, the values say the types.
    assert_eq!(schema(json!({"type": ["string", "integer"], "enum": ["a", 1]})).0, json!({"enum": ["a", 1]}));
}

#[test]
fn const_is_a_single_value_enum_and_null_in_an_enum_is_nullable() {
    assert_eq!(schema(json!({"const": "on"})).0, json!({"enum": ["on"], "type": "string"}));
    assert_eq!(schema(json!({"enum": [1, 2.5]})).0, json!({"enum": [1, 2.5], "type": "number"}));
    assert_eq!(schema(json!({"enum": ["a", 1]})).0, json!({"enum": ["a", 1]}));
    assert_eq!(
        schema(json!({"type": ["string", "null"], "enum": ["a", null]})).0,
        json!({"type": "string", "enum": ["a"], "nullable": true})
    );
    assert_eq!(schema(json!({"enum": [null]})).0, json!({"enum": [null]}));
    assert_eq!(schema(json!({"enum": ["a", null]})).0, json!({"enum": ["a"], "nullable": true, "type": "string"}));
}

#[test]
fn type_null_is_nullable() {
    let (s, t) = schema(json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]}));
    assert_eq!(s, json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"nullable": true}]}));
    assert!(t.warnings.is_empty());
    let (s, t) = schema(json!({"type": "null", "description": "d"}));
    assert_eq!(s, json!({"nullable": true, "description": "d"}));
    assert_eq!(
        warned(&t),
        ["#/components/schemas/S/type: `type: null` (only `null`): read as a nullable value of any JSON type"]
    );
}

#[test]
fn numeric_exclusive_bounds_are_3_0_booleans() {
    assert_eq!(
        schema(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10})).0,
        json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true})
    );
    // The stricter of the two bounds.
    assert_eq!(
        schema(json!({"type": "number", "minimum": 5, "exclusiveMinimum": 0})).0,
        json!({"type": "number", "minimum": 5})
    );
    assert_eq!(
        schema(json!({"type": "number", "maximum": 5, "exclusiveMaximum": 3})).0,
        json!({"type": "number", "maximum": 3, "exclusiveMaximum": true})
    );
}

#[test]
fn schema_examples_are_the_first_example() {
    let (s, t) = schema(json!({"type": "string", "examples": ["a", "b"]}));
    assert_eq!(s, json!({"type": "string", "example": "a"}));
    assert_eq!(t.moves.original(&at("#/components/schemas/S/example")), at("#/components/schemas/S/examples/0"));
    // A media type's `examples` (a map of Example objects) stays as it is.
    let t = translate(json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {"200": {
        "description": "ok", "content": {"application/json": {"examples": {"one": {"value": 1}}}}}}}}}}));
    let media = &t.raw["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
    assert_eq!(media["examples"], json!({"one": {"value": 1}}));
}

#[test]
fn a_ref_beside_annotations_stays_a_ref() {
    let (s, t) = schema(json!({"$ref": "#/components/schemas/T", "description": "d", "x-a": 1, "readOnly": true}));
    assert_eq!(s, json!({"$ref": "#/components/schemas/T", "description": "d", "x-a": 1, "readOnly": true}));
    assert!(t.moves.moves.is_empty());
}

#[test]
fn a_ref_beside_constraints_is_all_of_the_ref() {
    let (s, t) = schema(json!({"$ref": "#/components/schemas/T", "description": "d", "nullable": true}));
    assert_eq!(s, json!({"allOf": [{"$ref": "#/components/schemas/T"}], "description": "d", "nullable": true}));
    assert_eq!(t.moves.original(&at("#/components/schemas/S/allOf/0/$ref")), at("#/components/schemas/S/$ref"));
    let (s, _) = schema(json!({"$ref": "#/components/schemas/T", "allOf": [{"required": ["a"]}]}));
    assert_eq!(s, json!({"allOf": [{"required": ["a"]}, {"$ref": "#/components/schemas/T"}]}));
}

#[test]
fn other_constraints_beside_a_ref_are_not_checked() {
    let (s, t) =
        schema(json!({"$ref": "#/components/schemas/T", "maxLength": 80, "nullable": true, "description": "d"}));
    assert_eq!(s, json!({"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true, "description": "d"}));
    assert_eq!(
        warned(&t),
        ["#/components/schemas/S: `maxLength` beside `$ref`: not checked; the referenced schema is used as it is"]
    );
    let (s, _) = schema(json!({"$ref": "#/components/schemas/T", "minLength": 1}));
    assert_eq!(s, json!({"$ref": "#/components/schemas/T"}));
}

#[test]
fn type_null_beside_a_composition_is_nullable() {
    let (s, t) = schema(json!({"oneOf": [{"type": "string"}, {"type": "number"}], "type": "null"}));
    assert_eq!(s, json!({"oneOf": [{"type": "string"}, {"type": "number"}], "nullable": true}));
    assert_eq!(t.warnings[0].pointer, at("#/components/schemas/S/type"));
}

#[test]
fn defs_are_component_schemas_and_refs_into_them_follow() {
    let t = translate(json!({"openapi": "3.1.0", "components": {"schemas": {
        "S": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/S/$defs/D/properties/b"}},
              "$defs": {"D": {"properties": {"b": {"const": 1}}, "definitions": {"E": {"$ref": "#/components/schemas/S/$defs/D/definitions/E"}}}}},
        "S.D": {"type": "string"}
    }}}));
    let schemas = &t.raw["components"]["schemas"];
    assert!(schemas["S"].get("$defs").is_none());
    // Inner ones first; a key taken gets the first free number.
    assert_eq!(schemas["S.D.E"]["$ref"], json!("#/components/schemas/S.D.E"));
    assert_eq!(schemas["S.D2"], json!({"properties": {"b": {"enum": [1], "type": "integer"}}}));
    assert_eq!(schemas["S"]["properties"]["a"]["$ref"], json!("#/components/schemas/S.D2/properties/b"));
    assert_eq!(
        t.moves.original(&at("#/components/schemas/S.D2/properties/b/enum")),
        at("#/components/schemas/S/$defs/D/properties/b/enum")
    );
    assert!(t.warnings.is_empty());
}

#[test]
fn defs_no_reference_reaches_are_left_out() {
    let (s, t) = schema(json!({"type": "object", "$defs": {"D": {"type": "string"}}}));
    assert_eq!(s, json!({"type": "object"}));
    assert_eq!(t.raw["components"]["schemas"].as_object().map(|m| m.len()), Some(1));
}

#[test]
fn false_properties_are_left_out_with_a_warning() {
    let (s, t) =
        schema(json!({"type": "object", "properties": {"a": {"type": "string"}, "additionalProperties": false}}));
    assert_eq!(s, json!({"type": "object", "properties": {"a": {"type": "string"}}}));
    assert_eq!(t.warnings[0].pointer, at("#/components/schemas/S/properties/additionalProperties"));
}

#[test]
fn unknown_keywords_are_ignored_with_a_warning_and_annotations_without() {
    let (s, t) = schema(json!({"type": "object", "$id": "x", "$comment": "c", "cooldown": {"type": "integer"}}));
    assert_eq!(s, json!({"type": "object"}));
    assert_eq!(
        warned(&t),
        [
            "#/components/schemas/S/cooldown: `cooldown` is not a schema keyword of OpenAPI 3.1; ignored, as JSON Schema ignores unknown keywords"
        ]
    );
}

#[test]
fn content_encoding_and_media_type_are_formats() {
    assert_eq!(
        schema(json!({"type": "string", "contentEncoding": "base64"})).0,
        json!({"type": "string", "format": "byte"})
    );
    assert_eq!(
        schema(json!({"type": "string", "contentMediaType": "image/png"})).0,
        json!({"type": "string", "format": "binary"})
    );
    assert_eq!(schema(json!({"type": "string", "contentMediaType": "text/html"})).0, json!({"type": "string"}));
    assert_eq!(
        schema(json!({"type": "string", "format": "uri", "contentEncoding": "base64"})).0,
        json!({"type": "string", "format": "uri"})
    );
}

#[test]
fn tuples_are_arrays_of_what_their_places_share() {
    let (s, t) =
        schema(json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "number"}], "items": false}));
    assert_eq!(s, json!({"type": "array", "items": {"type": "number"}, "maxItems": 2}));
    assert!(t.warnings.is_empty());
    let (s, t) = schema(json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}]}));
    assert_eq!(s, json!({"type": "array", "items": {}}));
    assert_eq!(
        warned(&t),
        [
            "#/components/schemas/S/prefixItems: a tuple (`prefixItems`) whose places differ: an array of any JSON values"
        ]
    );
}

#[test]
fn pattern_properties_are_a_map() {
    let (s, t) = schema(json!({"type": "object", "patternProperties": {"^x-": {"type": ["string", "null"]}}}));
    assert_eq!(s, json!({"type": "object", "additionalProperties": {"type": "string", "nullable": true}}));
    assert_eq!(t.warnings.len(), 1);
    assert_eq!(t.warnings[0].pointer, at("#/components/schemas/S/patternProperties"));
}

#[test]
fn boolean_schemas_are_objects() {
    let (s, _) = schema(json!({"type": "object", "properties": {"a": true}, "additionalProperties": false}));
    assert_eq!(s, json!({"type": "object", "properties": {"a": {}}, "additionalProperties": false}));
    // Nothing is allowed: refused by lowering as the `not` it is.
    assert_eq!(schema(json!({"type": "array", "items": false})).0, json!({"type": "array", "items": {"not": {}}}));
}

#[test]
fn keywords_without_a_3_0_form_are_warned_about() {
    let (_, t) = schema(json!({"type": "object", "if": {"required": ["a"]}, "then": {"required": ["b"]}}));
    assert_eq!(
        warned(&t),
        [
            "#/components/schemas/S/if: `if` (OpenAPI 3.1) is not checked",
            "#/components/schemas/S/then: `then` (OpenAPI 3.1) is not checked"
        ]
    );
}

#[test]
fn subschemas_are_translated_at_their_places() {
    let (s, _) = schema(json!({
        "type": "object",
        "properties": {"a": {"type": ["integer", "null"]}},
        "additionalProperties": {"const": 1},
        "items": {"type": ["boolean", "null"]},
        "allOf": [{"const": 2}]
    }));
    assert_eq!(s["properties"]["a"], json!({"type": "integer", "nullable": true}));
    assert_eq!(s["additionalProperties"], json!({"enum": [1], "type": "integer"}));
    assert_eq!(s["items"], json!({"type": "boolean", "nullable": true}));
    assert_eq!(s["allOf"][0], json!({"enum": [2], "type": "integer"}));
}

#[test]
fn every_schema_position_of_the_document_is_translated() {
    let nullable = json!({"type": ["string", "null"]});
    let op = json!({
        "parameters": [{"name": "p", "in": "query", "schema": nullable}],
        "requestBody": {"content": {"application/json": {"schema": nullable}}},
        "responses": {"200": {"description": "ok", "headers": {"h": {"schema": nullable}},
            "content": {"application/json": {"schema": nullable}}}},
        "callbacks": {"c": {"{$url}": {"post": {"requestBody": {"content": {"application/json": {"schema": nullable}}}}}}}
    });
    let t = translate(json!({
        "openapi": "3.1.0",
        "paths": {"/a": {"get": op}},
        "webhooks": {"w": {"post": op}},
        "components": {"pathItems": {"P": {"get": op}}, "parameters": {"q": {"name": "q", "in": "query", "schema": nullable}}}
    }));
    let text = t.raw.to_string();
    assert!(!text.contains("[\"string\",\"null\"]"), "{text}");
    assert_eq!(text.matches("\"nullable\":true").count(), 3 * 5 + 1, "{text}");
}

#[test]
fn document_level_keywords() {
    let t = translate(json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1", "summary": "s"},
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base"}));
    assert_eq!(t.raw["paths"], json!({}));
    assert_eq!(t.raw["info"]["description"], json!("s"));
    assert!(t.raw.get("jsonSchemaDialect").is_none());
    assert!(t.warnings.is_empty());
    let t = translate(json!({"openapi": "3.1.0", "jsonSchemaDialect": "https://example.com/dialect"}));
    assert_eq!(t.warnings[0].pointer, at("#/jsonSchemaDialect"));
}

#[test]
fn nested_moves_map_back_through_each_rewrite() {
    let (s, t) = schema(json!({
        "type": ["object", "string"],
        "properties": {"a": {"$ref": "#/components/schemas/T", "nullable": true}}
    }));
    assert_eq!(s["oneOf"][0]["properties"]["a"]["allOf"][0], json!({"$ref": "#/components/schemas/T"}));
    assert_eq!(
        t.moves.original(&at("#/components/schemas/S/oneOf/0/properties/a/allOf/0/$ref")),
        at("#/components/schemas/S/properties/a/$ref")
    );
}

#[test]
fn keywords_of_a_type_beside_typed_parts_go_into_the_parts_of_that_type() {
    let (s, _) = schema(json!({
        "description": "d", "items": {"type": "string"}, "maxItems": 20, "format": "email",
        "oneOf": [{"type": "array"}, {"type": "string"}]
    }));
    assert_eq!(
        s,
        json!({"description": "d", "oneOf": [
            {"type": "array", "items": {"type": "string"}, "maxItems": 20},
            {"type": "string", "format": "email"}
        ]})
    );
    // Beside a `$ref` part nothing moves: the referenced type is not known here.
    let (s, _) = schema(json!({"maxLength": 2, "anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "string"}]}));
    assert_eq!(s["maxLength"], json!(2));
}
