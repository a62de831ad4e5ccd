//! Signing speed: the full `RequestSigner::sign` path (payload, SHA-256, RSA, base64url) for
//! 1 KB, 64 KB and 1 MB bodies with 2048- and 4096-bit keys; hashing alone; the pure-Rust
//! `rsa` crate signer for comparison; and lint on a 1 MB body (it runs after keystrokes).
//!
//! `cargo bench --bench signing`; compare `sign/2048/1KB` with `openssl speed -seconds 5 rsa2048`.
//! `openssl speed` counts CPU time (not wall time) unless given `-elapsed`, so on a shared
//! machine compare it with `sign_cpu/2048/1KB`, which criterion measures in this thread's
//! CPU time (Linux: /proc/thread-self/schedstat).

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;
use xsign::lint::{LintInput, check, escape_invisibles};
use xsign::signing::{AuthValue, Payload, PrivateKey, RequestSigner, RsaSigner};

const URL: &str = "https://api.qredo.network/api/v1/p/company/1zVKzkBW/transfer";
const VALUE: AuthValue = AuthValue::Timestamp(1_700_000_000);
const SIZES: [(&str, usize); 3] = [("1KB", 1 << 10), ("64KB", 64 << 10), ("1MB", 1 << 20)];

fn signer(bits: usize) -> RsaSigner {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("test-rsa{bits}.pkcs1.pem"));
    RsaSigner::new(PrivateKey::from_file(&path).expect("fixture key"))
}

/// Pretty-printed JSON of about `len` bytes: what users paste.
fn json_body(len: usize) -> Vec<u8> {
    let mut body = b"{\n  \"transfers\": [\n".to_vec();
    let mut i = 0u64;
    while body.len() < len.saturating_sub(64) {
        body.extend_from_slice(
            format!("    {{\"id\": {i}, \"to\": \"wallet-{i:08}\", \"amount\": \"1.50\"}},\n")
                .as_bytes(),
        );
        i += 1;
    }
    body.extend_from_slice(b"    {\"id\": -1}\n  ]\n}");
    body.resize(len, b' ');
    body
}

fn sign(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(4));
    for bits in [2048, 4096] {
        let signer = signer(bits);
        for (name, len) in SIZES {
            let body = json_body(len);
            group.throughput(Throughput::Elements(1));
            group.bench_with_input(
                BenchmarkId::new(bits.to_string(), name),
                &body,
                |b, body| b.iter(|| signer.sign("POST", black_box(URL), black_box(body), VALUE)),
            );
        }
    }
    group.finish();
}

fn rsa_crate(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign_rsa_crate");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4));
    let signer = signer(2048);
    let payload = Payload::new(VALUE, URL, &json_body(1 << 10));
    group.throughput(Throughput::Elements(1));
    group.bench_function("2048/1KB", |b| {
        b.iter(|| signer.sign_payload_with_rsa_crate(black_box(&payload)))
    });
    group.finish();
}

fn hash(c: &mut Criterion) {
    let mut group = c.benchmark_group("hash");
    group.measurement_time(Duration::from_secs(3));
    for (name, len) in SIZES {
        let body = json_body(len);
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &body, |b, body| {
            b.iter(|| Payload::new(VALUE, black_box(URL), black_box(body)).sha256())
        });
    }
    group.finish();
}

/// A 1 MB pretty body with a tab and a trailing newline, and its compact saved form: every
/// check has work to do.
fn lint_input() -> (Vec<u8>, Vec<u8>) {
    let mut body = json_body(1 << 20);
    body.insert(3, b'\t');
    body.push(b'\n');
    let saved = xsign::lint::compact(&body);
    (body, saved)
}

fn lint_at<'a>(body: &'a [u8], saved: &'a [u8]) -> LintInput<'a> {
    LintInput {
        saved_body: Some(saved),
        timestamp: Some(1_700_000_000),
        ..LintInput::new("POST", URL, body, 1_700_000_010)
    }
}

fn lint(c: &mut Criterion) {
    let mut group = c.benchmark_group("lint");
    group.measurement_time(Duration::from_secs(3));
    let (body, saved) = lint_input();
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("check/1MB", |b| {
        b.iter(|| check(&lint_at(black_box(&body), &saved)))
    });
    group.bench_function("escape/1MB", |b| {
        b.iter(|| escape_invisibles(black_box(&body)))
    });
    group.finish();
}

/// CPU time of the calling thread, as `openssl speed` counts by default.
struct ThreadCpuTime;

static WALL: WallTime = WallTime;

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("Linux /proc/thread-self/schedstat (run the wall-time groups elsewhere)")
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = Duration;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> Duration {
        Duration::from_nanos(thread_cpu_ns().saturating_sub(start))
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, d: &Duration) -> f64 {
        d.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

fn sign_cpu(c: &mut Criterion<ThreadCpuTime>) {
    let mut group = c.benchmark_group("sign_cpu");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(5));
    let signer = signer(2048);
    let body = json_body(1 << 10);
    group.throughput(Throughput::Elements(1));
    group.bench_function("2048/1KB", |b| {
        b.iter(|| signer.sign("POST", black_box(URL), black_box(&body), VALUE))
    });
    group.finish();
}

fn lint_cpu(c: &mut Criterion<ThreadCpuTime>) {
    let mut group = c.benchmark_group("lint_cpu");
    group.measurement_time(Duration::from_secs(3));
    let (body, saved) = lint_input();
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("check/1MB", |b| {
        b.iter(|| check(&lint_at(black_box(&body), &saved)))
    });
    group.finish();
}

criterion_group!(benches, sign, rsa_crate, hash, lint);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = sign_cpu, lint_cpu
}
criterion_main!(benches, cpu);
