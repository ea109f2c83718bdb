//! What runs around the generated router, in one layer ([`observe`]): the
//! per-request timeout, the access log with request ids and request
//! metrics, `Retry-After` on every `503`, and the `500` of a panicking
//! handler. Every answer this layer makes itself is a `Failure` JSON body.

use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::body::Bytes;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use http::{HeaderValue, StatusCode, header};
use ipfs_pinning_models::{Failure, FailureError};
use tracing::Instrument;

/// `reason` of a request that took longer than `--request-timeout`.
pub const REQUEST_TIMEOUT: &str = "REQUEST_TIMEOUT";

/// The header carrying a request's id, in and out.
pub const REQUEST_ID: &str = "x-request-id";

/// Seconds a client should wait before retrying a `503`.
pub const RETRY_AFTER_SECONDS: u64 = 1;

/// A `Failure` JSON response.
pub fn failure_response(status: StatusCode, reason: &str, details: impl Into<String>) -> Response {
    let body = Failure { error: FailureError { reason: reason.to_owned(), details: Some(details.into()) } };
    (status, [(header::CONTENT_TYPE, "application/json")], serde_json::to_string(&body).unwrap_or_default())
        .into_response()
}

/// Answers a request that is not done within the limit: `408` while its body
/// was still arriving (the client is slow), `503` after (the service is);
/// and a request whose handler panicked with [`panic_response`].
async fn within(limit: Duration, request: Request, next: Next) -> Response {
    // A request without a body (most: `GET`, `DELETE`) has nothing to watch.
    let (request, watched) = if http_body::Body::is_end_stream(request.body()) {
        (request, None)
    } else {
        let done = Arc::new(AtomicBool::new(false));
        let (parts, body) = request.into_parts();
        (Request::from_parts(parts, Body::new(Watched { inner: body, done: Arc::clone(&done) })), Some(done))
    };
    let body_done = || watched.as_ref().is_none_or(|done| done.load(Ordering::Acquire));
    let run = AssertUnwindSafe(next.run(request)).catch_unwind().map(|ran| ran.unwrap_or_else(panic_response));
    match tokio::time::timeout(limit, run).await {
        Ok(response) => response,
        Err(_) if body_done() => failure_response(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
            format!("the service did not answer within {}", humantime::format_duration(limit)),
        ),
        Err(_) => {
            let mut response = failure_response(
                StatusCode::REQUEST_TIMEOUT,
                REQUEST_TIMEOUT,
                format!("the request body did not arrive within {}", humantime::format_duration(limit)),
            );
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// A request body that records when it has been read to the end.
struct Watched {
    inner: Body,
    done: Arc<AtomicBool>,
}

impl http_body::Body for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.done.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The id of a request: the client's `x-request-id` when it is a short
/// visible-ASCII token, a fresh random UUID otherwise (from the thread's
/// generator, seeded by the OS: not a system call a request).
fn request_id(request: &Request) -> String {
    request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| !id.is_empty() && id.len() <= 64 && id.bytes().all(|byte| byte.is_ascii_graphic()))
        .map_or_else(|| uuid::Builder::from_random_bytes(rand::random()).into_uuid().to_string(), str::to_owned)
}

/// The one layer around the router (a layer costs each request a clone of
/// the stack beneath it and two allocations): one info-level access log line
/// per request (method, route, status, latency, request id), the request
/// metrics, the `x-request-id` response header, and `Retry-After` on every
/// `503`, around the per-request timeout (`limit`, see [`within`]), so the
/// timeout's answers are logged and counted too.
pub async fn observe(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or("unmatched", MatchedPath::as_str);
    let id = request_id(&request);
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = within(limit, request, next).instrument(span).await;
    let latency = started.elapsed();
    let status = response.status();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(REQUEST_ID, value);
    }
    if status == StatusCode::SERVICE_UNAVAILABLE && !headers.contains_key(header::RETRY_AFTER) {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    }
    tracing::info!(
        target: "pinning_service::access",
        method = %method,
        route = %route,
        status = status.as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        request_id = %id,
        "request"
    );
    crate::ops::request_done(method.as_str(), route, status.as_u16(), latency);
    response
}

/// The answer to a request whose handler panicked: a 500 `Failure` (the
/// process goes on serving).
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(%message, "a request handler panicked");
    failure_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_SERVER_ERROR",
        "the request failed inside the service",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_without_a_usable_id_gets_a_fresh_random_uuid() {
        let with = |id: Option<&str>| {
            let mut request = Request::new(Body::empty());
            if let Some(id) = id {
                request.headers_mut().insert(REQUEST_ID, HeaderValue::from_str(id).unwrap());
            }
            request_id(&request)
        };
        assert_eq!(with(Some("req-abc-123")), "req-abc-123");
        for unusable in [None, Some(""), Some("with space"), Some(&"x".repeat(65))] {
            let id = uuid::Uuid::parse_str(&with(unusable)).expect("a UUID");
            assert_eq!(id.get_version(), Some(uuid::Version::Random));
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        }
        assert_ne!(with(None), with(None));
    }

    #[tokio::test]
    async fn a_panicking_handler_is_answered_500_with_a_failure_and_the_service_goes_on() {
        use tower::ServiceExt;
        async fn panics() -> &'static str {
            panic!("a handler bug")
        }
        let router = axum::Router::new()
            .route("/panics", axum::routing::get(panics))
            .route("/works", axum::routing::get(|| async { "fine" }))
            .layer(axum::middleware::from_fn_with_state(Duration::from_secs(5), observe));
        let call = |path: &str| {
            let request = http::Request::get(path).header(REQUEST_ID, "req-1").body(Body::empty()).unwrap();
            router.clone().oneshot(request)
        };
        let response = call("/panics").await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[REQUEST_ID], "req-1", "the access layer saw the answer");
        let body = axum::body::to_bytes(response.into_body(), 4096).await.unwrap();
        let failure: Failure = serde_json::from_slice(&body).expect("a Failure");
        assert_eq!(failure.error.reason, "INTERNAL_SERVER_ERROR");
        assert!(!failure.error.details.unwrap_or_default().contains("a handler bug"), "the panic stays in the log");
        assert_eq!(call("/works").await.unwrap().status(), StatusCode::OK);
    }
}
