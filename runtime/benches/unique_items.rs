//! `uniqueItems` on arrays of short strings: the runtime's hashing check
//! against the pairwise comparison generated code used before, in the same
//! run, as a ratio.
//!
//! ```sh
//! cargo bench -p openapi-runtime --bench unique_items
//! ```
//!
//! The pairwise check is measured up to 20,000 items (it is quadratic: a
//! 1 MiB `origins` array of 130,000 items takes it tens of seconds); the
//! hashing check also at 130,000.

use std::hint::black_box;
use std::time::{Duration, Instant};

use openapi_runtime::validation::{self, Violation};

/// The check generated code ran before the runtime crate: every pair.
fn pairwise<T: PartialEq>(items: &[T], path: &str, out: &mut Vec<Violation>) {
    for (later, item) in items.iter().enumerate() {
        if let Some(earlier) = items[..later].iter().position(|other| other == item) {
            out.push(Violation { path: path.to_owned(), message: format!("item {later} repeats item {earlier}") });
            return;
        }
    }
}

/// The best of `runs` timings of `f`.
fn best(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    println!("{:>8}  {:>12}  {:>12}  {:>8}", "items", "hashing", "pairwise", "ratio");
    for n in [1_000, 5_000, 20_000, 130_000] {
        // Distinct items: the worst case for both (no early exit).
        let items: Vec<String> = (0..n).map(|i| format!("/ip4/10.0.{i}")).collect();
        let hashing = best(5, || {
            let mut out = Vec::new();
            validation::unique_items(black_box(&items), "origins", &mut out);
            assert!(out.is_empty());
        });
        if n <= 20_000 {
            let slow = best(1, || {
                let mut out = Vec::new();
                pairwise(black_box(&items), "origins", &mut out);
                assert!(out.is_empty());
            });
            let ratio = slow.as_secs_f64() / hashing.as_secs_f64();
            println!("{n:>8}  {hashing:>12.2?}  {slow:>12.2?}  {ratio:>7.0}x");
        } else {
            println!("{n:>8}  {hashing:>12.2?}  {:>12}  {:>8}", "(skipped)", "");
        }
    }
}
