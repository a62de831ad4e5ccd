//! The mock's throughput in signed requests per second, and where the time goes.
//!
//! `cargo bench --bench mock`
//! - `mock_http/*`: real HTTP over loopback with reqwest, pre-signed requests (the client's
//!   signing cost is excluded), `cN` = N concurrent keep-alive connections. Client and server
//!   share the machine's cores, so these are lower bounds for the server alone.
//! - `mock_http/refused_headers`: the same HTTP path refused before any hashing or RSA
//!   (no x-sign): the cost of HTTP, routing and the middleware alone.
//! - `mock_judge/*`: the judge in-process (headers, payload, SHA-256, RSA verify), and
//!   `verify/*` the RSA verification alone, to split a request's time.

use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};
use xsign::mock::{Judge, MockConfig, MockHandle, MockServer, SignedParts};
use xsign::signing::{
    AuthValue, Payload, PrivateKey, RequestSigner, RsaSigner, now_unix, verify_x_sign,
};

const API_KEY: &str = "bench-api-key";
const COMPANY: &[u8] =
    br#"{"name":"Bench Corp","city":"Paris","country":"FR","domain":"bench.example"}"#;

fn key(bits: usize) -> PrivateKey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("test-rsa{bits}.pkcs1.pem"));
    PrivateKey::from_file(&path).expect("fixture key")
}

fn body_1kb() -> Vec<u8> {
    let mut body =
        br#"{"name":"Bench Corp","city":"Paris","country":"FR","domain":"bench.example","ref":""#
            .to_vec();
    body.resize(1000, b'x');
    body.extend_from_slice(b"\"}");
    body
}

/// A request signed once, sent many times (timestamps may repeat within the skew).
#[derive(Clone)]
struct Prepared {
    method: reqwest::Method,
    url: String,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
    expect: u16,
}

fn prepare(signer: &RsaSigner, method: &str, url: &str, body: &[u8], sign: bool) -> Prepared {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-api-key", API_KEY.parse().unwrap());
    let signed = signer.sign(method, url, body, AuthValue::Timestamp(now_unix()));
    for (name, value) in signed.headers() {
        if sign || name != "x-sign" {
            headers.insert(name, value.parse().unwrap());
        }
    }
    Prepared {
        method: method.parse().unwrap(),
        url: url.to_string(),
        headers,
        body: body.to_vec(),
        expect: if sign { 200 } else { 401 },
    }
}

/// `total` requests over `conns` connections; returns the wall time.
async fn burst(client: &reqwest::Client, req: &Prepared, total: u64, conns: u64) -> Duration {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..conns {
        let n = total / conns + u64::from(i < total % conns);
        let client = client.clone();
        let req = req.clone();
        tasks.spawn(async move {
            for _ in 0..n {
                let r = client
                    .request(req.method.clone(), &req.url)
                    .headers(req.headers.clone())
                    .body(req.body.clone())
                    .send()
                    .await
                    .expect("the mock answers");
                assert_eq!(r.status().as_u16(), req.expect, "{}", req.url);
                r.bytes().await.expect("a body");
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("a request task");
    }
    start.elapsed()
}

fn http(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mock: MockHandle = rt.block_on(async {
        let config = MockConfig {
            // Pre-signed timestamps must stay valid for the whole run.
            skew_secs: 24 * 3600,
            max_records: 50_000_000,
            ..Default::default()
        };
        MockServer::start(config, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap()
    });
    let signer = RsaSigner::new(key(2048));
    mock.register(API_KEY, signer.key().public_key());
    let base = mock.base_url();
    let assets = prepare(&signer, "GET", &format!("{base}/assets"), b"", true);
    let company = prepare(&signer, "POST", &format!("{base}/company"), COMPANY, true);
    let refused = prepare(&signer, "GET", &format!("{base}/assets"), b"", false);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    let mut group = c.benchmark_group("mock_http");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements(1));
    for (name, req, conns) in [
        ("get_assets", &assets, 1),
        ("get_assets", &assets, 8),
        ("post_company", &company, 8),
        ("refused_headers", &refused, 8),
    ] {
        group.bench_function(BenchmarkId::new(name, format!("c{conns}")), |b| {
            b.iter_custom(|iters| rt.block_on(burst(&client, req, iters, conns)))
        });
    }
    group.finish();
    rt.block_on(mock.shutdown()).unwrap();
}

fn judge(c: &mut Criterion) {
    let mut group = c.benchmark_group("mock_judge");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(1));
    let url = "http://127.0.0.1:8001/api/v1/p/company";
    let body = body_1kb();
    for bits in [2048, 4096] {
        let signer = RsaSigner::new(key(bits));
        let judge = Judge::new(i64::MAX / 4);
        judge.register(API_KEY, signer.key().public_key());
        let value = AuthValue::Timestamp(now_unix());
        let signed = signer.sign("POST", url, &body, value);
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", HeaderValue::from_static(API_KEY));
        for (name, v) in signed.headers() {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_str(&v).unwrap(),
            );
        }
        let parts = SignedParts {
            method: "POST",
            url: Ok(url),
            headers: &headers,
            body: &body,
        };
        assert!(judge.judge(&parts, now_unix()).is_ok());
        group.bench_function(BenchmarkId::new("judge_post_1KB", bits), |b| {
            b.iter(|| black_box(judge.judge(black_box(&parts), now_unix())))
        });
        let payload = Payload::new(value, url, &body);
        let public = signer.key().public_key();
        group.bench_function(BenchmarkId::new("verify", bits), |b| {
            b.iter(|| verify_x_sign(&public, black_box(&payload), signed.x_sign.as_str()).unwrap())
        });
        // For comparison only: the same check with aws-lc-rs (what signing already uses).
        let der = aws_lc_public_der(&public);
        let raw = URL_SAFE_NO_PAD.decode(signed.x_sign.as_str()).unwrap();
        let aws = UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, der);
        aws.verify(payload.as_bytes(), &raw).unwrap();
        group.bench_function(BenchmarkId::new("verify_aws_lc", bits), |b| {
            b.iter(|| aws.verify(black_box(payload.as_bytes()), &raw).unwrap())
        });
    }
    group.bench_function("payload_sha256_1KB", |b| {
        b.iter(|| Payload::new(AuthValue::Timestamp(1), black_box(url), black_box(&body)).sha256())
    });
    group.finish();
}

/// PKCS#1 RSAPublicKey DER, the form aws-lc-rs verifies with.
fn aws_lc_public_der(key: &xsign::signing::PublicKey) -> Vec<u8> {
    use pkcs1::EncodeRsaPublicKey;
    use pkcs8::DecodePublicKey;
    let rsa = rsa::PublicKey::from_public_key_pem(&key.to_pem()).unwrap();
    rsa.to_pkcs1_der().unwrap().as_bytes().to_vec()
}

criterion_group!(benches, judge, http);
criterion_main!(benches);
