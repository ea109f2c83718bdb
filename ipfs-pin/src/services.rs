//! The service commands: `service add`, `service ls [--stat]`, `service rm`.

use std::io::{IsTerminal, Read};
use std::path::Path;

use ipfs_pinning_client::models::Status;
use serde::Serialize;

use crate::Context;
use crate::config::Service;
use crate::error::Failure;
use crate::output::{print, print_json, table};
use crate::pins::count;

pub fn add(
    ctx: &mut Context,
    name: &str,
    url: &str,
    token: Option<String>,
    token_file: Option<&Path>,
) -> Result<(), Failure> {
    if name.is_empty() || name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Failure::usage(format!("`{name}` cannot be a service name: use letters, digits and punctuation")));
    }
    if ctx.config.services.contains_key(name) {
        return Err(Failure::usage(format!(
            "a service named `{name}` exists already (remove it first with `ipfs-pin service rm {name}`)"
        )));
    }
    let url = normalize_endpoint(url)?;
    let token = match (token, token_file) {
        (Some(token), _) => token,
        (None, Some(file)) => std::fs::read_to_string(file)
            .map_err(|error| Failure::usage(format!("cannot read the token file {}: {error}", file.display())))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
        (None, None) => read_token(name)?,
    };
    let token = token.trim().to_owned();
    if token.is_empty() {
        return Err(Failure::usage("the token is empty"));
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Failure::usage("the token has spaces or control characters in it; no bearer token does"));
    }
    let service = Service { url, token };
    // The same checks as every later use: a URL and token the client can send.
    Context::client_for(name, &service)?;
    ctx.config.services.insert(name.to_owned(), service);
    ctx.config.save(&ctx.config_path)
}

pub fn rm(ctx: &mut Context, name: &str) -> Result<(), Failure> {
    ctx.config.service(name)?;
    ctx.config.services.remove(name);
    ctx.config.save(&ctx.config_path)
}

pub async fn ls(ctx: &Context, stat: bool) -> Result<(), Failure> {
    let mut rows = Vec::new();
    for (name, service) in &ctx.config.services {
        let stat = if stat { Some(stats(ctx, name).await) } else { None };
        rows.push(ServiceRow { name: name.clone(), url: service.url.clone(), stat });
    }
    if ctx.json {
        print_json(&rows)?;
    } else {
        let mut header = vec!["NAME", "URL"];
        if stat {
            header.extend(["QUEUED", "PINNING", "PINNED", "FAILED"]);
        }
        let cells: Vec<Vec<String>> = rows.iter().map(ServiceRow::cells).collect();
        print(&table(&header, &cells))?;
    }
    let failed: Vec<String> = rows
        .iter()
        .filter_map(|row| match &row.stat {
            Some(Stat::Invalid { error }) => Some(format!("service `{}`: {error}", row.name)),
            _ => None,
        })
        .collect();
    if failed.is_empty() { Ok(()) } else { Err(Failure::remote(failed.join("\n"))) }
}

/// One line of `service ls` (the token is never part of it).
#[derive(Debug, Serialize)]
struct ServiceRow {
    name: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    stat: Option<Stat>,
}

impl ServiceRow {
    fn cells(&self) -> Vec<String> {
        let mut cells = vec![self.name.clone(), self.url.clone()];
        match &self.stat {
            None => {}
            Some(Stat::Valid { pin_count }) => {
                cells.extend(
                    [pin_count.queued, pin_count.pinning, pin_count.pinned, pin_count.failed].map(|n| n.to_string()),
                );
            }
            Some(Stat::Invalid { .. }) => cells.extend(["invalid", "", "", ""].map(str::to_owned)),
        }
        cells
    }
}

/// What `--stat` found out (kubo's `Stat`: `valid` with the counts, or
/// `invalid`, here with the reason).
#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
enum Stat {
    Valid { pin_count: PinCount },
    Invalid { error: String },
}

#[derive(Debug, Default, Serialize)]
struct PinCount {
    queued: u64,
    pinning: u64,
    pinned: u64,
    failed: u64,
}

/// The pin counts of one service, asked for all four statuses at once.
async fn stats(ctx: &Context, name: &str) -> Stat {
    let client = match ctx.client(name) {
        Ok(client) => client,
        Err(error) => return Stat::Invalid { error: error.to_string() },
    };
    let counts = futures_util::future::try_join_all(Status::ALL.map(|status| count(&client, status))).await;
    match counts.as_deref() {
        Ok(&[queued, pinning, pinned, failed]) => {
            Stat::Valid { pin_count: PinCount { queued, pinning, pinned, failed } }
        }
        Ok(_) => unreachable!("four statuses, four counts"),
        Err(error) => Stat::Invalid { error: error.to_string() },
    }
}

/// The endpoint as the client wants it, checked as kubo does: http or https,
/// no query or fragment, no `/pins` suffix (the client adds it), no trailing `/`.
fn normalize_endpoint(text: &str) -> Result<String, Failure> {
    let bad = |why: &str| Failure::usage(format!("`{text}` cannot be a service URL: {why}"));
    let url = url::Url::parse(text.trim()).map_err(|error| bad(&error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("it must be an http:// or https:// URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it must not have a query or fragment"));
    }
    let path = url.path().trim_end_matches('/');
    if path.ends_with("/pins") {
        return Err(bad("give it without the /pins suffix"));
    }
    let mut normalized = url.clone();
    normalized.set_path(path);
    Ok(normalized.as_str().trim_end_matches('/').to_owned())
}

/// The token from standard input: its first line, read without echo on a terminal.
fn read_token(name: &str) -> Result<String, Failure> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Access token for {name}: ");
        return console::Term::stderr()
            .read_secure_line()
            .map_err(|error| Failure::usage(format!("cannot read the token: {error}")));
    }
    let mut text = String::new();
    stdin
        .lock()
        .read_to_string(&mut text)
        .map_err(|error| Failure::usage(format!("cannot read the token from standard input: {error}")))?;
    Ok(text.lines().next().unwrap_or_default().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_normalized_as_kubo_does() {
        assert_eq!(normalize_endpoint("https://api.example.com/psa/").unwrap(), "https://api.example.com/psa");
        assert_eq!(normalize_endpoint("http://127.0.0.1:5000").unwrap(), "http://127.0.0.1:5000");
        assert_eq!(normalize_endpoint("http://127.0.0.1:5000/").unwrap(), "http://127.0.0.1:5000");
        for bad in ["ftp://x", "https://x/pins", "https://x/psa/pins/", "https://x?a=1", "not a url"] {
            let error = normalize_endpoint(bad).unwrap_err();
            assert_eq!(error.code(), 2, "{bad}");
        }
    }
}
