//! An operation's items written as text ([`crate::emit::text`]): its method
//! on `Client` (and, from [`super::query_struct`], its `{Op}Query`), the same
//! items [`OpPlan::emit`] quotes, byte for byte. Statements are written
//! flat where they surely fit and left to `prettyplease` where not
//! ([`crate::emit::stmt_text`]); what is not modelled here (a body of
//! several media types, a multipart body, a signature too long for the
//! layouts below) is quoted instead.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;
use crate::emit::stmt_text::{self, Code, Field, surely_fits};
use crate::emit::struct_text::type_text_in;
use crate::emit::text::{Lines, lit};
use crate::ir::TypeKind;

/// One item of the client file: written, or quoted.
pub(super) enum Piece {
    Text(String),
    Tokens(TokenStream),
}

impl OpPlan<'_> {
    /// The operation's items: as text where [`Self::text_pieces`] can write them.
    pub(super) fn pieces(&self) -> Result<Vec<Piece>> {
        match self.text_pieces() {
            Some(pieces) => Ok(pieces),
            None => Ok(vec![Piece::Tokens(self.emit()?)]),
        }
    }

    fn text_pieces(&self) -> Option<Vec<Piece>> {
        if let Some(b) = &self.body
            && (b.choice.is_some() || matches!(b.encoding, Encoding::Multipart(_)))
        {
            return None;
        }
        let method = self.method_text()?;
        let mut pieces = Vec::new();
        if !self.optional.is_empty() {
            match (self.query_struct_text(), self.query_impl_text()) {
                (Some(definition), Some(setters)) => {
                    pieces.push(Piece::Text(definition));
                    pieces.push(Piece::Text(setters));
                }
                _ => pieces.push(Piece::Tokens(self.query_struct())),
            }
        }
        pieces.extend(self.success_enum().map(Piece::Tokens));
        pieces.push(Piece::Text(method));
        Some(pieces)
    }

    pub(super) fn ty(&self, ty: &Type) -> String {
        let mut out = String::new();
        type_text_in(ty, self.models_text, &mut out);
        out
    }

    /// The operation's method, in `impl Client`.
    fn method_text(&self) -> Option<String> {
        let m = self.models_text;
        let op = self.op;
        let mut out = String::with_capacity(4096);
        out.push_str("impl Client {\n");
        push_docs(&mut out, 4, &crate::emit::doc_text(self.method_docs().iter().map(String::as_str)));
        if op.deprecated {
            push_line(&mut out, 4, "#[deprecated]");
        }

        // Arguments, and the owned copies the closure moves.
        let mut args = vec!["&self".to_owned()];
        let mut body = Vec::new();
        for p in &self.positional {
            let arg = p.arg_text();
            let rust = || self.ty(&p.ty);
            match p.wire {
                Wire::Segment(Scalar::Text)
                | Wire::Query(Scalar::Text)
                | Wire::Header(Scalar::Text)
                | Wire::Cookie(Scalar::Text) => {
                    args.push(format!("{arg}: &str"));
                    body.push(Code::Call(
                        format!("let {arg}: ::std::string::String = ::std::borrow::ToOwned::to_owned"),
                        vec![arg.clone()],
                        ";",
                    ));
                }
                Wire::Segment(_) | Wire::Query(_) | Wire::Header(_) | Wire::Cookie(_) => {
                    args.push(format!("{arg}: {}", rust()))
                }
                Wire::QueryArray { item_type, .. }
                | Wire::HeaderArray { item_type, .. }
                | Wire::CookieArray { item_type, .. } => {
                    args.push(format!("{arg}: &[{}]", self.ty(item_type)));
                    body.push(Code::Call(
                        format!("let {arg}: {} = ::std::borrow::ToOwned::to_owned", rust()),
                        vec![arg.clone()],
                        ";",
                    ));
                }
                _ => {
                    args.push(format!("{arg}: &{}", rust()));
                    body.push(Code::Call(
                        format!("let {arg}: {} = ::std::clone::Clone::clone", rust()),
                        vec![arg.clone()],
                        ";",
                    ));
                }
            }
        }
        if let Some(b) = &self.body {
            args.push(format!("{}: {}", b.name, self.body_arg_text(b)));
        }
        if !self.optional.is_empty() {
            args.push(format!("query: &{}", self.names.query));
        }

        // Constraint checks.
        let mut checks = Vec::new();
        for p in &self.positional {
            let arg = p.arg_text();
            let value = format!("&{arg}");
            let segment = p.checks_segment();
            let guard = guard_code(p, &value).or_else(|| self.positional_guard(p).map(Code::Tokens));
            let validate = validate::check_codes(self.api, &p.ty, &value, &lit(&p.p.wire_name), m);
            if !segment && guard.is_none() && validate.is_empty() {
                continue;
            }
            let mut block = vec![Code::Line("let out = &mut violations;".to_owned())];
            if segment {
                block.push(Code::Line(format!("check_segment(&{arg}, {}, out);", lit(&p.p.wire_name))));
            }
            block.extend(guard);
            block.extend(validate);
            checks.push(Code::Block("{".to_owned(), block));
        }
        for p in &self.optional {
            let guard = guard_code(p, "given").or_else(|| self.optional_guard(p).map(Code::Tokens));
            let validate = validate::check_codes(self.api, &p.ty, "given", &lit(&p.p.wire_name), m);
            if guard.is_none() && validate.is_empty() {
                continue;
            }
            let mut block = vec![Code::Line("let out = &mut violations;".to_owned())];
            block.extend(guard);
            block.extend(validate);
            checks.push(Code::Block(
                format!("if let ::std::option::Option::Some(given) = &query.{} {{", p.p.name),
                block,
            ));
        }
        match self.body_validate_at() {
            Some(check) => checks.push(check),
            None => checks.extend(self.body_checks().into_iter().map(Code::Tokens)),
        }
        if !checks.is_empty() {
            body.push(Code::Line(format!(
                "let mut violations: ::std::vec::Vec<{m}validation::Violation> = ::std::vec::Vec::new();"
            )));
            body.extend(checks);
            body.push(Code::Line(format!("{m}validation::Violations::check(violations)?;")));
        }

        // The path.
        body.push(Code::Line("let mut path = ::std::string::String::new();".to_owned()));
        for piece in self.path {
            match piece {
                PathPiece::Literal(text) => body.push(Code::Line(match text.chars().collect::<Vec<_>>().as_slice() {
                    [one] => format!("path.push({});", proc_macro2::Literal::character(*one)),
                    _ => format!("path.push_str({});", lit(text)),
                })),
                PathPiece::Param(i) => {
                    let p = &self.positional[*i];
                    let arg = p.arg_text();
                    match p.wire {
                        Wire::Segment(Scalar::Text) => body.push(Code::Call(
                            "encode_into".to_owned(),
                            vec!["&mut path".to_owned(), format!("&{arg}")],
                            ";",
                        )),
                        Wire::Segment(scalar) => body.push(Code::Call(
                            "encode_into".to_owned(),
                            vec!["&mut path".to_owned(), format!("&{}(&{arg})", scalar_function(*scalar))],
                            ";",
                        )),
                        _ => body.push(Code::Tokens(self.path_param(p).ok()?)),
                    }
                }
            }
        }

        // The query.
        let mut query = Vec::new();
        for p in &self.positional {
            query.extend(query_push_text(p, &format!("&{}", p.arg_text())));
        }
        for p in &self.optional {
            let pushes = query_push_text(p, "value");
            if !pushes.is_empty() {
                query.push(Code::Block(
                    format!("if let ::std::option::Option::Some(value) = &query.{} {{", p.p.name),
                    pushes,
                ));
            }
        }
        let has_query = !query.is_empty();
        if has_query {
            body.push(Code::Line("let mut query_string = QueryString::default();".to_owned()));
            body.extend(query);
        }

        // Header and cookie parameters.
        let mut headers = Vec::new();
        for p in &self.positional {
            let arg = p.arg();
            headers.extend(header_push(p, quote!(&#arg)).map(Code::Tokens));
        }
        for p in &self.optional {
            if let Some(push) = header_push(p, quote!(value)) {
                headers.push(Code::Block(
                    format!("if let ::std::option::Option::Some(value) = &query.{} {{", p.p.name),
                    vec![Code::Tokens(push)],
                ));
            }
        }
        let has_headers = !headers.is_empty();
        if has_headers {
            body.push(Code::Line("let mut headers = HeaderParams::default();".to_owned()));
            body.extend(headers);
            body.push(Code::Line("let headers = headers.finish()?;".to_owned()));
        }

        // The request.
        let (ret, decode, accept_json) = self.response_text()?;
        let mut fields = vec![Field::flat(format!("method: ::reqwest::Method::{},", op.method.as_str()))];
        fields.push(Field::flat("path,".to_owned()));
        if has_query {
            fields.push(Field::flat("query: query_string,".to_owned()));
        }
        if has_headers {
            fields.push(Field::flat("headers,".to_owned()));
        }
        if accept_json {
            fields.push(Field::flat("accept_json: true,".to_owned()));
        }
        if let Some(b) = &self.body {
            fields.push(self.body_field_text(b));
        }
        if let Some(url) = op.servers.first() {
            fields.push(Field::flat(format!("server: ::std::option::Option::Some({}),", lit(url))));
        }
        if let Some(auth) = &self.auth_text {
            fields.push(auth.clone());
        }
        fields.push(Field::flat("..::std::default::Default::default()".to_owned()));
        body.push(Code::Rigid("let request = runtime::Request {".to_owned(), fields, "};".to_owned()));
        body.push(Code::Line("::std::result::Result::Ok(request)".to_owned()));

        // The signature: on one line, or a parameter a line (and the return
        // type's arguments a line each when it is too long on its own).
        let name = &op.name;
        let ret_line = format!(") -> runtime::Call<Client, {ret}> {{");
        let flat = format!("pub fn {name}({}{ret_line}", args.join(", "));
        if Lines::fits(4, flat.len()) {
            push_line(&mut out, 4, &flat);
        } else {
            push_line(&mut out, 4, &format!("pub fn {name}("));
            for (i, arg) in args.iter().enumerate() {
                // (The last comma is written only when broken: not counted.)
                let comma = usize::from(i + 1 < args.len());
                generic_lines(&mut out, 8, arg, ",", comma)?;
            }
            if Lines::fits(4, ret_line.len()) {
                push_line(&mut out, 4, &ret_line);
            } else {
                push_line(&mut out, 4, ") -> runtime::Call<");
                push_line(&mut out, 8, "Client,");
                generic_lines(&mut out, 8, &ret, ",", 0)?;
                push_line(&mut out, 4, "> {");
            }
        }

        // The body: the request checked and encoded in a closure, then the call.
        push_line(&mut out, 8, "let request = (|| -> ::std::result::Result<runtime::Request, Error> {");
        for code in &body {
            code.write(&mut out, 12)?;
        }
        push_line(&mut out, 8, "})();");
        out.push_str(concat!(
            "        self.0\n",
            "            .call(\n",
            "                request,\n",
            "                |raw| {\n",
            "                    if raw.status.is_success() {\n",
        ));
        decode.write(&mut out, 24)?;
        push_line(&mut out, 20, "} else {");
        Code::Line(format!("let documented = {};", status_pattern_text(self.failures))).write(&mut out, 24)?;
        out.push_str(concat!(
            "                        ::std::result::Result::Err(Error::from_failure(raw, documented))\n",
            "                    }\n",
            "                },\n",
            "            )\n",
            "    }\n",
            "}\n",
        ));
        Some(out)
    }

    /// The check of a body that is a struct or union (a call of its
    /// `Validate`), as [`validate::checks`] writes it for one; `None` for
    /// other bodies ([`Self::body_checks`] quotes theirs).
    fn body_validate_at(&self) -> Option<Code> {
        let b = self.body.as_ref().filter(|b| b.choice.is_none() && !b.slice && !b.ty.nullable)?;
        if !matches!(b.encoding, Encoding::Json(_) | Encoding::Form(_)) {
            return None;
        }
        let name = b.ty.named()?;
        if !matches!(self.api.type_def(name)?.kind, TypeKind::Struct(_) | TypeKind::Union(_)) {
            return None;
        }
        let arg = b.name.to_string();
        let check = Code::Block(
            "{".to_owned(),
            vec![
                Code::Fixed(format!("let value = {arg};")),
                Code::Fixed(format!("let path: &str = {};", lit(crate::naming::unraw(&arg)))),
                Code::Line(format!("{}validation::Validate::validate_at(value, path, out);", self.models_text)),
            ],
        );
        let body = vec![Code::Fixed("let out = &mut violations;".to_owned()), check];
        if b.required {
            return Some(Code::Block("{".to_owned(), body));
        }
        // The pattern's argument on a line of its own where even the
        // pattern does not fit (what counts after it is not modelled).
        let pattern = format!("if let ::std::option::Option::Some({arg})");
        let head = format!("{pattern} = {arg} {{");
        Some(match (surely_fits(12, head.len()), Lines::fits(12, pattern.len())) {
            (true, _) | (false, true) => Code::Block(head, body),
            (false, false) => Code::BrokenBlock(
                vec![
                    (0, "if let ::std::option::Option::Some(".to_owned()),
                    (4, format!("{arg},")),
                    (0, format!(") = {arg} {{")),
                ],
                head,
                body,
            ),
        })
    }

    /// The method's argument type for the body `b` (as [`Body::new`] quotes it).
    fn body_arg_text(&self, b: &Body) -> String {
        let plan_slice = match (&b.encoding, &b.slice_item) {
            (Encoding::Json(_), Some(item)) => Some(format!("[{}]", self.ty(item))),
            _ => None,
        };
        let inner = match &b.encoding {
            Encoding::Json(_) | Encoding::Form(_) => {
                format!("&{}", plan_slice.unwrap_or_else(|| self.ty(&b.ty)))
            }
            Encoding::Raw(_) | Encoding::Ranged => {
                if b.ty.shape == Shape::Primitive(Primitive::String) { "&str" } else { "&[u8]" }.to_owned()
            }
            Encoding::Multipart(plan) => format!("&{}", plan.name),
        };
        if b.required { inner } else { format!("::std::option::Option<{inner}>") }
    }

    /// The request's `body` field: flat, and its lines where it does not fit
    /// on one (a required JSON body; `None`: left to `prettyplease`).
    fn body_field_text(&self, b: &Body) -> Field {
        let name = b.name.to_string();
        let (media, encode) = match &b.encoding {
            Encoding::Json(media) => (lit(media), format!("::serde_json::to_vec({name}).map_err(Error::Encode)?")),
            Encoding::Raw(media) if b.ty.shape == Shape::Primitive(Primitive::String) => {
                (lit(media), format!("::std::vec::Vec::from({name}.as_bytes())"))
            }
            Encoding::Raw(media) => (lit(media), format!("::std::vec::Vec::from({name})")),
            Encoding::Ranged => (lit("application/octet-stream"), format!("::std::vec::Vec::from({name})")),
            Encoding::Form(plan) => {
                let name = &b.name;
                (String::new(), form_encoding::encode_form(plan, &quote!(#name)).to_string())
            }
            Encoding::Multipart(_) => (String::new(), "::std::option::Option::None".to_owned()),
        };
        let encode = if media.is_empty() { encode } else { format!("({media}, {encode})") };
        let flat = if b.required {
            format!("body: ::std::option::Option::Some({encode}),")
        } else {
            format!(
                "body: match {name} {{ ::std::option::Option::Some({name}) => ::std::option::Option::Some({encode}), \
                 ::std::option::Option::None => ::std::option::Option::None, }},"
            )
        };
        // Where `flat` does not fit: a JSON body's lines, as `prettyplease`
        // breaks them (16 spaces in: the fields of the request).
        let broken = match &b.encoding {
            Encoding::Json(_) if b.required => {
                json_tuple_lines(&name, &media, 16, "body: ::std::option::Option::Some((", ")),")
            }
            Encoding::Json(_) => (|| {
                let mut lines = vec![(16, format!("body: match {name} {{"))];
                // Flat where all of it surely fits, broken where the pattern
                // alone does not fit (what counts after it is not modelled).
                let pattern = format!("::std::option::Option::Some({name})");
                let flat = stmt_text::surely_fits(20, pattern.len() + 5);
                match (flat, Lines::fits(20, pattern.len())) {
                    (true, _) => lines.push((20, format!("{pattern} => {{"))),
                    (false, true) => return None,
                    (false, false) => lines.extend([
                        (20, "::std::option::Option::Some(".to_owned()),
                        (24, format!("{name},")),
                        (20, ") => {".to_owned()),
                    ]),
                }
                lines.extend(json_tuple_lines(&name, &media, 24, "::std::option::Option::Some((", "))")?);
                lines.extend([
                    (20, "}".to_owned()),
                    (20, "::std::option::Option::None => ::std::option::Option::None,".to_owned()),
                    (16, "},".to_owned()),
                ]);
                Some(lines)
            })(),
            _ => None,
        };
        let broken = broken.map(|lines| lines.into_iter().map(|(at, line)| (at - 16, line)).collect());
        Field { flat, broken, may_be_flat: !matches!(b.encoding, Encoding::Form(_)) && b.required }
    }

    /// The method's return type, its decoding of a success and whether it
    /// asks for JSON (as [`Self::response`] quotes them).
    fn response_text(&self) -> Option<(String, Code, bool)> {
        let failures = !self.failures.is_empty();
        Some(match self.success {
            Success::Unit => ("()".to_owned(), Code::Line("::std::result::Result::Ok(())".to_owned()), failures),
            Success::Text => ("::std::string::String".to_owned(), Code::Line("raw.text()".to_owned()), failures),
            Success::Bytes => ("::std::vec::Vec<u8>".to_owned(), Code::Line("raw.bytes()".to_owned()), failures),
            Success::Statuses(_) => {
                let (_, decode, accept_json) = self.response();
                (self.names.success.clone(), Code::Tokens(decode), accept_json)
            }
            Success::Strict(ty) => {
                let ty = self.ty(ty);
                let flat = format!("raw.decode::<{ty}>()");
                // The type a line deeper where the call does not fit.
                let decode = match stmt_text::fits_or_not(24, flat.len()) {
                    Some(false) if !ty.contains('<') => Code::Laid(
                        vec![(0, "raw.decode::<".to_owned()), (8, format!("{ty},")), (4, ">()".to_owned())],
                        flat,
                    ),
                    _ => Code::Line(flat),
                };
                (ty, decode, true)
            }
            Success::Lenient(ty, lists) => {
                let ty = self.ty(ty);
                let skips: Vec<(String, String)> = lists
                    .iter()
                    .map(|(field, item)| {
                        let field = match field {
                            Some(f) => format!("::std::option::Option::Some({})", lit(f)),
                            None => "::std::option::Option::None".to_owned(),
                        };
                        (self.ty(item), field)
                    })
                    .collect();
                let decode = lenient_decode(&ty, skips);
                (format!("Decoded<{ty}>"), decode, true)
            }
        })
    }
}

impl Param<'_> {
    /// [`Param::arg`] as text.
    fn arg_text(&self) -> String {
        crate::plan::client::argument_name(&self.p.name)
    }
}

/// `head`, the media type and `::serde_json::to_vec(name)` of a JSON body
/// a line deeper, and `tail`, at `at` spaces: the tuple broken as
/// `prettyplease` breaks it (the call chain on one line, its `.map_err`
/// on the next, or the name on a line of its own too); `None` where a
/// line is too close to the margin to tell.
fn json_tuple_lines(name: &str, media: &str, at: usize, head: &str, tail: &str) -> Option<Vec<(usize, String)>> {
    let to_vec = format!("::serde_json::to_vec({name})");
    let chain = format!("{to_vec}.map_err(Error::Encode)?,");
    let item = at + 4;
    let mut lines = vec![(at, head.to_owned()), (item, format!("{media},"))];
    // (The tuple's last comma is written only when broken: not counted.)
    if stmt_text::fits_or_not(item, chain.len() - 1)? {
        lines.push((item, chain));
    } else if stmt_text::fits_or_not(item, to_vec.len())? {
        lines.extend([(item, to_vec), (item + 4, ".map_err(Error::Encode)?,".to_owned())]);
    } else {
        lines.extend([
            (item, "::serde_json::to_vec(".to_owned()),
            (item + 8, format!("{name},")),
            (item + 4, ")".to_owned()),
            (item + 4, ".map_err(Error::Encode)?,".to_owned()),
        ]);
    }
    lines.push((at, tail.to_owned()));
    Some(lines)
}

/// `text` (a parameter, `name: Type`, or a type) and `tail` at `indent`:
/// on one line where it fits (`counted`: the bytes of `tail` that count),
/// or with the arguments of its outermost generic a line deeper where it
/// has one (`name: Option<`, `&T,`, `>,`); `None` where neither is known
/// to be what `prettyplease` prints. A type without generics never breaks.
fn generic_lines(out: &mut String, indent: usize, text: &str, tail: &str, counted: usize) -> Option<()> {
    if !text.contains('<') || Lines::fits(indent, text.len() + counted) {
        push_line(out, indent, &format!("{text}{tail}"));
        return Some(());
    }
    let (head, inner) = split_generic(text)?;
    // The generic's only argument: its comma is written only when broken.
    if inner.contains('<') && !Lines::fits(indent + 4, inner.len()) {
        return None;
    }
    push_line(out, indent, &format!("{head}<"));
    push_line(out, indent + 4, &format!("{inner},"));
    push_line(out, indent, &format!(">{tail}"));
    Some(())
}

/// `Head<Inner>` as `Head` and `Inner`, for a generic of one argument.
fn split_generic(text: &str) -> Option<(&str, &str)> {
    match crate::emit::text::generic_args(text)? {
        (head, args) if args.len() == 1 => Some((head, args[0])),
        _ => None,
    }
}

/// A list parameter's delimiter guard as text, as [`delimiter_checks`]
/// quotes it (`value`: `given` or `&arg`); `None` for the other guards.
fn guard_code(p: &Param<'_>, value: &str) -> Option<Code> {
    let Wire::QueryArray { item, guard: true, delimiter, .. } = p.wire else { return None };
    let iter = match value.strip_prefix('&') {
        None => format!("{value}.iter()"),
        Some(_) => format!("::std::iter::IntoIterator::into_iter({value})"),
    };
    let args = vec![
        format!("{iter}.map({})", scalar_function(*item)),
        proc_macro2::Literal::character(delimiter.char()).to_string(),
        lit(delimiter.style().spec_name()),
        lit(&p.p.wire_name),
        "out".to_owned(),
    ];
    Some(Code::Call("check_delimited".to_owned(), args, ";"))
}

/// `date_time` or `::std::string::ToString::to_string` ([`Scalar::function`]).
fn scalar_function(scalar: Scalar) -> &'static str {
    match scalar {
        Scalar::DateTime => "date_time",
        Scalar::Text | Scalar::Display => "::std::string::ToString::to_string",
    }
}

/// Statements adding a parameter to `query_string` ([`query_push`]):
/// scalars written, the other forms quoted.
fn query_push_text(p: &Param<'_>, value: &str) -> Vec<Code> {
    let wire_name = lit(&p.p.wire_name);
    let push = match p.wire {
        Wire::Query(Scalar::Text) => Code::Line(format!("query_string.push({wire_name}, {value});")),
        Wire::Query(scalar) => {
            Code::Line(format!("query_string.push({wire_name}, &{}({value}));", scalar_function(*scalar)))
        }
        Wire::QueryArray { item, explode: true, .. } => Code::Block(
            format!("for item in {value} {{"),
            vec![Code::Line(format!("query_string.push({wire_name}, &{}(item));", scalar_function(*item)))],
        ),
        _ => {
            let tokens: TokenStream = match value.parse() {
                Ok(tokens) => tokens,
                Err(_) => return Vec::new(),
            };
            return query_push(p, tokens).map(Code::Tokens).into_iter().collect();
        }
    };
    if p.allow_reserved {
        vec![
            Code::Line("query_string.set_allow_reserved(true);".to_owned()),
            push,
            Code::Line("query_string.set_allow_reserved(false);".to_owned()),
        ]
    } else {
        vec![push]
    }
}

/// `raw.decode_lenient::<T>(|value, skipped| { skip_items::<I>(..); })` at
/// 24 spaces (the tail of the success branch), as `prettyplease` lays it
/// out: the type arguments always on their own lines (the closure's block
/// breaks the call), each `skip_items` on one line where it fits.
fn lenient_decode(ty: &str, skips: Vec<(String, String)>) -> Code {
    let calls: Vec<String> =
        skips.iter().map(|(item, field)| format!("skip_items::<{item}>(value, {field}, skipped);")).collect();
    let flat = format!("raw.decode_lenient::<{ty}>(|value, skipped| {{ {} }})", calls.join(" "));
    let mut lines =
        vec![(0, "raw.decode_lenient::<".to_owned()), (8, format!("{ty},")), (4, ">(|value, skipped| {".to_owned())];
    for ((item, field), call) in skips.iter().zip(calls) {
        let args = format!(">(value, {field}, skipped);");
        // Flat where all of it surely fits; broken where even the call
        // without its `;` does not fit; else left to `prettyplease`.
        let fits = |text: &str| match stmt_text::fits_or_not(28, text.len()) {
            Some(false) if Lines::fits(28, text.len() - 1) => None,
            fits => fits,
        };
        match (fits(&call), fits(&args)) {
            (Some(true), _) => lines.push((4, call)),
            (Some(false), Some(true)) => {
                lines.extend([(4, "skip_items::<".to_owned()), (8, format!("{item},")), (4, args)])
            }
            (Some(false), Some(false)) => lines.extend([
                (4, "skip_items::<".to_owned()),
                (8, format!("{item},")),
                (4, ">(".to_owned()),
                (8, "value,".to_owned()),
                (8, format!("{field},")),
                (8, "skipped,".to_owned()),
                (4, ");".to_owned()),
            ]),
            // Too close to the margin to tell: all of it left to `prettyplease`.
            _ => return Code::Pretty(flat),
        }
    }
    lines.push((0, "})".to_owned()));
    Code::Laid(lines, flat)
}

/// [`status_pattern`] as text (as `prettyplease` prints the macro's tokens: `400..= 401`).
fn status_pattern_text(codes: &BTreeSet<u16>) -> String {
    let runs = status_runs(codes);
    if runs.is_empty() {
        return "false".to_owned();
    }
    let patterns: Vec<String> = runs
        .iter()
        .map(|&(start, end)| if start == end { start.to_string() } else { format!("{start}..= {end}") })
        .collect();
    format!("matches!(raw.status.as_u16(), {})", patterns.join(" | "))
}

pub(super) fn push_line(out: &mut String, indent: usize, text: &str) {
    out.extend(std::iter::repeat_n(' ', indent));
    out.push_str(text);
    out.push('\n');
}

pub(super) fn push_docs(out: &mut String, indent: usize, lines: &[String]) {
    for line in lines {
        out.extend(std::iter::repeat_n(' ', indent));
        out.push_str("///");
        out.push_str(line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests;
