//! Shared by the send_* and doctor_* tests: an embedded mock on 127.0.0.1:0 with the fixture
//! key registered, a temp working directory holding private.pem and apikey (the reference
//! client's defaults), and a way to run the built binary there.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use xsign::mock::{MockConfig, MockHandle, MockServer};
use xsign::signing::{PrivateKey, PublicKey};

pub const API_KEY: &str = "apikey-0123456789";

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture_key() -> PrivateKey {
    PrivateKey::from_file(&fixture("test-rsa2048.pkcs1.pem")).unwrap()
}

pub struct Env {
    pub rt: tokio::runtime::Runtime,
    pub mock: Option<MockHandle>,
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A mock that accepts the fixture key for `API_KEY`.
    pub fn start() -> Env {
        Self::start_with(MockConfig::default(), Some(fixture_key().public_key()))
    }

    /// A mock that holds `registered` (if any) for `API_KEY`.
    pub fn start_with(config: MockConfig, registered: Option<PublicKey>) -> Env {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mock = rt
            .block_on(MockServer::start(config, "127.0.0.1:0".parse().unwrap()))
            .unwrap();
        if let Some(key) = registered {
            mock.register(API_KEY, key);
        }
        let dir = tempfile::tempdir().unwrap();
        let key_path = dir.path().join("private.pem");
        std::fs::copy(fixture("test-rsa2048.pkcs1.pem"), &key_path).unwrap();
        set_private(&key_path);
        std::fs::write(dir.path().join("apikey"), format!("{API_KEY}\n")).unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::create_dir(dir.path().join("config")).unwrap();
        Env {
            rt,
            mock: Some(mock),
            dir,
        }
    }

    pub fn mock(&self) -> &MockHandle {
        self.mock.as_ref().unwrap()
    }

    pub fn base_url(&self) -> String {
        self.mock().base_url()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// Runs `xsign ARGS` in the temp dir, with config and data dirs inside it.
    pub fn xsign(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_xsign"))
            .args(args)
            .current_dir(self.dir.path())
            .env("XSIGN_DATA_DIR", self.path("data"))
            .env("XSIGN_CONFIG_DIR", self.path("config"))
            .env_remove("XSIGN_BASE_URL")
            .env_remove("XSIGN_PROFILE")
            .output()
            .unwrap();
        Run::from(out)
    }
}

#[cfg(unix)]
fn set_private(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[cfg(not(unix))]
fn set_private(_p: &Path) {}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Quotes for a POSIX shell (single quotes keep every byte).
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
