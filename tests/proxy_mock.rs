//! `xsign proxy` end to end: an unsigned reqwest client → the proxy → the embedded mock (or
//! a capturing server that checks the bytes and the signature itself).

mod mock_support;

use futures_util::{SinkExt, StreamExt};
use mock_support::{API_KEY, other_key, private_key, start};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use xsign::catalog::Catalog;
use xsign::cli::proxy::{Upstream, config};
use xsign::mock::{MockConfig, MockHandle};
use xsign::proxy::{DOCTOR_HEADER, LINT_HEADER, ProxyConfig, ProxyEvent, ProxyHandle, ProxyServer};
use xsign::signing::{AuthMode, AuthValue, NonceStore, Payload, PrivateKey, verify_x_sign};
use xsign::store::History;

struct Proxy {
    handle: ProxyHandle,
    events: Arc<Mutex<Vec<ProxyEvent>>>,
    history: History,
    _dirs: tempfile::TempDir,
}

fn proxy_config(
    base_url: &str,
    key: PrivateKey,
    api_key: &str,
    mode: AuthMode,
    dirs: &tempfile::TempDir,
    events: Arc<Mutex<Vec<ProxyEvent>>>,
) -> ProxyConfig {
    let mut c = config(Upstream {
        base_url: base_url.to_string(),
        api_key: api_key.to_string(),
        key: Some(key),
        key_path: None,
        mode,
        profile: "test".into(),
        headers: vec![],
        timeout: Duration::from_secs(10),
        client: xsign::http::client().unwrap(),
        recorder: Arc::new(History::new(dirs.path().join("history"), 1000)),
        on_event: Arc::new(move |e| events.lock().unwrap().push(e)),
    });
    c.nonces = (mode == AuthMode::Nonce).then(|| NonceStore::new(dirs.path().join("nonces")));
    c
}

async fn start_proxy(base_url: &str, key: PrivateKey, api_key: &str, mode: AuthMode) -> Proxy {
    let dirs = tempfile::tempdir().unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let c = proxy_config(base_url, key, api_key, mode, &dirs, events.clone());
    let handle = ProxyServer::start(c, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    Proxy {
        handle,
        events,
        history: History::new(dirs.path().join("history"), 1000),
        _dirs: dirs,
    }
}

async fn in_front_of(mock: &MockHandle) -> Proxy {
    start_proxy(
        &mock.base_url(),
        private_key(),
        API_KEY,
        AuthMode::Timestamp,
    )
    .await
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

/// An unsigned request, as curl or Postman would send it.
async fn call(
    http: &reqwest::Client,
    proxy: &Proxy,
    method: &str,
    path: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> Reply {
    let mut req = http
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{path}", proxy.handle.url()),
        )
        .body(body.to_vec());
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    let resp = req.send().await.unwrap();
    Reply {
        status: resp.status().as_u16(),
        headers: resp.headers().clone(),
        body: resp.bytes().await.unwrap().to_vec(),
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[tokio::test]
async fn every_endpoint_the_mock_serves_answers_200_through_the_proxy() {
    let mock = start(MockConfig::default()).await;
    let proxy = in_front_of(&mock).await;
    let h = http();
    let catalog = Catalog::builtin();
    let mut done = Vec::new();
    let mut ok = async |method: &str, path: &str, body: Value| -> Value {
        let bytes = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        let r = call(&h, &proxy, method, path, &bytes, &[]).await;
        assert_eq!(
            r.status,
            200,
            "{method} {path}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let bare = path.split('?').next().unwrap();
        assert!(
            catalog.find(method, bare).is_some(),
            "{method} {bare} is in the catalog"
        );
        done.push(format!("{method} {path}"));
        r.json()
    };
    ok("GET", "/assets", Value::Null).await;
    let company = ok(
        "POST",
        "/company",
        json!({"name":"ACME Corp","city":"Paris","country":"FR","domain":"acme.com"}),
    )
    .await["company_id"]
        .as_str()
        .unwrap()
        .to_string();
    // A path that already holds the base path is not doubled.
    ok("GET", &format!("/api/v1/p/company/{company}"), Value::Null).await;
    ok(
        "PUT",
        &format!("/company/{company}"),
        json!({"name":"ACME Corp","city":"Lyon","country":"FR","domain":"acme.com"}),
    )
    .await;
    ok("GET", "/company/search?query=ACME", Value::Null).await;
    let fund = ok(
        "POST",
        &format!("/company/{company}/fund"),
        json!({"name":"Fund 1","wallets":[{"name":"w1","asset":"BTC-TESTNET"}]}),
    )
    .await["fund_id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        "GET",
        &format!("/company/{company}/fund/search"),
        Value::Null,
    )
    .await;
    let detail = ok(
        "GET",
        &format!("/company/{company}/fund/{fund}"),
        Value::Null,
    )
    .await;
    let wallet = detail["wallets"][0]["wallet_id"]
        .as_str()
        .unwrap()
        .to_string();
    let client = ok("POST", "/coreclient", json!({"name":"approver"})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok("GET", "/coreclient", Value::Null).await;
    let transfer = json!({"wallet_id": wallet, "counterparty_wallet_address": "x", "send": {"symbol": "BTC", "amount": 800}});
    let tx = ok(
        "POST",
        &format!("/company/{company}/transfer"),
        transfer.clone(),
    )
    .await["tx_id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        "GET",
        &format!("/company/{company}/transfer/{tx}"),
        Value::Null,
    )
    .await;
    let actions = ok("GET", &format!("/coreclient/{client}/actions"), Value::Null).await;
    let action = actions
        .as_array()
        .or_else(|| actions["actions"].as_array())
        .and_then(|a| a.first())
        .and_then(|a| a["id"].as_str())
        .unwrap_or_else(|| panic!("an action: {actions}"))
        .to_string();
    ok(
        "GET",
        &format!("/coreclient/{client}/action/{action}"),
        Value::Null,
    )
    .await;
    ok(
        "PUT",
        &format!("/coreclient/{client}/action/{action}"),
        Value::Null,
    )
    .await;
    ok(
        "POST",
        &format!("/company/{company}/liquidityhub"),
        json!({ "tx_id": tx }),
    )
    .await;
    let tx2 = ok("POST", &format!("/company/{company}/transfer"), transfer).await["tx_id"]
        .as_str()
        .unwrap()
        .to_string();
    let actions = ok("GET", &format!("/coreclient/{client}/actions"), Value::Null).await;
    let second = actions
        .as_array()
        .or_else(|| actions["actions"].as_array())
        .unwrap()
        .iter()
        .find(|a| a["id"].as_str() != Some(action.as_str()))
        .and_then(|a| a["id"].as_str())
        .unwrap_or_else(|| panic!("a second action for {tx2}: {actions}"))
        .to_string();
    ok(
        "DELETE",
        &format!("/coreclient/{client}/action/{second}"),
        Value::Null,
    )
    .await;

    // Every exchange is in the history, as the proxy's.
    let recorded = proxy.history.recent(100).unwrap();
    assert_eq!(recorded.len(), done.len());
    assert!(
        recorded
            .iter()
            .all(|e| e.source.as_deref() == Some("proxy"))
    );
    assert!(
        recorded
            .iter()
            .all(|e| e.response.as_ref().is_some_and(|r| r.status == 200))
    );
    assert!(recorded.iter().all(|e| e.x_sign.is_some()));
}

/// What reached the capturing server.
#[derive(Debug, Clone)]
struct Captured {
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// An upstream that keeps each request and checks its x-sign over value + URL + body.
async fn capturing_upstream() -> (String, Arc<Mutex<Vec<Captured>>>) {
    let seen: Arc<Mutex<Vec<Captured>>> = Arc::default();
    let keep = seen.clone();
    let app = axum::Router::new().fallback(move |req: axum::http::Request<axum::body::Body>| {
        let keep = keep.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 4 << 20).await.unwrap().to_vec();
            let host = parts.headers["host"].to_str().unwrap().to_string();
            let url = format!("http://{host}{}", parts.uri);
            let headers: Vec<(String, String)> = parts
                .headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
                .collect();
            let get = |n: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| v.clone())
                    .unwrap()
            };
            let ts: i64 = get("x-timestamp").parse().unwrap();
            let payload = Payload::new(AuthValue::Timestamp(ts), &url, &body);
            let verified =
                verify_x_sign(&private_key().public_key(), &payload, &get("x-sign")).is_ok();
            keep.lock().unwrap().push(Captured { url, headers, body });
            if verified {
                (axum::http::StatusCode::OK, "{\"ok\":true}")
            } else {
                (axum::http::StatusCode::UNAUTHORIZED, "{\"ok\":false}")
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/api/v1/p"), seen)
}

#[tokio::test]
async fn bodies_arrive_upstream_byte_exact_and_signed_over_those_bytes() {
    let (base, seen) = capturing_upstream().await;
    let proxy = start_proxy(&base, private_key(), API_KEY, AuthMode::Timestamp).await;
    let h = http();
    let mut big = br#"{"pad":""#.to_vec();
    big.resize(1024 * 1024 - 2, b'a');
    big.extend_from_slice(b"\"}");
    assert_eq!(big.len(), 1024 * 1024);
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("crlf", b"{\r\n  \"a\": 1\r\n}".to_vec()),
        ("tabs", b"{\t\"a\":\t\"x\ty\"}".to_vec()),
        ("trailing newline", b"{\"a\":1}\n".to_vec()),
        ("not UTF-8", vec![b'{', 0xff, 0xfe, b'}', 0x00, 0x80]),
        ("1 MiB", big),
    ];
    for (what, body) in &bodies {
        let r = call(
            &h,
            &proxy,
            "POST",
            "/echo?x=%7e1",
            body,
            &[
                ("content-type", "text/plain"),
                ("x-sign", "forged"),
                ("x-trace", "t1"),
            ],
        )
        .await;
        assert_eq!(
            r.status, 200,
            "{what}: the capturing server verified the x-sign"
        );
        let got = seen.lock().unwrap().last().cloned().unwrap();
        assert_eq!(&got.body, body, "{what}: byte-exact upstream");
        assert_eq!(got.url.split('?').next().unwrap(), format!("{base}/echo"));
        let header = |n: &str| got.headers.iter().filter(|(k, _)| k == n).count();
        assert_eq!(header("x-sign"), 1, "{what}: the client's x-sign replaced");
        assert_eq!(header("x-api-key"), 1);
        assert!(got.headers.contains(&("x-trace".into(), "t1".into())));
        assert!(
            got.headers
                .contains(&("content-type".into(), "text/plain".into()))
        );
    }
    // The lint names what the API guide warns about, in band.
    let events = proxy.events.lock().unwrap().clone();
    assert!(
        events[1].lint.contains(&"tab".to_string()),
        "{:?}",
        events[1]
    );
    assert_eq!(events[0].replaced, ["x-sign"]);
    let r = call(&h, &proxy, "POST", "/echo", b"{\t\"a\":1}", &[]).await;
    assert_eq!(r.header(LINT_HEADER), Some("tab"));
    let r = call(&h, &proxy, "GET", "/echo", b"", &[]).await;
    assert_eq!(r.header(LINT_HEADER), None);
}

#[tokio::test]
async fn a_refused_request_gets_the_doctors_headline() {
    let mock = start(MockConfig::default()).await;
    let h = http();
    // A key the server does not hold for this API key.
    let proxy = start_proxy(&mock.base_url(), other_key(), API_KEY, AuthMode::Timestamp).await;
    let r = call(&h, &proxy, "GET", "/assets", b"", &[]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], 1020, "the body unchanged");
    let doctor = r.header(DOCTOR_HEADER).expect("x-xsign-doctor on a 1020");
    assert!(doctor.contains("another public key"), "{doctor}");
    let e = proxy.events.lock().unwrap()[0].clone();
    assert!(e.doctor_text.unwrap().contains("what to do"));

    // An API key the server does not know.
    let proxy = start_proxy(
        &mock.base_url(),
        private_key(),
        "unknown-key",
        AuthMode::Timestamp,
    )
    .await;
    let r = call(&h, &proxy, "GET", "/assets", b"", &[]).await;
    assert_eq!(r.status, 401);
    let doctor = r.header(DOCTOR_HEADER).unwrap();
    assert!(doctor.to_lowercase().contains("api key"), "{doctor}");

    // A server whose window no timestamp meets: the stale-clock verdict.
    let strict = start(MockConfig {
        skew_secs: -1,
        ..MockConfig::default()
    })
    .await;
    let proxy = in_front_of(&strict).await;
    let r = call(&h, &proxy, "GET", "/assets", b"", &[]).await;
    assert_eq!(r.status, 401);
    let doctor = r.header(DOCTOR_HEADER).unwrap();
    assert!(doctor.to_lowercase().contains("timestamp"), "{doctor}");
}

#[tokio::test]
async fn a_websocket_through_the_proxy_receives_the_action_a_transfer_pushes() {
    let mock = start(MockConfig::default()).await;
    let proxy = in_front_of(&mock).await;
    let h = http();
    let (company, wallet, client) = mock_support::Client::new(&mock).setup_transfer().await;
    let ws_url = format!("ws://{}/coreclient/{client}/feed", proxy.handle.addr());
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url).await.unwrap();
    let body = json!({"wallet_id": wallet, "counterparty_wallet_address": "x", "send": {"symbol": "BTC", "amount": 800}});
    let r = call(
        &h,
        &proxy,
        "POST",
        &format!("/company/{company}/transfer"),
        body.to_string().as_bytes(),
        &[],
    )
    .await;
    assert_eq!(r.status, 200);
    let action = loop {
        let m = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("an action within 5 s")
            .expect("the feed stays open")
            .unwrap();
        if let Message::Text(t) = m {
            break serde_json::from_str::<Value>(t.as_str()).unwrap();
        }
    };
    assert_eq!(action["clientID"], client.as_str());
    // The client closes; the close goes through and the stream ends.
    ws.send(Message::Close(None)).await.unwrap();
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(m) = ws.next().await {
            if matches!(m, Ok(Message::Close(_)) | Err(_)) {
                return;
            }
        }
    })
    .await;
    assert!(end.is_ok(), "the close completes");
    assert!(
        proxy
            .events
            .lock()
            .unwrap()
            .iter()
            .any(|e| e.websocket && e.status == Some(101))
    );

    // An unknown core client: upstream's refusal comes back as it was.
    let bad = format!("ws://{}/coreclient/nope/feed", proxy.handle.addr());
    let err = tokio_tungstenite::connect_async(bad).await.unwrap_err();
    match err {
        tokio_tungstenite::tungstenite::Error::Http(resp) => assert!(resp.status().as_u16() >= 400),
        other => panic!("{other}"),
    }

    // Both handshakes are in the history, as signed and answered, from the proxy.
    let entries = proxy.history.recent(10).unwrap();
    let feeds: Vec<_> = entries
        .iter()
        .filter(|e| e.url.starts_with("ws://"))
        .collect();
    assert_eq!(feeds.len(), 2, "{entries:#?}");
    let ok = feeds
        .iter()
        .find(|e| e.url.ends_with(&format!("/coreclient/{client}/feed")))
        .unwrap();
    assert_eq!(ok.method, "GET");
    assert_eq!(ok.response.as_ref().unwrap().status, 101);
    assert_eq!(ok.source.as_deref(), Some("proxy"));
    assert_eq!(ok.scheme.as_deref(), Some("partner-rsa"));
    assert!(ok.x_sign.is_some() && ok.payload_hash.is_some() && ok.auth.is_some());
    assert!(
        !ok.request_headers
            .iter()
            .any(|(n, v)| n == "x-api-key" && v == API_KEY),
        "the API key is masked: {:?}",
        ok.request_headers
    );
    let refused = feeds
        .iter()
        .find(|e| e.url.ends_with("/nope/feed"))
        .unwrap();
    assert!(refused.response.as_ref().unwrap().status >= 400);
}

#[tokio::test]
async fn a_refused_feed_handshake_gets_the_doctors_headline() {
    let mock = start(MockConfig::default()).await;
    let (_, _, client) = mock_support::Client::new(&mock).setup_transfer().await;
    // A key the server does not hold for this API key.
    let proxy = start_proxy(&mock.base_url(), other_key(), API_KEY, AuthMode::Timestamp).await;
    let url = format!("ws://{}/coreclient/{client}/feed", proxy.handle.addr());
    let err = tokio_tungstenite::connect_async(url).await.unwrap_err();
    let tokio_tungstenite::tungstenite::Error::Http(resp) = err else {
        panic!("{err}")
    };
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = serde_json::from_slice(resp.body().as_deref().unwrap()).unwrap();
    assert_eq!(body["code"], 1020, "the body unchanged");
    let doctor = resp.headers()[DOCTOR_HEADER].to_str().unwrap();
    assert!(doctor.contains("another public key"), "{doctor}");
    let e = proxy.history.recent(1).unwrap().remove(0);
    assert_eq!(e.response.unwrap().status, 401);
    assert!(e.url.starts_with("ws://"));
}

#[tokio::test]
async fn the_subprotocol_the_client_offers_goes_upstream_and_the_chosen_one_comes_back() {
    use axum::extract::ws::WebSocketUpgrade;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    // An upstream that speaks only "qredo.v2" and echoes one text frame.
    let app = axum::Router::new().route(
        "/api/v1/p/feed",
        axum::routing::get(|up: WebSocketUpgrade| async move {
            up.protocols(["qredo.v2"]).on_upgrade(|mut ws| async move {
                if let Some(Ok(m)) = ws.recv().await {
                    let _ = ws.send(m).await;
                }
            })
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let proxy = start_proxy(
        &format!("http://{addr}/api/v1/p"),
        private_key(),
        API_KEY,
        AuthMode::Timestamp,
    )
    .await;
    let mut req = format!("ws://{}/feed", proxy.handle.addr())
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "sec-websocket-protocol",
        "qredo.v1, qredo.v2".parse().unwrap(),
    );
    let (mut ws, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(resp.headers()["sec-websocket-protocol"], "qredo.v2");
    ws.send(Message::text("hello")).await.unwrap();
    let m = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(m, Message::text("hello"));
}

// Several workers, so that without the ordering requests really do overtake each other.
/// More clients at once than the proxy keeps connections open: the ones past the limit
/// wait their turn (as they would in the kernel's backlog) rather than being reset, since
/// every open connection is at work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_past_the_connection_limit_wait_their_turn() {
    let mock = start(MockConfig::default()).await;
    let dirs = tempfile::tempdir().unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let mut c = proxy_config(
        &mock.base_url(),
        private_key(),
        API_KEY,
        AuthMode::Timestamp,
        &dirs,
        events,
    );
    c.max_connections = 3;
    let handle = ProxyServer::start(c, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("{}/assets", handle.url());
    let mut tasks = Vec::new();
    for _ in 0..24 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            // A client of its own: a connection of its own.
            http().get(&url).send().await.map(|r| r.status().as_u16())
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().expect("answered, not reset"), 200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_clients_by_25_requests_in_nonce_mode_are_all_accepted() {
    let mock = start(MockConfig::default()).await;
    let proxy =
        Arc::new(start_proxy(&mock.base_url(), private_key(), API_KEY, AuthMode::Nonce).await);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let proxy = proxy.clone();
        tasks.push(tokio::spawn(async move {
            let h = http();
            let mut ok = 0;
            for _ in 0..25 {
                let r = call(&h, &proxy, "GET", "/assets", b"", &[]).await;
                if r.status == 200 {
                    ok += 1;
                } else {
                    eprintln!("{}: {}", r.status, String::from_utf8_lossy(&r.body));
                }
            }
            ok
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        accepted += t.await.unwrap();
    }
    assert_eq!(accepted, 200);
    assert!(mock.last_nonce(API_KEY).is_some());
}

#[tokio::test]
async fn refusals_name_the_fix_in_the_apis_error_shape() {
    let mock = start(MockConfig::default()).await;
    let proxy = in_front_of(&mock).await;
    let h = http();
    let port = proxy.handle.addr().port();
    // (headers, body, status, what the refusal says)
    type Refusal<'a> = (Vec<(&'a str, String)>, Vec<u8>, u16, &'a str);
    let cases: Vec<Refusal<'_>> = vec![
        (
            vec![("host", format!("evil.example:{port}"))],
            vec![],
            403,
            "errProxyHost",
        ),
        (
            vec![("origin", "https://evil.example".into())],
            vec![],
            403,
            "errProxyOrigin",
        ),
        (
            vec![("sec-fetch-site", "cross-site".into())],
            vec![],
            403,
            "errProxyOrigin",
        ),
        (
            vec![],
            vec![b'a'; 1024 * 1024 + 1],
            413,
            "errPayloadTooLarge",
        ),
    ];
    for (headers, body, status, msg) in cases {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let r = call(&h, &proxy, "POST", "/company", &body, &headers).await;
        assert_eq!(r.status, status, "{headers:?}");
        let v = r.json();
        assert_eq!(v["code"], status);
        assert_eq!(v["msg"], msg);
        assert!(v["detail"]["reason"].as_str().unwrap().len() > 20);
    }
    // Nothing refused reached the mock or the history.
    assert!(proxy.history.recent(10).unwrap().is_empty());
    let allowed = {
        let dirs = tempfile::tempdir().unwrap();
        let mut c = proxy_config(
            &mock.base_url(),
            private_key(),
            API_KEY,
            AuthMode::Timestamp,
            &dirs,
            Arc::default(),
        );
        c.allowed_origins = vec!["http://localhost:3000".into()];
        let handle = ProxyServer::start(c, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        (handle, dirs)
    };
    let r = h
        .get(format!("{}/assets", allowed.0.url()))
        .header("origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// A qredo-v1 profile behind the proxy: the unsigned client's GET /balance and POST
/// /transaction go upstream signed with the HMAC (ts + METHOD + URL + body), a signature
/// header the client sent is replaced, and the exchange is recorded as qredo-v1.
#[tokio::test]
async fn the_proxy_signs_for_a_qredo_v1_profile() {
    use xsign::secret::QredoSecret;
    use xsign::signing::{HmacV1Signer, RequestSigner};
    let mock = start(MockConfig::default()).await;
    let secret = QredoSecret::generate();
    mock.register_qredo("qredo-proxy-key-0123456789", secret.clone());
    let dirs = tempfile::tempdir().unwrap();
    let c = config(Upstream {
        base_url: mock.qapi_v1_url(),
        api_key: "qredo-proxy-key-0123456789".into(),
        key: None,
        key_path: None,
        mode: AuthMode::Timestamp,
        profile: "qredo-v1-test".into(),
        headers: vec![],
        timeout: Duration::from_secs(10),
        client: xsign::http::client().unwrap(),
        recorder: Arc::new(History::new(dirs.path().join("history"), 1000)),
        on_event: Arc::new(|_| {}),
    });
    let signer: Arc<dyn RequestSigner> = Arc::new(HmacV1Signer::new(secret));
    let c = xsign::cli::proxy::with_hmac(c, Some(signer));
    let handle = ProxyServer::start(c, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let proxy = Proxy {
        handle,
        events: Arc::new(Mutex::new(Vec::new())),
        history: History::new(dirs.path().join("history"), 1000),
        _dirs: dirs,
    };
    let r = call(
        &http(),
        &proxy,
        "GET",
        "/balance",
        b"",
        &[("qredo-api-sig", "forged")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(String::from_utf8_lossy(&r.body).contains("ETH"));
    assert_eq!(
        r.header(LINT_HEADER),
        None,
        "linted as qredo-v1, not scheme-mixed"
    );
    let body = br#"{"from":"a","to":"b","value":"1","gasLimit":"21000"}"#;
    let r = call(&http(), &proxy, "POST", "/transaction", body, &[]).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    // The proxy records once its own task finishes; wait for it (bounded).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let entries = loop {
        let e = proxy.history.recent(10).unwrap();
        if e.len() >= 2 || std::time::Instant::now() > deadline {
            break e;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        entries
            .iter()
            .all(|e| e.scheme.as_deref() == Some("qredo-v1")),
        "{:?}",
        entries.iter().map(|e| &e.scheme).collect::<Vec<_>>()
    );
}

/// A qredo-v2 profile behind the proxy: the client's calls carry no credentials; the proxy
/// fetches the workspace's token once (recorded), sends every call with it as x-token, and
/// after the server refuses a token, forgets it and fetches a new one on the next call.
#[tokio::test]
async fn the_proxy_carries_a_qredo_v2_token_it_fetched_once() {
    use xsign::secret::QredoSecret;
    use xsign::signing::{HmacV1Signer, RequestSigner};
    let mock = start(MockConfig::default()).await;
    let secret = QredoSecret::generate();
    let api_key = "qredo-proxy-v2-key-0123456789";
    mock.register_qredo(api_key, secret.clone());
    let dirs = tempfile::tempdir().unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let c = config(Upstream {
        base_url: mock.qapi_v2_url(),
        api_key: api_key.into(),
        key: None,
        key_path: None,
        mode: AuthMode::Timestamp,
        profile: "qredo-v2-test".into(),
        headers: vec![],
        timeout: Duration::from_secs(10),
        client: xsign::http::client().unwrap(),
        recorder: Arc::new(History::new(dirs.path().join("history"), 1000)),
        on_event: Arc::new(move |e| seen.lock().unwrap().push(e)),
    });
    let signer: Arc<dyn RequestSigner> = Arc::new(HmacV1Signer::v2(secret));
    let cache = xsign::store::token::TokenCache::new(dirs.path().join("tokens"));
    let mut c = xsign::cli::proxy::with_hmac(c, Some(signer.clone()));
    c.token = Some(xsign::http::TokenSource {
        profile: "qredo-v2-test".into(),
        base_url: mock.qapi_v2_url(),
        workspace: "ws-proxy".into(),
        api_key: api_key.into(),
        signer,
        cache: cache.clone(),
    });
    let handle = ProxyServer::start(c, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let proxy = Proxy {
        handle,
        events: events.clone(),
        history: History::new(dirs.path().join("history"), 1000),
        _dirs: dirs,
    };
    for path in [
        "/workspaces/ws-proxy/wallets",
        "/workspaces/ws-proxy/balances",
    ] {
        let r = call(&http(), &proxy, "GET", path, b"", &[]).await;
        assert_eq!(
            r.status,
            200,
            "{path}: {}",
            String::from_utf8_lossy(&r.body)
        );
    }
    let wait_events = |n: usize| {
        let events = events.clone();
        async move {
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            loop {
                let e = events.lock().unwrap().clone();
                if e.len() >= n || std::time::Instant::now() > deadline {
                    return e;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    let seen = wait_events(2).await;
    let fetched: Vec<_> = seen.iter().filter(|e| e.token.is_some()).collect();
    assert_eq!(fetched.len(), 1, "one fetch for two calls: {seen:?}");
    assert!(
        fetched[0]
            .token
            .as_deref()
            .unwrap()
            .contains("/workspaces/ws-proxy/token"),
        "{seen:?}"
    );

    // A token the server refuses (a forged one in the cache) is forgotten, then refetched.
    let mut cached = cache.load("qredo-v2-test", api_key).unwrap();
    cached.token = format!("{}x", cached.token);
    cache.save("qredo-v2-test", api_key, &cached).unwrap();
    let r = call(
        &http(),
        &proxy,
        "GET",
        "/workspaces/ws-proxy/wallets",
        b"",
        &[],
    )
    .await;
    assert_eq!(r.status, 401, "{}", String::from_utf8_lossy(&r.body));
    let r = call(
        &http(),
        &proxy,
        "GET",
        "/workspaces/ws-proxy/wallets",
        b"",
        &[],
    )
    .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let seen = wait_events(4).await;
    assert!(seen[3].token.is_some(), "refetched: {seen:?}");
}
