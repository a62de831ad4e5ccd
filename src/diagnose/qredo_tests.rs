use super::*;

fn secret() -> QredoSecret {
    // Four of `-`/`_`: Python's b64decode drops them and still decodes.
    QredoSecret::parse("ab-_cd-_efghijklmnopqrstuvwxyz0123456789").unwrap()
}

fn sign(key: &[u8], parts: &[&[u8]]) -> String {
    hmac_sha256_b64url(key, parts).to_string()
}

#[test]
fn each_mistake_is_named_by_the_signature_it_makes() {
    let s = secret();
    let (ts, url) = ("1700000000", "http://127.0.0.1:1/qapi/v1/transaction");
    let body = br#"{"to":"a","value":"1"}"#;
    let sent = |sig: String| {
        hmac_cause(
            &s,
            &HmacSent {
                ts,
                method: "POST",
                url,
                body,
                sig: &sig,
            },
        )
    };
    assert_eq!(
        sent(sign(s.key(), &[ts.as_bytes(), url.as_bytes(), body])),
        Some(HmacCause::MethodMissing)
    );
    assert_eq!(
        sent(sign(
            s.key(),
            &[ts.as_bytes(), b"GET", url.as_bytes(), body]
        )),
        Some(HmacCause::MethodDiffers {
            signed: "GET".into(),
            sent: "POST".into()
        })
    );
    let wrong = s.misdecoded_standard().unwrap();
    // python3 -c 'import base64; print(base64.b64decode("ab-_cd-_efgh…789").hex())'
    assert_eq!(
        hex::encode(&wrong),
        "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d"
    );
    assert_eq!(
        sent(sign(
            &wrong,
            &[ts.as_bytes(), b"POST", url.as_bytes(), body]
        )),
        Some(HmacCause::SecretStandardAlphabet)
    );
    assert_eq!(
        sent(sign(
            s.expose_text().as_bytes(),
            &[ts.as_bytes(), b"POST", url.as_bytes(), body]
        )),
        Some(HmacCause::SecretNotDecoded)
    );
    let spaced = br#"{"to": "a", "value": "1"}"#;
    assert_eq!(
        sent(sign(
            s.key(),
            &[ts.as_bytes(), b"POST", url.as_bytes(), spaced]
        )),
        Some(HmacCause::JsonDumpsSpacing)
    );
    assert_eq!(sent("garbage".into()), None);
    for c in [HmacCause::MethodMissing, HmacCause::SecretStandardAlphabet] {
        assert!(!c.explain().is_empty() && !c.code().is_empty());
    }
}

#[test]
fn json_dumps_is_pythons_default_spacing_and_escaping() {
    // python3 -c 'import json; print(json.dumps({"a":[1,2],"b":"café"}))'
    assert_eq!(
        json_dumps_spacing(r#"{"a":[1,2],"b":"café"}"#.as_bytes()).unwrap(),
        br#"{"a": [1, 2], "b": "caf\u00e9"}"#
    );
    assert_eq!(json_dumps_spacing(br#"{"a": 1}"#), None);
    assert_eq!(json_dumps_spacing(b"not json"), None);
}

#[test]
fn timestamp_units() {
    assert_eq!(timestamp_unit(1_700_000_000), None);
    assert_eq!(timestamp_unit(1_700_000_000_000), Some("milliseconds"));
    assert_eq!(
        timestamp_unit(1_700_000_000_000_000_000),
        Some("nanoseconds")
    );
}
