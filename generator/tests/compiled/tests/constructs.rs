//! Wire round trips of the real-world OpenAPI 3.0 constructs (issue 13):
//! inheritance through `allOf` with a `discriminator`, names that collide,
//! and the constructs the generator approximates with a warning.

use generated_fixtures::fixtures::{approximations, collisions, compositions, inheritance, refs};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Decodes `wire`, encodes the result, and checks nothing was lost or added.
fn round_trip<T: DeserializeOwned + Serialize>(wire: Value) -> T {
    let decoded: T = serde_json::from_value(wire.clone()).expect("decodes");
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(encoded, wire, "the round trip changed the value");
    decoded
}

#[test]
fn a_base_with_a_discriminator_is_the_union_of_its_subtypes() {
    use inheritance::models::{Owner, Pet, PetBase, Vehicle};
    let owner: Owner = round_trip(json!({
        "pets": [
            {"petType": "Cat", "name": "Tom", "lives": 7},
            {"petType": "Dog", "name": "Rex", "bark": "woof"},
            // Puppy extends Dog, which extends Pet: a Pet too, with every property.
            {"petType": "Puppy", "name": "Bit", "bark": "yip", "ageWeeks": 8},
            {"petType": "Pet", "name": "Plain"}
        ],
        "favourite": {"petType": "Cat", "name": "Kit"},
        "vehicle": {"kind": "bike", "electric": true}
    }));
    assert!(matches!(&owner.pets[0], Pet::Cat(c) if c.lives == Some(7) && c.name == "Tom"));
    assert!(matches!(&owner.pets[1], Pet::Dog(d) if d.bark == "woof"));
    assert!(matches!(&owner.pets[2], Pet::Puppy(p) if p.age_weeks == Some(8) && p.bark == "yip"));
    assert!(matches!(&owner.pets[3], Pet::Pet(PetBase { name, .. }) if name == "Plain"));
    assert!(matches!(owner.vehicle, Some(Vehicle::Bike(b)) if b.electric == Some(true)));

    // `mapping`: a `$ref`, a bare name, and a schema that does not `allOf` the base.
    assert!(matches!(round_trip::<Vehicle>(json!({"kind": "car", "seats": 4})), Vehicle::Car(c) if c.seats == Some(4)));
    assert!(matches!(round_trip::<Vehicle>(json!({"kind": "sled", "dogs": 6})), Vehicle::Sled(s) if s.dogs == 6));
}

#[test]
fn a_subtype_the_spec_does_not_list_decodes_as_the_base() {
    use inheritance::models::{Pet, PetBase};
    // A kind of pet added to the API later: its common properties are kept,
    // and the tag stays on the wire.
    let pet: Pet = serde_json::from_value(json!({"petType": "Hamster", "name": "Ham", "wheel": true})).unwrap();
    assert_eq!(pet, Pet::Pet(PetBase { pet_type: "Hamster".to_owned(), name: "Ham".to_owned() }));
    assert_eq!(serde_json::to_value(&pet).unwrap(), json!({"petType": "Hamster", "name": "Ham"}));
    // A tag that names a subtype decodes as that subtype or fails: never
    // silently as the base.
    let error = serde_json::from_value::<Pet>(json!({"petType": "Dog", "name": "Rex"})).unwrap_err();
    assert!(error.to_string().contains("bark"), "{error}");
}

#[test]
fn validation_reaches_into_the_subtype_a_base_holds() {
    use inheritance::models::validation::Validate;
    use inheritance::models::{Cat, Pet};
    let cat = Pet::Cat(Cat { pet_type: "Cat".to_owned(), name: String::new(), lives: Some(10) });
    let violations = cat.validate().expect_err("two broken constraints");
    let paths: Vec<String> = violations.iter().map(|v| v.path.clone()).collect();
    assert_eq!(paths, ["name", "lives"]);
}

#[test]
fn properties_that_collide_as_rust_names_keep_their_wire_names() {
    use collisions::models::Error2;
    // `Error` sorts first and keeps `error`; `error` finds `error_2` taken.
    let value: Error2 = round_trip(json!({"error": "e", "Error": 7, "error_2": true, "name": "n", "flag": false}));
    assert_eq!((value.error_3.as_str(), value.error, value.error_2), ("e", 7, Some(true)));
    assert_eq!(value.name.as_deref(), Some("n"));
}

/// Answers `getItem` with every parameter it got, in the error's fields.
struct Items;

impl collisions::server::Api for Items {
    async fn get_item(
        &self,
        id: String,
        query: collisions::server::GetItemQuery,
    ) -> collisions::server::GetItemResponse {
        collisions::server::GetItemResponse::Ok(collisions::models::Error2 {
            error_3: format!("{id} {:?} {:?} {:?}", query.id_2, query.page_size, query.page_size_2),
            error: 0,
            error_2: None,
            name: query.path,
            flag: None,
        })
    }
}

#[tokio::test]
async fn parameters_that_collide_as_rust_names_reach_the_server_apart() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, collisions::server::router(Items)).await });
    let client = collisions::client::Client::new(format!("http://{address}")).unwrap();
    let query = collisions::client::GetItemQuery {
        id_2: Some(5),
        page_size: Some(10),
        page_size_2: Some(20),
        path: Some("p".to_owned()),
    };
    let got = client.get_item("x", &query).await.unwrap();
    assert_eq!(got.error_3, "x Some(5) Some(10) Some(20)");
    assert_eq!(got.name.as_deref(), Some("p"));
}

#[test]
fn approximated_constructs_keep_the_wire_exact() {
    use approximations::models::{Colour, Level, SubscribeOnEventPostRequest, Subscription, Version};
    let value: Subscription = round_trip(json!({
        "callbackUrl": "http://127.0.0.1/cb",
        "colour": "red",
        "level": 2,
        "version": "1",
        "tags": [1, "x", {"nested": [true]}, null]
    }));
    // One variant per value listed twice; numbers in a string enum are their text.
    assert_eq!((value.colour, value.level, value.version), (Some(Colour::Red), Some(Level::V2), Some(Version::V1)));
    assert_eq!(value.tags.as_ref().map(Vec::len), Some(4));
    assert!(serde_json::from_value::<Version>(json!(1)).is_err(), "the wire value is the string");
    // The callback's body type is generated.
    let event: SubscribeOnEventPostRequest = round_trip(json!({"event": "done", "payload": [{"a": 1}]}));
    assert_eq!(event.event, "done");
}

/// The `refs` fixture's server: orders echo the invoice they are made from.
struct Ledger;

impl refs::server::Api for Ledger {
    async fn list_invoices(&self, query: refs::server::ListInvoicesQuery) -> refs::server::ListInvoicesResponse {
        refs::server::ListInvoicesResponse::Ok(vec![refs::models::Invoice {
            number: query.limit.unwrap_or(-1),
            customer: None,
        }])
    }

    async fn add_invoice(&self, body: refs::models::Invoice) -> refs::server::AddInvoiceResponse {
        refs::server::AddInvoiceResponse::Created(body)
    }

    async fn list_orders(&self, query: refs::server::ListOrdersQuery) -> refs::server::ListOrdersResponse {
        refs::server::ListOrdersResponse::Ok(vec![refs::models::Invoice {
            number: query.limit.unwrap_or(-1),
            customer: None,
        }])
    }

    async fn add_order(&self, body: refs::models::Invoice) -> refs::server::AddOrderResponse {
        let customer = body.customer.unwrap_or(refs::models::InvoiceCustomer { name: "nobody".to_owned(), vip: None });
        refs::server::AddOrderResponse::Created(refs::models::Order {
            auditor: None,
            customer,
            lines: Some(body.number),
        })
    }

    async fn get_archive(&self) -> refs::server::GetArchiveResponse {
        refs::server::GetArchiveResponse::Ok(vec![refs::models::InvoiceCustomer {
            name: "old".to_owned(),
            vip: Some(true),
        }])
    }
}

#[tokio::test]
async fn references_to_any_place_in_the_document_are_the_same_thing_there() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, refs::server::router(Ledger)).await });
    let client = refs::client::Client::new(format!("http://{address}")).unwrap();

    // A parameter and a response referenced from another operation.
    let orders = client.list_orders(&refs::client::ListOrdersQuery { limit: Some(3) }).await.unwrap();
    assert_eq!(orders.value[0].number, 3);
    // ... with the constraints of the place they point at: `minimum: 1`.
    let response = reqwest::get(format!("http://{address}/orders?limit=0")).await.unwrap();
    assert_eq!(response.status(), 400);

    // A request body referenced from another operation; a property of
    // another schema is one type wherever it is referenced.
    let customer = refs::models::InvoiceCustomer { name: "Ada".to_owned(), vip: None };
    let invoice = refs::models::Invoice { number: 2, customer: Some(customer.clone()) };
    let order = client.add_order(&invoice).await.unwrap();
    assert_eq!((order.customer, order.lines), (customer, Some(2)));

    // A path item that is a `$ref`.
    let archive = client.get_archive().await.unwrap();
    assert_eq!(archive.value[0].name, "old");
}

#[test]
fn an_all_of_part_referenced_from_another_schema_contributes_its_properties() {
    let order: refs::models::Order = round_trip(json!({"auditor": "Eve", "customer": {"name": "Bo"}, "lines": 1}));
    assert_eq!(order.auditor.as_deref(), Some("Eve"));
}

#[test]
fn alternatives_beside_common_properties_are_unions_of_merged_structs() {
    use compositions::models::validation::Validate;
    use compositions::models::{Payment, Transport};
    // `oneOf` beside `properties`, with a discriminator and a mapping.
    let card: Payment = round_trip(json!({"method": "card", "number": "4111", "amount": 5}));
    assert!(matches!(&card, Payment::Card(c) if c.number == "4111" && c.amount == 5));
    let bank: Payment = round_trip(json!({"method": "bank", "iban": "DE00", "amount": 7}));
    assert!(matches!(&bank, Payment::Bank(b) if b.iban == "DE00"));
    // The common properties are required and checked in every variant.
    assert!(serde_json::from_value::<Payment>(json!({"method": "card", "number": "4111"})).is_err());
    let free: Payment = serde_json::from_value(json!({"method": "bank", "iban": "DE00", "amount": 0})).unwrap();
    assert_eq!(free.validate().unwrap_err().iter().map(|v| v.path.clone()).collect::<Vec<_>>(), ["amount"]);

    // `allOf` with a `oneOf` part, without a discriminator.
    let car: Transport = round_trip(json!({"id": "c1", "wheels": 4}));
    assert!(matches!(&car, Transport::Variant0(t) if t.id == "c1" && t.wheels == 4));
    let boat: Transport = round_trip(json!({"id": "b1", "hull": "steel"}));
    assert!(matches!(&boat, Transport::Variant1(t) if t.hull == "steel"));
    assert!(serde_json::from_value::<Transport>(json!({"wheels": 4})).is_err(), "`id` is common and required");
}
