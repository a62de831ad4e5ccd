//! The x-nonce: above the last one used with this API key?

use super::Findings;
use crate::diagnose::{CauseKind, Evidence, Severity};

pub(super) fn nonce_findings(ev: &Evidence, n: u64, f: &mut Findings) {
    if let Some(last) = ev.last_nonce {
        against_last_used(n, last, f);
    }
    if let Some(issued) = ev.nonce_issued_last
        // Only when nothing else explains the refusal: a nonce matters once the signature does.
        && !f.0.iter().any(|c| c.severity == Severity::Cause)
        && ev.server_reason.as_deref().is_none_or(|r| r == "nonce")
    {
        against_store(n, issued, f);
    }
}

/// What this machine's nonce store says: a nonce handed out after this one can reach the
/// server first (senders in parallel), and then this one is refused.
fn against_store(n: u64, issued: u64, f: &mut Findings) {
    use std::cmp::Ordering;
    match n.cmp(&issued) {
        Ordering::Less => {
            f.push(
                CauseKind::NonceNotIncreasing,
                Severity::Cause,
                format!(
                    "x-nonce {n} was overtaken: nonces up to {issued} were handed out here for this API key after it"
                ),
                vec![
                    "The server takes nonces in the order requests arrive, not the order they were taken: with several requests in flight at once (parallel processes, threads or scripts), a later nonce can arrive first, and every lower one is then refused.".into(),
                ],
                "Send nonce-signed requests for one API key one at a time (wait for each answer before taking the next nonce), or switch to timestamps for concurrent work.",
            );
        }
        Ordering::Equal => {
            f.push(
                CauseKind::NonceNotIncreasing,
                Severity::Warning,
                format!("x-nonce {n} is the last one handed out here for this API key"),
                vec!["If the server refused it, another tool or machine has used a higher nonce with this API key.".into()],
                "Take the next nonce (`xsign send --nonce`); if it is refused again, find the other sender, or switch to timestamps.",
            );
        }
        Ordering::Greater => {
            f.push(
                CauseKind::NonceNotIncreasing,
                Severity::Warning,
                format!(
                    "x-nonce {n} was not handed out here: the last nonce this machine gave this API key is {issued}"
                ),
                vec!["If the server refused it, a tool other than xsign has used a higher nonce with this API key.".into()],
                "Let one tool take the nonces for an API key, or switch to timestamps.",
            );
        }
    }
}

fn against_last_used(n: u64, last: u64, f: &mut Findings) {
    if n <= last {
        // Above u64::MAX there is nothing: asking for a higher nonce would be no help.
        let fix = if last == u64::MAX {
            "No nonce above the largest one exists: this API key's nonces are used up. Switch to timestamps (profile auth mode timestamp), or use a new API key."
        } else {
            "Use a nonce above the last one (`xsign send --nonce` takes the next one from its store), or switch to timestamps."
        };
        f.push(
            CauseKind::NonceNotIncreasing,
            Severity::Cause,
            format!("x-nonce {n} is not above the last nonce used, {last}"),
            vec!["Each nonce must be strictly greater than every earlier one for this API key, across every tool that uses the key.".into()],
            fix,
        );
    } else {
        f.push(
            CauseKind::NonceNotIncreasing,
            Severity::Pass,
            format!("x-nonce {n} is above the last nonce known here ({last})"),
            vec![],
            "",
        );
    }
}
