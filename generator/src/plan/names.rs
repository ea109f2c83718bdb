//! The names of the items generated per operation, decided in one pass over
//! the whole API, and the one check that no two items of a file get the
//! same name.
//!
//! Lowering names the operations (`name`, snake_case, unique, and
//! `type_name`, its UpperCamelCase form) and the model types; everything
//! the client and server files add is named here after them:
//!
//! | item | client | server |
//! |---|---|---|
//! | method (of `Client`, of the `Api` trait) | `name` | `name` |
//! | optional parameters / query parameters | `{Op}Query` | `{Op}Query` |
//! | header and cookie parameters | | `{Op}Headers` |
//! | what an operation answers | `{Op}Success` (2xx bodies differ) | `{Op}Response` |
//! | a response's media types, headers | | `{Op}{Status}Body`, `{Op}{Status}Headers` |
//! | a multipart body | `{Op}Multipart` | `{Op}Multipart` |
//! | a body of several media types | `{Op}RequestBody`, method `{op}_with_body` | `{Op}RequestBody` |
//! | functions | | `handle_{op}`, `decode_{op}_query`, `decode_{op}_headers`, `decode_{op}_form`, `decode_{op}_multipart`, `dispatch_handle_{op}` |
//! | authentication hooks | | `authenticate_{scheme}` |
//!
//! Two items of one file with one name would not compile: [`names`] renames
//! them by the one rule, [`crate::naming::disambiguate`] (an operation named
//! like another's `{Op}{Status}Headers`: the one whose place in the spec comes
//! first keeps the name, the other gets `2`). Method
//! names the client or the server trait itself uses ([`RESERVED_METHODS`],
//! [`RESERVED_TRAIT_METHODS`]) are never given to an operation: lowering
//! names operations by the renaming rule, [`crate::naming::disambiguate`],
//! which skips them (`new` → `new_2`).
//! The handful of fixed items of each file (`Client`, `Error`, `Api`, ...)
//! cannot collide: every generated type name ends in a suffix none of them has.

use crate::error::Result;
use crate::ir::{Api, Location, Operation};
use crate::naming::{status_variant, unraw};
use crate::pointer::Pointer;

pub use crate::naming::{RESERVED_METHODS, RESERVED_TRAIT_METHODS};

/// The names of everything generated for one operation. Every name is a Rust
/// identifier (raw where it is a keyword: `r#match`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationNames {
    /// The client's method and the server trait's method.
    pub method: String,
    /// `{Op}Query`: the client's optional parameters, the server's query parameters.
    pub query: String,
    /// `{Op}Headers`: the server's header and cookie parameters.
    pub headers: String,
    /// `{Op}Success`: the client's success enum.
    pub success: String,
    /// `{Op}Response`: the server's response enum.
    pub response: String,
    /// `{Op}Multipart`: a multipart body's struct.
    pub multipart: String,
    /// `{Op}RequestBody`: the options of a request body of several media
    /// types (the client's argument, the server's `body`).
    pub request_body: String,
    /// `{op}_with_body`: the client's method sending any option of the body.
    pub with_body: String,
    /// `handle_{op}`: the server's axum handler.
    pub handler: String,
    /// `dispatch_handle_{op}`: the dispatcher of a route, named after its
    /// least specific operation.
    pub dispatcher: String,
    /// `decode_{op}_query`.
    pub query_decoder: String,
    /// `decode_{op}_headers`.
    pub headers_decoder: String,
    /// `decode_{op}_form`.
    pub form_decoder: String,
    /// `decode_{op}_multipart`.
    pub multipart_decoder: String,
    /// `{Op}{Status}`: the prefix of the types of one response, in the
    /// order of [`Operation::responses`].
    pub responses: Vec<String>,
    /// `{Op}{Status}Body`: the enum of a response's media types, per response.
    pub response_bodies: Vec<String>,
    /// `{Op}{Status}Headers`: the struct of a response's headers, per response.
    pub response_header_structs: Vec<String>,
}

impl OperationNames {
    /// The names of `op`'s items (unchecked: [`names`] checks them all together).
    pub fn of(op: &Operation) -> OperationNames {
        let (t, bare) = (&op.type_name, unraw(&op.name));
        OperationNames {
            method: op.name.clone(),
            query: format!("{t}Query"),
            headers: format!("{t}Headers"),
            success: format!("{t}Success"),
            response: format!("{t}Response"),
            multipart: format!("{t}Multipart"),
            request_body: format!("{t}RequestBody"),
            with_body: format!("{bare}_with_body"),
            handler: format!("handle_{bare}"),
            dispatcher: format!("dispatch_handle_{bare}"),
            query_decoder: format!("decode_{bare}_query"),
            headers_decoder: format!("decode_{bare}_headers"),
            form_decoder: format!("decode_{bare}_form"),
            multipart_decoder: format!("decode_{bare}_multipart"),
            responses: op.responses.iter().map(|r| format!("{t}{}", status_variant(r.status))).collect(),
            response_bodies: op.responses.iter().map(|r| format!("{t}{}Body", status_variant(r.status))).collect(),
            response_header_structs: op
                .responses
                .iter()
                .map(|r| format!("{t}{}Headers", status_variant(r.status)))
                .collect(),
        }
    }

    /// `{Op}{Status}Body`, the enum of the media types of the `i`th response.
    pub fn response_body(&self, i: usize) -> String {
        self.response_bodies[i].clone()
    }

    /// `{Op}{Status}Headers`, the struct of the `i`th response's headers.
    pub fn response_headers(&self, i: usize) -> String {
        self.response_header_structs[i].clone()
    }
}

/// The names of a whole API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// In the order of [`Api::operations`].
    pub operations: Vec<OperationNames>,
}

/// Names every generated item of `api`, no two items of one file (and one
/// namespace) alike: names that collide (an operation named like another's
/// `{Op}{Status}Headers`) follow the renaming rule,
/// [`crate::naming::disambiguate`], keyed by the place in the spec each item
/// comes from (the first keeps its name, the next get `2`, `3`, ...). The
/// operations' methods (named by lowering) and the authentication hooks are
/// never renamed here: a `{op}_with_body` method that collides with one is.
pub fn names(api: &Api) -> Result<Names> {
    let mut operations: Vec<OperationNames> = api.operations.iter().map(OperationNames::of).collect();
    let mut types = Namespace::default();
    let mut methods = Namespace::default();
    let mut reserved_methods: Vec<String> =
        RESERVED_TRAIT_METHODS.iter().chain(RESERVED_METHODS).map(|m| (*m).to_owned()).collect();
    // The authentication hooks (`plan/security.rs` names them clear of
    // the operations' methods).
    reserved_methods.extend(super::security::Security::plan(api)?.schemes.into_iter().map(|s| s.hook));
    for (i, (op, names)) in api.operations.iter().zip(&operations).enumerate() {
        reserved_methods.push(unraw(&names.method).to_owned());
        // The types a server or client file defines for the operation (only
        // those it does define: a name nothing uses cannot collide).
        let parameters = |at: &[Location]| op.parameters.iter().filter(|p| at.contains(&p.location)).count();
        if parameters(&[Location::Query]) > 0
            || op.parameters.iter().any(|p| !p.required && p.location != Location::Path)
        {
            types.claim(&names.query, &op.pointer, "query", Slot::Query(i));
        }
        if parameters(&[Location::Header, Location::Cookie]) > 0 {
            types.claim(&names.headers, &op.pointer, "headers", Slot::Headers(i));
        }
        types.claim(&names.response, &op.pointer, "response", Slot::Response(i));
        if op.responses.iter().filter(|r| super::client::is_success(r.status)).count() > 1 {
            types.claim(&names.success, &op.pointer, "success", Slot::Success(i));
        }
        if let Some(body) = &op.request_body {
            if body.content.iter().any(|c| super::bodies::is_multipart(&c.media_type)) {
                types.claim(&names.multipart, &body.pointer, "multipart", Slot::Multipart(i));
            }
            // Refusals of the body are the plans' to report.
            if super::bodies::options(api, body, &mut Vec::new()).is_ok_and(|options| options.len() > 1) {
                types.claim(&names.request_body, &body.pointer, "", Slot::RequestBody(i));
                methods.claim(&names.with_body, &body.pointer, "", Slot::WithBody(i));
            }
        }
        for (r, response) in op.responses.iter().enumerate() {
            if response.content.len() > 1 {
                types.claim(&names.response_bodies[r], &response.pointer, "content", Slot::ResponseBody(i, r));
            }
            if response.headers.iter().any(|h| !h.name.eq_ignore_ascii_case("content-type")) {
                types.claim(
                    &names.response_header_structs[r],
                    &response.pointer,
                    "headers",
                    Slot::ResponseHeaders(i, r),
                );
            }
        }
    }
    let reserved: Vec<&str> = reserved_methods.iter().map(String::as_str).collect();
    for (namespace, reserved) in [(types, &[][..]), (methods, &reserved[..])] {
        for (name, slot) in namespace.resolve(reserved) {
            let names = &mut operations[slot.operation()];
            *match slot {
                Slot::Query(_) => &mut names.query,
                Slot::Headers(_) => &mut names.headers,
                Slot::Response(_) => &mut names.response,
                Slot::Success(_) => &mut names.success,
                Slot::Multipart(_) => &mut names.multipart,
                Slot::RequestBody(_) => &mut names.request_body,
                Slot::WithBody(_) => &mut names.with_body,
                Slot::ResponseBody(_, r) => &mut names.response_bodies[r],
                Slot::ResponseHeaders(_, r) => &mut names.response_header_structs[r],
            } = name;
        }
    }
    Ok(Names { operations })
}

/// Which name of which operation a claim is.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Query(usize),
    Headers(usize),
    Response(usize),
    Success(usize),
    Multipart(usize),
    RequestBody(usize),
    WithBody(usize),
    /// Operation, response.
    ResponseBody(usize, usize),
    ResponseHeaders(usize, usize),
}

impl Slot {
    fn operation(self) -> usize {
        match self {
            Slot::Query(i)
            | Slot::Headers(i)
            | Slot::Response(i)
            | Slot::Success(i)
            | Slot::Multipart(i)
            | Slot::RequestBody(i)
            | Slot::WithBody(i)
            | Slot::ResponseBody(i, _)
            | Slot::ResponseHeaders(i, _) => i,
        }
    }
}

/// The names claimed in one namespace of a generated file, each with the
/// place in the spec it comes from (the renaming rule's key).
#[derive(Default)]
struct Namespace {
    claims: Vec<(String, String, Slot)>,
}

impl Namespace {
    /// Claims `name` for `slot`, coming from `at` (`what` tells apart the
    /// items one place makes).
    fn claim(&mut self, name: &str, at: &Pointer, what: &str, slot: Slot) {
        let key = if what.is_empty() { at.to_string() } else { format!("{at} {what}") };
        self.claims.push((unraw(name).to_owned(), key, slot));
    }

    /// The claims whose name the renaming rule changes, with the new name.
    fn resolve(self, reserved: &[&str]) -> Vec<(String, Slot)> {
        let names: Vec<(String, String)> =
            self.claims.iter().map(|(name, key, _)| (name.clone(), key.clone())).collect();
        let resolved = crate::naming::disambiguate(&names, reserved);
        self.claims
            .into_iter()
            .zip(resolved)
            .filter(|((name, _, _), resolved)| name != resolved)
            .map(|((_, _, slot), resolved)| (resolved, slot))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(paths: &str) -> Api {
        let text = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}");
        crate::lower::lower(&crate::parse::parse(&text).unwrap()).unwrap()
    }

    #[test]
    fn every_item_is_named_after_its_operation() {
        let api =
            spec("  /a:\n    get:\n      operationId: getPin\n      responses:\n        '200': {description: ok}\n");
        let names = names(&api).unwrap();
        let op = &names.operations[0];
        assert_eq!(
            [&op.method, &op.query, &op.response, &op.handler, &op.query_decoder, &op.dispatcher],
            [
                "get_pin",
                "GetPinQuery",
                "GetPinResponse",
                "handle_get_pin",
                "decode_get_pin_query",
                "dispatch_handle_get_pin"
            ]
        );
        assert_eq!(op.response_headers(0), "GetPinOkHeaders");
    }

    #[test]
    fn two_items_of_one_name_follow_the_renaming_rule() {
        // `getPinOk`'s header parameters and `getPin`'s 200 response headers.
        let api = spec(concat!(
            "  /a:\n    get:\n      operationId: getPin\n      responses:\n",
            "        '200':\n          description: ok\n          headers:\n            X-A: {schema: {type: string}}\n",
            "  /b:\n    get:\n      operationId: getPinOk\n",
            "      parameters: [{name: x, in: header, schema: {type: string}}]\n",
            "      responses:\n        '200': {description: ok}\n",
        ));
        // Keyed by place: `/a`'s response headers keep the name.
        let names = names(&api).unwrap();
        assert_eq!(names.operations[0].response_headers(0), "GetPinOkHeaders");
        assert_eq!(names.operations[1].headers, "GetPinOkHeaders2");
        assert!(crate::plan::ClientPlan::new(&api).is_ok() && crate::plan::ServerPlan::new(&api).is_ok());
    }

    #[test]
    fn method_names_the_generated_code_uses_are_renamed() {
        let api = spec(concat!(
            "  /a:\n    get:\n      operationId: new\n      responses:\n        '200': {description: ok}\n",
            "  /b:\n    get:\n      operationId: rejection\n      responses:\n        '200': {description: ok}\n",
        ));
        let names = names(&api).unwrap();
        assert_eq!([&names.operations[0].method, &names.operations[1].method], ["new_2", "rejection_2"]);
        assert_eq!(names.operations[0].response, "New2Response");
        assert!(crate::plan::ClientPlan::new(&api).is_ok() && crate::plan::ServerPlan::new(&api).is_ok());
        // An operationId given twice (which the spec forbids) is a warning, not an error.
        let api = spec(concat!(
            "  /a:\n    get:\n      operationId: same\n      responses:\n        '200': {description: ok}\n",
            "  /b:\n    get:\n      operationId: same\n      responses:\n        '200': {description: ok}\n",
        ));
        let names = super::names(&api).unwrap();
        assert_eq!([&names.operations[0].method, &names.operations[1].method], ["same", "same_2"]);
        assert_eq!(api.warnings.len(), 1);
        assert_eq!(api.warnings[0].pointer.to_string(), "#/paths/~1b/get/operationId");
    }
}
