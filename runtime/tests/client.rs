//! The client core's encoders, decoders and settings, directly.

use openapi_runtime::client::{
    Api, ClientBuilder, Core, Credential, Credentials, Error, HeaderParams, KeyLocation, NoErrorBody, QueryString,
    Requirement, Response, Scheme, SchemeKind, Secret, SkippedItem, check_delimited, check_segment, date_time,
    encode_into, skip_items,
};
use openapi_runtime::validation::Violation;
use reqwest::StatusCode;
use serde_json::json;

/// A generated client's stand-in: error bodies are JSON objects named `Failure`.
#[derive(Debug)]
struct Test(Core<Test>);

impl Api for Test {
    type ErrorBody = serde_json::Value;
    const ERROR_BODY: &'static str = "Failure";

    fn from_core(core: Core<Self>) -> Self {
        Test(core)
    }
}

/// One without error bodies.
struct Plain;

impl Api for Plain {
    type ErrorBody = NoErrorBody;
    const ERROR_BODY: &'static str = "";

    fn from_core(_: Core<Self>) -> Self {
        Plain
    }
}

fn response(status: u16, content_type: Option<&str>, body: &str) -> Response<Test> {
    Response::new(
        StatusCode::from_u16(status).unwrap(),
        content_type.map(str::to_owned),
        body.as_bytes().to_vec(),
        false,
    )
}

#[test]
fn query_strings_encode_all_but_unreserved_characters() {
    let mut query = QueryString::default();
    query.push("name", "a b&c=d/é~-._");
    query.push_joined("cid", &["x,y".into(), "z".into()], ",");
    query.push_joined("s", &["1".into(), "2".into()], "%20");
    query.push_deep("filter", "a b", "[1]");
    assert_eq!(query.as_str(), "name=a%20b%26c%3Dd%2F%C3%A9~-._&cid=x%2Cy,z&s=1%202&filter[a%20b]=%5B1%5D");
    assert_eq!(query.into_bytes(), b"name=a%20b%26c%3Dd%2F%C3%A9~-._&cid=x%2Cy,z&s=1%202&filter[a%20b]=%5B1%5D");
    let mut segment = String::new();
    encode_into(&mut segment, "a/b c");
    assert_eq!(segment, "a%2Fb%20c");
}

#[test]
fn allow_reserved_values_keep_what_does_not_change_the_query() {
    let mut query = QueryString::default();
    query.set_allow_reserved(true);
    query.push("a/b", "x/y:z?[1]@!$()*,;=&#+ %'");
    query.push_joined("l", &["p/q".into(), "r&s".into()], ",");
    query.set_allow_reserved(false);
    query.push("c", "x/y");
    assert_eq!(query.as_str(), "a%2Fb=x/y:z?[1]@!$()*,;=%26%23%2B%20%25%27&l=p/q,r%26s&c=x%2Fy");
}

#[test]
fn path_segments_and_delimited_items_are_checked() {
    let mut out: Vec<Violation> = Vec::new();
    check_segment("ok", "id", &mut out);
    check_segment("", "id", &mut out);
    check_segment("..", "id", &mut out);
    let messages: Vec<String> = out.iter().map(ToString::to_string).collect();
    assert_eq!(messages, ["id: must not be empty (it is a path segment)", "id: cannot be `..` (it is a path segment)"]);
    let mut out = Vec::new();
    check_delimited(["a".to_owned(), "b|c".to_owned()].into_iter(), '|', "pipeDelimited", "p", &mut out);
    assert_eq!(
        out[0].to_string(),
        "p: the item `b|c` contains `|`, which separates the items of a `pipeDelimited` list"
    );
    assert_eq!(out.len(), 1);
}

#[test]
fn date_times_are_rfc3339_with_z() {
    let t = chrono::DateTime::parse_from_rfc3339("2024-01-02T03:04:05.120+01:00").unwrap().with_timezone(&chrono::Utc);
    assert_eq!(date_time(&t), "2024-01-02T02:04:05.120Z");
}

#[test]
fn header_and_cookie_parameters() {
    let mut params = HeaderParams::default();
    params.header("X-Request-ID", "abc 1");
    params.header_list("X-Tags", &["a".into(), "b".into()]);
    params.cookie("session", "a b;c");
    params.cookie_list("ids", &["1,2".into(), "3".into()]);
    let headers = params.finish().unwrap();
    assert_eq!(headers["x-request-id"], "abc 1");
    assert_eq!(headers["x-tags"], "a,b");
    assert_eq!(headers["cookie"], "session=a%20b%3Bc; ids=1%2C2,3");

    let mut bad = HeaderParams::default();
    bad.header("X-A", "line\nbreak");
    bad.header("X-B", " padded");
    bad.header_list("X-C", &["a,b".into()]);
    bad.header("Bad Name", "v");
    let violations: Vec<String> = bad.finish().unwrap_err().into_iter().map(|v| v.to_string()).collect();
    assert_eq!(
        violations,
        [
            "X-A: '\\n' cannot be sent in an HTTP header (only visible ASCII, spaces and tabs)",
            "X-B: cannot start or end with a space or tab in an HTTP header (it would be lost)",
            "X-C: the item \"a,b\" cannot be sent in a comma-separated header: it contains `,`",
            "Bad Name: cannot be sent in an HTTP header",
        ]
    );
}

#[test]
fn success_bodies_decode_strictly_or_leniently() {
    let ok = response(200, Some("application/json; charset=utf-8"), r#"{"n": 1}"#);
    assert_eq!(ok.decode::<serde_json::Value>().unwrap(), json!({"n": 1}));
    let page = response(200, None, r#"{"count": 3, "results": [1, "two", 3]}"#);
    let decoded = page
        .decode_lenient::<serde_json::Value>(|value, skipped| skip_items::<u32>(value, Some("results"), skipped))
        .unwrap();
    assert_eq!(decoded.value, json!({"count": 3, "results": [1, 3]}));
    assert_eq!(decoded.skipped.len(), 1);
    let SkippedItem { path, raw, .. } = &decoded.skipped[0];
    assert_eq!((path.as_str(), raw), ("results[1]", &json!("two")));

    for (content_type, body, reason) in [
        (Some("text/html"), "<html>", "expected a JSON body, got content type `text/html`"),
        (None, "  ", "the body is empty"),
        (None, "{", "not valid JSON"),
    ] {
        match response(200, content_type, body).decode::<serde_json::Value>() {
            Err(Error::Decode { status, reason: got, .. }) => {
                assert_eq!(status, 200);
                assert!(got.contains(reason), "{got}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(response(200, Some("text/plain"), "hi").text().unwrap(), "hi");
    assert_eq!(response(200, None, "\u{1}").bytes().unwrap(), b"\x01");
    let not_utf8 = Response::<Test>::new(StatusCode::OK, None, vec![0xff], false);
    assert!(matches!(not_utf8.text(), Err(Error::Decode { .. })));
}

#[test]
fn failures_keep_their_status_and_the_documented_body() {
    let error = Error::from_failure(response(404, Some("application/json"), r#"{"reason":"NOT_FOUND"}"#), true);
    match &error {
        Error::Api { status, body } => assert_eq!((status.as_u16(), body), (404, &json!({"reason": "NOT_FOUND"}))),
        other => panic!("{other:?}"),
    }
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.to_string(), r#"the server answered 404 Not Found: {"reason":"NOT_FOUND"}"#);
    let undocumented = Error::from_failure(response(300, None, "moved"), false);
    assert!(undocumented.to_string().contains("the spec documents no body for this status"), "{undocumented}");
    let html = Error::from_failure(response(502, Some("text/html"), "<h1>bad gateway</h1>"), true);
    assert!(matches!(&html, Error::UnexpectedResponse { snippet, .. } if snippet == "<h1>bad gateway</h1>"));
    let long = "é".repeat(400);
    let snippet = response(500, None, &long).snippet();
    assert!(snippet.len() <= openapi_runtime::client::SNIPPET_BYTES && snippet.chars().all(|c| c == 'é'));
    let plain: Error<Plain> =
        Error::from_failure(Response::new(StatusCode::BAD_REQUEST, None, b"{}".to_vec(), false), false);
    assert!(matches!(plain, Error::UnexpectedResponse { .. }));
}

#[test]
fn the_builder_checks_its_settings() {
    let agent = "test/1.0";
    let none = Credentials::default;
    let bearer = |token: &str| {
        let mut credentials = Credentials::default();
        credentials.set("bearer", Credential::Secret(Secret::new(token)));
        credentials
    };
    let bad = |url: &str| match ClientBuilder::<Test>::new(url.into(), none(), agent).build() {
        Err(Error::InvalidConfig(message)) => message,
        other => panic!("{other:?}"),
    };
    assert!(bad("ftp://x").contains("must be http or https"));
    assert!(bad("http://x/?q=1").contains("must not have a query or fragment"));
    assert!(bad("not a url").contains("is not a valid URL"));
    let token = ClientBuilder::<Test>::new("http://x".into(), bearer("a\nb"), agent).build();
    assert!(matches!(token, Err(Error::InvalidConfig(m)) if m.contains("token") && m.contains("`bearer`")));
    let header = ClientBuilder::<Test>::new("http://x".into(), none(), agent).default_header("X", "a\nb").build();
    assert!(matches!(header, Err(Error::InvalidConfig(m)) if m.contains("header `X`")));
    let client = ClientBuilder::<Test>::new("http://x/psa/".into(), bearer("secret"), agent).build().unwrap();
    assert_eq!(client.0.base_url(), "http://x/psa");
    let debug = format!("{client:?}");
    assert!(debug.contains("<redacted>") && !debug.contains("secret"), "{debug}");
}

static HEADER_KEY: Scheme =
    Scheme { name: "header_key", kind: SchemeKind::ApiKey { location: KeyLocation::Header, name: "X-Key" } };
static QUERY_KEY: Scheme =
    Scheme { name: "query_key", kind: SchemeKind::ApiKey { location: KeyLocation::Query, name: "key" } };
static COOKIE_KEY: Scheme =
    Scheme { name: "cookie_key", kind: SchemeKind::ApiKey { location: KeyLocation::Cookie, name: "k" } };
static BASIC: Scheme = Scheme { name: "basic", kind: SchemeKind::Basic };
static OAUTH: Scheme = Scheme { name: "oauth", kind: SchemeKind::Bearer };
static DIGEST: Scheme = Scheme { name: "digest", kind: SchemeKind::Authorization };

#[tokio::test]
async fn credentials_choose_the_first_satisfiable_alternative() {
    static KEYS_OR_BASIC: &[&[Requirement]] = &[
        &[Requirement { scheme: &HEADER_KEY, scopes: &[] }, Requirement { scheme: &QUERY_KEY, scopes: &[] }],
        &[Requirement { scheme: &BASIC, scopes: &[] }],
    ];
    let mut credentials = Credentials::default();
    // Nothing: a typed refusal naming every alternative.
    let missing = credentials.apply(KEYS_OR_BASIC).await.unwrap_err().unwrap();
    assert_eq!(missing, vec![vec!["header_key", "query_key"], vec!["basic"]]);
    // Half of the AND is not enough; basic is.
    credentials.set("header_key", Credential::Secret(Secret::new("h")));
    credentials.set("basic", Credential::Basic { user: "u".into(), password: Secret::new("p") });
    let applied = credentials.apply(KEYS_OR_BASIC).await.unwrap();
    assert!(applied.headers.is_empty());
    assert_eq!(applied.basic.as_ref().map(|(u, p)| (u.as_str(), p.expose())), Some(("u", "p")));
    // Both halves: the first alternative wins.
    credentials.set("query_key", Credential::Secret(Secret::new("q r")));
    let applied = credentials.apply(KEYS_OR_BASIC).await.unwrap();
    assert_eq!(applied.headers.iter().map(|(n, v)| (*n, v.expose())).collect::<Vec<_>>(), [("X-Key", "h")]);
    assert_eq!(applied.query.iter().map(|(n, v)| (*n, v.expose())).collect::<Vec<_>>(), [("key", "q r")]);
    assert!(applied.basic.is_none());
    // Secrets stay out of Debug output.
    let debug = format!("{credentials:?} {applied:?}");
    assert!(!debug.contains("\"h\"") && !debug.contains("q r") && !debug.contains("\"p\""), "{debug}");
    assert!(debug.contains("header_key") && debug.contains("<redacted>"), "{debug}");
}

#[tokio::test]
async fn anonymous_access_is_the_last_resort() {
    static OPTIONAL: &[&[Requirement]] = &[&[], &[Requirement { scheme: &COOKIE_KEY, scopes: &[] }]];
    let mut credentials = Credentials::default();
    let applied = credentials.apply(OPTIONAL).await.unwrap();
    assert!(applied.cookies.is_empty() && applied.headers.is_empty());
    credentials.set("cookie_key", Credential::Secret(Secret::new("c")));
    let applied = credentials.apply(OPTIONAL).await.unwrap();
    assert_eq!(applied.cookies.iter().map(|(n, v)| (*n, v.expose())).collect::<Vec<_>>(), [("k", "c")]);
    // No security at all: nothing is sent, whatever the client has.
    assert!(credentials.apply(&[]).await.unwrap().cookies.is_empty());
}

#[tokio::test]
async fn token_providers_are_asked_per_request_with_the_scopes() {
    static SCOPED: &[&[Requirement]] = &[&[Requirement { scheme: &OAUTH, scopes: &["read", "write"] }]];
    static RAW: &[&[Requirement]] = &[&[Requirement { scheme: &DIGEST, scopes: &[] }]];
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = asked.clone();
    let provider = move |scopes: Vec<String>| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async move {
            if scopes == ["read", "write"] { Ok(Secret::new(format!("t{n}"))) } else { Err("wrong scopes".into()) }
        }
    };
    let mut credentials = Credentials::default();
    credentials.set("oauth", Credential::Provider(std::sync::Arc::new(provider)));
    credentials.set("digest", Credential::Secret(Secret::new("Digest username=\"u\"")));
    for n in 0..2 {
        let applied = credentials.apply(SCOPED).await.unwrap();
        let expected = format!("Bearer t{n}");
        assert_eq!(
            applied.headers.iter().map(|(n, v)| (*n, v.expose())).collect::<Vec<_>>(),
            [("authorization", expected.as_str())]
        );
    }
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 2);
    let applied = credentials.apply(RAW).await.unwrap();
    assert_eq!(applied.headers[0].1.expose(), "Digest username=\"u\"");
    // A failing provider is an error, not a request without a token.
    static OTHER_SCOPES: &[&[Requirement]] = &[&[Requirement { scheme: &OAUTH, scopes: &["admin"] }]];
    assert!(matches!(credentials.apply(OTHER_SCOPES).await, Err(Err(e)) if e.to_string() == "wrong scopes"));
}
