//! Each constraint check of `validation`, directly.

use std::cell::Cell;
use std::collections::BTreeMap;

use openapi_runtime::validation::{self, Validate, Violation, Violations};

fn run(check: impl FnOnce(&mut Vec<Violation>)) -> Vec<String> {
    let mut out = Vec::new();
    check(&mut out);
    out.iter().map(ToString::to_string).collect()
}

#[test]
fn lengths_count_characters_not_bytes() {
    assert_eq!(
        run(|out| validation::min_length("é", 2, "name", out)),
        ["name: must have at least 2 characters (has 1)"]
    );
    assert!(run(|out| validation::max_length("éé", 2, "name", out)).is_empty());
    assert_eq!(run(|out| validation::max_length("abc", 1, "", out)), ["must have at most 1 character (has 3)"]);
}

#[test]
fn bounds_inclusive_and_exclusive() {
    assert!(run(|out| validation::minimum_int(1, 1, false, "n", out)).is_empty());
    assert_eq!(run(|out| validation::minimum_int(1, 1, true, "n", out)), ["n: must be greater than 1 (is 1)"]);
    assert_eq!(run(|out| validation::maximum_int(1001, 1000, false, "n", out)), ["n: must be at most 1000 (is 1001)"]);
    assert_eq!(run(|out| validation::maximum_int(5, 5, true, "n", out)), ["n: must be less than 5 (is 5)"]);
    assert_eq!(run(|out| validation::minimum(0.5, 1.0, false, "x", out)), ["x: must be at least 1 (is 0.5)"]);
    assert_eq!(run(|out| validation::maximum(2.0, 2.0, true, "x", out)), ["x: must be less than 2 (is 2)"]);
    assert!(run(|out| validation::multiple_of(0.3, 0.1, "x", out)).is_empty());
    assert_eq!(run(|out| validation::multiple_of(7.0, 2.0, "x", out)), ["x: must be a multiple of 2 (is 7)"]);
}

#[test]
fn item_and_entry_counts() {
    assert_eq!(run(|out| validation::min_items(0, 1, "cid", out)), ["cid: must have at least 1 item (has 0)"]);
    assert_eq!(run(|out| validation::max_items(11, 10, "cid", out)), ["cid: must have at most 10 items (has 11)"]);
    assert_eq!(
        run(|out| validation::min_properties(1, 2, "meta", out)),
        ["meta: must have at least 2 entries (has 1)"]
    );
    assert_eq!(run(|out| validation::max_properties(2, 1, "meta", out)), ["meta: must have at most 1 entry (has 2)"]);
}

#[test]
fn paths_and_violations() {
    assert_eq!(validation::field("", "pin"), "pin");
    assert_eq!(validation::field("pin", "origins"), "pin.origins");
    assert_eq!(validation::index("pin.origins", 3), "pin.origins[3]");
    assert_eq!(validation::key("meta", "app_id"), "meta[\"app_id\"]");
    assert_eq!(Violations::check(Vec::new()), Ok(()));
    let found = vec![
        Violation { path: "a".into(), message: "x".into() },
        Violation { path: String::new(), message: "y".into() },
    ];
    let violations = Violations::check(found).unwrap_err();
    assert_eq!(violations.to_string(), "a: x; y");
    assert_eq!(violations.iter().count(), 2);
}

#[test]
fn validate_collects_from_the_root() {
    struct Named(String);
    impl Validate for Named {
        fn validate_at(&self, path: &str, out: &mut Vec<Violation>) {
            validation::max_length(&self.0, 3, &validation::field(path, "name"), out);
        }
    }
    assert_eq!(Named("ab".into()).validate(), Ok(()));
    assert_eq!(
        Named("abcd".into()).validate().unwrap_err().to_string(),
        "name: must have at most 3 characters (has 4)"
    );
}

#[test]
fn unique_items_reports_the_first_repeat() {
    assert!(run(|out| validation::unique_items(&["a", "b", "c"], "s", out)).is_empty());
    assert_eq!(
        run(|out| validation::unique_items(&["a", "b", "c", "b", "a"], "s", out)),
        ["s: items must be unique; item 3 repeats item 1"]
    );
    // Equal values whose JSON differs only in ways equality ignores.
    assert_eq!(
        run(|out| validation::unique_items(&[0.0, -0.0], "f", out)),
        ["f: items must be unique; item 1 repeats item 0"]
    );
    let maps = [BTreeMap::from([("a", 1), ("b", 2)]), BTreeMap::from([("b", 2), ("a", 1)])];
    assert_eq!(
        run(|out| validation::unique_items(&maps, "m", out)),
        ["m: items must be unique; item 1 repeats item 0"]
    );
    let hashed: Vec<std::collections::HashMap<String, i32>> =
        (0..2).map(|_| (0..50).map(|i| (format!("k{i}"), i)).collect()).collect();
    assert_eq!(
        run(|out| validation::unique_items(&hashed, "h", out)),
        ["h: items must be unique; item 1 repeats item 0"]
    );
    // Different values with the same JSON number are told apart by equality.
    assert!(run(|out| validation::unique_items(&[serde_json::json!(1), serde_json::json!(1.0)], "v", out)).is_empty());
}

thread_local! {
    static COMPARISONS: Cell<u64> = const { Cell::new(0) };
}

/// A string that counts how often it is compared, and refuses to be
/// compared more than `BUDGET` times (the pairwise check of 130k items would
/// take billions of comparisons; this fails at once instead).
#[derive(serde::Serialize)]
#[serde(transparent)]
struct Counted(String);

const BUDGET: u64 = 10_000;

impl PartialEq for Counted {
    fn eq(&self, other: &Self) -> bool {
        let n = COMPARISONS.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        assert!(n <= BUDGET, "more than {BUDGET} comparisons: uniqueItems is not linear");
        self.0 == other.0
    }
}

/// About 1 MiB of short strings (an `origins` array at the body limit).
fn many(n: usize) -> Vec<Counted> {
    (0..n).map(|i| Counted(format!("/ip4/10.0.{i}"))).collect()
}

#[test]
fn unique_items_is_linear_on_a_megabyte_of_strings() {
    let items = many(130_000);
    COMPARISONS.with(|c| c.set(0));
    assert!(run(|out| validation::unique_items(&items, "origins", out)).is_empty());
    // Only items with the same hash are compared: none, barring a 64-bit collision.
    assert!(COMPARISONS.with(Cell::get) < 10, "{} comparisons", COMPARISONS.with(Cell::get));

    let mut items = items;
    items.push(Counted("/ip4/10.0.64999".into()));
    COMPARISONS.with(|c| c.set(0));
    assert_eq!(
        run(|out| validation::unique_items(&items, "origins", out)),
        ["origins: items must be unique; item 130000 repeats item 64999"]
    );
    assert!(COMPARISONS.with(Cell::get) < 10);
}

#[test]
fn unique_items_is_not_checked_past_max_items() {
    let mut items = many(50);
    items.push(Counted("/ip4/10.0.0".into()));
    COMPARISONS.with(|c| c.set(0));
    assert!(run(|out| validation::unique_items_up_to(&items, 20, "origins", out)).is_empty());
    assert_eq!(COMPARISONS.with(Cell::get), 0, "an array over maxItems was compared");
    assert_eq!(
        run(|out| validation::unique_items_up_to(&items, 100, "origins", out)),
        ["origins: items must be unique; item 50 repeats item 0"]
    );
}
