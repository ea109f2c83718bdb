//! A stand-in for a Kubo node's RPC API, for the `kubo` backend's tests (no
//! Kubo binary can be installed where they run).
//!
//! It serves the commands the backend calls, on Kubo's wire format (the Kubo
//! RPC API v0 reference, and go-ipfs-cmds' HTTP response emitter):
//!
//! - every command is `POST /api/v0/<command>`; arguments are the query key
//!   `arg` (repeatable), flags are other query keys; any other method is
//!   `405`, an unknown command `404 page not found` (text);
//! - a failed command is HTTP 500 (400 for a bad call) with
//!   `{"Message": "...", "Code": 0, "Type": "error"}` (`Code` 1 for a bad call);
//! - `id` answers `{"ID", "PublicKey", "Addresses", "AgentVersion", "Protocols"}`
//!   (`Addresses` is `null` on a node without listeners);
//! - `pin/add?arg=<cid>&progress=true` answers 200 with
//!   `X-Chunked-Output: 1` and newline-delimited JSON: `{"Progress": n}`
//!   (`{}` while n is 0: the field is `omitempty`), then `{"Pins": [cid]}`.
//!   Without `progress=true` it answers `{"Pins": [cid]}` once, or the error;
//! - `pin/rm?arg=<cid>` answers `{"Pins": [cid]}`, or 500
//!   `not pinned or pinned indirectly` for a CID it does not hold;
//! - `swarm/connect?arg=<multiaddr>` answers `{"Strings": ["connect <peer> success"]}`.
//!
//! What each `pin/add` does is scripted per CID ([`PinAdd`]); every request is
//! recorded ([`Call`]), and so is how every `pin/add` stream ended ([`Ended`]).
//!
//! One thing it cannot reproduce: when a Kubo command fails after its stream
//! started, current go-ipfs-cmds ends the body and puts the message in an
//! `X-Stream-Error` HTTP trailer. axum has no public way to send trailers
//! (and hyper only sends them to clients that asked with `TE: trailers`), so
//! [`End::Trailer`] ends the body the same way but without the trailer. The
//! backend reads no trailers, so what it sees is the same.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// Kubo's answer to `pin/rm` for a CID it has no recursive or direct pin of.
pub const NOT_PINNED: &str = "not pinned or pinned indirectly";

/// The pause between two lines the stand-in streams (Kubo ticks every
/// 500 ms; shorter keeps the tests fast).
const LINE_PAUSE: Duration = Duration::from_millis(20);

/// How often a hanging `pin/add` repeats its progress line (Kubo: 500 ms).
const HANG_TICK: Duration = Duration::from_millis(100);

/// One request the stand-in received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Position among everything the stand-in recorded (calls and stream ends).
    pub seq: u64,
    pub method: Method,
    /// The command (`pin/add`), or the whole path when it is not under `/api/v0/`.
    pub command: String,
    /// The query pairs, decoded, in order.
    pub args: Vec<(String, String)>,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
}

impl Call {
    /// The values of the `arg` key.
    pub fn arguments(&self) -> Vec<&str> {
        self.args.iter().filter(|(key, _)| key == "arg").map(|(_, value)| value.as_str()).collect()
    }

    /// The query pairs, sorted (order-insensitive comparisons).
    pub fn sorted_args(&self) -> Vec<(String, String)> {
        let mut args = self.args.clone();
        args.sort();
        args
    }
}

/// What one `pin/add` of a CID does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinAdd {
    /// Kubo fails before its first output (a bad path, an unresolvable
    /// CID, ...): HTTP 500 with the error object.
    Refuse(String),
    /// HTTP 200 and a stream: `{"Progress": n}` for each of `progress`; then,
    /// when `held`, nothing until the test calls [`KuboStandIn::release`];
    /// then `end`.
    Stream { progress: Vec<u64>, held: bool, end: End },
}

impl PinAdd {
    /// Pins at once, after these progress lines.
    pub fn pinned(progress: &[u64]) -> Self {
        PinAdd::Stream { progress: progress.to_vec(), held: false, end: End::Pinned }
    }

    /// Streams these progress lines, waits for [`KuboStandIn::release`], then pins.
    pub fn held(progress: &[u64]) -> Self {
        PinAdd::Stream { progress: progress.to_vec(), held: true, end: End::Pinned }
    }

    /// Streams these progress lines, then `end`.
    pub fn ending(progress: &[u64], end: End) -> Self {
        PinAdd::Stream { progress: progress.to_vec(), held: false, end }
    }
}

/// How a streamed `pin/add` ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// `{"Pins": [cid]}`: the stand-in holds the CID from then on.
    Pinned,
    /// The error object as the last line (what go-ipfs-cmds did before it
    /// moved mid-stream errors to the trailer; some endpoints still do).
    ErrorLine(String),
    /// The body just ends, without `Pins`: current Kubo, failing after its
    /// first progress tick (the message would be in `X-Stream-Error`).
    Trailer(String),
    /// Never ends: repeats the last progress line every [`HANG_TICK`], like
    /// Kubo fetching a DAG nobody provides.
    Hang,
    /// The connection breaks mid-body (the daemon died).
    Break,
}

/// How a `pin/add` ended, as the stand-in saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered `Pins` (the CID is pinned on the stand-in).
    Pinned,
    /// Answered an error (500, error line, or an end without `Pins`).
    Failed,
    /// The stand-in broke the connection ([`End::Break`]).
    Broken,
    /// The client went away before the end.
    Cancelled,
}

/// The end of one `pin/add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    pub seq: u64,
    pub cid: String,
    pub outcome: Outcome,
}

/// Who the node is (the answer to `id`).
#[derive(Debug, Clone)]
pub struct Identity {
    pub id: String,
    /// `None` answers `"Addresses": null` (a node without listeners).
    pub addresses: Option<Vec<String>>,
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    ended: Vec<Ended>,
    pin_add: HashMap<String, VecDeque<PinAdd>>,
    pin_rm_failures: HashMap<String, VecDeque<String>>,
    swarm_failures: HashMap<String, String>,
    pinned: BTreeSet<String>,
    required_authorization: Option<String>,
}

struct Shared {
    identity: Identity,
    seq: AtomicU64,
    inner: Mutex<Inner>,
    /// CIDs whose held `pin/add` may go on.
    released: watch::Sender<BTreeSet<String>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::SeqCst)
    }

    fn end(&self, cid: &str, outcome: Outcome) {
        let mut inner = self.lock();
        let seq = self.next_seq();
        inner.ended.push(Ended { seq, cid: cid.to_owned(), outcome });
    }
}

/// The running stand-in (stopped and restarted on the same port with
/// [`KuboStandIn::stop`] and [`KuboStandIn::restart`]; its state survives).
pub struct KuboStandIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

impl KuboStandIn {
    /// Starts a stand-in for the node `identity` on 127.0.0.1 (a free port).
    pub async fn start(identity: Identity) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the Kubo stand-in");
        let addr = listener.local_addr().expect("the stand-in's address");
        let (released, _) = watch::channel(BTreeSet::new());
        let shared =
            Arc::new(Shared { identity, seq: AtomicU64::new(0), inner: Mutex::new(Inner::default()), released });
        let server = Some(serve(listener, Arc::clone(&shared)));
        KuboStandIn { addr, shared, server }
    }

    /// The `--ipfs-api` URL of the stand-in.
    pub fn api_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Stops listening and closes its connections (the node is gone).
    pub async fn stop(&mut self) {
        if let Some((stop, server)) = self.server.take() {
            let _ = stop.send(());
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), server).await.is_err() {
                abort.abort();
            }
        }
    }

    /// Listens again on the same port, with the same state.
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = TcpListener::bind(self.addr).await.expect("bind the Kubo stand-in again");
        self.server = Some(serve(listener, Arc::clone(&self.shared)));
    }

    /// Scripts the next `pin/add`s of `cid`, one per call; the last one
    /// repeats. Unscripted CIDs pin at once.
    pub fn script_pin_add(&self, cid: &str, script: impl IntoIterator<Item = PinAdd>) {
        self.shared.lock().pin_add.insert(cid.to_owned(), script.into_iter().collect());
    }

    /// The next `pin/rm`s of `cid` fail with these messages (one per call),
    /// before it behaves like Kubo again.
    pub fn fail_pin_rm(&self, cid: &str, messages: &[&str]) {
        let messages = messages.iter().map(|message| (*message).to_owned()).collect();
        self.shared.lock().pin_rm_failures.insert(cid.to_owned(), messages);
    }

    /// `swarm/connect` to `multiaddr` fails with `reason`.
    pub fn fail_swarm_connect(&self, multiaddr: &str, reason: &str) {
        self.shared.lock().swarm_failures.insert(multiaddr.to_owned(), reason.to_owned());
    }

    /// Requires this `Authorization` header (Kubo's `API.Authorizations`);
    /// requests without it are refused with 403.
    pub fn require_authorization(&self, value: &str) {
        self.shared.lock().required_authorization = Some(value.to_owned());
    }

    /// Lets the held `pin/add`s of `cid` go on (now and later).
    pub fn release(&self, cid: &str) {
        self.shared.released.send_modify(|released| {
            released.insert(cid.to_owned());
        });
    }

    /// Every request so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// The requests for `command`, in order.
    pub fn calls_to(&self, command: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|call| call.command == command).collect()
    }

    /// The requests for `command` whose `arg` is `arg`.
    pub fn calls_with(&self, command: &str, arg: &str) -> Vec<Call> {
        self.calls_to(command).into_iter().filter(|call| call.arguments() == [arg]).collect()
    }

    /// How the `pin/add`s of `cid` ended, in order.
    pub fn ended(&self, cid: &str) -> Vec<Ended> {
        self.shared.lock().ended.iter().filter(|ended| ended.cid == cid).cloned().collect()
    }

    /// The CIDs the stand-in holds pinned.
    pub fn pinned(&self) -> BTreeSet<String> {
        self.shared.lock().pinned.clone()
    }
}

fn serve(listener: TcpListener, shared: Arc<Shared>) -> (oneshot::Sender<()>, JoinHandle<()>) {
    let router = Router::new().fallback(handle).with_state(shared);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    (stop, server)
}

async fn handle(State(shared): State<Arc<Shared>>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let command = uri.path().strip_prefix("/api/v0/").unwrap_or(uri.path()).to_owned();
    let args: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().collect();
    let authorization = headers.get(header::AUTHORIZATION).and_then(|value| value.to_str().ok()).map(str::to_owned);
    let call = {
        let mut inner = shared.lock();
        let call = Call { seq: shared.next_seq(), method, command, args, authorization };
        inner.calls.push(call.clone());
        let refused =
            inner.required_authorization.as_ref().is_some_and(|required| call.authorization.as_ref() != Some(required));
        if refused {
            return (StatusCode::FORBIDDEN, "403 - Forbidden\n").into_response();
        }
        call
    };
    if call.method != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, "405 - Method Not Allowed\n").into_response();
    }
    match call.command.as_str() {
        "id" => id(&shared),
        "pin/add" => pin_add(&shared, &call).await,
        "pin/rm" => pin_rm(&shared, &call),
        "swarm/connect" => swarm_connect(&shared, &call),
        _ => (StatusCode::NOT_FOUND, "404 page not found\n").into_response(),
    }
}

/// One JSON value as Go's `json.Encoder` writes it: compact, then a newline.
fn line(value: &Value) -> Bytes {
    Bytes::from(format!("{value}\n"))
}

/// A single JSON value (a command that is not streamed).
fn single(value: &Value) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], line(value)).into_response()
}

/// Kubo's error: 500 (or 400 for a bad call) with its error object.
fn error(status: StatusCode, message: &str) -> Response {
    let code = if status == StatusCode::BAD_REQUEST { 1 } else { 0 };
    let body = json!({ "Message": message, "Code": code, "Type": "error" });
    (status, [(header::CONTENT_TYPE, "application/json")], line(&body)).into_response()
}

/// A `pin/add` progress line (`Progress` is `omitempty`).
fn progress_line(blocks: u64) -> Bytes {
    if blocks == 0 { line(&json!({})) } else { line(&json!({ "Progress": blocks })) }
}

fn id(shared: &Shared) -> Response {
    let identity = &shared.identity;
    single(&json!({
        "ID": identity.id,
        "PublicKey": "CAESIHxUR6zH3K7pSxJnCq7yyg5LO2PGgMi1m3O6tb1e2DiO",
        "Addresses": identity.addresses,
        "AgentVersion": "kubo/0.39.0/stand-in",
        "Protocols": ["/ipfs/bitswap/1.2.0", "/ipfs/id/1.0.0", "/ipfs/kad/1.0.0", "/ipfs/ping/1.0.0"],
    }))
}

/// Go's `strconv.ParseBool`, as go-ipfs-cmds parses bool flags.
fn flag(call: &Call, name: &str) -> bool {
    call.args
        .iter()
        .any(|(key, value)| key == name && matches!(value.as_str(), "1" | "t" | "T" | "true" | "TRUE" | "True"))
}

async fn pin_add(shared: &Arc<Shared>, call: &Call) -> Response {
    let Some(cid) = call.arguments().first().map(|cid| (*cid).to_owned()) else {
        return error(StatusCode::BAD_REQUEST, "argument \"ipfs-path\" is required");
    };
    let script = {
        let mut inner = shared.lock();
        match inner.pin_add.get_mut(&cid) {
            Some(queue) if queue.len() > 1 => queue.pop_front(),
            Some(queue) => queue.front().cloned(),
            None => None,
        }
    };
    let (progress, held, end) = match script.unwrap_or_else(|| PinAdd::pinned(&[])) {
        PinAdd::Refuse(message) => {
            shared.end(&cid, Outcome::Failed);
            return error(StatusCode::INTERNAL_SERVER_ERROR, &message);
        }
        PinAdd::Stream { progress, held, end } => (progress, held, end),
    };
    if !flag(call, "progress") {
        return pin_add_once(shared, cid, held, end).await;
    }
    let (lines, body) = mpsc::channel::<Result<Bytes, std::io::Error>>(16);
    let producer = Arc::clone(shared);
    tokio::spawn(async move {
        let outcome = stream_pin_add(&producer, &cid, &progress, held, end, &lines).await;
        producer.end(&cid, outcome);
    });
    let body = futures_util::stream::unfold(body, |mut body| async move { body.recv().await.map(|item| (item, body)) });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .header("X-Chunked-Output", "1")
        .header(header::TRAILER, "X-Stream-Error")
        .body(Body::from_stream(body))
        .expect("a valid streamed response")
}

/// Waits until `cid` is released; `false` when the client went away first.
async fn wait_release(shared: &Shared, cid: &str, lines: Option<&mpsc::Sender<Result<Bytes, std::io::Error>>>) -> bool {
    let mut released = shared.released.subscribe();
    let release = released.wait_for(|released| released.contains(cid));
    match lines {
        Some(lines) => tokio::select! {
            result = release => result.is_ok(),
            () = lines.closed() => false,
        },
        None => release.await.is_ok(),
    }
}

/// `pin/add` with `progress=true`: the streamed lines.
async fn stream_pin_add(
    shared: &Shared,
    cid: &str,
    progress: &[u64],
    held: bool,
    end: End,
    lines: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> Outcome {
    let mut fetched = 0;
    for blocks in progress {
        fetched = *blocks;
        if lines.send(Ok(progress_line(fetched))).await.is_err() {
            return Outcome::Cancelled;
        }
        tokio::time::sleep(LINE_PAUSE).await;
    }
    if held && !wait_release(shared, cid, Some(lines)).await {
        return Outcome::Cancelled;
    }
    match end {
        End::Pinned => {
            // Kubo has pinned before it says so, whether or not the client
            // is still there to read it.
            shared.lock().pinned.insert(cid.to_owned());
            let _ = lines.send(Ok(line(&json!({ "Pins": [cid] })))).await;
            Outcome::Pinned
        }
        End::ErrorLine(message) => {
            let _ = lines.send(Ok(line(&json!({ "Message": message, "Code": 0, "Type": "error" })))).await;
            Outcome::Failed
        }
        End::Trailer(_message) => Outcome::Failed,
        End::Hang => loop {
            tokio::time::sleep(HANG_TICK).await;
            if lines.send(Ok(progress_line(fetched))).await.is_err() {
                return Outcome::Cancelled;
            }
        },
        End::Break => {
            let _ = lines.send(Err(std::io::Error::other("the Kubo stand-in broke the connection"))).await;
            Outcome::Broken
        }
    }
}

/// `pin/add` without `progress=true`: one answer once the pin is done.
async fn pin_add_once(shared: &Arc<Shared>, cid: String, held: bool, end: End) -> Response {
    if held && !wait_release(shared, &cid, None).await {
        shared.end(&cid, Outcome::Cancelled);
        return error(StatusCode::INTERNAL_SERVER_ERROR, "context canceled");
    }
    match end {
        End::Pinned => {
            shared.lock().pinned.insert(cid.clone());
            shared.end(&cid, Outcome::Pinned);
            single(&json!({ "Pins": [cid] }))
        }
        End::ErrorLine(message) | End::Trailer(message) => {
            shared.end(&cid, Outcome::Failed);
            error(StatusCode::INTERNAL_SERVER_ERROR, &message)
        }
        End::Hang => std::future::pending().await,
        End::Break => {
            shared.end(&cid, Outcome::Broken);
            let broken = futures_util::stream::once(async {
                Err::<Bytes, _>(std::io::Error::other("the Kubo stand-in broke the connection"))
            });
            Response::new(Body::from_stream(broken))
        }
    }
}

fn pin_rm(shared: &Shared, call: &Call) -> Response {
    let Some(cid) = call.arguments().first().map(|cid| (*cid).to_owned()) else {
        return error(StatusCode::BAD_REQUEST, "argument \"ipfs-path\" is required");
    };
    let mut inner = shared.lock();
    if let Some(message) = inner.pin_rm_failures.get_mut(&cid).and_then(VecDeque::pop_front) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, &message);
    }
    if inner.pinned.remove(&cid) {
        single(&json!({ "Pins": [cid] }))
    } else {
        error(StatusCode::INTERNAL_SERVER_ERROR, NOT_PINNED)
    }
}

fn swarm_connect(shared: &Shared, call: &Call) -> Response {
    let addresses = call.arguments();
    if addresses.is_empty() {
        return error(StatusCode::BAD_REQUEST, "argument \"address\" is required");
    }
    let inner = shared.lock();
    let mut strings = Vec::new();
    for address in addresses {
        let peer = address.rsplit_once("/p2p/").map_or(address, |(_, peer)| peer);
        if let Some(reason) = inner.swarm_failures.get(address) {
            return error(StatusCode::INTERNAL_SERVER_ERROR, &format!("connect {peer} failure: {reason}"));
        }
        strings.push(format!("connect {peer} success"));
    }
    single(&json!({ "Strings": strings }))
}
