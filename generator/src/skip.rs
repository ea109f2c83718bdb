//! Leaving out what cannot be expressed, for `cargo xtask generate
//! --skip-unsupported`: each operation that lowering or the plan refuses
//! with [`Error::Unsupported`] is taken out of the API, with the reason, and
//! everything else is generated.
//!
//! Lowering collects the operations it cannot lower
//! (`lower::lower_skipping`); [`retain_expressible`] then plans the rest:
//! the API as a whole, and when that fails, each operation on its own
//! ([`crate::plan::refusals`]), then the API as a whole again
//! ([`ApiPlan::new`]), whose refusals are pinned on the operations the
//! pointer lies in. No emitter runs: what the plan accepts, the emitters
//! write. Any other error still fails the whole spec. Without skipping, the
//! same refusals are errors, as before.

use crate::error::{Error, Result, Warning};
use crate::ir::{Api, Operation};
pub use crate::lower::Skipped;
use crate::plan::{ApiPlan, ClientPlan, ServerPlan};
use crate::pointer::Pointer;

/// What `--skip-unsupported` generates: the API without the operations the
/// generator cannot express, and its plan (which the emitters can read
/// instead of planning again: `emit::krate::own_files`).
#[derive(Debug)]
pub struct Expressible {
    pub api: Api,
    pub plan: ApiPlan,
    /// The operations left out, in spec order.
    pub skipped: Vec<Skipped>,
}

/// Parses and lowers a spec, leaving out every operation that lowering or
/// the plan of the client or the server cannot express.
pub fn load_skipping_unsupported(text: &str) -> Result<(Api, Vec<Skipped>)> {
    plan_skipping_unsupported(text).map(|expressible| (expressible.api, expressible.skipped))
}

/// [`load_skipping_unsupported`], with the plan of what is left.
pub fn plan_skipping_unsupported(text: &str) -> Result<Expressible> {
    let document = crate::parse::parse(text)?;
    let lowered = crate::lower::lower_skipping(&document);
    // Lowering has read all it needs: freeing a large parsed document (a
    // JSON tree and a typed model of the whole spec) is left to another
    // thread, off the path to the first emitted item (when no thread can be
    // started, the closure and the document with it are dropped here). A
    // small one is freed here, sooner than a thread starts.
    if text.len() >= FREED_BESIDE {
        let _ = std::thread::Builder::new().spawn(move || drop(document));
    } else {
        drop(document);
    }
    let (mut api, mut skipped) = lowered?;
    let plan = match planned_whole(&api) {
        Some((plan, warnings)) => {
            api.warnings.extend(warnings);
            plan
        }
        None => {
            let (refused, plan) = refuse_until_planned(&mut api)?;
            skipped.extend(refused);
            crate::plan::add_warnings(&mut api);
            plan
        }
    };
    Ok(Expressible { api, plan, skipped })
}

/// The plan and its warnings ([`crate::plan::warnings`]) if the plan
/// accepts `api` as a whole, which is then left as it is. A large API's
/// client is planned on another thread while this one plans the server; the
/// warnings are read from the server's plan
/// ([`crate::plan::planned_warnings`]).
fn planned_whole(api: &Api) -> Option<(ApiPlan, Vec<Warning>)> {
    let plan = if api.operations.len() < PLANNED_ON_TWO_THREADS {
        ApiPlan::new(api).ok()?
    } else {
        let client = || ClientPlan::new(api).ok();
        std::thread::scope(|scope| {
            let beside = std::thread::Builder::new().spawn_scoped(scope, client).ok();
            let server = ServerPlan::new(api).ok();
            let client = match beside {
                Some(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => client(),
            };
            Some(ApiPlan { client: client?, server: server? })
        })?
    };
    let warnings = crate::plan::planned_warnings(api, &plan.server);
    Some((plan, warnings))
}

/// From a document of this many bytes on, its parsed form is freed on
/// another thread (GitHub's: 13 MB; the pinning spec's: 28 kB).
const FREED_BESIDE: usize = 1 << 20;

/// From this many operations on, [`planned_whole`] uses two threads (the
/// pinning spec has 5 operations, GitHub's description 1,223).
const PLANNED_ON_TWO_THREADS: usize = 64;

/// Takes the operations the plan refuses out of `api` and returns them, in
/// spec order.
pub fn retain_expressible(api: &mut Api) -> Result<Vec<Skipped>> {
    // An API the plan accepts as a whole has nothing to leave out: planning
    // each operation on its own first would plan everything twice.
    if ApiPlan::new(api).is_ok() {
        return Ok(Vec::new());
    }
    Ok(refuse_until_planned(api)?.0)
}

/// [`retain_expressible`] for an API the plan does not accept as a whole,
/// with the plan of what is left.
fn refuse_until_planned(api: &mut Api) -> Result<(Vec<Skipped>, ApiPlan)> {
    let mut skipped: Vec<Skipped> = Vec::new();
    // Each round removes at least one operation, so this ends.
    let plan = loop {
        let mut refused: Vec<(usize, Error)> = crate::plan::refusals(api)?;
        if refused.is_empty() {
            // API-wide decisions (one error body type, routes that axum can
            // tell apart, names), made by planning the whole API.
            match ApiPlan::new(api) {
                Ok(plan) => break plan,
                Err(error @ Error::Unsupported { .. }) => {
                    let culprits = operations_at(api, error.pointer());
                    if culprits.is_empty() {
                        return Err(error);
                    }
                    refused = culprits.into_iter().map(|i| (i, error.clone())).collect();
                }
                Err(error) => return Err(error),
            }
        }
        refused.sort_by_key(|(i, _)| *i);
        refused.dedup_by_key(|(i, _)| *i);
        for (i, error) in refused.into_iter().rev() {
            let op = api.operations.remove(i);
            skipped.push(Skipped { method: op.method, path: op.path, pointer: op.pointer, error });
        }
    };
    skipped.sort_by_key(|s| (s.path.clone(), s.method));
    Ok((skipped, plan))
}

/// The operations `at` lies in: the operation itself, or a response,
/// parameter or request body it uses (shared components included).
fn operations_at(api: &Api, at: &Pointer) -> Vec<usize> {
    let uses = |op: &Operation| {
        at.starts_with(&op.pointer)
            || op.parameters.iter().any(|p| at.starts_with(&p.pointer))
            || op.request_body.iter().any(|b| at.starts_with(&b.pointer))
            || op.responses.iter().any(|r| at.starts_with(&r.pointer))
    };
    api.operations.iter().enumerate().filter(|(_, op)| uses(op)).map(|(i, _)| i).collect()
}
