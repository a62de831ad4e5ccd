//! The workbench's live view of the signing proxy: the history list, driven by the real
//! event loop and runtime (`Runtime::follow_history`), follows what a proxy in front of the
//! mock records, with each proxied row's lint codes and, on a 1020, the doctor's headline;
//! `i` opens the inspector on it.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};
use tui_support::{API_KEY, fixture_key};
use xsign::cli::proxy::{Upstream, config};
use xsign::mock::{MockConfig, MockServer};
use xsign::proxy::{ProxyHandle, ProxyServer};
use xsign::signing::{AuthMode, PrivateKey};
use xsign::tui::app::{App, Focus, Message};
use xsign::tui::clock::SystemClock;
use xsign::tui::runtime::{self, Loop, Runtime, TestHost};
use xsign::tui::session::Session;
use xsign::tui::stores::Stores;

struct Bench {
    app: App,
    runtime: Runtime,
    tx: Sender<Message>,
    rx: Receiver<Message>,
    host: TestHost,
    turns: Loop,
}

impl Bench {
    fn turn(&mut self, wait: Duration) {
        let running = self
            .turns
            .step(
                &mut self.host,
                &mut self.app,
                &mut self.runtime,
                &self.rx,
                Some(wait),
            )
            .unwrap();
        assert!(running);
    }

    fn key(&mut self, code: KeyCode) {
        self.tx
            .send(Message::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .unwrap();
        self.turn(Duration::ZERO);
    }

    fn wait_for(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done(&self.app) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            self.turn(Duration::from_millis(200));
        }
    }
}

/// A proxy signing with the key in `key_file`, recording into `history`.
async fn proxy(base_url: &str, key_file: &str, history: &Path) -> ProxyHandle {
    let key_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(key_file);
    let c = config(Upstream {
        base_url: base_url.to_string(),
        api_key: API_KEY.into(),
        key: Some(PrivateKey::from_file(&key_path).unwrap()),
        key_path: Some(key_path),
        mode: AuthMode::Timestamp,
        profile: "demo".into(),
        headers: vec![],
        timeout: Duration::from_secs(10),
        client: xsign::http::client().unwrap(),
        recorder: Arc::new(xsign::store::History::new(history, 1000)),
        on_event: Arc::new(|_| {}),
    });
    ProxyServer::start(c, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

#[test]
fn the_history_list_follows_the_proxy_with_lint_codes_and_the_doctors_headline() {
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
    mock.register(API_KEY, fixture_key().public_key());
    let dir = tempfile::tempdir().unwrap();
    let stores = Stores::in_dirs(&dir.path().join("config"), &dir.path().join("data"));
    let history_dir = stores.history.dir().to_path_buf();
    let session = Session::for_key(
        "demo",
        &mock.base_url(),
        fixture_key(),
        API_KEY,
        AuthMode::Timestamp,
        SystemClock::shared(),
        &stores,
    );
    let app = App::new(session.view.clone(), (140, 40), session.clock.now());
    let (tx, rx) = runtime::channel();
    let mut runtime = Runtime::new(Arc::new(session), rt.handle().clone(), tx.clone(), stores);
    runtime.follow_history();
    let turns = Loop::new(&runtime);
    let mut b = Bench {
        app,
        runtime,
        tx,
        rx,
        host: TestHost::new(140, 40),
        turns,
    };
    b.turn(Duration::ZERO);
    // The library's history tab, empty so far.
    b.key(KeyCode::F(6));
    b.wait_for("the library", |a| a.library.loaded);
    b.key(KeyCode::Char('h'));
    assert!(b.app.library.history.is_empty());

    // Another tool calls through the proxy, which records into this workbench's history.
    let good = rt.block_on(proxy(
        &mock.base_url(),
        "test-rsa2048.pkcs1.pem",
        &history_dir,
    ));
    // A key the mock does not hold for the API key.
    let wrong = rt.block_on(proxy(
        &mock.base_url(),
        "test-rsa4096.pkcs1.pem",
        &history_dir,
    ));
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let status = rt.block_on(async {
        let a = http
            .post(format!("{}/company", good.url()))
            .body("{\t\"name\":\"Tabby\",\"city\":\"Paris\",\"country\":\"FR\",\"domain\":\"\"}")
            .send()
            .await
            .unwrap()
            .status();
        let b = http
            .get(format!("{}/assets", wrong.url()))
            .send()
            .await
            .unwrap()
            .status();
        (a.as_u16(), b.as_u16())
    });
    assert_eq!(status, (200, 401));

    b.wait_for("both exchanges in the list", |a| {
        a.library.history.len() == 2
    });
    let notes: Vec<String> = b.app.library.notes.values().cloned().collect();
    assert!(notes.iter().any(|n| n == "tab"), "{notes:?}");
    assert!(
        notes.iter().any(|n| n.contains("another public key")),
        "{notes:?}"
    );
    let screen = b.host.screen();
    assert!(screen.contains("401 GET /assets proxy"), "{screen}");
    assert!(screen.contains("200 POST /company proxy"), "{screen}");
    // The selected row's note in the sidebar's last line: the newest, the 1020.
    assert!(screen.contains("cause found: The server holds"), "{screen}");
    b.key(KeyCode::Down);
    assert!(
        b.host.screen().contains("tab · Enter inspect"),
        "{}",
        b.host.screen()
    );
    b.key(KeyCode::Up);

    // The newest (the 1020) is selected: Enter opens the inspector on a proxied entry.
    b.key(KeyCode::Enter);
    b.wait_for("the inspector", |a| {
        a.focus == Focus::Response && a.response.view().is_some_and(|v| v.status == 401)
    });
    let screen = b.host.screen();
    assert!(screen.contains("another public key"), "{screen}");
    drop(b);
    rt.block_on(mock.shutdown()).unwrap();
}
