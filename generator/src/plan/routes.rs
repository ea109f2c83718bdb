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
//! Several operations of one method on one shape (GitHub's
//! `compare/{basehead}` and `compare/{base}...{head}`, AEM's
//! `/{path}/{name}.rw.html` beside `/{path}/{name}.ks.html` and
//! `/{path}/{name}`) share the route through a dispatcher that tries their
//! templates in a fixed order (see [`order`]: a template matching only paths
//! another one matches too comes first, then more literal text, then spec
//! order) and hands the request to the first whose template the path fits;
//! no fit is `404`. A template that can never be reached (every path it
//! matches, one tried before it matches too: the same template with other
//! parameter names) is not refused: its operation stays in the client and
//! the trait, documented as never called, with a [`Warning`].
//!
//! Still refused, at the operation's pointer: two parameters with no literal
//! text between them in one segment (`{a}{b}`), and `*`.

use super::segment_patterns;
use crate::error::{Error, Result, Warning};
use crate::ir::{Method, Operation};

/// One axum route: its template and the operations it serves (indexes into
/// the operations, in spec order).
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub template: String,
    pub operations: Vec<usize>,
    /// The operations a request can reach, grouped by method (in order of
    /// first use), each group in the order they are tried (see [`order`]).
    pub methods: Vec<(Method, Vec<usize>)>,
    /// The operations no request reaches, each with the operation tried
    /// before it that matches every path it matches.
    pub unreachable: Vec<(usize, usize)>,
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
    /// The pieces of a segment with parameters.
    fn pieces(&self) -> Vec<Piece> {
        match self {
            Segment::Literal(text) => vec![Piece::Literal(text.clone())],
            Segment::Param(name) => vec![Piece::Param(name.clone())],
            Segment::Mixed(pieces) => pieces.clone(),
        }
    }

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
    let mut shaped: Vec<(String, Route)> = Vec::new();
    let mut templates = Vec::with_capacity(ops.len());
    for (i, op) in ops.iter().enumerate() {
        let segments = segments(op)?;
        let shape: String = segments.iter().map(|s| format!("/{}", s.shape())).collect();
        match shaped.iter_mut().find(|(s, _)| *s == shape) {
            Some((_, route)) => route.operations.push(i),
            None => {
                let route = Route {
                    template: template(&segments),
                    operations: vec![i],
                    methods: Vec::new(),
                    unreachable: Vec::new(),
                };
                shaped.push((shape, route));
            }
        }
        templates.push(segments);
    }
    Ok(shaped
        .into_iter()
        .map(|(_, mut route)| {
            order(&mut route, ops, &templates);
            route
        })
        .collect())
}

/// What [`routes`] approximates: each operation no request can reach on
/// the server, as another operation of the same method, tried first,
/// matches every path it matches. It stays in the client and in the `Api`
/// trait (documented as never called).
pub fn warnings(ops: &[Operation]) -> Vec<Warning> {
    let Ok(routes) = routes(ops) else { return Vec::new() };
    let mut unreachable: Vec<(usize, usize)> = routes.iter().flat_map(|r| r.unreachable.iter().copied()).collect();
    unreachable.sort();
    unreachable
        .into_iter()
        .map(|(hidden, by)| Warning::new(&ops[hidden].pointer, unreachable_reason(&ops[hidden], &ops[by])))
        .collect()
}

/// Why the server never calls `hidden` (see [`warnings`]).
pub fn unreachable_reason(hidden: &Operation, by: &Operation) -> String {
    format!(
        "the server never reaches `{} {}`: every path it matches, `{}` matches too and is tried first; the client sends it as documented",
        hidden.method.as_str(),
        hidden.path,
        by.path
    )
}

/// Orders the operations of `route` per method (in order of first use):
/// more literal text in the segments with parameters first, then spec
/// order, except that a template matching only paths another one matches
/// too always comes before it (`{name}.tar.gz` before `{name}.gz`, whatever
/// their order in the spec). Then an operation whose every path an
/// operation before it matches (the same template with other parameter
/// names, or a narrower one listed after a wider one) can never be reached:
/// it is left out of [`Route::methods`] and listed in
/// [`Route::unreachable`].
fn order(route: &mut Route, ops: &[Operation], templates: &[Vec<Segment>]) {
    let mut groups: Vec<(Method, Vec<usize>)> = Vec::new();
    for &i in &route.operations {
        match groups.iter_mut().find(|(m, _)| *m == ops[i].method) {
            Some((_, list)) => list.push(i),
            None => groups.push((ops[i].method, vec![i])),
        }
    }
    let covers = |outer: usize, inner: usize| covers(&templates[outer], &templates[inner]);
    for (method, mut remaining) in groups {
        remaining.sort_by_key(|&i| (std::cmp::Reverse(literal_length(&templates[i])), i));
        let mut ordered: Vec<usize> = Vec::with_capacity(remaining.len());
        while !remaining.is_empty() {
            // The first that is not wider than another one still waiting
            // (inclusion is a partial order: there is one).
            let at = (0..remaining.len())
                .find(|&a| {
                    let wider = |b: &usize| *b != remaining[a] && covers(remaining[a], *b) && !covers(*b, remaining[a]);
                    !remaining.iter().any(wider)
                })
                .unwrap_or(0);
            ordered.push(remaining.remove(at));
        }
        let mut reachable = Vec::with_capacity(ordered.len());
        for (n, &i) in ordered.iter().enumerate() {
            match ordered[..n].iter().find(|&&before| covers(before, i)) {
                Some(&by) => route.unreachable.push((i, by)),
                None => reachable.push(i),
            }
        }
        route.methods.push((method, reachable));
    }
}

/// Whether every path template `inner` matches, `outer` matches too (both
/// of one shape: their literal segments are the same).
fn covers(outer: &[Segment], inner: &[Segment]) -> bool {
    outer.iter().zip(inner).all(|(o, i)| match (o, i) {
        (Segment::Literal(_), _) | (_, Segment::Literal(_)) => true,
        _ => segment_patterns::covers(&o.pieces(), &i.pieces()),
    })
}

/// How much literal text a template has inside segments with parameters.
fn literal_length(segments: &[Segment]) -> usize {
    segments
        .iter()
        .map(|s| match s {
            Segment::Mixed(pieces) => segment_patterns::literal_length(pieces),
            Segment::Literal(_) | Segment::Param(_) => 0,
        })
        .sum()
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
