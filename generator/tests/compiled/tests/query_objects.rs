//! The `query_objects` fixture: objects, maps and untyped values in `form`
//! and delimited query parameters, through the generated client and
//! server: values round-trip, the exact query strings the client sends,
//! and the router's answers to raw ones.

mod capture;

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use capture::capture;
use generated_fixtures::fixtures::query_objects::client::{self, Client, ListThingsQuery as ClientQuery};
use generated_fixtures::fixtures::query_objects::models::{
    Filter, ListThingsDraft, ListThingsFlagsItem, ListThingsRange, Page,
};
use generated_fixtures::fixtures::query_objects::server::{self, Api, ListThingsQuery, ListThingsResponse};
use serde_json::json;
use tower::ServiceExt;

/// Answers what it decoded, as `Debug` text.
struct Service;

impl Api for Service {
    async fn list_things(&self, query: ListThingsQuery) -> ListThingsResponse {
        ListThingsResponse::Ok(format!("{query:?}"))
    }
}

async fn serve() -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    Client::new(format!("http://{address}")).unwrap()
}

fn filter() -> Filter {
    Filter { name: "a b&c".to_owned(), min: Some(3), active: Some(true) }
}

fn full_query() -> ClientQuery {
    ClientQuery::default()
        .page(Page { size: Some(10), cursor: Some("x y".to_owned()) })
        .range(ListThingsRange { from: Some(1), to: Some(9) })
        .labels(BTreeMap::from([("color".to_owned(), "dark red".to_owned()), ("k&1".to_owned(), "v=1".to_owned())]))
        .extra(json!("free text"))
        .limit(5)
        .draft(ListThingsDraft::V1)
        .flags([ListThingsFlagsItem::True, ListThingsFlagsItem::True])
}

#[tokio::test]
async fn client_and_server_round_trip_form_objects() {
    let client = serve().await;
    let got = client.list_things(&filter(), &full_query()).await.unwrap();
    let expected = ListThingsQuery {
        filter: filter(),
        page: Some(Page { size: Some(10), cursor: Some("x y".to_owned()) }),
        range: Some(ListThingsRange { from: Some(1), to: Some(9) }),
        labels: Some(BTreeMap::from([
            ("color".to_owned(), "dark red".to_owned()),
            ("k&1".to_owned(), "v=1".to_owned()),
        ])),
        extra: Some(json!("free text")),
        limit: Some(5),
        draft: Some(ListThingsDraft::V1),
        flags: Some(vec![ListThingsFlagsItem::True, ListThingsFlagsItem::True]),
    };
    assert_eq!(got, format!("{expected:?}"));

    // Only what is required; an untyped array is the texts given.
    let only = Filter { name: "n".to_owned(), min: None, active: None };
    let got = client.list_things(&only, &ClientQuery::default().extra(json!([1, "two"]))).await.unwrap();
    let expected = ListThingsQuery {
        filter: only,
        page: None,
        range: None,
        labels: None,
        extra: Some(json!(["1", "two"])),
        limit: None,
        draft: None,
        flags: None,
    };
    assert_eq!(got, format!("{expected:?}"));
}

#[tokio::test]
async fn the_client_sends_objects_as_openapi_serializes_them() {
    let (sent, _, _) = capture(StatusCode::OK, "\"ok\"", async |base| {
        Client::new(base).unwrap().list_things(&filter(), &full_query()).await.unwrap();
    })
    .await;
    // Properties in the order of their names (the JSON form's).
    let expected = [
        "GET /things?active=true&min=3&name=a%20b%26c",
        "page=cursor,x%20y,size,10",
        "range=from|1|to|9",
        "color=dark%20red&k%261=v%3D1",
        "extra=free%20text",
        "limit=5",
        "draft=1",
        "flags=true,true",
    ]
    .join("&");
    assert_eq!(sent, expected);

    // A value that would be split where it is not a delimiter is refused before sending.
    let client = serve().await;
    let query = ClientQuery::default().page(Page { size: None, cursor: Some("a,b".to_owned()) });
    let error = client.list_things(&filter(), &query).await.unwrap_err();
    assert!(matches!(&error, client::Error::Validation(v) if v.to_string().contains("page")), "{error:?}");
}

async fn send(uri: &str) -> (StatusCode, serde_json::Value) {
    let response = server::router(Service).oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{uri}: not JSON ({e})")))
}

#[tokio::test]
async fn the_server_reads_form_objects_and_answers_400_for_bad_ones() {
    let (status, body) =
        send("/things?min=2&name=x&other=y&page=cursor%2Cc%2Csize%2C4&range=to%7C3&extra=a&extra=b").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let text = body.as_str().unwrap();
    assert!(text.contains(r#"filter: Filter { name: "x", min: Some(2), active: None }"#), "{text}");
    assert!(text.contains(r#"page: Some(Page { size: Some(4), cursor: Some("c") })"#), "{text}");
    assert!(text.contains("range: Some(ListThingsRange { from: None, to: Some(3) })"), "{text}");
    // Every key no other parameter claims is the map's.
    assert!(text.contains(r#"labels: Some({"other": "y"})"#), "{text}");
    assert!(text.contains(r#"extra: Some(Array [String("a"), String("b")])"#), "{text}");

    for (uri, names) in [
        ("/things?min=2", "name"),
        ("/things", "filter"),
        ("/things?name=x&min=many", "min"),
        ("/things?name=x&min=-1", "filter"),
        ("/things?name=x&page=size", "page"),
        ("/things?name=x&page=size,big", "page[size]"),
        ("/things?name=x&name=y", "name"),
        ("/things?name=x&draft=2", "draft"),
    ] {
        let (status, body) = send(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert!(body["message"].as_str().unwrap().contains(names), "{uri}: {body}");
    }
}
