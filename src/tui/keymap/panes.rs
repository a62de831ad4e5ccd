//! The keys each pane handles itself, described for help and the status bar (the pane
//! dispatches them), the help sections in order, and the status bar's pick for the focus.

use super::{Command, EVERYWHERE, HELP, HELP_TYPING, Hint, LEAVE, SEND, Section, ZOOM, b, ch, h};
use crate::tui::app::{App, Focus, Tab};

pub const URL: &[Hint] = &[
    h("type", "a path under the base URL, or a full URL"),
    h("↓ ↑", "endpoint list; Enter or Tab picks"),
    h("Enter", "to the body (when no list is open)"),
    h("Enter / i", "edit the URL (when not typing in it)"),
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
    b(
        "g p u d a",
        "GET POST PUT DELETE PATCH",
        &[
            (ch('g'), Command::Method("GET")),
            (ch('p'), Command::Method("POST")),
            (ch('u'), Command::Method("PUT")),
            (ch('d'), Command::Method("DELETE")),
            (ch('a'), Command::Method("PATCH")),
        ],
    ),
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
        "open a request, or load an entry (proxied: inspect)",
    ),
    h("/", "filter by typing; Esc clears"),
    h("s / h / c", "saved requests / history / scenarios"),
    h(
        "Enter (scenarios)",
        "run the scenario: its steps tick in the scenario pane",
    ),
    h("a", "save the request in the editor as collection/name"),
    h("r / d / x", "rename / duplicate / delete (asks first)"),
    h("i", "history: open the entry in the 1020 inspector"),
    h("● edited", "the body differs from the saved one"),
];

pub const SCENARIO: &[Hint] = &[
    h("↓ ↑", "pick a step"),
    h(
        "Enter",
        "open the step's exchange in the response pane's inspector",
    ),
    h("r", "run the scenario again"),
    h("x", "stop the run"),
    h("Esc / F8", "back to the request panes"),
];

pub const CONFIRM: &[Hint] = &[
    h("Enter", "send anyway"),
    h("Esc", "back to editing"),
    h("the key shown", "apply that fix"),
];

pub const FEED: &[Hint] = &[
    h("t", "next feed kind"),
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
        title: "Scenario pane",
        hints: SCENARIO,
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
        (Focus::Url, false) => vec![&URL[3]],
        (Focus::Body, false) => BODY_NAV.iter().collect(),
        (Focus::Method, _) => METHOD.iter().collect(),
        (Focus::Sidebar, _) => LIBRARY.iter().take(5).collect(),
        (Focus::Scenario, _) => SCENARIO.iter().take(4).collect(),
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
        // `?` types here: name the key that opens help, early so it is not cut off
        out.insert(1, &HELP_TYPING);
        out.push(&LEAVE);
    } else {
        out.push(help);
    }
    out
}

const SEARCH: &[Hint] = &[h("Enter", "search"), h("Esc", "cancel")];
