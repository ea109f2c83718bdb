//! Request bodies and responses: how a body is encoded, which statuses
//! succeed and how their bodies are read, which errors carry the spec's
//! error body, and whether an operation sends the bearer token.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};

use super::*;

/// What a response's body is, as the client reads it.
#[derive(Debug, Clone)]
pub(super) enum Read {
    /// No content documented.
    Nothing,
    /// JSON (the first JSON media type), of this type (`None`: no schema).
    Json(Option<Box<Type>>),
    /// `text/*` without a JSON alternative: a `String`.
    Text,
    /// Any other media type: the bytes.
    Bytes,
}

impl Read {
    pub(super) fn of(response: &Response) -> Read {
        let Some(first) = response.content.first() else { return Read::Nothing };
        if let Some(json) = response.content.iter().find(|c| is_json(&c.media_type)) {
            return Read::Json(json.ty.clone().map(Box::new));
        }
        let essence = first.media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if essence.starts_with("text/") { Read::Text } else { Read::Bytes }
    }

    /// Whether two responses read the same way (JSON: as the same Rust type).
    pub(super) fn same(&self, other: &Read, models: &TokenStream) -> bool {
        let json = |t: &Option<Box<Type>>| t.as_ref().map(|t| rust_type(t, models).to_string());
        match (self, other) {
            (Read::Nothing, Read::Nothing) | (Read::Text, Read::Text) | (Read::Bytes, Read::Bytes) => true,
            (Read::Json(a), Read::Json(b)) => json(a) == json(b),
            _ => false,
        }
    }
}

/// The JSON body of a response: `None` when it documents no JSON content
/// (an error status with a text body is then an unexpected response).
pub(super) fn json_body(response: &Response) -> Result<Option<Option<Type>>> {
    Ok(match Read::of(response) {
        Read::Json(ty) => Some(ty.map(|t| *t)),
        _ => None,
    })
}

/// The path template as literal text and parameters (indexes into `params`).
pub(super) fn path_pieces(op: &Operation, params: &[Param<'_>]) -> Result<Vec<PathPiece>> {
    let mut pieces = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        if open > 0 {
            pieces.push(PathPiece::Literal(rest[..open].to_owned()));
        }
        let name = &rest[open + 1..close];
        let index = params
            .iter()
            .position(|p| p.p.location == Location::Path && p.p.wire_name == name)
            .ok_or_else(|| Error::malformed(&op.pointer, format!("the path parameter `{name}` is not declared")))?;
        pieces.push(PathPiece::Param(index));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(PathPiece::Literal(rest.to_owned()));
    }
    Ok(pieces)
}

/// The JSON request body, named after its type (`pin`) or `body`.
pub(super) fn body(api: &Api, op: &Operation, models: &TokenStream, params: &[Param<'_>]) -> Result<Option<Body>> {
    let Some(request) = &op.request_body else { return Ok(None) };
    let taken = |name: &str| LOCALS.contains(&name) || params.iter().any(|p| p.arg() == name);
    // No JSON media type: a form or multipart body, or a raw body of the
    // first one (text or bytes).
    if !request.content.iter().any(|c| is_json(&c.media_type))
        && let Some(first) = request.content.first()
    {
        let at = request.pointer.join("content").join(&first.media_type);
        let essence = crate::emit::body_fields::essence(&first.media_type);
        if crate::emit::body_fields::is_form(&essence) || crate::emit::body_fields::is_multipart(&essence) {
            let Some(ty) = &first.ty else {
                return Err(Error::unsupported(&at, format!("a `{}` request body without a schema", first.media_type)));
            };
            let name = ident(if taken("body") { "body_" } else { "body" });
            let (encoding, rust) = if crate::emit::body_fields::is_form(&essence) {
                (Encoding::Form(form_encoding::FormPlan::new(api, ty, &first.media_type, &at)?), rust_type(ty, models))
            } else {
                let plan = form_encoding::MultipartPlan::new(api, ty, &op.type_name, &at, models)?;
                let rust = plan.name.to_token_stream();
                (Encoding::Multipart(plan), rust)
            };
            let arg = if request.required { quote!(&#rust) } else { quote!(::std::option::Option<&#rust>) };
            return Ok(Some(Body {
                owned: quote!(#name),
                name,
                ty: ty.clone(),
                arg,
                required: request.required,
                slice: false,
                encoding,
            }));
        }
        if essence.starts_with("multipart/") {
            return Err(Error::unsupported(&at, format!("request bodies of `{}`", first.media_type)));
        }
        let text = essence.starts_with("text/");
        let name = ident(if params.iter().any(|p| p.arg() == "body") { "body_" } else { "body" });
        let inner = if text { quote!(&str) } else { quote!(&[u8]) };
        let arg = if request.required { inner } else { quote!(::std::option::Option<#inner>) };
        let ty = Type::new(Shape::Primitive(if text {
            Primitive::String
        } else {
            Primitive::Bytes(crate::ir::BytesEncoding::Binary)
        }));
        return Ok(Some(Body {
            owned: quote!(#name),
            name,
            ty,
            arg,
            required: request.required,
            slice: false,
            encoding: Encoding::Raw(first.media_type.clone()),
        }));
    }
    let ty = match json_content(&request.content, &request.pointer)? {
        None => return Err(Error::unsupported(&request.pointer, "a request body without content")),
        Some(None) => {
            return Err(Error::unsupported(&request.pointer.join("content"), "a JSON request body without a schema"));
        }
        Some(Some(ty)) => ty,
    };
    let mut name = ty.named().map(crate::naming::value_name).unwrap_or_else(|| "body".to_owned());
    if taken(crate::naming::unraw(&name)) {
        name = "body".to_owned();
    }
    if taken(&name) {
        name = "body_".to_owned();
    }
    let rust = rust_type(&ty, models);
    let slice = match &api.resolve_aliases(&ty).shape {
        Shape::Array(item) if !ty.nullable => Some(rust_type(item, models)),
        _ => None,
    };
    let name = ident(&name);
    let (arg, owned) = match (&slice, request.required) {
        (Some(item), true) => (quote!(&[#item]), quote!(#name)),
        (Some(item), false) => (quote!(::std::option::Option<&[#item]>), quote!(#name)),
        (None, true) => (quote!(&#rust), quote!(#name)),
        (None, false) => (quote!(::std::option::Option<&#rust>), quote!(#name)),
    };
    Ok(Some(Body {
        name,
        ty,
        arg,
        owned,
        required: request.required,
        slice: slice.is_some(),
        encoding: Encoding::Json,
    }))
}

/// One documented 2xx response of an operation whose successes differ.
pub(super) struct SuccessVariant {
    pub(super) status: StatusCode,
    pub(super) name: proc_macro2::Ident,
    pub(super) description: String,
    pub(super) read: Read,
}

/// The success type: the one body type of the 2xx responses (`()` when the
/// spec documents no 2xx response: any 2xx is still a success).
pub(super) fn success(api: &Api, op: &Operation, models: &TokenStream) -> Result<Success> {
    let responses: Vec<&Response> = op.responses.iter().filter(|r| is_success(r.status)).collect();
    let Some(first) = responses.first() else { return Ok(Success::Unit) };
    let read = Read::of(first);
    if responses[1..].iter().any(|other| !read.same(&Read::of(other), models)) {
        let mut variants: Vec<SuccessVariant> = responses
            .iter()
            .map(|r| SuccessVariant {
                status: r.status,
                name: format_ident!("{}", crate::naming::status_variant(r.status)),
                description: r.description.clone(),
                read: Read::of(r),
            })
            .collect();
        // Exact codes before the `2XX` range, as OpenAPI resolves them.
        variants.sort_by_key(|v| matches!(v.status, StatusCode::Range(_)));
        return Ok(Success::Statuses(variants));
    }
    let ty = match read {
        Read::Nothing => return Ok(Success::Unit),
        Read::Text => return Ok(Success::Text),
        Read::Bytes => return Ok(Success::Bytes),
        Read::Json(ty) => ty.map(|t| *t).unwrap_or_else(|| Type::new(Shape::Any)),
    };
    let rust = rust_type(&ty, models);
    let lists = lenient_lists(api, &ty, models);
    Ok(if lists.is_empty() { Success::Strict(rust) } else { Success::Lenient(rust, lists) })
}

/// The lists of a success body whose items are named structs or enums, so an
/// item that does not decode can be reported instead of failing the body:
/// the body itself when it is such a list, else such fields of a struct body.
pub(super) fn lenient_lists(api: &Api, ty: &Type, models: &TokenStream) -> Vec<(Option<String>, TokenStream)> {
    let item_of = |ty: &Type| -> Option<TokenStream> {
        let ty = api.resolve_aliases(ty);
        if ty.nullable {
            return None;
        }
        let Shape::Array(item) = &ty.shape else { return None };
        let def = item.named().and_then(|n| api.type_def(n))?;
        matches!(def.kind, TypeKind::Struct(_) | TypeKind::Enum(_)).then(|| rust_type(item, models))
    };
    if let Some(item) = item_of(ty) {
        return vec![(None, item)];
    }
    let resolved = api.resolve_aliases(ty);
    if resolved.nullable {
        return Vec::new();
    }
    let Some(TypeKind::Struct(s)) = resolved.named().and_then(|n| api.type_def(n)).map(|d| &d.kind) else {
        return Vec::new();
    };
    s.fields.iter().filter_map(|f| item_of(&f.ty).map(|item| (Some(f.wire_name.clone()), item))).collect()
}

/// `Some(encode)` for the body argument `name`, or, for an optional body,
/// `encode` of the body when there is one.
pub(super) fn encoded_body(required: bool, name: &proc_macro2::Ident, encode: &TokenStream) -> TokenStream {
    if required {
        quote!(::std::option::Option::Some(#encode))
    } else {
        quote! {
            match #name {
                ::std::option::Option::Some(#name) => ::std::option::Option::Some(#encode),
                ::std::option::Option::None => ::std::option::Option::None,
            }
        }
    }
}

/// The non-2xx statuses whose documented body is the error type: exact codes
/// first, then ranges, then `default`, as OpenAPI resolves them.
pub(super) fn failures(op: &Operation, error_type: Option<&Type>) -> Result<BTreeSet<u16>> {
    let mut has_body = Vec::new();
    for response in op.responses.iter().filter(|r| !is_success(r.status)) {
        has_body.push((response.status, json_body(response)?.is_some() && error_type.is_some()));
    }
    let lookup = |code: u16| -> bool {
        let exact = has_body.iter().find(|(s, _)| *s == StatusCode::Exact(code));
        let range = has_body.iter().find(|(s, _)| matches!(s, StatusCode::Range(d) if u16::from(*d) == code / 100));
        let default = has_body.iter().find(|(s, _)| *s == StatusCode::Default);
        exact.or(range).or(default).is_some_and(|(_, body)| *body)
    };
    Ok((100..1000).filter(|code| !(200..300).contains(code)).filter(|&code| lookup(code)).collect())
}

/// `matches!(raw.status.as_u16(), 400..=599)` for a set of statuses, as runs.
pub(super) fn status_pattern(codes: &BTreeSet<u16>) -> TokenStream {
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for &code in codes {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == code => *end = code,
            _ => runs.push((code, code)),
        }
    }
    if runs.is_empty() {
        return quote!(false);
    }
    let patterns = runs.iter().map(|&(start, end)| {
        let (s, e) = (Literal::u16_unsuffixed(start), Literal::u16_unsuffixed(end));
        if start == end { quote!(#s) } else { quote!(#s..=#e) }
    });
    quote!(matches!(raw.status.as_u16(), #(#patterns)|*))
}
