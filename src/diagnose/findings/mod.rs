//! The checks, in the order a reader wants them, each turning evidence into findings: this
//! file runs them and collects what they find; each rule family lives in its own file.

mod api_key;
mod body;
mod clock;
mod headers;
mod key;
mod nonce;
mod server;
mod url;
mod verdict;

use super::signature::LocalCheck;
use super::{Cause, CauseKind, Evidence, Report, Severity};
use crate::signing::AuthValue;
use api_key::api_key;
use body::body_findings;
use clock::timestamp_findings;
use headers::header_value;
use key::{fingerprint, local_check, report_local_check};
use nonce::nonce_findings;
use server::server_reason;
use url::{url_findings, url_shape};
use verdict::verdict;

struct Findings(Vec<Cause>);

impl Findings {
    fn push(
        &mut self,
        kind: CauseKind,
        severity: Severity,
        title: impl Into<String>,
        detail: Vec<String>,
        fix: impl Into<String>,
    ) -> &mut Cause {
        self.0.push(Cause {
            kind,
            severity,
            title: title.into(),
            detail,
            fix: fix.into(),
            diff: None,
        });
        self.0.last_mut().expect("just pushed")
    }

    fn any(&self, kinds: &[CauseKind]) -> bool {
        self.0
            .iter()
            .any(|c| c.severity == Severity::Cause && kinds.contains(&c.kind))
    }
}

pub(super) fn diagnose(ev: &Evidence) -> Report {
    let mut f = Findings(Vec::new());
    let sent_value = header_value(ev, &mut f);
    let signed_value = ev.signed.value.or(sent_value);
    let sent_value = sent_value.or(signed_value);
    if let (Some(s), Some(v)) = (ev.signed.value, sent_value)
        && s != v
    {
        f.push(
            CauseKind::ValueMismatch,
            Severity::Cause,
            format!("The {} sent ({v}) is not the one signed ({s})", v.header_name()),
            vec!["The value is the first part of the signed payload, so the x-sign cannot match.".into()],
            "Send the x-timestamp or x-nonce that was signed together with its x-sign; sign again rather than mixing headers from two runs.",
        );
    }
    api_key(ev, &mut f);
    fingerprint(ev, &mut f);

    let sent_url = ev.sent.url.clone().or_else(|| ev.signed.url.clone());
    let sent_body = match (&ev.sent.body, &ev.sent.body_digest) {
        (Some(b), _) => Some(b.clone()),
        (None, Some(digest)) => body::kept_in_part(digest, ev.signed.body.as_deref(), &mut f),
        (None, None) => ev.signed.body.clone(),
    };
    let body_known = sent_body.is_some() || ev.sent.body_digest.is_none();
    let sent_body = sent_body.unwrap_or_default();
    let mut signed_url = ev.signed.url.clone().or_else(|| sent_url.clone());
    let mut signed_body = ev.signed.body.clone().unwrap_or_else(|| sent_body.clone());

    let local = if body_known {
        local_check(
            ev,
            sent_value,
            signed_value,
            sent_url.as_deref(),
            &sent_body,
            signed_url.as_deref(),
            &signed_body,
        )
    } else {
        LocalCheck::NotPossible {
            missing: vec![
                "the whole body sent (the history kept its first 64 KiB: give it with --body-file)",
            ],
        }
    };
    match &local {
        LocalCheck::VerifiesOverVariant { url, body, .. } => {
            signed_url = Some(url.clone());
            signed_body = body.clone();
        }
        // The x-sign proves what was signed; a --url or --body-file that says otherwise
        // describes another attempt.
        LocalCheck::VerifiesOverSent if signed_url != sent_url || signed_body != sent_body => {
            f.push(
                CauseKind::LocalVerification,
                Severity::Info,
                "The URL or body given as signed is not what this x-sign covers",
                vec!["The x-sign verifies over the bytes sent, so those were signed; the signed URL or body given belongs to another attempt.".into()],
                "",
            );
            signed_url = sent_url.clone();
            signed_body = sent_body.clone();
        }
        _ => {}
    }
    report_local_check(ev, &local, &mut f);

    if let (Some(a), Some(b)) = (&signed_url, &sent_url) {
        url_findings(a, b, &mut f);
    }
    if let Some(u) = &sent_url {
        url_shape(u, &mut f);
    }
    if body_known {
        body_findings(&signed_body, &sent_body, &local, &mut f);
    }

    let clock = match sent_value {
        Some(AuthValue::Timestamp(t)) => Some(timestamp_findings(ev, t, &mut f)),
        _ => None,
    };
    if let Some(AuthValue::Nonce(n)) = sent_value {
        nonce_findings(ev, n, &mut f);
    }
    server_reason(ev, &local, &mut f);

    let mut findings = f.0;
    findings.sort_by_key(|c| c.severity);
    let verdict = verdict(ev, &findings, &local);
    Report {
        findings,
        verdict,
        local_check: local,
        clock,
    }
}
