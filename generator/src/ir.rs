//! The intermediate representation: what the emitters need to know about an
//! API, with every `$ref` resolved and every name decided.
//!
//! The IR is independent of `openapiv3` (lowering translates into it) and of
//! token emission (emitters only read it). Everything is kept in spec order,
//! in `Vec`s, so iterating the IR is deterministic.

use serde_json::Value;

use crate::pointer::Pointer;

/// A whole API: the lowered form of one OpenAPI document.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// Base URLs from `servers`, in spec order, server variables replaced by
    /// their defaults.
    pub servers: Vec<String>,
    /// Every named type: component schemas in spec order, each inline type
    /// named right after the type or operation that introduced it.
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub security_schemes: Vec<SecurityScheme>,
    /// Every example value found in the spec, with the type it illustrates.
    pub examples: Vec<Example>,
    /// What lowering approximated instead of refusing, in spec order.
    pub warnings: Vec<crate::error::Warning>,
    /// Name → position in `types`, so [`Api::type_def`] is not a scan (a
    /// document with 30k types looks names up millions of times).
    pub index: TypeIndex,
}

/// A cache of name → position in [`Api::types`]. `types` stays a plain
/// public `Vec` that later stages may edit, so the cache checks each hit and
/// rebuilds itself when it finds it stale; a name it does not know falls back
/// to a scan, so it can never answer wrongly, only slowly.
#[derive(Default)]
pub struct TypeIndex(std::sync::RwLock<std::collections::HashMap<String, usize>>);

impl TypeIndex {
    fn find<'a>(&self, types: &'a [TypeDef], name: &str) -> Option<&'a TypeDef> {
        let cached = self.0.read().unwrap_or_else(|e| e.into_inner()).get(name).copied();
        if let Some(def) = cached.and_then(|i| types.get(i)).filter(|def| def.name == name) {
            return Some(def);
        }
        let position = types.iter().position(|t| t.name == name)?;
        let mut map = self.0.write().unwrap_or_else(|e| e.into_inner());
        if map.len() != types.len() || cached.is_some() {
            // Missing or stale: rebuild from the types as they are now.
            map.clear();
            for (i, def) in types.iter().enumerate().rev() {
                map.insert(def.name.clone(), i);
            }
        }
        map.insert(name.to_owned(), position);
        Some(&types[position])
    }
}

/// A clone starts with an empty cache (the clone's types may be edited).
impl Clone for TypeIndex {
    fn clone(&self) -> Self {
        TypeIndex::default()
    }
}

/// The cache is not part of what an API is.
impl PartialEq for TypeIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for TypeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TypeIndex")
    }
}

impl Api {
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.index.find(&self.types, name)
    }

    /// `ty` through its named aliases (`Origins` → the array it names).
    /// Alias cycles are refused by lowering; the bound is a second guard.
    pub fn resolve_aliases<'a>(&'a self, ty: &'a Type) -> &'a Type {
        let mut ty = ty;
        for _ in 0..64 {
            match ty.named().and_then(|name| self.type_def(name)).map(|d| &d.kind) {
                Some(TypeKind::Alias(target)) => ty = target,
                _ => break,
            }
        }
        ty
    }
}

/// A place [`reaches`] passes to its predicate: a type's shape, or the
/// definition of a named type.
#[derive(Debug, Clone, Copy)]
pub enum Reached<'a> {
    Shape(&'a Shape),
    Def(&'a TypeDef),
}

/// Whether `hit` holds somewhere in a value of `ty`: at its shape, at the
/// shapes of items, fields, additional properties, map values, alias targets
/// and union variants, and at the definition of each named type on the way
/// (found by `lookup`). A reachability walk: each named type is entered once
/// (`seen` never shrinks), since a type seen before either answered `false`
/// or is being answered further up; walking every path instead is
/// exponential on dense type graphs.
pub fn reaches<'a>(
    ty: &'a Type,
    lookup: &dyn Fn(&str) -> Option<&'a TypeDef>,
    hit: &dyn Fn(Reached<'a>) -> bool,
) -> bool {
    fn walk<'a>(
        ty: &'a Type,
        lookup: &dyn Fn(&str) -> Option<&'a TypeDef>,
        hit: &dyn Fn(Reached<'a>) -> bool,
        seen: &mut std::collections::HashSet<&'a str>,
    ) -> bool {
        if hit(Reached::Shape(&ty.shape)) {
            return true;
        }
        match &ty.shape {
            Shape::Array(item) | Shape::Map(item) => walk(item, lookup, hit, seen),
            Shape::Named(name) => {
                if !seen.insert(name.as_str()) {
                    return false;
                }
                let Some(def) = lookup(name) else { return false };
                if hit(Reached::Def(def)) {
                    return true;
                }
                match &def.kind {
                    TypeKind::Struct(s) => {
                        s.fields.iter().any(|f| walk(&f.ty, lookup, hit, seen))
                            || matches!(&s.additional_properties, Additional::Typed(extra) if walk(extra, lookup, hit, seen))
                    }
                    TypeKind::Map(item) | TypeKind::Alias(item) => walk(item, lookup, hit, seen),
                    TypeKind::Union(u) => u.variants.iter().any(|v| walk(&v.ty, lookup, hit, seen)),
                    TypeKind::Enum(_) | TypeKind::ValueEnum(_) => false,
                }
            }
            Shape::Primitive(_) | Shape::Any => false,
        }
    }
    walk(ty, lookup, hit, &mut std::collections::HashSet::new())
}

/// A named type the emitters turn into a Rust item.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name (UpperCamelCase), unique among the types.
    pub name: String,
    /// Where the schema is in the spec.
    pub pointer: Pointer,
    pub docs: Option<String>,
    pub kind: TypeKind,
    /// Constraints on the value as a whole, for every kind (a map's size, an
    /// aliased array's length). An [`TypeKind::Alias`]'s own `Type` has its
    /// constraints moved here, so there is one place to look.
    pub constraints: Constraints,
    /// `nullable: true` on the schema: `null` is a value of this type.
    /// Lowering also sets [`Type::nullable`] on every use of the type.
    pub nullable: bool,
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum (`type: string` with `enum`).
    Enum(StringEnum),
    /// An enum of integers, numbers or booleans, or of mixed JSON values
    /// (`enum` on a schema without `type`). Closed like [`TypeKind::Enum`].
    ValueEnum(ValueEnum),
    /// `oneOf` or `anyOf`: a value of one of several types.
    Union(Union),
    /// `type: object` with only `additionalProperties`: a map from string
    /// keys to values of this type.
    Map(Type),
    /// Any other schema that is given a name: an array, a primitive, a
    /// reference to another named type.
    Alias(Type),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    pub additional_properties: Additional,
}

/// What an object says about keys beyond its `properties`.
#[derive(Debug, Clone, PartialEq)]
pub enum Additional {
    /// Nothing said: other keys may appear and carry no meaning.
    Unspecified,
    /// `additionalProperties: false`: other keys are not allowed.
    Forbidden,
    /// `additionalProperties: true` (values of [`Shape::Any`]) or a schema:
    /// other keys are part of the value and must be kept.
    Typed(Box<Type>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust field name (snake_case, keywords raw: `r#match`).
    pub name: String,
    /// The property name on the wire.
    pub wire_name: String,
    pub pointer: Pointer,
    pub docs: Option<String>,
    pub ty: Type,
    pub required: bool,
    pub default: Option<Value>,
    /// The value must fit in a box (`Box<T>`) because the field's type
    /// contains the struct itself without a `Vec` or map in between.
    pub boxed: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StringEnum {
    pub variants: Vec<EnumVariant>,
    /// The wire value of the default variant, if the schema has one.
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// Rust variant name (UpperCamelCase).
    pub name: String,
    /// The exact string on the wire.
    pub wire_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValueEnum {
    pub variants: Vec<ValueVariant>,
    /// The default value, if the schema has one (one of the variants' values).
    pub default: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValueVariant {
    /// Rust variant name (UpperCamelCase).
    pub name: String,
    /// The exact JSON value on the wire (never `null`, never an object or array).
    pub value: Value,
}

/// `oneOf` / `anyOf`. Without a discriminator a value is decoded as the first
/// variant that accepts it (for `oneOf` too: exactly-one is not checked).
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// `true` for `anyOf`, `false` for `oneOf` (documentation only: both
    /// decode as the first variant that matches).
    pub any_of: bool,
    pub discriminator: Option<Discriminator>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust variant name (UpperCamelCase), unique within the union.
    pub name: String,
    pub pointer: Pointer,
    pub ty: Type,
    /// The payload must be boxed: it contains the union itself without a
    /// `Vec` or map in between.
    pub boxed: bool,
}

/// `discriminator`: the property whose value says which variant an object is.
#[derive(Debug, Clone, PartialEq)]
pub struct Discriminator {
    /// The property name on the wire.
    pub property: String,
    /// Every value of the property that selects a variant (explicit `mapping`
    /// entries first, then each variant's schema name), with the variant's
    /// index in [`Union::variants`]. Every variant has at least one.
    pub mapping: Vec<(String, usize)>,
    /// The variant that decodes a value whose property names no variant
    /// (the base struct of an inheritance hierarchy); `None`: such a value
    /// is an error.
    pub fallback: Option<usize>,
}

/// A use of a type: its shape plus what the spec says about values at this
/// place (constraints, nullability, default).
#[derive(Debug, Clone, PartialEq)]
pub struct Type {
    pub shape: Shape,
    pub constraints: Constraints,
    /// `nullable: true`: `null` is a valid value here.
    pub nullable: bool,
    pub default: Option<Value>,
}

impl Type {
    pub fn new(shape: Shape) -> Self {
        Type { shape, constraints: Constraints::default(), nullable: false, default: None }
    }

    /// The name of the named type this refers to, if any.
    pub fn named(&self) -> Option<&str> {
        match &self.shape {
            Shape::Named(name) => Some(name),
            _ => None,
        }
    }

    /// Calls `found` with the named type this mentions, through arrays and
    /// maps, if any.
    pub fn mentions<'t>(&'t self, found: &mut impl FnMut(&'t str)) {
        match &self.shape {
            Shape::Named(name) => found(name),
            Shape::Array(inner) | Shape::Map(inner) => inner.mentions(found),
            Shape::Primitive(_) | Shape::Any => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Primitive(Primitive),
    Array(Box<Type>),
    /// An object with string keys and values of this type.
    Map(Box<Type>),
    /// A named type from [`Api::types`].
    Named(String),
    /// Any JSON value (a schema without `type`, or `additionalProperties: true`).
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive {
    String,
    /// `format: date-time`, RFC 3339.
    DateTime,
    /// `format: date`, RFC 3339 full-date.
    Date,
    /// `format: byte` (base64 text) or `format: binary` (raw octets).
    Bytes(BytesEncoding),
    Int32,
    Int64,
    Float,
    Double,
    Bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BytesEncoding {
    Base64,
    Binary,
}

/// JSON Schema validation keywords the spec states for a value. They are part
/// of the API's contract: servers enforce them on input, clients before sending.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub multiple_of: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    /// For maps: limits on the number of entries.
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub value: f64,
    /// `exclusiveMinimum`/`exclusiveMaximum`: the bound itself is not allowed.
    pub exclusive: bool,
}

/// An example value from the spec (`example`, `examples`, `components/examples`).
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where the value is in the spec.
    pub pointer: Pointer,
    /// The type the example is a value of.
    pub ty: Type,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId`, or one derived from method and path when it has none.
    pub id: String,
    /// Rust function name (snake_case).
    pub name: String,
    /// Prefix for types named after the operation (UpperCamelCase).
    pub type_name: String,
    pub method: Method,
    /// The path template as written (`/pins/{requestid}`).
    pub path: String,
    pub pointer: Pointer,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub deprecated: bool,
    /// Path-level and operation-level parameters merged (an operation's own
    /// parameter replaces a path-level one of the same name and location;
    /// header names compare case-insensitively).
    pub parameters: Vec<Parameter>,
    /// Header parameters the spec says to ignore, kept out of `parameters`
    /// so the emitters can say why they are not there.
    pub ignored_parameters: Vec<IgnoredParameter>,
    pub request_body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// The security requirements in force (the operation's own `security`,
    /// else the document's): alternatives, any one of which suffices; an
    /// alternative without schemes allows anonymous access. Empty means no
    /// authentication (`security: []`, or none anywhere).
    pub security: Vec<SecurityRequirement>,
    /// The operation's own base URLs (`servers` on the operation, else on its
    /// path item), server variables replaced by their defaults. Empty: the
    /// API's [`Api::servers`].
    pub servers: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Rust name (snake_case, keywords raw).
    pub name: String,
    pub wire_name: String,
    pub location: Location,
    pub pointer: Pointer,
    pub docs: Option<String>,
    pub required: bool,
    pub deprecated: bool,
    /// Serialization style; the spec's default for the location when omitted.
    pub style: Style,
    /// The spec's default for the style when omitted (true for `form` only).
    pub explode: bool,
    pub allow_reserved: bool,
    pub encoding: ParameterEncoding,
}

impl Parameter {
    pub fn ty(&self) -> &Type {
        match &self.encoding {
            ParameterEncoding::Style(ty) => ty,
            ParameterEncoding::Content { ty, .. } => ty,
        }
    }
}

/// A header parameter named `Accept`, `Content-Type` or `Authorization`
/// (any case): OpenAPI 3.0.3 says such a parameter definition "SHALL be
/// ignored", as those headers are defined by the media types and the
/// security schemes. Its schema is not lowered.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoredParameter {
    /// The name as the spec writes it.
    pub wire_name: String,
    pub pointer: Pointer,
}

impl IgnoredParameter {
    /// The header names whose parameter definitions are ignored, lowercase.
    pub const HEADERS: [&'static str; 3] = ["accept", "content-type", "authorization"];

    /// Whether a header parameter of this name is ignored.
    pub fn is_ignored_header(name: &str) -> bool {
        IgnoredParameter::HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
    }

    /// One sentence for generated docs: what is not there, and why.
    pub fn note(&self) -> String {
        format!(
            "The spec's header parameter `{}` is ignored: OpenAPI 3.0.3 says a header parameter named `Accept`, `Content-Type` or `Authorization` SHALL be ignored (those headers follow from the media types and the security schemes).",
            self.wire_name
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    /// The name the spec uses (`in: query`).
    pub fn spec_name(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    Matrix,
    Label,
    Form,
    Simple,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

impl Style {
    /// The name the spec uses (`style: spaceDelimited`).
    pub fn spec_name(self) -> &'static str {
        match self {
            Style::Matrix => "matrix",
            Style::Label => "label",
            Style::Form => "form",
            Style::Simple => "simple",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParameterEncoding {
    /// `schema`: serialized per `style`/`explode`.
    Style(Type),
    /// `content`: the value is serialized as this media type (`application/json`
    /// for the pinning spec's `meta`) and then escaped for its location.
    Content { media_type: String, ty: Type },
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub pointer: Pointer,
    pub docs: Option<String>,
    pub required: bool,
    /// One entry per media type, in spec order.
    pub content: Vec<Content>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    pub media_type: String,
    /// `None` when the media type has no schema.
    pub ty: Option<Type>,
    /// The `encoding` object of a form or multipart body: how properties
    /// travel, in spec order.
    pub encoding: Vec<PropertyEncoding>,
}

/// One entry of a media type's `encoding` object.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyEncoding {
    /// The property's name on the wire.
    pub property: String,
    pub pointer: Pointer,
    /// `contentType`: the part's (multipart) or the value's (form) media type.
    pub content_type: Option<String>,
    /// `style` (form bodies): `None` when the spec gives none (`form`).
    pub style: Option<Style>,
    /// `explode`, when `style` is given (openapiv3 reads an absent
    /// `explode` as `false`; without a style the default, `true`, holds).
    pub explode: bool,
    pub allow_reserved: bool,
    /// The names of the part headers it lists.
    pub headers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: StatusCode,
    pub pointer: Pointer,
    pub description: String,
    pub content: Vec<Content>,
    pub headers: Vec<Header>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub name: String,
    pub required: bool,
    pub ty: Type,
    /// The media type of a header given with `content` (its schema is `ty`).
    pub content_type: Option<String>,
}

/// A response key: an exact code, a range (`4XX`) or `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusCode {
    Exact(u16),
    /// The first digit of a `1XX`..`5XX` range.
    Range(u8),
    Default,
}

impl StatusCode {
    /// Whether `code` falls under this key.
    pub fn matches(self, code: u16) -> bool {
        match self {
            StatusCode::Exact(c) => c == code,
            StatusCode::Range(d) => code / 100 == u16::from(d),
            StatusCode::Default => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// The key under `components/securitySchemes`.
    pub name: String,
    pub pointer: Pointer,
    pub docs: Option<String>,
    pub kind: SecuritySchemeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SecuritySchemeKind {
    /// `type: http`, with its `scheme` lowercased (`bearer`, `basic`, ...).
    Http {
        scheme: String,
        bearer_format: Option<String>,
    },
    /// `type: apiKey`: a header, query parameter or cookie of this name.
    ApiKey {
        location: Location,
        name: String,
    },
    /// `type: oauth2`, its flows in the order `implicit`, `password`,
    /// `clientCredentials`, `authorizationCode` (those the spec gives).
    OAuth2 {
        flows: Vec<OAuth2Flow>,
    },
    OpenIdConnect {
        url: String,
    },
}

/// One flow of an OAuth2 scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuth2Flow {
    pub kind: OAuth2FlowKind,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub refresh_url: Option<String>,
    /// Scope name and description, in spec order.
    pub scopes: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuth2FlowKind {
    Implicit,
    Password,
    ClientCredentials,
    AuthorizationCode,
}

impl OAuth2FlowKind {
    /// The flow's key in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            OAuth2FlowKind::Implicit => "implicit",
            OAuth2FlowKind::Password => "password",
            OAuth2FlowKind::ClientCredentials => "clientCredentials",
            OAuth2FlowKind::AuthorizationCode => "authorizationCode",
        }
    }
}

/// One alternative of a `security` list: all these schemes together (none:
/// anonymous access, the spec's `{}`).
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityRequirement {
    pub schemes: Vec<SchemeUse>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SchemeUse {
    /// Name of a [`SecurityScheme`].
    pub scheme: String,
    pub scopes: Vec<String>,
}

/// Whether a media type is JSON: `application/json` or `application/*+json`,
/// parameters and case ignored.
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}
