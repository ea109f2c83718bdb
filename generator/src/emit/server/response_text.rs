//! A response enum, its body enums and header structs, and its
//! `IntoResponse` impl written as text ([`super::super::text`]): the same
//! items [`super::responses`] quotes, byte for byte, or `None` where a line
//! does not fit the layouts written here (the caller then quotes them).
//! GitHub's server file is about a third response enums and their impls.

use super::super::doc_text;
use super::super::struct_text::type_text_in;
use super::super::text::{Lines, call, impl_header, lit};
use super::status_key;
use crate::ir::StatusCode;
use crate::plan::responses::{HeaderText, Kind, Representation, ResponseBody, ResponseHeaders, Variant};

/// The items of the response enum `name` (documented by `docs`, a
/// paragraph), one blank line apart; named types behind `models` (`crate::models::`).
pub(super) fn items(name: &str, docs: &str, variants: &[Variant], models: &str) -> Option<String> {
    if variants.is_empty() {
        return None;
    }
    let mut items = vec![definition(name, docs, variants, models)?];
    for v in variants {
        if let Some(ResponseBody::Choice { name, options }) = &v.body {
            items.push(choice_enum(name, options, v.status, models)?);
        }
        if let Some(h) = &v.headers {
            items.push(header_struct(h, v.status, models)?);
        }
    }
    items.push(into_response(name, variants)?);
    let items: Vec<&str> = items.iter().map(|item| item.trim_end()).collect();
    Some(items.join("\n\n"))
}

fn definition(name: &str, docs: &str, variants: &[Variant], models: &str) -> Option<String> {
    let mut lines = Lines::new();
    lines.docs(0, &doc_text([docs]));
    lines.raw(0, "#[derive(Debug, Clone, PartialEq)]");
    lines.line(0, &format!("pub enum {name} {{"));
    for v in variants {
        let doc = format!("`{}`: {}", status_key(v.status), v.description.trim());
        lines.docs(4, &doc_text([doc.as_str()]));
        let mut fields = Vec::new();
        match v.status {
            StatusCode::Exact(_) => {}
            StatusCode::Range(digit) => {
                fields.push(format!("self::runtime::{}Status", crate::naming::status_range(digit)))
            }
            StatusCode::Default => fields.push("::axum::http::StatusCode".to_owned()),
        }
        match &v.body {
            None => {}
            Some(ResponseBody::One(r)) => fields.push(body_type(r, models)),
            Some(ResponseBody::Choice { name, .. }) => fields.push(name.clone()),
        }
        if let Some(h) = &v.headers {
            fields.push(h.name.clone());
        }
        if fields.is_empty() {
            lines.line(4, &format!("{},", v.name));
        } else {
            let flat = format!("{}({}),", v.name, fields.join(", "));
            if Lines::fits(4, flat.len()) {
                lines.raw(4, &flat);
            } else {
                // `prettyplease` puts the fields a line each.
                lines.line(4, &format!("{}(", v.name));
                for field in &fields {
                    lines.line(8, &format!("{field},"));
                }
                lines.raw(4, "),");
            }
        }
    }
    lines.raw(0, "}");
    lines.finish()
}

/// The Rust type of a body of one media type.
fn body_type(r: &Representation, models: &str) -> String {
    match r.kind {
        Kind::Json => {
            let mut text = String::new();
            type_text_in(&r.ty, models, &mut text);
            text
        }
        Kind::Text => "::std::string::String".to_owned(),
        Kind::Bytes => "::std::vec::Vec<u8>".to_owned(),
    }
}

fn choice_enum(name: &str, options: &[(String, Representation)], status: StatusCode, models: &str) -> Option<String> {
    if options.is_empty() {
        return None;
    }
    let mut lines = Lines::new();
    let docs = format!(
        "The body of a `{}` response, in one of the media types the spec documents for it.",
        status_key(status)
    );
    lines.docs(0, &doc_text([docs.as_str()]));
    lines.raw(0, "#[derive(Debug, Clone, PartialEq)]");
    lines.line(0, &format!("pub enum {name} {{"));
    for (option, r) in options {
        lines.docs(4, &[format!(" Sent as `{}`.", r.media)]);
        lines.line(4, &format!("{option}({}),", body_type(r, models)));
    }
    lines.raw(0, "}");
    lines.finish()
}

fn header_struct(h: &ResponseHeaders, status: StatusCode, models: &str) -> Option<String> {
    if h.fields.is_empty() {
        return None;
    }
    let mut lines = Lines::new();
    let docs = format!(
        "The headers the spec documents for a `{}` response (`None` leaves an optional one out).",
        status_key(status)
    );
    lines.docs(0, &doc_text([docs.as_str()]));
    if h.fields.iter().all(|f| !f.required) {
        lines.raw(0, "#[derive(Debug, Clone, PartialEq, Default)]");
    } else {
        lines.raw(0, "#[derive(Debug, Clone, PartialEq)]");
    }
    lines.line(0, &format!("pub struct {} {{", h.name));
    for f in &h.fields {
        lines.docs(4, &[format!(" `{}`{}.", f.wire, if f.required { " (required)" } else { "" })]);
        let mut ty = String::new();
        if f.required {
            type_text_in(&f.ty, models, &mut ty);
        } else {
            ty.push_str("::std::option::Option<");
            type_text_in(&f.ty, models, &mut ty);
            ty.push('>');
        }
        lines.line(4, &format!("pub {}: {ty},", f.field));
    }
    lines.raw(0, "}");
    lines.finish()
}

/// A call: the function's path and its arguments.
type Call = (&'static str, Vec<String>);

fn into_response(name: &str, variants: &[Variant]) -> Option<String> {
    let mut lines = Lines::new();
    impl_header(&mut lines, "impl ::axum::response::IntoResponse", name);
    lines.raw(4, "fn into_response(self) -> ::axum::response::Response {");
    lines.raw(8, "match self {");
    for v in variants {
        let mut elements = Vec::new();
        let status = match v.status {
            StatusCode::Exact(code) => format!("self::runtime::status({code})"),
            StatusCode::Range(_) => {
                elements.push("status");
                "status.status_code()".to_owned()
            }
            StatusCode::Default => {
                elements.push("status");
                "status".to_owned()
            }
        };
        if v.body.is_some() {
            elements.push("body");
        }
        if v.headers.is_some() {
            elements.push("headers");
        }
        let path = format!("Self::{}", v.name);
        let path = path.as_str();
        match (&v.body, &v.headers) {
            (None, None) => arm(&mut lines, 12, path, &elements, &empty(&status)),
            (Some(ResponseBody::One(r)), None) => arm(&mut lines, 12, path, &elements, &respond(r, &status)),
            (Some(ResponseBody::Choice { name, options }), None) => {
                arm_head(&mut lines, 12, path, &elements);
                lines.raw(16, "match body {");
                choice_arms(&mut lines, 20, name, options, &status);
                lines.raw(16, "}");
                lines.raw(12, "}");
            }
            (body, Some(h)) => {
                arm_head(&mut lines, 12, path, &elements);
                match body {
                    None => let_response(&mut lines, &empty(&status)),
                    Some(ResponseBody::One(r)) => let_response(&mut lines, &respond(r, &status)),
                    Some(ResponseBody::Choice { name, options }) => {
                        lines.raw(16, "let mut response = match body {");
                        choice_arms(&mut lines, 20, name, options, &status);
                        lines.raw(16, "};");
                    }
                }
                for f in &h.fields {
                    let args = ["&mut response".to_owned(), lit(&f.wire), header_text(f.text, f.list)];
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    if f.required {
                        lines.raw(16, "{");
                        lines.line(20, &format!("let value = &headers.{};", f.field));
                        call(&mut lines, 20, "self::runtime::set_header", &args, ";");
                        lines.raw(16, "}");
                    } else {
                        lines.line(16, &format!("if let ::std::option::Option::Some(value) = &headers.{} {{", f.field));
                        call(&mut lines, 20, "self::runtime::set_header", &args, ";");
                        lines.raw(16, "}");
                    }
                }
                lines.raw(16, "response");
                lines.raw(12, "}");
            }
        }
    }
    lines.raw(8, "}");
    lines.raw(4, "}");
    lines.raw(0, "}");
    lines.finish()
}

fn empty(status: &str) -> Call {
    ("self::runtime::empty_response", vec![status.to_owned()])
}

fn respond(r: &Representation, status: &str) -> Call {
    let media = lit(&r.media);
    match r.kind {
        Kind::Json => ("self::runtime::json_response_as", vec![status.to_owned(), "&body".to_owned(), media]),
        Kind::Text | Kind::Bytes => ("self::runtime::raw_response", vec![status.to_owned(), "body".to_owned(), media]),
    }
}

fn choice_arms(lines: &mut Lines, indent: usize, name: &str, options: &[(String, Representation)], status: &str) {
    for (option, r) in options {
        arm(lines, indent, &format!("{name}::{option}"), &["body"], &respond(r, status));
    }
}

/// `path(elements) => call,` on one line, or the call in a block on its own lines.
fn arm(lines: &mut Lines, indent: usize, path: &str, elements: &[&str], (head, args): &Call) {
    let call_flat = format!("{head}({})", args.join(", "));
    let flat = format!("{} => {call_flat}", pattern(path, elements));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // `prettyplease` does not count the comma after an arm.
    if Lines::fits(indent, flat.len()) {
        lines.raw(indent, &format!("{flat},"));
    } else if head_fits(indent, path, elements) {
        lines.line(indent, &format!("{} => {{", pattern(path, elements)));
        call(lines, indent + 4, head, &args, "");
        lines.raw(indent, "}");
    } else {
        broken_pattern(lines, indent, path, elements);
        if Lines::fits(indent, 5 + call_flat.len()) {
            lines.raw(indent, &format!(") => {call_flat},"));
        } else {
            lines.raw(indent, ") => {");
            call(lines, indent + 4, head, &args, "");
            lines.raw(indent, "}");
        }
    }
}

fn pattern(path: &str, elements: &[&str]) -> String {
    if elements.is_empty() { path.to_owned() } else { format!("{path}({})", elements.join(", ")) }
}

/// Whether `path(elements) => {` stays on one line: `prettyplease` counts
/// ` => ` (the tests show it at every width), not the brace.
fn head_fits(indent: usize, path: &str, elements: &[&str]) -> bool {
    elements.is_empty() || Lines::fits(indent, pattern(path, elements).len() + 4)
}

/// `path(` and the elements a line each (the caller writes the `)` line).
fn broken_pattern(lines: &mut Lines, indent: usize, path: &str, elements: &[&str]) {
    lines.line(indent, &format!("{path}("));
    for element in elements {
        lines.raw(indent + 4, &format!("{element},"));
    }
}

/// `path(elements) => {` before a block (a broken pattern is not modelled there).
fn arm_head(lines: &mut Lines, indent: usize, path: &str, elements: &[&str]) {
    if !head_fits(indent, path, elements) {
        lines.give_up();
    }
    lines.raw(indent, &format!("{} => {{", pattern(path, elements)));
}

/// `let mut response = call;` at 16 spaces.
fn let_response(lines: &mut Lines, (head, args): &Call) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    call(lines, 16, &format!("let mut response = {head}"), &args, ";");
}

/// The text of the expression of the text of a header `value`.
fn header_text(text: HeaderText, list: bool) -> String {
    let function = match text {
        HeaderText::DateTime => "self::runtime::date_time_text",
        HeaderText::Display => "::std::string::ToString::to_string",
        HeaderText::Json => "self::runtime::json_header_text",
        HeaderText::Simple => "self::runtime::simple_header_text",
    };
    if list {
        format!("value.iter().map({function}).collect::<::std::vec::Vec<_>>().join(\",\")")
    } else {
        format!("{function}(value)")
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::{FileText, doc_lines, ident};
    use super::super::responses;
    use super::*;
    use crate::ir::{Primitive, Shape, Type};
    use crate::plan::responses::HeaderField;
    use crate::pointer::Pointer;

    fn json(ty: Shape, media: &str) -> Representation {
        Representation { kind: Kind::Json, ty: Box::new(Type::new(ty)), media: media.to_owned() }
    }

    fn text(kind: Kind, media: &str) -> Representation {
        Representation { kind, ty: Box::new(Type::new(Shape::Primitive(Primitive::String))), media: media.to_owned() }
    }

    fn header(field: &str, wire: &str, ty: Shape, required: bool, text: HeaderText, list: bool) -> HeaderField {
        HeaderField { field: field.to_owned(), wire: wire.to_owned(), ty: Type::new(ty), required, text, list }
    }

    fn variant(
        status: StatusCode,
        name: &str,
        body: Option<ResponseBody>,
        headers: Option<ResponseHeaders>,
    ) -> Variant {
        Variant { status, name: name.to_owned(), description: "A response.".to_owned(), body, headers }
    }

    /// The items of `name` as text and as formatted tokens: equal, or not
    /// written as text (`false`).
    fn compare(name: &str, variants: &[Variant], models: &str) -> bool {
        let docs = "What it answers.";
        let Some(text) = items(name, docs, variants, models) else { return false };
        let m: proc_macro2::TokenStream = models.parse().expect("models path");
        let mut quoted = FileText::new("");
        quoted
            .tokens(responses::items(&ident(name), doc_lines([docs]), variants, &m), &Pointer::root())
            .expect("parse");
        let mut written = FileText::new("");
        written.text(&text);
        assert_eq!(written.finish(), quoted.finish(), "{name}");
        true
    }

    /// Names, types, media types and header names of every length around
    /// `prettyplease`'s margin, with every kind of status, body and header:
    /// the text is the printed tokens, or is not written.
    #[test]
    fn text_is_what_prettyplease_prints_at_every_width() {
        let (mut texts, mut total) = (0, 0);
        for len in 1..=110 {
            let long = format!("T{}", "x".repeat(len - 1));
            let snake = "f".repeat(len);
            let media = "m".repeat(len);
            let named = |n: &str| Shape::Named(n.to_owned());
            let one = |ty: &str, media: &str| Some(ResponseBody::One(json(named(ty), media)));
            let headers = |name: &str, field: &str, wire: &str| ResponseHeaders {
                name: name.to_owned(),
                fields: vec![
                    header(field, wire, Shape::Primitive(Primitive::Int64), false, HeaderText::Display, false),
                    header("x_rate", wire, named("Rate"), true, HeaderText::Json, false),
                    header("d", "d", Shape::Primitive(Primitive::DateTime), true, HeaderText::DateTime, false),
                    header("s", "s", named("Obj"), false, HeaderText::Simple, false),
                ],
            };
            let choice = |name: &str, option: &str, media: &str| ResponseBody::Choice {
                name: name.to_owned(),
                options: vec![
                    ("ApplicationJson".to_owned(), json(named("T"), media)),
                    (option.to_owned(), text(Kind::Text, media)),
                    ("Bytes".to_owned(), text(Kind::Bytes, "application/octet-stream")),
                ],
            };
            let array = Shape::Array(Box::new(Type::new(named(&long))));
            let cases: Vec<(String, Vec<Variant>, &str)> = vec![
                // The enum's name.
                (
                    long.clone(),
                    vec![variant(StatusCode::Exact(200), "Ok", one("T", "application/json"), None)],
                    "crate::models::",
                ),
                // A variant's name, in its arm and its definition.
                (
                    "R".to_owned(),
                    vec![
                        variant(StatusCode::Exact(204), &long, None, None),
                        variant(StatusCode::Range(4), &long, one("E", "a/b"), None),
                        variant(StatusCode::Default, &long, Some(ResponseBody::One(text(Kind::Text, "t/p"))), None),
                    ],
                    "crate::models::",
                ),
                // A body's type and media type.
                (
                    "R".to_owned(),
                    vec![
                        variant(StatusCode::Exact(200), "Ok", one(&long, &media), None),
                        variant(
                            StatusCode::Exact(201),
                            "Created",
                            Some(ResponseBody::One(json(array.clone(), "a/j"))),
                            None,
                        ),
                        variant(
                            StatusCode::Range(5),
                            "ServerError",
                            Some(ResponseBody::One(text(Kind::Bytes, &media))),
                            None,
                        ),
                    ],
                    "::some_models::",
                ),
                // Bodies of several media types.
                (
                    "R".to_owned(),
                    vec![
                        variant(StatusCode::Exact(200), "Ok", Some(choice(&long, "Text", "a/j")), None),
                        variant(StatusCode::Exact(201), "Created", Some(choice("C", &long, &media)), None),
                    ],
                    "crate::models::",
                ),
                // Headers: the struct's, a field's and a header's names, with each kind of body.
                (
                    "R".to_owned(),
                    vec![
                        variant(StatusCode::Exact(200), "Ok", one("T", &media), Some(headers(&long, "a", "a"))),
                        variant(StatusCode::Exact(201), "Created", None, Some(headers("H", &snake, "w"))),
                        variant(
                            StatusCode::Exact(202),
                            "Accepted",
                            Some(choice("C", "Text", "a/j")),
                            Some(headers("H2", "a", &snake)),
                        ),
                        variant(
                            StatusCode::Default,
                            "Default",
                            Some(ResponseBody::One(json(array, "a/j"))),
                            Some(headers("H3", "b", "b")),
                        ),
                    ],
                    "crate::models::",
                ),
            ];
            for (name, variants, models) in &cases {
                total += 1;
                if compare(name, variants, models) {
                    texts += 1;
                }
            }
        }
        // A list header's joined values never fit a broken call's line: quoted.
        let list = header(
            "x_list",
            "x-list",
            Shape::Array(Box::new(Type::new(Shape::Primitive(Primitive::String)))),
            false,
            HeaderText::Display,
            true,
        );
        let headers = ResponseHeaders { name: "H".to_owned(), fields: vec![list] };
        let listed = [variant(StatusCode::Exact(200), "Ok", None, Some(headers))];
        assert!(!compare("R", &listed, "crate::models::"));
        // Names up to about 40 bytes (GitHub's longest are about that) are
        // written as text; longer ones push lines past the margin: quoted.
        assert!(texts * 10 > total * 4, "{texts} of {total} items as text");
    }
}
