//! [`Call`]: what a generated client's method returns, a future of the
//! operation's result.
//!
//! A generated method is an ordinary function: it checks its arguments and
//! encodes the [`Request`] at once, and hands it to [`Core::call`] with the
//! function that decodes the [`Response`]. The one async function, sending
//! (`Core::send`), lives here, compiled once with the runtime; a generated
//! crate type-checks no future of its own. This is for the compile cost of
//! generated crates: an `async fn` per operation made rustc build and keep a
//! state machine per operation (on a mid-size API's client crate, 10 of the
//! ~25 MiB the client added to the peak memory of `cargo check`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{Api, Core, Error, Request, Response};

/// The future of one request: sending.
type Sending<A> = Pin<Box<dyn Future<Output = Result<Response<A>, Error<A>>> + Send>>;

/// A call to an operation: a future of its result, returned by every
/// method of a generated client (`client.get_pins(&query).await`).
///
/// The arguments were checked and the request encoded when the method was
/// called; nothing is sent until the `Call` is first polled. A `Call` owns
/// everything it needs (`'static`, `Send`, `Unpin`): it can be spawned,
/// stored or selected on without borrowing the client or the arguments.
#[must_use = "a call sends nothing unless it is awaited"]
pub struct Call<A: Api, T> {
    state: State<A>,
    decode: fn(Response<A>) -> Result<T, Error<A>>,
}

enum State<A: Api> {
    /// The arguments break the spec's constraints, or the request could
    /// not be encoded: the error, given at the first poll.
    Failed(Error<A>),
    Sending(Sending<A>),
    Done,
}

// `Call` never pins its fields: the future it polls is boxed.
impl<A: Api, T> Unpin for Call<A, T> {}

impl<A: Api> Core<A> {
    /// The call that sends `request` (or fails with its error) and reads
    /// the response with `decode`.
    pub fn call<T>(
        &self,
        request: Result<Request, Error<A>>,
        decode: fn(Response<A>) -> Result<T, Error<A>>,
    ) -> Call<A, T>
    where
        A: 'static,
    {
        let state = match request {
            Ok(request) => {
                let core = self.clone();
                State::Sending(Box::pin(async move { core.send(request).await }))
            }
            Err(error) => State::Failed(error),
        };
        Call { state, decode }
    }
}

impl<A: Api, T> Future for Call<A, T> {
    type Output = Result<T, Error<A>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let raw = match &mut this.state {
            State::Sending(sending) => match sending.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(raw) => raw,
            },
            State::Failed(_) => match std::mem::replace(&mut this.state, State::Done) {
                State::Failed(error) => return Poll::Ready(Err(error)),
                _ => unreachable!("the state was `Failed`"),
            },
            State::Done => panic!("a `Call` polled after it completed"),
        };
        this.state = State::Done;
        Poll::Ready(raw.and_then(this.decode))
    }
}

impl<A: Api, T> std::fmt::Debug for Call<A, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            State::Failed(_) => "failed",
            State::Sending(_) => "sending",
            State::Done => "done",
        };
        f.debug_struct("Call").field("state", &state).finish_non_exhaustive()
    }
}
