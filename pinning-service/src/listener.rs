//! The HTTP/1.1 listener: hyper's connection builder with a timer, so a
//! client that never finishes its request head is disconnected, and a cap on
//! open connections.
//!
//! `axum::serve` runs hyper without a timer, so there a socket that sends
//! half a request head and stalls stays open forever; a few hundred of them
//! exhaust file descriptors. Here:
//! - every connection gets `header_read_timeout` to deliver a request head,
//!   counted from the connection and, on a kept-alive connection, from the
//!   previous response (hyper restarts the timer when a connection goes
//!   idle), so it is also the idle keep-alive timeout;
//! - at most `max_connections` connections are open at once: the accept loop
//!   takes a semaphore permit before `accept`, so further clients wait in the
//!   kernel's listen backlog instead of costing a task and a descriptor each;
//! - a shutdown stops accepting and lets each connection finish the request
//!   it is serving (hyper-util's `GracefulShutdown`).
//!
//! The per-request timeout is a layer of the router ([`crate::middleware`]).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// The limits of the listener.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time to deliver a request head (and the idle keep-alive timeout).
    pub header_read_timeout: Duration,
    /// Open connections at most.
    pub max_connections: usize,
}

/// The pause after `accept` fails (out of descriptors, for example) before
/// the next attempt, so a full descriptor table does not spin a core.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` until `stop` resolves, then waits for the
/// connections to finish the requests they are serving.
pub async fn serve(listener: TcpListener, router: Router, limits: ConnectionLimits, stop: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => break,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(error) => {
                tracing::warn!(%error, "cannot accept a connection");
                tokio::time::sleep(ACCEPT_RETRY).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(router.clone()));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                // Timeouts and clients that hang up: routine, not errors.
                tracing::debug!(%error, "connection closed");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
