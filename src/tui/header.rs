//! The top line (tabs and the active profile), the request line (method and URL) and the
//! endpoint completion list.

use super::app::{App, Focus, Tab};
use super::layout::{Panes, TAB_FEED, TAB_REQUEST};
use super::theme;
use super::url_field::MAX_COMPLETIONS;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

pub fn render_top(app: &App, area: Rect, buf: &mut Buffer) {
    let tab = |t: Tab, name: &'static str| {
        if app.tab == t {
            Span::styled(name, theme::title(true).add_modifier(Modifier::REVERSED))
        } else {
            Span::styled(name, theme::label())
        }
    };
    debug_assert_eq!(TAB_REQUEST.1 - TAB_REQUEST.0, 9);
    debug_assert_eq!(TAB_FEED.1 - TAB_FEED.0, 6);
    let p = &app.profile;
    let mut spans = vec![
        Span::styled(" xsign ", Style::new().add_modifier(Modifier::BOLD)),
        tab(Tab::Request, " Request "),
        tab(Tab::Feed, " Feed "),
        Span::raw("  "),
        Span::styled(p.name.clone(), theme::title(true)),
        Span::styled(" · ", theme::dim()),
        Span::raw(p.base_url.clone()),
        Span::styled(" · ", theme::dim()),
    ];
    match (&p.fingerprint, p.signing) {
        (Some(fp), _) => spans.push(Span::raw(format!(
            "key {fp}{}",
            p.bits.map(|b| format!(" ({b})")).unwrap_or_default()
        ))),
        (None, false) => spans.push(Span::styled("signing off", theme::warning())),
        (None, true) => spans.push(Span::styled("no key", theme::error())),
    }
    spans.push(Span::styled(" · ", theme::dim()));
    spans.push(Span::raw(p.mode_name()));
    if !p.problems.is_empty() {
        spans.push(Span::styled(" · ⚠ ", theme::error()));
        spans.push(Span::styled(p.problems[0].clone(), theme::error()));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

pub fn render_request(app: &App, p: &Panes, buf: &mut Buffer) {
    let focused = matches!(app.focus, Focus::Method | Focus::Url);
    let title = match &app.current {
        Some(c) => Line::from(vec![
            Span::styled(
                format!(" {}/{} ", c.collection, c.request.name),
                theme::title(focused),
            ),
            if app.is_edited() {
                Span::styled("● edited ", theme::warning())
            } else {
                Span::styled("saved ", theme::dim())
            },
        ]),
        None => Line::styled(" request ", theme::title(focused)),
    };
    let block = Block::bordered()
        .border_style(theme::border(focused))
        .title(title)
        .title(
            Line::styled(" F2 method · ↓ endpoints · Ctrl-R send ", theme::dim()).right_aligned(),
        );
    block.render(p.request, buf);
    let m = p.method;
    let style = if app.focus == Focus::Method {
        theme::title(true).add_modifier(Modifier::REVERSED)
    } else {
        Style::new().fg(theme::ACCENT).add_modifier(Modifier::BOLD)
    };
    buf.set_line(
        m.x,
        m.y,
        &Line::styled(format!(" {:<6}▾", app.method_name()), style),
        m.width,
    );
    let u = p.url_inner;
    let editing = app.editing && app.focus == Focus::Url;
    if app.url.text().is_empty() && !editing {
        buf.set_line(
            u.x,
            u.y,
            &Line::styled(
                "/company  (type a path; ↓ lists the endpoints)",
                theme::dim(),
            ),
            u.width,
        );
        return;
    }
    let x = app.url.input.render(u, buf, editing);
    if editing && app.url.text().is_empty() {
        buf.set_line(
            x + 1,
            u.y,
            &Line::styled(
                "type a path such as /company; ↓ lists endpoints",
                theme::dim(),
            ),
            (u.x + u.width).saturating_sub(x + 1),
        );
    }
}

/// The endpoint list under the URL field.
pub fn render_completion(app: &App, p: &Panes, area: Rect, buf: &mut Buffer) {
    let Some(c) = &app.url.completion else { return };
    if !(app.editing && app.focus == Focus::Url) {
        return;
    }
    let n = c.items.len().min(MAX_COMPLETIONS);
    let x = p.method.x;
    let width = (area.width.saturating_sub(x + 1)).min(90);
    let rect = Rect {
        x,
        y: p.request.y + p.request.height - 1,
        width,
        height: (n as u16 + 2).min(area.height.saturating_sub(p.request.y + p.request.height)),
    };
    Clear.render(rect, buf);
    let more = c.items.len().saturating_sub(MAX_COMPLETIONS);
    let block = Block::bordered()
        .border_style(theme::border(true))
        .title(Line::styled(" endpoints · ↑↓ Enter ", theme::title(true)))
        .title(if more > 0 {
            Line::styled(format!(" +{more} more: keep typing "), theme::dim()).right_aligned()
        } else {
            Line::raw("")
        });
    let inner = block.inner(rect);
    block.render(rect, buf);
    let offset = (c.selected + 1).saturating_sub(inner.height as usize);
    for (row, (i, e)) in c.items.iter().enumerate().skip(offset).take(n).enumerate() {
        if row >= inner.height as usize {
            break;
        }
        let mut line = Line::from(vec![
            Span::styled(format!("{:<7}", e.method), theme::title(true)),
            Span::raw(e.url_template()),
            Span::styled(format!("  {}", e.summary), theme::dim()),
        ]);
        if i == c.selected {
            line = line.patch_style(theme::selection());
        }
        buf.set_line(inner.x, inner.y + row as u16, &line, inner.width);
    }
}
