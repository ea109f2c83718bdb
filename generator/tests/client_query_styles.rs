//! The client emitter on query and path parameters it cannot send: each is
//! refused with the pointer of the construct, never sent some other way.
//! (What it can send is proven on the wire by the `query_styles` fixture's
//! compiled tests.)

use generator::Error;
use serde_json::{Value, json};

/// A spec with one `GET /things/{id}` operation with these parameters.
fn spec(parameters: Value) -> String {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Things", "version": "1.0.0" },
        "paths": { "/things/{id}": { "get": {
            "operationId": "getThing",
            "parameters": parameters,
            "responses": { "200": { "description": "ok" } },
        } } },
    })
    .to_string()
}

fn id_param() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } })
}

fn emit(text: &str) -> Result<String, Error> {
    let api = generator::load(text).unwrap_or_else(|e| panic!("the spec itself is fine: {e}"));
    generator::emit::client::client(&api, "@generated (test)", "crate::models")
}

#[test]
fn what_cannot_be_sent_is_refused_with_its_place() {
    let query = |param: Value| spec(json!([id_param(), param]));
    let object = json!({ "type": "object", "properties": { "a": { "type": "string" } } });
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "an array as a variant of a path union",
            spec(json!([{ "name": "id", "in": "path", "required": true,
                "schema": { "oneOf": [{ "type": "integer" }, { "type": "array", "items": { "type": "string" } }] } }])),
            "#/paths/~1things~1{id}/get/parameters/0/schema/oneOf/1",
            "path parameter's union",
        ),
        (
            "an array of objects in the path",
            spec(json!([{ "name": "id", "in": "path", "required": true,
                "schema": { "type": "array", "items": object.clone() } }])),
            "#/paths/~1things~1{id}/get/parameters/0",
            "path parameters that are not a scalar",
        ),
        (
            "an object with an object inside in a label path parameter",
            spec(json!([{ "name": "id", "in": "path", "required": true, "style": "label",
                "schema": { "type": "object", "properties": { "inner": object.clone() } } }])),
            "#/paths/~1things~1{id}/get/parameters/0",
            "`style: label` that are not a scalar",
        ),
        (
            "an object in a cookie",
            query(json!({ "name": "f", "in": "cookie", "schema": object.clone() })),
            "#/paths/~1things~1{id}/get/parameters/1/schema",
            "in cookies",
        ),
    ];
    for (name, text, pointer, message) in cases {
        match emit(&text) {
            Err(error @ Error::Unsupported { .. }) => {
                assert_eq!(error.pointer().to_string(), pointer, "{name}: {error}");
                assert!(error.to_string().contains(message), "{name}: `{error}` lacks `{message}`");
            }
            other => panic!("{name}: expected Unsupported, got {other:?}"),
        }
    }
}

#[test]
fn styles_and_unions_are_sent_as_the_ir_says() {
    let text = spec(json!([
        { "name": "id", "in": "path", "required": true, "schema": { "oneOf": [{ "type": "integer" }, { "type": "string" }] } },
        { "name": "s", "in": "query", "style": "spaceDelimited", "explode": false, "schema": { "type": "array", "items": { "type": "integer" } } },
        { "name": "p", "in": "query", "style": "pipeDelimited", "explode": true, "schema": { "type": "array", "items": { "type": "string" } } },
        { "name": "d", "in": "query", "style": "deepObject", "explode": true, "schema": { "type": "object", "additionalProperties": { "type": "boolean" } } },
        { "name": "n", "in": "query", "schema": { "type": "string", "nullable": true } },
    ]));
    let out: String = emit(&text).unwrap().chars().filter(|c| !c.is_whitespace()).collect();
    for expected in [
        "crate::models::GetThingId::Integer(value)=>{encode_into(&mutpath,&::std::string::ToString::to_string(value))}",
        "crate::models::GetThingId::String(value)=>encode_into(&mutpath,value),",
        "query_string.push_joined(\"s\",&items,\"%20\");",
        "foriteminvalue{query_string.push(\"p\",",
        "for(key,item)invalue{query_string.push_deep(\"d\",key,&::std::string::ToString::to_string(item));}",
        "pubn:::std::option::Option<::std::string::String>,",
    ] {
        assert!(out.contains(expected), "missing `{expected}`");
    }
    // Integers never contain the delimiter: no check of the items.
    assert!(!out.contains("fncheck_delimited"), "items of integers are checked");
    assert!(!out.contains("check_delimited("), "items of integers are checked");
}

/// What OpenAPI gives no query form (objects or arrays inside a
/// `deepObject`, a `deepObject` of a scalar or without `explode`, an object
/// variant of a union) is sent nested, the `qs` way, never refused.
#[test]
fn values_without_a_query_form_are_sent_nested() {
    let query = |param: Value| spec(json!([id_param(), param]));
    let object = json!({ "type": "object", "properties": { "a": { "type": "string" } } });
    for param in [
        json!({ "name": "f", "in": "query", "style": "deepObject", "explode": true,
            "schema": { "type": "object", "properties": { "inner": object.clone() } } }),
        json!({ "name": "f", "in": "query", "style": "deepObject",
            "schema": { "type": "object", "additionalProperties": { "type": "array", "items": { "type": "string" } } } }),
        json!({ "name": "f", "in": "query", "style": "deepObject", "explode": true, "schema": { "type": "string" } }),
        json!({ "name": "f", "in": "query", "schema": { "oneOf": [{ "type": "string" }, object.clone()] } }),
        json!({ "name": "f", "in": "query", "schema": { "type": "array", "items": object.clone() } }),
    ] {
        let out: String = emit(&query(param.clone())).unwrap().chars().filter(|c| !c.is_whitespace()).collect();
        assert!(out.contains("push_nested(&mutquery_string,\"f\",&json);"), "{param}");
    }
    // Objects of scalars in a `deepObject` without `explode` (absent or false) are sent exploded.
    let param =
        json!({ "name": "f", "in": "query", "style": "deepObject", "explode": false, "schema": object.clone() });
    let out: String = emit(&query(param)).unwrap().chars().filter(|c| !c.is_whitespace()).collect();
    assert!(out.contains("query_string.push_deep(\"f\",\"a\",item);"), "{out}");
}
