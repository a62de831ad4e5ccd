//! One test per class of cause: each tampering is made for real (signed with the fixture
//! key) and the doctor must name it.

use super::*;
use crate::signing::{PrivateKey, RequestSigner, RsaSigner};
use std::path::Path;
use std::sync::OnceLock;

pub(super) const URL: &str = "https://api.qredo.network/api/v1/p/company";
pub(super) const BODY: &[u8] =
    br#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"","ref":"9827feec"}"#;
pub(super) const TS: i64 = 1_700_000_000;

pub(super) fn key(name: &str) -> &'static PrivateKey {
    static K2048: OnceLock<PrivateKey> = OnceLock::new();
    static K4096: OnceLock<PrivateKey> = OnceLock::new();
    let cell = if name == "2048" { &K2048 } else { &K4096 };
    cell.get_or_init(|| {
        let file = format!("tests/fixtures/test-rsa{name}.pkcs1.pem");
        PrivateKey::from_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap()
    })
}

pub(super) fn x_sign(k: &PrivateKey, value: AuthValue, url: &str, body: &[u8]) -> String {
    let signer = RsaSigner::new(PrivateKey::from_pem(&k.to_pkcs1_pem(), Path::new("k")).unwrap());
    signer.sign("POST", url, body, value).x_sign.to_string()
}

/// Evidence for a request signed over (URL, BODY, TS) and sent with `sent_url`/`sent_body`.
pub(super) fn evidence(sent_url: &str, sent_body: &[u8]) -> Evidence {
    let value = AuthValue::Timestamp(TS);
    Evidence {
        signed: Signed {
            url: Some(URL.into()),
            body: Some(BODY.to_vec()),
            value: Some(value),
        },
        sent: Sent {
            url: Some(sent_url.into()),
            body: Some(sent_body.to_vec()),
            api_key: Some("apikey123".into()),
            x_sign: Some(x_sign(key("2048"), value, URL, BODY)),
            timestamp: Some(TS.to_string()),
            nonce: None,
            complete: true,
            body_digest: None,
        },
        public_key: Some(key("2048").public_key()),
        key_source: Some("private.pem".into()),
        server_date: Some(TS + 1),
        ..Evidence::default()
    }
}

fn causes(r: &Report) -> Vec<CauseKind> {
    r.causes().map(|c| c.kind).collect()
}

/// Evidence for a request signed and sent with x-nonce `n` instead of a timestamp.
pub(super) fn nonce_evidence(n: u64) -> Evidence {
    let value = AuthValue::Nonce(n);
    let mut ev = evidence(URL, BODY);
    ev.signed.value = Some(value);
    ev.sent.timestamp = None;
    ev.sent.nonce = Some(n.to_string());
    ev.sent.x_sign = Some(x_sign(key("2048"), value, URL, BODY));
    ev
}

pub(super) fn only_cause(r: &Report) -> &Cause {
    let c: Vec<&Cause> = r.causes().collect();
    assert_eq!(c.len(), 1, "{}", render::to_text(r));
    c[0]
}

fn pretty(indent: &[u8]) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(BODY).unwrap();
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(indent);
    serde::Serialize::serialize(
        &v,
        &mut serde_json::Serializer::with_formatter(&mut buf, fmt),
    )
    .unwrap();
    buf
}

#[test]
fn untouched_request_verifies_locally_and_is_clean() {
    let r = diagnose(&evidence(URL, BODY));
    assert_eq!(r.local_check, LocalCheck::VerifiesOverSent);
    assert_eq!(
        r.verdict.kind,
        VerdictKind::Clean,
        "{}",
        render::to_text(&r)
    );
    assert!(causes(&r).is_empty());
}

#[test]
fn body_bytes_trailing_newline_is_named_with_its_offset() {
    let sent = [BODY, b"\n"].concat();
    let r = diagnose(&evidence(URL, &sent));
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::BodyBytes);
    assert!(
        c.title.contains("trailing newline was added"),
        "{}",
        c.title
    );
    let d = c.diff.as_ref().unwrap();
    assert_eq!((d.part, d.offset), (Part::Body, BODY.len()));
    assert_eq!(d.sent_differing(), b"\n");
    assert_eq!(r.local_check, LocalCheck::VerifiesOverSigned);
    assert!(render::to_text(&r).contains("\\n"));
}

#[test]
fn body_bytes_other_content_and_invisible_no_break_space() {
    let sent = String::from_utf8(BODY.to_vec())
        .unwrap()
        .replace("ACME Corp", "ACME\u{a0}Corp");
    let r = diagnose(&evidence(URL, sent.as_bytes()));
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::BodyBytes);
    assert_eq!(c.diff.as_ref().unwrap().offset, 13);
    assert!(render::to_text(&r).contains("ACME\\u{a0}Corp"));
}

#[test]
fn reformatted_json_is_named() {
    let r = diagnose(&evidence(URL, &pretty(b"  ")));
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::BodyReformatted);
    assert_eq!(
        c.title,
        "The body was signed compact but sent pretty-printed"
    );
    assert_eq!(c.diff.as_ref().unwrap().offset, 1);
}

#[test]
fn tab_indented_json_is_named() {
    let r = diagnose(&evidence(URL, &pretty(b"\t")));
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::BodyTabIndented);
    assert!(render::to_text(&r).contains("{\\n\\t\"name\""));
}

#[test]
fn reordered_keys_are_named() {
    let sent =
        br#"{"city":"Paris","name":"ACME Corp","country":"FR","domain":"","ref":"9827feec"}"#;
    let c = only_cause(&diagnose(&evidence(URL, sent))).clone();
    assert_eq!(c.kind, CauseKind::BodyKeysReordered);
}

#[test]
fn each_url_variant_is_named() {
    type IsDifference = fn(&UrlDifference) -> bool;
    let cases: [(&str, IsDifference, &str); 7] = [
        (
            "http://api.qredo.network/api/v1/p/company",
            |d| matches!(d, UrlDifference::Scheme { .. }),
            "https",
        ),
        (
            "https://sandbox-api.qredo.network/api/v1/p/company",
            |d| matches!(d, UrlDifference::Host { .. }),
            "host",
        ),
        (
            "https://api.qredo.network:443/api/v1/p/company",
            |d| matches!(d, UrlDifference::Port { .. }),
            "port",
        ),
        (
            "https://api.qredo.network/api/v1/p/company/",
            |d| matches!(d, UrlDifference::TrailingSlash { sent_has: true }),
            "trailing slash",
        ),
        (
            "https://api.qredo.network/company",
            |d| {
                matches!(
                    d,
                    UrlDifference::ApiPrefix {
                        missing_on_sent: true
                    }
                )
            },
            "/api/v1/p",
        ),
        (
            "https://api.qredo.network/api/v1/p/company?query=a%20b",
            |d| matches!(d, UrlDifference::Query { .. }),
            "query",
        ),
        (
            "https://api.qredo.network/api/v1/p/compan%79",
            |d| matches!(d, UrlDifference::PathEncoding { .. }),
            "encoded",
        ),
    ];
    for (sent, want, word) in cases {
        let r = diagnose(&evidence(sent, BODY));
        let c = only_cause(&r);
        assert_eq!(c.kind, CauseKind::Url, "{sent}");
        assert!(
            c.title.contains(word) || c.detail.iter().any(|l| l.contains(word)),
            "{sent}: {}",
            render::to_text(&r)
        );
        assert!(url::compare(URL, sent).iter().any(want), "{sent}");
        assert_eq!(c.diff.as_ref().unwrap().part, Part::Url);
    }
}

#[test]
fn query_encoding_is_named() {
    let signed = format!("{URL}/search?query=ACME Corp");
    let sent = format!("{URL}/search?query=ACME%20Corp");
    let mut ev = evidence(&sent, b"");
    ev.signed.url = Some(signed.clone());
    ev.signed.body = Some(Vec::new());
    ev.sent.x_sign = Some(x_sign(key("2048"), AuthValue::Timestamp(TS), &signed, b""));
    let r = diagnose(&ev);
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::Url);
    assert_eq!(
        c.title,
        "The query string was encoded differently when sent"
    );
}

#[test]
fn url_found_from_sent_side_alone_by_variant_search() {
    // A curl capture: only what was sent is known; the x-sign was made over http://.
    let signed_url = "http://api.qredo.network/api/v1/p/company";
    let mut ev = evidence(URL, BODY);
    ev.signed = Signed::default();
    ev.sent.x_sign = Some(x_sign(
        key("2048"),
        AuthValue::Timestamp(TS),
        signed_url,
        BODY,
    ));
    let r = diagnose(&ev);
    assert!(
        matches!(r.local_check, LocalCheck::VerifiesOverVariant { ref url, .. } if url == signed_url)
    );
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::Url);
    assert!(
        c.title
            .contains("signed with http:// but sent with https://"),
        "{}",
        c.title
    );
}

#[test]
fn body_found_from_sent_side_alone_by_variant_search() {
    let mut ev = evidence(URL, &pretty(b"\t"));
    ev.signed = Signed::default();
    let r = diagnose(&ev);
    assert_eq!(only_cause(&r).kind, CauseKind::BodyTabIndented);
}

#[test]
fn stale_timestamp_is_measured_against_the_server_date() {
    let mut ev = evidence(URL, BODY);
    ev.server_date = Some(TS + 95);
    ev.sent_at = Some(TS + 94);
    let r = diagnose(&ev);
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::StaleTimestamp);
    assert_eq!(
        c.title,
        "The timestamp is 95 s older than the server's clock"
    );
    assert!(
        c.detail
            .iter()
            .any(|l| l.contains("signed 94 s before it was sent")),
        "{c:?}"
    );
    let clock = r.clock.unwrap();
    assert_eq!(clock.age_at_server, Some(95));
}

#[test]
fn clock_skew_is_told_apart_from_a_stale_request() {
    let mut ev = evidence(URL, BODY);
    // Signed and sent at once, but this machine's clock runs 2 minutes slow.
    ev.sent_at = Some(TS);
    ev.server_date = Some(TS + 120);
    let r = diagnose(&ev);
    assert_eq!(
        causes(&r),
        vec![CauseKind::StaleTimestamp, CauseKind::ClockSkew]
    );
    assert!(
        r.findings[1].title.contains("2 min 0 s behind"),
        "{}",
        r.findings[1].title
    );
}

#[test]
fn timestamp_in_milliseconds_is_named() {
    let mut ev = evidence(URL, BODY);
    ev.sent.timestamp = Some("1700000000000".into());
    ev.signed.value = None;
    let r = diagnose(&ev);
    assert!(r.has(CauseKind::Headers));
    assert!(r.findings[0].title.contains("milliseconds"));
}

#[test]
fn nonce_that_did_not_increase_is_named() {
    let mut ev = nonce_evidence(41);
    ev.last_nonce = Some(41);
    let r = diagnose(&ev);
    assert_eq!(only_cause(&r).kind, CauseKind::NonceNotIncreasing);
    ev.last_nonce = Some(40);
    assert!(diagnose(&ev).causes().next().is_none());
}

#[test]
fn a_used_up_nonce_does_not_advise_another_nonce() {
    let mut ev = nonce_evidence(u64::MAX);
    ev.last_nonce = Some(u64::MAX);
    let r = diagnose(&ev);
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::NonceNotIncreasing);
    assert!(!c.fix.contains("--nonce"), "{}", c.fix);
    assert!(c.fix.contains("timestamps"), "{}", c.fix);
}

#[test]
fn api_key_with_whitespace_is_named() {
    for (key_text, where_) in [
        ("apikey123\n", "at its end"),
        (" apikey123", "at its start"),
        ("api key", "inside it"),
    ] {
        let mut ev = evidence(URL, BODY);
        ev.sent.api_key = Some(key_text.into());
        let r = diagnose(&ev);
        let c = only_cause(&r);
        assert_eq!(c.kind, CauseKind::ApiKeyWhitespace);
        assert!(c.title.ends_with(where_), "{}", c.title);
    }
    let mut ev = evidence(URL, BODY);
    ev.sent.api_key = Some("apikey123\n".into());
    ev.api_key_from_file = true;
    assert!(
        diagnose(&ev).causes().next().is_none(),
        "a key file's final newline is trimmed"
    );
    // When the server refused the API key, that newline is the headline (issue 10 #23).
    ev.server_reason = Some("apikey".into());
    let r = diagnose(&ev);
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::ApiKeyWhitespace);
    assert!(
        r.verdict.summary.contains("ends with a line break"),
        "{}",
        r.verdict.summary
    );
    assert!(
        !r.verdict.summary.contains("does not know"),
        "{}",
        r.verdict.summary
    );
}

#[test]
fn wrong_key_is_named() {
    let mut ev = evidence(URL, BODY);
    ev.sent.x_sign = Some(x_sign(key("4096"), AuthValue::Timestamp(TS), URL, BODY));
    ev.public_key = Some(key("4096").public_key());
    ev.signed = Signed::default();
    // The 4096 signature checked with the 2048 public key: the key size is named, not the
    // encoding blamed (issue 10 #21).
    ev.public_key = Some(key("2048").public_key());
    let r = diagnose(&ev);
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::WrongKey);
    assert!(
        c.title.contains("made by a 4096-bit key") && c.title.contains("2048-bit"),
        "{}",
        c.title
    );
    assert!(
        !r.verdict.summary.contains("base64url"),
        "{}",
        r.verdict.summary
    );

    // Same size, other key: made with a fresh 2048-bit key.
    let other = crate::signing::generate_key(2048).unwrap();
    ev.sent.x_sign = Some(x_sign(&other, AuthValue::Timestamp(TS), URL, BODY));
    let r = diagnose(&ev);
    assert_eq!(r.local_check, LocalCheck::Fails);
    assert_eq!(only_cause(&r).kind, CauseKind::WrongKey);
}

#[test]
fn fingerprint_not_registered_is_named() {
    let mut ev = evidence(URL, BODY);
    ev.registered_fingerprint = Some("sha256:00ff00ff00ff00ff".into());
    let r = diagnose(&ev);
    assert_eq!(only_cause(&r).kind, CauseKind::KeyNotRegistered);
    let ours = key("2048").info().short_fingerprint().to_uppercase();
    ev.registered_fingerprint = Some(ours);
    let r = diagnose(&ev);
    assert!(r.causes().next().is_none());
    assert!(
        r.findings
            .iter()
            .any(|c| c.kind == CauseKind::KeyNotRegistered && c.severity == Severity::Pass)
    );
}

#[test]
fn server_refusing_a_locally_valid_signature_means_another_registered_key() {
    let mut ev = evidence(URL, BODY);
    ev.server_reason = Some("signature".into());
    let r = diagnose(&ev);
    assert_eq!(r.local_check, LocalCheck::VerifiesOverSent);
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::KeyNotRegistered);
    assert_eq!(
        c.title,
        "The server holds another public key for this API key"
    );
}

#[test]
fn standard_base64_x_sign_is_named() {
    let mut ev = evidence(URL, BODY);
    let sig = ev.sent.x_sign.clone().unwrap();
    ev.sent.x_sign = Some(sig.replace('-', "+").replace('_', "/") + "==");
    let r = diagnose(&ev);
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::XSignEncoding);
    assert!(c.detail[0].contains("standard base64"));
}

#[test]
fn missing_headers_are_named_only_when_the_capture_is_complete() {
    let mut ev = evidence(URL, BODY);
    ev.sent.api_key = None;
    assert_eq!(causes(&diagnose(&ev)), vec![CauseKind::Headers]);
    ev.sent.complete = false;
    assert!(causes(&diagnose(&ev)).is_empty());
}

#[test]
fn too_little_evidence_says_what_to_add() {
    let ev = Evidence {
        sent: Sent {
            url: Some(URL.into()),
            ..Sent::default()
        },
        ..Evidence::default()
    };
    let r = diagnose(&ev);
    assert_eq!(r.verdict.kind, VerdictKind::Unknown);
    assert!(r.verdict.summary.contains("--key"), "{}", r.verdict.summary);
}

#[test]
fn a_replay_refused_by_the_server_is_named_as_such() {
    let mut ev = evidence(URL, BODY);
    ev.server_reason = Some("replay".into());
    let r = diagnose(&ev);
    let c = only_cause(&r);
    assert_eq!(c.kind, CauseKind::Replay);
    assert!(
        r.verdict.summary.contains("exact request"),
        "{}",
        r.verdict.summary
    );
}
