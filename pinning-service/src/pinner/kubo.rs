//! The Kubo backend: pins through a Kubo node's RPC API (`/api/v0/...`).
//!
//! - `id` (at start-up): the node's peer id and addresses, which become the
//!   delegates unless `--delegate` names others.
//! - `swarm/connect?arg=<origin>`: for every origin of a pin, best effort.
//! - `pin/add?arg=<cid>&recursive=true&progress=true`: a stream of JSON
//!   lines, `{"Progress": n}` while fetching, `{"Pins": [...]}` at the end.
//! - `pin/rm?arg=<cid>&recursive=true`: when no pin request wants a CID any more.
//!
//! Kubo's RPC API is a local admin API over plain HTTP; this client speaks
//! HTTP only. Its address (and any `user:password@` in it, for a node that
//! asks for basic auth) is never put in a pin's `info`, which API clients
//! read: messages there name the RPC command only, and logs and start-up
//! errors show the address without its credentials ([`redacted`]).

use std::net::IpAddr;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, join_all};
use serde::Deserialize;
use url::Url;

use super::{MAX_DELEGATES, PinError, Pinner, Progress};

/// How long `id` and `swarm/connect` may take.
const SHORT_CALL: Duration = Duration::from_secs(30);
/// How long `pin/rm` may take (it can walk a large DAG).
const UNPIN_CALL: Duration = Duration::from_secs(600);

/// A Kubo node reached over its RPC API.
#[derive(Debug, Clone)]
pub struct Kubo {
    http: reqwest::Client,
    api: Url,
    peer_id: String,
    delegates: Vec<String>,
}

/// What `id` answers (the fields used).
#[derive(Debug, Deserialize)]
struct IdResponse {
    #[serde(rename = "ID")]
    id: String,
    #[serde(rename = "Addresses", default)]
    addresses: Option<Vec<String>>,
}

/// One line of `pin/add`'s output, or Kubo's error object.
#[derive(Debug, Deserialize)]
struct PinAddLine {
    #[serde(rename = "Pins", default)]
    pins: Option<Vec<String>>,
    #[serde(rename = "Progress", default)]
    progress: Option<u64>,
    #[serde(rename = "Message", default)]
    message: Option<String>,
    #[serde(rename = "Type", default)]
    kind: Option<String>,
}

/// Kubo's error body: `{"Message": "...", "Code": 0, "Type": "error"}`.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    #[serde(rename = "Message")]
    message: String,
}

impl Kubo {
    /// Connects to the Kubo RPC API at `api` (for example
    /// `http://127.0.0.1:5001`) and asks the node who it is. `delegates`
    /// overrides the delegates read from the node when it is not empty.
    pub async fn connect(api: Url, delegates: Vec<String>) -> Result<Self, PinError> {
        if api.scheme() != "http" {
            return Err(PinError::Failed(format!("the Kubo RPC API is plain HTTP; `{api}` is not an http:// URL")));
        }
        let mut api = api;
        if !api.path().ends_with('/') {
            let path = format!("{}/", api.path());
            api.set_path(&path);
        }
        // Built with the rest of the workspace, reqwest has the generated
        // client's `rustls-no-provider` feature (Cargo unifies features), and
        // then `build` panics unless a rustls crypto provider is installed.
        // Installing ring (the client's choice too) is harmless otherwise.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // The RPC API is a local admin API: proxy environment variables
        // (`HTTP_PROXY`, `ALL_PROXY`) meant for the outside world must not
        // send its calls, and the node's credentials, through a proxy.
        let http = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|error| PinError::Failed(format!("cannot build the HTTP client: {error}")))?;
        let mut kubo = Kubo { http, api, peer_id: String::new(), delegates: Vec::new() };
        let response = kubo.call("id", &[], Some(SHORT_CALL)).await?;
        let body = response
            .bytes()
            .await
            .map_err(|error| PinError::Unavailable(format!("Kubo's `id` answer broke off: {error}")))?;
        let id: IdResponse = serde_json::from_slice(&body)
            .map_err(|error| PinError::Failed(format!("Kubo's `id` answered something unexpected: {error}")))?;
        kubo.delegates = if delegates.is_empty() {
            delegates_from(&id.id, id.addresses.as_deref().unwrap_or_default())
        } else {
            delegates
        };
        kubo.peer_id = id.id;
        Ok(kubo)
    }

    /// The node's peer id, as `id` reported it.
    pub fn peer_id(&self) -> &str {
        &self.peer_id
    }

    /// POSTs the RPC command `command` with `args`, and returns the response
    /// when its status is a success.
    async fn call(
        &self,
        command: &str,
        args: &[(&str, &str)],
        timeout: Option<Duration>,
    ) -> Result<reqwest::Response, PinError> {
        let mut url = self
            .api
            .join(&format!("api/v0/{command}"))
            .map_err(|error| PinError::Failed(format!("bad Kubo RPC URL: {error}")))?;
        if !args.is_empty() {
            let mut query = url.query_pairs_mut();
            for (key, value) in args {
                query.append_pair(key, value);
            }
        }
        let mut request = self.http.post(url);
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let response = request.send().await.map_err(|error| {
            // reqwest's message names the URL, credentials and all: keep it
            // out of what reaches `info`, and log where it went instead.
            tracing::warn!(api = %redacted(&self.api), command, %error, "Kubo RPC call failed");
            PinError::Unavailable(format!("Kubo RPC `{command}`: {}", error.without_url()))
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = response.text().await.unwrap_or_default();
        let message = serde_json::from_str::<ErrorBody>(&body)
            .map(|error| error.message)
            .unwrap_or_else(|_| body.trim().chars().take(500).collect());
        Err(PinError::Failed(format!("Kubo RPC `{command}` answered {status}: {message}")))
    }

    async fn connect_origins(&self, origins: &[String]) {
        let attempts = origins.iter().map(|origin| async move {
            match self.call("swarm/connect", &[("arg", origin)], Some(SHORT_CALL)).await {
                Ok(_) => tracing::debug!(%origin, "connected to origin"),
                // Provider hints are best effort (the spec): a dial failure
                // never fails the pin.
                Err(error) => tracing::info!(%origin, %error, "could not connect to origin"),
            }
        });
        join_all(attempts).await;
    }
}

impl Pinner for Kubo {
    fn backend(&self) -> &'static str {
        "kubo"
    }

    fn delegates(&self) -> &[String] {
        &self.delegates
    }

    fn queued_details(&self) -> String {
        "queued for the Kubo node".to_owned()
    }

    fn pinning_details(&self, origins: &[String]) -> String {
        if origins.is_empty() {
            "pinning on the Kubo node".to_owned()
        } else {
            format!("pinning on the Kubo node (connecting to {} origin(s))", origins.len())
        }
    }

    fn pin<'a>(
        &'a self,
        cid: &'a str,
        origins: &'a [String],
        progress: &'a Progress,
    ) -> BoxFuture<'a, Result<String, PinError>> {
        async move {
            self.connect_origins(origins).await;
            let mut response =
                self.call("pin/add", &[("arg", cid), ("recursive", "true"), ("progress", "true")], None).await?;
            let mut lines = LineSplitter::default();
            let mut fetched = 0;
            let mut confirmed = false;
            loop {
                let chunk = response
                    .chunk()
                    .await
                    .map_err(|error| PinError::Unavailable(format!("Kubo's pin/add stream broke: {error}")))?;
                let done = chunk.is_none();
                for line in lines.push(chunk.as_deref().unwrap_or_default(), done) {
                    let line: PinAddLine = serde_json::from_slice(&line).map_err(|error| {
                        PinError::Failed(format!("Kubo's pin/add answered a line that is not its JSON: {error}"))
                    })?;
                    if line.kind.as_deref() == Some("error") {
                        return Err(PinError::Failed(format!("Kubo: {}", line.message.unwrap_or_default())));
                    }
                    if let Some(count) = line.progress {
                        fetched = count;
                        progress.send_replace(Some(format!("pinning on the Kubo node: {count} block(s) fetched")));
                    }
                    if line.pins.is_some() {
                        confirmed = true;
                    }
                }
                if done {
                    break;
                }
            }
            if confirmed {
                Ok(format!("pinned recursively on the Kubo node ({fetched} block(s) fetched)"))
            } else {
                Err(PinError::Failed("Kubo ended pin/add without confirming the pin".to_owned()))
            }
        }
        .boxed()
    }

    fn check(&self) -> BoxFuture<'_, Result<(), PinError>> {
        async move { self.call("id", &[], Some(SHORT_CALL)).await.map(drop) }.boxed()
    }

    fn unpin<'a>(&'a self, cid: &'a str) -> BoxFuture<'a, Result<(), PinError>> {
        async move {
            match self.call("pin/rm", &[("arg", cid), ("recursive", "true")], Some(UNPIN_CALL)).await {
                Ok(_) => Ok(()),
                // Already gone (or never fetched): nothing to release.
                Err(PinError::Failed(message)) if message.contains("not pinned") => Ok(()),
                Err(error) => Err(error),
            }
        }
        .boxed()
    }
}

/// `url` without its `user:password@`, for messages and logs.
pub fn redacted(url: &Url) -> String {
    let mut shown = url.clone();
    if !shown.username().is_empty() || shown.password().is_some() {
        let _ = shown.set_username("***");
        let _ = shown.set_password(None);
    }
    shown.to_string()
}

/// Splits a byte stream into non-empty lines.
#[derive(Debug, Default)]
struct LineSplitter {
    buffer: Vec<u8>,
}

impl LineSplitter {
    /// Adds `bytes`; returns the lines completed so far (and the rest when `end`).
    fn push(&mut self, bytes: &[u8], end: bool) -> Vec<Vec<u8>> {
        self.buffer.extend_from_slice(bytes);
        let mut lines = Vec::new();
        while let Some(at) = self.buffer.iter().position(|byte| *byte == b'\n') {
            let line: Vec<u8> = self.buffer.drain(..=at).collect();
            lines.push(line);
        }
        if end && !self.buffer.is_empty() {
            lines.push(std::mem::take(&mut self.buffer));
        }
        lines.retain(|line| !line.trim_ascii().is_empty());
        lines
    }
}

/// The delegates of a node with peer id `peer_id` and `addresses`: every
/// address ending in `/p2p/<peer id>`, public ones only when the node has
/// any (the spec: avoid local addresses), at most 20; `/p2p/<peer id>`
/// alone when the node reports no address.
fn delegates_from(peer_id: &str, addresses: &[String]) -> Vec<String> {
    let suffix = format!("/p2p/{peer_id}");
    let mut all: Vec<String> = Vec::new();
    for address in addresses {
        let full = if address.ends_with(&suffix) {
            address.clone()
        } else if address.contains("/p2p/") {
            continue;
        } else {
            format!("{address}{suffix}")
        };
        if !all.contains(&full) {
            all.push(full);
        }
    }
    let public: Vec<String> = all.iter().filter(|address| !is_local(address)).cloned().collect();
    let mut chosen = if public.is_empty() { all } else { public };
    chosen.truncate(MAX_DELEGATES);
    if chosen.is_empty() {
        chosen.push(suffix);
    }
    chosen
}

/// Whether a multiaddr's IP is loopback, private, link-local or unspecified.
fn is_local(multiaddr: &str) -> bool {
    let mut parts = multiaddr.split('/').skip(1);
    let (Some(protocol), Some(value)) = (parts.next(), parts.next()) else {
        return false;
    };
    if !matches!(protocol, "ip4" | "ip6") {
        return false;
    }
    match value.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified(),
        Ok(IpAddr::V6(ip)) => {
            let first = ip.segments()[0];
            ip.is_loopback() || ip.is_unspecified() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delegates_prefer_public_addresses_and_end_with_the_peer_id() {
        let id = "12D3KooWPeer";
        let addresses = [
            "/ip4/127.0.0.1/tcp/4001",
            "/ip4/192.168.1.5/tcp/4001",
            "/ip4/203.0.113.7/tcp/4001",
            "/ip6/::1/tcp/4001",
            "/ip6/2001:db8::1/udp/4001/quic-v1",
            "/ip4/203.0.113.7/tcp/4001/p2p/12D3KooWPeer",
            "/ip4/198.51.100.1/tcp/4001/p2p/12D3KooWOther/p2p-circuit",
        ]
        .map(str::to_owned);
        assert_eq!(
            delegates_from(id, &addresses),
            ["/ip4/203.0.113.7/tcp/4001/p2p/12D3KooWPeer", "/ip6/2001:db8::1/udp/4001/quic-v1/p2p/12D3KooWPeer",]
        );
        let local = ["/ip4/127.0.0.1/tcp/4001", "/ip6/fe80::1/tcp/4001"].map(str::to_owned);
        assert_eq!(
            delegates_from(id, &local),
            ["/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWPeer", "/ip6/fe80::1/tcp/4001/p2p/12D3KooWPeer",]
        );
        assert_eq!(delegates_from(id, &[]), ["/p2p/12D3KooWPeer"]);
        let many: Vec<String> = (0..30).map(|i| format!("/ip4/203.0.113.{i}/tcp/4001")).collect();
        let delegates = delegates_from(id, &many);
        assert_eq!(delegates.len(), MAX_DELEGATES);
        assert_eq!(super::super::check_delegates(&delegates), Ok(()));
    }

    #[test]
    fn redacted_urls_keep_no_credentials() {
        let url = |text: &str| Url::parse(text).unwrap();
        assert_eq!(redacted(&url("http://kubo:s3cret@127.0.0.1:5001/")), "http://***@127.0.0.1:5001/");
        assert_eq!(redacted(&url("http://token@127.0.0.1:5001/rpc/")), "http://***@127.0.0.1:5001/rpc/");
        assert_eq!(redacted(&url("http://127.0.0.1:5001/")), "http://127.0.0.1:5001/");
    }

    #[test]
    fn lines_are_split_across_chunks() {
        let mut lines = LineSplitter::default();
        assert!(lines.push(b"{\"Progress\":", false).is_empty());
        assert_eq!(lines.push(b"1}\n\n{\"Pro", false), [b"{\"Progress\":1}\n".to_vec()]);
        assert_eq!(lines.push(b"gress\":2}", true), [b"{\"Progress\":2}".to_vec()]);
        assert!(lines.push(b"", true).is_empty());
    }
}
