//! The `security` fixture: every security scheme and form of requirement,
//! from the generated client to the generated server over a real
//! connection; the exact headers, query and cookies the client sends; and
//! the router's answers to missing, wrong and partial credentials.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, Request};
use generated_fixtures::fixtures::security::client::{
    Client, Credentials, Error, GetCookieKeyQuery, GetQueryKeyQuery, Secret,
};
use generated_fixtures::fixtures::security::server::{
    self, Api, ApiKey, AuthorizationValue, BasicCredentials, BearerToken, GetAnonymousResponse, GetBasicResponse,
    GetBearerResponse, GetBothResponse, GetCookieKeyHeaders, GetCookieKeyResponse, GetDefaultResponse,
    GetDigestResponse, GetEitherResponse, GetOidcResponse, GetOptionalResponse, GetPublicResponse,
    GetQueryKeyQuery as ServerQuery, GetQueryKeyResponse, Rejection, WriteOauthResponse,
};
use tower::ServiceExt;

/// Accepts the credentials `good` (any scheme), refuses `forbidden` with a
/// 403 and anything else with a 401; the caller says which scheme let it in.
#[derive(Clone, Default)]
struct Service;

fn check(scheme: &str, secret: &str) -> Result<String, Rejection> {
    match secret {
        "good" => Ok(format!("{scheme}:{secret}")),
        "forbidden" => Err(Rejection::forbidden(format!("{scheme}: not allowed"))),
        _ => Err(Rejection::unauthorized(format!("{scheme}: unknown credentials"))),
    }
}

impl Api for Service {
    type Caller = String;

    async fn authenticate_header_key(&self, key: ApiKey) -> Result<String, Rejection> {
        check("headerKey", key.as_str())
    }

    async fn authenticate_query_key(&self, key: ApiKey) -> Result<String, Rejection> {
        check("queryKey", key.as_str())
    }

    async fn authenticate_cookie_key(&self, key: ApiKey) -> Result<String, Rejection> {
        check("cookieKey", key.as_str())
    }

    async fn authenticate_basic(&self, credentials: BasicCredentials) -> Result<String, Rejection> {
        check(&format!("basic:{}", credentials.user), &credentials.password)
    }

    async fn authenticate_bearer(&self, token: BearerToken) -> Result<String, Rejection> {
        check("bearer", token.as_str())
    }

    async fn authenticate_digest(&self, authorization: AuthorizationValue) -> Result<String, Rejection> {
        let secret = authorization.credentials.strip_prefix("response=").unwrap_or_default();
        check(&format!("digest({})", authorization.scheme), secret)
    }

    async fn authenticate_oauth(
        &self,
        token: BearerToken,
        scopes: &'static [&'static str],
    ) -> Result<String, Rejection> {
        check(&format!("oauth{scopes:?}"), token.as_str())
    }

    async fn authenticate_oidc(
        &self,
        token: BearerToken,
        scopes: &'static [&'static str],
    ) -> Result<String, Rejection> {
        check(&format!("oidc{scopes:?}"), token.as_str())
    }

    async fn get_default(&self, caller: String) -> GetDefaultResponse {
        GetDefaultResponse::Ok(caller)
    }

    async fn get_query_key(&self, caller: String, query: ServerQuery) -> GetQueryKeyResponse {
        GetQueryKeyResponse::Ok(format!("{caller} q={:?}", query.q))
    }

    async fn get_cookie_key(&self, caller: String, headers: GetCookieKeyHeaders) -> GetCookieKeyResponse {
        GetCookieKeyResponse::Ok(format!("{caller} theme={:?}", headers.theme))
    }

    async fn get_basic(&self, caller: String) -> GetBasicResponse {
        GetBasicResponse::Ok(caller)
    }

    async fn get_bearer(&self, caller: String) -> GetBearerResponse {
        GetBearerResponse::Ok(caller)
    }

    async fn write_oauth(&self, caller: String) -> WriteOauthResponse {
        WriteOauthResponse::Ok(caller)
    }

    async fn get_oidc(&self, caller: String) -> GetOidcResponse {
        GetOidcResponse::Ok(caller)
    }

    async fn get_digest(&self, caller: String) -> GetDigestResponse {
        GetDigestResponse::Ok(caller)
    }

    async fn get_either(&self, caller: String) -> GetEitherResponse {
        GetEitherResponse::Ok(caller)
    }

    async fn get_both(&self, caller: String) -> GetBothResponse {
        GetBothResponse::Ok(caller)
    }

    async fn get_optional(&self, caller: Option<String>) -> GetOptionalResponse {
        GetOptionalResponse::Ok(caller.unwrap_or_else(|| "anonymous".to_owned()))
    }

    async fn get_anonymous(&self) -> GetAnonymousResponse {
        GetAnonymousResponse::Ok("anonymous".to_owned())
    }

    async fn get_public(&self) -> GetPublicResponse {
        GetPublicResponse::Ok("public".to_owned())
    }
}

/// Every credential, good; the OAuth2 token from a provider that checks the scopes.
fn all_good() -> Credentials {
    Credentials::default()
        .header_key("good")
        .query_key("good")
        .cookie_key("good")
        .basic("ann", "good")
        .bearer("good")
        .digest("Digest response=good")
        .oauth_provider(|scopes: Vec<String>| async move {
            if scopes == ["things:read", "things:write"] {
                Ok(Secret::new("good"))
            } else {
                Err(format!("unexpected scopes {scopes:?}").into())
            }
        })
        .oidc("good")
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(Service)).await });
    format!("http://{address}")
}

#[tokio::test]
async fn client_and_server_round_trip_every_scheme() {
    let url = serve().await;
    let client = Client::builder(&url).credentials(all_good()).build().unwrap();
    assert_eq!(client.get_default().await.unwrap(), "headerKey:good");
    let query = GetQueryKeyQuery::default().q("a b");
    assert_eq!(client.get_query_key(&query).await.unwrap(), "queryKey:good q=Some(\"a b\")");
    let cookie = GetCookieKeyQuery::default().theme("dark; sunny");
    assert_eq!(client.get_cookie_key(&cookie).await.unwrap(), "cookieKey:good theme=Some(\"dark; sunny\")");
    assert_eq!(client.get_basic().await.unwrap(), "basic:ann:good");
    assert_eq!(client.get_bearer().await.unwrap(), "bearer:good");
    assert_eq!(client.write_oauth().await.unwrap(), "oauth[\"things:read\", \"things:write\"]:good");
    assert_eq!(client.get_oidc().await.unwrap(), "oidc[\"openid\"]:good");
    assert_eq!(client.get_digest().await.unwrap(), "digest(Digest):good");
    assert_eq!(client.get_either().await.unwrap(), "bearer:good");
    assert_eq!(client.get_both().await.unwrap(), "headerKey:good");
    assert_eq!(client.get_optional().await.unwrap(), "bearer:good");
    assert_eq!(client.get_anonymous().await.unwrap(), "anonymous");
    assert_eq!(client.get_public().await.unwrap(), "public");

    // The second alternative, and anonymous access, when that is all the client has.
    let basic_only = Client::builder(&url).credentials(Credentials::default().basic("bob", "good")).build().unwrap();
    assert_eq!(basic_only.get_either().await.unwrap(), "basic:bob:good");
    assert_eq!(basic_only.get_optional().await.unwrap(), "anonymous");

    // Refusals come back as the spec's error body with their status.
    let refused =
        Client::builder(&url).credentials(Credentials::default().bearer("wrong").oidc("forbidden")).build().unwrap();
    match refused.get_bearer().await {
        Err(Error::Api { status, body }) => {
            // The spec documents two error schemas: the body is JSON to decode further.
            assert_eq!(status.as_u16(), 401);
            assert_eq!(body, serde_json::json!({ "reason": "UNAUTHORIZED", "details": "bearer: unknown credentials" }));
        }
        other => panic!("{other:?}"),
    }
    // A wrong token where anonymous access is allowed is still refused.
    assert!(matches!(refused.get_optional().await, Err(Error::Api { status, .. }) if status == 401));
    match refused.get_oidc().await {
        Err(Error::UnexpectedResponse { status, .. }) => assert_eq!(status.as_u16(), 403),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn without_credentials_nothing_is_sent() {
    let client = Client::builder("http://127.0.0.1:1").build().unwrap();
    match client.get_both().await {
        Err(error @ Error::MissingCredentials { .. }) => {
            let Error::MissingCredentials { alternatives } = &error else { unreachable!() };
            assert_eq!(alternatives, &[vec!["headerKey", "queryKey"]]);
            assert_eq!(
                error.to_string(),
                "no credentials for this operation, not sent: it needs `headerKey` and `queryKey`"
            );
        }
        other => panic!("{other:?}"),
    }
    // Half of an AND is not enough either.
    let half =
        Client::builder("http://127.0.0.1:1").credentials(Credentials::default().header_key("k")).build().unwrap();
    assert!(matches!(half.get_both().await, Err(Error::MissingCredentials { .. })));
    match half.get_either().await {
        Err(error) => assert!(error.to_string().ends_with("it needs `bearer`, or `basic`"), "{error}"),
        Ok(answer) => panic!("{answer}"),
    }
    // A provider's failure is the call's error, before sending.
    let failing = Client::builder("http://127.0.0.1:1")
        .credentials(
            Credentials::default().oauth_provider(|_: Vec<String>| async { Err("token endpoint down".into()) }),
        )
        .build()
        .unwrap();
    match failing.write_oauth().await {
        Err(error @ Error::TokenProvider(_)) => assert!(error.to_string().contains("token endpoint down"), "{error}"),
        other => panic!("{other:?}"),
    }
    // Secrets stay out of Debug output.
    let client = Client::builder("http://127.0.0.1:1").credentials(all_good()).build().unwrap();
    let debug = format!("{client:?} {:?}", all_good());
    assert!(!debug.contains("good") && debug.contains("headerKey") && debug.contains("<redacted>"), "{debug}");
}

/// The request line (path and query) and headers of the one request a call makes.
async fn capture(credentials: Credentials, call: impl AsyncFnOnce(Client)) -> (String, HeaderMap) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let sender = Arc::new(Mutex::new(Some(sender)));
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let sender = sender.lock().unwrap().take();
        async move {
            if let Some(sender) = sender {
                let _ = sender.send((request.uri().to_string(), request.headers().clone()));
            }
            "ok"
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::builder(format!("http://{address}"))
        .default_header("Cookie", "lang=en")
        .credentials(credentials)
        .build()
        .unwrap();
    call(client).await;
    receiver.await.unwrap()
}

fn all<'h>(headers: &'h HeaderMap, name: &str) -> Vec<&'h str> {
    headers.get_all(name).iter().map(|v| v.to_str().unwrap()).collect()
}

#[tokio::test]
async fn the_client_sends_exactly_the_chosen_credentials() {
    let everything = || {
        Credentials::default()
            .header_key("h key")
            .query_key("q k+&=")
            .cookie_key("c k;\"")
            .basic("ann", "pa:ss")
            .bearer("jwt.a.b")
            .digest("Digest username=\"ann\", response=\"x\"")
            .oauth("o-token")
            .oidc("i-token")
    };
    // The document's default: the header key, nothing else.
    let (uri, headers) = capture(everything(), async |c| drop(c.get_default().await.unwrap())).await;
    assert_eq!(uri, "/default");
    assert_eq!(all(&headers, "x-api-key"), ["h key"]);
    assert!(headers.get("authorization").is_none());
    assert_eq!(all(&headers, "cookie"), ["lang=en"]);
    // The query key after the parameters, encoded as they are.
    let (uri, headers) =
        capture(everything(), async |c| drop(c.get_query_key(&GetQueryKeyQuery::default().q("a b")).await.unwrap()))
            .await;
    assert_eq!(uri, "/query-key?q=a%20b&api_key=q%20k%2B%26%3D");
    assert!(headers.get("x-api-key").is_none());
    // The cookie key in the one `Cookie` header: defaults, parameters, key.
    let (uri, headers) = capture(everything(), async |c| {
        drop(c.get_cookie_key(&GetCookieKeyQuery::default().theme("dark")).await.unwrap())
    })
    .await;
    assert_eq!(uri, "/cookie-key");
    assert_eq!(all(&headers, "cookie"), ["lang=en; theme=dark; session=c%20k%3B%22"]);
    // HTTP schemes.
    for (call, expected) in [
        ("basic", "Basic YW5uOnBhOnNz"),
        ("bearer", "Bearer jwt.a.b"),
        ("digest", "Digest username=\"ann\", response=\"x\""),
        ("oauth", "Bearer o-token"),
        ("oidc", "Bearer i-token"),
        ("either", "Bearer jwt.a.b"),
        ("optional", "Bearer jwt.a.b"),
    ] {
        let (_, headers) = capture(everything(), async |c| {
            match call {
                "basic" => c.get_basic().await,
                "bearer" => c.get_bearer().await,
                "digest" => c.get_digest().await,
                "oauth" => c.write_oauth().await,
                "oidc" => c.get_oidc().await,
                "either" => c.get_either().await,
                _ => c.get_optional().await,
            }
            .unwrap();
        })
        .await;
        assert_eq!(all(&headers, "authorization"), [expected], "{call}");
        assert!(headers.get("x-api-key").is_none(), "{call}");
    }
    // Both halves of an AND.
    let (uri, headers) = capture(everything(), async |c| drop(c.get_both().await.unwrap())).await;
    assert_eq!(uri, "/both?api_key=q%20k%2B%26%3D");
    assert_eq!(all(&headers, "x-api-key"), ["h key"]);
    // No credentials where the operation takes none, or only anonymous access.
    for call in ["public", "anonymous"] {
        let (_, headers) = capture(everything(), async |c| {
            if call == "public" { c.get_public().await } else { c.get_anonymous().await }.unwrap();
        })
        .await;
        assert!(headers.get("authorization").is_none() && headers.get("x-api-key").is_none(), "{call}");
        assert_eq!(all(&headers, "cookie"), ["lang=en"], "{call}");
    }
    // The optional operation without a bearer token: nothing.
    let (_, headers) =
        capture(Credentials::default().header_key("k"), async |c| drop(c.get_optional().await.unwrap())).await;
    assert!(headers.get("authorization").is_none() && headers.get("x-api-key").is_none());
}

/// A request to the generated router: status, `WWW-Authenticate` headers, body.
async fn send(uri: &str, headers: &[(&str, &str)]) -> (u16, Vec<String>, String) {
    let mut request = Request::get(uri);
    if uri == "/oauth" {
        request = request.method("POST");
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = server::router(Service).oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let challenges =
        response.headers().get_all("www-authenticate").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, challenges, String::from_utf8_lossy(&bytes).into_owned())
}

/// A request (URI, headers), the status it gets and text its body contains.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, u16, &'a str);

const BASIC_CHALLENGE: &str = "Basic realm=\"Security\", charset=\"UTF-8\"";

#[tokio::test]
async fn the_router_answers_missing_wrong_and_partial_credentials() {
    // Missing: 401, a challenge per HTTP scheme, the spec's error body naming what would do.
    let (status, challenges, body) = send("/either", &[]).await;
    assert_eq!((status, challenges), (401, vec!["Bearer".to_owned(), BASIC_CHALLENGE.to_owned()]));
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["reason"], "UNAUTHORIZED");
    assert_eq!(
        body["details"],
        "credentials required: `bearer` (`Authorization: Bearer <token>`), or `basic` (`Authorization: Basic <base64 of user:password>`)"
    );
    // An operation whose 401 has a schema of its own gets it; its 400s (and
    // the other operations' 401s) keep the bad-request schema.
    let (status, challenges, body) = send("/oidc", &[("authorization", "Bearer wrong")]).await;
    assert_eq!((status, challenges), (401, vec!["Bearer".to_owned()]));
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "code": 401, "message": "UNAUTHORIZED: oidc[\"openid\"]: unknown credentials" })
    );
    let forbidden: serde_json::Value =
        serde_json::from_str(&send("/oidc", &[("authorization", "Bearer forbidden")]).await.2).unwrap();
    assert_eq!(forbidden["reason"], "FORBIDDEN");
    // API keys have no challenge; digest has its own.
    assert_eq!(send("/default", &[]).await.1, Vec::<String>::new());
    assert_eq!(send("/digest", &[]).await.1, ["Digest"]);
    assert_eq!(send("/oauth", &[]).await.1, ["Bearer"]);

    let basic = |user_password: &str| {
        use base64::Engine;
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(user_password))
    };
    let good_basic = basic("ann:good");
    let wrong_basic = basic("ann:nope");
    let cases: Vec<Case> = vec![
        // Each alternative of an OR.
        ("/either", vec![("authorization", "Bearer good")], 200, "bearer:good"),
        ("/either", vec![("authorization", &good_basic)], 200, "basic:ann:good"),
        ("/either", vec![("authorization", "Bearer wrong")], 401, "bearer: unknown credentials"),
        ("/either", vec![("authorization", &wrong_basic)], 401, "basic:ann: unknown credentials"),
        ("/either", vec![("authorization", "Basic !!")], 401, "not base64"),
        ("/either", vec![("authorization", "Digest response=good")], 401, "credentials required"),
        // Both halves of an AND, or neither half alone.
        ("/both?api_key=good", vec![("x-api-key", "good")], 200, "headerKey:good"),
        (
            "/both",
            vec![("x-api-key", "good")],
            401,
            "credentials required: `headerKey` (the header `X-API-Key`) and `queryKey`",
        ),
        ("/both?api_key=good", vec![], 401, "credentials required"),
        ("/both?api_key=wrong", vec![("x-api-key", "good")], 401, "queryKey: unknown credentials"),
        // API keys in each place, percent-decoded where encoded.
        ("/default", vec![("X-API-Key", "good")], 200, "headerKey:good"),
        ("/default", vec![("x-api-key", "wrong")], 401, "headerKey: unknown credentials"),
        ("/query-key?q=x&api_key=%67ood", vec![], 200, "queryKey:good q=Some(\"x\")"),
        ("/cookie-key", vec![("cookie", "theme=t; session=good")], 200, "cookieKey:good theme=Some(\"t\")"),
        ("/cookie-key", vec![("cookie", "theme=t")], 401, "credentials required: `cookieKey` (the cookie `session`)"),
        // A hook's refusal: 401 or 403.
        ("/bearer", vec![("authorization", "Bearer forbidden")], 403, "bearer: not allowed"),
        ("/oauth", vec![("authorization", "Bearer good")], 200, "oauth[\"things:read\", \"things:write\"]:good"),
        ("/oidc", vec![("authorization", "bearer good")], 200, "oidc[\"openid\"]:good"),
        ("/digest", vec![("authorization", "Digest response=good")], 200, "digest(Digest):good"),
        // Anonymous access: none is fine, bad credentials are not.
        ("/optional", vec![], 200, "anonymous"),
        ("/optional", vec![("authorization", "Bearer good")], 200, "bearer:good"),
        ("/optional", vec![("authorization", "Bearer wrong")], 401, "bearer: unknown credentials"),
        ("/optional", vec![("x-api-key", "good")], 200, "anonymous"),
        ("/anonymous", vec![("authorization", "Bearer anything")], 200, "anonymous"),
        ("/public", vec![("authorization", "Bearer anything")], 200, "public"),
    ];
    for (uri, headers, status, expected) in cases {
        let (got, challenges, body) = send(uri, &headers).await;
        assert_eq!(got, status, "{uri} {headers:?}: {body}");
        assert!(body.contains(expected), "{uri} {headers:?}: {body}");
        if status == 401 && uri.starts_with("/either") {
            assert_eq!(challenges.len(), 2, "{uri} {headers:?}");
        }
        if status != 401 {
            assert!(challenges.is_empty(), "{uri} {headers:?}");
        }
    }
}
