//! What an operator reaches, outside the spec's paths and without a token:
//! `GET /healthz` (the process answers), `GET /readyz` (the database takes a
//! write and the backend answers) and `GET /metrics` (Prometheus text).
//!
//! Metrics, through the `metrics` facade and its Prometheus exporter:
//! - `http_requests_total{method, route, status}` and
//!   `http_request_duration_seconds{method, route}` (a histogram), from
//!   [`crate::middleware::observe`];
//! - `pinning_pins{status}`, `pinning_queue_depth` and
//!   `pinning_oldest_queued_age_seconds`, read from the store at each scrape;
//! - `pinning_backend_errors_total{backend, operation}`, from the worker.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use http::{StatusCode, header};
use ipfs_pinning_models::Status;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::middleware::failure_response;
use crate::pinner::Pinner;
use crate::store::Store;

/// `reason` of a `/readyz` that is not ready.
pub const NOT_READY: &str = "NOT_READY";

/// How long each readiness probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// The latency histogram's buckets, in seconds.
const LATENCY_BUCKETS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// The process's Prometheus recorder, installed on first use (`None` when
/// another global recorder was installed first).
fn prometheus() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full("http_request_duration_seconds".to_owned()), &LATENCY_BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            Some(handle)
        })
        .as_ref()
}

/// How often histogram samples are folded into their buckets when no one
/// scrapes `/metrics` (the exporter keeps every sample until then).
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// Installs the recorder (at start-up, so the first requests are counted),
/// and a thread that folds histogram samples into their buckets every
/// [`UPKEEP_INTERVAL`], so their memory stays bounded between scrapes.
pub fn install_recorder() {
    static UPKEEP: OnceLock<()> = OnceLock::new();
    let Some(handle) = prometheus() else {
        tracing::warn!("another metrics recorder is installed; /metrics will be empty");
        return;
    };
    UPKEEP.get_or_init(|| {
        let spawned = std::thread::Builder::new().name("metrics-upkeep".to_owned()).spawn(|| {
            loop {
                std::thread::sleep(UPKEEP_INTERVAL);
                handle.run_upkeep();
            }
        });
        if let Err(error) = spawned {
            tracing::warn!(%error, "cannot start the metrics upkeep thread; histograms grow until scraped");
        }
    });
}

/// The request metrics of one method, route and status, registered once.
struct RequestMetrics {
    requests: metrics::Counter,
    duration: metrics::Histogram,
}

/// Records one answered request. Methods outside HTTP's usual ones count as
/// `OTHER`, so clients cannot add label values at will (routes are the
/// router's templates, or `unmatched`). The handles of each combination are
/// looked up in the recorder once, not at every request.
pub fn request_done(method: &str, route: &str, status: u16, latency: Duration) {
    /// By route, then method and status (a few each).
    type Handles = HashMap<String, Vec<(&'static str, u16, Arc<RequestMetrics>)>>;
    static HANDLES: OnceLock<RwLock<Handles>> = OnceLock::new();
    let method = match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "OTHER",
    };
    let find = |handles: &Handles| {
        handles.get(route)?.iter().find(|(m, s, _)| *m == method && *s == status).map(|(_, _, found)| Arc::clone(found))
    };
    let handles = HANDLES.get_or_init(Default::default);
    let known = find(&handles.read().unwrap_or_else(|poisoned| poisoned.into_inner()));
    let metrics = known.unwrap_or_else(|| {
        let mut handles = handles.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = find(&handles) {
            return found;
        }
        let made = Arc::new(RequestMetrics {
            requests: metrics::counter!(
                "http_requests_total",
                "method" => method,
                "route" => route.to_owned(),
                "status" => status.to_string()
            ),
            duration: metrics::histogram!(
                "http_request_duration_seconds",
                "method" => method,
                "route" => route.to_owned()
            ),
        });
        handles.entry(route.to_owned()).or_default().push((method, status, Arc::clone(&made)));
        made
    });
    metrics.requests.increment(1);
    metrics.duration.record(latency.as_secs_f64());
}

/// Records a failed backend call (`operation`: `pin`, `unpin`).
pub fn backend_error(backend: &'static str, operation: &'static str) {
    metrics::counter!("pinning_backend_errors_total", "backend" => backend, "operation" => operation).increment(1);
}

/// What the operator endpoints look at.
#[derive(Clone)]
struct Ops {
    store: Arc<dyn Store>,
    pinner: Arc<dyn Pinner>,
}

/// `/healthz`, `/readyz` and `/metrics`.
pub fn router(store: Arc<dyn Store>, pinner: Arc<dyn Pinner>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .with_state(Ops { store, pinner })
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], value.to_string()).into_response()
}

async fn healthz() -> Response {
    json(StatusCode::OK, serde_json::json!({ "status": "ok" }))
}

async fn readyz(State(ops): State<Ops>) -> Response {
    match tokio::time::timeout(PROBE_TIMEOUT, ops.store.check_writable()).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the database does not take writes");
            return failure_response(StatusCode::SERVICE_UNAVAILABLE, NOT_READY, "the database does not take writes");
        }
        Err(_) => {
            tracing::warn!("readiness: the database did not answer in time");
            return failure_response(StatusCode::SERVICE_UNAVAILABLE, NOT_READY, "the database did not answer in time");
        }
    }
    let backend = ops.pinner.backend();
    match tokio::time::timeout(PROBE_TIMEOUT, ops.pinner.check()).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::warn!(%error, backend, "readiness: the backend is not reachable");
            return failure_response(
                StatusCode::SERVICE_UNAVAILABLE,
                NOT_READY,
                format!("the {backend} backend is not reachable"),
            );
        }
        Err(_) => {
            tracing::warn!(backend, "readiness: the backend did not answer in time");
            return failure_response(
                StatusCode::SERVICE_UNAVAILABLE,
                NOT_READY,
                format!("the {backend} backend did not answer in time"),
            );
        }
    }
    json(StatusCode::OK, serde_json::json!({ "status": "ready", "database": "writable", "backend": backend }))
}

async fn metrics_text(State(ops): State<Ops>) -> Response {
    let Some(handle) = prometheus() else {
        return failure_response(StatusCode::SERVICE_UNAVAILABLE, NOT_READY, "metrics are not recorded");
    };
    match ops.store.stats().await {
        Ok(stats) => {
            for status in Status::ALL {
                let count = stats.pins_by_status.get(&status).copied().unwrap_or(0);
                metrics::gauge!("pinning_pins", "status" => status.as_str()).set(count as f64);
            }
            let queued = stats.pins_by_status.get(&Status::Queued).copied().unwrap_or(0);
            metrics::gauge!("pinning_queue_depth").set(queued as f64);
            let age = stats
                .oldest_queued
                .map_or(0.0, |created| (Utc::now() - created).to_std().unwrap_or_default().as_secs_f64());
            metrics::gauge!("pinning_oldest_queued_age_seconds").set(age);
        }
        Err(error) => tracing::warn!(%error, "metrics: cannot read pin statistics"),
    }
    handle.run_upkeep();
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render())
        .into_response()
}
