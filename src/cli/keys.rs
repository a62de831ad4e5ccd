//! `xsign keys`: the workbench's global key bindings as they are in effect, with the config
//! file's `workbench.keys` applied, and what in it could not apply. The same table the
//! workbench dispatches from and its help shows.

use super::Context;
use crate::store::ConfigStore;
use crate::tui::keymap::{self, command_name};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Change a binding in config.json, the file in the config dir that holds your profiles:
  \"workbench\": {\"keys\": {\"send\": \"F9\", \"library\": [\"Ctrl-L\", \"F6\"]}}

A key is F1…F12, Ctrl-<letter>, Esc, Tab, Shift-Tab, Enter, or one of the single keys the \
table already uses (? f z q 1-5); the Ctrl keys the text fields use (A C E H I J M O P U W Y Z) \
are kept for them. An empty list unbinds a command. A key bound twice, a misspelt command or \
key is named here and in the workbench's status bar, and that entry is left out.

Exit status: 0, or 1 when something in workbench.keys could not apply.")]
pub struct Args {
    /// One JSON object: `bindings` (command, keys, what) and `problems`
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let loaded = ConfigStore::open_default().load()?;
    for w in loaded.warnings() {
        errln!("{}", crate::visible::visible(&w));
    }
    let (map, problems) = keymap::configured(&loaded.value);
    let mut rows = Vec::new();
    for row in map.rows() {
        let mut commands: Vec<&str> = Vec::new();
        for (_, c) in &row.chords {
            let name = command_name(*c);
            if !commands.contains(&name) {
                commands.push(name);
            }
        }
        if commands.is_empty() {
            continue;
        }
        rows.push((commands.join(", "), row.keys.clone(), row.what));
    }
    // Commands the config unbound have no chords left: list them as unbound.
    for (name, cmd) in keymap::COMMAND_NAMES {
        if !map
            .rows()
            .iter()
            .any(|r| r.chords.iter().any(|(_, c)| c == cmd))
        {
            rows.push((name.to_string(), "(unbound)".into(), ""));
        }
    }
    if args.json {
        let bindings: Vec<serde_json::Value> = rows
            .iter()
            .map(|(c, k, w)| serde_json::json!({"command": c, "keys": k, "what": w}))
            .collect();
        super::json::print(&serde_json::json!({
            "bindings": bindings,
            "problems": problems,
            "exit_code": u8::from(!problems.is_empty()),
        }));
    } else {
        let width = rows.iter().map(|(c, _, _)| c.len()).max().unwrap_or(0);
        let keys_width = rows.iter().map(|(_, k, _)| k.len()).max().unwrap_or(0);
        for (c, k, w) in &rows {
            outln!("{c:<width$}  {k:<keys_width$}  {w}");
        }
        for p in &problems {
            errln!("xsign keys: {}", crate::visible::visible(p));
        }
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
