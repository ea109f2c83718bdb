//! An operation's query struct, its `Default` impl and its decoder written
//! as text ([`super::super::text`]): the same items
//! [`OpPlan::query_items`] quotes, byte for byte, each `None` where it
//! needs what is not written here (a default other than a number, a
//! boolean, a string or an enum's variant) or a line does not fit the
//! layouts written here (the caller then quotes it). A decoder's
//! parameters other than single scalars and delimited lists, and its
//! constraint checks, are laid out by [`stmt_text`](super::super::stmt_text).

use proc_macro2::Literal;

use super::super::stmt_text::Code;
use super::super::struct_text::type_text_in;
use super::super::text::{Fit, Lines, choose, impl_header, lit};
use super::handler_text::parse_function;
use super::*;
use crate::plan::decoding::{Decode, Default};

/// The query struct of `plan`.
pub(super) fn query_struct(plan: &OpPlan<'_>, models: &str) -> Option<String> {
    let mut lines = Lines::new();
    lines.docs(0, &doc_text([plan.query_docs().as_str()]));
    lines.raw(0, "#[derive(Debug, Clone, PartialEq)]");
    lines.line(0, &format!("pub struct {} {{", plan.names.query));
    for p in &plan.query {
        let docs = p.doc_paragraphs(&format!("`{}`", p.param.wire_name));
        lines.docs(4, &doc_text(docs.iter().map(String::as_str)));
        lines.line(4, &format!("pub {}: {},", p.param.name, field_type(p, models)));
    }
    lines.raw(0, "}");
    lines.finish()
}

/// The Rust type of a query struct's field.
fn field_type(p: &ParamPlan<'_>, models: &str) -> String {
    let mut ty = String::new();
    if p.optional {
        ty.push_str("::std::option::Option<");
        type_text_in(&p.ty, models, &mut ty);
        ty.push('>');
    } else {
        type_text_in(&p.ty, models, &mut ty);
    }
    ty
}

/// The `Default` impl of the query struct `name`, when every parameter is optional.
pub(super) fn default_impl(name: &str, params: &[ParamPlan<'_>], models: &str) -> Option<String> {
    let mut lines = Lines::new();
    impl_header(&mut lines, "impl ::std::default::Default", name);
    lines.raw(4, "/// Every parameter absent: the spec's defaults, `None` elsewhere.");
    lines.raw(4, "fn default() -> Self {");
    let mut fields = Vec::new();
    for p in params {
        let value = match p.planned_default {
            Some(default) => default_text(default, models)?,
            None => "::std::option::Option::None".to_owned(),
        };
        fields.push(format!("{}: {value}", p.param.name));
    }
    struct_literal(&mut lines, 8, "", name, &fields, "");
    lines.raw(4, "}");
    lines.raw(0, "}");
    lines.finish()
}

/// `{head}{name} { fields }{tail}` at `indent`: on one line, or a field a
/// line. `prettyplease` keeps a struct expression on one line only when it
/// fits and, up to its closing brace, is at most 34 wide.
fn struct_literal(lines: &mut Lines, indent: usize, head: &str, name: &str, fields: &[String], tail: &str) {
    let literal = format!("{name} {{ {} ", fields.join(", "));
    let flat = format!("{head}{literal}}}{tail}");
    match choose(indent, flat.len()) {
        Fit::Flat if literal.len() <= 34 => lines.raw(indent, &flat),
        _ => {
            lines.line(indent, &format!("{head}{name} {{"));
            for field in fields {
                lines.line(indent + 4, &format!("{field},"));
            }
            lines.raw(indent, &format!("}}{tail}"));
        }
    }
}

/// A default as [`params::default_expr`] quotes it, for the kinds written here.
fn default_text(default: &Default, models: &str) -> Option<String> {
    Some(match default {
        Default::Int32(v) => Literal::i32_suffixed(*v).to_string(),
        Default::Int64(v) => Literal::i64_suffixed(*v).to_string(),
        Default::Float(v) => Literal::f32_suffixed(*v).to_string(),
        Default::Double(v) => Literal::f64_suffixed(*v).to_string(),
        Default::Bool(v) => v.to_string(),
        Default::String(v) => format!("::std::string::String::from({})", lit(v)),
        Default::Variant { ty, variant } => format!("{models}{ty}::{variant}"),
        Default::DateTime { .. } | Default::Date { .. } | Default::Array(_) => return None,
    })
}

/// The query decoder of `plan`: single scalars and delimited lists as
/// modelled here, other parameters and the constraint checks as
/// [`stmt_text`] lays them out.
pub(super) fn decoder(plan: &OpPlan<'_>, api: &Api, models: &str) -> Option<String> {
    let vars: Vec<String> = (0..plan.query.len()).map(|i| format!("query_param_{i}")).collect();
    let name = &plan.names.query;
    let mut text = String::new();
    let mut lines = Lines::new();
    lines.line(0, &format!("fn {}(", plan.names.query_decoder));
    lines.raw(4, "raw: ::std::option::Option<&str>,");
    let output = format!(") -> ::std::result::Result<{name}, self::runtime::Rejection> {{");
    match choose(0, output.len()) {
        Fit::Flat => lines.raw(0, &output),
        Fit::Broken => {
            lines.raw(0, ") -> ::std::result::Result<");
            lines.line(4, &format!("{name},"));
            lines.raw(4, "self::runtime::Rejection,");
            lines.raw(0, "> {");
        }
    }
    lines.raw(4, "let query = self::runtime::QueryString::parse(raw)?;");
    let mut fields = Vec::new();
    for (p, var) in plan.query.iter().zip(&vars) {
        let wire = lit(&p.param.wire_name);
        let (function, parse, extra) = match p.decode {
            Decode::Scalar(parse) => ("query_value", parse, None),
            Decode::List { parse, explode: false, delimiter } => {
                ("query_list", parse, Some(Literal::character(delimiter.char()).to_string()))
            }
            _ => {
                flush(&mut lines, &mut text)?;
                Code::Tokens(p.decode_query(&format_ident!("{var}"))).write(&mut text, 4)?;
                fields.push(format!("{}: {var}", p.param.name));
                continue;
            }
        };
        let mut ty = String::new();
        type_text_in(&parse.ty, models, &mut ty);
        let call = Call { function, wire: &wire, extra: extra.as_deref(), parse: parse_function(parse), ty: &ty };
        lines.line(4, &format!("let {var} = match query.single({wire})? {{"));
        some_arm(&mut lines, &call, p.optional);
        none_arm(&mut lines, p, &wire, models)?;
        lines.raw(4, "};");
        fields.push(format!("{}: {var}", p.param.name));
    }
    flush(&mut lines, &mut text)?;
    for code in params::check_codes(api, &plan.query, &vars, models) {
        code.write(&mut text, 4)?;
    }
    struct_literal(&mut lines, 4, "::std::result::Result::Ok(", name, &fields, ")");
    lines.raw(0, "}");
    flush(&mut lines, &mut text)?;
    Some(text)
}

/// Appends the lines so far to `text` (`None` where one did not fit).
fn flush(lines: &mut Lines, text: &mut String) -> Option<()> {
    text.push_str(&std::mem::replace(lines, Lines::new()).finish()?);
    Some(())
}

/// `self::runtime::{function}({wire}, raw, [{extra}, ]{parse}::<{ty}>)?`:
/// a parameter's value read from its one occurrence.
struct Call<'a> {
    function: &'a str,
    wire: &'a str,
    /// A list's delimiter (`','`).
    extra: Option<&'a str>,
    parse: &'a str,
    ty: &'a str,
}

impl Call<'_> {
    fn flat(&self) -> String {
        let Call { function, wire, extra, parse, ty } = self;
        let extra = extra.map(|extra| format!("{extra}, ")).unwrap_or_default();
        format!("self::runtime::{function}({wire}, raw, {extra}{parse}::<{ty}>)?")
    }
}

/// `Some(raw) => value,`: the parsed value (`Some` of it when optional).
fn some_arm(lines: &mut Lines, call: &Call<'_>, optional: bool) {
    let value = call.flat();
    let wrapped = if optional { format!("::std::option::Option::Some({value})") } else { value.clone() };
    let flat = format!("::std::option::Option::Some(raw) => {wrapped}");
    if let Fit::Flat = choose(8, flat.len()) {
        lines.raw(8, &format!("{flat},"));
        return;
    }
    lines.raw(8, "::std::option::Option::Some(raw) => {");
    if !optional {
        call_lines(lines, 12, call, "");
    } else if let Fit::Flat = choose(12, wrapped.len()) {
        lines.raw(12, &wrapped);
    } else {
        lines.raw(12, "::std::option::Option::Some(");
        call_lines(lines, 16, call, ",");
        lines.raw(12, ")");
    }
    lines.raw(8, "}");
}

/// `call` at `indent`, then `tail`.
fn call_lines(lines: &mut Lines, indent: usize, call: &Call<'_>, tail: &str) {
    let flat = call.flat();
    // `prettyplease` does not count the comma after an argument here.
    if let Fit::Flat = choose(indent, flat.len()) {
        lines.raw(indent, &format!("{flat}{tail}"));
        return;
    }
    let parse = format!("{}::<{}>", call.parse, call.ty);
    lines.raw(indent, &format!("self::runtime::{}(", call.function));
    lines.line(indent + 4, &format!("{},", call.wire));
    lines.raw(indent + 4, "raw,");
    if let Some(extra) = call.extra {
        lines.raw(indent + 4, &format!("{extra},"));
    }
    // `prettyplease` does not count the comma after the last argument.
    match choose(indent + 4, parse.len()) {
        Fit::Flat => lines.raw(indent + 4, &format!("{parse},")),
        Fit::Broken => {
            lines.raw(indent + 4, &format!("{}::<", call.parse));
            lines.line(indent + 8, &format!("{},", call.ty));
            lines.raw(indent + 4, ">,");
        }
    }
    lines.raw(indent, &format!(")?{tail}"));
}

/// `None => missing,`: `400` when required, else the default or `None`.
fn none_arm(lines: &mut Lines, p: &ParamPlan<'_>, wire: &str, models: &str) -> Option<()> {
    let missing = if p.param.required {
        format!(
            "return ::std::result::Result::Err(self::runtime::Rejection::invalid_parameter({wire}, \"is required\"))"
        )
    } else {
        match p.planned_default {
            Some(default) => default_text(default, models)?,
            None => "::std::option::Option::None".to_owned(),
        }
    };
    let flat = format!("::std::option::Option::None => {missing}");
    if let Fit::Flat = choose(8, flat.len()) {
        lines.raw(8, &format!("{flat},"));
        return Some(());
    }
    lines.raw(8, "::std::option::Option::None => {");
    if p.param.required {
        lines.raw(12, "return ::std::result::Result::Err(");
        lines.line(16, &format!("self::runtime::Rejection::invalid_parameter({wire}, \"is required\"),"));
        lines.raw(12, ");");
    } else {
        lines.line(12, &missing);
    }
    lines.raw(8, "}");
    Some(())
}
