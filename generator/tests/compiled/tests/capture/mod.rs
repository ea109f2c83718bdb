//! One request as a generated client sends it, for the wire tests: a
//! listener that records the first request and answers every request alike.

use axum::http::StatusCode;

/// What the client sent: `METHOD /path?query`, the `Content-Type`, the body.
pub type Sent = (String, Option<String>, Vec<u8>);

/// Runs `call` with the base URL of a listener answering `status` with the
/// JSON `answer`, and returns the first request it received.
pub async fn capture(status: StatusCode, answer: &'static str, call: impl AsyncFnOnce(String)) -> Sent {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let sender = std::sync::Arc::new(std::sync::Mutex::new(Some(sender)));
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let sender = sender.lock().unwrap().take();
        async move {
            let line = format!("{} {}", request.method(), request.uri());
            let media = request.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
            let bytes = axum::body::to_bytes(request.into_body(), 1 << 20).await.unwrap().to_vec();
            if let Some(sender) = sender {
                let _ = sender.send((line, media, bytes));
            }
            (status, [("content-type", "application/json")], answer)
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    call(format!("http://{address}")).await;
    receiver.await.unwrap()
}
