//! The `headers` fixture: header and cookie parameters from the generated
//! client to the generated server over a real connection, the exact headers
//! the client sends, the router's answers to bad ones, and the client's
//! refusal of values that cannot be a header.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{TimeZone, Utc};
use generated_fixtures::fixtures::headers::client::{Client, Error, GetThingQuery};
use generated_fixtures::fixtures::headers::models::GetThingXMode;
use generated_fixtures::fixtures::headers::server::{
    self, Api, GetThingHeaders, GetThingResponse, PingResponse, PutThingHeaders, PutThingResponse,
};
use tower::ServiceExt;

/// Records what each call received.
#[derive(Clone, Default)]
struct Service {
    seen: Arc<Mutex<Vec<(String, GetThingHeaders)>>>,
    stored: Arc<Mutex<Vec<(String, PutThingHeaders, String)>>>,
}

impl Api for Service {
    async fn get_thing(&self, id: String, headers: GetThingHeaders) -> GetThingResponse {
        self.seen.lock().unwrap().push((id, headers));
        GetThingResponse::NoContent
    }

    async fn put_thing(&self, id: String, headers: PutThingHeaders, body: String) -> PutThingResponse {
        self.stored.lock().unwrap().push((id, headers, body));
        PutThingResponse::NoContent
    }

    async fn ping(&self) -> PingResponse {
        PingResponse::NoContent
    }
}

async fn serve(service: Service) -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(service)).await });
    Client::new(format!("http://{address}")).unwrap()
}

/// Text that needs percent-encoding in a cookie: space, `;`, `,`, `"`, `\`, `=`, `%`, non-ASCII.
const AWKWARD: &str = "a b;c,d=\"e\"\\f%25 é ✓";

#[tokio::test]
async fn client_and_server_round_trip_every_value_exactly() {
    let service = Service::default();
    let client = serve(service.clone()).await;
    let since = Utc.with_ymd_and_hms(2024, 2, 29, 23, 59, 58).unwrap() + chrono::Duration::milliseconds(125);
    let query = GetThingQuery::default()
        .x_count(42i64)
        .x_tags(["a", "b c", "x=y;z"])
        .x_mode(GetThingXMode::Safe)
        .x_dry_run(true)
        .x_since(since)
        .page(-3)
        .prefs(["dark mode", "x,y", AWKWARD]);
    client.get_thing("thing 1", "acme corp", "req-1", AWKWARD, &query).await.unwrap();
    client.get_thing("t", "t", "r", "", &GetThingQuery::default()).await.unwrap();
    client.put_thing("new", "acme", &"body".to_owned()).await.unwrap();
    client.ping().await.unwrap();

    let seen = service.seen.lock().unwrap().clone();
    // Every field, spelt out: the ignored `Accept` parameter has none.
    let expected = GetThingHeaders {
        x_tenant: "acme corp".to_owned(),
        x_request_id: "req-1".to_owned(),
        x_count: Some(42),
        x_tags: Some(vec!["a".to_owned(), "b c".to_owned(), "x=y;z".to_owned()]),
        x_mode: Some(GetThingXMode::Safe),
        x_dry_run: Some(true),
        x_since: Some(since),
        session: AWKWARD.to_owned(),
        page: Some(-3),
        prefs: Some(vec!["dark mode".to_owned(), "x,y".to_owned(), AWKWARD.to_owned()]),
    };
    let bare = GetThingHeaders {
        x_tenant: "t".to_owned(),
        x_request_id: "r".to_owned(),
        x_count: None,
        x_tags: None,
        x_mode: None,
        x_dry_run: None,
        x_since: None,
        session: String::new(),
        page: None,
        prefs: None,
    };
    assert_eq!(seen, vec![("thing 1".to_owned(), expected), ("t".to_owned(), bare)]);
    let stored = service.stored.lock().unwrap().clone();
    assert_eq!(stored, vec![("new".to_owned(), PutThingHeaders { x_tenant: "acme".to_owned() }, "body".to_owned())]);
}

/// The headers of the one request a call makes.
async fn capture(call: impl AsyncFnOnce(Client)) -> axum::http::HeaderMap {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let sender = Arc::new(Mutex::new(Some(sender)));
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let sender = sender.lock().unwrap().take();
        async move {
            if let Some(sender) = sender {
                let _ = sender.send(request.headers().clone());
            }
            StatusCode::NO_CONTENT
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    call(Client::builder(format!("http://{address}")).default_header("Cookie", "theme=dark").build().unwrap()).await;
    receiver.await.unwrap()
}

#[tokio::test]
async fn the_client_sends_one_cookie_header_and_plain_headers() {
    let headers = capture(async |client| {
        let query = GetThingQuery::default().x_tags(["a", "b c"]).page(2).prefs(["x,y", "z"]);
        client.get_thing("1", "acme", "req-1", "s;1", &query).await.unwrap();
    })
    .await;
    let all = |name: &str| -> Vec<&str> { headers.get_all(name).iter().map(|v| v.to_str().unwrap()).collect() };
    assert_eq!(all("x-tenant"), ["acme"]);
    assert_eq!(all("x-request-id"), ["req-1"]);
    assert_eq!(all("x-tags"), ["a,b c"]);
    // The default cookie first, then the parameters, in one header.
    assert_eq!(all("cookie"), ["theme=dark; session=s%3B1; page=2; prefs=x%2Cy,z"]);
    // `Accept` is the client's own, not a parameter.
    assert_eq!(all("accept"), ["application/json"]);
    assert!(headers.get("x-count").is_none());
}

/// A request to the generated router and its answer (status, body).
async fn send(request: Request<Body>) -> (StatusCode, String) {
    let response = server::router(Service::default()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// `GET /things/1` with the required headers and cookie, except those `extra`
/// names (in any case), and `extra`.
fn get(extra: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get("/things/1");
    for (name, value) in [("X-Tenant", "acme"), ("X-Request-ID", "r"), ("Cookie", "session=s")] {
        if !extra.iter().any(|(other, _)| other.eq_ignore_ascii_case(name)) {
            request = request.header(name, value);
        }
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn the_router_reads_headers_and_cookies_leniently_and_refuses_bad_ones() {
    // Accepted: names in any case, cookies with and without spaces, in one or
    // several `Cookie` headers, quoted; a list header in several lines; an `Accept` of any kind.
    let accepted: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("x-request-id", "other")],
        vec![("cookie", "session=s;page=2")],
        vec![("cookie", "other=1;  session=s ;prefs=a,b%2Cc ; junk")],
        vec![("cookie", "page=2"), ("cookie", "session=s")],
        vec![("cookie", "session=\"s\"")],
        vec![("X-Tags", "a, b"), ("x-tags", "c")],
        vec![("Accept", "text/html")],
    ];
    for extra in accepted {
        assert_eq!(send(get(&extra)).await.0, StatusCode::NO_CONTENT, "{extra:?}");
    }

    // Refused with the spec's error body, naming the parameter.
    let refused: Vec<(Request<Body>, &str)> = vec![
        (
            Request::get("/things/1")
                .header("X-Tenant", "a")
                .header("cookie", "session=s")
                .body(Body::empty())
                .unwrap(),
            "X-Request-ID: is required",
        ),
        (
            Request::get("/things/1").header("X-Tenant", "a").header("X-Request-ID", "r").body(Body::empty()).unwrap(),
            "session: is required",
        ),
        (get(&[("X-Count", "many")]), "X-Count: `many` is not an integer (int64)"),
        (get(&[("X-Count", "-1")]), "X-Count"),
        (get(&[("X-Request-ID", &"r".repeat(37))]), "X-Request-ID"),
        (get(&[("X-Mode", "slow")]), "X-Mode"),
        (get(&[("X-Dry-Run", "yes")]), "X-Dry-Run"),
        (get(&[("X-Since", "yesterday")]), "X-Since"),
        (get(&[("X-Mode", "fast"), ("X-Mode", "safe")]), "X-Mode: given more than once"),
        (get(&[("cookie", "session=a; session=b")]), "session: given more than once"),
        (get(&[("cookie", "session=s; page=two")]), "page: `two` is not an integer (int32)"),
        (get(&[("cookie", "session=%FF")]), "session: not UTF-8 once percent-decoded"),
    ];
    for (request, message) in refused {
        let (status, body) = send(request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{message}: {body}");
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["code"], 400, "{body}");
        let text = body["message"].as_str().unwrap();
        assert!(text.starts_with("INVALID_PARAMETER: ") && text.contains(message), "{message}: {text}");
    }
    let (_, body) = send(get(&[("X-Request-ID", &"r".repeat(37))])).await;
    assert!(body.contains("36"), "the maxLength violation says the limit: {body}");
}

#[tokio::test]
async fn the_client_refuses_values_that_cannot_be_headers_and_sends_nothing() {
    let requests = Arc::new(Mutex::new(0usize));
    let counter = requests.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(move || {
        *counter.lock().unwrap() += 1;
        async { StatusCode::NO_CONTENT }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::new(format!("http://{address}")).unwrap();

    let cases: Vec<(&str, &str, GetThingQuery, &str)> = vec![
        ("evil\r\nX-Admin: 1", "r", GetThingQuery::default(), "X-Tenant"),
        ("t", "line\nbreak", GetThingQuery::default(), "X-Request-ID"),
        ("t", "é", GetThingQuery::default(), "X-Request-ID"),
        ("t", " padded", GetThingQuery::default(), "X-Request-ID"),
        ("t", "r", GetThingQuery::default().x_tags(["a,b"]), "X-Tags"),
        ("t", "r", GetThingQuery::default().x_tags(["ok", "tab\t"]), "X-Tags"),
    ];
    for (tenant, request_id, query, name) in cases {
        match client.get_thing("1", tenant, request_id, "s", &query).await {
            Err(Error::Validation(violations)) => {
                let paths: Vec<&str> = violations.0.iter().map(|v| v.path.as_str()).collect();
                assert_eq!(paths, [name], "{violations}");
            }
            other => panic!("{tenant:?} {request_id:?}: expected a validation error, got {other:?}"),
        }
    }
    // The constraint checks come first, as for query parameters.
    match client.get_thing("1", "t", &"r".repeat(37), "s", &GetThingQuery::default().x_count(-1i64)).await {
        Err(Error::Validation(violations)) => assert_eq!(violations.0.len(), 2, "{violations}"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(*requests.lock().unwrap(), 0, "nothing was sent");

    // Cookies are percent-encoded: any text can be sent.
    client.get_thing("1", "t", "r", "line\nbreak\r\n", &GetThingQuery::default()).await.unwrap();
    assert_eq!(*requests.lock().unwrap(), 1);
}
