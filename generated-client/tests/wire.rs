//! Exactly what goes on the wire, for every operation and parameter: method,
//! path, query string, headers and body, as an in-process capture server on
//! 127.0.0.1 receives them. Constraint violations are caught before sending.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use ipfs_pinning_client::models::{Pin, Status, TextMatchingStrategy};
use ipfs_pinning_client::{Client, Error, GetPinsQuery};
use serde_json::json;
use support::{CaptureServer, Reply, pin_status};

const TOKEN: &str = "s3cret-token";

fn pin_reply() -> Reply {
    Reply::json(202, pin_status("req-1", "queued", "2020-07-27T17:32:28.276Z", "QmCID"))
}

fn results_reply() -> Reply {
    Reply::json(200, json!({ "count": 0, "results": [] }))
}

fn client(server: &CaptureServer) -> Client {
    Client::new(server.url(), TOKEN).unwrap()
}

fn at(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).unwrap()
}

/// The headers every request carries.
fn assert_common_headers(request: &support::Captured) {
    assert_eq!(request.header("authorization"), Some("Bearer s3cret-token"));
    assert_eq!(request.header_count("authorization"), 1);
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("user-agent"), Some(concat!("ipfs-pinning-client/", env!("CARGO_PKG_VERSION"))));
}

#[tokio::test]
async fn get_pins_without_filters_sends_no_query() {
    let server = CaptureServer::always(results_reply()).await;
    let page = client(&server).get_pins(&GetPinsQuery::default()).await.unwrap();
    assert_eq!((page.count, page.results.len(), page.skipped.len()), (0, 0, 0));
    let request = server.single();
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/pins");
    assert_common_headers(&request);
    assert_eq!(request.header("content-type"), None);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn get_pins_with_every_filter() {
    let server = CaptureServer::always(results_reply()).await;
    let meta = BTreeMap::from([("app_id".to_owned(), "UUID".to_owned())]);
    let query = GetPinsQuery::default()
        .cid(["Qm1", "Qm2", "bafy3"])
        .name("PreciousData.pdf")
        .r#match(TextMatchingStrategy::Iexact)
        .status([Status::Queued, Status::Pinning])
        .before(at(1_595_871_148_276))
        .after(at(1_595_871_000_000))
        .limit(50)
        .meta(meta);
    client(&server).get_pins(&query).await.unwrap();
    let request = server.single();
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.target,
        "/pins?cid=Qm1,Qm2,bafy3&name=PreciousData.pdf&match=iexact&status=queued,pinning\
         &before=2020-07-27T17%3A32%3A28.276Z&after=2020-07-27T17%3A30%3A00Z&limit=50\
         &meta=%7B%22app_id%22%3A%22UUID%22%7D"
    );
    assert_common_headers(&request);
}

#[tokio::test]
async fn each_filter_alone() {
    let cases: Vec<(GetPinsQuery, &str)> = vec![
        (GetPinsQuery::default().cid(["QmOnly"]), "cid=QmOnly"),
        (GetPinsQuery::default().name("a b&c=d/é"), "name=a%20b%26c%3Dd%2F%C3%A9"),
        (GetPinsQuery::default().r#match(TextMatchingStrategy::Exact), "match=exact"),
        (GetPinsQuery::default().r#match(TextMatchingStrategy::Partial), "match=partial"),
        (GetPinsQuery::default().r#match(TextMatchingStrategy::Ipartial), "match=ipartial"),
        (GetPinsQuery::default().status(Status::ALL), "status=queued,pinning,pinned,failed"),
        (GetPinsQuery::default().status([Status::Failed]), "status=failed"),
        (GetPinsQuery::default().before(at(0)), "before=1970-01-01T00%3A00%3A00Z"),
        (
            GetPinsQuery::default().after(Utc.timestamp_opt(1, 123_456_789).unwrap()),
            "after=1970-01-01T00%3A00%3A01.123456789Z",
        ),
        (GetPinsQuery::default().limit(1), "limit=1"),
        (GetPinsQuery::default().limit(1000), "limit=1000"),
        (GetPinsQuery::default().meta(BTreeMap::new()), "meta=%7B%7D"),
        (
            GetPinsQuery::default()
                .meta(BTreeMap::from([("b".to_owned(), "x y".to_owned()), ("a".to_owned(), "\"q\"".to_owned())])),
            "meta=%7B%22a%22%3A%22%5C%22q%5C%22%22%2C%22b%22%3A%22x%20y%22%7D",
        ),
        // The delimiter is a literal comma; the items are encoded.
        (GetPinsQuery::default().cid(["Qm a", "bafy"]), "cid=Qm%20a,bafy"),
    ];
    for (query, expected) in cases {
        let server = CaptureServer::always(results_reply()).await;
        client(&server).get_pins(&query).await.unwrap();
        let request = server.single();
        assert_eq!(request.target, format!("/pins?{expected}"), "{query:?}");
        // And the server decodes it back to the value.
        if let Some(meta) = &query.meta {
            let sent = &request.query_map()["meta"][0];
            assert_eq!(&serde_json::from_str::<BTreeMap<String, String>>(sent).unwrap(), meta);
        }
    }
}

#[tokio::test]
async fn add_pin_sends_the_pin_as_json() {
    let server = CaptureServer::always(pin_reply()).await;
    let pin = Pin {
        cid: "QmCID".into(),
        name: Some("PreciousData.pdf".into()),
        origins: Some(vec!["/ip4/203.0.113.142/tcp/4001/p2p/QmSourcePeerId".into()]),
        meta: Some(BTreeMap::from([("app_id".to_owned(), "99986338".to_owned())])),
    };
    let status = client(&server).add_pin(&pin).await.unwrap();
    assert_eq!(status.requestid, "req-1");
    assert_eq!(status.status, Status::Queued);
    let request = server.single();
    assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/pins"));
    assert_common_headers(&request);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        String::from_utf8(request.body.clone()).unwrap(),
        r#"{"cid":"QmCID","name":"PreciousData.pdf","origins":["/ip4/203.0.113.142/tcp/4001/p2p/QmSourcePeerId"],"meta":{"app_id":"99986338"}}"#
    );
}

#[tokio::test]
async fn add_pin_leaves_out_absent_fields() {
    let server = CaptureServer::always(pin_reply()).await;
    let pin = Pin { cid: "QmCID".into(), name: None, origins: None, meta: None };
    client(&server).add_pin(&pin).await.unwrap();
    assert_eq!(server.single().body, br#"{"cid":"QmCID"}"#);
}

#[tokio::test]
async fn get_pin_encodes_the_requestid_as_one_segment() {
    for (requestid, path) in [
        ("req-1", "/pins/req-1"),
        ("UniqueIdOfPinRequest", "/pins/UniqueIdOfPinRequest"),
        ("a/b ?#%", "/pins/a%2Fb%20%3F%23%25"),
        ("...", "/pins/..."),
        ("ü~_.-", "/pins/%C3%BC~_.-"),
    ] {
        let server =
            CaptureServer::always(Reply::json(200, pin_status("x", "pinned", "2020-07-27T17:32:28Z", "Qm"))).await;
        client(&server).get_pin_by_request_id(requestid).await.unwrap();
        let request = server.single();
        assert_eq!((request.method.as_str(), request.target.as_str()), ("GET", path));
        assert_common_headers(&request);
        assert!(request.body.is_empty());
    }
}

#[tokio::test]
async fn replace_pin_posts_to_the_request() {
    let server = CaptureServer::always(pin_reply()).await;
    let pin = Pin { cid: "QmNew".into(), name: Some("new".into()), origins: None, meta: None };
    client(&server).replace_pin_by_request_id("req 7", &pin).await.unwrap();
    let request = server.single();
    assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/pins/req%207"));
    assert_common_headers(&request);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.json(), json!({ "cid": "QmNew", "name": "new" }));
}

#[tokio::test]
async fn delete_pin_sends_no_body_and_returns_unit() {
    let server = CaptureServer::always(Reply::empty(202)).await;
    client(&server).delete_pin_by_request_id("req-1").await.unwrap();
    let request = server.single();
    assert_eq!((request.method.as_str(), request.target.as_str()), ("DELETE", "/pins/req-1"));
    assert_common_headers(&request);
    assert_eq!(request.header("content-type"), None);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn delete_pin_accepts_any_success_and_ignores_its_body() {
    for reply in [
        Reply::empty(200),
        Reply::empty(204),
        // The mock service answers 202 with a JSON content type and no body.
        Reply::raw(202, "application/json;charset=utf-8", ""),
        Reply::raw(200, "text/plain", "deleted"),
    ] {
        let server = CaptureServer::always(reply).await;
        client(&server).delete_pin_by_request_id("req-1").await.unwrap();
    }
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_is_kept() {
    for suffix in ["/psa", "/psa/", "/a/b%20c"] {
        let server = CaptureServer::always(results_reply()).await;
        let client = Client::new(format!("{}{suffix}", server.url()), TOKEN).unwrap();
        client.get_pins(&GetPinsQuery::default().limit(5)).await.unwrap();
        let prefix = suffix.trim_end_matches('/');
        assert_eq!(server.single().target, format!("{prefix}/pins?limit=5"));
    }
    let server = CaptureServer::always(results_reply()).await;
    let client = Client::new(format!("{}/", server.url()), TOKEN).unwrap();
    assert_eq!(client.base_url(), server.url());
    client.get_pins(&GetPinsQuery::default()).await.unwrap();
    assert_eq!(server.single().target, "/pins");
}

#[tokio::test]
async fn builder_settings_apply_to_every_request() {
    let server = CaptureServer::always(results_reply()).await;
    let client = Client::builder(server.url(), TOKEN)
        .user_agent("my-app/2.0")
        .default_header("X-Trace", "abc")
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    client.get_pins(&GetPinsQuery::default()).await.unwrap();
    let request = server.single();
    assert_eq!(request.header("user-agent"), Some("my-app/2.0"));
    assert_eq!(request.header("x-trace"), Some("abc"));
    assert_eq!(request.header("authorization"), Some("Bearer s3cret-token"));
}

#[tokio::test]
async fn a_caller_supplied_http_client_is_used_with_the_same_headers() {
    let server = CaptureServer::always(results_reply()).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-from-http-client", "yes".parse().unwrap());
    ipfs_pinning_client::install_crypto_provider();
    let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
    let mut extra = reqwest::header::HeaderMap::new();
    extra.insert("x-extra", "1".parse().unwrap());
    let client = Client::builder(server.url(), TOKEN).http_client(http).default_headers(&extra).build().unwrap();
    client.get_pins(&GetPinsQuery::default()).await.unwrap();
    let request = server.single();
    assert_eq!(request.header("x-from-http-client"), Some("yes"));
    assert_eq!(request.header("x-extra"), Some("1"));
    assert_common_headers(&request);
}

#[tokio::test]
async fn bad_settings_are_refused_by_build() {
    for (base_url, token) in [
        ("ftp://example.com", "t"),
        ("not a url", "t"),
        ("http://example.com/psa?x=1", "t"),
        ("http://example.com/#frag", "t"),
        ("http://example.com", "line\nbreak"),
    ] {
        match Client::new(base_url, token) {
            Err(Error::InvalidConfig(message)) => assert!(!message.is_empty()),
            other => panic!("{base_url} / {token:?}: {other:?}"),
        }
    }
    let bad_header = Client::builder("http://127.0.0.1:1", "t").default_header("bad header", "v").build();
    assert!(matches!(bad_header, Err(Error::InvalidConfig(_))), "{bad_header:?}");
}

#[tokio::test]
async fn the_token_is_not_in_debug_output() {
    let client = Client::new("http://127.0.0.1:1", "very-secret").unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains("very-secret"), "{debug}");
    assert!(debug.contains("<redacted>"));
    let builder = format!("{:?}", Client::builder("http://127.0.0.1:1", "very-secret"));
    assert!(!builder.contains("very-secret"), "{builder}");
}

/// A client for a server that must never be called.
async fn nothing_sent(check: impl AsyncFnOnce(&Client) -> Error) -> Vec<String> {
    let server = CaptureServer::always(Reply::empty(500)).await;
    let error = check(&client(&server)).await;
    assert!(server.requests().is_empty(), "a request was sent: {:?}", server.requests());
    match error {
        Error::Validation(violations) => violations.iter().map(ToString::to_string).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn constraint_violations_are_caught_before_sending() {
    let many: Vec<String> = (0..11).map(|i| format!("Qm{i}")).collect();
    let violations = nothing_sent(async |c| c.get_pins(&GetPinsQuery::default().cid(many)).await.unwrap_err()).await;
    assert_eq!(violations, ["cid: must have at most 10 items (has 11)"]);

    let violations =
        nothing_sent(async |c| c.get_pins(&GetPinsQuery::default().cid(["a", "a"])).await.unwrap_err()).await;
    assert_eq!(violations, ["cid: items must be unique; item 1 repeats item 0"]);

    // Servers decode the value before splitting it (as kubo's and the JS
    // client's URL libraries require), so an item cannot hold a comma.
    let violations =
        nothing_sent(async |c| c.get_pins(&GetPinsQuery::default().cid(["a,b", "c"])).await.unwrap_err()).await;
    assert_eq!(violations, ["cid: the item `a,b` contains `,`, which separates the items of a `form` list"]);

    let empty: [&str; 0] = [];
    let violations = nothing_sent(async |c| c.get_pins(&GetPinsQuery::default().cid(empty)).await.unwrap_err()).await;
    assert_eq!(violations, ["cid: must have at least 1 item (has 0)"]);

    let violations = nothing_sent(async |c| {
        c.get_pins(&GetPinsQuery::default().name("n".repeat(256)).limit(0).status([Status::Pinned, Status::Pinned]))
            .await
            .unwrap_err()
    })
    .await;
    assert_eq!(
        violations,
        [
            "name: must have at most 255 characters (has 256)",
            "status: items must be unique; item 1 repeats item 0",
            "limit: must be at least 1 (is 0)",
        ]
    );

    let violations = nothing_sent(async |c| c.get_pins(&GetPinsQuery::default().limit(1001)).await.unwrap_err()).await;
    assert_eq!(violations, ["limit: must be at most 1000 (is 1001)"]);

    let big: BTreeMap<String, String> = (0..1001).map(|i| (format!("k{i}"), "v".to_owned())).collect();
    let violations = nothing_sent(async |c| c.get_pins(&GetPinsQuery::default().meta(big)).await.unwrap_err()).await;
    assert_eq!(violations, ["meta: must have at most 1000 entries (has 1001)"]);
}

#[tokio::test]
async fn pin_violations_are_caught_before_sending() {
    let origins: Vec<String> = (0..21).map(|i| format!("/ip4/203.0.113.{i}/tcp/4001/p2p/Qm")).collect();
    let pin = Pin { cid: "Qm".into(), name: Some("x".repeat(256)), origins: Some(origins), meta: None };
    let violations = nothing_sent(async |c| c.add_pin(&pin).await.unwrap_err()).await;
    assert_eq!(
        violations,
        ["pin.name: must have at most 255 characters (has 256)", "pin.origins: must have at most 20 items (has 21)"]
    );

    let pin = Pin { cid: "Qm".into(), name: None, origins: Some(vec!["/a".into(), "/a".into()]), meta: None };
    let violations = nothing_sent(async |c| c.replace_pin_by_request_id("req", &pin).await.unwrap_err()).await;
    assert_eq!(violations, ["pin.origins: items must be unique; item 1 repeats item 0"]);
}

#[tokio::test]
async fn path_parameters_that_cannot_be_a_segment_are_refused() {
    for requestid in ["", ".", ".."] {
        let violations = nothing_sent(async |c| c.get_pin_by_request_id(requestid).await.unwrap_err()).await;
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert!(violations[0].starts_with("requestid: "), "{violations:?}");
        let violations = nothing_sent(async |c| c.delete_pin_by_request_id(requestid).await.unwrap_err()).await;
        assert!(violations[0].starts_with("requestid: "), "{violations:?}");
    }
    let pin = Pin { cid: "Qm".into(), name: Some("y".repeat(300)), origins: None, meta: None };
    let violations = nothing_sent(async |c| c.replace_pin_by_request_id("", &pin).await.unwrap_err()).await;
    assert_eq!(
        violations,
        ["requestid: must not be empty (it is a path segment)", "pin.name: must have at most 255 characters (has 300)"]
    );
}
