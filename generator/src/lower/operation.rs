//! Paths → operations: parameters, request bodies, responses, security.

use indexmap::IndexMap;
use openapiv3::{
    APIKeyLocation, MediaType, ParameterData, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr,
};

use super::Skipped;
use super::{Lowerer, Section};
use crate::error::{Error, Result};
use crate::ir::{
    Content, Header, IgnoredParameter, Location, Method, OAuth2Flow, OAuth2FlowKind, Operation, Parameter,
    ParameterEncoding, PropertyEncoding, RequestBody, Response, SchemeUse, SecurityRequirement, SecurityScheme,
    SecuritySchemeKind, StatusCode, Style, Type, is_json,
};
use crate::naming::{
    RESERVED_METHODS, RESERVED_TRAIT_METHODS, disambiguate, operation_id, type_name, unraw, value_name,
};
use crate::pointer::Pointer;

/// Where an operation is in the spec.
struct OperationSite<'s> {
    path: &'s String,
    path_at: &'s Pointer,
    item: &'s openapiv3::PathItem,
    method: &'s str,
    op: &'s openapiv3::Operation,
    at: &'s Pointer,
}

impl<'a> Lowerer<'a> {
    pub(super) fn security_schemes(&mut self) -> Result<Vec<SecurityScheme>> {
        let Some(components) = &self.doc.components else { return Ok(Vec::new()) };
        let base = Pointer::root().join("components").join("securitySchemes");
        let mut schemes = Vec::new();
        for (name, item) in &components.security_schemes {
            let (scheme, at) =
                self.resolve(item, &base.join(name), Section::SecuritySchemes, |c| &c.security_schemes)?;
            let (kind, description) = match &*scheme {
                openapiv3::SecurityScheme::HTTP { scheme, bearer_format, description, .. } => (
                    SecuritySchemeKind::Http {
                        scheme: scheme.to_ascii_lowercase(),
                        bearer_format: bearer_format.clone(),
                    },
                    description,
                ),
                openapiv3::SecurityScheme::APIKey { location, name, description, .. } => {
                    let location = match location {
                        APIKeyLocation::Query => Location::Query,
                        APIKeyLocation::Header => Location::Header,
                        APIKeyLocation::Cookie => Location::Cookie,
                    };
                    (SecuritySchemeKind::ApiKey { location, name: name.clone() }, description)
                }
                openapiv3::SecurityScheme::OAuth2 { flows, description, .. } => {
                    (SecuritySchemeKind::OAuth2 { flows: oauth2_flows(flows) }, description)
                }
                openapiv3::SecurityScheme::OpenIDConnect { open_id_connect_url, description, .. } => {
                    (SecuritySchemeKind::OpenIdConnect { url: open_id_connect_url.clone() }, description)
                }
            };
            schemes.push(SecurityScheme { name: name.clone(), pointer: at, docs: description.clone(), kind });
        }
        Ok(schemes)
    }

    pub(super) fn operations(&mut self, schemes: &[SecurityScheme]) -> Result<Vec<Operation>> {
        let mut operations: Vec<Operation> = Vec::new();
        let paths = Pointer::root().join("paths");
        let doc: &'a openapiv3::OpenAPI = self.doc;
        let mut items: Vec<(&'a String, Pointer, std::borrow::Cow<'a, openapiv3::PathItem>)> = Vec::new();
        for (path, item) in doc.paths.iter() {
            let path_at = paths.join(path);
            // A path item that is a `$ref` (to another path's item, or
            // anywhere in the document) is read where it points, and its
            // pointers name that place.
            let (item, path_at) = match item {
                ReferenceOr::Item(item) => (std::borrow::Cow::Borrowed(item), path_at),
                ReferenceOr::Reference { reference } => {
                    let target = self.target(reference, &path_at)?;
                    (std::borrow::Cow::Owned(self.read_foreign(reference, &target, &path_at)?), target)
                }
            };
            if !path.starts_with('/') {
                return Err(Error::malformed(&path_at, "a path must start with `/`"));
            }
            items.push((path, path_at, item));
        }
        // Every operation's function name, by the one renaming rule: two
        // `operationId`s (or derived ids: `/jobs` and `/jobs/`) of one Rust
        // name, or a name the generated code uses itself (`new`), get
        // numeric suffixes, ordered by `operationId`, then path and method.
        let mut wanted: Vec<(String, String)> = Vec::new();
        let mut ids: std::collections::BTreeMap<String, Pointer> = std::collections::BTreeMap::new();
        for (path, path_at, item) in &items {
            for (method, op) in item.iter() {
                if let Some(id) = &op.operation_id {
                    let id_at = path_at.join(method).join("operationId");
                    if let Some(other) = ids.insert(id.clone(), id_at.clone()) {
                        self.warn(
                            &id_at,
                            format!("the operationId `{id}` is also the one at {other} (they must be unique): the operations' functions are told apart by a numeric suffix"),
                        );
                    }
                }
                let id = op.operation_id.clone().unwrap_or_else(|| operation_id(method, path));
                wanted.push((value_name(&id), format!("{id}\u{0}{path}\u{0}{method}")));
            }
        }
        let reserved: Vec<&str> = RESERVED_METHODS.iter().chain(RESERVED_TRAIT_METHODS).copied().collect();
        let mut names = disambiguate(&wanted, &reserved).into_iter();
        for (path, path_at, item) in &items {
            for (method, op) in item.iter() {
                let at = path_at.join(method);
                let id = op.operation_id.clone().unwrap_or_else(|| operation_id(method, path));
                let name = names.next().unwrap_or_default();
                let lowered = self.operation(
                    OperationSite { path, path_at, item: item.as_ref(), method, op, at: &at },
                    id,
                    name,
                    schemes,
                );
                match lowered {
                    Ok(operation) => operations.push(operation),
                    // One place decides whether an operation that cannot be
                    // expressed fails the whole spec or is left out.
                    Err(error @ Error::Unsupported { .. }) if self.skipping => {
                        self.skipped.push(Skipped {
                            method: method_of(method),
                            path: (*path).clone(),
                            pointer: at,
                            error,
                        });
                    }
                    Err(error) => return Err(error),
                }
            }
        }
        Ok(operations)
    }

    /// One operation: parameters, body, responses, security.
    fn operation(
        &mut self,
        site: OperationSite<'_>,
        id: String,
        name: String,
        schemes: &[SecurityScheme],
    ) -> Result<Operation> {
        let OperationSite { path: written, path_at, item, method, op, at } = site;
        let at = at.clone();
        // A query part written into the path (`/latest?term={term}`): the
        // operation's path is what is before it (see `query_in_path`).
        let (path, query_part) = match written.split_once('?') {
            Some((path, query)) => (path.to_owned(), Some(query)),
            None => (written.clone(), None),
        };
        let path = &path;
        let servers = server_urls(if op.servers.is_empty() { &item.servers } else { &op.servers });
        let type_name = type_name(unraw(&name));
        self.callbacks(&op.callbacks, &at, &type_name)?;
        let (parameters, ignored_parameters) =
            self.parameters(&item.parameters, path_at, &op.parameters, &at, &type_name, path)?;
        if let Some(query) = query_part {
            query_in_path(written, query, &parameters, &at)?;
        }
        let request_body = match &op.request_body {
            Some(body) => Some(self.request_body(body, &at.join("requestBody"), &type_name)?),
            None => None,
        };
        let responses = self.responses(&op.responses, &at.join("responses"), &type_name)?;
        let security = match &op.security {
            Some(requirements) => security(requirements, &at.join("security"), schemes)?,
            None => match &self.doc.security {
                Some(requirements) => security(requirements, &Pointer::root().join("security"), schemes)?,
                None => Vec::new(),
            },
        };
        Ok(Operation {
            id,
            name,
            type_name,
            method: method_of(method),
            path: path.clone(),
            pointer: at,
            summary: op.summary.clone(),
            description: op.description.clone(),
            tags: op.tags.clone(),
            deprecated: op.deprecated,
            parameters,
            ignored_parameters,
            request_body,
            responses,
            security,
            servers,
        })
    }

    /// Path-level parameters merged with the operation's: an operation's
    /// parameter replaces a path-level one with the same name and location
    /// (header names compare case-insensitively, as HTTP's do). Header
    /// parameters named `Accept`, `Content-Type` or `Authorization` are
    /// returned apart: OpenAPI 3.0.3 says they SHALL be ignored.
    fn parameters(
        &mut self,
        path_level: &[ReferenceOr<openapiv3::Parameter>],
        path_at: &Pointer,
        own: &[ReferenceOr<openapiv3::Parameter>],
        at: &Pointer,
        op_type: &str,
        path: &str,
    ) -> Result<(Vec<Parameter>, Vec<IgnoredParameter>)> {
        let mut merged: Vec<Parameter> = Vec::new();
        let mut ignored: Vec<IgnoredParameter> = Vec::new();
        // Parameters are the same when their locations are and their names
        // are (any case, for headers).
        let key_of = |name: &str, location: Location| {
            let name = if location == Location::Header { name.to_ascii_lowercase() } else { name.to_owned() };
            (name, location)
        };
        for (list, base, overrides) in [(path_level, path_at, false), (own, at, true)] {
            let mut seen_here: Vec<(String, Location)> = Vec::new();
            for (i, item) in list.iter().enumerate() {
                let use_at = base.join("parameters").join(i);
                let (resolved, _) = self.resolve(item, &use_at, Section::Parameters, |c| &c.parameters)?;
                if let openapiv3::Parameter::Header { parameter_data, .. } = &*resolved
                    && IgnoredParameter::is_ignored_header(&parameter_data.name)
                {
                    let name = &parameter_data.name;
                    ignored.retain(|p| !p.wire_name.eq_ignore_ascii_case(name));
                    ignored.push(IgnoredParameter { wire_name: name.clone(), pointer: use_at });
                    continue;
                }
                let parameter = self.parameter(item, &use_at, op_type)?;
                let key = key_of(&parameter.wire_name, parameter.location);
                if seen_here.contains(&key) {
                    return Err(Error::malformed(
                        &use_at,
                        format!("parameter `{}` is listed twice for the same location", parameter.wire_name),
                    ));
                }
                seen_here.push(key.clone());
                match merged.iter().position(|p| key_of(&p.wire_name, p.location) == key) {
                    Some(index) if overrides => merged[index] = parameter,
                    _ => merged.push(parameter),
                }
            }
        }
        // Distinct Rust names, and path parameters that match the template.
        super::names::distinct_parameter_names(&mut merged);
        let in_template: Vec<&str> =
            path.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name)).collect();
        for p in merged.iter().filter(|p| p.location == Location::Path) {
            if !in_template.contains(&p.wire_name.as_str()) {
                return Err(Error::malformed(
                    &p.pointer,
                    format!("path parameter `{}` does not appear in the path `{path}`", p.wire_name),
                ));
            }
        }
        for name in in_template {
            if !merged.iter().any(|p| p.location == Location::Path && p.wire_name == name) {
                return Err(Error::malformed(
                    at,
                    format!("the path `{path}` has `{{{name}}}` but no path parameter `{name}`"),
                ));
            }
        }
        Ok((merged, ignored))
    }

    fn parameter(
        &mut self,
        item: &ReferenceOr<openapiv3::Parameter>,
        use_at: &Pointer,
        op_type: &str,
    ) -> Result<Parameter> {
        let (parameter, at) = self.resolve(item, use_at, Section::Parameters, |c| &c.parameters)?;
        // A shared component parameter names its inline types after itself.
        let prefix = if matches!(item, ReferenceOr::Reference { .. }) { String::new() } else { op_type.to_owned() };
        let (data, location, style, allow_reserved) = match &*parameter {
            openapiv3::Parameter::Query { parameter_data, allow_reserved, style, .. } => {
                (parameter_data, Location::Query, query_style(style), *allow_reserved)
            }
            openapiv3::Parameter::Header { parameter_data, .. } => {
                (parameter_data, Location::Header, Style::Simple, false)
            }
            openapiv3::Parameter::Path { parameter_data, style } => {
                let style = match style {
                    PathStyle::Matrix => Style::Matrix,
                    PathStyle::Label => Style::Label,
                    PathStyle::Simple => Style::Simple,
                };
                (parameter_data, Location::Path, style, false)
            }
            openapiv3::Parameter::Cookie { parameter_data, .. } => {
                (parameter_data, Location::Cookie, Style::Form, false)
            }
        };
        // Header and cookie names are sent as they are: they must be tokens
        // (RFC 9110 field names; RFC 6265 cookie names).
        if matches!(location, Location::Header | Location::Cookie) && !is_token(&data.name) {
            return Err(Error::malformed(
                &at.join("name"),
                format!(
                    "`{}` cannot be the name of a {} (letters, digits and `!#$%&'*+-.^_`|~` only)",
                    data.name,
                    location.spec_name()
                ),
            ));
        }
        if location == Location::Path && !data.required {
            return Err(Error::malformed(
                &at.join("required"),
                format!("path parameter `{}` must be `required: true`", data.name),
            ));
        }
        let mut hint = format!("{prefix}{}", type_name(&data.name));
        // A shared parameter's inline types are named after the parameter;
        // when a type of that name is already there (a schema, or another
        // shared parameter of the same name), after its key in
        // `components/parameters`, then `<Key>Parameter`.
        if prefix.is_empty() && !self.inline.contains_key(&at.join("schema")) {
            let key = type_name(&at.last().unwrap_or_default());
            for candidate in [key.clone(), format!("{key}Parameter")] {
                if !self.taken.contains_key(&hint) {
                    break;
                }
                hint = candidate;
            }
        }
        let encoding = self.parameter_encoding(data, &at, &hint)?;
        let ty = match &encoding {
            ParameterEncoding::Style(ty) | ParameterEncoding::Content { ty, .. } => ty.clone(),
        };
        self.examples_of(&at, &ty, data.example.as_ref(), &data.examples)?;
        Ok(Parameter {
            name: value_name(&data.name),
            wire_name: data.name.clone(),
            location,
            pointer: use_at.clone(),
            docs: data.description.clone(),
            required: data.required,
            deprecated: data.deprecated.unwrap_or(false),
            // `deepObject` has a serialization only exploded, and every
            // tool sends it so: an absent `explode` is `true` there too.
            explode: data.explode.unwrap_or(matches!(style, Style::Form | Style::DeepObject)),
            style,
            allow_reserved,
            encoding,
        })
    }

    fn parameter_encoding(&mut self, data: &ParameterData, at: &Pointer, hint: &str) -> Result<ParameterEncoding> {
        match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                Ok(ParameterEncoding::Style(self.lower_use(schema, &at.join("schema"), hint)?))
            }
            ParameterSchemaOrContent::Content(content) => {
                let mut entries = content.iter();
                let (Some((media_type, media)), None) = (entries.next(), entries.next()) else {
                    return Err(Error::malformed(
                        &at.join("content"),
                        "a parameter's `content` must have exactly one entry",
                    ));
                };
                let media_at = at.join("content").join(media_type);
                if !is_json(media_type) {
                    return Err(Error::unsupported(&media_at, format!("parameters encoded as `{media_type}`")));
                }
                let Some(schema) = &media.schema else {
                    return Err(Error::unsupported(&media_at, "a parameter `content` without `schema`"));
                };
                let ty = self.lower_use(schema, &media_at.join("schema"), hint)?;
                self.examples_of(&media_at, &ty, media.example.as_ref(), &media.examples)?;
                Ok(ParameterEncoding::Content { media_type: media_type.clone(), ty })
            }
        }
    }

    /// The one media type of a header's `content` and its schema's type
    /// (any value without a schema).
    fn header_content(
        &mut self,
        content: &IndexMap<String, MediaType>,
        at: &Pointer,
        hint: &str,
    ) -> Result<(String, Type)> {
        let mut entries = content.iter();
        let (Some((media_type, media)), None) = (entries.next(), entries.next()) else {
            return Err(Error::malformed(at, "a header's `content` must have exactly one entry"));
        };
        let media_at = at.join(media_type);
        let ty = match &media.schema {
            Some(schema) => self.lower_use(schema, &media_at.join("schema"), hint)?,
            None => Type::new(crate::ir::Shape::Any),
        };
        self.examples_of(&media_at, &ty, media.example.as_ref(), &media.examples)?;
        Ok((media_type.clone(), ty))
    }

    pub(super) fn request_body(
        &mut self,
        item: &ReferenceOr<openapiv3::RequestBody>,
        use_at: &Pointer,
        op_type: &str,
    ) -> Result<RequestBody> {
        let (body, at) = self.resolve(item, use_at, Section::RequestBodies, |c| &c.request_bodies)?;
        let prefix = match item {
            ReferenceOr::Reference { .. } => type_name(&at.last().unwrap_or_default()),
            ReferenceOr::Item(_) => format!("{op_type}Request"),
        };
        // Without media types (`content: {}`) the plan sends no body, with a warning.
        let content = self.content(&body.content, &at.join("content"), &prefix)?;
        Ok(RequestBody { pointer: at, docs: body.description.clone(), required: body.required, content })
    }

    pub(super) fn responses(
        &mut self,
        responses: &openapiv3::Responses,
        at: &Pointer,
        op_type: &str,
    ) -> Result<Vec<Response>> {
        let mut out = Vec::new();
        let keyed = responses
            .responses
            .iter()
            .map(|(code, item)| {
                let status = match code {
                    openapiv3::StatusCode::Code(c) => StatusCode::Exact(*c),
                    openapiv3::StatusCode::Range(r) => StatusCode::Range(*r as u8),
                };
                (status, code.to_string(), item)
            })
            .chain(responses.default.iter().map(|item| (StatusCode::Default, "default".to_owned(), item)));
        for (status, key, item) in keyed {
            if let StatusCode::Exact(c) = status
                && !(100..=599).contains(&c)
            {
                return Err(Error::malformed(&at.join(&key), format!("{c} is not an HTTP status code")));
            }
            if let StatusCode::Range(r) = status
                && !(1..=5).contains(&r)
            {
                return Err(Error::malformed(&at.join(&key), format!("`{key}` is not an HTTP status range")));
            }
            let (response, response_at) = self.resolve(item, &at.join(&key), Section::Responses, |c| &c.responses)?;
            let prefix = match item {
                ReferenceOr::Reference { .. } => type_name(&response_at.last().unwrap_or_default()),
                ReferenceOr::Item(_) => format!("{op_type}Response{}", type_name(&key)),
            };
            let content = self.content(&response.content, &response_at.join("content"), &prefix)?;
            let mut headers = Vec::new();
            for (name, header) in &response.headers {
                let header_at = response_at.join("headers").join(name);
                let (header, header_at) = self.resolve(header, &header_at, Section::Headers, |c| &c.headers)?;
                let hint = format!("{prefix}{}", type_name(name));
                let (ty, content_type) = match &header.format {
                    ParameterSchemaOrContent::Schema(schema) => {
                        (self.lower_use(schema, &header_at.join("schema"), &hint)?, None)
                    }
                    ParameterSchemaOrContent::Content(content) => {
                        let (media_type, ty) = self.header_content(content, &header_at.join("content"), &hint)?;
                        (ty, Some(media_type))
                    }
                };
                self.examples_of(&header_at, &ty, header.example.as_ref(), &header.examples)?;
                headers.push(Header { name: name.clone(), required: header.required, ty, content_type });
            }
            out.push(Response {
                status,
                pointer: response_at,
                description: response.description.clone(),
                content,
                headers,
            });
        }
        Ok(out)
    }

    /// Each media type with its schema's type. The first JSON schema is named
    /// `<prefix>`; the others get the media type appended.
    fn content(&mut self, content: &IndexMap<String, MediaType>, at: &Pointer, prefix: &str) -> Result<Vec<Content>> {
        let mut out = Vec::new();
        for (i, (media_type, media)) in content.iter().enumerate() {
            let media_at = at.join(media_type);
            let encoding = self.encoding(media, &media_at.join("encoding"));
            let hint = if i == 0 { prefix.to_owned() } else { format!("{prefix}{}", type_name(media_type)) };
            let ty = match &media.schema {
                Some(schema) => {
                    let ty: Type = self.lower_use(schema, &media_at.join("schema"), &hint)?;
                    self.examples_of(&media_at, &ty, media.example.as_ref(), &media.examples)?;
                    Some(ty)
                }
                None => None,
            };
            out.push(Content { media_type: media_type.clone(), ty, encoding });
        }
        Ok(out)
    }

    /// A media type's `encoding` object, in spec order. `explode` counts
    /// only where the spec writes it (openapiv3 reads an absent one as
    /// `false`; OpenAPI's default for forms is `true`).
    fn encoding(&self, media: &MediaType, at: &Pointer) -> Vec<PropertyEncoding> {
        let mut out = Vec::new();
        for (property, encoding) in &media.encoding {
            let pointer = at.join(property);
            let explicit = self.raw_at(&pointer.join("explode")).and_then(|v| v.as_bool());
            let style = encoding.style.as_ref().map(query_style);
            let explode = explicit.unwrap_or(matches!(style, None | Some(Style::Form)));
            out.push(PropertyEncoding {
                property: property.clone(),
                pointer,
                content_type: encoding.content_type.clone(),
                style,
                explode,
                allow_reserved: encoding.allow_reserved,
                headers: encoding.headers.keys().cloned().collect(),
            });
        }
        out
    }
}

fn query_style(style: &QueryStyle) -> Style {
    match style {
        QueryStyle::Form => Style::Form,
        QueryStyle::SpaceDelimited => Style::SpaceDelimited,
        QueryStyle::PipeDelimited => Style::PipeDelimited,
        QueryStyle::DeepObject => Style::DeepObject,
    }
}

fn security(
    requirements: &[openapiv3::SecurityRequirement],
    at: &Pointer,
    schemes: &[SecurityScheme],
) -> Result<Vec<SecurityRequirement>> {
    let mut out = Vec::new();
    for (i, requirement) in requirements.iter().enumerate() {
        let mut uses = Vec::new();
        for (scheme, scopes) in requirement {
            if !schemes.iter().any(|s| &s.name == scheme) {
                return Err(Error::Reference {
                    pointer: at.join(i).join(scheme),
                    reference: scheme.clone(),
                    problem: "names no entry of #/components/securitySchemes".to_owned(),
                });
            }
            uses.push(SchemeUse { scheme: scheme.clone(), scopes: scopes.clone() });
        }
        out.push(SecurityRequirement { schemes: uses });
    }
    Ok(out)
}

/// The flows of an OAuth2 scheme, in the order of the spec's Flows Object.
fn oauth2_flows(flows: &openapiv3::OAuth2Flows) -> Vec<OAuth2Flow> {
    let scopes = |map: &indexmap::IndexMap<String, String>| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut out = Vec::new();
    if let Some(f) = &flows.implicit {
        out.push(OAuth2Flow {
            kind: OAuth2FlowKind::Implicit,
            authorization_url: Some(f.authorization_url.clone()),
            token_url: None,
            refresh_url: f.refresh_url.clone(),
            scopes: scopes(&f.scopes),
        });
    }
    if let Some(f) = &flows.password {
        out.push(OAuth2Flow {
            kind: OAuth2FlowKind::Password,
            authorization_url: None,
            token_url: Some(f.token_url.clone()),
            refresh_url: f.refresh_url.clone(),
            scopes: scopes(&f.scopes),
        });
    }
    if let Some(f) = &flows.client_credentials {
        out.push(OAuth2Flow {
            kind: OAuth2FlowKind::ClientCredentials,
            authorization_url: None,
            token_url: Some(f.token_url.clone()),
            refresh_url: f.refresh_url.clone(),
            scopes: scopes(&f.scopes),
        });
    }
    if let Some(f) = &flows.authorization_code {
        out.push(OAuth2Flow {
            kind: OAuth2FlowKind::AuthorizationCode,
            authorization_url: Some(f.authorization_url.clone()),
            token_url: Some(f.token_url.clone()),
            refresh_url: f.refresh_url.clone(),
            scopes: scopes(&f.scopes),
        });
    }
    out
}

/// The URLs of `servers`, each `{variable}` replaced by its default.
pub(super) fn server_urls(servers: &[openapiv3::Server]) -> Vec<String> {
    servers
        .iter()
        .map(|server| {
            let mut url = server.url.clone();
            for (name, variable) in server.variables.iter().flatten() {
                url = url.replace(&format!("{{{name}}}"), &variable.default);
            }
            url
        })
        .collect()
}

/// An RFC 9110 token: one or more of `tchar`.
fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn method_of(method: &str) -> Method {
    match method {
        "get" => Method::Get,
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "options" => Method::Options,
        "head" => Method::Head,
        "patch" => Method::Patch,
        _ => Method::Trace,
    }
}

/// A query part written into a path key (`/latest?term={term}&amount={amount}`,
/// as some documents have it): each pair must be `name={name}` of a
/// parameter declared `in: query` with that name, which is what the client
/// sends for that parameter anyway (a scalar's `style: form` is
/// `name=value`), and what the server reads. So the operation's path is the
/// part before `?`, its query parameters are read and sent as declared, and
/// the wire is the one the document describes. Literal pairs (`?action=list`)
/// would have to be sent and matched as such: refused.
fn query_in_path(written: &str, query: &str, parameters: &[Parameter], at: &Pointer) -> Result<()> {
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let named = value.strip_prefix('{').and_then(|v| v.strip_suffix('}'));
        let declared = parameters.iter().any(|p| p.location == Location::Query && p.wire_name == key);
        if named != Some(key) || !declared {
            return Err(Error::unsupported(
                at,
                format!(
                    "the query part `{pair}` of the path `{written}` (only `name={{name}}` of a query parameter `name`, sent and read as that parameter)"
                ),
            ));
        }
    }
    Ok(())
}
