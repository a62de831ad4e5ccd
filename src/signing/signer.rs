use super::key::PrivateKey;
use super::payload::{AuthValue, Payload};
use super::scheme::Scheme;
use crate::secret::QredoSecret;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::fmt;

/// An `x-sign` value: base64url without padding of the RSA signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct XSign(String);

impl XSign {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for XSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn encode_signature(raw: &[u8]) -> XSign {
    XSign(URL_SAFE_NO_PAD.encode(raw))
}

/// What a signer produced for one request: the headers to send and the facts to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub scheme: Scheme,
    pub value: AuthValue,
    /// Hex SHA-256 of the payload.
    pub hash_hex: String,
    pub x_sign: XSign,
}

impl SignedRequest {
    /// The auth headers, minus the API key's which the caller owns.
    pub fn headers(&self) -> [(&'static str, String); 2] {
        [
            (self.value_header(), self.value.to_string()),
            (self.scheme.signature_header(), self.x_sign.to_string()),
        ]
    }

    /// The header carrying the value: `x-timestamp`/`x-nonce`, or the scheme's own.
    pub fn value_header(&self) -> &'static str {
        match self.scheme {
            Scheme::PartnerRsa => self.value.header_name(),
            other => other.timestamp_header(),
        }
    }

    /// The bytes that were signed, given the method, the wire URL and the body.
    pub fn payload(&self, method: &str, url: &str, body: &[u8]) -> Payload {
        if self.scheme.signs_method() {
            Payload::with_method(self.value, method, url, body)
        } else {
            Payload::new(self.value, url, body)
        }
    }
}

/// The seam between a request and a signing scheme. The Partner API's RSA scheme is the
/// first; HMAC-based Qredo API schemes need the method too, so it is part of the input.
pub trait RequestSigner: Send + Sync {
    /// The scheme, whose name profiles and history spell: `partner-rsa`, `qredo-v1`, ….
    fn scheme(&self) -> Scheme;
    /// The fingerprint of the key that signs (`sha256:…`), recorded with each request so
    /// an old one is checked with the key that made it. `None` for a shared-secret scheme.
    fn key_fingerprint(&self) -> Option<&str> {
        None
    }
    fn sign(&self, method: &str, url: &str, body: &[u8], value: AuthValue) -> SignedRequest;
    /// The Qredo secret of an HMAC scheme, so the doctor checks a refused request with it.
    fn hmac_secret(&self) -> Option<&QredoSecret> {
        None
    }
}

/// Partner API: RSASSA-PKCS1-v1_5 over SHA-256 of value + URL + body.
#[derive(Debug)]
pub struct RsaSigner {
    key: PrivateKey,
}

impl RsaSigner {
    pub fn new(key: PrivateKey) -> Self {
        RsaSigner { key }
    }

    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// The raw signature over an already-built payload, with aws-lc-rs.
    pub fn sign_payload(&self, payload: &Payload) -> Vec<u8> {
        let key = self.key.aws_key();
        let mut sig = vec![0u8; key.public_modulus_len()];
        let rng = aws_lc_rs::rand::SystemRandom::new();
        key.sign(
            &aws_lc_rs::signature::RSA_PKCS1_SHA256,
            &rng,
            payload.as_bytes(),
            &mut sig,
        )
        .expect("signing with a validated RSA key and a sized buffer does not fail");
        sig
    }

    /// The same signature with the pure-Rust `rsa` crate: slower, kept to cross-check
    /// that both implementations give identical bytes.
    pub fn sign_payload_with_rsa_crate(&self, payload: &Payload) -> Vec<u8> {
        self.key
            .rsa_key()
            .expect("a key aws-lc loaded parses with the rsa crate")
            .sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &payload.sha256())
            .expect("PKCS#1 v1.5 signing with a validated key does not fail")
    }
}

impl RequestSigner for RsaSigner {
    fn scheme(&self) -> Scheme {
        Scheme::PartnerRsa
    }

    fn key_fingerprint(&self) -> Option<&str> {
        Some(&self.key.info().fingerprint)
    }

    /// Hashes value, URL and body in place (no payload copy) and signs that digest, so a
    /// large body is hashed once for both the shown Hash and the signature.
    fn sign(&self, _method: &str, url: &str, body: &[u8], value: AuthValue) -> SignedRequest {
        use aws_lc_rs::digest::{Context, SHA256};
        let mut ctx = Context::new(&SHA256);
        ctx.update(value.to_string().as_bytes());
        ctx.update(url.as_bytes());
        ctx.update(body);
        let digest = ctx.finish();
        let key = self.key.aws_key();
        let mut sig = vec![0u8; key.public_modulus_len()];
        key.sign_digest(&aws_lc_rs::signature::RSA_PKCS1_SHA256, &digest, &mut sig)
            .expect("signing a SHA-256 digest with a validated RSA key does not fail");
        SignedRequest {
            scheme: Scheme::PartnerRsa,
            value,
            hash_hex: hex::encode(digest.as_ref()),
            x_sign: encode_signature(&sig),
        }
    }
}

/// Qredo API v1: HMAC-SHA256 keyed with the decoded API secret over ts + METHOD + URL +
/// body, base64url without padding. aws-lc-rs's `hmac` (already the RSA backend) rather
/// than another crate.
#[derive(Debug, Clone)]
pub struct HmacV1Signer {
    secret: QredoSecret,
    scheme: Scheme,
}

impl HmacV1Signer {
    pub fn new(secret: QredoSecret) -> Self {
        HmacV1Signer {
            secret,
            scheme: Scheme::QredoV1,
        }
    }

    /// The same HMAC with v2's header names (its token request signs ts + `GET` + URL).
    pub fn v2(secret: QredoSecret) -> Self {
        HmacV1Signer {
            secret,
            scheme: Scheme::QredoV2,
        }
    }

    pub fn secret(&self) -> &QredoSecret {
        &self.secret
    }
}

/// HMAC-SHA256 of `parts` under `key`, as the `qredo-api-sig` text.
pub fn hmac_sha256_b64url(key: &[u8], parts: &[&[u8]]) -> XSign {
    use aws_lc_rs::hmac;
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&key);
    for p in parts {
        ctx.update(p);
    }
    encode_signature(ctx.sign().as_ref())
}

impl RequestSigner for HmacV1Signer {
    fn scheme(&self) -> Scheme {
        self.scheme
    }

    fn hmac_secret(&self) -> Option<&QredoSecret> {
        Some(&self.secret)
    }

    fn sign(&self, method: &str, url: &str, body: &[u8], value: AuthValue) -> SignedRequest {
        let ts = value.to_string();
        let parts: [&[u8]; 4] = [ts.as_bytes(), method.as_bytes(), url.as_bytes(), body];
        let mut hash = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
        for p in parts {
            hash.update(p);
        }
        SignedRequest {
            scheme: self.scheme,
            value,
            hash_hex: hex::encode(hash.finish().as_ref()),
            x_sign: hmac_sha256_b64url(self.secret.key(), &parts),
        }
    }
}

#[cfg(test)]
#[path = "hmac_tests.rs"]
mod hmac_tests;
