//! The `several_media_types` fixture: a request body of JSON (two JSON
//! media types of one schema: one variant), a form, multipart, text and
//! bytes, and an optional one of two JSON schemas and a media type range.
//! Each variant the generated client sends (`{op}_with_body`) arrives at the
//! generated server as that variant, over 127.0.0.1; the bytes on the wire
//! are exact; the server picks the variant by `Content-Type` (parameters and
//! case ignored, ranges as RFC 9110 says, none: the first media type) and
//! answers any other with 415 and its error body.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use generated_fixtures::fixtures::several_media_types::client::{self, Client};
use generated_fixtures::fixtures::several_media_types::models::{Arrival, Note, NotePatch};
use generated_fixtures::fixtures::several_media_types::server::{
    self, Api, CreateNoteRequestBody, CreateNoteResponse, UpdateNoteRequestBody, UpdateNoteResponse,
};
use tower::ServiceExt;

mod capture;

struct Service;

fn arrival(variant: &str, content_type: Option<String>, text: Option<String>, size: Option<usize>) -> Arrival {
    Arrival { variant: variant.into(), content_type, text, size: size.map(|s| s as i64) }
}

impl Api for Service {
    async fn create_note(&self, body: CreateNoteRequestBody) -> CreateNoteResponse {
        CreateNoteResponse::Created(match body {
            CreateNoteRequestBody::ApplicationJson(note) => arrival("json", None, Some(note.text), None),
            CreateNoteRequestBody::ApplicationXWwwFormUrlencoded(note) => {
                arrival("form", None, Some(format!("{}/{}", note.text, note.tags.unwrap_or_default().join(","))), None)
            }
            CreateNoteRequestBody::MultipartFormData(parts) => {
                arrival("multipart", None, Some(parts.text), parts.attachment.map(|a| a.len()))
            }
            CreateNoteRequestBody::TextPlain(text) => arrival("text", None, Some(text), None),
            CreateNoteRequestBody::ApplicationOctetStream(bytes) => arrival("bytes", None, None, Some(bytes.len())),
        })
    }

    async fn update_note(&self, id: i64, body: Option<UpdateNoteRequestBody>) -> UpdateNoteResponse {
        assert_eq!(id, 3);
        UpdateNoteResponse::Ok(match body {
            None => arrival("none", None, None, None),
            Some(UpdateNoteRequestBody::ApplicationMergePatchJson(patch)) => {
                arrival("merge-patch", None, patch.text.or(Some("null".into())), None)
            }
            Some(UpdateNoteRequestBody::ApplicationJson(note)) => arrival("json", None, Some(note.text), None),
            Some(UpdateNoteRequestBody::Image((content_type, bytes))) => {
                arrival("image", Some(content_type), None, Some(bytes.len()))
            }
        })
    }
}

fn note(text: &str) -> Note {
    Note { text: text.into(), tags: Some(vec!["a b".into(), "c".into()]) }
}

#[tokio::test]
async fn each_variant_the_client_sends_arrives_as_that_variant() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    let client = Client::new(format!("http://{address}")).unwrap();

    // The operation's own method sends JSON, the default.
    assert_eq!(client.create_note(&note("hi")).await.unwrap(), arrival("json", None, Some("hi".into()), None));
    let sent = [
        (client::CreateNoteRequestBody::ApplicationJson(note("j")), arrival("json", None, Some("j".into()), None)),
        (
            client::CreateNoteRequestBody::ApplicationXWwwFormUrlencoded(note("f")),
            arrival("form", None, Some("f/a b,c".into()), None),
        ),
        (
            client::CreateNoteRequestBody::MultipartFormData(client::CreateNoteMultipart {
                text: "m".into(),
                attachment: Some(vec![0, 1, 255]),
            }),
            arrival("multipart", None, Some("m".into()), Some(3)),
        ),
        (
            client::CreateNoteRequestBody::TextPlain("plain é".into()),
            arrival("text", None, Some("plain é".into()), None),
        ),
        (client::CreateNoteRequestBody::ApplicationOctetStream(vec![7; 5]), arrival("bytes", None, None, Some(5))),
    ];
    for (body, expected) in sent {
        assert_eq!(client.create_note_with_body(&body).await.unwrap(), expected, "{body:?}");
    }

    // An optional body: none, the default (merge patch), JSON and a range.
    assert_eq!(client.update_note(3, None).await.unwrap(), arrival("none", None, None, None));
    let patch = NotePatch { text: Some("p".into()) };
    assert_eq!(
        client.update_note(3, Some(&patch)).await.unwrap(),
        arrival("merge-patch", None, Some("p".into()), None)
    );
    let json = client::UpdateNoteRequestBody::ApplicationJson(note("n"));
    assert_eq!(
        client.update_note_with_body(3, Some(&json)).await.unwrap(),
        arrival("json", None, Some("n".into()), None)
    );
    let image = client::UpdateNoteRequestBody::Image(("image/png".into(), vec![1, 2]));
    assert_eq!(
        client.update_note_with_body(3, Some(&image)).await.unwrap(),
        arrival("image", Some("image/png".into()), None, Some(2))
    );
}

#[tokio::test]
async fn the_client_checks_the_variant_it_sends() {
    let client = Client::new("http://127.0.0.1:9").unwrap();
    let empty = client::CreateNoteRequestBody::MultipartFormData(client::CreateNoteMultipart {
        text: String::new(),
        attachment: None,
    });
    let error = client.create_note_with_body(&empty).await.unwrap_err();
    assert!(error.to_string().contains("text"), "{error}");
    let error = client
        .create_note_with_body(&client::CreateNoteRequestBody::ApplicationXWwwFormUrlencoded(note("")))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("body"), "{error}");
}

/// The `Content-Type` and body the client sends for `body`.
async fn sent(body: client::CreateNoteRequestBody) -> (Option<String>, Vec<u8>) {
    let answer = r#"{"variant":"x"}"#;
    let (_, media, bytes) = capture::capture(StatusCode::CREATED, answer, async |url| {
        Client::new(url).unwrap().create_note_with_body(&body).await.unwrap();
    })
    .await;
    (media, bytes)
}

#[tokio::test]
async fn the_exact_bytes_of_each_variant() {
    let json = sent(client::CreateNoteRequestBody::ApplicationJson(note("x"))).await;
    assert_eq!(json, (Some("application/json".into()), br#"{"text":"x","tags":["a b","c"]}"#.to_vec()));
    let form = sent(client::CreateNoteRequestBody::ApplicationXWwwFormUrlencoded(note("x+y"))).await;
    assert_eq!(form, (Some("application/x-www-form-urlencoded".into()), b"text=x%2By&tags=a%20b&tags=c".to_vec()));
    let text = sent(client::CreateNoteRequestBody::TextPlain("é".into())).await;
    assert_eq!(text, (Some("text/plain".into()), "é".as_bytes().to_vec()));
    let bytes = sent(client::CreateNoteRequestBody::ApplicationOctetStream(vec![0, 255])).await;
    assert_eq!(bytes, (Some("application/octet-stream".into()), vec![0, 255]));
    let (media, body) = sent(client::CreateNoteRequestBody::MultipartFormData(client::CreateNoteMultipart {
        text: "t".into(),
        attachment: Some(vec![0, 255]),
    }))
    .await;
    let media = media.unwrap();
    let boundary = media.strip_prefix("multipart/form-data; boundary=").unwrap();
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nt\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"attachment\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    expected.extend([0, 255]);
    expected.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    assert_eq!(String::from_utf8_lossy(&body), String::from_utf8_lossy(&expected));
}

async fn send(request: Request<Body>) -> (StatusCode, serde_json::Value) {
    let response = server::router(Service).oneshot(request).await.unwrap();
    let status = response.status();
    let media = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(media.as_deref(), Some("application/json"));
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

fn post(media: Option<&str>, body: &'static str) -> Request<Body> {
    let request = Request::post("/notes");
    let request = match media {
        Some(media) => request.header("content-type", media),
        None => request,
    };
    request.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn the_server_reads_the_variant_the_content_type_names() {
    let variant = |(status, body): (StatusCode, serde_json::Value)| {
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (body["variant"].as_str().unwrap().to_owned(), body["text"].as_str().map(str::to_owned))
    };
    let read = async |media, body| variant(send(post(media, body)).await);
    // Parameters and case are ignored; JSON media types of one schema are one variant.
    assert_eq!(read(Some("Text/Plain; charset=UTF-8"), "t").await, ("text".into(), Some("t".into())));
    assert_eq!(read(Some("application/vnd.notes+json"), r#"{"text":"v"}"#).await, ("json".into(), Some("v".into())));
    assert_eq!(
        read(Some("APPLICATION/JSON;charset=utf-8"), r#"{"text":"u"}"#).await,
        ("json".into(), Some("u".into()))
    );
    assert_eq!(read(Some("application/x-www-form-urlencoded"), "text=f").await, ("form".into(), Some("f/".into())));
    // No `Content-Type`: the first media type.
    assert_eq!(read(None, r#"{"text":"n"}"#).await, ("json".into(), Some("n".into())));

    // Any other media type: 415 with the error body.
    for media in ["application/xml", "text/html", "image/png"] {
        let (status, body) = send(post(Some(media), "<x/>")).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{media}: {body}");
        assert_eq!(body["reason"], "UNSUPPORTED_MEDIA_TYPE", "{body}");
        assert!(body["details"].as_str().unwrap().contains(media), "{body}");
    }
    // Each variant's constraints are checked: the form's `text` is empty.
    let (status, body) = send(post(Some("application/x-www-form-urlencoded"), "text=")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // A range matches every type it covers, and the handler gets the one that arrived.
    let patch = |media: &str, body: &'static str| {
        Request::patch("/notes/3").header("content-type", media).body(Body::from(body)).unwrap()
    };
    let (status, body) = send(patch("image/gif", "GIF89a")).await;
    assert_eq!(
        (status, &body["variant"], &body["content_type"]),
        (StatusCode::OK, &"image".into(), &"image/gif".into())
    );
    let (status, body) = send(patch("application/merge-patch+json", r#"{"text":null}"#)).await;
    assert_eq!((status, &body["variant"]), (StatusCode::OK, &"merge-patch".into()));
    let (status, _) = send(patch("video/mp4", "x")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, body) = send(Request::patch("/notes/3").body(Body::empty()).unwrap()).await;
    assert_eq!((status, &body["variant"]), (StatusCode::OK, &"none".into()));
}
