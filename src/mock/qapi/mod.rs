//! The Qredo API v1 under `/qapi/v1`: HMAC judged exactly with the secret registered for
//! the `qredo-api-key` (`xsign mock --qredo-secret`), refusals in the API's error shape
//! (`{"code", "msg", "detail": {"reason"}}`), and a wrong signature explained by the
//! mistake that reproduces it (`diagnose::qredo`), in the reason and `x-mock-detail`.

mod routes;
pub mod v2;

use super::ids::owner_tag;
use crate::diagnose::qredo::{HmacSent, hmac_cause, timestamp_unit};
use crate::secret::QredoSecret;
use crate::signing::{Scheme, hmac_sha256_b64url};
use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;

pub(crate) use routes::{QCaller, router};

pub use crate::diagnose::qredo_doctor::QAPI_V1_PREFIX;

pub fn is_qapi(path: &str) -> bool {
    path.strip_prefix(QAPI_V1_PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The registered secrets and the v1 state (transactions created), per owner.
#[derive(Default)]
pub(crate) struct QredoState {
    secrets: Mutex<HashMap<String, QredoSecret>>,
    pub(crate) transactions: Mutex<HashMap<String, serde_json::Value>>,
}

impl QredoState {
    pub fn register(&self, api_key: &str, secret: QredoSecret) {
        self.secrets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(api_key.to_string(), secret);
    }

    fn secret(&self, api_key: &str) -> Option<QredoSecret> {
        self.secrets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(api_key)
            .cloned()
    }
}

/// A v1 refusal: status, the API's `msg`, and the reason in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QapiError {
    pub status: StatusCode,
    pub msg: &'static str,
    pub reason: String,
}

impl QapiError {
    fn unauthorized(reason: impl Into<String>) -> Self {
        QapiError {
            status: StatusCode::UNAUTHORIZED,
            msg: "Unauthorized",
            reason: reason.into(),
        }
    }

    pub fn not_found(reason: impl Into<String>) -> Self {
        QapiError {
            status: StatusCode::NOT_FOUND,
            msg: "Not Found",
            reason: reason.into(),
        }
    }

    pub fn bad_request(reason: impl Into<String>) -> Self {
        QapiError {
            status: StatusCode::BAD_REQUEST,
            msg: "Bad Request",
            reason: reason.into(),
        }
    }
}

impl IntoResponse for QapiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "code": self.status.as_u16().to_string(),
            "msg": self.msg,
            "detail": {"reason": self.reason},
        });
        let mut r = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED
            && let Ok(v) = HeaderValue::from_str(&ascii(&self.reason))
        {
            r.headers_mut().insert("x-mock-detail", v);
        }
        r
    }
}

fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Judges one v1 request (or, with `Scheme::QredoV2`, a v2 token request, which signs
/// the same HMAC under v2's header names): Ok(owner tag) or the refusal naming what to fix.
#[allow(clippy::too_many_arguments)]
pub(crate) fn judge(
    state: &QredoState,
    v1: Scheme,
    skew_secs: i64,
    method: &str,
    url: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<String, QapiError> {
    let (key_h, ts_h, sig_h) = (
        v1.api_key_header(),
        v1.timestamp_header(),
        v1.signature_header(),
    );
    let Some(api_key) = header(headers, key_h) else {
        let partner = headers.contains_key("x-sign") || headers.contains_key("x-api-key");
        if headers.contains_key(crate::signing::TOKEN_HEADER) {
            return Err(QapiError::unauthorized(
                "this request carries x-token, a Qredo API v2 token: v1 takes no token. Sign it with qredo-v1 (qredo-api-key, qredo-api-ts, qredo-api-sig), or send it to the v2 API (/api/v2)",
            ));
        }
        return Err(QapiError::unauthorized(if partner {
            "this is a Partner API request (x-api-key, x-sign: scheme partner-rsa) sent to the Qredo API v1: sign it with qredo-v1 (qredo-api-key, qredo-api-ts, qredo-api-sig), or send it to /api/v1/p"
                .to_string()
        } else {
            format!("the {key_h} header is missing: send the API key from the web app")
        }));
    };
    let Some(secret) = state.secret(api_key) else {
        return Err(QapiError::unauthorized(
            "unknown qredo-api-key: register it with `xsign mock --qredo-secret FILE --qredo-api-key-file FILE` (or use `xsign demo`)",
        ));
    };
    let Some(ts_text) = header(headers, ts_h) else {
        return Err(QapiError::unauthorized(format!(
            "the {ts_h} header is missing: send the Unix time in seconds you signed"
        )));
    };
    let Ok(ts) = ts_text.trim().parse::<i64>() else {
        return Err(QapiError::unauthorized(format!(
            "{ts_h} {ts_text:?} is not a whole number: send Unix seconds, e.g. {now}"
        )));
    };
    if let Some(unit) = timestamp_unit(ts) {
        return Err(QapiError::unauthorized(format!(
            "{ts_h} {ts} is in {unit}, not seconds (the guide mentions nanoseconds once; every example uses seconds): send and sign Unix seconds, e.g. {now}"
        )));
    }
    if (ts - now).abs() > skew_secs {
        return Err(QapiError::unauthorized(format!(
            "{ts_h} {ts} is {} s from the server clock (at most {skew_secs} s): sync the clock and sign with the current time",
            ts - now
        )));
    }
    let Some(sig) = header(headers, sig_h) else {
        return Err(QapiError::unauthorized(format!(
            "the {sig_h} header is missing: send base64url(HMAC-SHA256(secret, ts + METHOD + URL + body))"
        )));
    };
    let want = hmac_sha256_b64url(
        secret.key(),
        &[ts_text.as_bytes(), method.as_bytes(), url.as_bytes(), body],
    );
    if want.as_str() == sig.trim_end_matches('=') {
        return Ok(owner_tag(api_key));
    }
    let sent = HmacSent {
        ts: ts_text,
        method,
        url,
        body,
        sig,
    };
    let why = match hmac_cause(&secret, &sent) {
        Some(cause) => format!("invalid signature ({}): {}", cause.code(), cause.explain()),
        None => format!(
            "invalid signature: {sig_h} is not HMAC-SHA256 of ts + {method} + {url} + the body ({} bytes) under the registered secret",
            body.len()
        ),
    };
    Err(QapiError::unauthorized(why))
}
