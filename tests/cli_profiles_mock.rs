//! Against the embedded mock on 127.0.0.1:0: `xsign listen` with nothing but a profile,
//! and the command `xsign sign --curl` prints, run by the real curl, accepted by the mock.

mod cli_support;
mod mock_support;

use cli_support::Sandbox;
use mock_support::{API_KEY, Client, start};
use serde_json::Value;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use xsign::catalog::Catalog;
use xsign::mock::{MockConfig, MockHandle};

const WAIT: Duration = Duration::from_secs(10);

/// A default profile `mock` pointing at the mock, with the key and API key outside the
/// working directory.
fn mock_profile(sb: &Sandbox, mock: &MockHandle, mode: &str) {
    let key = sb.root().join("mock.pem");
    sb.put_key(&key);
    let apikey = sb.root().join("mock.apikey");
    std::fs::write(&apikey, format!("{API_KEY}\n")).unwrap();
    sb.ok(&[
        "profile",
        "add",
        "mock",
        "--base-url",
        &mock.base_url(),
        "--api-key-file",
        apikey.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--mode",
        mode,
        "--default",
    ]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_takes_base_url_keys_and_mode_from_the_profile() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let (company, wallet, client) = c.setup_transfer().await;
    let sb = Sandbox::new();
    mock_profile(&sb, &mock, "nonce");

    let mut child = tokio::process::Command::from(sb.cmd(&[
        "listen",
        "--feed",
        &format!("coreclient:{client}"),
        "--once",
    ]))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .kill_on_drop(true)
    .spawn()
    .unwrap();
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
        // The profile's mode: the handshake is signed with a nonce.
        if line.starts_with("connected (x-nonce ") {
            break;
        }
    }
    assert!(
        log.contains(&format!(
            "connecting to {}",
            mock.base_url().replace("http://", "ws://")
        )),
        "the profile's base URL, as ws://: {log}"
    );

    let e = Catalog::builtin()
        .find("POST", "/company/{company_id}/transfer")
        .unwrap();
    let mut body: Value = serde_json::from_str(&e.example_body().unwrap()).unwrap();
    body["wallet_id"] = wallet.into();
    body["authorize_id"] = client.clone().into();
    let r = c
        .call(
            "POST",
            &format!("/company/{company}/transfer"),
            &serde_json::to_vec(&body).unwrap(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));

    let out = tokio::time::timeout(WAIT, child.wait_with_output())
        .await
        .expect("listen did not print the action")
        .unwrap();
    assert!(out.status.success(), "{log}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("type=ApproveTransfer"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_without_a_profile_keeps_the_reference_defaults() {
    let mock = start(MockConfig::default()).await;
    let sb = Sandbox::new();
    sb.put_key(&sb.work().join("private.pem"));
    std::fs::write(sb.work().join("apikey"), format!("{API_KEY}\n")).unwrap();
    let out = tokio::process::Command::from(sb.cmd(&[
        "listen",
        "--feed",
        "wallets",
        "--base-url",
        &mock.base_url(),
        "--no-reconnect",
    ]))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .kill_on_drop(true)
    .spawn()
    .unwrap();
    let mut child = out;
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = loop {
        let line = tokio::time::timeout(WAIT, stderr.next_line())
            .await
            .expect("listen never connected")
            .unwrap()
            .expect("listen ended before connecting");
        if !line.starts_with("connecting") {
            break line;
        }
    };
    assert!(
        line.starts_with("connected (x-timestamp "),
        "./private.pem and ./apikey sign the handshake: {line}"
    );
    child.kill().await.unwrap();
}

/// The mock rebuilds the URL from the request target as received, so a URL that curl
/// sends in another form than typed only passes when the wire form was signed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_curl_command_gets_a_200_for_a_url_rewritten_on_the_wire() {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no curl on PATH");
        return;
    }
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let created = c
        .call(
            "POST",
            "/company",
            br#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"acme.com"}"#,
        )
        .await;
    assert_eq!(created.status, 200);
    let sb = Sandbox::new();
    mock_profile(&sb, &mock, "timestamp");

    // A space in the query: typed as is, sent as %20.
    let out = sb.run(
        &["sign", "--url", "/company/search?query=ACME Corp", "--curl"],
        b"",
    );
    assert!(out.status.success(), "{}", cli_support::stderr(&out));
    let err = cli_support::stderr(&out);
    assert!(err.contains("query=ACME%20Corp"), "{err}");
    assert!(err.contains("the curl command sends that form"), "{err}");
    let command = cli_support::stdout(&out);
    assert!(command.contains("query=ACME%20Corp'"), "{command}");

    let curl = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} --silent --show-error --noproxy '*' -w '\\n%{{http_code}}'",
            command.trim_end()
        ))
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&curl.stdout).into_owned();
    assert!(
        text.ends_with("\n200"),
        "the mock accepts the signature over the wire URL: {text} {}",
        String::from_utf8_lossy(&curl.stderr)
    );
    assert!(text.contains("ACME Corp"), "{text}");
}
