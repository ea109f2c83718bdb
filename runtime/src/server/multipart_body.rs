//! `multipart/form-data` bodies (axum's `multipart` feature).

use axum::body::{Body, Bytes};
use axum::http::request::Parts;

use super::Rejection;
use super::bodies::{check_content_type, decode_json};
use super::form_body::unknown_field;

/// The parts of a multipart body, read in full: name and bytes, in order.
#[derive(Debug, Clone, Default)]
pub struct MultipartBody {
    parts: Vec<(String, Bytes)>,
}

/// A multipart body of one of the `accepted` media types (already read
/// within the body limit), split into its parts; `None` when the body is
/// empty. A body that breaks off or is not multipart is `400 INVALID_BODY`.
pub async fn multipart_body(parts: Parts, bytes: Bytes, accepted: &[&str]) -> Result<Option<MultipartBody>, Rejection> {
    if bytes.is_empty() {
        return Ok(None);
    }
    check_content_type(&parts.headers, accepted)?;
    let mut request = axum::extract::Request::from_parts(parts, Body::from(bytes));
    // The body is in memory, read within the router's own limit.
    axum::extract::DefaultBodyLimit::disable().apply(&mut request);
    let mut multipart =
        match <axum::extract::Multipart as axum::extract::FromRequest<()>>::from_request(request, &()).await {
            Ok(multipart) => multipart,
            Err(rejection) => return Err(Rejection::invalid_body(rejection.body_text())),
        };
    let mut out = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let Some(name) = field.name().map(str::to_owned) else {
            return Err(Rejection::invalid_body("a part has no name"));
        };
        let data = field.bytes().await.map_err(multipart_error)?;
        out.push((name, data));
    }
    Ok(Some(MultipartBody { parts: out }))
}

fn multipart_error(error: axum::extract::multipart::MultipartError) -> Rejection {
    Rejection::invalid_body(format!("the multipart body cannot be read: {}", error.body_text()))
}

impl MultipartBody {
    /// The one part named `name`; an error if there are several.
    fn single(&self, name: &str) -> Result<Option<&Bytes>, Rejection> {
        let mut found = self.parts.iter().filter(|(key, _)| key == name).map(|(_, data)| data);
        match (found.next(), found.next()) {
            (Some(_), Some(_)) => Err(Rejection::invalid_body(format!("{name}: given more than once"))),
            (data, _) => Ok(data),
        }
    }

    /// The text of the one part named `name` (UTF-8).
    pub fn text(&self, name: &str) -> Result<Option<&str>, Rejection> {
        self.single(name)?.map(|data| utf8(name, data)).transpose()
    }

    /// The text of every part named `name` (UTF-8).
    pub fn texts(&self, name: &str) -> Result<Vec<&str>, Rejection> {
        self.parts.iter().filter(|(key, _)| key == name).map(|(_, data)| utf8(name, data)).collect()
    }

    /// The bytes of the one part named `name`.
    pub fn bytes(&self, name: &str) -> Result<Option<Vec<u8>>, Rejection> {
        Ok(self.single(name)?.map(|data| data.to_vec()))
    }

    /// The bytes of every part named `name`.
    pub fn all_bytes(&self, name: &str) -> Vec<Vec<u8>> {
        self.parts.iter().filter(|(key, _)| key == name).map(|(_, data)| data.to_vec()).collect()
    }

    /// The one part named `name`, decoded as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Rejection> {
        let Some(data) = self.single(name)? else { return Ok(None) };
        decode_json(data).map(Some).map_err(|error| Rejection::invalid_body(format!("{name}: {error}")))
    }

    /// Refuses parts not named in `known` (the schema says `additionalProperties: false`).
    pub fn refuse_unknown(&self, known: &[&str]) -> Result<(), Rejection> {
        match self.parts.iter().find(|(key, _)| !known.contains(&key.as_str())) {
            Some((key, _)) => Err(unknown_field(key)),
            None => Ok(()),
        }
    }
}

fn utf8<'a>(name: &str, data: &'a [u8]) -> Result<&'a str, Rejection> {
    std::str::from_utf8(data).map_err(|_| Rejection::invalid_body(format!("{name}: the part is not UTF-8 text")))
}
