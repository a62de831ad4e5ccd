//! The inspector: why the server refused the signature (a 1020, or a Qredo API 401), as the
//! doctor explains it.
//! The view is built in the network task from the diagnosis, as styled lines; drawing only
//! scrolls and wraps them.

use super::markers::shown;
use super::theme;
use crate::diagnose::{ByteDiff, ClockReading, Report, Severity, VerdictKind, escaped_window};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

#[derive(Debug, Clone, PartialEq)]
pub struct InspectorView {
    pub lines: Vec<Line<'static>>,
}

impl InspectorView {
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// A heading line.
    pub fn heading(text: impl Into<String>) -> Line<'static> {
        Line::from(Span::styled(text.into(), theme::title(true)))
    }
}

/// Bytes of context around a difference.
const CONTEXT: usize = 32;
const MAX_SPAN_CHARS: usize = 64;

fn severity_span(s: Severity) -> Span<'static> {
    match s {
        Severity::Cause => Span::styled("✗ ", theme::error()),
        Severity::Warning => Span::styled("⚠ ", theme::warning()),
        Severity::Info => Span::styled("· ", theme::info()),
        Severity::Pass => Span::styled("✓ ", theme::ok()),
    }
}

fn clock_line(c: &ClockReading) -> Line<'static> {
    let mut spans = vec![
        Span::styled("clock  ", theme::label()),
        Span::raw(format!("{} {}", c.header, c.timestamp)),
    ];
    if let Some(age) = c.age_at_server.or(c.age_now) {
        let style = if age.abs() > c.window {
            theme::error()
        } else {
            theme::ok()
        };
        spans.push(Span::styled(
            format!(" · {age:+} s old (window ±{} s)", c.window),
            style,
        ));
    }
    if let Some(skew) = c.local_behind_server {
        let style = if skew.abs() > c.window / 2 {
            theme::warning()
        } else {
            theme::dim()
        };
        spans.push(Span::styled(
            format!(
                " · this clock is {} s {} the server's",
                skew.abs(),
                if skew >= 0 { "behind" } else { "ahead of" }
            ),
            style,
        ));
    }
    Line::from(spans)
}

fn diff_lines(d: &ByteDiff) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(
        format!(
            "    {} bytes differ from offset {} (signed {} bytes, sent {} bytes):",
            d.part.name(),
            d.offset,
            d.signed.len(),
            d.sent.len()
        ),
        theme::label(),
    )];
    for (label, bytes, span) in [
        ("signed ", &d.signed, d.signed_span.clone()),
        ("sent   ", &d.sent, d.sent_span.clone()),
    ] {
        let (before, mut mid, mut after) = escaped_window(bytes, span.clone(), CONTEXT);
        if mid.chars().count() > MAX_SPAN_CHARS {
            mid = mid.chars().take(MAX_SPAN_CHARS).collect::<String>() + "…";
            after.clear();
        }
        let mid = if mid.is_empty() {
            Span::styled("⌀", theme::diff())
        } else {
            Span::styled(mid, theme::diff())
        };
        out.push(Line::from(vec![
            Span::styled(format!("    {label}"), theme::label()),
            Span::raw(before),
            mid,
            Span::raw(after),
        ]));
    }
    out
}

impl InspectorView {
    /// Lays out the doctor's report: the verdict, the clock, then each finding (the local
    /// verification among them) with its byte differences highlighted and what to do.
    /// `refused`: the server answered 1020 (a history entry may have been accepted).
    pub fn from_report(report: &Report, server_reason: Option<&str>, refused: bool) -> Self {
        let heading = if refused {
            format!(
                "Why the server refused the request (1020 errPartnerAuth{})",
                server_reason
                    .map(|r| format!(", reason: {r}"))
                    .unwrap_or_default()
            )
        } else {
            "The signature of this request, checked again".to_string()
        };
        Self::from_report_headed(report, heading)
    }

    /// The same layout under another heading (a Qredo API refusal is no 1020).
    pub fn from_report_headed(report: &Report, heading: String) -> Self {
        let mut lines = vec![InspectorView::heading(heading)];
        let (mark, style) = match report.verdict.kind {
            VerdictKind::Found => ("✗ cause found: ", theme::error()),
            VerdictKind::Suspected => ("⚠ suspected: ", theme::warning()),
            VerdictKind::Clean => ("✓ ", theme::ok()),
            VerdictKind::Unknown => ("? undecided: ", theme::dim()),
        };
        lines.push(Line::from(vec![
            Span::styled(mark, style),
            Span::raw(shown(&report.verdict.summary)),
        ]));
        lines.push(Line::raw(""));
        // Whether the x-sign verifies is one of the findings, with one symbol: the view
        // does not restate it (it once said ✗ beside the report's ✓, issue 9 #19).
        if let Some(c) = &report.clock {
            lines.push(clock_line(c));
        }
        for c in &report.findings {
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                severity_span(c.severity),
                Span::styled(
                    shown(&c.title),
                    if c.severity == Severity::Pass {
                        theme::dim()
                    } else {
                        Style::new().add_modifier(Modifier::BOLD)
                    },
                ),
            ]));
            if c.severity == Severity::Pass {
                continue;
            }
            for d in &c.detail {
                lines.push(Line::raw(format!("    {}", shown(d))));
            }
            if let Some(d) = &c.diff {
                lines.extend(diff_lines(d));
            }
            if !c.fix.is_empty() {
                lines.push(Line::from(vec![
                    Span::styled("    what to do: ", theme::ok()),
                    Span::raw(shown(&c.fix)),
                ]));
            }
        }
        InspectorView { lines }
    }
}

pub fn render(view: &InspectorView, scroll: usize, area: Rect, buf: &mut Buffer) {
    Paragraph::new(view.lines.clone())
        .wrap(Wrap { trim: false })
        .scroll((scroll.min(u16::MAX as usize) as u16, 0))
        .render(area, buf);
}
