//! The `parameter_defaults` fixture: defaults written in another JSON type
//! than the schema's are applied as values of the type (or dropped, with a
//! warning, when they are none), and `allowReserved` parameters keep
//! reserved characters on the wire while the server reads the same value.

use generated_fixtures::fixtures::parameter_defaults::client::ListItemsQuery as ClientItemsQuery;
mod capture;

use axum::http::StatusCode;
use capture::capture;
use generated_fixtures::fixtures::parameter_defaults::client::{Client, GetFileQuery as ClientFileQuery};
use generated_fixtures::fixtures::parameter_defaults::server::{
    self, Api, GetFileQuery, GetFileResponse, ListItemsHeaders, ListItemsQuery, ListItemsResponse,
};

/// Answers what it decoded, as `Debug` text.
struct Service;

impl Api for Service {
    async fn list_items(&self, query: ListItemsQuery, headers: ListItemsHeaders) -> ListItemsResponse {
        ListItemsResponse::Ok(format!("{query:?} {headers:?}"))
    }

    async fn get_file(&self, query: GetFileQuery) -> GetFileResponse {
        GetFileResponse::Ok(format!("{query:?}"))
    }
}

async fn serve() -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    Client::new(format!("http://{address}")).unwrap()
}

#[tokio::test]
async fn defaults_in_another_json_type_are_values_of_the_type() {
    let client = serve().await;
    let got = client.list_items(&ClientItemsQuery::default()).await.unwrap();
    let expected = ListItemsQuery {
        limit: 100,
        ratio: 0.5,
        whole: 3,
        exact: true,
        label: "10".to_owned(),
        // Not a value of the enum, a date-time, a word on an integer, null: no default.
        direction: None,
        kinds: vec!["all".to_owned()],
        since: None,
        page: None,
        cursor: None,
    };
    assert_eq!(got, format!("{expected:?} {:?}", ListItemsHeaders { x_retries: 2 }));
    assert_eq!(ListItemsQuery::default(), expected);

    // Given values win over the defaults.
    let given = ClientItemsQuery::default().limit(7).exact(false).label("x").kinds(["a", "b"]).page(2);
    let got = client.list_items(&given).await.unwrap();
    let expected = ListItemsQuery {
        limit: 7,
        exact: false,
        label: "x".to_owned(),
        kinds: vec!["a".into(), "b".into()],
        page: Some(2),
        ..expected
    };
    assert!(got.starts_with(&format!("{expected:?}")), "{got}");
}

const TRICKY: &str = "a/b:c?d=e[f]@g!$'()*,;&h#i+j k%l";

#[tokio::test]
async fn allow_reserved_keeps_reserved_characters_and_the_server_reads_the_same_value() {
    let query = ClientFileQuery::default().parts([TRICKY, "x/y"]).plain(TRICKY);
    let (sent, _, _) = capture(StatusCode::OK, "\"ok\"", async |base| {
        Client::new(base).unwrap().get_file(TRICKY, &query).await.unwrap();
    })
    .await;
    // `&`, `#`, `+`, `%`, `'` and the space are encoded even so; `plain` has no `allowReserved`.
    let kept = "a/b:c?d=e[f]@g!$%27()*,;%26h%23i%2Bj%20k%25l";
    let encoded = "a%2Fb%3Ac%3Fd%3De%5Bf%5D%40g%21%24%27%28%29%2A%2C%3B%26h%23i%2Bj%20k%25l";
    assert_eq!(sent, format!("GET /files?path={kept}&parts={kept}&parts=x/y&plain={encoded}"));

    let client = serve().await;
    let got = client.get_file(TRICKY, &query).await.unwrap();
    let expected = GetFileQuery {
        path: TRICKY.to_owned(),
        parts: Some(vec![TRICKY.to_owned(), "x/y".to_owned()]),
        plain: Some(TRICKY.to_owned()),
    };
    assert_eq!(got, format!("{expected:?}"));
}
