//! `update`: the only place the state changes. Pure: it returns `Effect`s for the runtime
//! instead of doing I/O, so every message is unit-tested without a terminal. One file per
//! concern: keys, the panes' own keys, send, library, input (paste, mouse, $EDITOR), feed.

mod feed;
mod input;
mod keys;
mod library;
mod panes;
mod scenario;
mod send;

use super::app::{App, Effect, Level, Message, SendState};
use super::layout::{self, Panes};
use super::onboarding::OnboardMessage;
use super::sign_worker::SignJob;
use super::{target, template};
use ratatui::layout::Rect;

impl App {
    /// Applies one message; returns what the runtime must do.
    pub fn update(&mut self, msg: Message) -> Vec<Effect> {
        let mut fx = Vec::new();
        match msg {
            Message::Key(key) => self.on_key(key, &mut fx),
            Message::Paste(text) => self.on_paste(&text, &mut fx),
            Message::Mouse(m) => self.on_mouse(m),
            Message::Resize(w, h) => self.size = (w, h),
            Message::Tick(now) => {
                self.now = now;
                let until = self.notice.as_ref().and_then(|n| n.until_ms);
                if until.is_some_and(|t| t <= now.mono_ms) {
                    self.notice = None;
                }
                // A timestamp is only accepted for a short while: on any activity, re-sign a
                // stale one so the pane shows what a send would carry now.
                let signed_at = self.sig.latest.as_ref().and_then(|o| o.value);
                if matches!(signed_at, Some(crate::signing::AuthValue::Timestamp(t)) if t != now.unix)
                {
                    self.request_changed();
                }
            }
            Message::Signed(mut outcome) => {
                if self.sig.pending == Some(outcome.seq) {
                    self.sig.pending = None;
                }
                // Until this body's lint arrives, the last findings stay rather than the
                // list flickering empty for a frame.
                if outcome.lint_pending
                    && let Some(last) = &self.sig.latest
                {
                    outcome.findings.clone_from(&last.findings);
                }
                self.sig.latest = Some(outcome);
            }
            Message::Linted { seq, findings } => {
                if let Some(o) = self.sig.latest.as_mut().filter(|o| o.seq == seq) {
                    o.findings = findings;
                    o.lint_pending = false;
                }
            }
            Message::Sent { id, result } => {
                let ours =
                    matches!(&self.send, SendState::InFlight { id: current, .. } if *current == id);
                self.on_sent(id, result);
                if ours {
                    self.on_sent_reload(&mut fx);
                }
            }
            Message::Copied {
                what,
                chars,
                result,
            } => match result {
                Ok(()) => self.notify_briefly(Level::Ok, format!("copied {what} ({chars} chars)")),
                Err(e) => self.notify(Level::Error, format!("could not copy {what}: {e}")),
            },
            Message::EditorClosed(result) => self.on_editor_closed(result),
            Message::Feed(m) => self.on_feed_message(m),
            Message::Library(m) => self.on_library(m, &mut fx),
            Message::Profiles(items) => {
                if let Some(p) = &mut self.picker {
                    p.selected = items
                        .iter()
                        .position(|i| i.name == self.profile.name)
                        .unwrap_or(0);
                    p.items = items;
                    p.loading = false;
                }
            }
            Message::ProfileSwitched(result) => match result {
                Ok(switched) => {
                    let view = switched.view;
                    let text = match view.problems.first() {
                        Some(p) => format!("profile {}: {p}", view.name),
                        None => format!("profile {} ({})", view.name, view.base_url),
                    };
                    let level = if view.problems.is_empty() {
                        Level::Ok
                    } else {
                        Level::Error
                    };
                    self.feed.set_scheme(view.scheme);
                    self.profile = view;
                    self.request_changed();
                    self.notify(level, text);
                }
                Err(e) => self.notify(Level::Error, e.to_string()),
            },
            Message::Onboard(m) => {
                if let Some(o) = &mut self.onboarding {
                    o.apply(&m);
                }
                if let OnboardMessage::Ready { profile, note } = m {
                    self.onboarding = None;
                    fx.push(Effect::SwitchProfile(profile));
                    let text = format!(
                        "{note} ({} switches profiles)",
                        self.keymap.name(crate::tui::keymap::Command::Profiles)
                    );
                    self.notify(Level::Ok, text);
                }
            }
            Message::CurlImported(result) => self.on_curl_imported(result),
            Message::Scenario(m) => self.on_scenario_message(m),
            Message::Inspected(result) => self.on_inspected(result),
            Message::Signal(sig) => {
                self.next = Some(super::app::Next::Signalled(sig));
                self.quit(&mut fx);
            }
        }
        self.sync_view();
        if let Some(job) = self.sign_job() {
            fx.push(Effect::Sign(job));
        }
        fx
    }

    pub fn panes(&self) -> Panes {
        layout::compute(Rect::new(0, 0, self.size.0, self.size.1), self)
    }

    /// The URL, method or body changed: the signature must follow.
    pub fn request_changed(&mut self) {
        self.sig.dirty = true;
    }

    /// A snapshot to sign, when the signature is stale and the worker is free. Edits made
    /// while a job is out are coalesced into the next one.
    fn sign_job(&mut self) -> Option<SignJob> {
        if !self.sig.dirty || self.sig.pending.is_some() {
            return None;
        }
        self.sig.dirty = false;
        self.sig.seq += 1;
        self.sig.pending = Some(self.sig.seq);
        // Rendered once per edit: the pane signs what a send sends. A missing variable
        // leaves the request as typed, where the lint's `unrendered` finding names it.
        let raw = self.body.snapshot();
        self.sig.rendered = template::render(self.url.text(), raw.clone(), &self.profile.vars).ok();
        let (url, body) = match &self.sig.rendered {
            Some(r) => (r.url.clone(), r.body.clone()),
            None => (self.url.text().to_string(), raw),
        };
        Some(SignJob {
            seq: self.sig.seq,
            method: self.method_name().to_string(),
            url: target::resolve(&self.profile.base_url, &url),
            body,
            saved_body: self.saved_body.clone(),
        })
    }

    fn sync_view(&mut self) {
        let p = self.panes();
        self.body
            .scroll_to_cursor(p.body_inner.height as usize, p.body_inner.width as usize);
        self.url.scroll_to_cursor(p.url_inner.width as usize);
    }
}
