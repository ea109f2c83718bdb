//! A response read in full, and how a success body is decoded: as JSON
//! (leniently for lists, see [`Decoded`]), text or bytes.

use std::fmt;
use std::marker::PhantomData;

use reqwest::StatusCode;

use super::{Api, Error, MAX_BODY_BYTES, SNIPPET_BYTES};

/// Status, content type and body of a response, read in full. `A` is the
/// generated client, whose error type decoding failures are.
pub struct Response<A> {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// The body was longer than [`MAX_BODY_BYTES`] (and `body` holds only its start).
    pub too_large: bool,
    api: PhantomData<fn() -> A>,
}

impl<A: Api> Response<A> {
    pub fn new(status: StatusCode, content_type: Option<String>, body: Vec<u8>, too_large: bool) -> Self {
        Response { status, content_type, body, too_large, api: PhantomData }
    }

    /// The start of the body (at most [`SNIPPET_BYTES`]), as lossy UTF-8.
    pub fn snippet(&self) -> String {
        let mut end = self.body.len().min(SNIPPET_BYTES);
        // Cut on a character boundary when the body is UTF-8.
        while end > 0 && end < self.body.len() && (self.body[end] & 0xC0) == 0x80 {
            end -= 1;
        }
        String::from_utf8_lossy(&self.body[..end]).into_owned()
    }

    /// [`Error::UnexpectedResponse`] for this response.
    pub fn unexpected(&self, reason: String) -> Error<A> {
        Error::UnexpectedResponse {
            status: self.status,
            content_type: self.content_type.clone(),
            snippet: self.snippet(),
            reason,
        }
    }

    /// [`Error::Decode`] for this response.
    pub fn undecodable(&self, reason: String) -> Error<A> {
        Error::Decode { status: self.status, content_type: self.content_type.clone(), snippet: self.snippet(), reason }
    }

    /// Why the content type is not JSON, if it is not (a missing one is accepted).
    pub fn content_type_problem(&self) -> Option<String> {
        let content_type = self.content_type.as_deref()?;
        let essence = crate::media_type_essence(content_type);
        if essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json")) {
            None
        } else {
            Some(format!("expected a JSON body, got content type `{content_type}`"))
        }
    }

    /// The body as JSON, for a success status.
    fn json(&self) -> Result<serde_json::Value, Error<A>> {
        if self.too_large {
            return Err(self.undecodable(format!("the body is larger than {MAX_BODY_BYTES} bytes")));
        }
        if let Some(problem) = self.content_type_problem() {
            return Err(self.undecodable(problem));
        }
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(self.undecodable("the body is empty".to_owned()));
        }
        serde_json::from_slice(&self.body).map_err(|e| self.undecodable(format!("not valid JSON: {e}")))
    }

    /// The body as a `T`, for a success status.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error<A>> {
        let value = self.json()?;
        T::deserialize(&value).map_err(|e| self.undecodable(e.to_string()))
    }

    /// The body as a `T`, taking the items `skip` rejects out of its lists
    /// first (see [`skip_items`]).
    pub fn decode_lenient<T: serde::de::DeserializeOwned>(
        &self,
        skip: impl FnOnce(&mut serde_json::Value, &mut Vec<SkippedItem>),
    ) -> Result<Decoded<T>, Error<A>> {
        let mut value = self.json()?;
        let mut skipped = Vec::new();
        skip(&mut value, &mut skipped);
        let value = T::deserialize(&value).map_err(|e| self.undecodable(e.to_string()))?;
        Ok(Decoded { value, skipped })
    }

    /// The body as UTF-8 text, for a success status.
    pub fn text(self) -> Result<String, Error<A>> {
        if self.too_large {
            return Err(self.undecodable(format!("the body is larger than {MAX_BODY_BYTES} bytes")));
        }
        match String::from_utf8(self.body) {
            Ok(text) => Ok(text),
            Err(e) => {
                let raw = Response::<A>::new(self.status, self.content_type, e.into_bytes(), false);
                Err(raw.undecodable("the body is not UTF-8 text".to_owned()))
            }
        }
    }

    /// The body as it came, for a success status.
    pub fn bytes(self) -> Result<Vec<u8>, Error<A>> {
        if self.too_large {
            return Err(self.undecodable(format!("the body is larger than {MAX_BODY_BYTES} bytes")));
        }
        Ok(self.body)
    }
}

/// Takes the items that do not decode as an `I` out of the list at
/// `field` of `value` (or `value` itself when `field` is `None`).
pub fn skip_items<I: serde::de::DeserializeOwned>(
    value: &mut serde_json::Value,
    field: Option<&str>,
    skipped: &mut Vec<SkippedItem>,
) {
    let list = match field {
        Some(name) => value.get_mut(name),
        None => Some(value),
    };
    let Some(serde_json::Value::Array(items)) = list else { return };
    let prefix = field.unwrap_or_default();
    let mut index = 0usize;
    items.retain(|item| {
        let at = index;
        index += 1;
        match I::deserialize(item) {
            Ok(_) => true,
            Err(e) => {
                skipped.push(SkippedItem { path: format!("{prefix}[{at}]"), reason: e.to_string(), raw: item.clone() });
                false
            }
        }
    });
}

/// A success body, decoded leniently: items of its lists that could not be
/// decoded (an unknown enum value such as a new `status`, a missing
/// required field) are taken out of the list and reported in `skipped`
/// with their raw JSON, instead of failing the whole response. Counts the
/// server sent are left as they were. Derefs to the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded<T> {
    /// The body without the skipped items.
    pub value: T,
    /// The items left out, in the order they came.
    pub skipped: Vec<SkippedItem>,
}

impl<T> Decoded<T> {
    /// The value, dropping the report of skipped items.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> std::ops::Deref for Decoded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// An item of a response list that could not be decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedItem {
    /// Where it was: `results[3]` (`[3]` for a list that is the whole body).
    pub path: String,
    /// Why it could not be decoded.
    pub reason: String,
    /// The item as the server sent it.
    pub raw: serde_json::Value,
}

impl fmt::Display for SkippedItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}
