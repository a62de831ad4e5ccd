//! The event loop: take what is waiting, update, perform the effects, draw once. One FIFO
//! of `Message`s feeds it (terminal events from the input thread, answers from the tasks),
//! and it is generic over the host, so tests run this very loop on a `TestBackend`.

use super::Runtime;
use super::host::Host;
use crate::tui::app::{App, Effect, Message};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// While something moves on screen (a request in flight, a scenario running), redraw
/// this often.
const TICK: Duration = Duration::from_millis(100);

/// At most this many waiting messages are taken per turn, so a huge paste still draws.
const BATCH: usize = 512;

/// The loop's own state between turns: what is queued for `update`.
pub struct Loop {
    queue: Vec<Message>,
}

impl Loop {
    /// A loop whose first turn signs the request before any key.
    pub fn new(runtime: &Runtime) -> Loop {
        Loop {
            queue: vec![Message::Tick(runtime.clock.now())],
        }
    }

    /// One turn. With nothing queued, waits for a message: up to `wait` when given (and
    /// never longer than a tick while a request is in flight), else until one comes. Then
    /// applies it and all that is waiting, performs the effects, and draws once. Returns
    /// false when the user quit or the input ended.
    pub fn step<H: Host>(
        &mut self,
        host: &mut H,
        app: &mut App,
        runtime: &mut Runtime,
        rx: &Receiver<Message>,
        wait: Option<Duration>,
    ) -> std::io::Result<bool> {
        if self.queue.is_empty() {
            let wait = match (app.animating(), wait) {
                (true, Some(w)) => Some(w.min(TICK)),
                (true, None) => Some(TICK),
                (false, w) => w,
            };
            // A brief notice goes by itself: wake then to draw the screen without it.
            let wait = match (wait, app.notice_expires_in(runtime.clock.now().mono_ms)) {
                (Some(w), Some(e)) => Some(w.min(e)),
                (w, e) => w.or(e),
            };
            let first = match wait {
                Some(w) => match rx.recv_timeout(w) {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return Ok(false),
                },
                None => match rx.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return Ok(false),
                },
            };
            self.queue.push(Message::Tick(runtime.clock.now()));
            self.queue.extend(first);
            // Take what is waiting, so a burst of keys or a paste is drawn once.
            while self.queue.len() < BATCH {
                match rx.try_recv() {
                    Ok(m) => self.queue.push(m),
                    Err(_) => break,
                }
            }
        }
        while !self.queue.is_empty() {
            for msg in std::mem::take(&mut self.queue) {
                runtime.accept(&msg);
                for effect in app.update(msg) {
                    let back = match effect {
                        Effect::Copy { what, text } => vec![Message::Copied {
                            result: host.copy(&text),
                            chars: text.chars().count(),
                            what,
                        }],
                        Effect::OpenEditor(bytes) => vec![Message::EditorClosed(host.edit(&bytes))],
                        other => runtime.perform(other),
                    };
                    self.queue.extend(back);
                }
            }
        }
        if app.quit {
            return Ok(false);
        }
        host.terminal()
            .draw(|f| f.render_widget(&*app, f.area()))
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(true)
    }
}

/// Runs the workbench until the user quits or the input ends.
pub fn run_loop<H: Host>(
    host: &mut H,
    app: &mut App,
    runtime: &mut Runtime,
    rx: &Receiver<Message>,
) -> std::io::Result<()> {
    let mut turns = Loop::new(runtime);
    while turns.step(host, app, runtime, rx, None)? {}
    Ok(())
}
