//! The confirmation before sending a request lint warns about: what each finding means
//! for the signature, the one-key fixes, Enter to send anyway, Esc to go back.

use super::app::Confirm;
use super::help::render_dialog;
use super::lint_view::{Severity, severity_label};
use super::signature::severity_mark;
use super::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub fn render(c: &Confirm, area: Rect, buf: &mut Buffer) {
    let mut lines = vec![];
    for n in &c.notes {
        let style = match n.severity {
            Severity::Error => theme::error(),
            Severity::Warning => theme::warning(),
            Severity::Info => theme::info(),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{} {} ",
                    severity_mark(n.severity),
                    severity_label(n.severity)
                ),
                style,
            ),
            Span::raw(n.message.clone()),
        ]));
        if let Some(f) = &n.fix {
            lines.push(Line::from(vec![
                Span::raw("    "),
                Span::styled(format!(" {} ", f.key), theme::key()),
                Span::raw(format!(" {}", f.label)),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(" Enter ", theme::key()),
        Span::raw(" send anyway   "),
        Span::styled(" Esc ", theme::key()),
        Span::raw(" back to editing"),
    ]));
    render_dialog(
        area,
        buf,
        76.min(area.width.saturating_sub(2)),
        Line::styled(
            // Only an error predicts a refusal; a warning names a risk (issue 9 #24).
            if c.notes.iter().any(|n| n.severity == Severity::Error) {
                " This request will probably fail the signature check "
            } else {
                " Before sending: why the API might refuse this "
            },
            Style::new().add_modifier(Modifier::BOLD),
        ),
        theme::warning().add_modifier(Modifier::BOLD),
        lines,
    );
}

/// The F4 menu: send with a mistake made on purpose, to see the 1020 and its explanation.
pub fn render_sabotage(scheme: crate::signing::Scheme, area: Rect, buf: &mut Buffer) {
    use super::app::Sabotage;
    let mut lines = vec![
        // One line, so the dialog's wrap reflows it to any width.
        Line::raw(
            "Send this request with a deliberate mistake, to see what the server answers and how the inspector explains it:",
        ),
        Line::raw(""),
    ];
    for s in Sabotage::ALL {
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(format!(" {} ", s.key()), theme::key()),
            Span::raw(format!(" {}", s.label(scheme))),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Any other key closes this menu.",
        theme::dim(),
    ));
    render_dialog(
        area,
        buf,
        76.min(area.width),
        Line::styled(
            " Break the signature on purpose ",
            Style::new().add_modifier(Modifier::BOLD),
        ),
        theme::warning().add_modifier(Modifier::BOLD),
        lines,
    );
}
