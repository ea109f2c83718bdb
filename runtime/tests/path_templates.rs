//! Path segments read along an operation's template, without a router.

use openapi_runtime::server::{PathPiece, fits_segment, match_segment};

use PathPiece::{Literal, Param};

fn read<'t>(pieces: &[PathPiece], text: &'t str) -> Option<Vec<(&'static str, &'t str)>> {
    match_segment(pieces, text)
}

#[test]
fn a_suffix_is_the_end_of_the_segment() {
    let pieces = [Param("name"), Literal(".json")];
    assert_eq!(read(&pieces, "a.json"), Some(vec![("name", "a")]));
    assert_eq!(read(&pieces, "a.json.json"), Some(vec![("name", "a.json")]));
    assert_eq!(read(&pieces, "é.json"), Some(vec![("name", "é")]));
    assert_eq!(read(&pieces, ".json"), None, "a parameter is at least one character");
    assert_eq!(read(&pieces, "a.txt"), None);
    assert_eq!(read(&pieces, "json"), None);
}

#[test]
fn a_prefix_is_the_start_of_the_segment() {
    let pieces = [Literal("v"), Param("major"), Literal("."), Param("minor")];
    assert_eq!(read(&pieces, "v1.2"), Some(vec![("major", "1"), ("minor", "2")]));
    assert_eq!(read(&pieces, "v1.2.3"), Some(vec![("major", "1"), ("minor", "2.3")]));
    assert_eq!(read(&pieces, "w1.2"), None);
    assert_eq!(read(&pieces, "v1."), None);
    assert_eq!(read(&pieces, "v.2"), None);
}

#[test]
fn parameters_between_literals_take_the_first_occurrence() {
    let pieces = [Param("base"), Literal("..."), Param("head")];
    assert_eq!(read(&pieces, "main...topic"), Some(vec![("base", "main"), ("head", "topic")]));
    assert_eq!(read(&pieces, "a....b"), Some(vec![("base", "a"), ("head", ".b")]));
    // The first parameter is at least one character: `...` at the start is part of it.
    assert_eq!(read(&pieces, "...x...y"), Some(vec![("base", "...x"), ("head", "y")]));
    assert_eq!(read(&pieces, "main..topic"), None);
    assert_eq!(read(&pieces, "main..."), None);
}

#[test]
fn every_text_the_template_describes_fits() {
    // Two literal parts and a suffix: readings exist only with two dots
    // before the suffix; the first occurrence never misses one.
    let pieces = [Param("a"), Literal("."), Param("b"), Literal(".json")];
    assert_eq!(read(&pieces, "x.y.json"), Some(vec![("a", "x"), ("b", "y")]));
    assert_eq!(read(&pieces, "x.json.json"), Some(vec![("a", "x"), ("b", "json")]));
    assert_eq!(read(&pieces, "x.y.z.json"), Some(vec![("a", "x"), ("b", "y.z")]));
    assert_eq!(read(&pieces, "x.json"), None);
    let pieces = [Param("name"), Literal("-"), Param("version"), Literal(".zip")];
    assert_eq!(read(&pieces, "pkg-1.0.zip"), Some(vec![("name", "pkg"), ("version", "1.0")]));
    assert_eq!(read(&pieces, "my-pkg-1.0.zip"), Some(vec![("name", "my"), ("version", "pkg-1.0")]));
    assert_eq!(read(&pieces, "-.zip"), None);
    // The suffix may not take characters a parameter needs.
    assert_eq!(read(&[Param("a"), Literal("x"), Param("b"), Literal("xy")], "axxy"), None);
    assert_eq!(
        read(&[Param("a"), Literal("x"), Param("b"), Literal("xy")], "axbxy"),
        Some(vec![("a", "a"), ("b", "b")])
    );
}

#[test]
fn adjacent_parameters_read_the_first_as_one_character() {
    assert_eq!(read(&[Param("a"), Param("b")], "xyz"), Some(vec![("a", "x"), ("b", "yz")]));
    assert_eq!(read(&[Param("a"), Param("b")], "x"), None);
}

#[test]
fn a_whole_segment_parameter_takes_everything() {
    assert_eq!(read(&[Param("id")], "a.b-c"), Some(vec![("id", "a.b-c")]));
    assert_eq!(read(&[Param("id")], ""), None);
    assert!(fits_segment(&[Literal("x")], "x"));
    assert!(!fits_segment(&[Literal("x")], "xy"));
}
