//! Path and query parameters: the query string split into pairs, values
//! percent-decoded and parsed, `form` and `simple` lists, the path captures
//! axum matched, and the primitives a parameter can be.

use std::borrow::Cow;
use std::fmt;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use super::bodies::decode_json;
use super::path_templates::{PathPiece, match_segment};
use super::{Reason, Rejection};

/// A parsed query string: every `key=value` pair, keys decoded, values still raw.
#[derive(Debug, Clone, Default)]
pub struct QueryString<'a> {
    pub(super) pairs: Vec<(String, &'a str)>,
}

impl<'a> QueryString<'a> {
    /// Splits the query at `&` and each pair at its first `=`; empty pairs are skipped.
    pub fn parse(query: Option<&'a str>) -> Result<Self, Rejection> {
        let mut pairs = Vec::new();
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let Some(key) = decode_form(key) else {
                return Err(Rejection::new(Reason::BadRequest, "a query parameter name is not UTF-8"));
            };
            pairs.push((key.into_owned(), value));
        }
        Ok(QueryString { pairs })
    }

    /// The raw value of a parameter that takes one value; an error if it is repeated.
    pub fn single(&self, name: &str) -> Result<Option<&'a str>, Rejection> {
        let mut values = self.pairs.iter().filter(|(key, _)| key == name).map(|(_, value)| *value);
        match (values.next(), values.next()) {
            (Some(_), Some(_)) => Err(Rejection::invalid_parameter(name, "given more than once")),
            (value, _) => Ok(value),
        }
    }

    /// A `content: application/json` parameter: `name=<JSON>` as the spec
    /// says, or, when that is absent, `name[key]=value` entries (brackets
    /// literal or percent-encoded), read as a JSON object of strings: the
    /// form openapi-generator's TypeScript clients send objects in (the
    /// IPFS ecosystem's JS client sends `meta` so). Entries whose values are
    /// not strings in the schema are refused as the JSON would be.
    pub fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Rejection> {
        let mut entries = serde_json::Map::new();
        for (key, raw) in &self.pairs {
            let Some(inner) = bracketed(key, name) else { continue };
            let value = query_value(name, raw, |_, value| Ok(value.to_owned()))?;
            if entries.insert(inner.to_owned(), serde_json::Value::String(value)).is_some() {
                return Err(Rejection::invalid_parameter(&format!("{name}[{inner}]"), "given more than once"));
            }
        }
        match self.single(name)? {
            Some(_) if !entries.is_empty() => {
                Err(Rejection::invalid_parameter(name, "given both as JSON and as `name[key]=value` entries"))
            }
            Some(raw) => query_value(name, raw, from_json_param).map(Some),
            None if entries.is_empty() => Ok(None),
            None => from_json_param(name, &serde_json::Value::Object(entries).to_string()).map(Some),
        }
    }

    /// Every raw value of a parameter that may repeat (an exploded array).
    pub fn all(&self, name: &str) -> Vec<&'a str> {
        self.pairs.iter().filter(|(key, _)| key == name).map(|(_, value)| *value).collect()
    }
}

/// `key` inside `name[key]` (a decoded query key), if it is that.
pub(super) fn bracketed<'k>(key: &'k str, name: &str) -> Option<&'k str> {
    key.strip_prefix(name)?.strip_prefix('[')?.strip_suffix(']')
}

/// Percent-decodes a query component, `+` standing for a space; `None` if not UTF-8.
pub(super) fn decode_form(raw: &str) -> Option<Cow<'_, str>> {
    let spaced: Cow<'_, str> = if raw.contains('+') { Cow::Owned(raw.replace('+', " ")) } else { Cow::Borrowed(raw) };
    let decoded = percent_encoding::percent_decode_str(&spaced).decode_utf8().ok()?;
    Some(Cow::Owned(decoded.into_owned()))
}

/// One query value: percent-decoded, then parsed by `parse`.
pub fn query_value<T>(
    name: &str,
    raw: &str,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<T, Rejection> {
    match decode_form(raw) {
        Some(value) => parse(name, &value),
        None => Err(Rejection::invalid_parameter(name, "not UTF-8 once percent-decoded")),
    }
}

/// A list in one query value (`form`, `spaceDelimited`, `pipeDelimited`,
/// `explode: false`): the value percent-decoded (`+` a space) first, then
/// split at `delimiter` (`,`, ` ` or `|`), each item parsed. Real clients
/// (Go's `net/url`, the JS client, oapi-codegen's runtime) encode the whole
/// joined value, so `queued%2Cpinning` is two items as `queued,pinning` is.
/// The cost: an item cannot contain the delimiter in any encoding (the
/// generated client refuses to send one). An empty value is an empty list.
pub fn query_list<T>(
    name: &str,
    raw: &str,
    delimiter: char,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<Vec<T>, Rejection> {
    let Some(value) = decode_form(raw) else {
        return Err(Rejection::invalid_parameter(name, "not UTF-8 once percent-decoded"));
    };
    if value.is_empty() {
        return Ok(Vec::new());
    }
    value.split(delimiter).map(|item| parse(name, item)).collect()
}

/// A list in a decoded path segment (`simple`: `a,b,c`); an empty segment is an empty list.
pub fn path_list<T>(
    name: &str,
    value: &str,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<Vec<T>, Rejection> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    value.split(',').map(|item| parse(name, item)).collect()
}

/// What a path or header parameter read by [`styled_param`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamShape {
    Scalar,
    Array,
    Object,
}

/// A path segment (decoded) or a header value in OpenAPI's `style`
/// (`"simple"`, `"label"` or `"matrix"`; RFC 6570's `{x}`, `{.x}` and
/// `{;x}`, with `*` when `explode`) read as `T`:
///
/// | shape | simple | label | matrix |
/// |---|---|---|---|
/// | scalar | `v` | `.v` | `;name=v` |
/// | array | `a,b` | `.a,b` / `.a.b` | `;name=a,b` / `;name=a;name=b` |
/// | object | `k,v,k,v` / `k=v,k=v` | `.k,v,k,v` / `.k=v.k=v` | `;name=k,v,k,v` / `;k=v;k=v` |
///
/// The leading `.` or `;` may be left out. Items and values are read
/// leniently as `T` asks (see `nested_form.rs`), an empty text is an empty
/// array or object; what does not fit is `400` naming the parameter.
pub fn styled_param<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
    style: &str,
    explode: bool,
    shape: ParamShape,
) -> Result<T, Rejection> {
    let bad = |message: String| Rejection::invalid_parameter(name, message);
    let (text, separator) = match style {
        "label" => (text.strip_prefix('.').unwrap_or(text), if explode { '.' } else { ',' }),
        "matrix" => (text.strip_prefix(';').unwrap_or(text), if explode { ';' } else { ',' }),
        _ => (text, ','),
    };
    // `name=value` (or `name` alone, an empty value) in `matrix`.
    let named = |part: &'_ str| -> Option<String> {
        let rest = part.strip_prefix(name)?;
        if rest.is_empty() { Some(String::new()) } else { rest.strip_prefix('=').map(str::to_owned) }
    };
    let expected = || bad(format!("expected `;{name}=value` (`style: matrix`)"));
    let matrix = style == "matrix";
    let indices: Vec<String>;
    let mut pairs: Vec<(Vec<&str>, String)> = Vec::new();
    let items: Vec<String> = match (shape, matrix) {
        (ParamShape::Scalar, false) => vec![text.to_owned()],
        (ParamShape::Scalar, true) => vec![named(text).ok_or_else(expected)?],
        (ParamShape::Array, true) if explode => {
            text.split(';').map(|part| named(part).ok_or_else(expected)).collect::<Result<_, _>>()?
        }
        (ParamShape::Object, true) if explode => text.split(';').map(str::to_owned).collect(),
        (_, true) => named(text).ok_or_else(expected)?.split(',').map(str::to_owned).collect(),
        (_, false) => text.split(separator).map(str::to_owned).collect(),
    };
    let items: Vec<String> =
        if items.len() == 1 && items[0].is_empty() && shape != ParamShape::Scalar { Vec::new() } else { items };
    match shape {
        ParamShape::Scalar => pairs.extend(items.into_iter().map(|item| (Vec::new(), item))),
        ParamShape::Array => {
            indices = (0..items.len()).map(|i| i.to_string()).collect();
            pairs.extend(indices.iter().zip(items).map(|(index, item)| (vec![index.as_str()], item)));
        }
        ParamShape::Object => {
            let mut entries = Vec::new();
            if explode {
                for item in &items {
                    let (key, value) =
                        item.split_once('=').ok_or_else(|| bad(format!("expected `key=value` items, got `{item}`")))?;
                    entries.push((key.to_owned(), value.to_owned()));
                }
            } else {
                if items.len() % 2 != 0 {
                    return Err(bad("expected keys and values, each followed by `,` (`k,v,k,v`)".to_owned()));
                }
                entries.extend(items.chunks(2).map(|pair| (pair[0].clone(), pair[1].clone())));
            }
            indices = entries.iter().map(|(key, _)| key.clone()).collect();
            pairs.extend(indices.iter().zip(entries).map(|(key, (_, value))| (vec![key.as_str()], value)));
        }
    }
    let value = match super::nested_form::from_paths(pairs) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => super::nested_form::from_nothing(),
        Err(error) => Err(error),
    };
    value.map_err(|error| bad(error.to_string()))
}

/// The path parameters axum matched, percent-decoded.
#[derive(Debug)]
pub struct PathParams(Vec<(String, String)>);

impl PathParams {
    pub async fn from_parts(parts: &mut Parts) -> Result<Self, Rejection> {
        match RawPathParams::from_request_parts(parts, &()).await {
            Ok(params) => Ok(PathParams(params.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())),
            Err(rejection) => Err(match rejection {
                axum::extract::rejection::RawPathParamsRejection::InvalidUtf8InPathParam(inner) => {
                    Rejection::new(Reason::InvalidParameter, inner.body_text())
                }
                other => Rejection::internal(other.body_text()),
            }),
        }
    }

    /// The operation's own parameters, when its route was named after
    /// another template of the same shape: each capture (by route name) is
    /// read along the operation's template for that segment (see
    /// [`match_segment`]). A segment that does not fit is `404` (`path` is
    /// the request's path).
    pub fn matched(&self, segments: &[(&str, &[PathPiece])], path: &str) -> Result<Self, Rejection> {
        let mut out = Vec::new();
        for (capture, pieces) in segments {
            let params = match_segment(pieces, self.get(capture)?).ok_or_else(|| Rejection::not_found(path))?;
            out.extend(params.into_iter().map(|(name, value)| (name.to_owned(), value.to_owned())));
        }
        Ok(PathParams(out))
    }

    /// The decoded value of the path parameter `name`.
    pub fn get(&self, name: &str) -> Result<&str, Rejection> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .ok_or_else(|| Rejection::internal(format!("the router matched no path parameter `{name}`")))
    }
}

/// A value parsed from its text in a path segment, query or header: the
/// primitives of the spec (strings, integers, numbers, booleans, RFC 3339
/// date-times and dates).
pub trait FromParam: Sized {
    /// What a value of this type is, for error messages.
    const EXPECTED: &'static str;

    fn from_param(text: &str) -> Option<Self>;
}

impl FromParam for String {
    const EXPECTED: &'static str = "a string";

    fn from_param(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

impl FromParam for i32 {
    const EXPECTED: &'static str = "an integer (int32)";

    fn from_param(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl FromParam for i64 {
    const EXPECTED: &'static str = "an integer (int64)";

    fn from_param(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl FromParam for f32 {
    const EXPECTED: &'static str = "a number";

    fn from_param(text: &str) -> Option<Self> {
        text.parse::<f32>().ok().filter(|v| v.is_finite())
    }
}

impl FromParam for f64 {
    const EXPECTED: &'static str = "a number";

    fn from_param(text: &str) -> Option<Self> {
        text.parse::<f64>().ok().filter(|v| v.is_finite())
    }
}

impl FromParam for bool {
    const EXPECTED: &'static str = "`true` or `false`";

    fn from_param(text: &str) -> Option<Self> {
        match text {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

impl FromParam for chrono::DateTime<chrono::Utc> {
    const EXPECTED: &'static str = "an RFC 3339 date-time";

    /// RFC 3339; also with a space where a `+` offset's sign belongs
    /// (`…T10:00:00 01:00`): what a `+` sent unencoded (`curl
    /// '…?after=…+01:00'`) becomes once the query is decoded, where a space
    /// cannot mean anything else.
    fn from_param(text: &str) -> Option<Self> {
        let parsed = chrono::DateTime::parse_from_rfc3339(text).ok().or_else(|| {
            let (time, offset) = text.split_at_checked(text.len().checked_sub(6)?)?;
            let offset = offset.strip_prefix(' ')?;
            chrono::DateTime::parse_from_rfc3339(&format!("{time}+{offset}")).ok()
        });
        parsed.map(|t| t.with_timezone(&chrono::Utc))
    }
}

impl FromParam for chrono::NaiveDate {
    const EXPECTED: &'static str = "an RFC 3339 full-date";

    fn from_param(text: &str) -> Option<Self> {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    }
}

/// Parses a primitive parameter value.
pub fn from_param<T: FromParam>(name: &str, text: &str) -> Result<T, Rejection> {
    T::from_param(text).ok_or_else(|| Rejection::invalid_parameter(name, format!("`{text}` is not {}", T::EXPECTED)))
}

/// Parses a parameter value with `FromStr` (the spec's string enums).
pub fn from_str_param<T>(name: &str, text: &str) -> Result<T, Rejection>
where
    T: std::str::FromStr,
    T::Err: fmt::Display,
{
    text.parse().map_err(|error| Rejection::invalid_parameter(name, error))
}

/// Parses a parameter of an enum of numbers or booleans (or of mixed
/// values): the text as JSON (`1`, `true`), else as a JSON string.
pub fn from_value_param<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T, Rejection> {
    serde_json::from_str::<T>(text)
        .or_else(|_| serde_json::from_value::<T>(serde_json::Value::String(text.to_owned())))
        .map_err(|error| Rejection::invalid_parameter(name, error))
}

/// Parses a parameter whose content is JSON (`content: application/json`).
pub fn from_json_param<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T, Rejection> {
    decode_json(text.as_bytes()).map_err(|error| Rejection::invalid_parameter(name, error))
}
