//! The server core's readers and rejections, directly.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use openapi_runtime::server::{
    self as rt, BearerToken, ClientErrorStatus, Cookies, PathParams, PathPiece, QueryString, RangeStatus, Reason,
    Rejection,
};
use serde_json::json;
use tower::ServiceExt;

fn details<T: std::fmt::Debug>(result: Result<T, Rejection>) -> String {
    let rejection = result.unwrap_err();
    format!("{} {}", rejection.reason(), rejection.details())
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(header::HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
    }
    map
}

#[test]
fn reasons_have_one_status_each() {
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
    let rejection = Rejection::invalid_parameters(["a: x", "b: y"]);
    assert_eq!(rejection.to_string(), "400 INVALID_PARAMETER: a: x; b: y");
    let response = Rejection::unauthorized("no").with_challenge("Bearer").into_response_with(&json!({"e": 1}));
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
    // Only a 401 carries a challenge.
    let response = Rejection::invalid_body("x").with_challenge("Bearer").into_response_with(&json!({}));
    assert!(!response.headers().contains_key(header::WWW_AUTHENTICATE));
    // One header per challenge (RFC 9110 §11.6.1), each once.
    let response = Rejection::unauthorized("no")
        .with_challenges(&["Bearer", "Basic realm=\"x\""])
        .with_challenge("Bearer")
        .into_response_with(&json!({}));
    let challenges: Vec<_> = response.headers().get_all(header::WWW_AUTHENTICATE).iter().collect();
    assert_eq!(challenges, ["Bearer", "Basic realm=\"x\""]);
    let forbidden = Rejection::forbidden("not yours").with_challenge("Bearer").into_response_with(&json!({}));
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert!(!forbidden.headers().contains_key(header::WWW_AUTHENTICATE));
}

#[test]
fn credentials_of_each_scheme() {
    // Bearer: absent for another scheme, malformed is a 401.
    assert_eq!(rt::bearer(&headers(&[])).unwrap(), None);
    assert_eq!(rt::bearer(&headers(&[("authorization", "Basic abc")])).unwrap(), None);
    assert_eq!(rt::bearer(&headers(&[("authorization", "BEARER t")])).unwrap(), Some(BearerToken::new("t")));
    assert_eq!(
        rt::bearer(&headers(&[("authorization", "Bearer a b")])).unwrap_err().status(),
        StatusCode::UNAUTHORIZED
    );
    // Basic: base64 of user:password, the password may hold colons.
    let basic = rt::basic(&headers(&[("authorization", "Basic dXNlcjpwYTpzcw==")])).unwrap().unwrap();
    assert_eq!((basic.user.as_str(), basic.password.as_str()), ("user", "pa:ss"));
    assert_eq!(format!("{basic:?}"), "BasicCredentials { user: \"user\", .. }");
    assert_eq!(rt::basic(&headers(&[("authorization", "Bearer t")])).unwrap(), None);
    for bad in ["Basic !!!", "Basic dXNlcg=="] {
        let rejection = rt::basic(&headers(&[("authorization", bad)])).unwrap_err();
        assert!(rejection.details().contains("not base64 of `user:password`"), "{bad}: {rejection}");
    }
    // Other HTTP schemes: passed through.
    let digest =
        rt::authorization_value(&headers(&[("authorization", "Digest username=\"a\", nonce=\"n\"")]), "digest");
    let digest = digest.unwrap().unwrap();
    assert_eq!((digest.scheme.as_str(), digest.credentials.as_str()), ("Digest", "username=\"a\", nonce=\"n\""));
    assert_eq!(rt::authorization_value(&headers(&[("authorization", "Bearer t")]), "digest").unwrap(), None);
    // API keys: header, query (percent-decoded), cookie (percent-decoded, quotes dropped).
    let key = rt::api_key_header(&headers(&[("x-api-key", "k1")]), "X-API-Key").unwrap().unwrap();
    assert_eq!((key.as_str(), format!("{key:?}")), ("k1", "ApiKey(..)".to_owned()));
    assert_eq!(rt::api_key_header(&headers(&[]), "X-API-Key").unwrap(), None);
    assert_eq!(rt::api_key_header(&headers(&[("x-api-key", "")]), "X-API-Key").unwrap(), None);
    assert!(rt::api_key_header(&headers(&[("x-api-key", "a"), ("x-api-key", "b")]), "X-API-Key").is_err());
    assert_eq!(rt::api_key_query(Some("a=1&key=s%20t%2B"), "key").unwrap(), Some(rt::ApiKey::new("s t+")));
    assert_eq!(rt::api_key_query(None, "key").unwrap(), None);
    assert!(rt::api_key_query(Some("key=a&key=b"), "key").is_err());
    let cookies = headers(&[("cookie", "a=1; session=%22x%3By"), ("cookie", "q=\"quoted\"")]);
    assert_eq!(rt::api_key_cookie(&cookies, "session").unwrap(), Some(rt::ApiKey::new("\"x;y")));
    assert_eq!(rt::api_key_cookie(&cookies, "q").unwrap(), Some(rt::ApiKey::new("quoted")));
    assert_eq!(rt::api_key_cookie(&cookies, "none").unwrap(), None);
    let missing = rt::unauthenticated("`key` (the header `X-Key`)");
    assert_eq!(
        (missing.status(), missing.details()),
        (StatusCode::UNAUTHORIZED, "credentials required: `key` (the header `X-Key`)")
    );
}

#[test]
fn range_statuses_are_checked() {
    assert_eq!(ClientErrorStatus::new(404).map(RangeStatus::code), Ok(404));
    assert_eq!(ClientErrorStatus::new(500).unwrap_err().to_string(), "500 is not a status of the range 4XX");
    assert_eq!(StatusCode::from(RangeStatus::<2>::try_from(StatusCode::CREATED).unwrap()), StatusCode::CREATED);
    assert_eq!(rt::status(1000), StatusCode::INTERNAL_SERVER_ERROR);
}

#[test]
fn bearer_tokens() {
    let token = rt::bearer(&headers(&[("authorization", "bearer  abc")])).unwrap().unwrap();
    assert_eq!(token.as_str(), "abc");
    assert_eq!(format!("{token:?}"), "BearerToken(..)");
    assert_eq!(BearerToken::new("x").into_string(), "x");
    for (given, expected) in [
        (vec![("authorization", "Bearer a"), ("authorization", "Bearer b")], "more than one `Authorization` header"),
        (vec![("authorization", "Bearer")], "is not `Bearer <token>`"),
        (vec![("authorization", "Bearer a b")], "empty or contains spaces"),
        (vec![("authorization", "Bearer \u{e9}")], "not visible ASCII"),
    ] {
        let rejection = rt::bearer(&headers(&given)).unwrap_err();
        assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED);
        assert!(rejection.details().contains(expected), "{}", rejection.details());
    }
}

#[test]
fn query_strings_and_form_lists() {
    let query = QueryString::parse(Some("a=1&b=x+y%21&a=2&&flag&status=queued%2Cpinning&c%5Bk%5D=v")).unwrap();
    assert_eq!(query.all("a"), ["1", "2"]);
    assert_eq!(details(query.single("a")), "INVALID_PARAMETER a: given more than once");
    assert_eq!(query.single("flag").unwrap(), Some(""));
    assert_eq!(query.single("missing").unwrap(), None);
    let b = rt::query_value("b", query.single("b").unwrap().unwrap(), rt::from_param::<String>).unwrap();
    assert_eq!(b, "x y!");
    // A list is decoded first, then split: `%2C` separates items as `,` does.
    let status = rt::query_list("status", query.single("status").unwrap().unwrap(), ',', rt::from_param::<String>);
    assert_eq!(status.unwrap(), ["queued", "pinning"]);
    assert_eq!(rt::query_list("s", "1%202+3", ' ', rt::from_param::<i32>).unwrap(), [1, 2, 3]);
    assert_eq!(rt::query_list("p", "a%7Cb|c", '|', rt::from_param::<String>).unwrap(), ["a", "b", "c"]);
    assert!(rt::query_list("e", "", ',', rt::from_param::<i32>).unwrap().is_empty());
    assert_eq!(
        details(rt::query_list("n", "1,x", ',', rt::from_param::<i64>)),
        "INVALID_PARAMETER n: `x` is not an integer (int64)"
    );
    assert_eq!(
        details(rt::query_value("u", "%FF", rt::from_param::<String>)),
        "INVALID_PARAMETER u: not UTF-8 once percent-decoded"
    );
    assert!(QueryString::parse(Some("%FF=1")).is_err());
    // Enums of numbers or booleans: the text as JSON, else as a string.
    assert_eq!(rt::from_value_param::<serde_json::Value>("v", "1").unwrap(), json!(1));
    assert_eq!(rt::from_value_param::<serde_json::Value>("v", "x").unwrap(), json!("x"));
    assert!(details(rt::from_value_param::<bool>("v", "yes")).starts_with("INVALID_PARAMETER v:"));
    assert_eq!(rt::path_list("ids", "1,2", rt::from_param::<i32>).unwrap(), [1, 2]);
}

#[test]
fn form_objects_and_untyped_query_values() {
    let query =
        QueryString::parse(Some("name=x%20y&min=2&limit=5&f[a]=1&page=cursor%2Ca%25b%2Csize%2C4&u=1&u=two&odd=a,b,c"))
            .unwrap();
    // Exploded: declared keys, or every key not claimed (names and their `name[key]` entries).
    let declared = query.form_entries(&["limit"], Some(&["name", "min", "max"]));
    assert_eq!(declared, [("name".to_owned(), "x%20y"), ("min".to_owned(), "2")]);
    let rest: Vec<String> =
        query.form_entries(&["name", "min", "f", "page", "u", "odd"], None).into_iter().map(|(k, _)| k).collect();
    assert_eq!(rest, ["limit"]);
    assert_eq!(rt::deep_required("", &declared, "name", rt::from_param::<String>).unwrap(), "x y");
    assert_eq!(
        details(rt::deep_required("", &declared, "max", rt::from_param::<i32>)),
        "INVALID_PARAMETER max: is required"
    );
    // Not exploded: decoded, split into keys and values, values raw again (`%25` stays a `%`).
    let pairs = query.form_pairs("page", ',').unwrap();
    assert_eq!(rt::deep_optional("page", &pairs, "cursor", rt::from_param::<String>).unwrap().as_deref(), Some("a%b"));
    assert_eq!(rt::deep_optional("page", &pairs, "size", rt::from_param::<i32>).unwrap(), Some(4));
    assert!(details(query.form_pairs("odd", ',')).starts_with("INVALID_PARAMETER odd: expected keys and values"));
    assert!(query.form_pairs("none", ',').unwrap().is_empty());
    // Untyped: the text given.
    assert_eq!(query.untyped("u").unwrap(), Some(json!(["1", "two"])));
    assert_eq!(query.untyped("name").unwrap(), Some(json!("x y")));
    assert_eq!(query.untyped("none").unwrap(), None);
}

#[test]
fn primitives_and_json_parameters() {
    assert!(rt::from_param::<bool>("b", "true").unwrap());
    assert!(rt::from_param::<bool>("b", "1").is_err());
    assert!(rt::from_param::<f64>("f", "NaN").is_err());
    assert_eq!(rt::from_param::<chrono::NaiveDate>("d", "2024-02-29").unwrap().to_string(), "2024-02-29");
    assert!(rt::from_param::<chrono::DateTime<chrono::Utc>>("t", "2024-02-29T00:00:00Z").is_ok());
    // A `+` offset sent unencoded is a space once decoded; nothing else is.
    let plus = rt::from_param::<chrono::DateTime<chrono::Utc>>("t", "2024-02-29T01:30:00.5+01:00").unwrap();
    let spaced = rt::query_value("t", "2024-02-29T01:30:00.5+01:00", rt::from_param::<chrono::DateTime<chrono::Utc>>);
    assert_eq!(spaced.unwrap(), plus);
    assert_eq!(plus.to_rfc3339(), "2024-02-29T00:30:00.500+00:00");
    for bad in ["2024-02-29T01:30:00 0100", "2024-02-29T01:30:00  01:00", "2024-02-29 01:30:00", " 01:00"] {
        assert!(rt::from_param::<chrono::DateTime<chrono::Utc>>("t", bad).is_err(), "{bad}");
    }
    assert_eq!(
        rt::from_str_param::<i8>("i", "300").unwrap_err().details(),
        "i: number too large to fit in target type"
    );
    let meta: serde_json::Value = rt::from_json_param("meta", r#"{"a":"b"}"#).unwrap();
    assert_eq!(meta, json!({"a": "b"}));
    // `content: application/json` parameters as JSON or as `name[key]` entries.
    let as_json = QueryString::parse(Some("meta=%7B%22a%22%3A%22b%22%7D")).unwrap();
    assert_eq!(as_json.json::<serde_json::Value>("meta").unwrap(), Some(json!({"a": "b"})));
    let as_entries = QueryString::parse(Some("meta%5Ba%5D=b&meta[c]=d")).unwrap();
    assert_eq!(as_entries.json::<serde_json::Value>("meta").unwrap(), Some(json!({"a": "b", "c": "d"})));
    let both = QueryString::parse(Some("meta={}&meta[a]=b")).unwrap();
    assert!(
        details(both.json::<serde_json::Value>("meta")).contains("given both as JSON and as `name[key]=value` entries")
    );
    assert_eq!(QueryString::parse(None).unwrap().json::<serde_json::Value>("meta").unwrap(), None);
}

#[test]
fn deep_objects_and_unions() {
    let query = QueryString::parse(Some("f[a]=1&f%5Bb%5D=x&f[c]=2&g=1")).unwrap();
    let entries = query.deep("f").unwrap();
    assert_eq!(rt::deep_required("f", &entries, "a", rt::from_param::<i32>).unwrap(), 1);
    assert_eq!(
        details(rt::deep_required("f", &entries, "z", rt::from_param::<i32>)),
        "INVALID_PARAMETER f[z]: is required"
    );
    assert_eq!(rt::deep_optional("f", &entries, "b", rt::from_param::<String>).unwrap().as_deref(), Some("x"));
    let rest = rt::deep_rest("f", &entries, &["a", "b"], rt::from_param::<i32>).unwrap();
    assert_eq!(rest.into_iter().collect::<Vec<_>>(), [("c".to_owned(), 2)]);
    assert_eq!(
        details(rt::deep_no_others("f", &entries, &["a", "b"])),
        "INVALID_PARAMETER f[c]: is not a property of the object"
    );
    assert!(query.deep("g").is_err());
    assert_eq!(rt::variant_single("v", &["7"], rt::from_param::<i32>), Some(7));
    assert_eq!(rt::variant_single("v", &["7", "8"], rt::from_param::<i32>), None);
    assert_eq!(rt::variant_all("v", &["7", "8"], rt::from_param::<i32>), Some(vec![7, 8]));
    assert_eq!(rt::variant_list("v", &["7%2C8"], ',', rt::from_param::<i32>), Some(vec![7, 8]));
    assert_eq!(rt::variant_list("v", &["7,x"], ',', rt::from_param::<i32>), None);
}

#[test]
fn header_and_cookie_parameters() {
    let map = headers(&[("x-one", "a"), ("x-list", "1, 2"), ("x-list", "3"), ("x-two", "a"), ("x-two", "b")]);
    assert_eq!(rt::header_single(&map, "X-One").unwrap(), Some("a"));
    assert_eq!(details(rt::header_single(&map, "x-two")), "INVALID_PARAMETER x-two: given more than once");
    let joined = rt::header_joined(&map, "x-list").unwrap().unwrap();
    assert_eq!(rt::header_list("x-list", &joined, rt::from_param::<i32>).unwrap(), [1, 2, 3]);
    assert_eq!(rt::header_joined(&map, "x-none").unwrap(), None);

    let map = headers(&[("cookie", "a=%20x; ids=1,2;flag; q=\"quoted\""), ("cookie", "a2=1")]);
    let cookies = Cookies::parse(&map);
    let a = rt::cookie_value("a", cookies.single("a").unwrap().unwrap(), rt::from_param::<String>).unwrap();
    assert_eq!(a, " x");
    let q = rt::cookie_value("q", cookies.single("q").unwrap().unwrap(), rt::from_param::<String>).unwrap();
    assert_eq!(q, "quoted");
    let ids = rt::cookie_list("ids", cookies.single("ids").unwrap().unwrap(), rt::from_param::<i32>).unwrap();
    assert_eq!(ids, [1, 2]);
    assert_eq!(cookies.single("flag").unwrap(), None);
    let twice = headers(&[("cookie", "a=1; a=2")]);
    assert!(Cookies::parse(&twice).single("a").is_err());
}

#[tokio::test]
async fn bodies_within_the_limit_and_of_an_accepted_type() {
    let json_type = headers(&[("content-type", "application/json; charset=utf-8")]);
    let bytes = rt::read_body(&json_type, Body::from("{\"a\":1}"), 100).await.unwrap();
    let value: serde_json::Value = rt::json_body(&json_type, &bytes, &["application/json"]).unwrap().unwrap();
    assert_eq!(value, json!({"a": 1}));
    let too_large = rt::read_body(&json_type, Body::from(vec![b'x'; 101]), 100).await.unwrap_err();
    assert_eq!(too_large.reason(), Reason::PayloadTooLarge);
    let declared = headers(&[("content-length", "1000")]);
    assert_eq!(rt::read_body(&declared, Body::empty(), 100).await.unwrap_err().reason(), Reason::PayloadTooLarge);
    let bad_length = headers(&[("content-length", "ten")]);
    assert_eq!(rt::read_body(&bad_length, Body::empty(), 100).await.unwrap_err().reason(), Reason::BadRequest);

    assert_eq!(rt::json_body::<serde_json::Value>(&json_type, b"", &["application/json"]).unwrap(), None);
    // No `Content-Type` is read as the first accepted media type (many clients leave it out).
    let missing = rt::json_body::<serde_json::Value>(&HeaderMap::new(), b"{}", &["application/json"]);
    assert_eq!(missing.unwrap(), Some(json!({})));
    let wrong = rt::text_body(&json_type, b"x", &["text/plain"]).unwrap_err();
    assert!(wrong.details().contains("`Content-Type: application/json` is not accepted; expected text/plain"));
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Pin {
        cid: String,
    }
    assert_eq!(
        details(rt::json_body::<Pin>(&json_type, b"{\"cid\":1}", &["application/json"])).split(" at ").next().unwrap(),
        "INVALID_BODY cid: invalid type: integer `1`, expected a string"
    );
    let strict = rt::strict_json_body::<serde_json::Value>(
        &json_type,
        b"{\"a\":1,\"b\":2}",
        &["application/json"],
        |value, found| {
            if value.get("b").is_some() {
                found.push("b".to_owned());
            }
        },
    );
    assert_eq!(details(strict), "INVALID_BODY b: unknown field (the schema allows no other fields)");
    let text = headers(&[("content-type", "text/plain")]);
    assert_eq!(rt::text_body(&text, "hé".as_bytes(), &["text/plain"]).unwrap().as_deref(), Some("hé"));
    assert!(rt::text_body(&text, &[0xff], &["text/plain"]).is_err());
    assert_eq!(rt::bytes_body(&text, &[0xff], &["text/*", "text/plain"]).unwrap(), Some(vec![0xff]));
}

#[test]
fn form_bodies() {
    let form = headers(&[("content-type", "application/x-www-form-urlencoded")]);
    let body = rt::form_body(&form, b"user=a+b&tags=1&tags=2&n=%FF", &["application/x-www-form-urlencoded"]);
    assert!(body.is_err(), "a value that is not UTF-8");
    let body =
        rt::form_body(&form, b"user=a+b&tags=1&tags=2", &["application/x-www-form-urlencoded"]).unwrap().unwrap();
    assert_eq!(body.single("user").unwrap(), Some("a b"));
    assert_eq!(body.all("tags"), ["1", "2"]);
    assert_eq!(details(body.single("tags")), "INVALID_BODY tags: given more than once");
    assert_eq!(
        details(body.refuse_unknown(&["user"])),
        "INVALID_BODY tags: unknown field (the schema allows no other fields)"
    );
    assert_eq!(
        details(rt::body_field("n", "x", rt::from_param::<i32>)),
        "INVALID_BODY n: `x` is not an integer (int32)"
    );
    assert_eq!(rt::missing_field("user").details(), "user: is required");
}

#[tokio::test]
async fn multipart_bodies() {
    let boundary = "XyZ";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"a\":1}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\x01\x02\r\n--{boundary}--\r\n"
    );
    let request = Request::builder()
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(())
        .unwrap();
    let (parts, ()) = request.into_parts();
    let body = rt::multipart_body(parts, body.into(), &["multipart/form-data"]).await.unwrap().unwrap();
    assert_eq!(body.text("title").unwrap(), Some("hello"));
    assert_eq!(body.texts("title").unwrap(), ["hello"]);
    assert_eq!(body.bytes("file").unwrap(), Some(vec![1, 2]));
    assert_eq!(body.all_bytes("file"), [vec![1, 2]]);
    assert_eq!(body.json::<serde_json::Value>("meta").unwrap(), Some(json!({"a": 1})));
    assert_eq!(
        details(body.refuse_unknown(&["title", "meta"])),
        "INVALID_BODY file: unknown field (the schema allows no other fields)"
    );
    let (parts, ()) =
        Request::builder().header("content-type", "multipart/form-data; boundary=b").body(()).unwrap().into_parts();
    assert_eq!(
        rt::multipart_body(parts, "--b\r\nbroken".into(), &["multipart/form-data"]).await.unwrap_err().reason(),
        Reason::InvalidBody
    );
}

#[tokio::test]
async fn path_parameters_along_a_template() {
    async fn handler(request: axum::extract::Request) -> String {
        let (mut parts, _) = request.into_parts();
        let path = PathParams::from_parts(&mut parts).await.unwrap();
        let pieces: &[PathPiece] = &[PathPiece::Param("name"), PathPiece::Literal(".json")];
        match path.matched(&[("file", pieces)], parts.uri.path()) {
            Ok(matched) => matched.get("name").unwrap().to_owned(),
            Err(rejection) => rejection.to_string(),
        }
    }
    let app = axum::Router::new().route("/files/{file}", axum::routing::get(handler));
    for (uri, expected) in [
        ("/files/a.json.json", "a.json"),
        ("/files/%C3%A9.json", "é"),
        ("/files/a.txt", "404 NOT_FOUND: no operation at `/files/a.txt`"),
        ("/files/.json", "404 NOT_FOUND: no operation at `/files/.json`"),
    ] {
        let response = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
        let bytes = axum::body::to_bytes(response.into_body(), 1000).await.unwrap();
        assert_eq!(String::from_utf8(bytes.to_vec()).unwrap(), expected, "{uri}");
    }
}

#[test]
fn responses() {
    let mut response = rt::json_response_as(StatusCode::CREATED, &json!({"a": 1}), "application/vnd.x+json");
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/vnd.x+json");
    rt::set_header(&mut response, "x-count", "3".to_owned());
    assert_eq!(response.headers()["x-count"], "3");
    rt::set_header(&mut response, "x-bad", "a\nb".to_owned());
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(rt::raw_response(StatusCode::OK, "x", "text/plain").headers()[header::CONTENT_TYPE], "text/plain");
    assert_eq!(rt::empty_response(StatusCode::ACCEPTED).status(), StatusCode::ACCEPTED);
    let t = chrono::DateTime::parse_from_rfc3339("2024-01-02T03:04:05Z").unwrap().with_timezone(&chrono::Utc);
    assert_eq!(rt::date_time_text(&t), "2024-01-02T03:04:05Z");
}
