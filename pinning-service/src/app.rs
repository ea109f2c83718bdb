//! Start-up and shutdown: the store, the backend, the worker, the generated
//! router with its layers, and the listener.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::{ApiLimits, PinningApi, Tenants};
use crate::config::{Args, Backend, ConfigError, generate_token};
use crate::listener::ConnectionLimits;
use crate::middleware::observe;
use crate::pinner::{Kubo, PinError, Pinner, Simulated, redacted};
use crate::store::{self, GENERATED_TOKEN_DIGEST, Quota, SqliteOptions, Store, StoreError, TenantId};
use crate::worker::{Worker, WorkerConfig};

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
    #[error("the database holds a malformed access token digest under `{GENERATED_TOKEN_DIGEST}`")]
    TokenDigest,
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
    tenant_count: usize,
    backend: &'static str,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    worker: Worker,
    store: Arc<dyn Store>,
}

/// Starts the service as `args` say; it serves until [`Running::shutdown`].
pub async fn start(args: &Args) -> Result<Running, StartError> {
    args.check()?;
    let store: Arc<dyn Store> = store::open(
        &args.db,
        SqliteOptions {
            busy_timeout: args.db_busy_timeout,
            quota: Quota { max_pins: args.quota_pins, max_bytes: args.quota_bytes },
        },
        args.read_cache.then_some(args.read_cache_pins),
    )
    .await
    .map_err(|source| StartError::Store { path: args.db.to_string(), source })?;
    let tokens = args.access_tokens()?;
    let (tenants, generated_token) = if tokens.is_empty() {
        // Only the digest is kept: the token is shown when it is made, and
        // a later start that finds a digest has nothing to show.
        let candidate = generate_token().map_err(StartError::Token)?;
        let candidate_id = TenantId::from_token(&candidate);
        let stored = store
            .setting_or_insert(GENERATED_TOKEN_DIGEST, candidate_id.as_str().to_owned())
            .await
            .map_err(|source| StartError::Store { path: args.db.to_string(), source })?;
        let id = TenantId::from_digest(&stored).ok_or(StartError::TokenDigest)?;
        let first = id == candidate_id;
        (Tenants::from_ids([id]), first.then_some(candidate))
    } else {
        (Tenants::new(tokens.iter().map(String::as_str)), None)
    };
    let tenant_count = tenants.len();
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
    crate::ops::install_recorder();
    let ops = crate::ops::router(Arc::clone(&store), Arc::clone(&pinner));
    let api = PinningApi::new(Arc::clone(&store), pinner, worker.waker(), tenants)
        .with_limits(ApiLimits { max_meta_bytes: args.max_meta_bytes, max_page_bytes: args.max_page_bytes });
    // One layer, `observe`: the access log, metrics, request id and
    // `Retry-After` around the timeout and the panic catcher, so it sees every
    // answer, the timeout's and a panic's too.
    let router = ipfs_pinning_server::router_with_config(
        api,
        ipfs_pinning_server::Config::default().with_body_limit(args.max_body),
    )
    .merge(ops)
    .layer(axum::middleware::from_fn_with_state(args.request_timeout, observe));
    let limits =
        ConnectionLimits { header_read_timeout: args.header_read_timeout, max_connections: args.max_connections };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|source| StartError::Bind { addr: args.listen, source })?;
    let local_addr = listener.local_addr().map_err(|source| StartError::Bind { addr: args.listen, source })?;
    let (stop, mut stopped) = watch::channel(false);
    let server = tokio::spawn(crate::listener::serve(listener, router, limits, async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    }));
    tracing::info!(%local_addr, backend, db = %args.db, "pinning service started");
    Ok(Running { local_addr, generated_token, tenant_count, backend, stop, server, worker, store })
}

impl Running {
    /// The address the service listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The access token generated by this start (no token was given and the
    /// database had none); `None` at later starts, which only know its digest.
    pub fn generated_token(&self) -> Option<&str> {
        self.generated_token.as_deref()
    }

    /// How many tenants (access tokens) the service accepts.
    pub fn tenant_count(&self) -> usize {
        self.tenant_count
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
            Ok(Ok(())) => {}
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
