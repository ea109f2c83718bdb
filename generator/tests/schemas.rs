//! The IR of the schema fixtures: what `allOf`, `oneOf`/`anyOf`, enums and
//! nullability lower to.

mod common;

use generator::ir::*;

fn fixture(name: &str) -> Api {
    let path = common::fixture_dir().join(format!("{name}.yaml"));
    generator::load(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn kind<'a>(api: &'a Api, name: &str) -> &'a TypeKind {
    &api.type_def(name).unwrap_or_else(|| panic!("no type {name}")).kind
}

#[test]
fn all_of_merges_fields_in_order_with_required_merged() {
    let api = fixture("all_of");
    let TypeKind::Struct(pet) = kind(&api, "Pet") else { panic!("Pet is not a struct") };
    let fields: Vec<(&str, bool)> = pet.fields.iter().map(|f| (f.wire_name.as_str(), f.required)).collect();
    assert_eq!(
        fields,
        [
            ("name", true),
            ("tag", true),
            ("kind", false),
            ("age", false),
            ("id", true),
            ("owner", false),
            ("best_friend", false)
        ]
    );
    // `kind` keeps Tagged's declaration (and its pointer); the narrowing
    // enum was not kept as a type.
    let kind_field = &pet.fields[2];
    assert_eq!(kind_field.pointer.to_string(), "#/components/schemas/Tagged/properties/kind");
    assert!(api.types.iter().all(|t| t.name != "NewPetKind"));
    assert!(pet.fields[5].ty.nullable && pet.fields[5].ty.named() == Some("Named"));
}

#[test]
fn discriminator_mapping_lists_every_value_with_its_variant() {
    let api = fixture("one_of");
    let TypeKind::Union(shape) = kind(&api, "Shape") else { panic!("Shape is not a union") };
    let d = shape.discriminator.as_ref().unwrap();
    assert_eq!(d.property, "kind");
    assert_eq!(d.mapping, [("circle".to_owned(), 0), ("square".to_owned(), 1), ("box".to_owned(), 1)]);
    let TypeKind::Union(animal) = kind(&api, "Animal") else { panic!("Animal is not a union") };
    assert_eq!(animal.discriminator.as_ref().unwrap().mapping, [("Cat".to_owned(), 0), ("Dog".to_owned(), 1)]);
}

#[test]
fn unions_name_variants_and_absorb_null_parts() {
    let api = fixture("one_of");
    let names = |name: &str| -> Vec<String> {
        let TypeKind::Union(u) = kind(&api, name) else { panic!("{name} is not a union") };
        u.variants.iter().map(|v| v.name.clone()).collect()
    };
    assert_eq!(names("Id"), ["String", "Integer"]);
    assert_eq!(names("Label"), ["Cat", "Variant1"]);
    assert_eq!(names("DrawingSize"), ["Integer", "DateTime"]);
    let size = api.type_def("DrawingSize").unwrap();
    assert!(size.nullable, "a `{{nullable: true}}` part makes the union nullable");
    let TypeKind::Union(label) = kind(&api, "Label") else { unreachable!() };
    assert!(label.any_of);
    // A oneOf of one schema is that schema.
    let TypeKind::Struct(drawing) = kind(&api, "Drawing") else { panic!() };
    let only = drawing.fields.iter().find(|f| f.wire_name == "only").unwrap();
    assert_eq!(only.ty.named(), Some("Circle"));
    // Conditions beside properties are documented on the struct.
    let contact = api.type_def("Contact").unwrap();
    assert!(matches!(contact.kind, TypeKind::Struct(_)));
    assert!(contact.docs.as_deref().unwrap().contains("exactly one of these (not checked)"));
}

#[test]
fn recursion_through_unions_is_boxed_once() {
    let api = fixture("recursive");
    let TypeKind::Union(expr) = kind(&api, "Expr") else { panic!() };
    let boxed: Vec<(&str, bool)> = expr.variants.iter().map(|v| (v.name.as_str(), v.boxed)).collect();
    // Not contains Expr directly; Sum only through a Vec.
    assert_eq!(boxed, [("Integer", false), ("Not", true), ("Sum", false)]);
    let TypeKind::Struct(not) = kind(&api, "Not") else { panic!() };
    assert!(not.fields[0].boxed);
}

#[test]
fn value_enums_keep_json_values_and_defaults() {
    let api = fixture("enums");
    let TypeKind::ValueEnum(level) = kind(&api, "Level") else { panic!() };
    let got: Vec<(&str, String)> = level.variants.iter().map(|v| (v.name.as_str(), v.value.to_string())).collect();
    assert_eq!(got, [("V1", "1".into()), ("V2", "2".into()), ("V3", "3".into()), ("Minus1", "-1".into())]);
    assert_eq!(level.default, Some(serde_json::json!(2)));
    let TypeKind::ValueEnum(mixed) = kind(&api, "Mixed") else { panic!() };
    assert_eq!(mixed.variants.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["Auto", "V0", "False"]);
}

#[test]
fn inline_names_taken_by_components_get_a_suffix() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {type: object, properties: {x: {type: string}}}\n    AB: {type: string}\n";
    let api = generator::load(spec).unwrap();
    let TypeKind::Struct(a) = kind(&api, "A") else { panic!() };
    assert_eq!(a.fields[0].ty.named(), Some("Ab2"));
}
