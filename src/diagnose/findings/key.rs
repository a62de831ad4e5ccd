//! The key and the signature: is it the registered key, and does the x-sign verify locally
//! (over what was sent, what was signed, or a usual variant)?

use super::Findings;
use crate::diagnose::signature::{self, LocalCheck, Side};
use crate::diagnose::{CauseKind, Evidence, Severity};
use crate::signing::AuthValue;

fn normalize_fingerprint(fp: &str) -> String {
    let fp = fp.trim().to_ascii_lowercase();
    let fp = fp.strip_prefix("sha256:").unwrap_or(&fp);
    fp.chars().filter(|c| c.is_ascii_hexdigit()).collect()
}

pub(super) fn fingerprint(ev: &Evidence, f: &mut Findings) {
    let (Some(key), Some(registered)) = (&ev.public_key, &ev.registered_fingerprint) else {
        return;
    };
    let ours = normalize_fingerprint(&key.info().fingerprint);
    let theirs = normalize_fingerprint(registered);
    let source = ev.key_source.as_deref().unwrap_or("this key");
    if theirs.len() >= 8 && ours.starts_with(&theirs) {
        f.push(
            CauseKind::KeyNotRegistered,
            Severity::Pass,
            format!(
                "{source} is the registered key ({})",
                key.info().short_fingerprint()
            ),
            vec![],
            "",
        );
    } else {
        f.push(
            CauseKind::KeyNotRegistered,
            Severity::Cause,
            format!("{source} is not the key registered for this API key"),
            vec![
                format!("This key's fingerprint: {}", key.info().fingerprint),
                format!("Registered:             {registered}"),
            ],
            "Sign with the private key whose public key is registered, or upload this key's public key (`xsign keygen` printed it; public.pem) in the web app.",
        );
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn local_check(
    ev: &Evidence,
    sent_value: Option<AuthValue>,
    signed_value: Option<AuthValue>,
    sent_url: Option<&str>,
    sent_body: &[u8],
    signed_url: Option<&str>,
    signed_body: &[u8],
) -> LocalCheck {
    let mut missing = Vec::new();
    if ev.public_key.is_none() {
        missing.push("the public key (--key or --pubkey)");
    }
    if ev.sent.x_sign.is_none() {
        missing.push("the x-sign (--sign)");
    }
    if sent_value.is_none() {
        missing.push("the timestamp or nonce (--timestamp or --nonce)");
    }
    if sent_url.is_none() {
        missing.push("the URL (--url)");
    }
    let (Some(key), Some(x_sign), Some(value), Some(url)) =
        (&ev.public_key, &ev.sent.x_sign, sent_value, sent_url)
    else {
        return LocalCheck::NotPossible { missing };
    };
    let sent = Side {
        value,
        url,
        body: sent_body,
    };
    let signed = Side {
        value: signed_value.unwrap_or(value),
        url: signed_url.unwrap_or(url),
        body: signed_body,
    };
    signature::check(key, x_sign.trim(), sent, signed)
}

pub(super) fn report_local_check(ev: &Evidence, local: &LocalCheck, f: &mut Findings) {
    let key = ev
        .public_key
        .as_ref()
        .map(|k| k.info().short_fingerprint().to_string())
        .unwrap_or_default();
    let source = ev.key_source.as_deref().unwrap_or("the public key");
    match local {
        LocalCheck::NotPossible { missing } => {
            f.push(
                CauseKind::LocalVerification,
                Severity::Info,
                "The x-sign was not checked locally",
                vec![format!("Missing: {}.", missing.join(", "))],
                "Give the missing pieces to check the signature itself.",
            );
        }
        LocalCheck::VerifiesOverSent => {
            f.push(
                CauseKind::LocalVerification,
                Severity::Pass,
                format!(
                    "The x-sign verifies locally over exactly the bytes sent ({source}, {key})"
                ),
                vec![
                    "So the timestamp or nonce, the URL and the body sent are the ones signed."
                        .into(),
                ],
                "",
            );
        }
        LocalCheck::VerifiesOverSigned => {
            f.push(
                CauseKind::LocalVerification,
                Severity::Pass,
                format!(
                    "The x-sign verifies over what was signed ({source}, {key}): the key is right"
                ),
                vec![
                    "The bytes changed between signing and sending; the cause names which.".into(),
                ],
                "",
            );
        }
        LocalCheck::VerifiesOverVariant { label, .. } => {
            f.push(
                CauseKind::LocalVerification,
                Severity::Pass,
                format!("The x-sign verifies over {label} ({source}, {key}): the key is right"),
                vec![
                    "So that is what was signed; the bytes sent differ from it, as the cause says."
                        .into(),
                ],
                "",
            );
        }
        // A whole signature of another key size: the key is wrong, not the encoding.
        LocalCheck::BadEncoding(crate::signing::VerifyError::WrongLength { got, want, bits })
            if [128, 256, 384, 512, 1024].contains(got) =>
        {
            f.push(
                CauseKind::WrongKey,
                Severity::Cause,
                format!(
                    "The x-sign was made by a {}-bit key; {source} is a {bits}-bit key",
                    got * 8
                ),
                vec![format!(
                    "It decodes to {got} bytes, a whole RSA signature of {} bits; a {bits}-bit key signs {want} bytes.",
                    got * 8
                )],
                "Sign with the private key whose public key is registered, or check against the public key of the key that signed.",
            );
        }
        LocalCheck::BadEncoding(e) => {
            f.push(
                CauseKind::XSignEncoding,
                Severity::Cause,
                "The x-sign is not in the form the API wants",
                vec![e.to_string()],
                "Encode the RSA signature as base64url without padding (RFC 4648 §5, Go's RawURLEncoding), and copy it whole.",
            );
        }
        LocalCheck::Fails => {
            f.push(
                CauseKind::WrongKey,
                Severity::Cause,
                format!("The x-sign does not verify with {source} ({key})"),
                vec![
                    "Not over the bytes sent, nor over what was signed, nor over the usual variants (compact or pretty JSON, a trailing newline, http/https, a trailing slash, the port, /api/v1/p, query encoding).".into(),
                    "So another private key made it, or it covers another timestamp, nonce, URL or body.".into(),
                ],
                "Check that the private key is the one whose public key is registered, that the x-sign was copied whole, and that the timestamp or nonce sent is the one signed. If you have the URL or body that was signed, give them (--url, --body-file) to compare byte for byte.",
            );
        }
    }
}
