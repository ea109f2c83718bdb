//! A request as the generated methods build it, and the encoders of every
//! parameter style: query strings (`form`, delimited, `deepObject`, and form
//! bodies), path segments, date-times, header and cookie parameters.

use reqwest::header::{COOKIE, HeaderMap, HeaderName, HeaderValue};

use super::super::validation::{Violation, Violations};

/// One request, before the client's own headers are added.
#[derive(Default)]
pub struct Request {
    pub method: reqwest::Method,
    /// The path after the base URL, its parameters already encoded.
    pub path: String,
    pub query: QueryString,
    /// Header and cookie parameters, checked (see [`HeaderParams`]). They
    /// replace the client's default headers of the same name; their cookies
    /// follow the default `Cookie`s in one header.
    pub headers: HeaderMap,
    /// Send `Accept: application/json` (unless a default header says otherwise).
    pub accept_json: bool,
    /// Content type and bytes.
    pub body: Option<(&'static str, Vec<u8>)>,
    /// The body's content type when the caller gives it (a body of a media
    /// type range, `image/*`): replaces the one in `body`.
    pub content_type: Option<String>,
    /// The operation's own server, as the spec writes it (`None`: the base URL).
    pub server: Option<&'static str>,
    /// The operation's security requirements (empty: it sends no credentials).
    pub security: super::auth::Security,
    /// A `multipart/form-data` body (reqwest sets its content type and boundary).
    #[cfg(feature = "multipart")]
    pub multipart: Option<reqwest::multipart::Form>,
}

/// A query string (or form body) built in spec order, every name and value
/// percent-encoded (all but RFC 3986's unreserved characters; values of
/// `allowReserved` parameters keep reserved characters, see
/// [`QueryString::set_allow_reserved`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryString(String, bool);

impl QueryString {
    /// `name=value`.
    pub fn push(&mut self, name: &str, value: &str) {
        self.start(name);
        self.value(value);
    }

    /// Values pushed from now on keep RFC 3986's reserved characters that
    /// mean nothing to a query string's structure (`:/?[]@!$()*,;=`)
    /// as they are (`allowReserved: true`); `&`, `#` and `+` (a space to
    /// form decoders), `%`, `'` (which the `url` crate encodes in a query
    /// anyway) and everything else are still percent-encoded, so the server
    /// reads the same value either way. `false` goes back to
    /// encoding all but unreserved characters.
    pub fn set_allow_reserved(&mut self, allow: bool) {
        self.1 = allow;
    }

    fn value(&mut self, value: &str) {
        if self.1 {
            percent_encode_into(&mut self.0, value, |byte| is_unreserved(byte) || b":/?[]@!$()*,;=".contains(&byte));
        } else {
            encode_into(&mut self.0, value);
        }
    }

    /// `name=a<delimiter>b`: the values encoded, the delimiter as given
    /// (`,` for `form`, `%20` for `spaceDelimited`, `|` for `pipeDelimited`).
    pub fn push_joined(&mut self, name: &str, values: &[String], delimiter: &str) {
        self.start(name);
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.0.push_str(delimiter);
            }
            self.value(value);
        }
    }

    /// `name[key]=value` (`deepObject`): name, key and value encoded, the brackets literal.
    pub fn push_deep(&mut self, name: &str, key: &str, value: &str) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        encode_into(&mut self.0, name);
        self.0.push('[');
        encode_into(&mut self.0, key);
        self.0.push_str("]=");
        self.value(value);
    }

    /// An object, a map or an untyped value (its JSON form) in a `form`,
    /// `spaceDelimited` or `pipeDelimited` query parameter `name`, as
    /// OpenAPI serializes them: an object exploded is one `key=value` per
    /// property (`?a=1&b=2`), not exploded `name=a<d>1<d>b<d>2` (`d` the
    /// `delimiter`: `,`, ` ` or `|`); an array exploded is `name=x&name=y`,
    /// not exploded `name=x<d>y`; a scalar is `name=value`; `null` (and a
    /// property that is `null`) is not sent. What OpenAPI gives no form
    /// (objects or arrays inside an object or an array; an array inside an
    /// exploded object is its key repeated) is sent as its JSON text.
    /// Keys and values joined in one value cannot contain the delimiter (the
    /// server decodes the value before splitting it): a [`Violation`] each.
    pub fn push_value(
        &mut self,
        name: &str,
        value: &serde_json::Value,
        explode: bool,
        delimiter: char,
    ) -> Result<(), Violations> {
        use super::super::models::members_by_name as sorted;
        use serde_json::Value;
        let joined = match value {
            Value::Null => return Ok(()),
            Value::Object(entries) if explode => {
                for (key, item) in sorted(entries) {
                    match item {
                        Value::Array(items) => items.iter().for_each(|item| self.push(key, &value_text(item))),
                        Value::Null => {}
                        item => self.push(key, &value_text(item)),
                    }
                }
                return Ok(());
            }
            Value::Array(items) if explode => {
                items.iter().for_each(|item| self.push(name, &value_text(item)));
                return Ok(());
            }
            Value::Object(entries) => sorted(entries)
                .into_iter()
                .filter(|(_, item)| !item.is_null())
                .flat_map(|(key, item)| [key.clone(), value_text(item)])
                .collect(),
            Value::Array(items) => items.iter().map(value_text).collect(),
            scalar => vec![value_text(scalar)],
        };
        let mut found = Vec::new();
        let style = match delimiter {
            ' ' => "spaceDelimited",
            '|' => "pipeDelimited",
            _ => "form",
        };
        check_delimited(joined.iter().cloned(), delimiter, style, name, &mut found);
        Violations::check(found)?;
        let encoded = if delimiter == ' ' { "%20".to_owned() } else { delimiter.to_string() };
        self.push_joined(name, &joined, &encoded);
        Ok(())
    }

    /// `&name=` (no `&` first).
    fn start(&mut self, name: &str) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        encode_into(&mut self.0, name);
        self.0.push('=');
    }

    /// The encoded text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The encoded text as bytes (a form body).
    pub fn into_bytes(self) -> Vec<u8> {
        self.0.into_bytes()
    }
}

/// A JSON value as query text: a string as it is, numbers and booleans as
/// JSON writes them, objects and arrays as their JSON text.
fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A path or header parameter's value (its JSON form) in OpenAPI's `style`
/// (`"simple"`, `"label"` or `"matrix"`; RFC 6570's `{x}`, `{.x}` and
/// `{;x}`, with `*` when `explode`): a scalar `v`, `.v`, `;name=v`; an
/// array `a,b`, `.a,b` (`.a.b`), `;name=a,b` (`;name=a;name=b`); an object
/// `k,v,k,v` (`k=v,k=v`), `.k,v,k,v` (`.k=v.k=v`), `;name=k,v,k,v`
/// (`;k=v;k=v`). Members go in name order, `null`s are left out; strings
/// are as they are, other values their JSON. With `encode` (a path
/// segment), names, keys and values are percent-encoded and the
/// delimiters literal; a header value is left as it is.
pub fn styled_text(name: &str, value: &serde_json::Value, style: &str, explode: bool, encode: bool) -> String {
    use serde_json::Value;
    let text = |out: &mut String, value: &str| {
        if encode {
            encode_into(out, value);
        } else {
            out.push_str(value);
        }
    };
    let matrix = style == "matrix";
    let mut out = String::new();
    match style {
        "label" => out.push('.'),
        "matrix" => out.push(';'),
        _ => {}
    }
    let separator = match style {
        "label" if explode => '.',
        "matrix" if explode => ';',
        _ => ',',
    };
    // `name=` before the value(s) in `matrix`, except for an exploded object's members.
    let named = |out: &mut String| {
        text(out, name);
        out.push('=');
    };
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(separator);
                }
                if matrix && (explode || i == 0) {
                    named(&mut out);
                }
                text(&mut out, &value_text(item));
            }
        }
        Value::Object(members) => {
            let members = super::super::models::members_by_name(members);
            let mut first = true;
            for (key, member) in members.into_iter().filter(|(_, member)| !member.is_null()) {
                if !first {
                    out.push(separator);
                } else if matrix && !explode {
                    named(&mut out);
                }
                first = false;
                text(&mut out, key);
                out.push(if explode { '=' } else { ',' });
                text(&mut out, &value_text(member));
            }
        }
        Value::Null if matrix => text(&mut out, name),
        Value::Null => {}
        scalar => {
            if matrix {
                named(&mut out);
            }
            text(&mut out, &value_text(scalar));
        }
    }
    if matrix && out.len() == 1 {
        // An empty array or object: `;name=`.
        named(&mut out);
    }
    out
}

/// Percent-encodes everything but `A-Z a-z 0-9 - . _ ~`.
pub fn encode_into(out: &mut String, value: &str) {
    percent_encode_into(out, value, is_unreserved);
}

/// RFC 3986's unreserved characters: `A-Z a-z 0-9 - . _ ~`.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes every byte of `value` that `keep` refuses.
fn percent_encode_into(out: &mut String, value: &str, keep: impl Fn(u8) -> bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in value.as_bytes() {
        if keep(byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
}

/// `.`, `..` and the empty string cannot be a path segment.
pub fn check_segment(value: &str, path: &str, out: &mut Vec<Violation>) {
    let message = if value.is_empty() {
        "must not be empty (it is a path segment)".to_owned()
    } else if value == "." || value == ".." {
        format!("cannot be `{value}` (it is a path segment)")
    } else {
        return;
    };
    out.push(Violation { path: path.to_owned(), message });
}

/// The items of a `form`, `spaceDelimited` or `pipeDelimited` list sent in
/// one value cannot contain the delimiter: a server decodes the value
/// before splitting it, so it could not tell them apart.
pub fn check_delimited(
    items: impl Iterator<Item = String>,
    delimiter: char,
    style: &str,
    path: &str,
    out: &mut Vec<Violation>,
) {
    for item in items {
        if item.contains(delimiter) {
            let message =
                format!("the item `{item}` contains `{delimiter}`, which separates the items of a `{style}` list");
            out.push(Violation { path: path.to_owned(), message });
        }
    }
}

/// RFC 3339 with `Z` and as many fractional digits as needed.
pub fn date_time(value: &chrono::DateTime<chrono::Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The header and cookie parameters of one request, checked as they
/// are added. A header value is sent as it is, so it must be visible
/// ASCII with spaces or tabs only inside, and a header list's items
/// cannot contain `,`; anything else is a violation and nothing is sent.
/// Cookies go into one `Cookie` header (`a=1; b=2`), their values
/// percent-encoded (all but RFC 6265's cookie octets, and `%`), so any
/// text can be sent.
#[derive(Debug, Default)]
pub struct HeaderParams {
    headers: HeaderMap,
    /// `a=1; b=2`.
    cookies: String,
    violations: Vec<Violation>,
}

impl HeaderParams {
    /// `name: value`.
    pub fn header(&mut self, name: &str, value: &str) {
        match header_problem(value) {
            Some(message) => self.refuse(name, message),
            None => self.insert(name, value),
        }
    }

    /// `name: a,b`.
    pub fn header_list(&mut self, name: &str, items: &[String]) {
        for item in items {
            let problem = if item.contains(',') {
                Some(format!("the item {item:?} cannot be sent in a comma-separated header: it contains `,`"))
            } else {
                header_problem(item)
            };
            if let Some(message) = problem {
                return self.refuse(name, message);
            }
        }
        self.insert(name, &items.join(","));
    }

    fn insert(&mut self, name: &str, value: &str) {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(header), Ok(value)) => {
                self.headers.append(header, value);
            }
            _ => self.refuse(name, "cannot be sent in an HTTP header".to_owned()),
        }
    }

    fn refuse(&mut self, name: &str, message: String) {
        self.violations.push(Violation { path: name.to_owned(), message });
    }

    /// `name=value` in the `Cookie` header, the value percent-encoded.
    pub fn cookie(&mut self, name: &str, value: &str) {
        self.start_cookie(name);
        encode_cookie_into(&mut self.cookies, value);
    }

    /// `name=a,b` in the `Cookie` header: each item percent-encoded, the commas literal.
    pub fn cookie_list(&mut self, name: &str, items: &[String]) {
        self.start_cookie(name);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.cookies.push(',');
            }
            encode_cookie_into(&mut self.cookies, item);
        }
    }

    fn start_cookie(&mut self, name: &str) {
        if !self.cookies.is_empty() {
            self.cookies.push_str("; ");
        }
        self.cookies.push_str(name);
        self.cookies.push('=');
    }

    /// The headers, or the [`Violations`] naming every value that cannot be sent.
    pub fn finish(mut self) -> Result<HeaderMap, Violations> {
        if !self.cookies.is_empty() {
            match HeaderValue::from_str(&self.cookies) {
                Ok(value) => {
                    self.headers.insert(COOKIE, value);
                }
                Err(_) => self.refuse("Cookie", "cannot be sent in an HTTP header".to_owned()),
            }
        }
        Violations::check(self.violations)?;
        Ok(self.headers)
    }
}

/// Why `value` cannot be sent as a header value as it is, if it cannot.
fn header_problem(value: &str) -> Option<String> {
    if let Some(c) = value.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ' || *c == '\t')) {
        return Some(format!("{c:?} cannot be sent in an HTTP header (only visible ASCII, spaces and tabs)"));
    }
    if value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']) {
        return Some("cannot start or end with a space or tab in an HTTP header (it would be lost)".to_owned());
    }
    None
}

/// Percent-encodes everything but RFC 6265's cookie octets (visible
/// ASCII but `"` `,` `;` `\`), and `%` itself.
pub(super) fn encode_cookie_into(out: &mut String, value: &str) {
    percent_encode_into(out, value, |byte| {
        byte.is_ascii_graphic() && !matches!(byte, b'"' | b',' | b';' | b'\\' | b'%')
    });
}
