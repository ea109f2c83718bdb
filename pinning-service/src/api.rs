//! The generated server trait ([`ipfs_pinning_server::Api`]), implemented on
//! the store, the pinner and the worker: a thin adapter. The generated router
//! has already authenticated the caller, decoded every parameter and body and
//! checked every constraint of the spec; what is left here is what only the
//! service knows (CID syntax, tenancy, the default status filter, storage).

use std::collections::HashSet;
use std::sync::Arc;

use ipfs_pinning_models::{Failure, FailureError, Pin, PinResults, PinStatus, Status};
use ipfs_pinning_server::{
    AddPinResponse, Api, BearerToken, DeletePinByRequestIdResponse, GetPinByRequestIdResponse, GetPinsQuery,
    GetPinsResponse, Rejection, ReplacePinByRequestIdResponse, ServerErrorStatus,
};

use crate::cids;
use crate::cids::shorten;
use crate::pinner::{Pinner, is_p2p_multiaddr};
use crate::store::{ListQuery, NewPin, PinRecord, Store, StoreError, TenantId};
use crate::worker::{Waker, details};

/// `reason` of a `Pin.cid` (body) that is not a CID; the router's word for a bad body.
pub const INVALID_BODY: &str = "INVALID_BODY";
/// `reason` of a `cid` filter (query) that is not a CID; the router's word for a bad parameter.
pub const INVALID_PARAMETER: &str = "INVALID_PARAMETER";
/// `reason` of an unknown `requestid`.
pub const NOT_FOUND: &str = "NOT_FOUND";
/// `reason` of a storage failure (status 500).
pub const STORAGE_ERROR: &str = "STORAGE_ERROR";
/// `reason` of a storage that is too busy to answer in time (status 503).
pub const STORAGE_UNAVAILABLE: &str = "STORAGE_UNAVAILABLE";

const STATUS_500: ServerErrorStatus = match ServerErrorStatus::new(500) {
    Ok(status) => status,
    Err(_) => panic!("500 is a 5XX status"),
};
const STATUS_503: ServerErrorStatus = match ServerErrorStatus::new(503) {
    Ok(status) => status,
    Err(_) => panic!("503 is a 5XX status"),
};

/// The access tokens the service accepts; each is one tenant.
#[derive(Debug, Clone, Default)]
pub struct Tenants(HashSet<TenantId>);

impl Tenants {
    /// The tenants of these tokens.
    pub fn new<'a>(tokens: impl IntoIterator<Item = &'a str>) -> Self {
        Self::from_ids(tokens.into_iter().map(TenantId::from_token))
    }

    /// These tenants (when only their digests are known).
    pub fn from_ids(ids: impl IntoIterator<Item = TenantId>) -> Self {
        Tenants(ids.into_iter().collect())
    }

    /// The tenant of `token`, if it is one of the service's tokens. Tokens
    /// are compared by their SHA-256 digests, so the comparison's timing
    /// says nothing useful about a token.
    pub fn authenticate(&self, token: &str) -> Option<TenantId> {
        let tenant = TenantId::from_token(token);
        self.0.contains(&tenant).then_some(tenant)
    }

    /// How many tenants there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `reason` of a pin refused by the tenant's quota (status 409).
pub const QUOTA_EXCEEDED: &str = "QUOTA_EXCEEDED";

/// Limits the API enforces on top of the spec's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiLimits {
    /// Largest `meta` of one pin, in bytes of its JSON.
    pub max_meta_bytes: usize,
    /// Byte budget of one page of `GET /pins` ([`ListQuery::max_bytes`]).
    pub max_page_bytes: u64,
}

impl Default for ApiLimits {
    fn default() -> Self {
        ApiLimits { max_meta_bytes: 64 * 1024, max_page_bytes: 4 * 1024 * 1024 }
    }
}

/// The service behind the generated router.
#[derive(Clone)]
pub struct PinningApi {
    store: Arc<dyn Store>,
    pinner: Arc<dyn Pinner>,
    waker: Waker,
    tenants: Arc<Tenants>,
    limits: ApiLimits,
}

/// How an operation went wrong, before it becomes the operation's response variant.
#[derive(Debug)]
enum Problem {
    BadRequest(Failure),
    NotFound(Failure),
    Conflict(Failure),
    Server(ServerErrorStatus, Failure),
}

fn failure(reason: &str, details: impl Into<String>) -> Failure {
    Failure { error: FailureError { reason: reason.to_owned(), details: Some(details.into()) } }
}

/// A storage failure: the error goes to the log (with the request's id),
/// never to the client, whose `Failure` only says what kind it was.
impl From<StoreError> for Problem {
    fn from(error: StoreError) -> Self {
        if let StoreError::QuotaExceeded(details) = &error {
            return Problem::Conflict(failure(QUOTA_EXCEEDED, details.clone()));
        }
        if error.is_busy() {
            tracing::warn!(%error, "storage busy");
            Problem::Server(
                STATUS_503,
                failure(STORAGE_UNAVAILABLE, "the storage is busy; retry after the time in `Retry-After`"),
            )
        } else {
            tracing::error!(%error, "storage failed");
            Problem::Server(
                STATUS_500,
                failure(STORAGE_ERROR, "the service could not read or write its storage (the details are in its log)"),
            )
        }
    }
}

fn not_found(requestid: &str) -> Problem {
    Problem::NotFound(failure(NOT_FOUND, format!("no pin request `{requestid}` for this access token")))
}

/// Turns a [`Problem`] into an operation's response enum (they all have the same error variants).
macro_rules! respond {
    ($response:ident, $result:expr, $ok:ident) => {
        match $result {
            Ok(value) => $response::$ok(value),
            Err(Problem::BadRequest(failure)) => $response::BadRequest(failure),
            Err(Problem::NotFound(failure)) => $response::NotFound(failure),
            Err(Problem::Conflict(failure)) => $response::Conflict(failure),
            Err(Problem::Server(status, failure)) => $response::ServerError(status, failure),
        }
    };
}

impl PinningApi {
    /// The API over these parts.
    pub fn new(store: Arc<dyn Store>, pinner: Arc<dyn Pinner>, waker: Waker, tenants: Tenants) -> Self {
        PinningApi { store, pinner, waker, tenants: Arc::new(tenants), limits: ApiLimits::default() }
    }

    /// This API with other limits.
    pub fn with_limits(mut self, limits: ApiLimits) -> Self {
        self.limits = limits;
        self
    }

    fn pin_status(&self, record: PinRecord) -> PinStatus {
        PinStatus {
            requestid: record.requestid,
            status: record.status,
            created: record.created,
            pin: Pin { cid: record.cid, name: record.name, origins: record.origins, meta: record.meta },
            delegates: self.pinner.delegates().to_vec(),
            info: Some(record.info),
        }
    }

    fn new_pin(&self, pin: Pin) -> Result<NewPin, Problem> {
        cids::parse(&pin.cid).map_err(|error| Problem::BadRequest(failure(INVALID_BODY, format!("cid: {error}"))))?;
        if let Some(meta) = &pin.meta {
            let bytes = serde_json::to_string(meta).map_or(usize::MAX, |json| json.len());
            if bytes > self.limits.max_meta_bytes {
                return Err(Problem::BadRequest(failure(
                    INVALID_BODY,
                    format!(
                        "meta: {bytes} bytes of JSON, more than this service's limit of {}",
                        self.limits.max_meta_bytes
                    ),
                )));
            }
        }
        for (index, origin) in pin.origins.iter().flatten().enumerate() {
            if !is_p2p_multiaddr(origin) {
                return Err(Problem::BadRequest(failure(
                    INVALID_BODY,
                    format!("origins[{index}]: `{}` is not a multiaddr ending in /p2p/<peer id>", shorten(origin)),
                )));
            }
        }
        Ok(NewPin {
            cid: pin.cid,
            name: pin.name,
            origins: pin.origins,
            meta: pin.meta,
            info: details(self.pinner.queued_details()),
        })
    }

    async fn list(&self, tenant: TenantId, query: GetPinsQuery) -> Result<PinResults, Problem> {
        let cids = query.cid.unwrap_or_default();
        for (index, cid) in cids.iter().enumerate() {
            cids::parse(cid)
                .map_err(|error| Problem::BadRequest(failure(INVALID_PARAMETER, format!("cid[{index}]: {error}"))))?;
        }
        let list = ListQuery {
            cids,
            name: query.name.map(|name| (name, query.r#match)),
            // The spec: when `status` is missing, only `pinned` pins.
            statuses: query.status.unwrap_or_else(|| vec![Status::Pinned]),
            before: query.before,
            after: query.after,
            limit: u32::try_from(query.limit).unwrap_or(1),
            meta: query.meta.unwrap_or_default(),
            max_bytes: self.limits.max_page_bytes,
        };
        let page = self.store.list(&tenant, &list).await?;
        Ok(PinResults {
            count: i32::try_from(page.count).unwrap_or(i32::MAX),
            results: page.results.into_iter().map(|record| self.pin_status(record)).collect(),
        })
    }

    async fn add(&self, tenant: TenantId, pin: Pin) -> Result<PinStatus, Problem> {
        let pin = self.new_pin(pin)?;
        let record = self.store.create(&tenant, pin).await?;
        self.waker.pin_queued();
        tracing::info!(requestid = %record.requestid, cid = %record.cid, "pin queued");
        Ok(self.pin_status(record))
    }

    async fn get(&self, tenant: TenantId, requestid: String) -> Result<PinStatus, Problem> {
        match self.store.get(&tenant, &requestid).await? {
            Some(record) => Ok(self.pin_status(record)),
            None => Err(not_found(&requestid)),
        }
    }

    async fn replace(&self, tenant: TenantId, requestid: String, pin: Pin) -> Result<PinStatus, Problem> {
        let pin = self.new_pin(pin)?;
        let Some(record) = self.store.replace(&tenant, &requestid, pin).await? else {
            return Err(not_found(&requestid));
        };
        self.waker.cancel(&requestid);
        self.waker.pin_queued();
        self.waker.unpin_queued();
        tracing::info!(old = %requestid, requestid = %record.requestid, cid = %record.cid, "pin replaced");
        Ok(self.pin_status(record))
    }

    async fn delete(&self, tenant: TenantId, requestid: String) -> Result<(), Problem> {
        if !self.store.delete(&tenant, &requestid).await? {
            return Err(not_found(&requestid));
        }
        self.waker.cancel(&requestid);
        self.waker.unpin_queued();
        tracing::info!(%requestid, "pin removed");
        Ok(())
    }
}

impl Api for PinningApi {
    type Caller = TenantId;

    async fn authenticate_access_token(&self, token: BearerToken) -> Result<TenantId, Rejection> {
        self.tenants
            .authenticate(token.as_str())
            .ok_or_else(|| Rejection::unauthorized("the access token is not valid for this service"))
    }

    async fn get_pins(&self, caller: TenantId, query: GetPinsQuery) -> GetPinsResponse {
        respond!(GetPinsResponse, self.list(caller, query).await, Ok)
    }

    async fn add_pin(&self, caller: TenantId, body: Pin) -> AddPinResponse {
        respond!(AddPinResponse, self.add(caller, body).await, Accepted)
    }

    async fn get_pin_by_request_id(&self, caller: TenantId, requestid: String) -> GetPinByRequestIdResponse {
        respond!(GetPinByRequestIdResponse, self.get(caller, requestid).await, Ok)
    }

    async fn replace_pin_by_request_id(
        &self,
        caller: TenantId,
        requestid: String,
        body: Pin,
    ) -> ReplacePinByRequestIdResponse {
        respond!(ReplacePinByRequestIdResponse, self.replace(caller, requestid, body).await, Accepted)
    }

    async fn delete_pin_by_request_id(&self, caller: TenantId, requestid: String) -> DeletePinByRequestIdResponse {
        match self.delete(caller, requestid).await {
            Ok(()) => DeletePinByRequestIdResponse::Accepted,
            Err(Problem::BadRequest(failure)) => DeletePinByRequestIdResponse::BadRequest(failure),
            Err(Problem::NotFound(failure)) => DeletePinByRequestIdResponse::NotFound(failure),
            Err(Problem::Conflict(failure)) => DeletePinByRequestIdResponse::Conflict(failure),
            Err(Problem::Server(status, failure)) => DeletePinByRequestIdResponse::ServerError(status, failure),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_authenticate_their_own_tenant_only() {
        let tenants = Tenants::new(["alpha", "beta"]);
        assert_eq!(tenants.len(), 2);
        assert_eq!(tenants.authenticate("alpha"), Some(TenantId::from_token("alpha")));
        assert_eq!(tenants.authenticate("beta"), Some(TenantId::from_token("beta")));
        assert_eq!(tenants.authenticate("gamma"), None);
        assert_eq!(tenants.authenticate("alph"), None);
        assert_eq!(tenants.authenticate(""), None);
    }

    #[test]
    fn storage_errors_become_5xx_failures_with_a_reason() {
        let Problem::Server(status, body) = Problem::from(StoreError::Corrupt("bad".into())) else {
            panic!("not a server error");
        };
        assert_eq!(status.code(), 500);
        assert_eq!(body.error.reason, STORAGE_ERROR);
        // Issue 10 (2.8): the internal error stays in the log, out of the `Failure`
        // (this assertion used to require the opposite).
        assert!(!body.error.details.unwrap().contains("bad"));
        let Problem::Server(status, body) = Problem::from(StoreError::Database(sqlx::Error::PoolTimedOut)) else {
            panic!("not a server error");
        };
        assert_eq!(status.code(), 503);
        assert_eq!(body.error.reason, STORAGE_UNAVAILABLE);
    }
}
