//! `xsign mock` as a user runs it: defaults from the working directory, a banner with the
//! base URL, signed requests accepted, Ctrl-C stops it cleanly.

mod mock_support;

use mock_support::{Client, fixtures, private_key};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use xsign::signing::RsaSigner;

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_xsign"))
        .arg("mock")
        .args(args)
        .current_dir(dir)
        .env("XSIGN_CONFIG_DIR", dir)
        .env("XSIGN_DATA_DIR", dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn interrupt(child: &Child) {
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mock_command_serves_signed_requests_and_stops_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("test-rsa2048.pub.pem"),
        dir.path().join("public.pem"),
    )
    .unwrap();
    let data = dir.path().join("state");
    let mut child = spawn(
        dir.path(),
        &["--addr", "127.0.0.1:0", "--data", data.to_str().unwrap()],
    );
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    out.read_line(&mut banner).unwrap();
    let base = banner
        .trim()
        .strip_prefix("xsign mock: listening on ")
        .unwrap_or_else(|| panic!("banner: {banner}"))
        .to_string();
    let mut rest = String::new();
    for _ in 0..8 {
        out.read_line(&mut rest).unwrap();
    }
    // No ./apikey: one was generated, shown once, saved with mode 0600.
    let api_key = std::fs::read_to_string(dir.path().join("apikey")).unwrap();
    let api_key = api_key.trim();
    assert!(rest.contains(api_key), "{rest}");
    assert!(
        rest.contains(&format!("xsign send GET {base}/assets")),
        "{rest}"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("apikey"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let c = Client {
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
        signer: RsaSigner::new(private_key()),
        api_key: api_key.to_string(),
        base: base.clone(),
    };
    let r = c.call("POST", "/company", br#"{"name":"ACME Corp"}"#).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let mut wrong = c;
    wrong.api_key = "nope".into();
    wrong
        .call("GET", "/assets", b"")
        .await
        .assert_refused("apikey");

    interrupt(&child);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("mock: 200 auth ok"), "{err}");
    assert!(err.contains("refused (apikey)"), "{err}");
    assert!(err.contains("stopped; state saved"), "{err}");
    let state = std::fs::read_to_string(data.join("mock-state.json")).unwrap();
    assert!(state.contains("ACME Corp"));
}

#[test]
fn mock_command_without_a_public_key_says_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xsign"))
        .args(["mock", "--addr", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env("XSIGN_CONFIG_DIR", dir.path())
        .env("XSIGN_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("xsign keygen"), "{err}");
    assert!(err.contains("--pubkey"), "{err}");
    assert!(
        !dir.path().join("apikey").exists(),
        "nothing written when refusing"
    );
}

/// `xsign secret new` then `xsign mock --qredo-secret FILE`, in a folder without an RSA key:
/// the mock serves the Qredo API (the Partner API refusing everyone), writes no ./apikey,
/// and says how to call it; the command it prints gets the 200.
#[cfg(unix)]
#[test]
fn mock_command_serves_the_qredo_api_alone_without_a_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xsign"))
            .args(args)
            .current_dir(dir.path())
            .env("XSIGN_CONFIG_DIR", dir.path())
            .env("XSIGN_DATA_DIR", dir.path())
            .output()
            .unwrap()
    };
    assert!(run(&["secret", "new", "--out", "q"]).status.success());
    let mut child = spawn(
        dir.path(),
        &["--addr", "127.0.0.1:0", "--qredo-secret", "q/secret"],
    );
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut log = String::new();
    let try_line = loop {
        let mut line = String::new();
        assert!(err.read_line(&mut line).unwrap() > 0, "mock ended:\n{log}");
        log.push_str(&line);
        if let Some(cmd) = line.trim().strip_prefix("try: xsign ") {
            break cmd.to_string();
        }
    };
    assert!(log.contains("accepts no signature"), "{log}");
    assert!(
        !dir.path().join("apikey").exists(),
        "no Partner API key made"
    );
    let args: Vec<&str> = try_line.split(' ').collect();
    let out = run(&args);
    interrupt(&child);
    let _ = child.wait();
    assert!(
        out.status.success(),
        "{try_line}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"ETH\""));
}
