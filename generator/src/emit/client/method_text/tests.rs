//! The width sweep of the client's text path.
use super::*;
use crate::emit::FileText;

/// A spec whose names (operations, parameters, schemas, wire names) are
/// `len` bytes long, with every kind of item the text path writes.
fn spec(len: usize) -> String {
    let op = format!("o{}", "p".repeat(len - 1));
    let param = format!("q{}", "r".repeat(len - 1));
    let schema = format!("S{}", "t".repeat(len - 1));
    // A JSON schema of `schema`'s: `{ $ref: .. }` for `suffix`.
    let json = |suffix: &str| {
        format!(
            r##"{{ content: {{ application/json: {{ schema: {{ $ref: "#/components/schemas/{schema}{suffix}" }} }} }} }}"##
        )
    };
    let list = format!(
        r##"{{ content: {{ application/json: {{ schema: {{ type: array, items: {{ $ref: "#/components/schemas/{schema}" }} }} }} }} }}"##
    );
    let when = "[{ name: when, in: path, required: true, schema: { type: string, format: date-time } }]";
    let (one, error, page) = (json(""), json("Error"), json("Page"));
    format!(
        r##"
openapi: 3.0.3
info: {{ title: widths, version: "1" }}
paths:
  /a/{{{param}}}/b/{{id}}:
    get:
      operationId: {op}Get
      deprecated: true
      security: [{{ {schema}Key: [] }}]
      parameters:
        - {{ name: {param}, in: path, required: true, schema: {{ type: string }} }}
        - {{ name: id, in: path, required: true, schema: {{ type: integer, minimum: 1 }} }}
        - {{ name: {param}Count, in: query, schema: {{ type: integer, minimum: 1, maximum: 100 }} }}
        - {{ name: {param}Kind, in: query, schema: {{ $ref: "#/components/schemas/{schema}Kind" }} }}
        - {{ name: {param}List, in: query, explode: true, schema: {{ type: array, items: {{ type: integer }} }} }}
        - {{ name: {param}Joined, in: query, explode: false, schema: {{ type: array, items: {{ type: string }} }} }}
        - {{ name: {param}Text, in: query, schema: {{ type: string, maxLength: 10 }} }}
        - {{ name: {param}Required, in: query, required: true, schema: {{ type: string }} }}
        - {{ name: X-{param}, in: header, schema: {{ type: string }} }}
      responses:
        "200": {{ description: a list, {list_body} }}
        "404": {{ description: missing, {error_body} }}
  /c/{{when}}:
    put:
      operationId: {op}Put
      servers: [{{ url: "https://{param}.example.com" }}]
      security: [{{ {schema}Key: [], {schema}Oauth: [read, write] }}, {{}}]
      parameters: {when}
      requestBody: {{ required: true, {one_body} }}
      responses:
        "200": {{ description: one, {one_body} }}
        "400": {{ description: bad, {error_body} }}
        "401": {{ description: bad, {error_body} }}
    post:
      operationId: {op}Post
      parameters: {when}
      requestBody: {list}
      responses:
        "201": {{ description: made, {page_body} }}
        "202": {{ description: later }}
    patch:
      operationId: {op}Patch
      parameters: {when}
      requestBody: {one}
      responses:
        "200": {{ description: one, {error_body} }}
    delete:
      operationId: {op}Delete
      parameters: {when}
      requestBody:
        required: true
        content: {{ text/plain: {{ schema: {{ type: string }} }} }}
      responses:
        "200": {{ description: text, content: {{ text/plain: {{ schema: {{ type: string }} }} }} }}
components:
  securitySchemes:
    {schema}Key: {{ type: apiKey, in: header, name: X-Key }}
    {schema}Oauth:
      type: oauth2
      flows: {{ clientCredentials: {{ tokenUrl: "https://t.example.com", scopes: {{ read: r, write: w }} }} }}
  schemas:
    {schema}:
      type: object
      properties:
        name: {{ type: string, minLength: 1 }}
    {schema}Page:
      type: object
      properties:
        items: {{ type: array, items: {{ $ref: "#/components/schemas/{schema}" }} }}
    {schema}Kind:
      type: string
      enum: [a, b]
    {schema}Error:
      type: object
      properties:
        message: {{ type: string }}
"##,
        list_body = inner(&list),
        error_body = inner(&error),
        one_body = inner(&one),
        page_body = inner(&page),
    )
}

/// `{ content: .. }` without its braces (to add beside a description).
fn inner(object: &str) -> &str {
    &object[2..object.len() - 2]
}

/// Every operation's items written as text and quoted, for names of
/// every length around `prettyplease`'s margin (and the models behind a
/// longer path): the text is the printed tokens.
#[test]
fn text_is_what_prettyplease_prints_at_every_width() {
    let (mut texts, mut total) = (0, 0);
    for models in ["crate::models", "::ipfs_pinning_models", "::a_crate_with_a_rather_long_name::models::version_2024"]
    {
        for len in 1..=110 {
            let document = crate::parse::parse(&spec(len)).expect("parse");
            let api = crate::lower::lower(&document).unwrap_or_else(|e| panic!("{len}: {e}"));
            assert_eq!(api.operations.len(), 5);
            let plan = ClientPlan::new(&api).expect("plan");
            let text = format!("{models}::");
            let path = ModelsPath { tokens: text.parse().expect("path"), text };
            let ops = api.operations.iter().zip(&plan.names.operations).zip(&plan.operations);
            for (i, ((op, names), p)) in ops.enumerate() {
                let op = OpPlan::new(&api, op, names, p, &path, &plan.security, i);
                total += 1;
                let Some(pieces) = op.text_pieces() else {
                    // Only a type too long for its line is quoted.
                    let short = len <= 30 && models == "crate::models";
                    assert!(!short, "{models}, names of {len} bytes, {}: quoted", op.op.name);
                    continue;
                };
                texts += 1;
                let at = Pointer::root();
                let mut quoted = FileText::new("");
                quoted.tokens(op.emit().expect("emit"), &at).expect("tokens parse");
                let mut written = FileText::new("");
                for piece in pieces {
                    match piece {
                        Piece::Text(text) => written.text(&text),
                        Piece::Tokens(tokens) => written.tokens(tokens, &at).expect("tokens parse"),
                    }
                }
                assert_eq!(written.finish(), quoted.finish(), "{models}, names of {len} bytes, {}", op.op.name);
            }
        }
    }
    assert!(texts * 5 > total * 2, "{texts} of {total} written");
}
