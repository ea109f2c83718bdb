//! Every example in the spec (`components/examples`, schema and parameter
//! `example`s) deserializes into the generated model type and serializes back
//! to the same JSON.

mod common;

use generator::ir::{Primitive, Shape, Type};
use ipfs_pinning_models::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Value {
    let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("does not decode: {e}"));
    serde_json::to_value(&typed).expect("encodes")
}

/// Round-trips `value` through the Rust type the models use for `ty`.
fn through(ty: &Type, value: &Value) -> Value {
    match &ty.shape {
        Shape::Named(name) => match name.as_str() {
            "PinResults" => round_trip::<PinResults>(value),
            "PinStatus" => round_trip::<PinStatus>(value),
            "Pin" => round_trip::<Pin>(value),
            "Status" => round_trip::<Status>(value),
            "Delegates" => round_trip::<Delegates>(value),
            "Origins" => round_trip::<Origins>(value),
            "PinMeta" => round_trip::<PinMeta>(value),
            "StatusInfo" => round_trip::<StatusInfo>(value),
            "TextMatchingStrategy" => round_trip::<TextMatchingStrategy>(value),
            "Failure" => round_trip::<Failure>(value),
            "FailureError" => round_trip::<FailureError>(value),
            other => panic!("the spec has a type `{other}` this test does not know; add it"),
        },
        Shape::Array(item) => {
            let items = value.as_array().expect("an array example");
            Value::Array(items.iter().map(|v| through(item, v)).collect())
        }
        Shape::Primitive(Primitive::String) => round_trip::<String>(value),
        Shape::Primitive(Primitive::DateTime) => round_trip::<chrono::DateTime<chrono::Utc>>(value),
        Shape::Primitive(Primitive::Int32) => round_trip::<i32>(value),
        other => panic!("no round trip for {other:?}"),
    }
}

#[test]
fn spec_examples_round_trip_through_the_models() {
    let api = generator::load(&common::read("ipfs-pinning-service.yaml")).unwrap();
    // 11 schema examples, 6 parameter examples, 6 in components/examples.
    assert_eq!(api.examples.len(), 23, "{:#?}", api.examples.iter().map(|e| e.pointer.to_string()).collect::<Vec<_>>());
    for example in &api.examples {
        let back = through(&example.ty, &example.value);
        assert_eq!(back, example.value, "{}", example.pointer);
    }
}

#[test]
fn a_pin_status_from_a_deployed_service_decodes() {
    // Deployed services send `null` for optional fields and extra fields.
    let sent = serde_json::json!({
        "requestid": "r1", "status": "queued", "created": "2020-07-27T17:32:28.276Z",
        "pin": {"cid": "bafy", "name": null, "origins": null, "meta": null},
        "delegates": [], "info": null, "vendor_extra": {"x": 1}
    });
    let status: PinStatus = serde_json::from_value(sent).unwrap();
    assert_eq!(status.pin.name, None);
    assert!(status.delegates.is_empty());
    let json = serde_json::to_value(&status).unwrap();
    assert_eq!(json["created"], "2020-07-27T17:32:28.276Z");
    assert!(json["pin"].get("name").is_none(), "None is left out, not sent as null");
}

#[test]
fn enums_parse_print_and_default() {
    assert_eq!(TextMatchingStrategy::default(), TextMatchingStrategy::Exact);
    assert_eq!("ipartial".parse::<TextMatchingStrategy>(), Ok(TextMatchingStrategy::Ipartial));
    assert_eq!(Status::Pinning.to_string(), "pinning");
    let err = "done".parse::<Status>().unwrap_err();
    assert_eq!(err.to_string(), "`done` is not a valid Status; expected one of: queued, pinning, pinned, failed");
    for status in Status::ALL {
        assert_eq!(status.as_str().parse::<Status>(), Ok(status));
        assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
    }
}
