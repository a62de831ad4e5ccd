//! The doctor on query rewrites, on nonces from the local store and on bodies the history
//! kept only in part (issue 10 #20, #22, #1).

use super::tests::{TS, URL, evidence, key, nonce_evidence, only_cause, x_sign};
use super::*;

/// Issue 10 #20: each way an HTTP library rewrites a query is named, both when the signed
/// URL is known and when only what was sent is (the x-sign found over a variant).
#[test]
fn each_query_rewrite_is_named_from_either_side() {
    let search = format!("{URL}/search");
    let cases = [
        ("address=a%2Fb", "address=a/b", "%2F was sent decoded, as /"),
        ("q=a%3Db", "q=a=b", "%3D was sent decoded, as ="),
        ("q=a%26b", "q=a&b", "%26 was sent decoded, as &"),
        ("q=caf%c3%a9", "q=caf%C3%A9", "hex digits in the other case"),
        ("q=a%7Eb", "q=a~b", "%7E was sent decoded, as ~"),
        (
            "q=café",
            "q=caf%C3%A9",
            "é was signed raw and sent percent-encoded",
        ),
        ("b=2&a=1", "a=1&b=2", "another order"),
    ];
    for (signed_q, sent_q, named) in cases {
        let signed = format!("{search}?{signed_q}");
        let sent = format!("{search}?{sent_q}");
        let x = x_sign(key("2048"), AuthValue::Timestamp(TS), &signed, b"");
        for signed_known in [true, false] {
            let mut ev = evidence(&sent, b"");
            ev.sent.x_sign = Some(x.clone());
            ev.signed = if signed_known {
                Signed {
                    url: Some(signed.clone()),
                    body: Some(Vec::new()),
                    value: Some(AuthValue::Timestamp(TS)),
                }
            } else {
                Signed::default()
            };
            let r = diagnose(&ev);
            let text = render::to_text(&r);
            let c = only_cause(&r);
            assert_eq!(c.kind, CauseKind::Url, "{signed} / {sent}: {text}");
            assert!(
                c.title.contains(named) || c.detail.iter().any(|l| l.contains(named)),
                "{signed} / {sent} (signed side known: {signed_known}): {text}"
            );
        }
    }
}

#[test]
fn the_local_nonce_store_tells_an_overtaken_nonce_from_a_foreign_one() {
    let mut ev = nonce_evidence(41);
    ev.nonce_issued_last = Some(45);
    let r = diagnose(&ev);
    assert!(
        only_cause(&r).title.contains("41 was overtaken"),
        "{}",
        render::to_text(&r)
    );
    // The last one handed out, or one from elsewhere: a warning, no cause of its own.
    for (issued, says) in [
        (41, "the last one handed out here"),
        (30, "was not handed out here"),
    ] {
        ev.nonce_issued_last = Some(issued);
        let r = diagnose(&ev);
        assert!(r.causes().next().is_none(), "{}", render::to_text(&r));
        assert!(
            r.findings.iter().any(|c| c.title.contains(says)),
            "{}",
            render::to_text(&r)
        );
    }
    // When the server refused the signature, the nonce is beside the point.
    ev.nonce_issued_last = Some(45);
    ev.server_reason = Some("signature".into());
    assert!(!render::to_text(&diagnose(&ev)).contains("overtaken"));
}

/// Issue 10 #1: a body the history kept only the start of is checked by its recorded
/// length and SHA-256, never as if the bytes kept were all that was sent.
#[test]
fn a_body_kept_in_part_is_checked_by_its_digest() {
    let big = format!("{{\"name\":\"{}\"}}", "a".repeat(70_000)).into_bytes();
    let value = AuthValue::Timestamp(TS);
    let cut = |given: Option<Vec<u8>>| {
        let mut ev = evidence(URL, b"");
        ev.sent.x_sign = Some(x_sign(key("2048"), value, URL, &big));
        ev.sent.body = None;
        ev.sent.body_digest = Some(BodyDigest::of(&big));
        ev.signed.body = given;
        diagnose(&ev)
    };
    // No body given: nothing is blamed on the bytes, and the report says what to give.
    let r = cut(None);
    assert!(r.causes().next().is_none(), "{:?}", r.findings);
    assert!(
        matches!(&r.local_check, LocalCheck::NotPossible { missing } if missing[0].contains("--body-file"))
    );
    let note = r
        .findings
        .iter()
        .find(|c| c.kind == CauseKind::BodyKeptInPart)
        .unwrap();
    assert_eq!(note.severity, Severity::Info);
    assert!(
        note.detail[0].contains(&BodyDigest::of(&big).sha256),
        "{note:?}"
    );

    // The whole body given: the x-sign is checked over it and verifies.
    let r = cut(Some(big.clone()));
    assert!(
        matches!(r.local_check, LocalCheck::VerifiesOverSent),
        "{:?}",
        r.local_check
    );
    assert!(
        r.findings
            .iter()
            .any(|c| c.kind == CauseKind::BodyKeptInPart && c.severity == Severity::Pass)
    );

    // Another body given: said so, with both digests, and the check is not made over it.
    let mut other = big.clone();
    other.push(b'\n');
    let r = cut(Some(other.clone()));
    let w = r
        .findings
        .iter()
        .find(|c| c.kind == CauseKind::BodyKeptInPart)
        .unwrap();
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.detail[0].contains(&BodyDigest::of(&big).sha256), "{w:?}");
    assert!(
        w.detail[1].contains(&BodyDigest::of(&other).sha256),
        "{w:?}"
    );
    assert!(matches!(r.local_check, LocalCheck::NotPossible { .. }));
}
