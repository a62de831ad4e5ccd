use sha2::{Digest, Sha256};
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// Which header authenticates a request: a profile setting.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    #[default]
    Timestamp,
    Nonce,
}

/// The value that precedes the URL in the payload, and travels as
/// `x-timestamp` or `x-nonce`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthValue {
    /// Unix epoch seconds.
    Timestamp(i64),
    /// Strictly increasing per API key.
    Nonce(u64),
}

impl AuthValue {
    /// The header that carries the value.
    pub fn header_name(&self) -> &'static str {
        match self {
            AuthValue::Timestamp(_) => "x-timestamp",
            AuthValue::Nonce(_) => "x-nonce",
        }
    }

    pub fn mode_name(&self) -> &'static str {
        match self {
            AuthValue::Timestamp(_) => "timestamp",
            AuthValue::Nonce(_) => "nonce",
        }
    }

    pub fn mode(&self) -> AuthMode {
        match self {
            AuthValue::Timestamp(_) => AuthMode::Timestamp,
            AuthValue::Nonce(_) => AuthMode::Nonce,
        }
    }

    /// A timestamp for the current second.
    pub fn now() -> Self {
        AuthValue::Timestamp(now_unix())
    }
}

impl fmt::Display for AuthValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthValue::Timestamp(t) => write!(f, "{t}"),
            AuthValue::Nonce(n) => write!(f, "{n}"),
        }
    }
}

pub(crate) fn now_unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The exact bytes that get signed: value, then URL, then body, with no separators (and,
/// for the Qredo API's HMAC schemes, the method between the value and the URL).
#[derive(Clone, PartialEq, Eq)]
pub struct Payload {
    bytes: Vec<u8>,
    method_start: usize,
    url_start: usize,
    body_start: usize,
}

impl Payload {
    pub fn new(value: AuthValue, url: &str, body: &[u8]) -> Self {
        Payload::with_method(value, "", url, body)
    }

    /// ts + METHOD + URL + body: what Qredo API v1 and v2 sign. An empty method is the
    /// Partner API's payload.
    pub fn with_method(value: AuthValue, method: &str, url: &str, body: &[u8]) -> Self {
        let value = value.to_string();
        let mut bytes = Vec::with_capacity(value.len() + method.len() + url.len() + body.len());
        bytes.extend_from_slice(value.as_bytes());
        let method_start = bytes.len();
        bytes.extend_from_slice(method.as_bytes());
        let url_start = bytes.len();
        bytes.extend_from_slice(url.as_bytes());
        let body_start = bytes.len();
        bytes.extend_from_slice(body);
        Payload {
            bytes,
            method_start,
            url_start,
            body_start,
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn value_part(&self) -> &[u8] {
        &self.bytes[..self.method_start]
    }

    /// The method, for a scheme that signs it; empty for the Partner API.
    pub fn method_part(&self) -> &[u8] {
        &self.bytes[self.method_start..self.url_start]
    }

    pub fn url_part(&self) -> &[u8] {
        &self.bytes[self.url_start..self.body_start]
    }

    pub fn body_part(&self) -> &[u8] {
        &self.bytes[self.body_start..]
    }

    /// SHA-256 of the payload: the "Hash" the reference client prints.
    pub fn sha256(&self) -> [u8; 32] {
        Sha256::digest(&self.bytes).into()
    }

    pub fn hash_hex(&self) -> String {
        hex::encode(self.sha256())
    }

    /// The hex SHA-256 of value + URL + body, hashed in place: no payload copy, for a
    /// large body shown without a signature (signing off).
    pub fn hash_hex_of(value: AuthValue, url: &str, body: &[u8]) -> String {
        let mut h = Sha256::new();
        h.update(value.to_string().as_bytes());
        h.update(url.as_bytes());
        h.update(body);
        hex::encode(h.finalize())
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payload")
            .field("bytes", &String::from_utf8_lossy(&self.bytes))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_is_value_url_body_without_separators() {
        let p = Payload::new(
            AuthValue::Timestamp(1639490495),
            "https://api.qredo.network/api/v1/p/company",
            b"{\"a\":1}\n",
        );
        assert_eq!(
            p.as_bytes(),
            b"1639490495https://api.qredo.network/api/v1/p/company{\"a\":1}\n"
        );
        assert_eq!(p.value_part(), b"1639490495");
        assert_eq!(p.body_part(), b"{\"a\":1}\n");
    }

    #[test]
    fn header_names_follow_mode() {
        assert_eq!(AuthValue::Nonce(1).header_name(), "x-nonce");
        assert_eq!(AuthValue::Timestamp(1).header_name(), "x-timestamp");
    }
}
