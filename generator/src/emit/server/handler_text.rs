//! An operation's axum handler written as text ([`super::super::text`]):
//! the same function [`OpPlan::handler`] quotes, byte for byte, or `None`
//! where the handler needs a step not written here (a dispatcher's path
//! match, a strict JSON body, a body of several media types, a form body,
//! constraint checks other than a model's `Validate`, authentication
//! failures with their own bodies) or a line does not fit the layouts
//! written here (the caller then quotes it). GitHub's server file is about a
//! third handlers.

use quote::format_ident;

use super::super::stmt_text::Code;
use super::super::struct_text::type_text_in;
use super::super::text::{Fit, Lines, call, choose, lit};
use super::*;
use crate::ir::{Shape, TypeKind};
use crate::plan::decoding::{Decode, Parse};

/// The handler of `plan`, or `None` (see the module's docs).
pub(super) fn handler(plan: &OpPlan<'_>, api: &Api, strict: bool, models: &str) -> Option<String> {
    if strict || plan.path_match.is_some() || !plan.auth_rejects.is_empty() {
        return None;
    }
    let mut lines = Lines::new();
    let mut args: Vec<String> = Vec::new();
    if plan.unreachable.is_some() {
        lines.raw(0, "#[allow(dead_code)]");
    }
    let head = format!("async fn {}<A: Api>(", plan.names.handler);
    match choose(0, head.len()) {
        Fit::Flat => lines.raw(0, &head),
        Fit::Broken => {
            lines.line(0, &format!("async fn {}<", plan.names.handler));
            lines.raw(4, "A: Api,");
            lines.raw(0, ">(");
        }
    }
    lines.raw(4, "::axum::extract::State(shared): ::axum::extract::State<::std::sync::Arc<Shared<A>>>,");
    lines.raw(4, "request: ::axum::extract::Request,");
    lines.raw(0, ") -> ::axum::response::Response {");
    let uses_parts = plan.auth.is_some()
        || !plan.path.is_empty()
        || !plan.query.is_empty()
        || !plan.headers.is_empty()
        || plan.body.is_some();
    let parts = match (uses_parts, plan.path.is_empty()) {
        (false, _) => "_parts",
        (true, true) => "parts",
        (true, false) => "mut parts",
    };
    let body_var = if plan.body.is_some() { "body" } else { "_body" };
    lines.raw(4, &format!("let ({parts}, {body_var}) = request.into_parts();"));
    lines.raw(4, "let result = async {");
    if let Some(auth) = &plan.auth {
        lines.line(8, &format!("let caller = {}::<A>(&shared.api, &parts).await?;", auth.function));
        args.push("caller".to_owned());
    }
    if !plan.path.is_empty() {
        lines.raw(8, "let path = self::runtime::PathParams::from_parts(&mut parts).await?;");
        for (i, p) in plan.path.iter().enumerate() {
            let var = format!("path_param_{i}");
            let Decode::Scalar(parse) = p.decode else { return None };
            let wire = lit(&p.param.wire_name);
            let args = format!("{wire}, path.get({wire})?");
            turbofish_call(
                &mut lines,
                &format!("let {var} = "),
                parse_function(parse),
                &type_text(&parse.ty, models),
                &args,
            );
        }
        let vars: Vec<_> = (0..plan.path.len()).map(|i| format_ident!("path_param_{}", i)).collect();
        if !params::checks(api, &plan.path, &vars, &plan.m).is_empty() {
            return None;
        }
        args.extend(vars.iter().map(ToString::to_string));
    }
    if !plan.query.is_empty() {
        call(&mut lines, 8, &format!("let query = {}", plan.names.query_decoder), &["parts.uri.query()"], "?;");
        args.push("query".to_owned());
    }
    if !plan.headers.is_empty() {
        call(&mut lines, 8, &format!("let headers = {}", plan.names.headers_decoder), &["&parts.headers"], "?;");
        args.push("headers".to_owned());
    }
    if let Some(body) = &plan.body {
        if body.choice.is_some() {
            return None;
        }
        let option = body.options.first()?;
        lines.raw(8, "let bytes = self::runtime::read_body(");
        lines.raw(16, "&parts.headers,");
        lines.raw(16, "body,");
        lines.raw(16, "shared.config.body_limit(),");
        lines.raw(12, ")");
        lines.raw(12, ".await?;");
        let media: Vec<String> = option.media_types.iter().map(|m| lit(m)).collect();
        let media = format!("&[{}]", media.join(", "));
        let function = match option.kind {
            BodyKind::Json { .. } => {
                let args = format!("&parts.headers, &bytes, {media}");
                let ty = type_text(&option.ty, models);
                turbofish_call(&mut lines, "let body = ", "self::runtime::json_body", &ty, &args);
                None
            }
            BodyKind::Text => Some("self::runtime::text_body"),
            BodyKind::Bytes => Some("self::runtime::bytes_body"),
            BodyKind::Ranged => Some("self::runtime::ranged_body"),
            BodyKind::Form(_) => return None,
        };
        if let Some(function) = function {
            // A list of media types that does not fit a line of its own is broken.
            if !Lines::fits(12, media.len() + 1) {
                return None;
            }
            call(&mut lines, 8, &format!("let body = {function}"), &["&parts.headers", "&bytes", &media], "?;");
        }
        if body.required {
            lines.raw(8, "let body = body.ok_or_else(self::runtime::Rejection::missing_body)?;");
        }
        if let BodyKind::Json { .. } = option.kind {
            if validates(api, &option.ty) {
                let validate = Code::Block(
                    "{".to_owned(),
                    vec![
                        Code::Fixed("let value = present;".to_owned()),
                        Code::Fixed("let path: &str = \"\";".to_owned()),
                        Code::Line(format!("{models}validation::Validate::validate_at(value, path, out);")),
                    ],
                );
                let checks = if body.required {
                    vec![Code::Fixed("let present = &body;".to_owned()), validate]
                } else {
                    vec![Code::Block(
                        "if let ::std::option::Option::Some(present) = &body {".to_owned(),
                        vec![validate],
                    )]
                };
                let mut laid = String::new();
                for code in params::rejected_together(models, checks, "invalid_body_fields") {
                    code.write(&mut laid, 8)?;
                }
                lines.laid(&laid);
            } else if !option.checks(api, &plan.m).is_empty() {
                return None;
            }
        }
        args.push("body".to_owned());
    }
    ok_call(&mut lines, &plan.op.name, &args);
    lines.raw(4, "}");
    lines.raw(8, ".await;");
    lines.raw(4, "match result {");
    lines.raw(8, "::std::result::Result::Ok(response) => {");
    lines.raw(12, "::axum::response::IntoResponse::into_response(response)");
    lines.raw(8, "}");
    match &plan.reject_hook {
        None => lines.raw(8, "::std::result::Result::Err(rejection) => shared.reject(rejection),"),
        Some(hook) => {
            let closure = format!("|api, rejection| api.{hook}(rejection)");
            if Lines::fits(12, format!("shared.reject_with(rejection, {closure})").len()) {
                return None;
            }
            lines.raw(8, "::std::result::Result::Err(rejection) => {");
            lines.raw(12, "shared");
            call(&mut lines, 16, ".reject_with", &["rejection", &closure], "");
            lines.raw(8, "}");
        }
    }
    lines.raw(4, "}");
    lines.raw(0, "}");
    lines.finish()
}

/// The runtime's parser of a scalar path parameter (see [`params::parse`]).
pub(super) fn parse_function(parse: &Parse) -> &'static str {
    if parse.enumeration {
        "self::runtime::from_str_param"
    } else if parse.json {
        "self::runtime::from_value_param"
    } else {
        "self::runtime::from_param"
    }
}

fn type_text(ty: &Type, models: &str) -> String {
    let mut text = String::new();
    type_text_in(ty, models, &mut text);
    text
}

/// Whether a JSON body of `ty` is checked by its model's `Validate` alone
/// (what [`crate::emit::validate::checks`] writes for a struct or a union).
fn validates(api: &Api, ty: &Type) -> bool {
    match &ty.shape {
        Shape::Named(name) if !ty.nullable => {
            matches!(api.type_def(name).map(|d| &d.kind), Some(TypeKind::Struct(_) | TypeKind::Union(_)))
        }
        _ => false,
    }
}

/// `{prefix}{function}::<{ty}>({args})?;` at 8 spaces: on one line, or the
/// type on its own line.
fn turbofish_call(lines: &mut Lines, prefix: &str, function: &str, ty: &str, args: &str) {
    let flat = format!("{prefix}{function}::<{ty}>({args})?;");
    match choose(8, flat.len()) {
        Fit::Flat => lines.raw(8, &flat),
        Fit::Broken => {
            lines.line(8, &format!("{prefix}{function}::<"));
            lines.line(12, &format!("{ty},"));
            lines.line(8, &format!(">({args})?;"));
        }
    }
}

/// The async block's value: the trait method's answer, `Ok`.
fn ok_call(lines: &mut Lines, method: &str, args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let call_flat = format!("shared.api.{method}({})", args.join(", "));
    let flat = format!("::std::result::Result::<_, self::runtime::Rejection>::Ok({call_flat}.await)");
    if let Fit::Flat = choose(8, flat.len()) {
        lines.raw(8, &flat);
        return;
    }
    lines.raw(8, "::std::result::Result::<");
    lines.raw(12, "_,");
    lines.raw(12, "self::runtime::Rejection,");
    let ok = format!(">::Ok({call_flat}.await)");
    if let Fit::Flat = choose(8, ok.len()) {
        lines.raw(8, &ok);
        return;
    }
    lines.raw(8, ">::Ok(");
    // `prettyplease` does not count the comma after the last argument here.
    let awaited = format!("{call_flat}.await");
    match choose(12, awaited.len()) {
        Fit::Flat => lines.raw(12, &format!("{awaited},")),
        Fit::Broken => {
            lines.raw(12, "shared");
            lines.raw(16, ".api");
            call(lines, 16, &format!(".{method}"), &args, "");
            lines.raw(16, ".await,");
        }
    }
    lines.raw(8, ")");
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// A spec whose names, wire names, types and media types are `len`
    /// bytes long, with every step written as text: path parameters of each
    /// parser, query parameters (required, optional, with defaults of each
    /// kind written as text), headers, each kind of body (required or not),
    /// authentication, another bad-request schema (a rejection hook), and a
    /// name's length in every position around the margin.
    fn spec(len: usize) -> String {
        let long = |c: &str| c.repeat(len);
        let schema = format!("S{}", "x".repeat(len - 1));
        let object = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let named = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
        let ok = json!({"200": {"description": "ok", "content": {"application/json": {"schema": named("Out")}}},
                        "400": {"description": "bad", "content": {"application/json": {"schema": named("Error")}}}});
        let path = |name: &str, schema: serde_json::Value| json!({"name": name, "in": "path", "required": true, "schema": schema});
        let string = json!({"type": "string"});
        let media = format!("text/{}", long("m"));
        let spec = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                format!("/a/{{{}}}/{{b}}", long("p")): {"get": {
                    "operationId": format!("a{}", long("o")),
                    "parameters": [
                        path(&long("p"), string.clone()),
                        path("b", named("Kind")),
                        {"name": format!("q{}", "x".repeat(len / 3)), "in": "query", "schema": {"type": "integer"}},
                        {"name": format!("l{}", long("q")), "in": "query", "schema": string.clone()},
                        {"name": "r", "in": "query", "required": true, "schema": named(&format!("E{}", long("n")))},
                        {"name": "s", "in": "query", "required": true, "schema": {"type": "boolean"}},
                    ],
                    "responses": ok,
                }},
                "/b/{id}": {"post": {
                    "operationId": format!("b{}", long("o")),
                    "parameters": [
                        path("id", json!({"type": "integer", "format": "int64"})),
                        {"name": "x-h", "in": "header", "schema": {"type": "string"}},
                    ],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": named(&schema)}}},
                    "responses": ok,
                }},
                "/c": {"put": {
                    "operationId": "c",
                    "requestBody": {"content": {"application/json": {"schema": named(&schema)}}},
                    "responses": ok,
                }, "post": {
                    "operationId": format!("c{}", "o".repeat(len / 3)),
                    "requestBody": {"required": true, "content": {media.as_str(): {"schema": string.clone()}}},
                    "responses": ok,
                }},
                "/d/{id}": {"get": {
                    "operationId": format!("g{}", "o".repeat(len + 10)),
                    "parameters": [path("id", string.clone())],
                    "responses": ok,
                }, "delete": {
                    "operationId": format!("d{}", "o".repeat(len / 2)),
                    "parameters": [path("id", string.clone())],
                    "requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                    "responses": ok,
                }},
                format!("/e/{{{}}}", long("e")): {"get": {
                    "operationId": format!("e{}", "o".repeat(len / 4)),
                    "security": [{"key": []}],
                    "parameters": [path(&long("e"), named(&format!("E{}", long("n"))))],
                    "responses": ok,
                }},
                "/g": {"get": {
                    "operationId": "g",
                    "parameters": [{"name": format!("a{}", "x".repeat(len / 4)), "in": "query", "schema": {"type": "integer", "default": 1}}],
                    "responses": ok,
                }},
                "/h": {"get": {
                    "operationId": format!("h{}", "o".repeat(len / 3)),
                    "security": [
                        {format!("b{}", long("s")): []},
                        {format!("o{}", "s".repeat(len / 2)): ["read", "write"]},
                        {"basic": [], "digest": []},
                        {format!("q{}", "s".repeat(len / 3)): []},
                        {},
                    ],
                    "parameters": [
                        {"name": long("c"), "in": "query", "style": "form", "explode": false, "schema": {
                            "type": "array", "minItems": 1, "maxItems": 10, "uniqueItems": true,
                            "items": {"type": "string", "maxLength": len},
                        }},
                        {"name": "st", "in": "query", "required": true, "style": "pipeDelimited", "explode": false, "schema": {
                            "type": "array", "items": named(&format!("E{}", long("n"))), "uniqueItems": true,
                        }},
                        {"name": format!("n{}", "x".repeat(len / 2)), "in": "query", "schema": {"type": "string", "maxLength": 255}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 1000, "default": 10}},
                        {"name": "ratio", "in": "query", "required": true, "schema": {"type": "number", "exclusiveMinimum": true, "minimum": 0}},
                        {"name": "meta", "in": "query", "content": {"application/json": {"schema": {
                            "type": "object", "maxProperties": 1000, "additionalProperties": {"type": "string"},
                        }}}},
                        {"name": "tag", "in": "query", "style": "form", "explode": true, "schema": {
                            "type": "array", "maxItems": 3, "items": {"type": "string"},
                        }},
                    ],
                    "responses": ok,
                }},
                "/f": {"get": {
                    "operationId": format!("f{}", "o".repeat(len / 5)),
                    "parameters": [
                        {"name": "per_page", "in": "query", "schema": {"type": "integer", "default": 30}},
                        {"name": "s", "in": "query", "schema": {"type": "string", "default": long("v")}},
                        {"name": "k", "in": "query", "schema": {"type": "string", "enum": ["one", long("t")], "default": long("t")}},
                        {"name": long("w"), "in": "query", "schema": {"type": "number", "default": 1.5}},
                    ],
                    "responses": {"400": {"description": "bad", "content": {"application/json": {"schema": named(&format!("O{}", long("t")))}}}},
                }},
            },
            "components": {
                "schemas": {
                    "Out": object,
                    "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
                    format!("O{}", long("t")): {"type": "object", "properties": {"code": {"type": "integer"}}},
                    "Kind": {"type": "string", "enum": ["one", "two"]},
                    format!("E{}", long("n")): {"type": "string", "enum": ["one", "two"]},
                    schema: {"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}},
                },
                "securitySchemes": {
                    "key": {"type": "apiKey", "in": "header", "name": "x-key"},
                    format!("b{}", long("s")): {"type": "http", "scheme": "bearer", "description": long("d")},
                    format!("o{}", "s".repeat(len / 2)): {"type": "oauth2", "flows": {"clientCredentials": {
                        "tokenUrl": "https://example.com/token", "scopes": {"read": "r", "write": "w"},
                    }}},
                    "basic": {"type": "http", "scheme": "basic"},
                    "digest": {"type": "http", "scheme": "digest"},
                    format!("q{}", "s".repeat(len / 3)): {"type": "apiKey", "in": "query", "name": long("k")},
                },
            },
        });
        spec.to_string()
    }

    /// For names of every length around `prettyplease`'s margin: the server
    /// file with its regular items as text (handlers, trait methods, query
    /// structs, their `Default` impls and decoders, response enums) is the
    /// one with every item quoted.
    #[test]
    fn text_is_what_prettyplease_prints_at_every_width() {
        let (mut texts, mut total) = (0, 0);
        for len in 1..=110 {
            let api = crate::lower::lower(&crate::parse::parse(&spec(len)).expect("parse")).expect("lower");
            let plan = crate::plan::ServerPlan::new(&api).expect("plan");
            for models in ["crate::models", "::some_models", "::a_crate_with_a_rather_long_name::models::version_2024"]
            {
                let (quoted, none) =
                    super::super::emit(&api, &plan, "h", models, "crate::runtime", false).expect("quoted");
                assert_eq!(none, 0);
                let (written, n) = super::super::emit(&api, &plan, "h", models, "crate::runtime", true).expect("text");
                if written != quoted {
                    let line = written.lines().zip(quoted.lines()).position(|(a, b)| a != b).unwrap_or(0);
                    let show =
                        |text: &str| text.lines().skip(line.saturating_sub(12)).take(20).collect::<Vec<_>>().join("\n");
                    panic!("len {len}, {models}: text\n{}\n---- quoted\n{}", show(&written), show(&quoted));
                }
                if len == 10 && models.len() < 20 {
                    // Short names: every handler, method, response and query item is text
                    // (a long models path makes some lines too long for the modelled layouts).
                    assert_eq!(n, 40, "{models}");
                }
                texts += n;
                total += 3 * api.operations.len();
            }
        }
        assert!(texts * 10 > total * 4, "{texts} of {total} items as text");
    }
}
