//! The workbench. One state struct per pane, one `Message` enum, a pure `update`,
//! a side-effect-free `draw`; network work in tokio tasks reporting on a channel.

pub mod clock;
pub mod editor;
pub mod json;
pub mod theme;

use crate::cli::Context;
use std::process::ExitCode;

/// Opens the workbench; `demo` carries the demo set-up when run by `xsign demo`.
pub fn run(_ctx: &Context, _demo: Option<()>) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the workbench is not built yet")
}
