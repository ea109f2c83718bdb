//! `Client::wait_for`: polls a pin until it reaches one of the wanted
//! statuses (hand-written beside the generated client).

use std::time::Duration;

use tokio::time::Instant;

use crate::models::{PinStatus, Status};
use crate::{Client, Error};

/// The first pause between two polls; each pause doubles, up to [`MAX_POLL_INTERVAL`].
pub const FIRST_POLL_INTERVAL: Duration = Duration::from_millis(250);

/// The longest pause between two polls.
pub const MAX_POLL_INTERVAL: Duration = Duration::from_secs(10);

/// Why `wait_for` returned without the pin reaching a wanted status.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError {
    /// A poll failed (the pin is gone: [`Error::Api`] with 404, a transport
    /// error, ...).
    Request(Error),
    /// The timeout passed first.
    Timeout {
        /// The pin as the last poll saw it.
        last: Box<PinStatus>,
        /// How long `wait_for` waited.
        waited: Duration,
    },
}

impl std::fmt::Display for WaitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WaitError::Request(e) => write!(f, "polling the pin failed: {e}"),
            WaitError::Timeout { last, waited } => {
                write!(f, "pin {} is still {} after {waited:?}", last.requestid, last.status)
            }
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Request(e) => Some(e),
            WaitError::Timeout { .. } => None,
        }
    }
}

impl From<Error> for WaitError {
    fn from(e: Error) -> Self {
        WaitError::Request(e)
    }
}

impl Client {
    /// Polls `GET /pins/{requestid}` until the pin's status is one of `until`
    /// and returns it, or [`WaitError::Timeout`] with the last status seen
    /// once `timeout` has passed. The first poll is immediate; the pauses
    /// between polls start at [`FIRST_POLL_INTERVAL`] and double up to
    /// [`MAX_POLL_INTERVAL`], never sleeping past the deadline (a last poll is
    /// made at the deadline). An empty `until` waits for the whole timeout.
    pub async fn wait_for(&self, requestid: &str, until: &[Status], timeout: Duration) -> Result<PinStatus, WaitError> {
        self.wait_for_with(requestid, until, Some(timeout), |_| {}).await
    }

    /// [`Client::wait_for`], calling `observe` with the pin as each poll
    /// sees it (for progress output), and without a deadline when `timeout`
    /// is `None`.
    pub async fn wait_for_with(
        &self,
        requestid: &str,
        until: &[Status],
        timeout: Option<Duration>,
        mut observe: impl FnMut(&PinStatus),
    ) -> Result<PinStatus, WaitError> {
        let start = Instant::now();
        // A deadline too far away to represent is no deadline.
        let deadline = timeout.and_then(|timeout| start.checked_add(timeout));
        let mut pause = FIRST_POLL_INTERVAL;
        loop {
            let pin = self.get_pin_by_request_id(requestid).await?;
            observe(&pin);
            if until.contains(&pin.status) {
                return Ok(pin);
            }
            let now = Instant::now();
            let sleep = match deadline {
                Some(deadline) if now >= deadline => {
                    return Err(WaitError::Timeout { last: Box::new(pin), waited: now - start });
                }
                Some(deadline) => pause.min(deadline - now),
                None => pause,
            };
            tokio::time::sleep(sleep).await;
            pause = (pause * 2).min(MAX_POLL_INTERVAL);
        }
    }
}
