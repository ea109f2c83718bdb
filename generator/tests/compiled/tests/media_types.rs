//! The `media_types` fixture: request bodies of several media types. The
//! client's method sends the default one (JSON first, else the first); the
//! server reads every documented one as its variant of `{Op}RequestBody` and
//! answers others with 415 and a `Failure`-style JSON body; a JSON body
//! without a schema is any value.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use generated_fixtures::fixtures::media_types::client::{self, Client};
use generated_fixtures::fixtures::media_types::models::Note;
use generated_fixtures::fixtures::media_types::server::{
    self, Api, AttachMultipart, AttachRequestBody, AttachResponse, CreateNoteRequestBody, CreateNoteResponse,
    PutDocumentResponse, StoreBlobRequestBody, StoreBlobResponse,
};
use tower::ServiceExt;

mod capture;

struct Service;

impl Api for Service {
    async fn create_note(&self, body: CreateNoteRequestBody) -> CreateNoteResponse {
        match body {
            CreateNoteRequestBody::ApplicationJson(body) => {
                CreateNoteResponse::Created(Note { text: body.text.to_uppercase(), tags: body.tags })
            }
            CreateNoteRequestBody::ApplicationXWwwFormUrlencoded(body) => {
                CreateNoteResponse::Created(Note { text: format!("form {}", body.text), tags: body.tags })
            }
            CreateNoteRequestBody::ApplicationXml(bytes) => {
                CreateNoteResponse::Created(Note { text: format!("xml {}", bytes.len()), tags: None })
            }
        }
    }

    async fn attach(&self, id: i64, body: AttachRequestBody) -> AttachResponse {
        match body {
            AttachRequestBody::MultipartFormData(body) => {
                assert_eq!((id, body.title.as_deref(), body.file.as_slice()), (7, Some("t"), &[0u8, 255][..]))
            }
            AttachRequestBody::ApplicationOctetStream(bytes) => {
                assert_eq!((id, bytes.as_slice()), (8, &[0u8, 255][..]))
            }
        }
        AttachResponse::NoContent
    }

    async fn store_blob(&self, body: Option<StoreBlobRequestBody>) -> StoreBlobResponse {
        StoreBlobResponse::Ok(match body {
            None => -1,
            Some(StoreBlobRequestBody::ApplicationOctetStream(bytes)) => bytes.len() as i64,
            Some(StoreBlobRequestBody::ApplicationXWwwFormUrlencoded(form)) => {
                form.data.map_or(-2, |data| 1000 + data.len() as i64)
            }
        })
    }

    async fn put_document(&self, body: serde_json::Value) -> PutDocumentResponse {
        PutDocumentResponse::Ok(serde_json::json!({ "stored": body }))
    }
}

async fn send(request: Request<Body>) -> (StatusCode, String) {
    let response = server::router(Service).oneshot(request).await.unwrap();
    let status = response.status();
    let json = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if status.is_client_error() {
        assert_eq!(json.as_deref(), Some("application/json"), "{status}: {text}");
        serde_json::from_str::<serde_json::Value>(&text).unwrap();
    }
    (status, text)
}

fn post(path: &str, media: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path).header("content-type", media).body(body.into()).unwrap()
}

#[tokio::test]
async fn the_server_reads_every_documented_media_type_and_answers_others_415() {
    let (status, text) = send(post("/notes", "application/json", r#"{"text":"hi","tags":["a"]}"#)).await;
    assert_eq!((status, text.as_str()), (StatusCode::CREATED, r#"{"text":"HI","tags":["a"]}"#));
    let (status, text) = send(post("/notes", "application/x-www-form-urlencoded", "text=hi")).await;
    assert_eq!((status, text.as_str()), (StatusCode::CREATED, r#"{"text":"form hi"}"#));
    let (status, text) = send(post("/notes", "application/xml", "<note/>")).await;
    assert_eq!((status, text.as_str()), (StatusCode::CREATED, r#"{"text":"xml 7"}"#));
    // A media type the spec does not name.
    let (status, text) = send(post("/notes", "text/plain", "hi")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{text}");

    let multipart = "--b\r\ncontent-disposition: form-data; name=\"title\"\r\n\r\nt\r\n--b\r\n\
                     content-disposition: form-data; name=\"file\"; filename=\"f\"\r\n\
                     content-type: application/octet-stream\r\n\r\n";
    let mut body = multipart.as_bytes().to_vec();
    body.extend([0, 255]);
    body.extend(b"\r\n--b--\r\n");
    let request = Request::put("/notes/7/attachment")
        .header("content-type", "multipart/form-data; boundary=b")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(send(request).await.0, StatusCode::NO_CONTENT);
    let request = Request::put("/notes/8/attachment")
        .header("content-type", "application/octet-stream")
        .body(Body::from(vec![0u8, 255]))
        .unwrap();
    assert_eq!(send(request).await.0, StatusCode::NO_CONTENT);

    assert_eq!(send(post("/blobs", "application/octet-stream", vec![1u8, 2, 3])).await, (StatusCode::OK, "3".into()));
    assert_eq!(
        send(post("/blobs", "application/x-www-form-urlencoded", "data=x")).await,
        (StatusCode::OK, "1001".into())
    );

    let request =
        Request::put("/documents").header("content-type", "application/json").body(Body::from("[1,null]")).unwrap();
    assert_eq!(send(request).await, (StatusCode::OK, r#"{"stored":[1,null]}"#.into()));
    let request =
        Request::put("/documents").header("content-type", "application/json").body(Body::from("[1,")).unwrap();
    assert_eq!(send(request).await.0, StatusCode::BAD_REQUEST);
}

/// One request as the client sends it: content type and body.
async fn capture(call: impl AsyncFnOnce(Client)) -> (Option<String>, Vec<u8>) {
    let (_, media, body) =
        capture::capture(StatusCode::OK, "1", async |url| call(Client::new(url).unwrap()).await).await;
    (media, body)
}

#[tokio::test]
async fn the_client_sends_the_media_type_the_server_reads() {
    let note = Note { text: "é".into(), tags: None };
    let sent = capture(async |client| {
        let _ = client.create_note(&note).await;
    })
    .await;
    assert_eq!(sent, (Some("application/json".into()), r#"{"text":"é"}"#.as_bytes().to_vec()));

    let sent = capture(async |client| {
        let _ = client.store_blob(Some(&[9, 8])).await;
    })
    .await;
    assert_eq!(sent, (Some("application/octet-stream".into()), vec![9, 8]));

    let sent = capture(async |client| {
        let _ = client.put_document(&serde_json::json!({"a": [true]})).await;
    })
    .await;
    assert_eq!(sent, (Some("application/json".into()), br#"{"a":[true]}"#.to_vec()));
}

#[tokio::test]
async fn client_and_server_round_trip() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    let client = Client::new(format!("http://{address}")).unwrap();
    let note = Note { text: "x".into(), tags: Some(vec!["t".into()]) };
    assert_eq!(client.create_note(&note).await.unwrap(), Note { text: "X".into(), tags: Some(vec!["t".into()]) });
    let attachment = AttachMultipart { title: Some("t".into()), file: vec![0, 255] };
    client.attach(7, &client_attachment(attachment)).await.unwrap();
    let bytes = client::AttachRequestBody::ApplicationOctetStream(vec![0, 255]);
    client.attach_with_body(8, &bytes).await.unwrap();
    let form = client::StoreBlobRequestBody::ApplicationXWwwFormUrlencoded(
        generated_fixtures::fixtures::media_types::models::StoreBlobRequestApplicationXWwwFormUrlencoded {
            data: Some("abc".into()),
        },
    );
    assert_eq!(client.store_blob_with_body(Some(&form)).await.unwrap(), 1003);
    assert_eq!(client.store_blob(None).await.unwrap(), -1);
    assert_eq!(client.store_blob(Some(&[1])).await.unwrap(), 1);
    let value = serde_json::json!({"nested": {"x": 1.5}});
    assert_eq!(client.put_document(&value).await.unwrap(), serde_json::json!({ "stored": value }));
}

/// The client's own multipart struct from the server's.
fn client_attachment(body: AttachMultipart) -> client::AttachMultipart {
    client::AttachMultipart { title: body.title, file: body.file }
}
