//! The workbench driven end to end against the embedded mock: keys in through the real
//! event loop (`runtime::Loop`, on a `TestBackend`), the real runtime (signing worker, HTTP
//! task) performing the effects, the response pane and the screen read back.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};
use tui_support::{API_KEY, fixture_key};
use xsign::mock::{MockConfig, MockHandle, MockServer};
use xsign::signing::AuthMode;
use xsign::tui::app::{App, Message};
use xsign::tui::clock::SystemClock;
use xsign::tui::onboarding::OnboardMessage;
use xsign::tui::response::ResponseTab;
use xsign::tui::runtime::{self, Loop, Runtime, TestHost};
use xsign::tui::session::Session;
use xsign::tui::stores::Stores;

struct Bench {
    rt: tokio::runtime::Runtime,
    mock: Option<MockHandle>,
    app: App,
    runtime: Runtime,
    /// The loop's input, as the input thread and the tasks feed it.
    tx: Sender<Message>,
    rx: Receiver<Message>,
    host: TestHost,
    turns: Loop,
    /// This bench's own config and data dirs: its history is its own.
    _dir: tempfile::TempDir,
}

impl Bench {
    fn start() -> Bench {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mock = rt
            .block_on(MockServer::start(
                MockConfig::default(),
                "127.0.0.1:0".parse().unwrap(),
            ))
            .unwrap();
        let key = fixture_key();
        mock.register(API_KEY, key.public_key());
        let base_url = mock.base_url();
        Bench::with(rt, Some(mock), |stores| {
            Session::for_key(
                "demo",
                &base_url,
                key,
                API_KEY,
                AuthMode::Timestamp,
                SystemClock::shared(),
                stores,
            )
        })
    }

    /// A bench on its own stores (a temp dir), the session made for them.
    fn with(
        rt: tokio::runtime::Runtime,
        mock: Option<MockHandle>,
        session: impl FnOnce(&Stores) -> Session,
    ) -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::in_dirs(&dir.path().join("config"), &dir.path().join("data"));
        let session = session(&stores);
        let app = App::new(session.view.clone(), (120, 40), session.clock.now());
        let (tx, rx) = runtime::channel();
        let runtime = Runtime::new(Arc::new(session), rt.handle().clone(), tx.clone(), stores);
        let turns = Loop::new(&runtime);
        let mut b = Bench {
            rt,
            mock,
            app,
            runtime,
            tx,
            rx,
            host: TestHost::new(120, 40),
            turns,
            _dir: dir,
        };
        b.turn(Some(Duration::ZERO));
        b
    }

    /// The workbench as `xsign` with no config opens it (`tui::start`, as `tui::open` does
    /// before the terminal): the production profile read from the config, first-run set-up on.
    fn first_run() -> Bench {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::in_dirs(&dir.path().join("config"), &dir.path().join("data"));
        let profile = stores
            .config
            .load()
            .unwrap()
            .value
            .profile("production")
            .unwrap();
        let clock = SystemClock::shared();
        let session = Arc::new(Session::from_profile_quiet(
            &profile,
            clock.clone(),
            &stores,
        ));
        let launch = xsign::tui::Launch {
            profile,
            rt: rt.handle().clone(),
            clock,
            welcome: None,
            request: None,
            first_run: true,
            pinned: false,
            stores,
            theme: Default::default(),
            keymap: Default::default(),
        };
        let started = xsign::tui::start(launch, session, (120, 40));
        let turns = Loop::new(&started.runtime);
        let mut b = Bench {
            rt,
            mock: None,
            app: started.app,
            tx: started.runtime.tx.clone(),
            runtime: started.runtime,
            rx: started.rx,
            host: TestHost::new(120, 40),
            turns,
            _dir: dir,
        };
        b.turn(Some(Duration::ZERO));
        b
    }

    /// One turn of the event loop, waiting at most `wait` for a message.
    fn turn(&mut self, wait: Option<Duration>) {
        let running = self
            .turns
            .step(
                &mut self.host,
                &mut self.app,
                &mut self.runtime,
                &self.rx,
                wait,
            )
            .expect("a test backend draws");
        assert!(running, "the loop ended");
    }

    /// Puts a message on the loop's input, behind what the tasks already sent, and turns
    /// the loop once: it and everything waiting are applied and drawn.
    fn apply(&mut self, msg: Message) {
        self.tx.send(msg).expect("the loop's input");
        self.turn(Some(Duration::ZERO));
    }

    fn key(&mut self, code: KeyCode) {
        self.apply(Message::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn ctrl(&mut self, c: char) {
        self.apply(Message::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
    }

    fn type_str(&mut self, s: &str) {
        for c in s.chars() {
            match c {
                '\t' => self.key(KeyCode::Tab),
                c => self.key(KeyCode::Char(c)),
            }
        }
    }

    /// Feeds what the tasks report until `done` holds.
    fn wait_for(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done(&self.app) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting for {what}");
            self.turn(Some(left.min(Duration::from_millis(200))));
        }
    }

    /// The screen as the loop last drew it.
    fn render(&self) -> String {
        self.host.screen()
    }

    /// URL and body typed key by key: POST /company with a small company.
    fn compose(&mut self, body: &str) {
        self.key(KeyCode::F(2)); // GET → POST
        self.type_str("/company");
        self.key(KeyCode::Esc); // leaves the URL field, closing the endpoint list
        self.key(KeyCode::Char('3')); // the body
        self.key(KeyCode::Enter); // edit it
        self.type_str(body);
        self.wait_for("the signature", |a| {
            a.sig.pending.is_none() && !a.sig.dirty && a.sig.latest.is_some()
        });
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        if let Some(m) = self.mock.take() {
            let _ = self.rt.block_on(m.shutdown());
        }
    }
}

const COMPANY: &str = r#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"acme.test","ref":"9827feec-4eae-4e80-bda3-daa7c3b97add"}"#;

#[test]
fn type_url_and_body_send_and_read_the_200() {
    let mut b = Bench::start();
    b.compose(COMPANY);
    assert_eq!(b.app.body.to_text(), COMPANY);
    let live = b.app.sig.latest.clone().unwrap();
    assert!(
        live.x_sign.is_some() && live.findings.is_empty(),
        "{live:?}"
    );
    b.ctrl('r');
    assert!(
        b.app.confirm.is_none(),
        "a compact body sends without asking"
    );
    b.wait_for("the response", |a| a.response.view().is_some());
    let v = b.app.response.view().unwrap();
    assert_eq!(v.status, 200, "{}", String::from_utf8_lossy(&v.body));
    let json: serde_json::Value = serde_json::from_slice(&v.body).unwrap();
    assert!(
        json["company_id"].as_str().is_some_and(|s| !s.is_empty()),
        "{json}"
    );
    assert_eq!(json["ref"], "9827feec-4eae-4e80-bda3-daa7c3b97add");
    let screen = b.render();
    assert!(screen.contains("200 OK"), "{screen}");
    assert!(screen.contains("\"company_id\": "), "{screen}");
}

#[test]
fn a_tab_raises_the_confirmation_and_the_one_key_fix_clears_it() {
    let mut b = Bench::start();
    b.compose("{\t\"name\":\"Tabby Ltd\",\"city\":\"Paris\",\"country\":\"FR\",\"domain\":\"\",\"ref\":\"t-1\"}");
    let live = b.app.sig.latest.clone().unwrap();
    assert!(live.findings.iter().any(|f| f.message.contains("tab")));
    b.ctrl('r');
    let confirm = b.app.confirm.clone().expect("the confirmation");
    let fix = confirm
        .notes
        .iter()
        .find_map(|n| n.fix.as_ref())
        .expect("a one-key fix");
    assert_eq!(fix.key, 't');
    assert!(!b.app.in_flight());
    b.key(KeyCode::Char('t'));
    assert!(b.app.confirm.is_none(), "the fix clears the confirmation");
    assert!(!b.app.body.to_bytes().contains(&b'\t'));
    b.ctrl('r');
    assert!(b.app.confirm.is_none());
    b.wait_for("the response", |a| a.response.view().is_some());
    assert_eq!(b.app.response.view().unwrap().status, 200);
}

#[test]
fn a_mistake_on_purpose_gets_a_1020_and_the_inspector_explains_it() {
    let mut b = Bench::start();
    b.compose(COMPANY);
    b.key(KeyCode::F(4));
    b.key(KeyCode::Char('n'));
    b.wait_for("the response", |a| a.response.view().is_some());
    let v = b.app.response.view().unwrap();
    assert!(
        v.is_partner_auth_error(),
        "{}",
        String::from_utf8_lossy(&v.body)
    );
    assert!(v.inspector.is_some());
    assert_eq!(b.app.response.tab, ResponseTab::Inspector);
    let screen = b.render();
    assert!(screen.contains("1020 errPartnerAuth"), "{screen}");
    assert!(screen.to_lowercase().contains("newline"), "{screen}");
}

#[test]
fn an_unreachable_host_is_a_message_not_a_crash() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // A port nothing listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut b = Bench::with(rt, None, |stores| {
        Session::for_key(
            "local",
            &format!("http://127.0.0.1:{port}/api/v1/p"),
            fixture_key(),
            API_KEY,
            AuthMode::Timestamp,
            SystemClock::shared(),
            stores,
        )
    });
    b.type_str("/assets");
    b.ctrl('r');
    b.wait_for("the failure", |a| !a.in_flight());
    let screen = b.render();
    assert!(screen.contains("connection refused"), "{screen}");
}

#[test]
fn sent_requests_land_in_the_history_and_open_in_the_inspector() {
    let mut b = Bench::start();
    b.compose(COMPANY);
    b.ctrl('r');
    b.wait_for("the response", |a| a.response.view().is_some());
    b.key(KeyCode::F(6));
    // The store is read off the UI thread: the library fills when its answer comes.
    b.wait_for("the library", |a| a.library.loaded);
    b.key(KeyCode::Char('h'));
    // Tests in this binary share one history: keep to this bench's mock (its own port).
    let port = b.mock.as_ref().expect("the mock").addr().port().to_string();
    b.key(KeyCode::Char('/'));
    b.type_str(&port);
    b.key(KeyCode::Enter);
    let entry = b
        .app
        .library
        .history_rows()
        .first()
        .map(|e| (*e).clone())
        .expect("the send is in the history");
    assert_eq!(entry.method, "POST");
    assert_eq!(entry.body, COMPANY.as_bytes(), "the exact bytes sent");
    assert_eq!(entry.status(), Some(200));
    assert!(
        !entry
            .request_headers
            .iter()
            .any(|(_, v)| v.contains(API_KEY)),
        "the API key is never stored in clear"
    );
    b.key(KeyCode::Char('i'));
    b.wait_for("the inspection", |a| {
        a.response.tab == ResponseTab::Inspector
    });
    let v = b
        .app
        .response
        .view()
        .expect("the entry in the response pane");
    assert_eq!(v.status, 200);
    assert_eq!(b.app.response.tab, ResponseTab::Inspector);
    let screen = b.render();
    assert!(screen.contains("No fault found"), "{screen}");
    // Enter loads it back into the editor, to send again (re-signed).
    b.key(KeyCode::Esc);
    b.key(KeyCode::F(6));
    b.key(KeyCode::Enter);
    assert_eq!(b.app.body.to_bytes(), COMPANY.as_bytes());
    assert_eq!(b.app.url.text(), "/company");
}

/// One API call outside the workbench (test set-up), signed like the workbench signs.
fn api(b: &Bench, method: &str, path: &str, body: &str) -> serde_json::Value {
    let job = xsign::tui::app::SendJob {
        id: 0,
        method: method.into(),
        url: format!("{}{path}", b.runtime.session.view.base_url),
        body: Arc::from(body.as_bytes()),
        sabotage: None,
        source: None,
    };
    let client = xsign::http::client().unwrap();
    let msg = b.rt.block_on(xsign::tui::net::send(
        b.runtime.session.clone(),
        client,
        job,
    ));
    match msg {
        Message::Sent { result: Ok(v), .. } => {
            assert_eq!(
                v.status,
                200,
                "{path}: {}",
                String::from_utf8_lossy(&v.body)
            );
            serde_json::from_slice(&v.body).unwrap()
        }
        other => panic!("{path}: {other:?}"),
    }
}

#[test]
fn a_core_client_action_arrives_on_the_feed_and_is_approved() {
    use xsign::tui::app::Tab;
    use xsign::tui::feed_tab::Connection;
    let mut b = Bench::start();
    let company = api(
        &b,
        "POST",
        "/company",
        r#"{"name":"Feed Co","city":"Paris","country":"FR","domain":"feed.test","ref":"feed-1"}"#,
    )["company_id"]
        .as_str()
        .unwrap()
        .to_string();
    let fund = api(
        &b,
        "POST",
        &format!("/company/{company}/fund"),
        r#"{"name":"Fund 1","wallets":[{"name":"w1","asset":"BTC-TESTNET"}]}"#,
    )["fund_id"]
        .as_str()
        .unwrap()
        .to_string();
    let wallet =
        api(&b, "GET", &format!("/company/{company}/fund/{fund}"), "")["wallets"][0]["wallet_id"]
            .as_str()
            .unwrap()
            .to_string();
    let client = api(&b, "POST", "/coreclient", r#"{"name":"approver"}"#)["id"]
        .as_str()
        .unwrap()
        .to_string();

    b.key(KeyCode::F(3));
    assert_eq!(b.app.tab, Tab::Feed);
    b.key(KeyCode::Char('i'));
    b.type_str(&client);
    b.key(KeyCode::Enter);
    b.key(KeyCode::Char('c'));
    b.wait_for("the feed connection", |a| {
        matches!(a.feed.connection, Connection::Connected { .. })
    });
    let transfer = format!(
        r#"{{"wallet_id":"{wallet}","counterparty_wallet_address":"D1h4cyu5MJWDSgo6UczEPmEPAHKZ3vDkNiPXVrs6QuSP","reference":"R1","partner_txID":"p-1","send":{{"symbol":"BTC","amount":800}}}}"#
    );
    api(
        &b,
        "POST",
        &format!("/company/{company}/transfer"),
        &transfer,
    );
    b.wait_for("the action", |a| {
        a.feed.items.iter().any(|i| i.action.is_some())
    });
    let at = b
        .app
        .feed
        .items
        .iter()
        .position(|i| i.action.is_some())
        .unwrap();
    b.app.feed.selected = at;
    b.key(KeyCode::Char('a'));
    b.wait_for("the approval", |a| {
        a.feed.items[at]
            .outcome
            .as_deref()
            .is_some_and(|o| o.starts_with("approved"))
    });
    assert_eq!(
        b.app.feed.items[at].outcome.as_deref(),
        Some("approved (200 OK)")
    );
}

#[test]
fn the_real_loop_copies_through_its_host_draws_and_ends_on_q() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut b = Bench::with(rt, None, |stores| {
        Session::for_key(
            "local",
            "http://127.0.0.1:9/api/v1/p",
            fixture_key(),
            API_KEY,
            AuthMode::Timestamp,
            SystemClock::shared(),
            stores,
        )
    });
    b.type_str("/assets");
    b.wait_for("the signature", |a| {
        a.sig.pending.is_none() && !a.sig.dirty && a.sig.latest.is_some()
    });
    assert!(b.render().contains("/assets"), "the loop drew the typing");
    b.key(KeyCode::Esc); // leaves the URL field, closing the endpoint list
    b.key(KeyCode::Char('4'));
    b.key(KeyCode::Char('x'));
    let x_sign = b.app.sig.latest.as_ref().and_then(|o| o.x_sign.clone());
    assert_eq!(b.host.copied, vec![x_sign.expect("an x-sign")]);
    // the copy is confirmed on screen, and the message goes by itself: the loop wakes for it
    assert!(b.render().contains("copied x-sign ("), "{}", b.render());
    let waited = Instant::now();
    b.turn(Some(Duration::from_secs(30)));
    assert!(
        waited.elapsed() < Duration::from_secs(20),
        "the loop slept on"
    );
    assert!(!b.render().contains("copied x-sign"), "{}", b.render());
    b.tx.send(Message::Key(KeyEvent::new(
        KeyCode::Char('q'),
        KeyModifiers::NONE,
    )))
    .unwrap();
    let running = b
        .turns
        .step(
            &mut b.host,
            &mut b.app,
            &mut b.runtime,
            &b.rx,
            Some(Duration::ZERO),
        )
        .unwrap();
    assert!(!running && b.app.quit, "q ends the loop");
}

/// The newcomer's steps (type /company, Enter picks it and inserts the example body, Ctrl-R)
/// done twice against one mock, which keeps its companies as the demo's does between runs:
/// 200 both times, each example carrying its own `ref` (issue 9 #7).
#[test]
fn the_example_company_is_created_again_on_a_second_run() {
    let mut b = Bench::start();
    let mut refs = Vec::new();
    for run in 1..=2 {
        b.app = App::new(b.app.profile.clone(), (120, 40), b.app.now);
        b.type_str("/company");
        b.key(KeyCode::Enter);
        assert_eq!(b.app.method_name(), "POST");
        b.wait_for("the signature", |a| {
            a.sig.pending.is_none() && !a.sig.dirty && a.sig.latest.is_some()
        });
        b.ctrl('r');
        assert!(b.app.confirm.is_none(), "the example sends without asking");
        b.wait_for("the response", |a| a.response.view().is_some());
        let v = b.app.response.view().unwrap();
        let body = String::from_utf8_lossy(&v.body).into_owned();
        assert_eq!(v.status, 200, "run {run}: {body}");
        let json: serde_json::Value = serde_json::from_slice(&v.body).unwrap();
        refs.push(json["ref"].as_str().unwrap().to_string());
    }
    assert_ne!(refs[0], refs[1]);
}

/// First run: `g` (the key pair made), the API key pasted, Enter: the profile just written
/// is the one in use at once, header included, and F7 to it again keeps it (issue 9 #8).
#[test]
fn the_profile_first_run_writes_is_in_use_at_once() {
    let mut b = Bench::first_run();
    assert!(b.app.onboarding.is_some());
    assert!(!b.app.profile.problems.is_empty(), "nothing set up yet");
    // What `g` ends with, without generating 2048 bits in a debug build: a key pair in the
    // keys dir, reported by the runtime.
    let keys = b.runtime.stores.keys_dir.clone();
    std::fs::create_dir_all(&keys).unwrap();
    let key_path = keys.join("private.pem");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/test-rsa2048.pkcs1.pem"),
        &key_path,
    )
    .unwrap();
    b.key(KeyCode::Char('g'));
    b.apply(Message::Onboard(OnboardMessage::Generated {
        key_path,
        public_path: keys.join("public.pem"),
    }));
    b.apply(Message::Paste("pasted-api-key-0001".into()));
    b.key(KeyCode::Enter);
    b.wait_for("the new profile", |a| {
        a.onboarding.is_none() && a.profile.fingerprint.is_some()
    });
    assert_eq!(b.app.profile.name, "production");
    assert!(
        b.app.profile.problems.is_empty(),
        "{:?}",
        b.app.profile.problems
    );
    let screen = b.render();
    assert!(!screen.contains("does not exist"), "{screen}");
    assert!(!screen.contains("no key"), "{screen}");
    assert_eq!(b.app.profile.api_key_masked.as_deref(), Some("****0001"));
    // F7, production (first in the list), Enter: the same profile, read again.
    b.key(KeyCode::F(7));
    b.wait_for("the profile list", |a| {
        a.picker.as_ref().is_some_and(|p| !p.loading)
    });
    assert_eq!(b.app.picker.as_ref().unwrap().items[0].name, "production");
    b.app.profile.api_key_masked = None;
    b.key(KeyCode::Enter);
    b.wait_for("the switch", |a| a.profile.api_key_masked.is_some());
    assert!(
        b.app.profile.problems.is_empty(),
        "{:?}",
        b.app.profile.problems
    );
}

/// A `qredo-v1` profile in the workbench (the session F7 builds from it): the signature pane
/// shows ts + METHOD + URL, GET /balance gets the 200, and F4's other-key mistake gets the
/// Qredo API's 401 with the mock's reason on screen.
#[test]
fn a_qredo_v1_profile_signs_with_hmac_and_f4_breaks_it() {
    use std::os::unix::fs::PermissionsExt;
    use xsign::secret::QredoSecret;
    use xsign::signing::Scheme;
    use xsign::store::Profile;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mock = rt
        .block_on(MockServer::start(
            MockConfig::default(),
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let secret = QredoSecret::generate();
    let (key_file, secret_file) = (files.path().join("apikey"), files.path().join("secret"));
    std::fs::write(&key_file, "qredo-tui-key-0123456789\n").unwrap();
    std::fs::write(&secret_file, secret.expose_text()).unwrap();
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    mock.register_qredo("qredo-tui-key-0123456789", secret);
    let mut profile = Profile::qredo("qredo-v1-test", mock.qapi_v1_url(), Scheme::QredoV1);
    profile.api_key = xsign::store::ApiKeySource::File(key_file);
    profile.secret_path = Some(secret_file);
    let mut b = Bench::with(rt, Some(mock), |stores| {
        Session::from_profile_quiet(&profile, SystemClock::shared(), stores)
    });
    assert!(
        b.app.profile.problems.is_empty(),
        "{:?}",
        b.app.profile.problems
    );
    // Before anything is typed, the panes speak of this scheme, not the Partner API's.
    b.wait_for("the empty signature pane", |a| a.sig.latest.is_some());
    let empty = b.render();
    assert!(
        empty.contains("HMAC-SHA256(secret,") && empty.contains("/balance"),
        "{empty}"
    );
    assert!(!empty.contains("RSA-SHA256"), "{empty}");
    b.type_str("/balance");
    b.key(KeyCode::Esc);
    b.wait_for("the signature", |a| {
        a.sig.pending.is_none() && !a.sig.dirty && a.sig.latest.is_some()
    });
    let live = b.app.sig.latest.clone().unwrap();
    assert!(live.x_sign.is_some(), "{live:?}");
    let screen = b.render();
    assert!(
        screen.contains("GEThttp://127.0.0.1"),
        "the method in the payload: {screen}"
    );
    assert!(
        screen.contains("api-sig") && screen.contains("qredo-api-ts"),
        "{screen}"
    );
    b.ctrl('r');
    b.wait_for("the response", |a| a.response.view().is_some());
    let v = b.app.response.view().unwrap();
    assert_eq!(v.status, 200, "{}", String::from_utf8_lossy(&v.body));
    assert!(String::from_utf8_lossy(&v.body).contains("ETH"));

    // The feed tab offers the Qredo API v1's one feed, signs its handshake with the HMAC
    // headers, and shows a transaction made meanwhile.
    b.key(KeyCode::F(3));
    let screen = b.render();
    assert!(
        screen.contains(" transactions ") && !screen.contains("liquidityhub"),
        "{screen}"
    );
    b.key(KeyCode::Char('c'));
    b.wait_for("the feed connection", |a| {
        matches!(
            a.feed.connection,
            xsign::tui::feed_tab::Connection::Connected { .. }
        )
    });
    let tx = api(
        &b,
        "POST",
        "/transaction",
        r#"{"from":"0xa1","to":"0xb2","value":"1","gasLimit":"21000"}"#,
    );
    let id = tx["txID"].as_str().unwrap().to_string();
    b.wait_for("the transaction on the feed", |a| {
        a.feed.items.iter().any(|i| i.summary.contains(&id))
    });
    assert!(b.render().contains(&format!("tx {id} pending")));
    b.key(KeyCode::F(3));

    b.app.response = Default::default();
    b.key(KeyCode::F(4));
    assert!(
        b.render()
            .contains("sign with a secret the server does not know"),
        "{}",
        b.render()
    );
    b.key(KeyCode::Char('k'));
    b.wait_for("the refusal", |a| a.response.view().is_some());
    let v = b.app.response.view().unwrap();
    assert_eq!(v.status, 401, "{}", String::from_utf8_lossy(&v.body));
    let body = String::from_utf8_lossy(&v.body).to_string();
    assert!(
        body.contains("invalid signature") && body.contains("registered secret"),
        "{body}"
    );
    // The client-side doctor checks it with the profile's secret and names the cause.
    let inspector = v.inspector.as_ref().expect("the doctor's view of a 401");
    let text: String = inspector
        .lines
        .iter()
        .flat_map(|l| l.spans.iter().map(|s| s.content.to_string()))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("HTTP 401") && text.contains("it was made with another secret"),
        "{text}"
    );
    assert!(
        text.contains("qredo-api-ts "),
        "the clock names v1's header: {text}"
    );
}

/// A `qredo-v2` profile in the workbench: the header names the masked secret (not "no
/// key"), the signature pane signs the token request and says no token is cached yet;
/// Ctrl-R fetches one, sends the call with it (200) and the pane then says until when.
#[test]
fn a_qredo_v2_profile_fetches_its_token_on_send_and_shows_its_expiry() {
    use std::os::unix::fs::PermissionsExt;
    use xsign::secret::QredoSecret;
    use xsign::signing::Scheme;
    use xsign::store::Profile;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mock = rt
        .block_on(MockServer::start(
            MockConfig::default(),
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let secret = QredoSecret::generate();
    let (key_file, secret_file) = (files.path().join("apikey"), files.path().join("secret"));
    std::fs::write(&key_file, "qredo-tui-v2-key-0123456789\n").unwrap();
    std::fs::write(&secret_file, secret.expose_text()).unwrap();
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    mock.register_qredo("qredo-tui-v2-key-0123456789", secret.clone());
    let mut profile = Profile::qredo("qredo-v2-test", mock.qapi_v2_url(), Scheme::QredoV2);
    profile.api_key = xsign::store::ApiKeySource::File(key_file);
    profile.secret_path = Some(secret_file);
    profile.workspace = Some("ws-tui".into());
    let mut b = Bench::with(rt, Some(mock), |stores| {
        Session::from_profile_quiet(&profile, SystemClock::shared(), stores)
    });
    assert!(
        b.app.profile.problems.is_empty(),
        "{:?}",
        b.app.profile.problems
    );
    b.type_str("/workspaces/ws-tui/wallets");
    b.key(KeyCode::Esc);
    b.wait_for("the signature", |a| {
        a.sig.pending.is_none() && !a.sig.dirty && a.sig.latest.is_some()
    });
    let screen = b.render();
    assert!(
        screen.contains(&format!("secret {}", secret.masked())),
        "{screen}"
    );
    assert!(!screen.contains("no key"), "{screen}");
    assert!(screen.contains("ts+GET+token URL"), "{screen}");
    assert!(screen.contains("none yet: fetched on send"), "{screen}");
    b.ctrl('r');
    b.wait_for("the response", |a| a.response.view().is_some());
    let v = b.app.response.view().unwrap();
    assert_eq!(v.status, 200, "{}", String::from_utf8_lossy(&v.body));
    assert!(String::from_utf8_lossy(&v.body).contains("Treasury"));
    assert!(
        b.app.profile.token.is_some(),
        "the pane learns the new token"
    );
    b.wait_for("the signature", |a| a.sig.pending.is_none() && !a.sig.dirty);
    let screen = b.render();
    assert!(screen.contains("valid until"), "{screen}");
}

#[test]
fn a_uuid_template_is_rendered_for_signing_shown_and_sent_as_shown_twice_without_conflict() {
    let mut b = Bench::start();
    let template =
        r#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"","ref":"{{uuid}}"}"#;
    b.compose(template);
    assert_eq!(
        b.app.body.to_text(),
        template,
        "the editor keeps the template"
    );
    let mut refs = Vec::new();
    for _ in 0..2 {
        let rendered = b.app.sig.rendered.clone().expect("rendered");
        let shown: String = {
            let o = b.app.sig.latest.clone().unwrap();
            o.preview.head.iter().map(|p| p.text.as_str()).collect()
        };
        let body = String::from_utf8(rendered.body.to_vec()).unwrap();
        assert!(!body.contains("{{") && shown.ends_with(&body), "{shown}");
        let live = b.app.sig.latest.clone().unwrap();
        assert!(
            live.findings
                .iter()
                .all(|f| !f.message.contains("not rendered")),
            "{:?}",
            live.findings
        );
        let screen = b.render();
        assert!(screen.contains("rendered from {{uuid}}"), "{screen}");
        b.app.response = Default::default();
        b.ctrl('r');
        b.wait_for("the response", |a| a.response.view().is_some());
        let v = b.app.response.view().unwrap();
        assert_eq!(v.status, 200, "{}", String::from_utf8_lossy(&v.body));
        let json: serde_json::Value = serde_json::from_slice(&v.body).unwrap();
        let sent: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["ref"], sent["ref"], "the ref shown is the ref sent");
        refs.push(sent["ref"].clone());
        b.wait_for("the next rendering", |a| {
            a.sig.pending.is_none() && !a.sig.dirty && a.sig.latest.is_some()
        });
    }
    assert_ne!(refs[0], refs[1]);
}

/// A scenario of the library's own folder, one assertion that must fail.
const MINE: &str = r#"name = "mine"
[[step]]
name = "assets"
method = "GET"
url = "/assets"
expect = { status = 201 }
"#;

/// The shipped custody scenario, picked in the library, runs through the runner against
/// the mock off the UI thread; its steps tick in the scenario pane; Enter on a finished
/// step opens the exchange the pipeline recorded in the inspector; a scenario of a folder
/// of scenarios fails with expected vs actual.
#[test]
fn a_scenario_runs_from_the_library_and_a_step_opens_in_the_inspector() {
    use xsign::scenario::Outcome;
    use xsign::tui::app::Focus;
    use xsign::tui::scenario_pane::{RunState, StepState};
    let mut b = Bench::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine.toml"), MINE).unwrap();
    b.runtime.stores.scenarios = vec![dir.path().to_path_buf()];
    // No run yet: F8 opens the library on its scenarios.
    b.key(KeyCode::F(8));
    b.wait_for("the scenarios", |a| a.library.scenarios.len() == 3);
    let names: Vec<&str> = b
        .app
        .library
        .scenarios
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["custody", "tampered", "mine"]);
    b.key(KeyCode::Enter);
    assert_eq!(b.app.focus, Focus::Scenario);
    b.wait_for("a step running", |a| {
        a.scenario.run.as_ref().is_some_and(|r| {
            r.steps
                .iter()
                .any(|s| !matches!(s.state, StepState::Pending))
        })
    });
    b.wait_for("the run's end", |a| {
        a.scenario.run.as_ref().is_some_and(|r| !r.is_running())
    });
    let run = b.app.scenario.run.clone().unwrap();
    let failures: Vec<String> = (0..run.steps.len())
        .filter_map(|i| run.report(i))
        .flat_map(|r| r.failures.clone())
        .collect();
    assert!(
        matches!(run.state, RunState::Done { .. }),
        "{:?}",
        run.state
    );
    assert_eq!(run.count(Outcome::Passed), run.steps.len(), "{failures:?}");
    assert!(run.steps.len() >= 8);
    let screen = b.render();
    assert!(screen.contains("✓ transfer approved"), "{screen}");
    assert!(screen.contains("8 passed · 0 failed"), "{screen}");
    // The first step's exchange, by the history id the pipeline recorded.
    let first = run.report(0).unwrap().history_id.expect("recorded");
    b.key(KeyCode::Home);
    b.key(KeyCode::Enter);
    b.wait_for("the inspection", |a| a.response.view().is_some());
    let v = b.app.response.view().unwrap();
    assert_eq!(v.status, 200);
    assert_eq!(v.sent.method, "POST");
    assert!(v.sent.url.ends_with("/company"), "{}", v.sent.url);
    assert_eq!(b.app.focus, Focus::Response);
    let entry = b.runtime.stores.history.get(first).unwrap().unwrap();
    assert!(
        entry
            .source
            .as_deref()
            .unwrap_or_default()
            .contains("scenario custody"),
        "{:?}",
        entry.source
    );
    // F8 goes back to the steps; the folder's scenario fails, saying why.
    b.key(KeyCode::F(8));
    assert_eq!(b.app.focus, Focus::Scenario);
    b.key(KeyCode::F(6));
    b.key(KeyCode::Char('c'));
    b.key(KeyCode::End);
    b.key(KeyCode::Enter);
    b.wait_for("mine's end", |a| {
        a.scenario
            .run
            .as_ref()
            .is_some_and(|r| r.name == "mine" && !r.is_running())
    });
    let run = b.app.scenario.run.clone().unwrap();
    assert_eq!(run.count(Outcome::Failed), 1);
    let screen = b.render();
    assert!(screen.contains("expected 201, got 200"), "{screen}");
}
