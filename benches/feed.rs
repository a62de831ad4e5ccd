//! Endpoint completion (runs on every keystroke in the URL field) and feed throughput
//! (messages from a loopback websocket server through the client to its receiver).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use futures_util::SinkExt;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use xsign::catalog::Catalog;
use xsign::feed::{self, FeedAuth, FeedConfig, FeedEvent, FeedTarget};
use xsign::signing::{PrivateKey, RsaSigner};

fn completion(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let mut g = c.benchmark_group("catalog_complete");
    for prefix in [
        "",
        "/company/1dnfLZolYD72zasqtmtTXXoaNNJ/fund/",
        "http://localhost:8001/api/v1/p/coreclient/abc/act",
    ] {
        g.bench_with_input(BenchmarkId::from_parameter(prefix.len()), prefix, |b, p| {
            b.iter(|| black_box(catalog.complete(black_box(p), None)).len())
        });
    }
    g.finish();
}

const MESSAGES: u64 = 10_000;
const ACTION: &str = r#"{"id":"1i8O3CAQCpny0xvYMhMVPHzIcih","clientID":"C1","type":"ApproveTransfer","status":"pending","timestamp":1601972322,"expireTime":1601973322}"#;

/// A server that, on each connection, sends MESSAGES actions as fast as it can.
async fn flood_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut ws = tokio_tungstenite::accept_async(stream).await.unwrap();
                for _ in 0..MESSAGES {
                    if ws.feed(Message::text(ACTION)).await.is_err() {
                        return;
                    }
                }
                let _ = ws.flush().await;
                // Hold until the client closes.
                use futures_util::StreamExt;
                while let Some(Ok(_)) = ws.next().await {}
            });
        }
    });
    format!("ws://{addr}/api/v1/p/coreclient/C1/feed")
}

fn throughput(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let url = rt.block_on(flood_server());
    let key = PrivateKey::from_file(Path::new("tests/fixtures/test-rsa2048.pkcs1.pem")).unwrap();
    let signer = Arc::new(RsaSigner::new(key));
    let mut g = c.benchmark_group("feed");
    g.throughput(Throughput::Elements(MESSAGES));
    g.sample_size(10);
    g.bench_function("receive_10k_actions", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let config = FeedConfig::new(
                    FeedTarget::parse(&url).unwrap(),
                    FeedAuth::timestamp(signer.clone(), "bench"),
                );
                total += rt.block_on(async {
                    let start = Instant::now();
                    let mut handle = feed::connect(config);
                    let mut n = 0;
                    while n < MESSAGES {
                        match handle.recv().await {
                            Some(e @ FeedEvent::Message { .. }) => {
                                black_box(e.action());
                                n += 1;
                            }
                            Some(e) if e.is_final() => panic!("feed ended: {e:?}"),
                            Some(_) => {}
                            None => panic!("feed ended"),
                        }
                    }
                    let elapsed = start.elapsed();
                    handle.close().await;
                    elapsed
                });
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, completion, throughput);
criterion_main!(benches);
