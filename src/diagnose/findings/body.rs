//! The body: how the bytes sent differ from the bytes signed, named the way people cause it.

use super::Findings;
use crate::diagnose::body::{BodyChange, classify};
use crate::diagnose::bytes::{ByteDiff, Part};
use crate::diagnose::signature::LocalCheck;
use crate::diagnose::{BodyDigest, CauseKind, Severity};

pub(super) fn body_findings(signed: &[u8], sent: &[u8], local: &LocalCheck, f: &mut Findings) {
    let Some(diff) = ByteDiff::new(Part::Body, signed, sent) else {
        if sent.contains(&b'\t') && !matches!(local, LocalCheck::VerifiesOverSent) {
            f.push(
                CauseKind::BodyTabIndented,
                Severity::Warning,
                "The body holds tabs",
                vec!["Signed and sent alike this works, but the guide reports tab-indented JSON failing in practice: editors and tools re-indent it on the way.".into()],
                "Send compact JSON (`xsign` can compact it), signed and sent byte for byte.",
            );
        }
        return;
    };
    let change = classify(signed, sent);
    let (kind, title, detail, fix): (CauseKind, String, Vec<String>, &str) = match change {
        BodyChange::TabIndented { sent_has_tabs } => (
            CauseKind::BodyTabIndented,
            if sent_has_tabs {
                "The body sent is the same JSON re-indented with tabs".into()
            } else {
                "The body was signed indented with tabs but sent without them".into()
            },
            vec!["Same JSON value, other bytes: the signature covers bytes, not values. The guide warns that tab-indented JSON fails.".into()],
            "Send the body byte for byte as signed. Best: sign and send compact JSON, and keep editors and tools from re-indenting it.",
        ),
        BodyChange::KeysReordered { path } => (
            CauseKind::BodyKeysReordered,
            "The body sent is the same JSON with its keys in another order".into(),
            vec![format!("The keys of {path} come in another order; a JSON library re-serialized the body.")],
            "Sign the body after the last re-serialization, or send the signed bytes as they are (no parsing and re-encoding in between).",
        ),
        BodyChange::Reformatted { sent_compact, signed_compact } => (
            CauseKind::BodyReformatted,
            match (signed_compact, sent_compact) {
                (true, false) => "The body was signed compact but sent pretty-printed".into(),
                (false, true) => "The body was signed pretty-printed but sent compact".into(),
                _ => "The body sent is the same JSON with other whitespace".into(),
            },
            vec!["Same JSON value, other bytes: the signature covers bytes, not values.".into()],
            "Send exactly the bytes that were signed; compact or pretty both work if they match.",
        ),
        BodyChange::TrailingNewline { added } => (
            CauseKind::BodyBytes,
            if added {
                "A trailing newline was added to the body after signing".into()
            } else {
                "The body was signed with a trailing newline that was not sent".into()
            },
            vec!["Editors add a final newline on save; `curl -d @file` strips newlines, `--data-binary @file` keeps them.".into()],
            "Send the body file byte for byte (curl --data-binary @FILE), or sign it without the newline.",
        ),
        BodyChange::Bom { added } => (
            CauseKind::BodyBytes,
            format!("A byte order mark (BOM) was {} the body", if added { "added to" } else { "dropped from" }),
            vec!["Some Windows editors save UTF-8 with a BOM (EF BB BF) at the start.".into()],
            "Save the body as UTF-8 without BOM, and sign and send the same file.",
        ),
        BodyChange::LineEndings { crlf_sent } => (
            CauseKind::BodyBytes,
            if crlf_sent {
                "The body was sent with CRLF line endings but signed with LF".into()
            } else {
                "The body was signed with CRLF line endings but sent with LF".into()
            },
            vec!["A Windows editor or git's autocrlf changed the line endings.".into()],
            "Sign and send the same bytes; compact JSON on one line avoids the problem.",
        ),
        BodyChange::Missing { sent_empty } => (
            CauseKind::BodyBytes,
            if sent_empty {
                "A body was signed but none was sent".into()
            } else {
                "A body was sent but none was signed".into()
            },
            vec![],
            "Sign the body you send (for GET, sign and send none).",
        ),
        BodyChange::Content => (
            CauseKind::BodyBytes,
            "The body sent is not the body signed".into(),
            vec![],
            "Send exactly the bytes that were signed, or sign again what you send.",
        ),
    };
    let cause = f.push(kind, Severity::Cause, title, detail, fix);
    cause.diff = Some(diff);
}

/// A body the history kept only the start of: the body given as signed (`--body-file`)
/// stands for it when its length and SHA-256 are the ones recorded. Returns the body sent,
/// when that is known.
pub(super) fn kept_in_part(
    sent: &BodyDigest,
    given: Option<&[u8]>,
    f: &mut Findings,
) -> Option<Vec<u8>> {
    let recorded = format!(
        "The history kept the first 64 KiB of the {} sent, with its SHA-256 {}.",
        crate::time::bytes_text(usize::try_from(sent.len).unwrap_or(usize::MAX)),
        sent.sha256
    );
    let Some(given) = given else {
        f.push(
            CauseKind::BodyKeptInPart,
            Severity::Info,
            "The body sent was kept only in part, so its bytes are not checked",
            vec![recorded],
            "Give the whole body with --body-file FILE: if its SHA-256 is the recorded one, the doctor checks the x-sign over it.",
        );
        return None;
    };
    let digest = BodyDigest::of(given);
    if digest == *sent {
        f.push(
            CauseKind::BodyKeptInPart,
            Severity::Pass,
            "The body given is byte for byte the body sent (same length and SHA-256)",
            vec![recorded],
            "",
        );
        return Some(given.to_vec());
    }
    f.push(
        CauseKind::BodyKeptInPart,
        Severity::Warning,
        "The body given is not the body sent",
        vec![
            recorded,
            format!(
                "The body given has {} and the SHA-256 {}.",
                crate::time::bytes_text(given.len()),
                digest.sha256
            ),
        ],
        "If that file was signed, the server checked the signature over other bytes: send the file's exact bytes. Otherwise give the file that was sent.",
    );
    None
}
