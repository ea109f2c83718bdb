//! The `bodies` fixture: raw text and byte request bodies, the exact bytes
//! and `Content-Type` the client sends, and the router's answers to bad ones.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use generated_fixtures::fixtures::bodies::client::Client;
use generated_fixtures::fixtures::bodies::server::{
    self, Api, RenderRawRequestBody, RenderRawResponse, UploadAssetResponse,
};
use tower::ServiceExt;

mod capture;

struct Service;

impl Api for Service {
    async fn render_raw(&self, body: RenderRawRequestBody) -> RenderRawResponse {
        match body {
            RenderRawRequestBody::TextPlain(body) => RenderRawResponse::Ok(format!("<p>{body}</p>")),
            RenderRawRequestBody::TextXMarkdown(body) => RenderRawResponse::Ok(format!("<p>md {body}</p>")),
        }
    }

    async fn upload_asset(&self, name: String, body: Option<Vec<u8>>) -> UploadAssetResponse {
        let size = body.map_or(-1, |b| b.len() as i64);
        UploadAssetResponse::Created(if name == "x" { size } else { size * 1000 })
    }
}

async fn send(request: Request<Body>) -> (StatusCode, String) {
    let response = server::router(Service).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_server_accepts_each_documented_media_type_and_refuses_others() {
    for (media, read) in [("text/plain", "<p>**hi** ✓</p>"), ("text/x-markdown; charset=utf-8", "<p>md **hi** ✓</p>")]
    {
        let request =
            Request::post("/markdown/raw").header("content-type", media).body(Body::from("**hi** ✓")).unwrap();
        assert_eq!(send(request).await, (StatusCode::OK, read.to_owned()), "{media}");
    }
    let cases = [
        (Some("application/json"), Body::from("\"x\""), StatusCode::UNSUPPORTED_MEDIA_TYPE, "not accepted"),
        // No `Content-Type`: read as the first media type.
        (None, Body::from("x"), StatusCode::OK, "<p>x</p>"),
        (Some("text/plain"), Body::from(vec![0xff, 0xfe]), StatusCode::BAD_REQUEST, "not UTF-8"),
        (Some("text/plain"), Body::empty(), StatusCode::BAD_REQUEST, "required"),
    ];
    for (media, body, status, message) in cases {
        let mut request = Request::post("/markdown/raw");
        if let Some(media) = media {
            request = request.header("content-type", media);
        }
        let (got, text) = send(request.body(body).unwrap()).await;
        assert_eq!(got, status, "{media:?}: {text}");
        assert!(text.contains(message), "{media:?}: {text}");
    }
    // Bytes as they came; an optional body may be absent.
    let request = Request::put("/assets/x")
        .header("content-type", "application/octet-stream")
        .body(Body::from(vec![0u8, 255, 1]))
        .unwrap();
    assert_eq!(send(request).await, (StatusCode::CREATED, "3".to_owned()));
    assert_eq!(
        send(Request::put("/assets/x").body(Body::empty()).unwrap()).await,
        (StatusCode::CREATED, "-1".to_owned())
    );
}

/// One request as the client sends it: method, path, content type, body.
async fn capture(call: impl AsyncFnOnce(Client)) -> capture::Sent {
    capture::capture(StatusCode::CREATED, "1", async |url| call(Client::new(url).unwrap()).await).await
}

#[tokio::test]
async fn the_client_sends_raw_bodies_exactly() {
    let sent = capture(async |client| {
        let _ = client.render_raw("# Title\n\n**x** ✓").await;
    })
    .await;
    let expected =
        ("POST /markdown/raw".to_owned(), Some("text/plain".to_owned()), "# Title\n\n**x** ✓".as_bytes().to_vec());
    assert_eq!(sent, expected, "the first documented media type");

    let sent = capture(async |client| {
        assert_eq!(client.upload_asset("a b", Some(&[0, 255, 1])).await.unwrap(), 1);
    })
    .await;
    assert_eq!(sent, ("PUT /assets/a%20b".to_owned(), Some("application/octet-stream".to_owned()), vec![0, 255, 1]));

    let sent = capture(async |client| {
        client.upload_asset("n", None).await.unwrap();
    })
    .await;
    assert_eq!(sent, ("PUT /assets/n".to_owned(), None, Vec::new()));
}

#[tokio::test]
async fn client_and_server_round_trip() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    let client = Client::new(format!("http://{address}")).unwrap();
    assert_eq!(client.render_raw("é").await.unwrap(), "<p>é</p>");
    assert_eq!(client.upload_asset("x", Some(&[1, 2, 3, 4])).await.unwrap(), 4);
    assert_eq!(client.upload_asset("y", None).await.unwrap(), -1000);
}
