//! The part of a generated server's `runtime` module for JSON bodies whose
//! schema forbids unknown fields (`additionalProperties: false`), embedded
//! after `runtime.rs` (whose imports and private helpers it uses) only into
//! servers that have such bodies.

/// A JSON body of one of the `accepted` media types whose schema forbids
/// unknown fields somewhere: read as a JSON value, checked by `unknown`
/// (which pushes the path of every field the schema does not allow), then
/// decoded; `None` when the body is empty.
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
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|error| Rejection::invalid_body(error.to_string()))?;
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
