//! The body of the responses the router makes itself (bad input, failed
//! authentication, unknown routes): which schema, and which trait method
//! makes it for each operation.
//!
//! The schema is the JSON schema of the operations' `400` response (else
//! their `4XX`, else `default`; else, when no operation documents one, their
//! `401`) of the first operation that has one. An operation that documents
//! another bad-request schema gets it, through a trait method of its own
//! (`rejection_as_<type>`); an operation's documented `401` must use the
//! schema of its bad requests. How the body is filled from a `Rejection` is
//! the server emitter's (`emit/server/error_body.rs`).

use crate::error::{Error, Result};
use crate::ir::{Api, Operation, Response, StatusCode, Type};
use crate::pointer::Pointer;

/// The schemas of the router's own error bodies.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorPlan {
    /// The schema, when the spec gives one, and where.
    pub schema: Option<(Type, Pointer)>,
    /// The other bad-request schemas some operations document, each with
    /// its own trait method (`rejection_as_<type>`), in spec order.
    pub alternates: Vec<Alternate>,
}

/// Another bad-request schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternate {
    pub schema: Type,
    pub at: Pointer,
    /// The trait method making it.
    pub hook: String,
}

/// The response an operation documents for `code`: exact, else its range, else `default`.
fn response_for(op: &Operation, code: u16) -> Option<&Response> {
    let exact = op.responses.iter().find(|r| r.status == StatusCode::Exact(code));
    let range = || op.responses.iter().find(|r| matches!(r.status, StatusCode::Range(_)) && r.status.matches(code));
    let default = || op.responses.iter().find(|r| r.status == StatusCode::Default);
    exact.or_else(range).or_else(default)
}

/// The schema of a response's JSON content.
fn json_schema(response: &Response) -> Option<(Type, Pointer)> {
    response
        .content
        .iter()
        .find(|c| crate::ir::is_json(&c.media_type))
        .and_then(|c| c.ty.clone().map(|ty| (ty, response.pointer.join("content").join(&c.media_type).join("schema"))))
}

impl ErrorPlan {
    /// The error bodies of `api`'s router.
    pub fn new(api: &Api) -> Result<Self> {
        // The first operation's; operations that document another one get
        // a trait method of their own for it.
        let schema = [400, 401]
            .into_iter()
            .find_map(|code| api.operations.iter().find_map(|op| response_for(op, code).and_then(json_schema)));
        let mut body = ErrorPlan { schema, alternates: Vec::new() };
        let Some((primary, _)) = body.schema.clone() else { return Ok(body) };
        for op in &api.operations {
            let Some((ty, at)) = response_for(op, 400).and_then(json_schema) else { continue };
            if ty.shape == primary.shape || body.alternates.iter().any(|a| a.schema.shape == ty.shape) {
                continue;
            }
            let name = match ty.named() {
                Some(name) => crate::naming::value_name(name),
                None => format!("schema_{}", body.alternates.len() + 2),
            };
            let hook = format!("rejection_as_{}", crate::naming::unraw(&name));
            if body.alternates.iter().any(|a| a.hook == hook) {
                return Err(Error::unsupported(&at, format!("a second bad-request schema named like `{hook}`")));
            }
            body.alternates.push(Alternate { schema: ty, at, hook });
        }
        Ok(body)
    }

    /// The trait method an operation's rejections are answered with: `None`
    /// for `rejection` (the first bad-request schema), else its alternate.
    /// Refuses an operation whose documented `401` has another schema.
    pub fn hook_for(&self, op: &Operation, authenticated: bool) -> Result<Option<String>> {
        let own = response_for(op, 400).and_then(json_schema);
        let alternate = own.as_ref().and_then(|(ty, _)| self.alternates.iter().find(|a| a.schema.shape == ty.shape));
        let (schema, schema_at) = match (alternate, &self.schema) {
            (Some(a), _) => (&a.schema, &a.at),
            (None, Some((schema, at))) => (schema, at),
            (None, None) => {
                if let Some((_, at)) = response_for(op, 401).and_then(json_schema).filter(|_| authenticated) {
                    return Err(Error::unsupported(&at, "a schema for 401 but none for bad requests"));
                }
                return Ok(None);
            }
        };
        if authenticated
            && let Some((ty, at)) = response_for(op, 401).and_then(json_schema)
            && ty.shape != schema.shape
        {
            return Err(Error::unsupported(
                &at,
                format!("the router answers 401 with the bad-request schema (at {schema_at}); this one differs"),
            ));
        }
        Ok(alternate.map(|a| a.hook.clone()))
    }
}
