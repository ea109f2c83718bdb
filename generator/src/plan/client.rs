//! What the client does per operation, decided before a token is written:
//! the order of its arguments, the path, how each parameter and the body
//! are sent, which statuses succeed and how their bodies are read, which
//! errors carry the spec's error body, and its security requirement. Everything the client cannot express is refused here, with its
//! pointer; the client emitter only reads these plans.

use std::collections::BTreeSet;

use super::bodies::{self, FormKind, OptionKind, PartField, PartKind};
use super::names::OperationNames;
use super::parameters::{ClientParameter, Scalar};
use crate::error::{Error, Result};
use crate::ir::{Api, Content, Location, Operation, Primitive, Response, Shape, StatusCode, Type, TypeKind, is_json};
use crate::pointer::Pointer;

/// Locals of the generated methods (and `query`, the query struct
/// argument): an argument of one of these names gets a `_` appended.
pub const LOCALS: &[&str] = &[
    "query",
    "out",
    "value",
    "given",
    "item",
    "items",
    "json",
    "path",
    "query_string",
    "parts",
    "raw",
    "documented",
    "violations",
    "form",
    "headers",
];

/// The name of a method argument: the parameter's, unless the method body
/// uses it for a local (argument names are not part of a Rust function's API).
pub fn argument_name(name: &str) -> String {
    let bare = crate::naming::unraw(name);
    if LOCALS.contains(&bare) { format!("{bare}_") } else { name.to_owned() }
}

/// The client's plan of a whole API.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientPlan {
    /// The names of every generated item.
    pub names: super::names::Names,
    /// In the order of [`Api::operations`].
    pub operations: Vec<ClientOperation>,
    /// The one type of every JSON error body the spec documents, with a name
    /// for messages (see [`error_body`]).
    pub error_body: Option<(Type, String)>,
    /// The security schemes the operations use and their requirements.
    pub security: super::security::Security,
}

impl ClientPlan {
    /// Plans the client of `api`: fails with what it cannot express.
    pub fn new(api: &Api) -> Result<ClientPlan> {
        let names = super::names::names(api)?;
        let error_body = error_body(api);
        let operations = api
            .operations
            .iter()
            .zip(&names.operations)
            .map(|(op, names)| ClientOperation::new(api, op, names, error_body.as_ref().map(|(t, _)| t)))
            .collect::<Result<Vec<_>>>()?;
        let security = super::security::Security::plan(api)?;
        Ok(ClientPlan { names, operations, error_body, security })
    }
}

/// The operations the client cannot express, by index, with the reason
/// (see [`crate::skip`]): each planned on its own.
pub fn refusals(api: &Api) -> Result<Vec<(usize, Error)>> {
    let error_body = error_body(api);
    let mut refused = Vec::new();
    for (i, op) in api.operations.iter().enumerate() {
        let names = OperationNames::of(op);
        match ClientOperation::new(api, op, &names, error_body.as_ref().map(|(t, _)| t)) {
            Ok(_) => {}
            Err(error @ Error::Unsupported { .. }) => refused.push((i, error)),
            Err(error) => return Err(error),
        }
    }
    Ok(refused)
}

/// One operation as a method of the client.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOperation {
    /// The arguments: path parameters in template order, then the other
    /// required parameters in spec order.
    pub positional: Vec<ClientParameter>,
    /// The optional parameters: fields of `{Op}Query`.
    pub optional: Vec<ClientParameter>,
    /// The path template: literal text and path parameters (indexes into `positional`).
    pub path: Vec<PathPiece>,
    pub body: Option<ClientBody>,
    pub success: Success,
    /// Statuses (not 2xx) whose documented body is the error type.
    pub failures: BTreeSet<u16>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathPiece {
    Literal(String),
    Param(usize),
}

impl ClientOperation {
    /// The plan of `op`, whose items are named `names`.
    pub fn new(api: &Api, op: &Operation, names: &OperationNames, error_type: Option<&Type>) -> Result<Self> {
        let mut positional = Vec::new();
        let mut optional = Vec::new();
        for (i, p) in op.parameters.iter().enumerate() {
            let param = ClientParameter::new(api, i, p)?;
            if p.required || p.location == Location::Path {
                positional.push(param);
            } else {
                optional.push(param);
            }
        }
        // Path parameters first, in template order; then required query parameters.
        let path = path_pieces(op, &positional)?;
        let mut order: Vec<usize> = path
            .iter()
            .filter_map(|piece| match piece {
                PathPiece::Param(i) => Some(*i),
                PathPiece::Literal(_) => None,
            })
            .collect();
        let rest: Vec<usize> = (0..positional.len()).filter(|i| !order.contains(i)).collect();
        order.extend(rest);
        let mut sorted: Vec<Option<ClientParameter>> = positional.into_iter().map(Some).collect();
        let positional: Vec<ClientParameter> = order.iter().filter_map(|&i| sorted[i].take()).collect();
        let path = path_pieces(op, &positional)?;
        let arguments: Vec<String> = positional.iter().map(|p| argument_name(&op.parameters[p.index].name)).collect();
        let body = body(api, op, names, &arguments)?;
        let success = success(api, op);
        let failures = failures(op, error_type);
        Ok(ClientOperation { positional, optional, path, body, success, failures })
    }
}

/// The path template as literal text and parameters (indexes into `params`).
fn path_pieces(op: &Operation, params: &[ClientParameter]) -> Result<Vec<PathPiece>> {
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
            .position(|p| {
                let p = &op.parameters[p.index];
                p.location == Location::Path && p.wire_name == name
            })
            .ok_or_else(|| Error::malformed(&op.pointer, format!("the path parameter `{name}` is not declared")))?;
        pieces.push(PathPiece::Param(index));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(PathPiece::Literal(rest.to_owned()));
    }
    Ok(pieces)
}

/// The request body as the client sends it: an argument after the parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientBody {
    /// The argument's name: the body type's (`pin`), else `body` (`body_`
    /// when an argument or local has that name).
    pub name: String,
    pub ty: Type,
    pub required: bool,
    /// A JSON array body: the argument is a slice of this item type.
    pub slice: Option<Type>,
    /// How the method sends it (the default option).
    pub encoding: Encoding,
    /// The options of a body of several media types.
    pub choice: Option<BodyChoice>,
}

/// A request body of several media types: the `{Op}RequestBody` enum the
/// `{op}_with_body` method sends.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyChoice {
    /// `{Op}RequestBody`.
    pub name: String,
    /// `{op}_with_body`.
    pub method: String,
    /// Its argument: `body` (`body_` when a parameter has that name).
    pub argument: String,
    /// One per option, in spec order (a variant each).
    pub options: Vec<ClientOption>,
    /// The option the operation's own method sends.
    pub default: usize,
}

/// One option of a request body, as the client sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOption {
    /// The variant of `{Op}RequestBody`.
    pub name: String,
    /// The media types it stands for, as the spec writes them (for the docs).
    pub media_types: Vec<String>,
    /// The value's type (JSON, form, multipart: the schema's; text; bytes).
    pub ty: Type,
    pub encoding: Encoding,
}

/// How a request body is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Encoding {
    /// JSON of the body's type, sent as this media type.
    Json(String),
    /// The media type of a raw body (`&str` for `text/*`, `&[u8]` for
    /// others), sent as it is.
    Raw(String),
    /// `application/x-www-form-urlencoded` pairs of the body's struct.
    Form(FormPlan),
    /// `multipart/form-data` parts of the operation's `{Op}Multipart`.
    Multipart(MultipartPlan),
    /// The bytes with the caller's `Content-Type` (a media type range).
    Ranged,
}

/// One property of a form body, as the client sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct FormValue {
    pub field: String,
    pub wire: String,
    pub send: FormSend,
    pub required: bool,
}

/// How the client sends one property of a form body.
#[derive(Debug, Clone, PartialEq)]
pub enum FormSend {
    /// Each value as text; `repeated`: an array, one pair per item.
    Scalar { scalar: Scalar, repeated: bool },
    /// One pair holding the value's JSON.
    Json,
    /// `name[key]...=value` pairs of the value's JSON (nulls left out).
    Nested,
}

/// A form body: its media type and its properties.
#[derive(Debug, Clone, PartialEq)]
pub struct FormPlan {
    pub media: String,
    pub values: Vec<FormValue>,
}

impl FormPlan {
    fn new(api: &Api, content: &Content, body: &bodies::BodyStruct<'_>) -> Result<Self> {
        let mut values = Vec::new();
        for f in bodies::form_fields(api, content, body, &mut Vec::new()) {
            let send = match f.kind {
                FormKind::Scalar { scalar, repeated } => {
                    let Some(scalar) = Scalar::of(api, &scalar) else {
                        return Err(Error::unsupported(&f.field.pointer, "a form body property that is not a scalar"));
                    };
                    FormSend::Scalar { scalar, repeated }
                }
                FormKind::Json => FormSend::Json,
                FormKind::Nested => FormSend::Nested,
            };
            values.push(FormValue {
                field: f.field.name.clone(),
                wire: f.field.wire_name.clone(),
                send,
                required: f.field.required,
            });
        }
        Ok(FormPlan { media: content.media_type.clone(), values })
    }
}

/// A multipart body: the operation's own struct and its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct MultipartPlan {
    /// `{Op}Multipart`.
    pub name: String,
    /// The body's schema.
    pub schema: String,
    pub fields: Vec<PartField>,
    /// How text parts become text, per field (`None` for other parts).
    pub scalars: Vec<Option<Scalar>>,
}

impl MultipartPlan {
    fn new(api: &Api, content: &Content, body: &bodies::BodyStruct<'_>, name: &str) -> Result<Self> {
        let fields = bodies::part_fields(api, content, body, &mut Vec::new());
        let mut scalars = Vec::new();
        for p in &fields {
            scalars.push(match p.kind {
                PartKind::Text => match Scalar::of(api, &p.value) {
                    Some(scalar) => Some(scalar),
                    None => {
                        return Err(Error::unsupported(&p.field.pointer, "a multipart text part that is not a scalar"));
                    }
                },
                PartKind::Binary | PartKind::Json => None,
            });
        }
        Ok(MultipartPlan { name: name.to_owned(), schema: body.name.to_owned(), fields, scalars })
    }
}

/// The request body, named after its type (`pin`) or `body`; `arguments`
/// are the names of the other arguments. The method sends the default option
/// of [`bodies::options`] (JSON first); with several options, the
/// `{op}_with_body` method sends any of them.
fn body(api: &Api, op: &Operation, names: &OperationNames, arguments: &[String]) -> Result<Option<ClientBody>> {
    let Some(request) = &op.request_body else { return Ok(None) };
    // No media type: no body (the server plan warns).
    if request.content.is_empty() {
        return Ok(None);
    }
    let taken = |name: &str| LOCALS.contains(&name) || arguments.iter().any(|a| a == name);
    let options = bodies::options(api, request, &mut Vec::new())?;
    let at = |content: &Content| request.pointer.join("content").join(&content.media_type);
    let planned =
        options.iter().map(|o| option(api, o, &at(o.content), &names.multipart)).collect::<Result<Vec<_>>>()?;
    let default = bodies::default_option(&options);
    let ClientOption { ty, encoding, .. } = planned[default].clone();
    let mut name = match encoding {
        Encoding::Json(_) => ty.named().map(crate::naming::value_name).unwrap_or_else(|| "body".to_owned()),
        _ => "body".to_owned(),
    };
    if taken(crate::naming::unraw(&name)) {
        name = "body".to_owned();
    }
    if taken(&name) {
        name = "body_".to_owned();
    }
    let slice = match (&encoding, &api.resolve_aliases(&ty).shape) {
        (Encoding::Json(_), Shape::Array(item)) if !ty.nullable => Some((**item).clone()),
        _ => None,
    };
    let choice = (planned.len() > 1).then(|| BodyChoice {
        name: names.request_body.clone(),
        method: names.with_body.clone(),
        argument: if taken("body") { "body_" } else { "body" }.to_owned(),
        options: planned,
        default,
    });
    Ok(Some(ClientBody { name, ty, required: request.required, slice, encoding, choice }))
}

/// How the client sends one option of a request body (`at`: its media type).
fn option(api: &Api, option: &bodies::BodyOption<'_>, at: &Pointer, multipart: &str) -> Result<ClientOption> {
    let content = option.content;
    let schema = || content.ty.clone().unwrap_or_else(|| Type::new(Shape::Any));
    let bytes = || Type::new(Shape::Primitive(Primitive::Bytes(crate::ir::BytesEncoding::Binary)));
    let media = option.sent_media_type();
    // `options` made it structured: its object is there.
    let structured = || -> Result<bodies::BodyStruct<'_>> {
        bodies::structured(api, content, at, &mut Vec::new())?
            .ok_or_else(|| Error::malformed(at, "a form or multipart body without its object"))
    };
    let (ty, encoding) = match option.kind {
        OptionKind::Json => (schema(), Encoding::Json(media)),
        OptionKind::Form => (schema(), Encoding::Form(FormPlan::new(api, content, &structured()?)?)),
        OptionKind::Multipart => {
            (schema(), Encoding::Multipart(MultipartPlan::new(api, content, &structured()?, multipart)?))
        }
        OptionKind::Text => (Type::new(Shape::Primitive(Primitive::String)), Encoding::Raw(media)),
        OptionKind::Bytes => (bytes(), Encoding::Raw(media)),
        OptionKind::Ranged => (bytes(), Encoding::Ranged),
    };
    Ok(ClientOption { name: option.name.clone(), media_types: option.media_types.clone(), ty, encoding })
}

/// What a response's body is, as the client reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
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
    pub fn of(response: &Response) -> Read {
        let Some(first) = response.content.first() else { return Read::Nothing };
        if let Some(json) = response.content.iter().find(|c| is_json(&c.media_type)) {
            return Read::Json(json.ty.clone().map(Box::new));
        }
        let essence = first.media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if essence.starts_with("text/") { Read::Text } else { Read::Bytes }
    }

    /// Whether two responses read the same way (JSON: as the same Rust type).
    fn same(&self, other: &Read) -> bool {
        match (self, other) {
            (Read::Nothing, Read::Nothing) | (Read::Text, Read::Text) | (Read::Bytes, Read::Bytes) => true,
            (Read::Json(None), Read::Json(None)) => true,
            (Read::Json(Some(a)), Read::Json(Some(b))) => same_rust_type(a, b),
            _ => false,
        }
    }
}

/// Whether two uses of types are the same Rust type (constraints, defaults
/// and the kind of bytes aside).
pub fn same_rust_type(a: &Type, b: &Type) -> bool {
    let primitive = |p: &Primitive| match p {
        Primitive::Bytes(_) => Primitive::String,
        other => *other,
    };
    a.nullable == b.nullable
        && match (&a.shape, &b.shape) {
            (Shape::Primitive(x), Shape::Primitive(y)) => primitive(x) == primitive(y),
            (Shape::Array(x), Shape::Array(y)) | (Shape::Map(x), Shape::Map(y)) => same_rust_type(x, y),
            (Shape::Named(x), Shape::Named(y)) => x == y,
            (Shape::Any, Shape::Any) => true,
            _ => false,
        }
}

/// What a success returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// No body documented: `()`, whatever the server sends.
    Unit,
    /// A `text/*` body: the `String` (UTF-8).
    Text,
    /// A body of another media type: its bytes.
    Bytes,
    /// 2xx responses with different bodies: an enum named `{Op}Success`
    /// with a variant per documented 2xx response.
    Statuses(Vec<SuccessVariant>),
    /// The body as this type.
    Strict(Type),
    /// The body as this type, `Decoded<T>`, after taking undecodable items out
    /// of these lists (field wire name and item type; `None`: the body
    /// itself is the list).
    Lenient(Type, Vec<(Option<String>, Type)>),
}

/// One documented 2xx response of an operation whose successes differ.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessVariant {
    pub status: StatusCode,
    /// The variant's name (`Ok`, `Created`).
    pub name: String,
    pub description: String,
    pub read: Read,
}

pub fn is_success(status: StatusCode) -> bool {
    match status {
        StatusCode::Exact(code) => (200..300).contains(&code),
        StatusCode::Range(digit) => digit == 2,
        StatusCode::Default => false,
    }
}

/// The success type: the one body type of the 2xx responses (`()` when the
/// spec documents no 2xx response: any 2xx is still a success).
fn success(api: &Api, op: &Operation) -> Success {
    let responses: Vec<&Response> = op.responses.iter().filter(|r| is_success(r.status)).collect();
    let Some(first) = responses.first() else { return Success::Unit };
    let read = Read::of(first);
    if responses[1..].iter().any(|other| !read.same(&Read::of(other))) {
        let mut variants: Vec<SuccessVariant> = responses
            .iter()
            .map(|r| SuccessVariant {
                status: r.status,
                name: crate::naming::status_variant(r.status),
                description: r.description.clone(),
                read: Read::of(r),
            })
            .collect();
        // Exact codes before the `2XX` range, as OpenAPI resolves them.
        variants.sort_by_key(|v| matches!(v.status, StatusCode::Range(_)));
        return Success::Statuses(variants);
    }
    let ty = match read {
        Read::Nothing => return Success::Unit,
        Read::Text => return Success::Text,
        Read::Bytes => return Success::Bytes,
        Read::Json(ty) => ty.map(|t| *t).unwrap_or_else(|| Type::new(Shape::Any)),
    };
    let lists = lenient_lists(api, &ty);
    if lists.is_empty() { Success::Strict(ty) } else { Success::Lenient(ty, lists) }
}

/// The lists of a success body whose items are named structs or enums, so an
/// item that does not decode can be reported instead of failing the body:
/// the body itself when it is such a list, else such fields of a struct body.
fn lenient_lists(api: &Api, ty: &Type) -> Vec<(Option<String>, Type)> {
    let item_of = |ty: &Type| -> Option<Type> {
        let ty = api.resolve_aliases(ty);
        if ty.nullable {
            return None;
        }
        let Shape::Array(item) = &ty.shape else { return None };
        let def = item.named().and_then(|n| api.type_def(n))?;
        matches!(def.kind, TypeKind::Struct(_) | TypeKind::Enum(_)).then(|| (**item).clone())
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

/// The JSON body of a response: `None` when it documents no JSON content
/// (an error status with a text body is then an unexpected response).
fn json_body(response: &Response) -> Option<Option<Type>> {
    match Read::of(response) {
        Read::Json(ty) => Some(ty.map(|t| *t)),
        _ => None,
    }
}

/// The non-2xx statuses whose documented body is the error type: exact codes
/// first, then ranges, then `default`, as OpenAPI resolves them.
fn failures(op: &Operation, error_type: Option<&Type>) -> BTreeSet<u16> {
    let mut has_body = Vec::new();
    for response in op.responses.iter().filter(|r| !is_success(r.status)) {
        has_body.push((response.status, json_body(response).is_some() && error_type.is_some()));
    }
    let lookup = |code: u16| -> bool {
        let exact = has_body.iter().find(|(s, _)| *s == StatusCode::Exact(code));
        let range = has_body.iter().find(|(s, _)| matches!(s, StatusCode::Range(d) if u16::from(*d) == code / 100));
        let default = has_body.iter().find(|(s, _)| *s == StatusCode::Default);
        exact.or(range).or(default).is_some_and(|(_, body)| *body)
    };
    (100..1000).filter(|code| !(200..300).contains(code)).filter(|&code| lookup(code)).collect()
}

/// The one type of every JSON error body the spec documents, with a name for
/// messages; the JSON value itself when the spec documents several types
/// (`Error::Api`'s body is then a `serde_json::Value` to decode further).
pub fn error_body(api: &Api) -> Option<(Type, String)> {
    let mut found: Option<(Type, String)> = None;
    for op in &api.operations {
        for response in op.responses.iter().filter(|r| !is_success(r.status)) {
            let Some(body) = json_body(response) else { continue };
            let ty = body.unwrap_or_else(|| Type::new(Shape::Any));
            let key = Type { constraints: Default::default(), default: None, ..ty.clone() };
            match &found {
                None => {
                    let name = ty.named().map(str::to_owned).unwrap_or_else(|| "JSON value".to_owned());
                    found = Some((key, name));
                }
                Some((known, _)) if *known == key => {}
                Some(_) => return Some((Type::new(Shape::Any), "JSON value".to_owned())),
            }
        }
    }
    found
}
