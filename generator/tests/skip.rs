//! `--skip-unsupported`: operations that cannot be expressed are left out,
//! each with its pointer and reason; everything else is generated; without
//! skipping the same spec is an error naming the pointer.

use generator::Error;
use generator::skip::load_skipping_unsupported;

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Skips, version: 1.0.0}
paths:
  /fine:
    get:
      operationId: fine
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: string}
  /callback:
    post:
      operationId: withCallback
      callbacks:
        done:
          "{$request.body#/url}":
            post:
              responses:
                "200": {description: ok}
      responses:
        "204": {description: done}
  /matrix/{id}:
    get:
      operationId: matrixStyle
      parameters:
        - {name: id, in: path, required: true, style: matrix, schema: {type: array, items: {type: array, items: {type: string}}}}
      responses:
        "204": {description: done}
"#;

#[test]
fn unsupported_operations_are_left_out_with_their_pointer() {
    // Without skipping: the first refusal is the error, naming its place.
    let error = generator::load(SPEC).and_then(|api| generator::emit::client::client(&api, "h", "crate::models"));
    match error {
        Err(Error::Unsupported { pointer, message }) => {
            assert_eq!(pointer.to_string(), "#/paths/~1matrix~1{id}/get/parameters/0", "{message}");
        }
        other => panic!("expected an unsupported error, got {other:?}"),
    }

    let (api, skipped) = load_skipping_unsupported(SPEC).unwrap();
    let names: Vec<&str> = api.operations.iter().map(|op| op.id.as_str()).collect();
    // Callbacks are never a reason to leave an operation out (a warning).
    assert_eq!(names, ["fine", "withCallback"]);
    assert_eq!(api.warnings.len(), 1, "{:?}", api.warnings);
    let lines: Vec<String> = skipped.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].starts_with(
            "skipped GET /matrix/{id} (#/paths/~1matrix~1{id}/get): #/paths/~1matrix~1{id}/get/parameters/0"
        ),
        "{lines:#?}"
    );
    assert!(lines[0].contains("not supported yet"), "{lines:#?}");

    // What is left generates, client and server.
    let files = generator::emit::krate::standalone(&api, "skips", "h").unwrap();
    let client = &files.iter().find(|f| f.path == "src/client.rs").unwrap().contents;
    assert!(client.contains("pub async fn fine(") && !client.contains("matrix_style"));
    let server = &files.iter().find(|f| f.path == "src/server.rs").unwrap().contents;
    assert!(server.contains("fn fine(") && !server.contains("matrix_style"));
}

#[test]
fn other_errors_still_fail_the_whole_spec() {
    // Operation names no longer collide (they are disambiguated); a
    // reference to nothing is still an error of the whole spec.
    let broken = SPEC.replace("schema: {type: string}", "schema: {$ref: '#/components/schemas/Missing'}");
    assert!(
        matches!(load_skipping_unsupported(&broken), Err(Error::Reference { .. })),
        "{:?}",
        load_skipping_unsupported(&broken).err()
    );
}

#[test]
fn api_wide_refusals_are_pinned_on_the_operations_they_come_from() {
    // A path no route can serve (two parameters with nothing between
    // them) is left out, the other kept.
    let spec = r#"
openapi: 3.0.3
info: {title: Routes, version: 1.0.0}
paths:
  /a/{x}:
    get:
      operationId: first
      parameters: [{name: x, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: ok}}
  /b/{x}{y}:
    get:
      operationId: second
      parameters:
        - {name: x, in: path, required: true, schema: {type: string}}
        - {name: y, in: path, required: true, schema: {type: string}}
      responses: {"204": {description: ok}}
"#;
    let (api, skipped) = load_skipping_unsupported(spec).unwrap();
    assert_eq!(api.operations.len(), 1);
    assert_eq!(api.operations[0].id, "first");
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].to_string().contains("nothing between them"), "{}", skipped[0]);
}
