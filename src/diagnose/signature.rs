//! The local signature check: does the x-sign verify, and over which bytes?

use super::{body, url};
use crate::signing::{AuthValue, Payload, PublicKey, VerifyError, verify_x_sign};

/// Bodies above this size are not searched for variants: each variant is hashed once per
/// URL variant (about 130 payloads), which near this size costs about 0.1 s. The plain
/// checks still run. See benches/diagnose.rs.
const VARIANT_SEARCH_MAX_BODY: usize = 256 * 1024;

/// What the local check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalCheck {
    /// Something needed is unknown: the public key, the x-sign, or the timestamp/nonce.
    NotPossible { missing: Vec<&'static str> },
    /// The x-sign verifies over exactly what was sent: the bytes are not the problem.
    VerifiesOverSent,
    /// The x-sign verifies over what was signed, which is not what was sent.
    VerifiesOverSigned,
    /// The x-sign verifies over a nearby form of what was sent: that form was signed.
    VerifiesOverVariant {
        /// What the variant is, e.g. "the body as compact JSON".
        label: String,
        url: String,
        body: Vec<u8>,
    },
    /// The x-sign is not base64url of the right length.
    BadEncoding(VerifyError),
    /// Not over the sent bytes, the signed bytes, or any nearby variant.
    Fails,
}

/// One side of the request: the value, the URL and the body.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub value: AuthValue,
    pub url: &'a str,
    pub body: &'a [u8],
}

pub fn check(key: &PublicKey, x_sign: &str, sent: Side<'_>, signed: Side<'_>) -> LocalCheck {
    let verifies = |value, url: &str, body: &[u8]| -> Result<(), VerifyError> {
        verify_x_sign(key, &Payload::new(value, url, body), x_sign)
    };
    match verifies(sent.value, sent.url, sent.body) {
        Ok(()) => return LocalCheck::VerifiesOverSent,
        Err(VerifyError::Mismatch) => {}
        Err(other) => return LocalCheck::BadEncoding(other),
    }
    let signed_differs =
        signed.value != sent.value || signed.url != sent.url || signed.body != sent.body;
    if signed_differs && verifies(signed.value, signed.url, signed.body).is_ok() {
        return LocalCheck::VerifiesOverSigned;
    }
    // Search nearby forms of what was sent: the usual slips between signing and sending.
    let mut urls = vec![(String::new(), sent.url.to_string())];
    urls.extend(
        url::variants(sent.url)
            .into_iter()
            .map(|(l, u)| (format!("the URL {l}"), u)),
    );
    let mut bodies = vec![(String::new(), sent.body.to_vec())];
    if sent.body.len() <= VARIANT_SEARCH_MAX_BODY {
        bodies.extend(
            body::variants(sent.body)
                .into_iter()
                .map(|(l, b)| (l.to_string(), b)),
        );
    }
    for (url_label, u) in &urls {
        for (body_label, b) in &bodies {
            if url_label.is_empty() && body_label.is_empty() {
                continue;
            }
            if verifies(sent.value, u, b).is_ok() {
                let label = match (url_label.is_empty(), body_label.is_empty()) {
                    (false, false) => format!("{url_label} and {body_label}"),
                    (false, true) => url_label.clone(),
                    _ => body_label.clone(),
                };
                return LocalCheck::VerifiesOverVariant {
                    label,
                    url: u.clone(),
                    body: b.clone(),
                };
            }
        }
    }
    LocalCheck::Fails
}
