//! The auth headers: all present, exactly one of x-timestamp and x-nonce, and its value
//! a plain number.

use super::Findings;
use crate::diagnose::{CauseKind, Evidence, Severity};
use crate::signing::AuthValue;

/// The x-timestamp or x-nonce as sent, checking the auth headers on the way.
pub(super) fn header_value(ev: &Evidence, f: &mut Findings) -> Option<AuthValue> {
    let s = &ev.sent;
    if s.complete {
        let mut missing = Vec::new();
        if s.api_key.is_none() {
            missing.push("x-api-key");
        }
        if s.x_sign.is_none() {
            missing.push("x-sign");
        }
        if !missing.is_empty() {
            f.push(
                CauseKind::Headers,
                Severity::Cause,
                format!("The request carries no {}", missing.join(" and no ")),
                vec!["Every Partner API request needs x-api-key, x-sign and one of x-timestamp or x-nonce.".into()],
                "Send all the auth headers: `xsign send` sets them, `xsign sign --curl` prints a curl command with them.",
            );
        }
        match (&s.timestamp, &s.nonce) {
            (Some(_), Some(_)) => {
                f.push(
                    CauseKind::Headers,
                    Severity::Cause,
                    "The request carries both x-timestamp and x-nonce",
                    vec!["The server wants exactly one of them.".into()],
                    "Send only the header whose value was signed.",
                );
            }
            (None, None) => {
                f.push(
                    CauseKind::Headers,
                    Severity::Cause,
                    "The request carries neither x-timestamp nor x-nonce",
                    vec!["The signed payload starts with one of them, and the server needs it to check the x-sign.".into()],
                    "Send the x-timestamp (or x-nonce) that was signed.",
                );
            }
            _ => {}
        }
    }
    if let Some(t) = &s.timestamp {
        match t.trim().parse::<i64>() {
            Ok(v) if v > 100_000_000_000 => {
                f.push(
                    CauseKind::Headers,
                    Severity::Cause,
                    format!("x-timestamp {t} is in milliseconds"),
                    vec!["The API wants Unix seconds (10 digits today).".into()],
                    "Use seconds: `date +%s`, or let xsign set the timestamp.",
                );
                return Some(AuthValue::Timestamp(v));
            }
            Ok(v) if t.trim() == t.as_str() && t == &v.to_string() => {
                return Some(AuthValue::Timestamp(v));
            }
            _ => {
                f.push(
                    CauseKind::Headers,
                    Severity::Cause,
                    format!("x-timestamp {t:?} is not a plain number of seconds"),
                    vec![
                        "It must be Unix seconds, digits only, exactly as they were signed.".into(),
                    ],
                    "Send the timestamp exactly as signed, digits only.",
                );
                return t.trim().parse().ok().map(AuthValue::Timestamp);
            }
        }
    }
    if let Some(n) = &s.nonce {
        match n.parse::<u64>() {
            Ok(v) if n == &v.to_string() => return Some(AuthValue::Nonce(v)),
            _ => {
                f.push(
                    CauseKind::Headers,
                    Severity::Cause,
                    format!("x-nonce {n:?} is not a plain whole number"),
                    vec!["It must be digits only, exactly as signed.".into()],
                    "Send the nonce exactly as signed, digits only.",
                );
                return n.trim().parse().ok().map(AuthValue::Nonce);
            }
        }
    }
    None
}
