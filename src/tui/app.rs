//! The workbench state: one struct per pane, the `Message`s that change it and the
//! `Effect`s that `update` asks the runtime to perform. Nothing here touches a terminal,
//! a socket or a file.

use super::clock::Moment;
pub use super::errors::{EditorError, InspectError, ProfileError};
use super::feed_tab::{FeedMessage, FeedPane};
use super::lint_view::LintNote;
use super::onboarding::{OnboardMessage, OnboardOp, Onboarding};
use super::profiles::{ProfileItem, ProfilePicker};
use super::response::{ResponsePane, ResponseView, SentRequest};
use super::session::{ProfileView, Session};
use super::sidebar::{Library, LibraryMessage, StoreOp};
use super::sign_worker::{SignJob, SignOutcome};
use super::url_field::UrlField;
use super::widgets::editor::BodyEditor;
use crate::catalog::RefSource;
use crate::store::Request;
use crate::store::history::HistoryEntry;
use crossterm::event::{KeyEvent, MouseEvent};
use std::sync::Arc;

pub const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The library sidebar (saved requests, history), when shown.
    Sidebar,
    Method,
    Url,
    Body,
    Signature,
    Response,
    /// The scenario pane (in place of body, signature and response while it has focus).
    Scenario,
}

impl Focus {
    pub const ORDER: [Focus; 5] = [
        Focus::Method,
        Focus::Url,
        Focus::Body,
        Focus::Signature,
        Focus::Response,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Focus::Sidebar => "library",
            Focus::Method => "method",
            Focus::Url => "URL",
            Focus::Body => "body",
            Focus::Signature => "signature",
            Focus::Response => "response",
            Focus::Scenario => "scenario",
        }
    }

    pub fn is_text_field(self) -> bool {
        matches!(self, Focus::Url | Focus::Body)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Request,
    Feed,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SendState {
    #[default]
    Idle,
    InFlight {
        id: u64,
        started_ms: u64,
        method: String,
        url: String,
    },
}

/// Lint findings that stop a send until the user decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub notes: Vec<LintNote>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Ok,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub level: Level,
    /// When it goes by itself (monotonic ms); without one it stays until the next key.
    pub until_ms: Option<u64>,
}

/// How long a brief notice ("copied x-sign (344 chars)") stays when no key comes.
pub const BRIEF_NOTICE_MS: u64 = 3_000;

/// The live signature and the bookkeeping that keeps signing off the draw loop:
/// at most one job is out; edits made meanwhile mark it dirty and are signed next.
#[derive(Debug, Clone, Default)]
pub struct SignatureState {
    pub latest: Option<SignOutcome>,
    /// The rendering of the request last given to the signer; a send with no edit since
    /// sends it (so a `{{uuid}}` shown is the one sent). `None` when it could not render.
    pub rendered: Option<super::template::Rendered>,
    pub pending: Option<u64>,
    pub dirty: bool,
    pub seq: u64,
    pub scroll: usize,
}

/// A mistake made on purpose, to see what the server and the inspector say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sabotage {
    /// Sign the body, then send it with a newline added (what many editors do on save).
    TrailingNewline,
    /// Sign the body, then send it re-indented with tabs (what a formatter may do).
    Reformatted,
    /// Sign with a timestamp five minutes old.
    StaleTimestamp,
    /// Sign the path only, not the full URL.
    PathOnly,
    /// Sign with a key the server does not know.
    OtherKey,
}

impl Sabotage {
    pub const ALL: [Sabotage; 5] = [
        Sabotage::TrailingNewline,
        Sabotage::Reformatted,
        Sabotage::StaleTimestamp,
        Sabotage::PathOnly,
        Sabotage::OtherKey,
    ];

    pub fn key(self) -> char {
        match self {
            Sabotage::TrailingNewline => 'n',
            Sabotage::Reformatted => 'f',
            Sabotage::StaleTimestamp => 't',
            Sabotage::PathOnly => 'p',
            Sabotage::OtherKey => 'k',
        }
    }

    /// What the mistake is, for the scheme the profile signs with (an HMAC has a secret,
    /// not a key).
    pub fn label(self, scheme: crate::signing::Scheme) -> &'static str {
        match self {
            Sabotage::OtherKey if scheme != crate::signing::Scheme::PartnerRsa => {
                "sign with a secret the server does not know"
            }
            Sabotage::TrailingNewline => {
                "sign the body, send it with a newline added (an editor on save)"
            }
            Sabotage::Reformatted => "sign the body, send it re-indented with tabs (a formatter)",
            Sabotage::StaleTimestamp => "sign with a timestamp five minutes old (a slow clock)",
            Sabotage::PathOnly => "sign the path only, not the full URL",
            Sabotage::OtherKey => "sign with a key the server does not know",
        }
    }
}

/// A request for the network task. The body is the snapshot that was checked; it is
/// signed and sent as is (unless `sabotage` says otherwise).
#[derive(Debug, Clone)]
pub struct SendJob {
    pub id: u64,
    pub method: String,
    pub url: String,
    pub body: Arc<[u8]>,
    pub sabotage: Option<Sabotage>,
    /// `COLLECTION/REQUEST` when the request came from a collection (for history).
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    pub message: String,
    pub sent: Option<SentRequest>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Time passes (spinner, elapsed). Only sent while something moves.
    Tick(Moment),
    Signed(SignOutcome),
    /// A large body's lint, after its signature.
    Linted {
        seq: u64,
        findings: Vec<crate::tui::lint_view::LintNote>,
    },
    Sent {
        id: u64,
        result: Result<Box<ResponseView>, SendFailure>,
    },
    /// The host put `chars` characters of `what` on the clipboard, or says why not.
    Copied {
        what: String,
        chars: usize,
        result: Result<(), super::errors::CopyError>,
    },
    /// `$EDITOR` exited: the new body, or why it could not be used.
    EditorClosed(Result<Vec<u8>, EditorError>),
    Feed(FeedMessage),
    Library(LibraryMessage),
    Profiles(Vec<ProfileItem>),
    /// The runtime switched profiles (or says why it could not).
    ProfileSwitched(Result<Box<SwitchedProfile>, ProfileError>),
    /// A history entry, answered and diagnosed, for the inspector.
    Inspected(Result<Box<ResponseView>, InspectError>),
    Onboard(OnboardMessage),
    /// SIGTERM, SIGINT or SIGHUP came from outside (its number): leave as on `q`, without
    /// asking, so the terminal is restored on the way out.
    Signal(i32),
    /// A curl command pasted into the URL field, parsed.
    CurlImported(
        Result<Box<crate::store::import::CurlImport>, Arc<crate::store::import::ImportError>>,
    ),
    /// A scenario run's progress, from the runner's task.
    Scenario(super::scenario_pane::ScenarioMessage),
}

/// A profile loaded off the UI thread: the view is the app's, the session the runtime's
/// (it takes it in before `update` sees the message).
#[derive(Clone)]
pub struct SwitchedProfile {
    pub view: ProfileView,
    pub session: Arc<Session>,
}

impl std::fmt::Debug for SwitchedProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SwitchedProfile")
            .field("view", &self.view)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub enum Effect {
    Sign(SignJob),
    Send(SendJob),
    CancelSend(u64),
    /// Put text on the clipboard with OSC 52.
    Copy {
        what: String,
        text: String,
    },
    OpenEditor(Vec<u8>),
    Feed(super::feed_tab::FeedCommand),
    Store(StoreOp),
    InspectHistory(Box<HistoryEntry>),
    LoadProfiles,
    SwitchProfile(String),
    Onboard(OnboardOp),
    /// Parse a pasted curl command (it may name `@FILE`s to read).
    ImportCurl(String),
    /// Run a scenario through the runner (`flow`) off the UI thread; `id` tags its
    /// messages.
    RunScenario {
        id: u64,
        source: super::scenario_pane::ScenarioSource,
    },
    /// Abort the scenario run `id`.
    StopScenario(u64),
    /// Open history entry `id` in the inspector (a scenario step's exchange).
    InspectHistoryId(u64),
    Quit,
}

/// What to do after the workbench closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// First run chose the demo.
    Demo,
    /// A signal (its number) ended the workbench: the process exits with 128 + it, as a
    /// shell reports a process the signal killed.
    Signalled(i32),
}

/// The saved request being edited, as it was saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub collection: String,
    pub request: Request,
}

pub struct App {
    pub profile: ProfileView,
    pub tab: Tab,
    pub focus: Focus,
    /// In the URL or body: keys type into the field.
    pub editing: bool,
    pub method: usize,
    pub url: UrlField,
    pub body: BodyEditor,
    /// The body as saved with the request, to warn when it was reformatted.
    pub saved_body: Option<Arc<[u8]>>,
    /// An example body offered after picking an endpoint, taken with Ctrl-B.
    pub offer: Option<String>,
    /// The `ref` each inserted example gets (seeded in tests, like the clock).
    pub refs: RefSource,
    pub sig: SignatureState,
    pub send: SendState,
    pub response: ResponsePane,
    pub feed: FeedPane,
    /// Help overlay, with its scroll offset.
    pub help: Option<usize>,
    /// The "break it on purpose" menu is open.
    pub sabotage_menu: bool,
    /// The focused pane fills the screen (z).
    pub zoom: bool,
    pub library: Library,
    /// The scenario run from the library, and its steps.
    pub scenario: super::scenario_pane::ScenarioPane,
    /// The saved request in the editor, if it came from (or was saved to) a collection.
    pub current: Option<Current>,
    pub picker: Option<ProfilePicker>,
    /// First-run set-up, over everything else.
    pub onboarding: Option<Onboarding>,
    pub next: Option<Next>,
    pub confirm: Option<Confirm>,
    pub notice: Option<Notice>,
    pub size: (u16, u16),
    pub now: Moment,
    pub quit: bool,
    pub next_id: u64,
    /// The palette the frame is drawn in (`--theme`, `NO_COLOR`, the config).
    pub theme: super::theme::Theme,
    /// The global key bindings, with the config's overrides: dispatch, help, the status
    /// bar and every message that names a key read them.
    pub keymap: super::keymap::Keymap,
}

impl App {
    pub fn new(profile: ProfileView, size: (u16, u16), now: Moment) -> Self {
        let mut feed = FeedPane::default();
        feed.set_scheme(profile.scheme);
        App {
            profile,
            tab: Tab::Request,
            focus: Focus::Url,
            editing: true,
            method: 0,
            url: UrlField::default(),
            body: BodyEditor::default(),
            saved_body: None,
            offer: None,
            refs: RefSource::random(),
            sig: SignatureState {
                dirty: true,
                ..Default::default()
            },
            send: SendState::Idle,
            response: ResponsePane::default(),
            feed,
            help: None,
            sabotage_menu: false,
            zoom: false,
            library: Library::default(),
            scenario: Default::default(),
            current: None,
            picker: None,
            onboarding: None,
            next: None,
            confirm: None,
            notice: None,
            size,
            now,
            quit: false,
            theme: super::theme::Theme::default(),
            keymap: super::keymap::Keymap::default(),
            next_id: 1,
        }
    }

    pub fn method_name(&self) -> &'static str {
        METHODS[self.method]
    }

    pub fn set_method(&mut self, name: &str) {
        if let Some(i) = METHODS.iter().position(|m| m.eq_ignore_ascii_case(name)) {
            self.method = i;
        }
    }

    /// Whether keys type into a field right now (then no global single-key command fires).
    pub fn is_typing(&self) -> bool {
        match self.tab {
            Tab::Request => {
                (self.editing && self.focus.is_text_field())
                    || (self.focus == Focus::Response && self.response.search.editing)
                    || (self.focus == Focus::Sidebar && self.library.is_typing())
            }
            Tab::Feed => self.feed.is_typing(),
        }
    }

    /// Whether the editor differs from the saved request (method, URL or body bytes).
    pub fn is_edited(&self) -> bool {
        self.current.as_ref().is_some_and(|c| {
            c.request.method != self.method_name()
                || c.request.url != self.url.text()
                || !self.body.eq_bytes(&c.request.body)
        })
    }

    /// The request in the editor, to save under `name`. A URL under the profile's base URL
    /// is kept relative to it, however it came to be absolute (a fix, a paste).
    pub fn request_named(&self, name: &str) -> Request {
        let mut r = self
            .current
            .as_ref()
            .map(|c| c.request.clone())
            .unwrap_or_else(|| Request::new(name, "GET", ""));
        r.name = name.to_string();
        r.method = self.method_name().to_string();
        r.url = crate::store::collection::relative_to(&self.profile.base_url, self.url.text());
        r.body = self.body.to_bytes();
        r
    }

    pub fn in_flight(&self) -> bool {
        matches!(self.send, SendState::InFlight { .. })
    }

    /// Whether something moves on screen (a spinner): the loop ticks meanwhile.
    pub fn animating(&self) -> bool {
        self.in_flight() || self.scenario.is_running()
    }

    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        self.notice = Some(Notice {
            // A notice quotes URLs, headers and servers' errors: their controls are shown.
            text: crate::visible::visible(&text.into()).into_owned(),
            level,
            until_ms: None,
        });
    }

    /// A notice that also goes by itself after `BRIEF_NOTICE_MS`.
    pub fn notify_briefly(&mut self, level: Level, text: impl Into<String>) {
        self.notify(level, text);
        if let Some(n) = &mut self.notice {
            n.until_ms = Some(self.now.mono_ms + BRIEF_NOTICE_MS);
        }
    }

    /// How long until the notice goes by itself, at monotonic time `now_ms`: the event
    /// loop wakes then to redraw without it.
    pub fn notice_expires_in(&self, now_ms: u64) -> Option<std::time::Duration> {
        let until = self.notice.as_ref()?.until_ms?;
        Some(std::time::Duration::from_millis(
            until.saturating_sub(now_ms),
        ))
    }
}
