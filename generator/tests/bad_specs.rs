//! Broken or unsupported documents: each gives the expected error, naming
//! the place in the spec as a JSON pointer. None panics.

mod common;

use generator::Error;

/// A small valid document; each case splices something into it.
fn doc(paths: &str, components: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}\ncomponents:\n  schemas:\n    Ok: {{type: string}}\n{components}"
    )
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Syntax,
    Malformed,
    Reference,
    Unsupported,
    Collision,
}

fn kind(e: &Error) -> Kind {
    match e {
        Error::Syntax { .. } => Kind::Syntax,
        Error::Malformed { .. } => Kind::Malformed,
        Error::Reference { .. } => Kind::Reference,
        Error::Unsupported { .. } => Kind::Unsupported,
        Error::Collision { .. } => Kind::Collision,
        Error::Emit { .. } => panic!("an emit error is a generator bug: {e}"),
    }
}

#[test]
fn broken_documents_give_errors_with_pointers() {
    let get = |extra: &str| format!("  /a:\n    get:\n{extra}      responses:\n        '200': {{description: ok}}");
    let cases: Vec<(&str, String, Kind, &str, &str)> = vec![
        ("yaml syntax", "openapi: 3.0.3\ninfo: [\n".into(), Kind::Syntax, "#", "line"),
        ("json syntax", "{\"openapi\": \"3.0.3\",}".into(), Kind::Syntax, "#", "line 1"),
        ("not an object", "- 1\n- 2\n".into(), Kind::Malformed, "#", "must be an object"),
        ("no version", "info: {title: t, version: '1'}\npaths: {}\n".into(), Kind::Malformed, "#", "openapi"),
        (
            "openapi 3.2",
            "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n".into(),
            Kind::Unsupported,
            "#/openapi",
            "3.2.0",
        ),
        ("swagger 2", "swagger: '2.0'\n".into(), Kind::Unsupported, "#/swagger", "Swagger 2.0"),
        (
            "wrong type for a description",
            doc("  /a:\n    get:\n      responses:\n        '200': {description: 5}", ""),
            Kind::Malformed,
            "#/paths/~1a/get/responses/200/description",
            "expected a string",
        ),
        (
            "unknown schema type",
            doc("  {}", "    A: {type: strin}\n"),
            Kind::Malformed,
            "#/components/schemas/A/type",
            "unknown type `strin`",
        ),
        (
            "misspelt keyword",
            doc("  {}", "    A:\n      type: object\n      requried: [x]\n      properties: {x: {type: string}}\n"),
            Kind::Unsupported,
            "#/components/schemas/A/requried",
            "not an OpenAPI 3.0 schema keyword",
        ),
        (
            "dangling schema $ref",
            doc(
                "  {}",
                "    A:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/Nope'}\n",
            ),
            Kind::Reference,
            "#/components/schemas/A/properties/b/$ref",
            "points at nothing",
        ),
        (
            "dangling parameter $ref",
            doc(&get("      parameters:\n        - $ref: '#/components/parameters/nope'\n"), ""),
            Kind::Reference,
            "#/paths/~1a/get/parameters/0/$ref",
            "points at nothing",
        ),
        (
            "dangling response $ref",
            doc("  /a:\n    get:\n      responses:\n        '404': {$ref: '#/components/responses/Gone'}", ""),
            Kind::Reference,
            "#/paths/~1a/get/responses/404/$ref",
            "points at nothing",
        ),
        (
            "parameter $ref to something that is not a parameter",
            doc(&get("      parameters:\n        - $ref: '#/components/schemas/Ok'\n"), ""),
            Kind::Reference,
            "#/paths/~1a/get/parameters/0/$ref",
            "cannot be read as what is expected here",
        ),
        (
            "external $ref",
            doc("  {}", "    A: {$ref: 'other.yaml#/components/schemas/B'}\n"),
            Kind::Unsupported,
            "#/components/schemas/A/$ref",
            "outside this document",
        ),
        (
            "path parameter missing from the template",
            doc(
                &get("      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n"),
                "",
            ),
            Kind::Malformed,
            "#/paths/~1a/get/parameters/0",
            "does not appear in the path",
        ),
        (
            "template parameter without a declaration",
            doc("  /a/{id}:\n    get:\n      responses:\n        '200': {description: ok}", ""),
            Kind::Malformed,
            "#/paths/~1a~1{id}/get",
            "no path parameter `id`",
        ),
        (
            "optional path parameter",
            doc(
                "  /a/{id}:\n    get:\n      parameters:\n        - {name: id, in: path, required: false, schema: {type: string}}\n      responses:\n        '200': {description: ok}",
                "",
            ),
            Kind::Malformed,
            "#/paths/~1a~1{id}/get/parameters/0/required",
            "must be `required: true`",
        ),
        (
            "unknown security scheme",
            doc(&get("      security:\n        - nope: []\n"), ""),
            Kind::Reference,
            "#/paths/~1a/get/security/0/nope",
            "securitySchemes",
        ),
        (
            "non-JSON parameter content of a non-string",
            doc(
                &get(
                    "      parameters:\n        - name: q\n          in: query\n          content:\n            text/csv: {schema: {type: array, items: {type: string}}}\n",
                ),
                "",
            ),
            Kind::Unsupported,
            "#/paths/~1a/get/parameters/0/content/text~1csv",
            "text/csv",
        ),
        (
            "a header parameter name that is not a token",
            doc(
                &get(
                    "      parameters:\n        - name: 'X Trace'\n          in: header\n          schema: {type: string}\n",
                ),
                "",
            ),
            Kind::Malformed,
            "#/paths/~1a/get/parameters/0/name",
            "cannot be the name of a header",
        ),
        (
            "not (not yet supported)",
            doc("  {}", "    A:\n      not: {type: string}\n"),
            Kind::Unsupported,
            "#/components/schemas/A/not",
            "`not`",
        ),
        (
            "oneOf of scalars inside allOf with an object (no value fits both)",
            doc(
                "  {}",
                "    A:\n      allOf:\n        - {type: object, properties: {a: {type: string}}}\n        - oneOf: [{type: string}, {type: integer}]\n",
            ),
            Kind::Unsupported,
            "#/components/schemas/A/allOf/1/oneOf/0",
            "not an object",
        ),
        (
            "allOf part that is not an object",
            doc(
                "  {}",
                "    A:\n      allOf:\n        - {type: string}\n        - {type: object, properties: {a: {type: string}}}\n",
            ),
            Kind::Unsupported,
            "#/components/schemas/A/allOf/0",
            "not an object",
        ),
        (
            "discriminator mapping outside the oneOf",
            doc(
                "  {}",
                "    A:\n      oneOf: [{$ref: '#/components/schemas/B'}, {$ref: '#/components/schemas/C'}]\n      discriminator:\n        propertyName: k\n        mapping: {x: '#/components/schemas/Ok'}\n    B: {type: object, properties: {k: {type: string}}}\n    C: {type: object, properties: {k: {type: string}}}\n",
            ),
            Kind::Malformed,
            "#/components/schemas/A/discriminator/mapping/x",
            "not one of the schemas",
        ),
        (
            "oneOf of nothing but null",
            doc("  {}", "    A:\n      oneOf: [{nullable: true}, {type: 'null'}]\n"),
            Kind::Unsupported,
            "#/components/schemas/A/oneOf",
            "only value is `null`",
        ),
        (
            "a type containing itself through an alias",
            doc("  {}", "    A: {type: array, items: {$ref: '#/components/schemas/A'}}\n"),
            Kind::Unsupported,
            "#/components/schemas/A",
            "A → A",
        ),
    ];
    let mut failures = Vec::new();
    for (name, text, expected_kind, expected_pointer, expected_text) in &cases {
        match generator::load(text) {
            Ok(_) => failures.push(format!("{name}: accepted")),
            Err(e) => {
                let message = e.to_string();
                if kind(&e) != *expected_kind
                    || e.pointer().to_string() != *expected_pointer
                    || !message.contains(expected_text)
                {
                    failures.push(format!(
                        "{name}: got {:?} at {} ({message}); expected {expected_kind:?} at {expected_pointer} containing {expected_text:?}",
                        kind(&e),
                        e.pointer()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The issue's own example: the 8th parameter of `GET /pins` broken in place.
#[test]
fn a_broken_parameter_of_the_pinning_spec_is_named_exactly() {
    let text = common::read("ipfs-pinning-service.yaml").replacen(
        "- $ref: '#/components/parameters/meta'",
        "- $ref: '#/components/parameters/metadata'",
        1,
    );
    let e = generator::load(&text).unwrap_err();
    assert_eq!(e.pointer().to_string(), "#/paths/~1pins/get/parameters/7/$ref", "{e}");
    assert_eq!(
        e.to_string(),
        "#/paths/~1pins/get/parameters/7/$ref: the reference `#/components/parameters/metadata` points at nothing in the document"
    );
}

/// Deleting any one line of the real spec, or cutting it short anywhere,
/// gives a document or an error, never a panic.
#[test]
fn damaged_pinning_specs_never_panic() {
    let text = common::read("ipfs-pinning-service.yaml");
    let lines: Vec<&str> = text.lines().collect();
    let mut outcomes = (0usize, 0usize);
    let mut check = |damaged: String| {
        let result = std::panic::catch_unwind(|| {
            generator::load(&damaged).and_then(|api| generator::emit::krate::standalone(&api, "x", "h"))
        });
        match result {
            Ok(Ok(_)) => outcomes.0 += 1,
            Ok(Err(_)) => outcomes.1 += 1,
            Err(_) => panic!("panicked on:\n{damaged}"),
        }
    };
    for skip in 0..lines.len() {
        check(lines.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, l)| *l).collect::<Vec<_>>().join("\n"));
    }
    for cut in (0..text.len()).step_by(97).filter(|&i| text.is_char_boundary(i)) {
        check(text[..cut].to_owned());
    }
    // Both outcomes occur: the sweep exercises the error paths, not just one.
    assert!(outcomes.0 > 0 && outcomes.1 > 0, "{outcomes:?}");
}
