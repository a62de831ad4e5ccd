//! The report as plain text, for the CLI (`xsign doctor`, and `xsign send` on a 1020).

use super::bytes::{ByteDiff, escaped_window};
use super::{Cause, Report, Severity, VerdictKind};
use std::fmt::Write as _;

/// Bytes of context shown on each side of a difference.
const CONTEXT: usize = 24;
/// The longest differing run shown before it is cut with `…`.
const MAX_SPAN_CHARS: usize = 48;

pub fn to_text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "doctor: {}", headline(report));
    for cause in &report.findings {
        out.push('\n');
        write_cause(&mut out, cause);
    }
    out
}

/// The verdict in one line (`cause found: …`), the first line of [`to_text`] after
/// `doctor: `.
pub fn headline(report: &Report) -> String {
    let head = match report.verdict.kind {
        VerdictKind::Found => "cause found",
        VerdictKind::Suspected => "suspected",
        VerdictKind::Clean => "no fault found",
        VerdictKind::Unknown => "undecided",
    };
    let summary = &report.verdict.summary;
    // A summary that already opens with the verdict is not prefixed with it again
    // ("doctor: no fault found: No fault found: …").
    if summary.to_lowercase().starts_with(head) {
        summary.clone()
    } else {
        format!("{head}: {summary}")
    }
}

fn tag(s: Severity) -> &'static str {
    match s {
        Severity::Cause => "✗ cause:",
        Severity::Warning => "! warning:",
        Severity::Info => "· note:",
        Severity::Pass => "✓ ok:",
    }
}

fn write_cause(out: &mut String, c: &Cause) {
    let _ = writeln!(out, "{} {}", tag(c.severity), c.title);
    for line in &c.detail {
        let _ = writeln!(out, "    {line}");
    }
    if let Some(d) = &c.diff {
        write_diff(out, d);
    }
    if !c.fix.is_empty() {
        let _ = writeln!(out, "    what to do: {}", c.fix);
    }
}

fn write_diff(out: &mut String, d: &ByteDiff) {
    let _ = writeln!(
        out,
        "    {} bytes differ from offset {} (signed {} bytes, sent {} bytes):",
        d.part.name(),
        d.offset,
        d.signed.len(),
        d.sent.len()
    );
    for (label, bytes, span) in [
        ("signed", &d.signed, d.signed_span.clone()),
        ("sent  ", &d.sent, d.sent_span.clone()),
    ] {
        let (before, mut mid, after) = escaped_window(bytes, span.clone(), CONTEXT);
        let mut after = after;
        if mid.chars().count() > MAX_SPAN_CHARS {
            mid = mid.chars().take(MAX_SPAN_CHARS).collect::<String>() + "…";
            after.clear();
        }
        let _ = writeln!(out, "      {label}: {before}{mid}{after}");
        let pad = " ".repeat("      signed: ".len() + before.chars().count());
        let marks = if span.is_empty() {
            "^ (nothing here)".to_string()
        } else {
            "^".repeat(mid.chars().count().max(1))
        };
        let _ = writeln!(out, "{pad}{marks}");
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Evidence, Sent, Signed, diagnose};
    use super::*;

    #[test]
    fn text_shows_both_sides_with_invisibles_and_a_marker() {
        let ev = Evidence {
            signed: Signed {
                url: Some("http://h/api/v1/p/company".into()),
                body: Some(br#"{"a":1}"#.to_vec()),
                value: None,
            },
            sent: Sent {
                body: Some(b"{\n\t\"a\": 1\n}".to_vec()),
                ..Sent::default()
            },
            ..Evidence::default()
        };
        let text = to_text(&diagnose(&ev));
        assert!(
            text.contains("✗ cause: The body sent is the same JSON re-indented with tabs"),
            "{text}"
        );
        assert!(text.contains("signed: {\"a\":1}"), "{text}");
        assert!(text.contains("sent  : {\\n\\t\"a\": 1\\n}"), "{text}");
        assert!(text.contains("what to do:"), "{text}");
        let marker = text
            .lines()
            .find(|l| l.trim_start().starts_with('^'))
            .unwrap();
        assert_eq!(marker.find('^').unwrap(), "      signed: {".len(), "{text}");
    }

    #[test]
    fn a_clean_verdict_is_said_once() {
        let report = Report {
            findings: Vec::new(),
            verdict: super::super::Verdict {
                kind: VerdictKind::Clean,
                summary: "No fault found: the signature verifies over exactly what was sent".into(),
            },
            local_check: super::super::LocalCheck::VerifiesOverSent,
            clock: None,
        };
        let text = to_text(&report);
        assert_eq!(
            text.lines().next().unwrap(),
            "doctor: No fault found: the signature verifies over exactly what was sent"
        );
    }
}
