//! The library sidebar: saved requests by collection, and the history of sent requests.
//! Filter by typing; open, save as, rename, duplicate, delete (confirmed). The files are
//! read and written by the runtime (`StoreOp`), never here.

use super::clock::hms_utc;
use super::theme;
use crate::store::history::HistoryEntry;
use crate::store::{Collection, Request};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

/// How many history entries the sidebar loads.
pub const HISTORY_SHOWN: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LibraryTab {
    #[default]
    Saved,
    History,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// `collection/name` for the request being edited.
    SaveAs,
    Rename,
    /// Delete the selected request: y or Enter confirms.
    ConfirmDelete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: String,
    /// The request the prompt is about (rename, delete).
    pub target: Option<(String, String)>,
}

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
        history: Vec<HistoryEntry>,
        /// Files that did not parse and were kept aside.
        warnings: Vec<String>,
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
    Failed(String),
}

/// What a key in the sidebar asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum SidebarAction {
    None,
    Store(StoreOp),
    Open(String, Request),
    OpenHistory(Box<HistoryEntry>),
    InspectHistory(Box<HistoryEntry>),
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
    pub filter: String,
    pub filtering: bool,
    pub collections: Vec<Collection>,
    pub history: Vec<HistoryEntry>,
    pub selected: usize,
    pub prompt: Option<Prompt>,
    pub loaded: bool,
}

impl Library {
    pub fn is_typing(&self) -> bool {
        self.filtering
            || self
                .prompt
                .as_ref()
                .is_some_and(|p| p.kind != PromptKind::ConfirmDelete)
    }

    /// The saved requests that pass the filter, under their collection headings.
    pub fn rows(&self) -> Vec<Row> {
        let refs = crate::store::collection::filter(&self.collections, &self.filter);
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
        crate::store::history::filter(&self.history, &self.filter)
    }

    fn len(&self) -> usize {
        match self.tab {
            LibraryTab::Saved => self.rows().len(),
            LibraryTab::History => self.history_rows().len(),
        }
    }

    pub fn request(&self, collection: &str, name: &str) -> Option<&Request> {
        self.collections
            .iter()
            .find(|c| c.name == collection)
            .and_then(|c| c.get(name))
    }

    fn selected_row(&self) -> Option<Row> {
        self.rows().into_iter().nth(self.selected)
    }

    fn selected_request(&self) -> Option<(String, Request)> {
        let row = self.selected_row()?;
        let name = row.request?;
        Some((
            row.collection.clone(),
            self.request(&row.collection, &name)?.clone(),
        ))
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.len().saturating_sub(1));
    }

    /// Handles a key while the sidebar has focus.
    pub fn key(&mut self, key: KeyEvent) -> SidebarAction {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if let Some(p) = &mut self.prompt {
            return match (p.kind, key.code) {
                (_, KeyCode::Esc) => {
                    self.prompt = None;
                    SidebarAction::None
                }
                (PromptKind::ConfirmDelete, KeyCode::Char('y') | KeyCode::Enter) => {
                    let p = self.prompt.take().expect("a prompt");
                    let (collection, name) = p.target.expect("delete has a target");
                    SidebarAction::Store(StoreOp::Delete { collection, name })
                }
                (PromptKind::ConfirmDelete, _) => {
                    self.prompt = None;
                    SidebarAction::Notice("not deleted".into())
                }
                (_, KeyCode::Backspace) => {
                    p.input.pop();
                    SidebarAction::None
                }
                (_, KeyCode::Char(c)) if !ctrl => {
                    p.input.push(c);
                    SidebarAction::None
                }
                (PromptKind::SaveAs, KeyCode::Enter) => {
                    let input = self.prompt.take().expect("a prompt").input;
                    match input.trim().split_once('/') {
                        Some((c, n)) if !c.trim().is_empty() && !n.trim().is_empty() => {
                            SidebarAction::SaveAs(c.trim().to_string(), n.trim().to_string())
                        }
                        _ => SidebarAction::Notice(
                            "give the name as collection/request, e.g. demo/create ACME".into(),
                        ),
                    }
                }
                (PromptKind::Rename, KeyCode::Enter) => {
                    let p = self.prompt.take().expect("a prompt");
                    let (collection, from) = p.target.expect("rename has a target");
                    SidebarAction::Store(StoreOp::Rename {
                        collection,
                        from,
                        to: p.input.trim().to_string(),
                    })
                }
                _ => SidebarAction::None,
            };
        }
        if self.filtering {
            match key.code {
                KeyCode::Esc => {
                    self.filtering = false;
                    self.filter.clear();
                }
                KeyCode::Enter | KeyCode::Down => self.filtering = false,
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char(c) if !ctrl => self.filter.push(c),
                _ => {}
            }
            self.selected = 0;
            self.clamp();
            return SidebarAction::None;
        }
        let n = self.len();
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(n.saturating_sub(1))
            }
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Home | KeyCode::Char('g') => self.selected = 0,
            KeyCode::End | KeyCode::Char('G') => self.selected = n.saturating_sub(1),
            KeyCode::Char('/') => {
                self.filtering = true;
                self.filter.clear();
            }
            KeyCode::Char('s') => {
                self.tab = LibraryTab::Saved;
                self.selected = 0;
            }
            KeyCode::Char('h') => {
                self.tab = LibraryTab::History;
                self.selected = 0;
            }
            KeyCode::Esc => {
                if !self.filter.is_empty() {
                    self.filter.clear();
                    self.clamp();
                } else {
                    return SidebarAction::Leave;
                }
            }
            KeyCode::Char('R') => return SidebarAction::Store(StoreOp::Load),
            _ => {
                return match self.tab {
                    LibraryTab::Saved => self.saved_key(key),
                    LibraryTab::History => self.history_key(key),
                };
            }
        }
        SidebarAction::None
    }

    fn saved_key(&mut self, key: KeyEvent) -> SidebarAction {
        let none = || SidebarAction::Notice("pick a request first (↑↓)".into());
        match key.code {
            KeyCode::Enter => match self.selected_request() {
                Some((c, r)) => SidebarAction::Open(c, r),
                None => none(),
            },
            KeyCode::Char('a') => {
                let collection = self
                    .selected_row()
                    .map(|r| r.collection)
                    .unwrap_or_else(|| "default".into());
                self.prompt = Some(Prompt {
                    kind: PromptKind::SaveAs,
                    input: format!("{collection}/"),
                    target: None,
                });
                SidebarAction::None
            }
            KeyCode::Char('r') => match self.selected_request() {
                Some((c, r)) => {
                    self.prompt = Some(Prompt {
                        kind: PromptKind::Rename,
                        input: r.name.clone(),
                        target: Some((c, r.name)),
                    });
                    SidebarAction::None
                }
                None => none(),
            },
            KeyCode::Char('d') => match self.selected_request() {
                Some((collection, r)) => SidebarAction::Store(StoreOp::Duplicate {
                    collection,
                    name: r.name,
                }),
                None => none(),
            },
            KeyCode::Delete | KeyCode::Char('x') => match self.selected_request() {
                Some((c, r)) => {
                    self.prompt = Some(Prompt {
                        kind: PromptKind::ConfirmDelete,
                        input: String::new(),
                        target: Some((c, r.name)),
                    });
                    SidebarAction::None
                }
                None => none(),
            },
            _ => SidebarAction::None,
        }
    }

    fn history_key(&mut self, key: KeyEvent) -> SidebarAction {
        let entry = self.history_rows().get(self.selected).map(|e| (*e).clone());
        match (key.code, entry) {
            (KeyCode::Enter, Some(e)) => SidebarAction::OpenHistory(Box::new(e)),
            (KeyCode::Char('i'), Some(e)) => SidebarAction::InspectHistory(Box::new(e)),
            (KeyCode::Enter | KeyCode::Char('i'), None) => {
                SidebarAction::Notice("nothing sent yet: the history fills as you send".into())
            }
            _ => SidebarAction::None,
        }
    }

    /// Applies what the runtime read or wrote.
    pub fn apply(&mut self, msg: &LibraryMessage) {
        if let LibraryMessage::Loaded {
            collections,
            history,
            ..
        } = msg
        {
            self.collections = collections.clone();
            self.history = history.clone();
            self.loaded = true;
            self.clamp();
        }
    }
}

pub struct SidebarView<'a> {
    pub library: &'a Library,
    pub focused: bool,
    /// (collection, request, edited since saved) of the request in the editor.
    pub current: Option<(&'a str, &'a str, bool)>,
}

impl Widget for SidebarView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let l = self.library;
        let tab = |t: LibraryTab, name: &'static str| {
            if l.tab == t {
                Span::styled(
                    name,
                    theme::title(true).add_modifier(ratatui::style::Modifier::REVERSED),
                )
            } else {
                Span::styled(name, theme::dim())
            }
        };
        let block = Block::bordered()
            .border_style(theme::border(self.focused))
            .title(Line::from(vec![
                tab(LibraryTab::Saved, " s saved "),
                tab(LibraryTab::History, " h history "),
            ]));
        let inner = block.inner(area);
        ratatui::widgets::Clear.render(area, buf);
        block.render(area, buf);
        if inner.height == 0 {
            return;
        }
        let mut y = inner.y;
        let filter_line = if l.filtering || !l.filter.is_empty() {
            Line::from(vec![
                Span::styled("/", theme::info()),
                Span::raw(l.filter.clone()),
                if l.filtering {
                    Span::styled(" ", theme::cursor())
                } else {
                    Span::raw("")
                },
            ])
        } else {
            Line::styled("/ filters", theme::dim())
        };
        buf.set_line(inner.x, y, &filter_line, inner.width);
        y += 1;
        let bottom = inner.y + inner.height;
        let rows_h = bottom.saturating_sub(y + 1) as usize;
        let start = (l.selected + 1).saturating_sub(rows_h.max(1));
        match l.tab {
            LibraryTab::Saved => {
                let rows = l.rows();
                if rows.is_empty() {
                    let text = if l.loaded {
                        "No saved requests. Ctrl-S saves the one you are editing."
                    } else {
                        "loading…"
                    };
                    Paragraph::new(Line::styled(text, theme::dim()))
                        .wrap(Wrap { trim: true })
                        .render(
                            Rect {
                                y,
                                height: bottom - y,
                                ..inner
                            },
                            buf,
                        );
                }
                for (i, row) in rows.iter().enumerate().skip(start).take(rows_h) {
                    let mut line = match &row.request {
                        None => Line::styled(format!("▾ {}", row.collection), theme::title(false)),
                        Some(name) => {
                            let r = l.request(&row.collection, name);
                            let method = r.map(|r| r.method.as_str()).unwrap_or("");
                            let mut spans = vec![
                                Span::styled(format!("  {method:<6} "), theme::dim()),
                                Span::raw(name.clone()),
                            ];
                            if let Some((c, n, edited)) = self.current
                                && c == row.collection
                                && n == name
                            {
                                spans.push(Span::styled(
                                    if edited { " ● edited" } else { " ◂" },
                                    if edited {
                                        theme::warning()
                                    } else {
                                        theme::ok()
                                    },
                                ));
                            }
                            Line::from(spans)
                        }
                    };
                    if i == l.selected && self.focused {
                        line = line.patch_style(theme::selection());
                    }
                    buf.set_line(inner.x, y, &line, inner.width);
                    y += 1;
                }
            }
            LibraryTab::History => {
                let rows = l.history_rows();
                if rows.is_empty() {
                    Paragraph::new(Line::styled(
                        "Nothing sent yet. Every request you send is recorded here.",
                        theme::dim(),
                    ))
                    .wrap(Wrap { trim: true })
                    .render(
                        Rect {
                            y,
                            height: bottom - y,
                            ..inner
                        },
                        buf,
                    );
                }
                for (i, e) in rows.iter().enumerate().skip(start).take(rows_h) {
                    let status = match (e.status(), &e.error) {
                        (Some(s), _) => Span::styled(format!("{s} "), theme::status_code(s)),
                        (None, _) => Span::styled("--- ", theme::error()),
                    };
                    let path = crate::catalog::relative_path(&e.url).to_string();
                    let mut line = Line::from(vec![
                        Span::styled(
                            format!("{} ", hms_utc(e.sent_at_ms.div_euclid(1000))),
                            theme::dim(),
                        ),
                        status,
                        Span::styled(format!("{} ", e.method), theme::dim()),
                        Span::raw(path),
                    ]);
                    if i == l.selected && self.focused {
                        line = line.patch_style(theme::selection());
                    }
                    buf.set_line(inner.x, y, &line, inner.width);
                    y += 1;
                }
            }
        }
        // The last row: the prompt, or the keys.
        let last = bottom - 1;
        let hint = match &l.prompt {
            Some(p) => match p.kind {
                PromptKind::ConfirmDelete => Line::from(vec![Span::styled(
                    format!(
                        "delete {}? y yes · Esc no",
                        p.target.as_ref().map(|t| t.1.as_str()).unwrap_or("")
                    ),
                    theme::error(),
                )]),
                PromptKind::SaveAs | PromptKind::Rename => Line::from(vec![
                    Span::styled(
                        if p.kind == PromptKind::SaveAs {
                            "save as "
                        } else {
                            "rename to "
                        },
                        theme::info(),
                    ),
                    Span::raw(p.input.clone()),
                    Span::styled(" ", theme::cursor()),
                ]),
            },
            None => Line::styled(
                match l.tab {
                    LibraryTab::Saved => "Enter open · a save as · r rename · d dup · x del",
                    LibraryTab::History => "Enter load · i inspect · / filter",
                },
                theme::dim(),
            ),
        };
        if last >= inner.y {
            buf.set_line(inner.x, last, &hint, inner.width);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lib() -> Library {
        let mut a = Collection::new("demo");
        a.upsert(Request::new("list assets", "GET", "/assets"));
        a.upsert(Request::new("create a company", "POST", "/company").with_body(&b"{}"[..]));
        let b = Collection::new("empty");
        Library {
            collections: vec![a, b],
            loaded: true,
            ..Default::default()
        }
    }

    fn k(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn rows_group_by_collection_and_filter() {
        let mut l = lib();
        assert_eq!(l.rows().len(), 4);
        l.key(k(KeyCode::Char('/')));
        for c in "comp".chars() {
            l.key(k(KeyCode::Char(c)));
        }
        let rows = l.rows();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].request.as_deref(), Some("create a company"));
    }

    #[test]
    fn open_rename_duplicate_delete() {
        let mut l = lib();
        l.key(k(KeyCode::Down));
        assert!(
            matches!(l.key(k(KeyCode::Enter)), SidebarAction::Open(c, r) if c == "demo" && r.name == "list assets")
        );
        l.key(k(KeyCode::Char('r')));
        for _ in 0.."list assets".len() {
            l.key(k(KeyCode::Backspace));
        }
        for c in "assets".chars() {
            l.key(k(KeyCode::Char(c)));
        }
        assert_eq!(
            l.key(k(KeyCode::Enter)),
            SidebarAction::Store(StoreOp::Rename {
                collection: "demo".into(),
                from: "list assets".into(),
                to: "assets".into()
            })
        );
        assert!(matches!(
            l.key(k(KeyCode::Char('d'))),
            SidebarAction::Store(StoreOp::Duplicate { .. })
        ));
        assert_eq!(l.key(k(KeyCode::Char('x'))), SidebarAction::None);
        assert!(l.prompt.is_some());
        assert!(matches!(
            l.key(k(KeyCode::Char('y'))),
            SidebarAction::Store(StoreOp::Delete { .. })
        ));
        l.key(k(KeyCode::Char('x')));
        assert!(matches!(
            l.key(k(KeyCode::Char('n'))),
            SidebarAction::Notice(_)
        ));
    }

    #[test]
    fn save_as_takes_collection_slash_name() {
        let mut l = lib();
        l.key(k(KeyCode::Char('a')));
        assert_eq!(l.prompt.as_ref().unwrap().input, "demo/");
        for c in "mine".chars() {
            l.key(k(KeyCode::Char(c)));
        }
        assert_eq!(
            l.key(k(KeyCode::Enter)),
            SidebarAction::SaveAs("demo".into(), "mine".into())
        );
        l.key(k(KeyCode::Char('a')));
        for _ in 0..5 {
            l.key(k(KeyCode::Backspace));
        }
        l.key(k(KeyCode::Char('x')));
        assert!(matches!(l.key(k(KeyCode::Enter)), SidebarAction::Notice(_)));
    }
}
