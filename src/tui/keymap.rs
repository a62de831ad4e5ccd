//! Every key, described once, and the global bindings as data: dispatch (`command`), the
//! help overlay (all sections) and the status bar (the focused pane's) read this table, so
//! help cannot miss a key. Keys a pane handles itself are described here and dispatched
//! by the pane.

use super::app::{App, Focus, Tab};
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
    ToggleTab,
    Sabotage,
    Library,
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
const fn h(keys: &'static str, what: &'static str) -> Hint {
    Hint {
        keys,
        what,
        chords: &[],
    }
}

const fn b(keys: &'static str, what: &'static str, chords: &'static [(Chord, Command)]) -> Hint {
    Hint { keys, what, chords }
}

const fn key(code: KeyCode) -> Chord {
    Chord { code, ctrl: false }
}

const fn ch(c: char) -> Chord {
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

const ZOOM: Hint = b(
    "z",
    "zoom: the focused pane fills the screen (again to undo)",
    &[(ch('z'), Command::Zoom)],
);
const SEND: Hint = b(
    "Ctrl-R / F5",
    "sign and send the request",
    &[(ctrl('r'), Command::Send), (f(5), Command::Send)],
);
const LEAVE: Hint = b(
    "Esc",
    "leave a field · close · cancel a request in flight",
    &[(key(KeyCode::Esc), Command::Cancel)],
);
const HELP: Hint = b(
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

/// The global command bound to `key`, if any. `typing`: a text field has the keys, so only
/// control keys, function keys and Esc are commands.
pub fn command(key: &KeyEvent, typing: bool) -> Option<Command> {
    let bound = || EVERYWHERE.iter().flat_map(|h| h.chords.iter());
    // Ctrl chords first, so Ctrl-S is never taken for a plain `s`.
    let mut candidates = bound()
        .filter(|(c, _)| c.ctrl)
        .chain(bound().filter(|(c, _)| !c.ctrl));
    candidates
        .find(|(c, _)| (!typing || c.while_typing()) && c.matches(key))
        .map(|(_, cmd)| *cmd)
}

pub const URL: &[Hint] = &[
    h("type", "a path (/company) or a full URL"),
    h("↓ ↑", "endpoint list; Enter or Tab picks"),
    h("Enter", "to the body (when no list is open)"),
];

/// The keys of `widgets::text_input`, the same in every one-line field.
pub const TEXT_INPUT: &[Hint] = &[
    h(
        "← → Home End",
        "move the cursor (Ctrl-A / Ctrl-E: start / end)",
    ),
    h(
        "Ctrl-U / Ctrl-W",
        "clear / delete the word or path segment before the cursor",
    ),
    h("paste", "inserts the first line of what was pasted"),
];

pub const METHOD: &[Hint] = &[
    h("Enter / ← →", "change the method"),
    h("g p u d a", "GET POST PUT DELETE PATCH"),
];

pub const BODY_EDIT: &[Hint] = &[
    h("type / paste", "edits; pasted bytes are kept exactly"),
    h("Tab", "types a tab (marked →, and warned about)"),
    h("Ctrl-O", "compact the JSON"),
    h("Ctrl-P", "pretty-print the JSON (2 spaces)"),
    h("Ctrl-E", "edit the body in $EDITOR"),
    h("Ctrl-Z / Ctrl-Y", "undo / redo"),
    h("Shift-arrows, Ctrl-A", "select"),
];

pub const BODY_NAV: &[Hint] = &[
    h("Enter / i", "edit the body"),
    h("c / p", "compact / pretty-print"),
    h("e", "edit in $EDITOR"),
    h("y", "copy the body"),
    h("w", "wrap long lines on or off"),
];

pub const MARKERS: &[Hint] = &[
    h("→", "a tab"),
    h("·", "a trailing space"),
    h("␍", "a carriage return (CR)"),
    h("␀ ¤", "a control or invisible character"),
];

pub const SIGNATURE: &[Hint] = &[
    h("x", "copy x-sign"),
    h("h", "copy the x-timestamp/x-nonce and x-sign headers"),
    h("s", "copy the SHA-256"),
    h("↓ ↑", "scroll"),
];

pub const RESPONSE: &[Hint] = &[
    h("↓ ↑ PgDn PgUp g G", "scroll"),
    h("/", "search; n / N next / previous match"),
    h("b h i", "body, headers, 1020 inspector"),
    h("c", "copy the body"),
];

pub const LIBRARY: &[Hint] = &[
    h(
        "↓ ↑ Enter",
        "pick and open a request (or load a history entry)",
    ),
    h("/", "filter by typing; Esc clears"),
    h("s / h", "saved requests / history"),
    h("a", "save the request in the editor as collection/name"),
    h("r / d / x", "rename / duplicate / delete (asks first)"),
    h("i", "history: open the entry in the 1020 inspector"),
    h("● edited", "the body differs from the saved one"),
];

pub const CONFIRM: &[Hint] = &[
    h("Enter", "send anyway"),
    h("Esc", "back to editing"),
    h("the key shown", "apply that fix"),
];

pub const FEED: &[Hint] = &[
    h("t", "next feed kind: coreclient, wallets, liquidityhub"),
    h("i", "type the core client ID"),
    h("c / d", "connect / disconnect"),
    h("↓ ↑ Enter", "pick a message, show it pretty-printed"),
    h("a / r", "approve / reject a coreclient action"),
    h("x", "clear the list"),
    h("Esc / Tab / f", "back to the Request tab"),
];

pub const SECTIONS: &[Section] = &[
    Section {
        title: "Everywhere",
        hints: EVERYWHERE,
    },
    Section {
        title: "URL field",
        hints: URL,
    },
    Section {
        title: "One-line fields: URL, filter, names, search, client ID",
        hints: TEXT_INPUT,
    },
    Section {
        title: "Method",
        hints: METHOD,
    },
    Section {
        title: "Body, while editing",
        hints: BODY_EDIT,
    },
    Section {
        title: "Body, not editing",
        hints: BODY_NAV,
    },
    Section {
        title: "Markers in the body",
        hints: MARKERS,
    },
    Section {
        title: "Library (F6)",
        hints: LIBRARY,
    },
    Section {
        title: "Signature",
        hints: SIGNATURE,
    },
    Section {
        title: "Response",
        hints: RESPONSE,
    },
    Section {
        title: "Before sending (lint)",
        hints: CONFIRM,
    },
    Section {
        title: "Feed tab",
        hints: FEED,
    },
];

/// The keys for what has focus now.
pub fn status_hints(app: &App) -> Vec<&'static Hint> {
    if app.confirm.is_some() {
        return CONFIRM.iter().collect();
    }
    if app.tab == Tab::Feed {
        return FEED.iter().take(5).collect();
    }
    let send = &SEND;
    let help = &HELP;
    let mut out: Vec<&Hint> = match (app.focus, app.editing) {
        (Focus::Url, true) => URL.iter().take(3).collect(),
        (Focus::Body, true) => vec![&BODY_EDIT[2], &BODY_EDIT[3], &BODY_EDIT[4]],
        (Focus::Url, false) => vec![&BODY_NAV[0]],
        (Focus::Body, false) => BODY_NAV.iter().collect(),
        (Focus::Method, _) => METHOD.iter().collect(),
        (Focus::Sidebar, _) => LIBRARY.iter().take(5).collect(),
        (Focus::Signature, _) => SIGNATURE.iter().take(3).collect(),
        (Focus::Response, _) if app.response.search.editing => {
            return vec![&SEARCH[0], &SEARCH[1]];
        }
        (Focus::Response, _) => {
            let mut v: Vec<&Hint> = RESPONSE.iter().collect();
            v.push(&ZOOM);
            v
        }
    };
    out.insert(0, send);
    if app.is_typing() {
        out.push(&LEAVE);
    } else {
        out.push(help);
    }
    out
}

const SEARCH: &[Hint] = &[h("Enter", "search"), h("Esc", "cancel")];

#[cfg(test)]
mod tests {
    use super::*;

    fn help_text() -> Vec<String> {
        super::super::help::lines()
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
