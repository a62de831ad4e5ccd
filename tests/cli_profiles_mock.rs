//! Against the embedded mock on 127.0.0.1:0: `xsign listen` with nothing but a profile,
//! and the command `xsign sign --curl` prints, run by the real curl, accepted by the mock.

mod cli_support;
mod common;
mod mock_support;

use common::{listen_stdout, wait_for_line};

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
    // The profile's mode: the handshake is signed with a nonce.
    let log = wait_for_line(&mut stderr, "connected (x-nonce ").await;
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

    let stdout = listen_stdout(child, &log).await;
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

/// A profile's variables (`profile set-var`) render in `xsign run --profile` below the
/// scenario's `[vars]` and above `--var`, and in `xsign replay`; unset, the variable is
/// missing again and the error says where to set it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_variables_join_the_chain_below_vars_and_above_the_cli() {
    let mock = start(MockConfig::default()).await;
    let sb = Sandbox::new();
    mock_profile(&sb, &mock, "timestamp");
    for (var, value) in [("a", "prof"), ("b", "prof"), ("c", "prof")] {
        sb.ok(&["profile", "set-var", "mock", var, value]);
    }
    let shown = sb.ok(&["profile", "show", "mock"]);
    assert!(shown.contains("var:       {{a}} = prof"), "{shown}");
    let flow = sb.work().join("vars.toml");
    std::fs::write(
        &flow,
        "name = \"vars\"\n[vars]\nb = \"scen\"\n[[step]]\nname = \"search\"\nmethod = \"GET\"\n\
         url = \"/company/search?query={{a}}-{{b}}-{{c}}-{{d}}\"\nexpect = { status = 200 }\n",
    )
    .unwrap();
    sb.ok(&[
        "run",
        flow.to_str().unwrap(),
        "--profile",
        "mock",
        "--var",
        "c=cli",
        "--var",
        "d=cli",
    ]);
    sb.ok(&[
        "collection",
        "add",
        "default/search",
        "--url",
        "/company/search?query={{a}}-{{d}}",
    ]);
    sb.ok(&[
        "replay",
        "default/search",
        "--profile",
        "mock",
        "--var",
        "a=cli",
        "--var",
        "d=cli",
    ]);
    let history = sb.ok(&["history", "--json", "--limit", "2"]);
    let urls: Vec<String> = history
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["url"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(urls[0].ends_with("query=prof-cli"), "replay: {urls:?}");
    assert!(
        urls[1].ends_with("query=prof-scen-prof-cli"),
        "run: {urls:?}"
    );
    sb.ok(&["profile", "unset-var", "mock", "a"]);
    let out = sb.run(&["replay", "default/search", "--profile", "mock"], b"");
    let err = cli_support::stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("\"a\"") && err.contains("profile set-var"),
        "{err}"
    );
    let bad = sb.run(&["profile", "set-var", "mock", "a b", "x"], b"");
    assert!(!bad.status.success());
    mock.shutdown().await.unwrap();
}
