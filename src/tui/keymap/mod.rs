//! Every key, described once, and the global bindings as data: dispatch (`command`), the
//! help overlay (all sections) and the status bar (the focused pane's) read this table, so
//! help cannot miss a key. Keys a pane handles itself are described here and dispatched
//! by the pane.

mod effective;
mod panes;

pub use effective::{COMMAND_NAMES, Keymap, Row, command_name, configured, parse_chord};

pub use panes::{
    BODY_EDIT, BODY_NAV, CONFIRM, FEED, LIBRARY, MARKERS, METHOD, RESPONSE, SCENARIO, SECTIONS,
    SIGNATURE, TEXT_INPUT, URL, status_hints,
};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as bound: a key code, with or without Ctrl. Shift is not part of it (`?`, `G` and
/// Shift-Tab arrive with it). A key with no Ctrl matches whatever the modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chord {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Chord {
    pub fn matches(self, key: &KeyEvent) -> bool {
        key.code == self.code && (!self.ctrl || key.modifiers.contains(KeyModifiers::CONTROL))
    }

    /// Control keys, function keys and Esc work while typing; the others only outside text
    /// fields, where they are commands instead of text.
    pub fn while_typing(self) -> bool {
        self.ctrl || matches!(self.code, KeyCode::F(_) | KeyCode::Esc)
    }

    /// The key as help names it: `Ctrl-S`, `F7`, `Shift-Tab`, `q`.
    pub fn name(self) -> String {
        let base = match self.code {
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }

    /// The event this chord stands for.
    pub fn event(self) -> KeyEvent {
        let mods = if self.ctrl {
            KeyModifiers::CONTROL
        } else {
            KeyModifiers::NONE
        };
        KeyEvent::new(self.code, mods)
    }
}

/// What a global binding does; `update` runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Send,
    /// Cancel the request in flight (Esc does other things when none is).
    Cancel,
    Help,
    NextMethod,
    /// Pick this method (the method field's letters).
    Method(&'static str),
    ToggleTab,
    Sabotage,
    Library,
    /// The scenario pane: show it (the last run), or leave it.
    Scenario,
    Profiles,
    Save,
    TakeOffer,
    FocusNext,
    FocusPrevious,
    /// Focus pane `n` of `Focus::ORDER`.
    FocusPane(usize),
    Zoom,
    Quit,
    /// Ctrl-C: leave the field being typed into, else quit.
    LeaveOrQuit,
}

/// One row of help: the keys as written, what they do, and for a global binding the
/// chords `command` dispatches.
pub struct Hint {
    pub keys: &'static str,
    pub what: &'static str,
    pub chords: &'static [(Chord, Command)],
}

pub struct Section {
    pub title: &'static str,
    pub hints: &'static [Hint],
}

/// A key the pane in focus handles itself: described, not dispatched from here.
pub(super) const fn h(keys: &'static str, what: &'static str) -> Hint {
    Hint {
        keys,
        what,
        chords: &[],
    }
}

pub(super) const fn b(
    keys: &'static str,
    what: &'static str,
    chords: &'static [(Chord, Command)],
) -> Hint {
    Hint { keys, what, chords }
}

const fn key(code: KeyCode) -> Chord {
    Chord { code, ctrl: false }
}

pub(super) const fn ch(c: char) -> Chord {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Chord {
    Chord {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

const fn f(n: u8) -> Chord {
    key(KeyCode::F(n))
}

pub(super) const ZOOM: Hint = b(
    "z",
    "zoom: the focused pane fills the screen (again to undo)",
    &[(ch('z'), Command::Zoom)],
);
pub(super) const SEND: Hint = b(
    "Ctrl-R / F5",
    "sign and send the request",
    &[(ctrl('r'), Command::Send), (f(5), Command::Send)],
);
pub(super) const LEAVE: Hint = b(
    "Esc",
    "leave a field · close · cancel a request in flight",
    &[(key(KeyCode::Esc), Command::Cancel)],
);
/// The help key while typing, where `?` is text: the status bar names it then.
pub(super) const HELP_TYPING: Hint = b("F1", "help", &[(f(1), Command::Help)]);
pub(super) const HELP: Hint = b(
    "F1 / ?",
    "this help (? outside text fields)",
    &[(f(1), Command::Help), (ch('?'), Command::Help)],
);

/// The global bindings (and the mouse).
pub const EVERYWHERE: &[Hint] = &[
    SEND,
    LEAVE,
    HELP,
    b("F2", "next HTTP method", &[(f(2), Command::NextMethod)]),
    b(
        "F3 / f",
        "switch between the Request and Feed tabs",
        &[(f(3), Command::ToggleTab), (ch('f'), Command::ToggleTab)],
    ),
    b(
        "F4",
        "break the signature on purpose, to see a 1020 explained",
        &[(f(4), Command::Sabotage)],
    ),
    b(
        "F6",
        "show / hide the library: saved requests and history",
        &[(f(6), Command::Library)],
    ),
    b("F7", "switch profiles", &[(f(7), Command::Profiles)]),
    b(
        "F8",
        "the scenario pane: the last run's steps (again to leave); F6, c lists scenarios",
        &[(f(8), Command::Scenario)],
    ),
    b(
        "Ctrl-S",
        "save the request (the first time, as collection/name)",
        &[(ctrl('s'), Command::Save)],
    ),
    b(
        "Ctrl-B",
        "use the example body offered for the chosen endpoint",
        &[(ctrl('b'), Command::TakeOffer)],
    ),
    b(
        "Tab / Shift-Tab",
        "next / previous pane (outside text fields)",
        &[
            (key(KeyCode::Tab), Command::FocusNext),
            (key(KeyCode::BackTab), Command::FocusPrevious),
        ],
    ),
    b(
        "1 2 3 4 5",
        "jump to method, URL, body, signature, response",
        &[
            (ch('1'), Command::FocusPane(0)),
            (ch('2'), Command::FocusPane(1)),
            (ch('3'), Command::FocusPane(2)),
            (ch('4'), Command::FocusPane(3)),
            (ch('5'), Command::FocusPane(4)),
        ],
    ),
    ZOOM,
    h("mouse", "click focuses a pane, the wheel scrolls"),
    b(
        "q / Ctrl-C",
        "quit (outside text fields; Ctrl-C in a field leaves it)",
        &[(ch('q'), Command::Quit), (ctrl('c'), Command::LeaveOrQuit)],
    ),
];

/// The command a pane's own table (`METHOD`, …) binds to `key`, for the pane to run.
pub fn pane_command(hints: &[Hint], key: &KeyEvent) -> Option<Command> {
    hints
        .iter()
        .flat_map(|h| h.chords.iter())
        .find(|(c, _)| c.matches(key))
        .map(|(_, cmd)| *cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(key: &KeyEvent, typing: bool) -> Option<Command> {
        Keymap::default().command(key, typing)
    }

    fn help_text() -> Vec<String> {
        super::super::help::lines(&Keymap::default())
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn every_binding_is_in_the_help_overlay() {
        let help = help_text();
        for section in SECTIONS {
            assert!(help.iter().any(|l| l == section.title), "{}", section.title);
            for h in section.hints {
                assert!(
                    help.iter()
                        .any(|l| l.contains(h.keys) && l.contains(h.what)),
                    "help lacks {} ({})",
                    h.keys,
                    h.what
                );
                for (chord, _) in h.chords {
                    assert!(
                        h.keys
                            .split(" / ")
                            .any(|k| k.split(' ').any(|k| k == chord.name())),
                        "{} is bound but help writes it as {:?}",
                        chord.name(),
                        h.keys
                    );
                }
            }
        }
        // once missing from help
        for k in ["Ctrl-S", "F6", "F7"] {
            assert!(help.iter().any(|l| l.contains(k)), "{k}");
        }
    }

    #[test]
    fn dispatch_finds_each_binding_once() {
        let mut seen = Vec::new();
        for h in EVERYWHERE {
            for (chord, cmd) in h.chords {
                assert!(!seen.contains(chord), "{} bound twice", chord.name());
                seen.push(*chord);
                assert_eq!(
                    command(&chord.event(), false),
                    Some(*cmd),
                    "{}",
                    chord.name()
                );
                let typing = command(&chord.event(), true);
                if chord.while_typing() {
                    assert_eq!(typing, Some(*cmd), "{}", chord.name());
                } else {
                    assert_eq!(typing, None, "{} types while in a field", chord.name());
                }
            }
        }
        // `?` arrives with Shift; a plain `s` is not Ctrl-S
        let shifted = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(command(&shifted, false), Some(Command::Help));
        assert_eq!(command(&ch('s').event(), false), None);
    }
}
