//! The `routes` fixture: templates axum cannot route as written (two names
//! for one shape, parameters inside a segment), served through one route per
//! shape, and the generated client against the generated server.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use generated_fixtures::fixtures::routes::client::{Client, Error};
use generated_fixtures::fixtures::routes::server::{
    self, Api, CompareBaseheadResponse, CompareResponse, DeleteAttestationResponse, GetFileResponse,
    LatestAttestationResponse, ListAttestationsResponse, MirrorStatusResponse, UploadResponse,
};
use tower::ServiceExt;

/// The name `mirror_status` answers with, to tell routers apart.
struct Service(&'static str);

impl Api for Service {
    async fn delete_attestation(&self, attestation_id: i64) -> DeleteAttestationResponse {
        if attestation_id == 42 {
            DeleteAttestationResponse::NoContent
        } else {
            DeleteAttestationResponse::NotFound(generated_fixtures::fixtures::routes::models::Error {
                message: format!("no attestation {attestation_id}"),
            })
        }
    }

    async fn list_attestations(&self, subject_digest: String) -> ListAttestationsResponse {
        ListAttestationsResponse::Ok(subject_digest)
    }

    async fn latest_attestation(&self) -> LatestAttestationResponse {
        LatestAttestationResponse::Ok("latest".to_owned())
    }

    async fn compare(&self, base: String, head: String) -> CompareResponse {
        CompareResponse::Ok(vec![base, head])
    }

    async fn compare_basehead(&self, basehead: String) -> CompareBaseheadResponse {
        CompareBaseheadResponse::Ok(basehead)
    }

    async fn get_file(&self, name: String) -> GetFileResponse {
        GetFileResponse::Ok(name)
    }

    async fn upload(&self, name: String, body: Vec<u8>) -> UploadResponse {
        UploadResponse::Created(if name == "a.bin" { body.len() as i64 } else { -1 })
    }

    async fn mirror_status(&self) -> MirrorStatusResponse {
        MirrorStatusResponse::Ok(self.0.to_owned())
    }
}

async fn send(method: &str, uri: &str) -> (StatusCode, String) {
    let request = Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
    let response = server::router(Service("api")).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn templates_of_one_shape_each_read_their_own_parameters() {
    let ok = |body: &str| (StatusCode::OK, body.to_owned());
    assert_eq!(send("DELETE", "/attestations/42").await, (StatusCode::NO_CONTENT, String::new()));
    assert_eq!(send("GET", "/attestations/sha256:abcdef12").await, ok(r#""sha256:abcdef12""#));
    // The literal segment wins over the parameter, for every method it has.
    assert_eq!(send("GET", "/attestations/latest").await, ok(r#""latest""#));
    // Each operation's own types and constraints apply.
    let (status, body) = send("DELETE", "/attestations/abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("attestation_id"), "{body}");
    let (status, body) = send("GET", "/attestations/short").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("subject_digest"), "{body}");
    let (status, body) = send("PUT", "/attestations/42").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    assert!(body.contains("METHOD_NOT_ALLOWED"), "{body}");
}

#[tokio::test]
async fn parameters_inside_a_segment_are_split_along_the_template() {
    let ok = |body: &str| (StatusCode::OK, body.to_owned());
    assert_eq!(send("GET", "/compare/main...feature%2Fx").await, ok(r#"["main","feature/x"]"#));
    // The first `...` separates; the rest belongs to `head`.
    assert_eq!(send("GET", "/compare/a...b...c").await, ok(r#"["a","b...c"]"#));
    // A literal that ends the segment is a suffix.
    assert_eq!(send("GET", "/files/report.json").await, ok(r#""report""#));
    assert_eq!(send("GET", "/files/a.json.json").await, ok(r#""a.json""#));
    // A path that does not fit `{base}...{head}` goes to `{basehead}`, the
    // other GET on that shape.
    for (uri, basehead) in [("/compare/main", "main"), ("/compare/...b", "...b"), ("/compare/a...", "a...")] {
        assert_eq!(send("GET", uri).await, ok(&format!("\"{basehead}\"")), "{uri}");
    }
    // Segments that do not fit the template are paths no operation has.
    for uri in ["/files/report.txt", "/files/.json"] {
        let (status, body) = send("GET", uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
        assert!(body.contains("NOT_FOUND"), "{uri}: {body}");
    }
}

#[tokio::test]
async fn the_client_reaches_every_template() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service("api"))).await });
    let client = Client::new(format!("http://{address}")).unwrap();

    client.delete_attestation(42).await.unwrap();
    match client.delete_attestation(7).await {
        Err(Error::Api { status, body }) => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(body.message, "no attestation 7");
        }
        other => panic!("expected the documented 404, got {other:?}"),
    }
    assert_eq!(client.list_attestations("sha256:ab/cd ef").await.unwrap(), "sha256:ab/cd ef");
    assert_eq!(client.latest_attestation().await.unwrap(), "latest");
    assert_eq!(client.compare("main", "feature/x y").await.unwrap(), ["main", "feature/x y"]);
    assert_eq!(client.compare_basehead("main..x").await.unwrap(), "main..x");
    assert_eq!(client.get_file("a.json").await.unwrap(), "a.json");
}

#[tokio::test]
async fn operations_with_servers_of_their_own_go_there() {
    // One listener plays the API, the uploads host and the mirror (under `/mirror`).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = server::router(Service("api")).nest("/mirror", server::router(Service("mirror")));
    tokio::spawn(async move { axum::serve(listener, app).await });

    // The uploads server (its variable at its default) replaced by the test's.
    let client = Client::builder(format!("http://{address}"))
        .operation_server("https://eu.uploads.example.com", format!("http://{address}/"))
        .build()
        .unwrap();
    assert_eq!(client.upload("a.bin", &[0, 159, 255]).await.unwrap(), 3);
    // A relative server is under the base URL: `/mirror/status`, answered
    // by the nested router (the outer one has `/status` too).
    assert_eq!(client.mirror_status().await.unwrap(), "mirror");
    // Other operations still go to the base URL.
    assert_eq!(client.latest_attestation().await.unwrap(), "latest");

    // Replacements are checked when the client is built.
    let bad = Client::builder(format!("http://{address}"))
        .operation_server("https://eu.uploads.example.com", "ftp://x")
        .build();
    assert!(matches!(bad, Err(Error::InvalidConfig(_))), "{bad:?}");
}
