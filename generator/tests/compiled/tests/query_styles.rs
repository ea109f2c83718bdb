//! The `query_styles` fixture: `spaceDelimited`/`pipeDelimited` lists,
//! `deepObject` objects and maps, nullable parameters and unions of scalars,
//! through the generated client and server: values round-trip, the exact
//! query strings the client sends, and the router's answers to raw ones.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use generated_fixtures::fixtures::query_styles::client::{self, Client, SearchQuery as ClientQuery};
use generated_fixtures::fixtures::query_styles::models::{
    Color, Filter, GetWorkflowWorkflowId, SearchHas, SearchHasVariant1Item, SearchPick,
};
use generated_fixtures::fixtures::query_styles::server::{
    self, Api, GetWorkflowResponse, SearchQuery as ServerQuery, SearchResponse,
};
use tower::ServiceExt;

/// Answers what it decoded, as `Debug` text.
struct Service;

impl Api for Service {
    async fn search(&self, query: ServerQuery) -> SearchResponse {
        SearchResponse::Ok(format!("{query:?}"))
    }

    async fn get_workflow(&self, workflow_id: GetWorkflowWorkflowId) -> GetWorkflowResponse {
        GetWorkflowResponse::Ok(format!("{workflow_id:?}"))
    }
}

fn since() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09.5Z").unwrap().with_timezone(&chrono::Utc)
}

fn words() -> Vec<String> {
    ["a&b=c", "x,y", "é%", "plus+sign", "tilde~"].map(String::from).to_vec()
}

fn filter() -> Filter {
    Filter { name: "n m&".to_owned(), min: Some(3), active: Some(false), since: Some(since()) }
}

fn meta() -> BTreeMap<String, String> {
    BTreeMap::from([("k 1".to_owned(), "v&1".to_owned()), ("z".to_owned(), String::new())])
}

/// Every optional parameter given, with text that needs encoding.
fn full_query() -> ClientQuery {
    ClientQuery::default()
        .tags(["a b", "c,d", "e&f"])
        .ids([1, -2, 30])
        .colors([Color::Red, Color::DarkBlue])
        .phrases(["two words", "a|b", "x+y"])
        .paths(["/a|b", "c d"])
        .sort("name|desc")
        .filter(filter())
        .meta(meta())
        .environment("production")
        .tool("guid-1")
        .has(SearchHas::Array(vec![SearchHasVariant1Item::Patch, SearchHasVariant1Item::Deployment]))
        .pick(SearchPick::Array(vec![1, 2, 3]))
}

async fn serve() -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    Client::new(format!("http://{address}")).unwrap()
}

#[tokio::test]
async fn client_and_server_round_trip_every_style() {
    let client = serve().await;

    let got = client.search(&words(), &full_query()).await.unwrap();
    let expected = ServerQuery {
        words: words(),
        tags: Some(["a b", "c,d", "e&f"].map(String::from).to_vec()),
        ids: Some(vec![1, -2, 30]),
        colors: Some(vec![Color::Red, Color::DarkBlue]),
        phrases: Some(["two words", "a|b", "x+y"].map(String::from).to_vec()),
        paths: Some(["/a|b", "c d"].map(String::from).to_vec()),
        sort: Some("name|desc".to_owned()),
        filter: Some(filter()),
        meta: Some(meta()),
        environment: "production".to_owned(),
        tool: Some("guid-1".to_owned()),
        has: Some(SearchHas::Array(vec![SearchHasVariant1Item::Patch, SearchHasVariant1Item::Deployment])),
        pick: Some(SearchPick::Array(vec![1, 2, 3])),
    };
    assert_eq!(got, format!("{expected:?}"));

    // Nothing optional: the default of the nullable `environment`; an empty
    // required list; the scalar variants of the unions.
    let query = ClientQuery::default()
        .has(SearchHas::String("x y".to_owned()))
        .pick(SearchPick::Integer(7))
        .filter(Filter { name: "only".to_owned(), min: None, active: None, since: None });
    let got = client.search(&[], &query).await.unwrap();
    let expected = ServerQuery {
        words: Vec::new(),
        tags: None,
        ids: None,
        colors: None,
        phrases: None,
        paths: None,
        sort: None,
        filter: Some(Filter { name: "only".to_owned(), min: None, active: None, since: None }),
        meta: None,
        environment: "none".to_owned(),
        tool: None,
        has: Some(SearchHas::String("x y".to_owned())),
        pick: Some(SearchPick::Integer(7)),
    };
    assert_eq!(got, format!("{expected:?}"));

    for (id, decoded) in [
        (GetWorkflowWorkflowId::Integer(42), "Integer(42)"),
        (GetWorkflowWorkflowId::String("build a/b.yml".to_owned()), "String(\"build a/b.yml\")"),
        // The wire cannot tell the string "42" from the integer: the first variant wins.
        (GetWorkflowWorkflowId::String("42".to_owned()), "Integer(42)"),
    ] {
        assert_eq!(client.get_workflow(&id).await.unwrap(), decoded, "{id:?}");
    }
}

#[tokio::test]
async fn the_client_refuses_items_that_contain_their_delimiter() {
    let client = serve().await;
    let error = client.search(&["two words".to_owned()], &ClientQuery::default()).await.unwrap_err();
    let client::Error::Validation(violations) = error else { panic!("expected a validation error, got {error:?}") };
    assert!(violations.to_string().contains("words"), "{violations}");
    assert!(violations.to_string().contains("spaceDelimited"), "{violations}");

    let error = client.search(&[], &ClientQuery::default().tags(["a|b"])).await.unwrap_err();
    assert!(matches!(&error, client::Error::Validation(v) if v.to_string().contains("tags")), "{error:?}");
    let error = client.search(&[], &ClientQuery::default().filter(Filter { min: Some(-1), ..filter() })).await;
    assert!(matches!(&error, Err(client::Error::Validation(v)) if v.to_string().contains("filter")), "{error:?}");
}

/// The path and query of the one request a client call sends.
async fn capture(call: impl AsyncFnOnce(Client)) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let sender = std::sync::Arc::new(std::sync::Mutex::new(Some(sender)));
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let sender = sender.lock().unwrap().take();
        async move {
            if let Some(sender) = sender {
                let _ = sender.send(request.uri().to_string());
            }
            (StatusCode::OK, [("content-type", "application/json")], "\"ok\"")
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    call(Client::new(format!("http://{address}")).unwrap()).await;
    receiver.await.unwrap()
}

#[tokio::test]
async fn the_client_sends_each_style_exactly() {
    let sent = capture(async |client| {
        client.search(&words(), &full_query()).await.unwrap();
    })
    .await;
    let expected = [
        "/search?words=a%26b%3Dc%20x%2Cy%20%C3%A9%25%20plus%2Bsign%20tilde~",
        "tags=a%20b|c%2Cd|e%26f",
        "ids=1%20-2%2030",
        "colors=red|dark%20blue",
        "phrases=two%20words&phrases=a%7Cb&phrases=x%2By",
        "paths=%2Fa%7Cb&paths=c%20d",
        "sort=name%7Cdesc",
        "filter[name]=n%20m%26&filter[min]=3&filter[active]=false&filter[since]=2024-05-06T07%3A08%3A09.500Z",
        "meta[k%201]=v%261&meta[z]=",
        "environment=production",
        "tool=guid-1",
        "has=patch&has=deployment",
        "pick=1|2|3",
    ]
    .join("&");
    assert_eq!(sent, expected);

    let sent = capture(async |client| {
        let query = ClientQuery::default().has(SearchHas::String("p".to_owned())).pick(SearchPick::Integer(-4));
        client.search(&["one".to_owned()], &query).await.unwrap();
    })
    .await;
    assert_eq!(sent, "/search?words=one&has=p&pick=-4");

    let sent = capture(async |client| {
        client.get_workflow(&GetWorkflowWorkflowId::String("a b/c".to_owned())).await.unwrap();
    })
    .await;
    assert_eq!(sent, "/workflows/a%20b%2Fc");
}

async fn send(uri: &str) -> (StatusCode, serde_json::Value) {
    let response = server::router(Service).oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{uri}: not JSON ({e})")))
}

/// What the router decoded from `uri`, as the `Debug` text of the query.
async fn decoded(uri: &str) -> String {
    let (status, body) = send(uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    body.as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_server_accepts_every_encoding_of_the_delimiters() {
    let text = decoded("/search?words=a%20b+c&tags=a|b%7Cc%7cd&ids=1+2%2030&colors=red%7Cdark%20blue").await;
    assert!(text.contains(r#"words: ["a", "b", "c"]"#), "{text}");
    assert!(text.contains(r#"tags: Some(["a", "b", "c", "d"])"#), "{text}");
    assert!(text.contains("ids: Some([1, 2, 30])"), "{text}");
    assert!(text.contains("colors: Some([Red, DarkBlue])"), "{text}");
    // Brackets literal or percent-encoded; a scalar in a delimited style is one value.
    let text = decoded("/search?words=&filter%5Bname%5D=x&meta[a]=1&meta%5Bb%5D=2&sort=a%7Cb").await;
    assert!(text.contains(r#"filter: Some(Filter { name: "x", min: None, active: None, since: None })"#), "{text}");
    assert!(text.contains(r#"meta: Some({"a": "1", "b": "2"})"#), "{text}");
    assert!(text.contains(r#"sort: Some("a|b")"#), "{text}");
    assert!(text.contains(r#"environment: "none""#), "{text}");
    // Union variants in order: one value, then the list.
    let text = decoded("/search?words=&has=patch&pick=5").await;
    assert!(text.contains(r#"has: Some(String("patch"))"#), "{text}");
    assert!(text.contains("pick: Some(Integer(5))"), "{text}");
    let text = decoded("/search?words=&has=patch&has=deployment&pick=5%7C6").await;
    assert!(text.contains("has: Some(Array([Patch, Deployment]))"), "{text}");
    assert!(text.contains("pick: Some(Array([5, 6]))"), "{text}");
    // Nullable parameters: an empty value is the empty string, never null.
    let text = decoded("/search?words=&environment=&tool=").await;
    assert!(text.contains(r#"environment: """#) && text.contains(r#"tool: Some("")"#), "{text}");

    let (status, body) = send("/workflows/12").await;
    assert_eq!((status, body), (StatusCode::OK, serde_json::json!("Integer(12)")));
    let (status, body) = send("/workflows/ci.yml").await;
    assert_eq!((status, body), (StatusCode::OK, serde_json::json!("String(\"ci.yml\")")));
}

#[tokio::test]
async fn bad_parameters_are_answered_with_the_error_body() {
    let cases = [
        ("/search", "words: is required"),
        ("/search?words=a&words=b", "words: given more than once"),
        ("/search?words=&ids=1%20x", "ids: `x` is not an integer"),
        ("/search?words=&ids=1+2+3+4+5", "ids"),
        ("/search?words=&colors=red|blue", "colors"),
        ("/search?words=&filter[min]=3", "filter[name]: is required"),
        ("/search?words=&filter[name]=a&filter[color]=red", "filter[color]: is not a property"),
        ("/search?words=&filter[name]=a&filter[name]=b", "filter[name]: given more than once"),
        ("/search?words=&filter[name]=a&filter[min]=-1", "filter"),
        ("/search?words=&filter[name]=a&filter[active]=yes", "filter[active]"),
        ("/search?words=&filter=x", "filter: expected `name[key]=value`"),
        ("/search?words=&has=patch&has=nope", "has: matches none"),
        ("/search?words=&pick=x", "pick: matches none"),
        ("/search?words=&pick=1&pick=2", "pick: given more than once"),
    ];
    for (uri, message) in cases {
        let (status, body) = send(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["code"], 400, "{uri}: {body}");
        let text = body["message"].as_str().unwrap_or_default();
        assert!(text.starts_with("INVALID_PARAMETER: "), "{uri}: {body}");
        assert!(text.contains(message), "{uri}: `{text}` lacks `{message}`");
    }
}
