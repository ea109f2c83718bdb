//! The `route_overlaps` fixture: templates of one shape that overlap, each
//! request dispatched to the first template it fits (narrower templates
//! first, then more literal text, then spec order), through the generated
//! router and from the generated client.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use generated_fixtures::fixtures::route_overlaps::client::Client;
use generated_fixtures::fixtures::route_overlaps::server::{
    self, Api, DeleteNodeResponse, GetGzipResponse, GetItemAgainResponse, GetItemResponse, GetKeystoreResponse,
    GetNodeResponse, GetTagResponse, GetTarballResponse, GetVersionResponse, PatchItemResponse, PostKeystoreResponse,
    PostNodeResponse, PostRenditionResponse,
};
use tower::ServiceExt;

/// Answers with the operation's name and what it read.
struct Service;

impl Api for Service {
    async fn get_node(&self, path: String, name: String) -> GetNodeResponse {
        GetNodeResponse::Ok(format!("getNode {path} {name}"))
    }

    async fn post_node(&self, path: String, name: String) -> PostNodeResponse {
        PostNodeResponse::Ok(format!("postNode {path} {name}"))
    }

    async fn delete_node(&self, path: String, name: String) -> DeleteNodeResponse {
        DeleteNodeResponse::Ok(format!("deleteNode {path} {name}"))
    }

    async fn post_rendition(&self, path: String, name: String) -> PostRenditionResponse {
        PostRenditionResponse::Ok(format!("postRendition {path} {name}"))
    }

    async fn post_keystore(&self, intermediate_path: String, authorizable_id: String) -> PostKeystoreResponse {
        PostKeystoreResponse::Ok(format!("postKeystore {intermediate_path} {authorizable_id}"))
    }

    async fn get_keystore(&self, intermediate_path: String, authorizable_id: String) -> GetKeystoreResponse {
        GetKeystoreResponse::Ok(format!("getKeystore {intermediate_path} {authorizable_id}"))
    }

    async fn get_gzip(&self, name: String) -> GetGzipResponse {
        GetGzipResponse::Ok(format!("getGzip {name}"))
    }

    async fn get_tarball(&self, name: String) -> GetTarballResponse {
        GetTarballResponse::Ok(format!("getTarball {name}"))
    }

    async fn get_version(&self, major: i32, minor: i32) -> GetVersionResponse {
        GetVersionResponse::Ok(format!("getVersion {major} {minor}"))
    }

    async fn get_tag(&self, tag: String) -> GetTagResponse {
        GetTagResponse::Ok(format!("getTag {tag}"))
    }

    async fn get_item(&self, id: i32) -> GetItemResponse {
        GetItemResponse::Ok(format!("getItem {id}"))
    }

    async fn get_item_again(&self, item_id: i32) -> GetItemAgainResponse {
        unreachable!("the router never calls getItemAgain (asked for {item_id})")
    }

    async fn patch_item(&self, item_id: i32) -> PatchItemResponse {
        PatchItemResponse::Ok(format!("patchItem {item_id}"))
    }
}

async fn send(method: &str, uri: &str) -> (StatusCode, String) {
    let request = Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
    let response = server::router(Service).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn ok(text: &str) -> (StatusCode, String) {
    (StatusCode::OK, format!("\"{text}\""))
}

#[tokio::test]
async fn each_path_goes_to_the_first_template_it_fits() {
    for (method, uri, expected) in [
        // AEM: two suffixes of one length and a whole parameter, one method.
        ("POST", "/nodes/content/page.rw.html", "postRendition content page"),
        ("POST", "/nodes/home%2Fusers/alice.ks.html", "postKeystore home/users alice"),
        ("POST", "/nodes/content/page", "postNode content page"),
        ("POST", "/nodes/content/page.txt", "postNode content page.txt"),
        ("GET", "/nodes/home/alice.ks.json", "getKeystore home alice"),
        // No GET has `.ks.html`: the whole parameter takes it.
        ("GET", "/nodes/home/alice.ks.html", "getNode home alice.ks.html"),
        ("DELETE", "/nodes/home/alice.ks.html", "deleteNode home alice.ks.html"),
        // The narrower suffix first, though the spec lists it second.
        ("GET", "/archives/src.tar.gz", "getTarball src"),
        ("GET", "/archives/src.gz", "getGzip src"),
        ("GET", "/archives/src.tar.gz.gz", "getGzip src.tar.gz"),
        // A prefix and two parameters in one segment, beside a whole one.
        ("GET", "/versions/v1.2", "getVersion 1 2"),
        ("GET", "/versions/latest", "getTag latest"),
        ("GET", "/versions/v1", "getTag v1"),
        // The same template twice: the first one listed gets GET; PATCH is the other's.
        ("GET", "/items/7", "getItem 7"),
        ("PATCH", "/items/7", "patchItem 7"),
    ] {
        assert_eq!(send(method, uri).await, ok(expected), "{method} {uri}");
    }
}

#[tokio::test]
async fn a_path_no_template_fits_is_not_found_and_types_are_checked_after_the_fit() {
    for uri in ["/archives/src.zip", "/archives/.gz"] {
        let (status, body) = send("GET", uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
        assert!(body.contains("no operation at"), "{uri}: {body}");
    }
    // `v1.x` fits `v{major}.{minor}`: its minor is then not an integer.
    let (status, body) = send("GET", "/versions/v1.x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("minor"), "{body}");
    let (status, body) = send("PUT", "/nodes/a/b").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
}

#[tokio::test]
async fn the_client_reaches_every_operation_the_router_serves() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    let client = Client::new(format!("http://{address}")).unwrap();

    assert_eq!(client.post_rendition("content", "page").await.unwrap(), "postRendition content page");
    assert_eq!(client.post_keystore("home", "alice").await.unwrap(), "postKeystore home alice");
    assert_eq!(client.get_keystore("home", "alice").await.unwrap(), "getKeystore home alice");
    assert_eq!(client.post_node("content", "page").await.unwrap(), "postNode content page");
    assert_eq!(client.get_node("a b", "c/d").await.unwrap(), "getNode a b c/d");
    assert_eq!(client.delete_node("a", "b").await.unwrap(), "deleteNode a b");
    assert_eq!(client.get_gzip("x").await.unwrap(), "getGzip x");
    assert_eq!(client.get_tarball("x").await.unwrap(), "getTarball x");
    assert_eq!(client.get_version(3, 14).await.unwrap(), "getVersion 3 14");
    assert_eq!(client.get_tag("stable").await.unwrap(), "getTag stable");
    assert_eq!(client.get_item(5).await.unwrap(), "getItem 5");
    assert_eq!(client.patch_item(5).await.unwrap(), "patchItem 5");
    // The client still sends the operation the router never reaches: the
    // server answers it as the template tried first.
    assert_eq!(client.get_item_again(5).await.unwrap(), "getItem 5");
}
