//! A websocket handshake recorded as any exchange is. tungstenite makes the handshake, not
//! reqwest, but what was signed, what went out and what came back are the same facts, and
//! a refused handshake is exactly what the doctor needs to see (`xsign proxy` relays feeds).

use super::execute::{Origin, Recorder, Signing};
use super::ticket::SignedBy;
use crate::signing::SignedRequest;
use crate::store::{HistoryEntry, ResponseRecord, StoreError};
use bytes::Bytes;
use std::time::{Duration, SystemTime};

/// The server's answer to a handshake: `101` with its headers, or a refusal with its body.
#[derive(Debug, Clone)]
pub struct HandshakeAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

/// One handshake as it was made.
#[derive(Debug)]
pub struct Handshake<'a> {
    /// The `ws`/`wss` URL as signed and sent.
    pub url: &'a str,
    /// The headers sent, the API key among them (masked when recorded).
    pub headers: &'a [(String, String)],
    pub signed: &'a SignedRequest,
    pub signed_by: SignedBy,
    /// The answer, or why none came.
    pub answer: Result<HandshakeAnswer, String>,
    pub sent_at: SystemTime,
    pub elapsed: Duration,
}

/// Records the handshake (a `GET` of the feed URL with an empty body) and returns the entry
/// as recorded, with the store's error if it could not be.
pub fn record_handshake(
    h: &Handshake<'_>,
    origin: &Origin,
    recorder: &dyn Recorder,
) -> (HistoryEntry, Option<StoreError>) {
    let mut e = HistoryEntry::new(origin.profile.clone(), "GET", h.url, Bytes::new());
    let api_key = h
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(h.signed.scheme.api_key_header()))
        .map_or("", |(_, v)| v.as_str());
    let signing = Signing {
        headers: h.headers,
        api_key,
        signed: Some(h.signed),
        signed_by: Some(&h.signed_by),
    };
    signing.fill(&mut e, h.sent_at, h.elapsed, origin);
    match &h.answer {
        Ok(a) => {
            e.response = Some(ResponseRecord::capture(
                a.status,
                a.headers.clone(),
                &a.body,
            ))
        }
        Err(why) => e.error = Some(why.clone()),
    }
    match recorder.record(e.clone()) {
        Ok(recorded) => (recorded, None),
        Err(err) => (e, Some(err)),
    }
}
