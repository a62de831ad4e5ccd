//! `xsign run`'s progress on stderr. On a terminal: one line a step, a spinner and the time
//! so far while it waits (a feed wait can take seconds), rewritten in place with the
//! verdict when it ends. Anywhere else (a CI log, a pipe): plain lines, one as a step
//! starts and one as it ends, with no carriage returns or escape sequences in the log.

use crate::flow::Event;
use crate::scenario::StepReport;
use crate::tui::response::SPINNER;
use std::io::{IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the spinner turns.
const FRAME: Duration = Duration::from_millis(100);

/// The spinner of the step that is waiting: a thread redrawing its line until told to stop.
struct Spinner {
    label: String,
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

pub struct Progress {
    terminal: bool,
    spinner: Option<Spinner>,
}

/// `  [2/8] create fund`: how a step is named while it runs and when it ends.
fn label(index: usize, total: usize, name: &str) -> String {
    format!("  [{}/{total}] {name}", index + 1)
}

/// What a finished step's line ends with: `ok 200 in 12 ms`.
fn verdict(step: &StepReport) -> String {
    let status = step.status.map(|s| format!(" {s}")).unwrap_or_default();
    format!("{}{status} in {} ms", step.verdict(), step.elapsed_ms)
}

/// The line while a step waits, `elapsed_ms` into it.
pub fn spinning(label: &str, elapsed_ms: u64) -> String {
    let frame = SPINNER[(elapsed_ms / FRAME.as_millis() as u64) as usize % SPINNER.len()];
    format!(
        "{label} {frame} {}",
        crate::time::elapsed_ms_text(elapsed_ms)
    )
}

/// Rewrites the terminal's current line with `text` (its control characters shown as
/// stand-ins: a step's name comes from a file).
fn redraw(text: &str) {
    let mut e = std::io::stderr().lock();
    let _ = write!(e, "\r\x1b[2K{}", crate::visible::visible(text));
    let _ = e.flush();
}

impl Default for Progress {
    /// Spinning when stderr is a terminal.
    fn default() -> Progress {
        Progress {
            terminal: std::io::stderr().is_terminal(),
            spinner: None,
        }
    }
}

impl Progress {
    pub fn event(&mut self, e: &Event) {
        match (e, self.terminal) {
            (Event::Started { index, total, name }, false) => {
                errln!("{} ...", label(*index, *total, name));
            }
            (Event::Finished { step, .. }, false) => errln!("        {}", verdict(step)),
            (Event::Started { index, total, name }, true) => {
                self.stop();
                let label = label(*index, *total, name);
                let (stop, rx) = mpsc::channel::<()>();
                let line = label.clone();
                let thread = std::thread::spawn(move || {
                    let started = Instant::now();
                    loop {
                        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                        redraw(&spinning(&line, ms));
                        match rx.recv_timeout(FRAME) {
                            Err(RecvTimeoutError::Timeout) => {}
                            _ => break,
                        }
                    }
                });
                self.spinner = Some(Spinner {
                    label,
                    stop,
                    thread,
                });
            }
            (Event::Finished { index, step }, true) => {
                let label = self
                    .stop()
                    .unwrap_or_else(|| label(*index, *index + 1, &step.name));
                redraw(&format!("{label}  {}", verdict(step)));
                errln!();
            }
        }
    }

    /// Stops the spinner, leaving its line to be rewritten; its label.
    fn stop(&mut self) -> Option<String> {
        let s = self.spinner.take()?;
        drop(s.stop);
        let _ = s.thread.join();
        Some(s.label)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.stop().is_some() {
            errln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spinner_turns_with_time_and_the_verdict_ends_the_line() {
        let l = label(1, 8, "create fund");
        assert_eq!(l, "  [2/8] create fund");
        let frame = |ms| spinning(&l, ms).chars().nth(l.chars().count() + 1).unwrap();
        assert_ne!(frame(0), frame(100));
        assert_eq!(frame(0), frame(99));
        assert!(
            spinning(&l, 1250).ends_with(" 1.2 s"),
            "{}",
            spinning(&l, 1250)
        );
        let mut r = StepReport::new("create fund", "POST /fund".into());
        r.status = Some(200);
        r.elapsed_ms = 12;
        assert_eq!(verdict(&r), "ok 200 in 12 ms");
    }
}
