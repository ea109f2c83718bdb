//! The plan degrades instead of refusing: what it reads less fully than the
//! spec says is a warning with its JSON pointer, added to the API's warnings
//! by `load` (and by `--skip-unsupported` loading), and listed by the plan.

mod common;

use generator::plan::ApiPlan;

fn media_types() -> String {
    std::fs::read_to_string(common::fixture_dir().join("media_types.yaml")).unwrap()
}

/// The pointer of each warning.
fn pointers(warnings: &[generator::Warning]) -> Vec<String> {
    warnings.iter().map(|w| w.pointer.to_string()).collect()
}

#[test]
fn several_media_types_are_read_without_warnings_but_what_they_cannot_tell_apart() {
    // Every media type of the fixture is an option of its body now.
    let api = generator::load(&media_types()).unwrap();
    assert_eq!(pointers(&api.warnings), Vec::<String>::new());
    let (_, skipped) = generator::skip::load_skipping_unsupported(&media_types()).unwrap();
    assert!(skipped.is_empty());

    // A second form of another schema (the server could not tell them
    // apart) and a multipart type other than `form-data` (its bytes) are.
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded: {schema: {type: object, properties: {a: {type: string}}}}
          application/x-www-form-urlencoded; charset=utf-8: {schema: {type: object, properties: {b: {type: string}}}}
          multipart/mixed: {schema: {type: string, format: binary}}
      responses: {"204": {description: ok}}
"#;
    let api = generator::load(spec).unwrap();
    let at = "#/paths/~1x/post/requestBody/content/";
    assert_eq!(
        pointers(&api.warnings),
        [format!("{at}application~1x-www-form-urlencoded; charset=utf-8"), format!("{at}multipart~1mixed")]
    );
    assert!(api.warnings[0].message.contains("reads `application/x-www-form-urlencoded` only"), "{}", api.warnings[0]);
    let plan = ApiPlan::new(&api).unwrap();
    let listed: Vec<generator::Warning> = plan.warnings().cloned().collect();
    assert_eq!(listed, api.warnings);
    let body = plan.server.operations[0].body.as_ref().unwrap();
    let names: Vec<&str> = body.options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["ApplicationXWwwFormUrlencoded", "MultipartMixed"]);
    assert_eq!(body.choice.as_deref(), Some("PostXRequestBody"));
}

#[test]
fn a_form_body_without_a_schema_first_of_several_travels_raw() {
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded: {}
          text/plain: {schema: {type: string}}
      responses: {"204": {description: ok}}
"#;
    let api = generator::load(spec).unwrap();
    assert_eq!(pointers(&api.warnings), ["#/paths/~1x/post/requestBody/content/application~1x-www-form-urlencoded"]);
    assert!(api.warnings[0].message.contains("without a schema"), "{}", api.warnings[0]);
    ApiPlan::new(&api).unwrap();
}

#[test]
fn bodies_and_headers_the_fixture_approximates_are_warnings_with_their_pointer() {
    let text = std::fs::read_to_string(common::fixture_dir().join("form_encoding.yaml")).unwrap();
    let api = generator::load(&text).unwrap();
    let form = "#/paths/~1profiles/post/requestBody/content/application~1x-www-form-urlencoded";
    assert_eq!(
        pointers(&api.warnings),
        [
            format!("{form}/encoding/name/headers"),
            "#/components/schemas/Profile/properties/history".to_owned(),
            "#/paths/~1avatars/post/requestBody/content/multipart~1form-data/schema/properties/image".to_owned(),
            "#/paths/~1raw-forms/post/requestBody/content/application~1x-www-form-urlencoded".to_owned(),
            "#/paths/~1pings/post/requestBody/content".to_owned(),
            "#/paths/~1status/get/responses/200/headers/X-Deep/schema".to_owned(),
        ]
    );
    // `address` is a nested object too, but its `encoding` says `deepObject`: no warning.
    assert!(api.warnings.iter().all(|w| !w.pointer.to_string().contains("address")));
}

#[test]
fn defaults_that_are_no_value_of_the_type_are_warnings() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/parameter_defaults.yaml"))
        .unwrap();
    let api = generator::load(&text).unwrap();
    let pointers: Vec<String> = api.warnings.iter().map(|w| w.pointer.to_string()).collect();
    assert_eq!(
        pointers,
        [
            // Lowering's: the enum does not list its default.
            "#/paths/~1items/get/parameters/5/schema/default",
            "#/paths/~1items/get/parameters/5",
            "#/paths/~1items/get/parameters/7",
            "#/paths/~1items/get/parameters/8",
        ]
    );
    assert!(api.warnings[1].message.contains("`\"sideways\"`"), "{}", api.warnings[1]);
}

/// `skip` reads the warnings of an API the plan accepts as a whole from its
/// server plan (`plan::planned_warnings`) rather than planning each
/// operation on its own again (`plan::warnings`): the two agree on every
/// fixture and on the pinning spec, warnings and their order included.
#[test]
fn the_server_plan_holds_the_warnings_each_operation_planned_alone_gives() {
    let mut specs: Vec<std::path::PathBuf> = std::fs::read_dir(common::fixture_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    specs.push(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/ipfs-pinning-service.yaml"));
    let (mut compared, mut with_warnings) = (0, 0);
    for spec in &specs {
        let text = std::fs::read_to_string(spec).unwrap();
        let Ok(document) = generator::parse::parse(&text) else { continue };
        let Ok(api) = generator::lower::lower(&document) else { continue };
        let Ok(plan) = ApiPlan::new(&api) else { continue };
        let each = generator::plan::warnings(&api);
        assert_eq!(generator::plan::planned_warnings(&api, &plan.server), each, "{}", spec.display());
        compared += 1;
        with_warnings += usize::from(!each.is_empty());
    }
    assert!(compared >= 20, "only {compared} fixtures planned");
    assert!(with_warnings >= 1, "no fixture has plan warnings to compare");
}
