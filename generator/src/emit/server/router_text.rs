//! `router_with_config` written as text ([`super::super::text`]): the same
//! function [`super::router::with_config`] quotes, byte for byte, or `None`
//! where a line does not fit the layouts written here (the caller then
//! quotes it). GitHub's is 5.8k lines, a statement per route.

use super::super::text::{Fit, Lines, choose, lit};
use super::router::Registered;

/// `router_with_config`, registering `routes`.
pub(super) fn with_config(routes: &[Registered]) -> Option<String> {
    let mut lines = Lines::new();
    lines.raw(0, "/// The router for `api` with these settings (the body size limit).");
    lines.raw(0, "pub fn router_with_config<A: Api>(");
    lines.raw(4, "api: A,");
    lines.raw(4, "config: self::runtime::Config,");
    lines.raw(0, ") -> ::axum::Router {");
    lines.raw(4, "let shared = ::std::sync::Arc::new(Shared { api, config });");
    lines.raw(4, "let router = ::axum::Router::new();");
    for (path, methods) in routes {
        route(&mut lines, path, methods);
    }
    lines.raw(4, "router.fallback(not_found::<A>).with_state(shared)");
    lines.raw(0, "}");
    lines.finish()
}

/// `let router = router.route(path, methods);` at 4 spaces.
fn route(lines: &mut Lines, path: &str, methods: &[(String, String)]) {
    let [(first, first_handler), rest @ ..] = methods else { return };
    let path = lit(path);
    let first = (format!("::axum::routing::{first}"), format!("{first_handler}::<A>"));
    let mut links: Vec<(String, String)> = rest.iter().map(|(m, h)| (format!(".{m}"), format!("{h}::<A>"))).collect();
    links.push((".fallback".to_owned(), "method_not_allowed::<A>".to_owned()));
    let chain: String = std::iter::once(&first).chain(&links).map(|(head, arg)| format!("{head}({arg})")).collect();
    // A route short enough for one line, or for `.route(..)` on one line,
    // needs a handler name shorter than `handle_` and one letter: not modelled.
    let call_flat = format!(".route({path}, {chain});");
    if let Fit::Flat = choose(8, call_flat.len()) {
        lines.give_up();
    }
    lines.raw(4, "let router = router");
    lines.raw(8, ".route(");
    // A literal and a name: nothing `prettyplease` could break.
    lines.raw(12, &format!("{path},"));
    // `prettyplease` does not count the comma after the last argument.
    match choose(12, chain.len()) {
        Fit::Flat => lines.raw(12, &format!("{chain},")),
        Fit::Broken => {
            let head = format!("{}({})", first.0, first.1);
            match choose(12, head.len()) {
                Fit::Flat => lines.raw(12, &head),
                // The arguments of a broken chain's first call are indented
                // as the chain's links.
                Fit::Broken => {
                    lines.line(12, &format!("{}(", first.0));
                    handler_line(lines, &first.1);
                    lines.raw(16, ")");
                }
            }
            let last = links.len() - 1;
            for (i, (head, arg)) in links.iter().enumerate() {
                let tail = if i == last { "," } else { "" };
                match choose(16, head.len() + arg.len() + 2) {
                    Fit::Flat => lines.raw(16, &format!("{head}({arg}){tail}")),
                    Fit::Broken => {
                        lines.line(16, &format!("{head}("));
                        handler_line(lines, arg);
                        lines.raw(16, &format!("){tail}"));
                    }
                }
            }
        }
    }
    lines.raw(8, ");");
}

/// A handler (`name::<A>`) as a broken call's argument at 20 spaces:
/// `prettyplease` does not count the comma after it, and breaks its
/// `::<A>` where it does not fit (a name, even longer, cannot break).
fn handler_line(lines: &mut Lines, handler: &str) {
    match (choose(20, handler.len()), handler.strip_suffix("::<A>")) {
        (Fit::Flat, _) => lines.raw(20, &format!("{handler},")),
        (Fit::Broken, Some(name)) => {
            lines.raw(20, &format!("{name}::<"));
            lines.raw(24, "A,");
            lines.raw(20, ">,");
        }
        (Fit::Broken, None) => lines.give_up(),
    }
}
