//! A test implementation of the API that records every call, and helpers
//! to send requests through the router with `tower::ServiceExt::oneshot`.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use ipfs_pinning_server::models::{Failure, FailureError, Pin, PinResults, PinStatus, Status};
use ipfs_pinning_server::*;
use serde_json::Value;
use tower::ServiceExt;

/// The bearer token `Recorder` accepts (caller `alice`).
pub const TOKEN: &str = "good-token";
/// A token whose check fails on the server's side (`500`).
pub const TOKEN_STORE_DOWN: &str = "store-down";

/// What the router called, with the decoded inputs.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    GetPins(String, GetPinsQuery),
    AddPin(String, Pin),
    GetPin(String, String),
    ReplacePin(String, String, Pin),
    DeletePin(String, String),
}

#[derive(Clone, Default)]
pub struct Recorder {
    pub calls: Arc<Mutex<Vec<Call>>>,
}

impl Recorder {
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    fn record(&self, call: Call) {
        self.calls.lock().unwrap().push(call);
    }
}

pub fn failure(reason: &str, details: &str) -> Failure {
    Failure { error: FailureError { reason: reason.to_owned(), details: Some(details.to_owned()) } }
}

pub fn pin_status(requestid: &str, pin: Pin) -> PinStatus {
    PinStatus {
        requestid: requestid.to_owned(),
        status: Status::Queued,
        created: "2020-07-27T17:32:28.276Z".parse().unwrap(),
        pin,
        delegates: vec!["/ip4/203.0.113.1/tcp/4001/p2p/QmServicePeerId".to_owned()],
        info: None,
    }
}

impl Api for Recorder {
    type Caller = String;

    async fn authenticate_access_token(&self, token: BearerToken) -> Result<String, Rejection> {
        match token.as_str() {
            TOKEN => Ok("alice".to_owned()),
            TOKEN_STORE_DOWN => Err(Rejection::internal("the token store is unavailable")),
            _ => Err(Rejection::unauthorized("unknown access token")),
        }
    }

    async fn get_pins(&self, caller: String, query: GetPinsQuery) -> GetPinsResponse {
        self.record(Call::GetPins(caller, query));
        GetPinsResponse::Ok(PinResults { count: 0, results: vec![] })
    }

    async fn add_pin(&self, caller: String, body: Pin) -> AddPinResponse {
        self.record(Call::AddPin(caller, body.clone()));
        AddPinResponse::Accepted(pin_status("new-request", body))
    }

    /// The request id chooses the answer, so every kind of variant is exercised.
    async fn get_pin_by_request_id(&self, caller: String, requestid: String) -> GetPinByRequestIdResponse {
        self.record(Call::GetPin(caller, requestid.clone()));
        match requestid.as_str() {
            "missing" => GetPinByRequestIdResponse::NotFound(failure("NOT_FOUND", "no such pin")),
            "broke" => GetPinByRequestIdResponse::ServerError(
                ServerErrorStatus::new(503).unwrap(),
                failure("UNAVAILABLE", "try later"),
            ),
            "slow-down" => GetPinByRequestIdResponse::ClientError(
                ClientErrorStatus::new(429).unwrap(),
                failure("RATE_LIMITED", "too many requests"),
            ),
            "poor" => GetPinByRequestIdResponse::Conflict(failure("INSUFFICIENT_FUNDS", "top up")),
            _ => GetPinByRequestIdResponse::Ok(pin_status(
                &requestid,
                Pin { cid: "QmCid".to_owned(), name: None, origins: None, meta: None },
            )),
        }
    }

    async fn replace_pin_by_request_id(
        &self,
        caller: String,
        requestid: String,
        body: Pin,
    ) -> ReplacePinByRequestIdResponse {
        self.record(Call::ReplacePin(caller, requestid, body.clone()));
        ReplacePinByRequestIdResponse::Accepted(pin_status("replaced", body))
    }

    async fn delete_pin_by_request_id(&self, caller: String, requestid: String) -> DeletePinByRequestIdResponse {
        self.record(Call::DeletePin(caller, requestid));
        DeletePinByRequestIdResponse::Accepted
    }
}

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get("content-type").and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    /// The `Failure` body's reason and details, after checking it has exactly
    /// the spec's shape and the JSON content type.
    pub fn failure(&self) -> (String, String) {
        assert_eq!(self.content_type(), Some("application/json"), "{self:?}");
        let json = self.json();
        let object = json.as_object().unwrap_or_else(|| panic!("not an object: {json}"));
        assert_eq!(object.keys().collect::<Vec<_>>(), ["error"], "{json}");
        let error = json["error"].as_object().unwrap_or_else(|| panic!("`error` not an object: {json}"));
        assert!(error.keys().all(|k| k == "reason" || k == "details"), "{json}");
        let failure: Failure = serde_json::from_value(json.clone()).unwrap();
        (failure.error.reason, failure.error.details.unwrap_or_default())
    }
}

/// A request builder with the good token already set.
pub fn request(method: &str, uri: &str) -> axum::http::request::Builder {
    Request::builder().method(method).uri(uri).header("authorization", format!("Bearer {TOKEN}"))
}

pub async fn send(app: axum::Router, request: Request<Body>) -> Answer {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
    Answer { status, headers, body }
}

/// A JSON request with the good token.
pub fn json_request(method: &str, uri: &str, body: &str) -> Request<Body> {
    request(method, uri).header("content-type", "application/json").body(Body::from(body.to_owned())).unwrap()
}

pub fn empty_request(method: &str, uri: &str) -> Request<Body> {
    request(method, uri).body(Body::empty()).unwrap()
}
