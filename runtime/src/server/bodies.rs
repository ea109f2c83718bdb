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

/// Which of the `accepted` media types (or ranges) a request's
/// `Content-Type` is, by index; `415` when it is none of them. Parameters
/// (`; charset=utf-8`) and case are ignored; a range matches as RFC 9110
/// says (`*/*` any type, `image/*` any `image/` type; a `*` inside a
/// subtype, `application/*+json`, any text in its place), and the most
/// specific match wins (an exact type, then the range with the most literal
/// text, then the first listed). A request without `Content-Type` is read
/// as the first media type (lenient: many clients leave it out).
pub fn body_media_type(headers: &HeaderMap, accepted: &[&str]) -> Result<usize, Rejection> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else { return Ok(0) };
    let content_type = value.to_str().map(crate::media_type_essence).unwrap_or_default();
    let mut best: Option<(usize, usize)> = None;
    for (index, pattern) in accepted.iter().enumerate() {
        let pattern = crate::media_type_essence(pattern);
        if let Some(score) = media_range_score(&pattern, &content_type)
            && best.is_none_or(|(_, known)| score > known)
        {
            best = Some((index, score));
        }
    }
    match best {
        Some((index, _)) => Ok(index),
        None => Err(Rejection::new(
            Reason::UnsupportedMediaType,
            format!("`Content-Type: {content_type}` is not accepted; expected {}", accepted.join(", ")),
        )),
    }
}

/// How specifically `pattern` (an essence, maybe a range) matches
/// `content_type` (an essence): `None` when it does not; an exact match
/// scores above any range, a range by its literal characters.
fn media_range_score(pattern: &str, content_type: &str) -> Option<usize> {
    if pattern == content_type {
        return Some(usize::MAX);
    }
    let (kind, subtype) = pattern.split_once('/')?;
    let (given_kind, given_subtype) = content_type.split_once('/')?;
    if kind == "*" {
        return (subtype == "*").then_some(0);
    }
    if kind != given_kind || !subtype.contains('*') {
        return None;
    }
    // `*` in the subtype: any text in its place (`*+json`, `vnd.*`).
    let pieces: Vec<&str> = subtype.split('*').collect();
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if given_subtype.len() < first.len() + last.len()
        || !given_subtype.starts_with(first)
        || !given_subtype.ends_with(last)
    {
        return None;
    }
    let mut rest = &given_subtype[first.len()..given_subtype.len() - last.len()];
    for piece in &pieces[1..pieces.len() - 1] {
        let at = rest.find(piece)?;
        rest = &rest[at + piece.len()..];
    }
    Some(1 + kind.len() + subtype.len() - (pieces.len() - 1))
}

/// Refuses a body whose `Content-Type` is not one of `accepted` (`415`;
/// see [`body_media_type`]).
pub(super) fn check_content_type(headers: &HeaderMap, accepted: &[&str]) -> Result<(), Rejection> {
    body_media_type(headers, accepted).map(|_| ())
}

/// A body of a media type range (or of a multipart type read as bytes):
/// the `Content-Type` that arrived (the first of `accepted` when none did)
/// and the bytes; `None` when the body is empty.
pub fn ranged_body(
    headers: &HeaderMap,
    bytes: &[u8],
    accepted: &[&str],
) -> Result<Option<(String, Vec<u8>)>, Rejection> {
    if bytes.is_empty() {
        return Ok(None);
    }
    check_content_type(headers, accepted)?;
    let content_type = match headers.get(header::CONTENT_TYPE).map(|v| v.to_str()) {
        Some(Ok(value)) => value.to_owned(),
        _ => accepted.first().map(|first| (*first).to_owned()).unwrap_or_default(),
    };
    Ok(Some((content_type, bytes.to_vec())))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn with(content_type: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = content_type {
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn content_types_match_ignoring_parameters_and_case() {
        let accepted = ["application/json", "application/x-www-form-urlencoded", "text/plain"];
        assert_eq!(body_media_type(&with(Some("Text/Plain; charset=UTF-8")), &accepted).unwrap(), 2);
        assert_eq!(body_media_type(&with(Some("application/x-www-form-urlencoded")), &accepted).unwrap(), 1);
        // No `Content-Type`: the first.
        assert_eq!(body_media_type(&with(None), &accepted).unwrap(), 0);
        let refused = body_media_type(&with(Some("application/xml")), &accepted).unwrap_err();
        assert_eq!(refused.status(), axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(refused.details.contains("application/xml"), "{}", refused.details);
    }

    #[test]
    fn ranges_match_as_rfc_9110_says_and_the_most_specific_wins() {
        let accepted = ["*/*", "image/*", "image/png", "application/*+json"];
        assert_eq!(body_media_type(&with(Some("image/png")), &accepted).unwrap(), 2);
        assert_eq!(body_media_type(&with(Some("image/gif")), &accepted).unwrap(), 1);
        assert_eq!(body_media_type(&with(Some("application/scim+json")), &accepted).unwrap(), 3);
        assert_eq!(body_media_type(&with(Some("application/json")), &accepted).unwrap(), 0);
        assert_eq!(body_media_type(&with(Some("text/plain")), &accepted).unwrap(), 0);
        assert!(body_media_type(&with(Some("text/plain")), &["image/*", "application/*+json"]).is_err());
        assert!(body_media_type(&with(Some("application/json")), &["application/*+json"]).is_err());
        assert!(body_media_type(&with(Some("imagery/png")), &["image/*"]).is_err());
        assert!(body_media_type(&with(Some("nonsense")), &["image/*"]).is_err());
    }

    #[test]
    fn a_ranged_body_keeps_the_content_type_that_arrived() {
        let headers = with(Some("image/png; q=1"));
        assert_eq!(
            ranged_body(&headers, b"PNG", &["image/*"]).unwrap(),
            Some(("image/png; q=1".to_owned(), b"PNG".to_vec()))
        );
        assert_eq!(ranged_body(&with(None), b"x", &["image/*"]).unwrap(), Some(("image/*".to_owned(), b"x".to_vec())));
        assert_eq!(ranged_body(&headers, b"", &["image/*"]).unwrap(), None);
    }
}
