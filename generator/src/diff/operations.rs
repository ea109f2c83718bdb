//! Comparing operations: matched by method and path template (path parameter
//! names aside), then their generated names, parameters, request body,
//! responses and security.

use std::collections::BTreeSet;

use serde_json::Value;

use super::types::{Role, Verdict, compare_use, describe};
use super::usage::Direction;
use super::{Class, Context, Out};
use crate::ir::{
    Api, Content, Location, Operation, Parameter, ParameterEncoding, RequestBody, Response, Shape, StatusCode, Style,
    Type, TypeKind,
};
use crate::naming::operation_id;

/// `/pins/{requestid}` → `/pins/{}`: the key operations are matched by.
pub fn normalized_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' if !in_param => {
                in_param = true;
                out.push('{');
            }
            '}' if in_param => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            c => out.push(c),
        }
    }
    out
}

/// The names of a template's parameters, in order.
fn template_params(path: &str) -> Vec<&str> {
    path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect()
}

/// Old and new operations paired by method and normalized path; each side
/// in spec order.
pub fn pair<'a>(old: &'a Api, new: &'a Api) -> Vec<(Option<&'a Operation>, Option<&'a Operation>)> {
    let key = |op: &Operation| (op.method, normalized_path(&op.path));
    let mut taken = vec![false; new.operations.len()];
    let mut pairs = Vec::new();
    for o in &old.operations {
        let found = new.operations.iter().enumerate().find(|(i, n)| !taken[*i] && key(n) == key(o));
        match found {
            Some((i, n)) => {
                taken[i] = true;
                pairs.push((Some(o), Some(n)));
            }
            None => pairs.push((Some(o), None)),
        }
    }
    for (n, _) in new.operations.iter().zip(&taken).filter(|(_, taken)| !**taken) {
        pairs.push((None, Some(n)));
    }
    pairs
}

fn method_note(op: &Operation) -> String {
    format!("generated method `{}`", op.name)
}

pub fn removed(out: &mut Out, op: &Operation) {
    out.push(Class::Breaking, format!("operation removed ({})", method_note(op)));
}

pub fn added(out: &mut Out, op: &Operation) {
    out.push(Class::Additive, format!("operation added ({})", method_note(op)));
}

fn derived(op: &Operation) -> bool {
    op.id == operation_id(op.method.as_str(), &op.path)
}

/// Why the generated names changed (or did not).
fn id_change(old: &Operation, new: &Operation) -> String {
    match (derived(old), derived(new)) {
        (true, true) => "names derived from method and path".to_owned(),
        (true, false) => format!("operationId `{}` added", new.id),
        (false, true) => format!("operationId `{}` removed", old.id),
        (false, false) => format!("operationId `{}` → `{}`", old.id, new.id),
    }
}

pub fn compare(cx: &Context, out: &mut Out, old: &Operation, new: &Operation) {
    compare_names(out, old, new);
    if old.deprecated != new.deprecated {
        out.push(Class::Info, if new.deprecated { "deprecated" } else { "no longer deprecated" });
    }
    compare_parameters(cx, out, old, new);
    compare_body(cx, out, old.request_body.as_ref(), new.request_body.as_ref());
    compare_responses(cx, out, &old.responses, &new.responses);
    compare_security(cx, out, old, new);
    if old.servers != new.servers {
        let list = |servers: &[String]| if servers.is_empty() { "the API's".to_owned() } else { servers.join(", ") };
        // The client sends there unless told otherwise: a moved operation is
        // reached without a change of code, as a moved API is.
        out.push(Class::Info, format!("servers {} → {}", list(&old.servers), list(&new.servers)));
    }
}

/// The client's method and the server trait's method are named `name`; the
/// query struct and the server's response enum start with `type_name`.
fn compare_names(out: &mut Out, old: &Operation, new: &Operation) {
    let method = (old.name != new.name).then(|| format!("generated method `{}` → `{}`", old.name, new.name));
    let types = (old.type_name != new.type_name).then(|| {
        let which = if method.is_some() { "types" } else { "generated types" };
        format!("{which} `{}…` → `{}…`", old.type_name, new.type_name)
    });
    let renamed: Vec<String> = method.into_iter().chain(types).collect();
    if !renamed.is_empty() {
        out.push(Class::Breaking, format!("{} ({})", renamed.join(", "), id_change(old, new)));
    } else if old.id != new.id {
        out.push(Class::Info, format!("{} (the generated names are unchanged)", id_change(old, new)));
    }
}

fn param_what(p: &Parameter) -> String {
    format!("{} parameter `{}`", p.location.spec_name(), p.wire_name)
}

/// How parameters are matched: path parameters by their place in the
/// template (a renamed one is the same argument), headers by their name in
/// any case (HTTP does not tell `X-Id` from `x-id`), others by location and name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ParamKey {
    Path(usize),
    Other(Location, String),
}

fn param_key(op: &Operation, p: &Parameter) -> ParamKey {
    if p.location == Location::Path {
        if let Some(i) = template_params(&op.path).iter().position(|name| *name == p.wire_name) {
            return ParamKey::Path(i);
        }
    }
    if p.location == Location::Header {
        return ParamKey::Other(p.location, p.wire_name.to_ascii_lowercase());
    }
    ParamKey::Other(p.location, p.wire_name.clone())
}

fn compare_parameters(cx: &Context, out: &mut Out, old: &Operation, new: &Operation) {
    for p in &old.parameters {
        let key = param_key(old, p);
        match new.parameters.iter().find(|n| param_key(new, n) == key) {
            Some(n) => compare_parameter(cx, out, p, n),
            None => out.push(Class::Breaking, format!("{} removed", param_what(p))),
        }
    }
    for p in &new.parameters {
        let key = param_key(new, p);
        if old.parameters.iter().any(|o| param_key(old, o) == key) {
            continue;
        }
        if p.required {
            out.push(Class::Breaking, format!("required {} added", param_what(p)));
        } else {
            out.push(Class::Additive, format!("optional {} added", param_what(p)));
        }
    }
}

fn compare_parameter(cx: &Context, out: &mut Out, old: &Parameter, new: &Parameter) {
    let what = param_what(old);
    if old.location == Location::Header && old.wire_name != new.wire_name {
        out.push(
            Class::Info,
            format!("{what} now spelled `{}` (header names match in any case: nothing changes)", new.wire_name),
        );
    } else if old.wire_name != new.wire_name {
        out.push(
            Class::Info,
            format!(
                "{what} renamed to `{}` (positional: the wire and the generated signatures are unchanged)",
                new.wire_name
            ),
        );
    }
    let what = param_what(new);
    if old.required != new.required {
        let detail = if new.required {
            "now required (it moves from the query struct into the method's arguments)"
        } else {
            "now optional (it moves from the method's arguments into the query struct)"
        };
        out.push(Class::Breaking, format!("{what}: {detail}"));
    }
    if old.style != new.style || (old.explode != new.explode && explode_matters(cx.new, new)) {
        out.push(Class::Breaking, format!("{what}: serialization {} → {}", style_text(old), style_text(new)));
    } else if old.explode != new.explode {
        out.push(
            Class::Info,
            format!(
                "{what}: serialization {} → {} (the same on the wire for its type)",
                style_text(old),
                style_text(new)
            ),
        );
    }
    if old.allow_reserved != new.allow_reserved {
        out.push(Class::Breaking, format!("{what}: allowReserved {} → {}", old.allow_reserved, new.allow_reserved));
    }
    match (&old.encoding, &new.encoding) {
        (ParameterEncoding::Style(_), ParameterEncoding::Style(_)) => {}
        (ParameterEncoding::Content { media_type: a, .. }, ParameterEncoding::Content { media_type: b, .. })
            if a == b => {}
        (a, b) => out.push(Class::Breaking, format!("{what}: encoded as {} → {}", encoding_text(a), encoding_text(b))),
    }
    if old.deprecated != new.deprecated {
        out.push(
            Class::Info,
            format!("{what}: {}", if new.deprecated { "deprecated" } else { "no longer deprecated" }),
        );
    }
    compare_use(cx, out, &what, old.ty(), new.ty(), Direction::INPUT, Role::Parameter);
    let (a, b) = (parameter_default(cx.old, old.ty()), parameter_default(cx.new, new.ty()));
    match (&a, &b) {
        (Some(x), Some(y)) if x != y => out.push(
            Class::Breaking,
            format!("{what}: default `{x}` → `{y}` (requests that leave it out mean something else)"),
        ),
        (None, Some(y)) if !new.required => out.push(
            Class::Breaking,
            format!("{what}: default `{y}` added (the server's query struct field is no longer an `Option`)"),
        ),
        (Some(x), None) if !new.required => out.push(
            Class::Breaking,
            format!("{what}: default `{x}` removed (the server's query struct field becomes an `Option`)"),
        ),
        (None, Some(y)) => out.push(Class::Info, format!("{what}: default `{y}` added")),
        (Some(x), None) => out.push(Class::Info, format!("{what}: default `{x}` removed")),
        _ => {}
    }
}

/// The default the generated server applies: the use's, else the named
/// type's (an enum's default, through aliases).
fn parameter_default(api: &Api, ty: &Type) -> Option<Value> {
    let mut ty = ty;
    for _ in 0..64 {
        if let Some(value) = &ty.default {
            return Some(value.clone());
        }
        let def = api.type_def(ty.named()?)?;
        match &def.kind {
            TypeKind::Enum(e) => return e.default.clone().map(Value::String),
            TypeKind::ValueEnum(e) => return e.default.clone(),
            TypeKind::Alias(target) => ty = target,
            TypeKind::Struct(_) | TypeKind::Map(_) | TypeKind::Union(_) => return None,
        }
    }
    None
}

/// Whether `explode` changes how the parameter is sent: for arrays in the
/// query and cookies (`form` and the delimited styles repeat the key) and
/// for objects in every style; never for scalars, nor for arrays in
/// `simple` (path and header lists are `a,b` either way).
fn explode_matters(api: &Api, p: &Parameter) -> bool {
    let ty = api.resolve_aliases(p.ty());
    let (array, scalar) = match &ty.shape {
        Shape::Array(_) => (true, false),
        Shape::Primitive(_) => (false, true),
        Shape::Named(name) => match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Enum(_) | TypeKind::ValueEnum(_)) => (false, true),
            // Objects, maps and unions (which may hold an array).
            _ => (false, false),
        },
        Shape::Map(_) | Shape::Any => (false, false),
    };
    !(scalar || (array && p.style == Style::Simple))
}

fn style_text(p: &Parameter) -> String {
    format!("`{}`{}", p.style.spec_name(), if p.explode { " exploded" } else { "" })
}

fn encoding_text(e: &ParameterEncoding) -> String {
    match e {
        ParameterEncoding::Style(_) => "a schema with a style".to_owned(),
        ParameterEncoding::Content { media_type, .. } => format!("`{media_type}` content"),
    }
}

fn content_text(content: &[Content]) -> String {
    let types: Vec<String> =
        content.iter().map(|c| c.ty.as_ref().map(describe).unwrap_or_else(|| c.media_type.clone())).collect();
    types.join(", ")
}

fn compare_body(cx: &Context, out: &mut Out, old: Option<&RequestBody>, new: Option<&RequestBody>) {
    match (old, new) {
        (None, None) => {}
        (Some(_), None) => out.push(Class::Breaking, "request body removed"),
        (None, Some(b)) if b.required => {
            out.push(Class::Breaking, format!("required request body `{}` added", content_text(&b.content)))
        }
        (None, Some(b)) => {
            out.push(Class::Additive, format!("optional request body `{}` added", content_text(&b.content)))
        }
        (Some(a), Some(b)) => {
            if a.required != b.required {
                let detail = if b.required { "now required" } else { "now optional" };
                out.push(
                    Class::Breaking,
                    format!("request body {detail} (the client's body argument changes between `&T` and `Option<&T>`)"),
                );
            }
            compare_contents(cx, out, "request body", &a.content, &b.content, Direction::INPUT);
        }
    }
}

fn status_text(status: StatusCode) -> String {
    match status {
        StatusCode::Exact(code) => code.to_string(),
        StatusCode::Range(digit) => format!("{digit}XX"),
        StatusCode::Default => "default".to_owned(),
    }
}

fn compare_responses(cx: &Context, out: &mut Out, old: &[Response], new: &[Response]) {
    for r in old {
        let what = format!("response `{}`", status_text(r.status));
        match new.iter().find(|n| n.status == r.status) {
            None => out.push(Class::Breaking, format!("{what} removed")),
            Some(n) => {
                if r.content.is_empty() != n.content.is_empty() {
                    let detail = if n.content.is_empty() {
                        format!("body `{}` removed", content_text(&r.content))
                    } else {
                        format!("body `{}` added", content_text(&n.content))
                    };
                    out.push(Class::Breaking, format!("{what}: {detail}"));
                } else {
                    compare_contents(cx, out, &format!("{what} body"), &r.content, &n.content, Direction::OUTPUT);
                }
                compare_headers(cx, out, &what, r, n);
            }
        }
    }
    for n in new.iter().filter(|n| !old.iter().any(|r| r.status == n.status)) {
        let body = if n.content.is_empty() { String::new() } else { format!(" (body `{}`)", content_text(&n.content)) };
        out.push(Class::Additive, format!("response `{}` added{body}", status_text(n.status)));
    }
}

/// Compares the media types of a body (`body`: ``response `200` body``).
fn compare_contents(cx: &Context, out: &mut Out, body: &str, old: &[Content], new: &[Content], dir: Direction) {
    if let ([a], [b]) = (old, new) {
        if a.media_type != b.media_type {
            out.push(Class::Breaking, format!("{body}: media type `{}` → `{}`", a.media_type, b.media_type));
        }
        compare_schema(cx, out, body, a, b, dir);
        return;
    }
    for c in old {
        match new.iter().find(|n| n.media_type == c.media_type) {
            Some(n) => compare_schema(cx, out, &format!("{body} `{}`", c.media_type), c, n, dir),
            None => out.push(Class::Breaking, format!("{body}: media type `{}` removed", c.media_type)),
        }
    }
    for n in new.iter().filter(|n| !old.iter().any(|c| c.media_type == n.media_type)) {
        out.push(Class::Additive, format!("{body}: media type `{}` added", n.media_type));
    }
}

fn compare_schema(cx: &Context, out: &mut Out, what: &str, old: &Content, new: &Content, dir: Direction) {
    match (&old.ty, &new.ty) {
        (Some(a), Some(b)) => compare_use(cx, out, what, a, b, dir, Role::Value),
        (None, Some(b)) => out.push(Class::Breaking, format!("{what}: schema `{}` added", describe(b))),
        (Some(a), None) => out.push(Class::Breaking, format!("{what}: schema `{}` removed", describe(a))),
        (None, None) => {}
    }
}

fn compare_headers(cx: &Context, out: &mut Out, what: &str, old: &Response, new: &Response) {
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    for h in &old.headers {
        let header = format!("{what} header `{}`", h.name);
        match new.headers.iter().find(|n| same(&n.name, &h.name)) {
            None => out.push(Class::Breaking, format!("{header} removed")),
            Some(n) => {
                if h.required != n.required {
                    let verdict = if n.required { Verdict::Tightened } else { Verdict::Loosened };
                    let detail = if n.required { "now required" } else { "now optional" };
                    verdict_push(out, verdict, format!("{header}: {detail}"));
                }
                compare_use(cx, out, &header, &h.ty, &n.ty, Direction::OUTPUT, Role::Value);
            }
        }
    }
    for n in new.headers.iter().filter(|n| !old.headers.iter().any(|h| same(&h.name, &n.name))) {
        if n.required {
            out.push(Class::Breaking, format!("{what}: required header `{}` added (servers must send it)", n.name));
        } else {
            out.push(Class::Additive, format!("{what}: optional header `{}` added", n.name));
        }
    }
}

fn verdict_push(out: &mut Out, verdict: Verdict, message: String) {
    let dir = Direction::OUTPUT;
    out.push(verdict.class(dir), format!("{message} {}", verdict.note(dir)));
}

/// The alternatives of an operation's security, each a sorted list of
/// scheme names (old names read through the scheme renames); no security is
/// the one empty alternative.
fn alternatives(op: &Operation, rename: impl Fn(&str) -> String) -> BTreeSet<Vec<String>> {
    let mut set: BTreeSet<Vec<String>> = op
        .security
        .iter()
        .map(|req| {
            let mut schemes: Vec<String> = req.schemes.iter().map(|s| rename(&s.scheme)).collect();
            schemes.sort();
            schemes
        })
        .collect();
    if set.is_empty() {
        set.insert(Vec::new());
    }
    set
}

fn alternatives_text(set: &BTreeSet<Vec<String>>, rename_back: impl Fn(&str) -> String) -> String {
    let alternatives: Vec<String> = set
        .iter()
        .map(|schemes| {
            if schemes.is_empty() {
                "none".to_owned()
            } else {
                let names: Vec<String> = schemes.iter().map(|s| format!("`{}`", rename_back(s))).collect();
                names.join(" and ")
            }
        })
        .collect();
    alternatives.join(" or ")
}

/// Only a change beyond the schemes' renames is reported here; a renamed
/// scheme is reported once, under its name.
fn compare_security(cx: &Context, out: &mut Out, old: &Operation, new: &Operation) {
    let renamed = |name: &str| cx.schemes.get(name).unwrap_or(name).to_owned();
    let before = alternatives(old, renamed);
    let after = alternatives(new, |name| name.to_owned());
    if before == after {
        return;
    }
    let back = |name: &str| cx.schemes.old_name(name).unwrap_or(name).to_owned();
    let class = if before.is_subset(&after) { Class::Additive } else { Class::Breaking };
    out.push(
        class,
        format!(
            "security {} → {}",
            alternatives_text(&before, back),
            alternatives_text(&after, |name| name.to_owned())
        ),
    );
}
