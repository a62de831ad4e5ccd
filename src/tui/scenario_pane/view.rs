//! Draws the scenario pane: the run's state in the title, one row a step (a spinner on
//! the running one), the selected step's failures and doctor's word, and the keys.

use super::{Run, RunState, ScenarioPane, StepState};
use crate::scenario::Outcome;
use crate::time::elapsed_ms_text;
use crate::tui::response::SPINNER;
use crate::tui::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

fn spinner(now_ms: u64, since_ms: u64) -> &'static str {
    SPINNER[(now_ms.saturating_sub(since_ms) / 100) as usize % SPINNER.len()]
}

fn title(run: &Run, now_ms: u64) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!(" scenario {} ", run.name),
        theme::title(true),
    )];
    let (text, style) = match &run.state {
        RunState::Loading => ("loading… ".to_string(), theme::dim()),
        RunState::Running => {
            let at = run
                .steps
                .iter()
                .position(|s| matches!(s.state, StepState::Running(_)))
                .map_or(0, |i| i + 1);
            let since = run.steps.iter().find_map(|s| match s.state {
                StepState::Running(t) => Some(t),
                _ => None,
            });
            let frame = since.map_or("", |t| spinner(now_ms, t));
            (
                format!("{frame} step {at}/{} ", run.steps.len()),
                theme::warning(),
            )
        }
        RunState::Done { elapsed_ms } => {
            let failed = run.count(Outcome::Failed);
            let skipped = match run.count(Outcome::Skipped) {
                0 => String::new(),
                n => format!(" · {n} skipped"),
            };
            (
                format!(
                    "{} passed · {failed} failed{skipped} · {} ",
                    run.count(Outcome::Passed),
                    elapsed_ms_text(*elapsed_ms)
                ),
                if failed == 0 {
                    theme::ok()
                } else {
                    theme::error()
                },
            )
        }
        RunState::Failed(_) => ("not run ".into(), theme::error()),
        RunState::Stopped => ("stopped ".into(), theme::warning()),
    };
    spans.push(Span::styled(text, style));
    Line::from(spans)
}

fn row(pane: &ScenarioPane, run: &Run, i: usize, width: usize, now_ms: u64) -> Line<'static> {
    let s = &run.steps[i];
    let (icon, icon_style, status, time) = match &s.state {
        StepState::Pending => ("·", theme::dim(), String::new(), String::new()),
        StepState::Running(t) => (
            spinner(now_ms, *t),
            theme::warning(),
            String::new(),
            elapsed_ms_text(now_ms.saturating_sub(*t)),
        ),
        StepState::Done(r) => {
            let (icon, style) = match r.outcome {
                Outcome::Passed => ("✓", theme::ok()),
                Outcome::Failed => ("✗", theme::error()),
                Outcome::Skipped => ("-", theme::dim()),
            };
            (
                icon,
                style,
                r.status.map(|c| c.to_string()).unwrap_or_default(),
                elapsed_ms_text(r.elapsed_ms),
            )
        }
    };
    let status_style = match &s.state {
        StepState::Done(r) => r.status.map_or(theme::dim(), theme::status_code),
        _ => theme::dim(),
    };
    let name: String = s.name.chars().take(width).collect();
    let mut line = Line::from(vec![
        Span::styled(format!("{icon} "), icon_style),
        Span::raw(format!("{name:<width$} ")),
        Span::styled(format!("{status:>3} "), status_style),
        Span::styled(format!("{time:>7}  "), theme::dim()),
        Span::styled(s.what.clone(), theme::dim()),
    ]);
    if i == pane.selected {
        line = line.patch_style(theme::selection());
    }
    line
}

/// What the selected step says beyond its row: each failure (expected vs actual), the
/// doctor's headline on a 1020, and where its exchange is.
fn details(run: &Run, i: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let RunState::Failed(e) = &run.state {
        out.push(Line::styled(e.clone(), theme::error()));
        return out;
    }
    let Some(r) = run.report(i) else {
        return out;
    };
    for f in &r.failures {
        out.push(Line::styled(f.clone(), theme::error()));
    }
    if let Some(d) = &r.doctor {
        out.push(Line::styled(format!("doctor: {d}"), theme::warning()));
    }
    if r.attempts > 1 {
        out.push(Line::styled(
            format!("{} attempts", r.attempts),
            theme::dim(),
        ));
    }
    if let Some(id) = r.history_id {
        out.push(Line::styled(
            format!("Enter: history #{id} in the inspector"),
            theme::info(),
        ));
    }
    out
}

pub fn render(
    pane: &ScenarioPane,
    focused: bool,
    now_ms: u64,
    keys: &crate::tui::keymap::Keymap,
    area: Rect,
    buf: &mut Buffer,
) {
    let mut block = Block::bordered().border_style(theme::border(focused));
    let Some(run) = &pane.run else {
        block = block.title(Line::styled(" scenario ", theme::title(focused)));
        let inner = block.inner(area);
        block.render(area, buf);
        Paragraph::new(Line::styled(
            format!(
                "No scenario run yet. {}, then c lists the scenarios; Enter runs one.",
                keys.name(crate::tui::keymap::Command::Library)
            ),
            theme::dim(),
        ))
        .wrap(Wrap { trim: true })
        .render(inner, buf);
        return;
    };
    block = block.title(title(run, now_ms));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    buf.set_line(
        inner.x,
        y,
        &Line::styled(run.file.clone(), theme::dim()),
        inner.width,
    );
    y += 1;
    let detail = details(run, pane.selected);
    // The keys take the last row; what the selected step says, up to four rows above it.
    let room = bottom.saturating_sub(y + 1);
    let detail_h = u16::try_from(detail.len())
        .unwrap_or(u16::MAX)
        .min(4)
        .min(room / 2);
    let rows_h = usize::from(room - detail_h);
    let width = run
        .steps
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, usize::from(inner.width / 3).max(4));
    let start = (pane.selected + 1).saturating_sub(rows_h.max(1));
    for i in (start..run.steps.len()).take(rows_h) {
        buf.set_line(inner.x, y, &row(pane, run, i, width, now_ms), inner.width);
        y += 1;
    }
    if detail_h > 0 {
        let area = Rect {
            x: inner.x,
            y: bottom - 1 - detail_h,
            width: inner.width,
            height: detail_h,
        };
        Paragraph::new(detail)
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
    let keys = if run.is_running() {
        "↑↓ step · Enter exchange · x stop · Esc back"
    } else {
        "↑↓ step · Enter exchange · r run again · Esc back"
    };
    if bottom > inner.y {
        buf.set_line(
            inner.x,
            bottom - 1,
            &Line::styled(keys, theme::dim()),
            inner.width,
        );
    }
}
