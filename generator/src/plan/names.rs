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
//! | functions | | `handle_{op}`, `decode_{op}_query`, `decode_{op}_headers`, `decode_{op}_form`, `decode_{op}_multipart`, `dispatch_handle_{op}` |
//! | authentication hooks | | `authenticate_{scheme}` |
//!
//! Two items of one file with one name would not compile: [`names`] finds
//! them first and returns [`Error::Collision`] naming both places in the
//! spec (an operation named like another's `{Op}{Status}Headers`). Method
//! names the client or the server trait itself uses ([`RESERVED_METHODS`],
//! [`RESERVED_TRAIT_METHODS`]) are never given to an operation: lowering
//! names operations by the renaming rule, [`crate::naming::disambiguate`],
//! which skips them (`new` → `new_2`).
//! The handful of fixed items of each file (`Client`, `Error`, `Api`, ...)
//! cannot collide: every generated type name ends in a suffix none of them has.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
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
    /// `{Op}{Status}`: the prefix of the types of one response (`{Op}{Status}Body`,
    /// `{Op}{Status}Headers`), in the order of [`Operation::responses`].
    pub responses: Vec<String>,
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
            handler: format!("handle_{bare}"),
            dispatcher: format!("dispatch_handle_{bare}"),
            query_decoder: format!("decode_{bare}_query"),
            headers_decoder: format!("decode_{bare}_headers"),
            form_decoder: format!("decode_{bare}_form"),
            multipart_decoder: format!("decode_{bare}_multipart"),
            responses: op.responses.iter().map(|r| format!("{t}{}", status_variant(r.status))).collect(),
        }
    }

    /// `{Op}{Status}Body`, the enum of the media types of the `i`th response.
    pub fn response_body(&self, i: usize) -> String {
        format!("{}Body", self.responses[i])
    }

    /// `{Op}{Status}Headers`, the struct of the `i`th response's headers.
    pub fn response_headers(&self, i: usize) -> String {
        format!("{}Headers", self.responses[i])
    }
}

/// The names of a whole API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// In the order of [`Api::operations`].
    pub operations: Vec<OperationNames>,
}

/// Names every generated item of `api` and checks that no two items of one
/// file (and one namespace) share a name.
pub fn names(api: &Api) -> Result<Names> {
    let operations: Vec<OperationNames> = api.operations.iter().map(OperationNames::of).collect();
    let mut types = Namespace::new("type");
    let mut methods = Namespace::new("method");
    for name in RESERVED_TRAIT_METHODS {
        methods.claim(name, &Pointer::root())?;
    }
    // The authentication hooks (`plan/security.rs` names them clear of
    // the operations' methods).
    for scheme in super::security::Security::plan(api)?.schemes {
        methods.claim(&scheme.hook, &scheme.def.pointer)?;
    }
    for (op, names) in api.operations.iter().zip(&operations) {
        methods.claim(unraw(&names.method), &op.pointer)?;
        // The types a server or client file defines for the operation (only
        // those it does define: a name nothing uses cannot collide).
        let parameters = |at: &[Location]| op.parameters.iter().filter(|p| at.contains(&p.location)).count();
        if parameters(&[Location::Query]) > 0
            || op.parameters.iter().any(|p| !p.required && p.location != Location::Path)
        {
            types.claim(&names.query, &op.pointer)?;
        }
        if parameters(&[Location::Header, Location::Cookie]) > 0 {
            types.claim(&names.headers, &op.pointer)?;
        }
        types.claim(&names.response, &op.pointer)?;
        if op.responses.iter().filter(|r| super::client::is_success(r.status)).count() > 1 {
            types.claim(&names.success, &op.pointer)?;
        }
        if op
            .request_body
            .as_ref()
            .and_then(|b| b.content.first())
            .is_some_and(|c| super::bodies::is_multipart(&c.media_type))
        {
            types.claim(&names.multipart, &op.pointer)?;
        }
        for (i, response) in op.responses.iter().enumerate() {
            if response.content.len() > 1 {
                types.claim(&names.response_body(i), &response.pointer)?;
            }
            if response.headers.iter().any(|h| !h.name.eq_ignore_ascii_case("content-type")) {
                types.claim(&names.response_headers(i), &response.pointer.join("headers"))?;
            }
        }
    }
    Ok(Names { operations })
}

/// Names taken in one namespace of a generated file, and where.
struct Namespace {
    what: &'static str,
    taken: BTreeMap<String, Pointer>,
}

impl Namespace {
    fn new(what: &'static str) -> Namespace {
        Namespace { what, taken: BTreeMap::new() }
    }

    fn claim(&mut self, name: &str, at: &Pointer) -> Result<()> {
        if let Some(other) = self.taken.get(name) {
            return Err(Error::Collision {
                pointer: at.clone(),
                what: self.what,
                name: name.to_owned(),
                other: other.clone(),
            });
        }
        self.taken.insert(name.to_owned(), at.clone());
        Ok(())
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
    fn two_items_of_one_name_are_a_collision_naming_both_places() {
        // `getPinOk`'s header parameters and `getPin`'s 200 response headers.
        let api = spec(concat!(
            "  /a:\n    get:\n      operationId: getPin\n      responses:\n",
            "        '200':\n          description: ok\n          headers:\n            X-A: {schema: {type: string}}\n",
            "  /b:\n    get:\n      operationId: getPinOk\n",
            "      parameters: [{name: x, in: header, schema: {type: string}}]\n",
            "      responses:\n        '200': {description: ok}\n",
        ));
        match names(&api) {
            Err(Error::Collision { pointer, name, other, .. }) => {
                assert_eq!(name, "GetPinOkHeaders");
                assert_eq!(other.to_string(), "#/paths/~1a/get/responses/200/headers");
                assert_eq!(pointer.to_string(), "#/paths/~1b/get");
            }
            other => panic!("expected a collision, got {other:?}"),
        }
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
