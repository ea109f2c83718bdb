//! The `Api` trait written as text ([`super::super::text`]): the same item
//! [`super::router::api_trait`] quotes, byte for byte. Each operation's
//! method is written here where its signature fits the layouts written
//! here; the other trait items (the authentication hooks, `rejection`) and
//! any method that does not fit are quoted inside a trait of the same
//! header and taken out of it. GitHub's trait is 20k lines of docs and
//! signatures.

use super::super::struct_text::type_text_in;
use super::super::text::{Fit, Lines, choose};
use super::*;

/// The trait's header line, as `prettyplease` prints it.
const HEADER: &str = "pub trait Api: ::std::marker::Send + ::std::marker::Sync + 'static {";

/// The trait `api_trait` quotes, as text, with the number of methods written as text.
pub(super) fn api_trait(
    api: &Api,
    ops: &[OpPlan<'_>],
    error: &ErrorBody,
    security: &Security,
    models: &str,
    pointer: &Pointer,
) -> Result<(String, usize)> {
    let mut lines = Lines::new();
    lines.docs(0, &doc_text(trait_docs(api).iter().map(String::as_str)));
    lines.raw(0, HEADER);
    let mut text = lines.into_text();
    match auth_items(security) {
        Some(items) => text.push_str(&items),
        None => quoted_items(&mut text, auth::trait_items(security), pointer)?,
    }
    let mut texts = 0;
    for op in ops {
        match method(op, models) {
            Some(method) => {
                text.push_str(&method);
                texts += 1;
            }
            None => quoted_items(&mut text, op.trait_method(), pointer)?,
        }
    }
    quoted_items(&mut text, error.trait_method(), pointer)?;
    quoted_items(&mut text, error.alternate_methods(), pointer)?;
    text.push('}');
    Ok((text, texts))
}

/// The trait's doc paragraphs.
pub(super) fn trait_docs(api: &Api) -> [String; 2] {
    let title = format!("{} {}", api.title, api.version);
    [
        format!("The operations of {title}: implement this, then serve [`router`]`(api)`."),
        "Every method is called only for a request that passed authentication and whose parameters and body decoded and satisfied every constraint of the spec; everything else is answered by the router with the spec's error body (see [`Api::rejection`]).".to_owned(),
    ]
}

/// Trait items as `prettyplease` prints them inside the trait, appended to `text`.
fn quoted_items(text: &mut String, items: TokenStream, pointer: &Pointer) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let header: TokenStream = quote!(pub trait Api: ::std::marker::Send + ::std::marker::Sync + 'static);
    let file: syn::File = syn::parse2(quote!(#header { #items }))
        .map_err(|e| Error::Emit { pointer: pointer.clone(), message: e.to_string() })?;
    let printed = prettyplease::unparse(&file);
    let inner = printed
        .strip_prefix(HEADER)
        .and_then(|rest| rest.strip_prefix('\n'))
        .and_then(|rest| rest.strip_suffix("}\n"))
        .ok_or_else(|| Error::Emit { pointer: pointer.clone(), message: format!("a trait printed as {printed}") })?;
    text.push_str(inner);
    Ok(())
}

/// One operation's method, or `None` where a line does not fit.
fn method(op: &OpPlan<'_>, models: &str) -> Option<String> {
    let (docs, inputs) = op.trait_inputs();
    let mut lines = Lines::new();
    lines.docs(4, &doc_text(docs.iter().map(String::as_str)));
    let mut params = vec!["&self".to_owned()];
    for (name, input) in &inputs {
        let mut ty = String::new();
        match input {
            Input::Caller => match op.auth.as_ref()?.anonymous {
                true => ty.push_str("::std::option::Option<Self::Caller>"),
                false => ty.push_str("Self::Caller"),
            },
            Input::Path(i) => {
                let p = &op.path[*i];
                if p.optional {
                    return None;
                }
                type_text_in(&p.ty, models, &mut ty);
            }
            Input::Query => ty.push_str(&op.names.query),
            Input::Headers => ty.push_str(&op.names.headers),
            Input::Body => {
                let body = op.body.as_ref()?;
                if !body.required {
                    ty.push_str("::std::option::Option<");
                }
                match (&body.choice, body.options.first().map(|o| &o.kind)) {
                    (Some(choice), _) => ty.push_str(&choice.to_string()),
                    (None, Some(BodyKind::Json { .. })) => type_text_in(&body.options[0].ty, models, &mut ty),
                    (None, Some(BodyKind::Text)) => ty.push_str("::std::string::String"),
                    (None, Some(BodyKind::Bytes)) => ty.push_str("::std::vec::Vec<u8>"),
                    (None, Some(BodyKind::Ranged)) => ty.push_str("(::std::string::String, ::std::vec::Vec<u8>)"),
                    (None, Some(BodyKind::Form(_)) | None) => return None,
                }
                if !body.required {
                    ty.push('>');
                }
            }
        }
        params.push(format!("{name}: {ty}"));
    }
    future_fn(&mut lines, &op.op.name, &params, &op.names.response);
    lines.finish()
}

/// `fn name(params) -> impl Future<Output = output> + Send;` in the trait:
/// on one line, or a parameter a line and the return type after them, on
/// one line or with `Output` on a line of its own.
fn future_fn(lines: &mut Lines, name: &str, params: &[String], output: &str) {
    let returned = format!("impl ::std::future::Future<Output = {output}> + ::std::marker::Send;");
    let flat = format!("fn {name}({}) -> {returned}", params.join(", "));
    if let Fit::Flat = choose(4, flat.len()) {
        lines.raw(4, &flat);
        return;
    }
    lines.line(4, &format!("fn {name}("));
    for param in params {
        lines.line(8, &format!("{param},"));
    }
    let tail = format!(") -> {returned}");
    match choose(4, tail.len()) {
        Fit::Flat => lines.raw(4, &tail),
        Fit::Broken => {
            lines.raw(4, ") -> impl ::std::future::Future<");
            lines.line(8, &format!("Output = {output},"));
            lines.raw(4, "> + ::std::marker::Send;");
        }
    }
}

/// `type Caller` and the authentication hooks, or `None` where a line
/// does not fit.
fn auth_items(security: &Security) -> Option<String> {
    let mut lines = Lines::new();
    if !security.any() {
        return lines.finish();
    }
    lines.docs(4, &doc_text([auth::CALLER_DOC]));
    lines.raw(4, "type Caller: ::std::marker::Send;");
    for hook in auth::hooks(security) {
        lines.docs(4, &doc_text(hook.docs.iter().map(String::as_str)));
        let params: Vec<String> = std::iter::once("&self".to_owned()).chain(hook.params()).collect();
        future_fn(&mut lines, &hook.name, &params, auth::HOOK_OUTPUT);
    }
    lines.finish()
}
