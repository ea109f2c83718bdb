//! Checks for the constraints the spec states (`maxLength`, `maxItems`,
//! `uniqueItems`, `minimum`, ...): [`Violation`], [`Violations`], the
//! [`Validate`] trait that generated models implement, and one function per
//! keyword, which the generated code calls with the spec's bounds. Servers
//! run them on what they receive, clients on what they are about to send.
//! `pattern` is not checked yet.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};

use serde::Serialize;

/// One broken constraint. `path` names the parameter or field
/// (`name`, `pin.origins[3]`, `meta["app_id"]`; empty for the value itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

/// Every violation found in a value; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    /// `Err` with the violations, `Ok` when there are none.
    pub fn check(found: Vec<Violation>) -> Result<(), Self> {
        if found.is_empty() { Ok(()) } else { Err(Violations(found)) }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, violation) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

impl IntoIterator for Violations {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// A value with constraints to check.
pub trait Validate {
    /// Pushes every violation in `self` onto `out`, with paths under `path`.
    fn validate_at(&self, path: &str, out: &mut Vec<Violation>);

    /// Every violation in `self`, or `Ok`.
    fn validate(&self) -> Result<(), Violations> {
        let mut found = Vec::new();
        self.validate_at("", &mut found);
        Violations::check(found)
    }
}

/// `path.name`.
pub fn field(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") }
}

/// `path[index]`.
pub fn index(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// `path["key"]`.
pub fn key(path: &str, key: &str) -> String {
    format!("{path}[{key:?}]")
}

/// `1 item`, `2 items`.
fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

fn push(out: &mut Vec<Violation>, path: &str, message: String) {
    out.push(Violation { path: path.to_owned(), message });
}

/// `minLength`, in characters (Unicode scalar values), as JSON Schema counts.
pub fn min_length(value: &str, min: u64, path: &str, out: &mut Vec<Violation>) {
    let n = value.chars().count();
    if (n as u64) < min {
        push(out, path, format!("must have at least {} (has {n})", count(min, "character", "characters")));
    }
}

/// `maxLength`, in characters (Unicode scalar values).
pub fn max_length(value: &str, max: u64, path: &str, out: &mut Vec<Violation>) {
    let n = value.chars().count();
    if n as u64 > max {
        push(out, path, format!("must have at most {} (has {n})", count(max, "character", "characters")));
    }
}

/// `minimum` / `exclusiveMinimum` for integers.
pub fn minimum_int(value: i64, bound: i64, exclusive: bool, path: &str, out: &mut Vec<Violation>) {
    if exclusive && value <= bound {
        push(out, path, format!("must be greater than {bound} (is {value})"));
    } else if value < bound {
        push(out, path, format!("must be at least {bound} (is {value})"));
    }
}

/// `maximum` / `exclusiveMaximum` for integers.
pub fn maximum_int(value: i64, bound: i64, exclusive: bool, path: &str, out: &mut Vec<Violation>) {
    if exclusive && value >= bound {
        push(out, path, format!("must be less than {bound} (is {value})"));
    } else if value > bound {
        push(out, path, format!("must be at most {bound} (is {value})"));
    }
}

/// `minimum` / `exclusiveMinimum` for numbers.
pub fn minimum(value: f64, bound: f64, exclusive: bool, path: &str, out: &mut Vec<Violation>) {
    if exclusive && value <= bound {
        push(out, path, format!("must be greater than {bound} (is {value})"));
    } else if value < bound {
        push(out, path, format!("must be at least {bound} (is {value})"));
    }
}

/// `maximum` / `exclusiveMaximum` for numbers.
pub fn maximum(value: f64, bound: f64, exclusive: bool, path: &str, out: &mut Vec<Violation>) {
    if exclusive && value >= bound {
        push(out, path, format!("must be less than {bound} (is {value})"));
    } else if value > bound {
        push(out, path, format!("must be at most {bound} (is {value})"));
    }
}

/// `multipleOf`.
pub fn multiple_of(value: f64, factor: f64, path: &str, out: &mut Vec<Violation>) {
    let quotient = value / factor;
    if factor > 0.0 && (quotient - quotient.round()).abs() > 1e-9 {
        push(out, path, format!("must be a multiple of {factor} (is {value})"));
    }
}

/// `minItems`.
pub fn min_items(len: usize, min: u64, path: &str, out: &mut Vec<Violation>) {
    if (len as u64) < min {
        push(out, path, format!("must have at least {} (has {len})", count(min, "item", "items")));
    }
}

/// `maxItems`.
pub fn max_items(len: usize, max: u64, path: &str, out: &mut Vec<Violation>) {
    if len as u64 > max {
        push(out, path, format!("must have at most {} (has {len})", count(max, "item", "items")));
    }
}

/// `uniqueItems: true`: reports the first repeated item (the first item
/// equal to an earlier one, and the first of those earlier ones).
///
/// Linear in the number of items: each item is hashed by its JSON form and
/// only items with the same hash are compared, so an array of 130k strings
/// costs milliseconds, not the billions of comparisons of checking every pair.
/// Items that are equal always have the same hash (map entries are hashed
/// in any order, `-0.0` as `0.0`); the comparison decides.
pub fn unique_items<T: PartialEq + Serialize>(items: &[T], path: &str, out: &mut Vec<Violation>) {
    let state = RandomState::new();
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::with_capacity(items.len());
    for (later, item) in items.iter().enumerate() {
        let bucket = seen.entry(json_hash(&state, item)).or_default();
        if let Some(&earlier) = bucket.iter().find(|&&earlier| items[earlier] == *item) {
            push(out, path, format!("items must be unique; item {later} repeats item {earlier}"));
            return;
        }
        bucket.push(later);
    }
}

/// [`unique_items`] for an array with `maxItems: max`: not checked when the
/// array has more than `max` items (the `maxItems` violation is reported
/// already, and an oversized array is not worth hashing).
pub fn unique_items_up_to<T: PartialEq + Serialize>(items: &[T], max: u64, path: &str, out: &mut Vec<Violation>) {
    if items.len() as u64 <= max {
        unique_items(items, path, out);
    }
}

/// A hash of `item`'s JSON form that equal items share. An item that cannot
/// be written as JSON (a map with non-string keys) hashes as `0`, so it is
/// compared with every other such item: still correct, only slower.
fn json_hash<T: Serialize>(state: &RandomState, item: &T) -> u64 {
    match serde_json::to_value(item) {
        Ok(value) => value_hash(state, &value),
        Err(_) => 0,
    }
}

fn value_hash(state: &RandomState, value: &serde_json::Value) -> u64 {
    use serde_json::Value;
    match value {
        Value::Null => state.hash_one(0u8),
        Value::Bool(b) => state.hash_one((1u8, *b)),
        Value::Number(n) => {
            // One hash per numeric value: `1` and `1.0`, `0.0` and `-0.0` alike.
            let f = n.as_f64().unwrap_or(0.0);
            let f = if f == 0.0 { 0.0 } else { f };
            state.hash_one((2u8, f.to_bits()))
        }
        Value::String(s) => state.hash_one((3u8, s)),
        Value::Array(items) => {
            let hashes: Vec<u64> = items.iter().map(|item| value_hash(state, item)).collect();
            state.hash_one((4u8, hashes))
        }
        Value::Object(map) => {
            // Entries in any order (a `HashMap` field of equal values may iterate differently).
            let sum = map
                .iter()
                .fold(0u64, |sum, (key, value)| sum.wrapping_add(state.hash_one((key, value_hash(state, value)))));
            state.hash_one((5u8, map.len(), sum))
        }
    }
}

/// `minProperties`.
pub fn min_properties(len: usize, min: u64, path: &str, out: &mut Vec<Violation>) {
    if (len as u64) < min {
        push(out, path, format!("must have at least {} (has {len})", count(min, "entry", "entries")));
    }
}

/// `maxProperties`.
pub fn max_properties(len: usize, max: u64, path: &str, out: &mut Vec<Violation>) {
    if len as u64 > max {
        push(out, path, format!("must have at most {} (has {len})", count(max, "entry", "entries")));
    }
}
