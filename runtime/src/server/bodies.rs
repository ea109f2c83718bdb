//! Request bodies: read within the size limit, the `Content-Type` checked,
//! then decoded as JSON (leniently, or strictly for schemas that forbid
//! unknown fields), text or bytes.

use std::future::poll_fn;
use std::pin::Pin;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, header};

use super::{Reason, Rejection};

/// Decodes one JSON document; the error names the path of the offending value.
pub(super) fn decode_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        // `.` is the root; `?` a place serde could not name (a map key).
        if path == "." || path == "?" { error.inner().to_string() } else { format!("{path}: {}", error.inner()) }
    })?;
    deserializer.end().map_err(|error| error.to_string())?;
    Ok(value)
}

/// The body of a request, at most `limit` bytes (`413 PAYLOAD_TOO_LARGE` past
/// that, decided from `Content-Length` before reading when it is given).
pub async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, Rejection> {
    let too_large = || {
        Rejection::new(Reason::PayloadTooLarge, format!("the request body is larger than the limit of {limit} bytes"))
    };
    if let Some(length) = headers.get(header::CONTENT_LENGTH) {
        match length.to_str().ok().and_then(|l| l.parse::<u64>().ok()) {
            Some(length) if length > limit as u64 => return Err(too_large()),
            Some(_) => {}
            None => return Err(Rejection::new(Reason::BadRequest, "the `Content-Length` header is not a number")),
        }
    }
    let mut body = body;
    let mut buffer: Vec<u8> = Vec::new();
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|error| {
            Rejection::new(Reason::BadRequest, format!("the request body could not be read: {error}"))
        })?;
        if let Ok(data) = frame.into_data() {
            if buffer.len() + data.len() > limit {
                return Err(too_large());
            }
            buffer.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(buffer))
}

/// The media type of a `Content-Type` header value, without parameters, lowercased.
fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// Refuses a body whose `Content-Type` is missing or not one of `accepted` (`415`).
pub(super) fn check_content_type(headers: &HeaderMap, accepted: &[&str]) -> Result<(), Rejection> {
    let expected = accepted.join(", ");
    let content_type = match headers.get(header::CONTENT_TYPE) {
        None => {
            return Err(Rejection::new(
                Reason::UnsupportedMediaType,
                format!("the `Content-Type` header is missing; expected {expected}"),
            ));
        }
        Some(value) => value.to_str().map(essence).unwrap_or_default(),
    };
    if !accepted.iter().any(|a| essence(a) == content_type) {
        return Err(Rejection::new(
            Reason::UnsupportedMediaType,
            format!("`Content-Type: {content_type}` is not accepted; expected {expected}"),
        ));
    }
    Ok(())
}

/// A JSON body of one of the `accepted` media types, decoded; `None` when the
/// body is empty. Fields the schema does not declare are ignored.
pub fn json_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    bytes: &[u8],
    accepted: &[&str],
) -> Result<Option<T>, Rejection> {
    if bytes.is_empty() {
        return Ok(None);
    }
    check_content_type(headers, accepted)?;
    decode_json(bytes).map(Some).map_err(Rejection::invalid_body)
}

/// A text body of one of the `accepted` media types (UTF-8); `None` when the body is empty.
pub fn text_body(headers: &HeaderMap, bytes: &[u8], accepted: &[&str]) -> Result<Option<String>, Rejection> {
    if bytes.is_empty() {
        return Ok(None);
    }
    check_content_type(headers, accepted)?;
    String::from_utf8(bytes.to_vec()).map(Some).map_err(|_| Rejection::invalid_body("the body is not UTF-8 text"))
}

/// A body of one of the `accepted` media types, as it came; `None` when it is empty.
pub fn bytes_body(headers: &HeaderMap, bytes: &[u8], accepted: &[&str]) -> Result<Option<Vec<u8>>, Rejection> {
    if bytes.is_empty() {
        return Ok(None);
    }
    check_content_type(headers, accepted)?;
    Ok(Some(bytes.to_vec()))
}

pub fn strict_json_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    bytes: &[u8],
    accepted: &[&str],
    unknown: impl FnOnce(&serde_json::Value, &mut Vec<String>),
) -> Result<Option<T>, Rejection> {
    if bytes.is_empty() {
        return Ok(None);
    }
    check_content_type(headers, accepted)?;
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|error| Rejection::invalid_body(error.to_string()))?;
    let mut found = Vec::new();
    unknown(&value, &mut found);
    if !found.is_empty() {
        let listed: Vec<String> =
            found.iter().map(|path| format!("{path}: unknown field (the schema allows no other fields)")).collect();
        return Err(Rejection::invalid_body(listed.join("; ")));
    }
    serde_path_to_error::deserialize(&value).map(Some).map_err(|error| {
        let path = error.path().to_string();
        // `.` is the root; `?` a place serde could not name (a map key).
        Rejection::invalid_body(if path == "." || path == "?" {
            error.inner().to_string()
        } else {
            format!("{path}: {}", error.inner())
        })
    })
}

/// The text of a response header given with `content: application/json`
/// (or of a structure no header style can write): the value's JSON.
pub fn json_header_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The text of a response header holding an object of scalars, in the
/// `simple` style: `k,v,k,v` in key order (absent fields left
/// out); anything that is not an object is its JSON.
pub fn simple_header_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let scalar = |value: &serde_json::Value| match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => super::super::models::members_by_name(&map)
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .flat_map(|(k, v)| [k.clone(), scalar(v)])
            .collect::<Vec<_>>()
            .join(","),
        Ok(other) => scalar(&other),
        Err(_) => String::new(),
    }
}
