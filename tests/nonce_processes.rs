//! The nonce store across processes: concurrent `xsign sign --nonce` never hand out the same
//! nonce, and a process killed after taking one has used it up for good.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use xsign::signing::NonceStore;

const API_KEY: &str = "shared-api-key";
const PROCESSES: usize = 8;
const NONCES_EACH: usize = 20;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A working directory with a key and an API key, and its own data dir.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("test-rsa2048.pkcs1.pem"),
        dir.path().join("private.pem"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.path().join("private.pem");
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::write(dir.path().join("apikey"), format!("{API_KEY}\n")).unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    dir
}

fn sign_with_nonce(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xsign"));
    c.args([
        "sign",
        "--url",
        "https://api.qredo.network/api/v1/p/assets",
        "--nonce",
        "--json",
    ])
    .current_dir(dir)
    .env("XSIGN_DATA_DIR", dir.join("data"))
    .env("XSIGN_CONFIG_DIR", dir.join("data"))
    .stdin(Stdio::null());
    c
}

fn nonce_of(stdout: &[u8]) -> u64 {
    let json: serde_json::Value = serde_json::from_slice(stdout).unwrap();
    json["auth"]["value"]
        .as_str()
        .and_then(|v| v.parse().ok())
        .expect("a nonce")
}

#[test]
fn eight_concurrent_processes_never_share_a_nonce() {
    let dir = workdir();
    let start = Arc::new(Barrier::new(PROCESSES));
    let workers: Vec<_> = (0..PROCESSES)
        .map(|_| {
            let dir = dir.path().to_path_buf();
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                let mut mine = Vec::with_capacity(NONCES_EACH);
                for _ in 0..NONCES_EACH {
                    let out = sign_with_nonce(&dir).output().unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    mine.push(nonce_of(&out.stdout));
                }
                mine
            })
        })
        .collect();
    let per_worker: Vec<Vec<u64>> = workers.into_iter().map(|w| w.join().unwrap()).collect();

    for mine in &per_worker {
        assert!(
            mine.windows(2).all(|w| w[0] < w[1]),
            "each process sees increasing nonces: {mine:?}"
        );
    }
    let all: Vec<u64> = per_worker.into_iter().flatten().collect();
    let distinct: HashSet<u64> = all.iter().copied().collect();
    assert_eq!(all.len(), PROCESSES * NONCES_EACH);
    assert_eq!(distinct.len(), all.len(), "every nonce handed out once");
    let store = NonceStore::new(dir.path().join("data/nonces"));
    assert_eq!(store.last(API_KEY).unwrap(), all.iter().copied().max());
}

/// Marker the child prints once it holds a nonce.
const TOOK: &str = "XSIGN-CHILD-TOOK-NONCE=";

/// Not a test on its own: the child half of `a_killed_process_has_used_its_nonce_up`, run
/// in a separate process by re-executing this test binary. It takes a nonce, reports it,
/// and waits to be killed.
#[test]
#[ignore = "run as a child process by a_killed_process_has_used_its_nonce_up"]
fn nonce_taker_child() {
    let dir = std::env::var_os("XSIGN_NONCE_CHILD_DIR").expect("run by the parent test");
    let n = NonceStore::new(PathBuf::from(dir)).take(API_KEY).unwrap();
    println!("{TOOK}{n}");
    std::thread::sleep(std::time::Duration::from_secs(60));
}

#[cfg(unix)]
#[test]
fn a_killed_process_has_used_its_nonce_up() {
    let dir = workdir();
    let nonce_dir = dir.path().join("data/nonces");
    let store = NonceStore::new(&nonce_dir);
    for _ in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", "nonce_taker_child", "--nocapture"])
            .env("XSIGN_NONCE_CHILD_DIR", &nonce_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let reader = BufReader::new(child.stdout.take().unwrap());
        let taken: u64 = reader
            .lines()
            .map(Result::unwrap)
            .find_map(|l| l.strip_prefix(TOOK).map(|n| n.parse().unwrap()))
            .expect("the child reports its nonce");
        // SIGKILL: no destructors, no exit handlers; only what reached the disk counts.
        child.kill().unwrap();
        child.wait().unwrap();

        assert_eq!(
            store.last(API_KEY).unwrap(),
            Some(taken),
            "on disk before it was returned"
        );
        let out = sign_with_nonce(dir.path()).output().unwrap();
        assert!(out.status.success());
        assert!(nonce_of(&out.stdout) > taken, "never handed out again");
    }
}

#[cfg(unix)]
#[test]
fn processes_killed_at_random_moments_leave_a_usable_store() {
    let dir = workdir();
    let mut seen = Vec::new();
    for i in 0..16u64 {
        let mut child = sign_with_nonce(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the process's life (it runs for tens of milliseconds).
        std::thread::sleep(std::time::Duration::from_millis(i * 3));
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            seen.push(nonce_of(&out.stdout));
        }
    }
    let out = sign_with_nonce(dir.path()).output().unwrap();
    assert!(
        out.status.success(),
        "the store survives kills: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let next = nonce_of(&out.stdout);
    assert!(seen.iter().all(|n| *n < next), "{seen:?} then {next}");
    let distinct: HashSet<u64> = seen.iter().copied().collect();
    assert_eq!(distinct.len(), seen.len());
}
