//! `xsign sign` as a whole process: start-up, argument parsing, profile selection, key
//! loading, signing and printing, as a script or a shell pipeline pays for it.
//!
//! `cargo bench --bench process`
//! - `process/xsign_sign`: the release binary with a 2048-bit key and a 107-byte body, the
//!   reference client's defaults (`private.pem` in the working directory, no profile).
//! - `process/partner_api_sign`: the reference Go client (`partner-api-sign sign`) on the same
//!   key, URL, timestamp and body, when it is on PATH.
//! - then, with both present, 60 runs of each interleaved and their medians as a ratio, the
//!   figure issue 11 asks for (interleaving keeps a busy neighbour from favouring one side).

use criterion::{Criterion, criterion_group, criterion_main};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const URL: &str = "https://api.qredo.network/api/v1/p/company";
const TIMESTAMP: &str = "1700000000";
/// 107 bytes, one line: the body the reference client compacts to, so both sign the same bytes.
const BODY: &[u8] =
    br#"{"name":"Bench Corp Ltd","city":"Paris","country":"FR","domain":"bench.example","ref":"7d9f2b1c-bench-001"}"#;

/// A working directory laid out as both clients expect: `private.pem` and `body.json`.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/test-rsa2048.pkcs1.pem");
    std::fs::copy(key, dir.path().join("private.pem")).expect("copy key");
    std::fs::write(dir.path().join("body.json"), BODY).expect("write body");
    dir
}

fn xsign_sign(dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_xsign"))
        .args([
            "sign",
            "--url",
            URL,
            "--timestamp",
            TIMESTAMP,
            "--body-file",
            "body.json",
        ])
        .current_dir(dir)
        // No profile from the user's own config: the reference client's defaults.
        .env("XSIGN_CONFIG_DIR", dir)
        .env("XSIGN_DATA_DIR", dir)
        .env_remove("XSIGN_PROFILE")
        .stderr(Stdio::null())
        .output()
        .expect("run xsign");
    assert!(out.status.success(), "xsign sign failed");
}

/// The Go client reads the body from stdin up to an empty line.
fn go_sign(go: &Path, dir: &Path) {
    let mut child = Command::new(go)
        .args(["sign", "-url", URL, "-timestamp", TIMESTAMP])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run partner-api-sign");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(BODY).expect("write body");
    stdin.write_all(b"\n\n").expect("write end");
    drop(stdin);
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "partner-api-sign failed");
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn bench(c: &mut Criterion) {
    let dir = workdir();
    let go = on_path("partner-api-sign");
    let mut g = c.benchmark_group("process");
    g.sample_size(30).measurement_time(Duration::from_secs(4));
    g.bench_function("xsign_sign", |b| b.iter(|| xsign_sign(dir.path())));
    if let Some(go) = &go {
        g.bench_function("partner_api_sign", |b| b.iter(|| go_sign(go, dir.path())));
    }
    g.finish();

    let Some(go) = go else {
        println!("partner-api-sign is not on PATH: no ratio to the reference client");
        return;
    };
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..60 {
        let t = Instant::now();
        xsign_sign(dir.path());
        ours.push(t.elapsed());
        let t = Instant::now();
        go_sign(&go, dir.path());
        theirs.push(t.elapsed());
    }
    let (ours, theirs) = (median(ours), median(theirs));
    println!(
        "xsign sign {:.2} ms, partner-api-sign sign {:.2} ms (medians of 60 interleaved): xsign = {:.2}x the Go client",
        ours.as_secs_f64() * 1e3,
        theirs.as_secs_f64() * 1e3,
        ours.as_secs_f64() / theirs.as_secs_f64()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
