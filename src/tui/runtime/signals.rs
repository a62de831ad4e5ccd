//! SIGTERM, SIGINT and SIGHUP while the workbench runs: the first becomes a
//! `Message::Signal`, so the loop ends through the same restore path as `q`; a second one
//! (or one after the loop is gone) restores the terminal and exits at once.

use crate::tui::app::Message;
use crate::tui::terminal;
use std::sync::mpsc::Sender;
use tokio::signal::unix::{SignalKind, signal};

/// Listens on `rt` until the process exits. Errors registering a handler leave that signal's
/// default action in place (the terminal is then not restored, as before).
pub fn watch(rt: &tokio::runtime::Handle, tx: Sender<Message>) {
    rt.spawn(async move {
        let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::hangup()),
        ) else {
            return;
        };
        let mut told = false;
        loop {
            let sig = tokio::select! {
                _ = term.recv() => libc_number::TERM,
                _ = int.recv() => libc_number::INT,
                _ = hup.recv() => libc_number::HUP,
            };
            // The loop gets one chance; if it is gone or stuck, do its restore here.
            if !told && tx.send(Message::Signal(sig)).is_ok() {
                told = true;
                continue;
            }
            terminal::leave();
            std::process::exit(128 + sig);
        }
    });
}

/// The POSIX numbers, the same on every Unix (so no libc dependency for three constants).
mod libc_number {
    pub const HUP: i32 = 1;
    pub const INT: i32 = 2;
    pub const TERM: i32 = 15;
}
