//! The one send-and-record pipeline: a ticket goes on the wire, and what went out and what
//! came back is written to the history once, the same way for `send`, `replay`, the
//! workbench and feed approvals.

use super::response::Response;
use super::send::{Relay, SendError, send_relayed};
use super::ticket::{SignedBy, Ticket};
use crate::signing::{AuthValue, SignedRequest};
use crate::store::{AuthRecord, History, HistoryEntry, KeyRecord, ResponseRecord, StoreError};
use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Who sends, for the record: the profile, the key file that signed, and where the request
/// came from (`COLLECTION/REQUEST`, `history:ID`, a feed action).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub profile: String,
    /// The private key file of the signer, when it came from one.
    pub key_path: Option<PathBuf>,
    pub source: Option<String>,
}

/// Where exchanges are recorded. The history in the data dir, or nothing (benchmarks).
pub trait Recorder: Send + Sync {
    /// Stores the entry and returns it with its id.
    fn record(&self, entry: HistoryEntry) -> Result<HistoryEntry, StoreError>;
}

impl Recorder for History {
    fn record(&self, entry: HistoryEntry) -> Result<HistoryEntry, StoreError> {
        History::record(self, entry)
    }
}

/// Records nothing: for benchmarks and one-off checks that must leave no trace.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRecord;

impl Recorder for NoRecord {
    fn record(&self, entry: HistoryEntry) -> Result<HistoryEntry, StoreError> {
        Ok(entry)
    }
}

/// One request sent (or tried) and its record.
#[derive(Debug)]
pub struct Exchange {
    pub ticket: Ticket,
    /// The answer, or why none came.
    pub outcome: Result<Response, SendError>,
    /// When the request left, by the local clock.
    pub sent_at: SystemTime,
    /// From sending to the last byte of the answer, or to the failure.
    pub elapsed: Duration,
    /// The history entry as recorded (its id set), or as it would have been.
    pub entry: HistoryEntry,
    /// Why the entry could not be recorded; the response matters more than its record.
    pub record_error: Option<StoreError>,
}

impl Exchange {
    pub fn response(&self) -> Option<&Response> {
        self.outcome.as_ref().ok()
    }

    /// The history id, when it was recorded.
    pub fn history_id(&self) -> Option<u64> {
        self.record_error.is_none().then_some(self.entry.id)
    }
}

/// Sends the ticket and records the exchange.
pub async fn execute(
    client: &reqwest::Client,
    ticket: Ticket,
    timeout: Duration,
    origin: &Origin,
    recorder: &dyn Recorder,
) -> Exchange {
    execute_until(
        client,
        ticket,
        timeout,
        origin,
        recorder,
        std::future::pending(),
    )
    .await
}

/// [`execute`], given up when `cancel` completes first (Ctrl-C): the connection is
/// dropped and the request is recorded as cancelled.
pub async fn execute_until(
    client: &reqwest::Client,
    ticket: Ticket,
    timeout: Duration,
    origin: &Origin,
    recorder: &dyn Recorder,
    cancel: impl Future<Output = ()>,
) -> Exchange {
    execute_relayed(client, ticket, timeout, origin, recorder, cancel, None).await
}

/// [`execute_until`], passing the response on to `relay` while it arrives (the signing
/// proxy streams it to its client); recorded once it is complete.
pub async fn execute_relayed(
    client: &reqwest::Client,
    ticket: Ticket,
    timeout: Duration,
    origin: &Origin,
    recorder: &dyn Recorder,
    cancel: impl Future<Output = ()>,
    relay: Option<Relay>,
) -> Exchange {
    let sent_at = SystemTime::now();
    let started = Instant::now();
    let outcome = tokio::select! {
        r = send_relayed(client, &ticket, timeout, relay) => r,
        () = cancel => Err(SendError::Cancelled),
    };
    let elapsed = outcome
        .as_ref()
        .map_or_else(|_| started.elapsed(), |r| r.elapsed);
    let sent_at = outcome.as_ref().map_or(sent_at, |r| r.sent_at);
    let entry = entry_of(&ticket, &outcome, sent_at, elapsed, origin);
    let (entry, record_error) = match recorder.record(entry.clone()) {
        Ok(recorded) => (recorded, None),
        Err(e) => (entry, Some(e)),
    };
    Exchange {
        ticket,
        outcome,
        sent_at,
        elapsed,
        entry,
        record_error,
    }
}

/// The history entry of one exchange: the exact bytes and headers (API key masked), the
/// payload hash, x-sign and timestamp or nonce, the key and scheme that signed, and the
/// response or the error.
fn entry_of(
    ticket: &Ticket,
    outcome: &Result<Response, SendError>,
    sent_at: SystemTime,
    elapsed: Duration,
    origin: &Origin,
) -> HistoryEntry {
    let mut e = HistoryEntry::new(
        origin.profile.clone(),
        ticket.method.as_str(),
        ticket.wire_url(),
        ticket.body.clone(),
    );
    let signing = Signing {
        headers: &ticket.headers,
        api_key: ticket.api_key(),
        signed: ticket.signed.as_ref(),
        signed_by: ticket.signed_by.as_ref(),
    };
    signing.fill(&mut e, sent_at, elapsed, origin);
    // A resend as signed carries its recorded signature in the headers, not in `signed`.
    if e.x_sign.is_none() {
        e.x_sign = ticket.header("x-sign").map(str::to_string);
    }
    if e.auth.is_none() {
        e.auth = auth_from_headers(ticket).map(AuthRecord::from_value);
    }
    match outcome {
        Ok(r) => {
            e.response = Some(ResponseRecord::capture(
                r.status,
                r.headers.clone(),
                &r.body,
            ));
        }
        Err(err) => e.error = Some(err.to_string()),
    }
    e
}

/// What signed a request and how, as every entry records it, whatever sent the request.
pub(super) struct Signing<'a> {
    pub headers: &'a [(String, String)],
    pub api_key: &'a str,
    pub signed: Option<&'a SignedRequest>,
    pub signed_by: Option<&'a SignedBy>,
}

impl Signing<'_> {
    pub(super) fn fill(
        &self,
        e: &mut HistoryEntry,
        sent_at: SystemTime,
        elapsed: Duration,
        origin: &Origin,
    ) {
        if let Ok(d) = sent_at.duration_since(UNIX_EPOCH) {
            e.sent_at_ms = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        }
        e.duration_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        e.request_headers = crate::secret::mask_headers(self.headers);
        if !self.api_key.is_empty() {
            e.api_key_id = Some(crate::store::profile::api_key_id(self.api_key));
        }
        e.x_sign = self.signed.map(|s| s.x_sign.to_string());
        e.payload_hash = self.signed.map(|s| s.hash_hex.clone());
        e.auth = self.signed.map(|s| AuthRecord::from_value(s.value));
        if let Some(by) = self.signed_by {
            e.scheme = Some(by.scheme.clone());
            // Absolute, so the key is found again from another directory.
            let path = origin
                .key_path
                .as_ref()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()));
            e.key = by
                .fingerprint
                .clone()
                .map(|fingerprint| KeyRecord { fingerprint, path });
        }
        e.source = origin.source.clone();
    }
}

fn auth_from_headers(ticket: &Ticket) -> Option<AuthValue> {
    if let Some(t) = ticket.header("x-timestamp").and_then(|v| v.parse().ok()) {
        return Some(AuthValue::Timestamp(t));
    }
    ticket
        .header("x-nonce")
        .and_then(|v| v.parse().ok())
        .map(AuthValue::Nonce)
}
