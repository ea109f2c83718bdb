//! Wire JSON through the generated models of the schema fixtures and back:
//! values are preserved exactly (discriminators included), unions pick the
//! documented variant, closed enums refuse values the spec does not list, and
//! `Validate` reaches into union variants.

use generated_fixtures::fixtures::{all_of, enums, formats, maps, nullable, one_of, recursive};
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

fn decode_error<T: DeserializeOwned + std::fmt::Debug>(wire: Value) -> String {
    serde_json::from_value::<T>(wire).expect_err("must not decode").to_string()
}

#[test]
fn discriminator_selects_the_variant_and_stays_on_the_wire() {
    use one_of::models::{Animal, Drawing, Shape};
    let drawing: Drawing = round_trip(json!({
        "shapes": [
            {"kind": "circle", "radius": 1.5},
            {"kind": "box", "side": 2},
            {"kind": "square", "side": 3}
        ],
        "pet": {"type": "Cat", "lives": 9}
    }));
    assert!(matches!(&drawing.shapes[0], Shape::Circle(c) if c.radius == 1.5));
    // `box` maps to Square too; the struct keeps the value it came with.
    assert!(matches!(&drawing.shapes[1], Shape::Square(s) if s.kind == "box" && s.side == 2));
    assert!(matches!(drawing.pet, Some(Animal::Cat(_))));

    // Dog does not declare `type`: the tag is added back when encoding.
    let dog: Animal = round_trip(json!({"type": "Dog", "bark": "woof"}));
    assert!(matches!(&dog, Animal::Dog(d) if d.bark.as_deref() == Some("woof")));
    let built = Animal::Dog(one_of::models::Dog { bark: None });
    assert_eq!(serde_json::to_string(&built).unwrap(), r#"{"type":"Dog"}"#);
}

#[test]
fn unknown_or_missing_discriminators_are_errors() {
    use one_of::models::Shape;
    let message = decode_error::<Shape>(json!({"kind": "triangle", "side": 1}));
    assert!(message.contains("unknown `kind` value `triangle` for Shape"), "{message}");
    assert!(message.contains("circle, square, box"), "{message}");
    let message = decode_error::<Shape>(json!({"side": 1}));
    assert!(message.contains("no string property `kind`"), "{message}");
    // The tag chose Circle; a Circle without `radius` is not a Square instead.
    let message = decode_error::<Shape>(json!({"kind": "circle", "side": 1}));
    assert!(message.contains("radius"), "{message}");
}

#[test]
fn untagged_unions_take_the_first_variant_that_decodes() {
    use one_of::models::{DrawingSize, Id, Label};
    assert_eq!(round_trip::<Id>(json!("abc")), Id::String("abc".to_owned()));
    assert_eq!(round_trip::<Id>(json!(42)), Id::Integer(42));
    assert!(decode_error::<Id>(json!(true)).contains("did not match any variant"));

    // `{"type": ...}` is a Cat, the first variant; `{"text": ...}` is not.
    assert!(matches!(round_trip::<Label>(json!({"type": "x"})), Label::Cat(_)));
    assert!(matches!(round_trip::<Label>(json!({"text": "hi"})), Label::Variant1(_)));

    // A oneOf with a `{nullable: true}` part: null is `None`.
    let sizes: Vec<Option<DrawingSize>> = round_trip(json!([null, 5, "2024-01-02T03:04:05Z"]));
    assert_eq!(sizes[0], None);
    assert!(matches!(sizes[1], Some(DrawingSize::Integer(5))));
    assert!(matches!(sizes[2], Some(DrawingSize::DateTime(_))));
}

#[test]
fn validate_checks_the_variant_a_union_holds() {
    use generated_fixtures::fixtures::one_of::models::validation::Validate;
    use one_of::models::{Drawing, Id};
    let drawing: Drawing =
        serde_json::from_value(json!({"shapes": [{"kind": "circle", "radius": -1.0}, {"kind": "square", "side": 0}]}))
            .unwrap();
    let violations = drawing.validate().expect_err("two broken constraints");
    let paths: Vec<String> = violations.iter().map(|v| v.path.clone()).collect();
    assert_eq!(paths, ["shapes[0].radius", "shapes[1].side"]);
    assert!(Id::String(String::new()).validate().is_err());
    assert!(Id::Integer(-5).validate().is_ok());
}

#[test]
fn enums_of_every_kind_keep_their_exact_values() {
    use enums::models::{Color, Flag, Level, Mixed, Ratio, Settings, SettingsMode};
    let settings: Settings = round_trip(json!({
        "color": "reactions-+1",
        "level": -1,
        "ratio": 1.5,
        "flag": true,
        "mixed": 0
    }));
    assert_eq!(settings.color, Color::ReactionsPlus1);
    assert_eq!(settings.level, Level::Minus1);
    assert_eq!(settings.ratio, Some(Ratio::V1Point5));
    assert_eq!(settings.flag, Some(Flag::True));
    assert_eq!(settings.mixed, Some(Mixed::V0));
    assert_eq!(settings.mode, None);
    let mixed: Vec<Mixed> = round_trip(json!(["auto", 0, false]));
    assert_eq!(mixed, [Mixed::Auto, Mixed::V0, Mixed::False]);
    let mode: Vec<Option<SettingsMode>> = round_trip(json!(["fast", null]));
    assert_eq!(mode, [Some(SettingsMode::Fast), None]);
    // Defaults from the spec.
    assert_eq!(Color::default(), Color::Green);
    assert_eq!(Level::default(), Level::V2);
    assert_eq!(Level::Minus1.to_string(), "-1");
    assert_eq!(Mixed::Auto.to_string(), "auto");
}

#[test]
fn enums_are_closed() {
    use enums::models::{Color, Flag, Level, Mixed};
    let message = decode_error::<Level>(json!(7));
    assert!(message.contains("`7` is not a valid Level; expected one of: 1, 2, 3, -1"), "{message}");
    assert!(decode_error::<Level>(json!("1")).contains("not a valid Level"));
    assert!(decode_error::<Flag>(json!(false)).contains("not a valid Flag"));
    assert!(decode_error::<Mixed>(json!("0")).contains("not a valid Mixed"));
    assert!(decode_error::<Color>(json!("blue")).contains("unknown variant `blue`"));
}

#[test]
fn additional_properties_are_kept_and_empty_objects_are_structs() {
    use generated_fixtures::fixtures::maps::models::validation::Validate;
    use maps::models::{Config, Nothing};
    let config: Config = round_trip(json!({
        "name": "n",
        "counts": {"a": 1, "b": 0},
        "free": {"anything": [1, {"x": null}]},
        "extra": {"note": "kept", "more": [1, 2]},
        "zeta": "extra",
        "alpha": "extra"
    }));
    assert_eq!(config.additional_properties.len(), 2);
    assert_eq!(config.extra.as_ref().unwrap().additional_properties["more"], json!([1, 2]));
    assert!(config.validate().is_ok());

    let bad: Config = serde_json::from_value(json!({"name": "n", "counts": {"a": -1}, "x": "123456789"})).unwrap();
    let violations = bad.validate().expect_err("negative count, long extra value");
    let paths: Vec<String> = violations.iter().map(|v| v.path.clone()).collect();
    assert_eq!(paths, [r#"counts["a"]"#, r#"["x"]"#]);

    let nothing: Nothing = round_trip(json!({}));
    assert_eq!(nothing, Nothing {});
}

#[test]
fn recursive_types_round_trip() {
    use recursive::models::{Expr, Tree};
    let expr: Expr = round_trip(json!({"not": {"terms": [1, {"not": 2}, {"terms": []}]}}));
    let Expr::Not(not) = &expr else { panic!("expected Not, got {expr:?}") };
    assert!(matches!(&*not.not, Expr::Sum(sum) if sum.terms.len() == 3));
    let tree: Tree = round_trip(json!({
        "value": "root",
        "children": [{"value": "leaf", "grid": [[1, 2], [], [3]]}],
        "next": {"value": "sibling"}
    }));
    assert_eq!(tree.next.unwrap().value, "sibling");
}

#[test]
fn nullable_fields_items_and_values() {
    use nullable::models::Record;
    let record: Record = round_trip(json!({
        "title": null,
        "note": null,
        "scores": [1, null],
        "labels": {"a": null, "b": "x"},
        "parent": {"id": "p"}
    }));
    assert_eq!(record.title, None);
    assert_eq!(record.scores.as_deref(), Some(&[Some(1), None][..]));
    // Required and nullable: always sent, `null` when `None`; decoding is
    // lenient and reads a missing one as `None`.
    let record: Record = serde_json::from_value(json!({"title": "t"})).unwrap();
    assert_eq!(serde_json::to_value(&record).unwrap(), json!({"title": "t", "note": null}));
}

#[test]
fn all_of_merges_properties_and_required() {
    use all_of::models::{NewPet, Pet};
    let pet: Pet = round_trip(json!({
        "name": "Rex",
        "tag": "t",
        "kind": "dog",
        "age": 3,
        "id": 7,
        "best_friend": {"name": "Tom"}
    }));
    assert_eq!(pet.id, 7);
    assert_eq!(pet.owner, None);
    // Optional and nullable: `null` decodes as absent, and is not sent.
    let pet: Pet = serde_json::from_value(json!({"name": "R", "tag": "t", "id": 1, "owner": null})).unwrap();
    assert_eq!(pet.owner, None);
    assert!(serde_json::to_value(&pet).unwrap().get("owner").is_none());
    // `tag` is optional in Tagged but required by NewPet's own part.
    assert!(decode_error::<NewPet>(json!({"name": "Rex"})).contains("missing field `tag`"));
}

#[test]
fn formats_keep_their_values() {
    use formats::models::Sample;
    let sample: Sample = round_trip(json!({
        "small": -2147483648,
        "big": 9007199254740993_i64,
        "plain": 1,
        "single": 1.5,
        "double": 0.1,
        "number": 2.5,
        "bytes": "aGVsbG8=",
        "file": "raw",
        "day": "2024-02-29",
        "at": "2024-01-02T03:04:05Z",
        "id": "6f1c0e2a-7d3c-4a8e-9d55-1f0f4d1b2c3d",
        "link": "https://example.com/a?b=c",
        "email": "a@example.com"
    }));
    assert_eq!(sample.big, 9_007_199_254_740_993);
    assert_eq!(sample.day.map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
}
