//! The profile switcher (F7): pick another profile; the runtime loads its key and API key
//! and the workbench re-signs with it.

use super::help::centered;
use super::theme;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileItem {
    pub name: String,
    pub base_url: String,
    /// "signing off", "nonce", ...
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfilePicker {
    pub items: Vec<ProfileItem>,
    pub selected: usize,
    /// The profiles are being read.
    pub loading: bool,
}

pub enum PickerAction {
    None,
    Close,
    Switch(String),
}

impl ProfilePicker {
    pub fn key(&mut self, key: KeyEvent) -> PickerAction {
        let n = self.items.len();
        match key.code {
            KeyCode::Esc | KeyCode::F(7) | KeyCode::Char('q') => PickerAction::Close,
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(n.saturating_sub(1));
                PickerAction::None
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.selected = self.selected.saturating_sub(1);
                PickerAction::None
            }
            KeyCode::Enter => match self.items.get(self.selected) {
                Some(p) => PickerAction::Switch(p.name.clone()),
                None => PickerAction::Close,
            },
            _ => PickerAction::None,
        }
    }

    pub fn render(&self, current: &str, area: Rect, buf: &mut Buffer) {
        let h = (self.items.len() as u16 + 4).max(6);
        let rect = centered(area, 80.min(area.width), h);
        Clear.render(rect, buf);
        let block = Block::bordered()
            .border_style(theme::border(true))
            .title(Line::styled(
                " profiles · ↑↓ Enter switches · Esc ",
                theme::title(true),
            ));
        let inner = block.inner(rect);
        block.render(rect, buf);
        if self.loading {
            buf.set_line(
                inner.x,
                inner.y,
                &Line::styled("reading the config…", theme::dim()),
                inner.width,
            );
            return;
        }
        // One column for the names, as wide as the longest (qredo-v1-sandbox).
        let name_w = self
            .items
            .iter()
            .map(|p| p.name.chars().count())
            .max()
            .unwrap_or(0);
        for (i, p) in self.items.iter().enumerate().take(inner.height as usize) {
            let mut line = Line::from(vec![
                Span::styled(if p.name == current { "● " } else { "  " }, theme::ok()),
                Span::styled(format!("{:<name_w$} ", p.name), theme::title(false)),
                Span::raw(p.base_url.clone()),
                Span::styled(format!("  {}", p.note), theme::dim()),
            ]);
            if i == self.selected {
                line = line.patch_style(theme::selection());
            }
            buf.set_line(inner.x, inner.y + i as u16, &line, inner.width);
        }
        let hint = Line::styled(
            "Add or change profiles with `xsign profile add|edit` (see `xsign profile --help`).",
            theme::dim(),
        );
        buf.set_line(inner.x, inner.y + inner.height - 1, &hint, inner.width);
    }
}
