//! The feed tab: its keys, and news from the feed tasks.

use crate::tui::app::{App, Effect, Level};
use crate::tui::feed_tab::FeedMessage;
use crate::tui::keymap::Command;
use crossterm::event::{KeyCode, KeyEvent};

impl App {
    pub(super) fn on_feed_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        let typing = self.feed.is_typing();
        let crate::tui::feed_tab::FeedKey {
            used,
            commands,
            notice,
        } = self.feed.key(key);
        for c in commands {
            fx.push(Effect::Feed(c));
        }
        if let Some(n) = notice {
            self.notify(Level::Info, n);
        }
        if used || typing {
            return;
        }
        match self.keymap.command(&key, false) {
            Some(cmd @ (Command::Quit | Command::Help | Command::ToggleTab)) => {
                self.run(cmd, fx);
            }
            _ if matches!(key.code, KeyCode::Esc | KeyCode::Tab) => self.toggle_tab(),
            _ => {}
        }
    }

    /// News from a feed task.
    pub(super) fn on_feed_message(&mut self, m: FeedMessage) {
        if let Some(n) = self.feed.apply(m) {
            self.notify(Level::Info, n);
        }
    }
}
