//! Evidence from a history entry: the one builder behind `send`'s own doctor (the entry
//! it just recorded), `doctor --history` and the workbench's inspector, so all three
//! judge the same request the same way.

use super::{BodyDigest, Evidence, Sent, Signed};
use crate::signing::{AuthValue, PublicKey};
use crate::store::{HistoryEntry, ResponseRecord};

/// The key to check an x-sign with, and how to name it in messages.
#[derive(Debug, Clone)]
pub struct CheckKey {
    pub public_key: PublicKey,
    /// `other.pem`, "the demo profile's key"…
    pub source: String,
}

impl Evidence {
    /// What a history entry shows about a request. xsign signs what it sends, so the
    /// signed bytes are the sent ones; a caller that sent something else on purpose (the
    /// workbench's "break it") replaces `signed` afterwards. `now` is the local clock.
    pub fn from_history(entry: &HistoryEntry, key: Option<CheckKey>, now: i64) -> Evidence {
        let value = entry.auth.as_ref().and_then(|a| a.to_value());
        let header = |name: &str| {
            entry
                .request_headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let response = entry.response.as_ref();
        let server_date = response.and_then(ResponseRecord::server_date);
        let server_reason = response
            .and_then(|r| super::ApiError::parse(r.status, &r.body))
            .and_then(|e| e.reason);
        let (public_key, key_source) = match key {
            Some(k) => (Some(k.public_key), Some(k.source)),
            None => (None, None),
        };
        Evidence {
            signed: Signed {
                url: Some(entry.url.clone()),
                // Over 64 KiB only the start was kept: the body is then not known.
                body: entry.whole_body().map(|b| b.to_vec()),
                value,
            },
            sent: Sent {
                url: Some(entry.url.clone()),
                // Over 64 KiB only the start was kept: the body is then not known.
                body: entry.whole_body().map(|b| b.to_vec()),
                // Only a masked form of the API key is recorded, so it is not checked.
                api_key: None,
                x_sign: entry.x_sign.clone().or_else(|| header("x-sign")),
                timestamp: match value {
                    Some(AuthValue::Timestamp(t)) => Some(t.to_string()),
                    _ => header("x-timestamp"),
                },
                body_digest: entry.body_cut().then(|| BodyDigest {
                    len: entry.sent_body_len(),
                    sha256: entry.body_sha256.clone().unwrap_or_default(),
                }),
                nonce: match value {
                    Some(AuthValue::Nonce(n)) => Some(n.to_string()),
                    _ => header("x-nonce"),
                },
                complete: false,
            },
            public_key,
            key_source,
            server_date,
            sent_at: Some(entry.sent_at_ms.div_euclid(1000)),
            now: Some(now),
            server_reason,
            ..Evidence::default()
        }
    }

    /// The whole body sent, from the request in hand, where the history entry kept only
    /// its start (over 64 KiB): used only when its length and SHA-256 are the recorded ones.
    #[must_use]
    pub fn with_whole_body(mut self, body: &[u8]) -> Evidence {
        if self.sent.body_digest.as_ref() == Some(&BodyDigest::of(body)) {
            self.sent.body = Some(body.to_vec());
            self.sent.body_digest = None;
            self.signed.body.get_or_insert_with(|| body.to_vec());
        }
        self
    }
}
