//! Many clients at once; a half-sent request or a chunked flood harms nobody else.

mod mock_support;

use mock_support::{API_KEY, Client, start};
use std::io::{Read, Write};
use std::time::Duration;
use xsign::mock::MockConfig;
use xsign::signing::{AuthValue, RequestSigner, now_unix};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_clients_all_get_answers_despite_a_stuck_one() {
    let mock = start(MockConfig::default()).await;
    // A client that sends half its headers and then nothing.
    let mut stuck = std::net::TcpStream::connect(mock.addr()).unwrap();
    stuck
        .write_all(b"POST /api/v1/p/company HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n")
        .unwrap();
    // One that declares a body and sends half of it.
    let mut slow_body = std::net::TcpStream::connect(mock.addr()).unwrap();
    slow_body
        .write_all(
            b"POST /api/v1/p/company HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"na",
        )
        .unwrap();

    let mut tasks = Vec::new();
    for i in 0..100 {
        let c = Client::new(&mock);
        tasks.push(tokio::spawn(async move {
            let body = format!(r#"{{"name":"Company {i}","ref":"r-{i}"}}"#);
            let r = c.call("POST", "/company", body.as_bytes()).await;
            r.status
        }));
    }
    let statuses = tokio::time::timeout(
        Duration::from_secs(30),
        futures_util::future::join_all(tasks),
    )
    .await
    .expect("all answered while two clients hang");
    assert!(statuses.into_iter().all(|s| s.unwrap() == 200));
    let c = Client::new(&mock);
    let all = c.call("GET", "/company/search", b"").await.json();
    assert_eq!(all["total_count"], 100);
    drop((stuck, slow_body));
}

#[tokio::test]
async fn a_chunked_body_past_the_limit_is_cut_off_with_413() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let url = c.url("/company");
    let s = c
        .signer
        .sign("POST", &url, b"", AuthValue::Timestamp(now_unix()));
    let addr = mock.addr();
    let head = format!(
        "POST /api/v1/p/company HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nx-api-key: {API_KEY}\r\nx-timestamp: {}\r\nx-sign: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        addr.port(),
        s.value,
        s.x_sign
    );
    let answer = tokio::task::spawn_blocking(move || {
        let mut tcp = std::net::TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        tcp.write_all(head.as_bytes()).unwrap();
        let chunk = vec![b' '; 64 * 1024];
        // 2 MiB in 64 KiB chunks; the server may stop reading (and close) past 1 MiB.
        for _ in 0..32 {
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(&chunk);
            framed.extend_from_slice(b"\r\n");
            if tcp.write_all(&framed).is_err() {
                break;
            }
        }
        let _ = tcp.write_all(b"0\r\n\r\n");
        let mut out = Vec::new();
        let _ = tcp.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("errPayloadTooLarge"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_20_mb_body_gets_its_413_not_a_broken_pipe() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let body = vec![b'x'; 20 * 1024 * 1024];
    // A few tries: the broken pipe came often, not always.
    for _ in 0..3 {
        let url = c.url("/company");
        let s = c
            .signer
            .sign("POST", &url, &body, AuthValue::Timestamp(now_unix()));
        let mut req = c
            .http
            .post(&url)
            .header("x-api-key", API_KEY)
            .body(body.clone());
        for (name, v) in s.headers() {
            req = req.header(name, v);
        }
        let resp = req
            .send()
            .await
            .expect("the client sees an answer, not a broken pipe");
        assert_eq!(resp.status().as_u16(), 413);
        let text = resp.text().await.unwrap();
        assert!(text.contains("errPayloadTooLarge"), "{text}");
    }
}

/// A client that writes its whole request before reading (curl, Go, most scripts): the
/// answer must still be there once it has written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_writes_20_mb_before_reading_gets_the_413() {
    let mock = start(MockConfig::default()).await;
    let addr = mock.addr();
    let len = 20 * 1024 * 1024;
    let answer = tokio::task::spawn_blocking(move || {
        let mut tcp = std::net::TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let head = format!(
            "POST /api/v1/p/company HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {len}\r\n\r\n"
        );
        tcp.write_all(head.as_bytes()).unwrap();
        let chunk = vec![b'x'; 64 * 1024];
        let mut written = Ok(());
        for _ in 0..len / chunk.len() {
            written = tcp.write_all(&chunk);
            if written.is_err() {
                break;
            }
        }
        let mut out = Vec::new();
        let read = tcp.read_to_end(&mut out);
        (written, read, String::from_utf8_lossy(&out).into_owned())
    })
    .await
    .unwrap();
    let (written, read, text) = answer;
    written.expect("the whole body could be written");
    assert!(text.starts_with("HTTP/1.1 413"), "{read:?}: {text}");
    assert!(text.contains("errPayloadTooLarge"), "{text}");
}

/// Idle clients that reconnect as soon as they are dropped, from `from`, until `stop`. They
/// run on a runtime of their own, as another process's would: sharing the test's two
/// workers, they would slow the probe's own client rather than the mock.
fn flood(
    addr: std::net::SocketAddr,
    from: std::net::IpAddr,
    clients: usize,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let mut tasks = Vec::new();
            for _ in 0..clients {
                let mut stop = stop.clone();
                tasks.push(tokio::spawn(async move {
                    while !*stop.borrow() {
                        let socket = tokio::net::TcpSocket::new_v4().unwrap();
                        socket.bind((from, 0).into()).unwrap();
                        let Ok(mut s) = socket.connect(addr).await else {
                            tokio::time::sleep(Duration::from_millis(5)).await;
                            continue;
                        };
                        // Holds the connection, sending nothing, until the server drops it.
                        let mut buf = [0u8; 64];
                        tokio::select! {
                            _ = tokio::io::AsyncReadExt::read(&mut s, &mut buf) => {}
                            _ = stop.changed() => {}
                        }
                    }
                }));
            }
            for t in tasks {
                let _ = t.await;
            }
        });
    });
}

/// Issue 10 #11: under a flood of idle connections, signed requests still get answers at
/// once: one address holds at most its share, and at either limit the oldest idle
/// connection makes room for the new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_probes_are_answered_during_a_flood_of_idle_connections() {
    let mock = start(MockConfig {
        max_connections: 64,
        max_connections_per_ip: 32,
        ..MockConfig::default()
    })
    .await;
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    // More idle clients than the mock has connections, from another host (127.0.0.2)...
    flood(mock.addr(), [127, 0, 0, 2].into(), 100, stop.clone());
    tokio::time::sleep(Duration::from_millis(500)).await;
    for i in 0..4 {
        let c = Client::new(&mock);
        let t = std::time::Instant::now();
        let r = tokio::time::timeout(Duration::from_secs(5), c.call("GET", "/assets", b""))
            .await
            .unwrap_or_else(|_| panic!("probe {i} had no answer in 5 s (cross-host flood)"));
        assert_eq!(r.status, 200, "probe {i}");
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "probe {i}: {:?}",
            t.elapsed()
        );
    }
    // ... and from this very address too, every connection now taken: the probe takes the
    // place of the oldest idle one at once (it used to be closed, or wait seconds).
    flood(mock.addr(), [127, 0, 0, 1].into(), 100, stop);
    tokio::time::sleep(Duration::from_millis(500)).await;
    for i in 0..4 {
        // A new client each time: a new connection, not one kept from before the flood.
        let c = Client::new(&mock);
        let t = std::time::Instant::now();
        let r = tokio::time::timeout(Duration::from_secs(5), c.call("GET", "/assets", b""))
            .await
            .unwrap_or_else(|_| panic!("probe {i} had no answer in 5 s (same-host flood)"));
        assert_eq!(r.status, 200, "probe {i}");
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "probe {i} (same-host flood): {:?}",
            t.elapsed()
        );
    }
    let _ = stop_tx.send(true);
}
