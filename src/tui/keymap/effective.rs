//! The global bindings in effect: the table in `EVERYWHERE`, with the config file's
//! `workbench.keys` applied. Dispatch, help and the status bar all read this one value, so
//! a rebound key is the key every screen names.

use super::{Chord, Command, EVERYWHERE, Hint};
use crossterm::event::{KeyCode, KeyEvent};
use std::collections::BTreeMap;

/// The names commands have in the config file, in the table's order.
pub const COMMAND_NAMES: &[(&str, Command)] = &[
    ("send", Command::Send),
    ("cancel", Command::Cancel),
    ("help", Command::Help),
    ("next-method", Command::NextMethod),
    ("toggle-tab", Command::ToggleTab),
    ("sabotage", Command::Sabotage),
    ("library", Command::Library),
    ("profiles", Command::Profiles),
    ("scenario", Command::Scenario),
    ("save", Command::Save),
    ("take-offer", Command::TakeOffer),
    ("focus-next", Command::FocusNext),
    ("focus-previous", Command::FocusPrevious),
    ("focus-method", Command::FocusPane(0)),
    ("focus-url", Command::FocusPane(1)),
    ("focus-body", Command::FocusPane(2)),
    ("focus-signature", Command::FocusPane(3)),
    ("focus-response", Command::FocusPane(4)),
    ("zoom", Command::Zoom),
    ("quit", Command::Quit),
];

/// Ctrl keys the text fields use (or that terminals send for Tab, Enter and Backspace):
/// a global binding there would take them from the field.
const FIELD_CTRL_KEYS: &str = "aceuwopzyhijm";

/// One row of the global table as it is in effect.
#[derive(Debug, Clone)]
pub struct Row {
    /// The keys as help writes them (the table's text unless a key was rebound).
    pub keys: String,
    pub what: &'static str,
    pub chords: Vec<(Chord, Command)>,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    rows: Vec<Row>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            rows: EVERYWHERE
                .iter()
                .map(|h| Row {
                    keys: h.keys.to_string(),
                    what: h.what,
                    chords: h.chords.to_vec(),
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The table with `keys` (command name → a key, or a list of keys) applied. An entry
    /// that cannot apply is left out and described in the returned problems, so one typo
    /// leaves every other binding working. Entries apply together, so two commands can
    /// swap keys.
    pub fn with_overrides(keys: &BTreeMap<String, serde_json::Value>) -> (Keymap, Vec<String>) {
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        for (name, value) in keys {
            match parse_entry(name, value) {
                Ok((cmd, chords)) => entries.push((name.as_str(), cmd, chords, true)),
                Err(p) => problems.push(format!("workbench.keys.{name}: {p}")),
            }
        }
        loop {
            let mut map = Keymap::default();
            for (_, cmd, chords, applied) in &entries {
                if *applied {
                    map.rebind(*cmd, chords);
                }
            }
            // A key bound twice: the entries that made it so are refused, and their
            // commands keep the table's keys (which may refuse another entry next round).
            let Some((chord, cmds)) = map.conflict() else {
                return (map, problems);
            };
            for (name, cmd, _, applied) in &mut entries {
                if *applied && cmds.contains(cmd) {
                    *applied = false;
                    let other = cmds.iter().find(|c| *c != cmd).copied().unwrap_or(*cmd);
                    problems.push(format!(
                        "workbench.keys.{name}: {} is also {}; rebind that too, or pick another key",
                        chord.name(),
                        command_name(other)
                    ));
                }
            }
        }
    }

    /// A key bound to two commands, and those commands.
    fn conflict(&self) -> Option<(Chord, Vec<Command>)> {
        let all: Vec<(Chord, Command)> = self
            .rows
            .iter()
            .flat_map(|r| r.chords.iter().copied())
            .collect();
        all.iter().find_map(|(chord, cmd)| {
            let cmds: Vec<Command> = all
                .iter()
                .filter(|(c, _)| c == chord)
                .map(|(_, k)| *k)
                .collect();
            cmds.iter().any(|k| k != cmd).then_some((*chord, cmds))
        })
    }

    /// Binds `cmd` to `chords` instead of its keys in the table.
    fn rebind(&mut self, cmd: Command, chords: &[Chord]) {
        for row in &mut self.rows {
            if !row.chords.iter().any(|(_, c)| *c == cmd) {
                continue;
            }
            let mut out = Vec::new();
            let mut placed = false;
            for (chord, c) in &row.chords {
                if *c != cmd {
                    out.push((*chord, *c));
                } else if !placed {
                    out.extend(chords.iter().map(|ch| (*ch, cmd)));
                    placed = true;
                }
            }
            row.chords = out;
            row.keys = if row.chords.is_empty() {
                "(unbound)".into()
            } else {
                row.chords
                    .iter()
                    .map(|(c, _)| c.name())
                    .collect::<Vec<_>>()
                    .join(" / ")
            };
        }
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The global command bound to `key`, if any. `typing`: a text field has the keys, so
    /// only control keys, function keys and Esc are commands.
    pub fn command(&self, key: &KeyEvent, typing: bool) -> Option<Command> {
        let bound = || self.rows.iter().flat_map(|r| r.chords.iter());
        // Ctrl chords first, so Ctrl-S is never taken for a plain `s`.
        let mut candidates = bound()
            .filter(|(c, _)| c.ctrl)
            .chain(bound().filter(|(c, _)| !c.ctrl));
        candidates
            .find(|(c, _)| (!typing || c.while_typing()) && c.matches(key))
            .map(|(_, cmd)| *cmd)
    }

    /// The first key bound to `cmd`, as messages name it ("Ctrl-R sends"); `(unbound)`
    /// when the config took every key from it.
    pub fn name(&self, cmd: Command) -> String {
        self.rows
            .iter()
            .flat_map(|r| r.chords.iter())
            .find(|(_, c)| *c == cmd)
            .map(|(c, _)| c.name())
            .unwrap_or_else(|| format!("(no key for {})", command_name(cmd)))
    }

    /// The first key bound to `cmd` that works while typing (help while in a field).
    pub fn typing_name(&self, cmd: Command) -> String {
        self.rows
            .iter()
            .flat_map(|r| r.chords.iter())
            .find(|(c, k)| *k == cmd && c.while_typing())
            .map(|(c, _)| c.name())
            .unwrap_or_else(|| self.name(cmd))
    }

    /// The keys to show for `hint`: a global one's as rebound, a pane's as the table has it.
    pub fn keys_of(&self, hint: &Hint) -> String {
        if hint.chords.is_empty() {
            return hint.keys.to_string();
        }
        if let Some(row) = self.row_of(hint) {
            return row.keys.clone();
        }
        // A global command shown on its own (help while typing): its keys that work there.
        let global = |cmd: &Command| COMMAND_NAMES.iter().any(|(_, c)| c == cmd);
        if hint.chords.iter().all(|(_, c)| global(c)) {
            let mut names: Vec<String> = Vec::new();
            for (_, cmd) in hint.chords {
                let n = self.typing_name(*cmd);
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            return names.join(" / ");
        }
        hint.keys.to_string()
    }

    fn row_of(&self, hint: &Hint) -> Option<&Row> {
        self.rows.iter().find(|r| r.what == hint.what)
    }
}

pub fn command_name(cmd: Command) -> &'static str {
    COMMAND_NAMES
        .iter()
        .find(|(_, c)| *c == cmd)
        .map(|(n, _)| *n)
        .unwrap_or("leave-or-quit")
}

fn parse_entry(name: &str, value: &serde_json::Value) -> Result<(Command, Vec<Chord>), String> {
    let cmd = COMMAND_NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
        .ok_or_else(|| {
            let names: Vec<&str> = COMMAND_NAMES.iter().map(|(n, _)| *n).collect();
            format!("no such command; the commands are {}", names.join(", "))
        })?;
    let texts: Vec<&str> = match value {
        serde_json::Value::String(s) => vec![s.as_str()],
        serde_json::Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| "write a key as text, like \"F9\" or \"Ctrl-L\"".to_string())
            })
            .collect::<Result<_, _>>()?,
        _ => return Err("write a key (\"F9\") or a list of keys ([\"F9\", \"Ctrl-L\"])".into()),
    };
    let mut chords = Vec::new();
    for t in texts {
        let c = parse_chord(t)?;
        if !chords.contains(&c) {
            chords.push(c);
        }
    }
    if cmd == Command::Help && !chords.iter().any(|c| c.while_typing()) {
        return Err(
            "help needs a key that works while typing (a function key or a Ctrl key)".into(),
        );
    }
    Ok((cmd, chords))
}

/// A key as the config writes it: `F1`…`F12`, `Ctrl-L`, `Esc`, `Tab`, `Shift-Tab`, `Enter`,
/// or one of the single keys the table already uses outside text fields.
pub fn parse_chord(text: &str) -> Result<Chord, String> {
    let t = text.trim();
    let shown = crate::visible::visible(t);
    let lower = t.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("ctrl-").or(lower.strip_prefix("ctrl+")) {
        let mut chars = rest.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err(format!(
                "{shown:?} is not a key: after Ctrl- comes one letter (\"Ctrl-L\")"
            ));
        };
        if !c.is_ascii_alphabetic() {
            return Err(format!("{shown:?}: use Ctrl with a letter"));
        }
        if c == 'c' {
            return Err("Ctrl-C is kept for leaving a field and quitting".into());
        }
        if FIELD_CTRL_KEYS.contains(c) {
            return Err(format!(
                "Ctrl-{} is used while typing in the body and one-line fields; pick another letter",
                c.to_ascii_uppercase()
            ));
        }
        return Ok(Chord {
            code: KeyCode::Char(c),
            ctrl: true,
        });
    }
    let code = match lower.as_str() {
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" | "shift+tab" | "backtab" => KeyCode::BackTab,
        "enter" | "return" => KeyCode::Enter,
        f if f.starts_with('f') && f.len() > 1 => match f[1..].parse::<u8>() {
            Ok(n @ 1..=12) => KeyCode::F(n),
            _ => {
                return Err(format!(
                    "{shown:?} is not a key: function keys are F1 to F12"
                ));
            }
        },
        _ => {
            let mut chars = t.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if single_key_allowed(c) => KeyCode::Char(c),
                (Some(c), None) => {
                    return Err(format!(
                        "{c:?}: single letters are the panes' own keys; use a function key, a Ctrl key, or one of ? f z q 1-5"
                    ));
                }
                _ => {
                    return Err(format!(
                        "{shown:?} is not a key: write F1…F12, Ctrl-<letter>, Esc, Tab, Shift-Tab or Enter"
                    ));
                }
            }
        }
    };
    Ok(Chord { code, ctrl: false })
}

/// The single keys the table binds outside text fields: no pane uses them for its own.
fn single_key_allowed(c: char) -> bool {
    EVERYWHERE
        .iter()
        .flat_map(|h| h.chords.iter())
        .any(|(ch, _)| !ch.ctrl && ch.code == KeyCode::Char(c))
}

/// The keymap the config file asks for, and what in it could not apply.
pub fn configured(config: &crate::store::Config) -> (Keymap, Vec<String>) {
    Keymap::with_overrides(&config.workbench.keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;
    use serde_json::json;

    fn keys(v: serde_json::Value) -> BTreeMap<String, serde_json::Value> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_rebound_key_dispatches_and_is_named() {
        let (map, problems) = Keymap::with_overrides(&keys(
            json!({"send": ["F9", "ctrl-g"], "library": "Ctrl-L"}),
        ));
        assert!(problems.is_empty(), "{problems:?}");
        let f9 = KeyEvent::new(KeyCode::F(9), KeyModifiers::NONE);
        assert_eq!(map.command(&f9, true), Some(Command::Send));
        let cg = KeyEvent::new(KeyCode::Char('g'), KeyModifiers::CONTROL);
        assert_eq!(map.command(&cg, true), Some(Command::Send));
        // the old keys are free
        let cr = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
        assert_eq!(map.command(&cr, true), None);
        let f6 = KeyEvent::new(KeyCode::F(6), KeyModifiers::NONE);
        assert_eq!(map.command(&f6, false), None);
        assert_eq!(map.name(Command::Send), "F9");
        assert_eq!(map.keys_of(&super::super::SEND), "F9 / Ctrl-G");
        assert!(map.rows().iter().any(|r| r.keys == "Ctrl-L"));
    }

    #[test]
    fn a_rebinding_in_a_shared_row_keeps_the_others() {
        let (map, problems) = Keymap::with_overrides(&keys(json!({"focus-body": "F12"})));
        assert!(problems.is_empty(), "{problems:?}");
        let row = map
            .rows()
            .iter()
            .find(|r| r.chords.iter().any(|(_, c)| *c == Command::FocusPane(2)))
            .unwrap();
        assert_eq!(row.keys, "1 / 2 / F12 / 4 / 5");
        let f12 = KeyEvent::new(KeyCode::F(12), KeyModifiers::NONE);
        assert_eq!(map.command(&f12, false), Some(Command::FocusPane(2)));
    }

    #[test]
    fn what_cannot_apply_is_named_and_the_rest_applies() {
        let (map, problems) = Keymap::with_overrides(&keys(json!({
            "send": "F7",
            "sned": "F9",
            "save": "Ctrl-E",
            "zoom": "x",
            "help": "?",
            "quit": 3,
            "profiles": "F13",
            "library": "Ctrl-L",
        })));
        let all = problems.join("\n");
        assert!(all.contains("send: F7 is also profiles"), "{all}");
        assert!(all.contains("sned: no such command"), "{all}");
        assert!(all.contains("Ctrl-E is used while typing"), "{all}");
        assert!(
            all.contains("single letters are the panes' own keys"),
            "{all}"
        );
        assert!(
            all.contains("help needs a key that works while typing"),
            "{all}"
        );
        assert!(all.contains("quit: write a key"), "{all}");
        assert!(all.contains("function keys are F1 to F12"), "{all}");
        assert_eq!(problems.len(), 7);
        // the bad entries left their commands as they were; the good one applied
        assert_eq!(map.name(Command::Send), "Ctrl-R");
        assert_eq!(map.name(Command::Library), "Ctrl-L");
    }

    #[test]
    fn two_commands_can_swap_keys() {
        let (map, problems) =
            Keymap::with_overrides(&keys(json!({"library": "F7", "profiles": "F6"})));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(map.name(Command::Library), "F7");
        assert_eq!(map.name(Command::Profiles), "F6");
    }

    #[test]
    fn a_refused_entry_gives_its_keys_back() {
        // zoom takes F6 from library, but library's entry is refused, so zoom's is too
        let (map, problems) = Keymap::with_overrides(&keys(json!({
            "library": "F7",
            "zoom": "F6",
        })));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(map.name(Command::Library), "F6");
        assert_eq!(map.name(Command::Zoom), "z");
        assert_eq!(map.name(Command::Profiles), "F7");
    }
}
