//! The client-side doctor for a refused Qredo API request: what was signed and sent,
//! checked with the secret the client holds, as a [`Report`] so `xsign send` prints it with
//! `render::to_text` and the workbench's inspector draws it as it draws a 1020's. The
//! mistakes themselves are found by [`super::qredo::hmac_cause`], which the mock uses too.

use super::qredo::{HmacCause, HmacSent, hmac_cause, timestamp_unit};
use super::{
    API_PREFIX, ByteDiff, Cause, CauseKind, ClockReading, DEFAULT_SKEW_WINDOW, LocalCheck, Part,
    Report, Severity, Verdict, VerdictKind,
};
use crate::secret::QredoSecret;
use crate::signing::{Scheme, hmac_sha256_b64url};
use crate::store::{HistoryEntry, ResponseRecord};

/// Every Qredo API v1 endpoint lives under this path (the mock serves it there too).
pub const QAPI_V1_PREFIX: &str = Scheme::QredoV1.api_prefix();

/// What was signed, when a caller sent other bytes on purpose (the workbench's "break it").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HmacSigned {
    pub ts: String,
    pub method: String,
    pub url: String,
    pub body: Vec<u8>,
}

/// Everything known about a refused request that may concern a Qredo scheme.
#[derive(Debug, Clone)]
pub struct QredoEvidence {
    /// The scheme that signed the request; `None` when it was not signed.
    pub scheme: Option<Scheme>,
    /// The secret the client holds, to check the signature with.
    pub secret: Option<QredoSecret>,
    /// How to name the secret in messages (`secret`, "the qredo-v1-demo profile's secret").
    pub secret_source: String,
    /// What was signed; `None` means what was sent.
    pub signed: Option<HmacSigned>,
    pub method: String,
    pub url: String,
    /// `None` when only the start of a large body was kept.
    pub body: Option<Vec<u8>>,
    /// The request headers as sent (secrets masked).
    pub headers: Vec<(String, String)>,
    pub status: u16,
    /// The server's `detail.reason`.
    pub server_reason: Option<String>,
    pub server_date: Option<i64>,
    pub sent_at: Option<i64>,
    pub now: Option<i64>,
    pub skew_window: i64,
    /// The claims of the v2 token the request carried (history keeps it masked, so the
    /// sender passes them).
    pub token: Option<crate::signing::jwt::TokenClaims>,
}

pub(super) fn path_of(url: &str) -> String {
    url::Url::parse(url).map_or_else(|_| url.to_string(), |u| u.path().to_string())
}

use crate::signing::path_is_under as under;

/// True when a refusal is the Qredo doctor's to explain: a request signed with a
/// `qredo-*` scheme, or any request sent to a Qredo API v1 URL, answered 401 or 403.
pub fn applies(entry: &HistoryEntry) -> bool {
    let qredo_scheme = entry
        .scheme
        .as_deref()
        .and_then(|s| Scheme::parse(s).ok())
        .is_some_and(|s| s != Scheme::PartnerRsa);
    let refused = matches!(entry.status(), Some(401 | 403));
    refused && (qredo_scheme || under(&path_of(&entry.url), QAPI_V1_PREFIX))
}

impl QredoEvidence {
    /// What a history entry shows; `secret` is the one that signed (or would have).
    pub fn from_history(
        entry: &HistoryEntry,
        secret: Option<QredoSecret>,
        secret_source: impl Into<String>,
        now: i64,
    ) -> QredoEvidence {
        let response = entry.response.as_ref();
        let server_date = response.and_then(ResponseRecord::server_date);
        QredoEvidence {
            scheme: entry.scheme.as_deref().and_then(|s| Scheme::parse(s).ok()),
            secret,
            secret_source: secret_source.into(),
            signed: None,
            method: entry.method.clone(),
            url: entry.url.clone(),
            body: entry.whole_body().map(|b| b.to_vec()),
            headers: entry.request_headers.clone(),
            status: entry.status().unwrap_or(0),
            server_reason: response
                .and_then(|r| super::ApiError::parse(r.status, &r.body))
                .and_then(|e| e.reason),
            server_date,
            sent_at: Some(entry.sent_at_ms.div_euclid(1000)),
            now: Some(now),
            skew_window: DEFAULT_SKEW_WINDOW,
            token: None,
        }
    }

    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub(super) fn cause(kind: CauseKind, title: String, detail: Vec<String>, fix: &str) -> Cause {
    Cause {
        kind,
        severity: Severity::Cause,
        title,
        detail,
        fix: fix.to_string(),
        diff: None,
    }
}

fn note(kind: CauseKind, severity: Severity, title: String) -> Cause {
    Cause {
        kind,
        severity,
        title,
        detail: Vec::new(),
        fix: String::new(),
        diff: None,
    }
}

/// The scheme mixed up with the URL's API, when it is.
fn mixed_scheme(ev: &QredoEvidence) -> Option<Cause> {
    let path = path_of(&ev.url);
    if let Some(c) = super::qredo_token::mixed(ev, &path) {
        return Some(c);
    }
    match ev.scheme {
        Some(s @ (Scheme::QredoV1 | Scheme::QredoV2)) if under(&path, API_PREFIX) => Some(cause(
            CauseKind::SchemeMixed,
            format!("A {s} signature was sent to a Partner API URL ({API_PREFIX}) (scheme-mixed)"),
            vec![format!(
                "The Partner API checks x-api-key, x-timestamp and x-sign (partner-rsa: RSA over value + URL + body); this request carried {}, {} and {}.",
                s.api_key_header(),
                s.timestamp_header(),
                s.signature_header()
            )],
            "Send it to the Qredo API (…/qapi/v1, e.g. --profile qredo-v1-demo), or sign it for the Partner API (--scheme partner-rsa with --key, or --profile demo).",
        )),
        Some(Scheme::PartnerRsa) | None if under(&path, QAPI_V1_PREFIX) => Some(cause(
            CauseKind::SchemeMixed,
            format!(
                "A Partner API request ({}) was sent to a Qredo API v1 URL ({QAPI_V1_PREFIX}) (scheme-mixed)",
                if ev.scheme.is_some() { "partner-rsa: x-api-key, x-sign" } else { "unsigned" }
            ),
            vec!["The Qredo API v1 checks qredo-api-key, qredo-api-ts and qredo-api-sig = HMAC-SHA256(secret, ts + METHOD + URL + body).".into()],
            "Sign it with qredo-v1 (--scheme qredo-v1 --secret-file FILE, or --profile qredo-v1-demo), or send it to the Partner API (/api/v1/p).",
        )),
        _ => None,
    }
}

/// Names why a Qredo API request was refused.
pub fn diagnose(ev: &QredoEvidence) -> Report {
    let mut findings = Vec::new();
    let mut clock = None;
    let mut local_check = LocalCheck::NotPossible {
        missing: vec!["the secret"],
    };
    if let Some(c) = mixed_scheme(ev) {
        findings.push(c);
    } else if super::qredo_token::is_token_call(ev) {
        findings.extend(super::qredo_token::findings(ev));
    } else if let Some(scheme) = ev.scheme.filter(|s| *s != Scheme::PartnerRsa) {
        let ts = ev.header(scheme.timestamp_header()).map(str::trim);
        let sig = ev.header(scheme.signature_header());
        match ts.map(|t| (t, t.parse::<i64>())) {
            None => {}
            Some((t, Err(_))) => findings.push(cause(
                CauseKind::Headers,
                format!("{} {t:?} is not a whole number", scheme.timestamp_header()),
                vec![],
                "Send and sign the Unix time in seconds.",
            )),
            Some((_, Ok(n))) => {
                if let Some(unit) = timestamp_unit(n) {
                    findings.push(cause(
                        CauseKind::TimestampUnit,
                        format!("{} {n} is in {unit}, not seconds (timestamp-unit)", scheme.timestamp_header()),
                        vec!["The guide mentions nanoseconds once; every example and the server use Unix seconds.".into()],
                        "Sign and send Unix seconds (e.g. int(time.time()) in Python, date +%s in a shell).",
                    ));
                } else {
                    let c = ClockReading {
                        header: scheme.timestamp_header(),
                        ..ClockReading::new(n, ev.skew_window, ev.server_date, ev.sent_at, ev.now)
                    };
                    if let Some(age) = c.age_at_server.or(c.age_now)
                        && age.abs() > c.window
                    {
                        findings.push(cause(
                            CauseKind::StaleTimestamp,
                            format!(
                                "{} {n} is {age:+} s from the server's clock (window ±{} s)",
                                scheme.timestamp_header(),
                                c.window
                            ),
                            vec![],
                            "Sync this machine's clock and sign with the current time.",
                        ));
                    }
                    clock = Some(c);
                }
            }
        }
        for h in [
            scheme.api_key_header(),
            scheme.timestamp_header(),
            scheme.signature_header(),
        ] {
            if ev.header(h).is_none() {
                findings.push(cause(
                    CauseKind::Headers,
                    format!("The {h} header was not sent"),
                    vec![],
                    "Send the API key, the timestamp and the signature (is signing off in this profile?).",
                ));
            }
        }
        if let (Some(secret), Some(ts), Some(sig), Some(body)) = (&ev.secret, ts, sig, &ev.body) {
            local_check = signature(ev, secret, ts, sig, body, &mut findings);
        }
    }
    if let Some(r) = &ev.server_reason {
        findings.push(note(
            CauseKind::ApiKeyUnknown,
            Severity::Info,
            format!("The server says: {r}"),
        ));
    }
    findings.sort_by_key(|c| c.severity);
    let verdict = match findings.iter().find(|c| c.severity == Severity::Cause) {
        Some(c) => Verdict {
            kind: VerdictKind::Found,
            summary: c.title.clone(),
        },
        None if local_check == LocalCheck::VerifiesOverSent => Verdict {
            kind: VerdictKind::Clean,
            summary: format!(
                "the signature is right under {}: if the server refused it, it holds another secret for this qredo-api-key",
                ev.secret_source
            ),
        },
        None => Verdict {
            kind: VerdictKind::Unknown,
            summary: format!(
                "{}give the secret that signed (--secret-file) to check the signature",
                match ev.status {
                    0 => String::new(),
                    s => format!("HTTP {s}: "),
                }
            ),
        },
    };
    Report {
        findings,
        verdict,
        local_check,
        clock,
    }
}

/// The signature against what was sent, then what was signed, then the known slips.
fn signature(
    ev: &QredoEvidence,
    secret: &QredoSecret,
    ts: &str,
    sig: &str,
    body: &[u8],
    findings: &mut Vec<Cause>,
) -> LocalCheck {
    let (method, url) = (ev.method.as_str(), ev.url.as_str());
    let over = |ts: &str, m: &str, u: &str, b: &[u8]| {
        hmac_sha256_b64url(
            secret.key(),
            &[ts.as_bytes(), m.as_bytes(), u.as_bytes(), b],
        )
        .as_str()
            == sig.trim_end_matches('=')
    };
    let src = &ev.secret_source;
    if over(ts, method, url, body) {
        findings.push(note(
            CauseKind::LocalVerification,
            Severity::Pass,
            format!(
                "The signature is HMAC-SHA256 of ts + {method} + URL + body as sent, under {src}"
            ),
        ));
        // Only a known refusal says the server holds another secret (a curl command alone
        // does not tell what the server answered).
        if ev.status != 0 && !findings.iter().any(|c| c.severity == Severity::Cause) {
            findings.push(cause(
                CauseKind::KeyNotRegistered,
                format!("The signature is right under {src}, so the server holds another secret for this qredo-api-key, or does not know the key"),
                vec![],
                "Use the API key and secret from the same web-app entry (for the mock: the --qredo-secret it was started with; `xsign demo` writes data/demo/qredo-secret).",
            ));
        }
        return LocalCheck::VerifiesOverSent;
    }
    if let Some(s) = &ev.signed
        && over(&s.ts, &s.method, &s.url, &s.body)
    {
        let mut c = cause(
            CauseKind::Url,
            "The signature covers other bytes than the ones sent".into(),
            vec![],
            "Sign the exact ts, method, URL and body you send.",
        );
        if s.method != method {
            c.title = HmacCause::MethodDiffers {
                signed: s.method.clone(),
                sent: method.into(),
            }
            .explain();
        } else if let Some(d) = ByteDiff::new(Part::Url, s.url.as_bytes(), url.as_bytes()) {
            c.diff = Some(d);
        } else if let Some(d) = ByteDiff::new(Part::Body, &s.body, body) {
            c.kind = CauseKind::BodyBytes;
            c.diff = Some(d);
        } else {
            c.kind = CauseKind::ValueMismatch;
            c.title = format!("The timestamp sent ({ts}) is not the one signed ({})", s.ts);
        }
        findings.push(c);
        return LocalCheck::VerifiesOverSigned;
    }
    let sent = HmacSent {
        ts,
        method,
        url,
        body,
        sig,
    };
    match hmac_cause(secret, &sent) {
        Some(hc) => {
            let kind = match hc {
                HmacCause::MethodMissing | HmacCause::MethodDiffers { .. } => CauseKind::Method,
                HmacCause::SecretStandardAlphabet | HmacCause::SecretNotDecoded => {
                    CauseKind::SecretDecoding
                }
                HmacCause::JsonDumpsSpacing => CauseKind::BodyReformatted,
            };
            findings.push(cause(
                kind,
                format!("{} ({})", hc.explain(), hc.code()),
                vec![],
                "",
            ));
            LocalCheck::VerifiesOverVariant {
                label: hc.code().to_string(),
                url: url.to_string(),
                body: body.to_vec(),
            }
        }
        None => {
            findings.push(cause(
                CauseKind::WrongKey,
                format!("The signature is not HMAC-SHA256 of ts + {method} + URL + body under {src}, nor any known slip: it was made with another secret"),
                vec!["Tried: the bytes sent, the method left out or another one, the secret decoded with standard base64 or not decoded, json.dumps spacing.".into()],
                "Sign with the secret that belongs to this qredo-api-key.",
            ));
            LocalCheck::Fails
        }
    }
}

#[cfg(test)]
#[path = "qredo_doctor_tests.rs"]
mod tests;
