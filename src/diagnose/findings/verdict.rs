//! The verdict: one line from all the findings (found, suspected, unknown or clean).

use crate::diagnose::signature::LocalCheck;
use crate::diagnose::{Cause, Evidence, Severity, Verdict, VerdictKind};

pub(super) fn verdict(ev: &Evidence, findings: &[Cause], local: &LocalCheck) -> Verdict {
    let causes: Vec<&Cause> = findings
        .iter()
        .filter(|c| c.severity == Severity::Cause)
        .collect();
    if let Some(first) = causes.first() {
        let more = match causes.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Verdict {
            kind: VerdictKind::Found,
            summary: format!("{}{more}", first.title),
        };
    }
    if let Some(w) = findings.iter().find(|c| c.severity == Severity::Warning) {
        return Verdict {
            kind: VerdictKind::Suspected,
            summary: format!("No certain cause; likely: {}", w.title),
        };
    }
    match local {
        LocalCheck::NotPossible { missing } => Verdict {
            kind: VerdictKind::Unknown,
            summary: format!("Not enough to go on; give {}", missing.join(", ")),
        },
        _ if ev.server_reason.is_some() => Verdict {
            kind: VerdictKind::Unknown,
            summary: "Every check passed here, yet the server refused it".into(),
        },
        _ => Verdict {
            kind: VerdictKind::Clean,
            summary: "No fault found: the signature verifies over exactly what was sent".into(),
        },
    }
}
