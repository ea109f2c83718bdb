//! Start-up and shutdown: the store, the backend, the worker, the generated
//! router with its layers, and the listener.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::response::{IntoResponse, Response};
use ipfs_pinning_models::{Failure, FailureError};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::api::{PinningApi, Tenants};
use crate::config::{Args, Backend, ConfigError, generate_token};
use crate::pinner::{Kubo, PinError, Pinner, Simulated, redacted};
use crate::store::{self, Store, StoreError};
use crate::worker::{Worker, WorkerConfig};

/// The settings key of the token generated when no `--token` is given.
const GENERATED_TOKEN: &str = "generated_access_token";

/// How long a shutdown waits for requests in flight.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot open the database {path}: {source}")]
    Store {
        path: String,
        #[source]
        source: StoreError,
    },
    #[error("cannot generate an access token: {0}")]
    Token(getrandom::Error),
    #[error("cannot use the Kubo node at {url}: {source}")]
    Kubo {
        url: String,
        #[source]
        source: PinError,
    },
    #[error("cannot start the worker: {0}")]
    Worker(StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// A running service.
pub struct Running {
    local_addr: SocketAddr,
    generated_token: Option<String>,
    backend: &'static str,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    worker: Worker,
    store: Arc<dyn Store>,
}

/// Starts the service as `args` say; it serves until [`Running::shutdown`].
pub async fn start(args: &Args) -> Result<Running, StartError> {
    args.check()?;
    let store: Arc<dyn Store> =
        store::open(&args.db).await.map_err(|source| StartError::Store { path: args.db.to_string(), source })?;
    let (tokens, generated_token) = if args.tokens.is_empty() {
        let candidate = generate_token().map_err(StartError::Token)?;
        let token = store
            .setting_or_insert(GENERATED_TOKEN, candidate)
            .await
            .map_err(|source| StartError::Store { path: args.db.to_string(), source })?;
        (vec![token.clone()], Some(token))
    } else {
        (args.tokens.clone(), None)
    };
    let pinner: Arc<dyn Pinner> = match args.backend {
        Backend::Simulated => Arc::new(Simulated::new(args.simulate_delay, args.simulated_delegates())),
        Backend::Kubo => Arc::new(
            Kubo::connect(args.ipfs_api.clone(), args.delegates.clone())
                .await
                .map_err(|source| StartError::Kubo { url: redacted(&args.ipfs_api), source })?,
        ),
    };
    let worker = Worker::start(
        Arc::clone(&store),
        Arc::clone(&pinner),
        WorkerConfig {
            concurrency: args.pin_concurrency,
            pin_timeout: args.pin_timeout,
            lease: args.pin_lease,
            ..WorkerConfig::default()
        },
    )
    .await
    .map_err(StartError::Worker)?;
    let backend = pinner.backend();
    let api =
        PinningApi::new(Arc::clone(&store), pinner, worker.waker(), Tenants::new(tokens.iter().map(String::as_str)));
    let router = ipfs_pinning_server::router_with_config(
        api,
        ipfs_pinning_server::Config::default().with_body_limit(args.max_body),
    )
    .layer(CatchPanicLayer::custom(panic_response))
    .layer(TraceLayer::new_for_http());
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|source| StartError::Bind { addr: args.listen, source })?;
    let local_addr = listener.local_addr().map_err(|source| StartError::Bind { addr: args.listen, source })?;
    let (stop, mut stopped) = watch::channel(false);
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            })
            .await
    });
    tracing::info!(%local_addr, backend, db = %args.db, "pinning service started");
    Ok(Running { local_addr, generated_token, backend, stop, server, worker, store })
}

impl Running {
    /// The address the service listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The generated access token, when no `--token` was given.
    pub fn generated_token(&self) -> Option<&str> {
        self.generated_token.as_deref()
    }

    /// The backend's name.
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// Stops accepting connections, lets requests in flight finish (30 s at
    /// most), stops the worker (pins in progress go back to the queue) and
    /// closes the database.
    pub async fn shutdown(self) {
        self.stop.send_replace(true);
        let mut server = self.server;
        match tokio::time::timeout(DRAIN_TIMEOUT, &mut server).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(error))) => tracing::error!(%error, "the HTTP server failed"),
            Ok(Err(error)) => tracing::error!(%error, "the HTTP server task failed"),
            Err(_) => {
                tracing::warn!("requests still in flight after 30s; closing them");
                server.abort();
            }
        }
        self.worker.shutdown().await;
        self.store.close().await;
        tracing::info!("pinning service stopped");
    }
}

/// The answer to a request whose handler panicked: a 500 `Failure` (the
/// process goes on serving).
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(%message, "a request handler panicked");
    let body = Failure {
        error: FailureError {
            reason: "INTERNAL_SERVER_ERROR".to_owned(),
            details: Some("the request failed inside the service".to_owned()),
        },
    };
    (
        http::StatusCode::INTERNAL_SERVER_ERROR,
        [(http::header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&body).unwrap_or_default(),
    )
        .into_response()
}
