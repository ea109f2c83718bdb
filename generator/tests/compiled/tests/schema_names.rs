//! Wire round trips of the references and names of issue 13 that lowering
//! resolves: operation function names that collide (renamed by
//! `naming::disambiguate`, never refused) and `$ref`s whose JSON pointer is
//! percent-encoded.

use generated_fixtures::fixtures::{operation_names, percent_encoded_refs};

/// Answers each operation with the name of the method that was called.
struct Named;

impl operation_names::server::Api for Named {
    async fn new_2(&self) -> operation_names::server::New2Response {
        operation_names::server::New2Response::Ok("new_2".to_owned())
    }
    async fn list_rules(&self) -> operation_names::server::ListRulesResponse {
        operation_names::server::ListRulesResponse::Ok("list_rules".to_owned())
    }
    async fn list_rules_2(&self) -> operation_names::server::ListRules2Response {
        operation_names::server::ListRules2Response::Ok("list_rules_2".to_owned())
    }
    async fn get_jobs(&self) -> operation_names::server::GetJobsResponse {
        operation_names::server::GetJobsResponse::Ok("get_jobs".to_owned())
    }
    async fn get_jobs_2(&self) -> operation_names::server::GetJobs2Response {
        operation_names::server::GetJobs2Response::Ok("get_jobs_2".to_owned())
    }
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

#[tokio::test]
async fn operations_whose_names_collide_each_reach_their_own_path() {
    let url = serve(operation_names::server::router(Named)).await;
    let client = operation_names::client::Client::new(url.clone()).unwrap();
    // `operationId: new` is not the client's constructor.
    assert_eq!(client.new_2().await.unwrap(), "new_2");
    // `listRules` (GET /rules/sms) sorts before `list_rules` (GET /rules/fax).
    assert_eq!(client.list_rules().await.unwrap(), "list_rules");
    assert_eq!(client.list_rules_2().await.unwrap(), "list_rules_2");
    // GET /jobs keeps `get_jobs`; GET /jobs/- is `get_jobs_2`.
    assert_eq!(client.get_jobs().await.unwrap(), "get_jobs");
    assert_eq!(client.get_jobs_2().await.unwrap(), "get_jobs_2");
    let raw = |path: &str| {
        let url = format!("{url}{path}");
        async move { reqwest::get(url).await.unwrap().text().await.unwrap() }
    };
    assert_eq!(raw("/rules/sms").await, "\"list_rules\"");
    assert_eq!(raw("/rules/fax").await, "\"list_rules_2\"");
    assert_eq!(raw("/jobs/-").await, "\"get_jobs_2\"");
    assert_eq!(raw("/things").await, "\"new_2\"");
}

/// Lists the places of a country, for both operations.
struct Places;

impl percent_encoded_refs::server::Api for Places {
    async fn list_cities(&self, country: String) -> percent_encoded_refs::server::ListCitiesResponse {
        percent_encoded_refs::server::ListCitiesResponse::Ok(vec![format!("{country} city")])
    }
    async fn list_towns(&self, country: String) -> percent_encoded_refs::server::ListTownsResponse {
        percent_encoded_refs::server::ListTownsResponse::Ok(vec![format!("{country} town")])
    }
}

#[tokio::test]
async fn a_percent_encoded_reference_is_the_parameter_and_response_it_points_at() {
    let url = serve(percent_encoded_refs::server::router(Places)).await;
    let client = percent_encoded_refs::client::Client::new(url.clone()).unwrap();
    assert_eq!(client.list_cities("fr").await.unwrap(), ["fr city"]);
    assert_eq!(client.list_towns("fr").await.unwrap(), ["fr town"]);
    // The referenced parameter's `maxLength: 2` is enforced on both paths.
    for path in ["/countries/fra/cities", "/countries/fra/towns"] {
        let status = reqwest::get(format!("{url}{path}")).await.unwrap().status();
        assert_eq!(status, 400, "{path}");
    }
}
