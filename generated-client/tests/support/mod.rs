//! A capture server for the client's tests: a bare HTTP/1.1 server on
//! 127.0.0.1 that records each request exactly as it arrived (method, target,
//! headers, body bytes) and answers what the test's handler says, including
//! answers no real server should give (hang, truncated body, garbage).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    pub method: String,
    /// Path and query, exactly as sent (`/pins?cid=a,b`).
    pub target: String,
    /// Header names lowercased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn header_count(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n == name).count()
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The raw query string (`None` without `?`).
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The query decoded into name → values (in order).
    pub fn query_map(&self) -> BTreeMap<String, Vec<String>> {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for pair in self.query().unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            map.entry(percent_decode(name)).or_default().push(percent_decode(value));
        }
        map
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }
}

pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).expect("valid percent escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 after decoding")
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response with `Content-Length`.
    Respond { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// Headers announcing `declared` body bytes, then only `body`, then close.
    Truncated { status: u16, content_type: String, declared: usize, body: Vec<u8> },
    /// Reads the request and never answers.
    Hang,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply::raw(status, "application/json; charset=utf-8", body.to_string())
    }

    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Respond { status, headers: vec![("Content-Type".into(), content_type.into())], body: body.into() }
    }

    /// No content type, no body.
    pub fn empty(status: u16) -> Reply {
        Reply::Respond { status, headers: Vec::new(), body: Vec::new() }
    }

    pub fn failure(status: u16, reason: &str, details: Option<&str>) -> Reply {
        let mut error = serde_json::json!({ "reason": reason });
        if let Some(details) = details {
            error["details"] = details.into();
        }
        Reply::json(status, serde_json::json!({ "error": error }))
    }
}

type Handler = dyn Fn(&Captured) -> Reply + Send + Sync;

pub struct CaptureServer {
    addr: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<Captured>>>,
    task: tokio::task::JoinHandle<()>,
}

impl CaptureServer {
    /// Starts on an ephemeral port of 127.0.0.1; `handler` decides each reply.
    pub async fn start(handler: impl Fn(&Captured) -> Reply + Send + Sync + 'static) -> CaptureServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            // Dropping the set (when the accept task is aborted) aborts every connection.
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else { break };
                let (handler, recorded) = (handler.clone(), recorded.clone());
                connections.spawn(async move {
                    let _ = serve(stream, &*handler, &recorded).await;
                });
            }
        });
        CaptureServer { addr, requests, task }
    }

    /// A server that answers every request the same way.
    pub async fn always(reply: Reply) -> CaptureServer {
        CaptureServer::start(move |_| reply.clone()).await
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Captured> {
        self.requests.lock().unwrap().clone()
    }

    /// The only request received.
    pub fn single(&self) -> Captured {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one request: {requests:#?}");
        requests.into_iter().next().unwrap()
    }
}

impl Drop for CaptureServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, handler: &Handler, recorded: &Mutex<Vec<Captured>>) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 || buffer.len() > 1 << 20 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let captured = Captured { method, target, headers, body };
    recorded.lock().unwrap().push(captured.clone());
    match handler(&captured) {
        Reply::Respond { status, headers, body } => {
            let mut response = format!("HTTP/1.1 {status} {}\r\n", reason(status));
            for (name, value) in headers {
                response.push_str(&format!("{name}: {value}\r\n"));
            }
            response.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()));
            stream.write_all(response.as_bytes()).await?;
            stream.write_all(&body).await?;
        }
        Reply::Truncated { status, content_type, declared, body } => {
            let response = format!(
                "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n",
                reason(status)
            );
            stream.write_all(response.as_bytes()).await?;
            stream.write_all(&body).await?;
        }
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    }
    stream.flush().await?;
    stream.shutdown().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        409 => "Conflict",
        418 => "I'm a teapot",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

/// A `PinStatus` as JSON.
pub fn pin_status(requestid: &str, status: &str, created: &str, cid: &str) -> serde_json::Value {
    serde_json::json!({
        "requestid": requestid,
        "status": status,
        "created": created,
        "pin": { "cid": cid },
        "delegates": ["/ip4/203.0.113.1/tcp/4001/p2p/QmServicePeerId"],
    })
}
