//! A complete pinning service in memory; auth, decoding, validation and error bodies are the router's.
//! `cargo run -p ipfs-pinning-server --example in_memory -- 127.0.0.1:8080`, then
//! `curl -H 'Authorization: Bearer secret' 127.0.0.1:8080/pins`.

use ipfs_pinning_server::models::{Failure, FailureError, Pin, PinResults, PinStatus, Status, TextMatchingStrategy};
use ipfs_pinning_server::*;
use std::sync::{Mutex, MutexGuard};

const DELEGATE: &str = "/dns4/pins.example.org/tcp/4001/p2p/QmPlaceholderPeer"; // the spec wants >= 1 delegate
#[derive(Default)]
pub struct InMemory(Mutex<Vec<(String, PinStatus)>>);

fn not_found(requestid: &str) -> Failure {
    Failure { error: FailureError { reason: "NOT_FOUND".into(), details: Some(format!("no pin `{requestid}`")) } }
}

fn name_matches(strategy: TextMatchingStrategy, name: Option<&String>, wanted: &str) -> bool {
    use TextMatchingStrategy::*;
    let fold = |t: &str| if matches!(strategy, Iexact | Ipartial) { t.to_lowercase() } else { t.to_owned() };
    let (name, wanted) = (fold(name.map_or("", |n| n)), fold(wanted));
    if matches!(strategy, Exact | Iexact) { name == wanted } else { name.contains(&wanted) }
}

impl InMemory {
    fn pins(&self) -> MutexGuard<'_, Vec<(String, PinStatus)>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn add(&self, owner: String, pin: Pin) -> PinStatus {
        let mut pins = self.pins();
        let created = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
        let requestid = format!("{}-{}", created.timestamp_micros(), pins.len());
        let status =
            PinStatus { requestid, status: Status::Queued, created, pin, delegates: vec![DELEGATE.into()], info: None };
        pins.push((owner, status.clone()));
        status
    }

    fn remove(&self, caller: &str, requestid: &str) -> bool {
        let mut pins = self.pins();
        let at = pins.iter().position(|(owner, p)| owner == caller && p.requestid == requestid);
        at.map(|i| pins.remove(i)).is_some()
    }
}

impl Api for InMemory {
    type Caller = String;

    async fn authenticate_access_token(&self, token: BearerToken) -> Result<String, Rejection> {
        if token.as_str() == "secret" { Ok("alice".into()) } else { Err(Rejection::unauthorized("unknown token")) }
    }

    async fn get_pins(&self, caller: String, q: GetPinsQuery) -> GetPinsResponse {
        let statuses = q.status.unwrap_or_else(|| vec![Status::Pinned]);
        let found: Vec<PinStatus> = (self.pins().iter().rev())
            .filter(|(owner, p)| *owner == caller && statuses.contains(&p.status))
            .map(|(_, p)| p.clone())
            .filter(|p| q.cid.as_ref().is_none_or(|cids| cids.contains(&p.pin.cid)))
            .filter(|p| q.name.as_ref().is_none_or(|n| name_matches(q.r#match, p.pin.name.as_ref(), n)))
            .filter(|p| q.before.is_none_or(|t| p.created < t) && q.after.is_none_or(|t| p.created > t))
            .filter(|p| q.meta.iter().flatten().all(|(k, v)| p.pin.meta.as_ref().and_then(|m| m.get(k)) == Some(v)))
            .collect();
        let (count, results) = (found.len() as i32, found.into_iter().take(q.limit as usize).collect());
        GetPinsResponse::Ok(PinResults { count, results })
    }

    async fn add_pin(&self, caller: String, pin: Pin) -> AddPinResponse {
        AddPinResponse::Accepted(self.add(caller, pin))
    }

    async fn get_pin_by_request_id(&self, caller: String, id: String) -> GetPinByRequestIdResponse {
        match self.pins().iter().find(|(owner, p)| *owner == caller && p.requestid == id) {
            Some((_, pin)) => GetPinByRequestIdResponse::Ok(pin.clone()),
            None => GetPinByRequestIdResponse::NotFound(not_found(&id)),
        }
    }

    async fn replace_pin_by_request_id(&self, caller: String, id: String, pin: Pin) -> ReplacePinByRequestIdResponse {
        match self.remove(&caller, &id) {
            true => ReplacePinByRequestIdResponse::Accepted(self.add(caller, pin)),
            false => ReplacePinByRequestIdResponse::NotFound(not_found(&id)),
        }
    }

    async fn delete_pin_by_request_id(&self, caller: String, id: String) -> DeletePinByRequestIdResponse {
        match self.remove(&caller, &id) {
            true => DeletePinByRequestIdResponse::Accepted,
            false => DeletePinByRequestIdResponse::NotFound(not_found(&id)),
        }
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("pinning service on http://{address} (token: secret)");
    axum::serve(listener, router(InMemory::default())).await
}
