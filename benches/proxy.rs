//! The signing proxy's cost: added latency per request against the mock, and throughput on
//! 8 connections.
//!
//! `cargo bench --bench proxy` (about a minute)
//! - `proxy_latency/direct`: a client that signs itself (as an SDK must) and sends to the
//!   mock: sign + HTTP + the mock's check, one request at a time.
//! - `proxy_latency/via_proxy`: an unsigned request to the proxy, which signs, sends to the
//!   mock and streams the answer back (history off: `NoRecord`).
//! - `proxy_latency/via_proxy_history`: the same, recorded in a history in a temp dir, as
//!   `xsign proxy` does.
//! - `proxy_throughput/c8_*`: 200 requests over 8 keep-alive connections, direct and proxied.
//! - Before the groups, p50 and p99 of 400 sequential requests each way are printed, and the
//!   added latency (proxied minus direct) at both.
//!
//! Client, proxy and mock share the machine's cores, so these are upper bounds of the cost.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use xsign::cli::proxy::{Upstream, config};
use xsign::http::{NoRecord, Recorder};
use xsign::mock::{MockConfig, MockHandle, MockServer};
use xsign::proxy::{ProxyHandle, ProxyServer};
use xsign::signing::{AuthMode, AuthValue, PrivateKey, RequestSigner, RsaSigner, now_unix};
use xsign::store::History;

const API_KEY: &str = "bench-api-key";

fn key() -> PrivateKey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/test-rsa2048.pkcs1.pem");
    PrivateKey::from_file(&path).expect("fixture key")
}

struct Setup {
    mock: MockHandle,
    proxy: ProxyHandle,
    recorded: ProxyHandle,
    _history: tempfile::TempDir,
}

async fn setup() -> Setup {
    let mock = MockServer::start(MockConfig::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    mock.register(API_KEY, key().public_key());
    let start = |recorder: Arc<dyn Recorder>| {
        let c = config(Upstream {
            base_url: mock.base_url(),
            api_key: API_KEY.into(),
            key: Some(key()),
            key_path: None,
            mode: AuthMode::Timestamp,
            profile: "bench".into(),
            headers: vec![],
            timeout: Duration::from_secs(10),
            client: xsign::http::client().unwrap(),
            recorder,
            on_event: Arc::new(|_| {}),
        });
        ProxyServer::start(c, "127.0.0.1:0".parse().unwrap())
    };
    let history = tempfile::tempdir().unwrap();
    let proxy = start(Arc::new(NoRecord)).await.unwrap();
    let recorded = start(Arc::new(History::new(history.path(), 1000)))
        .await
        .unwrap();
    Setup {
        mock,
        proxy,
        recorded,
        _history: history,
    }
}

/// One request signed by the client itself, straight to the mock.
async fn direct(http: &reqwest::Client, signer: &RsaSigner, url: &str) {
    let signed = signer.sign("GET", url, b"", AuthValue::Timestamp(now_unix()));
    let mut req = http.get(url).header("x-api-key", API_KEY);
    for (n, v) in signed.headers() {
        req = req.header(n, v);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.bytes().await.unwrap();
}

/// One unsigned request through the proxy.
async fn proxied(http: &reqwest::Client, url: &str) {
    let r = http.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.bytes().await.unwrap();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let s = rt.block_on(setup());
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let signer = RsaSigner::new(key());
    let direct_url = format!("{}/assets", s.mock.base_url());
    let proxy_url = format!("{}/assets", s.proxy.url());
    let recorded_url = format!("{}/assets", s.recorded.url());

    // p50 / p99 over sequential requests, interleaved so drift hits both alike.
    let (mut d, mut p, mut h) = (Vec::new(), Vec::new(), Vec::new());
    rt.block_on(async {
        for _ in 0..20 {
            direct(&http, &signer, &direct_url).await;
            proxied(&http, &proxy_url).await;
        }
        for _ in 0..400 {
            let t = Instant::now();
            direct(&http, &signer, &direct_url).await;
            d.push(t.elapsed());
            let t = Instant::now();
            proxied(&http, &proxy_url).await;
            p.push(t.elapsed());
            let t = Instant::now();
            proxied(&http, &recorded_url).await;
            h.push(t.elapsed());
        }
    });
    for v in [&mut d, &mut p, &mut h] {
        v.sort();
    }
    let us = |x: Duration| x.as_secs_f64() * 1e6;
    for (name, v) in [("direct", &d), ("via_proxy", &p), ("via_proxy_history", &h)] {
        eprintln!(
            "proxy latency {name:>18}: p50 {:>7.0} µs  p99 {:>7.0} µs",
            us(percentile(v, 0.5)),
            us(percentile(v, 0.99))
        );
    }
    for (name, v) in [("via_proxy", &p), ("via_proxy_history", &h)] {
        eprintln!(
            "proxy added latency {name:>18}: p50 {:>7.0} µs  p99 {:>7.0} µs",
            us(percentile(v, 0.5)) - us(percentile(&d, 0.5)),
            us(percentile(v, 0.99)) - us(percentile(&d, 0.99))
        );
    }

    let mut g = c.benchmark_group("proxy_latency");
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("direct", |b| {
        b.iter(|| rt.block_on(direct(&http, &signer, &direct_url)));
    });
    g.bench_function("via_proxy", |b| {
        b.iter(|| rt.block_on(proxied(&http, &proxy_url)));
    });
    g.bench_function("via_proxy_history", |b| {
        b.iter(|| rt.block_on(proxied(&http, &recorded_url)));
    });
    g.finish();

    let mut g = c.benchmark_group("proxy_throughput");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
        .throughput(Throughput::Elements(200));
    let signer = Arc::new(signer);
    // One client per connection, made once: each keeps its keep-alive connection.
    let clients: Vec<reqwest::Client> = (0..8)
        .map(|_| reqwest::Client::builder().no_proxy().build().unwrap())
        .collect();
    let burst = |via_proxy: bool| {
        let clients = clients.clone();
        let direct_url = direct_url.clone();
        let proxy_url = proxy_url.clone();
        let signer = signer.clone();
        async move {
            let mut tasks = tokio::task::JoinSet::new();
            for http in clients {
                let (direct_url, proxy_url) = (direct_url.clone(), proxy_url.clone());
                let signer = signer.clone();
                tasks.spawn(async move {
                    for _ in 0..25 {
                        if via_proxy {
                            proxied(&http, &proxy_url).await;
                        } else {
                            direct(&http, &signer, &direct_url).await;
                        }
                    }
                });
            }
            while tasks.join_next().await.is_some() {}
        }
    };
    g.bench_function("c8_direct", |b| b.iter(|| rt.block_on(burst(false))));
    g.bench_function("c8_via_proxy", |b| b.iter(|| rt.block_on(burst(true))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
