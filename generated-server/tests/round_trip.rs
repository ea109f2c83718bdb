//! The generated client against the generated router over real HTTP on
//! 127.0.0.1, every operation, with the in-memory service of
//! `examples/in_memory.rs` behind the router.

#[path = "../examples/in_memory.rs"]
#[allow(dead_code)]
mod in_memory;

use std::collections::BTreeMap;

use ipfs_pinning_client::{Client, Error, GetPinsQuery};
use ipfs_pinning_server::models::{Pin, Status, TextMatchingStrategy};

/// Serves the in-memory service under `prefix` on a free port of 127.0.0.1;
/// the server task ends with the test's runtime.
async fn serve(prefix: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().nest(prefix, ipfs_pinning_server::router(in_memory::InMemory::default()));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}{prefix}")
}

fn pin(cid: &str) -> Pin {
    Pin { cid: cid.to_owned(), name: None, origins: None, meta: None }
}

fn queued() -> GetPinsQuery {
    GetPinsQuery::default().status([Status::Queued])
}

fn cids(results: &[ipfs_pinning_server::models::PinStatus]) -> Vec<&str> {
    results.iter().map(|p| p.pin.cid.as_str()).collect()
}

#[tokio::test]
async fn every_operation_round_trips() {
    let base = serve("/psa").await;
    let client = Client::new(base.as_str(), "secret").unwrap();

    // addPin, with every field of a Pin.
    let meta: BTreeMap<String, String> = [("app_id".to_owned(), "x, y & z={}".to_owned())].into();
    let first = Pin {
        name: Some("Precious Data.pdf".to_owned()),
        origins: Some(vec!["/ip4/203.0.113.142/tcp/4001/p2p/QmSourcePeerId".to_owned()]),
        meta: Some(meta.clone()),
        ..pin("bafy-first")
    };
    let added = client.add_pin(&first).await.unwrap();
    assert_eq!(added.pin, first);
    assert_eq!(added.status, Status::Queued);
    let second = client.add_pin(&Pin { name: Some("other".to_owned()), ..pin("bafy-second") }).await.unwrap();
    assert_ne!(added.requestid, second.requestid);

    // getPinByRequestId.
    assert_eq!(client.get_pin_by_request_id(&added.requestid).await.unwrap(), added);

    // getPins: every filter the client can send, decoded by the router.
    let all = client.get_pins(&queued()).await.unwrap();
    assert_eq!((all.count, cids(&all.results)), (2, vec!["bafy-second", "bafy-first"]));
    assert!(all.skipped.is_empty());
    let by_cid = client.get_pins(&queued().cid(["bafy-first", "bafy-other"])).await.unwrap();
    assert_eq!(cids(&by_cid.results), ["bafy-first"]);
    let by_name = client.get_pins(&queued().name("precious").r#match(TextMatchingStrategy::Ipartial)).await.unwrap();
    assert_eq!(cids(&by_name.results), ["bafy-first"]);
    let exact_name = client.get_pins(&queued().name("precious")).await.unwrap();
    assert_eq!(exact_name.count, 0, "`match` defaults to exact");
    let by_meta = client.get_pins(&queued().meta(meta)).await.unwrap();
    assert_eq!(cids(&by_meta.results), ["bafy-first"]);
    let limited = client.get_pins(&queued().limit(1)).await.unwrap();
    assert_eq!((limited.count, cids(&limited.results)), (2, vec!["bafy-second"]));
    let after = client.get_pins(&queued().after(added.created)).await.unwrap();
    assert_eq!(cids(&after.results), ["bafy-second"]);
    let before = client.get_pins(&queued().before(second.created)).await.unwrap();
    assert_eq!(cids(&before.results), ["bafy-first"]);
    let pinned_only = client.get_pins(&GetPinsQuery::default()).await.unwrap();
    assert_eq!(pinned_only.count, 0, "the service's default status filter is `pinned`");

    // replacePinByRequestId: a new request id, the old one gone.
    let replaced = client.replace_pin_by_request_id(&added.requestid, &pin("bafy-third")).await.unwrap();
    assert_ne!(replaced.requestid, added.requestid);
    assert_eq!(replaced.pin, pin("bafy-third"));
    match client.get_pin_by_request_id(&added.requestid).await {
        Err(Error::Api { status, body }) => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(body.error.reason, "NOT_FOUND");
        }
        other => panic!("expected 404, got {other:?}"),
    }

    // deletePinByRequestId: 202 with no body, then 404.
    client.delete_pin_by_request_id(&replaced.requestid).await.unwrap();
    match client.delete_pin_by_request_id(&replaced.requestid).await {
        Err(Error::Api { status, .. }) => assert_eq!(status.as_u16(), 404),
        other => panic!("expected 404, got {other:?}"),
    }
    let left = client.get_pins(&queued()).await.unwrap();
    assert_eq!(cids(&left.results), ["bafy-second"]);

    // Path segments the client escapes come back as they were.
    match client.get_pin_by_request_id("a b/c?d#e%f").await {
        Err(Error::Api { status, body }) => {
            assert_eq!(status.as_u16(), 404);
            assert!(body.error.details.unwrap_or_default().contains("a b/c?d#e%f"));
        }
        other => panic!("expected 404, got {other:?}"),
    }
}

#[tokio::test]
async fn the_router_answers_a_bad_token_with_the_failure_the_client_reads() {
    let base = serve("/v1").await;
    let client = Client::new(base.as_str(), "not-the-token").unwrap();
    match client.get_pins(&GetPinsQuery::default()).await {
        Err(Error::Api { status, body }) => {
            assert_eq!(status.as_u16(), 401);
            assert_eq!(body.error.reason, "UNAUTHORIZED");
            assert_eq!(body.error.details.as_deref(), Some("unknown token"));
        }
        other => panic!("expected 401, got {other:?}"),
    }
    match client.add_pin(&pin("bafy")).await {
        Err(Error::Api { status, .. }) => assert_eq!(status.as_u16(), 401),
        other => panic!("expected 401, got {other:?}"),
    }
}
