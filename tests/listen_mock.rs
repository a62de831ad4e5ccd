//! `listen` and the feed client against the embedded mock on 127.0.0.1:0: the action a
//! signed transfer creates arrives on the core client's feed, and the feed survives the
//! mock restarting on the same port.

mod mock_support;

use mock_support::{API_KEY, Client, fixtures, private_key, start};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use xsign::catalog::Catalog;
use xsign::feed::{self, Backoff, FeedAuth, FeedConfig, FeedEvent, FeedKind, FeedTarget};
use xsign::mock::{MockConfig, MockServer};
use xsign::signing::RsaSigner;

const WAIT: Duration = Duration::from_secs(10);

/// The catalog's example transfer body, pointed at a real wallet and core client: what a
/// user composing `POST /company/{id}/transfer` in the workbench starts from.
fn transfer_body(wallet: &str, client: &str) -> Vec<u8> {
    let e = Catalog::builtin()
        .find("POST", "/company/{company_id}/transfer")
        .unwrap();
    let mut v: Value = serde_json::from_str(&e.example_body().unwrap()).unwrap();
    v["wallet_id"] = wallet.into();
    v["authorize_id"] = client.into();
    serde_json::to_vec(&v).unwrap()
}

async fn transfer(c: &Client, company: &str, wallet: &str, client: &str) -> String {
    let r = c
        .call(
            "POST",
            &format!("/company/{company}/transfer"),
            &transfer_body(wallet, client),
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["tx_id"].as_str().unwrap().to_string()
}

/// The pending actions of a core client, by id.
async fn action_ids(c: &Client, client: &str) -> Vec<String> {
    let r = c
        .call("GET", &format!("/coreclient/{client}/actions"), b"")
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

struct Creds {
    _dir: tempfile::TempDir,
    key: PathBuf,
    apikey: PathBuf,
    data: PathBuf,
}

fn creds() -> Creds {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("private.pem");
    std::fs::copy(fixtures().join("test-rsa2048.pkcs1.pem"), &key).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let apikey = dir.path().join("apikey");
    std::fs::write(&apikey, format!("{API_KEY}\n")).unwrap();
    let data = dir.path().join("data");
    Creds {
        key,
        apikey,
        data,
        _dir: dir,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_prints_the_action_a_signed_transfer_created() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let (company, wallet, client) = c.setup_transfer().await;
    let creds = creds();

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_xsign"))
        .arg("listen")
        .arg("--feed")
        .arg(format!("coreclient:{client}"))
        .arg("--base-url")
        .arg(mock.base_url())
        .arg("--once")
        .arg("--key")
        .arg(&creds.key)
        .arg("--apikey-file")
        .arg(&creds.apikey)
        .env("XSIGN_CONFIG_DIR", creds.data.join("config"))
        .env("XSIGN_DATA_DIR", &creds.data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // Send only once the feed is up: a feed does not replay what it missed.
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = String::new();
    loop {
        let line = tokio::time::timeout(WAIT, stderr.next_line())
            .await
            .expect("listen never connected")
            .unwrap()
            .unwrap_or_else(|| panic!("listen ended before connecting:\n{log}"));
        log.push_str(&line);
        log.push('\n');
        if line.starts_with("connected (x-timestamp ") {
            break;
        }
    }

    transfer(&c, &company, &wallet, &client).await;
    let out = tokio::time::timeout(WAIT, child.wait_with_output())
        .await
        .expect("listen did not print the action")
        .unwrap();
    assert!(out.status.success(), "{log}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let ids = action_ids(&c, &client).await;
    assert_eq!(ids.len(), 1);
    let line = stdout.trim_end();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let expected = format!(
        "action {} type=ApproveTransfer status=pending expires ",
        ids[0]
    );
    assert!(line[9..].starts_with(&expected), "{line}");
}

fn signer() -> Arc<RsaSigner> {
    Arc::new(RsaSigner::new(private_key()))
}

fn fast(config: &mut FeedConfig) {
    config.backoff = Backoff {
        initial: Duration::from_millis(50),
        max: Duration::from_millis(400),
        reset_after: Duration::from_secs(60),
    };
}

/// The next message, skipping status events; panics if the feed ends.
async fn next_message(handle: &mut feed::FeedHandle) -> FeedEvent {
    loop {
        let e = tokio::time::timeout(WAIT, handle.recv())
            .await
            .expect("no message in time")
            .expect("the feed ended");
        assert!(!e.is_final(), "the feed ended: {e:?}");
        if matches!(e, FeedEvent::Message { .. }) {
            return e;
        }
    }
}

/// Waits for the Connected event.
async fn connected(handle: &mut feed::FeedHandle) {
    loop {
        let e = tokio::time::timeout(WAIT, handle.recv())
            .await
            .expect("never connected")
            .expect("the feed ended");
        assert!(!e.is_final(), "the feed ended: {e:?}");
        if matches!(e, FeedEvent::Connected { .. }) {
            return;
        }
    }
}

#[tokio::test]
async fn the_feed_shows_an_action_and_its_approval() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let (company, wallet, client) = c.setup_transfer().await;
    let kind = FeedKind::CoreClient(client.clone());
    let mut config = FeedConfig::new(
        FeedTarget::for_feed(&mock.base_url(), &kind).unwrap(),
        FeedAuth::timestamp(signer(), API_KEY),
    );
    fast(&mut config);
    let mut handle = feed::connect(config);
    connected(&mut handle).await;

    transfer(&c, &company, &wallet, &client).await;
    let action = next_message(&mut handle).await.action().expect("an action");
    assert_eq!(action.client_id.as_deref(), Some(client.as_str()));
    assert_eq!(action.status.as_deref(), Some("pending"));
    assert_eq!(action_ids(&c, &client).await, vec![action.id.clone()]);

    // Approving it through the API pushes the new status on the same feed.
    let r = c
        .call(
            "PUT",
            &format!("/coreclient/{client}/action/{}", action.id),
            b"",
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let update = next_message(&mut handle).await.action().unwrap();
    assert_eq!(update.id, action.id);
    assert_eq!(update.status.as_deref(), Some("approved"));
    handle.close().await;
}

#[tokio::test]
async fn the_feed_reconnects_when_the_mock_restarts_on_the_same_port() {
    let data = tempfile::tempdir().unwrap();
    let config = || MockConfig {
        data_dir: Some(data.path().to_path_buf()),
        ..Default::default()
    };
    let first = start(config()).await;
    let addr = first.addr();
    let c = Client::new(&first);
    let (company, wallet, client) = c.setup_transfer().await;

    let kind = FeedKind::CoreClient(client.clone());
    let mut feed_config = FeedConfig::new(
        FeedTarget::for_feed(&first.base_url(), &kind).unwrap(),
        FeedAuth::timestamp(signer(), API_KEY),
    );
    fast(&mut feed_config);
    let mut handle = feed::connect(feed_config);
    connected(&mut handle).await;
    transfer(&c, &company, &wallet, &client).await;
    let before = next_message(&mut handle).await.action().unwrap();

    first.shutdown().await.unwrap();
    // The feed notices and keeps trying while nothing listens.
    loop {
        let e = tokio::time::timeout(WAIT, handle.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(!e.is_final(), "the feed gave up: {e:?}");
        if matches!(
            &e,
            FeedEvent::Disconnected {
                retry_in: Some(_),
                ..
            }
        ) {
            break;
        }
    }

    // The same port, the state saved under --data: the core client still exists.
    let second = MockServer::start(config(), addr).await.unwrap();
    second.register(API_KEY, private_key().public_key());
    connected(&mut handle).await;
    let c2 = Client::new(&second);
    transfer(&c2, &company, &wallet, &client).await;
    let after = next_message(&mut handle).await.action().unwrap();
    assert_ne!(after.id, before.id);
    assert_eq!(after.status.as_deref(), Some("pending"));
    handle.close().await;
    second.shutdown().await.unwrap();
}
