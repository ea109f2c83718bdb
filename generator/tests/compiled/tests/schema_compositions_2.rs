//! Wire round trips of the schema constructs of `schema_compositions_2.yaml`
//! (issue 13): `allOf` beside `oneOf`, a `oneOf` part of an `allOf`, `allOf`
//! beside keywords of a type, `$ref`s into other places (another
//! operation's body, an `allOf` in a property, a recursive inline schema),
//! `enum`s of arrays and objects, and keywords repaired before the typed
//! parse.

use generated_fixtures::fixtures::schema_compositions_2::{client, models, server};
use models::*;
use serde_json::{Value, json};

/// Echoes what it read.
struct Echo;

impl server::Api for Echo {
    async fn put_thing(&self, body: Thing) -> server::PutThingResponse {
        server::PutThingResponse::Ok(body)
    }

    async fn act_on_machine(&self, _id: String, _body: ActOnMachineRequest) -> server::ActOnMachineResponse {
        server::ActOnMachineResponse::NoContent
    }

    async fn act_on_machines(&self, body: ActOnMachinesRequest) -> server::ActOnMachinesResponse {
        server::ActOnMachinesResponse::Ok(body)
    }
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Echo)).await });
    format!("http://{address}")
}

/// Sends `body` as JSON; the status and the body of the answer.
async fn send(url: String, method: reqwest::Method, body: Value) -> (u16, Value) {
    // reqwest is built without a default crypto provider (the generated
    // client installs one; this sends raw requests).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .request(method, url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn thing() -> Thing {
    Thing {
        rate: Some(RateRequest::ByShipment(RateRequestByShipment {
            currency: Some("EUR".to_owned()),
            shipment: ByShipmentShipment { weight: Some(3) },
        })),
        import: Some(Import::Variant1(ImportVariant1 { name: "film".to_owned(), magnet: "magnet:?xt".to_owned() })),
        icon: Some(IconName::IconMail),
        page: Some(Page { total: Some(2), messages: Some(vec!["late".to_owned()]) }),
        firewall: Some(NamedFirewall {
            id: Some("fw".to_owned()),
            rules: Some(vec!["allow 22".to_owned()]),
            label: Some("edge".to_owned()),
        }),
        contact: Some([("phone".to_owned(), json!("+31"))].into_iter().collect()),
        person: Some(Person { email: Some("a@b.c".to_owned()), phone: None }),
        tree: Some(Tree {
            node: Some(TreeNode {
                label: Some("root".to_owned()),
                children: Some(vec![TreeNode { label: Some("leaf".to_owned()), children: None }]),
            }),
        }),
        jobs: Some(JobTypes::V23),
        corner: Some(Corner::X1Y1),
        timecode: Some("00:01:00.000".to_owned()),
        code: "ab".to_owned(),
        anything: Some(json!({"any": [1, "json"]})),
        hook: None,
    }
}

#[tokio::test]
async fn every_construct_round_trips_between_client_and_server() {
    let url = serve().await;
    let client = client::Client::new(url).unwrap();
    let sent = thing();
    assert_eq!(client.put_thing(&sent).await.unwrap(), sent);
    let sent = Thing {
        rate: Some(RateRequest::ById(RateRequestById { currency: None, shipment_id: "se-1".to_owned() })),
        import: Some(Import::Variant0(ImportVariant0 { name: "clip".to_owned(), url: "https://x".to_owned() })),
        jobs: Some(JobTypes::V1),
        corner: Some(Corner::X0Y0),
        ..sent
    };
    assert_eq!(client.put_thing(&sent).await.unwrap(), sent);
    let rename = ActOnMachinesRequest::ActOnMachineRequestVariant1(ActOnMachineRequestVariant1 {
        r#type: ActOnMachineRequestVariant1Type::Rename,
        name: "db-2".to_owned(),
    });
    assert_eq!(client.act_on_machines(&rename).await.unwrap(), rename);
    let reboot =
        ActOnMachineRequest::Variant0(ActOnMachineRequestVariant0 { r#type: ActOnMachineRequestVariant0Type::Reboot });
    client.act_on_machine("m-1", &reboot).await.unwrap();
}

#[tokio::test]
async fn values_are_on_the_wire_as_the_spec_writes_them() {
    let url = serve().await;
    let wire = serde_json::to_value(thing()).unwrap();
    assert_eq!(wire["jobs"], json!([2, 3]));
    assert_eq!(wire["corner"], json!({"x": 1, "y": 1}));
    assert_eq!(wire["rate"], json!({"currency": "EUR", "shipment": {"weight": 3}}));
    assert_eq!(wire["import"], json!({"name": "film", "magnet": "magnet:?xt"}));
    assert_eq!(wire["icon"], json!("icon://mail"));
    assert_eq!(wire["tree"]["node"]["children"][0]["label"], json!("leaf"));
    // What the server reads is what it was sent, member for member.
    let (status, echoed) = send(format!("{url}/things"), reqwest::Method::PUT, wire.clone()).await;
    assert_eq!(status, 200, "{echoed}");
    assert_eq!(echoed, wire);
    let action = json!({"type": "rename", "name": "db-2"});
    let (status, echoed) = send(format!("{url}/machines/actions"), reqwest::Method::POST, action.clone()).await;
    assert_eq!((status, echoed), (200, action));
}

#[tokio::test]
async fn the_server_enforces_what_the_constructs_say() {
    let url = serve().await;
    let put = |body: Value| send(format!("{url}/things"), reqwest::Method::PUT, body);
    let ok = |extra: Value| {
        let mut body = json!({"code": "ab"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    assert_eq!(put(ok(json!({}))).await.0, 200);
    // `required: true` on the property (Swagger 2.0 style): required.
    assert_eq!(put(json!({})).await.0, 400);
    // `maxLength: "4"` is read as 4.
    assert_eq!(put(ok(json!({"code": "abcde"}))).await.0, 400);
    // `pattern: 0` is no pattern; `type: {...}` allows any value.
    assert_eq!(put(ok(json!({"timecode": "124", "anything": [true, null]}))).await.0, 200);
    // `allOf` beside `oneOf`: one of the alternatives must be there.
    assert_eq!(put(ok(json!({"rate": {"currency": "EUR"}}))).await.0, 400);
    // The `allOf` part `ImportCommon` requires `name` in every alternative.
    assert_eq!(put(ok(json!({"import": {"url": "https://x"}}))).await.0, 400);
    // The icon is one of the listed names.
    assert_eq!(put(ok(json!({"icon": "icon://other"}))).await.0, 400);
    // Enums of arrays and objects: exactly the listed values.
    assert_eq!(put(ok(json!({"jobs": [1]}))).await.0, 200);
    assert_eq!(put(ok(json!({"jobs": 1}))).await.0, 400);
    assert_eq!(put(ok(json!({"jobs": [3, 2]}))).await.0, 400);
    assert_eq!(put(ok(json!({"corner": {"x": 0, "y": 0}}))).await.0, 200);
    assert_eq!(put(ok(json!({"corner": {"x": 0}}))).await.0, 400);
    // The recursive inline schema checks every level.
    assert_eq!(put(ok(json!({"tree": {"node": {"children": [{"label": 5}]}}}))).await.0, 400);
    // The `$ref`'d alternatives are selected by their `type`.
    let post = |body: Value| send(format!("{url}/machines/actions"), reqwest::Method::POST, body);
    assert_eq!(post(json!({"type": "reboot"})).await.0, 200);
    assert_eq!(post(json!({"type": "rename"})).await.0, 400);
    assert_eq!(post(json!({"type": "halt"})).await.0, 400);
}
