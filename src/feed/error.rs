//! Why a feed could not be opened or kept, in words that say what to do.

use tokio_tungstenite::tungstenite;

/// Cloneable (strings only) so that it can travel inside UI messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error(
        "unknown feed {0:?}: use coreclient:<client_id>, wallets or liquidityhub (or, with a qredo-v1 profile, transactions)"
    )]
    UnknownFeed(String),

    #[error("{url:?} is not a feed URL: {problem}")]
    InvalidUrl { url: String, problem: String },

    #[error("{0}")]
    Refused(Refusal),

    #[error("cannot take a nonce: {0}")]
    Nonce(String),

    #[error("cannot connect to {url}: {detail}")]
    Connect {
        url: String,
        kind: ConnectKind,
        detail: String,
    },

    #[error("the feed broke: {0}")]
    Protocol(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectKind {
    Refused,
    Dns,
    Tls,
    Timeout,
    Other,
}

impl FeedError {
    /// Whether trying again later may work. A refused handshake (4xx) or a TLS failure will
    /// not fix itself; a host that cannot be resolved is only retried if it worked before.
    pub fn is_retryable(&self, connected_before: bool) -> bool {
        match self {
            FeedError::Connect { kind, .. } => match kind {
                ConnectKind::Refused | ConnectKind::Timeout | ConnectKind::Other => true,
                ConnectKind::Dns => connected_before,
                ConnectKind::Tls => false,
            },
            FeedError::Refused(r) => r.status >= 500 || r.status == 429,
            FeedError::Protocol(_) => true,
            FeedError::UnknownFeed(_) | FeedError::InvalidUrl { .. } | FeedError::Nonce(_) => false,
        }
    }

    /// The refusal, when the server answered the handshake with an error status.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            FeedError::Refused(r) => Some(r),
            _ => None,
        }
    }

    pub(crate) fn from_ws(url: &str, err: tungstenite::Error) -> FeedError {
        use tungstenite::Error as E;
        let connect = |kind, detail: String| FeedError::Connect {
            url: url.to_string(),
            kind,
            detail,
        };
        match err {
            E::Http(resp) => {
                let status = resp.status().as_u16();
                let declared = resp
                    .headers()
                    .get("content-length")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<usize>().ok());
                let mut body = resp.body().clone().unwrap_or_default();
                if let Some(n) = declared {
                    body.truncate(n);
                }
                FeedError::Refused(Refusal::from_response(status, &body))
            }
            E::Io(e) => {
                let text = e.to_string();
                let kind = match e.kind() {
                    std::io::ErrorKind::ConnectionRefused => ConnectKind::Refused,
                    // tokio-rustls reports every TLS failure (a plain-text server, a bad
                    // certificate) as InvalidData.
                    std::io::ErrorKind::InvalidData if url.starts_with("wss://") => {
                        ConnectKind::Tls
                    }
                    std::io::ErrorKind::TimedOut => ConnectKind::Timeout,
                    _ if text.contains("lookup") || text.contains("resolve") => ConnectKind::Dns,
                    _ => ConnectKind::Other,
                };
                let detail = match kind {
                    ConnectKind::Tls => format!(
                        "TLS handshake failed ({text}); check the host name and its certificate, or use ws:// for a plain local server"
                    ),
                    ConnectKind::Refused => {
                        "connection refused: is the server running?".to_string()
                    }
                    ConnectKind::Dns => {
                        format!("the host name does not resolve ({text}); check the URL")
                    }
                    _ => text,
                };
                connect(kind, detail)
            }
            E::Tls(e) => connect(
                ConnectKind::Tls,
                format!(
                    "TLS handshake failed ({e}); check the host name and its certificate, or use ws:// for a plain local server"
                ),
            ),
            E::Url(e) => FeedError::InvalidUrl {
                url: url.to_string(),
                problem: e.to_string(),
            },
            other => FeedError::Protocol(other.to_string()),
        }
    }
}

/// The server's answer to a refused handshake, e.g. HTTP 401 with
/// `{"code":1020,"msg":"errPartnerAuth","detail":{"reason":"signature"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    /// `code` from the body, number or string (the API uses both).
    pub code: Option<String>,
    pub msg: Option<String>,
    /// `detail.reason`: `signature`, `timestamp`, `nonce`, `apikey`, `headers`...
    pub reason: Option<String>,
    /// The body as received (lossy UTF-8), possibly empty.
    pub body: String,
}

impl Refusal {
    pub fn from_response(status: u16, body: &[u8]) -> Refusal {
        let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let field = |v: Option<&serde_json::Value>| {
            v.and_then(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        Refusal {
            status,
            code: field(json.as_ref().and_then(|j| j.get("code"))),
            msg: field(json.as_ref().and_then(|j| j.get("msg"))),
            reason: field(
                json.as_ref()
                    .and_then(|j| j.get("detail"))
                    .and_then(|d| d.get("reason")),
            ),
            body: String::from_utf8_lossy(body).into_owned(),
        }
    }

    /// A `1020 errPartnerAuth`: the signature, timestamp, nonce or API key was refused.
    pub fn is_auth_failure(&self) -> bool {
        self.code.as_deref() == Some("1020") || self.msg.as_deref() == Some("errPartnerAuth")
    }

    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        match self.reason.as_deref() {
            Some("signature") => {
                "The x-sign does not match: a feed is signed over the timestamp or nonce and the ws:// or wss:// URL exactly as sent, with an empty body. Check that the key is the one registered for this API key (`xsign doctor` explains a signature)."
            }
            Some("timestamp") => {
                "The x-timestamp is outside the server's window: check this machine's clock, or use --nonce."
            }
            Some("nonce") => {
                "The x-nonce did not increase: another client used a larger nonce with this API key; try again, or use timestamps."
            }
            Some("apikey") => {
                "The API key is not registered: check --api-key-file (whitespace around it is trimmed)."
            }
            Some("headers") => {
                "The auth headers are incomplete: send x-api-key, x-sign and exactly one of x-timestamp or x-nonce."
            }
            _ if self.status == 401 || self.status == 403 => {
                "The server refused the credentials: check the key, the API key and the clock (`xsign doctor`)."
            }
            _ if self.status == 404 => {
                "No feed at this URL: check the base URL (it ends in /api/v1/p) and the core client id."
            }
            _ if self.status >= 500 => "The server failed; it is retried.",
            _ => "Check the URL and the credentials.",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the server refused the feed: HTTP {}", self.status)?;
        if let Some(c) = self
            .code
            .as_deref()
            .filter(|c| *c != self.status.to_string())
        {
            write!(f, " {c}")?;
        }
        if let Some(m) = &self.msg {
            write!(f, " {m}")?;
        }
        if self.code.is_none() && self.msg.is_none() && !self.body.trim().is_empty() {
            write!(f, " {:?}", truncate(self.body.trim(), 200))?;
        }
        match &self.reason {
            // A 1020 names a check in one word: say what it means.
            Some(r) if self.is_auth_failure() => write!(f, ", reason: {r}. {}", self.hint()),
            // Other errors explain themselves.
            Some(r) => write!(f, ": {r}"),
            None => write!(f, ". {}", self.hint()),
        }
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_1020_names_the_reason_and_the_fix() {
        let r = Refusal::from_response(
            401,
            br#"{"code":1020,"msg":"errPartnerAuth","detail":{"reason":"timestamp"}}"#,
        );
        assert!(r.is_auth_failure());
        assert_eq!(r.reason.as_deref(), Some("timestamp"));
        let text = FeedError::Refused(r).to_string();
        assert!(
            text.starts_with(
                "the server refused the feed: HTTP 401 1020 errPartnerAuth, reason: timestamp."
            ),
            "{text}"
        );
        assert!(text.contains("clock"), "{text}");
    }

    #[test]
    fn string_codes_and_odd_bodies_are_accepted() {
        let r = Refusal::from_response(401, br#"{"code":"401","msg":"errPartnerAuth"}"#);
        assert_eq!(r.code.as_deref(), Some("401"));
        assert!(r.is_auth_failure());
        let r = Refusal::from_response(502, b"bad gateway");
        assert!(r.to_string().contains("\"bad gateway\""));
        assert!(FeedError::Refused(r).is_retryable(false));
        let r = Refusal::from_response(401, b"");
        assert!(!FeedError::Refused(r.clone()).is_retryable(true));
        assert!(r.to_string().contains("HTTP 401."), "{r}");
    }

    #[test]
    fn other_errors_keep_the_servers_explanation() {
        let r = Refusal::from_response(
            404,
            br#"{"code":404,"msg":"errNotFound","detail":{"reason":"no core client C1 for this API key"}}"#,
        );
        assert_eq!(
            r.to_string(),
            "the server refused the feed: HTTP 404 errNotFound: no core client C1 for this API key"
        );
        let r = Refusal::from_response(404, b"");
        assert!(r.to_string().ends_with("HTTP 404. No feed at this URL: check the base URL (it ends in /api/v1/p) and the core client id."), "{r}");
    }

    #[test]
    fn retry_policy() {
        let c = |kind| FeedError::Connect {
            url: "ws://x".into(),
            kind,
            detail: String::new(),
        };
        assert!(c(ConnectKind::Refused).is_retryable(false));
        assert!(!c(ConnectKind::Tls).is_retryable(true));
        assert!(!c(ConnectKind::Dns).is_retryable(false));
        assert!(c(ConnectKind::Dns).is_retryable(true));
        assert!(!FeedError::UnknownFeed("x".into()).is_retryable(true));
    }
}
