//! The live signature pane: the exact payload (invisibles escaped, a long middle elided,
//! the byte count), its SHA-256, the x-sign, the x-timestamp or x-nonce, and the lint
//! findings. Everything comes precomputed in the `SignOutcome`.

use super::app::{App, Focus};
use super::lint_view::Severity;
use super::sign_worker::{Piece, PieceKind, SignOutcome};
use super::theme;
use super::widgets::wrap::{Rows, text_width, wrap_str};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};
use unicode_segmentation::UnicodeSegmentation;

/// 1048576 → "1,048,576".
pub fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn piece_style(kind: PieceKind) -> Style {
    match kind {
        PieceKind::Value => theme::payload_value(),
        PieceKind::Url => theme::payload_url(),
        PieceKind::Body => theme::payload_body(),
        PieceKind::Escape | PieceKind::Newline => theme::marker(),
    }
}

/// Wraps pieces into rows of `width` cells (the one wrap rule, by display width); each row
/// knows how many payload bytes it shows.
fn wrap(pieces: &[Piece], width: usize) -> Vec<(Line<'static>, usize)> {
    let mut rows: Vec<(Line<'static>, usize)> = Vec::new();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut placer = Rows::new(width);
    let mut bytes = 0;
    let flush = |rows: &mut Vec<_>, spans: &mut Vec<Span<'static>>, bytes: &mut usize| {
        rows.push((Line::from(std::mem::take(spans)), *bytes));
        *bytes = 0;
    };
    for p in pieces {
        let style = piece_style(p.kind);
        let escape = matches!(p.kind, PieceKind::Escape | PieceKind::Newline);
        let text = p.text.as_str();
        // Escapes stay whole (`\u{feff}` split over two rows is hard to read) unless wider
        // than a row. Plain text is cut between grapheme clusters; a doubled backslash
        // stands for one byte and stays whole.
        let whole = escape && text_width(text) <= width;
        let mut from = 0;
        let mut units = text.grapheme_indices(true).peekable();
        while let Some((i, g)) = units.next() {
            let (w, n) = if whole {
                while units.next().is_some() {}
                (text_width(text), p.bytes)
            } else if escape {
                (text_width(g), if i == 0 { p.bytes } else { 0 })
            } else if g == "\\" && units.peek().is_some_and(|u| u.1 == "\\") {
                units.next();
                (2, 1)
            } else {
                (text_width(g), g.len())
            };
            if placer.place(w) {
                if from < i {
                    spans.push(Span::styled(text[from..i].to_string(), style));
                }
                flush(&mut rows, &mut spans, &mut bytes);
                from = i;
            }
            bytes += n;
        }
        if from < text.len() {
            spans.push(Span::styled(text[from..].to_string(), style));
        }
        if p.kind == PieceKind::Newline {
            flush(&mut rows, &mut spans, &mut bytes);
            placer = Rows::new(width);
        }
    }
    if !spans.is_empty() || rows.is_empty() {
        flush(&mut rows, &mut spans, &mut bytes);
    }
    rows
}

/// The payload in at most `budget` rows: head, an elision line with the hidden byte
/// count, tail.
pub fn payload_rows(o: &SignOutcome, width: usize, budget: usize) -> Vec<Line<'static>> {
    let p = &o.preview;
    let mut rows = wrap(&p.head, width);
    let elided_at = rows.len();
    if p.elided > 0 {
        rows.push((Line::raw(""), p.elided));
        rows.extend(wrap(&p.tail, width));
    }
    let budget = budget.max(1);
    let elision = |hidden: usize| {
        Line::styled(
            format!("··· {} bytes not shown ···", group(hidden)),
            theme::dim(),
        )
    };
    if rows.len() <= budget {
        return rows
            .into_iter()
            .enumerate()
            .map(|(i, (l, n))| {
                if p.elided > 0 && i == elided_at {
                    elision(n)
                } else {
                    l
                }
            })
            .collect();
    }
    if budget < 3 {
        let shown: usize = rows.iter().take(budget - 1).map(|r| r.1).sum();
        let mut out: Vec<Line> = rows.into_iter().take(budget - 1).map(|r| r.0).collect();
        out.push(elision(p.total - shown));
        return out;
    }
    let tail_take = ((budget - 1) / 4).max(1);
    let head_take = budget - 1 - tail_take;
    let hidden: usize = rows[head_take..rows.len() - tail_take]
        .iter()
        .map(|r| r.1)
        .sum();
    let mut out: Vec<Line> = Vec::with_capacity(budget);
    let n = rows.len();
    for (i, (l, _)) in rows.into_iter().enumerate() {
        if i < head_take || i >= n - tail_take {
            out.push(l);
        } else if i == head_take {
            out.push(elision(hidden));
        }
    }
    out
}

/// Cuts `text` into rows of `width` cells, at most `max_rows`, the last ending in `…` when
/// cut short.
fn wrap_text(text: &str, width: usize, max_rows: usize) -> Vec<String> {
    let width = width.max(2);
    let mut rows: Vec<String> = wrap_str(text, width)
        .into_iter()
        .map(String::from)
        .collect();
    if rows.len() > max_rows {
        rows.truncate(max_rows);
        if let Some(last) = rows.last_mut() {
            while text_width(last) + 1 > width {
                last.pop();
            }
            last.push('…');
        }
    }
    rows
}

/// `abcdef…uvwxyz`, fitting `width`.
fn elide_middle(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_string();
    }
    let keep = width.saturating_sub(1);
    let head: String = s.chars().take(keep - keep / 2).collect();
    let tail: String = s.chars().skip(n - keep / 2).collect();
    format!("{head}…{tail}")
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => theme::error(),
        Severity::Warning => theme::warning(),
        Severity::Info => theme::info(),
    }
}

pub fn severity_mark(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✗",
        Severity::Warning => "⚠",
        Severity::Info => "i",
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let focused = app.focus == Focus::Signature;
    let stale = app.sig.latest.as_ref().is_none_or(|o| o.seq < app.sig.seq) || app.sig.dirty;
    let block = Block::bordered()
        .border_style(theme::border(focused))
        .title(Line::styled(" signature ", theme::title(focused)))
        .title(if stale {
            Line::styled(" signing… ", theme::dim())
        } else {
            Line::raw("")
        })
        .title(
            Line::styled(
                format!(" x copy {} ", app.profile.scheme.signature_header()),
                theme::dim(),
            )
            .right_aligned(),
        );
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(o) = &app.sig.latest else {
        Paragraph::new(Line::styled("signing…", theme::dim())).render(inner, buf);
        return;
    };
    let w = inner.width as usize;
    if o.value.is_none() {
        let mut lines = vec![
            Line::styled("Nothing to sign yet.", theme::label()),
            Line::raw(""),
            Line::raw(app.profile.scheme.formula()),
        ];
        if let Some(p) = &o.problem {
            lines.push(Line::raw(""));
            lines.push(Line::styled(p.clone(), theme::warning()));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .render(inner, buf);
        return;
    }
    let label = |s: &'static str| Span::styled(s, theme::label());
    let sig_label = if o.scheme == crate::signing::Scheme::PartnerRsa {
        "x-sign  "
    } else {
        "api-sig "
    };
    let mut bottom: Vec<Line> = Vec::new();
    if let Some(h) = &o.hash_hex {
        bottom.push(Line::from(vec![
            label("SHA-256 "),
            Span::raw(elide_middle(h, w.saturating_sub(8))),
        ]));
    }
    match &o.x_sign {
        Some(x) => {
            let room = w.saturating_sub(8);
            let rows_for_all = x.len().div_ceil(room.max(1));
            if inner.height >= 14 && rows_for_all <= 4 {
                for (i, chunk) in wrap_str(x, room).into_iter().enumerate() {
                    bottom.push(Line::from(vec![
                        if i == 0 {
                            label(sig_label)
                        } else {
                            Span::raw("        ")
                        },
                        Span::styled(chunk.to_string(), theme::ok()),
                    ]));
                }
            } else {
                bottom.push(Line::from(vec![
                    label(sig_label),
                    Span::styled(elide_middle(x, room), theme::ok()),
                ]));
            }
        }
        None => {
            if let Some(p) = &o.problem {
                bottom.push(Line::from(vec![
                    label(sig_label),
                    Span::styled(p.clone(), theme::warning()),
                ]));
            }
        }
    }
    if let Some(v) = &o.value {
        let mut spans = vec![
            Span::styled(
                format!(
                    "{} ",
                    match o.scheme {
                        crate::signing::Scheme::PartnerRsa => v.header_name(),
                        other => other.timestamp_header(),
                    }
                ),
                theme::label(),
            ),
            Span::styled(v.to_string(), theme::payload_value()),
        ];
        if matches!(v, crate::signing::AuthValue::Nonce(_)) {
            spans.push(Span::styled(" (next)", theme::dim()));
        }
        bottom.push(Line::from(spans));
    }
    // A v2 call carries the token; what is signed above is the token request.
    if o.scheme == crate::signing::Scheme::QredoV2 {
        let state = crate::store::token::TokenState::of(app.profile.token, app.now.unix);
        let (text, style) = match (o.token_request, &state) {
            (false, _) => (
                " (the token request itself: signed)".to_string(),
                theme::dim(),
            ),
            (true, crate::store::token::TokenState::Valid { .. }) => (state.text(), theme::ok()),
            (true, crate::store::token::TokenState::Expired { exp }) => (
                format!("expired {}, refreshing on send", crate::time::hms_utc(*exp)),
                theme::warning(),
            ),
            (true, crate::store::token::TokenState::None) => {
                (" none yet: fetched on send".to_string(), theme::dim())
            }
        };
        bottom.push(Line::from(vec![
            label("token   "),
            Span::styled(elide_middle(text.trim_start(), w.saturating_sub(8)), style),
        ]));
    }
    // The payload above is the rendered request; say which template it came from.
    if let Some(t) = app.sig.rendered.as_ref().and_then(|r| r.template.as_ref()) {
        bottom.push(Line::from(vec![
            label("rendered"),
            Span::styled(
                elide_middle(&format!(" from {t} in the request"), w.saturating_sub(8)),
                theme::dim(),
            ),
        ]));
    }
    let mut lint: Vec<Line> = Vec::new();
    if o.findings.is_empty() {
        lint.push(Line::styled("✓ no lint findings", theme::ok()));
    }
    // Sending stops at a confirmation (with the fixes) only when something warns.
    let send = app.keymap.name(super::keymap::Command::Send);
    let confirms = super::lint_view::needs_confirmation(&o.findings);
    fn fix_of(
        f: &super::lint_view::LintNote,
        confirms: bool,
    ) -> Option<&super::lint_view::FixView> {
        f.fix
            .as_ref()
            .filter(|_| confirms && f.severity >= Severity::Warning)
    }
    for f in &o.findings {
        let text = format!("{} {}", severity_mark(f.severity), f.message);
        for row in wrap_text(&text, w, 2) {
            lint.push(Line::styled(row, severity_style(f.severity)));
        }
        // The fix is one key in the confirmation sending opens: say so where the warning is.
        if let Some(fix) = fix_of(f, confirms) {
            let text = format!("  {send}, then {}: {}", fix.key, fix.label);
            for row in wrap_text(&text, w, 1) {
                lint.push(Line::styled(row, theme::dim()));
            }
        }
    }
    let fix_keys: String = o
        .findings
        .iter()
        .filter_map(|f| fix_of(f, confirms).map(|x| x.key))
        .collect();
    // The payload keeps at least two rows; lint gets what is left.
    let room = (inner.height as usize)
        .saturating_sub(bottom.len() + 3)
        .max(1);
    if lint.len() > room {
        let hidden = o.findings.len();
        lint.truncate(room - 1);
        let summary = if fix_keys.is_empty() {
            format!("… {hidden} findings in all: {send} lists them")
        } else {
            format!("… {hidden} findings: {send}, then {fix_keys} fixes")
        };
        lint.push(Line::styled(summary, theme::dim()));
    }
    bottom.extend(lint);
    let parts = match (o.token_request, o.scheme.signs_method()) {
        (true, _) => " = ts+GET+token URL",
        (false, true) => " = ts+METHOD+URL+body",
        (false, false) => " = value+URL+body",
    };
    let header = Line::from(vec![
        label("payload "),
        Span::raw(format!("{} bytes", group(o.preview.total))),
        Span::styled(parts, theme::dim()),
    ]);
    let budget = (inner.height as usize).saturating_sub(bottom.len() + 1);
    let mut lines = vec![header];
    lines.extend(payload_rows(o, w, budget));
    let top_h = (lines.len() as u16).min(inner.height);
    Paragraph::new(lines).render(
        Rect {
            height: top_h,
            ..inner
        },
        buf,
    );
    let bottom_area = Rect {
        y: inner.y + top_h,
        height: inner.height - top_h,
        ..inner
    };
    Paragraph::new(bottom)
        .wrap(Wrap { trim: false })
        .scroll((app.sig.scroll.min(u16::MAX as usize) as u16, 0))
        .render(bottom_area, buf);
}

#[cfg(test)]
#[path = "signature_tests.rs"]
mod tests;
