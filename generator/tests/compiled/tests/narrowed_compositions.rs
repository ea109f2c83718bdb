//! Wire round trips of compositions whose parts are not objects (issue 13):
//! `allOf` of scalars (constraints intersected) and `oneOf`/`anyOf` narrowed
//! by the type keywords beside them.

use generated_fixtures::fixtures::narrowed_compositions::{client, models, server};
use models::{PagesUpdate, PagesUpdateCmd, PagesUpdateSource};
use serde_json::{Value, json};

/// Echoes what it read.
struct Echo;

impl server::Api for Echo {
    async fn update_pages(&self, body: PagesUpdate) -> server::UpdatePagesResponse {
        server::UpdatePagesResponse::Ok(body)
    }
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Echo)).await });
    format!("http://{address}")
}

#[tokio::test]
async fn narrowed_values_round_trip_between_client_and_server() {
    let url = serve().await;
    let client = client::Client::new(url).unwrap();
    let sent = PagesUpdate {
        id: Some("123e4567-e89b-12d3-a456-426655440000".to_owned()),
        code: Some("abc".to_owned()),
        port: Some(8080),
        source: Some(PagesUpdateSource::Master),
        cmd: Some(PagesUpdateCmd::Array(vec!["ls".to_owned(), "-l".to_owned()])),
        contexts: Some(vec!["ci".to_owned()]),
    };
    assert_eq!(client.update_pages(&sent).await.unwrap(), sent);
    let sent = PagesUpdate { cmd: Some(PagesUpdateCmd::String("ls -l".to_owned())), ..sent };
    assert_eq!(client.update_pages(&sent).await.unwrap(), sent);
}

#[tokio::test]
async fn the_server_enforces_the_constraints_of_every_part() {
    let url = serve().await;
    // reqwest is built without a default crypto provider (the generated
    // client installs one; this test sends raw requests).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let put = |body: Value| {
        let url = format!("{url}/pages");
        async move {
            reqwest::Client::new()
                .put(url)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(put(json!({"code": "abcd", "port": 65535, "source": "gh-pages", "cmd": "x"})).await, 200);
    // `Code` allows 10 characters; the `allOf` part beside it, 4.
    assert_eq!(put(json!({"code": "abcde"})).await, 400);
    assert_eq!(put(json!({"code": "a"})).await, 400);
    // `minimum` from one part, `maximum` from the other.
    assert_eq!(put(json!({"port": 0})).await, 400);
    assert_eq!(put(json!({"port": 65536})).await, 400);
    // Listed by the alternative but not by the `enum` beside it.
    assert_eq!(put(json!({"source": "master /docs"})).await, 400);
    // The object alternative beside `type: string` is no alternative.
    assert_eq!(put(json!({"source": {"branch": "main"}})).await, 400);
    // `items` beside the `oneOf` applies to the array alternative.
    assert_eq!(put(json!({"cmd": [1]})).await, 400);
    assert_eq!(put(json!({"contexts": {"contexts": ["ci"]}})).await, 400);
}
