//! What the server does per operation, decided before a token is written:
//! its security requirement, how each parameter and the body are read, the
//! response variants, the trait method making its error bodies, and the
//! route serving it. Everything the server cannot express is refused here,
//! with its pointer; the server emitter only reads these plans.

use super::bodies::{self, FormKind, OptionKind, PartField, PartKind};
use super::decoding::{Parse, ServerParameter, scalar_parse};
use super::errors::ErrorPlan;
use super::names::{Names, OperationNames};
use super::responses::Variant;
use super::routes::{PathMatch, Route};
use super::security::Security;
use crate::error::{Error, Result, Warning};
use crate::ir::{
    Additional, Api, Content, Location, Operation, Primitive, Reached, Shape, Type, TypeDef, TypeKind, reaches,
};

/// The server's plan of a whole API.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerPlan {
    /// The names of every generated item.
    pub names: Names,
    /// The router's own error bodies.
    pub error: ErrorPlan,
    /// The security schemes the operations use and their requirements.
    pub security: Security,
    /// In the order of [`Api::operations`].
    pub operations: Vec<ServerOperation>,
    pub routes: Vec<Route>,
}

impl ServerPlan {
    /// What the plan approximates, operation by operation, in order.
    pub fn warnings(&self) -> impl Iterator<Item = &Warning> {
        self.operations.iter().flat_map(|op| &op.warnings)
    }

    /// Plans the server of `api`: fails with what it cannot express.
    pub fn new(api: &Api) -> Result<ServerPlan> {
        let names = super::names::names(api)?;
        let error = ErrorPlan::new(api)?;
        let security = Security::plan(api)?;
        let mut operations = api
            .operations
            .iter()
            .zip(&names.operations)
            .zip(&security.operations)
            .map(|((op, names), auth)| ServerOperation::new(api, op, names, &error, *auth))
            .collect::<Result<Vec<_>>>()?;
        let routes = super::routes::routes(&api.operations)?;
        for route in &routes {
            for &i in &route.operations {
                operations[i].path_match = super::routes::path_match(&route.template, &api.operations[i])?;
            }
            for &(hidden, by) in &route.unreachable {
                let reason = super::routes::unreachable_reason(&api.operations[hidden], &api.operations[by]);
                operations[hidden].unreachable = Some(reason);
            }
        }
        Ok(ServerPlan { names, error, security, operations, routes })
    }
}

/// The operations the server cannot express, by index, with the reason
/// (see [`crate::skip`]). Refusals of the API as a whole (bad requests
/// answered with several schemas, routes axum cannot tell apart) are left
/// to [`ServerPlan::new`].
pub fn refusals(api: &Api) -> Result<Vec<(usize, Error)>> {
    let Ok(error) = ErrorPlan::new(api) else { return Ok(Vec::new()) };
    let security = Security::plan(api)?;
    let mut refused = Vec::new();
    for (i, op) in api.operations.iter().enumerate() {
        match ServerOperation::new(api, op, &OperationNames::of(op), &error, security.operations[i]) {
            Ok(_) => {}
            Err(error @ Error::Unsupported { .. }) => refused.push((i, error)),
            Err(error) => return Err(error),
        }
    }
    Ok(refused)
}

/// What the server of each operation it can express approximates (see
/// [`super::warnings`]), each operation planned on its own.
pub fn warnings(api: &Api) -> Vec<Warning> {
    let Ok(error) = ErrorPlan::new(api) else { return Vec::new() };
    let Ok(security) = Security::plan(api) else { return Vec::new() };
    let mut warnings = Vec::new();
    for (i, op) in api.operations.iter().enumerate() {
        if let Ok(planned) = ServerOperation::new(api, op, &OperationNames::of(op), &error, security.operations[i]) {
            warnings.extend(planned.warnings);
        }
    }
    warnings
}

/// One operation as the server sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerOperation {
    /// Its requirement (an index into [`Security::requirements`]), when it
    /// authenticates.
    pub auth: Option<usize>,
    /// Path parameters in template order.
    pub path: Vec<ServerParameter>,
    pub query: Vec<ServerParameter>,
    /// Header and cookie parameters, in spec order.
    pub headers: Vec<ServerParameter>,
    pub body: Option<ServerBody>,
    pub variants: Vec<Variant>,
    /// The trait method that makes this operation's rejection bodies, when
    /// it is not `rejection` (another bad-request schema).
    pub reject_hook: Option<String>,
    /// Authentication failures (`401`, `403`) the spec answers with another
    /// schema than its bad requests', with the method making it (`None`:
    /// `rejection`).
    pub auth_rejects: Vec<(u16, Option<String>)>,
    /// How the path parameters are read from the route's captures, when the
    /// route is not this operation's own template (see [`super::routes`]).
    pub path_match: Option<PathMatch>,
    /// Why the router never calls this operation, when it does not (see
    /// [`super::routes::warnings`]).
    pub unreachable: Option<String>,
    /// What the server reads less fully than the spec says.
    pub warnings: Vec<Warning>,
}

/// A request body as the server reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerBody {
    pub required: bool,
    /// How each option of the body is read (see [`bodies::options`]), in spec order.
    pub options: Vec<ServerOption>,
    /// `{Op}RequestBody`, the enum the handler gets, when there are several
    /// options (one variant each); with one, the handler gets its value.
    pub choice: Option<String>,
}

/// One option of a request body as the server reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerOption {
    /// The variant of `{Op}RequestBody`.
    pub name: String,
    /// The value's type (JSON, form: the schema's; text: `String`; bytes).
    pub ty: Type,
    /// The media types (or ranges) it accepts.
    pub media_types: Vec<String>,
    pub kind: BodyKind,
}

/// How a request body is read.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// JSON of the body's type; `strict`: its schema forbids unknown fields
    /// somewhere, so it is checked for them before it is decoded.
    Json { strict: bool },
    /// A `text/*` body: a `String`.
    Text,
    /// Raw bytes: `Vec<u8>`.
    Bytes,
    /// `application/x-www-form-urlencoded`: the fields of the body's struct.
    Form(FormBody),
    /// `multipart/form-data`: the parts of `{Op}Multipart`.
    Multipart(MultipartBody),
    /// A media type range or another multipart type: the `Content-Type`
    /// that arrived and the bytes.
    Ranged,
}

/// One field of a form body and how it is read.
#[derive(Debug, Clone, PartialEq)]
pub struct FormValue {
    pub field: crate::ir::Field,
    pub read: FormRead,
}

/// How the server reads one field of a form body.
#[derive(Debug, Clone, PartialEq)]
pub enum FormRead {
    /// Each value parses as a scalar; `repeated`: an array, one pair per item.
    Scalar { parse: Parse, repeated: bool },
    /// One value, JSON of the field's type.
    Json,
    /// `name[key]...=value` pairs, read leniently into the field's type.
    Nested,
}

/// A form body.
#[derive(Debug, Clone, PartialEq)]
pub struct FormBody {
    pub values: Vec<FormValue>,
    /// `additionalProperties: false`: the names allowed.
    pub known: Option<Vec<String>>,
}

/// How the server reads one part of a multipart body.
#[derive(Debug, Clone, PartialEq)]
pub enum PartRead {
    /// A text part, parsed as a scalar.
    Text(Parse),
    /// The bytes.
    Binary,
    /// JSON of the field's type.
    Json,
}

/// A multipart body: the operation's `{Op}Multipart` and its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct MultipartBody {
    pub name: String,
    /// The body's schema.
    pub schema: String,
    pub fields: Vec<PartField>,
    /// How each part is read, per field.
    pub reads: Vec<PartRead>,
    /// `additionalProperties: false`: the names allowed.
    pub known: Option<Vec<String>>,
}

impl ServerOperation {
    pub fn new(
        api: &Api,
        op: &Operation,
        names: &OperationNames,
        error: &ErrorPlan,
        auth: Option<usize>,
    ) -> Result<Self> {
        let reject_hook = error.hook_for(op);
        let auth_rejects = error.auth_hooks_for(op);
        let mut path = Vec::new();
        let mut query = Vec::new();
        let mut headers = Vec::new();
        for (i, p) in op.parameters.iter().enumerate() {
            match p.location {
                Location::Path => path.push(ServerParameter::new(api, i, p)?),
                Location::Query => query.push(ServerParameter::new(api, i, p)?),
                Location::Header | Location::Cookie => headers.push(ServerParameter::header(api, i, p)?),
            }
        }
        let position = |p: &ServerParameter| {
            op.path.find(&format!("{{{}}}", op.parameters[p.index].wire_name)).unwrap_or(usize::MAX)
        };
        path.sort_by_key(position);
        super::decoding::claim_keys(op, &mut query);
        // The parameters' warnings (in spec order), then the body's.
        let mut warnings: Vec<Warning> = {
            let mut params: Vec<&ServerParameter> = path.iter().chain(&query).chain(&headers).collect();
            params.sort_by_key(|p| p.index);
            params.into_iter().flat_map(|p| p.warnings.iter().cloned()).collect()
        };
        let body = body(api, op, names, &mut warnings)?;
        let variants = op
            .responses
            .iter()
            .enumerate()
            .map(|(i, response)| {
                Variant::new(api, response, &names.response_body(i), &names.response_headers(i), &mut warnings)
            })
            .collect::<Result<Vec<_>>>()?;
        if variants.is_empty() {
            return Err(Error::malformed(&op.pointer.join("responses"), "an operation without responses"));
        }
        Ok(ServerOperation {
            auth,
            path,
            query,
            headers,
            body,
            variants,
            reject_hook,
            auth_rejects,
            path_match: None,
            unreachable: None,
            warnings,
        })
    }
}

/// The request body as the server reads it: one [`ServerOption`] per
/// option of [`bodies::options`] (what it leaves out is a [`Warning`]).
fn body(api: &Api, op: &Operation, names: &OperationNames, warnings: &mut Vec<Warning>) -> Result<Option<ServerBody>> {
    let Some(body) = &op.request_body else { return Ok(None) };
    if body.content.is_empty() {
        warnings.push(Warning::new(
            &body.pointer.join("content"),
            "a request body without media types: the generated code sends and reads no body",
        ));
        return Ok(None);
    }
    let mut options = Vec::new();
    for option in bodies::options(api, body, warnings)? {
        let content = option.content;
        let at = body.pointer.join("content").join(&content.media_type);
        let bytes = || Type::new(Shape::Primitive(Primitive::Bytes(crate::ir::BytesEncoding::Binary)));
        let schema = || content.ty.clone().unwrap_or_else(|| Type::new(Shape::Any));
        let (ty, kind) = match option.kind {
            OptionKind::Json => {
                let ty = schema();
                let strict = forbids_unknown_fields(api, &ty);
                (ty, BodyKind::Json { strict })
            }
            OptionKind::Form | OptionKind::Multipart => {
                // `options` made it structured: its struct is there (the
                // warnings were given then).
                let Some(schema_struct) = bodies::structured(api, content, &at, &mut Vec::new())? else {
                    return Err(Error::malformed(&at, "a form or multipart body without its object"));
                };
                let kind = if option.kind == OptionKind::Form {
                    BodyKind::Form(form(api, content, &schema_struct, warnings)?)
                } else {
                    BodyKind::Multipart(multipart(api, content, &schema_struct, &names.multipart, warnings)?)
                };
                (schema(), kind)
            }
            OptionKind::Text => (Type::new(Shape::Primitive(Primitive::String)), BodyKind::Text),
            OptionKind::Bytes => (bytes(), BodyKind::Bytes),
            OptionKind::Ranged => (bytes(), BodyKind::Ranged),
        };
        options.push(ServerOption { name: option.name, ty, media_types: option.media_types, kind });
    }
    let choice = (options.len() > 1).then(|| names.request_body.clone());
    Ok(Some(ServerBody { required: body.required, options, choice }))
}

/// A form body: scalars and arrays of scalars parse; other fields are JSON
/// or nested pairs (see [`bodies::form_fields`]).
fn form(api: &Api, content: &Content, body: &bodies::BodyStruct<'_>, warnings: &mut Vec<Warning>) -> Result<FormBody> {
    let mut values = Vec::new();
    for f in bodies::form_fields(api, content, body, warnings) {
        let read = match f.kind {
            FormKind::Scalar { scalar, repeated } => {
                let Some(parse) = scalar_parse(api, &scalar, &f.field.pointer)? else {
                    return Err(Error::unsupported(&f.field.pointer, "a form body property that is not a scalar"));
                };
                FormRead::Scalar { parse, repeated }
            }
            FormKind::Json => FormRead::Json,
            FormKind::Nested => FormRead::Nested,
        };
        values.push(FormValue { field: f.field, read });
    }
    let known = body.closed.then(|| body.fields.fields.iter().map(|f| f.wire_name.clone()).collect());
    Ok(FormBody { values, known })
}

/// A multipart body: text parts parse as scalars; JSON parts are decoded
/// leniently, so they cannot have `additionalProperties: false` inside.
fn multipart(
    api: &Api,
    content: &Content,
    body: &bodies::BodyStruct<'_>,
    name: &str,
    warnings: &mut Vec<Warning>,
) -> Result<MultipartBody> {
    let fields = bodies::part_fields(api, content, body, warnings);
    let mut reads = Vec::new();
    for p in &fields {
        let f = &p.field;
        reads.push(match p.kind {
            PartKind::Text => {
                let Some(parse) = scalar_parse(api, &p.value, &f.pointer)? else {
                    return Err(Error::unsupported(&f.pointer, "a multipart text part that is not a scalar"));
                };
                PartRead::Text(parse)
            }
            PartKind::Binary => PartRead::Binary,
            PartKind::Json => {
                if forbids_unknown_fields(api, &f.ty) {
                    return Err(Error::unsupported(
                        &f.pointer,
                        "`additionalProperties: false` inside a JSON part of a multipart body",
                    ));
                }
                PartRead::Json
            }
        });
    }
    let known = body.closed.then(|| body.fields.fields.iter().map(|f| f.wire_name.clone()).collect());
    Ok(MultipartBody { name: name.to_owned(), schema: body.name.to_owned(), fields, reads, known })
}

/// Whether a body of `ty` needs checking for unknown fields: it can contain
/// a schema with `additionalProperties: false`.
pub fn forbids_unknown_fields(api: &Api, ty: &Type) -> bool {
    reaches(
        ty,
        &|name| api.type_def(name),
        &|at| matches!(at, Reached::Def(TypeDef { kind: TypeKind::Struct(s), .. }) if s.additional_properties == Additional::Forbidden),
    )
}
