//! Draws the sidebar: the tabs, the filter, the rows in view and the prompt or the keys.

use super::{Library, LibraryTab, Prompt};
use crate::time::hms_utc;
use crate::tui::keymap::Command;
use crate::tui::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

pub struct SidebarView<'a> {
    pub library: &'a Library,
    pub focused: bool,
    /// (collection, request, edited since saved) of the request in the editor.
    pub current: Option<(&'a str, &'a str, bool)>,
    /// The global keys, to name the ones the sidebar's notes mention.
    pub keys: &'a crate::tui::keymap::Keymap,
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
        // Three tabs in a narrow sidebar: shorter names.
        let narrow = area.width < 36;
        let block = Block::bordered()
            .border_style(theme::border(self.focused))
            .title(Line::from(vec![
                tab(
                    LibraryTab::Saved,
                    if narrow { " s saved" } else { " s saved " },
                ),
                tab(
                    LibraryTab::History,
                    if narrow { " h hist" } else { " h history " },
                ),
                tab(
                    LibraryTab::Scenarios,
                    if narrow { " c scen " } else { " c scenarios " },
                ),
            ]));
        let inner = block.inner(area);
        ratatui::widgets::Clear.render(area, buf);
        block.render(area, buf);
        if inner.height == 0 {
            return;
        }
        let mut y = inner.y;
        let filter_line = if l.filtering || !l.filter.is_empty() {
            let mut spans = vec![Span::styled("/", theme::info())];
            spans.extend(l.filter.spans(l.filtering));
            Line::from(spans)
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
                        format!(
                            "No saved requests. {} saves the one you are editing.",
                            self.keys.name(Command::Save)
                        )
                    } else {
                        "loading…".to_string()
                    };
                    empty_note(
                        &text,
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
                        None => {
                            let mut spans = vec![Span::styled(
                                format!("▾ {}", row.collection),
                                theme::title(false),
                            )];
                            // Committed with the code, so a change here shows in git.
                            if l.in_project.contains(&row.collection) {
                                spans.push(Span::styled(" project", theme::dim()));
                            }
                            Line::from(spans)
                        }
                        Some(name) => {
                            let r = l.request(&row.collection, name);
                            let method = r.map(|r| r.method.as_str()).unwrap_or("");
                            let mut spans = vec![
                                Span::styled(format!("  {method:<6} "), theme::dim()),
                                // An imported spec names requests `METHOD /path`: the
                                // method column already says the first word.
                                Span::raw(
                                    name.strip_prefix(method)
                                        .and_then(|rest| rest.strip_prefix(' '))
                                        .filter(|_| !method.is_empty())
                                        .unwrap_or(name)
                                        .to_string(),
                                ),
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
            LibraryTab::Scenarios => {
                let rows = l.scenario_rows();
                if rows.is_empty() {
                    empty_note(
                        if l.loaded {
                            "No scenarios. Put *.toml files in ./scenarios, or xsign --scenario FILE."
                        } else {
                            "loading…"
                        },
                        Rect {
                            y,
                            height: bottom - y,
                            ..inner
                        },
                        buf,
                    );
                }
                for (i, s) in rows.iter().enumerate().skip(start).take(rows_h) {
                    let mut line = Line::from(vec![
                        Span::raw(s.name.clone()),
                        match &s.problem {
                            Some(_) => Span::styled(" ✗ unreadable", theme::error()),
                            None => Span::styled(format!(" {} steps", s.steps), theme::dim()),
                        },
                        Span::styled(
                            match &s.source {
                                crate::tui::scenario_pane::ScenarioSource::Shipped(_) => {
                                    " shipped".to_string()
                                }
                                crate::tui::scenario_pane::ScenarioSource::File(p) => {
                                    format!(" {}", p.display())
                                }
                            },
                            theme::dim(),
                        ),
                    ]);
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
                    empty_note(
                        "Nothing sent yet. Every request you send is recorded here.",
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
                    if e.source.as_deref() == Some(crate::proxy::SOURCE) {
                        line.spans.push(Span::styled(" proxy", theme::info()));
                    }
                    if let Some(note) = l.notes.get(&e.id) {
                        line.spans
                            .push(Span::styled(format!(" {note}"), theme::dim()));
                    }
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
            Some(Prompt::ConfirmDelete { name, .. }) => Line::from(vec![Span::styled(
                format!("delete {name}? y yes · Esc no"),
                theme::error(),
            )]),
            Some(Prompt::ConfirmOverwrite { .. }) => Line::from(vec![Span::styled(
                "y overwrites · other key: no",
                theme::error(),
            )]),
            Some(Prompt::SaveAs { input }) => {
                let mut spans = vec![Span::styled("save as ", theme::info())];
                spans.extend(input.spans(true));
                Line::from(spans)
            }
            Some(Prompt::Rename { input, .. }) => {
                let mut spans = vec![Span::styled("rename to ", theme::info())];
                spans.extend(input.spans(true));
                Line::from(spans)
            }
            None => {
                // A proxied entry's note (lint codes, the doctor's headline) does not fit
                // its row in a narrow sidebar: the selected one's takes the hint's place.
                let note = (l.tab == LibraryTab::History)
                    .then(|| l.history_rows().get(l.selected).map(|e| e.id))
                    .flatten()
                    .and_then(|id| l.notes.get(&id));
                match note {
                    Some(n) => Line::styled(format!("{n} · Enter inspect"), theme::info()),
                    None => Line::styled(
                        match l.tab {
                            LibraryTab::Saved => {
                                "Enter open · a save as · r rename · d dup · x del".to_string()
                            }
                            LibraryTab::History => "Enter load · i inspect · / filter".to_string(),
                            LibraryTab::Scenarios => format!(
                                "Enter runs · {} last run",
                                self.keys.name(Command::Scenario)
                            ),
                        },
                        theme::dim(),
                    ),
                }
            }
        };
        if last >= inner.y {
            buf.set_line(inner.x, last, &hint, inner.width);
        }
    }
}

/// The dim, wrapped line a list shows in place of its rows when it has none.
fn empty_note(text: &str, area: Rect, buf: &mut Buffer) {
    Paragraph::new(Line::styled(text, theme::dim()))
        .wrap(Wrap { trim: true })
        .render(area, buf);
}
