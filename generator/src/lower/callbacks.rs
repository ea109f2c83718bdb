//! Callbacks: requests the API makes to the client (`callbacks` of an
//! operation). They are never a reason to refuse a document: the types of
//! each callback's request bodies and responses are generated (named
//! `<Operation><Callback><Method>...`), and a warning lists the callback and
//! those types, since no receiving router or trait is generated for it.

use indexmap::IndexMap;
use openapiv3::Callback;

use super::Lowerer;
use crate::error::Result;
use crate::ir::{Content, Type};
use crate::naming::type_name;
use crate::pointer::Pointer;

/// The named types a lowered body or response uses, for the warning.
fn named<'t>(content: impl IntoIterator<Item = &'t Content>) -> impl Iterator<Item = String> {
    content.into_iter().filter_map(|c| c.ty.as_ref().and_then(Type::named).map(str::to_owned))
}

impl Lowerer<'_> {
    /// Lowers the types of an operation's callbacks (`at`: the operation;
    /// `op_type`: its type name) and records a warning for each callback.
    pub(super) fn callbacks(
        &mut self,
        callbacks: &IndexMap<String, Callback>,
        at: &Pointer,
        op_type: &str,
    ) -> Result<()> {
        for (name, callback) in callbacks {
            let callback_at = at.join("callbacks").join(name);
            let mut calls = Vec::new();
            let mut types: Vec<String> = Vec::new();
            for (expression, item) in callback {
                let item_at = callback_at.join(expression);
                for (method, op) in item.iter() {
                    let op_at = item_at.join(method);
                    let hint = format!("{op_type}{}{}", type_name(name), type_name(method));
                    calls.push(format!("{} {expression}", method.to_ascii_uppercase()));
                    if let Some(body) = &op.request_body {
                        let body = self.request_body(body, &op_at.join("requestBody"), &hint)?;
                        types.extend(named(&body.content));
                    }
                    for response in self.responses(&op.responses, &op_at.join("responses"), &hint)? {
                        types.extend(named(&response.content));
                    }
                }
            }
            types.dedup();
            let types = if types.is_empty() {
                "no named types".to_owned()
            } else {
                format!("types {}", types.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "))
            };
            self.warn(
                &callback_at,
                format!(
                    "callback `{name}` ({}): the API calls the client back; its {types} are generated, \
                     no router or client for the call",
                    calls.join(", ")
                ),
            );
        }
        Ok(())
    }
}
