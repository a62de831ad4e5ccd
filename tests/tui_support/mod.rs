//! Shared by the TUI tests: a deterministic session (fixture key, fixed clock) and a driver
//! that runs `update`, signs inline, and renders with `TestBackend`.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use xsign::signing::{AuthMode, AuthValue, PrivateKey};
use xsign::tui::app::{App, Effect, Message};
use xsign::tui::clock::{FixedClock, Moment};
use xsign::tui::response::SentRequest;
use xsign::tui::session::Session;
use xsign::tui::sign_worker;
use xsign::tui::stores::Stores;

/// The guide's example timestamp: every render under test shows it.
pub const T0: i64 = 1639490495;
pub const BASE: &str = "http://127.0.0.1:8001/api/v1/p";
pub const API_KEY: &str = "test-api-key-0123456789";

/// What a `POST /company` with a body of `body_len` bytes, signed at `T0`, sent.
pub fn sent_post_company(body_len: usize) -> SentRequest {
    SentRequest {
        method: "POST".into(),
        url: format!("{BASE}/company"),
        value: Some(AuthValue::Timestamp(T0)),
        hash_hex: None,
        x_sign: None,
        body_len,
    }
}

pub fn fixture_key() -> PrivateKey {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/test-rsa2048.pkcs1.pem");
    PrivateKey::from_file(&p).expect("fixture key")
}

/// This test binary's private config and data dirs (a temp dir): stores are injected,
/// no test changes the process environment.
pub fn private_dirs() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temp dir"))
        .path()
}

/// The stores of `private_dirs()`, as the workbench is given them.
pub fn stores() -> Stores {
    let dir = private_dirs();
    Stores::in_dirs(&dir.join("config"), &dir.join("data"))
}

pub fn session(base_url: &str) -> Session {
    Session::for_key(
        "demo",
        base_url,
        fixture_key(),
        API_KEY,
        AuthMode::Timestamp,
        FixedClock::shared(T0),
        &stores(),
    )
}

pub struct Driver {
    pub app: App,
    pub session: Arc<Session>,
    /// Effects other than signing, in order.
    pub effects: Vec<Effect>,
}

impl Driver {
    pub fn new(w: u16, h: u16) -> Driver {
        Driver::with_session(w, h, session(BASE))
    }

    pub fn with_session(w: u16, h: u16, session: Session) -> Driver {
        let mut app = App::new(
            session.view.clone(),
            (w, h),
            Moment {
                unix: T0,
                mono_ms: 0,
            },
        );
        // The examples' `ref`s, like the clock, are the same on every run.
        app.refs = xsign::catalog::RefSource::seeded(0);
        let mut d = Driver {
            app,
            session: Arc::new(session),
            effects: Vec::new(),
        };
        d.send(Message::Tick(Moment {
            unix: T0,
            mono_ms: 0,
        }));
        d
    }

    pub fn send(&mut self, msg: Message) {
        let fx = self.app.update(msg);
        self.perform(fx);
    }

    fn perform(&mut self, fx: Vec<Effect>) {
        for e in fx {
            match e {
                Effect::Sign(job) => {
                    let outcome = sign_worker::sign(&self.session, &job);
                    let more = self.app.update(Message::Signed(outcome));
                    self.perform(more);
                }
                other => self.effects.push(other),
            }
        }
    }

    pub fn key(&mut self, code: KeyCode) {
        self.send(Message::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ctrl(&mut self, c: char) {
        self.send(Message::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
    }

    pub fn type_str(&mut self, s: &str) {
        for c in s.chars() {
            match c {
                '\n' => self.key(KeyCode::Enter),
                '\t' => self.key(KeyCode::Tab),
                c => self.key(KeyCode::Char(c)),
            }
        }
    }

    /// The screen as text.
    pub fn render(&self) -> String {
        let (w, h) = self.app.size;
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| f.render_widget(&self.app, f.area())).unwrap();
        t.backend().to_string()
    }

    /// The drawn frame with its styles, for tests about colour.
    pub fn render_buffer(&self) -> ratatui::buffer::Buffer {
        let (w, h) = self.app.size;
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| f.render_widget(&self.app, f.area())).unwrap();
        t.backend().buffer().clone()
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// The id of the one send the last keys asked for (Ctrl-R); anything else fails.
    pub fn sent_job_id(&mut self) -> u64 {
        match self.take_effects().as_slice() {
            [Effect::Send(job)] => job.id,
            other => panic!("expected one send, got {other:?}"),
        }
    }
}
