//! The `responses` fixture: documented response headers, text and byte
//! bodies, several media types, 3XX, `default`, `security: []` — the
//! generated server through `oneshot`, and the generated client against it
//! on 127.0.0.1.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use generated_fixtures::fixtures::responses::client::{Client, Error, TouchItemSuccess};
use generated_fixtures::fixtures::responses::models::{self, Item};
use generated_fixtures::fixtures::responses::server::{
    self, Api, BearerToken, CreateItemCreatedHeaders, CreateItemResponse, DownloadArchiveResponse,
    DownloadLinkFoundHeaders, DownloadLinkResponse, GetItemDiffOkBody, GetItemDiffResponse, GetZenResponse,
    ListItemsOkHeaders, ListItemsResponse, Rejection, ServerErrorStatus, SuccessStatus, TouchItemResponse,
};
use tower::ServiceExt;

struct Service;

fn item(name: &str) -> Item {
    Item { name: name.to_owned() }
}

impl Api for Service {
    type Caller = ();

    async fn authenticate_token(&self, token: BearerToken) -> Result<(), Rejection> {
        if token.as_str() == "secret" { Ok(()) } else { Err(Rejection::unauthorized("unknown token")) }
    }

    async fn list_items(&self) -> ListItemsResponse {
        ListItemsResponse::Ok(
            vec![item("a"), item("b")],
            ListItemsOkHeaders {
                link: Some("<https://example.com/items?page=2>; rel=\"next\"".to_owned()),
                x_rate_limit_remaining: 4999,
                x_tags: Some(vec!["x".to_owned(), "y z".to_owned()]),
            },
        )
    }

    async fn create_item(&self, _caller: (), body: Item) -> CreateItemResponse {
        let location = format!("/items/{}", body.name);
        CreateItemResponse::Created(body, CreateItemCreatedHeaders { location })
    }

    async fn get_item_diff(&self, id: i64) -> GetItemDiffResponse {
        match id {
            1 => GetItemDiffResponse::Ok(GetItemDiffOkBody::ApplicationJson(item("one"))),
            2 => GetItemDiffResponse::Ok(GetItemDiffOkBody::ApplicationVndExampleDiff(b"-a\n+b\n".to_vec())),
            _ => GetItemDiffResponse::NotFound(models::Error { message: "no such item".to_owned() }),
        }
    }

    async fn get_zen(&self) -> GetZenResponse {
        GetZenResponse::Ok("Keep it logically awesome. ✓".to_owned())
    }

    async fn touch_item(&self, id: i64) -> TouchItemResponse {
        match id {
            1 => TouchItemResponse::Ok(item("one")),
            2 => TouchItemResponse::NoContent,
            _ => TouchItemResponse::Success(SuccessStatus::new(202).unwrap(), format!("queued {id}")),
        }
    }

    async fn download_archive(&self, id: i64) -> DownloadArchiveResponse {
        if id == 1 {
            DownloadArchiveResponse::Ok(vec![0, 159, 146, 150, 255])
        } else {
            DownloadArchiveResponse::ServerError(ServerErrorStatus::new(503).unwrap())
        }
    }

    async fn download_link(&self, id: i64) -> DownloadLinkResponse {
        if id == 1 {
            DownloadLinkResponse::Found(DownloadLinkFoundHeaders { location: "/items/1/archive".to_owned() })
        } else {
            DownloadLinkResponse::NotFound(models::Error { message: "no such item".to_owned() })
        }
    }
}

async fn oneshot(request: Request<Body>) -> axum::response::Response {
    server::router(Service).oneshot(request).await.unwrap()
}

fn header<'a>(response: &'a axum::response::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn documented_headers_and_media_types_are_sent() {
    let response = oneshot(Request::get("/items").body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "link"), Some("<https://example.com/items?page=2>; rel=\"next\""));
    assert_eq!(header(&response, "x-ratelimit-remaining"), Some("4999"));
    assert_eq!(header(&response, "x-tags"), Some("x,y z"));
    // json + scim+json of one schema: answered with the first media type.
    assert_eq!(header(&response, "content-type"), Some("application/json"));

    let response = oneshot(Request::get("/items/2/diff").body(Body::empty()).unwrap()).await;
    assert_eq!(header(&response, "content-type"), Some("application/vnd.example.diff"));
    let bytes = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
    assert_eq!(&bytes[..], b"-a\n+b\n");

    // Bad requests of an operation that documents another error schema are answered in it.
    let response = oneshot(Request::get("/items/x/diff").body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let bytes = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
    let body: models::ValidationError = serde_json::from_slice(&bytes).unwrap();
    // Filled by its structure: the reason in the required string, the details in the optional one.
    assert_eq!(body.message, "INVALID_PARAMETER");
    assert!(body.documentation_url.as_deref().unwrap_or_default().starts_with("id: `x` is not an integer"), "{body:?}");
    let response = oneshot(Request::get("/items/x/archive").body(Body::empty()).unwrap()).await;
    let bytes = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
    let body: models::Error = serde_json::from_slice(&bytes).unwrap();
    assert!(body.message.starts_with("INVALID_PARAMETER: id"), "{}", body.message);

    let response = oneshot(Request::get("/zen").body(Body::empty()).unwrap()).await;
    assert_eq!(header(&response, "content-type"), Some("text/plain"));

    let response = oneshot(Request::get("/items/1/download").body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(header(&response, "location"), Some("/items/1/archive"));

    let response = oneshot(Request::get("/items/2/archive").body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);

    // A header value that cannot be sent is a server bug: 500, not a panic.
    struct BadHeader;
    impl Api for BadHeader {
        type Caller = ();
        async fn authenticate_token(&self, _: BearerToken) -> Result<(), Rejection> {
            Ok(())
        }
        async fn list_items(&self) -> ListItemsResponse {
            ListItemsResponse::NotModified
        }
        async fn create_item(&self, _: (), body: Item) -> CreateItemResponse {
            CreateItemResponse::Created(body, CreateItemCreatedHeaders { location: "a\nb".to_owned() })
        }
        async fn get_item_diff(&self, _: i64) -> GetItemDiffResponse {
            GetItemDiffResponse::NotFound(models::Error { message: String::new() })
        }
        async fn get_zen(&self) -> GetZenResponse {
            GetZenResponse::Ok(String::new())
        }
        async fn touch_item(&self, _: i64) -> TouchItemResponse {
            TouchItemResponse::NoContent
        }
        async fn download_archive(&self, _: i64) -> DownloadArchiveResponse {
            DownloadArchiveResponse::Ok(Vec::new())
        }
        async fn download_link(&self, _: i64) -> DownloadLinkResponse {
            DownloadLinkResponse::NotFound(models::Error { message: String::new() })
        }
    }
    let request = Request::post("/items")
        .header("authorization", "Bearer t")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"name":"n"}"#))
        .unwrap();
    let response = server::router(BadHeader).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let response = server::router(BadHeader).oneshot(Request::get("/items").body(Body::empty()).unwrap()).await;
    assert_eq!(response.unwrap().status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn client_reads_json_text_bytes_and_redirects() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    let base = format!("http://{address}");
    let anonymous = Client::new(base.as_str(), "wrong").unwrap();
    let client = Client::new(base.as_str(), "secret").unwrap();

    // `security: []`: no token needed; response headers do not disturb it.
    let items = anonymous.list_items().await.unwrap();
    assert_eq!(items.value, vec![item("a"), item("b")]);

    // The bearer flow is unchanged for the operation that needs it.
    match anonymous.create_item(&item("new")).await {
        Err(Error::Api { status, body }) => {
            assert_eq!(status.as_u16(), 401);
            // Several error schemas in the spec: the client keeps the JSON value.
            let message = body["message"].as_str().unwrap();
            assert!(message.starts_with("UNAUTHORIZED"), "{message}");
        }
        other => panic!("expected a 401, got {other:?}"),
    }
    assert_eq!(client.create_item(&item("new")).await.unwrap(), item("new"));

    // Several media types: the client reads the JSON one; another one is a decode error, not a panic.
    assert_eq!(anonymous.get_item_diff(1).await.unwrap(), item("one"));
    assert!(matches!(anonymous.get_item_diff(2).await, Err(Error::Decode { .. })));
    assert!(
        matches!(anonymous.get_item_diff(3).await, Err(Error::Api { ref body, .. }) if body["message"] == "no such item")
    );

    assert_eq!(anonymous.get_zen().await.unwrap(), "Keep it logically awesome. ✓");

    // 2xx responses with different bodies: one variant per documented status.
    assert_eq!(anonymous.touch_item(1).await.unwrap(), TouchItemSuccess::Ok(item("one")));
    assert_eq!(anonymous.touch_item(2).await.unwrap(), TouchItemSuccess::NoContent);
    match anonymous.touch_item(3).await.unwrap() {
        TouchItemSuccess::Success(status, note) => assert_eq!((status.as_u16(), note.as_str()), (202, "queued 3")),
        other => panic!("expected the 2XX variant, got {other:?}"),
    }
    assert_eq!(anonymous.download_archive(1).await.unwrap(), vec![0, 159, 146, 150, 255]);
    let failed = anonymous.download_archive(2).await.unwrap_err();
    assert_eq!(failed.status().map(|s| s.as_u16()), Some(503));

    // An operation that documents only a 302: the redirect is followed, any 2xx is a success.
    anonymous.download_link(1).await.unwrap();
    match anonymous.download_link(2).await {
        Err(Error::Api { status, .. }) => assert_eq!(status.as_u16(), 404),
        other => panic!("expected a 404, got {other:?}"),
    }
}
