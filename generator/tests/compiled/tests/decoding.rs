//! The models' written-out `Deserialize` impls (structs and string enums)
//! against serde's derived ones for the same shapes: the same values and
//! the same error messages for the same JSON, read from text (keys
//! borrowed, or owned when escaped) and from a `serde_json::Value`, and
//! the same error paths through `serde_path_to_error` (how the server reads
//! bodies).

use std::collections::BTreeMap;

use generated_fixtures::fixtures::{enums, maps, nullable};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `nullable::models::Record` as serde would derive it.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subtitle: Option<String>,
    note: Option<Note>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scores: Option<Vec<Option<i64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    labels: Option<BTreeMap<String, Option<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent: Option<Summary>,
}

/// `nullable::models::Note` as serde would derive it.
#[derive(Debug, Serialize, Deserialize)]
struct Note {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

/// `nullable::models::Summary` as serde would derive it.
#[derive(Debug, Serialize, Deserialize)]
struct Summary {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
}

/// `enums::models::Color` as serde would derive it.
#[derive(Debug, Serialize, Deserialize)]
enum Color {
    #[serde(rename = "red")]
    Red,
    #[serde(rename = "green")]
    Green,
    #[serde(rename = "reactions-+1")]
    Plus,
    #[serde(rename = "reactions--1")]
    Minus,
}

/// `maps::models::Config` as serde would derive it.
#[derive(Debug, Serialize, Deserialize)]
struct Config {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    counts: Option<BTreeMap<String, i32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    free: Option<BTreeMap<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    extra: Option<BTreeMap<String, Value>>,
    #[serde(flatten)]
    additional_properties: BTreeMap<String, String>,
}

/// How `T` reads `json`: the value it encodes back to, or the error message.
fn outcome<T: DeserializeOwned + Serialize>(json: &str) -> [Result<Value, String>; 2] {
    let encode = |t: T| serde_json::to_value(t).expect("encodes");
    let from_text = serde_json::from_str::<T>(json).map(encode).map_err(|e| e.to_string());
    let value: Value = serde_json::from_str(json).expect("test input is JSON");
    let from_value = serde_json::from_value::<T>(value).map(encode).map_err(|e| e.to_string());
    [from_text, from_value]
}

/// Both types read every input alike.
fn alike<Ours: DeserializeOwned + Serialize, Derived: DeserializeOwned + Serialize>(inputs: &[&str]) {
    for json in inputs {
        assert_eq!(outcome::<Ours>(json), outcome::<Derived>(json), "{json}");
    }
}

#[test]
fn structs_decode_and_fail_as_derived_ones_do() {
    alike::<nullable::models::Record, Record>(&[
        r#"{"title": "t", "note": null}"#,
        r#"{"title": null, "subtitle": "s", "note": {"text": "n"}, "scores": [1, null], "labels": {"a": null}}"#,
        r#"{}"#,
        r#"{"subtitle": null}"#,
        r#"{"t\u0069tle": "escaped key", "unknown": [1, {"a": {"b": null}}], "parent": {"id": "p"}}"#,
        r#"{"title": "a", "title": "b"}"#,
        r#"{"title": 5}"#,
        r#"{"scores": [1, "x"]}"#,
        r#""text""#,
        r#"7"#,
        r#"null"#,
    ]);
    alike::<nullable::models::Note, Note>(&[r#"{"text": "x", "text": "y"}"#, r#"{"text": {}}"#, r#"{"other": 1}"#]);
}

#[test]
fn required_fields_are_missing_fields_as_derived() {
    // `Config.name` is required and not nullable.
    let [text, value] = outcome::<maps::models::Config>(r#"{"counts": {}}"#);
    assert_eq!(text.unwrap_err(), "missing field `name` at line 1 column 14");
    assert_eq!(value.unwrap_err(), "missing field `name`");
}

#[test]
fn additional_properties_are_collected_as_flatten_did() {
    alike::<maps::models::Config, Config>(&[
        r#"{"name": "n", "x": "1", "y\u0031": "2"}"#,
        r#"{"name": "n", "counts": {"a": 1}, "free": {"b": [true]}, "extra": {"note": "x", "more": 1}}"#,
        r#"{"z": "last", "name": "n", "z": "wins"}"#,
        r#"{"name": "n"}"#,
    ]);
    // A value of the wrong type for the extra properties fails in both, ours
    // with a position (flatten buffered the value and lost it).
    for json in [r#"{"name": "n", "x": 1}"#, r#"{"x": "1"}"#] {
        let [ours, _] = outcome::<maps::models::Config>(json);
        let [derived, _] = outcome::<Config>(json);
        assert!(ours.is_err() && derived.is_err(), "{json}");
    }
    let config: maps::models::Config = serde_json::from_str(r#"{"name": "n", "k": "v"}"#).unwrap();
    assert_eq!(config.additional_properties, BTreeMap::from([("k".to_owned(), "v".to_owned())]));
}

#[test]
fn string_enums_decode_and_fail_as_derived_ones_do() {
    alike::<enums::models::Color, Color>(&[
        r#""reactions-+1""#,
        r#""green""#,
        r#""gr\u0065en""#,
        r#""blue""#,
        r#""Red""#,
    ]);
    // Not a string: serde_json's enum reading says `expected value` (text)
    // or `expected string or map` (a `Value`); ours names what it wanted.
    for json in ["1", "null", r#"{"red": null}"#] {
        for error in outcome::<enums::models::Color>(json) {
            assert!(error.unwrap_err().contains("expected variant identifier"), "{json}");
        }
    }
    let parsed: Result<enums::models::Color, _> = "blue".parse();
    assert_eq!(
        parsed.unwrap_err().to_string(),
        "`blue` is not a valid Color; expected one of: red, green, reactions-+1, reactions--1"
    );
    for color in enums::models::Color::ALL {
        assert_eq!(color.as_str().parse::<enums::models::Color>(), Ok(color));
        assert_eq!(color.to_string(), color.as_str());
    }
}

#[test]
fn an_array_is_not_an_object() {
    // serde's derived impls also accept a struct as an array of its fields
    // in order; the spec says object, and the written-out impls read maps only.
    let [text, _] = outcome::<nullable::models::Note>(r#"["x"]"#);
    assert_eq!(text.unwrap_err(), "invalid type: sequence, expected struct Note at line 1 column 1");
}

/// The path of the first error, as the server reports it.
fn error_path<T: DeserializeOwned>(json: &str) -> String {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let error = serde_path_to_error::deserialize::<_, T>(&mut deserializer).map(drop).expect_err("fails");
    error.path().to_string()
}

#[test]
fn error_paths_name_the_keys_as_before() {
    assert_eq!(error_path::<nullable::models::Record>(r#"{"labels": {"a": 1}}"#), "labels.a");
    assert_eq!(error_path::<nullable::models::Record>(r#"{"parent": {"id": []}}"#), "parent.id");
    assert_eq!(error_path::<nullable::models::Record>(r#"{"scores": [1, "x"]}"#), "scores[1]");
    assert_eq!(error_path::<maps::models::Config>(r#"{"name": "n", "extra": {"note": 1}}"#), "extra.note");
    assert_eq!(error_path::<maps::models::Config>(r#"{"name": "n", "free": 1}"#), "free");
    assert_eq!(error_path::<enums::models::Settings>(r#"{"color": "blue", "level": 1}"#), "color");
}
