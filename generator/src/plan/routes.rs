//! Which axum route serves which operation, and how an operation reads its
//! path parameters from what the route captured.
//!
//! axum (matchit) routes by path *shape*: it cannot hold two templates that
//! differ only in parameter names (`/a/{id}` beside `/a/{digest}`), and a
//! capture must be a whole segment (`/compare/{base}...{head}` cannot be a
//! route). OpenAPI allows both, and GitHub's description uses both. So
//! operations are grouped by shape (each segment with a parameter counts as
//! one capture), one route serves each shape, its captures named after the
//! first operation's template (or `segment_N` for a segment that is not a
//! whole parameter), and an operation whose template differs from its
//! route's reads its parameters through a [`PathMatch`]: each capture's text
//! split along the operation's own segment template (the literal text
//! between parameters, first occurrence, is the separator; a literal that
//! ends the segment is its suffix). A segment that
//! does not fit its template is `404 NOT_FOUND`, as no operation has it.
//!
//! Two operations of one method on one shape (GitHub's `compare/{basehead}`
//! and `compare/{base}...{head}`) share the route through a dispatcher: the
//! one with more literal text in its segments gets the request when the path
//! fits its template, the other otherwise (OpenAPI matches concrete paths
//! first).
//!
//! Still refused, at the operation's pointer: two operations of one method
//! on one shape that are as specific (no request could say which one is
//! meant), two parameters with no literal text between them in one segment
//! (`{a}{b}`), and `*`.

use crate::error::{Error, Result};
use crate::ir::{Method, Operation};

/// One axum route: its template and the operations it serves (indexes into
/// the operations, in spec order).
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub template: String,
    pub operations: Vec<usize>,
    /// The operations grouped by method (in order of first use), each group
    /// most specific first.
    pub methods: Vec<(Method, Vec<usize>)>,
}

/// A piece of one segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Literal(String),
    Param(String),
}

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Literal text only.
    Literal(String),
    /// Exactly one parameter, the whole segment.
    Param(String),
    /// Parameters and literal text, alternating.
    Mixed(Vec<Piece>),
}

impl Segment {
    fn shape(&self) -> &str {
        match self {
            Segment::Literal(text) => text,
            Segment::Param(_) | Segment::Mixed(_) => "{}",
        }
    }
}

fn segments(op: &Operation) -> Result<Vec<Segment>> {
    let refuse = |why: &str| Error::unsupported(&op.pointer, format!("the path `{}`: {why}", op.path));
    let mut out = Vec::new();
    for text in op.path.split('/').skip(1) {
        if text.contains('*') {
            return Err(refuse("`*` cannot be routed"));
        }
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| refuse("a `{` without `}`"))?;
            if open > 0 {
                pieces.push(Piece::Literal(rest[..open].to_owned()));
            } else if matches!(pieces.last(), Some(Piece::Param(_))) {
                return Err(refuse("two parameters with nothing between them cannot be told apart"));
            }
            pieces.push(Piece::Param(rest[open + 1..close].to_owned()));
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err(refuse("a `}` without `{`"));
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_owned()));
        }
        out.push(match pieces.as_slice() {
            [] => Segment::Literal(String::new()),
            [Piece::Literal(text)] => Segment::Literal(text.clone()),
            [Piece::Param(name)] => Segment::Param(name.clone()),
            _ => Segment::Mixed(pieces),
        });
    }
    Ok(out)
}

/// The routes for `ops` (in spec order of their first operation), or the
/// refusal of an operation no route can serve.
pub fn routes(ops: &[Operation]) -> Result<Vec<Route>> {
    // (shape, route, the method and specificity of each operation on it)
    type Shaped = (String, Route, Vec<(Method, usize)>);
    let mut routes: Vec<Shaped> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let segments = segments(op)?;
        let shape: String = segments.iter().map(|s| format!("/{}", s.shape())).collect();
        let rank = specificity(&segments);
        match routes.iter_mut().find(|(s, ..)| *s == shape) {
            Some((_, route, methods)) => {
                // One method twice on a shape: a request goes to the more
                // specific template when it fits (`{base}...{head}` before
                // `{basehead}`), so the two must differ in literal text.
                if methods.iter().any(|&(method, other)| method == op.method && other == rank) {
                    let other = &route.template;
                    return Err(Error::unsupported(
                        &op.pointer,
                        format!(
                            "the path `{}` cannot be told apart from `{other}` (same method, same shape, as specific)",
                            op.path
                        ),
                    ));
                }
                methods.push((op.method, rank));
                route.operations.push(i);
            }
            None => {
                let template = template(&segments);
                let route = Route { template, operations: vec![i], methods: Vec::new() };
                routes.push((shape, route, vec![(op.method, rank)]));
            }
        }
    }
    let refs: Vec<&Operation> = ops.iter().collect();
    routes
        .into_iter()
        .map(|(_, mut route, _)| {
            route.methods = by_method(&route, &refs)?;
            Ok(route)
        })
        .collect()
}

/// How much literal text a template has inside segments with parameters:
/// of two operations of one method on one shape, the one with more is tried
/// first (OpenAPI matches concrete paths before templated ones).
fn specificity(segments: &[Segment]) -> usize {
    segments
        .iter()
        .map(|s| match s {
            Segment::Mixed(pieces) => pieces
                .iter()
                .map(|p| match p {
                    Piece::Literal(text) => text.len(),
                    Piece::Param(_) => 0,
                })
                .sum(),
            Segment::Literal(_) | Segment::Param(_) => 0,
        })
        .sum()
}

/// The operations of a route grouped by method (in order of first use),
/// each group most specific first.
fn by_method(route: &Route, ops: &[&Operation]) -> Result<Vec<(Method, Vec<usize>)>> {
    let mut groups: Vec<(Method, Vec<(usize, usize)>)> = Vec::new();
    for &i in &route.operations {
        let rank = specificity(&segments(ops[i])?);
        match groups.iter_mut().find(|(m, _)| *m == ops[i].method) {
            Some((_, list)) => list.push((rank, i)),
            None => groups.push((ops[i].method, vec![(rank, i)])),
        }
    }
    Ok(groups
        .into_iter()
        .map(|(method, mut list)| {
            list.sort_by_key(|&(rank, _)| std::cmp::Reverse(rank));
            (method, list.into_iter().map(|(_, i)| i).collect())
        })
        .collect())
}

/// The route template for an operation's segments: whole parameters keep
/// their names, other segments with parameters capture as `segment_N`
/// (underscores added until the name is free).
fn template(segments: &[Segment]) -> String {
    let taken = |name: &str| {
        segments.iter().any(|s| match s {
            Segment::Param(p) => p == name,
            Segment::Mixed(pieces) => pieces.iter().any(|p| *p == Piece::Param(name.to_owned())),
            Segment::Literal(_) => false,
        })
    };
    let mut out = String::new();
    for (n, segment) in segments.iter().enumerate() {
        out.push('/');
        match segment {
            Segment::Literal(text) => out.push_str(text),
            Segment::Param(name) => out.push_str(&format!("{{{name}}}")),
            Segment::Mixed(_) => {
                let mut name = format!("segment_{n}");
                while taken(&name) {
                    name.push('_');
                }
                out.push_str(&format!("{{{name}}}"));
            }
        }
    }
    out
}

/// How an operation reads its path parameters from its route's captures:
/// each capture's name and the operation's own template of that segment.
pub type PathMatch = Vec<(String, Vec<Piece>)>;

/// How `op` reads its path parameters from the captures of the route
/// `route`: `None` when the captures are its parameters, by name.
pub fn path_match(route: &str, op: &Operation) -> Result<Option<PathMatch>> {
    let own = segments(op)?;
    let captured: Vec<&str> = route.split('/').skip(1).collect();
    let mut matches = Vec::new();
    let mut identity = true;
    for (segment, capture) in own.iter().zip(captured) {
        let Some(capture) = capture.strip_prefix('{').and_then(|c| c.strip_suffix('}')) else { continue };
        let pieces: Vec<Piece> = match segment {
            Segment::Literal(_) => continue,
            Segment::Param(name) => {
                identity &= name == capture;
                vec![Piece::Param(name.clone())]
            }
            Segment::Mixed(pieces) => {
                identity = false;
                pieces.clone()
            }
        };
        matches.push((capture.to_owned(), pieces));
    }
    Ok((!identity).then_some(matches))
}
