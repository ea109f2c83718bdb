//! What the commands print: pins as text (a table for lists, `Key: value`
//! lines for one pin) or JSON, and the live status line while waiting.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use chrono::SecondsFormat;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ipfs_pinning_client::models::PinStatus;
use serde::Serialize;

use crate::error::Failure;

/// The key of `PinStatus.info` that services use for a human-readable status.
pub const STATUS_DETAILS: &str = "status_details";

/// Writes `text` to stdout; a closed pipe (`| head`) ends the output quietly.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Failure::remote(format!("cannot write the output: {error}"))),
    }
}

/// `value` as pretty JSON on stdout.
pub fn print_json(value: &impl Serialize) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(value).expect("output serializes as JSON");
    text.push('\n');
    print(&text)
}

/// One pin as `Key: value` lines (kubo's `CID:`, `Name:`, `Status:`, and the
/// request id first, which `wait`, `replace` and `rm` need).
pub fn pin_details(pin: &PinStatus) -> String {
    let mut rows = vec![
        ("RequestID", pin.requestid.clone()),
        ("CID", pin.pin.cid.clone()),
        ("Name", printable(pin.pin.name.as_deref().unwrap_or_default())),
        ("Status", pin.status.to_string()),
    ];
    if let Some(details) = status_details(pin) {
        rows.push(("Details", printable(details)));
    }
    let mut text = String::new();
    for (key, value) in rows {
        text.push_str(format!("{:<10} {value}", format!("{key}:")).trim_end());
        text.push('\n');
    }
    text
}

/// Pins as a table: request id, status, CID, name, created. Empty for no pins.
pub fn pin_table(pins: &[PinStatus]) -> String {
    let rows: Vec<Vec<String>> = pins
        .iter()
        .map(|pin| {
            vec![
                pin.requestid.clone(),
                pin.status.to_string(),
                pin.pin.cid.clone(),
                printable(pin.pin.name.as_deref().unwrap_or_default()),
                pin.created.to_rfc3339_opts(SecondsFormat::Secs, true),
            ]
        })
        .collect();
    table(&["REQUESTID", "STATUS", "CID", "NAME", "CREATED"], &rows)
}

/// Left-aligned columns two spaces apart, with a header; empty without rows.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let mut text = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// `info.status_details`, when the service sent one.
pub fn status_details(pin: &PinStatus) -> Option<&str> {
    pin.info.as_ref()?.get(STATUS_DETAILS).map(String::as_str).filter(|d| !d.is_empty())
}

/// Text from a service, safe for a terminal: control characters escaped.
fn printable(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// The live status line while waiting for a pin: status, elapsed time and
/// `info.status_details`, redrawn in place on standard error when it is a
/// terminal; nothing at all otherwise.
pub struct StatusLine {
    bar: Option<ProgressBar>,
}

impl StatusLine {
    pub fn start(requestid: &str) -> StatusLine {
        if !std::io::stderr().is_terminal() {
            return StatusLine { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        // `pin req-1 [12s] pinning: fetching blocks`, cut to the terminal's width.
        let style = ProgressStyle::with_template("{spinner} pin {prefix} [{elapsed}] {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_prefix(requestid.to_owned());
        bar.set_message("waiting");
        bar.enable_steady_tick(Duration::from_millis(120));
        StatusLine { bar: Some(bar) }
    }

    /// Shows what the last poll saw.
    pub fn update(&self, pin: &PinStatus) {
        if let Some(bar) = &self.bar {
            let message = match status_details(pin) {
                Some(details) => format!("{}: {}", pin.status, printable(details)),
                None => pin.status.to_string(),
            };
            bar.set_message(message);
        }
    }

    /// Removes the line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for StatusLine {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(name: Option<&str>, details: Option<&str>) -> PinStatus {
        serde_json::from_value(serde_json::json!({
            "requestid": "req-1",
            "status": "pinning",
            "created": "2026-01-02T03:04:05.678Z",
            "pin": { "cid": "bafyabc", "name": name },
            "delegates": ["/ip4/127.0.0.1/tcp/4001/p2p/Qm"],
            "info": details.map(|d| serde_json::json!({ "status_details": d })),
        }))
        .unwrap()
    }

    #[test]
    fn one_pin_as_lines() {
        assert_eq!(
            pin_details(&pin(Some("my\u{1b}[31mpin"), Some("fetching"))),
            "RequestID: req-1\nCID:       bafyabc\nName:      my\\u{1b}[31mpin\nStatus:    pinning\nDetails:   fetching\n"
        );
        assert_eq!(pin_details(&pin(None, None)), "RequestID: req-1\nCID:       bafyabc\nName:\nStatus:    pinning\n");
    }

    #[test]
    fn pins_as_a_table() {
        let pins = [pin(Some("a name"), None), pin(None, None)];
        assert_eq!(
            pin_table(&pins),
            "REQUESTID  STATUS   CID      NAME    CREATED\n\
             req-1      pinning  bafyabc  a name  2026-01-02T03:04:05Z\n\
             req-1      pinning  bafyabc          2026-01-02T03:04:05Z\n"
        );
        assert_eq!(pin_table(&[]), "");
    }
}
