//! The top line (tabs and the active profile), the request line (method and URL) and the
//! endpoint completion list.

use super::app::{App, Focus, Tab};
use super::keymap::Command;
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
    let mut spans = vec![
        Span::styled(" xsign ", Style::new().add_modifier(Modifier::BOLD)),
        tab(Tab::Request, " Request "),
        tab(Tab::Feed, " Feed "),
        Span::raw("  "),
    ];
    let used: usize = spans.iter().map(Span::width).sum();
    spans.extend(profile_spans(
        app,
        (area.width as usize).saturating_sub(used),
    ));
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// `demo · http://127.0.0.1:8001/api/v1/p · key sha256:8b79f8954a2657c1 (2048) · timestamp`,
/// in `room` cells. The profile, the key and the auth mode always show: to fit, the base URL
/// loses its scheme and path and then goes, the key its size and then digits. A problem comes
/// last, cut by the edge if need be.
fn profile_spans(app: &App, room: usize) -> Vec<Span<'static>> {
    let p = &app.profile;
    let sep = || Span::styled(" · ", theme::dim());
    let host = p
        .base_url
        .split_once("://")
        .map_or(p.base_url.as_str(), |(_, rest)| rest);
    let host = host.split('/').next().unwrap_or(host);
    let urls = [Some(p.base_url.clone()), Some(host.to_string()), None];
    let key = |short: u8| match (&p.fingerprint, p.signing) {
        (Some(fp), _) => {
            let bits = p.bits.map(|b| format!(" ({b})")).unwrap_or_default();
            Span::raw(match short {
                0 => format!("key {fp}{bits}"),
                1 => format!("key {fp}"),
                _ => format!(
                    "key {}",
                    fp.trim_start_matches("sha256:").get(..8).unwrap_or(fp)
                ),
            })
        }
        (None, false) => Span::styled("signing off", theme::warning()),
        // A qredo-* profile signs with its secret: masked, as the API key is.
        (None, true) => match &p.secret_masked {
            Some(m) => Span::raw(format!("secret {m}")),
            None => Span::styled("no key", theme::error()),
        },
    };
    let build = |url: &Option<String>, short: u8| {
        let mut spans = vec![Span::styled(p.name.clone(), theme::title(true))];
        if let Some(url) = url {
            spans.extend([sep(), Span::raw(url.clone())]);
        }
        spans.extend([sep(), key(short), sep(), Span::raw(p.mode_name())]);
        spans
    };
    let fits = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>() <= room;
    let tries = [(0, 0), (1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)];
    let mut spans = tries
        .iter()
        .map(|&(u, k)| build(&urls[u], k))
        .find(|s| fits(s))
        .unwrap_or_else(|| build(&None, 2));
    if !p.problems.is_empty() {
        spans.push(Span::styled(" · ⚠ ", theme::error()));
        spans.push(Span::styled(p.problems[0].clone(), theme::error()));
    }
    spans
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
            Line::styled(
                format!(
                    " {} method · ↓ endpoints · {} send ",
                    app.keymap.name(Command::NextMethod),
                    app.keymap.name(Command::Send)
                ),
                theme::dim(),
            )
            .right_aligned(),
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
                format!(
                    "type a path such as {}; ↓ lists endpoints",
                    app.profile.scheme.example_path()
                ),
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
