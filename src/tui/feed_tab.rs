//! The feed tab: connect to a coreclient, wallets or liquidityhub feed, list what arrives
//! with its arrival time, show one message pretty-printed, and approve or reject a
//! coreclient action through the API.

use super::clock::{Moment, hms_utc};
use super::json;
use super::response::token_style;
use super::theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeedKind {
    #[default]
    CoreClient,
    Wallets,
    LiquidityHub,
}

impl FeedKind {
    pub const ALL: [FeedKind; 3] = [
        FeedKind::CoreClient,
        FeedKind::Wallets,
        FeedKind::LiquidityHub,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FeedKind::CoreClient => "coreclient",
            FeedKind::Wallets => "wallets",
            FeedKind::LiquidityHub => "liquidityhub",
        }
    }

    /// The feed client's name for this feed.
    pub fn feed(self, client_id: &str) -> crate::feed::FeedKind {
        match self {
            FeedKind::CoreClient => crate::feed::FeedKind::CoreClient(client_id.to_string()),
            FeedKind::Wallets => crate::feed::FeedKind::Wallets,
            FeedKind::LiquidityHub => crate::feed::FeedKind::LiquidityHub,
        }
    }
}

/// A coreclient action that can be approved or rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub id: String,
    pub client_id: String,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    pub arrived: Moment,
    pub text: String,
    pub lines: Vec<String>,
    pub is_json: bool,
    pub summary: String,
    pub action: Option<Action>,
    /// What happened when the user approved or rejected it.
    pub outcome: Option<String>,
}

impl FeedItem {
    pub fn new(arrived: Moment, text: String, client_id: &str) -> Self {
        let (is_json, pretty) = match json::pretty(text.as_bytes()) {
            Ok(p) => (true, String::from_utf8_lossy(&p).into_owned()),
            Err(_) => (false, text.clone()),
        };
        let value: Option<serde_json::Value> = serde_json::from_str(&text).ok();
        let field = |k: &str| {
            value.as_ref().and_then(|v| v.get(k)).and_then(|v| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| Some(v.to_string()))
            })
        };
        let action = match (field("id"), field("type")) {
            (Some(id), Some(_)) => Some(Action {
                id,
                client_id: field("clientID").unwrap_or_else(|| client_id.to_string()),
                status: field("status"),
            }),
            _ => None,
        };
        let summary = match (&action, field("txID")) {
            (Some(a), _) => format!(
                "action {} {} {}",
                a.id,
                field("type").unwrap_or_default(),
                a.status.clone().unwrap_or_default()
            ),
            (None, Some(tx)) => format!("tx {tx} {}", field("status").unwrap_or_default()),
            (None, None) if field("event").is_some() => {
                let id = ["wallet_id", "tx_id", "fund_id", "company_id"]
                    .iter()
                    .find_map(|k| field(k).map(|v| format!("{k} {v}")))
                    .unwrap_or_default();
                format!("{} {id}", field("event").unwrap_or_default())
            }
            _ => text.chars().take(200).collect(),
        };
        FeedItem {
            arrived,
            lines: pretty.split('\n').map(str::to_string).collect(),
            text,
            is_json,
            summary,
            action,
            outcome: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Connection {
    #[default]
    Disconnected,
    Connecting {
        id: u64,
        url: String,
    },
    Connected {
        id: u64,
        url: String,
    },
    Failed(String),
    Closed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum FeedMessage {
    Connecting {
        id: u64,
        attempt: u32,
        url: String,
    },
    Connected {
        id: u64,
        url: String,
    },
    Received {
        id: u64,
        at: Moment,
        text: String,
    },
    /// The connection dropped; `retry_in_ms` when the client reconnects by itself.
    Dropped {
        id: u64,
        reason: String,
        retry_in_ms: Option<u64>,
    },
    Failed {
        id: u64,
        message: String,
    },
    ActionDone {
        action_id: String,
        approve: bool,
        result: Result<String, String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedCommand {
    Connect {
        id: u64,
        feed: crate::feed::FeedKind,
    },
    Disconnect {
        id: u64,
    },
    Decide {
        client_id: String,
        action_id: String,
        approve: bool,
    },
}

#[derive(Debug, Clone, Default)]
pub struct FeedPane {
    pub kind: FeedKind,
    pub client_id: String,
    pub editing_client: bool,
    pub connection: Connection,
    pub items: Vec<FeedItem>,
    pub selected: usize,
    /// Showing the selected message pretty-printed.
    pub open: bool,
    pub scroll: usize,
    pub next_id: u64,
}

/// Keeps memory bounded on a busy feed.
pub const MAX_ITEMS: usize = 1000;

impl FeedPane {
    pub fn is_typing(&self) -> bool {
        self.editing_client
    }

    fn conn_id(&self) -> Option<u64> {
        match self.connection {
            Connection::Connecting { id, .. } | Connection::Connected { id, .. } => Some(id),
            _ => None,
        }
    }

    pub fn selected_item(&self) -> Option<&FeedItem> {
        self.items.get(self.selected)
    }

    /// Handles a key on the feed tab. Returns (used, commands, notice).
    pub fn key(&mut self, key: KeyEvent) -> (bool, Vec<FeedCommand>, Option<String>) {
        let mut cmds = Vec::new();
        if self.editing_client {
            match key.code {
                KeyCode::Enter | KeyCode::Esc => self.editing_client = false,
                KeyCode::Backspace => {
                    self.client_id.pop();
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.client_id.push(c)
                }
                _ => return (false, cmds, None),
            }
            return (true, cmds, None);
        }
        if self.open {
            match key.code {
                KeyCode::Esc | KeyCode::Enter | KeyCode::Backspace => self.open = false,
                KeyCode::Down | KeyCode::Char('j') => self.scroll += 1,
                KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
                KeyCode::Char('a') | KeyCode::Char('r') => return self.decide(key),
                _ => return (false, cmds, None),
            }
            return (true, cmds, None);
        }
        match key.code {
            KeyCode::Char('t') => {
                let i = FeedKind::ALL
                    .iter()
                    .position(|k| *k == self.kind)
                    .unwrap_or(0);
                self.kind = FeedKind::ALL[(i + 1) % FeedKind::ALL.len()];
            }
            KeyCode::Char('i') => self.editing_client = true,
            KeyCode::Char('c') => {
                if let Some(id) = self.conn_id() {
                    cmds.push(FeedCommand::Disconnect { id });
                }
                if self.kind == FeedKind::CoreClient && self.client_id.trim().is_empty() {
                    self.editing_client = true;
                    return (
                        true,
                        cmds,
                        Some("type the core client ID (i), then c connects".into()),
                    );
                }
                self.next_id += 1;
                let id = self.next_id;
                let feed = self.kind.feed(self.client_id.trim());
                self.connection = Connection::Connecting {
                    id,
                    url: feed.path(),
                };
                cmds.push(FeedCommand::Connect { id, feed });
            }
            KeyCode::Char('d') => {
                if let Some(id) = self.conn_id() {
                    cmds.push(FeedCommand::Disconnect { id });
                    self.connection = Connection::Closed("disconnected".into());
                }
            }
            KeyCode::Char('x') => {
                self.items.clear();
                self.selected = 0;
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(self.items.len().saturating_sub(1))
            }
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Home | KeyCode::Char('g') => self.selected = 0,
            KeyCode::End | KeyCode::Char('G') => self.selected = self.items.len().saturating_sub(1),
            KeyCode::Enter if !self.items.is_empty() => {
                self.open = true;
                self.scroll = 0;
            }
            KeyCode::Char('a') | KeyCode::Char('r') => return self.decide(key),
            _ => return (false, cmds, None),
        }
        (true, cmds, None)
    }

    fn decide(&mut self, key: KeyEvent) -> (bool, Vec<FeedCommand>, Option<String>) {
        let approve = key.code == KeyCode::Char('a');
        let Some(item) = self.items.get_mut(self.selected) else {
            return (true, vec![], Some("no message selected".into()));
        };
        let Some(action) = &item.action else {
            return (
                true,
                vec![],
                Some("this message is not a coreclient action: nothing to approve".into()),
            );
        };
        item.outcome = Some(
            if approve {
                "approving…"
            } else {
                "rejecting…"
            }
            .into(),
        );
        (
            true,
            vec![FeedCommand::Decide {
                client_id: action.client_id.clone(),
                action_id: action.id.clone(),
                approve,
            }],
            None,
        )
    }

    /// Applies news from the feed task. Returns a notice for the status bar, if any.
    pub fn apply(&mut self, msg: FeedMessage) -> Option<String> {
        let current = self.conn_id();
        match msg {
            FeedMessage::Connecting { id, attempt, url } if Some(id) == current => {
                self.connection = Connection::Connecting { id, url };
                (attempt > 1).then(|| format!("feed: reconnecting (attempt {attempt})"))
            }
            FeedMessage::Connected { id, url } if Some(id) == current => {
                self.connection = Connection::Connected { id, url };
                None
            }
            FeedMessage::Received { id, at, text } if Some(id) == current => {
                let follow = self.selected + 1 >= self.items.len();
                self.items
                    .push(FeedItem::new(at, text, self.client_id.trim()));
                if self.items.len() > MAX_ITEMS {
                    self.items.remove(0);
                    self.selected = self.selected.saturating_sub(1);
                }
                if follow && !self.open {
                    self.selected = self.items.len() - 1;
                }
                None
            }
            FeedMessage::Dropped {
                id,
                reason,
                retry_in_ms,
            } if Some(id) == current => match retry_in_ms {
                Some(ms) => Some(format!(
                    "feed dropped ({reason}); reconnecting in {}",
                    super::clock::human_ms(ms)
                )),
                None => {
                    self.connection = Connection::Closed(reason.clone());
                    Some(format!("feed closed: {reason}"))
                }
            },
            FeedMessage::Failed { id, message } if Some(id) == current => {
                self.connection = Connection::Failed(message.clone());
                Some(message)
            }
            FeedMessage::ActionDone {
                action_id,
                approve,
                result,
            } => {
                let verb = if approve { "approved" } else { "rejected" };
                let text = match &result {
                    Ok(status) => format!("{verb} ({status})"),
                    Err(e) => format!("could not be {verb}: {e}"),
                };
                for item in &mut self.items {
                    if item.action.as_ref().is_some_and(|a| a.id == action_id) {
                        item.outcome = Some(text.clone());
                    }
                }
                Some(format!("action {action_id} {text}"))
            }
            _ => None,
        }
    }
}

impl Widget for &FeedPane {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [top, main] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(area);
        let mut kinds = vec![Span::styled(" feed ", theme::label())];
        for k in FeedKind::ALL {
            let style = if k == self.kind {
                theme::title(true).add_modifier(Modifier::REVERSED)
            } else {
                theme::dim()
            };
            kinds.push(Span::styled(format!(" {} ", k.name()), style));
        }
        if self.kind == FeedKind::CoreClient {
            kinds.push(Span::styled("  client ID ", theme::label()));
            let id = if self.client_id.is_empty() && !self.editing_client {
                Span::styled("(press i)", theme::dim())
            } else {
                Span::raw(self.client_id.clone())
            };
            kinds.push(id);
            if self.editing_client {
                kinds.push(Span::styled(" ", theme::cursor()));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn k(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn actions_are_recognised() {
        let item = FeedItem::new(
            Moment::default(),
            r#"{"id":"a1","clientID":"c1","type":"ApproveWithdraw","status":"pending","timestamp":1,"expireTime":2}"#.into(),
            "",
        );
        let a = item.action.unwrap();
        assert_eq!((a.id.as_str(), a.client_id.as_str()), ("a1", "c1"));
        let tx = FeedItem::new(
            Moment::default(),
            r#"{"txID":"t","status":"done"}"#.into(),
            "",
        );
        assert!(tx.action.is_none());
        assert!(tx.summary.starts_with("tx t"));
    }

    #[test]
    fn connect_needs_a_client_id_for_coreclient() {
        let mut f = FeedPane::default();
        let (_, cmds, notice) = f.key(k('c'));
        assert!(cmds.is_empty() && notice.is_some() && f.editing_client);
        for c in "c1".chars() {
            f.key(k(c));
        }
        f.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        let (_, cmds, _) = f.key(k('c'));
        assert_eq!(
            cmds,
            vec![FeedCommand::Connect {
                id: 1,
                feed: crate::feed::FeedKind::CoreClient("c1".into())
            }]
        );
    }

    #[test]
    fn messages_follow_and_decide() {
        let mut f = FeedPane {
            kind: FeedKind::Wallets,
            ..Default::default()
        };
        f.key(k('c'));
        f.apply(FeedMessage::Connected {
            id: 1,
            url: "ws://x/wallets/feed".into(),
        });
        assert!(matches!(f.connection, Connection::Connected { .. }));
        for i in 0..3 {
            f.apply(FeedMessage::Received {
                id: 1,
                at: Moment::default(),
                text: format!(r#"{{"id":"a{i}","type":"t","clientID":"c"}}"#),
            });
        }
        assert_eq!(f.selected, 2);
        // a stale connection's messages are ignored
        f.apply(FeedMessage::Received {
            id: 9,
            at: Moment::default(),
            text: "x".into(),
        });
        assert_eq!(f.items.len(), 3);
        let (_, cmds, _) = f.key(k('r'));
        assert_eq!(
            cmds,
            vec![FeedCommand::Decide {
                client_id: "c".into(),
                action_id: "a2".into(),
                approve: false
            }]
        );
        f.apply(FeedMessage::ActionDone {
            action_id: "a2".into(),
            approve: false,
            result: Ok("200 OK".into()),
        });
        assert_eq!(f.items[2].outcome.as_deref(), Some("rejected (200 OK)"));
    }
}
