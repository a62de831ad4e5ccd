//! The sidebar's keys: moving, filtering, the tabs, and the prompts (save as, rename,
//! confirm delete).

use super::{Library, LibraryTab, Prompt, SidebarAction, StoreOp};
use crate::store::collection::split_target;
use crate::tui::widgets::text_input::TextInput;
use crossterm::event::{KeyCode, KeyEvent};

/// `collection/name` as the save-as prompt takes it: split at the first `/`, as every
/// `COLLECTION/REQUEST` on the command line is (`split_target`). A second `/` is refused
/// rather than silently made part of the name: it usually means folders were meant.
fn save_as_target(text: &str) -> Result<(String, String), String> {
    let text = text.trim();
    match split_target(text) {
        (c, Some(n)) if !c.trim().is_empty() && !n.contains('/') => {
            Ok((c.trim().to_string(), n.trim().to_string()))
        }
        // Short enough for the status line at 80 columns; the prompt shows the text.
        (_, Some(n)) if n.contains('/') => Err(format!(
            "one '/' only, between collection and name (e.g. {} {})",
            text.split('/').next().unwrap_or_default(),
            n.replace('/', " ")
        )),
        _ => Err("give the name as collection/request with one '/', e.g. demo/create ACME".into()),
    }
}

impl Library {
    /// Handles a key while the sidebar has focus.
    pub fn key(&mut self, key: KeyEvent) -> SidebarAction {
        if let Some(p) = &mut self.prompt {
            return match (p, key.code) {
                (_, KeyCode::Esc) => {
                    self.prompt = None;
                    SidebarAction::None
                }
                (Prompt::ConfirmDelete { .. }, KeyCode::Char('y') | KeyCode::Enter) => {
                    let Some(Prompt::ConfirmDelete { collection, name }) = self.prompt.take()
                    else {
                        unreachable!("matched a delete confirmation")
                    };
                    SidebarAction::Store(StoreOp::Delete { collection, name })
                }
                (Prompt::ConfirmDelete { .. }, _) => {
                    self.prompt = None;
                    SidebarAction::Notice("not deleted".into())
                }
                (Prompt::ConfirmOverwrite { .. }, KeyCode::Char('y')) => {
                    let Some(Prompt::ConfirmOverwrite {
                        collection,
                        request,
                    }) = self.prompt.take()
                    else {
                        unreachable!("matched an overwrite confirmation")
                    };
                    SidebarAction::Store(StoreOp::Save {
                        collection,
                        request,
                        new_only: false,
                    })
                }
                (
                    Prompt::ConfirmOverwrite {
                        collection,
                        request,
                    },
                    _,
                ) => {
                    let notice = format!(
                        "not saved: {collection}/{} keeps what was saved (saving again asks again)",
                        request.name
                    );
                    self.prompt = None;
                    SidebarAction::Notice(notice)
                }
                (Prompt::SaveAs { input }, KeyCode::Enter) => match save_as_target(input.text()) {
                    Ok((c, n)) => {
                        self.prompt = None;
                        SidebarAction::SaveAs(c, n)
                    }
                    // The prompt stays, with the text, to be fixed.
                    Err(why) => SidebarAction::Notice(why),
                },
                (Prompt::Rename { .. }, KeyCode::Enter) => {
                    let Some(Prompt::Rename {
                        collection,
                        from,
                        input,
                    }) = self.prompt.take()
                    else {
                        unreachable!("matched a rename")
                    };
                    SidebarAction::Store(StoreOp::Rename {
                        collection,
                        from,
                        to: input.text().trim().to_string(),
                    })
                }
                (Prompt::SaveAs { input } | Prompt::Rename { input, .. }, _) => {
                    input.key(key);
                    SidebarAction::None
                }
            };
        }
        if self.filtering {
            match key.code {
                KeyCode::Esc => {
                    self.filtering = false;
                    self.filter.clear();
                }
                KeyCode::Enter | KeyCode::Down => self.filtering = false,
                _ => {
                    self.filter.key(key);
                }
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
            KeyCode::Char('c') => {
                self.tab = LibraryTab::Scenarios;
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
                    LibraryTab::Scenarios => self.scenario_key(key),
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
                self.prompt = Some(Prompt::save_as(&collection));
                SidebarAction::None
            }
            KeyCode::Char('r') => match self.selected_request() {
                Some((c, r)) => {
                    self.prompt = Some(Prompt::Rename {
                        input: TextInput::new(&r.name),
                        collection: c,
                        from: r.name,
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
                    self.prompt = Some(Prompt::ConfirmDelete {
                        collection: c,
                        name: r.name,
                    });
                    SidebarAction::None
                }
                None => none(),
            },
            _ => SidebarAction::None,
        }
    }

    fn scenario_key(&mut self, key: KeyEvent) -> SidebarAction {
        let item = self
            .scenario_rows()
            .get(self.selected)
            .map(|s| (*s).clone());
        match (key.code, item) {
            (KeyCode::Enter, Some(item)) => SidebarAction::RunScenario(item),
            (KeyCode::Enter, None) => SidebarAction::Notice(
                "no scenario here: put *.toml files in ./scenarios or open xsign --scenario FILE"
                    .into(),
            ),
            _ => SidebarAction::None,
        }
    }

    fn history_key(&mut self, key: KeyEvent) -> SidebarAction {
        let entry = self.history_rows().get(self.selected).map(|e| (*e).clone());
        match (key.code, entry) {
            // A proxied exchange was made by another tool: what matters is why it was
            // answered as it was, so Enter opens it where that is said (the inspector also
            // loads its request, as Enter does for the others).
            (KeyCode::Enter, Some(e)) if e.source.as_deref() == Some(crate::proxy::SOURCE) => {
                SidebarAction::InspectHistory(Box::new(e))
            }
            (KeyCode::Enter, Some(e)) => SidebarAction::OpenHistory(Box::new(e)),
            (KeyCode::Char('i'), Some(e)) => SidebarAction::InspectHistory(Box::new(e)),
            (KeyCode::Enter | KeyCode::Char('i'), None) => {
                SidebarAction::Notice("nothing sent yet: the history fills as you send".into())
            }
            _ => SidebarAction::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Collection, Library, Request, SidebarAction, StoreOp};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
        assert_eq!(l.prompt.as_ref().unwrap().input().unwrap().text(), "demo/");
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
