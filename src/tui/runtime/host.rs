//! What the event loop needs from a terminal besides drawing: the clipboard and `$EDITOR`.
//! `TerminalHost` is the real one (and owns the thread that reads terminal events);
//! `TestHost` draws on a `TestBackend`, so tests run the real loop headless.

use crate::tui::app::Message;
use crate::tui::errors::{CopyError, EditorError};
use crate::tui::terminal::Guard;
use crossterm::event::{self, Event};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend, TestBackend};
use std::io::Stdout;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// The terminal side of the loop.
pub trait Host {
    type Backend: Backend;
    fn terminal(&mut self) -> &mut Terminal<Self::Backend>;
    /// Puts `text` on the clipboard, or says why it could not.
    fn copy(&mut self, text: &str) -> Result<(), CopyError>;
    /// Lets the user edit `body` in their editor; the bytes back, or why not.
    fn edit(&mut self, body: &[u8]) -> Result<Vec<u8>, EditorError>;
}

/// The real terminal, and the input thread that feeds the loop's channel.
pub struct TerminalHost<'a> {
    pub guard: &'a mut Guard,
    pub input: Input,
    /// Where the body's copy for `$EDITOR` is written.
    pub scratch_dir: std::path::PathBuf,
}

impl Host for TerminalHost<'_> {
    type Backend = CrosstermBackend<Stdout>;

    fn terminal(&mut self) -> &mut Terminal<Self::Backend> {
        &mut self.guard.terminal
    }

    fn copy(&mut self, text: &str) -> Result<(), CopyError> {
        self.guard
            .copy_osc52(text)
            .map_err(|e| CopyError::Terminal(e.to_string()))
    }

    fn edit(&mut self, body: &[u8]) -> Result<Vec<u8>, EditorError> {
        edit_in_editor(self.guard, &self.input, &self.scratch_dir, body)
    }
}

/// A headless terminal for tests and benchmarks: draws on a `TestBackend`, keeps what was
/// copied, and answers `$EDITOR` with `edited`.
pub struct TestHost {
    pub terminal: Terminal<TestBackend>,
    pub copied: Vec<String>,
    pub edited: Result<Vec<u8>, EditorError>,
}

impl TestHost {
    pub fn new(width: u16, height: u16) -> TestHost {
        TestHost {
            terminal: Terminal::new(TestBackend::new(width, height))
                .expect("a test backend cannot fail"),
            copied: Vec::new(),
            edited: Err(EditorError::Headless),
        }
    }

    /// The screen as last drawn, as text.
    pub fn screen(&self) -> String {
        self.terminal.backend().to_string()
    }
}

impl Host for TestHost {
    type Backend = TestBackend;

    fn terminal(&mut self) -> &mut Terminal<TestBackend> {
        &mut self.terminal
    }

    fn copy(&mut self, text: &str) -> Result<(), CopyError> {
        self.copied.push(text.to_string());
        Ok(())
    }

    fn edit(&mut self, _body: &[u8]) -> Result<Vec<u8>, EditorError> {
        self.edited.clone()
    }
}

/// Reads terminal events on its own thread. It can be paused so `$EDITOR` gets the keys.
pub struct Input {
    paused: Arc<AtomicBool>,
    parked: Arc<AtomicBool>,
}

impl Input {
    pub fn spawn(tx: Sender<Message>) -> Input {
        let paused = Arc::new(AtomicBool::new(false));
        let parked = Arc::new(AtomicBool::new(false));
        let (p, k) = (paused.clone(), parked.clone());
        std::thread::Builder::new()
            .name("xsign-input".into())
            .spawn(move || {
                loop {
                    if p.load(Ordering::SeqCst) {
                        k.store(true, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(10));
                        continue;
                    }
                    k.store(false, Ordering::SeqCst);
                    match event::poll(Duration::from_millis(50)) {
                        Ok(true) => {}
                        Ok(false) => continue,
                        Err(_) => return,
                    }
                    let msg = match event::read() {
                        Ok(Event::Key(k)) => Message::Key(k),
                        Ok(Event::Paste(s)) => Message::Paste(s),
                        Ok(Event::Mouse(m)) => Message::Mouse(m),
                        Ok(Event::Resize(w, h)) => Message::Resize(w, h),
                        Ok(_) => continue,
                        Err(_) => return,
                    };
                    if tx.send(msg).is_err() {
                        return;
                    }
                }
            })
            .expect("spawning the input thread");
        Input { paused, parked }
    }

    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        for _ in 0..100 {
            if self.parked.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }
}

/// Hands the terminal to [`choose_editor`]'s editor on a private temporary copy of
/// the body, and reads it back byte for byte.
fn edit_in_editor(
    guard: &mut Guard,
    input: &Input,
    dir: &std::path::Path,
    body: &[u8],
) -> Result<Vec<u8>, EditorError> {
    let write = |path: &std::path::Path| {
        crate::atomic_file::ensure_private_dir(dir)?;
        crate::atomic_file::write_atomic(path, body, 0o600)
    };
    let path = dir.join(format!("body-{}.json", std::process::id()));
    write(&path).map_err(|e| EditorError::Write {
        path: path.clone(),
        source: Arc::new(e),
    })?;
    let editor = choose_editor(
        std::env::var("VISUAL").ok().as_deref(),
        std::env::var("EDITOR").ok().as_deref(),
    );
    input.pause();
    let _ = guard.suspend();
    // Through the shell, so EDITOR="code --wait" works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("xsign")
        .arg(&path)
        .status();
    let resumed = guard.resume();
    input.resume();
    let result = match status {
        Ok(s) if s.success() => {
            std::fs::read(&path).map_err(|e| EditorError::ReadBack(Arc::new(e)))
        }
        Ok(s) => Err(EditorError::Exited {
            editor,
            status: s.to_string(),
        }),
        Err(e) => Err(EditorError::Start {
            editor,
            source: Arc::new(e),
        }),
    };
    let _ = std::fs::remove_file(&path);
    resumed.map_err(|e| EditorError::Terminal(Arc::new(e)))?;
    result
}

/// The editor command: `$VISUAL`, else `$EDITOR`, else vi. A variable set but empty (or
/// blank) counts as unset, as in other tools: `VISUAL=` must not run an empty command.
fn choose_editor(visual: Option<&str>, editor: Option<&str>) -> String {
    [visual, editor]
        .into_iter()
        .flatten()
        .find(|v| !v.trim().is_empty())
        .unwrap_or("vi")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::choose_editor;

    #[test]
    fn an_empty_visual_or_editor_is_skipped() {
        assert_eq!(choose_editor(Some("nano"), Some("ed")), "nano");
        assert_eq!(choose_editor(None, Some("code --wait")), "code --wait");
        assert_eq!(choose_editor(Some(""), Some("nano")), "nano");
        assert_eq!(choose_editor(Some("  "), None), "vi");
        assert_eq!(choose_editor(Some(""), Some("")), "vi");
        assert_eq!(choose_editor(None, None), "vi");
    }
}
