//! Form bodies (`application/x-www-form-urlencoded`) and the text values of
//! form and multipart bodies.

use axum::http::HeaderMap;

use super::Rejection;
use super::bodies::check_content_type;
use super::params::decode_form;

/// A form body: every `name=value` pair in order, names and values
/// percent-decoded (`+` standing for a space).
#[derive(Debug, Clone, Default)]
pub struct FormBody {
    pairs: Vec<(String, String)>,
}

/// A form body of one of the `accepted` media types, split into its pairs;
/// `None` when the body is empty.
pub fn form_body(headers: &HeaderMap, bytes: &[u8], accepted: &[&str]) -> Result<Option<FormBody>, Rejection> {
    if bytes.is_empty() {
        return Ok(None);
    }
    check_content_type(headers, accepted)?;
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(Rejection::invalid_body("the form body is not UTF-8"));
    };
    let mut pairs = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (Some(name), Some(value)) = (decode_form(name), decode_form(value)) else {
            return Err(Rejection::invalid_body("a name or value of the form is not UTF-8 once percent-decoded"));
        };
        pairs.push((name.into_owned(), value.into_owned()));
    }
    Ok(Some(FormBody { pairs }))
}

impl FormBody {
    /// The value of a field that takes one value; an error if it is repeated.
    pub fn single(&self, name: &str) -> Result<Option<&str>, Rejection> {
        let mut values = self.pairs.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str());
        match (values.next(), values.next()) {
            (Some(_), Some(_)) => Err(Rejection::invalid_body(format!("{name}: given more than once"))),
            (value, _) => Ok(value),
        }
    }

    /// Every value of a field that may repeat (an array).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str()).collect()
    }

    /// Every pair, in order.
    pub(super) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(key, value)| (key.as_str(), value.as_str()))
    }

    /// Refuses names not in `known` (the schema says `additionalProperties:
    /// false`); `a[b]` counts as its field `a`.
    pub fn refuse_unknown(&self, known: &[&str]) -> Result<(), Rejection> {
        let field = |key: &str| key.split_once('[').map_or(key, |(field, _)| field).to_owned();
        match self.pairs.iter().find(|(key, _)| !known.contains(&field(key).as_str())) {
            Some((key, _)) => Err(unknown_field(key)),
            None => Ok(()),
        }
    }
}

/// `400 INVALID_BODY` for a field the schema does not allow.
pub(super) fn unknown_field(name: &str) -> Rejection {
    Rejection::invalid_body(format!("{name}: unknown field (the schema allows no other fields)"))
}

/// `400 INVALID_BODY` for a required field that is absent.
pub fn missing_field(name: &str) -> Rejection {
    Rejection::invalid_body(format!("{name}: is required"))
}

/// A text value of the body field `name`, parsed by `parse` (a parameter
/// parser such as [`from_param`]); its error is reported as the body's.
pub fn body_field<T>(
    name: &str,
    text: &str,
    parse: impl Fn(&str, &str) -> Result<T, Rejection>,
) -> Result<T, Rejection> {
    parse(name, text).map_err(|rejection| Rejection::invalid_body(rejection.details))
}
