//! The mock's throughput in signed requests per second, and where the time goes.
//!
//! `cargo bench --bench mock`
//! - `mock_http/*`: real HTTP over loopback, pre-signed requests (the client's signing cost
//!   is excluded), `cN` = N keep-alive connections with one request in flight on each,
//!   driven by hyper's connection-level client; `get_assets_reqwest` goes through reqwest.
//!   Client and server share the machine's cores, so these are lower bounds for the server
//!   alone; each case also prints the CPU it cost per request, which does not depend on the
//!   machine's load.
//! - `mock_http/refused_headers`: the same HTTP path refused before any hashing or RSA
//!   (no x-sign): the cost of HTTP, routing and the middleware alone.
//! - `mock_http/get_assets_4096/c8`: the same with a 4096-bit key (a slower verify).
//! - `mock_judge/*`: the judge in-process (headers, payload, SHA-256, RSA verify), and
//!   `verify/*` the RSA verification alone (aws-lc-rs, what the judge uses), beside
//!   `verify_rsa_crate/*` (the pure-Rust crate the tests cross-check it with), to split a
//!   request's time.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use xsign::mock::{Judge, MockConfig, MockHandle, MockServer, SignedParts};
use xsign::signing::{
    AuthValue, Payload, PrivateKey, RequestSigner, RsaSigner, now_unix, verify_x_sign,
};

const API_KEY: &str = "bench-api-key";
const API_KEY_4096: &str = "bench-api-key-4096";
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
    /// Parsed once: the bench measures the mock, not the client's URL parser.
    url: reqwest::Url,
    headers: reqwest::header::HeaderMap,
    body: Bytes,
    expect: u16,
}

fn prepare(signer: &RsaSigner, method: &str, url: &str, body: &[u8], sign: bool) -> Prepared {
    let api_key = if signer.key().info().bits == 4096 {
        API_KEY_4096
    } else {
        API_KEY
    };
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-api-key", api_key.parse().unwrap());
    let signed = signer.sign(method, url, body, AuthValue::Timestamp(now_unix()));
    for (name, value) in signed.headers() {
        if sign || name != "x-sign" {
            headers.insert(name, value.parse().unwrap());
        }
    }
    Prepared {
        method: method.parse().unwrap(),
        url: url.parse().unwrap(),
        headers,
        body: Bytes::copy_from_slice(body),
        expect: if sign { 200 } else { 401 },
    }
}

/// Splits `total` requests over `conns` tasks, each running `one` `n` times in a row, so
/// each connection has one request in flight; returns the wall time.
async fn spread<F, Fut>(total: u64, conns: u64, one: F) -> Duration
where
    F: Fn(usize, u64) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..conns {
        let n = total / conns + u64::from(i < total % conns);
        tasks.spawn(one(i as usize, n));
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("a request task");
    }
    start.elapsed()
}

/// Through reqwest (its pool keeps `conns` connections alive between bursts).
async fn burst_reqwest(
    client: &reqwest::Client,
    req: &Prepared,
    total: u64,
    conns: u64,
) -> Duration {
    spread(total, conns, |_, n| {
        let client = client.clone();
        let req = req.clone();
        async move {
            for _ in 0..n {
                let r = client
                    .request(req.method.clone(), req.url.clone())
                    .headers(req.headers.clone())
                    .body(req.body.clone())
                    .send()
                    .await
                    .expect("the mock answers");
                assert_eq!(r.status().as_u16(), req.expect, "{}", req.url);
                r.bytes().await.expect("a body");
            }
        }
    })
    .await
}

/// Keep-alive HTTP/1.1 connections driven by hyper's connection-level client: one
/// request at a time on each, no pool, no middleware, so more of the machine's two cores
/// are left to the mock. (hyper's `client` feature comes through reqwest.)
type Conns = Arc<Vec<tokio::sync::Mutex<SendRequest<Body>>>>;

async fn connect(addr: std::net::SocketAddr, n: usize) -> Conns {
    let mut conns = Vec::new();
    for _ in 0..n {
        let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
            .await
            .unwrap();
        tokio::spawn(conn);
        conns.push(tokio::sync::Mutex::new(send));
    }
    Arc::new(conns)
}

async fn burst_hyper(conns: &Conns, req: &Prepared, total: u64) -> Duration {
    let host = req.url[url::Position::BeforeHost..url::Position::AfterPort].to_string();
    let target = req.url[url::Position::BeforePath..].to_string();
    spread(total, conns.len() as u64, |i, n| {
        let conns = conns.clone();
        let (req, host, target) = (req.clone(), host.clone(), target.clone());
        async move {
            let mut send = conns[i].lock().await;
            for _ in 0..n {
                let mut r = axum::http::Request::builder()
                    .method(req.method.clone())
                    .uri(target.as_str())
                    .header(axum::http::header::HOST, host.as_str())
                    .body(Body::from(req.body.clone()))
                    .unwrap();
                r.headers_mut().extend(req.headers.clone());
                send.ready().await.expect("the connection stays open");
                let res = send.send_request(r).await.expect("the mock answers");
                assert_eq!(res.status().as_u16(), req.expect, "{}", req.url);
                axum::body::to_bytes(Body::new(res.into_body()), 1 << 20)
                    .await
                    .expect("a body");
            }
        }
    })
    .await
}

/// CPU time of every thread of this process so far (client and server), from
/// /proc/self/task/*/schedstat; `None` where there is no such file.
fn process_cpu() -> Option<Duration> {
    let mut ns = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        ns += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(ns))
}

/// Runs `burst` under criterion and says how much CPU (all threads) each request cost:
/// unlike req/s, that does not depend on what else the machine is running.
fn bench_http<F>(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, conns: u64, mut burst: F)
where
    F: FnMut(u64) -> Duration,
{
    let (mut requests, mut cpu) = (0u64, Duration::ZERO);
    group.bench_function(BenchmarkId::new(name, format!("c{conns}")), |b| {
        b.iter_custom(|iters| {
            let before = process_cpu();
            let wall = burst(iters);
            if let (Some(before), Some(after)) = (before, process_cpu()) {
                cpu += after.saturating_sub(before);
                requests += iters;
            }
            wall
        })
    });
    if requests > 0 {
        let per = cpu.as_secs_f64() * 1e6 / requests as f64;
        eprintln!("mock_http/{name}/c{conns}: {per:.1} µs of CPU per request, client included");
    }
}

fn http(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mock: MockHandle = rt.block_on(async {
        let config = MockConfig {
            // Pre-signed timestamps must stay valid for the whole run.
            skew_secs: 24 * 3600,
            max_records: 50_000_000,
            // One pre-signed POST sent again and again is exactly what replay protection
            // refuses (1020 reason replay); here it measures the accepted path.
            refuse_replays: false,
            ..Default::default()
        };
        MockServer::start(config, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap()
    });
    let signer = RsaSigner::new(key(2048));
    mock.register(API_KEY, signer.key().public_key());
    let signer_4096 = RsaSigner::new(key(4096));
    mock.register(API_KEY_4096, signer_4096.key().public_key());
    let base = mock.base_url();
    let assets = prepare(&signer, "GET", &format!("{base}/assets"), b"", true);
    let assets_4096 = prepare(&signer_4096, "GET", &format!("{base}/assets"), b"", true);
    let company = prepare(&signer, "POST", &format!("{base}/company"), COMPANY, true);
    let refused = prepare(&signer, "GET", &format!("{base}/assets"), b"", false);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    let mut group = c.benchmark_group("mock_http");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements(1));
    for (name, req, n) in [
        ("get_assets", &assets, 1),
        ("get_assets", &assets, 8),
        ("get_assets_4096", &assets_4096, 8),
        ("post_company", &company, 8),
        ("refused_headers", &refused, 8),
    ] {
        // Opened for each case: a connection left idle through earlier cases would meet
        // the mock's header timeout (10 s), which also covers a kept-alive connection.
        let conns = rt.block_on(connect(mock.addr(), n));
        bench_http(&mut group, name, n as u64, |iters| {
            rt.block_on(burst_hyper(&conns, req, iters))
        });
    }
    // The issue's first figure was taken with reqwest, which costs the client more.
    bench_http(&mut group, "get_assets_reqwest", 8, |iters| {
        rt.block_on(burst_reqwest(&client, &assets, iters, 8))
    });
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
        // For comparison only: the same check with the pure-Rust rsa crate (what the judge
        // used before aws-lc-rs; the tests keep it as a cross-check).
        let rsa_public = rsa_crate_public(&public);
        let raw = URL_SAFE_NO_PAD.decode(signed.x_sign.as_str()).unwrap();
        let scheme = || rsa::Pkcs1v15Sign::new::<sha2::Sha256>();
        rsa_public
            .verify(scheme(), &payload.sha256(), &raw)
            .unwrap();
        group.bench_function(BenchmarkId::new("verify_rsa_crate", bits), |b| {
            b.iter(|| {
                rsa_public
                    .verify(scheme(), &black_box(&payload).sha256(), &raw)
                    .unwrap()
            })
        });
    }
    group.bench_function("payload_sha256_1KB", |b| {
        b.iter(|| Payload::new(AuthValue::Timestamp(1), black_box(url), black_box(&body)).sha256())
    });
    group.finish();
}

/// The `rsa` crate's form of a public key.
fn rsa_crate_public(key: &xsign::signing::PublicKey) -> rsa::PublicKey {
    use pkcs8::DecodePublicKey;
    rsa::PublicKey::from_public_key_pem(&key.to_pem()).unwrap()
}

criterion_group!(benches, judge, http);
criterion_main!(benches);
