//! The library sidebar's state: saved requests by collection, and the history of sent
//! requests. Filter by typing; open, save as, rename, duplicate, delete (confirmed). The
//! files are read and written by the runtime (`StoreOp`), never here. Keys in `keys.rs`,
//! drawing in `view.rs`.

mod keys;
mod view;

pub use view::SidebarView;

use super::scenario_pane::ScenarioItem;
use super::widgets::text_input::TextInput;
use crate::store::history::HistoryEntry;
use crate::store::{Collection, Request, StoreError};
use std::sync::Arc;

/// How many history entries the sidebar loads.
pub const HISTORY_SHOWN: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LibraryTab {
    #[default]
    Saved,
    History,
    /// Scenario files: the shipped ones, `./scenarios/*.toml`, `xsign --scenario FILE`.
    Scenarios,
}

/// A question on the sidebar's last row. Each kind carries exactly what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// `collection/name` for the request being edited.
    SaveAs { input: TextInput },
    /// A new name for `collection/from`.
    Rename {
        collection: String,
        from: String,
        input: TextInput,
    },
    /// Delete `collection/name`: y or Enter confirms.
    ConfirmDelete { collection: String, name: String },
    /// Ctrl-S over a saved request that the editor changed: only y writes `request` (as it
    /// was when asked) into `collection`, so a stray Enter in a burst of keys does not.
    ConfirmOverwrite {
        collection: String,
        request: Request,
    },
}

impl Prompt {
    /// Save as, with `collection/` typed in.
    pub fn save_as(collection: &str) -> Prompt {
        Prompt::SaveAs {
            input: TextInput::new(&format!("{collection}/")),
        }
    }

    /// The text being typed, for the prompts that take one.
    pub fn input(&self) -> Option<&TextInput> {
        match self {
            Prompt::SaveAs { input } | Prompt::Rename { input, .. } => Some(input),
            Prompt::ConfirmDelete { .. } | Prompt::ConfirmOverwrite { .. } => None,
        }
    }

    pub fn input_mut(&mut self) -> Option<&mut TextInput> {
        match self {
            Prompt::SaveAs { input } | Prompt::Rename { input, .. } => Some(input),
            Prompt::ConfirmDelete { .. } | Prompt::ConfirmOverwrite { .. } => None,
        }
    }

    /// Keys type into it (a confirmation only takes y or n).
    pub fn is_typing(&self) -> bool {
        self.input().is_some()
    }
}

/// Beside a proxied entry in the history list: its lint codes and, on a 1020, the doctor's
/// headline, by entry id.
pub type HistoryNotes = std::collections::HashMap<u64, String>;

/// The file operations the sidebar asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreOp {
    Load,
    Save {
        collection: String,
        request: Request,
        /// Save as: refuse to replace a request of that name.
        new_only: bool,
    },
    Rename {
        collection: String,
        from: String,
        to: String,
    },
    Duplicate {
        collection: String,
        name: String,
    },
    Delete {
        collection: String,
        name: String,
    },
}

/// What the runtime reports back.
#[derive(Debug, Clone)]
pub enum LibraryMessage {
    Loaded {
        collections: Vec<Collection>,
        /// The collections that live in the project folder (committed with the code).
        in_project: std::collections::BTreeSet<String>,
        history: Vec<HistoryEntry>,
        /// What the history list shows beside an entry (see [`HistoryNotes`]).
        notes: HistoryNotes,
        /// Files that did not parse and were kept aside.
        warnings: Vec<String>,
        /// The scenarios found (`Stores::scenarios`, after the shipped ones).
        scenarios: Vec<ScenarioItem>,
    },
    /// The history changed on disk (the signing proxy or another command recorded an
    /// exchange): the newest entries, for the list to follow.
    History {
        history: Vec<HistoryEntry>,
        notes: HistoryNotes,
    },
    Saved {
        collection: String,
        request: Request,
    },
    Renamed {
        collection: String,
        from: String,
        to: String,
    },
    Deleted {
        collection: String,
        name: String,
    },
    /// Another operation went through (a duplicate): say so.
    Done(String),
    /// The store refused; shared so the message stays cheap to clone.
    Failed {
        action: StoreAction,
        error: Arc<StoreError>,
    },
}

/// What a store operation that failed was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreAction {
    Save,
    Rename,
    Duplicate,
    Delete,
}

impl StoreAction {
    /// "not saved", "not renamed", ...
    pub fn not_done(self) -> &'static str {
        match self {
            StoreAction::Save => "not saved",
            StoreAction::Rename => "not renamed",
            StoreAction::Duplicate => "not duplicated",
            StoreAction::Delete => "not deleted",
        }
    }

    /// What the user still has after the failure: a save that failed leaves the request
    /// in the editor.
    pub fn kept(self) -> &'static str {
        match self {
            StoreAction::Save => "; the request is still in the editor, unchanged",
            _ => "",
        }
    }
}

/// What a key in the sidebar asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum SidebarAction {
    None,
    Store(StoreOp),
    Open(String, Request),
    OpenHistory(Box<HistoryEntry>),
    InspectHistory(Box<HistoryEntry>),
    /// Run this scenario.
    RunScenario(ScenarioItem),
    /// Save the request being edited under `collection/name`.
    SaveAs(String, String),
    Notice(String),
    Leave,
}

/// One row of the saved list: a collection heading or one of its requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub collection: String,
    pub request: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Library {
    pub visible: bool,
    pub tab: LibraryTab,
    pub filter: TextInput,
    pub filtering: bool,
    pub collections: Vec<Collection>,
    /// Which of them are the project's (marked in the list), not the user's own.
    pub in_project: std::collections::BTreeSet<String>,
    pub history: Vec<HistoryEntry>,
    pub notes: HistoryNotes,
    pub scenarios: Vec<ScenarioItem>,
    pub selected: usize,
    pub prompt: Option<Prompt>,
    pub loaded: bool,
    /// The pane F6 or Ctrl-S took the keys from: closing the library gives them back to
    /// it, outside typing, so the next key is not typed into a field by surprise.
    pub return_focus: Option<crate::tui::app::Focus>,
}

impl Library {
    pub fn is_typing(&self) -> bool {
        self.filtering || self.prompt.as_ref().is_some_and(Prompt::is_typing)
    }

    /// The saved requests that pass the filter, under their collection headings.
    pub fn rows(&self) -> Vec<Row> {
        let refs = crate::store::collection::filter(&self.collections, self.filter.text());
        let mut rows: Vec<Row> = Vec::new();
        for r in refs {
            if rows.last().is_none_or(|l| l.collection != r.collection) {
                rows.push(Row {
                    collection: r.collection.clone(),
                    request: None,
                });
            }
            rows.push(Row {
                collection: r.collection,
                request: Some(r.request),
            });
        }
        if self.filter.is_empty() {
            // Empty collections still show, so they can be saved into.
            for c in &self.collections {
                if c.requests.is_empty() {
                    rows.push(Row {
                        collection: c.name.clone(),
                        request: None,
                    });
                }
            }
        }
        rows
    }

    pub fn history_rows(&self) -> Vec<&HistoryEntry> {
        crate::store::history::filter(&self.history, self.filter.text())
    }

    /// The scenarios whose name or file holds the filter.
    pub fn scenario_rows(&self) -> Vec<&ScenarioItem> {
        let f = self.filter.text().to_lowercase();
        self.scenarios
            .iter()
            .filter(|s| {
                f.is_empty()
                    || s.name.to_lowercase().contains(&f)
                    || s.source.label().to_lowercase().contains(&f)
            })
            .collect()
    }

    pub(super) fn len(&self) -> usize {
        match self.tab {
            LibraryTab::Saved => self.rows().len(),
            LibraryTab::History => self.history_rows().len(),
            LibraryTab::Scenarios => self.scenario_rows().len(),
        }
    }

    pub fn request(&self, collection: &str, name: &str) -> Option<&Request> {
        self.collections
            .iter()
            .find(|c| c.name == collection)
            .and_then(|c| c.get(name))
    }

    pub(super) fn selected_row(&self) -> Option<Row> {
        self.rows().into_iter().nth(self.selected)
    }

    pub(super) fn selected_request(&self) -> Option<(String, Request)> {
        let row = self.selected_row()?;
        let name = row.request?;
        Some((
            row.collection.clone(),
            self.request(&row.collection, &name)?.clone(),
        ))
    }

    pub(super) fn clamp(&mut self) {
        self.selected = self.selected.min(self.len().saturating_sub(1));
    }

    /// Applies what the runtime read or wrote.
    pub fn apply(&mut self, msg: &LibraryMessage) {
        match msg {
            LibraryMessage::Loaded {
                collections,
                in_project,
                history,
                notes,
                scenarios,
                ..
            } => {
                self.scenarios = scenarios.clone();
                self.collections = collections.clone();
                self.in_project = in_project.clone();
                self.history = history.clone();
                self.notes = notes.clone();
                self.loaded = true;
                self.clamp();
            }
            LibraryMessage::History { history, notes } => self.follow(history, notes),
            _ => {}
        }
    }

    /// Takes the newest history: the selection stays on its entry, or on the newest one
    /// when it was there (the list follows new entries).
    fn follow(&mut self, history: &[HistoryEntry], notes: &HistoryNotes) {
        let on_history = self.tab == LibraryTab::History;
        let held = (on_history && self.selected > 0)
            .then(|| self.history_rows().get(self.selected).map(|e| e.id))
            .flatten();
        self.history = history.to_vec();
        self.notes = notes.clone();
        if on_history {
            self.selected = held
                .and_then(|id| self.history_rows().iter().position(|e| e.id == id))
                .unwrap_or(0);
        }
        self.clamp();
    }
}
