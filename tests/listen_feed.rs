//! The feed client against a tiny local websocket server that checks handshake signatures
//! the way the API does (value + ws URL rebuilt from Host and request target + empty body).

mod common;

use common::{Creds, creds, listen_cmd};
use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use xsign::feed::{
    self, Backoff, FeedAuth, FeedConfig, FeedError, FeedEvent, FeedKind, FeedTarget,
};
use xsign::signing::{
    AuthValue, NonceStore, Payload, PrivateKey, PublicKey, RsaSigner, verify_x_sign,
};

const KEY: &str = "tests/fixtures/test-rsa2048.pkcs1.pem";
const PUB: &str = "tests/fixtures/test-rsa2048.pub.pem";
const OTHER_PUB: &str = "tests/fixtures/test-rsa4096.pub.pem";
const API_KEY: &str = "test-api-key";
const WAIT: Duration = Duration::from_secs(10);

/// What the server does on the n-th connection (0-based) after the handshake.
#[derive(Clone)]
enum Step {
    Send(&'static str),
    /// Close the connection with a Close frame.
    Close,
    /// Send a Close frame and wait (5 s) for the client to echo it; logs whether it did.
    CloseAwaitEcho,
    /// Keep the connection open until the client closes it.
    Hold,
    /// Keep the connection open but never read from it: pings go unanswered.
    Stall,
}

#[derive(Debug, Clone)]
struct Seen {
    url: String,
    api_key: String,
    value: AuthValue,
    valid: bool,
}

#[derive(Default)]
struct Log {
    handshakes: Vec<Seen>,
    closes: Vec<Option<CloseCode>>,
    /// For each CloseAwaitEcho: whether the client answered with its own Close.
    echoes: Vec<bool>,
}

struct TestServer {
    addr: SocketAddr,
    log: Arc<Mutex<Log>>,
    task: JoinHandle<()>,
}

impl TestServer {
    async fn start(listener: TcpListener, public: &Path, script: Vec<Vec<Step>>) -> TestServer {
        let addr = listener.local_addr().unwrap();
        let key = PublicKey::from_file(public).unwrap();
        let log = Arc::new(Mutex::new(Log::default()));
        let shared = log.clone();
        let task = tokio::spawn(async move {
            let mut conns = JoinSet::new();
            let mut n = 0;
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let steps = script.get(n).or(script.last()).cloned().unwrap_or_default();
                n += 1;
                conns.spawn(serve(stream, key.clone(), steps, shared.clone()));
            }
        });
        TestServer { addr, log, task }
    }

    fn base_url(&self) -> String {
        format!("http://{}/api/v1/p", self.addr)
    }

    fn handshakes(&self) -> Vec<Seen> {
        self.log.lock().unwrap().handshakes.clone()
    }

    fn closes(&self) -> Vec<Option<CloseCode>> {
        self.log.lock().unwrap().closes.clone()
    }

    /// Stops accepting and drops every open connection, like a server going away.
    async fn shutdown(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

// The callback's signature is tungstenite's.
#[allow(clippy::result_large_err)]
async fn serve(
    stream: tokio::net::TcpStream,
    key: PublicKey,
    steps: Vec<Step>,
    log: Arc<Mutex<Log>>,
) {
    let check_log = log.clone();
    let check = move |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        let header = |n: &str| {
            req.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let host = header("host").unwrap_or_default();
        let url = format!("ws://{host}{}", req.uri());
        let value = match (header("x-timestamp"), header("x-nonce")) {
            (Some(t), None) => AuthValue::Timestamp(t.parse().unwrap()),
            (None, Some(n)) => AuthValue::Nonce(n.parse().unwrap()),
            _ => panic!("exactly one of x-timestamp / x-nonce expected"),
        };
        let x_sign = header("x-sign").unwrap_or_default();
        let valid = verify_x_sign(&key, &Payload::new(value, &url, b""), &x_sign).is_ok();
        check_log.lock().unwrap().handshakes.push(Seen {
            url,
            api_key: header("x-api-key").unwrap_or_default(),
            value,
            valid,
        });
        if valid {
            Ok(resp)
        } else {
            let body = r#"{"code":1020,"msg":"errPartnerAuth","detail":{"reason":"signature"}}"#;
            Err(tokio_tungstenite::tungstenite::http::Response::builder()
                .status(401)
                .header("content-type", "application/json")
                .header("content-length", body.len().to_string())
                .body(Some(body.to_string()))
                .unwrap())
        }
    };
    let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(stream, check).await else {
        return;
    };
    for step in steps {
        match step {
            Step::Send(text) => {
                if ws.send(Message::text(text)).await.is_err() {
                    return;
                }
            }
            Step::Close => {
                let _ = ws.close(None).await;
                return;
            }
            Step::CloseAwaitEcho => {
                let _ = ws.close(None).await;
                let echoed = tokio::time::timeout(Duration::from_secs(5), ws.next()).await;
                let echoed = matches!(echoed, Ok(Some(Ok(Message::Close(_)))));
                log.lock().unwrap().echoes.push(echoed);
                return;
            }
            Step::Stall => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Step::Hold => {
                while let Some(Ok(m)) = ws.next().await {
                    if let Message::Close(frame) = m {
                        log.lock().unwrap().closes.push(frame.map(|f| f.code));
                        break;
                    }
                }
                return;
            }
        }
    }
}

fn signer() -> Arc<RsaSigner> {
    Arc::new(RsaSigner::new(
        PrivateKey::from_file(Path::new(KEY)).unwrap(),
    ))
}

fn config(base_url: &str, kind: FeedKind, auth: FeedAuth) -> FeedConfig {
    let mut c = FeedConfig::new(FeedTarget::for_feed(base_url, &kind).unwrap(), auth);
    c.backoff = Backoff {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
        reset_after: Duration::from_secs(60),
    };
    c.connect_timeout = Duration::from_secs(5);
    c
}

/// Events until `n` messages arrived (or the feed ended).
async fn collect_messages(handle: &mut feed::FeedHandle, n: usize) -> Vec<FeedEvent> {
    let mut events = Vec::new();
    let mut messages = 0;
    while messages < n {
        assert!(events.len() < 100, "no end in sight: {events:#?}");
        let event = tokio::time::timeout(WAIT, handle.recv())
            .await
            .expect("the feed went quiet")
            .expect("the feed ended early");
        if matches!(event, FeedEvent::Message { .. }) {
            messages += 1;
        }
        let last = event.is_final();
        events.push(event);
        if last {
            break;
        }
    }
    events
}

fn texts(events: &[FeedEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            FeedEvent::Message { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// RFC 6455 §5.5.1: a Close from the server is answered with a Close.
#[tokio::test]
async fn the_servers_close_is_echoed() {
    let server = TestServer::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Path::new(PUB),
        vec![vec![Step::Send(r#"{"n":1}"#), Step::CloseAwaitEcho]],
    )
    .await;
    let mut c = config(
        &server.base_url(),
        FeedKind::Wallets,
        FeedAuth::timestamp(signer(), API_KEY),
    );
    c.reconnect = false;
    let mut handle = feed::connect(c);
    let events = collect_messages(&mut handle, 2).await;
    assert!(events.last().unwrap().is_final(), "{events:#?}");
    let deadline = tokio::time::Instant::now() + WAIT;
    while server.log.lock().unwrap().echoes.is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server never heard back"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.log.lock().unwrap().echoes, [true]);
    server.shutdown().await;
}

#[tokio::test]
async fn reconnects_with_a_fresh_nonce_after_the_server_drops() {
    let server = TestServer::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Path::new(PUB),
        vec![
            vec![Step::Send(r#"{"n":1}"#), Step::Close],
            vec![Step::Send(r#"{"n":2}"#), Step::Hold],
        ],
    )
    .await;
    let nonces = tempfile::tempdir().unwrap();
    let auth = FeedAuth::nonce(signer(), API_KEY, NonceStore::new(nonces.path()));
    let mut handle = feed::connect(config(&server.base_url(), FeedKind::Wallets, auth));
    let events = collect_messages(&mut handle, 2).await;
    handle.close().await;

    assert_eq!(texts(&events), [r#"{"n":1}"#, r#"{"n":2}"#]);
    let json = events.iter().find_map(|e| match e {
        FeedEvent::Message { json, .. } => json.clone(),
        _ => None,
    });
    assert_eq!(json, Some(serde_json::json!({"n": 1})));
    assert!(
        events.iter().any(|e| matches!(e,
            FeedEvent::Disconnected { retry_in: Some(d), reason } if *d == Duration::from_millis(20) && reason.contains("closed"))),
        "{events:#?}"
    );
    let seen = server.handshakes();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    let url = format!("ws://{}/api/v1/p/wallets/feed", server.addr);
    for s in &seen {
        assert!(s.valid, "the server refused {s:?}");
        assert_eq!(s.url, url);
        assert_eq!(s.api_key, API_KEY);
    }
    match (seen[0].value, seen[1].value) {
        (AuthValue::Nonce(a), AuthValue::Nonce(b)) => assert!(b > a, "{a} then {b}"),
        other => panic!("nonces expected, got {other:?}"),
    }
    // The Connected events carry the value each handshake was signed with.
    let connected: Vec<AuthValue> = events
        .iter()
        .filter_map(|e| match e {
            FeedEvent::Connected { value, .. } => Some(*value),
            _ => None,
        })
        .collect();
    assert_eq!(connected, [seen[0].value, seen[1].value]);
}

#[tokio::test]
async fn reconnects_when_the_server_restarts_on_the_same_port() {
    let first = TestServer::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Path::new(PUB),
        vec![vec![Step::Send(r#"{"from":"first"}"#), Step::Hold]],
    )
    .await;
    let addr = first.addr;
    let base = first.base_url();
    let auth = FeedAuth::timestamp(signer(), API_KEY);
    let mut handle = feed::connect(config(&base, FeedKind::LiquidityHub, auth));
    let before = collect_messages(&mut handle, 1).await;
    assert_eq!(texts(&before), [r#"{"from":"first"}"#]);

    first.shutdown().await;
    // While nothing listens, attempts fail and are retried.
    let mut gap = Vec::new();
    loop {
        let e = tokio::time::timeout(WAIT, handle.recv())
            .await
            .unwrap()
            .unwrap();
        let refused = matches!(&e, FeedEvent::Disconnected { reason, retry_in: Some(_) } if reason.contains("refused"));
        gap.push(e);
        if refused {
            break;
        }
    }
    assert!(
        gap.iter().all(|e| !e.is_final()),
        "the feed gave up: {gap:#?}"
    );

    let second = TestServer::start(
        TcpListener::bind(addr).await.unwrap(),
        Path::new(PUB),
        vec![vec![Step::Send(r#"{"from":"second"}"#), Step::Hold]],
    )
    .await;
    let after = collect_messages(&mut handle, 1).await;
    assert_eq!(texts(&after), [r#"{"from":"second"}"#]);
    let seen = second.handshakes();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].valid);
    assert!(matches!(seen[0].value, AuthValue::Timestamp(_)));
    handle.close().await;
    assert_eq!(second.closes(), [Some(CloseCode::Normal)]);
}

#[tokio::test]
async fn a_refused_handshake_surfaces_the_1020_reason_and_is_not_retried() {
    // The server knows another key: the signature cannot verify.
    let server = TestServer::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Path::new(OTHER_PUB),
        vec![vec![Step::Hold]],
    )
    .await;
    let auth = FeedAuth::timestamp(signer(), API_KEY);
    let mut handle = feed::connect(config(
        &server.base_url(),
        FeedKind::CoreClient("C1".into()),
        auth,
    ));
    let events = collect_messages(&mut handle, 1).await;
    let Some(FeedEvent::Failed(err)) = events.last() else {
        panic!("expected a failure: {events:#?}");
    };
    let refusal = err.refusal().expect("a refusal");
    assert_eq!(refusal.status, 401);
    assert_eq!(refusal.code.as_deref(), Some("1020"));
    assert_eq!(refusal.reason.as_deref(), Some("signature"));
    let text = err.to_string();
    assert!(text.contains("reason: signature"), "{text}");
    assert!(text.contains("empty body"), "{text}");
    assert!(matches!(err, FeedError::Refused(_)));
    // The feed ended; one attempt only.
    assert!(handle.recv().await.is_none());
    assert_eq!(server.handshakes().len(), 1);
}

#[tokio::test]
async fn dropping_the_handle_closes_the_connection() {
    let server = TestServer::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Path::new(PUB),
        vec![vec![Step::Send("hello"), Step::Hold]],
    )
    .await;
    let auth = FeedAuth::timestamp(signer(), API_KEY);
    let mut handle = feed::connect(config(&server.base_url(), FeedKind::Wallets, auth));
    let events = collect_messages(&mut handle, 1).await;
    // Not JSON: kept as text, no json.
    assert!(events.iter().any(|e| matches!(e,
        FeedEvent::Message { text, json: None, .. } if text == "hello")));
    drop(handle);
    let deadline = tokio::time::Instant::now() + WAIT;
    while server.closes().is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "no Close frame");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(server.closes(), [Some(CloseCode::Normal)]);
}

#[tokio::test]
async fn a_silent_server_is_noticed_by_keepalive_pings() {
    let server = TestServer::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Path::new(PUB),
        vec![vec![Step::Stall], vec![Step::Send("back"), Step::Hold]],
    )
    .await;
    let auth = FeedAuth::timestamp(signer(), API_KEY);
    let mut c = config(&server.base_url(), FeedKind::Wallets, auth);
    c.keepalive = Duration::from_millis(50);
    let mut handle = feed::connect(c);
    let events = collect_messages(&mut handle, 1).await;
    assert!(
        events.iter().any(|e| matches!(e,
            FeedEvent::Disconnected { reason, retry_in: Some(_) } if reason.contains("no answer from the server"))),
        "{events:#?}"
    );
    assert_eq!(texts(&events), ["back"]);
    assert_eq!(server.handshakes().len(), 2);
    handle.close().await;
}

#[tokio::test]
async fn wss_to_a_plain_http_server_fails_as_tls_without_retrying() {
    // A plain HTTP server answers a TLS ClientHello with text, as the mock would.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(Mutex::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut stream, _)) = listener.accept().await {
            *count.lock().unwrap() += 1;
            let _ = stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let url = format!("wss://{addr}/api/v1/p/wallets/feed");
    let mut c = FeedConfig::new(
        FeedTarget::parse(&url).unwrap(),
        FeedAuth::timestamp(signer(), API_KEY),
    );
    c.backoff.initial = Duration::from_millis(20);
    let mut handle = feed::connect(c);
    let events = collect_messages(&mut handle, 1).await;
    match events.last() {
        Some(FeedEvent::Failed(FeedError::Connect { kind, detail, .. })) => {
            assert_eq!(*kind, feed::ConnectKind::Tls, "{detail}");
            assert!(detail.contains("use ws://"), "{detail}");
        }
        other => panic!("expected a TLS failure, got {events:#?} ending in {other:?}"),
    }
    assert_eq!(*connections.lock().unwrap(), 1, "retried: {events:#?}");
}

// ---- the `xsign listen` command, through the binary ----

async fn run_listen(c: &Creds, args: &[&str]) -> std::process::Output {
    tokio::time::timeout(WAIT, listen_cmd(c, args).output())
        .await
        .expect("xsign listen did not finish")
        .unwrap()
}

const ACTION: &str = r#"{"id":"1i8O3CAQCpny0xvYMhMVPHzIcih","clientID":"C1","type":"ApproveTransfer","status":"pending","timestamp":1601972322,"expireTime":1601973322}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_prints_core_client_actions_readably_and_other_messages_as_json_lines() {
    let server = TestServer::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Path::new(PUB),
        vec![vec![Step::Send(ACTION), Step::Hold]],
    )
    .await;
    let c = creds(API_KEY);
    let base = server.base_url();

    let out = run_listen(
        &c,
        &["--feed", "coreclient:C1", "--base-url", &base, "--once"],
    )
    .await;
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let line = stdout.trim_end();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    // `HH:MM:SS action ...`
    assert_eq!(&line[2..3], ":");
    assert_eq!(
        &line[9..],
        "action 1i8O3CAQCpny0xvYMhMVPHzIcih type=ApproveTransfer status=pending expires 2020-10-06T08:35:22Z"
    );
    assert!(stderr.contains("connected (x-timestamp "), "{stderr}");

    let out = run_listen(
        &c,
        &[
            "--feed",
            "coreclient:C1",
            "--base-url",
            &base,
            "--once",
            "--json",
        ],
    )
    .await;
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{ACTION}\n")
    );

    let seen = server.handshakes();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter().all(
            |s| s.valid && s.url == format!("ws://{}/api/v1/p/coreclient/C1/feed", server.addr)
        )
    );
    // Both commands ended with a Close frame.
    assert_eq!(server.closes(), [Some(CloseCode::Normal); 2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_folds_pretty_json_to_one_line_and_quotes_text() {
    let server = TestServer::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Path::new(PUB),
        vec![
            vec![
                Step::Send("{\n  \"txID\": \"t1\",\n  \"status\": \"new\"\n}"),
                Step::Hold,
            ],
            vec![Step::Send("not json\tat all"), Step::Hold],
        ],
    )
    .await;
    let c = creds(API_KEY);
    let url = format!("ws://{}/api/v1/p/liquidityhub/feed", server.addr);
    let out = run_listen(&c, &[&url, "--once", "--nonce"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\"txID\":\"t1\",\"status\":\"new\"}\n"
    );
    let out = run_listen(&c, &[&url, "--once"]).await;
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "\"not json\\tat all\"\n"
    );
    let seen = server.handshakes();
    assert!(matches!(seen[0].value, AuthValue::Nonce(_)), "{seen:?}");
    assert!(seen.iter().all(|s| s.valid));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_explains_a_refused_handshake_and_fails() {
    let server = TestServer::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Path::new(OTHER_PUB),
        vec![vec![Step::Hold]],
    )
    .await;
    let c = creds(API_KEY);
    let out = run_listen(&c, &["--feed", "wallets", "--base-url", &server.base_url()]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "error: the server refused the feed: HTTP 401 1020 errPartnerAuth, reason: signature."
        ),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_closes_cleanly_on_ctrl_c() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let server = TestServer::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Path::new(PUB),
        vec![vec![Step::Send(r#"{"wallet":"w1"}"#), Step::Hold]],
    )
    .await;
    let c = creds(API_KEY);
    let mut child = listen_cmd(&c, &["--feed", "wallets", "--base-url", &server.base_url()])
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(WAIT, stdout.next_line())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.as_deref(), Some(r#"{"wallet":"w1"}"#));
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(server.closes(), [Some(CloseCode::Normal)]);
}
