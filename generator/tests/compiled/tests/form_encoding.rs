//! The `form_encoding` fixture: nested form properties (`a[b]=c`), an
//! `encoding` that makes a property JSON or sets a part's media type, raw
//! form bodies, a body without media types, and structured response
//! headers. The generated client against the generated server on a real
//! listener, and the exact bytes on the wire.

mod capture;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use generated_fixtures::fixtures::form_encoding::client::{self, Client};
use generated_fixtures::fixtures::form_encoding::models::{Echo, Profile, ProfileAddress, ProfilePrefs, Size};
use generated_fixtures::fixtures::form_encoding::server::{
    self, Api, GetStatusOkBody, GetStatusOkHeaders, GetStatusResponse, PingResponse, PostAvatarResponse,
    PostProfileResponse, PostRawFormResponse,
};
use tower::ServiceExt;

/// Answers what it read, as its `Debug` text.
struct Service;

impl Api for Service {
    async fn post_profile(&self, body: Profile) -> PostProfileResponse {
        PostProfileResponse::Ok(Echo { text: format!("{body:?}") })
    }

    async fn post_avatar(&self, body: server::PostAvatarMultipart) -> PostAvatarResponse {
        PostAvatarResponse::Ok(Echo { text: format!("{body:?}") })
    }

    async fn post_raw_form(&self, body: Vec<u8>) -> PostRawFormResponse {
        PostRawFormResponse::Ok(Echo { text: String::from_utf8(body).unwrap() })
    }

    async fn ping(&self) -> PingResponse {
        PingResponse::NoContent
    }

    async fn get_status(&self) -> GetStatusResponse {
        let size = Size { width: 3, unit: Some("px".to_owned()) };
        GetStatusResponse::Ok(
            GetStatusOkBody::ApplicationJson(Echo { text: "ok".to_owned() }),
            GetStatusOkHeaders { x_meta: Some(size.clone()), x_pair: Some(size), x_deep: Some(profile()) },
        )
    }
}

fn profile() -> Profile {
    Profile {
        name: "a b&c=[d]".to_owned(),
        address: ProfileAddress {
            street: "Main St. 1".to_owned(),
            zip: Some(1234),
            lines: Some(vec!["x".to_owned(), "12".to_owned()]),
        },
        prefs: Some(ProfilePrefs { dark: Some(true) }),
        history: Some(vec![Size { width: 1, unit: None }, Size { width: 2, unit: Some("em".to_owned()) }]),
    }
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    format!("http://{address}")
}

#[tokio::test]
async fn nested_and_json_form_properties_round_trip() {
    let client = Client::new(serve().await).unwrap();
    let sent = profile();
    assert_eq!(client.post_profile(&sent).await.unwrap().text, format!("{sent:?}"));
    let bare = Profile {
        address: ProfileAddress { street: "s".to_owned(), zip: None, lines: None },
        prefs: None,
        history: None,
        ..profile()
    };
    assert_eq!(client.post_profile(&bare).await.unwrap().text, format!("{bare:?}"));
}

#[tokio::test]
async fn the_client_sends_nested_pairs_and_json_exactly() {
    let (line, media, bytes) = capture::capture(StatusCode::OK, r#"{"text":""}"#, async |url| {
        Client::new(url).unwrap().post_profile(&profile()).await.unwrap();
    })
    .await;
    assert_eq!(line, "POST /profiles");
    assert_eq!(media.as_deref(), Some("application/x-www-form-urlencoded"));
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "name=a%20b%26c%3D%5Bd%5D\
         &address%5Blines%5D%5B0%5D=x&address%5Blines%5D%5B1%5D=12&address%5Bstreet%5D=Main%20St.%201&address%5Bzip%5D=1234\
         &prefs=%7B%22dark%22%3Atrue%7D\
         &history%5B0%5D%5Bwidth%5D=1&history%5B1%5D%5Bunit%5D=em&history%5B1%5D%5Bwidth%5D=2"
    );
}

async fn post_form(body: &'static str) -> (StatusCode, String) {
    let request = Request::post("/profiles")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let response = server::router(Service).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn the_server_reads_what_other_clients_send_and_refuses_what_does_not_fit() {
    // Literal brackets, `[]` for list items, the JSON property as typed.
    let (status, text) = post_form("name=n&address[street]=s&address[lines][]=p&address[lines][]=q&prefs={}").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains(r#"lines: Some([\"p\", \"q\"])"#), "{text}");
    assert!(text.contains("prefs: Some(ProfilePrefs { dark: None })"), "{text}");
    for (body, names) in [
        ("name=n", "address: is required"),
        ("name=n&address[street]=s&address[zip]=x", "address"),
        ("name=n&address[street]=s&prefs=nope", "prefs"),
        ("name=n&address[zip]=1", "address"),
    ] {
        let (status, text) = post_form(body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {text}");
        assert!(text.contains("INVALID_BODY") && text.contains(names), "{body}: {text}");
    }
}

#[tokio::test]
async fn multipart_encoding_sets_part_media_types() {
    let avatar = client::PostAvatarMultipart {
        // Longer than `maxLength: 100`, which counts characters: not checked.
        image: vec![0x89; 150],
        caption: Some("hi ✓".to_owned()),
        size: Some(generated_fixtures::fixtures::form_encoding::models::PostAvatarRequestSize { width: Some(4) }),
    };
    let client = Client::new(serve().await).unwrap();
    let text = client.post_avatar(&avatar).await.unwrap().text;
    assert!(text.contains("caption: Some(\"hi ✓\")") && text.contains("width: Some(4)"), "{text}");
    let (_, media, bytes) = capture::capture(StatusCode::OK, r#"{"text":""}"#, async |url| {
        Client::new(url).unwrap().post_avatar(&avatar).await.unwrap();
    })
    .await;
    assert!(media.unwrap().starts_with("multipart/form-data; boundary="));
    let body = String::from_utf8_lossy(&bytes);
    assert!(body.contains("name=\"image\"\r\nContent-Type: image/png\r\n"), "{body}");
    assert!(body.contains("name=\"caption\"\r\nContent-Type: text/plain; charset=utf-8\r\n"), "{body}");
    assert!(body.contains("name=\"size\"\r\nContent-Type: application/json\r\n\r\n{\"width\":4}"), "{body}");
}

#[tokio::test]
async fn raw_forms_and_bodies_without_media_types() {
    let client = Client::new(serve().await).unwrap();
    assert_eq!(client.post_raw_form(b"a=1&a=2").await.unwrap().text, "a=1&a=2");
    client.ping().await.unwrap();
    let (line, media, bytes) = capture::capture(StatusCode::NO_CONTENT, "", async |url| {
        Client::new(url).unwrap().ping().await.unwrap();
    })
    .await;
    assert_eq!((line.as_str(), media, bytes.len()), ("POST /pings", None, 0));
}

#[tokio::test]
async fn structured_response_headers() {
    let response = server::router(Service).oneshot(Request::get("/status").body(Body::empty()).unwrap()).await.unwrap();
    let header = |name: &str| response.headers().get(name).unwrap().to_str().unwrap().to_owned();
    assert_eq!(header("x-meta"), r#"{"width":3,"unit":"px"}"#);
    assert_eq!(header("x-pair"), "unit,px,width,3");
    assert!(header("x-deep").starts_with(r#"{"name":"#), "{}", header("x-deep"));
}
