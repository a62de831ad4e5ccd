//! Why a Qredo API v1/v2 HMAC does not match: the mistakes the guide invites, each tried
//! against the signature that was sent. Pure; the mock's judge and the doctor share it.

use crate::secret::QredoSecret;
use crate::signing::hmac_sha256_b64url;
pub use crate::time::timestamp_unit;

/// One named cause of a wrong `qredo-api-sig`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HmacCause {
    /// Signed ts + URL + body: the method left out.
    MethodMissing,
    /// Signed with another method than the one sent.
    MethodDiffers { signed: String, sent: String },
    /// The secret decoded with standard base64, which drops `-` and `_`.
    SecretStandardAlphabet,
    /// The secret's text used as the key, not decoded.
    SecretNotDecoded,
    /// `json.dumps(body)` (spaces after `:` and `,`) signed, the compact body sent.
    JsonDumpsSpacing,
}

impl HmacCause {
    /// What happened and what to do, in one line.
    pub fn explain(&self) -> String {
        match self {
            HmacCause::MethodMissing => "the method is missing from the signed bytes: v1 signs ts + METHOD + URL + body (e.g. 1700000000GEThttps://api.qredo.network/qapi/v1/balance)".into(),
            HmacCause::MethodDiffers { signed, sent } => format!(
                "the signature covers the method {signed} but the request was sent as {sent}: sign the method you send"
            ),
            HmacCause::SecretStandardAlphabet => "the secret was decoded with standard base64 (Python's base64.b64decode), which silently drops `-` and `_`: decode it as base64url (base64.urlsafe_b64decode)".into(),
            HmacCause::SecretNotDecoded => "the secret's text was used as the HMAC key: base64url-decode it first".into(),
            HmacCause::JsonDumpsSpacing => "the signed body was json.dumps(body) with spaces after `:` and `,`, but the body sent is compact: sign the exact bytes you send".into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            HmacCause::MethodMissing => "method-missing",
            HmacCause::MethodDiffers { .. } => "method-differs",
            HmacCause::SecretStandardAlphabet => "secret-standard-base64",
            HmacCause::SecretNotDecoded => "secret-not-decoded",
            HmacCause::JsonDumpsSpacing => "json-dumps-spacing",
        }
    }
}

/// A request as it arrived: the exact bytes and the signature it carried.
#[derive(Debug, Clone, Copy)]
pub struct HmacSent<'a> {
    pub ts: &'a str,
    pub method: &'a str,
    pub url: &'a str,
    pub body: &'a [u8],
    pub sig: &'a str,
}

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

/// The cause that reproduces `sent.sig` exactly, if one does. Each try is one HMAC.
pub fn hmac_cause(secret: &QredoSecret, sent: &HmacSent<'_>) -> Option<HmacCause> {
    let key = secret.key();
    let (ts, url, body) = (sent.ts.as_bytes(), sent.url.as_bytes(), sent.body);
    let is = |key: &[u8], parts: &[&[u8]]| hmac_sha256_b64url(key, parts).as_str() == sent.sig;
    if is(key, &[ts, url, body]) {
        return Some(HmacCause::MethodMissing);
    }
    for m in METHODS.iter().filter(|m| **m != sent.method) {
        if is(key, &[ts, m.as_bytes(), url, body]) {
            return Some(HmacCause::MethodDiffers {
                signed: m.to_string(),
                sent: sent.method.to_string(),
            });
        }
    }
    let method = sent.method.as_bytes();
    if let Some(wrong) = secret.misdecoded_standard()
        && is(&wrong, &[ts, method, url, body])
    {
        return Some(HmacCause::SecretStandardAlphabet);
    }
    if is(secret.expose_text().as_bytes(), &[ts, method, url, body]) {
        return Some(HmacCause::SecretNotDecoded);
    }
    if let Some(spaced) = json_dumps_spacing(body)
        && is(key, &[ts, method, url, &spaced])
    {
        return Some(HmacCause::JsonDumpsSpacing);
    }
    None
}

/// `body` as Python's `json.dumps` writes it (", " and ": " separators, non-ASCII
/// escaped), when it is JSON and that differs from what was sent.
pub fn json_dumps_spacing(body: &[u8]) -> Option<Vec<u8>> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut out = String::new();
    dumps(&value, &mut out);
    (out.as_bytes() != body).then(|| out.into_bytes())
}

fn dumps(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                dumps(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                dumps_str(k, out);
                out.push_str(": ");
                dumps(item, out);
            }
            out.push('}');
        }
        Value::String(s) => dumps_str(s, out),
        other => out.push_str(&other.to_string()),
    }
}

/// A string as `json.dumps` (ensure_ascii) writes it.
fn dumps_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
#[path = "qredo_tests.rs"]
mod tests;
