//! The server emitter on small specs: what it derives from the IR (variant
//! names, decoding per style, the error body, security), and what it refuses,
//! with the pointer, instead of emitting something wrong. The pinning spec's
//! and the history specs' server files are snapshotted (`snapshots.rs`) and
//! compiled (`generated-server`, `xtask/tests/codegen.rs`).

use generator::Error;
use serde_json::{Value, json};

/// A spec with one `GET /things/{id}` operation; `patch` edits the operation
/// object, `components` is the `components` object.
fn spec(operation: Value, components: Value) -> String {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Things", "version": "1.0.0" },
        "paths": { "/things/{id}": { "get": operation } },
        "components": components,
    })
    .to_string()
}

fn id_param() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } })
}

fn operation(parameters: Value, responses: Value) -> Value {
    json!({ "operationId": "getThing", "parameters": parameters, "responses": responses })
}

fn error_schema() -> Value {
    json!({ "schemas": { "Problem": {
        "type": "object",
        "required": ["code", "message"],
        "properties": { "code": { "type": "integer", "format": "int32" }, "message": { "type": "string" } },
    } } })
}

fn bad_request() -> Value {
    json!({ "description": "bad", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Problem" } } } })
}

fn emit(text: &str) -> Result<String, Error> {
    let api = generator::load(text).unwrap_or_else(|e| panic!("the spec itself is fine: {e}"));
    generator::emit::server::server(&api, "@generated (test)", "crate::models")
}

fn emitted(text: &str) -> String {
    emit(text).unwrap_or_else(|e| panic!("{e}"))
}

/// The text without the runtime module and without whitespace, for [`has`].
fn flat(text: &str) -> String {
    let generated = text.split("pub mod runtime {").next().unwrap();
    generated.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether the flattened text contains `pattern` (whitespace ignored).
fn has(flat: &str, pattern: &str) -> bool {
    flat.contains(&pattern.chars().filter(|c| !c.is_whitespace()).collect::<String>())
}

#[test]
fn variants_are_named_after_statuses() {
    let responses = json!({
        "200": { "description": "ok", "content": { "application/json": { "schema": { "type": "string" } } } },
        "201": { "description": "made" },
        "204": { "description": "nothing" },
        "299": { "description": "odd" },
        "400": bad_request(),
        "422": bad_request(),
        "2XX": { "description": "other success" },
        "5XX": bad_request(),
        "default": bad_request(),
    });
    let out = flat(&emitted(&spec(operation(json!([id_param()]), responses), error_schema())));
    for variant in [
        "Ok(::std::string::String),",
        "Created,",
        "NoContent,",
        "Status299,",
        "BadRequest(crate::models::Problem),",
        "UnprocessableContent(crate::models::Problem),",
        "Success(self::runtime::SuccessStatus),",
        "ServerError(self::runtime::ServerErrorStatus, crate::models::Problem),",
        "Default(::axum::http::StatusCode, crate::models::Problem),",
    ] {
        assert!(has(&out, variant), "no `{variant}` in:\n{out}");
    }
    // Exact codes answer with their own status; ranges and default with the carried one.
    assert!(has(&out, "Self::NoContent => self::runtime::empty_response(self::runtime::status(204))"), "{out}");
    assert!(has(&out, "Self::Success(status) => self::runtime::empty_response(status.status_code())"), "{out}");
    assert!(has(&out, "Self::Default(status, body) => { self::runtime::json_response_as(status, &body,"), "{out}");
}

#[test]
fn parameters_are_decoded_per_style_and_explode() {
    let parameters = json!([
        id_param(),
        { "name": "tags", "in": "query", "schema": { "type": "array", "items": { "type": "string" } } },
        { "name": "ids", "in": "query", "explode": false, "schema": { "type": "array", "items": { "type": "integer", "format": "int64" } } },
        { "name": "page", "in": "query", "required": true, "schema": { "type": "integer", "format": "int32" } },
        { "name": "ratio", "in": "query", "schema": { "type": "number", "default": 0.5 } },
        { "name": "verbose", "in": "query", "schema": { "type": "boolean", "default": false } },
        { "name": "filter", "in": "query", "content": { "application/json": { "schema": { "type": "object", "additionalProperties": { "type": "string" } } } } },
    ]);
    let out = flat(&emitted(&spec(operation(parameters, json!({ "200": { "description": "ok" } })), json!({}))));
    // Exploded arrays repeat the key; unexploded ones are comma-separated in one value.
    assert!(has(&out, r#"let raws = query.all("tags");"#), "{out}");
    assert!(has(&out, r#"self::runtime::query_list("ids", raw, ',', self::runtime::from_param::<i64>"#), "{out}");
    // Required parameters are refused when missing; defaults are applied.
    assert!(has(&out, r#"Rejection::invalid_parameter("page", "is required")"#), "{out}");
    assert!(has(&out, "pub page: i32,"), "{out}");
    assert!(has(&out, "None => 0.5f64,"), "{out}");
    assert!(has(&out, "None => false,"), "{out}");
    assert!(has(&out, "pub ratio: f64,"), "{out}");
    // JSON content.
    assert!(has(&out, "query.json::< ::std::collections::BTreeMap"), "{out}");
    // No query struct default when a parameter is required.
    assert!(!has(&out, "impl ::std::default::Default for GetThingQuery"), "{out}");
    // No security: no caller, no hook.
    assert!(!has(&out, "type Caller"), "{out}");
    assert!(has(&out, "fn get_thing( &self, id: ::std::string::String, query: GetThingQuery, )"), "{out}");
}

#[test]
fn header_and_cookie_parameters_are_decoded_into_a_struct_of_their_own() {
    let parameters = json!([
        id_param(),
        { "name": "X-Request-ID", "in": "header", "required": true, "schema": { "type": "string", "maxLength": 8 } },
        { "name": "X-Tags", "in": "header", "schema": { "type": "array", "items": { "type": "string" } } },
        { "name": "accept", "in": "header", "schema": { "type": "string" } },
        { "name": "Content-Type", "in": "header", "schema": { "type": "string" } },
        { "name": "session", "in": "cookie", "required": true, "schema": { "type": "string" } },
        { "name": "ids", "in": "cookie", "explode": false, "schema": { "type": "array", "items": { "type": "integer" } } },
        { "name": "page", "in": "query", "schema": { "type": "integer", "format": "int32" } },
    ]);
    let text = emitted(&spec(operation(parameters, json!({ "200": { "description": "ok" } })), json!({})));
    let out = flat(&text);
    assert!(
        has(&out, "fn get_thing( &self, id: ::std::string::String, query: GetThingQuery, headers: GetThingHeaders, )"),
        "{out}"
    );
    assert!(has(&out, "pub x_request_id: ::std::string::String,"), "{out}");
    assert!(has(&out, r#"self::runtime::header_single(headers, "X-Request-ID")?"#), "{out}");
    assert!(has(&out, r#"self::runtime::header_joined(headers, "X-Tags")?"#), "{out}");
    assert!(has(&out, "let cookies = self::runtime::Cookies::parse(headers);"), "{out}");
    assert!(has(&out, r#"self::runtime::cookie_list("ids", raw, self::runtime::from_param::<i64>)?"#), "{out}");
    assert!(has(&out, r#"Rejection::invalid_parameter("session", "is required")"#), "{out}");
    assert!(
        has(&out, r#"let path: &str = "X-Request-ID"; crate::models::validation::max_length(value, 8, path, out);"#),
        "{out}"
    );
    assert!(has(&out, "let headers = decode_get_thing_headers(&parts.headers)?;"), "{out}");
    // `Accept` and `Content-Type` header parameters are ignored, as OpenAPI
    // 3.0.3 requires, and the trait's docs say so.
    assert!(!out.contains("pub accept:") && !out.contains("pub content_type:"), "{out}");
    assert!(!out.contains(r#""accept""#) && !out.contains(r#""Content-Type""#), "{out}");
    for name in ["accept", "Content-Type"] {
        assert!(
            text.contains(&format!("/// The spec's header parameter `{name}` is ignored: OpenAPI 3.0.3 says a header parameter named `Accept`, `Content-Type` or `Authorization` SHALL be ignored")),
            "{text}"
        );
    }
    // The runtime's readers of header and cookie parameters are called (the
    // runtime crate defines them); servers without such parameters do not.
    assert!(text.contains("self::runtime::header_single("), "{text}");
    let plain = emitted(&spec(operation(json!([id_param()]), json!({ "200": { "description": "ok" } })), json!({})));
    assert!(!plain.contains("header_single") && !plain.contains("# Header and cookie parameters"), "{plain}");
}

#[test]
fn the_error_body_is_filled_from_its_structure() {
    // { code: integer, message: string }: the status, and "REASON: details".
    let op = operation(json!([id_param()]), json!({ "200": { "description": "ok" }, "400": bad_request() }));
    let out = flat(&emitted(&spec(op.clone(), error_schema())));
    assert!(
        has(
            &out,
            "-> crate::models::Problem { crate::models::Problem { code: i32::from(rejection.status().as_u16()), message: ::std::format!("
        ),
        "{out}"
    );

    // A required enum cannot be filled: the implementer writes `rejection`.
    let components = json!({ "schemas": { "Problem": {
        "type": "object",
        "required": ["kind", "message"],
        "properties": { "kind": { "type": "string", "enum": ["a", "b"] }, "message": { "type": "string" } },
    } } });
    let out = flat(&emitted(&spec(op, components)));
    assert!(has(&out, "rejection: &self::runtime::Rejection) -> crate::models::Problem;"), "{out}");

    // No error schema at all: a small JSON object.
    let op = operation(json!([id_param()]), json!({ "200": { "description": "ok" } }));
    let out = flat(&emitted(&spec(op, json!({}))));
    assert!(has(&out, "-> ::serde_json::Value { ::serde_json::json!({ \"reason\""), "{out}");
}

#[test]
fn bearer_security_gets_a_hook() {
    let mut op = operation(json!([id_param()]), json!({ "200": { "description": "ok" }, "400": bad_request() }));
    op["security"] = json!([{ "apiToken": [] }]);
    let mut components = error_schema();
    components["securitySchemes"] = json!({ "apiToken": { "type": "http", "scheme": "Bearer" } });
    let out = flat(&emitted(&spec(op, components)));
    assert!(has(&out, "type Caller: ::std::marker::Send;"), "{out}");
    assert!(has(&out, "fn authenticate_api_token( &self, token: self::runtime::BearerToken,"), "{out}");
    assert!(has(&out, "fn get_thing( &self, caller: Self::Caller, id: ::std::string::String,"), "{out}");
}

#[test]
fn what_cannot_be_served_yet_is_refused_with_its_place() {
    let ok = json!({ "200": { "description": "ok" } });
    let with = |extra: Value| operation(json!([id_param(), extra]), ok.clone());
    let body = |content: Value| {
        let mut op = operation(json!([id_param()]), ok.clone());
        op["requestBody"] = json!({ "required": true, "content": content });
        op
    };
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "a cookie array with explode: true (the default)",
            spec(
                with(
                    json!({ "name": "ids", "in": "cookie", "schema": { "type": "array", "items": { "type": "string" } } }),
                ),
                json!({}),
            ),
            "#/paths/~1things~1{id}/get/parameters/1",
            "cookie array with `explode: true`",
        ),
        (
            "JSON content in a cookie",
            spec(
                with(
                    json!({ "name": "prefs", "in": "cookie", "content": { "application/json": { "schema": { "type": "object" } } } }),
                ),
                json!({}),
            ),
            "#/paths/~1things~1{id}/get/parameters/1",
            "`content` parameters in the cookie",
        ),
        (
            "a matrix path parameter of an array of objects",
            spec(
                operation(
                    json!([{ "name": "id", "in": "path", "required": true, "style": "matrix", "schema": { "type": "array", "items": { "type": "object" } } }]),
                    ok.clone(),
                ),
                json!({}),
            ),
            "#/paths/~1things~1{id}/get/parameters/0/style",
            "Matrix",
        ),
        (
            "an array in a path union",
            spec(
                operation(
                    json!([{ "name": "id", "in": "path", "required": true, "schema": { "oneOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] } }]),
                    ok.clone(),
                ),
                json!({}),
            ),
            "#/paths/~1things~1{id}/get/parameters/0/schema/oneOf/1",
            "an array in a path parameter",
        ),
        (
            "an object inside a header object",
            spec(
                with(
                    json!({ "name": "X-F", "in": "header", "schema": { "type": "object", "properties": { "inner": { "type": "object", "properties": { "a": { "type": "string" } } } } } }),
                ),
                json!({}),
            ),
            "#/paths/~1things~1{id}/get/parameters/1/schema",
            "objects or untyped values as styled parameters",
        ),
        (
            "a `multipart/mixed` body",
            spec(
                body(json!({ "multipart/mixed": {
                    "schema": { "type": "object", "properties": { "a": { "type": "string" } } },
                } })),
                json!({}),
            ),
            "#/paths/~1things~1{id}/get/requestBody/content/multipart~1mixed",
            "multipart/mixed",
        ),
        (
            "a closed schema inside a multipart JSON part",
            spec(
                body(json!({ "multipart/form-data": { "schema": { "type": "object", "properties": {
                    "meta": { "$ref": "#/components/schemas/Closed" },
                } } } })),
                json!({ "schemas": { "Closed": { "type": "object", "additionalProperties": false, "properties": { "a": { "type": "string" } } } } }),
            ),
            "#/paths/~1things~1{id}/get/requestBody/content/multipart~1form-data/schema/properties/meta",
            "additionalProperties: false",
        ),
        (
            "two parameters with nothing between them",
            json!({
                "openapi": "3.0.3",
                "info": { "title": "t", "version": "1" },
                "paths": { "/files/{name}{ext}": { "get": {
                    "parameters": [
                        { "name": "name", "in": "path", "required": true, "schema": { "type": "string" } },
                        { "name": "ext", "in": "path", "required": true, "schema": { "type": "string" } },
                    ],
                    "responses": { "200": { "description": "ok" } },
                } } },
            })
            .to_string(),
            "#/paths/~1files~1{name}{ext}/get",
            "nothing between them",
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

/// Two templates of one method and one shape that match the same paths
/// (they differ in parameter names) are not refused: the second one can
/// never be reached, which is a warning at its pointer; its trait method
/// stays, documented as never called.
#[test]
fn a_template_no_request_can_reach_is_a_warning() {
    let text = json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": {
            "/files/{id}.json": { "get": {
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": { "200": { "description": "ok" } },
            } },
            "/files/{name}.json": { "get": {
                "parameters": [{ "name": "name", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": { "200": { "description": "ok" } },
            } },
        },
    })
    .to_string();
    let api = generator::load(&text).unwrap();
    let warnings: Vec<String> = api.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "#/paths/~1files~1{name}.json/get: the server never reaches `GET /files/{name}.json`: every path it matches, `/files/{id}.json` matches too and is tried first; the client sends it as documented"
        ]
    );
    let server = flat(&emitted(&text));
    assert!(has(&server, "Never called by the router"), "{server}");
    assert!(has(&server, "get(handle_get_files_id_json::<A>)"), "{server}");
}

/// Every kind of security requirement is served: API keys, alternatives,
/// anonymous access, several schemes together.
#[test]
fn every_security_requirement_is_served() {
    let ok = json!({ "200": { "description": "ok" } });
    let schemes = json!({ "securitySchemes": {
        "bearer": { "type": "http", "scheme": "bearer" },
        "key": { "type": "apiKey", "in": "header", "name": "X-Key" },
    } });
    let secured = |security: Value| {
        let mut op = operation(json!([id_param()]), ok.clone());
        op["security"] = security;
        op
    };
    for (name, security, expected) in [
        ("an API key", json!([{ "key": [] }]), "caller: Self::Caller,"),
        ("alternatives", json!([{ "bearer": [] }, { "key": [] }]), "caller: Self::Caller,"),
        ("anonymous access", json!([{}, { "bearer": [] }]), "caller: ::std::option::Option<Self::Caller>,"),
        ("two schemes together", json!([{ "bearer": [], "key": [] }]), "caller: Self::Caller,"),
    ] {
        let text = emit(&spec(secured(security), schemes.clone())).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.contains(expected), "{name}: {text}");
    }
}

/// A query part in a path key is read as the operation's query parameters
/// only when each pair is `name={name}` of a declared query parameter; a
/// literal pair would have to be sent and matched as such: refused.
#[test]
fn a_literal_query_part_in_a_path_is_refused() {
    let text = json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": { "/items?action=list": { "get": { "responses": { "200": { "description": "ok" } } } } },
    })
    .to_string();
    match generator::load(&text) {
        Err(error @ Error::Unsupported { .. }) => {
            assert_eq!(error.pointer().to_string(), "#/paths/~1items?action=list/get");
            assert!(error.to_string().contains("the query part `action=list`"), "{error}");
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
}
