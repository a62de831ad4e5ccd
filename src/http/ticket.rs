//! Build → ticket: everything that will go on the wire, fixed before sending.
//!
//! A ticket is cheap to rebuild, so a replay builds a new one (fresh timestamp or nonce,
//! fresh x-sign) from the same `RequestSpec` rather than resending old headers.

use crate::signing::{
    AuthMode, AuthValue, Payload, RequestSigner, Scheme, SignedRequest, UrlError, WireUrl, wire_url,
};
use bytes::Bytes;
use reqwest::Method;
use std::fmt;
use std::sync::Arc;

/// A request as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSpec {
    pub method: Method,
    /// Absolute, exactly as typed (see `store::collection::join_url` for relative input).
    pub url: String,
    /// Sent and signed byte for byte; shared, not copied, on its way to the wire.
    pub body: Bytes,
    /// Unsigned extras (a profile's headers). They may not replace the auth headers.
    pub extra_headers: Vec<(String, String)>,
}

impl RequestSpec {
    pub fn new(method: Method, url: impl Into<String>, body: impl Into<Bytes>) -> Self {
        RequestSpec {
            method,
            url: url.into(),
            body: body.into(),
            extra_headers: Vec::new(),
        }
    }
}

/// Who sends: the API key and, unless signing is off (a `play`-style profile), the signer.
#[derive(Clone)]
pub struct Credentials {
    pub api_key: String,
    /// `None` sends the API key alone: no x-sign, no x-timestamp or x-nonce.
    pub signer: Option<Arc<dyn RequestSigner>>,
    pub mode: AuthMode,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &mask_api_key(&self.api_key))
            .field("signer", &self.signer.as_ref().map(|s| s.scheme()))
            .field("mode", &self.mode)
            .finish()
    }
}

/// Why a request cannot be built. Each message names the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Url(#[from] UrlError),
    #[error(
        "{scheme}:// is a websocket URL; `send` speaks http(s). Use `xsign listen` for feeds, or write https://"
    )]
    NotHttp { scheme: String },
    #[error(
        "the URL holds a user name or password (user:pass@host): the HTTP library moves it to an Authorization header, so the URL on the wire would not be the one signed. Remove it"
    )]
    UserInfo,
    #[error(
        "the profile signs with {mode:?} but was given a {given}; pass a {want} value",
        want = match mode { AuthMode::Timestamp => "timestamp", AuthMode::Nonce => "nonce" }
    )]
    ModeMismatch { mode: AuthMode, given: &'static str },
    #[error(
        "the API key holds a line break or control character, which cannot go in a header: check the API key file (copy the key again from the web app)"
    )]
    ApiKeyNotHeaderSafe,
    #[error(
        "the Qredo API v2 token is empty or holds a line break: `xsign token clear` and send again to fetch a new one"
    )]
    TokenNotHeaderSafe,
    #[error("the API key is empty: save the key from the web app in the API key file")]
    ApiKeyEmpty,
    #[error("{name:?} is not a valid header name: use letters, digits and '-'")]
    HeaderName { name: String },
    #[error("the value of header {name} holds a line break or control character; remove it")]
    HeaderValue { name: String },
    #[error(
        "the extra header {name} would replace the one xsign computes; remove it from the profile or request"
    )]
    ReservedHeader { name: String },
}

/// Everything that goes on the wire, fixed: the signed bytes are exactly the sent bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub method: Method,
    /// The URL as typed, as it goes on the wire (this one is signed), and what changed.
    pub wire: WireUrl,
    pub body: Bytes,
    /// Every header xsign sets, in order (the HTTP library adds `host` and `content-length`).
    pub headers: Vec<(String, String)>,
    /// `None` when signing is off.
    pub signed: Option<SignedRequest>,
    /// Which scheme and key made `signed`, for the history.
    pub signed_by: Option<SignedBy>,
}

/// Which scheme and key signed a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBy {
    pub scheme: String,
    pub fingerprint: Option<String>,
}

impl Ticket {
    pub fn wire_url(&self) -> &str {
        &self.wire.wire
    }

    pub fn typed_url(&self) -> &str {
        &self.wire.typed
    }

    /// True when the HTTP library rewrites the typed URL; show both then.
    pub fn url_rewritten(&self) -> bool {
        self.wire.differs()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The scheme that signed the ticket (a v2 token ticket's is `qredo-v2`); the Partner
    /// API's when signing is off.
    pub fn scheme(&self) -> Scheme {
        match (&self.signed, &self.signed_by) {
            (Some(s), _) => s.scheme,
            (None, Some(by)) => Scheme::parse(&by.scheme).unwrap_or_default(),
            (None, None) => Scheme::PartnerRsa,
        }
    }

    /// The Qredo API v2 token the ticket carries, if it is a token ticket.
    pub fn token(&self) -> Option<&str> {
        self.header(crate::signing::TOKEN_HEADER)
    }

    pub fn api_key(&self) -> &str {
        self.header(self.scheme().api_key_header())
            .unwrap_or_default()
    }

    /// The payload that was signed, if signing is on.
    pub fn payload(&self) -> Option<Payload> {
        self.signed
            .as_ref()
            .map(|s| s.payload(self.method.as_str(), self.wire_url(), &self.body))
    }

    /// The headers to show on screen: the API key and every other secret masked.
    pub fn headers_masked(&self) -> Vec<(String, String)> {
        crate::secret::mask_headers(&self.headers)
    }

    /// A method whose request carries a body, so an empty one is sent as `content-length: 0`.
    pub fn expects_body(&self) -> bool {
        matches!(self.method, Method::POST | Method::PUT | Method::PATCH)
    }

    /// The headers the HTTP library adds on its own, for a faithful `-v`.
    pub fn implicit_headers(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let url = self.wire.url();
        let host = url.host_str().unwrap_or_default();
        let host = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        };
        out.push(("host".to_string(), host));
        if !self.body.is_empty() || self.expects_body() {
            out.push(("content-length".to_string(), self.body.len().to_string()));
        }
        out
    }
}

/// Headers the HTTP library sets; every scheme's auth headers are reserved too.
const RESERVED: [&str; 2] = ["host", "content-length"];

use crate::secret::mask_api_key;

/// Computes the on-wire URL, signs that string with the body, and fixes every header.
pub fn build_ticket(
    spec: &RequestSpec,
    creds: &Credentials,
    value: AuthValue,
) -> Result<Ticket, BuildError> {
    build(spec, creds, Auth::Signed(value))
}

/// A Qredo API v2 call: the same URL and header checks, carrying `token` as `x-token`
/// instead of a signature (the token was bought with one; see `http::token`).
pub fn build_token_ticket(
    spec: &RequestSpec,
    creds: &Credentials,
    token: &str,
) -> Result<Ticket, BuildError> {
    build(spec, creds, Auth::Token(token))
}

enum Auth<'a> {
    Signed(AuthValue),
    Token(&'a str),
}

fn build(spec: &RequestSpec, creds: &Credentials, auth: Auth<'_>) -> Result<Ticket, BuildError> {
    let wire = wire_url(&spec.url)?;
    if !matches!(wire.url().scheme(), "http" | "https") {
        return Err(BuildError::NotHttp {
            scheme: wire.url().scheme().to_string(),
        });
    }
    if !wire.url().username().is_empty() || wire.url().password().is_some() {
        return Err(BuildError::UserInfo);
    }
    if creds.api_key.is_empty() {
        return Err(BuildError::ApiKeyEmpty);
    }
    if !header_safe(&creds.api_key) {
        return Err(BuildError::ApiKeyNotHeaderSafe);
    }
    let scheme = creds
        .signer
        .as_ref()
        .map_or(Scheme::PartnerRsa, |s| s.scheme());
    let mut headers = vec![(scheme.api_key_header().to_string(), creds.api_key.clone())];
    let value = match auth {
        Auth::Signed(value) => value,
        Auth::Token(token) => {
            if token.is_empty() || !header_safe(token) {
                return Err(BuildError::TokenNotHeaderSafe);
            }
            headers = vec![(crate::signing::TOKEN_HEADER.to_string(), token.to_string())];
            let mut t = finish(spec, wire, headers, None, None)?;
            t.signed_by = Some(SignedBy {
                scheme: Scheme::QredoV2.to_string(),
                fingerprint: None,
            });
            return Ok(t);
        }
    };
    let signed = match &creds.signer {
        Some(signer) => {
            if value.mode() != creds.mode {
                return Err(BuildError::ModeMismatch {
                    mode: creds.mode,
                    given: value.mode_name(),
                });
            }
            let signed = signer.sign(spec.method.as_str(), &wire.wire, &spec.body, value);
            for (name, v) in signed.headers() {
                headers.push((name.to_string(), v));
            }
            Some(signed)
        }
        None => None,
    };
    let signed_by = signed
        .as_ref()
        .and(creds.signer.as_ref())
        .map(|s| SignedBy {
            scheme: s.scheme().to_string(),
            fingerprint: s.key_fingerprint().map(str::to_string),
        });
    finish(spec, wire, headers, signed, signed_by)
}

/// The content type, `accept`, `user-agent` and the spec's extras after the auth headers.
fn finish(
    spec: &RequestSpec,
    wire: WireUrl,
    mut headers: Vec<(String, String)>,
    signed: Option<SignedRequest>,
    signed_by: Option<SignedBy>,
) -> Result<Ticket, BuildError> {
    let mut content_type = (!spec.body.is_empty()).then(|| "application/json".to_string());
    let mut extras = Vec::new();
    for (name, v) in &spec.extra_headers {
        let lower = name.to_ascii_lowercase();
        if RESERVED.contains(&lower.as_str())
            || Scheme::reserved_headers().contains(&lower.as_str())
        {
            return Err(BuildError::ReservedHeader { name: name.clone() });
        }
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(BuildError::HeaderName { name: name.clone() });
        }
        if !header_safe(v) {
            return Err(BuildError::HeaderValue { name: name.clone() });
        }
        if lower == "content-type" {
            content_type = Some(v.clone());
        } else {
            extras.push((lower, v.clone()));
        }
    }
    if let Some(ct) = content_type {
        headers.push(("content-type".to_string(), ct));
    }
    headers.push(("accept".to_string(), "application/json".to_string()));
    headers.push((
        "user-agent".to_string(),
        concat!("xsign/", env!("CARGO_PKG_VERSION")).to_string(),
    ));
    // Extras last so they override `accept` and `user-agent` when a profile sets them.
    for (name, v) in extras {
        headers.retain(|(n, _)| *n != name);
        headers.push((name, v));
    }
    Ok(Ticket {
        method: spec.method.clone(),
        wire,
        body: spec.body.clone(),
        headers,
        signed_by,
        signed,
    })
}

fn header_safe(v: &str) -> bool {
    reqwest::header::HeaderValue::from_str(v).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::{PrivateKey, RsaSigner, verify_x_sign};
    use std::path::Path;

    fn key() -> PrivateKey {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/test-rsa2048.pkcs1.pem");
        PrivateKey::from_file(&path).unwrap()
    }

    fn creds(mode: AuthMode) -> Credentials {
        Credentials {
            api_key: "abcdefgh".into(),
            signer: Some(Arc::new(RsaSigner::new(key()))),
            mode,
        }
    }

    #[test]
    fn signs_the_wire_url_not_the_typed_one() {
        let spec = RequestSpec::new(Method::GET, "HTTP://LocalHost:80/api/v1/p/company", vec![]);
        let t = build_ticket(&spec, &creds(AuthMode::Timestamp), AuthValue::Timestamp(5)).unwrap();
        assert_eq!(t.wire_url(), "http://localhost/api/v1/p/company");
        assert!(t.url_rewritten());
        let payload = t.payload().unwrap();
        assert_eq!(payload.as_bytes(), b"5http://localhost/api/v1/p/company");
        let x_sign = t.header("x-sign").unwrap();
        verify_x_sign(&key().public_key(), &payload, x_sign).unwrap();
    }

    #[test]
    fn content_type_only_with_a_body_and_exact_body_kept() {
        let c = creds(AuthMode::Timestamp);
        let get = RequestSpec::new(Method::GET, "http://h/api/v1/p/assets", vec![]);
        let t = build_ticket(&get, &c, AuthValue::Timestamp(1)).unwrap();
        assert_eq!(t.header("content-type"), None);
        let body = b"{\n\t\"a\": 1\n}\n".to_vec();
        let post = RequestSpec::new(Method::POST, "http://h/api/v1/p/company", body.clone());
        let t = build_ticket(&post, &c, AuthValue::Timestamp(1)).unwrap();
        assert_eq!(t.header("content-type"), Some("application/json"));
        assert_eq!(t.body, body);
        assert_eq!(t.payload().unwrap().body_part(), &body[..]);
    }

    #[test]
    fn nonce_mode_sends_x_nonce_and_refuses_a_timestamp() {
        let c = creds(AuthMode::Nonce);
        let spec = RequestSpec::new(Method::GET, "http://h/api/v1/p/assets", vec![]);
        let t = build_ticket(&spec, &c, AuthValue::Nonce(42)).unwrap();
        assert_eq!(t.header("x-nonce"), Some("42"));
        assert_eq!(t.header("x-timestamp"), None);
        let err = build_ticket(&spec, &c, AuthValue::Timestamp(1)).unwrap_err();
        assert!(matches!(err, BuildError::ModeMismatch { .. }), "{err}");
    }

    #[test]
    fn signing_off_sends_only_the_api_key() {
        let c = Credentials {
            api_key: "k".into(),
            signer: None,
            mode: AuthMode::Timestamp,
        };
        let spec = RequestSpec::new(
            Method::GET,
            "https://play-api.qredo.network/api/v1/p/assets",
            vec![],
        );
        let t = build_ticket(&spec, &c, AuthValue::Timestamp(1)).unwrap();
        assert_eq!(t.header("x-api-key"), Some("k"));
        assert_eq!(t.header("x-sign"), None);
        assert_eq!(t.header("x-timestamp"), None);
        assert!(t.payload().is_none());
    }

    #[test]
    fn refuses_bad_api_keys_and_reserved_extras() {
        let mut c = creds(AuthMode::Timestamp);
        let mut spec = RequestSpec::new(Method::GET, "http://h/api/v1/p/assets", vec![]);
        c.api_key = "abc\n".into();
        assert_eq!(
            build_ticket(&spec, &c, AuthValue::Timestamp(1)).unwrap_err(),
            BuildError::ApiKeyNotHeaderSafe
        );
        c.api_key = "abc".into();
        spec.extra_headers.push(("X-Sign".into(), "forged".into()));
        assert!(matches!(
            build_ticket(&spec, &c, AuthValue::Timestamp(1)).unwrap_err(),
            BuildError::ReservedHeader { .. }
        ));
        spec.extra_headers = vec![("x-trace".into(), "1".into())];
        let t = build_ticket(&spec, &c, AuthValue::Timestamp(1)).unwrap();
        assert_eq!(t.header("x-trace"), Some("1"));
    }

    #[test]
    fn refuses_urls_that_cannot_be_sent_as_signed() {
        let c = creds(AuthMode::Timestamp);
        for (url, want) in [
            ("wss://h/api/v1/p/wallets/feed", "websocket"),
            ("https://u:p@h/api/v1/p/assets", "user name or password"),
            ("/company", "not a full URL"),
        ] {
            let spec = RequestSpec::new(Method::GET, url, vec![]);
            let err = build_ticket(&spec, &c, AuthValue::Timestamp(1)).unwrap_err();
            assert!(err.to_string().contains(want), "{url}: {err}");
        }
    }

    #[test]
    fn masks_the_api_key() {
        let t = build_ticket(
            &RequestSpec::new(Method::GET, "http://h/api/v1/p/assets", vec![]),
            &creds(AuthMode::Timestamp),
            AuthValue::Timestamp(1),
        )
        .unwrap();
        assert!(
            t.headers_masked()
                .contains(&("x-api-key".into(), "****".into()))
        );
        assert!(!format!("{:?}", creds(AuthMode::Timestamp)).contains("abcdefgh"));
    }
}
