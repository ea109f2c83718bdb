//! The default backend: it fetches and stores nothing, and says so.

use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::{PinError, Pinner, Progress};

/// The default delegate of the simulated backend: a well-formed multiaddr
/// with a placeholder peer id (the identity multihash of an Ed25519 key made
/// from a fixed digest). No IPFS node listens there: the simulated backend
/// has none. Set real ones with `--delegate`.
pub const DEFAULT_SIMULATED_DELEGATE: &str =
    "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWRtoQC64cUBLUH6S2DZARoaBypcRVNycRoqzjvNn6UKAG";

/// Moves every pin to `pinned` after `delay`, without fetching anything.
#[derive(Debug, Clone)]
pub struct Simulated {
    delay: Duration,
    delegates: Vec<String>,
}

impl Simulated {
    /// A simulated backend pinning after `delay` and naming `delegates`
    /// (already checked with [`super::check_delegates`]).
    pub fn new(delay: Duration, delegates: Vec<String>) -> Self {
        Simulated { delay, delegates }
    }
}

impl Pinner for Simulated {
    fn backend(&self) -> &'static str {
        "simulated"
    }

    fn delegates(&self) -> &[String] {
        &self.delegates
    }

    fn queued_details(&self) -> String {
        "queued (simulated backend: no data will be fetched)".to_owned()
    }

    fn pinning_details(&self, _origins: &[String]) -> String {
        format!(
            "pinning (simulated backend: nothing is fetched; pinned after {})",
            humantime::format_duration(self.delay)
        )
    }

    fn pin<'a>(
        &'a self,
        _cid: &'a str,
        _origins: &'a [String],
        _progress: &'a Progress,
    ) -> BoxFuture<'a, Result<String, PinError>> {
        async move {
            tokio::time::sleep(self.delay).await;
            Ok("pinned (simulated backend: no data was fetched or stored)".to_owned())
        }
        .boxed()
    }

    fn unpin<'a>(&'a self, _cid: &'a str) -> BoxFuture<'a, Result<(), PinError>> {
        async { Ok(()) }.boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn pins_after_the_delay_and_says_nothing_was_fetched() {
        let pinner =
            Simulated::new(Duration::from_millis(250), vec![super::super::DEFAULT_SIMULATED_DELEGATE.to_owned()]);
        let (progress, _) = tokio::sync::watch::channel(None);
        let started = tokio::time::Instant::now();
        let details = pinner.pin("cid", &[], &progress).await.unwrap();
        assert_eq!(started.elapsed(), Duration::from_millis(250));
        assert!(details.contains("simulated backend: no data was fetched"), "{details}");
        assert!(pinner.queued_details().contains("simulated"));
        assert!(pinner.pinning_details(&[]).contains("250ms"));
        assert_eq!(pinner.unpin("cid").await, Ok(()));
    }
}
