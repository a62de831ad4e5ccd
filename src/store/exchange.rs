//! A history entry from what `http` built and got back: the one conversion every sender
//! (`xsign send`, replay, the TUI) uses before `History::record`.

use super::history::{AuthRecord, HistoryEntry, ResponseRecord};
use crate::http::{Response, SendError, Ticket};
use std::time::{Duration, UNIX_EPOCH};

impl HistoryEntry {
    /// Everything about one send: the exact bytes and headers (API key masked), the
    /// payload hash and x-sign, and the response or the error. `elapsed` is used when
    /// there is no response (the response carries its own time).
    pub fn from_exchange(
        profile: &str,
        ticket: &Ticket,
        result: &Result<Response, SendError>,
        elapsed: Duration,
    ) -> HistoryEntry {
        let mut e = HistoryEntry::new(
            profile,
            ticket.method.as_str(),
            ticket.wire_url(),
            &ticket.body,
        );
        e.request_headers = ticket.headers.clone();
        let key = ticket.api_key();
        if !key.is_empty() {
            e.api_key_id = Some(super::profile::api_key_id(key));
        }
        if let Some(signed) = &ticket.signed {
            e.payload_hash = Some(signed.hash_hex.clone());
            e.x_sign = Some(signed.x_sign.to_string());
            e.auth = Some(AuthRecord::from_value(signed.value));
        }
        match result {
            Ok(r) => {
                if let Ok(d) = r.sent_at.duration_since(UNIX_EPOCH) {
                    e.sent_at_ms = d.as_millis() as i64;
                }
                e.duration_ms = r.elapsed.as_millis() as u64;
                e.response = Some(ResponseRecord::capture(
                    r.status,
                    r.headers.clone(),
                    &r.body,
                ));
            }
            Err(err) => {
                e.duration_ms = elapsed.as_millis() as u64;
                e.error = Some(err.to_string());
            }
        }
        e
    }
}
