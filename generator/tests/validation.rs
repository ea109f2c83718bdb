//! The generated `Validate` impls enforce every constraint of the pinning
//! spec's models, just inside and just outside each bound, with paths that
//! name the offending field.

use std::collections::BTreeMap;

use ipfs_pinning_models::validation::{Validate, Violation, Violations};
use ipfs_pinning_models::*;

fn pin(cid: &str) -> Pin {
    Pin { cid: cid.to_owned(), name: None, origins: None, meta: None }
}

fn origins(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("/ip4/203.0.113.{i}/tcp/4001/p2p/QmPeer{i}")).collect()
}

fn meta(n: usize) -> BTreeMap<String, String> {
    (0..n).map(|i| (format!("k{i}"), "v".to_owned())).collect()
}

fn violations(value: &impl Validate) -> Vec<String> {
    match value.validate() {
        Ok(()) => Vec::new(),
        Err(Violations(found)) => found.iter().map(Violation::to_string).collect(),
    }
}

#[test]
fn pin_name_length_counts_characters() {
    assert!(violations(&Pin { name: Some("a".repeat(255)), ..pin("bafy") }).is_empty());
    // 255 two-byte characters are 510 bytes but 255 characters: allowed.
    assert!(violations(&Pin { name: Some("é".repeat(255)), ..pin("bafy") }).is_empty());
    assert_eq!(
        violations(&Pin { name: Some("a".repeat(256)), ..pin("bafy") }),
        ["name: must have at most 255 characters (has 256)"]
    );
}

#[test]
fn origins_at_most_20_and_unique() {
    assert!(violations(&Pin { origins: Some(origins(20)), ..pin("bafy") }).is_empty());
    assert!(violations(&Pin { origins: Some(Vec::new()), ..pin("bafy") }).is_empty());
    assert_eq!(
        violations(&Pin { origins: Some(origins(21)), ..pin("bafy") }),
        ["origins: must have at most 20 items (has 21)"]
    );
    let mut repeated = origins(3);
    repeated.push(repeated[1].clone());
    assert_eq!(
        violations(&Pin { origins: Some(repeated), ..pin("bafy") }),
        ["origins: items must be unique; item 3 repeats item 1"]
    );
}

#[test]
fn meta_at_most_1000_entries() {
    assert!(violations(&Pin { meta: Some(meta(1000)), ..pin("bafy") }).is_empty());
    assert_eq!(
        violations(&Pin { meta: Some(meta(1001)), ..pin("bafy") }),
        ["meta: must have at most 1000 entries (has 1001)"]
    );
}

fn status(delegates: usize) -> PinStatus {
    PinStatus {
        requestid: "r".into(),
        status: Status::Queued,
        created: "2020-07-27T17:32:28.276Z".parse().unwrap(),
        pin: pin("bafy"),
        delegates: origins(delegates),
        info: None,
    }
}

#[test]
fn delegates_between_1_and_20() {
    assert!(violations(&status(1)).is_empty());
    assert!(violations(&status(20)).is_empty());
    assert_eq!(violations(&status(0)), ["delegates: must have at least 1 item (has 0)"]);
    assert_eq!(violations(&status(21)), ["delegates: must have at most 20 items (has 21)"]);
}

#[test]
fn nested_violations_are_all_reported_with_full_paths() {
    let mut bad = status(0);
    bad.pin.name = Some("n".repeat(300));
    bad.info = Some(meta(1001));
    let results = PinResults { count: -1, results: vec![status(1), bad] };
    assert_eq!(
        violations(&results),
        [
            "count: must be at least 0 (is -1)",
            "results[1].pin.name: must have at most 255 characters (has 300)",
            "results[1].delegates: must have at least 1 item (has 0)",
            "results[1].info: must have at most 1000 entries (has 1001)",
        ]
    );
    let err = results.validate().unwrap_err();
    assert_eq!(err.iter().count(), 4);
    assert!(err.to_string().starts_with("count: must be at least 0 (is -1); results[1].pin.name"));
}

#[test]
fn results_are_unique() {
    let results = PinResults { count: 2, results: vec![status(1), status(1)] };
    assert_eq!(violations(&results), ["results: items must be unique; item 1 repeats item 0"]);
}
