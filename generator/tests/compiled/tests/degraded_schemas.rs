//! Wire round trips of schemas generated as a looser type with a warning
//! (issue 13): a property two `allOf` parts declare with types that exclude
//! each other, and an `enum` whose only value is `null`.

use generated_fixtures::fixtures::degraded_schemas::{client, models, server};
use models::Record;
use serde_json::json;

/// Echoes what it read.
struct Echo;

impl server::Api for Echo {
    async fn echo_record(&self, body: Record) -> server::EchoRecordResponse {
        server::EchoRecordResponse::Ok(body)
    }
}

#[tokio::test]
async fn what_either_declaration_allows_reaches_the_server_and_back() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Echo)).await });
    let client = client::Client::new(format!("http://{address}")).unwrap();
    // `status` is an int64 in `Base` and a string enum in `Record`'s own part.
    for status in [json!(7), json!("active")] {
        let sent = Record { status: status.clone(), removed: None };
        assert_eq!(client.echo_record(&sent).await.unwrap(), sent);
    }
    // `removed: null` is the one value its `enum` lists; it round-trips as null.
    let sent: Record = serde_json::from_value(json!({"status": 1, "removed": null})).unwrap();
    assert_eq!(serde_json::to_value(client.echo_record(&sent).await.unwrap()).unwrap()["status"], json!(1));
    // `status` stays required.
    assert!(serde_json::from_value::<Record>(json!({"removed": null})).is_err());
}

#[test]
fn an_inline_alternative_of_a_discriminated_union_is_selected_by_its_tag_enum() {
    use models::{Drawing, Shape};
    for wire in [json!({"kind": "circle", "radius": 1.5}), json!({"kind": "round", "radius": 2.0})] {
        let shape: Shape = serde_json::from_value(wire.clone()).unwrap();
        assert!(matches!(shape, Shape::Variant0(_)), "{wire}");
        assert_eq!(serde_json::to_value(&shape).unwrap(), wire);
    }
    let wire = json!({"kind": "Square", "side": 3.0});
    let shape: Shape = serde_json::from_value(wire.clone()).unwrap();
    assert!(matches!(shape, Shape::Square(_)));
    assert_eq!(serde_json::to_value(&shape).unwrap(), wire);
    // Without a tag `enum` the union is untagged: each alternative is tried.
    let wire = json!({"kind": "line", "path": "M0 0"});
    let drawing: Drawing = serde_json::from_value(wire.clone()).unwrap();
    assert!(matches!(drawing, Drawing::Variant0(_)));
    assert_eq!(serde_json::to_value(&drawing).unwrap(), wire);
    let wire = json!({"kind": "Square", "side": 1.0});
    assert!(matches!(serde_json::from_value::<Drawing>(wire).unwrap(), Drawing::Square(_)));
}
