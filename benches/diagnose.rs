//! The doctor's cost: a clean request (one verification), and the worst case, a curl capture
//! whose x-sign matches nothing, so every URL and body variant is hashed and checked.
//! The TUI's 1020 inspector runs this off the draw loop; these figures say how long it waits.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use xsign::diagnose::{Evidence, Sent, diagnose};
use xsign::signing::{AuthValue, PrivateKey, RequestSigner, RsaSigner};

const URL: &str = "https://api.qredo.network/api/v1/p/company/search?query=ACME+Corp";

fn key() -> PrivateKey {
    PrivateKey::from_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/test-rsa2048.pkcs1.pem"),
    )
    .unwrap()
}

/// A JSON body of about `size` bytes.
fn body(size: usize) -> Vec<u8> {
    let mut s = String::from("{\"items\":[");
    let mut i = 0;
    while s.len() < size {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("{{\"id\":{i},\"name\":\"item number {i}\"}}"));
        i += 1;
    }
    s.push_str("]}");
    s.into_bytes()
}

fn evidence(key: &PrivateKey, body: &[u8], signed_over: &[u8]) -> Evidence {
    let value = AuthValue::Timestamp(1_700_000_000);
    let copy = PrivateKey::from_pem(&key.to_pkcs1_pem(), Path::new("k")).unwrap();
    let x_sign = RsaSigner::new(copy)
        .sign("POST", URL, signed_over, value)
        .x_sign;
    Evidence {
        sent: Sent {
            url: Some(URL.into()),
            body: Some(body.to_vec()),
            api_key: Some("apikey".into()),
            x_sign: Some(x_sign.to_string()),
            timestamp: Some("1700000000".into()),
            nonce: None,
            complete: true,
            body_digest: None,
        },
        public_key: Some(key.public_key()),
        server_date: Some(1_700_000_001),
        ..Evidence::default()
    }
}

fn bench(c: &mut Criterion) {
    let key = key();
    let mut g = c.benchmark_group("diagnose");
    g.sample_size(10);
    // 250 KB: the largest body still searched for variants (the cap is 256 KiB).
    for size in [1024, 64 * 1024, 250 * 1024, 1024 * 1024] {
        let b = body(size);
        g.throughput(Throughput::Bytes(b.len() as u64));
        let clean = evidence(&key, &b, &b);
        g.bench_with_input(BenchmarkId::new("clean", size), &clean, |bench, ev| {
            bench.iter(|| diagnose(ev))
        });
        // Signed over other bytes entirely: nothing verifies, every variant is tried.
        let nothing = evidence(&key, &b, b"{}");
        g.bench_with_input(BenchmarkId::new("no_match", size), &nothing, |bench, ev| {
            bench.iter(|| diagnose(ev))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
