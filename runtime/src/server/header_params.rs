//! Header parameters (`style: simple`) and cookie parameters (`style: form`).
//!
//! Header parameters (`style: simple`) are found by name in any case. A
//! scalar given in more than one header line is refused ("given more than
//! once"); a list given in several lines is their comma-separated
//! concatenation, as HTTP defines for list headers. List items are split at
//! `,` and trimmed of spaces and tabs. A header value that is not visible
//! ASCII is refused.
//!
//! Cookie parameters (`style: form`) come from the `Cookie` header (or
//! headers): `name=value` pairs separated by `;`, with or without spaces;
//! pieces without `=` are skipped. A value may be wrapped in double quotes;
//! it is percent-decoded (no `+` for space: cookies are not forms), a list
//! (`name=a,b`, `explode: false`) split at its literal commas first. A cookie
//! given more than once is refused.
//!
//! Missing, malformed and out-of-bounds header and cookie parameters are
//! `INVALID_PARAMETER`, as path and query parameters are.

use axum::http::{HeaderMap, HeaderValue, header};

use super::Rejection;

/// The one value of the header `name` (any case), if the request has it.
pub fn header_single<'h>(headers: &'h HeaderMap, name: &str) -> Result<Option<&'h str>, Rejection> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(_), Some(_)) => Err(Rejection::invalid_parameter(name, "given more than once")),
        (Some(value), None) => header_text(name, value).map(Some),
    }
}

/// Every line of the list header `name` (any case), joined with `,`; `None`
/// when the request has none.
pub fn header_joined(headers: &HeaderMap, name: &str) -> Result<Option<String>, Rejection> {
    let mut joined: Option<String> = None;
    for value in headers.get_all(name) {
        let text = header_text(name, value)?;
        match &mut joined {
            Some(joined) => {
                joined.push(',');
                joined.push_str(text);
            }
            None => joined = Some(text.to_owned()),
        }
    }
    Ok(joined)
}

fn header_text<'h>(name: &str, value: &'h HeaderValue) -> Result<&'h str, Rejection> {
    value.to_str().map_err(|_| Rejection::invalid_parameter(name, "the header is not visible ASCII"))
}

/// A header list (`a,b`, or `a, b`): split at `,`, each item trimmed of
/// spaces and tabs and parsed. An empty value is an empty list.
pub fn header_list<T>(
    name: &str,
    raw: &str,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<Vec<T>, Rejection> {
    if raw.trim_matches([' ', '\t']).is_empty() {
        return Ok(Vec::new());
    }
    raw.split(',').map(|item| parse(name, item.trim_matches([' ', '\t']))).collect()
}

/// The cookies of a request: every `name=value` pair of its `Cookie` headers,
/// values still raw.
#[derive(Debug, Clone, Default)]
pub struct Cookies<'h> {
    pairs: Vec<(&'h [u8], &'h [u8])>,
}

impl<'h> Cookies<'h> {
    /// Splits every `Cookie` header at `;` and each piece at its first `=`,
    /// trimming whitespace around names and values.
    pub fn parse(headers: &'h HeaderMap) -> Self {
        let mut pairs = Vec::new();
        for value in headers.get_all(header::COOKIE) {
            for piece in value.as_bytes().split(|&b| b == b';') {
                let Some(eq) = piece.iter().position(|&b| b == b'=') else { continue };
                pairs.push((piece[..eq].trim_ascii(), piece[eq + 1..].trim_ascii()));
            }
        }
        Cookies { pairs }
    }

    /// The raw value of the cookie `name`; an error if it is given more than once.
    pub fn single(&self, name: &str) -> Result<Option<&'h [u8]>, Rejection> {
        let mut values = self.pairs.iter().filter(|(key, _)| *key == name.as_bytes()).map(|(_, value)| *value);
        match (values.next(), values.next()) {
            (Some(_), Some(_)) => Err(Rejection::invalid_parameter(name, "given more than once")),
            (value, _) => Ok(value),
        }
    }
}

/// A cookie value: without surrounding double quotes, percent-decoded, then
/// parsed by `parse`.
pub fn cookie_value<T>(
    name: &str,
    raw: &[u8],
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<T, Rejection> {
    let raw = match raw {
        [b'"', inner @ .., b'"'] => inner,
        _ => raw,
    };
    cookie_item(name, raw, &parse)
}

/// A cookie list (`name=a,b`): split at the literal commas, each item
/// percent-decoded (`%2C` is a comma inside an item) and parsed. An empty
/// value is an empty list.
pub fn cookie_list<T>(
    name: &str,
    raw: &[u8],
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<Vec<T>, Rejection> {
    let raw = match raw {
        [b'"', inner @ .., b'"'] => inner,
        _ => raw,
    };
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    raw.split(|&b| b == b',').map(|item| cookie_item(name, item, &parse)).collect()
}

fn cookie_item<T>(name: &str, raw: &[u8], parse: impl Fn(&str, &str) -> Result<T, Rejection>) -> Result<T, Rejection> {
    match percent_encoding::percent_decode(raw).decode_utf8() {
        Ok(value) => parse(name, &value),
        Err(_) => Err(Rejection::invalid_parameter(name, "not UTF-8 once percent-decoded")),
    }
}
