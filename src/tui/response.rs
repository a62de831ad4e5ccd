//! The response pane: status line, headers, the body pretty-printed and coloured, scroll,
//! search and copy. The pretty lines are computed once, when the response arrives (off the
//! draw loop); drawing styles only the visible window.

use super::clock::{human_bytes, human_ms};
use super::inspector::InspectorView;
use super::json;
use super::theme;
use crate::signing::AuthValue;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use std::sync::Arc;

/// What was actually sent: shown beside the response and used by the inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRequest {
    pub method: String,
    pub url: String,
    pub value: Option<AuthValue>,
    pub hash_hex: Option<String>,
    pub x_sign: Option<String>,
    pub body_len: usize,
}

/// A response, ready to draw.
#[derive(Debug, Clone)]
pub struct ResponseView {
    pub status: u16,
    pub reason: String,
    pub elapsed_ms: u64,
    pub headers: Vec<(String, String)>,
    pub body: Arc<[u8]>,
    pub is_json: bool,
    /// The body as lines: pretty-printed JSON, or the text as it came.
    pub lines: Arc<Vec<String>>,
    pub sent: SentRequest,
    pub inspector: Option<InspectorView>,
    /// Something to know beside the response (a cut body, a history write that failed).
    pub note: Option<String>,
}

impl ResponseView {
    /// Builds the view; pretty-prints a JSON body. Runs in the network task.
    pub fn new(
        status: u16,
        reason: impl Into<String>,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        elapsed_ms: u64,
        sent: SentRequest,
    ) -> Self {
        let (is_json, text) = match json::pretty(&body) {
            Ok(p) => (true, String::from_utf8_lossy(&p).into_owned()),
            Err(_) => (false, String::from_utf8_lossy(&body).into_owned()),
        };
        let lines = if body.is_empty() {
            Vec::new()
        } else {
            text.split('\n').map(str::to_string).collect()
        };
        ResponseView {
            status,
            reason: reason.into(),
            elapsed_ms,
            headers,
            body: body.into(),
            is_json,
            lines: Arc::new(lines),
            sent,
            inspector: None,
            note: None,
        }
    }

    /// The Partner API's bad-signature answer: code 1020 (number or string) or errPartnerAuth.
    pub fn is_partner_auth_error(&self) -> bool {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&self.body) else {
            return false;
        };
        let code = v.get("code");
        code.and_then(|c| c.as_i64()) == Some(1020)
            || code.and_then(|c| c.as_str()) == Some("1020")
            || v.get("msg").and_then(|m| m.as_str()) == Some("errPartnerAuth")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseTab {
    #[default]
    Body,
    Headers,
    Inspector,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    /// Typing the query: keys go to it.
    pub editing: bool,
    /// Line numbers that match.
    pub matches: Vec<usize>,
    pub current: usize,
}

#[derive(Debug, Clone, Default)]
pub enum ResponseState {
    #[default]
    Empty,
    Failed {
        message: String,
        sent: Option<SentRequest>,
    },
    Received(Box<ResponseView>),
}

/// The pane: what arrived plus how the user is looking at it.
#[derive(Debug, Clone, Default)]
pub struct ResponsePane {
    pub state: ResponseState,
    pub tab: ResponseTab,
    pub scroll: usize,
    pub search: Search,
}

impl ResponsePane {
    pub fn view(&self) -> Option<&ResponseView> {
        match &self.state {
            ResponseState::Received(v) => Some(v),
            _ => None,
        }
    }

    pub fn set(&mut self, state: ResponseState) {
        let inspector = matches!(&state, ResponseState::Received(v) if v.inspector.is_some());
        self.state = state;
        self.scroll = 0;
        self.tab = if inspector {
            ResponseTab::Inspector
        } else {
            ResponseTab::Body
        };
        let q = std::mem::take(&mut self.search.query);
        self.search = Search::default();
        if !q.is_empty() {
            self.search.query = q;
            self.run_search();
        }
    }

    /// Number of lines in the current tab, for scrolling.
    pub fn line_count(&self) -> usize {
        match (&self.state, self.tab) {
            (ResponseState::Received(v), ResponseTab::Body) => v.lines.len(),
            (ResponseState::Received(v), ResponseTab::Headers) => v.headers.len() + 4,
            (ResponseState::Received(v), ResponseTab::Inspector) => {
                v.inspector.as_ref().map_or(0, |i| i.line_count())
            }
            _ => 0,
        }
    }

    pub fn scroll_by(&mut self, delta: isize, page: usize) {
        let max = self.line_count().saturating_sub(page.max(1));
        self.scroll = self.scroll.saturating_add_signed(delta).min(max);
    }

    pub fn scroll_to(&mut self, line: usize, page: usize) {
        let max = self.line_count().saturating_sub(page.max(1));
        self.scroll = line.min(max);
    }

    /// Finds the query in the body lines (case-insensitive) and jumps to the first match.
    pub fn run_search(&mut self) {
        self.search.matches.clear();
        self.search.current = 0;
        let Some(v) = self.view() else { return };
        let q = self.search.query.to_lowercase();
        if q.is_empty() {
            return;
        }
        let matches: Vec<usize> = v
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.to_lowercase().contains(&q))
            .map(|(i, _)| i)
            .collect();
        self.search.matches = matches;
    }

    pub fn next_match(&mut self, forward: bool, page: usize) {
        let n = self.search.matches.len();
        if n == 0 {
            return;
        }
        self.search.current = if forward {
            (self.search.current + 1) % n
        } else {
            (self.search.current + n - 1) % n
        };
        self.show_current_match(page);
    }

    pub fn show_current_match(&mut self, page: usize) {
        if let Some(&line) = self.search.matches.get(self.search.current) {
            self.tab = ResponseTab::Body;
            self.scroll_to(line.saturating_sub(page / 3), page);
        }
    }
}

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
            let line = body_line(&v.lines[i], v.is_json, &pane.search.query, 0);
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

pub fn render_headers(v: &ResponseView, area: Rect, buf: &mut Buffer, scroll: usize) {
    let mut lines = vec![Line::from(vec![
        Span::styled("sent ", theme::label()),
        Span::raw(format!("{} {}", v.sent.method, v.sent.url)),
    ])];
    if let (Some(value), Some(x)) = (&v.sent.value, &v.sent.x_sign) {
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", value.header_name()), theme::label()),
            Span::raw(value.to_string()),
            Span::styled("  x-sign: ", theme::label()),
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
    Paragraph::new(lines)
        .scroll((scroll.min(u16::MAX as usize) as u16, 0))
        .render(area, buf);
}

/// Spinner frames, chosen by elapsed time so renders under an injected clock are stable.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draws the response pane of the app.
pub fn render(app: &super::app::App, area: Rect, buf: &mut Buffer) {
    use super::app::{Focus, SendState};
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
                        "Ctrl-R signs and sends the request; the answer appears here.",
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
            if !pane.search.query.is_empty() || pane.search.editing {
                let n = pane.search.matches.len();
                status.spans.push(Span::styled(
                    if pane.search.editing {
                        format!("  /{}▏", pane.search.query)
                    } else {
                        format!(
                            "  /{} {}/{}",
                            pane.search.query,
                            (pane.search.current + 1).min(n),
                            n
                        )
                    },
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
                    Some(i) => super::inspector::render(i, pane.scroll, rest, buf),
                    None => render_body(v, pane, rest, buf),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent() -> SentRequest {
        SentRequest {
            method: "GET".into(),
            url: "http://x/".into(),
            value: None,
            hash_hex: None,
            x_sign: None,
            body_len: 0,
        }
    }

    #[test]
    fn json_bodies_are_pretty_lines() {
        let v = ResponseView::new(200, "OK", vec![], br#"{"a":[1,2]}"#.to_vec(), 3, sent());
        assert!(v.is_json);
        assert_eq!(v.lines.len(), 6);
        assert!(!v.is_partner_auth_error());
    }

    #[test]
    fn the_1020_is_recognised_as_number_or_string() {
        for body in [
            r#"{"code":1020,"msg":"errPartnerAuth","detail":{"reason":"signature"}}"#,
            r#"{"code":"1020","msg":"x"}"#,
            r#"{"code":401,"msg":"errPartnerAuth"}"#,
        ] {
            let v = ResponseView::new(401, "", vec![], body.as_bytes().to_vec(), 1, sent());
            assert!(v.is_partner_auth_error(), "{body}");
        }
    }

    #[test]
    fn search_finds_lines_and_wraps() {
        let mut p = ResponsePane::default();
        p.set(ResponseState::Received(Box::new(ResponseView::new(
            200,
            "OK",
            vec![],
            br#"{"a":"ACME","b":"x","c":"acme"}"#.to_vec(),
            1,
            sent(),
        ))));
        p.search.query = "acme".into();
        p.run_search();
        assert_eq!(p.search.matches, vec![1, 3]);
        p.next_match(true, 10);
        assert_eq!(p.search.current, 1);
        p.next_match(true, 10);
        assert_eq!(p.search.current, 0);
    }

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
