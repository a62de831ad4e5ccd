//! Terminal set-up and restore. Restore runs on every way out: normal return, error
//! (the guard's Drop), and panic (the hook), so the shell is never left in raw mode.

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Raw mode, alternate screen, mouse and bracketed paste: on.
pub fn enter() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )
}

/// Everything `enter` turned on: off. Safe to call twice.
pub fn leave() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal before the panic message prints, so it is readable.
pub fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            leave();
            previous(info);
        }));
    });
}

/// Owns the terminal while the workbench runs; dropping it restores the terminal.
pub struct Guard {
    pub terminal: Term,
}

impl Guard {
    pub fn new() -> io::Result<Guard> {
        install_panic_hook();
        enter()?;
        let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        terminal.hide_cursor()?;
        terminal.clear()?;
        Ok(Guard { terminal })
    }

    /// Gives the terminal back to the shell for a while (to run `$EDITOR`).
    pub fn suspend(&mut self) -> io::Result<()> {
        leave();
        Ok(())
    }

    pub fn resume(&mut self) -> io::Result<()> {
        enter()?;
        self.terminal.clear()?;
        self.terminal.hide_cursor()
    }

    /// Writes an OSC 52 sequence: the terminal puts `text` on the system clipboard.
    pub fn copy_osc52(&mut self, text: &str) -> io::Result<()> {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
        let out = self.terminal.backend_mut();
        write!(out, "\x1b]52;c;{b64}\x07")?;
        out.flush()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        leave();
    }
}
