//! The workbench. One state struct per pane, one `Message` enum, a pure `update`,
//! a side-effect-free `draw`; network work in tokio tasks reporting on a channel.

pub mod app;
pub mod body;
pub mod clock;
pub mod confirm;
pub mod editor;
pub mod feed_tab;
pub mod header;
pub mod help;
pub mod inspector;
pub mod json;
pub mod keymap;
pub mod layout;
pub mod lint_view;
pub mod response;
pub mod session;
pub mod sign_worker;
pub mod signature;
pub mod status;
pub mod target;
pub mod theme;
pub mod ui;
pub mod update;
pub mod url_field;

use crate::cli::Context;
use std::process::ExitCode;

/// Opens the workbench; `demo` carries the demo set-up when run by `xsign demo`.
pub fn run(_ctx: &Context, _demo: Option<()>) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the workbench is not built yet")
}
