//! The feed tab's keys: the feed kind, the client ID, connect and disconnect, the list, and
//! approve or reject.

use super::{Connection, FeedCommand, FeedKind, FeedPane};
use crate::tui::widgets::text_input::InputKey;
use crossterm::event::{KeyCode, KeyEvent};

/// What a key on the feed tab did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedKey {
    /// The tab used the key (else the app may: q, ?, Tab).
    pub used: bool,
    pub commands: Vec<FeedCommand>,
    /// A line for the status bar.
    pub notice: Option<String>,
}

impl FeedKey {
    fn used(commands: Vec<FeedCommand>, notice: Option<String>) -> FeedKey {
        FeedKey {
            used: true,
            commands,
            notice,
        }
    }

    fn unused() -> FeedKey {
        FeedKey::default()
    }
}

impl FeedPane {
    /// Handles a key on the feed tab.
    pub fn key(&mut self, key: KeyEvent) -> FeedKey {
        let mut cmds = Vec::new();
        if self.editing_client {
            let mut notice = None;
            match key.code {
                KeyCode::Enter | KeyCode::Esc => {
                    self.editing_client = false;
                    if self.client_id.text().trim() != self.connected_client {
                        notice = self.close_for_change(&mut cmds);
                    }
                }
                _ if self.client_id.key(key) == InputKey::Unused => return FeedKey::unused(),
                _ => {}
            }
            return FeedKey::used(cmds, notice);
        }
        if self.open {
            match key.code {
                KeyCode::Esc | KeyCode::Enter | KeyCode::Backspace => self.open = false,
                KeyCode::Down | KeyCode::Char('j') => self.scroll += 1,
                KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
                KeyCode::Char('a') | KeyCode::Char('r') => return self.decide(key),
                _ => return FeedKey::unused(),
            }
            return FeedKey::used(cmds, None);
        }
        match key.code {
            KeyCode::Char('t' | 'c') if FeedKind::offered(self.scheme).is_empty() => {
                return FeedKey::used(
                    cmds,
                    Some(format!(
                        "a {} profile's API has no feeds: switch to a partner-rsa or qredo-v1 profile to follow one",
                        self.scheme
                    )),
                );
            }
            KeyCode::Char('t') => {
                let offered = FeedKind::offered(self.scheme);
                let i = offered.iter().position(|k| *k == self.kind).unwrap_or(0);
                self.kind = offered[(i + 1) % offered.len()];
                let notice = self.close_for_change(&mut cmds);
                return FeedKey::used(cmds, notice);
            }
            KeyCode::Char('i') => self.editing_client = true,
            KeyCode::Char('c') => {
                if let Some(id) = self.conn_id() {
                    cmds.push(FeedCommand::Disconnect { id });
                }
                if self.kind == FeedKind::CoreClient && self.client_id.text().trim().is_empty() {
                    self.editing_client = true;
                    return FeedKey::used(
                        cmds,
                        Some("type the core client ID (i), then c connects".into()),
                    );
                }
                self.next_id += 1;
                let id = self.next_id;
                self.connected_client = self.client_id.text().trim().to_string();
                let feed = self.kind.feed(&self.connected_client);
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
            _ => return FeedKey::unused(),
        }
        FeedKey::used(cmds, None)
    }

    /// The feed to connect to changed (kind or client ID): an open connection is closed,
    /// so the tab never names one feed while connected to another.
    fn close_for_change(&mut self, cmds: &mut Vec<FeedCommand>) -> Option<String> {
        let id = self.conn_id()?;
        cmds.push(FeedCommand::Disconnect { id });
        self.connection = Connection::Closed("the feed to follow changed".into());
        let next = match self.kind {
            FeedKind::CoreClient => format!("coreclient {}", self.client_id.text().trim()),
            other => other.name().to_string(),
        };
        Some(format!("feed closed: c connects to {next}"))
    }

    fn decide(&mut self, key: KeyEvent) -> FeedKey {
        let approve = key.code == KeyCode::Char('a');
        let Some(item) = self.items.get_mut(self.selected) else {
            return FeedKey::used(vec![], Some("no message selected".into()));
        };
        let Some(action) = &item.action else {
            return FeedKey::used(
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
        FeedKey::used(
            vec![FeedCommand::Decide {
                client_id: action.client_id.clone().unwrap_or_default(),
                action_id: action.id.clone(),
                line: item.line,
                approve,
            }],
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::FeedKey;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
        assert_eq!((a.id.as_str(), a.client_id.as_deref()), ("a1", Some("c1")));
        // no clientID in the message: the connection's
        let item = FeedItem::new(
            Moment::default(),
            r#"{"id":7,"type":"ApproveWithdraw","status":"pending"}"#.into(),
            "c2",
        );
        let a = item.action.expect("a numeric id is still an action");
        assert_eq!((a.id.as_str(), a.client_id.as_deref()), ("7", Some("c2")));
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
        let FeedKey {
            commands, notice, ..
        } = f.key(k('c'));
        assert!(commands.is_empty() && notice.is_some() && f.editing_client);
        for c in "c1".chars() {
            f.key(k(c));
        }
        f.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(
            f.key(k('c')).commands,
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
        assert_eq!(
            f.key(k('r')).commands,
            vec![FeedCommand::Decide {
                client_id: "c".into(),
                action_id: "a2".into(),
                line: 2,
                approve: false
            }]
        );
        f.apply(FeedMessage::ActionDone {
            action_id: "a2".into(),
            line: 2,
            approve: false,
            result: Ok("200 OK".into()),
        });
        assert_eq!(f.items[2].outcome.as_deref(), Some("rejected (200 OK)"));
    }
}
