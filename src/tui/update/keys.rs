//! Keys: the overlays first, then the keys that are never typing, then navigation, then
//! the focused pane (or the field being typed into).

use crate::tui::app::{App, Effect, Focus, Level, METHODS, Sabotage, Tab};
use crate::tui::keymap::{self, Command};
use crate::tui::onboarding::OnboardAction;
use crate::tui::profiles::{PickerAction, ProfilePicker};
use crate::tui::url_field::UrlKey;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        self.notice = None;
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if let Some(scroll) = self.help {
            match key.code {
                KeyCode::Down | KeyCode::Char('j') => self.help = Some(scroll + 1),
                KeyCode::Up | KeyCode::Char('k') => self.help = Some(scroll.saturating_sub(1)),
                KeyCode::PageDown => self.help = Some(scroll + 10),
                KeyCode::PageUp => self.help = Some(scroll.saturating_sub(10)),
                KeyCode::Char('c') if ctrl => self.help = None,
                _ if matches!(
                    key.code,
                    KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::F(1)
                ) =>
                {
                    self.help = None
                }
                _ => {}
            }
            return;
        }
        // F1 opens help from every mode, over any overlay (which is still there after).
        if self.keymap.command(&key, true) == Some(Command::Help) {
            self.help = Some(0);
            return;
        }
        if let Some(o) = &mut self.onboarding {
            if ctrl && key.code == KeyCode::Char('c') {
                return self.quit(fx);
            }
            match o.key(key) {
                OnboardAction::None => {}
                OnboardAction::Skip => self.onboarding = None,
                OnboardAction::StartDemo => {
                    self.next = Some(crate::tui::app::Next::Demo);
                    self.quit(fx);
                }
                OnboardAction::Do(op) => fx.push(Effect::Onboard(op)),
            }
            return;
        }
        if self.confirm.is_some() {
            self.on_confirm_key(key, fx);
            return;
        }
        if let Some(picker) = &mut self.picker {
            match picker.key(key) {
                PickerAction::None => {}
                PickerAction::Close => self.picker = None,
                PickerAction::Switch(name) => {
                    self.picker = None;
                    // The current one too: it is read again, to pick up a change made
                    // outside (`xsign profile edit`, a key file written since).
                    fx.push(Effect::SwitchProfile(name));
                }
            }
            return;
        }
        if self.sabotage_menu {
            self.sabotage_menu = false;
            if let KeyCode::Char(c) = key.code
                && let Some(s) = Sabotage::ALL.into_iter().find(|s| s.key() == c)
            {
                self.send_sabotaged(s, fx);
            }
            return;
        }

        // The global bindings (keymap::EVERYWHERE). While typing only control keys,
        // function keys and Esc are commands; outside text fields single keys are too.
        if let Some(cmd) = self.keymap.command(&key, true)
            && self.run(cmd, fx)
        {
            return;
        }
        if self.tab == Tab::Feed {
            return self.on_feed_key(key, fx);
        }
        if self.is_typing() {
            return self.on_typing_key(key, fx);
        }
        if let Some(cmd) = self.keymap.command(&key, false)
            && self.run(cmd, fx)
        {
            return;
        }
        match self.focus {
            Focus::Sidebar => {
                let action = self.library.key(key);
                self.on_sidebar_action(action, fx);
            }
            Focus::Method => match key.code {
                KeyCode::Enter | KeyCode::Char(' ') | KeyCode::Right | KeyCode::Down => {
                    self.cycle_method(1)
                }
                KeyCode::Left | KeyCode::Up => self.cycle_method(-1),
                // the letters of the method hint, dispatched from the same table
                _ => {
                    if let Some(cmd) = keymap::pane_command(keymap::METHOD, &key) {
                        self.run(cmd, fx);
                    }
                }
            },
            Focus::Url => {
                if matches!(key.code, KeyCode::Enter | KeyCode::Char('i')) {
                    self.editing = true;
                }
            }
            Focus::Body => match key.code {
                KeyCode::Enter | KeyCode::Char('i') => self.editing = true,
                KeyCode::Char('w') => {
                    self.body.wrap = !self.body.wrap;
                    self.notify(
                        Level::Info,
                        if self.body.wrap {
                            "long lines wrap"
                        } else {
                            "long lines scroll sideways"
                        },
                    );
                }
                KeyCode::Char('c') => self.reformat(true),
                KeyCode::Char('p') => self.reformat(false),
                KeyCode::Char('e') => fx.push(Effect::OpenEditor(self.body.to_bytes())),
                KeyCode::Char('y') => fx.push(Effect::Copy {
                    what: "the body".into(),
                    text: self.body.to_text(),
                }),
                KeyCode::Down | KeyCode::Char('j') => self.body.scroll_lines(1),
                KeyCode::Up | KeyCode::Char('k') => self.body.scroll_lines(-1),
                _ => {}
            },
            Focus::Signature => self.on_signature_key(key, fx),
            Focus::Response => self.on_response_key(key, fx),
            Focus::Scenario => self.on_scenario_key(key, fx),
        }
    }

    /// Runs a global command. False when it does not apply now (Esc with nothing in
    /// flight), so the key goes on to the pane.
    pub(super) fn run(&mut self, cmd: Command, fx: &mut Vec<Effect>) -> bool {
        match cmd {
            Command::Send => self.start_send(fx),
            Command::Cancel if !self.in_flight() => return false,
            Command::Cancel => self.cancel_send(fx),
            Command::Help => self.help = Some(0),
            Command::NextMethod => self.cycle_method(1),
            Command::Method(name) => {
                self.set_method(name);
                self.request_changed();
            }
            Command::ToggleTab => self.toggle_tab(),
            Command::Sabotage => {
                self.stop_typing();
                self.sabotage_menu = true;
            }
            Command::Library => self.toggle_library(fx),
            Command::Scenario => self.toggle_scenario(fx),
            Command::Profiles => {
                self.stop_typing();
                self.picker = Some(ProfilePicker {
                    loading: true,
                    ..Default::default()
                });
                fx.push(Effect::LoadProfiles);
            }
            Command::Save => self.save(fx),
            Command::TakeOffer => self.take_offer(),
            Command::FocusNext => self.cycle_focus(1),
            Command::FocusPrevious => self.cycle_focus(-1),
            Command::FocusPane(i) => {
                self.focus = Focus::ORDER[i];
                self.editing = self.focus == Focus::Url;
            }
            Command::Zoom => self.zoom = !self.zoom,
            Command::Quit => self.quit(fx),
            Command::LeaveOrQuit => {
                if self.is_typing() {
                    self.stop_typing();
                    self.notify(Level::Info, "left the field: q or Ctrl-C quits");
                } else {
                    self.quit(fx);
                }
            }
        }
        true
    }

    pub(super) fn on_typing_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if self.focus == Focus::Response {
            return self.on_search_key(key, fx);
        }
        if self.focus == Focus::Sidebar {
            let action = self.library.key(key);
            return self.on_sidebar_action(action, fx);
        }
        match key.code {
            // One Esc leaves the field and closes the endpoint list with it: a second
            // press would otherwise be needed, and the letter typed after the first one
            // landed in the URL.
            KeyCode::Esc => return self.stop_typing(),
            KeyCode::BackTab => {
                self.stop_typing();
                return self.cycle_focus(-1);
            }
            _ => {}
        }
        match self.focus {
            Focus::Url => match self.url.key(key) {
                UrlKey::Edited => self.request_changed(),
                UrlKey::Chose(e) => {
                    self.set_method(&e.method);
                    self.request_changed();
                    if let Some(example) = e.fresh_example_body(&mut self.refs) {
                        if self.body.is_empty() {
                            self.body.set_text(&example);
                            self.notify(
                                Level::Ok,
                                format!(
                                    "{} {}: example body inserted (Ctrl-Z in the body undoes)",
                                    e.method, e.path
                                ),
                            );
                        } else if self.body.to_text() != example {
                            self.offer = Some(example);
                            self.notify(
                                Level::Info,
                                format!(
                                    "{} {} has an example body: {} replaces yours with it",
                                    e.method,
                                    e.path,
                                    self.keymap.name(Command::TakeOffer)
                                ),
                            );
                        }
                    } else {
                        self.notify(
                            Level::Info,
                            format!("{} {}: {}", e.method, e.path, e.summary),
                        );
                    }
                }
                UrlKey::Moved => {}
                UrlKey::Unused => match key.code {
                    KeyCode::Enter | KeyCode::Tab => {
                        self.focus = Focus::Body;
                        self.editing = key.code == KeyCode::Enter;
                    }
                    _ => {}
                },
            },
            Focus::Body => {
                match key.code {
                    KeyCode::Char('o') if ctrl => return self.reformat(true),
                    KeyCode::Char('p') if ctrl => return self.reformat(false),
                    KeyCode::Char('e') if ctrl => {
                        fx.push(Effect::OpenEditor(self.body.to_bytes()));
                        return;
                    }
                    _ => {}
                }
                let page = self.panes().body_inner.height as usize;
                let before = self.body.revision();
                self.body.key(key, page.saturating_sub(1));
                if self.body.revision() != before {
                    self.request_changed();
                }
            }
            _ => {}
        }
    }

    pub(super) fn stop_typing(&mut self) {
        self.editing = false;
        self.url.completion = None;
        self.response.search.editing = false;
        self.feed.editing_client = false;
        self.library.filtering = false;
        if self
            .library
            .prompt
            .as_ref()
            .is_some_and(crate::tui::sidebar::Prompt::is_typing)
        {
            self.library.prompt = None;
        }
    }

    pub(super) fn cycle_focus(&mut self, step: isize) {
        let n = Focus::ORDER.len() as isize;
        let i = Focus::ORDER
            .iter()
            .position(|f| *f == self.focus)
            .unwrap_or(0) as isize;
        self.focus = Focus::ORDER[((i + step).rem_euclid(n)) as usize];
        // The URL is a one-line field: focusing it starts typing. The body needs Enter,
        // because Tab inside it types a tab.
        self.editing = self.focus == Focus::Url;
    }

    pub(super) fn cycle_method(&mut self, step: isize) {
        let n = METHODS.len() as isize;
        self.method = ((self.method as isize + step).rem_euclid(n)) as usize;
        self.request_changed();
    }

    pub(super) fn toggle_tab(&mut self) {
        self.stop_typing();
        self.tab = match self.tab {
            Tab::Request => Tab::Feed,
            Tab::Feed => Tab::Request,
        };
    }

    pub(super) fn quit(&mut self, fx: &mut Vec<Effect>) {
        self.quit = true;
        fx.push(Effect::Quit);
    }
}
