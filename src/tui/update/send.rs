//! Sending: check, confirm the lint findings, send (or sabotage on purpose), cancel, and
//! the answer.

use crate::tui::app::{App, Confirm, Effect, Focus, Level, Sabotage, SendJob, SendState, Tab};
use crate::tui::keymap::Command;
use crate::tui::lint_view::{self, LintInput};
use crate::tui::response::ResponseState;
use crate::tui::sidebar::StoreOp;
use crate::tui::{target, template};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;

impl App {
    pub(super) fn start_send(&mut self, fx: &mut Vec<Effect>) {
        if self.tab == Tab::Feed {
            self.tab = Tab::Request;
        }
        // The endpoint list would cover the answer: sending is choosing what was typed.
        self.url.completion = None;
        if self.in_flight() {
            self.notify(
                Level::Warn,
                "a request is already in flight: Esc cancels it",
            );
            return;
        }
        let Some((target, body)) = self.rendered_to_send() else {
            return;
        };
        if let Some(problem) = self
            .profile
            .problems
            .first()
            .filter(|_| self.profile.signing)
        {
            self.notify(Level::Error, format!("cannot send: {problem}"));
            return;
        }
        let notes = lint_view::check(&LintInput {
            method: self.method_name(),
            url: &target.typed,
            signed_url: &target.wire,
            body: &body,
            saved_body: self.saved_body.as_deref(),
            now_unix: self.now.unix,
            scheme: self.profile.scheme,
        });
        if lint_view::needs_confirmation(&notes) {
            self.stop_typing();
            self.confirm = Some(Confirm { notes });
            return;
        }
        self.dispatch_send(target.wire, body, None, fx);
    }

    /// The request to send, rendered: the rendering the signature pane shows when nothing
    /// was edited since, else a fresh one. `None` (with the reason shown) when the URL does
    /// not resolve or a variable has no value.
    fn rendered_to_send(&mut self) -> Option<(target::Target, Arc<[u8]>)> {
        let shown = self.sig.rendered.clone().filter(|_| !self.sig.dirty);
        let rendered = match shown {
            Some(r) => r,
            None => {
                match template::render(self.url.text(), self.body.snapshot(), &self.profile.vars) {
                    Ok(r) => r,
                    Err(e) => {
                        self.notify(Level::Error, format!("not sent: {e}"));
                        return None;
                    }
                }
            }
        };
        if rendered.template.is_some() {
            // Rendered afresh for the next send and shown: a second send of a `{{uuid}}`
            // ref must not repeat the first one's.
            self.request_changed();
        }
        match target::resolve(&self.profile.base_url, &rendered.url) {
            Ok(t) => Some((t, rendered.body)),
            Err(e) => {
                self.focus = Focus::Url;
                self.editing = true;
                self.notify(Level::Error, e);
                None
            }
        }
    }

    /// F4: sends the request with a deliberate mistake, to see the 1020 and its explanation.
    pub(super) fn send_sabotaged(&mut self, sabotage: Sabotage, fx: &mut Vec<Effect>) {
        if self.in_flight() {
            self.notify(
                Level::Warn,
                "a request is already in flight: Esc cancels it",
            );
            return;
        }
        if !self.profile.signing {
            self.notify(
                Level::Warn,
                "signing is off for this profile: there is no signature to break",
            );
            return;
        }
        if sabotage == Sabotage::StaleTimestamp
            && self.profile.mode != crate::signing::AuthMode::Timestamp
        {
            self.notify(
                Level::Warn,
                "this profile signs with nonces: a stale timestamp does not apply",
            );
            return;
        }
        if let Some((t, body)) = self.rendered_to_send() {
            self.notify(
                Level::Warn,
                format!(
                    "sending with a mistake on purpose: {}",
                    sabotage.label(self.profile.scheme)
                ),
            );
            self.dispatch_send(t.wire, body, Some(sabotage), fx);
        }
    }

    pub(super) fn dispatch_send(
        &mut self,
        url: String,
        body: Arc<[u8]>,
        sabotage: Option<Sabotage>,
        fx: &mut Vec<Effect>,
    ) {
        let id = self.next_id;
        self.next_id += 1;
        let method = self.method_name().to_string();
        self.send = SendState::InFlight {
            id,
            started_ms: self.now.mono_ms,
            method: method.clone(),
            url: url.clone(),
        };
        fx.push(Effect::Send(SendJob {
            id,
            method,
            url,
            body,
            sabotage,
            source: self
                .current
                .as_ref()
                .map(|c| format!("{}/{}", c.collection, c.request.name)),
        }));
    }

    pub(super) fn on_confirm_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        match key.code {
            KeyCode::Esc => {
                self.confirm = None;
                let text = format!(
                    "not sent: fix the body, or {} and Enter to send anyway",
                    self.keymap.name(Command::Send)
                );
                self.notify(Level::Info, text);
            }
            KeyCode::Enter => {
                self.confirm = None;
                if let Some((t, body)) = self.rendered_to_send() {
                    self.dispatch_send(t.wire, body, None, fx)
                }
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.confirm = None;
            }
            KeyCode::Char(c) => {
                let Some(confirm) = &self.confirm else { return };
                let Some(fix) = confirm
                    .notes
                    .iter()
                    .filter_map(|n| n.fix.as_ref())
                    .find(|f| f.key == c)
                    .cloned()
                else {
                    return;
                };
                let undo = if fix.fix.applies_to_body() {
                    let fixed = fix.fix.apply(&self.body.to_bytes());
                    match String::from_utf8(fixed) {
                        Ok(text) => self.body.set_text(&text),
                        Err(_) => {
                            self.notify(Level::Error, "the fix did not give UTF-8 text");
                            return;
                        }
                    }
                    "Ctrl-Z in the body undoes".to_string()
                } else {
                    // A path stays a path: the base URL (the demo's port) is not written in.
                    let before = self.url.text().to_string();
                    match target::wire_field(&self.profile.base_url, &before) {
                        Some(url) => self.url.set(&url),
                        None => {
                            self.notify(
                                Level::Warn,
                                "this URL leaves the base URL when sent: type it as the \
                                 signature pane shows it",
                            );
                            return;
                        }
                    }
                    format!("the URL field held {before}")
                };
                self.request_changed();
                self.recheck_confirm(fix.label, &undo);
            }
            _ => {}
        }
    }

    /// After a one-key fix: the confirmation stays only while warnings remain. `undo` says
    /// how to go back, and only what is true for that fix.
    pub(super) fn recheck_confirm(&mut self, done: &str, undo: &str) {
        // Checked as it will be sent: rendered, or as typed when a variable is missing.
        let (url, body) =
            match template::render(self.url.text(), self.body.snapshot(), &self.profile.vars) {
                Ok(r) => (r.url, r.body),
                Err(_) => (self.url.text().to_string(), self.body.snapshot()),
            };
        let Ok(t) = target::resolve(&self.profile.base_url, &url) else {
            self.confirm = None;
            return;
        };
        let notes = lint_view::check(&LintInput {
            method: self.method_name(),
            url: &t.typed,
            signed_url: &t.wire,
            body: &body,
            saved_body: self.saved_body.as_deref(),
            now_unix: self.now.unix,
            scheme: self.profile.scheme,
        });
        if lint_view::needs_confirmation(&notes) {
            self.confirm = Some(Confirm { notes });
            self.notify(Level::Ok, format!("{done}: done ({undo})"));
        } else {
            self.confirm = None;
            self.notify(
                Level::Ok,
                format!(
                    "{done}: no warnings left. {} sends ({undo})",
                    self.keymap.name(Command::Send)
                ),
            );
        }
    }

    pub(super) fn cancel_send(&mut self, fx: &mut Vec<Effect>) {
        if let SendState::InFlight { id, .. } = self.send {
            fx.push(Effect::CancelSend(id));
            self.send = SendState::Idle;
            self.notify(Level::Warn, "request cancelled: nothing was received");
        }
    }

    /// After a send the history has one more entry: reload the library, but only while it
    /// is on screen (F6 loads it again when it is shown).
    pub(super) fn on_sent_reload(&mut self, fx: &mut Vec<Effect>) {
        if self.library.visible {
            fx.push(Effect::Store(StoreOp::Load));
        }
    }

    pub(super) fn on_sent(
        &mut self,
        id: u64,
        result: Result<Box<crate::tui::response::ResponseView>, crate::tui::app::SendFailure>,
    ) {
        match &self.send {
            SendState::InFlight { id: current, .. } if *current == id => {}
            _ => return, // cancelled or superseded
        }
        self.send = SendState::Idle;
        if let Ok(view) = &result
            && let Some(token) = view.token
        {
            // The signature pane's token line follows what the send left cached.
            self.profile.token = token;
        }
        match result {
            Ok(view) => {
                let text = if view.inspector.is_some() {
                    format!(
                        "{} {}: signature refused. The inspector (response pane) explains why",
                        view.status, view.reason
                    )
                } else if let Some(hint) = conflict_hint(&view, self.profile.name == "demo") {
                    format!("{} {}: {hint}", view.status, view.reason)
                } else {
                    format!("{} {}", view.status, view.reason)
                };
                let level = if (200..300).contains(&view.status) {
                    Level::Ok
                } else {
                    Level::Warn
                };
                self.response.set(ResponseState::Received(view));
                self.notify(level, text);
            }
            Err(failure) => {
                self.notify(Level::Error, failure.message.clone());
                self.response.set(ResponseState::Failed {
                    message: failure.message,
                    sent: failure.sent,
                });
            }
        }
    }
}

/// The next step after a 409 over a `ref` (a company's own reference, unique per API key):
/// the demo's mock keeps its companies from one run to the next, so a second run of the
/// same steps meets the first run's `ref`.
fn conflict_hint(view: &crate::tui::response::ResponseView, demo: bool) -> Option<String> {
    if view.status != 409 {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&view.body).ok()?;
    let reason = json["detail"]["reason"].as_str()?;
    // Short enough for the status line at 80 columns; the body shows the whole reason.
    reason.contains("ref").then(|| {
        if demo {
            r#"edit "ref" in the body (or xsign demo --reset)"#.to_string()
        } else {
            r#"this "ref" is already used: edit "ref" in the body"#.to_string()
        }
    })
}
