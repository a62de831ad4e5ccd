//! Shared by the integration tests (`mod common;`): fixture paths and keys, the signing
//! vectors, and an embedded mock served from its own runtime for tests that drive the
//! blocking binary.
#![allow(dead_code)]

use serde::Deserialize;
use std::path::{Path, PathBuf};
use xsign::mock::{MockConfig, MockHandle, MockServer};
use xsign::signing::PrivateKey;

/// The 2048-bit key most tests sign with.
pub const FIXTURE_KEY: &str = "test-rsa2048.pkcs1.pem";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

pub fn fixture_key() -> PrivateKey {
    PrivateKey::from_file(&fixture(FIXTURE_KEY)).unwrap()
}

/// Copies the fixture key to `path` with mode 0600, so xsign loads it without a warning.
pub fn install_fixture_key(path: &Path) {
    std::fs::copy(fixture(FIXTURE_KEY), path).unwrap();
    restrict(path);
}

/// Mode 0600, as a private key file should be.
pub fn restrict(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[derive(Deserialize)]
struct Vectors {
    vectors: Vec<Vector>,
}

/// One shared signing vector (tests/fixtures/partner-api.json).
#[derive(Deserialize)]
pub struct Vector {
    pub name: String,
    pub key: String,
    pub mode: String,
    pub value: String,
    pub url: String,
    pub body: String,
    pub payload_sha256_hex: String,
    pub x_sign: String,
}

/// The reference client's three output lines for `v`.
pub fn expected_lines(v: &Vector) -> String {
    format!(
        "Hash: {}\nx-sign: {}\nx-{}: {}\n",
        v.payload_sha256_hex, v.x_sign, v.mode, v.value
    )
}

pub fn vectors() -> Vec<Vector> {
    let text = std::fs::read_to_string(fixture("partner-api.json")).unwrap();
    serde_json::from_str::<Vectors>(&text).unwrap().vectors
}

pub fn vector(name: &str) -> Vector {
    vectors()
        .into_iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("no vector named {name}"))
}

/// A two-worker runtime for a mock that must keep serving while the test blocks on the
/// binary (a current-thread runtime would stall).
pub fn mock_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A mock on 127.0.0.1:0 served by `rt`; register keys on the handle.
pub fn start_mock(rt: &tokio::runtime::Runtime, config: MockConfig) -> MockHandle {
    rt.block_on(MockServer::start(config, "127.0.0.1:0".parse().unwrap()))
        .unwrap()
}

/// A private key (mode 0600), an API key file and a data dir in a temp dir, for running
/// `xsign listen` with explicit `--key` and `--apikey-file`.
pub struct Creds {
    _dir: tempfile::TempDir,
    pub key: PathBuf,
    pub apikey: PathBuf,
    pub data: PathBuf,
}

pub fn creds(api_key: &str) -> Creds {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("private.pem");
    install_fixture_key(&key);
    let apikey = dir.path().join("apikey");
    std::fs::write(&apikey, format!("{api_key}\n")).unwrap();
    let data = dir.path().join("data");
    Creds {
        key,
        apikey,
        data,
        _dir: dir,
    }
}

/// `xsign listen ARGS --key .. --apikey-file ..` with its own config and data dirs, stdout
/// and stderr piped, killed when dropped.
pub fn listen_cmd(c: &Creds, args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_xsign"));
    cmd.arg("listen")
        .args(args)
        .arg("--key")
        .arg(&c.key)
        .arg("--apikey-file")
        .arg(&c.apikey)
        .env("XSIGN_CONFIG_DIR", c.data.join("config"))
        .env("XSIGN_DATA_DIR", &c.data);
    piped(&mut cmd);
    cmd
}

/// No stdin, stdout and stderr piped, killed when dropped: how the tests run `listen`.
pub fn piped(cmd: &mut tokio::process::Command) -> &mut tokio::process::Command {
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
}

/// Reads `listen`'s stderr until a line starts with `prefix` (`connected (x-timestamp `):
/// a feed does not replay what it missed, so tests act only once it is up. Returns the
/// lines read.
pub async fn wait_for_line(
    stderr: &mut tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStderr>>,
    prefix: &str,
) -> String {
    let mut log = String::new();
    loop {
        let line = tokio::time::timeout(std::time::Duration::from_secs(10), stderr.next_line())
            .await
            .expect("listen never connected")
            .unwrap()
            .unwrap_or_else(|| panic!("listen ended before connecting:\n{log}"));
        log.push_str(&line);
        log.push('\n');
        if line.starts_with(prefix) {
            return log;
        }
    }
}

/// Waits for `listen` to exit on its own (`--once`), asserts it succeeded (showing `log`,
/// its stderr so far, if not) and returns its stdout.
pub async fn listen_stdout(child: tokio::process::Child, log: &str) -> String {
    let out = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait_with_output())
        .await
        .expect("listen did not print the action")
        .unwrap();
    assert!(out.status.success(), "{log}");
    String::from_utf8(out.stdout).unwrap()
}
