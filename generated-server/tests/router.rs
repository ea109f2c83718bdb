//! The generated router, driven through `tower::ServiceExt::oneshot` with a
//! recording implementation of the API: every operation's happy path, every
//! constraint just inside and just outside its bound, and every kind of bad
//! input, each checked for status, content type, `Failure` shape, and that
//! the API was (or was not) called.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use ipfs_pinning_server::models::{Pin, PinMeta, Status, TextMatchingStrategy};
use ipfs_pinning_server::*;
use support::*;

fn fresh() -> (Recorder, axum::Router) {
    let api = Recorder::default();
    (api.clone(), router(api))
}

/// A rejection: the status, the `Failure` reason, text the details must contain.
type Refusal = (u16, &'static str, String);

fn refused(status: u16, reason: &'static str, details: impl Into<String>) -> Result<GetPinsQuery, Refusal> {
    Err((status, reason, details.into()))
}

fn query(f: impl FnOnce(&mut GetPinsQuery)) -> Result<GetPinsQuery, Refusal> {
    let mut q = GetPinsQuery::default();
    f(&mut q);
    Ok(q)
}

fn strings(items: impl IntoIterator<Item = impl Into<String>>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

/// `{"k0":"v","k1":"v",...}` with `n` entries, URL-encoded.
fn meta_query(n: usize) -> String {
    let entries: Vec<String> = (0..n).map(|i| format!("%22k{i}%22%3A%22v%22")).collect();
    format!("meta=%7B{}%7D", entries.join("%2C"))
}

fn meta(n: usize) -> PinMeta {
    (0..n).map(|i| (format!("k{i}"), "v".to_owned())).collect()
}

#[tokio::test]
async fn get_pins_decodes_and_checks_every_query_parameter() {
    let ten: Vec<String> = (0..10).map(|i| format!("Qm{i}")).collect();
    let eleven: Vec<String> = (0..11).map(|i| format!("Qm{i}")).collect();
    let invalid = "INVALID_PARAMETER";
    let cases: Vec<(String, Result<GetPinsQuery, Refusal>)> = vec![
        // Defaults: `limit` 10, `match` exact, nothing else.
        ("".into(), query(|q| *q = GetPinsQuery { limit: 10, r#match: TextMatchingStrategy::Exact, ..q.clone() })),
        ("foo=bar&&limit=5&".into(), query(|q| q.limit = 5)),
        // limit: 1..=1000, an int32, once.
        ("limit=1".into(), query(|q| q.limit = 1)),
        ("limit=1000".into(), query(|q| q.limit = 1000)),
        ("limit=0".into(), refused(400, invalid, "limit: must be at least 1 (is 0)")),
        ("limit=-1".into(), refused(400, invalid, "limit: must be at least 1")),
        ("limit=1001".into(), refused(400, invalid, "limit: must be at most 1000 (is 1001)")),
        ("limit=abc".into(), refused(400, invalid, "limit: `abc` is not an integer (int32)")),
        ("limit=".into(), refused(400, invalid, "limit: `` is not an integer")),
        ("limit=2147483648".into(), refused(400, invalid, "limit: `2147483648` is not an integer")),
        ("limit=1.5".into(), refused(400, invalid, "limit: `1.5`")),
        ("limit=1&limit=2".into(), refused(400, invalid, "limit: given more than once")),
        // cid: form, explode false: comma-separated, 1..=10 unique items.
        ("cid=Qm1".into(), query(|q| q.cid = Some(strings(["Qm1"])))),
        ("cid=Qm1,Qm2,bafy3".into(), query(|q| q.cid = Some(strings(["Qm1", "Qm2", "bafy3"])))),
        (format!("cid={}", ten.join(",")), query(|q| q.cid = Some(ten.clone()))),
        (format!("cid={}", eleven.join(",")), refused(400, invalid, "cid: must have at most 10 items (has 11)")),
        ("cid=Qm1,Qm1".into(), refused(400, invalid, "cid: items must be unique")),
        ("cid=".into(), refused(400, invalid, "cid: must have at least 1 item (has 0)")),
        // The value is decoded before it is split, as Go's and JS's URL
        // libraries encode the joined list: `%2C` is a delimiter too.
        ("cid=a%2Cb".into(), query(|q| q.cid = Some(strings(["a", "b"])))),
        ("cid=Qm1%2cQm2,bafy3".into(), query(|q| q.cid = Some(strings(["Qm1", "Qm2", "bafy3"])))),
        ("cid=Qm1%2CQm1".into(), refused(400, invalid, "cid: items must be unique")),
        ("cid=a&cid=b".into(), refused(400, invalid, "cid: given more than once")),
        // name: at most 255 characters (not bytes); `+` is a space.
        (format!("name={}", "x".repeat(255)), query(|q| q.name = Some("x".repeat(255)))),
        (format!("name={}", "%C3%A9".repeat(255)), query(|q| q.name = Some("é".repeat(255)))),
        (
            format!("name={}", "x".repeat(256)),
            refused(400, invalid, "name: must have at most 255 characters (has 256)"),
        ),
        ("name=Precious+Data%21.pdf".into(), query(|q| q.name = Some("Precious Data!.pdf".into()))),
        ("name=%FF".into(), refused(400, invalid, "name: not UTF-8")),
        ("%FF=1".into(), refused(400, "BAD_REQUEST", "query parameter name is not UTF-8")),
        // match: the spec's enum.
        ("match=exact".into(), query(|q| q.r#match = TextMatchingStrategy::Exact)),
        ("match=iexact".into(), query(|q| q.r#match = TextMatchingStrategy::Iexact)),
        ("match=partial".into(), query(|q| q.r#match = TextMatchingStrategy::Partial)),
        ("match=ipartial".into(), query(|q| q.r#match = TextMatchingStrategy::Ipartial)),
        ("match=fuzzy".into(), refused(400, invalid, "match: `fuzzy` is not a valid TextMatchingStrategy")),
        ("match=Exact".into(), refused(400, invalid, "match: `Exact`")),
        // status: comma-separated enum values, at least one, unique.
        ("status=queued".into(), query(|q| q.status = Some(vec![Status::Queued]))),
        ("status=queued,pinning,pinned,failed".into(), query(|q| q.status = Some(Status::ALL.to_vec()))),
        // What kubo's Go client and the JS client send.
        ("status=queued%2Cpinning%2Cpinned%2Cfailed".into(), query(|q| q.status = Some(Status::ALL.to_vec()))),
        ("status=queued,bogus".into(), refused(400, invalid, "status: `bogus` is not a valid Status")),
        ("status=queued,queued".into(), refused(400, invalid, "status: items must be unique")),
        ("status=".into(), refused(400, invalid, "status: must have at least 1 item")),
        // before / after: RFC 3339 date-times. A literal `+` decodes to a
        // space, which in an offset's place is read as the `+` it was.
        (
            "before=2020-07-27T17:32:28.276Z".into(),
            query(|q| q.before = Some("2020-07-27T17:32:28.276Z".parse().unwrap())),
        ),
        (
            "after=2020-07-27T19:32:28%2B02:00".into(),
            query(|q| q.after = Some("2020-07-27T17:32:28Z".parse().unwrap())),
        ),
        ("before=2020-07-27".into(), refused(400, invalid, "before: `2020-07-27` is not an RFC 3339 date-time")),
        ("after=2020-07-27T17:32:28+02:00".into(), query(|q| q.after = Some("2020-07-27T15:32:28Z".parse().unwrap()))),
        ("after=2020-07-27T17:32:28+0200".into(), refused(400, invalid, "after: `2020-07-27T17:32:28 0200`")),
        ("after=yesterday".into(), refused(400, invalid, "after: `yesterday`")),
        // meta: URL-encoded JSON object of strings, at most 1000 entries.
        (
            "meta=%7B%22app_id%22%3A%2299986338%22%7D".into(),
            query(|q| q.meta = Some([("app_id".to_owned(), "99986338".to_owned())].into())),
        ),
        (meta_query(1000), query(|q| q.meta = Some(meta(1000)))),
        (meta_query(1001), refused(400, invalid, "meta: must have at most 1000 entries (has 1001)")),
        ("meta=%7Bnot-json".into(), refused(400, invalid, "meta: key must be a string")),
        ("meta=%5B%5D".into(), refused(400, invalid, "meta: invalid type: sequence, expected a map")),
        ("meta=%7B%22a%22%3A1%7D".into(), refused(400, invalid, "meta: a: invalid type: integer `1`")),
        ("meta=%7B%7D%7B%7D".into(), refused(400, invalid, "meta: trailing characters")),
        // Also `meta[key]=value` entries, as openapi-generator's TypeScript
        // clients (the ecosystem's JS client) send an object.
        (
            "meta%5Bapp_id%5D=9+9&meta[k%20b]=%26".into(),
            query(|q| {
                q.meta = Some([("app_id".to_owned(), "9 9".to_owned()), ("k b".to_owned(), "&".to_owned())].into())
            }),
        ),
        ("meta[a]=1&meta%5Ba%5D=2".into(), refused(400, invalid, "meta[a]: given more than once")),
        ("meta=%7B%7D&meta[a]=1".into(), refused(400, invalid, "meta: given both as JSON and as")),
        ("metadata=1&meta[]=x".into(), query(|q| q.meta = Some([(String::new(), "x".to_owned())].into()))),
        // Several broken constraints are all reported.
        (format!("limit=0&name={}", "x".repeat(256)), refused(400, invalid, "name: must have at most 255")),
        (format!("limit=0&name={}", "x".repeat(256)), refused(400, invalid, "limit: must be at least 1")),
    ];
    for (query, expected) in cases {
        let (api, app) = fresh();
        let answer = send(app, empty_request("GET", &format!("/pins?{query}"))).await;
        match expected {
            Ok(decoded) => {
                assert_eq!(answer.status, StatusCode::OK, "?{query}: {answer:?}");
                assert_eq!(answer.content_type(), Some("application/json"), "?{query}");
                assert_eq!(answer.json(), serde_json::json!({ "count": 0, "results": [] }), "?{query}");
                assert_eq!(api.calls(), [Call::GetPins("alice".into(), decoded)], "?{query}");
            }
            Err((status, reason, details)) => {
                assert_eq!(answer.status.as_u16(), status, "?{query}: {answer:?}");
                let (got_reason, got_details) = answer.failure();
                assert_eq!(got_reason, reason, "?{query}: {got_details}");
                assert!(got_details.contains(&details), "?{query}: `{got_details}` lacks `{details}`");
                assert_eq!(api.calls(), [], "?{query}: the API must not be called");
            }
        }
    }
}

fn pin(cid: &str) -> Pin {
    Pin { cid: cid.to_owned(), name: None, origins: None, meta: None }
}

fn pin_json(fields: &str) -> String {
    format!(r#"{{"cid":"QmCid"{fields}}}"#)
}

fn origins(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("/ip4/203.0.113.{i}/tcp/4001/p2p/QmSourcePeerId")).collect()
}

#[tokio::test]
async fn pin_bodies_are_decoded_and_checked() {
    let invalid = "INVALID_BODY";
    let cases: Vec<(String, Result<Pin, Refusal>)> = vec![
        (pin_json(""), Ok(pin("QmCid"))),
        (
            pin_json(r#","name":"PreciousData.pdf","origins":["/ip4/1"],"meta":{"app_id":"x"}"#),
            Ok(Pin {
                name: Some("PreciousData.pdf".into()),
                origins: Some(strings(["/ip4/1"])),
                meta: Some([("app_id".to_owned(), "x".to_owned())].into()),
                ..pin("QmCid")
            }),
        ),
        // Unknown fields are ignored; `null` is absent.
        (pin_json(r#","colour":"red","name":null"#), Ok(pin("QmCid"))),
        // name: at most 255 characters.
        (
            pin_json(&format!(r#","name":"{}""#, "n".repeat(255))),
            Ok(Pin { name: Some("n".repeat(255)), ..pin("QmCid") }),
        ),
        (
            pin_json(&format!(r#","name":"{}""#, "n".repeat(256))),
            Err((400, invalid, "name: must have at most 255 characters (has 256)".into())),
        ),
        // origins: at most 20, unique.
        (
            pin_json(&format!(r#","origins":{}"#, to_json(&origins(20)))),
            Ok(Pin { origins: Some(origins(20)), ..pin("QmCid") }),
        ),
        (
            pin_json(&format!(r#","origins":{}"#, to_json(&origins(21)))),
            Err((400, invalid, "origins: must have at most 20 items (has 21)".into())),
        ),
        (pin_json(r#","origins":["/a","/a"]"#), Err((400, invalid, "origins: items must be unique".into()))),
        (pin_json(r#","origins":[]"#), Ok(Pin { origins: Some(vec![]), ..pin("QmCid") })),
        // meta: at most 1000 entries.
        (pin_json(&format!(r#","meta":{}"#, to_json(&meta(1000)))), Ok(Pin { meta: Some(meta(1000)), ..pin("QmCid") })),
        (
            pin_json(&format!(r#","meta":{}"#, to_json(&meta(1001)))),
            Err((400, invalid, "meta: must have at most 1000 entries (has 1001)".into())),
        ),
        // Required fields, types, syntax.
        ("{}".into(), Err((400, invalid, "missing field `cid`".into()))),
        (r#"{"cid":5}"#.into(), Err((400, invalid, "cid: invalid type: integer `5`, expected a string".into()))),
        (pin_json(r#","origins":["/a",1]"#), Err((400, invalid, "origins[1]: invalid type: integer `1`".into()))),
        (pin_json(r#","meta":{"k":true}"#), Err((400, invalid, "meta.k: invalid type: boolean `true`".into()))),
        (r#"{"cid":"#.into(), Err((400, invalid, "EOF while parsing".into()))),
        (format!("{} trailing", pin_json("")), Err((400, invalid, "trailing characters".into()))),
        ("null".into(), Err((400, invalid, "invalid type: null, expected struct Pin".into()))),
        // An array is not an object (serde's derived impls read a struct
        // from an array of its fields: `["QmCid"]` was a pin).
        ("[]".into(), Err((400, invalid, "invalid type: sequence, expected struct Pin".into()))),
        (r#"["QmCid"]"#.into(), Err((400, invalid, "invalid type: sequence, expected struct Pin".into()))),
        ("5".into(), Err((400, invalid, "invalid type: integer `5`, expected struct Pin".into()))),
        ("".into(), Err((400, invalid, "a request body is required".into()))),
    ];
    for (uri, make_call) in [
        ("/pins", (|p: Pin| Call::AddPin("alice".into(), p)) as fn(Pin) -> Call),
        ("/pins/req-1", |p| Call::ReplacePin("alice".into(), "req-1".into(), p)),
    ] {
        for (body, expected) in &cases {
            let (api, app) = fresh();
            let answer = send(app, json_request("POST", uri, body)).await;
            let shown = &body[..body.len().min(80)];
            match expected {
                Ok(pin) => {
                    assert_eq!(answer.status, StatusCode::ACCEPTED, "{uri} {shown}: {answer:?}");
                    assert_eq!(answer.content_type(), Some("application/json"));
                    assert_eq!(answer.json()["pin"], serde_json::to_value(pin).unwrap(), "{uri} {shown}");
                    assert_eq!(api.calls(), [make_call(pin.clone())], "{uri} {shown}");
                }
                Err((status, reason, details)) => {
                    assert_eq!(answer.status.as_u16(), *status, "{uri} {shown}: {answer:?}");
                    let (got_reason, got_details) = answer.failure();
                    assert_eq!(got_reason, *reason, "{uri} {shown}: {got_details}");
                    assert!(got_details.contains(details.as_str()), "{uri} {shown}: `{got_details}` lacks `{details}`");
                    assert_eq!(api.calls(), [], "{uri} {shown}: the API must not be called");
                }
            }
        }
    }
}

/// JSON text of a value, for building bodies.
fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap()
}

#[tokio::test]
async fn bodies_need_a_json_content_type_or_none() {
    let body = pin_json("");
    let cases: [(Option<&str>, u16); 7] = [
        (Some("application/json"), 202),
        (Some("application/json; charset=utf-8"), 202),
        (Some("Application/JSON"), 202),
        // None: read as the body's media type, JSON (lenient, as clients leave it out).
        (None, 202),
        (Some("text/plain"), 415),
        (Some("application/jsonp"), 415),
        (Some("application/x-www-form-urlencoded"), 415),
    ];
    for (content_type, status) in cases {
        let (api, app) = fresh();
        let mut builder = request("POST", "/pins");
        if let Some(content_type) = content_type {
            builder = builder.header("content-type", content_type);
        }
        let answer = send(app, builder.body(Body::from(body.clone())).unwrap()).await;
        assert_eq!(answer.status.as_u16(), status, "{content_type:?}: {answer:?}");
        if status == 415 {
            let (reason, details) = answer.failure();
            assert_eq!(reason, "UNSUPPORTED_MEDIA_TYPE");
            assert!(details.contains("Content-Type") && details.contains("application/json"), "{details}");
            assert_eq!(api.calls(), []);
        } else {
            assert_eq!(api.calls(), [Call::AddPin("alice".into(), pin("QmCid"))]);
        }
    }
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let body = pin_json(r#","name":"abc""#);
    let len = body.len();
    for (limit, declared_length, status) in [
        (len, false, 202),
        (len, true, 202),
        (len - 1, false, 413),
        (len - 1, true, 413),
        (Config::DEFAULT_BODY_LIMIT, false, 202),
    ] {
        let api = Recorder::default();
        let app = router_with_config(api.clone(), Config::default().with_body_limit(limit));
        let mut builder = request("POST", "/pins").header("content-type", "application/json");
        if declared_length {
            builder = builder.header("content-length", body.len());
        }
        let answer = send(app, builder.body(Body::from(body.clone())).unwrap()).await;
        assert_eq!(answer.status.as_u16(), status, "limit {limit}, declared {declared_length}: {answer:?}");
        if status == 413 {
            let (reason, details) = answer.failure();
            assert_eq!(reason, "PAYLOAD_TOO_LARGE");
            assert!(details.contains(&format!("limit of {limit} bytes")), "{details}");
            assert_eq!(api.calls(), []);
        }
    }
    // The default limit: 1 MiB.
    assert_eq!(Config::default().body_limit(), 1024 * 1024);
    let (api, app) = fresh();
    let huge = format!(r#"{{"cid":"QmCid","name":"{}"}}"#, "x".repeat(1024 * 1024));
    let answer = send(app, json_request("POST", "/pins", &huge)).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{answer:?}");
    assert_eq!(answer.failure().0, "PAYLOAD_TOO_LARGE");
    assert_eq!(api.calls(), []);
    // A Content-Length that is not a number.
    let (_, app) = fresh();
    let request = request("POST", "/pins")
        .header("content-type", "application/json")
        .header("content-length", "lots")
        .body(Body::from(pin_json("")))
        .unwrap();
    let answer = send(app, request).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.failure().0, "BAD_REQUEST");
}

#[tokio::test]
async fn path_parameters_are_percent_decoded() {
    for (uri, expected) in [
        ("/pins/abc", Ok("abc")),
        ("/pins/a%20b", Ok("a b")),
        ("/pins/%E2%9C%93", Ok("✓")),
        ("/pins/%FF", Err((400, "INVALID_PARAMETER"))),
        ("/pins/", Err((404, "NOT_FOUND"))),
        ("/pins/a/b", Err((404, "NOT_FOUND"))),
    ] {
        let (api, app) = fresh();
        let answer = send(app, empty_request("GET", uri)).await;
        match expected {
            Ok(id) => {
                assert_eq!(answer.status, StatusCode::OK, "{uri}: {answer:?}");
                assert_eq!(answer.json()["requestid"], id, "{uri}");
                assert_eq!(api.calls(), [Call::GetPin("alice".into(), id.into())]);
            }
            Err((status, reason)) => {
                assert_eq!(answer.status.as_u16(), status, "{uri}: {answer:?}");
                assert_eq!(answer.failure().0, reason, "{uri}");
                assert_eq!(api.calls(), [], "{uri}");
            }
        }
    }
}

/// Every operation, with each kind of bad credentials.
#[tokio::test]
async fn every_operation_needs_a_bearer_token_the_hook_accepts() {
    let operations: [(&str, &str, Option<String>); 5] = [
        ("GET", "/pins", None),
        ("POST", "/pins", Some(pin_json(""))),
        ("GET", "/pins/req-1", None),
        ("POST", "/pins/req-1", Some(pin_json(""))),
        ("DELETE", "/pins/req-1", None),
    ];
    let credentials: [(&[&str], u16, &str, &str); 9] = [
        (&[], 401, "UNAUTHORIZED", "credentials required: `accessToken` (`Authorization: Bearer <token>`)"),
        (&["Basic YWxhZGRpbjpvcGVuc2VzYW1l"], 401, "UNAUTHORIZED", "credentials required: `accessToken`"),
        (&["Bearer"], 401, "UNAUTHORIZED", "is not `Bearer <token>`"),
        (&["Bearer "], 401, "UNAUTHORIZED", "is not `Bearer <token>`"),
        (&["Bearer two words"], 401, "UNAUTHORIZED", "empty or contains spaces"),
        (&["Bearer wrong-token"], 401, "UNAUTHORIZED", "unknown access token"),
        (&["Bearer good-token", "Bearer good-token"], 401, "UNAUTHORIZED", "more than one"),
        (&["Bearer store-down"], 500, "INTERNAL_SERVER_ERROR", "token store is unavailable"),
        (&["bearer  good-token"], 200, "", ""),
    ];
    for (method, uri, body) in &operations {
        for (headers, status, reason, details) in credentials {
            let (api, app) = fresh();
            let mut builder = Request::builder().method(*method).uri(*uri);
            for header in headers {
                builder = builder.header("authorization", *header);
            }
            let request = match body {
                Some(body) => builder.header("content-type", "application/json").body(Body::from(body.clone())),
                None => builder.body(Body::empty()),
            }
            .unwrap();
            let answer = send(app, request).await;
            if status == 200 {
                assert!(answer.status.is_success(), "{method} {uri} {headers:?}: {answer:?}");
                assert_eq!(api.calls().len(), 1);
                continue;
            }
            assert_eq!(answer.status.as_u16(), status, "{method} {uri} {headers:?}: {answer:?}");
            let (got_reason, got_details) = answer.failure();
            assert_eq!(got_reason, reason, "{method} {uri} {headers:?}");
            assert!(got_details.contains(details), "{method} {uri} {headers:?}: {got_details}");
            if status == 401 {
                assert_eq!(answer.headers["www-authenticate"], "Bearer", "{method} {uri} {headers:?}");
            }
            assert_eq!(api.calls(), [], "{method} {uri} {headers:?}: the API must not be called");
        }
    }
}

#[tokio::test]
async fn authentication_comes_before_input_checks() {
    let (api, app) = fresh();
    let request =
        Request::builder().uri("/pins?limit=0").header("authorization", "Bearer nope").body(Body::empty()).unwrap();
    let answer = send(app, request).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.failure().0, "UNAUTHORIZED");
    assert_eq!(api.calls(), []);
}

#[tokio::test]
async fn unknown_paths_and_methods_get_failure_bodies() {
    for (method, uri, status, reason, allow) in [
        ("GET", "/nope", 404, "NOT_FOUND", None),
        ("GET", "/", 404, "NOT_FOUND", None),
        ("GET", "/pins/a/b/c", 404, "NOT_FOUND", None),
        ("PUT", "/pins", 405, "METHOD_NOT_ALLOWED", Some(&["GET", "POST"][..])),
        ("DELETE", "/pins", 405, "METHOD_NOT_ALLOWED", Some(&["GET", "POST"][..])),
        ("PATCH", "/pins/req-1", 405, "METHOD_NOT_ALLOWED", Some(&["GET", "POST", "DELETE"][..])),
        ("PUT", "/pins/req-1", 405, "METHOD_NOT_ALLOWED", Some(&["GET", "POST", "DELETE"][..])),
    ] {
        let (api, app) = fresh();
        let answer = send(app, empty_request(method, uri)).await;
        assert_eq!(answer.status.as_u16(), status, "{method} {uri}: {answer:?}");
        let (got_reason, details) = answer.failure();
        assert_eq!(got_reason, reason);
        assert!(details.contains(uri), "{details}");
        if let Some(methods) = allow {
            let allowed = answer.headers["allow"].to_str().unwrap().to_owned();
            for m in methods {
                assert!(allowed.contains(m), "{method} {uri}: Allow: {allowed}");
            }
        }
        assert_eq!(api.calls(), []);
    }
}

#[tokio::test]
async fn responses_carry_their_status_body_and_content_type() {
    for (uri, status, reason) in [
        ("/pins/req-1", 200, None),
        ("/pins/missing", 404, Some("NOT_FOUND")),
        ("/pins/poor", 409, Some("INSUFFICIENT_FUNDS")),
        ("/pins/slow-down", 429, Some("RATE_LIMITED")),
        ("/pins/broke", 503, Some("UNAVAILABLE")),
    ] {
        let (api, app) = fresh();
        let answer = send(app, empty_request("GET", uri)).await;
        assert_eq!(answer.status.as_u16(), status, "{uri}");
        assert_eq!(answer.content_type(), Some("application/json"), "{uri}");
        match reason {
            Some(reason) => assert_eq!(answer.failure().0, reason),
            None => {
                let pin: ipfs_pinning_server::models::PinStatus = serde_json::from_slice(&answer.body).unwrap();
                assert_eq!(pin.requestid, "req-1");
            }
        }
        assert_eq!(api.calls().len(), 1);
    }
    // DELETE: 202 with an empty body.
    let (api, app) = fresh();
    let answer = send(app, empty_request("DELETE", "/pins/req-1")).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED);
    assert!(answer.body.is_empty(), "{answer:?}");
    assert_eq!(answer.content_type(), None);
    assert_eq!(api.calls(), [Call::DeletePin("alice".into(), "req-1".into())]);
    // POST: 202 with the PinStatus.
    let (_, app) = fresh();
    let answer = send(app, json_request("POST", "/pins", &pin_json(""))).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED);
    assert_eq!(answer.json()["requestid"], "new-request");
}

#[test]
fn range_statuses_only_take_codes_of_their_range() {
    for code in [400, 404, 429, 499] {
        assert_eq!(ClientErrorStatus::new(code).unwrap().code(), code);
    }
    for code in [0, 99, 200, 399, 500, 599, 1000] {
        let error = ClientErrorStatus::new(code).unwrap_err();
        assert_eq!(error.to_string(), format!("{code} is not a status of the range 4XX"));
    }
    for code in [500, 503, 599] {
        assert_eq!(ServerErrorStatus::new(code).unwrap().status_code().as_u16(), code);
    }
    for code in [499, 600, 700] {
        assert!(ServerErrorStatus::new(code).is_err());
    }
    assert!(ServerErrorStatus::try_from(StatusCode::BAD_GATEWAY).is_ok());
    assert!(ClientErrorStatus::try_from(StatusCode::BAD_GATEWAY).is_err());
    assert_eq!(StatusCode::from(ClientErrorStatus::new(418).unwrap()), StatusCode::IM_A_TEAPOT);
}

#[test]
fn reasons_are_a_fixed_vocabulary_with_fixed_statuses() {
    let table: Vec<(&str, u16)> = Reason::ALL.iter().map(|r| (r.as_str(), r.status().as_u16())).collect();
    assert_eq!(
        table,
        [
            ("BAD_REQUEST", 400),
            ("INVALID_PARAMETER", 400),
            ("INVALID_BODY", 400),
            ("UNSUPPORTED_MEDIA_TYPE", 415),
            ("PAYLOAD_TOO_LARGE", 413),
            ("UNAUTHORIZED", 401),
            ("FORBIDDEN", 403),
            ("NOT_FOUND", 404),
            ("METHOD_NOT_ALLOWED", 405),
            ("INTERNAL_SERVER_ERROR", 500),
        ]
    );
    // Every router-made status lies in a range the spec documents (4XX / 5XX).
    assert!(Reason::ALL.iter().all(|r| r.status().is_client_error() || r.status().is_server_error()));
}

#[tokio::test]
async fn the_router_nests_under_a_prefix_and_takes_layers() {
    let api = Recorder::default();
    let app = axum::Router::new().nest("/api/v1", router(api.clone())).layer(axum::middleware::map_response(
        |mut response: axum::response::Response| async move {
            response.headers_mut().insert("x-layer", "yes".parse().unwrap());
            response
        },
    ));
    let answer = send(app.clone(), empty_request("GET", "/api/v1/pins?limit=3")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["x-layer"], "yes");
    assert_eq!(api.calls(), [Call::GetPins("alice".into(), GetPinsQuery { limit: 3, ..Default::default() })]);
    // Unknown paths under the prefix still get the router's Failure body.
    let answer = send(app.clone(), empty_request("GET", "/api/v1/nope")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.failure().0, "NOT_FOUND");
    let answer = send(app, empty_request("GET", "/api/v1/pins?limit=0")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.failure().0, "INVALID_PARAMETER");
}

#[test]
fn bearer_tokens_do_not_show_in_debug_output() {
    assert_eq!(format!("{:?}", BearerToken::new("s3cr3t")), "BearerToken(..)");
}
