//! The event loop: drain messages, update, draw once; and the effects `update` asks for
//! (signing on the worker thread, HTTP and feeds in tokio tasks, clipboard, `$EDITOR`).

use super::app::{App, Effect, Message};
use super::clock::SharedClock;
use super::feed_tab::{FeedCommand, FeedMessage};
use super::net;
use super::session::Session;
use super::sign_worker::SignWorker;
use super::store_io;
use super::terminal::Guard;
use crate::feed::{self, FeedAuth, FeedConfig, FeedStop, FeedTarget};
use crossterm::event::{self, Event};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

/// While something moves on screen (a request in flight), redraw this often.
const TICK: Duration = Duration::from_millis(100);

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

    fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        for _ in 0..100 {
            if self.parked.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }
}

/// Everything that performs effects.
pub struct Runtime {
    pub session: Arc<Session>,
    pub clock: SharedClock,
    pub tx: Sender<Message>,
    pub rt: tokio::runtime::Handle,
    worker: SignWorker,
    client: Option<reqwest::Client>,
    sends: HashMap<u64, tokio::task::AbortHandle>,
    feeds: HashMap<u64, FeedStop>,
    /// The profile the workbench opened with.
    pub launch_profile: Option<crate::store::Profile>,
}

impl Runtime {
    pub fn new(session: Arc<Session>, rt: tokio::runtime::Handle, tx: Sender<Message>) -> Self {
        let worker_tx = tx.clone();
        let worker = SignWorker::spawn(move |o| {
            let _ = worker_tx.send(Message::Signed(o));
        });
        Runtime {
            clock: session.clock.clone(),
            session,
            tx,
            rt,
            worker,
            client: None,
            sends: HashMap::new(),
            feeds: HashMap::new(),
            launch_profile: None,
        }
    }

    fn client(&mut self) -> Result<reqwest::Client, String> {
        if let Some(c) = &self.client {
            return Ok(c.clone());
        }
        let c = crate::http::client().map_err(|e| e.to_string())?;
        self.client = Some(c.clone());
        Ok(c)
    }

    /// Performs one effect. Effects that need the terminal get it through `term`.
    pub fn perform(&mut self, effect: Effect, term: Option<(&mut Guard, &Input)>) -> Vec<Message> {
        let mut back = Vec::new();
        match effect {
            Effect::Sign(job) => self.worker.submit(self.session.clone(), job),
            Effect::Send(job) => {
                let id = job.id;
                match self.client() {
                    Ok(client) => {
                        let (session, tx) = (self.session.clone(), self.tx.clone());
                        let handle = self.rt.spawn(async move {
                            let _ = tx.send(net::send(session, client, job).await);
                        });
                        self.sends.retain(|_, h| !h.is_finished());
                        self.sends.insert(id, handle.abort_handle());
                    }
                    Err(message) => back.push(Message::Sent {
                        id,
                        result: Err(super::app::SendFailure {
                            message,
                            sent: None,
                        }),
                    }),
                }
            }
            Effect::CancelSend(id) => {
                if let Some(h) = self.sends.remove(&id) {
                    h.abort();
                }
            }
            Effect::Copy { text, .. } => {
                if let Some((guard, _)) = term {
                    let _ = guard.copy_osc52(&text);
                }
            }
            Effect::OpenEditor(bytes) => {
                if let Some((guard, input)) = term {
                    back.push(Message::EditorClosed(edit_in_editor(guard, input, &bytes)));
                }
            }
            Effect::Feed(cmd) => back.extend(self.feed(cmd)),
            Effect::Store(op) => back.push(store_io::perform(op)),
            Effect::InspectHistory(entry) => back.push(store_io::inspect(&self.session, &entry)),
            Effect::LoadProfiles => back.push(store_io::profiles()),
            Effect::SwitchProfile(name) => back.push(self.switch_profile(&name)),
            Effect::Onboard(op) => {
                let tx = self.tx.clone();
                // Key generation takes a moment: off the loop, like the network.
                self.rt.spawn_blocking(move || {
                    let _ = tx.send(Message::Onboard(store_io::onboard(op)));
                });
            }
            Effect::ImportCurl(text) => {
                let cwd = std::env::current_dir().unwrap_or_default();
                back.push(Message::CurlImported(
                    crate::store::import::parse_curl(&text, &cwd)
                        .map(Box::new)
                        .map_err(|e| e.to_string()),
                ));
            }
            Effect::Quit => {}
        }
        back
    }

    /// Loads another profile. The one the workbench opened with (the demo's, pointing at
    /// the mock) is used as it was, not re-read from the config.
    fn switch_profile(&mut self, name: &str) -> Message {
        let profile = if self.launch_profile.as_ref().is_some_and(|p| p.name == name) {
            self.launch_profile.clone()
        } else {
            crate::store::ConfigStore::open_default()
                .load()
                .ok()
                .and_then(|l| l.value.profile(name))
        };
        let profile = profile.or_else(|| {
            (name == super::onboarding::PROFILE).then(|| {
                crate::store::profile::builtin_profiles()
                    .into_iter()
                    .find(|p| p.name == name)
            })?
        });
        let Some(profile) = profile else {
            return Message::ProfileSwitched(Err(format!("no profile named {name}")));
        };
        // In the workbench, an encrypted key cannot be asked for: say how instead.
        let session = Session::from_profile_quiet(&profile, self.clock.clone());
        let view = session.view.clone();
        self.feeds.clear();
        self.session = Arc::new(session);
        Message::ProfileSwitched(Ok(view))
    }

    fn feed(&mut self, cmd: FeedCommand) -> Option<Message> {
        match cmd {
            FeedCommand::Connect { id, feed } => {
                let failed =
                    |message: String| Some(Message::Feed(FeedMessage::Failed { id, message }));
                let (Some(signer), Some(api_key)) =
                    (self.session.signer.clone(), self.session.api_key.clone())
                else {
                    let why = self.session.view.problems.first().cloned();
                    return failed(why.unwrap_or_else(|| {
                        "feeds are signed: the profile needs a key and an API key".into()
                    }));
                };
                let target = match FeedTarget::for_feed(&self.session.view.base_url, &feed) {
                    Ok(t) => t,
                    Err(e) => return failed(e.to_string()),
                };
                let auth = match self.session.view.mode {
                    crate::signing::AuthMode::Timestamp => FeedAuth::timestamp(signer, api_key),
                    crate::signing::AuthMode::Nonce => {
                        FeedAuth::nonce(signer, api_key, self.session.nonces.clone())
                    }
                };
                let (tx, clock) = (self.tx.clone(), self.clock.clone());
                let _enter = self.rt.enter();
                let stop = feed::spawn(FeedConfig::new(target, auth), move |event| {
                    tx.send(Message::Feed(net::feed_message(id, event, clock.now())))
                        .is_ok()
                });
                self.feeds.insert(id, stop);
                None
            }
            FeedCommand::Disconnect { id } => {
                self.feeds.remove(&id);
                None
            }
            FeedCommand::Decide {
                client_id,
                action_id,
                approve,
            } => {
                let client = match self.client() {
                    Ok(c) => c,
                    Err(e) => {
                        return Some(Message::Feed(FeedMessage::ActionDone {
                            action_id,
                            approve,
                            result: Err(e),
                        }));
                    }
                };
                let (session, tx) = (self.session.clone(), self.tx.clone());
                self.rt.spawn(async move {
                    let _ =
                        tx.send(net::decide(session, client, client_id, action_id, approve).await);
                });
                None
            }
        }
    }
}

/// Hands the terminal to `$VISUAL`/`$EDITOR` (vi by default) on a private temporary copy of
/// the body, and reads it back byte for byte.
fn edit_in_editor(guard: &mut Guard, input: &Input, body: &[u8]) -> Result<Vec<u8>, String> {
    let dir = crate::paths::data_dir().join("tmp");
    crate::atomic_file::ensure_private_dir(&dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(format!("body-{}.json", std::process::id()));
    crate::atomic_file::write_atomic(&path, body, 0o600)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_string());
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
            std::fs::read(&path).map_err(|e| format!("cannot read the edited body back: {e}"))
        }
        Ok(s) => Err(format!(
            "{editor} exited with {s}: the body was left as it was"
        )),
        Err(e) => Err(format!(
            "cannot start {editor}: {e}. Set $EDITOR to your editor"
        )),
    };
    let _ = std::fs::remove_file(&path);
    resumed.map_err(|e| format!("cannot take the terminal back: {e}"))?;
    result
}

/// Runs the workbench until the user quits.
pub fn run_loop(
    guard: &mut Guard,
    app: &mut App,
    runtime: &mut Runtime,
    rx: Receiver<Message>,
) -> std::io::Result<()> {
    let input = Input::spawn(runtime.tx.clone());
    let mut queue: Vec<Message> = Vec::new();
    // The first signature, before any key.
    queue.push(Message::Tick(runtime.clock.now()));
    loop {
        for msg in std::mem::take(&mut queue) {
            for effect in app.update(msg) {
                let back = runtime.perform(effect, Some((guard, &input)));
                queue.extend(back);
            }
        }
        if !queue.is_empty() {
            continue;
        }
        if app.quit {
            return Ok(());
        }
        guard.terminal.draw(|f| f.render_widget(&*app, f.area()))?;
        let first = if app.in_flight() {
            match rx.recv_timeout(TICK) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        } else {
            match rx.recv() {
                Ok(m) => Some(m),
                Err(_) => return Ok(()),
            }
        };
        queue.push(Message::Tick(runtime.clock.now()));
        queue.extend(first);
        // Drain what is waiting, so a burst of keys or a paste is drawn once.
        while queue.len() < 512 {
            match rx.try_recv() {
                Ok(m) => queue.push(m),
                Err(_) => break,
            }
        }
    }
}

pub fn channel() -> (Sender<Message>, Receiver<Message>) {
    mpsc::channel()
}
