//! The body of the responses the router makes itself (bad input, failed
//! authentication, unknown routes): which schema, and which trait method
//! makes it for each operation.
//!
//! The schema is the JSON schema of the operations' `400` response (else
//! their `4XX`, else `default`; else, when no operation documents one, their
//! `401`) of the first operation that has one. An operation that documents
//! another bad-request schema gets it, through a trait method of its own
//! (`rejection_as_<type>`); so do the `401` and `403` responses of an
//! operation that authenticates, when their schema is not its bad
//! requests' (the router answers its authentication failures with them).
//! How the body is filled from a `Rejection` is the server emitter's (`emit/server/error_body.rs`).

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

/// The statuses of the router's authentication failures: no credentials or
/// refused ones (`401`), a hook's `forbidden` (`403`).
const AUTH_STATUSES: [u16; 2] = [401, 403];

/// Whether an operation checks credentials (some alternative names a scheme).
fn authenticates(op: &Operation) -> bool {
    op.security.iter().any(|r| !r.schemes.is_empty())
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
            body.add_alternate(&primary, ty, at)?;
        }
        // The schemas of authentication failures, where they differ.
        for op in api.operations.iter().filter(|op| authenticates(op)) {
            for code in AUTH_STATUSES {
                let Some((ty, at)) = response_for(op, code).and_then(json_schema) else { continue };
                body.add_alternate(&primary, ty, at)?;
            }
        }
        Ok(body)
    }

    /// Another schema, with its trait method, unless it is the first one's
    /// or an alternate's already.
    fn add_alternate(&mut self, primary: &Type, ty: Type, at: Pointer) -> Result<()> {
        if ty.shape == primary.shape || self.alternates.iter().any(|a| a.schema.shape == ty.shape) {
            return Ok(());
        }
        let name = match ty.named() {
            Some(name) => crate::naming::value_name(name),
            None => format!("schema_{}", self.alternates.len() + 2),
        };
        let hook = format!("rejection_as_{}", crate::naming::unraw(&name));
        if self.alternates.iter().any(|a| a.hook == hook) {
            return Err(Error::unsupported(&at, format!("a second bad-request schema named like `{hook}`")));
        }
        self.alternates.push(Alternate { schema: ty, at, hook });
        Ok(())
    }

    /// The trait method of a schema: `None` for `rejection`, else its alternate's.
    fn hook_of(&self, schema: Option<&Type>) -> Option<String> {
        let ty = schema?;
        self.alternates.iter().find(|a| a.schema.shape == ty.shape).map(|a| a.hook.clone())
    }

    /// The trait method an operation's rejections are answered with: `None`
    /// for `rejection` (the first bad-request schema), else its alternate.
    pub fn hook_for(&self, op: &Operation) -> Option<String> {
        self.hook_of(response_for(op, 400).and_then(json_schema).map(|(ty, _)| ty).as_ref())
    }

    /// The statuses of authentication failures (`401`, `403`) an operation
    /// that authenticates documents with another schema than its bad
    /// requests', each with the trait method making that schema.
    pub fn auth_hooks_for(&self, op: &Operation) -> Vec<(u16, Option<String>)> {
        if !authenticates(op) || self.schema.is_none() {
            return Vec::new();
        }
        let bad_request = self.hook_for(op);
        AUTH_STATUSES
            .into_iter()
            .filter_map(|code| {
                let (ty, _) = response_for(op, code).and_then(json_schema)?;
                let hook = self.hook_of(Some(&ty));
                (hook != bad_request).then_some((code, hook))
            })
            .collect()
    }
}
