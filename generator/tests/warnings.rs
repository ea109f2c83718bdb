//! What lowering approximates instead of refusing: each construct gives a
//! [`generator::Warning`] naming its place, and the pinning spec gives none.

use generator::Warning;

fn warnings(path: &str) -> Vec<Warning> {
    let text = std::fs::read_to_string(format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    generator::load(&text).unwrap_or_else(|e| panic!("{path}: {e}")).warnings
}

fn pointers(warnings: &[Warning]) -> Vec<String> {
    warnings.iter().map(|w| w.pointer.to_string()).collect()
}

#[test]
fn the_pinning_spec_needs_no_approximation() {
    assert_eq!(warnings("spec/ipfs-pinning-service.yaml"), []);
}

#[test]
fn a_discriminator_that_selects_nothing_is_a_warning() {
    let found = warnings("generator/tests/fixtures/inheritance.yaml");
    assert_eq!(pointers(&found), ["#/components/schemas/Badge/discriminator"]);
    assert!(found[0].message.contains("ignored"), "{}", found[0]);
}

#[test]
fn names_that_collide_are_renamed_without_a_warning() {
    assert_eq!(warnings("generator/tests/fixtures/collisions.yaml"), []);
}

#[test]
fn every_approximation_names_its_place() {
    let found = warnings("generator/tests/fixtures/approximations.yaml");
    let callback = "#/paths/~1subscriptions/post/callbacks/onEvent";
    assert_eq!(
        pointers(&found),
        [
            "#/components/schemas/Subscription/properties/tags",
            "#/components/schemas/Colour/enum/2",
            "#/components/schemas/Colour/default",
            "#/components/schemas/Level/enum/2",
            "#/components/schemas/Version/enum/0",
            "#/components/schemas/Version/enum/1",
            &format!(
                "{callback}/{{$request.body#~1callbackUrl}}/post/requestBody/content/application~1json/schema/properties/payload"
            ),
            callback,
        ]
    );
    assert!(found[7].message.contains("`SubscribeOnEventPostRequest`"), "{}", found[7]);
}
