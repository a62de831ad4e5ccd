//! The headers `xsign sign` prints, sent by curl, are accepted by the mock: the same bytes
//! a user would paste from the reference client's output.

mod mock_support;

use mock_support::{API_KEY, fixtures, start};
use std::path::Path;
use std::process::Command;
use xsign::mock::MockConfig;

fn curl_available() -> bool {
    Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A working directory like the reference client's: private.pem (0600) and apikey.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("private.pem");
    std::fs::copy(fixtures().join("test-rsa2048.pkcs1.pem"), &key).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::write(dir.path().join("apikey"), format!("{API_KEY}\n")).unwrap();
    std::fs::write(dir.path().join("body.json"), "{\"name\":\"ACME Corp\",\"city\":\"Paris\",\"country\":\"FR\",\"domain\":\"\",\"ref\":\"curl-1\"}\n").unwrap();
    std::fs::create_dir(dir.path().join("cfg")).unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    dir
}

fn xsign(dir: &Path, args: &[&str], stdin_null: bool) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xsign"));
    cmd.args(args)
        .current_dir(dir)
        .env("XSIGN_CONFIG_DIR", dir.join("cfg"))
        .env("XSIGN_DATA_DIR", dir.join("data"));
    if stdin_null {
        cmd.stdin(std::process::Stdio::null());
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "xsign {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn sh(dir: &Path, script: &str) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xsign_sign_headers_sent_by_curl_are_accepted() {
    if !curl_available() {
        eprintln!("curl is not on PATH: skipping the curl round trip");
        return;
    }
    let mock = start(MockConfig::default()).await;
    let base = mock.base_url();
    let dir = workdir();
    let d = dir.path().to_path_buf();

    let results = tokio::task::spawn_blocking(move || {
        // 1. The reference client's lines (Hash, x-sign, x-timestamp) pasted into curl -H.
        let url = format!("{base}/company");
        let lines = xsign(&d, &["sign", "--url", &url, "--body-file", "body.json"], true);
        let field = |name: &str| {
            lines
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                .unwrap_or_else(|| panic!("no {name} in {lines}"))
                .to_string()
        };
        let script = format!(
            "curl -s -w '\\n%{{http_code}}' -X POST '{url}' -H 'x-api-key: {API_KEY}' -H 'x-sign: {}' -H 'x-timestamp: {}' --data-binary @body.json",
            field("x-sign"),
            field("x-timestamp")
        );
        let created = sh(&d, &script);

        // 2. The curl command `xsign sign --curl` prints, run as is (a GET, and a nonce).
        let search = format!("{base}/company/search?query=ACME");
        let cmd = xsign(&d, &["sign", "--url", &search, "--curl"], true);
        let found = sh(&d, &format!("{} -s -w '\\n%{{http_code}}'", cmd.trim()));
        let cmd = xsign(&d, &["sign", "--nonce", "--url", &format!("{base}/assets"), "--curl"], true);
        let assets = sh(&d, &format!("{} -s -w '\\n%{{http_code}}'", cmd.trim()));
        (created, found, assets)
    })
    .await
    .unwrap();

    let (created, found, assets) = results;
    assert!(created.ends_with("\n200"), "{created}");
    assert!(created.contains("\"ref\":\"curl-1\""), "{created}");
    assert!(found.ends_with("\n200"), "{found}");
    assert!(found.contains("\"total_count\":1"), "{found}");
    assert!(assets.ends_with("\n200"), "{assets}");
    assert!(
        mock.last_nonce(API_KEY).is_some(),
        "the nonce went through the nonce check"
    );
}
