//! What changed between two versions of a spec, for users of the crates
//! generated from it: `cargo xtask diff OLD NEW`.
//!
//! The comparison works on two lowered [`Api`]s, so it sees exactly what the
//! emitters see: resolved references, decided Rust names, merged parameters.
//! Operations are matched by method and path template with parameter names
//! ignored (`/pins/{id}` and `/pins/{requestid}` are one operation whose path
//! parameter was renamed); parameters by location and name (path parameters
//! by their place in the template); named types, fields, enum values,
//! responses and security schemes by name. A named type (or security scheme)
//! that disappears while one of the same shape appears is reported as
//! renamed (see [`Renames`]).
//!
//! # Classes
//!
//! Each change is [`Class::Breaking`], [`Class::Additive`] or [`Class::Info`],
//! from the point of view of code written against the crates generated from
//! the old spec: callers of the generated client, and implementers of the
//! generated server trait. A change is breaking when such code must change:
//! it no longer compiles, or, compiled unchanged, it may send what the other
//! side now refuses or receive what it was promised it would not. Additive
//! changes add something existing code need not use. Info changes need no
//! code change (a version number, a deprecation, an `operationId` that leaves
//! the generated names alone, a type renamed at a place where the rename
//! itself is already reported).
//!
//! The rules:
//!
//! - Removing anything (an operation, a parameter, a field, an enum value, a
//!   response, a type, a security scheme) is breaking: the Rust item is gone.
//!   Renaming a generated method or type, or a security scheme (the server's
//!   authentication hook is named after it), is breaking for the same
//!   reason. Renaming a path parameter is info: it is an argument by
//!   position, and the wire does not change (the method name derived from
//!   it, when there is no `operationId`, is reported on its own).
//! - Changing the type of a parameter, field, body or response body is
//!   breaking; so is anything that changes its Rust type: required ↔
//!   optional (`T` ↔ `Option<T>`; a query parameter moves between the
//!   method's arguments and its query struct), nullability, boxing.
//! - Adding a required parameter, request body or field is breaking (clients,
//!   or for fields of response types servers, must now send it); adding an
//!   optional one is additive. *Rust caveat*: adding any field to a generated
//!   struct breaks code that builds it with a struct literal and no
//!   `..Default::default()`; the report classifies by the API contract and
//!   does not count that.
//! - Constraints (`maxLength`, `minimum`, `pattern`, `uniqueItems`, ...) and
//!   enum values are limits on a value. Tightening is breaking: whoever sends
//!   the value (clients for requests, servers for responses) may send one
//!   that is no longer valid. Loosening is additive for values only clients
//!   send (parameters, request bodies, types used only there) and breaking
//!   for values servers send: clients may receive values they were promised
//!   not to. So an enum value added to a type used in responses is breaking
//!   (old clients cannot decode it, and exhaustive `match`es miss it); added
//!   to a request-only type it is additive (*Rust caveat*: an exhaustive
//!   `match` in a server implementation misses it). The direction of each
//!   named type is found from the operations of both specs ([`Usage`]); a
//!   type no operation uses counts as both.
//! - A default that changes value is breaking for requests (a request that
//!   leaves the value out means something else) and info for responses. A
//!   parameter's default added or removed is breaking: the generated server's
//!   query struct field changes between `T` and `Option<T>`.
//! - Adding a response status is additive (the server's response enum gains
//!   a variant; the client reports any status it does not expect as an
//!   error); removing one, or changing its body's type, is breaking.
//! - Security: an operation that accepts fewer schemes than before is
//!   breaking, more is additive.
//! - Docs (`description`, `summary`, examples) are not compared.

mod operations;
mod renames;
mod report;
mod types;
mod usage;

pub use operations::normalized_path;
pub use renames::Renames;
pub use report::{Change, Class, Report, Subject};
pub use usage::{Direction, Usage};

use crate::ir::{Api, Location, SecuritySchemeKind};

/// Compares two lowered specs. Never fails: every input gives a report.
pub fn diff(old: &Api, new: &Api) -> Report {
    let cx = Context {
        old,
        new,
        types: Renames::of_types(old, new),
        schemes: Renames::of_schemes(old, new),
        old_usage: Usage::of(old),
        new_usage: Usage::of(new),
    };
    let mut changes = Vec::new();
    compare_api(&cx, &mut changes);
    compare_schemes(&cx, &mut changes);
    for (o, n) in operations::pair(old, new) {
        let subject_op = n.or(o);
        let Some(op) = subject_op else { continue };
        let mut out =
            Out { subject: Subject::Operation { path: op.path.clone(), method: op.method }, changes: &mut changes };
        match (o, n) {
            (Some(o), Some(n)) => operations::compare(&cx, &mut out, o, n),
            (Some(o), None) => operations::removed(&mut out, o),
            (None, Some(n)) => operations::added(&mut out, n),
            (None, None) => {}
        }
    }
    compare_types(&cx, &mut changes);
    // Stable: within a subject, the order the comparison found the changes in.
    changes.sort_by(|a, b| a.subject.cmp(&b.subject));
    Report { changes }
}

/// Everything the comparisons read.
struct Context<'a> {
    old: &'a Api,
    new: &'a Api,
    types: Renames,
    schemes: Renames,
    old_usage: Usage,
    new_usage: Usage,
}

impl Context<'_> {
    /// The directions a type travels in, in either spec.
    fn direction(&self, old_name: &str, new_name: &str) -> Direction {
        self.old_usage.get(old_name).union(self.new_usage.get(new_name))
    }
}

/// Where the changes about one subject go.
struct Out<'o> {
    subject: Subject,
    changes: &'o mut Vec<Change>,
}

impl Out<'_> {
    fn push(&mut self, class: Class, message: impl Into<String>) {
        self.changes.push(Change { class, subject: self.subject.clone(), message: message.into() });
    }
}

/// `what: detail`, or `detail` when `what` is empty.
fn at(what: &str, detail: &str) -> String {
    if what.is_empty() { detail.to_owned() } else { format!("{what}: {detail}") }
}

fn compare_api(cx: &Context, changes: &mut Vec<Change>) {
    let mut out = Out { subject: Subject::Api, changes };
    let (old, new) = (cx.old, cx.new);
    if old.title != new.title {
        out.push(Class::Info, format!("title `{}` → `{}`", old.title, new.title));
    }
    if old.version != new.version {
        out.push(Class::Info, format!("version `{}` → `{}`", old.version, new.version));
    }
    if old.servers != new.servers {
        let list = |s: &[String]| if s.is_empty() { "none".to_owned() } else { format!("`{}`", s.join("`, `")) };
        out.push(Class::Info, format!("servers {} → {}", list(&old.servers), list(&new.servers)));
    }
}

fn compare_schemes(cx: &Context, changes: &mut Vec<Change>) {
    for scheme in &cx.old.security_schemes {
        let mut out = Out { subject: Subject::SecurityScheme(scheme.name.clone()), changes: &mut *changes };
        if let Some(new_name) = cx.schemes.get(&scheme.name) {
            out.push(
                Class::Breaking,
                format!("renamed to `{new_name}` (same kind; the server's authentication hook is renamed)"),
            );
            continue;
        }
        match cx.new.security_schemes.iter().find(|s| s.name == scheme.name) {
            None => out.push(Class::Breaking, "removed"),
            Some(new) if new.kind != scheme.kind => {
                out.push(Class::Breaking, format!("{} → {}", scheme_text(&scheme.kind), scheme_text(&new.kind)));
            }
            Some(_) => {}
        }
    }
    for scheme in &cx.new.security_schemes {
        let known = cx.old.security_schemes.iter().any(|s| s.name == scheme.name);
        if !known && cx.schemes.old_name(&scheme.name).is_none() {
            Out { subject: Subject::SecurityScheme(scheme.name.clone()), changes: &mut *changes }
                .push(Class::Additive, "added");
        }
    }
}

fn scheme_text(kind: &SecuritySchemeKind) -> String {
    match kind {
        SecuritySchemeKind::Http { scheme, .. } => format!("HTTP `{scheme}`"),
        SecuritySchemeKind::ApiKey { location, name } => {
            let location = match location {
                Location::Path => "path",
                Location::Query => "query",
                Location::Header => "header",
                Location::Cookie => "cookie",
            };
            format!("API key `{name}` in the {location}")
        }
        SecuritySchemeKind::OAuth2 { .. } => "OAuth 2".to_owned(),
        SecuritySchemeKind::OpenIdConnect { url } => format!("OpenID Connect `{url}`"),
    }
}

fn compare_types(cx: &Context, changes: &mut Vec<Change>) {
    for def in &cx.old.types {
        let mut out = Out { subject: Subject::Type(def.name.clone()), changes: &mut *changes };
        if let Some(new_name) = cx.types.get(&def.name) {
            out.push(Class::Breaking, format!("renamed to `{new_name}` (same shape; the Rust type name changes)"));
            if let Some(new) = cx.new.type_def(new_name) {
                types::compare_def(cx, &mut out, def, new, cx.direction(&def.name, new_name));
            }
            continue;
        }
        match cx.new.type_def(&def.name) {
            Some(new) => types::compare_def(cx, &mut out, def, new, cx.direction(&def.name, &new.name)),
            None => out.push(Class::Breaking, format!("removed ({})", types::kind_name(&def.kind))),
        }
    }
    for def in &cx.new.types {
        if cx.old.type_def(&def.name).is_none() && cx.types.old_name(&def.name).is_none() {
            Out { subject: Subject::Type(def.name.clone()), changes: &mut *changes }
                .push(Class::Additive, format!("added ({})", types::kind_name(&def.kind)));
        }
    }
}
