//! Header and cookie parameters before anything is compiled: what lowering
//! keeps (the ignored `Accept`/`Content-Type`/`Authorization` header
//! parameters apart, header names in any case), what the client emitter
//! generates and what it refuses, with the pointer. The server emitter's side
//! is in `server_emitter.rs`; the wire behaviour in
//! `compiled/tests/headers.rs`.

use generator::Error;
use generator::ir::Location;
use serde_json::{Value, json};

/// A spec with `GET /things/{id}`, path-level `path_params` and the
/// operation's `params` (after the `id` path parameter).
fn spec(path_params: Value, params: Value) -> String {
    let mut parameters = vec![json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } })];
    parameters.extend(params.as_array().cloned().unwrap_or_default());
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Things", "version": "1.0.0" },
        "paths": { "/things/{id}": {
            "parameters": path_params,
            "get": { "operationId": "getThing", "parameters": parameters, "responses": { "204": { "description": "ok" } } },
        } },
    })
    .to_string()
}

fn client(text: &str) -> Result<String, Error> {
    let api = generator::load(text).unwrap_or_else(|e| panic!("the spec itself is fine: {e}"));
    generator::emit::client::client(&api, "@generated (test)", "crate::models")
}

#[test]
fn lowering_sets_ignored_header_parameters_apart_and_merges_header_names_in_any_case() {
    let text = spec(
        json!([
            { "name": "X-Tenant", "in": "header", "required": true, "schema": { "type": "string" } },
            { "name": "Authorization", "in": "header", "schema": { "type": "string" } },
        ]),
        json!([
            // Replaces the path-level `X-Tenant`: header names are case-insensitive.
            { "name": "x-tenant", "in": "header", "schema": { "type": "integer" } },
            { "name": "ACCEPT", "in": "header", "schema": { "type": "string", "enum": ["a", "b"] } },
            // Only headers are ignored: a query parameter `accept` is a parameter.
            { "name": "accept", "in": "query", "schema": { "type": "string" } },
        ]),
    );
    let api = generator::load(&text).unwrap();
    let op = &api.operations[0];
    let params: Vec<(&str, Location, bool)> =
        op.parameters.iter().map(|p| (p.wire_name.as_str(), p.location, p.required)).collect();
    assert_eq!(
        params,
        [("x-tenant", Location::Header, false), ("id", Location::Path, true), ("accept", Location::Query, false)]
    );
    let ignored: Vec<(&str, String)> =
        op.ignored_parameters.iter().map(|p| (p.wire_name.as_str(), p.pointer.to_string())).collect();
    assert_eq!(
        ignored,
        [
            ("Authorization", "#/paths/~1things~1{id}/parameters/1".to_owned()),
            ("ACCEPT", "#/paths/~1things~1{id}/get/parameters/2".to_owned()),
        ]
    );
    // The ignored parameter's schema is not lowered: no enum type for it.
    assert!(api.types.is_empty(), "{:?}", api.types);
}

#[test]
fn header_and_cookie_names_must_be_tokens() {
    for (location, name) in [("header", "X Trace"), ("header", "X-Träce"), ("cookie", "a;b"), ("cookie", "")] {
        let text = spec(json!([]), json!([{ "name": name, "in": location, "schema": { "type": "string" } }]));
        match generator::load(&text) {
            Err(Error::Malformed { pointer, message }) => {
                assert_eq!(pointer.to_string(), "#/paths/~1things~1{id}/get/parameters/1/name", "{message}");
                assert!(message.contains(&format!("the name of a {location}")), "{message}");
            }
            other => panic!("{location} {name:?}: expected a malformed error, got {other:?}"),
        }
    }
}

#[test]
fn the_client_sends_headers_and_cookies_and_documents_the_ignored_ones() {
    let text = spec(
        json!([]),
        json!([
            { "name": "X-Request-ID", "in": "header", "required": true, "schema": { "type": "string", "maxLength": 8 } },
            { "name": "X-Tags", "in": "header", "explode": true, "schema": { "type": "array", "items": { "type": "string" } } },
            { "name": "X-Since", "in": "header", "schema": { "type": "string", "format": "date-time" } },
            { "name": "session", "in": "cookie", "required": true, "schema": { "type": "string" } },
            { "name": "ids", "in": "cookie", "explode": false, "schema": { "type": "array", "items": { "type": "integer" } } },
            { "name": "Accept", "in": "header", "required": true, "schema": { "type": "string" } },
        ]),
    );
    let out = client(&text).unwrap();
    let flat: String = out.chars().filter(|c| !c.is_whitespace()).collect();
    let has = |pattern: &str| flat.contains(&pattern.chars().filter(|c| !c.is_whitespace()).collect::<String>());
    // Required ones are arguments, after the path parameters; the ignored `Accept` is none.
    assert!(
        has("pub async fn get_thing(&self, id: &str, x_request_id: &str, session: &str, query: &GetThingQuery,)"),
        "{out}"
    );
    assert!(has(r#"headers.header("X-Request-ID", &x_request_id);"#), "{out}");
    assert!(has(r#"headers.cookie("session", &session);"#), "{out}");
    // `explode` makes no difference to a header list.
    assert!(has(r#"headers.header_list("X-Tags", &items);"#), "{out}");
    assert!(has(r#"headers.header("X-Since", &date_time(value));"#), "{out}");
    assert!(has(r#"headers.cookie_list("ids", &items);"#), "{out}");
    assert!(has("let headers = headers.finish()?;"), "{out}");
    // Constraints are checked as for query parameters.
    assert!(
        has(r#"let path: &str = "X-Request-ID"; crate::models::validation::max_length(value, 8, path, out);"#),
        "{out}"
    );
    // Optional ones are fields of the query struct, documented with how they are sent.
    assert!(out.contains("/// Sent as the `X-Since` header."), "{out}");
    assert!(out.contains("/// Sent as the cookie `ids=a,b`, each item percent-encoded."), "{out}");
    assert!(
        out.contains("/// The spec's header parameter `Accept` is ignored: OpenAPI 3.0.3 says a header parameter named `Accept`, `Content-Type` or `Authorization` SHALL be ignored"),
        "{out}"
    );
    assert!(!has(r#""Accept""#), "{out}");
}

#[test]
fn clients_without_header_parameters_do_not_carry_their_machinery() {
    let out =
        client(&spec(json!([]), json!([{ "name": "q", "in": "query", "schema": { "type": "string" } }]))).unwrap();
    assert!(!out.contains("HeaderParams") && !out.contains("COOKIE") && !out.contains("parts.headers"), "{out}");
}

#[test]
fn what_the_client_cannot_send_is_refused_with_its_place() {
    let at = "#/paths/~1things~1{id}/get/parameters/1";
    let cases = [
        (
            json!({ "name": "ids", "in": "cookie", "schema": { "type": "array", "items": { "type": "string" } } }),
            at.to_owned(),
            "cookie array with `explode: true`",
        ),
        (
            json!({ "name": "ids", "in": "cookie", "explode": true, "schema": { "type": "array", "items": { "type": "string" } } }),
            at.to_owned(),
            "cookie array with `explode: true`",
        ),
        (
            json!({ "name": "X-Filter", "in": "header", "schema": { "type": "object", "properties": { "a": { "type": "object" } } } }),
            format!("{at}/schema"),
            "objects, maps or untyped values in headers",
        ),
        (
            json!({ "name": "X-Grid", "in": "header", "schema": { "type": "array", "items": { "type": "array", "items": { "type": "string" } } } }),
            format!("{at}/schema"),
            "arrays in headers whose items are not scalars",
        ),
        (
            json!({ "name": "filter", "in": "cookie", "content": { "application/json": { "schema": { "type": "object" } } } }),
            at.to_owned(),
            "`content` parameters in the cookie",
        ),
    ];
    for (param, pointer, message) in cases {
        match client(&spec(json!([]), json!([param]))) {
            Err(Error::Unsupported { pointer: got, message: text }) => {
                assert_eq!(got.to_string(), pointer, "{text}");
                assert!(text.contains(message), "{text}");
            }
            other => panic!("{param}: expected an unsupported error, got {other:?}"),
        }
    }
}
