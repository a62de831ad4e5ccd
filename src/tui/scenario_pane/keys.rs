//! The scenario pane's keys: pick a step, open its exchange, run again, stop, leave.

use super::{ScenarioPane, StepState};
use crossterm::event::{KeyCode, KeyEvent};

/// What a key in the pane asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioKey {
    None,
    /// Open history entry `id` (the step's exchange) in the response pane's inspector.
    Open(u64),
    Rerun,
    Stop,
    Leave,
    Notice(String),
    /// A key while no scenario has run: the update names the key that lists them.
    NoRun,
}

impl ScenarioPane {
    pub fn key(&mut self, key: KeyEvent) -> ScenarioKey {
        let Some(run) = &self.run else {
            return match key.code {
                KeyCode::Esc => ScenarioKey::Leave,
                _ => ScenarioKey::NoRun,
            };
        };
        let last = run.steps.len().saturating_sub(1);
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => {
                self.follow = false;
                self.selected = (self.selected + 1).min(last);
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.follow = false;
                self.selected = self.selected.saturating_sub(1);
            }
            KeyCode::Home | KeyCode::Char('g') => {
                self.follow = false;
                self.selected = 0;
            }
            KeyCode::End | KeyCode::Char('G') => {
                self.follow = false;
                self.selected = last;
            }
            KeyCode::Enter => {
                return match run.steps.get(self.selected).map(|s| &s.state) {
                    Some(StepState::Done(r)) => match r.history_id {
                        Some(id) => ScenarioKey::Open(id),
                        None => ScenarioKey::Notice(format!(
                            "{}: nothing was sent (no exchange to open)",
                            r.name
                        )),
                    },
                    Some(_) => ScenarioKey::Notice("that step has not finished yet".into()),
                    None => ScenarioKey::None,
                };
            }
            KeyCode::Char('r') => return ScenarioKey::Rerun,
            KeyCode::Char('x') => return ScenarioKey::Stop,
            KeyCode::Esc => return ScenarioKey::Leave,
            _ => {}
        }
        ScenarioKey::None
    }
}
