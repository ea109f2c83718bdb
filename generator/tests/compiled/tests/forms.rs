//! The `forms` fixture: form-urlencoded and multipart request bodies and JSON
//! bodies that forbid unknown fields. The generated client against the
//! generated server on a real listener, the exact bytes of a form body, and
//! the router's answers to bad bodies.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use generated_fixtures::fixtures::forms::client::{self, Client};
use generated_fixtures::fixtures::forms::models::{Echo, LoginRequest, Meta, Mode, Rule, Settings, SettingsLimits};
use generated_fixtures::fixtures::forms::server::{
    self, Api, LoginResponse, PostNoteResponse, PutSettingsResponse, UploadResponse,
};
use tower::ServiceExt;

/// Answers what it read, as its `Debug` text.
struct Service;

impl Api for Service {
    async fn login(&self, body: LoginRequest) -> LoginResponse {
        LoginResponse::Ok(Echo { text: format!("{body:?}") })
    }

    async fn upload(&self, body: server::UploadMultipart) -> UploadResponse {
        UploadResponse::Ok(Echo { text: format!("{body:?}") })
    }

    async fn put_settings(&self, _body: Settings) -> PutSettingsResponse {
        PutSettingsResponse::NoContent
    }

    async fn post_note(&self, _body: Meta) -> PostNoteResponse {
        PostNoteResponse::NoContent
    }
}

fn login() -> LoginRequest {
    LoginRequest {
        user: "a b&c=d+é%".to_owned(),
        attempts: Some(3),
        tags: Some(vec!["x y".to_owned(), String::new(), "ü".to_owned()]),
        mode: Mode::Careful,
    }
}

/// Bytes that are not UTF-8, and a line that looks like a boundary.
const FILE: &[u8] = &[0, 0xff, 0xfe, 0x80, b'\r', b'\n', b'-', b'-', b'x', b'\r', b'\n'];

fn upload(note: Option<&str>) -> client::UploadMultipart {
    client::UploadMultipart {
        title: "T ✓ \"quoted\"".to_owned(),
        file: FILE.to_vec(),
        meta: Meta { size: 11, labels: Some(vec!["a".to_owned(), "b c".to_owned()]) },
        note: note.map(str::to_owned),
    }
}

#[tokio::test]
async fn client_and_server_round_trip() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    let client = Client::new(format!("http://{address}")).unwrap();

    let sent = login();
    assert_eq!(client.login(&sent).await.unwrap().text, format!("{sent:?}"));
    let bare = LoginRequest { user: "u".to_owned(), attempts: None, tags: None, mode: Mode::Fast };
    assert_eq!(client.login(&bare).await.unwrap().text, format!("{bare:?}"));

    for note in [None, Some("a note\r\nwith lines")] {
        let sent = upload(note);
        // Same fields in the client's and the server's struct: the same `Debug` text.
        assert_eq!(client.upload(&sent).await.unwrap().text, format!("{sent:?}"));
    }

    let settings = Settings {
        name: "n".to_owned(),
        limits: Some(SettingsLimits { daily: Some(3) }),
        rules: Some(vec![Rule { pattern: "*".to_owned() }]),
        target: None,
    };
    client.put_settings(&settings).await.unwrap();
}

#[tokio::test]
async fn the_client_checks_constraints_before_sending() {
    // Nothing listens here: a request that were sent would fail otherwise.
    let client = Client::new("http://127.0.0.1:9").unwrap();
    let long = LoginRequest { user: "x".repeat(17), ..login() };
    assert!(matches!(client.login(&long).await, Err(client::Error::Validation(_))));
    let untitled = client::UploadMultipart { title: String::new(), ..upload(None) };
    match client.upload(&untitled).await {
        Err(client::Error::Validation(v)) => assert!(v.to_string().contains("title"), "{v}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_client_sends_form_bodies_exactly() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let sender = std::sync::Arc::new(std::sync::Mutex::new(Some(sender)));
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let sender = sender.lock().unwrap().take();
        async move {
            let media = request.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
            let bytes = axum::body::to_bytes(request.into_body(), 1 << 20).await.unwrap().to_vec();
            if let Some(sender) = sender {
                let _ = sender.send((media, bytes));
            }
            (StatusCode::OK, [("content-type", "application/json")], r#"{"text":"ok"}"#)
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::new(format!("http://{address}")).unwrap();
    client.login(&login()).await.unwrap();
    let (media, bytes) = receiver.await.unwrap();
    assert_eq!(media.as_deref(), Some("application/x-www-form-urlencoded"));
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "user=a%20b%26c%3Dd%2B%C3%A9%25&attempts=3&tags=x%20y&tags=&tags=%C3%BC&mode=careful"
    );
}

async fn send(request: Request<Body>) -> (StatusCode, serde_json::Value) {
    let response = server::router(Service).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let body = if bytes.is_empty() { serde_json::Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
    (status, body)
}

fn form(body: &str) -> Request<Body> {
    Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// Asserts a `400 INVALID_BODY` whose details contain `needle`.
fn assert_invalid_body((status, body): (StatusCode, serde_json::Value), needle: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["reason"], "INVALID_BODY", "{body}");
    let details = body["details"].as_str().unwrap_or_default();
    assert!(details.contains(needle), "`{needle}` not in {details:?}");
}

#[tokio::test]
async fn the_server_reads_form_bodies_and_refuses_bad_ones() {
    let (status, body) = send(form("user=a+b%2B&mode=fast&tags=1&tags=2&unknown=ignored")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let expected = LoginRequest {
        user: "a b+".to_owned(),
        attempts: None,
        tags: Some(vec!["1".to_owned(), "2".to_owned()]),
        mode: Mode::Fast,
    };
    assert_eq!(body["text"], format!("{expected:?}"));

    assert_invalid_body(send(form("mode=fast")).await, "user: is required");
    assert_invalid_body(send(form("user=u&mode=fast&attempts=three")).await, "attempts: `three` is not an integer");
    assert_invalid_body(send(form("user=u&mode=slow")).await, "slow");
    assert_invalid_body(send(form("user=u&user=v&mode=fast")).await, "user: given more than once");
    assert_invalid_body(send(form("user=u&mode=fast&attempts=-1")).await, "attempts");
    assert_invalid_body(send(form(&format!("user={}&mode=fast", "x".repeat(17)))).await, "user");
    assert_invalid_body(send(form("user=%FF&mode=fast")).await, "UTF-8");
    assert_invalid_body(send(form("")).await, "required");

    let json = Request::post("/login").header("content-type", "application/json").body(Body::from("{}")).unwrap();
    let (status, body) = send(json).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    assert_eq!(body["reason"], "UNSUPPORTED_MEDIA_TYPE");
}

const BOUNDARY: &str = "b0undary";

/// A multipart body of these parts (name, content type, bytes).
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, media, data) in parts {
        out.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n").as_bytes(),
        );
        if let Some(media) = media {
            out.extend_from_slice(format!("Content-Type: {media}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

fn upload_request(body: Vec<u8>) -> Request<Body> {
    Request::post("/uploads")
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn the_server_reads_multipart_bodies_and_refuses_bad_ones() {
    let title = ("title", None, b"hi".as_slice());
    let file = ("file", Some("application/octet-stream"), FILE);
    let meta = ("meta", Some("application/json"), br#"{"size":2}"#.as_slice());
    let (status, body) = send(upload_request(multipart(&[title, file, meta, ("extra", None, b"ignored")]))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let expected = server::UploadMultipart {
        title: "hi".to_owned(),
        file: FILE.to_vec(),
        meta: Meta { size: 2, labels: None },
        note: None,
    };
    assert_eq!(body["text"], format!("{expected:?}"));

    assert_invalid_body(send(upload_request(multipart(&[title, meta]))).await, "file: is required");
    assert_invalid_body(send(upload_request(multipart(&[file, meta]))).await, "title: is required");
    let bad_meta = ("meta", Some("application/json"), br#"{"size":"big"}"#.as_slice());
    assert_invalid_body(send(upload_request(multipart(&[title, file, bad_meta]))).await, "meta");
    let empty_title = ("title", None, b"".as_slice());
    assert_invalid_body(send(upload_request(multipart(&[empty_title, file, meta]))).await, "title");
    let bad_title = ("title", None, [0xffu8].as_slice());
    assert_invalid_body(send(upload_request(multipart(&[bad_title, file, meta]))).await, "title");
    assert_invalid_body(send(upload_request(multipart(&[title, title, file, meta]))).await, "given more than once");

    // Broken off in the middle of a part: a bad request, not a server error.
    let whole = multipart(&[title, file, meta]);
    assert_invalid_body(send(upload_request(whole[..whole.len() / 2].to_vec())).await, "multipart");

    let text = Request::post("/uploads").header("content-type", "text/plain").body(Body::from("x")).unwrap();
    let (status, body) = send(text).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
}

fn json(path: &str, body: &str) -> Request<Body> {
    let method = if path == "/settings" { "PUT" } else { "POST" };
    Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn the_server_refuses_unknown_fields_where_the_schema_forbids_them() {
    let (status, body) =
        send(json("/settings", r#"{"name":"n","limits":{"daily":1},"rules":[{"pattern":"a"}]}"#)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    assert_invalid_body(send(json("/settings", r#"{"name":"n","extra":1}"#)).await, "extra: unknown field");
    assert_invalid_body(
        send(json("/settings", r#"{"name":"n","limits":{"weekly":2}}"#)).await,
        "limits.weekly: unknown",
    );
    assert_invalid_body(
        send(json("/settings", r#"{"name":"n","rules":[{"pattern":"a"},{"pattern":"b","x":1}]}"#)).await,
        "rules[1].x: unknown",
    );
    // A union is checked as the variant its value decodes as.
    assert_invalid_body(
        send(json("/settings", r#"{"name":"n","target":{"pattern":"a","x":1}}"#)).await,
        "target.x: unknown",
    );
    let (status, body) = send(json("/settings", r#"{"name":"n","target":{"size":1,"x":1}}"#)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "a lenient variant: {body}");
    // Typed decoding still runs after the check.
    assert_invalid_body(send(json("/settings", r#"{"name":1}"#)).await, "name");
    assert_invalid_body(send(json("/settings", "{")).await, "EOF");

    // A schema without `additionalProperties: false` still accepts unknown fields.
    let (status, body) = send(json("/notes", r#"{"size":1,"other":{"deep":true}}"#)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
}
