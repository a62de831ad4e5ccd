//! What came back: status, headers, the body bytes, timings, and the server's clock.

use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// The canonical reason phrase (`OK`, `Unauthorized`), empty for unknown codes.
    pub reason: String,
    /// `HTTP/1.1`, `HTTP/2.0`.
    pub version: String,
    /// In the order received; names lower-case; values decoded lossily.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body was longer than `MAX_RESPONSE_BODY` and was cut there.
    pub truncated: bool,
    /// From sending the request to the last byte of the body.
    pub elapsed: Duration,
    /// The server's `Date` header, as Unix seconds: the server's clock, for skew checks.
    pub remote_date: Option<i64>,
    /// The local clock when the request left.
    pub sent_at: SystemTime,
}

pub use crate::diagnose::ApiError;

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `HTTP/1.1 200 OK`
    pub fn status_line(&self) -> String {
        format!("{} {} {}", self.version, self.status, self.reason)
            .trim_end()
            .to_string()
    }

    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body pretty-printed (2 spaces, key order kept) when it is JSON.
    pub fn pretty_body(&self) -> Option<String> {
        self.json()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
    }

    pub fn api_error(&self) -> Option<ApiError> {
        ApiError::parse(self.status, &self.body)
    }

    /// A 1020 errPartnerAuth, in either of the shapes the API documents.
    pub fn partner_auth_failure(&self) -> Option<ApiError> {
        ApiError::partner_auth(self.status, &self.body)
    }

    /// Human size: `532 B`, `12.4 KiB`.
    pub fn size_text(&self) -> String {
        crate::time::bytes_text(self.body.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> Response {
        Response {
            status,
            reason: String::new(),
            version: "HTTP/1.1".into(),
            headers: vec![],
            body: body.as_bytes().to_vec(),
            truncated: false,
            elapsed: Duration::ZERO,
            remote_date: None,
            sent_at: SystemTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn reads_1020_with_numeric_or_string_code() {
        let r = resp(
            401,
            r#"{"code":1020,"msg":"errPartnerAuth","detail":{"reason":"timestamp"}}"#,
        );
        let e = r.partner_auth_failure().unwrap();
        assert_eq!(e.reason.as_deref(), Some("timestamp"));
        let r = resp(401, r#"{"code":"1020","msg":"errPartnerAuth"}"#);
        assert!(r.partner_auth_failure().is_some());
        let r = resp(404, r#"{"code":404,"msg":"not found"}"#);
        assert!(r.api_error().is_some() && r.partner_auth_failure().is_none());
        assert!(resp(200, r#"{"code":1020}"#).api_error().is_none());
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(resp(200, "").size_text(), "0 B");
    }
}
