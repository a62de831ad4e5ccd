//! The runtime: the effects `update` asks for (signing on the worker thread, HTTP and feeds
//! in tokio tasks, store work), the event loop (`event_loop.rs`, generic over the terminal
//! backend and fed by one FIFO of messages), and the terminal host (`host.rs`: clipboard,
//! `$EDITOR`, the input thread), and `signals.rs` (outside signals end the loop cleanly).

mod event_loop;
mod history_watch;
mod host;
pub mod signals;

pub use event_loop::{Loop, run_loop};
pub use host::{Host, Input, TerminalHost, TestHost};

use super::app::{Effect, Message, ProfileError, SwitchedProfile};
use super::clock::SharedClock;
use super::errors::{DecideFailure, FeedFailure};
use super::feed_tab::{FeedCommand, FeedMessage};
use super::net;
use super::session::Session;
use super::sign_worker::{SignReport, SignWorker};
use super::store_io;
use super::stores::Stores;
use crate::feed::{self, FeedAuth, FeedConfig, FeedStop, FeedTarget};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

/// Everything that performs effects.
pub struct Runtime {
    pub session: Arc<Session>,
    /// The files the workbench reads and writes, given at start.
    pub stores: Stores,
    pub clock: SharedClock,
    pub tx: Sender<Message>,
    pub rt: tokio::runtime::Handle,
    worker: SignWorker,
    /// The client for the settings it was built with: rebuilt when a profile with other
    /// HTTP settings becomes active.
    client: Option<(crate::store::profile::HttpSettings, reqwest::Client)>,
    sends: HashMap<u64, tokio::task::AbortHandle>,
    feeds: HashMap<u64, FeedStop>,
    /// The profile the workbench opened with, when it was made for this run rather than
    /// read from the config (`Launch::pinned`).
    pub launch_profile: Option<crate::store::Profile>,
    history_watch: Option<tokio::task::AbortHandle>,
    /// The scenario run going on, by its id.
    scenario_run: Option<(u64, tokio::task::AbortHandle)>,
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(w) = self.history_watch.take() {
            w.abort();
        }
        if let Some((_, r)) = self.scenario_run.take() {
            r.abort();
        }
    }
}

impl Runtime {
    pub fn new(
        session: Arc<Session>,
        rt: tokio::runtime::Handle,
        tx: Sender<Message>,
        stores: Stores,
    ) -> Self {
        let worker_tx = tx.clone();
        let worker = SignWorker::spawn(move |r| {
            let _ = worker_tx.send(match r {
                SignReport::Signed(o) => Message::Signed(o),
                SignReport::Linted { seq, findings } => Message::Linted { seq, findings },
            });
        });
        Runtime {
            stores,
            clock: session.clock.clone(),
            session,
            tx,
            rt,
            worker,
            client: None,
            sends: HashMap::new(),
            feeds: HashMap::new(),
            launch_profile: None,
            history_watch: None,
            scenario_run: None,
        }
    }

    /// Makes the history list follow what other processes record (the signing proxy's
    /// exchanges appear as they happen). Stops with the runtime.
    pub fn follow_history(&mut self) {
        if self.history_watch.is_none() {
            self.history_watch = Some(history_watch::spawn(
                &self.rt,
                self.stores.clone(),
                self.tx.clone(),
            ));
        }
    }

    fn client(&mut self) -> Result<reqwest::Client, String> {
        let settings = &self.session.http;
        if let Some((built_for, c)) = &self.client
            && built_for == settings
        {
            return Ok(c.clone());
        }
        let view = &self.session.view;
        let c = crate::http::client_for(settings, &view.name, &view.base_url)
            .map_err(|e| format!("{e} (profile `{}`)", view.name))?;
        self.client = Some((settings.clone(), c.clone()));
        Ok(c)
    }

    /// Performs one effect. The two that need the terminal (clipboard, `$EDITOR`) are the
    /// host's: the event loop hands them there, and they are ignored here.
    pub fn perform(&mut self, effect: Effect) -> Vec<Message> {
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
            // The host's (clipboard, $EDITOR), and quitting is the loop's.
            Effect::Copy { .. } | Effect::OpenEditor(_) | Effect::Quit => {}
            Effect::Feed(cmd) => back.extend(self.feed(cmd)),
            // File work (and the RSA verify of an inspection) runs off the UI thread and
            // answers with a message, like the network.
            Effect::Store(op) => {
                let stores = self.stores.clone();
                self.blocking(move || store_io::perform(&stores, op));
            }
            Effect::RunScenario { id, source } => match self.client() {
                Ok(client) => {
                    if let Some((_, old)) = self.scenario_run.take() {
                        old.abort();
                    }
                    let (session, tx) = (self.session.clone(), self.tx.clone());
                    let handle = self
                        .rt
                        .spawn(super::scenario_run::run(session, client, id, source, tx));
                    self.scenario_run = Some((id, handle.abort_handle()));
                }
                Err(error) => back.push(Message::Scenario(
                    super::scenario_pane::ScenarioMessage::Failed { run: id, error },
                )),
            },
            Effect::StopScenario(id) => {
                if let Some((run, h)) = self.scenario_run.take() {
                    if run == id {
                        h.abort();
                    } else {
                        self.scenario_run = Some((run, h));
                    }
                }
            }
            Effect::InspectHistoryId(id) => {
                let (session, config, history) = (
                    self.session.clone(),
                    self.stores.config.clone(),
                    self.stores.history.clone(),
                );
                self.blocking(move || store_io::inspect_id(&session, &config, &history, id));
            }
            Effect::InspectHistory(entry) => {
                let (session, config) = (self.session.clone(), self.stores.config.clone());
                self.blocking(move || store_io::inspect(&session, &config, &entry));
            }
            Effect::LoadProfiles => {
                let config = self.stores.config.clone();
                self.blocking(move || store_io::profiles(&config));
            }
            Effect::SwitchProfile(name) => {
                let (launch, stores, clock) = (
                    self.launch_profile.clone(),
                    self.stores.clone(),
                    self.clock.clone(),
                );
                self.blocking(move || switch_profile(launch, &stores, clock, &name));
            }
            Effect::Onboard(op) => {
                let stores = self.stores.clone();
                self.blocking(move || Message::Onboard(store_io::onboard(&stores, op)));
            }
            Effect::ImportCurl(text) => {
                let cwd = std::env::current_dir().unwrap_or_default();
                self.blocking(move || {
                    Message::CurlImported(
                        crate::store::import::parse_curl(&text, &cwd)
                            .map(Box::new)
                            .map_err(Arc::new),
                    )
                });
            }
        }
        back
    }

    /// Runs `job` on tokio's blocking pool; its message joins the loop's input.
    fn blocking(&self, job: impl FnOnce() -> Message + Send + 'static) {
        let tx = self.tx.clone();
        self.rt.spawn_blocking(move || {
            let _ = tx.send(job());
        });
    }

    /// Takes in what a message hands to the runtime before `update` sees it: the session of
    /// a profile switched to off the UI thread.
    pub fn accept(&mut self, msg: &Message) {
        if let Message::ProfileSwitched(Ok(switched)) = msg {
            self.feeds.clear();
            self.session = switched.session.clone();
        }
    }

    fn feed(&mut self, cmd: FeedCommand) -> Option<Message> {
        match cmd {
            FeedCommand::Connect { id, feed } => {
                let failed =
                    |error: FeedFailure| Some(Message::Feed(FeedMessage::Failed { id, error }));
                let (Some(signer), Some(api_key)) =
                    (self.session.request_signer(), self.session.api_key.clone())
                else {
                    return failed(FeedFailure::Unsigned {
                        problem: self.session.view.problems.first().cloned(),
                    });
                };
                let target = match FeedTarget::for_feed(&self.session.view.base_url, &feed) {
                    Ok(t) => t,
                    Err(e) => return failed(e.into()),
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
                line,
                approve,
            } => {
                let client = match self.client() {
                    Ok(c) => c,
                    Err(e) => {
                        return Some(Message::Feed(FeedMessage::ActionDone {
                            action_id,
                            line,
                            approve,
                            result: Err(DecideFailure::NotSent(e)),
                        }));
                    }
                };
                let (session, tx) = (self.session.clone(), self.tx.clone());
                self.rt.spawn(async move {
                    let _ = tx.send(
                        net::decide(session, client, client_id, action_id, line, approve).await,
                    );
                });
                None
            }
        }
    }
}

pub fn channel() -> (Sender<Message>, Receiver<Message>) {
    mpsc::channel()
}

/// Loads another profile (its key and API key files) as the config has it now. A profile
/// made for this run (the demo's, pointing at its mock) is used as it was.
fn switch_profile(
    launch: Option<crate::store::Profile>,
    stores: &Stores,
    clock: SharedClock,
    name: &str,
) -> Message {
    let profile = match launch {
        Some(p) if p.name == name => Some(p),
        _ => stores
            .config
            .load()
            .ok()
            .and_then(|l| l.value.profile(name)),
    };
    let profile = profile.or_else(|| {
        (name == super::onboarding::PROFILE).then(|| {
            crate::store::profile::builtin_profiles()
                .into_iter()
                .find(|p| p.name == name)
        })?
    });
    let Some(profile) = profile else {
        return Message::ProfileSwitched(Err(ProfileError::NotFound(name.to_string())));
    };
    // In the workbench, an encrypted key cannot be asked for: say how instead.
    let session = Session::from_profile_quiet(&profile, clock, stores);
    Message::ProfileSwitched(Ok(Box::new(SwitchedProfile {
        view: session.view.clone(),
        session: Arc::new(session),
    })))
}
