//! The Qredo API v2 token: a JWT (RFC 7519) that `GET /workspaces/{id}/token` returns.
//!
//! The client only reads its claims (`exp`, the workspace) to know when to fetch a new one:
//! it cannot check the signature, which is the server's. The mock issues and checks HS256
//! tokens with the same HMAC-SHA256 the v1 scheme uses (aws-lc-rs), so one implementation
//! serves both; a JWT crate would add a dozen crates for one HMAC and a base64 split.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The longest token accepted from a server or a cache file: real ones are well under 2 KiB.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// What a token says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenClaims {
    /// Expiry, Unix seconds.
    pub exp: i64,
    /// Issued at, Unix seconds, when the token says.
    pub iat: Option<i64>,
    /// The workspace the token was issued for (`wid`), when the token says.
    pub workspace: Option<String>,
}

/// Why a text is not a usable token. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("the token is empty: fetch a new one (`xsign token clear`, then send again)")]
    Empty,
    #[error(
        "the token is {len} bytes, more than a JWT ever is ({MAX_TOKEN_LEN}): it is not a token"
    )]
    TooLong { len: usize },
    #[error(
        "the token is not a JWT (three base64url parts joined by dots): {reason}; fetch a new one with `xsign token clear`"
    )]
    Malformed { reason: String },
    #[error("the token has no numeric `exp` claim, so its expiry is unknown")]
    NoExpiry,
}

fn malformed(reason: impl Into<String>) -> JwtError {
    JwtError::Malformed {
        reason: reason.into(),
    }
}

/// The three parts of a compact JWT, checked for shape.
fn split(token: &str) -> Result<[&str; 3], JwtError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(JwtError::Empty);
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(JwtError::TooLong { len: token.len() });
    }
    let mut it = token.split('.');
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some(h), Some(p), Some(s), None) => Ok([h, p, s]),
        _ => Err(malformed("it does not have exactly three parts")),
    }
}

fn json_part(part: &str, what: &str) -> Result<serde_json::Value, JwtError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| malformed(format!("its {what} is not base64url ({e})")))?;
    let v: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| malformed(format!("its {what} is not JSON ({e})")))?;
    if !v.is_object() {
        return Err(malformed(format!("its {what} is not a JSON object")));
    }
    Ok(v)
}

/// Reads the claims of `token` without checking its signature (the server does).
pub fn read_claims(token: &str) -> Result<TokenClaims, JwtError> {
    let [header, payload, _] = split(token)?;
    json_part(header, "header")?;
    let claims = json_part(payload, "payload")?;
    let exp = claims
        .get("exp")
        .and_then(serde_json::Value::as_i64)
        .ok_or(JwtError::NoExpiry)?;
    Ok(TokenClaims {
        exp,
        iat: claims.get("iat").and_then(serde_json::Value::as_i64),
        workspace: claims
            .get("wid")
            .and_then(serde_json::Value::as_str)
            .map(str::to_string),
    })
}

/// An HS256 JWT over `claims` (a JSON object) under `key`.
pub fn hs256_encode(key: &[u8], claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes());
    let signing_input = format!("{header}.{payload}");
    let sig = super::signer::hmac_sha256_b64url(key, &[signing_input.as_bytes()]);
    format!("{signing_input}.{sig}")
}

/// Why an HS256 token does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Hs256Error {
    #[error(transparent)]
    Shape(#[from] JwtError),
    #[error("the token's header names alg {0:?}, not HS256")]
    Algorithm(String),
    #[error(
        "the token's signature does not verify: it was not issued by this server, or was altered"
    )]
    Signature,
    #[error("the token expired at {exp} ({ago} s ago)")]
    Expired { exp: i64, ago: i64 },
}

/// Checks an HS256 token's header, signature (constant time) and expiry at `now`, and
/// returns its claims object.
pub fn hs256_verify(key: &[u8], token: &str, now: i64) -> Result<serde_json::Value, Hs256Error> {
    use aws_lc_rs::hmac;
    let [header, payload, sig] = split(token)?;
    let h = json_part(header, "header")?;
    let alg = h
        .get("alg")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    if alg != "HS256" {
        return Err(Hs256Error::Algorithm(alg.to_string()));
    }
    let raw_sig = URL_SAFE_NO_PAD
        .decode(sig.trim_end_matches('='))
        .map_err(|_| Hs256Error::Signature)?;
    let k = hmac::Key::new(hmac::HMAC_SHA256, key);
    let input = &token.trim()[..header.len() + 1 + payload.len()];
    hmac::verify(&k, input.as_bytes(), &raw_sig).map_err(|_| Hs256Error::Signature)?;
    let claims = json_part(payload, "payload")?;
    let exp = claims
        .get("exp")
        .and_then(serde_json::Value::as_i64)
        .ok_or(JwtError::NoExpiry)?;
    if exp <= now {
        return Err(Hs256Error::Expired {
            exp,
            ago: now - exp,
        });
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_issued_token_reads_back_and_verifies_until_it_expires() {
        let t = hs256_encode(b"k", &json!({"exp": 200, "iat": 100, "wid": "ws1"}));
        let c = read_claims(&t).unwrap();
        assert_eq!(c.exp, 200);
        assert_eq!(c.iat, Some(100));
        assert_eq!(c.workspace.as_deref(), Some("ws1"));
        assert!(hs256_verify(b"k", &t, 199).is_ok());
        assert_eq!(
            hs256_verify(b"k", &t, 210),
            Err(Hs256Error::Expired { exp: 200, ago: 10 })
        );
        assert_eq!(hs256_verify(b"other", &t, 150), Err(Hs256Error::Signature));
    }

    #[test]
    fn a_forged_payload_or_alg_none_is_refused() {
        let t = hs256_encode(b"k", &json!({"exp": 200, "wid": "ws1"}));
        let parts: Vec<&str> = t.split('.').collect();
        let forged_payload = URL_SAFE_NO_PAD.encode(br#"{"exp":9999999999,"wid":"ws1"}"#);
        let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
        assert_eq!(hs256_verify(b"k", &forged, 150), Err(Hs256Error::Signature));
        let none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        let unsigned = format!("{none}.{}.", parts[1]);
        assert_eq!(
            hs256_verify(b"k", &unsigned, 150),
            Err(Hs256Error::Algorithm("none".into()))
        );
    }

    #[test]
    fn bad_shapes_say_what_is_wrong() {
        assert_eq!(read_claims(" "), Err(JwtError::Empty));
        assert!(matches!(
            read_claims("a.b"),
            Err(JwtError::Malformed { .. })
        ));
        assert!(matches!(
            read_claims("!!.e30.x"),
            Err(JwtError::Malformed { .. })
        ));
        let no_exp = hs256_encode(b"k", &json!({"wid": "w"}));
        assert_eq!(read_claims(&no_exp), Err(JwtError::NoExpiry));
        let long = "a".repeat(MAX_TOKEN_LEN + 1);
        assert!(matches!(read_claims(&long), Err(JwtError::TooLong { .. })));
    }
}
