//! The `nested_parameters` fixture: parameters that are not scalars,
//! through the generated client and server over 127.0.0.1 (values
//! round-trip), the exact bytes the client sends, and the router's answers
//! to raw requests (lenient forms; `400` with the error body for bad ones).

mod capture;

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use capture::capture;
use generated_fixtures::fixtures::nested_parameters::client::{Client, GetPluginQuery, SearchQuery as ClientQuery};
use generated_fixtures::fixtures::nested_parameters::models::{
    Filter, Item, Options, OptionsMode, Range, Target, Version,
};
use generated_fixtures::fixtures::nested_parameters::server::{
    self, Api, GetDocumentResponse, GetPluginHeaders, GetPluginResponse, SearchQuery, SearchResponse,
};
use serde_json::json;
use tower::ServiceExt;

/// Answers what it decoded, as `Debug` text.
struct Service;

impl Api for Service {
    async fn search(&self, query: SearchQuery) -> SearchResponse {
        SearchResponse::Ok(format!("{query:?}"))
    }

    async fn get_plugin(
        &self,
        id: String,
        version: Version,
        list: Vec<i64>,
        label: Vec<String>,
        matrix: Range,
        headers: GetPluginHeaders,
    ) -> GetPluginResponse {
        GetPluginResponse::Ok(format!("{:?}", (id, version, list, label, matrix, headers)))
    }

    async fn get_document(&self, doc: Range, exploded: Range) -> GetDocumentResponse {
        GetDocumentResponse::Ok(format!("{:?}", (doc, exploded)))
    }
}

async fn serve() -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    Client::new(format!("http://{address}")).unwrap()
}

fn filter() -> Filter {
    Filter {
        name: "a b&c".to_owned(),
        range: Some(Range { min: Some(1), max: Some(9) }),
        tags: Some(vec!["x".to_owned(), "y[0]".to_owned()]),
    }
}

fn pass_through() -> BTreeMap<String, BTreeMap<String, serde_json::Value>> {
    BTreeMap::from([(
        "crm".to_owned(),
        BTreeMap::from([("owner".to_owned(), json!("me")), ("deep".to_owned(), json!({"k": "v"}))]),
    )])
}

fn full_query() -> ClientQuery {
    ClientQuery::default()
        .filter(filter())
        .pass_through(pass_through())
        .items([Item { key: "a".to_owned(), value: Some(1.5) }, Item { key: "b".to_owned(), value: None }])
        .options(Options { mode: Some(OptionsMode::Fast), limits: Some(Range { min: None, max: Some(3) }) })
        .legacy(Range { min: Some(2), max: None })
        .ids([7, 8])
        .target(Target::Item(Item { key: "t".to_owned(), value: None }))
}

#[tokio::test]
async fn client_and_server_round_trip_nested_query_values() {
    let client = serve().await;
    let got = client.search(&full_query()).await.unwrap();
    let expected = SearchQuery {
        filter: Some(filter()),
        pass_through: Some(pass_through()),
        items: Some(vec![Item { key: "a".to_owned(), value: Some(1.5) }, Item { key: "b".to_owned(), value: None }]),
        options: Some(Options { mode: Some(OptionsMode::Fast), limits: Some(Range { min: None, max: Some(3) }) }),
        legacy: Some(Range { min: Some(2), max: None }),
        ids: Some(vec![7, 8]),
        target: Some(Target::Item(Item { key: "t".to_owned(), value: None })),
    };
    assert_eq!(got, format!("{expected:?}"));

    let got = client.search(&ClientQuery::default()).await.unwrap();
    assert_eq!(got, format!("{:?}", SearchQuery::default()));
}

#[tokio::test]
async fn the_client_sends_nested_query_values_the_qs_way() {
    let (sent, _, _) = capture(StatusCode::OK, "\"ok\"", async |base| {
        Client::new(base).unwrap().search(&full_query()).await.unwrap();
    })
    .await;
    let expected = [
        "GET /search?filter%5Bname%5D=a%20b%26c",
        "filter%5Brange%5D%5Bmax%5D=9",
        "filter%5Brange%5D%5Bmin%5D=1",
        "filter%5Btags%5D%5B0%5D=x",
        "filter%5Btags%5D%5B1%5D=y%5B0%5D",
        "pass_through%5Bcrm%5D%5Bdeep%5D%5Bk%5D=v",
        "pass_through%5Bcrm%5D%5Bowner%5D=me",
        "items%5B0%5D%5Bkey%5D=a",
        "items%5B0%5D%5Bvalue%5D=1.5",
        "items%5B1%5D%5Bkey%5D=b",
        "limits%5Bmax%5D=3",
        "mode=fast",
        "legacy[min]=2",
        "ids%5B0%5D=7",
        "ids%5B1%5D=8",
        "target%5Bkey%5D=t",
    ]
    .join("&");
    assert_eq!(sent, expected);
}

async fn send(request: Request<Body>) -> (StatusCode, serde_json::Value) {
    let uri = request.uri().to_string();
    let response = server::router(Service).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{uri}: not JSON ({e})")))
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn the_server_reads_nested_query_values_leniently_and_answers_400_for_bad_ones() {
    // `[]` items, indices out of order, literal brackets.
    let (status, body) = send(get(
        "/search?filter[tags][]=p&filter[tags][]=q&filter[name]=n&items[1][key]=b&items[0][key]=a&ids[]=3&mode=slow&limits[min]=1&other=x",
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let text = body.as_str().unwrap();
    assert!(text.contains(r#"filter: Some(Filter { name: "n", range: None, tags: Some(["p", "q"]) })"#), "{text}");
    assert!(
        text.contains(r#"items: Some([Item { key: "a", value: None }, Item { key: "b", value: None }])"#),
        "{text}"
    );
    assert!(text.contains("ids: Some([3])"), "{text}");
    assert!(
        text.contains("options: Some(Options { mode: Some(Slow), limits: Some(Range { min: Some(1), max: None }) })"),
        "{text}"
    );

    for (uri, names) in [
        ("/search?filter[range][min]=1", "filter"),
        ("/search?filter[name]=n&filter[range][min]=many", "filter"),
        ("/search?filter[name]=n&filter[range][max]=101", "filter.range.max"),
        ("/search?items[0][value]=1", "items"),
        ("/search?ids[0]=x", "ids"),
        ("/search?mode=medium", "options"),
    ] {
        let (status, body) = send(get(uri)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert!(body["message"].as_str().unwrap().contains(names), "{uri}: {body}");
    }
}

fn range(min: i64, max: i64) -> Range {
    Range { min: Some(min), max: Some(max) }
}

#[tokio::test]
async fn path_and_header_styles_round_trip_as_rfc_6570_says() {
    let client = serve().await;
    let version = Version { major: 10, minor: 8, build: None };
    let query = GetPluginQuery::default().x_object(range(1, 2)).x_exploded(range(3, 4)).x_meta(filter());
    let labels = vec!["a b".to_owned(), "c".to_owned()];
    let got = client.get_plugin(&"p/1".to_owned(), &version, &vec![1, 2], &labels, &range(5, 6), &query).await.unwrap();
    let headers =
        GetPluginHeaders { x_object: Some(range(1, 2)), x_exploded: Some(range(3, 4)), x_meta: Some(filter()) };
    let expected = ("p/1".to_owned(), version.clone(), vec![1, 2], labels.clone(), range(5, 6), headers);
    assert_eq!(got, format!("{expected:?}"));

    let (sent, _, _) = capture(StatusCode::OK, "\"ok\"", async |base| {
        Client::new(base)
            .unwrap()
            .get_plugin(&"p/1".to_owned(), &version, &vec![1, 2], &labels, &range(5, 6), &query)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(sent, "GET /plugins/.p%2F1/Major,10,Minor,8/1,2/.a%20b.c/;matrix=max,6,min,5");

    let got = client.get_document(&range(1, 2), &range(7, 8)).await.unwrap();
    assert_eq!(got, format!("{:?}", (range(1, 2), range(7, 8))));
    let (sent, _, _) = capture(StatusCode::OK, "\"ok\"", async |base| {
        Client::new(base).unwrap().get_document(&range(1, 2), &range(7, 8)).await.unwrap();
    })
    .await;
    assert_eq!(sent, "GET /documents/%7B%22min%22%3A1%2C%22max%22%3A2%7D/;max=8;min=7");
}

#[tokio::test]
async fn the_server_reads_path_and_header_styles_and_answers_400_for_bad_ones() {
    let request = Request::get("/plugins/.x/Minor,1,Major,2,Build,3/4/.a.b/;matrix=min,1")
        .header("X-Object", "max,3")
        .header("X-Exploded", "min=4,max=5")
        .header("X-Meta", r#"{"name":"m","tags":["t"]}"#)
        .body(Body::empty())
        .unwrap();
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let text = body.as_str().unwrap();
    assert!(text.starts_with(r#"("x", Version { major: 2, minor: 1, build: Some(3) }, [4], ["a", "b"], "#), "{text}");
    assert!(text.contains(r#"["a", "b"], Range { min: Some(1), max: None }, "#), "{text}");
    let (status, body) = send(get("/documents/%7B%22min%22%3A1%7D/;min=2")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, "(Range { min: Some(1), max: None }, Range { min: Some(2), max: None })");
    assert!(text.contains("x_object: Some(Range { min: None, max: Some(3) })"), "{text}");
    assert!(text.contains("x_exploded: Some(Range { min: Some(4), max: Some(5) })"), "{text}");
    assert!(text.contains(r#"x_meta: Some(Filter { name: "m", range: None, tags: Some(["t"]) })"#), "{text}");

    for (uri, header, names) in [
        ("/plugins/.x/Major,1/4/.a/;matrix=", None, "version"),
        ("/plugins/.x/Major,1,Minor/4/.a/;matrix=", None, "version"),
        ("/plugins/.x/Major,x,Minor,1/4/.a/;matrix=", None, "version"),
        ("/plugins/.x/Major,1,Minor,1/y/.a/;matrix=", None, "list"),
        ("/plugins/.x/Major,1,Minor,1/4/.a/;other=1", None, "matrix"),
        ("/documents/%7B%7D/;min", None, "exploded"),
        ("/plugins/.x/Major,1,Minor,1/4/.a/;matrix=max,101", None, "matrix.max"),
        ("/plugins/.x/Major,1,Minor,1/4/.a/;matrix=", Some(("X-Object", "max")), "X-Object"),
        ("/plugins/.x/Major,1,Minor,1/4/.a/;matrix=", Some(("X-Meta", r#"{"name":1}"#)), "X-Meta"),
        ("/documents/%7B%22min%22%3A%22x%22%7D/;min=2", None, "doc"),
    ] {
        let mut request = Request::get(uri);
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        let (status, body) = send(request.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert!(body["message"].as_str().unwrap().contains(names), "{uri}: {body}");
    }
}
