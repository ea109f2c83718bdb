//! Path segments read along a template: the router captures a whole
//! segment (`{segment_2}`), and an operation whose template has literal text
//! or several parameters in that segment (`{name}.json`, `v{major}.{minor}`,
//! `{base}...{head}`) reads its parameters out of it here.
//!
//! The rule, for a segment that is literal text and parameters (each
//! parameter at least one character): the literal text before the first
//! parameter is a prefix, the literal text after the last one a suffix,
//! and each parameter in between takes the shortest text after which the
//! next literal text follows (its first occurrence). That is exactly the set
//! of texts the template describes: a text fits when any reading of it
//! fits (the first occurrence leaves the most room for what follows), so a
//! template never refuses a segment it matches. Where two readings fit
//! (`{name}-{version}` and `a-b-c`), the one with the shortest first
//! parameters is taken (`a`, `b-c`). Two parameters with nothing between
//! them (`{a}{b}`) read the first as one character (the generator refuses
//! such templates, except for RFC 6570's label form `{id}{.format}`, which
//! it reads as `{id}.{format}`).

/// A piece of an operation's template for one path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPiece {
    /// Text that must appear as it is.
    Literal(&'static str),
    /// A parameter, by its name in the spec.
    Param(&'static str),
}

/// The parameters of `text` (a decoded path segment) read along `pieces`,
/// by name, in template order; `None` when the segment does not fit.
pub fn match_segment<'t>(pieces: &[PathPiece], text: &'t str) -> Option<Vec<(&'static str, &'t str)>> {
    let mut out = Vec::new();
    let mut rest = text;
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            PathPiece::Literal(literal) => rest = rest.strip_prefix(literal)?,
            PathPiece::Param(name) => {
                // At least one character for the parameter.
                let first = rest.chars().next()?.len_utf8();
                let end = match pieces.get(i + 1) {
                    // A literal that ends the segment: everything before it.
                    Some(PathPiece::Literal(last)) if i + 2 == pieces.len() => {
                        Some(rest.strip_suffix(last)?.len()).filter(|&end| end >= first)?
                    }
                    Some(PathPiece::Literal(next)) => rest[first..].find(next)? + first,
                    Some(PathPiece::Param(_)) => first,
                    None => rest.len(),
                };
                out.push((*name, &rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    rest.is_empty().then_some(out)
}

/// Whether `text` fits `pieces` (see [`match_segment`]).
pub fn fits_segment(pieces: &[PathPiece], text: &str) -> bool {
    match_segment(pieces, text).is_some()
}

/// Whether the path a route captured (`None`: not readable) fits an
/// operation's template: each capture (by route name) along that
/// operation's pieces for the segment. A route's dispatcher asks this of
/// each operation in turn.
pub fn path_fits(path: Option<&super::PathParams>, segments: &[(&str, &[PathPiece])]) -> bool {
    path.is_some_and(|path| {
        segments.iter().all(|(capture, pieces)| path.get(capture).is_ok_and(|text| fits_segment(pieces, text)))
    })
}
