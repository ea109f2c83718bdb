//! The pin commands: `add`, `ls`, `rm`, `replace`, `wait`.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::StreamExt;
use ipfs_pinning_client::models::{Pin, PinStatus, Status};
use ipfs_pinning_client::{Client, GetPinsQuery, ListAllError, WaitError};

use crate::Context;
use crate::cli::{Filter, LsArgs, NewPinArgs, ReplaceArgs, RmArgs, WaitArgs};
use crate::error::Failure;
use crate::output::{StatusLine, pin_details, pin_table, print, print_json, status_details};

/// The most CIDs one `GET /pins` may ask for (the spec's `maxItems`); longer
/// `--cid` lists are asked for in batches.
const CIDS_PER_REQUEST: usize = 10;

pub async fn add(ctx: &Context, args: NewPinArgs) -> Result<(), Failure> {
    let client = ctx.client(&args.service.service)?;
    let added = client.add_pin(&new_pin(&args)).await.map_err(|e| Failure::client("adding the pin", e))?;
    settle(ctx, &client, &args, added).await
}

pub async fn replace(ctx: &Context, args: ReplaceArgs) -> Result<(), Failure> {
    let client = ctx.client(&args.new.service.service)?;
    let replaced = client
        .replace_pin_by_request_id(&args.requestid, &new_pin(&args.new))
        .await
        .map_err(|e| Failure::client(&format!("replacing pin {}", args.requestid), e))?;
    settle(ctx, &client, &args.new, replaced).await
}

pub async fn wait(ctx: &Context, args: WaitArgs) -> Result<(), Failure> {
    let service = &args.service.service;
    let client = ctx.client(service)?;
    let pin = wait_until_done(&client, service, &args.requestid, args.wait.timeout).await?;
    report(ctx, &pin)
}

pub async fn ls(ctx: &Context, args: LsArgs) -> Result<(), Failure> {
    let client = ctx.client(&args.service.service)?;
    let listing = list(&client, &args.filter).await?;
    if ctx.json {
        print_json(&listing.pins)?;
    } else {
        print(&pin_table(&listing.pins))?;
    }
    listing.complete()
}

pub async fn rm(ctx: &Context, args: RmArgs) -> Result<(), Failure> {
    let client = ctx.client(&args.service.service)?;
    let listing = list(&client, &args.filter).await?;
    if let Err(incomplete) = listing.complete() {
        return Err(Failure::remote(format!("nothing was removed: {incomplete}")));
    }
    let pins = listing.pins;
    if pins.len() > 1 && !args.force {
        return Err(Failure::usage(format!(
            "{} pins match this query; nothing was removed. Add --force to remove them all (list them with `ipfs-pin ls` and the same flags)",
            pins.len()
        )));
    }
    if pins.is_empty() {
        let statuses: Vec<String> = args.filter.statuses.iter().map(|s| Status::from(*s).to_string()).collect();
        eprintln!("ipfs-pin: no {} pins match this query; nothing was removed", statuses.join("/"));
    }
    let mut removed = Vec::new();
    let mut failures = Vec::new();
    for pin in pins {
        match client.delete_pin_by_request_id(&pin.requestid).await {
            Ok(()) => removed.push(pin),
            Err(error) => failures.push(Failure::client(&format!("removing pin {}", pin.requestid), error)),
        }
    }
    if ctx.json {
        print_json(&removed)?;
    } else {
        print(&removed.iter().map(|pin| format!("{}\n", pin.requestid)).collect::<String>())?;
    }
    match failures.len() {
        0 => Ok(()),
        1 => Err(failures.remove(0)),
        _ => Err(Failure::remote(failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))),
    }
}

/// The pin request of the arguments' CID (`/ipfs/CID` is read as `CID`)
/// with its name, origins and meta.
fn new_pin(args: &NewPinArgs) -> Pin {
    let pin = &args.pin;
    Pin {
        cid: bare_cid(&args.cid).to_owned(),
        name: pin.name.clone(),
        origins: (!pin.origins.is_empty()).then(|| unique(pin.origins.iter().cloned())),
        meta: (!pin.meta.is_empty()).then(|| pin.meta.iter().cloned().collect()),
    }
}

/// `CID` from `/ipfs/CID` or `CID`.
fn bare_cid(cid: &str) -> &str {
    cid.strip_prefix("/ipfs/").filter(|rest| !rest.is_empty() && !rest.contains('/')).unwrap_or(cid)
}

/// The items in their first order, each once (the spec's `uniqueItems`).
fn unique<T: Eq + std::hash::Hash + Clone>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut seen = HashSet::new();
    items.into_iter().filter(|item| seen.insert(item.clone())).collect()
}

/// After `add` or `replace`: wait unless `--background` (or the pin is done
/// already), then report the pin.
async fn settle(ctx: &Context, client: &Client, args: &NewPinArgs, pin: PinStatus) -> Result<(), Failure> {
    let pin = if args.background || matches!(pin.status, Status::Pinned | Status::Failed) {
        pin
    } else {
        wait_until_done(client, &args.service.service, &pin.requestid, args.wait.timeout).await?
    };
    report(ctx, &pin)
}

/// Prints the pin; a `failed` pin is an error (exit 1) after that.
fn report(ctx: &Context, pin: &PinStatus) -> Result<(), Failure> {
    if ctx.json {
        print_json(pin)?;
    } else {
        print(&pin_details(pin))?;
    }
    if pin.status == Status::Failed {
        let why = status_details(pin).map(|d| format!(": {d}")).unwrap_or_default();
        return Err(Failure::remote(format!(
            "the service failed to pin {} (request {}){why}",
            pin.pin.cid, pin.requestid
        )));
    }
    Ok(())
}

/// Polls the pin until it is `pinned` or `failed`, with the live status line
/// on a terminal. Ctrl-C stops waiting (the request stays on the service).
async fn wait_until_done(
    client: &Client,
    service: &str,
    requestid: &str,
    timeout: Option<Duration>,
) -> Result<PinStatus, Failure> {
    let line = StatusLine::start(requestid);
    let waiting = client.wait_for_with(requestid, &[Status::Pinned, Status::Failed], timeout, |pin| line.update(pin));
    let result = tokio::select! {
        result = waiting => result,
        Ok(()) = tokio::signal::ctrl_c() => {
            line.finish();
            return Err(Failure::remote(format!(
                "interrupted; pin request {requestid} stays on the service (`ipfs-pin wait {requestid} --service {service}` waits again)"
            )));
        }
    };
    line.finish();
    result.map_err(|error| match error {
        WaitError::Timeout { last, waited } => {
            let details = status_details(&last).map(|d| format!(" ({d})")).unwrap_or_default();
            Failure::remote(format!(
                "pin {requestid} is still {}{details} after {}; it stays on the service",
                last.status,
                humantime::format_duration(Duration::from_secs(waited.as_secs()))
            ))
        }
        WaitError::Request(error) => Failure::client(&format!("checking pin {requestid}"), error),
        other => Failure::remote(other.to_string()),
    })
}

/// Every pin matching a filter, newest first, and what went wrong on the way
/// when the list may be incomplete.
struct Listing {
    pins: Vec<PinStatus>,
    problems: Vec<String>,
}

impl Listing {
    fn complete(&self) -> Result<(), Failure> {
        if self.problems.is_empty() {
            return Ok(());
        }
        Err(Failure::remote(format!("the list is incomplete: {}", self.problems.join("; "))))
    }
}

/// The query of a filter, without its CIDs.
fn query(filter: &Filter) -> GetPinsQuery {
    GetPinsQuery {
        name: filter.name.clone(),
        r#match: filter.matching.map(Into::into),
        // Always sent (the default is `pinned`): some services list every
        // status when it is missing.
        status: Some(unique(filter.statuses.iter().map(|s| Status::from(*s)))),
        meta: (!filter.meta.is_empty()).then(|| filter.meta.iter().cloned().collect()),
        ..GetPinsQuery::default()
    }
}

/// Pages through every match, in batches of [`CIDS_PER_REQUEST`] CIDs.
async fn list(client: &Client, filter: &Filter) -> Result<Listing, Failure> {
    let base = query(filter);
    let cids = unique(filter.cids.iter().map(|cid| bare_cid(cid).to_owned()));
    let batches: Vec<Option<Vec<String>>> = if cids.is_empty() {
        vec![None]
    } else {
        cids.chunks(CIDS_PER_REQUEST).map(|batch| Some(batch.to_vec())).collect()
    };
    let mut seen = HashSet::new();
    let mut listing = Listing { pins: Vec::new(), problems: Vec::new() };
    for cid in batches {
        let query = GetPinsQuery { cid, ..base.clone() };
        let mut items = std::pin::pin!(client.list_all(query));
        while let Some(item) = items.next().await {
            match item {
                Ok(pin) => {
                    if seen.insert(pin.requestid.clone()) {
                        listing.pins.push(pin);
                    }
                }
                Err(ListAllError::Request(error)) => return Err(Failure::client("listing pins", error)),
                Err(other) => listing.problems.push(other.to_string()),
            }
        }
    }
    listing.pins.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.requestid.cmp(&b.requestid)));
    Ok(listing)
}

/// How many pins have `status`: the `count` of a one-pin page when it is
/// evidently a total (more than the page holds), else every match counted
/// (some services send the page size as `count`).
pub async fn count(client: &Client, status: Status) -> Result<u64, Failure> {
    let query = GetPinsQuery::default().status([status]);
    let page = client.get_pins(&query.clone().limit(1)).await.map_err(|e| Failure::client("counting pins", e))?;
    let listed = page.results.len() + page.skipped.len();
    let claimed = u64::try_from(page.count).unwrap_or(0);
    if claimed > listed as u64 || (claimed == 0 && listed == 0) {
        return Ok(claimed);
    }
    let mut counted = 0;
    let mut items = std::pin::pin!(client.list_all(query));
    while let Some(item) = items.next().await {
        match item {
            Ok(_) | Err(ListAllError::Skipped(_)) => counted += 1,
            Err(ListAllError::Request(error)) => return Err(Failure::client("counting pins", error)),
            Err(other) => return Err(Failure::remote(format!("counting pins: {other}"))),
        }
    }
    Ok(counted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{PinArgs, ServiceArg, WaitOptions};

    #[test]
    fn ipfs_paths_are_read_as_cids() {
        assert_eq!(bare_cid("/ipfs/bafyabc"), "bafyabc");
        assert_eq!(bare_cid("bafyabc"), "bafyabc");
        // A path inside a DAG is not a CID: sent as given, for the service to refuse.
        assert_eq!(bare_cid("/ipfs/bafyabc/file"), "/ipfs/bafyabc/file");
        assert_eq!(bare_cid("/ipfs/"), "/ipfs/");
    }

    #[test]
    fn a_pin_request_keeps_each_origin_once_and_leaves_out_empty_lists() {
        let args = |cid: &str, pin: PinArgs| NewPinArgs {
            cid: cid.into(),
            service: ServiceArg { service: "s".into() },
            pin,
            background: false,
            wait: WaitOptions { timeout: None },
        };
        let bare = PinArgs { name: None, origins: Vec::new(), meta: Vec::new() };
        assert_eq!(new_pin(&args("bafy", bare)), Pin { cid: "bafy".into(), name: None, origins: None, meta: None });
        let full = PinArgs {
            name: Some("n".into()),
            origins: vec!["/a".into(), "/b".into(), "/a".into()],
            meta: vec![("k".into(), "v".into())],
        };
        let pin = new_pin(&args("/ipfs/bafy", full));
        assert_eq!(pin.cid, "bafy");
        assert_eq!(pin.origins.unwrap(), ["/a", "/b"]);
        assert_eq!(pin.meta.unwrap().get("k").map(String::as_str), Some("v"));
    }
}
