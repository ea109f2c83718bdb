//! The security plan (`plan/security.rs`): the schemes used, their unique
//! names, each operation's requirement, challenges and descriptions.

use generator::ir::{Location, OAuth2FlowKind, SecuritySchemeKind};
use generator::plan::security::{Credential, Security};
use serde_json::json;

fn load(spec: serde_json::Value) -> generator::ir::Api {
    generator::load(&spec.to_string()).unwrap()
}

fn ok() -> serde_json::Value {
    json!({ "200": { "description": "ok" } })
}

#[test]
fn requirements_names_and_challenges() {
    let api = load(json!({
        "openapi": "3.0.3",
        "info": { "title": "My \"API\" é", "version": "1" },
        "security": [{ "api_key": [] }],
        "paths": {
            "/a": { "get": { "operationId": "authenticateApiKey", "responses": ok() } },
            "/b": { "get": {
                "operationId": "b",
                "security": [{}, { "apiKey": [], "basic": [] }, { "oauth": ["read"] }, { "digest": [] }],
                "responses": ok(),
            } },
            "/c": { "get": { "operationId": "c", "security": [], "responses": ok() } },
            "/d": { "get": { "operationId": "d", "security": [{}], "responses": ok() } },
            "/e": { "get": { "operationId": "e", "responses": ok() } },
        },
        "components": { "securitySchemes": {
            "api_key": { "type": "apiKey", "in": "query", "name": "key" },
            "apiKey": { "type": "apiKey", "in": "header", "name": "X-Key" },
            "basic": { "type": "http", "scheme": "Basic" },
            "unused": { "type": "http", "scheme": "bearer" },
            "oauth": { "type": "oauth2", "flows": {
                "implicit": { "authorizationUrl": "https://a/auth", "scopes": { "read": "Read." } },
                "clientCredentials": { "tokenUrl": "https://a/token", "scopes": {} },
            } },
            "digest": { "type": "http", "scheme": "digest" },
        } },
    }));
    // Lowering keeps the flows and their scopes.
    let oauth = api.security_schemes.iter().find(|s| s.name == "oauth").unwrap();
    let SecuritySchemeKind::OAuth2 { flows } = &oauth.kind else { panic!("{oauth:?}") };
    assert_eq!(
        flows.iter().map(|f| f.kind).collect::<Vec<_>>(),
        [OAuth2FlowKind::Implicit, OAuth2FlowKind::ClientCredentials]
    );
    assert_eq!(flows[0].scopes, [("read".to_owned(), "Read.".to_owned())]);
    assert_eq!(flows[1].token_url.as_deref(), Some("https://a/token"));

    let plan = Security::plan(&api).unwrap();
    // Only the schemes operations use, in declaration order; names made
    // unique (`api_key` twice; the hook clear of the operation
    // `authenticate_api_key`).
    let names: Vec<(&str, &str, &str)> =
        plan.schemes.iter().map(|s| (s.def.name.as_str(), s.setter.as_str(), s.hook.as_str())).collect();
    assert_eq!(
        names,
        [
            ("api_key", "api_key_2", "authenticate_api_key_2"),
            ("apiKey", "api_key_3", "authenticate_api_key_3"),
            ("basic", "basic", "authenticate_basic"),
            ("oauth", "oauth", "authenticate_oauth"),
            ("digest", "digest", "authenticate_digest"),
        ]
    );
    assert_eq!(plan.schemes[0].credential, Credential::ApiKey { location: Location::Query, name: "key".to_owned() });
    assert_eq!(plan.schemes[4].credential, Credential::Authorization { scheme: "digest".to_owned() });
    // `/a` and `/e` share the document's requirement; `/c` (`security: []`)
    // and `/d` (anonymous only) check nothing.
    assert_eq!(plan.operations, [Some(0), Some(1), None, None, Some(0)]);
    let b = plan.of(1).unwrap();
    assert!(b.anonymous);
    assert_eq!(b.alternatives.len(), 3);
    assert_eq!(b.alternatives[1][0].scopes, ["read"]);
    assert_eq!(plan.describe(b), "`apiKey` and `basic`, or `oauth`, or `digest`, or none (anonymous access)");
    assert_eq!(
        plan.challenges(b),
        ["Basic realm=\"My API \", charset=\"UTF-8\"", "Bearer", "Digest"].map(String::from)
    );
    assert_eq!(plan.challenges(plan.of(0).unwrap()), Vec::<String>::new());
    // Several schemes: the client's `new` takes none of them.
    assert!(plan.single_secret().is_none());
}

#[test]
fn one_bearer_scheme_stays_a_token_for_new() {
    let api = load(json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "security": [{ "accessToken": [] }],
        "paths": { "/a": { "get": { "responses": ok() } } },
        "components": { "securitySchemes": { "accessToken": { "type": "http", "scheme": "bearer" } } },
    }));
    let plan = Security::plan(&api).unwrap();
    let single = plan.single_secret().unwrap();
    assert_eq!((single.setter.as_str(), single.hook.as_str()), ("access_token", "authenticate_access_token"));
    assert_eq!(plan.challenges(plan.of(0).unwrap()), ["Bearer"]);
}
