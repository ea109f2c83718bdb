//! Backends that actually pin: the [`Pinner`] trait, [`Simulated`] (the
//! default: fetches nothing) and [`Kubo`] (a Kubo node's RPC API).

mod kubo;
mod simulated;

use std::collections::BTreeSet;

use futures_util::future::BoxFuture;

pub use kubo::{Kubo, redacted};
pub use simulated::{DEFAULT_SIMULATED_DELEGATE, Simulated};

/// Most multiaddrs `PinStatus.delegates` may hold (the spec's `maxItems`).
pub const MAX_DELEGATES: usize = 20;

/// Where a backend reports progress while it pins: the latest
/// `info.status_details` text. The worker writes it to the store, at most
/// once per progress interval.
pub type Progress = tokio::sync::watch::Sender<Option<String>>;

/// Why a backend did not pin (or unpin).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    /// The backend could not be reached: the pin goes back to the queue and
    /// the worker retries later.
    #[error("backend unavailable: {0}")]
    Unavailable(String),
    /// The backend tried and failed: the pin becomes `failed` with this reason.
    #[error("{0}")]
    Failed(String),
}

/// A pinning backend. Methods return boxed futures so the service can hold an
/// `Arc<dyn Pinner>` chosen at start-up.
pub trait Pinner: Send + Sync + 'static {
    /// The backend's name (`simulated`, `kubo`), for logs.
    fn backend(&self) -> &'static str;

    /// The multiaddrs to return in `PinStatus.delegates` (1 to 20 of them).
    fn delegates(&self) -> &[String];

    /// `info.status_details` of a pin waiting in the queue.
    fn queued_details(&self) -> String;

    /// `info.status_details` of a pin the backend has started on.
    fn pinning_details(&self, origins: &[String]) -> String;

    /// Pins `cid` recursively, first connecting to `origins` (best effort).
    /// Returns the `status_details` of the pinned pin.
    fn pin<'a>(
        &'a self,
        cid: &'a str,
        origins: &'a [String],
        progress: &'a Progress,
    ) -> BoxFuture<'a, Result<String, PinError>>;

    /// For `/readyz`: whether the backend answers now.
    fn check(&self) -> BoxFuture<'_, Result<(), PinError>> {
        Box::pin(async { Ok(()) })
    }

    /// Releases `cid` (no other pin request wants it any more). Releasing a
    /// CID the backend does not hold is a success.
    fn unpin<'a>(&'a self, cid: &'a str) -> BoxFuture<'a, Result<(), PinError>>;
}

/// Checks a list of configured delegates: 1 to 20 distinct multiaddrs, each
/// ending in `/p2p/<peer id>` (the spec's rule for provider hints).
pub fn check_delegates(delegates: &[String]) -> Result<(), String> {
    if delegates.is_empty() {
        return Err("at least one delegate is needed".to_owned());
    }
    if delegates.len() > MAX_DELEGATES {
        return Err(format!("at most {MAX_DELEGATES} delegates are allowed, got {}", delegates.len()));
    }
    let mut seen = BTreeSet::new();
    for delegate in delegates {
        if !seen.insert(delegate) {
            return Err(format!("delegate `{delegate}` is listed twice"));
        }
        if !is_p2p_multiaddr(delegate) {
            return Err(format!("delegate `{delegate}` is not a multiaddr ending in /p2p/<peer id>"));
        }
    }
    Ok(())
}

/// Whether `multiaddr` is a multiaddr (text form, `/`-led, no empty or
/// blank component) ending with a `/p2p/<peer id>` component: the spec's
/// rule for `Pin.origins` and `PinStatus.delegates`.
pub fn is_p2p_multiaddr(multiaddr: &str) -> bool {
    let Some(rest) = multiaddr.strip_prefix('/') else { return false };
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.iter().any(|part| part.is_empty() || !part.bytes().all(|byte| byte.is_ascii_graphic())) {
        return false;
    }
    match parts.as_slice() {
        [.., protocol, peer] => *protocol == "p2p" && peer.bytes().all(|byte| byte.is_ascii_alphanumeric()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delegates_must_be_p2p_multiaddrs() {
        let good = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(check_delegates(&good(&[DEFAULT_SIMULATED_DELEGATE])), Ok(()));
        assert_eq!(
            check_delegates(&good(&[
                "/ip4/203.0.113.1/tcp/4001/p2p/QmServicePeerId",
                "/p2p/12D3KooWRtoQC64cUBLUH6S2DZARoaBypcRVNycRoqzjvNn6UKAG"
            ])),
            Ok(())
        );
        for bad in [
            &[][..],
            &["/ip4/203.0.113.1/tcp/4001"][..],
            &["ip4/203.0.113.1/tcp/4001/p2p/QmPeer"][..],
            &["/ip4/203.0.113.1/tcp/4001/p2p/"][..],
            &["/ip4/203.0.113.1/tcp/4001/p2p/Qm Peer"][..],
            &["/p2p/QmPeer", "/p2p/QmPeer"][..],
        ] {
            assert!(check_delegates(&good(bad)).is_err(), "{bad:?}");
        }
        assert!(!is_p2p_multiaddr("//p2p/QmPeer"));
        assert!(!is_p2p_multiaddr("/p2p"));
        assert!(!is_p2p_multiaddr("/ip4/1.2.3.4/tcp/1/p2p/QmPeer/"));
        assert!(is_p2p_multiaddr("/dns4/example.com/tcp/4001/p2p/QmPeer"));
        let many: Vec<String> = (0..21).map(|i| format!("/p2p/QmPeer{i}")).collect();
        assert!(check_delegates(&many).unwrap_err().contains("at most 20"));
        assert_eq!(check_delegates(&many[..20]), Ok(()));
    }
}
