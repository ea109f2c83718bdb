//! The lifecycle's steps, shared by the example's `main` and the interop
//! tests (which include this file with `#[path]`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ipfs_pinning_client::models::{Pin, PinStatus, Status};
use ipfs_pinning_client::{Client, Error, GetPinsQuery};

/// What the run does.
#[derive(Debug, Clone)]
pub struct Options {
    /// Filter the listing by `meta` too (leave out for servers that cannot take one).
    pub meta: bool,
    /// How often a check that may lag behind a write (a new pin listed, a
    /// deleted pin gone) is tried before it counts as failed.
    pub attempts: u32,
    /// The pause between those tries.
    pub pause: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options { meta: true, attempts: 5, pause: Duration::from_secs(2) }
    }
}

/// A peer ID for `origins` (multiaddrs must end in `/p2p/<peer>`).
const ORIGIN: &str = "/ip4/203.0.113.7/tcp/4001/p2p/12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf";

/// Runs add → get → list → replace → (old 404, new 200) → delete → get 404,
/// writing one line per step to `log`. `Err` says what was unexpected; the
/// pins it made are deleted on the way out when possible.
pub async fn run(client: &Client, options: &Options, log: &mut String) -> Result<(), String> {
    let tag = unique_tag();
    let mut current: Option<String> = None;
    let result = steps(client, options, &tag, &mut current, log).await;
    if result.is_err() {
        if let Some(requestid) = current {
            let outcome = client.delete_pin_by_request_id(&requestid).await;
            let _ = writeln!(log, "cleanup: delete {requestid}: {}", describe(&outcome.map(|()| "deleted")));
        }
    }
    result
}

async fn steps(
    client: &Client,
    options: &Options,
    tag: &str,
    current: &mut Option<String>,
    log: &mut String,
) -> Result<(), String> {
    let meta = BTreeMap::from([
        ("app".to_owned(), "ipfs-pinning-client-lifecycle".to_owned()),
        ("run".to_owned(), tag.to_owned()),
    ]);
    let first_cid = identity_cid(format!("ipfs-pinning-client lifecycle {tag} first").as_bytes());
    let pin = Pin {
        cid: first_cid.clone(),
        name: Some(format!("lifecycle-{tag}")),
        origins: Some(vec![ORIGIN.to_owned()]),
        meta: Some(meta.clone()),
    };

    let added = client.add_pin(&pin).await.map_err(|e| format!("add: {e}"))?;
    *current = Some(added.requestid.clone());
    step(log, "add", &added);
    expect(added.pin.cid == first_cid, || format!("add: the answer is for cid {}, not {first_cid}", added.pin.cid))?;

    let got = client.get_pin_by_request_id(&added.requestid).await.map_err(|e| format!("get: {e}"))?;
    step(log, "get", &got);
    expect(got.requestid == added.requestid && got.pin.cid == first_cid, || format!("get: answered {got:?}"))?;

    let mut query = GetPinsQuery::default().cid([first_cid.clone()]).status(Status::ALL);
    if options.meta {
        query = query.meta(BTreeMap::from([("run".to_owned(), tag.to_owned())]));
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        let page = client.get_pins(&query).await.map_err(|e| format!("list: {e}"))?;
        let found = page.results.iter().any(|p| p.requestid == added.requestid);
        let _ = writeln!(
            log,
            "list: cid + all statuses{}: count {}, {} results, {} undecodable, new pin {}",
            if options.meta { " + meta" } else { "" },
            page.count,
            page.results.len(),
            page.skipped.len(),
            if found { "listed" } else { "not listed" },
        );
        if found {
            break;
        }
        if attempt >= options.attempts {
            return Err(format!("list: the new pin {} is not among the results", added.requestid));
        }
        tokio::time::sleep(options.pause).await;
    }

    let second_cid = identity_cid(format!("ipfs-pinning-client lifecycle {tag} second").as_bytes());
    let replacement = Pin {
        cid: second_cid.clone(),
        name: Some(format!("lifecycle-{tag}-replaced")),
        origins: Some(vec![ORIGIN.to_owned()]),
        meta: Some(meta),
    };
    let replaced =
        client.replace_pin_by_request_id(&added.requestid, &replacement).await.map_err(|e| format!("replace: {e}"))?;
    *current = Some(replaced.requestid.clone());
    step(log, "replace", &replaced);
    expect(replaced.requestid != added.requestid, || "replace: the new requestid is the old one".to_owned())?;
    expect(replaced.pin.cid == second_cid, || format!("replace: the answer is for cid {}", replaced.pin.cid))?;

    gone(client, options, &added.requestid, "get old", log).await?;
    let got = client.get_pin_by_request_id(&replaced.requestid).await.map_err(|e| format!("get new: {e}"))?;
    step(log, "get new", &got);

    client.delete_pin_by_request_id(&replaced.requestid).await.map_err(|e| format!("delete: {e}"))?;
    let _ = writeln!(log, "delete: {} deleted", replaced.requestid);
    *current = None;

    gone(client, options, &replaced.requestid, "get deleted", log).await
}

/// Waits until `GET /pins/{requestid}` answers 404.
async fn gone(client: &Client, options: &Options, requestid: &str, what: &str, log: &mut String) -> Result<(), String> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match client.get_pin_by_request_id(requestid).await {
            Err(Error::Api { status, body }) if status.as_u16() == 404 => {
                let _ = writeln!(log, "{what}: {requestid} answers 404 ({})", body.error.reason);
                return Ok(());
            }
            Err(e) => return Err(format!("{what}: expected 404, got: {e}")),
            Ok(pin) => {
                let _ = writeln!(log, "{what}: {requestid} still answers 200 ({})", pin.status);
                if attempt >= options.attempts {
                    return Err(format!("{what}: {requestid} still answers 200, expected 404"));
                }
                tokio::time::sleep(options.pause).await;
            }
        }
    }
}

fn step(log: &mut String, what: &str, pin: &PinStatus) {
    let _ = writeln!(log, "{what}: requestid {} status {} cid {}", pin.requestid, pin.status, pin.pin.cid);
}

fn expect(ok: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(message()) }
}

fn describe<T: std::fmt::Display>(outcome: &Result<T, Error>) -> String {
    match outcome {
        Ok(value) => value.to_string(),
        Err(e) => e.to_string(),
    }
}

/// Distinct for every run (time, process and a counter).
fn unique_tag() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A CIDv1 (raw codec) with an identity multihash: a valid CID that carries
/// its data inline, so a real service can pin it without finding providers.
/// `data` must be shorter than 128 bytes (a one-byte length varint).
pub fn identity_cid(data: &[u8]) -> String {
    assert!(data.len() < 128, "identity CIDs here carry less than 128 bytes");
    let mut bytes = vec![0x01, 0x55, 0x00, data.len() as u8];
    bytes.extend_from_slice(data);
    format!("b{}", base32_lower(&bytes))
}

/// RFC 4648 base32, lowercase, no padding (multibase `b`).
fn base32_lower(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}
