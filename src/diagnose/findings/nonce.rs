//! The x-nonce: above the last one used with this API key?

use super::Findings;
use crate::diagnose::{CauseKind, Evidence, Severity};

pub(super) fn nonce_findings(ev: &Evidence, n: u64, f: &mut Findings) {
    let Some(last) = ev.last_nonce else {
        return;
    };
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
