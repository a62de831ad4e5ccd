//! Draws the response pane: the sending line, the status line, and the body, headers or
//! inspector tab, only the lines in view styled.

use super::{ResponsePane, ResponseState, ResponseTab, ResponseView};
use crate::time::{bytes_text as human_bytes, elapsed_ms_text as human_ms};
use crate::tui::json;
use crate::tui::theme;
use crate::tui::widgets::wrap::wrap_line;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

/// The status line: "200 OK · 12 ms · 1.2 KiB".
pub fn status_line(v: &ResponseView) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!("{} {}", v.status, v.reason),
            theme::status_code(v.status),
        ),
        Span::styled(
            format!(
                " · {} · {}",
                human_ms(v.elapsed_ms),
                human_bytes(v.body.len())
            ),
            theme::label(),
        ),
    ])
}

/// One body line with JSON colours and search hits highlighted.
pub fn body_line<'a>(line: &'a str, is_json: bool, query: &str, left: usize) -> Line<'a> {
    let mut spans: Vec<Span<'a>> = Vec::new();
    if is_json {
        for (s, e, t) in json::tokens(line) {
            spans.push(Span::styled(&line[s..e], token_style(t)));
        }
    } else {
        spans.push(Span::raw(line));
    }
    let mut l = Line::from(spans);
    if !query.is_empty() {
        l = highlight_matches(l, line, query);
    }
    if left > 0 {
        l = skip_columns(l, left);
    }
    l
}

pub fn token_style(t: json::Token) -> Style {
    match t {
        json::Token::Key => theme::json::key(),
        json::Token::String => theme::json::string(),
        json::Token::Number => theme::json::number(),
        json::Token::Literal => theme::json::literal(),
        json::Token::Punct => theme::json::punct(),
        json::Token::Other => theme::json::other(),
    }
}

fn highlight_matches<'a>(l: Line<'a>, line: &'a str, query: &str) -> Line<'a> {
    let lower = line.to_lowercase();
    if lower.len() != line.len() {
        return l; // case folding changed lengths: skip highlighting rather than misplace it
    }
    let q = query.to_lowercase();
    let mut hits = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(&q) {
        hits.push((from + i, from + i + q.len()));
        from += i + q.len().max(1);
    }
    if hits.is_empty() {
        return l;
    }
    let mut out = Vec::new();
    let mut pos = 0;
    for span in l.spans {
        let text = span.content.as_ref();
        let start = pos;
        let end = pos + text.len();
        let mut cut = start;
        for &(hs, he) in &hits {
            let (s, e) = (hs.max(start), he.min(end));
            if s >= e {
                continue;
            }
            if cut < s {
                out.push(Span::styled(line[cut..s].to_string(), span.style));
            }
            out.push(Span::styled(line[s..e].to_string(), theme::highlight()));
            cut = e;
        }
        if cut < end {
            out.push(Span::styled(line[cut..end].to_string(), span.style));
        }
        pos = end;
    }
    Line::from(out)
}

fn skip_columns(l: Line<'_>, mut left: usize) -> Line<'_> {
    let mut out = Vec::new();
    for span in l.spans {
        if left == 0 {
            out.push(span);
            continue;
        }
        let n = span.content.chars().count();
        if n <= left {
            left -= n;
            continue;
        }
        let rest: String = span.content.chars().skip(left).collect();
        left = 0;
        out.push(Span::styled(rest, span.style));
    }
    Line::from(out)
}

/// Draws the body tab: only the lines in view are styled; long lines wrap.
pub fn render_body(v: &ResponseView, pane: &ResponsePane, area: Rect, buf: &mut Buffer) {
    if v.lines.is_empty() {
        Paragraph::new(Span::styled("(empty body)", theme::dim())).render(area, buf);
        return;
    }
    let end = (pane.scroll + area.height as usize).min(v.lines.len());
    let current = pane.search.matches.get(pane.search.current).copied();
    let lines: Vec<Line> = (pane.scroll..end)
        .map(|i| {
            let line = body_line(&v.lines[i], v.is_json, pane.search.query.text(), 0);
            if Some(i) == current {
                line.patch_style(Style::new().add_modifier(ratatui::style::Modifier::BOLD))
            } else {
                line
            }
        })
        .collect();
    Paragraph::new(lines)
        .wrap(ratatui::widgets::Wrap { trim: false })
        .render(area, buf);
}

/// The headers tab as rows `width` cells wide: what was sent, then the response headers;
/// long values (an x-sign, an `x-mock-detail`) wrap instead of running off the edge.
pub fn header_rows(v: &ResponseView, width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled("sent ", theme::label()),
        Span::raw(crate::tui::markers::shown(&format!(
            "{} {}",
            v.sent.method, v.sent.url
        ))),
    ])];
    if let Some(value) = &v.sent.value {
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", value.header_name()), theme::label()),
            Span::raw(value.to_string()),
        ]));
    }
    if let Some(x) = &v.sent.x_sign {
        lines.push(Line::from(vec![
            Span::styled("x-sign: ", theme::label()),
            Span::raw(x.clone()),
        ]));
    }
    lines.push(Line::raw(""));
    for (k, val) in &v.headers {
        lines.push(Line::from(vec![
            Span::styled(format!("{k}: "), theme::json::key()),
            Span::raw(val.clone()),
        ]));
    }
    lines.iter().flat_map(|l| wrap_line(l, width)).collect()
}

pub fn render_headers(v: &ResponseView, area: Rect, buf: &mut Buffer, scroll: usize) {
    let rows: Vec<Line> = header_rows(v, area.width as usize)
        .into_iter()
        .skip(scroll)
        .take(area.height as usize)
        .collect();
    Paragraph::new(rows).render(area, buf);
}

/// Spinner frames, chosen by elapsed time so renders under an injected clock are stable.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Where the scrolled content goes inside the pane's `inner` area: below the in-flight line,
/// the status line and the note. `update` sizes its page with this too, so `G` and PgDn
/// stop where the last line is in view.
pub fn content_area(app: &crate::tui::app::App, inner: Rect) -> Rect {
    let mut r = inner;
    let take = |r: &mut Rect| {
        r.y += 1;
        r.height -= 1;
    };
    if app.in_flight() && r.height > 0 {
        take(&mut r);
    }
    if let ResponseState::Received(v) = &app.response.state
        && r.height > 0
    {
        take(&mut r);
        if v.note.is_some() && r.height > 1 {
            take(&mut r);
        }
    }
    r
}

/// Draws the response pane of the app.
pub fn render(app: &crate::tui::app::App, area: Rect, buf: &mut Buffer) {
    use crate::tui::app::{Focus, SendState};
    use ratatui::widgets::Block;
    let focused = app.focus == Focus::Response;
    let pane = &app.response;
    let mut block = Block::bordered()
        .border_style(theme::border(focused))
        .title(Line::styled(" response ", theme::title(focused)));
    if let Some(v) = pane.view() {
        let tab = |t: ResponseTab, name: &'static str| {
            if pane.tab == t {
                Span::styled(
                    name,
                    theme::title(true).add_modifier(ratatui::style::Modifier::REVERSED),
                )
            } else {
                Span::styled(name, theme::dim())
            }
        };
        let mut tabs = vec![
            tab(ResponseTab::Body, " b body "),
            tab(ResponseTab::Headers, " h headers "),
        ];
        if v.inspector.is_some() {
            tabs.push(tab(ResponseTab::Inspector, " i inspector "));
        }
        block = block.title(Line::from(tabs).right_aligned());
    }
    let inner = block.inner(area);
    block.render(area, buf);
    let mut body_area = inner;
    if let SendState::InFlight {
        started_ms,
        method,
        url,
        ..
    } = &app.send
    {
        let elapsed = app.now.mono_ms.saturating_sub(*started_ms);
        let frame = SPINNER[(elapsed / 100) as usize % SPINNER.len()];
        let line = Line::from(vec![
            Span::styled(format!("{frame} sending "), theme::warning()),
            Span::raw(format!("{method} {url}")),
            Span::styled(
                format!(" · {} · Esc cancels", human_ms(elapsed)),
                theme::dim(),
            ),
        ]);
        buf.set_line(inner.x, inner.y, &line, inner.width);
        body_area.y += 1;
        body_area.height = body_area.height.saturating_sub(1);
        if pane.view().is_none() {
            return;
        }
    }
    match &pane.state {
        ResponseState::Empty => {
            if !app.in_flight() {
                Paragraph::new(vec![
                    Line::styled("Nothing sent yet.", theme::dim()),
                    Line::styled(
                        format!(
                            "{} signs and sends the request; the answer appears here.",
                            app.keymap.name(crate::tui::keymap::Command::Send)
                        ),
                        theme::dim(),
                    ),
                ])
                .wrap(ratatui::widgets::Wrap { trim: true })
                .render(body_area, buf);
            }
        }
        ResponseState::Failed { message, sent } => {
            let mut lines = vec![Line::styled("✗ not sent / no answer", theme::error())];
            lines.push(Line::raw(message.clone()));
            if let Some(s) = sent {
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    format!("{} {}", s.method, s.url),
                    theme::dim(),
                ));
            }
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .render(body_area, buf);
        }
        ResponseState::Received(v) => {
            if body_area.height == 0 {
                return;
            }
            let mut status = status_line(v);
            if pane.search.editing {
                status.spans.push(Span::styled("  /", theme::info()));
                status.spans.extend(
                    pane.search
                        .query
                        .spans(true)
                        .into_iter()
                        .map(|s| s.patch_style(theme::info())),
                );
            } else if !pane.search.query.is_empty() {
                let n = pane.search.matches.len();
                status.spans.push(Span::styled(
                    format!(
                        "  /{} {}/{}",
                        pane.search.query.text(),
                        (pane.search.current + 1).min(n),
                        n
                    ),
                    theme::info(),
                ));
            }
            buf.set_line(body_area.x, body_area.y, &status, body_area.width);
            let mut rest = Rect {
                y: body_area.y + 1,
                height: body_area.height - 1,
                ..body_area
            };
            if let Some(note) = &v.note
                && rest.height > 1
            {
                buf.set_line(
                    rest.x,
                    rest.y,
                    &Line::styled(format!("⚠ {note}"), theme::warning()),
                    rest.width,
                );
                rest.y += 1;
                rest.height -= 1;
            }
            match pane.tab {
                ResponseTab::Body => render_body(v, pane, rest, buf),
                ResponseTab::Headers => render_headers(v, rest, buf, pane.scroll),
                ResponseTab::Inspector => match &v.inspector {
                    Some(i) => crate::tui::inspector::render(i, pane.scroll, rest, buf),
                    None => render_body(v, pane, rest, buf),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_splits_spans() {
        let l = body_line(r#"  "name": "ACME Corp","#, true, "acme", 0);
        let hit: Vec<_> = l
            .spans
            .iter()
            .filter(|s| s.style == theme::highlight())
            .collect();
        assert_eq!(hit.len(), 1);
        assert_eq!(hit[0].content, "ACME");
    }
}
