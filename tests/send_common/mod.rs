//! Shared by the send_* and doctor_* tests: an embedded mock on 127.0.0.1:0 with the fixture
//! key registered, a temp working directory holding private.pem and apikey (the reference
//! client's defaults), and a way to run the built binary there. Needs `mod common;`.
#![allow(dead_code)]

pub use crate::common::fixture_key;
use crate::common::{install_fixture_key, mock_runtime, start_mock};
use std::path::PathBuf;
use std::process::{Command, Output};
use xsign::mock::{MockConfig, MockHandle};
use xsign::signing::PublicKey;

pub const API_KEY: &str = "apikey-0123456789";

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
        let rt = mock_runtime();
        let mock = start_mock(&rt, config);
        if let Some(key) = registered {
            mock.register(API_KEY, key);
        }
        let dir = tempfile::tempdir().unwrap();
        install_fixture_key(&dir.path().join("private.pem"));
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

    /// Runs `xsign send ARGS --base-url MOCK`.
    pub fn send(&self, args: &[&str]) -> Run {
        let base = self.base_url();
        let mut all = vec!["send"];
        all.extend_from_slice(args);
        all.extend(["--base-url", base.as_str()]);
        self.xsign(&all)
    }

    /// The history `xsign` records in this environment.
    pub fn history(&self) -> xsign::store::History {
        xsign::store::History::new(self.path("data").join("history"), 1000)
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
