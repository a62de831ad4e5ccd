use super::*;

const URL: &str = "http://127.0.0.1:1/qapi/v1/transaction";
const BODY: &[u8] = br#"{"to":"a","value":"1"}"#;
const TS: &str = "1700000000";

fn secret() -> QredoSecret {
    QredoSecret::parse("ab-_cd-_efghijklmnopqrstuvwxyz0123456789").unwrap()
}

fn sig(key: &[u8], parts: &[&[u8]]) -> String {
    hmac_sha256_b64url(key, parts).to_string()
}

/// A POST as sent with `sig`, the clock at the timestamp.
fn ev(ts: &str, url: &str, sig: &str) -> QredoEvidence {
    QredoEvidence {
        scheme: Some(Scheme::QredoV1),
        secret: Some(secret()),
        secret_source: "secret".into(),
        signed: None,
        method: "POST".into(),
        url: url.into(),
        body: Some(BODY.to_vec()),
        headers: vec![
            ("qredo-api-key".into(), "****6789".into()),
            ("qredo-api-ts".into(), ts.into()),
            ("qredo-api-sig".into(), sig.into()),
        ],
        status: 401,
        server_reason: Some("invalid signature".into()),
        server_date: Some(1_700_000_001),
        sent_at: Some(1_700_000_000),
        now: Some(1_700_000_002),
        skew_window: DEFAULT_SKEW_WINDOW,
        token: None,
    }
}

fn first_cause(r: &Report) -> &Cause {
    r.causes().next().expect("a cause")
}

#[test]
fn a_slip_in_what_was_signed_is_named_by_the_shared_finder() {
    let s = secret();
    let no_method = sig(s.key(), &[TS.as_bytes(), URL.as_bytes(), BODY]);
    let r = diagnose(&ev(TS, URL, &no_method));
    assert_eq!(r.verdict.kind, VerdictKind::Found);
    assert_eq!(first_cause(&r).kind, CauseKind::Method);
    assert!(r.verdict.summary.contains("method-missing"), "{r:?}");

    let wrong = s.misdecoded_standard().unwrap();
    let std_b64 = sig(&wrong, &[TS.as_bytes(), b"POST", URL.as_bytes(), BODY]);
    let r = diagnose(&ev(TS, URL, &std_b64));
    assert_eq!(first_cause(&r).kind, CauseKind::SecretDecoding);
    assert!(first_cause(&r).title.contains("standard base64"), "{r:?}");

    let spaced = br#"{"to": "a", "value": "1"}"#;
    let dumps = sig(s.key(), &[TS.as_bytes(), b"POST", URL.as_bytes(), spaced]);
    let r = diagnose(&ev(TS, URL, &dumps));
    assert!(
        first_cause(&r).title.contains("json-dumps-spacing"),
        "{r:?}"
    );

    let other = QredoSecret::generate();
    let foreign = sig(other.key(), &[TS.as_bytes(), b"POST", URL.as_bytes(), BODY]);
    let r = diagnose(&ev(TS, URL, &foreign));
    assert_eq!(first_cause(&r).kind, CauseKind::WrongKey);
    assert_eq!(r.local_check, LocalCheck::Fails);
}

#[test]
fn a_right_signature_points_at_the_secret_the_server_holds() {
    let s = secret();
    let good = sig(s.key(), &[TS.as_bytes(), b"POST", URL.as_bytes(), BODY]);
    let r = diagnose(&ev(TS, URL, &good));
    assert_eq!(r.local_check, LocalCheck::VerifiesOverSent);
    assert_eq!(first_cause(&r).kind, CauseKind::KeyNotRegistered);
    // The server's words are shown too.
    assert!(
        r.findings
            .iter()
            .any(|c| c.title.contains("invalid signature"))
    );
}

#[test]
fn a_millisecond_timestamp_and_a_stale_one_are_named() {
    let ms = "1700000000000";
    let s = secret();
    let good = sig(s.key(), &[ms.as_bytes(), b"POST", URL.as_bytes(), BODY]);
    let r = diagnose(&ev(ms, URL, &good));
    assert_eq!(first_cause(&r).kind, CauseKind::TimestampUnit);
    assert!(first_cause(&r).title.contains("milliseconds"), "{r:?}");
    // A right signature is not blamed on the secret when the timestamp explains it.
    assert!(!r.has(CauseKind::KeyNotRegistered));

    let old = "1699999000";
    let good = sig(s.key(), &[old.as_bytes(), b"POST", URL.as_bytes(), BODY]);
    let r = diagnose(&ev(old, URL, &good));
    assert_eq!(first_cause(&r).kind, CauseKind::StaleTimestamp);
    assert!(r.clock.is_some());
}

#[test]
fn the_mixed_up_scheme_is_named_both_ways() {
    let partner_url = "http://127.0.0.1:1/api/v1/p/assets";
    let r = diagnose(&ev(TS, partner_url, "x"));
    assert_eq!(first_cause(&r).kind, CauseKind::SchemeMixed);
    assert!(
        r.verdict
            .summary
            .contains("qredo-v1 signature was sent to a Partner API URL")
    );

    let mut back = ev(TS, "http://127.0.0.1:1/qapi/v1/balance", "x");
    back.scheme = Some(Scheme::PartnerRsa);
    let r = diagnose(&back);
    assert!(
        r.verdict
            .summary
            .contains("Partner API request (partner-rsa"),
        "{r:?}"
    );
    assert!(under("/qapi/v1", QAPI_V1_PREFIX) && !under("/qapi/v10", QAPI_V1_PREFIX));
}

#[test]
fn bytes_sent_other_than_signed_show_the_difference() {
    let s = secret();
    let good = sig(s.key(), &[TS.as_bytes(), b"POST", URL.as_bytes(), BODY]);
    let mut e = ev(TS, URL, &good);
    e.body = Some([BODY, b"\n"].concat());
    e.signed = Some(HmacSigned {
        ts: TS.into(),
        method: "POST".into(),
        url: URL.into(),
        body: BODY.to_vec(),
    });
    let r = diagnose(&e);
    assert_eq!(r.local_check, LocalCheck::VerifiesOverSigned);
    let c = first_cause(&r);
    assert_eq!(c.kind, CauseKind::BodyBytes);
    assert_eq!(
        c.diff.as_ref().unwrap().sent_span,
        BODY.len()..BODY.len() + 1
    );
}

/// A v2 call to workspace `ws` refused, carrying a token with `claims` (None: no x-token).
fn v2(ws: &str, url_base: &str, claims: Option<(i64, &str)>) -> QredoEvidence {
    let mut e = ev(TS, &format!("{url_base}/workspaces/{ws}/wallets"), "");
    e.scheme = Some(Scheme::QredoV2);
    e.method = "GET".into();
    e.headers = match claims {
        Some(_) => vec![("x-token".into(), "****abcd".into())],
        None => vec![("qredo-api-key".into(), "****6789".into())],
    };
    e.token = claims.map(|(exp, wid)| crate::signing::jwt::TokenClaims {
        exp,
        iat: None,
        workspace: Some(wid.into()),
    });
    e
}

#[test]
fn a_refused_v2_token_is_named_missing_expired_other_workspace_forged_or_mixed() {
    let base = "http://127.0.0.1:1/api/v2";
    let title = |e: &QredoEvidence| {
        let r = diagnose(e);
        assert_eq!(r.verdict.kind, VerdictKind::Found, "{r:?}");
        first_cause(&r).title.clone()
    };
    assert!(title(&v2("w1", base, None)).contains("No x-token was sent"));
    let expired = v2("w1", base, Some((1_699_999_000, "w1")));
    assert!(
        title(&expired).contains("token-expired"),
        "{}",
        title(&expired)
    );
    let other = v2("w2", base, Some((1_800_000_000, "w1")));
    assert!(title(&other).contains("issued for workspace w1"));
    let forged = v2("w1", base, Some((1_800_000_000, "w1")));
    assert!(title(&forged).contains("token-forged"));
    let to_v1 = v2(
        "w1",
        "http://127.0.0.1:1/qapi/v1",
        Some((1_800_000_000, "w1")),
    );
    assert!(title(&to_v1).contains("Qredo API v1 URL"));
    let to_partner = v2(
        "w1",
        "http://127.0.0.1:1/api/v1/p",
        Some((1_800_000_000, "w1")),
    );
    assert!(title(&to_partner).contains("Partner API URL"));
    assert_eq!(first_cause(&diagnose(&forged)).kind, CauseKind::Token);
}
