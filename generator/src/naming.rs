//! How spec names become Rust names, for every stage (lowering names the
//! IR's types and fields; emitters name what they add). Wire names are kept beside them in the
//! IR, so emitters can rename (`#[serde(rename = "...")]`) without loss.

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::ir::StatusCode;

/// The name of the error type `FromStr` of every generated enum returns.
/// Lowering reserves it, so no schema can take it.
pub const UNKNOWN_ENUM_VALUE: &str = "UnknownEnumValue";

/// Method names the generated client itself uses (`Client::new`, ...): no
/// operation gets one (the renaming rule, [`disambiguate`], skips them).
pub const RESERVED_METHODS: &[&str] = &["new", "builder", "base_url", "send"];

/// Method names the generated server's `Api` trait itself uses (besides the
/// `rejection_as_*` hooks of other bad-request schemas).
pub const RESERVED_TRAIT_METHODS: &[&str] = &["rejection"];

/// Rust keywords (strict and reserved, all editions up to 2024).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// The names already spelled on this thread, by wire name: a large spec
/// names the same properties, parameters and variants thousands of times
/// (GitHub's: `url`, `id`, `node_id`, ...), and heck spells each one char
/// by char through `fmt`.
#[derive(Default)]
struct Memo(std::cell::RefCell<std::collections::HashMap<Box<str>, String>>);

impl Memo {
    fn get_or(&self, wire: &str, spell: fn(&str) -> String) -> String {
        if let Some(name) = self.0.borrow().get(wire) {
            return name.clone();
        }
        let name = spell(wire);
        self.0.borrow_mut().insert(wire.into(), name.clone());
        name
    }
}

/// Words turned into names where a name would otherwise lose them (`+1` and
/// `-1` must not both become `1`).
fn spell_signs(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.char_indices() {
        match c {
            '+' if i == 0 => out.push_str("plus "),
            '-' if i == 0 => out.push_str("minus "),
            _ => out.push(c),
        }
    }
    out
}

/// A value (field, parameter, function) name: `snake_case`, keywords raw
/// (`r#match`) or, where Rust allows no raw form, suffixed (`self_`).
pub fn value_name(wire: &str) -> String {
    thread_local!(static SEEN: Memo = Memo::default());
    SEEN.with(|seen| seen.get_or(wire, spell_value_name))
}

fn spell_value_name(wire: &str) -> String {
    let mut name = spell_signs(wire).to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    escape_keyword(name)
}

/// A type or variant name: `UpperCamelCase`, never a keyword.
pub fn type_name(wire: &str) -> String {
    thread_local!(static SEEN: Memo = Memo::default());
    SEEN.with(|seen| seen.get_or(wire, spell_type_name))
}

fn spell_type_name(wire: &str) -> String {
    let mut name = spell_signs(wire).to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The identifier without a raw prefix, for building other names from it.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// The one renaming rule for names that collide. Names never fail: when
/// several spec names of one namespace (the component schemas, the
/// properties of one object, the parameters of one operation, the
/// operations' functions, keyed by `operationId`, then path and method) become the
/// same Rust name, they are ordered by `key` (the spec name, byte order, so
/// `Error` before `error`), the first keeps the name and each next one gets
/// the first free numeric suffix from 2 on (`Error2`; `error_2` for value
/// names), free meaning no other name of the namespace has it. A name thus
/// depends only on the spec names that collide with it, never on the rest
/// of the spec: adding, removing or reordering other schemas changes nothing.
///
/// `names` are `(rust_name, key)` pairs; `reserved` names are taken by the
/// generated code itself. Returns the final names, in the order given.
pub fn disambiguate(names: &[(String, String)], reserved: &[&str]) -> Vec<String> {
    let mut taken: std::collections::BTreeSet<String> = names.iter().map(|(name, _)| name.clone()).collect();
    taken.extend(reserved.iter().map(|r| (*r).to_owned()));
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].0.cmp(&names[b].0).then_with(|| names[a].1.cmp(&names[b].1)).then(a.cmp(&b)));
    let mut out: Vec<String> = names.iter().map(|(name, _)| name.clone()).collect();
    let mut kept: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for index in order {
        let name = &names[index].0;
        if !reserved.contains(&name.as_str()) && kept.insert(name.as_str()) {
            continue;
        }
        let renamed = (2..).map(|n| suffixed(name, n)).find(|candidate| !taken.contains(candidate));
        let renamed = renamed.unwrap_or_else(|| name.clone());
        taken.insert(renamed.clone());
        out[index] = renamed;
    }
    out
}

/// The variant names of media types (of a request body's options, of a
/// response's bodies): the media type as a type name
/// (`application/json` → `ApplicationJson`, `text/plain` → `TextPlain`,
/// `image/*` → `Image`, `*/*` → `Any`), collisions renamed by [`disambiguate`] keyed by the
/// media type (`application/json; charset=utf-8` → `ApplicationJson2` beside
/// `application/json`).
pub fn media_type_variants(media_types: &[String]) -> Vec<String> {
    let name = |media: &str| match media.split(';').next().unwrap_or_default().trim() {
        "*/*" => "Any".to_owned(),
        _ => type_name(media),
    };
    let names: Vec<(String, String)> = media_types.iter().map(|m| (name(m), m.clone())).collect();
    disambiguate(&names, &[])
}

/// `name` with the number `n` appended: `Error2`, `error_2`, `r#type` → `type_2`.
fn suffixed(name: &str, n: usize) -> String {
    let bare = unraw(name);
    if bare.starts_with(|c: char| c.is_ascii_uppercase()) {
        format!("{}{n}", bare.trim_end_matches('_'))
    } else {
        format!("{}_{n}", bare.trim_end_matches('_'))
    }
}

/// An operation id for an operation without `operationId`: the method, then
/// each path segment, with parameters as `by_<name>`.
/// `GET /pins/{requestid}` → `get_pins_by_requestid`.
pub fn operation_id(method: &str, path: &str) -> String {
    let mut words = vec![method.to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => words.push(format!("by_{}", param.to_snake_case())),
            None => words.push(segment.to_snake_case()),
        }
    }
    words.join("_")
}

/// The name of a status range (`4` for `4XX`): `ClientError`, ...
pub fn status_range(digit: u8) -> &'static str {
    match digit {
        1 => "Informational",
        2 => "Success",
        3 => "Redirection",
        4 => "ClientError",
        _ => "ServerError",
    }
}

/// The name of the response (or success) variant for a status: the
/// standard reason phrase (RFC 9110 and registered extensions) in
/// UpperCamelCase, `Status<code>` for others, the range's name for `4XX`,
/// `Default` for `default`.
pub fn status_variant(status: StatusCode) -> String {
    match status {
        StatusCode::Exact(code) => match reason_phrase(code) {
            Some(name) => name.to_owned(),
            None => format!("Status{code}"),
        },
        StatusCode::Range(digit) => status_range(digit).to_owned(),
        StatusCode::Default => "Default".to_owned(),
    }
}

fn reason_phrase(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Continue",
        101 => "SwitchingProtocols",
        102 => "Processing",
        103 => "EarlyHints",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        208 => "AlreadyReported",
        226 => "ImUsed",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        305 => "UseProxy",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        407 => "ProxyAuthenticationRequired",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "ContentTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        418 => "ImATeapot",
        421 => "MisdirectedRequest",
        422 => "UnprocessableContent",
        423 => "Locked",
        424 => "FailedDependency",
        425 => "TooEarly",
        426 => "UpgradeRequired",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        431 => "RequestHeaderFieldsTooLarge",
        451 => "UnavailableForLegalReasons",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        505 => "HttpVersionNotSupported",
        506 => "VariantAlsoNegotiates",
        507 => "InsufficientStorage",
        508 => "LoopDetected",
        510 => "NotExtended",
        511 => "NetworkAuthenticationRequired",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_names() {
        assert_eq!(value_name("match"), "r#match");
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("cid-of-pin-object"), "cid_of_pin_object");
        assert_eq!(value_name("requestId"), "request_id");
        assert_eq!(value_name("+1"), "plus_1");
        assert_eq!(value_name("-1"), "minus_1");
        assert_eq!(value_name("2fa"), "_2fa");
        assert_eq!(value_name("@odata.type"), "odata_type");
    }

    #[test]
    fn type_names() {
        assert_eq!(type_name("pin_status"), "PinStatus");
        assert_eq!(type_name("iexact"), "Iexact");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("+1"), "Plus1");
        assert_eq!(type_name("4XX"), "V4xx");
        assert_eq!(type_name(""), "Empty");
    }

    #[test]
    fn colliding_names_get_suffixes_by_spec_name_order() {
        let names =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(n, k)| ((*n).to_owned(), (*k).to_owned())).collect::<Vec<_>>();
        // `Error` sorts before `error`, wherever each is in the spec.
        assert_eq!(disambiguate(&names(&[("Error", "error"), ("Error", "Error")]), &[]), ["Error2", "Error"]);
        assert_eq!(disambiguate(&names(&[("Error", "Error"), ("Error", "error")]), &[]), ["Error", "Error2"]);
        // A suffix another name has is skipped; unrelated names do not matter.
        let given = names(&[("error", "error"), ("error", "Error"), ("error_2", "error_2"), ("other", "other")]);
        assert_eq!(disambiguate(&given, &[]), ["error_3", "error", "error_2", "other"]);
        assert_eq!(disambiguate(&names(&[("r#type", "type"), ("r#type", "Type")]), &[]), ["type_2", "r#type"]);
        // Names the generated code keeps for itself are never handed out.
        assert_eq!(
            disambiguate(&names(&[("UnknownEnumValue", "UnknownEnumValue")]), &[UNKNOWN_ENUM_VALUE]),
            ["UnknownEnumValue2"]
        );
    }

    #[test]
    fn operation_ids_from_method_and_path() {
        assert_eq!(operation_id("get", "/pins"), "get_pins");
        assert_eq!(operation_id("delete", "/pins/{requestid}"), "delete_pins_by_requestid");
        assert_eq!(operation_id("get", "/pins/{cid-of-pin-object}"), "get_pins_by_cid_of_pin_object");
        assert_eq!(operation_id("get", "/"), "get");
    }
}
