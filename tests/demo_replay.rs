//! A collection saved while `xsign demo` runs replays from the CLI against that running demo
//! with `--profile demo` and no other flag, whatever port the demo's mock got (issue 9 #6).

mod cli_support;
mod common;

use cli_support::{Sandbox, stderr, stdout};

use std::net::{SocketAddr, TcpListener};
use xsign::cli::demo::{Demo, start_at};

/// The demo's mock and profile set up in-process (all of `xsign demo` but the TUI), with the
/// sandbox's data dir as the one the CLI reads, preferring `port`.
async fn start_demo(sb: &Sandbox, port: u16) -> Demo {
    let dir = sb.root().join("data").join("demo");
    std::fs::create_dir_all(&dir).unwrap();
    // The fixture key, so no 2048-bit key is generated in a debug build.
    common::install_fixture_key(&dir.join("private.pem"));
    start_at(&dir, SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_saved_relative_replays_against_the_running_demo() {
    let sb = Sandbox::new();
    // Its usual port is taken (another mock, another demo): it listens elsewhere.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port();
    let demo = start_demo(&sb, taken_port).await;
    assert_ne!(demo.mock.addr().port(), taken_port);
    sb.ok(&["collection", "add", "mine/assets", "--url", "/assets"]);

    let out = run(sb.cmd(&["replay", "mine/assets", "--profile", "demo"])).await;
    assert!(
        out.status.success(),
        "the demo on {} was not reached: {}",
        demo.mock.base_url(),
        stderr(&out)
    );
    assert!(stdout(&out).contains("BTC"), "{}", stdout(&out));

    // `profile list` tells the same truth.
    let list = run(sb.cmd(&["profile", "list"])).await;
    let list = stdout(&list);
    let line = list.lines().find(|l| l.contains(" demo ")).unwrap();
    assert!(line.contains(&demo.mock.base_url()), "{list}");
    // Editing the demo profile meanwhile does not save the passing address.
    let edit = run(sb.cmd(&["profile", "edit", "demo", "--timeout", "5"])).await;
    assert!(edit.status.success(), "{}", stderr(&edit));
    demo.mock.shutdown().await.unwrap();
    drop(demo.live);
    let list = stdout(&run(sb.cmd(&["profile", "list"])).await);
    assert!(
        list.contains("http://127.0.0.1:8001/api/v1/p"),
        "a stopped demo's address is forgotten: {list}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_listens_on_its_port_when_it_is_free() {
    let sb = Sandbox::new();
    let free = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let demo = start_demo(&sb, port).await;
    assert_eq!(demo.mock.addr().port(), port);
    demo.mock.shutdown().await.unwrap();
}

/// Runs a command without blocking the runtime the mock serves on.
async fn run(cmd: std::process::Command) -> std::process::Output {
    tokio::process::Command::from(cmd)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap()
}

/// The issue's "done when", from the CLI: `xsign send GET /balance --profile qredo-v1-demo`
/// against the running demo with no other flag reads the 200; the same request replayed
/// from a collection too, and the history records the scheme.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qredo_v1_demo_profile_reaches_the_demo_with_no_flags() {
    let sb = Sandbox::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let demo = start_demo(&sb, taken.local_addr().unwrap().port()).await;
    let out = run(sb.cmd(&[
        "send",
        "GET",
        "/balance",
        "--profile",
        "qredo-v1-demo",
        "-v",
    ]))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"ETH\""), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("> qredo-api-sig: ") && err.contains("> qredo-api-ts: "),
        "{err}"
    );
    assert!(!err.contains("x-sign"), "{err}");
    let secret = std::fs::read_to_string(sb.root().join("data/demo/qredo-secret")).unwrap();
    assert!(!err.contains(secret.trim()), "the secret is never printed");

    sb.ok(&["collection", "add", "q/funds", "--url", "/funds"]);
    let out = run(sb.cmd(&["replay", "q/funds", "--profile", "qredo-v1-demo"])).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Main Fund"), "{}", stdout(&out));

    let export = run(sb.cmd(&[
        "collection",
        "export",
        "q/funds",
        "--profile",
        "qredo-v1-demo",
    ]))
    .await;
    let curl = stdout(&export);
    assert!(export.status.success(), "{}", stderr(&export));
    for h in [
        "qredo-api-key: REDACTED",
        "qredo-api-ts: ",
        "qredo-api-sig: ",
        "/qapi/v1/funds",
    ] {
        assert!(curl.contains(h), "{h}: {curl}");
    }
    assert!(
        !curl.contains("x-api-key") && !curl.contains("x-sign"),
        "{curl}"
    );

    let history = stdout(&run(sb.cmd(&["history", "--json"])).await);
    assert!(history.contains("\"scheme\":\"qredo-v1\""), "{history}");
    demo.mock.shutdown().await.unwrap();
}

/// The v2 token flow from the CLI: `xsign send GET /workspaces/{id}/wallets --profile
/// qredo-v2-demo` fetches the token first (a history entry of its own), the second send
/// reuses it, `xsign token show` gives its expiry but never the token, `clear` drops it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qredo_v2_demo_profile_fetches_caches_and_shows_its_token() {
    let sb = Sandbox::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let demo = start_demo(&sb, taken.local_addr().unwrap().port()).await;
    let ws = xsign::store::profile::DEMO_WORKSPACE;
    let wallets = format!("/workspaces/{ws}/wallets");
    let send = || sb.cmd(&["send", "GET", &wallets, "--profile", "qredo-v2-demo", "-v"]);
    let out = run(send()).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Treasury"), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("token: fetched for workspace"), "{err}");
    assert!(err.contains("> x-token: ****"), "{err}");
    assert!(!err.contains("qredo-api-signature"), "{err}");
    let out = run(send()).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("token: cached for workspace"),
        "{}",
        stderr(&out)
    );

    let history = stdout(&run(sb.cmd(&["history", "--json"])).await);
    assert_eq!(
        history.matches("/token\"").count(),
        1,
        "fetched once: {history}"
    );
    assert!(history.contains("\"scheme\":\"qredo-v2\""), "{history}");

    let show = run(sb.cmd(&["token", "show", "--profile", "qredo-v2-demo"])).await;
    let shown = stdout(&show);
    assert!(
        shown.contains("valid until") && shown.contains(ws),
        "{shown}"
    );
    assert!(!shown.contains("eyJ"), "the token is not printed: {shown}");
    let reveal = run(sb.cmd(&["token", "show", "--reveal", "--profile", "qredo-v2-demo"])).await;
    assert!(
        stdout(&reveal).contains("x-token: eyJ"),
        "{}",
        stdout(&reveal)
    );
    let clear = run(sb.cmd(&["token", "clear", "--profile", "qredo-v2-demo"])).await;
    assert!(
        stdout(&clear).contains("1 cached token removed"),
        "{}",
        stdout(&clear)
    );
    let out = run(send()).await;
    assert!(stderr(&out).contains("token: fetched"), "{}", stderr(&out));
    sb.ok(&[
        "collection",
        "add",
        "q2/balances",
        "--url",
        &format!("/workspaces/{ws}/balances"),
    ]);
    let out = run(sb.cmd(&["replay", "q2/balances", "--profile", "qredo-v2-demo"])).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"BTC\""), "{}", stdout(&out));
    let export = run(sb.cmd(&[
        "collection",
        "export",
        "q2/balances",
        "--profile",
        "qredo-v2-demo",
    ]))
    .await;
    let curl = stdout(&export);
    assert!(export.status.success(), "{}", stderr(&export));
    assert!(curl.contains("x-token: REDACTED"), "{curl}");
    assert!(
        !curl.contains("qredo-api-signature") && !curl.contains("eyJ"),
        "{curl}"
    );
    demo.mock.shutdown().await.unwrap();
}

/// The client-side doctor on a refused Qredo request, from real requests `xsign send` makes
/// against the running demo: a qredo-v1 signature sent to a Partner API URL, a Partner API
/// request sent to /qapi/v1, and a right signature under a secret the server does not hold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_names_why_the_qredo_api_refused_a_request() {
    let sb = Sandbox::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let demo = start_demo(&sb, taken.local_addr().unwrap().port()).await;
    let partner_base = demo.mock.base_url();
    let send = |args: &[&str]| {
        let mut all = vec!["send", "GET"];
        all.extend_from_slice(args);
        sb.cmd(&all)
    };

    let out = run(send(&[
        "/assets",
        "--profile",
        "qredo-v1-demo",
        "--base-url",
        &partner_base,
    ]))
    .await;
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("doctor: cause found: A qredo-v1 signature was sent to a Partner API URL"),
        "{err}"
    );
    assert!(
        err.contains("--profile qredo-v1-demo"),
        "the fix is named: {err}"
    );

    let qapi = partner_base.replace("/api/v1/p", "/qapi/v1/balance");
    let out = run(send(&[&qapi, "--profile", "demo"])).await;
    let err = stderr(&out);
    assert!(
        err.contains(
            "A Partner API request (partner-rsa: x-api-key, x-sign) was sent to a Qredo API v1 URL"
        ),
        "{err}"
    );

    // Another secret than the demo's: the signature is right under it, so the server holds
    // another one for the API key.
    let other = sb.root().join("other-secret");
    std::fs::write(&other, xsign::secret::QredoSecret::generate().expose_text()).unwrap();
    common::restrict(&other);
    let other_arg = other.to_str().unwrap();
    let out = run(send(&[
        "/balance",
        "--profile",
        "qredo-v1-demo",
        "--secret-file",
        other_arg,
    ]))
    .await;
    let err = stderr(&out);
    assert!(
        err.contains("✓ ok: The signature is HMAC-SHA256 of ts + GET + URL + body as sent")
            && err.contains("so the server holds another secret for this qredo-api-key"),
        "{err}"
    );
    assert!(err.contains("The server says: invalid signature"), "{err}");
    demo.mock.shutdown().await.unwrap();
}

/// `xsign listen --feed transactions --profile qredo-v1-demo`: the handshake signed with the
/// HMAC headers over the ws:// URL, and a transaction made with `send POST /transaction`
/// arrives on it. A Partner API feed asked of the qredo-v1 profile is refused before
/// connecting, naming the mix-up, and so is a forged secret by the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qredo_v1_transactions_feed_carries_a_new_transaction() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let sb = Sandbox::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let demo = start_demo(&sb, taken.local_addr().unwrap().port()).await;
    let mut child = tokio::process::Command::from(sb.cmd(&[
        "listen",
        "--feed",
        "transactions",
        "--profile",
        "qredo-v1-demo",
        "--once",
    ]))
    .stdin(std::process::Stdio::null())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .kill_on_drop(true)
    .spawn()
    .unwrap();
    let mut stderr_lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let log = common::wait_for_line(&mut stderr_lines, "connected (").await;
    assert!(log.contains("/qapi/v1/transactions/feed"), "{log}");
    assert!(log.contains("connected (qredo-api-ts "), "{log}");

    let body = sb.root().join("tx.json");
    std::fs::write(
        &body,
        r#"{"from":"0xa1","to":"0xb2","value":"1","gasLimit":"21000"}"#,
    )
    .unwrap();
    let out = run(sb.cmd(&[
        "send",
        "POST",
        "/transaction",
        "--profile",
        "qredo-v1-demo",
        "-d",
        body.to_str().unwrap(),
    ]))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let made: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let line = common::listen_stdout(child, &log).await;
    let got: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(got["txID"], made["txID"], "{line}");
    assert_eq!(got["status"], "pending", "{line}");

    let wrong = run(sb.cmd(&["listen", "--feed", "wallets", "--profile", "qredo-v1-demo"])).await;
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains(
            "--feed wallets is a Partner API feed, and profile `qredo-v1-demo` signs with qredo-v1"
        ),
        "{}",
        stderr(&wrong)
    );

    let other = sb.root().join("other-secret");
    std::fs::write(&other, xsign::secret::QredoSecret::generate().expose_text()).unwrap();
    common::restrict(&other);
    let forged = run(sb.cmd(&[
        "listen",
        "--feed",
        "transactions",
        "--profile",
        "qredo-v1-demo",
        "--secret-file",
        other.to_str().unwrap(),
    ]))
    .await;
    assert!(!forged.status.success());
    let err = stderr(&forged);
    assert!(
        err.contains("HTTP 401") && err.contains("invalid signature"),
        "{err}"
    );
    demo.mock.shutdown().await.unwrap();
}

/// `xsign doctor` on a Qredo API request: a refused send from the history (checked with
/// the secret of the profile it went with, or --secret-file), and a curl command whose
/// method was changed after signing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_explains_a_qredo_request_from_the_history_or_a_curl_command() {
    let sb = Sandbox::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let demo = start_demo(&sb, taken.local_addr().unwrap().port()).await;
    let other = sb.root().join("other-secret");
    std::fs::write(&other, xsign::secret::QredoSecret::generate().expose_text()).unwrap();
    common::restrict(&other);
    let other_arg = other.to_str().unwrap();
    let out = run(sb.cmd(&[
        "send",
        "GET",
        "/balance",
        "--profile",
        "qredo-v1-demo",
        "--secret-file",
        other_arg,
    ]))
    .await;
    assert!(!out.status.success());
    let listed = run(sb.cmd(&["history", "--json", "--limit", "1"])).await;
    let first = stdout(&listed)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    let entry: serde_json::Value = serde_json::from_str(&first).unwrap();
    let id = entry["id"].to_string();

    // With the profile's own secret: the signature is not its.
    let doctor = run(sb.cmd(&["doctor", "--history", &id])).await;
    assert_eq!(doctor.status.code(), Some(6), "{}", stderr(&doctor));
    let text = stdout(&doctor);
    assert!(text.contains("another secret"), "{text}");
    assert!(
        !text.contains("x-sign"),
        "the Qredo doctor, not the Partner one: {text}"
    );
    // With the one that signed: right under it, so the server holds another.
    let doctor = run(sb.cmd(&["doctor", "--history", &id, "--secret-file", other_arg])).await;
    let text = stdout(&doctor);
    assert!(
        text.contains("so the server holds another secret for this qredo-api-key"),
        "{text}"
    );

    let secret = sb.root().join("data/demo/qredo-secret");
    let apikey = sb.root().join("data/demo/qredo-apikey");
    let url = format!("{}/transaction", demo.mock.qapi_v1_url());
    let signed = run(sb.cmd(&[
        "sign",
        "--scheme",
        "qredo-v1",
        "-X",
        "POST",
        "--url",
        &url,
        "--api-key-file",
        apikey.to_str().unwrap(),
        "--secret-file",
        secret.to_str().unwrap(),
        "--curl",
    ]))
    .await;
    let curl = stdout(&signed);
    assert!(curl.contains("-X POST"), "{curl}");
    let secret_arg = secret.to_str().unwrap();
    let clean = run(sb.cmd(&["doctor", "--curl", &curl, "--secret-file", secret_arg])).await;
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    let changed = curl.replace("-X POST", "-X PUT");
    let doctor = run(sb.cmd(&["doctor", "--curl", &changed, "--secret-file", secret_arg])).await;
    assert_eq!(doctor.status.code(), Some(6), "{}", stdout(&doctor));
    assert!(
        stdout(&doctor).contains("method-differs"),
        "{}",
        stdout(&doctor)
    );
    demo.mock.shutdown().await.unwrap();
}
