//! The IR of the pinning spec carries every fact the client and server
//! emitters need, exactly as the spec states it.

mod common;

use generator::ir::*;

fn pinning() -> Api {
    generator::load(&common::read("ipfs-pinning-service.yaml")).unwrap()
}

fn op<'a>(api: &'a Api, id: &str) -> &'a Operation {
    api.operations.iter().find(|o| o.id == id).unwrap_or_else(|| panic!("no operation {id}"))
}

fn param<'a>(op: &'a Operation, name: &str) -> &'a Parameter {
    op.parameters.iter().find(|p| p.wire_name == name).unwrap_or_else(|| panic!("no parameter {name}"))
}

#[test]
fn operations_with_ids_methods_and_paths() {
    let api = pinning();
    let got: Vec<(&str, &str, Method, &str)> =
        api.operations.iter().map(|o| (o.id.as_str(), o.name.as_str(), o.method, o.path.as_str())).collect();
    assert_eq!(
        got,
        [
            ("getPins", "get_pins", Method::Get, "/pins"),
            ("addPin", "add_pin", Method::Post, "/pins"),
            ("getPinByRequestId", "get_pin_by_request_id", Method::Get, "/pins/{requestid}"),
            ("replacePinByRequestId", "replace_pin_by_request_id", Method::Post, "/pins/{requestid}"),
            ("deletePinByRequestId", "delete_pin_by_request_id", Method::Delete, "/pins/{requestid}"),
        ]
    );
}

#[test]
fn get_pins_query_parameters() {
    let api = pinning();
    let get = op(&api, "getPins");
    let names: Vec<&str> = get.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["cid", "name", "r#match", "status", "before", "after", "limit", "meta"]);
    assert!(get.parameters.iter().all(|p| p.location == Location::Query && !p.required));

    for array in ["cid", "status"] {
        let p = param(get, array);
        assert_eq!((p.style, p.explode), (Style::Form, false), "{array}: ?{array}=a,b");
        assert!(matches!(p.ty().shape, Shape::Array(_)));
        assert!(p.ty().constraints.unique_items);
        assert_eq!(p.ty().constraints.min_items, Some(1));
    }
    assert_eq!(param(get, "cid").ty().constraints.max_items, Some(10));
    let Shape::Array(item) = &param(get, "status").ty().shape else { unreachable!() };
    assert_eq!(item.named(), Some("Status"));

    let meta = param(get, "meta");
    match &meta.encoding {
        ParameterEncoding::Content { media_type, ty } => {
            assert_eq!(media_type, "application/json");
            assert_eq!(ty.named(), Some("PinMeta"));
        }
        other => panic!("meta must be JSON content: {other:?}"),
    }

    let limit = param(get, "limit").ty();
    assert_eq!(limit.shape, Shape::Primitive(Primitive::Int32));
    assert_eq!(limit.constraints.minimum, Some(Bound { value: 1.0, exclusive: false }));
    assert_eq!(limit.constraints.maximum, Some(Bound { value: 1000.0, exclusive: false }));
    assert_eq!(limit.default, Some(serde_json::json!(10)));

    assert_eq!(param(get, "match").ty().named(), Some("TextMatchingStrategy"));
    let strategy = api.type_def("TextMatchingStrategy").unwrap();
    let TypeKind::Enum(e) = &strategy.kind else { panic!("an enum") };
    assert_eq!(e.default.as_deref(), Some("exact"));

    for time in ["before", "after"] {
        assert_eq!(param(get, time).ty().shape, Shape::Primitive(Primitive::DateTime));
    }
    assert_eq!(param(get, "name").ty().constraints.max_length, Some(255));
}

#[test]
fn path_level_parameter_is_merged_into_each_operation() {
    let api = pinning();
    for id in ["getPinByRequestId", "replacePinByRequestId", "deletePinByRequestId"] {
        let p = param(op(&api, id), "requestid");
        assert_eq!((p.location, p.required, p.style), (Location::Path, true, Style::Simple));
        assert_eq!(p.pointer.to_string(), "#/paths/~1pins~1{requestid}/parameters/0");
    }
}

#[test]
fn responses_by_code_and_range_all_with_failure_bodies() {
    let api = pinning();
    for operation in &api.operations {
        let codes: Vec<StatusCode> = operation.responses.iter().map(|r| r.status).collect();
        let success = if operation.method == Method::Get { 200 } else { 202 };
        assert_eq!(
            codes,
            [
                StatusCode::Exact(success),
                StatusCode::Exact(400),
                StatusCode::Exact(401),
                StatusCode::Exact(404),
                StatusCode::Exact(409),
                StatusCode::Range(4),
                StatusCode::Range(5),
            ],
            "{}",
            operation.id
        );
        for failure in &operation.responses[1..] {
            assert_eq!(failure.content.len(), 1);
            assert_eq!(failure.content[0].media_type, "application/json");
            assert_eq!(failure.content[0].ty.as_ref().and_then(Type::named), Some("Failure"));
        }
    }
    let delete = op(&api, "deletePinByRequestId");
    assert!(delete.responses[0].content.is_empty(), "DELETE answers 202 with no body");
    let add = op(&api, "addPin");
    let body = add.request_body.as_ref().unwrap();
    assert!(body.required);
    assert_eq!(body.content[0].ty.as_ref().and_then(Type::named), Some("Pin"));
    assert!(StatusCode::Range(4).matches(418) && !StatusCode::Range(4).matches(500));
}

#[test]
fn bearer_auth_on_every_operation() {
    let api = pinning();
    assert_eq!(api.security_schemes.len(), 1);
    assert_eq!(api.security_schemes[0].name, "accessToken");
    assert_eq!(api.security_schemes[0].kind, SecuritySchemeKind::Http { scheme: "bearer".into(), bearer_format: None });
    for operation in &api.operations {
        assert_eq!(operation.security.len(), 1, "{}", operation.id);
        assert_eq!(operation.security[0].schemes[0].scheme, "accessToken");
    }
}

#[test]
fn models_keep_names_maps_and_constraints() {
    let api = pinning();
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "PinResults",
            "PinStatus",
            "Pin",
            "Status",
            "Delegates",
            "Origins",
            "PinMeta",
            "StatusInfo",
            "TextMatchingStrategy",
            "Failure",
            "FailureError"
        ]
    );
    let failure = api.type_def("FailureError").unwrap();
    assert_eq!(failure.pointer.to_string(), "#/components/schemas/Failure/properties/error");
    for map in ["PinMeta", "StatusInfo"] {
        let def = api.type_def(map).unwrap();
        assert_eq!(def.kind, TypeKind::Map(Type::new(Shape::Primitive(Primitive::String))));
        assert_eq!((def.constraints.min_properties, def.constraints.max_properties), (Some(0), Some(1000)), "{map}");
    }
    let delegates = api.type_def("Delegates").unwrap();
    assert_eq!(
        (delegates.constraints.min_items, delegates.constraints.max_items, delegates.constraints.unique_items),
        (Some(1), Some(20), true)
    );
    let origins = api.type_def("Origins").unwrap();
    assert_eq!((origins.constraints.max_items, origins.constraints.unique_items), (Some(20), true));
    let TypeKind::Struct(results) = &api.type_def("PinResults").unwrap().kind else { panic!() };
    assert_eq!(results.fields[1].ty.constraints.max_items, Some(1000));
    let TypeKind::Struct(status) = &api.type_def("PinStatus").unwrap().kind else { panic!() };
    let required: Vec<(&str, bool)> = status.fields.iter().map(|f| (f.wire_name.as_str(), f.required)).collect();
    assert_eq!(
        required,
        [("requestid", true), ("status", true), ("created", true), ("pin", true), ("delegates", true), ("info", false)]
    );
}

#[test]
fn history_versions_lower() {
    // v1.0.0 has no operationIds: names come from method and path.
    let v1 = generator::load(&common::read("history/v1.0.0.yaml")).unwrap();
    let names: Vec<&str> = v1.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        ["get_pins", "post_pins", "get_pins_by_requestid", "post_pins_by_requestid", "delete_pins_by_requestid"]
    );

    // v0.0.3: a path-level `auth` query parameter repeated by each operation
    // (the operation's copy wins, once), a path parameter with dashes, an
    // array request body, and a schema named `Error`.
    let v003 = generator::load(&common::read("history/v0.0.3.yaml")).unwrap();
    let get = v003.operations.iter().find(|o| o.name == "get_pins_by_cid_of_pin_object").unwrap();
    let params: Vec<(&str, &str, Location)> =
        get.parameters.iter().map(|p| (p.name.as_str(), p.wire_name.as_str(), p.location)).collect();
    assert_eq!(params, [("cid_of_pin_object", "cid-of-pin-object", Location::Path), ("auth", "auth", Location::Query)]);
    assert_eq!(get.parameters[1].pointer.to_string(), "#/paths/~1pins~1{cid-of-pin-object}/get/parameters/0");
    let post = v003.operations.iter().find(|o| o.name == "post_pins").unwrap();
    let body = post.request_body.as_ref().unwrap().content[0].ty.as_ref().unwrap();
    assert!(matches!(&body.shape, Shape::Array(item) if item.named() == Some("Pin")));
    assert_eq!(body.constraints.max_items, Some(1000));
    assert!(v003.type_def("Error").is_some());
    assert!(v003.operations.iter().all(|o| o.responses.iter().all(|r| !matches!(r.status, StatusCode::Range(_)))));
}

#[test]
fn servers_of_operations_and_path_items_with_variables_at_their_defaults() {
    let spec = r#"
openapi: 3.0.3
info: {title: Servers, version: 1.0.0}
servers:
  - url: "https://{host}/api"
    variables: {host: {default: api.example.com}}
paths:
  /a:
    servers: [{url: /from-path-item}]
    get:
      responses: {"204": {description: ok}}
    put:
      servers: [{url: "https://{region}.example.com", variables: {region: {default: eu, enum: [eu, us]}}}]
      responses: {"204": {description: ok}}
  /b:
    get:
      responses: {"204": {description: ok}}
"#;
    let api = generator::load(spec).unwrap();
    assert_eq!(api.servers, ["https://api.example.com/api"]);
    let servers: Vec<(&str, &[String])> =
        api.operations.iter().map(|o| (o.id.as_str(), o.servers.as_slice())).collect();
    assert_eq!(
        servers,
        [
            ("get_a", &["/from-path-item".to_owned()][..]),
            ("put_a", &["https://eu.example.com".to_owned()][..]),
            ("get_b", &[][..]),
        ]
    );
}
