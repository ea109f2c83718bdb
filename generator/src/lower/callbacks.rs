//! Callbacks and webhooks: requests the API makes to the client (the
//! `callbacks` of an operation; an OpenAPI 3.1 document's top-level
//! `webhooks`). They are never a reason to refuse a document: the types of
//! each call's request bodies and responses are generated (named
//! `<Operation><Callback><Method>...` and `<Webhook><Method>...`), and a
//! warning lists the calls and those types, since no receiving router or
//! trait is generated for them.

use indexmap::IndexMap;
use openapiv3::{Callback, PathItem, ReferenceOr};
use serde_json::Value;

use super::Lowerer;
use crate::error::{Error, Result};
use crate::ir::{Content, Type};
use crate::naming::type_name;
use crate::pointer::Pointer;

/// The named types a lowered body or response uses, for the warning.
fn named<'t>(content: impl IntoIterator<Item = &'t Content>) -> impl Iterator<Item = String> {
    content.into_iter().filter_map(|c| c.ty.as_ref().and_then(Type::named).map(str::to_owned))
}

/// What the calls of one callback or webhook are and which named types they use.
#[derive(Default)]
struct Calls {
    calls: Vec<String>,
    types: Vec<String>,
}

impl Calls {
    /// `"callback `x` (POST {$url}): ... its types `A`, `B` are generated"`.
    fn describe(mut self, what: &str) -> String {
        self.types.dedup();
        let types = if self.types.is_empty() {
            "no named types".to_owned()
        } else {
            format!("types {}", self.types.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "))
        };
        format!(
            "{what} ({}): the API calls the client back; its {types} are generated, no router or client for the call",
            self.calls.join(", ")
        )
    }
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
            let mut calls = Calls::default();
            for (expression, item) in callback {
                let hint = format!("{op_type}{}", type_name(name));
                self.calls(&mut calls, item, &callback_at.join(expression), expression, &hint)?;
            }
            self.warn(&callback_at, calls.describe(&format!("callback `{name}`")));
        }
        Ok(())
    }

    /// Lowers the types of an OpenAPI 3.1 document's `webhooks` (each a path
    /// item, or a `$ref` to one) and records a warning for each.
    pub(super) fn webhooks(&mut self) -> Result<()> {
        let Some(Value::Object(webhooks)) = self.raw.get("webhooks") else { return Ok(()) };
        let base = Pointer::root().join("webhooks");
        for (name, item) in webhooks {
            let mut at = base.join(name);
            let item: ReferenceOr<PathItem> = serde_json::from_value(item.clone())
                .map_err(|e| Error::malformed(&at, format!("a webhook must be a path item: {e}")))?;
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    let target = self.target(&reference, &at)?;
                    let item = self.read_foreign(&reference, &target, &at)?;
                    at = target;
                    item
                }
            };
            let mut calls = Calls::default();
            self.calls(&mut calls, &item, &at, name, &type_name(name))?;
            self.warn(&base.join(name), calls.describe(&format!("webhook `{name}`")));
        }
        Ok(())
    }

    /// Lowers the bodies and responses of the operations of one path item
    /// the API calls (`target`: the URL expression or webhook name).
    fn calls(&mut self, calls: &mut Calls, item: &PathItem, at: &Pointer, target: &str, hint: &str) -> Result<()> {
        for (method, op) in item.iter() {
            let op_at = at.join(method);
            let hint = format!("{hint}{}", type_name(method));
            calls.calls.push(format!("{} {target}", method.to_ascii_uppercase()));
            if let Some(body) = &op.request_body {
                let body = self.request_body(body, &op_at.join("requestBody"), &hint)?;
                calls.types.extend(named(&body.content));
            }
            for response in self.responses(&op.responses, &op_at.join("responses"), &hint)? {
                calls.types.extend(named(&response.content));
            }
        }
        Ok(())
    }
}
