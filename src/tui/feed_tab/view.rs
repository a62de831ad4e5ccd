//! Draws the feed tab: the feed kinds and client ID, the connection, the list of messages
//! and the selected one pretty-printed.

use super::{Connection, FeedKind, FeedPane};
use crate::time::hms_utc;
use crate::tui::json;
use crate::tui::response::token_style;
use crate::tui::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

impl Widget for &FeedPane {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [top, main] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(area);
        let mut kinds = vec![Span::styled(" feed ", theme::label())];
        let offered = FeedKind::offered(self.scheme);
        if offered.is_empty() {
            kinds.push(Span::styled(
                format!(
                    " none: the API a {} profile calls has no feeds",
                    self.scheme
                ),
                theme::dim(),
            ));
        }
        for &k in offered {
            let style = if k == self.kind {
                theme::title(true).add_modifier(Modifier::REVERSED)
            } else {
                theme::dim()
            };
            kinds.push(Span::styled(format!(" {} ", k.name()), style));
        }
        if self.kind == FeedKind::CoreClient {
            kinds.push(Span::styled("  client ID ", theme::label()));
            if self.client_id.is_empty() && !self.editing_client {
                kinds.push(Span::styled("(press i)", theme::dim()));
            } else {
                kinds.extend(self.client_id.spans(self.editing_client));
            }
        }
        let state = match &self.connection {
            Connection::Disconnected => Span::styled("not connected: c connects", theme::dim()),
            Connection::Connecting { url, .. } => {
                Span::styled(format!("connecting to {url}…"), theme::warning())
            }
            Connection::Connected { url, .. } => {
                Span::styled(format!("● connected to {url}"), theme::ok())
            }
            Connection::Failed(e) => Span::styled(format!("✗ {e}"), theme::error()),
            Connection::Closed(r) => Span::styled(format!("closed: {r}"), theme::warning()),
        };
        Paragraph::new(vec![
            Line::from(kinds),
            Line::from(vec![Span::raw(" "), state]),
            Line::from(Span::styled(
                match self.items.len() {
                    1 => " 1 message".to_string(),
                    n => format!(" {n} messages"),
                },
                theme::dim(),
            )),
        ])
        .render(top, buf);

        let wide = main.width >= 100;
        let (list_area, detail_area) = if wide {
            let [l, d] =
                Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                    .areas(main);
            (l, Some(d))
        } else if self.open {
            (Rect::default(), Some(main))
        } else {
            (main, None)
        };
        if list_area.area() > 0 {
            let block = Block::bordered()
                .title(" messages (↑↓, Enter opens) ")
                .border_style(theme::border(!self.open));
            let inner = block.inner(list_area);
            block.render(list_area, buf);
            if self.items.is_empty() {
                Paragraph::new(Span::styled(
                    "Nothing yet. Messages appear here as they arrive.",
                    theme::dim(),
                ))
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            }
            let h = inner.height as usize;
            let start = (self.selected + 1).saturating_sub(h);
            for (row, (i, item)) in self
                .items
                .iter()
                .enumerate()
                .skip(start)
                .take(h)
                .enumerate()
            {
                let mut spans = vec![
                    Span::styled(format!("{} ", hms_utc(item.arrived.unix)), theme::dim()),
                    Span::raw(item.summary.clone()),
                ];
                if let Some(o) = &item.outcome {
                    spans.push(Span::styled(format!("  {o}"), theme::info()));
                }
                let mut line = Line::from(spans);
                if i == self.selected {
                    line = line.patch_style(theme::selection());
                }
                buf.set_line(inner.x, inner.y + row as u16, &line, inner.width);
            }
        }
        if let Some(area) = detail_area {
            let title = match self.selected_item() {
                Some(item) if item.action.is_some() => {
                    " message · a approve · r reject · Esc back "
                }
                Some(_) => " message · Esc back ",
                None => " message ",
            };
            let block = Block::bordered()
                .title(title)
                .border_style(theme::border(self.open));
            let inner = block.inner(area);
            block.render(area, buf);
            if let Some(item) = self.selected_item() {
                let mut lines = vec![Line::from(Span::styled(
                    format!("arrived {} UTC", hms_utc(item.arrived.unix)),
                    theme::dim(),
                ))];
                for l in item
                    .lines
                    .iter()
                    .skip(self.scroll)
                    .take(inner.height as usize)
                {
                    if item.is_json {
                        lines.push(Line::from(
                            json::tokens(l)
                                .into_iter()
                                .map(|(s, e, t)| Span::styled(l[s..e].to_string(), token_style(t)))
                                .collect::<Vec<_>>(),
                        ));
                    } else {
                        lines.push(Line::raw(l.clone()));
                    }
                }
                if let Some(o) = &item.outcome {
                    lines.push(Line::from(Span::styled(o.clone(), theme::info())));
                }
                Paragraph::new(lines).render(inner, buf);
            }
        }
    }
}
