//! Verdicts as people read them on stderr: the access line, and with `-v` what was signed.

use super::auth::Verdict;
use crate::lint::escape_invisibles;
use std::fmt::Write as _;

/// At most this many payload bytes are shown; the rest is counted.
const SHOWN_BYTES: usize = 4096;

use crate::secret::mask_api_key;

/// One line per request: status, verdict, method and URL.
pub(crate) fn access_line(v: &Verdict, status: u16) -> String {
    let verdict = match &v.failure {
        None => "auth ok".to_string(),
        Some(f) => format!("refused ({})", f.reason),
    };
    let url = v.url.as_deref().unwrap_or("(URL not rebuilt)");
    format!("mock: {status} {verdict:<20} {} {url}", v.method)
}

/// The `-v` report: which check failed, and what was signed, escaped, with its hash.
pub(crate) fn describe(v: &Verdict, status: u16) -> String {
    let mut s = access_line(v, status);
    if let Some(f) = &v.failure {
        let _ = write!(s, "\n  why:       {}", f.detail);
    }
    if let Some(key) = &v.api_key {
        let keys = if v.fingerprints.is_empty() {
            "not registered".to_string()
        } else {
            let short: Vec<&str> = v
                .fingerprints
                .iter()
                .map(|f| &f[..f.len().min(23)])
                .collect();
            format!("keys {}", short.join(", "))
        };
        let _ = write!(s, "\n  api key:   {} ({keys})", mask_api_key(key));
    }
    if let Some(value) = &v.value {
        let clock = match value {
            crate::signing::AuthValue::Timestamp(t) => {
                format!(
                    " (server clock {}, {:+} s)",
                    v.server_time,
                    t - v.server_time
                )
            }
            crate::signing::AuthValue::Nonce(_) => String::new(),
        };
        let _ = write!(s, "\n  {}: {value}{clock}", value.header_name());
    }
    if let Some(p) = &v.payload {
        let bytes = p.as_bytes();
        let shown = &bytes[..bytes.len().min(SHOWN_BYTES)];
        let more = if bytes.len() > shown.len() {
            format!(" … ({} more bytes)", bytes.len() - shown.len())
        } else {
            String::new()
        };
        let _ = write!(
            s,
            "\n  payload:   {} bytes = value {} + URL {} + body {}, as received\n             \"{}\"{more}\n  sha256:    {}",
            bytes.len(),
            p.value_part().len(),
            p.url_part().len(),
            p.body_part().len(),
            escape_invisibles(shown),
            p.hash_hex()
        );
    }
    if let Some(x) = &v.x_sign {
        let _ = write!(s, "\n  x-sign:    {} ({} chars)", clip(x, 24), x.len());
    }
    if let Some(k) = &v.matched_key {
        let _ = write!(s, "\n  verified by {k}");
    }
    s
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisibles_are_named() {
        assert_eq!(
            escape_invisibles(b"{\"a\":\t1}\r\n"),
            "{\"a\":\\t1}\\r\\n".to_string()
        );
        assert_eq!(
            escape_invisibles("\u{feff}x\u{a0}y".as_bytes()),
            "\\u{feff}x\\u{a0}y"
        );
        assert_eq!(escape_invisibles(b"a\xffb\\"), "a\\xFFb\\\\");
        assert_eq!(escape_invisibles("Société".as_bytes()), "Société");
    }

    #[test]
    fn verbose_report_names_the_check_and_shows_the_signed_bytes() {
        use crate::mock::auth::{Judge, SignedParts};
        use crate::signing::{AuthValue, PrivateKey, RequestSigner, RsaSigner};
        use axum::http::{HeaderMap, HeaderValue};
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/test-rsa2048.pkcs1.pem");
        let signer = RsaSigner::new(PrivateKey::from_file(&path).unwrap());
        let judge = Judge::new(30);
        judge.register("api-key-0123456789", signer.key().public_key());
        let url = "http://h/api/v1/p/company";
        let signed = signer.sign("POST", url, b"{\"a\":1}", AuthValue::Timestamp(100));
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", HeaderValue::from_static("api-key-0123456789"));
        headers.insert("x-timestamp", HeaderValue::from_static("100"));
        headers.insert(
            "x-sign",
            HeaderValue::from_str(signed.x_sign.as_str()).unwrap(),
        );
        // Sent with a tab the signer never saw.
        let parts = SignedParts {
            method: "POST",
            url: Ok(url),
            headers: &headers,
            body: b"{\"a\":\t1}\n",
        };
        let v = judge.judge(&parts, 100);
        let report = describe(&v, 401);
        assert!(report.contains("refused (signature)"), "{report}");
        assert!(report.contains("why:"), "{report}");
        assert!(
            report.contains("\"100http://h/api/v1/p/company{\"a\":\\t1}\\n\""),
            "{report}"
        );
        assert!(
            report.contains(&v.payload.as_ref().unwrap().hash_hex()),
            "{report}"
        );
        assert!(report.contains("****6789"), "{report}");
        assert!(!report.contains("api-key-0123456789"), "{report}");
    }
}
