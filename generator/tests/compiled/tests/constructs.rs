//! Wire round trips of the real-world OpenAPI 3.0 constructs (issue 13):
//! inheritance through `allOf` with a `discriminator`, names that collide,
//! and the constructs the generator approximates with a warning.

use generated_fixtures::fixtures::{approximations, collisions, inheritance};
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
