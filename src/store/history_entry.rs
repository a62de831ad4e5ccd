//! One sent request as the history keeps it: what was sent (the API key and other secrets
//! masked, a large body by its start, length and hash), what came back, and what signed it.

use crate::signing::{AuthMode, AuthValue};
use bytes::Bytes;
use std::path::PathBuf;

/// How much of a response body is kept.
pub const RESPONSE_BODY_CAP: usize = 64 * 1024;

/// How much of a request body is kept: eleven sends of a 100 MB body made a 1.5 GB history
/// that `history --limit 5` read whole. Past this, the length and SHA-256 are kept, so the
/// doctor can still tell whether given bytes are the ones sent.
pub const REQUEST_BODY_CAP: usize = 64 * 1024;

/// One sent request. The API key is never stored: only `api_key_id` (a short hash) and a
/// masked `x-api-key` header.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HistoryEntry {
    /// Assigned by [`History::record`]; must stay the first field (read from line heads).
    #[serde(default)]
    pub id: u64,
    /// Unix time in milliseconds when the request left.
    pub sent_at_ms: i64,
    pub profile: String,
    pub method: String,
    /// The absolute URL exactly as signed and sent.
    pub url: String,
    /// Headers as sent, in order (`x-api-key` masked).
    #[serde(default)]
    pub request_headers: Vec<(String, String)>,
    /// The exact body bytes sent, shared with the request that sent them; on disk only the
    /// first [`REQUEST_BODY_CAP`] bytes (see [`HistoryEntry::whole_body`]).
    #[serde(with = "super::body", default)]
    pub body: Bytes,
    /// The whole body's length, when `body` holds only its start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_len: Option<u64>,
    /// Hex SHA-256 of the whole body, when `body` holds only its start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_sha256: Option<String>,
    /// Hex SHA-256 of the payload; absent when the request was not signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_sign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthRecord>,
    /// `sha256:` + 12 hex digits of the API key (see `profile::api_key_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseRecord>,
    /// Why no response came (connection refused, timeout...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub duration_ms: u64,
    /// `COLLECTION/REQUEST` when sent from a collection, `history:ID` for a replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The signing scheme (`partner-rsa`); absent when the request was not signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// The key that signed, so the doctor checks an old request with the key that made it
    /// rather than whatever the profile holds now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyRecord>,
}

/// Which private key signed a request: its fingerprint always, its file when it had one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyRecord {
    /// `sha256:` + hex of the public key's SPKI DER (see `KeyInfo::fingerprint`).
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
}

/// The timestamp or nonce that was signed and sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuthRecord {
    pub mode: AuthMode,
    pub value: String,
}

impl AuthRecord {
    pub fn from_value(v: AuthValue) -> Self {
        AuthRecord {
            mode: v.mode(),
            value: v.to_string(),
        }
    }

    pub fn to_value(&self) -> Option<AuthValue> {
        match self.mode {
            AuthMode::Timestamp => self.value.parse().ok().map(AuthValue::Timestamp),
            AuthMode::Nonce => self.value.parse().ok().map(AuthValue::Nonce),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResponseRecord {
    pub status: u16,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The first [`RESPONSE_BODY_CAP`] bytes.
    #[serde(with = "super::body", default)]
    pub body: Vec<u8>,
    /// The full body length.
    pub body_len: u64,
    #[serde(default)]
    pub truncated: bool,
}

impl ResponseRecord {
    /// Keeps at most [`RESPONSE_BODY_CAP`] bytes of `body`.
    pub fn capture(status: u16, headers: Vec<(String, String)>, body: &[u8]) -> Self {
        let kept = body.len().min(RESPONSE_BODY_CAP);
        ResponseRecord {
            status,
            headers,
            body: body[..kept].to_vec(),
            body_len: body.len() as u64,
            truncated: kept < body.len(),
        }
    }

    /// The server's clock, from its `Date` header (Unix seconds), for the doctor's skew check.
    pub fn server_date(&self) -> Option<i64> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("date"))
            .and_then(|(_, v)| crate::time::parse_http_date(v))
    }
}

impl HistoryEntry {
    /// An entry for a request about to be sent now; fill in the rest as it goes.
    pub fn new(
        profile: impl Into<String>,
        method: impl Into<String>,
        url: impl Into<String>,
        body: impl Into<Bytes>,
    ) -> Self {
        HistoryEntry {
            id: 0,
            sent_at_ms: super::history::now_ms(),
            profile: profile.into(),
            method: method.into(),
            url: url.into(),
            request_headers: Vec::new(),
            body: body.into(),
            body_len: None,
            body_sha256: None,
            payload_hash: None,
            x_sign: None,
            auth: None,
            api_key_id: None,
            response: None,
            error: None,
            duration_ms: 0,
            source: None,
            scheme: None,
            key: None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    /// The body sent, if all of it was kept (not when it was over [`REQUEST_BODY_CAP`]).
    pub fn whole_body(&self) -> Option<&Bytes> {
        (!self.body_cut()).then_some(&self.body)
    }

    /// Whether only the start of the body was kept.
    pub fn body_cut(&self) -> bool {
        self.body_len.is_some_and(|n| n > self.body.len() as u64)
    }

    /// The length of the body that was sent.
    pub fn sent_body_len(&self) -> u64 {
        self.body_len.unwrap_or(self.body.len() as u64)
    }

    /// Keeps the first [`REQUEST_BODY_CAP`] bytes of a larger body, with its length and hash.
    pub(super) fn cap_body(&mut self) {
        use sha2::{Digest, Sha256};
        if self.body.len() > REQUEST_BODY_CAP {
            self.body_len = Some(self.body.len() as u64);
            self.body_sha256 = Some(hex::encode(Sha256::digest(&self.body)));
            self.body = self.body.slice(..REQUEST_BODY_CAP);
        }
    }

    /// Masks the API key and every other secret header (`Authorization`, cookies, tokens)
    /// so none reaches the disk.
    pub(super) fn scrub(&mut self) {
        for (k, v) in &mut self.request_headers {
            if !crate::secret::is_secret_header(k) || v.contains("****") {
                continue;
            }
            if k.eq_ignore_ascii_case("x-api-key") && self.api_key_id.is_none() {
                self.api_key_id = Some(super::profile::api_key_id(v));
            }
            *v = crate::secret::mask_header_value(v);
        }
    }
}

/// Why a history entry's request cannot be sent again.
#[derive(Debug, thiserror::Error)]
#[error(
    "history entry {id} kept only the first {kept} bytes of its {len}-byte body (sha256 {sha}): replay it from its collection or with `xsign send --body-file`"
)]
pub struct BodyCut {
    pub id: u64,
    pub kept: usize,
    pub len: u64,
    pub sha: String,
}

impl HistoryEntry {
    /// The whole body to send again, or why it is not there.
    pub fn replayable_body(&self) -> Result<&Bytes, BodyCut> {
        self.whole_body().ok_or_else(|| BodyCut {
            id: self.id,
            kept: self.body.len(),
            len: self.sent_body_len(),
            sha: self.body_sha256.clone().unwrap_or_else(|| "unknown".into()),
        })
    }
}
