//! Why a signature fails: compares what was signed with what was sent. Pure.
//!
//! `diagnose(&Evidence) -> Report`. The report is data (kinds, titles, detail lines, what to
//! do, and byte spans of differences), so the CLI prints it with `render::to_text` and the
//! TUI's 1020 inspector draws the same findings its own way.

mod api_error;
mod body;
mod bytes;
mod clock;
mod evidence;
mod findings;
pub mod qredo;
pub mod qredo_doctor;
mod qredo_token;
pub mod render;
mod signature;
mod url;
mod url_encoding;

pub use api_error::ApiError;
pub use body::BodyChange;
pub use bytes::{ByteDiff, Part, escaped_window};
pub use clock::{ClockReading, DEFAULT_SKEW_WINDOW};
pub use evidence::CheckKey;
pub use signature::LocalCheck;
pub use url::{API_PREFIX, UrlDifference};

use crate::signing::{AuthValue, PublicKey};

/// What was signed. A part left `None` is taken to be the same as what was sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signed {
    pub url: Option<String>,
    pub body: Option<Vec<u8>>,
    pub value: Option<AuthValue>,
}

/// What went on the wire. Header values are raw strings, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sent {
    pub url: Option<String>,
    pub body: Option<Vec<u8>>,
    pub api_key: Option<String>,
    pub x_sign: Option<String>,
    pub timestamp: Option<String>,
    pub nonce: Option<String>,
    /// The headers above are every header that was sent (from a capture, a curl command
    /// or `send`), so a missing one was really missing, not just not given.
    pub complete: bool,
    /// The length and SHA-256 of a body the history kept only the start of (`body` is
    /// then `None`): enough to say whether a body given is the one sent.
    pub body_digest: Option<BodyDigest>,
}

/// A body known by its length and hex SHA-256 only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyDigest {
    pub len: u64,
    pub sha256: String,
}

impl BodyDigest {
    pub fn of(body: &[u8]) -> BodyDigest {
        use sha2::{Digest, Sha256};
        BodyDigest {
            len: body.len() as u64,
            sha256: hex::encode(Sha256::digest(body)),
        }
    }
}

/// Everything known about a failing request.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub signed: Signed,
    pub sent: Sent,
    /// The public key to check the x-sign with: derived from the private key, or given.
    pub public_key: Option<PublicKey>,
    /// Where the public key came from, for messages ("private.pem", "public.pem").
    pub key_source: Option<String>,
    /// The fingerprint registered for the API key in the web app, when known.
    pub registered_fingerprint: Option<String>,
    /// The API key came verbatim from a file (a trailing newline there is usually trimmed).
    pub api_key_from_file: bool,
    /// The server's clock (its `Date` header), Unix seconds.
    pub server_date: Option<i64>,
    /// The local clock when the request was sent, Unix seconds.
    pub sent_at: Option<i64>,
    /// The local clock now; diagnosis stays pure, so the caller passes it.
    pub now: Option<i64>,
    /// The last nonce known to be used with this API key.
    pub last_nonce: Option<u64>,
    /// The highest nonce this machine's nonce store has handed out for this API key, read
    /// when diagnosing: above the nonce sent, another sender here took a later one.
    pub nonce_issued_last: Option<u64>,
    /// The server's `detail.reason` on a 1020: signature, timestamp, nonce, apikey, headers.
    pub server_reason: Option<String>,
    /// The accepted clock skew, in seconds.
    pub skew_window: i64,
}

impl Default for Evidence {
    fn default() -> Self {
        Evidence {
            signed: Signed::default(),
            sent: Sent::default(),
            public_key: None,
            key_source: None,
            registered_fingerprint: None,
            api_key_from_file: false,
            server_date: None,
            sent_at: None,
            now: None,
            last_nonce: None,
            nonce_issued_last: None,
            server_reason: None,
            skew_window: DEFAULT_SKEW_WINDOW,
        }
    }
}

/// What a cause is about. The TUI picks icons and highlights by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CauseKind {
    /// The result of checking the x-sign locally.
    LocalVerification,
    /// The x-sign is not base64url without padding, or has the wrong length.
    XSignEncoding,
    /// The x-sign was made by another private key.
    WrongKey,
    /// The key is not the one registered for the API key.
    KeyNotRegistered,
    /// The body bytes differ (a trailing newline, a BOM, CRLF, other content).
    BodyBytes,
    /// Only the start of the body sent was kept; a body given is compared by its SHA-256.
    BodyKeptInPart,
    /// The same JSON value, reformatted (pretty against compact).
    BodyReformatted,
    /// The same JSON value, indented with tabs.
    BodyTabIndented,
    /// The same JSON value, keys in another order.
    BodyKeysReordered,
    /// The URL sent is not the URL signed.
    Url,
    /// The x-timestamp sent is not the one signed, or the x-nonce.
    ValueMismatch,
    /// The timestamp is outside the server's window.
    StaleTimestamp,
    /// The local clock is off from the server's.
    ClockSkew,
    NonceNotIncreasing,
    ApiKeyWhitespace,
    /// The server does not know the API key.
    ApiKeyUnknown,
    /// An auth header is missing, doubled or malformed.
    Headers,
    /// A request signed for one API sent to the other (qredo-v1 to /api/v1/p, or back).
    SchemeMixed,
    /// A Qredo timestamp in milliseconds or nanoseconds, not seconds.
    TimestampUnit,
    /// The method left out of, or differing in, a Qredo payload.
    Method,
    /// The Qredo secret decoded with the wrong alphabet, or not decoded.
    SecretDecoding,
    /// The same x-sign sent again while its timestamp was in the window.
    Replay,
    /// A Qredo API v2 token missing, expired, refused, or for another workspace.
    Token,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// This makes the server refuse the request.
    Cause,
    /// This may make it refuse the request, or will soon.
    Warning,
    /// Worth knowing; not a fault.
    Info,
    /// Checked and fine.
    Pass,
}

/// One finding: what, why, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub kind: CauseKind,
    pub severity: Severity,
    pub title: String,
    pub detail: Vec<String>,
    /// What to do about it; empty for a pass.
    pub fix: String,
    /// Signed against sent bytes, for URL and body causes.
    pub diff: Option<ByteDiff>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictKind {
    /// At least one cause was named.
    Found,
    /// No certain cause, but warnings that may explain it.
    Suspected,
    /// Every check passed: the request as given should be accepted.
    Clean,
    /// Too little evidence to check much; the summary says what to add.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub kind: VerdictKind,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Causes first, then warnings, notes and passes.
    pub findings: Vec<Cause>,
    pub verdict: Verdict,
    pub local_check: LocalCheck,
    /// The clocks, when a timestamp was used.
    pub clock: Option<ClockReading>,
}

impl Report {
    pub fn causes(&self) -> impl Iterator<Item = &Cause> {
        self.findings
            .iter()
            .filter(|c| c.severity == Severity::Cause)
    }

    pub fn has(&self, kind: CauseKind) -> bool {
        self.causes().any(|c| c.kind == kind)
    }
}

/// Names why a request was (or would be) refused.
pub fn diagnose(ev: &Evidence) -> Report {
    findings::diagnose(ev)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_rewrites;
