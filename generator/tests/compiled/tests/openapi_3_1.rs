//! The `openapi_3_1` fixture: an OpenAPI 3.1 document read through the
//! translation to 3.0. The 3.1 keywords become the types they say (a nullable
//! `[string, "null"]`, a union for `[string, integer]`, single-value enums for
//! `const`, exclusive bounds, a tuple as a bounded `Vec`), JSON round-trips
//! exactly through them, and the generated client and server talk over
//! 127.0.0.1 through a path item that is a `$ref` into `components.pathItems`.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use generated_fixtures::fixtures::openapi_3_1::client::{Client, Error, GetReadingQuery};
use generated_fixtures::fixtures::openapi_3_1::models::validation::Validate;
use generated_fixtures::fixtures::openapi_3_1::models::{
    GetReadingUnit, Reading, ReadingAlertPostRequest, ReadingCode, ReadingKind, ReadingLevel, ReadingUnit, Sensor,
};
use generated_fixtures::fixtures::openapi_3_1::server::{self, AddReadingResponse, Api, GetReadingResponse};
use serde_json::{Value, json};
use tower::ServiceExt;

fn reading() -> Value {
    json!({
        "id": 7,
        "kind": "reading",
        "value": 21.5,
        "label": "kitchen",
        "level": "high",
        "code": "k-1",
        "point": [52.5, 13.4],
        "raw": "AAEC",
        "sensor": {"name": "s1"},
        "previous": {"name": "s0"},
        "unit": "celsius",
        "labels": {"x-room": "kitchen"}
    })
}

/// Decodes `wire`, encodes the result, and checks nothing was lost or added.
fn round_trip(wire: Value) -> Reading {
    let decoded: Reading = serde_json::from_value(wire.clone()).expect("decodes");
    assert_eq!(serde_json::to_value(&decoded).unwrap(), wire, "the round trip changed the value");
    decoded
}

#[test]
fn the_3_1_keywords_are_the_types_they_say() {
    let r = round_trip(reading());
    assert_eq!(r.kind, ReadingKind::Reading);
    assert_eq!(r.label.as_deref(), Some("kitchen"));
    assert_eq!(r.level, Some(ReadingLevel::High));
    assert_eq!(r.code, Some(ReadingCode::String("k-1".to_owned())));
    assert_eq!(r.point, Some(vec![52.5, 13.4]));
    assert_eq!(r.sensor, Some(Sensor { name: "s1".to_owned() }));
    assert_eq!(r.unit, Some(ReadingUnit::Celsius));

    // `type: [string, integer]`: the integer is an integer.
    let r = round_trip(json!({"id": 1, "kind": "reading", "value": 1.5, "code": 42}));
    assert_eq!(r.code, Some(ReadingCode::Integer(42)));
    // `[string, "null"]`, `enum: [low, high, null]`, `anyOf: [$ref, {type: null}]`: null is absent.
    // `nothing: {type: "null"}` is an optional nullable value: `null` is read as absent too.
    let r: Reading = serde_json::from_value(
        json!({"id": 1, "kind": "reading", "value": 1, "label": null, "level": null, "previous": null, "nothing": null}),
    )
    .unwrap();
    assert_eq!((r.label, r.level, r.previous, r.nothing), (None, None, None, None));
    // `const`: another value is not this type.
    let error = serde_json::from_value::<Reading>(json!({"id": 1, "kind": "other", "value": 1})).unwrap_err();
    assert!(error.to_string().contains("reading"), "{error}");
    // The webhook's body type is generated.
    let alert: ReadingAlertPostRequest =
        serde_json::from_value(json!({"reading": reading(), "severity": null})).unwrap();
    assert_eq!(alert.severity, None);
}

#[test]
fn the_3_1_constraints_are_checked() {
    let valid: Reading = serde_json::from_value(reading()).unwrap();
    assert!(valid.validate().is_ok());
    let check = |change: Value| {
        let mut wire = reading();
        wire.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
        let r: Reading = serde_json::from_value(wire).unwrap();
        r.validate().expect_err("must be refused").to_string()
    };
    // Numeric `exclusiveMinimum`/`exclusiveMaximum`: the bounds themselves are out.
    assert!(check(json!({"value": 0})).contains("value"));
    assert!(check(json!({"value": 1000})).contains("value"));
    // `items: false` after the tuple: at most its two places.
    assert!(check(json!({"point": [1.0, 2.0, 3.0]})).contains("point"));
    // Each type of a type list keeps its own keywords.
    assert!(check(json!({"code": ""})).contains("code"));
    assert!(check(json!({"code": -1})).contains("code"));
    assert!(check(json!({"label": "x".repeat(41)})).contains("label"));
}

struct Service;

impl Api for Service {
    async fn add_reading(&self, body: Reading) -> AddReadingResponse {
        AddReadingResponse::Created(body)
    }

    async fn get_reading(&self, id: i64, query: server::GetReadingQuery) -> GetReadingResponse {
        if id != 7 {
            return GetReadingResponse::NotFound;
        }
        let mut r: Reading = serde_json::from_value(reading()).unwrap();
        if query.unit == Some(GetReadingUnit::Celsius) {
            r.label = Some("in celsius".to_owned());
        }
        GetReadingResponse::Ok(r)
    }
}

#[tokio::test]
async fn client_and_server_talk_through_the_3_1_document() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    let client = Client::new(format!("http://{address}")).unwrap();

    let sent: Reading = serde_json::from_value(reading()).unwrap();
    assert_eq!(client.add_reading(&sent).await.unwrap(), sent);
    let got = client.get_reading(7, &GetReadingQuery::default().unit(GetReadingUnit::Celsius)).await.unwrap();
    assert_eq!(got.label.as_deref(), Some("in celsius"));
    let missing = client.get_reading(8, &GetReadingQuery::default()).await.unwrap_err();
    assert_eq!(missing.status(), Some(StatusCode::NOT_FOUND), "{missing:?}");
    // `exclusiveMinimum: 0` on the path parameter: the client refuses 0 before sending.
    assert!(matches!(client.get_reading(0, &GetReadingQuery::default()).await, Err(Error::Validation(_))));
}

#[tokio::test]
async fn the_server_enforces_the_3_1_constraints() {
    let send = |uri: &str, body: Option<Value>| {
        let request = match body {
            Some(body) => Request::post(uri)
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
            None => Request::get(uri).body(Body::empty()).unwrap(),
        };
        server::router(Service).oneshot(request)
    };
    // The path parameter's `exclusiveMinimum: 0`; the query's `const`.
    assert_eq!(send("/readings/0", None).await.unwrap().status(), StatusCode::BAD_REQUEST);
    assert_eq!(send("/readings/7?unit=kelvin", None).await.unwrap().status(), StatusCode::BAD_REQUEST);
    assert_eq!(send("/readings/7?unit=celsius", None).await.unwrap().status(), StatusCode::OK);
    // The body's `exclusiveMaximum`.
    let mut body = reading();
    body["value"] = json!(1000);
    assert_eq!(send("/readings", Some(body)).await.unwrap().status(), StatusCode::BAD_REQUEST);
    let response = send("/readings", Some(reading())).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&bytes).unwrap(), reading());
}
