//! `generator::diff`: snapshots of the report for each step of the spec's
//! history, and one small spec per classification rule.

mod common;

use generator::diff::{Class, diff};
use generator::ir::Api;
use serde_json::{Value, json};

fn load(path: &str) -> Api {
    generator::load(&common::read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The history in order, then the current spec.
const HISTORY: &[&str] = &[
    "history/v0.0.3.yaml",
    "history/v0.0.5.yaml",
    "history/v0.1.2.yaml",
    "history/v1.0.0.yaml",
    "history/v1.0.0-2022-07-operationid.yaml",
    "ipfs-pinning-service.yaml",
];

#[test]
fn history_steps_match_snapshots() {
    for step in HISTORY.windows(2) {
        let (old, new) = (step[0], step[1]);
        let report = diff(&load(old), &load(new));
        let name = |path: &str| path.trim_start_matches("history/").trim_end_matches(".yaml").to_owned();
        let snapshot = format!("{}__to__{}", name(old), name(new));
        insta::with_settings!({ description => format!("cargo xtask diff spec/{old} spec/{new}"), omit_expression => true }, {
            insta::assert_snapshot!(snapshot, report.to_string());
        });
    }
}

/// Every pair of specs, both ways, gives a report (no panics), the same one
/// twice, and a spec compared with itself has no changes.
#[test]
fn every_pair_compares_deterministically() {
    let apis: Vec<Api> = HISTORY.iter().map(|p| load(p)).collect();
    for (i, old) in apis.iter().enumerate() {
        for (j, new) in apis.iter().enumerate() {
            let report = diff(old, new);
            assert_eq!(report, diff(old, new));
            if i == j {
                assert!(report.is_empty(), "{} against itself:\n{report}", HISTORY[i]);
            }
            assert_eq!(report.to_json()["summary"]["breaking"], json!(report.count(Class::Breaking)));
        }
    }
}

/// The workspace's spec, cut down: an output type (`Thing`, with the enum
/// `Kind`), an input type (`NewThing`, with the enum `Colour`), a query
/// parameter with a maximum and a default, and a path parameter.
fn base() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Things", "version": "1.0.0" },
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "parameters": [
                        { "name": "limit", "in": "query", "schema": { "type": "integer", "format": "int32", "maximum": 1000, "default": 10 } },
                        { "name": "colour", "in": "query", "schema": { "$ref": "#/components/schemas/Colour" } }
                    ],
                    "responses": {
                        "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
                        "404": { "description": "none" }
                    }
                },
                "post": {
                    "operationId": "addThing",
                    "requestBody": {
                        "required": true,
                        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewThing" } } }
                    },
                    "responses": { "201": { "description": "created" } }
                }
            },
            "/things/{id}": {
                "delete": {
                    "operationId": "deleteThing",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                    "responses": { "204": { "description": "gone" } }
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": { "type": "string" },
                        "kind": { "$ref": "#/components/schemas/Kind" },
                        "tags": { "type": "array", "items": { "type": "string" }, "maxItems": 10 }
                    }
                },
                "Kind": { "type": "string", "enum": ["a", "b"] },
                "NewThing": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": { "type": "string", "maxLength": 255 },
                        "colour": { "$ref": "#/components/schemas/Colour" }
                    }
                },
                "Colour": { "type": "string", "enum": ["red", "green"] }
            }
        }
    })
}

/// Sets the value at a JSON pointer, creating the last key.
fn put(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer with a parent");
    let key = key.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}")) {
        Value::Object(map) => {
            map.insert(key, value);
        }
        Value::Array(items) => {
            let index: usize = key.parse().expect("an array index");
            if index == items.len() { items.push(value) } else { items[index] = value }
        }
        other => panic!("{parent} is {other}"),
    }
}

fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer with a parent");
    let key = key.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}")) {
        Value::Object(map) => assert!(map.shift_remove(&key).is_some(), "no {pointer}"),
        Value::Array(items) => {
            items.remove(key.parse().expect("an array index"));
        }
        other => panic!("{parent} is {other}"),
    }
}

/// The report's lines for the base spec against an edited copy.
fn changes(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let old = base();
    let mut new = base();
    edit(&mut new);
    let load = |doc: &Value| generator::load(&doc.to_string()).unwrap_or_else(|e| panic!("{e}"));
    diff(&load(&old), &load(&new)).changes.iter().map(ToString::to_string).collect()
}

const THING: &str = "/components/schemas/Thing";
const NEW_THING: &str = "/components/schemas/NewThing";
const LIST: &str = "/paths/~1things/get";

#[test]
fn identical_specs_have_no_changes() {
    assert_eq!(changes(|_| {}), Vec::<String>::new());
    let report = diff(&load("ipfs-pinning-service.yaml"), &load("ipfs-pinning-service.yaml"));
    assert_eq!(report.to_string(), "summary: 0 breaking, 0 additive, 0 info\n");
}

#[test]
fn docs_are_not_compared() {
    let got = changes(|d| {
        put(d, &format!("{THING}/description"), json!("A thing."));
        put(d, &format!("{LIST}/summary"), json!("List things"));
        put(d, &format!("{LIST}/responses/200/description"), json!("The things"));
    });
    assert_eq!(got, Vec::<String>::new());
}

#[test]
fn fields_added_by_requiredness() {
    let got = changes(|d| {
        put(d, &format!("{NEW_THING}/properties/size"), json!({ "type": "integer" }));
        put(d, &format!("{NEW_THING}/required/1"), json!("size"));
        put(d, &format!("{NEW_THING}/properties/note"), json!({ "type": "string" }));
        put(d, &format!("{THING}/properties/created"), json!({ "type": "string", "format": "date-time" }));
        put(d, &format!("{THING}/required/1"), json!("created"));
        put(d, &format!("{THING}/properties/note"), json!({ "type": "string" }));
    });
    assert_eq!(
        got,
        [
            "breaking  type NewThing: required field `size` added (clients must send it)",
            "additive  type NewThing: optional field `note` added",
            "breaking  type Thing: required field `created` added (servers must send it)",
            "additive  type Thing: optional field `note` added",
        ]
    );
}

#[test]
fn fields_removed_or_changed() {
    let got = changes(|d| {
        remove(d, &format!("{THING}/properties/kind"));
        put(d, &format!("{THING}/properties/id"), json!({ "type": "integer", "format": "int64" }));
        put(d, &format!("{NEW_THING}/required"), json!(["name", "colour"]));
    });
    assert_eq!(
        got,
        [
            "breaking  type NewThing: field `colour`: now required (the Rust type changes between `T` and `Option<T>`)",
            "breaking  type Thing: field `id`: type `string` → `int64`",
            "breaking  type Thing: field `kind` removed",
        ]
    );
}

#[test]
fn enum_values_by_direction() {
    // `Kind` is only in responses, `Colour` only in requests.
    let got = changes(|d| {
        put(d, "/components/schemas/Kind/enum", json!(["a", "b", "c"]));
        put(d, "/components/schemas/Colour/enum", json!(["red", "green", "blue"]));
    });
    assert_eq!(
        got,
        [
            "additive  type Colour: value `blue` added (loosened)",
            "breaking  type Kind: value `c` added (loosened; responses may now carry such values)",
        ]
    );
    let got = changes(|d| {
        put(d, "/components/schemas/Kind/enum", json!(["a"]));
        put(d, "/components/schemas/Colour/enum", json!(["red"]));
    });
    assert_eq!(got, ["breaking  type Colour: value `green` removed", "breaking  type Kind: value `b` removed"]);
}

#[test]
fn constraints_tightened_and_loosened() {
    let got = changes(|d| {
        put(d, &format!("{LIST}/parameters/0/schema/maximum"), json!(500));
        put(d, &format!("{NEW_THING}/properties/name/maxLength"), json!(128));
        put(d, &format!("{NEW_THING}/properties/name/pattern"), json!("^[a-z]+$"));
    });
    assert_eq!(
        got,
        [
            "breaking  GET /things: query parameter `limit`: maximum 1000 → 500 (tightened)",
            "breaking  type NewThing: field `name`: maxLength 255 → 128 (tightened)",
            "breaking  type NewThing: field `name`: pattern `^[a-z]+$` added (tightened)",
        ]
    );
    let got = changes(|d| {
        put(d, &format!("{LIST}/parameters/0/schema/maximum"), json!(5000));
        put(d, &format!("{LIST}/parameters/0/schema/minimum"), json!(0));
        remove(d, &format!("{NEW_THING}/properties/name/maxLength"));
        put(d, &format!("{THING}/properties/tags/maxItems"), json!(20));
        put(d, &format!("{THING}/properties/tags/uniqueItems"), json!(true));
    });
    assert_eq!(
        got,
        [
            "breaking  GET /things: query parameter `limit`: minimum 0 added (tightened)",
            "additive  GET /things: query parameter `limit`: maximum 1000 → 5000 (loosened)",
            "additive  type NewThing: field `name`: maxLength 255 removed (loosened)",
            "breaking  type Thing: field `tags`: maxItems 10 → 20 (loosened; responses may now carry such values)",
            "breaking  type Thing: field `tags`: uniqueItems added (tightened)",
        ]
    );
}

#[test]
fn exclusive_bounds_and_multiples() {
    let got = changes(|d| {
        put(d, &format!("{LIST}/parameters/0/schema/exclusiveMaximum"), json!(true));
        put(d, &format!("{LIST}/parameters/0/schema/multipleOf"), json!(5));
    });
    assert_eq!(
        got,
        [
            "breaking  GET /things: query parameter `limit`: maximum 1000 → 1000 (exclusive) (tightened)",
            "breaking  GET /things: query parameter `limit`: multipleOf 5 added (tightened)",
        ]
    );
}

#[test]
fn query_parameters_added_removed_and_defaults() {
    let got = changes(|d| {
        put(
            d,
            &format!("{LIST}/parameters/2"),
            json!({ "name": "q", "in": "query", "required": true, "schema": { "type": "string" } }),
        );
        put(
            d,
            &format!("{LIST}/parameters/3"),
            json!({ "name": "sort", "in": "query", "schema": { "type": "string" } }),
        );
        put(d, &format!("{LIST}/parameters/0/schema/default"), json!(50));
        put(d, "/components/schemas/Colour/default", json!("red"));
    });
    assert_eq!(
        got,
        [
            "breaking  GET /things: query parameter `limit`: default `10` → `50` (requests that leave it out mean something else)",
            "breaking  GET /things: query parameter `colour`: default `\"red\"` added (the server's query struct field is no longer an `Option`)",
            "breaking  GET /things: required query parameter `q` added",
            "additive  GET /things: optional query parameter `sort` added",
            "additive  type Colour: default `red` added (the Rust enum implements `Default`)",
        ]
    );
    let got = changes(|d| remove(d, &format!("{LIST}/parameters/1")));
    assert_eq!(got, ["breaking  GET /things: query parameter `colour` removed"]);
    let got = changes(|d| put(d, &format!("{LIST}/parameters/1/required"), json!(true)));
    assert_eq!(
        got,
        [
            "breaking  GET /things: query parameter `colour`: now required (it moves from the query struct into the method's arguments)"
        ]
    );
}

#[test]
fn operations_added_removed_and_renamed() {
    let got = changes(|d| {
        remove(d, "/paths/~1things~1{id}");
        put(
            d,
            "/paths/~1things~1{id}",
            json!({
                "get": {
                    "operationId": "getThing",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                    "responses": { "200": { "description": "ok" } }
                }
            }),
        );
    });
    assert_eq!(
        got,
        [
            "additive  GET /things/{id}: operation added (generated method `get_thing`)",
            "breaking  DELETE /things/{id}: operation removed (generated method `delete_thing`)",
        ]
    );
    // A renamed path parameter is the same operation; a new operationId renames the method.
    let got = changes(|d| {
        let item = d.pointer("/paths/~1things~1{id}").cloned().unwrap();
        remove(d, "/paths/~1things~1{id}");
        put(d, "/paths/~1things~1{thingId}", item);
        put(d, "/paths/~1things~1{thingId}/delete/parameters/0/name", json!("thingId"));
        put(d, "/paths/~1things~1{thingId}/delete/operationId", json!("removeThing"));
    });
    assert_eq!(
        got,
        [
            "breaking  DELETE /things/{thingId}: generated method `delete_thing` → `remove_thing`, types `DeleteThing…` → `RemoveThing…` (operationId `deleteThing` → `removeThing`)",
            "info      DELETE /things/{thingId}: path parameter `id` renamed to `thingId` (positional: the wire and the generated signatures are unchanged)",
        ]
    );
}

#[test]
fn responses_added_removed_and_retyped() {
    let got = changes(|d| {
        remove(d, &format!("{LIST}/responses/404"));
        put(d, &format!("{LIST}/responses/5XX"), json!({ "description": "oops" }));
        put(
            d,
            &format!("{LIST}/responses/200/content/application~1json/schema"),
            json!({
                "type": "array", "items": { "$ref": "#/components/schemas/Thing" }
            }),
        );
        put(
            d,
            "/paths/~1things/post/responses/201/content",
            json!({
                "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } }
            }),
        );
    });
    assert_eq!(
        got,
        [
            "breaking  GET /things: response `200` body: type `Thing` → `array of Thing`",
            "breaking  GET /things: response `404` removed",
            "additive  GET /things: response `5XX` added",
            "breaking  POST /things: response `201`: body `Thing` added",
        ]
    );
}

#[test]
fn request_bodies() {
    let got = changes(|d| put(d, "/paths/~1things/post/requestBody/required", json!(false)));
    assert_eq!(
        got,
        [
            "breaking  POST /things: request body now optional (the client's body argument changes between `&T` and `Option<&T>`)"
        ]
    );
    let got = changes(|d| {
        put(
            d,
            "/paths/~1things~1{id}/delete/requestBody",
            json!({
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewThing" } } }
            }),
        );
    });
    assert_eq!(got, ["additive  DELETE /things/{id}: optional request body `NewThing` added"]);
}

#[test]
fn renamed_types_are_reported_once() {
    // `Kind` becomes `Category`: the rename is breaking (the Rust name), the
    // field that refers to it only follows it.
    let got = changes(|d| {
        let kind = d.pointer("/components/schemas/Kind").cloned().unwrap();
        remove(d, "/components/schemas/Kind");
        put(d, "/components/schemas/Category", kind);
        put(d, &format!("{THING}/properties/kind"), json!({ "$ref": "#/components/schemas/Category" }));
    });
    assert_eq!(
        got,
        [
            "breaking  type Kind: renamed to `Category` (same shape; the Rust type name changes)",
            "info      type Thing: field `kind`: type `Kind` → `Category` (the type was renamed; same shape)",
        ]
    );
}

#[test]
fn security_schemes_and_requirements() {
    let secured = |d: &mut Value, name: &str| {
        put(d, "/components/securitySchemes", json!({ name: { "type": "http", "scheme": "bearer" } }));
        put(d, "/security", json!([{ name: [] }]));
    };
    let old = {
        let mut d = base();
        secured(&mut d, "token");
        d
    };
    let load = |doc: &Value| generator::load(&doc.to_string()).unwrap();
    let lines = |old: &Value, new: &Value| -> Vec<String> {
        diff(&load(old), &load(new)).changes.iter().map(ToString::to_string).collect()
    };

    let mut renamed = base();
    secured(&mut renamed, "accessToken");
    assert_eq!(
        lines(&old, &renamed),
        [
            "breaking  security scheme token: renamed to `accessToken` (same kind; the server's authentication hook is renamed)"
        ]
    );

    assert_eq!(
        lines(&base(), &old),
        [
            "additive  security scheme token: added",
            "breaking  GET /things: security none → `token`",
            "breaking  POST /things: security none → `token`",
            "breaking  DELETE /things/{id}: security none → `token`",
        ]
    );
}

#[test]
fn text_and_json_renderings() {
    let old = generator::load(&base().to_string()).unwrap();
    let mut edited = base();
    put(&mut edited, "/info/version", json!("1.1.0"));
    remove(&mut edited, &format!("{THING}/properties/kind"));
    put(&mut edited, &format!("{THING}/properties/size"), json!({ "type": "integer" }));
    let report = diff(&old, &generator::load(&edited.to_string()).unwrap());
    assert_eq!(
        report.to_string(),
        "info      API: version `1.0.0` → `1.1.0`\n\
         \n\
         breaking  type Thing: field `kind` removed\n\
         additive  type Thing: optional field `size` added\n\
         \n\
         summary: 1 breaking, 1 additive, 1 info\n"
    );
    assert_eq!(
        report.to_json(),
        json!({
            "changes": [
                { "class": "info", "subject": "API", "message": "version `1.0.0` → `1.1.0`" },
                { "class": "breaking", "subject": "type Thing", "message": "field `kind` removed" },
                { "class": "additive", "subject": "type Thing", "message": "optional field `size` added" }
            ],
            "summary": { "breaking": 1, "additive": 1, "info": 1 }
        })
    );
}

#[test]
fn header_names_in_any_case_and_explode_only_where_it_changes_the_wire() {
    let header = |name: &str| json!({ "name": name, "in": "header", "schema": { "type": "array", "items": { "type": "string" } } });
    let with = |params: Vec<Value>| {
        move |d: &mut Value| {
            for (i, p) in params.into_iter().enumerate() {
                put(d, &format!("{LIST}/parameters/{}", i + 2), p);
            }
        }
    };
    let old = {
        let mut doc = base();
        with(vec![
            header("X-Tags"),
            json!({ "name": "ids", "in": "query", "schema": { "type": "array", "items": { "type": "integer" } } }),
        ])(&mut doc);
        doc
    };
    let mut new = old.clone();
    // The same header in other case; explode on a `simple` list and on a
    // scalar change nothing; on a query array it does.
    put(&mut new, &format!("{LIST}/parameters/2/name"), json!("x-tags"));
    put(&mut new, &format!("{LIST}/parameters/2/explode"), json!(true));
    put(&mut new, &format!("{LIST}/parameters/0/explode"), json!(false));
    put(&mut new, &format!("{LIST}/parameters/3/explode"), json!(false));
    let load = |doc: &Value| generator::load(&doc.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<String> = diff(&load(&old), &load(&new)).changes.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            "info      GET /things: query parameter `limit`: serialization `form` exploded → `form` (the same on the wire for its type)",
            "info      GET /things: header parameter `X-Tags` now spelled `x-tags` (header names match in any case: nothing changes)",
            "info      GET /things: header parameter `x-tags`: serialization `simple` → `simple` exploded (the same on the wire for its type)",
            "breaking  GET /things: query parameter `ids`: serialization `form` exploded → `form`",
        ]
    );
}
