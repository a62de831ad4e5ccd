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
