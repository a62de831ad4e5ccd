//! The server's own reason (detail.reason), when no other finding explains it yet.

use super::Findings;
use crate::diagnose::signature::LocalCheck;
use crate::diagnose::{CauseKind, Evidence, Severity};

/// The server's own reason, when no finding explains it yet.
pub(super) fn server_reason(ev: &Evidence, local: &LocalCheck, f: &mut Findings) {
    let Some(reason) = ev.server_reason.as_deref() else {
        return;
    };
    let sig_kinds = [
        CauseKind::WrongKey,
        CauseKind::KeyNotRegistered,
        CauseKind::XSignEncoding,
        CauseKind::Url,
        CauseKind::BodyBytes,
        CauseKind::BodyReformatted,
        CauseKind::BodyTabIndented,
        CauseKind::BodyKeysReordered,
        CauseKind::ValueMismatch,
    ];
    match reason {
        "signature" if !f.any(&sig_kinds) => {
            if matches!(local, LocalCheck::VerifiesOverSent) {
                let registered_matches = f
                    .0
                    .iter()
                    .any(|c| c.kind == CauseKind::KeyNotRegistered && c.severity == Severity::Pass);
                let (title, fix) = if registered_matches {
                    (
                        "The server refused a signature that verifies with the registered key",
                        "Check the environment: an API key and its registered key belong to one of production, sandbox or play; send to that one.",
                    )
                } else {
                    (
                        "The server holds another public key for this API key",
                        "Upload this key's public key (public.pem) for the API key in the web app, or sign with the private key whose public key is registered there. Pass --registered-fingerprint to the doctor to compare.",
                    )
                };
                let mut detail = vec!["The x-sign is right for these exact bytes with this key, so the bytes are not the problem; the server checks against a different public key.".to_string()];
                if let Some(k) = &ev.public_key {
                    detail.push(format!(
                        "This key's fingerprint: {} (compare it with the one the web app shows)",
                        k.info().fingerprint
                    ));
                }
                f.push(
                    CauseKind::KeyNotRegistered,
                    Severity::Cause,
                    title,
                    detail,
                    fix,
                );
            } else {
                f.push(
                    CauseKind::WrongKey,
                    Severity::Cause,
                    "The server refused the signature",
                    vec!["The doctor could not check it locally.".into()],
                    "Give the doctor the key (--key private.pem or --pubkey public.pem), the x-sign and the timestamp or nonce to find out why.",
                );
            }
        }
        "timestamp"
            if !f.any(&[
                CauseKind::StaleTimestamp,
                CauseKind::ClockSkew,
                CauseKind::Headers,
            ]) =>
        {
            f.push(
                CauseKind::StaleTimestamp,
                Severity::Cause,
                "The server refused the timestamp: it is outside its window",
                vec!["The server's window is not published; the mock's default is ±30 s.".into()],
                "Sign just before sending, and sync this machine's clock (NTP). Give the doctor --server-date to measure the skew.",
            );
        }
        "nonce" if !f.any(&[CauseKind::NonceNotIncreasing, CauseKind::Headers]) => {
            f.push(
                CauseKind::NonceNotIncreasing,
                Severity::Cause,
                "The server has already seen this nonce or a higher one for this API key",
                vec!["Another tool, machine or an earlier replay used a higher nonce with the same API key.".into()],
                "Use a nonce above any used before with this key (`xsign send --nonce` takes one above its last and above the clock in milliseconds), or switch to timestamps.",
            );
        }
        "apikey" if !f.any(&[CauseKind::ApiKeyWhitespace, CauseKind::Headers]) => {
            f.push(
                CauseKind::ApiKeyUnknown,
                Severity::Cause,
                "The server does not know this API key",
                vec!["API keys belong to one environment: production, sandbox or play.".into()],
                "Copy the API key again from the web app of the environment you send to.",
            );
        }
        "replay" => {
            f.push(
                CauseKind::Replay,
                Severity::Cause,
                "The server already accepted this exact request: the same x-sign, its timestamp still in the window",
                vec![
                    "The method is not signed, so any request over the same timestamp, URL and body carries the same x-sign.".into(),
                    "The mock refuses an exact replay of a POST, PUT, PATCH or DELETE by default; the real API does not publish its policy.".into(),
                ],
                "Sign again for each send (a new timestamp or nonce): `xsign replay` and `xsign send` do; `--as-signed` resends the old x-sign on purpose. Start the mock with --allow-replays to accept replays.",
            );
        }
        "headers" if !f.any(&[CauseKind::Headers, CauseKind::ApiKeyWhitespace]) => {
            f.push(
                CauseKind::Headers,
                Severity::Cause,
                "The server found the auth headers missing or malformed",
                vec![],
                "Send x-api-key, x-sign and exactly one of x-timestamp or x-nonce.",
            );
        }
        _ => {}
    }
}
