//! What goes on the wire, byte for byte, and the errors when nothing comes back.

mod common;
mod send_common;

use send_common::{API_KEY, Env, fixture_key};
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use xsign::http::{self, Credentials, RequestSpec, SendError, build_ticket};
use xsign::signing::{AuthMode, AuthValue, Payload, RsaSigner, verify_x_sign};

fn creds() -> Credentials {
    Credentials {
        api_key: API_KEY.into(),
        signer: Some(Arc::new(RsaSigner::new(fixture_key()))),
        mode: AuthMode::Timestamp,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// Reads one HTTP/1.1 request from a raw socket: the head lines and exactly the body.
fn capture(listener: TcpListener) -> std::thread::JoinHandle<(Vec<String>, Vec<u8>)> {
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            head.push(line.trim_end_matches("\r\n").to_string());
        }
        let len = head
            .iter()
            .find_map(|l| l.strip_prefix("content-length: "))
            .map_or(0, |v| v.parse().unwrap());
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        use std::io::Write;
        stream
            .write_all(b"HTTP/1.1 204 No Content\r\nDate: Tue, 14 Nov 2023 22:13:20 GMT\r\n\r\n")
            .unwrap();
        (head, body)
    })
}

#[test]
fn the_wire_carries_exactly_the_signed_url_headers_and_body() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = capture(listener);
    let body = b"{\n\t\"name\": \"ACME\"\r\n}\n".to_vec();
    let spec = RequestSpec::new(
        reqwest::Method::POST,
        format!("http://{addr}/api/v1/p/company/search?query=a b"),
        body.clone(),
    );
    let ticket = build_ticket(&spec, &creds(), AuthValue::Timestamp(1_700_000_000)).unwrap();
    let resp = runtime()
        .block_on(http::send(
            &http::client().unwrap(),
            &ticket,
            Duration::from_secs(10),
        ))
        .unwrap();
    let (head, sent_body) = server.join().unwrap();
    assert_eq!(resp.status, 204);
    assert_eq!(resp.remote_date, Some(1_700_000_000));

    assert_eq!(
        head[0],
        "POST /api/v1/p/company/search?query=a%20b HTTP/1.1"
    );
    assert!(head.contains(&format!("host: {addr}")), "{head:?}");
    assert!(head.contains(&format!("x-api-key: {API_KEY}")), "{head:?}");
    assert!(
        head.contains(&"x-timestamp: 1700000000".to_string()),
        "{head:?}"
    );
    assert!(
        head.contains(&"content-type: application/json".to_string()),
        "{head:?}"
    );
    assert_eq!(sent_body, body, "the body is sent byte for byte");

    // The URL the server rebuilds from Host + target is the one that was signed.
    let rebuilt = format!("http://{addr}{}", head[0].split(' ').nth(1).unwrap());
    let x_sign = head
        .iter()
        .find_map(|l| l.strip_prefix("x-sign: "))
        .unwrap();
    let payload = Payload::new(AuthValue::Timestamp(1_700_000_000), &rebuilt, &sent_body);
    verify_x_sign(&fixture_key().public_key(), &payload, x_sign).unwrap();
}

#[test]
fn a_get_without_body_carries_no_content_type() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = capture(listener);
    let spec = RequestSpec::new(
        reqwest::Method::GET,
        format!("http://{addr}/api/v1/p/assets"),
        vec![],
    );
    let ticket = build_ticket(&spec, &creds(), AuthValue::Timestamp(1)).unwrap();
    runtime()
        .block_on(http::send(
            &http::client().unwrap(),
            &ticket,
            Duration::from_secs(10),
        ))
        .unwrap();
    let (head, body) = server.join().unwrap();
    assert!(body.is_empty());
    assert!(
        !head
            .iter()
            .any(|l| l.to_ascii_lowercase().starts_with("content-type")),
        "{head:?}"
    );
}

#[test]
fn refused_connection_says_nothing_is_listening() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let spec = RequestSpec::new(
        reqwest::Method::GET,
        format!("http://127.0.0.1:{port}/api/v1/p/assets"),
        vec![],
    );
    let ticket = build_ticket(&spec, &creds(), AuthValue::Timestamp(1)).unwrap();
    let err = runtime()
        .block_on(http::send(
            &http::client().unwrap(),
            &ticket,
            Duration::from_secs(10),
        ))
        .unwrap_err();
    assert!(matches!(err, SendError::Refused { .. }), "{err:?}");
    assert!(err.to_string().contains("nothing is listening"), "{err}");

    let env = Env::start();
    let run = env.xsign(&[
        "send",
        "GET",
        &format!("http://127.0.0.1:{port}/api/v1/p/assets"),
    ]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "error: connection refused by 127.0.0.1:{port}: nothing is listening there"
        )),
        "{run:?}"
    );
}

#[test]
fn a_silent_server_times_out_with_advice() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Accepts, reads nothing, answers nothing, until the test ends.
    let _hold = std::thread::spawn(move || {
        let conns: Vec<_> = listener.incoming().take(2).collect();
        std::thread::sleep(Duration::from_secs(10));
        drop(conns);
    });
    let env = Env::start();
    let run = env.xsign(&[
        "send",
        "GET",
        &format!("http://{addr}/api/v1/p/assets"),
        "--timeout",
        "0.5",
    ]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "error: no complete response from {addr} within 0.5 s"
        )),
        "{run:?}"
    );
    assert!(run.stderr.contains("--timeout"), "{run:?}");
}

#[test]
fn https_to_a_plain_http_server_is_a_tls_failure() {
    let env = Env::start();
    let addr = env.mock().addr();
    let spec = RequestSpec::new(
        reqwest::Method::GET,
        format!("https://{addr}/api/v1/p/assets"),
        vec![],
    );
    let ticket = build_ticket(&spec, &creds(), AuthValue::Timestamp(1)).unwrap();
    let err = env
        .rt
        .block_on(http::send(
            &http::client().unwrap(),
            &ticket,
            Duration::from_secs(10),
        ))
        .unwrap_err();
    assert!(matches!(err, SendError::Tls { .. }), "{err:?}");
    assert!(err.to_string().contains("use http://"), "{err}");
}

#[test]
fn aborting_the_task_cancels_the_request() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 4096];
        // Read the request, then wait for the client to hang up: read returns 0.
        let mut total = 0;
        loop {
            match stream.read(&mut buf) {
                Ok(0) => return Ok(total),
                Ok(n) => total += n,
                Err(e) => return Err(e),
            }
        }
    });
    let rt = runtime();
    let spec = RequestSpec::new(
        reqwest::Method::GET,
        format!("http://{addr}/api/v1/p/assets"),
        vec![],
    );
    let ticket = build_ticket(&spec, &creds(), AuthValue::Timestamp(1)).unwrap();
    rt.block_on(async {
        let client = http::client().unwrap();
        let task =
            tokio::spawn(
                async move { http::send(&client, &ticket, Duration::from_secs(60)).await },
            );
        tokio::time::sleep(Duration::from_millis(300)).await;
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
    });
    let read = server
        .join()
        .unwrap()
        .expect("the connection closes, not a 10 s read timeout");
    assert!(read > 0);
}
